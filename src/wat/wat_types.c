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
    {"funcref", OX_FUNCREF}, {"externref", OX_EXTERNREF}, {"anyref", OX_ANYREF},
    {"eqref", OX_EQREF}, {"i31ref", OX_I31REF}, {"structref", OX_STRUCTREF},
    {"arrayref", OX_ARRAYREF}, {"exnref", OX_EXNREF}, {"nullref", OX_NULLREF},
    {"nullfuncref", OX_NULLFUNCREF}, {"nullexternref", OX_NULLEXTERNREF},
    {"nullexnref", OX_NULLEXNREF},
};

static const struct { const char *kw; uint8_t code; } heaptypes[] = {
    {"func", 0x70}, {"extern", 0x6F}, {"any", 0x6E}, {"eq", 0x6D}, {"i31", 0x6C},
    {"struct", 0x6B}, {"array", 0x6A}, {"exn", 0x69}, {"noexn", 0x74}, {"nofunc", 0x73},
    {"noextern", 0x72}, {"none", 0x71},
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

void wat_heaptype(wat_ctx *c, wat_mod *m, wat_buf *out)
{
    const wat_token *t = wat_peek(c);
    for (size_t i = 0; i < sizeof heaptypes / sizeof heaptypes[0]; i++)
        if (wat_is_kw(c, t, heaptypes[i].kw)) {
            c->pos++;
            wat_buf_byte(c, out, heaptypes[i].code);
            return;
        }
    uint32_t idx;
    if (wat_opt_index(c, m, NS_TYPE, &idx)) {
        wat_buf_s64(c, out, idx);
        return;
    }
    char buf[64];
    wat_fail(c, t, "unexpected token %s, expected a heap type",
             wat_tok_text(c, t, buf, sizeof buf));
}

void wat_reftype_parts(wat_ctx *c, wat_mod *m, bool *nullable, wat_buf *heap)
{
    const wat_token *t = wat_peek(c);
    int v = simple_valtype(c, t);
    if (v >= 0x69 && v <= 0x74) { /* a shorthand: nullable */
        c->pos++;
        *nullable = true;
        wat_buf_byte(c, heap, (uint8_t)v);
        return;
    }
    wat_expect_lpar(c);
    wat_expect_kw(c, "ref");
    *nullable = wat_is_kw(c, wat_peek(c), "null");
    if (*nullable)
        c->pos++;
    wat_heaptype(c, m, heap);
    wat_expect_rpar(c);
}

/* (ref null? heaptype) */
static void ref_form(wat_ctx *c, wat_mod *m, wat_buf *out)
{
    wat_expect_lpar(c);
    wat_expect_kw(c, "ref");
    bool null = wat_is_kw(c, wat_peek(c), "null");
    if (null)
        c->pos++;
    wat_buf h = {.slot = -1};
    wat_heaptype(c, m, &h);
    /* the shorthand for a nullable abstract type: its one byte */
    if (!(null && h.n == 1 && h.p[0] >= 0x69 && h.p[0] <= 0x74))
        wat_buf_byte(c, out, null ? 0x63 : 0x64);
    wat_buf_put(c, out, h.p, h.n);
    wat_expect_rpar(c);
}

void wat_valtype(wat_ctx *c, wat_mod *m, wat_buf *out)
{
    int v = simple_valtype(c, wat_peek(c));
    if (v >= 0) {
        c->pos++;
        wat_buf_byte(c, out, (uint8_t)v);
        return;
    }
    if (wat_at_form(c, "ref")) {
        ref_form(c, m, out);
        return;
    }
    char buf[64];
    wat_fail(c, NULL, "unexpected token %s, expected a value type",
             wat_tok_text(c, wat_peek(c), buf, sizeof buf));
}

void wat_reftype(wat_ctx *c, wat_mod *m, wat_buf *out)
{
    const wat_token *t = wat_peek(c);
    int v = simple_valtype(c, t);
    if (v >= 0x69 && v <= 0x74) {
        c->pos++;
        wat_buf_byte(c, out, (uint8_t)v);
        return;
    }
    if (wat_at_form(c, "ref")) {
        ref_form(c, m, out);
        return;
    }
    char buf[64];
    wat_fail(c, t, "unexpected token %s, expected a reference type",
             wat_tok_text(c, t, buf, sizeof buf));
}

wat_type *wat_add_type(wat_ctx *c, wat_mod *m)
{
    if (m->ntypes == m->captypes) {
        uint32_t cap = m->captypes ? m->captypes * 2 : 16;
        wat_type *nt = wat_alloc(c, cap * sizeof *nt);
        if (m->ntypes)
            memcpy(nt, m->types, m->ntypes * sizeof *nt);
        m->types = nt;
        m->captypes = cap;
    }
    wat_type *t = &m->types[m->ntypes++];
    memset(t, 0, sizeof *t);
    t->enc.slot = t->p.slot = t->r.slot = -1;
    return t;
}

/* A plain function type (final, no supertype, alone in its group): the
   only kind a type use may stand for without naming it. */
static uint32_t add_functype(wat_ctx *c, wat_mod *m, const wat_buf *p, uint32_t np,
                             const wat_buf *r, uint32_t nr)
{
    wat_type *t = wat_add_type(c, m);
    wat_add_group(c, m, 1, false);
    t->plain = true;
    t->func = true;
    t->np = np;
    t->nr = nr;
    t->p = *p;
    t->r = *r;
    wat_buf_byte(c, &t->enc, 0x60);
    wat_buf_u32(c, &t->enc, np);
    wat_buf_put(c, &t->enc, p->p, p->n);
    wat_buf_u32(c, &t->enc, nr);
    wat_buf_put(c, &t->enc, r->p, r->n);
    return m->ntypes - 1;
}

static bool bytes_eq(const wat_buf *a, const wat_buf *b)
{
    return a->n == b->n && (!a->n || !memcmp(a->p, b->p, a->n));
}

static bool type_is(const wat_type *t, const wat_buf *p, uint32_t np, const wat_buf *r,
                    uint32_t nr)
{
    return t->func && t->np == np && t->nr == nr && bytes_eq(&t->p, p) && bytes_eq(&t->r, r);
}

/* (param ...)* (result ...)* into p and r (encodings), their counts in
   *np and *nr. Parameters with an $id bind a local of fn (they are
   refused without fn and ids_ok: blocks and call_indirect). */
static void params_results(wat_ctx *c, wat_mod *m, wat_func *fn, bool ids_ok, wat_buf *p,
                           uint32_t *np, wat_buf *r, uint32_t *nr)
{
    *np = *nr = 0;
    while (wat_at_form(c, "param")) {
        c->pos += 2;
        const wat_token *t = wat_peek(c);
        if (t->kind == WT_ID) {
            if (!ids_ok)
                wat_fail(c, t, "unexpected token: a parameter here cannot have an $id");
            c->pos++;
            if (fn)
                wat_names_add(c, &fn->locals, t, fn->nlocals, "local");
            wat_valtype(c, m, p);
            (*np)++;
            if (fn)
                fn->nlocals++;
        } else {
            while (wat_peek(c)->kind != WT_RPAR) {
                wat_valtype(c, m, p);
                (*np)++;
                if (fn)
                    fn->nlocals++;
            }
        }
        wat_expect_rpar(c);
    }
    while (wat_at_form(c, "result")) {
        c->pos += 2;
        while (wat_peek(c)->kind != WT_RPAR) {
            wat_valtype(c, m, r);
            (*nr)++;
        }
        wat_expect_rpar(c);
    }
}

/* A field: (field $id? storagetype) or (field storagetype*), where a
   storage type is a value type, i8 or i16, in (mut ...) when mutable. */
static void field_types(wat_ctx *c, wat_mod *m, wat_buf *out, uint32_t *n)
{
    for (;;) {
        bool mut = wat_at_form(c, "mut");
        if (!mut && !wat_at_valtype(c) && !wat_is_kw(c, wat_peek(c), "i8") &&
            !wat_is_kw(c, wat_peek(c), "i16"))
            return;
        if (mut)
            c->pos += 2;
        if (wat_is_kw(c, wat_peek(c), "i8"))
            c->pos++, wat_buf_byte(c, out, 0x78);
        else if (wat_is_kw(c, wat_peek(c), "i16"))
            c->pos++, wat_buf_byte(c, out, 0x77);
        else
            wat_valtype(c, m, out);
        wat_buf_byte(c, out, mut);
        if (mut)
            wat_expect_rpar(c);
        (*n)++;
    }
}

/* A composite type: (func ...), (struct (field ...)*) or (array field). */
static void comptype(wat_ctx *c, wat_mod *m, wat_type *t)
{
    wat_expect_lpar(c);
    const wat_token *kw = wat_next(c);
    if (wat_is_kw(c, kw, "func")) {
        t->func = true;
        params_results(c, m, NULL, true, &t->p, &t->np, &t->r, &t->nr);
        wat_buf_byte(c, &t->enc, 0x60);
        wat_buf_u32(c, &t->enc, t->np);
        wat_buf_put(c, &t->enc, t->p.p, t->p.n);
        wat_buf_u32(c, &t->enc, t->nr);
        wat_buf_put(c, &t->enc, t->r.p, t->r.n);
    } else if (wat_is_kw(c, kw, "struct")) {
        wat_buf fs = {.slot = -1};
        uint32_t n = 0;
        while (wat_at_form(c, "field")) {
            c->pos += 2;
            if (wat_peek(c)->kind == WT_ID) {
                wat_names_add(c, &t->fields, wat_next(c), n, "field");
                uint32_t one = 0;
                field_types(c, m, &fs, &one);
                if (one != 1)
                    wat_fail(c, NULL, "a named field has one type");
                n++;
            } else {
                field_types(c, m, &fs, &n);
            }
            wat_expect_rpar(c);
        }
        wat_buf_byte(c, &t->enc, 0x5F);
        wat_buf_u32(c, &t->enc, n);
        wat_buf_put(c, &t->enc, fs.p, fs.n);
    } else if (wat_is_kw(c, kw, "array")) {
        uint32_t n = 0;
        wat_buf_byte(c, &t->enc, 0x5E);
        field_types(c, m, &t->enc, &n);
        if (n != 1)
            wat_fail(c, NULL, "an array has one field type");
    } else {
        char buf[64];
        wat_fail(c, kw, "unexpected token %s, expected func, struct or array",
                 wat_tok_text(c, kw, buf, sizeof buf));
    }
    wat_expect_rpar(c);
}

void wat_add_group(wat_ctx *c, wat_mod *m, uint32_t size, bool explicit_rec)
{
    uint32_t g[2] = {size, explicit_rec};
    wat_buf_put(c, &m->groups, g, sizeof g);
}

void wat_typedef(wat_ctx *c, wat_mod *m, bool alone)
{
    wat_type *t = wat_add_type(c, m);
    if (!wat_at_form(c, "sub")) {
        comptype(c, m, t);
        t->plain = t->func && alone;
        return;
    }
    c->pos += 2;
    bool final = wat_is_kw(c, wat_peek(c), "final");
    if (final)
        c->pos++;
    wat_buf sup = {.slot = -1};
    uint32_t nsup = 0, x;
    while (wat_opt_index(c, m, NS_TYPE, &x)) {
        wat_buf_u32(c, &sup, x);
        nsup++;
    }
    wat_buf_byte(c, &t->enc, final ? 0x4F : 0x50);
    wat_buf_u32(c, &t->enc, nsup);
    wat_buf_put(c, &t->enc, sup.p, sup.n);
    comptype(c, m, t);
    t->plain = t->func && alone && final && !nsup;
    wat_expect_rpar(c);
}

uint32_t wat_typeuse(wat_ctx *c, wat_mod *m, wat_func *fn, bool block, wat_buf *blockval)
{
    uint32_t idx = 0;
    bool given = false; /* (type x): any u32 is an index, even 0xffffffff */
    const wat_token *tt = NULL;
    if ((given = wat_at_form(c, "type"))) {
        c->pos += 2;
        tt = wat_peek(c);
        idx = wat_index(c, m, NS_TYPE);
        wat_expect_rpar(c);
    }
    wat_buf p = {.slot = -1}, r = {.slot = -1};
    uint32_t np, nr;
    const wat_token *at = wat_peek(c);
    params_results(c, m, fn, fn != NULL, &p, &np, &r, &nr);
    if (given && idx >= m->ntypes) {
        /* no such type (yet): the validator says "unknown type", unless
           the inline signature had to be compared with it */
        if (np || nr)
            wat_fail(c, tt, "unknown type %u", idx);
        return idx;
    }
    if (given) {
        const wat_type *t = &m->types[idx];
        if ((np || nr) && !type_is(t, &p, np, &r, nr))
            wat_fail(c, at, "inline function type does not match type %u", idx);
        if (fn && !np)
            fn->nlocals += t->np;
        return idx;
    }
    if (block && !np && nr <= 1) {
        if (nr)
            wat_buf_put(c, blockval, r.p, r.n);
        else
            wat_buf_byte(c, blockval, 0x40);
        return 0;
    }
    for (uint32_t i = 0; i < m->ntypes; i++)
        if (m->types[i].plain && type_is(&m->types[i], &p, np, &r, nr))
            return i;
    return add_functype(c, m, &p, np, &r, nr);
}
