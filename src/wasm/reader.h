/*
 * reader.h — a bounds-checked byte reader with LEB128 (internal).
 *
 * Used by the module decoder and the function-body compiler. A reader covers
 * [pos, end) of a buffer whose byte 0 is byte 0 of the module binary, so the
 * offsets in errors are offsets in the file.
 *
 * LEB128 rules follow the WebAssembly spec, 5.2.2 "Integers": an N-bit
 * integer uses at most ceil(N/7) bytes ("integer representation too long"
 * otherwise), and the bits of the last byte beyond N must be zero for
 * unsigned integers or copies of the sign bit for signed ones ("integer too
 * large" otherwise). Every function returns NULL on success or an
 * OX_ERR_MALFORMED error naming the offset; on error the reader position is
 * unspecified.
 */
#ifndef OX_READER_H
#define OX_READER_H

#include <string.h>

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

/* Unsigned LEB128 of at most `bits` (1..64) bits. */
static inline ox_error *ox_rd_uleb(ox_reader *r, unsigned bits, uint64_t *out)
{
    const unsigned maxbytes = (bits + 6) / 7;
    uint64_t v = 0;
    *out = 0;
    for (unsigned i = 0;; i++) {
        if (r->pos >= r->end)
            return ox_rd_eof(r);
        size_t at = r->pos;
        uint8_t b = r->base[r->pos++];
        if (i == maxbytes - 1) {
            if (b & 0x80)
                return ox_err_at(OX_ERR_MALFORMED, (int64_t)at, "integer representation too long");
            unsigned room = bits - 7 * i; /* value bits this last byte may carry: 1..7 */
            if (room < 7 && (b >> room) != 0)
                return ox_err_at(OX_ERR_MALFORMED, (int64_t)at, "integer too large");
            *out = v | ((uint64_t)b << (7 * i));
            return NULL;
        }
        v |= (uint64_t)(b & 0x7F) << (7 * i);
        if (!(b & 0x80)) {
            *out = v;
            return NULL;
        }
    }
}

/* Signed LEB128 of at most `bits` (7, 32, 33 or 64) bits, sign-extended. */
static inline ox_error *ox_rd_sleb(ox_reader *r, unsigned bits, int64_t *out)
{
    const unsigned maxbytes = (bits + 6) / 7;
    uint64_t v = 0;
    *out = 0;
    for (unsigned i = 0;; i++) {
        if (r->pos >= r->end)
            return ox_rd_eof(r);
        size_t at = r->pos;
        uint8_t b = r->base[r->pos++];
        unsigned shift = 7 * i;
        if (i == maxbytes - 1) {
            if (b & 0x80)
                return ox_err_at(OX_ERR_MALFORMED, (int64_t)at, "integer representation too long");
            /* The bits from the top value bit up to bit 6 must all equal
               the sign: all zeros or all ones. */
            unsigned room = bits - shift; /* 1..7 */
            unsigned top = (unsigned)(b & 0x7F) >> (room - 1);
            if (top != 0 && top != (0x7Fu >> (room - 1)))
                return ox_err_at(OX_ERR_MALFORMED, (int64_t)at, "integer too large");
        }
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            shift += 7;
            if (shift < 64 && (b & 0x40))
                v |= ~(uint64_t)0 << shift;
            *out = (int64_t)v;
            return NULL;
        }
    }
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
