;; Microbenchmark: i64 arithmetic. i32.wat and i64.wat have the same shape
;; (generated together) so their times compare one width with the other.
;; One unit = one loop iteration of 12 i64 operations.
(module
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $x i64) (local $acc i64)
    (local.set $x (i64.const 0x12345679))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
        (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $x) (i64.const 0x2545F491))))
        (local.set $acc (i64.rotl (local.get $acc) (i64.const 5)))
        (local.set $acc (i64.add (local.get $acc)
          (i64.div_u (local.get $x) (i64.or (i64.shr_u (local.get $acc) (i64.const 9)) (i64.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc)))
