/*
 * wat_parse.c — module fields of the text format to the binary format.
 *
 * See wat_mod.h for the two passes. Each field's encoding goes to its
 * section's buffer; wat_module() puts the sections together in the binary
 * order at the end, with the types the type uses implied, and a name
 * section with the functions' $ids (so traps and `inspect --wat` can name
 * them, as wasmtime's text reader does).
 */
#include <string.h>

#include "wat_mod.h"

/* ---- Pass one: indices and ids -------------------------------------------- */

static int def_space(const wat_ctx *c, const wat_token *t)
{
    if (wat_is_kw(c, t, "func"))
        return NS_FUNC;
    if (wat_is_kw(c, t, "table"))
        return NS_TABLE;
    if (wat_is_kw(c, t, "memory"))
        return NS_MEM;
    if (wat_is_kw(c, t, "global"))
        return NS_GLOBAL;
    if (wat_is_kw(c, t, "tag"))
        return NS_TAG;
    return -1;
}

static void define(wat_ctx *c, wat_mod *m, enum wat_space ns, const wat_token *id)
{
    if (id->kind == WT_ID)
        wat_names_add(c, &m->names[ns], id, m->count[ns], wat_space_name[ns]);
    m->count[ns]++;
}

/* (type $id? typedef) in full, after `(type`: its $id is known already
   (define_types). */
static void type_field(wat_ctx *c, wat_mod *m, bool alone)
{
    if (wat_peek(c)->kind == WT_ID)
        c->pos++;
    wat_typedef(c, m, alone);
    wat_expect_rpar(c);
}

/* (rec (type ...)*), after `(rec`: one recursive group. */
static void rec_field(wat_ctx *c, wat_mod *m)
{
    uint32_t n = 0;
    while (wat_at_form(c, "type")) {
        c->pos += 2;
        type_field(c, m, false);
        n++;
    }
    wat_add_group(c, m, n, true);
}

/* Every type's index and $id first: a type may name any other, later ones
   included (a recursive group's members each other). */
static void define_types(wat_ctx *c, wat_mod *m)
{
    size_t save = c->pos;
    while (wat_peek(c)->kind == WT_LPAR) {
        size_t start = c->pos;
        const wat_token *kw = wat_peek2(c);
        c->pos += 2;
        if (wat_is_kw(c, kw, "type")) {
            define(c, m, NS_TYPE, wat_peek(c));
        } else if (wat_is_kw(c, kw, "rec")) {
            while (wat_at_form(c, "type")) {
                c->pos += 2;
                define(c, m, NS_TYPE, wat_peek(c));
                c->pos -= 2;
                wat_skip_sexpr(c);
            }
        }
        c->pos = start;
        wat_skip_sexpr(c);
    }
    c->pos = save;
}

static void skip_exports(wat_ctx *c)
{
    while (wat_at_form(c, "export"))
        wat_skip_sexpr(c);
}

/* Whether the rest of the current field holds a (kw ...) at its level. */
static bool field_has(wat_ctx *c, const char *kw)
{
    size_t save = c->pos;
    bool found = false;
    while (wat_peek(c)->kind != WT_RPAR && wat_peek(c)->kind != WT_EOF) {
        if (wat_at_form(c, kw)) {
            found = true;
            break;
        }
        if (wat_peek(c)->kind == WT_LPAR)
            wat_skip_sexpr(c);
        else
            c->pos++;
    }
    c->pos = save;
    return found;
}

static void pass_one(wat_ctx *c, wat_mod *m)
{
    int first_def = -1; /* space of the first non-imported definition */
    define_types(c, m);
    while (wat_peek(c)->kind == WT_LPAR) {
        size_t start = c->pos;
        const wat_token *kw = wat_peek2(c);
        c->pos += 2;
        int ns = def_space(c, kw);
        if (wat_is_kw(c, kw, "type")) {
            type_field(c, m, true);
            wat_add_group(c, m, 1, false);
            continue;
        }
        if (wat_is_kw(c, kw, "rec")) {
            rec_field(c, m);
            wat_expect_rpar(c);
            continue;
        }
        if (ns >= 0) {
            const wat_token *id = wat_peek(c);
            if (id->kind == WT_ID)
                c->pos++;
            skip_exports(c);
            bool import = wat_at_form(c, "import");
            if (import && first_def >= 0)
                wat_fail(c, kw, "import after %s", wat_space_name[first_def]);
            if (!import && first_def < 0)
                first_def = ns;
            define(c, m, (enum wat_space)ns, id);
            if (!import && ns == NS_TABLE && field_has(c, "elem"))
                m->count[NS_ELEM]++;
            if (!import && ns == NS_MEM && field_has(c, "data"))
                m->count[NS_DATA]++;
        } else if (wat_is_kw(c, kw, "import")) {
            while (wat_peek(c)->kind == WT_STRING)
                c->pos++;
            const wat_token *dk = wat_peek2(c);
            int dns = wat_peek(c)->kind == WT_LPAR ? def_space(c, dk) : -1;
            if (dns < 0)
                wat_fail(c, dk, "unexpected token, expected an import description "
                                "(func, table, memory or global)");
            if (first_def >= 0)
                wat_fail(c, kw, "import after %s", wat_space_name[first_def]);
            c->pos += 2;
            define(c, m, (enum wat_space)dns, wat_peek(c));

        } else if (wat_is_kw(c, kw, "elem") || wat_is_kw(c, kw, "data")) {
            define(c, m, wat_is_kw(c, kw, "elem") ? NS_ELEM : NS_DATA, wat_peek(c));
        } else if (!wat_is_kw(c, kw, "export") && !wat_is_kw(c, kw, "start")) {
            char buf[64];
            wat_fail(c, kw, "unexpected token %s, expected a module field",
                     wat_tok_text(c, kw, buf, sizeof buf));
        }
        c->pos = start;
        wat_skip_sexpr(c);
    }
}

/* ---- Pass two: each field's encoding ---------------------------------------- */

static void put_name(wat_ctx *c, wat_buf *b, const wat_buf *name)
{
    wat_buf_u32(c, b, name->n);
    wat_buf_put(c, b, name->p, name->n);
}

/* (export "name")* of a definition: exports of kind `kind` at `idx`. */
static void inline_exports(wat_ctx *c, wat_mod *m, uint8_t kind, uint32_t idx)
{
    while (wat_at_form(c, "export")) {
        c->pos += 2;
        wat_buf name = {.slot = -1};
        wat_name(c, wat_next(c), &name);
        wat_expect_rpar(c);
        put_name(c, &m->sec[SEC_EXPORT], &name);
        wat_buf_byte(c, &m->sec[SEC_EXPORT], kind);
        wat_buf_u32(c, &m->sec[SEC_EXPORT], idx);
        m->nitems[SEC_EXPORT]++;
    }
}

/* (import "m" "n") of an inline import: the entry's head. */
static bool inline_import(wat_ctx *c, wat_mod *m, uint8_t kind)
{
    if (!wat_at_form(c, "import"))
        return false;
    c->pos += 2;
    wat_buf mod = {.slot = -1}, name = {.slot = -1};
    wat_name(c, wat_next(c), &mod);
    wat_name(c, wat_next(c), &name);
    wat_expect_rpar(c);
    wat_buf *b = &m->sec[SEC_IMPORT];
    put_name(c, b, &mod);
    put_name(c, b, &name);
    wat_buf_byte(c, b, kind);
    m->nitems[SEC_IMPORT]++;
    return true;
}

/* A memory's or table's address type, i32 (the default) or i64
   (memory64, table64): whether it is i64. */
static bool addr64(wat_ctx *c)
{
    const wat_token *t = wat_peek(c);
    bool is64 = wat_is_kw(c, t, "i64");
    if (is64 || wat_is_kw(c, t, "i32"))
        c->pos++;
    return is64;
}

/* One bound of the limits of a memory or table: a 64-bit number, which
   for a 32-bit one must fit 32 bits (the binary format could not say it). */
static uint64_t bound(wat_ctx *c, bool is64, bool memory)
{
    const wat_token *t = wat_next(c);
    uint64_t v = wat_uint(c, t, 64);
    if (!is64 && v > UINT32_MAX)
        wat_invalid(c, t, memory ? "memory size must be at most 65536 pages (4GiB)"
                                 : "table size out of range (a 32-bit table)");
    return v;
}

/* limits of 32- or 64-bit numbers; flag bit 2 marks 64-bit addresses. */
static void limits(wat_ctx *c, wat_buf *b, bool is64, bool memory)
{
    uint8_t flag = is64 ? 0x04 : 0x00;
    uint64_t min = bound(c, is64, memory);
    if (wat_peek(c)->kind == WT_NUM) {
        uint64_t max = bound(c, is64, memory);
        wat_buf_byte(c, b, flag | 0x01);
        wat_buf_u32(c, b, min);
        wat_buf_u32(c, b, max);
    } else {
        wat_buf_byte(c, b, flag);
        wat_buf_u32(c, b, min);
    }
}

static void globaltype(wat_ctx *c, wat_mod *m, wat_buf *b)
{
    if (wat_at_form(c, "mut")) {
        c->pos += 2;
        wat_valtype(c, m, b);
        wat_buf_byte(c, b, 0x01);
        wat_expect_rpar(c);
    } else {
        wat_valtype(c, m, b);
        wat_buf_byte(c, b, 0x00);
    }
}

static const wat_token *opt_id(wat_ctx *c)
{
    const wat_token *t = wat_peek(c);
    if (t->kind != WT_ID)
        return NULL;
    c->pos++;
    return t;
}

static void func_name(wat_ctx *c, wat_mod *m, const wat_token *id, uint32_t idx)
{
    if (!id)
        return;
    uint32_t len;
    const uint8_t *s = wat_id_bytes(c, id, &len);
    wat_buf_u32(c, &m->funcnames, idx);
    wat_buf_u32(c, &m->funcnames, len);
    wat_buf_put(c, &m->funcnames, s, len);
    m->nfuncnames++;
}

static void func_field(wat_ctx *c, wat_mod *m)
{
    const wat_token *id = opt_id(c);
    uint32_t idx = m->next[NS_FUNC]++;
    func_name(c, m, id, idx);
    inline_exports(c, m, 0x00, idx);
    wat_func fn = {0};
    if (inline_import(c, m, 0x00)) {
        uint32_t t = wat_typeuse(c, m, &fn, false, NULL);
        wat_buf_u32(c, &m->sec[SEC_IMPORT], t);
        m->func_type[idx] = t;
        return;
    }
    uint32_t t = wat_typeuse(c, m, &fn, false, NULL);
    m->func_type[idx] = t;
    wat_buf_u32(c, &m->sec[SEC_FUNC], t);
    m->nitems[SEC_FUNC]++;
    /* the locals' encodings, one after the other, and where each ends */
    wat_buf locals = {.slot = -1}, ends = {.slot = -1};
    uint32_t nlocals = 0;
    while (wat_at_form(c, "local")) {
        c->pos += 2;
        const wat_token *lid = opt_id(c);
        if (lid)
            wat_names_add(c, &fn.locals, lid, fn.nlocals, "local");
        /* (local $id t) declares one, (local t*) any number */
        for (bool one = lid != NULL; one || (!lid && wat_peek(c)->kind != WT_RPAR); one = false) {
            wat_valtype(c, m, &locals);
            uint32_t end = (uint32_t)locals.n;
            wat_buf_put(c, &ends, &end, sizeof end);
            fn.nlocals++;
            nlocals++;
        }
        wat_expect_rpar(c);
    }
    wat_buf body = {.slot = -1};
    /* locals as runs of one type */
    uint32_t runs = 0, prev_at = 0, prev_len = 0;
    wat_buf groups = {.slot = -1};
    for (uint32_t i = 0, at = 0; i < nlocals; i++) {
        uint32_t end;
        memcpy(&end, ends.p + i * sizeof end, sizeof end);
        uint32_t len = end - at;
        bool same = i && len == prev_len && !memcmp(locals.p + at, locals.p + prev_at, len);
        if (!same) {
            runs++;
            uint32_t run[3] = {1, at, len};
            wat_buf_put(c, &groups, run, sizeof run);
        } else {
            uint32_t *last = (uint32_t *)(void *)(groups.p + groups.n - 3 * sizeof(uint32_t));
            last[0]++;
        }
        prev_at = at;
        prev_len = len;
        at = end;
    }
    wat_buf_u32(c, &body, runs);
    for (uint32_t g = 0; g < runs; g++) {
        uint32_t run[3];
        memcpy(run, groups.p + g * sizeof run, sizeof run);
        wat_buf_u32(c, &body, run[0]);
        wat_buf_put(c, &body, locals.p + run[1], run[2]);
    }
    wat_instrs(c, m, &fn, &body);
    wat_buf_byte(c, &body, 0x0B);
    wat_buf *code = &m->sec[SEC_CODE];
    wat_buf_u32(c, code, body.n);
    wat_buf_put(c, code, body.p, body.n);
    m->nitems[SEC_CODE]++;
}

/* An element segment's items up to ')': expressions ((item instr*) or
   one folded instruction each) or function indices. The vector (count,
   items) goes to `items`; returns the count. */
static uint32_t elem_items(wat_ctx *c, wat_mod *m, bool exprs, bool funcs_as_exprs,
                           wat_buf *items)
{
    uint32_t n = 0;
    wat_buf b = {.slot = -1};
    for (; wat_peek(c)->kind != WT_RPAR; n++) {
        if (!exprs && funcs_as_exprs) { /* ref.func x, end */
            wat_buf_byte(c, &b, 0xD2);
            wat_buf_u32(c, &b, wat_index(c, m, NS_FUNC));
            wat_buf_byte(c, &b, 0x0B);
        } else if (!exprs) {
            wat_buf_u32(c, &b, wat_index(c, m, NS_FUNC));
        } else if (wat_at_form(c, "item")) {
            c->pos += 2;
            wat_const_expr(c, m, &b);
            wat_expect_rpar(c);
        } else {
            wat_folded_expr(c, m, &b);
        }
    }
    wat_buf_u32(c, items, n);
    wat_buf_put(c, items, b.p, b.n);
    return n;
}

/* An elem list after its mode: `func idx*`, `reftype item*`, or (with
   `bare_funcs`, the old active form) just `idx*`. Returns whether it is
   made of expressions. */
static bool elem_list(wat_ctx *c, wat_mod *m, bool bare_funcs, wat_buf *type, wat_buf *items)
{
    bool exprs = false;
    const wat_token *t = wat_peek(c);
    if (wat_is_kw(c, t, "func")) {
        c->pos++;
    } else if (!bare_funcs || (t->kind != WT_ID && !wat_is_uint(c, t) && t->kind != WT_RPAR)) {
        wat_reftype(c, m, type);
        exprs = true;
    }
    if (!type->n)
        wat_buf_byte(c, type, OX_FUNCREF);
    elem_items(c, m, exprs, false, items);
    return exprs;
}

enum { SEG_ACTIVE, SEG_PASSIVE, SEG_DECLARE };

/* An element segment's encoding: the compact flag forms where they fit. */
static void elem_segment(wat_ctx *c, wat_mod *m, int mode, uint32_t table, const wat_buf *offset,
                         bool exprs, const wat_buf *type, const wat_buf *items)
{
    wat_buf *b = &m->sec[SEC_ELEM];
    bool funcref = type->n == 1 && type->p[0] == OX_FUNCREF;
    uint8_t flag;
    if (mode == SEG_ACTIVE)
        flag = !exprs ? (table ? 2 : 0) : (table || !funcref ? 6 : 4);
    else
        flag = (uint8_t)((mode == SEG_PASSIVE ? 1 : 3) | (exprs ? 4 : 0));
    wat_buf_byte(c, b, flag);
    if (flag == 2 || flag == 6)
        wat_buf_u32(c, b, table);
    if (mode == SEG_ACTIVE)
        wat_buf_put(c, b, offset->p, offset->n);
    if ((flag & 3) && exprs)
        wat_buf_put(c, b, type->p, type->n);
    else if (flag & 3)
        wat_buf_byte(c, b, 0x00);
    wat_buf_put(c, b, items->p, items->n);
    m->nitems[SEC_ELEM]++;
}

/* The offset of an inline segment: (i32.const 0), or (i64.const 0) for a
   64-bit memory or table. */
static void offset_zero(wat_ctx *c, wat_buf *b, bool is64)
{
    const uint8_t zero[] = {is64 ? 0x42 : 0x41, 0x00, 0x0B};
    wat_buf_put(c, b, zero, sizeof zero);
}

static void table_field(wat_ctx *c, wat_mod *m)
{
    opt_id(c);
    uint32_t idx = m->next[NS_TABLE]++;
    inline_exports(c, m, 0x01, idx);
    wat_buf *b = &m->sec[SEC_TABLE];
    if (inline_import(c, m, 0x01)) {
        b = &m->sec[SEC_IMPORT];
        wat_buf lim = {.slot = -1};
        limits(c, &lim, addr64(c), false);
        wat_reftype(c, m, b);
        wat_buf_put(c, b, lim.p, lim.n);
        return;
    }
    m->nitems[SEC_TABLE]++;
    bool is64 = addr64(c);
    if (wat_peek(c)->kind == WT_NUM) {
        wat_buf lim = {.slot = -1}, type = {.slot = -1};
        limits(c, &lim, is64, false);
        wat_reftype(c, m, &type);
        if (wat_peek(c)->kind != WT_RPAR) { /* an initial value (3.0) */
            wat_buf_byte(c, b, 0x40);
            wat_buf_byte(c, b, 0x00);
        }
        wat_buf_put(c, b, type.p, type.n);
        wat_buf_put(c, b, lim.p, lim.n);
        if (wat_peek(c)->kind != WT_RPAR)
            wat_const_expr(c, m, b);
        return;
    }
    /* (table reftype (elem ...)): a table just big enough, and its segment */
    wat_buf type = {.slot = -1};
    wat_reftype(c, m, &type);
    wat_expect_lpar(c);
    wat_expect_kw(c, "elem");
    wat_buf items = {.slot = -1};
    bool exprs = wat_peek(c)->kind == WT_LPAR;
    /* function indices for a table of another type than funcref: as
       expressions of the table's type, as the reference interpreter does */
    bool typed = !(type.n == 1 && type.p[0] == OX_FUNCREF);
    uint32_t n = elem_items(c, m, exprs, typed, &items);
    exprs = exprs || typed;
    wat_expect_rpar(c);
    wat_buf_put(c, b, type.p, type.n);
    wat_buf_byte(c, b, is64 ? 0x05 : 0x01);
    wat_buf_u32(c, b, n);
    wat_buf_u32(c, b, n);
    wat_buf off = {.slot = -1};
    offset_zero(c, &off, is64);
    m->next[NS_ELEM]++;
    elem_segment(c, m, SEG_ACTIVE, idx, &off, exprs, &type, &items);
}

static void data_segment(wat_ctx *c, wat_mod *m, int mode, uint32_t mem, const wat_buf *offset,
                         const wat_buf *bytes)
{
    wat_buf *b = &m->sec[SEC_DATA];
    if (mode == SEG_PASSIVE) {
        wat_buf_byte(c, b, 0x01);
    } else {
        wat_buf_byte(c, b, mem ? 0x02 : 0x00);
        if (mem)
            wat_buf_u32(c, b, mem);
        wat_buf_put(c, b, offset->p, offset->n);
    }
    wat_buf_u32(c, b, bytes->n);
    wat_buf_put(c, b, bytes->p, bytes->n);
    m->nitems[SEC_DATA]++;
}

static void strings(wat_ctx *c, wat_buf *b)
{
    while (wat_peek(c)->kind == WT_STRING)
        wat_string(c, wat_next(c), b);
}

static void memory_field(wat_ctx *c, wat_mod *m)
{
    opt_id(c);
    uint32_t idx = m->next[NS_MEM]++;
    inline_exports(c, m, 0x02, idx);
    if (inline_import(c, m, 0x02)) {
        limits(c, &m->sec[SEC_IMPORT], addr64(c), true);
        return;
    }
    wat_buf *b = &m->sec[SEC_MEM];
    m->nitems[SEC_MEM]++;
    bool is64 = addr64(c);
    if (wat_at_form(c, "data")) {
        c->pos += 2;
        wat_buf bytes = {.slot = -1};
        strings(c, &bytes);
        wat_expect_rpar(c);
        uint64_t pages = (bytes.n + OX_PAGE_SIZE - 1) / OX_PAGE_SIZE;
        wat_buf_byte(c, b, is64 ? 0x05 : 0x01);
        wat_buf_u32(c, b, pages);
        wat_buf_u32(c, b, pages);
        wat_buf off = {.slot = -1};
        offset_zero(c, &off, is64);
        m->next[NS_DATA]++;
        data_segment(c, m, SEG_ACTIVE, idx, &off, &bytes);
        return;
    }
    limits(c, b, is64, true);
    if (wat_is_kw(c, wat_peek(c), "shared"))
        wat_fail(c, NULL, "shared memories are not supported (threads proposal)");
}

/* A tag type: attribute 0 (an exception), then a type use without results. */
static void tagtype(wat_ctx *c, wat_mod *m, wat_buf *b)
{
    wat_buf_byte(c, b, 0x00);
    wat_buf_u32(c, b, wat_typeuse(c, m, NULL, false, NULL));
}

static void tag_field(wat_ctx *c, wat_mod *m)
{
    opt_id(c);
    uint32_t idx = m->next[NS_TAG]++;
    inline_exports(c, m, 0x04, idx);
    if (inline_import(c, m, 0x04)) {
        tagtype(c, m, &m->sec[SEC_IMPORT]);
        return;
    }
    tagtype(c, m, &m->sec[SEC_TAG]);
    m->nitems[SEC_TAG]++;
}

static void global_field(wat_ctx *c, wat_mod *m)
{
    opt_id(c);
    uint32_t idx = m->next[NS_GLOBAL]++;
    inline_exports(c, m, 0x03, idx);
    if (inline_import(c, m, 0x03)) {
        globaltype(c, m, &m->sec[SEC_IMPORT]);
        return;
    }
    wat_buf *b = &m->sec[SEC_GLOBAL];
    globaltype(c, m, b);
    wat_const_expr(c, m, b);
    m->nitems[SEC_GLOBAL]++;
}

static void import_field(wat_ctx *c, wat_mod *m)
{
    wat_buf mod = {.slot = -1}, name = {.slot = -1};
    wat_name(c, wat_next(c), &mod);
    wat_name(c, wat_next(c), &name);
    wat_expect_lpar(c);
    const wat_token *kw = wat_next(c);
    wat_buf *b = &m->sec[SEC_IMPORT];
    put_name(c, b, &mod);
    put_name(c, b, &name);
    m->nitems[SEC_IMPORT]++;
    const wat_token *id = opt_id(c);
    int ns = def_space(c, kw);
    uint32_t idx = m->next[ns]++;
    wat_buf_byte(c, b, (uint8_t)(ns - NS_FUNC));
    if (ns == NS_FUNC) {
        func_name(c, m, id, idx);
        wat_func fn = {0};
        uint32_t t = wat_typeuse(c, m, &fn, false, NULL);
        m->func_type[idx] = t;
        wat_buf_u32(c, b, t);
    } else if (ns == NS_TABLE) {
        wat_buf lim = {.slot = -1};
        limits(c, &lim, addr64(c), false);
        wat_reftype(c, m, b);
        wat_buf_put(c, b, lim.p, lim.n);
    } else if (ns == NS_MEM) {
        limits(c, b, addr64(c), true);
    } else if (ns == NS_TAG) {
        tagtype(c, m, b);
    } else {
        globaltype(c, m, b);
    }
    wat_expect_rpar(c);
}

static void export_field(wat_ctx *c, wat_mod *m)
{
    wat_buf name = {.slot = -1};
    wat_name(c, wat_next(c), &name);
    wat_expect_lpar(c);
    const wat_token *kw = wat_next(c);
    int ns = def_space(c, kw);
    if (ns < 0)
        wat_fail(c, kw, "unexpected token, expected func, table, memory or global");
    uint32_t idx = wat_index(c, m, (enum wat_space)ns);
    wat_expect_rpar(c);
    wat_buf *b = &m->sec[SEC_EXPORT];
    put_name(c, b, &name);
    wat_buf_byte(c, b, (uint8_t)(ns - NS_FUNC));
    wat_buf_u32(c, b, idx);
    m->nitems[SEC_EXPORT]++;
}

/* An active segment's (offset expr) or single folded instruction. */
static void offset_expr(wat_ctx *c, wat_mod *m, wat_buf *b)
{
    if (wat_at_form(c, "offset")) {
        c->pos += 2;
        wat_const_expr(c, m, b);
        wat_expect_rpar(c);
    } else {
        wat_folded_expr(c, m, b);
    }
}

static void elem_field(wat_ctx *c, wat_mod *m)
{
    opt_id(c);
    m->next[NS_ELEM]++;
    int mode = SEG_PASSIVE;
    uint32_t table = 0;
    wat_buf off = {.slot = -1}, items = {.slot = -1};
    if (wat_is_kw(c, wat_peek(c), "declare")) {
        c->pos++;
        mode = SEG_DECLARE;
    } else if (wat_at_form(c, "table")) {
        c->pos += 2;
        table = wat_index(c, m, NS_TABLE);
        wat_expect_rpar(c);
        offset_expr(c, m, &off);
        mode = SEG_ACTIVE;
    } else if (wat_peek(c)->kind == WT_LPAR && !wat_at_form(c, "ref")) {
        offset_expr(c, m, &off);
        mode = SEG_ACTIVE;
    }
    wat_buf type = {.slot = -1};
    bool exprs = elem_list(c, m, mode == SEG_ACTIVE, &type, &items);
    elem_segment(c, m, mode, table, &off, exprs, &type, &items);
}

static void data_field(wat_ctx *c, wat_mod *m)
{
    opt_id(c);
    m->next[NS_DATA]++;
    wat_buf off = {.slot = -1}, bytes = {.slot = -1};
    uint32_t mem = 0;
    int mode = SEG_PASSIVE;
    if (wat_at_form(c, "memory")) {
        c->pos += 2;
        mem = wat_index(c, m, NS_MEM);
        wat_expect_rpar(c);
        offset_expr(c, m, &off);
        mode = SEG_ACTIVE;
    } else if (wat_peek(c)->kind == WT_LPAR) {
        offset_expr(c, m, &off);
        mode = SEG_ACTIVE;
    }
    strings(c, &bytes);
    data_segment(c, m, mode, mem, &off, &bytes);
}

static void pass_two(wat_ctx *c, wat_mod *m)
{
    bool has_start = false;
    while (wat_peek(c)->kind == WT_LPAR) {
        c->pos++;
        const wat_token *kw = wat_next(c);
        if (wat_is_kw(c, kw, "type") || wat_is_kw(c, kw, "rec")) {
            c->pos--;
            c->pos--;
            wat_skip_sexpr(c);
            continue;
        } else if (wat_is_kw(c, kw, "func")) {
            func_field(c, m);
        } else if (wat_is_kw(c, kw, "table")) {
            table_field(c, m);
        } else if (wat_is_kw(c, kw, "memory")) {
            memory_field(c, m);
        } else if (wat_is_kw(c, kw, "global")) {
            global_field(c, m);
        } else if (wat_is_kw(c, kw, "tag")) {
            tag_field(c, m);
        } else if (wat_is_kw(c, kw, "import")) {
            import_field(c, m);
        } else if (wat_is_kw(c, kw, "export")) {
            export_field(c, m);
        } else if (wat_is_kw(c, kw, "start")) {
            if (has_start)
                wat_fail(c, kw, "multiple start sections");
            has_start = true;
            wat_buf_u32(c, &m->sec[SEC_START], wat_index(c, m, NS_FUNC));
            m->nitems[SEC_START] = 1;
        } else if (wat_is_kw(c, kw, "elem")) {
            elem_field(c, m);
        } else if (wat_is_kw(c, kw, "data")) {
            data_field(c, m);
        }
        wat_expect_rpar(c);
    }
}

/* ---- Assembly ------------------------------------------------------------- */

static void section(wat_ctx *c, wat_buf *out, uint8_t id, const wat_buf *body)
{
    wat_buf_byte(c, out, id);
    wat_buf_u32(c, out, body->n);
    wat_buf_put(c, out, body->p, body->n);
}

static void vec_section(wat_ctx *c, wat_mod *m, wat_buf *out, uint8_t id)
{
    if (!m->nitems[id])
        return;
    wat_buf body = {.slot = -1};
    if (id != SEC_START)
        wat_buf_u32(c, &body, m->nitems[id]);
    wat_buf_put(c, &body, m->sec[id].p, m->sec[id].n);
    section(c, out, id, &body);
}

static void assemble(wat_ctx *c, wat_mod *m, wat_buf *out)
{
    static const uint8_t header[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    wat_buf_put(c, out, header, sizeof header);
    wat_buf *tb = &m->sec[SEC_TYPE];
    uint32_t next = 0, ngroups = (uint32_t)(m->groups.n / (2 * sizeof(uint32_t)));
    for (uint32_t g = 0; g < ngroups; g++) {
        uint32_t grp[2];
        memcpy(grp, m->groups.p + g * sizeof grp, sizeof grp);
        if (grp[1]) { /* written (rec ...): kept so, a group of one included */
            wat_buf_byte(c, tb, 0x4E);
            wat_buf_u32(c, tb, grp[0]);
        }
        for (uint32_t i = 0; i < grp[0]; i++, next++)
            wat_buf_put(c, tb, m->types[next].enc.p, m->types[next].enc.n);
    }
    m->nitems[SEC_TYPE] = ngroups;
    static const uint8_t order[] = {SEC_TYPE, SEC_IMPORT, SEC_FUNC, SEC_TABLE, SEC_MEM,
                                    SEC_TAG, SEC_GLOBAL, SEC_EXPORT, SEC_START, SEC_ELEM};
    for (size_t i = 0; i < sizeof order; i++)
        vec_section(c, m, out, order[i]);
    if (m->uses_datacount) {
        wat_buf body = {.slot = -1};
        wat_buf_u32(c, &body, m->count[NS_DATA]);
        section(c, out, SEC_DATACOUNT, &body);
    }
    vec_section(c, m, out, SEC_CODE);
    vec_section(c, m, out, SEC_DATA);
    if (m->nfuncnames) {
        wat_buf sub = {.slot = -1}, body = {.slot = -1};
        wat_buf_u32(c, &sub, m->nfuncnames);
        wat_buf_put(c, &sub, m->funcnames.p, m->funcnames.n);
        wat_buf_u32(c, &body, 4);
        wat_buf_put(c, &body, "name", 4);
        wat_buf_byte(c, &body, 0x01);
        wat_buf_u32(c, &body, sub.n);
        wat_buf_put(c, &body, sub.p, sub.n);
        section(c, out, 0x00, &body);
    }
}

void wat_module(wat_ctx *c, bool bare, wat_buf *out)
{
    c->depth = 0; /* a failed read before this one may have left them set */
    c->scratch.n = 0;
    if (!bare) {
        wat_expect_lpar(c);
        wat_expect_kw(c, "module");
        opt_id(c);
        if (wat_is_kw(c, wat_peek(c), "binary")) {
            c->pos++;
            strings(c, out);
            wat_expect_rpar(c);
            return;
        }
        if (wat_is_kw(c, wat_peek(c), "quote"))
            wat_fail(c, NULL, "(module quote ...) is only allowed in scripts");
    }
    wat_mod *m = wat_alloc(c, sizeof *m);
    for (int i = 0; i < SEC_COUNT_; i++)
        m->sec[i].slot = -1;
    m->funcnames.slot = m->groups.slot = -1;
    size_t start = c->pos;
    pass_one(c, m);
    m->func_type = wat_alloc(c, (m->count[NS_FUNC] + 1) * sizeof *m->func_type);
    c->pos = start;
    pass_two(c, m);
    assemble(c, m, out);
    if (!bare)
        wat_expect_rpar(c);
}

ox_error *ox_wat_to_wasm(const char *src, size_t len, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (!src && len)
        return ox_error_new(OX_ERR_ARG, "ox_wat_to_wasm: no text");
    wat_ctx c = {0};
    ox_error *err = wat_lex(&c, src, len);
    if (!err) {
        if (setjmp(c.fail)) {
            err = c.err;
        } else {
            wat_buf bin = {.slot = -1};
            /* a module, or a module's fields without (module ...) around them */
            bool bare = !wat_at_form(&c, "module");
            wat_module(&c, bare, &bin);
            if (wat_peek(&c)->kind != WT_EOF) {
                char buf[64];
                wat_fail(&c, NULL, "unexpected token %s after the module",
                         wat_tok_text(&c, wat_peek(&c), buf, sizeof buf));
            }
            *outlen = bin.n;
            *out = wat_buf_take(&c, &bin);
        }
    }
    wat_ctx_free(&c);
    return err;
}
