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
 *
 * The scan also counts how deep legacy `try`s nest (c->nexn): each level
 * gets a slot for its caught exception below the stack (compile_exn.c),
 * so this count, unlike the pool, must not fall short. It follows every
 * block the compiler would; where it stops, so does the compiler.
 */
#include <assert.h>
#include <string.h>

#include "compile.h"
#include "leb.h"

typedef struct scan {
    const uint8_t *p, *end;
} scan;

/* Step over one LEB128 (an index: at most 32 bits). */
static bool skip_leb(scan *s)
{
    uint64_t v;
    return ox_leb_u(&s->p, s->end, 32, &v) == OX_LEB_OK;
}

static bool skip_lebs(scan *s, unsigned n)
{
    while (n--)
        if (!skip_leb(s))
            return false;
    return true;
}

/* A memarg: flags, a memory index when flag bit 6 is set (multi-memory),
   and an offset of up to 64 bits (memory64). */
static bool skip_memarg(scan *s)
{
    uint64_t flags, v;
    return ox_leb_u(&s->p, s->end, 32, &flags) == OX_LEB_OK &&
           (!(flags & 0x40) || skip_leb(s)) &&
           ox_leb_u(&s->p, s->end, 64, &v) == OX_LEB_OK;
}

static bool skip_bytes(scan *s, uint64_t n)
{
    if (n > (uint64_t)(s->end - s->p))
        return false;
    s->p += n;
    return true;
}

/* A value type (valtype.h: a byte, or 0x63/0x64 and a heap type). */
static bool skip_valtype(scan *s)
{
    ox_valtype t;
    return ox_valtype_parse(&s->p, s->end, false, &t) == NULL;
}

/* A block type: 0x40, a value type, or an s33 type index. */
static bool skip_blocktype(scan *s)
{
    if (s->p < s->end && *s->p == 0x40) {
        s->p++;
        return true;
    }
    if (s->p < s->end && (ox_is_valtype(*s->p) || *s->p == OX_REF_NULL_PREFIX ||
                          *s->p == OX_REF_PREFIX))
        return skip_valtype(s);
    int64_t v;
    return ox_leb_s(&s->p, s->end, 33, &v) == OX_LEB_OK;
}

/* try_table's catch clauses (its block type already skipped): a count,
   then each a kind byte, a tag index for catch and catch_ref, a label. */
static bool skip_catches(scan *s)
{
    uint64_t n;
    if (ox_leb_u(&s->p, s->end, 32, &n) != OX_LEB_OK)
        return false;
    for (uint64_t k = 0; k < n; k++) {
        if (s->p >= s->end)
            return false;
        uint8_t kind = *s->p++;
        if ((kind < 2 && !skip_leb(s)) || !skip_leb(s))
            return false;
    }
    return true;
}

/* A LEB128 value of at most `bits` bits (leb.h); signed ones
   sign-extended to 64. */
static bool rd_leb(scan *s, bool is_signed, unsigned bits, uint64_t *out)
{
    if (!is_signed)
        return ox_leb_u(&s->p, s->end, bits, out) == OX_LEB_OK;
    int64_t v;
    bool ok = ox_leb_s(&s->p, s->end, bits, &v) == OX_LEB_OK;
    *out = (uint64_t)v;
    return ok;
}

/* The pool being collected, with a hash index over it: a body may hold
   hundreds of constants, and a linear search of up to 128 entries for
   each was most of the scan's time. */
typedef struct pool {
    cc *c;
    uint8_t index[2 * OX_MAX_CONSTS]; /* 0 = empty, else pool index + 1 */
} pool_t;

static_assert(OX_MAX_CONSTS < 256, "pool indices are stored in a byte");
/* A power of two (the probe wraps with a mask), at least twice the pool:
   never full, so every probe ends at an empty slot. */
static_assert((2 * OX_MAX_CONSTS & (2 * OX_MAX_CONSTS - 1)) == 0, "index size is a power of two");

/* Pool `bits` unless present or the pool is full (the scan goes on: it
   also counts the legacy try nesting, which must be exact). */
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
        return true;
    c->consts[c->nconsts++] = bits;
    pl->index[h] = (uint8_t)c->nconsts;
    return true;
}

/* A v128 constant: two adjacent entries, low half first (compile.h
   oxc_const_slot2), unless the pool has them already. */
static bool pool_pair(pool_t *pl, uint64_t lo, uint64_t hi)
{
    cc *c = pl->c;
    if (oxc_const_slot2(c, lo, hi) != UINT32_MAX)
        return true;
    if (c->nconsts + 2 > OX_MAX_CONSTS)
        return true;
    c->consts[c->nconsts++] = lo;
    c->consts[c->nconsts++] = hi;
    return true;
}

/* The 0xFB-, 0xFC- and 0xFD-prefixed instructions: their immediates are indices
   and zero bytes (one LEB128 each), memargs, lane bytes and 16-byte
   constants, which are pooled when `pl` is not NULL. */
static bool skip_prefixed(scan *s, uint8_t prefix, pool_t *pl)
{
    uint64_t sub;
    if (!rd_leb(s, false, 32, &sub))
        return false;
    const ox_opinfo *oi = ox_opinfo_get(prefix, sub > UINT32_MAX ? UINT32_MAX : (uint32_t)sub);
    if (!oi)
        return false;
    switch (oi->imm) {
    case OX_IMM_NONE:
        return true;
    case OX_IMM_DATA: case OX_IMM_ELEM: case OX_IMM_TABLE: case OX_IMM_MEM: case OX_IMM_TYPE:
    case OX_IMM_HEAP: /* an s33 heap type: at most 5 bytes, as a u32 LEB reads */
        return skip_leb(s);
    case OX_IMM_BR_ON_CAST:
        return skip_bytes(s, 1) && skip_lebs(s, 3);
    case OX_IMM_LANE:
        return skip_bytes(s, 1);
    case OX_IMM_MEMARG:
        return skip_memarg(s);
    case OX_IMM_MEMARG_LANE:
        return skip_memarg(s) && skip_bytes(s, 1);
    case OX_IMM_SHUFFLE:
        return skip_bytes(s, 16);
    case OX_IMM_V128: {
        uint64_t lo, hi;
        if (s->end - s->p < 16)
            return false;
        memcpy(&lo, s->p, 8);
        memcpy(&hi, s->p + 8, 8);
        s->p += 16;
        return !pl || pool_pair(pl, lo, hi);
    }
    default: /* DATA_MEM, MEM_MEM, ELEM_TABLE, TABLE_TABLE */
        return skip_lebs(s, 2);
    }
}

/* What follows each opcode (byte): how the scan steps over it. */
enum {
    K_BAD,     /* not an instruction the compiler accepts: stop */
    K_NONE,    /* no immediate */
    K_IDX,     /* one LEB128 (an index, a label, memory 0x00) */
    K_IDX2,    /* two LEB128s (call_indirect) */
    K_MEMARG,  /* a memarg (skip_memarg) */
    K_BLOCK,   /* a block type */
    K_BRTABLE, /* vec(label) label */
    K_SELECT,  /* vec(valtype) */
    K_I32,     /* the constants, pooled */
    K_I64,
    K_F32,
    K_F64,
    K_REFNULL, /* reftype; pooled as a zero slot */
    K_PREFIX,  /* 0xFC, 0xFD: sub-opcode and its immediates */
    K_TRY,     /* a block type, then vec(catch clause) */
};
/* The scan kind of each immediate kind of opcodes.h. */
#define K_OF_NONE K_NONE
#define K_OF_BLOCK K_BLOCK
#define K_OF_LABEL K_IDX
#define K_OF_BR_TABLE K_BRTABLE
#define K_OF_FUNC K_IDX
#define K_OF_CALL_INDIRECT K_IDX2
#define K_OF_SELECT_T K_SELECT
#define K_OF_LOCAL K_IDX
#define K_OF_GLOBAL K_IDX
#define K_OF_TABLE K_IDX
#define K_OF_MEM K_IDX
#define K_OF_I32 K_I32
#define K_OF_I64 K_I64
#define K_OF_F32 K_F32
#define K_OF_F64 K_F64
#define K_OF_REFTYPE K_REFNULL
#define K_OF_TAG K_IDX
#define K_OF_TRY_TABLE K_TRY
#define K_OF_TYPE K_IDX
/* Built from the instruction table: one-byte lines, memory accesses
   (memargs), and the 0xFC prefix. */
#define OX_K(name, txt, pfx, code, imm) OX_IF_PREFIX(00, pfx, [code] = K_OF_##imm, )
#define OX_KN(name, txt, pfx, code, ...) [code] = K_NONE,
#define OX_KM(name, txt, pfx, code, ...) [code] = K_MEMARG,
static const uint8_t kinds[256] = {
    OX_INSTR_OTHER(OX_K)
    OX_BINOPS(OX_KN) OX_TRAP_BINOPS(OX_KN) OX_UNOPS(OX_KN) OX_TRUNC_OPS(OX_KN)
    OX_LOAD_OPS(OX_KM) OX_STORE_OPS(OX_KM)
    [0xFB] = K_PREFIX,
    [0xFC] = K_PREFIX,
    [0xFD] = K_PREFIX,
};
#undef OX_K
#undef OX_KN
#undef OX_KM

/* Constants the compiler's fusions ask for beyond those written in the
   body (compile.c is_add, fuse_sum_test): -k for `x - k` whose difference
   feeds a load or store address or a branch (it runs as x + (-k), an add
   those fuse with), and 0 for a sum or difference a branch tests. Only
   these cases, by a look at the next few instructions: every pool slot is
   copied in on each call, so constants nothing would use cost time.
   `p` is just after the add/sub opcode; `cmp_lo` the first of the ten
   integer comparisons of its type. Returns whether -k is wanted and sets
   *zero when 0 is. A miss only loses a fusion (the sub stays a sub). */
static bool fusing_use(const uint8_t *p, const uint8_t *end, uint8_t cmp_lo, bool *zero)
{
    scan s = {p, end};
    if (s.p < s.end && *s.p == 0x22) { /* local.tee x */
        s.p++;
        if (!skip_leb(&s))
            return false;
    }
    if (s.p >= s.end)
        return false;
    uint8_t op = *s.p++;
    if (op == 0x0D || op == 0x04) { /* br_if, if */
        *zero = true;
        return true;
    }
    if (op >= 0x28 && op <= 0x3E) /* a load or store */
        return cmp_lo == 0x46;
    if (op != 0x20 && op != 0x41 && op != 0x42) /* local.get, a constant */
        return false;
    if (!skip_leb(&s) || s.p >= s.end || *s.p < cmp_lo || *s.p >= cmp_lo + 10)
        return false;
    s.p++;
    return s.p < s.end && (*s.p == 0x0D || *s.p == 0x04);
}

/* The legacy try nesting: which open blocks are trys (a bit each for the
   first 1024 levels; deeper ones count as trys, which only over-counts). */
typedef struct nesting {
    uint32_t depth, ntry, max;
    uint64_t is_try[16];
} nesting;

static void open_block(nesting *n, bool is_try)
{
    if (n->depth < 1024) {
        uint64_t bit = (uint64_t)1 << (n->depth % 64);
        n->is_try[n->depth / 64] = is_try ? n->is_try[n->depth / 64] | bit
                                          : n->is_try[n->depth / 64] & ~bit;
    }
    if (is_try || n->depth >= 1024)
        n->ntry++;
    if (n->ntry > n->max)
        n->max = n->ntry;
    n->depth++;
}

static void close_block(nesting *n)
{
    if (!n->depth)
        return;
    n->depth--;
    if (n->depth >= 1024 || (n->is_try[n->depth / 64] >> (n->depth % 64) & 1))
        n->ntry--;
}

static void scan_body(cc *c, const uint8_t *body, const uint8_t *end, nesting *nest)
{
    scan s = {body, end};
    pool_t pl;
    uint64_t n;
    /* the constant just pooled, while it is the previous instruction */
    uint64_t last_k = 0;
    uint8_t last_kind = 0;
    pl.c = c;
    memset(pl.index, 0, sizeof pl.index);
    c->nconsts = 0;
    /* locals: vec((count, valtype)) */
    if (!rd_leb(&s, false, 32, &n))
        return;
    for (uint64_t g = 0; g < n; g++)
        if (!skip_leb(&s) || !skip_valtype(&s))
            return;
    /* The cursor stays in a register (p) for the frequent kinds, and goes
       through s for the helpers of the others. */
    const uint8_t *p = s.p;
    while (p < end) {
        uint8_t opcode = *p++, k = kinds[opcode], kind = last_kind;
        uint64_t v;
        bool ok = true;
        last_kind = 0;
        /* The frequent kinds first, without a jump table: no immediate
           (numeric instructions), one index (local.get/set/tee) and an
           i32 constant of one or two bytes. */
        if (k == K_NONE) {
            if (opcode == 0x0B)
                close_block(nest);
            if (opcode == 0x6A || opcode == 0x6B || opcode == 0x7D) { /* i32.add/sub, i64.sub */
                bool zero = false;
                uint8_t cmp_lo = opcode == 0x7D ? 0x51 : 0x46;
                bool neg = fusing_use(p, end, cmp_lo, &zero);
                if (neg && opcode == 0x6B && kind == K_I32)
                    pool(&pl, (uint32_t)(0u - (uint32_t)last_k));
                else if (neg && opcode == 0x7D && kind == K_I64)
                    pool(&pl, 0u - last_k);
                if (zero && opcode != 0x7D)
                    pool(&pl, 0);
            }
            continue;
        }
        if (k == K_IDX) {
            if (opcode == 0x18) /* delegate: the try's end */
                close_block(nest);
            if (p < end && *p < 0x80) {
                p++;
                continue;
            }
            s.p = p;
            if (!skip_leb(&s))
                return;
            p = s.p;
            continue;
        }
        if (k == K_I32 && end - p >= 2 && (p[0] < 0x80 || p[1] < 0x80)) {
            /* the slot image the compiler pools: zero-extended */
            int32_t x = p[0] < 0x80 ? (int32_t)((uint32_t)p[0] << 25) >> 25
                                    : (int32_t)((uint32_t)((p[0] & 0x7F) | p[1] << 7) << 18) >> 18;
            p += p[0] < 0x80 ? 1 : 2;
            pool(&pl, (uint32_t)x);
            last_k = (uint64_t)(int64_t)x;
            last_kind = K_I32;
            continue;
        }
        s.p = p;
        switch (k) {
        case K_IDX2:
            ok = skip_lebs(&s, 2);
            break;
        case K_MEMARG:
            ok = skip_memarg(&s);
            break;
        case K_BLOCK: /* 0x40, a value type or an s33 type index */
        case K_TRY:
            open_block(nest, opcode == 0x06);
            ok = skip_blocktype(&s);
            if (ok && k == K_TRY)
                ok = skip_catches(&s);
            break;
        case K_BRTABLE:
            ok = rd_leb(&s, false, 32, &v);
            /* each label takes at least a byte: bounded by the body */
            for (uint64_t j = 0; ok && j <= v; j++)
                ok = skip_leb(&s);
            break;
        case K_SELECT:
            ok = rd_leb(&s, false, 32, &v);
            for (uint64_t j = 0; ok && j < v; j++)
                ok = skip_valtype(&s);
            break;
        case K_I32: /* the slot image the compiler pools: zero-extended */
            ok = rd_leb(&s, true, 32, &v) && pool(&pl, (uint32_t)v);
            last_k = v;
            last_kind = K_I32;
            break;
        case K_I64:
            ok = rd_leb(&s, true, 64, &v) && pool(&pl, v);
            last_k = v;
            last_kind = K_I64;
            break;
        case K_F32: { /* raw little-endian bits */
            uint32_t u;
            ok = s.end - s.p >= 4;
            if (ok) {
                memcpy(&u, s.p, 4);
                s.p += 4;
                ok = pool(&pl, u);
            }
            break;
        }
        case K_F64:
            ok = s.end - s.p >= 8;
            if (ok) {
                memcpy(&v, s.p, 8);
                s.p += 8;
                ok = pool(&pl, v);
            }
            break;
        case K_REFNULL: /* a heap type; a null reference is a zero slot */
            ok = rd_leb(&s, true, 33, &v) && pool(&pl, 0);
            break;
        case K_PREFIX:
            ok = skip_prefixed(&s, opcode, &pl);
            break;
        default:
            ok = false;
        }
        if (!ok)
            return;
        p = s.p;
    }
}

void oxc_collect_consts(cc *c, const uint8_t *body, const uint8_t *end)
{
    nesting nest;
    memset(&nest, 0, sizeof nest);
    c->nexn = 0;
    scan_body(c, body, end, &nest);
    c->nexn = nest.max;
}

/* Why a body does not decode, or NULL when it does: every opcode known,
   every immediate complete, the blocks closed exactly at its last byte.
   Asked only after a body fails validation: the spec decodes a whole module
   before it validates any of it, so a malformed body must be reported as
   malformed even when a validation error comes earlier in the bytes. */
const char *oxc_malformed_body(const uint8_t *body, const uint8_t *end)
{
    scan s = {body, end};
    uint64_t n, v;
    if (!rd_leb(&s, false, 32, &n))
        return "unexpected end";
    for (uint64_t g = 0; g < n; g++)
        if (!skip_leb(&s) || !skip_valtype(&s))
            return "unexpected end";
    uint64_t depth = 1;
    while (s.p < s.end) {
        uint8_t opcode = *s.p++;
        bool ok = true;
        switch (kinds[opcode]) {
        case K_NONE:
            if (opcode == 0x0B && --depth == 0)
                return s.p == s.end ? NULL : "END opcode expected";
            break;
        case K_IDX:
            if (opcode == 0x18 && --depth == 0) /* delegate ends a try */
                return "END opcode expected";
            ok = skip_leb(&s);
            break;
        case K_IDX2: ok = skip_lebs(&s, 2); break;
        case K_MEMARG: ok = skip_memarg(&s); break;
        case K_BLOCK:
        case K_TRY:
            depth++;
            ok = skip_blocktype(&s);
            if (ok && kinds[opcode] == K_TRY)
                ok = skip_catches(&s);
            break;
        case K_BRTABLE:
            ok = rd_leb(&s, false, 32, &v);
            for (uint64_t j = 0; ok && j <= v; j++)
                ok = skip_leb(&s);
            break;
        case K_SELECT:
            ok = rd_leb(&s, false, 32, &v);
            for (uint64_t j = 0; ok && j < v; j++)
                ok = skip_valtype(&s);
            break;
        case K_I32: ok = rd_leb(&s, true, 32, &v); break;
        case K_I64: ok = rd_leb(&s, true, 64, &v); break;
        case K_F32: ok = skip_bytes(&s, 4); break;
        case K_F64: ok = skip_bytes(&s, 8); break;
        case K_REFNULL: ok = rd_leb(&s, true, 33, &v); break;
        case K_PREFIX: ok = skip_prefixed(&s, opcode, NULL); break;
        default: return "illegal opcode";
        }
        if (!ok)
            return "unexpected end";
    }
    return "unexpected end";
}
