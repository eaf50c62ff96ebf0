/* wasi_fs.c — the path_* functions. Each one checks the directory
   descriptor's rights, bounds-checks the guest path, resolves it beneath
   that directory (wasi_path.c) and does one *at() call on the result with
   symlink following turned off. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_internal.h"

/* Rights check, bounds check, resolution. On success the caller must call
   wasi_resolved_done(r). */
static uint32_t resolve_at(wasi_call *c, uint32_t fd, uint64_t need, uint32_t path,
                           uint32_t len, wasi_last last, wasi_fd **fp, wasi_resolved *r)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, fd, need, &f);
    if (err)
        return err;
    if (f->filetype != W_FT_DIRECTORY)
        return W_ENOTDIR;
    if (!wm_ok(c, path, len))
        return W_EFAULT;
    if (fp)
        *fp = f;
    return wasi_resolve(f->host, (const char *)wm_at(c, path), len, last, r);
}

/* The guest's lookupflags as what to do with a final symlink. */
static wasi_last last_of(uint32_t lookupflags)
{
    return lookupflags & W_LOOKUP_SYMLINK_FOLLOW ? WASI_LAST_FOLLOW : WASI_LAST_NOFOLLOW;
}

static uint32_t host_result(int rc)
{
    return rc < 0 ? wasi_errno_from_host(errno) : W_ESUCCESS;
}

uint32_t w_path_open(wasi_call *c, const ox_raw *a)
{
    uint32_t dirfd = A32(0), dirflags = A32(1), path = A32(2), len = A32(3);
    uint32_t oflags = A32(4), fdflags = A32(7), out = A32(8);
    uint64_t base = A64(5), inh = A64(6);
    if (oflags & ~0xFu || fdflags & ~0x1Fu)
        return W_EINVAL;
    uint64_t need = W_RIGHT_PATH_OPEN;
    if (oflags & W_O_CREAT)
        need |= W_RIGHT_PATH_CREATE_FILE;
    if (oflags & W_O_TRUNC)
        need |= W_RIGHT_PATH_FILESTAT_SET_SIZE;
    if (!wm_ok(c, out, 4))
        return W_EFAULT;
    wasi_fd *dir;
    wasi_resolved r;
    uint32_t err = resolve_at(c, dirfd, need, path, len, last_of(dirflags),
                              &dir, &r);
    if (err)
        return err;
    /* A new descriptor gets at most what its directory may hand down. */
    base &= dir->inheriting;
    inh &= dir->inheriting;
    const uint64_t wr = W_RIGHT_FD_WRITE | W_RIGHT_FD_DATASYNC | W_RIGHT_FD_ALLOCATE |
                        W_RIGHT_FD_FILESTAT_SET_SIZE;
    const uint64_t rd = W_RIGHT_FD_READ | W_RIGHT_FD_READDIR;
    int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
    if ((base & wr) && (base & rd))
        flags |= O_RDWR;
    else if (base & wr)
        flags |= O_WRONLY;
    else
        flags |= O_RDONLY;
    if (oflags & W_O_CREAT)
        flags |= O_CREAT;
    if (oflags & W_O_DIRECTORY || r.trailing_slash)
        flags |= O_DIRECTORY;
    if (oflags & W_O_EXCL)
        flags |= O_EXCL;
    if (oflags & W_O_TRUNC)
        flags |= O_TRUNC;
    if (fdflags & W_FDFLAG_APPEND)
        flags |= O_APPEND;
    if (fdflags & W_FDFLAG_DSYNC)
        flags |= O_DSYNC;
    if (fdflags & (W_FDFLAG_SYNC | W_FDFLAG_RSYNC))
        flags |= O_SYNC;
    if (fdflags & W_FDFLAG_NONBLOCK)
        flags |= O_NONBLOCK;
    int h = openat(r.dirfd, r.name, flags, 0666);
    int e = errno;
    /* Directories cannot be opened for writing; a guest asking for every
       right on one (as wasi-libc does for O_RDWR) still gets it to read,
       unless it said it wants a directory (O_DIRECTORY, or a trailing
       slash): then EISDIR, as open(dir, O_RDWR | O_DIRECTORY) answers. */
    if (h < 0 && e == EISDIR && !(oflags & (W_O_CREAT | W_O_TRUNC | W_O_DIRECTORY)) &&
        !r.trailing_slash) {
        h = openat(r.dirfd, r.name, (flags & ~O_ACCMODE) | O_RDONLY | O_DIRECTORY, 0);
        e = errno;
    }
    wasi_resolved_done(&r);
    if (h < 0)
        return wasi_errno_from_host(e);
    struct stat st;
    if (fstat(h, &st) < 0) {
        e = errno;
        close(h);
        return wasi_errno_from_host(e);
    }
    uint8_t ft = wasi_filetype_from_mode(st.st_mode);
    if (ft == W_FT_DIRECTORY) {
        base &= W_RIGHTS_DIR;
    } else {
        base &= W_RIGHTS_FILE;
        inh = 0;
        if (ft != W_FT_REGULAR_FILE)
            base &= ~(W_RIGHT_FD_SEEK | W_RIGHT_FD_TELL);
    }
    uint32_t fd;
    err = wasi_fd_insert(c->w, h, ft, base, inh, &fd);
    if (err)
        return err;
    st32(wm_at(c, out), fd);
    return W_ESUCCESS;
}

uint32_t w_path_create_directory(wasi_call *c, const ox_raw *a)
{
    wasi_resolved r;
    uint32_t err = resolve_at(c, A32(0), W_RIGHT_PATH_CREATE_DIRECTORY, A32(1), A32(2),
                              WASI_LAST_NOFOLLOW, NULL, &r);
    if (err)
        return err;
    err = host_result(mkdirat(r.dirfd, r.name, 0777));
    wasi_resolved_done(&r);
    return err;
}

uint32_t w_path_remove_directory(wasi_call *c, const ox_raw *a)
{
    wasi_resolved r;
    uint32_t err = resolve_at(c, A32(0), W_RIGHT_PATH_REMOVE_DIRECTORY, A32(1), A32(2),
                              WASI_LAST_NOFOLLOW, NULL, &r);
    if (err)
        return err;
    err = host_result(unlinkat(r.dirfd, r.name, AT_REMOVEDIR));
    wasi_resolved_done(&r);
    return err;
}

uint32_t w_path_unlink_file(wasi_call *c, const ox_raw *a)
{
    wasi_resolved r;
    uint32_t err = resolve_at(c, A32(0), W_RIGHT_PATH_UNLINK_FILE, A32(1), A32(2),
                              WASI_LAST_NOFOLLOW, NULL, &r);
    if (err)
        return err;
    err = host_result(unlinkat(r.dirfd, r.name, 0));
    wasi_resolved_done(&r);
    return err;
}

uint32_t w_path_filestat_get(wasi_call *c, const ox_raw *a)
{
    uint32_t buf = A32(4);
    if (!wm_ok(c, buf, W_FILESTAT_SIZE)) {
        wasi_fd *f; /* a bad fd still reports EBADF first */
        uint32_t err = wasi_fd_get(c->w, A32(0), 0, &f);
        return err ? err : W_EFAULT;
    }
    wasi_resolved r;
    uint32_t err = resolve_at(c, A32(0), W_RIGHT_PATH_FILESTAT_GET, A32(2), A32(3),
                              last_of(A32(1)), NULL, &r);
    if (err)
        return err;
    struct stat st;
    err = host_result(fstatat(r.dirfd, r.name, &st, AT_SYMLINK_NOFOLLOW));
    wasi_resolved_done(&r);
    if (!err)
        wasi_put_filestat(wm_at(c, buf), &st);
    return err;
}

uint32_t w_path_filestat_set_times(wasi_call *c, const ox_raw *a)
{
    struct timespec ts[2];
    uint32_t err = wasi_times(A64(4), A64(5), A32(6), ts);
    if (err)
        return err;
    wasi_resolved r;
    err = resolve_at(c, A32(0), W_RIGHT_PATH_FILESTAT_SET_TIMES, A32(2), A32(3),
                     last_of(A32(1)), NULL, &r);
    if (err)
        return err;
    err = host_result(utimensat(r.dirfd, r.name, ts, AT_SYMLINK_NOFOLLOW));
    wasi_resolved_done(&r);
    return err;
}

uint32_t w_path_link(wasi_call *c, const ox_raw *a)
{
    wasi_resolved from, to;
    uint32_t err = resolve_at(c, A32(0), W_RIGHT_PATH_LINK_SOURCE, A32(2), A32(3),
                              last_of(A32(1)), NULL, &from);
    if (err)
        return err;
    err = resolve_at(c, A32(4), W_RIGHT_PATH_LINK_TARGET, A32(5), A32(6), WASI_LAST_NEW, NULL, &to);
    if (!err) {
        char slashed[258];
        err = host_result(linkat(from.dirfd, from.name, to.dirfd,
                                 wasi_resolved_slashed(&to, slashed), 0));
        wasi_resolved_done(&to);
    }
    wasi_resolved_done(&from);
    return err;
}

uint32_t w_path_rename(wasi_call *c, const ox_raw *a)
{
    wasi_resolved from, to;
    uint32_t err = resolve_at(c, A32(0), W_RIGHT_PATH_RENAME_SOURCE, A32(1), A32(2),
                              WASI_LAST_NOFOLLOW, NULL, &from);
    if (err)
        return err;
    err = resolve_at(c, A32(3), W_RIGHT_PATH_RENAME_TARGET, A32(4), A32(5), WASI_LAST_NEW, NULL,
                     &to);
    if (!err) {
        char s1[258], s2[258];
        err = host_result(renameat(from.dirfd, wasi_resolved_slashed(&from, s1), to.dirfd,
                                   wasi_resolved_slashed(&to, s2)));
        wasi_resolved_done(&to);
    }
    wasi_resolved_done(&from);
    return err;
}

uint32_t w_path_readlink(wasi_call *c, const ox_raw *a)
{
    uint32_t buf = A32(3), buf_len = A32(4), used = A32(5);
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), W_RIGHT_PATH_READLINK, &f);
    if (err)
        return err;
    if (!wm_ok(c, buf, buf_len) || !wm_ok(c, used, 4))
        return W_EFAULT;
    wasi_resolved r;
    err = resolve_at(c, A32(0), W_RIGHT_PATH_READLINK, A32(1), A32(2), WASI_LAST_NOFOLLOW, NULL,
                     &r);
    if (err)
        return err;
    char tmp[PATH_MAX];
    ssize_t n = readlinkat(r.dirfd, r.name, tmp, sizeof tmp);
    int e = errno;
    wasi_resolved_done(&r);
    if (n < 0)
        return wasi_errno_from_host(e);
    /* Truncated to the buffer, as readlink(2) does. */
    uint32_t k = (uint64_t)n < buf_len ? (uint32_t)n : buf_len;
    memcpy(wm_at(c, buf), tmp, k);
    st32(wm_at(c, used), k);
    return W_ESUCCESS;
}

uint32_t w_path_symlink(wasi_call *c, const ox_raw *a)
{
    uint32_t target = A32(0), tlen = A32(1);
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(2), W_RIGHT_PATH_SYMLINK, &f);
    if (err)
        return err;
    if (!wm_ok(c, target, tlen))
        return W_EFAULT;
    if (tlen == 0)
        return W_ENOENT;
    if (tlen > PATH_MAX)
        return W_ENAMETOOLONG;
    const char *t = (const char *)wm_at(c, target);
    if (memchr(t, 0, tlen))
        return W_EINVAL;
    /* A link to an absolute path could never be followed inside the
       sandbox and would only be a trap laid for the host's own users. */
    if (t[0] == '/')
        return W_ENOTCAPABLE;
    char *copy = strndup(t, tlen);
    if (!copy)
        return W_ENOMEM;
    wasi_resolved r;
    err = resolve_at(c, A32(2), W_RIGHT_PATH_SYMLINK, A32(3), A32(4), WASI_LAST_NEW, NULL, &r);
    if (!err) {
        char slashed[258];
        err = host_result(symlinkat(copy, r.dirfd, wasi_resolved_slashed(&r, slashed)));
        wasi_resolved_done(&r);
    }
    free(copy);
    return err;
}
