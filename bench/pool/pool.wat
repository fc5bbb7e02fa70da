;; Engine test fixture: a 1 MiB initialized memory, a mutable global, exports
;; that change state, an infinite loop, and a host call round trip.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (memory (export "memory") 16 64)
  (global $counter (mut i32) (i32.const 0))
  (data (i32.const 0) "snapshot-start")
  (data (i32.const 1048000) "snapshot-end")
  (table 2 funcref)
  (elem (i32.const 0) $get_counter)
  (type $geti (func (result i32)))
  (func $get_counter (result i32) (global.get $counter))
  ;; writes v at each of n pages starting at page 1 and bumps the counter
  (func (export "touch") (param $n i32) (param $v i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.mul (i32.add (local.get $i) (i32.const 1)) (i32.const 4096)) (local.get $v))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (global.set $counter (i32.add (global.get $counter) (i32.const 1))))
  (func (export "counter") (result i32) (call_indirect (type $geti) (i32.const 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "spin") (loop $l (br $l)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  ;; n host calls (guest -> host round trips)
  (func (export "host_calls") (param $n i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (drop (call $sizes (i32.const 64) (i32.const 68)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))))
)
