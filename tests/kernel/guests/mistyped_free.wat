;; mistyped_free.wat — `free` takes one parameter instead of two.
(module
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64) (i64.const 0)))
