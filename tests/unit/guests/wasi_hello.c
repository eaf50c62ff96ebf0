/* A wasm32-wasi command for the decoder tests: wasi-libc brings imports,
   many functions, a name section and a sizeable data section. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%d args, first %s", argc, argc > 0 ? argv[0] : "-");
    puts(buf);
    return (int)strlen(buf) % 2 == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
