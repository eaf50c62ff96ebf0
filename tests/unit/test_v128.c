/*
 * test_v128.c — no v128 is ever cut: a v128 takes two 8-byte cells
 * (runtime.h), so every place a value can be must carry all 16 bytes.
 * Each path gets values whose 16 bytes all differ (a lost high half, or
 * a half taken from the wrong cell, shows): params and results mixed with
 * scalars, locals, the operand stack under and over scalars, block params
 * and results, br/br_if/br_table with values, select, call and
 * call_indirect, memory, globals (defined, imported, exported, read and
 * written through the API), and host functions both ways — with fusion on
 * and off.
 */
#include <string.h>

#include "oxide/wasm.h"
#include "test.h"

static const char *const wat =
    "(module\n"
    "  (import \"host\" \"swap\" (func $swap (param v128 i32 v128) (result v128 i64 v128)))\n"
    "  (import \"host\" \"g\" (global $hg (mut v128)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (global $g (export \"g\") (mut v128) (v128.const i32x4 1 2 3 4))\n"
    "  (type $t (func (param v128 i32) (result i32 v128)))\n"
    "  (table funcref (elem $flip))\n"
    "  (func $flip (type $t) (local.get 1) (local.get 0))\n"
    "  (func (export \"id\") (param v128) (result v128) (local.get 0))\n"
    /* results in another order than the params, scalars between */
    "  (func (export \"mix\") (param i32 v128 i64 v128 f32) (result f32 v128 i64 v128 i32)\n"
    "    local.get 4 local.get 3 local.get 2 local.get 1 local.get 0)\n"
    /* locals between scalar ones, a tee, and a copy through the stack */
    "  (func (export \"locals\") (param $a v128) (param $b v128) (result v128 v128)\n"
    "    (local $i i32) (local $x v128) (local $j i64) (local $y v128)\n"
    "    (local.set $i (i32.const -1)) (local.set $j (i64.const -1))\n"
    "    (local.set $y (local.tee $x (local.get $a)))\n"
    "    (local.set $x (local.get $b))\n"
    "    (drop (local.get $i)) (drop (local.get $j))\n"
    "    (local.get $y) (local.get $x))\n"
    /* blocks with v128 params and results, branches carrying them */
    "  (func (export \"blocks\") (param $a v128) (param $b v128) (param $k i32) (result v128)\n"
    "    (i64.const 7) (local.get $a) (local.get $b)\n"
    "    (block $out (param i64 v128 v128) (result i64 v128 v128)\n"
    "      (block $one (param i64 v128 v128) (result i64 v128 v128)\n"
    "        (br_table $one $out (local.get $k)))\n"
    "      (br_if $out (i32.eqz (local.get $k)))\n"
    "      unreachable)\n"
    "    (local.set $a) (drop) (drop) (local.get $a))\n"
    /* select, and a loop whose back-edge carries a v128 */
    "  (func (export \"sel\") (param v128 v128 i32) (result v128)\n"
    "    (select (local.get 0) (local.get 1) (local.get 2)))\n"
    "  (func (export \"loop\") (param $a v128) (param $n i32) (result v128)\n"
    "    (local.get $a)\n"
    "    (loop $l (param v128) (result v128)\n"
    "      (i8x16.add (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1))\n"
    "      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))\n"
    "      (br_if $l)))\n"
    "  (func (export \"calls\") (param v128 i32) (result i32 v128)\n"
    "    (call $flip (local.get 0) (local.get 1))\n"
    "    (drop) (drop)\n"
    "    (call_indirect (type $t) (local.get 0) (local.get 1) (i32.const 0)))\n"
    "  (func (export \"mem\") (param v128) (result v128)\n"
    "    (v128.store offset=3 (i32.const 0) (local.get 0))\n"
    "    (v128.load offset=3 (i32.const 0)))\n"
    "  (func (export \"host\") (param v128 v128) (result v128 i64 v128)\n"
    "    (call $swap (local.get 0) (i32.const 9) (local.get 1)))\n"
    /* the two globals swap contents */
    "  (func (export \"globals\") (result v128)\n"
    "    (global.get $g) (global.get $hg) (global.set $g) (global.set $hg) (global.get $g))\n"
    "  (func (export \"const\") (result v128) (v128.const i64x2 0x0706050403020100 "
    "0x0f0e0d0c0b0a0908))\n"
    ")\n";

/* A v128 whose bytes are seed, seed+1, ..., seed+15. */
static ox_val vec(uint8_t seed)
{
    ox_val v;
    memset(&v, 0, sizeof v);
    v.type = OX_V128;
    for (int i = 0; i < 16; i++)
        v.of.v128[i] = (uint8_t)(seed + i);
    return v;
}

static int same(ox_val a, ox_val b)
{
    return a.type == OX_V128 && b.type == OX_V128 && memcmp(a.of.v128, b.of.v128, 16) == 0;
}

static int host_calls;

/* (v128 a, i32 k, v128 b) -> (b, k, a) */
static ox_error *swap(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    (void)c, (void)user;
    host_calls++;
    results[0] = args[2];
    results[1] = ox_val_i64(args[1].of.i32);
    results[2] = args[0];
    return NULL;
}

static ox_func *export_func(ox_instance *inst, const char *name)
{
    ox_extern x;
    CHECK(ox_instance_export(inst, name, &x) && x.kind == OX_EXTERN_FUNC);
    return x.of.func;
}

static void call(ox_instance *inst, const char *name, const ox_val *args, size_t n, ox_val *res,
                 size_t nr)
{
    ox_error *err = ox_func_call(export_func(inst, name), args, n, res, nr);
    CHECK(err == NULL);
    if (err)
        fprintf(stderr, "%s: %s\n", name, ox_error_message(err));
    ox_error_free(err);
}

static void run(bool fusion)
{
    ox_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.disable_fusion = !fusion;
    ox_engine *e;
    ox_store *s;
    ox_module *m = NULL;
    CHECK(!ox_engine_new(&cfg, &e));
    CHECK(!ox_store_new(e, &s));
    ox_error *err = ox_module_new(e, (const uint8_t *)wat, strlen(wat), &m);
    CHECK(err == NULL);
    if (err) {
        fprintf(stderr, "%s\n", ox_error_message(err));
        ox_error_free(err);
        return;
    }
    static const ox_valtype sp[] = {OX_V128, OX_I32, OX_V128};
    static const ox_valtype sr[] = {OX_V128, OX_I64, OX_V128};
    ox_functype ft = {3, 3, sp, sr};
    ox_func *hf = NULL;
    ox_global *hg = NULL;
    CHECK(!ox_func_new_host(s, &ft, swap, NULL, NULL, &hf));
    CHECK(!ox_global_new(s, OX_V128, true, vec(0x50), &hg));
    ox_extern imports[2] = {{OX_EXTERN_FUNC, {.func = hf}}, {OX_EXTERN_GLOBAL, {.global = hg}}};
    ox_instance *inst = NULL;
    CHECK(!ox_instance_new(s, m, imports, 2, &inst));
    if (!inst)
        return;

    ox_val a = vec(0x10), b = vec(0x80), r[5];
    call(inst, "id", &a, 1, r, 1);
    CHECK(same(r[0], a));

    ox_val mix[5] = {ox_val_i32(-5), a, ox_val_i64(0x1122334455667788), b, ox_val_f32(2.5f)};
    call(inst, "mix", mix, 5, r, 5);
    CHECK(r[0].type == OX_F32 && r[0].of.f32 == 2.5f);
    CHECK(same(r[1], b));
    CHECK(r[2].type == OX_I64 && r[2].of.i64 == 0x1122334455667788);
    CHECK(same(r[3], a));
    CHECK(r[4].type == OX_I32 && r[4].of.i32 == -5);

    ox_val ab[2] = {a, b};
    call(inst, "locals", ab, 2, r, 2);
    CHECK(same(r[0], a) && same(r[1], b));

    for (int32_t k = 0; k < 3; k++) { /* 0: $one, then br_if; 1, 2: br_table to $out */
        ox_val args[3] = {a, b, ox_val_i32(k)};
        call(inst, "blocks", args, 3, r, 1);
        CHECK(same(r[0], b));
    }

    ox_val sel[3] = {a, b, ox_val_i32(1)};
    call(inst, "sel", sel, 3, r, 1);
    CHECK(same(r[0], a));
    sel[2] = ox_val_i32(0);
    call(inst, "sel", sel, 3, r, 1);
    CHECK(same(r[0], b));

    ox_val lp[2] = {a, ox_val_i32(5)};
    call(inst, "loop", lp, 2, r, 1);
    CHECK(same(r[0], vec(0x15)));

    ox_val cl[2] = {b, ox_val_i32(42)};
    call(inst, "calls", cl, 2, r, 2);
    CHECK(r[0].type == OX_I32 && r[0].of.i32 == 42 && same(r[1], b));

    call(inst, "mem", &a, 1, r, 1);
    CHECK(same(r[0], a));
    uint8_t *mem = ox_memory_data(ox_instance_memory(inst));
    CHECK(mem && memcmp(mem + 3, a.of.v128, 16) == 0);

    host_calls = 0;
    call(inst, "host", ab, 2, r, 3);
    CHECK(host_calls == 1);
    CHECK(same(r[0], b) && r[1].type == OX_I64 && r[1].of.i64 == 9 && same(r[2], a));

    call(inst, "globals", NULL, 0, r, 1);
    CHECK(same(r[0], vec(0x50)));
    ox_val want = vec(0);
    memset(want.of.v128, 0, 16);
    for (int i = 0; i < 4; i++)
        want.of.v128[4 * i] = (uint8_t)(i + 1);
    CHECK(same(ox_global_get(hg), want)); /* the host's global got $g's value */
    ox_extern gx;
    CHECK(ox_instance_export(inst, "g", &gx) && gx.kind == OX_EXTERN_GLOBAL);
    CHECK(!ox_global_set(gx.of.global, b));
    CHECK(same(ox_global_get(gx.of.global), b));
    call(inst, "globals", NULL, 0, r, 1); /* $g = $hg, $hg = b */
    CHECK(same(r[0], want) && same(ox_global_get(hg), b));

    call(inst, "const", NULL, 0, r, 1);
    CHECK(same(r[0], vec(0)));

    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
}

int main(void)
{
    run(true);
    run(false);
    return test_summary("v128");
}
