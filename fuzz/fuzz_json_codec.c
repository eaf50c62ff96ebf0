/*
 * fuzz_json_codec.c — libFuzzer harness: the guest ABI's JSON codec
 * (src/kernel/json_codec.c) against jansson, which it stands in for. The
 * input is a guest's output text: the fast parser may decline it (NULL),
 * but what it accepts jansson must accept too, with the same value and
 * key order, and the text must be valid UTF-8. Whatever jansson parsed is
 * then encoded both ways, which must give the same bytes. A difference
 * aborts (a finding), like a crash or a sanitizer report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/kernel/json_codec.h"
#include "../src/kernel/kutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t FLAGS = JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    json_error_t e;
    json_t *slow = json_loadb(text, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    json_t *fast = oxk_json_parse_fast(text, size);
    if (fast) {
        if (!slow || !json_equal(fast, slow) || !ox_utf8_valid(data, size))
            abort();
        char *a = json_dumps(fast, FLAGS), *b = json_dumps(slow, FLAGS);
        if (!a || !b || strcmp(a, b) != 0)
            abort();
        free(a);
        free(b);
    }
    if (slow) {
        oxk_jbuf buf = {0};
        char *want = json_dumps(slow, FLAGS);
        bool ok = oxk_json_encode(slow, &buf);
        if (ok != (want != NULL) ||
            (ok && (buf.len != strlen(want) || memcmp(buf.p, want, buf.len) != 0)))
            abort();
        free(want);
        oxk_jbuf_free(&buf);
    }
    json_decref(fast);
    json_decref(slow);
    return 0;
}
