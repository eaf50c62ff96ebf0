/* kernel.c — the façade: a bus, a module manager and a registry wired
   together, and manifest-driven module loading. */
#include "oxide/kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kutil.h"
#include "oxide/wasi.h"

struct ox_kernel {
    ox_bus *bus;
    ox_registry *reg;
    ox_modules *mods;
    ox_decision_log *log;
};

static ox_kerr *assemble(ox_registry *reg, ox_kernel **out)
{
    ox_kernel *k = calloc(1, sizeof *k);
    ox_kerr *err = NULL;
    if (!k) {
        ox_registry_free(reg);
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
    }
    k->reg = reg;
    if ((err = ox_bus_new(&k->bus)) || (err = ox_modules_new(k->bus, k->reg, &k->mods)) ||
        (err = ox_decision_log_open(k->reg, &k->log))) {
        ox_kernel_free(k);
        return err;
    }
    ox_modules_set_decision_log(k->mods, k->log);
    *out = k;
    return NULL;
}

ox_kerr *ox_kernel_new(ox_kernel **out)
{
    *out = NULL;
    ox_registry *reg;
    ox_kerr *err = ox_registry_open_memory(&reg);
    return err ? err : assemble(reg, out);
}

ox_kerr *ox_kernel_open(const char *path, const char *key, ox_kernel **out)
{
    *out = NULL;
    ox_registry *reg;
    ox_kerr *err = ox_registry_open(path, key, &reg);
    return err ? err : assemble(reg, out);
}

void ox_kernel_free(ox_kernel *k)
{
    if (!k)
        return;
    ox_modules_free(k->mods); /* modules hold subscriptions on the bus */
    ox_decision_log_free(k->log); /* after the modules that write to it */
    ox_registry_free(k->reg);
    ox_bus_free(k->bus);
    free(k);
}

ox_bus *ox_kernel_bus(ox_kernel *k) { return k->bus; }
ox_modules *ox_kernel_modules(ox_kernel *k) { return k->mods; }
ox_registry *ox_kernel_registry(ox_kernel *k) { return k->reg; }
ox_decision_log *ox_kernel_decisions(ox_kernel *k) { return k->log; }

/* A native module from a manifest: nothing to run in-process yet. */
static ox_kerr *passive_start(void *self)
{
    (void)self;
    return NULL;
}
static const ox_module_vtable passive_vtable = {NULL, passive_start, passive_start, NULL};

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
static ox_kerr *make_wasi(const ox_resolved_manifest *r, ox_wasi **out)
{
    const ox_manifest_wasi *mw = r->manifest->wasi;
    ox_wasi_preopen *pre = calloc(mw->ndirs + 1, sizeof *pre);
    if (!pre)
        return ox_kerr_new(OX_KERR_OTHER, "out of memory");
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
    ox_kerr *k = ox_kerr_new(OX_KERR_MODULE, "wasi: %s", ox_error_message(e));
    ox_error_free(e);
    return k;
}

ox_kerr *ox_kernel_register_manifest(ox_kernel *k, const char *path, ox_resolved_manifest **out)
{
    if (out)
        *out = NULL;
    ox_manifest *m;
    ox_kerr *err = ox_manifest_load(path, &m);
    if (err)
        return err;
    char *base = ox_manifest_base_dir(path);
    ox_resolved_manifest *r;
    err = ox_manifest_resolve(m, base, &r); /* takes m */
    free(base);
    if (err)
        return err;
    m = r->manifest;
    ox_module_meta meta = ox_manifest_meta(m);
    if (m->kind == OX_MODULE_WASM) {
        uint8_t *bytes;
        size_t len;
        ox_executor *ex = NULL;
        int rc = ox_read_file(r->wasm_path, (size_t)1 << 30, &bytes, &len);
        if (rc) {
            err = ox_kerr_new(OX_KERR_OTHER, "failed to read wasm artefact %s: %s", r->wasm_path,
                              rc == EFBIG ? "larger than 1 GiB" : strerror(rc));
        } else {
            /* Verify before the engine sees a single byte. */
            ox_config cfg = {0};
            cfg.max_memory_pages =
                m->max_memory_pages ? m->max_memory_pages : OX_KERNEL_DEFAULT_MAX_MEMORY_PAGES;
            ox_executor_options opts = {
                .engine_config = &cfg,
                .timeout_ms = m->timeout_ms ? m->timeout_ms : OX_KERNEL_DEFAULT_TIMEOUT_MS,
                .fuel = m->fuel,
            };
            ox_wasi *wasi = NULL;
            if (!(err = ox_manifest_verify_digest(m, bytes, len)) && m->wasi &&
                !(err = make_wasi(r, &wasi))) {
                opts.link = link_wasi;
                opts.link_user = wasi;
                opts.link_free = free_wasi; /* the executor owns it now */
            }
            if (!err)
                err = ox_executor_from_bytes(bytes, len, &opts, &ex);
            free(bytes);
        }
        if (!err && (err = ox_modules_register_wasm(k->mods, &meta, ex)))
            ox_executor_free(ex);
    } else {
        err = ox_modules_register(k->mods, &meta, &passive_vtable, NULL);
    }
    bool registered = !err;
    if (!err)
        err = ox_modules_init(k->mods, m->id);
    size_t granted = 0;
    for (; !err && granted < m->ncapabilities; granted++)
        err = ox_bus_grant(k->bus, m->id, m->capabilities[granted]);
    if (err && registered) {
        /* Leave nothing half-registered: no grants, no module, no row. */
        for (size_t i = 0; i < granted; i++)
            ox_bus_revoke(k->bus, m->id, m->capabilities[i]);
        ox_kerr_free(ox_modules_unload(k->mods, m->id));
    }
    if (err) {
        /* Name the manifest, except where the error already says it all. */
        if (ox_kerr_code_of(err) != OX_KERR_DUPLICATE_MODULE)
            err = ox_kerr_wrap(err, "manifest %s (module `%s`)", path, meta.id);
        ox_resolved_manifest_free(r);
        return err;
    }
    if (out)
        *out = r;
    else
        ox_resolved_manifest_free(r);
    return NULL;
}
