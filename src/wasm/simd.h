/*
 * simd.h — the semantics of the SIMD instructions that are not written per
 * lane in the table (internal; opcodes_simd.h names each helper; pure
 * static inline functions).
 *
 * Helpers take their operands and result by address (r = op(a, b), 16
 * bytes each, any alignment): in the interpreter they live in frame
 * cells. Each reads all its operands before it writes r, so r may be one
 * of them. The portable code works on local lane arrays, which compilers
 * turn into vector instructions; where that gives poor code (byte
 * shuffles, lane masks) x86 intrinsics take over when the target has them:
 * SSE2 on every x86-64, SSSE3 in the interpreter's x86-64-v3 build
 * (interp_x86v3.c, chosen at run time) and out of line in the baseline
 * build when the CPU has it. OX_SIMD_PORTABLE (a build option)
 * keeps to the portable code, so it can be tested on x86 too.
 */
#ifndef OX_SIMD_H
#define OX_SIMD_H

#include <stdint.h>
#include <string.h>

#include "code_num.h"

#if defined(__SSE2__) && !defined(OX_SIMD_PORTABLE)
#define OXV_SSE2 1
#include <emmintrin.h>
#include <tmmintrin.h>
#if defined(__SSSE3__)
#define OXV_SSSE3 1
#elif defined(__GNUC__)
/* The baseline build (SSE2) still has pshufb out of line on the CPUs that
   have it (nearly all): a byte shuffle by hand is 16 loads and stores. */
#define OXV_SSSE3_CALL 1
#endif
#endif

/* The C type of each lane field (opcodes_simd.h). */
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

/* Declarations of a helper's local lane arrays, loaded from its operands. */
#define OXV_IN(T, N, x, p) \
    T x[N]; \
    memcpy(x, p, 16)

/* ---- byte permutations -------------------------------------------------- */

#if defined(OXV_SSSE3) || defined(OXV_SSSE3_CALL)
#ifdef OXV_SSSE3_CALL
#define OXV_SSSE3_FN __attribute__((target("ssse3"), noinline))
#define OXV_HAS_SSSE3() __builtin_cpu_supports("ssse3")
#else
#define OXV_SSSE3_FN inline
#define OXV_HAS_SSSE3() 1
#endif
/* pshufb zeroes a lane whose index has its top bit set: indices 16 and up
   are pushed there by a saturating add */
static OXV_SSSE3_FN void oxv_swizzle_ssse3(void *r, const void *a, const void *b)
{
    __m128i x = _mm_loadu_si128(a), i = _mm_loadu_si128(b);
    i = _mm_adds_epu8(i, _mm_set1_epi8(0x70));
    _mm_storeu_si128(r, _mm_shuffle_epi8(x, i));
}

static OXV_SSSE3_FN void oxv_shuffle_ssse3(void *r, const void *a, const void *b, const uint8_t lanes[16])
{
    __m128i l = _mm_loadu_si128((const void *)lanes);
    __m128i fa = _mm_shuffle_epi8(_mm_loadu_si128(a), _mm_adds_epu8(l, _mm_set1_epi8(0x70)));
    __m128i fb = _mm_shuffle_epi8(_mm_loadu_si128(b), _mm_sub_epi8(l, _mm_set1_epi8(16)));
    _mm_storeu_si128(r, _mm_or_si128(fa, fb));
}
#else
#define OXV_HAS_SSSE3() 0
#define oxv_swizzle_ssse3(r, a, b) ((void)0)
#define oxv_shuffle_ssse3(r, a, b, l) ((void)0)
#endif

static inline void oxv_swizzle(void *r, const void *a, const void *b)
{
    if (OXV_HAS_SSSE3()) {
        oxv_swizzle_ssse3(r, a, b);
    } else {
        OXV_IN(uint8_t, 16, x, a);
        OXV_IN(uint8_t, 16, i, b);
        uint8_t out[16];
        for (int k = 0; k < 16; k++)
            out[k] = i[k] < 16 ? x[i[k]] : 0;
        memcpy(r, out, 16);
    }
}

/* Lanes below 16 pick from a, the others from b (valid: all below 32). */
static inline void oxv_shuffle(void *r, const void *a, const void *b, const uint8_t lanes[16])
{
    if (OXV_HAS_SSSE3()) {
        oxv_shuffle_ssse3(r, a, b, lanes);
    } else {
        uint8_t both[32], out[16];
        memcpy(both, a, 16);
        memcpy(both + 16, b, 16);
        for (int k = 0; k < 16; k++)
            out[k] = both[lanes[k] & 31];
        memcpy(r, out, 16);
    }
}

static inline void oxv_bitselect(void *r, const void *a, const void *b, const void *c)
{
    OXV_IN(uint64_t, 2, x, a);
    OXV_IN(uint64_t, 2, y, b);
    OXV_IN(uint64_t, 2, m, c);
    uint64_t out[2];
    for (int k = 0; k < 2; k++)
        out[k] = (x[k] & m[k]) | (y[k] & ~m[k]);
    memcpy(r, out, 16);
}

/* ---- widening and narrowing ------------------------------------------------ */

/* Narrowing: a's lanes then b's, saturated to the narrower type. */
#define OXV_NARROW(name, TO, FROM, N, lo, hi) \
    static inline void name(void *r, const void *a, const void *b) \
    { \
        OXV_IN(FROM, N, x, a); \
        OXV_IN(FROM, N, y, b); \
        TO out[2 * (N)]; \
        for (int k = 0; k < (N); k++) { \
            out[k] = (TO)oxv_sat(x[k], lo, hi); \
            out[k + (N)] = (TO)oxv_sat(y[k], lo, hi); \
        } \
        memcpy(r, out, 16); \
    }
OXV_NARROW(oxv_narrow8_s, int8_t, int16_t, 8, -128, 127)
OXV_NARROW(oxv_narrow8_u, uint8_t, int16_t, 8, 0, 255)
OXV_NARROW(oxv_narrow16_s, int16_t, int32_t, 4, -32768, 32767)
OXV_NARROW(oxv_narrow16_u, uint16_t, int32_t, 4, 0, 65535)
#undef OXV_NARROW

/* Widening: the low or high half of a's lanes, extended. */
#define OXV_EXTEND(name, TO, FROM, N, from) \
    static inline void name(void *r, const void *a) \
    { \
        OXV_IN(FROM, 2 * (N), x, a); \
        TO out[N]; \
        for (int k = 0; k < (N); k++) \
            out[k] = x[k + (from)]; \
        memcpy(r, out, 16); \
    }
OXV_EXTEND(oxv_ext16_low_s, int16_t, int8_t, 8, 0)
OXV_EXTEND(oxv_ext16_high_s, int16_t, int8_t, 8, 8)
OXV_EXTEND(oxv_ext16_low_u, uint16_t, uint8_t, 8, 0)
OXV_EXTEND(oxv_ext16_high_u, uint16_t, uint8_t, 8, 8)
OXV_EXTEND(oxv_ext32_low_s, int32_t, int16_t, 4, 0)
OXV_EXTEND(oxv_ext32_high_s, int32_t, int16_t, 4, 4)
OXV_EXTEND(oxv_ext32_low_u, uint32_t, uint16_t, 4, 0)
OXV_EXTEND(oxv_ext32_high_u, uint32_t, uint16_t, 4, 4)
OXV_EXTEND(oxv_ext64_low_s, int64_t, int32_t, 2, 0)
OXV_EXTEND(oxv_ext64_high_s, int64_t, int32_t, 2, 2)
OXV_EXTEND(oxv_ext64_low_u, uint64_t, uint32_t, 2, 0)
OXV_EXTEND(oxv_ext64_high_u, uint64_t, uint32_t, 2, 2)
#undef OXV_EXTEND

/* Extended multiplication: the product of the extended lanes, in W (it
   fits the wide lane; i64 lanes wrap, computed unsigned). */
#define OXV_EXTMUL(name, TO, FROM, N, from, W) \
    static inline void name(void *r, const void *a, const void *b) \
    { \
        OXV_IN(FROM, 2 * (N), x, a); \
        OXV_IN(FROM, 2 * (N), y, b); \
        TO out[N]; \
        for (int k = 0; k < (N); k++) \
            out[k] = (TO)((W)x[k + (from)] * (W)y[k + (from)]); \
        memcpy(r, out, 16); \
    }
OXV_EXTMUL(oxv_extmul16_low_s, int16_t, int8_t, 8, 0, int32_t)
OXV_EXTMUL(oxv_extmul16_high_s, int16_t, int8_t, 8, 8, int32_t)
OXV_EXTMUL(oxv_extmul16_low_u, uint16_t, uint8_t, 8, 0, uint32_t)
OXV_EXTMUL(oxv_extmul16_high_u, uint16_t, uint8_t, 8, 8, uint32_t)
OXV_EXTMUL(oxv_extmul32_low_s, int32_t, int16_t, 4, 0, int32_t)
OXV_EXTMUL(oxv_extmul32_high_s, int32_t, int16_t, 4, 4, int32_t)
OXV_EXTMUL(oxv_extmul32_low_u, uint32_t, uint16_t, 4, 0, uint32_t)
OXV_EXTMUL(oxv_extmul32_high_u, uint32_t, uint16_t, 4, 4, uint32_t)
OXV_EXTMUL(oxv_extmul64_low_s, int64_t, int32_t, 2, 0, int64_t)
OXV_EXTMUL(oxv_extmul64_high_s, int64_t, int32_t, 2, 2, int64_t)
OXV_EXTMUL(oxv_extmul64_low_u, uint64_t, uint32_t, 2, 0, uint64_t)
OXV_EXTMUL(oxv_extmul64_high_u, uint64_t, uint32_t, 2, 2, uint64_t)
#undef OXV_EXTMUL

/* Pairwise addition of adjacent lanes, extended. */
#define OXV_EXTADD(name, TO, FROM, N, W) \
    static inline void name(void *r, const void *a) \
    { \
        OXV_IN(FROM, 2 * (N), x, a); \
        TO out[N]; \
        for (int k = 0; k < (N); k++) \
            out[k] = (TO)((W)x[2 * k] + (W)x[2 * k + 1]); \
        memcpy(r, out, 16); \
    }
OXV_EXTADD(oxv_extadd16_s, int16_t, int8_t, 8, int32_t)
OXV_EXTADD(oxv_extadd16_u, uint16_t, uint8_t, 8, uint32_t)
OXV_EXTADD(oxv_extadd32_s, int32_t, int16_t, 4, int32_t)
OXV_EXTADD(oxv_extadd32_u, uint32_t, uint16_t, 4, uint32_t)
#undef OXV_EXTADD

/* Pairs of i16 products summed; only 2 * (-32768)^2 wraps. */
static inline void oxv_dot(void *r, const void *a, const void *b)
{
    OXV_IN(int16_t, 8, x, a);
    OXV_IN(int16_t, 8, y, b);
    uint32_t out[4];
    for (int k = 0; k < 4; k++)
        out[k] = (uint32_t)((int32_t)x[2 * k] * y[2 * k]) +
                 (uint32_t)((int32_t)x[2 * k + 1] * y[2 * k + 1]);
    memcpy(r, out, 16);
}

/* ---- splats and tests ----------------------------------------------------- */

/* The scalar (an operand cell's low bytes) in every lane. */
#define OXV_SPLAT(name, T, N) \
    static inline void name(void *r, const void *a) \
    { \
        T v, out[N]; \
        memcpy(&v, a, sizeof v); \
        for (int k = 0; k < (N); k++) \
            out[k] = v; \
        memcpy(r, out, 16); \
    }
OXV_SPLAT(oxv_splat8, uint8_t, 16)
OXV_SPLAT(oxv_splat16, uint16_t, 8)
OXV_SPLAT(oxv_splat32, uint32_t, 4)
OXV_SPLAT(oxv_splat64, uint64_t, 2)
#undef OXV_SPLAT

/* Any bit set; every lane non-zero; the lanes' top bits. */
static inline uint32_t oxv_any_true(const void *a)
{
    OXV_IN(uint64_t, 2, x, a);
    return (x[0] | x[1]) != 0;
}
#ifdef OXV_SSE2
static inline uint32_t oxv_zero_lanes8(const void *a)
{
    return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(a), _mm_setzero_si128()));
}
static inline uint32_t oxv_all_true8(const void *a) { return oxv_zero_lanes8(a) == 0; }
static inline uint32_t oxv_all_true16(const void *a)
{
    __m128i z = _mm_cmpeq_epi16(_mm_loadu_si128(a), _mm_setzero_si128());
    return _mm_movemask_epi8(z) == 0;
}
static inline uint32_t oxv_all_true32(const void *a)
{
    __m128i z = _mm_cmpeq_epi32(_mm_loadu_si128(a), _mm_setzero_si128());
    return _mm_movemask_epi8(z) == 0;
}
static inline uint32_t oxv_bitmask8(const void *a)
{
    return (uint32_t)_mm_movemask_epi8(_mm_loadu_si128(a));
}
static inline uint32_t oxv_bitmask16(const void *a)
{
    __m128i x = _mm_loadu_si128(a);
    return (uint32_t)_mm_movemask_epi8(_mm_packs_epi16(x, x)) & 0xFF;
}
static inline uint32_t oxv_bitmask32(const void *a)
{
    return (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_loadu_si128(a)));
}
static inline uint32_t oxv_bitmask64(const void *a)
{
    return (uint32_t)_mm_movemask_pd(_mm_castsi128_pd(_mm_loadu_si128(a)));
}
#define OXV_TESTS(bits, T, N)
#else
#define OXV_TESTS(bits, T, N) \
    static inline uint32_t oxv_all_true##bits(const void *a) \
    { \
        OXV_IN(T, N, x, a); \
        uint32_t r = 1; \
        for (int k = 0; k < (N); k++) \
            r &= x[k] != 0; \
        return r; \
    } \
    static inline uint32_t oxv_bitmask##bits(const void *a) \
    { \
        OXV_IN(T, N, x, a); \
        uint32_t r = 0; \
        for (int k = 0; k < (N); k++) \
            r |= (uint32_t)(x[k] >> ((bits) - 1)) << k; \
        return r; \
    }
OXV_TESTS(8, uint8_t, 16)
OXV_TESTS(16, uint16_t, 8)
OXV_TESTS(32, uint32_t, 4)
#endif
/* (no 64-bit lane compare in SSE2) */
static inline uint32_t oxv_all_true64(const void *a)
{
    OXV_IN(uint64_t, 2, x, a);
    return x[0] != 0 && x[1] != 0;
}
#ifndef OXV_SSE2
static inline uint32_t oxv_bitmask64(const void *a)
{
    OXV_IN(uint64_t, 2, x, a);
    return (uint32_t)(x[0] >> 63) | (uint32_t)(x[1] >> 63) << 1;
}
#endif
#undef OXV_TESTS

/* ---- conversions between f64x2 and the low half of a 4-lane v128 -------- */

static inline void oxv_demote(void *r, const void *a)
{
    OXV_IN(double, 2, x, a);
    float out[4] = {(float)x[0], (float)x[1], 0.0f, 0.0f};
    memcpy(r, out, 16);
}
static inline void oxv_promote(void *r, const void *a)
{
    OXV_IN(float, 4, x, a);
    double out[2] = {(double)x[0], (double)x[1]};
    memcpy(r, out, 16);
}
static inline void oxv_convert_low_s(void *r, const void *a)
{
    OXV_IN(int32_t, 4, x, a);
    double out[2] = {(double)x[0], (double)x[1]};
    memcpy(r, out, 16);
}
static inline void oxv_convert_low_u(void *r, const void *a)
{
    OXV_IN(uint32_t, 4, x, a);
    double out[2] = {(double)x[0], (double)x[1]};
    memcpy(r, out, 16);
}
static inline void oxv_trunc_sat_zero_s(void *r, const void *a)
{
    OXV_IN(double, 2, x, a);
    int32_t out[4] = {ox_trunc_sat_i32_f64_s(x[0]), ox_trunc_sat_i32_f64_s(x[1]), 0, 0};
    memcpy(r, out, 16);
}
static inline void oxv_trunc_sat_zero_u(void *r, const void *a)
{
    OXV_IN(double, 2, x, a);
    uint32_t out[4] = {ox_trunc_sat_i32_f64_u(x[0]), ox_trunc_sat_i32_f64_u(x[1]), 0, 0};
    memcpy(r, out, 16);
}

/* ---- loads -------------------------------------------------------------- */

/* From `p` (bounds already checked): the bytes, extended lanes, a splat,
   or a lane with zeros. */
static inline void oxv_load(void *r, const uint8_t *p) { memcpy(r, p, 16); }
#define OXV_LOAD_EXT(name, TO, FROM, N) \
    static inline void name(void *r, const uint8_t *p) \
    { \
        FROM v[N]; \
        TO out[N]; \
        memcpy(v, p, sizeof v); \
        for (int k = 0; k < (N); k++) \
            out[k] = v[k]; \
        memcpy(r, out, 16); \
    }
OXV_LOAD_EXT(oxv_load8x8_s, int16_t, int8_t, 8)
OXV_LOAD_EXT(oxv_load8x8_u, uint16_t, uint8_t, 8)
OXV_LOAD_EXT(oxv_load16x4_s, int32_t, int16_t, 4)
OXV_LOAD_EXT(oxv_load16x4_u, uint32_t, uint16_t, 4)
OXV_LOAD_EXT(oxv_load32x2_s, int64_t, int32_t, 2)
OXV_LOAD_EXT(oxv_load32x2_u, uint64_t, uint32_t, 2)
#undef OXV_LOAD_EXT
static inline void oxv_load8_splat(void *r, const uint8_t *p) { oxv_splat8(r, p); }
static inline void oxv_load16_splat(void *r, const uint8_t *p) { oxv_splat16(r, p); }
static inline void oxv_load32_splat(void *r, const uint8_t *p) { oxv_splat32(r, p); }
static inline void oxv_load64_splat(void *r, const uint8_t *p) { oxv_splat64(r, p); }
static inline void oxv_load32_zero(void *r, const uint8_t *p)
{
    uint8_t out[16] = {0};
    memcpy(out, p, 4);
    memcpy(r, out, 16);
}
static inline void oxv_load64_zero(void *r, const uint8_t *p)
{
    uint8_t out[16] = {0};
    memcpy(out, p, 8);
    memcpy(r, out, 16);
}

/* ---- relaxed SIMD (WebAssembly 3.0), deterministic ------------------------------
   Each relaxed instruction may give any of a few results; Oxide gives one,
   the same on every CPU (docs/engine.md lists the choices). Here: multiply
   then add, each rounded (no fusing: the build keeps FP contraction off),
   and the dot products with the second operand's bytes taken as signed. */

#define OXV_MADD(name, T, N, sign) \
    static inline void name(void *r, const void *a, const void *b, const void *c) \
    { \
        OXV_IN(T, N, x, a); \
        OXV_IN(T, N, y, b); \
        OXV_IN(T, N, z, c); \
        T out[N]; \
        for (int k = 0; k < N; k++) { \
            T p = x[k] * y[k]; \
            out[k] = sign p + z[k]; \
        } \
        memcpy(r, out, 16); \
    }
OXV_MADD(oxv_madd32, float, 4, +)
OXV_MADD(oxv_nmadd32, float, 4, -)
OXV_MADD(oxv_madd64, double, 2, +)
OXV_MADD(oxv_nmadd64, double, 2, -)
#undef OXV_MADD

/* i16x8.relaxed_dot_i8x16_i7x16_s: pairs of signed byte products, the sum
   wrapped to 16 bits. */
static inline void oxv_relaxed_dot16(void *r, const void *a, const void *b)
{
    OXV_IN(int8_t, 16, x, a);
    OXV_IN(int8_t, 16, y, b);
    uint16_t out[8];
    for (int k = 0; k < 8; k++)
        out[k] = (uint16_t)(x[2 * k] * y[2 * k] + x[2 * k + 1] * y[2 * k + 1]);
    memcpy(r, out, 16);
}

/* i32x4.relaxed_dot_i8x16_i7x16_add_s: four signed byte products a lane,
   plus the lane of c (wrapping). */
static inline void oxv_relaxed_dot32_add(void *r, const void *a, const void *b, const void *c)
{
    OXV_IN(int8_t, 16, x, a);
    OXV_IN(int8_t, 16, y, b);
    OXV_IN(uint32_t, 4, z, c);
    uint32_t out[4];
    for (int k = 0; k < 4; k++) {
        int32_t sum = 0;
        for (int j = 0; j < 4; j++)
            sum += x[4 * k + j] * y[4 * k + j];
        out[k] = (uint32_t)sum + z[k];
    }
    memcpy(r, out, 16);
}

#endif
