/*
 * wasm.h — the standard WebAssembly C API (the wasm-c-api of the WebAssembly
 * project, as wasmtime, WAMR, wasmer and V8 implement it), on the Oxide
 * engine. Programs written against it build unchanged:
 *
 *     #include <wasm.h>
 *     cc prog.c $(pkg-config --cflags --libs oxide-wasm)
 *
 * Written for Oxide from the API's documented shape; the engine's own,
 * richer API is <oxide/wasm.h> (docs/embedding.md compares the two).
 *
 * Ownership, as the standard states it: `own` marks what passes ownership.
 * An `own wasm_xxx_t*` is released with wasm_xxx_delete; an `own` vector
 * owns its elements too; an `own` parameter named `out` hands ownership back
 * to the caller. Runtime objects (functions, globals, tables, memories,
 * instances, foreign objects) belong to their store: a handle is a reference
 * to one, deleting it drops the reference, and the object itself — with the
 * host info finalizers attached to it — goes when its store is deleted.
 * Modules, traps and types belong to their handles.
 *
 * What Oxide does not provide (each returns the documented failure):
 * trap frames (wasm_trap_origin gives NULL, wasm_trap_trace an empty
 * vector: traps carry a message and the function name only), and values
 * of types the standard header has no kind for (v128: calling or reading
 * one gives a trap or a null).
 */
#ifndef WASM_H
#define WASM_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef WASM_API_EXTERN
#if defined(__GNUC__) || defined(__clang__)
#define WASM_API_EXTERN __attribute__((visibility("default")))
#else
#define WASM_API_EXTERN
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define own

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

/* ---- Declaration helpers ------------------------------------------------
   Every object kind X has wasm_X_delete; vectors of X are {size, data}
   with new_empty, new_uninitialized, new (taking the elements), copy (deep)
   and delete (elements too). */

#define OXC_OBJECT(X)                                                                              \
    typedef struct wasm_##X##_t wasm_##X##_t;                                                      \
    WASM_API_EXTERN void wasm_##X##_delete(own wasm_##X##_t *);

#define OXC_VECTOR(X, ELEM)                                                                        \
    typedef struct wasm_##X##_vec_t {                                                              \
        size_t size;                                                                               \
        ELEM *data;                                                                                \
    } wasm_##X##_vec_t;                                                                            \
    WASM_API_EXTERN void wasm_##X##_vec_new_empty(own wasm_##X##_vec_t *out);                      \
    WASM_API_EXTERN void wasm_##X##_vec_new_uninitialized(own wasm_##X##_vec_t *out, size_t);      \
    WASM_API_EXTERN void wasm_##X##_vec_new(own wasm_##X##_vec_t *out, size_t, own ELEM const[]);  \
    WASM_API_EXTERN void wasm_##X##_vec_copy(own wasm_##X##_vec_t *out, const wasm_##X##_vec_t *); \
    WASM_API_EXTERN void wasm_##X##_vec_delete(own wasm_##X##_vec_t *);

/* A type: an object, a vector of pointers to it, and a deep copy. */
#define OXC_TYPE(X)                                                                                \
    OXC_OBJECT(X)                                                                                  \
    OXC_VECTOR(X, wasm_##X##_t *)                                                                  \
    WASM_API_EXTERN own wasm_##X##_t *wasm_##X##_copy(const wasm_##X##_t *);

/* A reference: copy (a new handle to the same object), same (one object?),
   and host info, optionally with a finalizer run when the object goes. */
#define OXC_REF_BASE(X)                                                                            \
    OXC_OBJECT(X)                                                                                  \
    WASM_API_EXTERN own wasm_##X##_t *wasm_##X##_copy(const wasm_##X##_t *);                       \
    WASM_API_EXTERN bool wasm_##X##_same(const wasm_##X##_t *, const wasm_##X##_t *);              \
    WASM_API_EXTERN void *wasm_##X##_get_host_info(const wasm_##X##_t *);                          \
    WASM_API_EXTERN void wasm_##X##_set_host_info(wasm_##X##_t *, void *);                         \
    WASM_API_EXTERN void wasm_##X##_set_host_info_with_finalizer(wasm_##X##_t *, void *,           \
                                                                 void (*)(void *));

/* ...and its views as a plain reference, which borrow: no new handle. */
#define OXC_REF(X)                                                                                 \
    OXC_REF_BASE(X)                                                                                \
    WASM_API_EXTERN wasm_ref_t *wasm_##X##_as_ref(wasm_##X##_t *);                                 \
    WASM_API_EXTERN wasm_##X##_t *wasm_ref_as_##X(wasm_ref_t *);                                   \
    WASM_API_EXTERN const wasm_ref_t *wasm_##X##_as_ref_const(const wasm_##X##_t *);               \
    WASM_API_EXTERN const wasm_##X##_t *wasm_ref_as_##X##_const(const wasm_ref_t *);

/* ---- Bytes and names ----------------------------------------------------- */

typedef byte_t wasm_byte_t;
OXC_VECTOR(byte, wasm_byte_t)

typedef wasm_byte_vec_t wasm_name_t;
#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

static inline void wasm_name_new_from_string(own wasm_name_t *out, const char *s)
{
    wasm_name_new(out, strlen(s), s);
}
/* The same with the terminating NUL counted in (messages are kept so). */
static inline void wasm_name_new_from_string_nt(own wasm_name_t *out, const char *s)
{
    wasm_name_new(out, strlen(s) + 1, s);
}

/* ---- Configuration, engine, store -------------------------------------- */

OXC_OBJECT(config)
WASM_API_EXTERN own wasm_config_t *wasm_config_new(void);

OXC_OBJECT(engine)
WASM_API_EXTERN own wasm_engine_t *wasm_engine_new(void);
WASM_API_EXTERN own wasm_engine_t *wasm_engine_new_with_config(own wasm_config_t *);

/* A store is used by one thread at a time; stores of one engine may run on
   different threads at once. */
OXC_OBJECT(store)
WASM_API_EXTERN own wasm_store_t *wasm_store_new(wasm_engine_t *);

/* ---- Types ---------------------------------------------------------------- */

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum { WASM_CONST, WASM_VAR };

typedef struct wasm_limits_t {
    uint32_t min, max;
} wasm_limits_t;
static const uint32_t wasm_limits_max_default = 0xffffffff; /* no maximum */

OXC_TYPE(valtype)
typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum { WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_EXTERNREF = 128, WASM_FUNCREF };
WASM_API_EXTERN own wasm_valtype_t *wasm_valtype_new(wasm_valkind_t);
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *);

static inline bool wasm_valkind_is_num(wasm_valkind_t k) { return k < WASM_EXTERNREF; }
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) { return k >= WASM_EXTERNREF; }
static inline bool wasm_valtype_is_num(const wasm_valtype_t *t) { return wasm_valkind_is_num(wasm_valtype_kind(t)); }
static inline bool wasm_valtype_is_ref(const wasm_valtype_t *t) { return wasm_valkind_is_ref(wasm_valtype_kind(t)); }

OXC_TYPE(functype)
WASM_API_EXTERN own wasm_functype_t *wasm_functype_new(own wasm_valtype_vec_t *params,
                                                       own wasm_valtype_vec_t *results);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *);

OXC_TYPE(globaltype)
WASM_API_EXTERN own wasm_globaltype_t *wasm_globaltype_new(own wasm_valtype_t *, wasm_mutability_t);
WASM_API_EXTERN const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *);
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *);

OXC_TYPE(tabletype)
WASM_API_EXTERN own wasm_tabletype_t *wasm_tabletype_new(own wasm_valtype_t *, const wasm_limits_t *);
WASM_API_EXTERN const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *);
WASM_API_EXTERN const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *);

OXC_TYPE(memorytype)
WASM_API_EXTERN own wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *);
WASM_API_EXTERN const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *);

/* The four kinds above are extern types; the conversions are views (no copy). */
OXC_TYPE(externtype)
typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum { WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_TABLE, WASM_EXTERN_MEMORY };
WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *);

#define OXC_EXTERNTYPE_VIEWS(X)                                                                    \
    WASM_API_EXTERN wasm_externtype_t *wasm_##X##_as_externtype(wasm_##X##_t *);                   \
    WASM_API_EXTERN wasm_##X##_t *wasm_externtype_as_##X(wasm_externtype_t *);                     \
    WASM_API_EXTERN const wasm_externtype_t *wasm_##X##_as_externtype_const(const wasm_##X##_t *); \
    WASM_API_EXTERN const wasm_##X##_t *wasm_externtype_as_##X##_const(const wasm_externtype_t *);
OXC_EXTERNTYPE_VIEWS(functype)
OXC_EXTERNTYPE_VIEWS(globaltype)
OXC_EXTERNTYPE_VIEWS(tabletype)
OXC_EXTERNTYPE_VIEWS(memorytype)

OXC_TYPE(importtype)
WASM_API_EXTERN own wasm_importtype_t *wasm_importtype_new(own wasm_name_t *module, own wasm_name_t *name,
                                                           own wasm_externtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *);

OXC_TYPE(exporttype)
WASM_API_EXTERN own wasm_exporttype_t *wasm_exporttype_new(own wasm_name_t *, own wasm_externtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *);

/* ---- Values -------------------------------------------------------------- */

struct wasm_ref_t;

typedef struct wasm_val_t {
    wasm_valkind_t kind;
    union {
        int32_t i32;
        int64_t i64;
        float32_t f32;
        float64_t f64;
        struct wasm_ref_t *ref; /* owned by the value; NULL is the null reference */
    } of;
} wasm_val_t;

WASM_API_EXTERN void wasm_val_delete(own wasm_val_t *v);
WASM_API_EXTERN void wasm_val_copy(own wasm_val_t *out, const wasm_val_t *);
OXC_VECTOR(val, wasm_val_t)

/* ---- References, frames, traps, foreign objects ------------------------- */

OXC_REF_BASE(ref)

OXC_OBJECT(frame)
OXC_VECTOR(frame, wasm_frame_t *)
WASM_API_EXTERN own wasm_frame_t *wasm_frame_copy(const wasm_frame_t *);
WASM_API_EXTERN struct wasm_instance_t *wasm_frame_instance(const wasm_frame_t *);
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t *);
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t *);
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t *);

typedef wasm_name_t wasm_message_t; /* NUL-terminated, the NUL counted in size */

OXC_REF(trap)
WASM_API_EXTERN own wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *);
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t *, own wasm_message_t *out);
WASM_API_EXTERN own wasm_frame_t *wasm_trap_origin(const wasm_trap_t *);
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t *, own wasm_frame_vec_t *out);

OXC_REF(foreign)
WASM_API_EXTERN own wasm_foreign_t *wasm_foreign_new(wasm_store_t *);

/* ---- Modules ------------------------------------------------------------- */

OXC_REF(module)
/* A module made in one store can be used in any store of its engine, on
   any thread, through a shared handle. */
OXC_OBJECT(shared_module)
WASM_API_EXTERN own wasm_shared_module_t *wasm_module_share(const wasm_module_t *);
WASM_API_EXTERN own wasm_module_t *wasm_module_obtain(wasm_store_t *, const wasm_shared_module_t *);

/* NULL when the binary (or text: Oxide reads both) is malformed or invalid. */
WASM_API_EXTERN own wasm_module_t *wasm_module_new(wasm_store_t *, const wasm_byte_vec_t *binary);
WASM_API_EXTERN bool wasm_module_validate(wasm_store_t *, const wasm_byte_vec_t *binary);
WASM_API_EXTERN void wasm_module_imports(const wasm_module_t *, own wasm_importtype_vec_t *out);
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t *, own wasm_exporttype_vec_t *out);
/* Oxide's serialized form is the module's binary behind a versioned header;
   deserializing compiles it again. */
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t *, own wasm_byte_vec_t *out);
WASM_API_EXTERN own wasm_module_t *wasm_module_deserialize(wasm_store_t *, const wasm_byte_vec_t *);

/* ---- Functions ------------------------------------------------------------ */

OXC_REF(func)

typedef own wasm_trap_t *(*wasm_func_callback_t)(const wasm_val_vec_t *args, own wasm_val_vec_t *results);
typedef own wasm_trap_t *(*wasm_func_callback_with_env_t)(void *env, const wasm_val_vec_t *args,
                                                          wasm_val_vec_t *results);

WASM_API_EXTERN own wasm_func_t *wasm_func_new(wasm_store_t *, const wasm_functype_t *, wasm_func_callback_t);
/* finalizer (may be NULL) is called with env when the store is deleted. */
WASM_API_EXTERN own wasm_func_t *wasm_func_new_with_env(wasm_store_t *, const wasm_functype_t *type,
                                                        wasm_func_callback_with_env_t, void *env,
                                                        void (*finalizer)(void *));
WASM_API_EXTERN own wasm_functype_t *wasm_func_type(const wasm_func_t *);
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t *);
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t *);
/* NULL on success, with results filled in (results->size must be the
   result arity); otherwise the trap. */
WASM_API_EXTERN own wasm_trap_t *wasm_func_call(const wasm_func_t *, const wasm_val_vec_t *args,
                                                wasm_val_vec_t *results);

/* ---- Globals, tables, memories ------------------------------------------- */

OXC_REF(global)
WASM_API_EXTERN own wasm_global_t *wasm_global_new(wasm_store_t *, const wasm_globaltype_t *, const wasm_val_t *);
WASM_API_EXTERN own wasm_globaltype_t *wasm_global_type(const wasm_global_t *);
WASM_API_EXTERN void wasm_global_get(const wasm_global_t *, own wasm_val_t *out);
WASM_API_EXTERN void wasm_global_set(wasm_global_t *, const wasm_val_t *);

OXC_REF(table)
typedef uint32_t wasm_table_size_t;
WASM_API_EXTERN own wasm_table_t *wasm_table_new(wasm_store_t *, const wasm_tabletype_t *, wasm_ref_t *init);
WASM_API_EXTERN own wasm_tabletype_t *wasm_table_type(const wasm_table_t *);
WASM_API_EXTERN own wasm_ref_t *wasm_table_get(const wasm_table_t *, wasm_table_size_t index);
WASM_API_EXTERN bool wasm_table_set(wasm_table_t *, wasm_table_size_t index, wasm_ref_t *);
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t *);
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t *, wasm_table_size_t delta, wasm_ref_t *init);

OXC_REF(memory)
typedef uint32_t wasm_memory_pages_t;
static const size_t MEMORY_PAGE_SIZE = 0x10000;
WASM_API_EXTERN own wasm_memory_t *wasm_memory_new(wasm_store_t *, const wasm_memorytype_t *);
WASM_API_EXTERN own wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *);
WASM_API_EXTERN byte_t *wasm_memory_data(wasm_memory_t *);
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t *);
WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *);
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t *, wasm_memory_pages_t delta);

/* ---- Externals: the four kinds above, viewed as one (views borrow) ------- */

OXC_REF(extern)
OXC_VECTOR(extern, wasm_extern_t *)
WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t *);
WASM_API_EXTERN own wasm_externtype_t *wasm_extern_type(const wasm_extern_t *);

#define OXC_EXTERN_VIEWS(X)                                                                        \
    WASM_API_EXTERN wasm_extern_t *wasm_##X##_as_extern(wasm_##X##_t *);                           \
    WASM_API_EXTERN wasm_##X##_t *wasm_extern_as_##X(wasm_extern_t *);                             \
    WASM_API_EXTERN const wasm_extern_t *wasm_##X##_as_extern_const(const wasm_##X##_t *);         \
    WASM_API_EXTERN const wasm_##X##_t *wasm_extern_as_##X##_const(const wasm_extern_t *);
OXC_EXTERN_VIEWS(func)
OXC_EXTERN_VIEWS(global)
OXC_EXTERN_VIEWS(table)
OXC_EXTERN_VIEWS(memory)

/* ---- Instances ------------------------------------------------------------ */

OXC_REF(instance)
/* imports in the module's import order. On failure NULL, and *trap (when
   trap is not NULL) gets a trap saying why: a missing or mistyped import,
   or the start function's trap. */
WASM_API_EXTERN own wasm_instance_t *wasm_instance_new(wasm_store_t *, const wasm_module_t *,
                                                       const wasm_extern_vec_t *imports, own wasm_trap_t **trap);
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t *, own wasm_extern_vec_t *out);

/* ---- Conveniences --------------------------------------------------------- */

#define WASM_EMPTY_VEC {0, NULL}
#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}

static inline own wasm_valtype_t *wasm_valtype_new_i32(void) { return wasm_valtype_new(WASM_I32); }
static inline own wasm_valtype_t *wasm_valtype_new_i64(void) { return wasm_valtype_new(WASM_I64); }
static inline own wasm_valtype_t *wasm_valtype_new_f32(void) { return wasm_valtype_new(WASM_F32); }
static inline own wasm_valtype_t *wasm_valtype_new_f64(void) { return wasm_valtype_new(WASM_F64); }
static inline own wasm_valtype_t *wasm_valtype_new_externref(void) { return wasm_valtype_new(WASM_EXTERNREF); }
static inline own wasm_valtype_t *wasm_valtype_new_funcref(void) { return wasm_valtype_new(WASM_FUNCREF); }

/* wasm_functype_new_P_R: P parameters then R results, all taken. */
static inline own wasm_functype_t *oxc_functype_of(size_t np, wasm_valtype_t **p, size_t nr, wasm_valtype_t **r)
{
    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new(&params, np, p);
    wasm_valtype_vec_new(&results, nr, r);
    return wasm_functype_new(&params, &results);
}
static inline own wasm_functype_t *wasm_functype_new_0_0(void)
{
    return oxc_functype_of(0, NULL, 0, NULL);
}

static inline own wasm_functype_t *wasm_functype_new_1_0(own wasm_valtype_t *p)
{
    wasm_valtype_t *ps[] = {p};
    return oxc_functype_of(1, ps, 0, NULL);
}

static inline own wasm_functype_t *wasm_functype_new_2_0(own wasm_valtype_t *p1, own wasm_valtype_t *p2)
{
    wasm_valtype_t *ps[] = {p1, p2};
    return oxc_functype_of(2, ps, 0, NULL);
}

static inline own wasm_functype_t *wasm_functype_new_3_0(own wasm_valtype_t *p1, own wasm_valtype_t *p2, own wasm_valtype_t *p3)
{
    wasm_valtype_t *ps[] = {p1, p2, p3};
    return oxc_functype_of(3, ps, 0, NULL);
}

static inline own wasm_functype_t *wasm_functype_new_0_1(own wasm_valtype_t *r)
{
    wasm_valtype_t *rs[] = {r};
    return oxc_functype_of(0, NULL, 1, rs);
}

static inline own wasm_functype_t *wasm_functype_new_1_1(own wasm_valtype_t *p, own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[] = {p};
    wasm_valtype_t *rs[] = {r};
    return oxc_functype_of(1, ps, 1, rs);
}

static inline own wasm_functype_t *wasm_functype_new_2_1(own wasm_valtype_t *p1, own wasm_valtype_t *p2, own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[] = {p1, p2};
    wasm_valtype_t *rs[] = {r};
    return oxc_functype_of(2, ps, 1, rs);
}

static inline own wasm_functype_t *wasm_functype_new_3_1(own wasm_valtype_t *p1, own wasm_valtype_t *p2, own wasm_valtype_t *p3, own wasm_valtype_t *r)
{
    wasm_valtype_t *ps[] = {p1, p2, p3};
    wasm_valtype_t *rs[] = {r};
    return oxc_functype_of(3, ps, 1, rs);
}

static inline own wasm_functype_t *wasm_functype_new_0_2(own wasm_valtype_t *r1, own wasm_valtype_t *r2)
{
    wasm_valtype_t *rs[] = {r1, r2};
    return oxc_functype_of(0, NULL, 2, rs);
}

static inline own wasm_functype_t *wasm_functype_new_1_2(own wasm_valtype_t *p, own wasm_valtype_t *r1, own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[] = {p};
    wasm_valtype_t *rs[] = {r1, r2};
    return oxc_functype_of(1, ps, 2, rs);
}

static inline own wasm_functype_t *wasm_functype_new_2_2(own wasm_valtype_t *p1, own wasm_valtype_t *p2, own wasm_valtype_t *r1, own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[] = {p1, p2};
    wasm_valtype_t *rs[] = {r1, r2};
    return oxc_functype_of(2, ps, 2, rs);
}

static inline own wasm_functype_t *wasm_functype_new_3_2(own wasm_valtype_t *p1, own wasm_valtype_t *p2, own wasm_valtype_t *p3, own wasm_valtype_t *r1, own wasm_valtype_t *r2)
{
    wasm_valtype_t *ps[] = {p1, p2, p3};
    wasm_valtype_t *rs[] = {r1, r2};
    return oxc_functype_of(3, ps, 2, rs);
}

/* A host pointer carried in an integer value of the pointer's width. */
static inline void wasm_val_init_ptr(own wasm_val_t *out, void *p)
{
    if (sizeof(void *) == 4) {
        out->kind = WASM_I32;
        out->of.i32 = (int32_t)(intptr_t)p;
    } else {
        out->kind = WASM_I64;
        out->of.i64 = (int64_t)(intptr_t)p;
    }
}
static inline void *wasm_val_ptr(const wasm_val_t *val)
{
    return sizeof(void *) == 4 ? (void *)(intptr_t)val->of.i32 : (void *)(intptr_t)val->of.i64;
}

#define WASM_I32_VAL(i) {.kind = WASM_I32, .of = {.i32 = i}}
#define WASM_I64_VAL(i) {.kind = WASM_I64, .of = {.i64 = i}}
#define WASM_F32_VAL(z) {.kind = WASM_F32, .of = {.f32 = z}}
#define WASM_F64_VAL(z) {.kind = WASM_F64, .of = {.f64 = z}}
#define WASM_REF_VAL(r) {.kind = WASM_EXTERNREF, .of = {.ref = r}}
#define WASM_INIT_VAL {.kind = WASM_EXTERNREF, .of = {.ref = NULL}}

#undef own

#ifdef __cplusplus
}
#endif
#endif
