;; sleep.wat — a WASI command that sleeps for an hour in poll_oneoff (one
;; monotonic clock subscription), then exits 0. Only a deadline or an
;; interrupt that reaches into the host call can end it early.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $sleep (export "sleep") (result i32)
    ;; subscription at 0: userdata 0, tag 0 (clock), clock id 1 (monotonic),
    ;; timeout 3600 s in ns, precision 0, flags 0 (relative)
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 3600000000000))
    (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))
  (func (export "_start") (drop (call $sleep))))
