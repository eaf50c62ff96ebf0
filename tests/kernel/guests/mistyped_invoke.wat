;; mistyped_invoke.wat — `oxide_invoke` returns i32, not i64.
(module
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i32) (i32.const 0)))
