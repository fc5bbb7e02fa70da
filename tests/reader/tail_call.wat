;; SPDX-License-Identifier: Apache-2.0
;; return_call in function 1 (function 0 is an import).
(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (func (export "g") (param i32) (result i32)
    (return_call $f (local.get 0))))
