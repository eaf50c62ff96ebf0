/* escape.c — tries to leave the sandbox and to crash the host, through the
   raw wasi_snapshot_preview1 imports (so wasi-libc's own path handling
   cannot hide anything). Preopen fd 3 is a directory the test prepared:
     inside.txt, sub/file.txt, link_in -> sub, link_out -> ../outside,
     link_abs -> /etc, sub/up -> ../.., loop1 -> loop2, loop2 -> loop1
   and ../outside/secret.txt exists next to it on the host. Every attempt
   must fail with the expected errno; legitimate paths must still work.
   Prints one line per check and exits 1 if any check failed. wasm only. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define IMP(n) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#n)))
IMP(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len,
                                     int32_t oflags, int64_t base, int64_t inh, int32_t fdflags,
                                     int32_t out);
IMP(path_filestat_get) int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path,
                                                     int32_t len, int32_t buf);
IMP(path_rename) int32_t raw_path_rename(int32_t fd, int32_t p, int32_t l, int32_t nfd,
                                         int32_t np, int32_t nl);
IMP(path_link) int32_t raw_path_link(int32_t fd, int32_t flags, int32_t p, int32_t l,
                                     int32_t nfd, int32_t np, int32_t nl);
IMP(path_symlink) int32_t raw_path_symlink(int32_t p, int32_t l, int32_t fd, int32_t np,
                                           int32_t nl);
IMP(path_create_directory) int32_t raw_path_create_directory(int32_t fd, int32_t p, int32_t l);
IMP(path_unlink_file) int32_t raw_path_unlink_file(int32_t fd, int32_t p, int32_t l);
IMP(path_remove_directory) int32_t raw_path_remove_directory(int32_t fd, int32_t p, int32_t l);
IMP(path_readlink) int32_t raw_path_readlink(int32_t fd, int32_t p, int32_t l, int32_t buf,
                                             int32_t buflen, int32_t used);
IMP(fd_write) int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t n, int32_t out);
IMP(fd_read) int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t n, int32_t out);
IMP(fd_close) int32_t raw_fd_close(int32_t fd);
IMP(fd_prestat_dir_name) int32_t raw_fd_prestat_dir_name(int32_t fd, int32_t p, int32_t l);
IMP(args_get) int32_t raw_args_get(int32_t argv, int32_t buf);
IMP(random_get) int32_t raw_random_get(int32_t buf, int32_t len);
IMP(clock_time_get) int32_t raw_clock_time_get(int32_t id, int64_t prec, int32_t out);
IMP(poll_oneoff) int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t n, int32_t nev);
IMP(fd_readdir) int32_t raw_fd_readdir(int32_t fd, int32_t buf, int32_t len, int64_t cookie,
                                       int32_t used);
IMP(sock_accept) int32_t raw_sock_accept(int32_t fd, int32_t flags, int32_t out);

enum { SUCCESS = 0, BADF = 8, EXIST = 20, FAULT = 21, INVAL = 28, LOOP = 32, NOENT = 44,
       NOTDIR = 54, NOTSOCK = 57, NOTCAPABLE = 76 };
#define FOLLOW 1
#define ALL_RIGHTS ((int64_t)0x1FFFFFFF)

static int failures;

static int32_t P(const char *s) { return (int32_t)(uintptr_t)s; }

static void expect(const char *what, int32_t got, int32_t want)
{
    printf("%-48s %s (errno %d)\n", what, got == want ? "ok" : "FAIL", (int)got);
    if (got != want) {
        printf("    expected errno %d\n", (int)want);
        failures++;
    }
}

static int32_t open_path(const char *path, int follow)
{
    int32_t fd = -1;
    int32_t r = raw_path_open(3, follow ? FOLLOW : 0, P(path), (int32_t)strlen(path), 0,
                              ALL_RIGHTS, ALL_RIGHTS, 0, P((const char *)&fd));
    if (r == SUCCESS)
        raw_fd_close(fd);
    return r;
}

static int32_t stat_path(const char *path, int follow, uint8_t *filetype)
{
    uint8_t st[64];
    int32_t r = raw_path_filestat_get(3, follow ? FOLLOW : 0, P(path), (int32_t)strlen(path),
                                      P((const char *)st));
    if (filetype)
        *filetype = st[16];
    return r;
}

int main(void)
{
    char name[64] = {0};
    expect("preopen fd 3 is /sandbox", raw_fd_prestat_dir_name(3, P(name), 8), SUCCESS);
    printf("    name: %s\n", name);

    /* legitimate paths */
    expect("open inside.txt", open_path("inside.txt", 1), SUCCESS);
    expect("open sub/../inside.txt", open_path("sub/../inside.txt", 1), SUCCESS);
    expect("open ./sub/./file.txt", open_path("./sub/./file.txt", 1), SUCCESS);
    expect("open link_in/file.txt (symlink inside)", open_path("link_in/file.txt", 1), SUCCESS);
    expect("open sub/up/inside.txt (sub/up -> ../..: escapes)",
           open_path("sub/up/inside.txt", 1), NOTCAPABLE);
    expect("open . (the preopen itself)", open_path(".", 1), SUCCESS);

    /* escapes */
    expect("open ../outside/secret.txt", open_path("../outside/secret.txt", 1), NOTCAPABLE);
    expect("open /etc/passwd", open_path("/etc/passwd", 1), NOTCAPABLE);
    expect("open sub/../../outside/secret.txt", open_path("sub/../../outside/secret.txt", 1),
           NOTCAPABLE);
    expect("open ..", open_path("..", 1), NOTCAPABLE);
    expect("open link_out/secret.txt", open_path("link_out/secret.txt", 1), NOTCAPABLE);
    expect("open link_abs/passwd", open_path("link_abs/passwd", 1), NOTCAPABLE);
    expect("open link_out (follow)", open_path("link_out", 1), NOTCAPABLE);
    expect("open link_abs (no follow: ELOOP)", open_path("link_abs", 0), LOOP);
    uint8_t ft = 0;
    expect("stat link_abs without following", stat_path("link_abs", 0, &ft), SUCCESS);
    printf("    filetype %d (7 = symlink)\n", ft);
    expect("stat link_abs following", stat_path("link_abs", 1, NULL), NOTCAPABLE);
    expect("stat link_out/secret.txt", stat_path("link_out/secret.txt", 1, NULL), NOTCAPABLE);
    expect("open loop1 (symlink loop)", open_path("loop1", 1), LOOP);
    expect("open inside.txt/x (not a directory)", open_path("inside.txt/x", 1), NOTDIR);
    expect("open missing/x", open_path("missing/x", 1), NOENT);

    const char *in = "inside.txt", *out = "../stolen.txt";
    expect("rename inside.txt -> ../stolen.txt",
           raw_path_rename(3, P(in), 10, 3, P(out), (int32_t)strlen(out)), NOTCAPABLE);
    const char *out2 = "link_out/stolen.txt";
    expect("rename inside.txt -> link_out/stolen.txt",
           raw_path_rename(3, P(in), 10, 3, P(out2), (int32_t)strlen(out2)), NOTCAPABLE);
    const char *sec = "link_out/secret.txt", *mine = "mine.txt";
    expect("rename link_out/secret.txt -> mine.txt",
           raw_path_rename(3, P(sec), (int32_t)strlen(sec), 3, P(mine), 8), NOTCAPABLE);
    const char *hard = "../hard.txt";
    expect("link inside.txt -> ../hard.txt",
           raw_path_link(3, 0, P(in), 10, 3, P(hard), (int32_t)strlen(hard)), NOTCAPABLE);
    expect("link link_out/secret.txt -> mine.txt",
           raw_path_link(3, FOLLOW, P(sec), (int32_t)strlen(sec), 3, P(mine), 8), NOTCAPABLE);
    const char *abs = "/etc/passwd", *nl = "newlink";
    expect("symlink newlink -> /etc/passwd",
           raw_path_symlink(P(abs), (int32_t)strlen(abs), 3, P(nl), 7), NOTCAPABLE);
    const char *up = "../newdir";
    expect("mkdir ../newdir", raw_path_create_directory(3, P(up), (int32_t)strlen(up)), NOTCAPABLE);
    expect("unlink link_out/secret.txt",
           raw_path_unlink_file(3, P(sec), (int32_t)strlen(sec)), NOTCAPABLE);
    const char *dotdot = "sub/..";
    expect("rmdir sub/.. (the preopen itself)",
           raw_path_remove_directory(3, P(dotdot), (int32_t)strlen(dotdot)), INVAL);
    char target[64] = {0};
    int32_t used = 0;
    const char *lo = "link_out";
    expect("readlink link_out (reading is allowed)",
           raw_path_readlink(3, P(lo), 8, P(target), 63, P((const char *)&used)), SUCCESS);
    printf("    target: %.*s\n", (int)used, target);
    expect("open through fd 99", raw_path_open(99, 0, P(in), 10, 0, 0, 0, 0, P((char *)&used)),
           BADF);
    expect("open relative to stdout (no path rights)",
           raw_path_open(1, 0, P(in), 10, 0, 0, 0, 0, P((char *)&used)), NOTCAPABLE);

    /* bad pointers: EFAULT, never a crash */
    uint32_t memsize = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    int32_t end = (int32_t)memsize;
    expect("fd_write with iovs past the end", raw_fd_write(1, end - 4, 1, P((char *)&used)), FAULT);
    uint32_t iov[2] = {memsize - 2, 8};
    expect("fd_write with a buffer past the end",
           raw_fd_write(1, P((char *)iov), 1, P((char *)&used)), FAULT);
    uint32_t iov2[2] = {0xFFFFFFF0u, 0x20};
    expect("fd_write with a buffer wrapping around",
           raw_fd_write(1, P((char *)iov2), 1, P((char *)&used)), FAULT);
    uint32_t ok_iov[2] = {(uint32_t)P("x"), 1};
    expect("fd_write with nwritten past the end", raw_fd_write(1, P((char *)ok_iov), 1, end - 2),
           FAULT);
    expect("fd_read with nread past the end", raw_fd_read(0, P((char *)ok_iov), 1, end), FAULT);
    expect("path_open with the path past the end",
           raw_path_open(3, 0, end - 3, 10, 0, 0, 0, 0, P((char *)&used)), FAULT);
    expect("path_open with a huge path length",
           raw_path_open(3, 0, P(in), 0x7FFFFFFF, 0, 0, 0, 0, P((char *)&used)), FAULT);
    expect("path_open with the result past the end",
           raw_path_open(3, 0, P(in), 10, 0, 0, 0, 0, end - 1), FAULT);
    expect("args_get into the last byte", raw_args_get(end - 1, end - 1), FAULT);
    expect("random_get past the end", raw_random_get(end - 16, 32), FAULT);
    expect("clock_time_get past the end", raw_clock_time_get(1, 0, end - 4), FAULT);
    expect("poll_oneoff with subscriptions past the end",
           raw_poll_oneoff(end - 48, P((char *)iov), 2, P((char *)&used)), FAULT);
    expect("fd_readdir with a buffer past the end",
           raw_fd_readdir(3, end - 10, 100, 0, P((char *)&used)), FAULT);
    expect("prestat_dir_name with a short buffer", raw_fd_prestat_dir_name(3, P(name), 2), 37);
    /* fd 3 (the preopen) is open and not a socket; fd 99 is not open */
    expect("sock_accept on a directory", raw_sock_accept(3, 0, P((char *)&used)), NOTSOCK);
    expect("sock_accept on no descriptor", raw_sock_accept(99, 0, P((char *)&used)), 8);

    printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
}
