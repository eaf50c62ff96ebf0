/* crc32.c — CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320),
   table-driven one byte at a time: a load-xor-shift dependency chain. */
#include <stdlib.h>

#include "harness.h"

const char bench_name[] = "crc32";

static uint32_t crc32(const uint32_t table[256], uint32_t crc, const uint8_t *p, uint32_t n)
{
    crc = ~crc;
    for (uint32_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint64_t bench_run(void)
{
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    /* Known answer: CRC-32("123456789") = 0xCBF43926. */
    uint64_t h = bench_mix(0, crc32(table, 0, (const uint8_t *)"123456789", 9) == 0xCBF43926u);

    const uint32_t len = 1u << 20;
    const uint32_t rounds = BENCH_PICK(400, 40);
    uint8_t *buf = malloc(len);
    if (!buf)
        return 0;
    uint32_t seed = 88172645u;
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (uint8_t)bench_rand(&seed);
    uint32_t crc = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        crc = crc32(table, crc, buf, len);
        buf[r % len] ^= (uint8_t)crc;
        h = bench_mix(h, crc);
    }
    free(buf);
    return h;
}
