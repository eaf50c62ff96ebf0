/*
 * test_cli_util.c — value parsing and printing of the `oxide` commands
 * (src/cli/cli_util.c): exact bits in, exact text out, and every printed
 * value reads back to the same bits.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli_util.h"

static int failures;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            failures++;                                                        \
            printf("%s:%d: FAIL: ", __FILE__, __LINE__);                       \
            printf(__VA_ARGS__);                                               \
            printf("\n");                                                      \
        }                                                                      \
    } while (0)

static uint64_t bits_of(const ox_val *v)
{
    uint64_t b = 0;
    switch (v->type) {
    case OX_I32: return (uint32_t)v->of.i32;
    case OX_I64: return (uint64_t)v->of.i64;
    case OX_F32: { uint32_t b32; memcpy(&b32, &v->of.f32, 4); return b32; }
    case OX_F64: memcpy(&b, &v->of.f64, 8); return b;
    }
    return b;
}

static ox_val from_bits(ox_valtype t, uint64_t bits)
{
    ox_val v;
    memset(&v, 0, sizeof v);
    v.type = t;
    if (t == OX_I32) v.of.i32 = (int32_t)(uint32_t)bits;
    else if (t == OX_I64) v.of.i64 = (int64_t)bits;
    else if (t == OX_F32) { uint32_t b32 = (uint32_t)bits; memcpy(&v.of.f32, &b32, 4); }
    else memcpy(&v.of.f64, &bits, 8);
    return v;
}

static void parses_to(const char *s, ox_valtype t, uint64_t want, int line)
{
    ox_val v;
    ox_error *err = cli_parse_val(s, t, &v);
    if (err) {
        failures++;
        printf("line %d: FAIL: '%s' as %s: %s\n", line, s, ox_valtype_name(t),
               ox_error_message(err));
        ox_error_free(err);
        return;
    }
    if (v.type != t || bits_of(&v) != want) {
        failures++;
        printf("line %d: FAIL: '%s' as %s gave 0x%" PRIx64 ", want 0x%" PRIx64 "\n", line, s,
               ox_valtype_name(t), bits_of(&v), want);
    }
}

/* Rejected, with a message that quotes the text. */
static void rejects(const char *s, ox_valtype t, int line)
{
    ox_val v;
    ox_error *err = cli_parse_val(s, t, &v);
    if (!err) {
        failures++;
        printf("line %d: FAIL: '%s' as %s was accepted (0x%" PRIx64 ")\n", line, s,
               ox_valtype_name(t), bits_of(&v));
        return;
    }
    char quoted[128];
    snprintf(quoted, sizeof quoted, "'%s'", s);
    if (ox_error_code(err) != OX_ERR_ARG || !strstr(ox_error_message(err), quoted)) {
        failures++;
        printf("line %d: FAIL: '%s' as %s: message does not name the text: %s\n", line, s,
               ox_valtype_name(t), ox_error_message(err));
    }
    ox_error_free(err);
}

static void prints_as(ox_valtype t, uint64_t bits, const char *want, int line)
{
    ox_val v = from_bits(t, bits);
    char buf[128];
    cli_format_val(&v, buf, sizeof buf);
    if (strcmp(buf, want)) {
        failures++;
        printf("line %d: FAIL: %s 0x%" PRIx64 " printed '%s', want '%s'\n", line,
               ox_valtype_name(t), bits, buf, want);
    }
}

#define PARSES(s, t, b) parses_to(s, t, b, __LINE__)
#define REJECTS(s, t) rejects(s, t, __LINE__)
#define PRINTS(t, b, s) prints_as(t, b, s, __LINE__)

static void test_integers(void)
{
    PARSES("0", OX_I32, 0);
    PARSES("-1", OX_I32, 0xffffffff);
    PARSES("+7", OX_I32, 7);
    PARSES("4294967295", OX_I32, 0xffffffff);
    PARSES("-2147483648", OX_I32, 0x80000000);
    PARSES("0x7fffffff", OX_I32, 0x7fffffff);
    PARSES("0XFF", OX_I32, 0xff);
    PARSES("-0x10", OX_I32, 0xfffffff0);
    REJECTS("4294967296", OX_I32);
    REJECTS("-2147483649", OX_I32);
    REJECTS("", OX_I32);
    REJECTS(" 1", OX_I32);
    REJECTS("1 ", OX_I32);
    REJECTS("12a", OX_I32);
    REJECTS("0x", OX_I32);
    REJECTS("--1", OX_I32);
    REJECTS("1.5", OX_I32);
    PARSES("-9223372036854775808", OX_I64, UINT64_C(0x8000000000000000));
    PARSES("18446744073709551615", OX_I64, UINT64_MAX);
    PARSES("0xffffffffffffffff", OX_I64, UINT64_MAX);
    PARSES("-1", OX_I64, UINT64_MAX);
    REJECTS("18446744073709551616", OX_I64);
    REJECTS("-9223372036854775809", OX_I64);
    REJECTS("0x10000000000000000", OX_I64);

    PRINTS(OX_I32, 0xffffffff, "-1");
    PRINTS(OX_I32, 0x80000000, "-2147483648");
    PRINTS(OX_I32, 42, "42");
    PRINTS(OX_I64, UINT64_C(0x8000000000000000), "-9223372036854775808");
    PRINTS(OX_I64, UINT64_C(0x7fffffffffffffff), "9223372036854775807");
}

static void test_floats(void)
{
    PARSES("0.1", OX_F32, 0x3dcccccd); /* rounded once, from the decimal, not via double */
    PARSES("-0", OX_F32, 0x80000000);
    PARSES("0", OX_F32, 0);
    PARSES("1.5", OX_F32, 0x3fc00000);
    PARSES(".5", OX_F32, 0x3f000000);
    PARSES("0x1p-149", OX_F32, 1);
    PARSES("1e-50", OX_F32, 0); /* underflow rounds to zero */
    PARSES("inf", OX_F32, 0x7f800000);
    PARSES("-inf", OX_F32, 0xff800000);
    PARSES("nan", OX_F32, 0x7fc00000);
    PARSES("-nan", OX_F32, 0xffc00000);
    PARSES("nan:0x1", OX_F32, 0x7f800001);
    PARSES("-nan:0x7fffff", OX_F32, 0xffffffff);
    PARSES("3.4028234663852886e38", OX_F32, 0x7f7fffff);
    REJECTS("1e39", OX_F32);
    REJECTS("nan:0x800000", OX_F32);
    REJECTS("nan:0x0", OX_F32);
    REJECTS("nan:0x", OX_F32);
    REJECTS("nan(1)", OX_F32);
    REJECTS("infinity", OX_F32);
    REJECTS(" 1", OX_F32);
    REJECTS("1.5x", OX_F32);
    REJECTS("", OX_F32);
    REJECTS(".", OX_F32);

    PARSES("0.1", OX_F64, UINT64_C(0x3fb999999999999a));
    PARSES("0x1.8p1", OX_F64, UINT64_C(0x4008000000000000));
    PARSES("-0", OX_F64, UINT64_C(0x8000000000000000));
    PARSES("nan", OX_F64, UINT64_C(0x7ff8000000000000));
    PARSES("nan:0xfffffffffffff", OX_F64, UINT64_C(0x7fffffffffffffff));
    PARSES("4.9406564584124654e-324", OX_F64, 1);
    REJECTS("1e309", OX_F64);
    REJECTS("nan:0x10000000000000", OX_F64);

    PRINTS(OX_F32, 0x3dcccccd, "0.1");
    PRINTS(OX_F32, 0x80000000, "-0");
    PRINTS(OX_F32, 0x3fc00000, "1.5");
    PRINTS(OX_F32, 0x7f800000, "inf");
    PRINTS(OX_F32, 0xff800000, "-inf");
    PRINTS(OX_F32, 0x7fc00000, "nan");
    PRINTS(OX_F32, 0xffc00000, "-nan");
    PRINTS(OX_F32, 0x7f800001, "nan:0x1");
    PRINTS(OX_F32, 0xffc00001, "-nan:0x400001");
    PRINTS(OX_F32, 0x7149f2ca, "1e+30");
    PRINTS(OX_F32, 1, "1e-45");
    PRINTS(OX_F32, 0x7f7fffff, "3.4028235e+38"); /* shortest, not %.9g */
    PRINTS(OX_F64, UINT64_C(0x3fb999999999999a), "0.1");
    PRINTS(OX_F64, UINT64_C(0x3fb999999999999b), "0.10000000000000002");
    PRINTS(OX_F64, UINT64_C(0x7ff8000000000000), "nan");
    PRINTS(OX_F64, UINT64_C(0x7ff0000000000001), "nan:0x1");
    PRINTS(OX_F64, 1, "5e-324");
}

/* Every printed value reads back to the same bits: a fixed pseudo-random
   sweep over all bit patterns, NaN payloads and subnormals included. */
static void test_round_trip(void)
{
    uint64_t x = UINT64_C(0x9e3779b97f4a7c15);
    static const ox_valtype types[] = {OX_I32, OX_I64, OX_F32, OX_F64};
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        ox_valtype t = types[i % 4];
        uint64_t bits = (t == OX_I32 || t == OX_F32) ? (x & 0xffffffff) : x;
        if (i % 5 == 0) /* force some subnormals */
            bits &= (t == OX_F32) ? 0x807fffff : UINT64_C(0x800fffffffffffff);
        ox_val v = from_bits(t, bits), back;
        char buf[128];
        cli_format_val(&v, buf, sizeof buf);
        ox_error *err = cli_parse_val(buf, t, &back);
        if (err) {
            failures++;
            printf("FAIL: round trip of %s 0x%" PRIx64 ": '%s' rejected: %s\n",
                   ox_valtype_name(t), bits, buf, ox_error_message(err));
            ox_error_free(err);
            return;
        }
        if (bits_of(&back) != bits) {
            failures++;
            printf("FAIL: round trip of %s 0x%" PRIx64 " via '%s' gave 0x%" PRIx64 "\n",
                   ox_valtype_name(t), bits, buf, bits_of(&back));
            return;
        }
    }
}

static void test_refs_and_v128(void)
{
    ox_val v;
    ox_error *err = cli_parse_val("null", OX_FUNCREF, &v);
    CHECK(!err && v.type == OX_FUNCREF && v.of.funcref == NULL, "funcref null");
    ox_error_free(err);
    REJECTS("1", OX_EXTERNREF);
    char buf[128];
    cli_format_val(&v, buf, sizeof buf);
    CHECK(!strcmp(buf, "null"), "null funcref printed '%s'", buf);

    err = cli_parse_val("v128:0x0102", OX_V128, &v);
    CHECK(!err && v.of.v128[0] == 0x02 && v.of.v128[1] == 0x01 && v.of.v128[2] == 0,
          "v128 is a little-endian number");
    ox_error_free(err);
    cli_format_val(&v, buf, sizeof buf);
    CHECK(!strcmp(buf, "v128:0x00000000000000000000000000000102"), "v128 printed '%s'", buf);
    REJECTS("v128:0x000000000000000000000000000000001", OX_V128); /* 33 digits */
    REJECTS("v128:12", OX_V128);
}

static void test_types_and_names(void)
{
    static const ox_valtype p[] = {OX_I32, OX_I64}, r[] = {OX_F32};
    ox_functype ft = {2, 1, p, r};
    char buf[256];
    cli_format_functype(&ft, buf, sizeof buf);
    CHECK(!strcmp(buf, "(i32, i64) -> (f32)"), "functype printed '%s'", buf);
    ox_functype none = {0, 0, NULL, NULL};
    cli_format_functype(&none, buf, sizeof buf);
    CHECK(!strcmp(buf, "() -> ()"), "empty functype printed '%s'", buf);

    ox_externtype mem = {.kind = OX_EXTERN_MEMORY, .u.memory = {1, 2, true}};
    cli_format_externtype(&mem, buf, sizeof buf);
    CHECK(!strcmp(buf, "memory 1..2 pages"), "memory printed '%s'", buf);
    ox_externtype tab = {.kind = OX_EXTERN_TABLE, .u.table = {OX_FUNCREF, {10, 0, false}}};
    cli_format_externtype(&tab, buf, sizeof buf);
    CHECK(!strcmp(buf, "table funcref 10.."), "table printed '%s'", buf);
    ox_externtype glob = {.kind = OX_EXTERN_GLOBAL, .u.global = {OX_I64, true}};
    cli_format_externtype(&glob, buf, sizeof buf);
    CHECK(!strcmp(buf, "global mut i64"), "global printed '%s'", buf);

    cli_format_name("a\"b\\c\0d\xc3\xa9", 9, buf, sizeof buf);
    CHECK(!strcmp(buf, "a\\22b\\5cc\\00d\xc3\xa9"), "name printed '%s'", buf);
    char small[4];
    cli_format_name("abcdef", 6, small, sizeof small);
    CHECK(!strcmp(small, "abc"), "a short buffer truncates: '%s'", small);
}

int main(void)
{
    test_integers();
    test_floats();
    test_round_trip();
    test_refs_and_v128();
    test_types_and_names();
    if (failures) {
        printf("%d failure(s)\n", failures);
        return 1;
    }
    printf("cli_util: all checks passed\n");
    return 0;
}
