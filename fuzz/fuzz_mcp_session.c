/*
 * fuzz_mcp_session.c — libFuzzer harness: one MCP session (src/mcp/session.c
 * and call.c) fed the input's lines as JSON-RPC messages, over a server
 * with no tools and no kernel (so no guest runs: every tools/call ends at
 * the tool lookup). Every answer the session sends must be a JSON-RPC 2.0
 * object; crashes, leaks, hangs and sanitizer reports are bugs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool check_send(oxm_channel *ch, const char *text, size_t len, enum oxm_kind kind)
{
    (void)ch;
    (void)kind;
    json_t *v = json_loadb(text, len, 0, NULL);
    if (!v || !json_is_object(v) || strcmp(json_string_value(json_object_get(v, "jsonrpc")), "2.0"))
        __builtin_trap();
    json_decref(v);
    return true;
}
static void no_done(oxm_channel *ch) { (void)ch; }
static bool never_gone(oxm_channel *ch)
{
    (void)ch;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static oxm_server s;
    static FILE *devnull;
    if (!devnull) {
        devnull = fopen("/dev/null", "w");
        s.log = devnull;
        s.opts.max_message = 1 << 20;
        s.opts.max_calls = 8;
        s.opts.page_size = 2;
        oxm_calls_init(&s);
        static oxm_toolset none = {.refs = 1};
        s.toolset = &none; /* never freed: the harness holds a reference */
        pthread_mutex_init(&s.tools_mu, NULL);
    }
    oxm_channel ch = {check_send, no_done, never_gone, false, NULL};
    oxm_session *ss = oxm_session_new(&s);
    if (!ss)
        return 0;
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n)
            oxm_session_receive(ss, p, n, &ch);
        p += n + 1;
    }
    oxm_session_hangup(ss);
    oxm_session_free(ss);
    return 0;
}
