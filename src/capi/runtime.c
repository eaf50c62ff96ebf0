/* runtime.c — configuration, engines, stores, modules (new, validate,
   imports and exports, serialized form, shared across threads) and
   instances, on the engine's own objects. */
#include <stdio.h>
#include <stdlib.h>

#include "capi.h"

/* ---- Configuration, engine, store -------------------------------------------- */

wasm_config_t *wasm_config_new(void) { return calloc(1, sizeof(wasm_config_t)); }
void wasm_config_delete(wasm_config_t *c) { free(c); }
ox_config *wasm_config_oxide(wasm_config_t *c) { return c ? &c->cfg : NULL; }

wasm_engine_t *wasm_engine_new(void) { return wasm_engine_new_with_config(wasm_config_new()); }

wasm_engine_t *wasm_engine_new_with_config(wasm_config_t *config)
{
    wasm_engine_t *e = calloc(1, sizeof *e);
    ox_error *err = e && config ? ox_engine_new(&config->cfg, &e->engine) : NULL;
    if (!e || !config || err) {
        ox_error_free(err);
        free(e);
        e = NULL;
    }
    wasm_config_delete(config); /* taken */
    return e;
}

void wasm_engine_delete(wasm_engine_t *e)
{
    if (!e)
        return;
    ox_engine_free(e->engine);
    free(e);
}

wasm_store_t *wasm_store_new(wasm_engine_t *e)
{
    wasm_store_t *s = calloc(1, sizeof *s);
    ox_error *err = s ? ox_store_new(e->engine, &s->store) : NULL;
    if (!s || err) {
        ox_error_free(err);
        free(s);
        return NULL;
    }
    s->engine = e;
    return s;
}

void wasm_store_delete(wasm_store_t *s)
{
    if (!s)
        return;
    oxc_objs_free(s);        /* host info finalizers first, */
    ox_store_free(s->store); /* then the engine's objects and host function environments */
    free(s);
}

/* ---- Modules ------------------------------------------------------------------- */

static wasm_module_t *module_of(ox_module *m)
{
    oxc_obj *o = calloc(1, sizeof *o);
    if (!o) {
        ox_module_free(m);
        return NULL;
    }
    o->kind = OXC_MODULE;
    o->engine = m;
    struct wasm_ref_t *h = oxc_handle(o);
    if (!h) {
        ox_module_free(m);
        free(o);
    }
    return (wasm_module_t *)h;
}

static ox_module *engine_module(const wasm_module_t *m)
{
    return ((const struct wasm_ref_t *)m)->obj->engine;
}

/* Whether m imports or exports a tag. */
static bool shares_tags(const ox_module *m)
{
    ox_externtype t;
    for (size_t i = 0; i < ox_module_import_count(m); i++) {
        ox_module_import(m, i, NULL, NULL, &t);
        if (t.kind == OX_EXTERN_TAG)
            return true;
    }
    for (size_t i = 0; i < ox_module_export_count(m); i++) {
        ox_module_export(m, i, NULL, NULL, &t);
        if (t.kind == OX_EXTERN_TAG)
            return true;
    }
    return false;
}

wasm_module_t *wasm_module_new(wasm_store_t *s, const wasm_byte_vec_t *binary)
{
    ox_module *m;
    ox_error *err = ox_module_new(s->engine->engine, (const uint8_t *)binary->data, binary->size, &m);
    if (err) {
        ox_error_free(err); /* the API has no channel for the reason */
        return NULL;
    }
    /* The standard API has no tags (exception handling): a module that
       imports or exports one cannot be described there, so it is refused
       rather than shown with a wrong kind. The own API (oxide/wasm.h) runs it. */
    if (shares_tags(m)) {
        ox_module_free(m);
        return NULL;
    }
    return module_of(m);
}

bool wasm_module_validate(wasm_store_t *s, const wasm_byte_vec_t *binary)
{
    wasm_module_t *m = wasm_module_new(s, binary);
    wasm_module_delete(m);
    return m != NULL;
}

static void name_of(wasm_name_t *out, const char *s, size_t len)
{
    wasm_name_new(out, len, s);
}

void wasm_module_imports(const wasm_module_t *module, wasm_importtype_vec_t *out)
{
    const ox_module *m = engine_module(module);
    size_t n = ox_module_import_count(m);
    wasm_importtype_vec_new_uninitialized(out, n);
    for (size_t i = 0; i < n; i++) {
        const char *mod, *name;
        ox_externtype t;
        ox_module_import(m, i, &mod, &name, &t);
        wasm_name_t mn, nn;
        name_of(&mn, mod, strlen(mod));
        name_of(&nn, name, strlen(name));
        out->data[i] = wasm_importtype_new(&mn, &nn, oxc_externtype_from(&t));
    }
}

void wasm_module_exports(const wasm_module_t *module, wasm_exporttype_vec_t *out)
{
    const ox_module *m = engine_module(module);
    size_t n = ox_module_export_count(m);
    wasm_exporttype_vec_new_uninitialized(out, n);
    for (size_t i = 0; i < n; i++) {
        const char *name;
        size_t len;
        ox_externtype t;
        ox_module_export(m, i, &name, &len, &t);
        wasm_name_t nn;
        name_of(&nn, name, len);
        out->data[i] = wasm_exporttype_new(&nn, oxc_externtype_from(&t));
    }
}

/* The serialized form: this header, then the module's binary. */
static const char MAGIC[16] = "oxide-module\0\0\0\1";

void wasm_module_serialize(const wasm_module_t *module, wasm_byte_vec_t *out)
{
    size_t len;
    const uint8_t *bin = ox_module_binary(engine_module(module), &len);
    wasm_byte_vec_new_uninitialized(out, sizeof MAGIC + len);
    memcpy(out->data, MAGIC, sizeof MAGIC);
    memcpy(out->data + sizeof MAGIC, bin, len);
}

wasm_module_t *wasm_module_deserialize(wasm_store_t *s, const wasm_byte_vec_t *bytes)
{
    if (bytes->size < sizeof MAGIC || memcmp(bytes->data, MAGIC, sizeof MAGIC))
        return NULL; /* not ours, or from another version of the format */
    wasm_byte_vec_t bin = {bytes->size - sizeof MAGIC, bytes->data + sizeof MAGIC};
    return wasm_module_new(s, &bin);
}

/* A shared module is the module's object, counted once more: modules are
   immutable, so any thread may instantiate one in its own store. */
wasm_shared_module_t *wasm_module_share(const wasm_module_t *m)
{
    oxc_obj *o = ((const struct wasm_ref_t *)m)->obj;
    atomic_fetch_add(&o->handles, 1);
    return (wasm_shared_module_t *)o;
}

wasm_module_t *wasm_module_obtain(wasm_store_t *s, const wasm_shared_module_t *sm)
{
    (void)s;
    return (wasm_module_t *)oxc_handle((oxc_obj *)sm);
}

void wasm_shared_module_delete(wasm_shared_module_t *sm)
{
    if (sm)
        oxc_obj_release((oxc_obj *)sm);
}

/* ---- Instances ------------------------------------------------------------------ */

static wasm_instance_t *refuse(wasm_trap_t **trap, const char *why)
{
    if (trap)
        *trap = oxc_trap_new(why);
    return NULL;
}

wasm_instance_t *wasm_instance_new(wasm_store_t *s, const wasm_module_t *module, const wasm_extern_vec_t *imports,
                                   wasm_trap_t **trap)
{
    if (trap)
        *trap = NULL;
    size_t n = imports ? imports->size : 0;
    ox_extern few[16], *ext = n <= 16 ? few : malloc(n * sizeof *ext);
    if (!ext)
        return refuse(trap, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const oxc_obj *o = imports->data[i] ? ((const struct wasm_ref_t *)imports->data[i])->obj : NULL;
        if (!o || o->kind > OXC_MEMORY || o->store != s) {
            if (ext != few)
                free(ext);
            char why[96];
            snprintf(why, sizeof why, "import %zu is not a function, global, table or memory of this store", i);
            return refuse(trap, why);
        }
        ext[i] = oxc_extern_engine(o);
    }
    ox_instance *inst;
    ox_error *err = ox_instance_new(s->store, engine_module(module), n ? ext : NULL, n, &inst);
    if (ext != few)
        free(ext);
    if (err) {
        if (trap)
            *trap = oxc_trap_from(err);
        else
            ox_error_free(err);
        return NULL;
    }
    struct wasm_ref_t *h = oxc_handle(oxc_obj_of(s, OXC_INSTANCE, inst));
    return h ? (wasm_instance_t *)h : refuse(trap, "out of memory");
}

void wasm_instance_exports(const wasm_instance_t *instance, wasm_extern_vec_t *out)
{
    const oxc_obj *o = ((const struct wasm_ref_t *)instance)->obj;
    const ox_instance *inst = o->engine;
    size_t n = ox_instance_export_count(inst);
    wasm_extern_vec_new_uninitialized(out, n);
    for (size_t i = 0; i < n; i++) {
        const char *name;
        size_t len;
        ox_extern e;
        ox_instance_export_at(inst, i, &name, &len, &e);
        out->data[i] = (wasm_extern_t *)oxc_extern_handle(o->store, &e);
    }
}
