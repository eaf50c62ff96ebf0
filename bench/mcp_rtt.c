/* mcp_rtt.c — tools/call round trips through `oxide mcp` over stdio, from a
   C client (pipes, blocking reads), so the figures hold the server's share
   and the kernel's pipe hand-off, not a JavaScript runtime's.

     ox_bench_mcp_rtt OXIDE MODULES_DIR TOOL [CALLS]

   Prints ping and tools/call p50/p99 in microseconds, one call at a time;
   every call's answer is checked to be a result for its id. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int to_srv, from_srv;
static char rbuf[1 << 20];
static size_t rlen;

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* One line from the server (without its newline), into line. */
static int read_line(char *line, size_t cap)
{
    for (;;) {
        char *nl = memchr(rbuf, '\n', rlen);
        if (nl) {
            size_t n = (size_t)(nl - rbuf);
            if (n >= cap)
                return -1;
            memcpy(line, rbuf, n);
            line[n] = 0;
            memmove(rbuf, nl + 1, rlen - n - 1);
            rlen -= n + 1;
            return 0;
        }
        ssize_t k = read(from_srv, rbuf + rlen, sizeof rbuf - rlen);
        if (k <= 0)
            return -1;
        rlen += (size_t)k;
    }
}

static int ask(const char *msg, long id, char *line, size_t cap)
{
    size_t n = strlen(msg);
    if (write(to_srv, msg, n) != (ssize_t)n)
        return -1;
    if (read_line(line, cap))
        return -1;
    char want[48];
    snprintf(want, sizeof want, "\"id\":%ld,\"result\"", id);
    return strstr(line, want) && !strstr(line, "\"isError\":true") ? 0 : -1;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    printf("%-10s p50 %6.0f µs   p99 %6.0f µs   (%d)\n", what, v[n / 2], v[n * 99 / 100], n);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s OXIDE MODULES_DIR TOOL [CALLS]\n", argv[0]);
        return 2;
    }
    int calls = argc > 4 ? atoi(argv[4]) : 5000;
    if (calls < 1)
        calls = 1;
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execl(argv[1], argv[1], "mcp", "--modules", argv[2], (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_srv = in[1];
    from_srv = out[0];
    static char line[1 << 16], msg[512];
    double *ping = calloc((size_t)calls, sizeof *ping), *call = calloc((size_t)calls, sizeof *call);
    if (!ping || !call ||
        ask("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"rtt\",\"version\":\"1\"}}}\n",
            0, line, sizeof line)) {
        fprintf(stderr, "mcp_rtt: no answer to initialize\n");
        return 1;
    }
    int bad = 0;
    for (int i = 0; i < calls; i++) {
        snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}\n", i + 1);
        double t = now_us();
        bad += ask(msg, i + 1, line, sizeof line) != 0;
        ping[i] = now_us() - t;
    }
    for (int i = 0; i < calls; i++) {
        long id = calls + i + 1;
        snprintf(msg, sizeof msg,
                 "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\","
                 "\"arguments\":{\"n\":%d}}}\n", id, argv[3], i);
        double t = now_us();
        bad += ask(msg, id, line, sizeof line) != 0;
        call[i] = now_us() - t;
    }
    close(to_srv);
    waitpid(pid, NULL, 0);
    report("ping", ping, calls);
    report("tools/call", call, calls);
    if (bad)
        printf("%d answers were not the expected result\n", bad);
    free(ping);
    free(call);
    return bad != 0;
}
