/* http.c — the Streamable HTTP transport (MCP 2025-06-18 and later) on
   libmicrohttpd: one endpoint, /mcp. POST carries one JSON-RPC message:
   a request is answered with application/json, or — for tools/call when the
   client accepts it — with a text/event-stream carrying the call's progress,
   the server's questions (elicitation) and then the response. Sessions are
   opened by initialize (Mcp-Session-Id) and ended by DELETE. Origin is
   checked (DNS rebinding), and a bearer token when one is configured.

   Every connection has a thread of its own (libmicrohttpd's
   thread-per-connection mode), so handlers may block while a call runs. */
#include "server.h"

#ifndef OXM_HAVE_HTTP
oxk_err *oxm_serve_http(oxm_server *s, const oxm_http_options *o, volatile sig_atomic_t *stop)
{
    (void)s;
    (void)o;
    (void)stop;
    return oxk_err_new(OXK_ERR_OTHER, "this oxide was built without libmicrohttpd: no --http "
                                      "(apt-get install libmicrohttpd-dev and rebuild)");
}
#else
#include "http_lib.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* libmicrohttpd's function f, through the table loaded by oxm_serve_http
   before any of them is called (http_lib.h) */
static const oxm_mhd *mhd(void)
{
    const char *why;
    return oxm_mhd_load(&why);
}
#define MHD(f) (mhd()->f)

/* ---- Sessions ---------------------------------------------------------- */

typedef struct http_channel http_channel;

typedef struct http_session {
    char id[33];
    oxm_session *ss;
    int refs;      /* the table's, plus one per request using it */
    bool deleted;
    http_channel *get; /* the GET event stream, if one was opened (a reference) */
    struct http_session *next;
} http_session;

typedef struct http_server {
    oxm_server *s;
    const oxm_http_options *o;
    pthread_mutex_t mu; /* guards sessions */
    http_session *sessions;
    size_t nsessions;
    atomic_bool stopping;
} http_server;

/* Sessions live until DELETE or shutdown; a client that opens them without
   end is refused past this many (503) instead of growing the server. */
enum { MAX_SESSIONS = 1024 };

static void stream_end(http_channel *c);

static http_session *session_get(http_server *h, const char *id)
{
    pthread_mutex_lock(&h->mu);
    http_session *hs = h->sessions;
    while (hs && strcmp(hs->id, id))
        hs = hs->next;
    if (hs)
        hs->refs++;
    pthread_mutex_unlock(&h->mu);
    return hs;
}

static void session_put(http_server *h, http_session *hs)
{
    pthread_mutex_lock(&h->mu);
    bool last = --hs->refs == 0;
    pthread_mutex_unlock(&h->mu);
    if (last) {
        oxm_session_free(hs->ss);
        free(hs);
    }
}

static http_session *session_open(http_server *h)
{
    http_session *hs = calloc(1, sizeof *hs);
    if (!hs || !(hs->ss = oxm_session_new(h->s))) {
        free(hs);
        return NULL;
    }
    if (!oxm_random_id(hs->id)) {
        oxm_session_free(hs->ss);
        free(hs);
        return NULL;
    }
    hs->refs = 2; /* the table and the caller */
    pthread_mutex_lock(&h->mu);
    bool full = h->nsessions >= MAX_SESSIONS;
    if (!full) {
        hs->next = h->sessions;
        h->sessions = hs;
        h->nsessions++;
    }
    pthread_mutex_unlock(&h->mu);
    if (full) {
        oxm_session_free(hs->ss);
        free(hs);
        return NULL;
    }
    return hs;
}

/* DELETE: out of the table; freed (its calls cancelled) when the last
   request using it ends. */
static bool session_delete(http_server *h, const char *id)
{
    http_session *found = NULL;
    pthread_mutex_lock(&h->mu);
    for (http_session **pp = &h->sessions; *pp; pp = &(*pp)->next)
        if (!strcmp((*pp)->id, id)) {
            found = *pp;
            *pp = found->next;
            found->deleted = true;
            h->nsessions--;
            break;
        }
    pthread_mutex_unlock(&h->mu);
    if (found) {
        oxm_session_hangup(found->ss);
        if (found->get)
            stream_end(found->get);
        found->get = NULL;
        session_put(h, found);
    }
    return found != NULL;
}

/* ---- Channels: one per POSTed request ---------------------------------------- */

typedef struct msg {
    char *text;
    size_t len;
    struct msg *next;
} msg;

struct http_channel {
    oxm_channel ch;
    http_server *h;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    msg *head, *tail;
    bool finished; /* done: nothing more will be sent */
    bool gone;     /* the client closed the stream */
    bool stream;   /* SSE: notifications and requests go out too */
    bool listening; /* a GET stream: takes list_changed while it lasts */
    int refs;      /* the session side and the response side */
    char *out;     /* the event being written */
    size_t outlen, outpos;
    time_t last;   /* when something was last written */
};

static void channel_put(http_channel *c)
{
    pthread_mutex_lock(&c->mu);
    bool last = --c->refs == 0;
    pthread_mutex_unlock(&c->mu);
    if (!last)
        return;
    for (msg *m = c->head, *n; m; m = n) {
        n = m->next;
        free(m->text);
        free(m);
    }
    free(c->out);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
}

static bool hc_send(oxm_channel *ch, const char *text, size_t len, enum oxm_kind kind)
{
    http_channel *c = (http_channel *)ch;
    if (!c->stream && kind != OXM_RESPONSE)
        return kind == OXM_NOTIFICATION; /* dropped; a question cannot be asked */
    msg *m = malloc(sizeof *m);
    char *t = malloc(len + 1);
    if (!m || !t) {
        free(m);
        free(t);
        return false;
    }
    memcpy(t, text, len);
    t[len] = 0;
    *m = (msg){t, len, NULL};
    pthread_mutex_lock(&c->mu);
    bool ok = !c->gone;
    if (ok) {
        if (c->tail)
            c->tail->next = m;
        else
            c->head = m;
        c->tail = m;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    if (!ok) {
        free(t);
        free(m);
    }
    return ok;
}

static void hc_done(oxm_channel *ch)
{
    http_channel *c = (http_channel *)ch;
    pthread_mutex_lock(&c->mu);
    c->finished = true;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    channel_put(c);
}

static bool hc_gone(oxm_channel *ch)
{
    http_channel *c = (http_channel *)ch;
    pthread_mutex_lock(&c->mu);
    bool g = c->gone;
    pthread_mutex_unlock(&c->mu);
    return g;
}

/* A plain JSON answer: the connection's thread waits for it anyway, so
   the call may as well run there. */
static bool hc_lend(oxm_channel *ch)
{
    (void)ch;
    return true;
}

static http_channel *channel_new(http_server *h, bool stream)
{
    http_channel *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ch = (oxm_channel){hc_send, hc_done, hc_gone, stream, stream ? NULL : hc_lend};
    c->h = h;
    c->stream = stream;
    c->refs = 2;
    c->last = time(NULL);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    return c;
}

/* The event stream: each message as an SSE event; a comment every second
   of silence, so a client that left is noticed (the write fails) and its
   call cancelled. */
static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    http_channel *c = cls;
    if (c->outpos == c->outlen) {
        free(c->out);
        c->out = NULL;
        c->outlen = c->outpos = 0;
        pthread_mutex_lock(&c->mu);
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_sec += 1;
        while (!c->head && !c->finished && !atomic_load(&c->h->stopping))
            if (pthread_cond_timedwait(&c->cv, &c->mu, &t) != 0)
                break;
        msg *m = c->head;
        if (m) {
            c->head = m->next;
            if (!c->head)
                c->tail = NULL;
        }
        bool end = !m && (c->finished || atomic_load(&c->h->stopping));
        pthread_mutex_unlock(&c->mu);
        if (end)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (m) {
            c->outlen = m->len + 32;
            c->out = malloc(c->outlen);
            if (c->out)
                c->outlen = (size_t)snprintf(c->out, c->outlen, "event: message\ndata: %s\n\n", m->text);
            free(m->text);
            free(m);
            if (!c->out)
                return MHD_CONTENT_READER_END_WITH_ERROR;
        } else {
            c->out = strdup(": keep-alive\n\n");
            if (!c->out)
                return MHD_CONTENT_READER_END_WITH_ERROR;
            c->outlen = strlen(c->out);
        }
    }
    size_t n = c->outlen - c->outpos < max ? c->outlen - c->outpos : max;
    memcpy(buf, c->out + c->outpos, n);
    c->outpos += n;
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    http_channel *c = cls;
    pthread_mutex_lock(&c->mu);
    c->gone = true; /* the stream ended: finished, or the client left */
    pthread_mutex_unlock(&c->mu);
    if (c->listening) { /* the listener's reference */
        oxm_listen(c->h->s, &c->ch, false);
        channel_put(c);
    }
    channel_put(c);
}

/* A session's GET stream ends (DELETE, or another GET replaces it): the
   session's reference dropped. */
static void stream_end(http_channel *c)
{
    pthread_mutex_lock(&c->mu);
    c->finished = true;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    channel_put(c);
}

static struct MHD_Response *sse_response(http_channel *c)
{
    struct MHD_Response *resp = MHD(create_response_from_callback)(MHD_SIZE_UNKNOWN, 64 * 1024, sse_read, c,
                                                                  sse_free);
    if (resp) {
        MHD(add_response_header)(resp, "Content-Type", "text/event-stream");
        MHD(add_response_header)(resp, "Cache-Control", "no-store");
    }
    return resp;
}

/* ---- Requests ---------------------------------------------------------------- */

typedef struct upload {
    char *body;
    size_t len, cap;
    bool too_big;
} upload;

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type, const char *body,
                             const char *session)
{
    struct MHD_Response *r =
        MHD(create_response_from_buffer)(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    if (type)
        MHD(add_response_header)(r, "Content-Type", type);
    if (session)
        MHD(add_response_header)(r, "Mcp-Session-Id", session);
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD(add_response_header)(r, "WWW-Authenticate", "Bearer");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD(add_response_header)(r, "Allow", "POST, DELETE");
    enum MHD_Result ok = MHD(queue_response)(conn, status, r);
    MHD(destroy_response)(r);
    return ok;
}

static enum MHD_Result reply_error(struct MHD_Connection *conn, unsigned status, int code, const char *what)
{
    json_t *e = oxm_error_msg(NULL, code, "%s", what);
    char *text = e ? json_dumps(e, JSON_COMPACT) : NULL;
    json_decref(e);
    enum MHD_Result r = reply(conn, status, "application/json", text ? text : "{}", NULL);
    free(text);
    return r;
}

/* Browsers send Origin: only pages from this machine may talk to us (a
   page elsewhere reaching 127.0.0.1 is DNS rebinding). */
static bool origin_ok(const char *origin)
{
    if (!origin)
        return true;
    const char *p = strstr(origin, "://");
    if (!p)
        return false;
    p += 3;
    static const char *const local[] = {"localhost", "127.0.0.1", "[::1]"};
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++) {
        size_t n = strlen(local[i]);
        if (!strncmp(p, local[i], n) && (p[n] == 0 || p[n] == ':' || p[n] == '/'))
            return true;
    }
    return false;
}

/* Compare without an early exit, so timing does not reveal the token. */
static bool token_ok(const char *want, const char *header)
{
    if (!want)
        return true;
    if (!header || strncasecmp(header, "Bearer ", 7))
        return false;
    const char *got = header + 7;
    size_t n = strlen(want), m = strlen(got);
    unsigned diff = (unsigned)(n ^ m);
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)want[i] ^ (unsigned char)(i < m ? got[i] : 0);
    return diff == 0;
}

static bool known_version(const char *v)
{
    return !v || !strcmp(v, "2025-11-25") || !strcmp(v, "2025-06-18") || !strcmp(v, "2025-03-26");
}

static enum MHD_Result post(http_server *h, struct MHD_Connection *conn, upload *up)
{
    if (up->too_big) {
        char what[96];
        snprintf(what, sizeof what, "message over the %zu-byte limit", h->s->opts.max_message);
        oxm_log(h->s, "HTTP: %s refused", what);
        return reply_error(conn, MHD_HTTP_CONTENT_TOO_LARGE, -32600, what);
    }
    json_error_t je;
    json_t *m = json_loadb(up->body ? up->body : "", up->len, JSON_DECODE_ANY, &je);
    if (!m) {
        char what[256];
        snprintf(what, sizeof what, "parse error: %s", je.text);
        oxm_log(h->s, "HTTP: malformed JSON refused: %s", je.text);
        return reply_error(conn, MHD_HTTP_BAD_REQUEST, -32700, what);
    }
    const char *method = json_string_value(json_object_get(m, "method"));
    bool is_request = method && json_object_get(m, "id");
    bool is_init = method && !strcmp(method, "initialize");
    bool is_call = method && !strcmp(method, "tools/call");
    json_decref(m);

    const char *sid = MHD(lookup_connection_value)(conn, MHD_HEADER_KIND, "Mcp-Session-Id");
    if (!known_version(MHD(lookup_connection_value)(conn, MHD_HEADER_KIND, "MCP-Protocol-Version")))
        return reply_error(conn, MHD_HTTP_BAD_REQUEST, -32600, "unsupported MCP-Protocol-Version");
    http_session *hs;
    bool opened = false;
    if (sid) {
        if (!(hs = session_get(h, sid)))
            return reply_error(conn, MHD_HTTP_NOT_FOUND, -32001, "unknown or ended session");
    } else if (is_init) {
        if (!(hs = session_open(h)))
            return reply_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, -32603,
                               "cannot open a session (too many open: end some with DELETE)");
        opened = true;
    } else {
        return reply_error(conn, MHD_HTTP_BAD_REQUEST, -32600, "no Mcp-Session-Id: initialize first");
    }

    const char *accept = MHD(lookup_connection_value)(conn, MHD_HEADER_KIND, "Accept");
    bool stream = is_call && accept && strstr(accept, "text/event-stream");
    http_channel *c = channel_new(h, stream);
    enum MHD_Result r;
    if (!c) {
        r = reply_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, -32603, "out of memory");
    } else if (!is_request) {
        /* a notification or a response: accepted, nothing to send back */
        oxm_session_receive(hs->ss, up->body, up->len, &c->ch);
        channel_put(c);
        r = reply(conn, MHD_HTTP_ACCEPTED, NULL, "", NULL);
    } else if (stream) {
        oxm_session_receive(hs->ss, up->body, up->len, &c->ch);
        struct MHD_Response *resp = sse_response(c);
        if (!resp) {
            channel_put(c);
            r = MHD_NO;
        } else {
            r = MHD(queue_response)(conn, MHD_HTTP_OK, resp);
            MHD(destroy_response)(resp);
        }
    } else {
        oxm_session_receive(hs->ss, up->body, up->len, &c->ch);
        pthread_mutex_lock(&c->mu);
        while (!c->finished)
            pthread_cond_wait(&c->cv, &c->mu);
        msg *last = c->tail;
        char *body = last ? strdup(last->text) : NULL;
        pthread_mutex_unlock(&c->mu);
        bool failed = body && strstr(body, "\"id\":null,\"error\"");
        r = body ? reply(conn, failed ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_OK, "application/json", body,
                         opened ? hs->id : NULL)
                 : reply(conn, MHD_HTTP_ACCEPTED, NULL, "", NULL);
        free(body);
        channel_put(c);
    }
    if (opened && !oxm_session_initialized(hs->ss))
        session_delete(h, hs->id); /* initialize failed: no session */
    session_put(h, hs);
    return r;
}

/* GET: the session's stream for messages outside any request (here
   notifications/tools/list_changed); one at a time per session. */
static enum MHD_Result get(http_server *h, struct MHD_Connection *conn)
{
    const char *accept = MHD(lookup_connection_value)(conn, MHD_HEADER_KIND, "Accept");
    const char *sid = MHD(lookup_connection_value)(conn, MHD_HEADER_KIND, "Mcp-Session-Id");
    if (!accept || !strstr(accept, "text/event-stream"))
        return reply_error(conn, MHD_HTTP_NOT_ACCEPTABLE, -32600, "GET opens an event stream: Accept text/event-stream");
    if (!sid)
        return reply_error(conn, MHD_HTTP_BAD_REQUEST, -32600, "no Mcp-Session-Id: initialize first");
    http_session *hs = session_get(h, sid);
    if (!hs)
        return reply_error(conn, MHD_HTTP_NOT_FOUND, -32001, "unknown or ended session");
    http_channel *c = channel_new(h, true);
    enum MHD_Result r;
    pthread_mutex_lock(&h->mu);
    bool busy = hs->get && !hc_gone(&hs->get->ch);
    pthread_mutex_unlock(&h->mu);
    if (!c) {
        r = reply_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, -32603, "out of memory");
    } else if (busy) {
        r = reply_error(conn, MHD_HTTP_CONFLICT, -32600, "this session's event stream is already open");
    } else if (!oxm_listen(h->s, &c->ch, true)) {
        r = reply_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, -32603, "too many event streams open");
    } else {
        c->listening = true; /* the second reference is the listener's */
        c->refs++;           /* and a third the session's */
        pthread_mutex_lock(&h->mu);
        http_channel *old = hs->deleted ? c : hs->get;
        if (!hs->deleted)
            hs->get = c;
        pthread_mutex_unlock(&h->mu);
        if (old)
            stream_end(old);
        struct MHD_Response *resp = sse_response(c);
        r = resp ? MHD(queue_response)(conn, MHD_HTTP_OK, resp) : MHD_NO;
        if (resp)
            MHD(destroy_response)(resp);
        else
            sse_free(c);
        c = NULL;
    }
    if (c) {
        channel_put(c);
        channel_put(c);
    }
    session_put(h, hs);
    return r;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                              const char *version, const char *data, size_t *size, void **state)
{
    (void)version;
    http_server *h = cls;
    upload *up = *state;
    if (!up) { /* headers only so far */
        if (!(up = calloc(1, sizeof *up)))
            return MHD_NO;
        *state = up;
        return MHD_YES;
    }
    if (*size) { /* a piece of the body: kept up to the limit, counted past it */
        if (!up->too_big && up->len + *size > h->s->opts.max_message) {
            up->too_big = true;
            free(up->body);
            up->body = NULL;
        }
        if (!up->too_big) {
            if (up->len + *size + 1 > up->cap) {
                size_t nc = (up->len + *size + 1) * 2;
                char *nb = realloc(up->body, nc);
                if (!nb)
                    return MHD_NO;
                up->body = nb;
                up->cap = nc;
            }
            memcpy(up->body + up->len, data, *size);
            up->len += *size;
        }
        *size = 0;
        return MHD_YES;
    }
    if (strcmp(url, "/mcp"))
        return reply_error(conn, MHD_HTTP_NOT_FOUND, -32600, "not found: the endpoint is /mcp");
    if (!token_ok(h->o->token, MHD(lookup_connection_value)(conn, MHD_HEADER_KIND, "Authorization")))
        return reply_error(conn, MHD_HTTP_UNAUTHORIZED, -32001, "a bearer token is required");
    if (!origin_ok(MHD(lookup_connection_value)(conn, MHD_HEADER_KIND, "Origin")))
        return reply_error(conn, MHD_HTTP_FORBIDDEN, -32001, "requests from this Origin are refused");
    if (!strcmp(method, "POST"))
        return post(h, conn, up);
    if (!strcmp(method, "DELETE")) {
        const char *sid = MHD(lookup_connection_value)(conn, MHD_HEADER_KIND, "Mcp-Session-Id");
        if (!sid)
            return reply_error(conn, MHD_HTTP_BAD_REQUEST, -32600, "DELETE needs an Mcp-Session-Id");
        if (!session_delete(h, sid))
            return reply_error(conn, MHD_HTTP_NOT_FOUND, -32001, "unknown or ended session");
        return reply(conn, MHD_HTTP_OK, NULL, "", NULL);
    }
    if (!strcmp(method, "GET"))
        return get(h, conn);
    return reply_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, -32600, "use POST, GET or DELETE");
}

static void completed(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)conn;
    (void)why;
    upload *up = *state;
    if (up) {
        free(up->body);
        free(up);
        *state = NULL;
    }
}

oxk_err *oxm_serve_http(oxm_server *s, const oxm_http_options *o, volatile sig_atomic_t *stop)
{
    const char *why = NULL;
    if (!oxm_mhd_load(&why))
        return oxk_err_new(OXK_ERR_OTHER, "--http: %s", why);
    http_server h = {.s = s, .o = o};
    pthread_mutex_init(&h.mu, NULL);
    atomic_init(&h.stopping, false);
    const char *host = o->host ? o->host : "127.0.0.1";
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)o->port)};
    const struct sockaddr *addr;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
        addr = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
        addr = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        pthread_mutex_destroy(&h.mu);
        return oxk_err_new(OXK_ERR_OTHER, "--http: '%s' is not an IPv4 or IPv6 address", host);
    }
    struct MHD_Daemon *d = MHD(start_daemon)(flags, (uint16_t)o->port, NULL, NULL, handle, &h, MHD_OPTION_SOCK_ADDR,
                                            addr, MHD_OPTION_NOTIFY_COMPLETED, completed, &h,
                                            MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_END);
    if (!d) {
        pthread_mutex_destroy(&h.mu);
        return oxk_err_new(OXK_ERR_OTHER, "cannot listen on %s:%u (in use, or not an address of this machine)",
                           host, o->port);
    }
    const union MHD_DaemonInfo *info = MHD(get_daemon_info)(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : o->port;
    if (o->ready)
        o->ready(o->ready_user, port);
    while (!(stop && *stop)) {
        struct timespec nap = {0, 100 * 1000000L};
        nanosleep(&nap, NULL);
    }
    atomic_store(&h.stopping, true);
    /* End every session: their calls are cancelled, their streams end. */
    for (;;) {
        pthread_mutex_lock(&h.mu);
        http_session *hs = h.sessions;
        pthread_mutex_unlock(&h.mu);
        if (!hs)
            break;
        session_delete(&h, hs->id);
    }
    MHD(stop_daemon)(d);
    pthread_mutex_destroy(&h.mu);
    return NULL;
}
#endif
