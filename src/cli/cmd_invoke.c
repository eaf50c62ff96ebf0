/*
 * cmd_invoke.c — `oxide invoke FILE FUNC [ARGS...]` and its other name
 * `oxide call`.
 *
 * Instantiates a self-contained module (no imports are provided: a module
 * that needs any is refused with the imports named), calls one exported
 * function with arguments read by its parameter types, and prints the
 * results one per line in the format of cli_util.h, so they read back.
 * The call itself is cli_call.c's, shared with `oxide run --invoke`; the
 * exit statuses are the table of cli_call.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_call.h"
#include "cli_limits.h"
#include "cli_util.h"
#include "commands.h"

static void usage(FILE *f, const char *cmd)
{
    fprintf(f,
            "usage: oxide %s [OPTIONS] FILE FUNC [ARGS...]\n"
            "\n"
            "Instantiate a module (.wasm) that has no imports, call its exported function\n"
            "FUNC and print each result on its own line.\n"
            "\n"
            "Arguments are read by the function's parameter types:\n"
            "  i32, i64   decimal (-5, 4294967295) or hex (0xff, -0x10)\n"
            "  f32, f64   decimal (1.5, -0, 1e10), hex float (0x1.8p1), inf, -inf,\n"
            "             nan, -nan, nan:0xPAYLOAD\n"
            "  refs       null\n"
            "  v128       v128:0x and up to 32 hex digits (little-endian number)\n"
            "Results print the same way; floats with the fewest digits that read back\n"
            "to the same bits, NaNs as nan (canonical) or nan:0xPAYLOAD.\n"
            "Use -- before FUNC or the arguments if one starts with '--'.\n"
            "\n"
            "options (before FILE):\n" CLI_LIMITS_HELP "\n" CLI_EXIT_HELP,
            cmd);
}

static int invoke_main(const char *cmd, int argc, char **argv)
{
    int i = 1;
    if (i < argc && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
        usage(stdout, cmd);
        return 0;
    }
    /* Limits come before FILE, so an argument like "--fuel" after it is
       still an argument. */
    cli_limits lim;
    cli_limits_init(&lim);
    for (;;) {
        if (i >= argc)
            break;
        int r = cli_limits_parse(cmd, argc, argv, &i, &lim);
        if (r < 0)
            return CLI_EXIT_USAGE;
        if (r == 0)
            break;
    }
    /* Positional: FILE FUNC ARGS...; "--" may separate them, and "-5" is a
       number, not an option, so nothing else is parsed as one. */
    const char *pos[2];
    int npos = 0;
    while (i < argc && npos < 2) {
        if (!strcmp(argv[i], "--")) {
            i++;
            continue;
        }
        pos[npos++] = argv[i++];
    }
    if (i < argc && !strcmp(argv[i], "--"))
        i++;
    if (npos < 2) {
        usage(stderr, cmd);
        return CLI_EXIT_USAGE;
    }
    const char *path = pos[0], *fname = pos[1];

    int status;
    ox_engine *engine = NULL;
    ox_module *m = NULL;
    ox_store *store = NULL;
    ox_instance *inst = NULL;
    char cache[4096];
    ox_config cfg = {.max_memory_pages = lim.max_memory_pages, .tier = (ox_tier)lim.tier,
                     .jit_cache_dir = cli_cache_dir(&lim, cache, sizeof cache)};
    ox_error *err = ox_engine_new(&cfg, &engine);
    if (!err)
        err = ox_module_load_file(engine, path, &m);
    if (!err)
        err = ox_store_new(engine, &store);
    if (err) {
        status = cli_fail(cmd, path, err);
        goto out;
    }
    /* One budget for the start function and the call together. */
    ox_store_set_fuel(store, lim.fuel);
    ox_store_set_timeout(store, lim.timeout_ms);
    status = cli_instantiate(cmd, path, store, m, &inst);
    if (status == CLI_EXIT_OK)
        status = cli_call(cmd, inst, fname, argc - i, argv + i);
out:
    cli_warn_uncompiled(cmd, path, m);
    if (store)
        ox_store_free(store);
    if (m)
        ox_module_free(m);
    return engine ? cli_engine_free(engine, lim.tier, status) : status;
}

int cmd_invoke(int argc, char **argv) { return invoke_main("invoke", argc, argv); }
int cmd_call(int argc, char **argv) { return invoke_main("call", argc, argv); }
