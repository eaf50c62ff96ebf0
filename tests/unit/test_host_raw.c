/*
 * test_host_raw.c — host functions on raw cells (ox_func_new_host_raw).
 * A module imports four: one taking a value of every numeric type and
 * giving back more result cells than it took (results written over the
 * arguments' cells, and past them), one with no parameters and two
 * results, one that fails, and one passing an externref through. The
 * module calls them from wasm, on an interpreting engine and on one that
 * compiles (when built: the callers are compiled but the one holding a
 * reference), and the embedder calls them itself (ox_func_call). The
 * failing one's error reaches the caller as a host trap with its message.
 */
#include <math.h>
#include <string.h>

#include "oxide/wasm.h"
#include "test.h"

static const char *const wat =
    "(module\n"
    "  (import \"h\" \"mix\" (func $mix (param i32 i64 f32 f64 v128)\n"
    "    (result v128 f64 f32 i64 i32 i32)))\n"
    "  (import \"h\" \"two\" (func $two (result i64 i32)))\n"
    "  (import \"h\" \"fail\" (func $fail (param i32)))\n"
    "  (import \"h\" \"keep\" (func $keep (param externref i32) (result externref)))\n"
    "  (func (export \"call_mix\") (param i32 i64) (result i64)\n"
    "    (local $v v128) (local $d f64) (local $f f32) (local $l i64) (local $a i32) (local $b i32)\n"
    "    (call $mix (local.get 0) (local.get 1) (f32.const 1.5) (f64.const -2.25)\n"
    "      (v128.const i32x4 1 2 3 4))\n"
    "    (local.set $b) (local.set $a) (local.set $l) (local.set $f) (local.set $d) (local.set $v)\n"
    /* everything folded into one i64 */
    "    (i64.add (local.get $l)\n"
    "      (i64.add (i64.extend_i32_u (i32.add (local.get $a) (i32.mul (local.get $b) (i32.const 1000))))\n"
    "        (i64.add (i64.trunc_f64_s (f64.mul (local.get $d) (f64.const 100)))\n"
    "          (i64.add (i64.trunc_f32_s (f32.mul (local.get $f) (f32.const 10)))\n"
    "            (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $v))))))))\n"
    "  (func (export \"call_two\") (result i64)\n"
    "    (call $two) (i64.extend_i32_u) (i64.add))\n"
    "  (func (export \"call_fail\") (param i32) (call $fail (local.get 0)))\n"
    /* references stay in the interpreter: this one is not compiled */
    "  (func (export \"call_keep\") (param externref i32) (result i32)\n"
    "    (ref.is_null (call $keep (local.get 0) (local.get 1)))))\n";

/* mix(a, b, f, d, v) = (v with its lanes reversed, d * 2, f + 1, b + a,
   a * 3, 7): seven result cells over six argument cells */
static ox_error *mix(ox_caller *c, void *user, ox_raw *cells)
{
    (void)c, (void)user;
    int32_t a = cells[0].i32;
    int64_t b = cells[1].i64;
    float f = cells[2].f32;
    double d = cells[3].f64;
    uint32_t v[4];
    memcpy(v, &cells[4], 16);
    uint32_t w[4] = {v[3], v[2], v[1], v[0]};
    memcpy(&cells[0], w, 16);
    cells[2].f64 = d * 2;
    cells[3].f32 = f + 1;
    cells[4].i64 = b + a;
    cells[5].i32 = a * 3;
    cells[6].i32 = 7;
    return NULL;
}

/* keep(r, k) = r if k is odd, else null */
static ox_error *keep(ox_caller *c, void *user, ox_raw *cells)
{
    (void)c, (void)user;
    cells[0].ref = (cells[1].i32 & 1) ? cells[0].ref : NULL;
    return NULL;
}

static ox_error *two(ox_caller *c, void *user, ox_raw *cells)
{
    (void)c;
    cells[0].i64 = *(int64_t *)user;
    cells[1].i32 = 5;
    return NULL;
}

static ox_error *fail(ox_caller *c, void *user, ox_raw *cells)
{
    (void)c, (void)user;
    return ox_error_new(OX_ERR_ARG, "refused %d", (int)cells[0].i32);
}

/* call_mix(a, b): l = b + a, a * 3 + 7000, d * 100 = -450, f * 10 = 25,
   lane 3 of the reversed vector = 1 */
static int64_t want_mix(int32_t a, int64_t b)
{
    return (b + a) + (int64_t)(uint32_t)(a * 3 + 7000) - 450 + 25 + 1;
}

static int64_t two_value = 1234567890123LL;

static ox_val externref(void *p)
{
    ox_val v;
    memset(&v, 0, sizeof v);
    v.type = OX_EXTERNREF;
    v.of.externref = p;
    return v;
}

static void run_tier(ox_tier tier)
{
    ox_config cfg = {.tier = tier};
    ox_engine *e = NULL;
    ox_store *s = NULL;
    ox_module *m = NULL;
    ox_instance *inst = NULL;
    CHECK(!ox_engine_new(&cfg, &e) && !ox_store_new(e, &s));
    CHECK(!ox_module_new(e, (const uint8_t *)wat, strlen(wat), &m));
    if (!m) {
        ox_store_free(s);
        ox_engine_free(e);
        return;
    }
    ox_valtype mp[] = {OX_I32, OX_I64, OX_F32, OX_F64, OX_V128};
    ox_valtype mr[] = {OX_V128, OX_F64, OX_F32, OX_I64, OX_I32, OX_I32};
    ox_valtype tr[] = {OX_I64, OX_I32}, fp[] = {OX_I32}, kp[] = {OX_EXTERNREF, OX_I32};
    ox_functype mt = {5, 6, mp, mr}, tt = {0, 2, NULL, tr}, ft = {1, 0, fp, NULL}, kt = {2, 1, kp, kp};
    ox_extern imp[4];
    memset(imp, 0, sizeof imp);
    CHECK(!ox_func_new_host_raw(s, &mt, mix, NULL, NULL, &imp[0].of.func));
    CHECK(!ox_func_new_host_raw(s, &tt, two, &two_value, NULL, &imp[1].of.func));
    CHECK(!ox_func_new_host_raw(s, &ft, fail, NULL, NULL, &imp[2].of.func));
    CHECK(!ox_func_new_host_raw(s, &kt, keep, NULL, NULL, &imp[3].of.func));
    CHECK(!ox_instance_new(s, m, imp, 4, &inst));
    if (inst) {
        int token = 0;
        ox_extern f;
        ox_val r;
        CHECK(ox_instance_export(inst, "call_mix", &f));
        ox_val args[2] = {ox_val_i32(-7), ox_val_i64(-100000000000LL)};
        ox_error *err = ox_func_call(f.of.func, args, 2, &r, 1);
        CHECK(!err);
        ox_error_free(err);
        CHECK_EQ(r.of.i64, want_mix(-7, -100000000000LL));
        /* the calls of this tier came from compiled code */
        CHECK(ox_func_is_compiled(f.of.func) == (tier == OX_TIER_JIT));
        CHECK(ox_instance_export(inst, "call_two", &f));
        CHECK(!ox_func_call(f.of.func, NULL, 0, &r, 1));
        CHECK_EQ(r.of.i64, two_value + 5);
        ox_val a = ox_val_i32(42);
        CHECK(ox_instance_export(inst, "call_fail", &f));
        err = ox_func_call(f.of.func, &a, 1, NULL, 0);
        CHECK(err && ox_error_trap(err) == OX_TRAP_HOST && strstr(ox_error_message(err), "refused 42"));
        ox_error_free(err);
        CHECK(ox_instance_export(inst, "call_keep", &f));
        for (int32_t k = 0; k < 2; k++) { /* even: null back; odd: the reference back */
            ox_val ka[2] = {externref(&token), ox_val_i32(k)};
            CHECK(!ox_func_call(f.of.func, ka, 2, &r, 1));
            CHECK_EQ(r.of.i32, k == 0);
        }
    }
    /* the embedder calling them directly: tagged values in and out */
    int token = 0;
    uint8_t lanes[16];
    for (int k = 0; k < 16; k++)
        lanes[k] = (uint8_t)k;
    ox_val args[5] = {ox_val_i32(9), ox_val_i64(1), ox_val_f32(0.5f), ox_val_f64(4), ox_val_i32(0)};
    args[4].type = OX_V128;
    memcpy(args[4].of.v128, lanes, 16);
    ox_val res[6];
    ox_error *err = ox_func_call(imp[0].of.func, args, 5, res, 6);
    CHECK(!err);
    ox_error_free(err);
    if (!err) {
        CHECK(res[0].type == OX_V128 && res[0].of.v128[0] == 12 && res[0].of.v128[15] == 3);
        CHECK(res[1].type == OX_F64 && res[1].of.f64 == 8.0);
        CHECK(res[2].type == OX_F32 && res[2].of.f32 == 1.5f);
        CHECK(res[3].type == OX_I64 && res[3].of.i64 == 10);
        CHECK(res[4].type == OX_I32 && res[4].of.i32 == 27);
        CHECK(res[5].type == OX_I32 && res[5].of.i32 == 7);
    }
    ox_val ka[2] = {externref(&token), ox_val_i32(3)};
    err = ox_func_call(imp[3].of.func, ka, 2, res, 1);
    CHECK(!err && res[0].type == OX_EXTERNREF && res[0].of.externref == &token);
    ox_error_free(err);
    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
}

int main(void)
{
    /* a bad call of the constructor is an error, not a crash */
    ox_functype none = {0, 0, NULL, NULL};
    ox_func *f = (ox_func *)1;
    ox_error *err = ox_func_new_host_raw(NULL, &none, two, NULL, NULL, &f);
    CHECK(err && ox_error_code(err) == OX_ERR_ARG && f == NULL);
    ox_error_free(err);
    run_tier(OX_TIER_INTERP);
    if (ox_jit_available())
        run_tier(OX_TIER_JIT);
    return test_summary("host-raw");
}
