/*
 * opcodes.c — the instruction table (opcodes.h) as lookup tables, by
 * encoding and by OXO_* number.
 */
#include <stddef.h>

#include "module.h"
#include "opcodes.h"

/* One ox_opinfo per group line; [code] places it in its prefix's table.
   Fields: text, op, prefix, immediate, shape, ta, tr, align, lanes, code. */
#define OX_OTHER(name, txt, pfx, code, imm) \
    [code] = {txt, OXO_##name, pfx, OX_IMM_##imm, OX_SHAPE_OTHER, 0, 0, 0, 0, code},
#define OX_BIN(name, txt, pfx, code, ta, tr, ...) \
    [code] = {txt, OXO_##name, pfx, OX_IMM_NONE, OX_SHAPE_BIN, OX_##ta, OX_##tr, 0, 0, code},
#define OX_UN(name, txt, pfx, code, ta, tr, ...) \
    [code] = {txt, OXO_##name, pfx, OX_IMM_NONE, OX_SHAPE_UN, OX_##ta, OX_##tr, 0, 0, code},
#define OX_LOAD(name, txt, pfx, code, t, al, ...) \
    [code] = {txt, OXO_##name, pfx, OX_IMM_MEMARG, OX_SHAPE_LOAD, OX_I32, OX_##t, al, 0, code},
#define OX_STORE(name, txt, pfx, code, t, al, ...) \
    [code] = {txt, OXO_##name, pfx, OX_IMM_MEMARG, OX_SHAPE_STORE, OX_##t, 0, al, 0, code},
/* The SIMD groups (opcodes_simd.h). */
#define OX_VBIN(name, txt, pfx, code, ...) OX_BIN(name, txt, pfx, code, V128, V128)
#define OX_VUN(name, txt, pfx, code, ...) OX_UN(name, txt, pfx, code, V128, V128)
#define OX_VSHIFT(name, txt, pfx, code, ...) \
    [code] = {txt, OXO_##name, pfx, OX_IMM_NONE, OX_SHAPE_SHIFT, OX_V128, OX_V128, 0, 0, code},
#define OX_VTERN(name, txt, pfx, code, ...) \
    [code] = {txt, OXO_##name, pfx, OX_IMM_NONE, OX_SHAPE_TERN, OX_V128, OX_V128, 0, 0, code},
#define OX_VEXTRACT(name, txt, pfx, code, t, f, n, ...) \
    [code] = {txt, OXO_##name, pfx, OX_IMM_LANE, OX_SHAPE_EXTRACT, OX_V128, OX_##t, 0, n, code},
#define OX_VREPLACE(name, txt, pfx, code, t, f, n) \
    [code] = {txt, OXO_##name, pfx, OX_IMM_LANE, OX_SHAPE_REPLACE, OX_##t, OX_V128, 0, n, code},
#define OX_VLOAD(name, txt, pfx, code, al, ...) OX_LOAD(name, txt, pfx, code, V128, al)
#define OX_VSTORE(name, txt, pfx, code, al) OX_STORE(name, txt, pfx, code, V128, al)
#define OX_VLDLANE(name, txt, pfx, code, al, f, n) \
    [code] = {txt, OXO_##name, pfx, OX_IMM_MEMARG_LANE, OX_SHAPE_LOAD_LANE, OX_I32, OX_V128, al, n, code},
#define OX_VSTLANE(name, txt, pfx, code, al, f, n) \
    [code] = {txt, OXO_##name, pfx, OX_IMM_MEMARG_LANE, OX_SHAPE_STORE_LANE, OX_I32, 0, al, n, code},
/* Only the lines of one prefix go into each table. */
#define OX_OTHER_00(name, txt, pfx, code, imm) OX_IF_PREFIX(00, pfx, OX_OTHER(name, txt, pfx, code, imm))
#define OX_OTHER_FB(name, txt, pfx, code, imm) OX_IF_PREFIX(FB, pfx, OX_OTHER(name, txt, pfx, code, imm))
#define OX_OTHER_FC(name, txt, pfx, code, imm) OX_IF_PREFIX(FC, pfx, OX_OTHER(name, txt, pfx, code, imm))
#define OX_OTHER_FD(name, txt, pfx, code, imm) OX_IF_PREFIX(FD, pfx, OX_OTHER(name, txt, pfx, code, imm))

const ox_opinfo ox_op_byte[256] = {
    OX_INSTR_OTHER(OX_OTHER_00)
    OX_BINOPS(OX_BIN) OX_TRAP_BINOPS(OX_BIN) OX_UNOPS(OX_UN) OX_TRUNC_OPS(OX_UN)
    OX_LOAD_OPS(OX_LOAD) OX_STORE_OPS(OX_STORE)
};

static const ox_opinfo op_fb[] = {
    OX_INSTR_OTHER(OX_OTHER_FB)
};

static const ox_opinfo op_fc[] = {
    OX_INSTR_OTHER(OX_OTHER_FC)
    OX_SAT_OPS(OX_UN)
};

static const ox_opinfo op_fd[] = {
    OX_INSTR_OTHER(OX_OTHER_FD)
    OX_V128_LANE_BINOPS(OX_VBIN) OX_V128_BINOPS(OX_VBIN) OX_V128_LANE_UNOPS(OX_VUN)
    OX_V128_UNOPS(OX_UN) OX_V128_SHIFTS(OX_VSHIFT) OX_V128_TERNOPS(OX_VTERN)
    OX_V128_EXTRACT(OX_VEXTRACT) OX_V128_REPLACE(OX_VREPLACE) OX_V128_LOAD_OPS(OX_VLOAD)
    OX_V128_STORE_OPS(OX_VSTORE) OX_V128_LANE_LOADS(OX_VLDLANE) OX_V128_LANE_STORES(OX_VSTLANE)
};

/* By OXO_* number: the index of each line in its prefix's table. */
static const struct { uint8_t prefix; uint16_t code; } where[OXO_COUNT_] = {
#define OX_W(name, txt, pfx, code, ...) [OXO_##name] = {pfx, code},
    OX_INSTR_OTHER(OX_W) OX_BINOPS(OX_W) OX_TRAP_BINOPS(OX_W) OX_UNOPS(OX_W)
    OX_TRUNC_OPS(OX_W) OX_SAT_OPS(OX_W) OX_LOAD_OPS(OX_W) OX_STORE_OPS(OX_W)
    OX_SIMD_ALL(OX_W)
#undef OX_W
};

const ox_opinfo *ox_opinfo_get(uint8_t prefix, uint32_t code)
{
    const ox_opinfo *oi = NULL;
    if (prefix == 0x00 && code < 256)
        oi = &ox_op_byte[code];
    else if (prefix == 0xFB && code < sizeof op_fb / sizeof op_fb[0])
        oi = &op_fb[code];
    else if (prefix == 0xFC && code < sizeof op_fc / sizeof op_fc[0])
        oi = &op_fc[code];
    else if (prefix == 0xFD && code < sizeof op_fd / sizeof op_fd[0])
        oi = &op_fd[code];
    return oi && oi->name ? oi : NULL;
}

const ox_opinfo *ox_opinfo_of(enum ox_opcode op)
{
    return ox_opinfo_get(where[op].prefix, where[op].code);
}
