;; exceptions.wat — exception handling (WebAssembly 3.0) from the command
;; line: `catch` returns what `throw` carried; `boom` leaves uncaught;
;; `legacy` catches with the instructions before exnref (try/catch) and
;; `legacy-rethrow` rethrows from a catch_all to the catch around it.
(module
  (tag $oops (export "oops") (param i32))
  (func $thrower (param i32)
    (throw $oops (local.get 0)))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $oops $h)
        (call $thrower (local.get 0)))
      (i32.const -1)))
  (func (export "boom") (param i32) (result i32)
    (call $thrower (local.get 0))
    (i32.const 0))
  (func (export "legacy") (param i32) (result i32)
    (try (result i32)
      (do (call $thrower (local.get 0)) (i32.const -1))
      (catch $oops (i32.add (i32.const 1)))))
  (func (export "legacy-rethrow") (param i32) (result i32)
    try (result i32)
      try
        local.get 0
        call $thrower
      catch_all
        rethrow 0
      end
      i32.const -1
    catch $oops
    end))
