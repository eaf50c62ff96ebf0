/*
 * constexpr.c — constant expressions (spec 3.3.10): decoded, validated and
 * evaluated here and nowhere else.
 *
 * The decoder (decode.c) calls ox_constexpr_read, which reads the
 * instructions up to `end` through the instruction table and keeps the
 * first one decoded; the module validator calls ox_constexpr_check; the
 * instantiation evaluates with ox_constexpr_eval (constexpr_eval.c), from the decoded form,
 * without reading bytes again for the usual expression of one instruction
 * (t.const, ref.null, ref.func, global.get: all WebAssembly 2.0 allows).
 * Extended constant expressions (3.0) add i32/i64 add, sub and mul: such
 * a longer expression is checked and evaluated from its bytes, kept in the
 * module, by a small stack machine.
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
    case OXO_I32_ADD: case OXO_I32_SUB: case OXO_I32_MUL:
    case OXO_I64_ADD: case OXO_I64_SUB: case OXO_I64_MUL:
    /* GC (3.0): allocations and conversions */
    case OXO_STRUCT_NEW: case OXO_STRUCT_NEW_DEFAULT: case OXO_ARRAY_NEW:
    case OXO_ARRAY_NEW_DEFAULT: case OXO_ARRAY_NEW_FIXED: case OXO_REF_I31:
    case OXO_EXTERN_CONVERT_ANY: case OXO_ANY_CONVERT_EXTERN:
        return true;
    default:
        return false;
    }
}

bool ox_constexpr_is_gc(uint16_t op)
{
    return op == OXO_STRUCT_NEW || op == OXO_STRUCT_NEW_DEFAULT || op == OXO_ARRAY_NEW ||
           op == OXO_ARRAY_NEW_DEFAULT || op == OXO_ARRAY_NEW_FIXED || op == OXO_REF_I31 ||
           op == OXO_EXTERN_CONVERT_ANY || op == OXO_ANY_CONVERT_EXTERN;
}

/* One constant instruction's immediate. */
static ox_error *read_imm(ox_reader *r, const ox_opinfo *oi, uint64_t *v)
{
    const uint8_t *p = NULL;
    *v = 0;
    switch (oi->imm) {
    case OX_IMM_NONE: /* the arithmetic of extended constant expressions */
        return NULL;
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
    case OX_IMM_REFTYPE: { /* ref.null's heap type */
        ox_heaptype h;
        TRY(ox_rd_heaptype(r, &h));
        *v = h;
        return NULL;
    }
    case OX_IMM_TYPE_N: { /* array.new_fixed: the type, then the count above */
        uint32_t x, n;
        TRY(ox_rd_u32(r, &x));
        TRY(ox_rd_u32(r, &n));
        *v = x | (uint64_t)n << 32;
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
    /* A legal instruction that is not constant makes the expression
       invalid, but the reading goes on to its end first, as the reference
       interpreter's does: an expression that never ends is malformed. */
    ox_error *invalid = NULL;
    uint32_t depth = 0; /* blocks opened after an invalid instruction */
    for (;;) {
        size_t at = r->pos;
        uint8_t byte;
        uint32_t code;
        ox_error *err = ox_rd_u8(r, &byte);
        code = byte;
        if (!err && ox_is_prefix(byte))
            err = ox_rd_u32(r, &code);
        if (err) {
            ox_error_free(invalid);
            return err;
        }
        const ox_opinfo *oi = ox_opinfo_get(ox_is_prefix(byte) ? byte : 0x00, code);
        if (oi && oi->op == OXO_END && depth) {
            depth--;
            continue;
        }
        if (oi && oi->op == OXO_END) {
            ce->expr.off = (uint32_t)start;
            ce->expr.len = (uint32_t)(r->pos - start);
            return invalid;
        }
        /* Another instruction, or an unknown one under a known prefix
           (a SIMD instruction): legal, but not constant. */
        if (!oi && !ox_is_prefix(byte))
            err = ox_err_at(OX_ERR_MALFORMED, (int64_t)at, "illegal opcode 0x%02x", byte);
        else if (!oi)
            err = ox_err_at(OX_ERR_INVALID, (int64_t)at, "constant expression required");
        if (err) {
            ox_error_free(invalid);
            return err;
        }
        if (!invalid && !is_constant((enum ox_opcode)oi->op))
            invalid = ox_err_at(OX_ERR_INVALID, (int64_t)at, "constant expression required");
        uint64_t v;
        if ((err = read_imm(r, oi, &v)) != NULL) {
            ox_error_free(invalid);
            return err;
        }
        if (invalid) {
            depth += oi->op == OXO_BLOCK || oi->op == OXO_LOOP || oi->op == OXO_IF ||
                     oi->op == OXO_TRY_TABLE;
            continue;
        }
        if (ce->ninstr == 0) {
            ce->op = oi->op;
            ce->imm = v;
            ce->at = (uint32_t)at;
        }
        if (ce->ninstr < UINT32_MAX)
            ce->ninstr++;
    }
}

/* The type a push-one instruction pushes; checks its index. Globals below
   `nglobals` may be read (3.0: any earlier immutable global; a global's
   initializer sees those before it). */
static ox_error *check_instr(ox_module *m, uint16_t op, uint64_t x, uint32_t at, uint32_t nglobals,
                             ox_valtype *t)
{
    switch (op) {
    case OXO_I32_CONST: *t = OX_I32; return NULL;
    case OXO_I64_CONST: *t = OX_I64; return NULL;
    case OXO_F32_CONST: *t = OX_F32; return NULL;
    case OXO_F64_CONST: *t = OX_F64; return NULL;
    case OXO_V128_CONST: *t = OX_V128; return NULL;
    case OXO_REF_NULL:
        if (ox_heap_is_concrete((ox_heaptype)x) && ox_ref_typeidx((ox_valtype)x) >= m->ntypes)
            return ox_err_at(OX_ERR_INVALID, at, "unknown type %u", ox_ref_typeidx((ox_valtype)x));
        *t = ox_ref_make((ox_heaptype)x, true);
        return NULL;
    case OXO_REF_FUNC: /* (ref $t), $t the function's type */
        if (x >= m->nfuncs)
            return ox_err_at(OX_ERR_INVALID, at, "unknown function %u", (unsigned)x);
        m->func_declared[x] = 1;
        *t = ox_ref_concrete(m->functypes[x], false);
        return NULL;
    default: /* global.get */
        if (x >= nglobals)
            return ox_err_at(OX_ERR_INVALID, at,
                             "unknown global %u (a constant expression reads only the globals "
                             "before it)", (unsigned)x);
        if (m->globals[x].mutable_)
            return ox_err_at(OX_ERR_INVALID, at,
                             "constant expression required (global %u is mutable)",
                             (unsigned)x);
        *t = m->globals[x].type;
        return NULL;
    }
}

static bool is_binop(uint16_t op)
{
    return op == OXO_I32_ADD || op == OXO_I32_SUB || op == OXO_I32_MUL || op == OXO_I64_ADD ||
           op == OXO_I64_SUB || op == OXO_I64_MUL;
}

/* An expression's instructions one by one, from its bytes (valid
   encodings: ox_constexpr_read has read them once). */
bool ox_cwalk_next(ox_cwalk *w, const ox_opinfo **oi, uint64_t *imm, uint32_t *at)
{
    if (w->r.pos >= w->end)
        return false;
    *at = (uint32_t)w->r.pos;
    uint8_t byte;
    uint32_t code = 0;
    ox_error *e = ox_rd_u8(&w->r, &byte);
    code = byte;
    if (!e && ox_is_prefix(byte))
        e = ox_rd_u32(&w->r, &code);
    *oi = e ? NULL : ox_opinfo_get(ox_is_prefix(byte) ? byte : 0x00, code);
    if (!*oi || (*oi)->op == OXO_END || (e = read_imm(&w->r, *oi, imm))) {
        ox_error_free(e);
        return false;
    }
    return true;
}

ox_cwalk ox_cwalk_of(const ox_module *m, const ox_constexpr *ce)
{
    ox_cwalk w;
    memset(&w, 0, sizeof w);
    w.r.base = m->bytes;
    w.r.end = ce->expr.off + ce->expr.len;
    w.r.pos = ce->expr.off;
    w.end = ce->expr.off + ce->expr.len;
    return w;
}

enum { MAX_DEPTH = 1024 }; /* operands an extended expression may stack */

static ox_error *mismatch(const ox_constexpr *ce, ox_valtype want)
{
    char buf[48];
    return ox_err_at(OX_ERR_INVALID, (int64_t)(ce->expr.off + ce->expr.len - 1),
                     "type mismatch (constant expression must produce one %s)",
                     ox_valtype_str(want, buf, sizeof buf));
}

/* Pop a value of type want from the expression's stack. */
static bool pop_sub(const ox_module *m, ox_valtype *st, uint32_t *n, ox_valtype want)
{
    return *n && ox_vt_sub(m, st[--*n], want);
}

/* A GC instruction on the expression's stack (st, *n): its operands
   popped and checked, its result pushed. */
static ox_error *check_gc(ox_module *m, uint16_t op, uint64_t imm, uint32_t at, ox_valtype *st,
                          uint32_t *n)
{
    uint32_t x = (uint32_t)imm;
    bool ok = true;
    ox_valtype res;
    if (op == OXO_REF_I31) {
        ok = pop_sub(m, st, n, OX_I32);
        res = OX_I31REF | OX_REF_NONNULL;
    } else if (op == OXO_EXTERN_CONVERT_ANY || op == OXO_ANY_CONVERT_EXTERN) {
        bool to_any = op == OXO_ANY_CONVERT_EXTERN;
        ox_valtype t = *n ? st[*n - 1] : 0;
        ok = pop_sub(m, st, n, to_any ? OX_EXTERNREF : OX_ANYREF);
        res = ox_ref_make(to_any ? OX_HT_ANY : OX_HT_EXTERN, ox_ref_nullable(t));
    } else {
        bool is_struct = op == OXO_STRUCT_NEW || op == OXO_STRUCT_NEW_DEFAULT;
        if (x >= m->ntypes)
            return ox_err_at(OX_ERR_INVALID, at, "unknown type %u", x);
        const ox_deftype *d = &m->deftypes[x];
        if (d->kind != (is_struct ? OX_COMP_STRUCT : OX_COMP_ARRAY))
            return ox_err_at(OX_ERR_INVALID, at, "type mismatch (type %u)", x);
        bool defaults = op == OXO_STRUCT_NEW_DEFAULT || op == OXO_ARRAY_NEW_DEFAULT;
        for (uint32_t k = 0; defaults && k < d->nfields; k++)
            ok = ok && ox_is_defaultable(d->fields[k].type);
        if (op == OXO_ARRAY_NEW || op == OXO_ARRAY_NEW_DEFAULT)
            ok = ok && pop_sub(m, st, n, OX_I32);
        uint32_t count = op == OXO_STRUCT_NEW         ? d->nfields
                         : op == OXO_ARRAY_NEW        ? 1
                         : op == OXO_ARRAY_NEW_FIXED  ? (uint32_t)(imm >> 32)
                                                      : 0;
        for (uint32_t k = 0; k < (is_struct ? d->nfields : 1); k++)
            if (d->fields[k].type == OX_V128 && !defaults)
                return ox_err_at(OX_ERR_UNSUPPORTED, at, "v128 fields in constant expressions are "
                                                         "not supported yet");
        for (uint32_t k = count; ok && k-- > 0;) {
            const ox_field *f = &d->fields[is_struct ? k : 0];
            ok = pop_sub(m, st, n, f->packed ? OX_I32 : f->type);
        }
        res = ox_ref_concrete(x, false);
    }
    if (!ok)
        return ox_err_at(OX_ERR_INVALID, at, "type mismatch");
    st[(*n)++] = res;
    return NULL;
}

/* A longer expression typed on a stack: one value of `want` at the end. */
static ox_error *check_long(ox_module *m, const ox_constexpr *ce, uint32_t nglobals, ox_valtype want)
{
    ox_valtype st[MAX_DEPTH];
    uint32_t n = 0, at = ce->at;
    ox_cwalk w = ox_cwalk_of(m, ce);
    const ox_opinfo *oi;
    uint64_t imm;
    while (ox_cwalk_next(&w, &oi, &imm, &at)) {
        if (is_binop(oi->op)) {
            ox_valtype t =
                oi->op == OXO_I32_ADD || oi->op == OXO_I32_SUB || oi->op == OXO_I32_MUL ? OX_I32 : OX_I64;
            if (n < 2 || st[n - 1] != t || st[n - 2] != t)
                return ox_err_at(OX_ERR_INVALID, at, "type mismatch (%s needs two %s operands)", oi->name,
                                 ox_valtype_name(t));
            n--;
            continue;
        }
        if (n == MAX_DEPTH)
            return ox_err_at(OX_ERR_LIMIT, at, "constant expression deeper than %d operands", MAX_DEPTH);
        if (ox_constexpr_is_gc(oi->op)) {
            TRY(check_gc(m, oi->op, imm, at, st, &n));
            continue;
        }
        TRY(check_instr(m, oi->op, imm, at, nglobals, &st[n]));
        n++;
    }
    if (n != 1 || !ox_vt_sub(m, st[0], want))
        return mismatch(ce, want);
    return NULL;
}

ox_error *ox_constexpr_check(ox_module *m, const ox_constexpr *ce, uint32_t nglobals, ox_valtype want)
{
    ox_valtype t = 0;
    if (ce->ninstr > 1 || ox_constexpr_is_gc(ce->op))
        return check_long(m, ce, nglobals, want);
    if (ce->ninstr > 0)
        TRY(check_instr(m, ce->op, ce->imm, ce->at, nglobals, &t));
    if (ce->ninstr != 1 || !ox_vt_sub(m, t, want))
        return mismatch(ce, want);
    return NULL;
}
