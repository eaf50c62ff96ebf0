/*
 * wast_run.c — run a spec script: its commands, one by one, over one store.
 *
 * `module` instantiates (the newest becomes "current"; a named one is also
 * remembered by name), `register` makes an instance's exports importable,
 * and the assertions invoke exports or load modules expecting a rejection.
 * Each command counts once as passed, failed or skipped.
 *
 * Every command is read in full before anything runs, so a syntax error in
 * it (which escapes from the text reader by longjmp) never leaves an engine
 * object behind: the command fails with the reader's message and the runner
 * goes on with the next one.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../wasm/platform.h"
#include "wast_internal.h"

typedef struct named {
    const uint8_t *id; /* the $id's bytes (in the script's text or context) */
    uint32_t idlen;
    ox_instance *inst; /* NULL when it failed, or for a definition */
    ox_module *def;    /* `module definition`: instantiated by `module instance` */
} named;

typedef struct script {
    const char *file;
    const oxw_options *opt;
    FILE *out;
    oxw_counts *counts;
    wat_ctx c;
    unsigned line; /* of the command running */
    char cmd[32];  /* its keyword */

    ox_engine *engine;
    ox_store *store;
    ox_linker *linker;
    ox_instance *current; /* NULL before the first module or after a failed one */
    unsigned current_line;
    named *names;
    size_t nnames, capnames;
} script;

/* ---- Outcomes --------------------------------------------------------------- */

static void pass(script *s)
{
    s->counts->passed++;
    if (s->opt->verbose && s->out)
        fprintf(s->out, "%s:%u: %s: ok\n", s->file, s->line, s->cmd);
}

static void fail(script *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void fail(script *s, const char *fmt, ...)
{
    s->counts->failed++;
    if (!s->out)
        return;
    fprintf(s->out, "%s:%u: %s: ", s->file, s->line, s->cmd);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(s->out, fmt, ap);
    va_end(ap);
    fputc('\n', s->out);
}

/* ---- Modules ------------------------------------------------------------------ */

typedef struct modsrc {
    const wat_token *id; /* $name, or NULL */
    bool definition;     /* (module definition ...) */
    bool binary;         /* (module binary ...) */
    wat_buf bin;         /* the binary (text modules assembled) */
    ox_error *text_err;  /* a quoted module whose text is malformed */
} modsrc;

/* (module $id? definition? binary|quote|field* ) */
static void read_module(script *s, modsrc *ms)
{
    wat_ctx *c = &s->c;
    memset(ms, 0, sizeof *ms);
    ms->bin.slot = -1;
    size_t start = c->pos;
    wat_expect_lpar(c);
    wat_expect_kw(c, "module");
    if (wat_is_kw(c, wat_peek(c), "definition")) {
        ms->definition = true;
        c->pos++;
    }
    if (wat_peek(c)->kind == WT_ID)
        ms->id = wat_next(c);
    if (wat_is_kw(c, wat_peek(c), "binary")) {
        c->pos++;
        ms->binary = true;
        while (wat_peek(c)->kind == WT_STRING)
            wat_string(c, wat_next(c), &ms->bin);
    } else if (wat_is_kw(c, wat_peek(c), "quote")) {
        c->pos++;
        wat_buf text = {.slot = -1};
        while (wat_peek(c)->kind == WT_STRING)
            wat_string(c, wat_next(c), &text);
        uint8_t *bin;
        size_t n;
        ms->text_err = ox_wat_to_wasm(text.n ? (const char *)text.p : "", text.n, &bin, &n);
        if (!ms->text_err) {
            wat_buf_put(c, &ms->bin, bin, n);
            free(bin);
        }
    } else {
        /* Text that is well-formed but invalid (wat_invalid: a 32-bit limit
           beyond 32 bits) is the module's error, as a quoted module's is;
           anything else fails the command. */
        jmp_buf outer;
        memcpy(outer, c->fail, sizeof outer);
        if (setjmp(c->fail)) {
            memcpy(c->fail, outer, sizeof outer);
            if (ox_error_code(c->err) != OX_ERR_INVALID)
                longjmp(c->fail, 1);
            ms->text_err = c->err;
            c->err = NULL;
            c->pos = start;
            wat_skip_sexpr(c);
            c->pos--; /* at the module's ')' */
        } else {
            wat_module(c, true, &ms->bin);
            memcpy(c->fail, outer, sizeof outer);
        }
    }
    wat_expect_rpar(c);
}

/* A module's text as ox_module_print_wat writes it (malloc'd), or NULL. */
static char *print_text(const ox_module *m, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    ox_error *err = ox_module_print_wat(m, f);
    bool ok = fclose(f) == 0 && !err;
    ox_error_free(err);
    if (!ok) {
        free(text);
        return NULL;
    }
    return text;
}

/* --round-trip: text -> binary -> text -> binary gives the same binary
   (modules from text), binary -> text -> binary -> text the same text
   (modules from binary: their custom sections and encoding choices need
   not survive, their meaning must). NULL when it holds. */
static ox_error *round_trip(script *s, const ox_module *m, const wat_buf *bin, bool from_text)
{
    size_t tlen;
    char *text = print_text(m, &tlen);
    if (!text)
        return ox_error_new(OX_ERR_IO, "round trip: the module could not be printed");
    uint8_t *back = NULL;
    size_t blen;
    ox_error *err = ox_wat_to_wasm(text, tlen, &back, &blen);
    if (!err && from_text && (blen != bin->n || memcmp(back, bin->p, blen)))
        err = ox_error_new(OX_ERR_INVALID, "round trip: printed and read back, the binary "
                                           "differs (%zu bytes, was %zu)", blen, bin->n);
    if (!err && !from_text) {
        ox_module *m2 = NULL;
        err = ox_module_new(s->engine, back, blen, &m2);
        size_t t2len = 0;
        char *t2 = m2 ? print_text(m2, &t2len) : NULL;
        if (!err && (!t2 || t2len != tlen || memcmp(t2, text, tlen)))
            err = ox_error_new(OX_ERR_INVALID, "round trip: printed, read back and printed "
                                               "again, the text differs");
        free(t2);
        ox_module_free(m2);
    } else if (err && ox_error_code(err) == OX_ERR_MALFORMED) {
        ox_error *e = ox_error_new(OX_ERR_INVALID, "round trip: the printed text does not "
                                                   "read back: %s", ox_error_message(err));
        ox_error_free(err);
        err = e;
    }
    free(back);
    free(text);
    return err;
}

static ox_error *load(script *s, modsrc *ms, ox_module **m)
{
    *m = NULL;
    if (ms->text_err) {
        ox_error *e = ms->text_err;
        ms->text_err = NULL;
        return e;
    }
    ox_error *err = ox_module_new(s->engine, ms->bin.p ? ms->bin.p : (const uint8_t *)"",
                                  ms->bin.n, m);
    if (!err && s->opt->round_trip && (err = round_trip(s, *m, &ms->bin, !ms->binary))) {
        ox_module_free(*m);
        *m = NULL;
    }
    return err;
}

static named *find(script *s, const wat_token *id)
{
    uint32_t len;
    const uint8_t *b = wat_id_bytes(&s->c, id, &len);
    for (size_t i = s->nnames; i-- > 0;)
        if (s->names[i].idlen == len && !memcmp(s->names[i].id, b, len))
            return &s->names[i];
    return NULL;
}

/* Remember `inst` or `def` under $id (a later one of the same name wins).
   The id's bytes must outlive the command: they are copied. */
static void remember(script *s, const wat_token *id, ox_instance *inst, ox_module *def)
{
    if (!id) { /* nothing can name it again: a definition is done with */
        ox_module_free(def);
        return;
    }
    if (s->nnames == s->capnames) {
        size_t cap = s->capnames ? s->capnames * 2 : 16;
        named *nn = realloc(s->names, cap * sizeof *nn);
        if (!nn) { /* out of memory: the name is not known, commands using it fail */
            ox_module_free(def);
            return;
        }
        s->names = nn;
        s->capnames = cap;
    }
    uint32_t len;
    const uint8_t *b = wat_id_bytes(&s->c, id, &len);
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        ox_module_free(def);
        return;
    }
    memcpy(copy, b, len);
    s->names[s->nnames++] = (named){copy, len, inst, def};
}

static ox_error *instantiate(script *s, ox_module *m, ox_instance **inst)
{
    return ox_linker_instantiate(s->linker, s->store, m, inst);
}

static void cmd_module(script *s)
{
    modsrc ms;
    read_module(s, &ms);
    s->current = NULL;
    s->current_line = s->line;
    ox_module *m;
    ox_error *err = load(s, &ms, &m);
    if (err) {
        fail(s, "module rejected: %s", ox_error_message(err));
        ox_error_free(err);
        remember(s, ms.id, NULL, NULL);
        return;
    }
    if (ms.definition) {
        remember(s, ms.id, NULL, m);
        pass(s);
        return;
    }
    ox_instance *inst = NULL;
    err = instantiate(s, m, &inst);
    ox_module_free(m);
    if (err) {
        fail(s, "instantiation failed: %s", ox_error_message(err));
        ox_error_free(err);
    } else {
        s->current = inst;
        pass(s);
    }
    remember(s, ms.id, inst, NULL);
}

/* (module instance $I? $M) */
static void cmd_module_instance(script *s)
{
    wat_ctx *c = &s->c;
    const wat_token *iid = NULL, *mid = NULL;
    if (wat_peek(c)->kind == WT_ID)
        iid = wat_next(c);
    if (wat_peek(c)->kind == WT_ID)
        mid = wat_next(c);
    else
        mid = iid, iid = NULL;
    wat_expect_rpar(c);
    named *d = mid ? find(s, mid) : NULL;
    s->current = NULL;
    s->current_line = s->line;
    if (!d || !d->def) {
        fail(s, "no module definition of that name");
        return;
    }
    ox_instance *inst = NULL;
    ox_error *err = instantiate(s, d->def, &inst);
    if (err) {
        fail(s, "instantiation failed: %s", ox_error_message(err));
        ox_error_free(err);
    } else {
        s->current = inst;
        pass(s);
    }
    remember(s, iid, inst, NULL);
}

static ox_instance *target(script *s, const wat_token *id, char *why, size_t n)
{
    if (id) {
        named *nm = find(s, id);
        if (!nm || !nm->inst)
            snprintf(why, n, "no instance %.*s%s", (int)id->len, s->c.src + id->off,
                     nm ? " (its module failed)" : "");
        return nm ? nm->inst : NULL;
    }
    if (!s->current)
        snprintf(why, n, s->current_line ? "no current module (the module at line %u failed)"
                                         : "no module yet",
                 s->current_line);
    return s->current;
}

static void cmd_register(script *s)
{
    wat_ctx *c = &s->c;
    wat_buf name = {.slot = -1};
    wat_name(c, wat_next(c), &name);
    wat_buf_byte(c, &name, 0);
    const wat_token *id = wat_peek(c)->kind == WT_ID ? wat_next(c) : NULL;
    wat_expect_rpar(c);
    char why[128];
    ox_instance *inst = target(s, id, why, sizeof why);
    if (!inst) {
        fail(s, "%s", why);
        return;
    }
    ox_error *err = ox_linker_define_instance(s->linker, (const char *)name.p, inst);
    if (err) {
        fail(s, "%s", ox_error_message(err));
        ox_error_free(err);
    } else {
        pass(s);
    }
}

/* ---- Actions ---------------------------------------------------------------- */

typedef struct action {
    bool get;
    const wat_token *id;
    wat_buf field;
    ox_val args[OXW_MAX_VALS];
    size_t nargs;
} action;

typedef struct outcome {
    ox_val vals[OXW_MAX_VALS];
    size_t n;
    ox_error *err;     /* the call's error (a trap...) */
    char harness[256]; /* the action could not run: why */
} outcome;

static void read_action(script *s, action *a)
{
    wat_ctx *c = &s->c;
    memset(a, 0, sizeof *a);
    a->field.slot = -1;
    wat_expect_lpar(c);
    const wat_token *kw = wat_next(c);
    if (wat_is_kw(c, kw, "get"))
        a->get = true;
    else if (!wat_is_kw(c, kw, "invoke"))
        wat_fail(c, kw, "unexpected token, expected an action (invoke or get)");
    if (wat_peek(c)->kind == WT_ID)
        a->id = wat_next(c);
    wat_name(c, wat_next(c), &a->field);
    while (wat_peek(c)->kind == WT_LPAR) {
        if (a->nargs == OXW_MAX_VALS)
            wat_fail(c, NULL, "too many arguments (the runner takes %d)", OXW_MAX_VALS);
        oxw_parse_arg(c, &a->args[a->nargs++]);
    }
    wat_expect_rpar(c);
}

static bool run_action(script *s, const action *a, outcome *o)
{
    memset(o, 0, sizeof o->harness);
    o->n = 0;
    o->err = NULL;
    ox_instance *inst = target(s, a->id, o->harness, sizeof o->harness);
    if (!inst)
        return false;
    ox_extern ext;
    const char *f = a->field.n ? (const char *)a->field.p : "";
    if (!ox_instance_export_n(inst, f, a->field.n, &ext)) {
        snprintf(o->harness, sizeof o->harness, "no export \"%.*s\"", (int)a->field.n, f);
        return false;
    }
    if (a->get) {
        if (ext.kind != OX_EXTERN_GLOBAL) {
            snprintf(o->harness, sizeof o->harness, "export \"%.*s\" is not a global",
                     (int)a->field.n, f);
            return false;
        }
        o->vals[0] = ox_global_get(ext.of.global);
        o->n = 1;
        return true;
    }
    if (ext.kind != OX_EXTERN_FUNC) {
        snprintf(o->harness, sizeof o->harness, "export \"%.*s\" is not a function",
                 (int)a->field.n, f);
        return false;
    }
    const ox_functype *ft = ox_func_type(ext.of.func);
    if (ft->nresults > OXW_MAX_VALS) {
        snprintf(o->harness, sizeof o->harness, "too many results");
        return false;
    }
    o->n = ft->nresults;
    for (size_t i = 0; i < o->n; i++)
        o->vals[i].type = ft->results[i];
    /* (ref.host N) arguments: the host value, boxed as wasm would */
    ox_val args[OXW_MAX_VALS];
    for (size_t i = 0; i < a->nargs; i++) {
        args[i] = a->args[i];
        if (args[i].type == OX_ANYREF && args[i].of.anyref &&
            (o->err = ox_anyref_host(s->store, a->args[i].of.anyref, &args[i])) != NULL)
            return true;
    }
    o->err = ox_func_call(ext.of.func, args, a->nargs, o->vals, o->n);
    return true;
}

/* The script's trap text and the engine's: the suite sometimes adds detail
   ("uninitialized element 2"), so either being a prefix of the other counts. */
static bool trap_matches(const char *got, const char *want)
{
    size_t g = strlen(got), w = strlen(want);
    return g && !strncmp(got, want, g < w ? g : w);
}

static void string_arg(script *s, wat_buf *text)
{
    *text = (wat_buf){.slot = -1};
    const wat_token *t = wat_peek(&s->c);
    if (t->kind == WT_STRING)
        wat_string(&s->c, wat_next(&s->c), text);
    wat_buf_byte(&s->c, text, 0);
}

static void check_trap(script *s, ox_error *err, const char *want, const char *what)
{
    if (!err) {
        fail(s, "%s, expected trap \"%s\"", what, want);
        return;
    }
    const char *got = ox_trap_message(ox_error_trap(err));
    if (ox_error_code(err) != OX_ERR_TRAP)
        fail(s, "failed without a trap: %s (expected \"%s\")", ox_error_message(err), want);
    else if (!trap_matches(got, want))
        fail(s, "trapped with \"%s\", expected \"%s\" (%s)", got, want, ox_error_message(err));
    else
        pass(s);
    ox_error_free(err);
}

/* assert_trap / assert_exhaustion / assert_uninstantiable on a module. */
static void module_trap(script *s)
{
    modsrc ms;
    read_module(s, &ms);
    wat_buf want;
    string_arg(s, &want);
    wat_expect_rpar(&s->c);
    ox_module *m;
    ox_error *err = load(s, &ms, &m);
    if (err) {
        fail(s, "module rejected before instantiation: %s", ox_error_message(err));
        ox_error_free(err);
        return;
    }
    ox_instance *inst = NULL;
    err = instantiate(s, m, &inst);
    ox_module_free(m);
    check_trap(s, err, (const char *)want.p, "module instantiated");
}

static void cmd_trap(script *s)
{
    if (wat_at_form(&s->c, "module")) {
        module_trap(s);
        return;
    }
    action a;
    read_action(s, &a);
    wat_buf want;
    string_arg(s, &want);
    wat_expect_rpar(&s->c);
    outcome o;
    if (!run_action(s, &a, &o)) {
        fail(s, "%s", o.harness);
        return;
    }
    check_trap(s, o.err, (const char *)want.p, "returned normally");
}

/* (assert_exception action): the call ends with an exception nothing
   caught (exception handling). */
static void cmd_exception(script *s)
{
    action a;
    read_action(s, &a);
    wat_expect_rpar(&s->c);
    outcome o;
    if (!run_action(s, &a, &o)) {
        fail(s, "%s", o.harness);
        return;
    }
    if (!o.err)
        fail(s, "returned normally, expected an uncaught exception");
    else if (ox_error_code(o.err) != OX_ERR_EXCEPTION)
        fail(s, "expected an uncaught exception, got: %s", ox_error_message(o.err));
    else
        pass(s);
    ox_error_free(o.err);
}

/* A result: a value or (either v...). */
typedef struct result {
    oxw_expect alt[8];
    unsigned nalt;
} result;

static void cmd_return(script *s)
{
    wat_ctx *c = &s->c;
    action a;
    read_action(s, &a);
    result *rs = wat_alloc(c, OXW_MAX_VALS * sizeof *rs);
    size_t nr = 0;
    while (wat_peek(c)->kind == WT_LPAR) {
        if (nr == OXW_MAX_VALS)
            wat_fail(c, NULL, "too many results");
        result *r = &rs[nr++];
        if (wat_at_form(c, "either")) {
            c->pos += 2;
            while (wat_peek(c)->kind == WT_LPAR && r->nalt < 8)
                oxw_parse_expect(c, &r->alt[r->nalt++]);
            wat_expect_rpar(c);
        } else {
            oxw_parse_expect(c, &r->alt[r->nalt++]);
        }
    }
    wat_expect_rpar(c);
    outcome o;
    if (!run_action(s, &a, &o)) {
        fail(s, "%s", o.harness);
        return;
    }
    if (o.err) {
        fail(s, "\"%.*s\" failed: %s", (int)a.field.n, (const char *)a.field.p,
             ox_error_message(o.err));
        ox_error_free(o.err);
        return;
    }
    if (nr != o.n) {
        fail(s, "%zu results, expected %zu", o.n, nr);
        return;
    }
    for (size_t i = 0; i < nr; i++) {
        bool ok = false;
        for (unsigned k = 0; k < rs[i].nalt && !ok; k++)
            /* a reference of any type matches a reference pattern: a null of
               any, or the identity the pattern names */
            ok = (rs[i].alt[k].val.type == o.vals[i].type ||
                  (ox_valtype_is_ref(rs[i].alt[k].val.type) && ox_valtype_is_ref(o.vals[i].type))) &&
                 oxw_match(&rs[i].alt[k], &o.vals[i]);
        if (!ok) {
            char g[160], w[160];
            oxw_format_val(&o.vals[i], g, sizeof g);
            oxw_format_expect(&rs[i].alt[0], w, sizeof w);
            fail(s, "\"%.*s\" result %zu: got %s, expected %s%s", (int)a.field.n,
                 (const char *)a.field.p, i, g, w, rs[i].nalt > 1 ? " (or another)" : "");
            return;
        }
    }
    pass(s);
}

static void cmd_action(script *s)
{
    s->c.pos -= 2; /* the action is the command */
    action a;
    read_action(s, &a);
    outcome o;
    if (!run_action(s, &a, &o)) {
        fail(s, "%s", o.harness);
    } else if (o.err) {
        fail(s, "failed: %s", ox_error_message(o.err));
        ox_error_free(o.err);
    } else {
        pass(s);
    }
}

/* assert_malformed, assert_invalid, assert_unlinkable: the module must be
   refused at the right stage (a malformed module must not come out as
   merely invalid). The message is the spec's, or ours when more precise;
   it is shown with --verbose. */
static void cmd_reject(script *s, ox_errcode want, const char *stage)
{
    modsrc ms;
    read_module(s, &ms);
    wat_buf text;
    string_arg(s, &text);
    wat_expect_rpar(&s->c);
    ox_module *m;
    ox_error *err = load(s, &ms, &m);
    if (!err && want == OX_ERR_LINK) {
        ox_instance *inst = NULL;
        err = instantiate(s, m, &inst);
    }
    ox_module_free(m);
    if (!err) {
        fail(s, "module was %s, expected %s (\"%s\")",
             want == OX_ERR_LINK ? "instantiated" : "accepted", stage, (const char *)text.p);
        return;
    }
    if (ox_error_code(err) != want)
        fail(s, "expected %s (\"%s\"), got: %s", stage, (const char *)text.p,
             ox_error_message(err));
    else
        pass(s);
    if (s->opt->verbose && s->out)
        fprintf(s->out, "%s:%u: %s: expected \"%s\", engine said \"%s\"\n", s->file, s->line,
                s->cmd, (const char *)text.p, ox_error_message(err));
    ox_error_free(err);
}

/* ---- The script ------------------------------------------------------------- */

static void command(script *s)
{
    wat_ctx *c = &s->c;
    wat_expect_lpar(c);
    const wat_token *kw = wat_next(c);
    if (wat_is_kw(c, kw, "module")) {
        c->pos -= 2;
        if (wat_is_kw(c, &c->toks[c->pos + 2], "instance")) {
            c->pos += 3;
            cmd_module_instance(s);
        } else {
            cmd_module(s);
        }
    } else if (wat_is_kw(c, kw, "register")) {
        cmd_register(s);
    } else if (wat_is_kw(c, kw, "invoke") || wat_is_kw(c, kw, "get")) {
        cmd_action(s);
    } else if (wat_is_kw(c, kw, "assert_return")) {
        cmd_return(s);
    } else if (wat_is_kw(c, kw, "assert_trap") || wat_is_kw(c, kw, "assert_exhaustion")) {
        cmd_trap(s);
    } else if (wat_is_kw(c, kw, "assert_uninstantiable")) {
        module_trap(s);
    } else if (wat_is_kw(c, kw, "assert_malformed")) {
        cmd_reject(s, OX_ERR_MALFORMED, "malformed");
    } else if (wat_is_kw(c, kw, "assert_invalid")) {
        cmd_reject(s, OX_ERR_INVALID, "invalid");
    } else if (wat_is_kw(c, kw, "assert_unlinkable")) {
        cmd_reject(s, OX_ERR_LINK, "unlinkable");
    } else if (wat_is_kw(c, kw, "assert_malformed_custom") ||
               wat_is_kw(c, kw, "assert_invalid_custom")) {
        /* custom annotations: the annotations proposal lets a reader
           ignore them, and this one does */
        s->counts->skipped++;
        c->pos -= 2;
        wat_skip_sexpr(c);
        return;
    } else if (wat_is_kw(c, kw, "assert_exception")) {
        cmd_exception(s);
    } else {
        char buf[64];
        fail(s, "unknown command %s", wat_tok_text(c, kw, buf, sizeof buf));
        c->pos -= 2;
        wat_skip_sexpr(c);
    }
}

/* Past the (...) at c->pos without failing; false at an unbalanced end. */
static bool skip_command(wat_ctx *c)
{
    size_t depth = 0;
    do {
        const wat_token *t = &c->toks[c->pos];
        if (t->kind == WT_EOF)
            return false;
        c->pos++;
        if (t->kind == WT_LPAR)
            depth++;
        else if (t->kind == WT_RPAR && depth)
            depth--;
    } while (depth);
    return true;
}

static bool is_field(const wat_ctx *c, const wat_token *t)
{
    static const char *fields[] = {"type", "import", "func", "table", "memory",
                                   "global", "export", "start", "elem", "data"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (wat_is_kw(c, t, fields[i]))
            return true;
    return false;
}

/* Whether the command at s->line is on the superseded list. */
static bool superseded(const script *s)
{
    const char *base = strrchr(s->file, '/');
    base = base ? base + 1 : s->file;
    char key[320];
    snprintf(key, sizeof key, "%s:%u", base, s->line);
    for (size_t i = 0; i < s->opt->nsuperseded; i++)
        if (!strcmp(s->opt->superseded[i], key))
            return true;
    return false;
}

static void run_commands(script *s)
{
    wat_ctx *c = &s->c;
    /* a script that is only module fields is one module */
    bool inline_module = wat_peek(c)->kind == WT_LPAR && is_field(c, wat_peek2(c));
    while (wat_peek(c)->kind != WT_EOF) {
        const wat_token *t = wat_peek(c);
        size_t start = c->pos, mark = c->nallocs;
        unsigned col;
        wat_linecol(c, t->off, &s->line, &col);
        snprintf(s->cmd, sizeof s->cmd, "%s", "command");
        if (t->kind == WT_LPAR && wat_peek2(c)->kind == WT_KEYWORD)
            snprintf(s->cmd, sizeof s->cmd, "%.*s", (int)wat_peek2(c)->len,
                     c->src + wat_peek2(c)->off);
        if (setjmp(c->fail)) {
            fail(s, "%s", ox_error_message(c->err));
            ox_error_free(c->err);
            c->err = NULL;
            c->pos = start;
            if (inline_module || !skip_command(c))
                break;
        } else if (inline_module) {
            snprintf(s->cmd, sizeof s->cmd, "module");
            modsrc ms = {.bin = {.slot = -1}};
            wat_module(c, true, &ms.bin);
            if (wat_peek(c)->kind != WT_EOF)
                wat_fail(c, NULL, "unexpected token after the module's fields");
            ox_module *m;
            ox_error *err = load(s, &ms, &m);
            ox_instance *inst = NULL;
            if (!err)
                err = instantiate(s, m, &inst);
            ox_module_free(m);
            if (err)
                fail(s, "%s", ox_error_message(err));
            else
                pass(s);
            ox_error_free(err);
        } else if (t->kind == WT_LPAR && superseded(s)) {
            s->counts->skipped++;
            if (s->opt->verbose && s->out)
                fprintf(s->out, "%s:%u: %s: skipped: superseded by a later version of the spec\n", s->file,
                        s->line, s->cmd);
            skip_command(c);
        } else {
            if (t->kind != WT_LPAR)
                wat_fail(c, t, "unexpected token, expected a command");
            command(s);
        }
        wat_release(c, mark);
    }
}

void oxw_run_text(const char *name, const char *text, size_t len, const oxw_options *opt,
                  FILE *out, oxw_counts *counts)
{
    script s = {.file = name, .opt = opt, .out = out, .counts = counts};
    snprintf(s.cmd, sizeof s.cmd, "script");
    ox_error *err = wat_lex(&s.c, text, len);
    if (err) {
        s.line = 0;
        fail(&s, "%s", ox_error_message(err));
        ox_error_free(err);
        wat_ctx_free(&s.c);
        return;
    }
    ox_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.disable_fusion = opt->no_fusion;
    cfg.tier = (ox_tier)opt->tier;
    if (opt->osr_test) {
        cfg.tier = OX_TIER_JIT;
        cfg.jit_osr_test = true;
    }
    if (!(err = ox_engine_new(&cfg, &s.engine)) && !(err = ox_store_new(s.engine, &s.store)) &&
        !(err = ox_linker_new(&s.linker)))
        err = oxw_define_spectest(s.linker, s.store, opt->verbose);
    if (err) {
        fail(&s, "cannot set up the engine: %s", ox_error_message(err));
        ox_error_free(err);
    } else {
        if (opt->timeout_ms)
            ox_store_set_timeout(s.store, opt->timeout_ms);
        run_commands(&s);
    }
    for (size_t i = 0; i < s.nnames; i++) {
        free((void *)s.names[i].id);
        ox_module_free(s.names[i].def);
    }
    free(s.names);
    if (s.linker)
        ox_linker_free(s.linker);
    if (s.store)
        ox_store_free(s.store);
    if (s.engine)
        ox_engine_free(s.engine);
    wat_ctx_free(&s.c);
}

void oxw_run_file(const char *path, const oxw_options *opt, FILE *out, oxw_counts *counts)
{
    uint8_t *buf;
    size_t len;
    ox_error *err = ox_read_file(path, &buf, &len);
    if (err) {
        counts->failed++;
        if (out)
            fprintf(out, "%s\n", ox_error_message(err));
        ox_error_free(err);
        return;
    }
    oxw_run_text(path, (const char *)buf, len, opt, out, counts);
    free(buf);
}
