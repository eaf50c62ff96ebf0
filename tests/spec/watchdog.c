/*
 * watchdog.c — interrupt a command that runs too long.
 *
 * An unfinished engine may loop forever on one command. Killing the whole
 * process (the per-file alarm in main.c) would lose every later command of
 * the file, so a helper thread calls ox_store_interrupt() — the API's
 * thread-safe way in — when a call outlives its deadline. The command then
 * fails with an "interrupted" trap and the script goes on.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "spectest.h"

static void *watch(void *arg)
{
    st_watchdog *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        if (!w->armed) {
            pthread_cond_wait(&w->cv, &w->mu);
            continue;
        }
        int r = pthread_cond_timedwait(&w->cv, &w->mu, &w->deadline);
        if (r == ETIMEDOUT && w->armed && !w->stop) {
            ox_store_interrupt(w->store);
            w->armed = false;
            w->fired = true;
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

bool st_watchdog_start(st_watchdog *w, ox_store *store, unsigned seconds)
{
    w->store = store;
    w->seconds = seconds;
    w->stop = w->armed = w->fired = false;
    w->running = false;
    if (!seconds)
        return true; /* disabled */
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->th, NULL, watch, w) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        return false;
    }
    w->running = true;
    return true;
}

void st_watchdog_arm(st_watchdog *w)
{
    if (!w->running)
        return;
    pthread_mutex_lock(&w->mu);
    clock_gettime(CLOCK_REALTIME, &w->deadline); /* the condvar's clock */
    w->deadline.tv_sec += w->seconds;
    w->armed = true;
    w->fired = false;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

bool st_watchdog_disarm(st_watchdog *w)
{
    if (!w->running)
        return false;
    pthread_mutex_lock(&w->mu);
    bool fired = w->fired;
    w->armed = w->fired = false;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return fired;
}

void st_watchdog_stop(st_watchdog *w)
{
    if (!w->running)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    w->running = false;
}
