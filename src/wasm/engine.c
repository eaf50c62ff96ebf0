/*
 * engine.c — engines: configuration with its defaults filled in, and the
 * compiling tier when the configuration asks for it (src/jit, loaded on
 * first use). An entry point of the embedder's, above every stage.
 */
#include <stdlib.h>
#include <string.h>

#include "jit.h"
#include "runtime.h"

#define DEFAULT_GC_BYTES (UINT64_C(1) << 30)
enum {
    DEFAULT_CALL_DEPTH = 20000,
    DEFAULT_STACK_SLOTS = 1u << 20,
    DEFAULT_TABLE_ELEMS = 10000000,
};

ox_error *ox_engine_new(const ox_config *cfg, ox_engine **out)
{
    *out = NULL;
    ox_engine *e = calloc(1, sizeof *e);
    if (!e)
        return ox_error_new(OX_ERR_NOMEM, "out of memory creating an engine");
    if (cfg)
        e->cfg = *cfg;
    if (!e->cfg.max_call_depth)
        e->cfg.max_call_depth = DEFAULT_CALL_DEPTH;
    if (!e->cfg.max_stack_slots)
        e->cfg.max_stack_slots = DEFAULT_STACK_SLOTS;
    if (!e->cfg.max_memory_pages || e->cfg.max_memory_pages > 65536)
        e->cfg.max_memory_pages = 65536;
    if (!e->cfg.max_table_elems)
        e->cfg.max_table_elems = DEFAULT_TABLE_ELEMS;
    if (!e->cfg.max_gc_bytes)
        e->cfg.max_gc_bytes = DEFAULT_GC_BYTES;
    ox_tier tier = e->cfg.tier;
    if (tier == OX_TIER_AUTO) {
        /* without the compiler, auto is the interpreter */
        if (!ox_jit_built() || !ox_tierer_start(e))
            e->cfg.tier = OX_TIER_INTERP;
    } else if (tier != OX_TIER_INTERP) {
        const char *why = tier != OX_TIER_JIT ? "unknown tier"
                          : ox_jit_built() ? NULL : "Oxide was built without LLVM";
        if (why) {
            free(e);
            return tier == OX_TIER_JIT ? ox_error_new(OX_ERR_UNSUPPORTED, "no compiling tier: %s", why)
                                       : ox_error_new(OX_ERR_ARG, "unknown tier %d", (int)tier);
        }
    }
    if (e->cfg.jit_cache_dir && !(e->cfg.jit_cache_dir = strdup(e->cfg.jit_cache_dir))) {
        free(e);
        return ox_error_new(OX_ERR_NOMEM, "out of memory creating an engine");
    }
    pthread_mutex_init(&e->jit_lock, NULL);
    e->watchdog = ox_watchdog_new();
    *out = e;
    return NULL;
}

void ox_engine_free(ox_engine *e)
{
    if (!e)
        return;
    ox_tierer_stop(e);
    ox_watchdog_free(e->watchdog);
    free(e->jit_codes); /* empty: every module is freed before its engine */
    pthread_mutex_destroy(&e->jit_lock);
    free((char *)e->cfg.jit_cache_dir);
    free(e);
}

