/* wasi_path.c — the capability sandbox: resolving a guest path beneath a
   preopened directory.

   Why by hand, one component at a time: a string check ("does the joined
   path start with the preopen's path?") is defeated by symlinks and by
   races where a directory is swapped for a symlink between the check and
   the use. Here every component is opened with openat(O_PATH|O_NOFOLLOW)
   relative to the descriptor of the directory before it, so the kernel
   never follows anything we did not look at. A symlink is read through the
   descriptor we opened (readlinkat(fd, "")), so what we read is the link
   we checked, and its target is spliced into the remaining path and
   resolved by the same rules: an absolute target is refused, `..` can pop
   only directories we entered ourselves, and popping past the preopen is
   refused. The final component is left for the caller to use with an
   *at() call that does not follow symlinks, so swapping it for a symlink
   after we looked can at worst make the operation act on the link itself.
   (openat2(RESOLVE_BENEATH) would do the same in one call on Linux >= 5.6,
   but it cannot hand back the "parent dirfd + last name" pair that unlink,
   mkdir, rename and friends need, so one portable walk serves everything.) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_internal.h"

/* Symlinks followed in one resolution, like the host's own limit. */
#define MAX_LINKS 40

typedef struct fdstack {
    int *fds;
    size_t n, cap;
} fdstack;

static void stack_close_all(fdstack *s)
{
    for (size_t i = 0; i < s->n; i++)
        close(s->fds[i]);
    free(s->fds);
    s->fds = NULL;
    s->n = s->cap = 0;
}

static bool stack_push(fdstack *s, int fd)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        int *fds = realloc(s->fds, cap * sizeof *fds);
        if (!fds)
            return false;
        s->fds = fds;
        s->cap = cap;
    }
    s->fds[s->n++] = fd;
    return true;
}

const char *wasi_resolved_slashed(const wasi_resolved *r, char buf[258])
{
    if (!r->trailing_slash)
        return r->name;
    snprintf(buf, 258, "%s/", r->name);
    return buf;
}

void wasi_resolved_done(wasi_resolved *r)
{
    if (r->owned && r->dirfd >= 0)
        close(r->dirfd);
    r->dirfd = -1;
    r->owned = false;
}

uint32_t wasi_resolve(int root, const char *path, size_t len, wasi_last mode,
                      wasi_resolved *out)
{
    bool follow = mode == WASI_LAST_FOLLOW, new_name = mode == WASI_LAST_NEW;
    out->dirfd = -1;
    out->owned = false;
    out->trailing_slash = false;
    out->name[0] = 0;
    if (len == 0)
        return W_ENOENT;
    if (memchr(path, 0, len))
        return W_EINVAL;
    if (len > PATH_MAX)
        return W_ENAMETOOLONG;
    if (path[0] == '/')
        return W_ENOTCAPABLE;

    /* work holds the path still to resolve; symlink targets are spliced in
       front of what remains. */
    char *work = malloc(PATH_MAX + 1), *link = malloc(PATH_MAX + 1);
    if (!work || !link) {
        free(work);
        free(link);
        return W_ENOMEM;
    }
    memcpy(work, path, len);
    work[len] = 0;
    out->trailing_slash = work[len - 1] == '/';

    fdstack st = {0};
    int cur = root;
    int nlinks = 0;
    uint32_t err = W_ESUCCESS;
    char *rest = work;
    for (;;) {
        while (*rest == '/')
            rest++;
        if (!*rest) { /* the path names the directory `cur` itself */
            strcpy(out->name, ".");
            break;
        }
        char *comp = rest, *next = strchr(rest, '/');
        size_t clen = next ? (size_t)(next - comp) : strlen(comp);
        if (!next)
            next = comp + clen;
        const char *after = next;
        while (*after == '/')
            after++;
        bool last = !*after;
        if (clen > NAME_MAX) {
            err = W_ENAMETOOLONG;
            break;
        }
        if (clen == 1 && comp[0] == '.') {
            rest = next;
            continue;
        }
        if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
            if (st.n == 0) { /* above the preopen */
                err = W_ENOTCAPABLE;
                break;
            }
            close(st.fds[--st.n]);
            cur = st.n ? st.fds[st.n - 1] : root;
            rest = next;
            continue;
        }
        char name[NAME_MAX + 1];
        memcpy(name, comp, clen);
        name[clen] = 0;
        /* A trailing slash means the last component must be followed (it
           has to be a directory), as POSIX path resolution says. */
        if (last && !follow && (!out->trailing_slash || new_name)) {
            strcpy(out->name, name);
            break;
        }
        int fd = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (last && errno == ENOENT) { /* the caller may be creating it */
                strcpy(out->name, name);
                break;
            }
            err = wasi_errno_from_host(errno);
            break;
        }
        struct stat sb;
        if (fstat(fd, &sb) < 0) {
            err = wasi_errno_from_host(errno);
            close(fd);
            break;
        }
        if (S_ISLNK(sb.st_mode)) {
            if (++nlinks > MAX_LINKS) {
                close(fd);
                err = W_ELOOP;
                break;
            }
            ssize_t n = readlinkat(fd, "", link, PATH_MAX + 1);
            int e = errno;
            close(fd);
            if (n < 0) {
                err = wasi_errno_from_host(e);
                break;
            }
            if (n == 0) {
                err = W_ENOENT;
                break;
            }
            if ((size_t)n > PATH_MAX || (size_t)n + strlen(next) > PATH_MAX) {
                err = W_ENAMETOOLONG;
                break;
            }
            if (link[0] == '/') { /* absolute: outside every preopen */
                err = W_ENOTCAPABLE;
                break;
            }
            /* new work = target + remaining ("/..." or ""). */
            size_t nl = strlen(next);
            memmove(work + n, next, nl + 1);
            memcpy(work, link, (size_t)n);
            rest = work;
            continue;
        }
        if (last) { /* exists, not a symlink: the caller's no-follow *at() call is exact */
            close(fd);
            if (out->trailing_slash && !S_ISDIR(sb.st_mode)) {
                err = W_ENOTDIR;
                break;
            }
            strcpy(out->name, name);
            break;
        }
        if (!S_ISDIR(sb.st_mode)) {
            close(fd);
            err = W_ENOTDIR;
            break;
        }
        if (!stack_push(&st, fd)) {
            close(fd);
            err = W_ENOMEM;
            break;
        }
        cur = fd;
        rest = next;
    }
    free(work);
    free(link);
    if (err) {
        stack_close_all(&st);
        return err;
    }
    /* Keep only the directory we stopped in. */
    if (st.n) {
        out->dirfd = st.fds[--st.n];
        out->owned = true;
    } else {
        out->dirfd = root;
    }
    stack_close_all(&st);
    return W_ESUCCESS;
}
