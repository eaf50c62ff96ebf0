/*
 * oxide/kernel/manifest.h — `module.json`, the manifest a module ships with.
 *
 * Fields (JSON object; unknown keys are ignored):
 *   id, name, version      string, required
 *   kind                   "native" | "wasm", required
 *   description, spec_kind, binary, skill, mcp, base_url   string or null
 *   operations, capabilities                               array of strings (default [])
 *   wasm      (new) path of the module's .wasm file, relative to the manifest's
 *             directory; required when kind is "wasm"
 *   sha256    (new, optional) hex SHA-256 of that file; loading refuses a
 *             file whose digest differs
 *   max_memory_pages, timeout_ms, fuel   (new, optional) non-negative
 *             integers, at the top level or inside a "limits" object (not
 *             both); absent or 0 means the kernel's default (see
 *             oxk_kernel_register_manifest)
 *   tier      (new, optional) "interp" | "jit" | "auto": which engine tier
 *             runs the module (ox_tier); absent: the kernel's
 *             (oxk_kernel_set_tier). "jit" in a build without the compiler
 *             makes registering the module fail.
 *   wasi      (new, optional) WASI preview 1 for a Wasm module:
 *             {"dirs": [{"host": "data", "guest": "/data", "read_only": true}],
 *              "args": ["tool", "-v"], "env": {"NAME": "value"}}
 *             all three optional; a relative host path is relative to the
 *             manifest's directory (resolved by oxk_manifest_resolve). Without
 *             this field a module gets no WASI imports at all.
 * Errors name the field at fault ("manifest: field `kind` must be …").
 *
 * Ownership: oxk_manifest_free() / oxk_resolved_manifest_free(); every string
 * in them is owned by the struct.
 */
#ifndef OXIDE_MANIFEST_H
#define OXIDE_MANIFEST_H

#include "oxide/api.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oxide/kernel/error.h"
#include "oxide/kernel/modtypes.h"
#include "oxide/kernel/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One directory a module may use through WASI. */
typedef struct oxk_manifest_dir {
    char *host;  /* as written in the manifest */
    char *guest; /* the path the guest sees */
    bool read_only;
} oxk_manifest_dir;

typedef struct oxk_manifest_wasi {
    oxk_manifest_dir *dirs;
    size_t ndirs;
    char **args; /* argv, args[0] included if the manifest gives one */
    size_t nargs;
    char **env; /* "NAME=VALUE", in the manifest's key order */
    size_t nenv;
} oxk_manifest_wasi;

typedef struct oxk_manifest {
    char *id, *name, *version;
    oxk_module_kind kind;
    char *description, *spec_kind, *binary, *skill, *mcp, *base_url; /* NULL when absent */
    char *wasm, *sha256;                                              /* NULL when absent */
    char *tier; /* "interp", "jit" or "auto" (checked); NULL when absent */
    uint32_t max_memory_pages; /* limits; 0 when absent */
    uint64_t max_gc_bytes;     /* the GC heap (3.0 GC); 0: as much as the memory limit */
    uint64_t timeout_ms, fuel;
    char **operations;
    size_t noperations;
    char **capabilities;
    size_t ncapabilities;
    oxk_manifest_wasi *wasi; /* NULL when the manifest has no `wasi` */
} oxk_manifest;

OX_API oxk_err *oxk_manifest_from_json(const char *text, size_t len, oxk_manifest **out);
/* If path is a directory, read path/module.json, else path itself. A read
   failure is "failed to read manifest <path>: <reason>". */
OX_API oxk_err *oxk_manifest_load(const char *path, oxk_manifest **out);
OX_API void oxk_manifest_free(oxk_manifest *m);
/* The module metadata the manifest describes (strings borrowed from m). */
OX_API oxk_module_meta oxk_manifest_meta(const oxk_manifest *m);

/* A manifest with its relative paths joined to a base directory (an
   absolute path in the manifest replaces the base). Paths are not
   canonicalised and existence is not checked here. */
typedef struct oxk_resolved_manifest {
    oxk_manifest *manifest; /* owned */
    char *base_dir;
    char *binary_path, *skill_path, *mcp_path, *wasm_path; /* NULL when absent */
    char **wasi_dir_paths; /* host directories joined to base_dir, one per
                              manifest->wasi->dirs entry; NULL without wasi */
} oxk_resolved_manifest;

/* Takes ownership of m (freed on error too). */
OX_API oxk_err *oxk_manifest_resolve(oxk_manifest *m, const char *base_dir, oxk_resolved_manifest **out);
OX_API void oxk_resolved_manifest_free(oxk_resolved_manifest *r);
/* The directory a manifest path's relative paths start from: the path if
   it is a directory, else its parent, else ".". Caller frees. */
OX_API char *oxk_manifest_base_dir(const char *path);

/* Upsert the manifest's module into the registry with state loaded. */
OX_API oxk_err *oxk_manifest_register_in_registry(oxk_registry *r, const oxk_manifest *m);

/* Check bytes against the manifest's sha256 (no-op when it has none). */
OX_API oxk_err *oxk_manifest_verify_digest(const oxk_manifest *m, const uint8_t *bytes, size_t len);

#ifdef __cplusplus
}
#endif
#endif
