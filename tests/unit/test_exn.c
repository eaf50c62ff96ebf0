/*
 * test_exn.c — exceptions through the embedding API: an exception thrown by
 * a nested call comes out of a host function and is caught by the wasm
 * that called it; one nothing catches is an OX_ERR_EXCEPTION naming its
 * tag; a host tag (ox_tag_new) imported by a module; a trap is never
 * caught by catch_all.
 */
#include <string.h>

#include "oxide/wasm.h"
#include "test.h"

static const char *const wat =
    "(module\n"
    "  (import \"host\" \"bounce\" (func $bounce (param i32)))\n"
    "  (import \"host\" \"t\" (tag $t (param i32)))\n"
    "  (import \"host\" \"raise\" (func $raise (param i32)))\n"
    "  (tag $mine (export \"mine\"))\n"
    "  (func (export \"throw\") (param i32) (throw $t (local.get 0)))\n"
    "  (func (export \"throw_mine\") (throw $mine))\n"
    /* the host calls \"throw\" back; its exception crosses the host frame */
    "  (func (export \"through_host\") (param i32) (result i32)\n"
    "    (block $h (result i32)\n"
    "      (try_table (catch $t $h) (call $bounce (local.get 0)))\n"
    "      (i32.const -1)))\n"
    /* the host throws its own exception (ox_exception_throw), caught here */
    "  (func (export \"host_throws\") (param i32) (result i32)\n"
    "    (block $h (result i32)\n"
    "      (try_table (catch $t $h) (call $raise (local.get 0)))\n"
    "      (i32.const -1)))\n"
    "  (func (export \"host_throws_uncaught\") (param i32) (call $raise (local.get 0)))\n"
    /* an exnref handed to the host */
    "  (func (export \"catch_ref\") (param i32) (result exnref)\n"
    "    (block $h (result i32 exnref)\n"
    "      (try_table (catch_ref $t $h) (throw $t (local.get 0)))\n"
    "      (return (ref.null exn)))\n"
    "    (return))\n"
    "  (func (export \"trap_not_caught\") (result i32)\n"
    "    (block $h\n"
    "      (try_table (catch_all $h) (unreachable)))\n"
    "    (i32.const 7)))\n";

static ox_instance *the_inst;

/* Calls the instance's "throw" with its argument and returns its error:
   an exception, passed on as it is. */
static ox_error *bounce(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    (void)c, (void)user, (void)results;
    ox_extern f;
    if (!ox_instance_export(the_inst, "throw", &f))
        return ox_error_new(OX_ERR_NOTFOUND, "no throw");
    return ox_func_call(f.of.func, args, 1, NULL, 0);
}

static ox_tag *the_tag;

/* Throws the host tag's exception carrying its argument plus one. */
static ox_error *raise(ox_caller *c, void *user, const ox_val *args, ox_val *results)
{
    (void)c, (void)user, (void)results;
    ox_val v = ox_val_i32(args[0].of.i32 + 1);
    return ox_exception_throw(the_tag, &v, 1);
}

static ox_error *call(const char *name, const ox_val *args, size_t n, ox_val *r, size_t nr)
{
    ox_extern f;
    CHECK(ox_instance_export(the_inst, name, &f));
    return ox_func_call(f.of.func, args, n, r, nr);
}

int main(void)
{
    ox_engine *e;
    ox_store *s;
    ox_module *m = NULL;
    CHECK(!ox_engine_new(NULL, &e));
    CHECK(!ox_store_new(e, &s));
    ox_error *err = ox_module_new(e, (const uint8_t *)wat, strlen(wat), &m);
    CHECK(err == NULL);
    if (err) {
        fprintf(stderr, "%s\n", ox_error_message(err));
        return 1;
    }
    static const ox_valtype p[] = {OX_I32};
    ox_functype ft = {1, 0, p, NULL};
    ox_func *hf = NULL;
    ox_tag *tag = NULL;
    CHECK(!ox_func_new_host(s, &ft, bounce, NULL, NULL, &hf));
    CHECK(!ox_tag_new(s, &ft, &tag));
    CHECK(ox_tag_type(tag)->nparams == 1);
    ox_functype bad = {0, 1, NULL, p};
    ox_tag *nope = NULL;
    err = ox_tag_new(s, &bad, &nope);
    CHECK(ox_error_code(err) == OX_ERR_ARG && nope == NULL); /* a tag has no results */
    ox_error_free(err);

    ox_func *rf = NULL;
    CHECK(!ox_func_new_host(s, &ft, raise, NULL, NULL, &rf));
    the_tag = tag;
    ox_extern imports[3] = {{OX_EXTERN_FUNC, {.func = hf}}, {OX_EXTERN_TAG, {.tag = tag}},
                            {OX_EXTERN_FUNC, {.func = rf}}};
    CHECK(!ox_instance_new(s, m, imports, 3, &the_inst));

    ox_val r[1], a = ox_val_i32(42);
    err = call("through_host", &a, 1, r, 1);
    CHECK(err == NULL && r[0].of.i32 == 42);
    ox_error_free(err);

    err = call("throw", &a, 1, NULL, 0);
    CHECK(ox_error_code(err) == OX_ERR_EXCEPTION && ox_error_exception_tag(err) == tag);
    ox_error_free(err);

    err = call("throw_mine", NULL, 0, NULL, 0);
    CHECK(ox_error_code(err) == OX_ERR_EXCEPTION);
    CHECK(strstr(ox_error_message(err), "\"mine\"") != NULL);
    ox_extern mine;
    CHECK(ox_instance_export(the_inst, "mine", &mine) && mine.kind == OX_EXTERN_TAG);
    CHECK(ox_error_exception_tag(err) == mine.of.tag);
    ox_error_free(err);

    /* a host's exception: caught by wasm, or out to the embedder with its value */
    err = call("host_throws", &a, 1, r, 1);
    CHECK(err == NULL && r[0].of.i32 == 43);
    ox_error_free(err);
    err = call("host_throws_uncaught", &a, 1, NULL, 0);
    CHECK(ox_error_code(err) == OX_ERR_EXCEPTION && ox_error_exception_tag(err) == tag);
    ox_val v;
    CHECK(!ox_error_exception_values(err, &v, 1));
    CHECK(v.type == OX_I32 && v.of.i32 == 43);
    ox_error *e2 = ox_error_exception_values(err, &v, 2);
    CHECK(ox_error_code(e2) == OX_ERR_ARG); /* the count must be the tag's */
    ox_error_free(e2);
    ox_error_free(err);
    e2 = ox_exception_throw(tag, NULL, 0);
    CHECK(ox_error_code(e2) == OX_ERR_ARG);
    ox_error_free(e2);
    /* an exnref out of wasm: its tag and values */
    err = call("catch_ref", &a, 1, r, 1);
    CHECK(err == NULL && r[0].of.exnref != NULL);
    CHECK(ox_exnref_tag(r[0].of.exnref) == tag);
    CHECK(!ox_exnref_values(r[0].of.exnref, &v, 1) && v.of.i32 == 42);
    ox_error_free(err);

    err = call("trap_not_caught", NULL, 0, r, 1);
    CHECK(ox_error_code(err) == OX_ERR_TRAP && ox_error_trap(err) == OX_TRAP_UNREACHABLE);
    ox_error_free(err);

    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
    return test_summary("exn");
}
