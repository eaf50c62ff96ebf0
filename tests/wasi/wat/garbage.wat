;; garbage.wat — calls every wasi_snapshot_preview1 function (except the
;; ones that end the program or can block: proc_exit, proc_raise,
;; poll_oneoff) with arguments drawn from pools of edge values: pointers at
;; and past the end of memory, wrapping lengths, bad and good descriptors,
;; all flag bits. The module keeps no state in its memory, so whatever the
;; host writes there cannot derail it. Every call must return an errno; the
;; host must neither crash nor trap. fd_close and fd_renumber only touch
;; fds >= 6 so the standard streams and the preopen (fd 3) stay usable.
;; Exports run(iterations) -> calls made.
;; (Generated once by a throwaway script; edit by hand.)
(module
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_advise" (func $fd_advise (param i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_allocate" (func $fd_allocate (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_datasync" (func $fd_datasync (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $fd_fdstat_set_flags (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_rights" (func $fd_fdstat_set_rights (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func $fd_filestat_set_size (param i32 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_times" (func $fd_filestat_set_times (param i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread" (func $fd_pread (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite" (func $fd_pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_sync" (func $fd_sync (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_tell" (func $fd_tell (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_set_times" (func $path_filestat_set_times (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $path_link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func $path_readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $path_remove_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $path_rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sched_yield" (func $sched_yield (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $sock_accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $sock_recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $sock_send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $sock_shutdown (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; Names where the pools' pointers land, so path calls reach the resolver.
  (data (i32.const 0) "d/x\00")
  (data (i32.const 256) "a/../b")
  (data (i32.const 4096) "../..")
  (global $seed (mut i32) (i32.const 12345))
  ;; A 32-bit LCG; the high bits pick from the pools.
  (func $next (result i32)
    (global.set $seed (i32.add (i32.mul (global.get $seed) (i32.const 1103515245))
                               (i32.const 12345)))
    (i32.shr_u (global.get $seed) (i32.const 16)))
  ;; i32 pool: small fds/flags, in-bounds pointers, the last bytes of memory,
  ;; just past it, the top of the address space, all bits set.
  (func $r32 (result i32)
    (local $k i32)
    (local.set $k (i32.rem_u (call $next) (i32.const 16)))
    (if (i32.lt_u (local.get $k) (i32.const 6)) (then (return (local.get $k))))
    (if (i32.eq (local.get $k) (i32.const 6)) (then (return (i32.const 99))))
    (if (i32.eq (local.get $k) (i32.const 7)) (then (return (i32.const 256))))
    (if (i32.eq (local.get $k) (i32.const 8)) (then (return (i32.const 4096))))
    (if (i32.eq (local.get $k) (i32.const 9)) (then (return (i32.const 65535))))
    (if (i32.eq (local.get $k) (i32.const 10)) (then (return (i32.const 65536))))
    (if (i32.eq (local.get $k) (i32.const 11)) (then (return (i32.const 65532))))
    (if (i32.eq (local.get $k) (i32.const 12)) (then (return (i32.const 0x7fffffff))))
    (if (i32.eq (local.get $k) (i32.const 13)) (then (return (i32.const -1))))
    (if (i32.eq (local.get $k) (i32.const 14)) (then (return (i32.const -16))))
    (i32.and (call $next) (i32.const 0xffff)))
  ;; i64 pool: offsets, sizes, rights and times, including ones that overflow
  ;; off_t or would ask the host for absurd allocations.
  (func $r64 (result i64)
    (local $k i32)
    (local.set $k (i32.rem_u (call $next) (i32.const 8)))
    (if (i32.eq (local.get $k) (i32.const 0)) (then (return (i64.const 0))))
    (if (i32.eq (local.get $k) (i32.const 1)) (then (return (i64.const 1))))
    (if (i32.eq (local.get $k) (i32.const 2)) (then (return (i64.const 4096))))
    (if (i32.eq (local.get $k) (i32.const 3)) (then (return (i64.const -1))))
    (if (i32.eq (local.get $k) (i32.const 4)) (then (return (i64.const 0x7fffffffffffffff))))
    (if (i32.eq (local.get $k) (i32.const 5)) (then (return (i64.const 0x4000000000000000))))
    (if (i32.eq (local.get $k) (i32.const 6)) (then (return (i64.const 0x1fffffff))))
    (i64.extend_i32_u (call $next)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32)
    (local $calls i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $sw
          (block $f42
          (block $f41
          (block $f40
          (block $f39
          (block $f38
          (block $f37
          (block $f36
          (block $f35
          (block $f34
          (block $f33
          (block $f32
          (block $f31
          (block $f30
          (block $f29
          (block $f28
          (block $f27
          (block $f26
          (block $f25
          (block $f24
          (block $f23
          (block $f22
          (block $f21
          (block $f20
          (block $f19
          (block $f18
          (block $f17
          (block $f16
          (block $f15
          (block $f14
          (block $f13
          (block $f12
          (block $f11
          (block $f10
          (block $f9
          (block $f8
          (block $f7
          (block $f6
          (block $f5
          (block $f4
          (block $f3
          (block $f2
          (block $f1
          (block $f0
            (br_table $f0 $f1 $f2 $f3 $f4 $f5 $f6 $f7 $f8 $f9 $f10 $f11 $f12 $f13 $f14 $f15 $f16 $f17 $f18 $f19 $f20 $f21 $f22 $f23 $f24 $f25 $f26 $f27 $f28 $f29 $f30 $f31 $f32 $f33 $f34 $f35 $f36 $f37 $f38 $f39 $f40 $f41 $f42 $f0 (i32.rem_u (call $next) (i32.const 43))))
          (drop (call $args_get (call $r32) (call $r32))) (br $sw))
          (drop (call $args_sizes_get (call $r32) (call $r32))) (br $sw))
          (drop (call $environ_get (call $r32) (call $r32))) (br $sw))
          (drop (call $environ_sizes_get (call $r32) (call $r32))) (br $sw))
          (drop (call $clock_res_get (call $r32) (call $r32))) (br $sw))
          (drop (call $clock_time_get (call $r32) (call $r64) (call $r32))) (br $sw))
          (drop (call $fd_advise (call $r32) (call $r64) (call $r64) (call $r32))) (br $sw))
          (drop (call $fd_allocate (call $r32) (call $r64) (call $r64))) (br $sw))
          (drop (call $fd_close (i32.add (call $r32) (i32.const 6)))) (br $sw))
          (drop (call $fd_datasync (call $r32))) (br $sw))
          (drop (call $fd_fdstat_get (call $r32) (call $r32))) (br $sw))
          (drop (call $fd_fdstat_set_flags (call $r32) (call $r32))) (br $sw))
          (drop (call $fd_fdstat_set_rights (call $r32) (call $r64) (call $r64))) (br $sw))
          (drop (call $fd_filestat_get (call $r32) (call $r32))) (br $sw))
          (drop (call $fd_filestat_set_size (call $r32) (call $r64))) (br $sw))
          (drop (call $fd_filestat_set_times (call $r32) (call $r64) (call $r64) (call $r32))) (br $sw))
          (drop (call $fd_pread (call $r32) (call $r32) (call $r32) (call $r64) (call $r32))) (br $sw))
          (drop (call $fd_prestat_get (call $r32) (call $r32))) (br $sw))
          (drop (call $fd_prestat_dir_name (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $fd_pwrite (call $r32) (call $r32) (call $r32) (call $r64) (call $r32))) (br $sw))
          (drop (call $fd_read (call $r32) (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $fd_readdir (call $r32) (call $r32) (call $r32) (call $r64) (call $r32))) (br $sw))
          (drop (call $fd_renumber (i32.add (call $r32) (i32.const 6)) (i32.add (call $r32) (i32.const 6)))) (br $sw))
          (drop (call $fd_seek (call $r32) (call $r64) (call $r32) (call $r32))) (br $sw))
          (drop (call $fd_sync (call $r32))) (br $sw))
          (drop (call $fd_tell (call $r32) (call $r32))) (br $sw))
          (drop (call $fd_write (call $r32) (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $path_create_directory (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $path_filestat_get (call $r32) (call $r32) (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $path_filestat_set_times (call $r32) (call $r32) (call $r32) (call $r32) (call $r64) (call $r64) (call $r32))) (br $sw))
          (drop (call $path_link (call $r32) (call $r32) (call $r32) (call $r32) (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $path_open (call $r32) (call $r32) (call $r32) (call $r32) (call $r32) (call $r64) (call $r64) (call $r32) (call $r32))) (br $sw))
          (drop (call $path_readlink (call $r32) (call $r32) (call $r32) (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $path_remove_directory (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $path_rename (call $r32) (call $r32) (call $r32) (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $path_symlink (call $r32) (call $r32) (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $path_unlink_file (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $sched_yield )) (br $sw))
          (drop (call $random_get (call $r32) (call $r32))) (br $sw))
          (drop (call $sock_accept (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $sock_recv (call $r32) (call $r32) (call $r32) (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $sock_send (call $r32) (call $r32) (call $r32) (call $r32) (call $r32))) (br $sw))
          (drop (call $sock_shutdown (call $r32) (call $r32))) (br $sw))
        (local.set $calls (i32.add (local.get $calls) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $calls)))
