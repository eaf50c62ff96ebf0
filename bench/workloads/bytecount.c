/* bytecount.c — byte search over a buffer, memchr-like: count the bytes
   equal to each of several needles and find where each first occurs
   after a moving start. Compare-and-count loops: what clang vectorises
   with -msimd128 (bench-simd). */
#include <stdlib.h>

#include "harness.h"

const char bench_name[] = "bytecount";

static uint32_t count(const uint8_t *p, uint32_t n, uint8_t c)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        k += p[i] == c;
    return k;
}

/* Index of the first c at or after `from`, or n. */
static uint32_t find(const uint8_t *p, uint32_t n, uint32_t from, uint8_t c)
{
    for (uint32_t i = from; i < n; i++)
        if (p[i] == c)
            return i;
    return n;
}

uint64_t bench_run(void)
{
    const uint32_t len = 1u << 20;
    const uint32_t rounds = BENCH_PICK(300, 30);
    uint8_t *buf = malloc(len);
    if (!buf)
        return 0;
    uint32_t seed = 2463534242u;
    for (uint32_t i = 0; i < len; i++) /* text-like: mostly letters, rare controls */
        buf[i] = (uint8_t)(97 + bench_rand(&seed) % 26);
    for (uint32_t i = 0; i < 64; i++)
        buf[bench_rand(&seed) % len] = (uint8_t)(bench_rand(&seed) % 10);
    uint64_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        h = bench_mix(h, count(buf, len, (uint8_t)(97 + r % 26)));
        h = bench_mix(h, find(buf, len, (r * 7919u) % len, (uint8_t)(r % 10)));
    }
    free(buf);
    return h;
}
