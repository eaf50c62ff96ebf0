;; spin.wat — a guest that never returns from `spin` (nor from
;; `oxide_invoke`), and one that asks for ever more memory; for the
;; executor's resource limits and for stopping a busy Wasm module.
(module
  (memory (export "memory") 1)
  (func (export "spin") (param i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 0))
  ;; grow by n pages; returns the old size or -1 when refused
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "ok") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
    (loop $forever (br $forever))
    (i64.const 0)))
