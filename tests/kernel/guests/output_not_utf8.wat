;; output_not_utf8.wat — the output bytes are a JSON string holding an
;; invalid UTF-8 sequence.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "\"\ff\fe\"")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
    (i64.const 0x0000001000000004)))
