/*
 * test_jit.c — the compiling tier against the interpreter, through the
 * embedding API: the same module run by an engine of each tier gives the
 * same results, the same traps (with the same messages, a guard-page
 * fault included), the same "call stack exhausted" depth, the same fuel
 * spent; compiled code calls host functions that call back into it, and
 * an interrupt from another thread stops a compiled loop. The auto tier
 * compiles a busy module in the background and its functions switch over;
 * a call running one long loop moves to compiled code at a back-edge (on-
 * stack replacement) with its locals of every type, and finishes with the
 * interpreter's results, trap and fuel.
 * In a build without LLVM, OX_TIER_JIT is refused and the rest is skipped.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oxide/wasm.h"
#include "runtime.h" /* ox_store.osr_taken */
#include "test.h"

static const char *const wat =
    "(module\n"
    "  (import \"host\" \"twice\" (func $twice (param i32) (result i32)))\n"
    "  (memory 1 4)\n"
    "  (table 2 funcref) (elem (i32.const 0) $fib $sum)\n"
    "  (type $ii (func (param i32) (result i32)))\n"
    "  (global $g (mut i64) (i64.const 0))\n"
    "  (func $fib (export \"fib\") (param i32) (result i32)\n"
    "    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))\n"
    "      (then (local.get 0))\n"
    "      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))\n"
    "                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))\n"
    "  (func $sum (export \"sum\") (param i32) (result i32) (local i32)\n"
    "    (block $done (loop $l\n"
    "      (br_if $done (i32.eqz (local.get 0)))\n"
    "      (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (local.get 0)))\n"
    "      (local.set 1 (i32.add (local.get 1) (local.get 0)))\n"
    "      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))\n"
    "      (br $l)))\n"
    "    (global.set $g (i64.extend_i32_u (local.get 1)))\n"
    "    (local.get 1))\n"
    "  (func (export \"indirect\") (param i32 i32) (result i32)\n"
    "    (call_indirect (type $ii) (local.get 1) (local.get 0)))\n"
    "  (func (export \"load\") (param i32) (result i32) (i32.load (local.get 0)))\n"
    "  (func (export \"dead_load\") (param i32) (drop (i32.load8_u (local.get 0))))\n"
    "  (func (export \"zero_load\") (param i32) (result i64)\n"
    "    (i64.mul (i64.load offset=8 (local.get 0)) (i64.const 0)))\n"
    "  (func $pick (param i32 f64) (result f64) (select (local.get 1) (f64.const 1) (local.get 0)))\n"
    "  (func (export \"unused_arg\") (param i32) (result f64)\n"
    "    (call $pick (i32.const 0) (f64.load (local.get 0))))\n"
    "  (func (export \"grow_then_load\") (result i32)\n"
    "    (drop (memory.grow (i32.const 1)))\n"
    "    (i32.store (i32.const 70000) (i32.const 42))\n"
    "    (i32.load (i32.const 70000)))\n"
    "  (func (export \"div\") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))\n"
    "  (func (export \"trunc\") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))\n"
    "  (func $down (export \"down\") (param i32) (result i32)\n"
    "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))\n"
    "      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))\n"
    "  (func (export \"via_host\") (param i32) (result i32) (call $twice (local.get 0)))\n"
    "  (func (export \"spin\") (loop $l (br $l)))\n"
    "  (func (export \"minmax\") (param f32 f32) (result f32 f32)\n"
    "    (f32.min (local.get 0) (local.get 1)) (f32.max (local.get 0) (local.get 1)))\n"
    "  (func (export \"g\") (result i64) (global.get $g)))\n";

static ox_instance *cur; /* the instance the host function calls back into */

static ox_error *call(ox_instance *inst, const char *name, const ox_val *a, size_t n, ox_val *r,
                      size_t nr)
{
    ox_extern f;
    if (!ox_instance_export(inst, name, &f))
        return ox_error_new(OX_ERR_NOTFOUND, "%s", name);
    return ox_func_call(f.of.func, a, n, r, nr);
}

/* host.twice(x): calls the instance's fib(x) back and doubles it */
static ox_error *twice(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    (void)c, (void)user;
    ox_val r;
    ox_error *err = call(cur, "fib", args, 1, &r, 1);
    if (!err)
        results[0] = ox_val_i32(2 * r.of.i32);
    return err;
}

typedef struct run {
    ox_engine *e;
    ox_store *s;
    ox_module *m;
    ox_instance *inst;
} run;

static bool open_run(run *r, ox_tier tier, uint32_t depth)
{
    memset(r, 0, sizeof *r);
    ox_config cfg = {.tier = tier, .max_call_depth = depth};
    if (ox_engine_new(&cfg, &r->e) || ox_store_new(r->e, &r->s))
        return false;
    ox_error *err = ox_module_new(r->e, (const uint8_t *)wat, strlen(wat), &r->m);
    if (err) {
        fprintf(stderr, "%s\n", ox_error_message(err));
        ox_error_free(err);
        return false;
    }
    ox_valtype i = OX_I32;
    ox_functype t = {1, 1, &i, &i};
    ox_extern imp = {.kind = OX_EXTERN_FUNC};
    if (ox_func_new_host(r->s, &t, twice, NULL, NULL, &imp.of.func))
        return false;
    return !ox_instance_new(r->s, r->m, &imp, 1, &r->inst);
}

static void close_run(run *r)
{
    ox_store_free(r->s);
    ox_module_free(r->m);
    ox_engine_free(r->e);
}

/* The message of a call's error ("" when it returned). */
static void outcome(ox_instance *inst, const char *name, const ox_val *a, size_t n, ox_val *res,
                    size_t nr, char *buf, size_t len)
{
    cur = inst;
    ox_error *err = call(inst, name, a, n, res, nr);
    snprintf(buf, len, "%s", err ? ox_error_message(err) : "");
    ox_error_free(err);
}

/* A message, printing both on failure. */
#define CHECK_STR(got, want)                                                      \
    do {                                                                          \
        CHECK(!strcmp((got), (want)));                                            \
        if (strcmp((got), (want)))                                                \
            fprintf(stderr, "  got \"%s\", want \"%s\"\n", (got), (want));         \
    } while (0)

/* One call, one long loop: under auto it is taken over by compiled code
   at a back-edge (OSR) once the module is compiled in the background. */
static const char *const osr_wat =
    "(module (memory 1)\n"
    "  (func (export \"long\") (param $n i32) (param $oob i32) (result i64 i32 f64)\n"
    "    (local $i i32) (local $acc i64) (local $f f64) (local $v v128) (local $x f32)\n"
    "    (local.set $v (v128.const i32x4 1 2 3 4))\n"
    "    (block $done (loop $l\n"
    "      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))\n"
    "      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))\n"
    "      (local.set $f (f64.add (local.get $f) (f64.const 0.5)))\n"
    "      (local.set $x (f32.add (local.get $x) (f32.const 1)))\n"
    "      (local.set $v (i32x4.add (local.get $v) (v128.const i32x4 1 1 1 1)))\n"
    "      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
    "      (br $l)))\n"
    "    (if (local.get $oob) (then (drop (i32.load (i32.const 70000)))))\n"
    "    (local.get $acc)\n"
    "    (i32.add (i32.load (i32.const 0))\n"
    "      (i32.add (i32x4.extract_lane 3 (local.get $v)) (i32.trunc_f32_u (local.get $x))))\n"
    "    (local.get $f))\n"
    "  (func (export \"deep\") (param $n i32) (result i64) (local $i i32)\n"
    "    i64.const 1000\n"
    "    block (result i64)\n"
    "      i64.const 7\n"
    "      i64.const 0\n"
    "      loop (param i64) (result i64)\n"
    "        local.get $i i64.extend_i32_u i64.add\n"
    "        local.get $i i32.const 1 i32.add local.tee $i\n"
    "        local.get $n i32.lt_u br_if 0\n"
    "      end\n"
    "      i64.add\n"
    "    end\n"
    "    i64.add)\n"
    "  (func $inc (param i64 i32) (result i64) (i64.add (local.get 0) (i64.extend_i32_u (local.get 1))))\n"
    "  (func (export \"calls\") (param $n i32) (result i64) (local $i i32) (local $acc i64)\n"
    "    (loop $l\n"
    "      (local.set $acc (call $inc (local.get $acc) (local.get $i)))\n"
    "      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))\n"
    "    (local.get $acc))\n"
    "  (func (export \"fill\") (param $n i32) (result i64) (local $p i32) (local $k i32)\n"
    "    (local.set $k (local.get $n))\n"
    "    (loop $l\n"
    "      (i32.store8 offset=16 (local.get $p) (i32.const 7))\n"
    "      (local.set $p (i32.add (local.get $p) (i32.const 1)))\n"
    "      (br_if $l (local.tee $k (i32.add (local.get $k) (i32.const -1)))))\n"
    "    (i64.extend_i32_u (i32.add (local.get $p) (i32.load8_u (i32.const 20))))))\n";

/* long(n, oob) on a fresh engine of `tier` (fuel: metered with it): the
   error's message ("" for none), results, fuel left and frames taken over. */
static void osr_run(ox_tier tier, uint32_t n, int oob, uint64_t fuel, char *msg, size_t len,
                    ox_val *res, uint64_t *left, uint64_t *taken)
{
    /* OX_TIER_JIT here: the testing mode, OSR at the first back-edge */
    ox_config cfg = {.tier = tier, .jit_osr_test = tier == OX_TIER_JIT};
    ox_engine *e = NULL;
    ox_store *s = NULL;
    ox_module *m = NULL;
    ox_instance *inst = NULL;
    CHECK(!ox_engine_new(&cfg, &e) && !ox_store_new(e, &s));
    CHECK(!ox_module_new(e, (const uint8_t *)osr_wat, strlen(osr_wat), &m));
    CHECK(m && !ox_instance_new(s, m, NULL, 0, &inst));
    if (fuel)
        ox_store_set_fuel(s, fuel);
    ox_val a[2] = {ox_val_i32((int32_t)n), ox_val_i32(oob)};
    if (inst)
        outcome(inst, "long", a, 2, res, 3, msg, len);
    *left = ox_store_fuel(s);
    *taken = s->osr_taken;
    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
}

/* name(n) on a fresh engine of `tier` (JIT: the testing mode), the frames
   taken over in *taken: deep(n) = 1000 + 7 + 0 + 1 + ... + (n-1), a loop
   with a parameter under values of two frames; calls(n) = 0 + 1 + ... +
   (n-1), one call of a short function per iteration (its samples land in
   the callee, which names its caller). */
static uint64_t osr_call(ox_tier tier, const char *name, uint32_t n, uint64_t *taken)
{
    ox_config cfg = {.tier = tier, .jit_osr_test = tier == OX_TIER_JIT};
    ox_engine *e = NULL;
    ox_store *s = NULL;
    ox_module *m = NULL;
    ox_instance *inst = NULL;
    CHECK(!ox_engine_new(&cfg, &e) && !ox_store_new(e, &s));
    CHECK(!ox_module_new(e, (const uint8_t *)osr_wat, strlen(osr_wat), &m));
    CHECK(m && !ox_instance_new(s, m, NULL, 0, &inst));
    ox_val a = ox_val_i32((int32_t)n), r = ox_val_i64(0);
    CHECK(inst && !call(inst, name, &a, 1, &r, 1));
    *taken = s->osr_taken;
    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
    return (uint64_t)r.of.i64;
}

static void osr(void)
{
    /* about five seconds interpreted: the module is sampled and compiled,
       and the loop taken over, long before (about 0.1 s; compiled, the
       loop then takes about 0.4 s) */
    const uint32_t n = 1000u * 1000u * 1000u;
    char msg[200];
    ox_val r[3];
    uint64_t left, taken;
    osr_run(OX_TIER_AUTO, n, 0, 0, msg, sizeof msg, r, &left, &taken);
    CHECK_STR(msg, "");
    CHECK(taken == 1);
    CHECK_EQ((uint64_t)r[0].of.i64, (uint64_t)n * (n - 1) / 2);
    CHECK_EQ((uint32_t)r[1].of.i32, n + (4 + n) + 16777216u); /* f32 stops counting at 2^24 */
    CHECK(r[2].of.f64 == n * 0.5);
    /* a trap after the switch: the interpreter's message */
    char want[200];
    osr_run(OX_TIER_INTERP, 10, 1, 0, want, sizeof want, r, &left, &taken);
    CHECK(strstr(want, "out of bounds memory access") != NULL);
    osr_run(OX_TIER_AUTO, n, 1, 0, msg, sizeof msg, r, &left, &taken);
    CHECK_STR(msg, want);
    CHECK(taken == 1);
    /* metered: the fuel the interpreter would spend, which is linear in
       the iterations (measured on two short runs) */
    const uint64_t fuel = UINT64_C(1) << 50;
    uint64_t left1, left2;
    osr_run(OX_TIER_INTERP, 1000, 0, fuel, msg, sizeof msg, r, &left1, &taken);
    osr_run(OX_TIER_INTERP, 2000, 0, fuel, msg, sizeof msg, r, &left2, &taken);
    uint64_t per = (left1 - left2) / 1000, base = (fuel - left1) - 1000 * per;
    CHECK(per > 0 && left1 - left2 == 1000 * per);
    osr_run(OX_TIER_AUTO, n, 0, fuel, msg, sizeof msg, r, &left, &taken);
    CHECK_STR(msg, "");
    CHECK(taken == 1);
    CHECK_EQ(fuel - left, base + (uint64_t)n * per);
    /* the testing mode (oxide wast --osr-test runs the spec suite so):
       the first back-edge moves over, with the same results and fuel */
    osr_run(OX_TIER_JIT, 1000, 0, fuel, msg, sizeof msg, r, &left, &taken);
    CHECK_STR(msg, "");
    CHECK(taken == 1);
    CHECK_EQ((uint64_t)r[0].of.i64, 1000u * 999u / 2);
    CHECK_EQ(left, left1);
    /* values below the loop, and its parameter, carried over too */
    CHECK_EQ(osr_call(OX_TIER_JIT, "deep", 1000, &taken), 1007 + 1000 * 999 / 2);
    CHECK(taken == 1);
    CHECK_EQ(osr_call(OX_TIER_AUTO, "deep", n, &taken), 1007 + (uint64_t)n * (n - 1) / 2);
    CHECK(taken == 1);
    /* the interpreter's fused fill loop (SAL_*) polls on a path of its own */
    CHECK_EQ(osr_call(OX_TIER_JIT, "fill", 1000, &taken), 1007);
    CHECK(taken == 1);
    /* about five seconds interpreted, too */
    const uint32_t calls = 300u * 1000u * 1000u;
    CHECK_EQ(osr_call(OX_TIER_AUTO, "calls", calls, &taken), (uint64_t)calls * (calls - 1) / 2);
    CHECK(taken == 1);
}

static void *interrupt_later(void *p)
{
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    ox_store_interrupt(p);
    return NULL;
}

int main(void)
{
    if (!ox_jit_available()) {
        ox_config cfg = {.tier = OX_TIER_JIT};
        ox_engine *e = NULL;
        ox_error *err = ox_engine_new(&cfg, &e);
        CHECK(err && ox_error_code(err) == OX_ERR_UNSUPPORTED);
        ox_error_free(err);
        return test_summary("jit (no LLVM in this build)");
    }
    /* both tiers side by side in one process */
    run t[2];
    CHECK(open_run(&t[0], OX_TIER_INTERP, 500));
    CHECK(open_run(&t[1], OX_TIER_JIT, 500));
    const struct {
        const char *name;
        ox_val a[2];
        size_t n, nr;
    } cases[] = {
        {"fib", {ox_val_i32(20)}, 1, 1},
        {"sum", {ox_val_i32(1000)}, 1, 1},
        {"g", {{0}}, 0, 1},
        {"indirect", {ox_val_i32(0), ox_val_i32(15)}, 2, 1},
        {"indirect", {ox_val_i32(1), ox_val_i32(10)}, 2, 1},
        {"indirect", {ox_val_i32(2), ox_val_i32(10)}, 2, 1},   /* undefined element */
        {"load", {ox_val_i32(8)}, 1, 1},
        {"load", {ox_val_i32(65534)}, 1, 1},                   /* straddles the end */
        {"load", {ox_val_i32(-1)}, 1, 1},                      /* 4 GiB - 1 */
        {"dead_load", {ox_val_i32(65536)}, 1, 0},              /* traps though unused */
        {"zero_load", {ox_val_i32(65530)}, 1, 1},              /* x * 0: traps all the same */
        {"zero_load", {ox_val_i32(65520)}, 1, 1},
        {"unused_arg", {ox_val_i32(65532)}, 1, 1},             /* inlined, its value unused */
        {"unused_arg", {ox_val_i32(8)}, 1, 1},
        {"grow_then_load", {{0}}, 0, 1},
        {"div", {ox_val_i32(7), ox_val_i32(0)}, 2, 1},
        {"div", {ox_val_i32(INT32_MIN), ox_val_i32(-1)}, 2, 1},
        {"div", {ox_val_i32(-7), ox_val_i32(2)}, 2, 1},
        {"trunc", {ox_val_f64(3e9)}, 1, 1},
        {"trunc", {ox_val_f64(-2147483648.9)}, 1, 1},
        {"down", {ox_val_i32(400)}, 1, 1},
        {"down", {ox_val_i32(600)}, 1, 1},                     /* past max_call_depth */
        {"down", {ox_val_i32(100000000)}, 1, 1},
        {"via_host", {ox_val_i32(10)}, 1, 1},
        {"minmax", {ox_val_f32(-0.0f), ox_val_f32(0.0f)}, 2, 2},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char msg[2][200];
        ox_val r[2][2];
        memset(r, 0, sizeof r);
        for (int tier = 0; tier < 2; tier++)
            outcome(t[tier].inst, cases[k].name, cases[k].a, cases[k].n, r[tier], cases[k].nr,
                    msg[tier], sizeof msg[tier]);
        if (strcmp(msg[0], msg[1]))
            fprintf(stderr, "case %zu %s: interp '%s', jit '%s'\n", k, cases[k].name, msg[0], msg[1]);
        CHECK(!strcmp(msg[0], msg[1]));
        for (size_t i = 0; !msg[0][0] && i < cases[k].nr; i++)
            CHECK_EQ(r[0][i].of.i64, r[1][i].of.i64);
    }
    /* the jit engine compiled them (else the comparisons above prove
       nothing); the host function is not */
    static const char *const compiled[] = {"fib", "sum", "indirect", "load", "spin", "minmax"};
    for (size_t k = 0; k < sizeof compiled / sizeof compiled[0]; k++) {
        ox_extern f[2];
        CHECK(ox_instance_export(t[0].inst, compiled[k], &f[0]));
        CHECK(ox_instance_export(t[1].inst, compiled[k], &f[1]));
        CHECK(!ox_func_is_compiled(f[0].of.func));
        CHECK(ox_func_is_compiled(f[1].of.func));
    }
    /* the same fuel spent by both tiers */
    uint64_t left[2];
    for (int tier = 0; tier < 2; tier++) {
        ox_store_set_fuel(t[tier].s, 1000000);
        ox_val a = ox_val_i32(300), r;
        cur = t[tier].inst;
        CHECK(!call(t[tier].inst, "sum", &a, 1, &r, 1));
        left[tier] = ox_store_fuel(t[tier].s);
    }
    CHECK(left[0] < 1000000);
    CHECK_EQ(left[0], left[1]);
    /* running out: the same trap */
    char msg[2][200];
    for (int tier = 0; tier < 2; tier++) {
        ox_store_set_fuel(t[tier].s, 500);
        ox_val a = ox_val_i32(300), r;
        outcome(t[tier].inst, "sum", &a, 1, &r, 1, msg[tier], sizeof msg[tier]);
        ox_store_set_fuel(t[tier].s, 0);
    }
    CHECK(strstr(msg[1], "fuel exhausted") != NULL);
    CHECK(!strcmp(msg[0], msg[1]));
    /* an interrupt from another thread stops a compiled loop */
    pthread_t th;
    CHECK(pthread_create(&th, NULL, interrupt_later, t[1].s) == 0);
    outcome(t[1].inst, "spin", NULL, 0, NULL, 0, msg[1], sizeof msg[1]);
    pthread_join(th, NULL);
    CHECK(strstr(msg[1], "interrupted") != NULL);
    /* and the store serves on */
    ox_val a = ox_val_i32(10), r;
    CHECK(!call(t[1].inst, "fib", &a, 1, &r, 1) && r.of.i32 == 55);
    close_run(&t[0]);
    close_run(&t[1]);

    /* auto: interpreted at first; kept busy, the module is compiled in the
       background and its functions switch over at their next call, with
       the same results; an interrupt still stops a compiled loop */
    run a3;
    CHECK(open_run(&a3, OX_TIER_AUTO, 500));
    ox_extern fib;
    CHECK(ox_instance_export(a3.inst, "fib", &fib));
    CHECK(!ox_func_is_compiled(fib.of.func));
    cur = a3.inst;
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool switched = false;
    for (int k = 0; !switched; k++) {
        ox_val a1 = ox_val_i32(22), r1;
        CHECK(!call(a3.inst, "fib", &a1, 1, &r1, 1) && r1.of.i32 == 17711);
        switched = ox_func_is_compiled(fib.of.func);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - t0.tv_sec > 60)
            break;
    }
    CHECK(switched);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char m3[200];
        ox_val r3[2];
        outcome(a3.inst, cases[k].name, cases[k].a, cases[k].n, r3, cases[k].nr, m3, sizeof m3);
        if (!strcmp(cases[k].name, "grow_then_load") || !strcmp(cases[k].name, "g"))
            continue; /* the memory grew and the global changed above */
        if (!strcmp(cases[k].name, "down") || !strcmp(cases[k].name, "via_host") ||
            !strcmp(cases[k].name, "indirect")) {
            ox_val r0[2];
            char m0[200];
            run ti;
            CHECK(open_run(&ti, OX_TIER_INTERP, 500));
            outcome(ti.inst, cases[k].name, cases[k].a, cases[k].n, r0, cases[k].nr, m0, sizeof m0);
            CHECK(!strcmp(m0, m3));
            if (!m0[0] && cases[k].nr)
                CHECK_EQ(r0[0].of.i64, r3[0].of.i64);
            close_run(&ti);
        }
    }
    CHECK(pthread_create(&th, NULL, interrupt_later, a3.s) == 0);
    outcome(a3.inst, "spin", NULL, 0, NULL, 0, msg[1], sizeof msg[1]);
    pthread_join(th, NULL);
    CHECK(strstr(msg[1], "interrupted") != NULL);
    close_run(&a3); /* stops the background thread */

    osr();

    /* the code cache: a second engine loads what the first compiled (and
       runs it the same); a damaged file is a miss, compiled again */
    char dir[] = "/tmp/oxide-jit-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    for (int round = 0; round < 3; round++) {
        ox_config cfg = {.tier = OX_TIER_JIT, .jit_cache_dir = dir};
        ox_engine *e = NULL;
        ox_module *m = NULL;
        CHECK(!ox_engine_new(&cfg, &e));
        CHECK(!ox_module_new(e, (const uint8_t *)wat, strlen(wat), &m));
        size_t total = 0;
        CHECK(ox_module_compiled_funcs(m, &total) == total && total > 10);
        DIR *d = opendir(dir);
        size_t files = 0;
        for (struct dirent *de; d && (de = readdir(d));) {
            if (de->d_name[0] == '.')
                continue;
            files++;
            if (round == 1) { /* damage it: the object's last bytes */
                char path[512];
                snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
                FILE *f = fopen(path, "r+b");
                CHECK(f && fseek(f, -64, SEEK_END) == 0 && fwrite("garbage!", 1, 8, f) == 8);
                if (f)
                    fclose(f);
            }
        }
        if (d)
            closedir(d);
        CHECK_EQ(files, 1);
        ox_module_free(m);
        ox_engine_free(e);
    }
    run c;
    CHECK(open_run(&c, OX_TIER_INTERP, 500)); /* the interpreter's answer */
    ox_val f20 = ox_val_i32(20), rf;
    cur = c.inst;
    CHECK(!call(c.inst, "fib", &f20, 1, &rf, 1) && rf.of.i32 == 6765);
    close_run(&c);
    return test_summary("jit");
}
