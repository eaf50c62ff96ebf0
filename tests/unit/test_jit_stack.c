/*
 * test_jit_stack.c — compiled code and the C stack. A call checks the
 * stack before it enters a compiled function, not the function at its
 * entry (src/jit/jit.h, OX_JIT_FRAME_ROOM), and a function whose frame
 * may be bigger than the room left for it checks its own. Here recursion
 * with a depth limit far past what the thread's stack holds ends in "call
 * stack exhausted", never in a crash: on threads with stacks of several
 * sizes, through direct calls, call_indirect (the native entry), a
 * return_call, and a function whose frame is tens of KiB (each frame
 * keeps thousands of values across its call). After each trap the
 * same instance still runs a shallow call.
 * In a build without LLVM there is nothing to run.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oxide/wasm.h"
#include "test.h"

/* big(n): NBIG i64 locals, each a word of memory plus n, stored back;
   a call; then all of them summed. The call may change memory, so every
   value lives across it: each frame holds them all. */
#define NBIG 3000

static char *module_text(void)
{
    size_t cap = 4096 + (size_t)NBIG * 256;
    char *w = malloc(cap);
    if (!w)
        return NULL;
    size_t n = 0;
    n += (size_t)snprintf(w + n, cap - n,
        "(module\n"
        "  (type $ii (func (param i32) (result i32)))\n"
        "  (table 1 funcref) (elem (i32.const 0) $ind)\n"
        "  (func $down (export \"down\") (param i32) (result i32)\n"
        "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))\n"
        "      (else (i32.add (i32.const 1)\n"
        "        (i32.rotl (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))\n"
        "  (func $ind (export \"ind\") (param i32) (result i32)\n"
        "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))\n"
        "      (else (i32.add (i32.const 1) (i32.rotl\n"
        "        (call_indirect (type $ii) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0))\n"
        "        (i32.const 1))))))\n"
        /* a return_call that goes on forever needs no stack; one that
           recurses through an ordinary call between its tail calls does */
        "  (func $tail (export \"tail\") (param i32) (result i32)\n"
        "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))\n"
        "      (else (return_call $tail2 (local.get 0)))))\n"
        "  (func $tail2 (param i32) (result i32)\n"
        "    (i32.add (i32.const 1)\n"
        "      (i32.rotl (call $tail (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))\n"
        "  (memory %d)\n"
        "  (func (export \"big\") (param $n i32) (result i64)\n"
        "    (memory.fill (i32.const 0) (i32.const 0) (i32.const %d))\n"
        "    (call $big (local.get $n)))\n"
        "  (func $big (param $n i32) (result i64)\n", (NBIG * 8 + 65535) / 65536, NBIG * 8);
    for (int k = 0; k < NBIG; k++)
        n += (size_t)snprintf(w + n, cap - n, " (local $l%d i64)", k);
    n += (size_t)snprintf(w + n, cap - n, "\n    (if (i32.eqz (local.get $n)) (then (return (i64.const 0))))\n");
    for (int k = 0; k < NBIG; k++)
        n += (size_t)snprintf(w + n, cap - n,
                              "    (i64.store offset=%d (i32.const 0) (local.tee $l%d\n"
                              "      (i64.add (i64.load offset=%d (i32.const 0)) (i64.extend_i32_u (local.get $n)))))\n",
                              8 * k, k, 8 * k);
    n += (size_t)snprintf(w + n, cap - n, "    (call $big (i32.sub (local.get $n) (i32.const 1)))\n");
    for (int k = 0; k < NBIG; k++)
        n += (size_t)snprintf(w + n, cap - n, "    (i64.add (local.get $l%d))\n", k);
    snprintf(w + n, cap - n, "  )\n)\n");
    return w;
}

/* down(n) = 1 + rotl(down(n - 1), 1): no accumulator LLVM could turn
   the recursion into a loop with */
static int64_t down(int n)
{
    uint32_t r = 0;
    for (int k = 1; k <= n; k++)
        r = 1 + (r << 1 | r >> 31);
    return (int32_t)r;
}

typedef struct job {
    const char *fn;           /* the export to call */
    int32_t arg;              /* its argument */
    bool deep;                /* past what the stack holds: it must trap */
    int64_t want;             /* else its result */
    bool ok;
} job;

static ox_engine *eng;
static ox_module *mod; /* compiled once, instantiated by each thread */

/* fn(arg) gives what the job wants, or traps "call stack exhausted" if
   the job is deep; either way, the instance then still runs down(10). */
static bool call_ok(ox_instance *inst, const char *fn, int32_t arg, bool deep, int64_t want)
{
    ox_extern f;
    if (!ox_instance_export(inst, fn, &f) || !ox_func_is_compiled(f.of.func))
        return false;
    ox_val a = ox_val_i32(arg), r;
    ox_error *err = ox_func_call(f.of.func, &a, 1, &r, 1);
    int64_t got = !strcmp(fn, "big") ? r.of.i64 : r.of.i32;
    bool ok = deep ? err && strstr(ox_error_message(err), "call stack exhausted") : !err && got == want;
    if (!ok)
        fprintf(stderr, "  %s(%d): %s\n", fn, (int)arg, err ? ox_error_message(err) : "a wrong result");
    ox_error_free(err);
    return ok;
}

static void *run_job(void *arg)
{
    job *jb = arg;
    ox_store *s = NULL;
    ox_instance *inst = NULL;
    jb->ok = !ox_store_new(eng, &s) && !ox_instance_new(s, mod, NULL, 0, &inst) &&
             call_ok(inst, jb->fn, jb->arg, jb->deep, jb->want) && call_ok(inst, "down", 10, false, down(10));
    ox_store_free(s);
    return NULL;
}

/* The job on a thread with a stack of `size` bytes. */
static bool on_stack(size_t size, job jb)
{
    pthread_attr_t attr;
    pthread_t th;
    if (pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, size))
        return false;
    bool started = pthread_create(&th, &attr, run_job, &jb) == 0;
    pthread_attr_destroy(&attr);
    if (started)
        pthread_join(th, NULL);
    if (!jb.ok)
        fprintf(stderr, "  %s on a %zu KiB stack failed\n", jb.fn, size / 1024);
    return started && jb.ok;
}

int main(void)
{
    if (!ox_jit_available())
        return test_summary("jit-stack (no LLVM in this build)");
    char *w = module_text();
    CHECK(w != NULL);
    if (!w)
        return test_summary("jit-stack");
    /* a depth limit the stack cannot reach: the C stack check must stop it */
    ox_config cfg = {.tier = OX_TIER_JIT, .max_call_depth = 2000000};
    ox_engine *e = NULL;
    CHECK(!ox_engine_new(&cfg, &e));
    eng = e;
    ox_error *err = e ? ox_module_new(e, (const uint8_t *)w, strlen(w), &mod) : NULL;
    if (err)
        fprintf(stderr, "%s\n", ox_error_message(err));
    CHECK(e && !err);
    ox_error_free(err);
    free(w);
    if (!mod) {
        ox_engine_free(e);
        return test_summary("jit-stack");
    }
    /* big(2), memory zeroed: its locals hold 2, then 2 + 1 */
    int64_t big2 = (int64_t)NBIG * (2 + 3);
    static const size_t sizes[] = {64 * 1024, 256 * 1024, 8 * 1024 * 1024};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        CHECK(on_stack(sizes[k], (job){"down", 1900000, true, 0, false}));
        CHECK(on_stack(sizes[k], (job){"ind", 1900000, true, 0, false}));
        CHECK(on_stack(sizes[k], (job){"tail", 1900000, true, 0, false}));
        CHECK(on_stack(sizes[k], (job){"big", 1900000, true, 0, false}));
        CHECK(on_stack(sizes[k], (job){"down", 100, false, down(100), false}));
        CHECK(on_stack(sizes[k], (job){"ind", 100, false, down(100), false}));
        CHECK(on_stack(sizes[k], (job){"tail", 100, false, down(100), false}));
    }
    CHECK(on_stack(8 * 1024 * 1024, (job){"big", 2, false, big2, false}));
    ox_module_free(mod);
    ox_engine_free(e);
    return test_summary("jit-stack");
}
