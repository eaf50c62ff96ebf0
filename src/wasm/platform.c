/* platform.c — POSIX implementation of platform.h (mmap/mprotect). */
#define _GNU_SOURCE
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
