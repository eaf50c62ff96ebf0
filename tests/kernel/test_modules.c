/* test_modules.c — the module manager: the reference's module tests, the
   enforced lifecycle, registry sync, hooks without locks, and Wasm modules
   serving invoke commands over the bus. */
#include <pthread.h>
#include <time.h>

#include "check.h"
#include "oxide/kernel/modules.h"

typedef struct counter {
    int inits, starts, stops, destroyed;
    bool fail_start, fail_stop;
    oxk_modules *mgr;          /* for the re-entrancy test */
    oxk_module_state seen;     /* state observed from inside the hook */
    bool saw_state;
} counter;

static oxk_err *c_init(void *self, oxk_bus *bus)
{
    (void)bus;
    ((counter *)self)->inits++;
    return NULL;
}

static oxk_err *c_start(void *self)
{
    counter *c = self;
    c->starts++;
    if (c->mgr)
        c->saw_state = oxk_modules_state(c->mgr, "reentrant", &c->seen);
    return c->fail_start ? oxk_err_new(OXK_ERR_MODULE, "start refused") : NULL;
}

static oxk_err *c_stop(void *self)
{
    counter *c = self;
    c->stops++;
    return c->fail_stop ? oxk_err_new(OXK_ERR_MODULE, "stop refused") : NULL;
}

static void c_destroy(void *self) { ((counter *)self)->destroyed++; }

static const oxk_module_vtable counter_vt = {.init = c_init, .start = c_start, .stop = c_stop, .destroy = c_destroy};

static oxk_module_meta meta(const char *id)
{
    oxk_module_meta m = {.id = id, .name = "Test", .version = "0.1.0", .kind = OXK_MODULE_NATIVE};
    return m;
}

typedef struct fixture {
    oxk_bus *bus;
    oxk_registry *reg;
    oxk_modules *mgr;
} fixture;

static fixture setup(bool with_registry)
{
    fixture f = {0};
    OK(oxk_bus_new(&f.bus));
    if (with_registry)
        OK(oxk_registry_open_memory(&f.reg));
    OK(oxk_modules_new(f.bus, f.reg, &f.mgr));
    return f;
}

static void teardown(fixture *f)
{
    oxk_modules_free(f->mgr);
    oxk_registry_free(f->reg);
    oxk_bus_free(f->bus);
}

static oxk_module_state state_of(oxk_modules *m, const char *id)
{
    oxk_module_state s = (oxk_module_state)-1;
    CHECK(oxk_modules_state(m, id, &s));
    return s;
}

static void register_start_stop_native_module(void)
{
    fixture f = setup(false);
    counter c = {0};
    oxk_module_meta m = meta("echo");
    OK(oxk_modules_register(f.mgr, &m, &counter_vt, &c));
    CHECK(state_of(f.mgr, "echo") == OXK_STATE_LOADED);
    OK(oxk_modules_init(f.mgr, "echo"));
    CHECK(c.inits == 1);
    CHECK(state_of(f.mgr, "echo") == OXK_STATE_LOADED); /* init changes no state */
    OK(oxk_modules_start(f.mgr, "echo"));
    CHECK(state_of(f.mgr, "echo") == OXK_STATE_RUNNING && c.starts == 1);
    OK(oxk_modules_stop(f.mgr, "echo"));
    CHECK(state_of(f.mgr, "echo") == OXK_STATE_STOPPED && c.stops == 1);
    teardown(&f);
    CHECK(c.destroyed == 1);
}

static void duplicate_registration_is_rejected(void)
{
    fixture f = setup(false);
    counter a = {0}, b = {0};
    oxk_module_meta m = meta("dup");
    OK(oxk_modules_register(f.mgr, &m, &counter_vt, &a));
    oxk_err *e = EXPECT_ERR(oxk_modules_register(f.mgr, &m, &counter_vt, &b),
                            OXK_ERR_DUPLICATE_MODULE);
    CHECK_STR(oxk_err_message(e), "module already registered: dup");
    oxk_err_free(e);
    teardown(&f);
    CHECK(a.destroyed == 1 && b.destroyed == 0); /* the caller kept b */
}

static void unknown_module_returns_error(void)
{
    fixture f = setup(false);
    oxk_err *e = EXPECT_ERR(oxk_modules_start(f.mgr, "missing"), OXK_ERR_UNKNOWN_MODULE);
    CHECK_STR(oxk_err_message(e), "unknown module: missing");
    oxk_err_free(e);
    oxk_err_free(EXPECT_ERR(oxk_modules_stop(f.mgr, "missing"), OXK_ERR_UNKNOWN_MODULE));
    oxk_err_free(EXPECT_ERR(oxk_modules_init(f.mgr, "missing"), OXK_ERR_UNKNOWN_MODULE));
    oxk_err_free(EXPECT_ERR(oxk_modules_unload(f.mgr, "missing"), OXK_ERR_UNKNOWN_MODULE));
    oxk_module_state s;
    CHECK(!oxk_modules_state(f.mgr, "missing", &s));
    teardown(&f);
}

static void register_wasm_module(void)
{
    fixture f = setup(false);
    oxk_executor *ex;
    char path[512];
    snprintf(path, sizeof path, "%s/accounting.wasm", OX_KGUEST_DIR);
    OK(oxk_executor_from_path(path, NULL, &ex));
    oxk_module_meta m = meta("wasm-stub"); /* kind says native: forced to wasm */
    OK(oxk_modules_register_wasm(f.mgr, &m, ex));
    OK(oxk_modules_init(f.mgr, "wasm-stub"));
    OK(oxk_modules_start(f.mgr, "wasm-stub"));
    CHECK(state_of(f.mgr, "wasm-stub") == OXK_STATE_RUNNING);
    oxk_module_info *infos;
    size_t n;
    OK(oxk_modules_list(f.mgr, &infos, &n));
    CHECK(n == 1 && infos[0].meta.kind == OXK_MODULE_WASM);
    oxk_module_infos_free(infos, n);
    teardown(&f); /* stops the serving thread */
}

static void unload_removes_module(void)
{
    fixture f = setup(true);
    counter c = {0};
    oxk_module_meta m = meta("gone");
    OK(oxk_modules_register(f.mgr, &m, &counter_vt, &c));
    OK(oxk_modules_start(f.mgr, "gone"));
    OK(oxk_modules_unload(f.mgr, "gone"));
    oxk_module_state s;
    CHECK(!oxk_modules_state(f.mgr, "gone", &s));
    CHECK(c.stops == 1 && c.destroyed == 1); /* stopped first, then destroyed */
    bool found;
    oxk_module_record rec;
    OK(oxk_registry_get_module(f.reg, "gone", &found, &rec));
    CHECK(!found); /* the registry follows */
    teardown(&f);
}

static void start_emits_module_started_event(void)
{
    fixture f = setup(false);
    oxk_subscription *s;
    OK(oxk_bus_subscribe(f.bus, &s));
    counter c = {0};
    oxk_module_meta m = meta("echo");
    OK(oxk_modules_register(f.mgr, &m, &counter_vt, &c));
    CHECK(oxk_subscription_pending(s) == 0); /* registering publishes nothing */
    OK(oxk_modules_start(f.mgr, "echo"));
    OK(oxk_modules_stop(f.mgr, "echo"));
    oxk_envelope *e;
    oxk_subscription_recv(s, 1000, &e);
    CHECK(e && oxk_envelope_message(e)->type == OXK_EV_MODULE_STARTED);
    CHECK(e && !strcmp(oxk_envelope_message(e)->module_id, "echo"));
    CHECK(e && !strcmp(oxk_envelope_source(e), "kernel"));
    oxk_envelope_unref(e);
    oxk_subscription_recv(s, 1000, &e);
    CHECK(e && oxk_envelope_message(e)->type == OXK_EV_MODULE_STOPPED);
    oxk_envelope_unref(e);
    oxk_subscription_close(s);
    teardown(&f);
}

/* Fix: the original never checked transitions. */
static void invalid_transitions_are_errors(void)
{
    fixture f = setup(true);
    counter c = {0};
    oxk_module_meta m = meta("m");
    OK(oxk_modules_register(f.mgr, &m, &counter_vt, &c));
    oxk_err *e = EXPECT_ERR(oxk_modules_stop(f.mgr, "m"), OXK_ERR_TRANSITION);
    CHECK_STR(oxk_err_message(e), "invalid state transition for module `m`: loaded -> stopping");
    oxk_err_free(e);
    CHECK(c.stops == 0 && state_of(f.mgr, "m") == OXK_STATE_LOADED);
    OK(oxk_modules_start(f.mgr, "m"));
    e = EXPECT_ERR(oxk_modules_start(f.mgr, "m"), OXK_ERR_TRANSITION);
    CHECK_CONTAINS(oxk_err_message(e), "running -> starting");
    oxk_err_free(e);
    CHECK(c.starts == 1);
    OK(oxk_modules_stop(f.mgr, "m"));
    oxk_err_free(EXPECT_ERR(oxk_modules_stop(f.mgr, "m"), OXK_ERR_TRANSITION));
    OK(oxk_modules_start(f.mgr, "m")); /* stopped -> starting: start again */
    CHECK(c.starts == 2 && state_of(f.mgr, "m") == OXK_STATE_RUNNING);
    teardown(&f);
}

static void failing_hooks_leave_failed(void)
{
    fixture f = setup(true);
    counter c = {.fail_start = true};
    oxk_module_meta m = meta("flaky");
    OK(oxk_modules_register(f.mgr, &m, &counter_vt, &c));
    oxk_err *e = EXPECT_ERR(oxk_modules_start(f.mgr, "flaky"), OXK_ERR_MODULE);
    CHECK_STR(oxk_err_message(e), "module error: start refused");
    oxk_err_free(e);
    CHECK(state_of(f.mgr, "flaky") == OXK_STATE_FAILED);
    bool found;
    oxk_module_record rec;
    OK(oxk_registry_get_module(f.reg, "flaky", &found, &rec));
    CHECK(found && rec.state == OXK_STATE_FAILED);
    oxk_module_record_clear(&rec);
    c.fail_start = false; /* failed -> starting is allowed: retry */
    OK(oxk_modules_start(f.mgr, "flaky"));
    c.fail_stop = true;
    oxk_err_free(EXPECT_ERR(oxk_modules_stop(f.mgr, "flaky"), OXK_ERR_MODULE));
    CHECK(state_of(f.mgr, "flaky") == OXK_STATE_FAILED);
    OK(oxk_modules_unload(f.mgr, "flaky")); /* failed modules can be unloaded */
    teardown(&f);
}

static void registry_follows_every_state_change(void)
{
    fixture f = setup(true);
    counter c = {0};
    oxk_module_meta m = meta("sync");
    m.description = "kept in sync";
    OK(oxk_modules_register(f.mgr, &m, &counter_vt, &c));
    bool found;
    oxk_module_record rec;
    OK(oxk_registry_get_module(f.reg, "sync", &found, &rec));
    CHECK(found && rec.state == OXK_STATE_LOADED);
    CHECK_STR(rec.meta.description, "kept in sync");
    oxk_module_record_clear(&rec);
    OK(oxk_modules_start(f.mgr, "sync"));
    OK(oxk_registry_get_module(f.reg, "sync", &found, &rec));
    CHECK(found && rec.state == OXK_STATE_RUNNING);
    oxk_module_record_clear(&rec);
    OK(oxk_modules_stop(f.mgr, "sync"));
    OK(oxk_registry_get_module(f.reg, "sync", &found, &rec));
    CHECK(found && rec.state == OXK_STATE_STOPPED);
    oxk_module_record_clear(&rec);
    teardown(&f);
}

/* If the registry cannot follow, start fails without leaving the module
   stuck in `starting` and without running the hook. */
static void registry_failure_does_not_wedge_a_module(void)
{
    fixture f = setup(true);
    counter c = {0};
    oxk_module_meta m = meta("wedge");
    OK(oxk_modules_register(f.mgr, &m, &counter_vt, &c));
    OK(oxk_registry_delete_module(f.reg, "wedge", NULL)); /* behind the manager's back */
    oxk_err *e = EXPECT_ERR(oxk_modules_start(f.mgr, "wedge"), OXK_ERR_REGISTRY);
    CHECK_STR(oxk_err_message(e), "registry error: module `wedge` stays loaded: cannot record "
                                  "starting: unknown module: wedge");
    oxk_err_free(e);
    CHECK(c.starts == 0 && state_of(f.mgr, "wedge") == OXK_STATE_LOADED);
    OK(oxk_registry_upsert_module(f.reg, &m, OXK_STATE_LOADED)); /* repaired */
    OK(oxk_modules_start(f.mgr, "wedge"));
    CHECK(state_of(f.mgr, "wedge") == OXK_STATE_RUNNING);
    teardown(&f);
}

/* No lock is held while a hook runs: the hook can ask the manager. */
static void hooks_may_call_back_into_the_manager(void)
{
    fixture f = setup(false);
    counter c = {.mgr = f.mgr};
    oxk_module_meta m = meta("reentrant");
    OK(oxk_modules_register(f.mgr, &m, &counter_vt, &c));
    OK(oxk_modules_start(f.mgr, "reentrant"));
    CHECK(c.saw_state && c.seen == OXK_STATE_STARTING);
    teardown(&f);
}

static void list_is_sorted_by_id(void)
{
    fixture f = setup(false);
    counter a = {0}, b = {0}, c = {0};
    oxk_module_meta ma = meta("zeta"), mb = meta("alpha"), mc = meta("mid");
    OK(oxk_modules_register(f.mgr, &ma, &counter_vt, &a));
    OK(oxk_modules_register(f.mgr, &mb, &counter_vt, &b));
    OK(oxk_modules_register(f.mgr, &mc, &counter_vt, &c));
    oxk_module_info *v;
    size_t n;
    OK(oxk_modules_list(f.mgr, &v, &n));
    CHECK(n == 3 && !strcmp(v[0].meta.id, "alpha") && !strcmp(v[2].meta.id, "zeta"));
    oxk_module_infos_free(v, n);
    teardown(&f);
}

/* Wasm module: invoke over the bus, answered with correlated custom events. */
static oxk_envelope *invoke(fixture *f, oxk_subscription *s, const char *id, const char *method,
                           json_t *payload, const char *want_kind)
{
    oxk_message cmd = {.type = OXK_CMD_INVOKE, .module_id = id, .method = method, .payload = payload};
    char cmd_id[37];
    OK(oxk_bus_send_command(f->bus, "tester", &cmd, cmd_id));
    for (int i = 0; i < 10; i++) {
        oxk_envelope *e;
        oxk_subscription_recv(s, 5000, &e);
        if (!e)
            break;
        const oxk_message *m = oxk_envelope_message(e);
        if (m->type == OXK_EV_CUSTOM) {
            CHECK_STR(m->kind, want_kind);
            CHECK_STR(oxk_envelope_correlation_id(e), cmd_id);
            CHECK_STR(oxk_envelope_source(e), id);
            CHECK_STR(m->module_id, id);
            return e;
        }
        oxk_envelope_unref(e);
    }
    fprintf(stderr, "no answer to %s.%s\n", id, method);
    check_failures++;
    return NULL;
}

static void wasm_module_serves_invoke_over_the_bus(void)
{
    fixture f = setup(true);
    oxk_executor *ex;
    char path[512];
    snprintf(path, sizeof path, "%s/accounting.wasm", OX_KGUEST_DIR);
    OK(oxk_executor_from_path(path, NULL, &ex));
    oxk_module_meta m = meta("acct");
    OK(oxk_modules_register_wasm(f.mgr, &m, ex));
    /* start before init is refused clearly and leaves it failed */
    oxk_err *e = EXPECT_ERR(oxk_modules_start(f.mgr, "acct"), OXK_ERR_MODULE);
    CHECK_CONTAINS(oxk_err_message(e), "not initialised");
    oxk_err_free(e);
    OK(oxk_modules_init(f.mgr, "acct"));
    OK(oxk_modules_start(f.mgr, "acct"));
    oxk_subscription *s;
    OK(oxk_bus_subscribe(f.bus, &s));
    json_t *p = json_pack("{s:s}", "hello", "world");
    oxk_envelope *ans = invoke(&f, s, "acct", "echo", p, "echo.ok");
    if (ans) {
        json_t *want = json_pack("{s:b}", "ok", 1);
        CHECK(json_equal(oxk_envelope_message(ans)->payload, want));
        json_decref(want);
    }
    oxk_envelope_unref(ans);
    /* a trap becomes <method>.err with {"error": "..."}; the module lives on */
    int32_t live;
    OK(oxk_executor_call_i32(ex, "set_mode", 1, &live));
    ans = invoke(&f, s, "acct", "boom", p, "boom.err");
    if (ans) {
        json_t *err = json_object_get(oxk_envelope_message(ans)->payload, "error");
        CHECK(json_is_string(err) && strstr(json_string_value(err), "unreachable"));
    }
    oxk_envelope_unref(ans);
    OK(oxk_executor_call_i32(ex, "set_mode", 0, &live));
    ans = invoke(&f, s, "acct", "again", p, "again.ok");
    oxk_envelope_unref(ans);
    /* commands for other modules are ignored */
    oxk_message other = {.type = OXK_CMD_INVOKE, .module_id = "someone-else", .method = "x"};
    OK(oxk_bus_send_command(f.bus, "tester", &other, NULL));
    oxk_envelope *got;
    oxk_subscription_recv(s, 1000, &got); /* the command itself */
    oxk_envelope_unref(got);
    oxk_subscription_recv(s, 200, &got);
    CHECK(got == NULL);
    OK(oxk_modules_stop(f.mgr, "acct"));
    CHECK(state_of(f.mgr, "acct") == OXK_STATE_STOPPED);
    oxk_subscription_recv(s, 1000, &got); /* module_stopped */
    CHECK(got && oxk_envelope_message(got)->type == OXK_EV_MODULE_STOPPED);
    oxk_envelope_unref(got);
    /* stopped: no answer */
    OK(oxk_bus_send_command(f.bus, "tester", &(oxk_message){.type = OXK_CMD_INVOKE,
                                                          .module_id = "acct", .method = "x"},
                           NULL));
    oxk_subscription_recv(s, 1000, &got);
    CHECK(got && oxk_envelope_message(got)->type == OXK_CMD_INVOKE);
    oxk_envelope_unref(got);
    oxk_subscription_recv(s, 200, &got);
    CHECK(got == NULL);
    json_decref(p);
    oxk_subscription_close(s);
    teardown(&f);
}

/* Stopping a module whose guest is stuck in a loop interrupts the guest
   instead of hanging; the pending invoke is answered with an error. */
static void stop_interrupts_a_busy_guest(void)
{
    fixture f = setup(false);
    oxk_executor *ex;
    char path[512];
    snprintf(path, sizeof path, "%s/spin.wasm", OX_KGUEST_DIR);
    OK(oxk_executor_from_path(path, NULL, &ex)); /* no timeout: only stop can end it */
    oxk_module_meta m = meta("spinner");
    OK(oxk_modules_register_wasm(f.mgr, &m, ex));
    OK(oxk_modules_init(f.mgr, "spinner"));
    OK(oxk_modules_start(f.mgr, "spinner"));
    oxk_subscription *s;
    OK(oxk_bus_subscribe(f.bus, &s));
    oxk_message cmd = {.type = OXK_CMD_INVOKE, .module_id = "spinner", .method = "loop"};
    OK(oxk_bus_send_command(f.bus, "tester", &cmd, NULL));
    struct timespec nap = {0, 100 * 1000000L};
    nanosleep(&nap, NULL); /* let the guest start spinning */
    OK(oxk_modules_stop(f.mgr, "spinner"));
    CHECK(state_of(f.mgr, "spinner") == OXK_STATE_STOPPED);
    bool answered = false;
    for (int i = 0; i < 5; i++) {
        oxk_envelope *e;
        oxk_subscription_recv(s, 1000, &e);
        if (!e)
            break;
        const oxk_message *msg = oxk_envelope_message(e);
        if (msg->type == OXK_EV_CUSTOM) {
            CHECK_STR(msg->kind, "loop.err");
            json_t *err = json_object_get(msg->payload, "error");
            CHECK(json_is_string(err) && strstr(json_string_value(err), "interrupted"));
            answered = true;
        }
        oxk_envelope_unref(e);
    }
    CHECK(answered);
    oxk_subscription_close(s);
    teardown(&f);
}

/* The custom event answering command cid, or NULL after 5 s. */
static oxk_envelope *answer_to(oxk_subscription *s, const char *cid)
{
    for (;;) {
        oxk_envelope *e;
        oxk_subscription_recv(s, 5000, &e);
        if (!e)
            return NULL;
        const char *c = oxk_envelope_correlation_id(e);
        if (oxk_envelope_message(e)->type == OXK_EV_CUSTOM && c && !strcmp(c, cid))
            return e;
        oxk_envelope_unref(e);
    }
}

/* oxk_modules_cancel: the running call is interrupted, a queued one is
   answered "cancelled" without running, and the module keeps serving. */
static void cancel_interrupts_running_and_skips_queued(void)
{
    fixture f = setup(false);
    oxk_executor *ex;
    char path[512];
    snprintf(path, sizeof path, "%s/spin.wasm", OX_KGUEST_DIR);
    OK(oxk_executor_from_path(path, NULL, &ex));
    oxk_module_meta m = meta("spinner");
    OK(oxk_modules_register_wasm(f.mgr, &m, ex));
    OK(oxk_modules_init(f.mgr, "spinner"));
    OK(oxk_modules_start(f.mgr, "spinner"));
    oxk_subscription *s;
    OK(oxk_bus_subscribe(f.bus, &s));
    oxk_message cmd = {.type = OXK_CMD_INVOKE, .module_id = "spinner", .method = "loop"};
    char first[37], second[37];
    OK(oxk_bus_send_command(f.bus, "tester", &cmd, first));
    OK(oxk_bus_send_command(f.bus, "tester", &cmd, second));
    struct timespec nap = {0, 100 * 1000000L};
    nanosleep(&nap, NULL); /* the first spins, the second waits */
    CHECK(oxk_modules_cancel(f.mgr, "spinner", second));
    CHECK(oxk_modules_cancel(f.mgr, "spinner", first));
    CHECK(!oxk_modules_cancel(f.mgr, "nobody", first));
    oxk_envelope *a = answer_to(s, first), *b = answer_to(s, second);
    CHECK(a && strstr(json_string_value(json_object_get(oxk_envelope_message(a)->payload, "error")),
                      "interrupted"));
    CHECK(b && !strcmp(json_string_value(json_object_get(oxk_envelope_message(b)->payload, "error")),
                       "cancelled"));
    oxk_envelope_unref(a);
    oxk_envelope_unref(b);
    CHECK(state_of(f.mgr, "spinner") == OXK_STATE_RUNNING);
    oxk_subscription_close(s);
    teardown(&f);
}

typedef struct {
    oxk_modules *mgr;
    int ok;
} racer;

static void *race_start(void *arg)
{
    racer *r = arg;
    oxk_err *e = oxk_modules_start(r->mgr, "contested");
    r->ok = e == NULL;
    oxk_err_free(e);
    return NULL;
}

static void concurrent_starts_run_the_hook_once(void)
{
    fixture f = setup(true);
    counter c = {0};
    oxk_module_meta m = meta("contested");
    OK(oxk_modules_register(f.mgr, &m, &counter_vt, &c));
    racer r[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        r[i] = (racer){f.mgr, 0};
        pthread_create(&t[i], NULL, race_start, &r[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CHECK(r[0].ok + r[1].ok + r[2].ok + r[3].ok == 1);
    CHECK(c.starts == 1);
    teardown(&f);
}

int main(void)
{
    RUN(register_start_stop_native_module);
    RUN(duplicate_registration_is_rejected);
    RUN(unknown_module_returns_error);
    RUN(register_wasm_module);
    RUN(unload_removes_module);
    RUN(start_emits_module_started_event);
    RUN(invalid_transitions_are_errors);
    RUN(failing_hooks_leave_failed);
    RUN(registry_follows_every_state_change);
    RUN(registry_failure_does_not_wedge_a_module);
    RUN(hooks_may_call_back_into_the_manager);
    RUN(list_is_sorted_by_id);
    RUN(wasm_module_serves_invoke_over_the_bus);
    RUN(concurrent_starts_run_the_hook_once);
    RUN(stop_interrupts_a_busy_guest);
    RUN(cancel_interrupts_running_and_skips_queued);
    return CHECK_DONE();
}
