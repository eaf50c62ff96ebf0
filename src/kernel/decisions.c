/* decisions.c — the append-only XAI decision log in the registry's SQLite. */
#include "oxide/kernel/decisions.h"

#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kutil.h"
#include "registry_internal.h"

/* The statements an append runs, prepared once and kept: compiling them
   anew each time was most of an append's cost. */
enum { ST_BEGIN, ST_HEAD, ST_INSERT, ST_SET_HEAD, ST_COMMIT, ST_ROLLBACK, ST_N };
static const char *const SQL[ST_N] = {
    "BEGIN IMMEDIATE",
    "SELECT entries, head FROM xai_chain WHERE k = 0",
    ("INSERT INTO xai_decisions (id, timestamp, actor, action, rationale, inputs, output, confidence,"
     " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)"),
    "INSERT OR REPLACE INTO xai_chain (k, entries, head) VALUES (0, ?, ?)",
    "COMMIT",
    "ROLLBACK",
};

struct oxk_decision_log {
    oxk_registry *reg;       /* borrowed */
    sqlite3_stmt *st[ST_N];  /* used under the registry's lock */
};

/* Statement i, prepared on first use, ready to bind and step (NULL when
   it cannot be prepared: the caller reports the database's error). */
static sqlite3_stmt *stmt(oxk_decision_log *log, sqlite3 *db, int i)
{
    if (!log->st[i] && sqlite3_prepare_v3(db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &log->st[i], NULL) != SQLITE_OK)
        return NULL;
    sqlite3_reset(log->st[i]);
    sqlite3_clear_bindings(log->st[i]);
    return log->st[i];
}

/* Run statement i to completion (no rows): true when it did. */
static bool run(oxk_decision_log *log, sqlite3 *db, int i)
{
    sqlite3_stmt *s = stmt(log, db, i);
    bool ok = s && sqlite3_step(s) == SQLITE_DONE;
    if (s)
        sqlite3_reset(s);
    return ok;
}

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

static bool has_column(sqlite3 *db, const char *name)
{
    sqlite3_stmt *s = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('xai_decisions') WHERE name = ?", -1, &s,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(s) == SQLITE_ROW;
    }
    sqlite3_finalize(s);
    return found;
}

/* ---- The hash chain ----------------------------------------------------------
   Each entry's hash covers the previous entry's hash and every column of
   its own, each field prefixed with its length (so no two entries encode
   alike): SHA-256 hex. The first entry's previous hash is 64 zeros. The
   chain's head (entries, last hash) is kept in xai_chain, so removing
   entries from the end is seen too. */
#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static bool entry_hash(const char *prev, const char *const f[7], double confidence, char out[65])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    char num[48];
    snprintf(num, sizeof num, "%.17g", confidence);
    const char *parts[9] = {prev, f[0], f[1], f[2], f[3], f[4], f[5], f[6], num};
    for (int i = 0; ok && i < 9; i++) {
        char len[24];
        int k = snprintf(len, sizeof len, "%zu:", strlen(parts[i]));
        ok = EVP_DigestUpdate(ctx, len, (size_t)k) && EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
    }
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    ok = ok && EVP_DigestFinal_ex(ctx, d, &n) && n == 32;
    EVP_MD_CTX_free(ctx);
    if (ok)
        oxk_hex(d, 32, out);
    return ok;
}

/* The chain's head: entries so far and the last hash (GENESIS when empty). */
static bool chain_head(oxk_decision_log *log, sqlite3 *db, int64_t *entries, char head[65])
{
    sqlite3_stmt *s = stmt(log, db, ST_HEAD);
    *entries = 0;
    snprintf(head, 65, "%s", GENESIS);
    if (s && sqlite3_step(s) == SQLITE_ROW) {
        *entries = sqlite3_column_int64(s, 0);
        const char *h = (const char *)sqlite3_column_text(s, 1);
        snprintf(head, 65, "%s", h ? h : "");
    }
    if (s)
        sqlite3_reset(s);
    return s != NULL;
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
                     " (actor, timestamp DESC);"
                     "CREATE TABLE IF NOT EXISTS xai_chain (k INTEGER PRIMARY KEY CHECK (k = 0),"
                     " entries INTEGER NOT NULL, head TEXT NOT NULL);",
                     NULL, NULL, NULL) != SQLITE_OK)
        err = oxk_registry_sql_error(db, "create xai_decisions");
    /* The hash chain's columns, added to a log made before it (its old
       entries have none, which verify reports). */
    if (!err && !has_column(db, "hash") &&
        sqlite3_exec(db, "ALTER TABLE xai_decisions ADD COLUMN prev_hash TEXT;"
                         "ALTER TABLE xai_decisions ADD COLUMN hash TEXT;",
                     NULL, NULL, NULL) != SQLITE_OK)
        err = oxk_registry_sql_error(db, "add the hash chain to xai_decisions");
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

void oxk_decision_log_free(oxk_decision_log *log)
{
    if (!log)
        return;
    oxk_registry_db_lock(log->reg);
    for (int i = 0; i < ST_N; i++)
        sqlite3_finalize(log->st[i]);
    oxk_registry_db_unlock(log->reg);
    free(log);
}

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
    double c = (double)d->confidence;
    const char *f[7] = {d->id, d->timestamp, d->actor, d->action, d->rationale, in, outj};
    sqlite3 *db = oxk_registry_db_lock(log->reg);
    sqlite3_stmt *s;
    int64_t entries;
    char prev[65], hash[65];
    /* One transaction: the entry and the new head, or neither. */
    if (!run(log, db, ST_BEGIN)) {
        err = oxk_registry_sql_error(db, "log decision");
        goto out;
    }
    if (!chain_head(log, db, &entries, prev) || !entry_hash(prev, f, c, hash)) {
        err = oxk_registry_sql_error(db, "log decision (hash chain)");
        goto rollback;
    }
    if (!(s = stmt(log, db, ST_INSERT))) {
        err = oxk_registry_sql_error(db, "log decision");
        goto rollback;
    }
    for (int i = 0; i < 7; i++)
        sqlite3_bind_text(s, i + 1, f[i], -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 8, c);
    sqlite3_bind_text(s, 9, prev, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 10, hash, -1, SQLITE_STATIC);
    bool done = sqlite3_step(s) == SQLITE_DONE;
    if (!done) { /* the error before the reset clears it */
        err = oxk_registry_sql_error(db, "log decision");
        sqlite3_reset(s);
        goto rollback;
    }
    sqlite3_reset(s);
    if (!(s = stmt(log, db, ST_SET_HEAD))) {
        err = oxk_registry_sql_error(db, "log decision (chain head)");
        goto rollback;
    }
    sqlite3_bind_int64(s, 1, entries + 1);
    sqlite3_bind_text(s, 2, hash, -1, SQLITE_STATIC);
    done = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    if (!done || !run(log, db, ST_COMMIT)) {
        err = oxk_registry_sql_error(db, "log decision (chain head)");
        goto rollback;
    }
    if (id_out)
        memcpy(id_out, d->id, sizeof d->id);
    goto out;
rollback:
    run(log, db, ST_ROLLBACK);
out:
    oxk_registry_db_unlock(log->reg);
    free(in);
    free(outj);
    return err;
}

oxk_err *oxk_decision_log_verify(oxk_decision_log *log, oxk_log_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->ok = true;
    sqlite3 *db = oxk_registry_db_lock(log->reg);
    sqlite3_stmt *s = NULL;
    oxk_err *err = NULL;
    char expect[65] = GENESIS;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, timestamp, actor, action, rationale, inputs, output, confidence,"
                           " prev_hash, hash FROM xai_decisions ORDER BY rowid",
                           -1, &s, NULL) != SQLITE_OK) {
        err = oxk_registry_sql_error(db, "verify decisions");
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        v->entries++;
        const char *f[7];
        for (int i = 0; i < 7; i++) {
            f[i] = (const char *)sqlite3_column_text(s, i);
            if (!f[i])
                f[i] = "";
        }
        const char *prev = (const char *)sqlite3_column_text(s, 8);
        const char *hash = (const char *)sqlite3_column_text(s, 9);
        char again[65];
        if (!prev || !hash) {
            snprintf(v->problem, sizeof v->problem, "entry %lld (%.36s) has no hash: it was written before "
                     "the chain, or its hash was erased", (long long)v->entries, f[0]);
        } else if (strcmp(prev, expect)) {
            snprintf(v->problem, sizeof v->problem, "the chain breaks at entry %lld (%.36s): an entry before "
                     "it was removed, inserted or moved", (long long)v->entries, f[0]);
        } else if (!entry_hash(prev, f, sqlite3_column_double(s, 7), again) || strcmp(again, hash)) {
            snprintf(v->problem, sizeof v->problem, "entry %lld (%.36s) was changed after it was written",
                     (long long)v->entries, f[0]);
        } else {
            snprintf(expect, sizeof expect, "%s", hash);
            continue;
        }
        v->ok = false;
        break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        err = oxk_registry_sql_error(db, "verify decisions");
        goto out;
    }
    snprintf(v->head, sizeof v->head, "%s", expect);
    int64_t entries;
    char head[65];
    if (v->ok && chain_head(log, db, &entries, head) && (entries != v->entries || strcmp(head, expect))) {
        v->ok = false;
        snprintf(v->problem, sizeof v->problem, "the log holds %lld entries but its head records %lld: "
                 "entries were removed from the end, or the head was changed",
                 (long long)v->entries, (long long)entries);
    }
out:
    sqlite3_finalize(s);
    oxk_registry_db_unlock(log->reg);
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
