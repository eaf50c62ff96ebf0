/* blur.c — an image filter: a [1 2 1] / 4 blur of an 8-bit grey image,
   rows then columns, repeated. Widening, adding, shifting and narrowing
   bytes: what clang vectorises with -msimd128 (bench-simd). */
#include <stdlib.h>

#include "harness.h"

const char bench_name[] = "blur";

#define W 1024
#define H 1024

uint64_t bench_run(void)
{
    const uint32_t rounds = BENCH_PICK(60, 6);
    uint8_t *img = malloc(W * H), *tmp = malloc(W * H);
    if (!img || !tmp)
        return 0;
    uint32_t seed = 7;
    for (uint32_t i = 0; i < W * H; i++)
        img[i] = (uint8_t)bench_rand(&seed);
    uint64_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        for (uint32_t y = 0; y < H; y++) { /* rows: edges kept */
            const uint8_t *s = img + y * W;
            uint8_t *d = tmp + y * W;
            d[0] = s[0];
            d[W - 1] = s[W - 1];
            for (uint32_t x = 1; x < W - 1; x++)
                d[x] = (uint8_t)((s[x - 1] + 2 * s[x] + s[x + 1] + 2) >> 2);
        }
        for (uint32_t x = 0; x < W; x++) { /* columns: the first and last rows kept */
            img[x] = tmp[x];
            img[(H - 1) * W + x] = tmp[(H - 1) * W + x];
        }
        for (uint32_t y = 1; y < H - 1; y++) {
            const uint8_t *a = tmp + (y - 1) * W, *b = tmp + y * W, *c = tmp + (y + 1) * W;
            uint8_t *d = img + y * W;
            for (uint32_t x = 0; x < W; x++)
                d[x] = (uint8_t)((a[x] + 2 * b[x] + c[x] + 2) >> 2);
        }
        /* sharpen the result a little so rounds do not converge to grey */
        for (uint32_t i = 0; i < W * H; i++)
            img[i] = (uint8_t)(img[i] ^ (uint8_t)(i * 31 + r));
        uint32_t sum = 0;
        for (uint32_t i = 0; i < W * H; i += 61)
            sum += img[i];
        h = bench_mix(h, sum);
    }
    free(img);
    free(tmp);
    return h;
}
