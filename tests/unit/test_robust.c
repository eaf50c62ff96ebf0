/*
 * test_robust.c — malformed-input robustness of module loading.
 *
 * For each valid module given on the command line it loads thousands of
 * damaged variants: every truncation, single-bit flips, and huge LEB128
 * numbers (0xFFFFFFFF and others) written over or inserted at many offsets,
 * so that section sizes, vector counts, name lengths, local counts and
 * indices all get implausible values, plus section-aware patches of each
 * section's size and first count. Each variant must load or fail with a
 * MALFORMED/INVALID error: never crash, hang, or allocate hugely. For the
 * last, the engine's max_module_bytes is set to 64 bytes per input byte
 * (+64 KiB): decoding memory must stay linear in the input whatever the
 * declared counts say, so an OX_ERR_LIMIT is a failure; and ctest runs this
 * with ASAN_OPTIONS=max_allocation_size_mb=64 in sanitizer builds.
 *
 * Loading means ox_decode + ox_validate_module until the engine has a
 * function compiler and interpreter (OX_TEST_PUBLIC_API not defined); then
 * the public ox_module_new, so the compiler is exercised too.
 *
 * usage: test_robust MODULE.wasm...
 */
#include "test.h"
#include "wasmfile.h"

/* Modules up to FULL_BYTES get every truncation, bit flip and offset;
   larger ones a deterministic stride giving about SAMPLE variants per kind
   of damage, so that a 100 KiB module (each variant of which the compiler
   may compile whole) stays at seconds. */
#define FULL_BYTES 1024
#define SAMPLE 1000

static unsigned long nvariants, nloaded;

static ox_error *load(ox_engine *e, const uint8_t *b, size_t len, ox_module **out)
{
#ifdef OX_TEST_PUBLIC_API
    return ox_module_new(e, b, len, out);
#else
    return decode_validate(e, b, len, out);
#endif
}

static void unload(ox_module *m)
{
#ifdef OX_TEST_PUBLIC_API
    ox_module_free(m);
#else
    ox_module_destroy(m);
#endif
}

/* One variant: must load, or fail with a decoding/validation error. */
static void try_variant(ox_engine *e, const uint8_t *b, size_t len, const char *what,
                        size_t where)
{
    ox_module *m = NULL;
    ox_error *err = load(e, b, len, &m);
    nvariants++;
    if (!err) {
        nloaded++;
        unload(m);
        return;
    }
    ox_errcode c = ox_error_code(err);
    const char *msg = ox_error_message(err);
    bool ok = (c == OX_ERR_MALFORMED || c == OX_ERR_INVALID || c == OX_ERR_UNSUPPORTED) && msg &&
              *msg;
    test_checks++;
    if (!ok) {
        test_failures++;
        fprintf(stderr, "%s at %zu: unexpected error code %d: %s\n", what, where, c,
                msg ? msg : "(null)");
    }
    ox_error_free(err);
}

static size_t stride_for(size_t len, size_t n)
{
    return len <= FULL_BYTES || n <= SAMPLE ? 1 : n / SAMPLE + 1;
}

static void truncations(ox_engine *e, const uint8_t *b, size_t len)
{
    size_t step = stride_for(len, len);
    for (size_t n = 0; n < len; n += (n < 64 ? 1 : step))
        try_variant(e, b, n, "truncation", n);
}

static void bit_flips(ox_engine *e, const uint8_t *b, size_t len)
{
    uint8_t *v = malloc(len);
    memcpy(v, b, len);
    size_t step = stride_for(len, len * 8);
    for (size_t bit = 0; bit < len * 8; bit += step) {
        v[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        try_variant(e, v, len, "bit flip", bit);
        v[bit / 8] = b[bit / 8];
    }
    free(v);
}

static const uint8_t huge_lebs[][5] = {
    {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, /* 0xFFFFFFFF */
    {0x80, 0x80, 0x80, 0x80, 0x08}, /* 0x80000000 */
    {0xFF, 0xFF, 0xFF, 0x7F, 0x00}, /* 0x0FFFFFFF, then a 0 byte */
};

/* Overwrite 5 bytes at many offsets, and insert 5 bytes at many offsets. */
static void huge_numbers(ox_engine *e, const uint8_t *b, size_t len)
{
    uint8_t *v = malloc(len + 5);
    size_t step = stride_for(len, len * 2); /* 3 values x 2 ways: ~3 x SAMPLE */
    for (size_t k = 0; k < sizeof huge_lebs / sizeof huge_lebs[0]; k++) {
        for (size_t at = 8; at + 5 <= len; at += step) {
            memcpy(v, b, len);
            memcpy(v + at, huge_lebs[k], 5);
            try_variant(e, v, len, "overwrite", at);
        }
        for (size_t at = 8; at <= len; at += step) {
            memcpy(v, b, at);
            memcpy(v + at, huge_lebs[k], 5);
            memcpy(v + at + 5, b + at, len - at);
            try_variant(e, v, len + 5, "insert", at);
        }
    }
    free(v);
}

static size_t put_leb(uint8_t *p, uint32_t x)
{
    size_t n = 0;
    do {
        uint8_t byte = x & 0x7F;
        x >>= 7;
        p[n++] = byte | (x ? 0x80 : 0);
    } while (x);
    return n;
}

static bool get_leb(const uint8_t *b, size_t len, size_t *pos, uint32_t *out)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 5; i++) {
        if (*pos >= len)
            return false;
        uint8_t c = b[(*pos)++];
        v |= (uint64_t)(c & 0x7F) << (7 * i);
        if (!(c & 0x80)) {
            *out = (uint32_t)v;
            return true;
        }
    }
    return false;
}

/* Section by section: a huge size field (content unchanged), and the
   first number of the content (the vector count of most sections)
   replaced by huge values with the section size re-encoded to match. */
static void section_patches(ox_engine *e, const uint8_t *b, size_t len)
{
    static const uint32_t counts[] = {0xFFFFFFFFu, 0x7FFFFFFFu, 0x10000000u, 0x00FFFFFFu,
                                      0x0000FFFFu};
    uint8_t *v = malloc(len + 32);
    size_t pos = 8;
    while (pos < len) {
        size_t sec = pos;
        uint32_t size, count;
        pos++; /* id */
        if (!get_leb(b, len, &pos, &size) || size > len - pos)
            break;
        size_t content = pos, end = pos + size;
        /* 1: the section size itself */
        memcpy(v, b, sec + 1);
        memcpy(v + sec + 1, huge_lebs[0], 5);
        memcpy(v + sec + 6, b + content, len - content);
        try_variant(e, v, sec + 6 + (len - content), "section size", sec);
        /* 2: its first count */
        size_t after = content;
        if (b[sec] != 0 && get_leb(b, len, &after, &count)) {
            for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
                uint8_t leb[5];
                size_t nleb = put_leb(leb, counts[k]);
                size_t newsize = size - (after - content) + nleb;
                size_t n = 0;
                memcpy(v, b, sec + 1);
                n = sec + 1;
                n += put_leb(v + n, (uint32_t)newsize);
                memcpy(v + n, leb, nleb);
                n += nleb;
                memcpy(v + n, b + after, len - after);
                n += len - after;
                try_variant(e, v, n, "section count", sec);
            }
        }
        pos = end;
    }
    free(v);
}

static void robust_file(ox_engine *e, const char *path)
{
    size_t len;
    uint8_t *b = read_file(path, &len);
    CHECK(b != NULL);
    if (!b)
        return;
    /* The pristine module must load, or the variants prove little. */
    e->cfg.max_module_bytes = 0;
    ox_module *m;
    ox_error *err = load(e, b, len, &m);
    CHECK(err == NULL);
    if (err) {
        fprintf(stderr, "%s: %s\n", path, ox_error_message(err));
        ox_error_free(err);
    } else {
        unload(m);
    }
    /* Damage adds at most 10 bytes, so this budget holds for all variants. */
    e->cfg.max_module_bytes = 64 * ((uint64_t)len + 16) + 65536;
    unsigned long before = nvariants;
    truncations(e, b, len);
    bit_flips(e, b, len);
    huge_numbers(e, b, len);
    section_patches(e, b, len);
    printf("%s: %zu bytes, %lu variants\n", path, len, nvariants - before);
    free(b);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODULE.wasm...\n", argv[0]);
        return 2;
    }
    ox_engine e = {.cfg = {0}};
#ifdef OX_TEST_PUBLIC_API
    ox_engine *pe;
    ox_error *err = ox_engine_new(NULL, &pe);
    if (err) {
        fprintf(stderr, "%s\n", ox_error_message(err));
        return 1;
    }
    e = *pe;
    ox_engine_free(pe);
#endif
    for (int i = 1; i < argc; i++)
        robust_file(&e, argv[i]);
    printf("%lu variants, %lu loaded\n", nvariants, nloaded);
    return test_summary("robust");
}
