;; Microbenchmark: calls of small functions with 0-4 parameters and 0-1
;; results, direct and through call_indirect (the call-heavy shape of issue
;; 22). One unit = one loop iteration: 6 direct calls + 2 indirect calls.
(module
  (type $t1 (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $inc $dbl)
  (global $g (mut i32) (i32.const 0))
  (func $nop)
  (func $tick (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1)))
  (func $add2 (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $mix3 (param i32 i32 i32) (result i32) (i32.xor (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  (func $sel4 (param i32 i32 i32 i32) (result i32)
    (select (local.get 0) (local.get 1) (i32.lt_u (local.get 2) (local.get 3))))
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $x i32)
    (global.set $g (i32.const 0))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $nop)
        (call $tick)
        (local.set $x (call $inc (local.get $x)))
        (local.set $x (call $add2 (local.get $x) (local.get $i)))
        (local.set $x (call $mix3 (local.get $x) (local.get $i) (i32.const 0x5bd1e995)))
        (local.set $x (call $sel4 (local.get $x) (local.get $i) (local.get $x) (i32.const 0x40000000)))
        (local.set $x (call_indirect (type $t1) (local.get $x) (i32.and (local.get $i) (i32.const 1))))
        (local.set $x (call_indirect (type $t1) (local.get $x) (i32.const 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (i32.add (local.get $x) (global.get $g))))
