/*
 * jit_none.c — the compiling tier's stand-in in a build without LLVM
 * (OX_LLVM off): no module is compiled, everything is interpreted, and
 * ox_engine_new refuses OX_TIER_JIT.
 */
#include "jit.h"

bool ox_jit_built(void) { return false; }
const char *ox_jit_unavailable(void) { return "Oxide was built without LLVM"; }

ox_error *ox_jit_compile_module(ox_module *m)
{
    (void)m;
    return NULL;
}

void ox_jit_module_free(struct ox_jitcode *jc) { (void)jc; }

ox_error *ox_jit_compile_background(ox_module *m)
{
    (void)m;
    return NULL;
}

ox_error *ox_jit_compile_hot(ox_module *m, bool *whole)
{
    (void)m;
    *whole = false;
    return NULL;
}
