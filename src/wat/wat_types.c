/*
 * wat_types.c — what module fields and instructions both read: $ids and
 * the indices they name, value and reference types, and type uses (with
 * the types they imply, spec 6.6.3).
 */
#include <string.h>

#include "wat_mod.h"

/* ---- Identifiers ---------------------------------------------------------- */

static uint32_t hash(const uint8_t *s, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 16777619u;
    return h;
}

bool wat_names_find(const wat_names *nm, const uint8_t *s, uint32_t len, uint32_t *idx)
{
    if (!nm->cap)
        return false;
    uint32_t mask = nm->cap * 2 - 1;
    for (uint32_t h = hash(s, len) & mask;; h = (h + 1) & mask) {
        uint32_t e = nm->slots[h];
        if (!e)
            return false;
        const struct wat_name_ent *en = &nm->ents[e - 1];
        if (en->len == len && !memcmp(en->s, s, len)) {
            *idx = en->idx;
            return true;
        }
    }
}

static void names_insert_slot(wat_names *nm, uint32_t e)
{
    uint32_t mask = nm->cap * 2 - 1;
    uint32_t h = hash(nm->ents[e].s, nm->ents[e].len) & mask;
    while (nm->slots[h])
        h = (h + 1) & mask;
    nm->slots[h] = e + 1;
}

const uint8_t *wat_id_bytes(wat_ctx *c, const wat_token *t, uint32_t *len)
{
    const char *s = c->src + t->off;
    if (t->len > 1 && s[1] == '"') {
        wat_buf b = {.slot = -1};
        wat_name(c, t, &b);
        if (!b.n)
            wat_fail(c, t, "empty identifier");
        *len = (uint32_t)b.n;
        return b.p;
    }
    *len = t->len - 1;
    return (const uint8_t *)s + 1;
}

void wat_names_add(wat_ctx *c, wat_names *nm, const wat_token *t, uint32_t idx, const char *what)
{
    uint32_t len, old;
    const uint8_t *s = wat_id_bytes(c, t, &len);
    if (wat_names_find(nm, s, len, &old))
        wat_fail(c, t, "duplicate %s $%.*s", what, (int)len, (const char *)s);
    if (nm->n == nm->cap) {
        uint32_t cap = nm->cap ? nm->cap * 2 : 16;
        struct wat_name_ent *ne = wat_alloc(c, cap * sizeof *ne);
        if (nm->n)
            memcpy(ne, nm->ents, nm->n * sizeof *ne);
        nm->ents = ne;
        nm->cap = cap;
        nm->slots = wat_alloc(c, cap * 2 * sizeof *nm->slots);
        for (uint32_t i = 0; i < nm->n; i++)
            names_insert_slot(nm, i);
    }
    nm->ents[nm->n] = (struct wat_name_ent){s, len, idx};
    names_insert_slot(nm, nm->n++);
}

const char *const wat_space_name[NS_COUNT_] = {"type", "function", "table", "memory", "global",
                                            "tag", "elem segment", "data segment"};

bool wat_opt_index(wat_ctx *c, wat_mod *m, enum wat_space ns, uint32_t *out)
{
    const wat_token *t = wat_peek(c);
    if (t->kind == WT_ID) {
        uint32_t len;
        const uint8_t *s = wat_id_bytes(c, t, &len);
        if (!wat_names_find(&m->names[ns], s, len, out))
            wat_fail(c, t, "unknown %s $%.*s", wat_space_name[ns], (int)len, (const char *)s);
        c->pos++;
        return true;
    }
    if (wat_is_uint(c, t)) {
        *out = (uint32_t)wat_uint(c, t, 32);
        c->pos++;
        return true;
    }
    return false;
}

uint32_t wat_index(wat_ctx *c, wat_mod *m, enum wat_space ns)
{
    uint32_t idx;
    if (!wat_opt_index(c, m, ns, &idx)) {
        char buf[64];
        wat_fail(c, NULL, "unexpected token %s, expected a %s index or $id",
                 wat_tok_text(c, wat_peek(c), buf, sizeof buf), wat_space_name[ns]);
    }
    return idx;
}

/* ---- Types ---------------------------------------------------------------- */

static const struct { const char *kw; uint8_t type; } valtypes[] = {
    {"i32", OX_I32}, {"i64", OX_I64}, {"f32", OX_F32}, {"f64", OX_F64}, {"v128", OX_V128},
    {"funcref", OX_FUNCREF}, {"externref", OX_EXTERNREF}, {"exnref", OX_EXNREF},
};

static int simple_valtype(const wat_ctx *c, const wat_token *t)
{
    for (size_t i = 0; i < sizeof valtypes / sizeof valtypes[0]; i++)
        if (wat_is_kw(c, t, valtypes[i].kw))
            return valtypes[i].type;
    return -1;
}

bool wat_at_valtype(const wat_ctx *c)
{
    return simple_valtype(c, wat_peek(c)) >= 0 || wat_at_form(c, "ref");
}

/* (ref null func|extern): the only reference types of WebAssembly 2.0. */
static uint8_t ref_form(wat_ctx *c)
{
    wat_expect_lpar(c);
    wat_expect_kw(c, "ref");
    const wat_token *t = wat_peek(c);
    if (!wat_is_kw(c, t, "null"))
        wat_fail(c, t, "non-nullable reference types are not supported yet "
                       "(typed function references, WebAssembly 3.0)");
    c->pos++;
    uint8_t r;
    t = wat_next(c);
    if (wat_is_kw(c, t, "func"))
        r = OX_FUNCREF;
    else if (wat_is_kw(c, t, "extern"))
        r = OX_EXTERNREF;
    else if (wat_is_kw(c, t, "exn"))
        r = OX_EXNREF;
    else
        wat_fail(c, t, "unsupported heap type (only func, extern and exn are supported yet)");
    wat_expect_rpar(c);
    return r;
}

uint8_t wat_valtype(wat_ctx *c)
{
    int v = simple_valtype(c, wat_peek(c));
    if (v >= 0) {
        c->pos++;
        return (uint8_t)v;
    }
    if (wat_at_form(c, "ref"))
        return ref_form(c);
    char buf[64];
    wat_fail(c, NULL, "unexpected token %s, expected a value type",
             wat_tok_text(c, wat_peek(c), buf, sizeof buf));
}

uint8_t wat_reftype(wat_ctx *c, bool heap)
{
    const wat_token *t = wat_peek(c);
    if (wat_is_kw(c, t, heap ? "func" : "funcref"))
        return c->pos++, OX_FUNCREF;
    if (wat_is_kw(c, t, heap ? "extern" : "externref"))
        return c->pos++, OX_EXTERNREF;
    if (wat_is_kw(c, t, heap ? "exn" : "exnref"))
        return c->pos++, OX_EXNREF;
    if (!heap && wat_at_form(c, "ref"))
        return ref_form(c);
    char buf[64];
    wat_fail(c, t, "unexpected token %s, expected a %s", wat_tok_text(c, t, buf, sizeof buf),
             heap ? "heap type (func or extern)" : "reference type");
}

static uint32_t add_type(wat_ctx *c, wat_mod *m, const wat_buf *p, const wat_buf *r)
{
    if (m->ntypes == m->captypes) {
        uint32_t cap = m->captypes ? m->captypes * 2 : 16;
        wat_functype *nt = wat_alloc(c, cap * sizeof *nt);
        if (m->ntypes)
            memcpy(nt, m->types, m->ntypes * sizeof *nt);
        m->types = nt;
        m->captypes = cap;
    }
    wat_functype *ft = &m->types[m->ntypes];
    ft->np = (uint32_t)p->n;
    ft->nr = (uint32_t)r->n;
    ft->p = p->n ? p->p : NULL;
    ft->r = r->n ? r->p : NULL;
    return m->ntypes++;
}

static bool type_is(const wat_functype *ft, const wat_buf *p, const wat_buf *r)
{
    return ft->np == p->n && ft->nr == r->n && (!p->n || !memcmp(ft->p, p->p, p->n)) &&
           (!r->n || !memcmp(ft->r, r->p, r->n));
}

/* (param ...)* (result ...)* into p and r. Parameters with an $id bind a
   local of fn (they are refused without fn: blocks and call_indirect). */
static void params_results(wat_ctx *c, wat_func *fn, bool ids_ok, wat_buf *p, wat_buf *r)
{
    while (wat_at_form(c, "param")) {
        c->pos += 2;
        const wat_token *t = wat_peek(c);
        if (t->kind == WT_ID) {
            if (!ids_ok)
                wat_fail(c, t, "unexpected token: a parameter here cannot have an $id");
            c->pos++;
            if (fn)
                wat_names_add(c, &fn->locals, t, fn->nlocals, "local");
            wat_buf_byte(c, p, wat_valtype(c));
            if (fn)
                fn->nlocals++;
        } else {
            while (wat_peek(c)->kind != WT_RPAR) {
                wat_buf_byte(c, p, wat_valtype(c));
                if (fn)
                    fn->nlocals++;
            }
        }
        wat_expect_rpar(c);
    }
    while (wat_at_form(c, "result")) {
        c->pos += 2;
        while (wat_peek(c)->kind != WT_RPAR)
            wat_buf_byte(c, r, wat_valtype(c));
        wat_expect_rpar(c);
    }
}

void wat_functype_def(wat_ctx *c, wat_mod *m)
{
    wat_expect_lpar(c);
    wat_expect_kw(c, "func");
    wat_buf p = {.slot = -1}, r = {.slot = -1};
    params_results(c, NULL, true, &p, &r);
    wat_expect_rpar(c);
    add_type(c, m, &p, &r);
}

uint32_t wat_typeuse(wat_ctx *c, wat_mod *m, wat_func *fn, bool block, uint8_t *blockval)
{
    uint32_t idx = 0;
    bool given = false; /* (type x): any u32 is an index, even 0xffffffff */
    const wat_token *tt = NULL;
    if (block)
        *blockval = 0; /* a type index, unless set below */
    if ((given = wat_at_form(c, "type"))) {
        c->pos += 2;
        tt = wat_peek(c);
        idx = wat_index(c, m, NS_TYPE);
        wat_expect_rpar(c);
    }
    wat_buf p = {.slot = -1}, r = {.slot = -1};
    const wat_token *at = wat_peek(c);
    params_results(c, fn, fn != NULL, &p, &r);
    if (given && idx >= m->ntypes) {
        /* no such type (yet): the validator says "unknown type", unless
           the inline signature had to be compared with it */
        if (p.n || r.n)
            wat_fail(c, tt, "unknown type %u", idx);
        return idx;
    }
    if (given) {
        const wat_functype *ft = &m->types[idx];
        if ((p.n || r.n) && !type_is(ft, &p, &r))
            wat_fail(c, at, "inline function type does not match type %u", idx);
        if (fn && !p.n)
            fn->nlocals += ft->np;
        return idx;
    }
    if (block && !p.n && r.n <= 1) {
        *blockval = r.n ? r.p[0] : 0x40;
        return 0;
    }
    for (uint32_t i = 0; i < m->ntypes; i++)
        if (type_is(&m->types[i], &p, &r))
            return i;
    return add_type(c, m, &p, &r);
}

