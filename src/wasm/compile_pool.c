/*
 * compile_pool.c — a function body's constant pool, collected by a quick
 * scan before the body is compiled.
 *
 * The pool's size fixes where the operand stack's slots start (code.h:
 * params, locals, pool, stack), so it must be known before the first slot
 * number is emitted. The compiler used to find it with a whole first
 * validate-and-emit pass; this scan only steps over immediates, which is a
 * small fraction of that. The one difference: the old first pass skipped
 * unreachable code, while the scan pools every constant of the body, so a
 * constant that appears only in dead code takes a pool slot (harmless: it
 * is copied in at function entry and never read). Bodies without dead
 * constants get the same pool, in the same order, as before.
 *
 * The scan trusts nothing and reports nothing: on anything it does not
 * recognise (malformed or unsupported code) it stops, and the compile pass
 * that follows gives the error. Whatever the pool holds, code stays
 * correct: the compiler looks each constant up, and one not pooled is
 * emitted as an explicit CONST.
 */
#include <assert.h>
#include <string.h>

#include "compile.h"

typedef struct scan {
    const uint8_t *p, *end;
} scan;

/* Step over one LEB128 (any length: the compile pass checks it). */
static bool skip_leb(scan *s)
{
    while (s->p < s->end)
        if (!(*s->p++ & 0x80))
            return true;
    return false;
}

static bool skip_lebs(scan *s, unsigned n)
{
    while (n--)
        if (!skip_leb(s))
            return false;
    return true;
}

static bool skip_bytes(scan *s, uint64_t n)
{
    if (n > (uint64_t)(s->end - s->p))
        return false;
    s->p += n;
    return true;
}

/* A LEB128 value; bits beyond 64 are ignored (such an encoding is
   malformed and the compile pass says so). */
static bool rd_leb(scan *s, bool is_signed, uint64_t *out)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
        if (s->p >= s->end)
            return false;
        b = *s->p++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    if (is_signed && shift < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    *out = v;
    return true;
}

/* The pool being collected, with a hash index over it: a body may hold
   hundreds of constants, and a linear search of up to 128 entries for
   each was most of the scan's time. */
typedef struct pool {
    cc *c;
    uint8_t index[2 * OX_MAX_CONSTS]; /* 0 = empty, else pool index + 1 */
} pool_t;

static_assert(OX_MAX_CONSTS < 256, "pool indices are stored in a byte");

/* Pool `bits` unless present; false once the pool is full. */
static bool pool(pool_t *pl, uint64_t bits)
{
    cc *c = pl->c;
    uint32_t mask = sizeof pl->index - 1;
    uint32_t h = (uint32_t)((bits * 0x9e3779b97f4a7c15u) >> 56) & mask;
    for (;; h = (h + 1) & mask) {
        uint8_t k = pl->index[h];
        if (k == 0)
            break;
        if (c->consts[k - 1] == bits)
            return true;
    }
    if (c->nconsts == OX_MAX_CONSTS)
        return false;
    c->consts[c->nconsts++] = bits;
    pl->index[h] = (uint8_t)c->nconsts;
    return true;
}

/* The 0xFC-prefixed instructions: the number of index immediates. */
static bool skip_prefixed(scan *s)
{
    uint64_t sub;
    if (!rd_leb(s, false, &sub))
        return false;
    if (sub <= 7) /* trunc_sat */
        return true;
    switch (sub) {
    case 8:  /* memory.init dataidx 0x00 */
    case 10: /* memory.copy 0x00 0x00 */
    case 12: /* table.init elemidx tableidx */
    case 14: /* table.copy dst src */
        return skip_lebs(s, 2);
    case 9:  /* data.drop */
    case 11: /* memory.fill 0x00 */
    case 13: /* elem.drop */
    case 15: /* table.grow */
    case 16: /* table.size */
    case 17: /* table.fill */
        return skip_leb(s);
    default:
        return false;
    }
}

void oxc_collect_consts(cc *c, const uint8_t *body, const uint8_t *end)
{
    scan s = {body, end};
    pool_t pl;
    uint64_t n;
    pl.c = c;
    memset(pl.index, 0, sizeof pl.index);
    c->nconsts = 0;
    /* locals: vec((count, valtype)) */
    if (!rd_leb(&s, false, &n))
        return;
    for (uint64_t g = 0; g < n; g++)
        if (!skip_leb(&s) || !skip_bytes(&s, 1))
            return;
    while (s.p < s.end) {
        uint8_t op = *s.p++;
        uint64_t v;
        bool ok = true;
        /* The most frequent first: numeric instructions (no immediate)
           and local.get/set/tee (one index). */
        if (op >= 0x45 && op <= 0xC4)
            continue;
        if (op >= 0x20 && op <= 0x22) {
            if (!skip_leb(&s))
                return;
            continue;
        }
        switch (op) {
        case 0x02: /* block, loop, if: 0x40, a value type or an s33 type index */
        case 0x03:
        case 0x04:
            if (s.p < s.end && (*s.p == 0x40 || *s.p == OX_I32 || *s.p == OX_I64 ||
                                *s.p == OX_F32 || *s.p == OX_F64 || *s.p == OX_FUNCREF ||
                                *s.p == OX_EXTERNREF))
                s.p++;
            else
                ok = skip_leb(&s);
            break;
        case 0x0C: /* br, br_if, call, local.*, global.*, table.get/set, ref.func */
        case 0x0D:
        case 0x10:
        case 0x20:
        case 0x21:
        case 0x22:
        case 0x23:
        case 0x24:
        case 0x25:
        case 0x26:
        case 0xD2:
        case 0x3F: /* memory.size, memory.grow: 0x00 */
        case 0x40:
        case 0xD0: /* ref.null t (and pooled, below) */
            ok = skip_leb(&s);
            if (ok && op == 0xD0)
                ok = pool(&pl, 0); /* a null reference is a zero slot */
            break;
        case 0x0E: /* br_table: vec(label) default */
            ok = rd_leb(&s, false, &v);
            /* each label takes at least a byte: bounded by the body */
            for (uint64_t k = 0; ok && k <= v; k++)
                ok = skip_leb(&s);
            break;
        case 0x11: /* call_indirect typeidx tableidx */
            ok = skip_lebs(&s, 2);
            break;
        case 0x1C: /* select t*: vec(valtype) */
            ok = rd_leb(&s, false, &v) && skip_bytes(&s, v);
            break;
        case 0x41: /* i32.const: the slot image the compiler pools */
            ok = rd_leb(&s, true, &v) && pool(&pl, (uint32_t)v);
            break;
        case 0x42: /* i64.const */
            ok = rd_leb(&s, true, &v) && pool(&pl, v);
            break;
        case 0x43: { /* f32.const: raw little-endian bits */
            uint32_t u;
            ok = s.end - s.p >= 4;
            if (ok) {
                memcpy(&u, s.p, 4);
                s.p += 4;
                ok = pool(&pl, u);
            }
            break;
        }
        case 0x44: /* f64.const */
            ok = s.end - s.p >= 8;
            if (ok) {
                memcpy(&v, s.p, 8);
                s.p += 8;
                ok = pool(&pl, v);
            }
            break;
        case 0xFC:
            ok = skip_prefixed(&s);
            break;
        default:
            /* loads and stores: memarg (align, offset) */
            if (op >= 0x28 && op <= 0x3E)
                ok = skip_lebs(&s, 2);
            /* no immediates: control without labels, drop, select, the
               numeric instructions, ref.is_null */
            else if (!(op <= 0x01 || op == 0x05 || op == 0x0B || op == 0x0F || op == 0x1A ||
                       op == 0x1B || (op >= 0x45 && op <= 0xC4) || op == 0xD1))
                ok = false; /* not an instruction the compiler accepts */
        }
        if (!ok)
            return;
    }
}
