/*
 * jit_elf.h — loading compiled code (jit_elf.c). Internal to src/jit.
 */
#ifndef OX_JIT_ELF_H
#define OX_JIT_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct oxj_image oxj_image;

/* The address of an undefined symbol `name`, or 0 (then the C library's
   is looked up). */
typedef uintptr_t (*oxj_resolve)(void *user, const char *name);

/* Load the relocatable object bytes[0..len) (copied): NULL and *out, or
   why it cannot be loaded. */
const char *oxj_image_load(const void *bytes, size_t len, oxj_resolve resolve, void *user,
                           oxj_image **out);
/* Where a symbol defined by the object is, or NULL; its size in *size
   (when not NULL). */
void *oxj_image_symbol(const oxj_image *im, const char *name, size_t *size);
/* The addresses the loaded object occupies: [*lo, *hi). */
void oxj_image_range(const oxj_image *im, uintptr_t *lo, uintptr_t *hi);
/* Unmap the code (nothing of it may run again). */
void oxj_image_free(oxj_image *im);

/* What tells one build of the shared library at path from another,
   without loading it: its GNU build ID (the linker's hash of its
   contents), else its size, time and inode; into out[0..cap), returning
   the length (0: no such file). */
size_t oxj_file_identity(const char *path, uint8_t *out, size_t cap);

#endif
