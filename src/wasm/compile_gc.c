/*
 * compile_gc.c — GC (WebAssembly 3.0) in the function compiler: structs,
 * arrays, i31, casts, the extern conversions, ref.eq; and the stack maps
 * the collector reads.
 *
 * A struct's fields sit in 8-byte slots in the object as they sit on the
 * operand stack (module.h ox_field_slot), so struct.new copies them like a
 * call's args, and struct.get/set name the field's slot. Arrays keep their
 * elements' storage size; the interpreter reads the size from the object.
 *
 * Each allocation records a stack map (compile_ctl.c oxc_stackmap) with
 * its own operands in it: struct.new's fields are not in the object yet
 * when the collector may run.
 */
#include <string.h>

#include "compile_stack.h"

/* ---- types ------------------------------------------------------------------ */

static bool type_of(cc *c, uint32_t x, uint8_t kind, const ox_deftype **out)
{
    *out = NULL;
    if (x >= c->m->ntypes)
        return oxc_unknown(c, "type", x);
    *out = &c->m->deftypes[x];
    if ((*out)->kind != kind)
        return oxc_invalid(c, "type mismatch");
    return true;
}

/* A field's type on the stack: packed fields are i32s. */
static ox_valtype unpacked(const ox_field *f) { return f->packed ? OX_I32 : f->type; }

static bool field_of(cc *c, const ox_deftype *d, uint32_t i)
{
    return i < d->nfields || oxc_unknown(c, "field", i);
}

/* Allocation ops write a fresh (ref $x) to the slot of the height the
   operands started at, after the map is taken at the cell following. */
static bool alloc_done(cc *c, uint32_t live_h, uint32_t x)
{
    return oxc_stackmap(c, live_h) && push(c, ox_ref_concrete(x, false));
}

/* ---- structs ------------------------------------------------------------------- */

static bool struct_new(cc *c, uint32_t x, bool defaults)
{
    const ox_deftype *d = NULL;
    if (!type_of(c, x, OX_COMP_STRUCT, &d))
        return false;
    uint32_t n = defaults ? 0 : d->nfields;
    for (uint32_t k = 0; defaults && k < d->nfields; k++)
        if (!ox_is_defaultable(d->fields[k].type))
            return oxc_invalid(c, "type mismatch (a field without a default value)");
    for (uint32_t k = n; k-- > 0;)
        if (!pop_expect(c, unpacked(&d->fields[k])))
            return false;
    uint32_t base = slot_of(c, c->nvs);
    for (uint32_t k = 0; live(c) && k < n; k++)
        if (!oxc_materialize(c, c->nvs + k))
            return false;
    uint32_t insn = EMIT(c, OXI_STRUCT_NEW, base, x, defaults ? UINT32_MAX : base,
                         ox_field_slot(d, d->nfields));
    if (!emitted(c, insn))
        return false;
    return alloc_done(c, c->nvs + n, x);
}

static bool struct_get(cc *c, uint32_t x, uint32_t i, enum ox_opcode op)
{
    const ox_deftype *d = NULL;
    if (!type_of(c, x, OX_COMP_STRUCT, &d) || !field_of(c, d, i))
        return false;
    const ox_field *f = &d->fields[i];
    if ((op == OXO_STRUCT_GET) != !f->packed)
        return oxc_invalid(c, "type mismatch (packed fields need get_s or get_u)");
    if (!pop_expect(c, ox_ref_concrete(x, true)))
        return false;
    uint32_t h = c->nvs;
    enum ox_iop iop = f->type == OX_V128 ? OXI_STRUCT_GET2 : OXI_STRUCT_GET;
    if (f->packed)
        iop = f->packed == OX_PACKED_I8 ? (op == OXO_STRUCT_GET_S ? OXI_STRUCT_GET_S8 : OXI_STRUCT_GET_U8)
                                        : (op == OXO_STRUCT_GET_S ? OXI_STRUCT_GET_S16 : OXI_STRUCT_GET_U16);
    if (!emitted(c, EMIT_VALUE(c, iop, slot_of(c, h), loc_of(c, h), ox_field_slot(d, i))))
        return false;
    return push(c, unpacked(f));
}

static bool struct_set(cc *c, uint32_t x, uint32_t i)
{
    const ox_deftype *d = NULL;
    if (!type_of(c, x, OX_COMP_STRUCT, &d) || !field_of(c, d, i))
        return false;
    const ox_field *f = &d->fields[i];
    if (!f->mutable_)
        return oxc_invalid(c, "field is immutable");
    if (!pop_expect(c, unpacked(f)) || !pop_expect(c, ox_ref_concrete(x, true)))
        return false;
    uint32_t h = c->nvs;
    return emitted(c, EMIT(c, f->type == OX_V128 ? OXI_STRUCT_SET2 : OXI_STRUCT_SET, loc_of(c, h),
                           loc_of(c, h + 1), ox_field_slot(d, i)));
}

/* ---- arrays ------------------------------------------------------------------ */

static bool array_new(cc *c, uint32_t x, enum ox_opcode op, uint32_t imm)
{
    const ox_deftype *d = NULL;
    if (!type_of(c, x, OX_COMP_ARRAY, &d))
        return false;
    const ox_field *f = &d->fields[0];
    ox_valtype t = unpacked(f);
    uint32_t h, insn = UINT32_MAX;
    switch (op) {
    case OXO_ARRAY_NEW:
        if (!pop_expect(c, OX_I32) || !pop_expect(c, t))
            return false;
        h = c->nvs;
        insn = EMIT(c, OXI_ARRAY_NEW, slot_of(c, h), x, loc_of(c, h + 1), loc_of(c, h));
        return emitted(c, insn) && alloc_done(c, h + 2, x);
    case OXO_ARRAY_NEW_DEFAULT:
        if (!ox_is_defaultable(f->type))
            return oxc_invalid(c, "type mismatch (an element type without a default value)");
        if (!pop_expect(c, OX_I32))
            return false;
        h = c->nvs;
        insn = EMIT(c, OXI_ARRAY_NEW, slot_of(c, h), x, loc_of(c, h), UINT32_MAX);
        return emitted(c, insn) && alloc_done(c, h, x);
    case OXO_ARRAY_NEW_FIXED: {
        if (imm > 10000)
            return oxc_invalid(c, "array.new_fixed of more than 10000 elements");
        for (uint32_t k = 0; k < imm; k++)
            if (!pop_expect(c, t))
                return false;
        h = c->nvs;
        uint32_t base = slot_of(c, h);
        for (uint32_t k = 0; live(c) && k < imm; k++)
            if (!oxc_materialize(c, h + k))
                return false;
        insn = EMIT(c, OXI_ARRAY_NEW_FIXED, base, x, base, imm);
        return emitted(c, insn) && alloc_done(c, h + imm, x);
    }
    case OXO_ARRAY_NEW_DATA:
        if (ox_is_reftype(f->type))
            return oxc_invalid(c, "type mismatch (array.new_data of references)");
        if (!oxc_check_data(c, imm) || !pop_expect(c, OX_I32) || !pop_expect(c, OX_I32))
            return false;
        h = c->nvs;
        insn = EMIT(c, OXI_ARRAY_NEW_DATA, slot_of(c, h), x, imm, loc_of(c, h), loc_of(c, h + 1));
        return emitted(c, insn) && alloc_done(c, h, x);
    default: /* array.new_elem */
        if (!oxc_check_elem(c, imm))
            return false;
        if (!ox_vt_sub(c->m, c->m->elems[imm].type, f->type))
            return oxc_invalid(c, "type mismatch");
        if (!pop_expect(c, OX_I32) || !pop_expect(c, OX_I32))
            return false;
        h = c->nvs;
        insn = EMIT(c, OXI_ARRAY_NEW_ELEM, slot_of(c, h), x, imm, loc_of(c, h), loc_of(c, h + 1));
        return emitted(c, insn) && alloc_done(c, h, x);
    }
}

static bool array_access(cc *c, uint32_t x, enum ox_opcode op)
{
    const ox_deftype *d = NULL;
    if (!type_of(c, x, OX_COMP_ARRAY, &d))
        return false;
    const ox_field *f = &d->fields[0];
    ox_valtype t = unpacked(f);
    ox_valtype ref = ox_ref_concrete(x, true);
    uint32_t h;
    if (op == OXO_ARRAY_SET || op == OXO_ARRAY_FILL) {
        if (!f->mutable_)
            return oxc_invalid(c, "array is immutable");
        if (op == OXO_ARRAY_FILL) {
            if (!pop_expect(c, OX_I32) || !pop_expect(c, t) || !pop_expect(c, OX_I32) ||
                !pop_expect(c, ref))
                return false;
            h = c->nvs;
            return emitted(c, EMIT(c, OXI_ARRAY_FILL, loc_of(c, h), loc_of(c, h + 1),
                                   loc_of(c, h + 2), loc_of(c, h + 3)));
        }
        if (!pop_expect(c, t) || !pop_expect(c, OX_I32) || !pop_expect(c, ref))
            return false;
        h = c->nvs;
        return emitted(c, EMIT(c, OXI_ARRAY_SET, loc_of(c, h), loc_of(c, h + 1), loc_of(c, h + 2)));
    }
    if ((op == OXO_ARRAY_GET) != !f->packed)
        return oxc_invalid(c, "type mismatch (packed elements need get_s or get_u)");
    if (!pop_expect(c, OX_I32) || !pop_expect(c, ref))
        return false;
    h = c->nvs;
    if (!emitted(c, EMIT_VALUE(c, OXI_ARRAY_GET, slot_of(c, h), loc_of(c, h), loc_of(c, h + 1),
                               op == OXO_ARRAY_GET_S)))
        return false;
    return push(c, t);
}

static bool array_bulk(cc *c, enum ox_opcode op, uint32_t x, uint32_t y)
{
    const ox_deftype *d = NULL;
    if (!type_of(c, x, OX_COMP_ARRAY, &d))
        return false;
    const ox_field *f = &d->fields[0];
    if (!f->mutable_)
        return oxc_invalid(c, "array is immutable");
    enum ox_iop iop;
    ox_valtype src_ref = OX_I32;
    if (op == OXO_ARRAY_COPY) {
        const ox_deftype *e = NULL;
        if (!type_of(c, y, OX_COMP_ARRAY, &e))
            return false;
        const ox_field *g = &e->fields[0];
        if (f->packed != g->packed || (!f->packed && !ox_vt_sub(c->m, g->type, f->type)))
            return oxc_invalid(c, "type mismatch");
        src_ref = ox_ref_concrete(y, true);
        iop = OXI_ARRAY_COPY;
    } else if (op == OXO_ARRAY_INIT_DATA) {
        if (ox_is_reftype(f->type))
            return oxc_invalid(c, "type mismatch (array.init_data of references)");
        if (!oxc_check_data(c, y))
            return false;
        iop = OXI_ARRAY_INIT_DATA;
    } else {
        if (!oxc_check_elem(c, y))
            return false;
        if (!ox_vt_sub(c->m, c->m->elems[y].type, f->type))
            return oxc_invalid(c, "type mismatch");
        iop = OXI_ARRAY_INIT_ELEM;
    }
    /* copy: [dst d src s n]; init: [dst d s n] */
    if (!pop_expect(c, OX_I32) || !pop_expect(c, OX_I32))
        return false;
    if (op == OXO_ARRAY_COPY && !pop_expect(c, src_ref))
        return false;
    if (!pop_expect(c, OX_I32) || !pop_expect(c, ox_ref_concrete(x, true)))
        return false;
    uint32_t h = c->nvs;
    if (op == OXO_ARRAY_COPY)
        return emitted(c, EMIT(c, iop, loc_of(c, h), loc_of(c, h + 1), loc_of(c, h + 2),
                               loc_of(c, h + 3), loc_of(c, h + 4)));
    return emitted(c, EMIT(c, iop, loc_of(c, h), y, loc_of(c, h + 1), loc_of(c, h + 2),
                           loc_of(c, h + 3)));
}

/* ---- casts ------------------------------------------------------------------- */

/* The operand of a cast to heap type ht: a reference of ht's hierarchy.
   Its type in *t (T_UNKNOWN from the polymorphic stack). */
static bool pop_castable(cc *c, ox_heaptype ht, ox_valtype *t)
{
    if (!pop(c, t))
        return false;
    if (*t == T_UNKNOWN)
        return true;
    if (!ox_is_reftype(*t) || ox_heap_top(c->m, ox_ref_heap(*t)) != ox_heap_top(c->m, ht))
        return oxc_invalid(c, "type mismatch");
    return true;
}

static bool ref_test_cast(cc *c, enum ox_opcode op, ox_heaptype ht)
{
    bool nullable = op == OXO_REF_TEST_NULL || op == OXO_REF_CAST_NULL;
    ox_valtype t = T_UNKNOWN;
    if (!pop_castable(c, ht, &t))
        return false;
    uint32_t h = c->nvs, at = loc_of(c, h);
    if (op == OXO_REF_TEST || op == OXO_REF_TEST_NULL) {
        if (!emitted(c, EMIT_VALUE(c, OXI_REF_TEST, slot_of(c, h), at, ht, nullable)))
            return false;
        return push(c, OX_I32);
    }
    if (!emitted(c, EMIT(c, OXI_REF_CAST, at, ht, nullable)))
        return false;
    return push_at(c, ox_ref_make(ht, nullable), at);
}

/* br_on_cast l rt1 rt2 (or _fail): flags, then the two heap types. */
static bool br_on_cast(cc *c, enum ox_opcode op)
{
    uint8_t flags = 0;
    uint32_t l = 0;
    ox_heaptype h1 = 0, h2 = 0;
    ctl *f;
    if (!oxc_rd_byte(c, &flags) || !oxc_rd_u32(c, &l) || !oxc_rd_heaptype(c, &h1) ||
        !oxc_rd_heaptype(c, &h2))
        return false;
    if (flags > 3)
        return oxc_malformed(c, "malformed br_on_cast flags");
    ox_valtype rt1 = ox_ref_make(h1, flags & 1), rt2 = ox_ref_make(h2, flags & 2);
    if (!oxc_get_label(c, l, &f))
        return false;
    if (!ox_vt_sub(c->m, rt2, rt1))
        return oxc_invalid(c, "type mismatch");
    bool fail = op == OXO_BR_ON_CAST_FAIL;
    /* rt1 minus rt2: what is left when the cast fails */
    ox_valtype diff = ox_ref_make(h1, (flags & 1) && !(flags & 2));
    ox_valtype branch = fail ? diff : rt2, fall = fail ? rt2 : diff;
    uint32_t n = oxc_label_arity(c, f);
    if (n == 0 || !ox_vt_sub(c->m, branch, oxc_label_type(c, f, n - 1)))
        return oxc_invalid(c, "type mismatch");
    if (!pop_expect(c, rt1))
        return false;
    uint32_t h = c->nvs, ref = loc_of(c, h);
    for (uint32_t k = n - 1; k-- > 0;)
        if (!pop_expect(c, oxc_label_type(c, f, k)))
            return false;
    if (!live(c)) {
        for (uint32_t k = 0; k + 1 < n; k++)
            if (!push(c, oxc_label_type(c, f, k)))
                return false;
        return push(c, fall);
    }
    c->nvs = h;
    if (!push_at(c, branch, ref))
        return false;
    oxc_retype_label(c, f);
    /* the op branches on the cast's failure when its last word is 1 */
    uint32_t taken[5] = {ref, 0, h2, (flags & 2) != 0, fail}, skip[5] = {ref, 0, h2, (flags & 2) != 0, !fail};
    if (!oxc_branch_when(c, f, OXI_BR_ON_CAST, taken, OXI_BR_ON_CAST, skip, 5, 1))
        return false;
    c->vs[c->nvs - 1] = fall;
    return true;
}

/* ---- the rest ---------------------------------------------------------------- */

static bool convert(cc *c, bool to_any)
{
    ox_valtype t = T_UNKNOWN;
    if (!pop(c, &t))
        return false;
    ox_heaptype from = to_any ? OX_HT_EXTERN : OX_HT_ANY;
    if (t != T_UNKNOWN && (!ox_is_reftype(t) || !ox_vt_sub(c->m, t, ox_ref_make(from, true))))
        return oxc_invalid(c, "type mismatch");
    bool nullable = t == T_UNKNOWN || ox_ref_nullable(t);
    uint32_t h = c->nvs;
    uint32_t insn = EMIT_VALUE(c, to_any ? OXI_ANY_CONVERT_EXTERN : OXI_EXTERN_CONVERT_ANY,
                               slot_of(c, h), loc_of(c, h));
    if (!emitted(c, insn) || !oxc_stackmap(c, h + 1))
        return false;
    return push(c, ox_ref_make(to_any ? OX_HT_ANY : OX_HT_EXTERN, nullable));
}

bool oxc_op_gc(cc *c, enum ox_opcode op, const oxc_imm *im)
{
    uint32_t h;
    switch (op) {
    case OXO_STRUCT_NEW: return struct_new(c, im->a, false);
    case OXO_STRUCT_NEW_DEFAULT: return struct_new(c, im->a, true);
    case OXO_STRUCT_GET: case OXO_STRUCT_GET_S: case OXO_STRUCT_GET_U:
        return struct_get(c, im->a, im->b, op);
    case OXO_STRUCT_SET: return struct_set(c, im->a, im->b);
    case OXO_ARRAY_NEW: case OXO_ARRAY_NEW_DEFAULT: case OXO_ARRAY_NEW_FIXED:
    case OXO_ARRAY_NEW_DATA: case OXO_ARRAY_NEW_ELEM:
        return array_new(c, im->a, op, im->b);
    case OXO_ARRAY_GET: case OXO_ARRAY_GET_S: case OXO_ARRAY_GET_U: case OXO_ARRAY_SET:
    case OXO_ARRAY_FILL:
        return array_access(c, im->a, op);
    case OXO_ARRAY_COPY: case OXO_ARRAY_INIT_DATA: case OXO_ARRAY_INIT_ELEM:
        return array_bulk(c, op, im->a, im->b);
    case OXO_ARRAY_LEN:
        if (!pop_expect(c, OX_ARRAYREF))
            return false;
        h = c->nvs;
        return emitted(c, EMIT_VALUE(c, OXI_ARRAY_LEN, slot_of(c, h), loc_of(c, h))) &&
               push(c, OX_I32);
    case OXO_REF_TEST: case OXO_REF_TEST_NULL: case OXO_REF_CAST: case OXO_REF_CAST_NULL:
        return ref_test_cast(c, op, (ox_heaptype)im->a);
    case OXO_BR_ON_CAST: case OXO_BR_ON_CAST_FAIL:
        return br_on_cast(c, op);
    case OXO_ANY_CONVERT_EXTERN: return convert(c, true);
    case OXO_EXTERN_CONVERT_ANY: return convert(c, false);
    case OXO_REF_I31:
        if (!pop_expect(c, OX_I32))
            return false;
        h = c->nvs;
        return emitted(c, EMIT_VALUE(c, OXI_REF_I31, slot_of(c, h), loc_of(c, h))) &&
               push(c, OX_I31REF | OX_REF_NONNULL);
    case OXO_I31_GET_S: case OXO_I31_GET_U:
        if (!pop_expect(c, OX_I31REF))
            return false;
        h = c->nvs;
        return emitted(c, EMIT_VALUE(c, op == OXO_I31_GET_S ? OXI_I31_GET_S : OXI_I31_GET_U,
                                     slot_of(c, h), loc_of(c, h))) &&
               push(c, OX_I32);
    default: /* ref.eq */
        if (!pop_expect(c, OX_EQREF) || !pop_expect(c, OX_EQREF))
            return false;
        h = c->nvs;
        return emitted(c, EMIT_VALUE(c, OXI_REF_EQ, slot_of(c, h), loc_of(c, h), loc_of(c, h + 1))) &&
               push(c, OX_I32);
    }
}
