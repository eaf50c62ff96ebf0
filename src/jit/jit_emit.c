/*
 * jit_emit.c — a WebAssembly function body to LLVM IR.
 *
 * One pass over the (already validated) body with an operand stack of SSA
 * values and a stack of control frames, as the spec's validation
 * algorithm walks it: a block's results meet in phi nodes at its end, a
 * loop's parameters in phi nodes at its header; locals are allocas that
 * LLVM's mem2reg turns into registers. Code after an unconditional
 * branch is skipped up to the end of its block.
 *
 * Before that, a scan (oxj_scan) reads the body once to decide whether
 * this translator handles every instruction and value type in it, and to
 * count the fuel each loop charges. A function it does not handle stays
 * interpreted (jit.h).
 *
 * What compiled code keeps of the interpreter's sandbox: fuel and
 * interruption are polled at function entry and at loop back-edges,
 * charging what the interpreter charges at the same points (code.h,
 * fuel); calls count down a depth ("call stack exhausted" where the
 * interpreter would say it) and check the C stack. The call makes the
 * checks of the function's entry (entry_checks), so that a function's
 * own entry calls nothing that returns. The depth travels as
 * a compiled function's fourth argument, `left`, not through the store:
 * a counter in memory made every call wait on its caller's store (fib
 * 17% slower); only calls through the runtime leave it in
 * ox_store.jit_left, where a wrapper or an OSR entry reads it back.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit_emit.h"
#include "leb.h"

#define B (j->b)

/* ---- reading the body (validated: no error checks needed) -------------- */

static uint64_t rd_u(const uint8_t **p, const uint8_t *end, unsigned bits)
{
    uint64_t v = 0;
    (void)ox_leb_u(p, end, bits, &v);
    return v;
}

static int64_t rd_s(const uint8_t **p, const uint8_t *end, unsigned bits)
{
    int64_t v = 0;
    (void)ox_leb_s(p, end, bits, &v);
    return v;
}

/* The value types compiled code holds: numbers and vectors, no references
   (the collector finds references in interpreter frames only). */
static const ox_valtype numeric_types[5] = {OX_I32, OX_I64, OX_F32, OX_F64, OX_V128};

static bool is_numeric(ox_valtype t)
{
    return t == OX_I32 || t == OX_I64 || t == OX_F32 || t == OX_F64 || t == OX_V128;
}

static bool all_numeric(const ox_valtype *ts, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        if (!is_numeric(ts[k]))
            return false;
    return true;
}

static bool functype_ok(const ox_functype *t)
{
    return all_numeric(t->params, t->nparams) && all_numeric(t->results, t->nresults);
}


/* A block type: false when it is not one of numeric values. */
static bool rd_blocktype(const ox_module *m, const uint8_t **p, const uint8_t *end, oxj_imm *im)
{
    uint8_t b = **p;
    im->np = im->nr = 0;
    if (b == 0x40) {
        (*p)++;
        return true;
    }
    for (unsigned k = 0; k < 5; k++)
        if (b == numeric_types[k]) {
            (*p)++;
            im->nr = 1;
            im->rt = &numeric_types[k];
            return true;
        }
    if (b >= 0x40 && b < 0x80)
        return false; /* another value type */
    int64_t idx = rd_s(p, end, 33);
    if (idx < 0 || (uint64_t)idx >= m->ntypes)
        return false;
    const ox_functype *ft = &m->types[idx];
    im->np = ft->nparams;
    im->nr = ft->nresults;
    im->pt = ft->params;
    im->rt = ft->results;
    return functype_ok(ft);
}

/* Read the next instruction: its line in the table and immediates. NULL
   when this translator does not handle it. */
const ox_opinfo *oxj_rd_instr(const ox_module *m, const uint8_t **p, const uint8_t *end, oxj_imm *im)
{
    if (*p >= end)
        return NULL;
    uint8_t prefix = 0, op = *(*p)++;
    uint32_t code = op;
    if (op == 0xFB || op == 0xFC || op == 0xFD) {
        prefix = op;
        code = (uint32_t)rd_u(p, end, 32);
    }
    const ox_opinfo *oi = ox_opinfo_get(prefix, code);
    if (!oi)
        return NULL;
    memset(im, 0, sizeof *im);
    switch (oi->imm) {
    case OX_IMM_NONE:
        break;
    case OX_IMM_BLOCK:
        if (!rd_blocktype(m, p, end, im))
            return NULL;
        break;
    case OX_IMM_LABEL: case OX_IMM_FUNC: case OX_IMM_LOCAL: case OX_IMM_GLOBAL: case OX_IMM_DATA:
        im->a = (uint32_t)rd_u(p, end, 32);
        break;
    case OX_IMM_CALL_INDIRECT:
        im->a = (uint32_t)rd_u(p, end, 32);
        im->b = (uint32_t)rd_u(p, end, 32);
        break;
    case OX_IMM_BR_TABLE:
        im->a = (uint32_t)rd_u(p, end, 32);
        im->vec = *p;
        for (uint32_t k = 0; k <= im->a; k++)
            rd_u(p, end, 32);
        break;
    case OX_IMM_SELECT_T:
        if (rd_u(p, end, 32) != 1 || !is_numeric(**p))
            return NULL;
        (*p)++;
        break;
    case OX_IMM_MEMARG: {
        uint32_t flags = (uint32_t)rd_u(p, end, 32);
        if (flags & 0x40)
            im->mem = (uint32_t)rd_u(p, end, 32);
        im->a = flags & 0x3F;
        im->v = rd_u(p, end, 64);
        break;
    }
    case OX_IMM_MEM:
        im->mem = (uint32_t)rd_u(p, end, 32);
        break;
    case OX_IMM_MEM_MEM:
        im->mem = (uint32_t)rd_u(p, end, 32);
        im->b = (uint32_t)rd_u(p, end, 32); /* memory.copy's source */
        break;
    case OX_IMM_DATA_MEM:
        im->a = (uint32_t)rd_u(p, end, 32);
        im->mem = (uint32_t)rd_u(p, end, 32);
        break;
    case OX_IMM_I32:
        im->v = (uint32_t)rd_s(p, end, 32);
        break;
    case OX_IMM_I64:
        im->v = (uint64_t)rd_s(p, end, 64);
        break;
    case OX_IMM_F32: case OX_IMM_F64: {
        size_t n = oi->imm == OX_IMM_F32 ? 4 : 8;
        if ((size_t)(end - *p) < n)
            return NULL;
        memcpy(&im->v, *p, n);
        *p += n;
        break;
    }
    case OX_IMM_V128: case OX_IMM_SHUFFLE:
        if (end - *p < 16)
            return NULL;
        im->bytes = *p;
        *p += 16;
        break;
    case OX_IMM_LANE:
        if (*p >= end)
            return NULL;
        im->lane = *(*p)++;
        break;
    case OX_IMM_MEMARG_LANE: {
        uint32_t flags = (uint32_t)rd_u(p, end, 32);
        if (flags & 0x40)
            im->mem = (uint32_t)rd_u(p, end, 32);
        im->a = flags & 0x3F;
        im->v = rd_u(p, end, 64);
        if (*p >= end)
            return NULL;
        im->lane = *(*p)++;
        break;
    }
    default:
        return NULL;
    }
    return oi;
}

/* The other instructions this translator compiles (the numeric ones are
   jit_ops.c's; loads and stores go by shape). */
static bool other_known(enum ox_opcode op)
{
    switch (op) {
    case OXO_UNREACHABLE: case OXO_NOP: case OXO_BLOCK: case OXO_LOOP: case OXO_IF:
    case OXO_ELSE: case OXO_END: case OXO_BR: case OXO_BR_IF: case OXO_BR_TABLE:
    case OXO_RETURN: case OXO_CALL: case OXO_CALL_INDIRECT: case OXO_RETURN_CALL:
    case OXO_DROP: case OXO_SELECT:
    case OXO_SELECT_T: case OXO_LOCAL_GET: case OXO_LOCAL_SET: case OXO_LOCAL_TEE:
    case OXO_GLOBAL_GET: case OXO_GLOBAL_SET: case OXO_MEMORY_SIZE: case OXO_MEMORY_GROW:
    case OXO_I32_CONST: case OXO_I64_CONST: case OXO_F32_CONST: case OXO_F64_CONST:
    case OXO_MEMORY_INIT: case OXO_DATA_DROP: case OXO_MEMORY_COPY: case OXO_MEMORY_FILL:
        return true;
    default:
        return false;
    }
}

static bool is_scalar_access(enum ox_opcode op)
{
    switch (op) {
#define OX_X(name, ...) case OXO_##name:
    OX_LOAD_OPS(OX_X) OX_STORE_OPS(OX_X)
#undef OX_X
        return true;
    default:
        return false;
    }
}

/* The declared locals' types after the parameters, into *types (malloc'd,
   nparams + declared entries); the body's code starts at *code. False
   when one is not numeric (or there are too many to hold). */
static bool rd_locals(const ox_module *m, uint32_t defidx, ox_valtype **types, uint32_t *n,
                      const uint8_t **code)
{
    const ox_funcdef *fd = &m->funcs[defidx];
    const ox_functype *ft = &m->types[fd->typeidx];
    const uint8_t *p = m->bytes + fd->body.off, *end = p + fd->body.len;
    uint32_t groups = (uint32_t)rd_u(&p, end, 32);
    uint64_t total = ft->nparams;
    const uint8_t *q = p;
    for (uint32_t g = 0; g < groups; g++) {
        total += rd_u(&q, end, 32);
        if (q >= end || !is_numeric(*q))
            return false;
        q++;
    }
    if (total > 50000)
        return false;
    ox_valtype *t = malloc((total ? total : 1) * sizeof *t);
    if (!t)
        return false;
    if (ft->nparams)
        memcpy(t, ft->params, ft->nparams * sizeof *t);
    uint32_t at = ft->nparams;
    for (uint32_t g = 0; g < groups; g++) {
        uint32_t c = (uint32_t)rd_u(&p, end, 32);
        ox_valtype vt = *p++;
        for (uint32_t k = 0; k < c; k++)
            t[at++] = vt;
    }
    *types = t;
    *n = at;
    *code = p;
    return true;
}

/* ---- the scan ------------------------------------------------------------ */

static bool global_ok(const ox_module *m, uint32_t g)
{
    return g < m->nglobals && is_numeric(m->globals[g].type);
}

/* The cells a call through the runtime takes: its arguments or results
   (a v128 two), at least one. */
static uint32_t call_cells(const ox_functype *ft)
{
    uint32_t p = ox_types_slots(ft->params, ft->nparams), r = ox_types_slots(ft->results, ft->nresults);
    return p > r ? p : r ? r : 1;
}

/* Append v to *a (n entries, capacity the next power of two); false
   when out of memory. */
static bool push_index(uint32_t **a, uint32_t *n, uint32_t v)
{
    if (*n == 0 || (*n >= 4 && (*n & (*n - 1)) == 0)) {
        uint32_t cap = *n ? *n * 2 : 4;
        uint32_t *a2 = realloc(*a, cap * sizeof *a2);
        if (!a2)
            return false;
        *a = a2;
    }
    (*a)[(*n)++] = v;
    return true;
}

bool oxj_scan(const ox_module *m, uint32_t defidx, oxj_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    if (!functype_ok(&m->types[m->funcs[defidx].typeidx]))
        return false;
    ox_valtype *ltypes;
    uint32_t nlocals;
    const uint8_t *p, *end = m->bytes + m->funcs[defidx].body.off + m->funcs[defidx].body.len;
    if (!rd_locals(m, defidx, &ltypes, &nlocals, &p))
        return false;
    free(ltypes);
    /* frames: the count where each open loop's body started, or UINT64_MAX */
    uint64_t *open = NULL;
    uint32_t *fuel = NULL;
    uint32_t nopen = 0, capopen = 0, nloop = 0, capfuel = 0, inloop = 0;
    uint64_t count = 0;
    bool ok = true;
    while (ok && p < end) {
        oxj_imm im;
        const ox_opinfo *oi = oxj_rd_instr(m, &p, end, &im);
        count++;
        if (!oi) {
            ok = false;
            break;
        }
        enum ox_opcode op = (enum ox_opcode)oi->op;
        bool simd = oi->prefix == 0xFD && oxj_simd_known(op);
        if (!other_known(op) && !oxj_numeric_known(op) && !is_scalar_access(op) && !simd) {
            ok = false;
            break;
        }
        bool access = oi->shape == OX_SHAPE_LOAD || oi->shape == OX_SHAPE_STORE ||
                      oi->shape == OX_SHAPE_LOAD_LANE || oi->shape == OX_SHAPE_STORE_LANE;
        if (access && !oxj_mem_ok(m, im.mem))
            ok = false;
        switch (op) {
        case OXO_BLOCK: case OXO_LOOP: case OXO_IF:
            if (nopen == capopen) {
                capopen = capopen ? capopen * 2 : 16;
                uint64_t *n2 = realloc(open, capopen * sizeof *n2);
                if (!n2) {
                    ok = false;
                    break;
                }
                open = n2;
            }
            if (op == OXO_LOOP) {
                if (nloop == capfuel) {
                    capfuel = capfuel ? capfuel * 2 : 8;
                    uint32_t *f2 = realloc(fuel, capfuel * sizeof *f2);
                    if (!f2) {
                        ok = false;
                        break;
                    }
                    fuel = f2;
                }
                fuel[nloop] = 0;
                open[nopen++] = count | (uint64_t)nloop++ << 40;
                inloop++;
            } else {
                open[nopen++] = UINT64_MAX;
            }
            break;
        case OXO_END:
            if (nopen > 0) {
                uint64_t o = open[--nopen];
                if (o != UINT64_MAX) {
                    inloop--;
                    uint64_t f = count - (o & ((UINT64_C(1) << 40) - 1));
                    fuel[o >> 40] = f > UINT32_MAX ? UINT32_MAX : (uint32_t)f;
                }
            }
            break;
        case OXO_RETURN_CALL:
            /* a tail call stays one only between compiled functions of the
               module: the targets must compile too (oxj_tail_targets_ok) */
            if (im.a < m->nimport_funcs || !push_index(&plan->tails, &plan->ntails, im.a - m->nimport_funcs)) {
                ok = false;
                break;
            }
            /* typed as a call */
            /* fall through */
        case OXO_CALL: {
            if (im.a >= m->nfuncs) {
                ok = false;
                break;
            }
            if (op == OXO_CALL && im.a >= m->nimport_funcs &&
                !push_index(&plan->calls, &plan->ncalls,
                            (im.a - m->nimport_funcs) | (inloop ? OXJ_IN_LOOP : 0))) {
                ok = false;
                break;
            }
            const ox_functype *ft = &m->types[m->functypes[im.a]];
            ok = functype_ok(ft);
            uint32_t w = call_cells(ft);
            if (w > plan->nslots)
                plan->nslots = w;
            break;
        }
        case OXO_CALL_INDIRECT: {
            const ox_functype *ft = &m->types[im.a];
            ok = functype_ok(ft) && !m->tables[im.b].limits.is64;
            uint32_t w = call_cells(ft);
            if (w > plan->nslots)
                plan->nslots = w;
            break;
        }
        case OXO_GLOBAL_GET: case OXO_GLOBAL_SET:
            ok = global_ok(m, im.a);
            break;
        case OXO_MEMORY_SIZE: case OXO_MEMORY_GROW: case OXO_MEMORY_INIT: case OXO_MEMORY_COPY:
        case OXO_MEMORY_FILL:
            ok = oxj_mem_ok(m, im.mem) && (op != OXO_MEMORY_COPY || oxj_mem_ok(m, im.b));
            break;
        default:
            break;
        }
    }
    free(open);
    if (!ok) {
        free(fuel);
        oxj_plan_free(plan);
        return false;
    }
    plan->loop_fuel = fuel;
    plan->nloops = nloop;
    plan->fuel = count > UINT32_MAX ? UINT32_MAX : count ? (uint32_t)count : 1;
    return true;
}

void oxj_plan_free(oxj_plan *plan)
{
    free(plan->loop_fuel);
    free(plan->tails);
    free(plan->calls);
    plan->loop_fuel = NULL;
    plan->tails = plan->calls = NULL;
    plan->ntails = plan->ncalls = 0;
}

/* ---- the operand stack and helpers -------------------------------------- */

static void poll(oxj *j, uint32_t cost) { oxj_poll_as(j, j->funcidx, cost); }

/* ---- control ------------------------------------------------------------- */

static oxj_ctl *push_ctl(oxj *j, uint8_t kind, const oxj_imm *im)
{
    if (j->osr_switch)
        oxj_osr_spill(j, j->nvs - im->np);
    if (j->ncs == j->capcs) {
        uint32_t cap = j->capcs ? j->capcs * 2 : 16;
        oxj_ctl *n = realloc(j->cs, cap * sizeof *n);
        if (!n) {
            j->nomem = true;
            return NULL;
        }
        j->cs = n;
        j->capcs = cap;
    }
    oxj_ctl *f = &j->cs[j->ncs++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->np = im->np;
    f->nr = im->nr;
    f->pt = im->pt;
    f->rt = im->rt;
    f->height = j->nvs - im->np;
    f->end = oxj_block(j, "end");
    uint32_t n = f->np + f->nr;
    f->phis = calloc(n ? n : 1, sizeof *f->phis);
    if (!f->phis) {
        j->nomem = true;
        return NULL;
    }
    /* the results' phis at the end, made now so branches can feed them */
    LLVMBasicBlockRef here = LLVMGetInsertBlock(B);
    LLVMPositionBuilderAtEnd(B, f->end);
    for (uint32_t k = 0; k < f->nr; k++)
        f->phis[f->np + k] = LLVMBuildPhi(B, oxj_type(j->jm, f->rt[k]), "");
    LLVMPositionBuilderAtEnd(B, here);
    return f;
}

static void add_incoming(LLVMValueRef *phis, LLVMValueRef *vals, uint32_t n, LLVMBasicBlockRef from)
{
    for (uint32_t k = 0; k < n; k++)
        LLVMAddIncoming(phis[k], &vals[k], &from, 1);
}

/* Iterations a loop runs in the usual copy before its fast copy is worth
   the check: a loop that ends sooner (a hash of a short key, a scan of a
   few bytes) pays only for its trip count (or, with early ways out, a
   count of its back-edges). */
#define LOOP_TRIES 16

/* Branch to label `depth` with its values on top of the stack (left
   there). A loop's label is its header: the back-edge polls first. */
static void branch(oxj *j, uint32_t depth)
{
    oxj_ctl *f = &j->cs[j->ncs - 1 - depth];
    if (f->kind == OXJ_LOOP) {
        if (f->copy != 1) /* a fast copy's check polled for all its back-edges */
            poll(j, j->loop_fuel[f->fuel]);
        else
            oxj_loop_backedge(j, j->fast);
        add_incoming(f->phis, j->vs + j->nvs - f->np, f->np, LLVMGetInsertBlock(B));
        if (f->copy == 2 && j->twice.tries) { /* a deferred check, at the LOOP_TRIES-th back-edge */
            LLVMValueRef n = LLVMBuildAdd(B, LLVMBuildLoad2(B, j->jm->i32, j->twice.tries, ""), oxj_i32(j, 1), "");
            LLVMBuildStore(B, n, j->twice.tries);
            oxj_unlikely_br(j, LLVMBuildICmp(B, LLVMIntEQ, n, oxj_i32(j, LOOP_TRIES), ""), j->twice.check,
                            f->head);
        } else {
            LLVMValueRef br = LLVMBuildBr(B, f->head);
            if (f->copy == 1)
                oxj_loop_latch(j, br);
        }
    } else {
        add_incoming(f->phis + f->np, j->vs + j->nvs - f->nr, f->nr, LLVMGetInsertBlock(B));
        f->nin++;
        LLVMBuildBr(B, f->end);
    }
}

static void set_dead(oxj *j)
{
    j->cs[j->ncs - 1].dead = true;
    j->nvs = j->cs[j->ncs - 1].height;
}

/* Return the function's results from the top of the stack. */
static void emit_return(oxj *j)
{
    const oxj_ctl *fn = &j->cs[0];
    if (j->osr_switch) { /* to the interpreter's frame, laid out by widths */
        for (uint32_t k = 0, at = 0; k < fn->nr; at += ox_val_slots(fn->rt[k]), k++) {
            LLVMValueRef to = oxj_cell_ptr(j, j->osr_frame, at, oxj_type(j->jm, fn->rt[k]));
            LLVMSetAlignment(LLVMBuildStore(B, j->vs[j->nvs - fn->nr + k], to), 8);
        }
        LLVMBuildRet(B, oxj_i32(j, 1));
    } else if (fn->nr == 0) {
        LLVMBuildRetVoid(B);
    } else if (fn->nr == 1) {
        LLVMBuildRet(B, j->vs[j->nvs - 1]);
    } else {
        LLVMBuildAggregateRet(B, j->vs + j->nvs - fn->nr, fn->nr);
    }
}

static void do_end(oxj *j)
{
    oxj_ctl *f = &j->cs[j->ncs - 1];
    if (!f->dead) {
        add_incoming(f->phis + f->np, j->vs + j->nvs - f->nr, f->nr, LLVMGetInsertBlock(B));
        f->nin++;
        LLVMBuildBr(B, f->end);
    }
    if (f->kind == OXJ_IF && !f->else_seen) {
        /* no else: the parameters are the results */
        LLVMPositionBuilderAtEnd(B, f->els);
        add_incoming(f->phis + f->np, f->params, f->nr, f->els);
        f->nin++;
        LLVMBuildBr(B, f->end);
    }
    oxj_ctl done = *f;
    j->ncs--;
    j->nvs = done.height;
    LLVMPositionBuilderAtEnd(B, done.end);
    free(done.params);
    if (done.nin == 0) {
        /* nothing reaches the end: what follows is dead too */
        for (uint32_t k = 0; k < done.nr; k++)
            LLVMInstructionEraseFromParent(done.phis[done.np + k]);
        free(done.phis);
        LLVMBuildUnreachable(B);
        if (j->ncs > 0)
            set_dead(j);
        return;
    }
    if (j->osr_switch)
        oxj_osr_reload(j, done.height);
    for (uint32_t k = 0; k < done.nr; k++)
        oxj_push(j, done.phis[done.np + k]);
    free(done.phis);
    if (done.kind == OXJ_FUNC)
        emit_return(j);
}

/* ---- the body ------------------------------------------------------------ */

static LLVMValueRef global_ptr(oxj *j, uint32_t g, LLVMTypeRef t)
{
    LLVMValueRef globals =
        oxj_invariant(j, oxj_load_field(j, j->inst, offsetof(ox_instance, globals), j->jm->ptr));
    LLVMValueRef gp = oxj_invariant(j, oxj_load_elem(j, globals, LLVMConstInt(j->jm->i64, g, 0)));
    return oxj_field_ptr(j, gp, offsetof(ox_global, val), t);
}

static void emit_br_table(oxj *j, const oxj_imm *im)
{
    LLVMValueRef idx = oxj_pop(j);
    const uint8_t *p = im->vec, *end = j->end;
    uint32_t n = im->a;
    /* one block per distinct label, which makes the branch */
    uint32_t *depths = malloc((n + 1) * sizeof *depths);
    LLVMBasicBlockRef *blocks = malloc((n + 1) * sizeof *blocks);
    if (!depths || !blocks) {
        free(depths);
        free(blocks);
        j->nomem = true;
        return;
    }
    uint32_t ndistinct = 0;
    LLVMBasicBlockRef here = LLVMGetInsertBlock(B);
    LLVMBasicBlockRef *dest = malloc((n + 1) * sizeof *dest);
    if (!dest) {
        free(depths);
        free(blocks);
        j->nomem = true;
        return;
    }
    for (uint32_t k = 0; k <= n; k++) {
        uint32_t d = (uint32_t)rd_u(&p, end, 32);
        uint32_t i = 0;
        while (i < ndistinct && depths[i] != d)
            i++;
        if (i == ndistinct) {
            depths[i] = d;
            blocks[i] = oxj_block(j, "br_table");
            LLVMPositionBuilderAtEnd(B, blocks[i]);
            branch(j, d);
            ndistinct++;
        }
        dest[k] = blocks[i];
    }
    LLVMPositionBuilderAtEnd(B, here);
    LLVMValueRef sw = LLVMBuildSwitch(B, idx, dest[n], n);
    for (uint32_t k = 0; k < n; k++)
        LLVMAddCase(sw, oxj_i32(j, k), dest[k]);
    free(depths);
    free(blocks);
    free(dest);
}

static void emit_select(oxj *j)
{
    LLVMValueRef c = oxj_pop(j), b = oxj_pop(j), a = oxj_pop(j);
    oxj_push(j, LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntNE, c, oxj_i32(j, 0), ""), a, b, ""));
}

static void emit_const(oxj *j, enum ox_opcode op, uint64_t v)
{
    oxj_mod *jm = j->jm;
    switch (op) {
    case OXO_I32_CONST: oxj_push(j, LLVMConstInt(jm->i32, v, 0)); break;
    case OXO_I64_CONST: oxj_push(j, LLVMConstInt(jm->i64, v, 0)); break;
    case OXO_F32_CONST:
        oxj_push(j, LLVMConstBitCast(LLVMConstInt(jm->i32, (uint32_t)v, 0), jm->f32));
        break;
    default:
        oxj_push(j, LLVMConstBitCast(LLVMConstInt(jm->i64, v, 0), jm->f64));
        break;
    }
}

/* ---- loops translated twice (jit_loop.c) -------------------------------- */

/* At a loop: when it qualifies for a fast copy, the check that chooses
   between that copy (returns 1: translate the fast copy now) and the
   usual one, translated after it; the check comes before the loop, or,
   for a loop with early ways out, at the usual copy's LOOP_TRIES-th
   back-edge. 0: one usual copy. */
static uint8_t loop_copies(oxj *j, const oxj_imm *im, uint32_t loops)
{
    if (j->fast || j->twice.lv || im->np)
        return 0; /* no copy nests */
    oxj_lv *lv = oxj_loop_scan(j, j->p);
    if (!lv)
        return 0;
    if (j->osr_switch) {
        /* an OSR entry lands in the usual copy (keyed by this loop opcode),
           which starts from the values below as they are here */
        j->twice.below = malloc((j->nvs ? j->nvs : 1) * sizeof *j->twice.below);
        if (!j->twice.below) {
            oxj_loop_free(lv);
            j->nomem = true;
            return 0;
        }
        memcpy(j->twice.below, j->vs, j->nvs * sizeof *j->vs);
        j->twice.op_at = j->op_at;
    }
    j->twice.check = oxj_block(j, "loop_check");
    j->twice.usual = oxj_block(j, "usual_loop");
    j->twice.resume = oxj_block(j, "loop_resume");
    bool defer = oxj_loop_exits(lv);
    if (defer) {
        /* a loop that may end early (a scan) runs the usual copy first and
           goes to the check at its LOOP_TRIES-th back-edge */
        j->twice.tries = oxj_entry_alloca(j, j->jm->i32, oxj_i32(j, 0));
        LLVMBuildStore(B, oxj_i32(j, 0), j->twice.tries);
        LLVMBuildBr(B, j->twice.usual);
    } else {
        LLVMBuildBr(B, j->twice.check);
    }
    LLVMPositionBuilderAtEnd(B, j->twice.check);
    LLVMValueRef ok = oxj_loop_check(j, lv, j->loop_fuel[loops], defer ? 0 : LOOP_TRIES, j->twice.resume);
    LLVMBasicBlockRef fast = oxj_block(j, "fast_loop");
    LLVMBuildCondBr(B, ok, fast, j->twice.resume);
    LLVMPositionBuilderAtEnd(B, fast);
    if (defer && j->osr_switch) /* the usual copy may have been entered by the OSR landing */
        oxj_osr_reload(j, j->nvs);
    oxj_loop_charge(j, lv);
    j->twice.lv = lv;
    j->twice.p = j->p;
    j->twice.loops = loops;
    j->twice.height = j->nvs;
    j->twice.fast_end = NULL;
    j->fast = lv;
    j->twice.idiom = oxj_loop_idiom(j, lv);
    return 1;
}

/* The end of a loop translated twice: after the fast copy, go back and
   translate the usual one; after that, join the two. */
static bool loop_copy_end(oxj *j, uint32_t *loops)
{
    oxj_ctl *f = &j->cs[j->ncs - 1];
    uint32_t nr = f->nr;
    const ox_valtype *rt = f->rt;
    oxj_imm im;
    memset(&im, 0, sizeof im);
    im.nr = nr;
    im.rt = rt;
    if (f->copy == 1) {
        do_end(j);
        oxj_ctl *outer = &j->cs[j->ncs - 1];
        if (!outer->dead) {
            j->twice.fast_end = LLVMGetInsertBlock(B);
            j->twice.fast_res = malloc((nr ? nr : 1) * sizeof *j->twice.fast_res);
            if (!j->twice.fast_res)
                return false;
            memcpy(j->twice.fast_res, j->vs + j->nvs - nr, nr * sizeof *j->twice.fast_res);
        }
        /* back to the loop's start, live again, for the usual copy */
        outer->dead = false;
        j->nvs = j->twice.height;
        if (j->twice.below) /* the fast copy's end reloaded them, there */
            memcpy(j->vs, j->twice.below, j->nvs * sizeof *j->vs);
        j->p = j->twice.p;
        j->fast = NULL;
        *loops = j->twice.loops;
        LLVMPositionBuilderAtEnd(B, j->twice.usual);
        oxj_ctl *u = push_ctl(j, OXJ_LOOP, &im);
        if (!u)
            return false;
        u->copy = 2;
        u->fuel = (*loops)++;
        u->head = oxj_block(j, "loop");
        LLVMBuildBr(B, u->head);
        /* the check failed: the usual copy goes on (and a deferred check
           is not tried again until its count wraps) */
        LLVMPositionBuilderAtEnd(B, j->twice.resume);
        if (j->twice.tries)
            LLVMBuildStore(B, oxj_i32(j, LOOP_TRIES + 1), j->twice.tries);
        LLVMBuildBr(B, u->head);
        LLVMPositionBuilderAtEnd(B, u->head);
        if (j->osr_switch) { /* the landing, keyed by the loop opcode */
            const uint8_t *at = j->op_at;
            j->op_at = j->twice.op_at;
            oxj_osr_landing(j, u);
            oxj_osr_reload(j, u->height);
            j->op_at = at;
        }
        return !j->nomem;
    }
    do_end(j);
    oxj_ctl *outer = &j->cs[j->ncs - 1];
    LLVMBasicBlockRef fast_end = j->twice.fast_end, usual_end = outer->dead ? NULL : LLVMGetInsertBlock(B);
    LLVMValueRef *fr = j->twice.fast_res;
    uint32_t height = j->twice.height;
    oxj_loop_free(j->twice.lv);
    free(j->twice.below);
    memset(&j->twice, 0, sizeof j->twice);
    if (!fast_end) { /* the usual copy's results (or its dead end) stand */
        free(fr);
        return true;
    }
    LLVMBasicBlockRef join = oxj_block(j, "loop_join");
    LLVMValueRef *ur = j->vs + j->nvs - (usual_end ? nr : 0);
    LLVMPositionBuilderAtEnd(B, fast_end);
    LLVMBuildBr(B, join);
    if (usual_end) {
        LLVMPositionBuilderAtEnd(B, usual_end);
        LLVMBuildBr(B, join);
    } else { /* only the fast copy ends: what follows is live */
        outer->dead = false;
        j->nvs = height;
    }
    LLVMPositionBuilderAtEnd(B, join);
    LLVMValueRef phis[8], *ph = nr <= 8 ? phis : malloc(nr * sizeof *ph);
    if (!ph) {
        free(fr);
        return false;
    }
    for (uint32_t k = 0; k < nr; k++) {
        ph[k] = LLVMBuildPhi(B, LLVMTypeOf(fr[k]), "");
        LLVMAddIncoming(ph[k], &fr[k], &fast_end, 1);
        if (usual_end)
            LLVMAddIncoming(ph[k], &ur[k], &usual_end, 1);
    }
    if (usual_end)
        j->nvs -= nr;
    if (j->osr_switch) /* the values below, from either copy */
        oxj_osr_reload(j, height);
    for (uint32_t k = 0; k < nr; k++)
        oxj_push(j, ph[k]);
    if (ph != phis)
        free(ph);
    free(fr);
    return !j->nomem;
}

/* One instruction in live code. */
static bool emit_instr(oxj *j, const ox_opinfo *oi, const oxj_imm *im, uint32_t *loops)
{
    oxj_mod *jm = j->jm;
    enum ox_opcode op = (enum ox_opcode)oi->op;
    if (oi->prefix == 0xFD)
        return oxj_simd(j, oi, im) && !j->nomem;
    if (oxj_memory(j, oi, im))
        return !j->nomem;
    if (oxj_numeric(j, oi))
        return true;
    switch (op) {
    case OXO_NOP:
        break;
    case OXO_UNREACHABLE:
        LLVMBuildBr(B, oxj_trap_block(j, OX_TRAP_UNREACHABLE));
        set_dead(j);
        break;
    case OXO_BLOCK:
        return push_ctl(j, OXJ_BLOCK, im) != NULL;
    case OXO_LOOP: {
        uint8_t copy = loop_copies(j, im, *loops);
        oxj_ctl *f = push_ctl(j, OXJ_LOOP, im);
        if (!f)
            return false;
        f->copy = copy;
        f->fuel = (*loops)++;
        f->head = oxj_block(j, "loop");
        LLVMBasicBlockRef from = LLVMGetInsertBlock(B);
        LLVMBuildBr(B, f->head);
        LLVMPositionBuilderAtEnd(B, f->head);
        if (copy == 1) {
            oxj_loop_header(j, j->fast, from);
            if (j->twice.idiom) { /* the copy done by memmove: past the loop */
                LLVMPositionBuilderAtEnd(B, j->twice.idiom);
                LLVMBuildBr(B, f->end);
                f->nin++;
                j->twice.idiom = NULL;
                LLVMPositionBuilderAtEnd(B, f->head);
            }
        }
        for (uint32_t k = 0; k < f->np; k++) {
            LLVMValueRef *v = &j->vs[f->height + k];
            f->phis[k] = LLVMBuildPhi(B, oxj_type(jm, f->pt[k]), "");
            LLVMAddIncoming(f->phis[k], v, &from, 1);
            *v = f->phis[k];
        }
        if (j->osr_switch && copy != 1) {
            oxj_osr_landing(j, f);
            /* the values below, inside: as the landing left them, not
               their definitions before the loop, which it bypasses */
            oxj_osr_reload(j, f->height);
        }
        break;
    }
    case OXO_IF: {
        LLVMValueRef c = oxj_pop(j);
        oxj_ctl *f = push_ctl(j, OXJ_IF, im);
        if (!f)
            return false;
        f->height = j->nvs - f->np;
        f->params = malloc((f->np ? f->np : 1) * sizeof *f->params);
        if (!f->params)
            return false;
        if (f->np)
            memcpy(f->params, j->vs + f->height, f->np * sizeof *f->params);
        LLVMBasicBlockRef then = oxj_block(j, "then");
        f->els = oxj_block(j, "else");
        LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntNE, c, oxj_i32(j, 0), ""), then, f->els);
        LLVMPositionBuilderAtEnd(B, then);
        break;
    }
    case OXO_ELSE: {
        oxj_ctl *f = &j->cs[j->ncs - 1];
        if (!f->dead) {
            add_incoming(f->phis + f->np, j->vs + j->nvs - f->nr, f->nr, LLVMGetInsertBlock(B));
            f->nin++;
            LLVMBuildBr(B, f->end);
        }
        f->else_seen = true;
        f->dead = false;
        j->nvs = f->height;
        for (uint32_t k = 0; k < f->np; k++)
            oxj_push(j, f->params[k]);
        LLVMPositionBuilderAtEnd(B, f->els);
        if (j->osr_switch) /* the then-arm's reloads do not reach here */
            oxj_osr_reload(j, f->height);
        break;
    }
    case OXO_END:
        if (j->cs[j->ncs - 1].kind == OXJ_LOOP && j->cs[j->ncs - 1].copy)
            return loop_copy_end(j, loops);
        do_end(j);
        break;
    case OXO_BR:
        branch(j, im->a);
        set_dead(j);
        break;
    case OXO_BR_IF: {
        LLVMValueRef c = oxj_pop(j);
        const oxj_ctl *to = &j->cs[j->ncs - 1 - im->a];
        bool fast_back = to->kind == OXJ_LOOP && to->copy == 1;
        LLVMBasicBlockRef take = oxj_block(j, "br_if"), cont = oxj_block(j, "cont");
        c = fast_back ? oxj_loop_continues(j, j->fast) : LLVMBuildICmp(B, LLVMIntNE, c, oxj_i32(j, 0), "");
        LLVMBuildCondBr(B, c, take, cont);
        LLVMPositionBuilderAtEnd(B, take);
        branch(j, im->a);
        LLVMPositionBuilderAtEnd(B, cont);
        if (fast_back) { /* this run's iterations done, not the loop's */
            LLVMBasicBlockRef again = oxj_block(j, "loop_again"), done = oxj_block(j, "loop_done");
            LLVMBuildCondBr(B, oxj_loop_more(j->fast), again, done);
            LLVMPositionBuilderAtEnd(B, again);
            poll(j, j->loop_fuel[to->fuel]);
            LLVMBuildBr(B, j->twice.check);
            LLVMPositionBuilderAtEnd(B, done);
        }
        break;
    }
    case OXO_BR_TABLE:
        emit_br_table(j, im);
        set_dead(j);
        break;
    case OXO_RETURN:
        emit_return(j);
        set_dead(j);
        break;
    case OXO_CALL:
        oxj_emit_call(j, im->a);
        break;
    case OXO_RETURN_CALL:
        oxj_emit_return_call(j, im->a);
        set_dead(j);
        break;
    case OXO_CALL_INDIRECT:
        oxj_emit_call_indirect(j, im->a, im->b);
        break;
    case OXO_DROP:
        (void)oxj_pop(j);
        break;
    case OXO_SELECT: case OXO_SELECT_T:
        emit_select(j);
        break;
    case OXO_LOCAL_GET:
        oxj_push(j, LLVMBuildLoad2(B, j->ltys[im->a], j->locals[im->a], ""));
        break;
    case OXO_LOCAL_SET:
        LLVMBuildStore(B, oxj_pop(j), j->locals[im->a]);
        break;
    case OXO_LOCAL_TEE:
        LLVMBuildStore(B, j->vs[j->nvs - 1], j->locals[im->a]);
        break;
    case OXO_GLOBAL_GET: { /* a global's value is 8-byte aligned (a v128 too) */
        LLVMTypeRef t = oxj_type(jm, jm->m->globals[im->a].type);
        LLVMValueRef v = LLVMBuildLoad2(B, t, global_ptr(j, im->a, t), "");
        LLVMSetAlignment(v, 8);
        oxj_tbaa(j, v, OXJ_TBAA_GLOBAL);
        oxj_push(j, v);
        break;
    }
    case OXO_GLOBAL_SET: {
        LLVMValueRef v = oxj_pop(j);
        LLVMValueRef st = LLVMBuildStore(B, v, global_ptr(j, im->a, LLVMTypeOf(v)));
        LLVMSetAlignment(st, 8);
        oxj_tbaa(j, st, OXJ_TBAA_GLOBAL);
        break;
    }
    case OXO_I32_CONST: case OXO_I64_CONST: case OXO_F32_CONST: case OXO_F64_CONST:
        emit_const(j, op, im->v);
        break;
    default:
        return false;
    }
    return !j->nomem;
}

/* Translate function `defidx` into `fn`: the function itself, or (osr)
   its on-stack-replacement entry. */
static bool emit_body(oxj_mod *jm, uint32_t defidx, const oxj_plan *plan, LLVMValueRef fn, bool osr)
{
    const ox_module *m = jm->m;
    const ox_functype *ft = &m->types[m->funcs[defidx].typeidx];
    oxj j;
    memset(&j, 0, sizeof j);
    j.jm = jm;
    j.b = jm->b;
    j.funcidx = m->nimport_funcs + defidx;
    j.fn = fn;
    j.s = LLVMGetParam(j.fn, 0);
    j.inst = LLVMGetParam(j.fn, 1);
    j.mem = LLVMGetParam(j.fn, 2);
    j.loop_fuel = plan->loop_fuel;
    j.nloops = plan->nloops;
    ox_valtype *lt = NULL;
    if (!rd_locals(m, defidx, &lt, &j.nlocals, &j.p))
        return false;
    j.body = m->bytes + m->funcs[defidx].body.off;
    j.end = j.body + m->funcs[defidx].body.len;
    if (osr) {
        j.osr_frame = LLVMGetParam(j.fn, 3);
        j.osr_stack = LLVMGetParam(j.fn, 4);
    }
    j.locals = malloc((j.nlocals ? j.nlocals : 1) * sizeof *j.locals);
    j.ltys = malloc((j.nlocals ? j.nlocals : 1) * sizeof *j.ltys);
    j.capvs = 64; /* never NULL: slices of it are taken even when empty */
    j.vs = malloc(j.capvs * sizeof *j.vs);
    bool ok = j.locals && j.ltys && j.vs;

    LLVMBasicBlockRef entry = oxj_block(&j, "entry");
    j.entry = entry;
    LLVMPositionBuilderAtEnd(j.b, entry);
    for (uint32_t k = 0, at = 0; ok && k < j.nlocals; at += ox_val_slots(lt[k]), k++) {
        j.ltys[k] = oxj_type(jm, lt[k]);
        j.locals[k] = LLVMBuildAlloca(j.b, j.ltys[k], "");
        LLVMValueRef v;
        if (osr) { /* the interpreter's frame: locals from cell 0, by widths */
            v = LLVMBuildLoad2(j.b, j.ltys[k], oxj_cell_ptr(&j, j.osr_frame, at, j.ltys[k]), "");
            LLVMSetAlignment(v, 8);
        } else {
            v = k < ft->nparams ? LLVMGetParam(j.fn, OXJ_NFIXED + k) : LLVMConstNull(j.ltys[k]);
        }
        LLVMBuildStore(j.b, v, j.locals[k]);
    }
    if (plan->nslots)
        j.slots = LLVMBuildArrayAlloca(j.b, jm->i64, LLVMConstInt(jm->i32, plan->nslots, 0), "");
    free(lt);

    /* entry: a call less left and the C stack (whoever called checked
       them: entry_checks), but a big frame's stack; an OSR entry, called
       by the runtime, finds its depth in the store and checks both */
    if (osr) {
        j.left = oxj_load_field(&j, j.s, offsetof(ox_store, jit_left), jm->i32);
        oxj_trap_if(&j, LLVMBuildICmp(j.b, LLVMIntEQ, j.left, oxj_i32(&j, 0), ""), OX_TRAP_STACK_EXHAUSTED);
    } else {
        j.left = LLVMGetParam(j.fn, 3);
    }
    j.callee_left = LLVMBuildSub(j.b, j.left, oxj_i32(&j, 1), "");
    if (osr || oxj_big_frame(j.nlocals, m->funcs[defidx].body.len, plan->nslots))
        oxj_stack_check(&j);
    if (osr) {
        /* from the key to its loop's header (cases added as loops are
           met); the interpreter polled at the back-edge it came from. The
           function's own start has no way in. */
        LLVMBasicBlockRef none = oxj_block(&j, "no_entry"), start = oxj_block(&j, "start");
        j.osr_switch = LLVMBuildSwitch(j.b, LLVMGetParam(j.fn, 5), none, 4);
        LLVMPositionBuilderAtEnd(j.b, none);
        LLVMBuildRet(j.b, oxj_i32(&j, 0));
        LLVMPositionBuilderAtEnd(j.b, start);
    }

    oxj_imm fim;
    memset(&fim, 0, sizeof fim);
    fim.nr = ft->nresults;
    fim.rt = ft->results;
    uint32_t loops = 0, dead_depth = 0;
    if (ok && !push_ctl(&j, OXJ_FUNC, &fim))
        ok = false;
    while (ok && j.ncs > 0) {
        oxj_imm im;
        j.op_at = j.p;
        const ox_opinfo *oi = oxj_rd_instr(m, &j.p, j.end, &im);
        if (!oi) {
            ok = false;
            break;
        }
        enum ox_opcode op = (enum ox_opcode)oi->op;
        if (j.cs[j.ncs - 1].dead) {
            /* skip to the end (or else) of the dead block, counting the
               loops skipped so the fuel stays in step */
            if (op == OXO_BLOCK || op == OXO_LOOP || op == OXO_IF) {
                dead_depth++;
                loops += op == OXO_LOOP;
                continue;
            }
            if (op == OXO_END && dead_depth > 0) {
                dead_depth--;
                continue;
            }
            if (dead_depth > 0 || (op != OXO_END && op != OXO_ELSE))
                continue;
        }
        ok = emit_instr(&j, oi, &im, &loops);
    }
    for (uint32_t k = 0; k < j.ncs; k++) {
        free(j.cs[k].phis);
        free(j.cs[k].params);
    }
    free(j.cs);
    free(j.vs);
    free(j.locals);
    free(j.ltys);
    free(j.osr_spills);
    oxj_loop_free(j.twice.lv);
    free(j.twice.fast_res);
    free(j.twice.below);
    return ok && !j.nomem;
}

bool oxj_emit_function(oxj_mod *jm, uint32_t defidx, const oxj_plan *plan)
{
    return emit_body(jm, defidx, plan, jm->fns[defidx], false);
}

/* Only functions with loops need one; a return_call would have to become a
   call there (not done: such functions finish in the interpreter). */
bool oxj_wants_osr(const oxj_plan *plan) { return plan->nloops > 0 && plan->ntails == 0; }

bool oxj_emit_osr(oxj_mod *jm, uint32_t defidx, const oxj_plan *plan, LLVMValueRef o)
{
    return emit_body(jm, defidx, plan, o, true);
}
