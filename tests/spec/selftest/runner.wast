;; Self-test of `oxide wast`: every command ends with a marker saying what
;; the runner must make of it (PASS, FAIL, SKIP). selftest.sh checks the
;; runner's report against these markers, so a runner that grows lenient
;; (or strict) fails this test.
(module ;; PASS
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "canon") (result f32) (f32.const nan))
  (func (export "arith") (result f32) (f32.const nan:0x600000))
  (func (export "neg0") (result f64) (f64.const -0))
  (func (export "id_ext") (param externref) (result externref) (local.get 0))
  (func (export "two") (result i32 i64) (i32.const 1) (i64.const -1))
  (func $r (export "runaway") (call $r))
  (func (export "spin") (loop $l (br $l)))
  (global (export "g") i32 (i32.const 666))
)
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3)) ;; PASS
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4)) ;; FAIL
(assert_return (invoke "add" (i32.const -1) (i32.const 0)) (i32.const 4294967295)) ;; PASS
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (either (i32.const 4) (i32.const 3))) ;; PASS
(assert_return (invoke "canon") (f32.const nan:canonical)) ;; PASS
(assert_return (invoke "arith") (f32.const nan:arithmetic)) ;; PASS
(assert_return (invoke "arith") (f32.const nan:canonical)) ;; FAIL
(assert_return (invoke "neg0") (f64.const -0)) ;; PASS
(assert_return (invoke "neg0") (f64.const 0)) ;; FAIL
(assert_return (invoke "id_ext" (ref.extern 1)) (ref.extern 1)) ;; PASS
(assert_return (invoke "id_ext" (ref.extern 1)) (ref.extern 2)) ;; FAIL
(assert_return (invoke "id_ext" (ref.null extern)) (ref.null extern)) ;; PASS
(assert_return (invoke "id_ext" (ref.extern 0)) (ref.null extern)) ;; FAIL
(assert_return (invoke "two") (i32.const 1) (i64.const -1)) ;; PASS
(assert_return (invoke "two") (i32.const 1) (i64.const 1)) ;; FAIL
(assert_return (invoke "two") (i32.const 1)) ;; FAIL
(assert_return (get "g") (i32.const 666)) ;; PASS
(assert_return (invoke "nope")) ;; FAIL
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero") ;; PASS
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer overflow") ;; FAIL
(assert_trap (invoke "div" (i32.const 4) (i32.const 2)) "integer divide by zero") ;; FAIL
(assert_trap (invoke "spin") "integer divide by zero") ;; FAIL
(assert_exhaustion (invoke "runaway") "call stack exhausted") ;; PASS
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch") ;; PASS
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch") ;; FAIL
(assert_invalid (module quote "(func") "type mismatch") ;; FAIL
(assert_malformed (module quote "(func") "unexpected token") ;; PASS
(assert_malformed (module quote "(func (i32.const 0x))") "unknown operator") ;; PASS
(assert_malformed (module quote "(func (result i32) (i32.const 0))") "unexpected token") ;; FAIL
(assert_malformed (module binary "\00asm\01\00\00\00\01") "unexpected end") ;; PASS
(assert_malformed (module binary "\00asm\01\00\00\00") "unexpected end") ;; FAIL
(module $M2 (func (export "f") (result i32) (i32.const 7))) ;; PASS
(register "m2" $M2) ;; PASS
(module (import "m2" "f" (func $f (result i32))) (import "spectest" "print_i32" (func (param i32))) (import "spectest" "global_i32" (global i32)) (import "spectest" "table" (table 10 funcref)) (import "spectest" "memory" (memory 1)) (func (export "g") (result i32) (call $f))) ;; PASS
(assert_return (invoke "g") (i32.const 7)) ;; PASS
(assert_return (invoke $M2 "f") (i32.const 7)) ;; PASS
(assert_unlinkable (module (import "m2" "nope" (func))) "unknown import") ;; PASS
(assert_unlinkable (module (import "m2" "f" (func (result i32)))) "unknown import") ;; FAIL
(assert_trap (module (func $s unreachable) (start $s)) "unreachable") ;; PASS
(module definition $D (func (export "h") (result i32) (i32.const 9))) ;; PASS
(module instance $I $D) ;; PASS
(assert_return (invoke $I "h") (i32.const 9)) ;; PASS
(assert_malformed_custom (module quote "(@custom \"x\" (before func) \"\")") "malformed") ;; SKIP
(module (import "nowhere" "x" (func)) (func (export "g") (result i32) (i32.const 7))) ;; FAIL
(assert_return (invoke "g") (i32.const 7)) ;; FAIL
;; A command that never closes: reported once, and the script stops there.
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3) ;; FAIL
