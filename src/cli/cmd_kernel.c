/* cmd_kernel.c — placeholder until the kernel commands land. */
#include <stdio.h>

#include "commands.h"

static int todo(char **argv)
{
    fprintf(stderr, "oxide %s: not implemented yet\n", argv[0]);
    return 2;
}

int cmd_exports(int argc, char **argv) { (void)argc; return todo(argv); }
int cmd_call(int argc, char **argv) { (void)argc; return todo(argv); }
int cmd_call_json(int argc, char **argv) { (void)argc; return todo(argv); }
