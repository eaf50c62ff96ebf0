/*
 * cmd_invoke.c — `oxide invoke FILE.wasm FUNC [ARGS...]`.
 *
 * Instantiates a self-contained module (no imports are provided: a module
 * that needs any is refused with the imports named), calls one exported
 * function with arguments read by its parameter types, and prints the
 * results one per line in the format of cli_util.h, so they read back.
 *
 * Exit: 0 ok, 1 the call (or the start function) trapped or failed,
 * 2 usage, unreadable/invalid module, unknown export or bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_limits.h"
#include "cli_util.h"
#include "commands.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: oxide invoke [OPTIONS] FILE.wasm FUNC [ARGS...]\n"
            "\n"
            "Instantiate a module that has no imports, call its exported function FUNC and\n"
            "print each result on its own line.\n"
            "\n"
            "Arguments are read by the function's parameter types:\n"
            "  i32, i64   decimal (-5, 4294967295) or hex (0xff, -0x10)\n"
            "  f32, f64   decimal (1.5, -0, 1e10), hex float (0x1.8p1), inf, -inf,\n"
            "             nan, -nan, nan:0xPAYLOAD\n"
            "  refs       null\n"
            "  v128       v128:0x and up to 32 hex digits (little-endian number)\n"
            "Results print the same way; floats with the fewest digits that read back\n"
            "to the same bits, NaNs as nan (canonical) or nan:0xPAYLOAD.\n"
            "\n"
            "Exit status: 0 ok, 1 trap, 2 usage or bad module, export or argument.\n"
            "Use -- before FUNC or the arguments if one starts with '--'.\n"
            "\n"
            "options (before FILE.wasm):\n" CLI_LIMITS_HELP);
}

static void print_types(FILE *f, const ox_functype *t)
{
    char buf[512];
    cli_format_functype(t, buf, sizeof buf);
    fputs(buf, f);
}

/* A module with imports cannot be instantiated here: say which ones. */
static bool check_no_imports(const ox_module *m, const char *path)
{
    size_t n = ox_module_import_count(m);
    if (!n)
        return true;
    fprintf(stderr, "oxide invoke: %s: cannot instantiate: %zu unresolved import%s "
            "(invoke provides none):\n", path, n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const char *mod, *name;
        ox_externtype t;
        char type[1024];
        char emod[256], ename[256];
        ox_module_import(m, i, &mod, &name, &t);
        cli_format_externtype(&t, type, sizeof type);
        cli_format_name(mod, strlen(mod), emod, sizeof emod);
        cli_format_name(name, strlen(name), ename, sizeof ename);
        fprintf(stderr, "  import %s.%s: %s\n", emod, ename, type);
    }
    return false;
}

/* Find FUNC among the exports; on failure list the function exports. */
static ox_func *find_func(const ox_instance *inst, const char *path, const char *fname)
{
    ox_extern ext;
    if (ox_instance_export(inst, fname, &ext) && ext.kind == OX_EXTERN_FUNC)
        return ext.of.func;
    if (ox_instance_export(inst, fname, &ext))
        fprintf(stderr, "oxide invoke: %s: export \"%s\" is a %s, not a function\n", path,
                fname, ox_extern_kind_name(ext.kind));
    else
        fprintf(stderr, "oxide invoke: %s: no export named \"%s\"", path, fname);
    size_t shown = 0;
    for (size_t i = 0; i < ox_instance_export_count(inst); i++) {
        const char *name;
        size_t len;
        char ename[256];
        ox_instance_export_at(inst, i, &name, &len, &ext);
        if (ext.kind != OX_EXTERN_FUNC)
            continue;
        cli_format_name(name, len, ename, sizeof ename);
        fprintf(stderr, "%s\"%s\"", shown++ ? ", " : "; exported functions: ", ename);
    }
    fprintf(stderr, "%s\n", shown ? "" : "; it exports no functions");
    return NULL;
}

int cmd_invoke(int argc, char **argv)
{
    int i = 1;
    if (i < argc && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
        usage(stdout);
        return 0;
    }
    /* Limits come before FILE, so an argument like "--fuel" after it is
       still an argument. */
    cli_limits lim = {0};
    for (;;) {
        if (i >= argc)
            break;
        int r = cli_limits_parse("invoke", argc, argv, &i, &lim);
        if (r < 0)
            return 2;
        if (r == 0)
            break;
    }
    /* Positional: FILE FUNC ARGS...; "--" may separate them, and "-5" is a
       number, not an option, so nothing else is parsed as one. */
    const char *pos[2];
    int npos = 0;
    while (i < argc && npos < 2) {
        if (!strcmp(argv[i], "--")) {
            i++;
            continue;
        }
        pos[npos++] = argv[i++];
    }
    if (i < argc && !strcmp(argv[i], "--"))
        i++;
    if (npos < 2) {
        usage(stderr);
        return 2;
    }
    const char *path = pos[0], *fname = pos[1];
    int nargs = argc - i;
    char **args = argv + i;

    int status = 2;
    ox_engine *engine = NULL;
    ox_module *m = NULL;
    ox_store *store = NULL;
    ox_instance *inst = NULL;
    ox_val *vals = NULL, *results = NULL;
    ox_config cfg = {.max_memory_pages = lim.max_memory_pages};
    ox_error *err = ox_engine_new(&cfg, &engine);
    if (!err)
        err = ox_module_load_file(engine, path, &m);
    if (err) {
        fprintf(stderr, "oxide invoke: %s: %s\n", path, ox_error_message(err));
        goto out;
    }
    if (!check_no_imports(m, path))
        goto out;
    if ((err = ox_store_new(engine, &store)))
        goto report;
    /* One budget for the start function and the call together. */
    ox_store_set_fuel(store, lim.fuel);
    ox_store_set_timeout(store, lim.timeout_ms);
    if ((err = ox_instance_new(store, m, NULL, 0, &inst))) {
        /* A trap in the start function or a segment: the module ran. */
        if (ox_error_code(err) == OX_ERR_TRAP)
            status = 1;
        fprintf(stderr, "oxide invoke: %s: instantiation failed: %s\n", path,
                ox_error_message(err));
        goto out;
    }

    ox_func *f = find_func(inst, path, fname);
    if (!f)
        goto out;
    const ox_functype *ft = ox_func_type(f);
    if ((uint32_t)nargs != ft->nparams) {
        fprintf(stderr, "oxide invoke: %s takes %u argument%s ", fname, ft->nparams,
                ft->nparams == 1 ? "" : "s");
        print_types(stderr, ft);
        fprintf(stderr, ", got %d\n", nargs);
        goto out;
    }
    vals = calloc(ft->nparams + 1, sizeof *vals);
    results = calloc(ft->nresults + 1, sizeof *results);
    if (!vals || !results) {
        fprintf(stderr, "oxide invoke: out of memory\n");
        goto out;
    }
    for (uint32_t a = 0; a < ft->nparams; a++) {
        if ((err = cli_parse_val(args[a], ft->params[a], &vals[a]))) {
            fprintf(stderr, "oxide invoke: argument %u of %s: %s\n", a + 1, fname,
                    ox_error_message(err));
            goto out;
        }
    }
    for (uint32_t r = 0; r < ft->nresults; r++)
        results[r].type = ft->results[r];

    if ((err = ox_func_call(f, vals, ft->nparams, results, ft->nresults))) {
        fprintf(stderr, "oxide invoke: %s: %s\n", fname, ox_error_message(err));
        status = 1;
        goto out;
    }
    for (uint32_t r = 0; r < ft->nresults; r++) {
        char buf[128];
        results[r].type = ft->results[r]; /* print by the declared type */
        cli_format_val(&results[r], buf, sizeof buf);
        printf("%s\n", buf);
    }
    status = 0;
    goto out;

report:
    fprintf(stderr, "oxide invoke: %s\n", ox_error_message(err));
out:
    ox_error_free(err);
    free(vals);
    free(results);
    if (store)
        ox_store_free(store);
    if (m)
        ox_module_free(m);
    if (engine)
        ox_engine_free(engine);
    return status;
}
