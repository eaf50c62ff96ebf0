/*
 * watchdog.c — deadlines without clocks in running code.
 *
 * A call with a deadline (ox_store_set_timeout) must stop soon after it,
 * wherever it is. Reading the clock at check points costs tens of
 * nanoseconds, and a check point that must look at anything at all is
 * already the slow one: with a deadline set, every loop back-edge of
 * compiled code called into the runtime (matmul 0.32 -> 1.88 s), and no
 * loop could run without polls (jit_loop.c). So the clock is read by
 * someone else: one thread per engine, started with the first deadline,
 * sleeps until the earliest deadline of the calls under way and marks
 * the stores whose deadline has passed (OX_POLL_EXPIRED in their
 * interrupt word). Until then their check points see nothing to do.
 *
 * A store is armed by its outermost call's start and disarmed by its end
 * (store.c): one lock each, and a wake-up of the thread only when the new
 * deadline is earlier than the one it sleeps for. If the thread cannot be
 * started, arming fails and the store reads the clock at its check
 * points as before (OX_POLL_CLOCK).
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

struct ox_watchdog {
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* on CLOCK_MONOTONIC */
    pthread_t thread;
    pid_t pid;              /* the process that started it: a fork's child has no thread */
    bool started, stop;
    ox_store **armed;       /* stores whose running call has a deadline */
    size_t n, cap;
    uint64_t sleeping_for;  /* the deadline the thread waits for; 0: none */
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

ox_watchdog *ox_watchdog_new(void)
{
    ox_watchdog *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    return w;
}

static void *watch(void *arg)
{
    ox_watchdog *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        uint64_t now = now_ns(), next = 0;
        for (size_t k = 0; k < w->n;) {
            ox_store *s = w->armed[k];
            if (s->deadline_ns <= now) { /* expired: mark it, forget it */
                atomic_fetch_or_explicit(&s->interrupt, OX_POLL_EXPIRED, memory_order_relaxed);
                w->armed[k] = w->armed[--w->n];
                continue;
            }
            if (!next || s->deadline_ns < next)
                next = s->deadline_ns;
            k++;
        }
        w->sleeping_for = next;
        if (!next) {
            pthread_cond_wait(&w->cv, &w->mu);
        } else {
            struct timespec ts = {(time_t)(next / 1000000000u), (long)(next % 1000000000u)};
            pthread_cond_timedwait(&w->cv, &w->mu, &ts);
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

bool ox_watchdog_arm(ox_watchdog *w, ox_store *s)
{
    if (!w)
        return false;
    pthread_mutex_lock(&w->mu);
    bool ok = true;
    if (w->started && w->pid != getpid()) { /* forked: the thread stayed with the parent */
        w->started = false;
        w->n = 0;
        w->sleeping_for = 0;
    }
    if (!w->started) {
        ok = pthread_create(&w->thread, NULL, watch, w) == 0;
        w->started = ok;
        w->pid = getpid();
    }
    if (ok && w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        ox_store **a = realloc(w->armed, cap * sizeof *a);
        ok = a != NULL;
        if (a) {
            w->armed = a;
            w->cap = cap;
        }
    }
    if (ok) {
        w->armed[w->n++] = s;
        if (!w->sleeping_for || s->deadline_ns < w->sleeping_for)
            pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return ok;
}

void ox_watchdog_disarm(ox_watchdog *w, ox_store *s)
{
    pthread_mutex_lock(&w->mu);
    for (size_t k = 0; k < w->n; k++) {
        if (w->armed[k] == s) {
            w->armed[k] = w->armed[--w->n];
            break;
        }
    }
    pthread_mutex_unlock(&w->mu);
}

void ox_watchdog_free(ox_watchdog *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (w->started && w->pid == getpid())
        pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w->armed);
    free(w);
}
