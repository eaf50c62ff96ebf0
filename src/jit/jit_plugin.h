/*
 * jit_plugin.h — the compiler as a library of its own (internal).
 *
 * The compiler (jit_ir.c, jit_ops.c, jit_emit.c, jit_simd.c, jit_llvm.c)
 * is built as liboxide-jit.so, linked to LLVM, and loaded by the engine
 * (jit_load.c) with dlopen the first time a module has to be compiled.
 * It turns a module into an object file; the engine loads that itself
 * (jit_elf.c) and keeps it in the code cache (jit_cache.c), so a module
 * found there runs compiled without LLVM in the process. LLVM is a large library: linked into every program, it
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

#include <stdio.h>

#include "jit.h"
#include "opcodes.h"

#define OXJ_PLUGIN_ABI 6

/* What the plugin needs of the engine. */
typedef struct ox_jit_host {
    uint32_t abi;                 /* OXJ_PLUGIN_ABI */
    uint32_t sizes[4];            /* sizeof ox_store, ox_instance, ox_func, ox_module */
    const ox_opinfo *(*opinfo_get)(uint8_t prefix, uint32_t code);
    const ox_opinfo *(*opinfo_of)(enum ox_opcode op);
    ox_error *(*error_new)(ox_errcode code, const char *fmt, ...);
    ox_enter_fn enter;            /* ox_jit_enter */
    const char *const *runtime_names; /* the runtime functions compiled code calls */
    void (*const *runtime)(void);
    size_t nruntime;
} ox_jit_host;

/* A function's flags in a compiled object (and the code cache): compiled,
   with tailcc (its native entry is then its thunk, `t`), with an
   on-stack-replacement entry (`o`). OXJ_WANT asks the compiler for a
   function: when some function has it, only those (and the functions
   they return_call) are compiled, unless they are nearly all of them.
   OXJ_PARTIAL marks (on every function, on return and in the code cache)
   an object of only some functions, the auto tier's first code. */
enum { OXJ_COMPILED = 1, OXJ_TAIL = 2, OXJ_OSR = 4, OXJ_WANT = 8, OXJ_PARTIAL = 16 };


/* The names of a function's symbols in the object: its code (f), its
   entry from the interpreter (w), its C-convention thunk (t), its OSR
   entry (o). */
static inline void oxj_sym_name(char *buf, size_t n, uint64_t key, char kind, uint32_t d)
{
    snprintf(buf, n, "ox%016llx_%c%u", (unsigned long long)key, kind, d);
}

/* What the engine calls: compile m's functions into an ELF object (*obj
   malloc'd, the caller's; NULL when none compiles), symbols named by key;
   flags[d] per defined function: on entry OXJ_OSR where an OSR entry is
   wanted (the auto tier saw the function running) and OXJ_WANT where only
   some functions are, on return what was made (OXJ_PARTIAL when only
   some were). */
typedef struct ox_jit_plugin {
    ox_error *(*compile)(const ox_module *m, uint64_t key, uint8_t *flags, void **obj, size_t *len);
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
