/*
 * memory.c — linear memories.
 *
 * A memory reserves address space for its largest possible size up front
 * and commits pages as it grows, so its base address never moves: the
 * interpreter and host functions may keep the base pointer across calls.
 */
#include <string.h>
#include <stdlib.h>

#include "platform.h"
#include "runtime.h"

/* Every memory's hard ceiling: 65536 pages (4 GiB), 64-bit ones included.
   The interpreter relies on it: no memory is larger than 2^32 bytes, so a
   64-bit address above 2^32 - 1 is out of bounds whatever the memory
   (interp.c ADDR64). A 64-bit memory declaring more is instantiated with
   this ceiling (memory.grow then fails, as the spec allows); one whose
   minimum is larger cannot be instantiated. */
#define MAX_PAGES 65536u

/* The most pages this memory may ever have: its own maximum, capped by the
   ceiling and the engine's limit. */
static uint32_t effective_max(const ox_engine *e, ox_limits lim)
{
    uint64_t max = lim.has_max && lim.max < MAX_PAGES ? lim.max : MAX_PAGES;
    if (max > e->cfg.max_memory_pages)
        max = e->cfg.max_memory_pages;
    return (uint32_t)max;
}

ox_error *ox_memory_new(ox_store *s, ox_limits limits, ox_memory **out)
{
    *out = NULL;
    uint64_t bound = limits.is64 ? UINT64_C(1) << 48 : MAX_PAGES;
    if (limits.min > bound || (limits.has_max && (limits.max > bound || limits.max < limits.min)))
        return ox_error_new(OX_ERR_ARG, "memory limits %llu..%llu are not valid",
                            (unsigned long long)limits.min, (unsigned long long)limits.max);
    uint32_t max = effective_max(s->engine, limits);
    if (limits.min > max)
        return ox_error_new(OX_ERR_LIMIT, "memory of %llu pages exceeds the limit of %u pages",
                            (unsigned long long)limits.min, max);
    ox_memory *m = calloc(1, sizeof *m);
    if (!m)
        return ox_error_new(OX_ERR_NOMEM, "out of memory");
    m->reserved = (size_t)max * OX_PAGE_SIZE;
    /* compiled code's bounds checks: every access below 8 GiB faults past
       the pages (no memory, 64-bit ones included, exceeds 2^32 bytes) */
    if (s->engine->cfg.tier != OX_TIER_INTERP && sizeof(size_t) >= 8)
        m->reserved = OX_GUARDED_RESERVE + OX_PAGE_SIZE; /* the page: a 16-byte access at the end */
    m->data = ox_os_reserve(m->reserved, (size_t)limits.min * OX_PAGE_SIZE);
    if (!m->data) {
        free(m);
        return ox_error_new(OX_ERR_NOMEM, "cannot reserve %u pages for a memory", max);
    }
    m->pages = (uint32_t)limits.min;
    m->size = (uint64_t)limits.min * OX_PAGE_SIZE;
    m->limits = limits;
    m->max_pages = max;
    ox_error *err = ox_ptrvec_push(&s->memories, m);
    if (err) {
        ox_os_release(m->data, m->reserved);
        free(m);
        return err;
    }
    *out = m;
    return NULL;
}

int64_t ox_memory_grow_raw(ox_memory *m, uint32_t delta)
{
    uint32_t old = m->pages;
    if (delta == 0)
        return old;
    if ((uint64_t)old + delta > m->max_pages)
        return -1;
    uint32_t pages = old + delta;
    if (!ox_os_commit(m->data, (size_t)old * OX_PAGE_SIZE, (size_t)pages * OX_PAGE_SIZE))
        return -1;
    m->pages = pages;
    m->size = (uint64_t)pages * OX_PAGE_SIZE;
    return old;
}

uint8_t *ox_memory_data(const ox_memory *m) { return m->data; }
size_t ox_memory_size(const ox_memory *m) { return (size_t)m->size; }
uint32_t ox_memory_pages(const ox_memory *m) { return m->pages; }
ox_limits ox_memory_limits(const ox_memory *m) { return m->limits; }

ox_error *ox_memory_grow(ox_memory *m, uint32_t delta, uint32_t *old_pages)
{
    int64_t old = ox_memory_grow_raw(m, delta);
    if (old < 0)
        return ox_error_new(OX_ERR_LIMIT, "cannot grow memory of %u pages by %u (maximum %u)",
                            m->pages, delta, m->max_pages);
    if (old_pages)
        *old_pages = (uint32_t)old;
    return NULL;
}

static ox_error *check_range(const ox_memory *m, uint64_t addr, size_t len)
{
    if (addr > m->size || len > m->size - addr)
        return ox_error_new(OX_ERR_ARG,
                            "memory range 0x%llx+%zu is outside the memory's %llu bytes",
                            (unsigned long long)addr, len, (unsigned long long)m->size);
    return NULL;
}

ox_error *ox_memory_read(const ox_memory *m, uint64_t addr, void *dst, size_t len)
{
    ox_error *err = check_range(m, addr, len);
    if (!err && len)
        memcpy(dst, m->data + addr, len);
    return err;
}

ox_error *ox_memory_write(ox_memory *m, uint64_t addr, const void *src, size_t len)
{
    ox_error *err = check_range(m, addr, len);
    if (!err && len)
        memcpy(m->data + addr, src, len);
    return err;
}
