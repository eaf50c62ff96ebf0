/* matmul.c — double-precision matrix multiply (i-k-j order), repeated.
   The inner loop is what clang vectorises with -msimd128 (bench-simd).
   Float loads, multiplies and adds in a tight inner loop. */
#include <stdlib.h>

#include "harness.h"

const char bench_name[] = "matmul";

#define N 256

uint64_t bench_run(void)
{
    const uint32_t rounds = BENCH_PICK(80, 8);
    double *a = malloc(sizeof(double) * N * N);
    double *b = malloc(sizeof(double) * N * N);
    double *c = malloc(sizeof(double) * N * N);
    if (!a || !b || !c)
        return 0;
    uint32_t seed = 12345;
    for (uint32_t i = 0; i < N * N; i++) {
        a[i] = (double)(bench_rand(&seed) % 1000) / 997.0 - 0.5;
        b[i] = (double)(bench_rand(&seed) % 1000) / 991.0 - 0.5;
    }
    uint64_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        for (uint32_t i = 0; i < N * N; i++)
            c[i] = 0.0;
        for (uint32_t i = 0; i < N; i++)
            for (uint32_t k = 0; k < N; k++) {
                double aik = a[i * N + k];
                for (uint32_t j = 0; j < N; j++)
                    c[i * N + j] += aik * b[k * N + j];
            }
        double trace = 0.0;
        for (uint32_t i = 0; i < N; i++)
            trace += c[i * N + (i * 7 + r) % N];
        /* Scaled to an integer: the operations are IEEE-exact and ordered,
           so every target computes the same bits. */
        h = bench_mix(h, (uint64_t)(int64_t)(trace * 1e9));
        /* Feed the result back so rounds differ. */
        double *t = a;
        a = c;
        c = t;
        for (uint32_t i = 0; i < N * N; i++)
            a[i] *= 0.125;
    }
    free(a);
    free(b);
    free(c);
    return h;
}
