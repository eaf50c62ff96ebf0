/*
 * wast_internal.h — the script runner's parts (wast_run.c, wast_values.c,
 * wast_spectest.c).
 */
#ifndef OX_WAST_INTERNAL_H
#define OX_WAST_INTERNAL_H

#include "../wat/wat.h"
#include "wast.h"

#define OXW_MAX_VALS 64

typedef enum oxw_pattern {
    OXW_EXACT = 0,
    OXW_NAN_CANONICAL,  /* nan:canonical: the quiet bit only, either sign */
    OXW_NAN_ARITHMETIC, /* nan:arithmetic: the quiet bit set, any payload */
    OXW_ANY_NONNULL,    /* (ref.func), (ref.extern): any non-null reference */
    OXW_ANY_NULL,       /* (ref.null ht): a null reference (of any type) */
    OXW_ANYREF_KIND,    /* (ref.any), (ref.eq), (ref.i31), (ref.struct), (ref.array),
                           (ref.host N): an internal reference of a kind (kinds) */
} oxw_pattern;

typedef struct oxw_expect {
    ox_val val;          /* type and, for OXW_EXACT, the bits */
    oxw_pattern pattern; /* scalars and references */
    unsigned lane_bytes; /* v128: 1, 2, 4 or 8 */
    unsigned kinds;      /* OXW_ANYREF_KIND: a bit per ox_anyref_kind */
    oxw_pattern lanes[16];
} oxw_expect;

/* wast_values.c: a constant (an argument), an expected result. Syntax errors
   escape through wat_fail. */
void oxw_parse_arg(wat_ctx *c, ox_val *out);
void oxw_parse_expect(wat_ctx *c, oxw_expect *out);
/* Whether `got` (of the function's declared result type) matches. */
bool oxw_match(const oxw_expect *e, const ox_val *got);
void oxw_format_val(const ox_val *v, char *buf, size_t len);
void oxw_format_expect(const oxw_expect *e, char *buf, size_t len);

/* wast_spectest.c */
ox_error *oxw_define_spectest(ox_linker *linker, ox_store *store, bool verbose);

#endif
