/*
 * jit_load.c — finding and loading the compiler (liboxide-jit.so, see
 * jit_plugin.h) on first use, and calling it.
 *
 * Where it is looked for, in order: $OXIDE_JIT_LIB (a path: for tests and
 * unusual layouts); next to this code, in lib/oxide/ below the library or
 * program that holds the engine (an installed tree); the install
 * directory this build was configured with; the build tree it was built
 * in. Loaded once per process and never unloaded: what it holds after
 * loading (its entry points) does not change, so engines on any thread
 * share it safely.
 */
#define _GNU_SOURCE 1 /* dladdr */
#include <dlfcn.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit_plugin.h"

#define LIB_NAME "liboxide-jit.so"

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

/* Open the library at path and start it; false (with why set) if not. */
static bool try_open(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(why, sizeof why, "cannot load %s: %s", path, dlerror());
        return false;
    }
    ox_jit_plugin_init_fn init = (ox_jit_plugin_init_fn)dlsym(h, OXJ_PLUGIN_INIT);
    const char *err = init ? init(&host, &plugin) : "it is not Oxide's compiler";
    if (err) {
        snprintf(why, sizeof why, "%s: %s", path, err);
        memset(&plugin, 0, sizeof plugin);
        dlclose(h);
        return false;
    }
    why[0] = 0;
    return true;
}

static void load(void)
{
    const char *env = getenv("OXIDE_JIT_LIB");
    if (env && *env) {
        try_open(env);
        return;
    }
    char path[4096];
    Dl_info info;
    if (dladdr((void *)&host, &info) && info.dli_fname) {
        char self[4096];
        snprintf(self, sizeof self, "%s", info.dli_fname);
        const char *dir = dirname(self);
        /* lib/liboxide-wasm.so -> lib/oxide/; bin/oxide -> lib/oxide/ */
        snprintf(path, sizeof path, "%s/oxide/" LIB_NAME, dir);
        if (try_open(path))
            return;
        snprintf(path, sizeof path, "%s/../lib/oxide/" LIB_NAME, dir);
        if (try_open(path))
            return;
    }
#ifdef OX_JIT_LIB_INSTALLED
    if (try_open(OX_JIT_LIB_INSTALLED))
        return;
#endif
#ifdef OX_JIT_LIB_BUILT
    if (try_open(OX_JIT_LIB_BUILT))
        return;
#endif
}

const char *ox_jit_unavailable(void)
{
    pthread_once(&once, load);
    return plugin.compile_module ? NULL : why[0] ? why : "the compiler library was not found";
}

ox_error *ox_jit_compile_module(ox_module *m)
{
    ox_tier tier = m->engine->cfg.tier;
    if (tier == OX_TIER_INTERP)
        return NULL;
    const char *no = ox_jit_unavailable();
    if (no)
        return ox_error_new(OX_ERR_UNSUPPORTED, "no compiling tier: %s", no);
    if (tier == OX_TIER_JIT)
        return plugin.compile_module(m, OXJ_MODE_JIT);
    /* auto: compiled from the start when the cache has it */
    ox_error *err = plugin.compile_module(m, OXJ_MODE_CACHED);
    if (!err && atomic_load(&m->jit))
        atomic_store(&m->tier_state, 2);
    return err;
}

ox_error *ox_jit_compile_background(ox_module *m)
{
    ox_error *err = plugin.compile_module(m, OXJ_MODE_COMPILE);
    atomic_store(&m->tier_state, 2);
    return err;
}

void ox_jit_module_free(struct ox_jitcode *jc)
{
    if (jc)
        plugin.module_free(jc);
}
