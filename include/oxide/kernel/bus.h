/*
 * oxide/kernel/bus.h — the kernel's message bus.
 *
 * Commands and events travel in envelopes (UUID v4 id, free-form source,
 * optional correlation id, UTC timestamp). Publishing fans an envelope out to
 * every subscriber through a bounded queue of OXK_BUS_QUEUE_CAP envelopes per
 * subscriber; a full queue drops that envelope for that subscriber only and
 * counts the drop. A publisher never blocks. Receiving blocks with a
 * timeout. Subscribers that were closed are pruned on the next publish.
 *
 * Capabilities are granted to a principal (an envelope source, e.g. a module
 * id) — not globally as in the original — and oxk_bus_publish_guarded()
 * refuses an envelope whose source lacks the capability. Sources are not
 * authenticated: the guard is a policy check for cooperating code.
 *
 * Thread-safety: every oxk_bus_* call may be made from any thread at once. A
 * subscription is read by one thread at a time (oxk_subscription_interrupt
 * may be called from any thread).
 *
 * Ownership: envelopes are reference counted and immutable once published.
 * oxk_envelope_new*() and oxk_subscription_recv() hand the caller one
 * reference, released with oxk_envelope_unref(). The bus takes its own
 * references when publishing; the caller keeps theirs.
 *
 * Wire format (docs/kernel.md): one JSON object per envelope,
 *   {"id":"…","source":"kernel","correlation_id":null,
 *    "timestamp":"2026-01-01T12:00:00.123456789Z",
 *    "message":{"kind":"event","event":{"type":"custom","module_id":"m",
 *               "kind":"x.ok","payload":{…}}}}
 * The message is adjacently tagged ("kind" + a "command"/"event" object),
 * which fixes the original's duplicate "kind" key on custom events.
 */
#ifndef OXIDE_BUS_H
#define OXIDE_BUS_H

#include "oxide/api.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oxide/kernel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OXK_BUS_QUEUE_CAP 128

typedef enum oxk_msg_type {
    /* commands */
    OXK_CMD_START = 1,       /* module_id */
    OXK_CMD_STOP,            /* module_id */
    OXK_CMD_INVOKE,          /* module_id, method, payload */
    OXK_CMD_PING,            /* no fields */
    /* events */
    OXK_EV_MODULE_STARTED,   /* module_id */
    OXK_EV_MODULE_STOPPED,   /* module_id */
    OXK_EV_CUSTOM,           /* module_id, kind, payload */
    OXK_EV_PONG,             /* from */
} oxk_msg_type;

/* A message. Used two ways: callers fill one on the stack with borrowed
   pointers to describe what to send (fields a type does not use are
   ignored; a NULL payload means JSON null); an envelope keeps its own deep
   copy and lends it out read-only. */
typedef struct oxk_message {
    oxk_msg_type type;
    const char *module_id;
    const char *method;  /* invoke */
    const char *kind;    /* custom */
    const char *from;    /* pong */
    json_t *payload;     /* invoke, custom */
} oxk_message;

OX_API bool oxk_msg_is_command(oxk_msg_type t);
/* "start", "stop", "invoke", "ping", "module_started", …; "?" if unknown. */
OX_API const char *oxk_msg_type_name(oxk_msg_type t);

typedef struct oxk_envelope oxk_envelope;

/* A new envelope with a fresh id and the current time. The message is
   validated (required strings present) and deep-copied. */
OX_API oxk_err *oxk_envelope_new(const char *source, const oxk_message *msg, oxk_envelope **out);
/* Set the correlation id (a UUID) before publishing. NULL clears it. */
OX_API oxk_err *oxk_envelope_set_correlation_id(oxk_envelope *env, const char *uuid);
OX_API oxk_envelope *oxk_envelope_ref(oxk_envelope *env);
OX_API void oxk_envelope_unref(oxk_envelope *env);

OX_API const char *oxk_envelope_id(const oxk_envelope *env);
OX_API const char *oxk_envelope_source(const oxk_envelope *env);
OX_API const char *oxk_envelope_correlation_id(const oxk_envelope *env); /* NULL if none */
OX_API const char *oxk_envelope_timestamp(const oxk_envelope *env);
OX_API const oxk_message *oxk_envelope_message(const oxk_envelope *env);

/* Wire format. to_json: *out is a malloc'd compact JSON string. from_json
   rejects anything not exactly in the format, naming the field at fault. */
OX_API oxk_err *oxk_envelope_to_json(const oxk_envelope *env, char **out);
OX_API oxk_err *oxk_envelope_from_json(const char *text, size_t len, oxk_envelope **out);
/* The same as JSON values (new references). */
OX_API oxk_err *oxk_envelope_to_value(const oxk_envelope *env, json_t **out);
OX_API oxk_err *oxk_envelope_from_value(const json_t *v, oxk_envelope **out);

/* ---- Bus --------------------------------------------------------------- */

typedef struct oxk_bus oxk_bus;
typedef struct oxk_subscription oxk_subscription;

OX_API oxk_err *oxk_bus_new(oxk_bus **out);
/* Frees the bus. Live subscriptions stay valid (recv returns what is still
   queued, then times out); close them as usual. */
OX_API void oxk_bus_free(oxk_bus *bus);

OX_API oxk_err *oxk_bus_subscribe(oxk_bus *bus, oxk_subscription **out);
/* A subscription that queues only the envelopes `accept` returns true for
   (the others are neither delivered nor counted as dropped), so a
   subscriber's bounded queue holds only its own traffic. accept runs in
   the publisher's thread with bus locks held: it must be quick and must
   not call the bus. */
typedef bool (*oxk_bus_filter)(const oxk_envelope *env, void *user);
OX_API oxk_err *oxk_bus_subscribe_filtered(oxk_bus *bus, oxk_bus_filter accept, void *user,
                                    oxk_subscription **out);
/* Serving on the publisher's thread, to spare a thread hand-off each way
   when the subscriber is free. A subscription made with a direct server is
   offered an envelope it accepts when its queue is empty and everything it
   received has been claimed (oxk_subscription_claimed): `take` (called with
   bus locks held: quick, never blocking, no bus calls) returns a token to
   serve it at once, or NULL to have it queued as usual. Only publishes made
   with oxk_bus_publish_direct are offered; serve(user, token, env) then runs
   on the publisher's thread, bus locks released, before that call returns.
   The subscriber must stay alive while a token it gave out is being served. */
typedef struct oxk_bus_direct {
    void *(*take)(void *user, const oxk_envelope *env);
    void (*serve)(void *user, void *token, oxk_envelope *env);
} oxk_bus_direct;
OX_API oxk_err *oxk_bus_subscribe_direct(oxk_bus *bus, oxk_bus_filter accept, const oxk_bus_direct *direct, void *user,
                                  oxk_subscription **out);
/* A direct subscriber has claimed (is about to handle) an envelope it
   received: until it says so, no envelope overtakes it on the direct path. */
OX_API void oxk_subscription_claimed(oxk_subscription *sub);
/* oxk_bus_publish, except that one direct subscriber free to take env
   serves it on this thread before the call returns. */
OX_API size_t oxk_bus_publish_direct(oxk_bus *bus, oxk_envelope *env);
/* Subscribers registered, including closed ones not yet pruned (pruning
   happens in publish, as in the original). */
OX_API size_t oxk_bus_subscriber_count(oxk_bus *bus);

/* Fan out to every subscriber, in subscription order. Never blocks, never
   fails; returns how many queues accepted it. */
OX_API size_t oxk_bus_publish(oxk_bus *bus, oxk_envelope *env);
/* Build an envelope, publish it, and give back its id in id_out[37]
   (may be NULL). */
OX_API oxk_err *oxk_bus_send_command(oxk_bus *bus, const char *source, const oxk_message *cmd,
                             char *id_out);
OX_API oxk_err *oxk_bus_emit_event(oxk_bus *bus, const char *source, const oxk_message *ev,
                           char *id_out);

/* Capabilities, per principal. Granting twice is harmless. */
OX_API oxk_err *oxk_bus_grant(oxk_bus *bus, const char *principal, const char *capability);
/* Returns whether the grant existed. */
OX_API bool oxk_bus_revoke(oxk_bus *bus, const char *principal, const char *capability);
OX_API bool oxk_bus_has_capability(oxk_bus *bus, const char *principal, const char *capability);
/* Publish only if the envelope's source holds `capability`; otherwise a
   DENIED error naming both, and nothing is published. */
OX_API oxk_err *oxk_bus_publish_guarded(oxk_bus *bus, oxk_envelope *env, const char *capability);

/* ---- Subscriptions ----------------------------------------------------- */

/* Wait up to timeout_ms (negative: forever, 0: just look) for the next
   envelope. *out is the envelope (caller unrefs) or NULL when the wait timed
   out or was interrupted. */
OX_API void oxk_subscription_recv(oxk_subscription *sub, long timeout_ms, oxk_envelope **out);
/* Wake a thread blocked in recv on this subscription (it gets NULL); the
   next recv waits normally again. Any thread. */
OX_API void oxk_subscription_interrupt(oxk_subscription *sub);
/* Envelopes dropped because this subscriber's queue was full. */
OX_API uint64_t oxk_subscription_dropped(oxk_subscription *sub);
/* Envelopes waiting. */
OX_API size_t oxk_subscription_pending(oxk_subscription *sub);
OX_API const char *oxk_subscription_id(const oxk_subscription *sub);
/* Close and free. Queued envelopes are released; the bus prunes the
   subscriber on its next publish. */
OX_API void oxk_subscription_close(oxk_subscription *sub);

#ifdef __cplusplus
}
#endif
#endif
