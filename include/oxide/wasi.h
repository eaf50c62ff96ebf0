/*
 * oxide/wasi.h — WASI preview 1 (wasi_snapshot_preview1) for the Oxide engine.
 *
 * An embedder of the engine like any other: it only uses oxide/wasm.h. A
 * WASI context holds what one program may see: its arguments, environment,
 * standard streams and the host directories it was granted (preopens). A
 * program can reach no file outside those directories: paths are resolved
 * one component at a time with openat(O_NOFOLLOW) relative to the
 * preopen's directory descriptor, and `..`, absolute paths and symlinks that
 * lead out are refused with ENOTCAPABLE.
 *
 * Typical use (error handling elided):
 *     ox_wasi_config cfg;
 *     ox_wasi_config_init(&cfg);
 *     cfg.argc = argc; cfg.argv = argv;
 *     cfg.npreopens = 1; cfg.preopens = &(ox_wasi_preopen){"/tmp/x", "/data", false};
 *     ox_wasi *w;      ox_wasi_new(&cfg, &w);
 *     ox_wasi_define(w, linker, store);         // every preview 1 import
 *     ox_linker_instantiate(linker, store, module, &inst);
 *     ... call "_start"; an OX_ERR_EXIT error carries the proc_exit status
 *     ox_store_free(store); ox_wasi_free(w);
 *
 * Ownership
 *   ox_wasi_new() copies every string of the config and dup()s the standard
 *   stream descriptors, so the config may be freed right after the call and
 *   the program closing its fd 1 never closes the embedder's stdout.
 *   The caller frees the context with ox_wasi_free(), after the last call
 *   into any instance linked against it (the host functions defined in a
 *   store point at the context; freeing the store first is simplest).
 *
 * Threads: a context is used by one thread at a time (like a store). Two
 * contexts share nothing: each has its own descriptor table.
 *
 * Signals: a guest writing to a pipe whose reader is gone makes the host
 * write() raise SIGPIPE, which kills the process unless the embedder
 * ignores it (signal(SIGPIPE, SIG_IGN)); the guest then gets EPIPE. This
 * library never changes process-wide signal dispositions itself.
 *
 * Blocking: poll_oneoff, and fd_read on a blocking pipe, socket or
 * terminal, wait in 10 ms slices and check ox_caller_interrupted() between
 * them, so a deadline (ox_store_set_timeout) or ox_store_interrupt() ends a
 * guest parked in them with an "interrupted" trap. A write to a full pipe
 * still blocks until the reader drains it.
 */
#ifndef OXIDE_WASI_H
#define OXIDE_WASI_H

#include "oxide/api.h"

#include <stdbool.h>
#include <stddef.h>

#include "oxide/wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ox_wasi ox_wasi;

/* A host directory the program may use, seen by the program as guest_path
   (e.g. host "/srv/tool-data" as "/data"). A read-only preopen gives no
   right to create, write, truncate, rename, link or delete anything in it,
   and files opened through it are opened read-only on the host. */
typedef struct ox_wasi_preopen {
    const char *host_path;
    const char *guest_path;
    bool read_only;
} ox_wasi_preopen;

typedef struct ox_wasi_config {
    size_t argc;
    const char *const *argv;     /* argv[0] is the program name the guest sees */
    size_t envc;
    const char *const *env;      /* "NAME=VALUE" strings */
    size_t npreopens;
    const ox_wasi_preopen *preopens; /* become guest fds 3, 4, ... in order */
    /* Host descriptors for guest fds 0, 1, 2 (dup'd by ox_wasi_new); -1
       leaves that guest fd closed. ox_wasi_config_init sets 0, 1, 2. */
    int stdin_fd, stdout_fd, stderr_fd;
} ox_wasi_config;

/* Empty argv/env/preopens, standard streams inherited. */
OX_API void ox_wasi_config_init(ox_wasi_config *cfg);

/* Make a context. Fails (OX_ERR_IO) naming the directory when a preopen's
   host path cannot be opened as a directory, or (OX_ERR_ARG) on a bad
   config, e.g. an environment string without '='. */
OX_API ox_error *ox_wasi_new(const ox_wasi_config *cfg, ox_wasi **out);

/* Create every wasi_snapshot_preview1 function as a host function in
   `store` and define it in `linker` under that module name. May be called
   for several stores/linkers; all share the context's descriptor table. */
OX_API ox_error *ox_wasi_define(ox_wasi *w, ox_linker *linker, ox_store *store);

/* Closes every descriptor the program still holds. NULL is ignored. */
OX_API void ox_wasi_free(ox_wasi *w);

/* The WASI errno name ("NOENT", "NOTCAPABLE", ...) for a preview 1 errno
   value, or "?" — for messages and tests. */
OX_API const char *ox_wasi_errno_name(unsigned err);

#ifdef __cplusplus
}
#endif
#endif
