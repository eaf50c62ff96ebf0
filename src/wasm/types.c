/*
 * types.c — value and function types: their names, equality, copies.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

const char *ox_valtype_name(ox_valtype t)
{
    switch (t) {
    case OX_I32: return "i32";
    case OX_I64: return "i64";
    case OX_F32: return "f32";
    case OX_F64: return "f64";
    case OX_V128: return "v128";
    case OX_FUNCREF: return "funcref";
    case OX_EXTERNREF: return "externref";
    case OX_EXNREF: return "exnref";
    }
    return "?";
}

const char *ox_extern_kind_name(ox_extern_kind k)
{
    switch (k) {
    case OX_EXTERN_FUNC: return "func";
    case OX_EXTERN_TABLE: return "table";
    case OX_EXTERN_MEMORY: return "memory";
    case OX_EXTERN_GLOBAL: return "global";
    case OX_EXTERN_TAG: return "tag";
    }
    return "?";
}

bool ox_functype_equal(const ox_functype *a, const ox_functype *b)
{
    return a->nparams == b->nparams && a->nresults == b->nresults &&
           (a->nparams == 0 || !memcmp(a->params, b->params, a->nparams)) &&
           (a->nresults == 0 || !memcmp(a->results, b->results, a->nresults));
}

/* A functype and its value types in one allocation. */
static ox_functype *functype_copy(const ox_functype *t)
{
    ox_functype *c = malloc(sizeof *c + t->nparams + t->nresults);
    if (!c)
        return NULL;
    ox_valtype *types = (ox_valtype *)(c + 1);
    if (t->nparams)
        memcpy(types, t->params, t->nparams);
    if (t->nresults)
        memcpy(types + t->nparams, t->results, t->nresults);
    c->nparams = t->nparams;
    c->nresults = t->nresults;
    c->params = types;
    c->results = types + t->nparams;
    return c;
}

ox_functype *ox_functype_dup(const ox_functype *t) { return functype_copy(t); }
