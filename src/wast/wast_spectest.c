/*
 * wast_spectest.c — the `spectest` module that spec scripts import.
 *
 * Its contents are fixed by the spec interpreter: print functions that
 * return nothing, immutable globals holding 666 / 666.6, a funcref table of
 * 10..20 elements and a memory of 1..2 pages. Everything is created in the
 * script's store, which frees it.
 */
#include <inttypes.h>
#include <string.h>

#include "wast_internal.h"

/* Printing is off unless verbose: the suite calls print* thousands of
   times and the output would bury the failures. */
static ox_error *print_fn(ox_caller *caller, void *user, const ox_val *args, ox_val *results)
{
    (void)caller;
    (void)results;
    const ox_functype *type = user;
    if (!type) /* the quiet variant is registered with a NULL user pointer */
        return NULL;
    printf("spectest.print:");
    for (uint32_t i = 0; i < type->nparams; i++) {
        char buf[96];
        oxw_format_val(&args[i], buf, sizeof buf);
        printf(" %s", buf);
    }
    printf("\n");
    return NULL;
}

static const ox_valtype t_i32[] = {OX_I32};
static const ox_valtype t_i64[] = {OX_I64};
static const ox_valtype t_f32[] = {OX_F32};
static const ox_valtype t_f64[] = {OX_F64};
static const ox_valtype t_i32_f32[] = {OX_I32, OX_F32};
static const ox_valtype t_f64_f64[] = {OX_F64, OX_F64};

static const struct {
    const char *name;
    ox_functype type;
} print_fns[] = {
    {"print", {0, 0, NULL, NULL}},
    {"print_i32", {1, 0, t_i32, NULL}},
    {"print_i64", {1, 0, t_i64, NULL}},
    {"print_f32", {1, 0, t_f32, NULL}},
    {"print_f64", {1, 0, t_f64, NULL}},
    {"print_i32_f32", {2, 0, t_i32_f32, NULL}},
    {"print_f64_f64", {2, 0, t_f64_f64, NULL}},
};

static ox_error *define(ox_linker *l, const char *name, ox_extern ext)
{
    return ox_linker_define(l, "spectest", name, ext);
}

ox_error *oxw_define_spectest(ox_linker *linker, ox_store *store, bool verbose)
{
    ox_error *err;
    for (size_t i = 0; i < sizeof print_fns / sizeof print_fns[0]; i++) {
        ox_func *f;
        /* The type is static, so it can be the user pointer the print
           function reads its parameter count from. */
        void *user = verbose ? (void *)&print_fns[i].type : NULL;
        if ((err = ox_func_new_host(store, &print_fns[i].type, print_fn, user, NULL, &f)))
            return err;
        if ((err = define(linker, print_fns[i].name, (ox_extern){.kind = OX_EXTERN_FUNC, .of.func = f})))
            return err;
    }
    static const struct { const char *name; ox_valtype type; } globals[] = {
        {"global_i32", OX_I32}, {"global_i64", OX_I64},
        {"global_f32", OX_F32}, {"global_f64", OX_F64},
    };
    for (size_t i = 0; i < sizeof globals / sizeof globals[0]; i++) {
        ox_val v;
        switch (globals[i].type) {
        case OX_I32: v = ox_val_i32(666); break;
        case OX_I64: v = ox_val_i64(666); break;
        case OX_F32: v = ox_val_f32(666.6f); break;
        default: v = ox_val_f64(666.6); break;
        }
        ox_global *g;
        if ((err = ox_global_new(store, globals[i].type, false, v, &g)))
            return err;
        if ((err = define(linker, globals[i].name, (ox_extern){.kind = OX_EXTERN_GLOBAL, .of.global = g})))
            return err;
    }
    ox_table *t;
    ox_val null_ref;
    memset(&null_ref, 0, sizeof null_ref);
    null_ref.type = OX_FUNCREF;
    if ((err = ox_table_new(store, OX_FUNCREF, (ox_limits){10, 20, true, false}, null_ref, &t)))
        return err;
    if ((err = define(linker, "table", (ox_extern){.kind = OX_EXTERN_TABLE, .of.table = t})))
        return err;
    if ((err = ox_table_new(store, OX_FUNCREF, (ox_limits){10, 20, true, true}, null_ref, &t)))
        return err;
    if ((err = define(linker, "table64", (ox_extern){.kind = OX_EXTERN_TABLE, .of.table = t})))
        return err;
    ox_memory *m;
    if ((err = ox_memory_new(store, (ox_limits){1, 2, true, false}, &m)))
        return err;
    return define(linker, "memory", (ox_extern){.kind = OX_EXTERN_MEMORY, .of.memory = m});
}
