/* watch.c — `oxide mcp --watch`: twice a second, the modules directory is
   compared with what was loaded (each module directory's files, by name,
   size and time). A module whose directory changed is unloaded and loaded
   again, a new one loaded, a removed one unloaded; then every module's
   mcp.json is read into a new tool set, swapped in whole, and the clients
   that can hear it get notifications/tools/list_changed. A module that
   fails to load or whose tools are bad is left out, with the reason on the
   log; the others keep serving. Calls already running on a reloaded module
   end as that module stops (an "interrupted" error result). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "server.h"

char *oxm_fingerprint(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **lines = NULL;
    size_t n = 0, cap = 0, total = 1;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[4096], line[512];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        int k = snprintf(line, sizeof line, "%s:%lld:%lld.%09ld;", e->d_name, (long long)st.st_size,
                         (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            char **nl = realloc(lines, cap * sizeof *nl);
            if (!nl)
                break;
            lines = nl;
        }
        if (!(lines[n] = strdup(line)))
            break;
        n++;
        total += (size_t)k;
    }
    closedir(d);
    qsort(lines, n, sizeof *lines, oxm_cmp_strings);
    char *fp = malloc(total);
    if (fp)
        fp[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (fp)
            strcat(fp, lines[i]);
        free(lines[i]);
    }
    free(lines);
    return fp;
}

static bool same(const char *a, const char *b) { return a && b && !strcmp(a, b); }

/* One look at the directory; true when something changed. */
static bool rescan(oxm_server *s)
{
    char **dirs;
    size_t ndirs;
    oxk_err *err = oxm_module_dirs(s->opts.modules_dir, &dirs, &ndirs);
    if (err) {
        oxm_log(s, "--watch: %s", oxk_err_message(err));
        oxk_err_free(err);
        return false;
    }
    oxm_modrec *next = calloc(ndirs ? ndirs : 1, sizeof *next);
    if (!next) {
        for (size_t i = 0; i < ndirs; i++)
            free(dirs[i]);
        free(dirs);
        return false;
    }
    bool changed = ndirs != s->nrecs;
    oxm_tooltab scratch = {0};
    /* modules whose directory went away or changed: unloaded */
    for (size_t i = 0; i < s->nrecs; i++) {
        oxm_modrec *r = &s->recs[i];
        char *fp = oxm_fingerprint(r->dir);
        bool keep = fp && same(fp, r->fp);
        free(fp);
        if (!keep) {
            changed = true;
            if (r->id) {
                oxk_err_free(oxk_modules_unload(oxk_kernel_modules(s->kernel), r->id));
                oxm_log(s, "--watch: module `%s` (%s) changed or went away: unloaded", r->id, r->dir);
            }
            oxm_modrec_clear(r);
        }
    }
    /* every directory now: kept as it was, or loaded (again) */
    size_t nn = 0;
    for (size_t i = 0; i < ndirs; i++) {
        oxm_modrec *old = NULL;
        for (size_t j = 0; j < s->nrecs && !old; j++)
            if (s->recs[j].dir && !strcmp(s->recs[j].dir, dirs[i]))
                old = &s->recs[j];
        if (old) {
            next[nn++] = *old;
            memset(old, 0, sizeof *old);
            continue;
        }
        changed = true;
        char *fp = oxm_fingerprint(dirs[i]);
        oxm_modrec rec;
        err = oxm_module_load(s->kernel, dirs[i], s->log, &rec, &scratch);
        oxm_tools_free(scratch.v, scratch.n); /* read again below, with the others */
        scratch = (oxm_tooltab){0};
        if (err) {
            oxm_log(s, "--watch: %s: left out", oxk_err_message(err));
            oxk_err_free(err);
            if (rec.id) /* registered, but its tools are bad: not served */
                oxk_err_free(oxk_modules_unload(oxk_kernel_modules(s->kernel), rec.id));
            oxm_modrec_clear(&rec);
            free(fp);
            /* remember it as it is, so the same bad state is not retried */
            next[nn].dir = strdup(dirs[i]);
            next[nn].fp = oxm_fingerprint(dirs[i]);
            nn++;
            continue;
        }
        rec.fp = fp;
        oxm_log(s, "--watch: module `%s` (%s) loaded", rec.id, rec.dir);
        next[nn++] = rec;
    }
    for (size_t i = 0; i < s->nrecs; i++)
        oxm_modrec_clear(&s->recs[i]);
    free(s->recs);
    s->recs = next;
    s->nrecs = nn;
    for (size_t i = 0; i < ndirs; i++)
        free(dirs[i]);
    free(dirs);
    if (!changed)
        return false;
    oxm_tooltab tab = {0};
    for (size_t i = 0; i < s->nrecs; i++) {
        oxm_modrec *r = &s->recs[i];
        if (!r->id || !r->mcp_path)
            continue;
        err = oxm_tools_read(r->mcp_path, r->id, r->timeout, &tab);
        if (err) {
            oxm_log(s, "--watch: %s: its tools are left out", oxk_err_message(err));
            oxk_err_free(err);
        }
    }
    oxm_tooltab_sort(&tab);
    oxm_log(s, "--watch: %zu tools now", tab.n);
    oxm_tools_swap(s, &tab);
    return true;
}

static void *watch(void *arg)
{
    oxm_server *s = arg;
    while (!atomic_load(&s->stop_watch)) {
        struct timespec nap = {0, 500 * 1000000L};
        nanosleep(&nap, NULL);
        if (!atomic_load(&s->stop_watch))
            rescan(s);
    }
    return NULL;
}

oxk_err *oxm_watch_start(oxm_server *s)
{
    atomic_store(&s->stop_watch, false);
    if (pthread_create(&s->watcher, NULL, watch, s) != 0)
        return oxk_err_new(OXK_ERR_OTHER, "--watch: cannot start its thread");
    s->watching = true;
    return NULL;
}

void oxm_watch_stop(oxm_server *s)
{
    if (!s->watching)
        return;
    atomic_store(&s->stop_watch, true);
    pthread_join(s->watcher, NULL);
    s->watching = false;
}
