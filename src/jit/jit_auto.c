/*
 * jit_auto.c — the auto tier: which modules to compile, compiled by a
 * background thread while the interpreter runs them.
 *
 * What is hot is sampled, not counted, so the interpreter's hot paths pay
 * nothing: while a store of the engine is inside a call, the engine's
 * thread sets OX_POLL_SAMPLE in its interrupt word every millisecond; the
 * interpreter's next check point (a function entry or a loop back-edge)
 * takes the slow path, which reports the function running
 * (OX_TIER_EV_SAMPLE). A module found running in HOT_SAMPLES samples is
 * queued, and the same thread compiles the functions the samples found
 * running (or calling) with what they call; if interpreted code of the
 * module is then found running in HOT_SAMPLES samples again, the module
 * whole (the compiler library; the code cache is filled too), publishing
 * the code each time. The stores take it
 * in their own threads: each running store gets OX_POLL_TIERUP in its
 * interrupt word (and one starting a call later sees a new publication),
 * and at its next check point its instances' functions take the code
 * (ox_instance_take_jit): from their next call on they run compiled. The
 * interpreter's call path has no test of its own for it. A loop already
 * running in the interpreter moves over at a back-edge (on-stack
 * replacement, interp.c `osr:`) if its function has an OSR entry: the
 * compilation makes one for each function a sample found running or
 * calling (ox_module.osr_hint).
 *
 * A module is queued at most twice per engine (ox_module.tier_state,
 * jit_hot_tried).
 * The thread holds a reference to each module it has queued, so the
 * embedder may free a module at any time; ox_engine_free stops the thread
 * after the compilation under way, if any.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "jit.h"

/* 3 ms of a module running interpreted: long enough that runs which end
   sooner never start the compiler, short enough that a long run spends
   little of itself interpreted. */
#define HOT_SAMPLES 3u
#define SAMPLE_NS 1000000L

struct ox_tierer {
    ox_engine *e;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool started, stop;
    ox_ptrvec active;         /* stores inside an outermost call */
    ox_ptrvec queue;          /* modules to compile, a reference each */
    uint64_t gen;             /* publications so far */
};

/* Every running store takes the code at its next check point (under t->mu). */
static void publish(struct ox_tierer *t)
{
    t->gen++;
    for (size_t k = 0; k < t->active.n; k++) {
        ox_store *s = t->active.v[k];
        atomic_fetch_or_explicit(&s->interrupt, OX_POLL_TIERUP, memory_order_relaxed);
    }
}

static void *run(void *p)
{
    struct ox_tierer *t = p;
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        if (t->queue.n) {
            ox_module *m = t->queue.v[0];
            for (size_t k = 1; k < t->queue.n; k++)
                t->queue.v[k - 1] = t->queue.v[k];
            t->queue.n--;
            pthread_mutex_unlock(&t->mu);
            if (!m->jit_hot_tried) {
                /* first the functions found running: they switch sooner
                   (a few functions compile in a fraction of the module's
                   time) */
                m->jit_hot_tried = true;
                bool whole = false;
                ox_error *herr = ox_jit_compile_hot(m, &whole);
                bool hot = !herr && atomic_load(&m->jit_hot);
                ox_error_free(herr); /* the whole module's compilation says, failing too */
                if (hot) {
                    /* whole: they were nearly all of it, so all of it was
                       compiled. Else the rest when interpreted code of the
                       module is found running again (a sample takes the
                       interpreter's check points only): a run whose hot
                       loops now run compiled is not slowed by compiling
                       what it does not use */
                    atomic_store(&m->samples, 0);
                    atomic_store(&m->tier_state, whole ? 2 : 0);
                    ox_module_free(m);
                    pthread_mutex_lock(&t->mu);
                    publish(t);
                    continue;
                }
            }
            /* failed: it stays interpreted (or runs its first code), the
               error kept for ox_module_jit_error */
            ox_error *err = ox_jit_compile_background(m);
            bool compiled = !err && atomic_load(&m->jit);
            ox_module_free(m);
            pthread_mutex_lock(&t->mu);
            if (compiled)
                publish(t);
            continue;
        }
        if (!t->active.n) {
            pthread_cond_wait(&t->cv, &t->mu);
            continue;
        }
        for (size_t k = 0; k < t->active.n; k++)
            atomic_fetch_or_explicit(&((ox_store *)t->active.v[k])->interrupt, OX_POLL_SAMPLE,
                                     memory_order_relaxed);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += SAMPLE_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&t->cv, &t->mu, &until);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

/* fn was seen in the interpreter (running, or calling): if its module is
   compiled later, fn gets an OSR entry. */
static void want_osr(const ox_func *fn)
{
    ox_module *m = fn->inst->module;
    if (m->osr_hint && fn->code)
        atomic_store_explicit(&m->osr_hint[fn->funcidx - m->nimport_funcs], 1, memory_order_relaxed);
}

static void event(ox_store *s, ox_func *fn, int ev)
{
    struct ox_tierer *t = s->engine->tierer;
    if (ev == OX_TIER_EV_TIERUP) { /* the store's own thread */
        for (size_t k = 0; k < s->instances.n; k++)
            ox_instance_take_jit(s->instances.v[k]);
        return;
    }
    if (ev == OX_TIER_EV_CALLER) {
        want_osr(fn);
        return;
    }
    if (ev == OX_TIER_EV_SAMPLE) {
        ox_module *m = fn->inst->module;
        want_osr(fn);
        if (atomic_load_explicit(&m->tier_state, memory_order_relaxed) != 0 ||
            atomic_fetch_add_explicit(&m->samples, 1, memory_order_relaxed) + 1 < HOT_SAMPLES)
            return;
        int idle = 0;
        if (!atomic_compare_exchange_strong(&m->tier_state, &idle, 1))
            return;
        pthread_mutex_lock(&t->mu);
        atomic_fetch_add(&m->refcount, 1);
        if (ox_ptrvec_push(&t->queue, m)) {
            atomic_fetch_sub(&m->refcount, 1); /* no room: it stays interpreted */
        } else {
            pthread_cond_signal(&t->cv);
        }
        pthread_mutex_unlock(&t->mu);
        return;
    }
    pthread_mutex_lock(&t->mu);
    if (ev == OX_TIER_EV_START) {
        if (!t->started)
            t->started = pthread_create(&t->thread, NULL, run, t) == 0;
        if (t->started && !ox_ptrvec_push(&t->active, s))
            pthread_cond_signal(&t->cv);
        if (s->tier_gen != t->gen) { /* code published while it was not running */
            s->tier_gen = t->gen;
            atomic_fetch_or_explicit(&s->interrupt, OX_POLL_TIERUP, memory_order_relaxed);
        }
    } else {
        for (size_t k = 0; k < t->active.n; k++)
            if (t->active.v[k] == s) {
                t->active.v[k] = t->active.v[--t->active.n];
                break;
            }
        s->tier_gen = t->gen; /* what it has been told of */
    }
    pthread_mutex_unlock(&t->mu);
}

bool ox_tierer_start(ox_engine *e)
{
    struct ox_tierer *t = calloc(1, sizeof *t);
    if (!t)
        return false;
    t->e = e;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    e->tierer = t;
    e->tier_event = event;
    return true;
}

void ox_tierer_stop(ox_engine *e)
{
    struct ox_tierer *t = e->tierer;
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    if (t->started)
        pthread_join(t->thread, NULL);
    for (size_t k = 0; k < t->queue.n; k++)
        ox_module_free(t->queue.v[k]);
    free(t->queue.v);
    free(t->active.v);
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    free(t);
    e->tierer = NULL;
    e->tier_event = NULL;
}
