;; A token contract: balances of i32 account ids live in the host's storage
;; (key "bal:" + the account id as 4 little-endian bytes, value an i64), read
;; and written through two host functions that charge gas per byte.
;; Run by examples/contract.mjs; see "Running smart contracts" in the README.
(module
  ;; storage_read(key_ptr, key_len, value_ptr, value_cap) -> value length, or -1 if the key is absent
  (import "env" "storage_read" (func $storage_read (param i32 i32 i32 i32) (result i32)))
  ;; storage_write(key_ptr, key_len, value_ptr, value_len)
  (import "env" "storage_write" (func $storage_write (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  ;; bytes 0..7: the key ("bal:" + account id); bytes 16..23: the value
  (data (i32.const 0) "bal:")

  (func $key (param $account i32)
    (i32.store (i32.const 4) (local.get $account)))

  ;; The balance of an account (0 if it never had one).
  (func $balance_of (export "balance_of") (param $account i32) (result i64)
    (call $key (local.get $account))
    (if (result i64)
      (i32.eq (call $storage_read (i32.const 0) (i32.const 8) (i32.const 16) (i32.const 8)) (i32.const 8))
      (then (i64.load (i32.const 16)))
      (else (i64.const 0))))

  (func $set_balance (param $account i32) (param $amount i64)
    (call $key (local.get $account))
    (i64.store (i32.const 16) (local.get $amount))
    (call $storage_write (i32.const 0) (i32.const 8) (i32.const 16) (i32.const 8)))

  ;; Creates `amount` new tokens for `to`; traps if the balance would overflow.
  (func (export "mint") (param $to i32) (param $amount i64)
    (local $new i64)
    (local.set $new (i64.add (call $balance_of (local.get $to)) (local.get $amount)))
    (if (i64.lt_u (local.get $new) (local.get $amount)) (then unreachable))
    (call $set_balance (local.get $to) (local.get $new)))

  ;; Moves `amount` from `from` to `to`; traps (unreachable) if `from` has less.
  (func $transfer (export "transfer") (param $from i32) (param $to i32) (param $amount i64)
    (local $balance i64)
    (local.set $balance (call $balance_of (local.get $from)))
    (if (i64.lt_u (local.get $balance) (local.get $amount)) (then unreachable))
    (call $set_balance (local.get $from) (i64.sub (local.get $balance) (local.get $amount)))
    (call $set_balance (local.get $to) (i64.add (call $balance_of (local.get $to)) (local.get $amount))))

  ;; Pays `amount` from `from` to each of the accounts `to`, `to`+1, ..., `to`+`count`-1.
  (func (export "airdrop") (param $from i32) (param $to i32) (param $count i32) (param $amount i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $count)))
        (call $transfer (local.get $from) (local.get $to) (local.get $amount))
        (local.set $to (i32.add (local.get $to) (i32.const 1)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $next))))
)
