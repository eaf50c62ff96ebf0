/* ref.c — runtime objects and their handles (see capi.h for the model),
   host info and finalizers, foreign objects, traps and frames, and values
   to and from the engine's. */
#include <stdlib.h>

#include "capi.h"

/* ---- The store's objects --------------------------------------------------- */

static size_t slot(const wasm_store_t *s, const void *key)
{
    uint64_t x = (uint64_t)(uintptr_t)key;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (s->cap - 1);
}

static bool grow(wasm_store_t *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    void **keys = calloc(cap, sizeof *keys);
    oxc_obj **vals = calloc(cap, sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return false;
    }
    void **ok = s->keys;
    oxc_obj **ov = s->vals;
    size_t ocap = s->cap;
    s->keys = keys;
    s->vals = vals;
    s->cap = cap;
    for (size_t i = 0; i < ocap; i++)
        if (ok[i]) {
            size_t j = slot(s, ok[i]);
            while (s->keys[j])
                j = (j + 1) & (cap - 1);
            s->keys[j] = ok[i];
            s->vals[j] = ov[i];
        }
    free(ok);
    free(ov);
    return true;
}

oxc_obj *oxc_obj_of(wasm_store_t *s, oxc_kind kind, void *engine)
{
    if ((s->n + 1) * 2 > s->cap && !grow(s))
        return NULL;
    size_t i = slot(s, engine);
    for (; s->keys[i]; i = (i + 1) & (s->cap - 1))
        if (s->keys[i] == engine)
            return s->vals[i];
    oxc_obj *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->kind = kind;
    o->store = s;
    o->engine = engine;
    o->next = s->objs;
    s->objs = o;
    s->keys[i] = engine;
    s->vals[i] = o;
    s->n++;
    return o;
}

static void obj_free(oxc_obj *o)
{
    if (o->finalizer)
        o->finalizer(o->info);
    if (o->kind == OXC_MODULE)
        ox_module_free(o->engine);
    free(o->message);
    free(o);
}

void oxc_objs_free(wasm_store_t *s)
{
    for (oxc_obj *o = s->objs, *n; o; o = n) {
        n = o->next;
        obj_free(o);
    }
    s->objs = NULL;
    free(s->keys);
    free(s->vals);
    s->keys = NULL;
    s->vals = NULL;
    s->cap = s->n = 0;
}

/* ---- Handles ------------------------------------------------------------- */

struct wasm_ref_t *oxc_handle(oxc_obj *obj)
{
    if (!obj)
        return NULL;
    struct wasm_ref_t *h = malloc(sizeof *h);
    if (!h)
        return NULL;
    h->obj = obj;
    if (!obj->store)
        atomic_fetch_add(&obj->handles, 1);
    return h;
}

void oxc_obj_release(oxc_obj *o)
{
    if (atomic_fetch_sub(&o->handles, 1) == 1)
        obj_free(o); /* a module or trap goes with its last handle */
}

static void handle_delete(struct wasm_ref_t *h)
{
    if (!h)
        return;
    oxc_obj *o = h->obj;
    free(h);
    if (!o->store)
        oxc_obj_release(o);
}

static bool is_extern(const oxc_obj *o) { return o->kind <= OXC_MEMORY; }
#define IS_KIND(K) (o)->kind == (K)

/* The functions every reference kind X has: delete, copy, same, host info. */
#define OXC_REF_BASE_IMPL(X)                                                                \
    void wasm_##X##_delete(wasm_##X##_t *h) { handle_delete((struct wasm_ref_t *)h); }              \
    wasm_##X##_t *wasm_##X##_copy(const wasm_##X##_t *h)                                           \
    {                                                                                              \
        return h ? (wasm_##X##_t *)oxc_handle(((const struct wasm_ref_t *)h)->obj) : NULL;         \
    }                                                                                              \
    bool wasm_##X##_same(const wasm_##X##_t *a, const wasm_##X##_t *b)                             \
    {                                                                                              \
        return ((const struct wasm_ref_t *)a)->obj == ((const struct wasm_ref_t *)b)->obj;         \
    }                                                                                              \
    void *wasm_##X##_get_host_info(const wasm_##X##_t *h)                                          \
    {                                                                                              \
        return ((const struct wasm_ref_t *)h)->obj->info;                                          \
    }                                                                                              \
    void wasm_##X##_set_host_info(wasm_##X##_t *h, void *info)                                     \
    {                                                                                              \
        wasm_##X##_set_host_info_with_finalizer(h, info, NULL);                                    \
    }                                                                                              \
    void wasm_##X##_set_host_info_with_finalizer(wasm_##X##_t *h, void *info, void (*fin)(void *)) \
    {                                                                                              \
        oxc_obj *o = ((struct wasm_ref_t *)h)->obj;                                                \
        o->info = info;                                                                            \
        o->finalizer = fin;                                                                        \
    }

/* ...and the views as a plain reference: CHECK (of object o) tells
   whether a reference is an X. */
#define OXC_REF_IMPL(X, CHECK)                                                                     \
    OXC_REF_BASE_IMPL(X)                                                                    \
    wasm_ref_t *wasm_##X##_as_ref(wasm_##X##_t *h) { return (wasm_ref_t *)h; }                     \
    const wasm_ref_t *wasm_##X##_as_ref_const(const wasm_##X##_t *h) { return (const wasm_ref_t *)h; } \
    wasm_##X##_t *wasm_ref_as_##X(wasm_ref_t *r)                                                   \
    {                                                                                              \
        oxc_obj *o = r ? r->obj : NULL;                                                            \
        return o && (CHECK) ? (wasm_##X##_t *)r : NULL;                                            \
    }                                                                                              \
    const wasm_##X##_t *wasm_ref_as_##X##_const(const wasm_ref_t *r)                               \
    {                                                                                              \
        const oxc_obj *o = r ? r->obj : NULL;                                                      \
        return o && (CHECK) ? (const wasm_##X##_t *)r : NULL;                                      \
    }

OXC_REF_BASE_IMPL(ref)
OXC_REF_IMPL(trap, IS_KIND(OXC_TRAP))
OXC_REF_IMPL(foreign, IS_KIND(OXC_FOREIGN))
OXC_REF_IMPL(module, IS_KIND(OXC_MODULE))
OXC_REF_IMPL(func, IS_KIND(OXC_FUNC))
OXC_REF_IMPL(global, IS_KIND(OXC_GLOBAL))
OXC_REF_IMPL(table, IS_KIND(OXC_TABLE))
OXC_REF_IMPL(memory, IS_KIND(OXC_MEMORY))
OXC_REF_IMPL(extern, is_extern(o))
OXC_REF_IMPL(instance, IS_KIND(OXC_INSTANCE))

/* ---- Foreign objects --------------------------------------------------------- */

wasm_foreign_t *wasm_foreign_new(wasm_store_t *s)
{
    oxc_obj *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->kind = OXC_FOREIGN;
    o->store = s;
    o->engine = o;
    o->next = s->objs;
    s->objs = o;
    return (wasm_foreign_t *)oxc_handle(o);
}

/* ---- Traps and frames ------------------------------------------------------- */

static wasm_trap_t *trap_of(const char *text, size_t len)
{
    oxc_obj *o = calloc(1, sizeof *o);
    char *m = malloc(len + 1);
    if (!o || !m) {
        free(o);
        free(m);
        return NULL;
    }
    memcpy(m, text, len);
    m[len] = 0;
    o->kind = OXC_TRAP;
    o->message = m;
    o->message_len = len + 1;
    struct wasm_ref_t *h = oxc_handle(o);
    if (!h)
        obj_free(o);
    return (wasm_trap_t *)h;
}

wasm_trap_t *oxc_trap_new(const char *message) { return trap_of(message, strlen(message)); }

wasm_trap_t *oxc_trap_from(ox_error *e)
{
    wasm_trap_t *t = oxc_trap_new(ox_error_message(e));
    ox_error_free(e);
    return t;
}

wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *message)
{
    (void)store; /* a trap belongs to its handles */
    size_t len = message->size;
    if (len && message->data[len - 1] == 0) /* the NUL, counted in as the API keeps messages */
        len--;
    return trap_of(message->data, len);
}

void wasm_trap_message(const wasm_trap_t *t, wasm_message_t *out)
{
    const oxc_obj *o = ((const struct wasm_ref_t *)t)->obj;
    wasm_byte_vec_new(out, o->message_len, o->message);
}

/* Oxide's traps carry no frames (see wasm.h): no origin, an empty trace. */
wasm_frame_t *wasm_trap_origin(const wasm_trap_t *t)
{
    (void)t;
    return NULL;
}

void wasm_trap_trace(const wasm_trap_t *t, wasm_frame_vec_t *out)
{
    (void)t;
    wasm_frame_vec_new_empty(out);
}

struct wasm_frame_t {
    wasm_instance_t *instance;
    uint32_t func_index;
    size_t func_offset, module_offset;
};

void wasm_frame_delete(wasm_frame_t *f) { free(f); }
wasm_frame_t *wasm_frame_copy(const wasm_frame_t *f)
{
    wasm_frame_t *c = malloc(sizeof *c);
    if (c)
        *c = *f;
    return c;
}
wasm_instance_t *wasm_frame_instance(const wasm_frame_t *f) { return f->instance; }
uint32_t wasm_frame_func_index(const wasm_frame_t *f) { return f->func_index; }
size_t wasm_frame_func_offset(const wasm_frame_t *f) { return f->func_offset; }
size_t wasm_frame_module_offset(const wasm_frame_t *f) { return f->module_offset; }

/* ---- Values --------------------------------------------------------------------- */

void wasm_val_delete(wasm_val_t *v)
{
    if (wasm_valkind_is_ref(v->kind) && v->of.ref) {
        wasm_ref_delete(v->of.ref);
        v->of.ref = NULL;
    }
}

void wasm_val_copy(wasm_val_t *out, const wasm_val_t *v)
{
    *out = *v;
    if (wasm_valkind_is_ref(v->kind) && v->of.ref)
        out->of.ref = wasm_ref_copy(v->of.ref);
}

bool oxc_val_in(wasm_store_t *s, const wasm_val_t *v, ox_val *out)
{
    memset(out, 0, sizeof *out);
    out->type = oxc_valtype(v->kind);
    const oxc_obj *o = wasm_valkind_is_ref(v->kind) && v->of.ref ? v->of.ref->obj : NULL;
    switch (v->kind) {
    case WASM_I32: out->of.i32 = v->of.i32; return true;
    case WASM_I64: out->of.i64 = v->of.i64; return true;
    case WASM_F32: out->of.f32 = v->of.f32; return true;
    case WASM_F64: out->of.f64 = v->of.f64; return true;
    case WASM_EXTERNREF: /* any object of this store, carried as itself */
        out->of.externref = (void *)o;
        return !o || o->store == s;
    case WASM_FUNCREF:
        out->of.funcref = o ? o->engine : NULL;
        return !o || (o->kind == OXC_FUNC && o->store == s);
    default:
        return false;
    }
}

bool oxc_val_out(wasm_store_t *s, const ox_val *v, wasm_val_t *out)
{
    out->kind = oxc_valkind(v->type);
    switch (v->type) {
    case OX_I32: out->of.i32 = v->of.i32; return true;
    case OX_I64: out->of.i64 = v->of.i64; return true;
    case OX_F32: out->of.f32 = v->of.f32; return true;
    case OX_F64: out->of.f64 = v->of.f64; return true;
    case OX_EXTERNREF:
        out->of.ref = v->of.externref ? oxc_handle(v->of.externref) : NULL;
        return !v->of.externref || out->of.ref;
    case OX_FUNCREF:
        out->of.ref = v->of.funcref ? oxc_handle(oxc_obj_of(s, OXC_FUNC, v->of.funcref)) : NULL;
        return !v->of.funcref || out->of.ref;
    default:
        out->of.i64 = 0;
        return false;
    }
}
