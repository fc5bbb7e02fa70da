(module (func $t (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func (export "_start") (drop (call $t (f32.const nan)))))
