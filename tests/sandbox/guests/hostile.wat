;; hostile.wat — a guest that misbehaves on request, for the resource limits
;; (tests/sandbox). Every export is a different way to eat a resource.
(module
  (import "env" "reenter" (func $reenter (param i32) (result i32)))
  (memory (export "memory") 1)
  (table $t 1 funcref)
  (data (i32.const 16) "{\"ok\":true}")
  ;; a tight loop with no calls in it: only the back-edge can stop it
  (func (export "spin") (param i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 0))
  ;; n iterations (for fuel budgets), returns n
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))
  ;; memory.grow by one page until refused; returns the pages it reached
  (func (export "membomb") (result i32)
    (block $full
      (loop $l
        (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $l)))
    (memory.size))
  ;; memory.grow by n pages: the old size, or -1 when refused
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  ;; table.grow by 1000 until refused; returns the size it reached
  (func (export "tablebomb") (result i32)
    (block $full
      (loop $l
        (br_if $full (i32.eq (table.grow $t (ref.null func) (i32.const 1000)) (i32.const -1)))
        (br $l)))
    (table.size $t))
  ;; unbounded recursion
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  ;; recursion through the host: the host's reenter calls "down" again
  (func (export "down") (param i32) (result i32)
    (call $reenter (i32.add (local.get 0) (i32.const 1))))
  ;; JSON ABI: method "ok" answers {"ok":true}; anything else spins
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
    (if (i32.eq (local.get 1) (i32.const 2))
      (then (return (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 11)))))
    (loop $forever (br $forever))
    (i64.const 0)))
