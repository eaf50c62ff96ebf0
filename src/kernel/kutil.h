/*
 * kutil.h — small helpers the kernel's parts share (internal): UUIDs,
 * timestamps, and the JSON conventions every part follows.
 */
#ifndef OXK_KERNEL_KUTIL_H
#define OXK_KERNEL_KUTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oxide/kernel/error.h"

#define OXK_UUID_LEN 36    /* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" */
#define OXK_TIME_LEN 35    /* "2026-01-01T12:00:00.123456789+00:00" */

/* A fresh random (v4) UUID, lowercase and hyphenated, into out[37]. */
void oxk_uuid_v4(char out[OXK_UUID_LEN + 1]);
/* n bytes as 2n lowercase hex digits and a NUL into out. */
void oxk_hex(const unsigned char *bytes, size_t n, char *out);
/* True if s is a hyphenated UUID (any version, either case). */
bool oxk_uuid_valid(const char *s);

/* The current UTC time as RFC 3339 with exactly nine fractional digits.
   `zulu` selects "Z" (envelopes, like chrono's serde) over "+00:00" (the
   registry's columns, like to_rfc3339()). Fixed width, so text order is
   time order — the original's variable width could misorder rows. */
void oxk_time_now(char out[OXK_TIME_LEN + 1], bool zulu);
/* True if s is an RFC 3339 date-time (any fraction, Z or ±hh:mm). */
bool oxk_time_valid(const char *s);

/* Compact JSON text of v (any JSON value, not only objects/arrays). Caller
   frees with free(). NULL only when out of memory. */
char *oxk_json_dump(const json_t *v);
/* Parse any JSON value from len bytes; on failure a SERDE error naming
   what is wrong and where. */
oxk_err *oxk_json_parse(const char *text, size_t len, json_t **out);

/* Read a whole file into a malloc'd buffer (*buf, *len; one spare byte
   past the end so text callers may NUL-terminate). Returns 0, or an errno
   value: the open/read error, EFBIG when larger than max, ENOMEM. */
int oxk_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);

/* strdup that accepts NULL. */
char *oxk_strdup0(const char *s);

/* True if the len bytes are well-formed UTF-8 (no overlongs, surrogates or
   code points above U+10FFFF). */
bool ox_utf8_valid(const unsigned char *s, size_t len);
#endif
