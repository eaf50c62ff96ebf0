/* modtypes.c — module kinds, states and metadata copies. */
#include "oxide/kernel/modtypes.h"

#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"native", "wasm"};
static const char *const states[] = {"loaded", "starting", "running",
                                     "stopping", "stopped", "failed"};

const char *oxk_module_kind_name(oxk_module_kind k)
{
    return (unsigned)k < 2 ? kinds[k] : "?";
}

const char *oxk_module_state_name(oxk_module_state s)
{
    return (unsigned)s < 6 ? states[s] : "?";
}

bool oxk_module_kind_parse(const char *s, oxk_module_kind *out)
{
    for (int i = 0; s && i < 2; i++)
        if (!strcmp(s, kinds[i])) {
            *out = (oxk_module_kind)i;
            return true;
        }
    return false;
}

bool oxk_module_state_parse(const char *s, oxk_module_state *out)
{
    for (int i = 0; s && i < 6; i++)
        if (!strcmp(s, states[i])) {
            *out = (oxk_module_state)i;
            return true;
        }
    return false;
}

oxk_err *oxk_module_meta_copy(const oxk_module_meta *src, oxk_module_meta *dst)
{
    memset(dst, 0, sizeof *dst);
    if (!src->id || !src->name || !src->version)
        return oxk_err_new(OXK_ERR_MODULE, "module metadata needs an id, a name and a version");
    if ((unsigned)src->kind > OXK_MODULE_WASM)
        return oxk_err_new(OXK_ERR_MODULE, "module `%s` has an unknown kind %d", src->id,
                           (int)src->kind);
    dst->kind = src->kind;
    dst->id = strdup(src->id);
    dst->name = strdup(src->name);
    dst->version = strdup(src->version);
    dst->description = src->description ? strdup(src->description) : NULL;
    if (!dst->id || !dst->name || !dst->version || (src->description && !dst->description)) {
        oxk_module_meta_clear(dst);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    return NULL;
}

void oxk_module_meta_clear(oxk_module_meta *m)
{
    free((char *)m->id);
    free((char *)m->name);
    free((char *)m->version);
    free((char *)m->description);
    memset(m, 0, sizeof *m);
}
