/*
 * interp.c — the interpreter: runs compiled slot code (code.h).
 *
 * Dispatch is threaded through computed goto when the compiler supports
 * it (GNU C): each instruction's first cell holds its handler's label
 * address, so moving to the next instruction is one indirect jump. The
 * same handler source builds a plain `switch` loop elsewhere (vmdispatch /
 * vmcase / vmnext below, after Lua's lvm.c).
 *
 * Wasm→wasm calls never recurse in C: frames live on an engine-owned stack
 * in store->exec (a frame record array plus a value-slot array), both sized
 * from the engine config and checked on every call, so deep recursion
 * traps "call stack exhausted" instead of crashing the host. A host
 * function may call back into wasm (ox_func_call → ox_exec_call): the
 * nested run uses the same stacks above the caller's frame.
 *
 * Hot state lives in C locals: pc, fp (frame base), the current instance
 * and the memory's base and size, reloaded after calls, returns and
 * memory.grow (the base never moves; the size does).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "code_num.h"
#include "gc.h"
#include "runtime.h"
#include "simd.h"

static_assert(sizeof(ox_cell) == 8, "cells are 8 bytes");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the interpreter assumes a little-endian host (wasm memory is little-endian)"
#endif

#define OX_MAX_HOST_REENTRY 100

typedef struct frame {
    const ox_cell *pc; /* where to resume the caller; NULL marks a run's entry */
    ox_slot *fp;
    ox_func *fn;
} frame;

struct ox_exec {
    ox_slot *stack, *stack_end;
    ox_slot *top;          /* where the next outermost (or re-entrant) run starts */
    frame *frames;
    uint32_t depth, max_depth;
#ifdef OX_OP_PROFILE
    /* Tuning aid, never in a normal build (-DOX_OP_PROFILE): how often each
       op and each pair of consecutive ops ran, printed to stderr when the
       store is freed. Pairs are the candidates for fusion. */
    uint64_t prof[OXI_COUNT_];
    uint64_t pair[OXI_COUNT_][OXI_COUNT_];
    unsigned last;
#endif
};

#if defined(OX_OP_PROFILE) && !defined(OX_INTERP_VARIANT)
#include <stdio.h>
static const char *const op_names[OXI_COUNT_] = {
#define OX_EACH(name) #name,
    OX_ALL_OPS
#undef OX_EACH
};

/* Print the `n` largest of counts[0..len) (destroys them). */
static void prof_top(uint64_t *counts, size_t len, unsigned n, bool pairs, uint64_t total)
{
    for (unsigned k = 0; k < n; k++) {
        size_t best = 0;
        for (size_t i = 1; i < len; i++)
            if (counts[i] > counts[best])
                best = i;
        if (!counts[best])
            break;
        double pct = 100.0 * (double)counts[best] / (double)(total ? total : 1);
        if (pairs)
            fprintf(stderr, "  %6.2f%%  %s -> %s\n", pct, op_names[best / OXI_COUNT_],
                    op_names[best % OXI_COUNT_]);
        else
            fprintf(stderr, "  %6.2f%%  %s\n", pct, op_names[best]);
        counts[best] = 0;
    }
}

static void prof_dump(struct ox_exec *x)
{
    uint64_t total = 0;
    for (size_t i = 0; i < OXI_COUNT_; i++)
        total += x->prof[i];
    fprintf(stderr, "ox op profile: %llu ops\n", (unsigned long long)total);
    prof_top(x->prof, OXI_COUNT_, 40, false, total);
    fprintf(stderr, "ox op pairs:\n");
    prof_top(&x->pair[0][0], (size_t)OXI_COUNT_ * OXI_COUNT_, 40, true, total);
}
#define PROF(op) (x->prof[op]++, x->pair[x->last][op]++, x->last = (op))
#else
#define PROF(op) ((void)0)
#endif

#ifndef OX_INTERP_VARIANT /* once, in interp.c (interp_x86v3.c builds run() again) */
void ox_exec_free(struct ox_exec *x)
{
    if (!x)
        return;
#ifdef OX_OP_PROFILE
    prof_dump(x);
#endif
    free(x->stack);
    free(x->frames);
    free(x);
}

static ox_error *exec_get(ox_store *s, struct ox_exec **out)
{
    if (!s->exec) {
        const ox_config *cfg = &s->engine->cfg;
        uint32_t slots = cfg->max_stack_slots ? cfg->max_stack_slots : 1u << 20;
        uint32_t depth = cfg->max_call_depth ? cfg->max_call_depth : 20000;
        struct ox_exec *x = calloc(1, sizeof *x);
        if (!x)
            return ox_error_new(OX_ERR_NOMEM, "out of memory for the interpreter state");
        /* malloc, not calloc: the OS maps pages lazily, frames zero their
           own locals */
        x->stack = malloc((size_t)slots * sizeof(ox_slot));
        x->frames = malloc(((size_t)depth + 2) * sizeof(frame));
        if (!x->stack || !x->frames) {
            ox_exec_free(x);
            return ox_error_new(OX_ERR_NOMEM, "out of memory for a %u-slot value stack", slots);
        }
        x->stack_end = x->stack + slots;
        x->top = x->stack;
        x->max_depth = depth;
        s->exec = x;
    }
    *out = s->exec;
    return NULL;
}

#endif

/* ---- host calls ---------------------------------------------------------- */

#ifndef OX_INTERP_VARIANT /* run() calls host functions through ox_func.enter */

/* Call host function `f` with its args in the cells from slots[0] (laid
   out by their widths, runtime.h), writing its results there too. `caller_inst` is the calling wasm
   function's instance (NULL when called straight from the embedder). */
static ox_error *call_host(ox_store *s, ox_func *f, ox_instance *caller_inst, ox_slot *slots)
{
    if (f->host_raw)
        return ox_call_host_raw(s, f, caller_inst, slots);
    const ox_functype *t = f->type;
    ox_val small[16];
    ox_val *args = small, *res = small + 8;
    ox_val *heap = NULL;
    if (t->nparams > 8 || t->nresults > 8) {
        heap = malloc(((size_t)t->nparams + t->nresults + 1) * sizeof(ox_val));
        if (!heap)
            return ox_error_new(OX_ERR_NOMEM, "out of memory calling a host function");
        args = heap;
        res = heap + t->nparams;
    }
    for (uint32_t k = 0, at = 0; k < t->nparams; k++) {
        ox_val_read(&args[k], slots + at, t->params[k]);
        at += ox_val_slots(t->params[k]);
    }
    for (uint32_t k = 0; k < t->nresults; k++) {
        memset(&res[k], 0, sizeof res[k]);
        res[k].type = t->results[k];
    }
    ox_caller caller = {s, caller_inst};
    ox_error *err = f->host(&caller, f->user, args, res);
    if (!err) {
        for (uint32_t k = 0, at = 0; k < t->nresults; k++) {
            res[k].type = t->results[k]; /* the type is the signature's, whatever the host did */
            at += ox_val_put(slots + at, &res[k]);
        }
    }
    free(heap);
    return err ? ox_trap_from_host(err) : NULL;
}
#endif

/* ---- the dispatch loop --------------------------------------------------- */

/* Slot field and C type per ops.h type name. */
#define F_I32 i32
#define F_I64 i64
#define F_F32 f32
#define F_F64 f64
#define CT_I32 uint32_t
#define CT_I64 uint64_t
#define CT_F32 float
#define CT_F64 double

/* Instruction lengths in cells: the op cell plus operand words, two per cell. */
#define LEN(nw) (1 + ((nw) + 1) / 2)

/* Operand word k of the current instruction, and the slot it names. */
#define W(k) (((const uint32_t *)(pc + 1))[k])
#define S(k) fp[W(k)]
/* The same for the instruction `o` cells further on (paired ops). */
#define WO(o, k) (((const uint32_t *)(pc + (o) + 1))[k])
#define SO(o, k) fp[WO(o, k)]

#if defined(__GNUC__) && !defined(OX_NO_COMPUTED_GOTO)
#define OX_THREADED 1
#define vmdispatch() goto *pc->op;
#define vmcase(name) op_##name: PROF(OXI_##name);
#define vmnext() goto *pc->op
#else
#define vmdispatch() dispatch: switch ((enum ox_iop)(uintptr_t)pc->op)
#define vmcase(name) case OXI_##name: PROF(OXI_##name);
#define vmnext() goto dispatch
#endif

#define NEXT(ncells) do { pc += (ncells); vmnext(); } while (0)
#define TRAP(kind) do { trap = (kind); goto do_trap; } while (0)


/* A fill loop (SAL_*) reaches its check point every SAL_BATCH iterations:
   the loop is a handful of instructions, and a check on each iteration
   would cost it a third of its speed with fuel on. */
#define SAL_BATCH 16u
/* The fuel of the loop whose header is at cell `hdr`: its LOOP op's word. */
#define LOOP_FUEL(hdr) ((hdr)[-1].w[0])

/* The fused families below use only some of these helpers; clang (unlike
   gcc) warns about unused static inline functions in a .c file. */
#if defined(__GNUC__)
#define OX_MAYBE_UNUSED __attribute__((unused))
#define OX_NOINLINE __attribute__((noinline))
#else
#define OX_MAYBE_UNUSED
#define OX_NOINLINE
#endif

/* The check points' slow path. A sample (OX_POLL_SAMPLE) names the calls
   under way in this run too, the innermost 8: the auto tier compiles the
   functions found running first, and a leaf compiled is worth little while
   the loop calling it stays interpreted (each call crosses the tiers); a
   loop calling short functions is seldom sampled at its own back-edges. */
static OX_NOINLINE ox_trap slow_poll(ox_store *s, uint32_t cost, ox_func *fn, const frame *frames,
                                     uint32_t depth, uint32_t entry_depth)
{
    if ((atomic_load_explicit(&s->interrupt, memory_order_relaxed) & OX_POLL_SAMPLE) &&
        s->engine->tier_event)
        for (uint32_t n = 0; depth > entry_depth && frames[depth - 1].pc && n < 8; depth--, n++)
            s->engine->tier_event(s, frames[depth - 1].fn, OX_TIER_EV_CALLER);
    return ox_store_poll(s, cost, fn);
}
#define SLOW_POLL(cost) slow_poll(s, (cost), fn, frames, depth, entry_depth)

/* The check points, at function entries (ENTRY_POLL) and loop back-edges
   (BACK_EDGE): one relaxed load when nothing is metered. Fuel alone is
   charged there (`cost` units, code.h); interrupts and deadlines take the
   slow path in store.c; a sample there names the callers too. */
#define ENTRY_POLL(cost) \
    do { \
        unsigned v_ = atomic_load_explicit(&s->interrupt, memory_order_relaxed); \
        if (v_) { \
            uint32_t c_ = (cost); \
            if (v_ == OX_POLL_FUEL && s->fuel >= c_) { \
                s->fuel -= c_; \
            } else { \
                ox_trap t_ = SLOW_POLL(c_); \
                if (t_ != OX_TRAP_NONE) TRAP(t_); \
            } \
        } \
    } while (0)

/* A loop's back-edge to its header `hdr`: on the check point's slow path
   (where the auto tier hands compiled code over) a loop with an OSR key
   whose function now has compiled code moves there (`osr:` below), so a
   call that runs one long loop does not stay interpreted. */
#define BACK_EDGE(hdr) \
    do { \
        const ox_cell *h_ = (hdr); \
        unsigned v_ = atomic_load_explicit(&s->interrupt, memory_order_relaxed); \
        if (v_) { \
            uint32_t c_ = LOOP_FUEL(h_); \
            if (v_ == OX_POLL_FUEL && s->fuel >= c_) { \
                s->fuel -= c_; \
            } else { \
                ox_trap t_ = SLOW_POLL(c_); \
                if (t_ != OX_TRAP_NONE) TRAP(t_); \
                if (fn->osr && h_[-1].w[1]) { \
                    next_pc = h_; \
                    goto osr; \
                } \
            } \
        } \
    } while (0)

/* A taken branch. Only loops branch backwards (or to themselves), so a
   non-positive offset is a loop back-edge: the interruption check point,
   a predictable compare on the taken path instead of an instruction. */
#define JUMP(off) \
    do { \
        int32_t off_ = (off); \
        if (off_ <= 0) BACK_EDGE(pc + off_); \
        NEXT(off_); \
    } while (0)

#define RELOAD_MEM() \
    do { \
        mem = inst->module->nmems ? inst->mems[0] : NULL; \
        mbase = mem ? mem->data : NULL; \
        msize = mem ? mem->size : 0; \
    } while (0)

/* Operand k of a bulk memory op whose `wide` word says which operands are
   i64 (a 64-bit memory's addresses and lengths; code.h). */
#define WIDE(k, wide) (((wide) >> (k)) & 1 ? S(k).i64 : (uint64_t)S(k).i32)
/* Whether [a, a + n) leaves [0, size), without overflow for 64-bit a, n. */
#define OUTSIDE(a, n, size) ((a) > (size) || (n) > (size) - (a))

/* Effective address of a load/store with its bounds check, in 64-bit
   arithmetic so addr + offset + size cannot wrap. */
#define EFFECTIVE(ea, addr, off, size) \
    uint64_t ea = (uint64_t)(addr) + (off); \
    if (ea + (size) > msize) TRAP(OX_TRAP_MEMORY_OOB)

/* Each non-trapping binop as a function, for the chained ops. */
#define OX_X(name, txt, pfx, code, ta, tr, expr) \
    OX_MAYBE_UNUSED static inline CT_##tr fn_##name(CT_##ta a, CT_##ta b) { return (CT_##tr)(expr); }
OX_BINOPS(OX_X)
#undef OX_X

/* Each load as a function of its (bounds-checked) address, with its size. */
#define OX_X(name, txt, pfx, code, t, al, mt, conv) \
    enum { sz_##name = sizeof(mt) }; \
    OX_MAYBE_UNUSED static inline CT_##t ld_##name(const uint8_t *p) \
    { \
        mt v; \
        memcpy(&v, p, sizeof v); \
        return (CT_##t)(conv); \
    }
OX_LOAD_OPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, t, al, mt) \
    enum { sz_##name = sizeof(mt) }; \
    OX_MAYBE_UNUSED static inline void st_##name(uint8_t *p, CT_##t x) \
    { \
        mt v = (mt)x; \
        memcpy(p, &v, sizeof v); \
    }
OX_STORE_OPS(OX_X)
#undef OX_X

/* Where an exception thrown at cell `at` of fn lands: the handler (code.h
   ox_handler) of the innermost try around it with a matching clause,
   in fn or, at their calls, in its callers; `pops` is how many frames the
   run leaves for it. With no handler in this run h is NULL and pops
   reaches the run's entry frame. Out of line: the interpreter loop stays
   small, and throwing is not its fast path. */
typedef struct catch_site {
    const ox_handler *h;
    uint32_t pops;
} catch_site;

static OX_NOINLINE catch_site find_catch(const frame *frames, uint32_t depth, const ox_func *fn,
                                         uint32_t at, const ox_exn *x)
{
    for (uint32_t k = 0;; k++) {
        const ox_handler *h = ox_exn_handler(fn->code, at, x, fn->inst);
        if (h)
            return (catch_site){h, k};
        const frame *fr = &frames[depth - 1 - k];
        if (!fr->pc)
            return (catch_site){NULL, k + 1};
        fn = fr->fn;
        at = (uint32_t)(fr->pc - fn->code->cells) - 1; /* within the call */
    }
}

#include "interp_gc.h"

#ifndef OX_THREADED
static const void *const op_numbers[OXI_COUNT_] = {
#define OX_EACH(name) (const void *)(uintptr_t)OXI_##name,
    OX_ALL_OPS
#undef OX_EACH
};
#endif

/* Run f with its arguments already in fp[0..nparams). With x == NULL, only
   hand out the handler table (the labels exist only inside this function).
   interp_x86v3.c compiles it a second time, for x86-64-v3 CPUs, as
   ox_interp_run_x86v3. */
#ifdef OX_INTERP_VARIANT
ox_error *ox_interp_run_x86v3(struct ox_exec *x, ox_store *s, ox_func *f, ox_slot *fp,
                              const void *const **table);
#define OX_RUN_DECL ox_error *ox_interp_run_x86v3
#else
#define OX_RUN_DECL static ox_error *run
#endif
OX_RUN_DECL(struct ox_exec *x, ox_store *s, ox_func *f, ox_slot *fp, const void *const **table)
{
#ifdef OX_THREADED
    static const void *const labels[OXI_COUNT_] = {
#define OX_EACH(name) &&op_##name,
        OX_ALL_OPS
#undef OX_EACH
    };
    if (!x) {
        *table = labels;
        return NULL;
    }
#else
    if (!x) {
        *table = op_numbers;
        return NULL;
    }
#endif
    ox_trap trap = OX_TRAP_NONE;
    ox_error *err = NULL;
    const uint32_t entry_depth = x->depth;
    ox_func *fn = f;
    ox_instance *inst = NULL; /* set on entry, with the memory */
    const ox_cell *pc = NULL;
    ox_memory *mem = NULL;
    uint8_t *mbase = NULL;
    uint64_t msize = 0;
    ox_func *callee;
    ox_slot *newfp;
    const ox_cell *next_pc;
    bool tail_host = false; /* the host call in progress is a tail call */
    ox_exn *exn = NULL;     /* the exception being thrown */
    uint32_t at;            /* the cell that threw, in fn's code */
    const struct ox_code *code; /* the callee's, on entry */
    /* The frame stack's state in locals; x->depth is written back before
       anything that may start a nested run (host calls) and on exit. */
    frame *const frames = x->frames;
    uint32_t depth = x->depth;
    const uint32_t max_depth = x->max_depth;
    ox_slot *const stack_end = x->stack_end;

    /* Enter f like a call whose return address is NULL: the RETURN that
       finds NULL ends the run. */
    callee = f;
    newfp = fp;
    next_pc = NULL;
    goto enter;

    {
        vmdispatch() {

        vmcase(UNREACHABLE) TRAP(OX_TRAP_UNREACHABLE);
        vmcase(LOOP) NEXT(LEN(2)); /* its words are read by the back-edges */

        vmcase(BR) JUMP((int32_t)W(0));
        vmcase(BR_IF) {
            if (S(0).i32)
                JUMP((int32_t)W(1));
            NEXT(LEN(2));
        }
        vmcase(BR_UNLESS) {
            if (!S(0).i32)
                JUMP((int32_t)W(1));
            NEXT(LEN(2));
        }
        vmcase(BR_I64_NZ) {
            if (S(0).i64)
                JUMP((int32_t)W(1));
            NEXT(LEN(2));
        }
        vmcase(BR_I64_Z) {
            if (!S(0).i64)
                JUMP((int32_t)W(1));
            NEXT(LEN(2));
        }
        vmcase(BR_TABLE) {
            uint32_t i = S(0).i32, n = W(1);
            JUMP((int32_t)W(2 + (i < n ? i : n)));
        }
#define OX_X(name, t, cond) \
        vmcase(name) { \
            CT_##t a = S(0).F_##t, b = S(1).F_##t; \
            if (cond) JUMP((int32_t)W(2)); \
            NEXT(LEN(3)); \
        }
        OX_BRCMP_OPS(OX_X)
#undef OX_X
#define OX_X(name, t, cond) \
        vmcase(name) { \
            CT_##t a = (CT_##t)(S(1).F_##t + S(2).F_##t), b; \
            S(0).F_##t = a; \
            b = S(3).F_##t; \
            if (cond) JUMP((int32_t)W(4)); \
            NEXT(LEN(5)); \
        }
        OX_BRADD_OPS(OX_X)
#undef OX_X

        vmcase(CALL) {
            callee = inst->funcs[W(0)];
            newfp = fp + W(1);
            next_pc = pc + LEN(2);
            goto enter;
        }
        vmcase(CALL_INDIRECT) {
            ox_table *t = inst->tables[W(1)];
            uint32_t i = S(3).i32;
            if (i >= t->size)
                TRAP(OX_TRAP_UNDEFINED_ELEMENT);
            callee = (ox_func *)t->elems[i];
            if (!callee)
                TRAP(OX_TRAP_UNINITIALIZED_ELEMENT);
            if (callee->type_id != inst->type_ids[W(0)] &&
                !ox_typereg_sub(&s->typereg, callee->type_id, inst->type_ids[W(0)]))
                TRAP(OX_TRAP_INDIRECT_MISMATCH);
            newfp = fp + W(2);
            next_pc = pc + LEN(4);
            goto enter;
        }
        vmcase(RETURN_CALL) {
            callee = inst->funcs[W(0)];
            newfp = fp + W(1);
            goto tail;
        }
        vmcase(RETURN_CALL_INDIRECT) {
            ox_table *t = inst->tables[W(1)];
            uint32_t i = S(3).i32;
            if (i >= t->size)
                TRAP(OX_TRAP_UNDEFINED_ELEMENT);
            callee = (ox_func *)t->elems[i];
            if (!callee)
                TRAP(OX_TRAP_UNINITIALIZED_ELEMENT);
            if (callee->type_id != inst->type_ids[W(0)] &&
                !ox_typereg_sub(&s->typereg, callee->type_id, inst->type_ids[W(0)]))
                TRAP(OX_TRAP_INDIRECT_MISMATCH);
            newfp = fp + W(2);
            goto tail;
        }
        vmcase(CALL_REF) {
            callee = (ox_func *)S(1).ref;
            if (!callee)
                TRAP(OX_TRAP_NULL_FUNC);
            newfp = fp + W(0);
            next_pc = pc + LEN(2);
            goto enter;
        }
        vmcase(RETURN_CALL_REF) {
            callee = (ox_func *)S(1).ref;
            if (!callee)
                TRAP(OX_TRAP_NULL_FUNC);
            newfp = fp + W(0);
            goto tail;
        }
        vmcase(BR_NULL) {
            if (!S(0).ref)
                JUMP((int32_t)W(1));
            NEXT(LEN(2));
        }
        vmcase(BR_NONNULL) {
            if (S(0).ref)
                JUMP((int32_t)W(1));
            NEXT(LEN(2));
        }
        vmcase(REF_AS_NON_NULL) {
            if (!S(0).ref)
                TRAP(OX_TRAP_NULL_REF);
            NEXT(LEN(1));
        }
        vmcase(RETURN1) {
            fp[0] = S(0);
            goto do_return;
        }
        vmcase(RETURN) {
        do_return:;
            frame *fr = &frames[--depth];
            if (!fr->pc)
                goto done;
            pc = fr->pc;
            fp = fr->fp;
            fn = fr->fn;
            if (fn->inst != inst) {
                inst = fn->inst;
                RELOAD_MEM();
            }
            vmnext();
        }

        vmcase(COPY) {
            S(0) = S(1);
            NEXT(LEN(2));
        }
        vmcase(COPY2) {
            S(0) = S(1);
            S(2) = S(3);
            NEXT(LEN(4));
        }
        /* A load stored unchanged by the next store of the same width:
           the bytes move, with the load's bounds check first. */
#define OX_MOVE(name, n, src) \
        vmcase(name) { \
            EFFECTIVE(se, src, W(nw_ - 2), n); \
            EFFECTIVE(de, S(0).i32, W(nw_ - 1), n); \
            memmove(mbase + de, mbase + se, n); /* may overlap */ \
            NEXT(LEN(nw_)); \
        }
#define nw_ 4
        OX_MOVE(MOVE1, 1, S(1).i32)
        OX_MOVE(MOVE2, 2, S(1).i32)
        OX_MOVE(MOVE4, 4, S(1).i32)
        OX_MOVE(MOVE8, 8, S(1).i32)
#undef nw_
#define nw_ 5
        OX_MOVE(MOVE1_IX, 1, (uint32_t)(S(1).i32 + S(2).i32))
        OX_MOVE(MOVE2_IX, 2, (uint32_t)(S(1).i32 + S(2).i32))
        OX_MOVE(MOVE4_IX, 4, (uint32_t)(S(1).i32 + S(2).i32))
        OX_MOVE(MOVE8_IX, 8, (uint32_t)(S(1).i32 + S(2).i32))
#undef nw_
#undef OX_MOVE
        vmcase(ADD2) {
            /* in order: the second may read the first's result */
            S(0).i32 = S(1).i32 + S(2).i32;
            S(6).i32 = S(7).i32 + S(8).i32;
            NEXT(6);
        }
        vmcase(ADD_COPY) {
            S(0).i32 = S(1).i32 + S(2).i32;
            SO(3, 0) = SO(3, 1); /* the COPY may read the sum */
            NEXT(5);
        }
        vmcase(SUB_COPY) {
            S(0).i32 = S(1).i32 - S(2).i32;
            SO(3, 0) = SO(3, 1);
            NEXT(5);
        }
        vmcase(CONST32) {
            S(0).i64 = W(1);
            NEXT(LEN(2));
        }
        vmcase(CONST64) {
            S(0).i64 = (uint64_t)W(1) | (uint64_t)W(2) << 32;
            NEXT(LEN(3));
        }
        vmcase(SELECT) {
            S(0) = S(3).i32 ? S(1) : S(2);
            NEXT(LEN(4));
        }
        vmcase(GLOBAL_GET) {
            S(0) = inst->globals[W(1)]->val[0];
            NEXT(LEN(2));
        }
        vmcase(GLOBAL_SET) {
            inst->globals[W(1)]->val[0] = S(0);
            NEXT(LEN(2));
        }

        vmcase(MEMORY_SIZE) {
            S(0).i64 = mem->pages;
            NEXT(LEN(1));
        }
        vmcase(MEMORY_GROW) {
            uint32_t wide = W(2); /* 1 for a 64-bit memory */
            uint64_t delta = wide ? S(1).i64 : S(1).i32;
            int64_t r = delta > UINT32_MAX ? -1 : ox_memory_grow_raw(mem, (uint32_t)delta);
            S(0).i64 = wide ? (uint64_t)r : (uint32_t)(int32_t)r;
            msize = mem->size;
            NEXT(LEN(3));
        }
        vmcase(MEMORY_INIT) {
            const ox_module *m = inst->module;
            uint32_t idx = W(0), wide = W(4);
            uint64_t d = WIDE(1, wide), src = S(2).i32, n = S(3).i32;
            uint64_t len = inst->data_dropped[idx] ? 0 : m->datas[idx].data.len;
            if (OUTSIDE(src, n, len) || OUTSIDE(d, n, msize))
                TRAP(OX_TRAP_MEMORY_OOB);
            if (n)
                memcpy(mbase + d, m->bytes + m->datas[idx].data.off + src, n);
            NEXT(LEN(5));
        }
        vmcase(DATA_DROP) {
            inst->data_dropped[W(0)] = 1;
            NEXT(LEN(1));
        }
        vmcase(MEMORY_COPY) {
            uint32_t wide = W(3);
            uint64_t d = WIDE(0, wide), src = WIDE(1, wide), n = WIDE(2, wide);
            if (OUTSIDE(src, n, msize) || OUTSIDE(d, n, msize))
                TRAP(OX_TRAP_MEMORY_OOB);
            if (n)
                memmove(mbase + d, mbase + src, n);
            NEXT(LEN(4));
        }
        vmcase(THROW) {
            exn = ox_exn_new(inst->tags[W(0)], fp + W(1));
            if (!exn) {
                err = ox_error_new(OX_ERR_NOMEM, "out of memory throwing an exception");
                goto unwind;
            }
            goto throw_op;
        }
        vmcase(THROW_REF) {
            exn = (ox_exn *)S(0).ref;
            if (!exn)
                TRAP(OX_TRAP_NULL_EXCEPTION);
            goto throw_op;
        }
        vmcase(RETHROW) {
            exn = (ox_exn *)S(0).ref; /* written by the handler: never null */
            goto throw_op;
        }
        vmcase(MEM_SELECT) {
            mem = inst->mems[W(0)];
            mbase = mem->data;
            msize = mem->size;
            NEXT(LEN(1));
        }
        vmcase(MEMORY_COPY_M) {
            const ox_memory *dm = inst->mems[W(3)], *sm = inst->mems[W(4)];
            uint32_t wide = W(5);
            uint64_t d = WIDE(0, wide), src = WIDE(1, wide), n = WIDE(2, wide);
            if (OUTSIDE(src, n, sm->size) || OUTSIDE(d, n, dm->size))
                TRAP(OX_TRAP_MEMORY_OOB);
            if (n)
                memmove(dm->data + d, sm->data + src, n);
            NEXT(LEN(6));
        }
        vmcase(MEMORY_FILL) {
            uint32_t wide = W(3);
            uint64_t d = WIDE(0, wide), n = WIDE(2, wide);
            if (OUTSIDE(d, n, msize))
                TRAP(OX_TRAP_MEMORY_OOB);
            if (n)
                memset(mbase + d, (int)(uint8_t)S(1).i32, n);
            NEXT(LEN(4));
        }
        vmcase(ADDR64) {
            uint64_t off = W(2) | (uint64_t)W(3) << 32, ea = S(1).i64 + off;
            if (ea < off || ea > UINT32_MAX)
                TRAP(OX_TRAP_MEMORY_OOB);
            S(0).i64 = ea;
            NEXT(LEN(4));
        }
        vmcase(INDEX64) {
            S(0).i64 = S(1).i64 > UINT32_MAX ? UINT32_MAX : S(1).i64;
            NEXT(LEN(2));
        }

        vmcase(TABLE_GET) {
            ox_table *t = inst->tables[W(2)];
            uint32_t i = S(1).i32;
            if (i >= t->size)
                TRAP(OX_TRAP_TABLE_OOB);
            S(0).ref = t->elems[i];
            NEXT(LEN(3));
        }
        vmcase(TABLE_SET) {
            ox_table *t = inst->tables[W(0)];
            uint32_t i = S(1).i32;
            if (i >= t->size)
                TRAP(OX_TRAP_TABLE_OOB);
            t->elems[i] = S(2).ref;
            NEXT(LEN(3));
        }
        vmcase(TABLE_SIZE) {
            S(0).i64 = inst->tables[W(1)]->size;
            NEXT(LEN(2));
        }
        vmcase(TABLE_GROW) {
            uint32_t wide = W(4);
            uint64_t delta = wide ? S(2).i64 : S(2).i32;
            int64_t r = delta > UINT32_MAX ? -1
                                           : ox_table_grow_raw(inst->tables[W(3)], (uint32_t)delta, S(1).ref);
            S(0).i64 = wide ? (uint64_t)r : (uint32_t)(int32_t)r;
            NEXT(LEN(5));
        }
        vmcase(TABLE_FILL) {
            ox_table *t = inst->tables[W(0)];
            uint64_t i = S(1).i32, n = S(3).i32;
            void *v = S(2).ref;
            if (i + n > t->size)
                TRAP(OX_TRAP_TABLE_OOB);
            for (uint64_t k = 0; k < n; k++)
                t->elems[i + k] = v;
            NEXT(LEN(4));
        }
        vmcase(TABLE_COPY) {
            ox_table *td = inst->tables[W(0)], *ts = inst->tables[W(1)];
            uint64_t d = S(2).i32, src = S(3).i32, n = S(4).i32;
            if (src + n > ts->size || d + n > td->size)
                TRAP(OX_TRAP_TABLE_OOB);
            if (n)
                memmove(td->elems + d, ts->elems + src, n * sizeof(void *));
            NEXT(LEN(5));
        }
        vmcase(TABLE_INIT) {
            ox_table *t = inst->tables[W(0)];
            const ox_elemrefs *e = &inst->elems[W(1)];
            uint64_t d = S(2).i32, src = S(3).i32, n = S(4).i32;
            if (src + n > e->count || d + n > t->size)
                TRAP(OX_TRAP_TABLE_OOB);
            if (n)
                memcpy(t->elems + d, e->refs + src, n * sizeof(void *));
            NEXT(LEN(5));
        }
        vmcase(ELEM_DROP) {
            inst->elems[W(0)].count = 0;
            NEXT(LEN(1));
        }
        vmcase(REF_IS_NULL) {
            S(0).i64 = S(1).ref == NULL;
            NEXT(LEN(2));
        }
        vmcase(REF_FUNC) {
            S(0).ref = inst->funcs[W(1)];
            NEXT(LEN(2));
        }

        /* Numerics: operands in S(1), S(2); result in S(0). */
#define OX_X(name, txt, pfx, code, ta, tr, expr) \
        vmcase(name) { \
            CT_##ta a = S(1).F_##ta, b = S(2).F_##ta; \
            S(0).F_##tr = (CT_##tr)(expr); \
            NEXT(LEN(3)); \
        }
        OX_BINOPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, ta, tr, expr) \
        vmcase(name) { \
            CT_##ta a = S(1).F_##ta; \
            S(0).F_##tr = (CT_##tr)(expr); \
            NEXT(LEN(2)); \
        }
        OX_UNOPS(OX_X)
        OX_SAT_OPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, ta, tr, helper, rt) \
        vmcase(name) { \
            rt r; \
            ox_trap t_ = helper(S(1).F_##ta, &r); \
            if (t_ != OX_TRAP_NONE) TRAP(t_); \
            S(0).F_##tr = (CT_##tr)r; \
            NEXT(LEN(2)); \
        }
        OX_TRUNC_OPS(OX_X)
#undef OX_X

        /* Division (spec 4.3.2): zero divisors and INT_MIN / -1 trap;
           INT_MIN rem -1 is 0 (and undefined in C, so special-cased). */
        vmcase(I32_DIV_S) {
            int32_t a = (int32_t)S(1).i32, b = (int32_t)S(2).i32;
            if (b == 0) TRAP(OX_TRAP_DIV_ZERO);
            if (a == INT32_MIN && b == -1) TRAP(OX_TRAP_INT_OVERFLOW);
            S(0).i32 = (uint32_t)(a / b);
            NEXT(LEN(3));
        }
        vmcase(I32_DIV_U) {
            uint32_t a = S(1).i32, b = S(2).i32;
            if (b == 0) TRAP(OX_TRAP_DIV_ZERO);
            S(0).i32 = a / b;
            NEXT(LEN(3));
        }
        vmcase(I32_REM_S) {
            int32_t a = (int32_t)S(1).i32, b = (int32_t)S(2).i32;
            if (b == 0) TRAP(OX_TRAP_DIV_ZERO);
            S(0).i32 = b == -1 ? 0 : (uint32_t)(a % b);
            NEXT(LEN(3));
        }
        vmcase(I32_REM_U) {
            uint32_t a = S(1).i32, b = S(2).i32;
            if (b == 0) TRAP(OX_TRAP_DIV_ZERO);
            S(0).i32 = a % b;
            NEXT(LEN(3));
        }
        vmcase(I64_DIV_S) {
            int64_t a = (int64_t)S(1).i64, b = (int64_t)S(2).i64;
            if (b == 0) TRAP(OX_TRAP_DIV_ZERO);
            if (a == INT64_MIN && b == -1) TRAP(OX_TRAP_INT_OVERFLOW);
            S(0).i64 = (uint64_t)(a / b);
            NEXT(LEN(3));
        }
        vmcase(I64_DIV_U) {
            uint64_t a = S(1).i64, b = S(2).i64;
            if (b == 0) TRAP(OX_TRAP_DIV_ZERO);
            S(0).i64 = a / b;
            NEXT(LEN(3));
        }
        vmcase(I64_REM_S) {
            int64_t a = (int64_t)S(1).i64, b = (int64_t)S(2).i64;
            if (b == 0) TRAP(OX_TRAP_DIV_ZERO);
            S(0).i64 = b == -1 ? 0 : (uint64_t)(a % b);
            NEXT(LEN(3));
        }
        vmcase(I64_REM_U) {
            uint64_t a = S(1).i64, b = S(2).i64;
            if (b == 0) TRAP(OX_TRAP_DIV_ZERO);
            S(0).i64 = a % b;
            NEXT(LEN(3));
        }

        /* Loads [dst, addr, offset] and stores [addr, value, offset]:
           memcpy keeps unaligned access defined. */
#define OX_X(name, txt, pfx, code, t, al, mt, conv) \
        vmcase(name) { \
            mt v; \
            EFFECTIVE(ea, S(1).i32, W(2), sizeof(mt)); \
            memcpy(&v, mbase + ea, sizeof(mt)); \
            S(0).F_##t = (CT_##t)(conv); \
            NEXT(LEN(3)); \
        }
        OX_LOAD_OPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, t, al, mt) \
        vmcase(name) { \
            mt v = (mt)S(1).F_##t; \
            EFFECTIVE(ea, S(0).i32, W(2), sizeof(mt)); \
            memcpy(mbase + ea, &v, sizeof(mt)); \
            NEXT(LEN(3)); \
        }
        OX_STORE_OPS(OX_X)
#undef OX_X
        /* Indexed forms: the address is the wrapped i32 sum of two slots. */
#define OX_X(name, txt, pfx, code, t, al, mt, conv) \
        vmcase(name##_IX) { \
            mt v; \
            EFFECTIVE(ea, (uint32_t)(S(1).i32 + S(2).i32), W(3), sizeof(mt)); \
            memcpy(&v, mbase + ea, sizeof(mt)); \
            S(0).F_##t = (CT_##t)(conv); \
            NEXT(LEN(4)); \
        }
        OX_LOAD_OPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, t, al, mt) \
        vmcase(name##_IX) { \
            mt v = (mt)S(2).F_##t; \
            EFFECTIVE(ea, (uint32_t)(S(0).i32 + S(1).i32), W(3), sizeof(mt)); \
            memcpy(mbase + ea, &v, sizeof(mt)); \
            NEXT(LEN(4)); \
        }
        OX_STORE_OPS(OX_X)
#undef OX_X
        /* Scaled forms: the address is (i << k) + base, wrapping. */
#define SCALED(i, k, base) ((uint32_t)((S(i).i32 << (S(k).i32 & 31)) + S(base).i32))
#define OX_X(name, txt, pfx, code, t, al, mt, conv) \
        vmcase(name##_SX) { \
            mt v; \
            EFFECTIVE(ea, SCALED(1, 2, 3), W(4), sizeof(mt)); \
            memcpy(&v, mbase + ea, sizeof(mt)); \
            S(0).F_##t = (CT_##t)(conv); \
            NEXT(LEN(5)); \
        }
        OX_LOAD_OPS(OX_X)
#undef OX_X
#define OX_X(name, txt, pfx, code, t, al, mt) \
        vmcase(name##_SX) { \
            mt v = (mt)S(3).F_##t; \
            EFFECTIVE(ea, SCALED(0, 1, 2), W(4), sizeof(mt)); \
            memcpy(mbase + ea, &v, sizeof(mt)); \
            NEXT(LEN(5)); \
        }
        OX_STORE_OPS(OX_X)
#undef OX_X
#undef SCALED

        /* Chained binops (code.h): [dst, a, b, c]. */
#define OX_X(f, g, t) \
        vmcase(CH_##f##_##g##_L) { \
            CT_##t t_ = fn_##f(S(1).F_##t, S(2).F_##t); \
            S(0).F_##t = fn_##g(t_, S(3).F_##t); \
            NEXT(LEN(4)); \
        } \
        vmcase(CH_##f##_##g##_R) { \
            CT_##t t_ = fn_##f(S(1).F_##t, S(2).F_##t); \
            S(0).F_##t = fn_##g(S(3).F_##t, t_); \
            NEXT(LEN(4)); \
        }
        OX_CHAIN_OPS(OX_X)
#undef OX_X
        /* A load as a binop operand (code.h): [dst, other, addr, offset]
           or, indexed, [dst, other, a, b, offset]. */
#define OX_LM(name, ld, op, t, addr, nw, left) \
        vmcase(name) { \
            EFFECTIVE(ea, addr, W(nw - 1), sz_##ld); \
            CT_##t v_ = ld_##ld(mbase + ea); \
            S(0).F_##t = left ? fn_##op(v_, S(1).F_##t) : fn_##op(S(1).F_##t, v_); \
            NEXT(LEN(nw)); \
        }
#define OX_X(ld, op, t) \
        OX_LM(LM_##ld##_##op##_L, ld, op, t, S(2).i32, 4, 1) \
        OX_LM(LM_##ld##_##op##_R, ld, op, t, S(2).i32, 4, 0) \
        OX_LM(LMX_##ld##_##op##_L, ld, op, t, (uint32_t)(S(2).i32 + S(3).i32), 5, 1) \
        OX_LM(LMX_##ld##_##op##_R, ld, op, t, (uint32_t)(S(2).i32 + S(3).i32), 5, 0) \
        OX_LMS(LMS_##ld##_##op##_L, ld, op, t, 1) \
        OX_LMS(LMS_##ld##_##op##_R, ld, op, t, 0)
        /* ... and stored: [saddr, other, addr, offset, soffset] */
#define OX_LMS(name, ld, op, t, left) \
        vmcase(name) { \
            EFFECTIVE(ea, S(2).i32, W(3), sz_##ld); \
            CT_##t v_ = ld_##ld(mbase + ea); \
            v_ = left ? fn_##op(v_, S(1).F_##t) : fn_##op(S(1).F_##t, v_); \
            EFFECTIVE(sa, S(0).i32, W(4), sizeof v_); \
            memcpy(mbase + sa, &v_, sizeof v_); \
            NEXT(LEN(5)); \
        }
        OX_LDOP_OPS(OX_X)
#undef OX_X
#undef OX_LMS
#undef OX_LM
        /* A binop stored (code.h): [addr, a, b, offset]. */
#define OX_X(op, st, t) \
        vmcase(SM_##op##_##st) { \
            CT_##t v_ = fn_##op(S(1).F_##t, S(2).F_##t); \
            EFFECTIVE(ea, S(0).i32, W(3), sz_##st); \
            st_##st(mbase + ea, v_); \
            NEXT(LEN(4)); \
        }
        OX_OPST_OPS(OX_X)
#undef OX_X
        /* A load tested by a branch (code.h): [dst, addr, offset, off] or,
           indexed, [dst, a, b, offset, off]. */
#define OX_LB(name, ld, test, addr, nw) \
        vmcase(name) { \
            EFFECTIVE(ea, addr, W(nw - 2), sz_##ld); \
            uint32_t v_ = ld_##ld(mbase + ea); \
            S(0).i32 = v_; \
            if (test v_) JUMP((int32_t)W(nw - 1)); \
            NEXT(LEN(nw)); \
        }
#define OX_X(ld) \
        OX_LB(LB_##ld##_NZ, ld, 0 !=, S(1).i32, 4) \
        OX_LB(LB_##ld##_Z, ld, 0 ==, S(1).i32, 4) \
        OX_LB(LB_##ld##_IX_NZ, ld, 0 !=, (uint32_t)(S(1).i32 + S(2).i32), 5) \
        OX_LB(LB_##ld##_IX_Z, ld, 0 ==, (uint32_t)(S(1).i32 + S(2).i32), 5)
        OX_LDBR_OPS(OX_X)
#undef OX_X
#undef OX_LB
        /* A load compared by a branch (code.h): [dst, addr, offset, other, off]. */
#define OX_C(ld, cond, expr) \
        vmcase(LC_##ld##_##cond) { \
            EFFECTIVE(ea, S(1).i32, W(2), sz_##ld); \
            uint32_t a = ld_##ld(mbase + ea), b; \
            S(0).i32 = a; \
            b = S(3).i32; \
            if (expr) JUMP((int32_t)W(4)); \
            NEXT(LEN(5)); \
        }
#define OX_X(ld) OX_I32_CONDS(OX_C, ld)
        OX_LDCMP_OPS(OX_X)
#undef OX_X
#undef OX_C
        /* Pairs left in place (code.h): the second instruction starts
           three cells on (a store is [addr, value, offset] or, indexed,
           [a, b, value, offset]; an i32.add [dst, x, y]). */
#define OX_X(st, t) \
        vmcase(SA_##st) { \
            EFFECTIVE(ea, S(0).i32, W(2), sz_##st); \
            st_##st(mbase + ea, S(1).F_##t); \
            SO(3, 0).i32 = SO(3, 1).i32 + SO(3, 2).i32; \
            NEXT(6); \
        } \
        vmcase(SA_##st##_IX) { \
            EFFECTIVE(ea, (uint32_t)(S(0).i32 + S(1).i32), W(3), sz_##st); \
            st_##st(mbase + ea, S(2).F_##t); \
            SO(3, 0).i32 = SO(3, 1).i32 + SO(3, 2).i32; \
            NEXT(6); \
        }
        OX_STADD_OPS(OX_X)
#undef OX_X
#define OX_X(name, t, cond) \
        vmcase(A_##name) { \
            S(0).i32 = S(1).i32 + S(2).i32; \
            CT_##t a = (CT_##t)(SO(3, 1).F_##t + SO(3, 2).F_##t), b; \
            SO(3, 0).F_##t = a; \
            b = SO(3, 3).F_##t; \
            if (cond) { \
                int32_t off_ = (int32_t)WO(3, 4); /* relative to the BR_ADD */ \
                if (off_ <= 0) BACK_EDGE(pc + 3 + off_); \
                NEXT(3 + off_); \
            } \
            NEXT(3 + LEN(5)); \
        }
        OX_BRADD_OPS(OX_X)
#undef OX_X
        /* Fill loops in registers (code.h SAL_*): the SA pair [addr, value,
           offset][d, x, y] (addr is d) and the BR_ADD [e, p, q, limit,
           off] closing the loop, in place; the steps are the add operands
           that are not d and e. */
#define OX_SAL(st, st_t, name, t, cond) \
        vmcase(SAL_##st##_##name) { \
            const uint32_t d = WO(3, 0), e = WO(6, 0); \
            const uint32_t sx = WO(3, 1) == d ? WO(3, 2) : WO(3, 1); \
            const uint32_t cx = WO(6, 1) == e ? WO(6, 2) : WO(6, 1); \
            const uint64_t off = W(2); \
            const CT_##st_t val = S(1).F_##st_t; \
            const uint32_t step = fp[sx].i32; \
            const CT_##t cstep = fp[cx].F_##t, lim = SO(6, 3).F_##t; \
            uint32_t ptr = fp[d].i32; \
            CT_##t ctr = fp[e].F_##t; \
            /* the fuel too (the stores may alias anything, so s->fuel \
               would be reloaded on every iteration). The check point \
               runs every SAL_BATCH iterations, paying for that many in \
               advance (an upper bound, like all fuel: code.h): \
               `batch` counts the iterations left before the next one. */ \
            uint64_t fuel = s->fuel; \
            const uint32_t cost = LOOP_FUEL(pc); \
            uint32_t batch = 0; \
            for (;;) { \
                uint64_t ea = ptr + off; \
                if (ea + sz_##st > msize) { \
                    fp[d].i32 = ptr; \
                    fp[e].F_##t = ctr; \
                    s->fuel = fuel; \
                    TRAP(OX_TRAP_MEMORY_OOB); \
                } \
                st_##st(mbase + ea, val); \
                ptr += step; \
                CT_##t a = (CT_##t)(ctr + cstep), b = lim; \
                ctr = a; \
                if (!(cond)) \
                    break; \
                if (batch) { \
                    batch--; \
                    continue; \
                } \
                unsigned v_ = atomic_load_explicit(&s->interrupt, memory_order_relaxed); \
                if (!v_) { \
                    batch = SAL_BATCH - 1; \
                } else if (v_ == OX_POLL_FUEL && fuel / SAL_BATCH >= cost) { \
                    fuel -= (uint64_t)cost * SAL_BATCH; \
                    batch = SAL_BATCH - 1; \
                } else { /* one iteration at a time, through the slow path */ \
                    fp[d].i32 = ptr; \
                    fp[e].F_##t = ctr; \
                    s->fuel = fuel; \
                    ox_trap t_ = SLOW_POLL(cost); \
                    if (t_ != OX_TRAP_NONE) TRAP(t_); \
                    if (fn->osr && pc[-1].w[1]) { /* at the header: as BACK_EDGE */ \
                        next_pc = pc; \
                        goto osr; \
                    } \
                    fuel = s->fuel; \
                } \
            } \
            fp[d].i32 = ptr; \
            fp[e].F_##t = ctr; \
            s->fuel = fuel; \
            NEXT(6 + LEN(5)); \
        }
#define OX_X(name, t, cond) OX_SAL(I32_STORE8, I32, name, t, cond)
        OX_BRADD_OPS(OX_X)
#undef OX_X
#define OX_X(name, t, cond) OX_SAL(I32_STORE, I32, name, t, cond)
        OX_BRADD_OPS(OX_X)
#undef OX_X
#define OX_X(name, t, cond) OX_SAL(I64_STORE, I64, name, t, cond)
        OX_BRADD_OPS(OX_X)
#undef OX_X
#undef OX_SAL

#include "interp_simd.h"
#define OX_GC_HANDLERS
#include "interp_gc.h"
#undef OX_GC_HANDLERS

#ifndef OX_THREADED
        default:
            TRAP(OX_TRAP_UNREACHABLE);
#endif
        }
    }

enter:
    /* Call `callee` with its args at newfp; resume at next_pc afterwards.
       A host function, or a compiled one (src/jit), runs outside this loop. */
    if (callee->enter) {
        /* nested runs started by the host go above this frame */
        ox_slot *save_top = x->top;
        ox_slot *end = fn->code ? fp + fn->code->frame_size : newfp;
        /* the caller's record, so a collection in a nested run sees its
           frame (interp_gc.h); a tail call's frame is gone */
        if (depth >= max_depth) {
            trap = OX_TRAP_STACK_EXHAUSTED;
            goto do_trap;
        }
        frames[depth] = (frame){tail_host ? NULL : next_pc, fp, fn};
        const ox_functype *ct = callee->type;
        uint32_t np = ox_types_slots(ct->params, ct->nparams);
        uint32_t nr = ox_types_slots(ct->results, ct->nresults);
        uint32_t need = np > nr ? np : nr;
        if (end < newfp + need)
            end = newfp + need;
        x->top = end;
        x->depth = depth + 1;
        err = callee->enter(s, inst, callee, newfp);
        x->top = save_top;
        if (err) {
            /* an exception of this store's comes out of the host function
               (say, from a nested call): thrown on from the call */
            const ox_tag *tag = ox_error_exception_tag(err);
            if (!tag || tag->store != s)
                goto unwind;
            exn = ox_error_take_exn(err);
            ox_error_free(err);
            err = NULL;
            if (tail_host) { /* this frame is the callee's: no handler of it applies */
                tail_host = false;
                at = UINT32_MAX;
                goto throw_at;
            }
            goto do_throw;
        }
        if (tail_host) { /* its results are ours: to the frame's start, and return */
            tail_host = false;
            memmove(fp, newfp, nr * sizeof *fp);
            goto do_return;
        }
        pc = next_pc;
        RELOAD_MEM(); /* the host may have grown the memory */
        vmnext();
    }
    {
        code = callee->code;
        if (depth >= max_depth || code->frame_size > (size_t)(stack_end - newfp)) {
            trap = OX_TRAP_STACK_EXHAUSTED;
            goto do_trap;
        }
        frames[depth++] = (frame){next_pc, fp, fn};
        fp = newfp;
    start_body:
        fn = callee;
        /* zero the declared locals, load the constant pool: usually a few
           slots, so plain loops beat library calls */
        for (uint32_t k = code->nparams; k < code->nlocals; k++)
            fp[k].i64 = 0;
        for (uint32_t k = 0; k < code->nconsts; k++)
            fp[code->nlocals + k].i64 = code->consts[k];
        pc = code->cells;
        if (callee->inst != inst) {
            inst = callee->inst;
            RELOAD_MEM();
        }
        ENTRY_POLL(code->fuel);
        vmnext();
    }

tail:
    /* A tail call: the callee takes this frame (its args moved to the
       start), no frame is pushed, and it returns to this function's
       caller, so a chain of tail calls runs in constant stack. */
    if (callee->enter) {
        tail_host = true; /* a host callee: called, then this function returns */
        goto enter;
    }
    {
        code = callee->code;
        memmove(fp, newfp, code->nparams * sizeof *fp);
        if (code->frame_size > (size_t)(stack_end - fp)) {
            trap = OX_TRAP_STACK_EXHAUSTED;
            goto do_trap;
        }
        goto start_body;
    }

osr:
    /* On-stack replacement: fn's compiled code takes this frame over at
       the header of the loop next_pc (BACK_EDGE), with the locals in their
       cells and the operand values below the loop and its parameters in
       their own cells of the operand stack (where a control frame's entry
       leaves them: compile_ctl.c), runs the function to its end and
       leaves the results at fp[0..]; this frame then returns. The fuel of
       this back-edge is charged already. */
    if (depth < max_depth) {
        bool ran;
        ox_slot *save_top = x->top;
        frames[depth] = (frame){NULL, fp, fn};
        x->top = fp + fn->code->frame_size;
        x->depth = depth + 1;
        const struct ox_code *oc = fn->code; /* its operand stack follows locals, pool, exceptions */
        err = inst->module->jit_osr(s, fn, fp, fp + oc->nlocals + oc->nconsts + oc->nexn,
                                    next_pc[-1].w[1], &ran);
        x->top = save_top;
        x->depth = depth;
        if (ran) {
            s->osr_taken++;
            RELOAD_MEM(); /* compiled code may have grown the memory */
            if (!err)
                goto do_return;
            const ox_tag *tag = ox_error_exception_tag(err);
            if (!tag || tag->store != s)
                goto unwind;
            exn = ox_error_take_exn(err); /* thrown on from this frame */
            ox_error_free(err);
            err = NULL;
            at = UINT32_MAX;
            goto throw_at;
        }
    }
    pc = next_pc; /* no entry at this loop: on, interpreted */
    vmnext();

throw_op:
    /* A throw instruction (two cells, whichever) collects when the exposed
       exceptions have doubled since the last collection: its operands are
       in its stack map, and the new exception's values in its slots still
       (interp_gc.h, gc.c). */
    if (s->exns.n >= s->gc.next_exns)
        gc_collect_at(x, s, fn, fp, pc + LEN(1), depth);
do_throw:
    at = (uint32_t)(pc - fn->code->cells);
throw_at: {
    /* Throw exn from cell `at` of fn (find_catch says where it lands). */
    catch_site c = find_catch(frames, depth, fn, at, exn);
    if (c.pops) {
        const frame *fr = &frames[depth - c.pops];
        depth -= c.pops;
        if (!c.h) {
            err = ox_exn_error(exn);
            goto unwind;
        }
        fp = fr->fp;
        fn = fr->fn;
        if (fn->inst != inst) {
            inst = fn->inst;
            RELOAD_MEM();
        }
    }
    uint32_t n = c.h->tag == OX_CATCH_ALL ? 0 : exn->nslots;
    memcpy(fp + c.h->dst, exn->vals, n * sizeof *fp);
    if (c.h->keep) {
        if (!ox_exn_expose(s, exn)) {
            if (!exn->exposed)
                free(exn);
            err = ox_error_new(OX_ERR_LIMIT, "more than %u exceptions caught by reference are "
                               "alive in this store", OX_MAX_EXPOSED_EXNS);
            goto unwind;
        }
        fp[c.h->exn].ref = exn;
    } else {
        if (c.h->exn != OX_NO_SLOT) /* a legacy catch's slot: never stale */
            fp[c.h->exn].ref = NULL;
        if (!exn->exposed)
            free(exn);
    }
    exn = NULL;
    pc = fn->code->cells + c.h->pad;
    vmnext();
}

do_trap:
    err = ox_trap_error(trap, fn->inst, fn->funcidx);
unwind:
    x->depth = entry_depth;
    return err;
done:
    x->depth = depth; /* == entry_depth */
    return NULL;
}

#ifndef OX_INTERP_VARIANT

/* ---- which build of run() ------------------------------------------------ */

#ifdef OX_HAVE_X86V3
ox_error *ox_interp_run_x86v3(struct ox_exec *x, ox_store *s, ox_func *f, ox_slot *fp,
                              const void *const **table);

/* Whether this CPU runs the x86-64-v3 build (AVX2, BMI1, BMI2, POPCNT: what
   it is compiled for), unless OXIDE_ISA=baseline asks for the baseline
   one. Decided once per process: code threaded for one build must run in
   it, so the answer may never change (a read-only fact after the first
   call, not state: the CPU and the environment do not change). */
static bool use_x86v3(void)
{
    static atomic_int decided = -1;
    int d = atomic_load_explicit(&decided, memory_order_relaxed);
    if (d < 0) {
        const char *want = getenv("OXIDE_ISA");
        d = !(want && strcmp(want, "baseline") == 0) && __builtin_cpu_supports("avx2") &&
            __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
            __builtin_cpu_supports("popcnt");
        atomic_store_explicit(&decided, d, memory_order_relaxed);
    }
    return d;
}
#define RUN(x, s, f, fp, t) (use_x86v3() ? ox_interp_run_x86v3 : run)(x, s, f, fp, t)
#else
#define RUN(x, s, f, fp, t) run(x, s, f, fp, t)
#endif

const char *ox_interp_isa(void)
{
#ifdef OX_HAVE_X86V3
    if (use_x86v3())
        return "x86-64-v3";
#endif
#if defined(__x86_64__) && !defined(OX_SIMD_PORTABLE)
    return "x86-64 (SSE2)";
#else
    return "portable";
#endif
}

void ox_interp_thread(struct ox_code *code)
{
    const void *const *handlers = ox_interp_handlers();
    for (uint32_t at = 0; at < code->ncells;) {
        unsigned op = (unsigned)code->cells[at].u64;
        assert(op < OXI_COUNT_);
        uint32_t n = ox_code_insn_cells(&code->cells[at], op);
        code->cells[at].op = handlers[op];
        at += n;
    }
}

const void *const *ox_interp_handlers(void)
{
    const void *const *t = NULL;
    RUN(NULL, NULL, NULL, NULL, &t);
    return t;
}

ox_error *ox_exec_call(ox_store *s, ox_func *f, const ox_val *args, ox_val *results)
{
    struct ox_exec *x = NULL;
    ox_error *err = exec_get(s, &x);
    if (err)
        return err;
    const ox_functype *t = f->type;
    uint32_t np = ox_types_slots(t->params, t->nparams);
    uint32_t nr = ox_types_slots(t->results, t->nresults);
    uint32_t need = np > nr ? np : nr;
    bool reentry = x->depth > 0;
    if (reentry && s->host_depth >= OX_MAX_HOST_REENTRY)
        return ox_trap_error(OX_TRAP_STACK_EXHAUSTED, f->inst, f->funcidx);
    ox_slot *fp = x->top;
    if (need > (size_t)(x->stack_end - fp))
        return ox_trap_error(OX_TRAP_STACK_EXHAUSTED, f->inst, f->funcidx);
    for (uint32_t k = 0, at = 0; k < t->nparams; k++)
        at += ox_val_put(fp + at, &args[k]);
    if (f->enter) { /* a host function, or a compiled one */
        ox_slot *save_top = x->top;
        x->top = fp + need;
        err = f->enter(s, NULL, f, fp);
        x->top = save_top;
    } else {
        s->host_depth += reentry;
        err = RUN(x, s, f, fp, NULL);
        s->host_depth -= reentry;
    }
    if (err)
        return err;
    for (uint32_t k = 0, at = 0; k < t->nresults; k++) {
        ox_val_read(&results[k], fp + at, t->results[k]);
        at += ox_val_slots(t->results[k]);
    }
    return NULL;
}

ox_error *ox_exec_host_enter(ox_store *s, ox_instance *caller, ox_func *f, ox_slot *slots)
{
    return call_host(s, f, caller, slots);
}

ox_error *ox_exec_call_slots(ox_store *s, ox_instance *caller, ox_func *f, ox_slot *slots)
{
    /* a host function reads and writes the caller's cells where they are
       (a WASI call from compiled code: no copies, no value stack) */
    if (f->host || f->host_raw)
        return call_host(s, f, caller, slots);
    struct ox_exec *x = NULL;
    ox_error *err = exec_get(s, &x);
    if (err)
        return err;
    const ox_functype *t = f->type;
    uint32_t np = ox_types_slots(t->params, t->nparams);
    uint32_t nr = ox_types_slots(t->results, t->nresults);
    uint32_t need = np > nr ? np : nr;
    ox_slot *fp = x->top;
    if (need > (size_t)(x->stack_end - fp))
        return ox_trap_error(OX_TRAP_STACK_EXHAUSTED, f->inst, f->funcidx);
    memcpy(fp, slots, np * sizeof *fp);
    /* compiled code's C stack is checked by compiled code (jit_left and
       the stack limit): no host re-entry count here */
    if (f->enter) {
        ox_slot *save_top = x->top;
        x->top = fp + need;
        err = f->enter(s, caller, f, fp);
        x->top = save_top;
    } else {
        err = RUN(x, s, f, fp, NULL);
    }
    if (!err)
        memcpy(slots, fp, nr * sizeof *fp);
    return err;
}

#endif /* OX_INTERP_VARIANT */
