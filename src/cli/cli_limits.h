/*
 * cli_limits.h — the resource-limit options shared by `oxide run`,
 * `oxide invoke`, `oxide call` and `oxide call-json`:
 *
 *   --max-memory BYTES   linear memory per memory; K/M/G suffixes (powers
 *                        of 1024); rounded down to whole 64 KiB pages
 *   --fuel N             instruction budget (one unit per WebAssembly
 *                        instruction, charged per call and loop iteration);
 *                        running out traps "fuel exhausted"
 *   --timeout MS         wall-clock limit per call; traps "deadline exceeded"
 *
 *   --tier interp|jit|auto  which tier runs the code (ox_config.tier)
 *   --cache-dir DIR, --no-cache   where compiled code is kept (--tier jit)
 *
 * Each takes its value as the next argument or after '='. A bad value is a
 * usage error whose message names the option and the value.
 */
#ifndef OX_CLI_LIMITS_H
#define OX_CLI_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cli_limits {
    uint32_t max_memory_pages; /* 0: no limit given */
    uint64_t fuel;             /* 0: unmetered */
    uint64_t timeout_ms;       /* 0: no deadline */
    int tier;                  /* ox_tier: --tier interp|jit|auto */
    const char *cache_dir;     /* --cache-dir DIR */
    bool no_cache;             /* --no-cache */
} cli_limits;

/* Help lines for the three options, each indented two spaces and padded to
   the given column, ending in a newline. */
#define CLI_LIMITS_HELP                                                                   \
    "  --max-memory BYTES      cap each linear memory (K/M/G suffixes; rounded down to\n" \
    "                          whole 64 KiB pages): memory.grow past it returns -1 and a\n" \
    "                          module whose minimum is larger does not instantiate\n"    \
    "  --fuel N                instruction budget: one unit per WebAssembly instruction\n" \
    "                          (charged per call and loop iteration for the code they\n" \
    "                          run); when spent the call traps \"fuel exhausted\"\n"       \
    "  --timeout MS            each call traps \"deadline exceeded\" after MS milliseconds\n" \
    "  --tier interp|jit|auto  start interpreted and compile what keeps running to\n"  \
    "                          machine code in the background (auto, the default;\n"  \
    "                          without LLVM in the build: the interpreter alone); run\n" \
    "                          in the interpreter alone (interp); or compile every\n"   \
    "                          function it can first (jit, builds with LLVM)\n"         \
    "  --cache-dir DIR         keep compiled code in DIR (jit and auto; default\n"     \
    "                          $XDG_CACHE_HOME/oxide, else ~/.cache/oxide)\n"          \
    "  --no-cache              compile every time, keep nothing\n"

/* The options' defaults: no limits, the auto tier, the default cache. */
void cli_limits_init(cli_limits *l);

/* If argv[*i] is one of the options above, consume it (and its value),
   record it in *l and return 1; return 0 if it is not one of them; on a bad
   or missing value print "oxide CMD: ..." to stderr and return -1. */
int cli_limits_parse(const char *cmd, int argc, char **argv, int *i, cli_limits *l);

/* The directory for compiled code the options ask for: --cache-dir, none
   with --no-cache, else $XDG_CACHE_HOME/oxide or $HOME/.cache/oxide (NULL
   when neither is set), written into buf when it is a default. */
const char *cli_cache_dir(const cli_limits *l, char *buf, size_t n);

/* The end of a command's engine; returns status. With the auto tier the
   process exits here with status, without waiting for a compilation the
   background thread has under way (ox_engine_free would): its work would
   only be thrown away. */
struct ox_engine;
struct ox_module;
int cli_engine_free(struct ox_engine *e, int tier, int status);
/* Under --tier auto: if compiling m in the background failed (it ran
   interpreted, slower), say so on stderr, naming path and the cause. */
void cli_warn_uncompiled(const char *cmd, const char *path, const struct ox_module *m);
/* The same for a command whose engine is inside something else (the
   kernel's executor): with the auto tier, exit with status now. */
void cli_exit_if_auto(int tier, int status);

/* "interp", "jit" or "auto" → *tier (ox_tier); false after printing why not
   ("oxide CMD: --tier ..."), e.g. jit in a build without LLVM. */
bool cli_parse_tier(const char *cmd, const char *v, int *tier);

/* "64K", "1M", "65536" → bytes. False (with *why set to a static reason)
   for an empty string, junk, a negative number or overflow. */
bool cli_parse_bytes(const char *s, uint64_t *out, const char **why);

#endif
