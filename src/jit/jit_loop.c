/*
 * jit_loop.c — counted loops proven in bounds before they start.
 *
 * Compiled code keeps two costs in every loop for the sake of exact
 * semantics: each iteration polls the interrupt word, and each load of
 * wasm memory is volatile so that one out of bounds still faults where
 * the interpreter would trap, even when its value goes unused (jit_mem.c,
 * oxj_keep_load). Both stop LLVM from vectorising or otherwise reshaping
 * the loop (a poll is a second exit; volatile loads are never merged,
 * hoisted or widened).
 *
 * Many hot loops need neither. When a loop's trip count and the address
 * of every access it makes are affine in the iteration number, one check
 * before the loop can compute the number of iterations T and the range
 * each access covers over all of them. If every range is inside its
 * memory, no access of the loop can fault. Such a loop is translated
 * twice (jit_emit.c): a fast copy with plain loads and no polls, entered
 * when the check holds, and the usual copy otherwise. Both compute the
 * same thing, so what a program observes does not depend on the copy
 * taken, traps included. A run of the fast copy does at most a budget of
 * iterations (T times the body's size within 2^24 instructions, a few
 * milliseconds), so that the check's poll stands for its back-edges'; a
 * longer loop runs it a run at a time, polling and checking again in
 * between (from the locals as the last run left them).
 *
 * The analysis reads the loop's body as the interpreter would run one
 * iteration, with symbolic values: an i32 is either an affine form
 * c + sum(m * H[x]) over the locals' values H at the loop header, or
 * unknown. A local whose value at the back-edge is H[x] + c, on every
 * path that reaches it, is an induction variable of step c (H[x] = E[x]
 * + c * k in iteration k, E[x] its value on entry; c = 0: invariant);
 * any other is unknown at the header. Which locals are inductions is
 * found by assuming all are and dropping those whose value at the
 * back-edge disagrees, until none does.
 *
 * What qualifies: an innermost loop without parameters whose one
 * back-edge is a br_if (at any depth in it); no calls (a call costs more
 * than the poll saved, and the check is paid at every entry: fib's loop
 * around its recursive call ran 25% slower); only instructions whose
 * stack effect is known here; every load and store of a 32-bit memory at
 * an affine address; and an exit condition that gives T: x != y, x < y,
 * x <= y, x > y or x >= y (signed or not) between an induction and an
 * invariant, or a plain value counting down. Other ways out (a branch
 * out of the loop, a return, a path that misses the back-edge: find's
 * early exit) make T a bound, not the count: the ranges over T
 * iterations still cover every access the loop makes.
 *
 * Fuel: the usual copy charges a back-edge's cost at each of its T - 1
 * back-edges. A loop that cannot end early (nothing in it traps, no other
 * way out) charges that sum before its fast copy when the store has it;
 * else the usual copy runs and traps where the interpreter would.
 *
 * A fast copy that only copies a block is one memmove when nothing it
 * reads was written by it before (jit_idiom.c).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/DebugInfo.h>

#include "jit_loop.h"
#include "leb.h"

#define B (j->b)

/* Wasm instructions a fast copy may run between two polls (a few
   milliseconds of compiled code): T * body size stays under it. */
#define LOOP_BUDGET (1u << 24)
#define MAX_BODY 2000   /* instructions in a loop analysed at most */
#define MAX_NEST 32     /* blocks and ifs nested in it */
#define MAX_LOCALS 1024 /* locals of a function whose loops are analysed */

/* A stack value: an affine form, or (cmp != 0) the comparison cmp of two. */
typedef struct sval {
    aff a, b;
    uint16_t cmp;
    uint16_t loaded;    /* 1 + the access that loaded it; 0 for other values */
} sval;

static const aff unknown = {.n = UNKNOWN};

static aff konst(uint32_t c)
{
    aff a;
    memset(&a, 0, sizeof a);
    a.c = c;
    return a;
}

static aff header_value(uint32_t x)
{
    aff a = konst(0);
    a.n = 1;
    a.x[0] = x;
    a.m[0] = 1;
    return a;
}

/* a + s * b, s being 1 or -1 (as u32). */
static aff add(aff a, aff b, uint32_t s)
{
    if (a.n == UNKNOWN || b.n == UNKNOWN)
        return unknown;
    a.c += s * b.c;
    for (uint8_t i = 0; i < b.n; i++) {
        uint8_t k = 0;
        while (k < a.n && a.x[k] != b.x[i])
            k++;
        if (k == a.n) {
            if (a.n == NT)
                return unknown;
            a.x[a.n] = b.x[i];
            a.m[a.n++] = 0;
        }
        a.m[k] += s * b.m[i];
        if (a.m[k] == 0) { /* the term cancelled: drop it */
            a.n--;
            a.x[k] = a.x[a.n];
            a.m[k] = a.m[a.n];
        }
    }
    return a;
}

static aff scale(aff a, uint32_t f)
{
    if (a.n == UNKNOWN)
        return unknown;
    if (f == 0)
        return konst(0);
    a.c *= f;
    for (uint8_t i = 0; i < a.n; i++)
        a.m[i] *= f;
    return a;
}

static bool is_const(const aff *a) { return a->n == 0; }

/* ---- the scan: shape, branches, writes ------------------------------------ */

/* The body's shape: nested loops, branches, and which locals are
   written where. */
static bool body_shape(oxj *j, const uint8_t *p, oxj_lv *lv)
{
    const ox_module *m = j->jm->m;
    uint32_t nest = 0;
    for (;;) {
        oxj_imm im;
        const uint8_t *at = p;
        const ox_opinfo *oi = oxj_rd_instr(m, &p, j->end, &im);
        if (!oi || ++lv->ninstr > MAX_BODY)
            return false;
        bool iter = nest == 0 && !lv->backedge; /* at the top level, in the iteration */
        if (lv->backedge && oi->op != OXO_END)
            lv->tail++;
        switch ((enum ox_opcode)oi->op) {
        case OXO_LOOP:
            return false; /* innermost loops only */
        case OXO_BLOCK: case OXO_IF:
            if (++nest > MAX_NEST)
                return false;
            break;
        case OXO_END:
            if (nest == 0)
                return lv->backedge != NULL;
            nest--;
            break;
        case OXO_BR_IF: case OXO_BR:
            /* within the iteration, forward; out of the loop; or the one
               back-edge, a br_if (its fall-through leaves the loop unless
               it is at the top level) */
            if (im.a == nest) {
                if (oi->op == OXO_BR || lv->backedge)
                    return false;
                lv->backedge = at;
                lv->exits |= nest > 0;
            }
            lv->exits |= im.a > nest;
            break;
        case OXO_BR_TABLE: {
            const uint8_t *v = im.vec;
            for (uint32_t k = 0; k <= im.a; k++) {
                uint64_t l = 0;
                (void)ox_leb_u(&v, j->end, 32, &l);
                if (l == nest)
                    return false;
                lv->exits |= l > nest;
            }
            break;
        }
        case OXO_RETURN:
            lv->exits = true;
            break;
        case OXO_UNREACHABLE: /* a trap is no way out: it ends the call */
            if (iter)
                return false;
            break;
        case OXO_CALL: case OXO_CALL_INDIRECT: case OXO_RETURN_CALL: case OXO_MEMORY_GROW:
        case OXO_MEMORY_FILL: case OXO_MEMORY_COPY: case OXO_MEMORY_INIT:
            /* a call costs more than the poll a fast copy saves, and the
               check would be paid at every entry (fib's loop around its
               recursive call: 25% slower) */
            return false;
        case OXO_LOCAL_SET: case OXO_LOCAL_TEE:
            if (im.a >= j->nlocals)
                return false;
            if (iter)
                lv->writes[im.a]++;
            else
                lv->other_write[im.a] = true;
            break;
        default:
            break;
        }
    }
}

/* ---- one symbolic iteration ---------------------------------------------- */

typedef struct frame {
    uint32_t height, np, nr;
    bool dead;
    aff *saved;         /* the locals at its start (an if's else restores them) */
    uint8_t *written;   /* the locals written inside */
} frame;

typedef struct eval {
    oxj *j;
    oxj_lv *lv;
    aff *cur;           /* the locals now */
    aff *top;           /* the value each local last got at the top level */
    aff *back;          /* the locals at the back-edge: the next iteration's */
    sval *st;
    uint32_t nst, capst;
    frame fs[MAX_NEST];
    uint32_t nfs;
} eval;

/* A value as an affine form (a comparison is not one). */
static aff form(sval v) { return v.cmp ? unknown : v.a; }

static bool push(eval *e, sval v)
{
    if (e->nst == e->capst) {
        uint32_t cap = e->capst ? e->capst * 2 : 32;
        sval *n = realloc(e->st, cap * sizeof *n);
        if (!n)
            return false;
        e->st = n;
        e->capst = cap;
    }
    e->st[e->nst++] = v;
    return true;
}

static bool push_aff(eval *e, aff a)
{
    sval v;
    memset(&v, 0, sizeof v);
    v.a = a;
    return push(e, v);
}

static sval pop(eval *e)
{
    /* a validated body never pops below its block; a dead one's values
       are unknown */
    frame *f = e->nfs ? &e->fs[e->nfs - 1] : NULL;
    if (e->nst == 0 || (f && e->nst <= f->height)) {
        sval v;
        memset(&v, 0, sizeof v);
        v.a = unknown;
        return v;
    }
    return e->st[--e->nst];
}

static bool pop_push(eval *e, uint32_t npop, uint32_t npush)
{
    while (npop--)
        (void)pop(e);
    while (npush--)
        if (!push_aff(e, unknown))
            return false;
    return true;
}

static void write_local(eval *e, uint32_t x, aff v)
{
    if (x >= e->j->nlocals)
        return;
    e->cur[x] = v;
    if (e->nfs)
        e->fs[e->nfs - 1].written[x] = 1;
    else
        e->top[x] = v;
}

static bool record(eval *e, const uint8_t *at, const ox_opinfo *oi, const oxj_imm *im, aff addr)
{
    oxj_lv *lv = e->lv;
    const ox_module *m = e->j->jm->m;
    if (addr.n == UNKNOWN || im->mem >= m->nmems || m->mems[im->mem].is64)
        return false;
    if (lv->nacc == lv->capacc) {
        uint32_t cap = lv->capacc ? lv->capacc * 2 : 16;
        access *n = realloc(lv->acc, cap * sizeof *n);
        if (!n)
            return false;
        lv->acc = n;
        lv->capacc = cap;
    }
    access *a = &lv->acc[lv->nacc++];
    a->at = at;
    a->mem = im->mem;
    a->size = 1u << oi->align;
    a->off = im->v;
    a->addr = addr;
    uint8_t t = oi->shape == OX_SHAPE_LOAD ? oi->tr : oi->ta;
    a->integer = (oi->shape == OX_SHAPE_LOAD || oi->shape == OX_SHAPE_STORE) &&
                 (t == OX_I32 || t == OX_I64);
    return true;
}

static bool open_frame(eval *e, uint32_t np, uint32_t nr)
{
    uint32_t n = e->j->nlocals;
    frame *f = &e->fs[e->nfs];
    f->saved = malloc((n ? n : 1) * sizeof *f->saved);
    f->written = calloc(n ? n : 1, 1);
    if (!f->saved || !f->written) {
        free(f->saved);
        free(f->written);
        return false;
    }
    memcpy(f->saved, e->cur, n * sizeof *e->cur);
    f->height = e->nst >= np ? e->nst - np : 0;
    f->np = np;
    f->nr = nr;
    f->dead = false;
    e->nfs++;
    return true;
}

/* A nested block's end: what it wrote is unknown after it (written on
   some path only), and so are its results. */
static bool close_frame(eval *e)
{
    frame *f = &e->fs[--e->nfs];
    for (uint32_t x = 0; x < e->j->nlocals; x++) {
        if (!f->written[x])
            continue;
        e->cur[x] = unknown;
        if (e->nfs)
            e->fs[e->nfs - 1].written[x] = 1;
    }
    e->nst = f->height;
    uint32_t nr = f->nr;
    free(f->saved);
    free(f->written);
    return pop_push(e, 0, nr);
}

static void set_dead(eval *e)
{
    frame *f = &e->fs[e->nfs - 1];
    f->dead = true;
    e->nst = f->height;
}

/* The comparison that holds when `cmp` does not (0: none taken here). */
static uint16_t negated(uint16_t cmp)
{
    switch (cmp) {
    case OXO_I32_LT_U: return OXO_I32_GE_U;
    case OXO_I32_GE_U: return OXO_I32_LT_U;
    case OXO_I32_LT_S: return OXO_I32_GE_S;
    case OXO_I32_GE_S: return OXO_I32_LT_S;
    case OXO_I32_LE_U: return OXO_I32_GT_U;
    case OXO_I32_GT_U: return OXO_I32_LE_U;
    case OXO_I32_LE_S: return OXO_I32_GT_S;
    case OXO_I32_GT_S: return OXO_I32_LE_S;
    default: return 0; /* eqz(x != y) is x == y: no loop is counted by that */
    }
}

/* Whether an instruction the analysis lets into a loop can trap, besides
   loads and stores (proven in bounds in a fast copy). */
static bool may_trap(enum ox_opcode op)
{
    switch (op) {
#define OX_X(name, ...) case OXO_##name:
    OX_TRAP_BINOPS(OX_X) OX_TRUNC_OPS(OX_X)
#undef OX_X
    case OXO_UNREACHABLE:
        return true;
    default:
        return false;
    }
}

/* Instructions a copy loop may have besides its load and store: none
   that traps, writes or calls. */
static bool plain_op(enum ox_opcode op, const ox_opinfo *oi)
{
    switch (op) {
    case OXO_LOCAL_GET: case OXO_LOCAL_SET: case OXO_LOCAL_TEE: case OXO_I32_CONST:
    case OXO_I32_ADD: case OXO_I32_SUB: case OXO_I32_MUL: case OXO_I32_SHL: case OXO_I32_EQZ:
    case OXO_I32_SHR_U: case OXO_I32_SHR_S: case OXO_I32_OR: case OXO_I32_AND: case OXO_I32_XOR:
    case OXO_I32_NE: case OXO_I32_EQ: case OXO_I32_LT_U: case OXO_I32_LT_S: case OXO_I32_LE_U:
    case OXO_I32_LE_S: case OXO_I32_GT_U: case OXO_I32_GT_S: case OXO_I32_GE_U: case OXO_I32_GE_S:
    case OXO_BR_IF: case OXO_NOP: case OXO_DROP:
        return true;
    default:
        return oi->shape == OX_SHAPE_LOAD || oi->shape == OX_SHAPE_STORE;
    }
}

/* Run the iteration symbolically with the inductions lv->ind assumes;
   false when the loop does not qualify. */
static bool run(eval *e, const uint8_t *p)
{
    oxj *j = e->j;
    oxj_lv *lv = e->lv;
    for (uint32_t x = 0; x < j->nlocals; x++) {
        e->cur[x] = lv->ind[x] ? header_value(x) : unknown;
        e->top[x] = unknown;
    }
    e->nst = 0;
    e->nfs = 0;
    lv->nacc = 0;
    lv->plain = true;
    lv->trapless = true;
    lv->copy_pairs = 0;
    uint32_t dead_depth = 0;
    bool ok = true;
    while (ok) {
        oxj_imm im;
        const uint8_t *at = p;
        const ox_opinfo *oi = oxj_rd_instr(j->jm->m, &p, j->end, &im);
        if (!oi)
            return false;
        enum ox_opcode op = (enum ox_opcode)oi->op;
        if (e->nfs && e->fs[e->nfs - 1].dead) {
            if (op == OXO_BLOCK || op == OXO_IF) {
                dead_depth++;
                continue;
            }
            if (op == OXO_END && dead_depth > 0) {
                dead_depth--;
                continue;
            }
            if (dead_depth > 0 || (op != OXO_END && op != OXO_ELSE))
                continue;
        }
        if (!plain_op(op, oi))
            lv->plain = false;
        if (may_trap(op))
            lv->trapless = false;
        if (at == lv->backedge) {
            memcpy(e->back, e->cur, j->nlocals * sizeof *e->cur);
            sval c = pop(e);
            lv->left = e->nst;
            if (c.cmp) {
                lv->cmp = c.cmp;
                lv->ca = c.a;
                lv->cb = c.b;
            } else { /* br_if on a value: while it is not zero */
                lv->cmp = OXO_I32_NE;
                lv->ca = c.a;
                lv->cb = konst(0);
            }
            return lv->ca.n != UNKNOWN && lv->cb.n != UNKNOWN;
        }
        switch (oi->shape) {
        case OX_SHAPE_LOAD: {
            aff a = form(pop(e));
            sval v;
            memset(&v, 0, sizeof v);
            v.a = unknown;
            v.loaded = (uint16_t)(lv->nacc + 1);
            ok = record(e, at, oi, &im, a) && push(e, v);
            continue;
        }
        case OX_SHAPE_STORE: {
            sval v = pop(e);
            uint32_t before = lv->nacc;
            ok = record(e, at, oi, &im, form(pop(e)));
            if (before % 2 == 1 && v.loaded == before) /* stores what was just loaded */
                lv->copy_pairs++;
            continue;
        }
        case OX_SHAPE_LOAD_LANE: {
            (void)pop(e);
            aff a = form(pop(e));
            ok = record(e, at, oi, &im, a) && push_aff(e, unknown);
            continue;
        }
        case OX_SHAPE_STORE_LANE: {
            (void)pop(e);
            ok = record(e, at, oi, &im, form(pop(e)));
            continue;
        }
        case OX_SHAPE_BIN: case OX_SHAPE_SHIFT: {
            aff b = form(pop(e)), a = form(pop(e));
            aff r = unknown;
            switch (op) {
            case OXO_I32_ADD: r = add(a, b, 1); break;
            case OXO_I32_SUB: r = add(a, b, UINT32_MAX); break;
            case OXO_I32_MUL:
                if (is_const(&b))
                    r = scale(a, b.c);
                else if (is_const(&a))
                    r = scale(b, a.c);
                break;
            case OXO_I32_SHL:
                if (is_const(&b))
                    r = scale(a, 1u << (b.c & 31));
                break;
            case OXO_I32_NE: case OXO_I32_LT_U: case OXO_I32_LT_S: case OXO_I32_LE_U:
            case OXO_I32_LE_S: case OXO_I32_GT_U: case OXO_I32_GT_S: case OXO_I32_GE_U:
            case OXO_I32_GE_S:
                if (a.n != UNKNOWN && b.n != UNKNOWN) {
                    sval c;
                    memset(&c, 0, sizeof c);
                    c.a = a;
                    c.b = b;
                    c.cmp = (uint16_t)op;
                    ok = push(e, c);
                    continue;
                }
                break;
            default:
                break;
            }
            ok = push_aff(e, r);
            continue;
        }
        case OX_SHAPE_UN: case OX_SHAPE_EXTRACT: {
            sval v = pop(e);
            uint16_t neg = op == OXO_I32_EQZ ? negated(v.cmp) : 0;
            if (neg) { /* eqz(x < y) is x >= y, and so on */
                v.cmp = neg;
                ok = push(e, v);
            } else {
                ok = push_aff(e, unknown);
            }
            continue;
        }
        case OX_SHAPE_REPLACE:
            ok = pop_push(e, 2, 1);
            continue;
        case OX_SHAPE_TERN:
            ok = pop_push(e, 3, 1);
            continue;
        default:
            break;
        }
        switch (op) {
        case OXO_NOP:
            break;
        case OXO_BLOCK:
            ok = open_frame(e, im.np, im.nr);
            break;
        case OXO_IF:
            (void)pop(e);
            ok = open_frame(e, im.np, im.nr);
            break;
        case OXO_ELSE: {
            frame *f = &e->fs[e->nfs - 1];
            memcpy(e->cur, f->saved, j->nlocals * sizeof *e->cur);
            f->dead = false;
            e->nst = f->height;
            ok = pop_push(e, 0, f->np);
            break;
        }
        case OXO_END:
            if (e->nfs == 0)
                return false; /* the loop's own end before its back-edge */
            ok = close_frame(e);
            break;
        case OXO_BR: case OXO_BR_TABLE: case OXO_RETURN: case OXO_UNREACHABLE:
            if (op == OXO_BR_TABLE)
                (void)pop(e);
            if (e->nfs == 0)
                return false;
            set_dead(e);
            break;
        case OXO_BR_IF:
            (void)pop(e);
            break;
        case OXO_DROP:
            (void)pop(e);
            break;
        case OXO_SELECT: case OXO_SELECT_T:
            ok = pop_push(e, 3, 1);
            break;
        case OXO_LOCAL_GET:
            ok = push_aff(e, im.a < j->nlocals ? e->cur[im.a] : unknown);
            break;
        case OXO_LOCAL_SET: {
            write_local(e, im.a, form(pop(e)));
            break;
        }
        case OXO_LOCAL_TEE: {
            aff v = form(pop(e));
            write_local(e, im.a, v);
            ok = push_aff(e, v);
            break;
        }
        case OXO_GLOBAL_GET: case OXO_MEMORY_SIZE:
            ok = pop_push(e, 0, 1);
            break;
        case OXO_GLOBAL_SET:
            (void)pop(e);
            break;
        case OXO_DATA_DROP:
            break;
        case OXO_I32_CONST:
            ok = push_aff(e, konst((uint32_t)im.v));
            break;
        case OXO_I64_CONST: case OXO_F32_CONST: case OXO_F64_CONST: case OXO_V128_CONST:
            ok = pop_push(e, 0, 1);
            break;
        case OXO_I8X16_SHUFFLE:
            ok = pop_push(e, 2, 1);
            break;
        default:
            return false; /* a stack effect not known here */
        }
    }
    return false;
}

uint32_t oxj_lv_step(const oxj_lv *lv, const aff *a)
{
    uint32_t s = 0;
    for (uint8_t i = 0; i < a->n; i++)
        s += a->m[i] * lv->step[a->x[i]];
    return s;
}

/* Whether the exit condition gives a trip count (checked again, with
   values, before the loop). */
static bool countable(oxj_lv *lv)
{
    uint32_t da = oxj_lv_step(lv, &lv->ca), db = oxj_lv_step(lv, &lv->cb);
    if (lv->cmp == OXO_I32_NE) {
        uint32_t d = da - db, mag = (int32_t)d < 0 ? 0u - d : d;
        return d != 0 && (mag & (mag - 1)) == 0 && mag <= (1u << 30);
    }
    if ((da != 0) == (db != 0))
        return false; /* one side moves, the other stays */
    int32_t s = (int32_t)(da ? da : db);
    return s != INT32_MIN;
}

oxj_lv *oxj_loop_scan(oxj *j, const uint8_t *p)
{
    /* the analysis copies the locals' forms per nested block and pass:
       bounded, so a hostile function cannot make compiling quadratic */
    if (j->nlocals > MAX_LOCALS)
        return NULL;
    uint32_t n = j->nlocals ? j->nlocals : 1;
    oxj_lv *lv = calloc(1, sizeof *lv);
    eval e;
    memset(&e, 0, sizeof e);
    e.j = j;
    e.lv = lv;
    if (!lv)
        return NULL;
    lv->step = calloc(n, sizeof *lv->step);
    lv->ind = calloc(n, sizeof *lv->ind);
    lv->writes = calloc(n, sizeof *lv->writes);
    lv->other_write = calloc(n, sizeof *lv->other_write);
    e.cur = malloc(n * sizeof *e.cur);
    e.top = malloc(n * sizeof *e.top);
    e.back = malloc(n * sizeof *e.back);
    bool ok = lv->step && lv->ind && lv->writes && lv->other_write && e.cur && e.top && e.back &&
              body_shape(j, p, lv);
    for (uint32_t x = 0; ok && x < j->nlocals; x++)
        lv->ind[x] = j->ltys[x] == j->jm->i32;
    /* drop the candidates whose value at the back-edge is not H + c
       until none is left (c = 0: an invariant) */
    for (bool again = ok; again;) {
        again = false;
        ok = run(&e, p);
        while (e.nfs > 0) { /* a failed run may leave frames open */
            e.nfs--;
            free(e.fs[e.nfs].saved);
            free(e.fs[e.nfs].written);
        }
        for (uint32_t x = 0; ok && x < j->nlocals; x++) {
            if (!lv->ind[x])
                continue;
            const aff *t = &e.back[x];
            if (t->n == 1 && t->x[0] == x && t->m[0] == 1) {
                lv->step[x] = t->c;
            } else {
                lv->ind[x] = false;
                again = true;
            }
        }
    }
    ok = ok && countable(lv);
    lv->last = ok ? malloc(n * sizeof *lv->last) : NULL;
    if (lv->last)
        memcpy(lv->last, e.top, j->nlocals * sizeof *lv->last);
    if (lv->last)
        oxj_idiom_scan(j, lv, p);
    free(e.cur);
    free(e.top);
    free(e.back);
    free(e.st);
    if (!ok) {
        oxj_loop_free(lv);
        return NULL;
    }
    return lv;
}

void oxj_loop_free(oxj_lv *lv)
{
    if (!lv)
        return;
    free(lv->acc);
    free(lv->last);
    free(lv->reload);
    free(lv->step);
    free(lv->ind);
    free(lv->writes);
    free(lv->other_write);
    free(lv);
}

static const access *find(const oxj_lv *lv, const uint8_t *at)
{
    uint32_t lo = 0, hi = lv->nacc;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (lv->acc[mid].at == at)
            return &lv->acc[mid];
        if (lv->acc[mid].at < at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool oxj_loop_proven(const oxj_lv *lv, const uint8_t *at) { return find(lv, at) != NULL; }

/* The address the body computes, address(k) mod 2^32, is address(k)
   itself: the check proved it does not wrap. Computed in 64 bits from the
   iteration number, it is an induction LLVM's loop passes see through
   (the body's i32 arithmetic and its zero extension hide it). */
LLVMValueRef oxj_loop_address(oxj *j, const oxj_lv *lv, const uint8_t *at)
{
    const access *a = find(lv, at);
    if (!a || !lv->k)
        return NULL;
    int32_t s = (int32_t)oxj_lv_step(lv, &a->addr);
    if (!s)
        return a->first;
    LLVMValueRef step = LLVMBuildMul(B, lv->k, LLVMConstInt(j->jm->i64, (uint64_t)(int64_t)s, 1), "");
    return LLVMBuildAdd(B, a->first, step, "");
}

void oxj_loop_header(oxj *j, oxj_lv *lv, LLVMBasicBlockRef from)
{
    lv->k = LLVMBuildPhi(B, j->jm->i64, "k");
    LLVMValueRef zero = LLVMConstInt(j->jm->i64, 0, 0);
    LLVMAddIncoming(lv->k, &zero, &from, 1);
}

/* The back-edge's condition holds in iterations 0 to T - 2 (the check
   proved it): the fast copy's is k + 1 < T, for this run's T, which LLVM
   counts the loop by. */
LLVMValueRef oxj_loop_continues(oxj *j, const oxj_lv *lv)
{
    LLVMValueRef next = LLVMBuildNUWAdd(B, lv->k, LLVMConstInt(j->jm->i64, 1, 0), "");
    return LLVMBuildICmp(B, LLVMIntULT, next, lv->t, "");
}

LLVMValueRef oxj_loop_more(const oxj_lv *lv) { return lv->more; }

bool oxj_loop_exits(const oxj_lv *lv) { return lv->exits; }

/* The fast copy's latch: no runtime unrolling. Its trip count is plain
   to LLVM (k + 1 < T), which then unrolls it with a prologue and an
   epilogue that short loops pay for (json's hashes of short keys: 7%
   more instructions); the vectoriser still interleaves what it
   vectorises. */
void oxj_loop_latch(oxj *j, LLVMValueRef br)
{
    LLVMContextRef c = j->jm->ctx;
    LLVMMetadataRef hint = LLVMMDStringInContext2(c, "llvm.loop.unroll.runtime.disable", 32);
    LLVMMetadataRef tmp = LLVMTemporaryMDNode(c, NULL, 0);
    LLVMMetadataRef ops[2] = {tmp, LLVMMDNodeInContext2(c, &hint, 1)};
    LLVMMetadataRef id = LLVMMDNodeInContext2(c, ops, 2);
    LLVMMetadataReplaceAllUsesWith(tmp, id); /* a loop ID names itself first */
    LLVMSetMetadata(br, LLVMGetMDKindIDInContext(c, "llvm.loop", 9), LLVMMetadataAsValue(c, id));
}

void oxj_loop_backedge(oxj *j, oxj_lv *lv)
{
    LLVMValueRef next = LLVMBuildNUWAdd(B, lv->k, LLVMConstInt(j->jm->i64, 1, 0), "");
    LLVMBasicBlockRef here = LLVMGetInsertBlock(B);
    LLVMAddIncoming(lv->k, &next, &here, 1);
}

/* ---- the check before the loop ------------------------------------------- */

LLVMValueRef oxj_aff_entry(oxj *j, const aff *a)
{
    LLVMValueRef v = oxj_i32(j, a->c);
    for (uint8_t i = 0; i < a->n; i++) {
        LLVMValueRef h = LLVMBuildLoad2(B, j->jm->i32, j->locals[a->x[i]], "");
        v = LLVMBuildAdd(B, v, LLVMBuildMul(B, h, oxj_i32(j, a->m[i]), ""), "");
    }
    return v;
}

static LLVMValueRef u64(oxj *j, LLVMValueRef v32) { return LLVMBuildZExt(B, v32, j->jm->i64, ""); }

static LLVMValueRef both(oxj *j, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildAnd(B, a, b, ""); }

/* The trip count T (i64, at least 1) into *t; returns when it is valid. */
static LLVMValueRef trips(oxj *j, const oxj_lv *lv, LLVMValueRef *t)
{
    uint32_t da = oxj_lv_step(lv, &lv->ca), db = oxj_lv_step(lv, &lv->cb);
    LLVMValueRef a = oxj_aff_entry(j, &lv->ca), b = oxj_aff_entry(j, &lv->cb);
    LLVMValueRef one = oxj_i64c(j, 1);
    if (lv->cmp == OXO_I32_NE) {
        /* a - b + (da - db) k reaches 0 at k*: T = k* + 1 */
        uint32_t d = da - db, mag = (int32_t)d < 0 ? 0u - d : d;
        LLVMValueRef diff = LLVMBuildSub(B, a, b, "");
        LLVMValueRef u = (int32_t)d > 0 ? LLVMBuildNeg(B, diff, "") : diff;
        unsigned shift = 0;
        while ((1u << shift) != mag)
            shift++;
        LLVMValueRef exact = LLVMBuildICmp(B, LLVMIntEQ, LLVMBuildAnd(B, u, oxj_i32(j, mag - 1), ""),
                                           oxj_i32(j, 0), "");
        *t = LLVMBuildAdd(B, LLVMBuildLShr(B, u64(j, u), oxj_i64c(j, shift), ""), one, "");
        return exact;
    }
    /* the moving side on the left: continue while a + s k OP b */
    LLVMIntPredicate pred;
    switch (lv->cmp) {
    case OXO_I32_LT_U: case OXO_I32_LT_S: pred = LLVMIntULT; break;
    case OXO_I32_LE_U: case OXO_I32_LE_S: pred = LLVMIntULE; break;
    case OXO_I32_GT_U: case OXO_I32_GT_S: pred = LLVMIntUGT; break;
    default: pred = LLVMIntUGE; break;
    }
    int32_t s = (int32_t)(da ? da : db);
    if (!da) { /* b OP a: a OP' b with the operands' roles swapped */
        LLVMValueRef tmp = a;
        a = b;
        b = tmp;
        pred = pred == LLVMIntULT ? LLVMIntUGT : pred == LLVMIntULE ? LLVMIntUGE
             : pred == LLVMIntUGT ? LLVMIntULT : LLVMIntULE;
    }
    bool is_signed = lv->cmp == OXO_I32_LT_S || lv->cmp == OXO_I32_LE_S || lv->cmp == OXO_I32_GT_S ||
                     lv->cmp == OXO_I32_GE_S;
    if (is_signed) { /* signed order is unsigned order with the sign bit flipped */
        a = LLVMBuildXor(B, a, oxj_i32(j, 0x80000000u), "");
        b = LLVMBuildXor(B, b, oxj_i32(j, 0x80000000u), "");
    }
    LLVMValueRef a64 = u64(j, a), l = u64(j, b);
    bool up = s > 0;
    if ((pred == LLVMIntULT || pred == LLVMIntULE) != up) {
        *t = one;
        return LLVMConstInt(j->jm->i1, 0, 0); /* runs until it wraps: not counted */
    }
    /* continue while a + s k < L (up) or > L (down); L as i64 */
    if (pred == LLVMIntULE)
        l = LLVMBuildAdd(B, l, one, "");
    else if (pred == LLVMIntUGE)
        l = LLVMBuildSub(B, l, one, "");
    LLVMValueRef step = oxj_i64c(j, up ? s : -(int64_t)s);
    LLVMValueRef done, dist;
    if (up) {
        done = LLVMBuildICmp(B, LLVMIntSGE, a64, l, "");
        dist = LLVMBuildSub(B, l, a64, "");
    } else {
        done = LLVMBuildICmp(B, LLVMIntSLE, a64, l, "");
        dist = LLVMBuildSub(B, a64, l, "");
    }
    LLVMValueRef k = LLVMBuildUDiv(B, LLVMBuildAdd(B, dist, LLVMBuildSub(B, step, one, ""), ""), step, "");
    k = LLVMBuildSelect(B, done, oxj_i64c(j, 0), k, "");
    *t = LLVMBuildAdd(B, k, one, "");
    /* No wrap: the value that ends the loop, the first past L, is inside
       [0, 2^32). Always when L leaves room for a step (below 2^32 - step
       going up, at least step - 1 going down); else it depends on where
       the count starts (a libc's `n -= 32` while n > 15 ends at 0..15
       when n mod 32 is below 16, as its caller made sure, and wraps
       otherwise). */
    LLVMValueRef last = up ? LLVMBuildAdd(B, a64, LLVMBuildMul(B, k, step, ""), "")
                           : LLVMBuildSub(B, a64, LLVMBuildMul(B, k, step, ""), "");
    return up ? LLVMBuildICmp(B, LLVMIntSLE, last, oxj_i64c(j, UINT32_MAX), "")
              : LLVMBuildICmp(B, LLVMIntSGE, last, oxj_i64c(j, 0), "");
}

bool oxj_lv_same_group(const oxj_lv *lv, const access *a, const access *b)
{
    if (a->mem != b->mem || a->addr.n != b->addr.n ||
        oxj_lv_step(lv, &a->addr) != oxj_lv_step(lv, &b->addr))
        return false;
    for (uint8_t i = 0; i < a->addr.n; i++) {
        uint8_t k = 0;
        while (k < b->addr.n && b->addr.x[k] != a->addr.x[i])
            k++;
        if (k == b->addr.n || b->addr.m[k] != a->addr.m[i])
            return false;
    }
    return true;
}

/* Whether a loop's fast copy charges its back-edges' fuel before it runs:
   it runs all T iterations (nothing in it traps, no other way out). */
static bool charged_ahead(const oxj_lv *lv) { return lv->trapless && !lv->exits; }

LLVMValueRef oxj_loop_check(oxj *j, oxj_lv *lv, uint32_t cost, uint32_t min_trips, LLVMBasicBlockRef fewer)
{
    oxj_mod *jm = j->jm;
    /* nothing asks compiled code to stop (the auto tier's bits and OSR
       testing's are for the interpreter); fuel, below */
    LLVMValueRef word = oxj_interrupt_word(j);
    LLVMValueRef busy = LLVMBuildAnd(
        B, word, oxj_i32(j, ~(OX_POLL_SAMPLE | OX_POLL_TIERUP | OX_POLL_OSR_TEST | OX_POLL_FUEL)), "");
    LLVMValueRef ok = LLVMBuildICmp(B, LLVMIntEQ, busy, oxj_i32(j, 0), "");
    LLVMValueRef t;
    ok = both(j, ok, trips(j, lv, &t));
    if (min_trips) { /* a short loop: the usual copy, without the rest of the check */
        LLVMBasicBlockRef rest = oxj_block(j, "loop_check_ranges");
        LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntUGE, t, oxj_i64c(j, min_trips), ""), rest, fewer);
        LLVMPositionBuilderAtEnd(B, rest);
    }
    /* a run of the fast copy does at most the budget's iterations; then
       the loop polls and comes back here (oxj_loop_continues) */
    LLVMValueRef cap = oxj_i64c(j, (int64_t)(LOOP_BUDGET / (lv->ninstr ? lv->ninstr : 1)));
    lv->more = LLVMBuildICmp(B, LLVMIntUGT, t, cap, "");
    t = LLVMBuildSelect(B, lv->more, cap, t, "");
    lv->t = t;
    LLVMValueRef last_k = LLVMBuildSub(B, t, oxj_i64c(j, 1), "");
    /* Fuel metered: the usual copy charges `cost` at each of the T - 1
       back-edges. A loop that cannot end early (one exit, and nothing in
       it traps) charges that sum before it, when there is enough; else
       it runs the usual copy, which traps where the interpreter would. */
    LLVMValueRef metered = LLVMBuildICmp(B, LLVMIntNE, LLVMBuildAnd(B, word, oxj_i32(j, OX_POLL_FUEL), ""),
                                         oxj_i32(j, 0), "");
    lv->metered = metered;
    if (charged_ahead(lv)) {
        lv->fuelp = oxj_field_ptr(j, j->s, offsetof(ox_store, fuel), jm->i64);
        lv->fuel = LLVMBuildLoad2(B, jm->i64, lv->fuelp, "");
        lv->need = LLVMBuildMul(B, last_k, oxj_i64c(j, cost), "");
        ok = both(j, ok, LLVMBuildOr(B, LLVMBuildNot(B, metered, ""),
                                     LLVMBuildICmp(B, LLVMIntUGE, lv->fuel, lv->need, ""), ""));
    } else {
        ok = both(j, ok, LLVMBuildNot(B, metered, ""));
    }
    /* accesses whose addresses differ by a constant (an unrolled body's:
       p, p + 1, p + 2...) are checked together, from the lowest */
    uint32_t nmems = jm->m->nmems;
    LLVMValueRef *sizes = calloc(nmems ? nmems : 1, sizeof *sizes);
    bool *done = calloc(lv->nacc ? lv->nacc : 1, 1);
    if (!sizes || !done) {
        free(sizes);
        free(done);
        j->nomem = true;
        return LLVMConstInt(jm->i1, 0, 0);
    }
    for (uint32_t i = 0; i < lv->nacc; i++) {
        if (done[i])
            continue;
        const access *a = &lv->acc[i];
        int32_t s = (int32_t)oxj_lv_step(lv, &a->addr);
        int64_t cmin = (int32_t)a->addr.c;
        for (uint32_t k = i + 1; k < lv->nacc; k++)
            if (oxj_lv_same_group(lv, a, &lv->acc[k]) && (int32_t)lv->acc[k].addr.c < cmin)
                cmin = (int32_t)lv->acc[k].addr.c;
        aff low = a->addr;
        low.c = (uint32_t)cmin;
        LLVMValueRef first = u64(j, oxj_aff_entry(j, &low)), lo = first, hi = first;
        int64_t dmax = 0, endmax = 0;
        for (uint32_t k = i; k < lv->nacc; k++) {
            access *b = &lv->acc[k];
            if (k > i && !oxj_lv_same_group(lv, a, b))
                continue;
            done[k] = true;
            int64_t d = (int64_t)(int32_t)b->addr.c - cmin;
            b->first = d ? LLVMBuildNUWAdd(B, first, oxj_i64c(j, d), "") : first;
            dmax = d > dmax ? d : dmax;
            int64_t e = d + (int64_t)b->off + b->size;
            endmax = e > endmax ? e : endmax;
        }
        if (s) {
            LLVMValueRef last = LLVMBuildAdd(B, first, LLVMBuildMul(B, last_k, oxj_i64c(j, s), ""), "");
            if (s > 0)
                hi = last;
            else
                lo = last;
            ok = both(j, ok, LLVMBuildICmp(B, LLVMIntSGE, lo, oxj_i64c(j, 0), ""));
        }
        /* no address wraps around 2^32 on the way */
        if (s || dmax)
            ok = both(j, ok, LLVMBuildICmp(B, LLVMIntSLE, LLVMBuildAdd(B, hi, oxj_i64c(j, dmax), ""),
                                           oxj_i64c(j, UINT32_MAX), ""));
        if (!sizes[a->mem])
            sizes[a->mem] = oxj_mem_size(j, a->mem);
        LLVMValueRef end = LLVMBuildAdd(B, hi, oxj_i64c(j, endmax), "");
        ok = both(j, ok, LLVMBuildICmp(B, LLVMIntULE, end, sizes[a->mem], ""));
    }
    free(sizes);
    free(done);
    return ok;
}

/* In the fast copy's first block: the fuel its back-edges would have
   charged, charged now (when fuel is metered). */
void oxj_loop_charge(oxj *j, const oxj_lv *lv)
{
    if (!charged_ahead(lv))
        return;
    LLVMValueRef left = LLVMBuildSelect(B, lv->metered, LLVMBuildSub(B, lv->fuel, lv->need, ""), lv->fuel, "");
    LLVMBuildStore(B, left, lv->fuelp);
}
