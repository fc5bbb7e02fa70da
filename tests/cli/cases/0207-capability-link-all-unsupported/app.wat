(module (import "sql" "sql::open" (func (param i32 i32 i32))) (memory (export "memory") 1) (func (export "_start")))
