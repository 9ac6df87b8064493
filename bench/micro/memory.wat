;; Microbenchmark: loads and stores of every integer width over a 64 KiB page.
;; One unit = one loop iteration with 4 stores and 4 loads. Every load reads
;; what the same iteration stored, so the checksum does not depend on earlier runs.
(module
  (memory 1)
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $p i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.and (i32.mul (local.get $i) (i32.const 40503)) (i32.const 0xfff0)))
        (i32.store (local.get $p) (local.get $i))
        (i32.store8 offset=4 (local.get $p) (local.get $acc))
        (i32.store16 offset=6 (local.get $p) (local.get $i))
        (i64.store offset=8 (local.get $p) (i64.extend_i32_u (local.get $acc)))
        (local.set $acc (i32.add (local.get $acc)
          (i32.add (i32.load (local.get $p))
                   (i32.load8_u offset=4 (local.get $p)))))
        (local.set $acc (i32.xor (local.get $acc)
          (i32.add (i32.load16_s offset=6 (local.get $p))
                   (i32.wrap_i64 (i64.load offset=8 (local.get $p))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc)))
