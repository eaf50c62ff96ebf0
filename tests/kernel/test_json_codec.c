/* test_json_codec.c — the guest ABI's JSON codec against jansson, the
   authority it stands in for: the encoder gives jansson's exact bytes or
   fails where jansson fails; the fast parser either declines (NULL) or
   gives jansson's tree, and never accepts what jansson rejects. Fixed
   cases, then mutations of them from a fixed seed. */
#include <stdint.h>

#include "check.h"
#include "json_codec.h"
#include "kutil.h"

static const size_t DUMP_FLAGS = JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER;

/* oxk_json_encode(v) must equal json_dumps(v), or both must fail. */
static void encodes_like_jansson(const json_t *v, const char *what)
{
    oxk_jbuf b = {0};
    char *want = json_dumps(v, DUMP_FLAGS);
    bool ok = oxk_json_encode(v, &b);
    if (ok != (want != NULL) ||
        (ok && (b.len != strlen(want) || memcmp(b.p, want, b.len) != 0))) {
        fprintf(stderr, "  encode %s: got %s%.*s, jansson %s\n", what, ok ? "" : "(failed)",
                ok ? (int)b.len : 0, ok ? b.p : "", want ? want : "(failed)");
        check_failures++;
    }
    free(want);
    oxk_jbuf_free(&b);
}

/* The fast parser on len bytes: NULL, or jansson's value with the keys in
   jansson's order; NULL whenever jansson rejects the text. */
static void parses_like_jansson(const char *text, size_t len, bool want_fast)
{
    json_error_t e;
    json_t *slow = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    json_t *fast = oxk_json_parse_fast(text, len);
    bool bad = false;
    if (fast && !slow) {
        bad = true;
    } else if (fast) {
        char *a = json_dumps(fast, DUMP_FLAGS), *b = json_dumps(slow, DUMP_FLAGS);
        bad = !json_equal(fast, slow) || !a || !b || strcmp(a, b) != 0;
        free(a);
        free(b);
        /* The executor relies on this: no separate UTF-8 check. */
        bad |= !ox_utf8_valid((const unsigned char *)text, len);
    }
    if (want_fast && !fast)
        bad = true;
    if (bad) {
        fprintf(stderr, "  parse [%.*s]: fast %s, jansson %s\n", (int)len, text,
                fast ? "accepted" : "declined", slow ? "accepted" : e.text);
        check_failures++;
    }
    json_decref(fast);
    json_decref(slow);
}

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!v) {
        fprintf(stderr, "bad test JSON: %s: %s\n", text, e.text);
        exit(1);
    }
    return v;
}

/* Texts both sides must agree on; the first ones the fast path must take. */
static const char *const FAST[] = {
    "{}", "[]", "null", "true", "false", "0", "-0", "7", "-12", "123456789012345678",
    "-123456789012345678", "\"\"", "\"plain text\"", " \t\r\n{ \"a\" : [ 1 , 2 ] }\n ",
    ("{\"tool\":\"search\",\"query\":\"wasm interpreter speed\",\"limit\":10,"
     "\"filters\":{\"lang\":\"c\",\"recent\":true}}"),
    "{\"k\\n\\\"\":\"v\\t\\\\\\/\\b\\f\\r\"}", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
    "{\"b\":1,\"a\":2,\"c\":{\"z\":[],\"y\":{}}}", "{\"a\":1,\"a\":2,\"b\":3}",
    "[[[[[[[[[[\"deep\"]]]]]]]]]]", "[null,true,false,\"x\",[],{}]",
    /* an escape first: nothing to copy before it (found by fuzz_json_codec) */
    "\"\\n\"", "{\"\\\\\":\"\\t\"}",
};
static const char *const OTHER[] = {
    "", " ", "01", "-", "-01", "1.5", "1e3", "1E-2", "-0.0", "1234567890123456789",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "tru", "truex",
    "nul", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{\"a\"}", "{a:1}", "[1 2]", "[1",
    "{\"a\":1", "\"open", "\"\\u0041\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"",
    "\"\\u0000\"", "{\"\\u0000\":1}", "\"a\\qb\"", "\"a\\", "\"\x01\"", "\"\x7f\"", "\"\xc3\"",
    "\"\xc3\xa9\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xc0\xaf\"", "\xef\xbb\xbf{}",
    "{} x", "[]]", "{}{}", "1 2", "[\"\xff\"]", "\xff", "{\"\xff\":1}", "[1.0e+400]",
    "{\"a\":[1,{\"b\":[true,null,-0]}],\"c\":\"\\/\"}", "nan", "-inf", "+1", "[-]",
    /* declined without overflowing on the way (found by fuzz_json_codec) */
    "5555555555555555555555555555555555555555", "[-99999999999999999999999]",
};

static void parser_agrees_on_fixed_cases(void)
{
    for (size_t i = 0; i < sizeof FAST / sizeof *FAST; i++)
        parses_like_jansson(FAST[i], strlen(FAST[i]), true);
    for (size_t i = 0; i < sizeof OTHER / sizeof *OTHER; i++)
        parses_like_jansson(OTHER[i], strlen(OTHER[i]), false);
    /* A NUL byte in the text, and text not NUL-terminated. */
    parses_like_jansson("[1]\0", 4, false);
    parses_like_jansson("\"a\0b\"", 5, false);
    parses_like_jansson("[12]345", 4, true);
    /* Deeper than the fast path goes: declined, and jansson still parses. */
    char deep[1200];
    memset(deep, '[', 600);
    memset(deep + 600, ']', 600);
    parses_like_jansson(deep, sizeof deep, false);
    CHECK(oxk_json_parse_fast(deep, sizeof deep) == NULL);
    parses_like_jansson(deep + 400, 400, true); /* 200 deep: taken */
}

static void encoder_agrees_on_fixed_cases(void)
{
    const char *texts[] = {
        "{}", "[]", "null", "true", "false", "0", "-1", "9223372036854775807",
        "-9223372036854775808", "1.5", "-0.0", "1e300", "0.1", "[1,2.5,{\"x\":3.25}]",
        "\"\"", "\"caf\xc3\xa9\"", "\"\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\/\\u007f\"",
        "{\"b\":1,\"a\":{\"k\\n\":[[],{}]}}", "\"\\u0000x\"",
        ("{\"tool\":\"search\","
         "\"filters\":{\"lang\":\"c\",\"recent\":true},\"limit\":10}"),
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        json_t *v = J(texts[i]);
        encodes_like_jansson(v, texts[i]);
        json_decref(v);
    }
    /* Deep nesting goes to jansson. */
    json_t *deep = json_array();
    for (int i = 0; i < 400; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "k", deep);
        deep = o;
    }
    encodes_like_jansson(deep, "400 nested objects");
    json_decref(deep);
    /* Strings jansson refuses to encode: not UTF-8. */
    json_t *bad = json_stringn_nocheck("a\xff", 2);
    encodes_like_jansson(bad, "invalid UTF-8 string");
    json_t *obj = json_object();
    json_object_set_new_nocheck(obj, "\xc3", json_true());
    encodes_like_jansson(obj, "invalid UTF-8 key");
    json_decref(obj);
    json_decref(bad);
    /* A cycle: both fail, nothing loops. */
    json_t *a = json_array(), *b = json_array();
    json_array_append(b, a);
    json_array_append(a, b);
    oxk_jbuf buf = {0};
    CHECK(!oxk_json_encode(a, &buf));
    json_array_clear(a);
    json_decref(a);
    json_decref(b);
    oxk_jbuf_free(&buf);
}

/* The buffer is reused: a small value after a large one is only itself. */
static void encoder_reuses_its_buffer(void)
{
    oxk_jbuf b = {0};
    json_t *big = json_array();
    for (int i = 0; i < 5000; i++)
        json_array_append_new(big, json_string("some text"));
    CHECK(oxk_json_encode(big, &b));
    CHECK(b.len > 5000 * 11);
    json_t *small = J("{\"a\":1}");
    CHECK(oxk_json_encode(small, &b));
    CHECK(b.len == 7 && memcmp(b.p, "{\"a\":1}", 7) == 0);
    json_t *real = J("[0.5]"); /* the jansson route into the same buffer */
    CHECK(oxk_json_encode(real, &b));
    CHECK(b.len == 5 && memcmp(b.p, "[0.5]", 5) == 0);
    json_decref(big);
    json_decref(small);
    json_decref(real);
    oxk_jbuf_free(&b);
}

/* Mutations of every fixed case (byte flips, inserts, deletes, cuts) from a
   fixed seed: whatever the text, the fast parser never disagrees. */
static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void parser_agrees_on_mutations(void)
{
    static const char alphabet[] = "{}[]\",:\\ntfu0-19.eE \x01\x7f\xc3\xa9\xff";
    const char *const *sets[2] = {FAST, OTHER};
    size_t nsets[2] = {sizeof FAST / sizeof *FAST, sizeof OTHER / sizeof *OTHER};
    char buf[512];
    int failures_before = check_failures;
    for (int round = 0; round < 20000 && check_failures - failures_before < 5; round++) {
        int s = (int)(next() % 2);
        const char *src = sets[s][next() % nsets[s]];
        size_t len = strlen(src);
        memcpy(buf, src, len);
        for (int k = 1 + (int)(next() % 3); k > 0; k--) {
            size_t at = len ? next() % (len + 1) : 0;
            char ch = alphabet[next() % (sizeof alphabet - 1)];
            switch (next() % 4) {
            case 0: /* replace */
                if (at < len)
                    buf[at] = ch;
                break;
            case 1: /* insert */
                if (len + 1 < sizeof buf) {
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = ch;
                    len++;
                }
                break;
            case 2: /* delete */
                if (at < len) {
                    memmove(buf + at, buf + at + 1, len - at - 1);
                    len--;
                }
                break;
            default: /* cut */
                len = at;
            }
        }
        parses_like_jansson(buf, len, false);
    }
}

int main(void)
{
    RUN(parser_agrees_on_fixed_cases);
    RUN(encoder_agrees_on_fixed_cases);
    RUN(encoder_reuses_its_buffer);
    RUN(parser_agrees_on_mutations);
    return CHECK_DONE();
}
