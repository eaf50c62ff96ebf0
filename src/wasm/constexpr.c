/*
 * constexpr.c — constant expressions (spec 3.3.10): decoded, validated and
 * evaluated here and nowhere else.
 *
 * The decoder (decode.c) calls ox_constexpr_read, which reads the
 * instructions up to `end` through the instruction table and keeps the
 * first one decoded; the module validator calls ox_constexpr_check; the
 * instantiation evaluates with ox_constexpr_eval, from the decoded form,
 * without reading bytes again. WebAssembly 2.0 allows one constant
 * instruction (t.const, ref.null, ref.func, global.get), so the decoded
 * form holds one; extended constant expressions (3.0) will make it a list.
 */
#include <string.h>

#include "opcodes.h"
#include "reader.h"
#include "constexpr.h"

static bool is_constant(enum ox_opcode op)
{
    switch (op) {
    case OXO_I32_CONST: case OXO_I64_CONST: case OXO_F32_CONST: case OXO_F64_CONST:
    case OXO_V128_CONST: case OXO_REF_NULL: case OXO_REF_FUNC: case OXO_GLOBAL_GET:
        return true;
    default:
        return false;
    }
}

/* One constant instruction's immediate. */
static ox_error *read_imm(ox_reader *r, const ox_opinfo *oi, uint64_t *v)
{
    const uint8_t *p = NULL;
    *v = 0;
    switch (oi->imm) {
    case OX_IMM_I32: {
        int64_t x;
        TRY(ox_rd_sleb(r, 32, &x));
        *v = (uint32_t)x;
        return NULL;
    }
    case OX_IMM_I64: {
        int64_t x;
        TRY(ox_rd_sleb(r, 64, &x));
        *v = (uint64_t)x;
        return NULL;
    }
    case OX_IMM_F32:
    case OX_IMM_F64:
        TRY(ox_rd_bytes(r, oi->imm == OX_IMM_F32 ? 4 : 8, &p));
        memcpy(v, p, oi->imm == OX_IMM_F32 ? 4 : 8);
        return NULL;
    case OX_IMM_V128: /* kept as the offset of its 16 bytes in the module */
        *v = r->pos;
        return ox_rd_bytes(r, 16, &p);
    case OX_IMM_REFTYPE: {
        uint8_t t;
        TRY(ox_rd_reftype(r, &t));
        *v = t;
        return NULL;
    }
    default: { /* an index */
        uint32_t x;
        TRY(ox_rd_u32(r, &x));
        *v = x;
        return NULL;
    }
    }
}

ox_error *ox_constexpr_read(ox_reader *r, ox_constexpr *ce)
{
    size_t start = r->pos;
    memset(ce, 0, sizeof *ce);
    for (;;) {
        size_t at = r->pos;
        uint8_t byte;
        uint32_t code;
        TRY(ox_rd_u8(r, &byte));
        code = byte;
        if (ox_is_prefix(byte))
            TRY(ox_rd_u32(r, &code));
        const ox_opinfo *oi = ox_opinfo_get(ox_is_prefix(byte) ? byte : 0x00, code);
        if (oi && oi->op == OXO_END) {
            ce->expr.off = (uint32_t)start;
            ce->expr.len = (uint32_t)(r->pos - start);
            return NULL;
        }
        /* Another instruction, or an unknown one under a known prefix
           (a SIMD instruction): legal, but not constant. */
        if (!oi && !ox_is_prefix(byte))
            return ox_err_at(OX_ERR_MALFORMED, (int64_t)at, "illegal opcode 0x%02x", byte);
        if (!oi || !is_constant((enum ox_opcode)oi->op))
            return ox_err_at(OX_ERR_INVALID, (int64_t)at, "constant expression required");
        uint64_t v;
        TRY(read_imm(r, oi, &v));
        if (ce->ninstr == 0) {
            ce->op = oi->op;
            ce->imm = v;
            ce->at = (uint32_t)at;
        }
        if (ce->ninstr < UINT32_MAX)
            ce->ninstr++;
    }
}

/* The type the instruction pushes; checks its index. */
static ox_error *check_instr(ox_module *m, const ox_constexpr *ce, ox_valtype *t)
{
    uint64_t x = ce->imm;
    switch (ce->op) {
    case OXO_I32_CONST: *t = OX_I32; return NULL;
    case OXO_I64_CONST: *t = OX_I64; return NULL;
    case OXO_F32_CONST: *t = OX_F32; return NULL;
    case OXO_F64_CONST: *t = OX_F64; return NULL;
    case OXO_V128_CONST: *t = OX_V128; return NULL;
    case OXO_REF_NULL: *t = (ox_valtype)x; return NULL;
    case OXO_REF_FUNC:
        if (x >= m->nfuncs)
            return ox_err_at(OX_ERR_INVALID, ce->at, "unknown function %u", (unsigned)x);
        m->func_declared[x] = 1;
        *t = OX_FUNCREF;
        return NULL;
    default: /* global.get */
        if (x >= m->nimport_globals)
            return ox_err_at(OX_ERR_INVALID, ce->at,
                             "unknown global %u (constant expressions may only read "
                             "imported globals)", (unsigned)x);
        if (m->globals[x].mutable_)
            return ox_err_at(OX_ERR_INVALID, ce->at,
                             "constant expression required (global %u is mutable)",
                             (unsigned)x);
        *t = m->globals[x].type;
        return NULL;
    }
}

ox_error *ox_constexpr_check(ox_module *m, const ox_constexpr *ce, ox_valtype want)
{
    ox_valtype t = 0;
    if (ce->ninstr > 0)
        TRY(check_instr(m, ce, &t));
    if (ce->ninstr != 1 || t != want)
        return ox_err_at(OX_ERR_INVALID, (int64_t)(ce->expr.off + ce->expr.len - 1),
                         "type mismatch (constant expression must produce one %s)",
                         ox_valtype_name(want));
    return NULL;
}

void ox_constexpr_eval_into(const ox_instance *inst, const ox_constexpr *ce, ox_slot out[2])
{
    out[0].i64 = out[1].i64 = 0;
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

ox_slot ox_constexpr_eval(const ox_instance *inst, const ox_constexpr *ce)
{
    ox_slot v[2];
    ox_constexpr_eval_into(inst, ce, v);
    return v[0];
}
