/*
 * ops.h — X-macro lists of the WebAssembly 2.0 numeric and memory
 * instructions (internal).
 *
 * One list per instruction shape, so the validator (compile.c) gets each
 * opcode's operand/result types and the interpreter (interp.c) gets each
 * handler body from the same line: the two cannot drift apart.
 *
 * Types are written I32/I64/F32/F64; interp.c maps them to slot fields
 * (uint32_t, uint64_t, float, double). In expressions, `a` and `b` are the
 * operands read from their slots with those C types. Integer values are kept
 * unsigned so wrap-around is defined; signed operations cast explicitly.
 * Helpers named ox_* come from numeric.h (exact IEEE-754 and integer
 * semantics), the few named oxn_* from code_num.h.
 */
#ifndef OX_OPS_H
#define OX_OPS_H

/* Binary operators that cannot trap: X(NAME, opcode, operand type, result type, expr). */
#define OX_BINOPS(X) \
    X(I32_EQ, 0x46, I32, I32, a == b) \
    X(I32_NE, 0x47, I32, I32, a != b) \
    X(I32_LT_S, 0x48, I32, I32, (int32_t)a < (int32_t)b) \
    X(I32_LT_U, 0x49, I32, I32, a < b) \
    X(I32_GT_S, 0x4A, I32, I32, (int32_t)a > (int32_t)b) \
    X(I32_GT_U, 0x4B, I32, I32, a > b) \
    X(I32_LE_S, 0x4C, I32, I32, (int32_t)a <= (int32_t)b) \
    X(I32_LE_U, 0x4D, I32, I32, a <= b) \
    X(I32_GE_S, 0x4E, I32, I32, (int32_t)a >= (int32_t)b) \
    X(I32_GE_U, 0x4F, I32, I32, a >= b) \
    X(I64_EQ, 0x51, I64, I32, a == b) \
    X(I64_NE, 0x52, I64, I32, a != b) \
    X(I64_LT_S, 0x53, I64, I32, (int64_t)a < (int64_t)b) \
    X(I64_LT_U, 0x54, I64, I32, a < b) \
    X(I64_GT_S, 0x55, I64, I32, (int64_t)a > (int64_t)b) \
    X(I64_GT_U, 0x56, I64, I32, a > b) \
    X(I64_LE_S, 0x57, I64, I32, (int64_t)a <= (int64_t)b) \
    X(I64_LE_U, 0x58, I64, I32, a <= b) \
    X(I64_GE_S, 0x59, I64, I32, (int64_t)a >= (int64_t)b) \
    X(I64_GE_U, 0x5A, I64, I32, a >= b) \
    X(F32_EQ, 0x5B, F32, I32, a == b) \
    X(F32_NE, 0x5C, F32, I32, a != b) \
    X(F32_LT, 0x5D, F32, I32, a < b) \
    X(F32_GT, 0x5E, F32, I32, a > b) \
    X(F32_LE, 0x5F, F32, I32, a <= b) \
    X(F32_GE, 0x60, F32, I32, a >= b) \
    X(F64_EQ, 0x61, F64, I32, a == b) \
    X(F64_NE, 0x62, F64, I32, a != b) \
    X(F64_LT, 0x63, F64, I32, a < b) \
    X(F64_GT, 0x64, F64, I32, a > b) \
    X(F64_LE, 0x65, F64, I32, a <= b) \
    X(F64_GE, 0x66, F64, I32, a >= b) \
    X(I32_ADD, 0x6A, I32, I32, a + b) \
    X(I32_SUB, 0x6B, I32, I32, a - b) \
    X(I32_MUL, 0x6C, I32, I32, a * b) \
    X(I32_AND, 0x71, I32, I32, a & b) \
    X(I32_OR, 0x72, I32, I32, a | b) \
    X(I32_XOR, 0x73, I32, I32, a ^ b) \
    X(I32_SHL, 0x74, I32, I32, a << (b & 31)) \
    X(I32_SHR_S, 0x75, I32, I32, oxn_shr_s32(a, b)) \
    X(I32_SHR_U, 0x76, I32, I32, a >> (b & 31)) \
    X(I32_ROTL, 0x77, I32, I32, ox_rotl32(a, b)) \
    X(I32_ROTR, 0x78, I32, I32, ox_rotr32(a, b)) \
    X(I64_ADD, 0x7C, I64, I64, a + b) \
    X(I64_SUB, 0x7D, I64, I64, a - b) \
    X(I64_MUL, 0x7E, I64, I64, a * b) \
    X(I64_AND, 0x83, I64, I64, a & b) \
    X(I64_OR, 0x84, I64, I64, a | b) \
    X(I64_XOR, 0x85, I64, I64, a ^ b) \
    X(I64_SHL, 0x86, I64, I64, a << (b & 63)) \
    X(I64_SHR_S, 0x87, I64, I64, oxn_shr_s64(a, b)) \
    X(I64_SHR_U, 0x88, I64, I64, a >> (b & 63)) \
    X(I64_ROTL, 0x89, I64, I64, ox_rotl64(a, b)) \
    X(I64_ROTR, 0x8A, I64, I64, ox_rotr64(a, b)) \
    X(F32_ADD, 0x92, F32, F32, a + b) \
    X(F32_SUB, 0x93, F32, F32, a - b) \
    X(F32_MUL, 0x94, F32, F32, a * b) \
    X(F32_DIV, 0x95, F32, F32, a / b) \
    X(F32_MIN, 0x96, F32, F32, ox_f32_min(a, b)) \
    X(F32_MAX, 0x97, F32, F32, ox_f32_max(a, b)) \
    X(F32_COPYSIGN, 0x98, F32, F32, ox_f32_copysign(a, b)) \
    X(F64_ADD, 0xA0, F64, F64, a + b) \
    X(F64_SUB, 0xA1, F64, F64, a - b) \
    X(F64_MUL, 0xA2, F64, F64, a * b) \
    X(F64_DIV, 0xA3, F64, F64, a / b) \
    X(F64_MIN, 0xA4, F64, F64, ox_f64_min(a, b)) \
    X(F64_MAX, 0xA5, F64, F64, ox_f64_max(a, b)) \
    X(F64_COPYSIGN, 0xA6, F64, F64, ox_f64_copysign(a, b))

/* Binary operators that trap (division): handlers are written out in
   interp.c. X(NAME, opcode, operand type, result type). */
#define OX_TRAP_BINOPS(X) \
    X(I32_DIV_S, 0x6D, I32, I32) \
    X(I32_DIV_U, 0x6E, I32, I32) \
    X(I32_REM_S, 0x6F, I32, I32) \
    X(I32_REM_U, 0x70, I32, I32) \
    X(I64_DIV_S, 0x7F, I64, I64) \
    X(I64_DIV_U, 0x80, I64, I64) \
    X(I64_REM_S, 0x81, I64, I64) \
    X(I64_REM_U, 0x82, I64, I64)

/* Unary operators that cannot trap: X(NAME, opcode, operand type, result type, expr). */
#define OX_UNOPS(X) \
    X(I32_EQZ, 0x45, I32, I32, a == 0) \
    X(I64_EQZ, 0x50, I64, I32, a == 0) \
    X(I32_CLZ, 0x67, I32, I32, ox_clz32(a)) \
    X(I32_CTZ, 0x68, I32, I32, ox_ctz32(a)) \
    X(I32_POPCNT, 0x69, I32, I32, ox_popcnt32(a)) \
    X(I64_CLZ, 0x79, I64, I64, ox_clz64(a)) \
    X(I64_CTZ, 0x7A, I64, I64, ox_ctz64(a)) \
    X(I64_POPCNT, 0x7B, I64, I64, ox_popcnt64(a)) \
    X(F32_ABS, 0x8B, F32, F32, ox_f32_abs(a)) \
    X(F32_NEG, 0x8C, F32, F32, ox_f32_neg(a)) \
    X(F32_CEIL, 0x8D, F32, F32, oxn_ceil32(a)) \
    X(F32_FLOOR, 0x8E, F32, F32, oxn_floor32(a)) \
    X(F32_TRUNC, 0x8F, F32, F32, oxn_trunc32(a)) \
    X(F32_NEAREST, 0x90, F32, F32, oxn_nearest32(a)) \
    X(F32_SQRT, 0x91, F32, F32, sqrtf(a)) \
    X(F64_ABS, 0x99, F64, F64, ox_f64_abs(a)) \
    X(F64_NEG, 0x9A, F64, F64, ox_f64_neg(a)) \
    X(F64_CEIL, 0x9B, F64, F64, oxn_ceil64(a)) \
    X(F64_FLOOR, 0x9C, F64, F64, oxn_floor64(a)) \
    X(F64_TRUNC, 0x9D, F64, F64, oxn_trunc64(a)) \
    X(F64_NEAREST, 0x9E, F64, F64, oxn_nearest64(a)) \
    X(F64_SQRT, 0x9F, F64, F64, sqrt(a)) \
    X(I32_WRAP_I64, 0xA7, I64, I32, (uint32_t)a) \
    X(F32_CONVERT_I32_S, 0xB2, I32, F32, ox_f32_convert_i32_s((int32_t)a)) \
    X(F32_CONVERT_I32_U, 0xB3, I32, F32, ox_f32_convert_i32_u(a)) \
    X(F32_CONVERT_I64_S, 0xB4, I64, F32, ox_f32_convert_i64_s((int64_t)a)) \
    X(F32_CONVERT_I64_U, 0xB5, I64, F32, ox_f32_convert_i64_u(a)) \
    X(F32_DEMOTE_F64, 0xB6, F64, F32, (float)a) \
    X(F64_CONVERT_I32_S, 0xB7, I32, F64, ox_f64_convert_i32_s((int32_t)a)) \
    X(F64_CONVERT_I32_U, 0xB8, I32, F64, ox_f64_convert_i32_u(a)) \
    X(F64_CONVERT_I64_S, 0xB9, I64, F64, ox_f64_convert_i64_s((int64_t)a)) \
    X(F64_CONVERT_I64_U, 0xBA, I64, F64, ox_f64_convert_i64_u(a)) \
    X(F64_PROMOTE_F32, 0xBB, F32, F64, (double)a) \
    X(I32_REINTERPRET_F32, 0xBC, F32, I32, ox_f32_bits(a)) \
    X(I64_REINTERPRET_F64, 0xBD, F64, I64, ox_f64_bits(a)) \
    X(F32_REINTERPRET_I32, 0xBE, I32, F32, ox_f32_from_bits(a)) \
    X(F64_REINTERPRET_I64, 0xBF, I64, F64, ox_f64_from_bits(a)) \
    X(I64_EXTEND_I32_S, 0xAC, I32, I64, (uint64_t)(int64_t)(int32_t)a) \
    X(I64_EXTEND_I32_U, 0xAD, I32, I64, (uint64_t)a) \
    X(I32_EXTEND8_S, 0xC0, I32, I32, (uint32_t)(int32_t)(int8_t)(uint8_t)a) \
    X(I32_EXTEND16_S, 0xC1, I32, I32, (uint32_t)(int32_t)(int16_t)(uint16_t)a) \
    X(I64_EXTEND8_S, 0xC2, I64, I64, (uint64_t)(int64_t)(int8_t)(uint8_t)a) \
    X(I64_EXTEND16_S, 0xC3, I64, I64, (uint64_t)(int64_t)(int16_t)(uint16_t)a) \
    X(I64_EXTEND32_S, 0xC4, I64, I64, (uint64_t)(int64_t)(int32_t)(uint32_t)a)

/* Trapping float→int truncations (0xA8..0xB1): X(NAME, opcode, from, to,
   numeric.h helper, the helper's result C type). The helper returns
   OX_TRAP_NONE or the trap kind and stores the result. */
#define OX_TRUNC_OPS(X) \
    X(I32_TRUNC_F32_S, 0xA8, F32, I32, ox_trunc_i32_f32_s, int32_t) \
    X(I32_TRUNC_F32_U, 0xA9, F32, I32, ox_trunc_i32_f32_u, uint32_t) \
    X(I32_TRUNC_F64_S, 0xAA, F64, I32, ox_trunc_i32_f64_s, int32_t) \
    X(I32_TRUNC_F64_U, 0xAB, F64, I32, ox_trunc_i32_f64_u, uint32_t) \
    X(I64_TRUNC_F32_S, 0xAE, F32, I64, ox_trunc_i64_f32_s, int64_t) \
    X(I64_TRUNC_F32_U, 0xAF, F32, I64, ox_trunc_i64_f32_u, uint64_t) \
    X(I64_TRUNC_F64_S, 0xB0, F64, I64, ox_trunc_i64_f64_s, int64_t) \
    X(I64_TRUNC_F64_U, 0xB1, F64, I64, ox_trunc_i64_f64_u, uint64_t)

/* Saturating truncations, 0xFC-prefixed: X(NAME, subopcode, from, to, expr). */
#define OX_SAT_OPS(X) \
    X(I32_TRUNC_SAT_F32_S, 0, F32, I32, (uint32_t)ox_trunc_sat_i32_f32_s(a)) \
    X(I32_TRUNC_SAT_F32_U, 1, F32, I32, ox_trunc_sat_i32_f32_u(a)) \
    X(I32_TRUNC_SAT_F64_S, 2, F64, I32, (uint32_t)ox_trunc_sat_i32_f64_s(a)) \
    X(I32_TRUNC_SAT_F64_U, 3, F64, I32, ox_trunc_sat_i32_f64_u(a)) \
    X(I64_TRUNC_SAT_F32_S, 4, F32, I64, (uint64_t)ox_trunc_sat_i64_f32_s(a)) \
    X(I64_TRUNC_SAT_F32_U, 5, F32, I64, ox_trunc_sat_i64_f32_u(a)) \
    X(I64_TRUNC_SAT_F64_S, 6, F64, I64, (uint64_t)ox_trunc_sat_i64_f64_s(a)) \
    X(I64_TRUNC_SAT_F64_U, 7, F64, I64, ox_trunc_sat_i64_f64_u(a))

/* Loads: X(NAME, opcode, result type, natural alignment (log2), memory C
   type, conversion of the loaded value `v` to the slot's C type). */
#define OX_LOAD_OPS(X) \
    X(I32_LOAD, 0x28, I32, 2, uint32_t, v) \
    X(I64_LOAD, 0x29, I64, 3, uint64_t, v) \
    X(F32_LOAD, 0x2A, F32, 2, float, v) \
    X(F64_LOAD, 0x2B, F64, 3, double, v) \
    X(I32_LOAD8_S, 0x2C, I32, 0, int8_t, (uint32_t)(int32_t)v) \
    X(I32_LOAD8_U, 0x2D, I32, 0, uint8_t, (uint32_t)v) \
    X(I32_LOAD16_S, 0x2E, I32, 1, int16_t, (uint32_t)(int32_t)v) \
    X(I32_LOAD16_U, 0x2F, I32, 1, uint16_t, (uint32_t)v) \
    X(I64_LOAD8_S, 0x30, I64, 0, int8_t, (uint64_t)(int64_t)v) \
    X(I64_LOAD8_U, 0x31, I64, 0, uint8_t, (uint64_t)v) \
    X(I64_LOAD16_S, 0x32, I64, 1, int16_t, (uint64_t)(int64_t)v) \
    X(I64_LOAD16_U, 0x33, I64, 1, uint16_t, (uint64_t)v) \
    X(I64_LOAD32_S, 0x34, I64, 2, int32_t, (uint64_t)(int64_t)v) \
    X(I64_LOAD32_U, 0x35, I64, 2, uint32_t, (uint64_t)v)

/* Stores: X(NAME, opcode, operand type, natural alignment (log2), memory C type). */
#define OX_STORE_OPS(X) \
    X(I32_STORE, 0x36, I32, 2, uint32_t) \
    X(I64_STORE, 0x37, I64, 3, uint64_t) \
    X(F32_STORE, 0x38, F32, 2, float) \
    X(F64_STORE, 0x39, F64, 3, double) \
    X(I32_STORE8, 0x3A, I32, 0, uint8_t) \
    X(I32_STORE16, 0x3B, I32, 1, uint16_t) \
    X(I64_STORE8, 0x3C, I64, 0, uint8_t) \
    X(I64_STORE16, 0x3D, I64, 1, uint16_t) \
    X(I64_STORE32, 0x3E, I64, 2, uint32_t)

#endif
