/*
 * jit_ops.c — the numeric instructions in LLVM IR.
 *
 * The table's numeric groups (opcodes.h: OX_BINOPS, OX_TRAP_BINOPS,
 * OX_UNOPS, OX_TRUNC_OPS, OX_SAT_OPS) give each instruction's operand and
 * result types; this file gives each its meaning in IR, written to match
 * the interpreter's C expressions bit for bit: shift counts taken modulo
 * the width, NaNs propagated by min/max, -0 below +0, division and
 * truncation trapping with the same trap kinds. An instruction missing
 * here is not an error: its function stays interpreted.
 */
#include <math.h>
#include <stdio.h>

#include "jit_emit.h"

#define B (j->b)

/* a OP b for the table's operand type */
static LLVMValueRef zext32(oxj *j, LLVMValueRef c) { return LLVMBuildZExt(B, c, j->jm->i32, ""); }

static LLVMValueRef icmp(oxj *j, LLVMIntPredicate p, LLVMValueRef a, LLVMValueRef b)
{
    return zext32(j, LLVMBuildICmp(B, p, a, b, ""));
}

static LLVMValueRef fcmp(oxj *j, LLVMRealPredicate p, LLVMValueRef a, LLVMValueRef b)
{
    return zext32(j, LLVMBuildFCmp(B, p, a, b, ""));
}

static LLVMValueRef call1(oxj *j, const char *base, LLVMValueRef a)
{
    return oxj_overloaded(j, base, &a, 1);
}

static LLVMValueRef call2(oxj *j, const char *base, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef args[2] = {a, b};
    return oxj_overloaded(j, base, args, 2);
}

/* ctlz/cttz: defined for 0 (the second operand, false) */
static LLVMValueRef count_zeros(oxj *j, const char *base, LLVMValueRef a)
{
    LLVMValueRef args[2] = {a, LLVMConstInt(j->jm->i1, 0, 0)};
    return oxj_overloaded(j, base, args, 2);
}

/* Shift and rotate counts are taken modulo the width (LLVM's shifts are
   poison beyond it; funnel shifts take the modulo themselves). */
static LLVMValueRef masked(oxj *j, LLVMValueRef b)
{
    LLVMTypeRef t = LLVMTypeOf(b);
    return LLVMBuildAnd(B, b, LLVMConstInt(t, t == j->jm->i32 ? 31 : 63, 0), "");
}

static LLVMValueRef rotate(oxj *j, const char *fsh, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef args[3] = {a, a, b};
    return oxj_overloaded(j, fsh, args, 3);
}

/* The float's (or float vector's) bits as integers of its width. */
static LLVMTypeRef int_of(oxj *j, LLVMTypeRef ft)
{
    if (LLVMGetTypeKind(ft) == LLVMVectorTypeKind)
        return LLVMVectorType(int_of(j, LLVMGetElementType(ft)), LLVMGetVectorSize(ft));
    return ft == j->jm->f32 ? j->jm->i32 : j->jm->i64;
}

/* WebAssembly's fmin/fmax: a NaN operand gives a NaN (a + b is one), and
   of two zeros min picks the negative one (the sign bits or'ed), max the
   positive one (and'ed). */
LLVMValueRef oxj_minmax(oxj *j, LLVMValueRef a, LLVMValueRef b, bool is_min)
{
    LLVMTypeRef ft = LLVMTypeOf(a), it = int_of(j, ft);
    LLVMValueRef uno = LLVMBuildFCmp(B, LLVMRealUNO, a, b, "");
    LLVMValueRef eq = LLVMBuildFCmp(B, LLVMRealOEQ, a, b, "");
    LLVMValueRef pick = LLVMBuildFCmp(B, is_min ? LLVMRealOLT : LLVMRealOGT, a, b, "");
    LLVMValueRef sel = LLVMBuildSelect(B, pick, a, b, "");
    LLVMValueRef ia = LLVMBuildBitCast(B, a, it, ""), ib = LLVMBuildBitCast(B, b, it, "");
    LLVMValueRef zeros = LLVMBuildBitCast(B, is_min ? LLVMBuildOr(B, ia, ib, "")
                                                    : LLVMBuildAnd(B, ia, ib, ""), ft, "");
    LLVMValueRef r = LLVMBuildSelect(B, eq, zeros, sel, "");
    return LLVMBuildSelect(B, uno, LLVMBuildFAdd(B, a, b, ""), r, "");
}

/* Integer division: by zero traps, and INT_MIN / -1 (signed) overflows;
   the signed remainder of INT_MIN by -1 is 0 (LLVM's srem is undefined
   there, so -1 divides as 1). */
static LLVMValueRef divide(oxj *j, enum ox_opcode op, LLVMValueRef a, LLVMValueRef b)
{
    LLVMTypeRef t = LLVMTypeOf(a);
    bool w = t == j->jm->i64;
    oxj_trap_if(j, LLVMBuildICmp(B, LLVMIntEQ, b, LLVMConstInt(t, 0, 0), ""), OX_TRAP_DIV_ZERO);
    LLVMValueRef minus1 = LLVMBuildICmp(B, LLVMIntEQ, b, LLVMConstAllOnes(t), "");
    switch (op) {
    case OXO_I32_DIV_S: case OXO_I64_DIV_S: {
        LLVMValueRef min = LLVMConstInt(t, w ? UINT64_C(1) << 63 : UINT64_C(1) << 31, 0);
        LLVMValueRef ovf = LLVMBuildAnd(B, minus1, LLVMBuildICmp(B, LLVMIntEQ, a, min, ""), "");
        oxj_trap_if(j, ovf, OX_TRAP_INT_OVERFLOW);
        return LLVMBuildSDiv(B, a, b, "");
    }
    case OXO_I32_REM_S: case OXO_I64_REM_S:
        return LLVMBuildSRem(B, a, LLVMBuildSelect(B, minus1, LLVMConstInt(t, 1, 0), b, ""), "");
    case OXO_I32_DIV_U: case OXO_I64_DIV_U:
        return LLVMBuildUDiv(B, a, b, "");
    default:
        return LLVMBuildURem(B, a, b, "");
    }
}

/* A trapping float-to-integer truncation: NaN is an invalid conversion;
   outside (lo, hi) (or [lo, hi) when lo_incl) the integer overflows. */
static LLVMValueRef truncate(oxj *j, LLVMValueRef a, LLVMTypeRef to, bool is_signed)
{
    LLVMTypeRef ft = LLVMTypeOf(a);
    bool w = to == j->jm->i64;
    double lo, hi;
    bool lo_incl;
    if (is_signed) {
        hi = w ? 9223372036854775808.0 : 2147483648.0;
        /* -2^63 and -2^31 are exact in both float types; f64 also has
           -2^31 - 1, the first value below i32's range */
        if (w || ft == j->jm->f32) {
            lo = -hi;
            lo_incl = true;
        } else {
            lo = -2147483649.0;
            lo_incl = false;
        }
    } else {
        hi = w ? 18446744073709551616.0 : 4294967296.0;
        lo = -1.0;
        lo_incl = false;
    }
    oxj_trap_if(j, LLVMBuildFCmp(B, LLVMRealUNO, a, a, ""), OX_TRAP_INVALID_CONVERSION);
    LLVMValueRef ok_lo = LLVMBuildFCmp(B, lo_incl ? LLVMRealOGE : LLVMRealOGT, a,
                                       LLVMConstReal(ft, lo), "");
    LLVMValueRef ok_hi = LLVMBuildFCmp(B, LLVMRealOLT, a, LLVMConstReal(ft, hi), "");
    oxj_trap_if(j, LLVMBuildNot(B, LLVMBuildAnd(B, ok_lo, ok_hi, ""), ""), OX_TRAP_INT_OVERFLOW);
    return is_signed ? LLVMBuildFPToSI(B, a, to, "") : LLVMBuildFPToUI(B, a, to, "");
}

static LLVMValueRef saturate(oxj *j, LLVMValueRef a, LLVMTypeRef to, bool is_signed)
{
    char name[48];
    snprintf(name, sizeof name, "llvm.%s.sat.%s.%s", is_signed ? "fptosi" : "fptoui",
             to == j->jm->i32 ? "i32" : "i64", LLVMTypeOf(a) == j->jm->f32 ? "f32" : "f64");
    return oxj_intrinsic(j, name, to, &a, 1);
}

/* Sign-extend the low `bits` of a. */
static LLVMValueRef sext_low(oxj *j, LLVMValueRef a, unsigned bits)
{
    LLVMTypeRef t = LLVMTypeOf(a);
    return LLVMBuildSExt(B, LLVMBuildTrunc(B, a, LLVMIntTypeInContext(j->jm->ctx, bits), ""), t, "");
}

/* LLVM folds x - 0, x * 1, x / 1, x * -1, -0 - x and demote(promote(x))
   to x or -x, as IEEE allows without signalling NaNs; WebAssembly wants
   such an operation's NaN result quiet (arithmetic), and a signalling NaN
   operand would come through unchanged. So the operand that makes the
   fold possible goes through an arithmetic fence, which the optimiser
   does not see through and code generation drops. */
static LLVMValueRef fence(oxj *j, LLVMValueRef v)
{
    return call1(j, "arithmetic.fence", v);
}

static bool is_fconst(LLVMValueRef v, double x)
{
    if (!LLVMIsAConstantFP(v))
        return false;
    LLVMBool lost;
    double d = LLVMConstRealGetDouble(v, &lost);
    return d == x && (x != 0 || signbit(d) == signbit(x));
}

static void unfoldable(oxj *j, enum ox_opcode op, LLVMValueRef *a, LLVMValueRef *b)
{
    switch (op) {
    case OXO_F32_ADD: case OXO_F64_ADD: case OXO_F32_SUB: case OXO_F64_SUB:
        if (is_fconst(*a, 0.0) || is_fconst(*a, -0.0))
            *a = fence(j, *a);
        if (is_fconst(*b, 0.0) || is_fconst(*b, -0.0))
            *b = fence(j, *b);
        break;
    case OXO_F32_MUL: case OXO_F64_MUL: case OXO_F32_DIV: case OXO_F64_DIV:
        if (is_fconst(*a, 1.0) || is_fconst(*a, -1.0))
            *a = fence(j, *a);
        if (is_fconst(*b, 1.0) || is_fconst(*b, -1.0))
            *b = fence(j, *b);
        break;
    default:
        break;
    }
}

static LLVMValueRef binop(oxj *j, enum ox_opcode op, LLVMValueRef a, LLVMValueRef b)
{
    unfoldable(j, op, &a, &b);
    switch (op) {
    case OXO_I32_EQ: case OXO_I64_EQ: return icmp(j, LLVMIntEQ, a, b);
    case OXO_I32_NE: case OXO_I64_NE: return icmp(j, LLVMIntNE, a, b);
    case OXO_I32_LT_S: case OXO_I64_LT_S: return icmp(j, LLVMIntSLT, a, b);
    case OXO_I32_LT_U: case OXO_I64_LT_U: return icmp(j, LLVMIntULT, a, b);
    case OXO_I32_GT_S: case OXO_I64_GT_S: return icmp(j, LLVMIntSGT, a, b);
    case OXO_I32_GT_U: case OXO_I64_GT_U: return icmp(j, LLVMIntUGT, a, b);
    case OXO_I32_LE_S: case OXO_I64_LE_S: return icmp(j, LLVMIntSLE, a, b);
    case OXO_I32_LE_U: case OXO_I64_LE_U: return icmp(j, LLVMIntULE, a, b);
    case OXO_I32_GE_S: case OXO_I64_GE_S: return icmp(j, LLVMIntSGE, a, b);
    case OXO_I32_GE_U: case OXO_I64_GE_U: return icmp(j, LLVMIntUGE, a, b);
    case OXO_F32_EQ: case OXO_F64_EQ: return fcmp(j, LLVMRealOEQ, a, b);
    case OXO_F32_NE: case OXO_F64_NE: return fcmp(j, LLVMRealUNE, a, b);
    case OXO_F32_LT: case OXO_F64_LT: return fcmp(j, LLVMRealOLT, a, b);
    case OXO_F32_GT: case OXO_F64_GT: return fcmp(j, LLVMRealOGT, a, b);
    case OXO_F32_LE: case OXO_F64_LE: return fcmp(j, LLVMRealOLE, a, b);
    case OXO_F32_GE: case OXO_F64_GE: return fcmp(j, LLVMRealOGE, a, b);
    case OXO_I32_ADD: case OXO_I64_ADD: return LLVMBuildAdd(B, a, b, "");
    case OXO_I32_SUB: case OXO_I64_SUB: return LLVMBuildSub(B, a, b, "");
    case OXO_I32_MUL: case OXO_I64_MUL: return LLVMBuildMul(B, a, b, "");
    case OXO_I32_AND: case OXO_I64_AND: return LLVMBuildAnd(B, a, b, "");
    case OXO_I32_OR: case OXO_I64_OR: return LLVMBuildOr(B, a, b, "");
    case OXO_I32_XOR: case OXO_I64_XOR: return LLVMBuildXor(B, a, b, "");
    case OXO_I32_SHL: case OXO_I64_SHL: return LLVMBuildShl(B, a, masked(j, b), "");
    case OXO_I32_SHR_S: case OXO_I64_SHR_S: return LLVMBuildAShr(B, a, masked(j, b), "");
    case OXO_I32_SHR_U: case OXO_I64_SHR_U: return LLVMBuildLShr(B, a, masked(j, b), "");
    case OXO_I32_ROTL: case OXO_I64_ROTL: return rotate(j, "fshl", a, b);
    case OXO_I32_ROTR: case OXO_I64_ROTR: return rotate(j, "fshr", a, b);
    case OXO_F32_ADD: case OXO_F64_ADD: return LLVMBuildFAdd(B, a, b, "");
    case OXO_F32_SUB: case OXO_F64_SUB: return LLVMBuildFSub(B, a, b, "");
    case OXO_F32_MUL: case OXO_F64_MUL: return LLVMBuildFMul(B, a, b, "");
    case OXO_F32_DIV: case OXO_F64_DIV: return LLVMBuildFDiv(B, a, b, "");
    case OXO_F32_MIN: case OXO_F64_MIN: return oxj_minmax(j, a, b, true);
    case OXO_F32_MAX: case OXO_F64_MAX: return oxj_minmax(j, a, b, false);
    case OXO_F32_COPYSIGN: case OXO_F64_COPYSIGN: return call2(j, "copysign", a, b);
    case OXO_I32_DIV_S: case OXO_I32_DIV_U: case OXO_I32_REM_S: case OXO_I32_REM_U:
    case OXO_I64_DIV_S: case OXO_I64_DIV_U: case OXO_I64_REM_S: case OXO_I64_REM_U:
        return divide(j, op, a, b);
    default: return NULL;
    }
}

static LLVMValueRef unop(oxj *j, enum ox_opcode op, LLVMValueRef a, LLVMTypeRef to)
{
    const oxj_mod *jm = j->jm;
    switch (op) {
    case OXO_I32_EQZ: case OXO_I64_EQZ:
        return icmp(j, LLVMIntEQ, a, LLVMConstInt(LLVMTypeOf(a), 0, 0));
    case OXO_I32_CLZ: case OXO_I64_CLZ: return count_zeros(j, "ctlz", a);
    case OXO_I32_CTZ: case OXO_I64_CTZ: return count_zeros(j, "cttz", a);
    case OXO_I32_POPCNT: case OXO_I64_POPCNT: return call1(j, "ctpop", a);
    case OXO_F32_ABS: case OXO_F64_ABS: return call1(j, "fabs", a);
    case OXO_F32_NEG: case OXO_F64_NEG: return LLVMBuildFNeg(B, a, "");
    case OXO_F32_CEIL: case OXO_F64_CEIL: return call1(j, "ceil", a);
    case OXO_F32_FLOOR: case OXO_F64_FLOOR: return call1(j, "floor", a);
    case OXO_F32_TRUNC: case OXO_F64_TRUNC: return call1(j, "trunc", a);
    case OXO_F32_NEAREST: case OXO_F64_NEAREST: return call1(j, "roundeven", a);
    case OXO_F32_SQRT: case OXO_F64_SQRT: return call1(j, "sqrt", a);
    case OXO_I32_WRAP_I64: return LLVMBuildTrunc(B, a, to, "");
    case OXO_F32_CONVERT_I32_S: case OXO_F32_CONVERT_I64_S:
    case OXO_F64_CONVERT_I32_S: case OXO_F64_CONVERT_I64_S:
        return LLVMBuildSIToFP(B, a, to, "");
    case OXO_F32_CONVERT_I32_U: case OXO_F32_CONVERT_I64_U:
    case OXO_F64_CONVERT_I32_U: case OXO_F64_CONVERT_I64_U:
        return LLVMBuildUIToFP(B, a, to, "");
    case OXO_F32_DEMOTE_F64:
        return LLVMBuildFPTrunc(B, LLVMIsAFPExtInst(a) ? fence(j, a) : a, to, "");
    case OXO_F64_PROMOTE_F32: return LLVMBuildFPExt(B, a, to, "");
    case OXO_I32_REINTERPRET_F32: case OXO_I64_REINTERPRET_F64:
    case OXO_F32_REINTERPRET_I32: case OXO_F64_REINTERPRET_I64:
        return LLVMBuildBitCast(B, a, to, "");
    case OXO_I64_EXTEND_I32_S: return LLVMBuildSExt(B, a, to, "");
    case OXO_I64_EXTEND_I32_U: return LLVMBuildZExt(B, a, to, "");
    case OXO_I32_EXTEND8_S: case OXO_I64_EXTEND8_S: return sext_low(j, a, 8);
    case OXO_I32_EXTEND16_S: case OXO_I64_EXTEND16_S: return sext_low(j, a, 16);
    case OXO_I64_EXTEND32_S: return sext_low(j, a, 32);
    case OXO_I32_TRUNC_F32_S: case OXO_I32_TRUNC_F64_S:
    case OXO_I64_TRUNC_F32_S: case OXO_I64_TRUNC_F64_S:
        return truncate(j, a, to, true);
    case OXO_I32_TRUNC_F32_U: case OXO_I32_TRUNC_F64_U:
    case OXO_I64_TRUNC_F32_U: case OXO_I64_TRUNC_F64_U:
        return truncate(j, a, to, false);
    case OXO_I32_TRUNC_SAT_F32_S: case OXO_I32_TRUNC_SAT_F64_S:
    case OXO_I64_TRUNC_SAT_F32_S: case OXO_I64_TRUNC_SAT_F64_S:
        return saturate(j, a, to, true);
    case OXO_I32_TRUNC_SAT_F32_U: case OXO_I32_TRUNC_SAT_F64_U:
    case OXO_I64_TRUNC_SAT_F32_U: case OXO_I64_TRUNC_SAT_F64_U:
        return saturate(j, a, to, false);
    default:
        (void)jm;
        return NULL;
    }
}

/* The numeric groups of the table: a binary shape (two operands of ta)
   or a unary one (one operand of ta), result tr. */
static bool numeric_group(enum ox_opcode op)
{
    switch (op) {
#define OX_X(name, ...) case OXO_##name:
    OX_BINOPS(OX_X) OX_TRAP_BINOPS(OX_X) OX_UNOPS(OX_X) OX_TRUNC_OPS(OX_X) OX_SAT_OPS(OX_X)
#undef OX_X
        return true;
    default:
        return false;
    }
}

bool oxj_numeric_known(enum ox_opcode op) { return numeric_group(op); }

bool oxj_numeric(oxj *j, const ox_opinfo *oi)
{
    enum ox_opcode op = (enum ox_opcode)oi->op;
    if (!numeric_group(op))
        return false;
    LLVMValueRef r;
    if (oi->shape == OX_SHAPE_BIN) {
        LLVMValueRef b = oxj_pop(j), a = oxj_pop(j);
        r = binop(j, op, a, b);
    } else {
        LLVMValueRef a = oxj_pop(j);
        r = unop(j, op, a, oxj_type(j->jm, oi->tr));
    }
    if (!r)
        return false;
    oxj_push(j, r);
    return true;
}
