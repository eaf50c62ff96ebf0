/*
 * oxide/kerror.h — the kernel's error value.
 *
 * Every fallible kernel call returns an ox_kerr* : NULL on success, or a
 * heap-allocated error the caller owns and frees with ox_kerr_free(). An
 * error carries a code (which kind of failure) and a complete printable
 * message whose wording matches the reference's KernelError Display texts,
 * e.g. "unknown module: echo" or
 * "access denied: `browser` lacks capability `llm:complete`".
 */
#ifndef OXIDE_KERROR_H
#define OXIDE_KERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ox_kerr_code {
    OX_KERR_MODULE = 1,        /* "module error: {detail}" (for module implementers) */
    OX_KERR_BUS,               /* "bus error: {detail}" */
    OX_KERR_REGISTRY,          /* "registry error: {detail}" (SQLite failures) */
    OX_KERR_CONFIG_NOT_FOUND,  /* "configuration key not found: {key}" */
    OX_KERR_DUPLICATE_MODULE,  /* "module already registered: {id}" */
    OX_KERR_UNKNOWN_MODULE,    /* "unknown module: {id}" */
    OX_KERR_SERDE,             /* "serialization error: {detail}" (JSON) */
    OX_KERR_DENIED,            /* "access denied: `{publisher}` lacks capability `{cap}`" */
    OX_KERR_TRANSITION,        /* "invalid state transition for module `{id}`: {from} -> {to}"
                                  (new: the original never checked transitions) */
    OX_KERR_OTHER,             /* the detail itself, no prefix (like anyhow) */
} ox_kerr_code;

typedef struct ox_kerr ox_kerr;

/* Make an error; the detail is printf-formatted and the code's prefix is
   added in front of it. Never returns NULL (falls back to a static
   out-of-memory error that ox_kerr_free() ignores). */
ox_kerr *ox_kerr_new(ox_kerr_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
ox_kerr *ox_kerr_denied(const char *publisher, const char *capability);
/* Wrap `inner`: keep its code, put "prefix: " in front of its detail.
   Takes ownership of inner. */
ox_kerr *ox_kerr_wrap(ox_kerr *inner, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

ox_kerr_code ox_kerr_code_of(const ox_kerr *e);
/* The full Display text, e.g. "unknown module: echo". Borrowed. */
const char *ox_kerr_message(const ox_kerr *e);
/* The payload without the prefix, e.g. "echo". Borrowed. For DENIED it is
   the publisher; see ox_kerr_capability(). */
const char *ox_kerr_detail(const ox_kerr *e);
/* For DENIED: the capability that was lacking; otherwise NULL. */
const char *ox_kerr_capability(const ox_kerr *e);
void ox_kerr_free(ox_kerr *e);

#ifdef __cplusplus
}
#endif
#endif
