/*
 * compile_read.c — reading a function body for the compiler: the error
 * constructors (reference interpreter wording, offset of the current
 * instruction) and the LEB128 readers (leb.h) past their inline fast path.
 */
#include <stdlib.h>

#include "compile.h"
#include "leb.h"

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

/* LEB128 past the one-byte fast path of compile.h (leb.h has the rules). */
static bool leb_fail(cc *c, ox_leb st)
{
    return oxc_malformed(c, st == OX_LEB_EOF ? "unexpected end" : ox_leb_message(st));
}

bool oxc_rd_uleb(cc *c, unsigned bits, uint64_t *out)
{
    ox_leb st = ox_leb_u(&c->p, c->end, bits, out);
    return st == OX_LEB_OK || leb_fail(c, st);
}

bool oxc_rd_u32_any(cc *c, uint32_t *out)
{
    uint64_t v;
    if (!oxc_rd_uleb(c, 32, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

bool oxc_rd_sleb_any(cc *c, unsigned bits, int64_t *out)
{
    ox_leb st = ox_leb_s(&c->p, c->end, bits, out);
    return st == OX_LEB_OK || leb_fail(c, st);
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

