/* server.c — the MCP server object: its tool table, and the router that
   hands each module's answer on the bus to the call waiting for it. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

#define MCP_SOURCE "mcp"

void oxm_log(oxm_server *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    flockfile(s->log);
    fputs("oxide mcp: ", s->log);
    vfprintf(s->log, fmt, ap);
    fputc('\n', s->log);
    fflush(s->log);
    funlockfile(s->log);
    va_end(ap);
}

/* ---- JSON-RPC messages ---------------------------------------------------- */

bool oxm_send(oxm_channel *ch, json_t *v)
{
    if (!v)
        return false;
    enum oxm_kind kind = !json_object_get(v, "method") ? OXM_RESPONSE
                         : json_object_get(v, "id")    ? OXM_REQUEST
                                                       : OXM_NOTIFICATION;
    char *text = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    if (!text)
        return false;
    bool ok = ch->send(ch, text, strlen(text), kind);
    free(text);
    return ok;
}

json_t *oxm_error_msg(const json_t *id, int code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", id ? id : json_null(), "error",
                     "code", code, "message", msg);
}

json_t *oxm_result_msg(const json_t *id, json_t *result)
{
    return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id, "result", result);
}

/* ---- The bus router ------------------------------------------------------------ */

/* Only answers to commands (custom events with a correlation id) reach the
   router's queue; calls in flight are bounded below the queue's size. */
static bool is_answer(const oxk_envelope *env, void *user)
{
    (void)user;
    return oxk_envelope_message(env)->type == OXK_EV_CUSTOM && oxk_envelope_correlation_id(env);
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

static void *route(void *arg)
{
    oxm_server *s = arg;
    while (!atomic_load(&s->stopping)) {
        oxk_envelope *env;
        oxk_subscription_recv(s->sub, -1, &env);
        if (!env)
            continue;
        const char *cid = oxk_envelope_correlation_id(env);
        const oxk_message *m = oxk_envelope_message(env);
        pthread_mutex_lock(&s->mu);
        for (oxm_pending *p = s->pending; p; p = p->next)
            if (!strcmp(p->command_id, cid) && !p->answer) {
                p->answer = json_incref(m->payload ? m->payload : json_null());
                p->ok = ends_with(m->kind, ".ok");
                pthread_cond_signal(&p->cv);
                break;
            }
        pthread_mutex_unlock(&s->mu);
        oxk_envelope_unref(env);
    }
    return NULL;
}

static void unlink_pending(oxm_server *s, oxm_pending *p)
{
    for (oxm_pending **pp = &s->pending; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
}

static void deadline_in(struct timespec *t, unsigned long ms)
{
    clock_gettime(CLOCK_MONOTONIC, t);
    t->tv_sec += (time_t)(ms / 1000);
    t->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

static long ms_until(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000L;
}

int oxm_server_invoke(oxm_server *s, const char *module, const char *method, json_t *payload,
                      unsigned long deadline_ms, atomic_bool *cancel, void (*tick)(void *user),
                      void *tick_user, json_t **out)
{
    *out = NULL;
    oxk_message cmd = {.type = OXK_CMD_INVOKE, .module_id = module, .method = method, .payload = payload};
    oxk_envelope *env;
    oxk_err *err = oxk_envelope_new(MCP_SOURCE, &cmd, &env);
    if (err) {
        *out = json_pack("{s:s}", "error", oxk_err_message(err));
        oxk_err_free(err);
        return 0;
    }
    oxm_pending p = {.next = NULL};
    snprintf(p.command_id, sizeof p.command_id, "%s", oxk_envelope_id(env));
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p.cv, &ca);
    pthread_condattr_destroy(&ca);
    /* Waiting before publishing: the answer may come at once. */
    pthread_mutex_lock(&s->mu);
    p.next = s->pending;
    s->pending = &p;
    pthread_mutex_unlock(&s->mu);
    oxk_bus_publish(oxk_kernel_bus(s->kernel), env);
    oxk_envelope_unref(env);

    struct timespec end;
    deadline_in(&end, deadline_ms);
    bool told = false;
    pthread_mutex_lock(&s->mu);
    while (!p.answer) {
        if (cancel && atomic_load(cancel) && !told) {
            /* the module answers "interrupted" or "cancelled" */
            pthread_mutex_unlock(&s->mu);
            oxk_modules_cancel(oxk_kernel_modules(s->kernel), module, p.command_id);
            pthread_mutex_lock(&s->mu);
            told = true;
            deadline_in(&end, 5000); /* the answer to the cancel, or give up */
            deadline_ms = 5000;
            continue;
        }
        if (deadline_ms && ms_until(&end) <= 0)
            break;
        struct timespec wake;
        deadline_in(&wake, 200); /* look at cancel and tick five times a second */
        pthread_cond_timedwait(&p.cv, &s->mu, &wake);
        if (tick && !p.answer) {
            pthread_mutex_unlock(&s->mu);
            tick(tick_user);
            pthread_mutex_lock(&s->mu);
        }
    }
    unlink_pending(s, &p);
    pthread_mutex_unlock(&s->mu);
    pthread_cond_destroy(&p.cv);
    if (!p.answer) {
        if (!told)
            oxk_modules_cancel(oxk_kernel_modules(s->kernel), module, p.command_id);
        return -1;
    }
    *out = p.answer;
    return told ? -1 : p.ok;
}

/* ---- The server ------------------------------------------------------------- */

const oxm_tool *oxm_server_tool(const oxm_server *s, const char *name)
{
    size_t lo = 0, hi = s->ntools;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, s->tools[mid].name);
        if (!c)
            return &s->tools[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

size_t oxm_server_tool_count(const oxm_server *s) { return s->ntools; }

oxk_err *oxm_server_new(oxk_kernel *k, const oxm_options *opts, oxm_server **out)
{
    *out = NULL;
    if (!k || !opts || !opts->modules_dir)
        return oxk_err_new(OXK_ERR_OTHER, "oxide mcp needs a kernel and a modules directory");
    oxm_server *s = calloc(1, sizeof *s);
    if (!s)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    s->kernel = k;
    s->opts = *opts;
    if (!s->opts.max_message)
        s->opts.max_message = OXM_DEFAULT_MAX_MESSAGE;
    /* The router's and each module's queue hold OXK_BUS_QUEUE_CAP
       envelopes: calls in flight stay below that, so no answer is dropped. */
    if (!s->opts.max_calls || s->opts.max_calls > OXK_BUS_QUEUE_CAP / 2)
        s->opts.max_calls = OXK_BUS_QUEUE_CAP / 2;
    if (!s->opts.page_size)
        s->opts.page_size = 100;
    s->log = opts->log ? opts->log : stderr;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->calls_mu, NULL);
    pthread_cond_init(&s->calls_cv, NULL);
    oxk_err *err = oxk_bus_subscribe_filtered(oxk_kernel_bus(k), is_answer, NULL, &s->sub);
    if (!err)
        err = oxm_tools_load(k, opts->modules_dir, s->log, &s->tools, &s->ntools);
    if (!err && pthread_create(&s->router, NULL, route, s) != 0)
        err = oxk_err_new(OXK_ERR_OTHER, "cannot start the bus router thread");
    if (err) {
        oxk_subscription_close(s->sub);
        oxm_tools_free(s->tools, s->ntools);
        pthread_mutex_destroy(&s->mu);
        pthread_mutex_destroy(&s->calls_mu);
        pthread_cond_destroy(&s->calls_cv);
        free(s);
        return err;
    }
    *out = s;
    return NULL;
}

void oxm_server_free(oxm_server *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, true);
    oxk_subscription_interrupt(s->sub);
    pthread_join(s->router, NULL);
    oxk_subscription_close(s->sub);
    oxm_tools_free(s->tools, s->ntools);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->calls_mu);
    pthread_cond_destroy(&s->calls_cv);
    free(s);
}
