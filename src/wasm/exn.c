/*
 * exn.c — tags and exceptions (exception handling, WebAssembly 3.0).
 *
 * A tag is an identity with a type: exceptions match a catch clause by the
 * tag object, so two instances of one module throw distinct exceptions,
 * and a tag imported under two names is one tag. An exception is its tag
 * and its values; the interpreter throws and catches them (interp.c,
 * the handlers compile.c records for each try_table) and an uncaught one
 * leaves a call as an OX_ERR_EXCEPTION error that names its tag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "runtime.h"

ox_error *ox_tag_new(ox_store *s, const ox_functype *type, ox_tag **out)
{
    *out = NULL;
    if (!s || !type)
        return ox_error_new(OX_ERR_ARG, "ox_tag_new: missing store or type");
    if (type->nresults)
        return ox_error_new(OX_ERR_ARG, "a tag's type has no results (%u given)", type->nresults);
    ox_error *err = NULL;
    uint32_t id = ox_store_type_id(s, type, &err);
    if (err)
        return err;
    ox_tag *t = calloc(1, sizeof *t);
    ox_functype *ft = ox_functype_dup(type);
    if (!t || !ft || (err = ox_ptrvec_push(&s->tags, t)) != NULL) {
        free(t);
        free(ft);
        return err ? err : ox_error_new(OX_ERR_NOMEM, "out of memory");
    }
    *t = (ox_tag){.type = ft, .type_id = id, .store = s};
    *out = t;
    return NULL;
}

const ox_functype *ox_tag_type(const ox_tag *t) { return t->type; }

ox_exn *ox_exn_new(ox_tag *tag, const ox_slot *vals)
{
    uint32_t n = ox_types_slots(tag->type->params, tag->type->nparams);
    ox_exn *x = malloc(sizeof *x + n * sizeof(ox_slot));
    if (!x)
        return NULL;
    x->tag = tag;
    x->exposed = false;
    x->mark = 0;
    x->nslots = n;
    if (n)
        memcpy(x->vals, vals, n * sizeof(ox_slot));
    return x;
}

bool ox_exn_expose(ox_store *s, ox_exn *x)
{
    if (x->exposed)
        return true;
    if (s->exns.n >= OX_MAX_EXPOSED_EXNS)
        return false;
    ox_error *err = ox_ptrvec_push(&s->exns, x);
    if (err) {
        ox_error_free(err);
        return false;
    }
    x->exposed = true;
    return true;
}

/* "tag N", with the export name when the defining instance exports it. */
static void tag_label(const ox_tag *t, char *buf, size_t len)
{
    if (!t->inst) {
        snprintf(buf, len, "a host tag");
        return;
    }
    const ox_module *m = t->inst->module;
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == OX_EXTERN_TAG && m->exports[i].index == t->index) {
            snprintf(buf, len, "tag %u \"%s\"", t->index, m->exports[i].name.str);
            return;
        }
    snprintf(buf, len, "tag %u", t->index);
}

ox_error *ox_exn_error(ox_exn *x)
{
    char label[160], msg[200];
    tag_label(x->tag, label, sizeof label);
    snprintf(msg, sizeof msg, "uncaught exception (%s)", label);
    if (x->exposed) { /* the collector may free the store's: the error has its own copy */
        ox_exn *copy = ox_exn_new(x->tag, x->vals);
        if (!copy)
            return ox_error_new(OX_ERR_NOMEM, "out of memory: %s", msg);
        x = copy;
    }
    return ox_error_exception(x, true, msg);
}

const ox_handler *ox_exn_handler(const struct ox_code *code, uint32_t at, const ox_exn *x,
                                 const ox_instance *inst)
{
    uint32_t depth = UINT32_MAX; /* a delegate narrows the search to outer frames */
    for (uint32_t i = 0; i < code->nhandlers; i++) {
        const ox_handler *h = &code->handlers[i];
        if (at < h->start || at >= h->end || h->depth > depth)
            continue;
        if (h->tag == OX_DELEGATE)
            depth = h->pad;
        else if (h->tag == OX_CATCH_ALL || inst->tags[h->tag] == x->tag)
            return h;
    }
    return NULL;
}

/* ---- the embedder's view ------------------------------------------------------ */

static ox_error *values(const ox_exn *x, ox_val *out, size_t n)
{
    if (!x)
        return ox_error_new(OX_ERR_ARG, "no exception");
    const ox_functype *t = x->tag->type;
    if (n != t->nparams)
        return ox_error_new(OX_ERR_ARG, "the exception has %u values, room for %zu given",
                            t->nparams, n);
    for (uint32_t i = 0, at = 0; i < t->nparams; i++) {
        out[i] = ox_val_get(&x->vals[at], t->params[i]);
        at += t->params[i] == OX_V128 ? 2 : 1;
    }
    return NULL;
}

ox_error *ox_exception_throw(ox_tag *tag, const ox_val *args, size_t nargs)
{
    if (!tag)
        return ox_error_new(OX_ERR_ARG, "ox_exception_throw: no tag");
    const ox_functype *t = tag->type;
    if (nargs != t->nparams)
        return ox_error_new(OX_ERR_ARG, "the tag's exceptions carry %u values, %zu given",
                            t->nparams, nargs);
    ox_slot vals[64];
    uint32_t n = ox_types_slots(t->params, t->nparams);
    if (n > 64)
        return ox_error_new(OX_ERR_ARG, "an exception of more than 64 value slots");
    for (uint32_t i = 0, at = 0; i < t->nparams; i++) {
        if (args[i].type != t->params[i] &&
            !(ox_is_reftype(args[i].type) && ox_is_reftype(t->params[i])))
            return ox_error_new(OX_ERR_ARG, "exception value %u has type %s, expected %s", i + 1,
                                ox_valtype_name(args[i].type), ox_valtype_name(t->params[i]));
        at += ox_val_put(&vals[at], &args[i]);
    }
    ox_exn *x = ox_exn_new(tag, vals);
    if (!x)
        return ox_error_new(OX_ERR_NOMEM, "out of memory throwing an exception");
    return ox_exn_error(x);
}

ox_error *ox_error_exception_values(const ox_error *e, ox_val *out, size_t n)
{
    return values(ox_error_peek_exn(e), out, n);
}

ox_tag *ox_exnref_tag(const void *exnref) { return exnref ? ((const ox_exn *)exnref)->tag : NULL; }

ox_error *ox_exnref_values(const void *exnref, ox_val *out, size_t n)
{
    return values(exnref, out, n);
}
