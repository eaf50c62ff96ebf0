/*
 * interp_gc.h — the interpreter's side of GC (WebAssembly 3.0; internal,
 * included by interp.c twice): with OX_GC_HANDLERS undefined, the helpers
 * at file scope (the roots of a collection, allocations, the ops' work:
 * gc_slow); with it defined, inside the dispatch loop, the handlers of the
 * GC ops (code.h), which call gc_slow, struct.get aside.
 *
 * A collection happens at an allocation. Its roots in the interpreter are
 * every frame's reference locals and the slots the stack map of the cell
 * it stands at lists (compile_ctl.c oxc_stackmap): for the running frame
 * the cell after the allocation, for each caller (its frame record) the
 * cell after its call. Host calls push their caller's record too, so a
 * collection in a nested run sees the frames below the host function.
 */
#ifndef OX_GC_HANDLERS

static void mark_frame(ox_store *s, const ox_func *fn, const ox_slot *fp, const ox_cell *after)
{
    const struct ox_code *c = fn->code;
    for (uint32_t i = 0; i < c->nreflocals; i++)
        ox_gc_mark(s, fp[OX_MAP_SLOT(c->mapslots[i])].ref, (uint8_t)OX_MAP_TRACE(c->mapslots[i]));
    uint32_t cell = (uint32_t)(after - c->cells), lo = 0, hi = c->nmaps;
    while (lo < hi) { /* the map of `cell`, if any: maps are in cell order */
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->maps[mid].cell < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == c->nmaps || c->maps[lo].cell != cell)
        return;
    const ox_stackmap *m = &c->maps[lo];
    for (uint32_t i = 0; i < m->n; i++) {
        uint32_t w = c->mapslots[m->first + i];
        ox_gc_mark(s, fp[OX_MAP_SLOT(w)].ref, (uint8_t)OX_MAP_TRACE(w));
    }
}

/* A collection, the running frame stopped at the cell `after`. */
static OX_NOINLINE void gc_collect_at(struct ox_exec *x, ox_store *s, const ox_func *fn,
                                      const ox_slot *fp, const ox_cell *after, uint32_t depth)
{
    mark_frame(s, fn, fp, after);
    for (uint32_t i = depth; i-- > 0;) {
        const frame *fr = &x->frames[i];
        if (fr->pc)
            mark_frame(s, fr->fn, fr->fp, fr->pc);
    }
    ox_gc_collect_end(s);
}

/* Collect if `bytes` more would pass the heap's threshold. */
static inline void gc_point(struct ox_exec *x, ox_store *s, const ox_func *fn, const ox_slot *fp,
                            const ox_cell *after, uint32_t depth, size_t bytes)
{
    if (ox_gc_due(s, bytes))
        gc_collect_at(x, s, fn, fp, after, depth);
}

/* Element k of array o into slot(s) at out (zero- or sign-extended). */
static inline void array_load(const ox_gcobj *o, uint32_t k, ox_slot *out, bool sign)
{
    const uint8_t *p = (const uint8_t *)o->data + (size_t)k * o->esize;
    switch (o->esize) {
    case 1: out->i64 = sign ? (uint32_t)(int32_t)(int8_t)*p : *p; break;
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        out->i64 = sign ? (uint32_t)(int32_t)(int16_t)v : v;
        break;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        out->i64 = v;
        break;
    }
    case 16: memcpy(out, p, 16); break;
    default: memcpy(&out->i64, p, 8); break;
    }
}

static inline void array_store(ox_gcobj *o, uint32_t k, const ox_slot *v)
{
    memcpy((uint8_t *)o->data + (size_t)k * o->esize, v, o->esize); /* little-endian: the low bytes */
}

/* An array of n elements, each `init` (NULL: zero), or the values from
   slots `from` (array.new_fixed). */
static OX_NOINLINE ox_gcobj *gc_array(struct ox_exec *x, ox_store *s, const ox_func *fn, ox_slot *fp,
                                      const ox_cell *after, uint32_t depth, uint32_t type_id,
                                      uint64_t n, const ox_slot *init, const ox_slot *from,
                                      ox_trap *trap)
{
    uint32_t esize = s->typereg.types[type_id].esize;
    if (n <= UINT32_MAX)
        gc_point(x, s, fn, fp, after, depth, (size_t)n * esize);
    ox_gcobj *o = ox_gc_new_array(s, type_id, n, trap);
    if (!o)
        return NULL;
    for (uint32_t k = 0; init && k < n; k++)
        array_store(o, k, init);
    for (uint32_t k = 0; from && k < n; k++)
        array_store(o, k, from + k * (esize == 16 ? 2 : 1));
    return o;
}

/* The GC ops, out of the dispatch loop but struct.get: op's work at pc;
   the trap, or none. Inside run() they cost the other ops 5% (the interp
   workload: the loop's code and registers); out here, binary trees pay
   about that for the call. */
/* (S, W, LEN and OUTSIDE are interp.c's) */
#define GC_AFTER(nw) (pc + LEN(nw))
#define GC_OBJ(k, null_trap) \
    ox_gcobj *o_ = (ox_gcobj *)S(k).ref; \
    if (!o_) \
        return null_trap
static OX_NOINLINE ox_trap gc_slow(struct ox_exec *x, ox_store *s, ox_instance *inst, ox_func *fn,
                                   ox_slot *fp, const ox_cell *pc, uint32_t depth, unsigned op)
{
    ox_trap trap = OX_TRAP_NONE;
    switch (op) {
    case OXI_STRUCT_NEW: {
        uint32_t id = inst->type_ids[W(1)], n = W(3);
        gc_point(x, s, fn, fp, GC_AFTER(4), depth, (size_t)n * 8);
        ox_gcobj *o = ox_gc_new_struct(s, id, &trap);
        if (!o)
            return trap;
        if (W(2) != UINT32_MAX)
            memcpy(o->data, fp + W(2), (size_t)n * 8);
        S(0).ref = o;
        return OX_TRAP_NONE;
    }
    case OXI_ARRAY_NEW: {
        uint32_t id = inst->type_ids[W(1)];
        ox_gcobj *o = gc_array(x, s, fn, fp, GC_AFTER(4), depth, id, S(2).i32,
                               W(3) == UINT32_MAX ? NULL : &S(3), NULL, &trap);
        if (!o)
            return trap;
        S(0).ref = o;
        return OX_TRAP_NONE;
    }
    case OXI_ARRAY_NEW_FIXED: {
        uint32_t id = inst->type_ids[W(1)];
        ox_gcobj *o = gc_array(x, s, fn, fp, GC_AFTER(4), depth, id, W(3), NULL, fp + W(2),
                               &trap);
        if (!o)
            return trap;
        S(0).ref = o;
        return OX_TRAP_NONE;
    }
    case OXI_ARRAY_NEW_DATA: {
        const ox_module *m = inst->module;
        uint32_t id = inst->type_ids[W(1)], d = W(2), esize = s->typereg.types[id].esize;
        uint64_t off = S(3).i32, n = S(4).i32;
        uint64_t len = inst->data_dropped[d] ? 0 : m->datas[d].data.len;
        if (OUTSIDE(off, n * esize, len))
            return OX_TRAP_MEMORY_OOB;
        ox_gcobj *o = gc_array(x, s, fn, fp, GC_AFTER(5), depth, id, n, NULL, NULL, &trap);
        if (!o)
            return trap;
        if (n)
            memcpy(o->data, m->bytes + m->datas[d].data.off + off, n * esize);
        S(0).ref = o;
        return OX_TRAP_NONE;
    }
    case OXI_ARRAY_NEW_ELEM: {
        const ox_elemrefs *e = &inst->elems[W(2)];
        uint32_t id = inst->type_ids[W(1)];
        uint64_t off = S(3).i32, n = S(4).i32;
        if (OUTSIDE(off, n, e->count))
            return OX_TRAP_TABLE_OOB;
        ox_gcobj *o = gc_array(x, s, fn, fp, GC_AFTER(5), depth, id, n, NULL, NULL, &trap);
        if (!o)
            return trap;
        for (uint32_t k = 0; k < n; k++)
            array_store(o, k, &(ox_slot){.ref = e->refs[off + k]});
        S(0).ref = o;
        return OX_TRAP_NONE;
    }
    case OXI_ARRAY_FILL: {
        GC_OBJ(0, OX_TRAP_NULL_ARRAY);
        uint64_t off = S(1).i32, n = S(3).i32;
        if (OUTSIDE(off, n, o_->len))
            return OX_TRAP_ARRAY_OOB;
        for (uint64_t k = 0; k < n; k++)
            array_store(o_, (uint32_t)(off + k), &S(2));
        return OX_TRAP_NONE;
    }
    case OXI_ARRAY_COPY: {
        ox_gcobj *d_ = (ox_gcobj *)S(0).ref, *s_ = (ox_gcobj *)S(2).ref;
        if (!d_ || !s_)
            return OX_TRAP_NULL_ARRAY;
        uint64_t d = S(1).i32, sr = S(3).i32, n = S(4).i32;
        if (OUTSIDE(d, n, d_->len) || OUTSIDE(sr, n, s_->len))
            return OX_TRAP_ARRAY_OOB;
        if (n)
            memmove((uint8_t *)d_->data + d * d_->esize, (uint8_t *)s_->data + sr * s_->esize,
                    n * d_->esize);
        return OX_TRAP_NONE;
    }
    case OXI_ARRAY_INIT_DATA: {
        GC_OBJ(0, OX_TRAP_NULL_ARRAY);
        const ox_module *m = inst->module;
        uint32_t idx = W(1);
        uint64_t d = S(2).i32, sr = S(3).i32, n = S(4).i32;
        uint64_t len = inst->data_dropped[idx] ? 0 : m->datas[idx].data.len;
        if (OUTSIDE(d, n, o_->len))
            return OX_TRAP_ARRAY_OOB;
        if (OUTSIDE(sr, n * o_->esize, len))
            return OX_TRAP_MEMORY_OOB;
        if (n)
            memcpy((uint8_t *)o_->data + d * o_->esize, m->bytes + m->datas[idx].data.off + sr,
                   n * o_->esize);
        return OX_TRAP_NONE;
    }
    case OXI_ARRAY_INIT_ELEM: {
        GC_OBJ(0, OX_TRAP_NULL_ARRAY);
        const ox_elemrefs *e = &inst->elems[W(1)];
        uint64_t d = S(2).i32, sr = S(3).i32, n = S(4).i32;
        if (OUTSIDE(d, n, o_->len))
            return OX_TRAP_ARRAY_OOB;
        if (OUTSIDE(sr, n, e->count))
            return OX_TRAP_TABLE_OOB;
        for (uint64_t k = 0; k < n; k++)
            array_store(o_, (uint32_t)(d + k), &(ox_slot){.ref = e->refs[sr + k]});
        return OX_TRAP_NONE;
    }
    case OXI_ANY_CONVERT_EXTERN: {
        gc_point(x, s, fn, fp, GC_AFTER(2), depth, 8);
        void *r = ox_gc_internalize(s, S(1).ref, &trap);
        if (!r && S(1).ref)
            return trap;
        S(0).ref = r;
        return OX_TRAP_NONE;
    }
    case OXI_EXTERN_CONVERT_ANY: {
        gc_point(x, s, fn, fp, GC_AFTER(2), depth, 8);
        void *r = ox_gc_externalize(s, S(1).ref, &trap);
        if (!r && S(1).ref)
            return trap;
        S(0).ref = r;
        return OX_TRAP_NONE;
    }
    case OXI_STRUCT_GET: {
        GC_OBJ(1, OX_TRAP_NULL_STRUCT);
        S(0).i64 = o_->data[W(2)];
        return OX_TRAP_NONE;
    }
    case OXI_STRUCT_GET2: {
        GC_OBJ(1, OX_TRAP_NULL_STRUCT);
        memcpy(&S(0), &o_->data[W(2)], 16);
        return OX_TRAP_NONE;
    }
    case OXI_STRUCT_GET_S8: {
        GC_OBJ(1, OX_TRAP_NULL_STRUCT);
        S(0).i64 = (uint32_t)(int32_t)(int8_t)o_->data[W(2)];
        return OX_TRAP_NONE;
    }
    case OXI_STRUCT_GET_U8: {
        GC_OBJ(1, OX_TRAP_NULL_STRUCT);
        S(0).i64 = (uint8_t)o_->data[W(2)];
        return OX_TRAP_NONE;
    }
    case OXI_STRUCT_GET_S16: {
        GC_OBJ(1, OX_TRAP_NULL_STRUCT);
        S(0).i64 = (uint32_t)(int32_t)(int16_t)o_->data[W(2)];
        return OX_TRAP_NONE;
    }
    case OXI_STRUCT_GET_U16: {
        GC_OBJ(1, OX_TRAP_NULL_STRUCT);
        S(0).i64 = (uint16_t)o_->data[W(2)];
        return OX_TRAP_NONE;
    }
    case OXI_STRUCT_SET: {
        GC_OBJ(0, OX_TRAP_NULL_STRUCT);
        o_->data[W(2)] = S(1).i64;
        return OX_TRAP_NONE;
    }
    case OXI_STRUCT_SET2: {
        GC_OBJ(0, OX_TRAP_NULL_STRUCT);
        memcpy(&o_->data[W(2)], &S(1), 16);
        return OX_TRAP_NONE;
    }
    case OXI_ARRAY_GET: {
        GC_OBJ(1, OX_TRAP_NULL_ARRAY);
        uint32_t k = S(2).i32;
        if (k >= o_->len)
            return OX_TRAP_ARRAY_OOB;
        array_load(o_, k, &S(0), W(3) != 0);
        return OX_TRAP_NONE;
    }
    case OXI_ARRAY_SET: {
        GC_OBJ(0, OX_TRAP_NULL_ARRAY);
        uint32_t k = S(1).i32;
        if (k >= o_->len)
            return OX_TRAP_ARRAY_OOB;
        array_store(o_, k, &S(2));
        return OX_TRAP_NONE;
    }
    case OXI_ARRAY_LEN: {
        GC_OBJ(1, OX_TRAP_NULL_ARRAY);
        S(0).i64 = o_->len;
        return OX_TRAP_NONE;
    }
    case OXI_REF_TEST: {
        S(0).i64 = ox_gc_ref_test(inst, S(1).ref, W(2), W(3) != 0);
        return OX_TRAP_NONE;
    }
    case OXI_REF_CAST: {
        if (!ox_gc_ref_test(inst, S(0).ref, W(1), W(2) != 0))
            return OX_TRAP_CAST;
        return OX_TRAP_NONE;
    }
    case OXI_REF_I31: {
        S(0).ref = ox_i31_make(S(1).i32);
        return OX_TRAP_NONE;
    }
    case OXI_I31_GET_S: {
        if (!S(1).ref)
            return OX_TRAP_NULL_I31;
        S(0).i64 = (uint32_t)ox_i31_s(S(1).ref);
        return OX_TRAP_NONE;
    }
    case OXI_I31_GET_U: {
        if (!S(1).ref)
            return OX_TRAP_NULL_I31;
        S(0).i64 = ox_i31_u(S(1).ref);
        return OX_TRAP_NONE;
    }
    case OXI_REF_EQ: {
        S(0).i64 = S(1).ref == S(2).ref;
        return OX_TRAP_NONE;
    }
    default:
        return OX_TRAP_NONE;
    }
}
#undef GC_AFTER
#undef GC_OBJ

#else /* OX_GC_HANDLERS: inside run()'s dispatch loop */

#define GC_SLOW(name, nw) \
        vmcase(name) { \
            trap = gc_slow(x, s, inst, fn, fp, pc, depth, OXI_##name); \
            if (trap != OX_TRAP_NONE) \
                goto do_trap; \
            NEXT(LEN(nw)); \
        }
        GC_SLOW(STRUCT_NEW, 4) GC_SLOW(ARRAY_NEW, 4) GC_SLOW(ARRAY_NEW_FIXED, 4)
        GC_SLOW(ARRAY_NEW_DATA, 5) GC_SLOW(ARRAY_NEW_ELEM, 5) GC_SLOW(ARRAY_FILL, 4)
        GC_SLOW(ARRAY_COPY, 5) GC_SLOW(ARRAY_INIT_DATA, 5) GC_SLOW(ARRAY_INIT_ELEM, 5)
        GC_SLOW(ANY_CONVERT_EXTERN, 2) GC_SLOW(EXTERN_CONVERT_ANY, 2) GC_SLOW(STRUCT_GET2, 3)
        GC_SLOW(STRUCT_GET_S8, 3) GC_SLOW(STRUCT_GET_U8, 3) GC_SLOW(STRUCT_GET_S16, 3)
        GC_SLOW(STRUCT_GET_U16, 3) GC_SLOW(STRUCT_SET, 3) GC_SLOW(STRUCT_SET2, 3)
        GC_SLOW(ARRAY_GET, 4) GC_SLOW(ARRAY_SET, 3) GC_SLOW(ARRAY_LEN, 2) GC_SLOW(REF_TEST, 4)
        GC_SLOW(REF_CAST, 3) GC_SLOW(REF_I31, 2) GC_SLOW(I31_GET_S, 2) GC_SLOW(I31_GET_U, 2)
        GC_SLOW(REF_EQ, 3)
#undef GC_SLOW
        vmcase(STRUCT_GET) { /* the one kept in the loop: the most frequent */
            ox_gcobj *o_ = (ox_gcobj *)S(1).ref;
            if (!o_)
                TRAP(OX_TRAP_NULL_STRUCT);
            S(0).i64 = o_->data[W(2)];
            NEXT(LEN(3));
        }
        vmcase(BR_ON_CAST) {
            if (ox_gc_ref_test(inst, S(0).ref, W(2), W(3) != 0) != (W(4) != 0))
                JUMP((int32_t)W(1));
            NEXT(LEN(5));
        }
#endif
