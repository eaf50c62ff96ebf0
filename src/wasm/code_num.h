/*
 * code_num.h — the interpreter's numeric helpers that numeric.h does not
 * have (internal; ops.h says where each is used): arithmetic right shifts
 * without implementation-defined behaviour, and rounding that quiets
 * signalling NaNs. Everything else comes from numeric.h.
 */
#ifndef OX_CODE_NUM_H
#define OX_CODE_NUM_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "numeric.h"

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

#endif
