;; throw_invoke.wat — `oxide_invoke` throws a WebAssembly exception
;; (exception handling, 3.0) that nothing catches: the call fails with an
;; error naming the tag (the kernel answers `<method>.err`), and the
;; executor stays usable.
(module
  (tag $bad_input (export "bad_input") (param i32))
  (memory (export "memory") 1)
  (data (i32.const 16) "[1,2,3]")
  (global $calls (mut i32) (i32.const 0))
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  ;; throws every other call
  (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (i32.and (global.get $calls) (i32.const 1))
      (then (throw $bad_input (global.get $calls))))
    (i64.const 0x0000001000000007)))
