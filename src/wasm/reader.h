/*
 * reader.h — a bounds-checked byte reader with LEB128 (internal).
 *
 * Used by the module decoder and the function-body compiler. A reader covers
 * [pos, end) of a buffer whose byte 0 is byte 0 of the module binary, so the
 * offsets in errors are offsets in the file.
 *
 * LEB128 is read by leb.h (the spec's limits, 5.2.2). Every function
 * returns NULL on success or an
 * OX_ERR_MALFORMED error naming the offset; on error the reader position is
 * unspecified.
 */
#ifndef OX_READER_H
#define OX_READER_H

#include <string.h>

#include "leb.h"
#include "module.h"

typedef struct ox_reader {
    const uint8_t *base; /* byte 0 of the module */
    size_t pos, end;     /* absolute offsets into base */
    /* The message when reading past `end`: inside a section or function body
       the spec says "unexpected end of section or function"; at the top level
       of the file just "unexpected end". */
    const char *eof_msg;
} ox_reader;

#define OX_EOF_SECTION "unexpected end of section or function"
#define OX_EOF_FILE "unexpected end"

static inline ox_reader ox_reader_make(const uint8_t *base, size_t pos, size_t end,
                                       const char *eof_msg)
{
    ox_reader r;
    r.base = base;
    r.pos = pos;
    r.end = end;
    r.eof_msg = eof_msg;
    return r;
}

static inline size_t ox_rd_left(const ox_reader *r) { return r->end - r->pos; }

static inline ox_error *ox_rd_eof(const ox_reader *r)
{
    return ox_err_at(OX_ERR_MALFORMED, (int64_t)r->end, "%s", r->eof_msg);
}

static inline ox_error *ox_rd_u8(ox_reader *r, uint8_t *out)
{
    *out = 0; /* defined even on error: keeps -Wmaybe-uninitialized quiet */
    if (r->pos >= r->end)
        return ox_rd_eof(r);
    *out = r->base[r->pos++];
    return NULL;
}

/* n raw bytes: *out points at them (borrowed). */
static inline ox_error *ox_rd_bytes(ox_reader *r, size_t n, const uint8_t **out)
{
    if (n > r->end - r->pos)
        return ox_rd_eof(r);
    *out = r->base + r->pos;
    r->pos += n;
    return NULL;
}

/* A failed LEB128 (leb.h) as an error at the offending byte. */
static inline ox_error *ox_rd_leb_error(ox_reader *r, ox_leb st, const uint8_t *at)
{
    if (st == OX_LEB_EOF) {
        r->pos = r->end;
        return ox_rd_eof(r);
    }
    return ox_err_at(OX_ERR_MALFORMED, (int64_t)(at - r->base), "%s", ox_leb_message(st));
}

/* Unsigned LEB128 of at most `bits` (1..64) bits. */
static inline ox_error *ox_rd_uleb(ox_reader *r, unsigned bits, uint64_t *out)
{
    const uint8_t *p = r->base + r->pos;
    ox_leb st = ox_leb_u(&p, r->base + r->end, bits, out);
    if (st != OX_LEB_OK)
        return ox_rd_leb_error(r, st, p);
    r->pos = (size_t)(p - r->base);
    return NULL;
}

/* Signed LEB128 of at most `bits` (7, 32, 33 or 64) bits, sign-extended. */
static inline ox_error *ox_rd_sleb(ox_reader *r, unsigned bits, int64_t *out)
{
    const uint8_t *p = r->base + r->pos;
    ox_leb st = ox_leb_s(&p, r->base + r->end, bits, out);
    if (st != OX_LEB_OK)
        return ox_rd_leb_error(r, st, p);
    r->pos = (size_t)(p - r->base);
    return NULL;
}

static inline ox_error *ox_rd_u32(ox_reader *r, uint32_t *out)
{
    uint64_t v = 0;
    ox_error *err = ox_rd_uleb(r, 32, &v);
    *out = (uint32_t)v;
    return err;
}

static inline ox_error *ox_rd_s32(ox_reader *r, int32_t *out)
{
    int64_t v = 0;
    ox_error *err = ox_rd_sleb(r, 32, &v);
    *out = (int32_t)v;
    return err;
}

static inline ox_error *ox_rd_s64(ox_reader *r, int64_t *out) { return ox_rd_sleb(r, 64, out); }

/* A type encoding: a single-byte signed LEB128 number in the spec's
   grammar, so a byte with the continuation bit is an over-long integer. */
static inline ox_error *ox_rd_typebyte(ox_reader *r, uint8_t *b)
{
    ox_error *err = ox_rd_u8(r, b);
    if (!err && (*b & 0x80))
        return ox_err_at(OX_ERR_MALFORMED, (int64_t)r->pos - 1, "integer representation too long");
    return err;
}

/* A value type, or (ref_only) a reference type: valtype.h
   ox_valtype_parse. A first byte with the continuation bit is an
   over-long integer, as the spec's grammar reads a type as one. */
static inline ox_error *ox_rd_valtype_any(ox_reader *r, bool ref_only, ox_valtype *t)
{
    *t = 0;
    if (r->pos < r->end && (r->base[r->pos] & 0x80))
        return ox_err_at(OX_ERR_MALFORMED, (int64_t)r->pos, "integer representation too long");
    const uint8_t *p = r->base + r->pos;
    const char *why = ox_valtype_parse(&p, r->base + r->end, ref_only, t);
    if (why && !strcmp(why, "unexpected end"))
        return ox_rd_eof(r);
    if (why)
        return ox_err_at(OX_ERR_MALFORMED, (int64_t)(p - r->base), "%s", why);
    r->pos = (size_t)(p - r->base);
    return NULL;
}
static inline ox_error *ox_rd_valtype(ox_reader *r, ox_valtype *t)
{
    return ox_rd_valtype_any(r, false, t);
}
static inline ox_error *ox_rd_reftype(ox_reader *r, ox_valtype *t)
{
    return ox_rd_valtype_any(r, true, t);
}
static inline ox_error *ox_rd_heaptype(ox_reader *r, ox_heaptype *h)
{
    *h = 0;
    const uint8_t *p = r->base + r->pos;
    const char *why = ox_heaptype_parse(&p, r->base + r->end, h);
    if (why && !strcmp(why, "unexpected end"))
        return ox_rd_eof(r);
    if (why)
        return ox_err_at(OX_ERR_MALFORMED, (int64_t)(p - r->base), "%s", why);
    r->pos = (size_t)(p - r->base);
    return NULL;
}

/* Bytes of a UTF-8 sequence that is valid per the spec (5.2.4 "Names", the
   Unicode scalar values: no overlong forms, no surrogates, at most U+10FFFF). */
static inline bool ox_utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        unsigned len;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (unsigned k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

#endif
