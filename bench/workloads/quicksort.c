/* quicksort.c — sort arrays of random ints with a hand-written quicksort
   (median of three, insertion sort for short runs). Compares, swaps and
   unpredictable branches; recursion on the smaller half. */
#include <stdlib.h>

#include "harness.h"

const char bench_name[] = "quicksort";

static void insertion(int32_t *a, int32_t n)
{
    for (int32_t i = 1; i < n; i++) {
        int32_t v = a[i], j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(int32_t *a, int32_t n)
{
    while (n > 16) {
        int32_t m = n / 2, x = a[0], y = a[m], z = a[n - 1];
        int32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        int32_t i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            int32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* Recurse on the smaller side, loop on the larger: depth stays
           logarithmic, which matters with wasm32's 64 KiB default stack. */
        int32_t left = j + 1;
        if (left < n - left) {
            quicksort(a, left);
            a += left;
            n -= left;
        } else {
            quicksort(a + left, n - left);
            n = left;
        }
    }
    insertion(a, n);
}

uint64_t bench_run(void)
{
    const int32_t n = 1 << 20;
    const uint32_t rounds = BENCH_PICK(10, 1);
    int32_t *a = malloc(sizeof(int32_t) * (uint32_t)n);
    if (!a)
        return 0;
    uint32_t seed = 521288629u;
    uint64_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        /* Alternate uniform keys with many duplicates. */
        uint32_t mask = r & 1 ? 0xffffu : 0xffffffffu;
        for (int32_t i = 0; i < n; i++)
            a[i] = (int32_t)(bench_rand(&seed) & mask);
        quicksort(a, n);
        uint32_t sorted = 1;
        for (int32_t i = 1; i < n; i++)
            sorted &= a[i - 1] <= a[i];
        h = bench_mix(h, sorted);
        for (int32_t i = 0; i < n; i += 4099)
            h = bench_mix(h, (uint32_t)a[i]);
    }
    free(a);
    return h;
}
