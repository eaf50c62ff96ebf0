/*
 * types.c — value and function types: their names, equality, copies.
 */
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "leb.h"
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
    case OX_ANYREF: return "anyref";
    case OX_EQREF: return "eqref";
    case OX_I31REF: return "i31ref";
    case OX_STRUCTREF: return "structref";
    case OX_ARRAYREF: return "arrayref";
    case OX_EXNREF: return "exnref";
    case OX_NULLEXNREF: return "nullexnref";
    case OX_NULLFUNCREF: return "nullfuncref";
    case OX_NULLEXTERNREF: return "nullexternref";
    case OX_NULLREF: return "nullref";
    }
    return ox_is_reftype(t) ? "ref" : "?";
}

bool ox_valtype_is_ref(ox_valtype t) { return ox_is_reftype(t); }

const char *ox_heap_name(ox_heaptype h)
{
    switch (h) {
    case OX_HT_FUNC: return "func";
    case OX_HT_EXTERN: return "extern";
    case OX_HT_ANY: return "any";
    case OX_HT_EQ: return "eq";
    case OX_HT_I31: return "i31";
    case OX_HT_STRUCT: return "struct";
    case OX_HT_ARRAY: return "array";
    case OX_HT_EXN: return "exn";
    case OX_HT_NOEXN: return "noexn";
    case OX_HT_NOFUNC: return "nofunc";
    case OX_HT_NOEXTERN: return "noextern";
    case OX_HT_NONE: return "none";
    }
    return "?";
}

char *ox_valtype_str(ox_valtype t, char *buf, size_t len)
{
    if (!len)
        return buf;
    const char *name = ox_valtype_name(t);
    if (strcmp(name, "ref") != 0) {
        snprintf(buf, len, "%s", name);
        return buf;
    }
    ox_heaptype h = ox_ref_heap(t);
    const char *null = ox_ref_nullable(t) ? "null " : "";
    if (ox_heap_is_concrete(h))
        snprintf(buf, len, "(ref %s%u)", null, ox_ref_typeidx(h));
    else
        snprintf(buf, len, "(ref %s%s)", null, ox_heap_name(h));
    return buf;
}

/* Type indices above this cannot be encoded (wasm.h: 22 bits); decode.c
   allows fewer types than that, so such an index is an unknown type. */
#define MAX_TYPEIDX ((1u << 22) - 1)

const char *ox_heaptype_parse(const uint8_t **p, const uint8_t *end, ox_heaptype *out)
{
    if (*p >= end)
        return "unexpected end";
    if (ox_is_abstract_heap(**p)) {
        *out = *(*p)++;
        return NULL;
    }
    int64_t v;
    const uint8_t *at = *p;
    ox_leb st = ox_leb_s(p, end, 33, &v);
    if (st == OX_LEB_EOF)
        return "unexpected end";
    if (st != OX_LEB_OK)
        return ox_leb_message(st);
    if (v < 0) {
        *p = at;
        return "malformed heap type";
    }
    *out = ox_ref_concrete(v > MAX_TYPEIDX ? MAX_TYPEIDX : (uint32_t)v, true);
    return NULL;
}

const char *ox_valtype_parse(const uint8_t **p, const uint8_t *end, bool ref_only,
                             ox_valtype *out)
{
    if (*p >= end)
        return "unexpected end";
    uint8_t b = **p;
    if (ox_is_abstract_heap(b) || (!ref_only && ox_is_numtype(b))) {
        (*p)++;
        *out = b;
        return NULL;
    }
    if (b != OX_REF_NULL_PREFIX && b != OX_REF_PREFIX)
        return ref_only ? "malformed reference type" : "malformed value type";
    (*p)++;
    ox_heaptype h;
    const char *why = ox_heaptype_parse(p, end, &h);
    if (why)
        return why;
    *out = ox_ref_make(h, b == OX_REF_NULL_PREFIX);
    return NULL;
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
           (a->nparams == 0 || !memcmp(a->params, b->params, a->nparams * sizeof(ox_valtype))) &&
           (a->nresults == 0 ||
            !memcmp(a->results, b->results, a->nresults * sizeof(ox_valtype)));
}

/* A functype and its value types in one allocation. */
static ox_functype *functype_copy(const ox_functype *t)
{
    ox_functype *c = malloc(sizeof *c + ((size_t)t->nparams + t->nresults) * sizeof(ox_valtype));
    if (!c)
        return NULL;
    ox_valtype *types = (ox_valtype *)(c + 1);
    if (t->nparams)
        memcpy(types, t->params, t->nparams * sizeof(ox_valtype));
    if (t->nresults)
        memcpy(types + t->nparams, t->results, t->nresults * sizeof(ox_valtype));
    c->nparams = t->nparams;
    c->nresults = t->nresults;
    c->params = types;
    c->results = types + t->nparams;
    return c;
}

ox_functype *ox_functype_dup(const ox_functype *t) { return functype_copy(t); }
