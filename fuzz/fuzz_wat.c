/*
 * fuzz_wat.c — libFuzzer harness: the text format reader and printer.
 *
 * Any text must give a binary or an error naming LINE:COL: never a crash,
 * a hang or unbounded memory. Text that reads and validates must survive
 * the round trip: printed (ox_module_print_wat) and read back, it gives
 * the same binary bytes.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oxide/wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *bin = NULL;
    size_t n = 0;
    ox_error *err = ox_wat_to_wasm((const char *)data, size, &bin, &n);
    if (err) {
        const char *msg = ox_error_message(err);
        if (!msg[0] || ox_error_code(err) == OX_OK || bin)
            __builtin_trap();
        ox_error_free(err);
        return 0;
    }
    ox_engine *e = NULL;
    ox_module *m = NULL;
    if (!ox_engine_new(NULL, &e) && !(err = ox_module_new(e, bin, n, &m))) {
        char *text = NULL;
        size_t tlen = 0;
        FILE *f = open_memstream(&text, &tlen);
        if (f) {
            ox_error *perr = ox_module_print_wat(m, f);
            fclose(f);
            if (perr)
                __builtin_trap(); /* a loaded module always prints */
            uint8_t *back = NULL;
            size_t blen = 0;
            ox_error *rerr = ox_wat_to_wasm(text, tlen, &back, &blen);
            /* printed text reads back to the very same bytes */
            if (rerr || blen != n || memcmp(back, bin, n))
                __builtin_trap();
            free(back);
        }
        free(text);
        ox_module_free(m);
    }
    ox_error_free(err);
    ox_engine_free(e);
    free(bin);
    return 0;
}
