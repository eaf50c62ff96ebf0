/* tools.c — a modules directory read into the tool table: each
   DIR/NAME/module.json registered and started through the kernel, and the
   tools of its mcp.json checked (names, schemas) before anything is served. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server.h"

/* What agent hosts accept as a tool name: ^[A-Za-z0-9_-]{1,64}$ */
static bool good_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-'))
            return false;
    }
    return true;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const oxm_tool *)a)->name, ((const oxm_tool *)b)->name);
}


static void tool_clear(oxm_tool *t)
{
    free(t->name);
    free(t->module_id);
    free(t->method);
    json_decref(t->listing);
    oxm_schema_free(t->input);
    oxm_schema_free(t->output);
}

void oxm_tools_free(oxm_tool *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tool_clear(&t[i]);
    free(t);
}

/* An object schema for a tool's input or output, compiled. */
static oxk_err *schema_of(json_t *def, const char *key, const char *file, const char *tool,
                          bool required, oxm_schema **out)
{
    *out = NULL;
    json_t *sc = json_object_get(def, key);
    if (!sc) {
        if (required)
            return oxk_err_new(OXK_ERR_OTHER, "%s: tool `%s` has no `%s`", file, tool, key);
        return NULL;
    }
    if (!json_is_object(sc) || !json_is_string(json_object_get(sc, "type")) ||
        strcmp(json_string_value(json_object_get(sc, "type")), "object"))
        return oxk_err_new(OXK_ERR_OTHER, "%s: tool `%s`: `%s` must be a JSON Schema with \"type\": \"object\"",
                           file, tool, key);
    char why[512];
    *out = oxm_schema_compile(sc, why, sizeof why);
    if (!*out)
        return oxk_err_new(OXK_ERR_OTHER, "%s: tool `%s`: %s %s", file, tool, key, why);
    return NULL;
}

static const char *const TOOL_KEYS[] = {"name", "title", "method", "description", "inputSchema",
                                        "outputSchema", "annotations", "approval", "taskSupport"};

static const char *default_task_support(const json_t *approval)
{
    return approval && !strcmp(json_string_value(approval), "always") ? "forbidden" : "optional";
}

static oxk_err *read_tool(json_t *def, const char *file, const char *module_id, unsigned long timeout,
                          oxm_tooltab *tab)
{
    const char *name = json_string_value(json_object_get(def, "name"));
    if (!json_is_object(def) || !name)
        return oxk_err_new(OXK_ERR_OTHER, "%s: every tool needs a string `name`", file);
    if (!good_name(name))
        return oxk_err_new(OXK_ERR_OTHER,
                           "%s: tool name `%s` must be 1 to 64 letters, digits, '_' or '-'", file, name);
    const char *key;
    json_t *v;
    json_object_foreach(def, key, v) {
        bool known = false;
        for (size_t i = 0; i < sizeof TOOL_KEYS / sizeof TOOL_KEYS[0]; i++)
            known |= !strcmp(key, TOOL_KEYS[i]);
        if (!known)
            return oxk_err_new(OXK_ERR_OTHER, "%s: tool `%s`: unknown field `%s`", file, name, key);
    }
    for (size_t i = 0; i < tab->n; i++)
        if (!strcmp(tab->v[i].name, name))
            return oxk_err_new(OXK_ERR_OTHER,
                               "%s: tool `%s` is already offered by module `%s`", file, name,
                               tab->v[i].module_id);
    json_t *method = json_object_get(def, "method"), *desc = json_object_get(def, "description");
    json_t *title = json_object_get(def, "title"), *ann = json_object_get(def, "annotations");
    json_t *approval = json_object_get(def, "approval");
    if ((method && !json_is_string(method)) || (desc && !json_is_string(desc)) ||
        (title && !json_is_string(title)))
        return oxk_err_new(OXK_ERR_OTHER, "%s: tool `%s`: method, title and description are strings",
                           file, name);
    if (ann && !json_is_object(ann))
        return oxk_err_new(OXK_ERR_OTHER, "%s: tool `%s`: `annotations` must be an object", file, name);
    if (approval && !(json_is_string(approval) && (!strcmp(json_string_value(approval), "never") ||
                                                   !strcmp(json_string_value(approval), "always"))))
        return oxk_err_new(OXK_ERR_OTHER, "%s: tool `%s`: `approval` is \"never\" or \"always\"", file,
                           name);
    /* Any call may run long, so any tool may be a task, except one that
       needs approval: its question would have no request to travel on. */
    json_t *tasks = json_object_get(def, "taskSupport");
    const char *ts = tasks ? json_string_value(tasks) : default_task_support(approval);
    enum oxm_task_support support = !ts ? OXM_TASKS_BAD
                                    : !strcmp(ts, "forbidden") ? OXM_TASKS_FORBIDDEN
                                    : !strcmp(ts, "optional")  ? OXM_TASKS_OPTIONAL
                                    : !strcmp(ts, "required")  ? OXM_TASKS_REQUIRED
                                                               : OXM_TASKS_BAD;
    if (support == OXM_TASKS_BAD)
        return oxk_err_new(OXK_ERR_OTHER, "%s: tool `%s`: `taskSupport` is \"forbidden\", \"optional\" or "
                           "\"required\"", file, name);
    bool asks = approval && !strcmp(json_string_value(approval), "always");
    if (asks && support != OXM_TASKS_FORBIDDEN)
        return oxk_err_new(OXK_ERR_OTHER, "%s: tool `%s`: a tool that needs approval cannot run as a task "
                           "(`taskSupport` must be \"forbidden\")", file, name);
    oxm_tool t = {.timeout_ms = timeout, .tasks = support};
    oxk_err *err = schema_of(def, "inputSchema", file, name, true, &t.input);
    if (!err)
        err = schema_of(def, "outputSchema", file, name, false, &t.output);
    if (err) {
        tool_clear(&t);
        return err;
    }
    t.name = strdup(name);
    t.module_id = strdup(module_id);
    t.method = strdup(method ? json_string_value(method) : name);
    t.approval = asks;
    t.listing = json_pack("{s:s, s:O}", "name", name, "inputSchema", json_object_get(def, "inputSchema"));
    if (t.listing) {
        if (title)
            json_object_set(t.listing, "title", title);
        if (desc)
            json_object_set(t.listing, "description", desc);
        if (json_object_get(def, "outputSchema"))
            json_object_set(t.listing, "outputSchema", json_object_get(def, "outputSchema"));
        if (ann)
            json_object_set(t.listing, "annotations", ann);
        json_object_set_new(t.listing, "execution", json_pack("{s:s}", "taskSupport", ts));
    }
    if (tab->n == tab->cap) {
        size_t nc = tab->cap ? tab->cap * 2 : 16;
        oxm_tool *nv = realloc(tab->v, nc * sizeof *nv);
        if (nv) {
            tab->v = nv;
            tab->cap = nc;
        }
    }
    if (!t.name || !t.module_id || !t.method || !t.listing || tab->n == tab->cap) {
        tool_clear(&t);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    tab->v[tab->n++] = t;
    return NULL;
}

oxk_err *oxm_tools_read(const char *path, const char *module_id, unsigned long timeout, oxm_tooltab *tab)
{
    size_t n0 = tab->n;
    json_error_t je;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!doc)
        return oxk_err_new(OXK_ERR_OTHER, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    json_t *tools = json_object_get(doc, "tools");
    oxk_err *err = NULL;
    if (!json_is_object(doc) || !json_is_array(tools)) {
        err = oxk_err_new(OXK_ERR_OTHER, "%s: expected {\"tools\": [...]}", path);
    } else {
        size_t i;
        json_t *def;
        json_array_foreach(tools, i, def) if ((err = read_tool(def, path, module_id, timeout, tab))) break;
    }
    json_decref(doc);
    while (err && tab->n > n0) /* all of this file's tools or none */
        tool_clear(&tab->v[--tab->n]);
    return err;
}

oxk_err *oxm_module_load(oxk_kernel *k, const char *dir, FILE *log, oxm_modrec *rec, oxm_tooltab *tab)
{
    memset(rec, 0, sizeof *rec);
    oxk_resolved_manifest *r = NULL;
    oxk_err *err = oxk_kernel_register_manifest(k, dir, &r);
    if (err)
        return oxk_err_wrap(err, "%s/module.json", dir);
    const oxk_manifest *m = r->manifest;
    err = oxk_modules_start(oxk_kernel_modules(k), m->id);
    rec->dir = strdup(dir);
    rec->id = strdup(m->id);
    rec->timeout = m->timeout_ms ? m->timeout_ms : OXK_KERNEL_DEFAULT_TIMEOUT_MS;
    rec->mcp_path = r->mcp_path ? strdup(r->mcp_path) : NULL;
    if (!err && (!rec->dir || !rec->id || (r->mcp_path && !rec->mcp_path)))
        err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
    if (!err && r->mcp_path)
        err = oxm_tools_read(r->mcp_path, m->id, rec->timeout, tab);
    else if (!err)
        fprintf(log, "oxide mcp: module `%s` (%s) has no `mcp` field: no tools\n", m->id, dir);
    oxk_resolved_manifest_free(r);
    return err;
}

void oxm_modrec_clear(oxm_modrec *rec)
{
    free(rec->dir);
    free(rec->id);
    free(rec->mcp_path);
    free(rec->fp);
    memset(rec, 0, sizeof *rec);
}

void oxm_tooltab_sort(oxm_tooltab *tab)
{
    if (tab->n)
        qsort(tab->v, tab->n, sizeof *tab->v, by_name);
}

/* The module directories of dir (those with a module.json), sorted; the
   caller frees each and the array. */
oxk_err *oxm_module_dirs(const char *dir, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return oxk_err_new(OXK_ERR_OTHER, "cannot read the modules directory %s: %s", dir, strerror(errno));
    char **names = NULL;
    size_t nnames = 0, cap = 0;
    struct dirent *e;
    oxk_err *err = NULL;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 16;
        char *path = malloc(len);
        struct stat st;
        if (path)
            snprintf(path, len, "%s/%s/module.json", dir, e->d_name);
        if (!path || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        path[strlen(path) - strlen("/module.json")] = 0;
        if (nnames == cap) {
            cap = cap ? cap * 2 : 16;
            char **nv = realloc(names, cap * sizeof *nv);
            if (!nv) {
                free(path);
                err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
                break;
            }
            names = nv;
        }
        names[nnames++] = path;
    }
    closedir(d);
    if (names)
        qsort(names, nnames, sizeof *names, oxm_cmp_strings);
    if (err) {
        for (size_t i = 0; i < nnames; i++)
            free(names[i]);
        free(names);
        return err;
    }
    *out = names;
    *n = nnames;
    return NULL;
}

oxk_err *oxm_tools_load(oxk_kernel *k, const char *dir, FILE *log, oxm_tooltab *tab, oxm_modrec **recs,
                        size_t *nrecs)
{
    *recs = NULL;
    *nrecs = 0;
    char **names;
    size_t nnames;
    oxk_err *err = oxm_module_dirs(dir, &names, &nnames);
    if (err)
        return err;
    oxm_modrec *rv = calloc(nnames ? nnames : 1, sizeof *rv);
    if (!rv)
        err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
    size_t made = 0;
    for (; !err && made < nnames; made++) {
        err = oxm_module_load(k, names[made], log, &rv[made], tab);
        if (!err)
            rv[made].fp = oxm_fingerprint(names[made]);
    }
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    if (!err && nnames == 0)
        err = oxk_err_new(OXK_ERR_OTHER, "no module in %s (expected %s/NAME/module.json)", dir, dir);
    if (err) {
        for (size_t i = 0; i < nnames && rv; i++)
            oxm_modrec_clear(&rv[i]);
        free(rv);
        return err;
    }
    oxm_tooltab_sort(tab);
    *recs = rv;
    *nrecs = made;
    return NULL;
}
