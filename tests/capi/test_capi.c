/* test_capi.c — the standard C API where the upstream examples do not go:
   bad modules and serialized forms, calls with the wrong arity or types, a
   host callback answering the wrong kind, references across stores, v128,
   tables out of bounds, host info shared by every handle of an object and
   its finalizer run once, when the store goes; and Oxide's extension
   (wasm_oxide.h): each tier and a call-depth limit set through it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"
#include "wasm_oxide.h"

static int failures;
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c);                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static wasm_module_t *module_of(wasm_store_t *s, const char *wat)
{
    wasm_byte_vec_t text;
    wasm_byte_vec_new(&text, strlen(wat), wat);
    wasm_module_t *m = wasm_module_new(s, &text);
    wasm_byte_vec_delete(&text);
    return m;
}

/* The trap's message contains want; the trap is deleted. */
static void trap_says(wasm_trap_t *t, const char *want)
{
    CHECK(t != NULL);
    if (!t)
        return;
    wasm_message_t m;
    wasm_trap_message(t, &m);
    CHECK(m.size > 0 && m.data[m.size - 1] == 0);
    if (!strstr(m.data, want)) {
        fprintf(stderr, "  trap \"%s\" does not say \"%s\"\n", m.data, want);
        failures++;
    }
    wasm_byte_vec_delete(&m);
    wasm_trap_delete(t);
}

static wasm_trap_t *wrong_kind(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    (void)args;
    results->data[0].kind = WASM_I64; /* the type says i32 */
    results->data[0].of.i64 = 1;
    return NULL;
}

static int finalized;
static void count_finalize(void *p)
{
    (void)p;
    finalized++;
}

static void modules(wasm_store_t *s)
{
    wasm_byte_vec_t junk;
    wasm_byte_vec_new(&junk, 8, "\0asm\2\0\0\0");
    CHECK(!wasm_module_new(s, &junk));
    CHECK(!wasm_module_validate(s, &junk));
    CHECK(!wasm_module_deserialize(s, &junk)); /* not the serialized form */
    wasm_byte_vec_delete(&junk);

    wasm_module_t *m = module_of(s, "(module (import \"env\" \"g\" (global i64))"
                                    " (func (export \"f\") (param i32) (result i32) local.get 0))");
    CHECK(m != NULL);
    if (!m)
        return;
    wasm_byte_vec_t ser;
    wasm_module_serialize(m, &ser);
    wasm_module_t *back = wasm_module_deserialize(s, &ser);
    CHECK(back != NULL);
    ser.data[ser.size - 1] ^= 0x55; /* a damaged form is refused, not misread */
    wasm_module_t *bad = wasm_module_deserialize(s, &ser);
    wasm_module_delete(bad);
    wasm_byte_vec_delete(&ser);
    wasm_importtype_vec_t imports;
    wasm_exporttype_vec_t exports;
    wasm_module_imports(back, &imports);
    wasm_module_exports(back, &exports);
    CHECK(imports.size == 1 && exports.size == 1);
    if (imports.size == 1) {
        const wasm_externtype_t *t = wasm_importtype_type(imports.data[0]);
        CHECK(wasm_externtype_kind(t) == WASM_EXTERN_GLOBAL);
        const wasm_globaltype_t *g = wasm_externtype_as_globaltype_const(t);
        CHECK(g && wasm_valtype_kind(wasm_globaltype_content(g)) == WASM_I64);
        CHECK(!wasm_externtype_as_functype_const(t));
    }
    if (exports.size == 1) {
        const wasm_functype_t *f = wasm_externtype_as_functype_const(wasm_exporttype_type(exports.data[0]));
        CHECK(f && wasm_functype_params(f)->size == 1 && wasm_functype_results(f)->size == 1);
    }
    wasm_importtype_vec_delete(&imports);
    wasm_exporttype_vec_delete(&exports);
    wasm_trap_t *trap = NULL;
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    CHECK(!wasm_instance_new(s, back, &none, &trap)); /* its import is missing */
    CHECK(trap != NULL);
    wasm_trap_delete(trap);
    wasm_module_delete(back);
    wasm_module_delete(m);
}

static void calls(wasm_store_t *s, wasm_store_t *other)
{
    wasm_module_t *m = module_of(s, "(module (func (export \"id\") (param externref) (result externref) local.get 0)"
                                    " (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)"
                                    " (func (export \"v\") (result v128) v128.const i64x2 1 2)"
                                    " (table (export \"t\") 2 funcref))");
    wasm_extern_vec_t none = WASM_EMPTY_VEC, ex;
    wasm_instance_t *inst = m ? wasm_instance_new(s, m, &none, NULL) : NULL;
    CHECK(inst != NULL);
    if (!inst)
        return;
    wasm_instance_exports(inst, &ex);
    CHECK(ex.size == 4);
    if (ex.size != 4)
        return;
    const wasm_func_t *id = wasm_extern_as_func(ex.data[0]), *add = wasm_extern_as_func(ex.data[1]);
    const wasm_func_t *v = wasm_extern_as_func(ex.data[2]);
    wasm_table_t *t = wasm_extern_as_table(ex.data[3]);
    CHECK(id && add && v && t && !wasm_extern_as_memory(ex.data[0]));

    wasm_val_t a1[1] = {WASM_I32_VAL(1)}, r1[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a1), res = WASM_ARRAY_VEC(r1);
    trap_says(wasm_func_call(add, &args, &res), "argument"); /* one argument for two */
    wasm_val_t a2[2] = {WASM_I32_VAL(1), WASM_F64_VAL(2.0)};
    wasm_val_vec_t args2 = WASM_ARRAY_VEC(a2);
    trap_says(wasm_func_call(add, &args2, &res), "");      /* f64 for i32: the engine says so */
    wasm_val_vec_t empty = WASM_EMPTY_VEC;
    trap_says(wasm_func_call(v, &empty, &res), "v128");    /* no kind for v128 here */

    /* a reference: through the guest and back, the same object */
    wasm_foreign_t *f = wasm_foreign_new(s);
    wasm_foreign_set_host_info_with_finalizer(f, (void *)7, count_finalize);
    wasm_val_t ar[1] = {WASM_REF_VAL(wasm_foreign_as_ref(f))}, rr[1] = {WASM_INIT_VAL};
    wasm_val_vec_t argr = WASM_ARRAY_VEC(ar), resr = WASM_ARRAY_VEC(rr);
    CHECK(!wasm_func_call(id, &argr, &resr));
    CHECK(rr[0].of.ref && wasm_ref_same(rr[0].of.ref, wasm_foreign_as_ref(f)));
    CHECK(rr[0].of.ref && wasm_ref_get_host_info(rr[0].of.ref) == (void *)7);
    wasm_val_delete(&rr[0]);
    /* ...but not one of another store */
    wasm_foreign_t *alien = wasm_foreign_new(other);
    ar[0].of.ref = wasm_foreign_as_ref(alien);
    trap_says(wasm_func_call(id, &argr, &resr), "reference");
    wasm_foreign_delete(alien);
    wasm_foreign_delete(f);
    CHECK(finalized == 0); /* the store's object lives on */

    /* tables: a function in, the same function out; out of bounds is NULL */
    CHECK(wasm_table_size(t) == 2);
    CHECK(wasm_table_set(t, 1, wasm_func_as_ref((wasm_func_t *)add)));
    wasm_ref_t *got = wasm_table_get(t, 1);
    CHECK(got && wasm_ref_same(got, wasm_func_as_ref_const(add)));
    wasm_ref_delete(got);
    CHECK(!wasm_table_get(t, 2));
    CHECK(!wasm_table_set(t, 2, NULL));
    CHECK(wasm_table_grow(t, 3, NULL) && wasm_table_size(t) == 5);

    /* a host function answering the wrong kind traps, naming both */
    wasm_functype_t *ft = wasm_functype_new_0_1(wasm_valtype_new_i32());
    wasm_func_t *hf = wasm_func_new(s, ft, wrong_kind);
    wasm_functype_delete(ft);
    wasm_val_t r2[1] = {WASM_INIT_VAL};
    wasm_val_vec_t res2 = WASM_ARRAY_VEC(r2);
    trap_says(wasm_func_call(hf, &empty, &res2), "expected i32, got i64");
    CHECK(wasm_func_param_arity(hf) == 0 && wasm_func_result_arity(hf) == 1);
    wasm_func_delete(hf);

    wasm_extern_vec_delete(&ex);
    wasm_instance_delete(inst);
    wasm_module_delete(m);
}

static void globals_and_memories(wasm_store_t *s)
{
    wasm_globaltype_t *gt = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_CONST);
    wasm_val_t seven = WASM_I64_VAL(7), wrong = WASM_I32_VAL(7), out;
    CHECK(!wasm_global_new(s, gt, &wrong)); /* the value's kind must be the type's */
    wasm_global_t *g = wasm_global_new(s, gt, &seven);
    wasm_globaltype_delete(gt);
    CHECK(g != NULL);
    wasm_val_t eight = WASM_I64_VAL(8);
    wasm_global_set(g, &eight); /* immutable: left as it was */
    wasm_global_get(g, &out);
    CHECK(out.kind == WASM_I64 && out.of.i64 == 7);
    wasm_global_delete(g);

    wasm_limits_t l = {1, 2};
    wasm_memorytype_t *mt = wasm_memorytype_new(&l);
    wasm_memory_t *mem = wasm_memory_new(s, mt);
    wasm_memorytype_delete(mt);
    CHECK(mem && wasm_memory_size(mem) == 1 && wasm_memory_data_size(mem) == MEMORY_PAGE_SIZE);
    CHECK(wasm_memory_grow(mem, 1) && !wasm_memory_grow(mem, 1)); /* the maximum holds */
    wasm_memorytype_t *back = wasm_memory_type(mem);
    CHECK(wasm_memorytype_limits(back)->max == 2);
    wasm_memorytype_delete(back);
    wasm_memory_delete(mem);
}

/* r(n) recurses n deep; r(n) = n. */
static const char *const recursive =
    "(module (func $r (export \"r\") (param i32) (result i32)"
    "  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))"
    "    (else (i32.add (call $r (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))";

/* r(n) on an engine made with `tier` and a depth limit of 50 frames:
   the answer below it, "call stack exhausted" above, the same in every tier. */
static void tier_and_depth(ox_tier tier)
{
    wasm_config_t *c = wasm_config_new();
    ox_config *oc = wasm_config_oxide(c);
    CHECK(oc && oc->tier == OX_TIER_INTERP && oc->max_call_depth == 0); /* the defaults */
    oc->tier = tier;
    oc->max_call_depth = 50;
    wasm_engine_t *e = wasm_engine_new_with_config(c); /* takes c */
    if (tier == OX_TIER_JIT && !ox_jit_available()) {
        CHECK(e == NULL); /* refused, not approximated */
        return;
    }
    CHECK(e != NULL);
    if (!e)
        return;
    wasm_store_t *s = wasm_store_new(e);
    wasm_module_t *m = module_of(s, recursive);
    wasm_extern_vec_t imports = WASM_EMPTY_VEC, exports = WASM_EMPTY_VEC;
    wasm_instance_t *inst = m ? wasm_instance_new(s, m, &imports, NULL) : NULL;
    CHECK(inst != NULL);
    if (inst) {
        wasm_instance_exports(inst, &exports);
        const wasm_func_t *r = wasm_extern_as_func(exports.data[0]);
        wasm_val_t args[1] = {WASM_I32_VAL(40)}, res[1] = {WASM_INIT_VAL};
        wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(res);
        wasm_trap_t *t = wasm_func_call(r, &av, &rv);
        CHECK(!t && res[0].kind == WASM_I32 && res[0].of.i32 == 40);
        if (t)
            wasm_trap_delete(t);
        args[0].of.i32 = 60;
        trap_says(wasm_func_call(r, &av, &rv), "call stack exhausted");
        wasm_extern_vec_delete(&exports);
        wasm_instance_delete(inst);
    }
    if (m)
        wasm_module_delete(m);
    wasm_store_delete(s);
    wasm_engine_delete(e);
}

int main(void)
{
    CHECK(wasm_config_oxide(NULL) == NULL);
    tier_and_depth(OX_TIER_INTERP);
    tier_and_depth(OX_TIER_JIT);
    tier_and_depth(OX_TIER_AUTO);
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *s = wasm_store_new(engine), *other = wasm_store_new(engine);
    modules(s);
    calls(s, other);
    globals_and_memories(s);
    wasm_store_delete(other);
    CHECK(finalized == 0);
    wasm_store_delete(s);
    CHECK(finalized == 1); /* once, when its store went */
    wasm_engine_delete(engine);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures != 0;
}
