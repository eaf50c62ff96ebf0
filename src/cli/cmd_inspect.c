/*
 * cmd_inspect.c — `oxide inspect FILE.wasm`: a module's imports and exports;
 * with --wat, the module in the text format; with --code, the engine's
 * compiled code of its functions.
 *
 * One line per import, then one per export, in the module's order:
 *   import func env.f (i32, i64) -> (f32)
 *   import memory env.mem 1.. pages
 *   export func "add" (i32, i32) -> (i32)
 *   export table "tab" funcref 2..10
 *   export global "g" mut i64
 * The format is stable so scripts and tests can compare it. Loading also
 * validates the module, so a malformed or invalid file is reported here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_call.h"
#include "cli_util.h"
#include "commands.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: oxide inspect FILE.wasm\n"
            "       oxide inspect --wat FILE.wasm\n"
            "       oxide inspect --code [--no-fusion] FILE.wasm [FUNC]\n"
            "\n"
            "Decode and validate a WebAssembly module and print its imports and exports\n"
            "with their types, one per line:\n"
            "  import func env.f (i32, i64) -> (f32)\n"
            "  export memory \"mem\" 1..2 pages\n"
            "Limits without a maximum print as 'MIN..'.\n"
            "\n"
            "--wat prints the module in the WebAssembly text format (function names\n"
            "from the name section; other custom sections are left out). `oxide\n"
            "wat2wasm` reads it back.\n"
            "\n"
            "FILE may be binary (.wasm) or text (.wat): the content decides.\n"
            "\n"
            "--code prints what the engine compiled each function to (or only FUNC: an\n"
            "index, an export name, or a $name from the name section): one internal op\n"
            "a line, fused ops by their name, with operands (pN params, lN locals,\n"
            "kN=V pooled constants, tN stack slots, ->C branch targets). --no-fusion\n"
            "compiles without superinstructions. The format follows the engine's\n"
            "internals and may change. Nothing is executed.\n"
            "\n"
            "\n" CLI_EXIT_HELP);
}

/* FUNC: a number, an exported function's name, or $name from the name
   section. UINT32_MAX when there is none. */
static uint32_t find_func(const ox_module *m, const char *spec)
{
    char *end;
    unsigned long v = strtoul(spec, &end, 10);
    if (*spec >= '0' && *spec <= '9' && !*end)
        return v < ox_module_func_count(m) ? (uint32_t)v : UINT32_MAX;
    if (spec[0] == '$') {
        for (uint32_t f = 0; f < ox_module_func_count(m); f++) {
            const char *n = ox_module_func_name(m, f);
            if (n && !strcmp(n, spec + 1))
                return f;
        }
        return UINT32_MAX;
    }
    for (size_t i = 0; i < ox_module_export_count(m); i++) {
        const char *name;
        size_t len;
        ox_externtype t;
        ox_module_export(m, i, &name, &len, &t);
        if (t.kind == OX_EXTERN_FUNC && len == strlen(spec) && !memcmp(name, spec, len))
            return ox_module_export_index(m, i);
    }
    return UINT32_MAX;
}

/* --code: every defined function, or the one named. */
static int print_code(const ox_module *m, const char *path, const char *func)
{
    uint32_t from = 0, to = ox_module_func_count(m);
    if (func) {
        from = find_func(m, func);
        if (from == UINT32_MAX) {
            fprintf(stderr, "oxide inspect: %s: no function '%s'\n", path, func);
            return 2;
        }
        to = from + 1;
    }
    int rc = 0;
    for (uint32_t f = from; f < to; f++) {
        ox_error *err = ox_module_print_code(m, f, stdout);
        if (err && (func || ox_error_code(err) != OX_ERR_NOTFOUND))
            rc = cli_fail("inspect", path, err);
        else
            ox_error_free(err);
    }
    return rc;
}

/* Print a name escaped; names may be long, so size the buffer by them. */
static void print_name(const char *name, size_t len)
{
    size_t cap = len * 3 + 1;
    char *buf = malloc(cap);
    if (!buf) {
        fputs("?", stdout);
        return;
    }
    cli_format_name(name, len, buf, cap);
    fputs(buf, stdout);
    free(buf);
}

int cmd_inspect(int argc, char **argv)
{
    bool code = false, no_fusion = false, wat = false;
    const char *args[2];
    int nargs = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--code")) {
            code = true;
        } else if (!strcmp(argv[i], "--wat")) {
            wat = true;
        } else if (!strcmp(argv[i], "--no-fusion")) {
            no_fusion = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "oxide inspect: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (nargs < 2) {
            args[nargs++] = argv[i];
        } else {
            nargs = 3;
        }
    }
    if (nargs < 1 || nargs > (code ? 2 : 1) || (no_fusion && !code) || (wat && code)) {
        usage(stderr);
        return 2;
    }
    const char *path = args[0];

    ox_engine *engine = NULL;
    ox_module *m = NULL;
    ox_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.disable_fusion = no_fusion;
    ox_error *err = ox_engine_new(&cfg, &engine);
    if (!err)
        err = ox_module_load_file(engine, path, &m);
    if (err) {
        int status = cli_fail("inspect", path, err);
        ox_engine_free(engine);
        return status;
    }

    if (wat) {
        err = ox_module_print_wat(m, stdout);
        ox_module_free(m);
        ox_engine_free(engine);
        return err ? cli_fail("inspect", path, err) : 0;
    }
    if (code) {
        int rc = print_code(m, path, nargs == 2 ? args[1] : NULL);
        ox_module_free(m);
        ox_engine_free(engine);
        return rc;
    }

    char type[1024];
    for (size_t i = 0; i < ox_module_import_count(m); i++) {
        const char *mod, *name;
        ox_externtype t;
        ox_module_import(m, i, &mod, &name, &t);
        cli_format_externtype(&t, type, sizeof type);
        /* "func env.f (i32) -> ()": the kind, then the name, then the rest */
        const char *rest = strchr(type, ' ');
        printf("import %.*s ", (int)(rest ? rest - type : (long)strlen(type)), type);
        print_name(mod, strlen(mod));
        fputs(".", stdout);
        print_name(name, strlen(name));
        printf("%s\n", rest ? rest : "");
    }
    for (size_t i = 0; i < ox_module_export_count(m); i++) {
        const char *name;
        size_t len;
        ox_externtype t;
        ox_module_export(m, i, &name, &len, &t);
        cli_format_externtype(&t, type, sizeof type);
        const char *rest = strchr(type, ' ');
        printf("export %.*s \"", (int)(rest ? rest - type : (long)strlen(type)), type);
        print_name(name, len);
        printf("\"%s\n", rest ? rest : "");
    }

    ox_module_free(m);
    ox_engine_free(engine);
    return 0;
}
