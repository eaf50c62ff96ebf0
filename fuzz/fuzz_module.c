/*
 * fuzz_module.c — libFuzzer harness: decode + validate + compile.
 *
 * Any input must give a module or an error: never a crash, a hang or a
 * huge allocation (the engine bounds what a declared count may cost).
 */
#include <stddef.h>
#include <stdint.h>

#include "oxide/wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ox_engine *e = NULL;
    ox_error *err = ox_engine_new(NULL, &e);
    if (err) {
        ox_error_free(err);
        return 0;
    }
    ox_module *m = NULL;
    err = ox_module_new(e, data, size, &m);
    if (err) {
        /* Every rejection must come with a message. */
        if (!ox_error_message(err)[0])
            __builtin_trap();
        ox_error_free(err);
    } else {
        /* Walk the module's declared interface too. */
        for (size_t i = 0; i < ox_module_export_count(m); i++) {
            ox_externtype t;
            ox_module_export(m, i, NULL, NULL, &t);
        }
        ox_module_free(m);
    }
    ox_engine_free(e);
    return 0;
}
