;; json_spin.wat — a JSON-ABI guest with no imports: method "ok" answers
;; {"ok":true}, "trap" hits unreachable, any other method loops for ever
;; (for call-json limits and kernel modules with limits).
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "{\"ok\":true}")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
    (if (i32.eq (local.get 1) (i32.const 2))
      (then (return (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 11)))))
    (if (i32.eq (local.get 1) (i32.const 4)) (then (unreachable)))
    (loop $forever (br $forever))
    (i64.const 0))
  (func (export "spin") (param i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 0))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))
  (func (export "membomb") (result i32)
    (block $full
      (loop $l
        (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $l)))
    (memory.size)))
