/*
 * oxide/modules.h — the module manager: native modules (C code behind a
 * vtable) and Wasm modules (served by an ox_executor), with an enforced
 * lifecycle:
 *
 *   loaded ──start──▶ starting ──ok──▶ running ──stop──▶ stopping ──ok──▶ stopped
 *                         │                                   │              │
 *                         └──error──▶ failed ◀──────error─────┘              │
 *   start is allowed from loaded, stopped and failed; stop only from running;
 *   unload from loaded, stopped, failed, or running (it stops first).
 *
 * Anything else is an OX_KERR_TRANSITION error and changes nothing. A
 * successful start emits `module_started`, a successful stop
 * `module_stopped` (source "kernel"). When the manager has a registry, every
 * registration and state change is written to it, and unload deletes the row.
 *
 * Hooks run without any manager lock held, so a hook may call back into the
 * manager (e.g. query states) and a slow hook does not block other modules.
 * A module in `starting`/`stopping` is busy: a concurrent start/stop/unload
 * of the same module is a TRANSITION error rather than a wait.
 *
 * Wasm modules: ox_modules_register_wasm() wraps an executor. init(bus)
 * subscribes; while running, a thread serves `invoke` commands addressed to
 * the module's id by ox_executor_call_json(method, payload) and answers with
 * a `custom` event from the module, kind "<method>.ok" (payload: the result)
 * or "<method>.err" (payload: {"error": "..."}), correlation id = the
 * command envelope's id. A guest reports failure by returning an object
 * whose only key is "error" (a string); that also becomes "<method>.err".
 *
 * Thread-safety: every call may come from any thread. Ownership: the manager
 * borrows bus and registry (free it before them) and owns registered
 * modules (destroy hook on unload or ox_modules_free).
 */
#ifndef OXIDE_MODULES_H
#define OXIDE_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#include "oxide/bus.h"
#include "oxide/decisions.h"
#include "oxide/executor.h"
#include "oxide/kerror.h"
#include "oxide/modtypes.h"
#include "oxide/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ox_module_vtable {
    ox_kerr *(*init)(void *self, ox_bus *bus); /* NULL: nothing to do */
    ox_kerr *(*start)(void *self);             /* required */
    ox_kerr *(*stop)(void *self);              /* required; should be quick */
    void (*destroy)(void *self);               /* NULL: nothing to free */
} ox_module_vtable;

typedef struct ox_modules ox_modules;

/* registry may be NULL (no persistence). */
ox_kerr *ox_modules_new(ox_bus *bus, ox_registry *registry, ox_modules **out);
/* Stops running modules (errors ignored), destroys every module. */
void ox_modules_free(ox_modules *m);

/* Where Wasm modules registered after this call record failed invocations
   (NULL: nowhere). Borrowed: the log must outlive the manager. */
void ox_modules_set_decision_log(ox_modules *m, ox_decision_log *log);
ox_decision_log *ox_modules_decision_log(ox_modules *m);

/* State loaded. On success the manager owns `self`; on error the caller
   keeps it. DUPLICATE_MODULE if the id is taken. meta is copied. */
ox_kerr *ox_modules_register(ox_modules *m, const ox_module_meta *meta,
                             const ox_module_vtable *vt, void *self);
/* A Wasm module around ex (kind is forced to wasm). On success the manager
   owns ex; on error the caller keeps it. */
ox_kerr *ox_modules_register_wasm(ox_modules *m, const ox_module_meta *meta, ox_executor *ex);

/* Run the init hook with the bus. The state does not change; not called
   automatically (as in the original). */
ox_kerr *ox_modules_init(ox_modules *m, const char *id);
ox_kerr *ox_modules_start(ox_modules *m, const char *id);
ox_kerr *ox_modules_stop(ox_modules *m, const char *id);
ox_kerr *ox_modules_unload(ox_modules *m, const char *id);
/* False if the id is unknown. */
bool ox_modules_state(ox_modules *m, const char *id, ox_module_state *out);

typedef struct ox_module_info {
    ox_module_meta meta; /* owned copies */
    ox_module_state state;
} ox_module_info;

/* Snapshot ordered by id; free with ox_module_infos_free(*out, *n). */
ox_kerr *ox_modules_list(ox_modules *m, ox_module_info **out, size_t *n);
void ox_module_infos_free(ox_module_info *infos, size_t n);

#ifdef __cplusplus
}
#endif
#endif
