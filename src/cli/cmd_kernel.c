/* cmd_kernel.c — `oxide exports`, `oxide call`, `oxide call-json`: a Wasm
   module through the kernel's executor (oxide/kernel/executor.h).
   Exit status: 0 ok, 1 the call failed (trap, bad guest output, or a guest
   {"error": ...} answer), 2 usage, unreadable or invalid module, unknown
   export or bad arguments. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_limits.h"
#include "cli_util.h"
#include "commands.h"
#include "oxide/kernel/executor.h"

static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return true;
    return false;
}

/* Print the error as "oxide CMD: message", free it, return exit status 1. */
static int fail(const char *cmd, oxk_err *e)
{
    fprintf(stderr, "oxide %s: %s\n", cmd, oxk_err_message(e));
    oxk_err_free(e);
    return 1;
}

/* Consume leading --max-memory/--fuel/--timeout: argv is shifted so that
   argv[1] is the module again. Returns -1 on a bad option (printed). */
static int take_limits(const char *cmd, int *argc, char ***argv, cli_limits *l)
{
    int i = 1;
    for (;;) {
        if (i >= *argc)
            break;
        int r = cli_limits_parse(cmd, *argc, *argv, &i, l);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
    }
    /* Keep argv[0] (the command name) in front of what is left. */
    (*argv)[i - 1] = (*argv)[0];
    *argv += i - 1;
    *argc -= i - 1;
    return 0;
}

static oxk_executor *open_module(const char *cmd, const char *path, const cli_limits *l)
{
    oxk_executor *ex;
    ox_config cfg = {.max_memory_pages = l ? l->max_memory_pages : 0};
    oxk_executor_options opts = {.engine_config = &cfg,
                                .fuel = l ? l->fuel : 0,
                                .timeout_ms = l ? l->timeout_ms : 0};
    oxk_err *e = oxk_executor_from_path(path, &opts, &ex);
    if (e) {
        fail(cmd, e);
        return NULL;
    }
    return ex;
}

int cmd_exports(int argc, char **argv)
{
    if (wants_help(argc, argv) || argc != 2) {
        fprintf(argc == 2 ? stdout : stderr,
                "usage: oxide exports FILE.wasm\n"
                "List the module's exported functions, one per line, in export order.\n");
        return argc == 2 ? 0 : 2;
    }
    oxk_executor *ex = open_module(argv[0], argv[1], NULL);
    if (!ex)
        return 2;
    for (size_t i = 0; i < oxk_executor_export_count(ex); i++) {
        const char *n = oxk_executor_export_name(ex, i);
        char buf[1024];
        cli_format_name(n, strlen(n), buf, sizeof buf);
        printf("%s\n", buf);
    }
    oxk_executor_free(ex);
    return 0;
}

int cmd_call(int argc, char **argv)
{
    cli_limits lim = {0};
    if (take_limits(argv[0], &argc, &argv, &lim) < 0)
        return 2;
    if (wants_help(argc, argv) || argc < 3) {
        fprintf(argc >= 3 ? stdout : stderr,
                "usage: oxide call [OPTIONS] FILE.wasm FUNC [ARGS...]\n"
                "Call an exported function and print its results, one per line. Arguments\n"
                "are read as the function's parameter types (e.g. `oxide call add_one.wasm\n"
                "add_one 41` prints 42).\n\noptions (before FILE.wasm):\n" CLI_LIMITS_HELP);
        return argc >= 3 ? 0 : 2;
    }
    const char *cmd = argv[0], *func = argv[2];
    oxk_executor *ex = open_module(cmd, argv[1], &lim);
    if (!ex)
        return 2;
    int status = 2;
    ox_val *args = NULL, *res = NULL;
    ox_functype t;
    if (!oxk_executor_func_type(ex, func, &t)) {
        fprintf(stderr, "oxide %s: %s has no exported function `%s` (see `oxide exports %s`)\n",
                cmd, argv[1], func, argv[1]);
        goto out;
    }
    size_t nargs = (size_t)argc - 3;
    char type[256];
    cli_format_functype(&t, type, sizeof type);
    if (nargs != t.nparams) {
        fprintf(stderr, "oxide %s: `%s` has type %s: it takes %u argument(s), %zu given\n", cmd,
                func, type, t.nparams, nargs);
        status = 2;
        goto out;
    }
    args = calloc(nargs + 1, sizeof *args);
    res = calloc(t.nresults + 1, sizeof *res);
    if (!args || !res) {
        fprintf(stderr, "oxide %s: out of memory\n", cmd);
        goto out;
    }
    for (size_t i = 0; i < nargs; i++) {
        ox_error *pe = cli_parse_val(argv[3 + i], t.params[i], &args[i]);
        if (pe) {
            fprintf(stderr, "oxide %s: argument %zu: %s\n", cmd, i + 1, ox_error_message(pe));
            ox_error_free(pe);
            status = 2;
            goto out;
        }
    }
    oxk_err *e = oxk_executor_call(ex, func, args, nargs, res, t.nresults);
    if (e) {
        status = fail(cmd, e);
        goto out;
    }
    for (uint32_t i = 0; i < t.nresults; i++) {
        char buf[128];
        cli_format_val(&res[i], buf, sizeof buf);
        printf("%s\n", buf);
    }
    status = 0;
out:
    free(args);
    free(res);
    oxk_executor_free(ex);
    return status;
}

int cmd_call_json(int argc, char **argv)
{
    cli_limits lim = {0};
    if (take_limits(argv[0], &argc, &argv, &lim) < 0)
        return 2;
    if (wants_help(argc, argv) || argc != 4) {
        fprintf(argc == 4 ? stdout : stderr,
                "usage: oxide call-json [OPTIONS] FILE.wasm METHOD JSON\n"
                "Call the guest through the JSON ABI (memory, alloc, free, oxide_invoke) and\n"
                "print the result as compact JSON. Exits 1 when the call fails or the guest\n"
                "answers {\"error\": ...}.\n"
                "example: oxide call-json compress.wasm chunk_text "
                "'{\"text\":\"a b c\",\"max_chars\":3}'\n\noptions (before FILE.wasm):\n"
                CLI_LIMITS_HELP);
        return argc == 4 ? 0 : 2;
    }
    const char *cmd = argv[0];
    json_error_t je;
    json_t *in = json_loads(argv[3], JSON_DECODE_ANY, &je);
    if (!in) {
        fprintf(stderr, "oxide %s: JSON argument: %s at column %d\n", cmd, je.text, je.column);
        return 2;
    }
    oxk_executor *ex = open_module(cmd, argv[1], &lim);
    if (!ex) {
        json_decref(in);
        return 2;
    }
    json_t *out = NULL;
    oxk_err *e = oxk_executor_call_json(ex, argv[2], in, &out);
    int status;
    if (e) {
        status = fail(cmd, e);
    } else {
        char *text = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
        printf("%s\n", text ? text : "null");
        free(text);
        bool guest_error = json_is_object(out) && json_object_size(out) == 1 &&
                           json_is_string(json_object_get(out, "error"));
        status = guest_error ? 1 : 0;
    }
    json_decref(out);
    json_decref(in);
    oxk_executor_free(ex);
    return status;
}
