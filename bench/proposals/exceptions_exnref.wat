;; exceptions_exnref.wat — exceptions.wat with try_table (exnref, 3.0)
;; in place of the legacy try/catch: `run n` throws n/2 times, two frames
;; below the handler. Returns the same checksum.
(module
  (tag $e (param i32))
  (func $leaf (param $i i32) (result i32)
    (if (i32.and (local.get $i) (i32.const 1))
      (then (throw $e (i32.mul (local.get $i) (i32.const 3)))))
    (i32.add (local.get $i) (i32.const 1)))
  (func $mid (param $i i32) (result i32)
    (i32.add (call $leaf (local.get $i)) (i32.const 1)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum)
        (block $h (result i32)
          (try_table (result i32) (catch $e $h)
            (call $mid (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))
