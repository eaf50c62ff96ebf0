/* types.c — the standard API's type objects. Extern types (function,
   global, table, memory) share one shape told apart by kind, so the
   as_externtype views are casts; import and export types pair a name (or
   two) with one. Every type is owned by its handle and copied deeply. */
#include <stdlib.h>

#include "capi.h"

/* ---- Value types --------------------------------------------------------- */

wasm_valtype_t *wasm_valtype_new(wasm_valkind_t k)
{
    wasm_valtype_t *t = oxc_must(malloc(sizeof *t));
    t->kind = k;
    return t;
}
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *t) { return t->kind; }
wasm_valtype_t *wasm_valtype_copy(const wasm_valtype_t *t) { return wasm_valtype_new(t->kind); }
void wasm_valtype_delete(wasm_valtype_t *t) { free(t); }

ox_valtype oxc_valtype(wasm_valkind_t k)
{
    switch (k) {
    case WASM_I32: return OX_I32;
    case WASM_I64: return OX_I64;
    case WASM_F32: return OX_F32;
    case WASM_F64: return OX_F64;
    case WASM_EXTERNREF: return OX_EXTERNREF;
    case WASM_FUNCREF: return OX_FUNCREF;
    default: return 0;
    }
}

wasm_valkind_t oxc_valkind(ox_valtype t)
{
    switch (t) {
    case OX_I32: return WASM_I32;
    case OX_I64: return WASM_I64;
    case OX_F32: return WASM_F32;
    case OX_F64: return WASM_F64;
    case OX_EXTERNREF: return WASM_EXTERNREF;
    case OX_FUNCREF: return WASM_FUNCREF;
    default: return 255; /* v128 and the typed references of 3.0: the standard header has no kind for them */
    }
}

/* ---- Extern types ---------------------------------------------------------- */

static wasm_externtype_t *externtype(wasm_externkind_t kind)
{
    wasm_externtype_t *t = oxc_must(calloc(1, sizeof *t));
    t->kind = kind;
    return t;
}

/* The engine's form of a function type's value types, kept with it. */
static void engine_types(wasm_externtype_t *t)
{
    size_t n = t->params.size + t->results.size;
    t->engine_types = oxc_must(malloc((n ? n : 1) * sizeof *t->engine_types));
    for (size_t i = 0; i < t->params.size; i++)
        t->engine_types[i] = oxc_valtype(t->params.data[i]->kind);
    for (size_t i = 0; i < t->results.size; i++)
        t->engine_types[t->params.size + i] = oxc_valtype(t->results.data[i]->kind);
}

wasm_functype_t *wasm_functype_new(wasm_valtype_vec_t *params, wasm_valtype_vec_t *results)
{
    wasm_externtype_t *t = externtype(WASM_EXTERN_FUNC);
    t->params = *params; /* taken */
    t->results = *results;
    engine_types(t);
    return (wasm_functype_t *)t;
}
const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *t)
{
    return &((const wasm_externtype_t *)t)->params;
}
const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *t)
{
    return &((const wasm_externtype_t *)t)->results;
}

ox_functype oxc_functype_engine(const wasm_functype_t *ft)
{
    const wasm_externtype_t *t = (const wasm_externtype_t *)ft;
    return (ox_functype){(uint32_t)t->params.size, (uint32_t)t->results.size, t->engine_types,
                         t->engine_types + t->params.size};
}

wasm_globaltype_t *wasm_globaltype_new(wasm_valtype_t *content, wasm_mutability_t m)
{
    wasm_externtype_t *t = externtype(WASM_EXTERN_GLOBAL);
    t->content = content;
    t->mutability = m;
    return (wasm_globaltype_t *)t;
}
const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *t)
{
    return ((const wasm_externtype_t *)t)->content;
}
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *t)
{
    return ((const wasm_externtype_t *)t)->mutability;
}

wasm_tabletype_t *wasm_tabletype_new(wasm_valtype_t *elem, const wasm_limits_t *limits)
{
    wasm_externtype_t *t = externtype(WASM_EXTERN_TABLE);
    t->content = elem;
    t->limits = *limits;
    return (wasm_tabletype_t *)t;
}
const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *t)
{
    return ((const wasm_externtype_t *)t)->content;
}
const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *t)
{
    return &((const wasm_externtype_t *)t)->limits;
}

wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *limits)
{
    wasm_externtype_t *t = externtype(WASM_EXTERN_MEMORY);
    t->limits = *limits;
    return (wasm_memorytype_t *)t;
}
const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *t)
{
    return &((const wasm_externtype_t *)t)->limits;
}

wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *t) { return t->kind; }

wasm_externtype_t *wasm_externtype_copy(const wasm_externtype_t *t)
{
    wasm_externtype_t *c = externtype(t->kind);
    wasm_valtype_vec_copy(&c->params, &t->params);
    wasm_valtype_vec_copy(&c->results, &t->results);
    c->content = t->content ? wasm_valtype_copy(t->content) : NULL;
    c->mutability = t->mutability;
    c->limits = t->limits;
    if (t->kind == WASM_EXTERN_FUNC)
        engine_types(c);
    return c;
}

void wasm_externtype_delete(wasm_externtype_t *t)
{
    if (!t)
        return;
    wasm_valtype_vec_delete(&t->params);
    wasm_valtype_vec_delete(&t->results);
    wasm_valtype_delete(t->content);
    free(t->engine_types);
    free(t);
}

/* Each of the four kinds: its copy and delete are the extern type's, and
   its views are casts checked by kind. */
#define OXC_EXTERNTYPE_KIND(X, KIND)                                                               \
    wasm_##X##_t *wasm_##X##_copy(const wasm_##X##_t *t)                                           \
    {                                                                                              \
        return (wasm_##X##_t *)wasm_externtype_copy((const wasm_externtype_t *)t);                 \
    }                                                                                              \
    void wasm_##X##_delete(wasm_##X##_t *t) { wasm_externtype_delete((wasm_externtype_t *)t); }    \
    wasm_externtype_t *wasm_##X##_as_externtype(wasm_##X##_t *t) { return (wasm_externtype_t *)t; }\
    const wasm_externtype_t *wasm_##X##_as_externtype_const(const wasm_##X##_t *t)                 \
    {                                                                                              \
        return (const wasm_externtype_t *)t;                                                       \
    }                                                                                              \
    wasm_##X##_t *wasm_externtype_as_##X(wasm_externtype_t *t)                                     \
    {                                                                                              \
        return t && t->kind == KIND ? (wasm_##X##_t *)t : NULL;                                    \
    }                                                                                              \
    const wasm_##X##_t *wasm_externtype_as_##X##_const(const wasm_externtype_t *t)                 \
    {                                                                                              \
        return t && t->kind == KIND ? (const wasm_##X##_t *)t : NULL;                              \
    }
OXC_EXTERNTYPE_KIND(functype, WASM_EXTERN_FUNC)
OXC_EXTERNTYPE_KIND(globaltype, WASM_EXTERN_GLOBAL)
OXC_EXTERNTYPE_KIND(tabletype, WASM_EXTERN_TABLE)
OXC_EXTERNTYPE_KIND(memorytype, WASM_EXTERN_MEMORY)

static wasm_limits_t limits_from(ox_limits l)
{
    return (wasm_limits_t){l.min, l.has_max ? l.max : wasm_limits_max_default};
}

wasm_externtype_t *oxc_externtype_from(const ox_externtype *e)
{
    switch (e->kind) {
    case OX_EXTERN_FUNC: {
        wasm_valtype_vec_t p, r;
        wasm_valtype_vec_new_uninitialized(&p, e->u.func.nparams);
        wasm_valtype_vec_new_uninitialized(&r, e->u.func.nresults);
        for (uint32_t i = 0; i < e->u.func.nparams; i++)
            p.data[i] = wasm_valtype_new(oxc_valkind(e->u.func.params[i]));
        for (uint32_t i = 0; i < e->u.func.nresults; i++)
            r.data[i] = wasm_valtype_new(oxc_valkind(e->u.func.results[i]));
        return (wasm_externtype_t *)wasm_functype_new(&p, &r);
    }
    case OX_EXTERN_GLOBAL:
        return (wasm_externtype_t *)wasm_globaltype_new(wasm_valtype_new(oxc_valkind(e->u.global.type)),
                                                        e->u.global.mutable_ ? WASM_VAR : WASM_CONST);
    case OX_EXTERN_TABLE: {
        wasm_limits_t l = limits_from(e->u.table.limits);
        return (wasm_externtype_t *)wasm_tabletype_new(wasm_valtype_new(oxc_valkind(e->u.table.elem)), &l);
    }
    case OX_EXTERN_MEMORY: {
        wasm_limits_t l = limits_from(e->u.memory);
        return (wasm_externtype_t *)wasm_memorytype_new(&l);
    }
    case OX_EXTERN_TAG: /* no such kind in the standard API (wasm_module_new refuses them) */
        break;
    }
    return NULL;
}

/* ---- Import and export types ---------------------------------------------- */

struct wasm_importtype_t {
    wasm_name_t module, name;
    wasm_externtype_t *type;
};

wasm_importtype_t *wasm_importtype_new(wasm_name_t *module, wasm_name_t *name, wasm_externtype_t *type)
{
    wasm_importtype_t *t = oxc_must(malloc(sizeof *t));
    t->module = *module;
    t->name = *name;
    t->type = type;
    return t;
}
const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *t) { return &t->module; }
const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *t) { return &t->name; }
const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *t) { return t->type; }
wasm_importtype_t *wasm_importtype_copy(const wasm_importtype_t *t)
{
    wasm_name_t m, n;
    wasm_name_copy(&m, &t->module);
    wasm_name_copy(&n, &t->name);
    return wasm_importtype_new(&m, &n, wasm_externtype_copy(t->type));
}
void wasm_importtype_delete(wasm_importtype_t *t)
{
    if (!t)
        return;
    wasm_name_delete(&t->module);
    wasm_name_delete(&t->name);
    wasm_externtype_delete(t->type);
    free(t);
}

struct wasm_exporttype_t {
    wasm_name_t name;
    wasm_externtype_t *type;
};

wasm_exporttype_t *wasm_exporttype_new(wasm_name_t *name, wasm_externtype_t *type)
{
    wasm_exporttype_t *t = oxc_must(malloc(sizeof *t));
    t->name = *name;
    t->type = type;
    return t;
}
const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *t) { return &t->name; }
const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *t) { return t->type; }
wasm_exporttype_t *wasm_exporttype_copy(const wasm_exporttype_t *t)
{
    wasm_name_t n;
    wasm_name_copy(&n, &t->name);
    return wasm_exporttype_new(&n, wasm_externtype_copy(t->type));
}
void wasm_exporttype_delete(wasm_exporttype_t *t)
{
    if (!t)
        return;
    wasm_name_delete(&t->name);
    wasm_externtype_delete(t->type);
    free(t);
}
