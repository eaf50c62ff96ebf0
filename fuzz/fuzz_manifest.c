/*
 * fuzz_manifest.c — libFuzzer harness: module.json parsing
 * (ox_manifest_from_json), then resolving its paths (including the `wasi`
 * directories) against a base directory. Any input must give a manifest or
 * an error that says something; crashes, leaks and sanitizer reports are
 * bugs.
 */
#include <stdint.h>
#include <string.h>

#include "oxide/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ox_manifest *m = NULL;
    ox_kerr *e = ox_manifest_from_json((const char *)data, size, &m);
    if (e) {
        if (m || !ox_kerr_message(e)[0])
            __builtin_trap();
        ox_kerr_free(e);
        return 0;
    }
    /* What a parsed manifest promises: the required strings are there. */
    if (!m->id || !m->name || !m->version)
        __builtin_trap();
    ox_module_meta meta = ox_manifest_meta(m);
    (void)meta;
    ox_resolved_manifest *r;
    e = ox_manifest_resolve(m, "/base/dir", &r); /* takes m */
    if (e) {
        ox_kerr_free(e);
        return 0;
    }
    if (r->manifest->wasi)
        for (size_t i = 0; i < r->manifest->wasi->ndirs; i++)
            if (!r->wasi_dir_paths[i])
                __builtin_trap();
    ox_resolved_manifest_free(r);
    return 0;
}
