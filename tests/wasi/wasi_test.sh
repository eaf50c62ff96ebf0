#!/usr/bin/env bash
# wasi_test.sh CASE OXIDE BINDIR SRCDIR — one WASI end-to-end test.
# BINDIR holds wasi_NAME.wasm and the native builds wasi_native_NAME.
# Each case fails loudly (exit 1) naming what differed.
set -uo pipefail
case_name=$1 oxide=$2 bin=$3 src=$4
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }

# expect_status WANT CMD...: run, keep stdout/stderr in $tmp/out, $tmp/err.
expect_status() {
    local want=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    local got=$?
    if [ "$got" != "$want" ]; then
        echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"
        fail "'$*' exited $got, expected $want"
    fi
}

same_output() { # FILE1 FILE2 WHAT
    if ! cmp -s "$1" "$2"; then
        diff -u "$1" "$2" | head -40
        fail "$3 differ"
    fi
}

case $case_name in
usage)
    expect_status 0 "$oxide" run --help
    for opt in --dir --dir-ro --env --invoke --help; do
        grep -q -- "$opt" "$tmp/out" || fail "--help does not mention $opt"
    done
    expect_status 2 "$oxide" run
    grep -q "no PROGRAM" "$tmp/err" || fail "no message for a missing program"
    expect_status 2 "$oxide" run --bogus "$bin/wasi_stdio.wasm"
    grep -q "unknown option '--bogus'" "$tmp/err" || fail "unknown option not named"
    expect_status 2 "$oxide" run --env NOEQUALS "$bin/wasi_stdio.wasm"
    grep -q "NAME=VALUE" "$tmp/err" || fail "bad --env not explained"
    expect_status 2 "$oxide" run --dir
    grep -q -- "--dir needs a value" "$tmp/err" || fail "missing --dir value not explained"
    expect_status 3 "$oxide" run --dir "$tmp/does-not-exist" "$bin/wasi_stdio.wasm"
    grep -q "does-not-exist" "$tmp/err" || fail "a bad preopen is not named"
    expect_status 3 "$oxide" run "$tmp/missing.wasm"
    grep -q "missing.wasm" "$tmp/err" || fail "a missing program is not named"
    printf 'not wasm' >"$tmp/junk.wasm"
    expect_status 3 "$oxide" run "$tmp/junk.wasm"
    [ -s "$tmp/err" ] || fail "no message for a malformed module"
    # A module without _start is not a command.
    expect_status 2 "$oxide" run "$bin/wasi_reactor.wasm"
    grep -q "_start" "$tmp/err" || fail "missing _start not explained"
    ;;
stdio)
    printf 'hello wasi\nsecond line with  words\nno newline at end' >"$tmp/in"
    "$bin/wasi_native_stdio" <"$tmp/in" >"$tmp/native" 2>"$tmp/native_err" || fail "native run failed"
    "$oxide" run "$bin/wasi_stdio.wasm" <"$tmp/in" >"$tmp/wasm" 2>"$tmp/wasm_err" \
        || fail "oxide run exited $?"
    same_output "$tmp/native" "$tmp/wasm" "stdout of native and wasm runs"
    same_output "$tmp/native_err" "$tmp/wasm_err" "stderr of native and wasm runs"
    grep -q "HELLO WASI" "$tmp/wasm" || fail "stdin was not echoed"
    # Output into a pipe whose reader has gone: the program gets EPIPE (its
    # stdio ignores it and returns 0); no SIGPIPE kills oxide, nothing hangs.
    for i in $(seq 20000); do echo "line $i of a long input"; done >"$tmp/big"
    "$oxide" run "$bin/wasi_stdio.wasm" <"$tmp/big" 2>/dev/null | head -c 1 >/dev/null
    status=${PIPESTATUS[0]}
    [ "$status" = 0 ] || fail "writing to a closed pipe ended oxide with status $status"
    ;;
args_env)
    args=(one "two words" "" "ünïcödé" -- --dir)
    env -i OXT_A=1 "OXT_B=two words" OXT_EMPTY= "$bin/wasi_native_args_env" "${args[@]}" \
        >"$tmp/native" || fail "native run failed"
    # OXT_LEAK is in oxide's own environment: the program must not see it.
    OXT_LEAK=1 "$oxide" run --env OXT_A=1 --env "OXT_B=two words" --env=OXT_EMPTY= -- \
        "$bin/wasi_args_env.wasm" "${args[@]}" >"$tmp/wasm" || fail "oxide run exited $?"
    same_output "$tmp/native" "$tmp/wasm" "argv/environment of native and wasm runs"
    grep -q LEAK "$tmp/wasm" && fail "the host environment leaked into the program"
    grep -q 'argv\[5\]=\[--\]' "$tmp/wasm" || fail "arguments after PROGRAM were parsed as options"
    ;;
exit_code)
    expect_status 0 "$oxide" run "$bin/wasi_args_env.wasm"
    expect_status 42 "$oxide" run --env OXT_EXIT=42 "$bin/wasi_args_env.wasm"
    expect_status 3 "$oxide" run --env OXT_EXIT=3 "$bin/wasi_args_env.wasm"
    grep -q "env OXT_EXIT=3" "$tmp/out" || fail "output before exit() was lost"
    ;;
trap)
    expect_status 134 "$oxide" run "$bin/wasi_trap.wasm"
    grep -q "before the trap" "$tmp/out" || fail "output before the trap was lost"
    grep -q "not reached" "$tmp/out" && fail "execution went on after the trap"
    grep -q "unreachable" "$tmp/err" || fail "trap message missing: $(cat "$tmp/err")"
    grep -q "crash_here" "$tmp/err" || fail "trapping function not named: $(cat "$tmp/err")"
    ;;
invoke)
    expect_status 0 "$oxide" run --invoke add "$bin/wasi_reactor.wasm" 2 40
    [ "$(cat "$tmp/out")" = 42 ] || fail "add 2 40 printed '$(cat "$tmp/out")'"
    expect_status 0 "$oxide" run --invoke=mul64 "$bin/wasi_reactor.wasm" 4294967296 -3
    [ "$(cat "$tmp/out")" = -12884901888 ] || fail "mul64 printed '$(cat "$tmp/out")'"
    expect_status 0 "$oxide" run --invoke hello "$bin/wasi_reactor.wasm"
    [ "$(cat "$tmp/out")" = "hello from a reactor" ] || fail "hello printed '$(cat "$tmp/out")'"
    expect_status 2 "$oxide" run --invoke nosuch "$bin/wasi_reactor.wasm"
    grep -q "nosuch" "$tmp/err" || fail "a missing export is not named"
    expect_status 2 "$oxide" run --invoke add "$bin/wasi_reactor.wasm" 1
    grep -q "argument" "$tmp/err" || fail "a wrong argument count is not explained"
    expect_status 2 "$oxide" run --invoke add "$bin/wasi_reactor.wasm" 1 x
    [ -s "$tmp/err" ] || fail "a bad argument is not explained"
    ;;
files)
    mkdir "$tmp/native_dir" "$tmp/wasm_dir"
    "$bin/wasi_native_files" "$tmp/native_dir" >"$tmp/native" || { cat "$tmp/native"; fail "native run failed"; }
    "$oxide" run --dir "$tmp/wasm_dir::/sandbox" "$bin/wasi_files.wasm" /sandbox >"$tmp/wasm" \
        || { cat "$tmp/wasm"; fail "oxide run exited $?"; }
    same_output "$tmp/native" "$tmp/wasm" "file operation results of native and wasm runs"
    [ -z "$(ls -A "$tmp/wasm_dir")" ] || fail "the program did not clean up its directory"
    # The same program with the guest path equal to the host path.
    "$oxide" run --dir "$tmp/wasm_dir" "$bin/wasi_files.wasm" "$tmp/wasm_dir" >"$tmp/wasm2" \
        || fail "oxide run with --dir HOST exited $?"
    same_output "$tmp/native" "$tmp/wasm2" "results with --dir HOST"
    # Without a preopen the program can open nothing.
    expect_status 1 "$oxide" run "$bin/wasi_files.wasm" "$tmp/wasm_dir"
    ;;
errnos)
    # The errors of calls where WASI once answered differently from the host
    # (issue 12): each compared with the host's own answer.
    mkdir "$tmp/native_dir" "$tmp/wasm_dir"
    "$bin/wasi_native_errnos" "$tmp/native_dir" >"$tmp/native" || { cat "$tmp/native"; fail "native run failed"; }
    "$oxide" run --dir "$tmp/wasm_dir::/sandbox" "$bin/wasi_errnos.wasm" /sandbox >"$tmp/wasm" \
        || { cat "$tmp/wasm"; fail "oxide run exited $?"; }
    same_output "$tmp/native" "$tmp/wasm" "errors of native and wasm runs"
    ;;
escape)
    box=$tmp/box
    mkdir -p "$box/sub" "$tmp/outside"
    echo secret >"$tmp/outside/secret.txt"
    echo inside >"$box/inside.txt"
    echo file >"$box/sub/file.txt"
    ln -s sub "$box/link_in"
    ln -s ../outside "$box/link_out"
    ln -s /etc "$box/link_abs"
    ln -s ../.. "$box/sub/up"
    ln -s loop2 "$box/loop1"
    ln -s loop1 "$box/loop2"
    before=$(cd "$tmp" && find . -printf '%p %s %m\n' | sort)
    expect_status 0 "$oxide" run --dir "$box::/sandbox" "$bin/wasi_escape.wasm"
    grep -q "PASSED: 0 failure" "$tmp/out" || { cat "$tmp/out"; fail "escape checks failed"; }
    # Nothing outside the preopen, and nothing inside, changed.
    rm -f "$tmp/out" "$tmp/err"
    after=$(cd "$tmp" && find . -printf '%p %s %m\n' | sort)
    [ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after"); fail "the file tree changed"; }
    [ "$(cat "$tmp/outside/secret.txt")" = secret ] || fail "secret.txt changed"
    ;;
readonly)
    ro=$tmp/ro
    mkdir -p "$ro/dir"
    echo "read-only data" >"$ro/data.txt"
    before=$(cd "$ro" && find . -printf '%p %s %m %T@\n' | sort; md5sum data.txt)
    expect_status 0 "$oxide" run --dir-ro "$ro::/ro" --env RO_DIR=/ro "$bin/wasi_readonly.wasm"
    grep -q "PASSED: 0 failure" "$tmp/out" || { cat "$tmp/out"; fail "read-only checks failed"; }
    grep -q "read: read-only data" "$tmp/out" || fail "reading a read-only preopen failed"
    after=$(cd "$ro" && find . -printf '%p %s %m %T@\n' | sort; md5sum data.txt)
    [ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after"); fail "the read-only tree changed"; }
    # The same directory given with --dir is writable, so the refusals above
    # come from --dir-ro and not from the host's permissions.
    expect_status 1 "$oxide" run --dir "$ro::/ro" --env RO_DIR=/ro "$bin/wasi_readonly.wasm"
    [ -e "$ro/new.txt" ] || fail "--dir did not allow creating a file"
    ;;
clocks)
    "$bin/wasi_native_clocks" >"$tmp/native" || { cat "$tmp/native"; fail "native run failed"; }
    "$oxide" run "$bin/wasi_clocks.wasm" >"$tmp/wasm" || { cat "$tmp/wasm"; fail "oxide run exited $?"; }
    grep -v "poll_oneoff" "$tmp/wasm" >"$tmp/wasm_common"
    same_output "$tmp/native" "$tmp/wasm_common" "clock/random/poll results of native and wasm runs"
    [ "$(grep -c 'poll_oneoff.*ok' "$tmp/wasm")" = 5 ] || { cat "$tmp/wasm"; fail "poll_oneoff checks failed"; }
    ;;
lzpack)
    mkdir "$tmp/n" "$tmp/w"
    # A deterministic corpus: the test sources, three times over.
    for i in 1 2 3; do cat "$src"/guests/*.c; done >"$tmp/corpus.txt"
    head -c 200000 /dev/zero >>"$tmp/corpus.txt"
    cp "$tmp/corpus.txt" "$tmp/n/" && cp "$tmp/corpus.txt" "$tmp/w/"
    "$bin/wasi_native_lzpack" t "$tmp/n/corpus.txt" "$tmp/n" >"$tmp/native" || fail "native run failed"
    "$oxide" run --dir "$tmp/w::/data" "$bin/wasi_lzpack.wasm" t /data/corpus.txt /data >"$tmp/wasm" \
        || { cat "$tmp/wasm"; fail "oxide run exited $?"; }
    same_output "$tmp/native" "$tmp/wasm" "lzpack reports of native and wasm runs"
    grep -q "round trip identical" "$tmp/wasm" || fail "round trip failed"
    same_output "$tmp/n/corpus.txt.lz" "$tmp/w/corpus.txt.lz" "compressed files"
    same_output "$tmp/corpus.txt" "$tmp/w/corpus.txt.out" "decompressed file and original"
    # Cross-check: the native build decompresses what the wasm build packed.
    "$bin/wasi_native_lzpack" d "$tmp/w/corpus.txt.lz" "$tmp/cross" || fail "native unpack failed"
    same_output "$tmp/corpus.txt" "$tmp/cross" "natively unpacked wasm output"
    ;;
garbage)
    # Hostile arguments to every WASI function: the host must answer each
    # with an errno (no crash, no trap) and change nothing outside the box.
    mkdir -p "$tmp/box" "$tmp/outside"
    echo keep >"$tmp/outside/keep.txt"
    "$oxide" run --dir "$tmp/box::/box" --invoke run "$bin/wasi_garbage.wasm" 100000 \
        </dev/null >"$tmp/out" 2>/dev/null
    status=$?
    [ "$status" = 0 ] || fail "oxide run exited $status"
    [ "$(tail -c 7 "$tmp/out")" = "100000" ] || fail "the run did not complete 100000 calls"
    [ "$(ls -A "$tmp/outside")" = keep.txt ] && [ "$(cat "$tmp/outside/keep.txt")" = keep ] \
        || fail "something outside the preopen changed"
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok: wasi/$case_name"
