/*
 * wasm_oxide.h — Oxide's one extension to the standard C API (wasm.h): the
 * engine settings the standard has no words for (the tier that runs code,
 * the code cache, call depth and memory limits), reached through a
 * wasm_config_t before it is handed to wasm_engine_new_with_config.
 *
 *     wasm_config_t *c = wasm_config_new();
 *     wasm_config_oxide(c)->tier = OX_TIER_AUTO;
 *     wasm_engine_t *e = wasm_engine_new_with_config(c);   (takes c)
 *
 * A setting the engine refuses (OX_TIER_JIT in a build without the
 * compiler) makes wasm_engine_new_with_config return NULL.
 */
#ifndef OXIDE_WASM_OXIDE_H
#define OXIDE_WASM_OXIDE_H

#include "oxide/wasm.h"
#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The engine settings `config` carries, all zero (the defaults) after
   wasm_config_new. Borrowed: valid while `config` is; strings set in it
   (jit_cache_dir) must live until wasm_engine_new_with_config, which copies
   them. */
OX_API ox_config *wasm_config_oxide(wasm_config_t *config);

#ifdef __cplusplus
}
#endif

#endif
