/* wasi_misc.c — arguments, environment, clocks, randomness, process
   control, and the socket calls (which a sandboxed program cannot use). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "wasi_internal.h"

/* ---- args and environ: an array of pointers plus one buffer of strings ---- */

static uint32_t put_strings(wasi_call *c, char **v, size_t n, size_t bytes, uint32_t ptrs,
                            uint32_t buf)
{
    if (!wm_ok(c, ptrs, (uint64_t)n * 4) || !wm_ok(c, buf, bytes))
        return W_EFAULT;
    uint32_t at = buf;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        st32(wm_at(c, ptrs + (uint64_t)i * 4), at);
        memcpy(wm_at(c, at), v[i], len);
        at += (uint32_t)len;
    }
    return W_ESUCCESS;
}

static uint32_t put_sizes(wasi_call *c, size_t n, size_t bytes, uint32_t count_ptr,
                          uint32_t size_ptr)
{
    if (!wm_ok(c, count_ptr, 4) || !wm_ok(c, size_ptr, 4))
        return W_EFAULT;
    if (n > UINT32_MAX || bytes > UINT32_MAX)
        return W_EOVERFLOW;
    st32(wm_at(c, count_ptr), (uint32_t)n);
    st32(wm_at(c, size_ptr), (uint32_t)bytes);
    return W_ESUCCESS;
}

uint32_t w_args_get(wasi_call *c, const ox_raw *a)
{
    return put_strings(c, c->w->argv, c->w->argc, c->w->argv_bytes, A32(0), A32(1));
}
uint32_t w_args_sizes_get(wasi_call *c, const ox_raw *a)
{
    return put_sizes(c, c->w->argc, c->w->argv_bytes, A32(0), A32(1));
}
uint32_t w_environ_get(wasi_call *c, const ox_raw *a)
{
    return put_strings(c, c->w->env, c->w->envc, c->w->env_bytes, A32(0), A32(1));
}
uint32_t w_environ_sizes_get(wasi_call *c, const ox_raw *a)
{
    return put_sizes(c, c->w->envc, c->w->env_bytes, A32(0), A32(1));
}

/* ---- clocks ---- */

static bool host_clock(uint32_t id, clockid_t *out)
{
    switch (id) {
    case W_CLOCK_REALTIME: *out = CLOCK_REALTIME; return true;
    case W_CLOCK_MONOTONIC: *out = CLOCK_MONOTONIC; return true;
    case W_CLOCK_PROCESS: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case W_CLOCK_THREAD: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
    }
}

uint32_t wasi_clock_now(uint32_t id, uint64_t *ns)
{
    clockid_t cid;
    struct timespec ts;
    if (!host_clock(id, &cid))
        return W_EINVAL;
    if (clock_gettime(cid, &ts) < 0)
        return wasi_errno_from_host(errno);
    *ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    return W_ESUCCESS;
}

uint32_t w_clock_res_get(wasi_call *c, const ox_raw *a)
{
    clockid_t cid;
    struct timespec ts;
    if (!host_clock(A32(0), &cid))
        return W_EINVAL;
    if (!wm_ok(c, A32(1), 8))
        return W_EFAULT;
    if (clock_getres(cid, &ts) < 0)
        return wasi_errno_from_host(errno);
    st64(wm_at(c, A32(1)), (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
    return W_ESUCCESS;
}

uint32_t w_clock_time_get(wasi_call *c, const ox_raw *a)
{
    /* a[1] is the requested precision: the host clock is always at least
       as precise as asked, so it needs no action. */
    uint64_t ns = 0; /* (gcc 12 -O3 cannot see that wasi_clock_now sets it) */
    if (!wm_ok(c, A32(2), 8)) {
        clockid_t cid;
        return host_clock(A32(0), &cid) ? W_EFAULT : W_EINVAL;
    }
    uint32_t err = wasi_clock_now(A32(0), &ns);
    if (err)
        return err;
    st64(wm_at(c, A32(2)), ns);
    return W_ESUCCESS;
}

/* ---- randomness ---- */

uint32_t w_random_get(wasi_call *c, const ox_raw *a)
{
    uint32_t buf = A32(0), len = A32(1);
    if (!wm_ok(c, buf, len))
        return W_EFAULT;
    uint8_t *p = wm_at(c, buf);
    while (len) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return wasi_errno_from_host(errno);
        }
        p += n;
        len -= (uint32_t)n;
    }
    return W_ESUCCESS;
}

/* ---- process ---- */

uint32_t w_proc_exit(wasi_call *c, const ox_raw *a)
{
    c->err = ox_error_exit((int)A32(0));
    return W_ESUCCESS;
}

/* Signals (the spec's numbering, 1 = HUP ... 30 = SYS). There is no signal
   delivery in the sandbox, so a raised signal takes its default action:
   the ignored ones do nothing, the rest end the program the way a shell
   reports a death by signal, with status 128 + signal. */
uint32_t w_proc_raise(wasi_call *c, const ox_raw *a)
{
    enum { SIG_CHLD = 16, SIG_CONT = 17, SIG_STOP = 18, SIG_TSTP = 19, SIG_TTIN = 20,
           SIG_TTOU = 21, SIG_URG = 22, SIG_WINCH = 27, SIG_MAX = 30 };
    uint32_t sig = A32(0);
    if (sig > SIG_MAX)
        return W_EINVAL;
    switch (sig) {
    case 0: case SIG_CHLD: case SIG_CONT: case SIG_STOP: case SIG_TSTP: case SIG_TTIN:
    case SIG_TTOU: case SIG_URG: case SIG_WINCH:
        return W_ESUCCESS;
    default:
        c->err = ox_error_exit(128 + (int)sig);
        return W_ESUCCESS;
    }
}

uint32_t w_sched_yield(wasi_call *c, const ox_raw *a)
{
    (void)c;
    (void)a;
    sched_yield();
    return W_ESUCCESS;
}

/* ---- sockets: a program is never handed a socket ---- */

/* As the host answers: EBADF for a descriptor that is not open, ENOTSOCK
   for any open one (none is a socket). */
static uint32_t not_a_socket(wasi_call *c, const ox_raw *a)
{
    wasi_fd *f;
    uint32_t err = wasi_fd_get(c->w, A32(0), 0, &f);
    return err ? err : W_ENOTSOCK;
}

uint32_t w_sock_accept(wasi_call *c, const ox_raw *a) { return not_a_socket(c, a); }
uint32_t w_sock_recv(wasi_call *c, const ox_raw *a) { return not_a_socket(c, a); }
uint32_t w_sock_send(wasi_call *c, const ox_raw *a) { return not_a_socket(c, a); }
uint32_t w_sock_shutdown(wasi_call *c, const ox_raw *a) { return not_a_socket(c, a); }
