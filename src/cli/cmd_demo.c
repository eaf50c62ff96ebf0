/* cmd_demo.c — `oxide demo`: the reference's kernel demo on an in-memory
   registry, extended with the `compress` Wasm module loaded from its
   manifest and invoked over the bus.
   Steps: boot; subscribe; register+init+start the native echo module;
   greeting through the registry; ping → pong through the bus (expected order
   module_started, ping, pong); load compress from module.json, start it,
   invoke chunk_text and strip_metadata over the bus and wait for the
   correlated answers; stop everything; print the registry's final state. */
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "oxide/kernel/kernel.h"

static void say(const char *fmt, ...)
{
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%H:%M:%S", &tm);
    va_list ap;
    va_start(ap, fmt);
    printf("%s  INFO ", ts);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}

/* ---- the native echo module ------------------------------------------- */

static oxk_err *echo_start(void *self)
{
    (void)self;
    say("module=\"echo\" starting");
    return NULL;
}

static oxk_err *echo_stop(void *self)
{
    (void)self;
    say("module=\"echo\" stopping");
    return NULL;
}

static const oxk_module_vtable echo_vtable = {.start = echo_start, .stop = echo_stop};

/* The task of step 7: wait for a ping, answer with a pong from "echo". */
typedef struct {
    oxk_bus *bus;
    oxk_subscription *sub;
    int answered;
} ponger;

static void *pong_task(void *arg)
{
    ponger *p = arg;
    for (;;) {
        oxk_envelope *e;
        oxk_subscription_recv(p->sub, 5000, &e);
        if (!e)
            return NULL; /* nobody pinged: the main thread reports it */
        bool ping = oxk_envelope_message(e)->type == OXK_CMD_PING;
        oxk_envelope_unref(e);
        if (ping) {
            oxk_message pong = {.type = OXK_EV_PONG, .from = "echo"};
            oxk_err *err = oxk_bus_emit_event(p->bus, "echo", &pong, NULL);
            p->answered = err == NULL;
            oxk_err_free(err);
            return NULL;
        }
    }
}

static void log_envelope(const char *what, const oxk_envelope *e)
{
    char *text = NULL;
    oxk_err *err = oxk_envelope_to_json(e, &text);
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    char *msg = v ? json_dumps(json_object_get(v, "message"), JSON_COMPACT | JSON_PRESERVE_ORDER)
                  : NULL;
    say("%s source=\"%s\" message=%s", what, oxk_envelope_source(e), msg ? msg : "?");
    free(msg);
    json_decref(v);
    free(text);
    oxk_err_free(err);
}

/* Where compress's module.json was built: $OXIDE_EXAMPLES/compress, else the
   build tree next to this executable (build/src/cli/oxide → build/examples). */
static char *find_manifest(void)
{
    const char *env = getenv("OXIDE_EXAMPLES");
    char buf[PATH_MAX];
    if (env) {
        snprintf(buf, sizeof buf, "%s/compress/module.json", env);
        return strdup(buf);
    }
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return strdup("examples/compress/module.json");
    buf[n] = 0;
    for (int up = 0; up < 3; up++) { /* strip "oxide", "cli", "src" */
        char *slash = strrchr(buf, '/');
        if (slash)
            *slash = 0;
    }
    size_t len = strlen(buf);
    snprintf(buf + len, sizeof buf - len, "/examples/compress/module.json");
    return strdup(buf);
}

/* Invoke a module over the bus and wait for the answer correlated with the
   command; returns the custom event (caller unrefs) or NULL. */
static oxk_envelope *invoke(oxk_bus *bus, oxk_subscription *sub, const char *module,
                           const char *method, json_t *payload)
{
    oxk_message cmd = {.type = OXK_CMD_INVOKE, .module_id = module, .method = method,
                      .payload = payload};
    char id[37];
    oxk_err *err = oxk_bus_send_command(bus, "kernel", &cmd, id);
    if (err) {
        say("invoke %s.%s failed: %s", module, method, oxk_err_message(err));
        oxk_err_free(err);
        return NULL;
    }
    for (;;) {
        oxk_envelope *e;
        oxk_subscription_recv(sub, 10000, &e);
        if (!e) {
            say("no answer from %s.%s within 10 s", module, method);
            return NULL;
        }
        const char *corr = oxk_envelope_correlation_id(e);
        if (oxk_envelope_message(e)->type == OXK_EV_CUSTOM && corr && !strcmp(corr, id))
            return e;
        oxk_envelope_unref(e);
    }
}

#define TRY(call)                                                                         \
    do {                                                                                  \
        oxk_err *e_ = (call);                                                             \
        if (e_) {                                                                         \
            fprintf(stderr, "oxide demo: %s\n", oxk_err_message(e_));                     \
            oxk_err_free(e_);                                                             \
            goto out;                                                                     \
        }                                                                                 \
    } while (0)

static bool compress_step(oxk_kernel *k, oxk_subscription *sub)
{
    char *manifest = find_manifest();
    oxk_resolved_manifest *r = NULL;
    oxk_err *err = oxk_kernel_register_manifest(k, manifest, &r);
    if (err) {
        fprintf(stderr, "oxide demo: %s\n(build the examples, or set OXIDE_EXAMPLES to the "
                        "directory holding compress's module.json)\n",
                oxk_err_message(err));
        oxk_err_free(err);
        free(manifest);
        return false;
    }
    say("registered module from manifest id=\"%s\" wasm=\"%s\" sha256=%s",
        r->manifest->id, r->wasm_path, r->manifest->sha256 ? r->manifest->sha256 : "-");
    bool ok = false;
    oxk_envelope *a = NULL, *b = NULL;
    json_t *p1 = json_pack("{s:s,s:i,s:i}", "text",
                           "Oxide runs agent tools as sandboxed WebAssembly modules on its own "
                           "engine",
                           "max_chars", 24, "overlap", 8);
    json_t *p2 = json_pack("{s:{s:s,s:n,s:s,s:{s:i,s:[]}}}", "data", "title", "Report", "draft",
                           "_etag", "x1", "meta", "pages", 3, "tags");
    TRY(oxk_modules_start(oxk_kernel_modules(k), "compress"));
    if (!(a = invoke(oxk_kernel_bus(k), sub, "compress", "chunk_text", p1)))
        goto out;
    log_envelope("bus event", a);
    if (!(b = invoke(oxk_kernel_bus(k), sub, "compress", "strip_metadata", p2)))
        goto out;
    log_envelope("bus event", b);
    ok = !strcmp(oxk_envelope_message(a)->kind, "chunk_text.ok") &&
         !strcmp(oxk_envelope_message(b)->kind, "strip_metadata.ok");
    TRY(oxk_modules_stop(oxk_kernel_modules(k), "compress"));
out:
    if (!ok)
        fprintf(stderr, "oxide demo: the compress module did not answer as expected\n");
    oxk_envelope_unref(a);
    oxk_envelope_unref(b);
    json_decref(p1);
    json_decref(p2);
    oxk_resolved_manifest_free(r);
    free(manifest);
    return ok;
}

int cmd_demo(int argc, char **argv)
{
    if (argc > 1) {
        bool help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");
        fprintf(help ? stdout : stderr,
                "usage: oxide demo\n"
                "Boot a kernel with an in-memory registry, run the native echo module\n"
                "(ping/pong over the bus) and the compress Wasm module (loaded from its\n"
                "module.json, invoked over the bus), then print the final registry state.\n"
                "OXIDE_EXAMPLES names the directory of compress's module.json (default:\n"
                "the build tree's examples/).\n");
        return help ? 0 : 2;
    }
    int status = 1;
    oxk_kernel *k = NULL;
    oxk_subscription *a = NULL, *b = NULL;
    pthread_t task;
    bool task_live = false;
    ponger pp = {0};
    say("Booting Oxide Kernel...");
    TRY(oxk_kernel_new(&k));
    oxk_bus *bus = oxk_kernel_bus(k);
    oxk_modules *mods = oxk_kernel_modules(k);
    TRY(oxk_bus_subscribe(bus, &a)); /* before anything, so nothing is missed */
    oxk_module_meta echo = {"echo", "Echo", "0.1.0", OXK_MODULE_NATIVE,
                           "Demo module that echoes Ping commands."};
    TRY(oxk_modules_register(mods, &echo, &echo_vtable, NULL)); /* also upserts the registry */
    TRY(oxk_modules_init(mods, "echo"));
    json_t *greeting = json_string("Hello, agent."), *back = NULL;
    oxk_err *ge = oxk_registry_set_config(oxk_kernel_registry(k), "kernel.greeting", greeting);
    json_decref(greeting);
    TRY(ge);
    TRY(oxk_registry_get_config(oxk_kernel_registry(k), "kernel.greeting", &back));
    say("loaded greeting from registry greeting=\"%s\"",
        json_is_string(back) ? json_string_value(back) : "?");
    json_decref(back);
    TRY(oxk_modules_start(mods, "echo"));
    TRY(oxk_bus_subscribe(bus, &b));
    pp = (ponger){bus, b, 0};
    if (pthread_create(&task, NULL, pong_task, &pp) != 0) {
        fprintf(stderr, "oxide demo: cannot start the pong task\n");
        goto out;
    }
    task_live = true;
    oxk_message ping = {.type = OXK_CMD_PING};
    TRY(oxk_bus_send_command(bus, "kernel", &ping, NULL));
    const oxk_msg_type expected[] = {OXK_EV_MODULE_STARTED, OXK_CMD_PING, OXK_EV_PONG};
    bool in_order = true;
    int got = 0;
    for (; got < 3; got++) {
        oxk_envelope *e;
        oxk_subscription_recv(a, 5000, &e);
        if (!e)
            break;
        log_envelope("bus event", e);
        oxk_msg_type t = oxk_envelope_message(e)->type;
        in_order &= t == expected[got];
        oxk_envelope_unref(e);
        if (t == OXK_EV_PONG) {
            got++;
            break;
        }
    }
    pthread_join(task, NULL);
    task_live = false;
    if (!in_order || got != 3 || !pp.answered) {
        fprintf(stderr, "oxide demo: expected module_started, ping, pong on the bus\n");
        goto out;
    }
    bool compress_ok = compress_step(k, a);
    TRY(oxk_modules_stop(mods, "echo"));
    oxk_module_record *rs;
    size_t n;
    TRY(oxk_registry_list_modules(oxk_kernel_registry(k), &rs, &n));
    say("final registry state modules=%zu", n);
    for (size_t i = 0; i < n; i++)
        say("  id=\"%s\" name=\"%s\" version=\"%s\" kind=%s state=%s updated_at=%s", rs[i].meta.id,
            rs[i].meta.name, rs[i].meta.version, oxk_module_kind_name(rs[i].meta.kind),
            oxk_module_state_name(rs[i].state), rs[i].updated_at);
    oxk_module_records_free(rs, n);
    if (compress_ok) {
        say("Kernel demo complete.");
        status = 0;
    }
out:
    if (task_live) {
        oxk_subscription_interrupt(b);
        pthread_join(task, NULL);
    }
    oxk_subscription_close(a);
    oxk_subscription_close(b);
    oxk_kernel_free(k);
    return status;
}
