;; tailcall.wat — even/odd by mutual tail calls: n calls in constant stack
;; (a plain call chain this deep would exhaust the call stack long before).
(module
  (type $pred (func (param i64) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $even $odd)
  (func $even (export "even") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get $n) (i64.const 1))))))
  (func $odd (export "odd") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call_indirect (type $pred) (i64.sub (local.get $n) (i64.const 1)) (i32.const 0)))))
)
