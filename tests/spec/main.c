/*
 * main.c — ox_spectest: run the WebAssembly spec suite against Oxide.
 *
 *   ox_spectest [OPTIONS] NAME.wast...   run these files of the testsuite
 *   ox_spectest [OPTIONS] --file X.json  run a script wast2json already made
 *   ox_spectest [OPTIONS] --all [DIR]    every top-level .wast, grand total
 *   ox_spectest [OPTIONS] --core         every non-SIMD top-level .wast
 *   ox_spectest [OPTIONS] --simd         every simd_*.wast, report only
 *
 * Each .wast is converted at run time with wast2json into a private temp
 * directory, so the suite's location can change between build and test
 * (OX_TESTSUITE). Each file runs in a child process: an engine that crashes
 * or hangs on one file costs that file, not the whole run, and the report
 * says which file and how it died.
 *
 * Exit status: 0 all passed (or --report-only), 1 failures, 2 usage,
 * 77 testsuite not found (ctest's SKIP_RETURN_CODE).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spectest.h"

#ifndef OX_TESTSUITE_DEFAULT
#define OX_TESTSUITE_DEFAULT "../shared/wasm-testsuite"
#endif
#ifndef OX_WAST2JSON
#define OX_WAST2JSON "wast2json"
#endif
#ifndef OX_KNOWN_FAILURES_DEFAULT
#define OX_KNOWN_FAILURES_DEFAULT ""
#endif

#define EXIT_SKIP 77

typedef struct cli {
    const char *suite;   /* testsuite directory */
    const char *known_path;
    const char *wast2json;
    const char *flags[16]; /* extra wast2json arguments, e.g. --enable-tail-call */
    int nflags;
    unsigned timeout;    /* seconds per file; 0 = none */
    bool report_only;
    st_options opt;
} cli;

void st_counts_add(st_counts *into, const st_counts *c)
{
    into->passed += c->passed;
    into->failed += c->failed;
    into->known += c->known;
    into->skipped_text += c->skipped_text;
    into->msg_differs += c->msg_differs;
}

static void print_counts(const char *what, const st_counts *c)
{
    printf("%s: %u passed, %u failed, %u known failures, %u skipped (text), "
           "%u message differs\n", what, c->passed, c->failed, c->known, c->skipped_text,
           c->msg_differs);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ox_spectest [OPTIONS] NAME.wast...\n"
            "       ox_spectest [OPTIONS] --file SCRIPT.json\n"
            "       ox_spectest [OPTIONS] --all [DIR]\n"
            "       ox_spectest [OPTIONS] --core\n"
            "       ox_spectest [OPTIONS] --simd\n"
            "\n"
            "Runs WebAssembly spec-test scripts against the Oxide engine. NAME.wast is\n"
            "looked up in the testsuite directory and converted with wast2json.\n"
            "\n"
            "options:\n"
            "  --testsuite DIR        testsuite directory (default: $OX_TESTSUITE, else\n"
            "                         %s)\n"
            "  --known-failures FILE  'FILE.wast:LINE reason' lines that may fail\n"
            "  --wast2json PATH       the converter (default %s)\n"
            "  --wast2json-flag FLAG  pass FLAG to wast2json (repeatable), e.g.\n"
            "                         --enable-tail-call for proposals/tail-call\n"
            "  --timeout SECONDS      per file: the child is killed (default 120, 0 = none)\n"
            "  --command-timeout SEC  per engine call: the store is interrupted and the\n"
            "                         command fails (default 10, 0 = none)\n"
            "  --report-only          exit 0 even when commands fail\n"
            "  --no-fusion            compile without superinstructions (plain ops only)\n"
            "  --verbose              print every command, engine messages, print* calls\n"
            "\n"
            "exit: 0 passed, 1 failed, 2 usage, 77 testsuite not found (skip)\n",
            OX_TESTSUITE_DEFAULT, OX_WAST2JSON);
}

/* ---- Temp directories and wast2json --------------------------------------- */

static char *make_tempdir(void)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    size_t n = strlen(tmp) + 32;
    char *dir = malloc(n);
    if (!dir)
        return NULL;
    snprintf(dir, n, "%s/ox-spectest-XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    return dir;
}

/* wast2json writes only plain files into the directory. */
static void remove_tempdir(char *dir)
{
    if (!dir)
        return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

/* Run wast2json WAST -o OUT, its messages into LOG. */
static bool convert(const cli *c, const char *wast, const char *out, const char *log)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        char *args[16 + 5];
        int n = 0;
        args[n++] = (char *)c->wast2json;
        for (int i = 0; i < c->nflags; i++)
            args[n++] = (char *)c->flags[i];
        args[n++] = (char *)wast;
        args[n++] = "-o";
        args[n++] = (char *)out;
        args[n] = NULL;
        execvp(c->wast2json, args);
        fprintf(stderr, "cannot run %s: %s\n", c->wast2json, strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void print_file(const char *path, const char *prefix)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f))
        printf("%s%s", prefix, line);
    fclose(f);
}

/* ---- One file ----------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The name a file goes by in messages and in known-failures.txt: the
   .wast it came from (a --file script x.json is named x.wast). */
static void script_name(const char *wast_path, const char *json, char *name, size_t len)
{
    snprintf(name, len, "%s", base_name(json ? json : wast_path));
    char *dot = strrchr(name, '.');
    if (json && dot && !strcmp(dot, ".json") && (size_t)(dot - name) + 6 <= len)
        strcpy(dot, ".wast");
}

/* In the child: convert (unless `json` is given) and run one file. Returns
   false when the file could not be run at all. */
static bool run_one(const cli *c, const char *wast_path, const char *json, const char *name,
                    st_counts *counts)
{
    if (json)
        return st_run_script(json, name, &c->opt, counts);
    char *dir = make_tempdir();
    if (!dir) {
        printf("%s: cannot make a temp directory: %s\n", name, strerror(errno));
        return false;
    }
    char out[4096], log[4096];
    snprintf(out, sizeof out, "%s/script.json", dir);
    snprintf(log, sizeof log, "%s/wast2json.log", dir);
    bool ok = convert(c, wast_path, out, log);
    if (!ok) {
        printf("%s: wast2json failed:\n", name);
        print_file(log, "  ");
    } else {
        ok = st_run_script(out, name, &c->opt, counts);
    }
    remove_tempdir(dir);
    return ok;
}

/* Run one file in a child; its counts come back through a pipe. A child
   that dies (crash, timeout) counts as one failure of that file. */
static bool run_isolated(const cli *c, const char *wast_path, const char *json,
                         st_counts *counts)
{
    char name[256];
    script_name(wast_path, json, name, sizeof name);
    int fds[2];
    if (pipe(fds) < 0) {
        printf("%s: pipe: %s\n", name, strerror(errno));
        return false;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        printf("%s: fork: %s\n", name, strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        close(fds[0]);
        /* Line-buffered: what was printed survives a crash or the alarm. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (c->timeout)
            alarm(c->timeout); /* SIGALRM's default action ends a hung engine */
        st_counts mine = {0};
        bool ok = run_one(c, wast_path, json, name, &mine);
        if (ok) /* notes only: a stale entry does not fail the test */
            st_known_report_stale(c->opt.known, name, stdout);
        else /* the file could not be run at all: that counts too */
            mine.failed++;
        print_counts(name, &mine);
        fflush(stdout);
        if (write(fds[1], &mine, sizeof mine) != (ssize_t)sizeof mine)
            _exit(3);
        /* exit, not _exit: LeakSanitizer checks at exit in sanitizer builds. */
        st_known_free(c->opt.known);
        exit(ok ? 0 : 4);
    }
    close(fds[1]);
    st_counts got;
    ssize_t n;
    while ((n = read(fds[0], &got, sizeof got)) < 0 && errno == EINTR)
        ;
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (n != (ssize_t)sizeof got) {
        if (WIFSIGNALED(status))
            printf("%s: FAIL: the runner died of signal %d (%s)%s\n", name, WTERMSIG(status),
                   strsignal(WTERMSIG(status)),
                   WTERMSIG(status) == SIGALRM ? ": timed out" : "");
        else
            printf("%s: FAIL: the runner exited with status %d\n", name,
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        counts->failed++;
        return false;
    }
    st_counts_add(counts, &got);
    if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 4))
        return WEXITSTATUS(status) == 0;
    /* The script ran, but the child ended badly afterwards: a sanitizer
       report (leaks, usually; see stderr) or a crash while cleaning up. */
    if (WIFSIGNALED(status))
        printf("%s: FAIL: the runner died of signal %d after the script\n", name,
               WTERMSIG(status));
    else
        printf("%s: FAIL: the runner exited with status %d after the script (sanitizer "
               "report on stderr?)\n", name, WEXITSTATUS(status));
    counts->failed++;
    return false;
}

/* ---- File lists ----------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef enum which { ALL_FILES, SIMD_FILES, CORE_FILES } which;

/* The top-level .wast files of `dir` (sorted): all, only simd_*.wast, or
   all but those. */
static char **list_wast(const char *dir, which w, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t n = 0, cap = 0;
    char **v = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".wast"))
            continue;
        bool is_simd = strstr(e->d_name, "simd") != NULL;
        if ((w == SIMD_FILES && !is_simd) || (w == CORE_FILES && is_simd))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            char **nv = realloc(v, cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        if (!(v[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    *count = n;
    return v ? v : calloc(1, sizeof *v);
}

static bool is_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d)
        closedir(d);
    return d != NULL;
}

/* ---- Main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
    cli c = {.wast2json = OX_WAST2JSON, .timeout = 120, .known_path = OX_KNOWN_FAILURES_DEFAULT,
             .opt.command_timeout = 10};
    const char *env = getenv("OX_TESTSUITE");
    c.suite = env && *env ? env : OX_TESTSUITE_DEFAULT;
    const char *json = NULL;
    bool all = false, simd = false, core = false;
    char **files = argv + 1;
    size_t nfiles = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            c.opt.verbose = true;
        } else if (!strcmp(a, "--report-only")) {
            c.report_only = true;
        } else if (!strcmp(a, "--no-fusion")) {
            c.opt.no_fusion = true;
        } else if (!strcmp(a, "--simd")) {
            simd = true;
        } else if (!strcmp(a, "--core")) {
            core = true;
        } else if (!strcmp(a, "--all")) {
            all = true;
            if (has_next && strncmp(argv[i + 1], "--", 2))
                c.suite = argv[++i];
        } else if (has_next && !strcmp(a, "--testsuite")) {
            c.suite = argv[++i];
        } else if (has_next && !strcmp(a, "--known-failures")) {
            c.known_path = argv[++i];
        } else if (has_next && !strcmp(a, "--wast2json")) {
            c.wast2json = argv[++i];
        } else if (has_next && !strcmp(a, "--wast2json-flag")) {
            if (c.nflags == (int)(sizeof c.flags / sizeof c.flags[0])) {
                fprintf(stderr, "ox_spectest: too many --wast2json-flag options\n");
                return 2;
            }
            c.flags[c.nflags++] = argv[++i];
        } else if (has_next && !strcmp(a, "--file")) {
            json = argv[++i];
        } else if (has_next && (!strcmp(a, "--timeout") || !strcmp(a, "--command-timeout"))) {
            char *end;
            long t = strtol(argv[++i], &end, 10);
            if (!*argv[i] || *end || t < 0 || t > 86400) {
                fprintf(stderr, "ox_spectest: bad %s '%s' (seconds, 0..86400)\n", a, argv[i]);
                return 2;
            }
            if (!strcmp(a, "--timeout"))
                c.timeout = (unsigned)t;
            else
                c.opt.command_timeout = (unsigned)t;
        } else if (a[0] == '-') {
            fprintf(stderr, "ox_spectest: unknown or incomplete option '%s'\n\n", a);
            usage(stderr);
            return 2;
        } else {
            files[nfiles++] = argv[i]; /* compacts in place; never overtakes i */
        }
    }
    if ((json != NULL) + all + simd + core + (nfiles > 0) != 1) {
        fprintf(stderr, "ox_spectest: give exactly one of NAME.wast..., --file, --all, --simd, "
                        "--core\n\n");
        usage(stderr);
        return 2;
    }

    char why[512] = "";
    if (c.known_path && *c.known_path && !(c.opt.known = st_known_load(c.known_path, why,
                                                                        sizeof why))) {
        fprintf(stderr, "ox_spectest: known-failures list: %s\n", why);
        return 2;
    }

    if (!json && !is_dir(c.suite)) {
        printf("skipped: testsuite not found at %s (set OX_TESTSUITE or --testsuite)\n",
               c.suite);
        st_known_free(c.opt.known);
        return EXIT_SKIP;
    }

    st_counts total = {0};
    bool ok = true;
    char **owned = NULL;
    if (all || simd || core) {
        owned = list_wast(c.suite, all ? ALL_FILES : simd ? SIMD_FILES : CORE_FILES, &nfiles);
        if (!owned) {
            printf("%s: cannot list: %s\n", c.suite, strerror(errno));
            st_known_free(c.opt.known);
            return 1;
        }
        files = owned;
    }
    if (json) {
        ok = run_isolated(&c, NULL, json, &total);
    } else {
        for (size_t i = 0; i < nfiles; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", c.suite, files[i]);
            if (access(path, R_OK) != 0) {
                printf("skipped: %s not found in the testsuite at %s\n", files[i], c.suite);
                if (nfiles == 1) {
                    st_known_free(c.opt.known);
                    return EXIT_SKIP;
                }
                ok = false;
                continue;
            }
            if (!run_isolated(&c, path, NULL, &total))
                ok = false;
        }
    }
    if (nfiles > 1 || all || simd || core)
        print_counts("TOTAL", &total);

    for (size_t i = 0; owned && i < nfiles; i++)
        free(owned[i]);
    free(owned);
    st_known_free(c.opt.known);
    if (c.report_only)
        return 0;
    return ok && total.failed == 0 ? 0 : 1;
}
