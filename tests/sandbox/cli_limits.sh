#!/usr/bin/env bash
# cli_limits.sh OXIDE GUESTDIR — the limit options of `oxide run`, `invoke`,
# `call` and `call-json`: --max-memory, --fuel, --timeout. Each check looks
# at the exit status, stdout and the words the error must contain. Timing is
# loose on purpose (a 100 ms timeout must end within 5 s) so a loaded CI
# machine cannot make it flake, while a limit that is ignored still hangs
# past it and fails.
set -u
oxide=$1 dir=$2
failures=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ox-sbx-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# expect RC STDOUT [STDERR-SUBSTRING...] -- ARGS...
expect() {
    local want_rc=$1 want_out=$2
    shift 2
    local needles=()
    while [ "$1" != "--" ]; do needles+=("$1"); shift; done
    shift
    local out err rc
    # timeout(1) is the safety net for a limit that does not work.
    out=$(timeout 20 "$oxide" "$@" 2>"$tmp/err")
    rc=$?
    err=$(cat "$tmp/err")
    local ok=1
    [ "$rc" = "$want_rc" ] || ok=0
    [ "$out" = "$want_out" ] || ok=0
    for n in "${needles[@]+"${needles[@]}"}"; do
        case "$err" in *"$n"*) ;; *) ok=0 ;; esac
    done
    if [ $ok = 0 ]; then
        failures=$((failures + 1))
        echo "FAIL: oxide $*"
        echo "  exit $rc (want $want_rc); stdout: $out (want $want_out)"
        echo "  stderr: $err (want: ${needles[*]+"${needles[*]}"})"
    fi
}

# within SECONDS ARGS... — the command ends within SECONDS of wall time.
within() {
    local limit=$1
    shift
    local t0 t1
    t0=$(date +%s%N)
    timeout 20 "$oxide" "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    local ms=$(((t1 - t0) / 1000000))
    if [ $ms -gt $((limit * 1000)) ]; then
        failures=$((failures + 1))
        echo "FAIL: oxide $* took ${ms} ms (limit ${limit} s)"
    fi
}

w=$dir/json_spin.wasm s=$dir/start_loop.wasm b=$dir/big_min.wasm

# --- run -----------------------------------------------------------------
# a limit that stops a guest exits 124 (cli_call.h)
expect 124 '' 'deadline exceeded' -- run --timeout 100 "$s"
within 5 run --timeout 100 "$s"
expect 124 '' 'fuel exhausted' -- run --fuel 1000 "$s"
# A guest asleep in a host call (poll_oneoff, one hour) is ended too.
expect 124 '' 'deadline exceeded' -- run --timeout 200 "$dir/sleep.wasm"
within 5 run --timeout 200 "$dir/sleep.wasm"
expect 124 '' 'fuel exhausted' -- run --fuel=1000 "$s"
# 1 MiB = 16 pages: the memory starts at 1 and grows 15 times.
expect 0 '16' -- run --max-memory 1M --invoke membomb "$s"
expect 0 '16' -- run --max-memory=1048576 --invoke membomb "$s"
expect 0 '2' -- run --max-memory 190K --invoke membomb "$s"   # rounds down to 2 pages
expect 124 '' 'memory' -- run --max-memory 64K "$b"
expect 2 '' "--max-memory '1X'" 'suffix' -- run --max-memory 1X "$s"
expect 2 '' "--max-memory 'lots'" -- run --max-memory lots "$s"
expect 2 '' "--max-memory '-1M'" -- run --max-memory -1M "$s"
expect 2 '' "less than one 64 KiB page" -- run --max-memory 1000 "$s"
expect 2 '' "--max-memory '99999999999999999999'" 'too large' -- run --max-memory 99999999999999999999 "$s"
expect 2 '' "--max-memory '17179869184G'" 'too large' -- run --max-memory 17179869184G "$s"
expect 2 '' "--fuel '0'" 'positive' -- run --fuel 0 "$s"
expect 2 '' "--fuel '1e3'" -- run --fuel 1e3 "$s"
expect 2 '' "--timeout '-5'" 'milliseconds' -- run --timeout -5 "$s"
expect 2 '' '--timeout needs a value' -- run --timeout
"$oxide" run --help | grep -q -- '--max-memory BYTES' || { echo "FAIL: run --help"; failures=$((failures + 1)); }

# --- invoke --------------------------------------------------------------
expect 124 '' 'deadline exceeded' -- invoke --timeout 100 "$w" spin 0
within 5 invoke --timeout 100 "$w" spin 0
# fuel is one unit per instruction: count's loop runs 100 times on 5000
expect 124 '' 'fuel exhausted' -- invoke --fuel 5000 "$w" count 100000
expect 0 '100' -- invoke --fuel 5000 "$w" count 100
expect 0 '4' -- invoke --max-memory 256K "$w" membomb
expect 124 '' 'exceeds the limit of 16 pages' -- invoke --max-memory 1M "$b" pages
expect 0 '100' -- invoke --max-memory 100M "$b" pages
expect 2 '' "--fuel 'x'" -- invoke --fuel x "$w" count 1
"$oxide" invoke --help | grep -q -- '--timeout MS' || { echo "FAIL: invoke --help"; failures=$((failures + 1)); }

# --- call and call-json --------------------------------------------------
expect 124 '' 'deadline exceeded' -- call-json --timeout 100 "$w" forever '{}'
within 5 call-json --timeout 100 "$w" forever '{}'
expect 0 '{"ok":true}' -- call-json --timeout 100 "$w" ok '{}'
expect 124 '' 'fuel exhausted' -- call-json --fuel 1000 "$w" forever '{}'
expect 0 '{"ok":true}' -- call-json --fuel 1000 "$w" ok '{}'
expect 124 '' 'memory' -- call-json --max-memory 1M "$b" x '{}'
expect 2 '' "--timeout 'soon'" -- call-json --timeout soon "$w" ok '{}'
expect 124 '' 'fuel exhausted' -- call --fuel 5000 "$w" count 100000
expect 0 '8' -- call --max-memory 512K "$w" membomb
"$oxide" call-json --help 2>&1 | grep -q -- '--fuel N' || { echo "FAIL: call-json --help"; failures=$((failures + 1)); }

if [ $failures -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all limit checks passed"
