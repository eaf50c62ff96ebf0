;; accounting.wat — a JSON-ABI guest that counts live buffers, so tests can
;; prove the host frees method, input and output buffers on every path.
;; set_mode(m) selects a behaviour for the next call and returns `live`:
;;   0 answer {"ok":true}        1 trap in oxide_invoke
;;   2 output out of bounds       3 alloc for the input returns OOB
(module
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 1024))
  (global $live (mut i32) (i32.const 0))
  (global $mode (mut i32) (i32.const 0))
  (global $allocs (mut i32) (i32.const 0))
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 16) "{\"ok\":true}")
  (func (export "set_mode") (param i32) (result i32)
    (global.set $mode (local.get 0))
    (global.set $allocs (i32.const 0))
    (global.get $live))
  (func (export "live") (param i32) (result i32) (global.get $live))
  (func (export "calls") (param i32) (result i32) (global.get $calls))
  (func (export "alloc") (param $n i32) (result i32) (local $p i32)
    (global.set $allocs (i32.add (global.get $allocs) (i32.const 1)))
    (global.set $live (i32.add (global.get $live) (i32.const 1)))
    (if (i32.and (i32.eq (global.get $mode) (i32.const 3))
                 (i32.eq (global.get $allocs) (i32.const 2)))
      (then (return (i32.const 0xFFFFFF00))))
    ;; reuse the arena once it fills: contents do not matter here
    (if (i32.gt_u (global.get $bump) (i32.const 60000))
      (then (global.set $bump (i32.const 1024))))
    (local.set $p (global.get $bump))
    (global.set $bump (i32.add (global.get $bump) (i32.add (local.get $n) (i32.const 8))))
    (local.get $p))
  (func (export "free") (param i32 i32)
    (global.set $live (i32.sub (global.get $live) (i32.const 1))))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (i32.eq (global.get $mode) (i32.const 1)) (then unreachable))
    (if (i32.eq (global.get $mode) (i32.const 2))
      (then (return (i64.const 0xFFFF000000000010))))
    ;; the answer lives at 16; count it as a buffer the host must free
    (global.set $live (i32.add (global.get $live) (i32.const 1)))
    (i64.const 0x100000000B)))
