/*
 * validate_module.c — every validation rule of WebAssembly 2.0 that lies
 * outside function bodies (spec 3.2 "Types", 3.4 "Modules").
 *
 * Checks index spaces (types, functions, tables, memories, globals), limits,
 * the single-memory rule of 2.0, constant expressions, element segment
 * types, export names and indices, and the start function; and computes
 * C.refs (the functions ref.func may name inside bodies) into
 * func_declared. Function bodies are validated by the compiler.
 *
 * Errors are OX_ERR_INVALID with the spec's wording first (for the
 * testsuite's assert_invalid texts) and the offending index after it.
 */
#include <stdlib.h>
#include <string.h>

#include "constexpr.h"

#define MAX_PAGES 65536u /* 2^16 pages of 64 KiB: 4 GiB (3.2.7, memory types) */
#define MAX_PAGES64 (UINT64_C(1) << 48) /* a 64-bit memory: 2^48 pages, 2^64 bytes */

/* A function or tag's type: a function type of the module. */
static ox_error *check_typeidx(const ox_module *m, uint32_t typeidx, const char *what,
                               uint32_t i)
{
    if (typeidx >= m->ntypes)
        return ox_err_at(OX_ERR_INVALID, -1, "unknown type %u (used by %s %u)", typeidx, what,
                         i);
    if (m->deftypes[typeidx].kind != OX_COMP_FUNC)
        return ox_err_at(OX_ERR_INVALID, -1, "type mismatch (type %u of %s %u is not a function "
                         "type)", typeidx, what, i);
    return NULL;
}

/* A value type outside the type section: its type index is the module's. */
static ox_error *check_valtype(const ox_module *m, ox_valtype t, const char *what, uint32_t i)
{
    if (ox_is_reftype(t) && ox_heap_is_concrete(ox_ref_heap(t)) &&
        ox_ref_typeidx(t) >= m->ntypes)
        return ox_err_at(OX_ERR_INVALID, -1, "unknown type %u (used by %s %u)",
                         ox_ref_typeidx(t), what, i);
    return NULL;
}

static ox_error *check_limits(const ox_limits *l, uint64_t bound, const char *toobig,
                              const char *what, uint32_t i)
{
    if (l->min > bound || (l->has_max && l->max > bound))
        return ox_err_at(OX_ERR_INVALID, -1, "%s (%s %u)", toobig, what, i);
    if (l->has_max && l->min > l->max)
        return ox_err_at(OX_ERR_INVALID, -1,
                         "size minimum must not be greater than maximum (%s %u: %llu > %llu)",
                         what, i, (unsigned long long)l->min, (unsigned long long)l->max);
    return NULL;
}

static ox_error *check_types_and_limits(const ox_module *m)
{
    for (uint32_t i = 0; i < m->nfuncs; i++)
        TRY(check_typeidx(m, m->functypes[i], "function", i));
    /* Table sizes are 32- or 64-bit numbers as decoded, so any limits are
       in range. */
    for (uint32_t i = 0; i < m->ntables; i++) {
        TRY(check_valtype(m, m->tables[i].elem, "table", i));
        TRY(check_limits(&m->tables[i].limits, UINT64_MAX, "table size out of range", "table",
                         i));
    }
    for (uint32_t i = 0; i < m->nglobals; i++)
        TRY(check_valtype(m, m->globals[i].type, "global", i));
    for (uint32_t i = 0; i < m->nelems; i++)
        TRY(check_valtype(m, m->elems[i].type, "element segment", i));
    /* An import's type index is checked here too: imports come first. */
    for (uint32_t i = 0; i < m->ntags; i++) {
        TRY(check_typeidx(m, m->tagtypes[i], "tag", i));
        if (m->types[m->tagtypes[i]].nresults)
            return ox_err_at(OX_ERR_INVALID, -1, "non-empty tag result type (tag %u)", i);
    }
    for (uint32_t i = 0; i < m->nmems; i++)
        TRY(m->mems[i].is64
                ? check_limits(&m->mems[i], MAX_PAGES64,
                               "memory size must be at most 2^48 pages (2^64 bytes)", "memory", i)
                : check_limits(&m->mems[i], MAX_PAGES,
                               "memory size must be at most 65536 pages (4GiB)", "memory", i));
    return NULL; /* any number of memories (multi-memory, WebAssembly 3.0) */
}

static int cmp_names(const void *a, const void *b)
{
    const ox_name *x = *(const ox_name *const *)a, *y = *(const ox_name *const *)b;
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(x->str, y->str, n) : 0;
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

static ox_error *check_exports(ox_module *m)
{
    static const char *const unknown[] = {"unknown function", "unknown table",
                                          "unknown memory", "unknown global", "unknown tag"};
    for (uint32_t i = 0; i < m->nexports; i++) {
        const ox_export *ex = &m->exports[i];
        uint32_t count = ex->kind == OX_EXTERN_FUNC    ? m->nfuncs
                         : ex->kind == OX_EXTERN_TABLE ? m->ntables
                         : ex->kind == OX_EXTERN_MEMORY ? m->nmems
                         : ex->kind == OX_EXTERN_GLOBAL ? m->nglobals
                                                        : m->ntags;
        if (ex->index >= count)
            return ox_err_at(OX_ERR_INVALID, -1, "%s %u (exported as \"%s\")", unknown[ex->kind],
                             ex->index, ex->name.str);
        if (ex->kind == OX_EXTERN_FUNC)
            m->func_declared[ex->index] = 1;
    }
    if (m->nexports < 2)
        return NULL;
    /* Names must be unique (3.4.10): sort and compare neighbours. */
    const ox_name **names = malloc(m->nexports * sizeof *names);
    if (!names)
        return ox_error_new(OX_ERR_NOMEM, "out of memory validating exports");
    for (uint32_t i = 0; i < m->nexports; i++)
        names[i] = &m->exports[i].name;
    qsort(names, m->nexports, sizeof *names, cmp_names);
    ox_error *err = NULL;
    for (uint32_t i = 1; i < m->nexports && !err; i++)
        if (!cmp_names(&names[i - 1], &names[i]))
            err = ox_err_at(OX_ERR_INVALID, -1, "duplicate export name \"%s\"", names[i]->str);
    free(names);
    return err;
}

/* A table of non-nullable references needs an initial value (3.0); the
   expression sees the imported globals only. */
static ox_error *check_table_inits(ox_module *m)
{
    for (uint32_t i = m->nimport_tables; i < m->ntables; i++) {
        const ox_tabledef *t = &m->tables[i];
        if (t->has_init)
            TRY(ox_constexpr_check(m, &t->init, m->nimport_globals, t->elem));
        else if (!ox_ref_nullable(t->elem))
            return ox_err_at(OX_ERR_INVALID, -1, "type mismatch (table %u of non-nullable "
                             "references has no initial value)", i);
    }
    return NULL;
}

static ox_error *check_elems(ox_module *m)
{
    for (uint32_t i = 0; i < m->nelems; i++) {
        const ox_elemseg *s = &m->elems[i];
        if (s->mode == OX_SEG_ACTIVE) {
            if (s->table >= m->ntables)
                return ox_err_at(OX_ERR_INVALID, s->offset.expr.off,
                                 "unknown table %u (element segment %u)", s->table, i);
            if (!ox_vt_sub(m, s->type, m->tables[s->table].elem)) {
                char a[48], b[48];
                return ox_err_at(OX_ERR_INVALID, s->offset.expr.off,
                                 "type mismatch (element segment %u of %s for a table of %s)", i,
                                 ox_valtype_str(s->type, a, sizeof a),
                                 ox_valtype_str(m->tables[s->table].elem, b, sizeof b));
            }
            TRY(ox_constexpr_check(m, &s->offset, m->nglobals,
                                   m->tables[s->table].limits.is64 ? OX_I64 : OX_I32));
        }
        for (uint32_t k = 0; k < s->count; k++) {
            if (s->items) {
                TRY(ox_constexpr_check(m, &s->items[k], m->nglobals, s->type));
            } else {
                if (s->funcidx[k] >= m->nfuncs)
                    return ox_err_at(OX_ERR_INVALID, -1,
                                     "unknown function %u (element segment %u)", s->funcidx[k],
                                     i);
                m->func_declared[s->funcidx[k]] = 1;
            }
        }
    }
    return NULL;
}

static ox_error *check_datas(ox_module *m)
{
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const ox_dataseg *s = &m->datas[i];
        if (s->mode != OX_SEG_ACTIVE)
            continue;
        if (s->memory >= m->nmems)
            return ox_err_at(OX_ERR_INVALID, s->offset.expr.off,
                             "unknown memory %u (data segment %u)", s->memory, i);
        TRY(ox_constexpr_check(m, &s->offset, m->nglobals,
                               m->mems[s->memory].is64 ? OX_I64 : OX_I32));
    }
    return NULL;
}

ox_error *ox_validate_module(ox_module *m)
{
    TRY(ox_types_canon(m));
    TRY(check_types_and_limits(m));
    for (uint32_t i = m->nimport_globals; i < m->nglobals; i++)
        TRY(ox_constexpr_check(m, &m->globals[i].init, i, m->globals[i].type));
    TRY(check_table_inits(m));
    TRY(check_exports(m));
    if (m->has_start) {
        if (m->start >= m->nfuncs)
            return ox_err_at(OX_ERR_INVALID, -1, "unknown function %u (start function)",
                             m->start);
        const ox_functype *ft = &m->types[m->functypes[m->start]];
        if (ft->nparams || ft->nresults)
            return ox_err_at(OX_ERR_INVALID, -1,
                             "start function %u must take no parameters and return nothing",
                             m->start);
    }
    TRY(check_elems(m));
    TRY(check_datas(m));
    return NULL;
}
