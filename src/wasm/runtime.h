/*
 * runtime.h — store objects as the interpreter sees them (internal).
 *
 * A store owns every function, memory, table, global and instance made in
 * it; they are freed together by ox_store_free(). Nothing here is shared
 * between stores, so stores on different threads never touch each other.
 */
#ifndef OX_RUNTIME_H
#define OX_RUNTIME_H

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "module.h"

/* One value-stack cell. i32/f32 use the low half; refs are pointers
   (funcref: ox_func*, externref: the embedder's void*), NULL is null. A
   v128 takes two adjacent cells, its low 8 bytes first (ox_val_slots):
   params, locals, operand-stack values and results are laid out by these
   widths, so scalar code keeps its 8-byte cells. */
typedef union ox_slot {
    uint32_t i32;
    uint64_t i64;
    float f32;
    double f64;
    void *ref;
} ox_slot;


/* Events of a store for the auto tier (src/jit/jit_auto.c): a store
   starts or ends its outermost call; a sample found `fn` running; a check
   point found OX_POLL_TIERUP (compiled code to take); a sample found `fn`
   calling (interp.c: at a function's entry, its caller, whose loop may
   then want an OSR entry). */
enum { OX_TIER_EV_START, OX_TIER_EV_END, OX_TIER_EV_SAMPLE, OX_TIER_EV_TIERUP, OX_TIER_EV_CALLER };

/* watchdog.c: a thread that marks the stores whose call's deadline has
   passed (OX_POLL_EXPIRED), started by the first arming. Arming fails when
   the thread cannot start (or w is NULL); the store reads the clock then. */
typedef struct ox_watchdog ox_watchdog;
ox_watchdog *ox_watchdog_new(void);
bool ox_watchdog_arm(ox_watchdog *w, ox_store *s);
void ox_watchdog_disarm(ox_watchdog *w, ox_store *s);
void ox_watchdog_free(ox_watchdog *w);

struct ox_engine {
    ox_config cfg;            /* defaults filled in */
    ox_watchdog *watchdog;    /* for deadlines (NULL if out of memory: the clock is read) */
    pthread_mutex_t jit_lock; /* guards jit_codes */
    struct ox_jitcode **jit_codes; /* compiled code loaded now (src/jit/jit_load.c) */
    size_t njit_codes, capjit_codes;
    struct ox_tierer *tierer; /* OX_TIER_AUTO: the background compiler */
    void (*tier_event)(ox_store *s, ox_func *fn, int event);
};

struct ox_func {
    const ox_functype *type;  /* wasm: the module's type; host: own copy */
    uint32_t type_id;         /* store-canonical: equal ids <=> equal types */
    ox_instance *inst;        /* defining instance; NULL for host functions */
    ox_store *store;          /* the store that owns it */
    const struct ox_code *code; /* compiled body; NULL for host functions */
    /* Not run by the interpreter: a host function's or a compiled one's
       entry (one test on the interpreter's call path, beside `code`), NULL
       otherwise; compiled (src/jit/jit.h): `native` and `wrap`, which
       enter runs. */
    ox_enter_fn enter;
    uint32_t funcidx;         /* index in the defining module */
    ox_host_fn host;          /* a host function's callback: tagged values, */
    ox_host_raw_fn host_raw;  /* or cells (one of the two is set) */
    void *user;
    void (*finalize)(void *);
    void *native;
    ox_jit_wrap wrap;
    ox_jit_osr osr;           /* compiled, entered at a loop (interp.c, OSR) */
};

/* The address space a 32-bit memory reserves when the engine compiles
   (src/jit): an access's 32-bit address plus its 32-bit offset stays
   below 8 GiB, so beyond the accessible pages every access compiled code
   makes lands in inaccessible pages and faults, the bounds check. */
#define OX_GUARDED_RESERVE ((size_t)1 << 33)

struct ox_memory {
    uint8_t *data;            /* reserved once; never moves */
    uint64_t size;            /* bytes accessible = pages * 64 KiB */
    uint32_t pages;
    ox_limits limits;
    uint32_t max_pages;       /* effective maximum (limits, engine config) */
    size_t reserved;          /* bytes of address space reserved */
};

struct ox_table {
    void **elems;             /* size entries */
    uint32_t size, cap;
    ox_valtype elem;
    ox_limits limits;
    uint32_t max_elems;       /* effective maximum */
};

struct ox_global {
    ox_slot val[2];           /* val[1]: a v128's high half */
    ox_valtype type;
    bool mutable_;
};

/* A tag (exception handling): exceptions are matched by tag identity. */
struct ox_tag {
    const ox_functype *type;  /* the module's type, or (ox_tag_new) a copy the store frees */
    uint32_t type_id;         /* the store's id of it (typereg.c) */
    ox_store *store;
    ox_instance *inst;        /* defining instance; NULL for ox_tag_new */
    uint32_t index;           /* in the defining module */
};

/* An exception: its tag and its values laid out as a call's arguments.
   In flight it belongs to whoever throws it (the interpreter, or the
   ox_error carrying it out of a call); once an exnref to it exists
   (catch_ref, catch_all_ref) it is `exposed` and the store owns it until
   it is freed. */
typedef struct ox_exn {
    ox_tag *tag;
    bool exposed;
    uint8_t mark;             /* the collector's (gc.c) */
    uint32_t nslots;
    ox_slot vals[];
} ox_exn;

/* The most exposed exceptions a store keeps alive at once: the collector
   frees those no exnref reaches (gc.c); a guest that keeps more gets an
   error at this point, not the host's memory. */
#define OX_MAX_EXPOSED_EXNS (1u << 20)

/* An element segment after instantiation: its evaluated references. After
   elem.drop (or for active and declarative segments once instantiated)
   count is 0. */
typedef struct ox_elemrefs {
    uint32_t count;
    void **refs;
} ox_elemrefs;

struct ox_instance {
    ox_store *store;
    ox_module *module;        /* holds a reference */
    ox_func **funcs;          /* module->nfuncs */
    ox_table **tables;        /* module->ntables */
    ox_memory **mems;         /* module->nmems */
    ox_global **globals;      /* module->nglobals */
    ox_tag **tags;            /* module->ntags */
    uint32_t *type_ids;       /* module->ntypes: canonical ids */
    ox_elemrefs *elems;       /* module->nelems */
    uint8_t *data_dropped;    /* module->ndatas */
    ox_func *own_funcs;       /* the defined functions' storage */
    ox_trap eval_trap;        /* a constant expression's allocation failed */
    ox_tag *own_tags;         /* the defined tags' storage */
    uint8_t *jit_mem0;        /* memory 0's base for compiled code (NULL: none) */
    const struct ox_jitcode *jit_taken; /* the module's compiled code its functions took */
};

struct ox_caller {
    ox_store *store;
    ox_instance *inst;        /* instance of the wasm function that called */
};

struct ox_exec; /* interpreter state of a store: owned by interp.c */

/* A store's canonical types (typereg.c): per id its kind, whether final,
   its supertype's id (UINT32_MAX: none); the registered groups' keys
   (words), and a hash table of the groups (slots: group index + 1). */
struct ox_stype {
    uint8_t kind;
    bool final;
    uint32_t super;
    /* the layout (gc.c): a struct's slots and what each holds, or an
       array's element size and what its elements hold */
    uint32_t nslots;
    uint8_t *trace;           /* nslots entries (structs) */
    uint8_t esize, etrace;    /* arrays */
};
struct ox_typegroup {
    size_t off, len;          /* its key in words */
    uint32_t base;            /* the id of its first type */
    uint64_t hash;
};
typedef struct ox_typereg {
    struct ox_stype *types;
    size_t ntypes, captypes;
    uint32_t *words;
    size_t nwords, capwords;
    struct ox_typegroup *groups;
    size_t ngroups, capgroups;
    uint32_t *slots;
    size_t capslots;
} ox_typereg;

/* A growable array of pointers owned by the store, for freeing. */
typedef struct ox_ptrvec {
    void **v;
    size_t n, cap;
} ox_ptrvec;

#define OX_GC_CLASSES 16 /* small objects' size classes (gc.c) */

/* A store's GC heap (gc.h, gc.c): its objects, the bytes they take and
   when to collect next, the set of extern boxes, the mark stack. */
typedef struct ox_gcheap {
    struct ox_gcobj *objects;
    size_t bytes, next_gc;
    void **boxes;             /* open addressing: NULL empty, OX_GC_GONE removed */
    size_t nboxes, capboxes;
    struct ox_gcobj **stack;
    size_t nstack, capstack;
    bool overflow;            /* the mark stack could not grow: keep everything */
    struct ox_exn **xstack;   /* exceptions marked, their values to trace */
    size_t nxstack, capxstack;
    size_t next_exns;         /* collect when this many exceptions are exposed */
    /* small objects: free lists by size class, and the chunks they come from */
    void *free_lists[OX_GC_CLASSES];
    uint8_t *bump, *bump_end;
    void **chunks;
    size_t nchunks, capchunks;
    uint64_t collections;
} ox_gcheap;

struct ox_store {
    ox_engine *engine;
    ox_ptrvec funcs;          /* host functions (wasm ones live in instances) */
    ox_ptrvec memories, tables, globals, instances;
    ox_typereg typereg;       /* canonical types (typereg.c) */
    ox_gcheap gc;             /* structs and arrays (gc.c) */
    ox_ptrvec tags;           /* tags made by ox_tag_new */
    ox_ptrvec exns;           /* exposed exceptions (ox_exn*) */
    struct ox_exec *exec;     /* created on first call */
    /* Non-zero when the interpreter must look at the store at its next
       check point (function entry, loop back-edge): the OX_POLL_ bits
       below. Zero keeps the check to one load and branch. */
    atomic_uint interrupt;
    uint32_t host_depth;      /* host→wasm re-entries under way */
    uint32_t calls_active;    /* ox_func_call nesting (0: none running) */
    uint64_t fuel;            /* budget left while fuel_on */
    bool fuel_on;
    uint64_t timeout_ns;      /* per outermost call; 0 = none */
    uint64_t deadline_ns;     /* CLOCK_MONOTONIC time of the running call's deadline */
    bool armed;               /* the engine's watchdog looks after that deadline */
    uint32_t poll_count;      /* OX_POLL_CLOCK: check points since the clock was read */
    /* Compiled code (src/jit): the calls it may still make before "call
       stack exhausted", and the lowest address of the C stack it may use. */
    uint32_t jit_left;
    uint64_t jit_stack_limit;
    uint64_t tier_gen;        /* the auto tier's publications this store has taken */
    uint64_t osr_taken;       /* interpreted frames compiled code took over (interp.c) */
};

/* Bits of store->interrupt, which the interpreter's check points read:
   zero means nothing to do. */
#define OX_POLL_INTERRUPT 1u /* ox_store_interrupt was called */
#define OX_POLL_EXPIRED 2u   /* the running call's deadline has passed (watchdog.c) */
#define OX_POLL_FUEL 4u      /* fuel is metered */
#define OX_POLL_SAMPLE 8u    /* the auto tier asks what runs (src/jit/jit_auto.c) */
#define OX_POLL_TIERUP 16u   /* the auto tier has compiled code for the store's instances */
#define OX_POLL_OSR_TEST 32u /* ox_config.jit_osr_test: every check point's slow path
                                runs (back-edges try OSR there); never cleared */
#define OX_POLL_CLOCK 64u    /* a deadline without the watchdog: read the clock now and then */

/* store.c: the slow path of the interpreter's check point, taken when
   store->interrupt is non-zero: charges `cost` fuel units (the code about
   to run, code.h) and looks for interrupts and the deadline; `fn` (may be
   NULL) is the function running, for the auto tier's samples. Returns the
   trap to raise, or OX_TRAP_NONE to go on. */
ox_trap ox_store_poll(ox_store *s, uint32_t cost, ox_func *fn);
/* store.c: why the running call should stop (OX_TRAP_INTERRUPTED or
   OX_TRAP_DEADLINE), or OX_TRAP_NONE, for host functions; clears nothing,
   so the interpreter's next check point still sees an interrupt. */
ox_trap ox_store_should_stop(ox_store *s);
/* store.c: bracket an outermost call (starts its deadline, forgets stale
   interrupts) — called by ox_func_call and instantiation. */
void ox_store_call_begin(ox_store *s);
void ox_store_call_end(ox_store *s);

/* store.c */
/* A functype with its value types copied into one malloc'd block. */
ox_functype *ox_functype_dup(const ox_functype *t);

/* typereg.c: the ids of a module's types (ids[m->ntypes]), registering
   the new ones; the id of a host function's type (abstract types only,
   else OX_ERR_ARG); subtyping of ids and of store-space value types; a
   module's value type in store space (its type indices made ids). */
ox_error *ox_typereg_module(ox_typereg *r, const ox_module *m, uint32_t *ids);
uint32_t ox_store_type_id(ox_store *s, const ox_functype *t, ox_error **err);
bool ox_typereg_sub(const ox_typereg *r, uint32_t a, uint32_t b);
bool ox_typereg_vt_sub(const ox_typereg *r, ox_valtype a, ox_valtype b);
ox_valtype ox_store_valtype(const uint32_t *ids, ox_valtype t);
/* Why t (store space) cannot type an object of the store (with v, its
   initial value), or NULL: the embedder's globals and tables. */
const char *ox_typereg_check(const ox_typereg *r, ox_valtype t, const ox_val *v);
void ox_typereg_free(ox_typereg *r);
ox_error *ox_ptrvec_push(ox_ptrvec *v, void *p);

/* instance.c: the instance's functions take its module's compiled code
   (src/jit), once it has some: at instantiation, and (the auto tier) in
   the store's thread when the code arrives later. */
void ox_instance_take_jit(ox_instance *inst);

/* instance.c: free an instance's own arrays and its module reference (the
   store frees the objects it made). */
void ox_instance_destroy(ox_instance *inst);

/* memory.c / table.c: growth as the instructions do it. Return the old
   size, or -1 when the limits (or the host) refuse. */
int64_t ox_memory_grow_raw(ox_memory *m, uint32_t delta);
int64_t ox_table_grow_raw(ox_table *t, uint32_t delta, void *init);

/* exec.h functions, implemented by the interpreter. */
/* Call f with f->type->nparams args, writing nresults results. */
ox_error *ox_exec_call(ox_store *s, ox_func *f, const ox_val *args, ox_val *results);
/* The same with the args in slots[] (laid out by their widths), the
   results written there: a call from compiled code (src/jit) through the
   runtime, `caller` the calling function's instance. */
ox_error *ox_exec_call_slots(ox_store *s, ox_instance *caller, ox_func *f, ox_slot *slots);
/* A host function's ox_func.enter (interp.c). */
ox_error *ox_exec_host_enter(ox_store *s, ox_instance *caller, ox_func *f, ox_slot *slots);
void ox_exec_free(struct ox_exec *x);

/* compile.h functions, implemented by the compiler. */
/* Validate and compile every function body of m (sets funcs[i].code). */
ox_error *ox_compile_module(ox_module *m);
void ox_code_free(struct ox_code *c);

/* exn.c: exceptions. A new exception of `tag` with the values at `vals`
   (NULL when out of memory); the error that carries one out of a call
   (taking it over unless exposed); the exception such an error carries,
   now the caller's (NULL if none); expose one (an exnref to it is about
   to exist): false when the store holds too many. */
ox_exn *ox_exn_new(ox_tag *tag, const ox_slot *vals);
/* The handler of `code` (code.h) that catches x thrown at cell `at` of a
   function of `inst`, or NULL. */
struct ox_code;
const struct ox_handler *ox_exn_handler(const struct ox_code *code, uint32_t at, const ox_exn *x,
                                        const ox_instance *inst);
ox_error *ox_exn_error(ox_exn *x);
ox_exn *ox_error_take_exn(ox_error *e);
const ox_exn *ox_error_peek_exn(const ox_error *e); /* the exception, still the error's */
bool ox_exn_expose(ox_store *s, ox_exn *x);
/* error.c: an OX_ERR_EXCEPTION error with this message, holding x (owned
   when `owns`). */
ox_error *ox_error_exception(ox_exn *x, bool owns, const char *msg);

/* error.c: a trap raised in the function labelled `func`. */
ox_error *ox_trap_error_named(ox_trap kind, const char *func);
/* interp.c: a trap raised in function `funcidx` of `inst` (inst may be
   NULL for host functions; funcidx UINT32_MAX means during instantiation). */
ox_error *ox_trap_error(ox_trap kind, const ox_instance *inst, uint32_t funcidx);

/* error.c: a host function's error as it leaves the interpreter: exits
   and traps pass through, anything else becomes an OX_TRAP_HOST trap that
   keeps the host's message. Takes ownership. */
ox_error *ox_trap_from_host(ox_error *host_err);

/* A host function on raw cells (ox_func_new_host_raw) called on slots. */
static inline ox_error *ox_call_host_raw(ox_store *s, ox_func *f, ox_instance *caller_inst, ox_slot *slots)
{
    ox_caller caller = {s, caller_inst};
    ox_error *err = f->host_raw(&caller, f->user, (ox_raw *)slots);
    return err ? ox_trap_from_host(err) : NULL;
}

/* Cells a value of type t takes: 2 for v128, else 1. */
static inline uint32_t ox_val_slots(ox_valtype t) { return t == OX_V128 ? 2u : 1u; }
/* Cells `n` values of the types ts[0..n) take, laid out in order. */
static inline uint32_t ox_types_slots(const ox_valtype *ts, uint32_t n)
{
    uint32_t w = 0;
    for (uint32_t k = 0; k < n; k++)
        w += ox_val_slots(ts[k]);
    return w;
}

/* Conversions between tagged public values and raw cells: a scalar or
   reference in one (ox_val_to_slot / ox_slot_to_val), any value in its
   ox_val_slots(type) cells at `at` (ox_val_put / ox_val_get). */
static inline ox_slot ox_val_to_slot(const ox_val *v)
{
    ox_slot s;
    s.i64 = 0;
    switch (v->type) {
    case OX_I32: s.i32 = (uint32_t)v->of.i32; break;
    case OX_I64: s.i64 = (uint64_t)v->of.i64; break;
    case OX_F32: s.f32 = v->of.f32; break;
    case OX_F64: s.f64 = v->of.f64; break;
    default: /* a reference: every kind is a pointer */
        if (ox_is_reftype(v->type))
            s.ref = v->of.anyref;
        break;
    }
    return s;
}

/* Fill *v in place from cell s: callers on a hot path (host calls) use
   this rather than ox_slot_to_val, whose returned struct is copied whole
   just after being written in parts (a store-forwarding stall per value). */
static inline void ox_slot_read(ox_val *v, ox_slot s, ox_valtype t)
{
    v->type = t;
    memset(&v->of, 0, sizeof v->of);
    switch (t) {
    case OX_I32: v->of.i32 = (int32_t)s.i32; break;
    case OX_I64: v->of.i64 = (int64_t)s.i64; break;
    case OX_F32: v->of.f32 = s.f32; break;
    case OX_F64: v->of.f64 = s.f64; break;
    default:
        if (ox_is_reftype(t))
            v->of.anyref = s.ref;
        break;
    }
}

static inline ox_val ox_slot_to_val(ox_slot s, ox_valtype t)
{
    ox_val v;
    memset(&v, 0, sizeof v);
    ox_slot_read(&v, s, t);
    return v;
}

/* Store v at `at`; returns the cells written. */
static inline uint32_t ox_val_put(ox_slot *at, const ox_val *v)
{
    if (v->type == OX_V128) {
        memcpy(at, v->of.v128, 16);
        return 2;
    }
    *at = ox_val_to_slot(v);
    return 1;
}

/* The value of type t in its cells at `at`, filled in place (ox_slot_read). */
static inline void ox_val_read(ox_val *v, const ox_slot *at, ox_valtype t)
{
    if (t != OX_V128) {
        ox_slot_read(v, *at, t);
        return;
    }
    v->type = OX_V128;
    memcpy(v->of.v128, at, 16);
}

static inline ox_val ox_val_get(const ox_slot *at, ox_valtype t)
{
    ox_val v;
    ox_val_read(&v, at, t);
    return v;
}

#endif
