/*
 * test_unsupported.c — what the engine cannot run yet is refused with
 * OX_ERR_UNSUPPORTED, never run wrongly. Today that is v128 (SIMD): its
 * values do not fit the engine's 8-byte slots, so a function returning one
 * would hand its caller zeros. Every way a v128 can enter is closed:
 * function types, globals, locals, block types, typed select, SIMD
 * instructions, and the embedder's host functions and globals.
 */
#include <string.h>

#include "oxide/wasm.h"
#include "test.h"

static void refused(ox_engine *e, const char *text)
{
    ox_module *m = NULL;
    ox_error *err = ox_module_new(e, (const uint8_t *)text, strlen(text), &m);
    CHECK(m == NULL);
    CHECK(ox_error_code(err) == OX_ERR_UNSUPPORTED);
    CHECK(err && strstr(ox_error_message(err), "v128 (SIMD) is not supported yet"));
    if (ox_error_code(err) != OX_ERR_UNSUPPORTED)
        fprintf(stderr, "%s\n  -> %s\n", text, err ? ox_error_message(err) : "accepted");
    ox_error_free(err);
}

static ox_error *nothing(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    (void)c, (void)user, (void)args, (void)results;
    return NULL;
}

int main(void)
{
    ox_engine *e;
    ox_store *s;
    CHECK(!ox_engine_new(NULL, &e));
    CHECK(!ox_store_new(e, &s));
    refused(e, "(func (result v128) (v128.const i32x4 1 2 3 4))");
    refused(e, "(func (param v128))");
    refused(e, "(import \"m\" \"g\" (global v128))");
    refused(e, "(global v128 (v128.const i64x2 0 0))");
    refused(e, "(func (local v128))");
    refused(e, "(func (block (result v128) (unreachable)) drop)");
    refused(e, "(func (param i32) (select (result v128) (unreachable)) drop)");
    /* a SIMD instruction among i32 values only: i32.const 0; i32x4.splat; drop */
    static const uint8_t splat[] = {
        0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
        0x03, 0x02, 0x01, 0x00, 0x0A, 0x09, 0x01, 0x07, 0x00, 0x41, 0x00, 0xFD, 0x11, 0x1A,
        0x0B,
    };
    ox_module *m = NULL;
    ox_error *merr = ox_module_new(e, splat, sizeof splat, &m);
    CHECK(m == NULL && ox_error_code(merr) == OX_ERR_UNSUPPORTED);
    ox_error_free(merr);
    ox_val v;
    memset(&v, 0, sizeof v);
    v.type = OX_V128;
    ox_global *g = NULL;
    ox_error *err = ox_global_new(s, OX_V128, false, v, &g);
    CHECK(ox_error_code(err) == OX_ERR_UNSUPPORTED && g == NULL);
    ox_error_free(err);
    static const ox_valtype p[] = {OX_V128};
    ox_functype ft = {1, 0, p, NULL};
    ox_func *f = NULL;
    err = ox_func_new_host(s, &ft, nothing, NULL, NULL, &f);
    CHECK(ox_error_code(err) == OX_ERR_UNSUPPORTED && f == NULL);
    ox_error_free(err);
    ox_store_free(s);
    ox_engine_free(e);
    return test_summary("unsupported");
}
