/*
 * jit_simd.c — the SIMD instructions (v128) in LLVM IR, on LLVM's vectors.
 *
 * A v128 travels as <2 x i64> and is bitcast, per instruction, to the
 * vector its line in the table names: the lane groups of opcodes_simd.h
 * give each instruction's lane types (OUT, IN: i8, u8 ... f64, the
 * signedness read from the name) and lane count, and this file the
 * operation, written to match the interpreter's lane expression (integer
 * comparisons give all-ones lanes, shift counts are taken modulo the lane
 * width, narrowing saturates, float min/max propagate NaNs and order the
 * zeros). The instructions missing here (swizzle, q15mulr, the relaxed
 * dot products) leave their function interpreted.
 */
#include <stdio.h>
#include <string.h>

#include "jit_emit.h"

#define B (j->b)

/* Lane types, as the table's columns name them. */
enum { F_i8, F_u8, F_i16, F_u16, F_i32, F_u32, F_i64, F_u64, F_f32, F_f64, F_NONE };

typedef struct lanes {
    uint8_t out, in, n;       /* n == 0: not a lane-typed line */
} lanes;

static const lanes lane_info[OXO_COUNT_] = {
#define OX_L(name, txt, pfx, code, out, in, n, ...) [OXO_##name] = {F_##out, F_##in, n},
    OX_V128_LANE_BINOPS(OX_L) OX_V128_LANE_UNOPS(OX_L) OX_V128_SHIFTS(OX_L)
#undef OX_L
#define OX_E(name, txt, pfx, code, t, f, n, ...) [OXO_##name] = {F_NONE, F_##f, n},
    OX_V128_EXTRACT(OX_E) OX_V128_REPLACE(OX_E)
#undef OX_E
#define OX_M(name, txt, pfx, code, al, f, n) [OXO_##name] = {F_NONE, F_##f, n},
    OX_V128_LANE_LOADS(OX_M) OX_V128_LANE_STORES(OX_M)
#undef OX_M
};

static bool is_signed(int f) { return f == F_i8 || f == F_i16 || f == F_i32 || f == F_i64; }
static bool is_float(int f) { return f == F_f32 || f == F_f64; }

static LLVMTypeRef elem(oxj *j, int f)
{
    switch (f) {
    case F_i8: case F_u8: return j->jm->i8;
    case F_i16: case F_u16: return LLVMInt16TypeInContext(j->jm->ctx);
    case F_i32: case F_u32: return j->jm->i32;
    case F_i64: case F_u64: return j->jm->i64;
    case F_f32: return j->jm->f32;
    default: return j->jm->f64;
    }
}

static LLVMTypeRef vec(oxj *j, int f, unsigned n) { return LLVMVectorType(elem(j, f), n); }
static LLVMValueRef as(oxj *j, LLVMValueRef v, int f, unsigned n)
{
    return LLVMBuildBitCast(B, v, vec(j, f, n), "");
}
static LLVMValueRef back(oxj *j, LLVMValueRef v) { return LLVMBuildBitCast(B, v, j->jm->v128, ""); }
static void push(oxj *j, LLVMValueRef v) { oxj_push(j, back(j, v)); }

static LLVMValueRef splat(oxj *j, LLVMValueRef x, unsigned n)
{
    LLVMTypeRef t = LLVMVectorType(LLVMTypeOf(x), n);
    LLVMValueRef v = LLVMBuildInsertElement(B, LLVMGetUndef(t), x, oxj_i32(j, 0), "");
    return LLVMBuildShuffleVector(B, v, LLVMGetUndef(t), LLVMConstNull(LLVMVectorType(j->jm->i32, n)),
                                  "");
}

/* A shuffle of a and b by the lane indices idx[0..n). */
static LLVMValueRef shuffle(oxj *j, LLVMValueRef a, LLVMValueRef b, const unsigned *idx, unsigned n)
{
    LLVMValueRef m[16];
    for (unsigned k = 0; k < n; k++)
        m[k] = oxj_i32(j, idx[k]);
    return LLVMBuildShuffleVector(B, a, b, LLVMConstVector(m, n), "");
}

/* Half of a's n lanes (low or high), widened (signed or not) to lanes of
   twice the width. */
static LLVMValueRef widen_half(oxj *j, LLVMValueRef a, int f, unsigned n, bool high, bool sign)
{
    unsigned idx[8];
    for (unsigned k = 0; k < n / 2; k++)
        idx[k] = k + (high ? n / 2 : 0);
    LLVMValueRef h = shuffle(j, as(j, a, f, n), LLVMGetUndef(vec(j, f, n)), idx, n / 2);
    LLVMTypeRef wide = LLVMVectorType(LLVMIntTypeInContext(j->jm->ctx, 2 * LLVMGetIntTypeWidth(elem(j, f))),
                                      n / 2);
    return sign ? LLVMBuildSExt(B, h, wide, "") : LLVMBuildZExt(B, h, wide, "");
}

/* ---- lane-wise binary, unary, shifts ------------------------------------- */

static LLVMValueRef select_cmp(oxj *j, LLVMIntPredicate p, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildSelect(B, LLVMBuildICmp(B, p, a, b, ""), a, b, "");
}

static LLVMValueRef lane_binop(oxj *j, enum ox_opcode op, const lanes *l, LLVMValueRef x,
                               LLVMValueRef y)
{
    LLVMValueRef a = as(j, x, l->in, l->n), b = as(j, y, l->in, l->n);
    bool s = is_signed(l->in), fl = is_float(l->in);
    LLVMTypeRef rt = vec(j, l->out, l->n);
    const char *name = ox_opinfo_of(op)->name, *dot = strchr(name, '.');
    const char *what = dot ? dot + 1 : name;
    /* comparisons: all-ones lanes where true */
    static const struct {
        const char *name;
        LLVMIntPredicate is, iu;
        LLVMRealPredicate f;
    } cmps[] = {
        {"eq", LLVMIntEQ, LLVMIntEQ, LLVMRealOEQ}, {"ne", LLVMIntNE, LLVMIntNE, LLVMRealUNE},
        {"lt_s", LLVMIntSLT, LLVMIntSLT, 0}, {"lt_u", LLVMIntULT, LLVMIntULT, 0},
        {"gt_s", LLVMIntSGT, LLVMIntSGT, 0}, {"gt_u", LLVMIntUGT, LLVMIntUGT, 0},
        {"le_s", LLVMIntSLE, LLVMIntSLE, 0}, {"le_u", LLVMIntULE, LLVMIntULE, 0},
        {"ge_s", LLVMIntSGE, LLVMIntSGE, 0}, {"ge_u", LLVMIntUGE, LLVMIntUGE, 0},
        {"lt", 0, 0, LLVMRealOLT}, {"gt", 0, 0, LLVMRealOGT},
        {"le", 0, 0, LLVMRealOLE}, {"ge", 0, 0, LLVMRealOGE},
    };
    for (size_t k = 0; k < sizeof cmps / sizeof cmps[0]; k++)
        if (!strcmp(what, cmps[k].name)) {
            LLVMValueRef c = fl ? LLVMBuildFCmp(B, cmps[k].f, a, b, "")
                                : LLVMBuildICmp(B, s ? cmps[k].is : cmps[k].iu, a, b, "");
            return LLVMBuildSExt(B, c, rt, "");
        }
    if (!strcmp(what, "and")) return LLVMBuildAnd(B, a, b, "");
    if (!strcmp(what, "or")) return LLVMBuildOr(B, a, b, "");
    if (!strcmp(what, "xor")) return LLVMBuildXor(B, a, b, "");
    if (!strcmp(what, "andnot")) return LLVMBuildAnd(B, a, LLVMBuildNot(B, b, ""), "");
    if (!strcmp(what, "add")) return fl ? LLVMBuildFAdd(B, a, b, "") : LLVMBuildAdd(B, a, b, "");
    if (!strcmp(what, "sub")) return fl ? LLVMBuildFSub(B, a, b, "") : LLVMBuildSub(B, a, b, "");
    if (!strcmp(what, "mul")) return fl ? LLVMBuildFMul(B, a, b, "") : LLVMBuildMul(B, a, b, "");
    if (!strcmp(what, "div")) return LLVMBuildFDiv(B, a, b, "");
    LLVMValueRef ab[2] = {a, b};
    if (!strcmp(what, "add_sat_s")) return oxj_overloaded(j, "sadd.sat", ab, 2);
    if (!strcmp(what, "add_sat_u")) return oxj_overloaded(j, "uadd.sat", ab, 2);
    if (!strcmp(what, "sub_sat_s")) return oxj_overloaded(j, "ssub.sat", ab, 2);
    if (!strcmp(what, "sub_sat_u")) return oxj_overloaded(j, "usub.sat", ab, 2);
    if (!strcmp(what, "min_s")) return select_cmp(j, LLVMIntSLT, a, b);
    if (!strcmp(what, "min_u")) return select_cmp(j, LLVMIntULT, a, b);
    if (!strcmp(what, "max_s")) return select_cmp(j, LLVMIntSGT, a, b);
    if (!strcmp(what, "max_u")) return select_cmp(j, LLVMIntUGT, a, b);
    if (!strcmp(what, "avgr_u")) {
        /* (a + b + 1) >> 1 in lanes twice as wide */
        LLVMTypeRef wt = LLVMVectorType(LLVMIntTypeInContext(j->jm->ctx,
                                        2 * LLVMGetIntTypeWidth(elem(j, l->in))), l->n);
        LLVMValueRef wa = LLVMBuildZExt(B, a, wt, ""), wb = LLVMBuildZExt(B, b, wt, "");
        LLVMValueRef one = LLVMConstInt(LLVMGetElementType(wt), 1, 0);
        LLVMValueRef sum = LLVMBuildAdd(B, LLVMBuildAdd(B, wa, wb, ""), splat(j, one, l->n), "");
        return LLVMBuildTrunc(B, LLVMBuildLShr(B, sum, splat(j, one, l->n), ""), rt, "");
    }
    if (!strcmp(what, "min") || !strcmp(what, "relaxed_min")) return oxj_minmax(j, a, b, true);
    if (!strcmp(what, "max") || !strcmp(what, "relaxed_max")) return oxj_minmax(j, a, b, false);
    if (!strcmp(what, "pmin"))
        return LLVMBuildSelect(B, LLVMBuildFCmp(B, LLVMRealOLT, b, a, ""), b, a, "");
    if (!strcmp(what, "pmax"))
        return LLVMBuildSelect(B, LLVMBuildFCmp(B, LLVMRealOLT, a, b, ""), b, a, "");
    return NULL;
}

static LLVMValueRef lane_unop(oxj *j, enum ox_opcode op, const lanes *l, LLVMValueRef x)
{
    LLVMValueRef a = as(j, x, l->in, l->n);
    LLVMTypeRef rt = vec(j, l->out, l->n);
    const char *name = ox_opinfo_of(op)->name, *what = strchr(name, '.') + 1;
    if (!strcmp(what, "not")) return LLVMBuildNot(B, a, "");
    if (!strcmp(what, "neg"))
        return is_float(l->in) ? LLVMBuildFNeg(B, a, "") : LLVMBuildNeg(B, a, "");
    if (!strcmp(what, "abs")) {
        if (is_float(l->in))
            return oxj_overloaded(j, "fabs", &a, 1);
        LLVMValueRef neg = LLVMBuildICmp(B, LLVMIntSLT, a, LLVMConstNull(LLVMTypeOf(a)), "");
        return LLVMBuildSelect(B, neg, LLVMBuildNeg(B, a, ""), a, "");
    }
    if (!strcmp(what, "popcnt")) return oxj_overloaded(j, "ctpop", &a, 1);
    if (!strcmp(what, "ceil")) return oxj_overloaded(j, "ceil", &a, 1);
    if (!strcmp(what, "floor")) return oxj_overloaded(j, "floor", &a, 1);
    if (!strcmp(what, "trunc")) return oxj_overloaded(j, "trunc", &a, 1);
    if (!strcmp(what, "nearest")) return oxj_overloaded(j, "roundeven", &a, 1);
    if (!strcmp(what, "sqrt")) return oxj_overloaded(j, "sqrt", &a, 1);
    if (!strncmp(what, "convert_i32x4_", 14))
        return is_signed(l->in) ? LLVMBuildSIToFP(B, a, rt, "") : LLVMBuildUIToFP(B, a, rt, "");
    if (strstr(what, "trunc_sat_f32x4_") || strstr(what, "relaxed_trunc_f32x4_"))
        return oxj_intrinsic(j, what[strlen(what) - 1] == 's' ? "llvm.fptosi.sat.v4i32.v4f32"
                                                               : "llvm.fptoui.sat.v4i32.v4f32",
                             rt, &a, 1);
    return NULL;
}

static LLVMValueRef shift(oxj *j, enum ox_opcode op, const lanes *l, LLVMValueRef x, LLVMValueRef s)
{
    LLVMValueRef a = as(j, x, l->in, l->n);
    LLVMTypeRef e = elem(j, l->in);
    unsigned bits = LLVMGetIntTypeWidth(e);
    LLVMValueRef c = LLVMBuildAnd(B, s, oxj_i32(j, bits - 1), "");
    c = bits < 32 ? LLVMBuildTrunc(B, c, e, "") : bits > 32 ? LLVMBuildZExt(B, c, e, "") : c;
    LLVMValueRef cv = splat(j, c, l->n);
    const char *name = ox_opinfo_of(op)->name;
    if (strstr(name, ".shl")) return LLVMBuildShl(B, a, cv, "");
    if (strstr(name, ".shr_s")) return LLVMBuildAShr(B, a, cv, "");
    return LLVMBuildLShr(B, a, cv, "");
}

/* ---- the other shapes ---------------------------------------------------- */

/* Saturating narrow of two vectors of signed lanes to lanes half as wide. */
static LLVMValueRef narrow(oxj *j, LLVMValueRef x, LLVMValueRef y, int from, unsigned n, bool sign)
{
    unsigned bits = LLVMGetIntTypeWidth(elem(j, from)) / 2;
    LLVMTypeRef e = elem(j, from);
    int64_t lo = sign ? -(INT64_C(1) << (bits - 1)) : 0;
    int64_t hi = sign ? (INT64_C(1) << (bits - 1)) - 1 : (INT64_C(1) << bits) - 1;
    LLVMValueRef vlo = splat(j, LLVMConstInt(e, (uint64_t)lo, 1), n);
    LLVMValueRef vhi = splat(j, LLVMConstInt(e, (uint64_t)hi, 1), n);
    LLVMTypeRef half = LLVMVectorType(LLVMIntTypeInContext(j->jm->ctx, bits), n);
    LLVMValueRef parts[2];
    LLVMValueRef in[2] = {as(j, x, from, n), as(j, y, from, n)};
    for (int k = 0; k < 2; k++) {
        LLVMValueRef v = select_cmp(j, LLVMIntSGT, in[k], vlo);
        v = select_cmp(j, LLVMIntSLT, v, vhi);
        parts[k] = LLVMBuildTrunc(B, v, half, "");
    }
    unsigned idx[16];
    for (unsigned k = 0; k < 2 * n; k++)
        idx[k] = k;
    return shuffle(j, parts[0], parts[1], idx, 2 * n);
}

static bool binop(oxj *j, enum ox_opcode op)
{
    LLVMValueRef y = oxj_pop(j), x = oxj_pop(j), r;
    switch (op) {
    case OXO_I8X16_NARROW_I16X8_S: r = narrow(j, x, y, F_i16, 8, true); break;
    case OXO_I8X16_NARROW_I16X8_U: r = narrow(j, x, y, F_i16, 8, false); break;
    case OXO_I16X8_NARROW_I32X4_S: r = narrow(j, x, y, F_i32, 4, true); break;
    case OXO_I16X8_NARROW_I32X4_U: r = narrow(j, x, y, F_i32, 4, false); break;
    case OXO_I32X4_DOT_I16X8_S: {
        /* products of the 16-bit lanes in 32 bits, adjacent pairs added */
        LLVMTypeRef t = LLVMVectorType(j->jm->i32, 8);
        LLVMValueRef p = LLVMBuildMul(B, LLVMBuildSExt(B, as(j, x, F_i16, 8), t, ""),
                                      LLVMBuildSExt(B, as(j, y, F_i16, 8), t, ""), "");
        static const unsigned even[4] = {0, 2, 4, 6}, odd[4] = {1, 3, 5, 7};
        LLVMValueRef u = LLVMGetUndef(t);
        r = LLVMBuildAdd(B, shuffle(j, p, u, even, 4), shuffle(j, p, u, odd, 4), "");
        break;
    }
    default: {
        /* extmul_{low,high}_{from}_{s,u}: both halves widened, multiplied */
        const char *name = ox_opinfo_of(op)->name;
        if (!strstr(name, ".extmul_"))
            return false;
        int from = strstr(name, "i8x16") ? F_i8 : strstr(name, "_i16x8") ? F_i16 : F_i32;
        unsigned n = from == F_i8 ? 16 : from == F_i16 ? 8 : 4;
        bool high = strstr(name, "high") != NULL, sign = name[strlen(name) - 1] == 's';
        r = LLVMBuildMul(B, widen_half(j, x, from, n, high, sign),
                         widen_half(j, y, from, n, high, sign), "");
        break;
    }
    }
    push(j, r);
    return true;
}

static bool unop(oxj *j, enum ox_opcode op)
{
    LLVMValueRef x = oxj_pop(j), r = NULL;
    const char *name = ox_opinfo_of(op)->name;
    switch (op) {
    case OXO_I8X16_SPLAT: r = splat(j, LLVMBuildTrunc(B, x, j->jm->i8, ""), 16); break;
    case OXO_I16X8_SPLAT: r = splat(j, LLVMBuildTrunc(B, x, elem(j, F_i16), ""), 8); break;
    case OXO_I32X4_SPLAT: case OXO_F32X4_SPLAT: r = splat(j, x, 4); break;
    case OXO_I64X2_SPLAT: case OXO_F64X2_SPLAT: r = splat(j, x, 2); break;
    case OXO_V128_ANY_TRUE: {
        LLVMValueRef w = LLVMBuildBitCast(B, x, LLVMInt128TypeInContext(j->jm->ctx), "");
        oxj_push(j, LLVMBuildZExt(B, LLVMBuildICmp(B, LLVMIntNE, w, LLVMConstNull(LLVMTypeOf(w)), ""),
                                  j->jm->i32, ""));
        return true;
    }
    case OXO_F32X4_DEMOTE_F64X2_ZERO: {
        LLVMValueRef d = LLVMBuildFPTrunc(B, as(j, x, F_f64, 2), vec(j, F_f32, 2), "");
        static const unsigned idx[4] = {0, 1, 2, 3};
        r = shuffle(j, d, LLVMConstNull(vec(j, F_f32, 2)), idx, 4);
        break;
    }
    case OXO_F64X2_PROMOTE_LOW_F32X4: {
        static const unsigned idx[2] = {0, 1};
        LLVMValueRef lo = shuffle(j, as(j, x, F_f32, 4), LLVMGetUndef(vec(j, F_f32, 4)), idx, 2);
        r = LLVMBuildFPExt(B, lo, vec(j, F_f64, 2), "");
        break;
    }
    case OXO_F64X2_CONVERT_LOW_I32X4_S: case OXO_F64X2_CONVERT_LOW_I32X4_U: {
        static const unsigned idx[2] = {0, 1};
        LLVMValueRef lo = shuffle(j, as(j, x, F_i32, 4), LLVMGetUndef(vec(j, F_i32, 4)), idx, 2);
        r = op == OXO_F64X2_CONVERT_LOW_I32X4_S ? LLVMBuildSIToFP(B, lo, vec(j, F_f64, 2), "")
                                                : LLVMBuildUIToFP(B, lo, vec(j, F_f64, 2), "");
        break;
    }
    case OXO_I32X4_TRUNC_SAT_F64X2_S_ZERO: case OXO_I32X4_TRUNC_SAT_F64X2_U_ZERO:
    case OXO_I32X4_RELAXED_TRUNC_F64X2_S_ZERO: case OXO_I32X4_RELAXED_TRUNC_F64X2_U_ZERO: {
        bool s = op == OXO_I32X4_TRUNC_SAT_F64X2_S_ZERO || op == OXO_I32X4_RELAXED_TRUNC_F64X2_S_ZERO;
        LLVMValueRef d = as(j, x, F_f64, 2);
        LLVMValueRef t = oxj_intrinsic(j, s ? "llvm.fptosi.sat.v2i32.v2f64" : "llvm.fptoui.sat.v2i32.v2f64",
                                       vec(j, F_i32, 2), &d, 1);
        static const unsigned idx[4] = {0, 1, 2, 3};
        r = shuffle(j, t, LLVMConstNull(vec(j, F_i32, 2)), idx, 4);
        break;
    }
    default:
        break;
    }
    if (r) {
        push(j, r);
        return true;
    }
    /* the families, by name: all_true, bitmask, extend, extadd_pairwise */
    if (strstr(name, ".all_true") || strstr(name, ".bitmask")) {
        int f = !strncmp(name, "i8x16", 5) ? F_i8 : !strncmp(name, "i16x8", 5) ? F_i16
              : !strncmp(name, "i32x4", 5) ? F_i32 : F_i64;
        unsigned n = f == F_i8 ? 16 : f == F_i16 ? 8 : f == F_i32 ? 4 : 2;
        LLVMValueRef a = as(j, x, f, n);
        LLVMTypeRef mask = LLVMIntTypeInContext(j->jm->ctx, n);
        bool all = strstr(name, ".all_true") != NULL;
        LLVMValueRef c = LLVMBuildICmp(B, all ? LLVMIntNE : LLVMIntSLT, a, LLVMConstNull(LLVMTypeOf(a)), "");
        LLVMValueRef bits = LLVMBuildBitCast(B, c, mask, "");
        oxj_push(j, all ? LLVMBuildZExt(B, LLVMBuildICmp(B, LLVMIntEQ, bits, LLVMConstAllOnes(mask), ""),
                                        j->jm->i32, "")
                        : LLVMBuildZExt(B, bits, j->jm->i32, ""));
        return true;
    }
    /* extend_{low,high}_{from}_{s,u} and extadd_pairwise_{from}_{s,u}: the
       source lanes are the other type named */
    bool sign = name[strlen(name) - 1] == 's';
    int from = strstr(name, "_i8x16") ? F_i8 : strstr(name, "_i16x8") ? F_i16 : F_i32;
    unsigned fn = from == F_i8 ? 16 : from == F_i16 ? 8 : 4;
    if (strstr(name, ".extend_")) {
        push(j, widen_half(j, x, from, fn, strstr(name, "high") != NULL, sign));
        return true;
    }
    if (strstr(name, ".extadd_pairwise_")) {
        LLVMTypeRef wt = LLVMVectorType(LLVMIntTypeInContext(j->jm->ctx,
                                        2 * LLVMGetIntTypeWidth(elem(j, from))), fn);
        LLVMValueRef a = as(j, x, from, fn);
        LLVMValueRef w = sign ? LLVMBuildSExt(B, a, wt, "") : LLVMBuildZExt(B, a, wt, "");
        unsigned ev[8], od[8];
        for (unsigned k = 0; k < fn / 2; k++)
            ev[k] = 2 * k, od[k] = 2 * k + 1;
        LLVMValueRef u = LLVMGetUndef(wt);
        push(j, LLVMBuildAdd(B, shuffle(j, w, u, ev, fn / 2), shuffle(j, w, u, od, fn / 2), ""));
        return true;
    }
    return false;
}

static bool ternop(oxj *j, enum ox_opcode op)
{
    LLVMValueRef c = oxj_pop(j), b = oxj_pop(j), a = oxj_pop(j);
    switch (op) {
    case OXO_V128_BITSELECT: case OXO_I8X16_RELAXED_LANESELECT: case OXO_I16X8_RELAXED_LANESELECT:
    case OXO_I32X4_RELAXED_LANESELECT: case OXO_I64X2_RELAXED_LANESELECT:
        oxj_push(j, LLVMBuildOr(B, LLVMBuildAnd(B, a, c, ""),
                                LLVMBuildAnd(B, b, LLVMBuildNot(B, c, ""), ""), ""));
        return true;
    case OXO_F32X4_RELAXED_MADD: case OXO_F32X4_RELAXED_NMADD:
    case OXO_F64X2_RELAXED_MADD: case OXO_F64X2_RELAXED_NMADD: {
        /* as the interpreter: a product, then a sum (no fused rounding) */
        bool f32 = op == OXO_F32X4_RELAXED_MADD || op == OXO_F32X4_RELAXED_NMADD;
        bool neg = op == OXO_F32X4_RELAXED_NMADD || op == OXO_F64X2_RELAXED_NMADD;
        int f = f32 ? F_f32 : F_f64;
        unsigned n = f32 ? 4 : 2;
        LLVMValueRef p = LLVMBuildFMul(B, as(j, a, f, n), as(j, b, f, n), "");
        if (neg)
            p = LLVMBuildFNeg(B, p, "");
        push(j, LLVMBuildFAdd(B, p, as(j, c, f, n), ""));
        return true;
    }
    default:
        return false;
    }
}

/* ---- memory -------------------------------------------------------------- */

static LLVMValueRef ptr_to(oxj *j, LLVMValueRef addr, const oxj_imm *im, LLVMTypeRef t)
{
    return oxj_address(j, im->mem, addr, im->v, t);
}

static LLVMValueRef load(oxj *j, LLVMTypeRef t, LLVMValueRef addr, const oxj_imm *im)
{
    LLVMValueRef v = LLVMBuildLoad2(B, t, ptr_to(j, addr, im, t), "");
    LLVMSetAlignment(v, 1);
    oxj_tbaa(j, v, OXJ_TBAA_MEMORY);
    oxj_keep_load(j, v);
    return v;
}

static bool memop(oxj *j, enum ox_opcode op, const oxj_imm *im)
{
    const lanes *l = &lane_info[op];
    switch (op) {
    case OXO_V128_LOAD:
        oxj_push(j, load(j, j->jm->v128, oxj_pop(j), im));
        return true;
    case OXO_V128_STORE: {
        LLVMValueRef v = oxj_pop(j), addr = oxj_pop(j);
        LLVMValueRef st = LLVMBuildStore(B, v, ptr_to(j, addr, im, j->jm->v128));
        LLVMSetAlignment(st, 1);
        oxj_tbaa(j, st, OXJ_TBAA_MEMORY);
        return true;
    }
    case OXO_V128_LOAD8X8_S: case OXO_V128_LOAD8X8_U: case OXO_V128_LOAD16X4_S:
    case OXO_V128_LOAD16X4_U: case OXO_V128_LOAD32X2_S: case OXO_V128_LOAD32X2_U: {
        int f = op <= OXO_V128_LOAD8X8_U ? F_i8 : op <= OXO_V128_LOAD16X4_U ? F_i16 : F_i32;
        unsigned n = f == F_i8 ? 8 : f == F_i16 ? 4 : 2;
        bool sign = op == OXO_V128_LOAD8X8_S || op == OXO_V128_LOAD16X4_S || op == OXO_V128_LOAD32X2_S;
        LLVMValueRef v = load(j, vec(j, f, n), oxj_pop(j), im);
        LLVMTypeRef wt = LLVMVectorType(LLVMIntTypeInContext(j->jm->ctx, 2 * LLVMGetIntTypeWidth(elem(j, f))), n);
        push(j, sign ? LLVMBuildSExt(B, v, wt, "") : LLVMBuildZExt(B, v, wt, ""));
        return true;
    }
    case OXO_V128_LOAD8_SPLAT: case OXO_V128_LOAD16_SPLAT: case OXO_V128_LOAD32_SPLAT:
    case OXO_V128_LOAD64_SPLAT: {
        int f = op == OXO_V128_LOAD8_SPLAT ? F_u8 : op == OXO_V128_LOAD16_SPLAT ? F_u16
              : op == OXO_V128_LOAD32_SPLAT ? F_u32 : F_u64;
        unsigned n = f == F_u8 ? 16 : f == F_u16 ? 8 : f == F_u32 ? 4 : 2;
        push(j, splat(j, load(j, elem(j, f), oxj_pop(j), im), n));
        return true;
    }
    case OXO_V128_LOAD32_ZERO: case OXO_V128_LOAD64_ZERO: {
        int f = op == OXO_V128_LOAD32_ZERO ? F_u32 : F_u64;
        unsigned n = f == F_u32 ? 4 : 2;
        LLVMValueRef v = load(j, elem(j, f), oxj_pop(j), im);
        push(j, LLVMBuildInsertElement(B, LLVMConstNull(vec(j, f, n)), v, oxj_i32(j, 0), ""));
        return true;
    }
    default:
        break;
    }
    if (op >= OXO_V128_LOAD8_LANE && op <= OXO_V128_LOAD64_LANE) {
        LLVMValueRef v = oxj_pop(j), addr = oxj_pop(j);
        LLVMValueRef x = load(j, elem(j, l->in), addr, im);
        push(j, LLVMBuildInsertElement(B, as(j, v, l->in, l->n), x, oxj_i32(j, im->lane), ""));
        return true;
    }
    if (op >= OXO_V128_STORE8_LANE && op <= OXO_V128_STORE64_LANE) {
        LLVMValueRef v = oxj_pop(j), addr = oxj_pop(j);
        LLVMValueRef x = LLVMBuildExtractElement(B, as(j, v, l->in, l->n), oxj_i32(j, im->lane), "");
        LLVMValueRef st = LLVMBuildStore(B, x, ptr_to(j, addr, im, elem(j, l->in)));
        LLVMSetAlignment(st, 1);
        oxj_tbaa(j, st, OXJ_TBAA_MEMORY);
        return true;
    }
    return false;
}

/* ---- the entry points ---------------------------------------------------- */

static bool in_group(enum ox_opcode op, int group)
{
    switch (op) {
#define OX_G(name, ...) case OXO_##name: return group == 0;
    OX_V128_LANE_BINOPS(OX_G)
#undef OX_G
#define OX_G(name, ...) case OXO_##name: return group == 1;
    OX_V128_LANE_UNOPS(OX_G)
#undef OX_G
#define OX_G(name, ...) case OXO_##name: return group == 2;
    OX_V128_SHIFTS(OX_G)
#undef OX_G
#define OX_G(name, ...) case OXO_##name: return group == 3;
    OX_V128_BINOPS(OX_G)
#undef OX_G
#define OX_G(name, ...) case OXO_##name: return group == 4;
    OX_V128_UNOPS(OX_G)
#undef OX_G
#define OX_G(name, ...) case OXO_##name: return group == 5;
    OX_V128_TERNOPS(OX_G)
#undef OX_G
    default:
        return false;
    }
}

bool oxj_simd_known(enum ox_opcode op)
{
    switch (op) {
    /* not (yet) in IR: their functions stay interpreted */
    case OXO_I8X16_SWIZZLE: case OXO_I8X16_RELAXED_SWIZZLE: case OXO_I16X8_Q15MULR_SAT_S:
    case OXO_I16X8_RELAXED_Q15MULR_S: case OXO_I16X8_RELAXED_DOT_I8X16_I7X16_S:
    case OXO_I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S:
        return false;
    case OXO_V128_CONST: case OXO_I8X16_SHUFFLE:
        return true;
    default:
        break;
    }
#define OX_K(name, ...) case OXO_##name:
    switch (op) {
    OX_SIMD_ALL(OX_K)
        return true;
    default:
        return false;
    }
#undef OX_K
}

bool oxj_simd(oxj *j, const ox_opinfo *oi, const oxj_imm *im)
{
    enum ox_opcode op = (enum ox_opcode)oi->op;
    const lanes *l = &lane_info[op];
    if (op == OXO_V128_CONST) {
        uint64_t w[2];
        memcpy(w, im->bytes, 16);
        LLVMValueRef c[2] = {LLVMConstInt(j->jm->i64, w[0], 0), LLVMConstInt(j->jm->i64, w[1], 0)};
        oxj_push(j, LLVMConstVector(c, 2));
        return true;
    }
    if (op == OXO_I8X16_SHUFFLE) {
        LLVMValueRef b = oxj_pop(j), a = oxj_pop(j);
        unsigned idx[16];
        for (int k = 0; k < 16; k++)
            idx[k] = im->bytes[k];
        push(j, shuffle(j, as(j, a, F_u8, 16), as(j, b, F_u8, 16), idx, 16));
        return true;
    }
    if (oi->shape == OX_SHAPE_EXTRACT) {
        LLVMValueRef v = LLVMBuildExtractElement(B, as(j, oxj_pop(j), l->in, l->n),
                                                 oxj_i32(j, im->lane), "");
        LLVMTypeRef t = oxj_type(j->jm, oi->tr);
        if (LLVMTypeOf(v) != t) /* i8, i16 lanes to i32 */
            v = is_signed(l->in) ? LLVMBuildSExt(B, v, t, "") : LLVMBuildZExt(B, v, t, "");
        oxj_push(j, v);
        return true;
    }
    if (oi->shape == OX_SHAPE_REPLACE) {
        LLVMValueRef x = oxj_pop(j), v = oxj_pop(j);
        LLVMTypeRef e = elem(j, l->in);
        if (LLVMTypeOf(x) != e)
            x = LLVMBuildTrunc(B, x, e, "");
        push(j, LLVMBuildInsertElement(B, as(j, v, l->in, l->n), x, oxj_i32(j, im->lane), ""));
        return true;
    }
    if (oi->shape == OX_SHAPE_LOAD || oi->shape == OX_SHAPE_STORE || oi->shape == OX_SHAPE_LOAD_LANE ||
        oi->shape == OX_SHAPE_STORE_LANE)
        return memop(j, op, im);
    LLVMValueRef r = NULL;
    if (in_group(op, 0)) {
        LLVMValueRef y = oxj_pop(j), x = oxj_pop(j);
        r = lane_binop(j, op, l, x, y);
    } else if (in_group(op, 1)) {
        r = lane_unop(j, op, l, oxj_pop(j));
    } else if (in_group(op, 2)) {
        LLVMValueRef s = oxj_pop(j), x = oxj_pop(j);
        r = shift(j, op, l, x, s);
    } else if (in_group(op, 3)) {
        return binop(j, op);
    } else if (in_group(op, 4)) {
        return unop(j, op);
    } else if (in_group(op, 5)) {
        return ternop(j, op);
    }
    if (!r)
        return false;
    push(j, r);
    return true;
}
