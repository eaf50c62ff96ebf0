;; alloc_oob.wat — `alloc` returns a pointer past the end of memory (its top
;; bit is set, so a host that sign-extends would compute a negative address).
(module
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 0xFFFFFFF0))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64) (i64.const 0)))
