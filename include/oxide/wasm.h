/*
 * oxide/wasm.h — the Oxide WebAssembly engine's embedding API.
 *
 * The engine decodes, validates, compiles and runs WebAssembly modules (2.0
 * and the parts of 3.0 docs/engine.md lists), given in the binary format or
 * in the text format (WAT).
 * It knows nothing of the Oxide kernel; any C program can embed it.
 *
 * Objects and who owns them
 *   ox_engine    configuration shared by stores. Caller frees with
 *                ox_engine_free() after every module and store made from it.
 *   ox_module    a decoded, validated, compiled module. Immutable, so one
 *                module may be instantiated in many stores on many threads.
 *                Caller frees with ox_module_free(); instances keep their
 *                own reference, so a module may be freed while its
 *                instances live.
 *   ox_store     owns every runtime object made in it: instances, functions,
 *                memories, tables, globals. A store is used by one thread at
 *                a time; separate stores run on separate threads at once.
 *                ox_store_free() frees the store and everything it owns.
 *   ox_linker    resolves imports by (module, name). Caller frees it; it
 *                holds borrowed references to externs, not ownership.
 *   ox_error     every fallible call returns an ox_error* (NULL on success)
 *                the caller frees with ox_error_free(). Traps are errors of
 *                code OX_ERR_TRAP carrying an ox_trap kind.
 *
 * Pointers returned by accessors (names, types) are borrowed and live as
 * long as the object they came from.
 */
#ifndef OXIDE_WASM_H
#define OXIDE_WASM_H

#include "oxide/api.h"

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ox_engine ox_engine;
typedef struct ox_module ox_module;
typedef struct ox_store ox_store;
typedef struct ox_instance ox_instance;
typedef struct ox_linker ox_linker;
typedef struct ox_func ox_func;
typedef struct ox_memory ox_memory;
typedef struct ox_table ox_table;
typedef struct ox_global ox_global;
typedef struct ox_tag ox_tag;
typedef struct ox_error ox_error;
typedef struct ox_caller ox_caller;

/* ---- Types ------------------------------------------------------------ */

/* Value types. Numbers, vectors and the nullable abstract references use
   their one-byte binary encodings (OX_FUNCREF is (ref null func)). Any
   other reference type sets flags above the byte: OX_REF_NONNULL for a
   reference that cannot be null, OX_REF_TYPEIDX for a concrete heap type,
   whose type index is in the bits from 10 up (ox_ref_typeidx). In a
   module's types the index is the module's; in the types of a store's
   objects (ox_global_type, ox_table_elem_type) it is the store's own id
   for that type, which only compares with other ids of the same store. */
typedef uint32_t ox_valtype;
enum {
    OX_I32 = 0x7F,
    OX_I64 = 0x7E,
    OX_F32 = 0x7D,
    OX_F64 = 0x7C,
    OX_V128 = 0x7B,
    OX_FUNCREF = 0x70,
    OX_EXTERNREF = 0x6F,
    OX_ANYREF = 0x6E,        /* GC (3.0): the internal references */
    OX_EQREF = 0x6D,
    OX_I31REF = 0x6C,
    OX_STRUCTREF = 0x6B,
    OX_ARRAYREF = 0x6A,
    OX_EXNREF = 0x69,        /* an exception (exception handling, 3.0) */
    OX_NULLEXNREF = 0x74,    /* the bottom types: only null */
    OX_NULLFUNCREF = 0x73,
    OX_NULLEXTERNREF = 0x72,
    OX_NULLREF = 0x71,
};
#define OX_REF_NONNULL 0x100u
#define OX_REF_TYPEIDX 0x200u
/* (ref null? x) for type index x, and the index of such a type. */
static inline ox_valtype ox_ref_concrete(uint32_t x, bool nullable)
{
    return (x << 10) | OX_REF_TYPEIDX | (nullable ? 0u : OX_REF_NONNULL);
}
static inline uint32_t ox_ref_typeidx(ox_valtype t) { return t >> 10; }

/* "i32", "funcref", ...; "ref" for a reference type with no one-word name
   (ox_valtype_str spells those out); "?" for anything else. */
OX_API const char *ox_valtype_name(ox_valtype t);
/* Whether t is a (valid) reference type. */
OX_API bool ox_valtype_is_ref(ox_valtype t);
/* The text format of t ("i32", "funcref", "(ref null 3)", "(ref func)")
   into buf (at most len bytes, NUL-terminated); returns buf. */
OX_API char *ox_valtype_str(ox_valtype t, char *buf, size_t len);

typedef struct ox_functype {
    uint32_t nparams, nresults;
    const ox_valtype *params;  /* nparams entries */
    const ox_valtype *results; /* nresults entries */
} ox_functype;

/* Limits of a memory (in 64 KiB pages) or a table (in elements). is64 marks
   a 64-bit memory or table (memory64/table64): its addresses or indexes
   are i64, and its limits may exceed 32 bits (the engine still grows a
   memory to at most 65536 pages, a table to ox_config's maximum). */
typedef struct ox_limits {
    uint64_t min, max; /* max is meaningful only when has_max */
    bool has_max;
    bool is64;
} ox_limits;

typedef enum ox_extern_kind {
    OX_EXTERN_FUNC = 0,
    OX_EXTERN_TABLE = 1,
    OX_EXTERN_MEMORY = 2,
    OX_EXTERN_GLOBAL = 3,
    OX_EXTERN_TAG = 4,  /* an exception tag (exception handling, 3.0) */
} ox_extern_kind;

/* "func", "table", "memory", "global", "tag". */
OX_API const char *ox_extern_kind_name(ox_extern_kind k);

typedef struct ox_externtype {
    ox_extern_kind kind;
    union {
        ox_functype func;
        struct { ox_valtype elem; ox_limits limits; } table;
        ox_limits memory; /* in 64 KiB pages */
        struct { ox_valtype type; bool mutable_; } global;
        ox_functype tag;  /* params: the exception's values; no results */
    } u;
} ox_externtype;

/* ---- Values ----------------------------------------------------------- */

typedef struct ox_val {
    ox_valtype type;
    union {
        int32_t i32;
        int64_t i64;
        float f32;
        double f64;
        uint8_t v128[16];
        ox_func *funcref;  /* any function reference; NULL is null */
        void *externref;   /* any external reference; NULL is null */
        void *exnref;      /* an exception, owned by its store; NULL is null */
        void *anyref;      /* an internal reference (GC); NULL is null */
    } of;
} ox_val;

/* GC references (3.0) for the embedder. An internal reference (anyref)
   is null, an i31, a struct, an array, or a host value that entered as an
   externref (any.convert_extern); ox_anyref_host makes one of the last
   kind in store s, as wasm would. References the host holds stay valid
   until wasm next runs in the store (the collector does not see them). */
typedef enum ox_anyref_kind {
    OX_ANYREF_NULL,
    OX_ANYREF_I31,
    OX_ANYREF_STRUCT,
    OX_ANYREF_ARRAY,
    OX_ANYREF_HOST,
} ox_anyref_kind;
OX_API ox_anyref_kind ox_anyref_kind_of(const void *ref);
/* An OX_ANYREF_HOST's host value; an OX_ANYREF_I31's signed value. */
OX_API void *ox_anyref_host_value(const void *ref);
OX_API int32_t ox_anyref_i31_value(const void *ref);
/* The i31 reference of v (its low 31 bits: v in [-2^30, 2^30) comes back). */
OX_API void *ox_anyref_i31(int32_t v);
OX_API ox_error *ox_anyref_host(ox_store *s, void *host, ox_val *out);
/* The store's GC heap: collections so far, and the bytes it holds now
   (what the last collection kept plus what was allocated since). */
OX_API void ox_store_gc_stats(const ox_store *s, uint64_t *collections, uint64_t *bytes);

static inline ox_val ox_val_i32(int32_t v) { ox_val r; r.type = OX_I32; r.of.i64 = 0; r.of.i32 = v; return r; }
static inline ox_val ox_val_i64(int64_t v) { ox_val r; r.type = OX_I64; r.of.i64 = v; return r; }
static inline ox_val ox_val_f32(float v) { ox_val r; r.type = OX_F32; r.of.i64 = 0; r.of.f32 = v; return r; }
static inline ox_val ox_val_f64(double v) { ox_val r; r.type = OX_F64; r.of.f64 = v; return r; }

/* ---- Errors and traps ------------------------------------------------- */

typedef enum ox_errcode {
    OX_OK = 0,
    OX_ERR_MALFORMED,     /* the binary cannot be decoded */
    OX_ERR_INVALID,       /* decoded but fails validation */
    OX_ERR_LINK,          /* an import is missing or has the wrong type */
    OX_ERR_TRAP,          /* execution trapped; see ox_error_trap() */
    OX_ERR_EXIT,          /* the guest asked to exit; see ox_error_exit_status() */
    OX_ERR_NOMEM,         /* out of host memory */
    OX_ERR_LIMIT,         /* a configured resource limit was exceeded */
    OX_ERR_ARG,           /* the embedder passed a bad argument */
    OX_ERR_IO,            /* a file could not be read */
    OX_ERR_NOTFOUND,      /* a name that was looked up does not exist */
    OX_ERR_UNSUPPORTED,   /* valid WebAssembly that uses a feature the engine
                             does not have yet (e.g. SIMD's v128): refused,
                             never approximated */
    OX_ERR_EXCEPTION,     /* a WebAssembly exception nothing caught; see
                             ox_error_exception_tag() */
    OX_ERR_INTERNAL,      /* the engine failed (the compiling tier's LLVM):
                             a bug to report, with the message */
} ox_errcode;

typedef enum ox_trap {
    OX_TRAP_NONE = 0,
    OX_TRAP_UNREACHABLE,          /* "unreachable" */
    OX_TRAP_MEMORY_OOB,           /* "out of bounds memory access" */
    OX_TRAP_TABLE_OOB,            /* "out of bounds table access" */
    OX_TRAP_UNDEFINED_ELEMENT,    /* "undefined element" */
    OX_TRAP_UNINITIALIZED_ELEMENT,/* "uninitialized element" */
    OX_TRAP_INDIRECT_MISMATCH,    /* "indirect call type mismatch" */
    OX_TRAP_DIV_ZERO,             /* "integer divide by zero" */
    OX_TRAP_INT_OVERFLOW,         /* "integer overflow" */
    OX_TRAP_INVALID_CONVERSION,   /* "invalid conversion to integer" */
    OX_TRAP_STACK_EXHAUSTED,      /* "call stack exhausted" */
    OX_TRAP_FUEL_EXHAUSTED,       /* "fuel exhausted" */
    OX_TRAP_INTERRUPTED,          /* "interrupted" */
    OX_TRAP_HOST,                 /* a host function failed */
    OX_TRAP_DEADLINE,             /* "deadline exceeded" (ox_store_set_timeout) */
    OX_TRAP_NULL_EXCEPTION,       /* "null exception reference" (throw_ref) */
    OX_TRAP_NULL_FUNC,            /* "null function reference" (call_ref) */
    OX_TRAP_NULL_REF,             /* "null reference" (ref.as_non_null) */
    OX_TRAP_NULL_STRUCT,          /* "null structure reference" (GC) */
    OX_TRAP_NULL_ARRAY,           /* "null array reference" */
    OX_TRAP_NULL_I31,             /* "null i31 reference" */
    OX_TRAP_ARRAY_OOB,            /* "out of bounds array access" */
    OX_TRAP_CAST,                 /* "cast failure" (ref.cast) */
    OX_TRAP_GC_HEAP,              /* "out of memory: GC heap limit" (max_gc_bytes) */
} ox_trap;

/* The spec's wording for a trap kind. */
OX_API const char *ox_trap_message(ox_trap t);

OX_API ox_errcode ox_error_code(const ox_error *e);
/* Human-readable, complete: e.g. "invalid module at byte 0x1f: type mismatch"
   or "trap in function 3 (fac): integer divide by zero". */
OX_API const char *ox_error_message(const ox_error *e);
OX_API ox_trap ox_error_trap(const ox_error *e);        /* OX_TRAP_NONE unless a trap */
OX_API int ox_error_exit_status(const ox_error *e);     /* for OX_ERR_EXIT */
/* For OX_ERR_EXCEPTION: the exception's tag (valid while its store lives),
   else NULL. A host function that returns such an error (say, from a
   nested ox_func_call) rethrows the exception into its wasm caller. */
OX_API ox_tag *ox_error_exception_tag(const ox_error *e);
/* Byte offset in the module binary for MALFORMED/INVALID, else -1. */
OX_API int64_t ox_error_offset(const ox_error *e);
/* Name (from the name section) or "func[N]" of the function that trapped;
   NULL when not a trap. */
OX_API const char *ox_error_function(const ox_error *e);
OX_API void ox_error_free(ox_error *e);

/* For host functions and embedders: make an error with a printf message. */
OX_API ox_error *ox_error_new(ox_errcode code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
OX_API ox_error *ox_error_exit(int status);

/* ---- Engine ----------------------------------------------------------- */

/* Which tier runs WebAssembly code (ox_config.tier). */
typedef enum ox_tier {
    OX_TIER_INTERP = 0,           /* the interpreter only (the default) */
    OX_TIER_JIT,                  /* every function the compiler handles is
                                     compiled to machine code when its module
                                     is loaded; the rest is interpreted.
                                     Needs a build with LLVM (OX_LLVM):
                                     ox_engine_new refuses it otherwise
                                     (OX_ERR_UNSUPPORTED). */
    OX_TIER_AUTO,                 /* start interpreted; a module that keeps
                                     running (sampled every millisecond) is
                                     compiled by a background thread, and its
                                     functions run compiled from their next
                                     call on. A module in the code cache
                                     (jit_cache_dir) starts compiled. Without
                                     the compiler: the interpreter alone. */
} ox_tier;

/* Whether this build has the compiling tier (OX_TIER_JIT). */
OX_API bool ox_jit_available(void);
/* Whether f runs as machine code (compiled by that tier); false for
   interpreted and host functions. */
OX_API bool ox_func_is_compiled(const ox_func *f);
/* How many of m's defined functions the compiling tier compiled (0 with
   the interpreter), their total in *total (may be NULL). */
OX_API size_t ox_module_compiled_funcs(const ox_module *m, size_t *total);
/* Why the auto tier's background compilation of m failed (it then runs
   interpreted), or NULL: not failed, or not finished. Owned by m. (With
   OX_TIER_JIT a failure is ox_module_new's error instead.) */
OX_API const ox_error *ox_module_jit_error(const ox_module *m);

typedef struct ox_config {
    uint32_t max_call_depth;      /* wasm frames per call; 0 = default (20000) */
    uint32_t max_stack_slots;     /* value-stack slots per store; 0 = default (1M) */
    uint32_t max_memory_pages;    /* per memory; 0 = no limit beyond 65536 */
    uint32_t max_table_elems;     /* per table; 0 = default (10,000,000) */
    uint64_t max_module_bytes;    /* host memory for decoding; 0 = default */
    bool disable_fusion;          /* compile without superinstructions: slower,
                                     for testing and debugging the compiler */
    uint64_t max_gc_bytes;        /* GC heap (structs, arrays) per store, in bytes;
                                     0 = default (1 GiB). Beyond it, after a
                                     collection, an allocation traps. */
    ox_tier tier;                 /* OX_TIER_INTERP (0) by default */
    const char *jit_cache_dir;    /* OX_TIER_JIT: where compiled code is kept
                                     between runs (created if missing; the
                                     engine copies the path), so a module
                                     compiled once loads compiled. NULL: no
                                     cache. `oxide` uses $XDG_CACHE_HOME/oxide */
    bool jit_osr_test;            /* OX_TIER_JIT, for testing on-stack
                                     replacement: functions are compiled but
                                     called in the interpreter, and every
                                     loop the compiler can enter moves to
                                     compiled code at its first back-edge.
                                     Slow; not for production. */
} ox_config;

/* cfg may be NULL for defaults. */
OX_API ox_error *ox_engine_new(const ox_config *cfg, ox_engine **out);
OX_API void ox_engine_free(ox_engine *e);

/* Which build of the interpreter runs on this CPU: "x86-64-v3" (AVX2,
   chosen at run time when the CPU has it), "x86-64 (SSE2)" or "portable".
   Decided once per process; OXIDE_ISA=baseline in the environment forces
   the baseline build. A static string. */
OX_API const char *ox_interp_isa(void);

/* ---- Modules ---------------------------------------------------------- */

/* Decode, validate and compile. The bytes are copied; the caller keeps
   ownership of `bytes`. */
OX_API ox_error *ox_module_new(ox_engine *e, const uint8_t *bytes, size_t len, ox_module **out);
OX_API ox_error *ox_module_load_file(ox_engine *e, const char *path, ox_module **out);
/* Both take the binary format or the text format (WAT), told apart by
   content: bytes that start with the binary magic "\0asm" are binary,
   anything else is read as text. A text error says where:
   "FILE:LINE:COL: ..." (OX_ERR_MALFORMED). */

/* The text format to the binary format: a module `(module ...)`, or the
   fields of one without the `(module ...)` around them. On success *out
   is a malloc'd binary of *outlen bytes the caller frees with free(). On
   error (OX_ERR_MALFORMED, message "LINE:COL: what was expected") *out is
   NULL. The binary is not validated: ox_module_new does that. */
OX_API ox_error *ox_wat_to_wasm(const char *text, size_t len, uint8_t **out, size_t *outlen);
/* Print a module in the text format (`oxide inspect --wat`). Function
   names come from the name section; other custom sections are not kept.
   Reading the output back with ox_wat_to_wasm gives a module with the same
   binary encoding for modules that came from text. */
OX_API ox_error *ox_module_print_wat(const ox_module *m, FILE *out);
OX_API void ox_module_free(ox_module *m);

OX_API size_t ox_module_import_count(const ox_module *m);
OX_API void ox_module_import(const ox_module *m, size_t i, const char **module,
                      const char **name, ox_externtype *type);
OX_API size_t ox_module_export_count(const ox_module *m);
/* Names may contain NUL bytes; *name_len (may be NULL) gets the length. */
OX_API void ox_module_export(const ox_module *m, size_t i, const char **name, size_t *name_len,
                      ox_externtype *type);
/* Export i's index in the index space of its kind (imports first). */
OX_API uint32_t ox_module_export_index(const ox_module *m, size_t i);
/* The module's binary encoding (borrowed, lives as long as the module): the
   bytes it was made from, or for a module made from text the binary the
   text assembled to (`oxide wat2wasm` writes it). */
OX_API const uint8_t *ox_module_binary(const ox_module *m, size_t *len);
/* Functions in the function index space: imported, then defined. */
OX_API uint32_t ox_module_func_count(const ox_module *m);
/* Function name from the name section, or NULL. Index in function index space. */
OX_API const char *ox_module_func_name(const ox_module *m, uint32_t funcidx);
/* Print the compiled code of function `funcidx` (function index space) to
   `out`: the engine's internal ops, one per line, with their operands
   (`oxide inspect --code`). For debugging the compiler: the format follows
   the internal code and is not stable. OX_ERR_NOTFOUND for an imported or
   missing function. */
OX_API ox_error *ox_module_print_code(const ox_module *m, uint32_t funcidx, FILE *out);

/* ---- Stores and instances --------------------------------------------- */

typedef struct ox_extern {
    ox_extern_kind kind;
    union {
        ox_func *func;
        ox_table *table;
        ox_memory *memory;
        ox_global *global;
        ox_tag *tag;
    } of;
} ox_extern;

OX_API ox_error *ox_store_new(ox_engine *e, ox_store **out);
OX_API void ox_store_free(ox_store *s);
/* Thread-safe: make the call running in this store (if any) trap with
   "interrupted" at its next loop iteration or call. */
OX_API void ox_store_interrupt(ox_store *s);

/* Fuel: a budget for the calls that follow. Each function entry and each
   loop iteration costs one unit; when the budget is spent the call traps
   with "fuel exhausted". 0 switches metering off (the default), and then it
   costs nothing. ox_store_fuel() tells what is left. */
OX_API void ox_store_set_fuel(ox_store *s, uint64_t fuel);
OX_API uint64_t ox_store_fuel(const ox_store *s);
/* Deadline: each outermost call may run `ms` milliseconds before it traps
   with "interrupted"; 0 = no deadline (the default). */
OX_API void ox_store_set_timeout(ox_store *s, uint64_t ms);

/* Instantiate with imports given in the module's import order. Runs data and
   element initialisation and the start function. On a trap during start the
   error is returned and *out is NULL (the partially initialised memories and
   tables that were shared through imports keep their writes, per the spec). */
OX_API ox_error *ox_instance_new(ox_store *s, ox_module *m, const ox_extern *imports,
                          size_t nimports, ox_instance **out);

/* Look an export up by name; false if there is none. */
OX_API bool ox_instance_export(const ox_instance *inst, const char *name, ox_extern *out);
OX_API bool ox_instance_export_n(const ox_instance *inst, const char *name, size_t len, ox_extern *out);
OX_API size_t ox_instance_export_count(const ox_instance *inst);
OX_API void ox_instance_export_at(const ox_instance *inst, size_t i, const char **name,
                           size_t *name_len, ox_extern *out);
OX_API const ox_module *ox_instance_module(const ox_instance *inst);
/* The instance's memory 0, or NULL. */
OX_API ox_memory *ox_instance_memory(const ox_instance *inst);

/* ---- Linker: imports by name ------------------------------------------ */

OX_API ox_error *ox_linker_new(ox_linker **out);
OX_API void ox_linker_free(ox_linker *l);
/* Names are copied. A later definition of the same (module, name) replaces
   the earlier one. */
OX_API ox_error *ox_linker_define(ox_linker *l, const char *module, const char *name, ox_extern ext);
/* Define every export of `inst` under module name `module`. */
OX_API ox_error *ox_linker_define_instance(ox_linker *l, const char *module, const ox_instance *inst);
OX_API ox_error *ox_linker_instantiate(ox_linker *l, ox_store *s, ox_module *m, ox_instance **out);

/* ---- Functions -------------------------------------------------------- */

/* A host function. args has type->nparams values, results room for
   type->nresults, already tagged with their types. Return NULL on success or
   an error (which becomes a trap of kind OX_TRAP_HOST, or an exit). */
typedef ox_error *(*ox_host_fn)(ox_caller *caller, void *user, const ox_val *args,
                                ox_val *results);

/* `type` is copied. `finalize` (may be NULL) is called with `user` when the
   store is freed. */
OX_API ox_error *ox_func_new_host(ox_store *s, const ox_functype *type, ox_host_fn fn, void *user,
                           void (*finalize)(void *), ox_func **out);

/* A value in a cell of the engine's own stack, untagged: an i32 or f32 in
   the low half (the rest undefined), a reference as its pointer (NULL is
   null), a v128 in two cells, its low 8 bytes first. */
typedef union ox_raw {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    void *ref;
} ox_raw;

/* A host function on raw cells, for imports called often (WASI's are):
   no tagged copies of the values. `cells` holds the arguments in order,
   each in its cells (one, two for a v128); the function writes its
   results over them from cells[0], in the same layout. There are as many
   cells as the arguments or the results take, whichever is more. Results
   are not checked: a reference result must be one of the store's, of
   the type the signature gives. Same ownership and errors as
   ox_func_new_host. */
typedef ox_error *(*ox_host_raw_fn)(ox_caller *caller, void *user, ox_raw *cells);
OX_API ox_error *ox_func_new_host_raw(ox_store *s, const ox_functype *type, ox_host_raw_fn fn,
                                      void *user, void (*finalize)(void *), ox_func **out);
OX_API const ox_functype *ox_func_type(const ox_func *f);
/* Call with nargs arguments (checked against the type) into nresults slots. */
OX_API ox_error *ox_func_call(ox_func *f, const ox_val *args, size_t nargs, ox_val *results,
                       size_t nresults);

/* Inside a host function: the calling instance's memory 0 (NULL if none),
   the store, and an export of the calling instance. */
OX_API ox_memory *ox_caller_memory(ox_caller *c);
OX_API ox_store *ox_caller_store(ox_caller *c);
OX_API bool ox_caller_export(ox_caller *c, const char *name, ox_extern *out);
/* Inside a host function: NULL while the running call may go on, else a new
   "interrupted" trap (OX_TRAP_INTERRUPTED) for the host function to return,
   which ends the call as if the guest had been interrupted at a check
   point: another thread called ox_store_interrupt(), or the call's deadline
   (ox_store_set_timeout) has passed. Host functions that block (sleep,
   poll, read a pipe) should wait in short slices and check between them,
   or a deadline cannot end a guest stuck in them. Costs an atomic load and,
   with a deadline set, a clock read. The caller frees a non-NULL result
   (usually by returning it). */
OX_API ox_error *ox_caller_interrupted(ox_caller *c);

/* ---- Memories --------------------------------------------------------- */

#define OX_PAGE_SIZE 65536u

OX_API ox_error *ox_memory_new(ox_store *s, ox_limits limits, ox_memory **out);
/* Base address; it does not move when the memory grows. */
OX_API uint8_t *ox_memory_data(const ox_memory *m);
OX_API size_t ox_memory_size(const ox_memory *m);    /* bytes */
OX_API uint32_t ox_memory_pages(const ox_memory *m);
OX_API ox_limits ox_memory_limits(const ox_memory *m);
/* Grow by delta pages; *old_pages gets the previous size (may be NULL). */
OX_API ox_error *ox_memory_grow(ox_memory *m, uint32_t delta, uint32_t *old_pages);
/* Bounds-checked copies between host and linear memory. */
OX_API ox_error *ox_memory_read(const ox_memory *m, uint64_t addr, void *dst, size_t len);
OX_API ox_error *ox_memory_write(ox_memory *m, uint64_t addr, const void *src, size_t len);

/* ---- Tables ----------------------------------------------------------- */

OX_API ox_error *ox_table_new(ox_store *s, ox_valtype elem, ox_limits limits, ox_val init,
                       ox_table **out);
OX_API uint32_t ox_table_size(const ox_table *t);
OX_API ox_valtype ox_table_elem_type(const ox_table *t);
OX_API ox_limits ox_table_limits(const ox_table *t);
OX_API ox_error *ox_table_get(const ox_table *t, uint32_t i, ox_val *out);
OX_API ox_error *ox_table_set(ox_table *t, uint32_t i, ox_val v);
OX_API ox_error *ox_table_grow(ox_table *t, uint32_t delta, ox_val init, uint32_t *old_size);

/* ---- Globals ---------------------------------------------------------- */

OX_API ox_error *ox_global_new(ox_store *s, ox_valtype type, bool mutable_, ox_val init,
                        ox_global **out);
OX_API ox_valtype ox_global_type(const ox_global *g);
OX_API bool ox_global_mutable(const ox_global *g);
OX_API ox_val ox_global_get(const ox_global *g);
OX_API ox_error *ox_global_set(ox_global *g, ox_val v); /* error if immutable or mistyped */

/* ---- Tags (exception handling) ---------------------------------------- */

/* A new tag whose exceptions carry values of type->params (type->nresults
   must be 0; `type` is copied). Tags are compared by identity. */
OX_API ox_error *ox_tag_new(ox_store *s, const ox_functype *type, ox_tag **out);
OX_API const ox_functype *ox_tag_type(const ox_tag *t);

/* Exceptions. A host function throws one by returning ox_exception_throw's
   error: the wasm that called it may catch it; returned to the embedder,
   it is an OX_ERR_EXCEPTION error. Its tag's params give its values'
   types. An exception's tag and values: of an error (an uncaught one,
   ox_error_exception_*), or of an exnref (ox_exnref_*; NULL for null). */
OX_API ox_error *ox_exception_throw(ox_tag *tag, const ox_val *args, size_t nargs);
OX_API ox_error *ox_error_exception_values(const ox_error *e, ox_val *out, size_t n);
OX_API ox_tag *ox_exnref_tag(const void *exnref);
OX_API ox_error *ox_exnref_values(const void *exnref, ox_val *out, size_t n);

#ifdef __cplusplus
}
#endif
#endif
