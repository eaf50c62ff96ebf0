/*
 * valtype.h — value and reference types as the engine handles them
 * (internal; the encoding is wasm.h's ox_valtype).
 *
 * A reference type is a heap type and a nullability. The heap type of t
 * is t without OX_REF_NONNULL: an abstract one is its binary code
 * (0x69..0x74), a concrete one OX_REF_TYPEIDX with its type index. So a
 * nullable abstract reference type is its heap type's code, as in the
 * binary format's shorthands (funcref is 0x70).
 *
 * The abstract heap types form three hierarchies (and exn on its own):
 *   any > eq > i31, struct > $struct types, array > $array types > none
 *   func > $func types > nofunc;  extern > noextern;  exn > noexn
 */
#ifndef OX_VALTYPE_H
#define OX_VALTYPE_H

#include <stdbool.h>
#include <stdint.h>

#include "oxide/wasm.h"

typedef uint32_t ox_heaptype;

enum {
    OX_HT_FUNC = 0x70,
    OX_HT_EXTERN = 0x6F,
    OX_HT_ANY = 0x6E,
    OX_HT_EQ = 0x6D,
    OX_HT_I31 = 0x6C,
    OX_HT_STRUCT = 0x6B,
    OX_HT_ARRAY = 0x6A,
    OX_HT_EXN = 0x69,
    OX_HT_NOEXN = 0x74,
    OX_HT_NOFUNC = 0x73,
    OX_HT_NOEXTERN = 0x72,
    OX_HT_NONE = 0x71,
    /* Not a type of the language: the heap type of a reference popped from
       the polymorphic stack of unreachable code, below every other. */
    OX_HT_BOT = 0x01,
};

/* The binary format's prefixes of a reference type with its heap type. */
#define OX_REF_NULL_PREFIX 0x63
#define OX_REF_PREFIX 0x64

static inline bool ox_is_abstract_heap(uint32_t code) { return code >= 0x69 && code <= 0x74; }

static inline bool ox_is_reftype(ox_valtype t)
{
    if (t & OX_REF_TYPEIDX)
        return (t & 0xFFu) == 0;
    return (t & ~(0xFFu | OX_REF_NONNULL)) == 0 && ox_is_abstract_heap(t & 0xFF);
}
static inline bool ox_is_numtype(ox_valtype t) { return t >= OX_V128 && t <= OX_I32; }
static inline bool ox_is_valtype(ox_valtype t) { return ox_is_numtype(t) || ox_is_reftype(t); }

static inline ox_heaptype ox_ref_heap(ox_valtype t) { return t & ~OX_REF_NONNULL; }
static inline bool ox_ref_nullable(ox_valtype t) { return !(t & OX_REF_NONNULL); }
static inline bool ox_heap_is_concrete(ox_heaptype h) { return (h & OX_REF_TYPEIDX) != 0; }
static inline ox_valtype ox_ref_make(ox_heaptype h, bool nullable)
{
    return h | (nullable ? 0u : OX_REF_NONNULL);
}

/* Types with a default value (zero, null): all but non-nullable refs. */
static inline bool ox_is_defaultable(ox_valtype t) { return !(t & OX_REF_NONNULL); }

/* The top of an abstract heap type's hierarchy: OX_HT_ANY, _FUNC, _EXTERN
   or _EXN (for a concrete type, ask the module or store). */
static inline ox_heaptype ox_abstract_top(ox_heaptype h)
{
    switch (h) {
    case OX_HT_FUNC: case OX_HT_NOFUNC: return OX_HT_FUNC;
    case OX_HT_EXTERN: case OX_HT_NOEXTERN: return OX_HT_EXTERN;
    case OX_HT_EXN: case OX_HT_NOEXN: return OX_HT_EXN;
    default: return OX_HT_ANY;
    }
}

/* Subtyping among the abstract heap types. */
static inline bool ox_abstract_sub(ox_heaptype a, ox_heaptype b)
{
    if (a == b)
        return true;
    switch (b) {
    case OX_HT_ANY: return a == OX_HT_EQ || a == OX_HT_I31 || a == OX_HT_STRUCT ||
                           a == OX_HT_ARRAY || a == OX_HT_NONE;
    case OX_HT_EQ: return a == OX_HT_I31 || a == OX_HT_STRUCT || a == OX_HT_ARRAY ||
                          a == OX_HT_NONE;
    case OX_HT_I31: case OX_HT_STRUCT: case OX_HT_ARRAY: return a == OX_HT_NONE;
    case OX_HT_FUNC: return a == OX_HT_NOFUNC;
    case OX_HT_EXTERN: return a == OX_HT_NOEXTERN;
    case OX_HT_EXN: return a == OX_HT_NOEXN;
    default: return false;
    }
}

/* Read a value type (numbers, vectors, the shorthands, 0x63/0x64 with a
   heap type) or, with ref_only, a reference type, from *p (< end), as
   s33 heap types: an index or a negative one-byte code. Returns NULL and
   advances *p, or the reason it is malformed ("malformed value type",
   "malformed reference type", "unexpected end", "integer too large")
   with *p at the offending byte. Indices are not checked against any
   module. types.c. */
const char *ox_valtype_parse(const uint8_t **p, const uint8_t *end, bool ref_only,
                             ox_valtype *out);
/* An abstract heap type's name in the text format ("func", "none"...). */
const char *ox_heap_name(ox_heaptype h);
/* A heap type alone (ref.null's immediate): abstract code or index. */
const char *ox_heaptype_parse(const uint8_t **p, const uint8_t *end, ox_heaptype *out);

#endif
