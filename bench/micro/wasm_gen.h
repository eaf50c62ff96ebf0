/*
 * wasm_gen.h — generate WebAssembly binaries in memory for the
 * micro-benchmarks, so the figures need no toolchain and the module sizes
 * are whatever we ask for.
 *
 * Ownership: a wbuf owns its bytes; wbuf_free() releases them. Generators
 * append to a zero-initialised wbuf and return false on out-of-memory.
 */
#ifndef OX_BENCH_WASM_GEN_H
#define OX_BENCH_WASM_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wbuf {
    uint8_t *p;
    size_t len, cap;
    bool oom; /* sticky: any failed append sets it */
} wbuf;

void wbuf_free(wbuf *b);

/* A module of `nfuncs` generated functions of type (i32, i32) -> i32, each
   of `stmts` statements mixing i32/i64/f64 arithmetic, loads and stores,
   blocks, loops, ifs, selects and calls to earlier functions — code the
   way a compiler emits it, for decode/validate/compile timing. It also
   exports "memory" and "id": (i32) -> i32, returning its argument, the
   trivial export for call-overhead figures. `seed` varies the code. */
bool gen_module(wbuf *out, uint32_t nfuncs, uint32_t stmts, uint32_t seed);

/* A JSON-ABI guest (see oxide/kernel/executor.h) whose oxide_invoke copies the
   input to a fresh buffer and returns it: the smallest correct tool, so a
   call_json round trip measures the host side only. alloc is a ring
   allocator over 128 KiB; free does nothing. */
bool gen_echo_guest(wbuf *out);

#endif
