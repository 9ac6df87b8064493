;; Microbenchmark: direct calls with parameters and results.
;; One unit = one loop iteration making 4 calls (2 to $mix, each of which calls $step).
(module
  (func $step (param $x i32) (param $y i32) (result i32)
    (i32.add (i32.xor (local.get $x) (local.get $y)) (i32.const 1)))
  (func $mix (param $x i32) (param $y i32) (result i32)
    (call $step (i32.shl (local.get $x) (i32.const 1)) (local.get $y)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (call $mix (local.get $acc) (local.get $i)))
        (local.set $acc (call $mix (local.get $i) (local.get $acc)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc)))
