/* checksum.c — a checksum of 32-bit words made of two running reductions
   (a multiply-add sum and a xor of mixed words), block by block, the
   shape of the data checksums clang vectorises with -msimd128
   (bench-simd). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

const char bench_name[] = "checksum";

static uint64_t sum2(const uint32_t *w, uint32_t n, uint32_t seed)
{
    uint32_t a = seed, x = ~seed;
    for (uint32_t i = 0; i < n; i++) {
        a += w[i] * 0x01000193u;
        x ^= w[i] + (w[i] << 5) + (w[i] >> 3);
    }
    return (uint64_t)a << 32 | x;
}

uint64_t bench_run(void)
{
    const uint32_t n = 1u << 18; /* words: 1 MiB */
    const uint32_t rounds = BENCH_PICK(800, 80);
    uint32_t *buf = malloc(n * sizeof *buf);
    if (!buf)
        return 0;
    uint32_t seed = 88675123u;
    for (uint32_t i = 0; i < n; i++)
        buf[i] = bench_rand(&seed);
    uint64_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        uint64_t x = sum2(buf, n, r);
        buf[r % n] ^= (uint32_t)x;
        h = bench_mix(h, x);
    }
    free(buf);
    return h;
}
