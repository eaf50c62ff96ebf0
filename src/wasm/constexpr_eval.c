/*
 * constexpr_eval.c — the value of a constant expression, at instantiation
 * (constexpr.c decodes and validates them).
 *
 * The usual expression of one instruction is evaluated from its decoded
 * form; a longer one (extended constant expressions, GC allocations) runs
 * on a small stack machine over its bytes. GC objects made here are not
 * collected while the instance is being made: collections happen only
 * where the interpreter knows its roots.
 */
#include <string.h>

#include "constexpr.h"
#include "gc.h"

enum { MAX_DEPTH = 1024 }; /* as constexpr.c checks */

/* A GC instruction on the stack st (*n values): pops, allocates, pushes. */
static void eval_gc(ox_instance *inst, uint16_t op, uint64_t imm, uint64_t *st, uint32_t *n)
{
    ox_store *s = inst->store;
    ox_trap trap = OX_TRAP_NONE;
    void *r = NULL;
    switch (op) {
    case OXO_REF_I31:
        r = ox_i31_make((uint32_t)st[--*n]);
        break;
    case OXO_EXTERN_CONVERT_ANY:
        r = ox_gc_externalize(s, (void *)(uintptr_t)st[--*n], &trap);
        break;
    case OXO_ANY_CONVERT_EXTERN:
        r = ox_gc_internalize(s, (void *)(uintptr_t)st[--*n], &trap);
        break;
    case OXO_STRUCT_NEW:
    case OXO_STRUCT_NEW_DEFAULT: {
        uint32_t id = inst->type_ids[(uint32_t)imm];
        ox_gcobj *o = ox_gc_new_struct(s, id, &trap);
        if (o && op == OXO_STRUCT_NEW) { /* one slot a field: constant v128s are not stacked */
            *n -= o->len;
            memcpy(o->data, st + *n, (size_t)o->len * 8);
        }
        r = o;
        break;
    }
    default: { /* arrays */
        uint32_t id = inst->type_ids[(uint32_t)imm];
        uint64_t count = op == OXO_ARRAY_NEW_FIXED ? imm >> 32 : st[--*n];
        ox_gcobj *o = ox_gc_new_array(s, id, count, &trap);
        if (!o) {
            if (op == OXO_ARRAY_NEW)
                --*n;
            else if (op == OXO_ARRAY_NEW_FIXED)
                *n -= (uint32_t)count;
            break;
        }
        if (op == OXO_ARRAY_NEW) {
            uint64_t v = st[--*n];
            for (uint32_t k = 0; k < o->len; k++)
                memcpy((uint8_t *)o->data + (size_t)k * o->esize, &v, o->esize < 8 ? o->esize : 8);
        } else if (op == OXO_ARRAY_NEW_FIXED) {
            *n -= (uint32_t)count;
            for (uint32_t k = 0; k < o->len; k++)
                memcpy((uint8_t *)o->data + (size_t)k * o->esize, &st[*n + k],
                       o->esize < 8 ? o->esize : 8);
        }
        r = o;
    }
    }
    if (trap != OX_TRAP_NONE && inst->eval_trap == OX_TRAP_NONE)
        inst->eval_trap = trap;
    st[(*n)++] = (uint64_t)(uintptr_t)r;
}

/* A longer (valid) expression, on a stack. */
static void eval_long(ox_instance *inst, const ox_constexpr *ce, ox_slot out[2])
{
    uint64_t st[MAX_DEPTH];
    uint32_t n = 0, at;
    ox_cwalk w = ox_cwalk_of(inst->module, ce);
    const ox_opinfo *oi;
    uint64_t imm;
    while (ox_cwalk_next(&w, &oi, &imm, &at)) {
        uint64_t a = n >= 2 ? st[n - 2] : 0, b = n >= 1 ? st[n - 1] : 0;
        if (ox_constexpr_is_gc(oi->op)) {
            eval_gc(inst, oi->op, imm, st, &n);
            continue;
        }
        switch (oi->op) {
        case OXO_I32_ADD: st[--n - 1] = (uint32_t)(a + b); break;
        case OXO_I32_SUB: st[--n - 1] = (uint32_t)(a - b); break;
        case OXO_I32_MUL: st[--n - 1] = (uint32_t)((uint32_t)a * (uint32_t)b); break;
        case OXO_I64_ADD: st[--n - 1] = a + b; break;
        case OXO_I64_SUB: st[--n - 1] = a - b; break;
        case OXO_I64_MUL: st[--n - 1] = a * b; break;
        default: {
            ox_constexpr one = {.op = oi->op, .imm = imm, .ninstr = 1};
            ox_slot v[2];
            ox_constexpr_eval_into(inst, &one, v);
            st[n++] = v[0].i64;
        }
        }
    }
    out[0].i64 = st[0];
}

void ox_constexpr_eval_into(ox_instance *inst, const ox_constexpr *ce, ox_slot out[2])
{
    out[0].i64 = out[1].i64 = 0;
    if (ce->ninstr > 1 || ox_constexpr_is_gc(ce->op)) {
        eval_long(inst, ce, out);
        return;
    }
    switch (ce->op) {
    case OXO_I32_CONST: case OXO_F32_CONST: out[0].i32 = (uint32_t)ce->imm; break;
    case OXO_I64_CONST: case OXO_F64_CONST: out[0].i64 = ce->imm; break;
    case OXO_V128_CONST: memcpy(out, inst->module->bytes + ce->imm, 16); break;
    case OXO_REF_NULL: out[0].ref = NULL; break;
    case OXO_REF_FUNC: out[0].ref = inst->funcs[ce->imm]; break;
    case OXO_GLOBAL_GET: memcpy(out, inst->globals[ce->imm]->val, 2 * sizeof(ox_slot)); break;
    default: break;
    }
}

ox_slot ox_constexpr_eval(ox_instance *inst, const ox_constexpr *ce)
{
    ox_slot v[2];
    ox_constexpr_eval_into(inst, ce, v);
    return v[0];
}
