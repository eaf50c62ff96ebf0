/*
 * cli_util.h — shared helpers of the `oxide` subcommands: reading values
 * typed on the command line and printing values, types and names.
 *
 * Printed values read back to the same bits: `oxide invoke` output can be
 * pasted as arguments again. Formats:
 *   i32, i64   signed decimal ("-1"); parsing also takes unsigned decimal
 *              up to 2^N-1 and 0x hex, with an optional sign
 *   f32, f64   shortest decimal that reads back exactly ("0.1", "-0",
 *              "1e+30"), "inf", "-inf", "nan" (the canonical NaN) or
 *              "nan:0xPAYLOAD" (any other), "-" in front when the sign bit
 *              is set; parsing also takes C hex floats ("0x1p-3")
 *   funcref    "null" or "funcref"; externref "null" or "externref:0xADDR"
 *   v128       "v128:0x" and 32 hex digits, the 16 bytes as one little-endian
 *              128-bit number (parsing takes the same form)
 */
#ifndef OX_CLI_UTIL_H
#define OX_CLI_UTIL_H

#include <stddef.h>

#include "oxide/wasm.h"

/* Parse `s` as a value of type `t` into *out. On failure returns an error
   (OX_ERR_ARG) naming the text and the type; the caller frees it. */
ox_error *cli_parse_val(const char *s, ox_valtype t, ox_val *out);

/* Format `v` (by its own type tag) into buf; always NUL-terminates. */
void cli_format_val(const ox_val *v, char *buf, size_t len);

/* "(i32, i64) -> (f32)"; "() -> ()" for no parameters and results. */
void cli_format_functype(const ox_functype *t, char *buf, size_t len);

/* The type part of an import/export line: "func (i32) -> ()",
   "memory 1..2 pages", "memory 1.. pages" (no maximum),
   "table funcref 10..20", "global mut i32" / "global i32". */
void cli_format_externtype(const ox_externtype *t, char *buf, size_t len);

/* A name as printed: bytes outside printable ASCII (and `"` and `\`) become
   \xx hex escapes, except UTF-8 sequences (>= 0x80), which are kept, so
   any name prints on one line and distinct names print distinctly. */
void cli_format_name(const char *name, size_t name_len, char *buf, size_t len);

#endif
