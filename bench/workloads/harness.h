/*
 * harness.h — the contract between a benchmark workload and its drivers.
 *
 * Each workload file defines `bench_name` and `bench_run()`. bench_run()
 * does all the work and returns a 64-bit checksum of everything it
 * computed, so no compiler can drop the work and every runtime can be
 * checked against native code. Two drivers use it:
 *   harness.c      a WASI/native command: main() prints the checksum;
 *   (none)         a wasm32 "reactor" that exports bench_run directly, for
 *                  runtimes without WASI (Debian's wasm-interp).
 *
 * Sizes: BENCH_QUICK (set by `bench/run --quick`) shrinks the work by about
 * ten so a smoke run of every runtime finishes in seconds. The full size
 * is chosen so gcc -O2 native code takes about 0.5-2 s.
 *
 * Workloads use only fixed-width types: wasm32 has 32-bit long and
 * size_t, and the checksum must not depend on the target.
 */
#ifndef OX_BENCH_HARNESS_H
#define OX_BENCH_HARNESS_H

#include <stdint.h>

#ifdef BENCH_QUICK
#define BENCH_PICK(full, quick) (quick)
#else
#define BENCH_PICK(full, quick) (full)
#endif

extern const char bench_name[];
uint64_t bench_run(void);

/* A small deterministic generator (xorshift32) for workload inputs. */
static inline uint32_t bench_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* Fold a value into a running checksum (FNV-1a-like, 64-bit). */
static inline uint64_t bench_mix(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= 0x100000001b3ull;
    return h ^ (h >> 29);
}

#endif
