/*
 * wasmfile.h — helpers shared by the decoder tests: build byte strings from
 * hex, read a file, decode + validate a private copy.
 */
#ifndef OX_TEST_WASMFILE_H
#define OX_TEST_WASMFILE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

/* "0061 736d ..." → malloc'd bytes; spaces are ignored. Aborts on a typo:
   a broken fixture is a bug in the test. */
static inline uint8_t *hex_bytes(const char *hex, size_t *len)
{
    size_t n = 0, cap = strlen(hex) / 2 + 1;
    uint8_t *b = malloc(cap);
    if (!b)
        abort();
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        int v;
        if (*p == ' ')
            continue;
        if (*p >= '0' && *p <= '9')
            v = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            v = *p - 'a' + 10;
        else {
            fprintf(stderr, "bad hex fixture: %s\n", hex);
            abort();
        }
        if (hi < 0) {
            hi = v;
        } else {
            b[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0) {
        fprintf(stderr, "odd hex fixture: %s\n", hex);
        abort();
    }
    *len = n;
    return b;
}

static inline uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(b);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Decode and validate a copy of bytes[0..len). On success *out is the
   module (free with ox_module_destroy), else NULL and the error returned. */
static inline ox_error *decode_validate(ox_engine *e, const uint8_t *bytes, size_t len,
                                        ox_module **out)
{
    *out = NULL;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    memcpy(copy, bytes, len);
    ox_module *m;
    ox_error *err = ox_decode(e, copy, len, &m);
    if (err)
        return err;
    err = ox_validate_module(m);
    if (err) {
        ox_module_destroy(m);
        return err;
    }
    *out = m;
    return NULL;
}

#endif
