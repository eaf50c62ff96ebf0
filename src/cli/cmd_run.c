/* cmd_run.c — `oxide run`: run a wasm32-wasi command (or one export of it)
   with WASI, sandboxed to the directories given on the command line.

   Options live in one table (name, metavariable, help, handler), so a new
   option is one row and one small function; the help text is generated from
   the same table and cannot drift from what is accepted.

   Exit status: the program's proc_exit code; 0 when _start (or the invoked
   export) returns; otherwise the table of cli_call.h (134 after a trap,
   with the trap message and function on stderr; 124 when a limit stops
   it; 3 when the module cannot be loaded or linked; 2 for a usage error). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_call.h"
#include "cli_limits.h"
#include "cli_util.h"
#include "commands.h"
#include "oxide/wasi.h"
#include "oxide/wasm.h"

#define EXIT_USAGE CLI_EXIT_USAGE

typedef struct run_opts {
    ox_wasi_preopen *dirs;
    size_t ndirs;
    const char **env;
    size_t nenv;
    const char *invoke;   /* export to call instead of _start, or NULL */
    cli_limits limits;    /* --max-memory, --fuel, --timeout */
} run_opts;

typedef struct run_option {
    const char *name;     /* "--dir" */
    const char *metavar;  /* NULL: takes no value */
    const char *help;
    /* Apply the option; on a bad value print why and return false. */
    bool (*apply)(run_opts *o, const char *value);
} run_option;

static bool add_dir(run_opts *o, const char *spec, bool read_only)
{
    ox_wasi_preopen *d = realloc(o->dirs, (o->ndirs + 1) * sizeof *d);
    if (!d) {
        fprintf(stderr, "oxide run: out of memory\n");
        return false;
    }
    o->dirs = d;
    /* HOST::GUEST; without "::" the guest sees the host path unchanged. */
    const char *sep = strstr(spec, "::");
    char *host = sep ? strndup(spec, (size_t)(sep - spec)) : strdup(spec);
    const char *guest = sep ? sep + 2 : spec;
    if (!host || !*host || !*guest) {
        fprintf(stderr, "oxide run: --dir%s '%s': expected HOST or HOST::GUEST\n",
                read_only ? "-ro" : "", spec);
        free(host);
        return false;
    }
    d[o->ndirs++] = (ox_wasi_preopen){.host_path = host, .guest_path = guest,
                                      .read_only = read_only};
    return true;
}

static bool opt_dir(run_opts *o, const char *v) { return add_dir(o, v, false); }
static bool opt_dir_ro(run_opts *o, const char *v) { return add_dir(o, v, true); }

static bool opt_env(run_opts *o, const char *v)
{
    const char *eq = strchr(v, '=');
    if (!eq || eq == v) {
        fprintf(stderr, "oxide run: --env '%s': expected NAME=VALUE\n", v);
        return false;
    }
    const char **e = realloc(o->env, (o->nenv + 1) * sizeof *e);
    if (!e) {
        fprintf(stderr, "oxide run: out of memory\n");
        return false;
    }
    o->env = e;
    e[o->nenv++] = v;
    return true;
}

static bool opt_invoke(run_opts *o, const char *v)
{
    o->invoke = v;
    return true;
}

static const run_option options[] = {
    {"--dir", "HOST[::GUEST]", "give the program the host directory HOST, seen as GUEST\n"
     "                          (default: the same path); repeatable", opt_dir},
    {"--dir-ro", "HOST[::GUEST]", "the same, read-only: nothing in it can be created,\n"
     "                          written, renamed or deleted", opt_dir_ro},
    {"--env", "NAME=VALUE", "set an environment variable for the program; repeatable\n"
     "                          (the host environment is never passed through)", opt_env},
    {"--invoke", "FUNC", "call export FUNC instead of _start; ARGS are its typed\n"
     "                          parameters and its results are printed one per line", opt_invoke},
};
#define NOPTIONS (sizeof options / sizeof options[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: oxide run [OPTIONS] [--] PROGRAM.wasm [ARGS...]\n\n"
               "Run a WebAssembly program compiled for WASI (wasm32-wasi). It sees only the\n"
               "directories granted with --dir/--dir-ro and the variables given with --env;\n"
               "stdin, stdout and stderr are connected.\n\noptions:\n");
    for (size_t i = 0; i < NOPTIONS; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s %s", options[i].name,
                 options[i].metavar ? options[i].metavar : "");
        fprintf(f, "  %-24s%s\n", head, options[i].help);
    }
    fputs(CLI_LIMITS_HELP, f);
    fprintf(f, "  %-24s%s\n", "-h, --help", "show this help");
    fprintf(f, "\nThe program's proc_exit code is the exit status; when it returns, 0; else\n"
               CLI_EXIT_HELP);
}

/* Parse options up to PROGRAM; *first gets the index of PROGRAM. Returns
   -1 to go on, else the exit status. */
static int parse(int argc, char **argv, run_opts *o, int *first)
{
    int i = 1;
    while (i < argc) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (a[0] != '-' || a[1] == 0)
            break;
        int lim = cli_limits_parse("run", argc, argv, &i, &o->limits);
        if (lim < 0)
            return EXIT_USAGE;
        if (lim > 0)
            continue;
        const run_option *opt = NULL;
        const char *value = NULL;
        for (size_t k = 0; k < NOPTIONS && !opt; k++) {
            size_t n = strlen(options[k].name);
            if (!strncmp(a, options[k].name, n) && (a[n] == 0 || a[n] == '=')) {
                opt = &options[k];
                value = a[n] == '=' ? a + n + 1 : NULL;
            }
        }
        if (!opt) {
            fprintf(stderr, "oxide run: unknown option '%s' (see 'oxide run --help')\n", a);
            return EXIT_USAGE;
        }
        i++;
        if (opt->metavar && !value) {
            if (i >= argc) {
                fprintf(stderr, "oxide run: %s needs a value %s\n", opt->name, opt->metavar);
                return EXIT_USAGE;
            }
            value = argv[i++];
        }
        if (!opt->apply(o, value))
            return EXIT_USAGE;
    }
    if (i >= argc) {
        fprintf(stderr, "oxide run: no PROGRAM.wasm given (see 'oxide run --help')\n");
        return EXIT_USAGE;
    }
    *first = i;
    return -1;
}

/* --invoke: a reactor's initialisation runs before any of its exports;
   then the export, through the one call path (cli_call.c). */
static int invoke(ox_instance *inst, const char *name, int nargs, char **args)
{
    ox_extern init;
    if (ox_instance_export(inst, "_initialize", &init) && init.kind == OX_EXTERN_FUNC) {
        ox_error *e = ox_func_call(init.of.func, NULL, 0, NULL, 0);
        if (e)
            return cli_fail("run", "_initialize", e);
    }
    return cli_call("run", inst, name, nargs, args);
}

static int run(const run_opts *o, int argc, char **argv)
{
    const char *program = argv[0];
    ox_engine *engine = NULL;
    ox_module *module = NULL;
    ox_store *store = NULL;
    ox_linker *linker = NULL;
    ox_wasi *wasi = NULL;
    ox_instance *inst = NULL;
    char cache[4096];
    ox_config cfg = {.max_memory_pages = o->limits.max_memory_pages,
                     .tier = (ox_tier)o->limits.tier,
                     .jit_cache_dir = cli_cache_dir(&o->limits, cache, sizeof cache)};
    ox_error *e = ox_engine_new(&cfg, &engine);
    if (!e)
        e = ox_module_load_file(engine, program, &module);
    if (!e)
        e = ox_store_new(engine, &store);
    if (!e) {
        /* One fuel budget for the whole run, start function included; the
           deadline applies to each outermost call. */
        ox_store_set_fuel(store, o->limits.fuel);
        ox_store_set_timeout(store, o->limits.timeout_ms);
        e = ox_linker_new(&linker);
    }
    if (!e) {
        ox_wasi_config cfg;
        ox_wasi_config_init(&cfg);
        cfg.argc = (size_t)argc;
        cfg.argv = (const char *const *)argv;
        cfg.envc = o->nenv;
        cfg.env = o->env;
        cfg.npreopens = o->ndirs;
        cfg.preopens = o->dirs;
        e = ox_wasi_new(&cfg, &wasi);
    }
    if (!e)
        e = ox_wasi_define(wasi, linker, store);
    if (!e)
        e = ox_linker_instantiate(linker, store, module, &inst);
    int status;
    if (!e && o->invoke) {
        status = invoke(inst, o->invoke, argc - 1, argv + 1);
    } else {
        ox_extern start;
        if (!e && (!ox_instance_export(inst, "_start", &start) || start.kind != OX_EXTERN_FUNC))
            e = ox_error_new(OX_ERR_NOTFOUND,
                             "no _start function: not a WASI command (use --invoke FUNC)");
        else if (!e)
            e = ox_func_call(start.of.func, NULL, 0, NULL, 0);
        status = e ? cli_fail("run", program, e) : CLI_EXIT_OK;
    }
    fflush(stdout);
    cli_warn_uncompiled("run", program, module);
    ox_store_free(store);
    ox_wasi_free(wasi);
    ox_linker_free(linker);
    ox_module_free(module);
    return cli_engine_free(engine, o->limits.tier, status);
}

int cmd_run(int argc, char **argv)
{
    run_opts o;
    memset(&o, 0, sizeof o);
    cli_limits_init(&o.limits);
    int first = 0;
    int status = parse(argc, argv, &o, &first);
    /* A program writing to a closed pipe gets EPIPE from fd_write and
       decides what to do, as under other WASI runtimes, instead of the
       signal killing the runtime around it. */
    if (status < 0)
        signal(SIGPIPE, SIG_IGN);
    if (status < 0)
        status = run(&o, argc - first, argv + first);
    for (size_t i = 0; i < o.ndirs; i++)
        free((char *)o.dirs[i].host_path);
    free(o.dirs);
    free(o.env);
    return status;
}
