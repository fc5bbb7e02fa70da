(module (func (export "main")))
