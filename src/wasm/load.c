/*
 * load.c — the one road from bytes to a runnable module, and back.
 *
 * ox_module_new reads text through the WAT parser (src/wat/) when it is
 * given text, then decodes (decode.c), validates everything outside function
 * bodies (validate_module.c), validates and compiles each body
 * (compile.c), then threads the compiled code for the interpreter
 * (interp.c). ox_module_free drops a reference; the last one frees the
 * compiled code and the decoded module.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "jit.h"
#include "platform.h"
#include "runtime.h"

/* The compiled code, then the decoded module. */
static void module_destroy(ox_module *m)
{
    /* nfuncs is set only once every section decoded; before that no body
       has been compiled, so there is no code to free. */
    if (m->jit_hot != m->jit) /* the first code, replaced by the whole module's */
        ox_jit_module_free(m->jit_hot);
    ox_jit_module_free(m->jit);
    free(m->osr_hint);
    ox_error_free(m->jit_error);
    if (m->funcs && m->nfuncs > m->nimport_funcs) {
        for (uint32_t i = 0; i < m->nfuncs - m->nimport_funcs; i++)
            if (m->funcs[i].code)
                ox_code_free(m->funcs[i].code);
    }
    ox_module_destroy(m);
}

/* Text starts, after blanks, with a parenthesis or a comment; a binary
   with its magic number. Anything else goes to the decoder, which names
   what is wrong with it ("magic header not detected"). */
static bool is_text(const uint8_t *p, size_t len)
{
    size_t i = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
        i++;
    return i < len && (p[i] == '(' || (p[i] == ';' && i + 1 < len && p[i + 1] == ';'));
}

ox_error *ox_module_new(ox_engine *e, const uint8_t *bytes, size_t len, ox_module **out)
{
    *out = NULL;
    if (!e || (!bytes && len))
        return ox_error_new(OX_ERR_ARG, "ox_module_new: no engine or no bytes");
    uint8_t *copy;
    if (is_text(bytes, len)) {
        TRY(ox_wat_to_wasm((const char *)bytes, len, &copy, &len));
    } else {
        copy = malloc(len ? len : 1);
        if (!copy)
            return ox_error_new(OX_ERR_NOMEM, "out of memory copying a %zu-byte module", len);
        if (len)
            memcpy(copy, bytes, len);
    }
    ox_module *m = NULL;
    ox_error *err = ox_decode(e, copy, len, &m); /* owns copy from here on */
    if (!err)
        err = ox_validate_module(m);
    if (!err)
        err = ox_compile_module(m);
    if (err) {
        if (m)
            module_destroy(m);
        return err;
    }
    for (uint32_t i = 0; i < m->nfuncs - m->nimport_funcs; i++)
        ox_interp_thread(m->funcs[i].code);
    /* the compiling tier, when the engine has it on (src/jit) */
    if ((err = ox_jit_compile_module(m)) != NULL) {
        module_destroy(m);
        return err;
    }
    atomic_store(&m->refcount, 1);
    *out = m;
    return NULL;
}

ox_error *ox_module_load_file(ox_engine *e, const char *path, ox_module **out)
{
    *out = NULL;
    uint8_t *buf;
    size_t len;
    TRY(ox_read_file(path, &buf, &len));
    ox_error *err = ox_module_new(e, buf, len, out);
    ox_errcode code = ox_error_code(err);
    if (err && is_text(buf, len) &&
        (code == OX_ERR_MALFORMED || code == OX_ERR_INVALID || code == OX_ERR_UNSUPPORTED)) {
        /* a text error is "FILE:LINE:COL: ..."; a byte offset from the
           decoder or validator is one in the binary the text assembled to */
        bool at_text = ox_error_offset(err) < 0;
        ox_error *named = ox_error_new(code, at_text ? "%s:%s" : "%s: %s (in the binary the "
                                                                 "text assembles to)",
                                       path, ox_error_message(err));
        ox_error_free(err);
        err = named;
    }
    free(buf);
    return err;
}

void ox_module_free(ox_module *m)
{
    if (m && atomic_fetch_sub(&m->refcount, 1) == 1)
        module_destroy(m);
}
