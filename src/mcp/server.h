/*
 * server.h — what the MCP server's files share (internal to src/mcp/).
 *
 *   tools.c    modules and their mcp.json read into the tool table
 *   server.c   the server: the tool table, invoking a module over the bus
 *   session.c  one client's JSON-RPC conversation (initialize, tools/list...)
 *   call.c     one tools/call: check, approve, invoke over the bus, answer
 *   task.c     tools/call made a task, and the tasks/ methods
 *   stdio.c    the stdio transport; http.c the Streamable HTTP transport
 *
 * Messages leave through a channel: the transport's way back to the client
 * for one incoming request (stdio: stdout; HTTP: that POST's response or
 * its event stream). A request's progress notifications, the requests the
 * server makes of the client while serving it (elicitation) and its
 * response all go through the request's channel.
 */
#ifndef OXM_SERVER_H
#define OXM_SERVER_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#include "oxide/mcp.h"
#include "schema.h"

#define OXM_DEFAULT_MAX_MESSAGE (4u << 20)

/* ---- tools.c ----------------------------------------------------------- */

/* Whether a tool may run as an MCP task (tools/call with params.task). */
enum oxm_task_support { OXM_TASKS_BAD, OXM_TASKS_FORBIDDEN, OXM_TASKS_OPTIONAL, OXM_TASKS_REQUIRED };

typedef struct oxm_tool {
    char *name, *module_id, *method;
    json_t *listing;          /* what tools/list shows */
    oxm_schema *input, *output; /* output NULL when the tool has no outputSchema */
    bool approval;            /* "approval": "always" */
    unsigned long timeout_ms; /* the module's per-call deadline (0: none) */
    enum oxm_task_support tasks;
} oxm_tool;

typedef struct oxm_tooltab {
    oxm_tool *v;
    size_t n, cap;
} oxm_tooltab;

/* A module the server registered: where, as what, and (for --watch) the
   fingerprint of its directory's files. */
typedef struct oxm_modrec {
    char *dir, *id, *mcp_path; /* mcp_path NULL: no tools */
    unsigned long timeout;
    char *fp;
} oxm_modrec;

/* Register every DIR/NAME/module.json with the kernel, start the modules and
   read their tools (sorted by name) into tab; *recs one per module. */
oxk_err *oxm_tools_load(oxk_kernel *k, const char *dir, FILE *log, oxm_tooltab *tab, oxm_modrec **recs,
                        size_t *nrecs);
/* One module: registered, started, its tools appended to tab. */
oxk_err *oxm_module_load(oxk_kernel *k, const char *dir, FILE *log, oxm_modrec *rec, oxm_tooltab *tab);
/* A module's mcp.json appended to tab: all its tools, or none and an error. */
oxk_err *oxm_tools_read(const char *path, const char *module_id, unsigned long timeout, oxm_tooltab *tab);
oxk_err *oxm_module_dirs(const char *dir, char ***out, size_t *n);
void oxm_tooltab_sort(oxm_tooltab *tab);
void oxm_tools_free(oxm_tool *t, size_t n);
void oxm_modrec_clear(oxm_modrec *rec);

/* ---- watch.c ----------------------------------------------------------- */

/* The names, sizes and times of a directory's files, as a string (malloc'd;
   NULL when it cannot be read). */
char *oxm_fingerprint(const char *dir);
/* --watch: a thread that reloads changed modules and swaps the tool set. */
oxk_err *oxm_watch_start(oxm_server *s);
void oxm_watch_stop(oxm_server *s);

/* ---- channels ---------------------------------------------------------- */

typedef struct oxm_channel oxm_channel;
/* What a message is, for transports that treat them differently. */
enum oxm_kind { OXM_RESPONSE, OXM_NOTIFICATION, OXM_REQUEST };
struct oxm_channel {
    /* Send one message (compact JSON text). False when the client is gone
       or cannot take it (an HTTP client that gets plain JSON cannot be
       asked anything). */
    bool (*send)(oxm_channel *ch, const char *text, size_t len, enum oxm_kind kind);
    /* The request is answered (or will never be): no more sends. */
    void (*done)(oxm_channel *ch);
    /* True once the client has gone (a dropped HTTP connection). */
    bool (*gone)(oxm_channel *ch);
    /* gone may turn true while a call runs and is worth watching (an HTTP
       event stream); false where a gone client shows only when written to. */
    bool watch;
    /* Called on the thread that received a tools/call: true when the call
       may run on this thread, blocking it, because the transport has seen
       to what the thread was doing (stdio: another thread reads on; HTTP:
       the thread waits for the answer anyway). NULL or false: the call runs
       on the server's pool. */
    bool (*lend)(oxm_channel *ch);
};

/* Send v (a JSON-RPC message) on ch; stolen. */
bool oxm_send(oxm_channel *ch, json_t *v);
json_t *oxm_error_msg(const json_t *id, int code, const char *fmt, ...);
json_t *oxm_result_msg(const json_t *id, json_t *result);

/* ---- server.c ---------------------------------------------------------- */

/* The tools in force: swapped whole when --watch reloads; a call or a
   listing holds a reference while it uses one. */
typedef struct oxm_toolset {
    int refs; /* guarded by the server's tools_mu */
    oxm_tooltab tab;
} oxm_toolset;

/* stdio, and one event stream per HTTP session (at most 1024 sessions) */
#define OXM_MAX_LISTENERS 1040

struct oxm_server {
    oxk_kernel *kernel;
    oxm_options opts;
    FILE *log;
    pthread_mutex_t tools_mu; /* guards toolset, recs and listeners */
    oxm_toolset *toolset;
    oxm_modrec *recs;
    size_t nrecs;
    /* channels that take messages outside any request (stdio), for
       notifications/tools/list_changed */
    oxm_channel *listeners[OXM_MAX_LISTENERS];
    pthread_t watcher;
    bool watching;
    atomic_bool stop_watch;
    /* tools/call running at once, bounded by opts.max_calls, served by a
       pool of worker threads made as needed (call.c) */
    pthread_mutex_t calls_mu;
    pthread_cond_t calls_cv; /* a call ended */
    pthread_cond_t work_cv;  /* a call is queued, or the pool stops */
    unsigned ncalls;
    struct oxm_call *queue, *queue_tail;
    pthread_t workers[OXK_BUS_QUEUE_CAP / 2];
    unsigned nworkers, idle;
    bool pool_stop;
    atomic_ulong next_request; /* ids of the server's own requests */
};

oxm_toolset *oxm_tools_acquire(oxm_server *s);
void oxm_tools_release(oxm_server *s, oxm_toolset *ts);
const oxm_tool *oxm_toolset_find(const oxm_toolset *ts, const char *name);
/* Put a new tool set in force (taking tab) and tell the listeners. */
void oxm_tools_swap(oxm_server *s, oxm_tooltab *tab);
/* A channel starts or stops taking notifications/tools/list_changed; false
   when the server has no room for one more. */
bool oxm_listen(oxm_server *s, oxm_channel *ch, bool on);
void oxm_log(oxm_server *s, const char *fmt, ...);
/* Milliseconds since t0 (CLOCK_MONOTONIC). */
long oxm_ms_since(const struct timespec *t0);
/* n bytes as 2n lowercase hex digits and a NUL into out. */
void oxm_hex(const unsigned char *bytes, size_t n, char *out);
/* 32 random hex digits and a NUL into out (from /dev/urandom); false when
   there is no randomness to be had. */
bool oxm_random_id(char out[33]);
/* qsort comparison of C strings (char *const *). */
int oxm_cmp_strings(const void *a, const void *b);
/* A call's cancellation: a flag the call looks at and, while its invoke is
   on the bus, the command the module is told to drop or interrupt, so a
   guest is stopped at once on whatever thread it runs. */
typedef struct oxm_cancel {
    atomic_bool flag;
    pthread_mutex_t mu;
    oxk_modules *mods; /* these three while an invoke is out */
    const char *module;
    char command[40];
    bool told;
} oxm_cancel;
void oxm_cancel_init(oxm_cancel *c);
void oxm_cancel_fini(oxm_cancel *c);
/* Cancel the call: its flag set, its module told when an invoke is out. */
void oxm_cancel_fire(oxm_cancel *c);
static inline bool oxm_cancelled(oxm_cancel *c) { return atomic_load(&c->flag); }

/* Publish an invoke of method on module with payload; wait for the answer
   until the deadline (ms from now; 0 = none) or until cancelled, calling
   tick five times a second meanwhile. direct: the module may run it on
   this thread when it is free (nothing to tick then: the answer is there
   when the publish returns). On answer, *out is the payload (new reference)
   and the return is 1 (ok) or 0 (err); -1 on timeout or cancel (the module
   is told to cancel). *fuel is the fuel the call spent, -1 when not known. */
int oxm_server_invoke(oxm_server *s, const char *module, const char *method, json_t *payload,
                      unsigned long deadline_ms, oxm_cancel *cancel, bool direct,
                      void (*tick)(void *user), void *tick_user, json_t **out, long long *fuel);

/* ---- session.c --------------------------------------------------------- */

typedef struct oxm_session oxm_session;
oxm_session *oxm_session_new(oxm_server *s);
/* One incoming message (text of len bytes) with the channel its answers
   go through; the session calls ch->done once when nothing more will go
   through it. */
void oxm_session_receive(oxm_session *ss, const char *text, size_t len, oxm_channel *ch);
/* Cancel what is running, wait for it, free the session. */
void oxm_session_free(oxm_session *ss);
bool oxm_session_initialized(const oxm_session *ss);
/* The client will answer no more questions (end of its input): questions
   waiting and to come fail at once. */
void oxm_session_hangup(oxm_session *ss);
oxm_server *oxm_session_server(oxm_session *ss);
/* The protocol version agreed at initialize, and the client's name and
   version from it ("" before initialize). */
const char *oxm_session_version(const oxm_session *ss);
const char *oxm_session_client(const oxm_session *ss);
const char *oxm_session_client_version(const oxm_session *ss);
/* The session's tasks. */
typedef struct oxm_tasks oxm_tasks;
oxm_tasks *oxm_session_tasks(oxm_session *ss);
/* Whether the client declared the elicitation capability. */
bool oxm_session_can_elicit(const oxm_session *ss);
/* A running call, findable by its request id for notifications/cancelled;
   the session waits for every tracked call before it is freed. */
void oxm_session_track(oxm_session *ss, const json_t *id, oxm_cancel *cancel);
void oxm_session_untrack(oxm_session *ss, oxm_cancel *cancel);
/* Ask the client (method, params stolen) on ch and wait for its answer:
   1 with *out the result, 0 with *out the error object, -1 (no *out) when
   the client is gone or hung up, or the call is cancelled. */
int oxm_session_ask(oxm_session *ss, oxm_channel *ch, const char *method, json_t *params,
                    atomic_bool *cancel, json_t **out);

/* ---- call.c ------------------------------------------------------------ */

/* What a running tools/call shares with its session (for cancellation). */
typedef struct oxm_call oxm_call;
/* Run tools/call params for request id on a worker thread; answers on ch. */
void oxm_call_start(oxm_session *ss, const json_t *id, const json_t *params, oxm_channel *ch);
/* The call pool of a server: set up, and stopped (workers joined). */
void oxm_calls_init(oxm_server *s);
void oxm_calls_fini(oxm_server *s);

/* ---- task.c ------------------------------------------------------------ */

typedef struct oxm_task oxm_task;
oxm_tasks *oxm_tasks_new(unsigned page_size);
/* After the session's calls have ended: any tasks/result still waiting is
   answered with an error. */
void oxm_tasks_free(oxm_tasks *ts);
/* A tools/call made a task (task = params.task): the task, running, with
   *created the CreateTaskResult to answer; NULL with why when the session
   cannot take one more. cancel is the call's, set by tasks/cancel. */
oxm_task *oxm_task_start(oxm_tasks *ts, const json_t *task, oxm_cancel *cancel, json_t **created, char *why,
                         size_t n);
/* The task's call ended with reply (its JSON-RPC response, stolen; NULL
   when it was cancelled): the task ends and tasks/result waiters get it. */
void oxm_task_end(oxm_tasks *ts, oxm_task *t, json_t *reply);
/* The client is gone: tasks/result waiters are answered with an error. */
void oxm_tasks_hangup(oxm_tasks *ts);
/* tasks/get, tasks/result, tasks/list, tasks/cancel: answered on ch (done
   called, now or when the task ends); false for any other method. */
bool oxm_tasks_request(oxm_tasks *ts, const char *method, const json_t *id, const json_t *params,
                       oxm_channel *ch);

#endif
