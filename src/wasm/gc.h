/*
 * gc.h — the garbage-collected heap of a store (GC, WebAssembly 3.0;
 * internal). gc.c documents the collector.
 *
 * An internal reference (anyref and below) is null, an i31 (a tagged
 * value: odd), or a pointer to an ox_gcobj: a struct, an array, or a box
 * around a host value that entered with any.convert_extern. An externref
 * is a host pointer, or a pointer to a box around an internal reference
 * that left with extern.convert_any; the heap keeps a set of those boxes
 * so a host pointer is never taken for one.
 */
#ifndef OX_GC_H
#define OX_GC_H

#include "runtime.h"

enum { OX_GC_STRUCT, OX_GC_ARRAY, OX_GC_HOST, OX_GC_EXTBOX };

typedef struct ox_gcobj {
    struct ox_gcobj *next;    /* every object of the heap, for the sweep */
    uint32_t type_id;         /* structs, arrays: the store's type id */
    uint8_t kind;             /* OX_GC_* */
    uint8_t mark;
    uint8_t esize;            /* arrays: bytes per element */
    uint32_t len;             /* arrays: elements; structs: slots */
    uint64_t data[];          /* fields (slots), elements, or the boxed pointer */
} ox_gcobj;

static inline bool ox_is_i31(const void *r) { return ((uintptr_t)r & 1) != 0; }
static inline void *ox_i31_make(uint32_t v)
{
    return (void *)(((uintptr_t)(v & 0x7FFFFFFFu) << 1) | 1);
}
static inline uint32_t ox_i31_u(const void *r) { return (uint32_t)((uintptr_t)r >> 1) & 0x7FFFFFFFu; }
static inline int32_t ox_i31_s(const void *r)
{
    uint32_t u = ox_i31_u(r);
    return (int32_t)(u << 1) >> 1;
}

/* Allocate an object of `bytes` payload bytes (zeroed). NULL when the heap
   would exceed max_gc_bytes (*trap = OX_TRAP_GC_HEAP) or memory runs out.
   Never collects: the interpreter collects first when ox_gc_due says so,
   since only it knows the roots on its stack. */
ox_gcobj *ox_gc_alloc(ox_store *s, uint8_t kind, uint32_t type_id, size_t bytes, uint32_t len,
                      ox_trap *trap);
bool ox_gc_due(const ox_store *s, size_t bytes);
/* An array of n elements of a type's layout; a struct of a type's slots. */
ox_gcobj *ox_gc_new_array(ox_store *s, uint32_t type_id, uint64_t n, ox_trap *trap);
ox_gcobj *ox_gc_new_struct(ox_store *s, uint32_t type_id, ox_trap *trap);

/* any.convert_extern and extern.convert_any (NULL results on failure, with
   *trap set; a null argument gives null). */
void *ox_gc_internalize(ox_store *s, void *ext, ox_trap *trap);
void *ox_gc_externalize(ox_store *s, void *any, ox_trap *trap);

/* ref.test: whether ref (of the hierarchy of h, a heap type of inst's
   module) is a value of (ref null? h). */
bool ox_gc_ref_test(const ox_instance *inst, const void *ref, ox_heaptype h, bool nullable);

/* A collection: mark from the roots the interpreter finds on its stack
   (ox_gc_mark) and those the store holds (the sweep marks those itself),
   then free the rest. */
void ox_gc_mark(ox_store *s, void *ref, uint8_t trace);
void ox_gc_collect_end(ox_store *s);
/* The store's heap freed with it. */
void ox_gc_free(ox_store *s);

#endif
