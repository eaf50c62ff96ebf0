/*
 * wat_num.c — numeric literals of the text format (spec 6.3.1-6.3.2).
 *
 * Integers: decimal or 0x-hex digits with single underscores between
 * digits, an optional sign; iN takes both the unsigned range and the signed
 * one. Floats: decimal and hexadecimal forms, inf, nan and nan:0x<payload>.
 * Float values are rounded to nearest-even by the C library's strtof and
 * strtod (exact in glibc for both decimal and hex input), after the spec's
 * syntax has been checked here; a literal that rounds to infinity is "constant
 * out of range".
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wat.h"

static int digit(char ch, bool hex)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (hex && ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (hex && ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Length of a digit run with single underscores between digits at s (0 if
   none or malformed underscores). */
static size_t digits_len(const char *s, size_t n, bool hex)
{
    size_t i = 0;
    if (i >= n || digit(s[i], hex) < 0)
        return 0;
    while (i < n) {
        if (digit(s[i], hex) >= 0) {
            i++;
        } else if (s[i] == '_' && i + 1 < n && digit(s[i + 1], hex) >= 0) {
            i++;
        } else {
            break;
        }
    }
    return i;
}

/* An unsigned integer: the whole of s must be digits (hex after 0x). */
static bool parse_unsigned(const char *s, size_t n, uint64_t *out, bool *overflow)
{
    bool hex = n > 2 && s[0] == '0' && s[1] == 'x';
    if (hex)
        s += 2, n -= 2;
    if (!n || digits_len(s, n, hex) != n)
        return false;
    uint64_t v = 0, base = hex ? 16 : 10;
    *overflow = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_')
            continue;
        uint64_t d = (uint64_t)digit(s[i], hex);
        if (v > (UINT64_MAX - d) / base)
            *overflow = true;
        v = v * base + d;
    }
    *out = v;
    return true;
}

bool wat_parse_uint_text(const char *s, size_t n, unsigned bits, uint64_t *out)
{
    bool ovf;
    if (!parse_unsigned(s, n, out, &ovf) || ovf)
        return false;
    return bits >= 64 || *out <= (UINT64_MAX >> (64 - bits));
}

bool wat_is_uint(const wat_ctx *c, const wat_token *t)
{
    const char *s = c->src + t->off;
    return t->kind == WT_NUM && s[0] >= '0' && s[0] <= '9';
}

uint64_t wat_uint(wat_ctx *c, const wat_token *t, unsigned bits)
{
    uint64_t v;
    bool ovf;
    if (t->kind != WT_NUM || !parse_unsigned(c->src + t->off, t->len, &v, &ovf)) {
        char buf[64];
        wat_fail(c, t, "unexpected token %s, expected an unsigned integer",
                 wat_tok_text(c, t, buf, sizeof buf));
    }
    if (ovf || (bits < 64 && v > (UINT64_MAX >> (64 - bits))))
        wat_fail(c, t, "constant out of range: the limit is %u bits", bits);
    return v;
}

uint64_t wat_int(wat_ctx *c, const wat_token *t, unsigned bits)
{
    const char *s = c->src + t->off;
    size_t n = t->len;
    char sign = 0;
    if (t->kind == WT_NUM && n && (s[0] == '+' || s[0] == '-'))
        sign = s[0], s++, n--;
    uint64_t v;
    bool ovf;
    if (t->kind != WT_NUM || !parse_unsigned(s, n, &v, &ovf)) {
        char buf[64];
        wat_fail(c, t, "unexpected token %s, expected an i%u constant",
                 wat_tok_text(c, t, buf, sizeof buf), bits);
    }
    uint64_t umax = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    uint64_t smag = UINT64_C(1) << (bits - 1); /* -2^(N-1) .. 2^(N-1)-1 */
    if (ovf || (!sign && v > umax) || (sign == '+' && v >= smag) || (sign == '-' && v > smag))
        wat_fail(c, t, "constant out of range for i%u", bits);
    if (sign == '-')
        v = (uint64_t)0 - v;
    return bits == 64 ? v : v & umax;
}

/* ---- Floats ------------------------------------------------------------- */

/* Check the spec's float syntax (after the sign); true if well formed. */
static bool float_syntax(const char *s, size_t n)
{
    bool hex = n > 2 && s[0] == '0' && s[1] == 'x';
    size_t i = hex ? 2 : 0, k;
    if (!(k = digits_len(s + i, n - i, hex)))
        return false;
    i += k;
    if (i < n && s[i] == '.') {
        i++;
        i += digits_len(s + i, n - i, hex);
    }
    if (i < n && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (!(k = digits_len(s + i, n - i, false)))
            return false;
        i += k;
    }
    return i == n;
}

/* The value of a float literal of `bits` (32/64), as bits. */
static uint64_t parse_float(wat_ctx *c, const wat_token *t, unsigned bits)
{
    const char *s = c->src + t->off;
    size_t n = t->len;
    unsigned mant = bits == 32 ? 23 : 52;
    uint64_t signbit = UINT64_C(1) << (bits - 1);
    uint64_t expmask = (bits == 32 ? UINT64_C(0xFF) : UINT64_C(0x7FF)) << mant;
    bool neg = false;
    if (t->kind != WT_NUM && t->kind != WT_KEYWORD)
        goto bad;
    if (n && (s[0] == '+' || s[0] == '-'))
        neg = s[0] == '-', s++, n--;
    uint64_t sign = neg ? signbit : 0;
    if (n == 3 && !memcmp(s, "inf", 3))
        return sign | expmask;
    if (n == 3 && !memcmp(s, "nan", 3))
        return sign | expmask | (UINT64_C(1) << (mant - 1));
    if (n > 6 && !memcmp(s, "nan:0x", 6)) {
        uint64_t payload;
        bool ovf;
        if (!parse_unsigned(s + 4, n - 4, &payload, &ovf))
            goto bad;
        if (ovf || payload == 0 || payload >= (UINT64_C(1) << mant))
            wat_fail(c, t, "constant out of range: NaN payload must be 1..2^%u-1", mant);
        return sign | expmask | payload;
    }
    if (!float_syntax(s, n))
        goto bad;
    char small[64], *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf) {
        c->err = ox_error_new(OX_ERR_NOMEM, "out of memory parsing text");
        longjmp(c->fail, 1);
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
            buf[m++] = s[i];
    buf[m] = 0;
    uint64_t out;
    bool inf;
    if (bits == 32) {
        float f = strtof(buf, NULL);
        inf = isinf(f);
        uint32_t u;
        memcpy(&u, &f, 4);
        out = u;
    } else {
        double d = strtod(buf, NULL);
        inf = isinf(d);
        memcpy(&out, &d, 8);
    }
    if (buf != small)
        free(buf);
    if (inf)
        wat_fail(c, t, "constant out of range for f%u", bits);
    return out | sign;
bad:;
    char tb[64];
    wat_fail(c, t, "unexpected token %s, expected an f%u constant",
             wat_tok_text(c, t, tb, sizeof tb), bits);
}

uint32_t wat_f32(wat_ctx *c, const wat_token *t) { return (uint32_t)parse_float(c, t, 32); }
uint64_t wat_f64(wat_ctx *c, const wat_token *t) { return parse_float(c, t, 64); }

/* ---- v128 shapes ---------------------------------------------------------- */

static const struct { const char *kw; wat_shape shape; } shapes[] = {
    {"i8x16", {16, 8, false}}, {"i16x8", {8, 16, false}}, {"i32x4", {4, 32, false}},
    {"i64x2", {2, 64, false}}, {"f32x4", {4, 32, true}},  {"f64x2", {2, 64, true}},
};

wat_shape wat_v128_shape(wat_ctx *c, const wat_token *t)
{
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        if (wat_is_kw(c, t, shapes[s].kw))
            return shapes[s].shape;
    wat_fail(c, t, "unexpected token, expected a v128 shape (i8x16, ..., f64x2)");
}

uint64_t wat_lane(wat_ctx *c, const wat_token *t, wat_shape sh)
{
    if (!sh.fl)
        return wat_int(c, t, sh.bits);
    return sh.bits == 32 ? wat_f32(c, t) : wat_f64(c, t);
}
