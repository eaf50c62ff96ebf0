/*
 * oxide/bus.h — the kernel's message bus.
 *
 * Commands and events travel in envelopes (UUID v4 id, free-form source,
 * optional correlation id, UTC timestamp). Publishing fans an envelope out to
 * every subscriber through a bounded queue of OX_BUS_QUEUE_CAP envelopes per
 * subscriber; a full queue drops that envelope for that subscriber only and
 * counts the drop. A publisher never blocks. Receiving blocks with a
 * timeout. Subscribers that were closed are pruned on the next publish.
 *
 * Capabilities are granted to a principal (an envelope source, e.g. a module
 * id) — not globally as in the original — and ox_bus_publish_guarded()
 * refuses an envelope whose source lacks the capability. Sources are not
 * authenticated: the guard is a policy check for cooperating code.
 *
 * Thread-safety: every ox_bus_* call may be made from any thread at once. A
 * subscription is read by one thread at a time (ox_subscription_interrupt
 * may be called from any thread).
 *
 * Ownership: envelopes are reference counted and immutable once published.
 * ox_envelope_new*() and ox_subscription_recv() hand the caller one
 * reference, released with ox_envelope_unref(). The bus takes its own
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

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oxide/kerror.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OX_BUS_QUEUE_CAP 128

typedef enum ox_msg_type {
    /* commands */
    OX_CMD_START = 1,       /* module_id */
    OX_CMD_STOP,            /* module_id */
    OX_CMD_INVOKE,          /* module_id, method, payload */
    OX_CMD_PING,            /* no fields */
    /* events */
    OX_EV_MODULE_STARTED,   /* module_id */
    OX_EV_MODULE_STOPPED,   /* module_id */
    OX_EV_CUSTOM,           /* module_id, kind, payload */
    OX_EV_PONG,             /* from */
} ox_msg_type;

/* A message. Used two ways: callers fill one on the stack with borrowed
   pointers to describe what to send (fields a type does not use are
   ignored; a NULL payload means JSON null); an envelope keeps its own deep
   copy and lends it out read-only. */
typedef struct ox_message {
    ox_msg_type type;
    const char *module_id;
    const char *method;  /* invoke */
    const char *kind;    /* custom */
    const char *from;    /* pong */
    json_t *payload;     /* invoke, custom */
} ox_message;

bool ox_msg_is_command(ox_msg_type t);
/* "start", "stop", "invoke", "ping", "module_started", …; "?" if unknown. */
const char *ox_msg_type_name(ox_msg_type t);

typedef struct ox_envelope ox_envelope;

/* A new envelope with a fresh id and the current time. The message is
   validated (required strings present) and deep-copied. */
ox_kerr *ox_envelope_new(const char *source, const ox_message *msg, ox_envelope **out);
/* Set the correlation id (a UUID) before publishing. NULL clears it. */
ox_kerr *ox_envelope_set_correlation_id(ox_envelope *env, const char *uuid);
ox_envelope *ox_envelope_ref(ox_envelope *env);
void ox_envelope_unref(ox_envelope *env);

const char *ox_envelope_id(const ox_envelope *env);
const char *ox_envelope_source(const ox_envelope *env);
const char *ox_envelope_correlation_id(const ox_envelope *env); /* NULL if none */
const char *ox_envelope_timestamp(const ox_envelope *env);
const ox_message *ox_envelope_message(const ox_envelope *env);

/* Wire format. to_json: *out is a malloc'd compact JSON string. from_json
   rejects anything not exactly in the format, naming the field at fault. */
ox_kerr *ox_envelope_to_json(const ox_envelope *env, char **out);
ox_kerr *ox_envelope_from_json(const char *text, size_t len, ox_envelope **out);
/* The same as JSON values (new references). */
ox_kerr *ox_envelope_to_value(const ox_envelope *env, json_t **out);
ox_kerr *ox_envelope_from_value(const json_t *v, ox_envelope **out);

/* ---- Bus --------------------------------------------------------------- */

typedef struct ox_bus ox_bus;
typedef struct ox_subscription ox_subscription;

ox_kerr *ox_bus_new(ox_bus **out);
/* Frees the bus. Live subscriptions stay valid (recv returns what is still
   queued, then times out); close them as usual. */
void ox_bus_free(ox_bus *bus);

ox_kerr *ox_bus_subscribe(ox_bus *bus, ox_subscription **out);
/* Subscribers registered, including closed ones not yet pruned (pruning
   happens in publish, as in the original). */
size_t ox_bus_subscriber_count(ox_bus *bus);

/* Fan out to every subscriber, in subscription order. Never blocks, never
   fails; returns how many queues accepted it. */
size_t ox_bus_publish(ox_bus *bus, ox_envelope *env);
/* Build an envelope, publish it, and give back its id in id_out[37]
   (may be NULL). */
ox_kerr *ox_bus_send_command(ox_bus *bus, const char *source, const ox_message *cmd,
                             char *id_out);
ox_kerr *ox_bus_emit_event(ox_bus *bus, const char *source, const ox_message *ev,
                           char *id_out);

/* Capabilities, per principal. Granting twice is harmless. */
ox_kerr *ox_bus_grant(ox_bus *bus, const char *principal, const char *capability);
/* Returns whether the grant existed. */
bool ox_bus_revoke(ox_bus *bus, const char *principal, const char *capability);
bool ox_bus_has_capability(ox_bus *bus, const char *principal, const char *capability);
/* Publish only if the envelope's source holds `capability`; otherwise a
   DENIED error naming both, and nothing is published. */
ox_kerr *ox_bus_publish_guarded(ox_bus *bus, ox_envelope *env, const char *capability);

/* ---- Subscriptions ----------------------------------------------------- */

/* Wait up to timeout_ms (negative: forever, 0: just look) for the next
   envelope. *out is the envelope (caller unrefs) or NULL when the wait timed
   out or was interrupted. */
void ox_subscription_recv(ox_subscription *sub, long timeout_ms, ox_envelope **out);
/* Wake a thread blocked in recv on this subscription (it gets NULL); the
   next recv waits normally again. Any thread. */
void ox_subscription_interrupt(ox_subscription *sub);
/* Envelopes dropped because this subscriber's queue was full. */
uint64_t ox_subscription_dropped(ox_subscription *sub);
/* Envelopes waiting. */
size_t ox_subscription_pending(ox_subscription *sub);
const char *ox_subscription_id(const ox_subscription *sub);
/* Close and free. Queued envelopes are released; the bus prunes the
   subscriber on its next publish. */
void ox_subscription_close(ox_subscription *sub);

#ifdef __cplusplus
}
#endif
#endif
