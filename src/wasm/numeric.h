/*
 * numeric.h — WebAssembly numeric operations that C does not give exactly
 * (internal; pure static inline functions).
 *
 * References are to the WebAssembly 2.0 spec, section 4.3 "Numerics".
 * Everything works on IEEE-754 binary32/binary64 under the default
 * round-to-nearest-even mode (the engine never changes it) and never relies
 * on undefined behaviour: float→int casts happen only after the range check,
 * and sign operations act on bit patterns so NaN payloads survive.
 */
#ifndef OX_NUMERIC_H
#define OX_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "oxide/wasm.h"

static inline uint32_t ox_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline uint64_t ox_f64_bits(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }
static inline float ox_f32_from_bits(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline double ox_f64_from_bits(uint64_t u) { double f; memcpy(&f, &u, 8); return f; }

/* ---- Sign operations (4.3.3 fabs, fneg, fcopysign) ---------------------
   Not arithmetic: only the sign bit changes, even for NaNs. */

static inline float ox_f32_abs(float a) { return ox_f32_from_bits(ox_f32_bits(a) & 0x7FFFFFFFu); }
static inline float ox_f32_neg(float a) { return ox_f32_from_bits(ox_f32_bits(a) ^ 0x80000000u); }
static inline float ox_f32_copysign(float a, float b)
{
    return ox_f32_from_bits((ox_f32_bits(a) & 0x7FFFFFFFu) | (ox_f32_bits(b) & 0x80000000u));
}
static inline double ox_f64_abs(double a)
{
    return ox_f64_from_bits(ox_f64_bits(a) & 0x7FFFFFFFFFFFFFFFull);
}
static inline double ox_f64_neg(double a)
{
    return ox_f64_from_bits(ox_f64_bits(a) ^ 0x8000000000000000ull);
}
static inline double ox_f64_copysign(double a, double b)
{
    return ox_f64_from_bits((ox_f64_bits(a) & 0x7FFFFFFFFFFFFFFFull) |
                            (ox_f64_bits(b) & 0x8000000000000000ull));
}

/* ---- fmin / fmax (4.3.3) -----------------------------------------------
   A NaN operand gives a NaN: a + b propagates it quietened (an arithmetic
   NaN, which the spec allows). Zeros of both signs: -0 is the smaller.
   C's fminf/fmaxf differ on both points. */

static inline float ox_f32_min(float a, float b)
{
    if (a != a || b != b)
        return a + b;
    if (a == 0 && b == 0)
        return ox_f32_from_bits(ox_f32_bits(a) | ox_f32_bits(b));
    return a < b ? a : b;
}
static inline float ox_f32_max(float a, float b)
{
    if (a != a || b != b)
        return a + b;
    if (a == 0 && b == 0)
        return ox_f32_from_bits(ox_f32_bits(a) & ox_f32_bits(b));
    return a > b ? a : b;
}
static inline double ox_f64_min(double a, double b)
{
    if (a != a || b != b)
        return a + b;
    if (a == 0 && b == 0)
        return ox_f64_from_bits(ox_f64_bits(a) | ox_f64_bits(b));
    return a < b ? a : b;
}
static inline double ox_f64_max(double a, double b)
{
    if (a != a || b != b)
        return a + b;
    if (a == 0 && b == 0)
        return ox_f64_from_bits(ox_f64_bits(a) & ox_f64_bits(b));
    return a > b ? a : b;
}

/* ---- fnearest (4.3.3): round half to even, sign of zero kept -----------
   nearbyint rounds in the current mode, which is round-to-nearest-even, and
   keeps the sign (nearest(-0.5) = -0); it raises no inexact exception. */

static inline float ox_f32_nearest(float a) { return nearbyintf(a); }
static inline double ox_f64_nearest(double a) { return nearbyint(a); }

/* ---- Integer bit operations (4.3.2) ------------------------------------ */

static inline uint32_t ox_rotl32(uint32_t a, uint32_t k)
{
    k &= 31;
    return k ? (a << k) | (a >> (32 - k)) : a;
}
static inline uint32_t ox_rotr32(uint32_t a, uint32_t k)
{
    k &= 31;
    return k ? (a >> k) | (a << (32 - k)) : a;
}
static inline uint64_t ox_rotl64(uint64_t a, uint64_t k)
{
    k &= 63;
    return k ? (a << k) | (a >> (64 - k)) : a;
}
static inline uint64_t ox_rotr64(uint64_t a, uint64_t k)
{
    k &= 63;
    return k ? (a >> k) | (a << (64 - k)) : a;
}
/* __builtin_clz/ctz are undefined for 0; the spec defines 32 (or 64). */
static inline uint32_t ox_clz32(uint32_t a) { return a ? (uint32_t)__builtin_clz(a) : 32; }
static inline uint32_t ox_ctz32(uint32_t a) { return a ? (uint32_t)__builtin_ctz(a) : 32; }
static inline uint32_t ox_popcnt32(uint32_t a) { return (uint32_t)__builtin_popcount(a); }
static inline uint64_t ox_clz64(uint64_t a) { return a ? (uint64_t)__builtin_clzll(a) : 64; }
static inline uint64_t ox_ctz64(uint64_t a) { return a ? (uint64_t)__builtin_ctzll(a) : 64; }
static inline uint64_t ox_popcnt64(uint64_t a) { return (uint64_t)__builtin_popcountll(a); }

/* ---- Trapping truncation (4.3.4 trunc_u, trunc_s) ----------------------
   Defined when trunc(x) fits the target type. The bounds are written as
   open intervals on the exact limits, compared in double (every float and
   both bounds are exact there): for i32_s, -2147483648.9 truncates to
   INT32_MIN and is valid while -2147483649.0 and 2147483648.0 are not. */

#define OX_TRUNC_CHECK(x, lo_excl, hi_excl)                        \
    do {                                                           \
        if ((x) != (x))                                            \
            return OX_TRAP_INVALID_CONVERSION;                     \
        if (!((double)(x) > (lo_excl) && (double)(x) < (hi_excl))) \
            return OX_TRAP_INT_OVERFLOW;                           \
    } while (0)

/* 2^31, 2^32, 2^63, 2^64 as exact doubles. */
#define OX_P31 2147483648.0
#define OX_P32 4294967296.0
#define OX_P63 9223372036854775808.0
#define OX_P64 18446744073709551616.0

static inline ox_trap ox_trunc_i32_f32_s(float x, int32_t *out)
{
    OX_TRUNC_CHECK(x, -OX_P31 - 1.0, OX_P31);
    *out = (int32_t)x;
    return OX_TRAP_NONE;
}
static inline ox_trap ox_trunc_i32_f32_u(float x, uint32_t *out)
{
    OX_TRUNC_CHECK(x, -1.0, OX_P32);
    *out = (uint32_t)x;
    return OX_TRAP_NONE;
}
static inline ox_trap ox_trunc_i32_f64_s(double x, int32_t *out)
{
    OX_TRUNC_CHECK(x, -OX_P31 - 1.0, OX_P31);
    *out = (int32_t)x;
    return OX_TRAP_NONE;
}
static inline ox_trap ox_trunc_i32_f64_u(double x, uint32_t *out)
{
    OX_TRUNC_CHECK(x, -1.0, OX_P32);
    *out = (uint32_t)x;
    return OX_TRAP_NONE;
}
/* For 64 bits, -2^63 - 1 is not a double: the double just below -2^63 is
   -2^63 - 2048, and every value in between truncates out of range, so the
   lower bound x >= -2^63 is written as x > (that double). */
#define OX_BELOW_M63 (-9223372036854777856.0)
static inline ox_trap ox_trunc_i64_f32_s(float x, int64_t *out)
{
    OX_TRUNC_CHECK(x, OX_BELOW_M63, OX_P63);
    *out = (int64_t)x;
    return OX_TRAP_NONE;
}
static inline ox_trap ox_trunc_i64_f32_u(float x, uint64_t *out)
{
    OX_TRUNC_CHECK(x, -1.0, OX_P64);
    *out = (uint64_t)x;
    return OX_TRAP_NONE;
}
static inline ox_trap ox_trunc_i64_f64_s(double x, int64_t *out)
{
    OX_TRUNC_CHECK(x, OX_BELOW_M63, OX_P63);
    *out = (int64_t)x;
    return OX_TRAP_NONE;
}
static inline ox_trap ox_trunc_i64_f64_u(double x, uint64_t *out)
{
    OX_TRUNC_CHECK(x, -1.0, OX_P64);
    *out = (uint64_t)x;
    return OX_TRAP_NONE;
}

/* ---- Saturating truncation (4.3.4 trunc_sat_u, trunc_sat_s) ------------
   NaN → 0, below the range → the minimum, above → the maximum. */

#define OX_TRUNC_SAT(T, x, lo_excl, hi_excl, minv, maxv) \
    do {                                                 \
        if ((x) != (x))                                  \
            return 0;                                    \
        if (!((double)(x) > (lo_excl)))                  \
            return (minv);                               \
        if (!((double)(x) < (hi_excl)))                  \
            return (maxv);                               \
        return (T)(x);                                   \
    } while (0)

static inline int32_t ox_trunc_sat_i32_f32_s(float x)
{
    OX_TRUNC_SAT(int32_t, x, -OX_P31 - 1.0, OX_P31, INT32_MIN, INT32_MAX);
}
static inline uint32_t ox_trunc_sat_i32_f32_u(float x)
{
    OX_TRUNC_SAT(uint32_t, x, -1.0, OX_P32, 0, UINT32_MAX);
}
static inline int32_t ox_trunc_sat_i32_f64_s(double x)
{
    OX_TRUNC_SAT(int32_t, x, -OX_P31 - 1.0, OX_P31, INT32_MIN, INT32_MAX);
}
static inline uint32_t ox_trunc_sat_i32_f64_u(double x)
{
    OX_TRUNC_SAT(uint32_t, x, -1.0, OX_P32, 0, UINT32_MAX);
}
static inline int64_t ox_trunc_sat_i64_f32_s(float x)
{
    OX_TRUNC_SAT(int64_t, x, OX_BELOW_M63, OX_P63, INT64_MIN, INT64_MAX);
}
static inline uint64_t ox_trunc_sat_i64_f32_u(float x)
{
    OX_TRUNC_SAT(uint64_t, x, -1.0, OX_P64, 0, UINT64_MAX);
}
static inline int64_t ox_trunc_sat_i64_f64_s(double x)
{
    OX_TRUNC_SAT(int64_t, x, OX_BELOW_M63, OX_P63, INT64_MIN, INT64_MAX);
}
static inline uint64_t ox_trunc_sat_i64_f64_u(double x)
{
    OX_TRUNC_SAT(uint64_t, x, -1.0, OX_P64, 0, UINT64_MAX);
}

/* ---- Integer → float (4.3.4 convert_u, convert_s) ----------------------
   Must round once, to nearest even. Signed 64-bit conversion is a single
   hardware instruction on x86-64 and AArch64 (cvtsi2ss/sd, scvtf) and C's
   Annex F makes it correctly rounded. Unsigned 64-bit values at or above
   2^63 have no signed form: halve them keeping the lost bit as a sticky bit
   (it lies far below the rounding position of a 24- or 53-bit
   significand, so it only breaks ties the right way), convert, and double
   (exact). This avoids depending on how a compiler lowers the unsigned
   conversion (a detour through double would round twice for floats). */

static inline float ox_f32_convert_i64_s(int64_t x) { return (float)x; }
static inline double ox_f64_convert_i64_s(int64_t x) { return (double)x; }
static inline float ox_f32_convert_i64_u(uint64_t x)
{
    if (!(x >> 63))
        return (float)(int64_t)x;
    float h = (float)(int64_t)((x >> 1) | (x & 1));
    return h + h;
}
static inline double ox_f64_convert_i64_u(uint64_t x)
{
    if (!(x >> 63))
        return (double)(int64_t)x;
    double h = (double)(int64_t)((x >> 1) | (x & 1));
    return h + h;
}
/* 32-bit sources: i32→f64 and u32→f64 are exact; i32→f32 and u32→f32 go
   through the exact int64 path, one rounding. */
static inline float ox_f32_convert_i32_s(int32_t x) { return (float)(int64_t)x; }
static inline float ox_f32_convert_i32_u(uint32_t x) { return (float)(int64_t)x; }
static inline double ox_f64_convert_i32_s(int32_t x) { return (double)x; }
static inline double ox_f64_convert_i32_u(uint32_t x) { return (double)x; }

#endif
