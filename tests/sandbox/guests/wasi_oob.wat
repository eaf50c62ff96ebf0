;; wasi_oob.wat — WASI calls with pointers outside the guest's memory, for
;; the calls the exhaustive tests/wasi/wat/garbage.wat leaves out because
;; they can block (poll_oneoff) plus the common ones with the classic
;; hostile shapes. Each export returns the errno the host answered.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; poll_oneoff(in, out, nsubscriptions, nevents_ptr)
  (func (export "poll") (param i32 i32 i32 i32) (result i32)
    (call $poll (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  ;; fd_write(1, iovs, iovs_len, nwritten_ptr)
  (func (export "write") (param i32 i32 i32) (result i32)
    (call $fd_write (i32.const 1) (local.get 0) (local.get 1) (local.get 2)))
  ;; iovec at 0 pointing at (buf, len), then fd_write(1, 0, 1, 64)
  (func (export "write_iov") (param i32 i32) (result i32)
    (i32.store (i32.const 0) (local.get 0))
    (i32.store (i32.const 4) (local.get 1))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 64)))
  ;; path_open(3, 0, path, path_len, 0, rights, rights, 0, fd_ptr)
  (func (export "open") (param i32 i32 i32) (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (local.get 0) (local.get 1) (i32.const 0)
      (i64.const -1) (i64.const -1) (i32.const 0) (local.get 2))))
