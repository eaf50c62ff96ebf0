/* decisions.c — the append-only XAI decision log in the registry's SQLite. */
#include "oxide/kernel/decisions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kutil.h"
#include "registry_internal.h"

struct oxk_decision_log {
    oxk_registry *reg; /* borrowed */
};

oxk_err *oxk_decision_init(oxk_decision *d, const char *actor, const char *action,
                          const char *rationale)
{
    memset(d, 0, sizeof *d);
    if (!actor || !action || !rationale)
        return oxk_err_new(OXK_ERR_OTHER, "a decision needs an actor, an action and a rationale");
    oxk_uuid_v4(d->id);
    oxk_time_now(d->timestamp, false);
    d->actor = strdup(actor);
    d->action = strdup(action);
    d->rationale = strdup(rationale);
    d->inputs = json_null();
    d->output = json_null();
    d->confidence = 1.0f;
    if (!d->actor || !d->action || !d->rationale) {
        oxk_decision_clear(d);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    return NULL;
}

void oxk_decision_set_inputs(oxk_decision *d, json_t *v)
{
    json_decref(d->inputs);
    d->inputs = v ? json_incref(v) : json_null();
}

void oxk_decision_set_output(oxk_decision *d, json_t *v)
{
    json_decref(d->output);
    d->output = v ? json_incref(v) : json_null();
}

void oxk_decision_set_confidence(oxk_decision *d, float c)
{
    d->confidence = isnan(c) ? 0.0f : c < 0.0f ? 0.0f : c > 1.0f ? 1.0f : c;
}

void oxk_decision_clear(oxk_decision *d)
{
    free(d->actor);
    free(d->action);
    free(d->rationale);
    json_decref(d->inputs);
    json_decref(d->output);
    memset(d, 0, sizeof *d);
}

void oxk_decisions_free(oxk_decision *ds, size_t n)
{
    for (size_t i = 0; ds && i < n; i++)
        oxk_decision_clear(&ds[i]);
    free(ds);
}

oxk_err *oxk_decision_log_open(oxk_registry *r, oxk_decision_log **out)
{
    *out = NULL;
    sqlite3 *db = oxk_registry_db_lock(r);
    oxk_err *err = NULL;
    if (sqlite3_exec(db,
                     "CREATE TABLE IF NOT EXISTS xai_decisions (id TEXT PRIMARY KEY,"
                     " timestamp TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
                     " rationale TEXT NOT NULL, inputs TEXT NOT NULL, output TEXT NOT NULL,"
                     " confidence REAL NOT NULL);"
                     "CREATE INDEX IF NOT EXISTS idx_xai_actor_time ON xai_decisions"
                     " (actor, timestamp DESC);",
                     NULL, NULL, NULL) != SQLITE_OK)
        err = oxk_registry_sql_error(db, "create xai_decisions");
    oxk_registry_db_unlock(r);
    if (err)
        return err;
    oxk_decision_log *log = calloc(1, sizeof *log);
    if (!log)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    log->reg = r;
    *out = log;
    return NULL;
}

void oxk_decision_log_free(oxk_decision_log *log) { free(log); }

oxk_err *oxk_decision_log_append(oxk_decision_log *log, const oxk_decision *d, char *id_out)
{
    if (!d->actor || !d->action || !d->rationale)
        return oxk_err_new(OXK_ERR_OTHER, "decision is not initialised");
    char *in = oxk_json_dump(d->inputs ? d->inputs : json_null());
    char *outj = oxk_json_dump(d->output ? d->output : json_null());
    oxk_err *err = NULL;
    if (!in || !outj) {
        err = oxk_err_new(OXK_ERR_SERDE, "decision inputs/output cannot be encoded");
        free(in);
        free(outj);
        return err;
    }
    sqlite3 *db = oxk_registry_db_lock(log->reg);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO xai_decisions VALUES (?,?,?,?,?,?,?,?)", -1, &s,
                           NULL) != SQLITE_OK) {
        err = oxk_registry_sql_error(db, "log decision");
        goto out;
    }
    sqlite3_bind_text(s, 1, d->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, d->timestamp, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, d->actor, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, d->action, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, d->rationale, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, in, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 7, outj, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 8, (double)d->confidence);
    if (sqlite3_step(s) != SQLITE_DONE)
        err = oxk_registry_sql_error(db, "log decision");
    else if (id_out)
        memcpy(id_out, d->id, sizeof d->id);
out:
    sqlite3_finalize(s);
    oxk_registry_db_unlock(log->reg);
    free(in);
    free(outj);
    return err;
}

static oxk_err *decode(sqlite3_stmt *s, oxk_decision *d)
{
    memset(d, 0, sizeof *d);
    const char *id = (const char *)sqlite3_column_text(s, 0);
    const char *ts = (const char *)sqlite3_column_text(s, 1);
    if (!ts || !oxk_time_valid(ts) || strlen(ts) >= sizeof d->timestamp)
        return oxk_err_new(OXK_ERR_OTHER, "bad timestamp: %s", ts ? ts : "NULL");
    if (!oxk_uuid_valid(id))
        return oxk_err_new(OXK_ERR_OTHER, "bad uuid: %s", id ? id : "NULL");
    const char *actor = (const char *)sqlite3_column_text(s, 2);
    const char *action = (const char *)sqlite3_column_text(s, 3);
    const char *why = (const char *)sqlite3_column_text(s, 4);
    const char *in = (const char *)sqlite3_column_text(s, 5);
    const char *outj = (const char *)sqlite3_column_text(s, 6);
    if (!actor || !action || !why || !in || !outj)
        return oxk_err_new(OXK_ERR_REGISTRY, "decision %s has a NULL column", id);
    oxk_err *err;
    json_t *iv, *ov;
    if ((err = oxk_json_parse(in, strlen(in), &iv)))
        return oxk_err_wrap(err, "decision %s inputs", id);
    if ((err = oxk_json_parse(outj, strlen(outj), &ov))) {
        json_decref(iv);
        return oxk_err_wrap(err, "decision %s output", id);
    }
    memcpy(d->id, id, 37);
    snprintf(d->timestamp, sizeof d->timestamp, "%s", ts);
    d->actor = strdup(actor);
    d->action = strdup(action);
    d->rationale = strdup(why);
    d->inputs = iv;
    d->output = ov;
    /* Stored widened to double; narrowing gives back the exact float. */
    d->confidence = (float)sqlite3_column_double(s, 7);
    if (!d->actor || !d->action || !d->rationale) {
        oxk_decision_clear(d);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    return NULL;
}

static oxk_err *query(oxk_decision_log *log, const char *sql, const char *text_arg,
                      int64_t int_arg, oxk_decision **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3 *db = oxk_registry_db_lock(log->reg);
    sqlite3_stmt *s = NULL;
    oxk_err *err = NULL;
    oxk_decision *ds = NULL;
    size_t len = 0, cap = 0;
    int rc;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        err = oxk_registry_sql_error(db, "query decisions");
        goto out;
    }
    if (text_arg)
        sqlite3_bind_text(s, 1, text_arg, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(s, 1, int_arg);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 8;
            oxk_decision *nd = realloc(ds, nc * sizeof *nd);
            if (!nd) {
                err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
                goto out;
            }
            ds = nd;
            cap = nc;
        }
        if ((err = decode(s, &ds[len])))
            goto out;
        len++;
    }
    if (rc != SQLITE_DONE)
        err = oxk_registry_sql_error(db, "query decisions");
out:
    sqlite3_finalize(s);
    oxk_registry_db_unlock(log->reg);
    if (err) {
        oxk_decisions_free(ds, len);
        return err;
    }
    *out = ds;
    *n = len;
    return NULL;
}

#define COLS "SELECT id, timestamp, actor, action, rationale, inputs, output, confidence " \
             "FROM xai_decisions "

oxk_err *oxk_decision_log_recent(oxk_decision_log *log, int64_t limit, oxk_decision **out,
                                size_t *n)
{
    return query(log, COLS "ORDER BY timestamp DESC, rowid DESC LIMIT ?", NULL, limit, out, n);
}

oxk_err *oxk_decision_log_by_actor(oxk_decision_log *log, const char *actor, oxk_decision **out,
                                  size_t *n)
{
    return query(log, COLS "WHERE actor = ? ORDER BY timestamp DESC, rowid DESC",
                 actor ? actor : "", 0, out, n);
}

oxk_err *oxk_decision_log_count(oxk_decision_log *log, int64_t *out)
{
    sqlite3 *db = oxk_registry_db_lock(log->reg);
    sqlite3_stmt *s = NULL;
    oxk_err *err = NULL;
    *out = 0;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM xai_decisions", -1, &s, NULL) !=
            SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW)
        err = oxk_registry_sql_error(db, "count decisions");
    else
        *out = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    oxk_registry_db_unlock(log->reg);
    return err;
}
