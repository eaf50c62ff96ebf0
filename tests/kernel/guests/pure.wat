;; pure.wat — typed exports for the plain call API, a trap, an import, and
;; non-function exports that list_exports must skip.
(module
  (import "host" "double" (func $double (param i32) (result i32)))
  (memory (export "memory") 1)
  (global (export "g") i32 (i32.const 7))
  (global $counter (mut i32) (i32.const 0))
  (func (export "add_one") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "twice") (param i32) (result i32) (call $double (local.get 0)))
  (func (export "count") (param i32) (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter)))
