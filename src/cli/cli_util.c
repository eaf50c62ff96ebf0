/*
 * cli_util.c — value parsing and printing for the `oxide` commands.
 *
 * Everything works on bit patterns: a float argument is parsed straight to
 * its IEEE-754 bits (strtof for f32, so there is no double rounding), and a
 * float result is printed with the fewest digits that read back to the same
 * bits. NaNs are spelled by payload because C's printf cannot show one.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"

/* ---- Integers ----------------------------------------------------------- */

/* Digits only, decimal or (with hex) 0x-hex: strtoull alone would also take
   spaces, signs and empty strings. */
static bool all_digits(const char *p, bool hex)
{
    if (!*p)
        return false;
    for (; *p; p++)
        if (!(hex ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)))
            return false;
    return true;
}

static ox_error *parse_int(const char *s, unsigned bits, uint64_t *out)
{
    const char *tname = bits == 32 ? "i32" : "i64";
    const char *p = s;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    if (hex)
        p += 2;
    if (!all_digits(p, hex))
        return ox_error_new(OX_ERR_ARG, "'%s' is not an %s: expected a decimal or 0x-hex integer",
                            s, tname);
    errno = 0;
    unsigned long long m = strtoull(p, NULL, hex ? 16 : 10);
    uint64_t max_pos = bits == 32 ? UINT32_MAX : UINT64_MAX;
    uint64_t max_neg = UINT64_C(1) << (bits - 1);
    if (errno == ERANGE || (neg ? m > max_neg : m > max_pos))
        return ox_error_new(OX_ERR_ARG, "'%s' is out of range for %s (%s..%s)", s, tname,
                            bits == 32 ? "-2147483648" : "-9223372036854775808",
                            bits == 32 ? "4294967295" : "18446744073709551615");
    *out = neg ? (uint64_t)0 - m : m; /* two's complement, reduced below */
    if (bits == 32)
        *out &= UINT32_MAX;
    return NULL;
}

/* ---- Floats ------------------------------------------------------------- */

typedef struct fshape {
    unsigned bits;      /* 32 or 64 */
    uint64_t sign;      /* the sign bit */
    uint64_t exp;       /* all exponent bits */
    uint64_t mant;      /* all mantissa bits */
    uint64_t quiet;     /* the canonical NaN's payload */
    const char *name;
} fshape;

static const fshape F32 = {32, UINT64_C(0x80000000), UINT64_C(0x7f800000), UINT64_C(0x7fffff),
                           UINT64_C(0x400000), "f32"};
static const fshape F64 = {64, UINT64_C(0x8000000000000000), UINT64_C(0x7ff0000000000000),
                           UINT64_C(0xfffffffffffff), UINT64_C(0x8000000000000), "f64"};

static ox_error *parse_float(const char *s, const fshape *f, uint64_t *out)
{
    const char *p = s;
    uint64_t sign = *p == '-' ? f->sign : 0;
    if (*p == '-' || *p == '+')
        p++;
    if (!strcmp(p, "inf")) {
        *out = sign | f->exp;
        return NULL;
    }
    if (!strcmp(p, "nan")) {
        *out = sign | f->exp | f->quiet;
        return NULL;
    }
    if (!strncmp(p, "nan:0x", 6)) {
        const char *h = p + 6;
        errno = 0;
        unsigned long long payload = all_digits(h, true) ? strtoull(h, NULL, 16) : 0;
        if (errno == ERANGE || payload == 0 || payload > f->mant)
            return ox_error_new(OX_ERR_ARG,
                                "'%s' is not an %s NaN: the payload must be 0x1..0x%" PRIx64,
                                s, f->name, f->mant);
        *out = sign | f->exp | payload;
        return NULL;
    }
    /* A number must start with a digit or '.': this keeps out what strtod
       would also take (leading spaces, "infinity", "nan(...)"). */
    if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
        goto bad;
    char *end;
    errno = 0;
    if (f->bits == 32) {
        float v = strtof(s, &end);
        if (*end)
            goto bad;
        if (isinf(v))
            goto range;
        uint32_t b;
        memcpy(&b, &v, 4);
        *out = b;
    } else {
        double v = strtod(s, &end);
        if (*end)
            goto bad;
        if (isinf(v))
            goto range;
        memcpy(out, &v, 8);
    }
    return NULL; /* underflow to a subnormal or zero is correct rounding, not an error */
range:
    return ox_error_new(OX_ERR_ARG, "'%s' is out of range for %s", s, f->name);
bad:
    return ox_error_new(OX_ERR_ARG,
                        "'%s' is not an %s: expected a decimal or hex float, inf, nan or "
                        "nan:0xPAYLOAD, optionally signed", s, f->name);
}

static void format_float(uint64_t bits, const fshape *f, char *buf, size_t len)
{
    const char *sign = bits & f->sign ? "-" : "";
    uint64_t mant = bits & f->mant;
    if ((bits & f->exp) == f->exp) {
        if (!mant)
            snprintf(buf, len, "%sinf", sign);
        else if (mant == f->quiet)
            snprintf(buf, len, "%snan", sign);
        else
            snprintf(buf, len, "%snan:0x%" PRIx64, sign, mant);
        return;
    }
    /* Shortest %g that reads back to the same bits; 9 / 17 digits always do. */
    if (f->bits == 32) {
        uint32_t b32 = (uint32_t)bits;
        float v;
        memcpy(&v, &b32, 4);
        for (int prec = 1; prec <= 9; prec++) {
            snprintf(buf, len, "%.*g", prec, (double)v);
            float back = strtof(buf, NULL);
            if (!memcmp(&back, &v, 4))
                return;
        }
    } else {
        double v;
        memcpy(&v, &bits, 8);
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, len, "%.*g", prec, v);
            double back = strtod(buf, NULL);
            if (!memcmp(&back, &v, 8))
                return;
        }
    }
}

/* ---- v128 ------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static ox_error *parse_v128(const char *s, uint8_t v[16])
{
    const char *p = s;
    if (!strncmp(p, "v128:", 5))
        p += 5;
    if (strncmp(p, "0x", 2) || !all_digits(p + 2, true) || strlen(p + 2) > 32)
        return ox_error_new(OX_ERR_ARG, "'%s' is not a v128: expected v128:0x and up to 32 hex "
                            "digits", s);
    memset(v, 0, 16);
    const char *d = p + strlen(p); /* walk from the least significant digit */
    for (unsigned i = 0; d > p + 2; i++) {
        int lo = hexval(*--d);
        int hi = d > p + 2 ? hexval(*--d) : 0;
        v[i] = (uint8_t)(hi << 4 | lo);
    }
    return NULL;
}

/* ---- Public ------------------------------------------------------------- */

ox_error *cli_parse_val(const char *s, ox_valtype t, ox_val *out)
{
    memset(out, 0, sizeof *out);
    out->type = t;
    uint64_t bits;
    ox_error *err;
    switch (t) {
    case OX_I32:
        if ((err = parse_int(s, 32, &bits)))
            return err;
        out->of.i32 = (int32_t)(uint32_t)bits;
        return NULL;
    case OX_I64:
        if ((err = parse_int(s, 64, &bits)))
            return err;
        out->of.i64 = (int64_t)bits;
        return NULL;
    case OX_F32: {
        if ((err = parse_float(s, &F32, &bits)))
            return err;
        uint32_t b32 = (uint32_t)bits;
        memcpy(&out->of.f32, &b32, 4);
        return NULL;
    }
    case OX_F64:
        if ((err = parse_float(s, &F64, &bits)))
            return err;
        memcpy(&out->of.f64, &bits, 8);
        return NULL;
    case OX_V128:
        return parse_v128(s, out->of.v128);
    }
    if (ox_valtype_is_ref(t)) {
        /* A command line can name the null reference, and an i31 (i31:N)
           for a parameter that takes one (anyref, eqref, i31ref). */
        char name[48];
        ox_valtype_str(t, name, sizeof name);
        bool nullable = !(t & OX_REF_NONNULL), i31 = (t & ~OX_REF_NONNULL) == OX_ANYREF ||
                                                      (t & ~OX_REF_NONNULL) == OX_EQREF ||
                                                      (t & ~OX_REF_NONNULL) == OX_I31REF;
        if (nullable && !strcmp(s, "null"))
            return NULL;
        if (i31 && !strncmp(s, "i31:", 4)) {
            if ((err = parse_int(s + 4, 32, &bits)))
                return err;
            int32_t v = (int32_t)(uint32_t)bits;
            if (v < -(1 << 30) || v >= (1 << 30))
                return ox_error_new(OX_ERR_ARG, "'%s' is outside the 31-bit range", s);
            out->of.anyref = ox_anyref_i31(v);
            return NULL;
        }
        return ox_error_new(OX_ERR_ARG, "'%s' is not a %s: only %s%s can be given", s, name,
                            nullable ? "'null'" : "nothing", i31 ? " or 'i31:N'" : "");
    }
    return ox_error_new(OX_ERR_ARG, "cannot read a value of type 0x%02x", (unsigned)t);
}

void cli_format_val(const ox_val *v, char *buf, size_t len)
{
    switch (v->type) {
    case OX_I32:
        snprintf(buf, len, "%" PRId32, v->of.i32);
        return;
    case OX_I64:
        snprintf(buf, len, "%" PRId64, v->of.i64);
        return;
    case OX_F32: {
        uint32_t b;
        memcpy(&b, &v->of.f32, 4);
        format_float(b, &F32, buf, len);
        return;
    }
    case OX_F64: {
        uint64_t b;
        memcpy(&b, &v->of.f64, 8);
        format_float(b, &F64, buf, len);
        return;
    }
    case OX_V128: {
        size_t n = (size_t)snprintf(buf, len, "v128:0x");
        for (int i = 15; i >= 0 && n < len; i--)
            n += (size_t)snprintf(buf + n, len - n, "%02x", v->of.v128[i]);
        return;
    }
    }
    if (!ox_valtype_is_ref(v->type)) {
        snprintf(buf, len, "?(type 0x%x)", (unsigned)v->type);
        return;
    }
    if (!v->of.anyref) {
        snprintf(buf, len, "null");
        return;
    }
    /* a reference's kind comes from its hierarchy (the declared type) */
    ox_valtype h = v->type & ~OX_REF_NONNULL;
    if (h == OX_FUNCREF || h == OX_NULLFUNCREF) {
        snprintf(buf, len, "funcref");
    } else if (h == OX_EXTERNREF || h == OX_NULLEXTERNREF) {
        snprintf(buf, len, "externref:0x%" PRIxPTR, (uintptr_t)v->of.externref);
    } else if (h == OX_EXNREF || h == OX_NULLEXNREF) {
        snprintf(buf, len, "exnref");
    } else if (v->type & OX_REF_TYPEIDX) {
        /* a concrete type: a function, or a struct or an array */
        ox_anyref_kind k = ox_anyref_kind_of(v->of.anyref);
        snprintf(buf, len, "%s", k == OX_ANYREF_STRUCT ? "struct" : k == OX_ANYREF_ARRAY ? "array"
                                                                                       : "ref");
    } else {
        switch (ox_anyref_kind_of(v->of.anyref)) {
        case OX_ANYREF_I31: snprintf(buf, len, "i31:%" PRId32, ox_anyref_i31_value(v->of.anyref)); break;
        case OX_ANYREF_STRUCT: snprintf(buf, len, "struct"); break;
        case OX_ANYREF_ARRAY: snprintf(buf, len, "array"); break;
        default:
            snprintf(buf, len, "host:0x%" PRIxPTR, (uintptr_t)ox_anyref_host_value(v->of.anyref));
            break;
        }
    }
}

static size_t append(char *buf, size_t len, size_t n, const char *s)
{
    if (n < len)
        n += (size_t)snprintf(buf + n, len - n, "%s", s);
    return n;
}

static size_t format_types(char *buf, size_t len, size_t n, const ox_valtype *t, uint32_t count)
{
    n = append(buf, len, n, "(");
    for (uint32_t i = 0; i < count; i++) {
        if (i)
            n = append(buf, len, n, ", ");
        char name[48];
        n = append(buf, len, n, ox_valtype_str(t[i], name, sizeof name));
    }
    return append(buf, len, n, ")");
}

void cli_format_functype(const ox_functype *t, char *buf, size_t len)
{
    if (!len)
        return;
    buf[0] = 0;
    size_t n = format_types(buf, len, 0, t->params, t->nparams);
    n = append(buf, len, n, " -> ");
    format_types(buf, len, n, t->results, t->nresults);
}

static void format_limits(const ox_limits *l, char *buf, size_t len)
{
    const char *at = l->is64 ? "i64 " : "";
    if (l->has_max)
        snprintf(buf, len, "%s%" PRIu64 "..%" PRIu64, at, l->min, l->max);
    else
        snprintf(buf, len, "%s%" PRIu64 "..", at, l->min);
}

void cli_format_externtype(const ox_externtype *t, char *buf, size_t len)
{
    char lim[48];
    switch (t->kind) {
    case OX_EXTERN_FUNC: {
        char ft[512];
        cli_format_functype(&t->u.func, ft, sizeof ft);
        snprintf(buf, len, "func %s", ft);
        return;
    }
    case OX_EXTERN_TABLE:
        format_limits(&t->u.table.limits, lim, sizeof lim);
        char et[48];
        snprintf(buf, len, "table %s %s", ox_valtype_str(t->u.table.elem, et, sizeof et), lim);
        return;
    case OX_EXTERN_MEMORY:
        format_limits(&t->u.memory, lim, sizeof lim);
        snprintf(buf, len, "memory %s pages", lim);
        return;
    case OX_EXTERN_GLOBAL:
        char gt[48];
        snprintf(buf, len, "global %s%s", t->u.global.mutable_ ? "mut " : "",
                 ox_valtype_str(t->u.global.type, gt, sizeof gt));
        return;
    case OX_EXTERN_TAG: {
        char ft[512];
        cli_format_functype(&t->u.tag, ft, sizeof ft);
        snprintf(buf, len, "tag %s", ft);
        return;
    }
    }
    snprintf(buf, len, "?(kind %d)", (int)t->kind);
}

void cli_format_name(const char *name, size_t name_len, char *buf, size_t len)
{
    if (!len)
        return;
    size_t n = 0;
    for (size_t i = 0; i < name_len; i++) {
        unsigned char c = (unsigned char)name[i];
        bool plain = c >= 0x80 || (c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
        if (n + (plain ? 1 : 3) >= len) /* keep room for the NUL; truncate */
            break;
        if (plain)
            buf[n++] = (char)c;
        else
            n += (size_t)snprintf(buf + n, len - n, "\\%02x", c);
    }
    buf[n] = 0;
}
