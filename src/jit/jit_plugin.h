/*
 * jit_plugin.h — the compiler as a library of its own (internal).
 *
 * The compiler (jit_ir.c, jit_ops.c, jit_emit.c, jit_llvm.c, jit_cache.c)
 * is built as liboxide-jit.so, linked to LLVM, and loaded by the engine
 * (jit_load.c) with dlopen the first time an engine asks for the
 * compiling tier. LLVM is a large library: linked into every program, it
 * cost each start of `oxide` 13 ms and 50 MB of memory (measured), whether
 * it compiled anything or not.
 *
 * The plugin sees the engine through ox_jit_host (the engine's symbols are
 * hidden), and the engine calls it through ox_jit_plugin. Both sides are
 * built from the same sources and headers at once; the ABI number and the
 * structure sizes are checked anyway, so a stale plugin is refused, not
 * run.
 */
#ifndef OX_JIT_PLUGIN_H
#define OX_JIT_PLUGIN_H

#include "jit.h"
#include "opcodes.h"

#define OXJ_PLUGIN_ABI 2

/* What the plugin needs of the engine. */
typedef struct ox_jit_host {
    uint32_t abi;                 /* OXJ_PLUGIN_ABI */
    uint32_t sizes[4];            /* sizeof ox_store, ox_instance, ox_func, ox_module */
    const ox_opinfo *(*opinfo_get)(uint8_t prefix, uint32_t code);
    const ox_opinfo *(*opinfo_of)(enum ox_opcode op);
    ox_error *(*error_new)(ox_errcode code, const char *fmt, ...);
    ox_error *(*enter)(ox_store *s, ox_func *f, ox_slot *slots); /* ox_jit_enter */
    const char *const *runtime_names; /* the runtime functions compiled code calls */
    void (*const *runtime)(void);
    size_t nruntime;
} ox_jit_host;

/* How compile_module finds code: the cache, else compile (and fill the
   cache); the cache only (nothing when it misses); compile. */
enum { OXJ_MODE_JIT, OXJ_MODE_CACHED, OXJ_MODE_COMPILE };

/* What the engine calls. */
typedef struct ox_jit_plugin {
    ox_error *(*compile_module)(ox_module *m, int mode);
    void (*module_free)(struct ox_jitcode *jc);
} ox_jit_plugin;

/* The plugin's one exported function: fills *out, or returns why not. */
typedef const char *(*ox_jit_plugin_init_fn)(const ox_jit_host *host, ox_jit_plugin *out);
#define OXJ_PLUGIN_INIT "ox_jit_plugin_init"

#ifdef OX_JIT_PLUGIN
/* Inside the plugin: the engine's functions, through the host. */
extern const ox_jit_host *oxj_host;
#define ox_opinfo_get(p, c) (oxj_host->opinfo_get((p), (c)))
#define ox_opinfo_of(op) (oxj_host->opinfo_of(op))
#define ox_error_new (oxj_host->error_new)
#endif

#endif
