/*
 * wat_lex.c — the text format's tokens, strings, and the parse context.
 *
 * The source is cut into tokens once, up front: the parser then looks
 * ahead freely (it needs two tokens to tell `(func` from `(i32.add`), and
 * comments and annotations are gone before it sees anything. A token keeps
 * only its byte range; line and column are computed when an error needs
 * them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../wasm/reader.h"
#include "wat.h"

/* ---- Context, allocation, errors ---------------------------------------- */

static void *reg(wat_ctx *c, void *p)
{
    if (!p) {
        c->err = ox_error_new(OX_ERR_NOMEM, "out of memory parsing text");
        longjmp(c->fail, 1);
    }
    if (c->nallocs == c->capallocs) {
        size_t cap = c->capallocs ? c->capallocs * 2 : 64;
        void **na = realloc(c->allocs, cap * sizeof *na);
        if (!na) {
            free(p);
            c->err = ox_error_new(OX_ERR_NOMEM, "out of memory parsing text");
            longjmp(c->fail, 1);
        }
        c->allocs = na;
        c->capallocs = cap;
    }
    c->allocs[c->nallocs++] = p;
    return p;
}

void *wat_alloc(wat_ctx *c, size_t n)
{
    return reg(c, calloc(1, n ? n : 1));
}

void wat_release(wat_ctx *c, size_t mark)
{
    while (c->nallocs > mark) {
        void *p = c->allocs[--c->nallocs];
        if (p == (void *)c->optab)
            c->optab = NULL;
        if (p == (void *)c->scratch.p)
            c->scratch = (wat_buf){.slot = -1};
        free(p);
    }
}

void wat_ctx_free(wat_ctx *c)
{
    for (size_t i = 0; i < c->nallocs; i++)
        free(c->allocs[i]);
    free(c->allocs);
    free(c->toks);
    free(c->lines);
    c->lines = NULL;
    c->nlines = 0;
    c->allocs = NULL;
    c->toks = NULL;
    c->nallocs = c->capallocs = c->ntoks = 0;
}

static void grow(wat_ctx *c, wat_buf *b, size_t need)
{
    if (b->n + need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->n + need)
        cap *= 2;
    if (b->slot < 0) {
        b->p = reg(c, malloc(cap));
        b->slot = (int)c->nallocs - 1;
    } else {
        uint8_t *np = realloc(b->p, cap);
        if (!np) {
            c->err = ox_error_new(OX_ERR_NOMEM, "out of memory parsing text");
            longjmp(c->fail, 1);
        }
        b->p = np;
        c->allocs[b->slot] = np;
    }
    b->cap = cap;
}

void wat_buf_put(wat_ctx *c, wat_buf *b, const void *p, size_t n)
{
    if (!n)
        return;
    grow(c, b, n);
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

void wat_buf_byte(wat_ctx *c, wat_buf *b, uint8_t v)
{
    grow(c, b, 1);
    b->p[b->n++] = v;
}

void wat_buf_u32(wat_ctx *c, wat_buf *b, uint64_t v)
{
    grow(c, b, 10);
    do {
        uint8_t byte = v & 0x7F;
        v >>= 7;
        b->p[b->n++] = byte | (v ? 0x80 : 0);
    } while (v);
}

void wat_buf_s64(wat_ctx *c, wat_buf *b, int64_t v)
{
    grow(c, b, 10);
    for (;;) {
        uint8_t byte = v & 0x7F;
        v >>= 7; /* arithmetic shift: gcc and clang define it so */
        bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
        b->p[b->n++] = byte | (done ? 0 : 0x80);
        if (done)
            return;
    }
}

uint8_t *wat_buf_take(wat_ctx *c, wat_buf *b)
{
    uint8_t *p = b->p;
    if (b->slot >= 0)
        c->allocs[b->slot] = NULL;
    b->p = NULL;
    b->slot = -1;
    b->n = b->cap = 0;
    return p;
}

/* Line starts are found once per source, on the first error (a script
   with thousands of failing modules asks for thousands of positions). */
void wat_linecol(wat_ctx *c, size_t off, unsigned *line, unsigned *col)
{
    if (!c->lines) {
        size_t n = 1;
        for (size_t i = 0; i < c->srclen; i++)
            n += c->src[i] == '\n';
        c->lines = malloc(n * sizeof *c->lines);
        if (c->lines) {
            c->lines[0] = 0;
            c->nlines = 1;
            for (size_t i = 0; i < c->srclen; i++)
                if (c->src[i] == '\n')
                    c->lines[c->nlines++] = (uint32_t)(i + 1);
        }
    }
    if (off > c->srclen)
        off = c->srclen;
    size_t lo = 0, hi = c->lines ? c->nlines : 0;
    if (!hi) { /* out of memory: count the slow way */
        unsigned l = 1;
        size_t start = 0;
        for (size_t i = 0; i < off; i++)
            if (c->src[i] == '\n')
                l++, start = i + 1;
        *line = l;
        *col = (unsigned)(off - start + 1);
        return;
    }
    while (hi - lo > 1) { /* the last line start <= off */
        size_t mid = (lo + hi) / 2;
        if (c->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = (unsigned)lo + 1;
    *col = (unsigned)(off - c->lines[lo] + 1);
}

static _Noreturn void vfail_at(wat_ctx *c, ox_errcode code, size_t off, const char *fmt,
                               va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    unsigned line, col;
    wat_linecol(c, off, &line, &col);
    c->err = ox_error_new(code, "%u:%u: %s", line, col, msg);
    longjmp(c->fail, 1);
}

static _Noreturn void fail_at(wat_ctx *c, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(c, OX_ERR_MALFORMED, off, fmt, ap);
}

void wat_fail(wat_ctx *c, const wat_token *t, const char *fmt, ...)
{
    if (!t)
        t = wat_peek(c);
    va_list ap;
    va_start(ap, fmt);
    vfail_at(c, OX_ERR_MALFORMED, t->off, fmt, ap);
}

void wat_invalid(wat_ctx *c, const wat_token *t, const char *fmt, ...)
{
    if (!t)
        t = wat_peek(c);
    va_list ap;
    va_start(ap, fmt);
    vfail_at(c, OX_ERR_INVALID, t->off, fmt, ap);
}

const char *wat_tok_text(const wat_ctx *c, const wat_token *t, char *buf, size_t len)
{
    switch (t->kind) {
    case WT_EOF: return "end of input";
    case WT_LPAR: return "'('";
    case WT_RPAR: return "')'";
    default: break;
    }
    unsigned n = t->len > 40 ? 40 : t->len;
    snprintf(buf, len, "'%.*s%s'", (int)n, c->src + t->off, t->len > n ? "..." : "");
    return buf;
}

/* ---- Tokens --------------------------------------------------------------- */

bool wat_is_idchar(unsigned char ch)
{
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
        return true;
    return ch && strchr("!#$%&'*+-./:<=>?@\\^_`|~", ch) != NULL;
}

/* The end of a string starting at s[i] == '"', or fail. */
static size_t scan_string(wat_ctx *c, size_t i)
{
    size_t start = i++;
    while (i < c->srclen) {
        unsigned char ch = (unsigned char)c->src[i];
        if (ch == '"')
            return i + 1;
        if (ch == '\\') {
            i += 2;
            continue;
        }
        if (ch == '\n')
            break;
        i++;
    }
    fail_at(c, start, "unterminated string");
}

static void push(wat_ctx *c, wat_tok kind, size_t off, size_t len)
{
    if (off > UINT32_MAX || len > UINT32_MAX)
        fail_at(c, off, "text too large");
    if (c->ntoks == c->captoks) {
        size_t cap = c->captoks ? c->captoks * 2 : 256;
        wat_token *nt = realloc(c->toks, cap * sizeof *nt);
        if (!nt) {
            c->err = ox_error_new(OX_ERR_NOMEM, "out of memory parsing text");
            longjmp(c->fail, 1);
        }
        c->toks = nt;
        c->captoks = cap;
    }
    c->toks[c->ntoks++] = (wat_token){kind, (uint32_t)off, (uint32_t)len};
}

/* Past a block comment starting at s[i] == '(' s[i+1] == ';' (they nest). */
static size_t skip_block_comment(wat_ctx *c, size_t i)
{
    size_t start = i, depth = 0;
    while (i + 1 < c->srclen) {
        if (c->src[i] == '(' && c->src[i + 1] == ';') {
            depth++;
            i += 2;
        } else if (c->src[i] == ';' && c->src[i + 1] == ')') {
            i += 2;
            if (--depth == 0)
                return i;
        } else {
            i++;
        }
    }
    fail_at(c, start, "unterminated block comment");
}

/* Whether s[i] may be part of a token: an idchar, a string, or one of the
   characters only reserved tokens have (a single ';' is one; ";;" starts a
   comment). */
static bool is_tokchar(const char *s, size_t n, size_t i)
{
    unsigned char ch = (unsigned char)s[i];
    if (wat_is_idchar(ch) || ch == '"' || ch == ',' || ch == '[' || ch == ']' || ch == '{' ||
        ch == '}')
        return true;
    return ch == ';' && !(i + 1 < n && s[i + 1] == ';');
}

/* One token from s[i]: the longest run of token characters and strings
   (spec 6.3: tokens are separated by spaces, parentheses or comments).
   Its kind: a lone string; $ then a lone string (an id); a run of idchars
   (keyword, number, $id or reserved by its first character); anything else
   (`"a""b"`, `0x1"a"`, `a,b`) is a reserved token, which no rule of the
   grammar accepts, so outside an annotation it is an error where it
   stands. Returns the offset after the token. */
static size_t token(wat_ctx *c, size_t i, bool in_annotation)
{
    const char *s = c->src;
    size_t n = c->srclen, e = i, strings = 0, first_string = 0, first_end = 0;
    bool plain = true; /* idchars only */
    while (e < n && is_tokchar(s, n, e)) {
        if (s[e] == '"') {
            size_t start = e;
            e = scan_string(c, e);
            if (!strings++)
                first_string = start, first_end = e;
        } else {
            plain = plain && wat_is_idchar((unsigned char)s[e]);
            e++;
        }
    }
    unsigned char ch = (unsigned char)s[i];
    wat_tok kind = WT_RESERVED;
    if (strings == 1 && plain && first_string == i && first_end == e)
        kind = WT_STRING;
    else if (strings == 1 && plain && ch == '$' && first_string == i + 1 && first_end == e)
        kind = WT_ID; /* $"name" */
    else if (strings || !plain)
        kind = WT_RESERVED;
    else if (ch == '$' && e > i + 1)
        kind = WT_ID;
    else if (ch >= 'a' && ch <= 'z')
        kind = WT_KEYWORD;
    else if ((ch >= '0' && ch <= '9') || ch == '+' || ch == '-')
        kind = WT_NUM;
    if (!in_annotation)
        push(c, kind, i, e - i);
    return e;
}

/* Annotations, (@name ...), are dropped with everything inside them: the
   depth counter tracks their parentheses. */
static void lex(wat_ctx *c)
{
    const char *s = c->src;
    size_t n = c->srclen, i = 0;
    size_t annot_depth = 0; /* > 0 inside an annotation */
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            i++;
        } else if (ch == ';' && i + 1 < n && s[i + 1] == ';') {
            while (i < n && s[i] != '\n' && s[i] != '\r') /* LF, CR or CRLF ends it */
                i++;
        } else if (ch == '(' && i + 1 < n && s[i + 1] == ';') {
            i = skip_block_comment(c, i);
        } else if (ch == '(' && i + 1 < n && s[i + 1] == '@' && !annot_depth) {
            annot_depth++;
            size_t at = i;
            i += 2;
            while (i < n && wat_is_idchar((unsigned char)s[i]))
                i++;
            if (i == at + 2 && i < n && s[i] == '"') { /* (@"name") */
                size_t e = scan_string(c, i);
                wat_token t = {WT_STRING, (uint32_t)i, (uint32_t)(e - i)};
                wat_buf name = {.slot = -1};
                wat_name(c, &t, &name);
                if (!name.n)
                    fail_at(c, at, "empty annotation id");
                i = e;
            } else if (i == at + 2) {
                fail_at(c, at, "empty annotation id");
            }
        } else if (ch == '(') {
            if (annot_depth)
                annot_depth++;
            else
                push(c, WT_LPAR, i, 1);
            i++;
        } else if (ch == ')') {
            if (annot_depth)
                annot_depth--;
            else
                push(c, WT_RPAR, i, 1);
            i++;
        } else if (is_tokchar(s, n, i)) {
            i = token(c, i, annot_depth > 0);        } else {
            fail_at(c, i, ch < 0x20 || ch >= 0x7F ? "unexpected character 0x%02x"
                                                  : "unexpected character '%c'", ch);
        }
    }
    if (annot_depth)
        fail_at(c, n, "unterminated annotation");
    push(c, WT_EOF, n, 0);
}

ox_error *wat_lex(wat_ctx *c, const char *src, size_t len)
{
    c->src = src;
    c->srclen = len;
    c->pos = 0;
    c->depth = 0;
    c->scratch = (wat_buf){.slot = -1};
    if (setjmp(c->fail))
        return c->err;
    lex(c);
    return NULL;
}

/* ---- Token helpers ------------------------------------------------------ */

bool wat_is_kw(const wat_ctx *c, const wat_token *t, const char *kw)
{
    size_t n = strlen(kw);
    return t->kind == WT_KEYWORD && t->len == n && !memcmp(c->src + t->off, kw, n);
}

bool wat_at_form(const wat_ctx *c, const char *kw)
{
    return wat_peek(c)->kind == WT_LPAR && wat_is_kw(c, wat_peek2(c), kw);
}

/* " after (param i32": the text of the innermost open form up to the
   current token, spaces collapsed, for "expected ')'" messages. */
static void open_form(const wat_ctx *c, char *buf, size_t n)
{
    buf[0] = 0;
    size_t depth = 0;
    for (size_t i = c->pos; c->pos && i-- > 0;) {
        if (c->toks[i].kind == WT_RPAR) {
            depth++;
        } else if (c->toks[i].kind == WT_LPAR && depth) {
            depth--;
        } else if (c->toks[i].kind == WT_LPAR) {
            size_t from = c->toks[i].off, to = c->toks[c->pos - 1].off + c->toks[c->pos - 1].len;
            size_t k = (size_t)snprintf(buf, n, " after ");
            bool space = false;
            for (size_t j = from; j < to && k + 4 < n; j++) {
                char ch = c->src[j];
                bool ws = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
                if (ws) {
                    space = true;
                    continue;
                }
                if (space && buf[k - 1] != '(')
                    buf[k++] = ' ';
                space = false;
                buf[k++] = ch;
            }
            if (k + 4 >= n)
                memcpy(buf + n - 4, "...", 4);
            else
                buf[k] = 0;
            return;
        }
    }
}

static _Noreturn void expected(wat_ctx *c, const char *what)
{
    char buf[64], ctx[64] = "";
    const wat_token *t = wat_peek(c);
    if (!strcmp(what, "')'"))
        open_form(c, ctx, sizeof ctx);
    wat_fail(c, t, "unexpected %s%s, expected %s%s", t->kind == WT_EOF ? "" : "token ",
             wat_tok_text(c, t, buf, sizeof buf), what, ctx);
}

void wat_expect_lpar(wat_ctx *c)
{
    if (wat_peek(c)->kind != WT_LPAR)
        expected(c, "'('");
    c->pos++;
}

void wat_expect_rpar(wat_ctx *c)
{
    if (wat_peek(c)->kind != WT_RPAR)
        expected(c, "')'");
    c->pos++;
}

void wat_expect_kw(wat_ctx *c, const char *kw)
{
    if (!wat_is_kw(c, wat_peek(c), kw)) {
        char what[64];
        snprintf(what, sizeof what, "'%s'", kw);
        expected(c, what);
    }
    c->pos++;
}

void wat_skip_sexpr(wat_ctx *c)
{
    size_t depth = 0;
    do {
        const wat_token *t = wat_next(c);
        if (t->kind == WT_EOF)
            expected(c, "')'");
        if (t->kind == WT_LPAR)
            depth++;
        else if (t->kind == WT_RPAR)
            depth--;
    } while (depth);
}

/* ---- Strings ------------------------------------------------------------ */

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static void put_utf8(wat_ctx *c, wat_buf *b, uint32_t cp)
{
    uint8_t u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (uint8_t)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (uint8_t)(0xC0 | cp >> 6), u[1] = (uint8_t)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        u[0] = (uint8_t)(0xE0 | cp >> 12), u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (uint8_t)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        u[0] = (uint8_t)(0xF0 | cp >> 18), u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    wat_buf_put(c, b, u, n);
}

void wat_string(wat_ctx *c, const wat_token *t, wat_buf *b)
{
    const char *s = c->src + t->off, *e = s + t->len - 1;
    if (t->kind == WT_ID)
        s++; /* $"..." */
    if (*s != '"')
        wat_fail(c, t, "expected a string");
    s++;
    const char *raw = s;
    while (s < e) {
        unsigned char ch = (unsigned char)*s;
        if (ch != '\\') {
            if (ch < 0x20 || ch == 0x7F)
                fail_at(c, (size_t)(s - c->src), "control character 0x%02x in a string", ch);
            s++;
            continue;
        }
        wat_buf_put(c, b, raw, (size_t)(s - raw));
        char esc = s[1];
        int h1, h2;
        if (esc == 'n') {
            wat_buf_byte(c, b, '\n'), s += 2;
        } else if (esc == 't') {
            wat_buf_byte(c, b, '\t'), s += 2;
        } else if (esc == 'r') {
            wat_buf_byte(c, b, '\r'), s += 2;
        } else if (esc == '"' || esc == '\'' || esc == '\\') {
            wat_buf_byte(c, b, (uint8_t)esc), s += 2;
        } else if (esc == 'u' && s + 2 < e && s[2] == '{') {
            const char *q = s + 3;
            uint32_t cp = 0;
            int digits = 0;
            while (q < e && hexval(*q) >= 0) {
                cp = cp * 16 + (uint32_t)hexval(*q++);
                if (cp > 0x10FFFF)
                    break;
                digits++;
            }
            if (!digits || q >= e || *q != '}' || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
                fail_at(c, (size_t)(s - c->src), "malformed unicode escape");
            put_utf8(c, b, cp);
            s = q + 1;
        } else if ((h1 = hexval(esc)) >= 0 && s + 2 < e && (h2 = hexval(s[2])) >= 0) {
            wat_buf_byte(c, b, (uint8_t)(h1 * 16 + h2)), s += 3;
        } else {
            fail_at(c, (size_t)(s - c->src), "malformed escape in a string");
        }
        raw = s;
    }
    wat_buf_put(c, b, raw, (size_t)(s - raw));
}

void wat_name(wat_ctx *c, const wat_token *t, wat_buf *b)
{
    if (t->kind != WT_STRING && !(t->kind == WT_ID && c->src[t->off + 1] == '"'))
        wat_fail(c, t, "expected a string (a name)");
    size_t from = b->n;
    wat_string(c, t, b);
    if (!ox_utf8_valid(b->n ? b->p + from : NULL, b->n - from))
        wat_fail(c, t, "malformed UTF-8 encoding");
}
