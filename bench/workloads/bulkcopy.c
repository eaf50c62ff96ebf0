/* bulkcopy.c — the memcopy workload compiled for wasm with the
   bulk-memory feature, so its memcpy/memmove/memset become the
   memory.copy and memory.fill instructions instead of wasi-libc's C
   loops (clang 14 leaves bulk memory off by default; newer toolchains
   turn it on). bench/run reads the flag from the line below.
   bench-wasm-cflags: -mbulk-memory */
#define MEMCOPY_NAME "bulkcopy"
#include "memcopy.c"
