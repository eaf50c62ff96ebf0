/*
 * instance.c — instantiation (spec §4.5.4) and exports.
 *
 * Order matters and is the spec's: check imports, allocate functions,
 * globals, tables and memories, evaluate element segments, then apply the
 * active element and data segments one by one (a trap stops there, and
 * what was already written stays written), then run the start function.
 * Once any write can have reached a shared table or memory, the instance
 * belongs to the store even if instantiation then fails, because imported
 * tables may now hold references to its functions.
 */
#include <stdlib.h>
#include <string.h>

#include "constexpr.h"

/* Extern subtyping for limits (spec §4.5.2.2): the actual object's current
   size and maximum must fit inside what the import declares. */
static bool limits_match(uint64_t size, ox_limits actual, ox_limits want)
{
    if (actual.is64 != want.is64 || size < want.min)
        return false;
    if (want.has_max && (!actual.has_max || actual.max > want.max))
        return false;
    return true;
}

/* Import matching (spec 3.0 "external types"): a function's type must be
   a subtype of the import's, a table's element type and a mutable
   global's type the same, an immutable global's type a subtype; all
   compared as the store's ids (ids: the importing module's). */
static ox_error *check_import(ox_store *s, const ox_module *m, const uint32_t *ids, uint32_t i,
                              const ox_extern *ext)
{
    const ox_import *im = &m->imports[i];
    const ox_typereg *r = &s->typereg;
    bool ok = ext->kind == im->kind && ext->of.func;
    if (ok) {
        switch (im->kind) {
        case OX_EXTERN_FUNC:
            ok = ext->of.func->store == s
                     ? ox_typereg_sub(r, ext->of.func->type_id, ids[im->u.typeidx])
                     : ox_functype_equal(ext->of.func->type, &m->types[im->u.typeidx]);
            break;
        case OX_EXTERN_TABLE: {
            const ox_table *t = ext->of.table;
            ok = t->elem == ox_store_valtype(ids, im->u.table.elem) &&
                 limits_match(t->size, t->limits, im->u.table.limits);
            break;
        }
        case OX_EXTERN_MEMORY: {
            const ox_memory *mem = ext->of.memory;
            ok = limits_match(mem->pages, mem->limits, im->u.memory);
            break;
        }
        case OX_EXTERN_GLOBAL: {
            const ox_global *g = ext->of.global;
            ox_valtype want = ox_store_valtype(ids, im->u.global.type);
            ok = g->mutable_ == im->u.global.mutable_ &&
                 (g->mutable_ ? g->type == want : ox_typereg_vt_sub(r, g->type, want));
            break;
        }
        case OX_EXTERN_TAG:
            ok = ext->of.tag->store == s && ext->of.tag->type_id == ids[im->u.typeidx];
            break;
        }
    }
    if (!ok)
        return ox_error_new(OX_ERR_LINK, "incompatible import type: import %u \"%s\" \"%s\" (%s)", i,
                            im->module.str, im->name.str, ox_extern_kind_name(im->kind));
    return NULL;
}

/* Arrays sized by the module; wasm functions get their ox_func here. */
static ox_error *alloc_instance(ox_store *s, ox_module *m, ox_instance **out)
{
    ox_instance *inst = calloc(1, sizeof *inst);
    if (!inst)
        return ox_error_new(OX_ERR_NOMEM, "out of memory");
    inst->store = s;
    inst->module = m;
    atomic_fetch_add(&m->refcount, 1);
    uint32_t ndef = m->nfuncs - m->nimport_funcs;
    inst->funcs = calloc(m->nfuncs + 1, sizeof *inst->funcs);
    inst->tables = calloc(m->ntables + 1, sizeof *inst->tables);
    inst->mems = calloc(m->nmems + 1, sizeof *inst->mems);
    inst->globals = calloc(m->nglobals + 1, sizeof *inst->globals);
    inst->tags = calloc(m->ntags + 1, sizeof *inst->tags);
    inst->own_tags = calloc(m->ntags - m->nimport_tags + 1, sizeof *inst->own_tags);
    inst->type_ids = calloc(m->ntypes + 1, sizeof *inst->type_ids);
    inst->elems = calloc(m->nelems + 1, sizeof *inst->elems);
    inst->data_dropped = calloc(m->ndatas + 1, 1);
    inst->own_funcs = calloc(ndef + 1, sizeof *inst->own_funcs);
    *out = inst;
    if (!inst->funcs || !inst->tables || !inst->mems || !inst->globals || !inst->type_ids ||
        !inst->elems || !inst->data_dropped || !inst->own_funcs || !inst->tags || !inst->own_tags)
        return ox_error_new(OX_ERR_NOMEM, "out of memory instantiating a module");
    return NULL;
}

void ox_instance_destroy(ox_instance *inst)
{
    for (uint32_t i = 0; inst->elems && i < inst->module->nelems; i++)
        free(inst->elems[i].refs);
    free(inst->elems);
    free(inst->funcs);
    free(inst->tables);
    free(inst->mems);
    free(inst->globals);
    free(inst->type_ids);
    free(inst->data_dropped);
    free(inst->own_funcs);
    free(inst->tags);
    free(inst->own_tags);
    ox_module_free(inst->module);
    free(inst);
}

static ox_error *define_objects(ox_store *s, ox_instance *inst, const ox_extern *imports)
{
    ox_module *m = inst->module;
    ox_error *err = NULL;
    uint32_t nf = 0, nt = 0, nm = 0, ng = 0, ntg = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const ox_extern *x = &imports[i];
        switch (x->kind) {
        case OX_EXTERN_FUNC: inst->funcs[nf++] = x->of.func; break;
        case OX_EXTERN_TABLE: inst->tables[nt++] = x->of.table; break;
        case OX_EXTERN_MEMORY: inst->mems[nm++] = x->of.memory; break;
        case OX_EXTERN_GLOBAL: inst->globals[ng++] = x->of.global; break;
        case OX_EXTERN_TAG: inst->tags[ntg++] = x->of.tag; break;
        }
    }
    for (uint32_t i = m->nimport_tags; i < m->ntags; i++) {
        ox_tag *t = &inst->own_tags[i - m->nimport_tags];
        *t = (ox_tag){.type = &m->types[m->tagtypes[i]], .type_id = inst->type_ids[m->tagtypes[i]],
                      .store = s, .inst = inst, .index = i};
        inst->tags[i] = t;
    }
    for (uint32_t i = m->nimport_funcs; i < m->nfuncs; i++) {
        ox_func *f = &inst->own_funcs[i - m->nimport_funcs];
        uint32_t ti = m->functypes[i];
        f->type = &m->types[ti];
        f->type_id = inst->type_ids[ti];
        f->inst = inst;
        f->store = s;
        f->code = m->funcs[i - m->nimport_funcs].code;
        f->funcidx = i;
        inst->funcs[i] = f;
    }
    /* Globals in order: an initialiser may read imported globals and take
       references to any function. */
    for (uint32_t i = m->nimport_globals; i < m->nglobals; i++) {
        const ox_globaldef *gd = &m->globals[i];
        ox_slot v[2];
        ox_valtype t = ox_store_valtype(inst->type_ids, gd->type);
        ox_constexpr_eval_into(inst, &gd->init, v);
        if (inst->eval_trap != OX_TRAP_NONE)
            return ox_trap_error(inst->eval_trap, inst, UINT32_MAX);
        ox_val init = ox_val_get(v, t);
        if ((err = ox_global_new(s, t, gd->mutable_, init, &inst->globals[i])) != NULL)
            return err;
    }
    /* Tables start as null, or as their initial value (3.0), which may read
       the imported globals. */
    for (uint32_t i = m->nimport_tables; i < m->ntables; i++) {
        const ox_tabledef *td = &m->tables[i];
        ox_valtype t = ox_store_valtype(inst->type_ids, td->elem);
        ox_slot v = {.ref = NULL};
        if (td->has_init)
            v = ox_constexpr_eval(inst, &td->init);
        if ((err = ox_table_new(s, t, td->limits, ox_slot_to_val(v, t), &inst->tables[i])) != NULL)
            return err;
    }
    for (uint32_t i = m->nimport_mems; i < m->nmems; i++)
        if ((err = ox_memory_new(s, m->mems[i], &inst->mems[i])) != NULL)
            return err;
    inst->jit_mem0 = m->nmems ? inst->mems[0]->data : NULL;
    ox_instance_take_jit(inst);
    /* Element segments become vectors of references now (spec: elem
       instances), so table.init later copies from them. */
    for (uint32_t i = 0; i < m->nelems; i++) {
        const ox_elemseg *es = &m->elems[i];
        ox_elemrefs *er = &inst->elems[i];
        er->refs = calloc(es->count ? es->count : 1, sizeof *er->refs);
        if (!er->refs)
            return ox_error_new(OX_ERR_NOMEM, "out of memory for element segment %u", i);
        for (uint32_t j = 0; j < es->count; j++)
            er->refs[j] = es->funcidx ? (void *)inst->funcs[es->funcidx[j]]
                                      : ox_constexpr_eval(inst, &es->items[j]).ref;
        er->count = es->count;
    }
    if (inst->eval_trap != OX_TRAP_NONE) /* an allocation of a constant expression */
        return ox_trap_error(inst->eval_trap, inst, UINT32_MAX);
    return NULL;
}

void ox_instance_take_jit(ox_instance *inst)
{
    ox_module *m = inst->module;
    /* the module's code pointer is published last (src/jit/jit_load.c) */
    const struct ox_jitcode *jc = atomic_load(&m->jit);
    if (!jc || inst->jit_taken == jc) /* none, or taken (the auto tier may replace it) */
        return;
    inst->jit_taken = jc;
    /* compiled code relies on the memories' guard regions for its bounds
       checks (an imported memory of another engine's making may lack one) */
    for (uint32_t k = 0; k < m->nmems; k++)
        if (inst->mems[k]->reserved < OX_GUARDED_RESERVE)
            return;
    for (uint32_t d = 0; d < m->nfuncs - m->nimport_funcs; d++) {
        ox_func *f = &inst->own_funcs[d];
        if (!m->funcs[d].wrap)
            continue;
        f->native = m->funcs[d].native;
        f->wrap = m->funcs[d].wrap;
        f->osr = m->funcs[d].osr;
        /* testing OSR: called interpreted, entered compiled at loops */
        f->enter = m->engine->cfg.jit_osr_test ? NULL : m->jit_enter;
    }
}

/* Active segments, in order (spec: table.init/memory.init then drop). */
static ox_error *init_segments(ox_instance *inst)
{
    ox_module *m = inst->module;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const ox_elemseg *es = &m->elems[i];
        ox_elemrefs *er = &inst->elems[i];
        if (es->mode == OX_SEG_ACTIVE) {
            ox_table *t = inst->tables[es->table];
            ox_slot v = ox_constexpr_eval(inst, &es->offset);
            uint64_t off = t->limits.is64 ? v.i64 : v.i32;
            if (off > t->size || er->count > t->size - off)
                return ox_trap_error(OX_TRAP_TABLE_OOB, inst, UINT32_MAX);
            if (er->count)
                memcpy(t->elems + off, er->refs, er->count * sizeof *er->refs);
        }
        if (es->mode != OX_SEG_PASSIVE)
            er->count = 0; /* elem.drop */
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const ox_dataseg *ds = &m->datas[i];
        if (ds->mode != OX_SEG_ACTIVE)
            continue;
        ox_memory *mem = inst->mems[ds->memory];
        ox_slot v = ox_constexpr_eval(inst, &ds->offset);
        uint64_t off = mem->limits.is64 ? v.i64 : v.i32;
        if (off > mem->size || ds->data.len > mem->size - off)
            return ox_trap_error(OX_TRAP_MEMORY_OOB, inst, UINT32_MAX);
        if (ds->data.len)
            memcpy(mem->data + off, m->bytes + ds->data.off, ds->data.len);
        inst->data_dropped[i] = 1;
    }
    return NULL;
}

ox_error *ox_instance_new(ox_store *s, ox_module *m, const ox_extern *imports,
                          size_t nimports, ox_instance **out)
{
    *out = NULL;
    if (!s || !m)
        return ox_error_new(OX_ERR_ARG, "ox_instance_new: missing store or module");
    if (nimports != m->nimports)
        return ox_error_new(OX_ERR_LINK, "module needs %u imports, %zu given", m->nimports,
                            nimports);
    ox_instance *inst = NULL;
    ox_error *err = alloc_instance(s, m, &inst);
    if (!err)
        err = ox_typereg_module(&s->typereg, m, inst->type_ids);
    for (uint32_t i = 0; !err && i < m->nimports; i++)
        err = check_import(s, m, inst->type_ids, i, &imports[i]);
    if (err) {
        if (inst)
            ox_instance_destroy(inst);
        return err;
    }
    /* From here on the store owns the instance: objects it creates are in
       the store, and segments may publish its functions. */
    if ((err = ox_ptrvec_push(&s->instances, inst)) != NULL) {
        ox_instance_destroy(inst);
        return err;
    }
    if ((err = define_objects(s, inst, imports)) != NULL)
        return err;
    if ((err = init_segments(inst)) != NULL)
        return err;
    if (m->has_start) {
        ox_func *f = inst->funcs[m->start];
        ox_store_call_begin(s);
        err = ox_exec_call(s, f, NULL, NULL);
        ox_store_call_end(s);
        if (err)
            return err;
    }
    *out = inst;
    return NULL;
}

/* ---- exports ---------------------------------------------------------- */

static void export_extern(const ox_instance *inst, const ox_export *ex, ox_extern *out)
{
    out->kind = ex->kind;
    switch (ex->kind) {
    case OX_EXTERN_FUNC: out->of.func = inst->funcs[ex->index]; break;
    case OX_EXTERN_TABLE: out->of.table = inst->tables[ex->index]; break;
    case OX_EXTERN_MEMORY: out->of.memory = inst->mems[ex->index]; break;
    case OX_EXTERN_GLOBAL: out->of.global = inst->globals[ex->index]; break;
    case OX_EXTERN_TAG: out->of.tag = inst->tags[ex->index]; break;
    }
}

bool ox_instance_export_n(const ox_instance *inst, const char *name, size_t len, ox_extern *out)
{
    const ox_module *m = inst->module;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const ox_export *ex = &m->exports[i];
        if (ex->name.len == len && !memcmp(ex->name.str, name, len)) {
            if (out)
                export_extern(inst, ex, out);
            return true;
        }
    }
    return false;
}

bool ox_instance_export(const ox_instance *inst, const char *name, ox_extern *out)
{
    return ox_instance_export_n(inst, name, strlen(name), out);
}

size_t ox_instance_export_count(const ox_instance *inst) { return inst->module->nexports; }

void ox_instance_export_at(const ox_instance *inst, size_t i, const char **name,
                           size_t *name_len, ox_extern *out)
{
    const ox_export *ex = &inst->module->exports[i];
    if (name)
        *name = ex->name.str;
    if (name_len)
        *name_len = ex->name.len;
    if (out)
        export_extern(inst, ex, out);
}

const ox_module *ox_instance_module(const ox_instance *inst) { return inst->module; }

ox_memory *ox_instance_memory(const ox_instance *inst)
{
    return inst->module->nmems ? inst->mems[0] : NULL;
}
