/* registry.c — the SQLite state registry: modules and config tables. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cipher.h"
#include "kutil.h"
#include "registry_internal.h"

struct oxk_registry {
    pthread_mutex_t mu; /* one connection, one user at a time */
    sqlite3 *db;
    bool encrypted;
    oxk_cipher cipher;
};

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS modules ("
    " id TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,"
    " kind TEXT NOT NULL, state TEXT NOT NULL, description TEXT,"
    " updated_at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS config ("
    " key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);";

oxk_err *oxk_registry_sql_error(sqlite3 *db, const char *what)
{
    return oxk_err_new(OXK_ERR_REGISTRY, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
}

sqlite3 *oxk_registry_db_lock(oxk_registry *r)
{
    pthread_mutex_lock(&r->mu);
    return r->db;
}

void oxk_registry_db_unlock(oxk_registry *r) { pthread_mutex_unlock(&r->mu); }

static oxk_err *open_db(const char *path, bool file, const char *key, oxk_registry **out)
{
    *out = NULL;
    oxk_registry *r = calloc(1, sizeof *r);
    if (!r)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    pthread_mutex_init(&r->mu, NULL);
    /* FULLMUTEX on top of our own lock costs little and protects against
       a future caller of oxk_registry_db_lock() that forgets the rules. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
    oxk_err *err = NULL;
    if (sqlite3_open_v2(path, &r->db, flags, NULL) != SQLITE_OK) {
        err = oxk_err_new(OXK_ERR_REGISTRY, "cannot open %s: %s", file ? path : "in-memory database",
                          r->db ? sqlite3_errmsg(r->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(r->db, 5000);
    if (file && sqlite3_exec(r->db, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL) != SQLITE_OK) {
        err = oxk_registry_sql_error(r->db, "enable WAL");
        goto fail;
    }
    if (sqlite3_exec(r->db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK) {
        err = oxk_registry_sql_error(r->db, file ? path : "create schema");
        goto fail;
    }
    if (key) {
        r->encrypted = true;
        oxk_cipher_init(&r->cipher, key);
    }
    *out = r;
    return NULL;
fail:
    sqlite3_close(r->db);
    pthread_mutex_destroy(&r->mu);
    free(r);
    return err;
}

oxk_err *oxk_registry_open_memory(oxk_registry **out)
{
    /* ":memory:" is private to this connection, and we keep exactly one. */
    return open_db(":memory:", false, NULL, out);
}

oxk_err *oxk_registry_open(const char *path, const char *key, oxk_registry **out)
{
    if (!path || !*path) {
        *out = NULL;
        return oxk_err_new(OXK_ERR_REGISTRY, "registry path is empty");
    }
    return open_db(path, true, key, out);
}

void oxk_registry_free(oxk_registry *r)
{
    if (!r)
        return;
    sqlite3_close(r->db);
    pthread_mutex_destroy(&r->mu);
    /* The derived key is wiped so it does not linger in freed memory. */
    OPENSSL_cleanse(&r->cipher, sizeof r->cipher);
    free(r);
}

bool oxk_registry_encrypted(const oxk_registry *r) { return r->encrypted; }

oxk_err *oxk_registry_key_from_env(const char **out)
{
    const char *k = getenv("OXIDE_REGISTRY_KEY");
    *out = NULL;
    if (!k || !*k)
        return oxk_err_new(OXK_ERR_OTHER, "OXIDE_REGISTRY_KEY env var %s; set it or call "
                                          "open_encrypted with an explicit key",
                           k ? "is empty" : "not set");
    *out = k;
    return NULL;
}

void oxk_module_record_clear(oxk_module_record *r)
{
    oxk_module_meta_clear(&r->meta);
    free(r->updated_at);
    memset(r, 0, sizeof *r);
}

void oxk_module_records_free(oxk_module_record *rs, size_t n)
{
    for (size_t i = 0; rs && i < n; i++)
        oxk_module_record_clear(&rs[i]);
    free(rs);
}

/* ---- modules ----------------------------------------------------------- */

/* `"native"` — the JSON encoding of the enum name, quotes included. */
static void quoted(char *buf, size_t n, const char *name) { snprintf(buf, n, "\"%s\"", name); }

oxk_err *oxk_registry_upsert_module(oxk_registry *r, const oxk_module_meta *m, oxk_module_state st)
{
    if (!m || !m->id || !m->name || !m->version)
        return oxk_err_new(OXK_ERR_MODULE, "module metadata needs an id, a name and a version");
    char kind[32], state[32], now[OXK_TIME_LEN + 1];
    quoted(kind, sizeof kind, oxk_module_kind_name(m->kind));
    quoted(state, sizeof state, oxk_module_state_name(st));
    oxk_time_now(now, false);
    sqlite3 *db = oxk_registry_db_lock(r);
    sqlite3_stmt *s = NULL;
    oxk_err *err = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO modules (id, name, version, kind, state, description, "
                           "updated_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                           "name=excluded.name, version=excluded.version, kind=excluded.kind, "
                           "state=excluded.state, description=excluded.description, "
                           "updated_at=excluded.updated_at",
                           -1, &s, NULL) != SQLITE_OK) {
        err = oxk_registry_sql_error(db, "upsert module");
        goto out;
    }
    sqlite3_bind_text(s, 1, m->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, m->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, m->version, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, state, -1, SQLITE_TRANSIENT);
    if (m->description)
        sqlite3_bind_text(s, 6, m->description, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 6);
    sqlite3_bind_text(s, 7, now, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE)
        err = oxk_registry_sql_error(db, "upsert module");
out:
    sqlite3_finalize(s);
    oxk_registry_db_unlock(r);
    return err;
}

oxk_err *oxk_registry_set_module_state(oxk_registry *r, const char *id, oxk_module_state st)
{
    char state[32], now[OXK_TIME_LEN + 1];
    quoted(state, sizeof state, oxk_module_state_name(st));
    oxk_time_now(now, false);
    sqlite3 *db = oxk_registry_db_lock(r);
    sqlite3_stmt *s = NULL;
    oxk_err *err = NULL;
    if (sqlite3_prepare_v2(db, "UPDATE modules SET state=?, updated_at=? WHERE id=?", -1, &s,
                           NULL) != SQLITE_OK) {
        err = oxk_registry_sql_error(db, "set module state");
        goto out;
    }
    sqlite3_bind_text(s, 1, state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, id ? id : "", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE)
        err = oxk_registry_sql_error(db, "set module state");
    else if (sqlite3_changes(db) == 0)
        err = oxk_err_new(OXK_ERR_UNKNOWN_MODULE, "%s", id ? id : "");
out:
    sqlite3_finalize(s);
    oxk_registry_db_unlock(r);
    return err;
}

static char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

/* Decode a `"name"` column: JSON string first (SERDE if not), then the
   enum name (SERDE if unknown, as serde would say "unknown variant"). */
static oxk_err *decode_enum(sqlite3_stmt *s, int col, const char *what, int *out,
                            bool (*parse)(const char *, void *))
{
    const char *t = (const char *)sqlite3_column_text(s, col);
    if (!t)
        return oxk_err_new(OXK_ERR_REGISTRY, "column `%s` is NULL", what);
    json_t *v;
    oxk_err *err = oxk_json_parse(t, strlen(t), &v);
    if (err)
        return oxk_err_wrap(err, "column `%s`", what);
    bool ok = json_is_string(v) && parse(json_string_value(v), out);
    json_decref(v);
    if (!ok)
        return oxk_err_new(OXK_ERR_SERDE, "column `%s`: unknown variant %s", what, t);
    return NULL;
}

static bool parse_kind(const char *s, void *out) { return oxk_module_kind_parse(s, out); }
static bool parse_state(const char *s, void *out) { return oxk_module_state_parse(s, out); }

static oxk_err *decode_row(sqlite3_stmt *s, oxk_module_record *rec)
{
    memset(rec, 0, sizeof *rec);
    int kind = 0, state = 0;
    oxk_err *err;
    if ((err = decode_enum(s, 3, "kind", &kind, parse_kind)) ||
        (err = decode_enum(s, 4, "state", &state, parse_state)))
        return err;
    const char *ts = (const char *)sqlite3_column_text(s, 6);
    if (!ts || !oxk_time_valid(ts))
        return oxk_err_new(OXK_ERR_OTHER, "invalid updated_at: %s", ts ? ts : "NULL");
    rec->meta.kind = (oxk_module_kind)kind;
    rec->state = (oxk_module_state)state;
    rec->meta.id = col_text(s, 0);
    rec->meta.name = col_text(s, 1);
    rec->meta.version = col_text(s, 2);
    rec->meta.description = col_text(s, 5);
    rec->updated_at = strdup(ts);
    if (!rec->meta.id || !rec->meta.name || !rec->meta.version || !rec->updated_at) {
        oxk_module_record_clear(rec);
        return oxk_err_new(OXK_ERR_REGISTRY, "module row has a NULL column");
    }
    return NULL;
}

#define MODULE_COLUMNS "SELECT id, name, version, kind, state, description, updated_at FROM modules"

oxk_err *oxk_registry_get_module(oxk_registry *r, const char *id, bool *found,
                                oxk_module_record *out)
{
    *found = false;
    sqlite3 *db = oxk_registry_db_lock(r);
    sqlite3_stmt *s = NULL;
    oxk_err *err = NULL;
    if (sqlite3_prepare_v2(db, MODULE_COLUMNS " WHERE id=?", -1, &s, NULL) != SQLITE_OK) {
        err = oxk_registry_sql_error(db, "get module");
        goto out;
    }
    sqlite3_bind_text(s, 1, id ? id : "", -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        if (!(err = decode_row(s, out)))
            *found = true;
    } else if (rc != SQLITE_DONE) {
        err = oxk_registry_sql_error(db, "get module");
    }
out:
    sqlite3_finalize(s);
    oxk_registry_db_unlock(r);
    return err;
}

oxk_err *oxk_registry_list_modules(oxk_registry *r, oxk_module_record **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3 *db = oxk_registry_db_lock(r);
    sqlite3_stmt *s = NULL;
    oxk_err *err = NULL;
    oxk_module_record *rs = NULL;
    size_t len = 0, cap = 0;
    int rc;
    if (sqlite3_prepare_v2(db, MODULE_COLUMNS " ORDER BY id", -1, &s, NULL) != SQLITE_OK) {
        err = oxk_registry_sql_error(db, "list modules");
        goto out;
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 8;
            oxk_module_record *nr = realloc(rs, nc * sizeof *nr);
            if (!nr) {
                err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
                goto out;
            }
            rs = nr;
            cap = nc;
        }
        if ((err = decode_row(s, &rs[len])))
            goto out;
        len++;
    }
    if (rc != SQLITE_DONE)
        err = oxk_registry_sql_error(db, "list modules");
out:
    sqlite3_finalize(s);
    oxk_registry_db_unlock(r);
    if (err) {
        oxk_module_records_free(rs, len);
        return err;
    }
    *out = rs;
    *n = len;
    return NULL;
}

/* Run a one-parameter DELETE and report whether a row went. */
static oxk_err *delete_one(oxk_registry *r, const char *sql, const char *what, const char *arg,
                           bool *removed)
{
    sqlite3 *db = oxk_registry_db_lock(r);
    sqlite3_stmt *s = NULL;
    oxk_err *err = NULL;
    if (removed)
        *removed = false;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        err = oxk_registry_sql_error(db, what);
        goto out;
    }
    sqlite3_bind_text(s, 1, arg ? arg : "", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE)
        err = oxk_registry_sql_error(db, what);
    else if (removed)
        *removed = sqlite3_changes(db) > 0;
out:
    sqlite3_finalize(s);
    oxk_registry_db_unlock(r);
    return err;
}

oxk_err *oxk_registry_delete_module(oxk_registry *r, const char *id, bool *removed)
{
    return delete_one(r, "DELETE FROM modules WHERE id=?", "delete module", id, removed);
}

/* ---- config ------------------------------------------------------------ */

oxk_err *oxk_registry_set_config(oxk_registry *r, const char *key, const json_t *value)
{
    if (!key)
        return oxk_err_new(OXK_ERR_REGISTRY, "config key is NULL");
    if (!value)
        return oxk_err_new(OXK_ERR_SERDE, "config value for `%s` is NULL", key);
    char *text = oxk_json_dump(value);
    if (!text)
        return oxk_err_new(OXK_ERR_SERDE, "config value for `%s` cannot be encoded", key);
    oxk_err *err = NULL;
    if (r->encrypted) {
        char *sealed;
        err = oxk_cipher_seal(&r->cipher, text, strlen(text), &sealed);
        free(text);
        if (err)
            return err;
        text = sealed;
    }
    char now[OXK_TIME_LEN + 1];
    oxk_time_now(now, false);
    sqlite3 *db = oxk_registry_db_lock(r);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO config (key, value, updated_at) VALUES (?,?,?) "
                           "ON CONFLICT(key) DO UPDATE SET value=excluded.value, "
                           "updated_at=excluded.updated_at",
                           -1, &s, NULL) != SQLITE_OK) {
        err = oxk_registry_sql_error(db, "set config");
        goto out;
    }
    sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, now, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE)
        err = oxk_registry_sql_error(db, "set config");
out:
    sqlite3_finalize(s);
    oxk_registry_db_unlock(r);
    free(text);
    return err;
}

oxk_err *oxk_registry_get_config(oxk_registry *r, const char *key, json_t **out)
{
    *out = NULL;
    sqlite3 *db = oxk_registry_db_lock(r);
    sqlite3_stmt *s = NULL;
    oxk_err *err = NULL;
    char *text = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM config WHERE key=?", -1, &s, NULL) !=
        SQLITE_OK) {
        err = oxk_registry_sql_error(db, "get config");
        goto out;
    }
    sqlite3_bind_text(s, 1, key ? key : "", -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        text = col_text(s, 0);
        if (!text)
            err = oxk_err_new(OXK_ERR_REGISTRY, "config value for `%s` is NULL", key);
    } else if (rc == SQLITE_DONE) {
        err = oxk_err_new(OXK_ERR_CONFIG_NOT_FOUND, "%s", key ? key : "");
    } else {
        err = oxk_registry_sql_error(db, "get config");
    }
out:
    sqlite3_finalize(s);
    oxk_registry_db_unlock(r);
    if (!err && r->encrypted) {
        char *plain;
        err = oxk_cipher_open(&r->cipher, text, &plain);
        free(text);
        text = err ? NULL : plain;
    }
    if (!err)
        err = oxk_json_parse(text, strlen(text), out);
    free(text);
    return err;
}

oxk_err *oxk_registry_try_get_config(oxk_registry *r, const char *key, json_t **out)
{
    oxk_err *err = oxk_registry_get_config(r, key, out);
    if (err && oxk_err_code_of(err) == OXK_ERR_CONFIG_NOT_FOUND) {
        oxk_err_free(err);
        return NULL;
    }
    return err;
}

oxk_err *oxk_registry_delete_config(oxk_registry *r, const char *key, bool *removed)
{
    return delete_one(r, "DELETE FROM config WHERE key=?", "delete config", key, removed);
}
