/* platform.c — POSIX implementation of platform.h (mmap/mprotect, stdio). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "platform.h"

void *ox_os_reserve(size_t reserve, size_t commit)
{
    if (reserve == 0)
        reserve = 1; /* a distinct, valid base even for zero-page memories */
    void *p = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (commit && mprotect(p, commit, PROT_READ | PROT_WRITE) != 0) {
        munmap(p, reserve);
        return NULL;
    }
    return p;
}

bool ox_os_commit(void *base, size_t old_commit, size_t new_commit)
{
    if (new_commit <= old_commit)
        return true;
    /* Fresh anonymous pages read as zero; mprotect keeps that. */
    return mprotect((char *)base + old_commit, new_commit - old_commit,
                    PROT_READ | PROT_WRITE) == 0;
}

void ox_os_release(void *base, size_t reserve)
{
    if (base)
        munmap(base, reserve ? reserve : 1);
}

ox_error *ox_read_file(const char *path, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ox_error_new(OX_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return ox_error_new(OX_ERR_NOMEM, "out of memory reading %s", path);
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return ox_error_new(OX_ERR_IO, "cannot read %s", path);
    }
    *out = buf;
    *outlen = len;
    return NULL;
}
