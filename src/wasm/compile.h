/*
 * compile.h — the function-body compiler's shared state (internal to
 * compile*.c; see compile.c for how the pass works).
 */
#ifndef OX_COMPILE_H
#define OX_COMPILE_H

#include "code.h"
#include "runtime.h"

#define T_UNKNOWN 0 /* polymorphic-stack placeholder type */

/* Control frames. A legacy try is CTL_TRY until its first catch, then
   CTL_CATCH or CTL_CATCH_ALL for the body of the clause being compiled. */
enum { CTL_BLOCK, CTL_LOOP, CTL_IF, CTL_ELSE, CTL_FUNC, CTL_TRY, CTL_CATCH, CTL_CATCH_ALL };

typedef struct ctl {
    uint8_t kind;
    bool unreachable;    /* stack is polymorphic until the frame ends */
    bool dead;           /* entered in unreachable code: emit nothing */
    uint32_t height;     /* type-stack height at entry, params excluded */
    /* block type: a type index (has_type) or 0/1 result `single` */
    bool has_type;
    uint32_t typeidx;
    ox_valtype single;   /* 0 = no result */
    uint32_t loop_pc;    /* loop: cell index of its header */
    int32_t patches;     /* forward branches to patch at end, -1 = none */
    int32_t else_patch;  /* if: the BR_UNLESS that skips the then-arm */
    /* try_table: its catch clauses are c->catches[catch_first..+ncatch),
       its body starts at cell try_start. A legacy try's body is the
       cells [try_start, do_end); the clause being compiled has handler
       record `handler` (OX_NO_SLOT when none: dead code) and keeps its
       exception in slot exn_slot for rethrow. */
    uint32_t catch_first, ncatch, try_start;
    uint32_t do_end, handler, exn_slot;
    uint32_t init_h;     /* c->ninits when the frame was entered */
    /* Fuel (code.h LOOP): the instructions counted in this loop or
       function body (a nested loop's added at its end), the cell of the
       loop's LOOP op (UINT32_MAX when none: dead code), and the frame
       counting before. */
    uint32_t fuel, fuel_at, fuel_outer;
} ctl;

/* A catch clause of an open try_table: its kind (0 catch, 1 catch_ref,
   2 catch_all, 3 catch_all_ref), tag and target frame (index in cs). */
typedef struct oxc_catch {
    uint8_t kind;
    uint32_t tag, frame;
} oxc_catch;

typedef struct patch {
    uint32_t insn;       /* cell index of the branching instruction */
    uint32_t word;       /* operand word holding the offset */
    int32_t next;
} patch;

typedef struct cc {
    ox_module *m;
    bool fuse;           /* superinstructions on (fuse.c) */
    const uint8_t *p, *end, *ip; /* cursor, body end, current instruction */
    const uint8_t *body;      /* the body's first byte (its locals vector) */
    ox_error *err;

    uint32_t nparams, nlocals;  /* local indices: params, then declared locals */
    ox_valtype *ltypes;
    uint32_t capltypes;
    /* Cells (runtime.h: a v128 takes two): lslot[x] is local x's first
       cell; params take npslots cells, params and locals nlslots. */
    uint32_t *lslot;
    uint32_t caplslot, npslots, nlslots;

    ox_valtype *vs;      /* operand type stack; vs, loc and own have room for capvs */
    uint32_t nvs, capvs, maxh;
    ctl *cs;
    uint32_t ncs, capcs;
    ox_cell *code;
    uint32_t ncode, capcode;
    patch *pt;
    uint32_t npt, cappt;
    uint32_t *tmpw;      /* br_table operand words */
    uint32_t captmpw;
    oxc_catch *catches;  /* the open try_tables' catch clauses */
    uint32_t ncatches, capcatches;
    ox_handler *handlers; /* the body's handlers so far (code.h) */
    uint32_t nhandlers, caphandlers;
    /* Legacy trys: the open ones (ntry), and the slots between the pool
       and the stack (nexn, from exn_base on) kept for their caught
       exceptions, one per nesting level, counted by the scan. */
    uint32_t ntry, nexn, exn_base;
    /* Non-defaultable locals (3.0): whether the body has any, which are set
       (linit[x]), and the ones set since the function's start in order
       (inits), so each frame's end forgets those set inside it. */
    /* Stack maps (code.h): the maps so far, and their slots (the first
       nreflocals: the reference locals, traced at every map). */
    ox_stackmap *maps;
    uint32_t nmaps, capmaps;
    uint32_t *mapslots;
    uint32_t nmapslots, capmapslots, nreflocals;
    bool nondef;
    uint8_t *linit;
    uint32_t caplinit;
    uint32_t *inits;
    uint32_t ninits, capinits;

    /* Operand folding. loc[h] is the slot the value at height h lives in:
       its own stack slot, or (pending) a local's or a pooled constant's
       slot, so local.get and constants cost no instruction. Pending
       entries exist only in the innermost frame: every control boundary
       materialises them, and local.set/tee first materialises pending
       copies of the local it overwrites. */
    uint32_t *loc;
    uint32_t *own;       /* own[h]: the stack slot of height h (widths vary) */
    uint32_t mem;        /* the memory the instruction being compiled names */
    uint32_t fuel_frame; /* the innermost loop or function frame */
    uint32_t fuel_run;   /* instructions counted since the last frame change */
    uint32_t stack_base; /* slot of stack height 0: nlslots + nconsts + nexn */
    uint64_t consts[OX_MAX_CONSTS];
    uint32_t nconsts;
    /* The rest is fuse.c's view of the tail of the code. */
    /* The last value-producing instruction, whose result slot (word 0)
       local.set may retarget, or a compare that br_if/if may fuse with. */
    uint32_t fold_insn, fold_end, label_pos;
    enum ox_iop fold_op;
    /* The last two instructions emitted (cell indices, UINT32_MAX when
       none): an i32.add right before a compare that fuses into a branch
       joins it (emit_cond_branch). */
    uint32_t last_insn, prev_insn, prev2_insn;
    bool last_labeled;   /* a label lies at last_insn */
    /* The last COPY, which a COPY right after it joins into a COPY2. */
    uint32_t copy_insn, copy_end;
} cc;

/* An instruction's immediates, read by oxc_rd_imm from its table line
   (opcodes.h): indices in a and b, constants in v. Blocktypes, br_table's
   labels and select's types are read by their instructions. */
typedef struct oxc_imm {
    uint32_t a, b;
    uint32_t mem, mem2;      /* memory indices (multi-memory): the memory, memory.copy's source */
    uint64_t v;
    uint8_t lane;            /* lane immediates */
    const uint8_t *bytes;    /* v128.const's 16 bytes, i8x16.shuffle's lanes */
} oxc_imm;

/* compile_read.c: errors and reading the body. Each returns false after
   recording the first error in c->err (offset: the current instruction). */
bool oxc_fail(cc *c, ox_errcode code, const char *msg);
bool oxc_unknown(cc *c, const char *what, uint64_t idx);
bool oxc_invalid(cc *c, const char *msg);
bool oxc_malformed(cc *c, const char *msg);
bool oxc_nomem(cc *c);
bool oxc_grow_to(cc *c, void **v, uint32_t *cap, uint32_t need, size_t elem);
/* Make room for `need` values on the operand stack (vs, loc and own). */
bool oxc_grow_stack(cc *c, uint32_t need);
bool oxc_rd_uleb(cc *c, unsigned bits, uint64_t *out);
bool oxc_rd_u32_any(cc *c, uint32_t *out);
bool oxc_rd_sleb_any(cc *c, unsigned bits, int64_t *out);
bool oxc_zero_byte(cc *c);
bool oxc_rd_imm_any(cc *c, const ox_opinfo *oi, oxc_imm *im);
/* A value type (or, ref_only, a reference type) or a heap type, whose
   type index, if any, is the module's. */
bool oxc_rd_valtype(cc *c, bool ref_only, ox_valtype *t);
bool oxc_rd_heaptype(cc *c, ox_heaptype *h);

/* compile_ctl.c: block types, control frames, labels and branches. */
uint32_t oxc_ctl_nparams(cc *c, const ctl *f);
uint32_t oxc_ctl_nresults(cc *c, const ctl *f);
ox_valtype oxc_ctl_param(cc *c, const ctl *f, uint32_t k);
ox_valtype oxc_ctl_result(cc *c, const ctl *f, uint32_t k);
uint32_t oxc_label_arity(cc *c, const ctl *f);
ox_valtype oxc_label_type(cc *c, const ctl *f, uint32_t k);
bool oxc_pop_label(cc *c, const ctl *f);
bool oxc_push_label(cc *c, const ctl *f);
/* The label's values on top of the stack, left there by a conditional
   branch, take the label's types (a subtype's value continues as the
   label's type, spec 3.0). */
void oxc_retype_label(cc *c, const ctl *f);
bool oxc_read_blocktype(cc *c, ctl *f);
bool oxc_emit_copy(cc *c, uint32_t dst, uint32_t src, uint32_t w);
bool oxc_materialize(cc *c, uint32_t h);
bool oxc_materialize_frame(cc *c);
bool oxc_target(cc *c, ctl *f, uint32_t insn, uint32_t word);
void oxc_resolve(cc *c, int32_t list, uint32_t to);
bool oxc_emit_moves(cc *c, uint32_t dst, uint32_t h, uint32_t n);
bool oxc_emit_return(cc *c);
bool oxc_emit_branch(cc *c, ctl *f);
bool oxc_branch_needs_moves(cc *c, ctl *f);
uint32_t oxc_emit_cond_branch(cc *c, uint32_t h, bool when_true, uint32_t *word);
bool oxc_push_ctl(cc *c, uint8_t kind, const ctl *bt);
bool oxc_enter_block(cc *c, uint8_t kind, ctl bt);
bool oxc_check_results(cc *c, ctl *f);
bool oxc_get_label(cc *c, uint32_t l, ctl **out);
void oxc_set_unreachable(cc *c);
/* Local x is set (non-defaultable locals); forget what was set inside
   frame f (at its end, else, catch). */
bool oxc_init_local(cc *c, uint32_t x);
void oxc_reset_inits(cc *c, const ctl *f);
/* A call of type t whose operands the caller has popped but the args:
   `form` says what op's words are: OXC_CALL_DIRECT (a = funcidx),
   _INDIRECT (a = typeidx, b = table, xslot the index), _REF (xslot the
   function reference). oxc_tail_call: a return_call of those. */
enum { OXC_CALL_DIRECT, OXC_CALL_INDIRECT, OXC_CALL_REF };
bool oxc_call(cc *c, const ox_functype *t, enum ox_iop op, uint32_t a, uint32_t b, int form,
              uint32_t xslot);
bool oxc_tail_call(cc *c, const ox_functype *t, enum ox_iop op, uint32_t a, uint32_t b, int form,
                   uint32_t xslot);
bool oxc_stackmap(cc *c, uint32_t h);
bool oxc_branch_when(cc *c, ctl *f, enum ox_iop taken, const uint32_t *w, enum ox_iop skip,
                     const uint32_t *ws, uint32_t nw, uint32_t off);

/* compile_gc.c: the GC instructions (0xFB, and ref.eq). */
bool oxc_op_gc(cc *c, enum ox_opcode op, const oxc_imm *im);

/* compile_exn.c: exception handling. try_table, throw, throw_ref, the
   legacy try/catch/catch_all/delegate/rethrow (catch_all is
   oxc_op_catch with OX_CATCH_ALL; after oxc_op_delegate the caller ends
   the frame as `end` would), and the end of a frame that catches (its
   landing pads, its nesting). Each returns false with c->err set. */
bool oxc_op_try_table(cc *c);
bool oxc_op_throw(cc *c, uint32_t tag);
bool oxc_op_throw_ref(cc *c);
bool oxc_op_try(cc *c);
bool oxc_op_catch(cc *c, uint32_t tag);
bool oxc_op_delegate(cc *c, uint32_t l);
bool oxc_op_rethrow(cc *c, uint32_t l);
bool oxc_exn_end(cc *c, ctl *f);

/* compile_ref.c: typed function references. */
bool oxc_op_ref_as_non_null(cc *c);
bool oxc_op_br_on_null(cc *c, uint32_t l);
bool oxc_op_br_on_non_null(cc *c, uint32_t l);
bool oxc_op_call_ref(cc *c, uint32_t typeidx, bool tail);

/* compile_mem.c: memory and table instructions. The memory named by the
   instruction being compiled (c->mem) exists; a load, store or lane
   access (its table line's shape); table.get/set, memory.size/grow and
   the bulk instructions (0xFC 8..17); call_indirect's index operand, for
   a call through `table`. Each returns false with c->err set. */
bool oxc_need_memory(cc *c);
bool oxc_check_elem(cc *c, uint32_t e);
bool oxc_check_data(cc *c, uint32_t d);
bool oxc_memory_access(cc *c, const ox_opinfo *oi, enum ox_iop iop, oxc_imm *im);
bool oxc_table_memory(cc *c, enum ox_opcode op, const oxc_imm *im);
bool oxc_call_index(cc *c, uint32_t table);

/* fuse.c: the fusion layer, through which every instruction reaches the
   code buffer (see fuse.c). Words are the plain op's operands (code.h).
   Each returns the cell index of the instruction now holding the op (a
   fused one, maybe emitted earlier), or UINT32_MAX with c->err set. */
/* An op whose word 0 is the slot it writes (its value may be folded). */
uint32_t oxf_emit_value(cc *c, enum ox_iop op, uint32_t nw, const uint32_t *w);
/* Any other op. */
uint32_t oxf_emit(cc *c, enum ox_iop op, uint32_t nw, const uint32_t *w);
/* A branch taken when slot `cond` (an i32) is non-zero (when_true) or zero;
   *word gets the operand word of its offset. */
uint32_t oxf_cond_branch(cc *c, uint32_t cond, bool when_true, uint32_t *word);
/* A label at the end of the code: nothing fuses across it. */
void oxf_label(cc *c);
/* When the instruction just emitted computed the value in stack slot s,
   make it write slot `to` instead (local.set, return) and say so. */
bool oxf_retarget(cc *c, uint32_t s, uint32_t to);
/* The back-edge `br` just emitted to the loop header at cell `header`. */
void oxf_loop_branch(cc *c, uint32_t header, uint32_t br);


/* While a body is compiled, an instruction's first cell holds its op
   number (enum ox_iop); ox_interp_thread turns them into handlers once the
   body is done. */
static inline unsigned oxc_op(const ox_cell *cell) { return (unsigned)cell->u64; }
static inline void oxc_set_op(ox_cell *cell, unsigned op) { cell->u64 = op; }

/* The pool slot holding `bits`, or UINT32_MAX when the pool (laid out by
   compile_pool.c before the pass) has none. Inline: it runs for every
   constant the body pushes. */
static inline uint32_t oxc_const_slot(cc *c, uint64_t bits)
{
    for (uint32_t k = 0; k < c->nconsts; k++)
        if (c->consts[k] == bits)
            return c->nlslots + k;
    return UINT32_MAX;
}
/* The same for a v128: two adjacent pool slots, low half first. */
static inline uint32_t oxc_const_slot2(cc *c, uint64_t lo, uint64_t hi)
{
    for (uint32_t k = 0; k + 1 < c->nconsts; k++)
        if (c->consts[k] == lo && c->consts[k + 1] == hi)
            return c->nlslots + k;
    return UINT32_MAX;
}

/* Set operand word `word` of the instruction at cell `insn`. */
static inline void oxc_set_word(cc *c, uint32_t insn, uint32_t word, uint32_t v)
{
    c->code[insn + 1 + word / 2].w[word % 2] = v;
}

/* compile_pool.c: fill c->consts/nconsts with the pool of the body from
   `body` (its locals' declarations) to `end`. Reports no errors: on code
   it does not understand it stops, and the compile pass says why. */
void oxc_collect_consts(cc *c, const uint8_t *body, const uint8_t *end);
const char *oxc_malformed_body(const uint8_t *body, const uint8_t *end);

/* The common cases inline, the rest in compile_read.c: these run several
   times per instruction (every push, emit and immediate), and a call into
   another file for a bounds check or a one-byte LEB128 was a fifth of the
   compile time. */

/* Make room for `need` elements of `elem` bytes in *v (capacity *cap). */
static inline bool oxc_grow(cc *c, void **v, uint32_t *cap, uint32_t need, size_t elem)
{
    return need <= *cap || oxc_grow_to(c, v, cap, need, elem);
}

static inline bool oxc_rd_byte(cc *c, uint8_t *out)
{
    if (c->p >= c->end)
        return oxc_malformed(c, "unexpected end");
    *out = *c->p++;
    return true;
}

/* A one-byte LEB128 (below 0x80) is always within the limits. */
static inline bool oxc_rd_u32(cc *c, uint32_t *out)
{
    if (c->p < c->end && *c->p < 0x80) {
        *out = *c->p++;
        return true;
    }
    return oxc_rd_u32_any(c, out);
}

/* An instruction's immediates, as its table line says (oxc_rd_imm_any);
   the commonest, none or one index (local.get, br, call...), read here. */
static inline bool oxc_rd_imm(cc *c, const ox_opinfo *oi, oxc_imm *im)
{
    switch (oi->imm) {
    case OX_IMM_NONE:
        return true;
    case OX_IMM_LOCAL: case OX_IMM_LABEL: case OX_IMM_GLOBAL: case OX_IMM_FUNC:
        return oxc_rd_u32(c, &im->a);
    default:
        return oxc_rd_imm_any(c, oi, im);
    }
}

/* One byte: 7 bits, sign-extended from bit 6; within the limits for any
   `bits` above 7 (callers read 32, 33 or 64). */
static inline bool oxc_rd_sleb(cc *c, unsigned bits, int64_t *out)
{
    if (bits > 7 && c->p < c->end && *c->p < 0x80) {
        uint8_t b = *c->p++;
        *out = (b & 0x40) ? (int64_t)b - 0x80 : (int64_t)b;
        return true;
    }
    return oxc_rd_sleb_any(c, bits, out);
}

#endif
