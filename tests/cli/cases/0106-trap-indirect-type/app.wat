(module (type $v (func)) (type $i (func (result i32)))
  (table 2 funcref) (elem (i32.const 0) $f)
  (func $f)
  (func (export "_start") (drop (call_indirect (type $i) (i32.const 0)))))
