/* cmd_mcp.c — `oxide mcp`: serve the modules of a directory as MCP tools
   (oxide/mcp.h), over stdio by default or Streamable HTTP. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_limits.h"
#include "commands.h"
#include "oxide/mcp.h"

static const char usage_text[] =
    "usage: oxide mcp --modules DIR [OPTIONS]\n"
    "\n"
    "Serve every module of DIR (DIR/NAME/module.json) as Model Context Protocol tools:\n"
    "a module's manifest field \"mcp\" names its mcp.json, which lists the tools\n"
    "(docs/mcp.md). Each tools/call runs in the module's sandbox under its manifest's\n"
    "limits, through the kernel bus, and is recorded in the decision log.\n"
    "\n"
    "options:\n"
    "  --modules DIR          the modules directory (required)\n"
    "  --http HOST:PORT       Streamable HTTP at http://HOST:PORT/mcp instead of stdio\n"
    "                         (PORT 0 picks a free port, printed on stderr)\n"
    "  --token-file FILE      HTTP: require 'Authorization: Bearer <the file's first line>'\n"
    "  --registry FILE        keep modules, config and the decision log in this SQLite file\n"
    "                         (default: in memory)\n"
    "  --max-message BYTES    largest message either way (default 4194304)\n"
    "  --max-calls N          tools/call running at once (default and maximum 64)\n"
    "  --page-size N          tools per tools/list page (default 100)\n"
    "  --watch                reload a module when its directory changes (and load new\n"
    "                         ones), telling stdio clients notifications/tools/list_changed\n"
    "  --instances N          instances of each module, 1 to 64 (default 1): up to N calls\n"
    "                         to one module run at once, each instance with its own state\n"
    "  --tier interp|jit|auto which tier runs the modules (default auto): jit compiles\n"
    "                         them to machine code when they load (builds with LLVM), auto\n"
    "                         compiles what keeps running in the background\n"
    "  --cache-dir DIR        keep compiled code in DIR (default $XDG_CACHE_HOME/oxide)\n"
    "  --no-cache             compile every time\n"
    "\n"
    "stdio: one JSON-RPC message a line on stdin, answers on stdout, logs on stderr.\n"
    "exit status: 0 at the end of input (or SIGINT/SIGTERM), 2 usage, 3 a module or\n"
    "its tools could not be loaded.\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static char *read_token(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char buf[4096];
    char *tok = fgets(buf, sizeof buf, f) ? buf : NULL;
    fclose(f);
    if (!tok)
        return NULL;
    tok[strcspn(tok, "\r\n")] = 0;
    return *tok ? strdup(tok) : NULL;
}

static void print_port(void *user, unsigned port)
{
    const char *host = user;
    fprintf(stderr, "oxide mcp: listening on http://%s:%u/mcp\n", host, port);
}

int cmd_mcp(int argc, char **argv)
{
    oxm_options o = {0};
    const char *http = NULL, *token_file = NULL, *registry = NULL;
    unsigned instances = 1;
    cli_limits lim; /* --tier, --cache-dir, --no-cache */
    cli_limits_init(&lim);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (!strcmp(a, "--watch")) {
            o.watch = true;
            continue;
        }
        if (!strcmp(a, "--tier") || !strcmp(a, "--cache-dir") || !strcmp(a, "--no-cache") ||
            !strncmp(a, "--tier=", 7) || !strncmp(a, "--cache-dir=", 12)) {
            int r = cli_limits_parse("mcp", argc, argv, &i, &lim);
            if (r < 0)
                return 2;
            i--; /* the loop's own step */
            continue;
        }
        bool takes = !strcmp(a, "--modules") || !strcmp(a, "--http") || !strcmp(a, "--token-file") ||
                     !strcmp(a, "--registry") || !strcmp(a, "--max-message") || !strcmp(a, "--max-calls") ||
                     !strcmp(a, "--page-size") || !strcmp(a, "--instances");
        if (!takes) {
            fprintf(stderr, "oxide mcp: unknown option '%s'\n\n%s", a, usage_text);
            return 2;
        }
        if (!v) {
            fprintf(stderr, "oxide mcp: %s needs a value\n", a);
            return 2;
        }
        i++;
        char *end = NULL;
        if (!strcmp(a, "--modules")) {
            o.modules_dir = v;
        } else if (!strcmp(a, "--http")) {
            http = v;
        } else if (!strcmp(a, "--token-file")) {
            token_file = v;
        } else if (!strcmp(a, "--registry")) {
            registry = v;
        } else if (!strcmp(a, "--max-message")) {
            unsigned long long n = strtoull(v, &end, 10);
            if (!*v || *end || n < 1024 || n > (1ull << 30)) {
                fprintf(stderr, "oxide mcp: --max-message takes 1024 to 1073741824 bytes, not '%s'\n", v);
                return 2;
            }
            o.max_message = (size_t)n;
        } else {
            bool calls = !strcmp(a, "--max-calls"), inst = !strcmp(a, "--instances");
            unsigned long n = strtoul(v, &end, 10), max = calls || inst ? 64 : 100000;
            if (!*v || *end || n < 1 || n > max) {
                fprintf(stderr, "oxide mcp: %s takes 1 to %lu, not '%s'\n", a, max, v);
                return 2;
            }
            if (calls)
                o.max_calls = (unsigned)n;
            else if (inst)
                instances = (unsigned)n;
            else
                o.page_size = (unsigned)n;
        }
    }
    if (!o.modules_dir) {
        fprintf(stderr, "oxide mcp: --modules DIR is required\n\n%s", usage_text);
        return 2;
    }
    char host[256] = "127.0.0.1";
    unsigned port = 0;
    if (http) {
        const char *colon = strrchr(http, ':');
        char *end = NULL;
        unsigned long p = colon ? strtoul(colon + 1, &end, 10) : 0;
        if (!colon || colon == http || !colon[1] || *end || p > 65535 || (size_t)(colon - http) >= sizeof host) {
            fprintf(stderr, "oxide mcp: --http takes HOST:PORT (e.g. 127.0.0.1:8080), not '%s'\n", http);
            return 2;
        }
        memcpy(host, http, (size_t)(colon - http));
        host[colon - http] = 0;
        port = (unsigned)p;
    }
    char *token = NULL;
    if (token_file && !(token = read_token(token_file))) {
        fprintf(stderr, "oxide mcp: cannot read a token from %s\n", token_file);
        return 2;
    }

    oxk_kernel *k = NULL;
    oxk_err *err = registry ? oxk_kernel_open(registry, NULL, &k) : oxk_kernel_new(&k);
    oxm_server *s = NULL;
    if (!err) {
        oxk_kernel_set_instances(k, instances);
        char cache[4096];
        err = oxk_kernel_set_tier(k, (ox_tier)lim.tier, cli_cache_dir(&lim, cache, sizeof cache));
        if (!err)
            err = oxm_server_new(k, &o, &s);
    }
    if (err) {
        fprintf(stderr, "oxide mcp: %s\n", oxk_err_message(err));
        oxk_err_free(err);
        oxk_kernel_free(k);
        free(token);
        return 3;
    }
    fprintf(stderr, "oxide mcp: %zu tools from %s\n", oxm_server_tool_count(s), o.modules_dir);
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a vanished client is an error on write, not death */
    if (http) {
        oxm_http_options ho = {.host = host, .port = port, .token = token, .ready = print_port,
                               .ready_user = host};
        err = oxm_serve_http(s, &ho, &stop_flag);
    } else {
        err = oxm_serve_stdio(s, STDIN_FILENO, STDOUT_FILENO, &stop_flag);
    }
    int status = 0;
    if (err) {
        fprintf(stderr, "oxide mcp: %s\n", oxk_err_message(err));
        oxk_err_free(err);
        status = 1;
    }
    oxm_server_free(s);
    oxk_kernel_free(k);
    free(token);
    return status;
}
