/* wasi_ctx.c — a WASI context: copied arguments and environment, and the
   guest descriptor table that maps guest fds to owned host descriptors with
   the WASI rights each was granted. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_internal.h"

void ox_wasi_config_init(ox_wasi_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->stdin_fd = 0;
    cfg->stdout_fd = 1;
    cfg->stderr_fd = 2;
}

uint32_t wasi_errno_from_host(int e)
{
    switch (e) {
    case 0: return W_ESUCCESS;
    case E2BIG: return W_E2BIG;
    case EACCES: return W_EACCES;
    case EADDRINUSE: return W_EADDRINUSE;
    case EADDRNOTAVAIL: return W_EADDRNOTAVAIL;
    case EAFNOSUPPORT: return W_EAFNOSUPPORT;
    case EAGAIN: return W_EAGAIN;
    case EALREADY: return W_EALREADY;
    case EBADF: return W_EBADF;
    case EBADMSG: return W_EBADMSG;
    case EBUSY: return W_EBUSY;
    case ECANCELED: return W_ECANCELED;
    case ECHILD: return W_ECHILD;
    case ECONNABORTED: return W_ECONNABORTED;
    case ECONNREFUSED: return W_ECONNREFUSED;
    case ECONNRESET: return W_ECONNRESET;
    case EDEADLK: return W_EDEADLK;
    case EDESTADDRREQ: return W_EDESTADDRREQ;
    case EDOM: return W_EDOM;
    case EDQUOT: return W_EDQUOT;
    case EEXIST: return W_EEXIST;
    case EFAULT: return W_EFAULT;
    case EFBIG: return W_EFBIG;
    case EHOSTUNREACH: return W_EHOSTUNREACH;
    case EIDRM: return W_EIDRM;
    case EILSEQ: return W_EILSEQ;
    case EINPROGRESS: return W_EINPROGRESS;
    case EINTR: return W_EINTR;
    case EINVAL: return W_EINVAL;
    case EIO: return W_EIO;
    case EISCONN: return W_EISCONN;
    case EISDIR: return W_EISDIR;
    case ELOOP: return W_ELOOP;
    case EMFILE: return W_EMFILE;
    case EMLINK: return W_EMLINK;
    case EMSGSIZE: return W_EMSGSIZE;
    case EMULTIHOP: return W_EMULTIHOP;
    case ENAMETOOLONG: return W_ENAMETOOLONG;
    case ENETDOWN: return W_ENETDOWN;
    case ENETRESET: return W_ENETRESET;
    case ENETUNREACH: return W_ENETUNREACH;
    case ENFILE: return W_ENFILE;
    case ENOBUFS: return W_ENOBUFS;
    case ENODEV: return W_ENODEV;
    case ENOENT: return W_ENOENT;
    case ENOEXEC: return W_ENOEXEC;
    case ENOLCK: return W_ENOLCK;
    case ENOLINK: return W_ENOLINK;
    case ENOMEM: return W_ENOMEM;
    case ENOMSG: return W_ENOMSG;
    case ENOPROTOOPT: return W_ENOPROTOOPT;
    case ENOSPC: return W_ENOSPC;
    case ENOSYS: return W_ENOSYS;
    case ENOTCONN: return W_ENOTCONN;
    case ENOTDIR: return W_ENOTDIR;
    case ENOTEMPTY: return W_ENOTEMPTY;
    case ENOTRECOVERABLE: return W_ENOTRECOVERABLE;
    case ENOTSOCK: return W_ENOTSOCK;
    case ENOTSUP: return W_ENOTSUP;
    case ENOTTY: return W_ENOTTY;
    case ENXIO: return W_ENXIO;
    case EOVERFLOW: return W_EOVERFLOW;
    case EOWNERDEAD: return W_EOWNERDEAD;
    case EPERM: return W_EPERM;
    case EPIPE: return W_EPIPE;
    case EPROTO: return W_EPROTO;
    case EPROTONOSUPPORT: return W_EPROTONOSUPPORT;
    case EPROTOTYPE: return W_EPROTOTYPE;
    case ERANGE: return W_ERANGE;
    case EROFS: return W_EROFS;
    case ESPIPE: return W_ESPIPE;
    case ESRCH: return W_ESRCH;
    case ESTALE: return W_ESTALE;
    case ETIMEDOUT: return W_ETIMEDOUT;
    case ETXTBSY: return W_ETXTBSY;
    case EXDEV: return W_EXDEV;
    default: return W_EIO; /* a host error WASI has no name for */
    }
}

static const char *const errno_names[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN",
    "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED",
    "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST",
    "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO",
    "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK", "MSGSIZE", "MULTIHOP", "NAMETOOLONG",
    "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS", "NODEV", "NOENT", "NOEXEC",
    "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS", "NOTCONN",
    "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY", "NXIO",
    "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE",
    "RANGE", "ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV",
    "NOTCAPABLE",
};

const char *ox_wasi_errno_name(unsigned err)
{
    return err < sizeof errno_names / sizeof errno_names[0] ? errno_names[err] : "?";
}

uint8_t wasi_filetype_from_mode(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return W_FT_REGULAR_FILE;
    case S_IFDIR: return W_FT_DIRECTORY;
    case S_IFLNK: return W_FT_SYMLINK;
    case S_IFCHR: return W_FT_CHARACTER_DEVICE;
    case S_IFBLK: return W_FT_BLOCK_DEVICE;
    case S_IFSOCK: return W_FT_SOCKET_STREAM;
    default: return W_FT_UNKNOWN; /* FIFOs have no WASI file type */
    }
}

uint32_t wasi_fd_get(ox_wasi *w, uint32_t fd, uint64_t need, wasi_fd **out)
{
    if (fd >= w->nfds || !w->fds[fd].used)
        return W_EBADF;
    if ((w->fds[fd].rights & need) != need)
        return W_ENOTCAPABLE;
    *out = &w->fds[fd];
    return W_ESUCCESS;
}

/* Lowest free slot at or above `start`. */
static uint32_t fd_insert_from(ox_wasi *w, size_t start, int host, uint8_t filetype,
                               uint64_t rights, uint64_t inheriting, uint32_t *out_fd)
{
    size_t i = start;
    while (i < w->nfds && w->fds[i].used)
        i++;
    if (i >= w->nfds) {
        if (i >= OX_WASI_MAX_FDS) {
            close(host);
            return W_EMFILE;
        }
        size_t n = w->nfds ? w->nfds * 2 : 8;
        if (n <= i)
            n = i + 1;
        if (n > OX_WASI_MAX_FDS)
            n = OX_WASI_MAX_FDS;
        wasi_fd *fds = realloc(w->fds, n * sizeof *fds);
        if (!fds) {
            close(host);
            return W_ENOMEM;
        }
        memset(fds + w->nfds, 0, (n - w->nfds) * sizeof *fds);
        w->fds = fds;
        w->nfds = n;
    }
    wasi_fd *f = &w->fds[i];
    memset(f, 0, sizeof *f);
    f->used = true;
    f->host = host;
    f->filetype = filetype;
    f->rights = rights;
    f->inheriting = inheriting;
    *out_fd = (uint32_t)i;
    return W_ESUCCESS;
}

uint32_t wasi_fd_insert(ox_wasi *w, int host, uint8_t filetype, uint64_t rights,
                        uint64_t inheriting, uint32_t *out_fd)
{
    return fd_insert_from(w, 0, host, filetype, rights, inheriting, out_fd);
}

void wasi_fd_release(wasi_fd *f)
{
    if (!f->used)
        return;
    if (f->dir)
        closedir(f->dir);
    if (f->host >= 0)
        close(f->host);
    free(f->preopen_name);
    memset(f, 0, sizeof *f);
}

/* Copy n strings into one owned array; *bytes gets their total size with
   NULs, which is what args_sizes_get/environ_sizes_get report. */
static bool copy_strings(const char *const *src, size_t n, char ***dst, size_t *bytes)
{
    *bytes = 0;
    *dst = calloc(n ? n : 1, sizeof **dst);
    if (!*dst)
        return false;
    for (size_t i = 0; i < n; i++) {
        (*dst)[i] = strdup(src[i] ? src[i] : "");
        if (!(*dst)[i])
            return false;
        *bytes += strlen((*dst)[i]) + 1;
    }
    return true;
}

static void free_strings(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Guest fds 0-2: the rights follow what the host descriptor is. wasi-libc's
   isatty() asks for a character device *without* seek/tell rights, so a
   terminal must not be granted them or stdout would not be line-buffered. */
static uint32_t add_stdio(ox_wasi *w, int host_fd, uint32_t slot)
{
    if (host_fd < 0)
        return W_ESUCCESS; /* the slot stays closed; preopens still start at 3 */
    int h = fcntl(host_fd, F_DUPFD_CLOEXEC, 0);
    if (h < 0)
        return wasi_errno_from_host(errno);
    struct stat st;
    uint8_t ft = fstat(h, &st) == 0 ? wasi_filetype_from_mode(st.st_mode) : W_FT_UNKNOWN;
    uint64_t rights = W_RIGHTS_FILE;
    if (ft != W_FT_REGULAR_FILE)
        rights &= ~(W_RIGHT_FD_SEEK | W_RIGHT_FD_TELL);
    wasi_fd *f = &w->fds[slot];
    f->used = true;
    f->host = h;
    f->filetype = ft;
    f->rights = rights;
    f->inheriting = 0;
    return W_ESUCCESS;
}

ox_error *ox_wasi_new(const ox_wasi_config *cfg, ox_wasi **out)
{
    *out = NULL;
    if (!cfg)
        return ox_error_new(OX_ERR_ARG, "wasi: no configuration given");
    if ((cfg->argc && !cfg->argv) || (cfg->envc && !cfg->env) ||
        (cfg->npreopens && !cfg->preopens))
        return ox_error_new(OX_ERR_ARG, "wasi: a count is non-zero but its array is NULL");
    for (size_t i = 0; i < cfg->envc; i++)
        if (!cfg->env[i] || !strchr(cfg->env[i], '=') || cfg->env[i][0] == '=')
            return ox_error_new(OX_ERR_ARG, "wasi: environment entry %zu (\"%s\") is not NAME=VALUE",
                                i, cfg->env[i] ? cfg->env[i] : "(null)");
    ox_wasi *w = calloc(1, sizeof *w);
    if (!w)
        return ox_error_new(OX_ERR_NOMEM, "wasi: out of memory");
    w->argc = cfg->argc;
    w->envc = cfg->envc;
    if (!copy_strings(cfg->argv, cfg->argc, &w->argv, &w->argv_bytes) ||
        !copy_strings(cfg->env, cfg->envc, &w->env, &w->env_bytes)) {
        ox_wasi_free(w);
        return ox_error_new(OX_ERR_NOMEM, "wasi: out of memory copying arguments");
    }
    /* Slots 0-2 exist even when a stream is closed, so preopens start at 3. */
    w->nfds = 8;
    w->fds = calloc(w->nfds, sizeof *w->fds);
    if (!w->fds) {
        ox_wasi_free(w);
        return ox_error_new(OX_ERR_NOMEM, "wasi: out of memory");
    }
    const int stdio[3] = {cfg->stdin_fd, cfg->stdout_fd, cfg->stderr_fd};
    for (uint32_t i = 0; i < 3; i++) {
        uint32_t err = add_stdio(w, stdio[i], i);
        if (err) {
            ox_wasi_free(w);
            return ox_error_new(OX_ERR_IO, "wasi: cannot use host descriptor %d as guest fd %u: %s",
                                stdio[i], i, ox_wasi_errno_name(err));
        }
    }
    for (size_t i = 0; i < cfg->npreopens; i++) {
        const ox_wasi_preopen *p = &cfg->preopens[i];
        if (!p->host_path || !p->guest_path || !*p->host_path || !*p->guest_path) {
            ox_wasi_free(w);
            return ox_error_new(OX_ERR_ARG, "wasi: preopen %zu has an empty host or guest path", i);
        }
        int h = open(p->host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (h < 0) {
            int e = errno;
            ox_wasi_free(w);
            return ox_error_new(OX_ERR_IO, "wasi: cannot open directory '%s': %s", p->host_path,
                                strerror(e));
        }
        uint64_t base = W_RIGHTS_DIR, inh = W_RIGHTS_DIR | W_RIGHTS_FILE;
        if (p->read_only) {
            base &= ~W_RIGHTS_MUTATE;
            inh &= ~W_RIGHTS_MUTATE;
        }
        uint32_t fd;
        char *name = strdup(p->guest_path);
        if (!name || fd_insert_from(w, 3, h, W_FT_DIRECTORY, base, inh, &fd)) {
            if (name)
                free(name);
            else
                close(h);
            ox_wasi_free(w);
            return ox_error_new(OX_ERR_NOMEM, "wasi: out of memory adding preopen '%s'",
                                p->host_path);
        }
        w->fds[fd].preopen_name = name;
    }
    *out = w;
    return NULL;
}

void ox_wasi_free(ox_wasi *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->nfds; i++)
        wasi_fd_release(&w->fds[i]);
    free(w->fds);
    free_strings(w->argv, w->argc);
    free_strings(w->env, w->envc);
    free(w->bindings);
    free(w);
}
