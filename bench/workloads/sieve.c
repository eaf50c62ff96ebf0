/* sieve.c — integer loops over a byte array: the sieve of Eratosthenes,
   repeated. Tight loads, stores and compares; little arithmetic. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

const char bench_name[] = "sieve";

uint64_t bench_run(void)
{
    const uint32_t n = 8u << 20; /* 8 Mi candidates: larger than L2 */
    const uint32_t rounds = BENCH_PICK(30, 3);
    uint8_t *composite = malloc(n + 1);
    if (!composite)
        return 0;
    uint64_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        uint32_t limit = n - r * 1024; /* vary the bound so no round repeats */
        memset(composite, 0, limit + 1);
        uint32_t count = 0;
        uint64_t sum = 0;
        for (uint32_t i = 2; i <= limit; i++) {
            if (composite[i])
                continue;
            count++;
            sum += i;
            for (uint64_t j = (uint64_t)i * i; j <= limit; j += i)
                composite[j] = 1;
        }
        h = bench_mix(h, count);
        h = bench_mix(h, sum);
    }
    free(composite);
    return h;
}
