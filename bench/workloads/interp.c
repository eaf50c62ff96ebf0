/* interp.c — a bytecode interpreter loop: a small stack machine with a
   switch dispatch running a program that computes primes by trial
   division and a running hash. Indirect branches, a value stack in
   memory, unpredictable dispatch: the shape of any scripting VM. */
#include "harness.h"

const char bench_name[] = "interp";

enum {
    OP_PUSH, /* imm: push constant */
    OP_LOAD, /* imm: push var[imm] */
    OP_STORE, /* imm: var[imm] = pop */
    OP_ADD, OP_SUB, OP_MUL, OP_MOD, OP_XOR, OP_SHL,
    OP_LT,  /* push (a < b) */
    OP_JZ,  /* imm: jump if pop == 0 */
    OP_JMP, /* imm: jump */
    OP_HALT,
};

typedef struct {
    uint8_t op;
    int32_t imm;
} insn;

static uint32_t run(const insn *code, int32_t *vars)
{
    int32_t stack[64];
    int32_t sp = 0;
    uint32_t pc = 0, steps = 0;
    for (;;) {
        const insn *i = &code[pc++];
        steps++;
        switch (i->op) {
        case OP_PUSH: stack[sp++] = i->imm; break;
        case OP_LOAD: stack[sp++] = vars[i->imm]; break;
        case OP_STORE: vars[i->imm] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] + (uint32_t)stack[sp]); break;
        case OP_SUB: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] - (uint32_t)stack[sp]); break;
        case OP_MUL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] * (uint32_t)stack[sp]); break;
        case OP_MOD: sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] % stack[sp] : 0; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] << (stack[sp] & 31)); break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_JZ: if (!stack[--sp]) pc = (uint32_t)i->imm; break;
        case OP_JMP: pc = (uint32_t)i->imm; break;
        case OP_HALT: return steps;
        default: return 0;
        }
    }
}

/* vars: 0 = n, 1 = limit, 2 = d, 3 = count, 4 = hash, 5 = isprime.
   The comment before each row gives the index of its first instruction. */
static const insn program[] = {
    /* 0 */ {OP_PUSH, 2}, {OP_STORE, 0},
    /* 2: outer loop: while n < limit */
    {OP_LOAD, 0}, {OP_LOAD, 1}, {OP_LT, 0}, {OP_JZ, 47},
    /* 6: d = 2, isprime = 1 */
    {OP_PUSH, 2}, {OP_STORE, 2}, {OP_PUSH, 1}, {OP_STORE, 5},
    /* 10: inner loop: while d*d < n+1 */
    {OP_LOAD, 2}, {OP_LOAD, 2}, {OP_MUL, 0}, {OP_LOAD, 0}, {OP_PUSH, 1}, {OP_ADD, 0},
    /* 16 */ {OP_LT, 0}, {OP_JZ, 30},
    /* 18: if n % d == 0 goto 27 */
    {OP_LOAD, 0}, {OP_LOAD, 2}, {OP_MOD, 0}, {OP_JZ, 27},
    /* 22: d = d + 1, loop */
    {OP_LOAD, 2}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_STORE, 2}, {OP_JMP, 10},
    /* 27: isprime = 0 */
    {OP_PUSH, 0}, {OP_STORE, 5}, {OP_JMP, 30},
    /* 30: count += isprime */
    {OP_LOAD, 3}, {OP_LOAD, 5}, {OP_ADD, 0}, {OP_STORE, 3},
    /* 34: hash = (hash << 1) ^ (n * isprime) */
    {OP_LOAD, 4}, {OP_PUSH, 1}, {OP_SHL, 0}, {OP_LOAD, 0}, {OP_LOAD, 5}, {OP_MUL, 0},
    /* 40 */ {OP_XOR, 0}, {OP_STORE, 4},
    /* 42: n = n + 1, loop */
    {OP_LOAD, 0}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_STORE, 0}, {OP_JMP, 2},
    /* 47 */ {OP_HALT, 0},
};

uint64_t bench_run(void)
{
    volatile int32_t limit = BENCH_PICK(220000, 48000);
    int32_t vars[8] = {0};
    vars[1] = limit;
    uint32_t steps = run(program, vars);
    uint64_t h = bench_mix(0, steps);
    h = bench_mix(h, (uint32_t)vars[3]);
    return bench_mix(h, (uint32_t)vars[4]);
}
