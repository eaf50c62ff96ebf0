/*
 * jit_cache.c — compiled code kept on disk, so a module's second run
 * starts compiled.
 *
 * One file per module and compiler identity, named by a 64-bit hash of
 * both: the module's bytes, and everything the machine code depends on
 * besides them (this engine's version and the layout of the runtime
 * structures compiled code reads, LLVM's version, the CPU and its
 * features). The file holds the module's bytes too, compared in full on
 * reading, so a hash collision is a cache miss, never the wrong code.
 *
 *   "OXJIT\0\0\1"  magic and format
 *   u64 key, u64 module length, u32 functions, u64 object length
 *   the module's bytes; one byte per defined function (1: compiled);
 *   the object file
 *
 * Files are written whole to a temporary name and renamed into place, so
 * a reader sees a complete file or none; a file that does not parse is a
 * miss (and is replaced). Nothing here is trusted beyond the user's own
 * cache directory: whoever can write there can run code as the user.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jit_cache.h"

static const char magic[8] = {'O', 'X', 'J', 'I', 'T', 0, 0, 1};

uint64_t oxj_hash(const void *p, size_t n, uint64_t h)
{
    /* Eight bytes a step, each word mixed in by a multiply and a shift,
       then MurmurHash3's finaliser: hashing a module must cost little next
       to loading it (FNV-1a, a byte a step, was a tenth of instantiating a
       3.7 KB module in an auto engine). Collisions only cost a miss (see
       above). */
    const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);
    const uint8_t *b = p;
    h ^= (uint64_t)n * k;
    for (; n >= 8; b += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, b, n);
        h = (h ^ w ^ 0xff) * k;
        h ^= h >> 29;
    }
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    return h ^ (h >> 33);
}

/* mkdir -p, owner only. */
static bool make_dirs(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path)
        return false;
    memcpy(path, dir, n + 1);
    for (size_t k = 1; k <= n; k++) {
        if (path[k] == '/' || path[k] == 0) {
            char c = path[k];
            path[k] = 0;
            if (mkdir(path, 0700) != 0 && errno != EEXIST)
                return false;
            path[k] = c;
        }
    }
    return true;
}

bool oxj_cache_path(const char *dir, uint64_t key, char *buf, size_t n)
{
    int w = snprintf(buf, n, "%s/%016llx.oxjit", dir, (unsigned long long)key);
    return w > 0 && (size_t)w < n;
}

typedef struct header {
    char magic[8];
    uint64_t key, modlen;
    uint32_t ndef, pad;
    uint64_t objlen;
} header;

bool oxj_cache_read(const char *path, uint64_t key, const uint8_t *mod, size_t modlen,
                    uint32_t ndef, uint8_t *flags, uint8_t **obj, size_t *objlen)
{
    *obj = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    header h;
    bool ok = fread(&h, sizeof h, 1, f) == 1 && !memcmp(h.magic, magic, 8) && h.key == key &&
              h.modlen == modlen && h.ndef == ndef && h.objlen > 0 && h.objlen < (UINT64_C(1) << 32);
    uint8_t *buf = NULL;
    if (ok) {
        /* the module's bytes, compared in pieces */
        uint8_t chunk[65536];
        for (size_t at = 0; ok && at < modlen;) {
            size_t n = modlen - at < sizeof chunk ? modlen - at : sizeof chunk;
            ok = fread(chunk, 1, n, f) == n && !memcmp(chunk, mod + at, n);
            at += n;
        }
    }
    if (ok)
        ok = fread(flags, 1, ndef, f) == ndef;
    if (ok) {
        buf = malloc(h.objlen);
        ok = buf && fread(buf, 1, h.objlen, f) == h.objlen && fgetc(f) == EOF;
    }
    fclose(f);
    if (!ok) {
        free(buf);
        return false;
    }
    *obj = buf;
    *objlen = h.objlen;
    return true;
}

bool oxj_cache_write(const char *dir, const char *path, uint64_t key, const uint8_t *mod,
                     size_t modlen, uint32_t ndef, const uint8_t *flags, const void *obj,
                     size_t objlen, bool only_new)
{
    if (!make_dirs(dir))
        return false;
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof tmp)
        return false;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return false;
    header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, magic, 8);
    h.key = key;
    h.modlen = modlen;
    h.ndef = ndef;
    h.objlen = objlen;
    bool ok = fwrite(&h, sizeof h, 1, f) == 1 && fwrite(mod, 1, modlen, f) == modlen &&
              fwrite(flags, 1, ndef, f) == ndef && fwrite(obj, 1, objlen, f) == objlen;
    ok = fclose(f) == 0 && ok;
    /* in place at once either way: link fails where a file exists */
    ok = ok && (only_new ? link(tmp, path) == 0 : rename(tmp, path) == 0);
    if (!ok || only_new)
        unlink(tmp);
    return ok;
}
