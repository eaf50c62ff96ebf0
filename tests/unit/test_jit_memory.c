/*
 * test_jit_memory.c — the compiling tier's memories beyond memory 0 of 32
 * bits: a 64-bit memory (memory64) and a second 32-bit one (multi-
 * memory). The same calls, in the same order, on an interpreting engine
 * and on one that compiles every function give the same results, the
 * same traps (an address past 2^32, an offset that wraps, an access past
 * the pages, a bulk instruction out of bounds) and leave the same bytes
 * in both memories; every function was compiled.
 * In a build without LLVM only the interpreter's part runs.
 */
#include <stdio.h>
#include <string.h>

#include "oxide/wasm.h"
#include "test.h"

static const char *const wat =
    "(module\n"
    "  (memory $a (export \"a\") i64 1 3)\n"
    "  (memory $b (export \"b\") 1 2)\n"
    "  (data (memory $b) (i32.const 0) \"hello, memories\")\n"
    "  (data $p \"passive bytes\")\n"
    "  (func (export \"st64\") (param i64 i64) (i64.store $a (local.get 0) (local.get 1)))\n"
    "  (func (export \"ld64\") (param i64) (result i64) (i64.load $a (local.get 0)))\n"
    "  (func (export \"ld64_far\") (param i64) (result i32)\n"
    "    (i32.load8_u $a offset=4294967296 (local.get 0)))\n"
    "  (func (export \"ld64_wrap\") (param i64) (result i32)\n"
    "    (i32.load16_s $a offset=16 (local.get 0)))\n"
    "  (func (export \"st8_b\") (param i32 i32) (i32.store8 $b offset=3 (local.get 0) (local.get 1)))\n"
    "  (func (export \"ld_b\") (param i32) (result i32) (i32.load $b (local.get 0)))\n"
    "  (func (export \"f_b\") (param i32) (result f64) (f64.load $b offset=8 (local.get 0)))\n"
    "  (func (export \"both\") (param i64 i32) (result i32)\n"
    "    (i32.store $a (local.get 0) (i32.load $b (local.get 1)))\n"
    "    (i32.add (i32.load8_u $a (local.get 0)) (i32.load8_u $b (local.get 1))))\n"
    "  (func (export \"v64\") (param i64) (result i32)\n"
    "    (v128.store $a offset=32 (local.get 0) (v128.load $b (i32.const 0)))\n"
    "    (i32x4.extract_lane 1 (v128.load32_splat $a offset=36 (local.get 0))))\n"
    "  (func (export \"sizes\") (result i64) (i64.add (i64.shl (memory.size $a) (i64.const 32))\n"
    "    (i64.extend_i32_u (memory.size $b))))\n"
    "  (func (export \"grow_a\") (param i64) (result i64) (memory.grow $a (local.get 0)))\n"
    "  (func (export \"grow_b\") (param i32) (result i32) (memory.grow $b (local.get 0)))\n"
    "  (func (export \"fill_a\") (param i64 i32 i64) (memory.fill $a (local.get 0) (local.get 1) (local.get 2)))\n"
    "  (func (export \"copy_ab\") (param i64 i32 i32) (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))\n"
    "  (func (export \"copy_ba\") (param i32 i64 i32) (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))\n"
    "  (func (export \"copy_aa\") (param i64 i64 i64) (memory.copy $a $a (local.get 0) (local.get 1) (local.get 2)))\n"
    "  (func (export \"init_a\") (param i64 i32 i32) (memory.init $a $p (local.get 0) (local.get 1) (local.get 2)))\n"
    "  (func (export \"sum_a\") (param i64 i64) (result i64) (local $s i64)\n"
    "    (block $d (loop $l\n"
    "      (br_if $d (i64.ge_u (local.get 0) (local.get 1)))\n"
    "      (local.set $s (i64.add (local.get $s) (i64.load8_u $a (local.get 0))))\n"
    "      (local.set 0 (i64.add (local.get 0) (i64.const 1)))\n"
    "      (br $l)))\n"
    "    (local.get $s)))\n";

typedef struct run {
    ox_engine *e;
    ox_store *s;
    ox_module *m;
    ox_instance *inst;
} run;

static bool open_run(run *r, ox_tier tier)
{
    memset(r, 0, sizeof *r);
    ox_config cfg = {.tier = tier};
    if (ox_engine_new(&cfg, &r->e) || ox_store_new(r->e, &r->s))
        return false;
    ox_error *err = ox_module_new(r->e, (const uint8_t *)wat, strlen(wat), &r->m);
    if (err) {
        fprintf(stderr, "%s\n", ox_error_message(err));
        ox_error_free(err);
        return false;
    }
    return !ox_instance_new(r->s, r->m, NULL, 0, &r->inst);
}

static void close_run(run *r)
{
    ox_store_free(r->s);
    ox_module_free(r->m);
    ox_engine_free(r->e);
}

/* name(args): its message ("" when it returned) and first result. */
static void outcome(run *r, const char *name, const ox_val *a, size_t n, size_t nr, ox_val *res,
                    char *msg, size_t len)
{
    ox_extern f;
    ox_error *err = ox_instance_export(r->inst, name, &f)
                        ? ox_func_call(f.of.func, a, n, res, nr)
                        : ox_error_new(OX_ERR_NOTFOUND, "no export %s", name);
    snprintf(msg, len, "%s", err ? ox_error_message(err) : "");
    ox_error_free(err);
}

#define I32(x) ox_val_i32((int32_t)(x))
#define I64(x) ox_val_i64((int64_t)(x))

int main(void)
{
    /* the interpreter alone: a 64-bit memory's grow reads all of its
       i64 delta (it read the low half once: 2^32 + 1 grew by one page) */
    run i;
    if (open_run(&i, OX_TIER_INTERP)) {
        ox_val d = I64((UINT64_C(1) << 32) + 1), r = {0};
        char msg[200];
        outcome(&i, "grow_a", &d, 1, 1, &r, msg, sizeof msg);
        CHECK(!msg[0] && r.of.i64 == -1);
        outcome(&i, "sizes", NULL, 0, 1, &r, msg, sizeof msg);
        CHECK(!msg[0] && r.of.i64 == (INT64_C(1) << 32 | 1));
        close_run(&i);
    } else {
        CHECK(!"the module loads");
    }
    if (!ox_jit_available())
        return test_summary("jit_memory (no LLVM in this build)");
    run t[2];
    bool opened = open_run(&t[0], OX_TIER_INTERP) && open_run(&t[1], OX_TIER_JIT);
    CHECK(opened);
    if (!opened)
        return test_summary("jit_memory");
    size_t total = 0;
    CHECK_EQ(ox_module_compiled_funcs(t[1].m, &total), total);
    CHECK_EQ(total, 18);
    const uint64_t P = 65536;
    const struct {
        const char *name;
        ox_val a[3];
        size_t n, nr;
        bool traps;
    } cases[] = {
        {"st64", {I64(8), I64(0x1122334455667788)}, 2, 0, false},
        {"ld64", {I64(8)}, 1, 1, false},
        {"ld64", {I64(P - 8)}, 1, 1, false},
        {"ld64", {I64(P - 7)}, 1, 1, true},                 /* past the page */
        {"ld64", {I64(UINT32_MAX)}, 1, 1, true},            /* in the guard */
        {"ld64", {I64(UINT64_C(1) << 32)}, 1, 1, true},     /* past 2^32 */
        {"ld64", {I64(-1)}, 1, 1, true},
        {"ld64_far", {I64(0)}, 1, 1, true},                 /* the offset alone is 2^32 */
        {"ld64_wrap", {I64(-8)}, 1, 1, true},               /* address + offset wraps */
        {"ld64_wrap", {I64(8)}, 1, 1, false},
        {"st8_b", {I32(0), I32('J')}, 2, 0, false},
        {"st8_b", {I32(P - 3), I32(1)}, 2, 0, true},
        {"ld_b", {I32(0)}, 1, 1, false},
        {"ld_b", {I32(-1)}, 1, 1, true},
        {"f_b", {I32(0)}, 1, 1, false},
        {"both", {I64(100), I32(4)}, 2, 1, false},
        {"both", {I64(P), I32(4)}, 2, 1, true},
        {"v64", {I64(200)}, 1, 1, false},
        {"v64", {I64(P - 40)}, 1, 1, true},
        {"sizes", {{0}}, 0, 1, false},
        {"grow_a", {I64(UINT64_C(1) << 33)}, 1, 1, false},  /* -1 */
        {"grow_a", {I64(5)}, 1, 1, false},                  /* past the maximum: -1 */
        {"grow_a", {I64(1)}, 1, 1, false},
        {"grow_b", {I32(1)}, 1, 1, false},
        {"grow_b", {I32(1)}, 1, 1, false},
        {"sizes", {{0}}, 0, 1, false},
        {"ld64", {I64(2 * P - 8)}, 1, 1, false},            /* the new page */
        {"ld64", {I64(2 * P - 7)}, 1, 1, true},
        {"fill_a", {I64(P - 4), I32(0xAB), I64(8)}, 3, 0, false},
        {"fill_a", {I64(2 * P - 4), I32(0xCD), I64(5)}, 3, 0, true},
        {"fill_a", {I64(-1), I32(0), I64(2)}, 3, 0, true},
        {"copy_ab", {I64(P + 10), I32(0), I32(15)}, 3, 0, false},
        {"copy_ab", {I64(2 * P - 2), I32(0), I32(3)}, 3, 0, true},
        {"copy_ba", {I32(40), I64(P - 4), I32(8)}, 3, 0, false},
        {"copy_ba", {I32(0), I64(UINT64_C(1) << 40), I32(1)}, 3, 0, true},
        {"copy_aa", {I64(300), I64(P + 8), I64(20)}, 3, 0, false},
        {"copy_aa", {I64(0), I64(0), I64(-1)}, 3, 0, true},
        {"init_a", {I64(500), I32(0), I32(13)}, 3, 0, false},
        {"init_a", {I64(500), I32(1), I32(13)}, 3, 0, true},
        {"sum_a", {I64(0), I64(2 * P)}, 2, 1, false},
        {"sum_a", {I64(2 * P - 4), I64(2 * P + 4)}, 2, 1, true},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char msg[2][200];
        ox_val r[2] = {{0}};
        for (int tier = 0; tier < 2; tier++)
            outcome(&t[tier], cases[k].name, cases[k].a, cases[k].n, cases[k].nr, &r[tier],
                    msg[tier], sizeof msg[tier]);
        if (strcmp(msg[0], msg[1]) || (cases[k].traps != (msg[0][0] != 0)) ||
            r[0].of.i64 != r[1].of.i64)
            fprintf(stderr, "case %zu %s: interp '%s' %lld, jit '%s' %lld\n", k, cases[k].name,
                    msg[0], (long long)r[0].of.i64, msg[1], (long long)r[1].of.i64);
        CHECK(!strcmp(msg[0], msg[1]));
        CHECK_EQ(cases[k].traps, msg[0][0] != 0);
        if (cases[k].traps)
            CHECK(strstr(msg[1], "out of bounds memory access") != NULL);
        CHECK_EQ(r[0].of.i64, r[1].of.i64);
    }
    /* the bytes each left */
    static const char *const mems[] = {"a", "b"};
    for (size_t k = 0; k < 2; k++) {
        ox_extern m[2];
        CHECK(ox_instance_export(t[0].inst, mems[k], &m[0]) && m[0].kind == OX_EXTERN_MEMORY);
        CHECK(ox_instance_export(t[1].inst, mems[k], &m[1]) && m[1].kind == OX_EXTERN_MEMORY);
        size_t n = ox_memory_size(m[0].of.memory);
        CHECK_EQ(n, ox_memory_size(m[1].of.memory));
        CHECK(!memcmp(ox_memory_data(m[0].of.memory), ox_memory_data(m[1].of.memory), n));
    }
    close_run(&t[0]);
    close_run(&t[1]);
    return test_summary("jit_memory");
}
