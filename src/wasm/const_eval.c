/*
 * const_eval.c — evaluate constant expressions at instantiation.
 *
 * The expression was validated with the module (validate_module.c), so this
 * reads it without checks. Only WebAssembly 2.0's constant instructions
 * appear: t.const, ref.null, ref.func and global.get.
 */
#include <string.h>

#include "runtime.h"

static uint64_t read_uleb(const uint8_t **p)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
        b = *(*p)++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    return v;
}

static int64_t read_sleb(const uint8_t **p)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
        b = *(*p)++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    return (int64_t)v;
}

ox_slot ox_const_eval(const ox_instance *inst, const ox_constexpr *ce)
{
    const uint8_t *p = inst->module->bytes + ce->expr.off;
    const uint8_t *end = p + ce->expr.len;
    ox_slot v;
    v.i64 = 0;
    while (p < end) {
        switch (*p++) {
        case 0x41: v.i64 = 0; v.i32 = (uint32_t)(int32_t)read_sleb(&p); break;
        case 0x42: v.i64 = (uint64_t)read_sleb(&p); break;
        case 0x43: v.i64 = 0; memcpy(&v.i32, p, 4); p += 4; break;
        case 0x44: memcpy(&v.i64, p, 8); p += 8; break;
        case 0xD0: p++; v.ref = NULL; break;                      /* ref.null t */
        case 0xD2: v.ref = inst->funcs[read_uleb(&p)]; break;       /* ref.func x */
        case 0x23: v = inst->globals[read_uleb(&p)]->val; break;    /* global.get x */
        case 0x0B: return v;                                        /* end */
        default: return v; /* unreachable after validation */
        }
    }
    return v;
}
