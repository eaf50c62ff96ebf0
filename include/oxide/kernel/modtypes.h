/*
 * oxide/kernel/modtypes.h — what the kernel knows about a module: its kind,
 * lifecycle state and metadata. Shared by the registry, the manifest reader
 * and the module manager.
 */
#ifndef OXIDE_MODTYPES_H
#define OXIDE_MODTYPES_H

#include "oxide/api.h"

#include <stdbool.h>

#include "oxide/kernel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum oxk_module_kind {
    OXK_MODULE_NATIVE = 0, /* in-process C code behind a vtable */
    OXK_MODULE_WASM = 1,   /* sandboxed WebAssembly, served by the executor */
} oxk_module_kind;

typedef enum oxk_module_state {
    OXK_STATE_LOADED = 0,
    OXK_STATE_STARTING,
    OXK_STATE_RUNNING,
    OXK_STATE_STOPPING,
    OXK_STATE_STOPPED,
    OXK_STATE_FAILED,
} oxk_module_state;

/* "native"/"wasm" and "loaded"/…/"failed" (the snake_case JSON names). */
OX_API const char *oxk_module_kind_name(oxk_module_kind k);
OX_API const char *oxk_module_state_name(oxk_module_state s);
/* Parse the names back; false if s is not one of them. */
OX_API bool oxk_module_kind_parse(const char *s, oxk_module_kind *out);
OX_API bool oxk_module_state_parse(const char *s, oxk_module_state *out);

/* Metadata. As an argument the strings are borrowed; where the kernel hands
   one out it owns the strings (see the function's comment). description may
   be NULL. */
typedef struct oxk_module_meta {
    const char *id;
    const char *name;
    const char *version;
    oxk_module_kind kind;
    const char *description;
} oxk_module_meta;

/* A deep copy whose strings the caller frees with oxk_module_meta_clear(). */
OX_API oxk_err *oxk_module_meta_copy(const oxk_module_meta *src, oxk_module_meta *dst);
OX_API void oxk_module_meta_clear(oxk_module_meta *m);

#ifdef __cplusplus
}
#endif
#endif
