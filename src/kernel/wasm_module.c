#define _GNU_SOURCE /* pthread_timedjoin_np */
/* wasm_module.c — the glue the original lacked: a module whose behaviour
   is a Wasm guest. It serves `invoke` commands for its id from the bus
   through the executor's JSON ABI and answers with custom events. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oxide/modules.h"

typedef struct wasm_module {
    char *id;
    ox_executor *ex;
    ox_decision_log *log;   /* borrowed; NULL: failures are not recorded */
    ox_bus *bus;            /* set by init */
    ox_subscription *sub;   /* set by init */
    pthread_t thread;
    bool thread_live;
    atomic_bool stopping;
    atomic_bool in_call;
} wasm_module;

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
static void record_failure(wasm_module *w, const ox_envelope *cmd, const char *why)
{
    if (!w->log)
        return;
    const ox_message *m = ox_envelope_message(cmd);
    ox_decision d;
    ox_kerr *e = ox_decision_init(&d, w->id, "wasm_invoke_failed", why);
    if (e) {
        ox_kerr_free(e);
        return;
    }
    json_t *in = json_pack("{s:s, s:O?, s:s}", "method", m->method, "payload", m->payload,
                           "command_id", ox_envelope_id(cmd));
    json_t *out = json_pack("{s:s}", "error", why);
    ox_decision_set_inputs(&d, in);
    ox_decision_set_output(&d, out);
    json_decref(in);
    json_decref(out);
    ox_kerr_free(ox_decision_log_append(w->log, &d, NULL));
    ox_decision_clear(&d);
}

static void answer(wasm_module *w, const ox_envelope *cmd)
{
    const ox_message *m = ox_envelope_message(cmd);
    json_t *result = NULL;
    atomic_store(&w->in_call, true);
    ox_kerr *err = ox_executor_call_json(w->ex, m->method, m->payload, &result);
    atomic_store(&w->in_call, false);
    bool failed = err || is_guest_error(result);
    json_t *payload = err ? json_pack("{s:s}", "error", ox_kerr_message(err)) : result;
    if (err)
        record_failure(w, cmd, ox_kerr_message(err));
    ox_kerr_free(err);
    size_t klen = strlen(m->method) + 5;
    char *kind = malloc(klen);
    ox_envelope *env = NULL;
    if (kind && payload) {
        snprintf(kind, klen, "%s.%s", m->method, failed ? "err" : "ok");
        ox_message ev = {.type = OX_EV_CUSTOM, .module_id = w->id, .kind = kind, .payload = payload};
        ox_kerr *e = ox_envelope_new(w->id, &ev, &env);
        if (!e)
            e = ox_envelope_set_correlation_id(env, ox_envelope_id(cmd));
        if (!e)
            ox_bus_publish(w->bus, env);
        ox_kerr_free(e);
    }
    /* Out of memory above means no answer; a caller waiting on the bus
       times out, which is the documented behaviour for a lost message. */
    ox_envelope_unref(env);
    free(kind);
    json_decref(payload);
}

static void *serve(void *arg)
{
    wasm_module *w = arg;
    while (!atomic_load(&w->stopping)) {
        ox_envelope *env;
        ox_subscription_recv(w->sub, -1, &env);
        if (!env)
            continue; /* interrupted: look at the stop flag */
        const ox_message *m = ox_envelope_message(env);
        if (m->type == OX_CMD_INVOKE && !strcmp(m->module_id, w->id) &&
            !atomic_load(&w->stopping))
            answer(w, env);
        ox_envelope_unref(env);
    }
    return NULL;
}

static ox_kerr *wm_init(void *self, ox_bus *bus)
{
    wasm_module *w = self;
    if (w->sub)
        return NULL; /* idempotent */
    w->bus = bus;
    return ox_bus_subscribe(bus, &w->sub);
}

static ox_kerr *wm_start(void *self)
{
    wasm_module *w = self;
    if (!w->sub)
        return ox_kerr_new(OX_KERR_MODULE, "wasm module `%s` was not initialised (call init "
                                           "before start)", w->id);
    if (w->thread_live)
        return NULL;
    atomic_store(&w->stopping, false);
    if (pthread_create(&w->thread, NULL, serve, w) != 0)
        return ox_kerr_new(OX_KERR_MODULE, "wasm module `%s`: cannot start its thread", w->id);
    w->thread_live = true;
    return NULL;
}

static ox_kerr *wm_stop(void *self)
{
    wasm_module *w = self;
    if (!w->thread_live)
        return NULL;
    atomic_store(&w->stopping, true);
    ox_subscription_interrupt(w->sub);
    /* A guest stuck in a loop would block the join, so interrupt calls in
       progress. The engine drops an interrupt that lands between calls (it
       must not kill the next one), so keep checking until the thread ends. */
    for (;;) {
        if (atomic_load(&w->in_call))
            ox_executor_interrupt(w->ex);
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += 20 * 1000000L;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        if (pthread_timedjoin_np(w->thread, NULL, &t) == 0)
            break;
    }
    w->thread_live = false;
    return NULL;
}

static void wm_destroy(void *self)
{
    wasm_module *w = self;
    ox_kerr_free(wm_stop(w));
    ox_subscription_close(w->sub);
    ox_executor_free(w->ex);
    free(w->id);
    free(w);
}

static const ox_module_vtable wasm_vtable = {wm_init, wm_start, wm_stop, wm_destroy};

ox_kerr *ox_modules_register_wasm(ox_modules *m, const ox_module_meta *meta, ox_executor *ex)
{
    if (!meta || !meta->id || !ex)
        return ox_kerr_new(OX_KERR_MODULE, "a wasm module needs metadata with an id and an executor");
    wasm_module *w = calloc(1, sizeof *w);
    if (!w || !(w->id = strdup(meta->id))) {
        free(w);
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
    }
    w->ex = ex;
    w->log = ox_modules_decision_log(m);
    ox_module_meta wm = *meta;
    wm.kind = OX_MODULE_WASM;
    ox_kerr *err = ox_modules_register(m, &wm, &wasm_vtable, w);
    if (err) {
        free(w->id); /* the caller keeps ex */
        free(w);
    }
    return err;
}
