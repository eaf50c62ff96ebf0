/*
 * oxide/kernel/kernel.h — the Oxide kernel façade: one bus, one module manager and
 * one registry wired together (the manager keeps the registry in sync).
 * Includes every kernel header, so embedders need only this one.
 *
 * No global state: two kernels in one process share nothing.
 * Ownership: oxk_kernel_free() frees the kernel and all it owns; the
 * accessors' results are borrowed for the kernel's lifetime.
 */
#ifndef OXIDE_KERNEL_H
#define OXIDE_KERNEL_H

#include "oxide/api.h"

#include "oxide/kernel/bus.h"
#include "oxide/kernel/decisions.h"
#include "oxide/kernel/executor.h"
#include "oxide/kernel/error.h"
#include "oxide/kernel/manifest.h"
#include "oxide/kernel/modtypes.h"
#include "oxide/kernel/modules.h"
#include "oxide/kernel/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oxk_kernel oxk_kernel;

/* Limits for Wasm modules whose manifest does not set them. */
#define OXK_KERNEL_DEFAULT_MAX_MEMORY_PAGES 4096u /* 256 MiB */
#define OXK_KERNEL_DEFAULT_TIMEOUT_MS 10000u      /* per guest call */

/* Registry in memory. */
OX_API oxk_err *oxk_kernel_new(oxk_kernel **out);
/* Registry in a SQLite file (WAL); key (may be NULL) encrypts config values. */
OX_API oxk_err *oxk_kernel_open(const char *path, const char *key, oxk_kernel **out);
/* Stops running modules, then frees modules, registry and bus. */
OX_API void oxk_kernel_free(oxk_kernel *k);

OX_API oxk_bus *oxk_kernel_bus(oxk_kernel *k);
OX_API oxk_modules *oxk_kernel_modules(oxk_kernel *k);
OX_API oxk_registry *oxk_kernel_registry(oxk_kernel *k);
/* The decision log in the kernel's registry; Wasm modules record their
   failed invocations in it (see modules.h). */
OX_API oxk_decision_log *oxk_kernel_decisions(oxk_kernel *k);

/* Load a manifest (a module.json or a directory holding one), resolve its
   paths, and register the module with the manager (which records it in the
   registry, state loaded) and run its init hook. A wasm module is loaded
   from its `wasm` path after its `sha256` (if any) is checked, with the
   manifest's limits or the defaults below (the original had none); a native
   manifest registers a passive module (start/stop succeed, nothing runs:
   spawning its binary is future work). The manifest's capabilities are
   granted on the bus to this module's id only. *out (may be NULL) gets the
   resolved manifest, which the caller frees. */
/* Instances per Wasm module registered from now on (default 1, at most
   64): each serves calls on its own thread with its own guest state. */
OX_API void oxk_kernel_set_instances(oxk_kernel *k, unsigned n);
/* The largest JSON output (bytes) a Wasm module registered from now on may
   answer an invoke with: a longer one is refused unparsed (an .err). 0 (the
   default) = no limit beyond the guest's memory. */
OX_API void oxk_kernel_set_max_output(oxk_kernel *k, size_t bytes);
/* The tier that runs Wasm modules registered from now on (ox_config.tier:
   OX_TIER_INTERP by default) and the directory where compiled code is kept
   (NULL: none; copied). In a build without LLVM, OX_TIER_JIT makes
   registration fail (the engine's OX_ERR_UNSUPPORTED) and OX_TIER_AUTO runs
   the interpreter. An error only when the path cannot be copied. */
OX_API oxk_err *oxk_kernel_set_tier(oxk_kernel *k, ox_tier tier, const char *jit_cache_dir);

OX_API oxk_err *oxk_kernel_register_manifest(oxk_kernel *k, const char *path, oxk_resolved_manifest **out);

#ifdef __cplusplus
}
#endif
#endif
