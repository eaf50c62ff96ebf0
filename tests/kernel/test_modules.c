/* test_modules.c — the module manager: the reference's module tests, the
   enforced lifecycle, registry sync, hooks without locks, and Wasm modules
   serving invoke commands over the bus. */
#include <pthread.h>
#include <time.h>

#include "check.h"
#include "oxide/modules.h"

typedef struct counter {
    int inits, starts, stops, destroyed;
    bool fail_start, fail_stop;
    ox_modules *mgr;          /* for the re-entrancy test */
    ox_module_state seen;     /* state observed from inside the hook */
    bool saw_state;
} counter;

static ox_kerr *c_init(void *self, ox_bus *bus)
{
    (void)bus;
    ((counter *)self)->inits++;
    return NULL;
}

static ox_kerr *c_start(void *self)
{
    counter *c = self;
    c->starts++;
    if (c->mgr)
        c->saw_state = ox_modules_state(c->mgr, "reentrant", &c->seen);
    return c->fail_start ? ox_kerr_new(OX_KERR_MODULE, "start refused") : NULL;
}

static ox_kerr *c_stop(void *self)
{
    counter *c = self;
    c->stops++;
    return c->fail_stop ? ox_kerr_new(OX_KERR_MODULE, "stop refused") : NULL;
}

static void c_destroy(void *self) { ((counter *)self)->destroyed++; }

static const ox_module_vtable counter_vt = {c_init, c_start, c_stop, c_destroy};

static ox_module_meta meta(const char *id)
{
    ox_module_meta m = {.id = id, .name = "Test", .version = "0.1.0", .kind = OX_MODULE_NATIVE};
    return m;
}

typedef struct fixture {
    ox_bus *bus;
    ox_registry *reg;
    ox_modules *mgr;
} fixture;

static fixture setup(bool with_registry)
{
    fixture f = {0};
    OK(ox_bus_new(&f.bus));
    if (with_registry)
        OK(ox_registry_open_memory(&f.reg));
    OK(ox_modules_new(f.bus, f.reg, &f.mgr));
    return f;
}

static void teardown(fixture *f)
{
    ox_modules_free(f->mgr);
    ox_registry_free(f->reg);
    ox_bus_free(f->bus);
}

static ox_module_state state_of(ox_modules *m, const char *id)
{
    ox_module_state s = (ox_module_state)-1;
    CHECK(ox_modules_state(m, id, &s));
    return s;
}

static void register_start_stop_native_module(void)
{
    fixture f = setup(false);
    counter c = {0};
    ox_module_meta m = meta("echo");
    OK(ox_modules_register(f.mgr, &m, &counter_vt, &c));
    CHECK(state_of(f.mgr, "echo") == OX_STATE_LOADED);
    OK(ox_modules_init(f.mgr, "echo"));
    CHECK(c.inits == 1);
    CHECK(state_of(f.mgr, "echo") == OX_STATE_LOADED); /* init changes no state */
    OK(ox_modules_start(f.mgr, "echo"));
    CHECK(state_of(f.mgr, "echo") == OX_STATE_RUNNING && c.starts == 1);
    OK(ox_modules_stop(f.mgr, "echo"));
    CHECK(state_of(f.mgr, "echo") == OX_STATE_STOPPED && c.stops == 1);
    teardown(&f);
    CHECK(c.destroyed == 1);
}

static void duplicate_registration_is_rejected(void)
{
    fixture f = setup(false);
    counter a = {0}, b = {0};
    ox_module_meta m = meta("dup");
    OK(ox_modules_register(f.mgr, &m, &counter_vt, &a));
    ox_kerr *e = EXPECT_ERR(ox_modules_register(f.mgr, &m, &counter_vt, &b),
                            OX_KERR_DUPLICATE_MODULE);
    CHECK_STR(ox_kerr_message(e), "module already registered: dup");
    ox_kerr_free(e);
    teardown(&f);
    CHECK(a.destroyed == 1 && b.destroyed == 0); /* the caller kept b */
}

static void unknown_module_returns_error(void)
{
    fixture f = setup(false);
    ox_kerr *e = EXPECT_ERR(ox_modules_start(f.mgr, "missing"), OX_KERR_UNKNOWN_MODULE);
    CHECK_STR(ox_kerr_message(e), "unknown module: missing");
    ox_kerr_free(e);
    ox_kerr_free(EXPECT_ERR(ox_modules_stop(f.mgr, "missing"), OX_KERR_UNKNOWN_MODULE));
    ox_kerr_free(EXPECT_ERR(ox_modules_init(f.mgr, "missing"), OX_KERR_UNKNOWN_MODULE));
    ox_kerr_free(EXPECT_ERR(ox_modules_unload(f.mgr, "missing"), OX_KERR_UNKNOWN_MODULE));
    ox_module_state s;
    CHECK(!ox_modules_state(f.mgr, "missing", &s));
    teardown(&f);
}

static void register_wasm_module(void)
{
    fixture f = setup(false);
    ox_executor *ex;
    char path[512];
    snprintf(path, sizeof path, "%s/accounting.wasm", OX_KGUEST_DIR);
    OK(ox_executor_from_path(path, NULL, &ex));
    ox_module_meta m = meta("wasm-stub"); /* kind says native: forced to wasm */
    OK(ox_modules_register_wasm(f.mgr, &m, ex));
    OK(ox_modules_init(f.mgr, "wasm-stub"));
    OK(ox_modules_start(f.mgr, "wasm-stub"));
    CHECK(state_of(f.mgr, "wasm-stub") == OX_STATE_RUNNING);
    ox_module_info *infos;
    size_t n;
    OK(ox_modules_list(f.mgr, &infos, &n));
    CHECK(n == 1 && infos[0].meta.kind == OX_MODULE_WASM);
    ox_module_infos_free(infos, n);
    teardown(&f); /* stops the serving thread */
}

static void unload_removes_module(void)
{
    fixture f = setup(true);
    counter c = {0};
    ox_module_meta m = meta("gone");
    OK(ox_modules_register(f.mgr, &m, &counter_vt, &c));
    OK(ox_modules_start(f.mgr, "gone"));
    OK(ox_modules_unload(f.mgr, "gone"));
    ox_module_state s;
    CHECK(!ox_modules_state(f.mgr, "gone", &s));
    CHECK(c.stops == 1 && c.destroyed == 1); /* stopped first, then destroyed */
    bool found;
    ox_module_record rec;
    OK(ox_registry_get_module(f.reg, "gone", &found, &rec));
    CHECK(!found); /* the registry follows */
    teardown(&f);
}

static void start_emits_module_started_event(void)
{
    fixture f = setup(false);
    ox_subscription *s;
    OK(ox_bus_subscribe(f.bus, &s));
    counter c = {0};
    ox_module_meta m = meta("echo");
    OK(ox_modules_register(f.mgr, &m, &counter_vt, &c));
    CHECK(ox_subscription_pending(s) == 0); /* registering publishes nothing */
    OK(ox_modules_start(f.mgr, "echo"));
    OK(ox_modules_stop(f.mgr, "echo"));
    ox_envelope *e;
    ox_subscription_recv(s, 1000, &e);
    CHECK(e && ox_envelope_message(e)->type == OX_EV_MODULE_STARTED);
    CHECK(e && !strcmp(ox_envelope_message(e)->module_id, "echo"));
    CHECK(e && !strcmp(ox_envelope_source(e), "kernel"));
    ox_envelope_unref(e);
    ox_subscription_recv(s, 1000, &e);
    CHECK(e && ox_envelope_message(e)->type == OX_EV_MODULE_STOPPED);
    ox_envelope_unref(e);
    ox_subscription_close(s);
    teardown(&f);
}

/* Fix: the original never checked transitions. */
static void invalid_transitions_are_errors(void)
{
    fixture f = setup(true);
    counter c = {0};
    ox_module_meta m = meta("m");
    OK(ox_modules_register(f.mgr, &m, &counter_vt, &c));
    ox_kerr *e = EXPECT_ERR(ox_modules_stop(f.mgr, "m"), OX_KERR_TRANSITION);
    CHECK_STR(ox_kerr_message(e), "invalid state transition for module `m`: loaded -> stopping");
    ox_kerr_free(e);
    CHECK(c.stops == 0 && state_of(f.mgr, "m") == OX_STATE_LOADED);
    OK(ox_modules_start(f.mgr, "m"));
    e = EXPECT_ERR(ox_modules_start(f.mgr, "m"), OX_KERR_TRANSITION);
    CHECK_CONTAINS(ox_kerr_message(e), "running -> starting");
    ox_kerr_free(e);
    CHECK(c.starts == 1);
    OK(ox_modules_stop(f.mgr, "m"));
    ox_kerr_free(EXPECT_ERR(ox_modules_stop(f.mgr, "m"), OX_KERR_TRANSITION));
    OK(ox_modules_start(f.mgr, "m")); /* stopped -> starting: start again */
    CHECK(c.starts == 2 && state_of(f.mgr, "m") == OX_STATE_RUNNING);
    teardown(&f);
}

static void failing_hooks_leave_failed(void)
{
    fixture f = setup(true);
    counter c = {.fail_start = true};
    ox_module_meta m = meta("flaky");
    OK(ox_modules_register(f.mgr, &m, &counter_vt, &c));
    ox_kerr *e = EXPECT_ERR(ox_modules_start(f.mgr, "flaky"), OX_KERR_MODULE);
    CHECK_STR(ox_kerr_message(e), "module error: start refused");
    ox_kerr_free(e);
    CHECK(state_of(f.mgr, "flaky") == OX_STATE_FAILED);
    bool found;
    ox_module_record rec;
    OK(ox_registry_get_module(f.reg, "flaky", &found, &rec));
    CHECK(found && rec.state == OX_STATE_FAILED);
    ox_module_record_clear(&rec);
    c.fail_start = false; /* failed -> starting is allowed: retry */
    OK(ox_modules_start(f.mgr, "flaky"));
    c.fail_stop = true;
    ox_kerr_free(EXPECT_ERR(ox_modules_stop(f.mgr, "flaky"), OX_KERR_MODULE));
    CHECK(state_of(f.mgr, "flaky") == OX_STATE_FAILED);
    OK(ox_modules_unload(f.mgr, "flaky")); /* failed modules can be unloaded */
    teardown(&f);
}

static void registry_follows_every_state_change(void)
{
    fixture f = setup(true);
    counter c = {0};
    ox_module_meta m = meta("sync");
    m.description = "kept in sync";
    OK(ox_modules_register(f.mgr, &m, &counter_vt, &c));
    bool found;
    ox_module_record rec;
    OK(ox_registry_get_module(f.reg, "sync", &found, &rec));
    CHECK(found && rec.state == OX_STATE_LOADED);
    CHECK_STR(rec.meta.description, "kept in sync");
    ox_module_record_clear(&rec);
    OK(ox_modules_start(f.mgr, "sync"));
    OK(ox_registry_get_module(f.reg, "sync", &found, &rec));
    CHECK(found && rec.state == OX_STATE_RUNNING);
    ox_module_record_clear(&rec);
    OK(ox_modules_stop(f.mgr, "sync"));
    OK(ox_registry_get_module(f.reg, "sync", &found, &rec));
    CHECK(found && rec.state == OX_STATE_STOPPED);
    ox_module_record_clear(&rec);
    teardown(&f);
}

/* If the registry cannot follow, start fails without leaving the module
   stuck in `starting` and without running the hook. */
static void registry_failure_does_not_wedge_a_module(void)
{
    fixture f = setup(true);
    counter c = {0};
    ox_module_meta m = meta("wedge");
    OK(ox_modules_register(f.mgr, &m, &counter_vt, &c));
    OK(ox_registry_delete_module(f.reg, "wedge", NULL)); /* behind the manager's back */
    ox_kerr *e = EXPECT_ERR(ox_modules_start(f.mgr, "wedge"), OX_KERR_REGISTRY);
    CHECK_STR(ox_kerr_message(e), "registry error: module `wedge` stays loaded: cannot record "
                                  "starting: unknown module: wedge");
    ox_kerr_free(e);
    CHECK(c.starts == 0 && state_of(f.mgr, "wedge") == OX_STATE_LOADED);
    OK(ox_registry_upsert_module(f.reg, &m, OX_STATE_LOADED)); /* repaired */
    OK(ox_modules_start(f.mgr, "wedge"));
    CHECK(state_of(f.mgr, "wedge") == OX_STATE_RUNNING);
    teardown(&f);
}

/* No lock is held while a hook runs: the hook can ask the manager. */
static void hooks_may_call_back_into_the_manager(void)
{
    fixture f = setup(false);
    counter c = {.mgr = f.mgr};
    ox_module_meta m = meta("reentrant");
    OK(ox_modules_register(f.mgr, &m, &counter_vt, &c));
    OK(ox_modules_start(f.mgr, "reentrant"));
    CHECK(c.saw_state && c.seen == OX_STATE_STARTING);
    teardown(&f);
}

static void list_is_sorted_by_id(void)
{
    fixture f = setup(false);
    counter a = {0}, b = {0}, c = {0};
    ox_module_meta ma = meta("zeta"), mb = meta("alpha"), mc = meta("mid");
    OK(ox_modules_register(f.mgr, &ma, &counter_vt, &a));
    OK(ox_modules_register(f.mgr, &mb, &counter_vt, &b));
    OK(ox_modules_register(f.mgr, &mc, &counter_vt, &c));
    ox_module_info *v;
    size_t n;
    OK(ox_modules_list(f.mgr, &v, &n));
    CHECK(n == 3 && !strcmp(v[0].meta.id, "alpha") && !strcmp(v[2].meta.id, "zeta"));
    ox_module_infos_free(v, n);
    teardown(&f);
}

/* Wasm module: invoke over the bus, answered with correlated custom events. */
static ox_envelope *invoke(fixture *f, ox_subscription *s, const char *id, const char *method,
                           json_t *payload, const char *want_kind)
{
    ox_message cmd = {.type = OX_CMD_INVOKE, .module_id = id, .method = method, .payload = payload};
    char cmd_id[37];
    OK(ox_bus_send_command(f->bus, "tester", &cmd, cmd_id));
    for (int i = 0; i < 10; i++) {
        ox_envelope *e;
        ox_subscription_recv(s, 5000, &e);
        if (!e)
            break;
        const ox_message *m = ox_envelope_message(e);
        if (m->type == OX_EV_CUSTOM) {
            CHECK_STR(m->kind, want_kind);
            CHECK_STR(ox_envelope_correlation_id(e), cmd_id);
            CHECK_STR(ox_envelope_source(e), id);
            CHECK_STR(m->module_id, id);
            return e;
        }
        ox_envelope_unref(e);
    }
    fprintf(stderr, "no answer to %s.%s\n", id, method);
    check_failures++;
    return NULL;
}

static void wasm_module_serves_invoke_over_the_bus(void)
{
    fixture f = setup(true);
    ox_executor *ex;
    char path[512];
    snprintf(path, sizeof path, "%s/accounting.wasm", OX_KGUEST_DIR);
    OK(ox_executor_from_path(path, NULL, &ex));
    ox_module_meta m = meta("acct");
    OK(ox_modules_register_wasm(f.mgr, &m, ex));
    /* start before init is refused clearly and leaves it failed */
    ox_kerr *e = EXPECT_ERR(ox_modules_start(f.mgr, "acct"), OX_KERR_MODULE);
    CHECK_CONTAINS(ox_kerr_message(e), "not initialised");
    ox_kerr_free(e);
    OK(ox_modules_init(f.mgr, "acct"));
    OK(ox_modules_start(f.mgr, "acct"));
    ox_subscription *s;
    OK(ox_bus_subscribe(f.bus, &s));
    json_t *p = json_pack("{s:s}", "hello", "world");
    ox_envelope *ans = invoke(&f, s, "acct", "echo", p, "echo.ok");
    if (ans) {
        json_t *want = json_pack("{s:b}", "ok", 1);
        CHECK(json_equal(ox_envelope_message(ans)->payload, want));
        json_decref(want);
    }
    ox_envelope_unref(ans);
    /* a trap becomes <method>.err with {"error": "..."}; the module lives on */
    int32_t live;
    OK(ox_executor_call_i32(ex, "set_mode", 1, &live));
    ans = invoke(&f, s, "acct", "boom", p, "boom.err");
    if (ans) {
        json_t *err = json_object_get(ox_envelope_message(ans)->payload, "error");
        CHECK(json_is_string(err) && strstr(json_string_value(err), "unreachable"));
    }
    ox_envelope_unref(ans);
    OK(ox_executor_call_i32(ex, "set_mode", 0, &live));
    ans = invoke(&f, s, "acct", "again", p, "again.ok");
    ox_envelope_unref(ans);
    /* commands for other modules are ignored */
    ox_message other = {.type = OX_CMD_INVOKE, .module_id = "someone-else", .method = "x"};
    OK(ox_bus_send_command(f.bus, "tester", &other, NULL));
    ox_envelope *got;
    ox_subscription_recv(s, 1000, &got); /* the command itself */
    ox_envelope_unref(got);
    ox_subscription_recv(s, 200, &got);
    CHECK(got == NULL);
    OK(ox_modules_stop(f.mgr, "acct"));
    CHECK(state_of(f.mgr, "acct") == OX_STATE_STOPPED);
    ox_subscription_recv(s, 1000, &got); /* module_stopped */
    CHECK(got && ox_envelope_message(got)->type == OX_EV_MODULE_STOPPED);
    ox_envelope_unref(got);
    /* stopped: no answer */
    OK(ox_bus_send_command(f.bus, "tester", &(ox_message){.type = OX_CMD_INVOKE,
                                                          .module_id = "acct", .method = "x"},
                           NULL));
    ox_subscription_recv(s, 1000, &got);
    CHECK(got && ox_envelope_message(got)->type == OX_CMD_INVOKE);
    ox_envelope_unref(got);
    ox_subscription_recv(s, 200, &got);
    CHECK(got == NULL);
    json_decref(p);
    ox_subscription_close(s);
    teardown(&f);
}

/* Stopping a module whose guest is stuck in a loop interrupts the guest
   instead of hanging; the pending invoke is answered with an error. */
static void stop_interrupts_a_busy_guest(void)
{
    fixture f = setup(false);
    ox_executor *ex;
    char path[512];
    snprintf(path, sizeof path, "%s/spin.wasm", OX_KGUEST_DIR);
    OK(ox_executor_from_path(path, NULL, &ex)); /* no timeout: only stop can end it */
    ox_module_meta m = meta("spinner");
    OK(ox_modules_register_wasm(f.mgr, &m, ex));
    OK(ox_modules_init(f.mgr, "spinner"));
    OK(ox_modules_start(f.mgr, "spinner"));
    ox_subscription *s;
    OK(ox_bus_subscribe(f.bus, &s));
    ox_message cmd = {.type = OX_CMD_INVOKE, .module_id = "spinner", .method = "loop"};
    OK(ox_bus_send_command(f.bus, "tester", &cmd, NULL));
    struct timespec nap = {0, 100 * 1000000L};
    nanosleep(&nap, NULL); /* let the guest start spinning */
    OK(ox_modules_stop(f.mgr, "spinner"));
    CHECK(state_of(f.mgr, "spinner") == OX_STATE_STOPPED);
    bool answered = false;
    for (int i = 0; i < 5; i++) {
        ox_envelope *e;
        ox_subscription_recv(s, 1000, &e);
        if (!e)
            break;
        const ox_message *msg = ox_envelope_message(e);
        if (msg->type == OX_EV_CUSTOM) {
            CHECK_STR(msg->kind, "loop.err");
            json_t *err = json_object_get(msg->payload, "error");
            CHECK(json_is_string(err) && strstr(json_string_value(err), "interrupted"));
            answered = true;
        }
        ox_envelope_unref(e);
    }
    CHECK(answered);
    ox_subscription_close(s);
    teardown(&f);
}

typedef struct {
    ox_modules *mgr;
    int ok;
} racer;

static void *race_start(void *arg)
{
    racer *r = arg;
    ox_kerr *e = ox_modules_start(r->mgr, "contested");
    r->ok = e == NULL;
    ox_kerr_free(e);
    return NULL;
}

static void concurrent_starts_run_the_hook_once(void)
{
    fixture f = setup(true);
    counter c = {0};
    ox_module_meta m = meta("contested");
    OK(ox_modules_register(f.mgr, &m, &counter_vt, &c));
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
    return CHECK_DONE();
}
