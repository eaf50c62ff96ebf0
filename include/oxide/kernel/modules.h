/*
 * oxide/kernel/modules.h — the module manager: native modules (C code behind a
 * vtable) and Wasm modules (served by an oxk_executor), with an enforced
 * lifecycle:
 *
 *   loaded ──start──▶ starting ──ok──▶ running ──stop──▶ stopping ──ok──▶ stopped
 *                         │                                   │              │
 *                         └──error──▶ failed ◀──────error─────┘              │
 *   start is allowed from loaded, stopped and failed; stop only from running;
 *   unload from loaded, stopped, failed, or running (it stops first).
 *
 * Anything else is an OXK_ERR_TRANSITION error and changes nothing. A
 * successful start emits `module_started`, a successful stop
 * `module_stopped` (source "kernel"). When the manager has a registry, every
 * registration and state change is written to it, and unload deletes the row.
 *
 * Hooks run without any manager lock held, so a hook may call back into the
 * manager (e.g. query states) and a slow hook does not block other modules.
 * A module in `starting`/`stopping` is busy: a concurrent start/stop/unload
 * of the same module is a TRANSITION error rather than a wait.
 *
 * Wasm modules: oxk_modules_register_wasm() wraps an executor. init(bus)
 * subscribes (to the invoke commands addressed to it only); while running, a thread serves `invoke` commands addressed to
 * the module's id by oxk_executor_call_json(method, payload) and answers with
 * a `custom` event from the module, kind "<method>.ok" (payload: the result)
 * or "<method>.err" (payload: {"error": "..."}), correlation id = the
 * command envelope's id. A guest reports failure by returning an object
 * whose only key is "error" (a string); that also becomes "<method>.err".
 *
 * Thread-safety: every call may come from any thread. Ownership: the manager
 * borrows bus and registry (free it before them) and owns registered
 * modules (destroy hook on unload or oxk_modules_free).
 */
#ifndef OXIDE_MODULES_H
#define OXIDE_MODULES_H

#include "oxide/api.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oxide/kernel/bus.h"
#include "oxide/kernel/decisions.h"
#include "oxide/kernel/executor.h"
#include "oxide/kernel/error.h"
#include "oxide/kernel/modtypes.h"
#include "oxide/kernel/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oxk_module_vtable {
    oxk_err *(*init)(void *self, oxk_bus *bus); /* NULL: nothing to do */
    oxk_err *(*start)(void *self);             /* required */
    oxk_err *(*stop)(void *self);              /* required; should be quick */
    void (*destroy)(void *self);               /* NULL: nothing to free */
    /* NULL: the module cannot cancel (see oxk_modules_cancel). */
    bool (*cancel)(void *self, const char *command_id);
    /* NULL: the module does not meter (see oxk_modules_fuel_spent). */
    bool (*fuel_spent)(void *self, const char *command_id, uint64_t *out);
} oxk_module_vtable;

typedef struct oxk_modules oxk_modules;

/* registry may be NULL (no persistence). */
OX_API oxk_err *oxk_modules_new(oxk_bus *bus, oxk_registry *registry, oxk_modules **out);
/* Stops running modules (errors ignored), destroys every module. */
OX_API void oxk_modules_free(oxk_modules *m);

/* Where Wasm modules registered after this call record failed invocations
   (NULL: nowhere). Borrowed: the log must outlive the manager. */
OX_API void oxk_modules_set_decision_log(oxk_modules *m, oxk_decision_log *log);
OX_API oxk_decision_log *oxk_modules_decision_log(oxk_modules *m);

/* State loaded. On success the manager owns `self`; on error the caller
   keeps it. DUPLICATE_MODULE if the id is taken. meta is copied. */
OX_API oxk_err *oxk_modules_register(oxk_modules *m, const oxk_module_meta *meta,
                             const oxk_module_vtable *vt, void *self);
/* A Wasm module around ex (kind is forced to wasm). On success the manager
   owns ex; on error the caller keeps it. */
OX_API oxk_err *oxk_modules_register_wasm(oxk_modules *m, const oxk_module_meta *meta, oxk_executor *ex);
/* The same with a pool of n instances (n executors of one module): each
   serves the module's invokes on its own thread, so n calls run at once.
   Guest state is per instance. On success the manager owns the executors
   (not the array); on error the caller keeps them. */
OX_API oxk_err *oxk_modules_register_wasm_pool(oxk_modules *m, const oxk_module_meta *meta, oxk_executor **ex,
                                      size_t n);

/* Run the init hook with the bus. The state does not change; not called
   automatically (as in the original). */
OX_API oxk_err *oxk_modules_init(oxk_modules *m, const char *id);
OX_API oxk_err *oxk_modules_start(oxk_modules *m, const char *id);
OX_API oxk_err *oxk_modules_stop(oxk_modules *m, const char *id);
OX_API oxk_err *oxk_modules_unload(oxk_modules *m, const char *id);
/* Cancel the `invoke` command command_id (its envelope id) sent to module
   id: a call running it is interrupted (answered "<method>.err" with
   "interrupted"), one still queued is answered "<method>.err" with
   {"error": "cancelled"} without running. Any thread. False if the module
   is unknown or cannot cancel; true does not promise the call had not
   already finished. */
OX_API bool oxk_modules_cancel(oxk_modules *m, const char *id, const char *command_id);
/* The fuel the invoke command_id spent in module id (a Wasm module whose
   manifest sets `fuel`; 0 for an unmetered one), once it has been
   answered. False if unknown (the module, or a command older than the
   last 64 it answered). */
OX_API bool oxk_modules_fuel_spent(oxk_modules *m, const char *id, const char *command_id, uint64_t *out);
/* False if the id is unknown. */
OX_API bool oxk_modules_state(oxk_modules *m, const char *id, oxk_module_state *out);

typedef struct oxk_module_info {
    oxk_module_meta meta; /* owned copies */
    oxk_module_state state;
} oxk_module_info;

/* Snapshot ordered by id; free with oxk_module_infos_free(*out, *n). */
OX_API oxk_err *oxk_modules_list(oxk_modules *m, oxk_module_info **out, size_t *n);
OX_API void oxk_module_infos_free(oxk_module_info *infos, size_t n);

#ifdef __cplusplus
}
#endif
#endif
