/*
 * diff_exec.c — run a module the way binaryen's `wasm-opt --fuzz-exec-before`
 * does, printing the same lines, so scripts/difftest can compare Oxide with
 * binaryen's interpreter on random modules from `wasm-opt -ttf`.
 *
 * Every exported function is called in export order with zero arguments,
 * after resetting the hang limit (binaryen calls the module's
 * `hangLimitInitializer` export before each call).
 * The `fuzzing-support` imports log their argument. A trap prints
 * "[trap MESSAGE]" and the run goes on with the next export, as binaryen's
 * does. Any other import is refused. `--tier jit` runs it compiled.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oxide/wasm.h"

static void print_val(const ox_val *v)
{
    switch (v->type) {
    case OX_I32: printf("%" PRId32, v->of.i32); break;
    case OX_I64: printf("%" PRId64, v->of.i64); break;
    case OX_F32: printf("%.9g", (double)v->of.f32); break;
    case OX_F64: printf("%.17g", v->of.f64); break;
    case OX_FUNCREF: printf(v->of.funcref ? "funcref" : "null"); break;
    case OX_EXTERNREF: printf(v->of.externref ? "externref" : "null"); break;
    default: printf("?"); break;
    }
}

static ox_error *log_value(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    (void)c, (void)user, (void)results;
    printf("[LoggingExternalInterface logging ");
    if (args[0].type == OX_I64) /* binaryen logs an i64 as its two halves */
        printf("%" PRId32 " %" PRId32, (int32_t)args[0].of.i64,
               (int32_t)(args[0].of.i64 >> 32));
    else
        print_val(&args[0]);
    printf("]\n");
    return NULL;
}

static int define_imports(ox_store *s, ox_linker *l, const ox_module *m)
{
    for (size_t i = 0; i < ox_module_import_count(m); i++) {
        const char *mod, *name;
        ox_externtype t;
        ox_module_import(m, i, &mod, &name, &t);
        if (strcmp(mod, "fuzzing-support") || t.kind != OX_EXTERN_FUNC ||
            strncmp(name, "log-", 4) || t.u.func.nparams != 1 || t.u.func.nresults != 0) {
            fprintf(stderr, "diff_exec: unsupported import %s.%s\n", mod, name);
            return -1;
        }
        ox_func *f;
        ox_error *err = ox_func_new_host(s, &t.u.func, log_value, NULL, NULL, &f);
        if (!err)
            err = ox_linker_define(l, mod, name, (ox_extern){.kind = OX_EXTERN_FUNC, .of.func = f});
        if (err) {
            fprintf(stderr, "diff_exec: %s\n", ox_error_message(err));
            ox_error_free(err);
            return -1;
        }
    }
    return 0;
}

static void call_export(ox_func *f, const char *name)
{
    const ox_functype *t = ox_func_type(f);
    ox_val args[64], results[64];
    if (t->nparams > 64 || t->nresults > 64)
        return;
    for (uint32_t i = 0; i < t->nparams; i++) {
        memset(&args[i], 0, sizeof args[i]);
        args[i].type = t->params[i];
    }
    printf("[fuzz-exec] calling %s\n", name);
    fflush(stdout);
    ox_error *err = ox_func_call(f, args, t->nparams, results, t->nresults);
    if (err) {
        printf("[trap %s]\n", ox_error_message(err));
        ox_error_free(err);
        return;
    }
    if (t->nresults == 0)
        return;
    /* One result prints bare, several as binaryen's tuple "(a, b)". */
    printf("[fuzz-exec] note result: %s => %s", name, t->nresults > 1 ? "(" : "");
    for (uint32_t i = 0; i < t->nresults; i++) {
        if (i)
            printf(", ");
        print_val(&results[i]);
    }
    printf("%s\n", t->nresults > 1 ? ")" : "");
}

int main(int argc, char **argv)
{
    /* --tier jit|auto|osr: the same run by the compiling tier (scripts/difftest
       --tier; osr: ox_config.jit_osr_test), compared with the same reference */
    ox_config cfg = {.tier = OX_TIER_INTERP};
    if (argc == 4 && !strcmp(argv[1], "--tier")) {
        cfg.tier = !strcmp(argv[2], "jit") || !strcmp(argv[2], "osr") ? OX_TIER_JIT
                   : !strcmp(argv[2], "auto")                          ? OX_TIER_AUTO
                                                                       : OX_TIER_INTERP;
        cfg.jit_osr_test = !strcmp(argv[2], "osr");
        argv += 2;
        argc -= 2;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: ox_diffexec [--tier interp|jit|auto|osr] FILE.wasm\n");
        return 2;
    }
    ox_engine *e = NULL;
    ox_module *m = NULL;
    ox_store *s = NULL;
    ox_linker *l = NULL;
    ox_instance *inst = NULL;
    int rc = 1;
    ox_error *err = ox_engine_new(&cfg, &e);
    if (!err)
        err = ox_module_load_file(e, argv[1], &m);
    if (!err)
        err = ox_store_new(e, &s);
    if (!err)
        err = ox_linker_new(&l);
    if (err)
        goto out;
    if (define_imports(s, l, m) != 0)
        goto out;
    err = ox_linker_instantiate(l, s, m, &inst);
    if (err)
        goto out;
    ox_extern hang;
    bool has_hang = ox_instance_export(inst, "hangLimitInitializer", &hang) &&
                    hang.kind == OX_EXTERN_FUNC;
    for (size_t i = 0; i < ox_instance_export_count(inst); i++) {
        const char *name;
        ox_extern x;
        ox_instance_export_at(inst, i, &name, NULL, &x);
        if (x.kind != OX_EXTERN_FUNC)
            continue;
        if (has_hang) {
            ox_error *herr = ox_func_call(hang.of.func, NULL, 0, NULL, 0);
            ox_error_free(herr);
        }
        call_export(x.of.func, name);
    }
    rc = 0;
out:
    if (err) {
        fprintf(stderr, "diff_exec: %s\n", ox_error_message(err));
        ox_error_free(err);
    }
    ox_linker_free(l);
    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
    return rc;
}
