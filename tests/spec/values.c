/*
 * values.c — wast2json values to ox_val, and result matching.
 *
 * wast2json writes every number as an unsigned decimal string of its bits:
 * "4294967295" is i32 -1 and an f32 is the decimal of its IEEE-754 bits.
 * So parsing is always "read a uint64, check it fits, reinterpret", and
 * float comparison is on bits, never on C float equality (which would call
 * -0 == +0 equal and every NaN unequal to itself).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "spectest.h"

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

static bool type_from_name(const char *s, ox_valtype *t)
{
    static const struct { const char *name; ox_valtype t; } types[] = {
        {"i32", OX_I32}, {"i64", OX_I64}, {"f32", OX_F32}, {"f64", OX_F64},
        {"v128", OX_V128}, {"funcref", OX_FUNCREF}, {"externref", OX_EXTERNREF},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(s, types[i].name)) {
            *t = types[i].t;
            return true;
        }
    return false;
}

static bool lane_from_name(const char *s, unsigned *bytes, bool *is_float)
{
    *is_float = s[0] == 'f';
    if (!strcmp(s, "i8"))
        *bytes = 1;
    else if (!strcmp(s, "i16"))
        *bytes = 2;
    else if (!strcmp(s, "i32") || !strcmp(s, "f32"))
        *bytes = 4;
    else if (!strcmp(s, "i64") || !strcmp(s, "f64"))
        *bytes = 8;
    else
        return false;
    return true;
}

static st_pattern nan_pattern(const char *s)
{
    if (!strcmp(s, "nan:canonical"))
        return ST_NAN_CANONICAL;
    if (!strcmp(s, "nan:arithmetic"))
        return ST_NAN_ARITHMETIC;
    return ST_EXACT;
}

/* Store `bits` (little-endian, as wasm does) into lane i of a v128. */
static void put_lane(uint8_t *v, unsigned bytes, unsigned i, uint64_t bits)
{
    for (unsigned b = 0; b < bytes; b++)
        v[i * bytes + b] = (uint8_t)(bits >> (8 * b));
}

static uint64_t get_lane(const uint8_t *v, unsigned bytes, unsigned i)
{
    uint64_t bits = 0;
    for (unsigned b = 0; b < bytes; b++)
        bits |= (uint64_t)v[i * bytes + b] << (8 * b);
    return bits;
}

/* Shared by arguments and expectations: everything but the patterns. When
   `e` is non-NULL, "nan:..." strings are accepted and recorded in it. */
static bool parse_value(json_t *j, ox_val *out, st_expect *e, char *why, size_t whylen)
{
    const char *tname = json_string_value(json_object_get(j, "type"));
    json_t *jv = json_object_get(j, "value");
    ox_valtype t;
    if (!tname || !type_from_name(tname, &t)) {
        snprintf(why, whylen, "unknown value type '%s'", tname ? tname : "(none)");
        return false;
    }
    memset(out, 0, sizeof *out);
    out->type = t;
    const char *s = json_string_value(jv);
    uint64_t bits;

    switch (t) {
    case OX_I32:
    case OX_I64:
    case OX_F32:
    case OX_F64: {
        bool wide = t == OX_I64 || t == OX_F64;
        if (e && s && (t == OX_F32 || t == OX_F64) && nan_pattern(s) != ST_EXACT) {
            e->pattern = nan_pattern(s);
            return true;
        }
        if (!parse_u64(s, wide ? UINT64_MAX : UINT32_MAX, &bits)) {
            snprintf(why, whylen, "bad %s value '%s'", tname, s ? s : "(none)");
            return false;
        }
        if (t == OX_I32)
            out->of.i32 = (int32_t)(uint32_t)bits;
        else if (t == OX_I64)
            out->of.i64 = (int64_t)bits;
        else if (t == OX_F32) {
            uint32_t b32 = (uint32_t)bits;
            memcpy(&out->of.f32, &b32, 4);
        } else
            memcpy(&out->of.f64, &bits, 8);
        return true;
    }
    case OX_FUNCREF:
    case OX_EXTERNREF:
        if (!jv) {
            /* (ref.func) / (ref.extern) with no index: any non-null one. */
            if (e) {
                e->pattern = ST_ANY_NONNULL_REF;
                return true;
            }
            snprintf(why, whylen, "%s argument without a value", tname);
            return false;
        }
        if (s && !strcmp(s, "null"))
            return true; /* the union is already zeroed: NULL */
        if (t == OX_EXTERNREF && parse_u64(s, UINT32_MAX, &bits)) {
            /* Host reference N is any distinct non-null pointer; N+1 keeps
               (ref.extern 0) apart from null. */
            out->of.externref = (void *)(uintptr_t)(bits + 1);
            return true;
        }
        snprintf(why, whylen, "bad %s value '%s'", tname, s ? s : "(none)");
        return false;
    case OX_V128: {
        const char *lt = json_string_value(json_object_get(j, "lane_type"));
        unsigned bytes;
        bool is_float;
        if (!lt || !lane_from_name(lt, &bytes, &is_float)) {
            snprintf(why, whylen, "bad v128 lane type '%s'", lt ? lt : "(none)");
            return false;
        }
        size_t n = 16 / bytes;
        if (!json_is_array(jv) || json_array_size(jv) != n) {
            snprintf(why, whylen, "v128 of %s needs %zu lanes", lt, n);
            return false;
        }
        if (e) {
            e->lane_bytes = bytes;
            e->lane_float = is_float;
        }
        for (size_t i = 0; i < n; i++) {
            const char *ls = json_string_value(json_array_get(jv, i));
            if (e && ls && is_float && nan_pattern(ls) != ST_EXACT) {
                e->lanes[i] = nan_pattern(ls);
                continue;
            }
            uint64_t max = bytes == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * bytes)) - 1;
            if (!parse_u64(ls, max, &bits)) {
                snprintf(why, whylen, "bad %s lane %zu '%s'", lt, i, ls ? ls : "(none)");
                return false;
            }
            put_lane(out->of.v128, bytes, (unsigned)i, bits);
        }
        return true;
    }
    }
    snprintf(why, whylen, "unsupported value type '%s'", tname);
    return false;
}

bool st_parse_arg(json_t *j, ox_val *out, char *why, size_t whylen)
{
    return parse_value(j, out, NULL, why, whylen);
}

bool st_parse_expect(json_t *j, st_expect *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    return parse_value(j, &out->val, out, why, whylen);
}

static uint64_t float_bits(const ox_val *v, ox_valtype t)
{
    if (t == OX_F32) {
        uint32_t b;
        memcpy(&b, &v->of.f32, 4);
        return b;
    }
    uint64_t b;
    memcpy(&b, &v->of.f64, 8);
    return b;
}

/* NaN patterns from the spec: canonical = quiet bit only (either sign),
   arithmetic = quiet bit set, any payload. */
static bool nan_matches(st_pattern p, uint64_t bits, unsigned bytes)
{
    uint64_t exp_quiet, mag;
    if (bytes == 4) {
        exp_quiet = 0x7fc00000u;
        mag = bits & 0x7fffffffu;
    } else {
        exp_quiet = UINT64_C(0x7ff8000000000000);
        mag = bits & UINT64_C(0x7fffffffffffffff);
    }
    if (p == ST_NAN_CANONICAL)
        return mag == exp_quiet;
    return (mag & exp_quiet) == exp_quiet;
}

bool st_match(const st_expect *e, const ox_val *got)
{
    const ox_val *want = &e->val;
    switch (want->type) {
    case OX_I32:
        return got->of.i32 == want->of.i32;
    case OX_I64:
        return got->of.i64 == want->of.i64;
    case OX_F32:
    case OX_F64: {
        uint64_t g = float_bits(got, want->type);
        if (e->pattern != ST_EXACT)
            return nan_matches(e->pattern, g, want->type == OX_F32 ? 4 : 8);
        return g == float_bits(want, want->type);
    }
    case OX_FUNCREF:
        if (e->pattern == ST_ANY_NONNULL_REF)
            return got->of.funcref != NULL;
        return got->of.funcref == want->of.funcref;
    case OX_EXTERNREF:
        if (e->pattern == ST_ANY_NONNULL_REF)
            return got->of.externref != NULL;
        return got->of.externref == want->of.externref;
    case OX_V128:
        for (unsigned i = 0; i < 16 / e->lane_bytes; i++) {
            uint64_t g = get_lane(got->of.v128, e->lane_bytes, i);
            if (e->lanes[i] != ST_EXACT) {
                if (!nan_matches(e->lanes[i], g, e->lane_bytes))
                    return false;
            } else if (g != get_lane(want->of.v128, e->lane_bytes, i)) {
                return false;
            }
        }
        return true;
    }
    return false;
}

void st_format_val(const ox_val *v, char *buf, size_t len)
{
    switch (v->type) {
    case OX_I32:
        snprintf(buf, len, "i32:%" PRId32 " (0x%08" PRIx32 ")", v->of.i32, (uint32_t)v->of.i32);
        return;
    case OX_I64:
        snprintf(buf, len, "i64:%" PRId64 " (0x%016" PRIx64 ")", v->of.i64, (uint64_t)v->of.i64);
        return;
    case OX_F32:
        snprintf(buf, len, "f32:%.9g (0x%08" PRIx64 ")", (double)v->of.f32, float_bits(v, OX_F32));
        return;
    case OX_F64:
        snprintf(buf, len, "f64:%.17g (0x%016" PRIx64 ")", v->of.f64, float_bits(v, OX_F64));
        return;
    case OX_FUNCREF:
        if (v->of.funcref)
            snprintf(buf, len, "funcref:%p", (void *)v->of.funcref);
        else
            snprintf(buf, len, "funcref:null");
        return;
    case OX_EXTERNREF:
        if (v->of.externref)
            snprintf(buf, len, "externref:%" PRIuPTR, (uintptr_t)v->of.externref - 1);
        else
            snprintf(buf, len, "externref:null");
        return;
    case OX_V128: {
        size_t n = (size_t)snprintf(buf, len, "v128:");
        for (int i = 0; i < 16 && n < len; i++)
            n += (size_t)snprintf(buf + n, len - n, "%02x%s", v->of.v128[i], i == 15 ? "" : " ");
        return;
    }
    }
    snprintf(buf, len, "?(type 0x%02x)", v->type);
}

void st_format_expect(const st_expect *e, char *buf, size_t len)
{
    if (e->pattern == ST_NAN_CANONICAL || e->pattern == ST_NAN_ARITHMETIC) {
        snprintf(buf, len, "%s:%s", ox_valtype_name(e->val.type),
                 e->pattern == ST_NAN_CANONICAL ? "nan:canonical" : "nan:arithmetic");
        return;
    }
    if (e->pattern == ST_ANY_NONNULL_REF) {
        snprintf(buf, len, "%s:non-null", ox_valtype_name(e->val.type));
        return;
    }
    if (e->val.type == OX_V128) {
        size_t n = (size_t)snprintf(buf, len, "v128 %s%u:", e->lane_float ? "f" : "i",
                                    e->lane_bytes * 8);
        for (unsigned i = 0; i < 16 / e->lane_bytes && n < len; i++) {
            if (e->lanes[i] != ST_EXACT)
                n += (size_t)snprintf(buf + n, len - n, " %s",
                                      e->lanes[i] == ST_NAN_CANONICAL ? "nan:canonical"
                                                                      : "nan:arithmetic");
            else
                n += (size_t)snprintf(buf + n, len - n, " 0x%" PRIx64,
                                      get_lane(e->val.of.v128, e->lane_bytes, i));
        }
        return;
    }
    st_format_val(&e->val, buf, len);
}
