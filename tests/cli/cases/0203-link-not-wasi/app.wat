(module (import "wasi_snapshot_preview1" "no_such_fn" (func)) (func (export "_start")))
