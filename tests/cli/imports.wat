;; A module that needs imports: inspect lists them, invoke must refuse it.
(module
  (import "env" "log" (func $log (param i32 i64) (result f32)))
  (import "env" "memory" (memory 1))
  (import "env" "limit" (global (mut i32)))
  (import "spectest" "table" (table 10 20 funcref))
  (func (export "run") (result f32)
    (call $log (i32.const 1) (i64.const 2)))
)
