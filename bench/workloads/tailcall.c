/* tailcall.c — a state machine written as functions that tail-call each
   other: a tokenizer over generated text, one call per byte, each state a
   function. Compiled for wasm with tail calls, every transition is a
   return_call (WebAssembly 3.0); natively, a jump. Measures what a call that
   replaces its caller costs.
   bench-wasm-cflags: -mtail-call */
#include "harness.h"

const char bench_name[] = "tailcall";

#if defined(__clang__)
#define TAIL __attribute__((musttail)) return
#else
#define TAIL return /* gcc -O2 makes these sibling calls jumps */
#endif

typedef struct counts {
    uint32_t words, numbers, symbols, longest, run;
} counts;

typedef uint32_t state(const uint8_t *p, const uint8_t *end, counts *c);
static state in_space, in_word, in_number;

static uint32_t finish(counts *c)
{
    return c->words * 7u + c->numbers * 5u + c->symbols * 3u + c->longest;
}

/* the start of a token: which state comes next */
__attribute__((noinline)) static uint32_t in_space(const uint8_t *p, const uint8_t *end, counts *c)
{
    if (p == end)
        return finish(c);
    uint8_t b = *p;
    if (b >= 'a' && b <= 'z') {
        c->words++;
        c->run = 1;
        TAIL in_word(p + 1, end, c);
    }
    if (b >= '0' && b <= '9') {
        c->numbers++;
        TAIL in_number(p + 1, end, c);
    }
    if (b != ' ')
        c->symbols++;
    TAIL in_space(p + 1, end, c);
}

__attribute__((noinline)) static uint32_t in_word(const uint8_t *p, const uint8_t *end, counts *c)
{
    if (c->run > c->longest)
        c->longest = c->run;
    if (p == end)
        return finish(c);
    if (*p >= 'a' && *p <= 'z') {
        c->run++;
        TAIL in_word(p + 1, end, c);
    }
    TAIL in_space(p, end, c);
}

__attribute__((noinline)) static uint32_t in_number(const uint8_t *p, const uint8_t *end, counts *c)
{
    if (p == end)
        return finish(c);
    if (*p >= '0' && *p <= '9')
        TAIL in_number(p + 1, end, c);
    TAIL in_space(p, end, c);
}

enum { LEN = BENCH_PICK(1 << 22, 1 << 18) };
static uint8_t text[LEN];

uint64_t bench_run(void)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz   0123456789.,;";
    uint32_t seed = 12345;
    for (uint32_t i = 0; i < LEN; i++)
        text[i] = (uint8_t)alphabet[bench_rand(&seed) % (sizeof alphabet - 1)];
    uint64_t h = 0;
    for (uint32_t pass = 0; pass < 40; pass++) {
        text[pass] = (uint8_t)('a' + pass % 26); /* each pass a different text */
        counts c = {0, 0, 0, 0, 0};
        h = bench_mix(h, in_space(text, text + LEN, &c));
    }
    return h;
}
