/*
 * jit_refuse.c — a compiler library (jit_plugin.h) that loads and then
 * refuses every module, for test_jit_refused: the route a compiler's
 * failure takes (LLVM failing, out of memory) without having to make LLVM
 * fail. Loaded through $OXIDE_JIT_LIB.
 */
#include "jit_plugin.h"

const char *ox_jit_plugin_init(const ox_jit_host *host, ox_jit_plugin *out);

static const ox_jit_host *host_;

static ox_error *refuse(const ox_module *m, uint64_t key, uint8_t *flags, void **obj, size_t *len)
{
    (void)m, (void)key, (void)flags;
    *obj = NULL;
    *len = 0;
    return host_->error_new(OX_ERR_INTERNAL, "the test compiler refuses every module");
}

__attribute__((visibility("default"))) const char *ox_jit_plugin_init(const ox_jit_host *host,
                                                                        ox_jit_plugin *out)
{
    if (host->abi != OXJ_PLUGIN_ABI)
        return "another plugin ABI";
    host_ = host;
    out->compile = refuse;
    return NULL;
}
