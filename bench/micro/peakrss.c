/* peakrss.c — run a command and print its peak resident set size in KiB
   (getrusage of the child, via wait4). bench/run uses it for the "peak
   RSS of the smallest WASI program" figure.

   Why not measure from Python: Linux charges a process, at exec, with the
   peak RSS of the address space it had before exec — for a child forked or
   vforked from Python that is Python's ~16 MiB. posix_spawn from this tiny
   program shares its ~1 MiB address space instead, so the floor is small
   and the same for every runtime (the native hello shows it).

   Usage: peakrss CMD [ARGS...]   (the command's stdout goes to /dev/null)
   Prints "<KiB> <exit status>"; exits 2 if the command cannot be run. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: peakrss CMD [ARGS...]\n");
        return 2;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int err = posix_spawnp(&pid, argv[1], &fa, NULL, argv + 1, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err) {
        fprintf(stderr, "peakrss: cannot run %s: %s\n", argv[1], strerror(err));
        return 2;
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("peakrss: wait4");
        return 2;
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("%ld %d\n", ru.ru_maxrss, code);
    return 0;
}
