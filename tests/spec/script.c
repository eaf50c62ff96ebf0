/*
 * script.c — run one wast2json command script against the engine.
 *
 * A script is a list of commands over one store: `module` instantiates (the
 * newest becomes "current"; a named one is also remembered by name),
 * `register` makes an instance's exports importable, and the assertions
 * invoke exports or load modules expecting a rejection. Each command counts
 * once as passed, failed, known failure or skipped.
 *
 * The engine may be unfinished, so nothing here trusts it: a module that
 * fails to load leaves "no current module" and every command that needs it
 * fails with a message naming the line of the failed module, instead of
 * touching a NULL instance.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "spectest.h"

typedef struct named {
    char *name;          /* "$M1" as wast2json writes it */
    ox_instance *inst;   /* NULL when that module failed to load */
    int line;
} named;

typedef struct script {
    const char *wast;
    char *dir; /* where the script's .wasm files are */
    const st_options *opt;
    st_counts *counts;

    ox_engine *engine;
    ox_store *store;
    ox_linker *linker;
    st_watchdog watchdog;

    ox_instance *current; /* NULL before the first module or after a failed one */
    int current_line;     /* line of the module that set `current` */
    named *names;
    size_t nnames, capnames;
} script;

/* ---- Outcomes ----------------------------------------------------------- */

static void pass(script *s, int line, const char *kind)
{
    s->counts->passed++;
    st_known_passed(s->opt->known, s->wast, line);
    if (s->opt->verbose)
        printf("%s:%d: %s: ok\n", s->wast, line, kind);
}

static void fail(script *s, int line, const char *kind, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void fail(script *s, int line, const char *kind, const char *fmt, ...)
{
    bool known = st_known_failing(s->opt->known, s->wast, line);
    if (known)
        s->counts->known++;
    else
        s->counts->failed++;
    if (known && !s->opt->verbose)
        return;
    printf("%s:%d: %s%s: ", s->wast, line, known ? "known failure: " : "FAIL ", kind);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* ---- Modules -------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len, char *why, size_t whylen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, whylen, "cannot open %s", path);
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        snprintf(why, whylen, "cannot read %s", path);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Decode+validate the command's "filename". On failure returns NULL with
   either *err set (the engine rejected it) or `why` filled (the harness
   could not even read it). */
static ox_module *load_module(script *s, json_t *cmd, ox_error **err, char *why, size_t whylen)
{
    *err = NULL;
    const char *file = json_string_value(json_object_get(cmd, "filename"));
    if (!file) {
        snprintf(why, whylen, "command has no \"filename\"");
        return NULL;
    }
    size_t plen = strlen(s->dir) + strlen(file) + 2;
    char *path = malloc(plen);
    if (!path) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    snprintf(path, plen, "%s/%s", s->dir, file);
    size_t len;
    char *bytes = read_file(path, &len, why, whylen);
    free(path);
    if (!bytes)
        return NULL;
    ox_module *m = NULL;
    *err = ox_module_new(s->engine, (const uint8_t *)bytes, len, &m);
    free(bytes);
    if (*err)
        return NULL;
    if (!m)
        snprintf(why, whylen, "ox_module_new returned no error and no module");
    return m;
}

/* Say why a call was interrupted: the engine only knows that it was. */
static void note_timeout(script *s, ox_error **err)
{
    ox_error *e = ox_error_new(OX_ERR_LIMIT, "timed out after %u s (the runner interrupted it): %s",
                               s->opt->command_timeout, ox_error_message(*err));
    ox_error_free(*err);
    *err = e;
}

/* Start functions run here, so they get the watchdog too. */
static ox_error *instantiate(script *s, ox_module *m, ox_instance **inst)
{
    st_watchdog_arm(&s->watchdog);
    ox_error *err = ox_linker_instantiate(s->linker, s->store, m, inst);
    if (st_watchdog_disarm(&s->watchdog) && err)
        note_timeout(s, &err);
    return err;
}

static void remember(script *s, const char *name, ox_instance *inst, int line)
{
    for (size_t i = 0; i < s->nnames; i++)
        if (!strcmp(s->names[i].name, name)) {
            s->names[i].inst = inst;
            s->names[i].line = line;
            return;
        }
    if (s->nnames == s->capnames) {
        size_t cap = s->capnames ? s->capnames * 2 : 8;
        named *v = realloc(s->names, cap * sizeof *v);
        if (!v)
            return; /* later lookups of this name fail cleanly as "unknown" */
        s->names = v;
        s->capnames = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return;
    s->names[s->nnames++] = (named){copy, inst, line};
}

/* The instance a command refers to, or NULL with `why` saying why. */
static ox_instance *lookup(script *s, const char *name, char *why, size_t whylen)
{
    if (!name) {
        if (!s->current)
            snprintf(why, whylen, s->current_line ? "no module: the module at line %d failed"
                                                  : "no module defined yet", s->current_line);
        return s->current;
    }
    for (size_t i = 0; i < s->nnames; i++)
        if (!strcmp(s->names[i].name, name)) {
            if (!s->names[i].inst)
                snprintf(why, whylen, "module %s (line %d) failed to load", name,
                         s->names[i].line);
            return s->names[i].inst;
        }
    snprintf(why, whylen, "no module named %s", name);
    return NULL;
}

static void cmd_module(script *s, json_t *cmd, int line)
{
    char why[512] = "";
    ox_error *err;
    ox_instance *inst = NULL;
    ox_module *m = load_module(s, cmd, &err, why, sizeof why);
    if (m) {
        err = instantiate(s, m, &inst);
        ox_module_free(m); /* the instance keeps its own reference */
        if (!err && !inst)
            snprintf(why, sizeof why, "ox_linker_instantiate returned no error and no instance");
    }
    s->current = err ? NULL : inst;
    s->current_line = line;
    const char *name = json_string_value(json_object_get(cmd, "name"));
    if (name)
        remember(s, name, s->current, line);
    if (err) {
        fail(s, line, "module", "%s", ox_error_message(err));
        ox_error_free(err);
    } else if (!s->current) {
        fail(s, line, "module", "%s", why);
    } else {
        pass(s, line, "module");
    }
}

static void cmd_register(script *s, json_t *cmd, int line)
{
    char why[512] = "";
    const char *as = json_string_value(json_object_get(cmd, "as"));
    ox_instance *inst = lookup(s, json_string_value(json_object_get(cmd, "name")), why,
                               sizeof why);
    if (!as) {
        fail(s, line, "register", "command has no \"as\"");
        return;
    }
    if (!inst) {
        fail(s, line, "register", "%s", why);
        return;
    }
    ox_error *err = ox_linker_define_instance(s->linker, as, inst);
    if (err) {
        fail(s, line, "register", "%s", ox_error_message(err));
        ox_error_free(err);
        return;
    }
    pass(s, line, "register");
}

/* ---- Actions -------------------------------------------------------------- */

typedef enum act_status {
    ACT_OK,      /* ran; results filled */
    ACT_ERROR,   /* the engine returned an error (a trap, usually) */
    ACT_HARNESS, /* could not even make the call; `why` says why */
} act_status;

typedef struct act_result {
    ox_val vals[ST_MAX_VALS];
    const ox_valtype *types; /* the function's result types; NULL for "get" */
    size_t n;
    ox_error *err;
} act_result;

static const char *action_field(json_t *action, size_t *len)
{
    json_t *f = json_object_get(action, "field");
    *len = json_string_length(f);
    return json_string_value(f);
}

static act_status run_action(script *s, json_t *action, act_result *r, char *why, size_t whylen)
{
    memset(r, 0, sizeof *r);
    const char *type = json_string_value(json_object_get(action, "type"));
    size_t flen;
    const char *field = action_field(action, &flen);
    if (!type || !field) {
        snprintf(why, whylen, "action without \"type\" or \"field\"");
        return ACT_HARNESS;
    }
    ox_instance *inst = lookup(s, json_string_value(json_object_get(action, "module")), why,
                               whylen);
    if (!inst)
        return ACT_HARNESS;
    ox_extern ext;
    if (!ox_instance_export_n(inst, field, flen, &ext)) {
        snprintf(why, whylen, "no export \"%s\"", field);
        return ACT_HARNESS;
    }

    if (!strcmp(type, "get")) {
        if (ext.kind != OX_EXTERN_GLOBAL || !ext.of.global) {
            snprintf(why, whylen, "export \"%s\" is a %s, not a global", field,
                     ox_extern_kind_name(ext.kind));
            return ACT_HARNESS;
        }
        r->vals[0] = ox_global_get(ext.of.global);
        r->n = 1;
        return ACT_OK;
    }
    if (strcmp(type, "invoke")) {
        snprintf(why, whylen, "unknown action type \"%s\"", type);
        return ACT_HARNESS;
    }
    if (ext.kind != OX_EXTERN_FUNC || !ext.of.func) {
        snprintf(why, whylen, "export \"%s\" is a %s, not a function", field,
                 ox_extern_kind_name(ext.kind));
        return ACT_HARNESS;
    }
    json_t *jargs = json_object_get(action, "args");
    size_t nargs = json_array_size(jargs);
    ox_val args[ST_MAX_VALS];
    if (nargs > ST_MAX_VALS) {
        snprintf(why, whylen, "%zu arguments: the runner takes at most %d", nargs, ST_MAX_VALS);
        return ACT_HARNESS;
    }
    for (size_t i = 0; i < nargs; i++)
        if (!st_parse_arg(json_array_get(jargs, i), &args[i], why, whylen))
            return ACT_HARNESS;
    const ox_functype *ft = ox_func_type(ext.of.func);
    if (!ft || ft->nresults > ST_MAX_VALS) {
        snprintf(why, whylen, "export \"%s\" has no type or too many results", field);
        return ACT_HARNESS;
    }
    r->n = ft->nresults;
    r->types = ft->results;
    for (size_t i = 0; i < r->n; i++)
        r->vals[i].type = ft->results[i];
    st_watchdog_arm(&s->watchdog);
    r->err = ox_func_call(ext.of.func, args, nargs, r->vals, r->n);
    if (st_watchdog_disarm(&s->watchdog) && r->err)
        note_timeout(s, &r->err);
    return r->err ? ACT_ERROR : ACT_OK;
}

/* Does the engine's trap agree with the script's text? The suite sometimes
   appends detail ("uninitialized element 2"), so either being a prefix of
   the other counts, as in other runners. */
static bool trap_text_matches(const char *got, const char *want)
{
    size_t g = strlen(got), w = strlen(want);
    if (!g)
        return false;
    return !strncmp(got, want, g < w ? g : w);
}

/* "action", "assert_return", "assert_trap", "assert_exhaustion". */
static void cmd_action(script *s, json_t *cmd, int line, const char *kind)
{
    char why[512] = "";
    act_result r;
    act_status st = run_action(s, json_object_get(cmd, "action"), &r, why, sizeof why);
    size_t flen;
    const char *field = action_field(json_object_get(cmd, "action"), &flen);
    if (st == ACT_HARNESS) {
        fail(s, line, kind, "%s", why);
        return;
    }

    bool want_trap = !strcmp(kind, "assert_trap") || !strcmp(kind, "assert_exhaustion");
    if (want_trap) {
        const char *text = json_string_value(json_object_get(cmd, "text"));
        if (st == ACT_OK) {
            fail(s, line, kind, "\"%s\" returned normally, expected trap \"%s\"", field,
                 text ? text : "?");
        } else if (ox_error_code(r.err) != OX_ERR_TRAP) {
            fail(s, line, kind, "\"%s\" failed without a trap: %s (expected trap \"%s\")",
                 field, ox_error_message(r.err), text ? text : "?");
        } else {
            const char *got = ox_trap_message(ox_error_trap(r.err));
            if (!got)
                got = "";
            if (text && !trap_text_matches(got, text))
                fail(s, line, kind, "\"%s\" trapped with \"%s\", expected \"%s\" (%s)", field,
                     got, text, ox_error_message(r.err));
            else
                pass(s, line, kind);
        }
        ox_error_free(r.err);
        return;
    }

    if (st == ACT_ERROR) {
        fail(s, line, kind, "\"%s\" failed: %s", field, ox_error_message(r.err));
        ox_error_free(r.err);
        return;
    }
    if (!strcmp(kind, "action")) {
        pass(s, line, kind);
        return;
    }

    json_t *jexp = json_object_get(cmd, "expected");
    size_t nexp = json_array_size(jexp);
    if (nexp != r.n) {
        fail(s, line, kind, "\"%s\" gave %zu results, expected %zu", field, r.n, nexp);
        return;
    }
    for (size_t i = 0; i < nexp; i++) {
        st_expect e;
        if (!st_parse_expect(json_array_get(jexp, i), &e, why, sizeof why)) {
            fail(s, line, kind, "expected value %zu: %s", i, why);
            return;
        }
        ox_valtype have = r.types ? r.types[i] : r.vals[i].type;
        if (have != e.val.type) {
            fail(s, line, kind, "\"%s\" result %zu is %s, expected %s", field, i,
                 ox_valtype_name(have), ox_valtype_name(e.val.type));
            return;
        }
        if (!st_match(&e, &r.vals[i])) {
            char g[256], w[256];
            r.vals[i].type = have; /* format by the declared type */
            st_format_val(&r.vals[i], g, sizeof g);
            st_format_expect(&e, w, sizeof w);
            fail(s, line, kind, "\"%s\" result %zu: got %s, expected %s", field, i, g, w);
            return;
        }
    }
    pass(s, line, kind);
}

/* ---- Module assertions -------------------------------------------------- */

/* Does a rejection message say what the script expects? The engine's
   message carries a prefix ("invalid module at byte 0x1f: ...") and the
   script sometimes extra detail ("unknown data segment 1"), so it matches
   when it contains the text or when the text starts with what follows one
   of the message's ": " separators. */
static bool reject_text_matches(const char *msg, const char *text)
{
    if (strstr(msg, text))
        return true;
    for (const char *p = msg;;) {
        if (*p && !strncmp(text, p, strlen(p)))
            return true;
        const char *sep = strstr(p, ": ");
        if (!sep)
            return false;
        p = sep + 2;
    }
}

/* assert_invalid / assert_malformed / assert_unlinkable: any rejection
   passes; a different message (or error kind) is information only. */
static void cmd_reject(script *s, json_t *cmd, int line, const char *kind)
{
    const char *mtype = json_string_value(json_object_get(cmd, "module_type"));
    if (mtype && !strcmp(mtype, "text")) {
        s->counts->skipped_text++;
        if (s->opt->verbose)
            printf("%s:%d: %s: skipped (text module)\n", s->wast, line, kind);
        return;
    }
    const char *text = json_string_value(json_object_get(cmd, "text"));
    if (!text)
        text = "";
    char why[512] = "";
    ox_error *err;
    ox_module *m = load_module(s, cmd, &err, why, sizeof why);
    if (!m && !err) {
        fail(s, line, kind, "%s", why);
        return;
    }
    bool link = !strcmp(kind, "assert_unlinkable");
    ox_errcode want = link ? OX_ERR_LINK
                           : !strcmp(kind, "assert_invalid") ? OX_ERR_INVALID : OX_ERR_MALFORMED;
    if (m) {
        ox_instance *inst = NULL;
        if (link)
            err = instantiate(s, m, &inst);
        ox_module_free(m);
        if (!err) {
            fail(s, line, kind, "module was %s, expected \"%s\"",
                 link ? "instantiated" : "accepted", text);
            return;
        }
    }
    const char *msg = ox_error_message(err);
    if (ox_error_code(err) != want || !reject_text_matches(msg ? msg : "", text)) {
        s->counts->msg_differs++;
        if (s->opt->verbose)
            printf("%s:%d: %s: message differs: expected \"%s\", engine said \"%s\"\n",
                   s->wast, line, kind, text, msg ? msg : "");
    }
    ox_error_free(err);
    pass(s, line, kind);
}

/* assert_uninstantiable (and assert_trap on a module): the module is valid
   and links, but instantiation traps (start function or segment init). */
static void cmd_uninstantiable(script *s, json_t *cmd, int line, const char *kind)
{
    const char *text = json_string_value(json_object_get(cmd, "text"));
    if (!text)
        text = "";
    char why[512] = "";
    ox_error *err;
    ox_module *m = load_module(s, cmd, &err, why, sizeof why);
    if (!m) {
        if (err) {
            fail(s, line, kind, "module rejected before instantiation: %s",
                 ox_error_message(err));
            ox_error_free(err);
        } else {
            fail(s, line, kind, "%s", why);
        }
        return;
    }
    ox_instance *inst = NULL;
    err = instantiate(s, m, &inst);
    ox_module_free(m);
    if (!err) {
        fail(s, line, kind, "module instantiated, expected trap \"%s\"", text);
        return;
    }
    const char *got = ox_trap_message(ox_error_trap(err));
    if (ox_error_code(err) != OX_ERR_TRAP)
        fail(s, line, kind, "instantiation failed without a trap: %s (expected \"%s\")",
             ox_error_message(err), text);
    else if (!trap_text_matches(got ? got : "", text))
        fail(s, line, kind, "trapped with \"%s\", expected \"%s\"", got ? got : "", text);
    else
        pass(s, line, kind);
    ox_error_free(err);
}

/* ---- The script --------------------------------------------------------- */

static void run_command(script *s, json_t *cmd)
{
    const char *type = json_string_value(json_object_get(cmd, "type"));
    int line = (int)json_integer_value(json_object_get(cmd, "line"));
    if (!type) {
        fail(s, line, "command", "no \"type\"");
    } else if (!strcmp(type, "module")) {
        cmd_module(s, cmd, line);
    } else if (!strcmp(type, "register")) {
        cmd_register(s, cmd, line);
    } else if (!strcmp(type, "action") || !strcmp(type, "assert_return") ||
               !strcmp(type, "assert_exhaustion")) {
        cmd_action(s, cmd, line, type);
    } else if (!strcmp(type, "assert_trap")) {
        if (json_object_get(cmd, "action"))
            cmd_action(s, cmd, line, type);
        else
            cmd_uninstantiable(s, cmd, line, type);
    } else if (!strcmp(type, "assert_invalid") || !strcmp(type, "assert_malformed") ||
               !strcmp(type, "assert_unlinkable")) {
        cmd_reject(s, cmd, line, type);
    } else if (!strcmp(type, "assert_uninstantiable")) {
        cmd_uninstantiable(s, cmd, line, type);
    } else {
        fail(s, line, type, "unknown command type");
    }
}

static ox_error *setup(script *s)
{
    ox_error *err;
    ox_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.disable_fusion = s->opt->no_fusion;
    if ((err = ox_engine_new(&cfg, &s->engine)))
        return err;
    if ((err = ox_store_new(s->engine, &s->store)))
        return err;
    if ((err = ox_linker_new(&s->linker)))
        return err;
    if (!st_watchdog_start(&s->watchdog, s->store, s->opt->command_timeout))
        return ox_error_new(OX_ERR_NOMEM, "cannot start the watchdog thread");
    return st_define_spectest(s->linker, s->store, s->opt->verbose);
}

bool st_run_script(const char *json_path, const char *wast_name, const st_options *opt,
                   st_counts *counts)
{
    json_error_t jerr;
    json_t *root = json_load_file(json_path, JSON_ALLOW_NUL, &jerr);
    json_t *cmds = json_object_get(root, "commands");
    if (!root || !json_is_array(cmds)) {
        if (!root)
            printf("%s: cannot read %s: %s (line %d)\n", wast_name, json_path, jerr.text,
                   jerr.line);
        else
            printf("%s: %s has no \"commands\" list\n", wast_name, json_path);
        json_decref(root);
        return false;
    }

    script s = {.wast = wast_name, .opt = opt, .counts = counts};
    const char *slash = strrchr(json_path, '/');
    s.dir = slash ? strndup(json_path, (size_t)(slash - json_path)) : strdup(".");
    bool ok = s.dir != NULL;
    ox_error *err = ok ? setup(&s) : NULL;
    if (!ok || err) {
        printf("%s: cannot set up the engine: %s\n", wast_name,
               err ? ox_error_message(err) : "out of memory");
        ox_error_free(err);
        ok = false;
    } else {
        for (size_t i = 0; i < json_array_size(cmds); i++)
            run_command(&s, json_array_get(cmds, i));
    }

    st_watchdog_stop(&s.watchdog);
    for (size_t i = 0; i < s.nnames; i++)
        free(s.names[i].name);
    free(s.names);
    if (s.linker)
        ox_linker_free(s.linker);
    if (s.store)
        ox_store_free(s.store);
    if (s.engine)
        ox_engine_free(s.engine);
    free(s.dir);
    json_decref(root);
    return ok;
}
