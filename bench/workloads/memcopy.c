/* memcopy.c — memory-copy-heavy: memcpy, memmove (overlapping both ways)
   and memset of blocks from a few bytes to 64 KiB across a 16 MiB arena,
   as a runtime's bulk-memory path and the libc's copy loops see them. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#ifndef MEMCOPY_NAME /* bulkcopy.c reuses this file under its own name */
#define MEMCOPY_NAME "memcopy"
#endif
const char bench_name[] = MEMCOPY_NAME;

uint64_t bench_run(void)
{
    const uint32_t arena = 16u << 20;
    const uint32_t ops = BENCH_PICK(2400000, 240000);
    uint8_t *a = malloc(arena);
    if (!a)
        return 0;
    uint32_t seed = 0xdeadbeefu;
    for (uint32_t i = 0; i < arena; i += 4) {
        uint32_t v = bench_rand(&seed);
        memcpy(a + i, &v, 4);
    }
    uint64_t h = 0;
    for (uint32_t k = 0; k < ops; k++) {
        uint32_t r = bench_rand(&seed);
        /* Sizes: mostly small, some large; a log-uniform spread. */
        uint32_t len = 1u + (bench_rand(&seed) & ((1u << (r % 17)) - 1));
        uint32_t src = bench_rand(&seed) % (arena - len);
        uint32_t dst = bench_rand(&seed) % (arena - len);
        switch ((r >> 8) & 3) {
        case 0:
        case 1:
            memmove(a + dst, a + src, len); /* may overlap: memmove */
            break;
        case 2: {
            uint32_t shift = 1 + (r >> 16) % 64; /* overlapping by design */
            if (src + shift + len < arena)
                memmove(a + src + shift, a + src, len);
            break;
        }
        default:
            memset(a + dst, (int)(r >> 24), len);
            break;
        }
        h = bench_mix(h, a[dst] | (uint32_t)a[(dst + len) % arena] << 8);
    }
    for (uint32_t i = 0; i < arena; i += 4096)
        h = bench_mix(h, a[i]);
    free(a);
    return h;
}
