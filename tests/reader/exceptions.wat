;; SPDX-License-Identifier: Apache-2.0
;; A tag section (the first use), throw and try/catch.
(module
  (tag $e (param i32))
  (func (export "f") (param i32) (result i32)
    (try (result i32)
      (do (throw $e (local.get 0)))
      (catch $e))))
