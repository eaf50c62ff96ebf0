/*
 * fuse.c — superinstructions: the fusion layer between the emitter and
 * the code buffer.
 *
 * compile.c validates a body and emits plain internal ops (code.h), one
 * per WebAssembly instruction, through oxf_emit and its siblings. Each
 * plain op passes through here on its way into the buffer, where a
 * peephole over the tail of the code rewrites known sequences into one
 * fused op (code.h's fused families): a binop into the binop consuming its
 * result (CH), a load into the binop consuming it (LM, LMX), an i32.add
 * computing an address into the load or store using it (_IX, _SX), a
 * binop or same-width load into the store storing it (SM, LMS, MOVE), a
 * compare, bit test, eqz, load or sum into the branch testing it (BR_*,
 * BR_ADD, LB, LC), and adjacent pairs run by one dispatch (COPY2, ADD2,
 * SA, A, ADD_COPY). Pair choices came from op-pair counts over bench/
 * (interp.c OX_OP_PROFILE); the families and their members are tables in
 * code.h, which the rules below read.
 *
 * The rules see only the instruction stream: a value computed by the last
 * instruction into a stack temporary (a slot at or above stack_base) and
 * read by the next one is consumed there, since WebAssembly pops every
 * operand it reads, so the two may become one op that never writes the
 * temporary. Nothing fuses across a label (oxf_label): another path may
 * reach the second instruction.
 *
 * With c->fuse off (ox_config.disable_fusion) every op is appended as it
 * comes: the spec suite runs both ways, which checks each fused op
 * against the plain ones it replaces. Operand folding (local.get and
 * constants read in place, local.set retargeting the producer's result:
 * oxf_retarget) is the emitter's and stays on.
 */
#include <assert.h>
#include <string.h>

#include "compile.h"

/* ---- the tail of the code --------------------------------------------------- */

/* Remember a value-producing instruction (word 0 its destination). */
static void produced(cc *c, uint32_t insn, enum ox_iop op)
{
    if (insn == UINT32_MAX)
        return;
    c->fold_insn = insn;
    c->fold_end = c->ncode;
    c->fold_op = op;
}

/* Whether slot s holds a value the instruction just emitted computed into
   a stack temporary, with no label since: the next instruction reading s
   consumes it. */
static bool folds(cc *c, uint32_t s)
{
    return s >= c->stack_base && c->fold_end == c->ncode && c->label_pos != c->ncode &&
           c->fold_insn != UINT32_MAX && c->code[c->fold_insn + 1].w[0] == s;
}

void oxf_label(cc *c) { c->label_pos = c->ncode; }

bool oxf_retarget(cc *c, uint32_t s, uint32_t to)
{
    if (!folds(c, s))
        return false;
    oxc_set_word(c, c->fold_insn, 0, to);
    c->fold_insn = UINT32_MAX;
    return true;
}

/* Whether slot `at` is a pooled constant, and its bits. */
static bool const_at(const cc *c, uint32_t at, uint64_t *bits)
{
    if (at < c->nlslots || at >= c->nlslots + c->nconsts)
        return false;
    *bits = c->consts[at - c->nlslots];
    return true;
}

/* Whether instruction `insn` is an `add` (OXI_I32_ADD or OXI_I64_ADD) [dst,
   x, y] — or the matching sub of a pooled constant, which is rewritten
   into the add of the negated constant (x - k is x + (-k), wrapping) so
   that it joins an add fusion, when the pool holds -k (compile_pool.c
   pools it where a fusion is likely: every slot is copied in on each
   call). Only called once the fusion is decided. */
static bool is_add(cc *c, uint32_t insn, enum ox_iop add)
{
    ox_cell *cell = &c->code[insn];
    if (oxc_op(&cell[0]) == add)
        return true;
    enum ox_iop sub = add == OXI_I32_ADD ? OXI_I32_SUB : OXI_I64_SUB;
    uint64_t k;
    if (oxc_op(&cell[0]) != sub || !const_at(c, cell[2].w[0], &k))
        return false;
    uint32_t neg = oxc_const_slot(c, add == OXI_I32_ADD ? (uint32_t)-(uint32_t)k : -k);
    if (neg == UINT32_MAX)
        return false;
    oxc_set_op(&cell[0], add);
    cell[2].w[0] = neg;
    if (c->fold_insn == insn)
        c->fold_op = add;
    return true;
}

/* ---- pairs ------------------------------------------------------------------ */

/* Two adjacent instructions run by one dispatch, both left in place (the
   pair's op reads the second one's words and skips it, code.h): two
   i32.adds (pointer and counter steps) as ADD2, a store then an i32.add
   as SA_*, an i32.add then a BR_ADD as A_*, an i32.add or sub then a COPY
   as ADD_COPY / SUB_COPY. The pairing is decided only
   when the next instruction `op` is emitted, once no fusion can rewrite
   the second one any more: it is no longer last, and when it is an add,
   `op` is not a compare that could fuse with it into a BR_ADD. */
static void pair_next(cc *c, enum ox_iop op)
{
    static const uint16_t sa[][2] = {
#define OX_X(st, t) {OXI_##st, OXI_SA_##st},
        OX_STADD_OPS(OX_X)
#undef OX_X
    };
    uint32_t a1 = c->prev_insn, a2 = c->last_insn;
    if (a1 == UINT32_MAX || a2 != a1 + 3) /* every first one is 3 cells */
        return;
    unsigned op1 = oxc_op(&c->code[a1]), op2 = oxc_op(&c->code[a2]);
    if (c->ncode == a2 + 2 && op2 == OXI_COPY && op != OXI_COPY) {
        /* an add or sub whose result is copied on (`local.tee x; local.set
           y`); not when `op` is a COPY, which would grow this one into a
           COPY2 */
        if (op1 == OXI_I32_ADD || op1 == OXI_I32_SUB) {
            oxc_set_op(&c->code[a1], op1 == OXI_I32_ADD ? OXI_ADD_COPY : OXI_SUB_COPY);
            c->last_insn = UINT32_MAX;
            c->copy_insn = UINT32_MAX;
        }
        return;
    }
    if (c->ncode == a2 + 4 && op1 == OXI_I32_ADD) {
        for (uint32_t k = OXI_BR_ADD_I32_EQ; k <= OXI_BR_ADD_I64_GE_U; k++)
            if (op2 == k) {
                oxc_set_op(&c->code[a1], OXI_A_BR_ADD_I32_EQ + (k - OXI_BR_ADD_I32_EQ));
                c->last_insn = UINT32_MAX;
                return;
            }
        return;
    }
    if ((op >= OXI_I32_EQ && op <= OXI_I32_GE_U) || (op >= OXI_I64_EQ && op <= OXI_I64_GE_U) ||
        c->ncode != a2 + 3 || op2 != OXI_I32_ADD)
        return;
    if (op1 == OXI_I32_ADD) {
        if (c->last_labeled)
            return;
        oxc_set_op(&c->code[a1], OXI_ADD2);
        c->last_insn = UINT32_MAX; /* the second add pairs with nothing else */
        return;
    }
    for (size_t k = 0; k < sizeof sa / sizeof sa[0]; k++) {
        bool plain = op1 == (unsigned)(sa[k][0]);
        if (plain || op1 == (unsigned)(sa[k][0] + (OXI_I32_STORE_IX - OXI_I32_STORE))) {
            oxc_set_op(&c->code[a1], sa[k][1] + (plain ? 0 : 1));
            c->last_insn = UINT32_MAX;
            return;
        }
    }
}

/* Append an instruction, after pairing the one before with it (pair_next)
   or growing a COPY right before into a COPY2; returns its cell index, or
   UINT32_MAX when out of memory (c->err says so). */
static uint32_t append(cc *c, enum ox_iop op, uint32_t nw, const uint32_t *w)
{
    uint32_t need = 1 + (nw + 1) / 2;
    if (c->fuse)
        pair_next(c, op);
    if (c->fuse && op == OXI_COPY && c->copy_end == c->ncode && c->label_pos != c->ncode &&
        c->copy_insn != UINT32_MAX) {
        /* Two moves in a row (branch values, call arguments, a local
           shuffle) cost one dispatch: the previous COPY becomes a COPY2
           by growing one cell. No label lies between them. */
        if (!oxc_grow(c, (void **)&c->code, &c->capcode, c->ncode + 1, sizeof(ox_cell)))
            return UINT32_MAX;
        uint32_t at = c->copy_insn;
        oxc_set_op(&c->code[at], OXI_COPY2);
        c->code[c->ncode].w[0] = w[0];
        c->code[c->ncode].w[1] = w[1];
        c->ncode++;
        c->copy_insn = UINT32_MAX;
        return at;
    }
    if (c->ncode > UINT32_MAX - need - 1 ||
        !oxc_grow(c, (void **)&c->code, &c->capcode, c->ncode + need, sizeof(ox_cell))) {
        oxc_nomem(c);
        return UINT32_MAX;
    }
    uint32_t at = c->ncode;
    ox_cell *cell = &c->code[at];
    oxc_set_op(&cell[0], op);
    if (nw) { /* the words are contiguous after the op's cell; pad the last one */
        cell[need - 1].u64 = 0;
        memcpy(&cell[1], w, nw * sizeof(uint32_t));
    }
    c->ncode += need;
    c->prev2_insn = c->prev_insn;
    c->prev_insn = c->last_insn;
    c->last_insn = at;
    c->last_labeled = c->label_pos == at;
    if (op == OXI_COPY) {
        c->copy_insn = at;
        c->copy_end = c->ncode;
    }
    return at;
}

/* ---- branches ---------------------------------------------------------------- */

/* Fused forms of a comparison feeding a conditional branch: the branch
   taken when the comparison holds, and when it does not. */
static bool fused_branch(enum ox_iop cmp, enum ox_iop *if_true, enum ox_iop *if_false)
{
    /* by the comparison's op (a table: a search was 1% of compiling) */
    static const uint16_t map[OXI_COUNT_][2] = {
        [OXI_I32_EQ] = {OXI_BR_I32_EQ, OXI_BR_I32_NE},
        [OXI_I32_NE] = {OXI_BR_I32_NE, OXI_BR_I32_EQ},
        [OXI_I32_LT_S] = {OXI_BR_I32_LT_S, OXI_BR_I32_GE_S},
        [OXI_I32_LT_U] = {OXI_BR_I32_LT_U, OXI_BR_I32_GE_U},
        [OXI_I32_GT_S] = {OXI_BR_I32_GT_S, OXI_BR_I32_LE_S},
        [OXI_I32_GT_U] = {OXI_BR_I32_GT_U, OXI_BR_I32_LE_U},
        [OXI_I32_LE_S] = {OXI_BR_I32_LE_S, OXI_BR_I32_GT_S},
        [OXI_I32_LE_U] = {OXI_BR_I32_LE_U, OXI_BR_I32_GT_U},
        [OXI_I32_GE_S] = {OXI_BR_I32_GE_S, OXI_BR_I32_LT_S},
        [OXI_I32_GE_U] = {OXI_BR_I32_GE_U, OXI_BR_I32_LT_U},
        [OXI_I64_EQ] = {OXI_BR_I64_EQ, OXI_BR_I64_NE},
        [OXI_I64_NE] = {OXI_BR_I64_NE, OXI_BR_I64_EQ},
        [OXI_I64_LT_S] = {OXI_BR_I64_LT_S, OXI_BR_I64_GE_S},
        [OXI_I64_LT_U] = {OXI_BR_I64_LT_U, OXI_BR_I64_GE_U},
        [OXI_I64_GT_S] = {OXI_BR_I64_GT_S, OXI_BR_I64_LE_S},
        [OXI_I64_GT_U] = {OXI_BR_I64_GT_U, OXI_BR_I64_LE_U},
        [OXI_I64_LE_S] = {OXI_BR_I64_LE_S, OXI_BR_I64_GT_S},
        [OXI_I64_LE_U] = {OXI_BR_I64_LE_U, OXI_BR_I64_GT_U},
        [OXI_I64_GE_S] = {OXI_BR_I64_GE_S, OXI_BR_I64_LT_S},
        [OXI_I64_GE_U] = {OXI_BR_I64_GE_U, OXI_BR_I64_LT_U},
        [OXI_I32_AND] = {OXI_BR_I32_AND_NZ, OXI_BR_I32_AND_Z},
#define OX_F(T) \
        [OXI_##T##_EQ] = {OXI_BR_##T##_EQ, OXI_BR_##T##_NE}, \
        [OXI_##T##_NE] = {OXI_BR_##T##_NE, OXI_BR_##T##_EQ}, \
        [OXI_##T##_LT] = {OXI_BR_##T##_LT, OXI_BR_##T##_NLT}, \
        [OXI_##T##_GT] = {OXI_BR_##T##_GT, OXI_BR_##T##_NGT}, \
        [OXI_##T##_LE] = {OXI_BR_##T##_LE, OXI_BR_##T##_NLE}, \
        [OXI_##T##_GE] = {OXI_BR_##T##_GE, OXI_BR_##T##_NGE},
        OX_F(F32) OX_F(F64)
#undef OX_F
    };
    if ((unsigned)cmp >= OXI_COUNT_ || !map[cmp][0])
        return false;
    *if_true = (enum ox_iop)map[cmp][0];
    *if_false = (enum ox_iop)map[cmp][1];
    return true;
}

/* The `add` (i32.add or i64.add) emitted right before the compare at
   `insn` (no label between them) whose result the compare reads as a or
   b, else UINT32_MAX. */
static uint32_t fusable_add(cc *c, uint32_t insn, enum ox_iop add_op, uint32_t a, uint32_t b)
{
    uint32_t add = c->prev_insn;
    if (c->last_insn != insn || add == UINT32_MAX || add + 3 != insn /* [dst, x, y]: 3 cells */ ||
        c->label_pos == insn)
        return UINT32_MAX;
    uint32_t dst = c->code[add + 1].w[0];
    return (dst == a || dst == b) && is_add(c, add, add_op) ? add : UINT32_MAX;
}

/* The compare-and-branch on (b, a) equivalent to `br` on (a, b). */
static enum ox_iop mirrored(enum ox_iop br)
{
    switch (br) {
    case OXI_BR_I32_LT_S: return OXI_BR_I32_GT_S;
    case OXI_BR_I32_LT_U: return OXI_BR_I32_GT_U;
    case OXI_BR_I32_GT_S: return OXI_BR_I32_LT_S;
    case OXI_BR_I32_GT_U: return OXI_BR_I32_LT_U;
    case OXI_BR_I32_LE_S: return OXI_BR_I32_GE_S;
    case OXI_BR_I32_LE_U: return OXI_BR_I32_GE_U;
    case OXI_BR_I32_GE_S: return OXI_BR_I32_LE_S;
    case OXI_BR_I32_GE_U: return OXI_BR_I32_LE_U;
    case OXI_BR_I64_LT_S: return OXI_BR_I64_GT_S;
    case OXI_BR_I64_LT_U: return OXI_BR_I64_GT_U;
    case OXI_BR_I64_GT_S: return OXI_BR_I64_LT_S;
    case OXI_BR_I64_GT_U: return OXI_BR_I64_LT_U;
    case OXI_BR_I64_LE_S: return OXI_BR_I64_GE_S;
    case OXI_BR_I64_LE_U: return OXI_BR_I64_GE_U;
    case OXI_BR_I64_GE_S: return OXI_BR_I64_LE_S;
    case OXI_BR_I64_GE_U: return OXI_BR_I64_LE_U;
    default: return br; /* EQ, NE: symmetric */
    }
}

static_assert(OXI_BR_ADD_I64_GE_U - OXI_BR_ADD_I32_EQ == OXI_BR_I64_GE_U - OXI_BR_I32_EQ,
              "OX_BRADD_OPS follows the order of OX_BRCMP_OPS");

/* Rewrite `add` [dst, x, y] and the compare after it into one
   BR_ADD_* [dst, x, y, other, off] (code.h), the compare's other operand
   being the one that is not the sum (the sum goes on the left). */
static uint32_t fuse_add_branch(cc *c, uint32_t add, uint32_t a, uint32_t b, enum ox_iop br,
                                uint32_t *word)
{
    ox_cell *cell = &c->code[add];
    uint32_t dst = cell[1].w[0];
    uint32_t other = b;
    if (a != dst) { /* the sum is the right operand */
        other = a;
        br = mirrored(br);
    }
    oxc_set_op(&cell[0], br + (OXI_BR_ADD_I32_EQ - OXI_BR_I32_EQ));
    cell[2].w[1] = other;
    cell[3].w[0] = 0;
    cell[3].w[1] = 0;
    c->ncode = add + 4;
    c->last_insn = add;
    c->prev_insn = c->prev2_insn; /* an add before it may pair with it (A_*) */
    c->prev2_insn = UINT32_MAX;
    c->fold_insn = UINT32_MAX;
    *word = 4;
    return add;
}

/* The plain load emitted right before the compare at `insn` (no label
   between them) whose result the compare reads as a or b, when that load
   has an LC_* form (code.h OX_LDCMP_OPS); else UINT32_MAX. Its LC base op
   goes to *base. */
static uint32_t fusable_load(cc *c, uint32_t insn, uint32_t a, uint32_t b, enum ox_iop *base)
{
    static const uint16_t map[][2] = {
#define OX_X(ld) {OXI_##ld, OXI_LC_##ld##_EQ},
        OX_LDCMP_OPS(OX_X)
#undef OX_X
    };
    uint32_t ld = c->prev_insn;
    if (c->last_insn != insn || ld == UINT32_MAX || ld + 3 != insn /* [dst, addr, off] */ ||
        c->label_pos == insn)
        return UINT32_MAX;
    uint32_t dst = c->code[ld + 1].w[0];
    if (dst != a && dst != b)
        return UINT32_MAX;
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (oxc_op(&c->code[ld]) == (unsigned)(map[k][0])) {
            *base = (enum ox_iop)map[k][1];
            return ld;
        }
    return UINT32_MAX;
}

/* Rewrite load `ld` [dst, addr, offset] and the i32 compare-and-branch
   `br` on (a, b) after it into LC_* [dst, addr, offset, other, off]. */
static uint32_t fuse_load_branch(cc *c, uint32_t ld, enum ox_iop base, uint32_t a, uint32_t b,
                                 enum ox_iop br, uint32_t *word)
{
    ox_cell *cell = &c->code[ld];
    uint32_t other = b;
    if (a != cell[1].w[0]) { /* the loaded value is the right operand */
        other = a;
        br = mirrored(br);
    }
    oxc_set_op(&cell[0], base + (br - OXI_BR_I32_EQ));
    cell[2].w[1] = other;
    cell[3].u64 = 0;
    c->ncode = ld + 4;
    c->last_insn = ld;
    c->prev_insn = c->prev2_insn;
    c->prev2_insn = UINT32_MAX;
    c->fold_insn = UINT32_MAX;
    *word = 4;
    return ld;
}

/* The instruction just emitted, when it wrote slot `cond` (its own stack
   slot or, through local.set or tee, a local: word 0 is that slot) and no
   label lies after it, so no other path reaches the branch about to test
   the value; else UINT32_MAX. Every candidate is 3 cells long. */
static uint32_t last_producer(cc *c, uint32_t cond)
{
    uint32_t at = c->last_insn;
    if (at == UINT32_MAX || at + 3 != c->ncode || c->label_pos == c->ncode ||
        c->code[at + 1].w[0] != cond)
        return UINT32_MAX;
    return at;
}

/* A load (plain or indexed) testing the branch after it becomes LB_*
   (code.h): [dst, addr, offset] -> [dst, addr, offset, off], the same
   cells; [dst, a, b, offset] -> [dst, a, b, offset, off], one cell more. */
static bool fuse_load_test(cc *c, uint32_t insn, bool when_true, uint32_t *word)
{
    static const uint16_t map[][2] = {
#define OX_X(ld) {OXI_##ld, OXI_LB_##ld##_NZ},
        OX_LDBR_OPS(OX_X)
#undef OX_X
    };
    unsigned op = oxc_op(&c->code[insn]);
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
        bool plain = op == (unsigned)(map[k][0]);
        bool ix = op == (unsigned)(map[k][0] + (OXI_I32_LOAD_IX - OXI_I32_LOAD));
        if (!plain && !ix)
            continue;
        if (ix && !oxc_grow(c, (void **)&c->code, &c->capcode, c->ncode + 1, sizeof(ox_cell)))
            return false;
        ox_cell *cell = &c->code[insn];
        oxc_set_op(&cell[0], map[k][1] + (when_true ? 0 : 1) + (ix ? 2 : 0));
        *word = ix ? 4 : 3;
        if (ix) {
            cell[3].u64 = 0;
            c->ncode = insn + 4;
        } else {
            cell[2].w[1] = 0;
        }
        c->fold_insn = UINT32_MAX;
        return true;
    }
    return false;
}

/* An i32.add testing the branch after it (`if (n -= 1)`): BR_ADD comparing
   the sum with a pooled zero, [dst, x, y] -> [dst, x, y, zero, off]. */
static bool fuse_sum_test(cc *c, uint32_t insn, bool when_true, uint32_t *word)
{
    if (!is_add(c, insn, OXI_I32_ADD))
        return false;
    uint32_t zero = oxc_const_slot(c, 0);
    if (zero == UINT32_MAX ||
        !oxc_grow(c, (void **)&c->code, &c->capcode, c->ncode + 1, sizeof(ox_cell)))
        return false;
    ox_cell *cell = &c->code[insn];
    oxc_set_op(&cell[0], when_true ? OXI_BR_ADD_I32_NE : OXI_BR_ADD_I32_EQ);
    cell[2].w[1] = zero;
    cell[3].u64 = 0;
    c->ncode = insn + 4;
    c->fold_insn = UINT32_MAX;
    *word = 4;
    return true;
}

uint32_t oxf_cond_branch(cc *c, uint32_t cond, bool when_true, uint32_t *word)
{
    enum ox_iop t, f;
    if (c->fuse && folds(c, cond)) {
        uint32_t insn = c->fold_insn;
        ox_cell *cell = &c->code[insn];
        if (fused_branch(c->fold_op, &t, &f)) {
            /* [dst, a, b] becomes [a, b, off]: same size */
            uint32_t a = cell[1].w[1], b = cell[2].w[0];
            uint32_t add = UINT32_MAX;
            if (c->fold_op >= OXI_I32_EQ && c->fold_op <= OXI_I32_GE_U)
                add = fusable_add(c, insn, OXI_I32_ADD, a, b);
            else if (c->fold_op >= OXI_I64_EQ && c->fold_op <= OXI_I64_GE_U)
                add = fusable_add(c, insn, OXI_I64_ADD, a, b);
            if (add != UINT32_MAX)
                return fuse_add_branch(c, add, a, b, when_true ? t : f, word);
            enum ox_iop base;
            uint32_t ld = UINT32_MAX;
            if (c->fold_op >= OXI_I32_EQ && c->fold_op <= OXI_I32_GE_U)
                ld = fusable_load(c, insn, a, b, &base);
            if (ld != UINT32_MAX)
                return fuse_load_branch(c, ld, base, a, b, when_true ? t : f, word);
            oxc_set_op(&cell[0], when_true ? t : f);
            cell[1].w[0] = a;
            cell[1].w[1] = b;
            cell[2].w[0] = 0;
            c->fold_insn = UINT32_MAX;
            *word = 2;
            return insn;
        }
        if (c->fold_op == OXI_I32_EQZ || c->fold_op == OXI_I64_EQZ) {
            /* [dst, a] becomes [a, off] */
            if (c->fold_op == OXI_I32_EQZ)
                oxc_set_op(&cell[0], when_true ? OXI_BR_UNLESS : OXI_BR_IF);
            else
                oxc_set_op(&cell[0], when_true ? OXI_BR_I64_Z : OXI_BR_I64_NZ);
            cell[1].w[0] = cell[1].w[1];
            cell[1].w[1] = 0;
            c->fold_insn = UINT32_MAX;
            *word = 1;
            return insn;
        }
    }
    if (c->fuse) {
        /* a load or sum whose value is also kept (it may be tee'd) */
        uint32_t insn = last_producer(c, cond);
        if (insn != UINT32_MAX && (fuse_load_test(c, insn, when_true, word) ||
                                   fuse_sum_test(c, insn, when_true, word)))
            return insn;
        if (c->err)
            return UINT32_MAX;
    }
    *word = 1;
    return append(c, when_true ? OXI_BR_IF : OXI_BR_UNLESS, 2, (uint32_t[]){cond, 0});
}

/* ---- chained binops ------------------------------------------------------ */

/* Each op's place in its type's set (code.h), from 1 (0: in none), and
   the set: a table each, so pairing two ops looks nothing up (the linear
   searches were 4% of compiling a small module). */
#define OX_R(X, f) CHX_##f,
enum { OX_CH_I32_F(OX_R, _) CHX_I32_N_ };
enum { OX_CH_I64_F(OX_R, _) CHX_I64_N_ };
enum { OX_CH_F32_F(OX_R, _) CHX_F32_N_ };
enum { OX_CH_F64_F(OX_R, _) CHX_F64_N_ };
#undef OX_R
static_assert(CHX_I32_N_ == OX_CH_I32_N, "OX_CH_I32_N");
static_assert(CHX_I64_N_ == OX_CH_I64_N, "OX_CH_I64_N");
static_assert(CHX_F32_N_ == OX_CH_F32_N, "OX_CH_F32_N");
static_assert(CHX_F64_N_ == OX_CH_F64_N, "OX_CH_F64_N");
#define OX_R(X, f) [OXI_##f] = CHX_##f + 1,
static const uint8_t ch_place[OXI_COUNT_] = {
    OX_CH_I32_F(OX_R, _) OX_CH_I64_F(OX_R, _) OX_CH_F32_F(OX_R, _) OX_CH_F64_F(OX_R, _)};
#undef OX_R
#define OX_R1(X, f) [OXI_##f] = 1,
#define OX_R2(X, f) [OXI_##f] = 2,
#define OX_R3(X, f) [OXI_##f] = 3,
#define OX_R4(X, f) [OXI_##f] = 4,
static const uint8_t ch_set[OXI_COUNT_] = {
    OX_CH_I32_F(OX_R1, _) OX_CH_I64_F(OX_R2, _) OX_CH_F32_F(OX_R3, _) OX_CH_F64_F(OX_R4, _)};
#undef OX_R1
#undef OX_R2
#undef OX_R3
#undef OX_R4

/* The chained op for F then G (code.h), the intermediate being G's left
   operand or not; OXI_COUNT_ when the pair has none. */
static enum ox_iop chain_op(enum ox_iop f, enum ox_iop g, bool right)
{
    static const struct { uint32_t n; enum ox_iop base; } sets[5] = {
        {0, OXI_COUNT_},
        {OX_CH_I32_N, OXI_CH_I32_ADD_I32_ADD_L},
        {OX_CH_I64_N, OXI_CH_I64_ADD_I64_ADD_L},
        {OX_CH_F32_N, OXI_CH_F32_ADD_F32_ADD_L},
        {OX_CH_F64_N, OXI_CH_F64_ADD_F64_ADD_L},
    };
    if ((unsigned)f >= OXI_COUNT_ || (unsigned)g >= OXI_COUNT_ || !ch_set[f] || ch_set[f] != ch_set[g])
        return OXI_COUNT_;
    uint32_t n = sets[ch_set[f]].n, fi = ch_place[f] - 1u, gi = ch_place[g] - 1u;
    return (enum ox_iop)(sets[ch_set[f]].base + (fi * n + gi) * 2 + (right ? 1 : 0));
}

/* Whether one operand (a or b) of a binop is the value the instruction
   just emitted computed; *right when it is the second. */
static bool folded_operand(cc *c, uint32_t a, uint32_t b, bool *right)
{
    if (folds(c, a))
        *right = false;
    else if (folds(c, b))
        *right = true;
    else
        return false;
    return true;
}

/* Binop `g` [dst, a, b]: when one operand is the result of the binop just
   emitted, rewrite that [t, x, y] in place into the chained [dst, x, y,
   other] (same size). */
static uint32_t chain(cc *c, enum ox_iop g, const uint32_t *w)
{
    bool right;
    if (!folded_operand(c, w[1], w[2], &right))
        return UINT32_MAX;
    uint32_t at = c->fold_insn;
    enum ox_iop op = chain_op(c->fold_op, g, right);
    if (op == OXI_COUNT_ || oxc_op(&c->code[at]) != (unsigned)(c->fold_op))
        return UINT32_MAX;
    ox_cell *cell = &c->code[at];
    oxc_set_op(&cell[0], op);
    cell[1].w[0] = w[0];
    cell[2].w[1] = right ? w[1] : w[2];
    produced(c, at, op);
    return at;
}

/* Binop `g` [dst, a, b] whose operand is the load just emitted: rewrite
   the load [t, addr, off] in place into the load-operand form [dst,
   other, addr, off], or the indexed [t, a, b, off] into [dst, other, a,
   b, off] (code.h OX_LDOP_OPS). */
static uint32_t load_operand(cc *c, enum ox_iop g, const uint32_t *w)
{
    static const struct { uint16_t ld, op, l; } map[] = {
#define OX_X(ld, op, t) {OXI_##ld, OXI_##op, OXI_LM_##ld##_##op##_L},
        OX_LDOP_OPS(OX_X)
#undef OX_X
    };
    bool right;
    if (!folded_operand(c, w[1], w[2], &right))
        return UINT32_MAX;
    uint32_t at = c->fold_insn;
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
        bool ix = (unsigned)c->fold_op == map[k].ld + (unsigned)(OXI_I32_LOAD_IX - OXI_I32_LOAD);
        if ((map[k].ld != c->fold_op && !ix) || map[k].op != g)
            continue;
        if (oxc_op(&c->code[at]) != (unsigned)(c->fold_op))
            return UINT32_MAX;
        /* the indexed form [dst, a, b, off] grows a cell: it is last */
        if (ix && !oxc_grow(c, (void **)&c->code, &c->capcode, c->ncode + 1, sizeof(ox_cell)))
            return UINT32_MAX;
        ox_cell *cell = &c->code[at];
        uint32_t w1 = cell[1].w[1], w2 = cell[2].w[0], w3 = cell[2].w[1];
        enum ox_iop op = (enum ox_iop)(map[k].l + (right ? 1 : 0) + (ix ? 2 : 0));
        oxc_set_op(&cell[0], op);
        cell[1].w[0] = w[0];
        cell[1].w[1] = right ? w[1] : w[2];
        cell[2].w[0] = w1; /* addr, or a */
        cell[2].w[1] = w2; /* offset, or b */
        if (ix) {
            cell[3].w[0] = w3; /* offset */
            cell[3].w[1] = 0;
            c->ncode = at + 4;
        }
        produced(c, at, op);
        return at;
    }
    return UINT32_MAX;
}

/* ---- stores -------------------------------------------------------------------- */

/* Store `st` [addr, value, off]: when the value is the binop just
   emitted, rewrite it [t, a, b] in place into [addr, a, b, off] (code.h
   OX_OPST_OPS). */
static bool op_store(cc *c, enum ox_iop st, uint32_t addr, uint32_t val, uint32_t off)
{
    static const struct { uint16_t op, st, sm; } map[] = {
#define OX_X(op, st, t) {OXI_##op, OXI_##st, OXI_SM_##op##_##st},
        OX_OPST_OPS(OX_X)
#undef OX_X
    };
    if (!folds(c, val))
        return false;
    uint32_t at = c->fold_insn;
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
        if (map[k].op != c->fold_op || map[k].st != st)
            continue;
        ox_cell *cell = &c->code[at];
        if (oxc_op(&cell[0]) != (unsigned)(c->fold_op))
            return false;
        oxc_set_op(&cell[0], map[k].sm);
        cell[1].w[0] = addr;
        cell[2].w[1] = off;
        c->fold_insn = UINT32_MAX;
        return true;
    }
    /* a load-operand binop (LM_*) stored at its type's full width:
       [t, other, addr, off] -> [saddr, other, addr, off, soff], one cell
       longer (it is last) */
    static const struct { uint16_t lm, st, lms; } lmap[] = {
#define OX_X(ld, op, t) {OXI_LM_##ld##_##op##_L, OXI_##t##_STORE, OXI_LMS_##ld##_##op##_L},
        OX_LDOP_OPS(OX_X)
#undef OX_X
    };
    for (size_t k = 0; k < sizeof lmap / sizeof lmap[0]; k++) {
        unsigned lm = lmap[k].lm;
        if (((unsigned)c->fold_op != lm && (unsigned)c->fold_op != lm + 1u) || lmap[k].st != st)
            continue;
        if (oxc_op(&c->code[at]) != (unsigned)(c->fold_op) ||
            !oxc_grow(c, (void **)&c->code, &c->capcode, c->ncode + 1, sizeof(ox_cell)))
            return false;
        ox_cell *cell = &c->code[at];
        oxc_set_op(&cell[0], lmap[k].lms + (c->fold_op - lmap[k].lm));
        cell[1].w[0] = addr;
        cell[3].w[0] = off;
        cell[3].w[1] = 0;
        c->ncode = at + 4;
        c->fold_insn = UINT32_MAX;
        return true;
    }
    return false;
}

/* Memory width in bytes of a load or store op (plain or _IX), else 0. */
static uint32_t mem_width(enum ox_iop op)
{
    switch (op) {
#define OX_X(name, txt, pfx, code, t, al, ...) \
    case OXI_##name: \
    case OXI_##name##_IX: \
        return 1u << (al);
        OX_LOAD_OPS(OX_X)
        OX_STORE_OPS(OX_X)
#undef OX_X
    default:
        return 0;
    }
}

/* Store `st` (width w) [addr, value, doff]: when the value is the load
   just emitted with the same width, the store writes
   back exactly the loaded bytes, so both become one MOVE (code.h):
   [t, addr, off] → [daddr, addr, off, doff] in place, and the indexed
   [t, a, b, off] → [daddr, a, b, off, doff], one cell longer (it is last). */
static bool move_store(cc *c, enum ox_iop st, uint32_t addr, uint32_t val, uint32_t doff)
{
    if (!folds(c, val))
        return false;
    enum ox_iop ld = c->fold_op;
    uint32_t w = mem_width(st), at = c->fold_insn;
    bool ix = ld >= OXI_I32_LOAD_IX && ld <= OXI_I64_LOAD32_U_IX;
    bool plain = ld >= OXI_I32_LOAD && ld <= OXI_I64_LOAD32_U;
    if ((!ix && !plain) || mem_width(ld) != w || oxc_op(&c->code[at]) != ld)
        return false;
    uint32_t k = w == 1 ? 0 : w == 2 ? 1 : w == 4 ? 2 : 3;
    if (ix) {
        if (!oxc_grow(c, (void **)&c->code, &c->capcode, c->ncode + 1, sizeof(ox_cell)))
            return false; /* the error is recorded; the plain store's emit fails too */
        ox_cell *cell = &c->code[at];
        oxc_set_op(&cell[0], OXI_MOVE1_IX + k);
        cell[1].w[0] = addr;
        cell[3].w[0] = doff;
        cell[3].w[1] = 0;
        c->ncode++;
    } else {
        ox_cell *cell = &c->code[at];
        oxc_set_op(&cell[0], OXI_MOVE1 + k);
        cell[1].w[0] = addr;
        cell[2].w[1] = doff;
    }
    c->fold_insn = UINT32_MAX;
    return true;
}

/* ---- addresses and loops ------------------------------------------------------ */

/* Whether the value folded in c->fold_insn (which is last) is an address
   `base + (i << k)` computed by CH_I32_SHL_I32_ADD_L/_R [dst, i, k, base]
   (the add commutes, so both orders are the same address); makes room for
   the scaled load or store, a cell longer. */
static bool scaled_address(cc *c)
{
    if (c->fold_op != OXI_CH_I32_SHL_I32_ADD_L && c->fold_op != OXI_CH_I32_SHL_I32_ADD_R)
        return false;
    if (oxc_op(&c->code[c->fold_insn]) != (unsigned)(c->fold_op))
        return false;
    return oxc_grow(c, (void **)&c->code, &c->capcode, c->ncode + 1, sizeof(ox_cell));
}

/* A load [dst, addr, off] whose address is the i32.add just emitted
   becomes the indexed load [dst, a, b, off] in place; one whose address
   is `base + (i << k)` just emitted as a chained op [dst, i, k, base]
   the scaled load [dst, i, k, base, off]. */
static uint32_t fuse_load_address(cc *c, enum ox_iop op, const uint32_t *w)
{
    if (!folds(c, w[1]))
        return UINT32_MAX;
    uint32_t at = c->fold_insn;
    if (is_add(c, at, OXI_I32_ADD)) {
        enum ox_iop ix = (enum ox_iop)(op + (OXI_I32_LOAD_IX - OXI_I32_LOAD));
        oxc_set_op(&c->code[at], ix);
        oxc_set_word(c, at, 0, w[0]);
        oxc_set_word(c, at, 3, w[2]);
        produced(c, at, ix);
        return at;
    }
    if (!scaled_address(c))
        return UINT32_MAX;
    enum ox_iop sx = (enum ox_iop)(op + (OXI_I32_LOAD_SX - OXI_I32_LOAD));
    oxc_set_op(&c->code[at], sx);
    oxc_set_word(c, at, 0, w[0]);
    c->code[at + 3].w[0] = w[2];
    c->code[at + 3].w[1] = 0;
    c->ncode = at + 4;
    produced(c, at, sx);
    return at;
}

/* A store [addr, value, off] whose address is the i32.add just emitted
   (nothing was emitted for the value, a local or a constant) becomes the
   indexed store [a, b, value, off]; one whose address is `base + (i << k)`
   the scaled store [i, k, base, value, off]. */
static uint32_t fuse_store_address(cc *c, enum ox_iop op, const uint32_t *w)
{
    if (!folds(c, w[0]))
        return UINT32_MAX;
    uint32_t at = c->fold_insn;
    ox_cell *cell = &c->code[at];
    if (is_add(c, at, OXI_I32_ADD)) {
        uint32_t a = cell[1].w[1], b = cell[2].w[0];
        oxc_set_op(&cell[0], op + (OXI_I32_STORE_IX - OXI_I32_STORE));
        cell[1].w[0] = a;
        cell[1].w[1] = b;
        cell[2].w[0] = w[1];
        cell[2].w[1] = w[2];
        c->fold_insn = UINT32_MAX;
        return at;
    }
    if (!scaled_address(c))
        return UINT32_MAX;
    cell = &c->code[at];
    uint32_t i = cell[1].w[1], k = cell[2].w[0], b = cell[2].w[1];
    oxc_set_op(&cell[0], op + (OXI_I32_STORE_SX - OXI_I32_STORE));
    cell[1].w[0] = i;
    cell[1].w[1] = k;
    cell[2].w[0] = b;
    cell[2].w[1] = w[1];
    cell[3].w[0] = w[2];
    cell[3].w[1] = 0;
    c->ncode = at + 4;
    c->fold_insn = UINT32_MAX;
    return at;
}

/* The loop at `header` closed by the branch `br` just emitted: when its
   whole body is one SA_* pair (store, then the pointer's add) and `br` is
   the BR_ADD stepping the counter, run it as a fill loop in registers
   (code.h SAL_*). Only when the loop reads nothing the body writes but
   the two steps: the store's address is the pointer, the value, the
   steps and the limit are neither the pointer nor the counter. */
void oxf_loop_branch(cc *c, uint32_t header, uint32_t br)
{
    static const uint16_t sal[][2] = {
#define OX_X(st, t) {OXI_SA_##st, OXI_SAL_##st##_BR_ADD_I32_EQ},
        OX_SALOOP_STORES(OX_X)
#undef OX_X
    };
    uint32_t sa = header;
    if (!c->fuse || br != sa + 6)
        return;
    const ox_cell *b = &c->code[br], *p = &c->code[sa];
    enum ox_iop brop = OXI_COUNT_;
    for (uint32_t k = OXI_BR_ADD_I32_EQ; k <= OXI_BR_ADD_I64_GE_U; k++)
        if (oxc_op(&b[0]) == k)
            brop = (enum ox_iop)k;
    if (brop == OXI_COUNT_)
        return;
    /* [op][a, v][off, -] then [op][d, x][y, -]; [op][e, q1][q2, lim][off, -] */
    uint32_t a = p[1].w[0], v = p[1].w[1], d = p[4].w[0], x = p[4].w[1], y = p[5].w[0];
    uint32_t e = b[1].w[0], q1 = b[1].w[1], q2 = b[2].w[0], lim = b[2].w[1];
    uint32_t step = x == d ? y : x, cstep = q1 == e ? q2 : q1;
    if (a != d || (x != d && y != d) || (q1 != e && q2 != e) || d == e)
        return;
    const uint32_t inv[] = {v, step, cstep, lim};
    for (size_t k = 0; k < sizeof inv / sizeof inv[0]; k++)
        if (inv[k] == d || inv[k] == e)
            return;
    for (size_t k = 0; k < sizeof sal / sizeof sal[0]; k++)
        if (oxc_op(&p[0]) == (unsigned)(sal[k][0])) {
            oxc_set_op(&c->code[sa], sal[k][1] + (brop - OXI_BR_ADD_I32_EQ));
            return;
        }
}

/* ---- the entry points ------------------------------------------------------- */

static bool is_load(enum ox_iop op) { return op >= OXI_I32_LOAD && op <= OXI_I64_LOAD32_U; }
static bool is_store(enum ox_iop op) { return op >= OXI_I32_STORE && op <= OXI_I64_STORE32; }
static bool is_binop(enum ox_iop op) { return op >= OXI_I32_EQ && op <= OXI_F64_COPYSIGN; }

uint32_t oxf_emit_value(cc *c, enum ox_iop op, uint32_t nw, const uint32_t *w)
{
    uint32_t at = UINT32_MAX;
    if (c->fuse && is_binop(op)) {
        at = chain(c, op, w);
        if (at == UINT32_MAX && !c->err)
            at = load_operand(c, op, w);
    } else if (c->fuse && is_load(op)) {
        at = fuse_load_address(c, op, w);
    }
    if (at != UINT32_MAX || c->err)
        return at;
    at = append(c, op, nw, w);
    produced(c, at, op);
    return at;
}

uint32_t oxf_emit(cc *c, enum ox_iop op, uint32_t nw, const uint32_t *w)
{
    if (c->fuse && is_store(op)) {
        uint32_t at = fuse_store_address(c, op, w);
        if (at != UINT32_MAX || c->err)
            return at;
        uint32_t prod = c->fold_insn;
        if (op_store(c, op, w[0], w[1], w[2]) || move_store(c, op, w[0], w[1], w[2]))
            return prod;
        if (c->err)
            return UINT32_MAX;
    }
    return append(c, op, nw, w);
}
