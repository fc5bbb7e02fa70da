;; SPDX-License-Identifier: Apache-2.0
;; A shared memory and atomics: the memory limits are the first use.
(module
  (memory (export "memory") 1 2 shared)
  (func (export "inc") (param i32) (result i32)
    (i32.atomic.rmw.add (local.get 0) (i32.const 1))))
