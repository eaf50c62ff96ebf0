/*
 * wast_values.c — the constants of spec scripts: arguments, expected
 * results with their NaN patterns and reference forms, and how values are
 * compared and printed.
 *
 * A script writes values as constant instructions, read here with the text
 * format's own number readers (wat_num.c). An externref argument
 * (ref.extern N) is the host pointer N + 1, so that 0 stays null.
 */
#include <inttypes.h>
#include <string.h>

#include "wast_internal.h"


static oxw_pattern nan_pattern(wat_ctx *c, const wat_token *t)
{
    if (wat_is_kw(c, t, "nan:canonical"))
        return OXW_NAN_CANONICAL;
    if (wat_is_kw(c, t, "nan:arithmetic"))
        return OXW_NAN_ARITHMETIC;
    return OXW_EXACT;
}

static void put_lane(uint8_t *v, unsigned bytes, unsigned i, uint64_t bits)
{
    for (unsigned b = 0; b < bytes; b++)
        v[i * bytes + b] = (uint8_t)(bits >> (8 * b));
}

static uint64_t get_lane(const uint8_t *v, unsigned bytes, unsigned i)
{
    uint64_t x = 0;
    for (unsigned b = 0; b < bytes; b++)
        x |= (uint64_t)v[i * bytes + b] << (8 * b);
    return x;
}

/* One value; patterns only when `e` is given (an expected result). */
static void parse_value(wat_ctx *c, ox_val *v, oxw_expect *e)
{
    memset(v, 0, sizeof *v);
    wat_expect_lpar(c);
    const wat_token *kw = wat_next(c);
    const wat_token *t = wat_peek(c);
    if (wat_is_kw(c, kw, "i32.const")) {
        v->type = OX_I32;
        v->of.i32 = (int32_t)(uint32_t)wat_int(c, wat_next(c), 32);
    } else if (wat_is_kw(c, kw, "i64.const")) {
        v->type = OX_I64;
        v->of.i64 = (int64_t)wat_int(c, wat_next(c), 64);
    } else if (wat_is_kw(c, kw, "f32.const") || wat_is_kw(c, kw, "f64.const")) {
        bool f32 = wat_is_kw(c, kw, "f32.const");
        v->type = f32 ? OX_F32 : OX_F64;
        oxw_pattern p = e ? nan_pattern(c, t) : OXW_EXACT;
        if (p != OXW_EXACT) {
            e->pattern = p;
            c->pos++;
        } else if (f32) {
            uint32_t b = wat_f32(c, wat_next(c));
            memcpy(&v->of.f32, &b, 4);
        } else {
            uint64_t b = wat_f64(c, wat_next(c));
            memcpy(&v->of.f64, &b, 8);
        }
    } else if (wat_is_kw(c, kw, "v128.const")) {
        v->type = OX_V128;
        wat_shape sh = wat_v128_shape(c, wat_next(c));
        unsigned bytes = sh.bits / 8;
        if (e)
            e->lane_bytes = bytes;
        for (unsigned i = 0; i < sh.lanes; i++) {
            const wat_token *lt = wat_next(c);
            oxw_pattern p = e && sh.fl ? nan_pattern(c, lt) : OXW_EXACT;
            if (p != OXW_EXACT)
                e->lanes[i] = p;
            else
                put_lane(v->of.v128, bytes, i, wat_lane(c, lt, sh));
        }
    } else if (wat_is_kw(c, kw, "ref.null")) {
        /* any null of the hierarchy: the abstract type's nullable form */
        static const struct { const char *kw; ox_valtype t; } nulls[] = {
            {"func", OX_FUNCREF}, {"nofunc", OX_NULLFUNCREF}, {"extern", OX_EXTERNREF},
            {"noextern", OX_NULLEXTERNREF}, {"any", OX_ANYREF}, {"eq", OX_EQREF},
            {"i31", OX_I31REF}, {"struct", OX_STRUCTREF}, {"array", OX_ARRAYREF},
            {"none", OX_NULLREF}, {"exn", OX_EXNREF}, {"noexn", OX_NULLEXNREF},
        };
        const wat_token *ht = wat_peek(c);
        size_t i = 0;
        while (i < sizeof nulls / sizeof nulls[0] && !wat_is_kw(c, ht, nulls[i].kw))
            i++;
        if (ht->kind == WT_RPAR && e) { /* (ref.null): a null of any type */
            v->type = OX_FUNCREF;
            e->pattern = OXW_ANY_NULL;
        } else if (i == sizeof nulls / sizeof nulls[0]) {
            wat_fail(c, ht, "unexpected token, expected a heap type");
        } else {
            v->type = nulls[i].t;
            c->pos++;
            if (e)
                e->pattern = OXW_ANY_NULL;
        }
    } else if (wat_is_kw(c, kw, "ref.host")) {
        /* a host value as an anyref: the runner boxes it for the call
           (wast_run.c); as a result, a boxed one of that value */
        v->type = OX_ANYREF;
        v->of.anyref = (void *)(uintptr_t)(wat_uint(c, wat_next(c), 32) + 1);
        if (e) {
            e->pattern = OXW_ANYREF_KIND;
            e->kinds = 1u << OX_ANYREF_HOST;
        }
    } else if (e && (wat_is_kw(c, kw, "ref.any") || wat_is_kw(c, kw, "ref.eq") ||
                     wat_is_kw(c, kw, "ref.i31") || wat_is_kw(c, kw, "ref.struct") ||
                     wat_is_kw(c, kw, "ref.array"))) {
        static const char *const names[] = {"ref.any", "ref.eq", "ref.i31", "ref.struct",
                                            "ref.array"};
        static const unsigned kinds[] = {
            1u << OX_ANYREF_I31 | 1u << OX_ANYREF_STRUCT | 1u << OX_ANYREF_ARRAY | 1u << OX_ANYREF_HOST,
            1u << OX_ANYREF_I31 | 1u << OX_ANYREF_STRUCT | 1u << OX_ANYREF_ARRAY,
            1u << OX_ANYREF_I31, 1u << OX_ANYREF_STRUCT, 1u << OX_ANYREF_ARRAY};
        size_t i = 0;
        while (!wat_is_kw(c, kw, names[i]))
            i++;
        v->type = OX_ANYREF;
        e->pattern = OXW_ANYREF_KIND;
        e->kinds = kinds[i];
    } else if (wat_is_kw(c, kw, "ref.extern")) {
        v->type = OX_EXTERNREF;
        if (wat_peek(c)->kind == WT_RPAR && e)
            e->pattern = OXW_ANY_NONNULL;
        else
            v->of.externref = (void *)(uintptr_t)(wat_uint(c, wat_next(c), 32) + 1);
    } else if (wat_is_kw(c, kw, "ref.func") && e) {
        /* functions have no identity a script can name: any non-null one */
        v->type = OX_FUNCREF;
        e->pattern = OXW_ANY_NONNULL;
        if (wat_peek(c)->kind != WT_RPAR)
            c->pos++;
    } else {
        char buf[64];
        wat_fail(c, kw, "value %s not supported (yet)", wat_tok_text(c, kw, buf, sizeof buf));
    }
    wat_expect_rpar(c);
}

void oxw_parse_arg(wat_ctx *c, ox_val *out) { parse_value(c, out, NULL); }

void oxw_parse_expect(wat_ctx *c, oxw_expect *out)
{
    memset(out, 0, sizeof *out);
    parse_value(c, &out->val, out);
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

static bool nan_matches(oxw_pattern p, uint64_t bits, unsigned bytes)
{
    uint64_t quiet = bytes == 4 ? 0x7fc00000u : UINT64_C(0x7ff8000000000000);
    uint64_t mag = bits & (bytes == 4 ? 0x7fffffffu : UINT64_C(0x7fffffffffffffff));
    return p == OXW_NAN_CANONICAL ? mag == quiet : (mag & quiet) == quiet;
}

bool oxw_match(const oxw_expect *e, const ox_val *got)
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
        if (e->pattern != OXW_EXACT)
            return nan_matches(e->pattern, g, want->type == OX_F32 ? 4 : 8);
        return g == float_bits(want, want->type);
    }
    case OX_V128:
        for (unsigned i = 0; i < 16 / e->lane_bytes; i++) {
            uint64_t g = get_lane(got->of.v128, e->lane_bytes, i);
            if (e->lanes[i] != OXW_EXACT) {
                if (!nan_matches(e->lanes[i], g, e->lane_bytes))
                    return false;
            } else if (g != get_lane(want->of.v128, e->lane_bytes, i)) {
                return false;
            }
        }
        return true;
    }
    if (!ox_valtype_is_ref(got->type))
        return false;
    if (e->pattern == OXW_ANY_NULL)
        return got->of.anyref == NULL;
    if (e->pattern == OXW_ANYREF_KIND) {
        ox_anyref_kind k = ox_anyref_kind_of(got->of.anyref);
        if (!(e->kinds >> k & 1))
            return false;
        return k != OX_ANYREF_HOST || e->kinds != 1u << OX_ANYREF_HOST ||
               ox_anyref_host_value(got->of.anyref) == want->of.anyref;
    }
    if (e->pattern == OXW_ANY_NONNULL)
        return got->of.anyref != NULL;
    return got->of.anyref == want->of.anyref;
}

void oxw_format_val(const ox_val *v, char *buf, size_t len)
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
    if (ox_valtype_is_ref(v->type)) {
        char t[48];
        snprintf(buf, len, "%s:%s", ox_valtype_str(v->type, t, sizeof t),
                 v->of.anyref ? "non-null" : "null");
        return;
    }
    snprintf(buf, len, "?(type 0x%x)", (unsigned)v->type);
}

void oxw_format_expect(const oxw_expect *e, char *buf, size_t len)
{
    if (e->pattern == OXW_NAN_CANONICAL || e->pattern == OXW_NAN_ARITHMETIC) {
        snprintf(buf, len, "%s:%s", ox_valtype_name(e->val.type),
                 e->pattern == OXW_NAN_CANONICAL ? "nan:canonical" : "nan:arithmetic");
    } else if (e->pattern == OXW_ANYREF_KIND) {
        snprintf(buf, len, "anyref of kinds 0x%x", e->kinds);
    } else if (e->pattern == OXW_ANY_NONNULL || e->pattern == OXW_ANY_NULL) {
        snprintf(buf, len, "%s:%s", ox_valtype_name(e->val.type),
                 e->pattern == OXW_ANY_NULL ? "null" : "non-null");
    } else if (e->val.type == OX_V128) {
        size_t n = (size_t)snprintf(buf, len, "v128 i%u:", e->lane_bytes * 8);
        for (unsigned i = 0; i < 16 / e->lane_bytes && n < len; i++) {
            if (e->lanes[i] != OXW_EXACT)
                n += (size_t)snprintf(buf + n, len - n, " %s",
                                      e->lanes[i] == OXW_NAN_CANONICAL ? "nan:canonical"
                                                                       : "nan:arithmetic");
            else
                n += (size_t)snprintf(buf + n, len - n, " 0x%" PRIx64,
                                      get_lane(e->val.of.v128, e->lane_bytes, i));
        }
    } else {
        oxw_format_val(&e->val, buf, len);
    }
}
