/*
 * wast.h — running WebAssembly spec scripts (.wast), for `oxide wast`.
 *
 * A script is a list of commands over one store: modules (text, binary,
 * quoted; named; `module definition`/`module instance`), `register`,
 * `invoke`/`get`, and the assertions. The runner reads the script with the
 * engine's own text reader (src/wat/) and runs it through the public
 * embedding API, so a script checks the engine as embedders see it.
 */
#ifndef OX_WAST_H
#define OX_WAST_H

#include <stdbool.h>
#include <stdio.h>

#include "oxide/wasm.h"

typedef struct oxw_options {
    bool no_fusion;      /* compile without superinstructions */
    bool osr_test;       /* tier jit, testing OSR (ox_config.jit_osr_test) */
    int tier;            /* ox_tier */
    bool verbose;        /* every command, and spectest.print output */
    unsigned timeout_ms; /* per invocation (deadline); 0 = none */
    bool round_trip;     /* also print every module that loads and read it
                            back: text modules must give the same binary,
                            binary ones the same text */
    /* Commands a later version of the spec superseded, skipped (counted as
       such): "NAME.wast:LINE", NAME the script's file name. */
    const char *const *superseded;
    size_t nsuperseded;
} oxw_options;

typedef struct oxw_counts {
    unsigned passed, failed, skipped;
} oxw_counts;

/* Run the script in `path`; each failing command is one line on `out`
   (NULL: none): "FILE:LINE: command: why". Counts are added to *counts. A script that
   cannot be read or whose text is broken beyond one command counts one
   failure for what could not be run. */
void oxw_run_file(const char *path, const oxw_options *opt, FILE *out, oxw_counts *counts);

/* The same on a script in memory; `name` is used in messages. */
void oxw_run_text(const char *name, const char *text, size_t len, const oxw_options *opt,
                  FILE *out, oxw_counts *counts);

#endif
