/*
 * platform.h — the little the engine needs from the operating system:
 * address-space reservation for linear memories. Kept apart so the core
 * stays free of hosted assumptions.
 */
#ifndef OX_PLATFORM_H
#define OX_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

/* Reserve `reserve` bytes of address space (inaccessible) and make the first
   `commit` bytes readable and writable, zeroed. NULL on failure. */
void *ox_os_reserve(size_t reserve, size_t commit);
/* Make [0, new_commit) accessible, zeroed beyond old_commit. */
bool ox_os_commit(void *base, size_t old_commit, size_t new_commit);
void ox_os_release(void *base, size_t reserve);

#endif
