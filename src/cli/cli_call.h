/*
 * cli_call.h — the one way the `oxide` commands call an export, and the
 * one table of exit statuses they all use:
 *
 *     0    success
 *     1    the guest answered with an error of its own (call-json's
 *          {"error": ...}, or a guest breaking the JSON ABI)
 *     2    usage: bad options or arguments, no such export or function
 *     3    the module cannot be used: unreadable, malformed, invalid,
 *          unlinkable, out of host memory
 *     124  a limit was hit: fuel exhausted, deadline exceeded, call stack
 *          exhausted, the GC heap full, a memory limit refusing the module
 *          (124 as timeout(1))
 *     130  interrupted (as a process stopped by SIGINT)
 *     134  the guest trapped (as a process killed by SIGABRT), or threw an
 *          exception nothing caught; the trap or the exception (its tag and
 *          values) and the function are on stderr
 *
 * `oxide run` exits with the program's own proc_exit code when it calls
 * proc_exit. `exports` and `inspect` never run guest code.
 */
#ifndef OX_CLI_CALL_H
#define OX_CLI_CALL_H

#include "oxide/wasm.h"

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_GUEST = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_LOAD = 3,
    CLI_EXIT_LIMIT = 124,
    CLI_EXIT_INTERRUPTED = 130,
    CLI_EXIT_TRAP = 134,
};

/* The table, for --help texts. */
#define CLI_EXIT_HELP                                                                  \
    "exit status: 0 ok, 1 the guest answered an error, 2 usage (bad option, argument\n" \
    "or export), 3 the module cannot be loaded or linked, 124 a limit was hit (fuel,\n" \
    "deadline, call stack, memory, GC heap), 130 interrupted, 134 the guest trapped\n" \
    "or threw an exception nothing caught.\n"

/* The exit status for an engine error (NULL: 0). An OX_ERR_EXIT is its
   status. */
int cli_exit_status(const ox_error *e);

/* Print "oxide CMD: [WHAT: ]message" to stderr (a trap names its function
   when the message does not), free e, return its exit status. A guest's
   exit (OX_ERR_EXIT) prints nothing and returns its status. */
int cli_fail(const char *cmd, const char *what, ox_error *e);

/* Call export FUNC of inst with ARGS read by its parameter types
   (cli_util.h), print each result on its own line; returns the exit
   status, with any error on stderr. */
int cli_call(const char *cmd, ox_instance *inst, const char *func, int nargs, char **args);

/* Instantiate m with no imports, naming them when it has some (exit 3);
   one fuel budget covers the start function and what follows. */
int cli_instantiate(const char *cmd, const char *path, ox_store *store, ox_module *m,
                    ox_instance **out);

#endif
