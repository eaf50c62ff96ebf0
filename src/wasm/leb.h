/*
 * leb.h — LEB128, the engine's one decoder of it (internal).
 *
 * The rules are the binary format's (spec 5.2.2 "Integers"): an N-bit
 * integer takes at most ceil(N/7) bytes ("integer representation too
 * long" otherwise), and the bits of the last byte beyond N must be zero
 * for an unsigned integer, or copies of the sign bit for a signed one
 * ("integer too large" otherwise). The module decoder (reader.h), the body
 * compiler (compile.h) and the constant-pool scan wrap these with their
 * own error reporting.
 *
 * On success *p moves past the integer. On failure it points at the
 * offending byte (OX_LEB_LONG, OX_LEB_LARGE) or at `end` (OX_LEB_EOF).
 */
#ifndef OX_LEB_H
#define OX_LEB_H

#include <stdint.h>

typedef enum ox_leb {
    OX_LEB_OK,
    OX_LEB_EOF,   /* the input ended inside the integer */
    OX_LEB_LONG,  /* "integer representation too long" */
    OX_LEB_LARGE, /* "integer too large" */
} ox_leb;

/* The spec's wording for a failure other than OX_LEB_EOF. */
static inline const char *ox_leb_message(ox_leb st)
{
    return st == OX_LEB_LONG ? "integer representation too long" : "integer too large";
}

/* Unsigned, at most `bits` (1..64) bits. */
static inline ox_leb ox_leb_u(const uint8_t **p, const uint8_t *end, unsigned bits, uint64_t *out)
{
    const uint8_t *q = *p;
    uint64_t v = 0;
    *out = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (q >= end) {
            *p = end;
            return OX_LEB_EOF;
        }
        uint8_t b = *q;
        if (shift + 7 >= bits) { /* the last byte `bits` allows */
            *p = q;
            if (b & 0x80)
                return OX_LEB_LONG;
            if ((b & 0x7F) >> (bits - shift)) /* value bits beyond `bits` */
                return OX_LEB_LARGE;
        }
        q++;
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *p = q;
            *out = v;
            return OX_LEB_OK;
        }
    }
}

/* Signed, at most `bits` (7..64) bits, sign-extended to 64. */
static inline ox_leb ox_leb_s(const uint8_t **p, const uint8_t *end, unsigned bits, int64_t *out)
{
    const uint8_t *q = *p;
    uint64_t v = 0;
    *out = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (q >= end) {
            *p = end;
            return OX_LEB_EOF;
        }
        uint8_t b = *q;
        if (shift + 7 >= bits) {
            *p = q;
            if (b & 0x80)
                return OX_LEB_LONG;
            /* the bits from the sign bit up to bit 6 must all be equal */
            unsigned used = bits - shift; /* 1..7 value bits in this byte */
            unsigned top = (unsigned)(b & 0x7F) >> (used - 1);
            if (top != 0 && top != (0x7Fu >> (used - 1)))
                return OX_LEB_LARGE;
        }
        q++;
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            if (shift + 7 < 64 && (b & 0x40))
                v |= ~(uint64_t)0 << (shift + 7);
            *p = q;
            *out = (int64_t)v;
            return OX_LEB_OK;
        }
    }
}

#endif
