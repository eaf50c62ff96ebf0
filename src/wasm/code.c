/*
 * code.c — the internal code's ops described (code.h): each op's name and
 * the layout of its operand words. The interpreter threads compiled code
 * with it (its walk needs each instruction's length) and the disassembler
 * prints with it.
 */
#include <stddef.h>

#include "code.h"

/* Each op's operand words, one letter per word: d a slot written, s a slot
   read, i an immediate, o a branch offset, b the base slot of a call's
   frame. The letters follow the word lists in code.h and interp.c. */
#define K_BRCMP(name, ...) K(name, "sso")
#define K_BRADD(name, ...) K(name, "dssso")
#define K_BIN(name, ...) K(name, "dss")
#define K_UN(name, ...) K(name, "ds")
#define K_LD(name, ...) K(name, "dsi") K(name##_IX, "dssi") K(name##_SX, "dsssi")
#define K_ST(name, ...) K(name, "ssi") K(name##_IX, "sssi") K(name##_SX, "ssssi")
#define K_CH(f, g, t) K(CH_##f##_##g##_L, "dsss") K(CH_##f##_##g##_R, "dsss")
#define K_LM(ld, op, t) \
    K(LM_##ld##_##op##_L, "dssi") K(LM_##ld##_##op##_R, "dssi") \
    K(LMX_##ld##_##op##_L, "dsssi") K(LMX_##ld##_##op##_R, "dsssi") \
    K(LMS_##ld##_##op##_L, "sssii") K(LMS_##ld##_##op##_R, "sssii")
#define K_SM(op, st, t) K(SM_##op##_##st, "sssi")
#define K_LB(ld) \
    K(LB_##ld##_NZ, "dsio") K(LB_##ld##_Z, "dsio") K(LB_##ld##_IX_NZ, "dssio") \
    K(LB_##ld##_IX_Z, "dssio")
#define K_LC1(ld, cond, e) K(LC_##ld##_##cond, "dsiso")
#define K_LC(ld) OX_I32_CONDS(K_LC1, ld)
#define K_SA(st, t) K(SA_##st, "ssi") K(SA_##st##_IX, "sssi")
#define K_A(name, t, cond) K(A_##name, "dss")
#define K_SAL1(st, name) K(SAL_##st##_##name, "ssi")
#define K_SAL_I32_STORE8(name, t, cond) K_SAL1(I32_STORE8, name)
#define K_SAL_I32_STORE(name, t, cond) K_SAL1(I32_STORE, name)
#define K_SAL_I64_STORE(name, t, cond) K_SAL1(I64_STORE, name)
#define K_SAL(st, t) OX_BRADD_OPS(K_SAL_##st)
#define K_TERN(name, ...) K(name, "dsss")
#define K_EXTRACT(name, ...) K(name, "dsi")
#define K_REPLACE(name, ...) K(name, "dssi")
#define K_VLD(name, ...) K(name, "dsi")
#define K_VST(name, ...) K(name, "ssi")
#define K_LDLANE(name, ...) K(name, "dssii")
#define K_STLANE(name, ...) K(name, "ssii")
#define OX_CODE_OPERANDS \
    K(UNREACHABLE, "") K(LOOP, "i") K(BR, "o") K(BR_IF, "so") K(BR_UNLESS, "so") K(BR_I64_NZ, "so") \
    K(BR_I64_Z, "so") K(BR_TABLE, "si") K(RETURN, "") K(RETURN1, "s") K(CALL, "ib") \
    K(CALL_INDIRECT, "iibs") K(RETURN_CALL, "ib") K(RETURN_CALL_INDIRECT, "iibs") K(MEM_SELECT, "i") K(THROW, "ib") K(THROW_REF, "s") K(RETHROW, "s") K(ADDR64, "dsii") K(INDEX64, "ds") \
    K(MEMORY_COPY_M, "sssiii") K(COPY, "ds") K(COPY2, "dsds") \
    K(MOVE1, "ssii") K(MOVE2, "ssii") K(MOVE4, "ssii") K(MOVE8, "ssii") \
    K(MOVE1_IX, "sssii") K(MOVE2_IX, "sssii") K(MOVE4_IX, "sssii") K(MOVE8_IX, "sssii") \
    K(ADD2, "dss") K(ADD_COPY, "dss") K(SUB_COPY, "dss") \
    K(CONST32, "di") K(CONST64, "dii") K(SELECT, "dsss") K(GLOBAL_GET, "di") \
    K(GLOBAL_SET, "si") K(MEMORY_SIZE, "d") K(MEMORY_GROW, "dsi") K(MEMORY_INIT, "isssi") \
    K(DATA_DROP, "i") K(MEMORY_COPY, "sssi") K(MEMORY_FILL, "sssi") K(TABLE_GET, "dsi") \
    K(TABLE_SET, "iss") K(TABLE_SIZE, "di") K(TABLE_GROW, "dssii") K(TABLE_FILL, "isss") \
    K(TABLE_COPY, "iisss") K(TABLE_INIT, "iisss") K(ELEM_DROP, "i") K(REF_IS_NULL, "ds") K(CALL_REF, "bs") K(RETURN_CALL_REF, "bs") K(BR_NULL, "so") K(BR_NONNULL, "so") K(REF_AS_NON_NULL, "s") \
    K(STRUCT_NEW, "diii") K(STRUCT_GET, "dsi") K(STRUCT_GET2, "dsi") K(STRUCT_GET_S8, "dsi") \
    K(STRUCT_GET_U8, "dsi") K(STRUCT_GET_S16, "dsi") K(STRUCT_GET_U16, "dsi") K(STRUCT_SET, "ssi") \
    K(STRUCT_SET2, "ssi") K(ARRAY_NEW, "diss") K(ARRAY_NEW_FIXED, "diii") K(ARRAY_NEW_DATA, "diiss") \
    K(ARRAY_NEW_ELEM, "diiss") K(ARRAY_GET, "dssi") K(ARRAY_SET, "sss") K(ARRAY_LEN, "ds") \
    K(ARRAY_FILL, "ssss") K(ARRAY_COPY, "sssss") K(ARRAY_INIT_DATA, "sisss") K(ARRAY_INIT_ELEM, "sisss") \
    K(REF_TEST, "dsii") K(REF_CAST, "sii") K(BR_ON_CAST, "soiii") K(ANY_CONVERT_EXTERN, "ds") \
    K(EXTERN_CONVERT_ANY, "ds") K(REF_I31, "ds") K(I31_GET_S, "ds") K(I31_GET_U, "ds") K(REF_EQ, "dss") \
    K(REF_FUNC, "di") K(SELECT_V128, "dsss") K(GLOBAL_GET_V128, "di") \
    K(GLOBAL_SET_V128, "si") K(CONST_V128, "diiii") K(I8X16_SHUFFLE, "dssiiii") \
    OX_BRCMP_OPS(K_BRCMP) \
    OX_BRADD_OPS(K_BRADD) \
    OX_BINOPS(K_BIN) OX_TRAP_BINOPS(K_BIN) \
    OX_UNOPS(K_UN) OX_TRUNC_OPS(K_UN) OX_SAT_OPS(K_UN) \
    OX_LOAD_OPS(K_LD) \
    OX_STORE_OPS(K_ST) \
    OX_CHAIN_OPS(K_CH) \
    OX_LDOP_OPS(K_LM) \
    OX_OPST_OPS(K_SM) \
    OX_LDBR_OPS(K_LB) \
    OX_LDCMP_OPS(K_LC) \
    OX_STADD_OPS(K_SA) \
    OX_BRADD_OPS(K_A) \
    OX_SALOOP_STORES(K_SAL) \
    OX_V128_LANE_BINOPS(K_BIN) OX_V128_LANE_UNOPS(K_UN) OX_V128_SHIFTS(K_BIN) \
    OX_V128_BINOPS(K_BIN) OX_V128_UNOPS(K_UN) OX_V128_TERNOPS(K_TERN) \
    OX_V128_EXTRACT(K_EXTRACT) OX_V128_REPLACE(K_REPLACE) OX_V128_LOAD_OPS(K_VLD) \
    OX_V128_STORE_OPS(K_VST) OX_V128_LANE_LOADS(K_LDLANE) OX_V128_LANE_STORES(K_STLANE)

static const char *const kinds[OXI_COUNT_] = {
#define K(name, str) [OXI_##name] = str,
    OX_CODE_OPERANDS
#undef K
};
/* The same as lengths in cells (the op's, then two words a cell): the
   interpreter threads code by them. */
const uint8_t ox_code_ncells[OXI_COUNT_] = {
#define K(name, str) [OXI_##name] = 1 + sizeof(str) / 2,
    OX_CODE_OPERANDS
#undef K
};

/* Names: the WebAssembly mnemonic for ops that are one instruction of
   the table (opcodes.h), the code.h name for the rest. */
static const char *const internal_names[OXI_COUNT_] = {
#define OX_EACH(name) [OXI_##name] = #name,
    OX_ALL_OPS
#undef OX_EACH
};
static const char *const mnemonics[OXI_COUNT_] = {
#define N(name, txt, ...) [OXI_##name] = txt,
    OX_BINOPS(N) OX_TRAP_BINOPS(N) OX_UNOPS(N) OX_TRUNC_OPS(N) OX_SAT_OPS(N)
    OX_LOAD_OPS(N) OX_STORE_OPS(N) OX_SIMD_ALL(N) N(I8X16_SHUFFLE, "i8x16.shuffle")
#undef N
};

const char *ox_code_op_name(unsigned op)
{
    if (op >= OXI_COUNT_)
        return NULL;
    return mnemonics[op] ? mnemonics[op] : internal_names[op];
}
const char *ox_code_op_operands(unsigned op) { return op < OXI_COUNT_ ? kinds[op] : NULL; }

