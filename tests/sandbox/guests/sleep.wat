;; sleep.wat — a WASI command that sleeps for an hour in poll_oneoff (one
;; monotonic clock subscription), then exits 0. Only a deadline or an
;; interrupt that reaches into the host call can end it early. `read`
;; blocks the same way in fd_read on stdin (a pipe nobody writes to).
(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; fd_read(0, iovec at 256 -> 16 bytes at 512, 1, nread at 300): the errno
  (func (export "read") (result i32)
    (i32.store (i32.const 256) (i32.const 512))
    (i32.store (i32.const 260) (i32.const 16))
    (call $fd_read (i32.const 0) (i32.const 256) (i32.const 1) (i32.const 300)))
  (func $sleep (export "sleep") (result i32)
    ;; subscription at 0: userdata 0, tag 0 (clock), clock id 1 (monotonic),
    ;; timeout 3600 s in ns, precision 0, flags 0 (relative)
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 3600000000000))
    (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))
  (func (export "_start") (drop (call $sleep))))
