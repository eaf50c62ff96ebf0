/*
 * error.c — ox_error: a code for programs, a message for people.
 *
 * Errors are heap objects the caller frees. When even the error cannot be
 * allocated we hand out a static, immutable out-of-memory error that
 * ox_error_free() recognises and leaves alone, so no path loses the failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

struct ox_error {
    ox_errcode code;
    ox_trap trap;
    int exit_status;
    int64_t offset;
    char *func;
    char *msg;
    ox_exn *exn;   /* OX_ERR_EXCEPTION: the exception */
    bool owns_exn; /* ... which this error frees */
};

static struct ox_error oom_error = {
    OX_ERR_NOMEM, OX_TRAP_NONE, 0, -1, NULL, (char *)"out of memory", NULL, false,
};

static ox_error *ox_err_at_prefixed(ox_error *e, const char *what);

static ox_error *verr(ox_errcode code, int64_t offset, const char *fmt, va_list ap)
{
    ox_error *e = calloc(1, sizeof *e);
    if (!e)
        return &oom_error;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    e->msg = malloc(n > 0 ? (size_t)n + 1 : 1);
    if (!e->msg) {
        free(e);
        return &oom_error;
    }
    vsnprintf(e->msg, (size_t)n + 1, fmt, ap);
    e->code = code;
    e->offset = offset;
    return e;
}

static ox_error *ox_err_at_prefixed(ox_error *e, const char *what)
{
    size_t n = strlen(e->msg) + strlen(what) + 48;
    char *m = malloc(n);
    if (!m)
        return e; /* keep the bare message rather than lose the error */
    snprintf(m, n, "%s at byte 0x%llx: %s", what, (unsigned long long)e->offset, e->msg);
    free(e->msg);
    e->msg = m;
    return e;
}

ox_error *ox_error_new(ox_errcode code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ox_error *e = verr(code, -1, fmt, ap);
    va_end(ap);
    return e;
}

/* Decoding and validation errors say where: "invalid module at byte 0x1f:
   type mismatch". The bare reason stays available for comparisons. */
ox_error *ox_err_at(ox_errcode code, int64_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ox_error *e = verr(code, offset, fmt, ap);
    va_end(ap);
    if (e == &oom_error || offset < 0)
        return e;
    const char *what = code == OX_ERR_MALFORMED ? "malformed module"
                       : code == OX_ERR_INVALID ? "invalid module" : "module";
    ox_error *full = ox_err_at_prefixed(e, what);
    return full;
}

ox_error *ox_error_exit(int status)
{
    ox_error *e = ox_error_new(OX_ERR_EXIT, "exit with status %d", status);
    if (e != &oom_error)
        e->exit_status = status;
    return e;
}

const char *ox_trap_message(ox_trap t)
{
    switch (t) {
    case OX_TRAP_NONE: return "no trap";
    case OX_TRAP_UNREACHABLE: return "unreachable";
    case OX_TRAP_MEMORY_OOB: return "out of bounds memory access";
    case OX_TRAP_TABLE_OOB: return "out of bounds table access";
    case OX_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case OX_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
    case OX_TRAP_INDIRECT_MISMATCH: return "indirect call type mismatch";
    case OX_TRAP_DIV_ZERO: return "integer divide by zero";
    case OX_TRAP_INT_OVERFLOW: return "integer overflow";
    case OX_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case OX_TRAP_STACK_EXHAUSTED: return "call stack exhausted";
    case OX_TRAP_FUEL_EXHAUSTED: return "fuel exhausted";
    case OX_TRAP_INTERRUPTED: return "interrupted";
    case OX_TRAP_HOST: return "host function failed";
    case OX_TRAP_DEADLINE: return "deadline exceeded";
    case OX_TRAP_NULL_EXCEPTION: return "null exception reference";
    case OX_TRAP_NULL_FUNC: return "null function reference";
    case OX_TRAP_NULL_REF: return "null reference";
    case OX_TRAP_NULL_STRUCT: return "null structure reference";
    case OX_TRAP_NULL_ARRAY: return "null array reference";
    case OX_TRAP_NULL_I31: return "null i31 reference";
    case OX_TRAP_ARRAY_OOB: return "out of bounds array access";
    case OX_TRAP_CAST: return "cast failure";
    case OX_TRAP_GC_HEAP: return "out of memory: GC heap limit";
    }
    return "unknown trap";
}

ox_error *ox_trap_error_named(ox_trap kind, const char *func)
{
    char *label = strdup(func ? func : "?");
    ox_error *e = ox_error_new(OX_ERR_TRAP, "trap in %s: %s", label ? label : "?",
                               ox_trap_message(kind));
    if (e == &oom_error) {
        free(label);
        return e;
    }
    e->trap = kind;
    e->func = label;
    return e;
}

/* Wrap a host function's failure as a trap, keeping its message. */
ox_error *ox_trap_from_host(ox_error *host_err)
{
    if (!host_err || host_err->code == OX_ERR_EXIT || host_err->code == OX_ERR_TRAP ||
        host_err->code == OX_ERR_EXCEPTION || host_err == &oom_error)
        return host_err;
    host_err->code = OX_ERR_TRAP;
    host_err->trap = OX_TRAP_HOST;
    return host_err;
}

ox_errcode ox_error_code(const ox_error *e) { return e ? e->code : OX_OK; }
const char *ox_error_message(const ox_error *e) { return e ? e->msg : "ok"; }
ox_trap ox_error_trap(const ox_error *e) { return e ? e->trap : OX_TRAP_NONE; }
int ox_error_exit_status(const ox_error *e) { return e ? e->exit_status : 0; }
int64_t ox_error_offset(const ox_error *e) { return e ? e->offset : -1; }
const char *ox_error_function(const ox_error *e) { return e ? e->func : NULL; }

void ox_error_free(ox_error *e)
{
    if (!e || e == &oom_error)
        return;
    if (e->owns_exn)
        free(e->exn);
    free(e->func);
    free(e->msg);
    free(e);
}

ox_error *ox_error_exception(ox_exn *x, bool owns, const char *msg)
{
    ox_error *e = ox_error_new(OX_ERR_EXCEPTION, "%s", msg);
    if (e == &oom_error) {
        if (owns)
            free(x);
        return e;
    }
    e->exn = x;
    e->owns_exn = owns;
    return e;
}

ox_exn *ox_error_take_exn(ox_error *e)
{
    if (!e || e->code != OX_ERR_EXCEPTION)
        return NULL;
    ox_exn *x = e->exn;
    e->exn = NULL;
    e->owns_exn = false;
    return x;
}

const ox_exn *ox_error_peek_exn(const ox_error *e)
{
    return e && e->code == OX_ERR_EXCEPTION ? e->exn : NULL;
}

ox_tag *ox_error_exception_tag(const ox_error *e)
{
    return e && e->code == OX_ERR_EXCEPTION && e->exn ? e->exn->tag : NULL;
}
