/*
 * wasm2c_wasi.c — a minimal WASI (preview1) layer and main() for programs
 * translated by wabt's wasm2c, so wasm2c + gcc can run the benchmark
 * workloads as a peer. wasm2c has no WASI of its own.
 *
 * This is benchmark harness code, not part of Oxide: it implements only
 * what wasi-libc commands like ours import (args, environ, clocks, stdio
 * writes, seek, fdstat, close, random, exit) on top of POSIX, and checks
 * every guest pointer against the memory size.
 *
 * Build (bench/run does this): wasm2c PROG.wasm -n bench -o DIR/w2c_module.c
 *   gcc -O2 -IDIR -I/usr/share/wabt/wasm2c DIR/w2c_module.c wasm2c_wasi.c \
 *       /usr/share/wabt/wasm2c/wasm-rt-impl.c -lm
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasm-rt-impl.h"
#include "w2c_module.h" /* generated with module name "bench" */

/* WASI errno values (preview1). */
enum {
    WASI_ESUCCESS = 0,
    WASI_EBADF = 8,
    WASI_EFAULT = 21,
    WASI_EINVAL = 28,
    WASI_EIO = 29,
    WASI_ESPIPE = 70,
};

struct Z_wasi_snapshot_preview1_instance_t {
    wasm_rt_memory_t *memory;
    int argc;
    char **argv;
};

/* True when [ptr, ptr+len) lies inside linear memory. */
static int in_bounds(const struct Z_wasi_snapshot_preview1_instance_t *w, uint32_t ptr,
                     uint64_t len)
{
    return (uint64_t)ptr + len <= w->memory->size;
}

static void put_u32(struct Z_wasi_snapshot_preview1_instance_t *w, uint32_t p, uint32_t v)
{
    memcpy(w->memory->data + p, &v, 4); /* wasm and x86-64 are little-endian */
}

static void put_u64(struct Z_wasi_snapshot_preview1_instance_t *w, uint32_t p, uint64_t v)
{
    memcpy(w->memory->data + p, &v, 8);
}

static uint32_t get_u32(const struct Z_wasi_snapshot_preview1_instance_t *w, uint32_t p)
{
    uint32_t v;
    memcpy(&v, w->memory->data + p, 4);
    return v;
}

static uint32_t from_errno(int e)
{
    switch (e) {
    case EBADF: return WASI_EBADF;
    case EINVAL: return WASI_EINVAL;
    case ESPIPE: return WASI_ESPIPE;
    case EFAULT: return WASI_EFAULT;
    default: return WASI_EIO;
    }
}

uint32_t Z_wasi_snapshot_preview1Z_args_sizes_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                                  uint32_t argc_p, uint32_t size_p)
{
    if (!in_bounds(w, argc_p, 4) || !in_bounds(w, size_p, 4))
        return WASI_EFAULT;
    uint32_t size = 0;
    for (int i = 0; i < w->argc; i++)
        size += (uint32_t)strlen(w->argv[i]) + 1;
    put_u32(w, argc_p, (uint32_t)w->argc);
    put_u32(w, size_p, size);
    return WASI_ESUCCESS;
}

uint32_t Z_wasi_snapshot_preview1Z_args_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                            uint32_t argv_p, uint32_t buf_p)
{
    if (!in_bounds(w, argv_p, 4ull * (uint32_t)w->argc))
        return WASI_EFAULT;
    for (int i = 0; i < w->argc; i++) {
        uint32_t n = (uint32_t)strlen(w->argv[i]) + 1;
        if (!in_bounds(w, buf_p, n))
            return WASI_EFAULT;
        memcpy(w->memory->data + buf_p, w->argv[i], n);
        put_u32(w, argv_p + 4u * (uint32_t)i, buf_p);
        buf_p += n;
    }
    return WASI_ESUCCESS;
}

/* No environment: the workloads do not read it, and an empty one keeps
   every runtime's input identical. */
uint32_t Z_wasi_snapshot_preview1Z_environ_sizes_get(
    struct Z_wasi_snapshot_preview1_instance_t *w, uint32_t count_p, uint32_t size_p)
{
    if (!in_bounds(w, count_p, 4) || !in_bounds(w, size_p, 4))
        return WASI_EFAULT;
    put_u32(w, count_p, 0);
    put_u32(w, size_p, 0);
    return WASI_ESUCCESS;
}

uint32_t Z_wasi_snapshot_preview1Z_environ_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                               uint32_t env_p, uint32_t buf_p)
{
    (void)w, (void)env_p, (void)buf_p;
    return WASI_ESUCCESS;
}

uint32_t Z_wasi_snapshot_preview1Z_clock_time_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                                  uint32_t id, uint64_t precision, uint32_t out_p)
{
    (void)precision;
    static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                    CLOCK_THREAD_CPUTIME_ID};
    if (id >= sizeof ids / sizeof ids[0])
        return WASI_EINVAL;
    if (!in_bounds(w, out_p, 8))
        return WASI_EFAULT;
    struct timespec ts;
    if (clock_gettime(ids[id], &ts) != 0)
        return from_errno(errno);
    put_u64(w, out_p, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
    return WASI_ESUCCESS;
}

uint32_t Z_wasi_snapshot_preview1Z_fd_write(struct Z_wasi_snapshot_preview1_instance_t *w,
                                            uint32_t fd, uint32_t iovs, uint32_t n,
                                            uint32_t nwritten_p)
{
    if (fd > 2)
        return WASI_EBADF; /* the workloads only write to stdio */
    if (!in_bounds(w, iovs, 8ull * n) || !in_bounds(w, nwritten_p, 4))
        return WASI_EFAULT;
    uint32_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf = get_u32(w, iovs + 8 * i), len = get_u32(w, iovs + 8 * i + 4);
        if (!in_bounds(w, buf, len))
            return WASI_EFAULT;
        size_t done = 0;
        do { /* write() may be partial on pipes; a zero-length write is still a call */
            ssize_t r = write((int)fd, w->memory->data + buf + done, len - done);
            if (r < 0)
                return from_errno(errno);
            done += (size_t)r;
        } while (done < len);
        total += len;
    }
    put_u32(w, nwritten_p, total);
    return WASI_ESUCCESS;
}

uint32_t Z_wasi_snapshot_preview1Z_fd_seek(struct Z_wasi_snapshot_preview1_instance_t *w,
                                           uint32_t fd, uint64_t offset, uint32_t whence,
                                           uint32_t newoff_p)
{
    static const int whences[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    if (fd > 2)
        return WASI_EBADF;
    if (whence > 2)
        return WASI_EINVAL;
    if (!in_bounds(w, newoff_p, 8))
        return WASI_EFAULT;
    off_t r = lseek((int)fd, (off_t)offset, whences[whence]);
    if (r < 0)
        return from_errno(errno);
    put_u64(w, newoff_p, (uint64_t)r);
    return WASI_ESUCCESS;
}

uint32_t Z_wasi_snapshot_preview1Z_fd_fdstat_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                                 uint32_t fd, uint32_t out_p)
{
    if (fd > 2)
        return WASI_EBADF;
    if (!in_bounds(w, out_p, 24))
        return WASI_EFAULT;
    struct stat st;
    if (fstat((int)fd, &st) != 0)
        return from_errno(errno);
    /* filetype: 2 character device, 4 regular file, 6 stream socket/pipe.
       wasi-libc's isatty() wants a character device without seek (bit 2)
       and tell (bit 5) rights, so terminals get line buffering. */
    uint8_t type = S_ISCHR(st.st_mode) ? 2 : S_ISREG(st.st_mode) ? 4 : 6;
    uint64_t rights = ~(uint64_t)0;
    if (type != 4)
        rights &= ~((1ull << 2) | (1ull << 5));
    uint8_t *p = w->memory->data + out_p;
    memset(p, 0, 24);
    p[0] = type;
    put_u64(w, out_p + 8, rights);
    put_u64(w, out_p + 16, rights);
    return WASI_ESUCCESS;
}

uint32_t Z_wasi_snapshot_preview1Z_fd_close(struct Z_wasi_snapshot_preview1_instance_t *w,
                                            uint32_t fd)
{
    (void)w;
    return fd > 2 ? WASI_EBADF : WASI_ESUCCESS; /* stdio stays open for the host */
}

uint32_t Z_wasi_snapshot_preview1Z_random_get(struct Z_wasi_snapshot_preview1_instance_t *w,
                                              uint32_t buf, uint32_t len)
{
    if (!in_bounds(w, buf, len))
        return WASI_EFAULT;
    for (uint32_t done = 0; done < len;) {
        ssize_t r = getrandom(w->memory->data + buf + done, len - done, 0);
        if (r < 0)
            return from_errno(errno);
        done += (uint32_t)r;
    }
    return WASI_ESUCCESS;
}

void Z_wasi_snapshot_preview1Z_proc_exit(struct Z_wasi_snapshot_preview1_instance_t *w,
                                         uint32_t code)
{
    (void)w;
    fflush(stdout);
    exit((int)code);
}

int main(int argc, char **argv)
{
    static Z_bench_instance_t inst; /* large (memory, tables): not on the stack */
    struct Z_wasi_snapshot_preview1_instance_t wasi = {NULL, argc, argv};
    wasm_rt_init();
    Z_bench_init_module();
    Z_bench_instantiate(&inst, &wasi);
    wasi.memory = Z_benchZ_memory(&inst);
    wasm_rt_trap_t trap = wasm_rt_impl_try();
    if (trap != WASM_RT_TRAP_NONE) {
        fprintf(stderr, "wasm2c_wasi: trap: %s\n", wasm_rt_strerror(trap));
        return 134;
    }
    Z_benchZ__start(&inst);
    Z_bench_free(&inst);
    wasm_rt_free();
    return 0;
}
