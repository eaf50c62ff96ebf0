/*
 * capi.h — what the files of the standard C API share (internal to
 * src/capi/). The standard API (include/oxide/c-api/wasm.h) on the
 * engine's own (include/oxide/wasm.h); this directory calls nothing else.
 *
 *   vec.c      the vectors of every kind
 *   types.c    value, function, global, table, memory, import, export types
 *   ref.c      runtime objects and their handles, host info, foreign
 *              objects, traps, values to and from the engine's
 *   runtime.c  config, engine, store, modules, instances
 *   func.c     host functions and calls
 *   extern.c   globals, tables, memories, and externals as one
 *
 * The object model. A runtime object (a function, global, table, memory,
 * instance or foreign object) is the store's: one oxc_obj per object, made
 * the first time a handle to it is asked for and kept in the store's map
 * (engine pointer -> object), so every handle to one object shares its host
 * info; all go, finalizers run, when the store is deleted. Modules and traps
 * belong to no store: their objects count their handles and go with the
 * last. A handle (what the API's wasm_func_t*, wasm_extern_t*, wasm_ref_t*
 * ... point to) is a small allocation naming its object, so wasm_X_delete
 * frees a handle and wasm_X_copy makes one; the views (wasm_func_as_extern,
 * wasm_X_as_ref) are the same pointer, typed otherwise.
 */
#ifndef OXC_CAPI_H
#define OXC_CAPI_H

#include <stdatomic.h>

#include "oxide/wasm.h"
#include "wasm.h"
#include "wasm_oxide.h"

typedef enum oxc_kind {
    OXC_FUNC,
    OXC_GLOBAL,
    OXC_TABLE,
    OXC_MEMORY,
    OXC_INSTANCE,
    OXC_FOREIGN,
    OXC_TRAP,
    OXC_MODULE,
} oxc_kind;

typedef struct oxc_obj {
    oxc_kind kind;
    wasm_store_t *store; /* NULL for modules and traps */
    void *engine;        /* ox_func*, ox_global*, ..., ox_instance*, ox_module*; the object itself for a foreign one */
    void *info;
    void (*finalizer)(void *);
    atomic_int handles;  /* modules and traps: they go with the last */
    struct oxc_obj *next; /* in the store's list */
    char *message;        /* a trap's, NUL-terminated */
    size_t message_len;   /* with the NUL */
} oxc_obj;

/* A handle: the API's pointers point to these. */
struct wasm_ref_t {
    oxc_obj *obj;
};

struct wasm_config_t {
    ox_config cfg;
};

struct wasm_engine_t {
    ox_engine *engine;
};

struct wasm_store_t {
    ox_store *store;
    wasm_engine_t *engine;
    oxc_obj *objs;     /* every object of the store, for its deletion */
    void **keys;       /* the map: engine pointer -> object (open addressing) */
    oxc_obj **vals;
    size_t cap, n;
};

/* An allocation the API gives no way to fail (vectors, types): out of
   memory ends the process, as a failed `new` does in the C++
   implementations of this API, rather than hand back a shorter vector or
   a NULL the caller does not expect. (vec.c) */
void *oxc_must(void *p);

/* ---- ref.c --------------------------------------------------------------- */

/* The store's object for an engine object of that kind (made on first
   use); NULL when out of memory. */
oxc_obj *oxc_obj_of(wasm_store_t *s, oxc_kind kind, void *engine);
/* A new handle to obj (counted for modules and traps); NULL when out of memory. */
struct wasm_ref_t *oxc_handle(oxc_obj *obj);
/* One handle fewer on a module or trap object (freed with its last). */
void oxc_obj_release(oxc_obj *obj);
/* The handle's object when it is of kind k, else NULL. */
static inline oxc_obj *oxc_as(const void *handle, oxc_kind k)
{
    const struct wasm_ref_t *h = handle;
    return h && h->obj->kind == k ? h->obj : NULL;
}
/* A trap carrying message (a C string); NULL when out of memory. */
wasm_trap_t *oxc_trap_new(const char *message);
/* An engine error as a trap (the error is freed). */
wasm_trap_t *oxc_trap_from(ox_error *e);
/* The store's objects go: finalizers run, memory freed. */
void oxc_objs_free(wasm_store_t *s);

/* Values. The engine's value type for a kind, 0 for none. */
ox_valtype oxc_valtype(wasm_valkind_t k);
/* The standard kind for an engine value type; 255 for none (v128). */
wasm_valkind_t oxc_valkind(ox_valtype t);
/* A standard value to the engine's (borrowing any reference); false when
   it has no engine form here (a reference from no store of ours, or of
   another store). */
bool oxc_val_in(wasm_store_t *s, const wasm_val_t *v, ox_val *out);
/* An engine value to a standard one (a reference gets a new handle);
   false when it has no standard form (v128) or memory ran out. */
bool oxc_val_out(wasm_store_t *s, const ox_val *v, wasm_val_t *out);

/* ---- extern.c ------------------------------------------------------------ */

/* An external object (func, global, table, memory) as the engine's extern. */
ox_extern oxc_extern_engine(const oxc_obj *o);
/* A new handle to the store's object for an engine extern. */
struct wasm_ref_t *oxc_extern_handle(wasm_store_t *s, const ox_extern *e);

/* ---- types.c ------------------------------------------------------------- */

struct wasm_valtype_t {
    wasm_valkind_t kind;
};

/* Extern types: one shape, told apart by kind (the as_externtype views are
   the same pointer). */
struct wasm_externtype_t {
    wasm_externkind_t kind;
    wasm_valtype_vec_t params, results; /* function */
    wasm_valtype_t *content;            /* global content, table element */
    wasm_mutability_t mutability;       /* global */
    wasm_limits_t limits;               /* table, memory */
    ox_valtype *engine_types;           /* function: params then results, the engine's */
};

/* The engine's extern type as a standard one; NULL when out of memory. */
wasm_externtype_t *oxc_externtype_from(const ox_externtype *t);
/* A function type's engine form (borrowing t's arrays). */
ox_functype oxc_functype_engine(const wasm_functype_t *t);

#endif
