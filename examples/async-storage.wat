;; A counter contract whose storage lives in an asynchronous key-value store
;; (examples/async-storage.mjs): every get/put is a host call that returns a
;; Promise; detwasm suspends the call there and resumes it when it settles.
(module
  (import "kv" "get" (func $get (param i32) (result i64)))
  (import "kv" "put" (func $put (param i32 i64)))
  ;; adds `by` to counter `key` `times` times, one read and one write each; returns the new value
  (func (export "bump") (param $key i32) (param $by i64) (param $times i32) (result i64) (local $v i64)
    (loop $l
      (local.set $v (i64.add (call $get (local.get $key)) (local.get $by)))
      (call $put (local.get $key) (local.get $v))
      (br_if $l (local.tee $times (i32.sub (local.get $times) (i32.const 1)))))
    (local.get $v)))
