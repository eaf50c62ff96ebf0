/*
 * jit_osr.c — the values of an on-stack-replacement entry (jit_emit.c,
 * oxj_emit_osr): reading the interpreter's frame and operand stack, and
 * the allocas that carry operand values below a control frame past the
 * loop landings that bypass their definitions (mem2reg makes them SSA
 * again). docs/engine.md, "On-stack replacement".
 */
#include <stdlib.h>
#include <string.h>

#include "jit_emit.h"

#define B (j->b)

/* Cell k from `base` (the interpreter's frame or operand stack, for the
   OSR entry), as a pointer to t. */
LLVMValueRef oxj_cell_ptr(oxj *j, LLVMValueRef base, uint32_t k, LLVMTypeRef t)
{
    LLVMValueRef idx = LLVMConstInt(j->jm->i64, k, 0);
    LLVMValueRef cells = LLVMBuildBitCast(B, base, LLVMPointerType(j->jm->i64, 0), "");
    return LLVMBuildBitCast(B, LLVMBuildGEP2(B, j->jm->i64, cells, &idx, 1, ""),
                            LLVMPointerType(t, 0), "");
}

/* The OSR entry's alloca for operand height k holding type t (made in the
   entry block on first use). */
static LLVMValueRef spill_slot(oxj *j, uint32_t k, LLVMTypeRef t)
{
    const oxj_mod *jm = j->jm;
    uint32_t ti = t == jm->i32 ? 0 : t == jm->i64 ? 1 : t == jm->f32 ? 2 : t == jm->f64 ? 3 : 4;
    uint32_t at = 5 * k + ti;
    if (at >= j->nosr_spills) {
        uint32_t n = 5 * (k + 8);
        LLVMValueRef *a = realloc(j->osr_spills, n * sizeof *a);
        if (!a) {
            j->nomem = true;
            return NULL;
        }
        memset(a + j->nosr_spills, 0, (n - j->nosr_spills) * sizeof *a);
        j->osr_spills = a;
        j->nosr_spills = n;
    }
    if (!j->osr_spills[at])
        j->osr_spills[at] = oxj_entry_alloca(j, t, NULL);
    return j->osr_spills[at];
}

/* OSR entry: the values below height n to their allocas (a control frame
   starts there), or back from them (one ended: its end may be reached
   from a loop the switch entered, past the values' definitions). */
void oxj_osr_spill(oxj *j, uint32_t n)
{
    for (uint32_t k = 0; k < n && !j->nomem; k++) {
        LLVMValueRef a = spill_slot(j, k, LLVMTypeOf(j->vs[k]));
        if (a)
            LLVMBuildStore(B, j->vs[k], a);
    }
}

void oxj_osr_reload(oxj *j, uint32_t n)
{
    for (uint32_t k = 0; k < n && !j->nomem; k++) {
        LLVMTypeRef t = LLVMTypeOf(j->vs[k]);
        LLVMValueRef a = spill_slot(j, k, t);
        if (a)
            j->vs[k] = LLVMBuildLoad2(B, t, a, "");
    }
}

/* Cells a value of LLVM type t takes in the interpreter: 2 for a v128. */
static uint32_t cells_of(const oxj *j, LLVMTypeRef t) { return t == j->jm->v128 ? 2 : 1; }

/* OSR entry: the way in at loop f from the switch, keyed as the
   interpreter keys it (compile_ctl.c: its opcode's body offset, plus 1):
   the values below it to their allocas and its parameters to its header,
   read from the interpreter's operand stack, each in its cells. */
void oxj_osr_landing(oxj *j, oxj_ctl *f)
{
    LLVMBasicBlockRef land = oxj_block(j, "osr"), head = LLVMGetInsertBlock(B);
    LLVMAddCase(j->osr_switch, oxj_i32(j, (uint32_t)(j->op_at - j->body) + 1), land);
    LLVMPositionBuilderAtEnd(B, land);
    for (uint32_t k = 0, at = 0; k < f->height + f->np && !j->nomem; k++) {
        LLVMTypeRef t = LLVMTypeOf(j->vs[k]);
        LLVMValueRef v = LLVMBuildLoad2(B, t, oxj_cell_ptr(j, j->osr_stack, at, t), "");
        LLVMSetAlignment(v, 8);
        at += cells_of(j, t);
        if (k >= f->height) {
            LLVMAddIncoming(f->phis[k - f->height], &v, &land, 1);
        } else {
            LLVMValueRef a = spill_slot(j, k, t);
            if (a)
                LLVMBuildStore(B, v, a);
        }
    }
    LLVMBuildBr(B, f->head);
    LLVMPositionBuilderAtEnd(B, head);
}

