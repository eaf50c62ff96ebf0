/* stdio.c — the stdio transport: one JSON-RPC message a line on in_fd,
   answers a line each on out_fd (written whole under a lock, since calls
   answer from their own threads). A line longer than the message limit is
   skipped as it streams in, never held whole. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server.h"

typedef struct stdio_channel {
    oxm_channel ch; /* first: the channel is the transport */
    int fd;
    pthread_mutex_t mu;
    atomic_bool broken;
} stdio_channel;

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
    stdio_channel *sc = (stdio_channel *)ch;
    if (atomic_load(&sc->broken))
        return false;
    pthread_mutex_lock(&sc->mu);
    bool ok = write_all(sc->fd, text, len) && write_all(sc->fd, "\n", 1);
    pthread_mutex_unlock(&sc->mu);
    if (!ok)
        atomic_store(&sc->broken, true);
    return ok;
}

static void sc_done(oxm_channel *ch) { (void)ch; }

static bool sc_gone(oxm_channel *ch) { return atomic_load(&((stdio_channel *)ch)->broken); }

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
    stdio_channel sc = {.ch = {sc_send, sc_done, sc_gone, false}, .fd = out_fd};
    pthread_mutex_init(&sc.mu, NULL);
    atomic_init(&sc.broken, false);
    oxm_session *ss = oxm_session_new(s);
    oxm_listen(s, &sc.ch, true); /* notifications/tools/list_changed */
    size_t cap = 64 * 1024, len = 0, limit = s->opts.max_message;
    char *line = malloc(cap);
    if (!ss || !line) {
        oxm_listen(s, &sc.ch, false);
        free(line);
        oxm_session_free(ss);
        pthread_mutex_destroy(&sc.mu);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    bool skipping = false; /* inside a line over the limit */
    size_t skipped = 0;
    char buf[64 * 1024];
    oxk_err *err = NULL;
    while (!(stop && *stop) && !atomic_load(&sc.broken)) {
        struct pollfd pfd = {.fd = in_fd, .events = POLLIN};
        int pr = poll(&pfd, 1, 250);
        if (pr == 0 || (pr < 0 && errno == EINTR))
            continue;
        ssize_t n = pr < 0 ? -1 : read(in_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = oxk_err_from_errno(OXK_ERR_OTHER, errno, "reading the client's messages");
            break;
        }
        if (n == 0) {
            if (len || skipping)
                oxm_log(s, "end of input inside a message (%zu bytes): dropped", skipping ? skipped : len);
            break;
        }
        for (ssize_t i = 0; i < n; i++) {
            char c = buf[i];
            if (c != '\n') {
                if (skipping) {
                    skipped++;
                } else if (len == limit) {
                    skipping = true;
                    skipped = len + 1;
                    len = 0;
                } else {
                    if (len == cap) {
                        size_t nc = cap * 2 > limit ? limit : cap * 2;
                        char *nl = realloc(line, nc);
                        if (!nl) { /* treat as over the limit */
                            skipping = true;
                            skipped = len + 1;
                            len = 0;
                            continue;
                        }
                        line = nl;
                        cap = nc;
                    }
                    line[len++] = c;
                }
                continue;
            }
            if (skipping) {
                oxm_log(s, "a message of %zu bytes refused (limit %zu)", skipped, limit);
                oxm_send(&sc.ch, oxm_error_msg(NULL, -32600, "message of %zu bytes is over the %zu-byte limit",
                                               skipped, limit));
                skipping = false;
                skipped = 0;
            } else {
                size_t k = len;
                while (k && (line[k - 1] == '\r' || line[k - 1] == ' ' || line[k - 1] == '\t'))
                    k--;
                if (k)
                    oxm_session_receive(ss, line, k, &sc.ch);
            }
            len = 0;
        }
    }
    free(line);
    oxm_listen(s, &sc.ch, false);
    /* At the end of input, calls already asked for are answered (a client
       may write its requests and close); a stop cancels them. */
    oxm_session_hangup(ss);
    if (!(stop && *stop) && !atomic_load(&sc.broken))
        drain(s);
    oxm_session_free(ss);
    pthread_mutex_destroy(&sc.mu);
    return err;
}
