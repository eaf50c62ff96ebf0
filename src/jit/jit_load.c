/*
 * jit_load.c — a module's compiled code: found (shared in the engine, or
 * in the code cache), else compiled by the compiler library, then loaded
 * (jit_elf.c) and installed for the module's functions.
 *
 * The compiler (liboxide-jit.so, jit_plugin.h) is loaded with dlopen the
 * first time a module must be compiled, looked for at $OXIDE_JIT_LIB (for
 * tests and unusual layouts), in lib/oxide/ beside the program or library
 * that holds the engine, at the install path this build was configured
 * with, and in its build tree. Loaded once per process, never unloaded:
 * its entry point does not change, so engines on any thread share it.
 *
 * The cache key hashes the module's bytes with what the machine code
 * depends on besides them, all known without LLVM: the layout of the
 * structures compiled code reads, the runtime's interface (OXJ_ABI),
 * this CPU's feature bits (cpuid), so code compiled for one CPU is never
 * run on a CPU without its instructions, and the compiler library's build
 * ID, read from its file, so code made by another build of the compiler
 * is never run.
 */
#define _GNU_SOURCE 1 /* dladdr */
#include <cpuid.h>
#include <dlfcn.h>
#include <libgen.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "code.h"
#include "jit_cache.h"
#include "jit_elf.h"
#include "jit_plugin.h"

#define LIB_NAME "liboxide-jit.so"
#define OXJ_ABI 7 /* bumped when the translation or the runtime's interface changes */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static ox_jit_plugin plugin;
static char why[512]; /* why not loaded; empty once loaded */

static const char *const runtime_names[] = {
#define OX_R(name) #name,
    OX_JIT_RUNTIME(OX_R)
#undef OX_R
};
static void (*const runtime[])(void) = {
#define OX_R(name) (void (*)(void))name,
    OX_JIT_RUNTIME(OX_R)
#undef OX_R
};

static const ox_jit_host host = {
    .abi = OXJ_PLUGIN_ABI,
    .sizes = {sizeof(ox_store), sizeof(ox_instance), sizeof(ox_func), sizeof(ox_module)},
    .opinfo_get = ox_opinfo_get,
    .opinfo_of = ox_opinfo_of,
    .error_new = ox_error_new,
    .enter = ox_jit_enter,
    .runtime_names = runtime_names,
    .runtime = runtime,
    .nruntime = sizeof runtime / sizeof runtime[0],
};

/* ---- the compiler library ------------------------------------------------ */

/* Open the library at path and start it; false (with why set) if not. */
static bool try_open(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(why, sizeof why, "cannot load %.300s: %.190s", path, dlerror());
        return false;
    }
    ox_jit_plugin_init_fn init = (ox_jit_plugin_init_fn)dlsym(h, OXJ_PLUGIN_INIT);
    const char *err = init ? init(&host, &plugin) : "it is not Oxide's compiler";
    if (err) {
        snprintf(why, sizeof why, "%.400s: %.100s", path, err);
        memset(&plugin, 0, sizeof plugin);
        dlclose(h);
        return false;
    }
    why[0] = 0;
    return true;
}

/* The places the compiler library is looked for, in order, into out;
   returns how many. */
#define MAX_PLACES 4
typedef char place[4096];

static int places(place *out)
{
    int n = 0;
    const char *env = getenv("OXIDE_JIT_LIB");
    if (env && *env) {
        snprintf(out[n++], sizeof out[0], "%s", env);
        return n;
    }
    Dl_info info;
    if (dladdr((void *)&host, &info) && info.dli_fname) {
        char self[4096];
        snprintf(self, sizeof self, "%s", info.dli_fname);
        const char *dir = dirname(self);
        /* lib/liboxide-wasm.so -> lib/oxide/; bin/oxide -> lib/oxide/ */
        snprintf(out[n++], sizeof out[0], "%s/oxide/" LIB_NAME, dir);
        snprintf(out[n++], sizeof out[0], "%s/../lib/oxide/" LIB_NAME, dir);
    }
#ifdef OX_JIT_LIB_INSTALLED
    snprintf(out[n++], sizeof out[0], "%s", OX_JIT_LIB_INSTALLED);
#endif
#ifdef OX_JIT_LIB_BUILT
    snprintf(out[n++], sizeof out[0], "%s", OX_JIT_LIB_BUILT);
#endif
    return n;
}

static void load(void)
{
    place p[MAX_PLACES];
    int n = places(p);
    for (int k = 0; k < n; k++)
        if (try_open(p[k]))
            return;
}

bool ox_jit_built(void) { return true; }

const char *ox_jit_unavailable(void)
{
    pthread_once(&once, load);
    return plugin.compile ? NULL : why[0] ? why : "the compiler library was not found";
}

/* ---- compiling ----------------------------------------------------------- */

/* LLVM recurses as deep as the code it is given is large or nested, far
   deeper than the stack of an embedder's thread may be: it runs on a
   thread of its own with a stack this size (reserved, touched as used). */
#define COMPILE_STACK ((size_t)256 << 20)

typedef struct compile_job {
    const ox_module *m;
    uint64_t key;
    uint8_t *flags;
    void *obj;
    size_t len;
    ox_error *err;
} compile_job;

static void *compile_thread(void *arg)
{
    compile_job *cj = arg;
    cj->err = plugin.compile(cj->m, cj->key, cj->flags, &cj->obj, &cj->len);
    return NULL;
}

static ox_error *compile_with(const ox_module *m, uint64_t key, uint8_t *flags, void **obj, size_t *len)
{
    compile_job cj = {m, key, flags, NULL, 0, NULL};
    pthread_attr_t attr;
    pthread_t th;
    bool ran = false;
    if (pthread_attr_init(&attr) == 0) {
        ran = pthread_attr_setstacksize(&attr, COMPILE_STACK) == 0 &&
              pthread_create(&th, &attr, compile_thread, &cj) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!ran) /* no thread (an address-space limit, say): on the caller's stack */
        return plugin.compile(m, key, flags, obj, len);
    pthread_join(th, NULL);
    *obj = cj.obj;
    *len = cj.len;
    return cj.err;
}

/* ---- the key ------------------------------------------------------------- */

/* What compiled code depends on besides its module. */
static uint64_t identity(void)
{
    uint64_t facts[] = {
        OXJ_ABI, offsetof(ox_store, interrupt), offsetof(ox_store, fuel), offsetof(ox_store, jit_left),
        offsetof(ox_store, jit_stack_limit), offsetof(ox_instance, funcs),
        offsetof(ox_instance, tables), offsetof(ox_instance, globals), offsetof(ox_instance, mems),
        offsetof(ox_instance, jit_mem0), offsetof(ox_instance, type_ids), offsetof(ox_func, native),
        offsetof(ox_func, inst), offsetof(ox_func, type_id), offsetof(ox_table, elems),
        offsetof(ox_table, size), offsetof(ox_memory, pages), offsetof(ox_memory, data),
        offsetof(ox_global, val),
    };
    uint64_t h = oxj_hash(facts, sizeof facts, 0);
    /* the CPU's features: cpuid leaves 1, 7 and 0x80000001, and which
       register state the OS saves (xgetbv) */
    unsigned r[4];
    static const unsigned leaves[] = {1, 7, 0x80000001u};
    for (size_t k = 0; k < sizeof leaves / sizeof leaves[0]; k++)
        if (__get_cpuid_count(leaves[k], 0, &r[0], &r[1], &r[2], &r[3])) {
            if (leaves[k] != 7)
                r[1] = 0; /* leaf 1's ebx holds the APIC id of the core it ran on */
            h = oxj_hash(r + 1, 3 * sizeof r[0], h);
        }
    if (__get_cpuid(1, &r[0], &r[1], &r[2], &r[3]) && (r[2] & bit_OSXSAVE)) {
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        uint64_t xcr0 = (uint64_t)hi << 32 | lo;
        h = oxj_hash(&xcr0, sizeof xcr0, h);
    }
    /* the compiler: every library load() may open, by its build ID, read
       from the file (loading it would load LLVM), so that code another
       build of the compiler made is a miss even when OXJ_ABI was not
       bumped (a developer's rebuild) */
    place p[MAX_PLACES];
    int n = places(p);
    for (int k = 0; k < n; k++) {
        uint8_t id[64];
        size_t len = oxj_file_identity(p[k], id, sizeof id);
        h = oxj_hash(id, len, h ^ (uint64_t)len);
    }
    return h;
}

static uint64_t identity_hash;
static pthread_once_t identity_once = PTHREAD_ONCE_INIT;
static void identity_init(void) { identity_hash = identity(); }

/* A module's key: its bytes and what its code depends on besides them. */
static uint64_t module_key(const ox_module *m)
{
    pthread_once(&identity_once, identity_init);
    return oxj_hash(m->bytes, m->nbytes, identity_hash);
}

/* ---- a module's code ----------------------------------------------------- */

static void jitcode_free(struct ox_jitcode *jc)
{
    if (!jc)
        return;
    oxj_image_free(jc->image);
    free(jc->starts);
    free(jc->funcidx);
    free(jc->natives);
    free(jc->wraps);
    free(jc->osrs);
    free(jc->bytes);
    free(jc);
}

void ox_jit_module_free(struct ox_jitcode *jc)
{
    if (!jc)
        return;
    ox_engine *e = jc->engine;
    pthread_mutex_lock(&e->jit_lock);
    if (--jc->refs == 0) {
        for (size_t k = 0; k < e->njit_codes; k++)
            if (e->jit_codes[k] == jc) {
                e->jit_codes[k] = e->jit_codes[--e->njit_codes];
                break;
            }
        jitcode_free(jc);
    }
    pthread_mutex_unlock(&e->jit_lock);
}

static uintptr_t resolve(void *user, const char *name)
{
    (void)user;
    for (size_t k = 0; k < sizeof runtime / sizeof runtime[0]; k++)
        if (!strcmp(name, runtime_names[k]))
            return (uintptr_t)runtime[k];
    return 0;
}

static int cmp_start(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return x < y ? -1 : x > y;
}

/* With $OXIDE_PERFMAP set, each compiled function gets a line in
   /tmp/perf-PID.map (the format perf(1) reads for code it cannot find in a
   file): `perf record` then names wasm functions in its reports. */
static FILE *perf_map(void)
{
    const char *on = getenv("OXIDE_PERFMAP");
    if (!on || !*on || !strcmp(on, "0"))
        return NULL;
    char path[64];
    snprintf(path, sizeof path, "/tmp/perf-%ld.map", (long)getpid());
    return fopen(path, "a");
}

/* Load the object (unless *image is it, loaded: jc takes it) and find
   each function flags[] names. */
static ox_error *load_code(struct ox_jitcode *jc, const ox_module *m, const void *obj, size_t len,
                           oxj_image **image, const uint8_t *flags)
{
    jc->image = *image;
    *image = NULL;
    const char *no = jc->image ? NULL : oxj_image_load(obj, len, resolve, NULL, &jc->image);
    if (no)
        return ox_error_new(OX_ERR_INTERNAL, "cannot load compiled code: %s", no);
    oxj_image_range(jc->image, &jc->lo, &jc->hi);
    /* (start, function index) of every function's code and OSR entry,
       which a fault's address is looked up in (ox_jit_func_at) */
    uintptr_t *pairs = malloc((jc->ndef ? jc->ndef : 1) * 4 * sizeof *pairs);
    if (!pairs)
        return ox_error_new(OX_ERR_NOMEM, "out of memory");
    uint32_t n = 0;
    FILE *map = perf_map();
    for (uint32_t d = 0; d < jc->ndef; d++) {
        if (!(flags[d] & OXJ_COMPILED))
            continue;
        char name[48];
        size_t size = 0;
        oxj_sym_name(name, sizeof name, jc->key, 'f', d);
        void *f = oxj_image_symbol(jc->image, name, &size);
        oxj_sym_name(name, sizeof name, jc->key, 't', d);
        void *native = oxj_image_symbol(jc->image, name, NULL);
        oxj_sym_name(name, sizeof name, jc->key, 'w', d);
        void *w = oxj_image_symbol(jc->image, name, NULL);
        void *o = NULL;
        if (flags[d] & OXJ_OSR) {
            oxj_sym_name(name, sizeof name, jc->key, 'o', d);
            o = oxj_image_symbol(jc->image, name, NULL);
        }
        if (!f || !native || !w || (!o && (flags[d] & OXJ_OSR))) {
            free(pairs);
            if (map)
                fclose(map);
            return ox_error_new(OX_ERR_INTERNAL, "compiled code lacks function %u", jc->nimports + d);
        }
        if (map) {
            const char *fname = ox_module_func_name(m, jc->nimports + d);
            if (fname)
                fprintf(map, "%lx %zx wasm::%s\n", (unsigned long)(uintptr_t)f, size, fname);
            else
                fprintf(map, "%lx %zx wasm::func[%u]\n", (unsigned long)(uintptr_t)f, size,
                        jc->nimports + d);
        }
        jc->natives[d] = native;
        jc->wraps[d] = (ox_jit_wrap)(uintptr_t)w;
        if (o) {
            jc->osrs[d] = (ox_jit_osr)(uintptr_t)o;
            pairs[2 * n] = (uintptr_t)o;
            pairs[2 * n + 1] = jc->nimports + d;
            n++;
        }
        pairs[2 * n] = (uintptr_t)f;
        pairs[2 * n + 1] = jc->nimports + d;
        n++;
    }
    qsort(pairs, n, 2 * sizeof *pairs, cmp_start);
    for (uint32_t k = 0; k < n; k++) {
        jc->starts[k] = pairs[2 * k];
        jc->funcidx[k] = (uint32_t)pairs[2 * k + 1];
    }
    free(pairs);
    if (map)
        fclose(map);
    jc->nstarts = n;
    return NULL;
}

static struct ox_jitcode *jitcode_new(ox_engine *e, const ox_module *m, uint64_t key)
{
    struct ox_jitcode *jc = calloc(1, sizeof *jc);
    uint32_t ndef = m->nfuncs - m->nimport_funcs;
    if (!jc)
        return NULL;
    jc->engine = e;
    jc->key = key;
    jc->ndef = ndef;
    jc->nimports = m->nimport_funcs;
    jc->refs = 1;
    jc->nbytes = m->nbytes;
    jc->bytes = malloc(m->nbytes ? m->nbytes : 1);
    jc->starts = malloc((ndef ? 2 * ndef : 1) * sizeof *jc->starts); /* code and OSR entries */
    jc->funcidx = malloc((ndef ? 2 * ndef : 1) * sizeof *jc->funcidx);
    jc->natives = calloc(ndef ? ndef : 1, sizeof *jc->natives);
    jc->wraps = calloc(ndef ? ndef : 1, sizeof *jc->wraps);
    jc->osrs = calloc(ndef ? ndef : 1, sizeof *jc->osrs);
    if (!jc->bytes || !jc->starts || !jc->funcidx || !jc->natives || !jc->wraps || !jc->osrs) {
        jitcode_free(jc);
        return NULL;
    }
    if (m->nbytes)
        memcpy(jc->bytes, m->bytes, m->nbytes);
    return jc;
}

/* m's code from the object (or *image, that object loaded: taken) and the
   flags the compiler returned. */
static ox_error *new_code(ox_module *m, uint64_t key, const void *obj, size_t len, oxj_image **image,
                          const uint8_t *flags, struct ox_jitcode **out)
{
    struct ox_jitcode *jc = jitcode_new(m->engine, m, key);
    ox_error *err = jc ? load_code(jc, m, obj, len, image, flags) : ox_error_new(OX_ERR_NOMEM, "out of memory");
    if (err) {
        jitcode_free(jc);
        jc = NULL;
    }
    *out = jc;
    return err;
}

/* An equal module's code in e (a reference more), or NULL. Under the lock. */
static struct ox_jitcode *shared(ox_engine *e, const ox_module *m, uint64_t key)
{
    for (size_t k = 0; k < e->njit_codes; k++) {
        struct ox_jitcode *jc = e->jit_codes[k];
        if (jc->key == key && jc->nbytes == m->nbytes && !memcmp(jc->bytes, m->bytes, m->nbytes)) {
            jc->refs++;
            return jc;
        }
    }
    return NULL;
}

/* m's functions take jc's code: the entries first, then the code
   pointer, which instances read (ox_instance_take_jit) before they look at
   the entries: they may be running while the auto tier's thread installs. */
static void install(ox_module *m, struct ox_jitcode *jc)
{
    for (uint32_t d = 0; d < jc->ndef; d++) {
        m->funcs[d].native = jc->natives[d];
        m->funcs[d].wrap = jc->wraps[d];
        m->funcs[d].osr = jc->osrs[d];
    }
    m->jit_enter = ox_jit_enter;
    m->jit_osr = ox_jit_osr_enter;
    atomic_store(&m->jit, jc);
}

/* How code is found: shared or cached, else compiled (and cached); or
   shared or cached only; or as the first, compiled with OSR entries. */
enum { FIND_OR_COMPILE, FIND_ONLY, FIND_OR_COMPILE_OSR };

static ox_error *provide(ox_module *m, int how)
{
    ox_engine *e = m->engine;
    uint32_t ndef = m->nfuncs - m->nimport_funcs;
    if (ndef == 0)
        return NULL;
    uint64_t key = module_key(m);
    pthread_mutex_lock(&e->jit_lock);
    struct ox_jitcode *jc = shared(e, m, key);
    pthread_mutex_unlock(&e->jit_lock);
    if (jc) {
        install(m, jc);
        return NULL;
    }
    uint8_t *flags = calloc(ndef, 1);
    if (!flags)
        return ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
    const char *dir = e->cfg.jit_cache_dir;
    char path[4096];
    bool cacheable = dir && oxj_cache_path(dir, key, path, sizeof path);
    uint8_t *obj = NULL;
    size_t len = 0;
    ox_error *err = NULL;
    bool cached = cacheable && oxj_cache_read(path, key, m->bytes, m->nbytes, ndef, flags, &obj, &len);
    /* the auto tier's first code (OXJ_PARTIAL): what a run found hot, kept
       for the next runs, whose background compilation replaces it; a miss
       for anything that wants the whole module */
    bool partial = cached && (flags[0] & OXJ_PARTIAL);
    oxj_image *image = NULL;
    if (cached && ((partial && how != FIND_ONLY) || oxj_image_load(obj, len, resolve, NULL, &image))) {
        /* a cached object that does not load (damaged on disk) is a miss */
        free(obj);
        obj = NULL;
        cached = partial = false;
    }
    if (!cached && how != FIND_ONLY) {
        /* OSR entries for the functions seen running (or all, testing) */
        for (uint32_t d = 0; d < ndef; d++)
            flags[d] = how == FIND_OR_COMPILE_OSR &&
                               (e->cfg.jit_osr_test ||
                                (m->osr_hint && atomic_load_explicit(&m->osr_hint[d], memory_order_relaxed)))
                           ? OXJ_OSR
                           : 0;
        const char *no = ox_jit_unavailable();
        void *o = NULL;
        err = no ? ox_error_new(OX_ERR_UNSUPPORTED, "no compiling tier: %s", no)
                 : compile_with(m, key, flags, &o, &len);
        obj = o;
        if (!err && obj && cacheable)
            (void)oxj_cache_write(dir, path, key, m->bytes, m->nbytes, ndef, flags, obj, len, false);
    }
    if (!err && obj && partial) {
        err = new_code(m, key, obj, len, &image, flags, &jc);
        if (jc) { /* the module's own, as ox_jit_compile_hot's */
            atomic_store(&m->jit_hot, jc);
            m->jit_hot_tried = true;
        }
    } else if (!err && obj) {
        err = new_code(m, key, obj, len, &image, flags, &jc);
        if (!err) {
            pthread_mutex_lock(&e->jit_lock);
            struct ox_jitcode *other = shared(e, m, key); /* loaded meanwhile */
            if (other) {
                jitcode_free(jc);
                jc = other;
            } else {
                if (e->njit_codes == e->capjit_codes) {
                    size_t cap = e->capjit_codes ? 2 * e->capjit_codes : 16;
                    struct ox_jitcode **n = realloc(e->jit_codes, cap * sizeof *n);
                    if (n) {
                        e->jit_codes = n;
                        e->capjit_codes = cap;
                    }
                }
                if (e->njit_codes < e->capjit_codes)
                    e->jit_codes[e->njit_codes++] = jc;
                else
                    err = ox_error_new(OX_ERR_NOMEM, "out of memory");
            }
            pthread_mutex_unlock(&e->jit_lock);
        }
        if (err) {
            jitcode_free(jc);
            jc = NULL;
        }
    }
    oxj_image_free(image); /* not taken: out of memory */
    free(obj);
    free(flags);
    if (!err && jc)
        install(m, jc);
    return err;
}

ox_error *ox_jit_compile_module(ox_module *m)
{
    ox_tier tier = m->engine->cfg.tier;
    if (tier == OX_TIER_INTERP)
        return NULL;
    if (tier == OX_TIER_JIT)
        return provide(m, m->engine->cfg.jit_osr_test ? FIND_OR_COMPILE_OSR : FIND_OR_COMPILE);
    /* auto: compiled from the start when the cache has it; else the
       sampler notes which functions run, for OSR entries */
    uint32_t ndef = m->nfuncs - m->nimport_funcs;
    if (!m->osr_hint && ndef && !(m->osr_hint = calloc(ndef, sizeof *m->osr_hint)))
        return ox_error_new(OX_ERR_NOMEM, "out of memory");
    ox_error *err = provide(m, FIND_ONLY);
    if (!err && atomic_load(&m->jit) && !m->jit_hot) /* the first code only: the rest is to come */
        atomic_store(&m->tier_state, 2);
    return err;
}

ox_error *ox_jit_compile_hot(ox_module *m, bool *whole)
{
    uint32_t ndef = m->nfuncs - m->nimport_funcs, n = 0;
    *whole = false;
    if (ndef == 0 || !m->osr_hint || atomic_load(&m->jit))
        return NULL;
    uint8_t *flags = calloc(ndef, 1);
    if (!flags)
        return ox_error_new(OX_ERR_NOMEM, "out of memory compiling");
    for (uint32_t d = 0; d < ndef; d++)
        if (atomic_load_explicit(&m->osr_hint[d], memory_order_relaxed)) {
            flags[d] = OXJ_WANT | OXJ_OSR;
            n++;
        }
    ox_error *err = NULL;
    const char *no = ox_jit_unavailable();
    /* all of them, or none: the whole module's compilation is next */
    if (n > 0 && n < ndef && !no) {
        uint64_t key = module_key(m);
        void *obj = NULL;
        size_t len = 0;
        oxj_image *image = NULL;
        struct ox_jitcode *jc = NULL;
        err = compile_with(m, key, flags, &obj, &len);
        if (!err && obj)
            err = new_code(m, key, obj, len, &image, flags, &jc);
        /* the compiler made all of it (asked for nearly all), or only
           some: kept for the next runs unless the cache has something
           already (the whole module's code, from another process) */
        *whole = jc && !(flags[0] & OXJ_PARTIAL);
        const char *dir = m->engine->cfg.jit_cache_dir;
        char path[4096];
        if (jc && dir && oxj_cache_path(dir, key, path, sizeof path))
            (void)oxj_cache_write(dir, path, key, m->bytes, m->nbytes, ndef, flags, obj, len, !*whole);
        if (jc) {
            atomic_store(&m->jit_hot, jc);
            install(m, jc);
        }
        free(obj);
    }
    free(flags);
    return err;
}

ox_error *ox_jit_compile_background(ox_module *m)
{
    /* its functions may be running in the interpreter: with entries at
       their loops, so a long-running call moves over too */
    ox_error *err = provide(m, FIND_OR_COMPILE_OSR);
    m->jit_error = err;
    atomic_store(&m->tier_state, 2); /* publishes jit_error */
    return err;
}
