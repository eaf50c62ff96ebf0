/*
 * jit.h — the compiling tier (internal; built with OX_LLVM).
 *
 * A module's functions are translated from their WebAssembly bodies to
 * LLVM IR (jit_emit.c, jit_ops.c), optimised and compiled to machine code
 * (jit_llvm.c), and entered from the interpreter or the embedder through
 * jit_rt.c. A function the translator cannot compile (an instruction or a
 * value type it does not handle yet) stays interpreted: the tiers share
 * the store's objects, so either may call the other.
 *
 * Compiled code's calling convention: a function of type [p...] -> [r...]
 * is `R f(ox_store *s, ox_instance *inst, uint8_t *mem0, p...)`, R void,
 * the one result, or a struct of the results. mem0 is memory 0's base
 * (it never moves). Its entry from the interpreter is a wrapper
 * `void w(ox_store *, ox_instance *, uint8_t *mem0, ox_slot *slots)`
 * reading the arguments from slots and writing the results there.
 *
 * Traps: compiled code calls ox_jitrt_trap, which unwinds by siglongjmp
 * to the innermost entry (jit_rt.c); an access beyond a memory's
 * accessible pages faults in its guard region (memory.c reserves 8 GiB
 * for a 32-bit memory when the engine compiles), and the fault handler
 * turns that into the same "out of bounds memory access" trap.
 */
#ifndef OX_JIT_H
#define OX_JIT_H

#include "runtime.h"

/* A module's compiled code (jit_load.c): shared by the modules of equal
   bytes in one engine (refs). Its functions' start addresses, sorted, say
   which function a fault in compiled code happened in (jit_rt.c). */
struct oxj_image;
struct ox_jitcode {
    ox_engine *engine;
    uint32_t refs;
    uint64_t key;             /* the module's bytes and the compiler's identity */
    uint8_t *bytes;           /* a copy of the module's, to tell equal modules */
    size_t nbytes;
    uint32_t ndef, nimports;  /* defined functions, imported ones before them */
    void **natives;           /* ndef: machine code, or NULL (interpreted) */
    ox_jit_wrap *wraps;       /* ndef: their entries */
    ox_jit_osr *osrs;         /* ndef: their entries at loops, or NULL */
    struct oxj_image *image;  /* the loaded object */
    uintptr_t lo, hi;         /* the image's addresses: [lo, hi) */
    uintptr_t *starts;        /* nstarts, ascending */
    uint32_t *funcidx;        /* the function at each start */
    uint32_t nstarts;
};

/* jit_load.c (jit_none.c): why the compiling tier cannot be used (built
   without LLVM, or its library does not load), or NULL when it can. The
   library is loaded by the first call, once per process. */
const char *ox_jit_unavailable(void);
/* Whether this build has the compiling tier (loads nothing). */
bool ox_jit_built(void);

/* A module loaded (load.c): with OX_TIER_JIT its functions are compiled
   (or found in the code cache), with OX_TIER_AUTO found in the cache if
   there; sets m->funcs[i].native/.wrap for those compiled and m->jit. An
   error here is the compiler's (out of memory, LLVM failing). */
ox_error *ox_jit_compile_module(ox_module *m);
/* jit_load.c, the auto tier's thread: compile the functions of m found
   running (ox_module.osr_hint), when they are some but not all of them,
   with what they call, into m->jit_hot and publish that (none compiled:
   nothing done; *whole when that was nearly all of m, so all of it was
   compiled: nothing is left to do); then compile m whole, publish its
   code to the instances running it (the functions found running switch
   again) and fill the code cache. */
ox_error *ox_jit_compile_hot(ox_module *m, bool *whole);
ox_error *ox_jit_compile_background(ox_module *m);

/* jit_auto.c: the auto tier's sampling and background thread for engine
   e (sets e->tierer and e->tier_event); stopped by ox_tierer_stop, which
   waits for a compilation under way. */
bool ox_tierer_start(ox_engine *e);
void ox_tierer_stop(ox_engine *e);

/* Free a module's compiled code (its functions must not run again). */
void ox_jit_module_free(struct ox_jitcode *jc);

/* jit_rt.c: run compiled function f with its arguments in slots[],
   writing its results there (the interpreter's call of a compiled
   function, through ox_func.enter). */
ox_error *ox_jit_enter(ox_store *s, ox_instance *caller, ox_func *f, ox_slot *slots);
/* jit_rt.c: run f's OSR entry (module.h, ox_jit_osr) on the interpreter's
   frame: *ran false when f has no loop of that key (nothing done). */
ox_error *ox_jit_osr_enter(ox_store *s, ox_func *f, ox_slot *frame, ox_slot *stack, uint32_t key,
                           bool *ran);

/* jit_rt.c: the function index of the compiled code at pc in jc, or
   UINT32_MAX. */
uint32_t ox_jit_func_at(const struct ox_jitcode *jc, uintptr_t pc);

/* The C stack a compiled function's frame may take below the stack
   pointer its caller checked against ox_store.jit_stack_limit: the limit
   leaves that room (jit_rt.c) and a function whose frame could be bigger
   checks its own (jit_emit.c, big_frame). Compiled code checks the stack
   before each call, not at each function's entry: the entry of a small
   function then does nothing that needs saved registers. */
#define OX_JIT_FRAME_ROOM (64u * 1024u)

/* jit_rt.c: the runtime functions compiled code calls, by name (their
   addresses are given to the linker, jit_llvm.c). */
#define OX_JIT_RUNTIME(X) \
    X(ox_jitrt_trap) X(ox_jitrt_poll) X(ox_jitrt_call) X(ox_jitrt_sub) \
    X(ox_jitrt_memory_grow) X(ox_jitrt_memory_fill) X(ox_jitrt_memory_copy) \
    X(ox_jitrt_memory_init) X(ox_jitrt_data_drop)

#if defined(__GNUC__)
#define OX_NORETURN __attribute__((noreturn))
#else
#define OX_NORETURN _Noreturn
#endif

OX_NORETURN void ox_jitrt_trap(ox_store *s, ox_instance *inst, uint32_t funcidx, uint32_t kind);
void ox_jitrt_poll(ox_store *s, ox_instance *inst, uint32_t funcidx, uint32_t cost);
void ox_jitrt_call(ox_store *s, ox_instance *caller, ox_func *callee, ox_slot *slots);
uint32_t ox_jitrt_sub(ox_store *s, uint32_t a, uint32_t b);
/* The memory instructions of memory `mem` (memory.copy's: dmem <- smem);
   addresses and lengths as u64 whatever the memory's type. grow answers
   the old size in pages, or -1. */
uint64_t ox_jitrt_memory_grow(ox_instance *inst, uint32_t mem, uint64_t delta);
void ox_jitrt_memory_fill(ox_store *s, ox_instance *inst, uint32_t funcidx, uint32_t mem,
                          uint64_t d, uint32_t val, uint64_t n);
void ox_jitrt_memory_copy(ox_store *s, ox_instance *inst, uint32_t funcidx, uint32_t dmem,
                          uint32_t smem, uint64_t d, uint64_t src, uint64_t n);
void ox_jitrt_memory_init(ox_store *s, ox_instance *inst, uint32_t funcidx, uint32_t seg,
                          uint32_t mem, uint64_t d, uint32_t src, uint32_t n);
void ox_jitrt_data_drop(ox_instance *inst, uint32_t seg);

#endif
