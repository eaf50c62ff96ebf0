;; output_not_json.wat — the output is valid UTF-8 but not JSON.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, world")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
    (i64.const 0x000000100000000C)))
