/* compress.c — the text tools of the original oxide-compress, offered
   through the JSON ABI:
     select_fields  {"data": obj | [obj...], "fields": ["k", ...]}
                    → the same shape keeping only the listed keys
     strip_metadata {"data": any}
                    → drops null, "", [], {} and "_"-prefixed keys of every
                      object, recursively (array elements are kept, cleaned)
     chunk_text     {"text": s, "max_chars": n, "overlap": m (default 0)}
                    → ["chunk", ...]: words joined by single spaces, each
                      chunk at most n characters (code points); a word longer
                      than n is cut into n-character pieces; each chunk after
                      the first starts with the trailing words (at most m
                      characters) of the one before. */
#include "guest/guest.h"

#define MATCH(m, n, lit) ((n) == sizeof(lit) - 1 && !memcmp((m), (lit), (n)))

static jval *take(jval *slot)
{
    /* Move a subtree out of a parent the caller still owns. */
    jval *v = j_new(J_NULL);
    if (v) {
        jval tmp = *v;
        *v = *slot;
        *slot = tmp;
    }
    return v;
}

static int listed(const jval *fields, const char *k, size_t kl)
{
    for (size_t i = 0; i < fields->n; i++) {
        const jval *f = fields->items[i];
        if (f->slen == kl && !memcmp(f->s, k, kl))
            return 1;
    }
    return 0;
}

static jval *select_obj(jval *obj, const jval *fields, const char **err)
{
    jval *o = j_new(J_OBJ);
    if (!o)
        goto oom;
    for (size_t i = 0; i < obj->n; i++)
        if (listed(fields, obj->keys[i], obj->klens[i]) &&
            j_set(o, obj->keys[i], obj->klens[i], take(obj->items[i])))
            goto oom;
    return o;
oom:
    j_free(o);
    *err = "out of memory";
    return 0;
}

static jval *select_fields(jval *in, const char **err)
{
    jval *data = j_get(in, "data"), *fields = j_get(in, "fields");
    if (!fields || fields->t != J_ARR) {
        *err = "select_fields: `fields` must be an array of strings";
        return 0;
    }
    for (size_t i = 0; i < fields->n; i++)
        if (fields->items[i]->t != J_STR) {
            *err = "select_fields: `fields` must be an array of strings";
            return 0;
        }
    if (data && data->t == J_OBJ)
        return select_obj(data, fields, err);
    if (data && data->t == J_ARR) {
        jval *a = j_new(J_ARR);
        for (size_t i = 0; a && i < data->n; i++) {
            if (data->items[i]->t != J_OBJ) {
                j_free(a);
                *err = "select_fields: every element of `data` must be an object";
                return 0;
            }
            if (j_push(a, select_obj(data->items[i], fields, err))) {
                j_free(a);
                return 0;
            }
        }
        if (!a)
            *err = "out of memory";
        return a;
    }
    *err = "select_fields: `data` must be an object or an array of objects";
    return 0;
}

static int empty(const jval *v)
{
    return v->t == J_NULL || (v->t == J_STR && v->slen == 0) ||
           ((v->t == J_ARR || v->t == J_OBJ) && v->n == 0);
}

/* Clean v in place. Returns -1 when out of memory. */
static int strip(jval *v)
{
    if (v->t == J_ARR) {
        for (size_t i = 0; i < v->n; i++)
            if (strip(v->items[i]))
                return -1;
    } else if (v->t == J_OBJ) {
        size_t keep = 0;
        for (size_t i = 0; i < v->n; i++) {
            if (strip(v->items[i]))
                return -1;
            if ((v->klens[i] > 0 && v->keys[i][0] == '_') || empty(v->items[i])) {
                j_free(v->items[i]);
                g_free(v->keys[i]);
                continue;
            }
            v->keys[keep] = v->keys[i];
            v->klens[keep] = v->klens[i];
            v->items[keep++] = v->items[i];
        }
        v->n = keep;
    }
    return 0;
}

static jval *strip_metadata(jval *in, const char **err)
{
    jval *data = j_get(in, "data");
    if (!data) {
        *err = "strip_metadata: missing `data`";
        return 0;
    }
    jval *v = take(data);
    if (!v || strip(v)) {
        j_free(v);
        *err = "out of memory";
        return 0;
    }
    return v;
}

/* ---- chunk_text -------------------------------------------------------- */

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* Code points in s[0..n) (continuation bytes are not counted). */
static size_t cps(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Byte length of the first `count` code points of s[0..n). */
static size_t prefix_bytes(const char *s, size_t n, size_t count)
{
    size_t i = 0;
    while (i < n && count) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        count--;
    }
    return i;
}

typedef struct {
    const char *p;
    size_t bytes, chars;
} word;

static int get_uint(const jval *v, unsigned long *out)
{
    if (!v || v->t != J_NUM || v->s[0] == '-')
        return -1;
    unsigned long x = 0;
    for (size_t i = 0; i < v->slen; i++) {
        if (v->s[i] < '0' || v->s[i] > '9' || x > 100000000ul)
            return -1;
        x = x * 10 + (unsigned long)(v->s[i] - '0');
    }
    *out = x;
    return 0;
}

static jval *chunk_text(jval *in, const char **err)
{
    jval *text = j_get(in, "text");
    unsigned long max = 0, overlap = 0;
    if (!text || text->t != J_STR) {
        *err = "chunk_text: `text` must be a string";
        return 0;
    }
    if (get_uint(j_get(in, "max_chars"), &max) || max == 0) {
        *err = "chunk_text: `max_chars` must be a positive integer";
        return 0;
    }
    if (j_get(in, "overlap") && get_uint(j_get(in, "overlap"), &overlap)) {
        *err = "chunk_text: `overlap` must be a non-negative integer";
        return 0;
    }
    if (overlap >= max) {
        *err = "chunk_text: `overlap` must be smaller than `max_chars`";
        return 0;
    }
    /* Words, with over-long words cut into max-character pieces. */
    size_t nw = 0, capw = 16;
    word *w = g_malloc(capw * sizeof *w);
    jval *res = j_new(J_ARR);
    char *buf = g_malloc(text->slen + 1);
    if (!w || !res || !buf)
        goto oom;
    const char *s = text->s, *end = s + text->slen;
    while (s < end) {
        while (s < end && is_space((unsigned char)*s))
            s++;
        const char *b = s;
        while (s < end && !is_space((unsigned char)*s))
            s++;
        while (b < s) {
            size_t take_b = prefix_bytes(b, (size_t)(s - b), max);
            if (nw == capw) {
                word *nwp = g_realloc(w, (capw *= 2) * sizeof *w);
                if (!nwp)
                    goto oom;
                w = nwp;
            }
            w[nw].p = b;
            w[nw].bytes = take_b;
            w[nw].chars = cps(b, take_b);
            nw++;
            b += take_b;
        }
    }
    size_t i = 0;
    while (i < nw) {
        /* Greedily fill one chunk from word i. */
        size_t j = i, chars = 0, len = 0;
        while (j < nw && chars + (j > i) + w[j].chars <= max) {
            if (j > i)
                buf[len++] = ' ';
            memcpy(buf + len, w[j].p, w[j].bytes);
            len += w[j].bytes;
            chars += (j > i) + w[j].chars;
            j++;
        }
        if (j_push(res, j_str(buf, len)))
            goto oom;
        if (j >= nw)
            break;
        /* Next start: trailing words of this chunk within `overlap`
           characters, but always after i so the loop advances. */
        size_t k = j, ov = 0;
        while (k > i + 1 && ov + w[k - 1].chars + (ov > 0) <= overlap) {
            ov += w[k - 1].chars + (ov > 0);
            k--;
        }
        i = k;
    }
    g_free(w);
    g_free(buf);
    return res;
oom:
    g_free(w);
    g_free(buf);
    j_free(res);
    *err = "out of memory";
    return 0;
}

jval *guest_dispatch(const char *method, size_t mlen, jval *input, const char **err)
{
    if (input->t != J_OBJ) {
        *err = "input must be a JSON object";
        return 0;
    }
    if (MATCH(method, mlen, "select_fields"))
        return select_fields(input, err);
    if (MATCH(method, mlen, "strip_metadata"))
        return strip_metadata(input, err);
    if (MATCH(method, mlen, "chunk_text"))
        return chunk_text(input, err);
    *err = "unknown method (expected select_fields, strip_metadata or chunk_text)";
    return 0;
}
