/* trap.c — prints a line, then traps in a function with a recognisable
   name, so `oxide run` must report the trap and that name. */
#include <stdio.h>

__attribute__((noinline)) void crash_here(volatile int *p)
{
    if (*p == 1)
        __builtin_trap();
}

int main(void)
{
    volatile int one = 1;
    printf("before the trap\n");
    fflush(stdout);
    crash_here(&one);
    printf("not reached\n");
    return 0;
}
