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
    sqlite3_exec(db, "INSERT INTO xai_decisions VALUES ('x','2026-01-01T00:00:00+00:00','bad-"
                     "uuid','a','r','null','null',1)", NULL, NULL, NULL);
    oxk_registry_db_unlock(r);
    oxk_decision *ds;
    size_t k;
    oxk_err *e = EXPECT_ERR(oxk_decision_log_by_actor(log, "bad-uuid", &ds, &k), OXK_ERR_OTHER);
    CHECK_STR(oxk_err_message(e), "bad uuid: x");
    oxk_err_free(e);
    db = oxk_registry_db_lock(r);
    sqlite3_exec(db, "INSERT INTO xai_decisions VALUES ('6f1c0a52-7a51-4f6e-9b07-2b1b1b1b1b1b',"
                     "'later','bad-ts','a','r','null','null',1);"
                     "INSERT INTO xai_decisions VALUES ('6f1c0a52-7a51-4f6e-9b07-2b1b1b1b1b1c',"
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
    return CHECK_DONE();
}
