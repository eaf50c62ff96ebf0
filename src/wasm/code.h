/*
 * code.h — the compiled ("pre-decoded") form of a function body (internal).
 *
 * compile.c validates a body and emits a stream of 8-byte cells; interp.c
 * executes it. An instruction is one cell holding its handler (the address
 * of a computed-goto label, or the op number for the switch build) followed
 * by 32-bit operand words packed two per cell. Operands are frame slot
 * indices, immediates, or branch offsets in cells relative to the
 * instruction's first cell. Nothing is decoded at run time: no LEB128, no
 * block scanning, no label search, no operand-stack pointer.
 *
 * Frame layout (slot = 8 bytes, ox_slot): params, then declared locals,
 * then the operand stack, whose every position has a static slot because
 * the validator knows the stack height at each instruction. A call's
 * arguments sit at the top of the caller's operand stack, and the callee's
 * frame starts right there, so arguments are passed without copying and
 * results come back in the same slots.
 */
#ifndef OX_CODE_H
#define OX_CODE_H

#include <stdatomic.h>
#include <stdint.h>

#include "opcodes.h"

typedef union ox_cell {
    const void *op;    /* handler address (or op number in the switch build) */
    uint32_t w[2];     /* operand words */
    uint64_t u64;
} ox_cell;

/* Internal instructions other than the numeric/memory ones from ops.h.
   Branch offsets <= 0 are loop back-edges, where the interpreter polls
   for interruption (interp.c JUMP).
   X(NAME, operand words): the words' meaning is documented at the handler
   in interp.c and at the emitter in compile.c. */
#define OX_IOPS_CONTROL(X) \
    X(UNREACHABLE, 0)      /* trap */ \
    X(LOOP, 2)             /* fuel, osr: a loop's start, before its header; \
                              back-edges charge this (read at header[-1]), \
                              so loops sharing a header stay apart; osr: \
                              the loop's key for compiled code to take \
                              over at its header (compile_ctl.c), 0: none */ \
    X(BR, 1)               /* off */ \
    X(BR_IF, 2)            /* cond, off: jump when cond != 0 */ \
    X(BR_UNLESS, 2)        /* cond, off: jump when cond == 0 */ \
    X(BR_I64_NZ, 2)        /* cond, off: jump when the i64 cond != 0 */ \
    X(BR_I64_Z, 2)         /* cond, off: jump when the i64 cond == 0 */ \
    X(BR_TABLE, 2)         /* idx, n, then n+1 offsets (last = default) */ \
    X(RETURN, 0)           /* results already in slots 0.. */ \
    X(RETURN1, 1)          /* src: one result, copied to slot 0 */ \
    X(CALL, 2)             /* funcidx, base slot of args/results */ \
    X(CALL_INDIRECT, 4)    /* typeidx, table, base, index slot */ \
    X(RETURN_CALL, 2)      /* funcidx, base: a call in the caller's frame (tail call) */ \
    X(RETURN_CALL_INDIRECT, 4) /* typeidx, table, base, index slot */ \
    X(CALL_REF, 2)         /* base, function reference slot (null traps) */ \
    X(RETURN_CALL_REF, 2)  /* base, function reference slot: a tail call */ \
    X(BR_NULL, 2)          /* ref, off: jump when ref is null */ \
    X(BR_NONNULL, 2)       /* ref, off: jump when ref is not null */ \
    X(REF_AS_NON_NULL, 1)  /* ref: trap when null */ \
    X(STRUCT_NEW, 4)       /* dst, typeidx, base of the fields (UINT32_MAX: defaults), slots */ \
    X(STRUCT_GET, 3)       /* dst, struct, slot of the field */ \
    X(STRUCT_GET2, 3)      /* the same for a v128 field */ \
    X(STRUCT_GET_S8, 3)    /* packed fields, sign- or zero-extended */ \
    X(STRUCT_GET_U8, 3) \
    X(STRUCT_GET_S16, 3) \
    X(STRUCT_GET_U16, 3) \
    X(STRUCT_SET, 3)       /* struct, value, slot */ \
    X(STRUCT_SET2, 3)      /* a v128 field */ \
    X(ARRAY_NEW, 4)        /* dst, typeidx, length, init (UINT32_MAX: defaults) */ \
    X(ARRAY_NEW_FIXED, 4)  /* dst, typeidx, base of the values, count */ \
    X(ARRAY_NEW_DATA, 5)   /* dst, typeidx, dataidx, offset, length */ \
    X(ARRAY_NEW_ELEM, 5)   /* dst, typeidx, elemidx, offset, length */ \
    X(ARRAY_GET, 4)        /* dst, array, index, signed (packed elements) */ \
    X(ARRAY_SET, 3)        /* array, index, value */ \
    X(ARRAY_LEN, 2)        /* dst, array */ \
    X(ARRAY_FILL, 4)       /* array, offset, value, n */ \
    X(ARRAY_COPY, 5)       /* dst array, d, src array, s, n */ \
    X(ARRAY_INIT_DATA, 5)  /* array, dataidx, d, s, n */ \
    X(ARRAY_INIT_ELEM, 5)  /* array, elemidx, d, s, n */ \
    X(REF_TEST, 4)         /* dst, ref, heap type, nullable */ \
    X(REF_CAST, 3)         /* ref, heap type, nullable: trap unless it is one */ \
    X(BR_ON_CAST, 5)       /* ref, off, heap type, nullable, on failure (1) or success */ \
    X(ANY_CONVERT_EXTERN, 2) /* dst, src */ \
    X(EXTERN_CONVERT_ANY, 2) /* dst, src */ \
    X(REF_I31, 2)          /* dst, i32 */ \
    X(I31_GET_S, 2)        /* dst, i31ref */ \
    X(I31_GET_U, 2) \
    X(REF_EQ, 3)           /* dst, a, b */ \
    X(MEM_SELECT, 1)       /* memidx: the memory the next access uses (multi-memory) */ \
    X(THROW, 2)            /* tagidx, base slot of the exception's values */ \
    X(THROW_REF, 1)        /* exnref slot */ \
    X(RETHROW, 1)          /* the slot a legacy catch keeps its exception in */ \
    X(MEMORY_COPY_M, 6)    /* dst, src, n, dst memory, src memory, wide */ \
    X(ADDR64, 4)           /* dst, addr, offset lo, hi: a 64-bit memory's i64 \
                              address + offset as a 32-bit address, trapping \
                              at 2^32 or more (no memory is larger) */ \
    X(INDEX64, 2)          /* dst, src: a 64-bit table's i64 index or length \
                              saturated at UINT32_MAX (no table is that long) */ \
    X(COPY, 2)             /* dst, src (whole slot) */ \
    X(COPY2, 4)            /* dst1, src1, dst2, src2: two COPYs, in order */ \
    X(MOVE1, 4)            /* daddr, saddr, soff, doff: copy 1 byte */ \
    X(MOVE2, 4)            /* (a load whose value the next store stores) */ \
    X(MOVE4, 4) \
    X(MOVE8, 4) \
    X(MOVE1_IX, 5)         /* daddr, a, b, soff, doff: source a + b (wrapping) */ \
    X(MOVE2_IX, 5) \
    X(MOVE4_IX, 5) \
    X(MOVE8_IX, 5) \
    X(ADD2, 9)             /* two adjacent I32_ADDs, both left in place: the \
                              first's words 0-2 and the second's 6-8 */ \
    X(ADD_COPY, 7)         /* an I32_ADD then a COPY, both left in place \
                              (`p = q = p + k`): words 0-2 and 6-7 */ \
    X(SUB_COPY, 7)         /* the same with an I32_SUB */ \
    X(CONST32, 2)          /* dst, imm */ \
    X(CONST64, 3)          /* dst, lo, hi */ \
    X(SELECT, 4)           /* dst, a, b, cond */ \
    X(GLOBAL_GET, 2)       /* dst, globalidx */ \
    X(GLOBAL_SET, 2)       /* src, globalidx */ \
    X(MEMORY_SIZE, 1)      /* dst */ \
    X(MEMORY_GROW, 3)      /* dst, delta, wide (1: a 64-bit memory's i64s) */ \
    X(MEMORY_INIT, 5)      /* dataidx, d, s, n, wide */ \
    X(DATA_DROP, 1)        /* dataidx */ \
    X(MEMORY_COPY, 4)      /* d, s, n, wide */ \
    X(MEMORY_FILL, 4)      /* d, val, n, wide: bit k set when operand word k \
                              is an i64 (a 64-bit memory's), in every \
                              MEMORY_ op with a `wide` word */ \
    X(TABLE_GET, 3)        /* dst, idx, table */ \
    X(TABLE_SET, 3)        /* table, idx, val */ \
    X(TABLE_SIZE, 2)       /* dst, table */ \
    X(TABLE_GROW, 5)       /* dst, init, n, table, wide (1: a 64-bit table's i64s) */ \
    X(TABLE_FILL, 4)       /* table, i, val, n */ \
    X(TABLE_COPY, 5)       /* dst table, src table, d, s, n */ \
    X(TABLE_INIT, 5)       /* table, elemidx, d, s, n */ \
    X(ELEM_DROP, 1)        /* elemidx */ \
    X(REF_IS_NULL, 2)      /* dst, src */ \
    X(REF_FUNC, 2)         /* dst, funcidx */ \
    X(SELECT_V128, 4)      /* dst, a, b, cond: SELECT of two-cell values */ \
    X(GLOBAL_GET_V128, 2)  /* dst, globalidx */ \
    X(GLOBAL_SET_V128, 2)  /* src, globalidx */ \
    X(CONST_V128, 5)       /* dst, four words, low first */ \
    X(I8X16_SHUFFLE, 7)    /* dst, a, b, the 16 lane indices in four words */

/* The ten integer conditions on a and b, in the order every family using
   them follows (the compiler maps one family to another by offset):
   M(X, P, T, COND, expr) for each, T the operand type, ST its signed C
   type. OX_NAMED makes the entry X(P_T_COND, T, expr). */
#define OX_INT_CONDS(M, X, P, T, ST) \
    M(X, P, T, EQ, a == b) M(X, P, T, NE, a != b) \
    M(X, P, T, LT_S, (ST)a < (ST)b) M(X, P, T, LT_U, a < b) \
    M(X, P, T, GT_S, (ST)a > (ST)b) M(X, P, T, GT_U, a > b) \
    M(X, P, T, LE_S, (ST)a <= (ST)b) M(X, P, T, LE_U, a <= b) \
    M(X, P, T, GE_S, (ST)a >= (ST)b) M(X, P, T, GE_U, a >= b)
#define OX_NAMED(X, P, T, COND, expr) X(P##_##T##_##COND, T, expr)

/* Compare-and-branch, fused by the compiler from a comparison (or a bit
   test, i32.and) that feeds br_if or if: X(NAME, operand type,
   condition on a, b).
   Words: a, b, off. */
#define OX_BRCMP_OPS(X) \
    OX_INT_CONDS(OX_NAMED, X, BR, I32, int32_t) \
    OX_INT_CONDS(OX_NAMED, X, BR, I64, int64_t) \
    X(BR_I32_AND_NZ, I32, (a & b) != 0) \
    X(BR_I32_AND_Z, I32, (a & b) == 0) \
    OX_BRFCMP(X, F32) OX_BRFCMP(X, F64)
/* Float compares: a NaN makes every ordered comparison false, so the
   branch taken when one does not hold (an `if`'s skip) needs its own
   negated form (N*); EQ and NE are each other's negation. */
#define OX_BRFCMP(X, T) \
    X(BR_##T##_EQ, T, a == b) X(BR_##T##_NE, T, a != b) \
    X(BR_##T##_LT, T, a < b) X(BR_##T##_GT, T, a > b) \
    X(BR_##T##_LE, T, a <= b) X(BR_##T##_GE, T, a >= b) \
    X(BR_##T##_NLT, T, !(a < b)) X(BR_##T##_NGT, T, !(a > b)) \
    X(BR_##T##_NLE, T, !(a <= b)) X(BR_##T##_NGE, T, !(a >= b))

/* An integer add fused with the compare-and-branch that tests its result
   (same order as the first 20 OX_BRCMP_OPS, so the compiler maps one to
   the other by offset):
   the step-and-test closing most counted loops (`i += k; if (i != n)
   continue`), one dispatch instead of two. X(NAME, type, condition on a, b).
   Words: dst, x, y, b, off: a = x + y (wrapping) is written to dst, then
   b is read (it may be dst itself) and the branch taken when cond holds. */
#define OX_BRADD_OPS(X) \
    OX_INT_CONDS(OX_NAMED, X, BR_ADD, I32, int32_t) \
    OX_INT_CONDS(OX_NAMED, X, BR_ADD, I64, int64_t)

/* Chained binary operators: a binop whose result, a stack temporary, is
   an operand of the very next binop of the same type becomes one
   instruction, which saves a dispatch and the round trip of the
   intermediate through its slot (a store-to-load dependency on every
   step of a hash round or a dot product). Chosen by op-pair counts over
   bench/ (sha256, hashtable, matmul, nbody, mandel; OX_OP_PROFILE in interp.c).
   Words: dst, a, b, c: t = a F b, then dst = t G c (_L) or c G t (_R).
   OX_CHAIN_OPS(X) calls X(F, G, type) for every F, G of a type's set;
   each makes two ops, CH_F_G_L and CH_F_G_R, in that order. */
#define OX_CH_I32_F(R, X) \
    R(X, I32_ADD) R(X, I32_SUB) R(X, I32_MUL) R(X, I32_AND) R(X, I32_OR) \
    R(X, I32_XOR) R(X, I32_SHL) R(X, I32_SHR_U) R(X, I32_ROTL) R(X, I32_ROTR)
#define OX_CH_I32_G(X, f) \
    X(f, I32_ADD, I32) X(f, I32_SUB, I32) X(f, I32_MUL, I32) X(f, I32_AND, I32) \
    X(f, I32_OR, I32) X(f, I32_XOR, I32) X(f, I32_SHL, I32) X(f, I32_SHR_U, I32) \
    X(f, I32_ROTL, I32) X(f, I32_ROTR, I32)
#define OX_CH_I64_F(R, X) \
    R(X, I64_ADD) R(X, I64_SUB) R(X, I64_MUL) R(X, I64_AND) R(X, I64_OR) \
    R(X, I64_XOR) R(X, I64_SHL) R(X, I64_SHR_U)
#define OX_CH_I64_G(X, f) \
    X(f, I64_ADD, I64) X(f, I64_SUB, I64) X(f, I64_MUL, I64) X(f, I64_AND, I64) \
    X(f, I64_OR, I64) X(f, I64_XOR, I64) X(f, I64_SHL, I64) X(f, I64_SHR_U, I64)
#define OX_CH_F32_F(R, X) R(X, F32_ADD) R(X, F32_SUB) R(X, F32_MUL)
#define OX_CH_F32_G(X, f) X(f, F32_ADD, F32) X(f, F32_SUB, F32) X(f, F32_MUL, F32)
#define OX_CH_F64_F(R, X) R(X, F64_ADD) R(X, F64_SUB) R(X, F64_MUL)
#define OX_CH_F64_G(X, f) X(f, F64_ADD, F64) X(f, F64_SUB, F64) X(f, F64_MUL, F64)
#define OX_CHAIN_OPS(X) \
    OX_CH_I32_F(OX_CH_I32_G, X) OX_CH_I64_F(OX_CH_I64_G, X) OX_CH_F32_F(OX_CH_F32_G, X) \
    OX_CH_F64_F(OX_CH_F64_G, X)
/* Set sizes, for the compiler's index arithmetic. */
#define OX_CH_I32_N 10
#define OX_CH_I64_N 8
#define OX_CH_F32_N 3
#define OX_CH_F64_N 3

/* A plain load whose result is an operand of the very next binop: one
   instruction reading memory as an operand (`sum += a[i]`, `x * b[j]`).
   X(LOAD, OP, type): ops LM_LOAD_OP_L (the loaded value is OP's left
   operand), LM_LOAD_OP_R, then the indexed LMX_LOAD_OP_L and _R, in that
   order, then LMS_LOAD_OP_L and _R, the result stored by the next plain
   store of its type's full width (`a[i] += x`, `p->vx -= dx`). Words:
   dst, other, addr, offset (LMX: dst, other, a, b, offset, the address
   a + b wrapping; LMS: saddr, other, addr, offset, soffset): v =
   load(addr + offset) with the load's bounds check, then dst = v OP other
   (_L) or other OP v (_R), or for LMS store(saddr + soffset) = that. */
#define OX_LDOP_OPS(X) \
    X(F64_LOAD, F64_ADD, F64) X(F64_LOAD, F64_SUB, F64) X(F64_LOAD, F64_MUL, F64) \
    X(I32_LOAD, I32_ADD, I32) X(I32_LOAD, I32_SUB, I32) X(I32_LOAD, I32_AND, I32) \
    X(I32_LOAD, I32_OR, I32) X(I32_LOAD, I32_XOR, I32) \
    X(I32_LOAD8_U, I32_ADD, I32) X(I32_LOAD8_U, I32_SUB, I32) X(I32_LOAD8_U, I32_AND, I32) \
    X(I64_LOAD, I64_ADD, I64) X(I64_LOAD, I64_XOR, I64)

/* A binop whose result is the value of the very next plain store:
   X(OP, STORE, type) makes SM_OP_STORE. Words: addr, a, b, offset:
   store(addr + offset) = a OP b (`c[j] = c[j] + t`, `p->x = p->x * k`). */
#define OX_OPST_OPS(X) \
    X(F64_ADD, F64_STORE, F64) X(F64_SUB, F64_STORE, F64) X(F64_MUL, F64_STORE, F64) \
    X(I32_ADD, I32_STORE, I32) X(I32_SUB, I32_STORE, I32) X(I32_AND, I32_STORE, I32) \
    X(I32_OR, I32_STORE, I32) X(I32_XOR, I32_STORE, I32) \
    X(I64_ADD, I64_STORE, I64) X(I64_XOR, I64_STORE, I64)

/* A load tested by the conditional branch right after it (`if (p->next)`,
   `if (!seen[i])`, `if ((k = t[i]) == 0)`). X(LOAD) for each i32 load
   fused so makes four ops, in this order: LB_LOAD_NZ and LB_LOAD_Z
   [dst, addr, offset, off] (jump when the loaded value is non-zero /
   zero), LB_LOAD_IX_NZ and LB_LOAD_IX_Z [dst, a, b, offset, off] (address
   a + b, wrapping). The value is written to dst as well: it may have been
   tee'd to a local. */
#define OX_LDBR_OPS(X) X(I32_LOAD) X(I32_LOAD8_U) X(I32_LOAD8_S) X(I32_LOAD16_U)

/* A load compared by the compare-and-branch right after it (`while (a[i] <
   pivot)`, `if (*p != c)`). X(LOAD) makes LC_LOAD_<cond> for the ten i32
   conditions, in the order of OX_BRCMP_OPS. Words: dst, addr, offset,
   other, off: v = load(addr + offset) is written to dst (it may be a
   local.tee's target), then the branch is taken when `v cond other`
   (other is read after dst is written: it may be dst). */
#define OX_LDCMP_OPS(X) X(I32_LOAD) X(I32_LOAD8_U)
#define OX_I32_CONDS(X, ld) OX_INT_CONDS(OX_LC_COND, X, ld, I32, int32_t)
#define OX_LC_COND(X, ld, T, COND, expr) X(ld, COND, expr)

/* Pairs run by one dispatch with both instructions left in place, like
   ADD2: the first one's handler is replaced, the second one's words are
   read where they are (a branch landing on the second still runs it
   alone). SA_<STORE> and SA_<STORE>_IX: a store, then the i32.add right
   after it (`*p = v; p += 4`; X(STORE, type)). A_<BR_ADD op>: an i32.add,
   then the add-compare-branch right after it (two induction variables
   stepped by one loop), in the order of OX_BRADD_OPS. */
#define OX_STADD_OPS(X) \
    X(I32_STORE, I32) X(I32_STORE8, I32) X(I32_STORE16, I32) X(I64_STORE, I64) X(F64_STORE, F64)

/* The full internal op enumeration: control ops, then every ops.h op, then
   the indexed ("_IX") form of every load and store, fused by the compiler
   from an i32.add computing the address: loads [dst, a, b, offset] and
   stores [a, b, value, offset] access a + b (wrapping) + offset; then the
   scaled ("_SX") form, fused from the CH_I32_SHL_I32_ADD computing
   `base + (i << k)` (array indexing): loads [dst, i, k, base, offset] and
   stores [i, k, base, value, offset] access (i << (k & 31)) + base
   (wrapping) + offset. */
/* A fill loop run in registers: a loop whose whole body is one SA_<STORE>
   pair and the BR_ADD that closes it (`*p = v; p += k; i += 1; if (i <
   n) loop`, the sieve's `composite[j] = 1`). In the threaded code the
   loop variables live in frame slots, so every iteration stores them,
   and with stores that miss the caches those slot stores fill the store
   buffer: SAL_<STORE>_<BR_ADD op> keeps the pointer and the counter in C
   locals for the whole loop, still polling for interruption and fuel on
   every back-edge and writing them back on exit, trap or poll. The words
   are the pair's and the BR_ADD's, in place. The compiler uses it only
   when the loop reads nothing the body writes except the two steps
   (compile.c fill_loop). X(STORE, type): the stores with such a loop. */
#define OX_SALOOP_STORES(X) X(I32_STORE8, I32) X(I32_STORE, I32) X(I64_STORE, I64)

/* Every internal op in enum order, as OX_EACH(NAME) (NAME without the OXI_
   prefix): define OX_EACH, expand OX_ALL_OPS, undefine OX_EACH. The enum
   below and interp.c's label table, switch numbers and profile names all
   come from this one list, so they cannot fall out of step. */
#define OX_ALL_OPS \
    OX_IOPS_CONTROL(OX_E_CTL) OX_BRCMP_OPS(OX_E_NUM) OX_BRADD_OPS(OX_E_NUM) \
    OX_BINOPS(OX_E_NUM) OX_TRAP_BINOPS(OX_E_NUM) OX_UNOPS(OX_E_NUM) OX_TRUNC_OPS(OX_E_NUM) \
    OX_SAT_OPS(OX_E_NUM) OX_LOAD_OPS(OX_E_NUM) OX_STORE_OPS(OX_E_NUM) \
    OX_LOAD_OPS(OX_E_IX) OX_STORE_OPS(OX_E_IX) OX_LOAD_OPS(OX_E_SX) OX_STORE_OPS(OX_E_SX) \
    OX_CHAIN_OPS(OX_E_CH) OX_LDOP_OPS(OX_E_LM) OX_OPST_OPS(OX_E_SM) OX_LDBR_OPS(OX_E_LB) \
    OX_LDCMP_OPS(OX_E_LC) OX_STADD_OPS(OX_E_SA) OX_BRADD_OPS(OX_E_A) \
    OX_SALOOP_STORES(OX_E_SAL) OX_SIMD_ALL(OX_E_NUM)
#define OX_E_CTL(name, nw) OX_EACH(name)
#define OX_E_NUM(name, ...) OX_EACH(name)
#define OX_E_IX(name, ...) OX_EACH(name##_IX)
#define OX_E_SX(name, ...) OX_EACH(name##_SX)
#define OX_E_CH(f, g, t) OX_EACH(CH_##f##_##g##_L) OX_EACH(CH_##f##_##g##_R)
#define OX_E_LM(ld, op, t) \
    OX_EACH(LM_##ld##_##op##_L) OX_EACH(LM_##ld##_##op##_R) \
    OX_EACH(LMX_##ld##_##op##_L) OX_EACH(LMX_##ld##_##op##_R) \
    OX_EACH(LMS_##ld##_##op##_L) OX_EACH(LMS_##ld##_##op##_R)
#define OX_E_SM(op, st, t) OX_EACH(SM_##op##_##st)
#define OX_E_LB(ld) \
    OX_EACH(LB_##ld##_NZ) OX_EACH(LB_##ld##_Z) OX_EACH(LB_##ld##_IX_NZ) OX_EACH(LB_##ld##_IX_Z)
#define OX_E_LC1(ld, cond, e) OX_EACH(LC_##ld##_##cond)
#define OX_E_LC(ld) OX_I32_CONDS(OX_E_LC1, ld)
#define OX_E_SA(st, t) OX_EACH(SA_##st) OX_EACH(SA_##st##_IX)
#define OX_E_A(name, t, cond) OX_EACH(A_##name)
#define OX_E_SAL(st, t) OX_BRADD_OPS(OX_E_SAL_##st)
#define OX_E_SAL_I32_STORE8(name, t, cond) OX_EACH(SAL_I32_STORE8_##name)
#define OX_E_SAL_I32_STORE(name, t, cond) OX_EACH(SAL_I32_STORE_##name)
#define OX_E_SAL_I64_STORE(name, t, cond) OX_EACH(SAL_I64_STORE_##name)

enum ox_iop {
#define OX_EACH(name) OXI_##name,
    OX_ALL_OPS
#undef OX_EACH
    OXI_COUNT_
};

/* Constants pooled per function: they live in frame slots right after the
   locals, copied in at function entry, so instructions read them like any
   other operand. */
#define OX_MAX_CONSTS 128

/* Where an exception is caught (try_table, legacy try/catch): one thrown
   by the instruction at a cell in [start, end) whose tag is the
   instance's tag `tag` (or any, for catch_all) has its values written
   from slot dst on, itself to slot `exn` unless that is OX_NO_SLOT
   (catch_ref, catch_all_ref, a legacy catch some rethrow names), and
   execution goes on at cell `pad`: a try_table's landing pad, which
   branches to the clause's label, or a legacy catch's body. `depth` is
   the try's control depth (the function body is 0). A legacy `delegate`
   is a record with tag OX_DELEGATE: the search goes on among the
   handlers of depth <= pad (the frame the delegate names). A body's
   handlers are listed inner ones first. */
#define OX_CATCH_ALL UINT32_MAX
#define OX_DELEGATE (UINT32_MAX - 1)
#define OX_NO_SLOT UINT32_MAX
typedef struct ox_handler {
    uint32_t start, end;
    uint32_t tag;
    uint32_t pad;
    uint32_t dst;
    uint32_t exn;
    uint32_t keep;            /* 1: the exception goes to slot exn; 0: null does */
    uint32_t depth;
} ox_handler;

/* A stack map (GC): at the cell after a call or an allocation, the slots
   [first, first + n) of the code's map slots hold references to trace.
   A map slot is a frame slot with its trace kind (module.h OX_TRACE_*)
   in bits 30-31. The code's first nreflocals map slots are its
   reference locals, traced in every frame. */
typedef struct ox_stackmap {
    uint32_t cell, first, n;
} ox_stackmap;
#define OX_MAP_SLOT(w) ((w) & 0x3FFFFFFFu)
#define OX_MAP_TRACE(w) ((w) >> 30)

struct ox_code {
    ox_cell *cells;
    ox_stackmap *maps;    /* nmaps, by cell */
    uint32_t *mapslots;
    uint32_t nmaps, nreflocals;
    ox_handler *handlers; /* nhandlers, after the constants */
    uint32_t nhandlers;
    uint64_t *consts;     /* nconsts slot images, copied to fp[nlocals..] */
    uint32_t nconsts;
    uint32_t ncells;
    uint32_t nparams;     /* slots 0..nparams-1 */
    uint32_t nlocals;     /* params + declared locals */
    uint32_t nexn;        /* legacy catches' exception slots, after the pool */
    uint32_t frame_size;  /* nlocals + nconsts + nexn + maximum operand-stack height */
    uint32_t nresults;
    uint32_t fuel;        /* fuel charged on entry (see LOOP) */
};

/* Fuel: one unit per WebAssembly instruction, charged in advance at the
   check points by the static size of the code each one leads into: a
   function entry charges all the function's instructions, each loop body
   counted once (ox_code.fuel), a loop back-edge all its body's
   instructions, each nested loop counted once (its LOOP op). So every
   instruction that runs has been paid for: the first iteration of a loop
   by what entered it, each further one by its back-edge. Instructions on
   paths not taken are charged too: the count is an upper bound of what
   ran, exact for straight-line code. It costs nothing between check
   points. */

/* code.c: an op's name (its WebAssembly mnemonic when it is one
   instruction of opcodes.h, else its code.h name) and its operand words,
   one letter each (d slot written, s slot read, i immediate, o branch
   offset, b call frame base); NULL for no such op. A pair run by one
   dispatch (ADD2, SA_*, A_*, ADD_COPY, SAL_*) has the first instruction's
   words: the second follows as an instruction of its own. */
const char *ox_code_op_name(unsigned op);
const char *ox_code_op_operands(unsigned op);
/* The length in cells of instruction `insn`, whose op is `op`: the op's
   cell, then its words two a cell (BR_TABLE's: idx, n, n + 1 offsets). */
extern const uint8_t ox_code_ncells[OXI_COUNT_];
static inline uint32_t ox_code_insn_cells(const ox_cell *insn, unsigned op)
{
    return op == OXI_BR_TABLE ? 1 + (4 + insn[1].w[1]) / 2 : ox_code_ncells[op];
}

/* interp.c: the handler table, indexed by enum ox_iop. Read-only, shared
   by all threads. */
const void *const *ox_interp_handlers(void);
/* interp.c: make compiled code runnable: each instruction's op number
   (what the compiler writes) becomes its handler. */
void ox_interp_thread(struct ox_code *code);

#endif
