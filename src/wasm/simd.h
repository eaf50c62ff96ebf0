/*
 * simd.h — v128 values and the semantics of the SIMD instructions that
 * are not written per lane in the table (internal; opcodes_simd.h names
 * each helper; pure static inline functions).
 *
 * Written in plain C over the lanes of a union: correct on any CPU, and
 * the loops have fixed trip counts that compilers vectorise. Integer
 * lanes wrap (unsigned arithmetic or explicit saturation); float lanes
 * follow IEEE-754 like the scalar instructions (numeric.h).
 */
#ifndef OX_SIMD_H
#define OX_SIMD_H

#include <stdint.h>
#include <string.h>

#include "code_num.h"

typedef union ox_v128 {
    uint8_t u8[16];
    int8_t i8[16];
    uint16_t u16[8];
    int16_t i16[8];
    uint32_t u32[4];
    int32_t i32[4];
    uint64_t u64[2];
    int64_t i64[2];
    float f32[4];
    double f64[2];
} ox_v128;

/* The C type of each lane field. */
#define OXV_T_u8 uint8_t
#define OXV_T_i8 int8_t
#define OXV_T_u16 uint16_t
#define OXV_T_i16 int16_t
#define OXV_T_u32 uint32_t
#define OXV_T_i32 int32_t
#define OXV_T_u64 uint64_t
#define OXV_T_i64 int64_t
#define OXV_T_f32 float
#define OXV_T_f64 double

/* Lane loops: r.OUT[i] = expr of lane i of the operands (a, and b). */
#define OXV_MAP1(r, OUT, IN, N, x, expr) \
    for (int i_ = 0; i_ < (N); i_++) { \
        OXV_T_##IN a = x.IN[i_]; \
        r.OUT[i_] = (OXV_T_##OUT)(expr); \
    }
#define OXV_MAP2(r, OUT, IN, N, x, y, expr) \
    for (int i_ = 0; i_ < (N); i_++) { \
        OXV_T_##IN a = x.IN[i_], b = y.IN[i_]; \
        r.OUT[i_] = (OXV_T_##OUT)(expr); \
    }

/* Arithmetic right shift of a signed lane, without the
   implementation-defined >> of a negative number: for x < 0, ~x >= 0. */
#define OXV_SRA(x, n) ((int64_t)(x) < 0 ? ~(~(int64_t)(x) >> (n)) : (int64_t)(x) >> (n))

static inline int64_t oxv_sat(int64_t x, int64_t lo, int64_t hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* (a * b + 2^14) >> 15, saturated: only -32768 * -32768 overflows. */
static inline int16_t oxv_q15mulr(int16_t a, int16_t b)
{
    return (int16_t)oxv_sat(OXV_SRA((int32_t)a * b + 0x4000, 15), -32768, 32767);
}

static inline ox_v128 oxv_swizzle(ox_v128 a, ox_v128 b)
{
    ox_v128 r;
    for (int i = 0; i < 16; i++)
        r.u8[i] = b.u8[i] < 16 ? a.u8[b.u8[i]] : 0;
    return r;
}

static inline ox_v128 oxv_shuffle(ox_v128 a, ox_v128 b, const uint8_t lanes[16])
{
    ox_v128 r;
    for (int i = 0; i < 16; i++)
        r.u8[i] = lanes[i] < 16 ? a.u8[lanes[i]] : b.u8[lanes[i] & 15];
    return r;
}

static inline ox_v128 oxv_bitselect(ox_v128 a, ox_v128 b, ox_v128 c)
{
    ox_v128 r;
    for (int i = 0; i < 2; i++)
        r.u64[i] = (a.u64[i] & c.u64[i]) | (b.u64[i] & ~c.u64[i]);
    return r;
}

/* Narrowing: a's lanes then b's, saturated to the narrower type. */
#define OXV_NARROW(name, OUT, IN, N, lo, hi) \
    static inline ox_v128 name(ox_v128 a, ox_v128 b) \
    { \
        ox_v128 r; \
        for (int i = 0; i < (N); i++) { \
            r.OUT[i] = (OXV_T_##OUT)oxv_sat(a.IN[i], lo, hi); \
            r.OUT[i + (N)] = (OXV_T_##OUT)oxv_sat(b.IN[i], lo, hi); \
        } \
        return r; \
    }
OXV_NARROW(oxv_narrow8_s, i8, i16, 8, -128, 127)
OXV_NARROW(oxv_narrow8_u, u8, i16, 8, 0, 255)
OXV_NARROW(oxv_narrow16_s, i16, i32, 4, -32768, 32767)
OXV_NARROW(oxv_narrow16_u, u16, i32, 4, 0, 65535)
#undef OXV_NARROW

/* Widening: the low or high half of a's lanes, extended. */
#define OXV_EXTEND(name, OUT, IN, N, from) \
    static inline ox_v128 name(ox_v128 a) \
    { \
        ox_v128 r; \
        for (int i = 0; i < (N); i++) \
            r.OUT[i] = a.IN[i + (from)]; \
        return r; \
    }
OXV_EXTEND(oxv_ext16_low_s, i16, i8, 8, 0)
OXV_EXTEND(oxv_ext16_high_s, i16, i8, 8, 8)
OXV_EXTEND(oxv_ext16_low_u, u16, u8, 8, 0)
OXV_EXTEND(oxv_ext16_high_u, u16, u8, 8, 8)
OXV_EXTEND(oxv_ext32_low_s, i32, i16, 4, 0)
OXV_EXTEND(oxv_ext32_high_s, i32, i16, 4, 4)
OXV_EXTEND(oxv_ext32_low_u, u32, u16, 4, 0)
OXV_EXTEND(oxv_ext32_high_u, u32, u16, 4, 4)
OXV_EXTEND(oxv_ext64_low_s, i64, i32, 2, 0)
OXV_EXTEND(oxv_ext64_high_s, i64, i32, 2, 2)
OXV_EXTEND(oxv_ext64_low_u, u64, u32, 2, 0)
OXV_EXTEND(oxv_ext64_high_u, u64, u32, 2, 2)
#undef OXV_EXTEND

/* Extended multiplication: the product of the extended lanes (it fits the
   wide lane, except i64 ones computed in unsigned arithmetic). */
#define OXV_EXTMUL(name, OUT, IN, N, from, W) \
    static inline ox_v128 name(ox_v128 a, ox_v128 b) \
    { \
        ox_v128 r; \
        for (int i = 0; i < (N); i++) \
            r.OUT[i] = (OXV_T_##OUT)((W)a.IN[i + (from)] * (W)b.IN[i + (from)]); \
        return r; \
    }
OXV_EXTMUL(oxv_extmul16_low_s, i16, i8, 8, 0, int32_t)
OXV_EXTMUL(oxv_extmul16_high_s, i16, i8, 8, 8, int32_t)
OXV_EXTMUL(oxv_extmul16_low_u, u16, u8, 8, 0, uint32_t)
OXV_EXTMUL(oxv_extmul16_high_u, u16, u8, 8, 8, uint32_t)
OXV_EXTMUL(oxv_extmul32_low_s, i32, i16, 4, 0, int32_t)
OXV_EXTMUL(oxv_extmul32_high_s, i32, i16, 4, 4, int32_t)
OXV_EXTMUL(oxv_extmul32_low_u, u32, u16, 4, 0, uint32_t)
OXV_EXTMUL(oxv_extmul32_high_u, u32, u16, 4, 4, uint32_t)
OXV_EXTMUL(oxv_extmul64_low_s, i64, i32, 2, 0, int64_t)
OXV_EXTMUL(oxv_extmul64_high_s, i64, i32, 2, 2, int64_t)
OXV_EXTMUL(oxv_extmul64_low_u, u64, u32, 2, 0, uint64_t)
OXV_EXTMUL(oxv_extmul64_high_u, u64, u32, 2, 2, uint64_t)
#undef OXV_EXTMUL

/* Pairwise addition of adjacent lanes, extended. */
#define OXV_EXTADD(name, OUT, IN, N, W) \
    static inline ox_v128 name(ox_v128 a) \
    { \
        ox_v128 r; \
        for (int i = 0; i < (N); i++) \
            r.OUT[i] = (OXV_T_##OUT)((W)a.IN[2 * i] + (W)a.IN[2 * i + 1]); \
        return r; \
    }
OXV_EXTADD(oxv_extadd16_s, i16, i8, 8, int32_t)
OXV_EXTADD(oxv_extadd16_u, u16, u8, 8, uint32_t)
OXV_EXTADD(oxv_extadd32_s, i32, i16, 4, int32_t)
OXV_EXTADD(oxv_extadd32_u, u32, u16, 4, uint32_t)
#undef OXV_EXTADD

/* Pairs of i16 products summed; only 2 * (-32768)^2 wraps. */
static inline ox_v128 oxv_dot(ox_v128 a, ox_v128 b)
{
    ox_v128 r;
    for (int i = 0; i < 4; i++)
        r.u32[i] = (uint32_t)((int32_t)a.i16[2 * i] * b.i16[2 * i]) +
                   (uint32_t)((int32_t)a.i16[2 * i + 1] * b.i16[2 * i + 1]);
    return r;
}

/* Splats: the scalar in every lane. */
#define OXV_SPLAT(name, T, FIELD, N) \
    static inline ox_v128 name(T x) \
    { \
        ox_v128 r; \
        for (int i = 0; i < (N); i++) \
            r.FIELD[i] = (OXV_T_##FIELD)x; \
        return r; \
    }
OXV_SPLAT(oxv_splat8, uint32_t, u8, 16)
OXV_SPLAT(oxv_splat16, uint32_t, u16, 8)
OXV_SPLAT(oxv_splat32, uint32_t, u32, 4)
OXV_SPLAT(oxv_splat64, uint64_t, u64, 2)
OXV_SPLAT(oxv_splatf32, float, f32, 4)
OXV_SPLAT(oxv_splatf64, double, f64, 2)
#undef OXV_SPLAT

/* Tests: any bit set; every lane non-zero; the lanes' top bits. */
static inline uint32_t oxv_any_true(ox_v128 a) { return (a.u64[0] | a.u64[1]) != 0; }
#define OXV_TESTS(bits, N, FIELD) \
    static inline uint32_t oxv_all_true##bits(ox_v128 a) \
    { \
        uint32_t r = 1; \
        for (int i = 0; i < (N); i++) \
            r &= a.FIELD[i] != 0; \
        return r; \
    } \
    static inline uint32_t oxv_bitmask##bits(ox_v128 a) \
    { \
        uint32_t r = 0; \
        for (int i = 0; i < (N); i++) \
            r |= (uint32_t)(a.FIELD[i] >> ((bits) - 1)) << i; \
        return r; \
    }
OXV_TESTS(8, 16, u8)
OXV_TESTS(16, 8, u16)
OXV_TESTS(32, 4, u32)
OXV_TESTS(64, 2, u64)
#undef OXV_TESTS

/* Conversions between the f64x2 lanes and the low half of a 4-lane v128. */
static inline ox_v128 oxv_demote(ox_v128 a)
{
    ox_v128 r;
    r.f32[0] = (float)a.f64[0];
    r.f32[1] = (float)a.f64[1];
    r.u32[2] = r.u32[3] = 0;
    return r;
}
static inline ox_v128 oxv_promote(ox_v128 a)
{
    ox_v128 r;
    r.f64[0] = (double)a.f32[0];
    r.f64[1] = (double)a.f32[1];
    return r;
}
static inline ox_v128 oxv_convert_low_s(ox_v128 a)
{
    ox_v128 r;
    r.f64[0] = (double)a.i32[0];
    r.f64[1] = (double)a.i32[1];
    return r;
}
static inline ox_v128 oxv_convert_low_u(ox_v128 a)
{
    ox_v128 r;
    r.f64[0] = (double)a.u32[0];
    r.f64[1] = (double)a.u32[1];
    return r;
}
static inline ox_v128 oxv_trunc_sat_zero_s(ox_v128 a)
{
    ox_v128 r;
    r.i32[0] = ox_trunc_sat_i32_f64_s(a.f64[0]);
    r.i32[1] = ox_trunc_sat_i32_f64_s(a.f64[1]);
    r.u32[2] = r.u32[3] = 0;
    return r;
}
static inline ox_v128 oxv_trunc_sat_zero_u(ox_v128 a)
{
    ox_v128 r;
    r.u32[0] = ox_trunc_sat_i32_f64_u(a.f64[0]);
    r.u32[1] = ox_trunc_sat_i32_f64_u(a.f64[1]);
    r.u32[2] = r.u32[3] = 0;
    return r;
}

/* Loads from `p` (bounds already checked): the bytes as a v128, extended
   lanes, a splat, or a lane with zeros. */
static inline ox_v128 oxv_load(const uint8_t *p)
{
    ox_v128 r;
    memcpy(&r, p, 16);
    return r;
}
#define OXV_LOAD_EXT(name, OUT, T, N) \
    static inline ox_v128 name(const uint8_t *p) \
    { \
        T v[N]; \
        ox_v128 r; \
        memcpy(v, p, sizeof v); \
        for (int i = 0; i < (N); i++) \
            r.OUT[i] = v[i]; \
        return r; \
    }
OXV_LOAD_EXT(oxv_load8x8_s, i16, int8_t, 8)
OXV_LOAD_EXT(oxv_load8x8_u, u16, uint8_t, 8)
OXV_LOAD_EXT(oxv_load16x4_s, i32, int16_t, 4)
OXV_LOAD_EXT(oxv_load16x4_u, u32, uint16_t, 4)
OXV_LOAD_EXT(oxv_load32x2_s, i64, int32_t, 2)
OXV_LOAD_EXT(oxv_load32x2_u, u64, uint32_t, 2)
#undef OXV_LOAD_EXT
#define OXV_LOAD_SPLAT(name, FIELD, T, N) \
    static inline ox_v128 name(const uint8_t *p) \
    { \
        T v; \
        ox_v128 r; \
        memcpy(&v, p, sizeof v); \
        for (int i = 0; i < (N); i++) \
            r.FIELD[i] = v; \
        return r; \
    }
OXV_LOAD_SPLAT(oxv_load8_splat, u8, uint8_t, 16)
OXV_LOAD_SPLAT(oxv_load16_splat, u16, uint16_t, 8)
OXV_LOAD_SPLAT(oxv_load32_splat, u32, uint32_t, 4)
OXV_LOAD_SPLAT(oxv_load64_splat, u64, uint64_t, 2)
#undef OXV_LOAD_SPLAT
static inline ox_v128 oxv_load32_zero(const uint8_t *p)
{
    ox_v128 r;
    memset(&r, 0, sizeof r);
    memcpy(&r, p, 4);
    return r;
}
static inline ox_v128 oxv_load64_zero(const uint8_t *p)
{
    ox_v128 r;
    memset(&r, 0, sizeof r);
    memcpy(&r, p, 8);
    return r;
}

#endif
