(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32))) (global $g (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $g (i32.const 1)))
  (func (export "_start") (if (i32.ne (global.get $g) (i32.const 1)) (then (call $exit (i32.const 9))))))
