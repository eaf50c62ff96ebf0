/* executor.c — one Wasm instance behind a mutex: exports, typed calls and
   the JSON guest ABI, against the engine's public API only. */
#define _GNU_SOURCE
#include "oxide/kernel/executor.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_codec.h"
#include "kutil.h"

/* The largest encoded-input buffer kept between call_json calls. */
#define OXK_JSON_INPUT_KEEP ((size_t)1 << 20)

struct oxk_executor {
    pthread_mutex_t mu; /* a store is used by one thread at a time */
    ox_engine *engine;
    ox_module *module;
    ox_store *store;
    ox_instance *inst;
    char **exports; /* function export names, export order */
    size_t nexports;
    uint64_t fuel; /* per outermost call; 0 = unmetered */
    size_t max_output; /* call_json's output, bytes; 0 = any */
    void (*link_free)(void *user);
    void *link_user;
    /* The JSON ABI's exports, resolved and type-checked by the first
       call_json that finds them all: an instance's exports never change.
       A failed resolution is not cached, so every call reports it. */
    bool abi_ok;
    ox_func *abi_alloc, *abi_free, *abi_invoke;
    ox_memory *abi_mem;
    oxk_jbuf input; /* call_json's encoded input, reused between calls */
    uint64_t spent; /* fuel spent since call_json began (metered only) */
};

/* Every guest call goes through here so the fuel budget is per call. */
static ox_error *run(oxk_executor *ex, ox_func *f, const ox_val *args, size_t nargs,
                     ox_val *results, size_t nresults)
{
    if (!ex->fuel)
        return ox_func_call(f, args, nargs, results, nresults);
    ox_store_set_fuel(ex->store, ex->fuel);
    ox_error *e = ox_func_call(f, args, nargs, results, nresults);
    ex->spent += ex->fuel - ox_store_fuel(ex->store);
    return e;
}

uint64_t oxk_executor_fuel_spent(oxk_executor *ex)
{
    pthread_mutex_lock(&ex->mu);
    uint64_t n = ex->spent;
    pthread_mutex_unlock(&ex->mu);
    return n;
}

void oxk_functype_format(const ox_functype *t, char *buf, size_t size)
{
    size_t n = 0;
#define PUT(...)                                                                          \
    do {                                                                                  \
        int w_ = snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__);                 \
        if (w_ > 0)                                                                       \
            n += (size_t)w_;                                                              \
    } while (0)
    if (size)
        buf[0] = 0;
    PUT("(");
    for (uint32_t i = 0; i < t->nparams; i++)
        PUT("%s%s", i ? ", " : "", ox_valtype_name(t->params[i]));
    PUT(") -> ");
    if (t->nresults != 1)
        PUT("(");
    for (uint32_t i = 0; i < t->nresults; i++)
        PUT("%s%s", i ? ", " : "", ox_valtype_name(t->results[i]));
    if (t->nresults != 1)
        PUT(")");
#undef PUT
}

/* Take an engine error, give a kernel error "prefix: message". */
static oxk_err *from_wasm(ox_error *e, const char *prefix)
{
    return oxk_err_from_wasm(OXK_ERR_WASM, e, "%s", prefix);
}

void oxk_executor_free(oxk_executor *ex)
{
    if (!ex)
        return;
    for (size_t i = 0; i < ex->nexports; i++)
        free(ex->exports[i]);
    free(ex->exports);
    oxk_jbuf_free(&ex->input);
    ox_store_free(ex->store);
    if (ex->link_free)
        ex->link_free(ex->link_user); /* after the store: its host functions use it */
    ox_module_free(ex->module);
    ox_engine_free(ex->engine);
    pthread_mutex_destroy(&ex->mu);
    free(ex);
}

oxk_err *oxk_executor_from_bytes(const uint8_t *bytes, size_t len, const oxk_executor_options *opts,
                                oxk_executor **out)
{
    *out = NULL;
    oxk_executor *ex = calloc(1, sizeof *ex);
    if (!ex) {
        if (opts && opts->link_free)
            opts->link_free(opts->link_user);
        return oxk_err_new(OXK_ERR_OTHER, "out of memory");
    }
    pthread_mutex_init(&ex->mu, NULL);
    if (opts) {
        /* Owned from here on, so every failure below releases it. */
        ex->link_free = opts->link_free;
        ex->link_user = opts->link_user;
    }
    ox_linker *linker = NULL;
    ox_error *e;
    oxk_err *err = NULL;
    if ((e = ox_engine_new(opts ? opts->engine_config : NULL, &ex->engine)) ||
        (e = ox_module_new(ex->engine, bytes, len, &ex->module)) ||
        (e = ox_store_new(ex->engine, &ex->store)) || (e = ox_linker_new(&linker))) {
        err = from_wasm(e, "wasm");
        goto fail;
    }
    for (size_t i = 0; opts && i < opts->nimports; i++) {
        const oxk_host_import *im = &opts->imports[i];
        ox_extern ext = {.kind = OX_EXTERN_FUNC};
        if ((e = ox_func_new_host(ex->store, &im->type, im->fn, im->user, NULL, &ext.of.func)) ||
            (e = ox_linker_define(linker, im->module, im->name, ext))) {
            err = from_wasm(e, "wasm import");
            goto fail;
        }
    }
    if (opts && opts->timeout_ms)
        ox_store_set_timeout(ex->store, opts->timeout_ms);
    if (opts) {
        ex->fuel = opts->fuel;
        ex->max_output = opts->max_output;
    }
    if (opts && opts->link && (e = opts->link(opts->link_user, linker, ex->store))) {
        err = from_wasm(e, "wasm link");
        goto fail;
    }
    if (ex->fuel)
        ox_store_set_fuel(ex->store, ex->fuel); /* the start function is metered too */
    if ((e = ox_linker_instantiate(linker, ex->store, ex->module, &ex->inst))) {
        err = from_wasm(e, "wasm");
        goto fail;
    }
    ox_linker_free(linker);
    linker = NULL;
    ox_extern init;
    if (ox_instance_export(ex->inst, "_initialize", &init) && init.kind == OX_EXTERN_FUNC &&
        (e = run(ex, init.of.func, NULL, 0, NULL, 0))) {
        err = from_wasm(e, "wasm _initialize");
        goto fail;
    }
    size_t n = ox_module_export_count(ex->module);
    ex->exports = calloc(n ? n : 1, sizeof *ex->exports);
    if (!ex->exports) {
        err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name;
        size_t nlen;
        ox_externtype t;
        ox_module_export(ex->module, i, &name, &nlen, &t);
        if (t.kind != OX_EXTERN_FUNC)
            continue;
        if (!(ex->exports[ex->nexports] = strndup(name, nlen))) {
            err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
            goto fail;
        }
        ex->nexports++;
    }
    *out = ex;
    return NULL;
fail:
    ox_linker_free(linker);
    oxk_executor_free(ex);
    return err;
}

oxk_err *oxk_executor_from_path(const char *path, const oxk_executor_options *opts,
                               oxk_executor **out)
{
    *out = NULL;
    uint8_t *buf;
    size_t len;
    int rc = oxk_read_file(path, (size_t)1 << 30, &buf, &len);
    if (rc)
        return oxk_err_from_errno(OXK_ERR_OTHER, rc, "failed to read wasm artefact %s: %s", path,
                                  rc == EFBIG ? "larger than 1 GiB" : strerror(rc));
    oxk_err *err = oxk_executor_from_bytes(buf, len, opts, out);
    free(buf);
    return err;
}

size_t oxk_executor_export_count(const oxk_executor *ex) { return ex->nexports; }

const char *oxk_executor_export_name(const oxk_executor *ex, size_t i)
{
    return i < ex->nexports ? ex->exports[i] : NULL;
}

static bool type_is(const ox_functype *t, uint32_t np, const ox_valtype *p, uint32_t nr,
                    const ox_valtype *r)
{
    /* memcmp with a NULL pointer is undefined even for length 0. */
    return t->nparams == np && t->nresults == nr && (!np || !memcmp(t->params, p, np)) &&
           (!nr || !memcmp(t->results, r, nr));
}

/* Describe why `name` is not a function of the wanted type, or NULL when it
   is; *f gets the function. Caller holds the mutex. */
static char *check_func(oxk_executor *ex, const char *name, const ox_functype *want, ox_func **f)
{
    ox_extern ext;
    char *why = NULL, have[256];
    if (!ox_instance_export(ex->inst, name, &ext)) {
        if (asprintf(&why, "no such export") < 0)
            why = NULL;
    } else if (ext.kind != OX_EXTERN_FUNC) {
        if (asprintf(&why, "it is a %s, not a function", ox_extern_kind_name(ext.kind)) < 0)
            why = NULL;
    } else {
        *f = ext.of.func;
        const ox_functype *t = ox_func_type(ext.of.func);
        if (want && !type_is(t, want->nparams, want->params, want->nresults, want->results)) {
            oxk_functype_format(t, have, sizeof have);
            if (asprintf(&why, "it has type %s", have) < 0)
                why = NULL;
        } else {
            return NULL;
        }
    }
    return why ? why : strdup("(out of memory)");
}

static const ox_valtype I32[] = {OX_I32, OX_I32, OX_I32, OX_I32};
static const ox_valtype I64[] = {OX_I64};
static const ox_functype T_I32_I32 = {1, 1, I32, I32};
static const ox_functype T_FREE = {2, 0, I32, NULL};
static const ox_functype T_INVOKE = {4, 1, I32, I64};

oxk_err *oxk_executor_call_i32(oxk_executor *ex, const char *name, int32_t arg, int32_t *out)
{
    pthread_mutex_lock(&ex->mu);
    ox_func *f = NULL;
    oxk_err *err = NULL;
    char *why = check_func(ex, name, &T_I32_I32, &f);
    if (why) {
        err = oxk_err_new(OXK_ERR_OTHER, "wasm export `%s` is not (i32) -> i32: %s", name, why);
        free(why);
    } else {
        ox_val a = ox_val_i32(arg), r;
        ox_error *e = run(ex, f, &a, 1, &r, 1);
        if (e)
            err = from_wasm(e, "wasm");
        else
            *out = r.of.i32;
    }
    pthread_mutex_unlock(&ex->mu);
    return err;
}

oxk_err *oxk_executor_call(oxk_executor *ex, const char *name, const ox_val *args, size_t nargs,
                          ox_val *results, size_t nresults)
{
    pthread_mutex_lock(&ex->mu);
    ox_func *f = NULL;
    oxk_err *err = NULL;
    char *why = check_func(ex, name, NULL, &f);
    if (why) {
        err = oxk_err_new(OXK_ERR_OTHER, "wasm export `%s` cannot be called: %s", name, why);
        free(why);
    } else {
        const ox_functype *t = ox_func_type(f);
        char have[256];
        oxk_functype_format(t, have, sizeof have);
        bool ok = nargs == t->nparams && nresults == t->nresults;
        for (size_t i = 0; ok && i < nargs; i++)
            ok = args[i].type == t->params[i];
        if (!ok) {
            err = oxk_err_new(OXK_ERR_OTHER,
                              "wasm export `%s` has type %s; got %zu argument(s) and room for "
                              "%zu result(s) of other types",
                              name, have, nargs, nresults);
        } else {
            ox_error *e = run(ex, f, args, nargs, results, nresults);
            if (e)
                err = from_wasm(e, "wasm");
        }
    }
    pthread_mutex_unlock(&ex->mu);
    return err;
}

bool oxk_executor_func_type(oxk_executor *ex, const char *name, ox_functype *out)
{
    pthread_mutex_lock(&ex->mu);
    ox_extern ext;
    bool ok = ox_instance_export(ex->inst, name, &ext) && ext.kind == OX_EXTERN_FUNC;
    if (ok)
        *out = *ox_func_type(ext.of.func);
    pthread_mutex_unlock(&ex->mu);
    return ok;
}

void oxk_executor_interrupt(oxk_executor *ex) { ox_store_interrupt(ex->store); }

/* ---- JSON ABI ---------------------------------------------------------- */

typedef struct abi {
    oxk_executor *ex;
    ox_func *alloc, *free, *invoke;
    ox_memory *mem;
} abi;

static oxk_err *resolve_abi(oxk_executor *ex, abi *a)
{
    if (ex->abi_ok) {
        a->alloc = ex->abi_alloc;
        a->free = ex->abi_free;
        a->invoke = ex->abi_invoke;
        a->mem = ex->abi_mem;
        return NULL;
    }
    static const struct {
        const char *name, *label, *want;
        const ox_functype *type;
        size_t off;
    } fns[] = {
        {"alloc", "alloc export", "(i32) -> i32", &T_I32_I32, offsetof(abi, alloc)},
        {"free", "free export", "(i32, i32) -> ()", &T_FREE, offsetof(abi, free)},
        {"oxide_invoke", "oxide_invoke export", "(i32, i32, i32, i32) -> i64", &T_INVOKE,
         offsetof(abi, invoke)},
    };
    for (size_t i = 0; i < 3; i++) {
        ox_func *f = NULL;
        char *why = check_func(ex, fns[i].name, fns[i].type, &f);
        if (why) {
            oxk_err *e = oxk_err_new(OXK_ERR_OTHER, "%s: `%s` must be %s, but %s", fns[i].label,
                                     fns[i].name, fns[i].want, why);
            free(why);
            return e;
        }
        *(ox_func **)((char *)a + fns[i].off) = f;
    }
    ox_extern m;
    if (!ox_instance_export(ex->inst, "memory", &m) || m.kind != OX_EXTERN_MEMORY)
        return oxk_err_new(OXK_ERR_OTHER, "no `memory` export");
    a->mem = m.of.memory;
    ex->abi_alloc = a->alloc;
    ex->abi_free = a->free;
    ex->abi_invoke = a->invoke;
    ex->abi_mem = a->mem;
    ex->abi_ok = true;
    return NULL;
}

/* alloc(len), check the pointer, copy bytes in. `what` is "method" or
   "input". On success *ptr is a buffer the caller must free. */
static oxk_err *put_buffer(abi *a, const char *what, const void *bytes, uint32_t len,
                           uint32_t *ptr)
{
    ox_val arg = ox_val_i32((int32_t)len), res;
    ox_error *e = run(a->ex, a->alloc, &arg, 1, &res, 1);
    if (e) {
        return oxk_err_from_wasm(OXK_ERR_WASM, e, "alloc %s", what);
    }
    uint32_t p = (uint32_t)res.of.i32; /* pointers are unsigned */
    size_t size = ox_memory_size(a->mem);
    if (p == 0 && len > 0)
        return oxk_err_new(OXK_ERR_OTHER, "alloc %s: alloc(%u) returned a null pointer", what, len);
    if ((uint64_t)p + len > size) {
        oxk_err *k = oxk_err_new(OXK_ERR_OTHER,
                                 "%s OOB: alloc(%u) returned 0x%x, past the end of the %zu-byte "
                                 "memory",
                                 what, len, p, size);
        /* The pointer came from alloc, so hand it back even though it is
           useless: a guest that tracks allocations stays consistent. */
        ox_val fa[2] = {ox_val_i32((int32_t)p), ox_val_i32((int32_t)len)};
        ox_error_free(run(a->ex, a->free, fa, 2, NULL, 0));
        return k;
    }
    if (len && (e = ox_memory_write(a->mem, p, bytes, len)))
        return from_wasm(e, what);
    *ptr = p;
    return NULL;
}

/* free(ptr, len), ignoring a failing free as the reference does: the call's
   answer is already decided, and the instance stays usable after a trap. */
static void free_buffer(abi *a, uint32_t p, uint32_t len)
{
    ox_val fa[2] = {ox_val_i32((int32_t)p), ox_val_i32((int32_t)len)};
    ox_error_free(run(a->ex, a->free, fa, 2, NULL, 0));
}

oxk_err *oxk_executor_call_json(oxk_executor *ex, const char *method, const json_t *input,
                               json_t **out)
{
    *out = NULL;
    if (!method || !input)
        return oxk_err_new(OXK_ERR_OTHER, "call_json needs a method and an input value");
    size_t mlen = strlen(method);
    pthread_mutex_lock(&ex->mu);
    ex->spent = 0;
    abi a = {.ex = ex};
    uint32_t mptr = 0, iptr = 0;
    bool have_m = false, have_i = false;
    oxk_err *err = NULL;
    /* Encoded into the executor's buffer (hence under the mutex): no
       allocation once it has grown to the usual payload size. */
    if (!oxk_json_encode(input, &ex->input)) {
        err = oxk_err_new(OXK_ERR_SERDE, "input cannot be encoded as JSON");
        goto out;
    }
    const char *in = ex->input.p;
    size_t ilen = ex->input.len;
    if (mlen > INT32_MAX || ilen > INT32_MAX) {
        err = oxk_err_new(OXK_ERR_OTHER, "method or input larger than 2 GiB");
        goto out;
    }
    if ((err = resolve_abi(ex, &a)))
        goto out;
    if ((err = put_buffer(&a, "method", method, (uint32_t)mlen, &mptr)))
        goto out;
    have_m = true;
    if ((err = put_buffer(&a, "input", in, (uint32_t)ilen, &iptr)))
        goto out;
    have_i = true;
    ox_val args[4] = {ox_val_i32((int32_t)mptr), ox_val_i32((int32_t)mlen),
                      ox_val_i32((int32_t)iptr), ox_val_i32((int32_t)ilen)};
    ox_val r;
    ox_error *e = run(ex, a.invoke, args, 4, &r, 1);
    if (e) {
        err = from_wasm(e, "oxide_invoke");
        goto out;
    }
    free_buffer(&a, mptr, (uint32_t)mlen);
    free_buffer(&a, iptr, (uint32_t)ilen);
    have_m = have_i = false;
    uint64_t packed = (uint64_t)r.of.i64;
    uint32_t optr = (uint32_t)(packed >> 32), olen = (uint32_t)packed;
    size_t size = ox_memory_size(a.mem);
    if ((uint64_t)optr + olen > size) {
        /* Not freed: a pointer outside memory did not come from alloc. */
        err = oxk_err_new(OXK_ERR_OTHER,
                          "output OOB: oxide_invoke returned %u bytes at 0x%x, past the end of "
                          "the %zu-byte memory",
                          olen, optr, size);
        goto out;
    }
    if (ex->max_output && olen > ex->max_output) {
        err = oxk_err_new(OXK_ERR_OTHER, "output of %u bytes is over the %zu-byte limit", olen, ex->max_output);
        free_buffer(&a, optr, olen);
        goto out;
    }
    /* Parsed where the guest left it, without a copy: the bounds are
       checked above and no guest code runs until the free below, which
       therefore comes after parsing. (No pointer arithmetic on an empty
       memory's data, which may be NULL.) */
    const char *text = olen ? (const char *)ox_memory_data(a.mem) + optr : "";
    json_t *v = oxk_json_parse_fast(text, olen);
    if (!v) {
        /* Outside the fast path's subset, or not JSON at all: the checks
           and the wording of the slow path. */
        if (!ox_utf8_valid((const unsigned char *)text, olen)) {
            err = oxk_err_new(OXK_ERR_OTHER, "output is not valid UTF-8 (%u bytes)", olen);
        } else if ((err = oxk_json_parse(text, olen, &v))) {
            oxk_err *k = oxk_err_new(OXK_ERR_OTHER, "output JSON: %s", oxk_err_detail(err));
            oxk_err_free(err);
            err = k;
        }
    }
    free_buffer(&a, optr, olen);
    *out = v;
out:
    /* Unlike the original, buffers already handed to the guest are
       returned on every error path. */
    if (have_m)
        free_buffer(&a, mptr, (uint32_t)mlen);
    if (have_i)
        free_buffer(&a, iptr, (uint32_t)ilen);
    /* Keep the buffer for the next call, unless an unusually large input
       grew it: an executor should not hold on to that. */
    if (ex->input.cap > OXK_JSON_INPUT_KEEP)
        oxk_jbuf_free(&ex->input);
    pthread_mutex_unlock(&ex->mu);
    return err;
}
