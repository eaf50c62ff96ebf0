/*
 * opcodes.h — the table of WebAssembly instructions (internal).
 *
 * Every instruction the engine knows is one line here: its name (NAME, as
 * OXO_NAME in enum ox_opcode), its mnemonic in the text format, its
 * encoding (prefix byte, 0x00 for none, then the opcode or sub-opcode),
 * what follows it (its immediates) and its type effect. The lines are
 * grouped by shape, one X-macro list per shape, so that each shape's
 * lines carry what its consumers need:
 *
 *   - the numeric and memory groups carry their operand and result types
 *     (the validator's type effect) and their semantics (a C expression,
 *     a helper, or a memory C type), from which interp.c makes a handler
 *     per line;
 *   - OX_INSTR_OTHER lists the rest (control, variables, references,
 *     tables, bulk memory) with their immediates: their typing is written
 *     out in compile.c, their handlers in interp.c.
 *
 * opcodes.c turns the lists into lookup tables (ox_opinfo_get): the
 * decoder, the validator/compiler, the constant-pool scan and the
 * disassemblers all read instructions through them. Adding an instruction
 * is a line in its group plus its semantics (docs/engine.md says how).
 *
 * In the expressions, `a` and `b` are the operands read from their slots
 * with the C type of their WebAssembly type (I32/I64/F32/F64 map to
 * uint32_t, uint64_t, float, double: integers unsigned so wrap-around is
 * defined, signed operations cast explicitly). Helpers named ox_* come
 * from numeric.h (exact IEEE-754 and integer semantics), oxn_* from
 * code_num.h.
 */
#ifndef OX_OPCODES_H
#define OX_OPCODES_H

#include <stdint.h>

/* What follows an opcode in the binary format. */
enum ox_imm {
    OX_IMM_NONE,
    OX_IMM_BLOCK,         /* blocktype */
    OX_IMM_LABEL,         /* labelidx */
    OX_IMM_BR_TABLE,      /* vec(labelidx) labelidx */
    OX_IMM_FUNC,          /* funcidx */
    OX_IMM_CALL_INDIRECT, /* typeidx tableidx */
    OX_IMM_SELECT_T,      /* vec(valtype) */
    OX_IMM_LOCAL,         /* localidx */
    OX_IMM_GLOBAL,        /* globalidx */
    OX_IMM_TABLE,         /* tableidx */
    OX_IMM_MEMARG,        /* align offset */
    OX_IMM_MEM,           /* a 0x00 byte (memory 0) */
    OX_IMM_MEM_MEM,       /* two 0x00 bytes */
    OX_IMM_I32,           /* signed LEB128, 32 bits */
    OX_IMM_I64,           /* signed LEB128, 64 bits */
    OX_IMM_F32,           /* 4 bytes, little-endian */
    OX_IMM_F64,           /* 8 bytes, little-endian */
    OX_IMM_V128,          /* 16 bytes, little-endian */
    OX_IMM_REFTYPE,       /* reftype byte */
    OX_IMM_DATA,          /* dataidx */
    OX_IMM_DATA_MEM,      /* dataidx 0x00 */
    OX_IMM_ELEM,          /* elemidx */
    OX_IMM_ELEM_TABLE,    /* elemidx tableidx */
    OX_IMM_TABLE_TABLE,   /* tableidx tableidx */
    OX_IMM_LANE,          /* a lane index byte */
    OX_IMM_MEMARG_LANE,   /* memarg, then a lane index byte */
    OX_IMM_SHUFFLE,       /* 16 lane index bytes */
    OX_IMM_TAG,           /* tagidx */
    OX_IMM_TRY_TABLE,     /* blocktype vec(catch): read by the instruction */
    OX_IMM_TYPE,          /* typeidx */
    OX_IMM_TYPE_FIELD,    /* typeidx fieldidx (struct.get/set) */
    OX_IMM_TYPE_N,        /* typeidx u32 (array.new_fixed) */
    OX_IMM_TYPE_DATA,     /* typeidx dataidx */
    OX_IMM_TYPE_ELEM,     /* typeidx elemidx */
    OX_IMM_TYPE_TYPE,     /* typeidx typeidx (array.copy) */
    OX_IMM_HEAP,          /* a heap type (ref.test, ref.cast) */
    OX_IMM_BR_ON_CAST,    /* flags labelidx heaptype heaptype */
};

/* How an instruction is typed and compiled. */
enum ox_shape {
    OX_SHAPE_OTHER,       /* typed by hand in compile.c */
    OX_SHAPE_BIN,         /* [ta ta] -> [tr] */
    OX_SHAPE_UN,          /* [ta] -> [tr] */
    OX_SHAPE_LOAD,        /* [i32] -> [tr] */
    OX_SHAPE_STORE,       /* [i32 ta] -> [] */
    OX_SHAPE_SHIFT,       /* [ta i32] -> [tr] */
    OX_SHAPE_TERN,        /* [ta ta ta] -> [tr] */
    OX_SHAPE_EXTRACT,     /* [v128] -> [tr], a lane index */
    OX_SHAPE_REPLACE,     /* [v128 ta] -> [v128], a lane index */
    OX_SHAPE_LOAD_LANE,   /* [i32 v128] -> [v128], memarg and a lane index */
    OX_SHAPE_STORE_LANE,  /* [i32 v128] -> [], memarg and a lane index */
};

/* Everything else: X(NAME, text, prefix, opcode, immediate). */
#define OX_INSTR_OTHER(X) \
    X(UNREACHABLE, "unreachable", 0x00, 0x00, NONE) \
    X(NOP, "nop", 0x00, 0x01, NONE) \
    X(BLOCK, "block", 0x00, 0x02, BLOCK) \
    X(LOOP, "loop", 0x00, 0x03, BLOCK) \
    X(IF, "if", 0x00, 0x04, BLOCK) \
    X(ELSE, "else", 0x00, 0x05, NONE) \
    X(TRY, "try", 0x00, 0x06, BLOCK) \
    X(CATCH, "catch", 0x00, 0x07, TAG) \
    X(THROW, "throw", 0x00, 0x08, TAG) \
    X(RETHROW, "rethrow", 0x00, 0x09, LABEL) \
    X(THROW_REF, "throw_ref", 0x00, 0x0A, NONE) \
    X(DELEGATE, "delegate", 0x00, 0x18, LABEL) \
    X(CATCH_ALL, "catch_all", 0x00, 0x19, NONE) \
    X(TRY_TABLE, "try_table", 0x00, 0x1F, TRY_TABLE) \
    X(END, "end", 0x00, 0x0B, NONE) \
    X(BR, "br", 0x00, 0x0C, LABEL) \
    X(BR_IF, "br_if", 0x00, 0x0D, LABEL) \
    X(BR_TABLE, "br_table", 0x00, 0x0E, BR_TABLE) \
    X(RETURN, "return", 0x00, 0x0F, NONE) \
    X(CALL, "call", 0x00, 0x10, FUNC) \
    X(CALL_INDIRECT, "call_indirect", 0x00, 0x11, CALL_INDIRECT) \
    X(RETURN_CALL, "return_call", 0x00, 0x12, FUNC) \
    X(RETURN_CALL_INDIRECT, "return_call_indirect", 0x00, 0x13, CALL_INDIRECT) \
    X(CALL_REF, "call_ref", 0x00, 0x14, TYPE) \
    X(RETURN_CALL_REF, "return_call_ref", 0x00, 0x15, TYPE) \
    X(DROP, "drop", 0x00, 0x1A, NONE) \
    X(SELECT, "select", 0x00, 0x1B, NONE) \
    X(SELECT_T, "select", 0x00, 0x1C, SELECT_T) \
    X(LOCAL_GET, "local.get", 0x00, 0x20, LOCAL) \
    X(LOCAL_SET, "local.set", 0x00, 0x21, LOCAL) \
    X(LOCAL_TEE, "local.tee", 0x00, 0x22, LOCAL) \
    X(GLOBAL_GET, "global.get", 0x00, 0x23, GLOBAL) \
    X(GLOBAL_SET, "global.set", 0x00, 0x24, GLOBAL) \
    X(TABLE_GET, "table.get", 0x00, 0x25, TABLE) \
    X(TABLE_SET, "table.set", 0x00, 0x26, TABLE) \
    X(MEMORY_SIZE, "memory.size", 0x00, 0x3F, MEM) \
    X(MEMORY_GROW, "memory.grow", 0x00, 0x40, MEM) \
    X(I32_CONST, "i32.const", 0x00, 0x41, I32) \
    X(I64_CONST, "i64.const", 0x00, 0x42, I64) \
    X(F32_CONST, "f32.const", 0x00, 0x43, F32) \
    X(F64_CONST, "f64.const", 0x00, 0x44, F64) \
    X(REF_NULL, "ref.null", 0x00, 0xD0, REFTYPE) \
    X(REF_IS_NULL, "ref.is_null", 0x00, 0xD1, NONE) \
    X(REF_FUNC, "ref.func", 0x00, 0xD2, FUNC) \
    X(REF_EQ, "ref.eq", 0x00, 0xD3, NONE) \
    X(REF_AS_NON_NULL, "ref.as_non_null", 0x00, 0xD4, NONE) \
    X(BR_ON_NULL, "br_on_null", 0x00, 0xD5, LABEL) \
    X(BR_ON_NON_NULL, "br_on_non_null", 0x00, 0xD6, LABEL) \
    X(MEMORY_INIT, "memory.init", 0xFC, 0x08, DATA_MEM) \
    X(DATA_DROP, "data.drop", 0xFC, 0x09, DATA) \
    X(MEMORY_COPY, "memory.copy", 0xFC, 0x0A, MEM_MEM) \
    X(MEMORY_FILL, "memory.fill", 0xFC, 0x0B, MEM) \
    X(TABLE_INIT, "table.init", 0xFC, 0x0C, ELEM_TABLE) \
    X(ELEM_DROP, "elem.drop", 0xFC, 0x0D, ELEM) \
    X(TABLE_COPY, "table.copy", 0xFC, 0x0E, TABLE_TABLE) \
    X(TABLE_GROW, "table.grow", 0xFC, 0x0F, TABLE) \
    X(TABLE_SIZE, "table.size", 0xFC, 0x10, TABLE) \
    X(TABLE_FILL, "table.fill", 0xFC, 0x11, TABLE) \
    X(V128_CONST, "v128.const", 0xFD, 0x0C, V128) \
    X(I8X16_SHUFFLE, "i8x16.shuffle", 0xFD, 0x0D, SHUFFLE) \
    X(STRUCT_NEW, "struct.new", 0xFB, 0, TYPE) \
    X(STRUCT_NEW_DEFAULT, "struct.new_default", 0xFB, 1, TYPE) \
    X(STRUCT_GET, "struct.get", 0xFB, 2, TYPE_FIELD) \
    X(STRUCT_GET_S, "struct.get_s", 0xFB, 3, TYPE_FIELD) \
    X(STRUCT_GET_U, "struct.get_u", 0xFB, 4, TYPE_FIELD) \
    X(STRUCT_SET, "struct.set", 0xFB, 5, TYPE_FIELD) \
    X(ARRAY_NEW, "array.new", 0xFB, 6, TYPE) \
    X(ARRAY_NEW_DEFAULT, "array.new_default", 0xFB, 7, TYPE) \
    X(ARRAY_NEW_FIXED, "array.new_fixed", 0xFB, 8, TYPE_N) \
    X(ARRAY_NEW_DATA, "array.new_data", 0xFB, 9, TYPE_DATA) \
    X(ARRAY_NEW_ELEM, "array.new_elem", 0xFB, 10, TYPE_ELEM) \
    X(ARRAY_GET, "array.get", 0xFB, 11, TYPE) \
    X(ARRAY_GET_S, "array.get_s", 0xFB, 12, TYPE) \
    X(ARRAY_GET_U, "array.get_u", 0xFB, 13, TYPE) \
    X(ARRAY_SET, "array.set", 0xFB, 14, TYPE) \
    X(ARRAY_LEN, "array.len", 0xFB, 15, NONE) \
    X(ARRAY_FILL, "array.fill", 0xFB, 16, TYPE) \
    X(ARRAY_COPY, "array.copy", 0xFB, 17, TYPE_TYPE) \
    X(ARRAY_INIT_DATA, "array.init_data", 0xFB, 18, TYPE_DATA) \
    X(ARRAY_INIT_ELEM, "array.init_elem", 0xFB, 19, TYPE_ELEM) \
    X(REF_TEST, "ref.test", 0xFB, 20, HEAP) \
    X(REF_TEST_NULL, "ref.test", 0xFB, 21, HEAP) \
    X(REF_CAST, "ref.cast", 0xFB, 22, HEAP) \
    X(REF_CAST_NULL, "ref.cast", 0xFB, 23, HEAP) \
    X(BR_ON_CAST, "br_on_cast", 0xFB, 24, BR_ON_CAST) \
    X(BR_ON_CAST_FAIL, "br_on_cast_fail", 0xFB, 25, BR_ON_CAST) \
    X(ANY_CONVERT_EXTERN, "any.convert_extern", 0xFB, 26, NONE) \
    X(EXTERN_CONVERT_ANY, "extern.convert_any", 0xFB, 27, NONE) \
    X(REF_I31, "ref.i31", 0xFB, 28, NONE) \
    X(I31_GET_S, "i31.get_s", 0xFB, 29, NONE) \
    X(I31_GET_U, "i31.get_u", 0xFB, 30, NONE)

/* Binary operators that cannot trap: X(NAME, text, prefix, opcode, operand type,
   result type, expr). */
#define OX_BINOPS(X) \
    X(I32_EQ, "i32.eq", 0x00, 0x46, I32, I32, a == b) \
    X(I32_NE, "i32.ne", 0x00, 0x47, I32, I32, a != b) \
    X(I32_LT_S, "i32.lt_s", 0x00, 0x48, I32, I32, (int32_t)a < (int32_t)b) \
    X(I32_LT_U, "i32.lt_u", 0x00, 0x49, I32, I32, a < b) \
    X(I32_GT_S, "i32.gt_s", 0x00, 0x4A, I32, I32, (int32_t)a > (int32_t)b) \
    X(I32_GT_U, "i32.gt_u", 0x00, 0x4B, I32, I32, a > b) \
    X(I32_LE_S, "i32.le_s", 0x00, 0x4C, I32, I32, (int32_t)a <= (int32_t)b) \
    X(I32_LE_U, "i32.le_u", 0x00, 0x4D, I32, I32, a <= b) \
    X(I32_GE_S, "i32.ge_s", 0x00, 0x4E, I32, I32, (int32_t)a >= (int32_t)b) \
    X(I32_GE_U, "i32.ge_u", 0x00, 0x4F, I32, I32, a >= b) \
    X(I64_EQ, "i64.eq", 0x00, 0x51, I64, I32, a == b) \
    X(I64_NE, "i64.ne", 0x00, 0x52, I64, I32, a != b) \
    X(I64_LT_S, "i64.lt_s", 0x00, 0x53, I64, I32, (int64_t)a < (int64_t)b) \
    X(I64_LT_U, "i64.lt_u", 0x00, 0x54, I64, I32, a < b) \
    X(I64_GT_S, "i64.gt_s", 0x00, 0x55, I64, I32, (int64_t)a > (int64_t)b) \
    X(I64_GT_U, "i64.gt_u", 0x00, 0x56, I64, I32, a > b) \
    X(I64_LE_S, "i64.le_s", 0x00, 0x57, I64, I32, (int64_t)a <= (int64_t)b) \
    X(I64_LE_U, "i64.le_u", 0x00, 0x58, I64, I32, a <= b) \
    X(I64_GE_S, "i64.ge_s", 0x00, 0x59, I64, I32, (int64_t)a >= (int64_t)b) \
    X(I64_GE_U, "i64.ge_u", 0x00, 0x5A, I64, I32, a >= b) \
    X(F32_EQ, "f32.eq", 0x00, 0x5B, F32, I32, a == b) \
    X(F32_NE, "f32.ne", 0x00, 0x5C, F32, I32, a != b) \
    X(F32_LT, "f32.lt", 0x00, 0x5D, F32, I32, a < b) \
    X(F32_GT, "f32.gt", 0x00, 0x5E, F32, I32, a > b) \
    X(F32_LE, "f32.le", 0x00, 0x5F, F32, I32, a <= b) \
    X(F32_GE, "f32.ge", 0x00, 0x60, F32, I32, a >= b) \
    X(F64_EQ, "f64.eq", 0x00, 0x61, F64, I32, a == b) \
    X(F64_NE, "f64.ne", 0x00, 0x62, F64, I32, a != b) \
    X(F64_LT, "f64.lt", 0x00, 0x63, F64, I32, a < b) \
    X(F64_GT, "f64.gt", 0x00, 0x64, F64, I32, a > b) \
    X(F64_LE, "f64.le", 0x00, 0x65, F64, I32, a <= b) \
    X(F64_GE, "f64.ge", 0x00, 0x66, F64, I32, a >= b) \
    X(I32_ADD, "i32.add", 0x00, 0x6A, I32, I32, a + b) \
    X(I32_SUB, "i32.sub", 0x00, 0x6B, I32, I32, a - b) \
    X(I32_MUL, "i32.mul", 0x00, 0x6C, I32, I32, a * b) \
    X(I32_AND, "i32.and", 0x00, 0x71, I32, I32, a & b) \
    X(I32_OR, "i32.or", 0x00, 0x72, I32, I32, a | b) \
    X(I32_XOR, "i32.xor", 0x00, 0x73, I32, I32, a ^ b) \
    X(I32_SHL, "i32.shl", 0x00, 0x74, I32, I32, a << (b & 31)) \
    X(I32_SHR_S, "i32.shr_s", 0x00, 0x75, I32, I32, oxn_shr_s32(a, b)) \
    X(I32_SHR_U, "i32.shr_u", 0x00, 0x76, I32, I32, a >> (b & 31)) \
    X(I32_ROTL, "i32.rotl", 0x00, 0x77, I32, I32, ox_rotl32(a, b)) \
    X(I32_ROTR, "i32.rotr", 0x00, 0x78, I32, I32, ox_rotr32(a, b)) \
    X(I64_ADD, "i64.add", 0x00, 0x7C, I64, I64, a + b) \
    X(I64_SUB, "i64.sub", 0x00, 0x7D, I64, I64, a - b) \
    X(I64_MUL, "i64.mul", 0x00, 0x7E, I64, I64, a * b) \
    X(I64_AND, "i64.and", 0x00, 0x83, I64, I64, a & b) \
    X(I64_OR, "i64.or", 0x00, 0x84, I64, I64, a | b) \
    X(I64_XOR, "i64.xor", 0x00, 0x85, I64, I64, a ^ b) \
    X(I64_SHL, "i64.shl", 0x00, 0x86, I64, I64, a << (b & 63)) \
    X(I64_SHR_S, "i64.shr_s", 0x00, 0x87, I64, I64, oxn_shr_s64(a, b)) \
    X(I64_SHR_U, "i64.shr_u", 0x00, 0x88, I64, I64, a >> (b & 63)) \
    X(I64_ROTL, "i64.rotl", 0x00, 0x89, I64, I64, ox_rotl64(a, b)) \
    X(I64_ROTR, "i64.rotr", 0x00, 0x8A, I64, I64, ox_rotr64(a, b)) \
    X(F32_ADD, "f32.add", 0x00, 0x92, F32, F32, a + b) \
    X(F32_SUB, "f32.sub", 0x00, 0x93, F32, F32, a - b) \
    X(F32_MUL, "f32.mul", 0x00, 0x94, F32, F32, a * b) \
    X(F32_DIV, "f32.div", 0x00, 0x95, F32, F32, a / b) \
    X(F32_MIN, "f32.min", 0x00, 0x96, F32, F32, ox_f32_min(a, b)) \
    X(F32_MAX, "f32.max", 0x00, 0x97, F32, F32, ox_f32_max(a, b)) \
    X(F32_COPYSIGN, "f32.copysign", 0x00, 0x98, F32, F32, ox_f32_copysign(a, b)) \
    X(F64_ADD, "f64.add", 0x00, 0xA0, F64, F64, a + b) \
    X(F64_SUB, "f64.sub", 0x00, 0xA1, F64, F64, a - b) \
    X(F64_MUL, "f64.mul", 0x00, 0xA2, F64, F64, a * b) \
    X(F64_DIV, "f64.div", 0x00, 0xA3, F64, F64, a / b) \
    X(F64_MIN, "f64.min", 0x00, 0xA4, F64, F64, ox_f64_min(a, b)) \
    X(F64_MAX, "f64.max", 0x00, 0xA5, F64, F64, ox_f64_max(a, b)) \
    X(F64_COPYSIGN, "f64.copysign", 0x00, 0xA6, F64, F64, ox_f64_copysign(a, b))

/* Binary operators that trap (division): handlers are written out in
   interp.c. X(NAME, text, prefix, opcode, operand type, result type). */
#define OX_TRAP_BINOPS(X) \
    X(I32_DIV_S, "i32.div_s", 0x00, 0x6D, I32, I32) \
    X(I32_DIV_U, "i32.div_u", 0x00, 0x6E, I32, I32) \
    X(I32_REM_S, "i32.rem_s", 0x00, 0x6F, I32, I32) \
    X(I32_REM_U, "i32.rem_u", 0x00, 0x70, I32, I32) \
    X(I64_DIV_S, "i64.div_s", 0x00, 0x7F, I64, I64) \
    X(I64_DIV_U, "i64.div_u", 0x00, 0x80, I64, I64) \
    X(I64_REM_S, "i64.rem_s", 0x00, 0x81, I64, I64) \
    X(I64_REM_U, "i64.rem_u", 0x00, 0x82, I64, I64)

/* Unary operators that cannot trap: X(NAME, text, prefix, opcode, operand type,
   result type, expr). */
#define OX_UNOPS(X) \
    X(I32_EQZ, "i32.eqz", 0x00, 0x45, I32, I32, a == 0) \
    X(I64_EQZ, "i64.eqz", 0x00, 0x50, I64, I32, a == 0) \
    X(I32_CLZ, "i32.clz", 0x00, 0x67, I32, I32, ox_clz32(a)) \
    X(I32_CTZ, "i32.ctz", 0x00, 0x68, I32, I32, ox_ctz32(a)) \
    X(I32_POPCNT, "i32.popcnt", 0x00, 0x69, I32, I32, ox_popcnt32(a)) \
    X(I64_CLZ, "i64.clz", 0x00, 0x79, I64, I64, ox_clz64(a)) \
    X(I64_CTZ, "i64.ctz", 0x00, 0x7A, I64, I64, ox_ctz64(a)) \
    X(I64_POPCNT, "i64.popcnt", 0x00, 0x7B, I64, I64, ox_popcnt64(a)) \
    X(F32_ABS, "f32.abs", 0x00, 0x8B, F32, F32, ox_f32_abs(a)) \
    X(F32_NEG, "f32.neg", 0x00, 0x8C, F32, F32, ox_f32_neg(a)) \
    X(F32_CEIL, "f32.ceil", 0x00, 0x8D, F32, F32, oxn_ceil32(a)) \
    X(F32_FLOOR, "f32.floor", 0x00, 0x8E, F32, F32, oxn_floor32(a)) \
    X(F32_TRUNC, "f32.trunc", 0x00, 0x8F, F32, F32, oxn_trunc32(a)) \
    X(F32_NEAREST, "f32.nearest", 0x00, 0x90, F32, F32, oxn_nearest32(a)) \
    X(F32_SQRT, "f32.sqrt", 0x00, 0x91, F32, F32, sqrtf(a)) \
    X(F64_ABS, "f64.abs", 0x00, 0x99, F64, F64, ox_f64_abs(a)) \
    X(F64_NEG, "f64.neg", 0x00, 0x9A, F64, F64, ox_f64_neg(a)) \
    X(F64_CEIL, "f64.ceil", 0x00, 0x9B, F64, F64, oxn_ceil64(a)) \
    X(F64_FLOOR, "f64.floor", 0x00, 0x9C, F64, F64, oxn_floor64(a)) \
    X(F64_TRUNC, "f64.trunc", 0x00, 0x9D, F64, F64, oxn_trunc64(a)) \
    X(F64_NEAREST, "f64.nearest", 0x00, 0x9E, F64, F64, oxn_nearest64(a)) \
    X(F64_SQRT, "f64.sqrt", 0x00, 0x9F, F64, F64, sqrt(a)) \
    X(I32_WRAP_I64, "i32.wrap_i64", 0x00, 0xA7, I64, I32, (uint32_t)a) \
    X(F32_CONVERT_I32_S, "f32.convert_i32_s", 0x00, 0xB2, I32, F32, ox_f32_convert_i32_s((int32_t)a)) \
    X(F32_CONVERT_I32_U, "f32.convert_i32_u", 0x00, 0xB3, I32, F32, ox_f32_convert_i32_u(a)) \
    X(F32_CONVERT_I64_S, "f32.convert_i64_s", 0x00, 0xB4, I64, F32, ox_f32_convert_i64_s((int64_t)a)) \
    X(F32_CONVERT_I64_U, "f32.convert_i64_u", 0x00, 0xB5, I64, F32, ox_f32_convert_i64_u(a)) \
    X(F32_DEMOTE_F64, "f32.demote_f64", 0x00, 0xB6, F64, F32, (float)a) \
    X(F64_CONVERT_I32_S, "f64.convert_i32_s", 0x00, 0xB7, I32, F64, ox_f64_convert_i32_s((int32_t)a)) \
    X(F64_CONVERT_I32_U, "f64.convert_i32_u", 0x00, 0xB8, I32, F64, ox_f64_convert_i32_u(a)) \
    X(F64_CONVERT_I64_S, "f64.convert_i64_s", 0x00, 0xB9, I64, F64, ox_f64_convert_i64_s((int64_t)a)) \
    X(F64_CONVERT_I64_U, "f64.convert_i64_u", 0x00, 0xBA, I64, F64, ox_f64_convert_i64_u(a)) \
    X(F64_PROMOTE_F32, "f64.promote_f32", 0x00, 0xBB, F32, F64, (double)a) \
    X(I32_REINTERPRET_F32, "i32.reinterpret_f32", 0x00, 0xBC, F32, I32, ox_f32_bits(a)) \
    X(I64_REINTERPRET_F64, "i64.reinterpret_f64", 0x00, 0xBD, F64, I64, ox_f64_bits(a)) \
    X(F32_REINTERPRET_I32, "f32.reinterpret_i32", 0x00, 0xBE, I32, F32, ox_f32_from_bits(a)) \
    X(F64_REINTERPRET_I64, "f64.reinterpret_i64", 0x00, 0xBF, I64, F64, ox_f64_from_bits(a)) \
    X(I64_EXTEND_I32_S, "i64.extend_i32_s", 0x00, 0xAC, I32, I64, (uint64_t)(int64_t)(int32_t)a) \
    X(I64_EXTEND_I32_U, "i64.extend_i32_u", 0x00, 0xAD, I32, I64, (uint64_t)a) \
    X(I32_EXTEND8_S, "i32.extend8_s", 0x00, 0xC0, I32, I32, (uint32_t)(int32_t)(int8_t)(uint8_t)a) \
    X(I32_EXTEND16_S, "i32.extend16_s", 0x00, 0xC1, I32, I32, (uint32_t)(int32_t)(int16_t)(uint16_t)a) \
    X(I64_EXTEND8_S, "i64.extend8_s", 0x00, 0xC2, I64, I64, (uint64_t)(int64_t)(int8_t)(uint8_t)a) \
    X(I64_EXTEND16_S, "i64.extend16_s", 0x00, 0xC3, I64, I64, (uint64_t)(int64_t)(int16_t)(uint16_t)a) \
    X(I64_EXTEND32_S, "i64.extend32_s", 0x00, 0xC4, I64, I64, (uint64_t)(int64_t)(int32_t)(uint32_t)a)

/* Trapping float→int truncations (0xA8..0xB1): X(NAME, text, prefix, opcode,
   from, to, numeric.h helper, the helper's result C type). The helper returns
   OX_TRAP_NONE or the trap kind and stores the result. */
#define OX_TRUNC_OPS(X) \
    X(I32_TRUNC_F32_S, "i32.trunc_f32_s", 0x00, 0xA8, F32, I32, ox_trunc_i32_f32_s, int32_t) \
    X(I32_TRUNC_F32_U, "i32.trunc_f32_u", 0x00, 0xA9, F32, I32, ox_trunc_i32_f32_u, uint32_t) \
    X(I32_TRUNC_F64_S, "i32.trunc_f64_s", 0x00, 0xAA, F64, I32, ox_trunc_i32_f64_s, int32_t) \
    X(I32_TRUNC_F64_U, "i32.trunc_f64_u", 0x00, 0xAB, F64, I32, ox_trunc_i32_f64_u, uint32_t) \
    X(I64_TRUNC_F32_S, "i64.trunc_f32_s", 0x00, 0xAE, F32, I64, ox_trunc_i64_f32_s, int64_t) \
    X(I64_TRUNC_F32_U, "i64.trunc_f32_u", 0x00, 0xAF, F32, I64, ox_trunc_i64_f32_u, uint64_t) \
    X(I64_TRUNC_F64_S, "i64.trunc_f64_s", 0x00, 0xB0, F64, I64, ox_trunc_i64_f64_s, int64_t) \
    X(I64_TRUNC_F64_U, "i64.trunc_f64_u", 0x00, 0xB1, F64, I64, ox_trunc_i64_f64_u, uint64_t)

/* Saturating truncations, 0xFC-prefixed: X(NAME, text, prefix, subopcode, from,
   to, expr). */
#define OX_SAT_OPS(X) \
    X(I32_TRUNC_SAT_F32_S, "i32.trunc_sat_f32_s", 0xFC, 0x00, F32, I32, (uint32_t)ox_trunc_sat_i32_f32_s(a)) \
    X(I32_TRUNC_SAT_F32_U, "i32.trunc_sat_f32_u", 0xFC, 0x01, F32, I32, ox_trunc_sat_i32_f32_u(a)) \
    X(I32_TRUNC_SAT_F64_S, "i32.trunc_sat_f64_s", 0xFC, 0x02, F64, I32, (uint32_t)ox_trunc_sat_i32_f64_s(a)) \
    X(I32_TRUNC_SAT_F64_U, "i32.trunc_sat_f64_u", 0xFC, 0x03, F64, I32, ox_trunc_sat_i32_f64_u(a)) \
    X(I64_TRUNC_SAT_F32_S, "i64.trunc_sat_f32_s", 0xFC, 0x04, F32, I64, (uint64_t)ox_trunc_sat_i64_f32_s(a)) \
    X(I64_TRUNC_SAT_F32_U, "i64.trunc_sat_f32_u", 0xFC, 0x05, F32, I64, ox_trunc_sat_i64_f32_u(a)) \
    X(I64_TRUNC_SAT_F64_S, "i64.trunc_sat_f64_s", 0xFC, 0x06, F64, I64, (uint64_t)ox_trunc_sat_i64_f64_s(a)) \
    X(I64_TRUNC_SAT_F64_U, "i64.trunc_sat_f64_u", 0xFC, 0x07, F64, I64, ox_trunc_sat_i64_f64_u(a))

/* Loads (immediate: memarg): X(NAME, text, prefix, opcode, result type,
   natural alignment (log2), memory C type, conversion of the loaded value
   `v` to the slot's C type). */
#define OX_LOAD_OPS(X) \
    X(I32_LOAD, "i32.load", 0x00, 0x28, I32, 2, uint32_t, v) \
    X(I64_LOAD, "i64.load", 0x00, 0x29, I64, 3, uint64_t, v) \
    X(F32_LOAD, "f32.load", 0x00, 0x2A, F32, 2, float, v) \
    X(F64_LOAD, "f64.load", 0x00, 0x2B, F64, 3, double, v) \
    X(I32_LOAD8_S, "i32.load8_s", 0x00, 0x2C, I32, 0, int8_t, (uint32_t)(int32_t)v) \
    X(I32_LOAD8_U, "i32.load8_u", 0x00, 0x2D, I32, 0, uint8_t, (uint32_t)v) \
    X(I32_LOAD16_S, "i32.load16_s", 0x00, 0x2E, I32, 1, int16_t, (uint32_t)(int32_t)v) \
    X(I32_LOAD16_U, "i32.load16_u", 0x00, 0x2F, I32, 1, uint16_t, (uint32_t)v) \
    X(I64_LOAD8_S, "i64.load8_s", 0x00, 0x30, I64, 0, int8_t, (uint64_t)(int64_t)v) \
    X(I64_LOAD8_U, "i64.load8_u", 0x00, 0x31, I64, 0, uint8_t, (uint64_t)v) \
    X(I64_LOAD16_S, "i64.load16_s", 0x00, 0x32, I64, 1, int16_t, (uint64_t)(int64_t)v) \
    X(I64_LOAD16_U, "i64.load16_u", 0x00, 0x33, I64, 1, uint16_t, (uint64_t)v) \
    X(I64_LOAD32_S, "i64.load32_s", 0x00, 0x34, I64, 2, int32_t, (uint64_t)(int64_t)v) \
    X(I64_LOAD32_U, "i64.load32_u", 0x00, 0x35, I64, 2, uint32_t, (uint64_t)v)

/* Stores (immediate: memarg): X(NAME, text, prefix, opcode, operand type,
   natural alignment (log2), memory C type). */
#define OX_STORE_OPS(X) \
    X(I32_STORE, "i32.store", 0x00, 0x36, I32, 2, uint32_t) \
    X(I64_STORE, "i64.store", 0x00, 0x37, I64, 3, uint64_t) \
    X(F32_STORE, "f32.store", 0x00, 0x38, F32, 2, float) \
    X(F64_STORE, "f64.store", 0x00, 0x39, F64, 3, double) \
    X(I32_STORE8, "i32.store8", 0x00, 0x3A, I32, 0, uint8_t) \
    X(I32_STORE16, "i32.store16", 0x00, 0x3B, I32, 1, uint16_t) \
    X(I64_STORE8, "i64.store8", 0x00, 0x3C, I64, 0, uint8_t) \
    X(I64_STORE16, "i64.store16", 0x00, 0x3D, I64, 1, uint16_t) \
    X(I64_STORE32, "i64.store32", 0x00, 0x3E, I64, 2, uint32_t)


/* OX_IF_PREFIX(want, pfx, ...) keeps its arguments only when pfx (a
   line's prefix column) is `want`, 00, FB, FC or FD: for tables of one prefix
   built from OX_INSTR_OTHER, which holds lines of both. */
#define OX_IF_PREFIX(want, pfx, ...) OX_IF_##want##_##pfx(__VA_ARGS__)
#define OX_IF_00_0x00(...) __VA_ARGS__
#define OX_IF_00_0xFB(...)
#define OX_IF_00_0xFC(...)
#define OX_IF_00_0xFD(...)
#define OX_IF_FB_0x00(...)
#define OX_IF_FB_0xFB(...) __VA_ARGS__
#define OX_IF_FB_0xFC(...)
#define OX_IF_FB_0xFD(...)
#define OX_IF_FC_0x00(...)
#define OX_IF_FC_0xFB(...)
#define OX_IF_FC_0xFC(...) __VA_ARGS__
#define OX_IF_FC_0xFD(...)
#define OX_IF_FD_0x00(...)
#define OX_IF_FD_0xFB(...)
#define OX_IF_FD_0xFC(...)
#define OX_IF_FD_0xFD(...) __VA_ARGS__

#include "opcodes_simd.h"

/* Every instruction, in the order of the groups above. */
enum ox_opcode {
#define OX_O(name, ...) OXO_##name,
    OX_INSTR_OTHER(OX_O) OX_BINOPS(OX_O) OX_TRAP_BINOPS(OX_O) OX_UNOPS(OX_O)
    OX_TRUNC_OPS(OX_O) OX_SAT_OPS(OX_O) OX_LOAD_OPS(OX_O) OX_STORE_OPS(OX_O)
    OX_SIMD_ALL(OX_O)
#undef OX_O
    OXO_COUNT_
};

/* One instruction's line, as the lookup tables hold it. */
typedef struct ox_opinfo {
    const char *name;     /* mnemonic in the text format; NULL: no such opcode */
    uint16_t op;          /* enum ox_opcode */
    uint8_t prefix;       /* 0x00, or the prefix byte (0xFC, 0xFD) */
    uint8_t imm;          /* enum ox_imm */
    uint8_t shape;        /* enum ox_shape */
    uint8_t ta, tr;       /* numeric shapes: operand and result value types */
    uint8_t align;        /* loads and stores: natural alignment, log2 */
    uint8_t lanes;        /* lane immediates: the lane count (the index is below) */
    uint32_t code;        /* opcode, or sub-opcode after the prefix */
} ox_opinfo;

/* opcodes.c: the instruction with this encoding, or NULL when there is
   none (an illegal opcode). `prefix` is 0x00 for one-byte opcodes. */
const ox_opinfo *ox_opinfo_get(uint8_t prefix, uint32_t code);
/* The line of OXO_* `op` (any value below OXO_COUNT_). */
const ox_opinfo *ox_opinfo_of(enum ox_opcode op);
/* Whether `byte` starts a prefixed instruction. */
static inline int ox_is_prefix(uint8_t byte) { return byte >= 0xFB && byte <= 0xFD; }
/* The one-byte instructions, indexed by opcode (name NULL for none, and
   for the prefix bytes): the compiler's hot path reads this directly. */
extern const ox_opinfo ox_op_byte[256];

#endif
