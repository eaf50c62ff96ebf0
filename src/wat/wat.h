/*
 * wat.h — the WebAssembly text format (internal to the engine library).
 *
 * The text pipeline: wat_lex.c cuts the source into tokens once (comments
 * and annotations dropped), wat_num.c reads numeric literals, wat_parse.c
 * reads module fields and assembles the binary, wat_instr.c reads
 * instructions (mnemonics from the engine's instruction table, opcodes.h).
 * The script runner (src/wast/) reuses the tokens and the module reader.
 *
 * Errors escape by longjmp to the wat_ctx's handler: every allocation made
 * while parsing is registered in the context and freed with it, so a
 * failure anywhere leaks nothing.
 */
#ifndef OX_WAT_H
#define OX_WAT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oxide/wasm.h"

typedef enum wat_tok {
    WT_EOF,
    WT_LPAR,
    WT_RPAR,
    WT_KEYWORD,  /* starts with a lower-case letter */
    WT_ID,       /* $name or $"name" */
    WT_STRING,   /* "...", still escaped */
    WT_NUM,      /* starts with a digit or a sign */
    WT_RESERVED, /* any other run of idchars */
} wat_tok;

typedef struct wat_token {
    uint32_t kind; /* wat_tok */
    uint32_t off;  /* byte offset in the source */
    uint32_t len;
} wat_token;

/* A growable byte buffer; its storage is registered in the context. */
typedef struct wat_buf {
    uint8_t *p;
    size_t n, cap;
    int slot; /* index in wat_ctx.allocs, -1 before the first byte */
} wat_buf;

typedef struct wat_ctx {
    const char *src;
    size_t srclen;
    wat_token *toks;
    size_t ntoks, captoks, pos;
    jmp_buf fail;
    ox_error *err;
    struct wat_optab *optab; /* mnemonics, built on first use (wat_instr.c) */
    wat_buf scratch;         /* folded instructions' ops, until their operands are out */
    unsigned depth;          /* nesting of the instruction being read */
    uint32_t *lines;         /* where each line starts (wat_linecol), or NULL */
    size_t nlines;
    void **allocs; /* every block allocated while parsing */
    size_t nallocs, capallocs;
} wat_ctx;

/* ---- wat_lex.c ---------------------------------------------------------- */

/* Cut src into tokens (ctx->toks, ending with WT_EOF). Returns an error
   (unterminated comment or string, bad character) or NULL. The context must
   be freed with wat_ctx_free() either way. */
ox_error *wat_lex(wat_ctx *c, const char *src, size_t len);
void wat_ctx_free(wat_ctx *c);

/* Fail at token `t` (or the current token when t is NULL): "LINE:COL: msg". */
_Noreturn void wat_fail(wat_ctx *c, const wat_token *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The same for text that is well-formed but names an invalid module,
   where the binary format cannot say so (a 32-bit limit above 2^32 - 1):
   an OX_ERR_INVALID error. */
_Noreturn void wat_invalid(wat_ctx *c, const wat_token *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Line and column (1-based) of a byte offset. */
void wat_linecol(wat_ctx *c, size_t off, unsigned *line, unsigned *col);

void *wat_alloc(wat_ctx *c, size_t n); /* zeroed, registered, never NULL */
/* Free what was allocated since c->nallocs was `mark` (a script runner
   frees each command's buffers after it). */
void wat_release(wat_ctx *c, size_t mark);
void wat_buf_put(wat_ctx *c, wat_buf *b, const void *p, size_t n);
void wat_buf_byte(wat_ctx *c, wat_buf *b, uint8_t v);
void wat_buf_u32(wat_ctx *c, wat_buf *b, uint64_t v); /* unsigned LEB128 */
void wat_buf_s64(wat_ctx *c, wat_buf *b, int64_t v);  /* signed LEB128 */
/* Move a registered buffer's bytes out of the context's ownership. */
uint8_t *wat_buf_take(wat_ctx *c, wat_buf *b);

static inline const wat_token *wat_peek(const wat_ctx *c) { return &c->toks[c->pos]; }
static inline const wat_token *wat_peek2(const wat_ctx *c)
{
    return c->toks[c->pos].kind == WT_EOF ? &c->toks[c->pos] : &c->toks[c->pos + 1];
}
static inline const wat_token *wat_next(wat_ctx *c)
{
    const wat_token *t = &c->toks[c->pos];
    if (t->kind != WT_EOF)
        c->pos++;
    return t;
}
/* Whether token t is the keyword kw. */
bool wat_is_kw(const wat_ctx *c, const wat_token *t, const char *kw);
/* Whether the next tokens are '(' and the keyword kw. */
bool wat_at_form(const wat_ctx *c, const char *kw);
void wat_expect_lpar(wat_ctx *c);
void wat_expect_rpar(wat_ctx *c);
void wat_expect_kw(wat_ctx *c, const char *kw);
/* Skip one token or one balanced (...) group. */
void wat_skip_sexpr(wat_ctx *c);
/* A short printable form of a token for messages. */
const char *wat_tok_text(const wat_ctx *c, const wat_token *t, char *buf, size_t len);

/* The characters of keywords, numbers and $ids (spec 6.3.1). */
bool wat_is_idchar(unsigned char ch);
/* Decode a string token's escapes into buf (appended). */
void wat_string(wat_ctx *c, const wat_token *t, wat_buf *buf);
/* A string that must be valid UTF-8 (names): "malformed UTF-8 encoding". */
void wat_name(wat_ctx *c, const wat_token *t, wat_buf *buf);
/* The bytes of an $id token (without '$'; $"..." decoded). */
const uint8_t *wat_id_bytes(wat_ctx *c, const wat_token *t, uint32_t *len);

/* ---- wat_num.c ---------------------------------------------------------- */

/* Integer literals of `bits` (32 or 64): unsigned or signed forms, as the
   spec's iN. */
uint64_t wat_int(wat_ctx *c, const wat_token *t, unsigned bits);
/* An unsigned literal (indices, limits, alignments, offsets) of at most
   `bits` bits. */
uint64_t wat_uint(wat_ctx *c, const wat_token *t, unsigned bits);
bool wat_is_uint(const wat_ctx *c, const wat_token *t);
/* Float literals: the bits of the f32/f64 value. */
uint32_t wat_f32(wat_ctx *c, const wat_token *t);
uint64_t wat_f64(wat_ctx *c, const wat_token *t);
/* A v128.const shape (i8x16 ... f64x2), and one lane's bits in it. */
typedef struct wat_shape {
    unsigned lanes, bits;
    bool fl; /* float lanes */
} wat_shape;
wat_shape wat_v128_shape(wat_ctx *c, const wat_token *t);
uint64_t wat_lane(wat_ctx *c, const wat_token *t, wat_shape sh);
/* The same on a piece of text (for offset= and align=). */
bool wat_parse_uint_text(const char *s, size_t n, unsigned bits, uint64_t *out);

/* ---- wat_parse.c / wat_instr.c --------------------------------------------- */

/* Read one module: either `(module $id? field*)` at the current token or,
   with bare set, fields up to `)`/EOF. The binary is in *out (registered in
   the context). A `(module binary ...)` gives its bytes as they are. */
void wat_module(wat_ctx *c, bool bare, wat_buf *out);

#endif
