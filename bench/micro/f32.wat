;; Microbenchmark: f32 arithmetic in the shape of i32.wat (one loop iteration =
;; 11 f32 operations + the i32 counter increment, the same loop control and
;; local traffic), so its time per iteration compares with micro-i32's per
;; instruction. x follows the logistic map x <- 3.7 x (1 - x) (chaotic, stays in
;; (0, 1)); acc mixes in x with multiplies, an abs and a division. Returns acc's
;; bits so the checksum checks every rounding.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $x f32) (local $acc f32)
    (local.set $x (f32.const 0.3))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (f32.mul (f32.mul (local.get $x) (f32.const 3.7)) (f32.sub (f32.const 1) (local.get $x))))
        (local.set $acc (f32.add (local.get $acc) (f32.mul (local.get $x) (f32.const 0.61803))))
        (local.set $acc (f32.sub (f32.mul (local.get $acc) (f32.const 0.999)) (f32.const 0.01)))
        (local.set $acc (f32.add (local.get $acc)
          (f32.div (local.get $x) (f32.add (f32.abs (local.get $acc)) (f32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (i32.reinterpret_f32 (local.get $acc))))
