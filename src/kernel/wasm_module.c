#define _GNU_SOURCE /* pthread_timedjoin_np */
/* wasm_module.c — the glue the original lacked: a module whose behaviour
   is a Wasm guest. It serves `invoke` commands for its id from the bus
   through the executor's JSON ABI and answers with custom events. A module
   may have several instances (a pool), each with its own executor; as many
   threads take commands from the module's one queue, each running it on
   whichever instance is free. A publisher that asks for it
   (oxk_bus_publish_direct) has a command served on its own thread when an
   instance is free and nothing is queued: no hand-off either way. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oxide/kernel/modules.h"

enum { OXK_ENVELOPE_ID_MAX = 40, RECENT_MAX = 64 };

typedef struct wasm_module wasm_module;

/* One instance: its executor, a thread of the module's, the command it
   runs now. */
typedef struct instance {
    wasm_module *w;
    oxk_executor *ex;
    pthread_t thread;
    bool thread_live;
    atomic_bool in_call;
    bool busy;                         /* claimed for a command; guarded by w->mu */
    char running[OXK_ENVELOPE_ID_MAX]; /* guarded by w->mu */
} instance;

struct wasm_module {
    char *id;
    instance *inst;
    size_t ninst;
    oxk_decision_log *log;   /* borrowed; NULL: failures are not recorded */
    oxk_bus *bus;            /* set by init */
    oxk_subscription *sub;   /* set by init; shared by the instances */
    atomic_bool stopping;
    /* Cancellation (oxk_modules_cancel): commands cancelled before they ran
       (a small ring: a cancel older than the last RECENT_MAX ones may be
       forgotten, and its call runs). */
    pthread_mutex_t mu;
    pthread_cond_t freed; /* an instance is no longer busy */
    char cancelled[RECENT_MAX][OXK_ENVELOPE_ID_MAX];
    unsigned ncancelled;
    /* Fuel the last commands spent (metered modules), for who asks after
       the answer (oxk_modules_fuel_spent): a ring like the one above. */
    struct {
        char id[OXK_ENVELOPE_ID_MAX];
        uint64_t fuel;
    } spent[RECENT_MAX];
    unsigned nspent;
};

/* A guest failure is an object whose only member is "error": a string. */
static bool is_guest_error(const json_t *v)
{
    return json_is_object(v) && json_object_size(v) == 1 &&
           json_is_string(json_object_get(v, "error"));
}

/* A failed call is a decision the kernel took on the guest's behalf (it
   answered .err instead of a result): record what was asked and why it
   failed, so a runaway or crashing tool leaves a trace. Best effort: a
   full disk must not stop the module serving. */
static void record_failure(wasm_module *w, const oxk_envelope *cmd, const char *why)
{
    if (!w->log)
        return;
    const oxk_message *m = oxk_envelope_message(cmd);
    oxk_decision d;
    oxk_err *e = oxk_decision_init(&d, w->id, "wasm_invoke_failed", why);
    if (e) {
        oxk_err_free(e);
        return;
    }
    json_t *in = json_pack("{s:s, s:O?, s:s}", "method", m->method, "payload", m->payload,
                           "command_id", oxk_envelope_id(cmd));
    json_t *out = json_pack("{s:s}", "error", why);
    oxk_decision_set_inputs(&d, in);
    oxk_decision_set_output(&d, out);
    json_decref(in);
    json_decref(out);
    oxk_err_free(oxk_decision_log_append(w->log, &d, NULL));
    oxk_decision_clear(&d);
}

/* Claim cmd as the instance's running command, unless it was cancelled first. */
static bool begin(instance *in, const oxk_envelope *cmd)
{
    wasm_module *w = in->w;
    const char *id = oxk_envelope_id(cmd);
    bool go = true;
    pthread_mutex_lock(&w->mu);
    for (unsigned i = 0; i < RECENT_MAX; i++)
        if (!strcmp(w->cancelled[i], id)) {
            w->cancelled[i][0] = 0;
            go = false;
        }
    if (go)
        snprintf(in->running, sizeof in->running, "%s", id);
    pthread_mutex_unlock(&w->mu);
    return go;
}

static bool wm_cancel(void *self, const char *command_id)
{
    wasm_module *w = self;
    pthread_mutex_lock(&w->mu);
    instance *in = NULL;
    for (size_t i = 0; i < w->ninst && !in; i++)
        if (!strcmp(w->inst[i].running, command_id))
            in = &w->inst[i];
    if (in) {
        /* Under the lock, so the interrupt cannot land on the next call
           (the engine also drops one that arrives between calls). */
        oxk_executor_interrupt(in->ex);
    } else {
        snprintf(w->cancelled[w->ncancelled % RECENT_MAX], OXK_ENVELOPE_ID_MAX, "%s", command_id);
        w->ncancelled++;
    }
    pthread_mutex_unlock(&w->mu);
    return true;
}

static bool wm_fuel_spent(void *self, const char *command_id, uint64_t *out)
{
    wasm_module *w = self;
    bool found = false;
    pthread_mutex_lock(&w->mu);
    for (unsigned i = 0; i < RECENT_MAX && !found; i++)
        if (!strcmp(w->spent[i].id, command_id)) {
            *out = w->spent[i].fuel;
            found = true;
        }
    pthread_mutex_unlock(&w->mu);
    return found;
}

static void answer(instance *in, const oxk_envelope *cmd)
{
    wasm_module *w = in->w;
    const oxk_message *m = oxk_envelope_message(cmd);
    json_t *result = NULL;
    oxk_err *err;
    if (begin(in, cmd)) {
        atomic_store(&in->in_call, true);
        err = oxk_executor_call_json(in->ex, m->method, m->payload, &result);
        atomic_store(&in->in_call, false);
        uint64_t fuel = oxk_executor_fuel_spent(in->ex);
        pthread_mutex_lock(&w->mu);
        in->running[0] = 0;
        unsigned k = w->nspent++ % RECENT_MAX; /* before the answer is published */
        snprintf(w->spent[k].id, sizeof w->spent[k].id, "%s", oxk_envelope_id(cmd));
        w->spent[k].fuel = fuel;
        pthread_mutex_unlock(&w->mu);
    } else {
        err = oxk_err_new(OXK_ERR_OTHER, "cancelled");
    }
    bool failed = err || is_guest_error(result);
    json_t *payload = err ? json_pack("{s:s}", "error", oxk_err_message(err)) : result;
    if (err)
        record_failure(w, cmd, oxk_err_message(err));
    oxk_err_free(err);
    size_t klen = strlen(m->method) + 5;
    char *kind = malloc(klen);
    oxk_envelope *env = NULL;
    if (kind && payload) {
        snprintf(kind, klen, "%s.%s", m->method, failed ? "err" : "ok");
        oxk_message ev = {.type = OXK_EV_CUSTOM, .module_id = w->id, .kind = kind, .payload = payload};
        oxk_err *e = oxk_envelope_new(w->id, &ev, &env);
        if (!e)
            e = oxk_envelope_set_correlation_id(env, oxk_envelope_id(cmd));
        if (!e)
            oxk_bus_publish(w->bus, env);
        oxk_err_free(e);
    }
    /* Out of memory above means no answer; a caller waiting on the bus
       times out, which is the documented behaviour for a lost message. */
    oxk_envelope_unref(env);
    free(kind);
    json_decref(payload);
}

/* A free instance, marked busy (under w->mu); NULL when all are busy. */
static instance *free_instance(wasm_module *w)
{
    for (size_t i = 0; i < w->ninst; i++)
        if (!w->inst[i].busy) {
            w->inst[i].busy = true;
            return &w->inst[i];
        }
    return NULL;
}

static void release(instance *in)
{
    wasm_module *w = in->w;
    pthread_mutex_lock(&w->mu);
    in->busy = false;
    pthread_cond_broadcast(&w->freed);
    pthread_mutex_unlock(&w->mu);
}

static void *serve(void *arg)
{
    wasm_module *w = arg;
    while (!atomic_load(&w->stopping)) {
        oxk_envelope *env;
        oxk_subscription_recv(w->sub, -1, &env);
        if (!env)
            continue; /* interrupted: look at the stop flag */
        instance *in = NULL;
        pthread_mutex_lock(&w->mu);
        while (!atomic_load(&w->stopping) && !(in = free_instance(w)))
            pthread_cond_wait(&w->freed, &w->mu);
        pthread_mutex_unlock(&w->mu);
        oxk_subscription_claimed(w->sub);
        if (in) {
            answer(in, env); /* the filter let only our invokes through */
            release(in);
        }
        oxk_envelope_unref(env);
    }
    return NULL;
}

/* The direct path: a free instance for a publisher to run env on. */
static void *direct_take(void *user, const oxk_envelope *env)
{
    (void)env;
    wasm_module *w = user;
    pthread_mutex_lock(&w->mu);
    instance *in = atomic_load(&w->stopping) ? NULL : free_instance(w);
    pthread_mutex_unlock(&w->mu);
    return in;
}

static void direct_serve(void *user, void *token, oxk_envelope *env)
{
    (void)user;
    answer(token, env);
    release(token);
}

/* Only invoke commands for this module reach its queue: other traffic
   cannot fill it while a long call runs. */
static bool for_me(const oxk_envelope *env, void *user)
{
    const wasm_module *w = user;
    const oxk_message *m = oxk_envelope_message(env);
    return m->type == OXK_CMD_INVOKE && !strcmp(m->module_id, w->id);
}

static oxk_err *wm_init(void *self, oxk_bus *bus)
{
    wasm_module *w = self;
    if (w->sub)
        return NULL; /* idempotent */
    w->bus = bus;
    static const oxk_bus_direct direct = {direct_take, direct_serve};
    return oxk_bus_subscribe_direct(bus, for_me, &direct, w, &w->sub);
}

static oxk_err *wm_stop(void *self);

static oxk_err *wm_start(void *self)
{
    wasm_module *w = self;
    if (!w->sub)
        return oxk_err_new(OXK_ERR_MODULE, "wasm module `%s` was not initialised (call init "
                                           "before start)", w->id);
    atomic_store(&w->stopping, false);
    for (size_t i = 0; i < w->ninst; i++) {
        instance *in = &w->inst[i];
        if (in->thread_live)
            continue;
        if (pthread_create(&in->thread, NULL, serve, w) != 0) {
            oxk_err_free(wm_stop(w));
            return oxk_err_new(OXK_ERR_MODULE, "wasm module `%s`: cannot start its thread", w->id);
        }
        in->thread_live = true;
    }
    return NULL;
}

static void interrupt_all(wasm_module *w)
{
    for (size_t i = 0; i < w->ninst; i++)
        if (atomic_load(&w->inst[i].in_call))
            oxk_executor_interrupt(w->inst[i].ex);
}

static struct timespec in_20ms(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    t.tv_nsec += 20 * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static oxk_err *wm_stop(void *self)
{
    wasm_module *w = self;
    atomic_store(&w->stopping, true);
    for (size_t i = 0; i < w->ninst; i++) {
        instance *in = &w->inst[i];
        if (!in->thread_live)
            continue;
        /* A guest stuck in a loop would block the join, so interrupt calls
           in progress. The engine drops an interrupt that lands between
           calls (it must not kill the next one), and one wake-up of the
           shared queue reaches one thread: keep at both until it ends. */
        for (;;) {
            oxk_subscription_interrupt(w->sub);
            interrupt_all(w);
            struct timespec t = in_20ms(CLOCK_REALTIME);
            if (pthread_timedjoin_np(in->thread, NULL, &t) == 0)
                break;
        }
        in->thread_live = false;
    }
    /* Commands served on publishers' threads end too before stop returns
       (a publisher may be running one on an instance now). */
    pthread_mutex_lock(&w->mu);
    for (;;) {
        bool busy = false;
        for (size_t i = 0; i < w->ninst; i++)
            busy |= w->inst[i].busy;
        if (!busy)
            break;
        pthread_mutex_unlock(&w->mu);
        interrupt_all(w);
        pthread_mutex_lock(&w->mu);
        struct timespec t = in_20ms(CLOCK_MONOTONIC);
        pthread_cond_timedwait(&w->freed, &w->mu, &t);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void wm_destroy(void *self)
{
    wasm_module *w = self;
    oxk_err_free(wm_stop(w));
    oxk_subscription_close(w->sub);
    for (size_t i = 0; i < w->ninst; i++)
        oxk_executor_free(w->inst[i].ex);
    free(w->inst);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->freed);
    free(w->id);
    free(w);
}

static const oxk_module_vtable wasm_vtable = {wm_init, wm_start, wm_stop, wm_destroy, wm_cancel,
                                              wm_fuel_spent};

oxk_err *oxk_modules_register_wasm_pool(oxk_modules *m, const oxk_module_meta *meta, oxk_executor **ex,
                                      size_t n)
{
    if (!meta || !meta->id || !ex || !n)
        return oxk_err_new(OXK_ERR_MODULE, "a wasm module needs metadata with an id and an executor");
    for (size_t i = 0; i < n; i++)
        if (!ex[i])
            return oxk_err_new(OXK_ERR_MODULE, "a wasm module needs metadata with an id and an executor");
    wasm_module *w = calloc(1, sizeof *w);
    if (!w || !(w->id = strdup(meta->id)) || !(w->inst = calloc(n, sizeof *w->inst))) {
        if (w)
            free(w->id);
        free(w);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    w->ninst = n;
    for (size_t i = 0; i < n; i++)
        w->inst[i] = (instance){.w = w, .ex = ex[i]};
    w->log = oxk_modules_decision_log(m);
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->freed, &ca);
    pthread_condattr_destroy(&ca);
    oxk_module_meta wm = *meta;
    wm.kind = OXK_MODULE_WASM;
    oxk_err *err = oxk_modules_register(m, &wm, &wasm_vtable, w);
    if (err) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->freed);
        free(w->inst); /* the caller keeps the executors */
        free(w->id);
        free(w);
    }
    return err;
}

oxk_err *oxk_modules_register_wasm(oxk_modules *m, const oxk_module_meta *meta, oxk_executor *ex)
{
    return oxk_modules_register_wasm_pool(m, meta, &ex, 1);
}
