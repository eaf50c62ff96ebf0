/* wasi_poll.c — poll_oneoff: wait for clocks and descriptor readiness.
   Every subscription is decoded and checked before waiting; one that
   cannot be waited for (bad fd, missing right, unknown clock) becomes an
   event carrying its error, and then nothing blocks. Clock deadlines are
   converted to the monotonic clock so an interrupted wait resumes with
   the right remaining time. A blocking wait sleeps in slices of at most
   POLL_SLICE_NS and looks at ox_caller_interrupted() between them, so a
   deadline or ox_store_interrupt() ends a guest parked here within a slice
   (the engine's own check points never run while the host blocks). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi_internal.h"

typedef struct sub {
    uint64_t userdata;
    uint8_t type;
    uint16_t error;      /* non-zero: report at once */
    bool ready;          /* report this one */
    uint64_t deadline;   /* clock: monotonic ns */
    int host;            /* fd subscriptions */
    int pollidx;         /* index into the pollfd array, -1 if none */
    uint64_t nbytes;
    uint16_t flags;
} sub;

#define POLL_SLICE_NS WASI_WAIT_SLICE_NS

static uint64_t mono_now(void)
{
    uint64_t ns = 0;
    wasi_clock_now(W_CLOCK_MONOTONIC, &ns);
    return ns;
}

static void decode_clock(wasi_call *c, const uint8_t *p, sub *s, uint64_t now)
{
    uint32_t id = ld32(p + 16);
    uint64_t timeout = ld64(p + 24);
    uint16_t flags = ld16(p + 40);
    (void)c;
    if (id == W_CLOCK_PROCESS || id == W_CLOCK_THREAD) {
        s->error = W_ENOTSUP; /* CPU time cannot be slept on */
        return;
    }
    if (id != W_CLOCK_REALTIME && id != W_CLOCK_MONOTONIC) {
        s->error = W_EINVAL;
        return;
    }
    uint64_t remaining = timeout;
    if (flags & W_SUBCLOCK_ABSTIME) {
        uint64_t cnow = 0;
        wasi_clock_now(id, &cnow);
        remaining = timeout > cnow ? timeout - cnow : 0;
    }
    s->deadline = remaining > UINT64_MAX - now ? UINT64_MAX : now + remaining;
}

static void decode_fd(wasi_call *c, const uint8_t *p, sub *s)
{
    uint32_t fd = ld32(p + 16);
    uint64_t right = s->type == W_EVENT_FD_READ ? W_RIGHT_FD_READ : W_RIGHT_FD_WRITE;
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, fd, 0, &f);
    if (!err && !(f->rights & (right | W_RIGHT_POLL_FD_READWRITE)))
        err = W_ENOTCAPABLE;
    if (err) {
        s->error = (uint16_t)err;
        return;
    }
    s->host = f->host;
    if (f->filetype == W_FT_REGULAR_FILE) {
        /* Files are always ready; for reading, say how much is left. */
        s->ready = true;
        if (s->type == W_EVENT_FD_READ) {
            struct stat st;
            off_t pos = lseek(f->host, 0, SEEK_CUR);
            if (fstat(f->host, &st) == 0 && pos >= 0 && st.st_size > pos)
                s->nbytes = (uint64_t)(st.st_size - pos);
        }
    }
}

uint32_t w_poll_oneoff(wasi_call *c, const ox_raw *a)
{
    uint32_t in = A32(0), out = A32(1), n = A32(2), nevents_ptr = A32(3);
    if (n == 0)
        return W_EINVAL;
    if (!wm_ok(c, in, (uint64_t)n * W_SUBSCRIPTION_SIZE) ||
        !wm_ok(c, out, (uint64_t)n * W_EVENT_SIZE) || !wm_ok(c, nevents_ptr, 4))
        return W_EFAULT;
    sub *subs = calloc(n, sizeof *subs);
    struct pollfd *pfds = calloc(n, sizeof *pfds);
    if (!subs || !pfds) {
        free(subs);
        free(pfds);
        return W_ENOMEM;
    }
    uint64_t now = mono_now(), earliest = UINT64_MAX;
    bool immediate = false;
    nfds_t npoll = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *p = wm_at(c, in + (uint64_t)i * W_SUBSCRIPTION_SIZE);
        sub *s = &subs[i];
        s->userdata = ld64(p);
        s->type = p[8];
        s->pollidx = -1;
        s->deadline = UINT64_MAX;
        switch (s->type) {
        case W_EVENT_CLOCK:
            decode_clock(c, p, s, now);
            if (!s->error && s->deadline < earliest)
                earliest = s->deadline;
            break;
        case W_EVENT_FD_READ:
        case W_EVENT_FD_WRITE:
            decode_fd(c, p, s);
            if (!s->error && !s->ready) {
                s->pollidx = (int)npoll;
                pfds[npoll].fd = s->host;
                pfds[npoll].events = s->type == W_EVENT_FD_READ ? POLLIN : POLLOUT;
                npoll++;
            }
            break;
        default:
            s->error = W_EINVAL;
            break;
        }
        if (s->error || s->ready)
            immediate = true;
    }

    /* Wait: not at all if something is already due, else until the
       earliest deadline (or forever when only descriptors are watched). */
    int r;
    for (;;) {
        struct timespec ts;
        uint64_t left = 0;
        if (!immediate) {
            uint64_t t = mono_now();
            left = earliest == UINT64_MAX ? UINT64_MAX : earliest > t ? earliest - t : 0;
        }
        uint64_t slice = left < POLL_SLICE_NS ? left : POLL_SLICE_NS;
        ts.tv_sec = 0;
        ts.tv_nsec = (long)slice;
        r = ppoll(npoll ? pfds : NULL, npoll, &ts, NULL);
        if (r < 0 && errno == EINTR)
            r = 0; /* a signal: look at the clock and the interrupt again */
        if (r < 0 || r > 0 || slice == left)
            break; /* error, a descriptor is ready, or the last slice ran out */
        if ((c->err = ox_caller_interrupted(c->caller))) {
            free(subs);
            free(pfds);
            return W_ESUCCESS; /* c->err (the trap) is what the call returns */
        }
    }
    if (r < 0) {
        int e = errno;
        free(subs);
        free(pfds);
        return wasi_errno_from_host(e);
    }

    now = mono_now();
    uint32_t nev = 0;
    for (uint32_t i = 0; i < n; i++) {
        sub *s = &subs[i];
        if (s->pollidx >= 0) {
            short re = pfds[s->pollidx].revents;
            if (re & POLLNVAL) {
                s->error = W_EBADF;
            } else if (re & (POLLIN | POLLOUT | POLLHUP | POLLERR)) {
                s->ready = true;
                if (re & POLLHUP)
                    s->flags |= W_EVENTRW_HANGUP;
                int avail = 0;
                if (s->type == W_EVENT_FD_READ && ioctl(s->host, FIONREAD, &avail) == 0 &&
                    avail > 0)
                    s->nbytes = (uint64_t)avail;
            }
        } else if (s->type == W_EVENT_CLOCK && !s->error && s->deadline <= now) {
            s->ready = true;
        }
        if (!s->error && !s->ready)
            continue;
        uint8_t *e = wm_at(c, out + (uint64_t)nev * W_EVENT_SIZE);
        memset(e, 0, W_EVENT_SIZE);
        st64(e, s->userdata);
        st16(e + 8, s->error);
        st8(e + 10, s->type);
        if (s->type != W_EVENT_CLOCK) {
            st64(e + 16, s->nbytes);
            st16(e + 24, s->flags);
        }
        nev++;
    }
    /* ppoll may wake a hair before the deadline by clock granularity: a
       timed-out wait still reports the earliest clock. */
    if (nev == 0 && r == 0 && earliest != UINT64_MAX) {
        for (uint32_t i = 0; i < n; i++) {
            if (subs[i].type == W_EVENT_CLOCK && !subs[i].error && subs[i].deadline == earliest) {
                uint8_t *e = wm_at(c, out);
                memset(e, 0, W_EVENT_SIZE);
                st64(e, subs[i].userdata);
                st8(e + 10, W_EVENT_CLOCK);
                nev = 1;
                break;
            }
        }
    }
    st32(wm_at(c, nevents_ptr), nev);
    free(subs);
    free(pfds);
    return W_ESUCCESS;
}
