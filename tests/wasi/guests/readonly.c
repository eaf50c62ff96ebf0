/* readonly.c — argv[1] is a read-only preopen holding data.txt and dir/.
   Reading must work; every way of changing anything must fail, and the
   host directory must be unchanged afterwards (the test checks that).
   Prints one line per check; exits 1 if a check failed. wasm only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int failures;
static char path[4][512];

static const char *P(int k, const char *name)
{
    snprintf(path[k], sizeof path[k], "%s/%s", getenv("RO_DIR"), name);
    return path[k];
}

static void refused_with(const char *what, int rc, int want)
{
    int ok = rc < 0 && errno == want;
    printf("%-40s %s\n", what, ok ? "refused" : "FAIL");
    if (!ok) {
        printf("    rc=%d errno=%d (%s)\n", rc, errno, strerror(errno));
        failures++;
    }
}

/* ENOTCAPABLE is WASI's "this descriptor lacks the right". */
static void refused(const char *what, int rc) { refused_with(what, rc, ENOTCAPABLE); }

int main(void)
{
    char buf[64] = {0};
    FILE *f = fopen(P(0, "data.txt"), "r");
    if (!f || !fgets(buf, sizeof buf, f)) {
        printf("FAIL: cannot read data.txt: %s\n", strerror(errno));
        return 1;
    }
    fclose(f);
    printf("read: %s", buf);
    struct stat st;
    printf("stat works: %d\n", stat(P(0, "dir"), &st) == 0 && S_ISDIR(st.st_mode));

    errno = 0;
    refused("fopen(new.txt, \"w\")", fopen(P(0, "new.txt"), "w") ? 0 : -1);
    refused("fopen(data.txt, \"w\") (truncate)", fopen(P(0, "data.txt"), "w") ? 0 : -1);
    refused("open(data.txt, O_CREAT)", open(P(0, "data.txt"), O_RDWR | O_CREAT, 0644));
    int fd = open(P(0, "data.txt"), O_WRONLY);
    /* wasi-libc drops the rights the directory cannot hand down, so the
       open succeeds read-only and the write is what gets refused; wasi-libc
       reports fd_write's ENOTCAPABLE as POSIX's "not open for writing". */
    refused_with("write through open(O_WRONLY)", fd >= 0 ? (int)write(fd, "x", 1) : 0, EBADF);
    if (fd >= 0)
        refused("ftruncate", ftruncate(fd, 0));
    if (fd >= 0)
        close(fd);
    refused("mkdir", mkdir(P(0, "newdir"), 0755));
    refused("rmdir dir", rmdir(P(0, "dir")));
    refused("unlink data.txt", unlink(P(0, "data.txt")));
    refused("rename data.txt", rename(P(0, "data.txt"), P(1, "moved.txt")));
    refused("link data.txt", link(P(0, "data.txt"), P(1, "hard.txt")));
    refused("symlink", symlink("data.txt", P(0, "soft")));
    struct timespec ts[2] = {{1, 0}, {1, 0}};
    refused("utimensat", utimensat(AT_FDCWD, P(0, "data.txt"), ts, 0));
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
}
