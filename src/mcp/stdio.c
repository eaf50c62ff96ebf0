/* stdio.c — the stdio transport: one JSON-RPC message a line on in_fd,
   answers a line each on out_fd (written whole under a lock, since calls
   answer from their own threads). A line longer than the message limit is
   skipped as it streams in, never held whole.

   Leader and followers: one thread at a time reads (the leader). When a
   line it read is a tools/call, the call's module may run it on this very
   thread, so the leader hands reading to a follower (waking one, or making
   one) and runs the call itself: the wake-up happens beside the call, not
   in front of it, and a call answers without crossing threads. Having run
   it, the thread waits to lead again. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server.h"

enum { MAX_THREADS = OXK_BUS_QUEUE_CAP / 2 + 1 };

typedef struct stdio_server {
    oxm_channel ch; /* first: the channel is the transport */
    int out_fd;
    pthread_mutex_t out_mu;
    atomic_bool broken;

    oxm_server *s;
    oxm_session *ss;
    int in_fd;
    volatile sig_atomic_t *stop;
    pthread_mutex_t mu; /* guards what follows */
    pthread_cond_t cv;  /* the lead is free, or reading has ended */
    pthread_t leader;
    bool led, ended;
    unsigned idle; /* followers waiting to lead */
    pthread_t threads[MAX_THREADS];
    unsigned nthreads;
    oxk_err *err;
    /* the reading state: the leader's alone */
    char *line;
    size_t cap, len;
    bool skipping; /* inside a line over the limit */
    size_t skipped;
    char buf[64 * 1024];
    size_t pos, have;
} stdio_server;

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

static bool sc_send(oxm_channel *ch, const char *text, size_t len, enum oxm_kind kind)
{
    (void)kind;
    stdio_server *sc = (stdio_server *)ch;
    if (atomic_load(&sc->broken))
        return false;
    pthread_mutex_lock(&sc->out_mu);
    bool ok = write_all(sc->out_fd, text, len) && write_all(sc->out_fd, "\n", 1);
    pthread_mutex_unlock(&sc->out_mu);
    if (!ok)
        atomic_store(&sc->broken, true);
    return ok;
}

static void sc_done(oxm_channel *ch) { (void)ch; }

static bool sc_gone(oxm_channel *ch) { return atomic_load(&((stdio_server *)ch)->broken); }

static void *follow(void *arg);

/* The leader is about to run a call: a follower takes over reading. False
   (the call goes to the server's pool) when no thread can be had. */
static bool sc_lend(oxm_channel *ch)
{
    stdio_server *sc = (stdio_server *)ch;
    pthread_mutex_lock(&sc->mu);
    bool ok = sc->led && pthread_equal(sc->leader, pthread_self());
    if (ok && !sc->idle) {
        ok = sc->nthreads < MAX_THREADS && pthread_create(&sc->threads[sc->nthreads], NULL, follow, sc) == 0;
        if (ok)
            sc->nthreads++;
    }
    if (ok) {
        sc->led = false;
        pthread_cond_signal(&sc->cv);
    }
    pthread_mutex_unlock(&sc->mu);
    return ok;
}

/* Reading has ended (end of input, an error, a stop): nobody leads again. */
static void end_reading(stdio_server *sc, oxk_err *err)
{
    pthread_mutex_lock(&sc->mu);
    sc->ended = true;
    sc->led = false;
    if (err && !sc->err)
        sc->err = err;
    else
        oxk_err_free(err);
    pthread_cond_broadcast(&sc->cv);
    pthread_mutex_unlock(&sc->mu);
}

/* One complete line (without its newline) is handed on. The buffer goes
   with it: if the call it holds lends the lead, the next leader reads into
   a buffer of its own. True while this thread still leads. */
static bool dispatch(stdio_server *sc)
{
    size_t k = sc->len;
    while (k && (sc->line[k - 1] == '\r' || sc->line[k - 1] == ' ' || sc->line[k - 1] == '\t'))
        k--;
    sc->len = 0;
    if (!k)
        return true;
    char *mine = sc->line;
    size_t cap = sc->cap;
    sc->line = NULL;
    sc->cap = 0;
    oxm_session_receive(sc->ss, mine, k, &sc->ch);
    pthread_mutex_lock(&sc->mu);
    bool lead = sc->led && pthread_equal(sc->leader, pthread_self());
    pthread_mutex_unlock(&sc->mu);
    if (lead) {
        sc->line = mine;
        sc->cap = cap;
    } else {
        free(mine);
    }
    return lead;
}

/* Append c to the line being read, skipping past the limit. */
static void take_char(stdio_server *sc, char c)
{
    size_t limit = sc->s->opts.max_message;
    if (sc->skipping) {
        sc->skipped++;
        return;
    }
    if (sc->len == limit) {
        sc->skipping = true;
        sc->skipped = sc->len + 1;
        sc->len = 0;
        return;
    }
    if (sc->len == sc->cap) {
        size_t nc = sc->cap ? (sc->cap * 2 > limit ? limit : sc->cap * 2) : 4096;
        char *nl = realloc(sc->line, nc);
        if (!nl) { /* treat as over the limit */
            sc->skipping = true;
            sc->skipped = sc->len + 1;
            sc->len = 0;
            return;
        }
        sc->line = nl;
        sc->cap = nc;
    }
    sc->line[sc->len++] = c;
}

/* Read and hand on messages while this thread leads. */
static void lead(stdio_server *sc)
{
    oxm_server *s = sc->s;
    for (;;) {
        while (sc->pos < sc->have) {
            char c = sc->buf[sc->pos++];
            if (c != '\n') {
                take_char(sc, c);
                continue;
            }
            if (sc->skipping) {
                oxm_log(s, "a message of %zu bytes refused (limit %zu)", sc->skipped, s->opts.max_message);
                oxm_send(&sc->ch, oxm_error_msg(NULL, -32600, "message of %zu bytes is over the %zu-byte limit",
                                                sc->skipped, s->opts.max_message));
                sc->skipping = false;
                sc->skipped = 0;
                sc->len = 0;
            } else if (!dispatch(sc)) {
                return; /* the lead was lent for a call this thread ran */
            }
        }
        if ((sc->stop && *sc->stop) || atomic_load(&sc->broken)) {
            end_reading(sc, NULL);
            return;
        }
        struct pollfd pfd = {.fd = sc->in_fd, .events = POLLIN};
        int pr = poll(&pfd, 1, 250);
        if (pr == 0 || (pr < 0 && errno == EINTR))
            continue;
        ssize_t n = pr < 0 ? -1 : read(sc->in_fd, sc->buf, sizeof sc->buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0 && (sc->len || sc->skipping))
                oxm_log(s, "end of input inside a message (%zu bytes): dropped",
                        sc->skipping ? sc->skipped : sc->len);
            end_reading(sc, n < 0 ? oxk_err_from_errno(OXK_ERR_OTHER, errno, "reading the client's messages")
                                  : NULL);
            return;
        }
        sc->pos = 0;
        sc->have = (size_t)n;
    }
}

/* A thread of the transport: lead when the lead is free, until reading ends. */
static void *follow(void *arg)
{
    stdio_server *sc = arg;
    pthread_mutex_lock(&sc->mu);
    for (;;) {
        sc->idle++;
        while (sc->led && !sc->ended)
            pthread_cond_wait(&sc->cv, &sc->mu);
        sc->idle--;
        if (sc->ended)
            break;
        sc->led = true;
        sc->leader = pthread_self();
        pthread_mutex_unlock(&sc->mu);
        lead(sc);
        pthread_mutex_lock(&sc->mu);
    }
    pthread_mutex_unlock(&sc->mu);
    return NULL;
}

/* Wait until every call of the server has answered. */
static void drain(oxm_server *s)
{
    pthread_mutex_lock(&s->calls_mu);
    while (s->ncalls)
        pthread_cond_wait(&s->calls_cv, &s->calls_mu);
    pthread_mutex_unlock(&s->calls_mu);
}

oxk_err *oxm_serve_stdio(oxm_server *s, int in_fd, int out_fd, volatile sig_atomic_t *stop)
{
    stdio_server *sc = calloc(1, sizeof *sc);
    if (!sc)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    sc->ch = (oxm_channel){sc_send, sc_done, sc_gone, false, sc_lend};
    sc->out_fd = out_fd;
    sc->in_fd = in_fd;
    sc->stop = stop;
    sc->s = s;
    pthread_mutex_init(&sc->out_mu, NULL);
    pthread_mutex_init(&sc->mu, NULL);
    pthread_cond_init(&sc->cv, NULL);
    atomic_init(&sc->broken, false);
    if (!(sc->ss = oxm_session_new(s))) {
        free(sc);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    oxm_listen(s, &sc->ch, true); /* notifications/tools/list_changed */
    follow(sc); /* this thread takes its turns too, until reading ends */
    oxm_listen(s, &sc->ch, false);
    /* At the end of input, calls already asked for are answered (a client
       may write its requests and close); a stop cancels them. */
    oxm_session_hangup(sc->ss);
    if (!(stop && *stop) && !atomic_load(&sc->broken))
        drain(s);
    oxm_session_free(sc->ss); /* cancels and waits for what still runs */
    for (unsigned i = 0; i < sc->nthreads; i++)
        pthread_join(sc->threads[i], NULL);
    oxk_err *err = sc->err;
    free(sc->line);
    pthread_mutex_destroy(&sc->out_mu);
    pthread_mutex_destroy(&sc->mu);
    pthread_cond_destroy(&sc->cv);
    free(sc);
    return err;
}
