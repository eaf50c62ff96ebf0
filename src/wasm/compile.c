/*
 * compile.c — validate each function body and compile it to slot code.
 *
 * Each pass over a body does both jobs (spec 3.3 "Instructions" and the
 * validation algorithm of the spec's appendix A.3): an operand type stack
 * and a control stack check typing, and because the height of the operand
 * stack is known at every instruction, each stack position gets a fixed
 * frame slot (code.h). Instructions are emitted with the slot numbers of
 * their operands and result, branches with resolved offsets and the copies
 * that move a branch's values into the target label's slots.
 *
 * Unreachable code (after br, return, unreachable, ...) is validated with
 * the polymorphic stack of the spec but emits nothing: a control frame
 * entered in dead code is "dead" and emits nothing either.
 *
 * Cheap code comes from folding, all decided here so the interpreter stays
 * simple: local.get and constants emit nothing (operands name the local's
 * or the constant pool's slot, cc.loc), local.set/tee retarget the result
 * slot of the instruction that computed the value, and a comparison or
 * bit test feeding br_if/if, or an i32.add feeding a load/store address,
 * is rewritten in place into one fused instruction. The same in-place
 * rewriting, always of the instruction just emitted, makes the other
 * fused families of code.h: an add into the compare-and-branch after it
 * (BR_ADD), a binop into the binop consuming its result (CH), a load into
 * the binop consuming it (LM), a binop or a same-width load into the store
 * storing it (SM, MOVE); two adjacent i32.adds pair into ADD2 once the
 * second can no longer be rewritten. Pair choices came from op-pair
 * counts over bench/ (interp.c OX_OP_PROFILE). Each body is compiled in
 * one pass, after a quick scan (compile_pool.c) has collected its
 * constant pool, whose size fixes where the operand stack's slots start.
 *
 * Errors: ox_err_at(OX_ERR_MALFORMED or OX_ERR_INVALID, offset of the
 * offending instruction, reason) with the reference interpreter's wording.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "compile_stack.h"

typedef oxc_imm imm; /* an instruction's immediates (compile.h) */

static bool op_block(cc *c, uint8_t kind)
{
    ctl bt;
    memset(&bt, 0, sizeof bt);
    return oxc_read_blocktype(c, &bt) && oxc_enter_block(c, kind, bt);
}

static bool op_else(cc *c)
{
    ctl *f = top_ctl(c);
    if (f->kind != CTL_IF)
        return oxc_malformed(c, "END opcode expected");
    if (!oxc_materialize_frame(c) || !oxc_check_results(c, f))
        return false;
    /* then-arm falls through to the end: jump over the else-arm */
    if (live(c) && !oxc_target(c, f, EMIT(c, OXI_BR, 0), 0))
        return false;
    if (f->else_patch >= 0) {
        oxc_resolve(c, f->else_patch, c->ncode);
        f->else_patch = -1;
    }
    oxf_label(c);
    f->kind = CTL_ELSE;
    oxc_reset_inits(c, f);
    f->unreachable = false;
    for (uint32_t k = 0; k < oxc_ctl_nparams(c, f); k++)
        if (!push(c, oxc_ctl_param(c, f, k)))
            return false;
    return true;
}

static bool op_end(cc *c)
{
    ctl *f = top_ctl(c);
    if (f->kind == CTL_IF) {
        /* if without else: the implicit else passes params through, so
           params and results must agree (spec 3.3.8.7). */
        uint32_t np = oxc_ctl_nparams(c, f), nr = oxc_ctl_nresults(c, f);
        bool ok = np == nr;
        for (uint32_t k = 0; ok && k < np; k++)
            ok = ox_vt_sub(c->m, oxc_ctl_param(c, f, k), oxc_ctl_result(c, f, k));
        if (!ok)
            return oxc_invalid(c, "type mismatch");
    }
    if (f->kind != CTL_FUNC && !oxc_materialize_frame(c))
        return false;
    if (!oxc_check_results(c, f))
        return false;
    if (!oxc_exn_end(c, f))
        return false;
    if (f->kind == CTL_FUNC) {
        if (live(c)) {
            c->nvs = oxc_ctl_nresults(c, f);
            if (!oxc_emit_return(c))
                return false;
        }
        c->ncs--;
        return true;
    }
    oxc_resolve(c, f->else_patch, c->ncode);
    oxc_resolve(c, f->patches, c->ncode);
    if (f->kind == CTL_LOOP) {
        /* The loop's whole body, nested loops once: what one more
           iteration may run. The frame around it counts it once too, for
           the first iteration, which no back-edge charges. */
        f->fuel += c->fuel_run;
        c->fuel_run = 0;
        if (f->fuel_at != UINT32_MAX)
            oxc_set_word(c, f->fuel_at, 0, f->fuel ? f->fuel : 1);
        c->fuel_frame = f->fuel_outer;
        c->cs[c->fuel_frame].fuel += f->fuel;
    }
    oxf_label(c);
    ctl done = *f;
    oxc_reset_inits(c, f);
    c->ncs--;
    for (uint32_t k = 0; k < oxc_ctl_nresults(c, &done); k++)
        if (!push(c, oxc_ctl_result(c, &done, k)))
            return false;
    return true;
}

static bool op_br(cc *c, uint32_t l)
{
    ctl *f;
    if (!oxc_get_label(c, l, &f))
        return false;
    uint32_t h = c->nvs;
    if (!oxc_pop_label(c, f))
        return false;
    if (live(c)) {
        c->nvs = h; /* the values are still in their slots: move them */
        if (!oxc_emit_branch(c, f))
            return false;
    }
    oxc_set_unreachable(c);
    return true;
}

static bool op_br_if(cc *c, uint32_t l)
{
    ctl *f;
    if (!oxc_get_label(c, l, &f) || !pop_expect(c, OX_I32))
        return false;
    uint32_t cond_h = c->nvs;
    if (!live(c))
        return oxc_pop_label(c, f) && oxc_push_label(c, f);
    /* the label's values keep their slots (pending ones stay pending) */
    if (!oxc_pop_label(c, f))
        return false;
    c->nvs = cond_h;
    oxc_retype_label(c, f);
    uint32_t word = 1;
    if (!oxc_branch_needs_moves(c, f)) {
        uint32_t insn = oxc_emit_cond_branch(c, cond_h, true, &word);
        if (!oxc_target(c, f, insn, word))
            return false;
        if (insn != UINT32_MAX && f->kind == CTL_LOOP)
            oxf_loop_branch(c, f->loop_pc, insn);
        return true;
    }
    uint32_t skip = oxc_emit_cond_branch(c, cond_h, false, &word);
    if (skip == UINT32_MAX || !oxc_emit_branch(c, f))
        return c->err == NULL;
    oxc_set_word(c, skip, word, c->ncode - skip);
    oxf_label(c);
    return true;
}

static bool op_br_table(cc *c)
{
    uint32_t n;
    if (!oxc_rd_u32(c, &n))
        return false;
    if (n > (uint32_t)(c->end - c->p)) /* each label takes at least a byte */
        return oxc_malformed(c, "unexpected end");
    if (!oxc_grow(c, (void **)&c->tmpw, &c->captmpw, n + 3, sizeof(uint32_t)))
        return false;
    uint32_t *lbl = c->tmpw + 2; /* label depths first, offsets later */
    for (uint32_t k = 0; k <= n; k++) {
        ctl *f;
        uint32_t l;
        if (!oxc_rd_u32(c, &l) || !oxc_get_label(c, l, &f))
            return false;
        lbl[k] = (uint32_t)(c->cs + c->ncs - 1 - f);
    }
    if (!pop_expect(c, OX_I32))
        return false;
    uint32_t idx = loc_of(c, c->nvs);
    ctl *def = &c->cs[c->ncs - 1 - lbl[n]];
    uint32_t arity = oxc_label_arity(c, def);
    /* every target needs the same arity, and the operands must match each
       label's types (checked separately: in dead code they may differ) */
    for (uint32_t k = 0; k <= n; k++) {
        ctl *f = &c->cs[c->ncs - 1 - lbl[k]];
        if (oxc_label_arity(c, f) != arity)
            return oxc_invalid(c, "type mismatch");
        uint32_t save = c->nvs;
        if (!oxc_pop_label(c, f))
            return false;
        c->nvs = save; /* pops do not erase types: the next label sees them */
    }
    if (live(c)) {
        uint32_t h = c->nvs;
        c->tmpw[0] = idx;
        c->tmpw[1] = n;
        uint32_t insn = emit(c, OXI_BR_TABLE, n + 3, c->tmpw);
        if (insn == UINT32_MAX)
            return false;
        for (uint32_t k = 0; k <= n; k++) {
            ctl *f = &c->cs[c->ncs - 1 - lbl[k]];
            if (!oxc_branch_needs_moves(c, f)) {
                if (!oxc_target(c, f, insn, 2 + k))
                    return false;
                continue;
            }
            /* a stub after the table moves the values, then branches */
            oxc_set_word(c, insn, 2 + k, c->ncode - insn);
            c->nvs = h;
            if (!oxc_emit_branch(c, f))
                return false;
        }
    }
    oxc_set_unreachable(c);
    return true;
}

static bool op_return(cc *c)
{
    uint32_t h = c->nvs;
    if (!oxc_pop_label(c, &c->cs[0]))
        return false;
    if (live(c)) {
        c->nvs = h;
        if (!oxc_emit_return(c))
            return false;
    }
    oxc_set_unreachable(c);
    return true;
}

/* ---- the instruction loop ----------------------------------------------- */

/* The internal op of a numeric or memory instruction: its namesake. */
static enum ox_iop iop_of(enum ox_opcode op)
{
    static const uint16_t map[OXO_COUNT_] = {
#define OX_M(name, ...) [OXO_##name] = OXI_##name,
        OX_BINOPS(OX_M) OX_TRAP_BINOPS(OX_M) OX_UNOPS(OX_M) OX_TRUNC_OPS(OX_M)
        OX_SAT_OPS(OX_M) OX_LOAD_OPS(OX_M) OX_STORE_OPS(OX_M) OX_SIMD_ALL(OX_M)
#undef OX_M
    };
    return (enum ox_iop)map[op];
}

/* A constant: a slot of the function's pool (code.h), or when the pool is
   full an explicit CONST into the stack slot. */
static bool push_const(cc *c, ox_valtype t, uint64_t bits)
{
    if (!live(c))
        return push(c, t);
    uint32_t at = oxc_const_slot(c, bits);
    if (at != UINT32_MAX)
        return push_at(c, t, at);
    uint32_t dst = slot_of(c, c->nvs);
    if (EMIT(c, OXI_CONST64, dst, (uint32_t)bits, (uint32_t)(bits >> 32)) == UINT32_MAX && c->err)
        return false;
    return push(c, t);
}

/* A v128 constant: two adjacent pool slots, or an explicit CONST_V128. */
static bool push_v128_const(cc *c, const uint8_t *bytes)
{
    uint64_t lo, hi;
    memcpy(&lo, bytes, 8);
    memcpy(&hi, bytes + 8, 8);
    if (!live(c))
        return push(c, OX_V128);
    uint32_t at = oxc_const_slot2(c, lo, hi);
    if (at != UINT32_MAX)
        return push_at(c, OX_V128, at);
    uint32_t w[5] = {slot_of(c, c->nvs)};
    memcpy(&w[1], bytes, 16);
    if (emit(c, OXI_CONST_V128, 5, w) == UINT32_MAX && c->err)
        return false;
    return push(c, OX_V128);
}

static bool check_local(cc *c, uint32_t x)
{
    return x < c->nlocals || oxc_unknown(c, "local", x);
}

static bool check_global(cc *c, uint32_t x)
{
    return x < c->m->nglobals || oxc_unknown(c, "global", x);
}

static bool op_local_get(cc *c, uint32_t x)
{
    if (!check_local(c, x))
        return false;
    if (c->nondef && !c->linit[x])
        return oxc_invalid(c, "uninitialized local");
    return push_at(c, c->ltypes[x], c->lslot[x]); /* pending: no instruction */
}

static bool op_local_set(cc *c, uint32_t i, bool tee)
{
    if (!check_local(c, i) || !pop_expect(c, c->ltypes[i]))
        return false;
    if (c->nondef && !c->linit[i] && !oxc_init_local(c, i))
        return false;
    uint32_t h = c->nvs, x = c->lslot[i];
    ox_valtype t = c->ltypes[i];
    if (!live(c))
        return tee ? push(c, t) : true;
    /* values still reading the local's old contents get their own copy */
    for (uint32_t k = top_ctl(c)->height; k < h; k++)
        if (c->loc[k] == x && !oxc_materialize(c, k))
            return false;
    uint32_t src = loc_of(c, h);
    /* the instruction that computed the value writes the local */
    if (!oxf_retarget(c, src, x) && src != x && !oxc_emit_copy(c, x, src, width(t)))
        return false;
    return tee ? push_at(c, t, x) : true;
}

static bool op_other(cc *c, enum ox_opcode op, imm *im);
static bool instr_body(cc *c, const ox_opinfo *oi, imm *im);

/* One instruction: its table line says how to read and type it. */
static bool instr(cc *c, uint8_t byte)
{
    const ox_opinfo *oi = &ox_op_byte[byte];
    if (ox_is_prefix(byte)) {
        uint32_t sub;
        if (!oxc_rd_u32(c, &sub))
            return false;
        oi = ox_opinfo_get(byte, sub);
    }
    if (!oi || !oi->name)
        return oxc_malformed(c, "illegal opcode");
    imm im;
    memset(&im, 0, sizeof im);
    if (!oxc_rd_imm(c, oi, &im))
        return false;
    /* Multi-memory: an access to memory k != 0 runs between MEM_SELECT k and
       MEM_SELECT 0 (the interpreter keeps memory 0 at hand; fusion sees the
       selects and joins nothing across them). memory.copy between two
       memories has an op of its own. */
    c->mem = im.mem;
    bool other = im.mem != 0 && (oi->imm != OX_IMM_MEM_MEM || im.mem == im.mem2);
    if (other && (!oxc_need_memory(c) || !emitted(c, EMIT(c, OXI_MEM_SELECT, im.mem))))
        return false;
    if (!instr_body(c, oi, &im))
        return false;
    return !other || emitted(c, EMIT(c, OXI_MEM_SELECT, 0));
}

static bool instr_body(cc *c, const ox_opinfo *oi, imm *im)
{
    enum ox_iop iop = iop_of((enum ox_opcode)oi->op);
    switch (oi->shape) {
    case OX_SHAPE_BIN: {
        if (!pop_expect(c, oi->ta) || !pop_expect(c, oi->ta))
            return false;
        uint32_t h = c->nvs;
        if (!emitted(c, EMIT_VALUE(c, iop, slot_of(c, h), loc_of(c, h), loc_of(c, h + 1))))
            return false;
        return push(c, oi->tr);
    }
    case OX_SHAPE_UN: {
        if (!pop_expect(c, oi->ta))
            return false;
        uint32_t h = c->nvs;
        if (iop == OXI_I32_WRAP_I64 && live(c))
            /* An i32 reads the low half of its slot (code.h), which is
               where the i64 keeps its low 32 bits: the wrapped value is
               the same slot, no instruction. */
            return push_at(c, OX_I32, loc_of(c, h));
        if (!emitted(c, EMIT_VALUE(c, iop, slot_of(c, h), loc_of(c, h))))
            return false;
        return push(c, oi->tr);
    }
    case OX_SHAPE_LOAD:
    case OX_SHAPE_STORE:
    case OX_SHAPE_LOAD_LANE:
    case OX_SHAPE_STORE_LANE:
        return oxc_memory_access(c, oi, iop, im);
    case OX_SHAPE_SHIFT: { /* [dst, a, count] */
        if (!pop_expect(c, OX_I32) || !pop_expect(c, oi->ta))
            return false;
        uint32_t h = c->nvs;
        if (!emitted(c, EMIT_VALUE(c, iop, slot_of(c, h), loc_of(c, h), loc_of(c, h + 1))))
            return false;
        return push(c, oi->tr);
    }
    case OX_SHAPE_TERN: { /* [dst, a, b, c] */
        if (!pop_expect(c, oi->ta) || !pop_expect(c, oi->ta) || !pop_expect(c, oi->ta))
            return false;
        uint32_t h = c->nvs;
        if (!emitted(c, EMIT_VALUE(c, iop, slot_of(c, h), loc_of(c, h), loc_of(c, h + 1),
                                   loc_of(c, h + 2))))
            return false;
        return push(c, oi->tr);
    }
    case OX_SHAPE_EXTRACT: { /* [dst, a, lane] */
        if (!pop_expect(c, OX_V128))
            return false;
        uint32_t h = c->nvs;
        if (!emitted(c, EMIT_VALUE(c, iop, slot_of(c, h), loc_of(c, h), im->lane)))
            return false;
        return push(c, oi->tr);
    }
    case OX_SHAPE_REPLACE: { /* [dst, a, x, lane] */
        if (!pop_expect(c, oi->ta) || !pop_expect(c, OX_V128))
            return false;
        uint32_t h = c->nvs;
        if (!emitted(c, EMIT_VALUE(c, iop, slot_of(c, h), loc_of(c, h), loc_of(c, h + 1),
                                   im->lane)))
            return false;
        return push(c, OX_V128);
    }
    default:
        return op_other(c, (enum ox_opcode)oi->op, im);
    }
}

/* The instructions typed by hand (opcodes.h OX_INSTR_OTHER). */
static bool op_other(cc *c, enum ox_opcode op, imm *im)
{
    switch (op) {
    case OXO_UNREACHABLE:
        if (EMIT0(c, OXI_UNREACHABLE) == UINT32_MAX && c->err)
            return false;
        oxc_set_unreachable(c);
        return true;
    case OXO_NOP:
        return true;
    case OXO_BLOCK: return op_block(c, CTL_BLOCK);
    case OXO_LOOP: return op_block(c, CTL_LOOP);
    case OXO_IF: return op_block(c, CTL_IF);
    case OXO_ELSE: return op_else(c);
    case OXO_END: return op_end(c);
    case OXO_BR: return op_br(c, im->a);
    case OXO_THROW: return oxc_op_throw(c, im->a);
    case OXO_THROW_REF: return oxc_op_throw_ref(c);
    case OXO_TRY_TABLE: return oxc_op_try_table(c);
    case OXO_TRY: return oxc_op_try(c);
    case OXO_CATCH: return oxc_op_catch(c, im->a);
    case OXO_CATCH_ALL: return oxc_op_catch(c, OX_CATCH_ALL);
    case OXO_DELEGATE: return oxc_op_delegate(c, im->a) && op_end(c);
    case OXO_RETHROW: return oxc_op_rethrow(c, im->a);
    case OXO_BR_IF: return op_br_if(c, im->a);
    case OXO_BR_TABLE: return op_br_table(c);
    case OXO_RETURN: return op_return(c);
    case OXO_CALL:
        if (im->a >= c->m->nfuncs)
            return oxc_unknown(c, "function", im->a);
        return oxc_call(c, &c->m->types[c->m->functypes[im->a]], OXI_CALL, im->a, 0,
                        OXC_CALL_DIRECT, 0);
    case OXO_CALL_INDIRECT: /* typeidx tableidx */
        if (im->b >= c->m->ntables)
            return oxc_unknown(c, "table", im->b);
        if (im->a >= c->m->ntypes)
            return oxc_unknown(c, "type", im->a);
        if (!ox_vt_sub(c->m, c->m->tables[im->b].elem, OX_FUNCREF))
            return oxc_invalid(c, "type mismatch");
        return oxc_call_index(c, im->b) &&
               oxc_call(c, &c->m->types[im->a], OXI_CALL_INDIRECT, im->a, im->b,
                        OXC_CALL_INDIRECT, loc_of(c, c->nvs));
    case OXO_RETURN_CALL:
        if (im->a >= c->m->nfuncs)
            return oxc_unknown(c, "function", im->a);
        return oxc_tail_call(c, &c->m->types[c->m->functypes[im->a]], OXI_RETURN_CALL, im->a, 0,
                             OXC_CALL_DIRECT, 0);
    case OXO_RETURN_CALL_INDIRECT:
        if (im->b >= c->m->ntables)
            return oxc_unknown(c, "table", im->b);
        if (im->a >= c->m->ntypes)
            return oxc_unknown(c, "type", im->a);
        if (!ox_vt_sub(c->m, c->m->tables[im->b].elem, OX_FUNCREF))
            return oxc_invalid(c, "type mismatch");
        return oxc_call_index(c, im->b) &&
               oxc_tail_call(c, &c->m->types[im->a], OXI_RETURN_CALL_INDIRECT, im->a, im->b,
                             OXC_CALL_INDIRECT, loc_of(c, c->nvs));
    case OXO_STRUCT_NEW: case OXO_STRUCT_NEW_DEFAULT: case OXO_STRUCT_GET: case OXO_STRUCT_GET_S:
    case OXO_STRUCT_GET_U: case OXO_STRUCT_SET: case OXO_ARRAY_NEW: case OXO_ARRAY_NEW_DEFAULT:
    case OXO_ARRAY_NEW_FIXED: case OXO_ARRAY_NEW_DATA: case OXO_ARRAY_NEW_ELEM: case OXO_ARRAY_GET:
    case OXO_ARRAY_GET_S: case OXO_ARRAY_GET_U: case OXO_ARRAY_SET: case OXO_ARRAY_LEN:
    case OXO_ARRAY_FILL: case OXO_ARRAY_COPY: case OXO_ARRAY_INIT_DATA: case OXO_ARRAY_INIT_ELEM:
    case OXO_REF_TEST: case OXO_REF_TEST_NULL: case OXO_REF_CAST: case OXO_REF_CAST_NULL:
    case OXO_BR_ON_CAST: case OXO_BR_ON_CAST_FAIL: case OXO_ANY_CONVERT_EXTERN:
    case OXO_EXTERN_CONVERT_ANY: case OXO_REF_I31: case OXO_I31_GET_S: case OXO_I31_GET_U:
    case OXO_REF_EQ:
        return oxc_op_gc(c, op, im);
    case OXO_CALL_REF: return oxc_op_call_ref(c, im->a, false);
    case OXO_RETURN_CALL_REF: return oxc_op_call_ref(c, im->a, true);
    case OXO_REF_AS_NON_NULL: return oxc_op_ref_as_non_null(c);
    case OXO_BR_ON_NULL: return oxc_op_br_on_null(c, im->a);
    case OXO_BR_ON_NON_NULL: return oxc_op_br_on_non_null(c, im->a);
    case OXO_DROP: {
        ox_valtype t = T_UNKNOWN;
        return pop(c, &t);
    }
    case OXO_SELECT:
    case OXO_SELECT_T: {
        ox_valtype want = T_UNKNOWN;
        if (op == OXO_SELECT_T) {
            uint32_t n;
            if (!oxc_rd_u32(c, &n))
                return false;
            if (n != 1)
                return oxc_invalid(c, "invalid result arity");
            if (!oxc_rd_valtype(c, false, &want))
                return false;
        }
        ox_valtype t1 = T_UNKNOWN, t2 = T_UNKNOWN;
        if (!pop_expect(c, OX_I32))
            return false;
        uint32_t hc = c->nvs;
        if (!pop(c, &t2) || !pop(c, &t1))
            return false;
        if (op == OXO_SELECT_T) {
            if ((t1 != T_UNKNOWN && !ox_vt_sub(c->m, t1, want)) ||
                (t2 != T_UNKNOWN && !ox_vt_sub(c->m, t2, want)))
                return oxc_invalid(c, "type mismatch");
        } else {
            if (ox_is_reftype(t1) || ox_is_reftype(t2))
                return oxc_invalid(c, "type mismatch");
            if (t1 != T_UNKNOWN && t2 != T_UNKNOWN && t1 != t2)
                return oxc_invalid(c, "type mismatch");
            want = t1 != T_UNKNOWN ? t1 : t2;
        }
        uint32_t h = c->nvs;
        enum ox_iop sel = want == OX_V128 ? OXI_SELECT_V128 : OXI_SELECT;
        if (!emitted(c, EMIT_VALUE(c, sel, slot_of(c, h), loc_of(c, h), loc_of(c, h + 1),
                                   loc_of(c, hc))))
            return false;
        return push(c, want);
    }
    case OXO_LOCAL_GET: return op_local_get(c, im->a);
    case OXO_LOCAL_SET: return op_local_set(c, im->a, false);
    case OXO_LOCAL_TEE: return op_local_set(c, im->a, true);
    case OXO_GLOBAL_GET: {
        if (!check_global(c, im->a))
            return false;
        ox_valtype t = c->m->globals[im->a].type;
        enum ox_iop get = t == OX_V128 ? OXI_GLOBAL_GET_V128 : OXI_GLOBAL_GET;
        if (!emitted(c, EMIT_VALUE(c, get, slot_of(c, c->nvs), im->a)))
            return false;
        return push(c, t);
    }
    case OXO_GLOBAL_SET:
        if (!check_global(c, im->a))
            return false;
        if (!c->m->globals[im->a].mutable_)
            return oxc_invalid(c, "global is immutable");
        if (!pop_expect(c, c->m->globals[im->a].type))
            return false;
        return emitted(c, EMIT(c, c->m->globals[im->a].type == OX_V128 ? OXI_GLOBAL_SET_V128
                                                                      : OXI_GLOBAL_SET,
                               loc_of(c, c->nvs), im->a));
    case OXO_I32_CONST: return push_const(c, OX_I32, im->v);
    case OXO_I64_CONST: return push_const(c, OX_I64, im->v);
    case OXO_F32_CONST: return push_const(c, OX_F32, im->v);
    case OXO_F64_CONST: return push_const(c, OX_F64, im->v);
    case OXO_REF_NULL: return push_const(c, (ox_valtype)im->a, 0); /* a zero slot */
    case OXO_V128_CONST: return push_v128_const(c, im->bytes);
    case OXO_I8X16_SHUFFLE: {
        if (!pop_expect(c, OX_V128) || !pop_expect(c, OX_V128))
            return false;
        uint32_t h = c->nvs, w[7] = {slot_of(c, h), loc_of(c, h), loc_of(c, h + 1)};
        memcpy(&w[3], im->bytes, 16);
        if (!emitted(c, emit_value(c, OXI_I8X16_SHUFFLE, 7, w)))
            return false;
        return push(c, OX_V128);
    }
    case OXO_REF_IS_NULL: {
        ox_valtype t = T_UNKNOWN;
        if (!pop(c, &t))
            return false;
        if (t != T_UNKNOWN && !ox_is_reftype(t))
            return oxc_invalid(c, "type mismatch");
        uint32_t h = c->nvs;
        if (!emitted(c, EMIT(c, OXI_REF_IS_NULL, slot_of(c, h), loc_of(c, h))))
            return false;
        return push(c, OX_I32);
    }
    case OXO_REF_FUNC:
        if (im->a >= c->m->nfuncs)
            return oxc_unknown(c, "function", im->a);
        if (!c->m->func_declared || !c->m->func_declared[im->a])
            return oxc_invalid(c, "undeclared function reference");
        if (!emitted(c, EMIT(c, OXI_REF_FUNC, slot_of(c, c->nvs), im->a)))
            return false;
        return push(c, ox_ref_concrete(c->m->functypes[im->a], false));
    default:
        return oxc_table_memory(c, op, im);
    }
}

/* ---- one function body --------------------------------------------------- */

static bool read_locals(cc *c, const ox_functype *ft)
{
    uint32_t ngroups;
    if (!oxc_rd_u32(c, &ngroups))
        return false;
    uint64_t total = ft->nparams;
    const uint8_t *groups = c->p;
    for (uint32_t g = 0; g < ngroups; g++) {
        uint32_t n;
        ox_valtype t = 0;
        if (!oxc_rd_u32(c, &n))
            return false;
        total += n;
        if (total > UINT32_MAX)
            return oxc_malformed(c, "too many locals");
        if (!oxc_rd_valtype(c, false, &t))
            return false;
    }
    /* A frame must fit the value stack; refuse what could never run rather
       than allocate gigabytes of local types. */
    uint32_t limit = c->m->engine ? c->m->engine->cfg.max_stack_slots : 0;
    if (limit == 0)
        limit = 1u << 20;
    if (total > limit)
        return oxc_malformed(c, "too many locals");
    c->nparams = ft->nparams;
    c->nlocals = (uint32_t)total;
    /* (reused from body to body) */
    if (!oxc_grow(c, (void **)&c->ltypes, &c->capltypes, (uint32_t)(total ? total : 1),
                  sizeof(ox_valtype)) ||
        !oxc_grow(c, (void **)&c->lslot, &c->caplslot, (uint32_t)(total ? total : 1),
                  sizeof(uint32_t)))
        return false;
    memcpy(c->ltypes, ft->params, ft->nparams * sizeof(ox_valtype));
    const uint8_t *save = c->p;
    c->p = groups;
    uint32_t at = ft->nparams;
    for (uint32_t g = 0; g < ngroups; g++) {
        uint32_t n = 0;
        ox_valtype t = 0;
        oxc_rd_u32(c, &n);   /* already checked by the first pass */
        oxc_rd_valtype(c, false, &t);
        for (uint32_t k = 0; k < n; k++)
            c->ltypes[at + k] = t;
        at += n;
    }
    c->p = save;
    /* Non-defaultable locals (non-null references) must be set before they
       are read, which validation tracks (c->linit) only where they exist. */
    c->nondef = false;
    c->ninits = 0;
    for (uint32_t x = ft->nparams; x < c->nlocals && !c->nondef; x++)
        c->nondef = !ox_is_defaultable(c->ltypes[x]);
    if (c->nondef) {
        if (!oxc_grow(c, (void **)&c->linit, &c->caplinit, c->nlocals, 1))
            return false;
        for (uint32_t x = 0; x < c->nlocals; x++)
            c->linit[x] = x < ft->nparams || ox_is_defaultable(c->ltypes[x]);
    }
    /* cells: total at most 2^20 locals, so twice that fits */
    c->nmaps = c->nmapslots = c->nreflocals = 0;
    uint32_t cell = 0;
    for (uint32_t x = 0; x < c->nlocals; x++) {
        if (x == c->nparams)
            c->npslots = cell;
        c->lslot[x] = cell;
        cell += width(c->ltypes[x]);
    }
    if (c->nparams == c->nlocals)
        c->npslots = cell;
    c->nlslots = cell;
    /* the reference locals the collector traces in every frame */
    for (uint32_t x = 0; x < c->nlocals; x++) {
        uint8_t t = ox_trace_kind(c->m, c->ltypes[x]);
        if (!t)
            continue;
        if (!oxc_grow(c, (void **)&c->mapslots, &c->capmapslots, c->nmapslots + 1,
                      sizeof(uint32_t)))
            return false;
        c->mapslots[c->nmapslots++] = c->lslot[x] | (uint32_t)t << 30;
        c->nreflocals++;
    }
    return true;
}

/* One pass over the body: validate and emit. */
static bool body_pass(cc *c, uint32_t defidx)
{
    ox_module *m = c->m;
    const ox_funcdef *fd = &m->funcs[defidx];
    c->p = c->ip = c->body = m->bytes + fd->body.off;
    c->end = c->p + fd->body.len;
    c->nvs = c->maxh = c->ncs = c->ncode = c->npt = c->ncatches = c->nhandlers = 0;
    c->fold_insn = c->label_pos = c->copy_insn = UINT32_MAX;
    c->last_insn = c->prev_insn = c->prev2_insn = UINT32_MAX;
    c->fold_end = c->copy_end = 0;
    c->fuel_frame = 0;
    c->fuel_run = 0;
    if (!read_locals(c, &m->types[fd->typeidx]))
        return false;
    /* the pool is laid out, then the legacy catches' exception slots */
    c->exn_base = c->nlslots + c->nconsts;
    c->stack_base = c->exn_base + c->nexn;
    c->ntry = 0;

    ctl fn;
    memset(&fn, 0, sizeof fn);
    fn.has_type = true;
    fn.typeidx = fd->typeidx;
    if (!oxc_push_ctl(c, CTL_FUNC, &fn))
        return false;
    while (c->ncs > 0) {
        c->ip = c->p;
        if (c->p >= c->end) {
            /* The body ran out before its final `end`. The reference
               interpreter reads on into what follows, so its message
               depends on what that is: the end of the file, the next
               section (the last body), or the next body. */
            if (c->end == m->bytes + m->nbytes)
                return oxc_malformed(c, "unexpected end of section or function");
            if (defidx + 1 == m->nfuncs - m->nimport_funcs)
                return oxc_malformed(c, "section size mismatch");
            return oxc_malformed(c, "END opcode expected");
        }
        uint8_t op = *c->p++;
        c->fuel_run++; /* one unit per instruction (code.h, fuel) */
        /* Over half of a typical body is local.get, local.set, local.tee
           and i32.const: they skip the table's dispatch. */
        bool ok;
        uint32_t x;
        int64_t k;
        switch (op) {
        case 0x20: ok = oxc_rd_u32(c, &x) && op_local_get(c, x); break;
        case 0x21: ok = oxc_rd_u32(c, &x) && op_local_set(c, x, false); break;
        case 0x22: ok = oxc_rd_u32(c, &x) && op_local_set(c, x, true); break;
        case 0x41: ok = oxc_rd_sleb(c, 32, &k) && push_const(c, OX_I32, (uint32_t)k); break;
        default: ok = instr(c, op);
        }
        if (!ok)
            return false;
    }
    if (c->p != c->end) {
        c->ip = c->p;
        return oxc_malformed(c, "section size mismatch");
    }
    return true;
}

/* The pool first (a scan, compile_pool.c), then one pass that validates
   and emits code with the pool laid out between locals and stack (the
   stack's slots depend on the pool's size). A whole first pass used to
   find the pool: the scan costs a fraction of that. */
static bool compile_body(cc *c, uint32_t defidx, struct ox_code **out)
{
    const ox_funcdef *fd = &c->m->funcs[defidx];
    const ox_functype *ft = &c->m->types[fd->typeidx];
    const uint8_t *body = c->m->bytes + fd->body.off;
    oxc_collect_consts(c, body, body + fd->body.len);
    if (!body_pass(c, defidx))
        return false;

    /* One block: the header, then the cells, then the pool (all 8-byte
       aligned), so a body costs one allocation and ox_code_free one free. */
    static_assert(sizeof(struct ox_code) % sizeof(ox_cell) == 0, "cells follow the header");
    static_assert(sizeof(ox_handler) % sizeof(uint32_t) == 0, "handlers follow the pool");
    static_assert(sizeof(ox_stackmap) % sizeof(uint32_t) == 0, "maps follow the handlers");
    struct ox_code *code = malloc(sizeof *code + (c->ncode ? c->ncode : 1) * sizeof(ox_cell) +
                                  c->nconsts * sizeof(uint64_t) +
                                  c->nhandlers * sizeof(ox_handler) +
                                  c->nmaps * sizeof(ox_stackmap) +
                                  c->nmapslots * sizeof(uint32_t));
    if (!code)
        return oxc_nomem(c);
    memset(code, 0, sizeof *code);
    code->cells = (ox_cell *)(code + 1);
    code->consts = (uint64_t *)(code->cells + (c->ncode ? c->ncode : 1));
    memcpy(code->cells, c->code, c->ncode * sizeof(ox_cell));
    memcpy(code->consts, c->consts, c->nconsts * sizeof(uint64_t));
    code->handlers = (ox_handler *)(code->consts + c->nconsts);
    if (c->nhandlers)
        memcpy(code->handlers, c->handlers, c->nhandlers * sizeof(ox_handler));
    code->nhandlers = c->nhandlers;
    code->maps = (ox_stackmap *)(code->handlers + c->nhandlers);
    if (c->nmaps)
        memcpy(code->maps, c->maps, c->nmaps * sizeof(ox_stackmap));
    code->mapslots = (uint32_t *)(code->maps + c->nmaps);
    if (c->nmapslots)
        memcpy(code->mapslots, c->mapslots, c->nmapslots * sizeof(uint32_t));
    code->nmaps = c->nmaps;
    code->nreflocals = c->nreflocals;
    code->nconsts = c->nconsts;
    code->nexn = c->nexn;
    code->ncells = c->ncode;
    code->nparams = c->npslots;
    code->nlocals = c->nlslots;
    code->nresults = ox_types_slots(ft->results, ft->nresults);
    uint64_t fuel = (uint64_t)c->cs[0].fuel + c->fuel_run; /* the function frame, popped */
    code->fuel = fuel > UINT32_MAX ? UINT32_MAX : fuel ? (uint32_t)fuel : 1;
    uint64_t fs = (uint64_t)c->stack_base + c->maxh;
    if (fs < code->nresults)
        fs = code->nresults;
    if (fs > UINT32_MAX) {
        ox_code_free(code);
        return oxc_malformed(c, "too many locals");
    }
    code->frame_size = (uint32_t)fs;
    *out = code;
    return true;
}

ox_error *ox_compile_module(ox_module *m)
{
    cc c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.fuse = !(m->engine && m->engine->cfg.disable_fusion);
    uint32_t ndefs = m->nfuncs - m->nimport_funcs;
    uint32_t i = 0;
    for (; i < ndefs && !c.err; i++) {
        struct ox_code *code = NULL;
        if (compile_body(&c, i, &code))
            m->funcs[i].code = code;
        else if (!c.err)
            oxc_nomem(&c);
    }
    /* an invalid body: unless this or a later one does not even decode */
    for (i = i ? i - 1 : 0; ox_error_code(c.err) == OX_ERR_INVALID && i < ndefs; i++) {
        ox_span b = m->funcs[i].body;
        const char *why = oxc_malformed_body(m->bytes + b.off, m->bytes + b.off + b.len);
        if (why) {
            ox_error_free(c.err);
            c.err = ox_err_at(OX_ERR_MALFORMED, b.off, "%s", why);
        }
    }
    free(c.ltypes);
    free(c.linit);
    free(c.inits);
    free(c.maps);
    free(c.mapslots);
    free(c.vs);
    free(c.cs);
    free(c.code);
    free(c.pt);
    free(c.tmpw);
    free(c.catches);
    free(c.handlers);
    free(c.loc);
    free(c.own);
    free(c.lslot);
    return c.err;
}

void ox_code_free(struct ox_code *code)
{
    free(code); /* cells and pool are in the same block (compile_body) */
}
