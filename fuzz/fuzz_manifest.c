/*
 * fuzz_manifest.c — libFuzzer harness: module.json parsing
 * (oxk_manifest_from_json), then resolving its paths (including the `wasi`
 * directories) against a base directory. Any input must give a manifest or
 * an error that says something; crashes, leaks and sanitizer reports are
 * bugs.
 */
#include <stdint.h>
#include <string.h>

#include "oxide/kernel/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oxk_manifest *m = NULL;
    oxk_err *e = oxk_manifest_from_json((const char *)data, size, &m);
    if (e) {
        if (m || !oxk_err_message(e)[0])
            __builtin_trap();
        oxk_err_free(e);
        return 0;
    }
    /* What a parsed manifest promises: the required strings are there. */
    if (!m->id || !m->name || !m->version)
        __builtin_trap();
    oxk_module_meta meta = oxk_manifest_meta(m);
    (void)meta;
    oxk_resolved_manifest *r;
    e = oxk_manifest_resolve(m, "/base/dir", &r); /* takes m */
    if (e) {
        oxk_err_free(e);
        return 0;
    }
    if (r->manifest->wasi)
        for (size_t i = 0; i < r->manifest->wasi->ndirs; i++)
            if (!r->wasi_dir_paths[i])
                __builtin_trap();
    oxk_resolved_manifest_free(r);
    return 0;
}
