/* test_bus.c — the message bus: the reference's bus tests plus the fixes
   (bounded queue with drop count, timeouts, per-principal capabilities,
   a wire format that round-trips every message). */
#include <pthread.h>
#include <time.h>

#include "check.h"
#include "kutil.h"
#include "oxide/kernel/bus.h"

static oxk_envelope *recv_now(oxk_subscription *s)
{
    oxk_envelope *e;
    oxk_subscription_recv(s, 1000, &e);
    return e;
}

static void publish_delivers_to_all_subscribers(void)
{
    oxk_bus *b;
    oxk_subscription *s1, *s2;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(b, &s1));
    OK(oxk_bus_subscribe(b, &s2));
    CHECK(oxk_bus_subscriber_count(b) == 2);
    oxk_message ping = {.type = OXK_CMD_PING};
    char id[37];
    OK(oxk_bus_send_command(b, "kernel", &ping, id));
    oxk_envelope *e1 = recv_now(s1), *e2 = recv_now(s2);
    CHECK(e1 && oxk_envelope_message(e1)->type == OXK_CMD_PING);
    CHECK(e2 && oxk_envelope_message(e2)->type == OXK_CMD_PING);
    CHECK(e1 && !strcmp(oxk_envelope_id(e1), id));
    oxk_envelope_unref(e1);
    oxk_envelope_unref(e2);
    oxk_subscription_close(s1);
    oxk_subscription_close(s2);
    oxk_bus_free(b);
}

static bool only_pongs(const oxk_envelope *env, void *user)
{
    (*(int *)user)++;
    return oxk_envelope_message(env)->type == OXK_EV_PONG;
}

/* A filtered subscriber's queue holds only what it accepts: the rest is
   neither queued nor counted as dropped, so other traffic cannot fill it. */
static void filtered_subscription_queues_only_accepted(void)
{
    oxk_bus *b;
    oxk_subscription *s;
    int asked = 0;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe_filtered(b, only_pongs, &asked, &s));
    oxk_message ping = {.type = OXK_CMD_PING}, pong = {.type = OXK_EV_PONG, .from = "m"};
    for (int i = 0; i < 3 * OXK_BUS_QUEUE_CAP; i++)
        OK(oxk_bus_send_command(b, "kernel", &ping, NULL));
    OK(oxk_bus_emit_event(b, "kernel", &pong, NULL));
    CHECK(asked == 3 * OXK_BUS_QUEUE_CAP + 1);
    CHECK(oxk_subscription_pending(s) == 1);
    CHECK(oxk_subscription_dropped(s) == 0);
    oxk_envelope *e = recv_now(s);
    CHECK(e && oxk_envelope_message(e)->type == OXK_EV_PONG);
    oxk_envelope_unref(e);
    oxk_subscription_close(s);
    oxk_bus_free(b);
}

/* A direct subscriber: free says whether take gives a token; served
   counts what serve ran, and on which thread. */
typedef struct direct_state {
    bool free;
    int served;
    pthread_t on;
} direct_state;

static void *d_take(void *user, const oxk_envelope *env)
{
    (void)env;
    direct_state *d = user;
    return d->free ? d : NULL;
}

static void d_serve(void *user, void *token, oxk_envelope *env)
{
    direct_state *d = user;
    CHECK(token == d && oxk_envelope_message(env)->type == OXK_CMD_PING);
    d->served++;
    d->on = pthread_self();
}

/* oxk_bus_publish_direct: a free direct subscriber serves on the
   publisher's thread; never ahead of what it has queued or received and not
   yet claimed; plain publishes always queue. */
static void direct_subscriber_serves_on_the_publishers_thread(void)
{
    oxk_bus *b;
    oxk_subscription *s, *plain;
    direct_state d = {.free = true};
    static const oxk_bus_direct direct = {d_take, d_serve};
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe_direct(b, NULL, &direct, &d, &s));
    OK(oxk_bus_subscribe(b, &plain));
    oxk_message ping = {.type = OXK_CMD_PING};
    oxk_envelope *env;
    OK(oxk_envelope_new("t", &ping, &env));
    CHECK(oxk_bus_publish_direct(b, env) == 2); /* served here, queued for the plain one */
    CHECK(d.served == 1 && pthread_equal(d.on, pthread_self()));
    CHECK(oxk_subscription_pending(s) == 0 && oxk_subscription_pending(plain) == 1);
    CHECK(oxk_bus_publish(b, env) == 2); /* a plain publish queues */
    CHECK(d.served == 1 && oxk_subscription_pending(s) == 1);
    CHECK(oxk_bus_publish_direct(b, env) == 2); /* behind the queued one */
    CHECK(d.served == 1 && oxk_subscription_pending(s) == 2);
    oxk_envelope *got = recv_now(s);
    oxk_envelope_unref(got);
    oxk_envelope_unref(recv_now(s));
    /* both received, neither claimed: still no overtaking */
    CHECK(oxk_bus_publish_direct(b, env) == 2 && d.served == 1 && oxk_subscription_pending(s) == 1);
    oxk_envelope_unref(recv_now(s));
    oxk_subscription_claimed(s);
    oxk_subscription_claimed(s);
    oxk_subscription_claimed(s);
    d.free = false; /* busy: queued */
    CHECK(oxk_bus_publish_direct(b, env) == 2 && d.served == 1 && oxk_subscription_pending(s) == 1);
    oxk_envelope_unref(recv_now(s));
    oxk_subscription_claimed(s);
    d.free = true;
    CHECK(oxk_bus_publish_direct(b, env) == 2 && d.served == 2);
    oxk_envelope_unref(env);
    while (oxk_subscription_pending(plain))
        oxk_envelope_unref(recv_now(plain));
    oxk_subscription_close(s);
    oxk_subscription_close(plain);
    oxk_bus_free(b);
}

static void closed_subscribers_are_pruned(void)
{
    oxk_bus *b;
    oxk_subscription *s;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(b, &s));
    oxk_subscription_close(s);
    CHECK(oxk_bus_subscriber_count(b) == 1); /* pruning happens in publish */
    oxk_message pong = {.type = OXK_EV_PONG, .from = "x"};
    OK(oxk_bus_emit_event(b, "kernel", &pong, NULL));
    CHECK(oxk_bus_subscriber_count(b) == 0);
    oxk_bus_free(b);
}

static void envelope_carries_provenance(void)
{
    oxk_bus *b;
    oxk_subscription *s;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(b, &s));
    oxk_message ev = {.type = OXK_EV_MODULE_STARTED, .module_id = "echo"};
    OK(oxk_bus_emit_event(b, "kernel", &ev, NULL));
    oxk_envelope *e = recv_now(s);
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(oxk_envelope_source(e), "kernel");
        CHECK(oxk_uuid_valid(oxk_envelope_id(e)));
        CHECK(strcmp(oxk_envelope_id(e), "00000000-0000-0000-0000-000000000000") != 0);
        CHECK(oxk_envelope_id(e)[14] == '4'); /* version 4 */
        CHECK_STR(oxk_envelope_message(e)->module_id, "echo");
        CHECK(oxk_time_valid(oxk_envelope_timestamp(e)));
        CHECK(oxk_envelope_correlation_id(e) == NULL);
    }
    oxk_envelope_unref(e);
    oxk_subscription_close(s);
    oxk_bus_free(b);
}

static void correlation_id_round_trips(void)
{
    oxk_bus *b;
    oxk_subscription *s;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(b, &s));
    oxk_message ping = {.type = OXK_CMD_PING};
    oxk_envelope *env;
    OK(oxk_envelope_new("kernel", &ping, &env));
    char corr[37];
    oxk_uuid_v4(corr);
    OK(oxk_envelope_set_correlation_id(env, corr));
    oxk_err *err = EXPECT_ERR(oxk_envelope_set_correlation_id(env, "not-a-uuid"), OXK_ERR_BUS);
    CHECK_CONTAINS(oxk_err_message(err), "not-a-uuid");
    oxk_err_free(err);
    CHECK(oxk_bus_publish(b, env) == 1);
    oxk_envelope_unref(env);
    oxk_envelope *got = recv_now(s);
    CHECK(got && oxk_envelope_correlation_id(got) && !strcmp(oxk_envelope_correlation_id(got), corr));
    oxk_envelope_unref(got);
    oxk_subscription_close(s);
    oxk_bus_free(b);
}

static void granted_capability_allows_publish(void)
{
    oxk_bus *b;
    oxk_subscription *s;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(b, &s));
    OK(oxk_bus_grant(b, "browser-module", "browser:navigate"));
    oxk_message ping = {.type = OXK_CMD_PING};
    oxk_envelope *env;
    OK(oxk_envelope_new("browser-module", &ping, &env));
    OK(oxk_bus_publish_guarded(b, env, "browser:navigate"));
    oxk_envelope *got = recv_now(s);
    CHECK(got && !strcmp(oxk_envelope_id(got), oxk_envelope_id(env)));
    oxk_envelope_unref(got);
    oxk_envelope_unref(env);
    oxk_subscription_close(s);
    oxk_bus_free(b);
}

static void ungranted_capability_returns_denied(void)
{
    oxk_bus *b;
    oxk_subscription *s;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(b, &s));
    oxk_message ping = {.type = OXK_CMD_PING};
    oxk_envelope *env;
    OK(oxk_envelope_new("llm-module", &ping, &env));
    oxk_err *err = EXPECT_ERR(oxk_bus_publish_guarded(b, env, "llm:complete"), OXK_ERR_DENIED);
    CHECK_STR(oxk_err_message(err), "access denied: `llm-module` lacks capability `llm:complete`");
    CHECK_STR(oxk_err_detail(err), "llm-module");
    CHECK_STR(oxk_err_capability(err), "llm:complete");
    oxk_err_free(err);
    CHECK(oxk_subscription_pending(s) == 0); /* nothing was published */
    oxk_envelope_unref(env);
    oxk_subscription_close(s);
    oxk_bus_free(b);
}

static void revoked_capability_is_denied(void)
{
    oxk_bus *b;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_grant(b, "mirror", "mirror:sync"));
    CHECK(oxk_bus_has_capability(b, "mirror", "mirror:sync"));
    CHECK(oxk_bus_revoke(b, "mirror", "mirror:sync"));
    CHECK(!oxk_bus_revoke(b, "mirror", "mirror:sync"));
    oxk_message ping = {.type = OXK_CMD_PING};
    oxk_envelope *env;
    OK(oxk_envelope_new("mirror", &ping, &env));
    oxk_err_free(EXPECT_ERR(oxk_bus_publish_guarded(b, env, "mirror:sync"), OXK_ERR_DENIED));
    oxk_envelope_unref(env);
    oxk_bus_free(b);
}

/* Fix: the original's grant set was global; ours is per principal. */
static void capability_is_granted_to_one_principal_only(void)
{
    oxk_bus *b;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_grant(b, "browser", "browser:navigate"));
    oxk_message ping = {.type = OXK_CMD_PING};
    oxk_envelope *env;
    OK(oxk_envelope_new("intruder", &ping, &env));
    oxk_err_free(EXPECT_ERR(oxk_bus_publish_guarded(b, env, "browser:navigate"), OXK_ERR_DENIED));
    CHECK(!oxk_bus_has_capability(b, "intruder", "browser:navigate"));
    oxk_envelope_unref(env);
    oxk_bus_free(b);
}

static void unguarded_publish_bypasses_acl(void)
{
    oxk_bus *b;
    oxk_subscription *s;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(b, &s));
    oxk_message ping = {.type = OXK_CMD_PING};
    OK(oxk_bus_send_command(b, "anyone", &ping, NULL));
    oxk_envelope *got = recv_now(s);
    CHECK(got != NULL);
    oxk_envelope_unref(got);
    oxk_subscription_close(s);
    oxk_bus_free(b);
}

static void full_queue_drops_and_counts(void)
{
    oxk_bus *b;
    oxk_subscription *slow, *fast;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(b, &slow));
    OK(oxk_bus_subscribe(b, &fast));
    oxk_message ping = {.type = OXK_CMD_PING};
    for (int i = 0; i < OXK_BUS_QUEUE_CAP; i++) {
        OK(oxk_bus_send_command(b, "k", &ping, NULL));
        oxk_envelope *e = recv_now(fast); /* fast keeps up */
        oxk_envelope_unref(e);
    }
    CHECK(oxk_subscription_pending(slow) == OXK_BUS_QUEUE_CAP);
    CHECK(oxk_subscription_dropped(slow) == 0);
    oxk_envelope *extra;
    OK(oxk_envelope_new("k", &ping, &extra));
    CHECK(oxk_bus_publish(b, extra) == 1); /* only fast accepted it */
    oxk_envelope_unref(extra);
    CHECK(oxk_subscription_dropped(slow) == 1);
    CHECK(oxk_subscription_dropped(fast) == 0);
    CHECK(oxk_subscription_pending(slow) == OXK_BUS_QUEUE_CAP);
    oxk_envelope *e = recv_now(fast);
    CHECK(e != NULL);
    oxk_envelope_unref(e);
    oxk_subscription_close(slow); /* releases 128 queued envelopes */
    oxk_subscription_close(fast);
    oxk_bus_free(b);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void recv_times_out(void)
{
    oxk_bus *b;
    oxk_subscription *s;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(b, &s));
    oxk_envelope *e = (oxk_envelope *)1;
    oxk_subscription_recv(s, 0, &e);
    CHECK(e == NULL);
    double t0 = now_ms();
    oxk_subscription_recv(s, 50, &e);
    CHECK(e == NULL);
    CHECK(now_ms() - t0 >= 45); /* it did wait, then gave up */
    oxk_subscription_close(s);
    oxk_bus_free(b);
}

typedef struct {
    oxk_subscription *s;
    oxk_envelope *got;
} waiter;

static void *wait_forever(void *arg)
{
    waiter *w = arg;
    oxk_subscription_recv(w->s, -1, &w->got);
    return NULL;
}

static void blocking_recv_wakes_on_publish_and_interrupt(void)
{
    oxk_bus *b;
    oxk_subscription *s;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(b, &s));
    waiter w = {s, NULL};
    pthread_t t;
    pthread_create(&t, NULL, wait_forever, &w);
    oxk_message ping = {.type = OXK_CMD_PING};
    OK(oxk_bus_send_command(b, "k", &ping, NULL));
    pthread_join(t, NULL);
    CHECK(w.got != NULL);
    oxk_envelope_unref(w.got);
    w.got = NULL;
    pthread_create(&t, NULL, wait_forever, &w);
    oxk_subscription_interrupt(s);
    pthread_join(t, NULL);
    CHECK(w.got == NULL);
    oxk_subscription_close(s);
    oxk_bus_free(b);
}

typedef struct {
    oxk_bus *b;
    int n;
} publisher;

static void *publish_many(void *arg)
{
    publisher *p = arg;
    oxk_message ping = {.type = OXK_CMD_PING};
    for (int i = 0; i < p->n; i++)
        oxk_err_free(oxk_bus_send_command(p->b, "t", &ping, NULL));
    return NULL;
}

static void concurrent_publishers_lose_nothing_below_capacity(void)
{
    oxk_bus *b;
    oxk_subscription *s;
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(b, &s));
    publisher p = {b, 30};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, publish_many, &p);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CHECK(oxk_subscription_pending(s) == 120);
    CHECK(oxk_subscription_dropped(s) == 0);
    oxk_subscription_close(s);
    oxk_bus_free(b);
}

static void round_trip(const oxk_message *m, const char *corr)
{
    oxk_envelope *e, *back;
    OK(oxk_envelope_new("src", m, &e));
    if (corr)
        OK(oxk_envelope_set_correlation_id(e, corr));
    char *text, *text2;
    OK(oxk_envelope_to_json(e, &text));
    OK(oxk_envelope_from_json(text, strlen(text), &back));
    OK(oxk_envelope_to_json(back, &text2));
    CHECK_STR(text, text2);
    const oxk_message *a = oxk_envelope_message(e), *b = oxk_envelope_message(back);
    CHECK(a->type == b->type);
    CHECK_STR(oxk_envelope_id(e), oxk_envelope_id(back));
    CHECK_STR(oxk_envelope_timestamp(e), oxk_envelope_timestamp(back));
    if (a->payload)
        CHECK(json_equal(a->payload, b->payload));
    free(text);
    free(text2);
    oxk_envelope_unref(e);
    oxk_envelope_unref(back);
}

static void wire_format_round_trips_every_message(void)
{
    json_t *p = json_pack("{s:s,s:[i,n,b]}", "url", "/", "xs", 1, 1);
    oxk_message ms[] = {
        {.type = OXK_CMD_START, .module_id = "m"},
        {.type = OXK_CMD_STOP, .module_id = "m"},
        {.type = OXK_CMD_INVOKE, .module_id = "browser", .method = "navigate", .payload = p},
        {.type = OXK_CMD_PING},
        {.type = OXK_EV_MODULE_STARTED, .module_id = "m"},
        {.type = OXK_EV_MODULE_STOPPED, .module_id = "m"},
        {.type = OXK_EV_CUSTOM, .module_id = "m", .kind = "navigate.ok", .payload = p},
        {.type = OXK_EV_PONG, .from = "echo"},
    };
    char corr[37];
    oxk_uuid_v4(corr);
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        round_trip(&ms[i], NULL);
        round_trip(&ms[i], corr);
    }
    json_decref(p);
}

/* Fix: the original emitted "kind" twice for custom events. */
static void custom_event_has_no_duplicate_kind(void)
{
    oxk_message m = {.type = OXK_EV_CUSTOM, .module_id = "m", .kind = "x.ok"};
    oxk_envelope *e;
    OK(oxk_envelope_new("m", &m, &e));
    char *text;
    OK(oxk_envelope_to_json(e, &text));
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
    oxk_envelope_unref(e);
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
        oxk_envelope *e = (oxk_envelope *)1;
        oxk_err *err = oxk_envelope_from_json(cases[i].text, strlen(cases[i].text), &e);
        CHECK(err && oxk_err_code_of(err) == OXK_ERR_SERDE);
        CHECK(e == NULL);
        CHECK_CONTAINS(oxk_err_message(err), cases[i].needle);
        oxk_err_free(err);
    }
}

/* Bad input never crashes: thousands of deterministic mutations of a valid
   envelope either parse (and then re-encode) or fail with a SERDE error. */
static void mutated_wire_input_never_crashes(void)
{
    oxk_message m = {.type = OXK_EV_CUSTOM, .module_id = "m", .kind = "k.ok"};
    json_t *p = json_pack("{s:[i,s,{s:n}]}", "a", 1, "x\u00e9", "z");
    m.payload = p;
    oxk_envelope *e;
    OK(oxk_envelope_new("src", &m, &e));
    char *text;
    OK(oxk_envelope_to_json(e, &text));
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
        oxk_envelope *back = NULL;
        oxk_err *err = oxk_envelope_from_json(buf, len, &back);
        if (err) {
            rejected++;
            CHECK(oxk_err_code_of(err) == OXK_ERR_SERDE && back == NULL);
            oxk_err_free(err);
        } else {
            parsed++;
            char *again;
            OK(oxk_envelope_to_json(back, &again));
            free(again);
            oxk_envelope_unref(back);
        }
    }
    CHECK(rejected > 0 && parsed + rejected == 5000);
    free(buf);
    free(text);
    oxk_envelope_unref(e);
    json_decref(p);
}

static void invalid_messages_are_refused(void)
{
    oxk_bus *b;
    OK(oxk_bus_new(&b));
    oxk_message no_id = {.type = OXK_CMD_START};
    oxk_err *err = EXPECT_ERR(oxk_bus_send_command(b, "k", &no_id, NULL), OXK_ERR_BUS);
    CHECK_CONTAINS(oxk_err_message(err), "module_id");
    oxk_err_free(err);
    oxk_message ev = {.type = OXK_EV_PONG, .from = "x"};
    err = EXPECT_ERR(oxk_bus_send_command(b, "k", &ev, NULL), OXK_ERR_BUS);
    CHECK_CONTAINS(oxk_err_message(err), "not a command");
    oxk_err_free(err);
    oxk_message bogus = {.type = (oxk_msg_type)99};
    oxk_err_free(EXPECT_ERR(oxk_bus_emit_event(b, "k", &bogus, NULL), OXK_ERR_BUS));
    oxk_bus_free(b);
}

/* No global state: two buses do not see each other's traffic or grants. */
static void two_buses_are_independent(void)
{
    oxk_bus *a, *b;
    oxk_subscription *sa, *sb;
    OK(oxk_bus_new(&a));
    OK(oxk_bus_new(&b));
    OK(oxk_bus_subscribe(a, &sa));
    OK(oxk_bus_subscribe(b, &sb));
    OK(oxk_bus_grant(a, "p", "c"));
    CHECK(!oxk_bus_has_capability(b, "p", "c"));
    oxk_message ping = {.type = OXK_CMD_PING};
    OK(oxk_bus_send_command(a, "k", &ping, NULL));
    CHECK(oxk_subscription_pending(sa) == 1);
    CHECK(oxk_subscription_pending(sb) == 0);
    oxk_subscription_close(sa);
    oxk_subscription_close(sb);
    oxk_bus_free(a);
    oxk_bus_free(b);
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
    RUN(filtered_subscription_queues_only_accepted);
    RUN(direct_subscriber_serves_on_the_publishers_thread);
    return CHECK_DONE();
}
