;; A float load whose value nobody uses must still trap when out of bounds
;; (optimized tier: float loads are forced into an SSE register).
(module
  (memory 1)
  (func (export "_start")
    (drop (f32.load (i32.const 16)))
    (drop (f64.load (i32.const 0xfffc)))))
