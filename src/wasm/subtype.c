/*
 * subtype.c — the types of one module: equivalence and subtyping.
 *
 * Types are iso-recursive (spec 3.0, 2.3.9 and 3.3): a recursive group is
 * compared as a whole, its references inside the group by position and
 * those outside it by the earlier types' equivalence classes. Each group's
 * shape is written as a key (a string of words) and looked up in a hash
 * table of the groups seen before; an equal key means equivalent types, so
 * `canon` (module.h) is the index of the first type of that shape, and
 * equivalence is one comparison from then on.
 *
 * Subtyping follows declared supertypes (at most one each, declared
 * earlier) up to the abstract types: a function type is below func, a
 * struct type below struct, eq and any, an array type below array, eq and
 * any; the bottom types none, nofunc, noextern, noexn are below everything
 * of their hierarchy.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"

/* ---- subtyping ------------------------------------------------------------- */

bool ox_type_sub(const ox_module *m, uint32_t a, uint32_t b)
{
    uint32_t cb = m->deftypes[b].canon;
    for (uint32_t x = a;; x = m->deftypes[x].super) {
        if (m->deftypes[x].canon == cb)
            return true;
        if (m->deftypes[x].super >= x) /* none (or not validated yet) */
            return false;
    }
}

bool ox_heap_sub(const ox_module *m, ox_heaptype a, ox_heaptype b)
{
    if (a == b || a == OX_HT_BOT)
        return true;
    bool ca = ox_heap_is_concrete(a), cb = ox_heap_is_concrete(b);
    if (ca && cb)
        return ox_type_sub(m, ox_ref_typeidx(a), ox_ref_typeidx(b));
    if (ca)
        return ox_abstract_sub(ox_kind_heap(m->deftypes[ox_ref_typeidx(a)].kind), b);
    if (cb) {
        uint8_t kind = m->deftypes[ox_ref_typeidx(b)].kind;
        return a == (kind == OX_COMP_FUNC ? OX_HT_NOFUNC : OX_HT_NONE);
    }
    return ox_abstract_sub(a, b);
}

bool ox_vt_sub(const ox_module *m, ox_valtype a, ox_valtype b)
{
    if (a == b)
        return true;
    if (!ox_is_reftype(a) && ox_ref_heap(a) != OX_HT_BOT)
        return false;
    if (!ox_is_reftype(b) || (ox_ref_nullable(a) && !ox_ref_nullable(b)))
        return false;
    return ox_heap_sub(m, ox_ref_heap(a), ox_ref_heap(b));
}

ox_heaptype ox_heap_top(const ox_module *m, ox_heaptype h)
{
    if (ox_heap_is_concrete(h))
        return m->deftypes[ox_ref_typeidx(h)].kind == OX_COMP_FUNC ? OX_HT_FUNC : OX_HT_ANY;
    return ox_abstract_top(h);
}

uint8_t ox_trace_kind(const ox_module *m, ox_valtype t)
{
    if (!ox_is_reftype(t))
        return OX_TRACE_NONE;
    return ox_trace_of_top(ox_heap_top(m, ox_ref_heap(t)));
}

/* Composite type a matches b (a may be declared a subtype of b). */
static bool field_sub(const ox_module *m, const ox_field *a, const ox_field *b)
{
    if (a->mutable_ != b->mutable_ || a->packed != b->packed)
        return false;
    return ox_vt_sub(m, a->type, b->type) && (!a->mutable_ || ox_vt_sub(m, b->type, a->type));
}

static bool comp_sub(const ox_module *m, uint32_t a, uint32_t b)
{
    const ox_deftype *da = &m->deftypes[a], *db = &m->deftypes[b];
    if (da->kind != db->kind)
        return false;
    if (da->kind == OX_COMP_FUNC) {
        const ox_functype *fa = &m->types[a], *fb = &m->types[b];
        if (fa->nparams != fb->nparams || fa->nresults != fb->nresults)
            return false;
        for (uint32_t i = 0; i < fa->nparams; i++)
            if (!ox_vt_sub(m, fb->params[i], fa->params[i]))
                return false;
        for (uint32_t i = 0; i < fa->nresults; i++)
            if (!ox_vt_sub(m, fa->results[i], fb->results[i]))
                return false;
        return true;
    }
    if (da->nfields < db->nfields || (da->kind == OX_COMP_ARRAY && da->nfields != db->nfields))
        return false;
    for (uint32_t i = 0; i < db->nfields; i++)
        if (!field_sub(m, &da->fields[i], &db->fields[i]))
            return false;
    return true;
}

/* ---- equivalence: the groups' keys -------------------------------------- */

typedef struct key {
    uint32_t *w;
    size_t n, cap;
} key;

static bool put(key *k, uint32_t v)
{
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 64;
        uint32_t *w = realloc(k->w, cap * sizeof *w);
        if (!w)
            return false;
        k->w = w;
        k->cap = cap;
    }
    k->w[k->n++] = v;
    return true;
}

/* A reference inside the group [s, e) by its position (flagged by a low
   byte of 0x80, which no type has), one before it by its class. */
static uint32_t vt_word(const ox_module *m, ox_valtype t, uint32_t s)
{
    if (!ox_is_reftype(t) || !ox_heap_is_concrete(ox_ref_heap(t)))
        return t;
    uint32_t x = ox_ref_typeidx(t), flags = t & OX_REF_NONNULL;
    if (x >= s)
        return ox_ref_concrete(x - s, true) | flags | 0x80;
    return ox_ref_concrete(m->deftypes[x].canon, true) | flags;
}

static bool group_key(const ox_module *m, uint32_t s, key *k)
{
    const ox_deftype *g = &m->deftypes[s];
    k->n = 0;
    bool ok = put(k, g->nrec);
    for (uint32_t i = s; ok && i < s + g->nrec; i++) {
        const ox_deftype *d = &m->deftypes[i];
        uint32_t sup = d->super == UINT32_MAX ? UINT32_MAX
                       : d->super >= s        ? 0x80000000u | (d->super - s)
                                              : m->deftypes[d->super].canon;
        ok = put(k, d->kind) && put(k, d->final) && put(k, sup);
        if (d->kind == OX_COMP_FUNC) {
            const ox_functype *f = &m->types[i];
            ok = ok && put(k, f->nparams) && put(k, f->nresults);
            for (uint32_t j = 0; ok && j < f->nparams; j++)
                ok = put(k, vt_word(m, f->params[j], s));
            for (uint32_t j = 0; ok && j < f->nresults; j++)
                ok = put(k, vt_word(m, f->results[j], s));
        } else {
            ok = ok && put(k, d->nfields);
            for (uint32_t j = 0; ok && j < d->nfields; j++)
                ok = put(k, vt_word(m, d->fields[j].type, s)) &&
                     put(k, (uint32_t)d->fields[j].packed << 1 | d->fields[j].mutable_);
        }
    }
    return ok;
}

/* ---- validation of the type section ----------------------------------------- */

static ox_error *check_refs(const ox_valtype *t, uint32_t n, uint32_t end)
{
    for (uint32_t i = 0; i < n; i++)
        if (ox_is_reftype(t[i]) && ox_heap_is_concrete(ox_ref_heap(t[i])) &&
            ox_ref_typeidx(t[i]) >= end)
            return ox_err_at(OX_ERR_INVALID, -1, "unknown type %u", ox_ref_typeidx(t[i]));
    return NULL;
}

static ox_error *check_group(const ox_module *m, uint32_t s)
{
    uint32_t e = s + m->deftypes[s].nrec;
    for (uint32_t i = s; i < e; i++) {
        const ox_deftype *d = &m->deftypes[i];
        if (d->kind == OX_COMP_FUNC) {
            TRY(check_refs(m->types[i].params, m->types[i].nparams, e));
            TRY(check_refs(m->types[i].results, m->types[i].nresults, e));
        }
        for (uint32_t j = 0; j < d->nfields; j++)
            TRY(check_refs(&d->fields[j].type, 1, e));
        if (d->super == OX_MANY_SUPERS)
            return ox_err_at(OX_ERR_INVALID, -1, "sub type %u has more than one supertype", i);
        if (d->super != UINT32_MAX && d->super >= i)
            return ox_err_at(OX_ERR_INVALID, -1, d->super >= m->ntypes ? "unknown type %u"
                                                 : "sub type %u is not declared before %u",
                             d->super, i);
    }
    return NULL;
}

/* The declared supertypes, once the group's classes are known. */
static ox_error *check_supers(const ox_module *m, uint32_t s)
{
    for (uint32_t i = s; i < s + m->deftypes[s].nrec; i++) {
        uint32_t sup = m->deftypes[i].super;
        if (sup == UINT32_MAX)
            continue;
        if (m->deftypes[sup].final || !comp_sub(m, i, sup))
            return ox_err_at(OX_ERR_INVALID, -1, "sub type %u does not match its supertype %u",
                             i, sup);
    }
    return NULL;
}

ox_error *ox_types_canon(ox_module *m)
{
    uint32_t ngroups = 0;
    for (uint32_t s = 0; s < m->ntypes; s += m->deftypes[s].nrec)
        ngroups++;
    size_t cap = 16;
    while (cap < 2 * (size_t)ngroups)
        cap *= 2;
    /* the table: the first type of each distinct group (UINT32_MAX empty),
       with its key's hash; keys are rebuilt to compare on a hash match */
    uint32_t *slot = malloc(cap * sizeof *slot);
    uint64_t *hash = malloc(cap * sizeof *hash);
    key k = {NULL, 0, 0}, k2 = {NULL, 0, 0};
    ox_error *err = NULL;
    if (!slot || !hash) {
        err = ox_error_new(OX_ERR_NOMEM, "out of memory checking the types");
        goto out;
    }
    memset(slot, 0xFF, cap * sizeof *slot);
    for (uint32_t s = 0; s < m->ntypes && !err; s += m->deftypes[s].nrec) {
        uint32_t n = m->deftypes[s].nrec;
        if ((err = check_group(m, s)) != NULL)
            break;
        if (!group_key(m, s, &k)) {
            err = ox_error_new(OX_ERR_NOMEM, "out of memory checking the types");
            break;
        }
        uint64_t h = ox_hash_words(k.w, k.n);
        size_t at = (size_t)h & (cap - 1);
        uint32_t same = UINT32_MAX;
        for (; slot[at] != UINT32_MAX; at = (at + 1) & (cap - 1)) {
            if (hash[at] != h)
                continue;
            if (!group_key(m, slot[at], &k2)) {
                err = ox_error_new(OX_ERR_NOMEM, "out of memory checking the types");
                goto out;
            }
            if (k2.n == k.n && !memcmp(k2.w, k.w, k.n * sizeof *k.w)) {
                same = slot[at];
                break;
            }
        }
        for (uint32_t i = 0; i < n; i++)
            m->deftypes[s + i].canon = same == UINT32_MAX ? s + i : same + i;
        if (same == UINT32_MAX) {
            slot[at] = s;
            hash[at] = h;
        }
        err = check_supers(m, s);
    }
out:
    free(slot);
    free(hash);
    free(k.w);
    free(k2.w);
    return err;
}
