/*
 * jit_ir.c — the translator's small tools: value types, the operand
 * stack, intrinsics, blocks, calls of the runtime and the shared trap
 * blocks. Used by jit_ops.c and jit_emit.c.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit_emit.h"

#define B (j->b)

LLVMTypeRef oxj_type(const oxj_mod *jm, ox_valtype t)
{
    switch (t) {
    case OX_I32: return jm->i32;
    case OX_I64: return jm->i64;
    case OX_F32: return jm->f32;
    case OX_F64: return jm->f64;
    case OX_V128: return jm->v128;
    default: return NULL;
    }
}

void oxj_push(oxj *j, LLVMValueRef v)
{
    if (j->nvs == j->capvs) {
        uint32_t cap = j->capvs ? j->capvs * 2 : 64;
        LLVMValueRef *n = realloc(j->vs, cap * sizeof *n);
        if (!n) {
            j->nomem = true;
            return;
        }
        j->vs = n;
        j->capvs = cap;
    }
    j->vs[j->nvs++] = v;
}

LLVMValueRef oxj_pop(oxj *j) { return j->vs[--j->nvs]; }

LLVMValueRef oxj_intrinsic(oxj *j, const char *name, LLVMTypeRef ret, LLVMValueRef *args,
                           unsigned n)
{
    LLVMTypeRef ts[4];
    for (unsigned k = 0; k < n; k++)
        ts[k] = LLVMTypeOf(args[k]);
    LLVMTypeRef fty = LLVMFunctionType(ret, ts, n, 0);
    LLVMValueRef f = LLVMGetNamedFunction(j->jm->mod, name);
    if (!f)
        f = LLVMAddFunction(j->jm->mod, name, fty);
    return LLVMBuildCall2(B, fty, f, args, n, "");
}

LLVMValueRef oxj_overloaded(oxj *j, const char *base, LLVMValueRef *args, unsigned n)
{
    LLVMTypeRef t = LLVMTypeOf(args[0]), e = t;
    char lanes[8] = "", name[64];
    if (LLVMGetTypeKind(t) == LLVMVectorTypeKind) {
        snprintf(lanes, sizeof lanes, "v%u", LLVMGetVectorSize(t));
        e = LLVMGetElementType(t);
    }
    bool fl = e == j->jm->f32 || e == j->jm->f64;
    snprintf(name, sizeof name, "llvm.%s.%s%c%u", base, lanes, fl ? 'f' : 'i',
             fl ? (e == j->jm->f32 ? 32u : 64u) : LLVMGetIntTypeWidth(e));
    return oxj_intrinsic(j, name, t, args, n);
}

/* A pointer `off` bytes into the object at `base`, as a pointer to t. */
LLVMValueRef oxj_field_ptr(oxj *j, LLVMValueRef base, size_t off, LLVMTypeRef t)
{
    LLVMValueRef idx = LLVMConstInt(j->jm->i64, off, 0);
    LLVMValueRef p = LLVMBuildGEP2(B, j->jm->i8, base, &idx, 1, "");
    return LLVMBuildBitCast(B, p, LLVMPointerType(t, 0), "");
}

LLVMValueRef oxj_load_field(oxj *j, LLVMValueRef base, size_t off, LLVMTypeRef t)
{
    return LLVMBuildLoad2(B, t, oxj_field_ptr(j, base, off, t), "");
}

/* The store's interrupt word, read atomically (another thread sets it). */
LLVMValueRef oxj_interrupt_word(oxj *j)
{
    LLVMValueRef word = oxj_load_field(j, j->s, offsetof(ox_store, interrupt), j->jm->i32);
    LLVMSetOrdering(word, LLVMAtomicOrderingMonotonic);
    LLVMSetAlignment(word, 4);
    return word;
}

/* Element k of an array of pointers at p. */
LLVMValueRef oxj_load_elem(oxj *j, LLVMValueRef p, LLVMValueRef k)
{
    LLVMTypeRef pp = LLVMPointerType(j->jm->ptr, 0);
    LLVMValueRef arr = LLVMBuildBitCast(B, p, pp, "");
    return LLVMBuildLoad2(B, j->jm->ptr, LLVMBuildGEP2(B, j->jm->ptr, arr, &k, 1, ""), "");
}

LLVMValueRef oxj_invariant(oxj *j, LLVMValueRef load)
{
    LLVMSetMetadata(load, LLVMGetMDKindIDInContext(j->jm->ctx, "invariant.load", 14),
                    LLVMMDNodeInContext(j->jm->ctx, NULL, 0));
    return load;
}

/* Type-based alias analysis, two kinds: wasm memory and globals' values
   never overlap (a memory is its own mapping, a global a structure of the
   store), so a store to memory does not make LLVM read a global again, nor
   a global.set a memory value. Every other access compiled code makes is
   left untagged: LLVM assumes it may alias anything. */
LLVMValueRef oxj_tbaa(oxj *j, LLVMValueRef access, int kind)
{
    oxj_mod *jm = j->jm;
    if (!jm->tbaa[kind]) {
        LLVMValueRef root_s = LLVMMDStringInContext(jm->ctx, "oxide", 5);
        LLVMValueRef root = LLVMMDNodeInContext(jm->ctx, &root_s, 1);
        const char *name = kind == OXJ_TBAA_MEMORY ? "wasm memory" : "wasm global";
        LLVMValueRef tn[3] = {LLVMMDStringInContext(jm->ctx, name, (unsigned)strlen(name)), root,
                              LLVMConstInt(jm->i64, 0, 0)};
        LLVMValueRef type = LLVMMDNodeInContext(jm->ctx, tn, 3);
        LLVMValueRef tag[3] = {type, type, LLVMConstInt(jm->i64, 0, 0)};
        jm->tbaa[kind] = LLVMMDNodeInContext(jm->ctx, tag, 3);
    }
    LLVMSetMetadata(access, LLVMGetMDKindIDInContext(jm->ctx, "tbaa", 4), jm->tbaa[kind]);
    return access;
}

LLVMBasicBlockRef oxj_block(oxj *j, const char *name)
{
    return LLVMAppendBasicBlockInContext(j->jm->ctx, j->fn, name);
}

LLVMValueRef oxj_i32(oxj *j, uint64_t v) { return LLVMConstInt(j->jm->i32, v, 0); }

LLVMValueRef oxj_call_rt(oxj *j, int which, LLVMValueRef *args, unsigned n)
{
    return LLVMBuildCall2(B, j->jm->rtty[which], j->jm->rt[which], args, n, "");
}

LLVMBasicBlockRef oxj_trap_block(oxj *j, ox_trap kind)
{
    if (!j->traps[kind]) {
        LLVMBasicBlockRef here = LLVMGetInsertBlock(B);
        LLVMBasicBlockRef bb = oxj_block(j, "trap");
        LLVMPositionBuilderAtEnd(B, bb);
        LLVMValueRef args[4] = {j->s, j->inst, oxj_i32(j, j->funcidx), oxj_i32(j, kind)};
        oxj_call_rt(j, OXJ_RT_TRAP, args, 4);
        LLVMBuildUnreachable(B);
        LLVMPositionBuilderAtEnd(B, here);
        j->traps[kind] = bb;
    }
    return j->traps[kind];
}

LLVMValueRef oxj_entry_alloca(oxj *j, LLVMTypeRef t, LLVMValueRef init)
{
    LLVMBuilderRef eb = LLVMCreateBuilderInContext(j->jm->ctx);
    LLVMValueRef first = LLVMGetFirstInstruction(j->entry);
    if (first)
        LLVMPositionBuilderBefore(eb, first);
    else
        LLVMPositionBuilderAtEnd(eb, j->entry);
    LLVMValueRef a = LLVMBuildAlloca(eb, t, "");
    if (init)
        LLVMBuildStore(eb, init, a);
    LLVMDisposeBuilder(eb);
    return a;
}

void oxj_unlikely_br(oxj *j, LLVMValueRef cond, LLVMBasicBlockRef rare, LLVMBasicBlockRef usual)
{
    LLVMValueRef br = LLVMBuildCondBr(B, cond, rare, usual);
    LLVMValueRef w[3] = {LLVMMDStringInContext(j->jm->ctx, "branch_weights", 14),
                         LLVMConstInt(j->jm->i32, 1, 0), LLVMConstInt(j->jm->i32, 1 << 20, 0)};
    LLVMSetMetadata(br, LLVMGetMDKindIDInContext(j->jm->ctx, "prof", 4),
                    LLVMMDNodeInContext(j->jm->ctx, w, 3));
}

void oxj_trap_if(oxj *j, LLVMValueRef cond, ox_trap kind)
{
    LLVMBasicBlockRef ok = oxj_block(j, "ok");
    oxj_unlikely_br(j, cond, oxj_trap_block(j, kind), ok); /* traps are cold */
    LLVMPositionBuilderAtEnd(B, ok);
}

/* The interruption check point, in the name of function `funcidx`. */
void oxj_poll_as(oxj *j, uint32_t funcidx, uint32_t cost)
{
    LLVMValueRef word = oxj_interrupt_word(j);
    /* the auto tier's samples are for interpreted code: left for the
       interpreter's next check point, they cost compiled code nothing */
    LLVMValueRef v = LLVMBuildAnd(B, word, oxj_i32(j, ~OX_POLL_SAMPLE), "");
    LLVMBasicBlockRef slow = oxj_block(j, "poll"), cont = oxj_block(j, "polled");
    oxj_unlikely_br(j, LLVMBuildICmp(B, LLVMIntNE, v, oxj_i32(j, 0), ""), slow, cont);
    /* fuel alone, and enough of it: charged here, as the interpreter does */
    LLVMPositionBuilderAtEnd(B, slow);
    LLVMValueRef fuelp = oxj_field_ptr(j, j->s, offsetof(ox_store, fuel), j->jm->i64);
    LLVMValueRef fuel = LLVMBuildLoad2(B, j->jm->i64, fuelp, "");
    LLVMValueRef c = LLVMConstInt(j->jm->i64, cost, 0);
    LLVMValueRef inline_ok = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntEQ, v, oxj_i32(j, OX_POLL_FUEL), ""),
                                          LLVMBuildICmp(B, LLVMIntUGE, fuel, c, ""), "");
    LLVMBasicBlockRef charge = oxj_block(j, "charge"), rt = oxj_block(j, "poll_rt");
    LLVMBuildCondBr(B, inline_ok, charge, rt);
    LLVMPositionBuilderAtEnd(B, charge);
    LLVMBuildStore(B, LLVMBuildSub(B, fuel, c, ""), fuelp);
    LLVMBuildBr(B, cont);
    LLVMPositionBuilderAtEnd(B, rt);
    LLVMValueRef args[4] = {j->s, j->inst, oxj_i32(j, funcidx), oxj_i32(j, cost)};
    oxj_call_rt(j, OXJ_RT_POLL, args, 4);
    LLVMBuildBr(B, cont);
    LLVMPositionBuilderAtEnd(B, cont);
}
