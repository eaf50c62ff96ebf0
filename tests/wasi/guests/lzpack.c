/* lzpack.c — a small LZSS compressor, the "larger real program" of the
   WASI tests. Usage:
     lzpack c IN OUT    compress IN into OUT
     lzpack d IN OUT    decompress IN into OUT
     lzpack t IN DIR    round trip IN through DIR/IN.lz and DIR/IN.out,
                        check the result, print sizes and CRCs
   Format: "OXLZ", u32 size, u32 crc32 of the original (little-endian),
   then groups of 8 tokens led by a flag byte (bit i set: token i is a
   match). A literal is one byte; a match is two bytes: 12-bit distance-1
   and 4-bit length-3 (lengths 3..18 within a 4 KiB window). Matches are
   found with hash chains, so the output is the same on every platform. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 4096
#define MIN_MATCH 3
#define MAX_MATCH 18
#define HASH_BITS 13
#define MAX_CHAIN 64

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--)
        c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    size_t cap = 65536, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static int write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned hash3(const uint8_t *p)
{
    return ((unsigned)p[0] << 16 ^ (unsigned)p[1] << 8 ^ p[2]) * 2654435761u >> (32 - HASH_BITS);
}

/* Worst case: every token a literal, one flag byte per 8 tokens. */
static uint8_t *compress(const uint8_t *in, size_t n, size_t *outlen)
{
    uint8_t *out = malloc(12 + n + n / 8 + 1);
    int32_t *head = malloc(sizeof(int32_t) << HASH_BITS);
    int32_t *prev = malloc(sizeof(int32_t) * (n ? n : 1));
    if (!out || !head || !prev) {
        free(out);
        free(head);
        free(prev);
        return NULL;
    }
    for (size_t i = 0; i < (1u << HASH_BITS); i++)
        head[i] = -1;
    memcpy(out, "OXLZ", 4);
    put32(out + 4, (uint32_t)n);
    put32(out + 8, crc32(in, n));
    size_t o = 12, flagpos = 0;
    int ntok = 8;
    size_t i = 0;
    while (i < n) {
        if (ntok == 8) {
            flagpos = o++;
            out[flagpos] = 0;
            ntok = 0;
        }
        size_t best = 0, dist = 0;
        if (i + MIN_MATCH <= n) {
            int chain = 0;
            for (int32_t j = head[hash3(in + i)]; j >= 0 && i - (size_t)j <= WINDOW &&
                                                  chain < MAX_CHAIN;
                 j = prev[j], chain++) {
                size_t len = 0;
                while (len < MAX_MATCH && i + len < n && in[j + len] == in[i + len])
                    len++;
                if (len > best) {
                    best = len;
                    dist = i - (size_t)j;
                }
            }
        }
        size_t step = 1;
        if (best >= MIN_MATCH) {
            out[flagpos] |= (uint8_t)(1u << ntok);
            unsigned code = (unsigned)((dist - 1) << 4 | (best - MIN_MATCH));
            out[o++] = (uint8_t)(code >> 8);
            out[o++] = (uint8_t)code;
            step = best;
        } else {
            out[o++] = in[i];
        }
        ntok++;
        for (size_t k = 0; k < step; k++, i++) {
            if (i + MIN_MATCH <= n) {
                unsigned h = hash3(in + i);
                prev[i] = head[h];
                head[h] = (int32_t)i;
            }
        }
    }
    free(head);
    free(prev);
    *outlen = o;
    return out;
}

static uint8_t *decompress(const uint8_t *in, size_t n, size_t *outlen)
{
    if (n < 12 || memcmp(in, "OXLZ", 4)) {
        fprintf(stderr, "lzpack: not an OXLZ stream\n");
        return NULL;
    }
    size_t size = get32(in + 4), o = 0, i = 12;
    uint8_t *out = malloc(size ? size : 1);
    if (!out)
        return NULL;
    while (o < size) {
        if (i >= n)
            goto corrupt;
        uint8_t flags = in[i++];
        for (int t = 0; t < 8 && o < size; t++) {
            if (flags >> t & 1) {
                if (i + 2 > n)
                    goto corrupt;
                unsigned code = (unsigned)in[i] << 8 | in[i + 1];
                i += 2;
                size_t dist = (code >> 4) + 1, len = (code & 15) + MIN_MATCH;
                if (dist > o || o + len > size)
                    goto corrupt;
                for (size_t k = 0; k < len; k++, o++)
                    out[o] = out[o - dist];
            } else {
                if (i >= n)
                    goto corrupt;
                out[o++] = in[i++];
            }
        }
    }
    if (crc32(out, size) != get32(in + 8)) {
        fprintf(stderr, "lzpack: CRC mismatch\n");
        free(out);
        return NULL;
    }
    *outlen = size;
    return out;
corrupt:
    fprintf(stderr, "lzpack: corrupt stream at byte %zu\n", i);
    free(out);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4 || strlen(argv[1]) != 1 || !strchr("cdt", argv[1][0])) {
        fprintf(stderr, "usage: lzpack c|d|t IN OUT|DIR\n");
        return 2;
    }
    crc_init();
    size_t n, m = 0, k = 0;
    uint8_t *in = read_file(argv[2], &n);
    if (!in)
        return 1;
    uint8_t *out = NULL, *packed = NULL, *orig = NULL;
    int status = 1;
    switch (argv[1][0]) {
    case 'c':
        out = compress(in, n, &m);
        status = !out || write_file(argv[3], out, m) ? 1 : 0;
        break;
    case 'd':
        out = decompress(in, n, &m);
        status = !out || write_file(argv[3], out, m) ? 1 : 0;
        break;
    default: {
        char lz[1024], back[1024];
        const char *base = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2];
        snprintf(lz, sizeof lz, "%s/%s.lz", argv[3], base);
        snprintf(back, sizeof back, "%s/%s.out", argv[3], base);
        out = compress(in, n, &m);
        if (!out || write_file(lz, out, m))
            break;
        packed = read_file(lz, &m);
        orig = packed ? decompress(packed, m, &k) : NULL;
        if (!orig || write_file(back, orig, k))
            break;
        int same = k == n && !memcmp(orig, in, n);
        printf("input %zu bytes crc %08x\n", n, crc32(in, n));
        printf("packed %zu bytes crc %08x (%.1f%%)\n", m, crc32(packed, m),
               n ? 100.0 * (double)m / (double)n : 0.0);
        printf("round trip %s\n", same ? "identical" : "DIFFERENT");
        status = same ? 0 : 1;
        break;
    }
    }
    free(in);
    free(out);
    free(packed);
    free(orig);
    return status;
}
