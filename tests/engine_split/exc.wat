;; SPDX-License-Identifier: Apache-2.0
;; Split fixture: an exception tag (a file-scope object in wasm2c's output)
;; thrown in one function and caught in another. exc_main.c runs it.
(module
  (tag $oops (param i32))
  (func $thrower (param i32)
    (if (i32.gt_s (local.get 0) (i32.const 10)) (then (throw $oops (local.get 0)))))
  (func $middle (param i32) (result i32) (call $thrower (local.get 0)) (i32.const 1))
  (func $other (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "catch") (param i32) (result i32)
    (try (result i32)
      (do (call $middle (local.get 0)))
      (catch $oops (i32.add (call $other) (i32.const 1000))))))
