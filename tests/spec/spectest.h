/*
 * spectest.h — the spec-test runner's parts (tests/spec/).
 *
 * ox_spectest reads the JSON command scripts that wabt's wast2json makes of
 * the official .wast files and runs every command against the Oxide engine
 * through its public API only (oxide/wasm.h).
 *
 *   values.c          JSON values -> ox_val, and matching results to the
 *                     expected values (exact float bits, NaN patterns)
 *   host.c            the `spectest` host module every script may import
 *   known_failures.c  tests/spec/known-failures.txt
 *   watchdog.c        interrupts a command that runs too long
 *   script.c          runs one JSON script and counts the outcomes
 *   main.c            command line, wast2json conversion, totals
 */
#ifndef OX_SPECTEST_H
#define OX_SPECTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>
#include <pthread.h>
#include <time.h>

#include "oxide/wasm.h"

/* ---- Outcome counters ------------------------------------------------- */

typedef struct st_counts {
    unsigned passed;
    unsigned failed;        /* failures not listed in known-failures.txt */
    unsigned known;         /* failures that are listed (do not fail the test) */
    unsigned skipped_text;  /* text-format modules: a binary engine cannot check them */
    unsigned msg_differs;   /* rejected as expected, but with another message (information) */
} st_counts;

void st_counts_add(st_counts *into, const st_counts *c);

/* ---- Values (values.c) ------------------------------------------------ */

/* Maximum results/arguments a script command carries; the suite uses < 20. */
#define ST_MAX_VALS 64

/* One expected value: a concrete value or a pattern. */
typedef enum st_pattern {
    ST_EXACT = 0,
    ST_NAN_CANONICAL,
    ST_NAN_ARITHMETIC,
    ST_ANY_NONNULL_REF, /* {"type": "funcref"} with no value: any non-null reference */
} st_pattern;

typedef struct st_expect {
    ox_val val;            /* type and, for ST_EXACT, the bits */
    st_pattern pattern;    /* for scalars */
    unsigned lane_bytes;   /* v128 only: 1, 2, 4 or 8 */
    bool lane_float;       /* v128 only: f32x4 / f64x2 lanes */
    st_pattern lanes[16];  /* v128 float lanes may be NaN patterns */
} st_expect;

/* Turn a JSON argument into a value. Returns false and writes why into `why`. */
bool st_parse_arg(json_t *j, ox_val *out, char *why, size_t whylen);
/* Parse an expected value. */
bool st_parse_expect(json_t *j, st_expect *out, char *why, size_t whylen);
/* Does `got` match? Its type is the one `e` expects (from the signature). */
bool st_match(const st_expect *e, const ox_val *got);
/* Print a value / an expectation for failure messages. */
void st_format_val(const ox_val *v, char *buf, size_t len);
void st_format_expect(const st_expect *e, char *buf, size_t len);

/* ---- The spectest host module (host.c) ---------------------------------- */

/* Define spectest.print*, global_*, table and memory in `linker`, creating
   the objects in `store`. `verbose` makes print* write their arguments. */
ox_error *st_define_spectest(ox_linker *linker, ox_store *store, bool verbose);

/* ---- Known failures (known_failures.c) ---------------------------------- */

typedef struct st_known st_known;

/* Load `path`; an absent file is an empty list. On a malformed line returns
   NULL and writes why into `why`. The caller frees with st_known_free(). */
st_known *st_known_load(const char *path, char *why, size_t whylen);
void st_known_free(st_known *k);
/* Is (wast file name, line) listed? Marks it as "seen failing". */
bool st_known_failing(st_known *k, const char *wast, int line);
/* Record that a command at (wast, line) passed; used to find stale entries. */
void st_known_passed(st_known *k, const char *wast, int line);
/* Print a note for each listed entry of `wast` that no longer fails.
   Returns how many. */
unsigned st_known_report_stale(st_known *k, const char *wast, FILE *out);

/* ---- Watchdog (watchdog.c) --------------------------------------------- */

/* Owned by the script that runs the store; fields are private to watchdog.c. */
typedef struct st_watchdog {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ox_store *store;
    unsigned seconds;
    struct timespec deadline;
    bool running, stop, armed, fired;
} st_watchdog;

/* seconds == 0 disables it. False if the thread cannot be started. */
bool st_watchdog_start(st_watchdog *w, ox_store *store, unsigned seconds);
/* Around each call into the engine: arm starts the clock, disarm stops it
   and says whether the store was interrupted meanwhile. */
void st_watchdog_arm(st_watchdog *w);
bool st_watchdog_disarm(st_watchdog *w);
void st_watchdog_stop(st_watchdog *w);

/* ---- Running a script (script.c) ---------------------------------------- */

typedef struct st_options {
    bool verbose;
    unsigned command_timeout; /* seconds per engine call; 0 = none */
    bool no_fusion;           /* compile without superinstructions */
    st_known *known;          /* may be NULL */
} st_options;

/* Run every command of the wast2json script at `json_path` (its .wasm files
   sit beside it). `wast_name` ("i32.wast") names the file in messages and
   in the known-failures list. Failures print "FILE:LINE: why" to stdout.
   Returns false only when the script itself could not be read. */
bool st_run_script(const char *json_path, const char *wast_name, const st_options *opt,
                   st_counts *counts);

#endif
