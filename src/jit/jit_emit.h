/*
 * jit_emit.h — the translator's state, shared by jit_emit.c (control,
 * variables, calls), jit_mem.c (memory) and jit_ops.c (numeric instructions).
 * Internal to src/jit.
 */
#ifndef OX_JIT_EMIT_H
#define OX_JIT_EMIT_H

#include <llvm-c/Core.h>

#include "jit.h"
#include "jit_plugin.h"
#include "opcodes.h"

/* What one LLVM module (one WebAssembly module's compiled functions)
   shares between its functions. */
typedef struct oxj_mod {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    const ox_module *m;
    LLVMTypeRef i1, i8, i32, i64, f32, f64, ptr, slotp;
    LLVMTypeRef v128;         /* <2 x i64>: how a v128 travels */
    LLVMValueRef *fns;        /* per defined function: its LLVM function, NULL if interpreted */
    LLVMTypeRef *fntys;       /* per defined function: its LLVM type */
    const struct oxj_plan *plans; /* per defined function: its scan's plan */
    LLVMValueRef rt[16];      /* the runtime functions, in OX_JIT_RUNTIME order */
    LLVMValueRef tbaa[2];     /* oxj_tbaa's access tags, made on first use */
    LLVMTypeRef rtty[16];
    char prefix[24];          /* symbol prefix, unique in the engine */
} oxj_mod;

/* The runtime functions, in OX_JIT_RUNTIME's order. */
enum { OXJ_RT_TRAP, OXJ_RT_POLL, OXJ_RT_CALL, OXJ_RT_SUB, OXJ_RT_GROW, OXJ_RT_FILL, OXJ_RT_COPY,
       OXJ_RT_INIT, OXJ_RT_DROP, OXJ_RT_COUNT };

/* A control frame. */
typedef struct oxj_ctl {
    uint8_t kind;             /* OXJ_BLOCK, OXJ_LOOP, OXJ_IF, OXJ_FUNC */
    bool dead;                /* the rest of its code is unreachable */
    bool else_seen;
    uint32_t height;          /* operand stack height below its parameters */
    uint32_t np, nr;
    const ox_valtype *pt, *rt;
    ox_valtype one;           /* storage for a single-result block type */
    LLVMBasicBlockRef head;   /* a loop's header */
    LLVMBasicBlockRef end;    /* where its end continues */
    LLVMBasicBlockRef els;    /* an if's else */
    LLVMValueRef *phis;       /* loop: np at the header; others: nr at the end */
    LLVMValueRef *params;     /* an if's parameters, for its else */
    uint32_t nin;             /* branches to the end so far */
    uint32_t fuel;            /* a loop's: what a back-edge charges */
    uint8_t copy;             /* a loop translated twice (jit_loop.c): 1 the fast
                                 copy, 2 the usual one after it; else 0 */
} oxj_ctl;

enum { OXJ_BLOCK, OXJ_LOOP, OXJ_IF, OXJ_FUNC };

/* One function's translation. */
typedef struct oxj {
    oxj_mod *jm;
    LLVMBuilderRef b;
    uint32_t funcidx;
    LLVMValueRef fn, s, inst, mem;
    LLVMValueRef *locals;     /* allocas */
    LLVMTypeRef *ltys;
    uint32_t nlocals;
    LLVMValueRef *vs;         /* the operand stack */
    uint32_t nvs, capvs;
    oxj_ctl *cs;
    uint32_t ncs, capcs;
    const uint8_t *p, *end;   /* the body being read */
    LLVMBasicBlockRef traps[32]; /* a shared block per trap kind */
    LLVMValueRef left;        /* calls left on entry (the argument `left`) */
    LLVMValueRef callee_left; /* left - 1: what a call passes */
    LLVMValueRef slots;       /* an array for calls through the runtime */
    uint32_t nslots;
    const uint32_t *loop_fuel; /* each loop's fuel, in order */
    uint32_t nloops;
    /* the on-stack-replacement entry (oxj_emit_osr): the switch from its
       key to the loop headers, the interpreter's frame and its operand
       stack; NULL else. Operand values below a control frame go through
       allocas there (osr_spills, per height and type; mem2reg makes them
       SSA again), so a loop entered from the switch defines them too. */
    LLVMValueRef osr_switch, osr_frame, osr_stack;
    LLVMValueRef *osr_spills;
    uint32_t nosr_spills;
    LLVMBasicBlockRef entry;
    const uint8_t *body;      /* the body's first byte (OSR keys are offsets from it) */
    const uint8_t *op_at;     /* the instruction being translated */
    /* a loop translated twice (jit_loop.c): the loop, where its body
       starts, the loops met and the stack height at its start, the block
       of the usual copy, and where the fast copy ended with its results
       (fast_end NULL when nothing reaches it) */
    struct oxj_lv *fast;      /* set while the fast copy is translated */
    struct {
        struct oxj_lv *lv;
        const uint8_t *p;
        uint32_t loops, height;
        LLVMBasicBlockRef usual, fast_end;
        LLVMBasicBlockRef check;  /* the check, entered again after each run of the fast copy */
        /* the usual copy runs first and goes to the check after a few
           iterations (short loops never pay for it): their count, and
           where a failed check resumes the usual copy */
        LLVMValueRef tries;
        LLVMBasicBlockRef resume;
        LLVMBasicBlockRef idiom;  /* oxj_loop_idiom's block, to end past the fast copy */
        LLVMValueRef *below;      /* an OSR entry's: the values below the loop, and */
        const uint8_t *op_at;     /* its opcode (the usual copy's landing key) */
        LLVMValueRef *fast_res;
    } twice;
    bool nomem;
} oxj;

/* An instruction's immediates. */
typedef struct oxj_imm {
    uint32_t a, b, mem;
    uint64_t v;
    uint32_t np, nr;          /* block types */
    const ox_valtype *pt, *rt;
    const uint8_t *vec;       /* br_table's labels */
    const uint8_t *bytes;     /* v128.const's 16 bytes, i8x16.shuffle's lanes */
    uint8_t lane;             /* lane immediates */
} oxj_imm;

/* What the scan learns of a function it can compile. */
typedef struct oxj_plan {
    uint32_t *loop_fuel;      /* per loop, in order of appearance */
    uint32_t nloops;
    uint32_t fuel;            /* the function's (charged at entry) */
    uint32_t nslots;          /* the widest call through the runtime */
    uint32_t *tails;          /* defined functions it return_calls */
    uint32_t ntails;
    uint32_t *calls;          /* defined functions it calls (with `call`), each
                                 | OXJ_IN_LOOP when the call is inside a loop */
    uint32_t ncalls;
} oxj_plan;

#define OXJ_IN_LOOP 0x80000000u

/* Functions that make or take a return_call use LLVM's tailcc convention
   (its number: the C API names no constant for it): a call marked tail in
   tail position is then always a jump, whatever the two signatures. The
   others keep the C convention: tailcc's callee-popped stack and frame
   cost fib 25% (measured). */
#define OXJ_TAILCC 18u

/* A compiled function's arguments before its parameters: s, inst, mem,
   left (jit_call.c). */
#define OXJ_NFIXED 4

/* jit_emit.c: whether function `defidx` of m can be compiled (and what
   its translation needs); translate it into jm->fns[defidx], declared
   with oxj_fn_type. */
bool oxj_scan(const ox_module *m, uint32_t defidx, oxj_plan *plan);
void oxj_plan_free(oxj_plan *plan);
bool oxj_emit_function(oxj_mod *jm, uint32_t defidx, const oxj_plan *plan);
/* Whether function `defidx` gets an on-stack-replacement entry, and that
   entry `o(s, inst, mem, frame, stack, key)` (module.h, ox_jit_osr): the
   function again, entered at the loop whose `loop` opcode is at body
   offset key-1 with its locals read from the interpreter's frame and the
   operand values below and as its parameters from `stack` (each in its
   cells, by widths), its results written to the frame; it returns 1, or 0
   when no loop has that key. */
bool oxj_wants_osr(const oxj_plan *plan);

/* jit_osr.c: cell k from `base` (the interpreter's frame or operand stack)
   as a pointer to t; the operand values below height n to their allocas
   (a control frame starts) or back (one ended, an else, a loop header);
   the landing from the entry's switch into loop f. */
LLVMValueRef oxj_cell_ptr(oxj *j, LLVMValueRef base, uint32_t k, LLVMTypeRef t);
void oxj_osr_spill(oxj *j, uint32_t n);
void oxj_osr_reload(oxj *j, uint32_t n);
void oxj_osr_landing(oxj *j, oxj_ctl *f);
bool oxj_emit_osr(oxj_mod *jm, uint32_t defidx, const oxj_plan *plan, LLVMValueRef o);

/* jit_call.c: the LLVM type of a compiled function of type ft; function
   defidx's wrapper `w(s, inst, mem, slots)` (the interpreter's way in:
   arguments and results in slots, the depth in the store) and thunk `t`
   (its native entry, the C convention, the function's own type); call,
   return_call, call_indirect on j's stack; whether the C stack is used
   up to the store's limit (a trap); whether a function's frame could
   outgrow the room the limit leaves it (it then checks its own stack at
   its entry). */
LLVMTypeRef oxj_fn_type(oxj_mod *jm, const ox_functype *ft);
bool oxj_emit_wrapper(oxj_mod *jm, uint32_t defidx, LLVMValueRef w);
bool oxj_emit_thunk(oxj_mod *jm, uint32_t defidx, LLVMValueRef t);
void oxj_emit_call(oxj *j, uint32_t funcidx);
void oxj_emit_return_call(oxj *j, uint32_t funcidx);
void oxj_emit_call_indirect(oxj *j, uint32_t typeidx, uint32_t table);
void oxj_stack_check(oxj *j);
bool oxj_big_frame(uint32_t nlocals, uint32_t body_len, uint32_t nslots);

/* jit_ops.c: the numeric instructions (the table's BIN, UN, TRUNC, SAT
   groups and the trapping binops): emit `oi` on j's stack. False when
   oi is not one of them. */
bool oxj_numeric(oxj *j, const ox_opinfo *oi);
/* Whether oxj_numeric compiles this instruction. */
bool oxj_numeric_known(enum ox_opcode op);
/* WebAssembly's fmin/fmax of two floats or float vectors. */
LLVMValueRef oxj_minmax(oxj *j, LLVMValueRef a, LLVMValueRef b, bool is_min);

/* jit_simd.c: the 0xFD instructions; whether it compiles one. */
bool oxj_simd(oxj *j, const ox_opinfo *oi, const oxj_imm *im);
bool oxj_simd_known(enum ox_opcode op);

/* jit_mem.c: whether a function may use memory `mem`; the address of an
   access of memory `mem` at addr + off as a pointer to t (a 64-bit
   memory's address checked); the memory instructions but SIMD's (false
   when oi is not one). */
bool oxj_mem_ok(const ox_module *m, uint32_t mem);
LLVMValueRef oxj_address(oxj *j, uint32_t mem, LLVMValueRef addr, uint64_t off, LLVMTypeRef t);
bool oxj_memory(oxj *j, const ox_opinfo *oi, const oxj_imm *im);
LLVMValueRef oxj_keep_load(oxj *j, LLVMValueRef load);

/* jit_mem.c: memory `mem`'s accessible size in bytes (i64), read now. */
LLVMValueRef oxj_mem_size(oxj *j, uint32_t mem);
/* jit_mem.c: memory `mem`'s base address (an i8 pointer). */
LLVMValueRef oxj_mem_base(oxj *j, uint32_t mem);

/* jit_loop.c: a loop whose body starts at p, if it can have a fast copy
   (NULL else; free with oxj_loop_free); the check before it (an i1: the
   fast copy may run; `cost` is the fuel a back-edge charges; with fewer
   than min_trips iterations to go it branches to `fewer`) and, first
   in the fast copy, the fuel charged for all its back-edges; whether the
   access at `at` is one it proved in bounds. */
typedef struct oxj_lv oxj_lv;
oxj_lv *oxj_loop_scan(oxj *j, const uint8_t *p);
LLVMValueRef oxj_loop_check(oxj *j, oxj_lv *lv, uint32_t cost, uint32_t min_trips, LLVMBasicBlockRef fewer);
void oxj_loop_charge(oxj *j, const oxj_lv *lv);
bool oxj_loop_proven(const oxj_lv *lv, const uint8_t *at);
/* In the fast copy: the iteration number's phi at its header (entered
   from `from`) and its step at the back-edge; the hints on its latch
   `br`; the address (i64, offset not added) of the proven access at
   `at`, or NULL. */
void oxj_loop_header(oxj *j, oxj_lv *lv, LLVMBasicBlockRef from);
void oxj_loop_backedge(oxj *j, oxj_lv *lv);
void oxj_loop_latch(oxj *j, LLVMValueRef br);
/* At the fast copy's back-edge: its condition (an i1, in place of the
   body's); past it, whether the loop goes on after this run (an i1: poll
   and check again). */
LLVMValueRef oxj_loop_continues(oxj *j, const oxj_lv *lv);
LLVMValueRef oxj_loop_more(const oxj_lv *lv);
/* Whether the loop has ways out besides its back-edge (T bounds its
   iterations: its check waits for some). */
bool oxj_loop_exits(const oxj_lv *lv);
LLVMValueRef oxj_loop_address(oxj *j, const oxj_lv *lv, const uint8_t *at);
/* After the check, in the fast copy's first block: when the loop is a
   copy that memmove may do, the test and the block doing it (to be ended
   with a branch past the loop), else NULL. */
LLVMBasicBlockRef oxj_loop_idiom(oxj *j, oxj_lv *lv);
void oxj_loop_free(oxj_lv *lv);
/* jit_emit.c: read the instruction at *p (advancing it), with its
   immediates; NULL when the translator does not handle it. */
const ox_opinfo *oxj_rd_instr(const ox_module *m, const uint8_t **p, const uint8_t *end, oxj_imm *im);

/* jit_ir.c: the stack, blocks, constants, the runtime, traps. */
/* A pointer `off` bytes into the object at base, as a pointer to t; the
   t there; element k of an array of pointers at p. */
LLVMValueRef oxj_field_ptr(oxj *j, LLVMValueRef base, size_t off, LLVMTypeRef t);
LLVMValueRef oxj_load_field(oxj *j, LLVMValueRef base, size_t off, LLVMTypeRef t);
LLVMValueRef oxj_load_elem(oxj *j, LLVMValueRef p, LLVMValueRef k);
/* The store's interrupt word (the OX_POLL_ bits), an atomic load. */
LLVMValueRef oxj_interrupt_word(oxj *j);
/* Mark a load of what never changes once the instance exists (LLVM may
   read it once); tag a load or store of wasm memory or of a global's value
   for alias analysis. Both return what they mark. */
LLVMValueRef oxj_invariant(oxj *j, LLVMValueRef load);
enum { OXJ_TBAA_MEMORY, OXJ_TBAA_GLOBAL };
LLVMValueRef oxj_tbaa(oxj *j, LLVMValueRef access, int kind);
LLVMBasicBlockRef oxj_block(oxj *j, const char *name);
LLVMValueRef oxj_i32(oxj *j, uint64_t v);
LLVMValueRef oxj_call_rt(oxj *j, int which, LLVMValueRef *args, unsigned n);
LLVMBasicBlockRef oxj_trap_block(oxj *j, ox_trap kind);
LLVMValueRef oxj_pop(oxj *j);
void oxj_push(oxj *j, LLVMValueRef v);
/* The interruption check point, in the name of function `funcidx`: with
   nothing metered one load and a branch; with fuel alone, the charge
   inline; else the runtime charges `cost` fuel or traps. */
void oxj_poll_as(oxj *j, uint32_t funcidx, uint32_t cost);
/* Branch to the trap of `kind` when cond holds; continue after it. */
void oxj_trap_if(oxj *j, LLVMValueRef cond, ox_trap kind);
/* A variable of type t for the whole function (an alloca in its entry
   block, mem2reg makes it SSA), holding init (may be NULL) from the start. */
LLVMValueRef oxj_entry_alloca(oxj *j, LLVMTypeRef t, LLVMValueRef init);
/* A conditional branch to `rare` when cond holds, marked unlikely for the
   optimiser (block order, register allocation). */
void oxj_unlikely_br(oxj *j, LLVMValueRef cond, LLVMBasicBlockRef rare, LLVMBasicBlockRef usual);
LLVMValueRef oxj_intrinsic(oxj *j, const char *name, LLVMTypeRef ret, LLVMValueRef *args,
                           unsigned n);
/* The intrinsic llvm.BASE overloaded on (and returning) the type of
   args[0], a scalar or a vector: "llvm.sqrt.f64", "llvm.ctpop.v16i8". */
LLVMValueRef oxj_overloaded(oxj *j, const char *base, LLVMValueRef *args, unsigned n);
/* The LLVM type of a numeric value type (NULL for others). */
LLVMTypeRef oxj_type(const oxj_mod *jm, ox_valtype t);

#endif
