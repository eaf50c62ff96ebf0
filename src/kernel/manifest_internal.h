/* manifest_internal.h — the parts of manifest parsing that live in their own
   files (internal to the kernel). */
#ifndef OXK_KERNEL_MANIFEST_INTERNAL_H
#define OXK_KERNEL_MANIFEST_INTERNAL_H

#include <jansson.h>

#include "oxide/kernel/manifest.h"

/* manifest_wasi.c: parse the optional `wasi` member of manifest object o
   into *out (NULL when absent or null). Errors are SERDE and name the
   field, e.g. "manifest: `wasi.dirs[1].guest` must be a string". */
oxk_err *oxk_manifest_wasi_parse(const json_t *o, oxk_manifest_wasi **out);
void oxk_manifest_wasi_free(oxk_manifest_wasi *w);

#endif
