/* func.c — functions: host functions behind the standard callbacks (with
   and without an environment), their types, and calls into the engine. */
#include <stdio.h>
#include <stdlib.h>

#include "capi.h"

enum { FEW = 8 }; /* values converted on the stack; more are allocated */

/* A host function's environment, the engine's user data for it. */
typedef struct hostfn {
    wasm_func_callback_t plain;
    wasm_func_callback_with_env_t with_env;
    void *env;
    void (*finalizer)(void *);
    wasm_store_t *store;
    uint32_t nparams, nresults;
    ox_valtype results[]; /* nresults */
} hostfn;

static void hostfn_free(void *user)
{
    hostfn *h = user;
    if (h->finalizer)
        h->finalizer(h->env);
    free(h);
}

static const char *kind_name(wasm_valkind_t k)
{
    ox_valtype t = oxc_valtype(k);
    return t ? ox_valtype_name(t) : "a kind this API does not have";
}


/* The engine calls a standard callback through this. */
static ox_error *trampoline(ox_caller *caller, void *user, const ox_val *args, ox_val *results)
{
    (void)caller;
    hostfn *h = user;
    wasm_val_t fa[FEW], fr[FEW];
    wasm_val_t *a = h->nparams <= FEW ? fa : malloc(h->nparams * sizeof *a);
    wasm_val_t *r = h->nresults <= FEW ? fr : malloc(h->nresults * sizeof *r);
    ox_error *err = NULL;
    uint32_t converted = 0;
    if (!a || !r)
        err = ox_error_new(OX_ERR_NOMEM, "out of memory calling a host function");
    for (; !err && converted < h->nparams; converted++)
        if (!oxc_val_out(h->store, &args[converted], &a[converted]))
            err = ox_error_new(OX_ERR_TRAP, "host function argument %u has no form in the standard C API (%s)",
                               converted, ox_valtype_name(args[converted].type));
    if (!err) {
        for (uint32_t i = 0; i < h->nresults; i++) {
            r[i].kind = oxc_valkind(h->results[i]);
            r[i].of.i64 = 0; /* a null reference for reference kinds */
        }
        wasm_val_vec_t av = {h->nparams, a}, rv = {h->nresults, r};
        wasm_trap_t *t = h->plain ? h->plain(&av, &rv) : h->with_env(h->env, &av, &rv);
        if (t) {
            wasm_message_t m;
            wasm_trap_message(t, &m);
            err = ox_error_new(OX_ERR_TRAP, "%s", m.size ? m.data : "host trap");
            wasm_byte_vec_delete(&m);
            wasm_trap_delete(t);
        }
        for (uint32_t i = 0; !err && i < h->nresults; i++)
            if (oxc_valtype(r[i].kind) != h->results[i] || !oxc_val_in(h->store, &r[i], &results[i]))
                err = ox_error_new(OX_ERR_TRAP, "host function result %u: expected %s, got %s%s", i,
                                   ox_valtype_name(h->results[i]), kind_name(r[i].kind),
                                   oxc_valtype(r[i].kind) == h->results[i] ? " from another store" : "");
        for (uint32_t i = 0; i < h->nresults; i++)
            wasm_val_delete(&r[i]); /* the engine keeps the objects, not the handles */
    }
    for (uint32_t i = 0; a && i < converted; i++)
        wasm_val_delete(&a[i]);
    if (a != fa)
        free(a);
    if (r != fr)
        free(r);
    return err;
}

static wasm_func_t *host_func(wasm_store_t *s, const wasm_functype_t *type, wasm_func_callback_t plain,
                              wasm_func_callback_with_env_t with_env, void *env, void (*finalizer)(void *))
{
    ox_functype ft = oxc_functype_engine(type);
    for (uint32_t i = 0; i < ft.nparams + ft.nresults; i++)
        if (!(i < ft.nparams ? ft.params[i] : ft.results[i - ft.nparams]))
            return NULL; /* a kind the engine does not know */
    hostfn *h = malloc(sizeof *h + ft.nresults * sizeof h->results[0]);
    if (!h)
        return NULL;
    *h = (hostfn){plain, with_env, env, finalizer, s, ft.nparams, ft.nresults};
    memcpy(h->results, ft.results, ft.nresults * sizeof h->results[0]);
    ox_func *f;
    ox_error *err = ox_func_new_host(s->store, &ft, trampoline, h, hostfn_free, &f);
    if (err) {
        ox_error_free(err);
        free(h);
        return NULL;
    }
    return (wasm_func_t *)oxc_handle(oxc_obj_of(s, OXC_FUNC, f));
}

wasm_func_t *wasm_func_new(wasm_store_t *s, const wasm_functype_t *type, wasm_func_callback_t cb)
{
    return host_func(s, type, cb, NULL, NULL, NULL);
}

wasm_func_t *wasm_func_new_with_env(wasm_store_t *s, const wasm_functype_t *type,
                                    wasm_func_callback_with_env_t cb, void *env, void (*finalizer)(void *))
{
    return host_func(s, type, NULL, cb, env, finalizer);
}

static ox_func *engine_func(const wasm_func_t *f)
{
    return ((const struct wasm_ref_t *)f)->obj->engine;
}

wasm_functype_t *wasm_func_type(const wasm_func_t *f)
{
    ox_externtype t = {.kind = OX_EXTERN_FUNC};
    t.u.func = *ox_func_type(engine_func(f));
    return (wasm_functype_t *)oxc_externtype_from(&t);
}

size_t wasm_func_param_arity(const wasm_func_t *f) { return ox_func_type(engine_func(f))->nparams; }
size_t wasm_func_result_arity(const wasm_func_t *f) { return ox_func_type(engine_func(f))->nresults; }

static wasm_trap_t *call_trap(const char *fmt, size_t a, const char *b)
{
    char text[256];
    snprintf(text, sizeof text, fmt, a, b);
    return oxc_trap_new(text);
}

/* Numbers on the hot path, inline; references through ref.c. */
static inline bool arg_in(wasm_store_t *s, const wasm_val_t *v, ox_val *o)
{
    switch (v->kind) {
    case WASM_I32: o->type = OX_I32; o->of.i64 = (uint32_t)v->of.i32; return true;
    case WASM_I64: o->type = OX_I64; o->of.i64 = v->of.i64; return true;
    case WASM_F32: o->type = OX_F32; o->of.i64 = 0; o->of.f32 = v->of.f32; return true;
    case WASM_F64: o->type = OX_F64; o->of.f64 = v->of.f64; return true;
    default: return oxc_val_in(s, v, o);
    }
}

static inline bool result_out(wasm_store_t *s, const ox_val *o, wasm_val_t *v)
{
    switch (o->type) {
    case OX_I32: v->kind = WASM_I32; v->of.i32 = o->of.i32; return true;
    case OX_I64: v->kind = WASM_I64; v->of.i64 = o->of.i64; return true;
    case OX_F32: v->kind = WASM_F32; v->of.f32 = o->of.f32; return true;
    case OX_F64: v->kind = WASM_F64; v->of.f64 = o->of.f64; return true;
    default: return oxc_val_out(s, o, v);
    }
}

/* Arity and types are the engine's to check: its error becomes the trap. */
wasm_trap_t *wasm_func_call(const wasm_func_t *func, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    const oxc_obj *o = ((const struct wasm_ref_t *)func)->obj;
    size_t na = args ? args->size : 0, nr = results ? results->size : 0;
    ox_val fa[FEW], fr[FEW];
    ox_val *a = na <= FEW ? fa : malloc(na * sizeof *a), *r = nr <= FEW ? fr : malloc(nr * sizeof *r);
    wasm_trap_t *trap = NULL;
    if (!a || !r)
        trap = oxc_trap_new("out of memory");
    for (size_t i = 0; !trap && i < na; i++)
        if (!arg_in(o->store, &args->data[i], &a[i]))
            trap = call_trap("argument %zu (%s) is a reference from no store of this function's",
                             i, kind_name(args->data[i].kind));
    if (!trap) {
        ox_error *err = ox_func_call(o->engine, na ? a : NULL, na, r, nr);
        if (err)
            trap = oxc_trap_from(err);
    }
    for (size_t i = 0; !trap && i < nr; i++)
        if (!result_out(o->store, &r[i], &results->data[i]))
            trap = call_trap("result %zu is a %s, which has no form in the standard C API", i,
                             ox_valtype_name(r[i].type));
    if (a != fa)
        free(a);
    if (r != fr)
        free(r);
    return trap;
}
