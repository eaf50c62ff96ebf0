/* files.c — file system round trips inside the directory given as argv[1]
   (a preopen under WASI, a temporary directory natively): create, write,
   read, seek, pread/pwrite, append, truncate, stat, rename, link, symlink,
   readlink, set times, list, delete. Every step prints what it observed;
   the test compares the native and the wasm output, and any failed
   expectation exits 1 with a message. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/libc.h>
#endif

static const char *dir;

static const char *P(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            printf("FAIL line %d: %s (errno %d: %s)\n", __LINE__, #cond, errno,     \
                   strerror(errno));                                                \
            exit(1);                                                                \
        }                                                                           \
    } while (0)

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted listing without . and .. (readdir order is the file system's). */
static void list(const char *path)
{
    DIR *d = opendir(path);
    CHECK(d != NULL);
    char *names[64];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 64) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp);
    printf("list:");
    for (int i = 0; i < n; i++) {
        struct stat st;
        char full[600];
        snprintf(full, sizeof full, "%s/%s", path, names[i]);
        CHECK(lstat(full, &st) == 0);
        printf(" %s%s", names[i], S_ISDIR(st.st_mode) ? "/" : S_ISLNK(st.st_mode) ? "@" : "");
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: files DIR\n");
        return 2;
    }
    dir = argv[1];

    /* write and read back with stdio */
    FILE *f = fopen(P("hello.txt"), "w");
    CHECK(f != NULL);
    for (int i = 0; i < 100; i++)
        fprintf(f, "line %03d of the test file\n", i);
    CHECK(fclose(f) == 0);
    f = fopen(P("hello.txt"), "r");
    CHECK(f != NULL);
    char line[128];
    int lines = 0;
    while (fgets(line, sizeof line, f))
        lines++;
    CHECK(fclose(f) == 0);
    printf("lines read: %d\n", lines);

    /* seek, tell, pread, pwrite */
    int fd = open(P("hello.txt"), O_RDWR);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("size: %lld regular: %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    CHECK(lseek(fd, 26 * 10, SEEK_SET) == 260);
    char buf[64] = {0};
    CHECK(read(fd, buf, 25) == 25);
    printf("at 260: %s\n", buf);
    printf("tell: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    CHECK(lseek(fd, -26, SEEK_END) == st.st_size - 26);
    memset(buf, 0, sizeof buf);
    CHECK(read(fd, buf, 25) == 25);
    printf("last: %s\n", buf);
    CHECK(pwrite(fd, "LINE", 4, 26 * 5) == 4);
    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, 25, 26 * 5) == 25);
    printf("pread: %s\n", buf);
    printf("tell after pread: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));

    /* truncate and extend */
    CHECK(ftruncate(fd, 52) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("truncated size: %lld\n", (long long)st.st_size);
    CHECK(ftruncate(fd, 100) == 0);
    CHECK(fstat(fd, &st) == 0);
    memset(buf, 'x', sizeof buf);
    CHECK(pread(fd, buf, 10, 60) == 10);
    int zeros = 0;
    for (int i = 0; i < 10; i++)
        zeros += buf[i] == 0;
    printf("extended size: %lld zeros: %d\n", (long long)st.st_size, zeros);
    CHECK(fsync(fd) == 0);
    CHECK(close(fd) == 0);

    /* append mode */
    fd = open(P("log.txt"), O_WRONLY | O_CREAT | O_APPEND, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "one\n", 4) == 4);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "two\n", 4) == 4);
    CHECK(close(fd) == 0);
    f = fopen(P("log.txt"), "r");
    CHECK(f != NULL);
    memset(buf, 0, sizeof buf);
    CHECK(fread(buf, 1, sizeof buf - 1, f) == 8);
    fclose(f);
    printf("appended: %s", buf);

    /* exclusive create */
    fd = open(P("log.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644);
    printf("O_EXCL on existing: %s\n", fd < 0 && errno == EEXIST ? "EEXIST" : "wrong");
    errno = 0;
    fd = open(P("missing.txt"), O_RDONLY);
    printf("open missing: %s\n", fd < 0 && errno == ENOENT ? "ENOENT" : "wrong");

    /* directories */
    CHECK(mkdir(P("sub"), 0755) == 0);
    CHECK(mkdir(P("sub/deeper"), 0755) == 0);
    printf("mkdir existing: %s\n", mkdir(P("sub"), 0755) < 0 && errno == EEXIST ? "EEXIST" : "wrong");
    f = fopen(P("sub/deeper/note.txt"), "w");
    CHECK(f != NULL);
    fputs("deep note\n", f);
    fclose(f);
    printf("rmdir non-empty: %s\n", rmdir(P("sub")) < 0 && errno == ENOTEMPTY ? "ENOTEMPTY" : "wrong");
    CHECK(stat(P("sub/deeper/../deeper/./note.txt"), &st) == 0);
    printf("dotted path size: %lld\n", (long long)st.st_size);

    /* rename, link, symlink, readlink */
    CHECK(rename(P("hello.txt"), P("sub/renamed.txt")) == 0);
    printf("old name gone: %d\n", access(P("hello.txt"), F_OK) < 0 && errno == ENOENT);
    CHECK(link(P("sub/renamed.txt"), P("hard.txt")) == 0);
    CHECK(stat(P("hard.txt"), &st) == 0);
    printf("hard link nlink: %lld\n", (long long)st.st_nlink);
    CHECK(symlink("sub/renamed.txt", P("soft")) == 0);
    char target[128] = {0};
    CHECK(readlink(P("soft"), target, sizeof target - 1) > 0);
    printf("readlink: %s\n", target);
    CHECK(stat(P("soft"), &st) == 0);
    printf("through symlink size: %lld\n", (long long)st.st_size);
    CHECK(lstat(P("soft"), &st) == 0);
    printf("lstat is link: %d\n", S_ISLNK(st.st_mode));
    CHECK(symlink("sub/deeper", P("dirlink")) == 0);
    CHECK(stat(P("dirlink/note.txt"), &st) == 0);
    printf("through dir symlink size: %lld\n", (long long)st.st_size);

    /* times */
    struct timespec ts[2] = {{1000000000, 0}, {1234567890, 500}};
    CHECK(utimensat(AT_FDCWD, P("log.txt"), ts, 0) == 0);
    CHECK(stat(P("log.txt"), &st) == 0);
    printf("mtime: %lld.%09ld atime: %lld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
           (long long)st.st_atim.tv_sec);

    list(dir);
    list(P("sub"));

    /* A listing larger than one readdir buffer: 150 entries with long
       names (wasi-libc reads 4 KiB at a time, so entries get cut and
       re-read from their cookie). */
    CHECK(mkdir(P("many"), 0755) == 0);
    for (int i = 0; i < 150; i++) {
        char name[200];
        snprintf(name, sizeof name, "many/entry-%03d-with-a-rather-long-name-to-fill-the-buffer-"
                                    "quickly-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i);
        int e = open(P(name), O_WRONLY | O_CREAT, 0644);
        CHECK(e >= 0);
        close(e);
    }
    DIR *d = opendir(P("many"));
    CHECK(d != NULL);
    int seen = 0, sum = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        int k;
        if (sscanf(de->d_name, "entry-%d-", &k) == 1) {
            seen++;
            sum += k;
        }
    }
    rewinddir(d);
    int again = 0;
    while ((de = readdir(d)))
        again += !strncmp(de->d_name, "entry-", 6);
    closedir(d);
    printf("big listing: %d entries, index sum %d, after rewind %d\n", seen, sum, again);
    for (int i = 0; i < 150; i++) {
        char name[200];
        snprintf(name, sizeof name, "many/entry-%03d-with-a-rather-long-name-to-fill-the-buffer-"
                                    "quickly-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i);
        CHECK(unlink(P(name)) == 0);
    }
    CHECK(rmdir(P("many")) == 0);

    /* descriptor flags, advice, allocation, renumbering */
    fd = open(P("log.txt"), O_WRONLY);
    CHECK(fd >= 0);
    printf("append before: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
    CHECK(fcntl(fd, F_SETFL, O_APPEND) == 0);
    printf("append after: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
    CHECK(write(fd, "three\n", 6) == 6);
    CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0);
    CHECK(posix_fallocate(fd, 0, 4096) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("allocated size: %lld\n", (long long)st.st_size);
    int fd2 = open(P("sub/renamed.txt"), O_RDONLY);
    CHECK(fd2 >= 0);
#ifdef __wasi__
    CHECK(__wasilibc_fd_renumber(fd2, fd) == 0); /* fd_renumber: fd2 moves onto fd */
#else
    CHECK(dup2(fd2, fd) == fd);
    CHECK(close(fd2) == 0);
#endif
    memset(buf, 0, sizeof buf);
    CHECK(read(fd, buf, 8) == 8);
    printf("after dup2 onto the log: %s\n", buf);
    CHECK(close(fd) == 0);
    printf("closed fd: %s\n", close(fd) < 0 && errno == EBADF ? "EBADF" : "wrong");

    /* delete everything again */
    CHECK(unlink(P("soft")) == 0);
    CHECK(unlink(P("dirlink")) == 0);
    CHECK(unlink(P("hard.txt")) == 0);
    CHECK(unlink(P("log.txt")) == 0);
    CHECK(unlink(P("sub/renamed.txt")) == 0);
    CHECK(unlink(P("sub/deeper/note.txt")) == 0);
    printf("unlink a directory: %s\n", unlink(P("sub/deeper")) < 0 && (errno == EISDIR || errno == EPERM) ? "refused" : "wrong");
    CHECK(rmdir(P("sub/deeper")) == 0);
    CHECK(rmdir(P("sub")) == 0);
    list(dir);
    printf("done\n");
    return 0;
}
