/* test_executor.c — the Wasm executor: the reference's wasm_exec tests, the
   JSON ABI, every guest misbehaviour, host imports, and the example guests
   (echo, compress). Guests come from examples/ and tests/kernel/guests/. */
#include <errno.h>
#include <pthread.h>

#include "check.h"
#include "oxide/kernel/executor.h"

static oxk_executor *load(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
    oxk_executor *ex = NULL;
    OK(oxk_executor_from_path(path, NULL, &ex));
    return ex;
}
#define GUEST(n) load(OX_KGUEST_DIR, n)
#define EXAMPLE(n) load(OX_EXAMPLES_DIR, n)

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
    if (!v) {
        fprintf(stderr, "bad test JSON: %s\n", text);
        exit(1);
    }
    return v;
}

/* call_json must fail; its message must contain needle. */
static void json_fails(oxk_executor *ex, const char *method, const char *input, const char *needle)
{
    json_t *in = J(input), *out = (json_t *)1;
    oxk_err *e = oxk_executor_call_json(ex, method, in, &out);
    CHECK(e != NULL);
    CHECK(out == NULL);
    if (e) {
        /* a broken ABI contract, or a trap or an uncaught exception whose
           engine error is kept */
        CHECK(oxk_err_code_of(e) == OXK_ERR_OTHER ||
              (oxk_err_code_of(e) == OXK_ERR_WASM &&
               (ox_error_code(oxk_err_cause(e)) == OX_ERR_TRAP ||
                ox_error_code(oxk_err_cause(e)) == OX_ERR_EXCEPTION)));
        CHECK_CONTAINS(oxk_err_message(e), needle);
    }
    oxk_err_free(e);
    json_decref(in);
}

/* call_json must succeed and give exactly `want`. */
static void json_gives(oxk_executor *ex, const char *method, const char *input, const char *want)
{
    json_t *in = J(input), *w = J(want), *out = NULL;
    oxk_err *e = oxk_executor_call_json(ex, method, in, &out);
    if (e) {
        fprintf(stderr, "  %s(%s) failed: %s\n", method, input, oxk_err_message(e));
        check_failures++;
        oxk_err_free(e);
    } else if (!json_equal(out, w)) {
        char *got = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY);
        fprintf(stderr, "  %s(%s) = %s, want %s\n", method, input, got, want);
        free(got);
        check_failures++;
    }
    json_decref(in);
    json_decref(w);
    json_decref(out);
}

static int32_t call0(oxk_executor *ex, const char *name, int32_t arg)
{
    int32_t r = -1;
    OK(oxk_executor_call_i32(ex, name, arg, &r));
    return r;
}

static void executor_can_run_pure_i32_function(void)
{
    oxk_executor *ex = EXAMPLE("add_one");
    CHECK(oxk_executor_export_count(ex) == 1);
    CHECK_STR(oxk_executor_export_name(ex, 0), "add_one");
    CHECK(call0(ex, "add_one", 41) == 42);
    CHECK(call0(ex, "add_one", 2147483647) == (int32_t)0x80000000); /* wraps like i32.add */
    oxk_executor_free(ex);
}

static void missing_export_errors(void)
{
    oxk_executor *ex = EXAMPLE("add_one");
    int32_t r;
    oxk_err *e = EXPECT_ERR(oxk_executor_call_i32(ex, "nope", 1, &r), OXK_ERR_OTHER);
    CHECK_CONTAINS(oxk_err_message(e), "nope");
    CHECK_CONTAINS(oxk_err_message(e), "no such export");
    oxk_err_free(e);
    oxk_executor_free(ex);
}

static void call_json_round_trips_via_abi(void)
{
    oxk_executor *ex = GUEST("accounting");
    json_gives(ex, "echo", "{\"hello\":\"world\"}", "{\"ok\":true}");
    oxk_executor_free(ex);
}

/* max_output: a longer answer is refused before it is parsed; one at the
   limit passes. The accounting guest answers {"ok":true} (11 bytes). */
static void call_json_output_limit(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/accounting.wasm", OX_KGUEST_DIR);
    oxk_executor *ex;
    oxk_executor_options o = {.max_output = 10};
    OK(oxk_executor_from_path(path, &o, &ex));
    json_fails(ex, "echo", "{}", "output of 11 bytes is over the 10-byte limit");
    json_fails(ex, "echo", "{}", "output of 11 bytes is over the 10-byte limit"); /* and again: buffers freed */
    oxk_executor_free(ex);
    o.max_output = 11;
    OK(oxk_executor_from_path(path, &o, &ex));
    json_gives(ex, "echo", "{}", "{\"ok\":true}");
    oxk_executor_free(ex);
}

/* Multi-memory: the JSON ABI uses the memory exported as "memory", here
   memory 1, while the guest also writes memory 0. */
static void call_json_uses_the_memory_named_memory(void)
{
    oxk_executor *ex = GUEST("two_memories");
    json_gives(ex, "any", "{}", "{\"ok\":7}");
    oxk_executor_free(ex);
}

static void load_errors_are_clear(void)
{
    oxk_executor *ex;
    oxk_err *e = EXPECT_ERR(oxk_executor_from_path("/no/such.wasm", NULL, &ex), OXK_ERR_OTHER);
    CHECK_CONTAINS(oxk_err_message(e), "failed to read wasm artefact /no/such.wasm");
    CHECK(oxk_err_errno(e) == ENOENT); /* the cause is kept */
    CHECK(oxk_err_cause(e) == NULL);
    oxk_err_free(e);
    const uint8_t junk[] = "\0asm\x02\0\0\0";
    e = EXPECT_ERR(oxk_executor_from_bytes(junk, 8, NULL, &ex), OXK_ERR_WASM);
    CHECK_CONTAINS(oxk_err_message(e), "wasm: ");
    CHECK(ox_error_code(oxk_err_cause(e)) == OX_ERR_MALFORMED);
    CHECK(ox_error_offset(oxk_err_cause(e)) == 4);
    oxk_err_free(e);
    e = EXPECT_ERR(oxk_executor_from_bytes((const uint8_t *)"", 0, NULL, &ex), OXK_ERR_WASM);
    CHECK(ox_error_code(oxk_err_cause(e)) == OX_ERR_MALFORMED);
    oxk_err_free(e);
    /* pure.wat imports host.double: without it, linking fails by name. */
    char path[512];
    snprintf(path, sizeof path, "%s/pure.wasm", OX_KGUEST_DIR);
    e = EXPECT_ERR(oxk_executor_from_path(path, NULL, &ex), OXK_ERR_WASM);
    CHECK_CONTAINS(oxk_err_message(e), "double");
    CHECK(ox_error_code(oxk_err_cause(e)) == OX_ERR_LINK);
    /* wrapping keeps the cause */
    e = oxk_err_wrap(e, "loading %s", "pure");
    CHECK(oxk_err_code_of(e) == OXK_ERR_WASM);
    CHECK(ox_error_code(oxk_err_cause(e)) == OX_ERR_LINK);
    CHECK_CONTAINS(oxk_err_message(e), "loading pure: ");
    oxk_err_free(e);
}

static ox_error *host_double(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    (void)c;
    int *calls = user;
    (*calls)++;
    if (args[0].of.i32 < 0)
        return ox_error_new(OX_ERR_TRAP, "host refuses negative numbers");
    results[0] = ox_val_i32(args[0].of.i32 * 2);
    return NULL;
}

static oxk_executor *load_pure(int *calls)
{
    static const ox_valtype i32[] = {OX_I32};
    oxk_host_import im = {"host", "double", {1, 1, i32, i32}, host_double, calls};
    oxk_executor_options o = {.imports = &im, .nimports = 1};
    char path[512];
    snprintf(path, sizeof path, "%s/pure.wasm", OX_KGUEST_DIR);
    oxk_executor *ex = NULL;
    OK(oxk_executor_from_path(path, &o, &ex));
    return ex;
}

static void exports_typed_calls_imports_and_traps(void)
{
    int calls = 0;
    oxk_executor *ex = load_pure(&calls);
    const char *want[] = {"add_one", "add", "div", "twice", "count"};
    CHECK(oxk_executor_export_count(ex) == 5); /* memory and global skipped */
    for (size_t i = 0; i < 5; i++)
        CHECK_STR(oxk_executor_export_name(ex, i), want[i]);
    ox_val args[2] = {ox_val_i64(40), ox_val_i64(2)}, res;
    OK(oxk_executor_call(ex, "add", args, 2, &res, 1));
    CHECK(res.type == OX_I64 && res.of.i64 == 42);
    /* wrong argument types are refused before the call */
    ox_val bad[2] = {ox_val_i32(1), ox_val_i32(2)};
    oxk_err *e = EXPECT_ERR(oxk_executor_call(ex, "add", bad, 2, &res, 1), OXK_ERR_OTHER);
    CHECK_CONTAINS(oxk_err_message(e), "(i64, i64) -> i64");
    oxk_err_free(e);
    e = EXPECT_ERR(oxk_executor_call(ex, "memory", NULL, 0, NULL, 0), OXK_ERR_OTHER);
    CHECK_CONTAINS(oxk_err_message(e), "memory");
    oxk_err_free(e);
    int32_t r;
    e = EXPECT_ERR(oxk_executor_call_i32(ex, "add", 1, &r), OXK_ERR_OTHER);
    CHECK_CONTAINS(oxk_err_message(e), "wasm export `add` is not (i32) -> i32");
    oxk_err_free(e);
    /* host import */
    CHECK(call0(ex, "twice", 21) == 42);
    CHECK(calls == 1);
    e = EXPECT_ERR(oxk_executor_call_i32(ex, "twice", -1, &r), OXK_ERR_WASM);
    CHECK_CONTAINS(oxk_err_message(e), "negative");
    CHECK(ox_error_code(oxk_err_cause(e)) == OX_ERR_TRAP); /* the host's own error */
    oxk_err_free(e);
    /* a trap, then the instance is still usable and keeps its state */
    CHECK(call0(ex, "count", 0) == 1);
    ox_val d[2] = {ox_val_i32(1), ox_val_i32(0)};
    e = EXPECT_ERR(oxk_executor_call(ex, "div", d, 2, &res, 1), OXK_ERR_WASM);
    CHECK_CONTAINS(oxk_err_message(e), "divide by zero");
    CHECK(ox_error_trap(oxk_err_cause(e)) == OX_TRAP_DIV_ZERO);
    oxk_err_free(e);
    CHECK(call0(ex, "count", 0) == 2);
    ox_functype t;
    CHECK(oxk_executor_func_type(ex, "add", &t) && t.nparams == 2);
    CHECK(!oxk_executor_func_type(ex, "g", &t));
    oxk_executor_free(ex);
}

static void missing_or_mistyped_abi_exports(void)
{
    oxk_executor *ex = GUEST("missing_alloc");
    json_fails(ex, "m", "{}", "alloc export: `alloc` must be (i32) -> i32, but no such export");
    oxk_executor_free(ex);
    ex = GUEST("mistyped_free");
    json_fails(ex, "m", "{}", "free export: `free` must be (i32, i32) -> (), but it has type (i32) -> ()");
    oxk_executor_free(ex);
    ex = GUEST("mistyped_invoke");
    json_fails(ex, "m", "{}", "oxide_invoke export");
    json_fails(ex, "m", "{}", "-> i32");
    oxk_executor_free(ex);
    ex = GUEST("no_memory");
    json_fails(ex, "m", "{}", "no `memory` export");
    oxk_executor_free(ex);
    ex = EXAMPLE("add_one");
    json_fails(ex, "m", "{}", "alloc export");
    oxk_executor_free(ex);
}

static void bad_pointers_from_the_guest(void)
{
    oxk_executor *ex = GUEST("alloc_oob");
    json_fails(ex, "m", "{}", "method OOB: alloc(1) returned 0xfffffff0");
    oxk_executor_free(ex);
    ex = GUEST("alloc_null");
    json_fails(ex, "m", "{}", "alloc method: alloc(1) returned a null pointer");
    oxk_executor_free(ex);
    ex = GUEST("output_oob");
    json_fails(ex, "m", "{}", "output OOB: oxide_invoke returned 16 bytes at 0xfffa");
    oxk_executor_free(ex);
}

static void bad_output_from_the_guest(void)
{
    oxk_executor *ex = GUEST("output_not_utf8");
    json_fails(ex, "m", "{}", "output is not valid UTF-8");
    oxk_executor_free(ex);
    ex = GUEST("output_not_json");
    json_fails(ex, "m", "{}", "output JSON: ");
    oxk_executor_free(ex);
}

static void traps_in_each_call(void)
{
    oxk_executor *ex = GUEST("trap_alloc");
    json_fails(ex, "m", "{}", "alloc method: ");
    json_fails(ex, "m", "{}", "unreachable");
    oxk_executor_free(ex);
    ex = GUEST("accounting");
    CHECK(call0(ex, "set_mode", 1) == 0);
    json_fails(ex, "m", "{}", "oxide_invoke: ");
    json_fails(ex, "m", "{}", "unreachable");
    oxk_executor_free(ex);
    /* an exception nothing catches fails the call, naming its tag */
    ex = GUEST("throw_invoke");
    json_fails(ex, "m", "{}", "uncaught exception (tag 0 \"bad_input\")");
    json_gives(ex, "m", "{}", "[1,2,3]");
    oxk_executor_free(ex);
    /* a trapping free is ignored, as in the reference */
    ex = GUEST("trap_free");
    json_gives(ex, "m", "{}", "[1,2,3]");
    json_gives(ex, "m", "{}", "[1,2,3]");
    oxk_executor_free(ex);
}

/* Fix: the original leaked method/input buffers on its early-exit paths. */
static void buffers_are_freed_on_every_path(void)
{
    oxk_executor *ex = GUEST("accounting");
    json_gives(ex, "m", "{\"x\":1}", "{\"ok\":true}");
    CHECK(call0(ex, "live", 0) == 0); /* method, input and output freed */
    CHECK(call0(ex, "set_mode", 1) == 0);
    json_fails(ex, "m", "{}", "unreachable");
    CHECK(call0(ex, "live", 0) == 0);
    CHECK(call0(ex, "set_mode", 2) == 0);
    json_fails(ex, "m", "{}", "output OOB");
    CHECK(call0(ex, "live", 0) == 0);
    CHECK(call0(ex, "set_mode", 3) == 0);
    json_fails(ex, "m", "{}", "input OOB");
    CHECK(call0(ex, "live", 0) == 0);
    /* and the instance still works, with its state */
    CHECK(call0(ex, "set_mode", 0) == 0);
    json_gives(ex, "m", "{}", "{\"ok\":true}");
    CHECK(call0(ex, "calls", 0) == 4); /* invoke ran in modes 0, 1, 2 and 0 */
    oxk_executor_free(ex);
}

static void echo_guest_keeps_state(void)
{
    oxk_executor *ex = EXAMPLE("echo");
    json_gives(ex, "hello", "{\"a\":[1,2.5,\"\\u00e9\\n\"],\"b\":null}",
               "{\"method\":\"hello\",\"input\":{\"a\":[1,2.5,\"\\u00e9\\n\"],\"b\":null},\"calls\":1}");
    json_gives(ex, "", "7", "{\"method\":\"\",\"input\":7,\"calls\":2}"); /* alloc(0) */
    json_gives(ex, "fail", "{}", "{\"error\":\"echo was asked to fail\"}");
    json_gives(ex, "again", "\"x\"", "{\"method\":\"again\",\"input\":\"x\",\"calls\":4}");
    oxk_executor_free(ex);
}

/* An input larger than the encoding buffer an executor keeps between
   calls (1 MiB), with escapes, then small inputs again: every answer is
   the input, whichever way the buffer went. */
static void large_input_then_small_ones(void)
{
    oxk_executor *ex = EXAMPLE("echo");
    size_t n = (size_t)3 << 19;
    char *text = malloc(n + 1);
    if (!text) {
        CHECK(!"out of memory");
        oxk_executor_free(ex);
        return;
    }
    for (size_t i = 0; i < n; i++)
        text[i] = i % 1000 == 999 ? '\n' : i % 777 == 0 ? '"' : (char)('a' + i % 26);
    text[n] = 0;
    json_t *in = json_pack("{s:s,s:[i,b]}", "text", text, "more", 7, 1), *out = NULL;
    free(text);
    OK(oxk_executor_call_json(ex, "big", in, &out));
    CHECK(out && json_equal(json_object_get(out, "input"), in));
    json_decref(out);
    json_decref(in);
    json_gives(ex, "small", "[1,\"\\u00e9\"]", "{\"method\":\"small\",\"input\":[1,\"\\u00e9\"],\"calls\":2}");
    json_gives(ex, "small", "{}", "{\"method\":\"small\",\"input\":{},\"calls\":3}");
    oxk_executor_free(ex);
}

static void compress_tools(void)
{
    oxk_executor *ex = EXAMPLE("compress");
    json_gives(ex, "select_fields",
               "{\"data\":{\"id\":1,\"name\":\"a\",\"secret\":\"s\"},\"fields\":[\"id\",\"name\"]}",
               "{\"id\":1,\"name\":\"a\"}");
    json_gives(ex, "select_fields",
               "{\"data\":[{\"id\":1,\"x\":2},{\"x\":3},{\"id\":4}],\"fields\":[\"id\"]}",
               "[{\"id\":1},{},{\"id\":4}]");
    json_gives(ex, "select_fields", "{\"data\":5,\"fields\":[]}",
               "{\"error\":\"select_fields: `data` must be an object or an array of objects\"}");
    json_gives(ex, "strip_metadata",
               "{\"data\":{\"a\":1,\"_rev\":3,\"b\":null,\"c\":\"\",\"d\":[],\"e\":{\"_x\":1,"
               "\"f\":{}},\"g\":[{\"_y\":1,\"h\":0}],\"i\":false}}",
               "{\"a\":1,\"g\":[{\"h\":0}],\"i\":false}");
    json_gives(ex, "chunk_text", "{\"text\":\"the quick brown fox jumps\",\"max_chars\":10}",
               "[\"the quick\",\"brown fox\",\"jumps\"]");
    json_gives(ex, "chunk_text",
               "{\"text\":\"one two three four five\",\"max_chars\":13,\"overlap\":5}",
               "[\"one two three\",\"three four\",\"four five\"]");
    json_gives(ex, "chunk_text", "{\"text\":\"abcdefghij xy\",\"max_chars\":4}",
               "[\"abcd\",\"efgh\",\"ij\",\"xy\"]");
    /* characters, not bytes: é is one character */
    json_gives(ex, "chunk_text", "{\"text\":\"\\u00e9\\u00e9\\u00e9 \\u00e9\",\"max_chars\":3}",
               "[\"\\u00e9\\u00e9\\u00e9\",\"\\u00e9\"]");
    json_gives(ex, "chunk_text", "{\"text\":\"   \",\"max_chars\":3}", "[]");
    json_gives(ex, "chunk_text", "{\"text\":\"a b\",\"max_chars\":2,\"overlap\":2}",
               "{\"error\":\"chunk_text: `overlap` must be smaller than `max_chars`\"}");
    json_gives(ex, "chunk_text", "{\"text\":\"a\",\"max_chars\":0}",
               "{\"error\":\"chunk_text: `max_chars` must be a positive integer\"}");
    json_gives(ex, "nope", "{}",
               "{\"error\":\"unknown method (expected select_fields, strip_metadata or chunk_text)\"}");
    /* Hostile nesting gets an answer, not a guest stack overflow. */
    char deep[1200];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof deep, "{\"data\":");
    for (int i = 0; i < 500; i++)
        deep[n++] = '[';
    for (int i = 0; i < 500; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    deep[n] = 0;
    json_gives(ex, "strip_metadata", deep, "{\"error\":\"nesting too deep\"}");
    /* The allocator reuses freed memory: many calls with sizeable inputs
       succeed (a bump allocator without free would run out). */
    char *text = malloc(8200);
    for (int i = 0; i < 8190; i++)
        text[i] = i % 7 == 6 ? ' ' : 'a' + i % 26;
    text[8190] = 0;
    json_t *in = json_pack("{s:s,s:i,s:i}", "text", text, "max_chars", 40, "overlap", 10);
    int good = 0;
    for (int i = 0; i < 60; i++) {
        json_t *out = NULL;
        oxk_err *e = oxk_executor_call_json(ex, "chunk_text", in, &out);
        good += !e && json_is_array(out) && json_array_size(out) > 200;
        oxk_err_free(e);
        json_decref(out);
    }
    CHECK(good == 60);
    json_decref(in);
    free(text);
    oxk_executor_free(ex);
}

static oxk_executor *load_with(const char *name, const oxk_executor_options *o)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.wasm", OX_KGUEST_DIR, name);
    oxk_executor *ex = NULL;
    OK(oxk_executor_from_path(path, o, &ex));
    return ex;
}

/* Fix: the original had no fuel, no timeout and no memory limit. */
static void resource_limits_stop_runaway_guests(void)
{
    oxk_executor_options o = {.timeout_ms = 100};
    oxk_executor *ex = load_with("spin", &o);
    int32_t r;
    oxk_err *e = EXPECT_ERR(oxk_executor_call_i32(ex, "spin", 0, &r), OXK_ERR_WASM);
    CHECK_CONTAINS(oxk_err_message(e), "deadline exceeded");
    CHECK(ox_error_trap(oxk_err_cause(e)) == OX_TRAP_DEADLINE);
    oxk_err_free(e);
    CHECK(call0(ex, "ok", 1) == 2); /* usable afterwards */
    oxk_executor_free(ex);

    o = (oxk_executor_options){.fuel = 10000};
    ex = load_with("spin", &o);
    e = EXPECT_ERR(oxk_executor_call_i32(ex, "spin", 0, &r), OXK_ERR_WASM);
    CHECK_CONTAINS(oxk_err_message(e), "fuel exhausted");
    CHECK(ox_error_trap(oxk_err_cause(e)) == OX_TRAP_FUEL_EXHAUSTED);
    oxk_err_free(e);
    CHECK(call0(ex, "ok", 1) == 2); /* the budget is per call */
    CHECK(call0(ex, "ok", 2) == 3);
    oxk_executor_free(ex);

    ox_config cfg = {.max_memory_pages = 4};
    o = (oxk_executor_options){.engine_config = &cfg};
    ex = load_with("spin", &o);
    CHECK(call0(ex, "grow", 2) == 1);   /* 1 -> 3 pages */
    CHECK(call0(ex, "grow", 10) == -1); /* refused, not a crash or a trap */
    CHECK(call0(ex, "grow", 1) == 3);   /* up to the limit */
    oxk_executor_free(ex);

    /* the same limit holds for a 64-bit memory (memory64) */
    ex = load_with("grow64", &o);
    CHECK(call0(ex, "grow", 2) == 1);
    CHECK(call0(ex, "grow", 10) == -1);
    CHECK(call0(ex, "grow", 1) == 3);
    CHECK(call0(ex, "grow", 1) == -1);
    CHECK(call0(ex, "last", 200) == 200); /* the last byte of the 4 pages */
    oxk_executor_free(ex);

    /* the GC heap (3.0 GC) has its limit too: garbage is collected, and a
       guest that keeps everything gets a trap, not the host's memory */
    ox_config gcfg = {.max_gc_bytes = 1u << 20};
    o = (oxk_executor_options){.engine_config = &gcfg};
    ex = load_with("gc_hoard", &o);
    CHECK(call0(ex, "churn", 500) == 999 * 1000 / 2); /* 500,000 nodes through 1 MiB */
    e = EXPECT_ERR(oxk_executor_call_i32(ex, "hoard", 1, &r), OXK_ERR_WASM);
    CHECK_CONTAINS(oxk_err_message(e), "GC heap limit");
    CHECK(ox_error_trap(oxk_err_cause(e)) == OX_TRAP_GC_HEAP);
    oxk_err_free(e);
    oxk_executor_free(ex);
}

typedef struct {
    oxk_executor *ex;
    int n, ok;
} worker;

static void *hammer(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < w->n; i++) {
        int32_t r;
        oxk_err *e = oxk_executor_call_i32(w->ex, "count", 0, &r);
        w->ok += e == NULL;
        oxk_err_free(e);
    }
    return NULL;
}

static void calls_from_threads_are_serialised(void)
{
    int calls = 0;
    oxk_executor *ex = load_pure(&calls);
    worker a = {ex, 200, 0}, b = {ex, 200, 0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, hammer, &a);
    pthread_create(&tb, NULL, hammer, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(a.ok == 200 && b.ok == 200);
    CHECK(call0(ex, "count", 0) == 401); /* no lost updates */
    oxk_executor_free(ex);
}

int main(void)
{
    RUN(executor_can_run_pure_i32_function);
    RUN(missing_export_errors);
    RUN(call_json_round_trips_via_abi);
    RUN(call_json_output_limit);
    RUN(call_json_uses_the_memory_named_memory);
    RUN(load_errors_are_clear);
    RUN(exports_typed_calls_imports_and_traps);
    RUN(missing_or_mistyped_abi_exports);
    RUN(bad_pointers_from_the_guest);
    RUN(bad_output_from_the_guest);
    RUN(traps_in_each_call);
    RUN(buffers_are_freed_on_every_path);
    RUN(echo_guest_keeps_state);
    RUN(large_input_then_small_ones);
    RUN(compress_tools);
    RUN(calls_from_threads_are_serialised);
    RUN(resource_limits_stop_runaway_guests);
    return CHECK_DONE();
}
