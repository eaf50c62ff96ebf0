/*
 * test_jit_refused.c — a background compilation that fails is not lost:
 * with a compiler library that refuses every module ($OXIDE_JIT_LIB, set
 * by ctest to jit_refuse.c's), the auto tier runs a busy module
 * interpreted, with the right results, and ox_module_jit_error() tells why
 * it was not compiled.
 */
#include <string.h>
#include <time.h>

#include "oxide/wasm.h"
#include "test.h"

static const char *const wat =
    "(module\n"
    "  (func (export \"sum\") (param i32) (result i32) (local i32)\n"
    "    (block $done (loop $l\n"
    "      (br_if $done (i32.eqz (local.get 0)))\n"
    "      (local.set 1 (i32.add (local.get 1) (local.get 0)))\n"
    "      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))\n"
    "      (br $l)))\n"
    "    (local.get 1)))\n";

int main(void)
{
    ox_config cfg = {.tier = OX_TIER_AUTO};
    ox_engine *e = NULL;
    ox_store *s = NULL;
    ox_module *m = NULL;
    ox_instance *inst = NULL;
    CHECK(!ox_engine_new(&cfg, &e) && !ox_store_new(e, &s));
    CHECK(!ox_module_new(e, (const uint8_t *)wat, strlen(wat), &m));
    CHECK(!ox_instance_new(s, m, NULL, 0, &inst));
    CHECK(ox_module_jit_error(m) == NULL); /* nothing tried yet */
    ox_extern f;
    CHECK(ox_instance_export(inst, "sum", &f));
    /* busy (interpreted) until sampled hot and the compiler has answered;
       at most 20 s */
    const ox_error *why = NULL;
    time_t until = time(NULL) + 20;
    while (!why && time(NULL) < until) {
        ox_val a = ox_val_i32(1000000), r;
        CHECK(!ox_func_call(f.of.func, &a, 1, &r, 1));
        CHECK_EQ((uint32_t)r.of.i32, (uint32_t)(1000000ull * 1000001ull / 2));
        why = ox_module_jit_error(m);
    }
    CHECK(why != NULL);
    if (why) {
        CHECK_EQ(ox_error_code(why), OX_ERR_INTERNAL);
        CHECK(strstr(ox_error_message(why), "refuses every module") != NULL);
    }
    CHECK_EQ(ox_module_compiled_funcs(m, NULL), 0);
    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
    return test_summary("jit_refused");
}
