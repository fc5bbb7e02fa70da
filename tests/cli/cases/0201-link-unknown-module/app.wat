(module (import "env" "foo" (func)) (func (export "_start")))
