/*
 * compile_read.c — reading a function body for the compiler: the error
 * constructors (reference interpreter wording, offset of the current
 * instruction), the LEB128 readers (leb.h) past their inline fast path,
 * and an instruction's immediates as its table line says.
 */
#include <stdlib.h>
#include <string.h>

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

bool oxc_grow_stack(cc *c, uint32_t need)
{
    /* the three grow alike from the same capacity; if one fails, capvs
       keeps the old one, which all three still have room for */
    uint32_t cv = c->capvs, cl = c->capvs, co = c->capvs;
    if (!oxc_grow_to(c, (void **)&c->vs, &cv, need, sizeof(ox_valtype)) ||
        !oxc_grow_to(c, (void **)&c->loc, &cl, need, sizeof(uint32_t)) ||
        !oxc_grow_to(c, (void **)&c->own, &co, need, sizeof(uint32_t)))
        return false;
    c->capvs = cv;
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

/* ---- Immediates ---------------------------------------------------------- */


/* A lane index byte, below the instruction's lane count. */
static bool rd_lane(cc *c, const ox_opinfo *oi, oxc_imm *im)
{
    if (!oxc_rd_byte(c, &im->lane))
        return false;
    if (im->lane >= oi->lanes)
        return oxc_invalid(c, "invalid lane index");
    return true;
}

/* A memarg: the alignment exponent in a, the offset in v (a u64 since 3.0;
   compile.c refuses one above 2^32 - 1 for a 32-bit memory) and its low
   half in b, the memory in mem. Flags with bit 6 set carry a memory index
   after them (multi-memory, 3.0). */
static bool rd_memarg(cc *c, oxc_imm *im)
{
    if (!oxc_rd_u32(c, &im->a))
        return false;
    if (im->a >= 128)
        return oxc_malformed(c, "malformed memop flags");
    if (im->a & 0x40) {
        im->a &= ~0x40u;
        if (!oxc_rd_u32(c, &im->mem))
            return false;
    }
    if (!oxc_rd_uleb(c, 64, &im->v))
        return false;
    im->b = (uint32_t)im->v;
    return true;
}

bool oxc_rd_imm_any(cc *c, const ox_opinfo *oi, oxc_imm *im)
{
    uint8_t kind = oi->imm;
    switch (kind) {
    case OX_IMM_LABEL: case OX_IMM_FUNC: case OX_IMM_LOCAL: case OX_IMM_GLOBAL:
    case OX_IMM_TABLE: case OX_IMM_DATA: case OX_IMM_ELEM: case OX_IMM_TAG:
    case OX_IMM_TYPE:
        return oxc_rd_u32(c, &im->a);
    case OX_IMM_MEMARG:
        return rd_memarg(c, im);
    case OX_IMM_CALL_INDIRECT: case OX_IMM_ELEM_TABLE: case OX_IMM_TABLE_TABLE:
    case OX_IMM_TYPE_FIELD: case OX_IMM_TYPE_N: case OX_IMM_TYPE_DATA: case OX_IMM_TYPE_ELEM:
    case OX_IMM_TYPE_TYPE:
        return oxc_rd_u32(c, &im->a) && oxc_rd_u32(c, &im->b);
    case OX_IMM_HEAP: {
        ox_heaptype h;
        if (!oxc_rd_heaptype(c, &h))
            return false;
        im->a = h;
        return true;
    }
    case OX_IMM_DATA_MEM: /* memory indices: a byte 0x00 in 2.0, any index in 3.0 */
        return oxc_rd_u32(c, &im->a) && oxc_rd_u32(c, &im->mem);
    case OX_IMM_MEM:
        return oxc_rd_u32(c, &im->mem);
    case OX_IMM_MEM_MEM: /* memory.copy: destination, then source */
        return oxc_rd_u32(c, &im->mem) && oxc_rd_u32(c, &im->mem2);
    case OX_IMM_I32: {
        int64_t v;
        if (!oxc_rd_sleb(c, 32, &v))
            return false;
        im->v = (uint32_t)v;
        return true;
    }
    case OX_IMM_I64: {
        int64_t v;
        if (!oxc_rd_sleb(c, 64, &v))
            return false;
        im->v = (uint64_t)v;
        return true;
    }
    case OX_IMM_F32: case OX_IMM_F64: { /* raw little-endian bits */
        size_t n = kind == OX_IMM_F32 ? 4 : 8;
        if ((size_t)(c->end - c->p) < n)
            return oxc_malformed(c, "unexpected end");
        im->v = 0;
        memcpy(&im->v, c->p, n);
        c->p += n;
        return true;
    }
    case OX_IMM_V128: case OX_IMM_SHUFFLE:
        if (c->end - c->p < 16)
            return oxc_malformed(c, "unexpected end");
        im->bytes = c->p;
        c->p += 16;
        if (kind == OX_IMM_SHUFFLE)
            for (int k = 0; k < 16; k++)
                if (im->bytes[k] >= 32)
                    return oxc_invalid(c, "invalid lane index");
        return true;
    case OX_IMM_LANE:
        return rd_lane(c, oi, im);
    case OX_IMM_MEMARG_LANE:
        return rd_memarg(c, im) && rd_lane(c, oi, im);
    case OX_IMM_REFTYPE: { /* ref.null's heap type */
        ox_heaptype h;
        if (!oxc_rd_heaptype(c, &h))
            return false;
        im->a = h;
        return true;
    }
    default: /* none, or read by the instruction */
        return true;
    }
}

/* A parse failure of valtype.h at c->p: malformed, or the body's end. */
static bool type_fail(cc *c, const char *why)
{
    if (!strcmp(why, "unexpected end"))
        return oxc_malformed(c, "unexpected end");
    return oxc_malformed(c, why);
}

/* A concrete type's index is one of the module's types. */
static bool check_heap(cc *c, ox_heaptype h)
{
    if (ox_heap_is_concrete(h) && ox_ref_typeidx(h) >= c->m->ntypes)
        return oxc_unknown(c, "type", ox_ref_typeidx(h));
    return true;
}

bool oxc_rd_valtype(cc *c, bool ref_only, ox_valtype *t)
{
    if (!ref_only && c->p < c->end && ox_is_numtype(*c->p)) { /* a byte, the type itself */
        *t = *c->p++;
        return true;
    }
    *t = 0;
    const char *why = ox_valtype_parse(&c->p, c->end, ref_only, t);
    if (why)
        return type_fail(c, why);
    return !ox_is_reftype(*t) || check_heap(c, ox_ref_heap(*t));
}

bool oxc_rd_heaptype(cc *c, ox_heaptype *h)
{
    *h = 0;
    const char *why = ox_heaptype_parse(&c->p, c->end, h);
    if (why)
        return type_fail(c, why);
    return check_heap(c, *h);
}
