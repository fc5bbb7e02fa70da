;; SPDX-License-Identifier: Apache-2.0
;; Uses SIMD in function 1 (function 0 is an import).
(module
  (import "env" "log" (func $log (param i32)))
  (memory (export "memory") 1)
  (func (export "add") (param i32 i32)
    (v128.store (local.get 0)
      (i32x4.add (v128.load (local.get 0)) (v128.load (local.get 1))))))
