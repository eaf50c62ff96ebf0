/* lz77.c — LZ77-style compression and decompression of generated text.
   The compressor finds matches through a hash of the next four bytes
   (one candidate per bucket, as in LZ4); the format is a byte stream of
   literal runs and (length, distance) copies. Byte loads and stores,
   hashing, short copies; the round trip is verified. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

const char bench_name[] = "lz77";

#define HASH_BITS 14
#define MIN_MATCH 4
#define MAX_DIST 65535u

static uint32_t load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4); /* little-endian on both targets */
    return v;
}

/* Variable-length count: 7 bits per byte, high bit = more. */
static uint8_t *put_varint(uint8_t *o, uint32_t v)
{
    while (v >= 0x80) {
        *o++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *o++ = (uint8_t)v;
    return o;
}

static const uint8_t *get_varint(const uint8_t *p, uint32_t *v)
{
    uint32_t r = 0;
    unsigned shift = 0;
    while (*p & 0x80) {
        r |= (uint32_t)(*p++ & 0x7f) << shift;
        shift += 7;
    }
    *v = r | (uint32_t)*p++ << shift;
    return p;
}

/* Stream: varint literal count, literals, varint match length (0 = end),
   2-byte distance; repeated. */
static uint32_t compress(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t *table)
{
    memset(table, 0, sizeof(uint32_t) << HASH_BITS);
    uint8_t *o = out;
    uint32_t anchor = 0, i = 0;
    while (i + MIN_MATCH <= n) {
        uint32_t key = load32(in + i);
        uint32_t slot = (key * 2654435761u) >> (32 - HASH_BITS);
        uint32_t cand = table[slot];
        table[slot] = i + 1; /* 0 means empty */
        if (cand && i - (cand - 1) <= MAX_DIST && load32(in + cand - 1) == key) {
            uint32_t m = cand - 1, len = MIN_MATCH;
            while (i + len < n && in[m + len] == in[i + len])
                len++;
            o = put_varint(o, i - anchor);
            memcpy(o, in + anchor, i - anchor);
            o += i - anchor;
            o = put_varint(o, len);
            uint32_t dist = i - m;
            *o++ = (uint8_t)dist;
            *o++ = (uint8_t)(dist >> 8);
            i += len;
            anchor = i;
        } else {
            i++;
        }
    }
    o = put_varint(o, n - anchor);
    memcpy(o, in + anchor, n - anchor);
    o += n - anchor;
    *o++ = 0;
    return (uint32_t)(o - out);
}

static uint32_t decompress(const uint8_t *in, uint8_t *out)
{
    uint8_t *o = out;
    for (;;) {
        uint32_t lits, len;
        in = get_varint(in, &lits);
        memcpy(o, in, lits);
        o += lits;
        in += lits;
        in = get_varint(in, &len);
        if (!len)
            break;
        uint32_t dist = in[0] | (uint32_t)in[1] << 8;
        in += 2;
        /* Byte by byte: source and destination may overlap (runs). */
        const uint8_t *src = o - dist;
        for (uint32_t k = 0; k < len; k++)
            o[k] = src[k];
        o += len;
    }
    return (uint32_t)(o - out);
}

uint64_t bench_run(void)
{
    static const char *words[] = {"agent", "tool", "kernel", "module", "message",
                                  "bus", "registry", "sandbox", "memory", "table",
                                  "the", "of", "and", "call", "return", "value"};
    const uint32_t n = 4u << 20;
    const uint32_t rounds = BENCH_PICK(28, 3);
    uint8_t *text = malloc(n);
    uint8_t *packed = malloc(n + n / 64 + 64);
    uint8_t *back = malloc(n);
    uint32_t *table = malloc(sizeof(uint32_t) << HASH_BITS);
    if (!text || !packed || !back || !table)
        return 0;
    uint32_t seed = 1597334677u, pos = 0;
    while (pos < n) {
        uint32_t r = bench_rand(&seed);
        const char *w = words[r & 15];
        uint32_t wl = (uint32_t)strlen(w);
        for (uint32_t k = 0; k < wl && pos < n; k++)
            text[pos++] = (uint8_t)w[k];
        if (pos < n)
            text[pos++] = (r >> 8) % 13 == 0 ? (uint8_t)('0' + (r >> 16) % 10) : ' ';
    }
    uint64_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        text[(r * 7919u) % n] = (uint8_t)('A' + r % 26);
        uint32_t clen = compress(text, n, packed, table);
        uint32_t dlen = decompress(packed, back);
        h = bench_mix(h, clen);
        h = bench_mix(h, dlen == n && memcmp(text, back, n) == 0);
    }
    free(text);
    free(packed);
    free(back);
    free(table);
    return h;
}
