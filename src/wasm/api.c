/*
 * api.c — functions, callers and the end of a store, as the embedder sees
 * them: the top of the engine, which may call every stage below.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "gc.h"
#include "jit.h"
#include "runtime.h"

/* ---- functions -------------------------------------------------------- */

_Static_assert(sizeof(ox_raw) == sizeof(ox_slot), "a raw value is a cell");

/* A host function calling fn (tagged values) or raw (cells). */
static ox_error *new_host(ox_store *s, const ox_functype *type, ox_host_fn fn, ox_host_raw_fn raw,
                          void *user, void (*finalize)(void *), ox_func **out)
{
    ox_func *f = calloc(1, sizeof *f);
    ox_functype *t = ox_functype_dup(type);
    ox_error *err = NULL;
    if (!f || !t) {
        err = ox_error_new(OX_ERR_NOMEM, "out of memory");
        goto fail;
    }
    f->type = t;
    f->type_id = ox_store_type_id(s, t, &err);
    if (err)
        goto fail;
    f->store = s;
    f->host = fn;
    f->host_raw = raw;
    f->enter = ox_exec_host_enter;
    f->user = user;
    f->finalize = finalize;
    if ((err = ox_ptrvec_push(&s->funcs, f)) != NULL)
        goto fail;
    *out = f;
    return NULL;
fail:
    free(t);
    free(f);
    return err;
}

ox_error *ox_func_new_host(ox_store *s, const ox_functype *type, ox_host_fn fn, void *user,
                           void (*finalize)(void *), ox_func **out)
{
    if (out)
        *out = NULL;
    if (!s || !type || !fn || !out)
        return ox_error_new(OX_ERR_ARG, "ox_func_new_host: missing store, type, callback or out");
    return new_host(s, type, fn, NULL, user, finalize, out);
}

ox_error *ox_func_new_host_raw(ox_store *s, const ox_functype *type, ox_host_raw_fn fn, void *user,
                               void (*finalize)(void *), ox_func **out)
{
    if (out)
        *out = NULL;
    if (!s || !type || !fn || !out)
        return ox_error_new(OX_ERR_ARG, "ox_func_new_host_raw: missing store, type, callback or out");
    return new_host(s, type, NULL, fn, user, finalize, out);
}

const ox_functype *ox_func_type(const ox_func *f) { return f->type; }

/* The hierarchy a reference type belongs to (func, extern, any, exn), in
   f's module's indices. */
static ox_heaptype top_of(const ox_func *f, ox_valtype t)
{
    ox_heaptype h = ox_ref_heap(t);
    if (ox_heap_is_concrete(h))
        return f->inst ? ox_heap_top(f->inst->module, h) : OX_HT_ANY;
    return ox_abstract_top(h);
}

/* An argument for a parameter of type want: a number of that type, or a
   reference of its hierarchy that the parameter admits: null only when
   nullable, and a function of a subtype of a concrete function type. */
static bool arg_fits(const ox_func *f, const ox_val *v, ox_valtype want)
{
    if (!ox_is_reftype(want) || !ox_is_reftype(v->type))
        return v->type == want;
    if (top_of(f, v->type) != top_of(f, want))
        return false;
    if (!v->of.anyref)
        return ox_ref_nullable(want);
    ox_heaptype h = ox_ref_heap(want);
    if (ox_heap_is_concrete(h) && top_of(f, want) == OX_HT_FUNC) {
        const ox_func *g = v->of.funcref;
        return g->store == f->store &&
               ox_typereg_sub(&f->store->typereg, g->type_id,
                              f->inst->type_ids[ox_ref_typeidx(h)]);
    }
    return !ox_heap_is_concrete(h) || v->type == want;
}

ox_error *ox_func_call(ox_func *f, const ox_val *args, size_t nargs, ox_val *results,
                       size_t nresults)
{
    if (!f)
        return ox_error_new(OX_ERR_ARG, "ox_func_call: null function");
    const ox_functype *t = f->type;
    if (nargs != t->nparams)
        return ox_error_new(OX_ERR_ARG, "function takes %u arguments, %zu given", t->nparams,
                            nargs);
    if (nresults != t->nresults)
        return ox_error_new(OX_ERR_ARG, "function returns %u results, room for %zu given",
                            t->nresults, nresults);
    for (uint32_t i = 0; i < t->nparams; i++)
        if (!arg_fits(f, &args[i], t->params[i])) {
            char a[48], b[48];
            return ox_error_new(OX_ERR_ARG, "argument %u has type %s, expected %s", i + 1,
                                ox_valtype_str(args[i].type, a, sizeof a),
                                ox_valtype_str(t->params[i], b, sizeof b));
        }
    ox_store_call_begin(f->store);
    ox_error *err = ox_exec_call(f->store, f, args, results);
    ox_store_call_end(f->store);
    return err;
}

/* ---- callers ---------------------------------------------------------- */

ox_memory *ox_caller_memory(ox_caller *c)
{
    return c && c->inst ? ox_instance_memory(c->inst) : NULL;
}

ox_store *ox_caller_store(ox_caller *c) { return c ? c->store : NULL; }

ox_error *ox_caller_interrupted(ox_caller *c)
{
    ox_trap why = c && c->store ? ox_store_should_stop(c->store) : OX_TRAP_NONE;
    /* "trap in host: interrupted" or "...: deadline exceeded" */
    return why == OX_TRAP_NONE ? NULL : ox_trap_error(why, NULL, 0);
}

bool ox_caller_export(ox_caller *c, const char *name, ox_extern *out)
{
    return c && c->inst && ox_instance_export(c->inst, name, out);
}

void ox_store_free(ox_store *s)
{
    if (!s)
        return;
    if (s->armed) /* freed inside its own call: the watchdog must forget it */
        ox_watchdog_disarm(s->engine->watchdog, s);
    if (s->exec)
        ox_exec_free(s->exec);
    for (size_t i = 0; i < s->instances.n; i++)
        ox_instance_destroy(s->instances.v[i]);
    for (size_t i = 0; i < s->funcs.n; i++) {
        ox_func *f = s->funcs.v[i];
        if (f->finalize)
            f->finalize(f->user);
        free((void *)f->type);
        free(f);
    }
    for (size_t i = 0; i < s->memories.n; i++) {
        ox_memory *m = s->memories.v[i];
        ox_os_release(m->data, m->reserved);
        free(m);
    }
    for (size_t i = 0; i < s->tables.n; i++) {
        ox_table *t = s->tables.v[i];
        free(t->elems);
        free(t);
    }
    for (size_t i = 0; i < s->globals.n; i++)
        free(s->globals.v[i]);
    ox_gc_free(s);
    ox_typereg_free(&s->typereg);
    for (size_t i = 0; i < s->tags.n; i++) {
        ox_tag *t = s->tags.v[i];
        free((void *)t->type);
        free(t);
    }
    for (size_t i = 0; i < s->exns.n; i++)
        free(s->exns.v[i]);
    free(s->instances.v);
    free(s->funcs.v);
    free(s->memories.v);
    free(s->tables.v);
    free(s->globals.v);
    free(s->tags.v);
    free(s->exns.v);
    free(s);
}

bool ox_jit_available(void) { return ox_jit_built(); }

bool ox_func_is_compiled(const ox_func *f) { return f && f->native != NULL; }

const ox_error *ox_module_jit_error(const ox_module *m)
{
    return m && atomic_load(&m->tier_state) == 2 ? m->jit_error : NULL;
}

size_t ox_module_compiled_funcs(const ox_module *m, size_t *total)
{
    size_t n = 0, ndef = m->nfuncs - m->nimport_funcs;
    for (size_t d = 0; d < ndef; d++)
        n += m->funcs[d].native != NULL;
    if (total)
        *total = ndef;
    return n;
}
