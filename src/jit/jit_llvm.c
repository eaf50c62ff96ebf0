/*
 * jit_llvm.c — a module's functions to an object file with LLVM: the
 * compiler library's entry point (jit_plugin.h).
 *
 * A module is translated into one LLVM module (jit_emit.c), optimised at
 * -O2 for the host CPU and emitted as an x86-64 ELF object in the large
 * code model (every reference a 64-bit relocation: the engine's loader,
 * jit_elf.c, needs no GOT or stubs). Each compilation has its own LLVM
 * context and target machine and nothing else is shared, so modules may
 * be compiled on several threads at once.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Error.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "jit_emit.h"

/* An error of LLVM's as ours (consumes it). */
static ox_error *llvm_error(LLVMErrorRef e, const char *what)
{
    char *msg = LLVMGetErrorMessage(e);
    ox_error *err = ox_error_new(OX_ERR_INTERNAL, "LLVM: %s: %s", what, msg);
    LLVMDisposeErrorMessage(msg);
    return err;
}

static pthread_once_t llvm_once = PTHREAD_ONCE_INIT;
static void llvm_init(void)
{
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
}

/* A target machine for this CPU, at -O2. */
static LLVMTargetMachineRef host_machine(void)
{
    char *triple = LLVMGetDefaultTargetTriple();
    char *cpu = LLVMGetHostCPUName();
    char *features = LLVMGetHostCPUFeatures();
    LLVMTargetRef target;
    char *msg = NULL;
    LLVMTargetMachineRef tm = NULL;
    if (!LLVMGetTargetFromTriple(triple, &target, &msg))
        /* The small code model, position-independent: calls between a
           module's functions are `call rel32` and constants are loaded
           relative to the instruction (the large model's movabs + call
           through a register cost call-heavy code 3-8%); the runtime and
           the C library, placed anywhere, are reached through stubs the
           loader (jit_elf.c) adds to the code. */
        tm = LLVMCreateTargetMachine(target, triple, cpu, features, LLVMCodeGenLevelDefault,
                                     LLVMRelocPIC, LLVMCodeModelSmall);
    LLVMDisposeMessage(msg);
    LLVMDisposeMessage(triple);
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(features);
    return tm;
}

static void declare_runtime(oxj_mod *jm)
{
    LLVMTypeRef v = LLVMVoidTypeInContext(jm->ctx), p = jm->ptr, i = jm->i32, l = jm->i64;
    LLVMTypeRef sigs[][8] = {
        [OXJ_RT_TRAP] = {p, p, i, i},
        [OXJ_RT_POLL] = {p, p, i, i},
        [OXJ_RT_CALL] = {p, p, p, p},
        [OXJ_RT_SUB] = {p, i, i},
        [OXJ_RT_GROW] = {p, i, l},
        [OXJ_RT_FILL] = {p, p, i, i, l, i, l},
        [OXJ_RT_COPY] = {p, p, i, i, i, l, l, l},
        [OXJ_RT_INIT] = {p, p, i, i, i, l, i, i},
        [OXJ_RT_DROP] = {p, i},
    };
    static const unsigned nargs[] = {4, 4, 4, 3, 3, 7, 8, 8, 2};
    for (size_t k = 0; k < OXJ_RT_COUNT; k++) {
        LLVMTypeRef ret = k == OXJ_RT_SUB ? i : k == OXJ_RT_GROW ? l : v;
        jm->rtty[k] = LLVMFunctionType(ret, sigs[k], nargs[k], 0);
        jm->rt[k] = LLVMAddFunction(jm->mod, oxj_host->runtime_names[k], jm->rtty[k]);
    }
    LLVMAddAttributeAtIndex(jm->rt[OXJ_RT_TRAP], LLVMAttributeFunctionIndex,
                               LLVMCreateEnumAttribute(jm->ctx, LLVMGetEnumAttributeKindForName(
                                                                    "noreturn", 8), 0));
    LLVMAddAttributeAtIndex(jm->rt[OXJ_RT_TRAP], LLVMAttributeFunctionIndex,
                               LLVMCreateEnumAttribute(jm->ctx, LLVMGetEnumAttributeKindForName(
                                                                    "cold", 4), 0));
}

/* Function d's code, its entry from the interpreter, its native entry
   (the thunk) and, when wanted, its OSR entry, setting flags[d]. */
static ox_error *emit(oxj_mod *jm, const oxj_plan *plans, uint64_t key, uint32_t d, bool want_osr,
                      uint8_t *flags)
{
    const ox_module *m = jm->m;
    if (!oxj_emit_function(jm, d, &plans[d]))
        return ox_error_new(OX_ERR_INTERNAL, "the compiler failed on function %u",
                            m->nimport_funcs + d);
    char name[48];
    oxj_sym_name(name, sizeof name, key, 'w', d);
    LLVMTypeRef ps[6] = {jm->ptr, jm->ptr, jm->ptr, jm->ptr, jm->ptr, jm->i32};
    LLVMValueRef w =
        LLVMAddFunction(jm->mod, name, LLVMFunctionType(LLVMVoidTypeInContext(jm->ctx), ps, 4, 0));
    if (!oxj_emit_wrapper(jm, d, w))
        return ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
    oxj_sym_name(name, sizeof name, key, 't', d);
    LLVMValueRef t = LLVMAddFunction(jm->mod, name, jm->fntys[d]);
    if (!oxj_emit_thunk(jm, d, t))
        return ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
    if (want_osr && oxj_wants_osr(&plans[d])) {
        oxj_sym_name(name, sizeof name, key, 'o', d);
        LLVMValueRef o = LLVMAddFunction(jm->mod, name, LLVMFunctionType(jm->i32, ps, 6, 0));
        if (!oxj_emit_osr(jm, d, &plans[d], o))
            return ox_error_new(OX_ERR_INTERNAL, "the compiler failed on function %u's OSR entry",
                                m->nimport_funcs + d);
        flags[d] |= OXJ_OSR;
    }
    return NULL;
}

/* When only some functions are asked for (the auto tier's first
   compilation, of the functions found running), the functions they call
   are wanted too, transitively, within a budget: each call from compiled
   code to an interpreted function crosses between the tiers (and back for
   what that one calls), slower than staying interpreted, and LLVM inlines
   what it compiles together. But a large function called outside the
   loops of one found running in a loop of its own (main's printf at the
   end) would cost more time to compile than it saves; the functions called
   from one without loops (found running: called in a loop, snprintf) or
   from those added are all wanted, as they run at every call. */
#define SMALL_CALLEE 4096u   /* bytes of body */
#define CALLEE_BUDGET 49152u /* bytes of bodies added in all */

static void want_callees(const ox_module *m, const oxj_plan *plans, const bool *ok, uint8_t *want)
{
    uint32_t ndef = m->nfuncs - m->nimport_funcs, n = 0, budget = CALLEE_BUDGET;
    uint32_t *work = malloc((ndef ? ndef : 1) * sizeof *work);
    if (!work)
        return; /* only those asked for */
    for (uint32_t d = 0; d < ndef; d++)
        if (want[d] & OXJ_WANT)
            work[n++] = d;
    uint32_t asked = n; /* work[0..asked) were asked for */
    while (n > 0) {
        uint32_t d = work[--n];
        bool first = n < asked;
        if (first)
            asked = n;
        for (uint32_t k = 0; ok[d] && k < plans[d].ncalls; k++) {
            uint32_t c = plans[d].calls[k] & ~OXJ_IN_LOOP, len = m->funcs[c].body.len;
            bool hot = !first || plans[d].nloops == 0 || (plans[d].calls[k] & OXJ_IN_LOOP) ||
                       len <= SMALL_CALLEE;
            if ((want[c] & OXJ_WANT) || !ok[c] || !hot || len > budget)
                continue;
            budget -= len;
            want[c] |= OXJ_WANT;
            work[n++] = c;
        }
    }
    free(work);
}

/* Translate the module's compilable functions (or those asked for) into
   jm->mod (flags[d] set for those); *any when there is one. */
static ox_error *translate(oxj_mod *jm, oxj_plan *plans, uint64_t key, uint8_t *flags, bool *any)
{
    const ox_module *m = jm->m;
    uint32_t ndef = m->nfuncs - m->nimport_funcs;
    *any = false;
    bool *ok = calloc(ndef ? ndef : 1, sizeof *ok);
    uint8_t *want = malloc(ndef ? ndef : 1); /* OXJ_OSR, OXJ_WANT as asked */
    if (!ok || !want) {
        free(ok);
        free(want);
        return ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
    }
    bool some = false; /* only the functions asked for, and those they return_call */
    for (uint32_t d = 0; d < ndef; d++) {
        want[d] = flags[d] & (OXJ_OSR | OXJ_WANT);
        some |= (flags[d] & OXJ_WANT) != 0;
        flags[d] = 0;
    }
    for (uint32_t d = 0; d < ndef; d++)
        ok[d] = oxj_scan(m, d, &plans[d]);
    if (some)
        want_callees(m, plans, ok, want);
    for (bool changed = some; changed;) {
        changed = false;
        for (uint32_t d = 0; d < ndef; d++)
            for (uint32_t k = 0; ok[d] && (want[d] & OXJ_WANT) && k < plans[d].ntails; k++)
                if (!(want[plans[d].tails[k]] & OXJ_WANT)) {
                    want[plans[d].tails[k]] |= OXJ_WANT;
                    changed = true;
                }
    }
    /* nearly all of it asked for: all of it, once, rather than most of it
       now and all of it again next */
    uint64_t asked = 0, all = 0;
    for (uint32_t d = 0; some && d < ndef; d++)
        if (ok[d]) {
            all += m->funcs[d].body.len;
            asked += (want[d] & OXJ_WANT) ? m->funcs[d].body.len : 0;
        }
    if (some && 4 * asked >= 3 * all)
        some = false;
    for (uint32_t d = 0; some && d < ndef; d++)
        ok[d] = ok[d] && (want[d] & OXJ_WANT);
    /* a return_call stays a tail call only if its target compiles too */
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t d = 0; d < ndef; d++)
            for (uint32_t k = 0; ok[d] && k < plans[d].ntails; k++)
                if (!ok[plans[d].tails[k]]) {
                    ok[d] = false;
                    changed = true;
                }
    }
    for (uint32_t d = 0; d < ndef; d++) {
        if (!ok[d])
            continue;
        char name[48];
        oxj_sym_name(name, sizeof name, key, 'f', d);
        jm->fntys[d] = oxj_fn_type(jm, &m->types[m->funcs[d].typeidx]);
        if (!jm->fntys[d]) {
            free(ok);
            free(want);
            return ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
        }
        jm->fns[d] = LLVMAddFunction(jm->mod, name, jm->fntys[d]);
        flags[d] = OXJ_COMPILED;
        *any = true;
    }
    /* tailcc for the functions on either side of a return_call */
    for (uint32_t d = 0; d < ndef; d++)
        for (uint32_t k = 0; ok[d] && k < plans[d].ntails; k++) {
            flags[d] = flags[plans[d].tails[k]] = OXJ_COMPILED | OXJ_TAIL;
        }
    for (uint32_t d = 0; d < ndef; d++)
        if (flags[d] & OXJ_TAIL)
            LLVMSetFunctionCallConv(jm->fns[d], OXJ_TAILCC);
    free(ok);
    ox_error *err = NULL;
    for (uint32_t d = 0; !err && d < ndef; d++)
        if (jm->fns[d])
            err = emit(jm, plans, key, d, want[d] & OXJ_OSR, flags);
    free(want);
    if (err)
        return err;
    for (uint32_t d = 0; some && d < ndef; d++)
        flags[d] |= OXJ_PARTIAL;
    char *msg = NULL;
    if (LLVMVerifyModule(jm->mod, LLVMReturnStatusAction, &msg)) {
        ox_error *err = ox_error_new(OX_ERR_INTERNAL, "the compiler made invalid code: %.300s", msg);
        LLVMDisposeMessage(msg);
        return err;
    }
    LLVMDisposeMessage(msg);
    return NULL;
}

/* Compile m to an object file (*obj NULL when nothing is compilable). */
static ox_error *compile(const ox_module *m, uint64_t key, uint8_t *flags, LLVMMemoryBufferRef *obj)
{
    *obj = NULL;
    uint32_t ndef = m->nfuncs - m->nimport_funcs;
    LLVMTargetMachineRef tm = host_machine();
    if (!tm)
        return ox_error_new(OX_ERR_INTERNAL, "LLVM has no target for this machine");
    oxj_mod jm;
    memset(&jm, 0, sizeof jm);
    jm.m = m;
    jm.ctx = LLVMContextCreate();
    jm.mod = LLVMModuleCreateWithNameInContext("wasm", jm.ctx);
    jm.b = LLVMCreateBuilderInContext(jm.ctx);
    jm.i1 = LLVMInt1TypeInContext(jm.ctx);
    jm.i8 = LLVMInt8TypeInContext(jm.ctx);
    jm.i32 = LLVMInt32TypeInContext(jm.ctx);
    jm.i64 = LLVMInt64TypeInContext(jm.ctx);
    jm.f32 = LLVMFloatTypeInContext(jm.ctx);
    jm.f64 = LLVMDoubleTypeInContext(jm.ctx);
    jm.ptr = LLVMPointerType(jm.i8, 0);
    jm.v128 = LLVMVectorType(jm.i64, 2);
    char *triple = LLVMGetTargetMachineTriple(tm);
    LLVMSetTarget(jm.mod, triple);
    LLVMDisposeMessage(triple);
    LLVMTargetDataRef dl = LLVMCreateTargetDataLayout(tm);
    LLVMSetModuleDataLayout(jm.mod, dl);
    LLVMDisposeTargetData(dl);
    declare_runtime(&jm);

    jm.fns = calloc(ndef, sizeof *jm.fns);
    jm.fntys = calloc(ndef, sizeof *jm.fntys);
    oxj_plan *plans = calloc(ndef, sizeof *plans);
    jm.plans = plans;
    ox_error *err = NULL;
    bool any = false;
    if (!jm.fns || !jm.fntys || !plans)
        err = ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
    if (!err)
        err = translate(&jm, plans, key, flags, &any);
    if (!err && any) {
        LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
        LLVMErrorRef le = LLVMRunPasses(jm.mod, "default<O2>", tm, opts);
        LLVMDisposePassBuilderOptions(opts);
        char *msg = NULL;
        if (le)
            err = llvm_error(le, "optimising");
        else if (LLVMTargetMachineEmitToMemoryBuffer(tm, jm.mod, LLVMObjectFile, &msg, obj)) {
            err = ox_error_new(OX_ERR_INTERNAL, "LLVM: emitting code: %s", msg ? msg : "?");
            *obj = NULL;
        }
        LLVMDisposeMessage(msg);
    }
    for (uint32_t d = 0; plans && d < ndef; d++)
        oxj_plan_free(&plans[d]);
    free(plans);
    free(jm.fns);
    free(jm.fntys);
    LLVMDisposeBuilder(jm.b);
    LLVMDisposeModule(jm.mod);
    LLVMContextDispose(jm.ctx);
    LLVMDisposeTargetMachine(tm);
    return err;
}

const ox_jit_host *oxj_host;

/* The library's entry: the object file of m's compilable functions. */
static ox_error *compile_module(const ox_module *m, uint64_t key, uint8_t *flags, void **obj,
                                size_t *len)
{
    *obj = NULL;
    *len = 0;
    pthread_once(&llvm_once, llvm_init);
    LLVMMemoryBufferRef buf = NULL;
    ox_error *err = compile(m, key, flags, &buf);
    if (!err && buf) {
        *len = LLVMGetBufferSize(buf);
        *obj = malloc(*len ? *len : 1);
        if (*obj)
            memcpy(*obj, LLVMGetBufferStart(buf), *len);
        else
            err = ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
    }
    if (buf)
        LLVMDisposeMemoryBuffer(buf);
    return err;
}

__attribute__((visibility("default"))) const char *ox_jit_plugin_init(const ox_jit_host *host,
                                                                      ox_jit_plugin *out);
const char *ox_jit_plugin_init(const ox_jit_host *host, ox_jit_plugin *out)
{
    uint32_t sizes[4] = {sizeof(ox_store), sizeof(ox_instance), sizeof(ox_func), sizeof(ox_module)};
    if (host->abi != OXJ_PLUGIN_ABI || memcmp(host->sizes, sizes, sizeof sizes) ||
        host->nruntime != OXJ_RT_COUNT)
        return "built for another version of the engine";
    oxj_host = host;
    out->compile = compile_module;
    return NULL;
}
