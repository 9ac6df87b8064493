;; Microbenchmark: local.get / local.set / local.tee and i32.add only.
;; One unit = one loop iteration of 12 local ops + 4 adds.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local.set $a (i32.const 1))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $b (i32.add (local.get $a) (local.get $i)))
        (local.set $c (local.tee $d (i32.add (local.get $b) (local.get $a))))
        (local.set $a (i32.add (local.get $c) (local.get $d)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $a)))
