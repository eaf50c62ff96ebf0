;; grow64.wat — a guest whose memory is 64-bit (memory64): the engine's
;; memory limit (the manifest's max_memory_pages) caps it as it caps a
;; 32-bit one.
(module
  (memory (export "memory") i64 1)
  ;; grow by n pages; returns the old size or -1 when refused
  (func (export "grow") (param i32) (result i32)
    (i32.wrap_i64 (memory.grow (i64.extend_i32_u (local.get 0)))))
  ;; store and load back a byte at address 2^16 * pages - 1, the last one
  (func (export "last") (param i32) (result i32)
    (local $a i64)
    (local.set $a (i64.sub (i64.shl (memory.size) (i64.const 16)) (i64.const 1)))
    (i64.store8 (local.get $a) (i64.extend_i32_u (local.get 0)))
    (i32.load8_u (local.get $a)))
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32)))
