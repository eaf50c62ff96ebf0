;; no_memory.wat — the ABI functions are there but memory is not exported
;; under the name `memory`.
(module
  (memory (export "mem") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64) (i64.const 0)))
