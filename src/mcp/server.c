/* server.c — the MCP server object: its tool table, JSON-RPC message
   helpers, and invoking a module over the kernel bus. */
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

/* ---- Invoking a module over the bus ------------------------------------------
   Each call subscribes to the bus for its own answer only (the module's
   custom event correlated with the command), so the module's publish wakes
   the waiting call directly. */

static bool answer_to(const oxk_envelope *env, void *user)
{
    const char *cid = oxk_envelope_correlation_id(env);
    return cid && oxk_envelope_message(env)->type == OXK_EV_CUSTOM && !strcmp(cid, (const char *)user);
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

long oxm_ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000L;
}

void oxm_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        *out++ = digits[bytes[i] >> 4];
        *out++ = digits[bytes[i] & 15];
    }
    *out = 0;
}

bool oxm_random_id(char out[33])
{
    unsigned char r[16];
    FILE *f = fopen("/dev/urandom", "rb");
    bool ok = f && fread(r, 1, sizeof r, f) == sizeof r;
    if (f)
        fclose(f);
    if (ok)
        oxm_hex(r, sizeof r, out);
    return ok;
}

int oxm_cmp_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void oxm_cancel_init(oxm_cancel *c)
{
    memset(c, 0, sizeof *c);
    atomic_init(&c->flag, false);
    pthread_mutex_init(&c->mu, NULL);
}

void oxm_cancel_fini(oxm_cancel *c) { pthread_mutex_destroy(&c->mu); }

/* Tell the module, once, to drop or interrupt the invoke out (under c->mu). */
static void tell(oxm_cancel *c)
{
    if (c->command[0] && !c->told) {
        oxk_modules_cancel(c->mods, c->module, c->command);
        c->told = true;
    }
}

void oxm_cancel_fire(oxm_cancel *c)
{
    atomic_store(&c->flag, true);
    pthread_mutex_lock(&c->mu);
    tell(c);
    pthread_mutex_unlock(&c->mu);
}

/* The invoke the cancellation concerns (command NULL: none now). */
static void out_for(oxm_cancel *c, oxk_modules *mods, const char *module, const char *command)
{
    pthread_mutex_lock(&c->mu);
    c->mods = mods;
    c->module = module;
    snprintf(c->command, sizeof c->command, "%s", command ? command : "");
    c->told = false;
    pthread_mutex_unlock(&c->mu);
}

int oxm_server_invoke(oxm_server *s, const char *module, const char *method, json_t *payload,
                      unsigned long deadline_ms, oxm_cancel *cancel, bool direct, void (*tick)(void *user),
                      void *tick_user, json_t **out, long long *fuel)
{
    *out = NULL;
    *fuel = -1;
    if (oxm_cancelled(cancel)) /* cancelled while it waited its turn */
        return -1;
    oxk_modules *mods = oxk_kernel_modules(s->kernel);
    oxk_bus *bus = oxk_kernel_bus(s->kernel);
    oxk_message cmd = {.type = OXK_CMD_INVOKE, .module_id = module, .method = method, .payload = payload};
    oxk_envelope *env = NULL;
    oxk_subscription *sub = NULL;
    char command_id[40];
    oxk_err *err = oxk_envelope_new(MCP_SOURCE, &cmd, &env);
    if (!err) {
        snprintf(command_id, sizeof command_id, "%s", oxk_envelope_id(env));
        /* subscribed before publishing: the answer may come at once */
        err = oxk_bus_subscribe_filtered(bus, answer_to, command_id, &sub);
    }
    if (err) {
        *out = json_pack("{s:s}", "error", oxk_err_message(err));
        oxk_err_free(err);
        oxk_envelope_unref(env);
        return 0;
    }
    out_for(cancel, mods, module, command_id);
    if (oxm_cancelled(cancel)) /* fired before the command was known */
        oxm_cancel_fire(cancel);
    if (direct)
        oxk_bus_publish_direct(bus, env);
    else
        oxk_bus_publish(bus, env);
    oxk_envelope_unref(env);

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    bool waiting_cancel = false;
    oxk_envelope *ans = NULL;
    for (;;) {
        oxk_subscription_recv(sub, 200, &ans); /* five looks a second at cancel and tick */
        if (ans)
            break;
        if (oxm_cancelled(cancel) && !waiting_cancel) {
            /* the module answers "interrupted" or "cancelled": wait for it */
            waiting_cancel = true;
            clock_gettime(CLOCK_MONOTONIC, &start);
            deadline_ms = 5000;
            continue;
        }
        if (deadline_ms && oxm_ms_since(&start) >= (long)deadline_ms)
            break;
        if (tick)
            tick(tick_user);
    }
    oxk_subscription_close(sub);
    if (!ans) { /* timed out: the module drops it (the call is not cancelled: it failed) */
        pthread_mutex_lock(&cancel->mu);
        tell(cancel);
        pthread_mutex_unlock(&cancel->mu);
    }
    bool cancelled = oxm_cancelled(cancel);
    out_for(cancel, NULL, NULL, NULL);
    if (!ans)
        return -1;
    const oxk_message *m = oxk_envelope_message(ans);
    *out = json_incref(m->payload ? m->payload : json_null());
    uint64_t spent;
    if (oxk_modules_fuel_spent(mods, module, command_id, &spent))
        *fuel = (long long)spent;
    bool ok = ends_with(m->kind, ".ok");
    oxk_envelope_unref(ans);
    return cancelled ? -1 : ok;
}

/* ---- The server ------------------------------------------------------------- */

const oxm_tool *oxm_toolset_find(const oxm_toolset *ts, const char *name)
{
    size_t lo = 0, hi = ts->tab.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, ts->tab.v[mid].name);
        if (!c)
            return &ts->tab.v[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

oxm_toolset *oxm_tools_acquire(oxm_server *s)
{
    pthread_mutex_lock(&s->tools_mu);
    oxm_toolset *ts = s->toolset;
    ts->refs++;
    pthread_mutex_unlock(&s->tools_mu);
    return ts;
}

static void toolset_free(oxm_toolset *ts)
{
    oxm_tools_free(ts->tab.v, ts->tab.n);
    free(ts);
}

void oxm_tools_release(oxm_server *s, oxm_toolset *ts)
{
    pthread_mutex_lock(&s->tools_mu);
    bool last = --ts->refs == 0;
    pthread_mutex_unlock(&s->tools_mu);
    if (last)
        toolset_free(ts);
}

bool oxm_listen(oxm_server *s, oxm_channel *ch, bool on)
{
    bool done = false;
    pthread_mutex_lock(&s->tools_mu);
    for (size_t i = 0; i < OXM_MAX_LISTENERS && !done; i++)
        if (on ? !s->listeners[i] : s->listeners[i] == ch) {
            s->listeners[i] = on ? ch : NULL;
            done = true;
        }
    pthread_mutex_unlock(&s->tools_mu);
    return done;
}

void oxm_tools_swap(oxm_server *s, oxm_tooltab *tab)
{
    oxm_toolset *ts = calloc(1, sizeof *ts);
    if (!ts) {
        oxm_tools_free(tab->v, tab->n);
        oxm_log(s, "out of memory swapping the tool set: the old one stays");
        return;
    }
    ts->refs = 1;
    ts->tab = *tab;
    pthread_mutex_lock(&s->tools_mu);
    oxm_toolset *old = s->toolset;
    s->toolset = ts;
    for (size_t i = 0; i < OXM_MAX_LISTENERS; i++) /* under the lock: a listener leaving waits */
        if (s->listeners[i])
            oxm_send(s->listeners[i], json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method",
                                                "notifications/tools/list_changed"));
    pthread_mutex_unlock(&s->tools_mu);
    oxm_tools_release(s, old);
}

size_t oxm_server_tool_count(const oxm_server *s) { return s->toolset->tab.n; }

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
    /* A module's queue holds OXK_BUS_QUEUE_CAP envelopes: calls in flight
       stay below that, so no command is dropped. */
    if (!s->opts.max_calls || s->opts.max_calls > OXK_BUS_QUEUE_CAP / 2)
        s->opts.max_calls = OXK_BUS_QUEUE_CAP / 2;
    if (!s->opts.page_size)
        s->opts.page_size = 100;
    s->log = opts->log ? opts->log : stderr;
    oxm_calls_init(s);
    pthread_mutex_init(&s->tools_mu, NULL);
    /* An answer larger than a message can carry is refused by the module
       before it is parsed (a guest answering 100 MB costs its own memory,
       not three copies of it in the server). */
    oxk_kernel_set_max_output(k, s->opts.max_message);
    oxm_tooltab tab = {0};
    oxk_err *err = oxm_tools_load(k, opts->modules_dir, s->log, &tab, &s->recs, &s->nrecs);
    if (!err && !(s->toolset = calloc(1, sizeof *s->toolset)))
        err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
    if (!err) {
        s->toolset->refs = 1;
        s->toolset->tab = tab;
        tab = (oxm_tooltab){0};
    }
    if (!err && opts->watch)
        err = oxm_watch_start(s);
    if (err) {
        oxm_tools_free(tab.v, tab.n);
        if (s->toolset)
            toolset_free(s->toolset);
        for (size_t i = 0; i < s->nrecs; i++)
            oxm_modrec_clear(&s->recs[i]);
        free(s->recs);
        pthread_mutex_destroy(&s->tools_mu);
        oxm_calls_fini(s);
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
    oxm_watch_stop(s);
    oxm_calls_fini(s);
    toolset_free(s->toolset);
    for (size_t i = 0; i < s->nrecs; i++)
        oxm_modrec_clear(&s->recs[i]);
    free(s->recs);
    pthread_mutex_destroy(&s->tools_mu);
    free(s);
}
