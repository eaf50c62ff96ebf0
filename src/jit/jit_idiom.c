/*
 * jit_idiom.c — fast copies (jit_loop.c) that copy a block, done by one
 * memmove.
 *
 * A loop found counted and in bounds (jit_loop.c) runs its fast copy: the
 * body as it is, without polls. Some bodies do nothing but move bytes
 * from one block of memory to another; then the whole fast copy is one
 * call of the C library's memmove, many times faster than the loop, when
 * a run-time test before it shows the result is the same.
 *
 * The plain copy (copy_idiom): pairs of a load and a store of the value
 * loaded, one width, tiling a block that moves by its size each
 * iteration (a libc's word loop for a source aligned as its destination;
 * a byte loop).
 *
 * The shifted copy (shifted_idiom): a C library copying to a destination
 * misaligned with its source (musl's memcpy, wasi-libc's) loads aligned
 * words and stores each next one spliced from two: in iteration k,
 *     store32(d + 4i, (load32(s + 4i) << (32 - 8a)) | (prev >> 8a))
 * with prev the word loaded before it, at s + 4i - 4: a little-endian
 * load of the four bytes from s + 4i - 4 + a, unaligned. The first pair's
 * prev is a local that carries the iteration's last word into the next
 * one, so that from the second iteration on every store is such a load;
 * in the first, the carried word came from before the loop and is used
 * as it is. When no store of the loop's writes a byte any of its loads
 * reads, every load reads memory as it was before the loop, so the loop
 * stores the first pair's word as computed, then the rest of the block
 * as memmove would copy it, and leaves each local holding a loaded word
 * with the word loaded last, which memory still holds after the loop.
 */
#include <stdlib.h>
#include <string.h>

#include "jit_loop.h"

#define B (j->b)

/* Whether the loop is a block copy and nothing else: pairs of an integer
   load and a store of its value, all of one width w; the loads a constant
   apart and together one contiguous block of P * w bytes, the stores the
   same block shifted (each store as far from its load), the whole moving by P * w each
   iteration; plain instructions besides; every local it writes an
   induction (its value after the loop is known). */
static bool copy_idiom(const oxj *j, oxj_lv *lv)
{
    uint32_t pairs = lv->copy_pairs;
    /* nothing after the back-edge or left as results: memmove skips to the end */
    if (!lv->plain || lv->exits || !pairs || lv->nacc != 2 * pairs || pairs > 64 || lv->tail ||
        lv->left)
        return false;
    const access *l0 = &lv->acc[0], *s0 = &lv->acc[1];
    uint32_t w = l0->size;
    int32_t stride = (int32_t)oxj_lv_step(lv, &l0->addr);
    if ((stride != (int32_t)(pairs * w) && stride != -(int32_t)(pairs * w)) ||
        (int32_t)oxj_lv_step(lv, &s0->addr) != stride) /* a reversing copy is none */
        return false;
    int64_t lo = INT64_MAX, delta = oxj_offset_of(s0) - oxj_offset_of(l0);
    uint64_t seen = 0;
    bool up = true, down = true;
    for (uint32_t i = 0; i < pairs; i++) {
        const access *l = &lv->acc[2 * i], *st = &lv->acc[2 * i + 1];
        if (!l->integer || !st->integer || l->size != w || st->size != w || l->mem != l0->mem ||
            st->mem != l0->mem || !oxj_lv_same_group(lv, l, l0) || !oxj_lv_same_group(lv, st, s0) ||
            oxj_offset_of(st) - oxj_offset_of(l) != delta)
            return false;
        int64_t o = oxj_offset_of(l);
        lo = o < lo ? o : lo;
        if (i) {
            int64_t prev = oxj_offset_of(&lv->acc[2 * i - 2]);
            up = up && o > prev;
            down = down && o < prev;
        }
    }
    for (uint32_t i = 0; i < pairs; i++) { /* the block: each w-slot once */
        int64_t slot = oxj_offset_of(&lv->acc[2 * i]) - lo;
        if (slot % w || slot / w >= pairs || (seen >> (slot / w) & 1))
            return false;
        seen |= UINT64_C(1) << (slot / w);
    }
    /* after the loop, a local written in it holds what its last write at
       the top level gave, in the last iteration: an induction's, or an
       affine form's */
    for (uint32_t x = 0; x < j->nlocals; x++)
        if (lv->other_write[x] || (lv->writes[x] && lv->last[x].n == UNKNOWN))
            return false;
    lv->lo = lo;
    lv->ordered = stride > 0 ? up || pairs == 1 : down || pairs == 1;
    return true;
}

/* ---- the shifted copy ------------------------------------------------------ */

/* A value of the iteration, as the shifted copy sees it. */
enum { W_OTHER, W_CONST, W_WORD, W_SHL, W_SHR, W_SPLICE };
typedef struct word {
    uint8_t k;          /* W_* */
    uint8_t sh;         /* W_SHL, W_SHR: the shift; W_SPLICE: 8a, the low word's */
    int32_t w;          /* a word: the load (access) that gave it, or -1 - x for local
                           x's value at the header; W_CONST: the constant;
                           W_SPLICE: the low word */
    int32_t hi;         /* W_SPLICE: the high word (a load) */
} word;

#define MAX_STACK 32

static word combine(enum ox_opcode op, word a, word b)
{
    word r = {W_OTHER, 0, 0, 0};
    if ((op == OXO_I32_SHL || op == OXO_I32_SHR_U) && a.k == W_WORD && b.k == W_CONST) {
        r.k = op == OXO_I32_SHL ? W_SHL : W_SHR;
        r.sh = (uint8_t)(b.w & 31);
        r.w = a.w;
    } else if (op == OXO_I32_OR) {
        const word *l = a.k == W_SHL ? &a : &b, *h = a.k == W_SHL ? &b : &a;
        /* (hi << (32 - s)) | (lo >> s), s a whole number of bytes */
        if (l->k == W_SHL && h->k == W_SHR && l->w >= 0 && (h->sh == 8 || h->sh == 16 || h->sh == 24) &&
            l->sh == 32 - h->sh) {
            r.k = W_SPLICE;
            r.sh = h->sh;
            r.w = h->w;
            r.hi = l->w;
        }
    }
    return r;
}

/* The iteration, straight-line, once: what each local holds at the
   back-edge (loc, which holds them at the header on entry) and what each
   access is (acc: a load's word, or the value a store stores). */
static bool walk(const oxj *j, const oxj_lv *lv, const uint8_t *p, word *loc, word *acc)
{
    word st[MAX_STACK];
    uint32_t n = 0, a = 0;
    for (;;) {
        oxj_imm im;
        const uint8_t *at = p;
        const ox_opinfo *oi = oxj_rd_instr(j->jm->m, &p, j->end, &im);
        if (!oi)
            return false;
        if (at == lv->backedge)
            return a == lv->nacc;
        enum ox_opcode op = (enum ox_opcode)oi->op;
        word r = {W_OTHER, 0, 0, 0};
        switch (op) {
        case OXO_NOP:
            continue;
        case OXO_DROP:
            if (!n)
                return false;
            n--;
            continue;
        case OXO_LOCAL_GET:
            if (im.a >= j->nlocals)
                return false;
            r = loc[im.a];
            break;
        case OXO_LOCAL_SET: case OXO_LOCAL_TEE:
            if (!n || im.a >= j->nlocals)
                return false;
            loc[im.a] = st[n - 1];
            n -= op == OXO_LOCAL_SET;
            continue;
        case OXO_I32_CONST:
            r.k = W_CONST;
            r.w = (int32_t)im.v;
            break;
        case OXO_I32_LOAD:
            if (!n || a >= lv->nacc || lv->acc[a].at != at)
                return false;
            n--;
            r.k = W_WORD;
            r.w = (int32_t)a;
            acc[a++] = r;
            break;
        case OXO_I32_STORE:
            if (n < 2 || a >= lv->nacc || lv->acc[a].at != at)
                return false;
            acc[a++] = st[n - 1];
            n -= 2;
            continue;
        case OXO_I32_EQZ:
            if (!n)
                return false;
            n--;
            break;
        case OXO_I32_SHL: case OXO_I32_SHR_U: case OXO_I32_OR: case OXO_I32_ADD: case OXO_I32_SUB:
        case OXO_I32_MUL: case OXO_I32_AND: case OXO_I32_XOR: case OXO_I32_SHR_S: case OXO_I32_EQ:
        case OXO_I32_NE: case OXO_I32_LT_U: case OXO_I32_LT_S: case OXO_I32_LE_U: case OXO_I32_LE_S:
        case OXO_I32_GT_U: case OXO_I32_GT_S: case OXO_I32_GE_U: case OXO_I32_GE_S:
            if (n < 2)
                return false;
            r = combine(op, st[n - 2], st[n - 1]);
            n -= 2;
            break;
        default:
            return false; /* blocks, branches, other widths: not this idiom */
        }
        if (n == MAX_STACK)
            return false;
        st[n++] = r;
    }
}

/* Whether the words loaded and stored make the shifted copy: P loads of
   one group tiling 4P bytes, P stores of one group, the store of the
   load in slot i splicing it with slot i - 1's (slot 0's: with the local
   carrying slot P - 1's), each store as far from its load, the block
   moving 4P bytes an iteration. */
static bool spliced(oxj_lv *lv, const word *loc, const word *acc)
{
    uint32_t pairs = lv->nacc / 2, nl = 0, ns = 0, slot[128];
    const access *l0 = NULL, *s0 = NULL;
    int64_t lo = INT64_MAX;
    uint8_t sh = 0;
    for (uint32_t i = 0; i < lv->nacc; i++) {
        const access *x = &lv->acc[i];
        if (acc[i].k == W_WORD && acc[i].w == (int32_t)i) { /* a load */
            if (l0 && !oxj_lv_same_group(lv, l0, x))
                return false;
            l0 = l0 ? l0 : x;
            lo = oxj_offset_of(x) < lo ? oxj_offset_of(x) : lo;
            nl++;
        } else if (acc[i].k == W_SPLICE) {
            if (s0 && (!oxj_lv_same_group(lv, s0, x) || acc[i].sh != sh))
                return false;
            s0 = s0 ? s0 : x;
            sh = acc[i].sh;
            ns++;
        } else {
            return false;
        }
    }
    int32_t stride = l0 ? (int32_t)oxj_lv_step(lv, &l0->addr) : 0;
    if (nl != pairs || ns != pairs || stride != (int32_t)(4 * pairs) ||
        (int32_t)oxj_lv_step(lv, &s0->addr) != stride || l0->mem != s0->mem)
        return false;
    uint64_t loads = 0, used = 0;
    for (uint32_t i = 0; i < lv->nacc; i++) { /* the loads' slots: each once */
        if (acc[i].k != W_WORD)
            continue;
        int64_t o = oxj_offset_of(&lv->acc[i]) - lo;
        if (o % 4 || o / 4 >= pairs || (loads >> (o / 4) & 1))
            return false;
        slot[i] = (uint32_t)(o / 4);
        loads |= UINT64_C(1) << slot[i];
    }
    bool first = true;
    int64_t delta = 0;
    for (uint32_t i = 0; i < lv->nacc; i++) {
        const word *v = &acc[i];
        if (v->k != W_SPLICE)
            continue;
        uint32_t s = slot[v->hi];
        int64_t d = oxj_offset_of(&lv->acc[i]) - oxj_offset_of(&lv->acc[v->hi]);
        if ((used >> s & 1) || (!first && d != delta))
            return false;
        used |= UINT64_C(1) << s;
        delta = d;
        first = false;
        if (s > 0) { /* spliced with the word before, loaded in this iteration */
            if (v->w < 0 || slot[v->w] != s - 1)
                return false;
            continue;
        }
        /* the first pair: with a local at the header, which holds the
           last word at the back-edge */
        if (v->w >= 0)
            return false;
        uint32_t x = (uint32_t)(-1 - v->w);
        if (loc[x].k != W_WORD || loc[x].w < 0 || slot[loc[x].w] != pairs - 1)
            return false;
        lv->sh_local = x;
        lv->sh_load = (uint32_t)v->hi;
        lv->sh_store = i;
        lv->sh_bytes = (uint8_t)(v->sh / 8);
    }
    return used == loads;
}

static bool shifted_idiom(const oxj *j, oxj_lv *lv, const uint8_t *p)
{
    uint32_t pairs = lv->nacc / 2, n = j->nlocals ? j->nlocals : 1;
    if (!lv->plain || lv->exits || !pairs || lv->nacc != 2 * pairs || pairs > 64 || lv->tail ||
        lv->left)
        return false;
    word *loc = malloc(n * sizeof *loc), *acc = calloc(lv->nacc, sizeof *acc);
    int32_t *reload = malloc(n * sizeof *reload);
    bool ok = loc && acc && reload;
    for (uint32_t x = 0; ok && x < j->nlocals; x++) {
        /* what a local holds at the header: an induction is none of this
           idiom's words; another i32, a word from before */
        word w = {W_OTHER, 0, 0, 0};
        if (j->ltys[x] == j->jm->i32 && !lv->ind[x]) {
            w.k = W_WORD;
            w.w = -1 - (int32_t)x;
        }
        loc[x] = w;
    }
    ok = ok && walk(j, lv, p, loc, acc) && spliced(lv, loc, acc);
    /* after the loop, a local written in it holds an affine form's value
       (as the copy idiom's) or the word its last load gave */
    for (uint32_t x = 0; ok && x < j->nlocals; x++) {
        reload[x] = -1;
        if (lv->other_write[x])
            ok = false;
        else if (lv->writes[x] && lv->last[x].n == UNKNOWN) {
            ok = loc[x].k == W_WORD && loc[x].w >= 0;
            reload[x] = loc[x].w;
        }
    }
    free(loc);
    free(acc);
    if (!ok) {
        free(reload);
        return false;
    }
    lv->reload = reload;
    return true;
}

void oxj_idiom_scan(oxj *j, oxj_lv *lv, const uint8_t *p)
{
    if (copy_idiom(j, lv))
        lv->idiom = OXJ_IDIOM_COPY;
    else if (shifted_idiom(j, lv, p))
        lv->idiom = OXJ_IDIOM_SHIFT;
}

/* ---- the fast copy as memmove --------------------------------------------- */

static LLVMValueRef at_byte(oxj *j, LLVMValueRef base, LLVMValueRef addr)
{
    return LLVMBuildGEP2(B, j->jm->i8, base, &addr, 1, "");
}

static void memmove_call(oxj *j, LLVMValueRef base, LLVMValueRef dst, LLVMValueRef src, LLVMValueRef len)
{
    oxj_mod *jm = j->jm;
    LLVMValueRef args[4] = {at_byte(j, base, dst), at_byte(j, base, src), len, LLVMConstInt(jm->i1, 0, 0)};
    oxj_intrinsic(j, "llvm.memmove.p0i8.p0i8.i64", LLVMVoidTypeInContext(jm->ctx), args, 4);
}

/* The word of memory at addr (i64), which the check proved in bounds: a
   pointer to it, and a load or store of it as jit_mem.c makes them. */
static LLVMValueRef word_access(oxj *j, LLVMValueRef access)
{
    LLVMSetAlignment(access, 1);
    oxj_tbaa(j, access, OXJ_TBAA_MEMORY);
    return access;
}

static LLVMValueRef word_ptr(oxj *j, LLVMValueRef base, LLVMValueRef addr)
{
    return LLVMBuildBitCast(B, at_byte(j, base, addr), LLVMPointerType(j->jm->i32, 0), "");
}

static LLVMValueRef word_at(oxj *j, LLVMValueRef base, LLVMValueRef addr)
{
    return word_access(j, LLVMBuildLoad2(B, j->jm->i32, word_ptr(j, base, addr), ""));
}

static void store_word(oxj *j, LLVMValueRef base, LLVMValueRef addr, LLVMValueRef v)
{
    word_access(j, LLVMBuildStore(B, v, word_ptr(j, base, addr)));
}

/* An access's address (i64, offset added) in the first iteration. */
static LLVMValueRef first_byte(oxj *j, const access *a)
{
    return LLVMBuildAdd(B, a->first, oxj_i64c(j, (int64_t)a->off), "");
}

/* The locals the loop writes, as after T iterations: what their last
   write's form gives in iteration T - 1 (an induction's is H + step), or
   the word their load gave in it (memory still holds it), all computed
   from the values on entry, then stored. */
static void locals_after(oxj *j, const oxj_lv *lv, LLVMValueRef base)
{
    oxj_mod *jm = j->jm;
    LLVMValueRef last = LLVMBuildSub(B, lv->t, oxj_i64c(j, 1), "");
    LLVMValueRef last_k = LLVMBuildTrunc(B, last, jm->i32, "");
    LLVMValueRef *after = calloc(j->nlocals ? j->nlocals : 1, sizeof *after);
    if (!after) {
        j->nomem = true;
        return;
    }
    for (uint32_t x = 0; x < j->nlocals; x++) {
        if (!lv->writes[x])
            continue;
        if (lv->reload && lv->reload[x] >= 0) {
            const access *a = &lv->acc[lv->reload[x]];
            LLVMValueRef step = oxj_i64c(j, (int32_t)oxj_lv_step(lv, &a->addr));
            after[x] = word_at(j, base, LLVMBuildAdd(B, first_byte(j, a), LLVMBuildMul(B, last, step, ""), ""));
        } else {
            after[x] = LLVMBuildAdd(B, oxj_aff_entry(j, &lv->last[x]),
                                    LLVMBuildMul(B, last_k, oxj_i32(j, oxj_lv_step(lv, &lv->last[x])), ""), "");
        }
    }
    for (uint32_t x = 0; x < j->nlocals; x++)
        if (after[x])
            LLVMBuildStore(B, after[x], j->locals[x]);
    free(after);
}

/* Whether the blocks [src, src + len) and [dst, dst + len) do not overlap. */
static LLVMValueRef apart(oxj *j, LLVMValueRef src, LLVMValueRef dst, LLVMValueRef len)
{
    return LLVMBuildOr(B, LLVMBuildICmp(B, LLVMIntULE, LLVMBuildAdd(B, dst, len, ""), src, ""),
                       LLVMBuildICmp(B, LLVMIntULE, LLVMBuildAdd(B, src, len, ""), dst, ""), "");
}

/* Branch on `safe` to the block returned, where the copy is done, or to
   the fast copy as it is. */
static LLVMBasicBlockRef take_idiom(oxj *j, const oxj_lv *lv, LLVMValueRef safe)
{
    safe = LLVMBuildAnd(B, safe, LLVMBuildNot(B, lv->more, ""), ""); /* all of it, or a run at a time */
    LLVMBasicBlockRef idiom = oxj_block(j, "memmove"), loop = oxj_block(j, "copy_loop");
    LLVMBuildCondBr(B, safe, idiom, loop);
    LLVMPositionBuilderAtEnd(B, loop);
    return idiom;
}

/* A block copy whose elements never read what it wrote before copies as
   memmove would: when source and destination do not overlap; or when
   its pairs run in the direction of its stride and the destination is
   on the side it moves away from (forward at or below the source,
   backward at or above it). */
static LLVMBasicBlockRef copy_block(oxj *j, oxj_lv *lv)
{
    const access *l0 = &lv->acc[0];
    int64_t stride = (int32_t)oxj_lv_step(lv, &l0->addr), step = stride < 0 ? -stride : stride;
    /* the lowest byte either block covers, k = 0: l0's address + lo (+ delta) */
    LLVMValueRef src = LLVMBuildAdd(B, l0->first, oxj_i64c(j, lv->lo - oxj_offset_of(l0) + (int64_t)l0->off), "");
    LLVMValueRef len = LLVMBuildMul(B, lv->t, oxj_i64c(j, step), "");
    if (stride < 0) /* the last iteration's block is the lowest */
        src = LLVMBuildSub(B, src, LLVMBuildMul(B, LLVMBuildSub(B, lv->t, oxj_i64c(j, 1), ""), oxj_i64c(j, step), ""), "");
    /* every store is as far from its load as the first pair's */
    const access *s0 = &lv->acc[1];
    LLVMValueRef dst = LLVMBuildAdd(B, src, LLVMBuildSub(B, first_byte(j, s0), first_byte(j, l0), ""), "");
    LLVMValueRef safe = apart(j, src, dst, len);
    if (lv->ordered)
        safe = LLVMBuildOr(B, safe, LLVMBuildICmp(B, stride > 0 ? LLVMIntULE : LLVMIntUGE, dst, src, ""), "");
    LLVMBasicBlockRef idiom = take_idiom(j, lv, safe), loop = LLVMGetInsertBlock(B);
    LLVMPositionBuilderAtEnd(B, idiom);
    LLVMValueRef base = oxj_mem_base(j, l0->mem);
    memmove_call(j, base, dst, src, len);
    locals_after(j, lv, base);
    LLVMPositionBuilderAtEnd(B, loop);
    return idiom;
}

/* The shifted copy, when the loads' block [A, A + 4PT) and the stores'
   [S, S + 4PT) do not overlap: the first pair's word spliced with the
   carried one, stored at S; then bytes A + a .. A + 4PT - 4 + a to S + 4. */
static LLVMBasicBlockRef shift_block(oxj *j, oxj_lv *lv)
{
    const access *l0 = &lv->acc[lv->sh_load], *s0 = &lv->acc[lv->sh_store];
    uint32_t a = lv->sh_bytes;
    LLVMValueRef src = first_byte(j, l0), dst = first_byte(j, s0);
    LLVMValueRef len = LLVMBuildMul(B, lv->t, oxj_i64c(j, (int32_t)oxj_lv_step(lv, &l0->addr)), "");
    LLVMValueRef safe = apart(j, src, dst, len);
    LLVMBasicBlockRef idiom = take_idiom(j, lv, safe), loop = LLVMGetInsertBlock(B);
    LLVMPositionBuilderAtEnd(B, idiom);
    LLVMValueRef base = oxj_mem_base(j, l0->mem);
    LLVMValueRef carried = LLVMBuildLoad2(B, j->jm->i32, j->locals[lv->sh_local], "");
    LLVMValueRef v = LLVMBuildOr(B, LLVMBuildShl(B, word_at(j, base, src), oxj_i32(j, 32 - 8 * a), ""),
                                 LLVMBuildLShr(B, carried, oxj_i32(j, 8 * a), ""), "");
    store_word(j, base, dst, v);
    memmove_call(j, base, LLVMBuildAdd(B, dst, oxj_i64c(j, 4), ""), LLVMBuildAdd(B, src, oxj_i64c(j, a), ""),
                 LLVMBuildSub(B, len, oxj_i64c(j, 4), ""));
    locals_after(j, lv, base);
    LLVMPositionBuilderAtEnd(B, loop);
    return idiom;
}

LLVMBasicBlockRef oxj_loop_idiom(oxj *j, oxj_lv *lv)
{
    switch (lv->idiom) {
    case OXJ_IDIOM_COPY: return copy_block(j, lv);
    case OXJ_IDIOM_SHIFT: return shift_block(j, lv);
    default: return NULL;
    }
}
