;; Microbenchmark: i32 arithmetic. i32.wat and i64.wat have the same shape
;; (generated together) so their times compare one width with the other.
;; One unit = one loop iteration of 12 i32 operations.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $acc i32)
    (local.set $x (i32.const 0x12345679))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
        (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 7))))
        (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $x) (i32.const 0x2545F491))))
        (local.set $acc (i32.rotl (local.get $acc) (i32.const 5)))
        (local.set $acc (i32.add (local.get $acc)
          (i32.div_u (local.get $x) (i32.or (i32.shr_u (local.get $acc) (i32.const 9)) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc)))
