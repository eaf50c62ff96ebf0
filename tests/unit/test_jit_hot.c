/*
 * test_jit_hot.c — the auto tier's first compilation, of the functions
 * found running, before the whole module's (jit_auto.c), driven here by
 * hand through the engine's internal calls: only the function marked hot
 * and the small function it calls are compiled, the cold one is not; the
 * compiled code gives the interpreter's results and traps; once the whole
 * module's code has replaced it, an instance still running the first code
 * traps in it as it should (the fault handler knows both), and switching
 * over compiles the rest. The first code goes to the code cache for the
 * next runs (an auto engine starts with it, and still compiles the rest;
 * a jit engine takes it for a miss), until the whole module's replaces it.
 * Hot functions that are nearly all of the module's code are compiled
 * whole at once, and cached whole.
 * In a build without LLVM it is skipped.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jit.h"
#include "oxide/wasm.h"
#include "test.h"

/* $cold is the larger part of the module, so that $hot and $leaf are not
   "nearly all of it" (which is compiled whole at once) */
#define R4(x) x x x x
#define R64(x) R4(R4(R4(x)))
static const char *const wat =
    "(module (memory 1)\n"
    "  (func $leaf (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))\n"
    "  (func $hot (export \"hot\") (param $n i32) (param $at i32) (result i32) (local $s i32)\n"
    "    (block $d (loop $l\n"
    "      (br_if $d (i32.eqz (local.get $n)))\n"
    "      (local.set $s (i32.add (local.get $s) (call $leaf (local.get $n))))\n"
    "      (local.set $n (i32.sub (local.get $n) (i32.const 1)))\n"
    "      (br $l)))\n"
    "    (i32.add (local.get $s) (i32.load (local.get $at))))\n"
    "  (func $cold (export \"cold\") (param i32) (result i32) (local.get 0)\n"
    "    " R64("i32.const 1 i32.add ") "))\n";

/* hot(n, at): its message ("" when it returned) and result. */
static int32_t hot(ox_instance *inst, int32_t n, int32_t at, char *msg, size_t len)
{
    ox_extern f;
    ox_val a[2] = {ox_val_i32(n), ox_val_i32(at)}, r = ox_val_i32(-1);
    ox_error *err = ox_instance_export(inst, "hot", &f) ? ox_func_call(f.of.func, a, 2, &r, 1)
                                                         : ox_error_new(OX_ERR_NOTFOUND, "hot");
    snprintf(msg, len, "%s", err ? ox_error_message(err) : "");
    ox_error_free(err);
    return r.of.i32;
}

static bool compiled(ox_instance *inst, const char *name)
{
    ox_extern f;
    return ox_instance_export(inst, name, &f) && ox_func_is_compiled(f.of.func);
}

typedef struct run {
    ox_engine *e;
    ox_store *s;
    ox_module *m;
    ox_instance *inst;
} run;

static bool open_run(run *r, ox_tier tier, const char *cache)
{
    memset(r, 0, sizeof *r);
    ox_config cfg = {.tier = tier, .jit_cache_dir = cache};
    return !ox_engine_new(&cfg, &r->e) && !ox_store_new(r->e, &r->s) &&
           !ox_module_new(r->e, (const uint8_t *)wat, strlen(wat), &r->m) &&
           !ox_instance_new(r->s, r->m, NULL, 0, &r->inst);
}

static void close_run(run *r)
{
    ox_store_free(r->s);
    ox_module_free(r->m);
    ox_engine_free(r->e);
}

static size_t files_in(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *de; d && (de = readdir(d));)
        n += de->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void empty(const char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *de; d && (de = readdir(d));) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (de->d_name[0] != '.')
            unlink(path);
    }
    if (d)
        closedir(d);
}

/* The first code through the code cache. */
static void cached(void)
{
    char dir[] = "/tmp/oxide-jit-hot-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char msg[200];
    run a, b, c, d;
    /* a run compiles $hot first: kept in the cache */
    CHECK(open_run(&a, OX_TIER_AUTO, dir));
    atomic_store(&a.m->osr_hint[1], 1);
    bool whole = true;
    CHECK(!ox_jit_compile_hot(a.m, &whole) && !whole);
    CHECK_EQ(files_in(dir), 1);
    close_run(&a);
    /* the next starts with it, and still has the rest to compile */
    CHECK(open_run(&b, OX_TIER_AUTO, dir));
    CHECK_EQ(ox_module_compiled_funcs(b.m, NULL), 2);
    CHECK(compiled(b.inst, "hot") && !compiled(b.inst, "cold"));
    CHECK(atomic_load(&b.m->tier_state) == 0);
    CHECK_EQ(hot(b.inst, 10, 0, msg, sizeof msg), 3 * 55);
    /* a jit engine wants the whole module: a miss, compiled and cached */
    CHECK(open_run(&c, OX_TIER_JIT, dir));
    CHECK_EQ(ox_module_compiled_funcs(c.m, NULL), 3);
    close_run(&c);
    /* the auto run's background compilation now finds the whole module's */
    CHECK(!ox_jit_compile_background(b.m));
    CHECK_EQ(ox_module_compiled_funcs(b.m, NULL), 3);
    close_run(&b);
    CHECK(open_run(&d, OX_TIER_AUTO, dir));
    CHECK_EQ(ox_module_compiled_funcs(d.m, NULL), 3);
    CHECK(atomic_load(&d.m->tier_state) == 2);
    close_run(&d);
    CHECK_EQ(files_in(dir), 1);
    empty(dir);
    /* a first code compiled while another engine cached the whole module
       does not replace it */
    run e, f, g;
    CHECK(open_run(&e, OX_TIER_AUTO, dir));
    CHECK(open_run(&f, OX_TIER_JIT, dir));
    close_run(&f);
    atomic_store(&e.m->osr_hint[1], 1);
    CHECK(!ox_jit_compile_hot(e.m, &whole) && !whole);
    CHECK_EQ(ox_module_compiled_funcs(e.m, NULL), 2);
    close_run(&e);
    CHECK(open_run(&g, OX_TIER_AUTO, dir));
    CHECK_EQ(ox_module_compiled_funcs(g.m, NULL), 3);
    close_run(&g);
    empty(dir);
    /* all of it found running: compiled whole at once, cached whole */
    run h, k;
    CHECK(open_run(&h, OX_TIER_AUTO, dir));
    for (uint32_t d = 0; d < 3; d++)
        atomic_store(&h.m->osr_hint[d], 1);
    atomic_store(&h.m->osr_hint[1], 0); /* but $hot: two of three, by far the most code */
    CHECK(!ox_jit_compile_hot(h.m, &whole) && whole);
    CHECK_EQ(ox_module_compiled_funcs(h.m, NULL), 3);
    ox_instance_take_jit(h.inst);
    CHECK(compiled(h.inst, "hot") && compiled(h.inst, "cold"));
    close_run(&h);
    CHECK(open_run(&k, OX_TIER_AUTO, dir));
    CHECK_EQ(ox_module_compiled_funcs(k.m, NULL), 3);
    CHECK(atomic_load(&k.m->tier_state) == 2);
    close_run(&k);
    empty(dir);
    rmdir(dir);
}

int main(void)
{
    if (!ox_jit_available())
        return test_summary("jit_hot (no LLVM in this build)");
    ox_config cfg = {.tier = OX_TIER_AUTO};
    ox_engine *e = NULL;
    ox_store *s = NULL;
    ox_module *m = NULL;
    ox_instance *inst = NULL;
    CHECK(!ox_engine_new(&cfg, &e) && !ox_store_new(e, &s));
    CHECK(!ox_module_new(e, (const uint8_t *)wat, strlen(wat), &m));
    CHECK(m && !ox_instance_new(s, m, NULL, 0, &inst));
    if (!inst)
        return test_summary("jit_hot");
    char msg[200];
    const int32_t want = 3 * (100 * 101 / 2);
    CHECK_EQ(hot(inst, 100, 0, msg, sizeof msg), want);
    CHECK(!compiled(inst, "hot"));

    /* $hot found running (defined function 1): it and $leaf compile,
       $cold does not */
    CHECK(m->osr_hint != NULL);
    atomic_store(&m->osr_hint[1], 1);
    bool whole = true;
    CHECK(!ox_jit_compile_hot(m, &whole) && !whole);
    CHECK(m->jit_hot != NULL && m->jit == m->jit_hot);
    CHECK_EQ(ox_module_compiled_funcs(m, NULL), 2);
    ox_instance_take_jit(inst);
    CHECK(compiled(inst, "hot") && !compiled(inst, "cold"));
    CHECK_EQ(hot(inst, 100, 0, msg, sizeof msg), want);
    CHECK(!msg[0]);
    hot(inst, 5, 65534, msg, sizeof msg); /* past the page: a fault */
    CHECK(strstr(msg, "out of bounds memory access") != NULL);

    /* the whole module's code replaces it; the instance has not switched
       yet, and a fault in the first code still traps */
    CHECK(!ox_jit_compile_background(m));
    CHECK(m->jit != NULL && m->jit != m->jit_hot);
    CHECK_EQ(ox_module_compiled_funcs(m, NULL), 3);
    CHECK(!compiled(inst, "cold"));
    hot(inst, 5, 70000, msg, sizeof msg);
    CHECK(strstr(msg, "out of bounds memory access") != NULL);
    CHECK_EQ(hot(inst, 100, 0, msg, sizeof msg), want);

    /* switched: everything compiled, the same answers */
    ox_instance_take_jit(inst);
    CHECK(compiled(inst, "hot") && compiled(inst, "cold"));
    CHECK_EQ(hot(inst, 100, 0, msg, sizeof msg), want);
    hot(inst, 5, -1, msg, sizeof msg);
    CHECK(strstr(msg, "out of bounds memory access") != NULL);
    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
    cached();
    return test_summary("jit_hot");
}
