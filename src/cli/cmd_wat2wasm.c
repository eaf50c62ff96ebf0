/*
 * cmd_wat2wasm.c — `oxide wat2wasm FILE.wat [-o OUT.wasm]`: the text format
 * to the binary format, validated.
 *
 * The text is read by the engine's own reader (ox_wat_to_wasm), and the
 * binary is validated and compiled before it is written, so a file this
 * command writes is one `oxide run` loads. The tests build their .wat
 * guests with it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_call.h"
#include "commands.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: oxide wat2wasm FILE.wat [-o OUT.wasm]\n"
            "\n"
            "Translate a module in the WebAssembly text format to the binary format,\n"
            "validate it, and write it to OUT.wasm (default: standard output, if it\n"
            "is not a terminal). Errors name FILE:LINE:COLUMN and what was expected.\n"
            "Other commands take .wat files directly; this is for tools that need\n"
            "the binary.\n"
            "\n" CLI_EXIT_HELP);
}

/* The binary to OUT, or to standard output when it is not a terminal. */
static int write_out(const char *outpath, const uint8_t *bin, size_t n)
{
    if (!outpath && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "oxide wat2wasm: not writing a binary to a terminal (use -o FILE)\n");
        return CLI_EXIT_USAGE;
    }
    FILE *out = outpath ? fopen(outpath, "wb") : stdout;
    if (!out) {
        fprintf(stderr, "oxide wat2wasm: cannot write %s: %s\n", outpath, strerror(errno));
        return CLI_EXIT_LOAD;
    }
    bool ok = fwrite(bin, 1, n, out) == n;
    ok = (outpath ? fclose(out) : fflush(out)) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "oxide wat2wasm: writing %s failed\n", outpath ? outpath : "output");
        return CLI_EXIT_LOAD;
    }
    return 0;
}

int cmd_wat2wasm(int argc, char **argv)
{
    const char *in = NULL, *outpath = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            outpath = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "oxide wat2wasm: unknown option '%s'\n\n", argv[i]);
            usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (!in) {
            in = argv[i];
        } else {
            usage(stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (!in) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    ox_engine *eng = NULL;
    ox_module *m = NULL;
    ox_error *err = ox_engine_new(NULL, &eng);
    if (!err)
        err = ox_module_load_file(eng, in, &m); /* errors name FILE(:LINE:COL) */
    if (err) {
        ox_engine_free(eng);
        return cli_fail("wat2wasm", in, err);
    }
    size_t n;
    const uint8_t *bin = ox_module_binary(m, &n);
    int status = write_out(outpath, bin, n);
    ox_module_free(m);
    ox_engine_free(eng);
    return status;
}
