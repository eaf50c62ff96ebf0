/* envelope.c — messages, envelopes and their JSON wire format. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kutil.h"
#include "oxide/bus.h"

struct ox_envelope {
    atomic_int refs;
    char id[OX_UUID_LEN + 1];
    char correlation_id[OX_UUID_LEN + 1]; /* "" when none */
    char *timestamp;
    char *source;
    ox_message msg; /* every pointer owned (strings malloc'd, payload a reference) */
};

static const char *const type_names[] = {
    [OX_CMD_START] = "start", [OX_CMD_STOP] = "stop", [OX_CMD_INVOKE] = "invoke",
    [OX_CMD_PING] = "ping", [OX_EV_MODULE_STARTED] = "module_started",
    [OX_EV_MODULE_STOPPED] = "module_stopped", [OX_EV_CUSTOM] = "custom",
    [OX_EV_PONG] = "pong",
};

bool ox_msg_is_command(ox_msg_type t) { return t >= OX_CMD_START && t <= OX_CMD_PING; }

const char *ox_msg_type_name(ox_msg_type t)
{
    if (t < OX_CMD_START || t > OX_EV_PONG)
        return "?";
    return type_names[t];
}

static bool type_valid(ox_msg_type t) { return t >= OX_CMD_START && t <= OX_EV_PONG; }

/* Which string fields a type requires. */
static bool needs_module(ox_msg_type t) { return t != OX_CMD_PING && t != OX_EV_PONG; }

static void free_fields(ox_message *m)
{
    free((char *)m->module_id);
    free((char *)m->method);
    free((char *)m->kind);
    free((char *)m->from);
    json_decref(m->payload);
    memset(m, 0, sizeof *m);
}

static ox_kerr *copy_message(const ox_message *src, ox_message *dst)
{
    memset(dst, 0, sizeof *dst);
    if (!src || !type_valid(src->type))
        return ox_kerr_new(OX_KERR_BUS, "message has an unknown type %d",
                           src ? (int)src->type : -1);
    const char *tn = ox_msg_type_name(src->type);
    if (needs_module(src->type) && !src->module_id)
        return ox_kerr_new(OX_KERR_BUS, "%s message needs a module_id", tn);
    if (src->type == OX_CMD_INVOKE && !src->method)
        return ox_kerr_new(OX_KERR_BUS, "invoke message needs a method");
    if (src->type == OX_EV_CUSTOM && !src->kind)
        return ox_kerr_new(OX_KERR_BUS, "custom message needs a kind");
    if (src->type == OX_EV_PONG && !src->from)
        return ox_kerr_new(OX_KERR_BUS, "pong message needs a from");
    dst->type = src->type;
    bool ok = true;
    if (needs_module(src->type))
        ok &= (dst->module_id = strdup(src->module_id)) != NULL;
    if (src->type == OX_CMD_INVOKE)
        ok &= (dst->method = strdup(src->method)) != NULL;
    if (src->type == OX_EV_CUSTOM)
        ok &= (dst->kind = strdup(src->kind)) != NULL;
    if (src->type == OX_EV_PONG)
        ok &= (dst->from = strdup(src->from)) != NULL;
    if (src->type == OX_CMD_INVOKE || src->type == OX_EV_CUSTOM) {
        /* A deep copy, so the caller may keep mutating theirs: envelopes
           are shared read-only between subscriber threads. */
        dst->payload = src->payload ? json_deep_copy(src->payload) : json_null();
        ok &= dst->payload != NULL;
    }
    if (!ok) {
        free_fields(dst);
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
    }
    return NULL;
}

static ox_kerr *envelope_make(const char *source, const ox_message *msg, const char *id,
                              const char *ts, ox_envelope **out)
{
    *out = NULL;
    if (!source)
        return ox_kerr_new(OX_KERR_BUS, "envelope needs a source");
    ox_envelope *e = calloc(1, sizeof *e);
    if (!e)
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
    ox_kerr *err = copy_message(msg, &e->msg);
    if (err) {
        free(e);
        return err;
    }
    atomic_init(&e->refs, 1);
    if (id)
        snprintf(e->id, sizeof e->id, "%s", id);
    else
        ox_uuid_v4(e->id);
    char now[OX_TIME_LEN + 1];
    if (!ts) {
        ox_time_now(now, true);
        ts = now;
    }
    e->timestamp = strdup(ts);
    e->source = strdup(source);
    if (!e->timestamp || !e->source) {
        ox_envelope_unref(e);
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
    }
    *out = e;
    return NULL;
}

ox_kerr *ox_envelope_new(const char *source, const ox_message *msg, ox_envelope **out)
{
    return envelope_make(source, msg, NULL, NULL, out);
}

ox_kerr *ox_envelope_set_correlation_id(ox_envelope *env, const char *uuid)
{
    if (!uuid) {
        env->correlation_id[0] = 0;
        return NULL;
    }
    if (!ox_uuid_valid(uuid))
        return ox_kerr_new(OX_KERR_BUS, "correlation id is not a UUID: %s", uuid);
    snprintf(env->correlation_id, sizeof env->correlation_id, "%s", uuid);
    return NULL;
}

ox_envelope *ox_envelope_ref(ox_envelope *env)
{
    if (env)
        atomic_fetch_add(&env->refs, 1);
    return env;
}

void ox_envelope_unref(ox_envelope *env)
{
    if (!env || atomic_fetch_sub(&env->refs, 1) != 1)
        return;
    free_fields(&env->msg);
    free(env->timestamp);
    free(env->source);
    free(env);
}

const char *ox_envelope_id(const ox_envelope *e) { return e->id; }
const char *ox_envelope_source(const ox_envelope *e) { return e->source; }
const char *ox_envelope_correlation_id(const ox_envelope *e)
{
    return e->correlation_id[0] ? e->correlation_id : NULL;
}
const char *ox_envelope_timestamp(const ox_envelope *e) { return e->timestamp; }
const ox_message *ox_envelope_message(const ox_envelope *e) { return &e->msg; }

/* ---- Wire format ------------------------------------------------------- */

ox_kerr *ox_envelope_to_value(const ox_envelope *e, json_t **out)
{
    const ox_message *m = &e->msg;
    json_t *body = json_object();
    json_t *msg = json_object();
    json_t *env = json_object();
    if (!body || !msg || !env)
        goto oom;
    int rc = json_object_set_new(body, "type", json_string(ox_msg_type_name(m->type)));
    if (m->module_id)
        rc |= json_object_set_new(body, "module_id", json_string(m->module_id));
    if (m->method)
        rc |= json_object_set_new(body, "method", json_string(m->method));
    if (m->kind)
        rc |= json_object_set_new(body, "kind", json_string(m->kind));
    if (m->from)
        rc |= json_object_set_new(body, "from", json_string(m->from));
    if (m->payload)
        rc |= json_object_set(body, "payload", m->payload);
    bool cmd = ox_msg_is_command(m->type);
    rc |= json_object_set_new(msg, "kind", json_string(cmd ? "command" : "event"));
    rc |= json_object_set_new(msg, cmd ? "command" : "event", body);
    body = NULL;
    rc |= json_object_set_new(env, "id", json_string(e->id));
    rc |= json_object_set_new(env, "source", json_string(e->source));
    rc |= json_object_set_new(env, "correlation_id", e->correlation_id[0]
                                                         ? json_string(e->correlation_id)
                                                         : json_null());
    rc |= json_object_set_new(env, "timestamp", json_string(e->timestamp));
    rc |= json_object_set_new(env, "message", msg);
    msg = NULL;
    if (rc)
        goto oom;
    *out = env;
    return NULL;
oom:
    json_decref(body);
    json_decref(msg);
    json_decref(env);
    *out = NULL;
    return ox_kerr_new(OX_KERR_OTHER, "out of memory");
}

ox_kerr *ox_envelope_to_json(const ox_envelope *e, char **out)
{
    json_t *v;
    ox_kerr *err = ox_envelope_to_value(e, &v);
    if (err)
        return err;
    *out = ox_json_dump(v);
    json_decref(v);
    return *out ? NULL : ox_kerr_new(OX_KERR_OTHER, "out of memory");
}

/* Fetch a required string member, or say which one is missing/mistyped. */
static ox_kerr *need_str(const json_t *obj, const char *where, const char *key,
                         const char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return ox_kerr_new(OX_KERR_SERDE, "%s: missing field `%s`", where, key);
    if (!json_is_string(v))
        return ox_kerr_new(OX_KERR_SERDE, "%s: field `%s` must be a string", where, key);
    *out = json_string_value(v);
    return NULL;
}

ox_kerr *ox_envelope_from_value(const json_t *v, ox_envelope **out)
{
    *out = NULL;
    ox_kerr *err;
    if (!json_is_object(v))
        return ox_kerr_new(OX_KERR_SERDE, "envelope must be a JSON object");
    const char *id, *source, *ts, *kind, *type;
    if ((err = need_str(v, "envelope", "id", &id)) ||
        (err = need_str(v, "envelope", "source", &source)) ||
        (err = need_str(v, "envelope", "timestamp", &ts)))
        return err;
    if (!ox_uuid_valid(id))
        return ox_kerr_new(OX_KERR_SERDE, "envelope: `id` is not a UUID: %s", id);
    if (!ox_time_valid(ts))
        return ox_kerr_new(OX_KERR_SERDE, "envelope: `timestamp` is not RFC 3339: %s", ts);
    json_t *corr = json_object_get(v, "correlation_id");
    if (corr && !json_is_null(corr) &&
        (!json_is_string(corr) || !ox_uuid_valid(json_string_value(corr))))
        return ox_kerr_new(OX_KERR_SERDE, "envelope: `correlation_id` must be null or a UUID");
    json_t *msg = json_object_get(v, "message");
    if (!json_is_object(msg))
        return ox_kerr_new(OX_KERR_SERDE, "envelope: `message` must be an object");
    if ((err = need_str(msg, "message", "kind", &kind)))
        return err;
    bool cmd;
    if (!strcmp(kind, "command"))
        cmd = true;
    else if (!strcmp(kind, "event"))
        cmd = false;
    else
        return ox_kerr_new(OX_KERR_SERDE,
                           "message: unknown kind `%s`, expected `command` or `event`", kind);
    const char *where = cmd ? "command" : "event";
    json_t *body = json_object_get(msg, where);
    if (!json_is_object(body))
        return ox_kerr_new(OX_KERR_SERDE, "message: `%s` must be an object", where);
    if ((err = need_str(body, where, "type", &type)))
        return err;
    ox_message m = {0};
    for (int t = OX_CMD_START; t <= OX_EV_PONG; t++)
        if (ox_msg_is_command(t) == cmd && !strcmp(type, type_names[t]))
            m.type = t;
    if (!m.type)
        return ox_kerr_new(OX_KERR_SERDE, "%s: unknown type `%s`", where, type);
    if (needs_module(m.type) && (err = need_str(body, type, "module_id", &m.module_id)))
        return err;
    if (m.type == OX_CMD_INVOKE && (err = need_str(body, type, "method", &m.method)))
        return err;
    if (m.type == OX_EV_CUSTOM && (err = need_str(body, type, "kind", &m.kind)))
        return err;
    if (m.type == OX_EV_PONG && (err = need_str(body, type, "from", &m.from)))
        return err;
    if (m.type == OX_CMD_INVOKE || m.type == OX_EV_CUSTOM) {
        m.payload = json_object_get(body, "payload");
        if (!m.payload)
            return ox_kerr_new(OX_KERR_SERDE, "%s: missing field `payload`", type);
    }
    ox_envelope *e;
    if ((err = envelope_make(source, &m, id, ts, &e)))
        return err;
    if (json_is_string(corr))
        snprintf(e->correlation_id, sizeof e->correlation_id, "%s", json_string_value(corr));
    *out = e;
    return NULL;
}

ox_kerr *ox_envelope_from_json(const char *text, size_t len, ox_envelope **out)
{
    json_t *v;
    *out = NULL;
    ox_kerr *err = ox_json_parse(text, len, &v);
    if (err)
        return err;
    err = ox_envelope_from_value(v, out);
    json_decref(v);
    return err;
}
