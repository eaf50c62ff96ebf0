;; gc_hoard.wat — a guest using GC (WebAssembly 3.0): `churn` allocates
;; and drops lists of structs, which the collector takes back; `hoard`
;; keeps every node it makes reachable, so it runs into the GC heap's
;; limit (max_gc_bytes, or the memory limit), which traps.
(module
  (type $node (struct (field $next (ref null $node)) (field $v i32)))
  (global $kept (mut (ref null $node)) (ref.null $node))
  (memory (export "memory") 1)
  ;; n lists of 1000 nodes, each dropped; returns the last list's sum
  (func (export "churn") (param $n i32) (result i32)
    (local $l (ref null $node)) (local $i i32) (local $s i32)
    (loop $lists
      (local.set $l (ref.null $node))
      (local.set $i (i32.const 0))
      (loop $nodes
        (local.set $l (struct.new $node (local.get $l) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $nodes (i32.lt_u (local.get $i) (i32.const 1000))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $lists (i32.gt_s (local.get $n) (i32.const 0))))
    (local.set $s (i32.const 0))
    (block $done
      (loop $sum
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i32.add (local.get $s) (struct.get $node $v (local.get $l))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $sum)))
    (local.get $s))
  (func (export "hoard") (param i32) (result i32)
    (loop $l
      (global.set $kept (struct.new $node (global.get $kept) (local.get 0)))
      (br $l))
    (i32.const 0))
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32)))
