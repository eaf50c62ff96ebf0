/*
 * gc.c — a store's garbage-collected heap: structs, arrays, and the boxes
 * that carry host values into the internal references and back.
 *
 * A precise mark-and-sweep collector. The roots are what wasm can still
 * reach: the interpreter's frames (their reference-typed locals, and at
 * each call or allocation the stack slots the compiler's stack maps list:
 * interp.c), and the store's globals, tables, element segments and
 * exposed exceptions (here). Marking uses an explicit stack, so deep
 * structures cost heap, not C stack. Objects are in one list; the sweep
 * frees the unmarked ones.
 *
 * Collections happen only at the interpreter's allocations, when the
 * bytes allocated since the last one pass the live size after it (at least
 * 1 MiB): the heap stays within about twice what is live. Everything
 * counts against max_gc_bytes; an allocation that would pass it after a
 * collection traps (OX_TRAP_GC_HEAP) instead of taking the host's memory.
 *
 * Host code that holds a reference out of a call (a result, a global it
 * read) keeps it only until wasm next runs in the store.
 */
#include <stdlib.h>
#include <string.h>

#include "gc.h"

#define MIN_NEXT_GC ((size_t)1 << 20)
#define GONE ((void *)(uintptr_t)2) /* a removed entry of the box set (even: no object) */

static size_t obj_bytes(size_t payload) { return sizeof(ox_gcobj) + payload; }

static size_t size_of(const ox_gcobj *o)
{
    return obj_bytes(o->kind == OX_GC_ARRAY    ? (size_t)o->len * o->esize
                     : o->kind == OX_GC_STRUCT ? (size_t)o->len * 8
                                               : sizeof(uint64_t));
}

/* Small objects (up to SMALL_MAX bytes) come from 64 KiB chunks by size
   class, 16 bytes apart, and the sweep puts them back on their class's free
   list: no malloc or free per object (they were a fifth of binary trees'
   time). Bigger ones are malloc'd. Under AddressSanitizer every object is
   malloc'd, so the sanitizer sees each one's life. */
#define CLASS_STEP 16
#define SMALL_MAX (OX_GC_CLASSES * CLASS_STEP)
#define CHUNK ((size_t)64 * 1024)
#if defined(__SANITIZE_ADDRESS__)
#define OX_GC_MALLOC_ONLY 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OX_GC_MALLOC_ONLY 1
#endif
#endif

static bool small(size_t size)
{
#ifdef OX_GC_MALLOC_ONLY
    (void)size;
    return false;
#else
    return size <= SMALL_MAX;
#endif
}

static ox_gcobj *take(ox_gcheap *h, size_t size)
{
    if (!small(size))
        return calloc(1, size);
    size_t c = (size - 1) / CLASS_STEP, rounded = (c + 1) * CLASS_STEP;
    void *p = h->free_lists[c];
    if (p) {
        h->free_lists[c] = *(void **)p;
    } else {
        if ((size_t)(h->bump_end - h->bump) < rounded) {
            if (h->nchunks == h->capchunks) {
                size_t cap = h->capchunks ? h->capchunks * 2 : 16;
                void **nc = realloc(h->chunks, cap * sizeof *nc);
                if (!nc)
                    return NULL;
                h->chunks = nc;
                h->capchunks = cap;
            }
            uint8_t *chunk = malloc(CHUNK);
            if (!chunk)
                return NULL;
            h->chunks[h->nchunks++] = chunk;
            h->bump = chunk;
            h->bump_end = chunk + CHUNK;
        }
        p = h->bump;
        h->bump += rounded;
    }
    memset(p, 0, size);
    return p;
}

static void give_back(ox_gcheap *h, ox_gcobj *o)
{
    size_t size = size_of(o);
    if (!small(size)) {
        free(o);
        return;
    }
    size_t c = (size - 1) / CLASS_STEP;
    *(void **)o = h->free_lists[c];
    h->free_lists[c] = o;
}

bool ox_gc_due(const ox_store *s, size_t bytes)
{
    /* the next threshold, or the limit when that comes first: the garbage
       goes before an allocation is refused */
    size_t next = s->gc.next_gc ? s->gc.next_gc : MIN_NEXT_GC;
    if (next > s->engine->cfg.max_gc_bytes)
        next = (size_t)s->engine->cfg.max_gc_bytes;
    return s->gc.bytes + obj_bytes(bytes) > next;
}

ox_gcobj *ox_gc_alloc(ox_store *s, uint8_t kind, uint32_t type_id, size_t bytes, uint32_t len,
                      ox_trap *trap)
{
    ox_gcheap *h = &s->gc;
    size_t total = obj_bytes(bytes);
    if (bytes > s->engine->cfg.max_gc_bytes || h->bytes + total > s->engine->cfg.max_gc_bytes) {
        *trap = OX_TRAP_GC_HEAP;
        return NULL;
    }
    ox_gcobj *o = take(h, total);
    if (!o) {
        *trap = OX_TRAP_GC_HEAP;
        return NULL;
    }
    o->kind = kind;
    o->type_id = type_id;
    o->len = len;
    o->next = h->objects;
    h->objects = o;
    h->bytes += total;
    return o;
}

ox_gcobj *ox_gc_new_array(ox_store *s, uint32_t type_id, uint64_t n, ox_trap *trap)
{
    const struct ox_stype *t = &s->typereg.types[type_id];
    if (n > UINT32_MAX || n * t->esize > s->engine->cfg.max_gc_bytes) {
        *trap = OX_TRAP_GC_HEAP;
        return NULL;
    }
    ox_gcobj *o = ox_gc_alloc(s, OX_GC_ARRAY, type_id, (size_t)n * t->esize, (uint32_t)n, trap);
    if (o)
        o->esize = t->esize;
    return o;
}

ox_gcobj *ox_gc_new_struct(ox_store *s, uint32_t type_id, ox_trap *trap)
{
    uint32_t n = s->typereg.types[type_id].nslots;
    return ox_gc_alloc(s, OX_GC_STRUCT, type_id, (size_t)n * 8, n, trap);
}

/* ---- the set of extern boxes ------------------------------------------------ */

static size_t box_hash(const void *p, size_t cap)
{
    return (size_t)(((uintptr_t)p * 0x9e3779b97f4a7c15u) >> 17) & (cap - 1);
}

static bool is_box(const ox_gcheap *h, const void *p)
{
    if (!h->capboxes || !p)
        return false;
    for (size_t at = box_hash(p, h->capboxes); h->boxes[at]; at = (at + 1) & (h->capboxes - 1))
        if (h->boxes[at] == p)
            return true;
    return false;
}

static bool add_box(ox_gcheap *h, void *p)
{
    if (2 * (h->nboxes + 1) > h->capboxes) {
        size_t cap = h->capboxes ? h->capboxes * 2 : 64;
        void **nb = calloc(cap, sizeof *nb);
        if (!nb)
            return false;
        size_t n = 0;
        for (size_t i = 0; i < h->capboxes; i++) {
            void *q = h->boxes[i];
            if (!q || q == GONE)
                continue;
            size_t at = box_hash(q, cap);
            while (nb[at])
                at = (at + 1) & (cap - 1);
            nb[at] = q;
            n++;
        }
        free(h->boxes);
        h->boxes = nb;
        h->capboxes = cap;
        h->nboxes = n;
    }
    size_t at = box_hash(p, h->capboxes);
    while (h->boxes[at] && h->boxes[at] != GONE)
        at = (at + 1) & (h->capboxes - 1);
    h->boxes[at] = p;
    h->nboxes++;
    return true;
}

static void remove_box(ox_gcheap *h, const void *p)
{
    for (size_t at = box_hash(p, h->capboxes); h->boxes[at]; at = (at + 1) & (h->capboxes - 1))
        if (h->boxes[at] == p) {
            h->boxes[at] = GONE; /* the count stays: GONE entries fill the table too */
            return;
        }
}

void *ox_gc_internalize(ox_store *s, void *ext, ox_trap *trap)
{
    if (!ext)
        return NULL;
    if (is_box(&s->gc, ext)) /* it left as a box: the reference it was */
        return (void *)(uintptr_t)((ox_gcobj *)ext)->data[0];
    ox_gcobj *o = ox_gc_alloc(s, OX_GC_HOST, UINT32_MAX, sizeof(uint64_t), 0, trap);
    if (o)
        o->data[0] = (uint64_t)(uintptr_t)ext;
    return o;
}

void *ox_gc_externalize(ox_store *s, void *any, ox_trap *trap)
{
    if (!any)
        return NULL;
    if (!ox_is_i31(any) && ((ox_gcobj *)any)->kind == OX_GC_HOST) /* it came in boxed */
        return (void *)(uintptr_t)((ox_gcobj *)any)->data[0];
    ox_gcobj *o = ox_gc_alloc(s, OX_GC_EXTBOX, UINT32_MAX, sizeof(uint64_t), 0, trap);
    if (!o)
        return NULL;
    o->data[0] = (uint64_t)(uintptr_t)any;
    if (!add_box(&s->gc, o)) {
        *trap = OX_TRAP_GC_HEAP;
        return NULL; /* unreachable now: the next sweep frees it */
    }
    return o;
}

/* ---- casts ----------------------------------------------------------------- */

bool ox_gc_ref_test(const ox_instance *inst, const void *ref, ox_heaptype h, bool nullable)
{
    if (!ref)
        return nullable;
    const ox_module *m = inst->module;
    const ox_typereg *r = &inst->store->typereg;
    ox_heaptype top = ox_heap_top(m, h);
    bool concrete = ox_heap_is_concrete(h);
    uint32_t want = concrete ? inst->type_ids[ox_ref_typeidx(h)] : 0;
    if (top == OX_HT_FUNC)
        return concrete ? ox_typereg_sub(r, ((const ox_func *)ref)->type_id, want) : h == OX_HT_FUNC;
    if (top != OX_HT_ANY) /* extern, exn: any non-null value is of the top type only */
        return h == OX_HT_EXTERN || h == OX_HT_EXN;
    if (ox_is_i31(ref))
        return h == OX_HT_I31 || h == OX_HT_EQ || h == OX_HT_ANY;
    const ox_gcobj *o = ref;
    if (o->kind == OX_GC_HOST)
        return h == OX_HT_ANY;
    if (concrete)
        return ox_typereg_sub(r, o->type_id, want);
    ox_heaptype own = o->kind == OX_GC_STRUCT ? OX_HT_STRUCT : OX_HT_ARRAY;
    return ox_abstract_sub(own, h);
}

/* ---- collection ------------------------------------------------------------ */

/* The same for a value type of the store's space (globals, tables). */
static uint8_t store_trace_kind(const ox_store *s, ox_valtype t)
{
    if (!ox_is_reftype(t))
        return OX_TRACE_NONE;
    ox_heaptype h = ox_ref_heap(t), top;
    if (ox_heap_is_concrete(h))
        top = s->typereg.types[ox_ref_typeidx(h)].kind == OX_COMP_FUNC ? OX_HT_FUNC : OX_HT_ANY;
    else
        top = ox_abstract_top(h);
    return ox_trace_of_top(top);
}

/* An exception an exnref reaches: kept, and its values traced later. */
static void mark_exn(ox_gcheap *h, ox_exn *x)
{
    if (x->mark)
        return;
    x->mark = 1;
    if (h->nxstack == h->capxstack) {
        size_t cap = h->capxstack ? h->capxstack * 2 : 64;
        ox_exn **ns = realloc(h->xstack, cap * sizeof *ns);
        if (!ns) {
            h->overflow = true;
            return;
        }
        h->xstack = ns;
        h->capxstack = cap;
    }
    h->xstack[h->nxstack++] = x;
}

/* The values of an exception: by its tag's types. */
static void trace_exn(ox_store *s, const ox_exn *x)
{
    const ox_functype *t = x->tag->type;
    const ox_module *m = x->tag->inst ? x->tag->inst->module : NULL;
    for (uint32_t p = 0, at = 0; p < t->nparams; at += t->params[p] == OX_V128 ? 2 : 1, p++)
        if (ox_is_reftype(t->params[p]))
            ox_gc_mark(s, x->vals[at].ref,
                       m ? ox_trace_kind(m, t->params[p]) : store_trace_kind(s, t->params[p]));
}

static void push(ox_gcheap *h, ox_gcobj *o)
{
    if (o->mark)
        return;
    o->mark = 1;
    if (h->nstack == h->capstack) {
        size_t cap = h->capstack ? h->capstack * 2 : 256;
        ox_gcobj **ns = realloc(h->stack, cap * sizeof *ns);
        if (!ns) { /* no room to trace it: this collection frees nothing */
            h->overflow = true;
            return;
        }
        h->stack = ns;
        h->capstack = cap;
    }
    h->stack[h->nstack++] = o;
}

void ox_gc_mark(ox_store *s, void *ref, uint8_t trace)
{
    if (!ref || trace == OX_TRACE_NONE)
        return;
    if (trace == OX_TRACE_EXN) {
        mark_exn(&s->gc, ref);
        return;
    }
    if (trace == OX_TRACE_EXTERN) {
        if (is_box(&s->gc, ref))
            push(&s->gc, ref);
        return;
    }
    if (!ox_is_i31(ref))
        push(&s->gc, ref);
}

static void trace_object(ox_store *s, const ox_gcobj *o)
{
    if (o->kind == OX_GC_EXTBOX) {
        ox_gc_mark(s, (void *)(uintptr_t)o->data[0], OX_TRACE_ANY);
        return;
    }
    if (o->kind == OX_GC_HOST)
        return;
    const struct ox_stype *t = &s->typereg.types[o->type_id];
    if (o->kind == OX_GC_STRUCT) {
        for (uint32_t i = 0; i < o->len; i++)
            if (t->trace[i])
                ox_gc_mark(s, (void *)(uintptr_t)o->data[i], t->trace[i]);
        return;
    }
    if (t->etrace) {
        void *const *e = (void *const *)(const void *)o->data;
        for (uint32_t i = 0; i < o->len; i++)
            ox_gc_mark(s, e[i], t->etrace);
    }
}

/* The roots the store holds. */
static void mark_store(ox_store *s)
{
    for (size_t i = 0; i < s->globals.n; i++) {
        ox_global *g = s->globals.v[i];
        ox_gc_mark(s, g->val[0].ref, store_trace_kind(s, g->type));
    }
    for (size_t i = 0; i < s->tables.n; i++) {
        ox_table *t = s->tables.v[i];
        uint8_t k = store_trace_kind(s, t->elem);
        for (uint32_t j = 0; k && j < t->size; j++)
            ox_gc_mark(s, t->elems[j], k);
    }
    for (size_t i = 0; i < s->instances.n; i++) {
        const ox_instance *inst = s->instances.v[i];
        const ox_module *m = inst->module;
        for (uint32_t e = 0; inst->elems && e < m->nelems; e++) {
            uint8_t k = ox_trace_kind(m, m->elems[e].type);
            for (uint32_t j = 0; k && j < inst->elems[e].count; j++)
                ox_gc_mark(s, inst->elems[e].refs[j], k);
        }
    }
}

/* Exposed exceptions no exnref reaches are freed; the rest unmarked. */
static void sweep_exns(ox_store *s)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->exns.n; i++) {
        ox_exn *x = s->exns.v[i];
        if (x->mark || s->gc.overflow) {
            x->mark = 0;
            s->exns.v[kept++] = x;
        } else {
            free(x);
        }
    }
    s->exns.n = kept;
    s->gc.next_exns = kept * 2 > 4096 ? kept * 2 : 4096;
}

void ox_gc_collect_end(ox_store *s)
{
    ox_gcheap *h = &s->gc;
    mark_store(s);
    while (h->nstack || h->nxstack) {
        while (h->nstack)
            trace_object(s, h->stack[--h->nstack]);
        if (h->nxstack)
            trace_exn(s, h->xstack[--h->nxstack]);
    }
    sweep_exns(s);
    size_t live = 0;
    for (ox_gcobj **p = &h->objects; *p;) {
        ox_gcobj *o = *p;
        if (o->mark || h->overflow) {
            o->mark = 0;
            live += size_of(o);
            p = &o->next;
            continue;
        }
        if (o->kind == OX_GC_EXTBOX)
            remove_box(h, o);
        *p = o->next;
        give_back(h, o);
    }
    h->overflow = false;
    h->bytes = live;
    h->next_gc = live * 2 > MIN_NEXT_GC ? live * 2 : MIN_NEXT_GC;
    h->collections++;
}

void ox_gc_free(ox_store *s)
{
    ox_gcheap *h = &s->gc;
    for (ox_gcobj *o = h->objects, *n; o; o = n) {
        n = o->next;
        if (!small(size_of(o)))
            free(o);
    }
    for (size_t i = 0; i < h->nchunks; i++)
        free(h->chunks[i]);
    free(h->chunks);
    free(h->boxes);
    free(h->stack);
    free(h->xstack);
    memset(h, 0, sizeof *h);
}

/* ---- the embedder's view ---------------------------------------------------- */

ox_anyref_kind ox_anyref_kind_of(const void *ref)
{
    if (!ref)
        return OX_ANYREF_NULL;
    if (ox_is_i31(ref))
        return OX_ANYREF_I31;
    switch (((const ox_gcobj *)ref)->kind) {
    case OX_GC_STRUCT: return OX_ANYREF_STRUCT;
    case OX_GC_ARRAY: return OX_ANYREF_ARRAY;
    default: return OX_ANYREF_HOST;
    }
}

void *ox_anyref_host_value(const void *ref)
{
    return ox_anyref_kind_of(ref) == OX_ANYREF_HOST
               ? (void *)(uintptr_t)((const ox_gcobj *)ref)->data[0] : NULL;
}

int32_t ox_anyref_i31_value(const void *ref) { return ox_is_i31(ref) ? ox_i31_s(ref) : 0; }

void *ox_anyref_i31(int32_t v) { return ox_i31_make((uint32_t)v); }

ox_error *ox_anyref_host(ox_store *s, void *host, ox_val *out)
{
    if (!s || !out)
        return ox_error_new(OX_ERR_ARG, "ox_anyref_host: missing store or result");
    ox_trap trap = OX_TRAP_NONE;
    void *r = ox_gc_internalize(s, host, &trap);
    if (host && !r)
        return ox_error_new(OX_ERR_LIMIT, "the GC heap is full (max_gc_bytes)");
    memset(out, 0, sizeof *out);
    out->type = OX_ANYREF;
    out->of.anyref = r;
    return NULL;
}

void ox_store_gc_stats(const ox_store *s, uint64_t *collections, uint64_t *bytes)
{
    if (collections)
        *collections = s ? s->gc.collections : 0;
    if (bytes)
        *bytes = s ? s->gc.bytes : 0;
}
