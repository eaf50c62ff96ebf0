/* test_hostile.c — hostile guests against the engine's public API
   (oxide/wasm.h) and WASI (oxide/wasi.h), issue 6: a deadline and an
   interrupt from another thread stop a tight loop; memory and table bombs
   stop at their limits; deep recursion, also through a host import that
   calls back into Wasm, ends in "call stack exhausted" without touching
   the native stack's end; fuel runs out; WASI calls with pointers outside
   memory answer an errno; small files declaring huge counts fail fast; two
   stores run on two threads at once without interfering.
   Timing checks are loose (a 100 ms deadline must end within 5 s): they
   catch a limit that does not work, never a slow CI machine. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oxide/wasi.h"
#include "oxide/wasm.h"

static int failures;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

#define CHECK_EQ(a, b)                                                                     \
    do {                                                                                   \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);     \
        if (a_ != b_) {                                                                    \
            fprintf(stderr, "%s:%d: %s == %s failed: %llu != %llu\n", __FILE__, __LINE__,  \
                    #a, #b, a_, b_);                                                       \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

/* The engine call must succeed; otherwise the file cannot go on. */
#define MUST(call)                                                                         \
    do {                                                                                   \
        ox_error *e_ = (call);                                                             \
        if (e_) {                                                                          \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call,                  \
                    ox_error_message(e_));                                                 \
            exit(1);                                                                       \
        }                                                                                  \
    } while (0)

#define RUN(test)                                                                          \
    do {                                                                                   \
        int before_ = failures;                                                            \
        test();                                                                            \
        fprintf(stderr, "%s %s\n", failures == before_ ? "ok  " : "FAIL", #test);          \
    } while (0)

static const char *guest_dir;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The error is a trap of kind `want` (printed when not); frees it. */
static bool is_trap(ox_error *e, ox_trap want)
{
    bool ok = e && ox_error_code(e) == OX_ERR_TRAP && ox_error_trap(e) == want;
    if (!ok)
        fprintf(stderr, "  expected trap \"%s\", got %s\n", ox_trap_message(want),
                e ? ox_error_message(e) : "success");
    ox_error_free(e);
    return ok;
}

/* ---- a store with the hostile guest ----------------------------------- */

typedef struct guest {
    ox_engine *engine;
    ox_module *module;
    ox_store *store;
    ox_instance *inst;
    int reentries; /* host→wasm re-entries made by reenter() */
} guest;

/* env.reenter(n): call the guest's "down"(n) again — unbounded mutual
   recursion between Wasm and the host, which the engine must cut off. */
static ox_error *no_reenter_echo(ox_caller *c, void *u, const ox_val *a, ox_val *r)
{
    (void)c;
    (void)u;
    r[0] = a[0];
    return NULL;
}

static ox_error *reenter(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    guest *g = user;
    ox_extern down;
    if (!ox_caller_export(c, "down", &down))
        return ox_error_new(OX_ERR_NOTFOUND, "no down export");
    g->reentries++;
    ox_val r;
    ox_error *e = ox_func_call(down.of.func, args, 1, &r, 1);
    if (e)
        return e; /* the trap travels back out through every level */
    results[0] = r;
    return NULL;
}

static void guest_open(guest *g, const char *file, const ox_config *cfg)
{
    memset(g, 0, sizeof *g);
    char path[512];
    snprintf(path, sizeof path, "%s/%s", guest_dir, file);
    MUST(ox_engine_new(cfg, &g->engine));
    MUST(ox_module_load_file(g->engine, path, &g->module));
    MUST(ox_store_new(g->engine, &g->store));
    static const ox_valtype i32[] = {OX_I32};
    ox_functype t = {1, 1, i32, i32};
    ox_extern im = {.kind = OX_EXTERN_FUNC};
    size_t nimports = ox_module_import_count(g->module);
    if (nimports)
        MUST(ox_func_new_host(g->store, &t, reenter, g, NULL, &im.of.func));
    MUST(ox_instance_new(g->store, g->module, &im, nimports, &g->inst));
}

static void guest_close(guest *g)
{
    ox_store_free(g->store);
    ox_module_free(g->module);
    ox_engine_free(g->engine);
}

static ox_func *fn(guest *g, const char *name)
{
    ox_extern e;
    if (!ox_instance_export(g->inst, name, &e) || e.kind != OX_EXTERN_FUNC) {
        fprintf(stderr, "no export %s\n", name);
        exit(1);
    }
    return e.of.func;
}

static ox_error *call1(guest *g, const char *name, int32_t arg, int32_t *out)
{
    ox_func *f = fn(g, name);
    ox_val a = ox_val_i32(arg), r = ox_val_i32(0);
    bool has_arg = ox_func_type(f)->nparams == 1;
    ox_error *e = ox_func_call(f, has_arg ? &a : NULL, has_arg, &r, 1);
    if (!e && out)
        *out = r.of.i32;
    return e;
}

/* ---- tests ------------------------------------------------------------- */

static void deadline_stops_a_tight_loop(void)
{
    guest g;
    guest_open(&g, "hostile.wasm", NULL);
    ox_store_set_timeout(g.store, 100);
    double t0 = now_s();
    CHECK(is_trap(call1(&g, "spin", 0, NULL), OX_TRAP_DEADLINE));
    double took = now_s() - t0;
    CHECK(took < 5.0);
    CHECK(took >= 0.05); /* the deadline, not something else, ended it */
    /* The next call gets a fresh deadline and runs normally. */
    int32_t r = 0;
    CHECK(!call1(&g, "count", 1000, &r) && r == 1000);
    guest_close(&g);
}

/* Deadlines are watched by a thread of the engine (watchdog.c): a call
   that ended before its deadline is not stopped by it later, many short
   calls each arm and disarm it, and compiled code (whose loops no longer
   poll a clock) is stopped all the same. */
static void deadline_ends_with_its_call(void)
{
    for (int tier = 0; tier < 2; tier++) {
        if (tier == 1 && !ox_jit_available())
            break;
        ox_config cfg = {.tier = tier ? OX_TIER_JIT : OX_TIER_INTERP};
        guest g;
        guest_open(&g, "hostile.wasm", &cfg);
        ox_store_set_timeout(g.store, 50);
        int32_t r = 0;
        CHECK(!call1(&g, "count", 1000, &r) && r == 1000);
        struct timespec nap = {0, 120 * 1000000L}; /* past that call's deadline */
        nanosleep(&nap, NULL);
        CHECK(!call1(&g, "count", 1000, &r) && r == 1000);
        ox_store_set_timeout(g.store, 10000);
        bool all = true;
        for (int i = 0; i < 20000; i++)
            all = all && !call1(&g, "count", 10, &r) && r == 10;
        CHECK(all);
        ox_store_set_timeout(g.store, 100);
        double t0 = now_s();
        CHECK(is_trap(call1(&g, "spin", 0, NULL), OX_TRAP_DEADLINE));
        double took = now_s() - t0;
        CHECK(took >= 0.05 && took < 5.0);
        guest_close(&g);
    }
}

/* After fork(), the child's deadlines are watched too: the watchdog's
   thread stayed in the parent, so the child starts its own. */
static void deadline_in_a_forked_child(void)
{
    guest g;
    guest_open(&g, "hostile.wasm", NULL);
    ox_store_set_timeout(g.store, 50);
    CHECK(is_trap(call1(&g, "spin", 0, NULL), OX_TRAP_DEADLINE)); /* the thread runs now */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(10); /* a deadline that never comes kills the child instead */
        bool ok = is_trap(call1(&g, "spin", 0, NULL), OX_TRAP_DEADLINE);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    guest_close(&g);
}

typedef struct spinner {
    ox_store *store;
    ox_func *spin;
    uint64_t ms;
    double took;
    ox_trap trap;
} spinner;

static void *spin_until_deadline(void *arg)
{
    spinner *sp = arg;
    ox_store_set_timeout(sp->store, sp->ms);
    double t0 = now_s();
    ox_val a = ox_val_i32(0), r;
    ox_error *e = ox_func_call(sp->spin, &a, ox_func_type(sp->spin)->nparams, &r, 1);
    sp->took = now_s() - t0;
    sp->trap = e ? ox_error_trap(e) : OX_TRAP_NONE;
    ox_error_free(e);
    return NULL;
}

/* Two stores of one engine, each with its own deadline, on two threads:
   the watchdog wakes for the earlier one, then for the later one. */
static void two_deadlines_one_watchdog(void)
{
    guest g;
    guest_open(&g, "hostile.wasm", NULL);
    ox_store *s2;
    ox_instance *i2;
    MUST(ox_store_new(g.engine, &s2));
    static const ox_valtype i32[] = {OX_I32};
    ox_functype t = {1, 1, i32, i32};
    ox_extern im = {.kind = OX_EXTERN_FUNC};
    MUST(ox_func_new_host(s2, &t, no_reenter_echo, NULL, NULL, &im.of.func));
    MUST(ox_instance_new(s2, g.module, &im, ox_module_import_count(g.module), &i2));
    ox_extern f2;
    CHECK(ox_instance_export(i2, "spin", &f2));
    spinner late = {.store = g.store, .spin = fn(&g, "spin"), .ms = 600};
    spinner early = {.store = s2, .spin = f2.of.func, .ms = 50};
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, spin_until_deadline, &late) == 0);
    CHECK(pthread_create(&tb, NULL, spin_until_deadline, &early) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(early.trap == OX_TRAP_DEADLINE && late.trap == OX_TRAP_DEADLINE);
    CHECK(early.took >= 0.04 && early.took < 5.0);
    CHECK(late.took >= 0.5 && late.took < 10.0);
    ox_store_free(s2);
    guest_close(&g);
}

typedef struct interrupter {
    ox_store *store;
    atomic_bool done;
} interrupter;

/* Keep interrupting until the call is over: an interrupt that lands before
   the call starts is dropped on purpose (it must not kill a later call). */
static void *interrupt_loop(void *arg)
{
    interrupter *it = arg;
    usleep(30 * 1000);
    while (!atomic_load(&it->done)) {
        ox_store_interrupt(it->store);
        usleep(5 * 1000);
    }
    return NULL;
}

static void interrupt_from_another_thread(void)
{
    guest g;
    guest_open(&g, "hostile.wasm", NULL);
    interrupter it = {.store = g.store};
    atomic_init(&it.done, false);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, interrupt_loop, &it) == 0);
    double t0 = now_s();
    CHECK(is_trap(call1(&g, "spin", 0, NULL), OX_TRAP_INTERRUPTED));
    atomic_store(&it.done, true);
    pthread_join(th, NULL);
    CHECK(now_s() - t0 < 5.0);
    int32_t r = 0;
    CHECK(!call1(&g, "count", 10, &r) && r == 10);
    guest_close(&g);
}

static void memory_bomb_stops_at_the_limit(void)
{
    ox_config cfg = {.max_memory_pages = 16};
    guest g;
    guest_open(&g, "hostile.wasm", &cfg);
    int32_t pages = 0;
    CHECK(!call1(&g, "membomb", 0, &pages) && pages == 16);
    int32_t r = 0;
    CHECK(!call1(&g, "grow", 1, &r) && r == -1);
    CHECK(!call1(&g, "grow", 0x7fffffff, &r) && r == -1);
    CHECK(ox_memory_pages(ox_instance_memory(g.inst)) == 16);
    guest_close(&g);
    /* Without a limit of our own the engine's (65536 pages) still holds:
       grow by 65536 from 1 page is refused, not attempted. */
    guest_open(&g, "hostile.wasm", NULL);
    CHECK(!call1(&g, "grow", 65536, &r) && r == -1);
    guest_close(&g);
    /* A minimum above the limit does not instantiate. */
    ox_engine *e;
    ox_module *m;
    ox_store *s;
    ox_instance *inst;
    char path[512];
    snprintf(path, sizeof path, "%s/big_min.wasm", guest_dir);
    ox_config small = {.max_memory_pages = 50};
    MUST(ox_engine_new(&small, &e));
    MUST(ox_module_load_file(e, path, &m));
    MUST(ox_store_new(e, &s));
    ox_error *err = ox_instance_new(s, m, NULL, 0, &inst);
    CHECK(err && ox_error_code(err) == OX_ERR_LIMIT);
    if (err) {
        CHECK(strstr(ox_error_message(err), "100 pages exceeds the limit of 50") != NULL);
        ox_error_free(err);
    }
    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
}

static void table_bomb_stops_at_the_limit(void)
{
    ox_config cfg = {.max_table_elems = 5000};
    guest g;
    guest_open(&g, "hostile.wasm", &cfg);
    int32_t size = 0;
    /* 1, then +1000 while it fits: 4001. */
    CHECK(!call1(&g, "tablebomb", 0, &size) && size == 4001);
    guest_close(&g);
    /* The default limit also holds (no gigabytes of table). */
    guest_open(&g, "hostile.wasm", NULL);
    CHECK(!call1(&g, "tablebomb", 0, &size) && size > 0 && size <= 10000001);
    guest_close(&g);
}

static void deep_recursion_exhausts_the_call_stack(void)
{
    guest g;
    guest_open(&g, "hostile.wasm", NULL);
    CHECK(is_trap(call1(&g, "deep", 0, NULL), OX_TRAP_STACK_EXHAUSTED));
    int32_t r = 0;
    CHECK(!call1(&g, "count", 5, &r) && r == 5); /* the store is still usable */
    guest_close(&g);
    ox_config cfg = {.max_call_depth = 100};
    guest_open(&g, "hostile.wasm", &cfg);
    ox_error *e = call1(&g, "deep", 0, NULL);
    CHECK(e && strstr(ox_error_message(e), "call stack exhausted"));
    CHECK(is_trap(e, OX_TRAP_STACK_EXHAUSTED));
    guest_close(&g);
    ox_config slots = {.max_stack_slots = 1000};
    guest_open(&g, "hostile.wasm", &slots);
    CHECK(is_trap(call1(&g, "deep", 0, NULL), OX_TRAP_STACK_EXHAUSTED));
    guest_close(&g);
}

static void recursion_through_a_host_import_is_bounded(void)
{
    guest g;
    guest_open(&g, "hostile.wasm", NULL);
    CHECK(is_trap(call1(&g, "down", 0, NULL), OX_TRAP_STACK_EXHAUSTED));
    /* It really went through the host, and a bounded number of times. */
    CHECK(g.reentries > 10);
    CHECK(g.reentries < 100000);
    int32_t r = 0;
    CHECK(!call1(&g, "count", 7, &r) && r == 7);
    guest_close(&g);
}

static void fuel_runs_out(void)
{
    guest g;
    guest_open(&g, "hostile.wasm", NULL);
    ox_store_set_fuel(g.store, 1000);
    CHECK(is_trap(call1(&g, "count", 1000000, NULL), OX_TRAP_FUEL_EXHAUSTED));
    CHECK(ox_store_fuel(g.store) == 0);
    /* One unit per instruction (code.h): `count` charges its 15
       instructions on entry (its loop's 10 once, for the first iteration)
       and the loop's 10 on each of its 100 back-edges. */
    ox_store_set_fuel(g.store, 2000);
    int32_t r = 0;
    CHECK(!call1(&g, "count", 100, &r) && r == 100);
    CHECK_EQ(ox_store_fuel(g.store), 2000 - 15 - 100 * 10);
    ox_store_set_fuel(g.store, 15 + 100 * 10); /* exactly enough */
    CHECK(!call1(&g, "count", 100, &r) && r == 100);
    CHECK_EQ(ox_store_fuel(g.store), 0);
    ox_store_set_fuel(g.store, 15 + 100 * 10 - 1); /* one short */
    CHECK(is_trap(call1(&g, "count", 100, NULL), OX_TRAP_FUEL_EXHAUSTED));
    CHECK(is_trap(call1(&g, "spin", 0, NULL), OX_TRAP_FUEL_EXHAUSTED));
    CHECK(is_trap(call1(&g, "deep", 0, NULL), OX_TRAP_FUEL_EXHAUSTED));
    ox_store_set_fuel(g.store, 0); /* metering off: runs to the end */
    CHECK(!call1(&g, "count", 100000, &r) && r == 100000);
    guest_close(&g);
}

/* ---- WASI with out-of-bounds pointers ---------------------------------- */

static void wasi_calls_with_pointers_outside_memory(void)
{
    ox_engine *e;
    ox_module *m;
    ox_store *s;
    ox_linker *l;
    ox_wasi *w;
    ox_instance *inst;
    char path[512];
    snprintf(path, sizeof path, "%s/wasi_oob.wasm", guest_dir);
    MUST(ox_engine_new(NULL, &e));
    MUST(ox_module_load_file(e, path, &m));
    MUST(ox_store_new(e, &s));
    MUST(ox_linker_new(&l));
    ox_wasi_config cfg;
    ox_wasi_config_init(&cfg);
    ox_wasi_preopen pre = {"/tmp", "/tmp", true};
    cfg.npreopens = 1;
    cfg.preopens = &pre;
    cfg.stdout_fd = -1; /* nothing the test writes may reach our stdout */
    MUST(ox_wasi_new(&cfg, &w));
    MUST(ox_wasi_define(w, l, s));
    MUST(ox_linker_instantiate(l, s, m, &inst));
    ox_store_set_timeout(s, 5000); /* a poll that blocks would fail the test, not hang it */
    static const struct {
        const char *fn;
        int32_t a[4];
        int nargs;
    } calls[] = {
        /* poll_oneoff: subscriptions, events or nevents past the end, and
           a count whose byte size wraps 32 bits */
        {"poll", {65536 - 8, 0, 1, 100}, 4},
        {"poll", {0, 65536 - 8, 1, 100}, 4},
        {"poll", {0, 1024, 1, 65536}, 4},
        {"poll", {0, 1024, 0x7fffffff, 100}, 4},
        {"poll", {-1, -1, -1, -1}, 4},
        /* fd_write: iovec array or nwritten outside memory */
        {"write", {65536 - 4, 1, 100}, 3},
        {"write", {0, 0x20000000, 100}, 3},
        {"write", {0, 1, 65536}, 3},
        /* fd_write: an iovec whose buffer is outside memory or wraps */
        {"write_iov", {65000, 1000}, 2},
        {"write_iov", {-16, 32}, 2},
        /* path_open: the path or the result pointer outside memory */
        {"open", {65530, 100, 200}, 3},
        {"open", {-1, 2, 200}, 3},
        {"open", {100, 0, 65536}, 3},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        ox_extern ex;
        CHECK(ox_instance_export(inst, calls[i].fn, &ex));
        ox_val args[4], r = ox_val_i32(0);
        for (int k = 0; k < calls[i].nargs; k++)
            args[k] = ox_val_i32(calls[i].a[k]);
        double t0 = now_s();
        ox_error *err = ox_func_call(ex.of.func, args, (size_t)calls[i].nargs, &r, 1);
        if (err) {
            fprintf(stderr, "  %s #%zu: %s\n", calls[i].fn, i, ox_error_message(err));
            ox_error_free(err);
            failures++;
            continue;
        }
        /* An errno (FAULT, INVAL, ...), never success, never a host crash. */
        if (r.of.i32 == 0) {
            fprintf(stderr, "  %s #%zu returned success\n", calls[i].fn, i);
            failures++;
        }
        CHECK(now_s() - t0 < 4.0);
    }
    ox_store_free(s);
    ox_wasi_free(w);
    ox_linker_free(l);
    ox_module_free(m);
    ox_engine_free(e);
}

/* A guest asleep for an hour inside poll_oneoff, or reading an empty pipe
   in fd_read: the host call itself must
   notice the deadline and another thread's interrupt (ox_caller_interrupted),
   since no engine check point runs while the host blocks. */
static void blocking_wasi_call_sees_deadline_and_interrupt(void)
{
    ox_engine *e;
    ox_module *m;
    ox_store *s;
    ox_linker *l;
    ox_wasi *w;
    ox_instance *inst;
    char path[512];
    snprintf(path, sizeof path, "%s/sleep.wasm", guest_dir);
    MUST(ox_engine_new(NULL, &e));
    MUST(ox_module_load_file(e, path, &m));
    MUST(ox_store_new(e, &s));
    MUST(ox_linker_new(&l));
    /* stdin: a pipe whose write end we hold and never write to. */
    int pipefd[2];
    CHECK(pipe(pipefd) == 0);
    ox_wasi_config cfg;
    ox_wasi_config_init(&cfg);
    cfg.stdin_fd = pipefd[0];
    MUST(ox_wasi_new(&cfg, &w));
    close(pipefd[0]); /* the context holds its own duplicate */
    MUST(ox_wasi_define(w, l, s));
    MUST(ox_linker_instantiate(l, s, m, &inst));
    ox_extern sleep_fn, read_fn;
    CHECK(ox_instance_export(inst, "read", &read_fn));
    CHECK(ox_instance_export(inst, "sleep", &sleep_fn));
    ox_val r;
    ox_store_set_timeout(s, 100);
    double t0 = now_s();
    CHECK(is_trap(ox_func_call(sleep_fn.of.func, NULL, 0, &r, 1), OX_TRAP_DEADLINE));
    CHECK(now_s() - t0 < 5.0);
    ox_store_set_timeout(s, 0);
    interrupter it = {.store = s};
    atomic_init(&it.done, false);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, interrupt_loop, &it) == 0);
    t0 = now_s();
    CHECK(is_trap(ox_func_call(sleep_fn.of.func, NULL, 0, &r, 1), OX_TRAP_INTERRUPTED));
    atomic_store(&it.done, true);
    pthread_join(th, NULL);
    CHECK(now_s() - t0 < 5.0);
    /* fd_read on an empty pipe: the same deadline reaches it. */
    ox_store_set_timeout(s, 100);
    t0 = now_s();
    CHECK(is_trap(ox_func_call(read_fn.of.func, NULL, 0, &r, 1), OX_TRAP_DEADLINE));
    CHECK(now_s() - t0 < 5.0);
    /* Data that does arrive is read as before. */
    CHECK(write(pipefd[1], "hi", 2) == 2);
    CHECK(!ox_func_call(read_fn.of.func, NULL, 0, &r, 1) && r.of.i32 == 0);
    uint8_t got[2] = {0, 0};
    CHECK(!ox_memory_read(ox_instance_memory(inst), 512, got, 2) && got[0] == 'h' && got[1] == 'i');
    close(pipefd[1]);
    ox_store_free(s);
    ox_wasi_free(w);
    ox_linker_free(l);
    ox_module_free(m);
    ox_engine_free(e);
}

/* ox_caller_interrupted outside any deadline or interrupt is NULL, so a
   host function that asks does not end a healthy call. */
static ox_error *ask(ox_caller *c, void *user, const ox_val *a, ox_val *r)
{
    (void)a;
    ox_error *e = ox_caller_interrupted(c);
    *(bool *)user = e != NULL;
    r[0] = ox_val_i32(7);
    return e;
}

static void caller_interrupted_is_quiet_when_all_is_well(void)
{
    ox_engine *e;
    ox_module *m;
    ox_store *s;
    ox_instance *inst;
    char path[512];
    snprintf(path, sizeof path, "%s/hostile.wasm", guest_dir);
    MUST(ox_engine_new(NULL, &e));
    MUST(ox_module_load_file(e, path, &m));
    MUST(ox_store_new(e, &s));
    static const ox_valtype i32[] = {OX_I32};
    ox_functype t = {1, 1, i32, i32};
    bool stopped = true;
    ox_extern im = {.kind = OX_EXTERN_FUNC};
    MUST(ox_func_new_host(s, &t, ask, &stopped, NULL, &im.of.func));
    MUST(ox_instance_new(s, m, &im, 1, &inst));
    ox_extern down;
    CHECK(ox_instance_export(inst, "down", &down));
    ox_val a = ox_val_i32(0), r;
    ox_store_set_timeout(s, 60000); /* a deadline far away: not passed */
    CHECK(ox_func_call(down.of.func, &a, 1, &r, 1) == NULL && r.of.i32 == 7);
    CHECK(!stopped);
    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
}

/* ---- small files declaring huge counts ----------------------------------- */

static void huge_counts_fail_fast(void)
{
    /* Each is a complete, tiny module whose one section claims 2^32-1 of
       something. Decoding must fail on the first missing byte, not reserve
       room for 4 billion entries first. */
    static const struct {
        const char *what;
        uint8_t bytes[32];
        size_t len;
    } cases[] = {
        {"types", {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
        {"imports", {0, 'a', 's', 'm', 1, 0, 0, 0, 2, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
        {"functions", {0, 'a', 's', 'm', 1, 0, 0, 0, 3, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
        {"tables", {0, 'a', 's', 'm', 1, 0, 0, 0, 4, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
        {"memories", {0, 'a', 's', 'm', 1, 0, 0, 0, 5, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
        {"globals", {0, 'a', 's', 'm', 1, 0, 0, 0, 6, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
        {"exports", {0, 'a', 's', 'm', 1, 0, 0, 0, 7, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
        {"elements", {0, 'a', 's', 'm', 1, 0, 0, 0, 9, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
        {"code", {0, 'a', 's', 'm', 1, 0, 0, 0, 10, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
        {"data", {0, 'a', 's', 'm', 1, 0, 0, 0, 11, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
        /* a data count of 2^32-1 with no data section */
        {"data count", {0, 'a', 's', 'm', 1, 0, 0, 0, 12, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
        /* a section length far past the end of the file */
        {"section size", {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0}, 15},
        /* one function (type () -> ()) declaring 2^32-1 i32 locals */
        {"locals",
         {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 10, 1, 8, 1, 0xff,
          0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b},
         30},
        /* a custom section whose name claims 4 GiB */
        {"custom name", {0, 'a', 's', 'm', 1, 0, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}, 15},
    };
    ox_engine *e;
    MUST(ox_engine_new(NULL, &e));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ox_module *m = NULL;
        double t0 = now_s();
        ox_error *err = ox_module_new(e, cases[i].bytes, cases[i].len, &m);
        double took = now_s() - t0;
        if (!err) {
            fprintf(stderr, "  %s: a module with a huge count decoded\n", cases[i].what);
            failures++;
            ox_module_free(m);
            continue;
        }
        CHECK(ox_error_code(err) == OX_ERR_MALFORMED || ox_error_code(err) == OX_ERR_INVALID ||
              ox_error_code(err) == OX_ERR_LIMIT);
        if (getenv("OX_TEST_VERBOSE"))
            fprintf(stderr, "  %s: %s\n", cases[i].what, ox_error_message(err));
        if (took > 1.0) {
            fprintf(stderr, "  %s: took %.2f s to refuse (%s)\n", cases[i].what, took,
                    ox_error_message(err));
            failures++;
        }
        ox_error_free(err);
    }
    ox_engine_free(e);
}

/* ---- two stores, two threads ------------------------------------------- */

typedef struct worker {
    ox_module *module; /* shared, immutable */
    ox_engine *engine;
    bool spin;         /* run into a deadline instead of counting */
    int32_t result;
    ox_trap trap;
    int iterations;
} worker;

static ox_error *no_reenter(ox_caller *c, void *u, const ox_val *a, ox_val *r)
{
    (void)c;
    (void)u;
    r[0] = a[0];
    return NULL;
}

static void *work(void *arg)
{
    worker *w = arg;
    ox_store *s;
    ox_instance *inst;
    if (ox_store_new(w->engine, &s))
        return NULL;
    static const ox_valtype i32[] = {OX_I32};
    ox_functype t = {1, 1, i32, i32};
    ox_extern im = {.kind = OX_EXTERN_FUNC};
    ox_error *e = ox_func_new_host(s, &t, no_reenter, NULL, NULL, &im.of.func);
    if (!e)
        e = ox_instance_new(s, w->module, &im, 1, &inst);
    for (int i = 0; !e && i < w->iterations; i++) {
        ox_extern f;
        ox_instance_export(inst, w->spin ? "spin" : "count", &f);
        ox_val a = ox_val_i32(200000 + i), r;
        if (w->spin)
            ox_store_set_timeout(s, 50);
        else
            ox_store_set_fuel(s, 10000000);
        e = ox_func_call(f.of.func, &a, 1, &r, 1);
        if (!e)
            w->result += r.of.i32 - 200000 - i + 1; /* 1 per correct call */
    }
    w->trap = e ? ox_error_trap(e) : OX_TRAP_NONE;
    ox_error_free(e);
    ox_store_free(s);
    return NULL;
}

static void two_stores_on_two_threads(void)
{
    ox_engine *e;
    ox_module *m;
    char path[512];
    snprintf(path, sizeof path, "%s/hostile.wasm", guest_dir);
    MUST(ox_engine_new(NULL, &e));
    MUST(ox_module_load_file(e, path, &m));
    worker a = {.module = m, .engine = e, .iterations = 20};
    worker b = {.module = m, .engine = e, .spin = true, .iterations = 3};
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, work, &a) == 0);
    CHECK(pthread_create(&tb, NULL, work, &b) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    /* The counting store finished every call with the right answer while
       the other one hit its own deadline (once: it stops at the first). */
    CHECK(a.trap == OX_TRAP_NONE && a.result == 20);
    CHECK(b.trap == OX_TRAP_DEADLINE && b.result == 0);
    ox_module_free(m);
    ox_engine_free(e);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_hostile GUEST_DIR\n");
        return 2;
    }
    guest_dir = argv[1];
    RUN(deadline_stops_a_tight_loop);
    RUN(deadline_ends_with_its_call);
    RUN(two_deadlines_one_watchdog);
    RUN(deadline_in_a_forked_child);
    RUN(interrupt_from_another_thread);
    RUN(memory_bomb_stops_at_the_limit);
    RUN(table_bomb_stops_at_the_limit);
    RUN(deep_recursion_exhausts_the_call_stack);
    RUN(recursion_through_a_host_import_is_bounded);
    RUN(fuel_runs_out);
    RUN(wasi_calls_with_pointers_outside_memory);
    RUN(blocking_wasi_call_sees_deadline_and_interrupt);
    RUN(caller_interrupted_is_quiet_when_all_is_well);
    RUN(huge_counts_fail_fast);
    RUN(two_stores_on_two_threads);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
