/* cmd_kernel.c — `oxide exports` (a module's exported functions, read
   without running anything) and `oxide call-json` (a guest through the
   kernel's executor and its JSON ABI, oxide/kernel/executor.h). Exit
   statuses: the table of cli_call.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_call.h"
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

/* Print the error as "oxide CMD: message", free it, return its exit
   status: the engine's cause decides (cli_call.h); without one the guest
   broke the JSON ABI (1), or the file could not be read (3). */
static int fail(const char *cmd, oxk_err *e)
{
    fprintf(stderr, "oxide %s: %s\n", cmd, oxk_err_message(e));
    int status = oxk_err_cause(e) ? cli_exit_status(oxk_err_cause(e))
                 : oxk_err_errno(e) ? CLI_EXIT_LOAD
                                    : CLI_EXIT_GUEST;
    oxk_err_free(e);
    return status;
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

/* Load and instantiate; on failure *ex stays NULL and the exit status
   says why. */
static int open_module(const char *cmd, const char *path, const cli_limits *l, oxk_executor **ex)
{
    char cache[4096]; /* the engine copies the path */
    ox_config cfg = {.max_memory_pages = l->max_memory_pages, .tier = (ox_tier)l->tier,
                     .jit_cache_dir = cli_cache_dir(l, cache, sizeof cache)};
    oxk_executor_options opts = {.engine_config = &cfg, .fuel = l->fuel,
                                 .timeout_ms = l->timeout_ms};
    oxk_err *e = oxk_executor_from_path(path, &opts, ex);
    return e ? fail(cmd, e) : CLI_EXIT_OK;
}

int cmd_exports(int argc, char **argv)
{
    if (wants_help(argc, argv) || argc != 2) {
        fprintf(argc == 2 ? stdout : stderr,
                "usage: oxide exports FILE\n"
                "List the module's exported functions, one per line, in export order.\n"
                "Nothing is executed (not even a start function).\n\n" CLI_EXIT_HELP);
        return argc == 2 ? 0 : CLI_EXIT_USAGE;
    }
    ox_engine *engine = NULL;
    ox_module *m = NULL;
    ox_error *e = ox_engine_new(NULL, &engine);
    if (!e)
        e = ox_module_load_file(engine, argv[1], &m);
    if (e) {
        int status = cli_fail(argv[0], argv[1], e);
        ox_engine_free(engine);
        return status;
    }
    for (size_t i = 0; i < ox_module_export_count(m); i++) {
        const char *n;
        size_t len;
        ox_externtype t;
        ox_module_export(m, i, &n, &len, &t);
        if (t.kind != OX_EXTERN_FUNC)
            continue;
        char buf[1024];
        cli_format_name(n, len, buf, sizeof buf);
        printf("%s\n", buf);
    }
    ox_module_free(m);
    ox_engine_free(engine);
    return 0;
}

int cmd_call_json(int argc, char **argv)
{
    cli_limits lim;
    cli_limits_init(&lim);
    if (take_limits(argv[0], &argc, &argv, &lim) < 0)
        return 2;
    if (wants_help(argc, argv) || argc != 4) {
        fprintf(argc == 4 ? stdout : stderr,
                "usage: oxide call-json [OPTIONS] FILE.wasm METHOD JSON\n"
                "Call the guest through the JSON ABI (memory, alloc, free, oxide_invoke) and\n"
                "print the result as compact JSON. Exits 1 when the guest answers\n"
                "{\"error\": ...} or breaks the ABI.\n"
                "example: oxide call-json compress.wasm chunk_text "
                "'{\"text\":\"a b c\",\"max_chars\":3}'\n\noptions (before FILE.wasm):\n"
                CLI_LIMITS_HELP "\n" CLI_EXIT_HELP);
        return argc == 4 ? 0 : 2;
    }
    const char *cmd = argv[0];
    json_error_t je;
    json_t *in = json_loads(argv[3], JSON_DECODE_ANY, &je);
    if (!in) {
        fprintf(stderr, "oxide %s: JSON argument: %s at column %d\n", cmd, je.text, je.column);
        return 2;
    }
    oxk_executor *ex = NULL;
    int status = open_module(cmd, argv[1], &lim, &ex);
    if (!ex) {
        json_decref(in);
        return status;
    }
    json_t *out = NULL;
    oxk_err *e = oxk_executor_call_json(ex, argv[2], in, &out);
    if (e) {
        status = fail(cmd, e);
    } else {
        char *text = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
        printf("%s\n", text ? text : "null");
        free(text);
        bool guest_error = json_is_object(out) && json_object_size(out) == 1 &&
                           json_is_string(json_object_get(out, "error"));
        status = guest_error ? CLI_EXIT_GUEST : CLI_EXIT_OK;
    }
    json_decref(out);
    json_decref(in);
    cli_exit_if_auto(lim.tier, status); /* not waiting for a background compile */
    oxk_executor_free(ex);
    return status;
}
