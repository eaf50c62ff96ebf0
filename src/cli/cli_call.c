/*
 * cli_call.c — calling an export from the command line (invoke, call,
 * run --invoke) and the exit statuses of every command (cli_call.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_call.h"
#include "cli_util.h"

int cli_exit_status(const ox_error *e)
{
    if (!e)
        return CLI_EXIT_OK;
    switch (ox_error_code(e)) {
    case OX_ERR_EXIT:
        return ox_error_exit_status(e);
    case OX_ERR_TRAP:
        switch (ox_error_trap(e)) {
        case OX_TRAP_FUEL_EXHAUSTED:
        case OX_TRAP_DEADLINE:
        case OX_TRAP_STACK_EXHAUSTED:
        case OX_TRAP_GC_HEAP:
            return CLI_EXIT_LIMIT;
        case OX_TRAP_INTERRUPTED:
            return CLI_EXIT_INTERRUPTED;
        default:
            return CLI_EXIT_TRAP;
        }
    case OX_ERR_EXCEPTION: /* the guest ended as by a trap */
        return CLI_EXIT_TRAP;
    case OX_ERR_LIMIT:
        return CLI_EXIT_LIMIT;
    case OX_ERR_ARG:
    case OX_ERR_NOTFOUND:
        return CLI_EXIT_USAGE;
    default: /* malformed, invalid, link, I/O, out of memory */
        return CLI_EXIT_LOAD;
    }
}

int cli_fail(const char *cmd, const char *what, ox_error *e)
{
    if (ox_error_code(e) == OX_ERR_EXIT) { /* the guest's own status: nothing to say */
        int status = ox_error_exit_status(e);
        ox_error_free(e);
        return status;
    }
    const char *msg = ox_error_message(e), *fn = ox_error_function(e);
    /* a text error already starts "FILE:LINE:COL:" */
    size_t wl = what ? strlen(what) : 0;
    if (what && !strncmp(msg, what, wl) && msg[wl] == ':')
        what = NULL;
    fprintf(stderr, "oxide %s: %s%s%s", cmd, what ? what : "", what ? ": " : "", msg);
    if (ox_error_code(e) == OX_ERR_TRAP && fn && !strstr(msg, fn))
        fprintf(stderr, " (in function %s)", fn);
    const ox_tag *tag = ox_error_exception_tag(e);
    ox_val vals[16];
    if (tag && ox_tag_type(tag)->nparams <= 16 && ox_tag_type(tag)->nparams &&
        !ox_error_exception_values(e, vals, ox_tag_type(tag)->nparams)) {
        /* an uncaught exception's values, as results print */
        fputs(" with", stderr);
        for (uint32_t i = 0; i < ox_tag_type(tag)->nparams; i++) {
            char buf[128];
            cli_format_val(&vals[i], buf, sizeof buf);
            fprintf(stderr, " %s", buf);
        }
    }
    fputc('\n', stderr);
    int status = cli_exit_status(e);
    ox_error_free(e);
    return status;
}

/* FUNC among the exports; otherwise say what there is. */
static ox_func *find_func(const char *cmd, const ox_instance *inst, const char *fname)
{
    ox_extern ext;
    if (ox_instance_export(inst, fname, &ext) && ext.kind == OX_EXTERN_FUNC)
        return ext.of.func;
    if (ox_instance_export(inst, fname, &ext)) {
        fprintf(stderr, "oxide %s: export \"%s\" is a %s, not a function\n", cmd, fname,
                ox_extern_kind_name(ext.kind));
        return NULL;
    }
    fprintf(stderr, "oxide %s: no export named \"%s\"", cmd, fname);
    size_t shown = 0;
    for (size_t i = 0; i < ox_instance_export_count(inst); i++) {
        const char *name;
        size_t len;
        char ename[256];
        ox_instance_export_at(inst, i, &name, &len, &ext);
        if (ext.kind != OX_EXTERN_FUNC)
            continue;
        cli_format_name(name, len, ename, sizeof ename);
        fprintf(stderr, "%s\"%s\"", shown++ ? ", " : "; exported functions: ", ename);
    }
    fprintf(stderr, "%s\n", shown ? "" : "; it exports no functions");
    return NULL;
}

int cli_call(const char *cmd, ox_instance *inst, const char *fname, int nargs, char **args)
{
    ox_func *f = find_func(cmd, inst, fname);
    if (!f)
        return CLI_EXIT_USAGE;
    const ox_functype *t = ox_func_type(f);
    if ((uint32_t)nargs != t->nparams) {
        char type[512];
        cli_format_functype(t, type, sizeof type);
        fprintf(stderr, "oxide %s: %s has type %s: it takes %u argument%s, %d given\n", cmd,
                fname, type, t->nparams, t->nparams == 1 ? "" : "s", nargs);
        return CLI_EXIT_USAGE;
    }
    ox_val *vals = calloc(t->nparams + 1, sizeof *vals);
    ox_val *results = calloc(t->nresults + 1, sizeof *results);
    int status = CLI_EXIT_LOAD;
    if (!vals || !results) {
        fprintf(stderr, "oxide %s: out of memory\n", cmd);
        goto out;
    }
    for (uint32_t a = 0; a < t->nparams; a++) {
        ox_error *e = cli_parse_val(args[a], t->params[a], &vals[a]);
        if (e) {
            char what[128];
            snprintf(what, sizeof what, "argument %u of %s", a + 1, fname);
            fprintf(stderr, "oxide %s: %s: %s\n", cmd, what, ox_error_message(e));
            ox_error_free(e);
            status = CLI_EXIT_USAGE;
            goto out;
        }
    }
    for (uint32_t r = 0; r < t->nresults; r++)
        results[r].type = t->results[r];
    ox_error *e = ox_func_call(f, vals, t->nparams, results, t->nresults);
    if (e) {
        status = cli_fail(cmd, fname, e);
        goto out;
    }
    for (uint32_t r = 0; r < t->nresults; r++) {
        char buf[128];
        results[r].type = t->results[r]; /* print by the declared type */
        cli_format_val(&results[r], buf, sizeof buf);
        printf("%s\n", buf);
    }
    fflush(stdout);
    status = CLI_EXIT_OK;
out:
    free(vals);
    free(results);
    return status;
}

int cli_instantiate(const char *cmd, const char *path, ox_store *store, ox_module *m,
                    ox_instance **out)
{
    *out = NULL;
    size_t n = ox_module_import_count(m);
    if (n) {
        fprintf(stderr, "oxide %s: %s: cannot instantiate: %zu unresolved import%s "
                "(%s provides none):\n", cmd, path, n, n == 1 ? "" : "s", cmd);
        for (size_t i = 0; i < n; i++) {
            const char *mod, *name;
            ox_externtype t;
            char type[1024], emod[256], ename[256];
            ox_module_import(m, i, &mod, &name, &t);
            cli_format_externtype(&t, type, sizeof type);
            cli_format_name(mod, strlen(mod), emod, sizeof emod);
            cli_format_name(name, strlen(name), ename, sizeof ename);
            fprintf(stderr, "  import %s.%s: %s\n", emod, ename, type);
        }
        return CLI_EXIT_LOAD;
    }
    ox_error *e = ox_instance_new(store, m, NULL, 0, out);
    if (e) {
        char what[1024];
        snprintf(what, sizeof what, "%s: instantiation failed", path);
        return cli_fail(cmd, what, e);
    }
    return CLI_EXIT_OK;
}
