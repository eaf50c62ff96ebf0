/*
 * module.c — what a decoded module says about itself: its imports and
 * exports with their types, its function count and names.
 */
#include "runtime.h"

static void import_type(const ox_module *m, const ox_import *im, ox_externtype *t)
{
    t->kind = im->kind;
    switch (im->kind) {
    case OX_EXTERN_FUNC: t->u.func = m->types[im->u.typeidx]; break;
    case OX_EXTERN_TABLE: t->u.table.elem = im->u.table.elem; t->u.table.limits = im->u.table.limits; break;
    case OX_EXTERN_MEMORY: t->u.memory = im->u.memory; break;
    case OX_EXTERN_GLOBAL: t->u.global.type = im->u.global.type; t->u.global.mutable_ = im->u.global.mutable_; break;
    case OX_EXTERN_TAG: t->u.tag = m->types[im->u.typeidx]; break;
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

const uint8_t *ox_module_binary(const ox_module *m, size_t *len)
{
    *len = m->nbytes;
    return m->bytes;
}

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
    case OX_EXTERN_TAG: type->u.tag = m->types[m->tagtypes[ex->index]]; break;
    }
}

const char *ox_module_func_name(const ox_module *m, uint32_t funcidx)
{
    if (!m->func_names || funcidx >= m->nfuncs)
        return NULL;
    return m->func_names[funcidx];
}
