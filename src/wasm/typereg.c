/*
 * typereg.c — a store's canonical types: one id per distinct type of every
 * module instantiated in the store and every host function's type.
 *
 * Types cross modules (imports, call_indirect through a shared table,
 * function references), so they are compared by these ids: equal ids are
 * equivalent types. As within a module (subtype.c), a recursive group is
 * registered whole, keyed by its shape, with references inside the group
 * by position and those outside by their ids; a group whose key is known
 * gets the ids it had. Each id keeps its kind and its supertype's id, for
 * subtyping at run time (call_indirect, imports).
 *
 * Value types in store space (ox_store_valtype) carry ids where a module's
 * carry its type indices: the types of globals and tables, which any
 * module of the store may import.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

#define KEY_LOCAL 0x80u /* low byte of a reference inside the group */

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

void ox_typereg_free(ox_typereg *r)
{
    for (size_t i = 0; i < r->ntypes; i++)
        free(r->types[i].trace);
    free(r->types);
    free(r->words);
    free(r->groups);
    free(r->slots);
    memset(r, 0, sizeof *r);
}

/* The key under construction, in r->words after the registered ones. */
typedef struct keybuf {
    ox_typereg *r;
    size_t start;
    bool ok;
} keybuf;

static void put(keybuf *k, uint32_t v)
{
    ox_typereg *r = k->r;
    if (!k->ok || !grow((void **)&r->words, &r->capwords, r->nwords + 1, sizeof *r->words)) {
        k->ok = false;
        return;
    }
    r->words[r->nwords++] = v;
}

/* A value type in a key: a module index outside the group by its id. */
static uint32_t vt_word(const uint32_t *ids, ox_valtype t, uint32_t s, uint32_t e)
{
    if (!ox_is_reftype(t) || !ox_heap_is_concrete(ox_ref_heap(t)))
        return t;
    uint32_t x = ox_ref_typeidx(t), flags = t & OX_REF_NONNULL;
    if (x >= s && x < e)
        return ox_ref_concrete(x - s, true) | flags | KEY_LOCAL;
    return ox_ref_concrete(ids[x], true) | flags;
}

static void put_func(keybuf *k, const uint32_t *ids, const ox_functype *f, uint32_t s, uint32_t e)
{
    put(k, f->nparams);
    put(k, f->nresults);
    for (uint32_t j = 0; j < f->nparams; j++)
        put(k, vt_word(ids, f->params[j], s, e));
    for (uint32_t j = 0; j < f->nresults; j++)
        put(k, vt_word(ids, f->results[j], s, e));
}

/* Look the key just built up; register it (new ids) when new. The ids
   of the group's types are base..base + n - 1. */
static ox_error *intern(ox_typereg *r, keybuf *k, uint32_t n, const uint8_t *kinds,
                        const bool *finals, const uint32_t *supers, uint32_t *base)
{
    if (!k->ok)
        return ox_error_new(OX_ERR_NOMEM, "out of memory registering types");
    size_t len = r->nwords - k->start;
    const uint32_t *key = r->words + k->start;
    uint64_t h = ox_hash_words(key, len);
    if (r->capslots) {
        for (size_t at = h & (r->capslots - 1); r->slots[at]; at = (at + 1) & (r->capslots - 1)) {
            const struct ox_typegroup *g = &r->groups[r->slots[at] - 1];
            if (g->hash == h && g->len == len &&
                !memcmp(r->words + g->off, key, len * sizeof *key)) {
                r->nwords = k->start; /* a known group: its key is not kept twice */
                *base = g->base;
                return NULL;
            }
        }
    }
    if (!grow((void **)&r->groups, &r->capgroups, r->ngroups + 1, sizeof *r->groups) ||
        !grow((void **)&r->types, &r->captypes, r->ntypes + n, sizeof *r->types))
        return ox_error_new(OX_ERR_NOMEM, "out of memory registering types");
    if (2 * (r->ngroups + 1) > r->capslots) { /* rehash at half full */
        size_t cap = r->capslots ? r->capslots * 2 : 64;
        uint32_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return ox_error_new(OX_ERR_NOMEM, "out of memory registering types");
        for (uint32_t i = 0; i < r->ngroups; i++) {
            size_t at = r->groups[i].hash & (cap - 1);
            while (slots[at])
                at = (at + 1) & (cap - 1);
            slots[at] = i + 1;
        }
        free(r->slots);
        r->slots = slots;
        r->capslots = cap;
    }
    *base = r->ntypes;
    for (uint32_t i = 0; i < n; i++)
        r->types[r->ntypes + i] = (struct ox_stype){kinds[i], finals[i], supers[i], 0, NULL, 0, 0};
    r->ntypes += n;
    r->groups[r->ngroups] = (struct ox_typegroup){k->start, len, *base, h};
    size_t at = h & (r->capslots - 1);
    while (r->slots[at])
        at = (at + 1) & (r->capslots - 1);
    r->slots[at] = ++r->ngroups;
    return NULL;
}

/* A new struct or array type's layout (module.h ox_field_slot). */
static ox_error *layout(struct ox_stype *t, const ox_module *m, uint32_t i)
{
    const ox_deftype *d = &m->deftypes[i];
    if (d->kind == OX_COMP_ARRAY) {
        t->esize = (uint8_t)ox_elem_size(&d->fields[0]);
        t->etrace = d->fields[0].packed ? OX_TRACE_NONE : ox_trace_kind(m, d->fields[0].type);
        return NULL;
    }
    if (d->kind != OX_COMP_STRUCT)
        return NULL;
    t->nslots = ox_field_slot(d, d->nfields);
    t->trace = calloc(t->nslots ? t->nslots : 1, 1);
    if (!t->trace)
        return ox_error_new(OX_ERR_NOMEM, "out of memory registering types");
    for (uint32_t k = 0, at = 0; k < d->nfields; at += ox_field_slots(&d->fields[k]), k++)
        t->trace[at] = d->fields[k].packed ? OX_TRACE_NONE : ox_trace_kind(m, d->fields[k].type);
    return NULL;
}

ox_error *ox_typereg_module(ox_typereg *r, const ox_module *m, uint32_t *ids)
{
    uint8_t *kinds = NULL;
    bool *finals = NULL;
    uint32_t *supers = NULL;
    ox_error *err = NULL;
    uint32_t cap = 0;
    for (uint32_t s = 0; s < m->ntypes && !err; s += m->deftypes[s].nrec) {
        uint32_t n = m->deftypes[s].nrec, e = s + n;
        if (n > cap) {
            free(kinds);
            free(finals);
            free(supers);
            cap = n;
            kinds = malloc(n);
            finals = malloc(n * sizeof *finals);
            supers = malloc(n * sizeof *supers);
            if (!kinds || !finals || !supers) {
                err = ox_error_new(OX_ERR_NOMEM, "out of memory registering types");
                break;
            }
        }
        keybuf k = {r, r->nwords, true};
        put(&k, n);
        for (uint32_t i = s; i < e; i++) {
            const ox_deftype *d = &m->deftypes[i];
            uint32_t sup = d->super == UINT32_MAX ? UINT32_MAX
                           : d->super >= s        ? 0x80000000u | (d->super - s)
                                                  : ids[d->super];
            put(&k, d->kind);
            put(&k, d->final);
            put(&k, sup);
            if (d->kind == OX_COMP_FUNC) {
                put_func(&k, ids, &m->types[i], s, e);
            } else {
                put(&k, d->nfields);
                for (uint32_t j = 0; j < d->nfields; j++) {
                    put(&k, vt_word(ids, d->fields[j].type, s, e));
                    put(&k, (uint32_t)d->fields[j].packed << 1 | d->fields[j].mutable_);
                }
            }
            kinds[i - s] = d->kind;
            finals[i - s] = d->final;
            supers[i - s] = sup; /* a group-relative one is fixed below */
        }
        uint32_t base = 0;
        size_t before = r->ntypes;
        if ((err = intern(r, &k, n, kinds, finals, supers, &base)) != NULL)
            break;
        for (uint32_t i = 0; !err && base >= before && i < n; i++)
            err = layout(&r->types[base + i], m, s + i);
        for (uint32_t i = 0; i < n; i++) {
            ids[s + i] = base + i;
            struct ox_stype *t = &r->types[base + i];
            if (t->super != UINT32_MAX && (t->super & 0x80000000u))
                t->super = base + (t->super & ~0x80000000u);
        }
    }
    free(kinds);
    free(finals);
    free(supers);
    return err;
}

uint32_t ox_store_type_id(ox_store *s, const ox_functype *t, ox_error **err)
{
    *err = NULL;
    for (uint32_t i = 0; i < t->nparams + t->nresults; i++) {
        ox_valtype v = i < t->nparams ? t->params[i] : t->results[i - t->nparams];
        if (!ox_is_valtype(v) || (ox_is_reftype(v) && ox_heap_is_concrete(ox_ref_heap(v)))) {
            *err = ox_error_new(OX_ERR_ARG, "a host function's types are numbers, vectors and "
                                            "abstract references only");
            return 0;
        }
    }
    keybuf k = {&s->typereg, s->typereg.nwords, true};
    put(&k, 1);
    put(&k, OX_COMP_FUNC);
    put(&k, true);
    put(&k, UINT32_MAX);
    put_func(&k, NULL, t, 0, 0);
    uint8_t kind = OX_COMP_FUNC;
    bool final = true;
    uint32_t super = UINT32_MAX, base = 0;
    *err = intern(&s->typereg, &k, 1, &kind, &final, &super, &base);
    return base;
}

bool ox_typereg_sub(const ox_typereg *r, uint32_t a, uint32_t b)
{
    for (uint32_t x = a; x != UINT32_MAX; x = r->types[x].super)
        if (x == b)
            return true;
    return false;
}

const char *ox_typereg_check(const ox_typereg *r, ox_valtype t, const ox_val *v)
{
    if (!ox_is_valtype(t))
        return "not a value type";
    if (ox_is_reftype(t) && ox_heap_is_concrete(ox_ref_heap(t)) &&
        ox_ref_typeidx(t) >= r->ntypes)
        return "a concrete reference type with no such type id in the store";
    if (v && ox_is_reftype(t) && !ox_ref_nullable(t) && !v->of.anyref)
        return "null for a non-nullable reference type";
    return NULL;
}

ox_valtype ox_store_valtype(const uint32_t *ids, ox_valtype t)
{
    if (!ox_is_reftype(t) || !ox_heap_is_concrete(ox_ref_heap(t)))
        return t;
    return ox_ref_concrete(ids[ox_ref_typeidx(t)], ox_ref_nullable(t));
}

bool ox_typereg_vt_sub(const ox_typereg *r, ox_valtype a, ox_valtype b)
{
    if (a == b)
        return true;
    if (!ox_is_reftype(a) || !ox_is_reftype(b) || (ox_ref_nullable(a) && !ox_ref_nullable(b)))
        return false;
    ox_heaptype ha = ox_ref_heap(a), hb = ox_ref_heap(b);
    bool ca = ox_heap_is_concrete(ha), cb = ox_heap_is_concrete(hb);
    if (ca && cb)
        return ox_typereg_sub(r, ox_ref_typeidx(ha), ox_ref_typeidx(hb));
    if (ca)
        return ox_abstract_sub(ox_kind_heap(r->types[ox_ref_typeidx(ha)].kind), hb);
    if (cb)
        return ha == (r->types[ox_ref_typeidx(hb)].kind == OX_COMP_FUNC ? OX_HT_NOFUNC
                                                                        : OX_HT_NONE);
    return ox_abstract_sub(ha, hb);
}
