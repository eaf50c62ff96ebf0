/*
 * oxide/modtypes.h — what the kernel knows about a module: its kind,
 * lifecycle state and metadata. Shared by the registry, the manifest reader
 * and the module manager.
 */
#ifndef OXIDE_MODTYPES_H
#define OXIDE_MODTYPES_H

#include <stdbool.h>

#include "oxide/kerror.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ox_module_kind {
    OX_MODULE_NATIVE = 0, /* in-process C code behind a vtable */
    OX_MODULE_WASM = 1,   /* sandboxed WebAssembly, served by the executor */
} ox_module_kind;

typedef enum ox_module_state {
    OX_STATE_LOADED = 0,
    OX_STATE_STARTING,
    OX_STATE_RUNNING,
    OX_STATE_STOPPING,
    OX_STATE_STOPPED,
    OX_STATE_FAILED,
} ox_module_state;

/* "native"/"wasm" and "loaded"/…/"failed" (the snake_case JSON names). */
const char *ox_module_kind_name(ox_module_kind k);
const char *ox_module_state_name(ox_module_state s);
/* Parse the names back; false if s is not one of them. */
bool ox_module_kind_parse(const char *s, ox_module_kind *out);
bool ox_module_state_parse(const char *s, ox_module_state *out);

/* Metadata. As an argument the strings are borrowed; where the kernel hands
   one out it owns the strings (see the function's comment). description may
   be NULL. */
typedef struct ox_module_meta {
    const char *id;
    const char *name;
    const char *version;
    ox_module_kind kind;
    const char *description;
} ox_module_meta;

/* A deep copy whose strings the caller frees with ox_module_meta_clear(). */
ox_kerr *ox_module_meta_copy(const ox_module_meta *src, ox_module_meta *dst);
void ox_module_meta_clear(ox_module_meta *m);

#ifdef __cplusplus
}
#endif
#endif
