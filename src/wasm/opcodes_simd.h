/*
 * opcodes_simd.h — the SIMD (0xFD-prefixed) lines of the instruction table
 * (internal; included by opcodes.h, whose comment says how the table is
 * read). Fixed-width SIMD of WebAssembly 2.0: 236 instructions on v128,
 * and the 20 of relaxed SIMD (3.0), each with one deterministic result.
 *
 * The semantics are written per lane where an instruction works lane by
 * lane: in the LANE groups, `a` and `b` are lane i of the operands read
 * through union field IN of ox_v128 (simd.h: i8, u8, i16, u16, i32, u32,
 * i64, u64, f32, f64), and the expression is lane i of the result, stored
 * through field OUT; N lanes. The interpreter makes a handler per line
 * with the loop over the lanes (interp_simd.h). The rest name a helper of
 * simd.h.
 */
#ifndef OX_OPCODES_SIMD_H
#define OX_OPCODES_SIMD_H

/* Integer comparisons: a lane of all ones when true. */
#define OXV_CMP(x) (-(int)(x))

/* Lane-wise binary: X(NAME, text, prefix, opcode, OUT, IN, N, expr). */
#define OX_V128_LANE_BINOPS(X) \
    X(I8X16_EQ, "i8x16.eq", 0xFD, 0x23, i8, u8, 16, OXV_CMP(a == b)) \
    X(I8X16_NE, "i8x16.ne", 0xFD, 0x24, i8, u8, 16, OXV_CMP(a != b)) \
    X(I8X16_LT_S, "i8x16.lt_s", 0xFD, 0x25, i8, i8, 16, OXV_CMP(a < b)) \
    X(I8X16_LT_U, "i8x16.lt_u", 0xFD, 0x26, i8, u8, 16, OXV_CMP(a < b)) \
    X(I8X16_GT_S, "i8x16.gt_s", 0xFD, 0x27, i8, i8, 16, OXV_CMP(a > b)) \
    X(I8X16_GT_U, "i8x16.gt_u", 0xFD, 0x28, i8, u8, 16, OXV_CMP(a > b)) \
    X(I8X16_LE_S, "i8x16.le_s", 0xFD, 0x29, i8, i8, 16, OXV_CMP(a <= b)) \
    X(I8X16_LE_U, "i8x16.le_u", 0xFD, 0x2A, i8, u8, 16, OXV_CMP(a <= b)) \
    X(I8X16_GE_S, "i8x16.ge_s", 0xFD, 0x2B, i8, i8, 16, OXV_CMP(a >= b)) \
    X(I8X16_GE_U, "i8x16.ge_u", 0xFD, 0x2C, i8, u8, 16, OXV_CMP(a >= b)) \
    X(I16X8_EQ, "i16x8.eq", 0xFD, 0x2D, i16, u16, 8, OXV_CMP(a == b)) \
    X(I16X8_NE, "i16x8.ne", 0xFD, 0x2E, i16, u16, 8, OXV_CMP(a != b)) \
    X(I16X8_LT_S, "i16x8.lt_s", 0xFD, 0x2F, i16, i16, 8, OXV_CMP(a < b)) \
    X(I16X8_LT_U, "i16x8.lt_u", 0xFD, 0x30, i16, u16, 8, OXV_CMP(a < b)) \
    X(I16X8_GT_S, "i16x8.gt_s", 0xFD, 0x31, i16, i16, 8, OXV_CMP(a > b)) \
    X(I16X8_GT_U, "i16x8.gt_u", 0xFD, 0x32, i16, u16, 8, OXV_CMP(a > b)) \
    X(I16X8_LE_S, "i16x8.le_s", 0xFD, 0x33, i16, i16, 8, OXV_CMP(a <= b)) \
    X(I16X8_LE_U, "i16x8.le_u", 0xFD, 0x34, i16, u16, 8, OXV_CMP(a <= b)) \
    X(I16X8_GE_S, "i16x8.ge_s", 0xFD, 0x35, i16, i16, 8, OXV_CMP(a >= b)) \
    X(I16X8_GE_U, "i16x8.ge_u", 0xFD, 0x36, i16, u16, 8, OXV_CMP(a >= b)) \
    X(I32X4_EQ, "i32x4.eq", 0xFD, 0x37, i32, u32, 4, OXV_CMP(a == b)) \
    X(I32X4_NE, "i32x4.ne", 0xFD, 0x38, i32, u32, 4, OXV_CMP(a != b)) \
    X(I32X4_LT_S, "i32x4.lt_s", 0xFD, 0x39, i32, i32, 4, OXV_CMP(a < b)) \
    X(I32X4_LT_U, "i32x4.lt_u", 0xFD, 0x3A, i32, u32, 4, OXV_CMP(a < b)) \
    X(I32X4_GT_S, "i32x4.gt_s", 0xFD, 0x3B, i32, i32, 4, OXV_CMP(a > b)) \
    X(I32X4_GT_U, "i32x4.gt_u", 0xFD, 0x3C, i32, u32, 4, OXV_CMP(a > b)) \
    X(I32X4_LE_S, "i32x4.le_s", 0xFD, 0x3D, i32, i32, 4, OXV_CMP(a <= b)) \
    X(I32X4_LE_U, "i32x4.le_u", 0xFD, 0x3E, i32, u32, 4, OXV_CMP(a <= b)) \
    X(I32X4_GE_S, "i32x4.ge_s", 0xFD, 0x3F, i32, i32, 4, OXV_CMP(a >= b)) \
    X(I32X4_GE_U, "i32x4.ge_u", 0xFD, 0x40, i32, u32, 4, OXV_CMP(a >= b)) \
    X(F32X4_EQ, "f32x4.eq", 0xFD, 0x41, i32, f32, 4, OXV_CMP(a == b)) \
    X(F32X4_NE, "f32x4.ne", 0xFD, 0x42, i32, f32, 4, OXV_CMP(a != b)) \
    X(F32X4_LT, "f32x4.lt", 0xFD, 0x43, i32, f32, 4, OXV_CMP(a < b)) \
    X(F32X4_GT, "f32x4.gt", 0xFD, 0x44, i32, f32, 4, OXV_CMP(a > b)) \
    X(F32X4_LE, "f32x4.le", 0xFD, 0x45, i32, f32, 4, OXV_CMP(a <= b)) \
    X(F32X4_GE, "f32x4.ge", 0xFD, 0x46, i32, f32, 4, OXV_CMP(a >= b)) \
    X(F64X2_EQ, "f64x2.eq", 0xFD, 0x47, i64, f64, 2, OXV_CMP(a == b)) \
    X(F64X2_NE, "f64x2.ne", 0xFD, 0x48, i64, f64, 2, OXV_CMP(a != b)) \
    X(F64X2_LT, "f64x2.lt", 0xFD, 0x49, i64, f64, 2, OXV_CMP(a < b)) \
    X(F64X2_GT, "f64x2.gt", 0xFD, 0x4A, i64, f64, 2, OXV_CMP(a > b)) \
    X(F64X2_LE, "f64x2.le", 0xFD, 0x4B, i64, f64, 2, OXV_CMP(a <= b)) \
    X(F64X2_GE, "f64x2.ge", 0xFD, 0x4C, i64, f64, 2, OXV_CMP(a >= b)) \
    X(V128_AND, "v128.and", 0xFD, 0x4E, u64, u64, 2, a & b) \
    X(V128_ANDNOT, "v128.andnot", 0xFD, 0x4F, u64, u64, 2, a & ~b) \
    X(V128_OR, "v128.or", 0xFD, 0x50, u64, u64, 2, a | b) \
    X(V128_XOR, "v128.xor", 0xFD, 0x51, u64, u64, 2, a ^ b) \
    X(I8X16_ADD, "i8x16.add", 0xFD, 0x6E, u8, u8, 16, a + b) \
    X(I8X16_ADD_SAT_S, "i8x16.add_sat_s", 0xFD, 0x6F, i8, i8, 16, oxv_sat(a + b, -128, 127)) \
    X(I8X16_ADD_SAT_U, "i8x16.add_sat_u", 0xFD, 0x70, u8, u8, 16, oxv_sat(a + b, 0, 255)) \
    X(I8X16_SUB, "i8x16.sub", 0xFD, 0x71, u8, u8, 16, a - b) \
    X(I8X16_SUB_SAT_S, "i8x16.sub_sat_s", 0xFD, 0x72, i8, i8, 16, oxv_sat(a - b, -128, 127)) \
    X(I8X16_SUB_SAT_U, "i8x16.sub_sat_u", 0xFD, 0x73, u8, u8, 16, oxv_sat(a - b, 0, 255)) \
    X(I8X16_MIN_S, "i8x16.min_s", 0xFD, 0x76, i8, i8, 16, a < b ? a : b) \
    X(I8X16_MIN_U, "i8x16.min_u", 0xFD, 0x77, u8, u8, 16, a < b ? a : b) \
    X(I8X16_MAX_S, "i8x16.max_s", 0xFD, 0x78, i8, i8, 16, a > b ? a : b) \
    X(I8X16_MAX_U, "i8x16.max_u", 0xFD, 0x79, u8, u8, 16, a > b ? a : b) \
    X(I8X16_AVGR_U, "i8x16.avgr_u", 0xFD, 0x7B, u8, u8, 16, (a + b + 1) >> 1) \
    X(I16X8_Q15MULR_SAT_S, "i16x8.q15mulr_sat_s", 0xFD, 0x82, i16, i16, 8, oxv_q15mulr(a, b)) \
    X(I16X8_ADD, "i16x8.add", 0xFD, 0x8E, u16, u16, 8, a + b) \
    X(I16X8_ADD_SAT_S, "i16x8.add_sat_s", 0xFD, 0x8F, i16, i16, 8, oxv_sat(a + b, -32768, 32767)) \
    X(I16X8_ADD_SAT_U, "i16x8.add_sat_u", 0xFD, 0x90, u16, u16, 8, oxv_sat(a + b, 0, 65535)) \
    X(I16X8_SUB, "i16x8.sub", 0xFD, 0x91, u16, u16, 8, a - b) \
    X(I16X8_SUB_SAT_S, "i16x8.sub_sat_s", 0xFD, 0x92, i16, i16, 8, oxv_sat(a - b, -32768, 32767)) \
    X(I16X8_SUB_SAT_U, "i16x8.sub_sat_u", 0xFD, 0x93, u16, u16, 8, oxv_sat(a - b, 0, 65535)) \
    X(I16X8_MUL, "i16x8.mul", 0xFD, 0x95, u16, u16, 8, (uint32_t)a * b) \
    X(I16X8_MIN_S, "i16x8.min_s", 0xFD, 0x96, i16, i16, 8, a < b ? a : b) \
    X(I16X8_MIN_U, "i16x8.min_u", 0xFD, 0x97, u16, u16, 8, a < b ? a : b) \
    X(I16X8_MAX_S, "i16x8.max_s", 0xFD, 0x98, i16, i16, 8, a > b ? a : b) \
    X(I16X8_MAX_U, "i16x8.max_u", 0xFD, 0x99, u16, u16, 8, a > b ? a : b) \
    X(I16X8_AVGR_U, "i16x8.avgr_u", 0xFD, 0x9B, u16, u16, 8, (a + b + 1) >> 1) \
    X(I32X4_ADD, "i32x4.add", 0xFD, 0xAE, u32, u32, 4, a + b) \
    X(I32X4_SUB, "i32x4.sub", 0xFD, 0xB1, u32, u32, 4, a - b) \
    X(I32X4_MUL, "i32x4.mul", 0xFD, 0xB5, u32, u32, 4, a * b) \
    X(I32X4_MIN_S, "i32x4.min_s", 0xFD, 0xB6, i32, i32, 4, a < b ? a : b) \
    X(I32X4_MIN_U, "i32x4.min_u", 0xFD, 0xB7, u32, u32, 4, a < b ? a : b) \
    X(I32X4_MAX_S, "i32x4.max_s", 0xFD, 0xB8, i32, i32, 4, a > b ? a : b) \
    X(I32X4_MAX_U, "i32x4.max_u", 0xFD, 0xB9, u32, u32, 4, a > b ? a : b) \
    X(I64X2_ADD, "i64x2.add", 0xFD, 0xCE, u64, u64, 2, a + b) \
    X(I64X2_SUB, "i64x2.sub", 0xFD, 0xD1, u64, u64, 2, a - b) \
    X(I64X2_MUL, "i64x2.mul", 0xFD, 0xD5, u64, u64, 2, a * b) \
    X(I64X2_EQ, "i64x2.eq", 0xFD, 0xD6, i64, u64, 2, -(int64_t)(a == b)) \
    X(I64X2_NE, "i64x2.ne", 0xFD, 0xD7, i64, u64, 2, -(int64_t)(a != b)) \
    X(I64X2_LT_S, "i64x2.lt_s", 0xFD, 0xD8, i64, i64, 2, -(int64_t)(a < b)) \
    X(I64X2_GT_S, "i64x2.gt_s", 0xFD, 0xD9, i64, i64, 2, -(int64_t)(a > b)) \
    X(I64X2_LE_S, "i64x2.le_s", 0xFD, 0xDA, i64, i64, 2, -(int64_t)(a <= b)) \
    X(I64X2_GE_S, "i64x2.ge_s", 0xFD, 0xDB, i64, i64, 2, -(int64_t)(a >= b)) \
    X(F32X4_ADD, "f32x4.add", 0xFD, 0xE4, f32, f32, 4, a + b) \
    X(F32X4_SUB, "f32x4.sub", 0xFD, 0xE5, f32, f32, 4, a - b) \
    X(F32X4_MUL, "f32x4.mul", 0xFD, 0xE6, f32, f32, 4, a * b) \
    X(F32X4_DIV, "f32x4.div", 0xFD, 0xE7, f32, f32, 4, a / b) \
    X(F32X4_MIN, "f32x4.min", 0xFD, 0xE8, f32, f32, 4, ox_f32_min(a, b)) \
    X(F32X4_MAX, "f32x4.max", 0xFD, 0xE9, f32, f32, 4, ox_f32_max(a, b)) \
    X(F32X4_PMIN, "f32x4.pmin", 0xFD, 0xEA, f32, f32, 4, b < a ? b : a) \
    X(F32X4_PMAX, "f32x4.pmax", 0xFD, 0xEB, f32, f32, 4, a < b ? b : a) \
    X(F64X2_ADD, "f64x2.add", 0xFD, 0xF0, f64, f64, 2, a + b) \
    X(F64X2_SUB, "f64x2.sub", 0xFD, 0xF1, f64, f64, 2, a - b) \
    X(F64X2_MUL, "f64x2.mul", 0xFD, 0xF2, f64, f64, 2, a * b) \
    X(F64X2_DIV, "f64x2.div", 0xFD, 0xF3, f64, f64, 2, a / b) \
    X(F64X2_MIN, "f64x2.min", 0xFD, 0xF4, f64, f64, 2, ox_f64_min(a, b)) \
    X(F64X2_MAX, "f64x2.max", 0xFD, 0xF5, f64, f64, 2, ox_f64_max(a, b)) \
    X(F64X2_PMIN, "f64x2.pmin", 0xFD, 0xF6, f64, f64, 2, b < a ? b : a) \
    X(F64X2_PMAX, "f64x2.pmax", 0xFD, 0xF7, f64, f64, 2, a < b ? b : a) \
    X(F32X4_RELAXED_MIN, "f32x4.relaxed_min", 0xFD, 0x10D, f32, f32, 4, ox_f32_min(a, b)) \
    X(F32X4_RELAXED_MAX, "f32x4.relaxed_max", 0xFD, 0x10E, f32, f32, 4, ox_f32_max(a, b)) \
    X(F64X2_RELAXED_MIN, "f64x2.relaxed_min", 0xFD, 0x10F, f64, f64, 2, ox_f64_min(a, b)) \
    X(F64X2_RELAXED_MAX, "f64x2.relaxed_max", 0xFD, 0x110, f64, f64, 2, ox_f64_max(a, b)) \
    X(I16X8_RELAXED_Q15MULR_S, "i16x8.relaxed_q15mulr_s", 0xFD, 0x111, i16, i16, 8, oxv_q15mulr(a, b))

/* Lane-wise unary: X(NAME, text, prefix, opcode, OUT, IN, N, expr). */
#define OX_V128_LANE_UNOPS(X) \
    X(V128_NOT, "v128.not", 0xFD, 0x4D, u64, u64, 2, ~a) \
    X(I8X16_ABS, "i8x16.abs", 0xFD, 0x60, u8, i8, 16, a < 0 ? -a : a) \
    X(I8X16_NEG, "i8x16.neg", 0xFD, 0x61, u8, u8, 16, -a) \
    X(I8X16_POPCNT, "i8x16.popcnt", 0xFD, 0x62, u8, u8, 16, ox_popcnt32(a)) \
    X(F32X4_CEIL, "f32x4.ceil", 0xFD, 0x67, f32, f32, 4, oxn_ceil32(a)) \
    X(F32X4_FLOOR, "f32x4.floor", 0xFD, 0x68, f32, f32, 4, oxn_floor32(a)) \
    X(F32X4_TRUNC, "f32x4.trunc", 0xFD, 0x69, f32, f32, 4, oxn_trunc32(a)) \
    X(F32X4_NEAREST, "f32x4.nearest", 0xFD, 0x6A, f32, f32, 4, oxn_nearest32(a)) \
    X(F64X2_CEIL, "f64x2.ceil", 0xFD, 0x74, f64, f64, 2, oxn_ceil64(a)) \
    X(F64X2_FLOOR, "f64x2.floor", 0xFD, 0x75, f64, f64, 2, oxn_floor64(a)) \
    X(F64X2_TRUNC, "f64x2.trunc", 0xFD, 0x7A, f64, f64, 2, oxn_trunc64(a)) \
    X(I16X8_ABS, "i16x8.abs", 0xFD, 0x80, u16, i16, 8, a < 0 ? -a : a) \
    X(I16X8_NEG, "i16x8.neg", 0xFD, 0x81, u16, u16, 8, -a) \
    X(F64X2_NEAREST, "f64x2.nearest", 0xFD, 0x94, f64, f64, 2, oxn_nearest64(a)) \
    X(I32X4_ABS, "i32x4.abs", 0xFD, 0xA0, u32, u32, 4, (a >> 31) ? 0u - a : a) \
    X(I32X4_NEG, "i32x4.neg", 0xFD, 0xA1, u32, u32, 4, 0u - a) \
    X(I64X2_ABS, "i64x2.abs", 0xFD, 0xC0, u64, u64, 2, (a >> 63) ? 0u - a : a) \
    X(I64X2_NEG, "i64x2.neg", 0xFD, 0xC1, u64, u64, 2, 0u - a) \
    X(F32X4_ABS, "f32x4.abs", 0xFD, 0xE0, f32, f32, 4, ox_f32_abs(a)) \
    X(F32X4_NEG, "f32x4.neg", 0xFD, 0xE1, f32, f32, 4, ox_f32_neg(a)) \
    X(F32X4_SQRT, "f32x4.sqrt", 0xFD, 0xE3, f32, f32, 4, sqrtf(a)) \
    X(F64X2_ABS, "f64x2.abs", 0xFD, 0xEC, f64, f64, 2, ox_f64_abs(a)) \
    X(F64X2_NEG, "f64x2.neg", 0xFD, 0xED, f64, f64, 2, ox_f64_neg(a)) \
    X(F64X2_SQRT, "f64x2.sqrt", 0xFD, 0xEF, f64, f64, 2, sqrt(a)) \
    X(I32X4_TRUNC_SAT_F32X4_S, "i32x4.trunc_sat_f32x4_s", 0xFD, 0xF8, i32, f32, 4, ox_trunc_sat_i32_f32_s(a)) \
    X(I32X4_TRUNC_SAT_F32X4_U, "i32x4.trunc_sat_f32x4_u", 0xFD, 0xF9, u32, f32, 4, ox_trunc_sat_i32_f32_u(a)) \
    X(F32X4_CONVERT_I32X4_S, "f32x4.convert_i32x4_s", 0xFD, 0xFA, f32, i32, 4, ox_f32_convert_i32_s(a)) \
    X(F32X4_CONVERT_I32X4_U, "f32x4.convert_i32x4_u", 0xFD, 0xFB, f32, u32, 4, ox_f32_convert_i32_u(a)) \
    X(I32X4_RELAXED_TRUNC_F32X4_S, "i32x4.relaxed_trunc_f32x4_s", 0xFD, 0x101, i32, f32, 4, ox_trunc_sat_i32_f32_s(a)) \
    X(I32X4_RELAXED_TRUNC_F32X4_U, "i32x4.relaxed_trunc_f32x4_u", 0xFD, 0x102, u32, f32, 4, ox_trunc_sat_i32_f32_u(a))

/* Shifts [v128 i32] -> v128, the count taken modulo the lane width:
   X(NAME, text, prefix, opcode, OUT, IN, N, expr of lane a and count s). */
#define OX_V128_SHIFTS(X) \
    X(I8X16_SHL, "i8x16.shl", 0xFD, 0x6B, u8, u8, 16, a << (s & 7)) \
    X(I8X16_SHR_S, "i8x16.shr_s", 0xFD, 0x6C, i8, i8, 16, OXV_SRA(a, s & 7)) \
    X(I8X16_SHR_U, "i8x16.shr_u", 0xFD, 0x6D, u8, u8, 16, a >> (s & 7)) \
    X(I16X8_SHL, "i16x8.shl", 0xFD, 0x8B, u16, u16, 8, a << (s & 15)) \
    X(I16X8_SHR_S, "i16x8.shr_s", 0xFD, 0x8C, i16, i16, 8, OXV_SRA(a, s & 15)) \
    X(I16X8_SHR_U, "i16x8.shr_u", 0xFD, 0x8D, u16, u16, 8, a >> (s & 15)) \
    X(I32X4_SHL, "i32x4.shl", 0xFD, 0xAB, u32, u32, 4, a << (s & 31)) \
    X(I32X4_SHR_S, "i32x4.shr_s", 0xFD, 0xAC, i32, i32, 4, OXV_SRA(a, s & 31)) \
    X(I32X4_SHR_U, "i32x4.shr_u", 0xFD, 0xAD, u32, u32, 4, a >> (s & 31)) \
    X(I64X2_SHL, "i64x2.shl", 0xFD, 0xCB, u64, u64, 2, a << (s & 63)) \
    X(I64X2_SHR_S, "i64x2.shr_s", 0xFD, 0xCC, i64, i64, 2, OXV_SRA(a, s & 63)) \
    X(I64X2_SHR_U, "i64x2.shr_u", 0xFD, 0xCD, u64, u64, 2, a >> (s & 63))

/* Other [v128 v128] -> v128: X(NAME, text, prefix, opcode, helper). */
#define OX_V128_BINOPS(X) \
    X(I8X16_SWIZZLE, "i8x16.swizzle", 0xFD, 0x0E, oxv_swizzle) \
    X(I8X16_NARROW_I16X8_S, "i8x16.narrow_i16x8_s", 0xFD, 0x65, oxv_narrow8_s) \
    X(I8X16_NARROW_I16X8_U, "i8x16.narrow_i16x8_u", 0xFD, 0x66, oxv_narrow8_u) \
    X(I16X8_NARROW_I32X4_S, "i16x8.narrow_i32x4_s", 0xFD, 0x85, oxv_narrow16_s) \
    X(I16X8_NARROW_I32X4_U, "i16x8.narrow_i32x4_u", 0xFD, 0x86, oxv_narrow16_u) \
    X(I16X8_EXTMUL_LOW_I8X16_S, "i16x8.extmul_low_i8x16_s", 0xFD, 0x9C, oxv_extmul16_low_s) \
    X(I16X8_EXTMUL_HIGH_I8X16_S, "i16x8.extmul_high_i8x16_s", 0xFD, 0x9D, oxv_extmul16_high_s) \
    X(I16X8_EXTMUL_LOW_I8X16_U, "i16x8.extmul_low_i8x16_u", 0xFD, 0x9E, oxv_extmul16_low_u) \
    X(I16X8_EXTMUL_HIGH_I8X16_U, "i16x8.extmul_high_i8x16_u", 0xFD, 0x9F, oxv_extmul16_high_u) \
    X(I32X4_DOT_I16X8_S, "i32x4.dot_i16x8_s", 0xFD, 0xBA, oxv_dot) \
    X(I32X4_EXTMUL_LOW_I16X8_S, "i32x4.extmul_low_i16x8_s", 0xFD, 0xBC, oxv_extmul32_low_s) \
    X(I32X4_EXTMUL_HIGH_I16X8_S, "i32x4.extmul_high_i16x8_s", 0xFD, 0xBD, oxv_extmul32_high_s) \
    X(I32X4_EXTMUL_LOW_I16X8_U, "i32x4.extmul_low_i16x8_u", 0xFD, 0xBE, oxv_extmul32_low_u) \
    X(I32X4_EXTMUL_HIGH_I16X8_U, "i32x4.extmul_high_i16x8_u", 0xFD, 0xBF, oxv_extmul32_high_u) \
    X(I64X2_EXTMUL_LOW_I32X4_S, "i64x2.extmul_low_i32x4_s", 0xFD, 0xDC, oxv_extmul64_low_s) \
    X(I64X2_EXTMUL_HIGH_I32X4_S, "i64x2.extmul_high_i32x4_s", 0xFD, 0xDD, oxv_extmul64_high_s) \
    X(I64X2_EXTMUL_LOW_I32X4_U, "i64x2.extmul_low_i32x4_u", 0xFD, 0xDE, oxv_extmul64_low_u) \
    X(I64X2_EXTMUL_HIGH_I32X4_U, "i64x2.extmul_high_i32x4_u", 0xFD, 0xDF, oxv_extmul64_high_u) \
    X(I8X16_RELAXED_SWIZZLE, "i8x16.relaxed_swizzle", 0xFD, 0x100, oxv_swizzle) \
    X(I16X8_RELAXED_DOT_I8X16_I7X16_S, "i16x8.relaxed_dot_i8x16_i7x16_s", 0xFD, 0x112, oxv_relaxed_dot16)

/* Other unary: X(NAME, text, prefix, opcode, operand type, result type,
   helper) — splats from a scalar, tests to an i32, and v128 -> v128. */
#define OX_V128_UNOPS(X) \
    X(I8X16_SPLAT, "i8x16.splat", 0xFD, 0x0F, I32, V128, oxv_splat8) \
    X(I16X8_SPLAT, "i16x8.splat", 0xFD, 0x10, I32, V128, oxv_splat16) \
    X(I32X4_SPLAT, "i32x4.splat", 0xFD, 0x11, I32, V128, oxv_splat32) \
    X(I64X2_SPLAT, "i64x2.splat", 0xFD, 0x12, I64, V128, oxv_splat64) \
    X(F32X4_SPLAT, "f32x4.splat", 0xFD, 0x13, F32, V128, oxv_splat32) \
    X(F64X2_SPLAT, "f64x2.splat", 0xFD, 0x14, F64, V128, oxv_splat64) \
    X(V128_ANY_TRUE, "v128.any_true", 0xFD, 0x53, V128, I32, oxv_any_true) \
    X(F32X4_DEMOTE_F64X2_ZERO, "f32x4.demote_f64x2_zero", 0xFD, 0x5E, V128, V128, oxv_demote) \
    X(F64X2_PROMOTE_LOW_F32X4, "f64x2.promote_low_f32x4", 0xFD, 0x5F, V128, V128, oxv_promote) \
    X(I8X16_ALL_TRUE, "i8x16.all_true", 0xFD, 0x63, V128, I32, oxv_all_true8) \
    X(I8X16_BITMASK, "i8x16.bitmask", 0xFD, 0x64, V128, I32, oxv_bitmask8) \
    X(I16X8_EXTADD_PAIRWISE_I8X16_S, "i16x8.extadd_pairwise_i8x16_s", 0xFD, 0x7C, V128, V128, oxv_extadd16_s) \
    X(I16X8_EXTADD_PAIRWISE_I8X16_U, "i16x8.extadd_pairwise_i8x16_u", 0xFD, 0x7D, V128, V128, oxv_extadd16_u) \
    X(I32X4_EXTADD_PAIRWISE_I16X8_S, "i32x4.extadd_pairwise_i16x8_s", 0xFD, 0x7E, V128, V128, oxv_extadd32_s) \
    X(I32X4_EXTADD_PAIRWISE_I16X8_U, "i32x4.extadd_pairwise_i16x8_u", 0xFD, 0x7F, V128, V128, oxv_extadd32_u) \
    X(I16X8_ALL_TRUE, "i16x8.all_true", 0xFD, 0x83, V128, I32, oxv_all_true16) \
    X(I16X8_BITMASK, "i16x8.bitmask", 0xFD, 0x84, V128, I32, oxv_bitmask16) \
    X(I16X8_EXTEND_LOW_I8X16_S, "i16x8.extend_low_i8x16_s", 0xFD, 0x87, V128, V128, oxv_ext16_low_s) \
    X(I16X8_EXTEND_HIGH_I8X16_S, "i16x8.extend_high_i8x16_s", 0xFD, 0x88, V128, V128, oxv_ext16_high_s) \
    X(I16X8_EXTEND_LOW_I8X16_U, "i16x8.extend_low_i8x16_u", 0xFD, 0x89, V128, V128, oxv_ext16_low_u) \
    X(I16X8_EXTEND_HIGH_I8X16_U, "i16x8.extend_high_i8x16_u", 0xFD, 0x8A, V128, V128, oxv_ext16_high_u) \
    X(I32X4_ALL_TRUE, "i32x4.all_true", 0xFD, 0xA3, V128, I32, oxv_all_true32) \
    X(I32X4_BITMASK, "i32x4.bitmask", 0xFD, 0xA4, V128, I32, oxv_bitmask32) \
    X(I32X4_EXTEND_LOW_I16X8_S, "i32x4.extend_low_i16x8_s", 0xFD, 0xA7, V128, V128, oxv_ext32_low_s) \
    X(I32X4_EXTEND_HIGH_I16X8_S, "i32x4.extend_high_i16x8_s", 0xFD, 0xA8, V128, V128, oxv_ext32_high_s) \
    X(I32X4_EXTEND_LOW_I16X8_U, "i32x4.extend_low_i16x8_u", 0xFD, 0xA9, V128, V128, oxv_ext32_low_u) \
    X(I32X4_EXTEND_HIGH_I16X8_U, "i32x4.extend_high_i16x8_u", 0xFD, 0xAA, V128, V128, oxv_ext32_high_u) \
    X(I64X2_ALL_TRUE, "i64x2.all_true", 0xFD, 0xC3, V128, I32, oxv_all_true64) \
    X(I64X2_BITMASK, "i64x2.bitmask", 0xFD, 0xC4, V128, I32, oxv_bitmask64) \
    X(I64X2_EXTEND_LOW_I32X4_S, "i64x2.extend_low_i32x4_s", 0xFD, 0xC7, V128, V128, oxv_ext64_low_s) \
    X(I64X2_EXTEND_HIGH_I32X4_S, "i64x2.extend_high_i32x4_s", 0xFD, 0xC8, V128, V128, oxv_ext64_high_s) \
    X(I64X2_EXTEND_LOW_I32X4_U, "i64x2.extend_low_i32x4_u", 0xFD, 0xC9, V128, V128, oxv_ext64_low_u) \
    X(I64X2_EXTEND_HIGH_I32X4_U, "i64x2.extend_high_i32x4_u", 0xFD, 0xCA, V128, V128, oxv_ext64_high_u) \
    X(I32X4_TRUNC_SAT_F64X2_S_ZERO, "i32x4.trunc_sat_f64x2_s_zero", 0xFD, 0xFC, V128, V128, oxv_trunc_sat_zero_s) \
    X(I32X4_TRUNC_SAT_F64X2_U_ZERO, "i32x4.trunc_sat_f64x2_u_zero", 0xFD, 0xFD, V128, V128, oxv_trunc_sat_zero_u) \
    X(F64X2_CONVERT_LOW_I32X4_S, "f64x2.convert_low_i32x4_s", 0xFD, 0xFE, V128, V128, oxv_convert_low_s) \
    X(F64X2_CONVERT_LOW_I32X4_U, "f64x2.convert_low_i32x4_u", 0xFD, 0xFF, V128, V128, oxv_convert_low_u) \
    X(I32X4_RELAXED_TRUNC_F64X2_S_ZERO, "i32x4.relaxed_trunc_f64x2_s_zero", 0xFD, 0x103, V128, V128, oxv_trunc_sat_zero_s) \
    X(I32X4_RELAXED_TRUNC_F64X2_U_ZERO, "i32x4.relaxed_trunc_f64x2_u_zero", 0xFD, 0x104, V128, V128, oxv_trunc_sat_zero_u)

/* [v128 v128 v128] -> v128: X(NAME, text, prefix, opcode, helper). */
#define OX_V128_TERNOPS(X) \
    X(V128_BITSELECT, "v128.bitselect", 0xFD, 0x52, oxv_bitselect) \
    X(F32X4_RELAXED_MADD, "f32x4.relaxed_madd", 0xFD, 0x105, oxv_madd32) \
    X(F32X4_RELAXED_NMADD, "f32x4.relaxed_nmadd", 0xFD, 0x106, oxv_nmadd32) \
    X(F64X2_RELAXED_MADD, "f64x2.relaxed_madd", 0xFD, 0x107, oxv_madd64) \
    X(F64X2_RELAXED_NMADD, "f64x2.relaxed_nmadd", 0xFD, 0x108, oxv_nmadd64) \
    X(I8X16_RELAXED_LANESELECT, "i8x16.relaxed_laneselect", 0xFD, 0x109, oxv_bitselect) \
    X(I16X8_RELAXED_LANESELECT, "i16x8.relaxed_laneselect", 0xFD, 0x10A, oxv_bitselect) \
    X(I32X4_RELAXED_LANESELECT, "i32x4.relaxed_laneselect", 0xFD, 0x10B, oxv_bitselect) \
    X(I64X2_RELAXED_LANESELECT, "i64x2.relaxed_laneselect", 0xFD, 0x10C, oxv_bitselect) \
    X(I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S, "i32x4.relaxed_dot_i8x16_i7x16_add_s", 0xFD, 0x113, oxv_relaxed_dot32_add)

/* Lane access (immediate: a lane index below N): extract [v128] -> t,
   X(NAME, text, prefix, opcode, t, FIELD, N, conversion of lane v to t's
   slot C type); replace [v128 t] -> v128, X(NAME, text, prefix, opcode,
   t, FIELD, N). */
#define OX_V128_EXTRACT(X) \
    X(I8X16_EXTRACT_LANE_S, "i8x16.extract_lane_s", 0xFD, 0x15, I32, i8, 16, (uint32_t)(int32_t)v) \
    X(I8X16_EXTRACT_LANE_U, "i8x16.extract_lane_u", 0xFD, 0x16, I32, u8, 16, v) \
    X(I16X8_EXTRACT_LANE_S, "i16x8.extract_lane_s", 0xFD, 0x18, I32, i16, 8, (uint32_t)(int32_t)v) \
    X(I16X8_EXTRACT_LANE_U, "i16x8.extract_lane_u", 0xFD, 0x19, I32, u16, 8, v) \
    X(I32X4_EXTRACT_LANE, "i32x4.extract_lane", 0xFD, 0x1B, I32, u32, 4, v) \
    X(I64X2_EXTRACT_LANE, "i64x2.extract_lane", 0xFD, 0x1D, I64, u64, 2, v) \
    X(F32X4_EXTRACT_LANE, "f32x4.extract_lane", 0xFD, 0x1F, F32, f32, 4, v) \
    X(F64X2_EXTRACT_LANE, "f64x2.extract_lane", 0xFD, 0x21, F64, f64, 2, v)
#define OX_V128_REPLACE(X) \
    X(I8X16_REPLACE_LANE, "i8x16.replace_lane", 0xFD, 0x17, I32, u8, 16) \
    X(I16X8_REPLACE_LANE, "i16x8.replace_lane", 0xFD, 0x1A, I32, u16, 8) \
    X(I32X4_REPLACE_LANE, "i32x4.replace_lane", 0xFD, 0x1C, I32, u32, 4) \
    X(I64X2_REPLACE_LANE, "i64x2.replace_lane", 0xFD, 0x1E, I64, u64, 2) \
    X(F32X4_REPLACE_LANE, "f32x4.replace_lane", 0xFD, 0x20, F32, f32, 4) \
    X(F64X2_REPLACE_LANE, "f64x2.replace_lane", 0xFD, 0x22, F64, f64, 2)

/* Loads [i32] -> v128 (memarg): X(NAME, text, prefix, opcode, natural
   alignment (log2), bytes read, helper making the v128 from them). */
#define OX_V128_LOAD_OPS(X) \
    X(V128_LOAD, "v128.load", 0xFD, 0x00, 4, 16, oxv_load) \
    X(V128_LOAD8X8_S, "v128.load8x8_s", 0xFD, 0x01, 3, 8, oxv_load8x8_s) \
    X(V128_LOAD8X8_U, "v128.load8x8_u", 0xFD, 0x02, 3, 8, oxv_load8x8_u) \
    X(V128_LOAD16X4_S, "v128.load16x4_s", 0xFD, 0x03, 3, 8, oxv_load16x4_s) \
    X(V128_LOAD16X4_U, "v128.load16x4_u", 0xFD, 0x04, 3, 8, oxv_load16x4_u) \
    X(V128_LOAD32X2_S, "v128.load32x2_s", 0xFD, 0x05, 3, 8, oxv_load32x2_s) \
    X(V128_LOAD32X2_U, "v128.load32x2_u", 0xFD, 0x06, 3, 8, oxv_load32x2_u) \
    X(V128_LOAD8_SPLAT, "v128.load8_splat", 0xFD, 0x07, 0, 1, oxv_load8_splat) \
    X(V128_LOAD16_SPLAT, "v128.load16_splat", 0xFD, 0x08, 1, 2, oxv_load16_splat) \
    X(V128_LOAD32_SPLAT, "v128.load32_splat", 0xFD, 0x09, 2, 4, oxv_load32_splat) \
    X(V128_LOAD64_SPLAT, "v128.load64_splat", 0xFD, 0x0A, 3, 8, oxv_load64_splat) \
    X(V128_LOAD32_ZERO, "v128.load32_zero", 0xFD, 0x5C, 2, 4, oxv_load32_zero) \
    X(V128_LOAD64_ZERO, "v128.load64_zero", 0xFD, 0x5D, 3, 8, oxv_load64_zero)

/* v128.store [i32 v128] -> []: X(NAME, text, prefix, opcode, alignment). */
#define OX_V128_STORE_OPS(X) \
    X(V128_STORE, "v128.store", 0xFD, 0x0B, 4)

/* One lane from or to memory (memarg, then a lane index): loads [i32
   v128] -> v128, stores [i32 v128] -> []. X(NAME, text, prefix, opcode,
   natural alignment (log2), FIELD, N). */
#define OX_V128_LANE_LOADS(X) \
    X(V128_LOAD8_LANE, "v128.load8_lane", 0xFD, 0x54, 0, u8, 16) \
    X(V128_LOAD16_LANE, "v128.load16_lane", 0xFD, 0x55, 1, u16, 8) \
    X(V128_LOAD32_LANE, "v128.load32_lane", 0xFD, 0x56, 2, u32, 4) \
    X(V128_LOAD64_LANE, "v128.load64_lane", 0xFD, 0x57, 3, u64, 2)
#define OX_V128_LANE_STORES(X) \
    X(V128_STORE8_LANE, "v128.store8_lane", 0xFD, 0x58, 0, u8, 16) \
    X(V128_STORE16_LANE, "v128.store16_lane", 0xFD, 0x59, 1, u16, 8) \
    X(V128_STORE32_LANE, "v128.store32_lane", 0xFD, 0x5A, 2, u32, 4) \
    X(V128_STORE64_LANE, "v128.store64_lane", 0xFD, 0x5B, 3, u64, 2)

/* Every SIMD group, in order, each line as X(NAME, text, prefix, opcode,
   ...) — for lists that need only the first four columns. */
#define OX_SIMD_ALL(X) \
    OX_V128_LANE_BINOPS(X) OX_V128_LANE_UNOPS(X) OX_V128_SHIFTS(X) OX_V128_BINOPS(X) \
    OX_V128_UNOPS(X) OX_V128_TERNOPS(X) OX_V128_EXTRACT(X) OX_V128_REPLACE(X) \
    OX_V128_LOAD_OPS(X) OX_V128_STORE_OPS(X) OX_V128_LANE_LOADS(X) OX_V128_LANE_STORES(X)

#endif
