/*
 * jit_llvm.c — a module's functions to machine code with LLVM.
 *
 * The engine owns one LLVM ORC JIT (made on the first module it
 * compiles; the runtime functions compiled code calls are defined in it
 * by address). A module is translated into one LLVM module (jit_emit.c),
 * optimised at -O2 for the host CPU, emitted as an object file and
 * linked into the JIT under a resource tracker of its own, which frees
 * the code with the module. Each compilation gets its own LLVM context,
 * so modules may be compiled on several threads at once; the JIT itself
 * is entered under the engine's lock.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include <llvm/Config/llvm-config.h>

#include "code.h"
#include "jit_cache.h"
#include "jit_emit.h"

struct ox_jit_engine {
    LLVMOrcLLJITRef jit;
    LLVMOrcJITDylibRef jd;
    uint64_t identity;        /* what compiled code depends on besides the module */
    struct ox_jitcode **codes; /* the modules' code loaded now, shared by equal modules */
    size_t ncodes, capcodes;
};

/* An error of LLVM's as ours (consumes it). */
static ox_error *llvm_error(LLVMErrorRef e, const char *what)
{
    char *msg = LLVMGetErrorMessage(e);
    ox_error *err = ox_error_new(OX_ERR_INTERNAL, "LLVM: %s: %s", what, msg);
    LLVMDisposeErrorMessage(msg);
    return err;
}

static void jit_engine_free(struct ox_jit_engine *je)
{
    if (!je)
        return;
    if (je->jit) {
        LLVMErrorRef e = LLVMOrcDisposeLLJIT(je->jit);
        if (e)
            LLVMConsumeError(e);
    }
    free(je->codes);
    free(je);
}

static pthread_once_t llvm_once = PTHREAD_ONCE_INIT;
static void llvm_init(void)
{
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
}

/* Everything compiled code depends on besides its module, hashed: a
   change of any of it makes the code cache miss. */
#define OXJ_ABI 2 /* bumped when the translation changes */

/* A function's flags in a compiled object (and the code cache): compiled,
   and with tailcc (its native entry is then its thunk). */
enum { OXJ_COMPILED = 1, OXJ_TAIL = 2 };
static uint64_t identity(void)
{
    char *cpu = LLVMGetHostCPUName(), *features = LLVMGetHostCPUFeatures();
    char *triple = LLVMGetDefaultTargetTriple();
    char buf[512];
    snprintf(buf, sizeof buf, "oxide-jit %d|llvm %s|%s|%s|%zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu",
             OXJ_ABI, LLVM_VERSION_STRING, triple, cpu, offsetof(ox_store, interrupt),
             offsetof(ox_store, jit_left), offsetof(ox_store, jit_stack_limit),
             offsetof(ox_instance, funcs), offsetof(ox_instance, tables),
             offsetof(ox_instance, globals), offsetof(ox_instance, mems),
             offsetof(ox_instance, jit_mem0), offsetof(ox_func, native),
             offsetof(ox_table, elems), offsetof(ox_memory, pages));
    uint64_t h = oxj_hash(buf, strlen(buf), 0);
    h = oxj_hash(features, strlen(features), h);
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(features);
    LLVMDisposeMessage(triple);
    return h;
}

static ox_error *jit_engine_new(struct ox_jit_engine **out)
{
    pthread_once(&llvm_once, llvm_init);
    struct ox_jit_engine *je = calloc(1, sizeof *je);
    if (!je)
        return ox_error_new(OX_ERR_NOMEM, "out of memory for the compiler");
    LLVMErrorRef e = LLVMOrcCreateLLJIT(&je->jit, NULL);
    if (e) {
        free(je);
        return llvm_error(e, "creating the JIT");
    }
    je->jd = LLVMOrcLLJITGetMainJITDylib(je->jit);
    /* the runtime's functions, by name, for the linker */
    size_t n = oxj_host->nruntime;
    LLVMJITCSymbolMapPair pairs[16];
    for (size_t k = 0; k < n; k++) {
        pairs[k].Name = LLVMOrcLLJITMangleAndIntern(je->jit, oxj_host->runtime_names[k]);
        pairs[k].Sym.Address = (LLVMOrcJITTargetAddress)(uintptr_t)oxj_host->runtime[k];
        pairs[k].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported |
                                          LLVMJITSymbolGenericFlagsCallable;
        pairs[k].Sym.Flags.TargetFlags = 0;
    }
    e = LLVMOrcJITDylibDefine(je->jd, LLVMOrcAbsoluteSymbols(pairs, n));
    /* the C library's (memcpy, memset, libm) for what LLVM calls itself */
    LLVMOrcDefinitionGeneratorRef gen = NULL;
    if (!e)
        e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
            &gen, LLVMOrcLLJITGetGlobalPrefix(je->jit), NULL, NULL);
    if (e) {
        jit_engine_free(je);
        return llvm_error(e, "setting up the JIT");
    }
    LLVMOrcJITDylibAddGenerator(je->jd, gen);
    je->identity = identity();
    *out = je;
    return NULL;
}

/* The engine's JIT, made on first use. */
static ox_error *engine_jit(ox_engine *e, struct ox_jit_engine **out)
{
    ox_error *err = NULL;
    pthread_mutex_lock(&e->jit_lock);
    if (!e->jit) {
        err = jit_engine_new(&e->jit);
        if (!err)
            e->jit_free = jit_engine_free;
    }
    *out = e->jit;
    pthread_mutex_unlock(&e->jit_lock);
    return err;
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
        /* The large code model: calls of the runtime and constant-pool
           loads by absolute address (64-bit relocations), no GOT or stubs
           for the linker to place. With the small one, RuntimeDyld's PLT
           stubs sometimes pointed at a GOT slot it had not mapped. */
        tm = LLVMCreateTargetMachine(target, triple, cpu, features, LLVMCodeGenLevelDefault,
                                     LLVMRelocStatic, LLVMCodeModelLarge);
    LLVMDisposeMessage(msg);
    LLVMDisposeMessage(triple);
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(features);
    return tm;
}

static void declare_runtime(oxj_mod *jm)
{
    LLVMTypeRef v = LLVMVoidTypeInContext(jm->ctx), p = jm->ptr, i = jm->i32;
    LLVMTypeRef sigs[][8] = {
        [OXJ_RT_TRAP] = {p, p, i, i},
        [OXJ_RT_POLL] = {p, p, i, i},
        [OXJ_RT_CALL] = {p, p, p, p},
        [OXJ_RT_SUB] = {p, i, i},
        [OXJ_RT_GROW] = {p, i},
        [OXJ_RT_FILL] = {p, p, i, i, i, i},
        [OXJ_RT_COPY] = {p, p, i, i, i, i},
        [OXJ_RT_INIT] = {p, p, i, i, i, i, i},
        [OXJ_RT_DROP] = {p, i},
    };
    static const unsigned nargs[] = {4, 4, 4, 3, 2, 6, 6, 7, 2};
    for (size_t k = 0; k < OXJ_RT_COUNT; k++) {
        LLVMTypeRef ret = k == OXJ_RT_SUB || k == OXJ_RT_GROW ? i : v;
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

static void sym_name(char *buf, size_t n, uint64_t key, char kind, uint32_t d)
{
    snprintf(buf, n, "ox%016llx_%c%u", (unsigned long long)key, kind, d);
}

static int cmp_start(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return x < y ? -1 : x > y;
}

/* Link the object into the JIT under a tracker of jc's and find every
   function flags[] says it has. Called under the engine's lock. */
static ox_error *load_object(struct ox_jit_engine *je, struct ox_jitcode *jc,
                             LLVMMemoryBufferRef obj, const uint8_t *flags)
{
    LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(je->jd);
    jc->tracker = rt;
    LLVMErrorRef le = LLVMOrcLLJITAddObjectFileWithRT(je->jit, rt, obj);
    if (le)
        return llvm_error(le, "linking compiled code");
    uint32_t n = 0;
    uintptr_t *pairs = malloc((jc->ndef ? jc->ndef : 1) * 2 * sizeof *pairs);
    if (!pairs)
        return ox_error_new(OX_ERR_NOMEM, "out of memory");
    for (uint32_t d = 0; d < jc->ndef; d++) {
        if (!flags[d])
            continue;
        char name[48];
        LLVMOrcExecutorAddress fa = 0, wa = 0;
        sym_name(name, sizeof name, jc->key, flags[d] & OXJ_TAIL ? 't' : 'f', d);
        le = LLVMOrcLLJITLookup(je->jit, &fa, name);
        if (!le) {
            sym_name(name, sizeof name, jc->key, 'w', d);
            le = LLVMOrcLLJITLookup(je->jit, &wa, name);
        }
        if (le) {
            free(pairs);
            return llvm_error(le, "finding compiled code");
        }
        jc->natives[d] = (void *)(uintptr_t)fa;
        jc->wraps[d] = (ox_jit_wrap)(uintptr_t)wa;
        pairs[2 * n] = (uintptr_t)fa;
        pairs[2 * n + 1] = jc->nimports + d;
        n++;
    }
    /* the starts sorted, for faults (jit_rt.c) */
    qsort(pairs, n, 2 * sizeof *pairs, cmp_start);
    for (uint32_t k = 0; k < n; k++) {
        jc->starts[k] = pairs[2 * k];
        jc->funcidx[k] = (uint32_t)pairs[2 * k + 1];
    }
    free(pairs);
    jc->nstarts = n;
    return NULL;
}

static void jitcode_free(struct ox_jitcode *jc)
{
    if (!jc)
        return;
    if (jc->tracker) {
        LLVMErrorRef e = LLVMOrcResourceTrackerRemove(jc->tracker);
        if (e)
            LLVMConsumeError(e);
        LLVMOrcReleaseResourceTracker(jc->tracker);
    }
    free(jc->starts);
    free(jc->funcidx);
    free(jc->natives);
    free(jc->wraps);
    free(jc->bytes);
    free(jc);
}

static void plugin_free(struct ox_jitcode *jc)
{
    if (!jc)
        return;
    struct ox_jit_engine *je = jc->je;
    pthread_mutex_t *lock = jc->lock; /* jc may be gone before the unlock */
    pthread_mutex_lock(lock);
    bool last = --jc->refs == 0;
    if (last) {
        for (size_t k = 0; k < je->ncodes; k++)
            if (je->codes[k] == jc) {
                je->codes[k] = je->codes[--je->ncodes];
                break;
            }
        jitcode_free(jc);
    }
    pthread_mutex_unlock(lock);
}

/* Translate the module's compilable functions into jm->mod (flags[d] set
   for those); *any when there is one. */
static ox_error *translate(oxj_mod *jm, oxj_plan *plans, uint64_t key, uint8_t *flags, bool *any)
{
    const ox_module *m = jm->m;
    uint32_t ndef = m->nfuncs - m->nimport_funcs;
    *any = false;
    bool *ok = calloc(ndef ? ndef : 1, sizeof *ok);
    if (!ok)
        return ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
    for (uint32_t d = 0; d < ndef; d++)
        ok[d] = oxj_scan(m, d, &plans[d]);
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
        sym_name(name, sizeof name, key, 'f', d);
        jm->fntys[d] = oxj_fn_type(jm, &m->types[m->funcs[d].typeidx]);
        if (!jm->fntys[d]) {
            free(ok);
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
    for (uint32_t d = 0; d < ndef; d++) {
        if (!jm->fns[d])
            continue;
        if (!oxj_emit_function(jm, d, &plans[d]))
            return ox_error_new(OX_ERR_INTERNAL, "the compiler failed on function %u",
                                m->nimport_funcs + d);
        char name[48];
        sym_name(name, sizeof name, key, 'w', d);
        LLVMTypeRef ps[4] = {jm->ptr, jm->ptr, jm->ptr, jm->ptr};
        LLVMValueRef w = LLVMAddFunction(jm->mod, name,
                                         LLVMFunctionType(LLVMVoidTypeInContext(jm->ctx), ps, 4, 0));
        if (!oxj_emit_wrapper(jm, d, w))
            return ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
        if (flags[d] & OXJ_TAIL) {
            sym_name(name, sizeof name, key, 't', d);
            LLVMValueRef t = LLVMAddFunction(jm->mod, name, jm->fntys[d]);
            if (!oxj_emit_thunk(jm, d, t))
                return ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
        }
    }
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
static ox_error *compile(ox_module *m, uint64_t key, uint8_t *flags, LLVMMemoryBufferRef *obj)
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

/* m's functions take jc's code: the entries first, then the code
   pointer, then (release) each function's flag that the interpreter
   reads (acquire) before it looks at the entries: instances may be
   running while the auto tier's thread installs. */
static void install(ox_module *m, struct ox_jitcode *jc)
{
    for (uint32_t d = 0; d < jc->ndef; d++) {
        m->funcs[d].native = jc->natives[d];
        m->funcs[d].wrap = jc->wraps[d];
    }
    m->jit_enter = oxj_host->enter;
    atomic_store(&m->jit, jc);
    for (uint32_t d = 0; d < jc->ndef; d++)
        if (jc->wraps[d])
            atomic_store_explicit(&m->funcs[d].code->jit_ready, 1, memory_order_release);
}

static struct ox_jitcode *jitcode_new(struct ox_jit_engine *je, ox_engine *e, const ox_module *m,
                                      uint64_t key)
{
    struct ox_jitcode *jc = calloc(1, sizeof *jc);
    uint32_t ndef = m->nfuncs - m->nimport_funcs;
    if (!jc)
        return NULL;
    jc->je = je;
    jc->lock = &e->jit_lock;
    jc->key = key;
    jc->ndef = ndef;
    jc->nimports = m->nimport_funcs;
    jc->refs = 1;
    jc->nbytes = m->nbytes;
    jc->bytes = malloc(m->nbytes ? m->nbytes : 1);
    jc->starts = malloc(ndef * sizeof *jc->starts);
    jc->funcidx = malloc(ndef * sizeof *jc->funcidx);
    jc->natives = calloc(ndef, sizeof *jc->natives);
    jc->wraps = calloc(ndef, sizeof *jc->wraps);
    if (!jc->bytes || !jc->starts || !jc->funcidx || !jc->natives || !jc->wraps) {
        jitcode_free(jc);
        return NULL;
    }
    if (m->nbytes)
        memcpy(jc->bytes, m->bytes, m->nbytes);
    return jc;
}

/* An equal module's code, loaded already (a reference more), or NULL. */
static struct ox_jitcode *shared(struct ox_jit_engine *je, const ox_module *m, uint64_t key)
{
    for (size_t k = 0; k < je->ncodes; k++) {
        struct ox_jitcode *jc = je->codes[k];
        if (jc->key == key && jc->nbytes == m->nbytes && !memcmp(jc->bytes, m->bytes, m->nbytes)) {
            jc->refs++;
            return jc;
        }
    }
    return NULL;
}

static ox_error *plugin_compile(ox_module *m, int mode)
{
    ox_engine *e = m->engine;
    uint32_t ndef = m->nfuncs - m->nimport_funcs;
    if (ndef == 0)
        return NULL;
    struct ox_jit_engine *je;
    ox_error *err = engine_jit(e, &je);
    if (err)
        return err;
    uint64_t key = oxj_hash(m->bytes, m->nbytes, je->identity);
    pthread_mutex_lock(&e->jit_lock);
    struct ox_jitcode *jc = shared(je, m, key);
    pthread_mutex_unlock(&e->jit_lock);
    if (jc) {
        install(m, jc);
        return NULL;
    }

    /* the code cache, then the compiler */
    uint8_t *flags = calloc(ndef, 1);
    if (!flags)
        return ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
    const char *dir = e->cfg.jit_cache_dir;
    char path[4096];
    bool cacheable = dir && oxj_cache_path(dir, key, path, sizeof path);
    LLVMMemoryBufferRef obj = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (cacheable && oxj_cache_read(path, key, m->bytes, m->nbytes, ndef, flags, &bytes, &len)) {
        obj = LLVMCreateMemoryBufferWithMemoryRangeCopy((const char *)bytes, len, "cached");
        free(bytes);
    } else if (mode != OXJ_MODE_CACHED) {
        memset(flags, 0, ndef);
        err = compile(m, key, flags, &obj);
        if (!err && obj && cacheable)
            (void)oxj_cache_write(dir, path, key, m->bytes, m->nbytes, ndef, flags,
                                  LLVMGetBufferStart(obj), LLVMGetBufferSize(obj));
    }
    if (!err && obj) {
        jc = jitcode_new(je, e, m, key);
        pthread_mutex_lock(&e->jit_lock);
        struct ox_jitcode *other = jc ? shared(je, m, key) : NULL; /* compiled meanwhile */
        if (!jc) {
            err = ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
        } else if (other) {
            jitcode_free(jc);
            jc = other;
        } else {
            err = load_object(je, jc, obj, flags); /* takes obj */
            obj = NULL;
            if (!err && je->ncodes == je->capcodes) {
                size_t cap = je->capcodes ? je->capcodes * 2 : 16;
                struct ox_jitcode **n = realloc(je->codes, cap * sizeof *n);
                if (!n) {
                    err = ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
                } else {
                    je->codes = n;
                    je->capcodes = cap;
                }
            }
            if (!err)
                je->codes[je->ncodes++] = jc;
        }
        if (err && jc && jc != other) {
            jitcode_free(jc);
            jc = NULL;
        }
        pthread_mutex_unlock(&e->jit_lock);
    }
    if (obj)
        LLVMDisposeMemoryBuffer(obj);
    free(flags);
    if (err)
        return err;
    if (jc)
        install(m, jc);
    return NULL;
}

const ox_jit_host *oxj_host;

__attribute__((visibility("default"))) const char *ox_jit_plugin_init(const ox_jit_host *host,
                                                                      ox_jit_plugin *out);
const char *ox_jit_plugin_init(const ox_jit_host *host, ox_jit_plugin *out)
{
    uint32_t sizes[4] = {sizeof(ox_store), sizeof(ox_instance), sizeof(ox_func), sizeof(ox_module)};
    if (host->abi != OXJ_PLUGIN_ABI || memcmp(host->sizes, sizes, sizeof sizes) ||
        host->nruntime != OXJ_RT_COUNT)
        return "built for another version of the engine";
    oxj_host = host;
    out->compile_module = plugin_compile;
    out->module_free = plugin_free;
    return NULL;
}
