/*
 * module.h — the decoded form of a WebAssembly module (internal).
 *
 * decode.c fills it from the binary, validate_module.c checks everything but
 * function bodies, and the function compiler (compile.c) validates each body
 * and attaches its pre-decoded code. After ox_module_new() returns, a module
 * is immutable and may be shared by stores on several threads.
 *
 * Everything hangs off one arena-like ownership tree freed by
 * ox_module_free(); `bytes` is the module's private copy of the binary, and
 * byte spans (code bodies, constant expressions, data) point into it.
 */
#ifndef OX_MODULE_H
#define OX_MODULE_H

#include <stdatomic.h>

#include "oxide/wasm.h"
#include "valtype.h"


/* A span of the module's own copy of the binary. */
typedef struct ox_span {
    uint32_t off, len; /* offset into ox_module.bytes */
} ox_span;

/* A name: NUL-terminated copy, but may contain NULs, so len is authoritative. */
typedef struct ox_name {
    char *str;
    uint32_t len;
} ox_name;

typedef struct ox_import {
    ox_name module, name;
    ox_extern_kind kind;
    union {
        uint32_t typeidx;                                  /* func, tag */
        struct { ox_valtype elem; ox_limits limits; } table;
        ox_limits memory;
        struct { ox_valtype type; bool mutable_; } global;
    } u;
} ox_import;

typedef struct ox_export {
    ox_name name;
    ox_extern_kind kind;
    uint32_t index; /* in the kind's index space (imports first) */
} ox_export;

/* A constant expression (constexpr.c): `expr` covers the instructions and
   the final `end`; the first instruction is kept decoded. */
typedef struct ox_constexpr {
    ox_span expr;
    uint32_t ninstr;  /* instructions before `end` */
    uint32_t at;      /* offset of the first one */
    uint64_t imm;     /* its constant bits, index or reference type */
    uint16_t op;      /* its enum ox_opcode */
} ox_constexpr;

typedef struct ox_globaldef {
    ox_valtype type;
    bool mutable_;
    ox_constexpr init;
} ox_globaldef;

typedef struct ox_tabledef {
    ox_valtype elem;
    ox_limits limits;
    bool has_init;            /* elements start as `init` (3.0), not null */
    ox_constexpr init;
} ox_tabledef;

typedef enum ox_segmode {
    OX_SEG_ACTIVE,
    OX_SEG_PASSIVE,
    OX_SEG_DECLARATIVE,
} ox_segmode;

typedef struct ox_elemseg {
    ox_segmode mode;
    ox_valtype type;          /* a reference type: (ref func) for the index forms */
    uint32_t table;           /* active only */
    ox_constexpr offset;      /* active only */
    uint32_t count;
    bool exprs;               /* items (expressions), not funcidx */
    ox_constexpr *items;      /* count expressions yielding a reference, or
                                 NULL when funcidx is used */
    uint32_t *funcidx;        /* the compact encodings (a vector of function
                                 indices): item i is ref.func funcidx[i] */
} ox_elemseg;

typedef struct ox_dataseg {
    ox_segmode mode;          /* ACTIVE or PASSIVE */
    uint32_t memory;          /* active only */
    ox_constexpr offset;      /* active only */
    ox_span data;
} ox_dataseg;

/* A type of the type section. Since GC (3.0) every type is a subtype
   (final or not, with at most one declared supertype) of a recursive
   group, and a function, struct or array type. Types are compared by
   `canon`: two types are equivalent (spec 3.1 "type equivalence") exactly
   when their canon indices are equal (subtype.c computes them). */
enum { OX_COMP_FUNC, OX_COMP_STRUCT, OX_COMP_ARRAY };
#define OX_MANY_SUPERS (UINT32_MAX - 1)
#define OX_PACKED_I8 0x78
#define OX_PACKED_I16 0x77
typedef struct ox_field {
    ox_valtype type;          /* the unpacked type (i32 for packed fields) */
    uint8_t packed;           /* 0, OX_PACKED_I8 or OX_PACKED_I16 */
    bool mutable_;
} ox_field;

typedef struct ox_deftype {
    uint8_t kind;             /* OX_COMP_* */
    bool final;
    bool sub_form;            /* written as sub (0x50/0x4F), not a bare type */
    bool rec_form;            /* its group written as rec (0x4E), even of one */
    uint32_t empty_before;    /* empty groups, (rec), right before its group */
    uint32_t super;           /* the declared supertype, UINT32_MAX if none
                                 (OX_MANY_SUPERS: several, refused by validation) */
    uint32_t rec, nrec;       /* its recursive group: types [rec, rec + nrec) */
    uint32_t canon;           /* the first equivalent type of the module */
    uint32_t nfields;         /* struct: its fields; array: 1 */
    ox_field *fields;
} ox_deftype;

/* The abstract heap type a concrete one of this kind sits right below. */
static inline ox_heaptype ox_kind_heap(uint8_t kind)
{
    return kind == OX_COMP_FUNC ? OX_HT_FUNC : kind == OX_COMP_STRUCT ? OX_HT_STRUCT : OX_HT_ARRAY;
}

/* FNV-1a over words: the hash of a recursive group's key (subtype.c, typereg.c). */
static inline uint64_t ox_hash_words(const uint32_t *w, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ w[i]) * 1099511628211u;
    return h;
}

/* GC object layouts (gc.c). A struct's fields take one 8-byte slot each (a
   v128 two), in order, so struct.new copies them from the operand stack;
   an array's elements take their storage size (packed i8: 1 byte,
   references a pointer). */
static inline uint32_t ox_field_slots(const ox_field *f) { return f->type == OX_V128 ? 2 : 1; }
static inline uint32_t ox_field_slot(const ox_deftype *d, uint32_t i)
{
    uint32_t at = 0;
    for (uint32_t k = 0; k < i; k++)
        at += ox_field_slots(&d->fields[k]);
    return at;
}
static inline uint32_t ox_elem_size(const ox_field *f)
{
    if (f->packed)
        return f->packed == OX_PACKED_I8 ? 1 : 2;
    switch (f->type) {
    case OX_I32: case OX_F32: return 4;
    case OX_I64: case OX_F64: return 8;
    case OX_V128: return 16;
    default: return sizeof(void *);
    }
}

struct ox_code; /* compiled function body: owned by compile.c, see compile.h */

/* A compiled function's entry from the interpreter (src/jit/jit.h): its
   arguments read from slots, its results written there. */
typedef union ox_slot ox_slot;
typedef void (*ox_jit_wrap)(ox_store *s, ox_instance *inst, uint8_t *mem0, ox_slot *slots);
/* How the interpreter calls a function it does not run itself (a host
   function, a compiled one): its args in slots[], its results written
   there; `caller` the calling function's instance (NULL: the embedder). */
typedef ox_error *(*ox_enter_fn)(ox_store *s, ox_instance *caller, ox_func *f, ox_slot *slots);
/* A compiled function's on-stack-replacement entry (src/jit): the
   function entered at the loop keyed `key` (compile_ctl.c) with its locals
   in the interpreter's frame and the operand values below the loop (and
   its parameters) in the frame's operand stack `stack`, run to its end,
   its results written to the frame's first cells; returns 1, or 0 when it
   has no loop of that key. */
typedef int32_t (*ox_jit_osr)(ox_store *s, ox_instance *inst, uint8_t *mem0, ox_slot *frame,
                              ox_slot *stack, uint32_t key);
/* How the interpreter runs one (src/jit/jit_rt.c): *ran tells whether it did. */
typedef ox_error *(*ox_osr_enter_fn)(ox_store *s, ox_func *f, ox_slot *frame, ox_slot *stack,
                                     uint32_t key, bool *ran);

typedef struct ox_funcdef {
    uint32_t typeidx;
    ox_span body;             /* the code entry: locals vector + expression */
    struct ox_code *code;     /* set by the compiler; freed by ox_code_free */
    void *native;             /* the compiling tier's machine code, or NULL */
    ox_jit_wrap wrap;         /* its entry from the interpreter */
    ox_jit_osr osr;           /* its entry at a loop (auto tier), or NULL */
} ox_funcdef;

struct ox_module {
    ox_engine *engine;
    atomic_uint refcount;     /* the embedder's reference + one per instance */
    uint8_t *bytes;
    size_t nbytes;

    uint32_t ntypes;
    ox_functype *types;       /* params/results point into typestore; a struct
                                 or array type's entry is empty */
    ox_deftype *deftypes;     /* ntypes */
    uint32_t empty_recs_end;  /* empty groups after the last type */
    ox_valtype *typestore;
    ox_field *fieldstore;

    uint32_t nimports;
    ox_import *imports;
    /* Import counts per kind: these come first in each index space. */
    uint32_t nimport_funcs, nimport_tables, nimport_mems, nimport_globals, nimport_tags;

    uint32_t nfuncs;          /* total, imports included */
    uint32_t *functypes;      /* nfuncs: type index of every function */
    ox_funcdef *funcs;        /* nfuncs - nimport_funcs defined functions */

    uint32_t ntables;         /* total, imports included */
    ox_tabledef *tables;      /* ntables: imported ones copied from imports */

    uint32_t nmems;           /* total, imports included */
    ox_limits *mems;          /* nmems */

    uint32_t nglobals;        /* total, imports included */
    ox_globaldef *globals;    /* nglobals: imported ones have empty init */

    uint32_t ntags;           /* total, imports included (exception handling) */
    uint32_t *tagtypes;       /* ntags: each tag's type index (no results) */

    uint32_t nexports;
    ox_export *exports;

    bool has_start;
    uint32_t start;

    uint32_t nelems;
    ox_elemseg *elems;

    bool has_datacount;
    uint32_t datacount;
    uint32_t ndatas;
    ox_dataseg *datas;

    /* Functions that may be referenced by ref.func in function bodies:
       those in exports, element segments or global initialisers (C.refs). */
    uint8_t *func_declared;   /* nfuncs flags */

    /* name section: function names, NULL where absent */
    char **func_names;        /* nfuncs entries, or NULL if no name section */

    /* compiled code (src/jit), freed with the module; the auto tier's
       background thread sets it while instances run */
    struct ox_jitcode *_Atomic jit;
    /* the auto tier's first code, of the functions found hot, until the
       whole module's replaces it (kept: a call may still be running it) */
    struct ox_jitcode *_Atomic jit_hot;
    bool jit_hot_tried;       /* the auto tier's thread tried it */
    atomic_uint samples;      /* the auto tier's samples of its code running */
    atomic_int tier_state;    /* 0 interpreted, 1 queued for compiling, 2 done */
    ox_error *jit_error;      /* why the background compilation failed, or NULL
                                 (written before tier_state becomes 2) */
    ox_enter_fn jit_enter;    /* its entry */
    ox_osr_enter_fn jit_osr;  /* its entry at a loop */
    /* the auto tier: per defined function, 1 once a sample found it
       running interpreted (its compilation then adds an OSR entry) */
    atomic_uchar *osr_hint;
};

/* decode.c: bytes → module (no body validation). On error returns an
   OX_ERR_MALFORMED error with the offset. Takes ownership of `bytes`. */
ox_error *ox_decode(ox_engine *e, uint8_t *bytes, size_t len, ox_module **out);

/* validate_module.c: every rule outside function bodies (index spaces,
   limits, constant expressions, export name uniqueness, start type, data
   count, C.refs). Returns OX_ERR_INVALID errors. */
ox_error *ox_validate_module(ox_module *m);

/* Frees a module once its refcount falls to zero (or if it never got one). */
void ox_module_destroy(ox_module *m);

/* The message for v128 anywhere (types, locals, blocks, SIMD instructions)
   until the engine runs SIMD: refused, since its values would not fit the
   8-byte slots. */
#define OX_V128_UNSUPPORTED "v128 (SIMD) is not supported yet"

/* Return the error of `call` (an expression yielding ox_error *) if any. */
#define TRY(call)                      \
    do {                               \
        ox_error *err_ = (call);       \
        if (err_)                      \
            return err_;               \
    } while (0)

/* Internal helpers shared by the engine. */
ox_error *ox_err_at(ox_errcode code, int64_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
bool ox_functype_equal(const ox_functype *a, const ox_functype *b);

/* subtype.c: types within a module. ox_types_canon validates the type
   section (references only to types before the end of their group,
   declared supertypes) and fills deftypes[].canon; the matching rules (spec 3.3 "Matching")
   with the module's indices: value types, heap types, and whether type
   index a is a subtype of b. */
ox_error *ox_types_canon(ox_module *m);
bool ox_vt_sub(const ox_module *m, ox_valtype a, ox_valtype b);
bool ox_heap_sub(const ox_module *m, ox_heaptype a, ox_heaptype b);
bool ox_type_sub(const ox_module *m, uint32_t a, uint32_t b);
/* The top of a heap type's hierarchy (valtype.h ox_abstract_top) for a
   concrete one too. */
ox_heaptype ox_heap_top(const ox_module *m, ox_heaptype h);
/* What a value of type t holds for the collector (gc.c): nothing to trace,
   an internal reference (structs, arrays, i31, host boxes), an externref
   (a host pointer, or a box around an internal reference), or an exnref
   (an exposed exception). */
enum { OX_TRACE_NONE, OX_TRACE_ANY, OX_TRACE_EXTERN, OX_TRACE_EXN };
uint8_t ox_trace_kind(const ox_module *m, ox_valtype t);
/* The same from the top of the reference's hierarchy (ox_heap_top). */
static inline uint8_t ox_trace_of_top(ox_heaptype top)
{
    return top == OX_HT_ANY      ? OX_TRACE_ANY
           : top == OX_HT_EXTERN ? OX_TRACE_EXTERN
           : top == OX_HT_EXN    ? OX_TRACE_EXN
                                 : OX_TRACE_NONE;
}

#endif
