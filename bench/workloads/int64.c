/* int64.c — 64-bit integer arithmetic: deterministic Miller-Rabin over
   32-bit candidates (64-bit multiply, divide and remainder), splitmix64
   mixing, rotates, and a 64-bit LCG walk. Every operation is i64. */
#include "harness.h"

const char bench_name[] = "int64";

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) { return a * b % m; } /* m < 2^32 */

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m)
{
    uint64_t r = 1;
    b %= m;
    while (e) {
        if (e & 1)
            r = mulmod(r, b, m);
        b = mulmod(b, b, m);
        e >>= 1;
    }
    return r;
}

/* Deterministic for n < 2^32 with bases 2, 7 and 61. */
static int is_prime(uint64_t n)
{
    if (n < 2)
        return 0;
    static const uint64_t bases[3] = {2, 7, 61};
    for (int i = 0; i < 3; i++)
        if (n % bases[i] == 0)
            return n == bases[i];
    uint64_t d = n - 1;
    int s = 0;
    while (!(d & 1)) {
        d >>= 1;
        s++;
    }
    for (int i = 0; i < 3; i++) {
        uint64_t x = powmod(bases[i], d, n);
        if (x == 1 || x == n - 1)
            continue;
        int composite = 1;
        for (int k = 1; k < s; k++) {
            x = mulmod(x, x, n);
            if (x == n - 1) {
                composite = 0;
                break;
            }
        }
        if (composite)
            return 0;
    }
    return 1;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t bench_run(void)
{
    volatile uint32_t count = BENCH_PICK(5000000, 500000);
    uint64_t s = 42, h = 0, primes = 0, acc = 0x0123456789abcdefull;
    for (uint32_t i = 0; i < count; i++) {
        uint64_t r = splitmix(&s);
        uint64_t cand = (r >> 32) | 1;
        primes += (uint64_t)is_prime(cand);
        /* Signed 64-bit division and rotates on the side. */
        int64_t q = (int64_t)r / (int64_t)((r & 0xffff) + 3);
        acc = (acc << 13 | acc >> 51) ^ (uint64_t)q;
        acc = acc * 6364136223846793005ull + 1442695040888963407ull;
    }
    h = bench_mix(h, primes);
    return bench_mix(h, acc);
}
