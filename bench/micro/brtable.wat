;; Microbenchmark: br_table dispatch over 8 targets (plus default).
;; One unit = one loop iteration with one br_table and one arithmetic op.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $b8 (block $b7 (block $b6 (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
          (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7 $b8
            (i32.and (i32.xor (local.get $i) (i32.shr_u (local.get $acc) (i32.const 3))) (i32.const 7))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 3))) (br $b8))
          (local.set $acc (i32.xor (local.get $acc) (i32.const 0x55))) (br $b8))
          (local.set $acc (i32.mul (local.get $acc) (i32.const 5))) (br $b8))
          (local.set $acc (i32.sub (local.get $acc) (local.get $i))) (br $b8))
          (local.set $acc (i32.rotl (local.get $acc) (i32.const 3))) (br $b8))
          (local.set $acc (i32.add (local.get $acc) (local.get $i))) (br $b8))
          (local.set $acc (i32.or (local.get $acc) (i32.const 1))) (br $b8))
          (local.set $acc (i32.shr_u (local.get $acc) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc)))
