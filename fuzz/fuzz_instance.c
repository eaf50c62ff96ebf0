/*
 * fuzz_instance.c — libFuzzer harness: instantiate any valid module with
 * stand-in imports and call every exported function with zero arguments,
 * under a fuel budget and small memory/stack limits. Traps are fine;
 * crashes, hangs, leaks and sanitizer reports are not.
 */
#include <stdint.h>
#include <string.h>

#include "oxide/wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ox_error *stub(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    (void)c, (void)user, (void)args, (void)results; /* results arrive zeroed */
    return NULL;
}

static ox_val zero(ox_valtype t)
{
    ox_val v;
    memset(&v, 0, sizeof v);
    v.type = t;
    return v;
}

/* A stand-in for each import, made to its declared type. */
static ox_error *make_import(ox_store *s, const ox_externtype *t, ox_extern *out)
{
    out->kind = t->kind;
    switch (t->kind) {
    case OX_EXTERN_FUNC:
        return ox_func_new_host(s, &t->u.func, stub, NULL, NULL, &out->of.func);
    case OX_EXTERN_TABLE:
        return ox_table_new(s, t->u.table.elem, t->u.table.limits, zero(t->u.table.elem),
                            &out->of.table);
    case OX_EXTERN_MEMORY:
        return ox_memory_new(s, t->u.memory, &out->of.memory);
    case OX_EXTERN_GLOBAL:
        return ox_global_new(s, t->u.global.type, t->u.global.mutable_, zero(t->u.global.type),
                             &out->of.global);
    case OX_EXTERN_TAG:
        return ox_tag_new(s, &t->u.tag, &out->of.tag);
    }
    return ox_error_new(OX_ERR_ARG, "bad kind");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ox_config cfg = {.max_call_depth = 500, .max_stack_slots = 1u << 16,
                     .max_memory_pages = 64, .max_table_elems = 10000};
    ox_engine *e = NULL;
    ox_module *m = NULL;
    ox_store *s = NULL;
    ox_instance *inst = NULL;
    ox_extern imports[256];
    ox_error *err = ox_engine_new(&cfg, &e);
    if (!err)
        err = ox_module_new(e, data, size, &m);
    if (!err)
        err = ox_store_new(e, &s);
    if (err)
        goto out;
    size_t n = ox_module_import_count(m);
    if (n > 256)
        goto out;
    for (size_t i = 0; i < n && !err; i++) {
        ox_externtype t;
        ox_module_import(m, i, NULL, NULL, &t);
        err = make_import(s, &t, &imports[i]);
    }
    ox_store_set_fuel(s, 200000);
    if (!err)
        err = ox_instance_new(s, m, imports, n, &inst);
    if (err)
        goto out;
    for (size_t i = 0; i < ox_instance_export_count(inst); i++) {
        ox_extern x;
        ox_instance_export_at(inst, i, NULL, NULL, &x);
        if (x.kind != OX_EXTERN_FUNC)
            continue;
        const ox_functype *t = ox_func_type(x.of.func);
        ox_val args[32], results[32];
        if (t->nparams > 32 || t->nresults > 32)
            continue;
        for (uint32_t j = 0; j < t->nparams; j++)
            args[j] = zero(t->params[j]);
        ox_store_set_fuel(s, 200000);
        ox_error *cerr = ox_func_call(x.of.func, args, t->nparams, results, t->nresults);
        ox_error_free(cerr);
    }
out:
    ox_error_free(err);
    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
    return 0;
}
