/*
 * jit_cache.h — compiled code on disk (jit_cache.c). Internal to src/jit.
 */
#ifndef OX_JIT_CACHE_H
#define OX_JIT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A 64-bit hash of n bytes, continuing from h (0: start). */
uint64_t oxj_hash(const void *p, size_t n, uint64_t h);
/* DIR/KEY.oxjit into buf; false when it does not fit. */
bool oxj_cache_path(const char *dir, uint64_t key, char *buf, size_t n);
/* The object and per-function flags stored for this module under key:
   false when there is no such file, or it is not a whole one of this
   module (*obj is then NULL). *obj is malloc'd, the caller's. */
bool oxj_cache_read(const char *path, uint64_t key, const uint8_t *mod, size_t modlen,
                    uint32_t ndef, uint8_t *flags, uint8_t **obj, size_t *objlen);
/* Store them (creating dir), replacing a file there, or (only_new) only
   where there is none; false on any failure, which leaves the file as it
   was. */
bool oxj_cache_write(const char *dir, const char *path, uint64_t key, const uint8_t *mod,
                     size_t modlen, uint32_t ndef, const uint8_t *flags, const void *obj,
                     size_t objlen, bool only_new);

#endif
