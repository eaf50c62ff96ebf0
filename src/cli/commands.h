/* commands.h — the `oxide` subcommands. Each lives in its own cmd_*.c file
   and returns the process exit status. argv[0] is the subcommand's name. */
#ifndef OX_CLI_COMMANDS_H
#define OX_CLI_COMMANDS_H

int cmd_inspect(int argc, char **argv);   /* cmd_inspect.c */
int cmd_invoke(int argc, char **argv);    /* cmd_invoke.c */
int cmd_run(int argc, char **argv);       /* cmd_run.c */
int cmd_exports(int argc, char **argv);   /* cmd_kernel.c */
int cmd_call(int argc, char **argv);      /* cmd_kernel.c */
int cmd_call_json(int argc, char **argv); /* cmd_kernel.c */
int cmd_demo(int argc, char **argv);      /* cmd_demo.c */
int cmd_wast(int argc, char **argv);      /* cmd_wast.c */
int cmd_wat2wasm(int argc, char **argv);  /* cmd_wat2wasm.c */
int cmd_compile(int argc, char **argv);   /* cmd_compile.c */
int cmd_mcp(int argc, char **argv);       /* cmd_mcp.c */
int cmd_log(int argc, char **argv);       /* cmd_log.c */

#endif
