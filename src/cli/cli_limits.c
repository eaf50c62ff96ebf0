/* cli_limits.c — parsing of --max-memory, --fuel, --timeout and --tier (see
   cli_limits.h). Kept apart from the commands so that every command reads
   the same syntax and prints the same errors. */
#include "cli_limits.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oxide/wasm.h"

/* strtoull accepts a leading '-' (and wraps) and leading spaces: refuse both
   so "-1" is an error, not 2^64-1. */
static bool parse_u64(const char *s, uint64_t *out, char **end)
{
    if (!isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, end, 10);
    if (errno == ERANGE)
        return false;
    *out = v;
    return true;
}

bool cli_parse_bytes(const char *s, uint64_t *out, const char **why)
{
    char *end;
    uint64_t v;
    if (!parse_u64(s, &v, &end)) {
        *why = isdigit((unsigned char)s[0]) ? "too large" : "expected a number of bytes";
        return false;
    }
    unsigned shift = 0;
    switch (*end) {
    case 0: break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default:
        *why = "unknown suffix (use K, M or G)";
        return false;
    }
    if (*end) {
        *why = "unexpected text after the number (use K, M or G)";
        return false;
    }
    if (shift && v > (UINT64_MAX >> shift)) {
        *why = "too large";
        return false;
    }
    *out = v << shift;
    return true;
}

static bool set_memory(const char *cmd, const char *v, cli_limits *l)
{
    uint64_t bytes;
    const char *why;
    if (!cli_parse_bytes(v, &bytes, &why)) {
        fprintf(stderr, "oxide %s: --max-memory '%s': %s\n", cmd, v, why);
        return false;
    }
    uint64_t pages = bytes / OX_PAGE_SIZE;
    if (pages == 0) {
        /* 0 pages would mean "no limit" to the engine: the opposite of
           what a tiny value asks for. */
        fprintf(stderr, "oxide %s: --max-memory '%s': less than one 64 KiB page\n", cmd, v);
        return false;
    }
    /* 4 GiB is the most a 32-bit memory can hold anyway. */
    l->max_memory_pages = pages > 65536 ? 65536 : (uint32_t)pages;
    return true;
}

static bool set_count(const char *cmd, const char *opt, const char *v, uint64_t *out)
{
    char *end;
    uint64_t n;
    if (!parse_u64(v, &n, &end) || *end || n == 0) {
        fprintf(stderr, "oxide %s: %s '%s': expected a positive whole number%s\n", cmd, opt, v,
                !strcmp(opt, "--timeout") ? " of milliseconds" : "");
        return false;
    }
    *out = n;
    return true;
}

bool cli_parse_tier(const char *cmd, const char *v, int *tier)
{
    if (!strcmp(v, "interp")) {
        *tier = OX_TIER_INTERP;
    } else if (!strcmp(v, "auto")) {
        *tier = OX_TIER_AUTO; /* the interpreter alone in a build without LLVM */
    } else if (!strcmp(v, "jit")) {
        if (!ox_jit_available()) {
            fprintf(stderr, "oxide %s: --tier jit: this build has no compiling tier "
                            "(built without LLVM)\n", cmd);
            return false;
        }
        *tier = OX_TIER_JIT;
    } else {
        fprintf(stderr, "oxide %s: --tier '%s': expected interp, jit or auto\n", cmd, v);
        return false;
    }
    return true;
}

void cli_warn_uncompiled(const char *cmd, const char *path, const struct ox_module *m)
{
    const ox_error *why = m ? ox_module_jit_error(m) : NULL;
    if (why)
        fprintf(stderr, "oxide %s: warning: %s ran interpreted, compiling it failed: %s\n", cmd, path,
                ox_error_message(why));
}

void cli_exit_if_auto(int tier, int status)
{
    if (tier == OX_TIER_AUTO) {
        fflush(NULL);
        _exit(status);
    }
}

int cli_engine_free(ox_engine *e, int tier, int status)
{
    cli_exit_if_auto(tier, status);
    ox_engine_free(e);
    return status;
}

void cli_limits_init(cli_limits *l)
{
    memset(l, 0, sizeof *l);
    /* the interpreter's start-up, compiled code's speed for what runs
       long: 0.1 ms more for a hello-world (a thread, a cache lookup) */
    l->tier = OX_TIER_AUTO;
}

const char *cli_cache_dir(const cli_limits *l, char *buf, size_t len)
{
    if (l->no_cache)
        return NULL;
    if (l->cache_dir)
        return l->cache_dir;
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n = xdg && *xdg ? snprintf(buf, len, "%s/oxide", xdg)
            : home && *home ? snprintf(buf, len, "%s/.cache/oxide", home)
                            : -1;
    return n > 0 && (size_t)n < len ? buf : NULL;
}

int cli_limits_parse(const char *cmd, int argc, char **argv, int *i, cli_limits *l)
{
    static const char *const names[] = {"--max-memory", "--fuel", "--timeout", "--tier",
                                        "--cache-dir"};
    const char *a = argv[*i];
    if (!strcmp(a, "--no-cache")) {
        l->no_cache = true;
        (*i)++;
        return 1;
    }
    for (size_t k = 0; k < 5; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(a, names[k], n) || (a[n] && a[n] != '='))
            continue;
        const char *v = a[n] == '=' ? a + n + 1 : NULL;
        (*i)++;
        if (!v) {
            if (*i >= argc) {
                fprintf(stderr, "oxide %s: %s needs a value\n", cmd, names[k]);
                return -1;
            }
            v = argv[(*i)++];
        }
        bool ok = k == 0   ? set_memory(cmd, v, l)
                  : k == 1 ? set_count(cmd, names[k], v, &l->fuel)
                  : k == 2 ? set_count(cmd, names[k], v, &l->timeout_ms)
                  : k == 3 ? cli_parse_tier(cmd, v, &l->tier)
                           : (l->cache_dir = v, true);
        return ok ? 1 : -1;
    }
    return 0;
}
