/* kerror.c — the kernel's error value: a code plus a heap message, and the
   engine error or errno that caused it. */
#include "oxide/kernel/error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct oxk_err {
    oxk_err_code code;
    bool is_static; /* the out-of-memory fallback is never freed */
    char *message;  /* full Display text */
    char *detail;   /* payload without prefix */
    char *capability;
    ox_error *cause; /* owned; NULL when none */
    int errnum;      /* host errno; 0 when none */
};

/* Returned when even the error cannot be allocated, so callers never see
   NULL for a failure. It is read-only, so sharing it between threads and
   kernels is safe (no mutable global state). */
static const struct oxk_err oom_error = {
    OXK_ERR_OTHER, true, (char *)"out of memory", (char *)"out of memory", NULL, NULL, 0};

static const char *prefix_of(oxk_err_code code)
{
    switch (code) {
    case OXK_ERR_MODULE: return "module error: ";
    case OXK_ERR_BUS: return "bus error: ";
    case OXK_ERR_REGISTRY: return "registry error: ";
    case OXK_ERR_CONFIG_NOT_FOUND: return "configuration key not found: ";
    case OXK_ERR_DUPLICATE_MODULE: return "module already registered: ";
    case OXK_ERR_UNKNOWN_MODULE: return "unknown module: ";
    case OXK_ERR_SERDE: return "serialization error: ";
    case OXK_ERR_TRANSITION: return "";
    case OXK_ERR_DENIED: return "";
    case OXK_ERR_OTHER: return "";
    case OXK_ERR_WASM: return "";
    }
    return "";
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static oxk_err *make(oxk_err_code code, char *detail, char *capability)
{
    oxk_err *e = calloc(1, sizeof *e);
    if (!e || !detail)
        goto oom;
    e->code = code;
    e->detail = detail;
    e->capability = capability;
    const char *p = prefix_of(code);
    size_t n;
    if (code == OXK_ERR_DENIED) {
        if (!capability)
            goto oom;
        n = strlen(detail) + strlen(capability) + 64;
        e->message = malloc(n);
        if (e->message)
            snprintf(e->message, n, "access denied: `%s` lacks capability `%s`", detail,
                     capability);
    } else {
        n = strlen(p) + strlen(detail) + 1;
        e->message = malloc(n);
        if (e->message)
            snprintf(e->message, n, "%s%s", p, detail);
    }
    if (!e->message)
        goto oom;
    return e;
oom:
    free(detail);
    free(capability);
    if (e)
        free(e->message);
    free(e);
    return (oxk_err *)&oom_error;
}

oxk_err *oxk_err_new(oxk_err_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = vformat(fmt, ap);
    va_end(ap);
    return make(code, d, NULL);
}

oxk_err *oxk_err_denied(const char *publisher, const char *capability)
{
    return make(OXK_ERR_DENIED, strdup(publisher ? publisher : ""),
                strdup(capability ? capability : ""));
}

oxk_err *oxk_err_from_wasm(oxk_err_code code, ox_error *cause, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *pre = vformat(fmt, ap);
    va_end(ap);
    char *d = NULL;
    if (pre) {
        const char *msg = ox_error_message(cause);
        size_t n = strlen(pre) + strlen(msg) + 3;
        d = malloc(n);
        if (d)
            snprintf(d, n, "%s: %s", pre, msg);
    }
    free(pre);
    oxk_err *e = make(code, d, NULL);
    if (e->is_static)
        ox_error_free(cause);
    else
        e->cause = cause;
    return e;
}

oxk_err *oxk_err_from_errno(oxk_err_code code, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = vformat(fmt, ap);
    va_end(ap);
    oxk_err *e = make(code, d, NULL);
    if (!e->is_static)
        e->errnum = errnum;
    return e;
}

oxk_err *oxk_err_wrap(oxk_err *inner, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *pre = vformat(fmt, ap);
    va_end(ap);
    oxk_err_code code = inner ? inner->code : OXK_ERR_OTHER;
    /* A wrapped DENIED loses its two-string structure: keep its full text. */
    const char *d = !inner ? "" : code == OXK_ERR_DENIED ? inner->message : inner->detail;
    if (code == OXK_ERR_DENIED)
        code = OXK_ERR_OTHER;
    char *nd = NULL;
    if (pre) {
        size_t n = strlen(pre) + strlen(d) + 3;
        nd = malloc(n);
        if (nd)
            snprintf(nd, n, "%s: %s", pre, d);
    }
    free(pre);
    oxk_err *e = make(code, nd, NULL);
    if (inner && !inner->is_static && !e->is_static) { /* the cause moves to the wrapper */
        e->cause = inner->cause;
        e->errnum = inner->errnum;
        inner->cause = NULL;
    }
    oxk_err_free(inner);
    return e;
}

oxk_err_code oxk_err_code_of(const oxk_err *e) { return e ? e->code : (oxk_err_code)0; }
const char *oxk_err_message(const oxk_err *e) { return e ? e->message : "success"; }
const char *oxk_err_detail(const oxk_err *e) { return e ? e->detail : ""; }
const char *oxk_err_capability(const oxk_err *e) { return e ? e->capability : NULL; }
const ox_error *oxk_err_cause(const oxk_err *e) { return e ? e->cause : NULL; }
int oxk_err_errno(const oxk_err *e) { return e ? e->errnum : 0; }

void oxk_err_free(oxk_err *e)
{
    if (!e || e->is_static)
        return;
    free(e->message);
    free(e->detail);
    free(e->capability);
    ox_error_free(e->cause);
    free(e);
}
