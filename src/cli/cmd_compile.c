/* cmd_compile.c — `oxide compile FILE...`: compile modules ahead of time
   into the code cache, so that `oxide run --tier jit` (and any engine
   pointed at the same cache) starts them compiled. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli_limits.h"
#include "cli_call.h"
#include "commands.h"
#include "oxide/wasm.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: oxide compile [--cache-dir DIR] FILE.wasm|FILE.wat...\n"
               "\n"
               "Compile each module's functions to machine code (the compiling tier,\n"
               "as --tier jit does) and keep the code in the cache: DIR, else\n"
               "$XDG_CACHE_HOME/oxide, else ~/.cache/oxide. A module already there\n"
               "is read back, not compiled again. Prints, per module, how many of its\n"
               "functions are compiled (the rest run interpreted) and how long it took.\n"
               "\n"
               "exit status: 0 when every module compiled, 1 when one did not, 2 usage\n");
}

int cmd_compile(int argc, char **argv)
{
    cli_limits lim = {0};
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        int r = strncmp(argv[i], "--cache-dir", 11) ? 0
                                                     : cli_limits_parse("compile", argc, argv, &i, &lim);
        if (r <= 0) {
            if (r == 0)
                fprintf(stderr, "oxide compile: unknown option '%s'\n", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (!ox_jit_available()) {
        fprintf(stderr, "oxide compile: this build has no compiling tier (built without LLVM)\n");
        return 1;
    }
    char buf[4096];
    const char *dir = cli_cache_dir(&lim, buf, sizeof buf);
    if (!dir) {
        fprintf(stderr, "oxide compile: no cache directory: set --cache-dir, XDG_CACHE_HOME or HOME\n");
        return CLI_EXIT_USAGE;
    }
    ox_config cfg = {.tier = OX_TIER_JIT, .jit_cache_dir = dir};
    ox_engine *e = NULL;
    ox_error *err = ox_engine_new(&cfg, &e);
    if (err)
        return cli_fail("compile", NULL, err);
    int status = 0;
    for (; i < argc; i++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        ox_module *m = NULL;
        err = ox_module_load_file(e, argv[i], &m);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (err) {
            cli_fail("compile", argv[i], err);
            status = 1;
            continue;
        }
        size_t total = 0, n = ox_module_compiled_funcs(m, &total);
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        printf("%s: %zu of %zu functions compiled (%.1f ms), cache %s\n", argv[i], n, total, ms, dir);
        ox_module_free(m);
    }
    ox_engine_free(e);
    return status;
}
