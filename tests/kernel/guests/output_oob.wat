;; output_oob.wat — the output pointer is inside memory but the length runs
;; past its end (one page, 65536 bytes: 65530 + 16 > 65536).
(module
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
    (i64.const 0x0000FFFA00000010)))
