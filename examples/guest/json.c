/* json.c — a small JSON tree for guests: parse, build, dump. Strings are
   kept decoded (UTF-8); numbers keep their source text so they round-trip
   exactly without float formatting. */
#include "guest.h"

jval *j_new(jtype t)
{
    jval *v = g_malloc(sizeof *v);
    if (v) {
        memset(v, 0, sizeof *v);
        v->t = t;
    }
    return v;
}

void j_free(jval *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        j_free(v->items[i]);
        if (v->keys)
            g_free(v->keys[i]);
    }
    g_free(v->items);
    g_free(v->keys);
    g_free(v->klens);
    g_free(v->s);
    g_free(v);
}

static char *dup(const char *s, size_t n)
{
    char *d = g_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

jval *j_str(const char *s, size_t len)
{
    jval *v = j_new(J_STR);
    if (v && !(v->s = dup(s, len))) {
        g_free(v);
        return 0;
    }
    if (v)
        v->slen = len;
    return v;
}

static int reserve(jval *c, int obj)
{
    if (c->n < c->cap)
        return 0;
    size_t nc = c->cap ? c->cap * 2 : 4;
    jval **ni = g_realloc(c->items, nc * sizeof *ni);
    if (!ni)
        return -1;
    c->items = ni;
    if (obj) {
        char **nk = g_realloc(c->keys, nc * sizeof *nk);
        if (!nk)
            return -1;
        c->keys = nk;
        size_t *nl = g_realloc(c->klens, nc * sizeof *nl);
        if (!nl)
            return -1;
        c->klens = nl;
    }
    c->cap = nc;
    return 0;
}

int j_push(jval *arr, jval *v)
{
    if (!v || reserve(arr, 0)) {
        j_free(v);
        return -1;
    }
    arr->items[arr->n++] = v;
    return 0;
}

int j_set(jval *obj, const char *key, size_t klen, jval *v)
{
    char *k = v ? dup(key, klen) : 0;
    if (!k || reserve(obj, 1)) {
        g_free(k);
        j_free(v);
        return -1;
    }
    obj->keys[obj->n] = k;
    obj->klens[obj->n] = klen;
    obj->items[obj->n++] = v;
    return 0;
}

jval *j_get(const jval *obj, const char *key)
{
    size_t kl = strlen(key);
    if (!obj || obj->t != J_OBJ)
        return 0;
    for (size_t i = 0; i < obj->n; i++)
        if (obj->klens[i] == kl && !memcmp(obj->keys[i], key, kl))
            return obj->items[i];
    return 0;
}

/* ---- parser ------------------------------------------------------------ */

typedef struct {
    const char *p, *end;
    const char *err;
    int depth;
} parser;

static void ws(parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int hex4(parser *ps, unsigned *out)
{
    if (ps->end - ps->p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(ps->p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + (unsigned)h;
    }
    ps->p += 4;
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decode a string body after the opening quote into a new buffer. */
static char *parse_string(parser *ps, size_t *len)
{
    /* Decoded text is never longer than the source. */
    const char *start = ps->p;
    while (ps->p < ps->end && *ps->p != '"') {
        if (*ps->p == '\\')
            ps->p++;
        ps->p++;
    }
    if (ps->p >= ps->end) {
        ps->err = "unterminated string";
        return 0;
    }
    const char *stop = ps->p;
    ps->p = start;
    char *out = g_malloc((size_t)(stop - start) + 1), *o = out;
    if (!out) {
        ps->err = "out of memory";
        return 0;
    }
    while (ps->p < stop) {
        unsigned char c = (unsigned char)*ps->p++;
        if (c < 0x20) {
            ps->err = "control character in string";
            goto fail;
        }
        if (c != '\\') {
            *o++ = (char)c;
            continue;
        }
        char e = *ps->p++;
        unsigned cp;
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
            if (hex4(ps, &cp))
                goto bad_escape;
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                if (ps->p + 6 > stop || ps->p[0] != '\\' || ps->p[1] != 'u')
                    goto bad_escape;
                ps->p += 2;
                if (hex4(ps, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    goto bad_escape;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                goto bad_escape;
            }
            o += put_utf8(o, cp);
            break;
        default:
            goto bad_escape;
        }
    }
    ps->p = stop + 1;
    *o = 0;
    *len = (size_t)(o - out);
    return out;
bad_escape:
    ps->err = "bad escape in string";
fail:
    g_free(out);
    return 0;
}

static jval *parse_value(parser *ps);

static jval *parse_container(parser *ps, int obj)
{
    jval *c = j_new(obj ? J_OBJ : J_ARR);
    if (!c) {
        ps->err = "out of memory";
        return 0;
    }
    char close = obj ? '}' : ']';
    ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return c;
    }
    for (;;) {
        ws(ps);
        char *key = 0;
        size_t klen = 0;
        if (obj) {
            if (ps->p >= ps->end || *ps->p != '"') {
                ps->err = "expected a string key";
                goto fail;
            }
            ps->p++;
            if (!(key = parse_string(ps, &klen)))
                goto fail;
            ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                g_free(key);
                ps->err = "expected ':'";
                goto fail;
            }
            ps->p++;
        }
        jval *v = parse_value(ps);
        if (!v) {
            g_free(key);
            goto fail;
        }
        int rc = obj ? j_set(c, key, klen, v) : j_push(c, v);
        g_free(key);
        if (rc) {
            ps->err = "out of memory";
            goto fail;
        }
        ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return c;
        }
        ps->err = obj ? "expected ',' or '}'" : "expected ',' or ']'";
        goto fail;
    }
fail:
    j_free(c);
    return 0;
}

static int lit(parser *ps, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, w, n)) {
        ps->p += n;
        return 1;
    }
    return 0;
}

static jval *parse_value(parser *ps)
{
    ws(ps);
    if (ps->p >= ps->end) {
        ps->err = "unexpected end of input";
        return 0;
    }
    if (++ps->depth > 200) {
        ps->err = "nesting too deep";
        return 0;
    }
    jval *v = 0;
    char c = *ps->p;
    if (c == '{' || c == '[') {
        ps->p++;
        v = parse_container(ps, c == '{');
    } else if (c == '"') {
        ps->p++;
        size_t len;
        char *s = parse_string(ps, &len);
        if (s && !(v = j_new(J_STR)))
            g_free(s);
        if (v) {
            v->s = s;
            v->slen = len;
        }
    } else if (lit(ps, "null")) {
        v = j_new(J_NULL);
    } else if (lit(ps, "true") || lit(ps, "false")) {
        v = j_new(J_BOOL);
        if (v)
            v->b = ps->p[-1] == 'e' && ps->p[-2] == 'u';
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        const char *s = ps->p;
        if (*ps->p == '-')
            ps->p++;
        int digits = 0;
        while (ps->p < ps->end && ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '.' ||
                                   *ps->p == 'e' || *ps->p == 'E' || *ps->p == '+' ||
                                   *ps->p == '-')) {
            digits += *ps->p >= '0' && *ps->p <= '9';
            ps->p++;
        }
        if (!digits) {
            ps->err = "bad number";
            return 0;
        }
        v = j_new(J_NUM);
        if (v && !(v->s = dup(s, (size_t)(ps->p - s)))) {
            g_free(v);
            v = 0;
        }
        if (v)
            v->slen = (size_t)(ps->p - s);
    } else {
        ps->err = "unexpected character";
        return 0;
    }
    ps->depth--;
    if (!v && !ps->err)
        ps->err = "out of memory";
    return v;
}

jval *j_parse(const char *text, size_t len, const char **err)
{
    parser ps = {text, text + len, 0, 0};
    jval *v = parse_value(&ps);
    if (v) {
        ws(&ps);
        if (ps.p != ps.end) {
            j_free(v);
            v = 0;
            ps.err = "trailing characters after JSON value";
        }
    }
    if (!v)
        *err = ps.err;
    return v;
}

/* ---- dump -------------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, cap;
    int oom;
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->oom)
        return;
    if (o->len + n > o->cap) {
        size_t nc = o->cap ? o->cap * 2 : 64;
        while (nc < o->len + n)
            nc *= 2;
        char *nb = g_realloc(o->buf, nc);
        if (!nb) {
            o->oom = 1;
            return;
        }
        o->buf = nb;
        o->cap = nc;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void put_str(out *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    put(o, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(o, e, 2);
        } else if (c == '\n') {
            put(o, "\\n", 2);
        } else if (c == '\t') {
            put(o, "\\t", 2);
        } else if (c == '\r') {
            put(o, "\\r", 2);
        } else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(o, e, 6);
        } else {
            put(o, (const char *)&s[i], 1);
        }
    }
    put(o, "\"", 1);
}

static void dump(out *o, const jval *v)
{
    switch (v->t) {
    case J_NULL: put(o, "null", 4); break;
    case J_BOOL: v->b ? put(o, "true", 4) : put(o, "false", 5); break;
    case J_NUM: put(o, v->s, v->slen); break;
    case J_STR: put_str(o, v->s, v->slen); break;
    case J_ARR:
    case J_OBJ:
        put(o, v->t == J_ARR ? "[" : "{", 1);
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                put(o, ",", 1);
            if (v->t == J_OBJ) {
                put_str(o, v->keys[i], v->klens[i]);
                put(o, ":", 1);
            }
            dump(o, v->items[i]);
        }
        put(o, v->t == J_ARR ? "]" : "}", 1);
        break;
    }
}

char *j_dump(const jval *v, size_t *len)
{
    out o = {0, 0, 0, 0};
    dump(&o, v);
    if (o.oom || !o.buf) {
        g_free(o.buf);
        return 0;
    }
    *len = o.len;
    return o.buf;
}
