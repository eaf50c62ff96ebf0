/* test_wasi_api.c — the WASI embedding API (oxide/wasi.h) and the sandbox
   resolver under a symlink-swapping race.
   argv[1]: wasi_args_env.wasm (prints its args and OXT_* variables, exits
   with $OXT_EXIT). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oxide/wasi.h"
#include "oxide/wasm.h"
#include "wasi_internal.h" /* wasi_resolve, for the race test */

static int failures;
#define CHECK(c)                                                                      \
    do {                                                                              \
        if (!(c)) {                                                                   \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);              \
            failures++;                                                               \
        }                                                                             \
    } while (0)

static char tmpdir[] = "/tmp/oxwasiXXXXXX";

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    return buf;
}

/* Run the module's _start with a context built from the arguments; stdout
   goes to `out_path`. Returns the exit status (0 on return), -1 on error. */
static int run_in_new_store(ox_engine *eng, ox_module *mod, ox_wasi *w)
{
    ox_store *s = NULL;
    ox_linker *l = NULL;
    ox_instance *inst = NULL;
    int status = -1;
    ox_error *e = ox_store_new(eng, &s);
    if (!e)
        e = ox_linker_new(&l);
    if (!e)
        e = ox_wasi_define(w, l, s);
    if (!e)
        e = ox_linker_instantiate(l, s, mod, &inst);
    if (!e) {
        ox_extern start;
        CHECK(ox_instance_export(inst, "_start", &start));
        e = ox_func_call(start.of.func, NULL, 0, NULL, 0);
        if (!e)
            status = 0;
    }
    if (e) {
        if (ox_error_code(e) == OX_ERR_EXIT)
            status = ox_error_exit_status(e);
        else
            fprintf(stderr, "run: %s\n", ox_error_message(e));
        ox_error_free(e);
    }
    ox_linker_free(l);
    ox_store_free(s);
    return status;
}

static ox_wasi *make_ctx(const char *const *argv, size_t argc, const char *const *env,
                         size_t envc, int out_fd)
{
    ox_wasi_config cfg;
    ox_wasi_config_init(&cfg);
    cfg.argv = argv;
    cfg.argc = argc;
    cfg.env = env;
    cfg.envc = envc;
    cfg.stdout_fd = out_fd;
    ox_wasi *w = NULL;
    ox_error *e = ox_wasi_new(&cfg, &w);
    if (e) {
        fprintf(stderr, "ox_wasi_new: %s\n", ox_error_message(e));
        ox_error_free(e);
    }
    return w;
}

static void test_config_errors(void)
{
    ox_wasi_config cfg;
    ox_wasi *w = (ox_wasi *)1;
    ox_error *e = ox_wasi_new(NULL, &w);
    CHECK(e && ox_error_code(e) == OX_ERR_ARG && w == NULL);
    ox_error_free(e);

    ox_wasi_config_init(&cfg);
    const char *env[] = {"GOOD=1", "BAD"};
    cfg.env = env;
    cfg.envc = 2;
    e = ox_wasi_new(&cfg, &w);
    CHECK(e && ox_error_code(e) == OX_ERR_ARG && strstr(ox_error_message(e), "BAD"));
    ox_error_free(e);

    ox_wasi_config_init(&cfg);
    ox_wasi_preopen p = {"/nonexistent/oxide-dir", "/x", false};
    cfg.preopens = &p;
    cfg.npreopens = 1;
    e = ox_wasi_new(&cfg, &w);
    CHECK(e && ox_error_code(e) == OX_ERR_IO &&
          strstr(ox_error_message(e), "/nonexistent/oxide-dir"));
    ox_error_free(e);

    CHECK(!strcmp(ox_wasi_errno_name(76), "NOTCAPABLE"));
    CHECK(!strcmp(ox_wasi_errno_name(44), "NOENT"));
    CHECK(!strcmp(ox_wasi_errno_name(0), "SUCCESS"));
    CHECK(!strcmp(ox_wasi_errno_name(77), "?"));
    ox_wasi_free(NULL);
}

/* Two contexts in one process: each program sees its own arguments and
   environment and writes to its own stdout; exit statuses stay apart. */
static void test_two_contexts(ox_engine *eng, ox_module *mod)
{
    char pa[64], pb[64];
    snprintf(pa, sizeof pa, "%s/a.out", tmpdir);
    snprintf(pb, sizeof pb, "%s/b.out", tmpdir);
    int fa = open(pa, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fb = open(pb, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fa >= 0 && fb >= 0);
    const char *argv_a[] = {"prog", "alpha"}, *env_a[] = {"OXT_WHO=a", "OXT_EXIT=5"};
    const char *argv_b[] = {"prog", "beta", "gamma"}, *env_b[] = {"OXT_WHO=b"};
    ox_wasi *a = make_ctx(argv_a, 2, env_a, 2, fa);
    ox_wasi *b = make_ctx(argv_b, 3, env_b, 1, fb);
    /* The contexts dup'd the descriptors: closing ours must not matter. */
    close(fa);
    close(fb);
    CHECK(a && b);
    if (!a || !b)
        return;
    CHECK(run_in_new_store(eng, mod, a) == 5);
    CHECK(run_in_new_store(eng, mod, b) == 0);
    ox_wasi_free(a);
    ox_wasi_free(b);
    char *out = slurp(pa);
    CHECK(strstr(out, "argv[1]=[alpha]") && strstr(out, "env OXT_WHO=a") && !strstr(out, "beta"));
    out = slurp(pb);
    CHECK(strstr(out, "argc=3") && strstr(out, "argv[2]=[gamma]") && strstr(out, "env OXT_WHO=b") &&
          !strstr(out, "alpha") && !strstr(out, "OXT_EXIT"));
}

/* A closed stdout (-1) is a closed guest fd 1: printf fails inside the
   program, which still runs to completion. */
static void test_closed_stdout(ox_engine *eng, ox_module *mod)
{
    const char *argv[] = {"prog", "x"};
    ox_wasi *w = make_ctx(argv, 2, NULL, 0, -1);
    CHECK(w != NULL);
    if (w)
        CHECK(run_in_new_store(eng, mod, w) == 0);
    ox_wasi_free(w);
}

/* ---- the resolver under a race ---- */

typedef struct race {
    int boxfd;
    atomic_bool stop;
    long swaps;
} race;

/* Atomically exchange box/d (a real directory) and box/d_swap (a symlink to
   ../outside), over and over. */
static void *swapper(void *arg)
{
    race *r = arg;
    while (!atomic_load(&r->stop)) {
        if (renameat2(r->boxfd, "d", r->boxfd, "d_swap", RENAME_EXCHANGE) == 0)
            r->swaps++;
    }
    return NULL;
}

static void test_race(void)
{
    char box[128], outside[128], p[256];
    snprintf(box, sizeof box, "%s/box", tmpdir);
    snprintf(outside, sizeof outside, "%s/outside", tmpdir);
    CHECK(mkdir(box, 0755) == 0 && mkdir(outside, 0755) == 0);
    snprintf(p, sizeof p, "%s/d", box);
    CHECK(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/d/file.txt", box);
    FILE *f = fopen(p, "w");
    fputs("inside\n", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/file.txt", outside);
    f = fopen(p, "w");
    fputs("SECRET\n", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/d_swap", box);
    CHECK(symlink("../outside", p) == 0);

    race r = {.boxfd = open(box, O_RDONLY | O_DIRECTORY)};
    CHECK(r.boxfd >= 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, swapper, &r) == 0);
    long opened = 0, refused = 0, escaped = 0;
    for (int i = 0; i < 20000; i++) {
        wasi_resolved res;
        const char *path = (i & 1) ? "d/file.txt" : "d/../d/file.txt";
        if (wasi_resolve(r.boxfd, path, strlen(path), WASI_LAST_FOLLOW, &res) != W_ESUCCESS) {
            refused++;
            continue;
        }
        int fd = openat(res.dirfd, res.name, O_RDONLY | O_NOFOLLOW);
        wasi_resolved_done(&res);
        if (fd < 0) {
            refused++;
            continue;
        }
        char buf[16] = {0};
        if (read(fd, buf, sizeof buf - 1) > 0) {
            opened++;
            if (strstr(buf, "SECRET"))
                escaped++;
        }
        close(fd);
    }
    atomic_store(&r.stop, true);
    pthread_join(t, NULL);
    close(r.boxfd);
    printf("race: %ld swaps, %ld opened inside, %ld refused, %ld escaped\n", r.swaps, opened,
           refused, escaped);
    CHECK(escaped == 0);
    CHECK(opened > 0);  /* the walk works while the directory is in place */
    CHECK(refused > 0 || r.swaps < 10); /* and refuses while the symlink is */
}

/* ---- the resolver's answers, case by case ---- */

static uint32_t resolve_name(int root, const char *path, bool follow, char *name)
{
    wasi_resolved r;
    uint32_t err = wasi_resolve(root, path, strlen(path),
                                follow ? WASI_LAST_FOLLOW : WASI_LAST_NOFOLLOW, &r);
    if (!err) {
        strcpy(name, r.name);
        wasi_resolved_done(&r);
    }
    return err;
}

static void test_resolve_cases(void)
{
    char root[128], p[256], name[256];
    snprintf(root, sizeof root, "%s/cases", tmpdir);
    CHECK(mkdir(root, 0755) == 0);
    snprintf(p, sizeof p, "%s/dir", root);
    CHECK(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/file", root);
    CHECK(close(open(p, O_WRONLY | O_CREAT, 0644)) == 0);
    snprintf(p, sizeof p, "%s/to_dir", root);
    CHECK(symlink("dir", p) == 0);
    /* chain0 -> chain1 -> ... -> chain44 -> file: more links than allowed */
    for (int i = 0; i < 45; i++) {
        char link[256], target[32];
        snprintf(link, sizeof link, "%s/chain%d", root, i);
        if (i == 44)
            snprintf(target, sizeof target, "file");
        else
            snprintf(target, sizeof target, "chain%d", i + 1);
        CHECK(symlink(target, link) == 0);
    }
    int fd = open(root, O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK(resolve_name(fd, "file", false, name) == W_ESUCCESS && !strcmp(name, "file"));
    CHECK(resolve_name(fd, "dir/", false, name) == W_ESUCCESS && !strcmp(name, "dir"));
    CHECK(resolve_name(fd, "file/", false, name) == W_ENOTDIR);
    CHECK(resolve_name(fd, ".", false, name) == W_ESUCCESS && !strcmp(name, "."));
    CHECK(resolve_name(fd, "dir/..", false, name) == W_ESUCCESS && !strcmp(name, "."));
    CHECK(resolve_name(fd, "dir//..//./file", false, name) == W_ESUCCESS && !strcmp(name, "file"));
    CHECK(resolve_name(fd, "to_dir", false, name) == W_ESUCCESS && !strcmp(name, "to_dir"));
    CHECK(resolve_name(fd, "to_dir", true, name) == W_ESUCCESS && !strcmp(name, "dir"));
    CHECK(resolve_name(fd, "to_dir/../file", false, name) == W_ESUCCESS && !strcmp(name, "file"));
    CHECK(resolve_name(fd, "new_name", true, name) == W_ESUCCESS && !strcmp(name, "new_name"));
    CHECK(resolve_name(fd, "missing/x", true, name) == W_ENOENT);
    CHECK(resolve_name(fd, "file/x", true, name) == W_ENOTDIR);
    CHECK(resolve_name(fd, "chain40", true, name) == W_ESUCCESS && !strcmp(name, "file"));
    CHECK(resolve_name(fd, "chain0", true, name) == W_ELOOP);
    CHECK(resolve_name(fd, "chain0", false, name) == W_ESUCCESS && !strcmp(name, "chain0"));
    CHECK(resolve_name(fd, "..", false, name) == W_ENOTCAPABLE);
    CHECK(resolve_name(fd, "dir/../..", false, name) == W_ENOTCAPABLE);
    CHECK(resolve_name(fd, "/", false, name) == W_ENOTCAPABLE);
    CHECK(resolve_name(fd, "", false, name) == W_ENOENT);
    char longname[300];
    memset(longname, 'a', 256);
    longname[256] = 0;
    CHECK(resolve_name(fd, longname, false, name) == W_ENAMETOOLONG);
    wasi_resolved r;
    CHECK(wasi_resolve(fd, "fi\0le", 6, WASI_LAST_NOFOLLOW, &r) == W_EINVAL);
    char *huge = malloc(8000);
    memset(huge, 'a', 7999);
    for (int i = 1; i < 7999; i += 2)
        huge[i] = '/';
    CHECK(wasi_resolve(fd, huge, 7999, WASI_LAST_NOFOLLOW, &r) == W_ENAMETOOLONG);
    free(huge);
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_wasi_api wasi_args_env.wasm\n");
        return 2;
    }
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_config_errors();
    ox_engine *eng = NULL;
    ox_module *mod = NULL;
    ox_error *e = ox_engine_new(NULL, &eng);
    if (!e)
        e = ox_module_load_file(eng, argv[1], &mod);
    if (e) {
        fprintf(stderr, "FAIL: loading %s: %s\n", argv[1], ox_error_message(e));
        ox_error_free(e);
        failures++;
    } else {
        test_two_contexts(eng, mod);
        test_closed_stdout(eng, mod);
    }
    ox_module_free(mod);
    ox_engine_free(eng);
    test_resolve_cases();
    test_race();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", tmpdir);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all WASI API checks passed\n");
    return 0;
}
