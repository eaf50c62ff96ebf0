/*
 * wasi_internal.h — what the WASI files share: the context, its descriptor
 * table, the per-call view of guest memory, and the path resolver.
 */
#ifndef OX_WASI_INTERNAL_H
#define OX_WASI_INTERNAL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "abi.h"
#include "oxide/wasi.h"
#include "oxide/wasm.h"

/* Guest descriptor table limit: a runaway program gets EMFILE long before it
   exhausts the host's descriptors. */
#define OX_WASI_MAX_FDS 1024u

typedef struct wasi_fd {
    bool used;
    int host;               /* host descriptor, owned */
    uint8_t filetype;       /* W_FT_* */
    uint64_t rights, inheriting;
    char *preopen_name;     /* guest path of a preopen, owned; NULL otherwise */
    /* fd_readdir state: a separate host handle so the directory's position
       never disturbs *at() lookups through `host`. */
    DIR *dir;
    uint64_t dir_pos;       /* index of the next entry `dir` returns */
} wasi_fd;

/* One binding per WASI function, so a host function's `user` pointer tells
   both the context and which function was called. */
typedef struct wasi_call wasi_call;
typedef uint32_t (*wasi_impl)(wasi_call *c, const ox_raw *a);
typedef struct wasi_binding {
    struct ox_wasi *w;
    const struct wasi_fn_desc *desc;
} wasi_binding;

struct ox_wasi {
    char **argv;  size_t argc;  size_t argv_bytes;
    char **env;   size_t envc;  size_t env_bytes;
    wasi_fd *fds; size_t nfds;
    wasi_binding *bindings;
};

/* The guest memory as it is during one call, plus an escape hatch for the
   few functions that end the program instead of returning an errno. */
/* Blocking host calls wait in slices this long and check
   ox_caller_interrupted() between them, so a deadline or an interrupt ends
   a guest parked in the host within a slice. */
#define WASI_WAIT_SLICE_NS 10000000u /* 10 ms */

struct wasi_call {
    struct ox_wasi *w;
    uint8_t *mem;
    uint64_t mem_size;
    ox_error *err;   /* set by proc_exit/proc_raise; becomes the call's error */
    ox_caller *caller; /* for blocking calls to notice an interrupt or deadline */
};

/* ---- guest memory (wasi_mem.c-free: all inline) ---- */

/* True when [addr, addr+len) lies inside guest memory. */
static inline bool wm_ok(const wasi_call *c, uint64_t addr, uint64_t len)
{
    return c->mem && addr <= c->mem_size && len <= c->mem_size - addr;
}
static inline uint8_t *wm_at(const wasi_call *c, uint64_t addr) { return c->mem + addr; }

static inline uint16_t ld16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t ld64(const uint8_t *p) { return ld32(p) | (uint64_t)ld32(p + 4) << 32; }
static inline void st8(uint8_t *p, uint8_t v) { p[0] = v; }
static inline void st16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
/* written out byte by byte, which compilers make one store (a loop they
   leave a loop: clock_time_get spent a third of its time in st64's) */
static inline void st32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void st64(uint8_t *p, uint64_t v)
{
    st32(p, (uint32_t)v);
    st32(p + 4, (uint32_t)(v >> 32));
}

/* Store a u32/u64 result at a guest address; EFAULT if it does not fit. */
static inline uint32_t wm_put32(wasi_call *c, uint32_t addr, uint32_t v)
{
    if (!wm_ok(c, addr, 4)) return W_EFAULT;
    st32(wm_at(c, addr), v);
    return W_ESUCCESS;
}
static inline uint32_t wm_put64(wasi_call *c, uint32_t addr, uint64_t v)
{
    if (!wm_ok(c, addr, 8)) return W_EFAULT;
    st64(wm_at(c, addr), v);
    return W_ESUCCESS;
}

/* Argument accessors: WASI passes pointers, lengths and fds as i32. */
#define A32(i) ((uint32_t)a[i].i32)
#define A64(i) ((uint64_t)a[i].i64)

/* ---- wasi_ctx.c: descriptor table ---- */

uint32_t wasi_errno_from_host(int host_errno);
/* Look up an fd that has all `need` rights: EBADF / ENOTCAPABLE. */
uint32_t wasi_fd_get(struct ox_wasi *w, uint32_t fd, uint64_t need, wasi_fd **out);
/* Take ownership of `host`, put it in the lowest free slot. On failure the
   host descriptor is closed. */
uint32_t wasi_fd_insert(struct ox_wasi *w, int host, uint8_t filetype, uint64_t rights,
                        uint64_t inheriting, uint32_t *out_fd);
void wasi_fd_release(wasi_fd *f);        /* close host fd, DIR, free name */
uint8_t wasi_filetype_from_mode(unsigned mode);

/* ---- wasi_path.c: the capability sandbox ---- */

/* Where a guest path leads: a directory descriptor and one final name in it
   (never containing '/'; "." when the path names the directory itself). The
   caller then does the operation with *at(dirfd, name) and no-follow flags,
   so a final component swapped for a symlink afterwards is never followed. */
typedef struct wasi_resolved {
    int dirfd;
    bool owned;       /* dirfd must be closed by wasi_resolved_done() */
    bool trailing_slash; /* the guest path ended in '/' (must be a directory) */
    char name[256];
} wasi_resolved;

/* r's final name as the guest wrote it, with its trailing slash (in buf),
   for the calls that never follow the final component (linkat's new name,
   symlinkat, renameat): the host then answers as it would for the guest's
   path ("new/" is ENOENT or EEXIST, a file renamed to "x/" ENOTDIR), where
   the name without its slash would succeed. */
const char *wasi_resolved_slashed(const wasi_resolved *r, char buf[258]);

/* What resolution does with the final component of a path. */
typedef enum wasi_last {
    WASI_LAST_NOFOLLOW, /* a final symlink is not followed */
    WASI_LAST_FOLLOW,   /* a final symlink is followed (still beneath root) */
    WASI_LAST_NEW,      /* a name the call creates (a link, a symlink, a rename's
                           target): when the path ends in '/' it is neither
                           followed nor checked, and the host call, given the
                           name with its slash (wasi_resolved_slashed), answers
                           as for the guest's path */
} wasi_last;

/* Resolve path[0..len) beneath `root`, its final component as `last`
   says. Errors: ENOTCAPABLE for anything leading
   outside root (absolute paths, `..` above root, such symlinks), ENOENT,
   ENOTDIR, ELOOP, ENAMETOOLONG, EINVAL (a NUL byte in the path). */
uint32_t wasi_resolve(int root, const char *path, size_t len, wasi_last last,
                      wasi_resolved *out);
void wasi_resolved_done(wasi_resolved *r);

/* ---- the function table (wasi_define.c) and implementations ---- */

typedef struct wasi_fn_desc {
    const char *name;
    const char *params;   /* one char per param: 'i' i32, 'I' i64 */
    bool returns_errno;   /* false only for proc_exit */
    wasi_impl impl;
} wasi_fn_desc;

/* wasi_misc.c */
uint32_t w_args_get(wasi_call *c, const ox_raw *a);
uint32_t w_args_sizes_get(wasi_call *c, const ox_raw *a);
uint32_t w_environ_get(wasi_call *c, const ox_raw *a);
uint32_t w_environ_sizes_get(wasi_call *c, const ox_raw *a);
uint32_t w_clock_res_get(wasi_call *c, const ox_raw *a);
uint32_t w_clock_time_get(wasi_call *c, const ox_raw *a);
uint32_t w_random_get(wasi_call *c, const ox_raw *a);
uint32_t w_proc_exit(wasi_call *c, const ox_raw *a);
uint32_t w_proc_raise(wasi_call *c, const ox_raw *a);
uint32_t w_sched_yield(wasi_call *c, const ox_raw *a);
uint32_t w_sock_accept(wasi_call *c, const ox_raw *a);
uint32_t w_sock_recv(wasi_call *c, const ox_raw *a);
uint32_t w_sock_send(wasi_call *c, const ox_raw *a);
uint32_t w_sock_shutdown(wasi_call *c, const ox_raw *a);
/* wasi_poll.c */
uint32_t w_poll_oneoff(wasi_call *c, const ox_raw *a);
uint32_t wasi_clock_now(uint32_t id, uint64_t *ns);
/* wasi_fd.c */
uint32_t w_fd_advise(wasi_call *c, const ox_raw *a);
uint32_t w_fd_allocate(wasi_call *c, const ox_raw *a);
uint32_t w_fd_close(wasi_call *c, const ox_raw *a);
uint32_t w_fd_datasync(wasi_call *c, const ox_raw *a);
uint32_t w_fd_fdstat_get(wasi_call *c, const ox_raw *a);
uint32_t w_fd_fdstat_set_flags(wasi_call *c, const ox_raw *a);
uint32_t w_fd_fdstat_set_rights(wasi_call *c, const ox_raw *a);
uint32_t w_fd_filestat_get(wasi_call *c, const ox_raw *a);
uint32_t w_fd_filestat_set_size(wasi_call *c, const ox_raw *a);
uint32_t w_fd_filestat_set_times(wasi_call *c, const ox_raw *a);
uint32_t w_fd_pread(wasi_call *c, const ox_raw *a);
uint32_t w_fd_prestat_get(wasi_call *c, const ox_raw *a);
uint32_t w_fd_prestat_dir_name(wasi_call *c, const ox_raw *a);
uint32_t w_fd_pwrite(wasi_call *c, const ox_raw *a);
uint32_t w_fd_read(wasi_call *c, const ox_raw *a);
uint32_t w_fd_readdir(wasi_call *c, const ox_raw *a);
uint32_t w_fd_renumber(wasi_call *c, const ox_raw *a);
uint32_t w_fd_seek(wasi_call *c, const ox_raw *a);
uint32_t w_fd_sync(wasi_call *c, const ox_raw *a);
uint32_t w_fd_tell(wasi_call *c, const ox_raw *a);
uint32_t w_fd_write(wasi_call *c, const ox_raw *a);
/* wasi_fs.c: path_* */
uint32_t w_path_create_directory(wasi_call *c, const ox_raw *a);
uint32_t w_path_filestat_get(wasi_call *c, const ox_raw *a);
uint32_t w_path_filestat_set_times(wasi_call *c, const ox_raw *a);
uint32_t w_path_link(wasi_call *c, const ox_raw *a);
uint32_t w_path_open(wasi_call *c, const ox_raw *a);
uint32_t w_path_readlink(wasi_call *c, const ox_raw *a);
uint32_t w_path_remove_directory(wasi_call *c, const ox_raw *a);
uint32_t w_path_rename(wasi_call *c, const ox_raw *a);
uint32_t w_path_symlink(wasi_call *c, const ox_raw *a);
uint32_t w_path_unlink_file(wasi_call *c, const ox_raw *a);

/* Shared by fd_filestat_get and path_filestat_get (wasi_fd.c). */
struct stat;
void wasi_put_filestat(uint8_t *p, const struct stat *st);
/* Timespec pair for futimens/utimensat from WASI times and fstflags;
   EINVAL on contradictory flags (wasi_fd.c). */
struct timespec;
uint32_t wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]);

#endif
