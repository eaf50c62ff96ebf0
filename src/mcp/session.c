/* session.c — one client's JSON-RPC conversation: initialize and version
   negotiation, ping, tools/list with paging, tools/call handed to call.c,
   cancellation, and the answers to the server's own requests. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

/* Newest first: a client asking for another gets the newest. */
static const char *const VERSIONS[] = {"2025-11-25", "2025-06-18", "2025-03-26"};

typedef struct running {
    json_t *id;
    oxm_cancel *cancel;
    struct running *next;
} running;

typedef struct asked {
    char id[32];
    json_t *reply;
    bool ok;
    pthread_cond_t cv;
    struct asked *next;
} asked;

struct oxm_session {
    oxm_server *server;
    pthread_mutex_t mu;
    pthread_cond_t idle; /* signalled when a tracked call ends */
    bool initialized;
    char version[16];
    char *client, *client_version;
    bool can_elicit;
    bool hung_up; /* the client can no longer answer questions */
    running *calls;
    asked *questions;
    oxm_tasks *tasks;
};

oxm_session *oxm_session_new(oxm_server *s)
{
    oxm_session *ss = calloc(1, sizeof *ss);
    if (!ss)
        return NULL;
    ss->server = s;
    if (!(ss->tasks = oxm_tasks_new(s->opts.page_size))) {
        free(ss);
        return NULL;
    }
    pthread_mutex_init(&ss->mu, NULL);
    pthread_cond_init(&ss->idle, NULL);
    return ss;
}

void oxm_session_free(oxm_session *ss)
{
    if (!ss)
        return;
    pthread_mutex_lock(&ss->mu);
    for (running *r = ss->calls; r; r = r->next)
        oxm_cancel_fire(r->cancel);
    for (asked *a = ss->questions; a; a = a->next)
        pthread_cond_signal(&a->cv);
    while (ss->calls)
        pthread_cond_wait(&ss->idle, &ss->mu);
    pthread_mutex_unlock(&ss->mu);
    oxm_tasks_free(ss->tasks);
    pthread_mutex_destroy(&ss->mu);
    pthread_cond_destroy(&ss->idle);
    free(ss->client);
    free(ss->client_version);
    free(ss);
}

void oxm_session_hangup(oxm_session *ss)
{
    pthread_mutex_lock(&ss->mu);
    ss->hung_up = true;
    for (asked *a = ss->questions; a; a = a->next)
        pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&ss->mu);
    oxm_tasks_hangup(ss->tasks);
}

oxm_tasks *oxm_session_tasks(oxm_session *ss) { return ss->tasks; }
oxm_server *oxm_session_server(oxm_session *ss) { return ss->server; }
bool oxm_session_initialized(const oxm_session *ss) { return ss->initialized; }
const char *oxm_session_version(const oxm_session *ss) { return ss->version; }
const char *oxm_session_client(const oxm_session *ss) { return ss->client ? ss->client : ""; }
const char *oxm_session_client_version(const oxm_session *ss)
{
    return ss->client_version ? ss->client_version : "";
}
bool oxm_session_can_elicit(const oxm_session *ss) { return ss->can_elicit; }

void oxm_session_track(oxm_session *ss, const json_t *id, oxm_cancel *cancel)
{
    running *r = calloc(1, sizeof *r);
    pthread_mutex_lock(&ss->mu);
    if (r) {
        r->id = json_deep_copy(id);
        r->cancel = cancel;
        r->next = ss->calls;
        ss->calls = r;
    }
    pthread_mutex_unlock(&ss->mu);
}

void oxm_session_untrack(oxm_session *ss, oxm_cancel *cancel)
{
    pthread_mutex_lock(&ss->mu);
    for (running **rr = &ss->calls; *rr; rr = &(*rr)->next)
        if ((*rr)->cancel == cancel) {
            running *r = *rr;
            *rr = r->next;
            json_decref(r->id);
            free(r);
            break;
        }
    pthread_cond_broadcast(&ss->idle);
    pthread_mutex_unlock(&ss->mu);
}

static void cancel_request(oxm_session *ss, const json_t *id)
{
    pthread_mutex_lock(&ss->mu);
    for (running *r = ss->calls; r; r = r->next)
        if (json_equal(r->id, id))
            oxm_cancel_fire(r->cancel);
    pthread_mutex_unlock(&ss->mu);
}

int oxm_session_ask(oxm_session *ss, oxm_channel *ch, const char *method, json_t *params,
                    atomic_bool *cancel, json_t **out)
{
    *out = NULL;
    asked a = {.next = NULL};
    snprintf(a.id, sizeof a.id, "oxide-%lu", atomic_fetch_add(&ss->server->next_request, 1) + 1);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&a.cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_lock(&ss->mu);
    a.next = ss->questions;
    ss->questions = &a;
    pthread_mutex_unlock(&ss->mu);
    json_t *msg = json_pack("{s:s, s:s, s:s, s:o}", "jsonrpc", "2.0", "id", a.id, "method", method,
                            "params", params);
    bool sent = oxm_send(ch, msg);
    pthread_mutex_lock(&ss->mu);
    while (sent && !a.reply && !ss->hung_up && !(cancel && atomic_load(cancel)) &&
           !(ch->gone && ch->gone(ch))) {
        /* a look at cancel and the client five times a second */
        struct timespec wake;
        clock_gettime(CLOCK_MONOTONIC, &wake);
        wake.tv_nsec += 200 * 1000000L;
        if (wake.tv_nsec >= 1000000000L) {
            wake.tv_sec++;
            wake.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&a.cv, &ss->mu, &wake);
    }
    for (asked **aa = &ss->questions; *aa; aa = &(*aa)->next)
        if (*aa == &a) {
            *aa = a.next;
            break;
        }
    pthread_mutex_unlock(&ss->mu);
    pthread_cond_destroy(&a.cv);
    if (!a.reply)
        return -1;
    *out = a.reply;
    return a.ok;
}

/* A response from the client to one of the server's requests. */
static void answered(oxm_session *ss, const json_t *msg)
{
    const char *id = json_string_value(json_object_get(msg, "id"));
    json_t *result = json_object_get(msg, "result"), *error = json_object_get(msg, "error");
    pthread_mutex_lock(&ss->mu);
    asked *a = ss->questions;
    while (a && !(id && !strcmp(a->id, id)))
        a = a->next;
    if (a && !a->reply) {
        a->ok = result != NULL;
        a->reply = json_incref(result ? result : error ? error : json_null());
        pthread_cond_signal(&a->cv);
    }
    pthread_mutex_unlock(&ss->mu);
    if (!a)
        oxm_log(ss->server, "a response to no request of ours (id %s): ignored", id ? id : "not a string");
}

/* ---- Methods -------------------------------------------------------------- */

static json_t *initialize(oxm_session *ss, const json_t *id, const json_t *params)
{
    const char *want = json_string_value(json_object_get(params, "protocolVersion"));
    if (!json_is_object(params) || !want)
        return oxm_error_msg(id, -32602, "initialize needs params.protocolVersion");
    const char *use = VERSIONS[0];
    for (size_t i = 0; i < sizeof VERSIONS / sizeof VERSIONS[0]; i++)
        if (!strcmp(want, VERSIONS[i]))
            use = VERSIONS[i];
    json_t *info = json_object_get(params, "clientInfo");
    json_t *caps = json_object_get(params, "capabilities");
    pthread_mutex_lock(&ss->mu);
    snprintf(ss->version, sizeof ss->version, "%s", use);
    free(ss->client);
    free(ss->client_version);
    ss->client = strdup(json_is_string(json_object_get(info, "name"))
                            ? json_string_value(json_object_get(info, "name")) : "unknown");
    ss->client_version = strdup(json_is_string(json_object_get(info, "version"))
                                    ? json_string_value(json_object_get(info, "version")) : "");
    ss->can_elicit = json_is_object(json_object_get(caps, "elicitation"));
    ss->initialized = true;
    pthread_mutex_unlock(&ss->mu);
    oxm_log(ss->server, "client %s %s, protocol %s", oxm_session_client(ss), oxm_session_client_version(ss),
            use);
    json_t *capabilities = json_pack("{s:{s:b}}", "tools", "listChanged", ss->server->opts.watch);
    if (!strcmp(use, "2025-11-25")) /* tasks came with 2025-11-25 */
        json_object_set_new(capabilities, "tasks",
                            json_pack("{s:{}, s:{}, s:{s:{s:{}}}}", "list", "cancel", "requests", "tools", "call"));
    return oxm_result_msg(id, json_pack("{s:s, s:o, s:{s:s, s:s, s:s}, s:s}", "protocolVersion", use,
                                        "capabilities", capabilities, "serverInfo", "name", "oxide", "title",
                                        "Oxide", "version", OXM_VERSION, "instructions",
                                        "Each tool runs a sandboxed WebAssembly module under the "
                                        "limits of its manifest."));
}

/* The cursor is the index of the next tool, as text: opaque to clients. */
static json_t *list_tools(oxm_session *ss, const json_t *id, const json_t *params)
{
    oxm_server *s = ss->server;
    oxm_toolset *ts = oxm_tools_acquire(s);
    size_t n = ts->tab.n, from = 0;
    json_t *cursor = json_object_get(params, "cursor"), *reply = NULL;
    if (cursor) {
        const char *c = json_string_value(cursor);
        char *end = NULL;
        unsigned long long v = c && *c ? strtoull(c, &end, 10) : 0;
        if (!c || !*c || *end || v > n)
            reply = oxm_error_msg(id, -32602, "invalid cursor");
        from = (size_t)v;
    }
    if (!reply) {
        json_t *tools = json_array();
        size_t to = from + s->opts.page_size < n ? from + s->opts.page_size : n;
        for (size_t i = from; i < to; i++)
            json_array_append(tools, ts->tab.v[i].listing);
        json_t *result = json_pack("{s:o}", "tools", tools);
        if (to < n) {
            char next[24];
            snprintf(next, sizeof next, "%zu", to);
            json_object_set_new(result, "nextCursor", json_string(next));
        }
        reply = oxm_result_msg(id, result);
    }
    oxm_tools_release(s, ts);
    return reply;
}

static void request(oxm_session *ss, const char *method, const json_t *id, const json_t *params,
                    oxm_channel *ch)
{
    json_t *reply;
    if (params && !json_is_object(params)) {
        reply = oxm_error_msg(id, -32602, "params must be an object");
    } else if (!strcmp(method, "initialize")) {
        reply = initialize(ss, id, params);
    } else if (!strcmp(method, "ping")) {
        reply = oxm_result_msg(id, json_object());
    } else if (!strcmp(method, "tools/list")) {
        reply = list_tools(ss, id, params);
    } else if (!strcmp(method, "tools/call")) {
        oxm_call_start(ss, id, params, ch); /* answers and calls done itself */
        return;
    } else if (!strncmp(method, "tasks/", 6) && oxm_tasks_request(ss->tasks, method, id, params, ch)) {
        return;
    } else {
        reply = oxm_error_msg(id, -32601, "method not found: %s", method);
    }
    oxm_send(ch, reply);
    ch->done(ch);
}

static void notification(oxm_session *ss, const char *method, const json_t *params)
{
    if (!strcmp(method, "notifications/cancelled")) {
        const json_t *rid = json_object_get(params, "requestId");
        if (rid)
            cancel_request(ss, rid);
    } else if (strcmp(method, "notifications/initialized") != 0) {
        oxm_log(ss->server, "notification %s ignored", method);
    }
}

void oxm_session_receive(oxm_session *ss, const char *text, size_t len, oxm_channel *ch)
{
    json_error_t je;
    json_t *msg = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!msg) {
        oxm_log(ss->server, "malformed JSON refused: %s (column %d)", je.text, je.column);
        oxm_send(ch, oxm_error_msg(NULL, -32700, "parse error: %s", je.text));
        ch->done(ch);
        return;
    }
    json_t *id = json_object_get(msg, "id");
    json_t *method = json_object_get(msg, "method");
    const char *version = json_string_value(json_object_get(msg, "jsonrpc"));
    bool id_ok = id && (json_is_string(id) || json_is_integer(id));
    if (!json_is_object(msg) || !version || strcmp(version, "2.0") || (id && !id_ok) ||
        (method && !json_is_string(method))) {
        oxm_send(ch, oxm_error_msg(id_ok ? id : NULL, -32600,
                                   json_is_array(msg) ? "invalid request: batches are not supported"
                                                      : "invalid request: not a JSON-RPC 2.0 message"));
        ch->done(ch);
    } else if (!method) {
        if (id && (json_object_get(msg, "result") || json_object_get(msg, "error")))
            answered(ss, msg);
        else
            oxm_send(ch, oxm_error_msg(id, -32600, "invalid request: no method"));
        ch->done(ch);
    } else if (!id) {
        notification(ss, json_string_value(method), json_object_get(msg, "params"));
        ch->done(ch);
    } else {
        request(ss, json_string_value(method), id, json_object_get(msg, "params"), ch);
    }
    json_decref(msg);
}
