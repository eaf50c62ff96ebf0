;; big.wat — a JSON-ABI guest whose answer is a 100,000,002-byte JSON string:
;; far more than the MCP server's default message limit (4 MiB).
(module
  (memory (export "memory") 1600)
  (func (export "alloc") (param i32) (result i32) (i32.const 100000100))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
    (i32.store8 (i32.const 0) (i32.const 34))
    (memory.fill (i32.const 1) (i32.const 97) (i32.const 100000000))
    (i32.store8 (i32.const 100000001) (i32.const 34))
    (i64.const 100000002)))
