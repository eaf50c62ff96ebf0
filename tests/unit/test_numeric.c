/*
 * test_numeric.c — numeric.h against the spec's definitions at the
 * boundaries, comparing exact bit patterns.
 */
#include "numeric.h"
#include "test.h"

#define F32(bits) ox_f32_from_bits(bits)
#define F64(bits) ox_f64_from_bits(bits)
#define B32(f) ox_f32_bits(f)
#define B64(f) ox_f64_bits(f)

static bool is_nan32(float f) { return (B32(f) & 0x7F800000u) == 0x7F800000u && (B32(f) & 0x7FFFFFu); }
static bool is_nan64(double f)
{
    return (B64(f) & 0x7FF0000000000000ull) == 0x7FF0000000000000ull &&
           (B64(f) & 0xFFFFFFFFFFFFFull);
}

static void test_sign_ops(void)
{
    /* A signalling NaN with a payload keeps it through abs/neg/copysign. */
    CHECK_EQ(B32(ox_f32_abs(F32(0xFF800001u))), 0x7F800001u);
    CHECK_EQ(B32(ox_f32_neg(F32(0x7FA00005u))), 0xFFA00005u);
    CHECK_EQ(B32(ox_f32_neg(0.0f)), 0x80000000u);
    CHECK_EQ(B32(ox_f32_copysign(F32(0x7F800001u), -1.0f)), 0xFF800001u);
    CHECK_EQ(B32(ox_f32_copysign(-2.0f, F32(0x7FC00000u))), B32(2.0f));
    CHECK_EQ(B64(ox_f64_abs(F64(0xFFF0000000000001ull))), 0x7FF0000000000001ull);
    CHECK_EQ(B64(ox_f64_neg(F64(0x7FF4000000000000ull))), 0xFFF4000000000000ull);
    CHECK_EQ(B64(ox_f64_copysign(1.5, -0.0)), B64(-1.5));
    CHECK_EQ(B64(ox_f64_copysign(F64(0xFFF8000000000123ull), 0.0)), 0x7FF8000000000123ull);
}

static void test_min_max(void)
{
    CHECK_EQ(B32(ox_f32_min(0.0f, -0.0f)), 0x80000000u);
    CHECK_EQ(B32(ox_f32_min(-0.0f, 0.0f)), 0x80000000u);
    CHECK_EQ(B32(ox_f32_max(-0.0f, 0.0f)), 0x00000000u);
    CHECK_EQ(B32(ox_f32_max(0.0f, -0.0f)), 0x00000000u);
    CHECK_EQ(B32(ox_f32_min(1.0f, -3.0f)), B32(-3.0f));
    CHECK_EQ(B32(ox_f32_max(1.0f, -3.0f)), B32(1.0f));
    CHECK_EQ(B32(ox_f32_min(F32(0xFF800000u), 5.0f)), 0xFF800000u); /* -inf */
    CHECK(is_nan32(ox_f32_min(F32(0x7FC00000u), 1.0f)));
    CHECK(is_nan32(ox_f32_min(1.0f, F32(0x7F800001u))));
    CHECK(is_nan32(ox_f32_max(F32(0xFFC00000u), F32(0x7F800000u))));
    /* The result NaN is quiet (an arithmetic NaN, 4.3.3). */
    CHECK(B32(ox_f32_max(1.0f, F32(0x7F800001u))) & 0x00400000u);
    CHECK_EQ(B64(ox_f64_min(0.0, -0.0)), 0x8000000000000000ull);
    CHECK_EQ(B64(ox_f64_max(-0.0, 0.0)), 0ull);
    CHECK_EQ(B64(ox_f64_max(-0.0, -0.0)), 0x8000000000000000ull);
    CHECK_EQ(B64(ox_f64_min(2.0, 3.0)), B64(2.0));
    CHECK(is_nan64(ox_f64_min(F64(0x7FF0000000000001ull), 0.0)));
    CHECK(is_nan64(ox_f64_max(0.0, F64(0xFFF8000000000000ull))));
    CHECK(B64(ox_f64_min(0.0, F64(0x7FF0000000000001ull))) & 0x0008000000000000ull);
}

static void test_nearest(void)
{
    CHECK_EQ(B32(ox_f32_nearest(0.5f)), B32(0.0f));
    CHECK_EQ(B32(ox_f32_nearest(1.5f)), B32(2.0f));
    CHECK_EQ(B32(ox_f32_nearest(2.5f)), B32(2.0f));
    CHECK_EQ(B32(ox_f32_nearest(-0.5f)), 0x80000000u); /* sign of zero kept */
    CHECK_EQ(B32(ox_f32_nearest(-3.5f)), B32(-4.0f));
    CHECK_EQ(B32(ox_f32_nearest(-0.0f)), 0x80000000u);
    CHECK_EQ(B32(ox_f32_nearest(8388609.0f)), B32(8388609.0f)); /* 2^23+1: integral */
    CHECK_EQ(B32(ox_f32_nearest(4194304.5f)), B32(4194304.0f)); /* 2^22+0.5: even */
    CHECK_EQ(B32(ox_f32_nearest(4194305.5f)), B32(4194306.0f));
    CHECK_EQ(B32(ox_f32_nearest(F32(0x7F800000u))), 0x7F800000u);
    CHECK(is_nan32(ox_f32_nearest(F32(0x7FC00000u))));
    CHECK_EQ(B64(ox_f64_nearest(2.5)), B64(2.0));
    CHECK_EQ(B64(ox_f64_nearest(-2.5)), B64(-2.0));
    CHECK_EQ(B64(ox_f64_nearest(-0.25)), 0x8000000000000000ull);
    CHECK_EQ(B64(ox_f64_nearest(4503599627370497.0)), B64(4503599627370497.0)); /* 2^52+1 */
    CHECK_EQ(B64(ox_f64_nearest(2251799813685248.5)), B64(2251799813685248.0)); /* 2^51+0.5 */
    CHECK_EQ(B64(ox_f64_nearest(2251799813685249.5)), B64(2251799813685250.0));
}

static void test_bits(void)
{
    CHECK_EQ(ox_rotl32(0x80000001u, 1), 0x00000003u);
    CHECK_EQ(ox_rotl32(0x12345678u, 32), 0x12345678u);
    CHECK_EQ(ox_rotl32(0x12345678u, 36), 0x23456781u); /* count mod 32 */
    CHECK_EQ(ox_rotr32(0x00000003u, 1), 0x80000001u);
    CHECK_EQ(ox_rotr32(0x12345678u, 0xFFFFFFFCu), 0x23456781u);
    CHECK_EQ(ox_rotl64(0x8000000000000001ull, 1), 3ull);
    CHECK_EQ(ox_rotl64(0x0123456789ABCDEFull, 64 + 4), 0x123456789ABCDEF0ull);
    CHECK_EQ(ox_rotr64(3ull, 1), 0x8000000000000001ull);
    CHECK_EQ(ox_rotr64(0x0123456789ABCDEFull, 0), 0x0123456789ABCDEFull);
    CHECK_EQ(ox_clz32(0), 32);
    CHECK_EQ(ox_clz32(1), 31);
    CHECK_EQ(ox_clz32(0x80000000u), 0);
    CHECK_EQ(ox_ctz32(0), 32);
    CHECK_EQ(ox_ctz32(0x80000000u), 31);
    CHECK_EQ(ox_popcnt32(0), 0);
    CHECK_EQ(ox_popcnt32(0xFFFFFFFFu), 32);
    CHECK_EQ(ox_popcnt32(0xA0000005u), 4);
    CHECK_EQ(ox_clz64(0), 64);
    CHECK_EQ(ox_clz64(1), 63);
    CHECK_EQ(ox_ctz64(0), 64);
    CHECK_EQ(ox_ctz64(0x8000000000000000ull), 63);
    CHECK_EQ(ox_popcnt64(~0ull), 64);
    CHECK_EQ(ox_popcnt64(0x8000000100000001ull), 3);
}

static void test_trunc(void)
{
    int32_t s32 = 0;
    uint32_t u32 = 0;
    int64_t s64 = 0;
    uint64_t u64 = 0;
    const float fnan = F32(0x7FC00000u);
    const double dnan = F64(0x7FF8000000000000ull);

    /* i32 from f32: -2^31 is the last valid float below, 2^31 the first
       invalid above; the float below 2^31 is 2147483520. */
    CHECK_EQ(ox_trunc_i32_f32_s(-2147483648.0f, &s32), OX_TRAP_NONE);
    CHECK_EQ(s32, INT32_MIN);
    CHECK_EQ(ox_trunc_i32_f32_s(F32(0xCF000001u), &s32), OX_TRAP_INT_OVERFLOW); /* -2^31-256 */
    CHECK_EQ(ox_trunc_i32_f32_s(2147483648.0f, &s32), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i32_f32_s(2147483520.0f, &s32), OX_TRAP_NONE);
    CHECK_EQ(s32, 2147483520);
    CHECK_EQ(ox_trunc_i32_f32_s(-1.9f, &s32), OX_TRAP_NONE);
    CHECK_EQ(s32, -1);
    CHECK_EQ(ox_trunc_i32_f32_s(fnan, &s32), OX_TRAP_INVALID_CONVERSION);
    CHECK_EQ(ox_trunc_i32_f32_s(F32(0xFF800000u), &s32), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i32_f32_u(-0.9f, &u32), OX_TRAP_NONE);
    CHECK_EQ(u32, 0);
    CHECK_EQ(ox_trunc_i32_f32_u(-1.0f, &u32), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i32_f32_u(4294967296.0f, &u32), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i32_f32_u(4294967040.0f, &u32), OX_TRAP_NONE);
    CHECK_EQ(u32, 4294967040u);
    CHECK_EQ(ox_trunc_i32_f32_u(fnan, &u32), OX_TRAP_INVALID_CONVERSION);

    /* i32 from f64: the brief's example boundaries. */
    CHECK_EQ(ox_trunc_i32_f64_s(-2147483648.9, &s32), OX_TRAP_NONE);
    CHECK_EQ(s32, INT32_MIN);
    CHECK_EQ(ox_trunc_i32_f64_s(-2147483649.0, &s32), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i32_f64_s(2147483647.9, &s32), OX_TRAP_NONE);
    CHECK_EQ(s32, INT32_MAX);
    CHECK_EQ(ox_trunc_i32_f64_s(2147483648.0, &s32), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i32_f64_s(dnan, &s32), OX_TRAP_INVALID_CONVERSION);
    CHECK_EQ(ox_trunc_i32_f64_u(-0.9999999, &u32), OX_TRAP_NONE);
    CHECK_EQ(u32, 0);
    CHECK_EQ(ox_trunc_i32_f64_u(4294967295.9, &u32), OX_TRAP_NONE);
    CHECK_EQ(u32, UINT32_MAX);
    CHECK_EQ(ox_trunc_i32_f64_u(4294967296.0, &u32), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i32_f64_u(-1.0, &u32), OX_TRAP_INT_OVERFLOW);

    /* i64: -2^63 valid, the next double/float below it and 2^63 are not. */
    CHECK_EQ(ox_trunc_i64_f32_s(-9223372036854775808.0f, &s64), OX_TRAP_NONE);
    CHECK_EQ(s64, INT64_MIN);
    CHECK_EQ(ox_trunc_i64_f32_s(F32(0xDF000001u), &s64), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i64_f32_s(9223372036854775808.0f, &s64), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i64_f32_s(F32(0x5EFFFFFFu), &s64), OX_TRAP_NONE);
    CHECK_EQ(s64, 9223371487098961920ll);
    CHECK_EQ(ox_trunc_i64_f32_s(fnan, &s64), OX_TRAP_INVALID_CONVERSION);
    CHECK_EQ(ox_trunc_i64_f32_u(-0.5f, &u64), OX_TRAP_NONE);
    CHECK_EQ(u64, 0);
    CHECK_EQ(ox_trunc_i64_f32_u(18446744073709551616.0f, &u64), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i64_f32_u(F32(0x5F7FFFFFu), &u64), OX_TRAP_NONE);
    CHECK_EQ(u64, 18446742974197923840ull);
    CHECK_EQ(ox_trunc_i64_f64_s(-9223372036854775808.0, &s64), OX_TRAP_NONE);
    CHECK_EQ(s64, INT64_MIN);
    CHECK_EQ(ox_trunc_i64_f64_s(F64(0xC3E0000000000001ull), &s64), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i64_f64_s(9223372036854775808.0, &s64), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i64_f64_s(F64(0x43DFFFFFFFFFFFFFull), &s64), OX_TRAP_NONE);
    CHECK_EQ(s64, 9223372036854774784ll);
    CHECK_EQ(ox_trunc_i64_f64_s(dnan, &s64), OX_TRAP_INVALID_CONVERSION);
    CHECK_EQ(ox_trunc_i64_f64_u(F64(0x43EFFFFFFFFFFFFFull), &u64), OX_TRAP_NONE);
    CHECK_EQ(u64, 18446744073709549568ull);
    CHECK_EQ(ox_trunc_i64_f64_u(18446744073709551616.0, &u64), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i64_f64_u(-0.99, &u64), OX_TRAP_NONE);
    CHECK_EQ(ox_trunc_i64_f64_u(-1.0, &u64), OX_TRAP_INT_OVERFLOW);
    CHECK_EQ(ox_trunc_i64_f64_u(dnan, &u64), OX_TRAP_INVALID_CONVERSION);
}

static void test_trunc_sat(void)
{
    const float fnan = F32(0xFFC00000u), finf = F32(0x7F800000u);
    const double dnan = F64(0x7FF8000000000001ull), dinf = F64(0x7FF0000000000000ull);
    CHECK_EQ(ox_trunc_sat_i32_f32_s(fnan), 0);
    CHECK_EQ(ox_trunc_sat_i32_f32_s(2147483648.0f), INT32_MAX);
    CHECK_EQ(ox_trunc_sat_i32_f32_s(-finf), INT32_MIN);
    CHECK_EQ(ox_trunc_sat_i32_f32_s(-2147483648.0f), INT32_MIN);
    CHECK_EQ(ox_trunc_sat_i32_f32_s(-1.5f), -1);
    CHECK_EQ(ox_trunc_sat_i32_f32_u(fnan), 0);
    CHECK_EQ(ox_trunc_sat_i32_f32_u(-5.0f), 0);
    CHECK_EQ(ox_trunc_sat_i32_f32_u(finf), UINT32_MAX);
    CHECK_EQ(ox_trunc_sat_i32_f32_u(4294967040.0f), 4294967040u);
    CHECK_EQ(ox_trunc_sat_i32_f64_s(dnan), 0);
    CHECK_EQ(ox_trunc_sat_i32_f64_s(-2147483648.9), INT32_MIN);
    CHECK_EQ(ox_trunc_sat_i32_f64_s(-2147483649.0), INT32_MIN);
    CHECK_EQ(ox_trunc_sat_i32_f64_s(2147483647.9), INT32_MAX);
    CHECK_EQ(ox_trunc_sat_i32_f64_s(1e300), INT32_MAX);
    CHECK_EQ(ox_trunc_sat_i32_f64_u(4294967295.9), UINT32_MAX);
    CHECK_EQ(ox_trunc_sat_i32_f64_u(4294967296.0), UINT32_MAX);
    CHECK_EQ(ox_trunc_sat_i32_f64_u(-dinf), 0);
    CHECK_EQ(ox_trunc_sat_i32_f64_u(123.9), 123);
    CHECK_EQ(ox_trunc_sat_i64_f32_s(fnan), 0);
    CHECK_EQ(ox_trunc_sat_i64_f32_s(9223372036854775808.0f), INT64_MAX);
    CHECK_EQ(ox_trunc_sat_i64_f32_s(-finf), INT64_MIN);
    CHECK_EQ(ox_trunc_sat_i64_f32_s(-9223372036854775808.0f), INT64_MIN);
    CHECK_EQ(ox_trunc_sat_i64_f32_u(finf), UINT64_MAX);
    CHECK_EQ(ox_trunc_sat_i64_f32_u(-1.0f), 0);
    CHECK_EQ(ox_trunc_sat_i64_f32_u(F32(0x5F7FFFFFu)), 18446742974197923840ull);
    CHECK_EQ(ox_trunc_sat_i64_f64_s(dnan), 0);
    CHECK_EQ(ox_trunc_sat_i64_f64_s(9223372036854775808.0), INT64_MAX);
    CHECK_EQ(ox_trunc_sat_i64_f64_s(F64(0xC3E0000000000001ull)), INT64_MIN);
    CHECK_EQ(ox_trunc_sat_i64_f64_s(-4.7), -4);
    CHECK_EQ(ox_trunc_sat_i64_f64_u(18446744073709551616.0), UINT64_MAX);
    CHECK_EQ(ox_trunc_sat_i64_f64_u(F64(0x43EFFFFFFFFFFFFFull)), 18446744073709549568ull);
    CHECK_EQ(ox_trunc_sat_i64_f64_u(dnan), 0);
}

static void test_convert(void)
{
    /* 2^53 + 2^29 + 1 → f32: just above the halfway point between 2^53 and
       2^53 + 2^30, so it rounds up. Going through double first would land
       exactly on the halfway point and round down to 2^53 (double
       rounding), so these catch a wrong lowering. */
    CHECK_EQ(B32(ox_f32_convert_i64_s(0x0020000020000001ll)), 0x5A000001u);
    CHECK_EQ(B32(ox_f32_convert_i64_s(-0x0020000020000001ll)), 0xDA000001u);
    CHECK_EQ(B32(ox_f32_convert_i64_s(0x0020000020000000ll)), 0x5A000000u); /* tie: even */
    CHECK_EQ(B32(ox_f32_convert_i64_s(INT64_MIN)), 0xDF000000u);
    CHECK_EQ(B32(ox_f32_convert_i64_s(INT64_MAX)), 0x5F000000u);
    CHECK_EQ(B32(ox_f32_convert_i64_u(UINT64_MAX)), 0x5F800000u);
    CHECK_EQ(B32(ox_f32_convert_i64_u(0x8000008000000001ull)), 0x5F000001u); /* above tie */
    CHECK_EQ(B32(ox_f32_convert_i64_u(0x8000008000000000ull)), 0x5F000000u); /* tie: even */
    CHECK_EQ(B32(ox_f32_convert_i64_u(0x8000018000000000ull)), 0x5F000002u); /* tie: even up */
    CHECK_EQ(B32(ox_f32_convert_i64_u(0x0020000020000001ull)), 0x5A000001u);
    CHECK_EQ(B32(ox_f32_convert_i64_u(0)), 0u);
    CHECK_EQ(B64(ox_f64_convert_i64_u(UINT64_MAX)), 0x43F0000000000000ull);
    CHECK_EQ(B64(ox_f64_convert_i64_u(0x8000000000000401ull)), 0x43E0000000000001ull);
    CHECK_EQ(B64(ox_f64_convert_i64_u(0x8000000000000400ull)), 0x43E0000000000000ull);
    CHECK_EQ(B64(ox_f64_convert_i64_u(0x8000000000000C00ull)), 0x43E0000000000002ull);
    CHECK_EQ(B64(ox_f64_convert_i64_u(0x0020000000000001ull)), 0x4340000000000000ull);
    CHECK_EQ(B64(ox_f64_convert_i64_s(-0x0020000000000003ll)), 0xC340000000000002ull);
    CHECK_EQ(B32(ox_f32_convert_i32_s(16777217)), 0x4B800000u); /* 2^24+1: tie, even */
    CHECK_EQ(B32(ox_f32_convert_i32_s(16777219)), 0x4B800002u);
    CHECK_EQ(B32(ox_f32_convert_i32_u(0xFFFFFFFFu)), 0x4F800000u);
    CHECK_EQ(B32(ox_f32_convert_i32_u(0x80000081u)), 0x4F000001u);
    CHECK_EQ(B64(ox_f64_convert_i32_u(0xFFFFFFFFu)), B64(4294967295.0));
    CHECK_EQ(B64(ox_f64_convert_i32_s(INT32_MIN)), B64(-2147483648.0));
}

int main(void)
{
    test_sign_ops();
    test_min_max();
    test_nearest();
    test_bits();
    test_trunc();
    test_trunc_sat();
    test_convert();
    return test_summary("numeric");
}
