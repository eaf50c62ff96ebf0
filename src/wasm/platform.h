/*
 * platform.h — the little the engine needs from the operating system:
 * address-space reservation for linear memories, and reading a file. Kept apart so the core
 * stays free of hosted assumptions.
 */
#ifndef OX_PLATFORM_H
#define OX_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oxide/wasm.h"

/* Reserve `reserve` bytes of address space (inaccessible) and make the first
   `commit` bytes readable and writable, zeroed. NULL on failure. */
void *ox_os_reserve(size_t reserve, size_t commit);
/* Make [0, new_commit) accessible, zeroed beyond old_commit. */
bool ox_os_commit(void *base, size_t old_commit, size_t new_commit);
void ox_os_release(void *base, size_t reserve);

/* The whole of file `path` in a malloc'd *buf of *len bytes (the caller
   frees it); an OX_ERR_IO error naming the file, or OX_ERR_NOMEM. */
ox_error *ox_read_file(const char *path, uint8_t **buf, size_t *len);

#endif
