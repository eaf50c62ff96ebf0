/*
 * known_failures.c — tests/spec/known-failures.txt.
 *
 * One entry per line: `file.wast:LINE reason`, '#' starts a comment. A
 * listed command that fails does not fail its ctest; a listed command that
 * passes (or no longer exists) is reported so the list only ever holds real,
 * current failures. The list is sorted once and searched with bsearch, since
 * the suite runs ~50k commands against it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spectest.h"

typedef struct entry {
    char *wast;
    int line;
    bool failed; /* a command at this line failed in this run */
    bool passed; /* a command at this line passed in this run */
} entry;

struct st_known {
    entry *v;
    size_t n, cap;
};

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->wast, y->wast);
    if (c)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

void st_known_free(st_known *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i].wast);
    free(k->v);
    free(k);
}

/* Parse "file.wast:LINE reason" into an entry; false if it is not that. */
static bool parse_line(char *s, entry *out)
{
    char *colon = strstr(s, ".wast:");
    if (!colon || colon == s)
        return false;
    colon += 5; /* at ':' */
    char *end;
    errno = 0;
    long line = strtol(colon + 1, &end, 10);
    if (errno || end == colon + 1 || line <= 0 || line > 10000000 ||
        (*end && !isspace((unsigned char)*end)))
        return false;
    for (char *p = s; p < colon; p++)
        if (isspace((unsigned char)*p))
            return false;
    out->wast = strndup(s, (size_t)(colon - s));
    out->line = (int)line;
    out->failed = out->passed = false;
    return out->wast != NULL;
}

st_known *st_known_load(const char *path, char *why, size_t whylen)
{
    st_known *k = calloc(1, sizeof *k);
    if (!k) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    FILE *f = fopen(path, "r");
    if (!f)
        return k; /* no list: nothing is expected to fail */
    char buf[1024];
    int lineno = 0;
    while (fgets(buf, sizeof buf, f)) {
        lineno++;
        char *s = buf;
        while (isspace((unsigned char)*s))
            s++;
        if (!*s || *s == '#')
            continue;
        if (k->n == k->cap) {
            size_t cap = k->cap ? k->cap * 2 : 64;
            entry *v = realloc(k->v, cap * sizeof *v);
            if (!v) {
                snprintf(why, whylen, "out of memory");
                goto fail;
            }
            k->v = v;
            k->cap = cap;
        }
        if (!parse_line(s, &k->v[k->n])) {
            s[strcspn(s, "\n")] = 0;
            snprintf(why, whylen, "%s:%d: expected 'FILE.wast:LINE reason', got '%.200s'", path,
                     lineno, s);
            goto fail;
        }
        k->n++;
    }
    fclose(f);
    if (k->n)
        qsort(k->v, k->n, sizeof *k->v, cmp_entry);
    return k;
fail:
    fclose(f);
    st_known_free(k);
    return NULL;
}

static entry *find(st_known *k, const char *wast, int line)
{
    if (!k || !k->n)
        return NULL;
    entry key = {.wast = (char *)wast, .line = line};
    return bsearch(&key, k->v, k->n, sizeof *k->v, cmp_entry);
}

bool st_known_failing(st_known *k, const char *wast, int line)
{
    entry *e = find(k, wast, line);
    if (!e)
        return false;
    e->failed = true;
    return true;
}

void st_known_passed(st_known *k, const char *wast, int line)
{
    entry *e = find(k, wast, line);
    if (e)
        e->passed = true;
}

unsigned st_known_report_stale(st_known *k, const char *wast, FILE *out)
{
    unsigned n = 0;
    for (size_t i = 0; k && i < k->n; i++) {
        entry *e = &k->v[i];
        if (strcmp(e->wast, wast) || e->failed)
            continue;
        fprintf(out, "note: %s:%d is in known-failures.txt but %s: remove from known-failures\n",
                e->wast, e->line, e->passed ? "it passes now" : "no command ran at that line");
        n++;
    }
    return n;
}
