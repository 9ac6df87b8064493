;; The guest side of examples/host.mjs: calls host functions that read its
;; memory and charge gas. Built to host.wasm by `node examples/build.js`.
(module
  (import "env" "log" (func $log (param i32 i32)))        ;; (ptr, len) of a UTF-8 string
  (import "env" "charge" (func $charge (param i32)))      ;; asks the host to charge gas
  (import "env" "random" (func $random (result i64)))     ;; a deterministic host "random"
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm")

  (func (export "greet")
    (call $log (i32.const 16) (i32.const 15)))

  ;; Charges `units` through the host, then returns a host-provided i64.
  (func (export "expensive") (param $units i32) (result i64)
    (call $charge (local.get $units))
    (call $random))

  ;; Traps with integer_divide_by_zero when $b is 0.
  (func $divide (export "divide") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))

  ;; Counts down from $n: runs out of gas for a large $n and a small budget.
  (func (export "spin") (param $n i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))
)
