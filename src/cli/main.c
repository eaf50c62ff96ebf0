/* main.c — `oxide`: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "oxide/wasm.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"run", cmd_run, "run a WASI program (wasm32-wasi command)"},
    {"inspect", cmd_inspect, "print a module's imports and exports, or (--code) its compiled code"},
    {"invoke", cmd_invoke, "call an export with typed arguments and print its results"},
    {"exports", cmd_exports, "list a module's exported functions (runs nothing)"},
    {"call", cmd_call, "the same as invoke"},
    {"call-json", cmd_call_json, "call a guest through the JSON ABI (alloc/free/oxide_invoke)"},
    {"wat2wasm", cmd_wat2wasm, "translate a text module (.wat) to a validated binary (.wasm)"},
    {"compile", cmd_compile, "compile modules to machine code ahead of time, into the code cache"},
    {"wast", cmd_wast, "run WebAssembly spec-test scripts (.wast)"},
    {"mcp", cmd_mcp, "serve modules as agent tools over the Model Context Protocol"},
    {"log", cmd_log, "verify or list the decision log of a registry (a hash chain)"},
    {"demo", cmd_demo, "run the kernel demo: modules, bus, registry, in memory"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: oxide COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'oxide COMMAND --help' describes each command; 'oxide --version' the build.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("oxide %s\ninterpreter: %s\ncompiling tier: %s\n", OX_VERSION, ox_interp_isa(),
               ox_jit_available() ? "LLVM (--tier jit)" : "none (built without LLVM)");
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "oxide: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
