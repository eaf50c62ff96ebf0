/* cmd_invoke.c — placeholder until the command lands. */
#include <stdio.h>

#include "commands.h"

int cmd_invoke(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "oxide %s: not implemented yet\n", argv[0]);
    return 2;
}
