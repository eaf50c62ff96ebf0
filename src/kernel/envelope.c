/* envelope.c — messages, envelopes and their JSON wire format. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kutil.h"
#include "oxide/kernel/bus.h"

struct oxk_envelope {
    atomic_int refs;
    char id[OXK_UUID_LEN + 1];
    char correlation_id[OXK_UUID_LEN + 1]; /* "" when none */
    char *timestamp;
    char *source;
    oxk_message msg; /* every pointer owned (strings malloc'd, payload a reference) */
};

static const char *const type_names[] = {
    [OXK_CMD_START] = "start", [OXK_CMD_STOP] = "stop", [OXK_CMD_INVOKE] = "invoke",
    [OXK_CMD_PING] = "ping", [OXK_EV_MODULE_STARTED] = "module_started",
    [OXK_EV_MODULE_STOPPED] = "module_stopped", [OXK_EV_CUSTOM] = "custom",
    [OXK_EV_PONG] = "pong",
};

bool oxk_msg_is_command(oxk_msg_type t) { return t >= OXK_CMD_START && t <= OXK_CMD_PING; }

const char *oxk_msg_type_name(oxk_msg_type t)
{
    if (t < OXK_CMD_START || t > OXK_EV_PONG)
        return "?";
    return type_names[t];
}

static bool type_valid(oxk_msg_type t) { return t >= OXK_CMD_START && t <= OXK_EV_PONG; }

/* Which string fields a type requires. */
static bool needs_module(oxk_msg_type t) { return t != OXK_CMD_PING && t != OXK_EV_PONG; }

static void free_fields(oxk_message *m)
{
    free((char *)m->module_id);
    free((char *)m->method);
    free((char *)m->kind);
    free((char *)m->from);
    json_decref(m->payload);
    memset(m, 0, sizeof *m);
}

static oxk_err *copy_message(const oxk_message *src, oxk_message *dst)
{
    memset(dst, 0, sizeof *dst);
    if (!src || !type_valid(src->type))
        return oxk_err_new(OXK_ERR_BUS, "message has an unknown type %d",
                           src ? (int)src->type : -1);
    const char *tn = oxk_msg_type_name(src->type);
    if (needs_module(src->type) && !src->module_id)
        return oxk_err_new(OXK_ERR_BUS, "%s message needs a module_id", tn);
    if (src->type == OXK_CMD_INVOKE && !src->method)
        return oxk_err_new(OXK_ERR_BUS, "invoke message needs a method");
    if (src->type == OXK_EV_CUSTOM && !src->kind)
        return oxk_err_new(OXK_ERR_BUS, "custom message needs a kind");
    if (src->type == OXK_EV_PONG && !src->from)
        return oxk_err_new(OXK_ERR_BUS, "pong message needs a from");
    dst->type = src->type;
    bool ok = true;
    if (needs_module(src->type))
        ok &= (dst->module_id = strdup(src->module_id)) != NULL;
    if (src->type == OXK_CMD_INVOKE)
        ok &= (dst->method = strdup(src->method)) != NULL;
    if (src->type == OXK_EV_CUSTOM)
        ok &= (dst->kind = strdup(src->kind)) != NULL;
    if (src->type == OXK_EV_PONG)
        ok &= (dst->from = strdup(src->from)) != NULL;
    if (src->type == OXK_CMD_INVOKE || src->type == OXK_EV_CUSTOM) {
        /* A deep copy, so the caller may keep mutating theirs: envelopes
           are shared read-only between subscriber threads. */
        dst->payload = src->payload ? json_deep_copy(src->payload) : json_null();
        ok &= dst->payload != NULL;
    }
    if (!ok) {
        free_fields(dst);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    return NULL;
}

static oxk_err *envelope_make(const char *source, const oxk_message *msg, const char *id,
                              const char *ts, oxk_envelope **out)
{
    *out = NULL;
    if (!source)
        return oxk_err_new(OXK_ERR_BUS, "envelope needs a source");
    oxk_envelope *e = calloc(1, sizeof *e);
    if (!e)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    oxk_err *err = copy_message(msg, &e->msg);
    if (err) {
        free(e);
        return err;
    }
    atomic_init(&e->refs, 1);
    if (id)
        snprintf(e->id, sizeof e->id, "%s", id);
    else
        oxk_uuid_v4(e->id);
    char now[OXK_TIME_LEN + 1];
    if (!ts) {
        oxk_time_now(now, true);
        ts = now;
    }
    e->timestamp = strdup(ts);
    e->source = strdup(source);
    if (!e->timestamp || !e->source) {
        oxk_envelope_unref(e);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    *out = e;
    return NULL;
}

oxk_err *oxk_envelope_new(const char *source, const oxk_message *msg, oxk_envelope **out)
{
    return envelope_make(source, msg, NULL, NULL, out);
}

oxk_err *oxk_envelope_set_correlation_id(oxk_envelope *env, const char *uuid)
{
    if (!uuid) {
        env->correlation_id[0] = 0;
        return NULL;
    }
    if (!oxk_uuid_valid(uuid))
        return oxk_err_new(OXK_ERR_BUS, "correlation id is not a UUID: %s", uuid);
    snprintf(env->correlation_id, sizeof env->correlation_id, "%s", uuid);
    return NULL;
}

oxk_envelope *oxk_envelope_ref(oxk_envelope *env)
{
    if (env)
        atomic_fetch_add(&env->refs, 1);
    return env;
}

void oxk_envelope_unref(oxk_envelope *env)
{
    if (!env || atomic_fetch_sub(&env->refs, 1) != 1)
        return;
    free_fields(&env->msg);
    free(env->timestamp);
    free(env->source);
    free(env);
}

const char *oxk_envelope_id(const oxk_envelope *e) { return e->id; }
const char *oxk_envelope_source(const oxk_envelope *e) { return e->source; }
const char *oxk_envelope_correlation_id(const oxk_envelope *e)
{
    return e->correlation_id[0] ? e->correlation_id : NULL;
}
const char *oxk_envelope_timestamp(const oxk_envelope *e) { return e->timestamp; }
const oxk_message *oxk_envelope_message(const oxk_envelope *e) { return &e->msg; }

/* ---- Wire format ------------------------------------------------------- */

oxk_err *oxk_envelope_to_value(const oxk_envelope *e, json_t **out)
{
    const oxk_message *m = &e->msg;
    json_t *body = json_object();
    json_t *msg = json_object();
    json_t *env = json_object();
    if (!body || !msg || !env)
        goto oom;
    int rc = json_object_set_new(body, "type", json_string(oxk_msg_type_name(m->type)));
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
    bool cmd = oxk_msg_is_command(m->type);
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
    return oxk_err_new(OXK_ERR_OTHER, "out of memory");
}

oxk_err *oxk_envelope_to_json(const oxk_envelope *e, char **out)
{
    json_t *v;
    oxk_err *err = oxk_envelope_to_value(e, &v);
    if (err)
        return err;
    *out = oxk_json_dump(v);
    json_decref(v);
    return *out ? NULL : oxk_err_new(OXK_ERR_OTHER, "out of memory");
}

/* Fetch a required string member, or say which one is missing/mistyped. */
static oxk_err *need_str(const json_t *obj, const char *where, const char *key,
                         const char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return oxk_err_new(OXK_ERR_SERDE, "%s: missing field `%s`", where, key);
    if (!json_is_string(v))
        return oxk_err_new(OXK_ERR_SERDE, "%s: field `%s` must be a string", where, key);
    *out = json_string_value(v);
    return NULL;
}

oxk_err *oxk_envelope_from_value(const json_t *v, oxk_envelope **out)
{
    *out = NULL;
    oxk_err *err;
    if (!json_is_object(v))
        return oxk_err_new(OXK_ERR_SERDE, "envelope must be a JSON object");
    const char *id = NULL, *source = NULL, *ts = NULL, *kind = NULL, *type = NULL;
    if ((err = need_str(v, "envelope", "id", &id)) ||
        (err = need_str(v, "envelope", "source", &source)) ||
        (err = need_str(v, "envelope", "timestamp", &ts)))
        return err;
    if (!oxk_uuid_valid(id))
        return oxk_err_new(OXK_ERR_SERDE, "envelope: `id` is not a UUID: %s", id);
    if (!oxk_time_valid(ts))
        return oxk_err_new(OXK_ERR_SERDE, "envelope: `timestamp` is not RFC 3339: %s", ts);
    json_t *corr = json_object_get(v, "correlation_id");
    if (corr && !json_is_null(corr) &&
        (!json_is_string(corr) || !oxk_uuid_valid(json_string_value(corr))))
        return oxk_err_new(OXK_ERR_SERDE, "envelope: `correlation_id` must be null or a UUID");
    json_t *msg = json_object_get(v, "message");
    if (!json_is_object(msg))
        return oxk_err_new(OXK_ERR_SERDE, "envelope: `message` must be an object");
    if ((err = need_str(msg, "message", "kind", &kind)))
        return err;
    bool cmd;
    if (!strcmp(kind, "command"))
        cmd = true;
    else if (!strcmp(kind, "event"))
        cmd = false;
    else
        return oxk_err_new(OXK_ERR_SERDE,
                           "message: unknown kind `%s`, expected `command` or `event`", kind);
    const char *where = cmd ? "command" : "event";
    json_t *body = json_object_get(msg, where);
    if (!json_is_object(body))
        return oxk_err_new(OXK_ERR_SERDE, "message: `%s` must be an object", where);
    if ((err = need_str(body, where, "type", &type)))
        return err;
    oxk_message m = {0};
    for (int t = OXK_CMD_START; t <= OXK_EV_PONG; t++)
        if (oxk_msg_is_command(t) == cmd && !strcmp(type, type_names[t]))
            m.type = t;
    if (!m.type)
        return oxk_err_new(OXK_ERR_SERDE, "%s: unknown type `%s`", where, type);
    if (needs_module(m.type) && (err = need_str(body, type, "module_id", &m.module_id)))
        return err;
    if (m.type == OXK_CMD_INVOKE && (err = need_str(body, type, "method", &m.method)))
        return err;
    if (m.type == OXK_EV_CUSTOM && (err = need_str(body, type, "kind", &m.kind)))
        return err;
    if (m.type == OXK_EV_PONG && (err = need_str(body, type, "from", &m.from)))
        return err;
    if (m.type == OXK_CMD_INVOKE || m.type == OXK_EV_CUSTOM) {
        m.payload = json_object_get(body, "payload");
        if (!m.payload)
            return oxk_err_new(OXK_ERR_SERDE, "%s: missing field `payload`", type);
    }
    oxk_envelope *e;
    if ((err = envelope_make(source, &m, id, ts, &e)))
        return err;
    if (json_is_string(corr))
        snprintf(e->correlation_id, sizeof e->correlation_id, "%s", json_string_value(corr));
    *out = e;
    return NULL;
}

oxk_err *oxk_envelope_from_json(const char *text, size_t len, oxk_envelope **out)
{
    json_t *v;
    *out = NULL;
    oxk_err *err = oxk_json_parse(text, len, &v);
    if (err)
        return err;
    err = oxk_envelope_from_value(v, out);
    json_decref(v);
    return err;
}
