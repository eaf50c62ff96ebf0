/* clocks.c — clocks move forward, random_get fills buffers, poll_oneoff
   sleeps about the requested time and reports ready descriptors. Only
   properties are printed (never times), so the output is the same on
   every run; exits 1 if a check failed. Builds natively too. */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
#else
#include <sys/random.h>
#endif

static int failures;

static void check(const char *what, int ok)
{
    printf("%-52s %s\n", what, ok ? "ok" : "FAIL");
    failures += !ok;
}

static int64_t ns(clockid_t c)
{
    struct timespec ts;
    if (clock_gettime(c, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int fill(void *buf, size_t len)
{
#ifdef __wasi__
    return __wasi_random_get(buf, len) == 0 ? 0 : -1;
#else
    return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
#endif
}

int main(void)
{
    /* realtime: after 2024-01-01 */
    check("realtime is after 2024-01-01", ns(CLOCK_REALTIME) > INT64_C(1704067200) * 1000000000);
    /* monotonic: never goes back, and moves */
    int64_t prev = ns(CLOCK_MONOTONIC), first = prev;
    int back = 0;
    for (int i = 0; i < 10000; i++) {
        int64_t t = ns(CLOCK_MONOTONIC);
        back += t < prev;
        prev = t;
    }
    check("monotonic never goes backwards", back == 0 && first > 0);
    /* CPU time grows with work */
    int64_t c0 = ns(CLOCK_PROCESS_CPUTIME_ID), t0 = ns(CLOCK_THREAD_CPUTIME_ID);
    volatile uint64_t x = 1;
    for (int i = 0; i < 20000000; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    int64_t c1 = ns(CLOCK_PROCESS_CPUTIME_ID), t1 = ns(CLOCK_THREAD_CPUTIME_ID);
    check("process CPU time grows with work", c0 >= 0 && c1 > c0);
    check("thread CPU time grows with work", t0 >= 0 && t1 > t0);
    struct timespec res;
    check("monotonic resolution is between 1ns and 1ms",
          clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec >= 1 &&
              res.tv_nsec <= 1000000);

    /* randomness */
    unsigned char a[256], b[256], z[256] = {0};
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    check("random fills 256 bytes twice", fill(a, sizeof a) == 0 && fill(b, sizeof b) == 0);
    check("random bytes are not all zero", memcmp(a, z, sizeof a) != 0);
    check("two random buffers differ", memcmp(a, b, sizeof a) != 0);
    static unsigned char big[1 << 20];
    check("random fills 1 MiB", fill(big, sizeof big) == 0 && memcmp(big + (1 << 20) - 256, z, 256));

    /* sleeping: poll_oneoff with a relative clock */
    int64_t s0 = ns(CLOCK_MONOTONIC);
    struct timespec req = {0, 150 * 1000000};
    check("nanosleep 150ms returns 0", nanosleep(&req, NULL) == 0);
    int64_t slept = ns(CLOCK_MONOTONIC) - s0;
    check("slept at least 150ms", slept >= 150 * 1000000);
    check("slept less than 5s", slept < INT64_C(5000000000));
    s0 = ns(CLOCK_MONOTONIC);
    check("poll() with no fds sleeps 100ms", poll(NULL, 0, 100) == 0);
    slept = ns(CLOCK_MONOTONIC) - s0;
    check("poll slept 100ms..5s", slept >= 100 * 1000000 && slept < INT64_C(5000000000));

    /* fd readiness: stdout is writable at once, despite a long timeout */
    struct pollfd p = {.fd = 1, .events = POLLOUT};
    s0 = ns(CLOCK_MONOTONIC);
    int r = poll(&p, 1, 10000);
    check("stdout is ready for writing", r == 1 && (p.revents & POLLOUT));
    check("readiness returned without waiting", ns(CLOCK_MONOTONIC) - s0 < INT64_C(1000000000));
#ifdef __wasi__
    /* two clocks: the earlier one fires; an absolute deadline works */
    __wasi_subscription_t subs[2];
    memset(subs, 0, sizeof subs);
    subs[0].userdata = 111;
    subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[0].u.u.clock.timeout = 5000000000u;
    subs[1].userdata = 222;
    subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[1].u.u.clock.timeout = (uint64_t)ns(CLOCK_MONOTONIC) + 50000000u;
    subs[1].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    __wasi_event_t ev[2];
    __wasi_size_t nev = 0;
    s0 = ns(CLOCK_MONOTONIC);
    __wasi_errno_t err = __wasi_poll_oneoff(subs, ev, 2, &nev);
    slept = ns(CLOCK_MONOTONIC) - s0;
    check("poll_oneoff: the earlier (absolute) clock fires",
          err == 0 && nev == 1 && ev[0].userdata == 222 && ev[0].error == 0 &&
              ev[0].type == __WASI_EVENTTYPE_CLOCK);
    check("poll_oneoff: waited 50ms..5s", slept >= 45000000 && slept < INT64_C(5000000000));
    subs[0].u.u.clock.id = 77;
    err = __wasi_poll_oneoff(subs, ev, 1, &nev);
    check("poll_oneoff: unknown clock is an EINVAL event",
          err == 0 && nev == 1 && ev[0].error == __WASI_ERRNO_INVAL);
    subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[0].u.u.fd_read.file_descriptor = 99;
    err = __wasi_poll_oneoff(subs, ev, 1, &nev);
    check("poll_oneoff: bad fd is an EBADF event",
          err == 0 && nev == 1 && ev[0].error == __WASI_ERRNO_BADF);
    check("poll_oneoff: no subscriptions is EINVAL", __wasi_poll_oneoff(subs, ev, 0, &nev) == __WASI_ERRNO_INVAL);
#endif
    check("sched_yield", sched_yield() == 0);
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
}
