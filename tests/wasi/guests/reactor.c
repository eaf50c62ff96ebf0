/* reactor.c — a WASI reactor (no main): `oxide run --invoke` must run its
   _initialize and then the export, passing typed arguments. */
#include <stdint.h>
#include <stdio.h>

int32_t add(int32_t a, int32_t b) { return a + b; }

int64_t mul64(int64_t a, int64_t b) { return a * b; }

void hello(void)
{
    printf("hello from a reactor\n");
    fflush(stdout);
}
