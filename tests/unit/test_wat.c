/*
 * test_wat.c — the text reader (src/wat/) on cases the spec suite does not
 * pin down byte for byte: exact encodings of small modules, the messages
 * and positions of errors, and regressions (a comment ended by CR, a type
 * index of 0xffffffff, quoted ids, nesting bounds).
 */
#include <stdlib.h>
#include <string.h>

#include "oxide/wasm.h"
#include "test.h"

/* The binary of `text`, or NULL (message in *msg, malloc'd). */
static uint8_t *bin(const char *text, size_t *len, char **msg)
{
    uint8_t *out = NULL;
    ox_error *err = ox_wat_to_wasm(text, strlen(text), &out, len);
    *msg = NULL;
    if (err) {
        *msg = strdup(ox_error_message(err));
        CHECK(ox_error_code(err) == OX_ERR_MALFORMED);
        CHECK(out == NULL);
        ox_error_free(err);
    }
    return out;
}

static void expect_bytes(const char *text, const uint8_t *want, size_t n)
{
    size_t len;
    char *msg;
    uint8_t *b = bin(text, &len, &msg);
    if (!b)
        fprintf(stderr, "%s\n  -> %s\n", text, msg);
    CHECK(b != NULL);
    /* past the 8-byte header */
    bool same = b && len == 8 + n && (!n || !memcmp(b + 8, want, n));
    CHECK(same);
    if (b && !same) {
        fprintf(stderr, "%s\n  got:", text);
        for (size_t i = 8; i < len; i++)
            fprintf(stderr, " %02x", b[i]);
        fprintf(stderr, "\n");
    }
    free(b);
    free(msg);
}

static void expect_error(const char *text, const char *want)
{
    size_t len;
    char *msg;
    uint8_t *b = bin(text, &len, &msg);
    CHECK(b == NULL);
    CHECK(msg && strstr(msg, want));
    if (msg && !strstr(msg, want))
        fprintf(stderr, "%s\n  said: %s\n  want: %s\n", text, msg, want);
    free(b);
    free(msg);
}

/* The value module `text`'s export "f" returns, as i32. */
static int32_t run_i32(const char *text)
{
    ox_engine *e;
    ox_module *m = NULL;
    ox_store *s = NULL;
    ox_instance *inst = NULL;
    ox_val r = {.type = OX_I32};
    ox_extern f;
    CHECK(!ox_engine_new(NULL, &e));
    ox_error *err = ox_module_new(e, (const uint8_t *)text, strlen(text), &m);
    if (!err)
        err = ox_store_new(e, &s);
    if (!err)
        err = ox_instance_new(s, m, NULL, 0, &inst);
    if (!err && ox_instance_export(inst, "f", &f))
        err = ox_func_call(f.of.func, NULL, 0, &r, 1);
    if (err)
        fprintf(stderr, "%s\n  -> %s\n", text, ox_error_message(err));
    CHECK(err == NULL);
    ox_error_free(err);
    ox_store_free(s);
    ox_module_free(m);
    ox_engine_free(e);
    return r.of.i32;
}

int main(void)
{
    /* the smallest modules, byte for byte */
    expect_bytes("(module)", NULL, 0);
    expect_bytes("", NULL, 0); /* fields without (module): none */
    static const uint8_t add[] = {
        0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F,       /* type */
        0x03, 0x02, 0x01, 0x00,                                     /* func */
        0x07, 0x07, 0x01, 0x03, 'a', 'd', 'd', 0x00, 0x00,          /* export */
        0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B, /* code */
    };
    expect_bytes("(module (func (export \"add\") (param i32 i32) (result i32)"
                 " (i32.add (local.get 0) (local.get 1))))", add, sizeof add);
    /* flat, with ids, comments, an annotation */
    CHECK_EQ(run_i32("(func $g (param $a i32) (param $b i32) (result i32)\n"
                     "  ;; a comment\n (@note \"x\" (y)) local.get $a (; (; nested ;) ;)\n"
                     "  local.get $b i32.sub)\n"
                     "(func (export \"f\") (result i32) (call $g (i32.const 10) (i32.const 3)))"),
             7);
    /* implicit types are appended after the explicit ones and reused */
    static const uint8_t types[] = {
        0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x00, 0x01, 0x7F, /* type: [] [->i32] */
        0x03, 0x04, 0x03, 0x01, 0x00, 0x01,                         /* func: 1 0 1 */
        0x0A, 0x0E, 0x03, 0x04, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x0B,
        0x04, 0x00, 0x41, 0x01, 0x0B,
    };
    expect_bytes("(func (result i32) i32.const 0) (type (func)) (func) "
                 "(func (result i32) (i32.const 1))", types, sizeof types);
    /* numbers: signed and unsigned i32 ranges, underscores, hex floats */
    static const uint8_t consts[] = {
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
        0x0A, 0x14, 0x01, 0x12, 0x00,
        0x41, 0x7F, 0x1A,                   /* i32.const 0xffff_ffff = -1; drop */
        0x41, 0x80, 0x80, 0x80, 0x80, 0x78, 0x1A, /* i32.const -2147483648 */
        0x43, 0x00, 0x00, 0xC0, 0x3F, 0x1A, /* f32.const 0x1.8p0 = 1.5 */
        0x0B,
    };
    expect_bytes("(func i32.const 0xffff_ffff drop i32.const -2_147_483_648 drop"
                 " f32.const 0x1.8p0 drop)", consts, sizeof consts);

    /* errors: position and what was expected */
    expect_error("(module\n  (func (param i32\n", "3:1: unexpected end of input, expected ')' "
                                                  "after (param i32");
    expect_error("(func (i32.ad))", "1:8: unknown operator 'i32.ad'");
    expect_error("(func (i32.const 0x1_0000_0000) drop)", "constant out of range for i32");
    expect_error("(func (i32.const 1__0) drop)", "expected an i32 constant");
    expect_error("(func $f) (func $f)", "duplicate function $f");
    expect_error("(func (call $g))", "unknown function $g");
    expect_error("(func block $a end $b)", "mismatching label");
    expect_error("(func (br $nope))", "unknown label $nope");
    expect_error("(func) (import \"m\" \"f\" (func))", "import after function");
    expect_error("(type (func)) (func (type 0) (param i32))", "inline function type");
    expect_error("(data \"a\"\"b\")", "unexpected token");
    expect_error("(func (i32.load align=3 (i32.const 0)) drop)", "alignment");
    expect_error("(memory 1) (data (i32.const 0) \"\\u{d800}\")", "malformed unicode escape");
    expect_error("(import \"\\ff\" \"f\" (func))", "malformed UTF-8 encoding");
    expect_error("(; open", "unterminated block comment");
    expect_error("(@)", "empty annotation id");
    /* nesting is bounded, not a stack overflow */
    size_t deep = 5000;
    char *t = malloc(deep * 28 + 64);
    strcpy(t, "(func (result i32) ");
    for (size_t i = 0; i < deep; i++)
        strcat(t, "(i32.add (i32.const 1) ");
    strcat(t, "(i32.const 0)");
    for (size_t i = 0; i < deep; i++)
        strcat(t, ")");
    strcat(t, ")");
    expect_error(t, "nested more than 1000 deep");
    free(t);

    /* regressions */
    /* a line comment ends at CR too: the return after it is code */
    CHECK_EQ(run_i32("(func (export \"f\") (result i32) (i32.const 1) ;; c\r"
                     " (return (i32.const 2)))"), 2);
    /* $"..." and $plain name the same function */
    CHECK_EQ(run_i32("(func $\"g\" (result i32) (i32.const 7))"
                     "(func (export \"f\") (result i32) (call $g))"), 7);
    /* (type 0xffffffff) is an index (invalid), not "no type given" */
    {
        ox_engine *e;
        ox_module *m = NULL;
        CHECK(!ox_engine_new(NULL, &e));
        const char *txt = "(table 1 funcref) (func (call_indirect (type 0xffffffff) "
                          "(i32.const 0)))";
        ox_error *err = ox_module_new(e, (const uint8_t *)txt, strlen(txt), &m);
        CHECK(err && ox_error_code(err) == OX_ERR_INVALID);
        ox_error_free(err);
        ox_module_free(m);
        ox_engine_free(e);
    }
    return test_summary("wat");
}
