/* args_env.c — prints its arguments (not argv[0], which differs between a
   native and a wasm run) and the environment variables whose names start
   with OXT_, sorted; exits with the status in OXT_EXIT if that is set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s]\n", i, argv[i]);
    const char *vars[64];
    int n = 0;
    for (char **e = environ; *e && n < 64; e++)
        if (!strncmp(*e, "OXT_", 4))
            vars[n++] = *e;
    qsort(vars, (size_t)n, sizeof vars[0], cmp);
    for (int i = 0; i < n; i++)
        printf("env %s\n", vars[i]);
    const char *code = getenv("OXT_EXIT");
    fflush(stdout);
    if (code)
        exit(atoi(code));
    return 0;
}
