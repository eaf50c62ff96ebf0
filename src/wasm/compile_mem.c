/*
 * compile_mem.c — compiling the memory and table instructions: loads and
 * stores, memory.size/grow, the bulk instructions, table.get/set and the
 * indexes of call_indirect.
 *
 * 64-bit memories and tables (memory64, table64) take i64 addresses and
 * indexes. No memory is larger than 2^32 bytes and no table longer than
 * UINT32_MAX - 1 entries (memory.c, table.c), so the interpreter's 32-bit
 * paths serve them too: an access's i64 address plus offset becomes one
 * 32-bit address checked against 2^32 (ADDR64), a table's i64 index or
 * length is saturated to 32 bits (INDEX64), and the bulk memory ops and
 * the two grows read i64 operands where their `wide` word says (code.h).
 * A 32-bit memory's or table's code is unchanged.
 */
#include "compile_stack.h"

bool oxc_need_memory(cc *c)
{
    if (c->mem >= c->m->nmems)
        return oxc_unknown(c, "memory", c->mem);
    return true;
}

/* Whether memory k or table k is 64-bit (memory64, table64) and the
   type of its addresses or indexes. */
static bool mem64(cc *c, uint32_t k) { return c->m->mems[k].is64; }
static bool table64(cc *c, uint32_t k) { return c->m->tables[k].limits.is64; }
static ox_valtype addr_type(bool is64) { return is64 ? OX_I64 : OX_I32; }

/* A memarg [align, offset] of an access whose natural alignment is 2^natural:
   the offset (a u64) must fit the memory's address type. */
static bool check_memarg(cc *c, const oxc_imm *im, unsigned natural)
{
    if (!oxc_need_memory(c))
        return false;
    if (im->a > natural)
        return oxc_invalid(c, "alignment must not be larger than natural");
    if (!mem64(c, c->mem) && im->v > UINT32_MAX)
        return oxc_invalid(c, "offset out of range");
    return true;
}

static bool check_table(cc *c, uint32_t t)
{
    return t < c->m->ntables || oxc_unknown(c, "table", t);
}

/* After the emit of an instruction reading the value at height h, which
   it has just rewritten in h's own stack slot: the value lives there now. */
static void relocate(cc *c, uint32_t h)
{
    if (live(c))
        c->loc[h] = slot_of(c, h);
}

/* The address of an access to a 64-bit memory, the i64 at height h plus
   the memarg's offset, becomes one 32-bit address checked against 2^32
   (ADDR64, code.h) in h's own slot; the access proper reads it with offset
   0. A 32-bit memory's access is left alone. */
static bool wide_address(cc *c, uint32_t h, oxc_imm *im)
{
    if (!mem64(c, c->mem))
        return true;
    uint32_t w[4] = {slot_of(c, h), loc_of(c, h), (uint32_t)im->v, (uint32_t)(im->v >> 32)};
    if (!emitted(c, emit(c, OXI_ADDR64, 4, w)))
        return false;
    relocate(c, h);
    im->b = 0;
    return true;
}

/* A 64-bit table's index or length at height h becomes a 32-bit one in h's
   own slot, saturated at UINT32_MAX (INDEX64, code.h): no table is that
   large, so an out-of-range index still traps. */
static bool narrow_index(cc *c, uint32_t h, bool is64)
{
    if (!is64)
        return true;
    if (!emitted(c, EMIT(c, OXI_INDEX64, slot_of(c, h), loc_of(c, h))))
        return false;
    relocate(c, h);
    return true;
}

bool oxc_check_elem(cc *c, uint32_t e)
{
    return e < c->m->nelems || oxc_unknown(c, "elem segment", e);
}

bool oxc_check_data(cc *c, uint32_t d)
{
    /* Without a data count section a body using data indices cannot be
       validated in one pass: the binary format makes that malformed (spec
       5.5.16). An index no segment has is invalid either way, and the
       text-format tests expect that reason. */
    if (!c->m->has_datacount)
        return d < c->m->ndatas ? oxc_malformed(c, "data count section required")
                                : oxc_unknown(c, "data segment", d);
    if (d >= c->m->datacount)
        return oxc_unknown(c, "data segment", d);
    return true;
}

/* Pop three operands of types t[0..3) (the last on top); return the
   height of the lowest. */
static bool pop3(cc *c, ox_valtype t0, ox_valtype t1, ox_valtype t2, uint32_t *first)
{
    if (!pop_expect(c, t2) || !pop_expect(c, t1) || !pop_expect(c, t0))
        return false;
    *first = c->nvs;
    return true;
}

/* Bulk memory and table instructions (0xFC 8..17). */
static bool op_bulk(cc *c, enum ox_opcode op, const oxc_imm *im)
{
    uint32_t s;
    switch (op) {
    case OXO_MEMORY_INIT: { /* dataidx 0x00: [d:at s:i32 n:i32] */
        if (!oxc_need_memory(c) || !oxc_check_data(c, im->a))
            return false;
        bool w = mem64(c, c->mem);
        if (!pop3(c, addr_type(w), OX_I32, OX_I32, &s))
            return false;
        return emitted(c, EMIT(c, OXI_MEMORY_INIT, im->a, loc_of(c, s), loc_of(c, s + 1),
                               loc_of(c, s + 2), w ? 2u : 0u));
    }
    case OXO_DATA_DROP:
        return oxc_check_data(c, im->a) && emitted(c, EMIT(c, OXI_DATA_DROP, im->a));
    case OXO_MEMORY_COPY: { /* [d:at_d s:at_s n:the narrower] */
        uint32_t dst = im->mem;
        c->mem = im->mem2;
        if (!oxc_need_memory(c))
            return false;
        c->mem = dst;
        if (!oxc_need_memory(c))
            return false;
        bool wd = mem64(c, im->mem), ws = mem64(c, im->mem2);
        if (!pop3(c, addr_type(wd), addr_type(ws), addr_type(wd && ws), &s))
            return false;
        uint32_t wide = (wd ? 1u : 0u) | (ws ? 2u : 0u) | (wd && ws ? 4u : 0u);
        if (im->mem != im->mem2) /* between two memories */
            return emitted(c, EMIT(c, OXI_MEMORY_COPY_M, loc_of(c, s), loc_of(c, s + 1),
                                   loc_of(c, s + 2), im->mem, im->mem2, wide));
        return emitted(c, EMIT(c, OXI_MEMORY_COPY, loc_of(c, s), loc_of(c, s + 1),
                               loc_of(c, s + 2), wide));
    }
    case OXO_MEMORY_FILL: { /* [d:at val:i32 n:at] */
        if (!oxc_need_memory(c))
            return false;
        bool w = mem64(c, c->mem);
        if (!pop3(c, addr_type(w), OX_I32, addr_type(w), &s))
            return false;
        return emitted(c, EMIT(c, OXI_MEMORY_FILL, loc_of(c, s), loc_of(c, s + 1),
                               loc_of(c, s + 2), w ? 5u : 0u));
    }
    case OXO_TABLE_INIT: { /* elemidx tableidx; the table checked first, as the reference does */
        if (!check_table(c, im->b) || !oxc_check_elem(c, im->a))
            return false;
        if (!ox_vt_sub(c->m, c->m->elems[im->a].type, c->m->tables[im->b].elem))
            return oxc_invalid(c, "type mismatch");
        bool w = table64(c, im->b);
        if (!pop3(c, addr_type(w), OX_I32, OX_I32, &s) || !narrow_index(c, s, w))
            return false;
        return emitted(c, EMIT(c, OXI_TABLE_INIT, im->b, im->a, loc_of(c, s), loc_of(c, s + 1),
                               loc_of(c, s + 2)));
    }
    case OXO_ELEM_DROP:
        return oxc_check_elem(c, im->a) && emitted(c, EMIT(c, OXI_ELEM_DROP, im->a));
    case OXO_TABLE_COPY: { /* dst src: [d:at_d s:at_s n:the narrower] */
        if (!check_table(c, im->a) || !check_table(c, im->b))
            return false;
        if (!ox_vt_sub(c->m, c->m->tables[im->b].elem, c->m->tables[im->a].elem))
            return oxc_invalid(c, "type mismatch");
        bool wd = table64(c, im->a), ws = table64(c, im->b);
        if (!pop3(c, addr_type(wd), addr_type(ws), addr_type(wd && ws), &s) ||
            !narrow_index(c, s, wd) || !narrow_index(c, s + 1, ws) ||
            !narrow_index(c, s + 2, wd && ws))
            return false;
        return emitted(c, EMIT(c, OXI_TABLE_COPY, im->a, im->b, loc_of(c, s), loc_of(c, s + 1),
                               loc_of(c, s + 2)));
    }
    case OXO_TABLE_GROW: { /* init n -> old size */
        if (!check_table(c, im->a))
            return false;
        bool w = table64(c, im->a);
        if (!pop_expect(c, addr_type(w)) || !pop_expect(c, c->m->tables[im->a].elem))
            return false;
        s = c->nvs;
        if (!emitted(c, EMIT(c, OXI_TABLE_GROW, slot_of(c, s), loc_of(c, s), loc_of(c, s + 1),
                             im->a, w)))
            return false;
        return push(c, addr_type(w));
    }
    case OXO_TABLE_SIZE:
        if (!check_table(c, im->a) ||
            !emitted(c, EMIT(c, OXI_TABLE_SIZE, slot_of(c, c->nvs), im->a)))
            return false;
        return push(c, addr_type(table64(c, im->a)));
    case OXO_TABLE_FILL: { /* [i:at val n:at] */
        if (!check_table(c, im->a))
            return false;
        bool w = table64(c, im->a);
        if (!pop3(c, addr_type(w), c->m->tables[im->a].elem, addr_type(w), &s) ||
            !narrow_index(c, s, w) || !narrow_index(c, s + 2, w))
            return false;
        return emitted(c, EMIT(c, OXI_TABLE_FILL, im->a, loc_of(c, s), loc_of(c, s + 1),
                               loc_of(c, s + 2)));
    }
    default:
        return oxc_malformed(c, "illegal opcode");
    }
}

bool oxc_memory_access(cc *c, const ox_opinfo *oi, enum ox_iop iop, oxc_imm *im)
{
    ox_valtype at = addr_type(c->mem < c->m->nmems && mem64(c, c->mem));
    uint32_t h;
    switch (oi->shape) {
    case OX_SHAPE_LOAD: /* [dst, addr, offset] */
        if (!check_memarg(c, im, oi->align) || !pop_expect(c, at))
            return false;
        h = c->nvs;
        if (!wide_address(c, h, im) ||
            !emitted(c, EMIT_VALUE(c, iop, slot_of(c, h), loc_of(c, h), im->b)))
            return false;
        return push(c, oi->tr);
    case OX_SHAPE_STORE: /* [addr, value, offset] */
        if (!check_memarg(c, im, oi->align) || !pop_expect(c, oi->ta) || !pop_expect(c, at))
            return false;
        h = c->nvs;
        return wide_address(c, h, im) &&
               emitted(c, EMIT(c, iop, loc_of(c, h), loc_of(c, h + 1), im->b));
    case OX_SHAPE_LOAD_LANE: /* [dst, addr, v, offset, lane] */
    case OX_SHAPE_STORE_LANE: /* [addr, v, offset, lane] */
        if (!check_memarg(c, im, oi->align) || !pop_expect(c, OX_V128) || !pop_expect(c, at))
            return false;
        h = c->nvs;
        if (!wide_address(c, h, im))
            return false;
        if (oi->shape == OX_SHAPE_STORE_LANE)
            return emitted(c, EMIT(c, iop, loc_of(c, h), loc_of(c, h + 1), im->b, im->lane));
        if (!emitted(c, EMIT_VALUE(c, iop, slot_of(c, h), loc_of(c, h), loc_of(c, h + 1), im->b,
                                   im->lane)))
            return false;
        return push(c, OX_V128);
    default:
        return oxc_malformed(c, "illegal opcode");
    }
}

bool oxc_table_memory(cc *c, enum ox_opcode op, const oxc_imm *im)
{
    switch (op) {
    case OXO_TABLE_GET: {
        if (!check_table(c, im->a) || !pop_expect(c, addr_type(table64(c, im->a))) ||
            !narrow_index(c, c->nvs, table64(c, im->a)))
            return false;
        uint32_t h = c->nvs;
        if (!emitted(c, EMIT(c, OXI_TABLE_GET, slot_of(c, h), loc_of(c, h), im->a)))
            return false;
        return push(c, c->m->tables[im->a].elem);
    }
    case OXO_TABLE_SET: {
        if (!check_table(c, im->a) || !pop_expect(c, c->m->tables[im->a].elem) ||
            !pop_expect(c, addr_type(table64(c, im->a))) ||
            !narrow_index(c, c->nvs, table64(c, im->a)))
            return false;
        uint32_t h = c->nvs;
        return emitted(c, EMIT(c, OXI_TABLE_SET, im->a, loc_of(c, h), loc_of(c, h + 1)));
    }
    case OXO_MEMORY_SIZE:
        if (!oxc_need_memory(c) || !emitted(c, EMIT(c, OXI_MEMORY_SIZE, slot_of(c, c->nvs))))
            return false;
        return push(c, addr_type(mem64(c, c->mem)));
    case OXO_MEMORY_GROW: {
        if (!oxc_need_memory(c) || !pop_expect(c, addr_type(mem64(c, c->mem))))
            return false;
        uint32_t h = c->nvs;
        if (!emitted(c, EMIT(c, OXI_MEMORY_GROW, slot_of(c, h), loc_of(c, h), mem64(c, c->mem))))
            return false;
        return push(c, addr_type(mem64(c, c->mem)));
    }
    default:
        return op_bulk(c, op, im);
    }
}

bool oxc_call_index(cc *c, uint32_t table)
{
    bool w = table64(c, table);
    return pop_expect(c, addr_type(w)) && narrow_index(c, c->nvs, w);
}
