#!/usr/bin/env bash
# seeds.sh HARNESS CORPUS_DIR BUILD_DIR — put seed inputs for a harness in
# its corpus (once): modules from the spec suite and the example guests.
set -euo pipefail
h=$1; corpus=$2; build=$3
root=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$(ls -A "$corpus" 2>/dev/null)" ] && exit 0
case $h in
  fuzz_module|fuzz_instance)
    suite=${OX_TESTSUITE:-$root/../shared/wasm-testsuite}
    tmp=$(mktemp -d)
    for w in i32 i64 f32 f64 br_table call_indirect memory bulk table_copy ref_func global; do
      [ -f "$suite/$w.wast" ] && wast2json "$suite/$w.wast" -o "$tmp/$w.json" >/dev/null 2>&1 || true
    done
    find "$tmp" -name '*.wasm' -size -64k -exec cp {} "$corpus/" \; 2>/dev/null || true
    find "$build" -name '*.wasm' -size -64k -not -path '*/corpus/*' -exec cp {} "$corpus/" \; 2>/dev/null || true
    rm -rf "$tmp" ;;
  *)
    if [ -d "$root/fuzz/seeds/$h" ]; then cp "$root/fuzz/seeds/$h"/* "$corpus/"; fi ;;
esac
