/* test_decisions.c — the XAI decision log (the reference's xai tests plus
   ordering, duplicates and bad rows). */
#include "check.h"
#include "kutil.h"
#include "oxide/kernel/decisions.h"
#include "registry_internal.h"

static void log_and_retrieve_decision(void)
{
    oxk_registry *r;
    oxk_decision_log *log;
    OK(oxk_registry_open_memory(&r));
    OK(oxk_decision_log_open(r, &log));
    oxk_decision d;
    OK(oxk_decision_init(&d, "healer", "rewrite-selector", "the old selector broke"));
    json_t *in = json_pack("{s:s}", "css", ".primary"), *out = json_pack("{s:s}", "role", "button");
    oxk_decision_set_inputs(&d, in);
    oxk_decision_set_output(&d, out);
    oxk_decision_set_confidence(&d, 0.85f);
    char id[37];
    OK(oxk_decision_log_append(log, &d, id));
    CHECK_STR(id, d.id);
    int64_t n;
    OK(oxk_decision_log_count(log, &n));
    CHECK(n == 1);
    oxk_decision *ds;
    size_t k;
    OK(oxk_decision_log_recent(log, 10, &ds, &k));
    CHECK(k == 1);
    if (k == 1) {
        CHECK_STR(ds[0].actor, "healer");
        CHECK_STR(ds[0].id, d.id);
        CHECK_STR(ds[0].timestamp, d.timestamp);
        CHECK(ds[0].confidence == 0.85f);
        CHECK(json_equal(ds[0].inputs, in));
        CHECK(json_equal(ds[0].output, out));
    }
    oxk_decisions_free(ds, k);
    /* Append-only: the same id again is refused by the primary key. */
    oxk_err_free(EXPECT_ERR(oxk_decision_log_append(log, &d, NULL), OXK_ERR_REGISTRY));
    json_decref(in);
    json_decref(out);
    oxk_decision_clear(&d);
    oxk_decision_log_free(log);
    oxk_registry_free(r);
}

static void by_actor_filters(void)
{
    oxk_registry *r;
    oxk_decision_log *log;
    OK(oxk_registry_open_memory(&r));
    OK(oxk_decision_log_open(r, &log));
    const char *actors[] = {"a", "b", "a"};
    for (int i = 0; i < 3; i++) {
        oxk_decision d;
        OK(oxk_decision_init(&d, actors[i], "act", "why"));
        OK(oxk_decision_log_append(log, &d, NULL));
        oxk_decision_clear(&d);
    }
    const char *q[] = {"a", "b", "c"};
    size_t want[] = {2, 1, 0};
    for (int i = 0; i < 3; i++) {
        oxk_decision *ds;
        size_t k;
        OK(oxk_decision_log_by_actor(log, q[i], &ds, &k));
        CHECK(k == want[i]);
        for (size_t j = 0; j < k; j++)
            CHECK_STR(ds[j].actor, q[i]);
        oxk_decisions_free(ds, k);
    }
    oxk_decision_log_free(log);
    oxk_registry_free(r);
}

static void confidence_is_clamped(void)
{
    oxk_decision d;
    OK(oxk_decision_init(&d, "x", "y", "z"));
    CHECK(d.confidence == 1.0f);
    CHECK(json_is_null(d.inputs) && json_is_null(d.output));
    oxk_decision_set_confidence(&d, 2.5f);
    CHECK(d.confidence == 1.0f);
    oxk_decision_set_confidence(&d, -1.0f);
    CHECK(d.confidence == 0.0f);
    oxk_decision_set_confidence(&d, 0.5f);
    CHECK(d.confidence == 0.5f);
    oxk_decision_clear(&d);
}

static void recent_is_newest_first_and_limited(void)
{
    oxk_registry *r;
    oxk_decision_log *log;
    OK(oxk_registry_open_memory(&r));
    OK(oxk_decision_log_open(r, &log));
    char ids[5][37];
    for (int i = 0; i < 5; i++) {
        oxk_decision d;
        OK(oxk_decision_init(&d, "a", "act", "why"));
        OK(oxk_decision_log_append(log, &d, ids[i]));
        oxk_decision_clear(&d);
    }
    oxk_decision *ds;
    size_t k;
    OK(oxk_decision_log_recent(log, 3, &ds, &k));
    CHECK(k == 3);
    for (size_t j = 0; j < k; j++)
        CHECK_STR(ds[j].id, ids[4 - j]);
    oxk_decisions_free(ds, k);
    OK(oxk_decision_log_recent(log, -1, &ds, &k));
    CHECK(k == 5);
    oxk_decisions_free(ds, k);
    oxk_decision_log_free(log);
    oxk_registry_free(r);
}

/* A fresh log of n entries in memory. */
static oxk_decision_log *chain_of(oxk_registry **r, int n, char ids[][37])
{
    oxk_decision_log *log;
    OK(oxk_registry_open_memory(r));
    OK(oxk_decision_log_open(*r, &log));
    for (int i = 0; i < n; i++) {
        oxk_decision d;
        OK(oxk_decision_init(&d, "mcp:test", "tools/call", i % 2 ? "echo" : "spin"));
        json_t *in = json_pack("{s:i}", "n", i);
        oxk_decision_set_inputs(&d, in);
        json_decref(in);
        OK(oxk_decision_log_append(log, &d, ids[i]));
        oxk_decision_clear(&d);
    }
    return log;
}

static void tamper(oxk_registry *r, const char *sql)
{
    sqlite3 *db = oxk_registry_db_lock(r);
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    oxk_registry_db_unlock(r);
}

static oxk_log_verdict verdict(oxk_decision_log *log)
{
    oxk_log_verdict v;
    OK(oxk_decision_log_verify(log, &v));
    return v;
}

/* The hash chain: an intact log verifies; a changed, removed (middle or
   end), inserted, moved or unhashed entry is found and named. */
static void chain_shows_every_edit(void)
{
    char ids[5][37], sql[256];
    oxk_registry *r;
    oxk_decision_log *log = chain_of(&r, 5, ids);
    oxk_log_verdict v = verdict(log);
    CHECK(v.ok && v.entries == 5 && strlen(v.head) == 64 && !v.problem[0]);
    char head[65];
    memcpy(head, v.head, sizeof head);
    oxk_decision d;
    OK(oxk_decision_init(&d, "a", "b", "c"));
    OK(oxk_decision_log_append(log, &d, NULL));
    oxk_decision_clear(&d);
    v = verdict(log);
    CHECK(v.ok && v.entries == 6 && strcmp(v.head, head));
    snprintf(sql, sizeof sql, "UPDATE xai_decisions SET rationale = 'other' WHERE id = '%s'", ids[2]);
    tamper(r, sql);
    v = verdict(log);
    CHECK(!v.ok && strstr(v.problem, "entry 3") && strstr(v.problem, "was changed"));
    oxk_decision_log_free(log);
    oxk_registry_free(r);

    log = chain_of(&r, 5, ids);
    snprintf(sql, sizeof sql, "DELETE FROM xai_decisions WHERE id = '%s'", ids[1]);
    tamper(r, sql);
    v = verdict(log);
    CHECK(!v.ok && strstr(v.problem, "chain breaks at entry 2"));
    oxk_decision_log_free(log);
    oxk_registry_free(r);

    log = chain_of(&r, 5, ids);
    snprintf(sql, sizeof sql, "DELETE FROM xai_decisions WHERE id = '%s'", ids[4]);
    tamper(r, sql);
    v = verdict(log);
    CHECK(!v.ok && strstr(v.problem, "holds 4 entries but its head records 5"));
    oxk_decision_log_free(log);
    oxk_registry_free(r);

    /* moved: entry 1's row re-inserted at the end */
    log = chain_of(&r, 3, ids);
    snprintf(sql, sizeof sql,
             "CREATE TEMP TABLE t AS SELECT * FROM xai_decisions WHERE id = '%s';"
             "DELETE FROM xai_decisions WHERE id = '%s'; INSERT INTO xai_decisions SELECT * FROM t;",
             ids[0], ids[0]);
    tamper(r, sql);
    v = verdict(log);
    CHECK(!v.ok && strstr(v.problem, "chain breaks at entry 1"));
    oxk_decision_log_free(log);
    oxk_registry_free(r);

    log = chain_of(&r, 2, ids);
    tamper(r, "INSERT INTO xai_decisions (id, timestamp, actor, action, rationale, inputs, output, confidence)"
              " VALUES ('6f1c0a52-7a51-4f6e-9b07-2b1b1b1b1b1b', '2026-01-01T00:00:00+00:00', 'x', 'a', 'r',"
              " 'null', 'null', 1)");
    v = verdict(log);
    CHECK(!v.ok && strstr(v.problem, "entry 3") && strstr(v.problem, "has no hash"));
    oxk_decision_log_free(log);
    oxk_registry_free(r);
}

static void bad_rows_give_clear_errors(void)
{
    oxk_registry *r;
    oxk_decision_log *log;
    OK(oxk_registry_open_memory(&r));
    OK(oxk_decision_log_open(r, &log));
    oxk_decision_log *again; /* opening twice is harmless (IF NOT EXISTS) */
    OK(oxk_decision_log_open(r, &again));
    oxk_decision_log_free(again);
    sqlite3 *db = oxk_registry_db_lock(r);
    sqlite3_exec(db, "INSERT INTO xai_decisions (id, timestamp, actor, action, rationale, inputs, output, confidence) VALUES ('x','2026-01-01T00:00:00+00:00','bad-"
                     "uuid','a','r','null','null',1)", NULL, NULL, NULL);
    oxk_registry_db_unlock(r);
    oxk_decision *ds;
    size_t k;
    oxk_err *e = EXPECT_ERR(oxk_decision_log_by_actor(log, "bad-uuid", &ds, &k), OXK_ERR_OTHER);
    CHECK_STR(oxk_err_message(e), "bad uuid: x");
    oxk_err_free(e);
    db = oxk_registry_db_lock(r);
    sqlite3_exec(db, "INSERT INTO xai_decisions (id, timestamp, actor, action, rationale, inputs, output, confidence) VALUES ('6f1c0a52-7a51-4f6e-9b07-2b1b1b1b1b1b',"
                     "'later','bad-ts','a','r','null','null',1);"
                     "INSERT INTO xai_decisions (id, timestamp, actor, action, rationale, inputs, output, confidence) VALUES ('6f1c0a52-7a51-4f6e-9b07-2b1b1b1b1b1c',"
                     "'2026-01-01T00:00:00+00:00','bad-json','a','r','{','null',1)",
                 NULL, NULL, NULL);
    oxk_registry_db_unlock(r);
    e = EXPECT_ERR(oxk_decision_log_by_actor(log, "bad-ts", &ds, &k), OXK_ERR_OTHER);
    CHECK_STR(oxk_err_message(e), "bad timestamp: later");
    oxk_err_free(e);
    oxk_err_free(EXPECT_ERR(oxk_decision_log_by_actor(log, "bad-json", &ds, &k), OXK_ERR_SERDE));
    oxk_decision_log_free(log);
    oxk_registry_free(r);
}

int main(void)
{
    RUN(log_and_retrieve_decision);
    RUN(by_actor_filters);
    RUN(confidence_is_clamped);
    RUN(recent_is_newest_first_and_limited);
    RUN(bad_rows_give_clear_errors);
    RUN(chain_shows_every_edit);
    return CHECK_DONE();
}
