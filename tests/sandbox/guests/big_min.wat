;; big_min.wat — a memory whose minimum is 100 pages (6.25 MiB): it must not
;; instantiate under a smaller --max-memory. `pages` returns memory.size.
(module
  (memory (export "memory") 100)
  (func (export "pages") (result i32) (memory.size))
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64) (i64.const 0)))
