/* fib.c — call-heavy recursion: naive Fibonacci. Measures the cost of a
   call and a return more than anything else. */
#include "harness.h"

const char bench_name[] = "fib";

/* noinline keeps the recursion real under every compiler. */
__attribute__((noinline)) static uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

uint64_t bench_run(void)
{
    /* volatile: the argument must not be known at compile time. */
    volatile uint32_t n = BENCH_PICK(41, 32);
    uint64_t h = 0;
    for (uint32_t i = 0; i < 2; i++)
        h = bench_mix(h, fib(n - i));
    return h;
}
