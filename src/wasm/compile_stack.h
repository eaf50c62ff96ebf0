/*
 * compile_stack.h — the operand type stack and emission, shared by the
 * files of the function compiler (compile.c, compile_mem.c; internal).
 *
 * The operand stack keeps each value's type (vs), its own stack slot (own)
 * and the slot it lives in now (loc: its own, or a local's or a pooled
 * constant's while pending; compile.h). Everything is emitted through the
 * fusion layer, and nothing in unreachable code.
 */
#ifndef OX_COMPILE_STACK_H
#define OX_COMPILE_STACK_H

#include "compile.h"

static inline ctl *top_ctl(cc *c) { return &c->cs[c->ncs - 1]; }
/* Cells of a value of type t (a v128 takes two, T_UNKNOWN one). */
static inline uint32_t width(ox_valtype t) { return t == OX_V128 ? 2 : 1; }
/* The stack slot of height h: right above the value below it. For h at
   or below the current height (what is pushed next included). */
static inline uint32_t slot_of(cc *c, uint32_t h)
{
    return h ? c->own[h - 1] + width(c->vs[h - 1]) : c->stack_base;
}

/* Push a value living in slot `at`. */
static inline bool push_at(cc *c, ox_valtype t, uint32_t at)
{
    if (c->nvs >= c->capvs && !oxc_grow_stack(c, c->nvs + 1))
        return false;
    uint32_t own = slot_of(c, c->nvs);
    c->own[c->nvs] = own;
    c->loc[c->nvs] = at;
    c->vs[c->nvs++] = t;
    uint32_t top = own + width(t) - c->stack_base;
    if (top > c->maxh)
        c->maxh = top;
    return true;
}
static inline bool push(cc *c, ox_valtype t) { return push_at(c, t, slot_of(c, c->nvs)); }

/* The slot holding the value at height h (meaningful in live code only). */
static inline uint32_t loc_of(cc *c, uint32_t h) { return h < c->capvs ? c->loc[h] : 0; }

/* Pop any type; T_UNKNOWN at the bottom of an unreachable frame. */
static inline bool pop(cc *c, ox_valtype *out)
{
    ctl *f = top_ctl(c);
    if (c->nvs == f->height) {
        if (f->unreachable) {
            *out = T_UNKNOWN;
            return true;
        }
        return oxc_invalid(c, "type mismatch");
    }
    *out = c->vs[--c->nvs];
    return true;
}

static inline bool pop_expect(cc *c, ox_valtype want)
{
    ox_valtype t = T_UNKNOWN;
    if (!pop(c, &t))
        return false;
    if (t != want && t != T_UNKNOWN && want != T_UNKNOWN && !ox_vt_sub(c->m, t, want))
        return oxc_invalid(c, "type mismatch");
    return true;
}

static inline bool live(cc *c)
{
    const ctl *f = top_ctl(c);
    return !f->unreachable && !f->dead;
}

/* Emit through the fusion layer (fuse.c); nothing in dead code. Returns
   the instruction's cell index, or UINT32_MAX (dead, or c->err set). */
static inline uint32_t emit(cc *c, enum ox_iop op, uint32_t nw, const uint32_t *w)
{
    return live(c) ? oxf_emit(c, op, nw, w) : UINT32_MAX;
}
/* The same for an op whose word 0 is the slot it writes. */
static inline uint32_t emit_value(cc *c, enum ox_iop op, uint32_t nw, const uint32_t *w)
{
    return live(c) ? oxf_emit_value(c, op, nw, w) : UINT32_MAX;
}
#define WORDS(...) sizeof((uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t), (uint32_t[]){__VA_ARGS__}
#define EMIT(c, op, ...) emit((c), (op), WORDS(__VA_ARGS__))
#define EMIT_VALUE(c, op, ...) emit_value((c), (op), WORDS(__VA_ARGS__))
#define EMIT0(c, op) emit((c), (op), 0, NULL)
/* After an emit(): true unless it failed (dead code emits nothing). */
static inline bool emitted(cc *c, uint32_t insn) { return insn != UINT32_MAX || !c->err; }

#endif
