/*
 * oxide/kernel/executor.h — runs one WebAssembly module for the kernel: load it,
 * list its function exports, call exports with typed values, and call it as
 * a JSON tool through the guest ABI:
 *
 *   memory                         exported linear memory named "memory"
 *   alloc(size: i32) -> i32        a buffer of size bytes
 *   free(ptr: i32, size: i32)      release a buffer from alloc
 *   oxide_invoke(method_ptr, method_len, input_ptr, input_len: i32) -> i64
 *       returns (out_ptr << 32) | out_len, both unsigned 32-bit
 *
 * The host writes the method's UTF-8 bytes and the compact JSON input into
 * buffers from alloc, calls oxide_invoke, then frees method, input and output
 * buffers (also on error paths, unlike the original). Every guest
 * misbehaviour — missing or mistyped exports, alloc returning null or an
 * out-of-bounds pointer, output out of bounds, output that is not UTF-8 or
 * not JSON, a trap in any call — is an OTHER error naming what went wrong;
 * A module exporting `_initialize` (a WASI reactor) has it called once right
 * after instantiation, as WASI requires before any other export.
 * the host is untouched and the instance stays usable. Guest state persists
 * between calls.
 *
 * Built on the engine's public API only (oxide/wasm.h).
 *
 * Thread-safety: calls on one executor are serialised by its own mutex, so
 * any thread may use it. Ownership: oxk_executor_free() frees everything.
 */
#ifndef OXIDE_EXECUTOR_H
#define OXIDE_EXECUTOR_H

#include "oxide/api.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "oxide/kernel/error.h"
#include "oxide/wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oxk_executor oxk_executor;

/* A host function offered to the guest as import (module, name). */
typedef struct oxk_host_import {
    const char *module, *name;
    ox_functype type;
    ox_host_fn fn;
    void *user;
} oxk_host_import;

typedef struct oxk_executor_options {
    const ox_config *engine_config;  /* NULL: engine defaults (e.g. max_memory_pages) */
    /* Resource limits the original lacked. Each outermost guest call
       (alloc, oxide_invoke, free and plain calls count separately) traps
       with "interrupted" after timeout_ms, or with "fuel exhausted" after
       `fuel` units (a function entry or loop iteration each). 0 = none. */
    uint64_t timeout_ms;
    uint64_t fuel;
    /* call_json refuses an output of more bytes than this before parsing it
       ("output of N bytes is over the M-byte limit"). 0 = none. */
    size_t max_output;
    const oxk_host_import *imports;   /* copied by the engine */
    size_t nimports;
    /* Extra linking (e.g. WASI from oxide/wasi.h): called once with the
       linker and the store before instantiation. May be NULL. */
    ox_error *(*link)(void *user, ox_linker *linker, ox_store *store);
    void *link_user;
    /* Called once with link_user when the executor is freed, after its
       store (so host functions never outlive their context), and when
       creation fails. May be NULL. E.g. ox_wasi_free for a WASI context. */
    void (*link_free)(void *user);
} oxk_executor_options;

/* opts may be NULL (no imports). Errors: "failed to read wasm artefact
   <path>: <reason>", "wasm: <engine message>". */
OX_API oxk_err *oxk_executor_from_path(const char *path, const oxk_executor_options *opts,
                               oxk_executor **out);
OX_API oxk_err *oxk_executor_from_bytes(const uint8_t *bytes, size_t len, const oxk_executor_options *opts,
                                oxk_executor **out);
OX_API void oxk_executor_free(oxk_executor *ex);

/* Function exports in export order (memories, tables, globals excluded).
   Names are borrowed from the executor. */
OX_API size_t oxk_executor_export_count(const oxk_executor *ex);
OX_API const char *oxk_executor_export_name(const oxk_executor *ex, size_t i);

/* Call an (i32) -> i32 export. Missing or other type:
   "wasm export `<name>` is not (i32) -> i32: …". */
OX_API oxk_err *oxk_executor_call_i32(oxk_executor *ex, const char *name, int32_t arg, int32_t *out);
/* Call any function export; args are checked against its type. */
OX_API oxk_err *oxk_executor_call(oxk_executor *ex, const char *name, const ox_val *args, size_t nargs,
                          ox_val *results, size_t nresults);
/* The export's type, or false if name is not a function export. */
OX_API bool oxk_executor_func_type(oxk_executor *ex, const char *name, ox_functype *out);

/* JSON through the guest ABI. *out is a new reference. */
OX_API oxk_err *oxk_executor_call_json(oxk_executor *ex, const char *method, const json_t *input,
                               json_t **out);

/* Fuel the last call_json spent, alloc and free included (0 when the
   executor has no fuel budget: unmetered calls are not counted). */
OX_API uint64_t oxk_executor_fuel_spent(oxk_executor *ex);
/* Any thread: make the call now running trap with "interrupted". */
OX_API void oxk_executor_interrupt(oxk_executor *ex);

/* "(i32, i32) -> i64" into buf. */
OX_API void oxk_functype_format(const ox_functype *t, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
