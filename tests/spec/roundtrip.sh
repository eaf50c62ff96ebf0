#!/usr/bin/env bash
# roundtrip.sh OXIDE FILE.wast... — the printer/reader round trip on every
# module of the scripts that the engine loads: a module from text printed
# and read back gives the same binary; a module from binary, the same text
# when printed again (`oxide wast --round-trip`). Commands that fail for
# other reasons (features not there yet) are not this test's business.
set -u
oxide=$1
shift
out=$("$oxide" wast --round-trip "$@")
rc=$?
if [ $rc -gt 1 ]; then
    echo "roundtrip.sh: oxide wast died (exit status $rc)"
    exit 1
fi
bad=$(printf '%s\n' "$out" | grep "round trip:")
modules=$(printf '%s\n' "$out" | tail -1)
if [ -n "$bad" ]; then
    printf '%s\n' "$bad"
    echo "round trip: $(printf '%s\n' "$bad" | wc -l) module(s) failed"
    exit 1
fi
echo "round trip: every module that loads came back identical ($modules)"
