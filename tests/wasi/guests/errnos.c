/* errnos.c — calls whose error the host (Linux) and WASI must agree on
   (issue 12), inside the directory given as argv[1] (a preopen under WASI,
   a temporary directory natively). Each line prints a call and the errno
   name it got (or "ok"); the test compares the native and the wasm output,
   so every answer is checked against the host's own answer to the same
   call. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *dir;

static const char *P(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* errno values differ between the two libcs: print names. */
static const char *name(int e)
{
    switch (e) {
    case EBADF: return "EBADF";
    case ENOTSOCK: return "ENOTSOCK";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    default: return strerror(e);
    }
}

static void report(const char *what, int rc)
{
    printf("%-44s %s\n", what, rc < 0 ? name(errno) : "ok");
    errno = 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: errnos DIR\n");
        return 2;
    }
    dir = argv[1];
    int fd = open(P("file"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || mkdir(P("sub"), 0755) < 0) {
        perror("setup");
        return 1;
    }
    close(fd);

    /* 1. sockets: a descriptor that is not open, then open ones that are
       not sockets */
    report("shutdown(99) (not open)", shutdown(99, SHUT_RDWR));
    report("shutdown(stdout)", shutdown(1, SHUT_RDWR));
    int f = open(P("file"), O_RDONLY);
    report("shutdown(a file)", shutdown(f, SHUT_RDWR));
    char b[4];
    report("recv(a file)", (int)recv(f, b, sizeof b, 0));
    report("send(a file)", (int)send(f, "x", 1, 0));
    report("recv(99) (not open)", (int)recv(99, b, sizeof b, 0));
    report("send(99) (not open)", (int)send(99, "x", 1, 0));
    close(f);
    int d = open(P("sub"), O_RDONLY | O_DIRECTORY);
    report("shutdown(a directory)", shutdown(d, SHUT_RDWR));
    close(d);

    /* 2. link with a new name ending in "/" */
    report("link(file, new/) (absent)", link(P("file"), P("new/")));
    report("link(file, sub/) (a directory)", link(P("file"), P("sub/")));
    report("link(file, file2) then link(file, file2/)", link(P("file"), P("file2")));
    report("link(file, file2/) (a file)", link(P("file"), P("file2/")));
    /* 3. symlink with a link name ending in "/" */
    report("symlink(file, lnk/) (absent)", symlink("file", P("lnk/")));
    report("symlink(file, sub/) (a directory)", symlink("file", P("sub/")));
    /* rename to a name ending in "/" (a file cannot become a directory) */
    report("rename(file2, moved/) (absent)", rename(P("file2"), P("moved/")));
    report("rename(sub, sub2/) (a directory)", rename(P("sub"), P("sub2/")));
    report("rename(sub2/, sub/)", rename(P("sub2/"), P("sub/")));
    /* names ending in "/" elsewhere */
    report("unlink(file/)", unlink(P("file/")));
    report("rmdir(file/)", rmdir(P("file/")));
    report("mkdir(dir2/)", mkdir(P("dir2/"), 0755));
    report("rmdir(dir2/)", rmdir(P("dir2/")));
    report("open(file/)", open(P("file/"), O_RDONLY));

    /* 4. a directory opened for writing */
    report("open(sub, O_RDWR | O_DIRECTORY)", open(P("sub"), O_RDWR | O_DIRECTORY));
    report("open(sub, O_WRONLY | O_DIRECTORY)", open(P("sub"), O_WRONLY | O_DIRECTORY));
    report("open(sub/, O_RDWR)", open(P("sub/"), O_RDWR));
    d = open(P("sub"), O_RDONLY | O_DIRECTORY);
    report("open(sub, O_RDONLY | O_DIRECTORY)", d);
    if (d >= 0)
        close(d);

    unlink(P("file2"));
    unlink(P("file"));
    rmdir(P("sub"));
    return 0;
}
