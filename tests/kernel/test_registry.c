/* test_registry.c — the SQLite registry: the reference's registry tests,
   its encodings, row-decoding errors, and encrypted config values. */
#include <unistd.h>

#include "check.h"
#include "cipher.h"
#include "kutil.h"
#include "registry_internal.h"

static oxk_module_meta meta(const char *id, oxk_module_kind kind)
{
    oxk_module_meta m = {.id = id, .name = "Mirror", .version = "0.1.0", .kind = kind,
                        .description = "mirrors things"};
    return m;
}

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static void in_memory_registry_runs_migrations(void)
{
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    oxk_module_record *rs;
    size_t n = 99;
    OK(oxk_registry_list_modules(r, &rs, &n));
    CHECK(n == 0);
    oxk_module_records_free(rs, n);
    oxk_registry_free(r);
}

static void upsert_and_get_module(void)
{
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    oxk_module_meta m = meta("mirror", OXK_MODULE_NATIVE);
    OK(oxk_registry_upsert_module(r, &m, OXK_STATE_LOADED));
    bool found;
    oxk_module_record rec;
    OK(oxk_registry_get_module(r, "mirror", &found, &rec));
    CHECK(found);
    CHECK(rec.meta.kind == OXK_MODULE_NATIVE);
    CHECK(rec.state == OXK_STATE_LOADED);
    CHECK_STR(rec.meta.description, "mirrors things");
    CHECK(oxk_time_valid(rec.updated_at));
    CHECK(strlen(rec.updated_at) == OXK_TIME_LEN && strstr(rec.updated_at, "+00:00"));
    oxk_module_record_clear(&rec);
    OK(oxk_registry_upsert_module(r, &m, OXK_STATE_RUNNING));
    OK(oxk_registry_get_module(r, "mirror", &found, &rec));
    CHECK(found && rec.state == OXK_STATE_RUNNING);
    oxk_module_record_clear(&rec);
    OK(oxk_registry_get_module(r, "absent", &found, &rec));
    CHECK(!found);
    oxk_registry_free(r);
}

static void set_module_state_updates_only_state(void)
{
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    oxk_module_meta m = meta("compress", OXK_MODULE_WASM);
    m.name = "Compress";
    OK(oxk_registry_upsert_module(r, &m, OXK_STATE_LOADED));
    OK(oxk_registry_set_module_state(r, "compress", OXK_STATE_RUNNING));
    bool found;
    oxk_module_record rec;
    OK(oxk_registry_get_module(r, "compress", &found, &rec));
    CHECK(found && rec.state == OXK_STATE_RUNNING);
    CHECK_STR(rec.meta.name, "Compress");
    CHECK(rec.meta.kind == OXK_MODULE_WASM);
    oxk_module_record_clear(&rec);
    oxk_registry_free(r);
}

static void set_module_state_unknown_errors(void)
{
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    oxk_err *e = EXPECT_ERR(oxk_registry_set_module_state(r, "ghost", OXK_STATE_RUNNING),
                            OXK_ERR_UNKNOWN_MODULE);
    CHECK_STR(oxk_err_message(e), "unknown module: ghost");
    oxk_err_free(e);
    oxk_registry_free(r);
}

static void list_is_ordered_by_id(void)
{
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    const char *ids[] = {"zeta", "alpha", "mid"};
    for (int i = 0; i < 3; i++) {
        oxk_module_meta m = meta(ids[i], OXK_MODULE_NATIVE);
        m.description = NULL;
        OK(oxk_registry_upsert_module(r, &m, OXK_STATE_LOADED));
    }
    oxk_module_record *rs;
    size_t n;
    OK(oxk_registry_list_modules(r, &rs, &n));
    CHECK(n == 3);
    if (n == 3) {
        CHECK_STR(rs[0].meta.id, "alpha");
        CHECK_STR(rs[1].meta.id, "mid");
        CHECK_STR(rs[2].meta.id, "zeta");
        CHECK(rs[0].meta.description == NULL);
    }
    oxk_module_records_free(rs, n);
    bool removed;
    OK(oxk_registry_delete_module(r, "mid", &removed));
    CHECK(removed);
    OK(oxk_registry_delete_module(r, "mid", &removed));
    CHECK(!removed);
    oxk_registry_free(r);
}

/* The columns hold the JSON encoding of the enums, quotes included. */
static void columns_use_reference_encodings(void)
{
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    oxk_module_meta m = meta("mirror", OXK_MODULE_NATIVE);
    OK(oxk_registry_upsert_module(r, &m, OXK_STATE_RUNNING));
    json_t *v = json_pack("{s:s,s:i}", "url", "http://x", "retries", 3);
    OK(oxk_registry_set_config(r, "svc", v));
    json_decref(v);
    sqlite3 *db = oxk_registry_db_lock(r);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "SELECT kind, state FROM modules WHERE id='mirror'", -1, &s, NULL);
    CHECK(sqlite3_step(s) == SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(s, 0), "\"native\"");
    CHECK_STR((const char *)sqlite3_column_text(s, 1), "\"running\"");
    sqlite3_finalize(s);
    sqlite3_prepare_v2(db, "SELECT value FROM config WHERE key='svc'", -1, &s, NULL);
    CHECK(sqlite3_step(s) == SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(s, 0), "{\"url\":\"http://x\",\"retries\":3}");
    sqlite3_finalize(s);
    oxk_registry_db_unlock(r);
    oxk_registry_free(r);
}

static void plant(oxk_registry *r, const char *sql)
{
    sqlite3 *db = oxk_registry_db_lock(r);
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    oxk_registry_db_unlock(r);
}

static void bad_rows_give_clear_errors(void)
{
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    bool found;
    oxk_module_record rec;
    plant(r, "INSERT INTO modules VALUES ('a','A','1','native','\"loaded\"',NULL,"
             "'2026-01-01T00:00:00+00:00')");
    oxk_err *e = EXPECT_ERR(oxk_registry_get_module(r, "a", &found, &rec), OXK_ERR_SERDE);
    CHECK_CONTAINS(oxk_err_message(e), "kind");
    oxk_err_free(e);
    plant(r, "INSERT INTO modules VALUES ('b','B','1','\"native\"','\"sleeping\"',NULL,"
             "'2026-01-01T00:00:00+00:00')");
    e = EXPECT_ERR(oxk_registry_get_module(r, "b", &found, &rec), OXK_ERR_SERDE);
    CHECK_CONTAINS(oxk_err_message(e), "sleeping");
    oxk_err_free(e);
    plant(r, "INSERT INTO modules VALUES ('c','C','1','\"native\"','\"loaded\"',NULL,'noon')");
    e = EXPECT_ERR(oxk_registry_get_module(r, "c", &found, &rec), OXK_ERR_OTHER);
    CHECK_STR(oxk_err_message(e), "invalid updated_at: noon");
    oxk_err_free(e);
    oxk_module_record *rs;
    size_t n;
    oxk_err_free(EXPECT_ERR(oxk_registry_list_modules(r, &rs, &n), OXK_ERR_SERDE));
    CHECK(rs == NULL && n == 0);
    plant(r, "INSERT INTO config VALUES ('k','{oops','2026-01-01T00:00:00+00:00')");
    json_t *v;
    oxk_err_free(EXPECT_ERR(oxk_registry_get_config(r, "k", &v), OXK_ERR_SERDE));
    oxk_registry_free(r);
}

static void config_round_trip(void)
{
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    json_t *v = json_integer(8), *got;
    OK(oxk_registry_set_config(r, "n", v));
    json_decref(v);
    OK(oxk_registry_get_config(r, "n", &got));
    CHECK(json_integer_value(got) == 8);
    json_decref(got);
    v = json_integer(16);
    OK(oxk_registry_set_config(r, "n", v));
    json_decref(v);
    OK(oxk_registry_get_config(r, "n", &got));
    CHECK(json_integer_value(got) == 16);
    json_decref(got);
    oxk_registry_free(r);
}

static void config_missing_returns_not_found(void)
{
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    json_t *v = (json_t *)1;
    oxk_err *e = EXPECT_ERR(oxk_registry_get_config(r, "nope", &v), OXK_ERR_CONFIG_NOT_FOUND);
    CHECK_STR(oxk_err_message(e), "configuration key not found: nope");
    CHECK(v == NULL);
    oxk_err_free(e);
    v = (json_t *)1;
    OK(oxk_registry_try_get_config(r, "nope", &v));
    CHECK(v == NULL);
    oxk_registry_free(r);
}

static void delete_config_returns_whether_removed(void)
{
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    json_t *v = json_true();
    OK(oxk_registry_set_config(r, "flag", v));
    bool removed;
    OK(oxk_registry_delete_config(r, "flag", &removed));
    CHECK(removed);
    OK(oxk_registry_delete_config(r, "flag", &removed));
    CHECK(!removed);
    oxk_registry_free(r);
}

static void config_supports_complex_types(void)
{
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    json_t *v = json_pack("{s:s,s:i}", "url", "https://example.org", "retries", 3), *got;
    OK(oxk_registry_set_config(r, "svc", v));
    OK(oxk_registry_get_config(r, "svc", &got));
    CHECK(json_equal(v, got));
    json_decref(v);
    json_decref(got);
    oxk_registry_free(r);
}

static void file_registry_persists_in_wal_mode(void)
{
    const char *path = tmp_path("plain.db");
    oxk_registry *r;
    OK(oxk_registry_open(path, NULL, &r));
    CHECK(!oxk_registry_encrypted(r));
    json_t *v = json_string("Hello, agent."), *got;
    OK(oxk_registry_set_config(r, "kernel.greeting", v));
    json_decref(v);
    sqlite3 *db = oxk_registry_db_lock(r);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL);
    CHECK(sqlite3_step(s) == SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    oxk_registry_db_unlock(r);
    oxk_registry_free(r);
    OK(oxk_registry_open(path, NULL, &r));
    OK(oxk_registry_get_config(r, "kernel.greeting", &got));
    CHECK_STR(json_string_value(got), "Hello, agent.");
    json_decref(got);
    oxk_registry_free(r);
    oxk_err *e = EXPECT_ERR(oxk_registry_open("/nonexistent-dir/x/y.db", NULL, &r),
                            OXK_ERR_REGISTRY);
    CHECK_CONTAINS(oxk_err_message(e), "/nonexistent-dir/x/y.db");
    oxk_err_free(e);
}

static void encrypted_config_round_trips(void)
{
    const char *path = tmp_path("enc.db");
    oxk_registry *r;
    OK(oxk_registry_open(path, "s3cr3t-key", &r));
    CHECK(oxk_registry_encrypted(r));
    json_t *v = json_string("the launch codes"), *got;
    OK(oxk_registry_set_config(r, "secret", v));
    OK(oxk_registry_get_config(r, "secret", &got));
    CHECK(json_equal(v, got));
    json_decref(got);
    /* The column holds padded URL-safe base64 of nonce‖ct‖tag, not JSON. */
    sqlite3 *db = oxk_registry_db_lock(r);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "SELECT value FROM config WHERE key='secret'", -1, &s, NULL);
    CHECK(sqlite3_step(s) == SQLITE_ROW);
    const char *stored = (const char *)sqlite3_column_text(s, 0);
    CHECK(stored && !strstr(stored, "launch"));
    size_t blen = 0;
    unsigned char *blob = stored ? oxk_b64url_decode(stored, &blen) : NULL;
    CHECK(blob && blen == 12 + strlen("\"the launch codes\"") + 16);
    free(blob);
    sqlite3_finalize(s);
    oxk_registry_db_unlock(r);
    oxk_registry_free(r);
    OK(oxk_registry_open(path, "s3cr3t-key", &r));
    OK(oxk_registry_get_config(r, "secret", &got));
    CHECK(json_equal(v, got));
    json_decref(got);
    oxk_registry_free(r);
    /* A wrong key fails to authenticate. */
    OK(oxk_registry_open(path, "wrong", &r));
    oxk_err *e = EXPECT_ERR(oxk_registry_get_config(r, "secret", &got), OXK_ERR_OTHER);
    CHECK_CONTAINS(oxk_err_message(e), "config decrypt: decrypt");
    oxk_err_free(e);
    oxk_registry_free(r);
    json_decref(v);
}

static void encrypted_value_not_readable_as_plain_json(void)
{
    const char *path = tmp_path("enc2.db");
    oxk_registry *r;
    OK(oxk_registry_open(path, "s3cr3t-key", &r));
    json_t *v = json_integer(42), *got;
    OK(oxk_registry_set_config(r, "n", v));
    json_decref(v);
    oxk_registry_free(r);
    OK(oxk_registry_open(path, NULL, &r));
    oxk_err_free(EXPECT_ERR(oxk_registry_get_config(r, "n", &got), OXK_ERR_SERDE));
    /* And the other way: an encrypted registry cannot read plaintext. */
    v = json_integer(7);
    OK(oxk_registry_set_config(r, "plain", v));
    json_decref(v);
    oxk_registry_free(r);
    OK(oxk_registry_open(path, "s3cr3t-key", &r));
    oxk_err *e = EXPECT_ERR(oxk_registry_get_config(r, "plain", &got), OXK_ERR_OTHER);
    CHECK_CONTAINS(oxk_err_message(e), "config decrypt:");
    oxk_err_free(e);
    oxk_registry_free(r);
}

static void nonces_are_fresh_per_write(void)
{
    oxk_cipher c;
    oxk_cipher_init(&c, "");
    char *a, *b, *plain;
    OK(oxk_cipher_seal(&c, "same", 4, &a));
    OK(oxk_cipher_seal(&c, "same", 4, &b));
    CHECK(strcmp(a, b) != 0);
    OK(oxk_cipher_open(&c, a, &plain));
    CHECK_STR(plain, "same");
    free(plain);
    /* Tampering with one ciphertext byte is detected. */
    a[20] = a[20] == 'A' ? 'B' : 'A';
    oxk_err_free(EXPECT_ERR(oxk_cipher_open(&c, a, &plain), OXK_ERR_OTHER));
    oxk_err *e = EXPECT_ERR(oxk_cipher_open(&c, "AAAA", &plain), OXK_ERR_OTHER);
    CHECK_STR(oxk_err_message(e), "config decrypt: encrypted blob too short");
    oxk_err_free(e);
    e = EXPECT_ERR(oxk_cipher_open(&c, "not base64!", &plain), OXK_ERR_OTHER);
    CHECK_CONTAINS(oxk_err_message(e), "config decrypt: base64 decode");
    oxk_err_free(e);
    free(a);
    free(b);
}

static void base64_is_url_safe_and_padded(void)
{
    const unsigned char data[] = {0xfb, 0xff, 0xfe};
    char *s = oxk_b64url_encode(data, 3);
    CHECK_STR(s, "-__-");
    free(s);
    s = oxk_b64url_encode((const unsigned char *)"a", 1);
    CHECK_STR(s, "YQ==");
    size_t n;
    unsigned char *d = oxk_b64url_decode(s, &n);
    CHECK(d && n == 1 && d[0] == 'a');
    free(d);
    free(s);
    CHECK(oxk_b64url_decode("YQ=a", &n) == NULL);
    CHECK(oxk_b64url_decode("+/==", &n) == NULL); /* standard alphabet refused */
}

static void key_from_env(void)
{
    const char *k;
    unsetenv("OXIDE_REGISTRY_KEY");
    oxk_err *e = EXPECT_ERR(oxk_registry_key_from_env(&k), OXK_ERR_OTHER);
    CHECK_STR(oxk_err_message(e), "OXIDE_REGISTRY_KEY env var not set; set it or call "
                                  "open_encrypted with an explicit key");
    oxk_err_free(e);
    setenv("OXIDE_REGISTRY_KEY", "", 1);
    oxk_err_free(EXPECT_ERR(oxk_registry_key_from_env(&k), OXK_ERR_OTHER));
    setenv("OXIDE_REGISTRY_KEY", "abc", 1);
    OK(oxk_registry_key_from_env(&k));
    CHECK_STR(k, "abc");
}

static void two_memory_registries_are_independent(void)
{
    oxk_registry *a, *b;
    OK(oxk_registry_open_memory(&a));
    OK(oxk_registry_open_memory(&b));
    json_t *v = json_integer(1), *got;
    OK(oxk_registry_set_config(a, "k", v));
    json_decref(v);
    oxk_err_free(EXPECT_ERR(oxk_registry_get_config(b, "k", &got), OXK_ERR_CONFIG_NOT_FOUND));
    oxk_registry_free(a);
    oxk_registry_free(b);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/oxreg.XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(in_memory_registry_runs_migrations);
    RUN(upsert_and_get_module);
    RUN(set_module_state_updates_only_state);
    RUN(set_module_state_unknown_errors);
    RUN(list_is_ordered_by_id);
    RUN(columns_use_reference_encodings);
    RUN(bad_rows_give_clear_errors);
    RUN(config_round_trip);
    RUN(config_missing_returns_not_found);
    RUN(delete_config_returns_whether_removed);
    RUN(config_supports_complex_types);
    RUN(file_registry_persists_in_wal_mode);
    RUN(encrypted_config_round_trips);
    RUN(encrypted_value_not_readable_as_plain_json);
    RUN(nonces_are_fresh_per_write);
    RUN(base64_is_url_safe_and_padded);
    RUN(key_from_env);
    RUN(two_memory_registries_are_independent);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return CHECK_DONE();
}
