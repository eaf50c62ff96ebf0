#!/usr/bin/env bash
# selftest.sh OXIDE RUNNER.wast — run `oxide wast` on runner.wast and check
# its report against the marker ending each command's first line: PASS,
# FAIL (one line naming FILE:LINE), SKIP.
set -u
oxide=$1 wast=$2
out=$(mktemp "${TMPDIR:-/tmp}/ox-wast-selftest.XXXXXX")
trap 'rm -f "$out"' EXIT
lines() { grep -n ";; $1\$" "$wast" | cut -d: -f1; }

"$oxide" wast --timeout 300 "$wast" >"$out" 2>&1
rc=$?
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

[ $rc = 1 ] || fail "exit status $rc, want 1 (there are failures)"
npass=$(lines PASS | wc -l) nfail=$(lines FAIL | wc -l) nskip=$(lines SKIP | wc -l)
want="total: $npass passed, $nfail failed, $nskip skipped"
[ "$(tail -1 "$out")" = "$want" ] || fail "last line '$(tail -1 "$out")', want '$want'"
for l in $(lines FAIL); do
    grep -q "^$wast:$l: " "$out" || fail "line $l should be reported as a failure"
done
for l in $(lines PASS) $(lines SKIP); do
    grep -q "^$wast:$l: " "$out" && fail "line $l is reported as a failure"
done
# A failure names what went wrong.
grep -q 'got f64:0 (0x0000000000000000), expected f64:-0\|got f64:-0 (0x8000000000000000), expected f64:0 ' "$out" ||
    fail "the -0/+0 failure does not show both values"
grep -q 'no current module (the module at line [0-9]* failed)' "$out" ||
    fail "a command after a failed module does not name the failed module"
grep -q 'deadline exceeded' "$out" || fail "the endless loop was not stopped by --timeout"
if [ $failures -gt 0 ]; then
    echo "--- oxide wast said:"
    cat "$out"
    exit 1
fi
echo "selftest: ok ($want)"
