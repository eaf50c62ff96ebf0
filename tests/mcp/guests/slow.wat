;; slow.wat — a JSON-ABI guest for the MCP tests: method "spin" never
;; returns (deadlines, cancellation), "crash" traps (unreachable), "nap"
;; counts down from 300 million (a fraction of a second) and, like any other
;; method, answers {"ok":true}.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "{\"ok\":true}")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "free") (param i32 i32))
  (func (export "oxide_invoke") (param $m i32) (param $ml i32) (param i32 i32) (result i64)
    (local $n i32)
    (if (i32.eq (local.get $ml) (i32.const 3))
      (then
        (local.set $n (i32.const 300000000))
        (loop $nap
          ;; minus 1 + a byte of memory (0): no closed form, so compiled
          ;; code cannot skip the loop as it would a plain count down
          (local.set $n (i32.sub (local.get $n) (i32.add (i32.const 1) (i32.load8_u (i32.const 0)))))
          (br_if $nap (local.get $n)))))
    (if (i32.eq (local.get $ml) (i32.const 4))
      (then (loop $forever (br $forever))))
    (if (i32.eq (local.get $ml) (i32.const 5))
      (then (unreachable)))
    ;; (16 << 32) | 11
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 11))))
