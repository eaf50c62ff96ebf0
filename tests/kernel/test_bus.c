/* test_bus.c — the message bus: the reference's bus tests plus the fixes
   (bounded queue with drop count, timeouts, per-principal capabilities,
   a wire format that round-trips every message). */
#include <pthread.h>
#include <time.h>

#include "check.h"
#include "kutil.h"
#include "oxide/bus.h"

static ox_envelope *recv_now(ox_subscription *s)
{
    ox_envelope *e;
    ox_subscription_recv(s, 1000, &e);
    return e;
}

static void publish_delivers_to_all_subscribers(void)
{
    ox_bus *b;
    ox_subscription *s1, *s2;
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(b, &s1));
    OK(ox_bus_subscribe(b, &s2));
    CHECK(ox_bus_subscriber_count(b) == 2);
    ox_message ping = {.type = OX_CMD_PING};
    char id[37];
    OK(ox_bus_send_command(b, "kernel", &ping, id));
    ox_envelope *e1 = recv_now(s1), *e2 = recv_now(s2);
    CHECK(e1 && ox_envelope_message(e1)->type == OX_CMD_PING);
    CHECK(e2 && ox_envelope_message(e2)->type == OX_CMD_PING);
    CHECK(e1 && !strcmp(ox_envelope_id(e1), id));
    ox_envelope_unref(e1);
    ox_envelope_unref(e2);
    ox_subscription_close(s1);
    ox_subscription_close(s2);
    ox_bus_free(b);
}

static void closed_subscribers_are_pruned(void)
{
    ox_bus *b;
    ox_subscription *s;
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(b, &s));
    ox_subscription_close(s);
    CHECK(ox_bus_subscriber_count(b) == 1); /* pruning happens in publish */
    ox_message pong = {.type = OX_EV_PONG, .from = "x"};
    OK(ox_bus_emit_event(b, "kernel", &pong, NULL));
    CHECK(ox_bus_subscriber_count(b) == 0);
    ox_bus_free(b);
}

static void envelope_carries_provenance(void)
{
    ox_bus *b;
    ox_subscription *s;
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(b, &s));
    ox_message ev = {.type = OX_EV_MODULE_STARTED, .module_id = "echo"};
    OK(ox_bus_emit_event(b, "kernel", &ev, NULL));
    ox_envelope *e = recv_now(s);
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(ox_envelope_source(e), "kernel");
        CHECK(ox_uuid_valid(ox_envelope_id(e)));
        CHECK(strcmp(ox_envelope_id(e), "00000000-0000-0000-0000-000000000000") != 0);
        CHECK(ox_envelope_id(e)[14] == '4'); /* version 4 */
        CHECK_STR(ox_envelope_message(e)->module_id, "echo");
        CHECK(ox_time_valid(ox_envelope_timestamp(e)));
        CHECK(ox_envelope_correlation_id(e) == NULL);
    }
    ox_envelope_unref(e);
    ox_subscription_close(s);
    ox_bus_free(b);
}

static void correlation_id_round_trips(void)
{
    ox_bus *b;
    ox_subscription *s;
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(b, &s));
    ox_message ping = {.type = OX_CMD_PING};
    ox_envelope *env;
    OK(ox_envelope_new("kernel", &ping, &env));
    char corr[37];
    ox_uuid_v4(corr);
    OK(ox_envelope_set_correlation_id(env, corr));
    ox_kerr *err = EXPECT_ERR(ox_envelope_set_correlation_id(env, "not-a-uuid"), OX_KERR_BUS);
    CHECK_CONTAINS(ox_kerr_message(err), "not-a-uuid");
    ox_kerr_free(err);
    CHECK(ox_bus_publish(b, env) == 1);
    ox_envelope_unref(env);
    ox_envelope *got = recv_now(s);
    CHECK(got && ox_envelope_correlation_id(got) && !strcmp(ox_envelope_correlation_id(got), corr));
    ox_envelope_unref(got);
    ox_subscription_close(s);
    ox_bus_free(b);
}

static void granted_capability_allows_publish(void)
{
    ox_bus *b;
    ox_subscription *s;
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(b, &s));
    OK(ox_bus_grant(b, "browser-module", "browser:navigate"));
    ox_message ping = {.type = OX_CMD_PING};
    ox_envelope *env;
    OK(ox_envelope_new("browser-module", &ping, &env));
    OK(ox_bus_publish_guarded(b, env, "browser:navigate"));
    ox_envelope *got = recv_now(s);
    CHECK(got && !strcmp(ox_envelope_id(got), ox_envelope_id(env)));
    ox_envelope_unref(got);
    ox_envelope_unref(env);
    ox_subscription_close(s);
    ox_bus_free(b);
}

static void ungranted_capability_returns_denied(void)
{
    ox_bus *b;
    ox_subscription *s;
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(b, &s));
    ox_message ping = {.type = OX_CMD_PING};
    ox_envelope *env;
    OK(ox_envelope_new("llm-module", &ping, &env));
    ox_kerr *err = EXPECT_ERR(ox_bus_publish_guarded(b, env, "llm:complete"), OX_KERR_DENIED);
    CHECK_STR(ox_kerr_message(err), "access denied: `llm-module` lacks capability `llm:complete`");
    CHECK_STR(ox_kerr_detail(err), "llm-module");
    CHECK_STR(ox_kerr_capability(err), "llm:complete");
    ox_kerr_free(err);
    CHECK(ox_subscription_pending(s) == 0); /* nothing was published */
    ox_envelope_unref(env);
    ox_subscription_close(s);
    ox_bus_free(b);
}

static void revoked_capability_is_denied(void)
{
    ox_bus *b;
    OK(ox_bus_new(&b));
    OK(ox_bus_grant(b, "mirror", "mirror:sync"));
    CHECK(ox_bus_has_capability(b, "mirror", "mirror:sync"));
    CHECK(ox_bus_revoke(b, "mirror", "mirror:sync"));
    CHECK(!ox_bus_revoke(b, "mirror", "mirror:sync"));
    ox_message ping = {.type = OX_CMD_PING};
    ox_envelope *env;
    OK(ox_envelope_new("mirror", &ping, &env));
    ox_kerr_free(EXPECT_ERR(ox_bus_publish_guarded(b, env, "mirror:sync"), OX_KERR_DENIED));
    ox_envelope_unref(env);
    ox_bus_free(b);
}

/* Fix: the original's grant set was global; ours is per principal. */
static void capability_is_granted_to_one_principal_only(void)
{
    ox_bus *b;
    OK(ox_bus_new(&b));
    OK(ox_bus_grant(b, "browser", "browser:navigate"));
    ox_message ping = {.type = OX_CMD_PING};
    ox_envelope *env;
    OK(ox_envelope_new("intruder", &ping, &env));
    ox_kerr_free(EXPECT_ERR(ox_bus_publish_guarded(b, env, "browser:navigate"), OX_KERR_DENIED));
    CHECK(!ox_bus_has_capability(b, "intruder", "browser:navigate"));
    ox_envelope_unref(env);
    ox_bus_free(b);
}

static void unguarded_publish_bypasses_acl(void)
{
    ox_bus *b;
    ox_subscription *s;
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(b, &s));
    ox_message ping = {.type = OX_CMD_PING};
    OK(ox_bus_send_command(b, "anyone", &ping, NULL));
    ox_envelope *got = recv_now(s);
    CHECK(got != NULL);
    ox_envelope_unref(got);
    ox_subscription_close(s);
    ox_bus_free(b);
}

static void full_queue_drops_and_counts(void)
{
    ox_bus *b;
    ox_subscription *slow, *fast;
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(b, &slow));
    OK(ox_bus_subscribe(b, &fast));
    ox_message ping = {.type = OX_CMD_PING};
    for (int i = 0; i < OX_BUS_QUEUE_CAP; i++) {
        OK(ox_bus_send_command(b, "k", &ping, NULL));
        ox_envelope *e = recv_now(fast); /* fast keeps up */
        ox_envelope_unref(e);
    }
    CHECK(ox_subscription_pending(slow) == OX_BUS_QUEUE_CAP);
    CHECK(ox_subscription_dropped(slow) == 0);
    ox_envelope *extra;
    OK(ox_envelope_new("k", &ping, &extra));
    CHECK(ox_bus_publish(b, extra) == 1); /* only fast accepted it */
    ox_envelope_unref(extra);
    CHECK(ox_subscription_dropped(slow) == 1);
    CHECK(ox_subscription_dropped(fast) == 0);
    CHECK(ox_subscription_pending(slow) == OX_BUS_QUEUE_CAP);
    ox_envelope *e = recv_now(fast);
    CHECK(e != NULL);
    ox_envelope_unref(e);
    ox_subscription_close(slow); /* releases 128 queued envelopes */
    ox_subscription_close(fast);
    ox_bus_free(b);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void recv_times_out(void)
{
    ox_bus *b;
    ox_subscription *s;
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(b, &s));
    ox_envelope *e = (ox_envelope *)1;
    ox_subscription_recv(s, 0, &e);
    CHECK(e == NULL);
    double t0 = now_ms();
    ox_subscription_recv(s, 50, &e);
    CHECK(e == NULL);
    CHECK(now_ms() - t0 >= 45); /* it did wait, then gave up */
    ox_subscription_close(s);
    ox_bus_free(b);
}

typedef struct {
    ox_subscription *s;
    ox_envelope *got;
} waiter;

static void *wait_forever(void *arg)
{
    waiter *w = arg;
    ox_subscription_recv(w->s, -1, &w->got);
    return NULL;
}

static void blocking_recv_wakes_on_publish_and_interrupt(void)
{
    ox_bus *b;
    ox_subscription *s;
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(b, &s));
    waiter w = {s, NULL};
    pthread_t t;
    pthread_create(&t, NULL, wait_forever, &w);
    ox_message ping = {.type = OX_CMD_PING};
    OK(ox_bus_send_command(b, "k", &ping, NULL));
    pthread_join(t, NULL);
    CHECK(w.got != NULL);
    ox_envelope_unref(w.got);
    w.got = NULL;
    pthread_create(&t, NULL, wait_forever, &w);
    ox_subscription_interrupt(s);
    pthread_join(t, NULL);
    CHECK(w.got == NULL);
    ox_subscription_close(s);
    ox_bus_free(b);
}

typedef struct {
    ox_bus *b;
    int n;
} publisher;

static void *publish_many(void *arg)
{
    publisher *p = arg;
    ox_message ping = {.type = OX_CMD_PING};
    for (int i = 0; i < p->n; i++)
        ox_kerr_free(ox_bus_send_command(p->b, "t", &ping, NULL));
    return NULL;
}

static void concurrent_publishers_lose_nothing_below_capacity(void)
{
    ox_bus *b;
    ox_subscription *s;
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(b, &s));
    publisher p = {b, 30};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, publish_many, &p);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CHECK(ox_subscription_pending(s) == 120);
    CHECK(ox_subscription_dropped(s) == 0);
    ox_subscription_close(s);
    ox_bus_free(b);
}

static void round_trip(const ox_message *m, const char *corr)
{
    ox_envelope *e, *back;
    OK(ox_envelope_new("src", m, &e));
    if (corr)
        OK(ox_envelope_set_correlation_id(e, corr));
    char *text, *text2;
    OK(ox_envelope_to_json(e, &text));
    OK(ox_envelope_from_json(text, strlen(text), &back));
    OK(ox_envelope_to_json(back, &text2));
    CHECK_STR(text, text2);
    const ox_message *a = ox_envelope_message(e), *b = ox_envelope_message(back);
    CHECK(a->type == b->type);
    CHECK_STR(ox_envelope_id(e), ox_envelope_id(back));
    CHECK_STR(ox_envelope_timestamp(e), ox_envelope_timestamp(back));
    if (a->payload)
        CHECK(json_equal(a->payload, b->payload));
    free(text);
    free(text2);
    ox_envelope_unref(e);
    ox_envelope_unref(back);
}

static void wire_format_round_trips_every_message(void)
{
    json_t *p = json_pack("{s:s,s:[i,n,b]}", "url", "/", "xs", 1, 1);
    ox_message ms[] = {
        {.type = OX_CMD_START, .module_id = "m"},
        {.type = OX_CMD_STOP, .module_id = "m"},
        {.type = OX_CMD_INVOKE, .module_id = "browser", .method = "navigate", .payload = p},
        {.type = OX_CMD_PING},
        {.type = OX_EV_MODULE_STARTED, .module_id = "m"},
        {.type = OX_EV_MODULE_STOPPED, .module_id = "m"},
        {.type = OX_EV_CUSTOM, .module_id = "m", .kind = "navigate.ok", .payload = p},
        {.type = OX_EV_PONG, .from = "echo"},
    };
    char corr[37];
    ox_uuid_v4(corr);
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        round_trip(&ms[i], NULL);
        round_trip(&ms[i], corr);
    }
    json_decref(p);
}

/* Fix: the original emitted "kind" twice for custom events. */
static void custom_event_has_no_duplicate_kind(void)
{
    ox_message m = {.type = OX_EV_CUSTOM, .module_id = "m", .kind = "x.ok"};
    ox_envelope *e;
    OK(ox_envelope_new("m", &m, &e));
    char *text;
    OK(ox_envelope_to_json(e, &text));
    /* json_loads with JSON_REJECT_DUPLICATES fails on a repeated key. */
    json_error_t je;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    CHECK(v != NULL);
    CHECK_STR(json_string_value(json_object_get(json_object_get(v, "message"), "kind")), "event");
    CHECK_STR(json_string_value(json_object_get(
                  json_object_get(json_object_get(v, "message"), "event"), "kind")),
              "x.ok");
    json_decref(v);
    free(text);
    ox_envelope_unref(e);
}

static void bad_wire_input_is_rejected_clearly(void)
{
    struct {
        const char *text, *needle;
    } cases[] = {
        {"not json", "serialization error"},
        {"[]", "must be a JSON object"},
        {"{\"source\":\"s\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"message\":{}}", "`id`"},
        {"{\"id\":\"nope\",\"source\":\"s\",\"timestamp\":\"2026-01-01T00:00:00Z\"}", "not a UUID"},
        {"{\"id\":\"6f1c0a52-7a51-4f6e-9b07-2b1b1b1b1b1b\",\"source\":\"s\",\"timestamp\":"
         "\"yesterday\",\"message\":{}}", "RFC 3339"},
        {"{\"id\":\"6f1c0a52-7a51-4f6e-9b07-2b1b1b1b1b1b\",\"source\":\"s\",\"timestamp\":"
         "\"2026-01-01T00:00:00Z\",\"message\":{\"kind\":\"gossip\"}}", "unknown kind `gossip`"},
        {"{\"id\":\"6f1c0a52-7a51-4f6e-9b07-2b1b1b1b1b1b\",\"source\":\"s\",\"timestamp\":"
         "\"2026-01-01T00:00:00Z\",\"message\":{\"kind\":\"command\",\"command\":{\"type\":"
         "\"pong\",\"from\":\"x\"}}}", "unknown type `pong`"},
        {"{\"id\":\"6f1c0a52-7a51-4f6e-9b07-2b1b1b1b1b1b\",\"source\":\"s\",\"timestamp\":"
         "\"2026-01-01T00:00:00Z\",\"message\":{\"kind\":\"command\",\"command\":{\"type\":"
         "\"invoke\",\"module_id\":\"m\",\"payload\":1}}}", "`method`"},
        {"{\"id\":\"6f1c0a52-7a51-4f6e-9b07-2b1b1b1b1b1b\",\"source\":5,\"timestamp\":"
         "\"2026-01-01T00:00:00Z\"}", "`source` must be a string"},
        {"{\"id\":\"6f1c0a52-7a51-4f6e-9b07-2b1b1b1b1b1b\",\"source\":\"s\",\"correlation_id\":"
         "7,\"timestamp\":\"2026-01-01T00:00:00Z\",\"message\":{}}", "correlation_id"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ox_envelope *e = (ox_envelope *)1;
        ox_kerr *err = ox_envelope_from_json(cases[i].text, strlen(cases[i].text), &e);
        CHECK(err && ox_kerr_code_of(err) == OX_KERR_SERDE);
        CHECK(e == NULL);
        CHECK_CONTAINS(ox_kerr_message(err), cases[i].needle);
        ox_kerr_free(err);
    }
}

/* Bad input never crashes: thousands of deterministic mutations of a valid
   envelope either parse (and then re-encode) or fail with a SERDE error. */
static void mutated_wire_input_never_crashes(void)
{
    ox_message m = {.type = OX_EV_CUSTOM, .module_id = "m", .kind = "k.ok"};
    json_t *p = json_pack("{s:[i,s,{s:n}]}", "a", 1, "x\u00e9", "z");
    m.payload = p;
    ox_envelope *e;
    OK(ox_envelope_new("src", &m, &e));
    char *text;
    OK(ox_envelope_to_json(e, &text));
    size_t len = strlen(text);
    char *buf = malloc(len + 1);
    uint32_t seed = 12345;
    int parsed = 0, rejected = 0;
    for (int i = 0; i < 5000; i++) {
        memcpy(buf, text, len + 1);
        for (int k = 0; k < 1 + i % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            buf[at] = (char)(seed >> 16);
        }
        ox_envelope *back = NULL;
        ox_kerr *err = ox_envelope_from_json(buf, len, &back);
        if (err) {
            rejected++;
            CHECK(ox_kerr_code_of(err) == OX_KERR_SERDE && back == NULL);
            ox_kerr_free(err);
        } else {
            parsed++;
            char *again;
            OK(ox_envelope_to_json(back, &again));
            free(again);
            ox_envelope_unref(back);
        }
    }
    CHECK(rejected > 0 && parsed + rejected == 5000);
    free(buf);
    free(text);
    ox_envelope_unref(e);
    json_decref(p);
}

static void invalid_messages_are_refused(void)
{
    ox_bus *b;
    OK(ox_bus_new(&b));
    ox_message no_id = {.type = OX_CMD_START};
    ox_kerr *err = EXPECT_ERR(ox_bus_send_command(b, "k", &no_id, NULL), OX_KERR_BUS);
    CHECK_CONTAINS(ox_kerr_message(err), "module_id");
    ox_kerr_free(err);
    ox_message ev = {.type = OX_EV_PONG, .from = "x"};
    err = EXPECT_ERR(ox_bus_send_command(b, "k", &ev, NULL), OX_KERR_BUS);
    CHECK_CONTAINS(ox_kerr_message(err), "not a command");
    ox_kerr_free(err);
    ox_message bogus = {.type = (ox_msg_type)99};
    ox_kerr_free(EXPECT_ERR(ox_bus_emit_event(b, "k", &bogus, NULL), OX_KERR_BUS));
    ox_bus_free(b);
}

/* No global state: two buses do not see each other's traffic or grants. */
static void two_buses_are_independent(void)
{
    ox_bus *a, *b;
    ox_subscription *sa, *sb;
    OK(ox_bus_new(&a));
    OK(ox_bus_new(&b));
    OK(ox_bus_subscribe(a, &sa));
    OK(ox_bus_subscribe(b, &sb));
    OK(ox_bus_grant(a, "p", "c"));
    CHECK(!ox_bus_has_capability(b, "p", "c"));
    ox_message ping = {.type = OX_CMD_PING};
    OK(ox_bus_send_command(a, "k", &ping, NULL));
    CHECK(ox_subscription_pending(sa) == 1);
    CHECK(ox_subscription_pending(sb) == 0);
    ox_subscription_close(sa);
    ox_subscription_close(sb);
    ox_bus_free(a);
    ox_bus_free(b);
}

int main(void)
{
    RUN(publish_delivers_to_all_subscribers);
    RUN(closed_subscribers_are_pruned);
    RUN(envelope_carries_provenance);
    RUN(correlation_id_round_trips);
    RUN(granted_capability_allows_publish);
    RUN(ungranted_capability_returns_denied);
    RUN(revoked_capability_is_denied);
    RUN(capability_is_granted_to_one_principal_only);
    RUN(unguarded_publish_bypasses_acl);
    RUN(full_queue_drops_and_counts);
    RUN(recv_times_out);
    RUN(blocking_recv_wakes_on_publish_and_interrupt);
    RUN(concurrent_publishers_lose_nothing_below_capacity);
    RUN(wire_format_round_trips_every_message);
    RUN(custom_event_has_no_duplicate_kind);
    RUN(bad_wire_input_is_rejected_clearly);
    RUN(mutated_wire_input_never_crashes);
    RUN(invalid_messages_are_refused);
    RUN(two_buses_are_independent);
    return CHECK_DONE();
}
