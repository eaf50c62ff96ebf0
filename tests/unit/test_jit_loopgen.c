/*
 * test_jit_loopgen.c — random counted loops, both tiers: the differential
 * test of src/jit/jit_loop.c. Each module holds random loops of the
 * shapes the fast copies take (and some near them that they must not):
 * loads and stores of every width at two moving pointers, copies of
 * blocks forward and backward with their pairs in any order, strides that
 * agree or not, dead loads, an accumulator, exit conditions of every
 * kind, ways out of the loop besides its back-edge (a br_if out, a
 * return, the back-edge inside a block that a br_if leaves) and bodies
 * so long that a run of the fast copy does only some of the iterations;
 * and copies spliced from aligned words, as a C library copies to a
 * misaligned destination (jit_idiom.c), and near misses of them. Each
 * loop is called with random pointers (apart, overlapping,
 * near either end of memory) and counts (zero, small, too large), on an
 * interpreting engine and on one that compiles every function; results,
 * traps and memory must be the same. OX_LOOPGEN_SEED=N picks another
 * seed; the failing loop is printed.
 * In a build without LLVM there is nothing to compare.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oxide/wasm.h"
#include "test.h"

#define FUNCS 24
#define MODULES 6
#define CALLS 8

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32) % n;
}

typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (k >= 0 && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        b->cap = b->cap * 2 + (size_t)k + 64;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
}

static const char *const loads[4] = {"i32.load8_u", "i32.load16_s", "i32.load", "i64.load"};
static const char *const stores[4] = {"i32.store8", "i32.store16", "i32.store", "i64.store"};

/* The back-edge: a br_if on a condition of one of the kinds that give a
   trip count, from $i counting up or $n counting down. */
static void gen_backedge(buf *b)
{
    int step = 1 + (int)rnd(4);
    switch (rnd(7)) {
    case 6:
        put(b, "  (br_if $l (i32.eqz (i32.ge_u (local.tee $i (i32.add (local.get $i) (i32.const %d)))"
               " (local.get $n))))\n", step);
        break;
    case 0:
        put(b, "  (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))\n");
        break;
    case 1:
        put(b, "  (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const %d))) (local.get $n)))\n",
            step);
        break;
    case 2:
        put(b, "  (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const %d))) (local.get $n)))\n",
            step);
        break;
    case 3:
        put(b, "  (br_if $l (i32.gt_s (local.tee $n (i32.sub (local.get $n) (i32.const %d))) (i32.const %d)))\n",
            step, (int)rnd(5) - 2);
        break;
    case 4:
        put(b, "  (br_if $l (i32.ge_u (local.get $n) (local.tee $i (i32.add (local.get $i) (i32.const %d)))))\n",
            step);
        break;
    default:
        put(b, "  (br_if $l (i32.le_s (local.tee $i (i32.add (local.get $i) (i32.const %d))) (local.get $n)))\n",
            step);
        break;
    }
}

/* One loop function: fN(a, b, n) -> i32. */
static void gen_func(buf *b, int f)
{
    int wl = (int)rnd(4), w = 1 << wl;
    bool copy = rnd(3) != 0;          /* pairs of a load and a store of its value */
    int pairs = 1 + (int)rnd(4);
    int order = (int)rnd(3);          /* 0 increasing offsets, 1 decreasing, 2 shuffled */
    int dir = rnd(2) ? 1 : -1;
    int sa = dir * pairs * w, sb = rnd(5) ? sa : (int)rnd(9) - 4; /* strides; sometimes not a copy's */
    if (!copy)
        sb = (int)rnd(17) - 8;
    int base = (int)rnd(3) * w;
    int perm[4] = {0, 1, 2, 3};
    if (order == 1)
        for (int k = 0; k < pairs; k++)
            perm[k] = pairs - 1 - k;
    if (order == 2)
        for (int k = pairs - 1; k > 0; k--) {
            int r = (int)rnd((uint32_t)k + 1), t = perm[k];
            perm[k] = perm[r];
            perm[r] = t;
        }
    /* ways out besides the back-edge: 0 none, 1 a br_if out of the loop,
       2 a return, 3 the back-edge inside a block that a br_if leaves */
    int exit = rnd(2) ? 0 : 1 + (int)rnd(3);
    put(b, "(func (export \"f%d\") (param $a i32) (param $b i32) (param $n i32) (result i32)"
           " (local $i i32) (local $acc i32) (local $t i32)\n (block $out (loop $l%s\n", f,
        exit == 3 ? " (block $b" : "");
    if (rnd(4) == 0) /* a long body: a run of the fast copy does fewer iterations */
        for (int k = 600 + (int)rnd(900); k > 0; k--)
            put(b, "(nop)");
    bool temp = rnd(3) == 0; /* the pointer through a temporary */
    if (temp)
        put(b, "  (local.set $t (i32.add (local.get $a) (i32.const %d)))\n", (int)rnd(4));
    const char *pa = temp ? "$t" : "$a";
    for (int k = 0; k < pairs; k++) {
        int o = base + perm[k] * w;
        const char *ld = loads[wl], *st = stores[wl];
        if (copy) {
            put(b, "  (%s offset=%d (local.get $b) (%s offset=%d (local.get %s)))\n", st, o, ld, o, pa);
        } else {
            bool wide = wl == 3;
            put(b, "  (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 3)) %s(%s offset=%d "
                   "(local.get %s))%s))\n",
                wide ? "(i32.wrap_i64 " : "", ld, o, pa, wide ? ")" : "");
            if (rnd(2))
                put(b, "  (i32.store%s offset=%d (local.get $b) (local.get $acc))\n", rnd(2) ? "8" : "", o);
        }
    }
    /* the exit's condition: a byte at $a (one in 64 of them) */
    const char *cond = "(i32.eq (i32.and (i32.load8_u (local.get $a)) (i32.const 63)) (i32.const 5))";
    if (exit == 1)
        put(b, "  (br_if $out %s)\n", cond);
    else if (exit == 2)
        put(b, "  (if %s (then (return (i32.add (local.get $a) (local.get $acc)))))\n", cond);
    else if (exit == 3)
        put(b, "  (br_if $b %s)\n", cond);
    if (!copy && rnd(3) == 0) /* a load whose value goes unused */
        put(b, "  (drop (%s offset=%d (local.get $a)))\n", loads[wl], base + pairs * w + (int)rnd(8));
    put(b, "  (local.set $a (i32.add (local.get $a) (i32.const %d)))\n", sa);
    put(b, "  (local.set $b (i32.add (local.get $b) (i32.const %d)))\n", sb);
    gen_backedge(b);
    if (exit == 3)
        put(b, "  )"); /* block $b's end */
    if (rnd(4) == 0) /* code after the back-edge: runs once, on the way out */
        put(b, "  (i32.store8 (local.get $b) (i32.const 77))");
    put(b, "))\n"); /* the loop's end, $out's */
    put(b, " (i32.add (i32.add (local.get $acc) (i32.mul (local.get $a) (i32.const 7)))\n"
           "  (i32.add (i32.mul (local.get $b) (i32.const 5)) (i32.add (local.get $t)"
           " (i32.mul (i32.add (local.get $n) (local.get $i)) (i32.const 13))))))\n");
}

/* A spliced copy, as a C library copies to a destination misaligned with
   its source (jit_idiom.c): P aligned words loaded from $a, each stored
   at $b spliced with the one before, (x << (32 - 8a)) | (prev >> 8a), the
   last carried into the next iteration in $acc; or, one time in four, a
   near miss (shifts that do not splice, words not adjacent, $b moving
   another way). */
static void gen_splice(buf *b, int f)
{
    int pairs = 1 + (int)rnd(4), sh = 8 * (1 + (int)rnd(3)), hi = 32 - sh;
    int miss = rnd(4) ? 0 : 1 + (int)rnd(3), apart = miss == 2 ? 5 : 4;
    if (miss == 1)
        hi = hi == 8 ? 16 : 8;
    int la = (int)rnd(3) * 4 + (int)rnd(2) * (int)rnd(4), lb = (int)rnd(8);
    int sa = 4 * pairs, sb = miss == 3 ? sa + (int)rnd(3) - 4 : sa;
    put(b, "(func (export \"f%d\") (param $a i32) (param $b i32) (param $n i32) (result i32)"
           " (local $i i32) (local $acc i32) (local $t i32) (local $u i32)\n"
           " (local.set $acc (i32.load offset=%d (local.get $a)))\n (block $out (loop $l\n", f, la);
    for (int k = 0; k < pairs; k++) {
        /* word k into a local other than the one holding word k - 1; the
           last into $acc */
        const char *cur = k == pairs - 1 ? "$acc" : k % 2 ? "$u" : "$t";
        const char *prev = k == 0 ? "$acc" : (k - 1) % 2 ? "$u" : "$t";
        char load[96], lo[64];
        snprintf(load, sizeof load, "(i32.shl (local.tee %s (i32.load offset=%d (local.get $a))) (i32.const %d))",
                 cur, la + 4 + apart * k, hi);
        snprintf(lo, sizeof lo, "(i32.shr_u (local.get %s) (i32.const %d))", prev, sh);
        /* the low word first when it is read from the local the load sets */
        bool lo_first = strcmp(cur, prev) == 0 || rnd(2);
        put(b, "  (i32.store offset=%d (local.get $b) (i32.or %s %s))\n", lb + 4 * k, lo_first ? lo : load,
            lo_first ? load : lo);
    }
    put(b, "  (local.set $a (i32.add (local.get $a) (i32.const %d)))\n", sa);
    put(b, "  (local.set $b (i32.add (local.get $b) (i32.const %d)))\n", sb);
    gen_backedge(b);
    put(b, "))\n");
    put(b, " (i32.add (i32.add (local.get $acc) (i32.mul (local.get $a) (i32.const 7)))\n"
           "  (i32.add (i32.mul (local.get $b) (i32.const 5)) (i32.add (i32.xor (local.get $t) (local.get $u))"
           " (i32.mul (i32.add (local.get $n) (local.get $i)) (i32.const 13))))))\n");
}

typedef struct run {
    ox_engine *e;
    ox_store *s;
    ox_module *m;
    ox_instance *inst;
} run;

static bool open_run(run *r, ox_tier tier, const buf *src)
{
    memset(r, 0, sizeof *r);
    ox_config cfg = {.tier = tier};
    if (ox_engine_new(&cfg, &r->e) || ox_store_new(r->e, &r->s))
        return false;
    ox_error *err = ox_module_new(r->e, (const uint8_t *)src->s, src->n, &r->m);
    if (err) {
        fprintf(stderr, "%s\n", ox_error_message(err));
        ox_error_free(err);
        return false;
    }
    return !ox_instance_new(r->s, r->m, NULL, 0, &r->inst);
}

static void close_run(run *r)
{
    ox_store_free(r->s);
    ox_module_free(r->m);
    ox_engine_free(r->e);
}

static void call(run *r, const char *name, const ox_val *a, size_t n, ox_val *res, char *msg, size_t len)
{
    ox_extern f;
    ox_error *err = ox_instance_export(r->inst, name, &f) ? ox_func_call(f.of.func, a, n, res, res ? 1 : 0)
                                                          : ox_error_new(OX_ERR_NOTFOUND, "no %s", name);
    snprintf(msg, len, "%s", err ? ox_error_message(err) : "");
    ox_error_free(err);
}

/* A pointer: anywhere, near either end, or near the other one. */
static uint32_t pointer(uint32_t other)
{
    switch (rnd(5)) {
    case 0: return rnd(65536);
    case 1: return 65536 - 1 - rnd(300);
    case 2: return rnd(300);
    default: return other + rnd(64) - 32;
    }
}

static uint32_t count(void)
{
    switch (rnd(8)) {
    case 0: return 0;
    case 1: return 100000 + rnd(100000);
    case 2: return 0x80000000u + rnd(100);
    default: return 1 + rnd(400);
    }
}

int main(void)
{
    if (!ox_jit_available())
        return test_summary("jit_loopgen (no LLVM in this build)");
    const char *seed = getenv("OX_LOOPGEN_SEED");
    rng = seed ? strtoull(seed, NULL, 0) : 0x9E3779B97F4A7C15u;
    if (!rng)
        rng = 1;
    int compared = 0, fast_traps = 0;
    for (int mod = 0; mod < MODULES; mod++) {
        buf src = {0};
        put(&src, "(module (memory (export \"mem\") 1 1)\n"
                  "(func (export \"seed\") (param $x i32) (local $i i32)\n"
                  " (loop $l (i32.store8 (local.get $i) (i32.xor (i32.shr_u (i32.mul (i32.add (local.get $i)"
                  " (local.get $x)) (i32.const -1640531535)) (i32.const 23)) (local.get $i)))\n"
                  "  (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 65536)))))\n");
        size_t starts[FUNCS];
        for (int f = 0; f < FUNCS; f++) {
            starts[f] = src.n;
            if (f % 4 == 3)
                gen_splice(&src, f);
            else
                gen_func(&src, f);
        }
        put(&src, ")\n");
        run t[2];
        bool opened = open_run(&t[0], OX_TIER_INTERP, &src) && open_run(&t[1], OX_TIER_JIT, &src);
        CHECK(opened);
        if (!opened) {
            fputs(src.s, stderr);
            free(src.s);
            break;
        }
        for (int f = 0; f < FUNCS; f++) {
            char name[16];
            snprintf(name, sizeof name, "f%d", f);
            for (int c = 0; c < CALLS; c++) {
                uint32_t a = pointer(rnd(65536)), bb = pointer(a), n = count();
                ox_val args[3] = {ox_val_i32((int32_t)a), ox_val_i32((int32_t)bb), ox_val_i32((int32_t)n)};
                ox_val sv = ox_val_i32((int32_t)rnd(1000)), res[2];
                char msg[2][160];
                bool same = true;
                for (int k = 0; k < 2; k++) {
                    char ignore[160];
                    call(&t[k], "seed", &sv, 1, NULL, ignore, sizeof ignore);
                    memset(&res[k], 0, sizeof res[k]);
                    call(&t[k], name, args, 3, &res[k], msg[k], sizeof msg[k]);
                }
                same = strcmp(msg[0], msg[1]) == 0 && (msg[0][0] || res[0].of.i32 == res[1].of.i32);
                const uint8_t *m0 = ox_memory_data(ox_instance_memory(t[0].inst));
                const uint8_t *m1 = ox_memory_data(ox_instance_memory(t[1].inst));
                same = same && memcmp(m0, m1, 65536) == 0;
                fast_traps += msg[1][0] != 0;
                compared++;
                if (!same) {
                    size_t end = f + 1 < FUNCS ? starts[f + 1] : src.n;
                    fprintf(stderr, "loop %s(%u, %u, %u): interpreter '%s' %d, compiled '%s' %d\n%.*s\n", name,
                            a, bb, n, msg[0], res[0].of.i32, msg[1], res[1].of.i32, (int)(end - starts[f]),
                            src.s + starts[f]);
                }
                CHECK(same);
            }
        }
        close_run(&t[0]);
        close_run(&t[1]);
        free(src.s);
    }
    fprintf(stderr, "jit_loopgen: %d calls compared, %d of them trapped\n", compared, fast_traps);
    return test_summary("jit_loopgen");
}
