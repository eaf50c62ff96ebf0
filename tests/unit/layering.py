#!/usr/bin/env python3
"""layering.py OBJECT... -- src/wasm/ reads as a pipeline: each file calls only
files of its own stage or below, and no two files call each other.

The stages, bottom to top (a file not listed fails the check, so a new file
gets a stage when it is added):
"""
import collections
import os
import subprocess
import sys

STAGES = [
    # the base: errors, type names, the instruction table, the internal code's
    # description, the host's memory
    ["platform", "error", "types", "opcodes", "code"],
    # the text format read into the binary format (src/wat/)
    ["wat_lex", "wat_num", "wat_types", "wat_instr", "wat_parse"],
    # a module's bytes decoded and validated (outside function bodies)
    ["module", "subtype", "decode", "constexpr", "validate_module"],
    # function bodies validated and compiled; fuse.c the superinstructions
    ["compile_read", "compile_pool", "fuse", "compile_ctl", "compile_mem", "compile_exn", "compile_ref", "compile_gc", "compile"],
    # the runtime's objects
    # (watchdog.c: the thread that marks expired deadlines)
    ["watchdog", "store", "typereg", "gc", "memory", "table", "global", "exn"],
    # running compiled code
    ["interp", "interp_x86v3"],
    # the compiling tier (src/jit): running machine code, WebAssembly to
    # LLVM IR, LLVM to machine code; jit_none without LLVM
    # the compiling tier's runtime, and its compiler (src/jit, a library of
    # its own loaded by jit_load; jit_none without LLVM)
    ["jit_rt", "jit_cache", "jit_elf"],
    ["jit_load", "jit_none"],
    # bytes to a runnable module and back
    ["load"],
    # instantiation and linking
    ["constexpr_eval", "instance", "linker"],
    # the auto tier: sampling, compiling modules in the background, and
    # handing the code to the stores' instances
    ["jit_auto"],
    # the embedder's entry points that tie the stages together, and tools
    ["api", "engine", "disasm", "wat_print"],
]

def main():
    # ctest passes CMake's object list as one ';'-separated argument
    sys.argv[1:] = [o for a in sys.argv[1:] for o in a.split(";") if o]
    stage = {f: i for i, files in enumerate(STAGES) for f in files}
    defs, uses = {}, collections.defaultdict(set)
    for obj in sys.argv[1:]:
        name = os.path.basename(obj).split(".")[0]
        out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDRB":
                defs[p[2]] = name
            elif len(p) == 2 and p[0] == "U":
                uses[name].add(p[1])
    bad = 0
    files = sorted({os.path.basename(o).split(".")[0] for o in sys.argv[1:]})
    for f in files:
        if f not in stage:
            print(f"layering: {f}.c has no stage in tests/unit/layering.py")
            bad += 1
    calls = collections.defaultdict(set)
    for f, syms in uses.items():
        for sym in syms:
            g = defs.get(sym)
            if g and g != f:
                calls[f].add((g, sym))
    for f in files:
        for g, sym in sorted(calls[f]):
            if f in stage and g in stage and stage[g] > stage[f]:
                print(f"layering: {f}.c (stage {stage[f]}) calls {sym} of {g}.c (stage {stage[g]}), a later stage")
                bad += 1
            if any(h == f for h, _ in calls[g]) and f < g:
                print(f"layering: {f}.c and {g}.c call each other")
                bad += 1
    print(f"layering: {len(files)} files, {sum(len(c) for c in calls.values())} cross-file calls, "
          f"{bad} problems")
    return 1 if bad or not files else 0

if __name__ == "__main__":
    sys.exit(main())
