/*
 * json_codec.h — the JSON text of the guest ABI's hot path (internal):
 * encoding a call's input into a reused buffer and parsing a guest's
 * output, both byte-for-byte as jansson does (oxk_json_dump / oxk_json_parse),
 * at a fraction of jansson's per-byte cost.
 */
#ifndef OXK_KERNEL_JSON_CODEC_H
#define OXK_KERNEL_JSON_CODEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A growable byte buffer, kept between calls so encoding allocates only
   when a payload is larger than every one before it. */
typedef struct oxk_jbuf {
    char *p;
    size_t len, cap;
} oxk_jbuf;

void oxk_jbuf_free(oxk_jbuf *b);

/* Compact JSON text of v into b (replacing its contents, not
   NUL-terminated): the bytes oxk_json_dump gives. False when jansson could
   not encode v either (a cycle, a NaN or infinite real, a string that is
   not UTF-8) or out of memory. */
bool oxk_json_encode(const json_t *v, oxk_jbuf *b);

/* Parse the JSON value filling len bytes, or return NULL when the fast
   path does not handle the text. It handles the common subset — objects,
   arrays, strings without \u escapes, integers of up to 18 digits, true,
   false, null, nesting up to 256 deep — and answers only for well-formed
   text, with the tree json_loadb(JSON_DECODE_ANY | JSON_ALLOW_NUL) gives.
   Anything else (reals, \u escapes, any error, invalid UTF-8) returns NULL
   and the caller asks jansson, which then also words the error. Success
   implies the whole text is valid UTF-8. */
json_t *oxk_json_parse_fast(const char *text, size_t len);

#endif
