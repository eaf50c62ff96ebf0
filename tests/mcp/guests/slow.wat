;; slow.wat — a JSON-ABI guest for the MCP tests: method "spin" never
;; returns (deadlines, cancellation), "crash" traps (unreachable), any other
;; method answers {"ok":true}.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "{\"ok\":true}")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param $m i32) (param $ml i32) (param i32 i32) (result i64)
    (if (i32.eq (local.get $ml) (i32.const 4))
      (then (loop $forever (br $forever))))
    (if (i32.eq (local.get $ml) (i32.const 5))
      (then (unreachable)))
    ;; (16 << 32) | 11
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 11))))
