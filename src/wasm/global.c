/* global.c — global variables. */
#include <stdlib.h>

#include "runtime.h"

ox_error *ox_global_new(ox_store *s, ox_valtype type, bool mutable_, ox_val init,
                        ox_global **out)
{
    *out = NULL;
    const char *why = ox_typereg_check(&s->typereg, type, &init);
    if (why)
        return ox_error_new(OX_ERR_ARG, "global of type 0x%x: %s", (unsigned)type, why);
    if (init.type != type)
        return ox_error_new(OX_ERR_ARG, "global of type %s initialised with a %s",
                            ox_valtype_name(type), ox_valtype_name(init.type));
    ox_global *g = calloc(1, sizeof *g);
    if (!g)
        return ox_error_new(OX_ERR_NOMEM, "out of memory");
    g->type = type;
    g->mutable_ = mutable_;
    ox_val_put(g->val, &init);
    ox_error *err = ox_ptrvec_push(&s->globals, g);
    if (err) {
        free(g);
        return err;
    }
    *out = g;
    return NULL;
}

ox_valtype ox_global_type(const ox_global *g) { return g->type; }
bool ox_global_mutable(const ox_global *g) { return g->mutable_; }
ox_val ox_global_get(const ox_global *g) { return ox_val_get(g->val, g->type); }

ox_error *ox_global_set(ox_global *g, ox_val v)
{
    if (!g->mutable_)
        return ox_error_new(OX_ERR_ARG, "global is immutable");
    if (v.type != g->type)
        return ox_error_new(OX_ERR_ARG, "value of type %s stored in a %s global",
                            ox_valtype_name(v.type), ox_valtype_name(g->type));
    if (ox_is_reftype(g->type) && !ox_ref_nullable(g->type) && !v.of.anyref)
        return ox_error_new(OX_ERR_ARG, "null stored in a global of a non-nullable type");
    ox_val_put(g->val, &v);
    return NULL;
}
