/*
 * jit_mem.c — translating the memory instructions: loads and stores of
 * any memory, memory.size/grow and the bulk instructions.
 *
 * Every memory of an engine that compiles reserves 8 GiB of address space
 * (memory.c: a 32-bit address plus a 32-bit offset stays below it), so an
 * access beyond the accessible pages faults in the guard region and the
 * signal handler (jit_rt.c) makes the fault the "out of bounds" trap. No
 * memory is larger than 2^32 bytes, 64-bit ones (memory64) included, so
 * an access to one is an explicit check that its i64 address plus offset
 * is below 2^32 (the interpreter's ADDR64), then the same guarded access.
 *
 * Memory 0's base is the function's `mem` argument. Another memory's is
 * read from the instance each time; those loads are marked invariant (a
 * memory never moves, an instance's memories never change), so LLVM reads
 * them once where it can. The size is read where it is needed: a call may
 * grow the memory.
 */
#include <stddef.h>

#include "jit_emit.h"

#define B (j->b)

bool oxj_mem_ok(const ox_module *m, uint32_t mem) { return mem < m->nmems; }

static bool is64(oxj *j, uint32_t mem) { return j->jm->m->mems[mem].is64; }

/* Memory k's ox_memory. */
static LLVMValueRef memory(oxj *j, uint32_t k)
{
    LLVMValueRef mems =
        oxj_invariant(j, oxj_load_field(j, j->inst, offsetof(ox_instance, mems), j->jm->ptr));
    return oxj_invariant(j, oxj_load_elem(j, mems, LLVMConstInt(j->jm->i64, k, 0)));
}

LLVMValueRef oxj_mem_size(oxj *j, uint32_t mem)
{
    return oxj_load_field(j, memory(j, mem), offsetof(ox_memory, size), j->jm->i64);
}

LLVMValueRef oxj_mem_base(oxj *j, uint32_t k)
{
    if (k == 0)
        return j->mem;
    return oxj_invariant(j, oxj_load_field(j, memory(j, k), offsetof(ox_memory, data), j->jm->ptr));
}

LLVMValueRef oxj_address(oxj *j, uint32_t mem, LLVMValueRef addr, uint64_t off, LLVMTypeRef t)
{
    LLVMTypeRef i64 = j->jm->i64;
    LLVMValueRef ea;
    if (is64(j, mem)) {
        /* address + offset, which must not wrap, below 2^32 */
        LLVMValueRef o = LLVMConstInt(i64, off, 0);
        ea = LLVMBuildAdd(B, addr, o, "");
        LLVMValueRef bad = LLVMBuildICmp(B, LLVMIntUGT, ea, LLVMConstInt(i64, UINT32_MAX, 0), "");
        if (off)
            bad = LLVMBuildOr(B, bad, LLVMBuildICmp(B, LLVMIntULT, ea, o, ""), "");
        oxj_trap_if(j, bad, OX_TRAP_MEMORY_OOB);
    } else if (j->fast && (ea = oxj_loop_address(j, j->fast, j->op_at)) != NULL) {
        if (off) /* proven in bounds: no wrap (jit_loop.c) */
            ea = LLVMBuildNUWAdd(B, ea, LLVMConstInt(i64, off, 0), "");
    } else {
        ea = LLVMBuildZExt(B, addr, i64, "");
        if (off)
            ea = LLVMBuildAdd(B, ea, LLVMConstInt(i64, off, 0), "");
    }
    LLVMValueRef p = LLVMBuildGEP2(B, j->jm->i8, oxj_mem_base(j, mem), &ea, 1, "");
    return LLVMBuildBitCast(B, p, LLVMPointerType(t, 0), "");
}

/* A load of wasm memory kept however its value is used: LLVM would
   delete a load whose value goes unused (or folds away, as in x * 0) or
   narrow one whose high bytes do, and out of bounds it must still trap,
   by faulting. Volatile loads are kept whole, but LLVM neither merges
   equal ones nor moves them out of loops. Tried instead (session 13): a
   plain load whose value an empty asm statement with side effects takes.
   It kept traps as well and let loads merge (interp 0.17 -> 0.14 s), but
   the asm operand must be a register, so no load folds into the
   instruction using it, and codegen schedules nothing across the
   statement: tailcall 0.79 -> 0.87 s, matmul 0.46 -> 0.52, geomean over
   bench/ 1.4% slower. */
LLVMValueRef oxj_keep_load(oxj *j, LLVMValueRef load)
{
    if (j->fast && oxj_loop_proven(j->fast, j->op_at))
        return load; /* cannot fault: a plain load (jit_loop.c) */
    LLVMSetVolatile(load, 1);
    return load;
}

/* A load: its memory type and how it widens. */
static void emit_load(oxj *j, enum ox_opcode op, const oxj_imm *im)
{
    oxj_mod *jm = j->jm;
    LLVMTypeRef mt, rt;
    bool sext = false;
    switch (op) {
    case OXO_I32_LOAD: mt = rt = jm->i32; break;
    case OXO_I64_LOAD: mt = rt = jm->i64; break;
    case OXO_F32_LOAD: mt = rt = jm->f32; break;
    case OXO_F64_LOAD: mt = rt = jm->f64; break;
    case OXO_I32_LOAD8_S: sext = true; /* fall through */
    case OXO_I32_LOAD8_U: mt = jm->i8; rt = jm->i32; break;
    case OXO_I32_LOAD16_S: sext = true; /* fall through */
    case OXO_I32_LOAD16_U: mt = LLVMInt16TypeInContext(jm->ctx); rt = jm->i32; break;
    case OXO_I64_LOAD8_S: sext = true; /* fall through */
    case OXO_I64_LOAD8_U: mt = jm->i8; rt = jm->i64; break;
    case OXO_I64_LOAD16_S: sext = true; /* fall through */
    case OXO_I64_LOAD16_U: mt = LLVMInt16TypeInContext(jm->ctx); rt = jm->i64; break;
    case OXO_I64_LOAD32_S: sext = true; /* fall through */
    default: mt = jm->i32; rt = jm->i64; break;
    }
    LLVMValueRef v = LLVMBuildLoad2(B, mt, oxj_address(j, im->mem, oxj_pop(j), im->v, mt), "");
    LLVMSetAlignment(v, 1);
    oxj_tbaa(j, v, OXJ_TBAA_MEMORY);
    oxj_keep_load(j, v);
    if (mt != rt)
        v = sext ? LLVMBuildSExt(B, v, rt, "") : LLVMBuildZExt(B, v, rt, "");
    oxj_push(j, v);
}

static void emit_store(oxj *j, enum ox_opcode op, const oxj_imm *im)
{
    oxj_mod *jm = j->jm;
    LLVMValueRef v = oxj_pop(j), addr = oxj_pop(j);
    LLVMTypeRef mt = LLVMTypeOf(v);
    switch (op) {
    case OXO_I32_STORE8: case OXO_I64_STORE8: mt = jm->i8; break;
    case OXO_I32_STORE16: case OXO_I64_STORE16: mt = LLVMInt16TypeInContext(jm->ctx); break;
    case OXO_I64_STORE32: mt = jm->i32; break;
    default: break;
    }
    if (mt != LLVMTypeOf(v))
        v = LLVMBuildTrunc(B, v, mt, "");
    LLVMValueRef st = LLVMBuildStore(B, v, oxj_address(j, im->mem, addr, im->v, mt));
    LLVMSetAlignment(st, 1);
    oxj_tbaa(j, st, OXJ_TBAA_MEMORY);
}

/* An operand of the runtime's bulk functions, which take them as u64. */
static LLVMValueRef wide(oxj *j, LLVMValueRef v)
{
    return LLVMTypeOf(v) == j->jm->i64 ? v : LLVMBuildZExt(B, v, j->jm->i64, "");
}

/* The bulk instructions go to the runtime, which checks bounds. */
static void emit_bulk(oxj *j, enum ox_opcode op, const oxj_imm *im)
{
    if (op == OXO_DATA_DROP) {
        LLVMValueRef a[2] = {j->inst, oxj_i32(j, im->a)};
        oxj_call_rt(j, OXJ_RT_DROP, a, 2);
        return;
    }
    /* memory.init: [address, i32, i32]; fill: [address, i32, length];
       copy: [address, address, length] */
    LLVMValueRef n = oxj_pop(j), y = oxj_pop(j), x = wide(j, oxj_pop(j));
    LLVMValueRef s = j->s, in = j->inst, f = oxj_i32(j, j->funcidx), mem = oxj_i32(j, im->mem);
    if (op == OXO_MEMORY_INIT) {
        LLVMValueRef a[8] = {s, in, f, oxj_i32(j, im->a), mem, x, y, n};
        oxj_call_rt(j, OXJ_RT_INIT, a, 8);
    } else if (op == OXO_MEMORY_FILL) {
        LLVMValueRef a[7] = {s, in, f, mem, x, y, wide(j, n)};
        oxj_call_rt(j, OXJ_RT_FILL, a, 7);
    } else {
        LLVMValueRef a[8] = {s, in, f, mem, oxj_i32(j, im->b), x, wide(j, y), wide(j, n)};
        oxj_call_rt(j, OXJ_RT_COPY, a, 8);
    }
}

bool oxj_memory(oxj *j, const ox_opinfo *oi, const oxj_imm *im)
{
    oxj_mod *jm = j->jm;
    enum ox_opcode op = (enum ox_opcode)oi->op;
    if (oi->shape == OX_SHAPE_LOAD) {
        emit_load(j, op, im);
        return true;
    }
    if (oi->shape == OX_SHAPE_STORE) {
        emit_store(j, op, im);
        return true;
    }
    switch (op) {
    case OXO_MEMORY_SIZE: {
        LLVMValueRef pages = oxj_load_field(j, memory(j, im->mem), offsetof(ox_memory, pages), jm->i32);
        oxj_push(j, is64(j, im->mem) ? LLVMBuildZExt(B, pages, jm->i64, "") : pages);
        return true;
    }
    case OXO_MEMORY_GROW: {
        /* the runtime answers the old size or -1, as an i64 */
        LLVMValueRef a[3] = {j->inst, oxj_i32(j, im->mem), wide(j, oxj_pop(j))};
        LLVMValueRef r = oxj_call_rt(j, OXJ_RT_GROW, a, 3);
        oxj_push(j, is64(j, im->mem) ? r : LLVMBuildTrunc(B, r, jm->i32, ""));
        return true;
    }
    case OXO_MEMORY_INIT: case OXO_DATA_DROP: case OXO_MEMORY_COPY: case OXO_MEMORY_FILL:
        emit_bulk(j, op, im);
        return true;
    default:
        return false;
    }
}
