/*
 * wat_mod.h — the state of one module being read from text (internal to
 * wat_parse.c and wat_instr.c).
 *
 * Reading is two passes over the module's fields: the first gives every
 * definition its index and records its $id (explicit types are read in
 * full then, since any field may refer to them); the second reads each field
 * and appends its binary encoding to its section's buffer. Types a type use
 * implies are appended after the explicit ones as the second pass meets them
 * (spec 6.6.3).
 */
#ifndef OX_WAT_MOD_H
#define OX_WAT_MOD_H

#include "wat.h"

/* The index spaces that identifiers name at module level. */
/* NS_FUNC..NS_TAG in the order of their import/export kinds. */
enum wat_space { NS_TYPE, NS_FUNC, NS_TABLE, NS_MEM, NS_GLOBAL, NS_TAG, NS_ELEM, NS_DATA, NS_COUNT_ };

/* $id -> index, one table per index space (and one per function for locals). */
typedef struct wat_names {
    struct wat_name_ent { const uint8_t *s; uint32_t len, idx; } *ents;
    uint32_t n, cap;
    uint32_t *slots; /* hash: entry number + 1, 0 empty; cap*2 slots */
} wat_names;

/* A type definition: its encoding as a subtype (the binary's), a function
   type's parameters and results (their encodings and counts), and a
   struct's field names. `plain`: a final function type with no supertype
   alone in its group, the only kind a type use can mean without naming
   it. */
typedef struct wat_type {
    wat_buf enc;
    bool plain, func;
    uint32_t np, nr;
    wat_buf p, r;
    wat_names fields;
} wat_type;

/* Binary section ids, in their required order. */
enum { SEC_TYPE = 1, SEC_IMPORT, SEC_FUNC, SEC_TABLE, SEC_MEM, SEC_GLOBAL, SEC_EXPORT,
       SEC_START, SEC_ELEM, SEC_CODE, SEC_DATA, SEC_DATACOUNT, SEC_TAG, SEC_COUNT_ };

typedef struct wat_label {
    const uint8_t *id; /* NULL for none */
    uint32_t idlen;
} wat_label;

/* The function whose body is being read (locals and labels); for constant
   expressions nlocals is 0 and there are no labels. */
typedef struct wat_func {
    wat_names locals;
    uint32_t nlocals;
    wat_label *labels;
    uint32_t nlabels, caplabels;
} wat_func;

typedef struct wat_mod {
    wat_names names[NS_COUNT_];
    uint32_t count[NS_COUNT_];     /* definitions seen in the first pass */
    uint32_t next[NS_COUNT_];      /* second pass: the next index to hand out */
    wat_type *types;
    uint32_t ntypes, captypes;
    wat_buf groups;                /* the recursive groups in order: pairs of
                                      uint32 (size, written as (rec ...)) */
    uint32_t *func_type;           /* type index of each function, second pass */
    wat_buf sec[SEC_COUNT_];
    uint32_t nitems[SEC_COUNT_];   /* vector lengths of each section */
    bool uses_datacount;           /* memory.init or data.drop seen */
    wat_buf funcnames;             /* name section, function names subsection body */
    uint32_t nfuncnames;
} wat_mod;

/* wat_types.c */
extern const char *const wat_space_name[NS_COUNT_]; /* "function", ... */
/* A $id or a number naming an entry of space `ns`. */
uint32_t wat_index(wat_ctx *c, wat_mod *m, enum wat_space ns);
/* The same, if the next token is one (else false, nothing consumed). */
bool wat_opt_index(wat_ctx *c, wat_mod *m, enum wat_space ns, uint32_t *out);
/* A value type (i32, ..., funcref, (ref null? heaptype)), a reference
   type, or a heap type (func, ..., $t): their binary encodings appended
   to out. */
void wat_valtype(wat_ctx *c, wat_mod *m, wat_buf *out);
bool wat_at_valtype(const wat_ctx *c);
void wat_reftype(wat_ctx *c, wat_mod *m, wat_buf *out);
void wat_heaptype(wat_ctx *c, wat_mod *m, wat_buf *out);
/* A reference type as its nullability and its heap type's encoding. */
void wat_reftype_parts(wat_ctx *c, wat_mod *m, bool *nullable, wat_buf *heap);
/* (type x)? (param ...)* (result ...)*: the type index, the implied type
   appended when needed. With `fn`, parameters are that function's first
   locals and may have ids; without, an id on a parameter is an error
   (blocks, call_indirect). With `block`, a use with no parameters and at
   most one result is no type at all: blockval gets the block type's
   encoding (0x40 or the result's value type); it stays empty when the
   index is the block type. A numeric (type N) beyond the types known so
   far is returned as it is, for the validator to refuse ("unknown type"). */
uint32_t wat_typeuse(wat_ctx *c, wat_mod *m, wat_func *fn, bool block, wat_buf *blockval);
/* A type definition's body, (sub final? x* comptype) or a comptype,
   `alone` in its group or not: appended to the module's types (the
   caller records the group: wat_add_group). */
void wat_typedef(wat_ctx *c, wat_mod *m, bool alone);
wat_type *wat_add_type(wat_ctx *c, wat_mod *m);
void wat_add_group(wat_ctx *c, wat_mod *m, uint32_t size, bool explicit_rec);
/* $id tables: look an id's bytes up; add one (a duplicate is an error
   naming `what`). */
bool wat_names_find(const wat_names *nm, const uint8_t *s, uint32_t len, uint32_t *idx);
void wat_names_add(wat_ctx *c, wat_names *nm, const wat_token *t, uint32_t idx,
                   const char *what);

/* wat_instr.c */
/* Instructions up to ')' or a block's end/else: appended to out. */
void wat_instrs(wat_ctx *c, wat_mod *m, wat_func *fn, wat_buf *out);
/* A constant expression: instructions then 0x0B. */
void wat_const_expr(wat_ctx *c, wat_mod *m, wat_buf *out);
/* One folded instruction `(...)` as a constant expression (then 0x0B). */
void wat_folded_expr(wat_ctx *c, wat_mod *m, wat_buf *out);

#endif
