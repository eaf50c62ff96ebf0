/* kerror.c — the kernel's error value: a code plus a heap message. */
#include "oxide/kerror.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ox_kerr {
    ox_kerr_code code;
    bool is_static; /* the out-of-memory fallback is never freed */
    char *message;  /* full Display text */
    char *detail;   /* payload without prefix */
    char *capability;
};

/* Returned when even the error cannot be allocated, so callers never see
   NULL for a failure. It is read-only, so sharing it between threads and
   kernels is safe (no mutable global state). */
static const struct ox_kerr oom_error = {
    OX_KERR_OTHER, true, (char *)"out of memory", (char *)"out of memory", NULL};

static const char *prefix_of(ox_kerr_code code)
{
    switch (code) {
    case OX_KERR_MODULE: return "module error: ";
    case OX_KERR_BUS: return "bus error: ";
    case OX_KERR_REGISTRY: return "registry error: ";
    case OX_KERR_CONFIG_NOT_FOUND: return "configuration key not found: ";
    case OX_KERR_DUPLICATE_MODULE: return "module already registered: ";
    case OX_KERR_UNKNOWN_MODULE: return "unknown module: ";
    case OX_KERR_SERDE: return "serialization error: ";
    case OX_KERR_TRANSITION: return "";
    case OX_KERR_DENIED: return "";
    case OX_KERR_OTHER: return "";
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

static ox_kerr *make(ox_kerr_code code, char *detail, char *capability)
{
    ox_kerr *e = calloc(1, sizeof *e);
    if (!e || !detail)
        goto oom;
    e->code = code;
    e->detail = detail;
    e->capability = capability;
    const char *p = prefix_of(code);
    size_t n;
    if (code == OX_KERR_DENIED) {
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
    return (ox_kerr *)&oom_error;
}

ox_kerr *ox_kerr_new(ox_kerr_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = vformat(fmt, ap);
    va_end(ap);
    return make(code, d, NULL);
}

ox_kerr *ox_kerr_denied(const char *publisher, const char *capability)
{
    return make(OX_KERR_DENIED, strdup(publisher ? publisher : ""),
                strdup(capability ? capability : ""));
}

ox_kerr *ox_kerr_wrap(ox_kerr *inner, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *pre = vformat(fmt, ap);
    va_end(ap);
    ox_kerr_code code = inner ? inner->code : OX_KERR_OTHER;
    /* A wrapped DENIED loses its two-string structure: keep its full text. */
    const char *d = !inner ? "" : code == OX_KERR_DENIED ? inner->message : inner->detail;
    if (code == OX_KERR_DENIED)
        code = OX_KERR_OTHER;
    char *nd = NULL;
    if (pre) {
        size_t n = strlen(pre) + strlen(d) + 3;
        nd = malloc(n);
        if (nd)
            snprintf(nd, n, "%s: %s", pre, d);
    }
    free(pre);
    ox_kerr_free(inner);
    return make(code, nd, NULL);
}

ox_kerr_code ox_kerr_code_of(const ox_kerr *e) { return e ? e->code : (ox_kerr_code)0; }
const char *ox_kerr_message(const ox_kerr *e) { return e ? e->message : "success"; }
const char *ox_kerr_detail(const ox_kerr *e) { return e ? e->detail : ""; }
const char *ox_kerr_capability(const ox_kerr *e) { return e ? e->capability : NULL; }

void ox_kerr_free(ox_kerr *e)
{
    if (!e || e->is_static)
        return;
    free(e->message);
    free(e->detail);
    free(e->capability);
    free(e);
}
