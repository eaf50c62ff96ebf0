/*
 * jit_rt.c — running compiled code: its entry, its traps, the runtime
 * functions it calls.
 *
 * Each entry into compiled code (ox_jit_enter) is an activation: a
 * sigjmp_buf on the C stack, chained per thread. A trap in compiled code
 * (ox_jitrt_trap, or a fault in a memory's guard region caught by the
 * signal handler) unwinds to the innermost activation with siglongjmp;
 * compiled frames hold nothing to clean up (no references, no locks), so
 * dropping them is safe. The activation then returns the trap as an
 * ox_error, and from there errors travel as the interpreter's do: a
 * compiled function calling through the runtime (ox_jitrt_call) that
 * gets an error back unwinds its own activation with it.
 *
 * The chain of activations is thread-local: the only per-thread state of
 * the engine, because a signal handler has nowhere else to look. The
 * SIGSEGV/SIGBUS handler is installed once per process; a fault that is
 * not an access of compiled code to a guard region goes to the handler
 * that was installed before it (or the default action).
 */
#define _GNU_SOURCE 1 /* pthread_getattr_np, REG_RIP */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "jit.h"

typedef struct act {
    sigjmp_buf jb;
    struct act *prev;
    ox_store *s;
    ox_error *err;            /* the error to return, or NULL: a fault */
    uintptr_t fault_pc;       /* where the fault was, for its message */
} act;

static _Thread_local act *current;

/* How much of the thread's C stack compiled code may use: all but a
   margin the runtime's own calls (the interpreter, host functions) and
   the signal handler need below the last compiled frame, and the room
   that frame may take below the stack pointer checked before it was
   entered (jit.h, OX_JIT_FRAME_ROOM). */
#define STACK_MARGIN (256u * 1024u)
static _Thread_local uintptr_t stack_floor;

static uintptr_t stack_limit(void)
{
    if (!stack_floor) {
        pthread_attr_t attr;
        void *lo = NULL;
        size_t size = 0;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            pthread_attr_getstack(&attr, &lo, &size);
            pthread_attr_destroy(&attr);
        }
        uintptr_t margin = size / 4 < STACK_MARGIN ? size / 4 : STACK_MARGIN;
        uintptr_t room = size / 8 < OX_JIT_FRAME_ROOM ? size / 8 : OX_JIT_FRAME_ROOM;
        /* unknown bounds: assume 1 MiB below here */
        stack_floor = lo ? (uintptr_t)lo + margin + room
                         : (uintptr_t)&attr - (1u << 20) + STACK_MARGIN + OX_JIT_FRAME_ROOM;
    }
    return stack_floor;
}

/* ---- faults -------------------------------------------------------------- */

static struct sigaction prev_segv, prev_bus;
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;

/* Whether addr lies in a memory of s (its accessible pages or guard). */
static bool in_memory(const ox_store *s, uintptr_t addr)
{
    for (size_t k = 0; k < s->memories.n; k++) {
        const ox_memory *m = s->memories.v[k];
        if (addr >= (uintptr_t)m->data && addr - (uintptr_t)m->data < m->reserved)
            return true;
    }
    return false;
}

static uintptr_t fault_pc(void *uc)
{
#if defined(__x86_64__)
    return (uintptr_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)((ucontext_t *)uc)->uc_mcontext.pc;
#else
    (void)uc;
    return 0;
#endif
}

/* The compiled function at pc among s's instances (*inst its instance),
   or UINT32_MAX. Read-only, so the signal handler may ask too. */
static uint32_t compiled_at(const ox_store *s, uintptr_t pc, const ox_instance **inst)
{
    for (size_t k = 0; k < s->instances.n; k++) {
        const ox_instance *in = s->instances.v[k];
        const struct ox_jitcode *jc = in->module->jit, *hot = in->module->jit_hot;
        uint32_t f = jc ? ox_jit_func_at(jc, pc) : UINT32_MAX;
        if (f == UINT32_MAX && hot) /* code the whole module's replaced, maybe still running */
            f = ox_jit_func_at(hot, pc);
        if (f != UINT32_MAX) {
            *inst = in;
            return f;
        }
    }
    return UINT32_MAX;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    act *a = current;
    const ox_instance *inst;
    /* ours: compiled code touching a memory's guard region (anything else,
       a bug included, goes on to the previous handler) */
    if (a && in_memory(a->s, (uintptr_t)si->si_addr) &&
        compiled_at(a->s, fault_pc(uc), &inst) != UINT32_MAX) {
        a->err = NULL;
        a->fault_pc = fault_pc(uc);
        siglongjmp(a->jb, 1);
    }
    /* not ours: as if we were not here */
    const struct sigaction *p = sig == SIGBUS ? &prev_bus : &prev_segv;
    if (p->sa_flags & SA_SIGINFO) {
        p->sa_sigaction(sig, si, uc);
    } else if (p->sa_handler == SIG_DFL || p->sa_handler == SIG_IGN) {
        sigaction(sig, p, NULL); /* the fault repeats, with the default action */
    } else {
        p->sa_handler(sig);
    }
}

static void install_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sigemptyset(&sa.sa_mask);
    /* NODEFER: the handler leaves by siglongjmp without restoring the mask */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, &prev_segv);
    sigaction(SIGBUS, &sa, &prev_bus);
}

/* The trap of a fault at a->fault_pc. */
static ox_error *fault_error(const act *a)
{
    const ox_instance *inst = NULL;
    uint32_t f = compiled_at(a->s, a->fault_pc, &inst);
    return ox_trap_error(OX_TRAP_MEMORY_OOB, inst, f);
}

uint32_t ox_jit_func_at(const struct ox_jitcode *jc, uintptr_t pc)
{
    if (pc < jc->lo || pc >= jc->hi) /* another module's, or another copy of this one's */
        return UINT32_MAX;
    /* the last start at or below pc */
    uint32_t lo = 0, hi = jc->nstarts;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (jc->starts[mid] <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return UINT32_MAX;
    return jc->funcidx[lo - 1];
}

/* ---- entry --------------------------------------------------------------- */

/* An activation running f: its wrapper with the arguments in slots, or
   (osr) its OSR entry at loop `key` on the interpreter's frame `slots`
   and operand stack `stack`, setting *ran. */
static ox_error *activate(ox_store *s, ox_func *f, ox_slot *slots, ox_slot *stack, bool osr,
                          uint32_t key, bool *ran)
{
    pthread_once(&handler_once, install_handler);
    act a;
    a.prev = current;
    a.s = s;
    a.err = NULL;
    a.fault_pc = 0;
    uint32_t left = s->jit_left;
    uint64_t limit = s->jit_stack_limit;
    bool outermost = true;
    for (const act *p = a.prev; p; p = p->prev)
        if (p->s == s)
            outermost = false;
    if (outermost) {
        s->jit_left = s->engine->cfg.max_call_depth;
        s->jit_stack_limit = stack_limit();
    }
    current = &a;
    ox_error *err = NULL;
    if (sigsetjmp(a.jb, 0) == 0) {
        if (osr)
            *ran = f->osr(s, f->inst, f->inst->jit_mem0, slots, stack, key) != 0;
        else
            f->wrap(s, f->inst, f->inst->jit_mem0, slots);
    } else {
        if (osr)
            *ran = true; /* it ran, and trapped */
        err = a.err ? a.err : fault_error(&a);
    }
    current = a.prev;
    s->jit_left = left;
    s->jit_stack_limit = limit;
    return err;
}

ox_error *ox_jit_enter(ox_store *s, ox_instance *caller, ox_func *f, ox_slot *slots)
{
    (void)caller;
    return activate(s, f, slots, NULL, false, 0, NULL);
}

ox_error *ox_jit_osr_enter(ox_store *s, ox_func *f, ox_slot *frame, ox_slot *stack, uint32_t key,
                           bool *ran)
{
    *ran = false;
    return activate(s, f, frame, stack, true, key, ran);
}

/* Leave compiled code with err, to the innermost activation. */
static OX_NORETURN void unwind(ox_error *err)
{
    act *a = current;
    a->err = err;
    siglongjmp(a->jb, 1);
}

/* ---- the runtime functions ----------------------------------------------- */

void ox_jitrt_trap(ox_store *s, ox_instance *inst, uint32_t funcidx, uint32_t kind)
{
    (void)s;
    unwind(ox_trap_error((ox_trap)kind, inst, funcidx));
}

void ox_jitrt_poll(ox_store *s, ox_instance *inst, uint32_t funcidx, uint32_t cost)
{
    unsigned v = atomic_load_explicit(&s->interrupt, memory_order_relaxed);
    if (v == OX_POLL_FUEL && s->fuel >= cost) {
        s->fuel -= cost;
        return;
    }
    ox_trap t = ox_store_poll(s, cost, NULL);
    if (t != OX_TRAP_NONE)
        unwind(ox_trap_error(t, inst, funcidx));
}

void ox_jitrt_call(ox_store *s, ox_instance *caller, ox_func *callee, ox_slot *slots)
{
    /* WASI's functions (raw cells) straight from here */
    ox_error *err = callee->host_raw ? ox_call_host_raw(s, callee, caller, slots)
                                     : ox_exec_call_slots(s, caller, callee, slots);
    if (err)
        unwind(err);
}

uint32_t ox_jitrt_sub(ox_store *s, uint32_t a, uint32_t b)
{
    return ox_typereg_sub(&s->typereg, a, b);
}

uint64_t ox_jitrt_memory_grow(ox_instance *inst, uint32_t mem, uint64_t delta)
{
    return (uint64_t)(delta > UINT32_MAX ? -1 : ox_memory_grow_raw(inst->mems[mem], (uint32_t)delta));
}

/* Whether [a, a + n) leaves [0, size). */
static bool outside(uint64_t a, uint64_t n, uint64_t size) { return a > size || n > size - a; }

void ox_jitrt_memory_fill(ox_store *s, ox_instance *inst, uint32_t funcidx, uint32_t mem,
                          uint64_t d, uint32_t val, uint64_t n)
{
    ox_memory *m = inst->mems[mem];
    if (outside(d, n, m->size))
        ox_jitrt_trap(s, inst, funcidx, OX_TRAP_MEMORY_OOB);
    memset(m->data + d, (int)(uint8_t)val, n);
}

void ox_jitrt_memory_copy(ox_store *s, ox_instance *inst, uint32_t funcidx, uint32_t dmem,
                          uint32_t smem, uint64_t d, uint64_t src, uint64_t n)
{
    ox_memory *dm = inst->mems[dmem], *sm = inst->mems[smem];
    if (outside(src, n, sm->size) || outside(d, n, dm->size))
        ox_jitrt_trap(s, inst, funcidx, OX_TRAP_MEMORY_OOB);
    memmove(dm->data + d, sm->data + src, n);
}

void ox_jitrt_memory_init(ox_store *s, ox_instance *inst, uint32_t funcidx, uint32_t seg,
                          uint32_t mem, uint64_t d, uint32_t src, uint32_t n)
{
    ox_memory *m = inst->mems[mem];
    const ox_module *mod = inst->module;
    uint64_t len = inst->data_dropped[seg] ? 0 : mod->datas[seg].data.len;
    if (outside(src, n, len) || outside(d, n, m->size))
        ox_jitrt_trap(s, inst, funcidx, OX_TRAP_MEMORY_OOB);
    if (n)
        memcpy(m->data + d, mod->bytes + mod->datas[seg].data.off + src, n);
}

void ox_jitrt_data_drop(ox_instance *inst, uint32_t seg) { inst->data_dropped[seg] = 1; }
