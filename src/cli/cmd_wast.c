/*
 * cmd_wast.c — `oxide wast FILE.wast...`: run WebAssembly spec scripts.
 *
 * The runner is src/wast/; this file reads the options and prints the
 * total. Failing commands print one line each (FILE:LINE: command: why).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../wast/wast.h"
#include "cli_util.h"
#include "cli_limits.h"
#include "commands.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: oxide wast [OPTIONS] FILE.wast...\n"
            "\n"
            "Run WebAssembly spec-test scripts: modules (text, binary, quoted,\n"
            "definitions and instances), register, invoke, get and every assertion.\n"
            "Each failing command prints FILE:LINE: COMMAND: why; the last line is\n"
            "  total: P passed, F failed, S skipped\n"
            "Commands for features the engine does not have yet count as failed.\n"
            "\n"
            "options:\n"
            "  --timeout MS   stop each invocation after MS milliseconds (default\n"
            "                 10000, 0 = none): a hang fails its command\n"
            "  --no-fusion    compile without superinstructions\n"
            "  --tier T       interp (the default), jit (compile every function the\n"
            "                 compiling tier handles first; builds with LLVM) or auto\n"
            "  --osr-test     test on-stack replacement: functions compiled (as\n"
            "                 --tier jit) but called interpreted, every loop moved to\n"
            "                 compiled code at its first back-edge\n"
            "  --round-trip   also print each module that loads as text and read it\n"
            "                 back: a module from text must give the same binary\n"
            "  --superseded LIST  skip the commands LIST names, one NAME.wast:LINE a\n"
            "                 line (what follows, and lines starting with #, are\n"
            "                 comments): assertions a later spec version changed\n"
            "  -v, --verbose  print every command, and spectest.print output\n"
            "  -q, --quiet    print only the total\n"
            "\n"
            "exit status: 0 when no command failed, 1 when one did, 2 usage\n");
}

/* The --superseded list: NAME.wast:LINE per line, comments after it. */
static bool read_superseded(const char *path, char ***out, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char key[320];
        if (line[0] == '#' || sscanf(line, "%319s", key) != 1)
            continue;
        char **nv = realloc(*out, (*n + 1) * sizeof *nv);
        if (!nv || !(nv[*n] = strdup(key))) {
            if (nv)
                *out = nv;
            fclose(f);
            return false;
        }
        *out = nv;
        (*n)++;
    }
    fclose(f);
    return true;
}

int cmd_wast(int argc, char **argv)
{
    oxw_options opt = {.timeout_ms = 10000};
    char **superseded = NULL;
    size_t nsuperseded = 0;
    bool quiet = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--round-trip")) {
            opt.round_trip = true;
        } else if (!strcmp(a, "--no-fusion")) {
            opt.no_fusion = true;
        } else if (!strcmp(a, "--osr-test")) {
            opt.osr_test = true;
        } else if (!strcmp(a, "--tier") && i + 1 < argc) {
            if (!cli_parse_tier("wast", argv[++i], &opt.tier))
                return 2;
        } else if (!strncmp(a, "--tier=", 7)) {
            if (!cli_parse_tier("wast", a + 7, &opt.tier))
                return 2;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            opt.verbose = true;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = true;
        } else if (!strcmp(a, "--timeout") && i + 1 < argc) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end || argv[i][0] == '-' || v > 86400000UL) {
                fprintf(stderr, "oxide wast: --timeout: '%s' is not a number of "
                                "milliseconds\n", argv[i]);
                return 2;
            }
            opt.timeout_ms = (unsigned)v;
        } else if (!strcmp(a, "--superseded") && i + 1 < argc) {
            if (!read_superseded(argv[++i], &superseded, &nsuperseded)) {
                fprintf(stderr, "oxide wast: --superseded: cannot read '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--")) {
            i++;
            break;
        } else {
            fprintf(stderr, "oxide wast: unknown option '%s'\n\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    opt.superseded = (const char *const *)superseded;
    opt.nsuperseded = nsuperseded;
    oxw_counts total = {0};
    for (; i < argc; i++)
        oxw_run_file(argv[i], &opt, quiet ? NULL : stdout, &total);
    printf("total: %u passed, %u failed, %u skipped\n", total.passed, total.failed,
           total.skipped);
    for (size_t k = 0; k < nsuperseded; k++)
        free(superseded[k]);
    free(superseded);
    return total.failed ? 1 : 0;
}
