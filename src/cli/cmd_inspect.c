/*
 * cmd_inspect.c — `oxide inspect FILE.wasm`: a module's imports and exports.
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

#include "cli_util.h"
#include "commands.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: oxide inspect FILE.wasm\n"
            "\n"
            "Decode and validate a WebAssembly module and print its imports and exports\n"
            "with their types, one per line:\n"
            "  import func env.f (i32, i64) -> (f32)\n"
            "  export memory \"mem\" 1..2 pages\n"
            "Limits without a maximum print as 'MIN..'. Exit 0, or 2 when the file cannot\n"
            "be read or is not a valid module.\n");
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
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc != 2) {
        usage(stderr);
        return 2;
    }
    const char *path = argv[1];

    ox_engine *engine = NULL;
    ox_module *m = NULL;
    ox_error *err = ox_engine_new(NULL, &engine);
    if (!err)
        err = ox_module_load_file(engine, path, &m);
    if (err) {
        fprintf(stderr, "oxide inspect: %s: %s\n", path, ox_error_message(err));
        ox_error_free(err);
        ox_engine_free(engine);
        return 2;
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
