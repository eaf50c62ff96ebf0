;; binary_trees.wat — the binary-trees benchmark (GC, 3.0): for each depth
;; from 4 to max in steps of 2, build and walk 2^(max - depth + 4) trees of
;; that depth while one long-lived tree of depth max stays alive; every
;; tree is garbage once walked. Returns the total node count (a checksum).
(module
  (type $node (struct (field $l (ref null $node)) (field $r (ref null $node))))
  (func $build (param $d i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $d))
      (then (struct.new $node (ref.null $node) (ref.null $node)))
      (else (struct.new $node
              (call $build (i32.sub (local.get $d) (i32.const 1)))
              (call $build (i32.sub (local.get $d) (i32.const 1)))))))
  (func $check (param $n (ref null $node)) (result i32)
    (if (result i32) (ref.is_null (struct.get $node $l (local.get $n)))
      (then (i32.const 1))
      (else (i32.add (i32.const 1)
              (i32.add (call $check (struct.get $node $l (local.get $n)))
                       (call $check (struct.get $node $r (local.get $n))))))))
  (func (export "run") (param $max i32) (result i32)
    (local $long (ref null $node)) (local $d i32) (local $iters i32) (local $i i32)
    (local $total i32)
    (local.set $total (call $check (call $build (i32.add (local.get $max) (i32.const 1)))))
    (local.set $long (call $build (local.get $max)))
    (local.set $d (i32.const 4))
    (loop $depths
      (local.set $iters (i32.shl (i32.const 1)
        (i32.add (i32.sub (local.get $max) (local.get $d)) (i32.const 4))))
      (local.set $i (i32.const 0))
      (loop $trees
        (local.set $total (i32.add (local.get $total) (call $check (call $build (local.get $d)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $trees (i32.lt_u (local.get $i) (local.get $iters))))
      (local.set $d (i32.add (local.get $d) (i32.const 2)))
      (br_if $depths (i32.le_u (local.get $d) (local.get $max))))
    (i32.add (local.get $total) (call $check (local.get $long)))))
