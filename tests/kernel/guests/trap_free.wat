;; trap_free.wat — `free` traps (divides by zero); the host ignores failing
;; frees, so calls still succeed.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "[1,2,3]")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32)
    (drop (i32.div_u (i32.const 1) (i32.const 0))))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
    (i64.const 0x0000001000000007)))
