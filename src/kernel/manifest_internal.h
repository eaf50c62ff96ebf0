/* manifest_internal.h — the parts of manifest parsing that live in their own
   files (internal to the kernel). */
#ifndef OX_KERNEL_MANIFEST_INTERNAL_H
#define OX_KERNEL_MANIFEST_INTERNAL_H

#include <jansson.h>

#include "oxide/manifest.h"

/* manifest_wasi.c: parse the optional `wasi` member of manifest object o
   into *out (NULL when absent or null). Errors are SERDE and name the
   field, e.g. "manifest: `wasi.dirs[1].guest` must be a string". */
ox_kerr *ox_manifest_wasi_parse(const json_t *o, ox_manifest_wasi **out);
void ox_manifest_wasi_free(ox_manifest_wasi *w);

#endif
