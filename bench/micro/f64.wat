;; Microbenchmark: f64 arithmetic in the shape of i32.wat (one loop iteration =
;; 11 f64 operations + the i32 counter increment, the same loop control and
;; local traffic), so its time per iteration compares with micro-i32's per
;; instruction. x follows the logistic map x <- 3.7 x (1 - x) (chaotic, stays in
;; (0, 1)); acc mixes in x with multiplies, an abs and a division. Returns acc's
;; bits so the checksum checks every rounding.
(module
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $x f64) (local $acc f64)
    (local.set $x (f64.const 0.3))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (f64.mul (f64.mul (local.get $x) (f64.const 3.7)) (f64.sub (f64.const 1) (local.get $x))))
        (local.set $acc (f64.add (local.get $acc) (f64.mul (local.get $x) (f64.const 0.61803))))
        (local.set $acc (f64.sub (f64.mul (local.get $acc) (f64.const 0.999)) (f64.const 0.01)))
        (local.set $acc (f64.add (local.get $acc)
          (f64.div (local.get $x) (f64.add (f64.abs (local.get $acc)) (f64.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (i64.reinterpret_f64 (local.get $acc))))
