/*
 * test_opcodes.c — the instruction table (src/wasm/opcodes.h) is
 * consistent: every line is found by its own encoding, no two lines share
 * one, mnemonics are unique except the two forms of select, and the
 * immediates and types of a few lines of each shape are as the spec says;
 * and the disassembler (disasm.c) names every internal op of code.h.
 */
#include <string.h>

#include "code.h"
#include "opcodes.h"
#include "module.h"
#include "test.h"

int main(void)
{
    unsigned found = 0;
    for (unsigned op = 0; op < OXO_COUNT_; op++) {
        const ox_opinfo *oi = ox_opinfo_of((enum ox_opcode)op);
        CHECK(oi != NULL);
        if (!oi)
            continue;
        /* found again by its encoding, as itself */
        CHECK_EQ(oi->op, op);
        CHECK(ox_opinfo_get(oi->prefix, oi->code) == oi);
        CHECK(oi->prefix == 0x00 || ox_is_prefix(oi->prefix));
        for (unsigned k = 0; k < op; k++) {
            const ox_opinfo *o2 = ox_opinfo_of((enum ox_opcode)k);
            /* one mnemonic, two encodings: select (typed or not), and
               ref.test/ref.cast (the nullable target's opcode is the next) */
            if (o2 && strcmp(o2->name, oi->name) == 0)
                CHECK(strcmp(oi->name, "select") == 0 || strcmp(oi->name, "ref.test") == 0 ||
                      strcmp(oi->name, "ref.cast") == 0);
        }
        found++;
    }
    CHECK_EQ(found, OXO_COUNT_);
    /* every encoding the lookup knows belongs to a line */
    unsigned known = 0;
    for (unsigned b = 0; b < 256; b++)
        known += ox_opinfo_get(0x00, b) != NULL;
    for (unsigned b = 0; b < 512; b++)
        known += (ox_opinfo_get(0xFB, b) != NULL) + (ox_opinfo_get(0xFC, b) != NULL) +
                 (ox_opinfo_get(0xFD, b) != NULL);
    CHECK_EQ(known, OXO_COUNT_);

    /* the 2.0 instruction set: 183 one-byte opcodes, 18 after 0xFC, 236
       after 0xFD (SIMD); and of 3.0 so far, the two tail calls (one-byte) */
    unsigned one = 0, fb = 0, fc = 0, fd = 0;
    for (unsigned b = 0; b < 256; b++)
        one += ox_opinfo_get(0x00, b) != NULL;
    for (unsigned b = 0; b < 512; b++) {
        fb += ox_opinfo_get(0xFB, b) != NULL;
        fc += ox_opinfo_get(0xFC, b) != NULL;
        fd += ox_opinfo_get(0xFD, b) != NULL;
    }
    /* and tail calls, throw, throw_ref, try_table, the five legacy
       exception instructions, the five of typed function references, ref.eq
       (3.0); GC's 31 after 0xFB */
    CHECK_EQ(one, 183 + 2 + 3 + 5 + 5 + 1);
    CHECK_EQ(fb, 31);
    for (unsigned b = 0x06; b <= 0x19; b += b == 0x09 ? 0x0F : b == 0x07 ? 2 : 1)
        CHECK(ox_opinfo_get(0x00, b) != NULL); /* try catch rethrow delegate catch_all */
    CHECK(ox_opinfo_get(0x00, 0x08) && ox_opinfo_get(0x00, 0x0A) && ox_opinfo_get(0x00, 0x1F));
    CHECK(ox_opinfo_get(0x00, 0x12) && ox_opinfo_get(0x00, 0x13)); /* return_call, return_call_indirect */
    CHECK_EQ(fc, 18);
    CHECK_EQ(fd, 236 + 20); /* and relaxed SIMD (3.0) */
    CHECK(ox_opinfo_get(0x00, 0xFC) == NULL); /* a prefix, not an instruction */
    CHECK(ox_opinfo_get(0x00, 0x16) == NULL);
    CHECK(ox_opinfo_get(0x00, 0x14) && ox_opinfo_get(0x00, 0xD6)); /* call_ref, br_on_non_null */
    CHECK(ox_opinfo_get(0xFC, 18) == NULL);

    const ox_opinfo *oi = ox_opinfo_get(0x00, 0x6A);
    CHECK(oi && strcmp(oi->name, "i32.add") == 0 && oi->shape == OX_SHAPE_BIN &&
          oi->ta == OX_I32 && oi->tr == OX_I32 && oi->imm == OX_IMM_NONE);
    oi = ox_opinfo_get(0x00, 0xA7);
    CHECK(oi && strcmp(oi->name, "i32.wrap_i64") == 0 && oi->shape == OX_SHAPE_UN &&
          oi->ta == OX_I64 && oi->tr == OX_I32);
    oi = ox_opinfo_get(0x00, 0x31);
    CHECK(oi && strcmp(oi->name, "i64.load8_u") == 0 && oi->shape == OX_SHAPE_LOAD &&
          oi->tr == OX_I64 && oi->align == 0 && oi->imm == OX_IMM_MEMARG);
    oi = ox_opinfo_get(0x00, 0x39);
    CHECK(oi && strcmp(oi->name, "f64.store") == 0 && oi->shape == OX_SHAPE_STORE &&
          oi->ta == OX_F64 && oi->align == 3);
    oi = ox_opinfo_get(0xFC, 7);
    CHECK(oi && strcmp(oi->name, "i64.trunc_sat_f64_u") == 0 && oi->ta == OX_F64 &&
          oi->tr == OX_I64);
    oi = ox_opinfo_get(0xFC, 12);
    CHECK(oi && strcmp(oi->name, "table.init") == 0 && oi->imm == OX_IMM_ELEM_TABLE);
    oi = ox_opinfo_get(0x00, 0x11);
    CHECK(oi && strcmp(oi->name, "call_indirect") == 0 && oi->imm == OX_IMM_CALL_INDIRECT);
    oi = ox_opinfo_get(0xFD, 12);
    CHECK(oi && strcmp(oi->name, "v128.const") == 0 && oi->imm == OX_IMM_V128);
    oi = ox_opinfo_get(0xFD, 0x6E);
    CHECK(oi && strcmp(oi->name, "i8x16.add") == 0 && oi->shape == OX_SHAPE_BIN &&
          oi->ta == OX_V128 && oi->tr == OX_V128);
    oi = ox_opinfo_get(0xFD, 0x15);
    CHECK(oi && strcmp(oi->name, "i8x16.extract_lane_s") == 0 && oi->imm == OX_IMM_LANE &&
          oi->shape == OX_SHAPE_EXTRACT && oi->lanes == 16 && oi->tr == OX_I32);
    oi = ox_opinfo_get(0xFD, 0x57);
    CHECK(oi && strcmp(oi->name, "v128.load64_lane") == 0 && oi->imm == OX_IMM_MEMARG_LANE &&
          oi->align == 3 && oi->lanes == 2);
    oi = ox_opinfo_get(0xFD, 0x00);
    CHECK(oi && strcmp(oi->name, "v128.load") == 0 && oi->align == 4 &&
          oi->shape == OX_SHAPE_LOAD && oi->tr == OX_V128);
    oi = ox_opinfo_get(0xFD, 0xAB);
    CHECK(oi && strcmp(oi->name, "i32x4.shl") == 0 && oi->shape == OX_SHAPE_SHIFT);
    CHECK(ox_opinfo_get(0xFD, 0x9A) == NULL); /* a gap in the SIMD opcodes */
    /* the disassembler knows every internal op: a name and its operands */
    for (unsigned op = 0; op < OXI_COUNT_; op++) {
        const char *n = ox_code_op_name(op), *k = ox_code_op_operands(op);
        CHECK(n != NULL && k != NULL);
        if (!n || !k)
            fprintf(stderr, "internal op %u lacks a name or operand list\n", op);
    }
    CHECK(strcmp(ox_code_op_name(OXI_I32_ADD), "i32.add") == 0);
    CHECK(strcmp(ox_code_op_operands(OXI_I32_ADD), "dss") == 0);
    CHECK(strcmp(ox_code_op_name(OXI_BR_ADD_I32_NE), "BR_ADD_I32_NE") == 0);
    CHECK(ox_code_op_name(OXI_COUNT_) == NULL);
    return test_summary("opcodes");
}
