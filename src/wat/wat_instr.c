/*
 * wat_instr.c — instructions of the text format, plain and folded.
 *
 * Mnemonics come from the engine's instruction table (opcodes.h): what the
 * engine can run, the text format can name, and nothing else ("unknown
 * operator" for the rest). The immediates are read by the table's
 * immediate kind. Folded instructions, (op imm* operand*), write their
 * operands first: the op and its immediates are written where they appear
 * on a scratch stack and written after the operands once those are read.
 */
#include <string.h>

#include "../wasm/opcodes.h"
#include "wat_mod.h"

/* ---- Mnemonics ------------------------------------------------------------ */

#define OPTAB_SIZE 1024 /* power of two, over twice the instructions */

struct wat_optab {
    uint16_t slot[OPTAB_SIZE]; /* enum ox_opcode + 1; 0 empty */
};

static uint32_t hash_text(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static struct wat_optab *optab(wat_ctx *c)
{
    if (c->optab)
        return c->optab;
    struct wat_optab *t = wat_alloc(c, sizeof *t);
    for (int op = 0; op < OXO_COUNT_; op++) {
        const ox_opinfo *oi = ox_opinfo_of((enum ox_opcode)op);
        if (op == OXO_SELECT_T) /* `select (result t)`: found through SELECT */
            continue;
        if (op == OXO_CATCH || op == OXO_CATCH_ALL || op == OXO_DELEGATE)
            continue; /* parts of a legacy try, not instructions (legacy_try) */
        uint32_t h = hash_text(oi->name, strlen(oi->name)) & (OPTAB_SIZE - 1);
        while (t->slot[h])
            h = (h + 1) & (OPTAB_SIZE - 1);
        t->slot[h] = (uint16_t)(op + 1);
    }
    c->optab = t;
    return t;
}

static const ox_opinfo *lookup(wat_ctx *c, const wat_token *t)
{
    struct wat_optab *tab = optab(c);
    const char *s = c->src + t->off;
    for (uint32_t h = hash_text(s, t->len) & (OPTAB_SIZE - 1);; h = (h + 1) & (OPTAB_SIZE - 1)) {
        if (!tab->slot[h])
            return NULL;
        const ox_opinfo *oi = ox_opinfo_of((enum ox_opcode)(tab->slot[h] - 1));
        if (strlen(oi->name) == t->len && !memcmp(oi->name, s, t->len))
            return oi;
    }
}

/* ---- Labels ---------------------------------------------------------------- */

static void push_label(wat_ctx *c, wat_func *fn, const wat_token *id)
{
    if (fn->nlabels == fn->caplabels) {
        uint32_t cap = fn->caplabels ? fn->caplabels * 2 : 16;
        wat_label *nl = wat_alloc(c, cap * sizeof *nl);
        if (fn->nlabels)
            memcpy(nl, fn->labels, fn->nlabels * sizeof *nl);
        fn->labels = nl;
        fn->caplabels = cap;
    }
    wat_label *l = &fn->labels[fn->nlabels++];
    l->id = NULL;
    l->idlen = 0;
    if (id)
        l->id = wat_id_bytes(c, id, &l->idlen);
}

/* `end $l` / `else $l`: the id, when given, must be the block's. */
static void closing_id(wat_ctx *c, wat_func *fn)
{
    const wat_token *t = wat_peek(c);
    if (t->kind != WT_ID)
        return;
    uint32_t len;
    const uint8_t *s = wat_id_bytes(c, t, &len);
    const wat_label *l = &fn->labels[fn->nlabels - 1];
    if (!l->id || l->idlen != len || memcmp(l->id, s, len))
        wat_fail(c, t, "mismatching label");
    c->pos++;
}

static uint32_t label_index(wat_ctx *c, wat_func *fn)
{
    const wat_token *t = wat_peek(c);
    if (t->kind == WT_ID) {
        uint32_t len;
        const uint8_t *s = wat_id_bytes(c, t, &len);
        for (uint32_t i = fn->nlabels; i-- > 0;) {
            const wat_label *l = &fn->labels[i];
            if (l->id && l->idlen == len && !memcmp(l->id, s, len)) {
                c->pos++;
                return fn->nlabels - 1 - i;
            }
        }
        wat_fail(c, t, "unknown label $%.*s", (int)len, (const char *)s);
    }
    return (uint32_t)wat_uint(c, wat_next(c), 32);
}

static bool at_index(const wat_ctx *c, const wat_token *t)
{
    return t->kind == WT_ID || wat_is_uint(c, t);
}

/* ---- Immediates ------------------------------------------------------------ */

/* memidx? offset=? align=?: the memory index (multi-memory) sets bit 6 of
   the flags and follows them. Before a lane index, a number is the memory
   index only when another number or the memarg follows it. */
static void memarg(wat_ctx *c, wat_mod *m, const ox_opinfo *oi, wat_buf *out, bool lane)
{
    uint64_t offset = 0, align = (uint64_t)1 << oi->align;
    const wat_token *t = wat_peek(c), *t2 = wat_peek2(c);
    bool has_mem = t->kind == WT_ID ||
                   (wat_is_uint(c, t) && (!lane || wat_is_uint(c, t2) ||
                                          (t2->kind == WT_KEYWORD && t2->len > 6 &&
                                           (!memcmp(c->src + t2->off, "offset=", 7) ||
                                            !memcmp(c->src + t2->off, "align=", 6)))));
    uint32_t mem = has_mem ? wat_index(c, m, NS_MEM) : 0;
    t = wat_peek(c);
    /* Offsets and alignments of up to 64 bits: validation refuses an offset
       above 2^32 - 1 for a 32-bit memory, or an alignment above natural. */
    if (t->kind == WT_KEYWORD && t->len > 7 && !memcmp(c->src + t->off, "offset=", 7)) {
        if (!wat_parse_uint_text(c->src + t->off + 7, t->len - 7, 64, &offset))
            wat_fail(c, t, "malformed memory offset (an unsigned 64-bit integer)");
        c->pos++;
        t = wat_peek(c);
    }
    if (t->kind == WT_KEYWORD && t->len > 6 && !memcmp(c->src + t->off, "align=", 6)) {
        if (!wat_parse_uint_text(c->src + t->off + 6, t->len - 6, 64, &align) || !align ||
            (align & (align - 1)))
            wat_fail(c, t, "malformed alignment (a power of two)");
        c->pos++;
    }
    uint32_t log2 = 0;
    while ((UINT64_C(1) << log2) < align)
        log2++;
    wat_buf_u32(c, out, log2 | (has_mem ? 0x40 : 0));
    if (has_mem)
        wat_buf_u32(c, out, mem);
    wat_buf_u32(c, out, offset);
}

static void v128_const(wat_ctx *c, wat_buf *out)
{
    wat_shape sh = wat_v128_shape(c, wat_next(c));
    for (unsigned i = 0; i < sh.lanes; i++) {
        uint64_t v = wat_lane(c, wat_next(c), sh);
        for (unsigned b = 0; b < sh.bits / 8; b++)
            wat_buf_byte(c, out, (uint8_t)(v >> (8 * b)));
    }
}

/* A lane index: an unsigned 8-bit number (its bound is checked by the
   validator, which knows the instruction's lane count). */
static uint8_t lane_index(wat_ctx *c)
{
    const wat_token *t = wat_next(c);
    uint64_t v;
    if (t->kind != WT_NUM || !wat_parse_uint_text(c->src + t->off, t->len, 8, &v))
        wat_fail(c, t, "malformed lane index");
    return (uint8_t)v;
}

static void le_bytes(wat_ctx *c, wat_buf *out, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        wat_buf_byte(c, out, (uint8_t)(v >> (8 * i)));
}

static void opt_index_or_zero(wat_ctx *c, wat_mod *m, enum wat_space ns, wat_buf *out)
{
    uint32_t idx = 0;
    wat_opt_index(c, m, ns, &idx);
    wat_buf_u32(c, out, idx);
}

static void immediates(wat_ctx *c, wat_mod *m, wat_func *fn, const ox_opinfo *oi, wat_buf *out)
{
    uint32_t a, b;
    switch ((enum ox_imm)oi->imm) {
    case OX_IMM_NONE:
        break;
    case OX_IMM_LABEL:
        wat_buf_u32(c, out, label_index(c, fn));
        break;
    case OX_IMM_BR_TABLE: {
        wat_buf ls = {.slot = -1};
        uint32_t n = 0;
        while (at_index(c, wat_peek(c))) {
            wat_buf_u32(c, &ls, label_index(c, fn));
            n++;
        }
        if (!n)
            wat_fail(c, NULL, "br_table needs at least one label");
        wat_buf_u32(c, out, n - 1);
        wat_buf_put(c, out, ls.p, ls.n);
        break;
    }
    case OX_IMM_FUNC:
        wat_buf_u32(c, out, wat_index(c, m, NS_FUNC));
        break;
    case OX_IMM_CALL_INDIRECT: {
        uint32_t table = 0;
        wat_opt_index(c, m, NS_TABLE, &table);
        wat_buf_u32(c, out, wat_typeuse(c, m, NULL, false, NULL));
        wat_buf_u32(c, out, table);
        break;
    }
    case OX_IMM_LOCAL: {
        const wat_token *t = wat_peek(c);
        if (t->kind == WT_ID) {
            uint32_t len;
            const uint8_t *s = wat_id_bytes(c, t, &len);
            if (!wat_names_find(&fn->locals, s, len, &a))
                wat_fail(c, t, "unknown local $%.*s", (int)len, (const char *)s);
            c->pos++;
        } else {
            a = (uint32_t)wat_uint(c, wat_next(c), 32);
        }
        wat_buf_u32(c, out, a);
        break;
    }
    case OX_IMM_GLOBAL:
        wat_buf_u32(c, out, wat_index(c, m, NS_GLOBAL));
        break;
    case OX_IMM_TABLE:
        opt_index_or_zero(c, m, NS_TABLE, out);
        break;
    case OX_IMM_MEMARG:
        memarg(c, m, oi, out, false);
        break;
    case OX_IMM_MEM:
        opt_index_or_zero(c, m, NS_MEM, out);
        break;
    case OX_IMM_MEM_MEM:
        opt_index_or_zero(c, m, NS_MEM, out);
        opt_index_or_zero(c, m, NS_MEM, out);
        break;
    case OX_IMM_I32:
        wat_buf_s64(c, out, (int32_t)(uint32_t)wat_int(c, wat_next(c), 32));
        break;
    case OX_IMM_I64:
        wat_buf_s64(c, out, (int64_t)wat_int(c, wat_next(c), 64));
        break;
    case OX_IMM_F32:
        le_bytes(c, out, wat_f32(c, wat_next(c)), 4);
        break;
    case OX_IMM_F64:
        le_bytes(c, out, wat_f64(c, wat_next(c)), 8);
        break;
    case OX_IMM_V128:
        v128_const(c, out);
        break;
    case OX_IMM_LANE:
        wat_buf_byte(c, out, lane_index(c));
        break;
    case OX_IMM_MEMARG_LANE:
        memarg(c, m, oi, out, true);
        wat_buf_byte(c, out, lane_index(c));
        break;
    case OX_IMM_SHUFFLE:
        for (int k = 0; k < 16; k++)
            wat_buf_byte(c, out, lane_index(c));
        break;
    case OX_IMM_REFTYPE:
        wat_heaptype(c, m, out);
        break;
    case OX_IMM_TYPE:
        wat_buf_u32(c, out, wat_index(c, m, NS_TYPE));
        break;
    case OX_IMM_TYPE_FIELD: { /* a field by index or by its $id in the type */
        a = wat_index(c, m, NS_TYPE);
        wat_buf_u32(c, out, a);
        const wat_token *t = wat_peek(c);
        if (t->kind == WT_ID && a < m->ntypes) {
            uint32_t len, f;
            const uint8_t *id = wat_id_bytes(c, t, &len);
            if (!wat_names_find(&m->types[a].fields, id, len, &f))
                wat_fail(c, t, "unknown field $%.*s", (int)len, (const char *)id);
            c->pos++;
            wat_buf_u32(c, out, f);
        } else {
            wat_buf_u32(c, out, wat_uint(c, wat_next(c), 32));
        }
        break;
    }
    case OX_IMM_TYPE_N:
        wat_buf_u32(c, out, wat_index(c, m, NS_TYPE));
        wat_buf_u32(c, out, wat_uint(c, wat_next(c), 32));
        break;
    case OX_IMM_TYPE_DATA:
        m->uses_datacount = true;
        wat_buf_u32(c, out, wat_index(c, m, NS_TYPE));
        wat_buf_u32(c, out, wat_index(c, m, NS_DATA));
        break;
    case OX_IMM_TYPE_ELEM:
        wat_buf_u32(c, out, wat_index(c, m, NS_TYPE));
        wat_buf_u32(c, out, wat_index(c, m, NS_ELEM));
        break;
    case OX_IMM_TYPE_TYPE:
        wat_buf_u32(c, out, wat_index(c, m, NS_TYPE));
        wat_buf_u32(c, out, wat_index(c, m, NS_TYPE));
        break;
    case OX_IMM_BR_ON_CAST: { /* $l rt1 rt2: flags say which are nullable */
        wat_buf h1 = {.slot = -1}, h2 = {.slot = -1};
        bool n1, n2;
        uint32_t l = label_index(c, fn);
        wat_reftype_parts(c, m, &n1, &h1);
        wat_reftype_parts(c, m, &n2, &h2);
        wat_buf_byte(c, out, (uint8_t)(n1 | n2 << 1));
        wat_buf_u32(c, out, l);
        wat_buf_put(c, out, h1.p, h1.n);
        wat_buf_put(c, out, h2.p, h2.n);
        break;
    }
    case OX_IMM_HEAP:
        break; /* read by op_and_immediates: the opcode depends on it */
    case OX_IMM_DATA:
        m->uses_datacount = true;
        wat_buf_u32(c, out, wat_index(c, m, NS_DATA));
        break;
    case OX_IMM_DATA_MEM: /* memory.init mem? data */
        m->uses_datacount = true;
        a = 0;
        if (at_index(c, wat_peek2(c)) && at_index(c, wat_peek(c)))
            a = wat_index(c, m, NS_MEM);
        wat_buf_u32(c, out, wat_index(c, m, NS_DATA));
        wat_buf_u32(c, out, a);
        break;
    case OX_IMM_ELEM:
        wat_buf_u32(c, out, wat_index(c, m, NS_ELEM));
        break;
    case OX_IMM_ELEM_TABLE: /* table.init table? elem */
        a = 0;
        if (at_index(c, wat_peek2(c)) && at_index(c, wat_peek(c)))
            a = wat_index(c, m, NS_TABLE);
        wat_buf_u32(c, out, wat_index(c, m, NS_ELEM));
        wat_buf_u32(c, out, a);
        break;
    case OX_IMM_TABLE_TABLE: /* table.copy (dst src)? */
        a = b = 0;
        if (wat_opt_index(c, m, NS_TABLE, &a))
            b = wat_index(c, m, NS_TABLE);
        wat_buf_u32(c, out, a);
        wat_buf_u32(c, out, b);
        break;
    case OX_IMM_TAG:
        wat_buf_u32(c, out, wat_index(c, m, NS_TAG));
        break;
    case OX_IMM_BLOCK:
    case OX_IMM_SELECT_T:
    case OX_IMM_TRY_TABLE:
        break; /* read by the callers */
    }
}

static void opcode(wat_ctx *c, const ox_opinfo *oi, wat_buf *out)
{
    if (oi->prefix) {
        wat_buf_byte(c, out, oi->prefix);
        wat_buf_u32(c, out, oi->code);
    } else {
        wat_buf_byte(c, out, (uint8_t)oi->code);
    }
}

/* An instruction's op and immediates, after its mnemonic (not block ones). */
static void op_and_immediates(wat_ctx *c, wat_mod *m, wat_func *fn, const wat_token *kw,
                              wat_buf *out)
{
    const ox_opinfo *oi = lookup(c, kw);
    if (!oi) {
        char buf[64];
        wat_fail(c, kw, "unknown operator %s", wat_tok_text(c, kw, buf, sizeof buf));
    }
    if (oi->op == OXO_SELECT && wat_at_form(c, "result")) {
        wat_buf ts = {.slot = -1};
        uint32_t n = 0;
        while (wat_at_form(c, "result")) {
            c->pos += 2;
            while (wat_peek(c)->kind != WT_RPAR) {
                wat_valtype(c, m, &ts);
                n++;
            }
            wat_expect_rpar(c);
        }
        wat_buf_byte(c, out, 0x1C);
        wat_buf_u32(c, out, n);
        wat_buf_put(c, out, ts.p, ts.n);
        return;
    }
    if (oi->imm == OX_IMM_HEAP) { /* ref.test/ref.cast rt: nullability picks the opcode */
        bool null;
        wat_buf h = {.slot = -1};
        wat_reftype_parts(c, m, &null, &h);
        wat_buf_byte(c, out, oi->prefix);
        wat_buf_u32(c, out, oi->code + (null ? 1 : 0));
        wat_buf_put(c, out, h.p, h.n);
        return;
    }
    opcode(c, oi, out);
    immediates(c, m, fn, oi, out);
}

/* try_table's catch clauses: (catch x l) (catch_ref x l) (catch_all l)
   (catch_all_ref l), their labels outside the try_table. */
static void catch_clauses(wat_ctx *c, wat_mod *m, wat_func *fn, wat_buf *out)
{
    static const char *const kinds[] = {"catch", "catch_ref", "catch_all", "catch_all_ref"};
    wat_buf cs = {.slot = -1};
    uint32_t n = 0;
    for (;;) {
        uint8_t k = 0;
        while (k < 4 && !wat_at_form(c, kinds[k]))
            k++;
        if (k == 4)
            break;
        c->pos += 2;
        wat_buf_byte(c, &cs, k);
        if (k < 2)
            wat_buf_u32(c, &cs, wat_index(c, m, NS_TAG));
        wat_buf_u32(c, &cs, label_index(c, fn));
        wat_expect_rpar(c);
        n++;
    }
    wat_buf_u32(c, out, n);
    wat_buf_put(c, out, cs.p, cs.n);
}

/* block/loop/if/try_table: the label and block type (and try_table's
   catch clauses), written after the op. */
static void block_head(wat_ctx *c, wat_mod *m, wat_func *fn, uint8_t op, wat_buf *out)
{
    const wat_token *id = wat_peek(c)->kind == WT_ID ? wat_next(c) : NULL;
    wat_buf val = {.slot = -1};
    uint32_t t = wat_typeuse(c, m, NULL, true, &val);
    wat_buf_byte(c, out, op);
    if (val.n)
        wat_buf_put(c, out, val.p, val.n);
    else
        wat_buf_s64(c, out, t);
    if (op == 0x1F)
        catch_clauses(c, m, fn, out);
    push_label(c, fn, id);
}

static bool is_block_kw(const wat_ctx *c, const wat_token *t, uint8_t *op)
{
    if (wat_is_kw(c, t, "block"))
        return *op = 0x02, true;
    if (wat_is_kw(c, t, "loop"))
        return *op = 0x03, true;
    if (wat_is_kw(c, t, "if"))
        return *op = 0x04, true;
    if (wat_is_kw(c, t, "try_table"))
        return *op = 0x1F, true;
    if (wat_is_kw(c, t, "try"))
        return *op = 0x06, true;
    return false;
}

/* Where a run of instructions stops: a block's end, else, or the next part
   of a legacy try. */
static bool ends_instrs(const wat_ctx *c, const wat_token *t)
{
    return wat_is_kw(c, t, "end") || wat_is_kw(c, t, "else") || wat_is_kw(c, t, "catch") ||
           wat_is_kw(c, t, "catch_all") || wat_is_kw(c, t, "delegate");
}

/* `delegate l`: its label counts from outside the try, whose own is gone. */
static void delegate_label(wat_ctx *c, wat_func *fn, wat_buf *out)
{
    fn->nlabels--;
    wat_buf_byte(c, out, 0x18);
    wat_buf_u32(c, out, label_index(c, fn));
}

/* A legacy try after its head, flat (`catch x` ... `end`, or `delegate l`)
   or folded (`(do ...)` then `(catch x ...)`, `(catch_all ...)` or
   `(delegate l)`). Returns whether the try's label is still open (not
   after a delegate). */
static bool legacy_try(wat_ctx *c, wat_mod *m, wat_func *fn, bool folded, wat_buf *out)
{
    if (folded) {
        wat_expect_lpar(c);
        wat_expect_kw(c, "do");
    }
    wat_instrs(c, m, fn, out);
    if (folded)
        wat_expect_rpar(c);
    bool all = false, any = false;
    for (;;) {
        if (folded && wat_peek(c)->kind != WT_LPAR)
            return true;
        const wat_token *t = folded ? wat_peek2(c) : wat_peek(c);
        bool is_catch = wat_is_kw(c, t, "catch");
        if (!all && (is_catch || wat_is_kw(c, t, "catch_all"))) {
            c->pos += folded ? 2 : 1;
            all = !is_catch;
            any = true;
            wat_buf_byte(c, out, is_catch ? 0x07 : 0x19);
            if (is_catch)
                wat_buf_u32(c, out, wat_index(c, m, NS_TAG));
            wat_instrs(c, m, fn, out);
            if (folded)
                wat_expect_rpar(c);
            continue;
        }
        if (wat_is_kw(c, t, "delegate") && !any) {
            c->pos += folded ? 2 : 1;
            delegate_label(c, fn, out);
            if (folded)
                wat_expect_rpar(c);
            return false;
        }
        if (folded) {
            char buf[64];
            wat_fail(c, t, "unexpected token %s", wat_tok_text(c, t, buf, sizeof buf));
        }
        return true;
    }
}

static void enter(wat_ctx *c);

static void plain_block(wat_ctx *c, wat_mod *m, wat_func *fn, uint8_t op, wat_buf *out)
{
    enter(c);
    block_head(c, m, fn, op, out);
    if (op == 0x06) {
        if (!legacy_try(c, m, fn, false, out)) {
            c->depth--;
            return;
        }
    } else {
        wat_instrs(c, m, fn, out);
    }
    if (op == 0x04 && wat_is_kw(c, wat_peek(c), "else")) {
        c->pos++;
        closing_id(c, fn);
        wat_buf_byte(c, out, 0x05);
        wat_instrs(c, m, fn, out);
    }
    wat_expect_kw(c, "end");
    closing_id(c, fn);
    wat_buf_byte(c, out, 0x0B);
    fn->nlabels--;
    c->depth--;
}

static void folded(wat_ctx *c, wat_mod *m, wat_func *fn, wat_buf *out);

static void folded_if(wat_ctx *c, wat_mod *m, wat_func *fn, wat_buf *out)
{
    wat_buf head = {.slot = -1};
    block_head(c, m, fn, 0x04, &head);
    fn->nlabels--; /* the condition is outside the block */
    while (wat_peek(c)->kind == WT_LPAR && !wat_at_form(c, "then"))
        folded(c, m, fn, out);
    fn->nlabels++;
    wat_buf_put(c, out, head.p, head.n);
    wat_expect_lpar(c);
    wat_expect_kw(c, "then");
    wat_instrs(c, m, fn, out);
    wat_expect_rpar(c);
    if (wat_at_form(c, "else")) {
        c->pos += 2;
        wat_buf_byte(c, out, 0x05);
        wat_instrs(c, m, fn, out);
        wat_expect_rpar(c);
    }
    wat_buf_byte(c, out, 0x0B);
    fn->nlabels--;
}

/* Nesting (blocks and folded instructions) is bounded so that hostile
   text cannot exhaust the C stack: the reader recurses once a level. */
#define MAX_NESTING 1000

static void enter(wat_ctx *c)
{
    if (++c->depth > MAX_NESTING)
        wat_fail(c, NULL, "instructions nested more than %d deep", MAX_NESTING);
}

static void folded(wat_ctx *c, wat_mod *m, wat_func *fn, wat_buf *out)
{
    enter(c);
    wat_expect_lpar(c);
    const wat_token *kw = wat_next(c);
    uint8_t op;
    if (kw->kind != WT_KEYWORD) {
        char buf[64];
        wat_fail(c, kw, "unexpected token %s, expected an instruction",
                 wat_tok_text(c, kw, buf, sizeof buf));
    }
    if (is_block_kw(c, kw, &op)) {
        if (op == 0x04) {
            folded_if(c, m, fn, out);
        } else if (op == 0x06) {
            block_head(c, m, fn, op, out);
            if (legacy_try(c, m, fn, true, out)) {
                wat_buf_byte(c, out, 0x0B);
                fn->nlabels--;
            }
        } else {
            block_head(c, m, fn, op, out);
            wat_instrs(c, m, fn, out);
            wat_buf_byte(c, out, 0x0B);
            fn->nlabels--;
        }
    } else {
        /* the op and its immediates wait on the scratch stack (nested
           folded instructions above them) until the operands are out */
        size_t base = c->scratch.n;
        op_and_immediates(c, m, fn, kw, &c->scratch);
        size_t top = c->scratch.n;
        while (wat_peek(c)->kind == WT_LPAR)
            folded(c, m, fn, out);
        wat_buf_put(c, out, c->scratch.p + base, top - base);
        c->scratch.n = base;
    }
    wat_expect_rpar(c);
    c->depth--;
}

void wat_instrs(wat_ctx *c, wat_mod *m, wat_func *fn, wat_buf *out)
{
    for (;;) {
        const wat_token *t = wat_peek(c);
        if (t->kind == WT_LPAR) {
            folded(c, m, fn, out);
            continue;
        }
        if (t->kind != WT_KEYWORD || ends_instrs(c, t))
            return;
        c->pos++;
        uint8_t op;
        if (is_block_kw(c, t, &op))
            plain_block(c, m, fn, op, out);
        else
            op_and_immediates(c, m, fn, t, out);
    }
}

void wat_const_expr(wat_ctx *c, wat_mod *m, wat_buf *out)
{
    wat_func none = {0};
    wat_instrs(c, m, &none, out);
    wat_buf_byte(c, out, 0x0B);
}

void wat_folded_expr(wat_ctx *c, wat_mod *m, wat_buf *out)
{
    wat_func none = {0};
    folded(c, m, &none, out);
    wat_buf_byte(c, out, 0x0B);
}
