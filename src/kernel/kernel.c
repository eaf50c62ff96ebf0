/* kernel.c — the façade: a bus, a module manager and a registry wired
   together, and manifest-driven module loading. */
#include "oxide/kernel/kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kutil.h"
#include "oxide/wasi.h"

struct oxk_kernel {
    oxk_bus *bus;
    oxk_registry *reg;
    oxk_modules *mods;
    oxk_decision_log *log;
    unsigned instances; /* per Wasm module; 0 means 1 */
    size_t max_output;  /* call_json output bytes per Wasm module; 0 = any */
    ox_tier tier;       /* the engine tier of Wasm modules */
    char *jit_cache_dir; /* compiled code kept here (NULL: none) */
};

void oxk_kernel_set_max_output(oxk_kernel *k, size_t bytes) { k->max_output = bytes; }

oxk_err *oxk_kernel_set_tier(oxk_kernel *k, ox_tier tier, const char *jit_cache_dir)
{
    char *dir = jit_cache_dir ? strdup(jit_cache_dir) : NULL;
    if (jit_cache_dir && !dir)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory copying the cache directory's path");
    free(k->jit_cache_dir);
    k->jit_cache_dir = dir;
    k->tier = tier;
    return NULL;
}

void oxk_kernel_set_instances(oxk_kernel *k, unsigned n)
{
    k->instances = n < 1 ? 1 : n > 64 ? 64 : n;
}

static oxk_err *assemble(oxk_registry *reg, oxk_kernel **out)
{
    oxk_kernel *k = calloc(1, sizeof *k);
    oxk_err *err = NULL;
    if (!k) {
        oxk_registry_free(reg);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    k->reg = reg;
    if ((err = oxk_bus_new(&k->bus)) || (err = oxk_modules_new(k->bus, k->reg, &k->mods)) ||
        (err = oxk_decision_log_open(k->reg, &k->log))) {
        oxk_kernel_free(k);
        return err;
    }
    oxk_modules_set_decision_log(k->mods, k->log);
    *out = k;
    return NULL;
}

oxk_err *oxk_kernel_new(oxk_kernel **out)
{
    *out = NULL;
    oxk_registry *reg;
    oxk_err *err = oxk_registry_open_memory(&reg);
    return err ? err : assemble(reg, out);
}

oxk_err *oxk_kernel_open(const char *path, const char *key, oxk_kernel **out)
{
    *out = NULL;
    oxk_registry *reg;
    oxk_err *err = oxk_registry_open(path, key, &reg);
    return err ? err : assemble(reg, out);
}

void oxk_kernel_free(oxk_kernel *k)
{
    if (!k)
        return;
    oxk_modules_free(k->mods); /* modules hold subscriptions on the bus */
    oxk_decision_log_free(k->log); /* after the modules that write to it */
    oxk_registry_free(k->reg);
    oxk_bus_free(k->bus);
    free(k->jit_cache_dir);
    free(k);
}

oxk_bus *oxk_kernel_bus(oxk_kernel *k) { return k->bus; }
oxk_modules *oxk_kernel_modules(oxk_kernel *k) { return k->mods; }
oxk_registry *oxk_kernel_registry(oxk_kernel *k) { return k->reg; }
oxk_decision_log *oxk_kernel_decisions(oxk_kernel *k) { return k->log; }

/* A native module from a manifest: nothing to run in-process yet. */
static oxk_err *passive_start(void *self)
{
    (void)self;
    return NULL;
}
static const oxk_module_vtable passive_vtable = {.start = passive_start, .stop = passive_start};

/* The executor's link callback: WASI preview 1 from the module's context. */
static ox_error *link_wasi(void *user, ox_linker *linker, ox_store *store)
{
    return ox_wasi_define(user, linker, store);
}

static void free_wasi(void *user) { ox_wasi_free(user); }

/* A WASI context with exactly what the manifest grants: its directories
   (host paths already joined to the manifest's directory), args and env.
   No stdin or stdout — a kernel module talks through the bus, and its
   stdout must not mix into the kernel's — but stderr is inherited so a
   tool's diagnostics are not lost. */
static oxk_err *make_wasi(const oxk_resolved_manifest *r, ox_wasi **out)
{
    const oxk_manifest_wasi *mw = r->manifest->wasi;
    ox_wasi_preopen *pre = calloc(mw->ndirs + 1, sizeof *pre);
    if (!pre)
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    for (size_t i = 0; i < mw->ndirs; i++)
        pre[i] = (ox_wasi_preopen){.host_path = r->wasi_dir_paths[i],
                                   .guest_path = mw->dirs[i].guest,
                                   .read_only = mw->dirs[i].read_only};
    ox_wasi_config cfg;
    ox_wasi_config_init(&cfg);
    cfg.argc = mw->nargs;
    cfg.argv = (const char *const *)mw->args;
    cfg.envc = mw->nenv;
    cfg.env = (const char *const *)mw->env;
    cfg.npreopens = mw->ndirs;
    cfg.preopens = pre;
    cfg.stdin_fd = -1;
    cfg.stdout_fd = -1;
    ox_error *e = ox_wasi_new(&cfg, out);
    free(pre);
    if (!e)
        return NULL;
    return oxk_err_from_wasm(OXK_ERR_MODULE, e, "wasi");
}

oxk_err *oxk_kernel_register_manifest(oxk_kernel *k, const char *path, oxk_resolved_manifest **out)
{
    if (out)
        *out = NULL;
    oxk_manifest *m;
    oxk_err *err = oxk_manifest_load(path, &m);
    if (err)
        return err;
    char *base = oxk_manifest_base_dir(path);
    oxk_resolved_manifest *r;
    err = oxk_manifest_resolve(m, base, &r); /* takes m */
    free(base);
    if (err)
        return err;
    m = r->manifest;
    oxk_module_meta meta = oxk_manifest_meta(m);
    if (m->kind == OXK_MODULE_WASM) {
        uint8_t *bytes;
        size_t len, n = k->instances ? k->instances : 1, made = 0;
        oxk_executor *ex[64] = {NULL};
        int rc = oxk_read_file(r->wasm_path, (size_t)1 << 30, &bytes, &len);
        if (rc) {
            err = oxk_err_from_errno(OXK_ERR_OTHER, rc, "failed to read wasm artefact %s: %s",
                                     r->wasm_path, rc == EFBIG ? "larger than 1 GiB" : strerror(rc));
        } else {
            /* Verify before the engine sees a single byte. */
            ox_config cfg = {0};
            cfg.tier = !m->tier                    ? k->tier
                       : !strcmp(m->tier, "jit")   ? OX_TIER_JIT
                       : !strcmp(m->tier, "auto")  ? OX_TIER_AUTO
                                                   : OX_TIER_INTERP;
            cfg.jit_cache_dir = k->jit_cache_dir;
            cfg.max_memory_pages =
                m->max_memory_pages ? m->max_memory_pages : OXK_KERNEL_DEFAULT_MAX_MEMORY_PAGES;
            /* the GC heap: its own limit, or as much as the memory limit */
            cfg.max_gc_bytes = m->max_gc_bytes ? m->max_gc_bytes
                                               : (uint64_t)cfg.max_memory_pages * 65536;
            err = oxk_manifest_verify_digest(m, bytes, len);
            for (; !err && made < n; made++) { /* each instance its own WASI context */
                oxk_executor_options opts = {
                    .engine_config = &cfg,
                    .timeout_ms = m->timeout_ms ? m->timeout_ms : OXK_KERNEL_DEFAULT_TIMEOUT_MS,
                    .fuel = m->fuel,
                    .max_output = k->max_output,
                };
                ox_wasi *wasi = NULL;
                if (m->wasi && !(err = make_wasi(r, &wasi))) {
                    opts.link = link_wasi;
                    opts.link_user = wasi;
                    opts.link_free = free_wasi; /* the executor owns it now */
                }
                if (!err)
                    err = oxk_executor_from_bytes(bytes, len, &opts, &ex[made]);
                if (err)
                    break;
            }
            free(bytes);
        }
        if (!err)
            err = oxk_modules_register_wasm_pool(k->mods, &meta, ex, n);
        if (err)
            for (size_t i = 0; i < n; i++)
                oxk_executor_free(ex[i]);
    } else {
        err = oxk_modules_register(k->mods, &meta, &passive_vtable, NULL);
    }
    bool registered = !err;
    if (!err)
        err = oxk_modules_init(k->mods, m->id);
    size_t granted = 0;
    for (; !err && granted < m->ncapabilities; granted++)
        err = oxk_bus_grant(k->bus, m->id, m->capabilities[granted]);
    if (err && registered) {
        /* Leave nothing half-registered: no grants, no module, no row. */
        for (size_t i = 0; i < granted; i++)
            oxk_bus_revoke(k->bus, m->id, m->capabilities[i]);
        oxk_err_free(oxk_modules_unload(k->mods, m->id));
    }
    if (err) {
        /* Name the manifest, except where the error already says it all. */
        if (oxk_err_code_of(err) != OXK_ERR_DUPLICATE_MODULE)
            err = oxk_err_wrap(err, "manifest %s (module `%s`)", path, meta.id);
        oxk_resolved_manifest_free(r);
        return err;
    }
    if (out)
        *out = r;
    else
        oxk_resolved_manifest_free(r);
    return NULL;
}
