/*
 * test_gc.c — the garbage collector, through the embedding API, in a store
 * whose GC heap is capped at 4 MiB:
 *  - binary trees built and checked thousands of times over: a collection
 *    happens while half a tree is only on the operand stack (struct.new's
 *    first child, under the call building the second) and while trees
 *    hang from a global, a table and a local, and every node comes out
 *    right (the collector neither frees what is reachable nor keeps what
 *    is not: the heap stays under the cap);
 *  - references that left as externrefs (extern.convert_any) and came
 *    back (any.convert_extern) survive collections as the same object;
 *  - a host function called from wasm calls back in and collects: the
 *    outer frame's tree (a local, and on the stack under the call) lives;
 *  - a guest that keeps everything reachable traps (GC heap limit) and
 *    the host keeps its memory; the store still works after it.
 */
#include <string.h>

#include "oxide/wasm.h"
#include "test.h"

static const char *const wat =
    "(module\n"
    "  (import \"host\" \"again\" (func $again (result i32)))\n"
    "  (type $node (struct (field $l (ref null $node)) (field $r (ref null $node))\n"
    "                      (field $v i32)))\n"
    "  (type $bytes (array (mut i8)))\n"
    "  (global $keep (mut (ref null $node)) (ref.null $node))\n"
    "  (global $ext (mut externref) (ref.null extern))\n"
    "  (global $list (mut anyref) (ref.null any))\n"
    "  (table $t 4 anyref)\n"
    /* a tree of depth d, its nodes numbered from v */
    "  (func $build (param $d i32) (param $v i32) (result (ref $node))\n"
    "    (if (result (ref $node)) (i32.eqz (local.get $d))\n"
    "      (then (struct.new $node (ref.null $node) (ref.null $node) (local.get $v)))\n"
    "      (else (struct.new $node\n"
    "              (call $build (i32.sub (local.get $d) (i32.const 1)) (local.get $v))\n"
    "              (call $build (i32.sub (local.get $d) (i32.const 1))\n"
    "                           (i32.add (local.get $v) (i32.const 1)))\n"
    "              (local.get $v)))))\n"
    /* the sum of the values, with some garbage made on the way */
    "  (func $sum (param $n (ref null $node)) (result i32)\n"
    "    (if (result i32) (ref.is_null (local.get $n)) (then (i32.const 0))\n"
    "      (else\n"
    "        (drop (array.new_default $bytes (i32.const 64)))\n"
    "        (i32.add (struct.get $node $v (local.get $n))\n"
    "          (i32.add (call $sum (struct.get $node $l (local.get $n)))\n"
    "                   (call $sum (struct.get $node $r (local.get $n))))))))\n"
    /* build many trees of depth d; keep some alive in the global, the
       table and a local across the others; check each sum */
    "  (func (export \"trees\") (param $iters i32) (param $d i32) (result i32)\n"
    "    (local $i i32) (local $held (ref null $node)) (local $bad i32) (local $want i32)\n"
    "    (local.set $want (call $sum (call $build (local.get $d) (i32.const 0))))\n"
    "    (global.set $keep (call $build (local.get $d) (i32.const 0)))\n"
    "    (table.set $t (i32.const 1) (call $build (local.get $d) (i32.const 0)))\n"
    "    (local.set $held (call $build (local.get $d) (i32.const 0)))\n"
    "    (global.set $ext (extern.convert_any (call $build (local.get $d) (i32.const 0))))\n"
    "    (loop $l\n"
    "      (if (i32.ne (call $sum (call $build (local.get $d) (i32.const 0))) (local.get $want))\n"
    "        (then (local.set $bad (i32.add (local.get $bad) (i32.const 1)))))\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
    "      (br_if $l (i32.lt_u (local.get $i) (local.get $iters))))\n"
    "    (if (i32.ne (call $sum (global.get $keep)) (local.get $want))\n"
    "      (then (local.set $bad (i32.add (local.get $bad) (i32.const 100)))))\n"
    "    (if (i32.ne (call $sum (ref.cast (ref null $node) (table.get $t (i32.const 1))))\n"
    "                (local.get $want))\n"
    "      (then (local.set $bad (i32.add (local.get $bad) (i32.const 1000)))))\n"
    "    (if (i32.ne (call $sum (local.get $held)) (local.get $want))\n"
    "      (then (local.set $bad (i32.add (local.get $bad) (i32.const 10000)))))\n"
    "    (if (i32.ne (call $sum (ref.cast (ref null $node)\n"
    "                  (any.convert_extern (global.get $ext)))) (local.get $want))\n"
    "      (then (local.set $bad (i32.add (local.get $bad) (i32.const 100000)))))\n"
    "    (local.get $bad))\n"
    /* collections in a nested run, under a host function */
    "  (func (export \"nested\") (result i32)\n"
    "    (local $t (ref null $node))\n"
    "    (local.set $t (call $build (i32.const 8) (i32.const 0)))\n"
    "    (i32.add (call $sum (call $build (i32.const 8) (i32.const 0)))\n"
    "      (i32.add (call $again)\n"
    "        (i32.sub (call $sum (local.get $t)) (i32.const 2)))))\n"
    /* a list that only grows, from a global: everything stays reachable */
    "  (func (export \"hoard\")\n"
    "    (loop $l\n"
    "      (global.set $list (struct.new $node\n"
    "        (ref.cast (ref null $node) (global.get $list)) (ref.null $node) (i32.const 1)))\n"
    "      (br $l)))\n"
    "  (func (export \"drop_hoard\") (global.set $list (ref.null any)))\n"
    /* exceptions caught by reference (exnref) are collected too: n of them
       dropped, one held in a global throughout and thrown again at the end */
    "  (tag $ex (param i32))\n"
    "  (global $held (mut exnref) (ref.null exn))\n"
    "  (func (export \"exn_churn\") (param $n i32) (result i32)\n"
    "    (local $i i32) (local $sum i32)\n"
    "    (block $h (result i32 exnref)\n"
    "      (try_table (catch_ref $ex $h) (throw $ex (i32.const 77)))\n"
    "      (unreachable))\n"
    "    (global.set $held) (drop)\n"
    "    (loop $l\n"
    "      (block $c (result i32 exnref)\n"
    "        (try_table (catch_ref $ex $c) (throw $ex (local.get $i)))\n"
    "        (unreachable))\n"
    "      (drop)\n"
    "      (local.set $sum (i32.add (local.get $sum)))\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
    "      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))\n"
    "    (block $k (result i32)\n"
    "      (try_table (catch $ex $k) (throw_ref (global.get $held)))\n"
    "      (unreachable))\n"
    "    (i32.add (local.get $sum)))\n"
    /* the legacy instructions: every catch_all rethrows, so keeps its exception */
    "  (func (export \"legacy_churn\") (param $n i32) (result i32)\n"
    "    (local $i i32) (local $c i32)\n"
    "    (loop $l\n"
    "      (try\n"
    "        (do (try (do (throw $ex (local.get $i))) (catch_all (rethrow 0))))\n"
    "        (catch $ex (local.set $c (i32.add (i32.eq (local.get $i))\n"
    "                                          (local.get $c)))))\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
    "      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))\n"
    "    (local.get $c)))\n";

static ox_instance *inst;

/* Called from wasm: runs "trees" again (many collections) and returns its
   count of bad sums. */
static ox_error *again(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    (void)c, (void)user, (void)args;
    ox_extern f;
    if (!ox_instance_export(inst, "trees", &f))
        return ox_error_new(OX_ERR_NOTFOUND, "no trees");
    ox_val a[2] = {ox_val_i32(300), ox_val_i32(9)};
    return ox_func_call(f.of.func, a, 2, results, 1);
}

static ox_error *call(const char *name, const ox_val *args, size_t n, ox_val *r, size_t nr)
{
    ox_extern f;
    CHECK(ox_instance_export(inst, name, &f));
    return ox_func_call(f.of.func, args, n, r, nr);
}

int main(void)
{
    ox_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_gc_bytes = 4u << 20;
    ox_engine *e;
    ox_store *s;
    ox_module *m = NULL;
    CHECK(!ox_engine_new(&cfg, &e));
    CHECK(!ox_store_new(e, &s));
    ox_error *err = ox_module_new(e, (const uint8_t *)wat, strlen(wat), &m);
    if (err) {
        fprintf(stderr, "%s\n", ox_error_message(err));
        return 1;
    }
    static const ox_valtype r1[] = {OX_I32};
    ox_functype ft = {0, 1, NULL, r1};
    ox_func *hf = NULL;
    CHECK(!ox_func_new_host(s, &ft, again, NULL, NULL, &hf));
    ox_extern imp = {OX_EXTERN_FUNC, {.func = hf}};
    CHECK(!ox_instance_new(s, m, &imp, 1, &inst));

    /* a depth-10 tree is 2047 nodes (about 100 KiB with its garbage);
       3000 of them are hundreds of MiB through a 4 MiB heap */
    ox_val args[2] = {ox_val_i32(3000), ox_val_i32(10)}, r;
    err = call("trees", args, 2, &r, 1);
    CHECK(err == NULL);
    if (err)
        fprintf(stderr, "%s\n", ox_error_message(err));
    CHECK_EQ(r.of.i32, 0);
    uint64_t collections, bytes;
    ox_store_gc_stats(s, &collections, &bytes);
    CHECK(collections > 50);
    CHECK(bytes <= cfg.max_gc_bytes);

    /* everything reachable: a trap, not the host's memory */
    err = call("hoard", NULL, 0, NULL, 0);
    CHECK(err && ox_error_trap(err) == OX_TRAP_GC_HEAP);
    if (err)
        CHECK(strstr(ox_error_message(err), "GC heap") != NULL);
    ox_error_free(err);
    ox_store_gc_stats(s, NULL, &bytes);
    CHECK(bytes <= cfg.max_gc_bytes);
    /* let it go: the store runs on */
    CHECK(!call("drop_hoard", NULL, 0, NULL, 0));
    args[0] = ox_val_i32(50);
    CHECK(!call("trees", args, 2, &r, 1));
    CHECK_EQ(r.of.i32, 0);

    /* nested: twice a depth-8 tree's sum (1793), less 2, plus the nested
       run's bad sums (none) */
    uint64_t before;
    ox_store_gc_stats(s, &before, NULL);
    CHECK(!call("nested", NULL, 0, &r, 1));
    ox_store_gc_stats(s, &collections, NULL);
    CHECK(collections > before);
    CHECK_EQ(r.of.i32, 2 * 1793 - 2);

    /* 3 million exceptions caught by reference: more than a store could
       keep (2^20) before exceptions were collected */
    ox_store_gc_stats(s, &before, NULL);
    uint32_t want_sum = 77;
    for (uint32_t i = 0; i < 3000000; i++)
        want_sum += i;
    args[0] = ox_val_i32(3000000);
    err = call("exn_churn", args, 1, &r, 1);
    CHECK(err == NULL);
    if (err)
        fprintf(stderr, "%s\n", ox_error_message(err));
    ox_error_free(err);
    CHECK_EQ((uint32_t)r.of.i32, want_sum);
    args[0] = ox_val_i32(2000000);
    err = call("legacy_churn", args, 1, &r, 1);
    CHECK(err == NULL);
    ox_error_free(err);
    CHECK_EQ(r.of.i32, 2000000); /* every rethrown exception carried its own value */
    ox_store_gc_stats(s, &collections, NULL);
    CHECK(collections > before + 100);

    /* the embedder's objects: a type id the store has not, or null for a
       non-nullable type, is refused (a collection reads their types) */
    ox_global *g = NULL;
    ox_val nul = {.type = ox_ref_concrete(999999, true)};
    err = ox_global_new(s, nul.type, true, nul, &g);
    CHECK(ox_error_code(err) == OX_ERR_ARG && g == NULL);
    ox_error_free(err);
    ox_table *tb = NULL;
    ox_val nofunc = {.type = OX_FUNCREF | OX_REF_NONNULL};
    err = ox_table_new(s, nofunc.type, (ox_limits){1, 1, true, false}, nofunc, &tb);
    CHECK(ox_error_code(err) == OX_ERR_ARG && tb == NULL);
    ox_error_free(err);

    /* a host value through anyref and back */
    ox_val h;
    CHECK(!ox_anyref_host(s, (void *)(uintptr_t)0x1234, &h));
    CHECK(ox_anyref_kind_of(h.of.anyref) == OX_ANYREF_HOST);
    CHECK(ox_anyref_host_value(h.of.anyref) == (void *)(uintptr_t)0x1234);
    CHECK(ox_anyref_kind_of(NULL) == OX_ANYREF_NULL);

    ox_module_free(m);
    ox_store_free(s);
    ox_engine_free(e);
    return test_summary("gc");
}
