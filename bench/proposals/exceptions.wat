;; exceptions.wat — throw and catch in a loop (exception handling, 3.0):
;; `run n` calls a function n times that throws every other time, two
;; frames below the handler, with the legacy instructions C++ compilers
;; emit (try/catch). exceptions_exnref.wat is the same with try_table.
;; Returns a checksum of what was thrown and returned.
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
        (try (result i32)
          (do (call $mid (local.get $i)))
          (catch $e))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))
