/* hashtable.c — an open-addressing hash table (linear probing, tombstone-
   free deletion by backward shift) of 32-bit keys and values, much larger
   than the caches: inserts, lookups that hit and miss, deletions. The
   time is mostly cache misses; a fast runtime must not add much. */
#include <stdlib.h>

#include "harness.h"

const char bench_name[] = "hashtable";

typedef struct {
    uint32_t *keys; /* 0 = empty */
    uint32_t *vals;
    uint32_t mask, count;
} table;

static uint32_t hash32(uint32_t k)
{
    k ^= k >> 16;
    k *= 0x7feb352du;
    k ^= k >> 15;
    k *= 0x846ca68bu;
    return k ^ (k >> 16);
}

static void put(table *t, uint32_t k, uint32_t v)
{
    uint32_t i = hash32(k) & t->mask;
    while (t->keys[i] && t->keys[i] != k)
        i = (i + 1) & t->mask;
    if (!t->keys[i])
        t->count++;
    t->keys[i] = k;
    t->vals[i] = v;
}

static int get(const table *t, uint32_t k, uint32_t *v)
{
    uint32_t i = hash32(k) & t->mask;
    while (t->keys[i]) {
        if (t->keys[i] == k) {
            *v = t->vals[i];
            return 1;
        }
        i = (i + 1) & t->mask;
    }
    return 0;
}

static void del(table *t, uint32_t k)
{
    uint32_t i = hash32(k) & t->mask;
    while (t->keys[i] && t->keys[i] != k)
        i = (i + 1) & t->mask;
    if (!t->keys[i])
        return;
    t->count--;
    /* Backward-shift: move later entries of the run into the hole when
       their home slot lies at or before it, so probes stay unbroken. */
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & t->mask;
        if (!t->keys[j])
            break;
        uint32_t home = hash32(t->keys[j]) & t->mask;
        if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
            t->keys[i] = t->keys[j];
            t->vals[i] = t->vals[j];
            i = j;
        }
    }
    t->keys[i] = 0;
}

uint64_t bench_run(void)
{
    const uint32_t cap = 1u << 22; /* 4 Mi slots, 32 MiB */
    const uint32_t n = BENCH_PICK(1500000, 150000);
    const uint32_t rounds = 2; /* load stays under 60%: 2n - n/4 < cap */
    table t = {calloc(cap, 4), calloc(cap, 4), cap - 1, 0};
    if (!t.keys || !t.vals)
        return 0;
    uint64_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        uint32_t seed = 0x9e3779b9u + r;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t k = bench_rand(&seed) | 1;
            put(&t, k, i);
        }
        h = bench_mix(h, t.count);
        seed = 0x9e3779b9u + r;
        uint64_t found = 0, sum = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t k = bench_rand(&seed) | 1, v;
            if (get(&t, k, &v)) {
                found++;
                sum += v;
            }
            if (get(&t, k ^ 0x80000000u, &v)) /* mostly misses */
                sum += v;
        }
        h = bench_mix(h, found);
        h = bench_mix(h, sum);
        seed = 0x9e3779b9u + r;
        for (uint32_t i = 0; i < n; i += 2) {
            uint32_t k = bench_rand(&seed) | 1;
            bench_rand(&seed);
            del(&t, k);
        }
        h = bench_mix(h, t.count);
    }
    free(t.keys);
    free(t.vals);
    return h;
}
