/* extern.c — globals, tables and memories on the engine's, and the four
   external kinds (with functions) viewed as one: wasm_extern_t. */
#include <stdlib.h>

#include "capi.h"

static void *engine_of(const void *handle) { return ((const struct wasm_ref_t *)handle)->obj->engine; }
static wasm_store_t *store_of(const void *handle) { return ((const struct wasm_ref_t *)handle)->obj->store; }

static ox_limits limits_in(const wasm_limits_t *l)
{
    return (ox_limits){l->min, l->max, l->max != wasm_limits_max_default, false};
}

static wasm_limits_t limits_out(ox_limits l)
{
    return (wasm_limits_t){l.min, l.has_max ? l.max : wasm_limits_max_default};
}

static struct wasm_ref_t *new_handle(wasm_store_t *s, oxc_kind kind, void *engine)
{
    return oxc_handle(oxc_obj_of(s, kind, engine));
}

/* ---- Globals ------------------------------------------------------------------- */

wasm_global_t *wasm_global_new(wasm_store_t *s, const wasm_globaltype_t *type, const wasm_val_t *init)
{
    const wasm_externtype_t *t = (const wasm_externtype_t *)type;
    ox_val v;
    ox_global *g;
    if (init->kind != t->content->kind || !oxc_val_in(s, init, &v))
        return NULL;
    ox_error *err = ox_global_new(s->store, v.type, t->mutability == WASM_VAR, v, &g);
    if (err) {
        ox_error_free(err);
        return NULL;
    }
    return (wasm_global_t *)new_handle(s, OXC_GLOBAL, g);
}

wasm_globaltype_t *wasm_global_type(const wasm_global_t *h)
{
    const ox_global *g = engine_of(h);
    return wasm_globaltype_new(wasm_valtype_new(oxc_valkind(ox_global_type(g))),
                               ox_global_mutable(g) ? WASM_VAR : WASM_CONST);
}

/* A v128 global reads as kind 255 and zero: the API has no kind for it. */
void wasm_global_get(const wasm_global_t *h, wasm_val_t *out)
{
    ox_val v = ox_global_get(engine_of(h));
    oxc_val_out(store_of(h), &v, out);
}

/* A mistyped value or an immutable global leaves the global as it was:
   the API has no error channel here. */
void wasm_global_set(wasm_global_t *h, const wasm_val_t *val)
{
    ox_val v;
    if (oxc_val_in(store_of(h), val, &v))
        ox_error_free(ox_global_set(engine_of(h), v));
}

/* ---- Tables -------------------------------------------------------------------- */

/* A reference as a value of the table's element type; false when it is of
   another kind or store. */
static bool elem_val(wasm_store_t *s, ox_valtype elem, wasm_ref_t *ref, ox_val *out)
{
    wasm_val_t v = {.kind = oxc_valkind(elem), .of = {.ref = ref}};
    return oxc_val_in(s, &v, out);
}

wasm_table_t *wasm_table_new(wasm_store_t *s, const wasm_tabletype_t *type, wasm_ref_t *init)
{
    const wasm_externtype_t *t = (const wasm_externtype_t *)type;
    ox_valtype elem = oxc_valtype(t->content->kind);
    ox_val v;
    ox_table *tab;
    if (!elem || !elem_val(s, elem, init, &v))
        return NULL;
    ox_error *err = ox_table_new(s->store, elem, limits_in(&t->limits), v, &tab);
    if (err) {
        ox_error_free(err);
        return NULL;
    }
    return (wasm_table_t *)new_handle(s, OXC_TABLE, tab);
}

wasm_tabletype_t *wasm_table_type(const wasm_table_t *h)
{
    const ox_table *t = engine_of(h);
    wasm_limits_t l = limits_out(ox_table_limits(t));
    return wasm_tabletype_new(wasm_valtype_new(oxc_valkind(ox_table_elem_type(t))), &l);
}

wasm_ref_t *wasm_table_get(const wasm_table_t *h, wasm_table_size_t index)
{
    ox_val v;
    wasm_val_t out;
    ox_error *err = ox_table_get(engine_of(h), index, &v);
    if (err) {
        ox_error_free(err); /* out of bounds: NULL, as for a null element */
        return NULL;
    }
    return oxc_val_out(store_of(h), &v, &out) ? out.of.ref : NULL;
}

bool wasm_table_set(wasm_table_t *h, wasm_table_size_t index, wasm_ref_t *ref)
{
    ox_table *t = engine_of(h);
    ox_val v;
    if (!elem_val(store_of(h), ox_table_elem_type(t), ref, &v))
        return false;
    ox_error *err = ox_table_set(t, index, v);
    ox_error_free(err);
    return !err;
}

wasm_table_size_t wasm_table_size(const wasm_table_t *h) { return ox_table_size(engine_of(h)); }

bool wasm_table_grow(wasm_table_t *h, wasm_table_size_t delta, wasm_ref_t *init)
{
    ox_table *t = engine_of(h);
    ox_val v;
    if (!elem_val(store_of(h), ox_table_elem_type(t), init, &v))
        return false;
    ox_error *err = ox_table_grow(t, delta, v, NULL);
    ox_error_free(err);
    return !err;
}

/* ---- Memories ------------------------------------------------------------------- */

wasm_memory_t *wasm_memory_new(wasm_store_t *s, const wasm_memorytype_t *type)
{
    ox_memory *m;
    ox_error *err = ox_memory_new(s->store, limits_in(wasm_memorytype_limits(type)), &m);
    if (err) {
        ox_error_free(err);
        return NULL;
    }
    return (wasm_memory_t *)new_handle(s, OXC_MEMORY, m);
}

wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *h)
{
    wasm_limits_t l = limits_out(ox_memory_limits(engine_of(h)));
    return wasm_memorytype_new(&l);
}

byte_t *wasm_memory_data(wasm_memory_t *h) { return (byte_t *)ox_memory_data(engine_of(h)); }
size_t wasm_memory_data_size(const wasm_memory_t *h) { return ox_memory_size(engine_of(h)); }
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *h) { return ox_memory_pages(engine_of(h)); }

bool wasm_memory_grow(wasm_memory_t *h, wasm_memory_pages_t delta)
{
    ox_error *err = ox_memory_grow(engine_of(h), delta, NULL);
    ox_error_free(err);
    return !err;
}

/* ---- Externals -------------------------------------------------------------------- */

/* The object kinds FUNC, GLOBAL, TABLE, MEMORY are numbered as the
   standard's extern kinds. */
wasm_externkind_t wasm_extern_kind(const wasm_extern_t *e)
{
    return (wasm_externkind_t)((const struct wasm_ref_t *)e)->obj->kind;
}

wasm_externtype_t *wasm_extern_type(const wasm_extern_t *e)
{
    switch (((const struct wasm_ref_t *)e)->obj->kind) {
    case OXC_FUNC: return (wasm_externtype_t *)wasm_func_type((const wasm_func_t *)e);
    case OXC_GLOBAL: return (wasm_externtype_t *)wasm_global_type((const wasm_global_t *)e);
    case OXC_TABLE: return (wasm_externtype_t *)wasm_table_type((const wasm_table_t *)e);
    case OXC_MEMORY: return (wasm_externtype_t *)wasm_memory_type((const wasm_memory_t *)e);
    default: return NULL;
    }
}

#define OXC_EXTERN_VIEW_IMPL(X, KIND)                                                              \
    wasm_extern_t *wasm_##X##_as_extern(wasm_##X##_t *h) { return (wasm_extern_t *)h; }            \
    const wasm_extern_t *wasm_##X##_as_extern_const(const wasm_##X##_t *h)                         \
    {                                                                                              \
        return (const wasm_extern_t *)h;                                                           \
    }                                                                                              \
    wasm_##X##_t *wasm_extern_as_##X(wasm_extern_t *e) { return oxc_as(e, KIND) ? (wasm_##X##_t *)e : NULL; } \
    const wasm_##X##_t *wasm_extern_as_##X##_const(const wasm_extern_t *e)                         \
    {                                                                                              \
        return oxc_as(e, KIND) ? (const wasm_##X##_t *)e : NULL;                                   \
    }
OXC_EXTERN_VIEW_IMPL(func, OXC_FUNC)
OXC_EXTERN_VIEW_IMPL(global, OXC_GLOBAL)
OXC_EXTERN_VIEW_IMPL(table, OXC_TABLE)
OXC_EXTERN_VIEW_IMPL(memory, OXC_MEMORY)

ox_extern oxc_extern_engine(const oxc_obj *o)
{
    ox_extern e = {0};
    switch (o->kind) {
    case OXC_FUNC: e.kind = OX_EXTERN_FUNC; e.of.func = o->engine; break;
    case OXC_GLOBAL: e.kind = OX_EXTERN_GLOBAL; e.of.global = o->engine; break;
    case OXC_TABLE: e.kind = OX_EXTERN_TABLE; e.of.table = o->engine; break;
    default: e.kind = OX_EXTERN_MEMORY; e.of.memory = o->engine; break;
    }
    return e;
}

struct wasm_ref_t *oxc_extern_handle(wasm_store_t *s, const ox_extern *e)
{
    switch (e->kind) {
    case OX_EXTERN_FUNC: return new_handle(s, OXC_FUNC, e->of.func);
    case OX_EXTERN_GLOBAL: return new_handle(s, OXC_GLOBAL, e->of.global);
    case OX_EXTERN_TABLE: return new_handle(s, OXC_TABLE, e->of.table);
    default: return new_handle(s, OXC_MEMORY, e->of.memory);
    }
}
