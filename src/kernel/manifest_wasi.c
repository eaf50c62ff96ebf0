/* manifest_wasi.c — the `wasi` member of module.json: the directories,
   arguments and environment a Wasm module gets through WASI preview 1.
   Kept out of manifest.c because it is a sandbox grant, not metadata: every
   check here decides what a guest may touch, so each bad value is refused
   with the field's full path rather than ignored. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_internal.h"

void oxk_manifest_wasi_free(oxk_manifest_wasi *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->ndirs; i++) {
        free(w->dirs[i].host);
        free(w->dirs[i].guest);
    }
    for (size_t i = 0; i < w->nargs; i++)
        free(w->args[i]);
    for (size_t i = 0; i < w->nenv; i++)
        free(w->env[i]);
    free(w->dirs);
    free(w->args);
    free(w->env);
    free(w);
}

static oxk_err *nomem(void) { return oxk_err_new(OXK_ERR_OTHER, "out of memory"); }

/* A non-empty string without NUL bytes (jansson allows embedded NULs, which
   would silently cut a path short). */
static bool plain_string(const json_t *v)
{
    return json_is_string(v) && json_string_length(v) > 0 &&
           strlen(json_string_value(v)) == json_string_length(v);
}

static oxk_err *parse_dirs(const json_t *a, oxk_manifest_wasi *w)
{
    if (!json_is_array(a))
        return oxk_err_new(OXK_ERR_SERDE, "manifest: `wasi.dirs` must be an array of objects");
    size_t n = json_array_size(a);
    if (!(w->dirs = calloc(n ? n : 1, sizeof *w->dirs)))
        return nomem();
    for (size_t i = 0; i < n; i++) {
        const json_t *d = json_array_get(a, i);
        if (!json_is_object(d))
            return oxk_err_new(OXK_ERR_SERDE,
                               "manifest: `wasi.dirs[%zu]` must be an object with `host` and "
                               "`guest`", i);
        const json_t *host = json_object_get(d, "host"), *guest = json_object_get(d, "guest");
        const json_t *ro = json_object_get(d, "read_only");
        if (!plain_string(host))
            return oxk_err_new(OXK_ERR_SERDE,
                               "manifest: `wasi.dirs[%zu].host` must be a non-empty string", i);
        if (!plain_string(guest))
            return oxk_err_new(OXK_ERR_SERDE,
                               "manifest: `wasi.dirs[%zu].guest` must be a non-empty string", i);
        if (ro && !json_is_boolean(ro))
            return oxk_err_new(OXK_ERR_SERDE,
                               "manifest: `wasi.dirs[%zu].read_only` must be true or false", i);
        oxk_manifest_dir *md = &w->dirs[w->ndirs++];
        md->read_only = ro && json_is_true(ro);
        if (!(md->host = strdup(json_string_value(host))) ||
            !(md->guest = strdup(json_string_value(guest))))
            return nomem();
    }
    return NULL;
}

static oxk_err *parse_args(const json_t *a, oxk_manifest_wasi *w)
{
    if (!json_is_array(a))
        return oxk_err_new(OXK_ERR_SERDE, "manifest: `wasi.args` must be an array of strings");
    size_t n = json_array_size(a);
    if (!(w->args = calloc(n ? n : 1, sizeof *w->args)))
        return nomem();
    for (size_t i = 0; i < n; i++) {
        const json_t *s = json_array_get(a, i);
        if (!json_is_string(s) || strlen(json_string_value(s)) != json_string_length(s))
            return oxk_err_new(OXK_ERR_SERDE,
                               "manifest: `wasi.args[%zu]` must be a string without NUL bytes",
                               i);
        if (!(w->args[w->nargs++] = strdup(json_string_value(s))))
            return nomem();
    }
    return NULL;
}

static oxk_err *parse_env(const json_t *o, oxk_manifest_wasi *w)
{
    if (!json_is_object(o))
        return oxk_err_new(OXK_ERR_SERDE,
                           "manifest: `wasi.env` must be an object of string values");
    size_t n = json_object_size(o);
    if (!(w->env = calloc(n ? n : 1, sizeof *w->env)))
        return nomem();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v) {
        if (!*key || strchr(key, '='))
            return oxk_err_new(OXK_ERR_SERDE,
                               "manifest: `wasi.env` name \"%s\" must be non-empty and without "
                               "'='", key);
        if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
            return oxk_err_new(OXK_ERR_SERDE,
                               "manifest: `wasi.env.%s` must be a string without NUL bytes", key);
        if (asprintf(&w->env[w->nenv], "%s=%s", key, json_string_value(v)) < 0)
            return nomem();
        w->nenv++;
    }
    return NULL;
}

oxk_err *oxk_manifest_wasi_parse(const json_t *o, oxk_manifest_wasi **out)
{
    *out = NULL;
    const json_t *v = json_object_get(o, "wasi");
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_object(v))
        return oxk_err_new(OXK_ERR_SERDE, "manifest: field `wasi` must be an object");
    oxk_manifest_wasi *w = calloc(1, sizeof *w);
    if (!w)
        return nomem();
    const json_t *dirs = json_object_get(v, "dirs"), *args = json_object_get(v, "args"),
                 *env = json_object_get(v, "env");
    oxk_err *err = NULL;
    if ((dirs && (err = parse_dirs(dirs, w))) || (args && (err = parse_args(args, w))) ||
        (env && (err = parse_env(env, w)))) {
        oxk_manifest_wasi_free(w);
        return err;
    }
    *out = w;
    return NULL;
}
