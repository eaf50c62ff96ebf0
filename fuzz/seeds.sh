#!/usr/bin/env bash
# seeds.sh HARNESS CORPUS_DIR BUILD_DIR — put seed inputs for a harness in
# its corpus (once): modules from the spec suite and the example guests.
set -euo pipefail
h=$1; corpus=$2; build=$3
root=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$(ls -A "$corpus" 2>/dev/null)" ] && exit 0
case $h in
  fuzz_module|fuzz_instance)
    # the test and example modules the build made (binary)
    find "$build" -name '*.wasm' -size -64k -not -path '*/corpus/*' -exec cp {} "$corpus/" \; 2>/dev/null || true
    # 3.0 features (issue #17): tail calls, multi-memory, memory64, exception
    # handling (exnref and legacy), GC
    if [ -x "$build/src/cli/oxide" ]; then
      for w in tests/cli/tailcall.wat tests/kernel/guests/two_memories.wat tests/kernel/guests/grow64.wat \
               tests/cli/exceptions.wat tests/kernel/guests/gc_hoard.wat bench/proposals/binary_trees.wat \
               bench/proposals/exceptions.wat; do
        "$build/src/cli/oxide" wat2wasm "$root/$w" -o "$corpus/$(basename "$w" .wat).wasm" 2>/dev/null || true
      done
    fi ;;
  fuzz_wat)
    # text modules of the tests, and a few spec scripts' worth of text
    find "$root/tests" "$root/examples" -name '*.wat' -size -64k -exec cp {} "$corpus/" \; 2>/dev/null || true
    suite=${OX_TESTSUITE:-$root/../shared/wasm-testsuite}
    for w in i32 f32 br_table call_indirect memory bulk elem data global names; do
      [ -f "$suite/$w.wast" ] && cp "$suite/$w.wast" "$corpus/$w.wast"
    done
    suite3=${OX_TESTSUITE3:-$root/../shared/wasm-testsuite-3.0}
    for w in return_call return_call_indirect memory64 address64 table64 bulk64 memory_copy64 load1 \
             throw throw_ref try_table legacy/try_catch legacy/try_delegate legacy/rethrow \
             struct array array_copy i31 ref_cast br_on_cast type-subtyping type-rec call_ref \
             br_on_null local_init extern; do
      [ -f "$suite3/$w.wast" ] && cp "$suite3/$w.wast" "$corpus/$(basename "$w").wast"
    done
    true ;;
  fuzz_elf)
    # objects shaped like the compiler's: x86-64, small code model, PIC
    # (calls through PLT32 entries, constants PC32), and one of the large
    # model (64-bit absolute relocations) for the other paths
    printf 'extern int g(int); static const double k[4] = {1, 2, 3, 4};\n
int f(int x) { switch (x & 7) { case 0: return g(x); case 1: return (int)k[x & 3];
case 2: return x * 3; case 3: return x - 1; case 4: return x ^ 5; default: return 0; } }\n' \
      >"$corpus/seed.c"
    clang -c -O2 -fPIC -o "$corpus/seed.o" "$corpus/seed.c" 2>/dev/null || true
    clang -c -O2 -mcmodel=large -fno-pic -o "$corpus/seed-large.o" "$corpus/seed.c" 2>/dev/null || true
    rm -f "$corpus/seed.c"
    true ;;
  *)
    if [ -d "$root/fuzz/seeds/$h" ]; then cp "$root/fuzz/seeds/$h"/* "$corpus/"; fi ;;
esac
