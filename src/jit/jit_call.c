/*
 * jit_call.c — calls in compiled code, and the ways into a compiled
 * function.
 *
 * A call of a function of the module is a direct call of its LLVM
 * function (which LLVM may inline); an import, an interpreted function
 * or one of another instance goes through the runtime (ox_jitrt_call)
 * with its arguments and results in slots; call_indirect checks the
 * table entry as the interpreter does and calls the callee's native
 * entry if it has one.
 *
 * What entering a function checks -- a call left, the C stack, the
 * check point of its entry -- the way in makes, not the function
 * (entry_checks): a direct call, the function's thunk (its native entry)
 * or its wrapper (the interpreter's way in). The function's own entry
 * then calls nothing that returns, and LLVM can leave registers unsaved
 * on a path that needs none.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "jit_emit.h"

#define B (j->b)

/* ---- the checks of an entry ---------------------------------------------- */

/* Whether the C stack is used up to the store's limit, which leaves room
   for a frame below it (jit.h, OX_JIT_FRAME_ROOM): where the stack is, the
   stack pointer read (an alloca's address would escape, and LLVM makes
   no tail call from a function whose alloca escapes); elsewhere the
   frame's address, which costs a frame pointer. */
void oxj_stack_check(oxj *j)
{
#if defined(__x86_64__)
    LLVMMetadataRef rsp = LLVMMDStringInContext2(j->jm->ctx, "rsp", 3);
    LLVMValueRef reg = LLVMMetadataAsValue(j->jm->ctx, LLVMMDNodeInContext2(j->jm->ctx, &rsp, 1));
    LLVMValueRef sp = oxj_intrinsic(j, "llvm.read_register.i64", j->jm->i64, &reg, 1);
#else
    LLVMValueRef zero = LLVMConstInt(j->jm->i32, 0, 0);
    LLVMValueRef sp = LLVMBuildPtrToInt(
        B, oxj_intrinsic(j, "llvm.frameaddress.p0i8", j->jm->ptr, &zero, 1), j->jm->i64, "");
#endif
    LLVMValueRef limit = oxj_load_field(j, j->s, offsetof(ox_store, jit_stack_limit), j->jm->i64);
    oxj_trap_if(j, LLVMBuildICmp(B, LLVMIntULT, sp, limit, ""), OX_TRAP_STACK_EXHAUSTED);
}

/* Whether a function's frame could be larger than the room the stack
   check leaves (OX_JIT_FRAME_ROOM): then it checks the stack at its own
   entry too. A frame holds the locals, the values the body computes
   (each made by a byte of code at least; a loop may be translated
   twice), the slots of runtime calls: 16 bytes each bounds it loosely,
   and half the room is left for what LLVM inlines. */
bool oxj_big_frame(uint32_t nlocals, uint32_t body_len, uint32_t nslots)
{
    uint64_t bytes = ((uint64_t)nlocals + 2 * (uint64_t)body_len) * 16 + (uint64_t)nslots * 8 + 1024;
    return bytes > OX_JIT_FRAME_ROOM / 2;
}

/* What entering defined function `defidx` checks, in that order as the
   interpreter does: a call left (`left` is what the entry is passed), the
   C stack (the caller's, with room for the callee's frame below: a
   function whose frame may be bigger checks again, big_frame), then the
   function's entry check point (its entry fuel, in its name). The
   caller makes them -- a direct call here, else the function's thunk or
   wrapper -- not the function: its entry then calls nothing that returns,
   and a leaf's path through it makes no check at all (fib warm 1.29 ->
   1.09 s; LLVM 14 still saves its registers on entry, as clang's fib
   does, where gcc's returns from a leaf first). */
static void entry_checks(oxj *j, LLVMValueRef left, uint32_t defidx)
{
    if (left) { /* NULL: a return_call, in the place whose depth and stack were checked */
        oxj_trap_if(j, LLVMBuildICmp(B, LLVMIntEQ, left, oxj_i32(j, 0), ""), OX_TRAP_STACK_EXHAUSTED);
        oxj_stack_check(j);
    }
    oxj_poll_as(j, j->jm->m->nimport_funcs + defidx, j->jm->plans[defidx].fuel);
}

/* ---- calls --------------------------------------------------------------- */

static LLVMValueRef slot_ptr(oxj *j, uint32_t k, LLVMTypeRef t)
{
    LLVMValueRef idx = LLVMConstInt(j->jm->i64, k, 0);
    LLVMValueRef p = LLVMBuildGEP2(B, j->jm->i64, j->slots, &idx, 1, "");
    return LLVMBuildBitCast(B, p, LLVMPointerType(t, 0), "");
}

/* Call ox_func `f` through the runtime (an import, an interpreted
   function, or one of another instance): the arguments in the slots,
   then the results from them. */
static void call_slow(oxj *j, LLVMValueRef f, const ox_functype *ft, LLVMValueRef *args)
{
    for (uint32_t k = 0, at = 0; k < ft->nparams; at += ox_val_slots(ft->params[k]), k++)
        LLVMSetAlignment(LLVMBuildStore(B, args[k], slot_ptr(j, at, LLVMTypeOf(args[k]))), 8);
    /* the depth for whatever the runtime enters (a wrapper reads it) */
    LLVMBuildStore(B, j->callee_left, oxj_field_ptr(j, j->s, offsetof(ox_store, jit_left), j->jm->i32));
    LLVMValueRef a[4] = {j->s, j->inst, f, LLVMBuildBitCast(B, j->slots, j->jm->ptr, "")};
    oxj_call_rt(j, OXJ_RT_CALL, a, 4);
    for (uint32_t k = 0, at = 0; k < ft->nresults; at += ox_val_slots(ft->results[k]), k++) {
        LLVMTypeRef t = oxj_type(j->jm, ft->results[k]);
        LLVMValueRef v = LLVMBuildLoad2(B, t, slot_ptr(j, at, t), "");
        LLVMSetAlignment(v, 8);
        oxj_push(j, v);
    }
}

/* The LLVM type of a compiled function of type ft. */
LLVMTypeRef oxj_fn_type(oxj_mod *jm, const ox_functype *ft)
{
    LLVMTypeRef ps[OXJ_NFIXED + 64], *pp = ps;
    uint32_t n = OXJ_NFIXED + ft->nparams;
    if (ft->nparams > 64) {
        pp = malloc(n * sizeof *pp);
        if (!pp)
            return NULL;
    }
    pp[0] = pp[1] = pp[2] = jm->ptr;
    pp[3] = jm->i32; /* left */
    for (uint32_t k = 0; k < ft->nparams; k++)
        pp[OXJ_NFIXED + k] = oxj_type(jm, ft->params[k]);
    LLVMTypeRef ret;
    if (ft->nresults == 0) {
        ret = LLVMVoidTypeInContext(jm->ctx);
    } else if (ft->nresults == 1) {
        ret = oxj_type(jm, ft->results[0]);
    } else {
        LLVMTypeRef rs[64], *rp = rs;
        if (ft->nresults > 64 && !(rp = malloc(ft->nresults * sizeof *rp))) {
            if (pp != ps)
                free(pp);
            return NULL;
        }
        for (uint32_t k = 0; k < ft->nresults; k++)
            rp[k] = oxj_type(jm, ft->results[k]);
        ret = LLVMStructTypeInContext(jm->ctx, rp, ft->nresults, 0);
        if (rp != rs)
            free(rp);
    }
    LLVMTypeRef t = LLVMFunctionType(ret, pp, n, 0);
    if (pp != ps)
        free(pp);
    return t;
}

/* A direct call of a compiled function: the results pushed. */
static void push_results(oxj *j, LLVMValueRef r, const ox_functype *ft)
{
    if (ft->nresults == 1)
        oxj_push(j, r);
    else
        for (uint32_t k = 0; k < ft->nresults; k++)
            oxj_push(j, LLVMBuildExtractValue(B, r, k, ""));
}

static LLVMValueRef call_native(oxj *j, LLVMTypeRef fty, LLVMValueRef fn, unsigned cc,
                                LLVMValueRef inst, LLVMValueRef mem, LLVMValueRef left,
                                LLVMValueRef *args, uint32_t n)
{
    LLVMValueRef small[32], *a = small;
    if (n + OXJ_NFIXED > 32 && !(a = malloc((n + OXJ_NFIXED) * sizeof *a))) {
        j->nomem = true;
        return NULL;
    }
    a[0] = j->s;
    a[1] = inst;
    a[2] = mem;
    a[3] = left;
    if (n)
        memcpy(a + OXJ_NFIXED, args, n * sizeof *args);
    LLVMValueRef r = LLVMBuildCall2(B, fty, fn, a, n + OXJ_NFIXED, "");
    LLVMSetInstructionCallConv(r, cc);
    if (a != small)
        free(a);
    return r;
}

/* return_call of a compiled function of the module (the scan saw to it):
   a call LLVM must make a jump (tailcc, marked tail), whose results are
   ours; it takes our depth, as it takes our place. */
void oxj_emit_return_call(oxj *j, uint32_t funcidx)
{
    const ox_module *m = j->jm->m;
    const ox_functype *ft = &m->types[m->functypes[funcidx]];
    uint32_t d = funcidx - m->nimport_funcs;
    j->nvs -= ft->nparams;
    entry_checks(j, NULL, d);
    LLVMValueRef r = call_native(j, j->jm->fntys[d], j->jm->fns[d], OXJ_TAILCC, j->inst, j->mem,
                                 j->left, j->vs + j->nvs, ft->nparams);
    if (!r)
        return;
    LLVMSetTailCall(r, 1);
    if (ft->nresults == 0)
        LLVMBuildRetVoid(B);
    else
        LLVMBuildRet(B, r);
}

void oxj_emit_call(oxj *j, uint32_t funcidx)
{
    const ox_module *m = j->jm->m;
    const ox_functype *ft = &m->types[m->functypes[funcidx]];
    j->nvs -= ft->nparams;
    LLVMValueRef *args = j->vs + j->nvs;
    if (funcidx >= m->nimport_funcs && j->jm->fns[funcidx - m->nimport_funcs]) {
        uint32_t d = funcidx - m->nimport_funcs;
        entry_checks(j, j->callee_left, d);
        LLVMValueRef r = call_native(j, j->jm->fntys[d], j->jm->fns[d],
                                     LLVMGetFunctionCallConv(j->jm->fns[d]), j->inst, j->mem,
                                     j->callee_left, args, ft->nparams);
        if (r)
            push_results(j, r, ft);
        return;
    }
    LLVMValueRef funcs =
        oxj_invariant(j, oxj_load_field(j, j->inst, offsetof(ox_instance, funcs), j->jm->ptr));
    LLVMValueRef f = oxj_invariant(j, oxj_load_elem(j, funcs, LLVMConstInt(j->jm->i64, funcidx, 0)));
    call_slow(j, f, ft, args);
}

void oxj_emit_call_indirect(oxj *j, uint32_t typeidx, uint32_t table)
{
    oxj_mod *jm = j->jm;
    const ox_functype *ft = &jm->m->types[typeidx];
    LLVMValueRef idx = oxj_pop(j);
    j->nvs -= ft->nparams;
    /* the arguments are used on two paths, and pushing may move the stack */
    LLVMValueRef *args = malloc((ft->nparams ? ft->nparams : 1) * sizeof *args);
    if (!args) {
        j->nomem = true;
        return;
    }
    if (ft->nparams)
        memcpy(args, j->vs + j->nvs, ft->nparams * sizeof *args);
    /* what never changes: the instance's arrays, a table's and a function's
       identity; a table's size and entries do */
    LLVMValueRef tables = oxj_invariant(j, oxj_load_field(j, j->inst, offsetof(ox_instance, tables), jm->ptr));
    LLVMValueRef t = oxj_invariant(j, oxj_load_elem(j, tables, LLVMConstInt(jm->i64, table, 0)));
    LLVMValueRef size = oxj_load_field(j, t, offsetof(ox_table, size), jm->i32);
    oxj_trap_if(j, LLVMBuildICmp(B, LLVMIntUGE, idx, size, ""), OX_TRAP_UNDEFINED_ELEMENT);
    LLVMValueRef elems = oxj_load_field(j, t, offsetof(ox_table, elems), jm->ptr);
    LLVMValueRef f = oxj_load_elem(j, elems, LLVMBuildZExt(B, idx, jm->i64, ""));
    oxj_trap_if(j, LLVMBuildIsNull(B, f, ""), OX_TRAP_UNINITIALIZED_ELEMENT);
    /* the type: equal ids, else the store's subtyping */
    LLVMValueRef have = oxj_invariant(j, oxj_load_field(j, f, offsetof(ox_func, type_id), jm->i32));
    LLVMValueRef ids = oxj_invariant(j, oxj_load_field(j, j->inst, offsetof(ox_instance, type_ids), jm->ptr));
    LLVMValueRef want = oxj_invariant(j, oxj_load_field(j, ids, (size_t)typeidx * sizeof(uint32_t), jm->i32));
    LLVMBasicBlockRef sub = oxj_block(j, "sub"), typed = oxj_block(j, "typed");
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntEQ, have, want, ""), typed, sub);
    LLVMPositionBuilderAtEnd(B, sub);
    LLVMValueRef sa[3] = {j->s, have, want};
    LLVMValueRef is_sub = oxj_call_rt(j, OXJ_RT_SUB, sa, 3);
    oxj_trap_if(j, LLVMBuildICmp(B, LLVMIntEQ, is_sub, oxj_i32(j, 0), ""), OX_TRAP_INDIRECT_MISMATCH);
    LLVMBuildBr(B, typed);
    LLVMPositionBuilderAtEnd(B, typed);
    /* compiled: a call of its native code in its instance; else the runtime */
    LLVMValueRef native = oxj_load_field(j, f, offsetof(ox_func, native), jm->ptr);
    LLVMBasicBlockRef fast = oxj_block(j, "native"), slow = oxj_block(j, "slow"),
                      join = oxj_block(j, "called");
    LLVMBuildCondBr(B, LLVMBuildIsNull(B, native, ""), slow, fast);
    LLVMPositionBuilderAtEnd(B, fast);
    LLVMValueRef finst = oxj_invariant(j, oxj_load_field(j, f, offsetof(ox_func, inst), jm->ptr));
    LLVMValueRef fmem = oxj_invariant(j, oxj_load_field(j, finst, offsetof(ox_instance, jit_mem0), jm->ptr));
    LLVMTypeRef fty = oxj_fn_type(jm, ft);
    LLVMValueRef fn = LLVMBuildBitCast(B, native, LLVMPointerType(fty, 0), "");
    /* native code is entered with the C convention: every function's
       native pointer is its thunk (oxj_emit_thunk), which makes the entry
       checks */
    LLVMValueRef r = call_native(j, fty, fn, LLVMCCallConv, finst, fmem, j->callee_left, args,
                                 ft->nparams);
    if (!r) {
        free(args);
        return;
    }
    uint32_t base = j->nvs;
    push_results(j, r, ft);
    LLVMBasicBlockRef fast_end = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, join);
    /* the slow path's results */
    LLVMValueRef rs[64], *fr = rs;
    if (ft->nresults > 64 && !(fr = malloc(ft->nresults * sizeof *fr))) {
        free(args);
        j->nomem = true;
        return;
    }
    if (ft->nresults)
        memcpy(fr, j->vs + base, ft->nresults * sizeof *fr);
    j->nvs = base;
    LLVMPositionBuilderAtEnd(B, slow);
    call_slow(j, f, ft, args);
    free(args);
    LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, join);
    LLVMPositionBuilderAtEnd(B, join);
    for (uint32_t k = 0; k < ft->nresults; k++) {
        LLVMValueRef phi = LLVMBuildPhi(B, oxj_type(jm, ft->results[k]), "");
        LLVMAddIncoming(phi, &fr[k], &fast_end, 1);
        LLVMAddIncoming(phi, &j->vs[base + k], &slow_end, 1);
        j->vs[base + k] = phi;
    }
    if (fr != rs)
        free(fr);
}

/* ---- the ways in ----------------------------------------------------------- */

/* A call of function defidx's code from one of its entries (`fn`, its
   arguments `a`: s, inst, mem, left, the parameters) after the entry
   checks; kept out of line (a fault's address then names the function,
   and its body is not copied into each entry). */
static LLVMValueRef call_from_entry(oxj_mod *jm, uint32_t defidx, LLVMValueRef fn, LLVMValueRef *a)
{
    oxj j;
    memset(&j, 0, sizeof j);
    j.jm = jm;
    j.b = jm->b;
    j.funcidx = jm->m->nimport_funcs + defidx;
    j.fn = fn;
    j.s = a[0];
    j.inst = a[1];
    entry_checks(&j, a[3], defidx);
    uint32_t n = OXJ_NFIXED + jm->m->types[jm->m->funcs[defidx].typeidx].nparams;
    LLVMValueRef r = LLVMBuildCall2(jm->b, jm->fntys[defidx], jm->fns[defidx], a, n, "");
    LLVMSetInstructionCallConv(r, LLVMGetFunctionCallConv(jm->fns[defidx]));
    unsigned noinline = LLVMGetEnumAttributeKindForName("noinline", 8);
    LLVMAddCallSiteAttribute(r, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(jm->ctx, noinline, 0));
    return r;
}

/* The entry from the interpreter: `w(s, inst, mem, slots)` reads the
   arguments from the slots and the depth from the store, calls the
   function, writes its results back. */
bool oxj_emit_wrapper(oxj_mod *jm, uint32_t defidx, LLVMValueRef w)
{
    const ox_module *m = jm->m;
    const ox_functype *ft = &m->types[m->funcs[defidx].typeidx];
    LLVMBuilderRef b = jm->b;
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(jm->ctx, w, "entry"));
    LLVMValueRef slots = LLVMBuildBitCast(b, LLVMGetParam(w, 3), LLVMPointerType(jm->i64, 0), "");
    uint32_t n = OXJ_NFIXED + ft->nparams;
    LLVMValueRef *a = malloc(n * sizeof *a);
    if (!a)
        return false;
    for (uint32_t k = 0; k < 3; k++)
        a[k] = LLVMGetParam(w, k);
    LLVMValueRef off = LLVMConstInt(jm->i64, offsetof(ox_store, jit_left), 0);
    LLVMValueRef leftp = LLVMBuildGEP2(b, jm->i8, a[0], &off, 1, "");
    a[3] = LLVMBuildLoad2(b, jm->i32, LLVMBuildBitCast(b, leftp, LLVMPointerType(jm->i32, 0), ""), "");
    for (uint32_t k = 0, at = 0; k < ft->nparams; at += ox_val_slots(ft->params[k]), k++) {
        LLVMTypeRef t = oxj_type(jm, ft->params[k]);
        LLVMValueRef idx = LLVMConstInt(jm->i64, at, 0);
        LLVMValueRef p = LLVMBuildBitCast(b, LLVMBuildGEP2(b, jm->i64, slots, &idx, 1, ""),
                                          LLVMPointerType(t, 0), "");
        a[OXJ_NFIXED + k] = LLVMBuildLoad2(b, t, p, "");
        LLVMSetAlignment(a[OXJ_NFIXED + k], 8);
    }
    LLVMValueRef r = call_from_entry(jm, defidx, w, a);
    free(a);
    for (uint32_t k = 0, at = 0; k < ft->nresults; at += ox_val_slots(ft->results[k]), k++) {
        LLVMTypeRef t = oxj_type(jm, ft->results[k]);
        LLVMValueRef v = ft->nresults == 1 ? r : LLVMBuildExtractValue(b, r, k, "");
        LLVMValueRef idx = LLVMConstInt(jm->i64, at, 0);
        LLVMValueRef p = LLVMBuildBitCast(b, LLVMBuildGEP2(b, jm->i64, slots, &idx, 1, ""),
                                          LLVMPointerType(t, 0), "");
        LLVMSetAlignment(LLVMBuildStore(b, v, p), 8);
    }
    LLVMBuildRetVoid(b);
    return true;
}

/* Function defidx's native entry, `t(s, inst, mem, left, args...)` with
   the C convention: what its native pointer (call_indirect, another
   instance) calls. It makes the entry checks and calls the code (a jump,
   but from a C thunk to a tailcc function). */
bool oxj_emit_thunk(oxj_mod *jm, uint32_t defidx, LLVMValueRef t)
{
    LLVMBuilderRef b = jm->b;
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(jm->ctx, t, "entry"));
    unsigned n = LLVMCountParams(t);
    LLVMValueRef *a = malloc(n * sizeof *a);
    if (!a)
        return false;
    for (unsigned k = 0; k < n; k++)
        a[k] = LLVMGetParam(t, k);
    LLVMValueRef r = call_from_entry(jm, defidx, t, a);
    free(a);
    if (LLVMGetFunctionCallConv(jm->fns[defidx]) == LLVMCCallConv)
        LLVMSetTailCall(r, 1);
    if (LLVMGetTypeKind(LLVMGetReturnType(jm->fntys[defidx])) == LLVMVoidTypeKind)
        LLVMBuildRetVoid(b);
    else
        LLVMBuildRet(b, r);
    return true;
}
