/*
 * oxide/kernel/error.h — the kernel's error value.
 *
 * Every fallible kernel call returns an oxk_err* : NULL on success, or a
 * heap-allocated error the caller owns and frees with oxk_err_free(). An
 * error carries a code (which kind of failure) and a complete printable
 * message whose wording matches the reference's KernelError Display texts,
 * e.g. "unknown module: echo" or
 * "access denied: `browser` lacks capability `llm:complete`".
 *
 * An error that comes from below keeps its cause: the engine's ox_error
 * (its code, trap kind, exit status, offset and function: oxk_err_cause)
 * or the host's errno (oxk_err_errno), so a caller can tell a trap from a
 * bad module, or a missing file from a permission problem, without
 * parsing the message.
 */
#ifndef OXIDE_KERNEL_ERROR_H
#define OXIDE_KERNEL_ERROR_H

#include "oxide/api.h"

#include "oxide/wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum oxk_err_code {
    OXK_ERR_MODULE = 1,        /* "module error: {detail}" (for module implementers) */
    OXK_ERR_BUS,               /* "bus error: {detail}" */
    OXK_ERR_REGISTRY,          /* "registry error: {detail}" (SQLite failures) */
    OXK_ERR_CONFIG_NOT_FOUND,  /* "configuration key not found: {key}" */
    OXK_ERR_DUPLICATE_MODULE,  /* "module already registered: {id}" */
    OXK_ERR_UNKNOWN_MODULE,    /* "unknown module: {id}" */
    OXK_ERR_SERDE,             /* "serialization error: {detail}" (JSON) */
    OXK_ERR_DENIED,            /* "access denied: `{publisher}` lacks capability `{cap}`" */
    OXK_ERR_TRANSITION,        /* "invalid state transition for module `{id}`: {from} -> {to}"
                                  (new: the original never checked transitions) */
    OXK_ERR_OTHER,             /* the detail itself, no prefix (like anyhow) */
    OXK_ERR_WASM,              /* the WebAssembly engine failed (decode, validation, link,
                                  trap, limit, exit): the detail itself, no prefix;
                                  oxk_err_cause() has the engine's error */
} oxk_err_code;

typedef struct oxk_err oxk_err;

/* Make an error; the detail is printf-formatted and the code's prefix is
   added in front of it. Never returns NULL (falls back to a static
   out-of-memory error that oxk_err_free() ignores). */
OX_API oxk_err *oxk_err_new(oxk_err_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
OX_API oxk_err *oxk_err_denied(const char *publisher, const char *capability);
/* An engine failure: "DETAIL: engine message" with the code given
   (OXK_ERR_WASM for a failing guest or module). Takes ownership of
   `cause` (not NULL), kept for oxk_err_cause(). */
OX_API oxk_err *oxk_err_from_wasm(oxk_err_code code, ox_error *cause, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A failed host call: "DETAIL: strerror(errnum)" (the caller may word
   the reason itself in fmt and pass the errno for the record). */
OX_API oxk_err *oxk_err_from_errno(oxk_err_code code, int errnum, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Wrap `inner`: keep its code and cause, put "prefix: " in front of its
   detail. Takes ownership of inner. */
OX_API oxk_err *oxk_err_wrap(oxk_err *inner, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

OX_API oxk_err_code oxk_err_code_of(const oxk_err *e);
/* The full Display text, e.g. "unknown module: echo". Borrowed. */
OX_API const char *oxk_err_message(const oxk_err *e);
/* The payload without the prefix, e.g. "echo". Borrowed. For DENIED it is
   the publisher; see oxk_err_capability(). */
OX_API const char *oxk_err_detail(const oxk_err *e);
/* For DENIED: the capability that was lacking; otherwise NULL. */
OX_API const char *oxk_err_capability(const oxk_err *e);
/* The engine error that caused e, or NULL. Borrowed: lives as long as e. */
OX_API const ox_error *oxk_err_cause(const oxk_err *e);
/* The host errno that caused e, or 0. */
OX_API int oxk_err_errno(const oxk_err *e);
OX_API void oxk_err_free(oxk_err *e);

#ifdef __cplusplus
}
#endif
#endif
