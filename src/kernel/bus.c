/* bus.c — fan-out publish to bounded per-subscriber queues, capabilities. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kutil.h"
#include "oxide/kernel/bus.h"

/* One subscriber's queue. Shared by the bus (which enqueues) and the
   subscription (which dequeues), hence the reference count: whichever side
   lets go last frees it. */
typedef struct queue {
    atomic_int refs;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    oxk_envelope *ring[OXK_BUS_QUEUE_CAP];
    size_t head, len;
    uint64_t dropped;
    bool closed;      /* the subscriber let go: prune on next publish */
    bool interrupted; /* wake one recv */
    oxk_bus_filter accept; /* NULL: everything */
    void *accept_user;
    oxk_bus_direct direct; /* take NULL: no direct serving */
    size_t in_hand;        /* received, not yet claimed (direct subscribers) */
    char id[OXK_UUID_LEN + 1];
} queue;

struct oxk_subscription {
    queue *q;
};

typedef struct grant {
    char *principal, *capability;
} grant;

struct oxk_bus {
    pthread_mutex_t mu; /* guards subs and grants */
    queue **subs;
    size_t nsubs, capsubs;
    grant *grants;
    size_t ngrants, capgrants;
};

static void queue_unref(queue *q)
{
    if (atomic_fetch_sub(&q->refs, 1) != 1)
        return;
    for (size_t i = 0; i < q->len; i++)
        oxk_envelope_unref(q->ring[(q->head + i) % OXK_BUS_QUEUE_CAP]);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    free(q);
}

oxk_err *oxk_bus_new(oxk_bus **out)
{
    oxk_bus *b = calloc(1, sizeof *b);
    if (!b)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    pthread_mutex_init(&b->mu, NULL);
    *out = b;
    return NULL;
}

void oxk_bus_free(oxk_bus *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nsubs; i++)
        queue_unref(b->subs[i]);
    for (size_t i = 0; i < b->ngrants; i++) {
        free(b->grants[i].principal);
        free(b->grants[i].capability);
    }
    free(b->subs);
    free(b->grants);
    pthread_mutex_destroy(&b->mu);
    free(b);
}

oxk_err *oxk_bus_subscribe(oxk_bus *b, oxk_subscription **out)
{
    return oxk_bus_subscribe_filtered(b, NULL, NULL, out);
}

oxk_err *oxk_bus_subscribe_filtered(oxk_bus *b, oxk_bus_filter accept, void *user,
                                    oxk_subscription **out)
{
    return oxk_bus_subscribe_direct(b, accept, NULL, user, out);
}

oxk_err *oxk_bus_subscribe_direct(oxk_bus *b, oxk_bus_filter accept, const oxk_bus_direct *direct, void *user,
                                  oxk_subscription **out)
{
    *out = NULL;
    oxk_subscription *s = calloc(1, sizeof *s);
    queue *q = calloc(1, sizeof *q);
    if (!s || !q) {
        free(s);
        free(q);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    atomic_init(&q->refs, 2); /* the bus and the subscription */
    q->accept = accept;
    q->accept_user = user;
    if (direct)
        q->direct = *direct;
    pthread_mutex_init(&q->mu, NULL);
    /* Timed waits use CLOCK_MONOTONIC so wall-clock jumps cannot stretch
       or cut a timeout. */
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->cv, &ca);
    pthread_condattr_destroy(&ca);
    oxk_uuid_v4(q->id);
    s->q = q;
    pthread_mutex_lock(&b->mu);
    if (b->nsubs == b->capsubs) {
        size_t nc = b->capsubs ? b->capsubs * 2 : 8;
        queue **ns = realloc(b->subs, nc * sizeof *ns);
        if (!ns) {
            pthread_mutex_unlock(&b->mu);
            atomic_store(&q->refs, 1);
            queue_unref(q);
            free(s);
            return oxk_err_new(OXK_ERR_OTHER, "out of memory");
        }
        b->subs = ns;
        b->capsubs = nc;
    }
    b->subs[b->nsubs++] = q;
    pthread_mutex_unlock(&b->mu);
    *out = s;
    return NULL;
}

size_t oxk_bus_subscriber_count(oxk_bus *b)
{
    pthread_mutex_lock(&b->mu);
    size_t n = b->nsubs;
    pthread_mutex_unlock(&b->mu);
    return n;
}

static size_t publish(oxk_bus *b, oxk_envelope *env, bool direct)
{
    size_t delivered = 0, keep = 0;
    queue *server = NULL; /* the direct subscriber that took env */
    void *token = NULL;
    /* The bus lock is held for the whole fan-out, as in the original: every
       subscriber sees envelopes from concurrent publishers in the same
       order. Queue locks nest inside it; recv never takes the bus lock. */
    pthread_mutex_lock(&b->mu);
    for (size_t i = 0; i < b->nsubs; i++) {
        queue *q = b->subs[i];
        pthread_mutex_lock(&q->mu);
        bool closed = q->closed;
        if (!closed && (!q->accept || q->accept(env, q->accept_user))) {
            if (direct && !server && q->direct.take && q->len == 0 && q->in_hand == 0 &&
                (token = q->direct.take(q->accept_user, env))) {
                server = q;
                atomic_fetch_add(&q->refs, 1);
                delivered++;
            } else if (q->len == OXK_BUS_QUEUE_CAP) {
                q->dropped++; /* full: drop for this subscriber only */
            } else {
                q->ring[(q->head + q->len) % OXK_BUS_QUEUE_CAP] = oxk_envelope_ref(env);
                q->len++;
                delivered++;
                pthread_cond_signal(&q->cv);
            }
        }
        pthread_mutex_unlock(&q->mu);
        if (closed)
            queue_unref(q);
        else
            b->subs[keep++] = q;
    }
    b->nsubs = keep;
    pthread_mutex_unlock(&b->mu);
    if (server) {
        server->direct.serve(server->accept_user, token, env);
        queue_unref(server);
    }
    return delivered;
}

size_t oxk_bus_publish(oxk_bus *b, oxk_envelope *env) { return publish(b, env, false); }
size_t oxk_bus_publish_direct(oxk_bus *b, oxk_envelope *env) { return publish(b, env, true); }

static oxk_err *send_msg(oxk_bus *b, const char *source, const oxk_message *m, bool command,
                         char *id_out)
{
    if (m && oxk_msg_is_command(m->type) != command)
        return oxk_err_new(OXK_ERR_BUS, "`%s` is %s, not %s", oxk_msg_type_name(m->type),
                           command ? "an event" : "a command", command ? "a command" : "an event");
    oxk_envelope *env;
    oxk_err *err = oxk_envelope_new(source, m, &env);
    if (err)
        return err;
    if (id_out)
        memcpy(id_out, oxk_envelope_id(env), OXK_UUID_LEN + 1);
    oxk_bus_publish(b, env);
    oxk_envelope_unref(env);
    return NULL;
}

oxk_err *oxk_bus_send_command(oxk_bus *b, const char *source, const oxk_message *cmd,
                             char *id_out)
{
    return send_msg(b, source, cmd, true, id_out);
}

oxk_err *oxk_bus_emit_event(oxk_bus *b, const char *source, const oxk_message *ev, char *id_out)
{
    return send_msg(b, source, ev, false, id_out);
}

/* ---- Capabilities (caller holds b->mu) --------------------------------- */

static grant *find_grant(oxk_bus *b, const char *principal, const char *capability)
{
    for (size_t i = 0; i < b->ngrants; i++)
        if (!strcmp(b->grants[i].principal, principal) &&
            !strcmp(b->grants[i].capability, capability))
            return &b->grants[i];
    return NULL;
}

oxk_err *oxk_bus_grant(oxk_bus *b, const char *principal, const char *capability)
{
    if (!principal || !capability)
        return oxk_err_new(OXK_ERR_BUS, "grant needs a principal and a capability");
    oxk_err *err = NULL;
    pthread_mutex_lock(&b->mu);
    if (!find_grant(b, principal, capability)) {
        if (b->ngrants == b->capgrants) {
            size_t nc = b->capgrants ? b->capgrants * 2 : 8;
            grant *ng = realloc(b->grants, nc * sizeof *ng);
            if (!ng) {
                err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
                goto out;
            }
            b->grants = ng;
            b->capgrants = nc;
        }
        grant g = {strdup(principal), strdup(capability)};
        if (!g.principal || !g.capability) {
            free(g.principal);
            free(g.capability);
            err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
            goto out;
        }
        b->grants[b->ngrants++] = g;
    }
out:
    pthread_mutex_unlock(&b->mu);
    return err;
}

bool oxk_bus_revoke(oxk_bus *b, const char *principal, const char *capability)
{
    if (!principal || !capability)
        return false;
    pthread_mutex_lock(&b->mu);
    grant *g = find_grant(b, principal, capability);
    if (g) {
        free(g->principal);
        free(g->capability);
        *g = b->grants[--b->ngrants];
    }
    pthread_mutex_unlock(&b->mu);
    return g != NULL;
}

bool oxk_bus_has_capability(oxk_bus *b, const char *principal, const char *capability)
{
    if (!principal || !capability)
        return false;
    pthread_mutex_lock(&b->mu);
    bool ok = find_grant(b, principal, capability) != NULL;
    pthread_mutex_unlock(&b->mu);
    return ok;
}

oxk_err *oxk_bus_publish_guarded(oxk_bus *b, oxk_envelope *env, const char *capability)
{
    /* Check and publish are separate lock sections; a revoke racing with a
       publish may let that one envelope through, which is the same outcome
       as the revoke arriving a moment later. */
    if (!oxk_bus_has_capability(b, oxk_envelope_source(env), capability))
        return oxk_err_denied(oxk_envelope_source(env), capability ? capability : "");
    oxk_bus_publish(b, env);
    return NULL;
}

/* ---- Subscriptions ----------------------------------------------------- */

void oxk_subscription_recv(oxk_subscription *s, long timeout_ms, oxk_envelope **out)
{
    queue *q = s->q;
    *out = NULL;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    if (timeout_ms > 0) {
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&q->mu);
    while (q->len == 0 && !q->interrupted && timeout_ms != 0) {
        int rc = timeout_ms < 0 ? pthread_cond_wait(&q->cv, &q->mu)
                                : pthread_cond_timedwait(&q->cv, &q->mu, &deadline);
        if (rc == ETIMEDOUT)
            break;
    }
    if (q->len > 0) {
        *out = q->ring[q->head];
        q->head = (q->head + 1) % OXK_BUS_QUEUE_CAP;
        q->len--;
        if (q->direct.take)
            q->in_hand++;
    } else {
        q->interrupted = false;
    }
    pthread_mutex_unlock(&q->mu);
}

void oxk_subscription_claimed(oxk_subscription *s)
{
    pthread_mutex_lock(&s->q->mu);
    if (s->q->in_hand)
        s->q->in_hand--;
    pthread_mutex_unlock(&s->q->mu);
}

void oxk_subscription_interrupt(oxk_subscription *s)
{
    pthread_mutex_lock(&s->q->mu);
    s->q->interrupted = true;
    pthread_cond_broadcast(&s->q->cv);
    pthread_mutex_unlock(&s->q->mu);
}

uint64_t oxk_subscription_dropped(oxk_subscription *s)
{
    pthread_mutex_lock(&s->q->mu);
    uint64_t n = s->q->dropped;
    pthread_mutex_unlock(&s->q->mu);
    return n;
}

size_t oxk_subscription_pending(oxk_subscription *s)
{
    pthread_mutex_lock(&s->q->mu);
    size_t n = s->q->len;
    pthread_mutex_unlock(&s->q->mu);
    return n;
}

const char *oxk_subscription_id(const oxk_subscription *s) { return s->q->id; }

void oxk_subscription_close(oxk_subscription *s)
{
    if (!s)
        return;
    queue *q = s->q;
    pthread_mutex_lock(&q->mu);
    q->closed = true;
    /* Release queued envelopes now rather than at the next publish. */
    for (size_t i = 0; i < q->len; i++)
        oxk_envelope_unref(q->ring[(q->head + i) % OXK_BUS_QUEUE_CAP]);
    q->len = 0;
    pthread_mutex_unlock(&q->mu);
    queue_unref(q);
    free(s);
}
