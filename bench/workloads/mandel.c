/* mandel.c — single-precision float loop: escape-time Mandelbrot. Mostly
   f32 multiplies, adds and compares, with a data-dependent exit. */
#include "harness.h"

const char bench_name[] = "mandel";

uint64_t bench_run(void)
{
    volatile uint32_t size = BENCH_PICK(2200, 700); /* pixels per side */
    const uint32_t max_iter = 200;
    uint64_t h = 0, total = 0;
    for (uint32_t py = 0; py < size; py++) {
        float ci = -1.25f + 2.5f * (float)py / (float)size;
        uint32_t row = 0;
        for (uint32_t px = 0; px < size; px++) {
            float cr = -2.0f + 2.5f * (float)px / (float)size;
            float zr = 0.0f, zi = 0.0f;
            uint32_t it = 0;
            while (it < max_iter) {
                float zr2 = zr * zr, zi2 = zi * zi;
                if (zr2 + zi2 > 4.0f)
                    break;
                zi = 2.0f * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                it++;
            }
            row = row * 31 + it;
            total += it;
        }
        h = bench_mix(h, row);
    }
    return bench_mix(h, total);
}
