/*
 * compile_ctl.c — control frames, labels and branches for the function
 * compiler (compile.c owns the instructions; this file what they share):
 * block types, the control stack, and the code that moves a branch's
 * values into its label's slots and jumps there.
 *
 * A frame's label is where its values go: the slots from the frame's
 * entry height up, laid out by width. A branch copies its values there
 * (the fewest copies: pending values are read where they live) and jumps;
 * a branch to the function frame is a return. Forward jumps are patched
 * when their frame ends, back-edges to a loop are known at once.
 */
#include <string.h>

#include "compile_stack.h"

/* ---- block types and labels ------------------------------------------- */

uint32_t oxc_ctl_nparams(cc *c, const ctl *f)
{
    return f->has_type ? c->m->types[f->typeidx].nparams : 0;
}
uint32_t oxc_ctl_nresults(cc *c, const ctl *f)
{
    if (f->has_type)
        return c->m->types[f->typeidx].nresults;
    return f->single ? 1 : 0;
}
ox_valtype oxc_ctl_param(cc *c, const ctl *f, uint32_t k)
{
    return c->m->types[f->typeidx].params[k];
}
ox_valtype oxc_ctl_result(cc *c, const ctl *f, uint32_t k)
{
    return f->has_type ? c->m->types[f->typeidx].results[k] : f->single;
}
/* A branch to a loop carries its params, to anything else its results. */
uint32_t oxc_label_arity(cc *c, const ctl *f)
{
    return f->kind == CTL_LOOP ? oxc_ctl_nparams(c, f) : oxc_ctl_nresults(c, f);
}
ox_valtype oxc_label_type(cc *c, const ctl *f, uint32_t k)
{
    return f->kind == CTL_LOOP ? oxc_ctl_param(c, f, k) : oxc_ctl_result(c, f, k);
}

/* Pop the label's types (checking them), top first. */
bool oxc_pop_label(cc *c, const ctl *f)
{
    for (uint32_t k = oxc_label_arity(c, f); k-- > 0;)
        if (!pop_expect(c, oxc_label_type(c, f, k)))
            return false;
    return true;
}
void oxc_retype_label(cc *c, const ctl *f)
{
    uint32_t n = oxc_label_arity(c, f);
    for (uint32_t k = 0; k < n && k < c->nvs; k++)
        c->vs[c->nvs - n + k] = oxc_label_type(c, f, k);
}

bool oxc_push_label(cc *c, const ctl *f)
{
    uint32_t n = oxc_label_arity(c, f);
    for (uint32_t k = 0; k < n; k++)
        if (!push(c, oxc_label_type(c, f, k)))
            return false;
    return true;
}

bool oxc_read_blocktype(cc *c, ctl *f)
{
    f->has_type = false;
    f->single = 0;
    if (c->p < c->end && *c->p == 0x40) {
        c->p++;
        return true;
    }
    if (c->p < c->end && (ox_is_valtype(*c->p) || *c->p == OX_REF_NULL_PREFIX ||
                          *c->p == OX_REF_PREFIX))
        return oxc_rd_valtype(c, false, &f->single);
    int64_t v;
    if (!oxc_rd_sleb(c, 33, &v))
        return false;
    if (v < 0)
        return oxc_malformed(c, "malformed value type");
    if ((uint64_t)v >= c->m->ntypes)
        return oxc_unknown(c, "type", (uint64_t)v);
    f->has_type = true;
    f->typeidx = (uint32_t)v;
    return true;
}

/* ---- the constant pool --------------------------------------------------- */

/* ---- emission ---------------------------------------------------------- */

/* Copy a value of `w` cells from src to dst (a v128: two COPYs, which
   the fusion layer makes one COPY2; the low half first, so a copy to a
   lower overlapping slot is safe). */
bool oxc_emit_copy(cc *c, uint32_t dst, uint32_t src, uint32_t w)
{
    for (uint32_t k = 0; k < w; k++)
        if (emit(c, OXI_COPY, 2, (uint32_t[]){dst + k, src + k}) == UINT32_MAX && c->err)
            return false;
    return true;
}

/* Copy a pending value into its own stack slot. */
bool oxc_materialize(cc *c, uint32_t h)
{
    uint32_t at = loc_of(c, h);
    if (at == slot_of(c, h) || !live(c))
        return true;
    if (!oxc_emit_copy(c, slot_of(c, h), at, width(c->vs[h])))
        return false;
    c->loc[h] = slot_of(c, h);
    return true;
}

/* Materialise the innermost frame's values (all that can be pending). */
bool oxc_materialize_frame(cc *c)
{
    for (uint32_t h = top_ctl(c)->height; h < c->nvs; h++)
        if (!oxc_materialize(c, h))
            return false;
    return true;
}

/* Point operand `word` of `insn` at the label of frame f: loops are
   already placed, forward labels are patched when the frame ends. */
bool oxc_target(cc *c, ctl *f, uint32_t insn, uint32_t word)
{
    if (insn == UINT32_MAX)
        return c->err == NULL;
    if (f->kind == CTL_LOOP) {
        oxc_set_word(c, insn, word, (uint32_t)((int64_t)f->loop_pc - (int64_t)insn));
        return true;
    }
    if (!oxc_grow(c, (void **)&c->pt, &c->cappt, c->npt + 1, sizeof(patch)))
        return false;
    c->pt[c->npt] = (patch){insn, word, f->patches};
    f->patches = (int32_t)c->npt++;
    return true;
}

void oxc_resolve(cc *c, int32_t list, uint32_t to)
{
    for (int32_t i = list; i >= 0; i = c->pt[i].next)
        oxc_set_word(c, c->pt[i].insn, c->pt[i].word,
                 (uint32_t)((int64_t)to - (int64_t)c->pt[i].insn));
}

/* Move the top `n` values (ending at type-stack height h) to the slots
   from dst on, laid out by their widths. Canonical sources sit at or
   above their destinations, so ascending copies are safe; a pending
   source overlapping the destination range (a return into params) is
   materialised first so no copy clobbers it. */
bool oxc_emit_moves(cc *c, uint32_t dst, uint32_t h, uint32_t n)
{
    uint32_t end = dst;
    for (uint32_t k = 0; k < n; k++)
        end += width(c->vs[h - n + k]);
    /* This is one path only (a branch): copy to the canonical slot but
       leave loc[] alone, other paths may still see the value pending. */
    for (uint32_t k = 0, d = dst; k < n; k++) {
        uint32_t w = width(c->vs[h - n + k]);
        uint32_t at = loc_of(c, h - n + k), own = slot_of(c, h - n + k);
        if (at != own && at != d && at + w > dst && at < end && !oxc_emit_copy(c, own, at, w))
            return false;
        d += w;
    }
    for (uint32_t k = 0, d = dst; k < n; k++) {
        uint32_t w = width(c->vs[h - n + k]);
        uint32_t src = loc_of(c, h - n + k);
        if (src != d && src + w > dst && src < end)
            src = slot_of(c, h - n + k);
        if (src != d && !oxc_emit_copy(c, d, src, w))
            return false;
        d += w;
    }
    return true;
}

bool oxc_emit_return(cc *c)
{
    uint32_t n = oxc_ctl_nresults(c, &c->cs[0]);
    if (n == 1 && c->nvs >= 1 && live(c) &&
        oxf_retarget(c, loc_of(c, c->nvs - 1), 0)) /* `return a + b`: the add writes slot 0 */
        return EMIT0(c, OXI_RETURN) != UINT32_MAX || !c->err;
    /* RETURN1 copies one cell: not for a v128 */
    if (n == 1 && c->nvs >= 1 && loc_of(c, c->nvs - 1) != 0 && c->vs[c->nvs - 1] != OX_V128)
        return EMIT(c, OXI_RETURN1, loc_of(c, c->nvs - 1)) != UINT32_MAX || !c->err;
    if (!oxc_emit_moves(c, 0, c->nvs, n))
        return false;
    return EMIT0(c, OXI_RETURN) != UINT32_MAX || !c->err;
}

/* The jump part of a branch to frame f with the label values on top of the
   stack at height h: copies into the label's slots, then jump/return. */
bool oxc_emit_branch(cc *c, ctl *f)
{
    if (f == &c->cs[0])
        return oxc_emit_return(c);
    if (!oxc_emit_moves(c, slot_of(c, f->height), c->nvs, oxc_label_arity(c, f)))
        return false;
    return oxc_target(c, f, EMIT(c, OXI_BR, 0), 0);
}

bool oxc_branch_needs_moves(cc *c, ctl *f)
{
    if (f == &c->cs[0])
        return true;
    uint32_t n = oxc_label_arity(c, f);
    for (uint32_t k = 0, d = slot_of(c, f->height); k < n; k++) {
        if (loc_of(c, c->nvs - n + k) != d)
            return true;
        d += width(oxc_label_type(c, f, k));
    }
    return false;
}

/* A branch taken when the i32 just popped from height h is non-zero
   (when_true) or zero. Returns the instruction and, in *word, its offset
   operand. */
uint32_t oxc_emit_cond_branch(cc *c, uint32_t h, bool when_true, uint32_t *word)
{
    *word = 1;
    return live(c) ? oxf_cond_branch(c, loc_of(c, h), when_true, word) : UINT32_MAX;
}

/* ---- control instructions ---------------------------------------------- */

bool oxc_push_ctl(cc *c, uint8_t kind, const ctl *bt)
{
    bool dead = c->ncs ? !live(c) : false;
    if (!oxc_grow(c, (void **)&c->cs, &c->capcs, c->ncs + 1, sizeof(ctl)))
        return false;
    ctl *f = &c->cs[c->ncs++];
    *f = *bt;
    f->kind = kind;
    f->unreachable = false;
    f->dead = dead;
    f->height = c->nvs;
    f->patches = -1;
    f->else_patch = -1;
    f->loop_pc = c->ncode;
    f->fuel = 0;
    f->fuel_at = UINT32_MAX;
    f->fuel_outer = 0;
    f->init_h = c->ninits;
    return true;
}

bool oxc_init_local(cc *c, uint32_t x)
{
    if (!oxc_grow(c, (void **)&c->inits, &c->capinits, c->ninits + 1, sizeof(uint32_t)))
        return false;
    c->inits[c->ninits++] = x;
    c->linit[x] = 1;
    return true;
}

void oxc_reset_inits(cc *c, const ctl *f)
{
    while (c->ninits > f->init_h)
        c->linit[c->inits[--c->ninits]] = 0;
}

/* block/loop/if: pop the params, open the frame, push the params back
   (they stay in the same slots). */
bool oxc_enter_block(cc *c, uint8_t kind, ctl bt)
{
    uint32_t cond_h = 0;
    if (kind == CTL_IF) {
        if (!pop_expect(c, OX_I32))
            return false;
        cond_h = c->nvs;
    }
    uint32_t np = oxc_ctl_nparams(c, &bt);
    for (uint32_t k = np; k-- > 0;)
        if (!pop_expect(c, oxc_ctl_param(c, &bt, k)))
            return false;
    /* A control boundary: the enclosing frame's values, params included,
       move to their own slots (they are read from there on every path). */
    for (uint32_t h = top_ctl(c)->height; live(c) && h < c->nvs + np; h++)
        if (!oxc_materialize(c, h))
            return false;
    uint32_t skip = UINT32_MAX, word = 1;
    if (kind == CTL_IF)
        skip = oxc_emit_cond_branch(c, cond_h, false, &word);
    if (c->err)
        return false;
    if (!oxc_push_ctl(c, kind, &bt))
        return false;
    ctl *f = top_ctl(c);
    if (kind == CTL_IF && skip != UINT32_MAX) {
        if (!oxc_grow(c, (void **)&c->pt, &c->cappt, c->npt + 1, sizeof(patch)))
            return false;
        c->pt[c->npt] = (patch){skip, word, -1};
        f->else_patch = (int32_t)c->npt++;
    }
    if (kind == CTL_LOOP) {
        /* LOOP [fuel], then the header. Back-edges land on the header;
           they are the branches with offsets <= 0, which poll for
           interruption and charge the fuel LOOP holds, read at header[-1]
           (interp.c JUMP). The count is known at the loop's end. */
        /* Any loop can be taken over by compiled code at its header (the
           auto tier's OSR, interp.c): there the locals are in their cells
           and the operand values below the loop and its parameters in
           their own (materialised above). Its key is its opcode's offset
           in the body, plus 1, which the compiler finds the same way
           (src/jit/jit_emit.c). */
        uint32_t osr = (uint32_t)(c->ip - c->body) + 1;
        f->fuel_at = EMIT(c, OXI_LOOP, 0, osr);
        if (f->fuel_at == UINT32_MAX && c->err)
            return false;
        c->cs[c->fuel_frame].fuel += c->fuel_run; /* the enclosing frame's so far */
        c->fuel_run = 0;
        f->fuel_outer = c->fuel_frame;
        c->fuel_frame = c->ncs - 1;
        f->loop_pc = c->ncode;
        oxf_label(c);
    }
    for (uint32_t k = 0; k < np; k++)
        if (!push(c, oxc_ctl_param(c, f, k)))
            return false;
    return true;
}

/* Check that the frame's stack holds exactly its results. */
bool oxc_check_results(cc *c, ctl *f)
{
    uint32_t n = oxc_ctl_nresults(c, f);
    for (uint32_t k = n; k-- > 0;)
        if (!pop_expect(c, oxc_ctl_result(c, f, k)))
            return false;
    if (c->nvs != f->height)
        return oxc_invalid(c, "type mismatch");
    return true;
}

/* The frame that label `l` names. */
bool oxc_get_label(cc *c, uint32_t l, ctl **out)
{
    *out = NULL; /* set on every path: gcc -O3 cannot see callers stop on false */
    if (l >= c->ncs)
        return oxc_unknown(c, "label", l);
    *out = &c->cs[c->ncs - 1 - l];
    return true;
}

void oxc_set_unreachable(cc *c)
{
    ctl *f = top_ctl(c);
    c->nvs = f->height;
    f->unreachable = true;
}

/* ---- calls ------------------------------------------------------------------ */

/* Calls: the args at the top of the stack become the callee's params in
   place (its frame starts at `base`), its results land there too. */
bool oxc_call(cc *c, const ox_functype *t, enum ox_iop op, uint32_t a, uint32_t b, int form,
              uint32_t xslot)
{
    for (uint32_t k = t->nparams; k-- > 0;)
        if (!pop_expect(c, t->params[k]))
            return false;
    uint32_t base = slot_of(c, c->nvs);
    /* the args must be where the callee's frame starts */
    for (uint32_t k = 0; live(c) && k < t->nparams; k++)
        if (!oxc_materialize(c, c->nvs + k))
            return false;
    uint32_t insn = form == OXC_CALL_INDIRECT ? EMIT(c, op, a, b, base, xslot)
                    : form == OXC_CALL_REF    ? EMIT(c, op, base, xslot)
                                              : EMIT(c, op, a, base);
    if (insn == UINT32_MAX && c->err)
        return false;
    /* the callee may collect: what this frame holds, args included */
    if (!oxc_stackmap(c, c->nvs + t->nparams))
        return false;
    for (uint32_t k = 0; k < t->nresults; k++)
        if (!push(c, t->results[k]))
            return false;
    return true;
}

/* Tail calls (return_call, return_call_indirect): the callee's results
   must be the function's own, since they become its results; the args go
   where a call's would, and the interpreter moves them to the frame's
   start and runs the callee in the caller's frame. Nothing follows. */
bool oxc_tail_call(cc *c, const ox_functype *t, enum ox_iop op, uint32_t a, uint32_t b, int form,
                   uint32_t xslot)
{
    uint32_t n = oxc_ctl_nresults(c, &c->cs[0]);
    bool same = n == t->nresults;
    for (uint32_t k = 0; same && k < n; k++)
        same = ox_vt_sub(c->m, t->results[k], oxc_ctl_result(c, &c->cs[0], k));
    if (!same)
        return oxc_invalid(c, "type mismatch");
    if (!oxc_call(c, t, op, a, b, form, xslot))
        return false;
    oxc_set_unreachable(c); /* the results pushed are the caller's now */
    return true;
}

/* ---- stack maps ------------------------------------------------------------ */

/* At a point where a collection may happen (an allocation, a call), the
   slots of the stack's values below height h that hold references the
   collector traces, for the cell that follows (code.h ox_stackmap). The
   instruction's own operands are below h: a call's args, struct.new's
   fields, which are not consumed yet at run time. */
bool oxc_stackmap(cc *c, uint32_t h)
{
    if (!live(c))
        return true;
    uint32_t first = c->nmapslots;
    for (uint32_t k = 0; k < h; k++) {
        uint8_t t = ox_trace_kind(c->m, c->vs[k]);
        if (!t)
            continue;
        if (!oxc_grow(c, (void **)&c->mapslots, &c->capmapslots, c->nmapslots + 1,
                      sizeof(uint32_t)))
            return false;
        c->mapslots[c->nmapslots++] = loc_of(c, k) | (uint32_t)t << 30;
    }
    /* the legacy catches being run keep their exceptions in slots of their own */
    for (uint32_t i = 1; i < c->ncs; i++) {
        const ctl *f = &c->cs[i];
        if ((f->kind != CTL_CATCH && f->kind != CTL_CATCH_ALL) || f->dead)
            continue;
        if (!oxc_grow(c, (void **)&c->mapslots, &c->capmapslots, c->nmapslots + 1,
                      sizeof(uint32_t)))
            return false;
        c->mapslots[c->nmapslots++] = f->exn_slot | (uint32_t)OX_TRACE_EXN << 30;
    }
    if (c->nmapslots == first)
        return true;
    if (!oxc_grow(c, (void **)&c->maps, &c->capmaps, c->nmaps + 1, sizeof(ox_stackmap)))
        return false;
    c->maps[c->nmaps++] = (ox_stackmap){c->ncode, first, c->nmapslots - first};
    return true;
}

/* A conditional branch to frame f with its label's values on top of the
   stack: one instruction (`taken`, its words w, the offset at word `off`)
   when the values are in their label's slots already, else the opposite
   test (`skip`, words ws) around a branch's copies. As br_if does. */
bool oxc_branch_when(cc *c, ctl *f, enum ox_iop taken, const uint32_t *w, enum ox_iop skip,
                     const uint32_t *ws, uint32_t nw, uint32_t off)
{
    if (!live(c))
        return true;
    if (!oxc_branch_needs_moves(c, f))
        return oxc_target(c, f, emit(c, taken, nw, w), off);
    uint32_t insn = emit(c, skip, nw, ws);
    if (insn == UINT32_MAX || !oxc_emit_branch(c, f))
        return c->err == NULL;
    oxc_set_word(c, insn, off, c->ncode - insn);
    oxf_label(c);
    return true;
}
