/*
 * test_exec.c — the interpreter through the public API, where the spec
 * suite does not reach: host calls with mixed types, host→wasm re-entry and
 * its bound, host errors and exits, interruption, call-stack limits from the
 * engine config, memory growth by a host during a call, and the compiler's
 * operand folding hazards. Also the body validator's error codes, messages
 * and offsets. Input: exec.wasm (wat/exec.wat).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oxide/wasm.h"
#include "test.h"

static ox_error *host_add3(ox_caller *c, void *user, const ox_val *a, ox_val *r)
{
    (void)c, (void)user;
    r[0] = ox_val_f64((double)a[0].of.i32 + (double)a[1].of.i64 + a[2].of.f64);
    return NULL;
}

/* Call the instance's export "down" again: wasm → host → wasm. */
static ox_error *host_reenter(ox_caller *c, void *user, const ox_val *a, ox_val *r)
{
    (void)user;
    ox_extern down;
    if (!ox_caller_export(c, "down", &down))
        return ox_error_new(OX_ERR_NOTFOUND, "no export down");
    ox_val arg = ox_val_i32(a[0].of.i32);
    return ox_func_call(down.of.func, &arg, 1, r, 1);
}

static ox_error *host_fail(ox_caller *c, void *user, const ox_val *a, ox_val *r)
{
    (void)c, (void)user, (void)r;
    if (a[0].of.i32 == 0)
        return ox_error_new(OX_ERR_IO, "disk on fire");
    return ox_error_exit(7);
}

static ox_error *host_interrupt(ox_caller *c, void *user, const ox_val *a, ox_val *r)
{
    (void)user, (void)a, (void)r;
    ox_store_interrupt(ox_caller_store(c));
    return NULL;
}

static ox_error *host_grow(ox_caller *c, void *user, const ox_val *a, ox_val *r)
{
    (void)user, (void)a, (void)r;
    return ox_memory_grow(ox_caller_memory(c), 1, NULL);
}

typedef struct fixture {
    ox_engine *engine;
    ox_module *module;
    ox_store *store;
    ox_instance *inst;
} fixture;

/* --no-fusion: run everything compiled without superinstructions. */
static bool no_fusion;

static bool setup(fixture *fx, const char *path, const ox_config *cfg)
{
    memset(fx, 0, sizeof *fx);
    ox_config c;
    memset(&c, 0, sizeof c);
    if (cfg)
        c = *cfg;
    c.disable_fusion = no_fusion;
    ox_error *err = ox_engine_new(&c, &fx->engine);
    if (!err)
        err = ox_module_load_file(fx->engine, path, &fx->module);
    if (!err)
        err = ox_store_new(fx->engine, &fx->store);
    static const ox_valtype p_add3[] = {OX_I32, OX_I64, OX_F64}, r_f64[] = {OX_F64};
    static const ox_valtype i32[] = {OX_I32};
    const ox_functype t_add3 = {3, 1, p_add3, r_f64}, t_ii = {1, 1, i32, i32},
                      t_i = {1, 0, i32, NULL}, t_v = {0, 0, NULL, NULL};
    struct { const ox_functype *t; ox_host_fn fn; } hosts[] = {
        {&t_add3, host_add3}, {&t_ii, host_reenter}, {&t_i, host_fail},
        {&t_v, host_interrupt}, {&t_v, host_grow},
    };
    ox_extern imports[5];
    for (int i = 0; i < 5 && !err; i++) {
        imports[i].kind = OX_EXTERN_FUNC;
        err = ox_func_new_host(fx->store, hosts[i].t, hosts[i].fn, NULL, NULL, &imports[i].of.func);
    }
    if (!err)
        err = ox_instance_new(fx->store, fx->module, imports, 5, &fx->inst);
    if (err) {
        fprintf(stderr, "setup: %s\n", ox_error_message(err));
        ox_error_free(err);
        return false;
    }
    return true;
}

static void teardown(fixture *fx)
{
    ox_store_free(fx->store);
    ox_module_free(fx->module);
    ox_engine_free(fx->engine);
}

/* Call an export; returns the error (caller frees) and fills results. */
static ox_error *call(fixture *fx, const char *name, const ox_val *args, size_t nargs,
                      ox_val *res, size_t nres)
{
    ox_extern e;
    if (!ox_instance_export(fx->inst, name, &e) || e.kind != OX_EXTERN_FUNC)
        return ox_error_new(OX_ERR_NOTFOUND, "no export %s", name);
    return ox_func_call(e.of.func, args, nargs, res, nres);
}

static void expect_trap(ox_error *err, ox_trap kind, const char *needle)
{
    CHECK(err != NULL);
    if (!err)
        return;
    CHECK_EQ(ox_error_code(err), OX_ERR_TRAP);
    CHECK_EQ(ox_error_trap(err), kind);
    if (needle && !strstr(ox_error_message(err), needle)) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", ox_error_message(err), needle);
        CHECK(!"trap message");
    }
    ox_error_free(err);
}

static void test_calls(const char *path)
{
    fixture fx;
    if (!setup(&fx, path, NULL)) {
        CHECK(!"setup");
        return;
    }
    ox_val r[1];
    ox_val a3[] = {ox_val_i32(-1), ox_val_i64(1LL << 40), ox_val_f64(0.5)};
    CHECK(call(&fx, "call_add3", a3, 3, r, 1) == NULL);
    CHECK(r[0].type == OX_F64 && r[0].of.f64 == (double)(1LL << 40) - 0.5);

    /* re-entry works, and the same store runs again afterwards */
    ox_val n = ox_val_i32(10);
    CHECK(call(&fx, "down", &n, 1, r, 1) == NULL);
    CHECK_EQ(r[0].of.i32, 10);
    n = ox_val_i32(100000); /* unbounded re-entry: a trap, not a crash */
    expect_trap(call(&fx, "down", &n, 1, r, 1), OX_TRAP_STACK_EXHAUSTED, "call stack exhausted");
    n = ox_val_i32(3);
    CHECK(call(&fx, "down", &n, 1, r, 1) == NULL);
    CHECK_EQ(r[0].of.i32, 3);

    /* host failures: an error becomes a host trap keeping its message; an
       exit passes through untouched */
    ox_val k = ox_val_i32(0);
    expect_trap(call(&fx, "call_fail", &k, 1, NULL, 0), OX_TRAP_HOST, "disk on fire");
    k = ox_val_i32(1);
    ox_error *err = call(&fx, "call_fail", &k, 1, NULL, 0);
    CHECK(err && ox_error_code(err) == OX_ERR_EXIT && ox_error_exit_status(err) == 7);
    ox_error_free(err);

    /* an interrupt stops an infinite loop at its back-edge, once */
    expect_trap(call(&fx, "spin", NULL, 0, NULL, 0), OX_TRAP_INTERRUPTED, "interrupted");
    CHECK(call(&fx, "call_add3", a3, 3, r, 1) == NULL);

    expect_trap(call(&fx, "rec", &k, 1, r, 1), OX_TRAP_STACK_EXHAUSTED, NULL);

    CHECK(call(&fx, "grow_then_load", NULL, 0, r, 1) == NULL);
    CHECK_EQ(r[0].of.i32, 42);

    ox_val ab[] = {ox_val_i32(10), ox_val_i32(3)};
    CHECK(call(&fx, "swap_sub", ab, 2, r, 1) == NULL);
    CHECK_EQ((uint32_t)r[0].of.i32, (uint32_t)-7);

    ox_val five = ox_val_i32(5);
    CHECK(call(&fx, "tee_hazard", &five, 1, r, 1) == NULL);
    CHECK_EQ((uint32_t)r[0].of.i32, (uint32_t)-10);

    CHECK(call(&fx, "wrap_store_load", NULL, 0, r, 1) == NULL);
    CHECK_EQ(r[0].of.i32, 77);
    ox_val base = ox_val_i32(0);
    expect_trap(call(&fx, "ix_oob", &base, 1, NULL, 0), OX_TRAP_MEMORY_OOB, NULL);

    /* odd → 1, even below 10 → 2, even from 100 → 3, other evens → 4 */
    const int32_t in[] = {7, 4, 200, 40, -2}, want[] = {1, 2, 3, 4, 4};
    for (int i = 0; i < 5; i++) {
        ox_val v = ox_val_i32(in[i]);
        CHECK(call(&fx, "classify", &v, 1, r, 1) == NULL);
        CHECK_EQ(r[0].of.i32, want[i]);
    }

    ox_val ten = ox_val_i32(10);
    CHECK(call(&fx, "step_loops", &ten, 1, r, 1) == NULL);
    CHECK_EQ(r[0].of.i64, 1221484);

    ox_val xyz[] = {ox_val_i32(7), ox_val_i64(5), ox_val_f64(1.5)};
    CHECK(call(&fx, "chains", xyz, 3, r, 1) == NULL);
    CHECK_EQ(r[0].of.i64, 983132975086016);
    const float c32_in[] = {16777216.0f, 3.0f};
    const int64_t c32_want[] = {-8388598000, 8001};
    for (int i = 0; i < 2; i++) {
        ox_val z = ox_val_f32(c32_in[i]);
        CHECK(call(&fx, "chains32", &z, 1, r, 1) == NULL);
        CHECK_EQ(r[0].of.i64, c32_want[i]);
    }

    ox_val p64 = ox_val_i32(64);
    CHECK(call(&fx, "load_ops", &p64, 1, r, 1) == NULL);
    CHECK_EQ(r[0].of.i64, 1991540000999);
    expect_trap(call(&fx, "lm_oob", &base, 1, r, 1), OX_TRAP_MEMORY_OOB, NULL);
    const uint32_t ix_p[] = {32, 0xfffffff0}, ix_k[] = {32, 0x50};
    for (int i = 0; i < 2; i++) {
        ox_val pk[] = {ox_val_i32((int32_t)ix_p[i]), ox_val_i32((int32_t)ix_k[i])};
        CHECK(call(&fx, "load_ops_ix", pk, 2, r, 1) == NULL);
        CHECK_EQ(r[0].of.i64, 1991540000999);
    }
    expect_trap(call(&fx, "lmx_oob", &base, 1, r, 1), OX_TRAP_MEMORY_OOB, NULL);
    const uint32_t sx_base[] = {1024, 0xffffff00}, sx_i[] = {3, 0x143};
    for (int i = 0; i < 2; i++) {
        ox_val bi[] = {ox_val_i32((int32_t)sx_base[i]), ox_val_i32((int32_t)sx_i[i])};
        CHECK(call(&fx, "scaled", bi, 2, r, 1) == NULL);
        CHECK_EQ(r[0].of.i64, 0x1122ab44 + 0x5566778899 + 0xab);
    }
    ox_val big = ox_val_i32(0x40000000);
    expect_trap(call(&fx, "sx_oob", &big, 1, r, 1), OX_TRAP_MEMORY_OOB, NULL);

    ox_val pxy[] = {ox_val_i32(64), ox_val_i32(50), ox_val_f64(3.0)};
    CHECK(call(&fx, "op_stores", pxy, 3, r, 1) == NULL);
    CHECK_EQ(r[0].of.i64, 4294972388);
    expect_trap(call(&fx, "sm_oob", &base, 1, NULL, 0), OX_TRAP_MEMORY_OOB, NULL);
    CHECK(call(&fx, "rmw", &p64, 1, r, 1) == NULL);
    CHECK_EQ(r[0].of.i64, 14309968202);
    expect_trap(call(&fx, "rmw_oob", &base, 1, NULL, 0), OX_TRAP_MEMORY_OOB, NULL);

    ox_val ab34[] = {ox_val_i32(3), ox_val_i32(4)};
    CHECK(call(&fx, "add_pairs", ab34, 2, r, 1) == NULL);
    CHECK_EQ(r[0].of.i32, 98);

    ox_val ac[] = {ox_val_i32(10), ox_val_i32(3)};
    CHECK(call(&fx, "add_copy", ac, 2, r, 1) == NULL);
    CHECK_EQ(r[0].of.i64, 1313090913);

    ox_val p256 = ox_val_i32(256);
    CHECK(call(&fx, "moves", &p256, 1, r, 1) == NULL);
    CHECK_EQ(r[0].of.i64, 584693815586);
    expect_trap(call(&fx, "move_oob_src", &base, 1, NULL, 0), OX_TRAP_MEMORY_OOB, NULL);
    expect_trap(call(&fx, "move_oob_dst", &base, 1, NULL, 0), OX_TRAP_MEMORY_OOB, NULL);

    const int64_t e_in[] = {(int64_t)1 << 32, 5, 0};
    const int32_t e_want[] = {1, 1, 3};
    for (int i = 0; i < 3; i++) {
        ox_val v = ox_val_i64(e_in[i]);
        CHECK(call(&fx, "eqz64", &v, 1, r, 1) == NULL);
        CHECK_EQ(r[0].of.i32, e_want[i]);
    }

    const int64_t w_in[] = {0x100000005, 0x2ffffffff};
    const int32_t w_want[] = {11112, 10206};
    for (int i = 0; i < 2; i++) {
        ox_val v = ox_val_i64(w_in[i]);
        CHECK(call(&fx, "wrap_ops", &v, 1, r, 1) == NULL);
        CHECK_EQ(r[0].of.i32, w_want[i]);
        CHECK(call(&fx, "wrap_ret", &v, 1, r, 1) == NULL);
        CHECK_EQ((uint32_t)r[0].of.i32, (uint32_t)w_in[i]);
    }

    ox_val nm[] = {ox_val_i32(3), ox_val_i64(10)};
    CHECK(call(&fx, "sub_consts", nm, 2, r, 1) == NULL);
    CHECK_EQ(r[0].of.i64, 34081004);
    ox_val p20 = ox_val_i32(20);
    CHECK(call(&fx, "sub_addr", &p20, 1, r, 1) == NULL);
    CHECK_EQ(r[0].of.i32, 77);
    expect_trap(call(&fx, "sub_addr", &base, 1, r, 1), OX_TRAP_MEMORY_OOB, NULL);

    ox_val p128 = ox_val_i32(128);
    CHECK(call(&fx, "load_tests", &p128, 1, r, 1) == NULL);
    CHECK_EQ(r[0].of.i32, 213 + 512 + (0x80 << 16) + (0x100 << 12));
    expect_trap(call(&fx, "lb_oob", &base, 1, r, 1), OX_TRAP_MEMORY_OOB, NULL);
    const int32_t lc_v[] = {35, -5}, lc_want[] = {504040, 500000};
    for (int i = 0; i < 2; i++) {
        ox_val pv[] = {ox_val_i32(512), ox_val_i32(lc_v[i])};
        CHECK(call(&fx, "load_cmp", pv, 2, r, 1) == NULL);
        CHECK_EQ(r[0].of.i32, lc_want[i]);
    }
    expect_trap(call(&fx, "lc_oob", &base, 1, r, 1), OX_TRAP_MEMORY_OOB, NULL);

    ox_val pn[] = {ox_val_i32(512), ox_val_i32(4)};
    CHECK(call(&fx, "pairs", pn, 2, r, 1) == NULL);
    CHECK_EQ(r[0].of.i64, 333334546);

    const float fb_a[] = {0.5f, NAN, 2.0f};
    const double fb_b[] = {1.0, NAN, -1.0};
    const int32_t fb_want[] = {49, 28, 42};
    for (int i = 0; i < 3; i++) {
        ox_val ab2[] = {ox_val_f32(fb_a[i]), ox_val_f64(fb_b[i])};
        CHECK(call(&fx, "fbranch", ab2, 2, r, 1) == NULL);
        CHECK_EQ(r[0].of.i32, fb_want[i]);
    }

    ox_val fill_in[] = {ox_val_i32(4096), ox_val_i32(4)};
    CHECK(call(&fx, "fill", fill_in, 2, r, 1) == NULL);
    CHECK_EQ(r[0].of.i64, 42530441907515);
    CHECK(call(&fx, "mem_bytes", NULL, 0, r, 1) == NULL); /* grown by an earlier test */
    ox_val near_end = ox_val_i32(r[0].of.i32 - 8), last = ox_val_i32(r[0].of.i32 - 4);
    expect_trap(call(&fx, "fill_oob", &near_end, 1, NULL, 0), OX_TRAP_MEMORY_OOB, NULL);
    CHECK(call(&fx, "peek", &last, 1, r, 1) == NULL);
    CHECK_EQ(r[0].of.i32, 0x55); /* the stores before the trap happened */
    ox_store_set_fuel(fx.store, 1000);
    ox_val at = ox_val_i32(8192);
    expect_trap(call(&fx, "fill_forever", &at, 1, NULL, 0), OX_TRAP_FUEL_EXHAUSTED, NULL);
    ox_store_set_fuel(fx.store, 0);

    ox_val d[] = {ox_val_i32(1), ox_val_i32(0)};
    expect_trap(call(&fx, "div", d, 2, r, 1), OX_TRAP_DIV_ZERO, "divider");
    ox_val d2[] = {ox_val_i32(INT32_MIN), ox_val_i32(-1)};
    expect_trap(call(&fx, "div", d2, 2, r, 1), OX_TRAP_INT_OVERFLOW, "integer overflow");
    teardown(&fx);
}

/* Engine limits: a small frame count and a small value stack both trap. */
static void test_limits(const char *path)
{
    ox_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_call_depth = 50;
    fixture fx;
    if (!setup(&fx, path, &cfg)) {
        CHECK(!"setup");
        return;
    }
    ox_val r[1], z = ox_val_i32(0), n = ox_val_i32(60);
    expect_trap(call(&fx, "rec", &z, 1, r, 1), OX_TRAP_STACK_EXHAUSTED, NULL);
    /* 60 re-entries take 61 wasm frames on the one frame stack: over 50 */
    expect_trap(call(&fx, "down", &n, 1, r, 1), OX_TRAP_STACK_EXHAUSTED, NULL);
    n = ox_val_i32(10);
    CHECK(call(&fx, "down", &n, 1, r, 1) == NULL);
    CHECK_EQ(r[0].of.i32, 10);
    teardown(&fx);

    memset(&cfg, 0, sizeof cfg);
    cfg.max_stack_slots = 2000;
    if (!setup(&fx, path, &cfg)) {
        CHECK(!"setup");
        return;
    }
    expect_trap(call(&fx, "fat", &z, 1, r, 1), OX_TRAP_STACK_EXHAUSTED, NULL);
    teardown(&fx);
}

/* The body validator: code, wording and offset of its errors. */
static void expect_bad(const uint8_t *bytes, size_t len, ox_errcode code, const char *msg,
                       int64_t offset)
{
    ox_engine *e = NULL;
    ox_module *m = NULL;
    CHECK(ox_engine_new(NULL, &e) == NULL);
    ox_error *err = ox_module_new(e, bytes, len, &m);
    CHECK(err != NULL);
    if (err) {
        CHECK_EQ(ox_error_code(err), code);
        if (!strstr(ox_error_message(err), msg)) {
            fprintf(stderr, "message \"%s\" lacks \"%s\"\n", ox_error_message(err), msg);
            CHECK(!"validation message");
        }
        CHECK_EQ(ox_error_offset(err), offset);
        ox_error_free(err);
    }
    ox_module_free(m);
    ox_engine_free(e);
}

static void test_validation(void)
{
#define HEADER 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00
#define TYPE_V_I32 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f /* () -> i32 */
#define ONE_FUNC 0x03, 0x02, 0x01, 0x00
    /* (func (result i32) i64.const 0): wrong type, found at `end` (byte 26) */
    static const uint8_t mismatch[] = {HEADER, TYPE_V_I32, ONE_FUNC,
                                       0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b};
    expect_bad(mismatch, sizeof mismatch, OX_ERR_INVALID, "type mismatch", 26);
    /* opcode 0xff does not exist (byte 24) */
    static const uint8_t illegal[] = {HEADER, TYPE_V_I32, ONE_FUNC,
                                      0x0a, 0x05, 0x01, 0x03, 0x00, 0xff, 0x0b};
    expect_bad(illegal, sizeof illegal, OX_ERR_MALFORMED, "illegal opcode", 24);
    /* local.get 5 with no locals (byte 24) */
    static const uint8_t local[] = {HEADER, TYPE_V_I32, ONE_FUNC,
                                    0x0a, 0x06, 0x01, 0x04, 0x00, 0x20, 0x05, 0x0b};
    expect_bad(local, sizeof local, OX_ERR_INVALID, "unknown local", 24);
    /* br 1 at depth 0 */
    static const uint8_t label[] = {HEADER, TYPE_V_I32, ONE_FUNC,
                                    0x0a, 0x06, 0x01, 0x04, 0x00, 0x0c, 0x01, 0x0b};
    expect_bad(label, sizeof label, OX_ERR_INVALID, "unknown label", 24);
}

/* ---- the constant pool (compile_pool.c scans a body for it) ---------- */

typedef struct bytes {
    uint8_t b[8192];
    size_t n;
} bytes;

static void put(bytes *o, uint8_t v)
{
    if (o->n < sizeof o->b)
        o->b[o->n++] = v;
}
static void put_uleb(bytes *o, uint64_t v)
{
    do {
        put(o, (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)));
        v >>= 7;
    } while (v);
}
static void put_sleb(bytes *o, int64_t v)
{
    for (;;) {
        uint8_t b = v & 0x7f;
        v >>= 7; /* arithmetic on the compilers we build with */
        if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
            put(o, b);
            return;
        }
        put(o, b | 0x80);
    }
}

/* One function () -> i64, exported as "f", with the body `code` (after its
   locals, none). */
static void run_pool_module(const bytes *code, uint64_t want)
{
    bytes m = {.n = 0};
    static const uint8_t head[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                                   0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7e, /* () -> i64 */
                                   0x03, 0x02, 0x01, 0x00,
                                   0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00};
    for (size_t i = 0; i < sizeof head; i++)
        put(&m, head[i]);
    bytes body = {.n = 0};
    put(&body, 0x00); /* no locals */
    for (size_t i = 0; i < code->n; i++)
        put(&body, code->b[i]);
    bytes sec = {.n = 0};
    put(&sec, 0x01);
    put_uleb(&sec, body.n);
    for (size_t i = 0; i < body.n; i++)
        put(&sec, body.b[i]);
    put(&m, 0x0a);
    put_uleb(&m, sec.n);
    for (size_t i = 0; i < sec.n; i++)
        put(&m, sec.b[i]);
    CHECK(m.n < sizeof m.b);

    ox_engine *e = NULL;
    ox_module *mod = NULL;
    ox_store *st = NULL;
    ox_instance *inst = NULL;
    ox_extern f;
    ox_val r;
    CHECK(ox_engine_new(NULL, &e) == NULL);
    ox_error *err = ox_module_new(e, m.b, m.n, &mod);
    if (err)
        fprintf(stderr, "pool module: %s\n", ox_error_message(err));
    CHECK(err == NULL);
    if (!err && !(err = ox_store_new(e, &st)) && !(err = ox_instance_new(st, mod, NULL, 0, &inst)) &&
        ox_instance_export(inst, "f", &f)) {
        /* twice: the pool is copied into each new frame */
        for (int k = 0; k < 2; k++) {
            err = ox_func_call(f.of.func, NULL, 0, &r, 1);
            CHECK(err == NULL);
            if (err)
                break;
            CHECK_EQ(r.of.i64, want);
        }
    }
    ox_error_free(err);
    ox_store_free(st);
    ox_module_free(mod);
    ox_engine_free(e);
}

/* More distinct constants than the pool holds (128), repeated so pooled
   and unpooled ones are both looked up again; constants in dead code; and
   every kind of immediate the pool scan steps over before them. */
static void test_const_pool(void)
{
    bytes c = {.n = 0};
    uint64_t want = 0;
    /* block: br_table to its end, then dead constants */
    static const uint8_t dead[] = {0x02, 0x40, 0x41, 0x00, 0x0e, 0x02, 0x00, 0x00, 0x00,
                                   0x42, 0xb1, 0xfa, 0x2f, 0x1a, 0x44, 0, 0, 0, 0, 0, 0, 0xf0,
                                   0x3f, 0x1a, 0x0b};
    for (size_t i = 0; i < sizeof dead; i++)
        put(&c, dead[i]);
    /* select (result i64) between two constants: 0x1c, vec of one type */
    static const uint8_t sel[] = {0x42, 0x07, 0x42, 0x09, 0x41, 0x01, 0x1c, 0x01, 0x7e};
    for (size_t i = 0; i < sizeof sel; i++)
        put(&c, sel[i]);
    want += 7;
    /* f64.const 2.5, i64.trunc_sat_f64_s (0xfc 6) */
    static const uint8_t sat[] = {0x44, 0, 0, 0, 0, 0, 0, 0x04, 0x40, 0xfc, 0x06, 0x7c};
    for (size_t i = 0; i < sizeof sat; i++)
        put(&c, sat[i]);
    want += 2;
    for (int round = 0; round < 2; round++) {
        for (int64_t k = 0; k < 200; k++) {
            int64_t v = (k * 0x1234567 + 3) * (k % 2 ? -1 : 1) + (k > 150 ? (int64_t)1 << 40 : 0);
            put(&c, 0x42);
            put_sleb(&c, v);
            put(&c, 0x7c); /* i64.add */
            want += (uint64_t)v;
        }
        /* and i32 constants, whose pool image is zero-extended */
        for (int32_t k = 0; k < 20; k++) {
            put(&c, 0x41);
            put_sleb(&c, -k - 1);
            put(&c, 0xac); /* i64.extend_i32_s */
            put(&c, 0x7c);
            want += (uint64_t)(int64_t)(-k - 1);
        }
    }
    put(&c, 0x0b);
    run_pool_module(&c, want);
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "--no-fusion")) {
        no_fusion = true;
        argv++;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: test_exec [--no-fusion] exec.wasm\n");
        return 2;
    }
    test_calls(argv[1]);
    test_limits(argv[1]);
    test_validation();
    test_const_pool();
    return test_summary("exec");
}
