/* manifest.c — reading, resolving and checking module.json. */
#define _GNU_SOURCE
#include "oxide/manifest.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kutil.h"
#include "manifest_internal.h"

void ox_manifest_free(ox_manifest *m)
{
    if (!m)
        return;
    char **strs[] = {&m->id, &m->name, &m->version, &m->description, &m->spec_kind, &m->binary,
                     &m->skill, &m->mcp, &m->base_url, &m->wasm, &m->sha256};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(*strs[i]);
    for (size_t i = 0; i < m->noperations; i++)
        free(m->operations[i]);
    for (size_t i = 0; i < m->ncapabilities; i++)
        free(m->capabilities[i]);
    free(m->operations);
    free(m->capabilities);
    ox_manifest_wasi_free(m->wasi);
    free(m);
}

static ox_kerr *get_str(const json_t *o, const char *key, bool required, char **out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required)
            return ox_kerr_new(OX_KERR_SERDE, "manifest: missing field `%s`", key);
        return NULL;
    }
    if (!json_is_string(v))
        return ox_kerr_new(OX_KERR_SERDE, "manifest: field `%s` must be a string%s", key,
                           required ? "" : " or null");
    *out = strdup(json_string_value(v));
    return *out ? NULL : ox_kerr_new(OX_KERR_OTHER, "out of memory");
}

static ox_kerr *get_list(const json_t *o, const char *key, char ***out, size_t *n)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return NULL;
    if (!json_is_array(v))
        return ox_kerr_new(OX_KERR_SERDE, "manifest: field `%s` must be an array of strings", key);
    size_t len = json_array_size(v);
    *out = calloc(len ? len : 1, sizeof **out);
    if (!*out)
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
    for (size_t i = 0; i < len; i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s))
            return ox_kerr_new(OX_KERR_SERDE, "manifest: `%s[%zu]` must be a string", key, i);
        if (!((*out)[i] = strdup(json_string_value(s))))
            return ox_kerr_new(OX_KERR_OTHER, "out of memory");
        *n = i + 1;
    }
    return NULL;
}

/* Limits: the fields max_memory_pages, timeout_ms and fuel, non-negative
   integers, either at the top level (the names issue 6 gives) or inside a
   "limits" object (the earlier form); the same field in both places is an
   error rather than a silent choice. */
static ox_kerr *get_limits(const json_t *o, ox_manifest *m)
{
    json_t *l = json_object_get(o, "limits");
    if (l && json_is_null(l))
        l = NULL;
    if (l && !json_is_object(l))
        return ox_kerr_new(OX_KERR_SERDE, "manifest: field `limits` must be an object");
    static const char *const keys[] = {"max_memory_pages", "timeout_ms", "fuel"};
    uint64_t vals[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        json_t *top = json_object_get(o, keys[i]);
        json_t *in = l ? json_object_get(l, keys[i]) : NULL;
        if (top && json_is_null(top))
            top = NULL;
        if (top && in)
            return ox_kerr_new(OX_KERR_SERDE,
                               "manifest: `%s` is given both at the top level and in `limits`",
                               keys[i]);
        json_t *v = top ? top : in;
        if (!v)
            continue;
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return ox_kerr_new(OX_KERR_SERDE, "manifest: `%s%s` must be a non-negative integer",
                               top ? "" : "limits.", keys[i]);
        vals[i] = (uint64_t)json_integer_value(v);
    }
    if (vals[0] > 65536)
        return ox_kerr_new(OX_KERR_SERDE,
                           "manifest: `max_memory_pages` is above 65536 (4 GiB)");
    m->max_memory_pages = (uint32_t)vals[0];
    m->timeout_ms = vals[1];
    m->fuel = vals[2];
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

ox_kerr *ox_manifest_from_json(const char *text, size_t len, ox_manifest **out)
{
    *out = NULL;
    json_t *o;
    ox_kerr *err = ox_json_parse(text, len, &o);
    if (err)
        return ox_kerr_wrap(err, "manifest");
    ox_manifest *m = calloc(1, sizeof *m);
    char *kind = NULL;
    if (!m) {
        err = ox_kerr_new(OX_KERR_OTHER, "out of memory");
        goto out;
    }
    if (!json_is_object(o)) {
        err = ox_kerr_new(OX_KERR_SERDE, "manifest: must be a JSON object");
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
        (err = get_list(o, "operations", &m->operations, &m->noperations)) ||
        (err = get_list(o, "capabilities", &m->capabilities, &m->ncapabilities)) ||
        (err = get_limits(o, m)) || (err = ox_manifest_wasi_parse(o, &m->wasi)))
        goto out;
    if (!ox_module_kind_parse(kind, &m->kind)) {
        err = ox_kerr_new(OX_KERR_SERDE,
                          "manifest: field `kind` must be \"native\" or \"wasm\", not \"%s\"", kind);
        goto out;
    }
    if (m->kind == OX_MODULE_WASM && !m->wasm) {
        err = ox_kerr_new(OX_KERR_SERDE, "manifest `%s`: kind \"wasm\" needs a `wasm` path", m->id);
        goto out;
    }
    if (m->sha256 && !hex64(m->sha256)) {
        err = ox_kerr_new(OX_KERR_SERDE,
                          "manifest `%s`: `sha256` must be 64 hexadecimal digits", m->id);
        goto out;
    }
out:
    free(kind);
    json_decref(o);
    if (err) {
        ox_manifest_free(m);
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

ox_kerr *ox_manifest_load(const char *path, ox_manifest **out)
{
    *out = NULL;
    char *file = is_dir(path) ? join(path, "module.json") : strdup(path);
    if (!file)
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
    uint8_t *buf;
    size_t len;
    /* Manifests are small; refuse anything absurd rather than read it all. */
    int rc = ox_read_file(file, 16u << 20, &buf, &len);
    ox_kerr *err = rc ? ox_kerr_new(OX_KERR_OTHER, "failed to read manifest %s: %s", file,
                                    rc == EFBIG ? "larger than 16 MiB" : strerror(rc))
                      : ox_manifest_from_json((const char *)buf, len, out);
    free(buf);
    free(file);
    return err;
}

ox_module_meta ox_manifest_meta(const ox_manifest *m)
{
    ox_module_meta meta = {m->id, m->name, m->version, m->kind, m->description};
    return meta;
}

char *ox_manifest_base_dir(const char *path)
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

void ox_resolved_manifest_free(ox_resolved_manifest *r)
{
    if (!r)
        return;
    ox_manifest_free(r->manifest);
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

ox_kerr *ox_manifest_resolve(ox_manifest *m, const char *base_dir, ox_resolved_manifest **out)
{
    *out = NULL;
    ox_resolved_manifest *r = calloc(1, sizeof *r);
    if (!r) {
        ox_manifest_free(m);
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
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
        ox_resolved_manifest_free(r);
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
    }
    *out = r;
    return NULL;
}

ox_kerr *ox_manifest_register_in_registry(ox_registry *r, const ox_manifest *m)
{
    ox_module_meta meta = ox_manifest_meta(m);
    return ox_registry_upsert_module(r, &meta, OX_STATE_LOADED);
}

ox_kerr *ox_manifest_verify_digest(const ox_manifest *m, const uint8_t *bytes, size_t len)
{
    if (!m->sha256)
        return NULL;
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(bytes, len, d);
    char hex[2 * SHA256_DIGEST_LENGTH + 1];
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    if (strcasecmp(hex, m->sha256) != 0)
        return ox_kerr_new(OX_KERR_MODULE,
                           "module `%s`: wasm digest mismatch: manifest says sha256 %s, file "
                           "has %s",
                           m->id, m->sha256, hex);
    return NULL;
}
