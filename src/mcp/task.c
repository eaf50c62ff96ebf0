/* task.c — MCP tasks (protocol 2025-11-25): a tools/call that carries
   params.task is answered at once with a task; the call runs on, and the
   client polls it (tasks/get), waits for its result (tasks/result), lists
   (tasks/list) or stops (tasks/cancel) it. A session's tasks are its own.

   A task is kept while its call runs and at least its ttl from creation;
   ended tasks past their ttl are dropped whenever the table is touched,
   and a session holds at most MAX_TASKS, so a client that never collects
   its results cannot grow the server. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

enum { MAX_TASKS = 1000 };
enum { WORKING, COMPLETED, FAILED, CANCELLED };
static const char *const STATUS[] = {"working", "completed", "failed", "cancelled"};

/* A tasks/result waiting for its task to end. */
typedef struct waiter {
    json_t *id;
    oxm_channel *ch;
    struct waiter *next;
} waiter;

struct oxm_task {
    char id[33];
    unsigned long long seq; /* creation order: the tasks/list cursor */
    int status;
    char *message;                      /* statusMessage, when there is one */
    long long created, updated;         /* ms since the epoch */
    long long ttl, poll;                /* ms */
    struct timespec born;               /* CLOCK_MONOTONIC, for the ttl */
    json_t *result, *error;             /* once ended: what the call answered */
    oxm_cancel *cancel;                 /* the running call's; NULL once it ended */
    waiter *waiters;
    struct oxm_task *next;
};

struct oxm_tasks {
    pthread_mutex_t mu;
    oxm_task *head, *tail; /* oldest first */
    size_t n;
    unsigned long long seq;
    unsigned page;
};

oxm_tasks *oxm_tasks_new(unsigned page_size)
{
    oxm_tasks *ts = calloc(1, sizeof *ts);
    if (!ts)
        return NULL;
    pthread_mutex_init(&ts->mu, NULL);
    ts->page = page_size ? page_size : 100;
    return ts;
}

static void task_free(oxm_task *t)
{
    free(t->message);
    json_decref(t->result);
    json_decref(t->error);
    free(t);
}

/* What tasks/result answers: the call's own result, marked as the task's,
   or its error. */
static json_t *payload(const json_t *id, const json_t *result, const json_t *error, const char *task_id)
{
    if (!result)
        return json_pack("{s:s, s:O, s:O}", "jsonrpc", "2.0", "id", id, "error", error);
    json_t *r = json_deep_copy(result);
    json_t *meta = json_object_get(r, "_meta");
    if (!json_is_object(meta))
        json_object_set_new(r, "_meta", meta = json_object());
    json_object_set_new(meta, "io.modelcontextprotocol/related-task", json_pack("{s:s}", "taskId", task_id));
    return oxm_result_msg(id, r);
}

/* Waiters taken off a task, answered outside the lock (a send may block). */
static void answer_waiters(waiter *w, json_t *result, json_t *error, const char *task_id)
{
    while (w) {
        waiter *next = w->next;
        oxm_send(w->ch, payload(w->id, result, error, task_id));
        w->ch->done(w->ch);
        json_decref(w->id);
        free(w);
        w = next;
    }
}

void oxm_tasks_free(oxm_tasks *ts)
{
    if (!ts)
        return;
    json_t *gone = json_pack("{s:i, s:s}", "code", -32603, "message", "the session ended");
    for (oxm_task *t = ts->head, *n; t; t = n) {
        n = t->next;
        answer_waiters(t->waiters, NULL, gone, t->id);
        task_free(t);
    }
    json_decref(gone);
    pthread_mutex_destroy(&ts->mu);
    free(ts);
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static json_t *iso_time(long long ms)
{
    time_t sec = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&sec, &tm);
    char buf[40], out[48];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, sizeof out, "%s.%03dZ", buf, (int)(ms % 1000));
    return json_string(out);
}

static json_t *task_json(const oxm_task *t)
{
    json_t *j = json_pack("{s:s, s:s, s:o, s:o, s:I, s:I}", "taskId", t->id, "status", STATUS[t->status],
                          "createdAt", iso_time(t->created), "lastUpdatedAt", iso_time(t->updated), "ttl",
                          (json_int_t)t->ttl, "pollInterval", (json_int_t)t->poll);
    if (j && t->message)
        json_object_set_new(j, "statusMessage", json_string(t->message));
    return j;
}

/* Ended tasks past their ttl leave the table (under ts->mu). */
static void prune(oxm_tasks *ts)
{
    oxm_task *prev = NULL;
    for (oxm_task *t = ts->head, *n; t; t = n) {
        n = t->next;
        if (!t->cancel && t->status != WORKING && oxm_ms_since(&t->born) >= t->ttl) {
            if (prev)
                prev->next = n;
            else
                ts->head = n;
            if (ts->tail == t)
                ts->tail = prev;
            ts->n--;
            task_free(t);
        } else {
            prev = t;
        }
    }
}

static oxm_task *find(oxm_tasks *ts, const char *id)
{
    oxm_task *t = ts->head;
    while (t && (!id || strcmp(t->id, id)))
        t = t->next;
    return t;
}

/* A number from params.task, clamped; dflt when absent. */
static long long ms_param(const json_t *task, const char *key, long long dflt, long long lo, long long hi)
{
    json_t *v = json_object_get(task, key);
    if (!json_is_number(v))
        return dflt;
    double d = json_number_value(v);
    return d < (double)lo ? lo : d > (double)hi ? hi : (long long)d;
}

oxm_task *oxm_task_start(oxm_tasks *ts, const json_t *task, oxm_cancel *cancel, json_t **created, char *why,
                         size_t n)
{
    *created = NULL;
    oxm_task *t = calloc(1, sizeof *t);
    if (!t || !oxm_random_id(t->id)) {
        free(t);
        snprintf(why, n, "cannot make a task id");
        return NULL;
    }
    t->status = WORKING;
    t->created = t->updated = now_ms();
    clock_gettime(CLOCK_MONOTONIC, &t->born);
    t->ttl = ms_param(task, "ttl", 10 * 60 * 1000, 1000, 24LL * 3600 * 1000);
    t->poll = ms_param(task, "pollInterval", 1000, 100, 60 * 1000);
    t->cancel = cancel;
    pthread_mutex_lock(&ts->mu);
    prune(ts);
    bool full = ts->n >= MAX_TASKS;
    if (!full) {
        t->seq = ++ts->seq;
        if (ts->tail)
            ts->tail->next = t;
        else
            ts->head = t;
        ts->tail = t;
        ts->n++;
        *created = json_pack("{s:o}", "task", task_json(t));
    }
    pthread_mutex_unlock(&ts->mu);
    if (full) {
        free(t);
        snprintf(why, n, "this session holds %d tasks: collect or cancel some first", MAX_TASKS);
        return NULL;
    }
    return t;
}

/* The text of a failed call's result or error, for statusMessage. */
static const char *failure_text(const json_t *result, const json_t *error)
{
    if (error)
        return json_string_value(json_object_get(error, "message"));
    json_t *first = json_array_get(json_object_get(result, "content"), 0);
    return json_string_value(json_object_get(first, "text"));
}

void oxm_task_end(oxm_tasks *ts, oxm_task *t, json_t *reply)
{
    json_t *result = json_incref(json_object_get(reply, "result"));
    json_t *error = json_incref(json_object_get(reply, "error"));
    json_decref(reply);
    pthread_mutex_lock(&ts->mu);
    t->cancel = NULL;
    if (t->status == WORKING) {
        bool failed = error || json_is_true(json_object_get(result, "isError"));
        t->status = !result && !error ? CANCELLED : failed ? FAILED : COMPLETED;
        const char *text = failed ? failure_text(result, error) : NULL;
        if (text)
            t->message = strdup(text);
        t->result = result;
        t->error = error;
        result = error = NULL;
        t->updated = now_ms();
    }
    waiter *w = t->waiters;
    t->waiters = NULL;
    json_t *r = json_incref(t->result), *e = json_incref(t->error);
    char id[sizeof t->id];
    memcpy(id, t->id, sizeof id);
    bool cancelled = t->status == CANCELLED;
    pthread_mutex_unlock(&ts->mu);
    json_decref(result);
    json_decref(error);
    if (cancelled) {
        json_decref(e);
        e = json_pack("{s:i, s:s}", "code", -32603, "message", "the task was cancelled");
    }
    answer_waiters(w, r, e, id);
    json_decref(r);
    json_decref(e);
}

void oxm_tasks_hangup(oxm_tasks *ts)
{
    pthread_mutex_lock(&ts->mu);
    waiter *all = NULL;
    for (oxm_task *t = ts->head; t; t = t->next)
        while (t->waiters) {
            waiter *w = t->waiters;
            t->waiters = w->next;
            w->next = all;
            all = w;
        }
    pthread_mutex_unlock(&ts->mu);
    json_t *gone = json_pack("{s:i, s:s}", "code", -32603, "message", "the session ended");
    answer_waiters(all, NULL, gone, "");
    json_decref(gone);
}

/* ---- The tasks/ methods --------------------------------------------------- */

static json_t *list(oxm_tasks *ts, const json_t *id, const json_t *params)
{
    json_t *cursor = json_object_get(params, "cursor");
    const char *c = json_string_value(cursor);
    char *end = NULL;
    unsigned long long after = c && *c ? strtoull(c, &end, 10) : 0;
    if (cursor && (!c || !*c || *end))
        return oxm_error_msg(id, -32602, "invalid cursor");
    json_t *tasks = json_array();
    unsigned long long last = 0;
    bool more = false;
    for (oxm_task *t = ts->head; t; t = t->next) {
        if (t->seq <= after)
            continue;
        if (json_array_size(tasks) == ts->page) {
            more = true;
            break;
        }
        json_array_append_new(tasks, task_json(t));
        last = t->seq;
    }
    json_t *result = json_pack("{s:o}", "tasks", tasks);
    if (more) {
        char next[24];
        snprintf(next, sizeof next, "%llu", last);
        json_object_set_new(result, "nextCursor", json_string(next));
    }
    return oxm_result_msg(id, result);
}

bool oxm_tasks_request(oxm_tasks *ts, const char *method, const json_t *id, const json_t *params, oxm_channel *ch)
{
    bool get = !strcmp(method, "tasks/get"), result = !strcmp(method, "tasks/result");
    bool cancel = !strcmp(method, "tasks/cancel"), listing = !strcmp(method, "tasks/list");
    if (!get && !result && !cancel && !listing)
        return false;
    const char *task_id = json_string_value(json_object_get(params, "taskId"));
    json_t *reply = NULL;
    pthread_mutex_lock(&ts->mu);
    prune(ts);
    oxm_task *t = task_id ? find(ts, task_id) : NULL;
    if (listing) {
        reply = list(ts, id, params);
    } else if (!task_id) {
        reply = oxm_error_msg(id, -32602, "%s needs params.taskId", method);
    } else if (!t) {
        reply = oxm_error_msg(id, -32602, "no task %s (unknown, or dropped after its ttl)", task_id);
    } else if (get) {
        reply = oxm_result_msg(id, task_json(t));
    } else if (cancel) {
        if (t->status != WORKING) {
            reply = oxm_error_msg(id, -32602, "task %s has already ended (%s)", task_id, STATUS[t->status]);
        } else {
            t->status = CANCELLED;
            t->updated = now_ms();
            if (t->cancel)
                oxm_cancel_fire(t->cancel);
            reply = oxm_result_msg(id, task_json(t));
        }
    } else if (t->cancel) {
        /* tasks/result while the call runs (or, cancelled, still stops):
           answered when it ends */
        waiter *w = malloc(sizeof *w);
        if (w) {
            *w = (waiter){json_deep_copy(id), ch, t->waiters};
            t->waiters = w;
        } else {
            reply = oxm_error_msg(id, -32603, "out of memory");
        }
    } else if (t->status == CANCELLED) {
        reply = oxm_error_msg(id, -32603, "the task was cancelled");
    } else {
        reply = payload(id, t->result, t->error, t->id);
    }
    pthread_mutex_unlock(&ts->mu);
    if (reply) {
        oxm_send(ch, reply);
        ch->done(ch);
    }
    return true;
}
