/*
 * linker.c — resolve imports by (module, name).
 *
 * A flat list searched linearly: import lists are short and instantiation
 * is not a hot path. Names are stored with their lengths because wasm names
 * may contain NUL bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

typedef struct entry {
    char *module, *name;
    size_t module_len, name_len;
    ox_extern ext;
} entry;

struct ox_linker {
    entry *v;
    size_t n, cap;
};

ox_error *ox_linker_new(ox_linker **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? NULL : ox_error_new(OX_ERR_NOMEM, "out of memory");
}

void ox_linker_free(ox_linker *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].module);
        free(l->v[i].name);
    }
    free(l->v);
    free(l);
}

static entry *find(ox_linker *l, const char *module, size_t mlen, const char *name, size_t nlen)
{
    for (size_t i = 0; i < l->n; i++) {
        entry *e = &l->v[i];
        if (e->module_len == mlen && e->name_len == nlen && !memcmp(e->module, module, mlen) &&
            !memcmp(e->name, name, nlen))
            return e;
    }
    return NULL;
}

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static ox_error *define_n(ox_linker *l, const char *module, size_t mlen, const char *name,
                          size_t nlen, ox_extern ext)
{
    entry *e = find(l, module, mlen, name, nlen);
    if (e) {
        e->ext = ext;
        return NULL;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        entry *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv)
            return ox_error_new(OX_ERR_NOMEM, "out of memory");
        l->v = nv;
        l->cap = cap;
    }
    e = &l->v[l->n];
    e->module = dupn(module, mlen);
    e->name = dupn(name, nlen);
    if (!e->module || !e->name) {
        free(e->module);
        free(e->name);
        return ox_error_new(OX_ERR_NOMEM, "out of memory");
    }
    e->module_len = mlen;
    e->name_len = nlen;
    e->ext = ext;
    l->n++;
    return NULL;
}

ox_error *ox_linker_define(ox_linker *l, const char *module, const char *name, ox_extern ext)
{
    if (!l || !module || !name)
        return ox_error_new(OX_ERR_ARG, "ox_linker_define: missing linker or name");
    return define_n(l, module, strlen(module), name, strlen(name), ext);
}

ox_error *ox_linker_define_instance(ox_linker *l, const char *module, const ox_instance *inst)
{
    if (!l || !module || !inst)
        return ox_error_new(OX_ERR_ARG, "ox_linker_define_instance: missing argument");
    for (size_t i = 0; i < ox_instance_export_count(inst); i++) {
        const char *name;
        size_t nlen;
        ox_extern ext;
        ox_instance_export_at(inst, i, &name, &nlen, &ext);
        ox_error *err = define_n(l, module, strlen(module), name, nlen, ext);
        if (err)
            return err;
    }
    return NULL;
}

ox_error *ox_linker_instantiate(ox_linker *l, ox_store *s, ox_module *m, ox_instance **out)
{
    *out = NULL;
    size_t n = ox_module_import_count(m);
    ox_extern *imports = calloc(n ? n : 1, sizeof *imports);
    if (!imports)
        return ox_error_new(OX_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const ox_import *im = &m->imports[i];
        entry *e = find(l, im->module.str, im->module.len, im->name.str, im->name.len);
        if (!e) {
            ox_error *err = ox_error_new(OX_ERR_LINK, "unknown import: \"%s\" \"%s\" (%s)",
                                         im->module.str, im->name.str,
                                         ox_extern_kind_name(im->kind));
            free(imports);
            return err;
        }
        imports[i] = e->ext;
    }
    ox_error *err = ox_instance_new(s, m, imports, n, out);
    free(imports);
    return err;
}
