/*
 * jit_loop.h — what jit_loop.c's analysis of a loop finds, shared with
 * jit_idiom.c (loops that are block copies). Internal to those two files.
 */
#ifndef OX_JIT_LOOP_H
#define OX_JIT_LOOP_H

#include "jit_emit.h"

#define NT 3 /* terms an affine form holds */

/* An affine form c + sum m[i] * H[x[i]] over the locals' values H at the
   loop header (wrapping, as i32 arithmetic); n == UNKNOWN for a value
   that is not one. */
#define UNKNOWN 0xFF
typedef struct aff {
    uint32_t c;
    uint8_t n;
    uint32_t x[NT];
    uint32_t m[NT];
} aff;

/* A load or store of the loop, in body order. */
typedef struct access {
    const uint8_t *at;  /* the instruction, as jit_emit.c's op_at */
    uint32_t mem, size;
    uint64_t off;
    aff addr;
    bool integer;       /* an integer load or store (the copy idiom's) */
    LLVMValueRef first; /* its address in the first iteration (i64), from the check */
} access;

/* Which idiom the fast copy is, if any (jit_idiom.c). */
enum { OXJ_IDIOM_NONE, OXJ_IDIOM_COPY, OXJ_IDIOM_SHIFT };

struct oxj_lv {
    access *acc;        /* in body order */
    uint32_t nacc, capacc;
    uint16_t cmp;       /* the back-edge's condition: cmp(ca, cb) */
    aff ca, cb;
    uint32_t *step;     /* per local: an induction's step (0: invariant) */
    bool *ind;          /* per local: an induction variable */
    uint32_t *writes;   /* per local: writes at the top level, before the back-edge */
    bool *other_write;  /* per local: written elsewhere in the loop */
    bool exits;         /* a way out besides the back-edge's fall-through at the top level:
                           T bounds the iterations, not counts them */
    LLVMValueRef k;     /* the fast copy's iteration number (i64 phi) */
    LLVMValueRef t;     /* the iterations this run of the fast copy does (i64), from the check */
    LLVMValueRef more;  /* i1: the loop goes on after them (a run is at most the budget) */
    bool trapless;      /* nothing in the iteration can trap (its accesses proven) */
    LLVMValueRef metered, fuelp, fuel, need; /* the check's: fuel on; where, how much, to charge */
    const uint8_t *backedge;
    uint32_t ninstr;
    /* for the idioms: the body stores what it loads, and does nothing
       else that shows */
    bool plain;         /* only instructions that cannot trap or write */
    uint32_t tail;      /* instructions after the back-edge (run once, on exit) */
    uint32_t left;      /* values left on the stack by the iteration (the loop's results) */
    uint32_t copy_pairs; /* loads each followed by a store of its value */
    aff *last;          /* per local: the form of its last write at the top level */
    uint8_t idiom;      /* OXJ_IDIOM_*: what jit_idiom.c found */
    /* the copy idiom's */
    bool ordered;       /* the pairs run in the direction of the stride */
    int64_t lo;         /* the lowest load's constant offset (oxj_offset_of) */
    /* the shifted copy's */
    uint32_t sh_load, sh_store; /* the accesses of its first pair (lowest load, its store) */
    uint32_t sh_local;  /* the local carrying the last word into the next iteration */
    uint8_t sh_bytes;   /* the misalignment: 1, 2 or 3 bytes */
    int32_t *reload;    /* per local: the load (access) whose value it holds at the
                           back-edge, or -1 */
};

/* The k coefficient of form a: how much it moves per iteration. */
uint32_t oxj_lv_step(const oxj_lv *lv, const aff *a);
/* Whether two accesses' addresses differ by a constant: the same
   memory, terms and step. */
bool oxj_lv_same_group(const oxj_lv *lv, const access *a, const access *b);
/* Form a's value on entry (k = 0), as an i32, from the locals. */
LLVMValueRef oxj_aff_entry(oxj *j, const aff *a);

/* An access's offset from another's in its group. */
static inline int64_t oxj_offset_of(const access *a)
{
    return (int64_t)(int32_t)a->addr.c + (int64_t)a->off;
}

static inline LLVMValueRef oxj_i64c(oxj *j, int64_t v)
{
    return LLVMConstInt(j->jm->i64, (uint64_t)v, 1);
}

/* jit_idiom.c: sets lv->idiom (and what it needs) when the loop whose
   body starts at p is one, after jit_loop.c's analysis of it. */
void oxj_idiom_scan(oxj *j, oxj_lv *lv, const uint8_t *p);

#endif
