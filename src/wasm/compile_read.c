/*
 * compile_read.c — reading a function body for the compiler: the error
 * constructors (reference interpreter wording, offset of the current
 * instruction) and the LEB128 readers with the binary format's limits
 * (spec 5.2.2: at most ceil(N/7) bytes, unused bits of the last byte zero
 * for unsigned and sign copies for signed integers).
 */
#include <stdlib.h>

#include "compile.h"

bool oxc_fail(cc *c, ox_errcode code, const char *msg)
{
    if (!c->err)
        c->err = ox_err_at(code, (int64_t)(c->ip - c->m->bytes), "%s", msg);
    return false;
}
/* "unknown local 7": the reference's wording, with the index. */
bool oxc_unknown(cc *c, const char *what, uint64_t idx)
{
    if (!c->err)
        c->err = ox_err_at(OX_ERR_INVALID, (int64_t)(c->ip - c->m->bytes), "unknown %s %llu",
                           what, (unsigned long long)idx);
    return false;
}
bool oxc_invalid(cc *c, const char *msg) { return oxc_fail(c, OX_ERR_INVALID, msg); }
bool oxc_malformed(cc *c, const char *msg) { return oxc_fail(c, OX_ERR_MALFORMED, msg); }
bool oxc_nomem(cc *c)
{
    if (!c->err)
        c->err = ox_error_new(OX_ERR_NOMEM, "out of memory compiling a function body");
    return false;
}

bool oxc_grow_to(cc *c, void **v, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    uint32_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > UINT32_MAX / 2)
            return oxc_nomem(c);
        n *= 2;
    }
    void *p = realloc(*v, (size_t)n * elem);
    if (!p)
        return oxc_nomem(c);
    *v = p;
    *cap = n;
    return true;
}

/* Unsigned LEB128 of at most `bits` bits (spec 5.2.2). */
bool oxc_rd_uleb(cc *c, unsigned bits, uint64_t *out)
{
    uint64_t v = 0;
    unsigned shift = 0;
    for (;;) {
        uint8_t b = 0;
        if (!oxc_rd_byte(c, &b))
            return false;
        if (shift + 7 >= bits) {
            /* last permitted byte: no continuation, no bits beyond `bits` */
            if (b & 0x80)
                return oxc_malformed(c, "integer representation too long");
            if ((b & 0x7f) >> (bits - shift))
                return oxc_malformed(c, "integer too large");
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        shift += 7;
    }
    *out = v;
    return true;
}

bool oxc_rd_u32_any(cc *c, uint32_t *out)
{
    uint64_t v;
    if (!oxc_rd_uleb(c, 32, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Signed LEB128 of at most `bits` bits: the unused bits of the last byte
   must be copies of the sign bit. */
bool oxc_rd_sleb_any(cc *c, unsigned bits, int64_t *out)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b = 0;
    for (;;) {
        if (!oxc_rd_byte(c, &b))
            return false;
        if (shift + 7 >= bits) {
            if (b & 0x80)
                return oxc_malformed(c, "integer representation too long");
            unsigned used = bits - shift; /* 1..7 value bits in this byte */
            /* bits from the sign bit (used-1) up to bit 6 must be equal */
            int top = (b & 0x7f) >> (used - 1);
            int allones = 0x7f >> (used - 1);
            if (top != 0 && top != allones)
                return oxc_malformed(c, "integer too large");
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    if (shift < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    *out = (int64_t)v;
    return true;
}

bool oxc_zero_byte(cc *c)
{
    uint8_t b = 0;
    if (!oxc_rd_byte(c, &b))
        return false;
    if (b != 0)
        return oxc_malformed(c, "zero byte expected");
    return true;
}

