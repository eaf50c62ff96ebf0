/*
 * fuzz_elf.c — libFuzzer harness: the loader of compiled code (the code
 * cache's objects are read back from disk, so they are untrusted bytes).
 *
 * Any input must be loaded or refused with a reason: never a crash, a
 * write outside the mapping it makes, or a hang. Nothing loaded is run.
 */
#include <stddef.h>
#include <stdint.h>

#include "jit_elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oxj_image *im = NULL;
    const char *why = oxj_image_load(data, size, NULL, NULL, &im);
    if (why) {
        if (!why[0] || im)
            __builtin_trap();
        return 0;
    }
    (void)oxj_image_symbol(im, "f", NULL);
    oxj_image_free(im);
    return 0;
}
