/* call.c — one tools/call, on a thread of its own: the tool and its
   arguments checked, the user's approval asked where the tool wants it,
   the module invoked over the kernel bus (progress while it runs,
   cancellation), the output checked and answered, the call recorded in the
   decision log. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

struct oxm_call {
    struct oxm_call *next; /* in the server's queue */
    oxm_session *ss;
    oxm_server *s;
    oxm_channel *ch; /* NULL for a task: its answer is kept, not sent */
    oxm_task *task;
    json_t *id, *params, *progress_token;
    oxm_cancel cancel;
    unsigned ticks, progress;
    oxm_toolset *tools; /* held while the call runs: --watch may swap them */
    /* the audit record, written after the answer is sent */
    const oxm_tool *tool;
    const char *outcome;
    char *why;
    long ms;
    long long fuel; /* spent by the guest; -1 unknown or unmetered */
};

/* ---- Results ------------------------------------------------------------- */

static json_t *tool_error(const char *fmt, const char *a, const char *b)
{
    char text[1024];
    snprintf(text, sizeof text, fmt, a, b);
    return json_pack("{s:[{s:s, s:s}], s:b}", "content", "type", "text", "text", text, "isError", 1);
}

/* The guest's output as a result: structuredContent must be an object, so
   any other JSON value is wrapped as {"result": value}; the text item is
   the guest's JSON as it is. */
static json_t *tool_output(oxm_server *s, json_t *out)
{
    char *text = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text)
        return tool_error("out of memory encoding the output%s%s", "", "");
    size_t len = strlen(text);
    if (len > s->opts.max_message) {
        free(text);
        char n[32], lim[32];
        snprintf(n, sizeof n, "%zu", len);
        snprintf(lim, sizeof lim, "%zu", s->opts.max_message);
        return tool_error("the tool's output is %s bytes, over the %s-byte message limit", n, lim);
    }
    json_t *structured = json_is_object(out) ? json_incref(out) : json_pack("{s:O}", "result", out);
    json_t *r = json_pack("{s:[{s:s, s:s}], s:o, s:b}", "content", "type", "text", "text", text,
                          "structuredContent", structured, "isError", 0);
    free(text);
    return r;
}

/* outputSchema describes structuredContent: the output, wrapped as
   tool_output wraps it. */
static bool valid_output(const oxm_tool *t, json_t *out, char *why, size_t n)
{
    json_t *structured = json_is_object(out) ? json_incref(out) : json_pack("{s:O}", "result", out);
    bool ok = structured && oxm_schema_validate(t->output, structured, why, n);
    json_decref(structured);
    return ok;
}

/* ---- The audit record --------------------------------------------------------- */

static void digest_hex(const json_t *v, char out[65])
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    out[0] = 0;
    if (text && EVP_Digest(text, strlen(text), d, &n, EVP_sha256(), NULL))
        oxm_hex(d, n < 32 ? n : 32, out);
    free(text);
}

/* What the audit record will say (run() decides, finish() writes). */
static void note(struct oxm_call *c, const oxm_tool *t, const char *outcome, const char *why, long ms)
{
    c->tool = t;
    c->outcome = outcome;
    c->why = why ? strdup(why) : NULL;
    c->ms = ms;
}

static void record(struct oxm_call *c, const oxm_tool *t, const json_t *args, const char *outcome,
                   const char *why, long ms)
{
    oxk_decision_log *log = oxk_kernel_decisions(c->s->kernel);
    if (!log || !t)
        return;
    oxk_decision d;
    char actor[160];
    snprintf(actor, sizeof actor, "mcp:%s", oxm_session_client(c->ss));
    oxk_err *e = oxk_decision_init(&d, actor, "tools/call", t->name);
    if (e) {
        oxk_err_free(e);
        return;
    }
    char digest[65];
    digest_hex(args ? args : json_null(), digest);
    json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "tool", t->name, "module", t->module_id,
                           "method", t->method, "client", oxm_session_client(c->ss), "client_version",
                           oxm_session_client_version(c->ss), "arguments_sha256", digest);
    json_t *out = json_pack("{s:s, s:s?, s:I}", "outcome", outcome, "reason", why, "duration_ms",
                            (json_int_t)ms);
    if (out && c->fuel > 0)
        json_object_set_new(out, "fuel", json_integer((json_int_t)c->fuel));
    oxk_decision_set_inputs(&d, in);
    oxk_decision_set_output(&d, out);
    json_decref(in);
    json_decref(out);
    e = oxk_decision_log_append(log, &d, NULL);
    if (e) /* the call's answer stands; the log says what failed */
        oxm_log(c->s, "decision log: %s", oxk_err_message(e));
    oxk_err_free(e);
    oxk_decision_clear(&d);
}

/* ---- Steps ---------------------------------------------------------------- */

/* Once a second while the module runs: a progress notification when the
   client gave a progressToken. */
static void tick(void *user)
{
    struct oxm_call *c = user;
    if (!c->ch) /* a task: it outlives the request, and its progress has no way out */
        return;
    if (c->ch->gone && c->ch->gone(c->ch))
        oxm_cancel_fire(&c->cancel); /* a dropped client cancels its call */
    if (!c->progress_token || ++c->ticks % 5)
        return;
    c->progress++;
    char msg[64];
    snprintf(msg, sizeof msg, "running for %u s", c->progress);
    oxm_send(c->ch, json_pack("{s:s, s:s, s:{s:O, s:i, s:s}}", "jsonrpc", "2.0", "method",
                              "notifications/progress", "params", "progressToken", c->progress_token,
                              "progress", c->progress, "message", msg));
}

/* True when the user approved this call; else *why is the isError result
   saying why not. Fails closed: no clear "accept" with approve = true is a
   refusal. */
static bool approve(struct oxm_call *c, const oxm_tool *t, const json_t *args, json_t **why)
{
    *why = NULL;
    if (!oxm_session_can_elicit(c->ss)) {
        *why = tool_error("tool `%s` runs only with the user's approval of each call, and this "
                          "client cannot ask for it (no elicitation capability)%s", t->name, "");
        return false;
    }
    char *shown = json_dumps(args, JSON_COMPACT | JSON_SORT_KEYS);
    char text[2048];
    snprintf(text, sizeof text, "Allow the tool `%s` (module `%s`) to run with these arguments?\n%.1800s",
             t->name, t->module_id, shown ? shown : "?");
    free(shown);
    json_t *params = json_pack("{s:s, s:{s:s, s:{s:{s:s, s:s, s:s}}, s:[s]}}", "message", text,
                               "requestedSchema", "type", "object", "properties", "approve", "type",
                               "boolean", "title", "Run this call", "description",
                               "true runs the tool once with exactly these arguments", "required",
                               "approve");
    json_t *answer = NULL;
    int rc = params ? oxm_session_ask(c->ss, c->ch, "elicitation/create", params, &c->cancel.flag, &answer) : -1;
    const char *action = json_string_value(json_object_get(answer, "action"));
    bool yes = rc == 1 && action && !strcmp(action, "accept") &&
               json_is_true(json_object_get(json_object_get(answer, "content"), "approve"));
    char said[32];
    snprintf(said, sizeof said, "%s", rc == 1 && action ? action : rc == 0 ? "with an error" : "nothing");
    json_decref(answer);
    if (yes)
        return true;
    *why = tool_error("tool `%s` was not approved: the user answered %s", t->name, said);
    return false;
}

/* The answer to the request: a JSON-RPC message, or NULL for none (a
   cancelled request gets no response). */
static json_t *run(struct oxm_call *c)
{
    oxm_server *s = c->s;
    const json_t *p = c->params;
    const char *name = json_string_value(json_object_get(p, "name"));
    c->tools = oxm_tools_acquire(s);
    const oxm_tool *t = name ? oxm_toolset_find(c->tools, name) : NULL;
    if (!t)
        return oxm_error_msg(c->id, -32602, name ? "unknown tool: %s" : "tools/call needs params.name%s",
                             name ? name : "");
    if (t->tasks == OXM_TASKS_REQUIRED && !c->task)
        return oxm_error_msg(c->id, -32601, "tool %s runs only as a task (params.task)", name);
    json_t *args = json_object_get(p, "arguments");
    if (args && !json_is_object(args))
        return oxm_error_msg(c->id, -32602, "tool %s: arguments must be an object", name);
    json_t *empty = json_object();
    if (!args)
        args = empty;
    c->progress_token = json_incref(json_object_get(json_object_get(p, "_meta"), "progressToken"));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    json_t *reply = NULL, *result = NULL;
    char why[600];
    if (!oxm_schema_validate(t->input, args, why, sizeof why)) {
        note(c, t, "refused", why, 0);
        /* 2025-11-25 wants input errors as tool results the model can read
           and correct; earlier versions as invalid params */
        if (!strcmp(oxm_session_version(c->ss), "2025-11-25"))
            result = tool_error("invalid arguments for tool `%s`: %s", name, why);
        else
            reply = oxm_error_msg(c->id, -32602, "invalid arguments for tool %s: %s", name, why);
    } else if (t->approval && c->task) { /* the tool changed under --watch since the task began */
        note(c, t, "refused", "needs approval", 0);
        result = tool_error("tool `%s` runs only with the user's approval of each call, which a task "
                            "cannot ask for%s", name, "");
    } else if (t->approval && !approve(c, t, args, &result)) {
        note(c, t, oxm_cancelled(&c->cancel) ? "cancelled" : "declined", NULL, oxm_ms_since(&t0));
        if (!result && !oxm_cancelled(&c->cancel))
            reply = oxm_error_msg(c->id, -32603, "out of memory");
    } else {
        json_t *out = NULL;
        unsigned long deadline = t->timeout_ms ? t->timeout_ms + 2000 : 0;
        /* On the module's thread when there is something to watch while it
           runs (progress to send, an event stream that may drop); else on
           this one if the module is free. */
        bool direct = !c->ch || (!c->progress_token && !c->ch->watch);
        int rc = oxm_server_invoke(s, t->module_id, t->method, args, deadline, &c->cancel, direct, tick, c,
                                   &out, &c->fuel);
        long ms = oxm_ms_since(&t0);
        if (oxm_cancelled(&c->cancel)) {
            note(c, t, "cancelled", NULL, ms);
        } else if (rc < 0) {
            snprintf(why, sizeof why, "no answer from module `%s` within %lu ms", t->module_id, deadline);
            note(c, t, "timeout", why, ms);
            result = tool_error("%s%s", why, "");
        } else if (rc == 0) {
            const char *e = json_string_value(json_object_get(out, "error"));
            note(c, t, "error", e ? e : "the guest failed", ms);
            result = tool_error("%s%s", e ? e : "the guest failed", "");
        } else if (t->output && !valid_output(t, out, why, sizeof why)) {
            note(c, t, "bad output", why, ms);
            result = tool_error("the tool's output does not match its outputSchema: %s%s", why, "");
        } else {
            note(c, t, "ok", NULL, ms);
            result = tool_output(s, out);
        }
        json_decref(out);
    }
    json_decref(empty);
    if (result)
        reply = oxm_result_msg(c->id, result);
    return reply;
}

static void finish(struct oxm_call *c)
{
    oxm_server *s = c->s;
    json_t *reply = run(c);
    if (oxm_cancelled(&c->cancel)) {
        json_decref(reply);
        reply = NULL;
    }
    if (c->task) {
        oxm_task_end(oxm_session_tasks(c->ss), c->task, reply);
    } else {
        if (reply)
            oxm_send(c->ch, reply);
        c->ch->done(c->ch);
    }
    /* The record after the answer: the client does not wait for the disk. */
    if (c->tool) {
        json_t *args = json_object_get(c->params, "arguments");
        record(c, c->tool, args, c->outcome, c->why, c->ms);
    }
    free(c->why);
    if (c->tools)
        oxm_tools_release(s, c->tools);
    json_decref(c->id);
    json_decref(c->params);
    json_decref(c->progress_token);
    pthread_mutex_lock(&s->calls_mu);
    s->ncalls--;
    pthread_cond_broadcast(&s->calls_cv);
    pthread_mutex_unlock(&s->calls_mu);
    /* last: once untracked, the session (and the server after it) may go */
    oxm_session_untrack(c->ss, &c->cancel);
    oxm_cancel_fini(&c->cancel);
    free(c);
}

/* A worker: calls from the queue until the pool stops. Threads are kept,
   not made per call: making one costs more than a whole echo call. */
static void *worker(void *arg)
{
    oxm_server *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->calls_mu);
        while (!s->queue && !s->pool_stop) {
            s->idle++;
            pthread_cond_wait(&s->work_cv, &s->calls_mu);
            s->idle--;
        }
        struct oxm_call *c = s->queue;
        if (c) {
            s->queue = c->next;
            if (!s->queue)
                s->queue_tail = NULL;
        }
        pthread_mutex_unlock(&s->calls_mu);
        if (!c)
            return NULL;
        finish(c);
    }
}

void oxm_calls_init(oxm_server *s)
{
    pthread_mutex_init(&s->calls_mu, NULL);
    pthread_cond_init(&s->calls_cv, NULL);
    pthread_cond_init(&s->work_cv, NULL);
}

void oxm_calls_fini(oxm_server *s)
{
    pthread_mutex_lock(&s->calls_mu);
    s->pool_stop = true;
    pthread_cond_broadcast(&s->work_cv);
    pthread_mutex_unlock(&s->calls_mu);
    for (unsigned i = 0; i < s->nworkers; i++)
        pthread_join(s->workers[i], NULL);
    pthread_mutex_destroy(&s->calls_mu);
    pthread_cond_destroy(&s->calls_cv);
    pthread_cond_destroy(&s->work_cv);
}

/* A call asked to be a task: answered now with the task (true), or with
   an error when the tool may not be one (false). */
static bool as_task(struct oxm_call *c, const json_t *task)
{
    const char *name = json_string_value(json_object_get(c->params, "name"));
    oxm_toolset *ts = oxm_tools_acquire(c->s);
    const oxm_tool *t = name ? oxm_toolset_find(ts, name) : NULL;
    json_t *answer = NULL;
    char why[160];
    if (!json_is_object(task))
        answer = oxm_error_msg(c->id, -32602, "params.task must be an object");
    else if (!t)
        answer = oxm_error_msg(c->id, -32602, name ? "unknown tool: %s" : "tools/call needs params.name%s",
                               name ? name : "");
    else if (t->tasks == OXM_TASKS_FORBIDDEN)
        answer = oxm_error_msg(c->id, -32601, "tool %s cannot run as a task%s", name,
                               t->approval ? " (each call needs the user's approval)" : "");
    else if (!(c->task = oxm_task_start(oxm_session_tasks(c->ss), task, &c->cancel, &answer, why, sizeof why)))
        answer = oxm_error_msg(c->id, -32603, "%s", why);
    else
        answer = oxm_result_msg(c->id, answer);
    oxm_tools_release(c->s, ts);
    oxm_send(c->ch, answer);
    c->ch->done(c->ch);
    c->ch = NULL;
    return c->task != NULL;
}

void oxm_call_start(oxm_session *ss, const json_t *id, const json_t *params, oxm_channel *ch)
{
    oxm_server *s = oxm_session_server(ss);
    struct oxm_call *c = calloc(1, sizeof *c);
    if (!c) {
        oxm_send(ch, oxm_error_msg(id, -32603, "out of memory"));
        ch->done(ch);
        return;
    }
    c->ss = ss;
    c->s = s;
    c->ch = ch;
    c->id = json_deep_copy(id);
    c->params = params ? json_deep_copy(params) : json_object();
    oxm_cancel_init(&c->cancel);
    c->fuel = -1;
    json_t *task = json_object_get(params, "task");
    /* Run here if the transport lends this thread (asked below, once the
       call is counted); a task never: its creation is answered already and
       the request it came on must end now. */
    bool here = ch->lend != NULL && !task;
    if (task && !as_task(c, task)) {
        json_decref(c->id);
        json_decref(c->params);
        oxm_cancel_fini(&c->cancel);
        free(c);
        return;
    }
    oxm_session_track(ss, id, &c->cancel);
    /* At most max_calls at once: the reader waits here (back-pressure). */
    pthread_mutex_lock(&s->calls_mu);
    while (s->ncalls >= s->opts.max_calls)
        pthread_cond_wait(&s->calls_cv, &s->calls_mu);
    s->ncalls++;
    if (here) {
        pthread_mutex_unlock(&s->calls_mu);
        if (ch->lend(ch)) {
            finish(c);
            return;
        }
        pthread_mutex_lock(&s->calls_mu);
    }
    if (s->queue_tail)
        s->queue_tail->next = c;
    else
        s->queue = c;
    s->queue_tail = c;
    bool spawn = s->idle == 0 && s->nworkers < s->opts.max_calls &&
                 s->nworkers < sizeof s->workers / sizeof s->workers[0];
    if (spawn && pthread_create(&s->workers[s->nworkers], NULL, worker, s) == 0)
        s->nworkers++;
    bool stuck = s->nworkers == 0; /* not even one worker: run it here */
    if (stuck) {
        s->queue = s->queue_tail = NULL;
    } else {
        pthread_cond_signal(&s->work_cv);
    }
    pthread_mutex_unlock(&s->calls_mu);
    if (stuck)
        finish(c);
}
