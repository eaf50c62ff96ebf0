/*
 * api.c — modules, functions and callers as the embedder sees them.
 *
 * ox_module_new() is the one road from bytes to a runnable module:
 * decode (decode.c), validate everything outside function bodies
 * (validate_module.c), then validate and compile each body (compile.c).
 */
#include <errno.h>
#include <stdio.h>
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
    }
    return "?";
}

/* ---- modules ---------------------------------------------------------- */

ox_error *ox_module_new(ox_engine *e, const uint8_t *bytes, size_t len, ox_module **out)
{
    *out = NULL;
    if (!e || (!bytes && len))
        return ox_error_new(OX_ERR_ARG, "ox_module_new: no engine or no bytes");
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return ox_error_new(OX_ERR_NOMEM, "out of memory copying a %zu-byte module", len);
    if (len)
        memcpy(copy, bytes, len);
    ox_module *m = NULL;
    ox_error *err = ox_decode(e, copy, len, &m); /* owns copy from here on */
    if (!err)
        err = ox_validate_module(m);
    if (!err)
        err = ox_compile_module(m);
    if (err) {
        if (m)
            ox_module_destroy(m);
        return err;
    }
    atomic_store(&m->refcount, 1);
    *out = m;
    return NULL;
}

ox_error *ox_module_load_file(ox_engine *e, const char *path, ox_module **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ox_error_new(OX_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return ox_error_new(OX_ERR_NOMEM, "out of memory reading %s", path);
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return ox_error_new(OX_ERR_IO, "cannot read %s", path);
    }
    ox_error *err = ox_module_new(e, buf, len, out);
    free(buf);
    return err;
}

void ox_module_free(ox_module *m)
{
    if (m && atomic_fetch_sub(&m->refcount, 1) == 1)
        ox_module_destroy(m);
}

static void import_type(const ox_module *m, const ox_import *im, ox_externtype *t)
{
    t->kind = im->kind;
    switch (im->kind) {
    case OX_EXTERN_FUNC: t->u.func = m->types[im->u.typeidx]; break;
    case OX_EXTERN_TABLE: t->u.table.elem = im->u.table.elem; t->u.table.limits = im->u.table.limits; break;
    case OX_EXTERN_MEMORY: t->u.memory = im->u.memory; break;
    case OX_EXTERN_GLOBAL: t->u.global.type = im->u.global.type; t->u.global.mutable_ = im->u.global.mutable_; break;
    }
}

size_t ox_module_import_count(const ox_module *m) { return m->nimports; }

void ox_module_import(const ox_module *m, size_t i, const char **module, const char **name,
                      ox_externtype *type)
{
    const ox_import *im = &m->imports[i];
    if (module)
        *module = im->module.str;
    if (name)
        *name = im->name.str;
    if (type)
        import_type(m, im, type);
}

size_t ox_module_export_count(const ox_module *m) { return m->nexports; }

uint32_t ox_module_export_index(const ox_module *m, size_t i) { return m->exports[i].index; }
uint32_t ox_module_func_count(const ox_module *m) { return m->nfuncs; }

void ox_module_export(const ox_module *m, size_t i, const char **name, size_t *name_len,
                      ox_externtype *type)
{
    const ox_export *ex = &m->exports[i];
    if (name)
        *name = ex->name.str;
    if (name_len)
        *name_len = ex->name.len;
    if (!type)
        return;
    type->kind = ex->kind;
    switch (ex->kind) {
    case OX_EXTERN_FUNC: type->u.func = m->types[m->functypes[ex->index]]; break;
    case OX_EXTERN_TABLE:
        type->u.table.elem = m->tables[ex->index].elem;
        type->u.table.limits = m->tables[ex->index].limits;
        break;
    case OX_EXTERN_MEMORY: type->u.memory = m->mems[ex->index]; break;
    case OX_EXTERN_GLOBAL:
        type->u.global.type = m->globals[ex->index].type;
        type->u.global.mutable_ = m->globals[ex->index].mutable_;
        break;
    }
}

const char *ox_module_func_name(const ox_module *m, uint32_t funcidx)
{
    if (!m->func_names || funcidx >= m->nfuncs)
        return NULL;
    return m->func_names[funcidx];
}

/* ---- functions -------------------------------------------------------- */

ox_error *ox_func_new_host(ox_store *s, const ox_functype *type, ox_host_fn fn, void *user,
                           void (*finalize)(void *), ox_func **out)
{
    *out = NULL;
    if (!s || !type || !fn)
        return ox_error_new(OX_ERR_ARG, "ox_func_new_host: missing store, type or callback");
    ox_func *f = calloc(1, sizeof *f);
    ox_functype *t = ox_functype_dup(type);
    ox_error *err = NULL;
    if (!f || !t) {
        err = ox_error_new(OX_ERR_NOMEM, "out of memory");
        goto fail;
    }
    f->type = t;
    f->type_id = ox_store_type_id(s, t, &err);
    if (err)
        goto fail;
    f->store = s;
    f->host = fn;
    f->user = user;
    f->finalize = finalize;
    if ((err = ox_ptrvec_push(&s->funcs, f)) != NULL)
        goto fail;
    *out = f;
    return NULL;
fail:
    free(t);
    free(f);
    return err;
}

const ox_functype *ox_func_type(const ox_func *f) { return f->type; }

ox_error *ox_func_call(ox_func *f, const ox_val *args, size_t nargs, ox_val *results,
                       size_t nresults)
{
    if (!f)
        return ox_error_new(OX_ERR_ARG, "ox_func_call: null function");
    const ox_functype *t = f->type;
    if (nargs != t->nparams)
        return ox_error_new(OX_ERR_ARG, "function takes %u arguments, %zu given", t->nparams,
                            nargs);
    if (nresults != t->nresults)
        return ox_error_new(OX_ERR_ARG, "function returns %u results, room for %zu given",
                            t->nresults, nresults);
    for (uint32_t i = 0; i < t->nparams; i++)
        if (args[i].type != t->params[i])
            return ox_error_new(OX_ERR_ARG, "argument %u has type %s, expected %s", i + 1,
                                ox_valtype_name(args[i].type), ox_valtype_name(t->params[i]));
    ox_store_call_begin(f->store);
    ox_error *err = ox_exec_call(f->store, f, args, results);
    ox_store_call_end(f->store);
    return err;
}

/* ---- callers ---------------------------------------------------------- */

ox_memory *ox_caller_memory(ox_caller *c)
{
    return c && c->inst ? ox_instance_memory(c->inst) : NULL;
}

ox_store *ox_caller_store(ox_caller *c) { return c ? c->store : NULL; }

ox_error *ox_caller_interrupted(ox_caller *c)
{
    if (!c || !c->store || !ox_store_should_stop(c->store))
        return NULL;
    return ox_trap_error(OX_TRAP_INTERRUPTED, NULL, 0); /* "trap in host: interrupted" */
}

bool ox_caller_export(ox_caller *c, const char *name, ox_extern *out)
{
    return c && c->inst && ox_instance_export(c->inst, name, out);
}
