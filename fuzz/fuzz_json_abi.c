/*
 * fuzz_json_abi.c — libFuzzer harness: the kernel executor's JSON guest ABI
 * (oxide/kernel/executor.h) against a hostile guest whose every answer comes from
 * the fuzz input: the pointers alloc returns, the packed (ptr << 32 | len)
 * oxide_invoke returns, the bytes it leaves in memory as "output", and
 * whether it traps, spins or grows memory mid-call. Three calls per input
 * on one executor, because the instance must stay usable after any of it.
 * Crashes, leaks, hangs and sanitizer reports are bugs; errors are fine.
 *
 * Input: byte 0 = method length k (mod 32), k method bytes, then a stream
 * read by the guest's imports: next32 (4 bytes LE), next64 (8 bytes LE),
 * fill (2-byte length n, then n bytes copied to memory at 0x8000); an
 * exhausted stream reads as zeros.
 *
 * The guest, assembled by `oxide wat2wasm` from this text (kept here so it can be
 * rebuilt; oxide_invoke's result 0/1/2/3 selects the special behaviours):
 * (module
 *   (import "env" "next32" (func $n32 (result i32)))
 *   (import "env" "next64" (func $n64 (result i64)))
 *   (import "env" "fill" (func $fill (param i32) (result i32)))
 *   (memory (export "memory") 1 4)
 *   (func (export "alloc") (param i32) (result i32) (call $n32))
 *   (func (export "free") (param i32 i32)
 *     (if (i32.eq (call $n32) (i32.const 0x7fff0000)) (then (unreachable))))
 *   (func (export "oxide_invoke") (param i32 i32 i32 i32) (result i64)
 *     (local $n i32) (local $r i64)
 *     (local.set $r (call $n64))
 *     (local.set $n (call $fill (i32.const 0x8000)))
 *     (if (i64.eq (local.get $r) (i64.const 0))
 *       (then (return (i64.or (i64.const 0x800000000000) (i64.extend_i32_u (local.get $n))))))
 *     (if (i64.eq (local.get $r) (i64.const 1)) (then (unreachable)))
 *     (if (i64.eq (local.get $r) (i64.const 2)) (then (loop $l (br $l))))
 *     (if (i64.eq (local.get $r) (i64.const 3)) (then (drop (memory.grow (i32.const 3)))))
 *     (local.get $r)))
 */
#include <stdint.h>
#include <string.h>

#include "oxide/kernel/executor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t guest_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x1b, 0x05, 0x60,
    0x00, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7e, 0x60, 0x01, 0x7f, 0x01, 0x7f,
    0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01,
    0x7e, 0x02, 0x26, 0x03, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6e, 0x65, 0x78,
    0x74, 0x33, 0x32, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6e, 0x65,
    0x78, 0x74, 0x36, 0x34, 0x00, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x66,
    0x69, 0x6c, 0x6c, 0x00, 0x02, 0x03, 0x04, 0x03, 0x02, 0x03, 0x04, 0x05,
    0x04, 0x01, 0x01, 0x01, 0x04, 0x07, 0x28, 0x04, 0x06, 0x6d, 0x65, 0x6d,
    0x6f, 0x72, 0x79, 0x02, 0x00, 0x05, 0x61, 0x6c, 0x6c, 0x6f, 0x63, 0x00,
    0x03, 0x04, 0x66, 0x72, 0x65, 0x65, 0x00, 0x04, 0x0c, 0x6f, 0x78, 0x69,
    0x64, 0x65, 0x5f, 0x69, 0x6e, 0x76, 0x6f, 0x6b, 0x65, 0x00, 0x05, 0x0a,
    0x63, 0x03, 0x04, 0x00, 0x10, 0x00, 0x0b, 0x0f, 0x00, 0x10, 0x00, 0x41,
    0x80, 0x80, 0xfc, 0xff, 0x07, 0x46, 0x04, 0x40, 0x00, 0x0b, 0x0b, 0x4c,
    0x02, 0x01, 0x7f, 0x01, 0x7e, 0x10, 0x01, 0x21, 0x05, 0x41, 0x80, 0x80,
    0x02, 0x10, 0x02, 0x21, 0x04, 0x20, 0x05, 0x42, 0x00, 0x51, 0x04, 0x40,
    0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x20, 0x04, 0xad, 0x84,
    0x0f, 0x0b, 0x20, 0x05, 0x42, 0x01, 0x51, 0x04, 0x40, 0x00, 0x0b, 0x20,
    0x05, 0x42, 0x02, 0x51, 0x04, 0x40, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b,
    0x20, 0x05, 0x42, 0x03, 0x51, 0x04, 0x40, 0x41, 0x03, 0x40, 0x00, 0x1a,
    0x0b, 0x20, 0x05, 0x0b,
};

typedef struct stream {
    const uint8_t *p;
    size_t n;
} stream;

static uint64_t take(stream *s, size_t bytes)
{
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; i++) {
        uint64_t b = s->n ? (s->n--, *s->p++) : 0;
        v |= b << (8 * i);
    }
    return v;
}

static ox_error *next32(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    (void)c, (void)args;
    results[0] = ox_val_i32((int32_t)(uint32_t)take(user, 4));
    return NULL;
}

static ox_error *next64(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    (void)c, (void)args;
    results[0] = ox_val_i64((int64_t)take(user, 8));
    return NULL;
}

/* fill(at) -> n: copy the next n stream bytes to memory at `at`. */
static ox_error *fill(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    stream *s = user;
    size_t n = (size_t)take(s, 2);
    if (n > s->n)
        n = s->n;
    ox_memory *m = ox_caller_memory(c);
    ox_error *e = m ? ox_memory_write(m, (uint32_t)args[0].of.i32, s->p, n) : NULL;
    s->p += n;
    s->n -= n;
    results[0] = ox_val_i32((int32_t)n);
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t k = data[0] % 32;
    if (k > size - 1)
        k = size - 1;
    char method[33];
    for (size_t i = 0; i < k; i++)
        method[i] = data[1 + i] ? (char)data[1 + i] : 'x'; /* a C string: no NULs */
    method[k] = 0;
    stream s = {data + 1 + k, size - 1 - k};

    static const ox_valtype I32[] = {OX_I32}, I64[] = {OX_I64};
    oxk_host_import imports[] = {
        {"env", "next32", {0, 1, NULL, I32}, next32, &s},
        {"env", "next64", {0, 1, NULL, I64}, next64, &s},
        {"env", "fill", {1, 1, I32, I32}, fill, &s},
    };
    /* A small value stack: the default (1M slots) costs more to allocate per
       input than the whole call. */
    ox_config cfg = {.max_memory_pages = 4, .max_call_depth = 200, .max_stack_slots = 4096};
    oxk_executor_options opts = {.engine_config = &cfg, .fuel = 20000, .timeout_ms = 2000,
                                .imports = imports, .nimports = 3};
    oxk_executor *ex;
    oxk_err *err = oxk_executor_from_bytes(guest_wasm, sizeof guest_wasm, &opts, &ex);
    if (err) {
        /* The guest is fixed and valid: failing to load it is a bug. */
        __builtin_trap();
    }
    json_t *in = json_pack("{s:[i,s]}", "a", 1, "b");
    for (int call = 0; call < 3 && in; call++) {
        json_t *out = NULL;
        oxk_err *e = oxk_executor_call_json(ex, method, in, &out);
        /* Exactly one of an error and a result. */
        if ((e == NULL) == (out == NULL))
            __builtin_trap();
        if (e && !oxk_err_message(e)[0])
            __builtin_trap(); /* every error must say something */
        oxk_err_free(e);
        json_decref(out);
    }
    json_decref(in);
    oxk_executor_free(ex);
    return 0;
}
