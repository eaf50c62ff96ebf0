/*
 * json_codec.c — the JSON text of the guest ABI's hot path: a compact
 * encoder into a reused buffer and a parser for the common subset, both
 * giving exactly what jansson gives.
 *
 * Why not jansson alone: for a ~100-byte payload jansson's json_dumps and
 * json_loadb were two thirds of a whole oxk_executor_call_json (six guest
 * calls included): a string buffer grown and then copied, a hash table of
 * visited containers keyed by snprintf'd addresses, and a lexer that
 * decodes UTF-8 through a per-character stream. This file does the common
 * cases with plain loops and hands everything unusual to jansson, so
 * jansson stays the authority on rare input and on error messages:
 *   - encoding: reals (their %.17g rules), containers nested deeper than
 *     256 (which is how a cycle shows up) and strings that are not UTF-8
 *     go to json_dumpb;
 *   - parsing: anything outside the subset in json_codec.h returns NULL,
 *     and the caller runs json_loadb.
 * The output matches jansson 2.14 with JSON_COMPACT | JSON_ENCODE_ANY:
 * "," and ":" without spaces, keys in insertion order, strings escaping
 * only '"', '\\' and control characters (\b \f \n \r \t, else \u00XX in
 * upper-case hex), UTF-8 passed through, integers in decimal.
 */
#include "json_codec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kutil.h"

/* Deeper than this the fast paths give up (jansson allows 2048 when
   parsing and detects cycles when encoding). */
#define FAST_MAX_DEPTH 256

void oxk_jbuf_free(oxk_jbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static bool reserve(oxk_jbuf *b, size_t more)
{
    if (b->cap - b->len >= more)
        return true;
    if (more > SIZE_MAX / 2 - b->len)
        return false;
    size_t n = b->cap ? b->cap : 256;
    while (n - b->len < more)
        n *= 2;
    char *p = realloc(b->p, n);
    if (!p)
        return false;
    b->p = p;
    b->cap = n;
    return true;
}

static bool put(oxk_jbuf *b, const char *s, size_t n)
{
    /* Nothing to add: b->p may still be NULL, and NULL + 0 is undefined. */
    if (n == 0)
        return true;
    if (!reserve(b, n))
        return false;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    return true;
}

/* ---- encoding ------------------------------------------------------------ */

/* Bytes that ch takes in a JSON string (enc_string's escapes). */
static size_t escaped_len(unsigned char ch)
{
    if (ch >= 0x20 && ch != '"' && ch != '\\')
        return 1;
    switch (ch) {
    case '"': case '\\': case '\b': case '\f': case '\n': case '\r': case '\t':
        return 2;
    default:
        return 6; /* \u00XX */
    }
}

static bool enc_string(oxk_jbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    /* The exact length first (escapes are 2 or 6 bytes), so a long string
       reserves what it needs, not six times its size. */
    size_t need = 2;
    for (size_t i = 0; i < n; i++)
        need += escaped_len((unsigned char)s[i]);
    if (!reserve(b, need))
        return false;
    char *o = b->p + b->len;
    bool high = false;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\') {
            high |= ch >= 0x80;
            *o++ = (char)ch;
            continue;
        }
        *o++ = '\\';
        switch (ch) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
    }
    *o++ = '"';
    /* jansson refuses to encode a string that is not UTF-8; let it say so. */
    if (high && !ox_utf8_valid((const unsigned char *)s, n))
        return false;
    b->len = (size_t)(o - b->p);
    return true;
}

static bool enc_integer(oxk_jbuf *b, json_int_t v)
{
    char tmp[24], *e = tmp + sizeof tmp, *d = e;
    /* Through unsigned so the most negative value has a magnitude. */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--d = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--d = '-';
    return put(b, d, (size_t)(e - d));
}

/* False: not encoded here (or out of memory); the caller asks jansson. */
static bool enc(const json_t *v, oxk_jbuf *b, unsigned depth)
{
    switch (json_typeof(v)) {
    case JSON_NULL:
        return put(b, "null", 4);
    case JSON_TRUE:
        return put(b, "true", 4);
    case JSON_FALSE:
        return put(b, "false", 5);
    case JSON_INTEGER:
        return enc_integer(b, json_integer_value(v));
    case JSON_STRING:
        return enc_string(b, json_string_value(v), json_string_length(v));
    case JSON_ARRAY: {
        if (depth >= FAST_MAX_DEPTH || !put(b, "[", 1))
            return false;
        size_t n = json_array_size(v);
        for (size_t i = 0; i < n; i++)
            if ((i && !put(b, ",", 1)) || !enc(json_array_get(v, i), b, depth + 1))
                return false;
        return put(b, "]", 1);
    }
    case JSON_OBJECT: {
        if (depth >= FAST_MAX_DEPTH || !put(b, "{", 1))
            return false;
        /* jansson's iterators take a non-const object; nothing is changed. */
        json_t *obj = (json_t *)v;
        bool first = true;
        for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
            if ((!first && !put(b, ",", 1)) ||
                !enc_string(b, json_object_iter_key(it), json_object_iter_key_len(it)) ||
                !put(b, ":", 1) || !enc(json_object_iter_value(it), b, depth + 1))
                return false;
            first = false;
        }
        return put(b, "}", 1);
    }
    default: /* JSON_REAL: jansson's own formatting rules */
        return false;
    }
}

bool oxk_json_encode(const json_t *v, oxk_jbuf *b)
{
    b->len = 0;
    if (enc(v, b, 0))
        return true;
    /* The flags of oxk_json_dump, so the bytes are the same either way. */
    const size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER;
    b->len = 0;
    size_t need = json_dumpb(v, b->p, b->cap, flags);
    if (need == 0)
        return false;
    if (need > b->cap) {
        if (!reserve(b, need))
            return false;
        if (json_dumpb(v, b->p, b->cap, flags) != need)
            return false;
    }
    b->len = need;
    return true;
}

/* ---- parsing ------------------------------------------------------------- */

typedef struct jp {
    const unsigned char *p, *end;
    oxk_jbuf str; /* unescaped text of a string with escapes */
} jp;

static void skip_ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
        j->p++;
}

/* A string at j->p (just past its '"'); on success *s and *n give its bytes,
   either a slice of the input or j->str. */
static bool parse_string(jp *j, const char **s, size_t *n)
{
    const unsigned char *start = j->p;
    bool high = false;
    while (j->p < j->end && *j->p != '"' && *j->p != '\\') {
        if (*j->p < 0x20)
            return false; /* jansson: control character in a string */
        high |= *j->p >= 0x80;
        j->p++;
    }
    if (j->p >= j->end)
        return false;
    if (*j->p == '"') {
        *s = (const char *)start;
        *n = (size_t)(j->p - start);
        j->p++;
    } else {
        /* Escapes: unescape into j->str from the start of the string. */
        j->str.len = 0;
        if (!put(&j->str, (const char *)start, (size_t)(j->p - start)))
            return false;
        while (j->p < j->end && *j->p != '"') {
            unsigned char ch = *j->p++;
            if (ch < 0x20)
                return false;
            if (ch == '\\') {
                if (j->p >= j->end)
                    return false;
                switch (*j->p++) {
                case '"': ch = '"'; break;
                case '\\': ch = '\\'; break;
                case '/': ch = '/'; break;
                case 'b': ch = '\b'; break;
                case 'f': ch = '\f'; break;
                case 'n': ch = '\n'; break;
                case 'r': ch = '\r'; break;
                case 't': ch = '\t'; break;
                default: return false; /* \u escapes and errors: jansson */
                }
            }
            high |= ch >= 0x80;
            if (!put(&j->str, (const char *)&ch, 1))
                return false;
        }
        if (j->p >= j->end)
            return false;
        j->p++;
        *s = j->str.p;
        *n = j->str.len;
    }
    /* Escapes only produce ASCII, so checking the result checks the input. */
    return !high || ox_utf8_valid((const unsigned char *)*s, *n);
}

static json_t *parse_value(jp *j, unsigned depth);

static json_t *parse_number(jp *j)
{
    bool neg = false;
    if (*j->p == '-') {
        neg = true;
        j->p++;
    }
    const unsigned char *digits = j->p;
    int64_t v = 0;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        /* Up to 18 digits cannot overflow; longer numbers are declined. */
        if (j->p - digits < 18)
            v = v * 10 + (*j->p - '0');
        j->p++;
    }
    size_t nd = (size_t)(j->p - digits);
    /* No digits, a leading zero, too long for an exact int64 here, or a
       real: all jansson's. */
    if (nd == 0 || nd > 18 || (nd > 1 && *digits == '0'))
        return NULL;
    if (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E'))
        return NULL;
    return json_integer(neg ? -v : v);
}

static bool word(jp *j, const char *w, size_t n)
{
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
        return false;
    j->p += n;
    return true;
}

static json_t *parse_array(jp *j, unsigned depth)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    skip_ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        return a;
    }
    for (;;) {
        json_t *v = parse_value(j, depth + 1);
        if (!v || json_array_append_new(a, v))
            break;
        skip_ws(j);
        if (j->p >= j->end)
            break;
        if (*j->p == ']') {
            j->p++;
            return a;
        }
        if (*j->p++ != ',')
            break;
    }
    json_decref(a);
    return NULL;
}

static json_t *parse_object(jp *j, unsigned depth)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    skip_ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return o;
    }
    for (;;) {
        const char *key;
        size_t klen;
        if (j->p >= j->end || *j->p++ != '"' || !parse_string(j, &key, &klen))
            break;
        /* The key may live in j->str, which the value's strings reuse. */
        char small[64], *kcopy = small;
        if (key == j->str.p) {
            if (klen > sizeof small && !(kcopy = malloc(klen)))
                break;
            memcpy(kcopy, key, klen);
            key = kcopy;
        }
        json_t *v = NULL;
        skip_ws(j);
        if (j->p < j->end && *j->p == ':') {
            j->p++;
            v = parse_value(j, depth + 1);
        }
        /* A repeated key replaces the value, as in jansson. */
        bool ok = v && !json_object_setn_new_nocheck(o, key, klen, v);
        if (kcopy != small)
            free(kcopy);
        if (!ok)
            break;
        skip_ws(j);
        if (j->p >= j->end)
            break;
        if (*j->p == '}') {
            j->p++;
            return o;
        }
        if (*j->p++ != ',')
            break;
        skip_ws(j);
    }
    json_decref(o);
    return NULL;
}

static json_t *parse_value(jp *j, unsigned depth)
{
    if (depth >= FAST_MAX_DEPTH)
        return NULL;
    skip_ws(j);
    if (j->p >= j->end)
        return NULL;
    switch (*j->p) {
    case '{':
        j->p++;
        return parse_object(j, depth);
    case '[':
        j->p++;
        return parse_array(j, depth);
    case '"': {
        const char *s;
        size_t n;
        j->p++;
        if (!parse_string(j, &s, &n))
            return NULL;
        return json_stringn_nocheck(s, n);
    }
    case 't':
        return word(j, "true", 4) ? json_true() : NULL;
    case 'f':
        return word(j, "false", 5) ? json_false() : NULL;
    case 'n':
        return word(j, "null", 4) ? json_null() : NULL;
    default:
        if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
            return parse_number(j);
        return NULL;
    }
}

json_t *oxk_json_parse_fast(const char *text, size_t len)
{
    jp j = {.p = (const unsigned char *)text, .end = (const unsigned char *)text + len};
    json_t *v = parse_value(&j, 0);
    if (v) {
        skip_ws(&j);
        if (j.p != j.end) { /* trailing text: jansson's error */
            json_decref(v);
            v = NULL;
        }
    }
    oxk_jbuf_free(&j.str);
    return v;
}
