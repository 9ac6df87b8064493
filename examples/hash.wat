;; A deterministic hashing workload: fill memory with xorshift32 bytes, then
;; hash them with FNV-1a (32-bit and 64-bit). Built to hash.wasm by
;; `node examples/build.js`.
;;   npx detwasm run examples/hash.wasm --invoke run 65536 --gas 100000000
(module
  (memory (export "memory") 2)

  ;; Writes `len` pseudo-random bytes at `ptr` from a xorshift32 state `seed`.
  (func $fill (export "fill") (param $ptr i32) (param $len i32) (param $seed i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $seed (i32.xor (local.get $seed) (i32.shl (local.get $seed) (i32.const 13))))
        (local.set $seed (i32.xor (local.get $seed) (i32.shr_u (local.get $seed) (i32.const 17))))
        (local.set $seed (i32.xor (local.get $seed) (i32.shl (local.get $seed) (i32.const 5))))
        (i32.store8 (local.get $ptr) (local.get $seed))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next))))

  ;; FNV-1a, 32-bit.
  (func $fnv1a32 (export "fnv1a32") (param $ptr i32) (param $len i32) (result i32)
    (local $h i32) (local $end i32)
    (local.set $h (i32.const 0x811c9dc5))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $ptr)))
                               (i32.const 0x01000193)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next)))
    (local.get $h))

  ;; FNV-1a, 64-bit.
  (func $fnv1a64 (export "fnv1a64") (param $ptr i32) (param $len i32) (result i64)
    (local $h i64) (local $end i32)
    (local.set $h (i64.const 0xcbf29ce484222325))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load8_u (local.get $ptr)))
                               (i64.const 0x100000001b3)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next)))
    (local.get $h))

  ;; fill(0, len, 0x2545F491) then the 64-bit hash of those bytes.
  ;; Traps with "out of bounds memory access" when len exceeds the memory.
  (func (export "run") (param $len i32) (result i64)
    (call $fill (i32.const 0) (local.get $len) (i32.const 0x2545F491))
    (call $fnv1a64 (i32.const 0) (local.get $len)))
)
