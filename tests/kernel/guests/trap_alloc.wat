;; trap_alloc.wat — `alloc` traps.
(module
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) unreachable)
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64) (i64.const 0)))
