/*
 * code_num.h — exact WebAssembly numeric helpers used by interpreter
 * handlers (internal; see ops.h for where each one is used).
 *
 * Everything here is bit-exact IEEE-754 / two's complement as the spec's
 * numerics chapter (4.3) defines it, without relying on undefined
 * behaviour: shifts are masked, signed overflow never happens in C, and
 * sign-bit operations on floats are done on the bit patterns so NaN
 * payloads survive. Compiled without -ffast-math (the build never sets it).
 */
#ifndef OX_CODE_NUM_H
#define OX_CODE_NUM_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "oxide/wasm.h"

static inline uint32_t oxn_bits32(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline uint64_t oxn_bits64(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }
static inline float oxn_float32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline double oxn_float64(uint64_t u) { double f; memcpy(&f, &u, 8); return f; }

/* Arithmetic right shift written without implementation-defined >> on
   negative values. */
static inline uint32_t oxn_shr_s32(uint32_t a, uint32_t b)
{
    b &= 31;
    uint32_t r = a >> b;
    if ((a & 0x80000000u) && b)
        r |= ~(UINT32_MAX >> b);
    return r;
}
static inline uint64_t oxn_shr_s64(uint64_t a, uint64_t b)
{
    b &= 63;
    uint64_t r = a >> b;
    if ((a & 0x8000000000000000ull) && b)
        r |= ~(UINT64_MAX >> b);
    return r;
}
static inline uint32_t oxn_rotl32(uint32_t a, uint32_t b) { b &= 31; return b ? (a << b) | (a >> (32 - b)) : a; }
static inline uint32_t oxn_rotr32(uint32_t a, uint32_t b) { b &= 31; return b ? (a >> b) | (a << (32 - b)) : a; }
static inline uint64_t oxn_rotl64(uint64_t a, uint64_t b) { b &= 63; return b ? (a << b) | (a >> (64 - b)) : a; }
static inline uint64_t oxn_rotr64(uint64_t a, uint64_t b) { b &= 63; return b ? (a >> b) | (a << (64 - b)) : a; }
static inline uint32_t oxn_clz32(uint32_t a) { return a ? (uint32_t)__builtin_clz(a) : 32; }
static inline uint32_t oxn_ctz32(uint32_t a) { return a ? (uint32_t)__builtin_ctz(a) : 32; }
static inline uint64_t oxn_clz64(uint64_t a) { return a ? (uint64_t)__builtin_clzll(a) : 64; }
static inline uint64_t oxn_ctz64(uint64_t a) { return a ? (uint64_t)__builtin_ctzll(a) : 64; }

/* Sign operations act on the sign bit only (spec 4.3.3: fabs/fneg/fcopysign
   are not arithmetic and must not canonicalise NaNs). */
static inline float oxn_abs32(float a) { return oxn_float32(oxn_bits32(a) & 0x7fffffffu); }
static inline float oxn_neg32(float a) { return oxn_float32(oxn_bits32(a) ^ 0x80000000u); }
static inline float oxn_copysign32(float a, float b)
{
    return oxn_float32((oxn_bits32(a) & 0x7fffffffu) | (oxn_bits32(b) & 0x80000000u));
}
static inline double oxn_abs64(double a) { return oxn_float64(oxn_bits64(a) & 0x7fffffffffffffffull); }
static inline double oxn_neg64(double a) { return oxn_float64(oxn_bits64(a) ^ 0x8000000000000000ull); }
static inline double oxn_copysign64(double a, double b)
{
    return oxn_float64((oxn_bits64(a) & 0x7fffffffffffffffull) | (oxn_bits64(b) & 0x8000000000000000ull));
}

/* fmin/fmax (spec 4.3.3): any NaN operand gives a NaN (a + b propagates
   it as an arithmetic NaN), and -0 < +0, unlike C's fminf. */
static inline float oxn_fmin32(float a, float b)
{
    if (a != a || b != b) return a + b;
    if (a == b) return oxn_float32(oxn_bits32(a) | oxn_bits32(b)); /* -0 wins */
    return a < b ? a : b;
}
static inline float oxn_fmax32(float a, float b)
{
    if (a != a || b != b) return a + b;
    if (a == b) return oxn_float32(oxn_bits32(a) & oxn_bits32(b)); /* +0 wins */
    return a > b ? a : b;
}
static inline double oxn_fmin64(double a, double b)
{
    if (a != a || b != b) return a + b;
    if (a == b) return oxn_float64(oxn_bits64(a) | oxn_bits64(b));
    return a < b ? a : b;
}
static inline double oxn_fmax64(double a, double b)
{
    if (a != a || b != b) return a + b;
    if (a == b) return oxn_float64(oxn_bits64(a) & oxn_bits64(b));
    return a > b ? a : b;
}

/* Rounding (spec 4.3.3 fceil, ffloor, ftrunc, fnearest): a NaN operand
   must give an arithmetic (quiet) NaN, but libm may hand a signalling NaN
   back unchanged, so NaNs are quieted by an addition first. nearbyint
   rounds half to even in the default rounding mode, which is never changed. */
#define OXN_ROUND(name, T, fn) \
    static inline T name(T a) { return a != a ? a + a : fn(a); }
OXN_ROUND(oxn_ceil32, float, ceilf)
OXN_ROUND(oxn_floor32, float, floorf)
OXN_ROUND(oxn_trunc32, float, truncf)
OXN_ROUND(oxn_nearest32, float, nearbyintf)
OXN_ROUND(oxn_ceil64, double, ceil)
OXN_ROUND(oxn_floor64, double, floor)
OXN_ROUND(oxn_trunc64, double, trunc)
OXN_ROUND(oxn_nearest64, double, nearbyint)
#undef OXN_ROUND

/* Trapping truncations (spec 4.3.4 trunc): NaN is "invalid conversion",
   a value whose truncation does not fit is "integer overflow". The bounds
   are exact in double, and every f32 converts to double exactly. */
static inline ox_trap oxn_trunc_check(double a, double lo_excl, double hi_excl)
{
    if (a != a) return OX_TRAP_INVALID_CONVERSION;
    if (!(a > lo_excl && a < hi_excl)) return OX_TRAP_INT_OVERFLOW;
    return OX_TRAP_NONE;
}
static inline ox_trap oxn_trunc_i32_f64_s(double a, uint32_t *r)
{
    ox_trap t = oxn_trunc_check(a, -2147483649.0, 2147483648.0);
    if (!t) *r = (uint32_t)(int32_t)a;
    return t;
}
static inline ox_trap oxn_trunc_i32_f64_u(double a, uint32_t *r)
{
    ox_trap t = oxn_trunc_check(a, -1.0, 4294967296.0);
    if (!t) *r = (uint32_t)a;
    return t;
}
static inline ox_trap oxn_trunc_i64_f64_s(double a, uint64_t *r)
{
    /* -2^63 is representable, the next double below it is not. */
    if (a != a) return OX_TRAP_INVALID_CONVERSION;
    if (!(a >= -9223372036854775808.0 && a < 9223372036854775808.0)) return OX_TRAP_INT_OVERFLOW;
    *r = (uint64_t)(int64_t)a;
    return OX_TRAP_NONE;
}
static inline ox_trap oxn_trunc_i64_f64_u(double a, uint64_t *r)
{
    ox_trap t = oxn_trunc_check(a, -1.0, 18446744073709551616.0);
    if (!t) *r = (uint64_t)a;
    return t;
}
static inline ox_trap oxn_trunc_i32_f32_s(float a, uint32_t *r) { return oxn_trunc_i32_f64_s((double)a, r); }
static inline ox_trap oxn_trunc_i32_f32_u(float a, uint32_t *r) { return oxn_trunc_i32_f64_u((double)a, r); }
static inline ox_trap oxn_trunc_i64_f32_s(float a, uint64_t *r) { return oxn_trunc_i64_f64_s((double)a, r); }
static inline ox_trap oxn_trunc_i64_f32_u(float a, uint64_t *r) { return oxn_trunc_i64_f64_u((double)a, r); }

/* Saturating truncations (spec 4.3.4 trunc_sat): NaN → 0, clamp. */
static inline uint32_t oxn_sat_i32_s(double a)
{
    if (a != a) return 0;
    if (a <= -2147483648.0) return 0x80000000u;
    if (a >= 2147483647.0) return 0x7fffffffu;
    return (uint32_t)(int32_t)a;
}
static inline uint32_t oxn_sat_i32_u(double a)
{
    if (a != a || a <= 0.0) return 0;
    if (a >= 4294967295.0) return UINT32_MAX;
    return (uint32_t)a;
}
static inline uint64_t oxn_sat_i64_s(double a)
{
    if (a != a) return 0;
    if (a <= -9223372036854775808.0) return 0x8000000000000000ull;
    if (a >= 9223372036854775808.0) return 0x7fffffffffffffffull;
    return (uint64_t)(int64_t)a;
}
static inline uint64_t oxn_sat_i64_u(double a)
{
    if (a != a || a <= 0.0) return 0;
    if (a >= 18446744073709551616.0) return UINT64_MAX;
    return (uint64_t)a;
}

#endif
