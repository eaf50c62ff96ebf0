/* wasi_fd.c — the fd_* functions: I/O, seeking, descriptor status, file
   status, preopen discovery, directory listing and renumbering.
   Every guest pointer is checked before any host I/O happens, so a bad
   pointer never leaves data half-consumed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "wasi_internal.h"

#define NS_PER_S UINT64_C(1000000000)

/* ---- iovecs ---- */

/* Decode and bounds-check an iovec array into host iovecs pointing straight
   into guest memory. *out is `small` or malloc'd (free if != small). */
static uint32_t load_iovs(wasi_call *c, uint32_t iovs, uint32_t n, struct iovec *small,
                          size_t nsmall, struct iovec **out)
{
    *out = small;
    if (n > IOV_MAX)
        return W_EINVAL;
    if (!wm_ok(c, iovs, (uint64_t)n * W_IOVEC_SIZE))
        return W_EFAULT;
    struct iovec *v = small;
    if (n > nsmall) {
        v = malloc(n * sizeof *v);
        if (!v)
            return W_ENOMEM;
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *p = wm_at(c, iovs + (uint64_t)i * W_IOVEC_SIZE);
        uint32_t buf = ld32(p), len = ld32(p + 4);
        if (!wm_ok(c, buf, len)) {
            if (v != small)
                free(v);
            return W_EFAULT;
        }
        v[i].iov_base = wm_at(c, buf);
        v[i].iov_len = len;
        total += len;
    }
    if (total > SSIZE_MAX) {
        if (v != small)
            free(v);
        return W_EINVAL;
    }
    *out = v;
    return W_ESUCCESS;
}

enum { IO_READ, IO_WRITE, IO_PREAD, IO_PWRITE };

/* Before a read that may block (a pipe, socket or terminal in blocking
   mode), wait for data in slices, looking at ox_caller_interrupted()
   between them: readv itself could sleep for ever, out of reach of the
   engine's deadline and interrupt. Returns false with c->err set (the
   "interrupted" trap) when the call must end. Regular files and
   directories never block, and a non-blocking descriptor keeps its EAGAIN. */
static bool wait_readable(wasi_call *c, const wasi_fd *f)
{
    if (f->filetype == W_FT_REGULAR_FILE || f->filetype == W_FT_DIRECTORY)
        return true;
    int fl = fcntl(f->host, F_GETFL);
    if (fl < 0 || (fl & O_NONBLOCK))
        return true;
    for (;;) {
        struct pollfd p = {.fd = f->host, .events = POLLIN};
        int r = poll(&p, 1, (int)(WASI_WAIT_SLICE_NS / 1000000u));
        if (r != 0 && !(r < 0 && errno == EINTR))
            return true; /* ready, hung up, or an error readv will report */
        if ((c->err = ox_caller_interrupted(c->caller)))
            return false;
    }
}

/* The four data-transfer calls differ only in direction and offset. */
static uint32_t do_io(wasi_call *c, int kind, uint32_t fd, uint32_t iovs, uint32_t n,
                      uint64_t offset, uint32_t result_ptr)
{
    static const uint64_t need[] = {
        [IO_READ] = W_RIGHT_FD_READ,
        [IO_WRITE] = W_RIGHT_FD_WRITE,
        [IO_PREAD] = W_RIGHT_FD_READ | W_RIGHT_FD_SEEK,
        [IO_PWRITE] = W_RIGHT_FD_WRITE | W_RIGHT_FD_SEEK,
    };
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, fd, need[kind], &f);
    if (err)
        return err;
    if (!wm_ok(c, result_ptr, 4))
        return W_EFAULT;
    if ((kind == IO_PREAD || kind == IO_PWRITE) && offset > INT64_MAX)
        return W_EINVAL;
    struct iovec small[16], *v;
    err = load_iovs(c, iovs, n, small, 16, &v);
    if (err)
        return err;
    if (kind == IO_READ && !wait_readable(c, f)) {
        if (v != small)
            free(v);
        return W_ESUCCESS; /* c->err (the trap) is what the call returns */
    }
    ssize_t r;
    do {
        switch (kind) {
        case IO_READ: r = readv(f->host, v, (int)n); break;
        case IO_WRITE: r = writev(f->host, v, (int)n); break;
        case IO_PREAD: r = preadv(f->host, v, (int)n, (off_t)offset); break;
        default: r = pwritev(f->host, v, (int)n, (off_t)offset); break;
        }
    } while (r < 0 && errno == EINTR);
    int e = errno;
    if (v != small)
        free(v);
    if (r < 0)
        return wasi_errno_from_host(e);
    st32(wm_at(c, result_ptr), (uint32_t)r);
    return W_ESUCCESS;
}

uint32_t w_fd_read(wasi_call *c, const ox_raw *a)
{
    return do_io(c, IO_READ, A32(0), A32(1), A32(2), 0, A32(3));
}
uint32_t w_fd_write(wasi_call *c, const ox_raw *a)
{
    return do_io(c, IO_WRITE, A32(0), A32(1), A32(2), 0, A32(3));
}
uint32_t w_fd_pread(wasi_call *c, const ox_raw *a)
{
    return do_io(c, IO_PREAD, A32(0), A32(1), A32(2), A64(3), A32(4));
}
uint32_t w_fd_pwrite(wasi_call *c, const ox_raw *a)
{
    return do_io(c, IO_PWRITE, A32(0), A32(1), A32(2), A64(3), A32(4));
}

/* ---- position ---- */

uint32_t w_fd_seek(wasi_call *c, const ox_raw *a)
{
    uint32_t fd = A32(0), whence = A32(2), out = A32(3);
    int64_t off = a[1].i64;
    /* Asking for the position only needs the tell right. */
    uint64_t need = (whence == W_WHENCE_CUR && off == 0) ? 0 : W_RIGHT_FD_SEEK;
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, fd, need, &f);
    if (err)
        return err;
    if (!need && !(f->rights & (W_RIGHT_FD_SEEK | W_RIGHT_FD_TELL)))
        return W_ENOTCAPABLE;
    int how;
    switch (whence) {
    case W_WHENCE_SET: how = SEEK_SET; break;
    case W_WHENCE_CUR: how = SEEK_CUR; break;
    case W_WHENCE_END: how = SEEK_END; break;
    default: return W_EINVAL;
    }
    if (!wm_ok(c, out, 8))
        return W_EFAULT;
    off_t r = lseek(f->host, (off_t)off, how);
    if (r < 0)
        return wasi_errno_from_host(errno);
    st64(wm_at(c, out), (uint64_t)r);
    return W_ESUCCESS;
}

uint32_t w_fd_tell(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), W_RIGHT_FD_TELL, &f);
    if (err)
        return err;
    if (!wm_ok(c, A32(1), 8))
        return W_EFAULT;
    off_t r = lseek(f->host, 0, SEEK_CUR);
    if (r < 0)
        return wasi_errno_from_host(errno);
    st64(wm_at(c, A32(1)), (uint64_t)r);
    return W_ESUCCESS;
}

/* ---- lifetime and syncing ---- */

uint32_t w_fd_close(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), 0, &f);
    if (err)
        return err;
    wasi_fd_release(f);
    return W_ESUCCESS;
}

uint32_t w_fd_sync(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), W_RIGHT_FD_SYNC, &f);
    if (err)
        return err;
    return fsync(f->host) < 0 ? wasi_errno_from_host(errno) : W_ESUCCESS;
}

uint32_t w_fd_datasync(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), W_RIGHT_FD_DATASYNC, &f);
    if (err)
        return err;
    return fdatasync(f->host) < 0 ? wasi_errno_from_host(errno) : W_ESUCCESS;
}

uint32_t w_fd_advise(wasi_call *c, const ox_raw *a)
{
    static const int advice[] = {
        [W_ADVICE_NORMAL] = POSIX_FADV_NORMAL, [W_ADVICE_SEQUENTIAL] = POSIX_FADV_SEQUENTIAL,
        [W_ADVICE_RANDOM] = POSIX_FADV_RANDOM, [W_ADVICE_WILLNEED] = POSIX_FADV_WILLNEED,
        [W_ADVICE_DONTNEED] = POSIX_FADV_DONTNEED, [W_ADVICE_NOREUSE] = POSIX_FADV_NOREUSE,
    };
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), W_RIGHT_FD_ADVISE, &f);
    if (err)
        return err;
    uint64_t off = A64(1), len = A64(2);
    if (A32(3) > W_ADVICE_NOREUSE || off > INT64_MAX || len > INT64_MAX)
        return W_EINVAL;
    int r = posix_fadvise(f->host, (off_t)off, (off_t)len, advice[A32(3)]);
    /* Advice is only a hint: a stream that cannot take it is not an error. */
    if (r == ESPIPE)
        r = 0;
    return wasi_errno_from_host(r);
}

uint32_t w_fd_allocate(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), W_RIGHT_FD_ALLOCATE, &f);
    if (err)
        return err;
    uint64_t off = A64(1), len = A64(2);
    if (off > INT64_MAX || len > INT64_MAX || off + len > INT64_MAX)
        return W_EINVAL;
    return wasi_errno_from_host(posix_fallocate(f->host, (off_t)off, (off_t)len));
}

/* ---- descriptor status ---- */

static uint16_t host_fdflags(int host)
{
    int fl = fcntl(host, F_GETFL);
    uint16_t r = 0;
    if (fl < 0)
        return 0;
    if (fl & O_APPEND)
        r |= W_FDFLAG_APPEND;
    if (fl & O_NONBLOCK)
        r |= W_FDFLAG_NONBLOCK;
    if ((fl & O_SYNC) == O_SYNC)
        r |= W_FDFLAG_SYNC | W_FDFLAG_RSYNC; /* Linux: O_RSYNC == O_SYNC */
    else if (fl & O_DSYNC)
        r |= W_FDFLAG_DSYNC;
    return r;
}

uint32_t w_fd_fdstat_get(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), 0, &f);
    if (err)
        return err;
    if (!wm_ok(c, A32(1), W_FDSTAT_SIZE))
        return W_EFAULT;
    uint8_t *p = wm_at(c, A32(1));
    memset(p, 0, W_FDSTAT_SIZE);
    st8(p, f->filetype);
    st16(p + 2, host_fdflags(f->host));
    st64(p + 8, f->rights);
    st64(p + 16, f->inheriting);
    return W_ESUCCESS;
}

uint32_t w_fd_fdstat_set_flags(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), W_RIGHT_FD_FDSTAT_SET_FLAGS, &f);
    if (err)
        return err;
    uint32_t flags = A32(1);
    if (flags & ~0x1Fu)
        return W_EINVAL;
    /* Linux cannot change the sync flags of an open file. */
    if (flags & (W_FDFLAG_DSYNC | W_FDFLAG_RSYNC | W_FDFLAG_SYNC))
        return W_ENOTSUP;
    int fl = fcntl(f->host, F_GETFL);
    if (fl < 0)
        return wasi_errno_from_host(errno);
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (flags & W_FDFLAG_APPEND)
        fl |= O_APPEND;
    if (flags & W_FDFLAG_NONBLOCK)
        fl |= O_NONBLOCK;
    return fcntl(f->host, F_SETFL, fl) < 0 ? wasi_errno_from_host(errno) : W_ESUCCESS;
}

uint32_t w_fd_fdstat_set_rights(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), 0, &f);
    if (err)
        return err;
    uint64_t base = A64(1), inh = A64(2);
    /* Rights can only be dropped, never gained. */
    if ((base & ~f->rights) || (inh & ~f->inheriting))
        return W_ENOTCAPABLE;
    f->rights = base;
    f->inheriting = inh;
    return W_ESUCCESS;
}

/* ---- file status ---- */

static uint64_t ts_ns(struct timespec t)
{
    return (uint64_t)t.tv_sec * NS_PER_S + (uint64_t)t.tv_nsec;
}

void wasi_put_filestat(uint8_t *p, const struct stat *st)
{
    memset(p, 0, W_FILESTAT_SIZE);
    st64(p + 0, (uint64_t)st->st_dev);
    st64(p + 8, (uint64_t)st->st_ino);
    st8(p + 16, wasi_filetype_from_mode(st->st_mode));
    st64(p + 24, (uint64_t)st->st_nlink);
    st64(p + 32, (uint64_t)st->st_size);
    st64(p + 40, ts_ns(st->st_atim));
    st64(p + 48, ts_ns(st->st_mtim));
    st64(p + 56, ts_ns(st->st_ctim));
}

uint32_t wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2])
{
    if (fst & ~0xFu)
        return W_EINVAL;
    if (((fst & W_FST_ATIM) && (fst & W_FST_ATIM_NOW)) ||
        ((fst & W_FST_MTIM) && (fst & W_FST_MTIM_NOW)))
        return W_EINVAL;
    const uint64_t t[2] = {atim, mtim};
    const uint32_t set[2] = {W_FST_ATIM, W_FST_MTIM}, now[2] = {W_FST_ATIM_NOW, W_FST_MTIM_NOW};
    for (int i = 0; i < 2; i++) {
        if (fst & now[i]) {
            ts[i].tv_sec = 0;
            ts[i].tv_nsec = UTIME_NOW;
        } else if (fst & set[i]) {
            ts[i].tv_sec = (time_t)(t[i] / NS_PER_S);
            ts[i].tv_nsec = (long)(t[i] % NS_PER_S);
        } else {
            ts[i].tv_sec = 0;
            ts[i].tv_nsec = UTIME_OMIT;
        }
    }
    return W_ESUCCESS;
}

uint32_t w_fd_filestat_get(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), W_RIGHT_FD_FILESTAT_GET, &f);
    if (err)
        return err;
    if (!wm_ok(c, A32(1), W_FILESTAT_SIZE))
        return W_EFAULT;
    struct stat st;
    if (fstat(f->host, &st) < 0)
        return wasi_errno_from_host(errno);
    wasi_put_filestat(wm_at(c, A32(1)), &st);
    return W_ESUCCESS;
}

uint32_t w_fd_filestat_set_size(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), W_RIGHT_FD_FILESTAT_SET_SIZE, &f);
    if (err)
        return err;
    if (A64(1) > INT64_MAX)
        return W_EINVAL;
    return ftruncate(f->host, (off_t)A64(1)) < 0 ? wasi_errno_from_host(errno) : W_ESUCCESS;
}

uint32_t w_fd_filestat_set_times(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), W_RIGHT_FD_FILESTAT_SET_TIMES, &f);
    if (err)
        return err;
    struct timespec ts[2];
    err = wasi_times(A64(1), A64(2), A32(3), ts);
    if (err)
        return err;
    return futimens(f->host, ts) < 0 ? wasi_errno_from_host(errno) : W_ESUCCESS;
}

/* ---- preopens ---- */

uint32_t w_fd_prestat_get(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), 0, &f);
    if (err)
        return err;
    if (!f->preopen_name) /* wasi-libc stops scanning preopens at EBADF */
        return W_EBADF;
    if (!wm_ok(c, A32(1), W_PRESTAT_SIZE))
        return W_EFAULT;
    uint8_t *p = wm_at(c, A32(1));
    memset(p, 0, W_PRESTAT_SIZE);
    st8(p, W_PREOPEN_DIR);
    st32(p + 4, (uint32_t)strlen(f->preopen_name));
    return W_ESUCCESS;
}

uint32_t w_fd_prestat_dir_name(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), 0, &f);
    if (err)
        return err;
    if (!f->preopen_name)
        return W_EBADF;
    size_t n = strlen(f->preopen_name);
    if (A32(2) < n)
        return W_ENAMETOOLONG;
    if (!wm_ok(c, A32(1), n))
        return W_EFAULT;
    memcpy(wm_at(c, A32(1)), f->preopen_name, n);
    return W_ESUCCESS;
}

/* ---- directories ---- */

static uint8_t dirent_type(DIR *d, const struct dirent *de)
{
    switch (de->d_type) {
    case DT_REG: return W_FT_REGULAR_FILE;
    case DT_DIR: return W_FT_DIRECTORY;
    case DT_LNK: return W_FT_SYMLINK;
    case DT_CHR: return W_FT_CHARACTER_DEVICE;
    case DT_BLK: return W_FT_BLOCK_DEVICE;
    case DT_SOCK: return W_FT_SOCKET_STREAM;
    case DT_FIFO: return W_FT_UNKNOWN;
    default: {
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            return wasi_filetype_from_mode(st.st_mode);
        return W_FT_UNKNOWN;
    }
    }
}

/* Cookies are entry indices: entry k's d_next is k+1. A cookie behind the
   stream's position (the guest re-reads after a truncated entry) rewinds. */
uint32_t w_fd_readdir(wasi_call *c, const ox_raw *a)
{
    uint32_t fd = A32(0), buf = A32(1), buf_len = A32(2), used_ptr = A32(4);
    uint64_t cookie = A64(3);
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, fd, W_RIGHT_FD_READDIR, &f);
    if (err)
        return err;
    if (f->filetype != W_FT_DIRECTORY)
        return W_ENOTDIR;
    if (!wm_ok(c, buf, buf_len) || !wm_ok(c, used_ptr, 4))
        return W_EFAULT;
    if (!f->dir) {
        int d = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d < 0)
            return wasi_errno_from_host(errno);
        f->dir = fdopendir(d);
        if (!f->dir) {
            int e = errno;
            close(d);
            return wasi_errno_from_host(e);
        }
        f->dir_pos = 0;
    }
    if (cookie < f->dir_pos) {
        rewinddir(f->dir);
        f->dir_pos = 0;
    }
    while (f->dir_pos < cookie) {
        errno = 0;
        if (!readdir(f->dir)) {
            if (errno)
                return wasi_errno_from_host(errno);
            break;
        }
        f->dir_pos++;
    }
    uint8_t *out = wm_at(c, buf);
    uint32_t used = 0;
    while (used < buf_len) {
        errno = 0;
        struct dirent *de = readdir(f->dir);
        if (!de) {
            if (errno)
                return wasi_errno_from_host(errno);
            break;
        }
        f->dir_pos++;
        size_t nlen = strlen(de->d_name);
        uint8_t hdr[W_DIRENT_SIZE] = {0};
        st64(hdr, f->dir_pos);
        st64(hdr + 8, (uint64_t)de->d_ino);
        st32(hdr + 16, (uint32_t)nlen);
        st8(hdr + 20, dirent_type(f->dir, de));
        /* The spec's contract: fill the buffer, truncating the last entry;
           a full buffer tells the guest to come back with a larger one. */
        uint32_t room = buf_len - used;
        uint32_t n = room < W_DIRENT_SIZE ? room : W_DIRENT_SIZE;
        memcpy(out + used, hdr, n);
        used += n;
        room = buf_len - used;
        n = room < nlen ? room : (uint32_t)nlen;
        memcpy(out + used, de->d_name, n);
        used += n;
    }
    st32(wm_at(c, used_ptr), used);
    return W_ESUCCESS;
}

uint32_t w_fd_renumber(wasi_call *c, const ox_raw *a)
{
    wasi_fd *from, *to;
    uint32_t err = wasi_fd_get(c->w, A32(0), 0, &from);
    if (!err)
        err = wasi_fd_get(c->w, A32(1), 0, &to);
    if (err)
        return err;
    if (from == to)
        return W_ESUCCESS;
    wasi_fd_release(to);
    *to = *from;
    memset(from, 0, sizeof *from);
    return W_ESUCCESS;
}
