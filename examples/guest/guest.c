/* guest.c — freestanding runtime for Oxide guests: memory functions, a
   first-fit free-list heap over memory.grow, a JSON tree, the ABI exports. */
#include "guest.h"

#define EXPORT(name) __attribute__((export_name(name)))

/* ---- memory functions (clang emits calls to these) --------------------- */

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s)
        while (n--)
            *d++ = *s++;
    else
        while (n--)
            d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* ---- heap -------------------------------------------------------------- */

/* Every block starts with a header holding its total size (header
   included, multiple of 8). Free blocks are kept in an address-ordered list
   so freeing can merge neighbours, which keeps a long-lived instance from
   fragmenting across many calls. */
typedef struct block {
    size_t size;
    struct block *next; /* free blocks only */
} block;

#define HDR 8u
extern unsigned char __heap_base;
static unsigned char *heap_end; /* end of the memory the heap has claimed */
static block *free_list;

static block *grow(size_t need)
{
    if (!heap_end)
        heap_end = (unsigned char *)(((uintptr_t)&__heap_base + 7) & ~(uintptr_t)7);
    size_t have = __builtin_wasm_memory_size(0) * 65536u - (size_t)(uintptr_t)heap_end;
    if (have < need) {
        size_t pages = (need - have + 65535u) / 65536u;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1)
            return 0;
    }
    block *b = (block *)heap_end;
    b->size = need;
    heap_end += need;
    return b;
}

void *g_malloc(size_t n)
{
    if (n > 0x7FFF0000u)
        return 0;
    size_t need = (n + HDR + 7) & ~(size_t)7;
    if (need < sizeof(block))
        need = sizeof(block);
    for (block **pp = &free_list; *pp; pp = &(*pp)->next) {
        block *b = *pp;
        if (b->size < need)
            continue;
        if (b->size - need >= sizeof(block) + 8) { /* split, keep the tail free */
            block *rest = (block *)((unsigned char *)b + need);
            rest->size = b->size - need;
            rest->next = b->next;
            *pp = rest;
            b->size = need;
        } else {
            *pp = b->next;
        }
        return (unsigned char *)b + HDR;
    }
    block *b = grow(need);
    return b ? (unsigned char *)b + HDR : 0;
}

void g_free(void *p)
{
    if (!p)
        return;
    block *b = (block *)((unsigned char *)p - HDR);
    block **pp = &free_list;
    while (*pp && *pp < b)
        pp = &(*pp)->next;
    b->next = *pp;
    *pp = b;
    if (b->next && (unsigned char *)b + b->size == (unsigned char *)b->next) {
        b->size += b->next->size;
        b->next = b->next->next;
    }
    /* merge with the previous block: find it again (list is short-lived) */
    for (block *q = free_list; q && q != b; q = q->next)
        if (q->next == b && (unsigned char *)q + q->size == (unsigned char *)b) {
            q->size += b->size;
            q->next = b->next;
            break;
        }
}

void *g_realloc(void *p, size_t n)
{
    if (!p)
        return g_malloc(n);
    block *b = (block *)((unsigned char *)p - HDR);
    if (b->size - HDR >= n)
        return p;
    void *q = g_malloc(n);
    if (q) {
        memcpy(q, p, b->size - HDR);
        g_free(p);
    }
    return q;
}

/* ---- ABI exports ------------------------------------------------------- */

EXPORT("alloc") void *oxide_alloc(int32_t size)
{
    /* alloc(0) is legal (an empty method name): hand out a real block so
       the pointer can be freed like any other. */
    return size < 0 ? 0 : g_malloc((size_t)size);
}

EXPORT("free") void oxide_free(void *ptr, int32_t size)
{
    (void)size; /* the header knows the size */
    g_free(ptr);
}

static int64_t pack(const char *p, size_t len)
{
    return (int64_t)(((uint64_t)(uintptr_t)p << 32) | (uint32_t)len);
}

static int64_t reply_error(const char *msg)
{
    jval *o = j_new(J_OBJ);
    size_t len = 0;
    char *out = 0;
    if (o && j_set(o, "error", 5, j_str(msg, strlen(msg))) == 0)
        out = j_dump(o, &len);
    j_free(o);
    return out ? pack(out, len) : 0;
}

EXPORT("oxide_invoke")
int64_t oxide_invoke(const char *mptr, int32_t mlen, const char *iptr, int32_t ilen)
{
    const char *err = 0;
    jval *in = j_parse(iptr, (size_t)ilen, &err);
    if (!in)
        return reply_error(err);
    jval *res = guest_dispatch(mptr, (size_t)mlen, in, &err);
    j_free(in);
    if (!res)
        return reply_error(err ? err : "failed");
    size_t len;
    char *out = j_dump(res, &len);
    j_free(res);
    return out ? pack(out, len) : reply_error("out of memory");
}
