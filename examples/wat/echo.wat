;; echo.wat — the Oxide JSON ABI written by hand in the text format.
;;
;; The host writes the method name and the compact JSON input into buffers
;; it gets from `alloc`, calls `oxide_invoke`, and reads the answer at
;; (result >> 32) with length (result & 0xffffffff). This guest answers
;; {"echo":INPUT} for any method:
;;   oxide call-json examples/wat/echo.wat anything '{"a":[1,2]}'
;;   {"echo":{"a":[1,2]}}
(module
  (memory (export "memory") 1)
  ;; a bump allocator: what `free` returns is not reused (fine for a
  ;; short-lived tool; see examples/guest/guest.c for a real one)
  (global $next (mut i32) (i32.const 1024))

  (func $alloc (export "alloc") (param $size i32) (result i32)
    (local $p i32) (local $end i32)
    (local.set $p (global.get $next))
    (local.set $end (i32.add (local.get $p) (local.get $size)))
    ;; grow the memory when the buffer does not fit; 0 when it cannot
    (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq (memory.grow (i32.add (i32.shr_u (local.get $size) (i32.const 16))
                                          (i32.const 1)))
                    (i32.const -1))
          (then (return (i32.const 0))))))
    (global.set $next (local.get $end))
    (local.get $p))

  (func (export "free") (param $ptr i32) (param $size i32))

  (data (i32.const 16) "{\"echo\":")

  (func (export "oxide_invoke")
        (param $method i32) (param $method_len i32)
        (param $input i32) (param $input_len i32)
        (result i64)
    (local $out i32) (local $len i32)
    ;; {"echo": + INPUT + }
    (local.set $len (i32.add (local.get $input_len) (i32.const 9)))
    (local.set $out (call $alloc (local.get $len)))
    (memory.copy (local.get $out) (i32.const 16) (i32.const 8))
    (memory.copy (i32.add (local.get $out) (i32.const 8)) (local.get $input) (local.get $input_len))
    (i32.store8 (i32.add (local.get $out) (i32.sub (local.get $len) (i32.const 1)))
                (i32.const 0x7d))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32))
            (i64.extend_i32_u (local.get $len)))))
