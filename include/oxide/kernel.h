/*
 * oxide/kernel.h — the Oxide kernel façade: one bus, one module manager and
 * one registry wired together (the manager keeps the registry in sync).
 * Includes every kernel header, so embedders need only this one.
 *
 * No global state: two kernels in one process share nothing.
 * Ownership: ox_kernel_free() frees the kernel and all it owns; the
 * accessors' results are borrowed for the kernel's lifetime.
 */
#ifndef OXIDE_KERNEL_H
#define OXIDE_KERNEL_H

#include "oxide/bus.h"
#include "oxide/decisions.h"
#include "oxide/executor.h"
#include "oxide/kerror.h"
#include "oxide/manifest.h"
#include "oxide/modtypes.h"
#include "oxide/modules.h"
#include "oxide/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ox_kernel ox_kernel;

/* Limits for Wasm modules whose manifest does not set them. */
#define OX_KERNEL_DEFAULT_MAX_MEMORY_PAGES 4096u /* 256 MiB */
#define OX_KERNEL_DEFAULT_TIMEOUT_MS 10000u      /* per guest call */

/* Registry in memory. */
ox_kerr *ox_kernel_new(ox_kernel **out);
/* Registry in a SQLite file (WAL); key (may be NULL) encrypts config values. */
ox_kerr *ox_kernel_open(const char *path, const char *key, ox_kernel **out);
/* Stops running modules, then frees modules, registry and bus. */
void ox_kernel_free(ox_kernel *k);

ox_bus *ox_kernel_bus(ox_kernel *k);
ox_modules *ox_kernel_modules(ox_kernel *k);
ox_registry *ox_kernel_registry(ox_kernel *k);
/* The decision log in the kernel's registry; Wasm modules record their
   failed invocations in it (see modules.h). */
ox_decision_log *ox_kernel_decisions(ox_kernel *k);

/* Load a manifest (a module.json or a directory holding one), resolve its
   paths, and register the module with the manager (which records it in the
   registry, state loaded) and run its init hook. A wasm module is loaded
   from its `wasm` path after its `sha256` (if any) is checked, with the
   manifest's limits or the defaults below (the original had none); a native
   manifest registers a passive module (start/stop succeed, nothing runs:
   spawning its binary is future work). The manifest's capabilities are
   granted on the bus to this module's id only. *out (may be NULL) gets the
   resolved manifest, which the caller frees. */
ox_kerr *ox_kernel_register_manifest(ox_kernel *k, const char *path, ox_resolved_manifest **out);

#ifdef __cplusplus
}
#endif
#endif
