/*
 * stubs.c — weak stand-ins for the compiler's entry points, so the unit
 * tests link while src/wasm has no compile.c yet. They are weak: once the
 * real functions exist in libox_wasm.a and get linked, they win.
 * ox_module_destroy calls ox_code_free only for compiled bodies, which the
 * decoder tests never produce.
 */
#include "runtime.h"

__attribute__((weak)) void ox_code_free(struct ox_code *c) { (void)c; }
