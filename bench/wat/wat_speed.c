/*
 * wat_speed.c — how fast the engine reads the text format (bench/wat/run).
 *
 *   ox_bench_wat FILE...
 *
 * A .wat module goes through ox_wat_to_wasm, the public entry point. A
 * .wast script is cut into tokens and every module in it is assembled,
 * as `oxide wast` does before running anything (the values of the
 * assertions are not read: they are a small part of the text). Each file
 * is read repeatedly for at least half a second, five times; the best
 * round is reported in MB of text per second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/wasm/platform.h"
#include "../../src/wat/wat.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One read of a script: tokens, then each (module ...) assembled. */
static int read_script(const char *text, size_t len)
{
    wat_ctx c = {0};
    ox_error *err = wat_lex(&c, text, len);
    int modules = 0;
    if (err) {
        ox_error_free(err);
        wat_ctx_free(&c);
        return -1;
    }
    for (size_t i = 0; c.toks[i].kind != WT_EOF; i++) {
        if (c.toks[i].kind != WT_LPAR || !wat_is_kw(&c, &c.toks[i + 1], "module"))
            continue;
        size_t mark = c.nallocs;
        c.pos = i;
        if (setjmp(c.fail)) {
            ox_error_free(c.err); /* quote modules, features not there yet */
            c.err = NULL;
        } else {
            wat_buf out = {.slot = -1};
            wat_module(&c, false, &out);
            modules++;
        }
        wat_release(&c, mark);
    }
    wat_ctx_free(&c);
    return modules;
}

static int read_once(const char *text, size_t len, bool script)
{
    if (script)
        return read_script(text, len);
    uint8_t *bin;
    size_t n;
    ox_error *err = ox_wat_to_wasm(text, len, &bin, &n);
    if (err) {
        fprintf(stderr, "%s\n", ox_error_message(err));
        ox_error_free(err);
        return -1;
    }
    free(bin);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ox_bench_wat FILE.wat|FILE.wast...\n");
        return 2;
    }
    printf("%-28s %10s %8s %10s\n", "file", "bytes", "modules", "MB/s");
    for (int a = 1; a < argc; a++) {
        size_t len;
        uint8_t *bytes;
        ox_error *err = ox_read_file(argv[a], &bytes, &len);
        if (err) {
            fprintf(stderr, "%s\n", ox_error_message(err));
            return 1;
        }
        char *text = (char *)bytes;
        size_t n = strlen(argv[a]);
        bool script = n > 5 && !strcmp(argv[a] + n - 5, ".wast");
        int modules = read_once(text, len, script);
        if (modules < 0) {
            fprintf(stderr, "%s does not read\n", argv[a]);
            return 1;
        }
        double best = 1e30;
        for (int round = 0; round < 5; round++) {
            int reps = 0;
            double t0 = now(), t;
            do {
                read_once(text, len, script);
                reps++;
                t = now() - t0;
            } while (t < 0.5);
            if (t / reps < best)
                best = t / reps;
        }
        const char *base = strrchr(argv[a], '/');
        printf("%-28s %10zu %8d %10.1f\n", base ? base + 1 : argv[a], len, modules,
               (double)len / best / 1e6);
        free(text);
    }
    return 0;
}
