/* manifest.c — reading, resolving and checking module.json. */
#define _GNU_SOURCE
#include "oxide/kernel/manifest.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kutil.h"
#include "manifest_internal.h"

void oxk_manifest_free(oxk_manifest *m)
{
    if (!m)
        return;
    char **strs[] = {&m->id, &m->name, &m->version, &m->description, &m->spec_kind, &m->binary,
                     &m->skill, &m->mcp, &m->base_url, &m->wasm, &m->sha256, &m->tier};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(*strs[i]);
    for (size_t i = 0; i < m->noperations; i++)
        free(m->operations[i]);
    for (size_t i = 0; i < m->ncapabilities; i++)
        free(m->capabilities[i]);
    free(m->operations);
    free(m->capabilities);
    oxk_manifest_wasi_free(m->wasi);
    free(m);
}

static oxk_err *get_str(const json_t *o, const char *key, bool required, char **out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required)
            return oxk_err_new(OXK_ERR_SERDE, "manifest: missing field `%s`", key);
        return NULL;
    }
    if (!json_is_string(v))
        return oxk_err_new(OXK_ERR_SERDE, "manifest: field `%s` must be a string%s", key,
                           required ? "" : " or null");
    *out = strdup(json_string_value(v));
    return *out ? NULL : oxk_err_new(OXK_ERR_OTHER, "out of memory");
}

static oxk_err *get_list(const json_t *o, const char *key, char ***out, size_t *n)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return NULL;
    if (!json_is_array(v))
        return oxk_err_new(OXK_ERR_SERDE, "manifest: field `%s` must be an array of strings", key);
    size_t len = json_array_size(v);
    *out = calloc(len ? len : 1, sizeof **out);
    if (!*out)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    for (size_t i = 0; i < len; i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s))
            return oxk_err_new(OXK_ERR_SERDE, "manifest: `%s[%zu]` must be a string", key, i);
        if (!((*out)[i] = strdup(json_string_value(s))))
            return oxk_err_new(OXK_ERR_OTHER, "out of memory");
        *n = i + 1;
    }
    return NULL;
}

/* Limits: the fields max_memory_pages, timeout_ms, fuel and max_gc_bytes, non-negative
   integers, either at the top level (the names issue 6 gives) or inside a
   "limits" object (the earlier form); the same field in both places is an
   error rather than a silent choice. */
static oxk_err *get_limits(const json_t *o, oxk_manifest *m)
{
    json_t *l = json_object_get(o, "limits");
    if (l && json_is_null(l))
        l = NULL;
    if (l && !json_is_object(l))
        return oxk_err_new(OXK_ERR_SERDE, "manifest: field `limits` must be an object");
    static const char *const keys[] = {"max_memory_pages", "timeout_ms", "fuel", "max_gc_bytes"};
    uint64_t vals[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        json_t *top = json_object_get(o, keys[i]);
        json_t *in = l ? json_object_get(l, keys[i]) : NULL;
        if (top && json_is_null(top))
            top = NULL;
        if (top && in)
            return oxk_err_new(OXK_ERR_SERDE,
                               "manifest: `%s` is given both at the top level and in `limits`",
                               keys[i]);
        json_t *v = top ? top : in;
        if (!v)
            continue;
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return oxk_err_new(OXK_ERR_SERDE, "manifest: `%s%s` must be a non-negative integer",
                               top ? "" : "limits.", keys[i]);
        vals[i] = (uint64_t)json_integer_value(v);
    }
    if (vals[0] > 65536)
        return oxk_err_new(OXK_ERR_SERDE,
                           "manifest: `max_memory_pages` is above 65536 (4 GiB)");
    m->max_memory_pages = (uint32_t)vals[0];
    m->timeout_ms = vals[1];
    m->fuel = vals[2];
    m->max_gc_bytes = vals[3];
    return NULL;
}

static bool hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

oxk_err *oxk_manifest_from_json(const char *text, size_t len, oxk_manifest **out)
{
    *out = NULL;
    json_t *o;
    oxk_err *err = oxk_json_parse(text, len, &o);
    if (err)
        return oxk_err_wrap(err, "manifest");
    oxk_manifest *m = calloc(1, sizeof *m);
    char *kind = NULL;
    if (!m) {
        err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
        goto out;
    }
    if (!json_is_object(o)) {
        err = oxk_err_new(OXK_ERR_SERDE, "manifest: must be a JSON object");
        goto out;
    }
    if ((err = get_str(o, "id", true, &m->id)) || (err = get_str(o, "name", true, &m->name)) ||
        (err = get_str(o, "version", true, &m->version)) ||
        (err = get_str(o, "kind", true, &kind)) ||
        (err = get_str(o, "description", false, &m->description)) ||
        (err = get_str(o, "spec_kind", false, &m->spec_kind)) ||
        (err = get_str(o, "binary", false, &m->binary)) ||
        (err = get_str(o, "skill", false, &m->skill)) ||
        (err = get_str(o, "mcp", false, &m->mcp)) ||
        (err = get_str(o, "base_url", false, &m->base_url)) ||
        (err = get_str(o, "wasm", false, &m->wasm)) ||
        (err = get_str(o, "sha256", false, &m->sha256)) ||
        (err = get_str(o, "tier", false, &m->tier)) ||
        (err = get_list(o, "operations", &m->operations, &m->noperations)) ||
        (err = get_list(o, "capabilities", &m->capabilities, &m->ncapabilities)) ||
        (err = get_limits(o, m)) || (err = oxk_manifest_wasi_parse(o, &m->wasi)))
        goto out;
    if (!oxk_module_kind_parse(kind, &m->kind)) {
        err = oxk_err_new(OXK_ERR_SERDE,
                          "manifest: field `kind` must be \"native\" or \"wasm\", not \"%s\"", kind);
        goto out;
    }
    if (m->kind == OXK_MODULE_WASM && !m->wasm) {
        err = oxk_err_new(OXK_ERR_SERDE, "manifest `%s`: kind \"wasm\" needs a `wasm` path", m->id);
        goto out;
    }
    if (m->sha256 && !hex64(m->sha256)) {
        err = oxk_err_new(OXK_ERR_SERDE,
                          "manifest `%s`: `sha256` must be 64 hexadecimal digits", m->id);
        goto out;
    }
    if (m->tier && strcmp(m->tier, "interp") && strcmp(m->tier, "jit") && strcmp(m->tier, "auto")) {
        err = oxk_err_new(OXK_ERR_SERDE,
                          "manifest `%s`: `tier` must be \"interp\", \"jit\" or \"auto\", not \"%.40s\"",
                          m->id, m->tier);
        goto out;
    }
out:
    free(kind);
    json_decref(o);
    if (err) {
        oxk_manifest_free(m);
        return err;
    }
    *out = m;
    return NULL;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *join(const char *base, const char *rel)
{
    if (!rel)
        return NULL;
    char *out;
    if (rel[0] == '/')
        return strdup(rel);
    size_t bl = strlen(base);
    bool slash = bl > 0 && base[bl - 1] == '/';
    if (asprintf(&out, "%s%s%s", base, slash ? "" : "/", rel) < 0)
        return NULL;
    return out;
}

oxk_err *oxk_manifest_load(const char *path, oxk_manifest **out)
{
    *out = NULL;
    char *file = is_dir(path) ? join(path, "module.json") : strdup(path);
    if (!file)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    uint8_t *buf;
    size_t len;
    /* Manifests are small; refuse anything absurd rather than read it all. */
    int rc = oxk_read_file(file, 16u << 20, &buf, &len);
    oxk_err *err = rc ? oxk_err_from_errno(OXK_ERR_OTHER, rc, "failed to read manifest %s: %s",
                                           file, rc == EFBIG ? "larger than 16 MiB" : strerror(rc))
                      : oxk_manifest_from_json((const char *)buf, len, out);
    free(buf);
    free(file);
    return err;
}

oxk_module_meta oxk_manifest_meta(const oxk_manifest *m)
{
    oxk_module_meta meta = {m->id, m->name, m->version, m->kind, m->description};
    return meta;
}

char *oxk_manifest_base_dir(const char *path)
{
    if (is_dir(path))
        return strdup(path);
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

void oxk_resolved_manifest_free(oxk_resolved_manifest *r)
{
    if (!r)
        return;
    oxk_manifest_free(r->manifest);
    free(r->base_dir);
    free(r->binary_path);
    free(r->skill_path);
    free(r->mcp_path);
    free(r->wasm_path);
    /* NULL-terminated (calloc'd with one spare slot). */
    for (size_t i = 0; r->wasi_dir_paths && r->wasi_dir_paths[i]; i++)
        free(r->wasi_dir_paths[i]);
    free(r->wasi_dir_paths);
    free(r);
}

oxk_err *oxk_manifest_resolve(oxk_manifest *m, const char *base_dir, oxk_resolved_manifest **out)
{
    *out = NULL;
    oxk_resolved_manifest *r = calloc(1, sizeof *r);
    if (!r) {
        oxk_manifest_free(m);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    r->manifest = m;
    r->base_dir = strdup(base_dir ? base_dir : ".");
    r->binary_path = join(r->base_dir ? r->base_dir : ".", m->binary);
    r->skill_path = join(r->base_dir ? r->base_dir : ".", m->skill);
    r->mcp_path = join(r->base_dir ? r->base_dir : ".", m->mcp);
    r->wasm_path = join(r->base_dir ? r->base_dir : ".", m->wasm);
    bool dirs_ok = true;
    if (m->wasi) {
        r->wasi_dir_paths = calloc(m->wasi->ndirs + 1, sizeof *r->wasi_dir_paths);
        dirs_ok = r->wasi_dir_paths != NULL;
        for (size_t i = 0; dirs_ok && i < m->wasi->ndirs; i++)
            dirs_ok = (r->wasi_dir_paths[i] =
                           join(r->base_dir ? r->base_dir : ".", m->wasi->dirs[i].host)) != NULL;
    }
    if (!r->base_dir || (m->binary && !r->binary_path) || (m->skill && !r->skill_path) ||
        (m->mcp && !r->mcp_path) || (m->wasm && !r->wasm_path) || !dirs_ok) {
        oxk_resolved_manifest_free(r);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    *out = r;
    return NULL;
}

oxk_err *oxk_manifest_register_in_registry(oxk_registry *r, const oxk_manifest *m)
{
    oxk_module_meta meta = oxk_manifest_meta(m);
    return oxk_registry_upsert_module(r, &meta, OXK_STATE_LOADED);
}

oxk_err *oxk_manifest_verify_digest(const oxk_manifest *m, const uint8_t *bytes, size_t len)
{
    if (!m->sha256)
        return NULL;
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(bytes, len, d);
    char hex[2 * SHA256_DIGEST_LENGTH + 1];
    oxk_hex(d, SHA256_DIGEST_LENGTH, hex);
    if (strcasecmp(hex, m->sha256) != 0)
        return oxk_err_new(OXK_ERR_MODULE,
                           "module `%s`: wasm digest mismatch: manifest says sha256 %s, file "
                           "has %s",
                           m->id, m->sha256, hex);
    return NULL;
}
