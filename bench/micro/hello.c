/* hello.c — the smallest useful WASI program: bench/run uses it to check
   that a runtime works at all and to measure its peak RSS. */
#include <stdio.h>

int main(void)
{
    puts("hello");
    return 0;
}
