/*
 * oxide/mcp.h — Oxide's Model Context Protocol server: every Wasm module
 * with an `mcp` field in its manifest becomes a set of agent tools.
 *
 * The server sits on a kernel (oxide/kernel/kernel.h): it registers the
 * modules of a directory through it, and every tools/call travels the
 * kernel bus as an `invoke` command to the module's sandbox, under the
 * manifest's limits. Two transports: newline-delimited JSON-RPC over a pair
 * of file descriptors (stdio) and Streamable HTTP (when built with
 * libmicrohttpd). docs/mcp.md describes the protocol as served.
 *
 * Ownership: oxm_server_free() frees the server; the kernel is borrowed and
 * must outlive it (oxm_server_new sets its output limit to the message
 * limit, oxk_kernel_set_max_output, and registers the modules on it). Thread-safety: one serve call at a time per server;
 * inside it, calls run on threads of their own.
 */
#ifndef OXIDE_MCP_H
#define OXIDE_MCP_H

#include "oxide/api.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "oxide/kernel/kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oxm_server oxm_server;

typedef struct oxm_options {
    const char *modules_dir; /* every DIR/NAME/module.json; required */
    size_t max_message;      /* bytes in a message, either way; 0 = 4 MiB */
    unsigned max_calls;      /* tools/call running at once; 0 = 64 */
    unsigned page_size;      /* tools per tools/list page; 0 = 100 */
    FILE *log;               /* diagnostics, one line each; NULL = stderr */
    bool watch;              /* reload modules whose directory changes, and
                                send notifications/tools/list_changed */
} oxm_options;

/* Register and start every module of opts->modules_dir that has a manifest,
   and read the tools of those whose manifest names an mcp.json. A bad
   manifest, a bad mcp.json, an invalid or duplicate tool name or a schema
   Oxide cannot enforce is an error naming the file and the tool. */
OX_API oxk_err *oxm_server_new(oxk_kernel *k, const oxm_options *opts, oxm_server **out);
OX_API void oxm_server_free(oxm_server *s);
OX_API size_t oxm_server_tool_count(const oxm_server *s);

/* Serve one client over in_fd/out_fd (one JSON-RPC message a line) until
   in_fd ends or *stop becomes nonzero (stop may be NULL). Calls still
   running at the end are cancelled and waited for. */
OX_API oxk_err *oxm_serve_stdio(oxm_server *s, int in_fd, int out_fd, volatile sig_atomic_t *stop);

typedef struct oxm_http_options {
    const char *host;   /* NULL = "127.0.0.1" */
    unsigned port;      /* 0 = any free port (see ready) */
    const char *token;  /* bearer token required on every request; NULL = none */
    /* Called once listening, with the port (e.g. to print it). May be NULL. */
    void (*ready)(void *user, unsigned port);
    void *ready_user;
} oxm_http_options;

/* Serve Streamable HTTP at /mcp until *stop becomes nonzero. libmicrohttpd
   is opened on the first call (the process does not load it otherwise); an
   error when it cannot be, or when the build has no libmicrohttpd. */
OX_API oxk_err *oxm_serve_http(oxm_server *s, const oxm_http_options *o, volatile sig_atomic_t *stop);

#ifdef __cplusplus
}
#endif
#endif
