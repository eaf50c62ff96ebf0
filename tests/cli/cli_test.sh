#!/usr/bin/env bash
# cli_test.sh GROUP OXIDE WASMDIR [SRCDIR [REFUSE [JITLIB]]] — end-to-end checks of `oxide
# inspect` and `oxide invoke` on modules `oxide wat2wasm` built from
# tests/cli/*.wat, and (group text) of every command on text modules read
# straight from SRCDIR (the source tree). Each check
# compares the exact stdout and exit status, and for errors looks for the
# words that must appear in the message. REFUSE: a compiler library that
# refuses every module, JITLIB: the compiler library (group tier).
set -u
group=$1 oxide=$2 dir=$3 src=${4:-} refuse=${5:-} jitlib=${6:-}
failures=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ox-cli-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# expect RC STDOUT [STDERR-SUBSTRING...] -- ARGS...
expect() {
    local want_rc=$1 want_out=$2
    shift 2
    local needles=()
    while [ "$1" != "--" ]; do needles+=("$1"); shift; done
    shift
    local out err rc
    out=$("$oxide" "$@" 2>"$tmp/err")
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
        echo "  exit $rc (want $want_rc)"
        echo "  stdout: $(printf '%s' "$out" | sed 's/$/\\n/' | tr -d '\n')"
        echo "  want:   $(printf '%s' "$want_out" | sed 's/$/\\n/' | tr -d '\n')"
        [ ${#needles[@]} = 0 ] || echo "  stderr: $err (want it to contain: ${needles[*]})"
    fi
}

inspect_tests() {
    local m="$dir/arith.wasm"
    expect 0 'export memory "mem" 1..2 pages
export global "counter" mut i64
export global "pi" f64
export table "tab" funcref 2..
export func "add" (i32, i32) -> (i32)
export func "add64" (i64, i64) -> (i64)
export func "div_s" (i32, i32) -> (i32)
export func "fdiv" (f32, f32) -> (f32)
export func "id_f32" (f32) -> (f32)
export func "id_f64" (f64) -> (f64)
export func "f32_bits" (i32) -> (f32)
export func "f64_bits" (i64) -> (f64)
export func "split" (i64) -> (i32, i32, f64)
export func "nothing" () -> ()
export func "null_ref" () -> (funcref)
export func "crash" () -> ()
export func "load" (i32) -> (i32)
export func "vadd" (v128, v128) -> (v128)
export func "vmix" (i32, v128, f64) -> (f64, v128, i32)' -- inspect "$dir/arith.wasm"

    expect 0 'import func env.log (i32, i64) -> (f32)
import memory env.memory 1.. pages
import global env.limit mut i32
import table spectest.table funcref 10..20
export func "run" () -> (f32)' -- inspect "$dir/imports.wasm"

    expect 0 'export func "never" () -> (i32)' -- inspect "$dir/start_trap.wasm"

    printf '\0asm\1\0\0\0\1' >"$tmp/truncated.wasm"
    expect 3 '' "truncated.wasm" -- inspect "$tmp/truncated.wasm"
    printf 'not a module' >"$tmp/text.wasm"
    expect 3 '' "text.wasm" -- inspect "$tmp/text.wasm"
    expect 3 '' "missing.wasm" -- inspect "$tmp/missing.wasm"
    expect 2 '' "usage: oxide inspect" -- inspect
    expect 2 '' "usage: oxide inspect" -- inspect a.wasm b.wasm
    local help
    help=$("$oxide" inspect --help)
    case "$help" in "usage: oxide inspect"*) ;; *) failures=$((failures + 1)); echo "FAIL: inspect --help";; esac

    # --code: the compiled code; `return a + b` makes the add write slot 0
    expect 0 'func 0: 2 params, 0 locals, 0 constants, frame 4 slots, 4 cells
     0  i32.add                 p0 <- p0, p1
     3  RETURN' -- inspect --code "$m" add
    # a fused loop, and the same loop with fusion off
    # (LOOP holds the fuel of one iteration: the body's 8 instructions;
    # n - 1 runs as n + -1 so that it joins the add fusion; the result is
    # already in slot 0 for the return)
    expect 0 'func 1 $count: 1 params, 0 locals, 3 constants, frame 6 slots, 7 cells
     0  LOOP                    8
     2  BR_ADD_I32_NE           p0 <- p0, k1=0xffffffff, k2=0x0, ->2
     6  RETURN' -- inspect --code "$dir/loop.wasm" count
    expect 0 'func 1 $count: 1 params, 0 locals, 3 constants, frame 6 slots, 11 cells
     0  LOOP                    8
     2  i32.sub                 p0 <- p0, k0=0x1
     5  i32.ne                  t0 <- p0, k2=0x0
     8  BR_IF                   t0, ->2
    10  RETURN' -- inspect --code --no-fusion "$dir/loop.wasm" '$count'
    expect 2 '' "no function 'nope'" -- inspect --code "$m" nope
    expect 2 '' "imported" -- inspect --code "$dir/imports.wasm" 0
    expect 2 '' "usage: oxide inspect" -- inspect --no-fusion "$m"
}

invoke_tests() {
    local m="$dir/arith.wasm"
    # integers: signed decimal out, decimal/hex/unsigned in
    expect 0 '3' -- invoke "$m" add 1 2
    expect 0 '-2' -- invoke "$m" add -1 -1
    expect 0 '0' -- invoke "$m" add 4294967295 1
    expect 0 '-2147483648' -- invoke "$m" add 0x7fffffff 1
    expect 0 '-9223372036854775808' -- invoke "$m" add64 9223372036854775807 1
    expect 0 '-3' -- invoke "$m" div_s 7 -2
    # floats: shortest round-trip text, signed zero, infinities, NaN payloads
    expect 0 '0.33333334' -- invoke "$m" fdiv 1 3
    expect 0 'inf' -- invoke "$m" fdiv 1 0
    expect 0 '-inf' -- invoke "$m" fdiv -1 0
    expect 0 '-0' -- invoke "$m" id_f32 -0
    expect 0 '0.1' -- invoke "$m" id_f32 0.1
    expect 0 '0.1' -- invoke "$m" id_f64 0.1
    expect 0 '5e-324' -- invoke "$m" id_f64 0x1p-1074
    expect 0 '1.5' -- invoke "$m" id_f64 0x1.8p0
    expect 0 'nan:0x200000' -- invoke "$m" id_f32 nan:0x200000
    expect 0 '-nan' -- invoke "$m" id_f64 -nan
    expect 0 'nan' -- invoke "$m" f32_bits 0x7fc00000
    expect 0 '-nan' -- invoke "$m" f32_bits 0xffc00000
    expect 0 'nan:0x1' -- invoke "$m" f32_bits 0x7f800001
    expect 0 '-inf' -- invoke "$m" f32_bits 0xff800000
    expect 0 'nan:0x8000000000001' -- invoke "$m" f64_bits 0x7ff8000000000001
    # several results, one per line; none; a reference
    expect 0 '2
1
4294967298' -- invoke "$m" split 0x100000002
    expect 0 '' -- invoke "$m" nothing
    expect 0 'null' -- invoke "$m" null_ref
    # v128: v128:0x and up to 32 hex digits, a little-endian 128-bit number
    expect 0 'v128:0x00000004000000030000000200000001' -- \
        invoke "$m" vadd v128:0x00000003000000020000000100000000 v128:0x1000000010000000100000001
    expect 0 'v128:0x00000000ffffffffffffffffffffffff' -- \
        invoke "$m" vadd v128:0xffffffffffffffffffffffff v128:0x0
    expect 0 '2.5
v128:0x0000002a00000000000000000000000b
11' -- invoke "$m" vmix 42 v128:0xb 2.5
    expect 2 '' "'v128:0x1g' is not a v128" -- invoke "$m" vadd v128:0x1g v128:0x0
    expect 2 '' "'v128:0' is not a v128" "v128:0x and up to 32 hex digits" -- invoke "$m" vadd v128:0 v128:0x0
    # traps: exit 1, the message and the function on stderr
    # traps exit 134, as every command does (cli_call.h)
    expect 134 '' "div_s" "integer divide by zero" -- invoke "$m" div_s 1 0
    expect 134 '' "div_s" "integer overflow" -- invoke "$m" div_s -2147483648 -1
    expect 134 '' "crash" "unreachable" -- invoke "$m" crash
    expect 134 '' "load" "out of bounds memory access" -- invoke "$m" load 65535
    expect 134 '' "unreachable" -- invoke "$dir/start_trap.wasm" never
    expect 134 '' "integer divide by zero" -- call "$m" div_s 1 0
    # usage and argument errors: exit 2, saying what was wrong
    expect 2 '' "add has type (i32, i32) -> (i32): it takes 2 arguments, 1 given" -- invoke "$m" add 1
    expect 2 '' "argument 2 of add" "'x' is not an i32" -- invoke "$m" add 1 x
    expect 2 '' "'4294967296' is out of range for i32" -- invoke "$m" add 1 4294967296
    expect 2 '' "'1e39' is out of range for f32" -- invoke "$m" id_f32 1e39
    expect 2 '' "'nan:0x0' is not an f32 NaN" -- invoke "$m" id_f32 nan:0x0
    expect 2 '' 'no export named "nope"' '"add"' -- invoke "$m" nope
    expect 2 '' 'export "mem" is a memory, not a function' -- invoke "$m" mem
    # a module that cannot be used exits 3
    expect 3 '' "env.log" "env.memory" "spectest.table" -- invoke "$dir/imports.wasm" run
    expect 3 '' "missing.wasm" -- invoke "$tmp/missing.wasm" f
    expect 2 '' "usage: oxide invoke" -- invoke "$m"
    # "--" lets a function name or argument start with dashes
    expect 0 '-5' -- invoke "$m" add -- -2 -3
    local help
    help=$("$oxide" --version)
    case "$help" in "oxide "*"interpreter: "*) ;; *) failures=$((failures + 1)); echo "FAIL: --version";; esac
    help=$("$oxide" invoke --help)
    case "$help" in "usage: oxide invoke"*) ;; *) failures=$((failures + 1)); echo "FAIL: invoke --help";; esac
    # libmicrohttpd, and GnuTLS with it, is opened by `oxide mcp --http`
    # alone: other commands start without loading them (src/mcp/http_lib.h).
    # Seen through glibc's loader (LD_DEBUG), where it says what it loads.
    local libs
    libs=$(LD_DEBUG=libs "$oxide" invoke "$m" add 1 2 2>&1 >/dev/null)
    case "$libs" in
    *"find library=libc.so"*)
        case "$libs" in *microhttpd* | *gnutls*)
            failures=$((failures + 1)); echo "FAIL: invoke loads libmicrohttpd or GnuTLS" ;; esac ;;
    esac
    # ... so `mcp --http` is where a missing libmicrohttpd shows: an error
    # naming it, not a crash (OXIDE_MHD_LIB: the library to open instead)
    local ex="$dir/../../examples"
    local nolib="$tmp/no-such-libmicrohttpd.so" out rc
    if [ -f "$ex/compress/module.json" ]; then
        # (a timeout: were the library opened after all, it would serve on)
        out=$(OXIDE_MHD_LIB=$nolib timeout 30 "$oxide" mcp --modules "$ex" --http 127.0.0.1:0 2>&1 </dev/null)
        rc=$?
        case "$out" in
        *"built without libmicrohttpd"*) ;; # a build without the HTTP transport
        *"--http: cannot load $nolib"*"install libmicrohttpd"*) [ $rc = 1 ] || {
            failures=$((failures + 1)); echo "FAIL: mcp --http without its library: exit $rc"; } ;;
        *) failures=$((failures + 1)); echo "FAIL: mcp --http without its library (exit $rc): $out" ;;
        esac
    fi
}

# Text modules wherever a module goes, told apart by content, not name.
text_tests() {
    local ex="$src/examples/wat" cli="$src/tests/cli"
    expect 0 '42' -- invoke "$ex/add_one.wat" add_one 41
    expect 0 '42' -- call "$ex/add_one.wat" add_one 41
    expect 0 'add_one' -- exports "$ex/add_one.wat"
    expect 0 'export func "add_one" (i32) -> (i32)' -- inspect "$ex/add_one.wat"
    expect 2 '' 'no export named "nope"' '"add_one"' -- invoke "$ex/add_one.wat" nope 1
    expect 0 '{"echo":{"a":[1,2]}}' -- call-json "$ex/echo.wat" anything '{"a":[1,2]}'
    expect 0 'hello from text' -- run "$cli/hello_wasi.wat"
    # tail calls (WebAssembly 3.0): 100 million mutual return_call /
    # return_call_indirect in constant stack (plain calls would exhaust the
    # 20,000-frame call stack), and the results of both parities
    expect 0 '1' -- invoke "$cli/tailcall.wat" even 100000000
    expect 0 '0' -- invoke "$cli/tailcall.wat" even 7
    expect 0 '1' -- invoke "$cli/tailcall.wat" odd 7
    # exception handling (3.0): caught by try_table; uncaught, an error naming the tag
    expect 0 '42' -- invoke "$cli/exceptions.wat" catch 42
    expect 134 '' 'uncaught exception (tag 0 "oops")' -- invoke "$cli/exceptions.wat" boom 7
    expect 0 '43' -- invoke "$cli/exceptions.wat" legacy 42
    expect 0 '9' -- invoke "$cli/exceptions.wat" legacy-rethrow 9
    expect 134 '' 'uncaught exception (tag 0 "oops") with 7' -- invoke "$cli/exceptions.wat" boom 7
    # GC values (3.0)
    expect 0 'struct' -- invoke "$cli/gc.wat" point 1 2
    expect 0 'array' -- invoke "$cli/gc.wat" bytes 3
    expect 0 'i31:-5' -- invoke "$cli/gc.wat" echo i31:-5
    expect 0 'null' -- invoke "$cli/gc.wat" echo null
    expect 0 '1073741823' -- invoke "$cli/gc.wat" i31 i31:1073741823
    expect 2 '' "only 'null' or 'i31:N'" -- invoke "$cli/gc.wat" echo 5
    expect 2 '' 'outside the 31-bit range' -- invoke "$cli/gc.wat" echo i31:1073741824
    expect 134 '' 'null i31 reference' -- invoke "$cli/gc.wat" i31 null
    # by content: text named .wasm, text with no name at all, binary named .wat
    cp "$ex/add_one.wat" "$tmp/text.wasm"
    cp "$ex/add_one.wat" "$tmp/noext"
    expect 0 '42' -- invoke "$tmp/text.wasm" add_one 41
    expect 0 '42' -- invoke "$tmp/noext" add_one 41
    expect 0 '' -- wat2wasm "$ex/add_one.wat" -o "$tmp/bin.wat"
    expect 0 '42' -- invoke "$tmp/bin.wat" add_one 41
    # wat2wasm writes what inspect --wat prints back, byte for byte
    "$oxide" inspect --wat "$tmp/bin.wat" >"$tmp/printed.wat"
    expect 0 '' -- wat2wasm "$tmp/printed.wat" -o "$tmp/again.wasm"
    cmp -s "$tmp/bin.wat" "$tmp/again.wasm" || { failures=$((failures + 1)); echo "FAIL: round trip"; }
    expect 0 "(module
  (type (;0;) (func (param i32) (result i32)))
  (func (;0;) (type 0)
    local.get 0
    i32.const 1
    i32.add)
  (export \"add_one\" (func 0))
)" -- inspect --wat "$ex/add_one.wat"
    # bad text: FILE:LINE:COL and what was expected; exit 3 (cannot load)
    printf '(module\n  (func (param i32\n' >"$tmp/bad.wat"
    expect 3 '' "$tmp/bad.wat:3:1: unexpected end of input, expected ')' after (param i32" -- invoke "$tmp/bad.wat" f
    expect 3 '' "$tmp/bad.wat:3:1:" -- wat2wasm "$tmp/bad.wat" -o "$tmp/x.wasm"
    printf '(module (func (i32.ad)))' >"$tmp/bad2.wat"
    expect 3 '' "bad2.wat:1:16: unknown operator 'i32.ad'" -- exports "$tmp/bad2.wat"
    printf '(module (func (result i32) (i64.const 0)))' >"$tmp/invalid.wat"
    expect 3 '' "type mismatch" -- wat2wasm "$tmp/invalid.wat" -o "$tmp/x.wasm"
    expect 3 '' "invalid.wat: invalid module at byte" "type mismatch (in the binary the text assembles to)" -- exports "$tmp/invalid.wat"
}

# --tier and the code cache: the compiling tier gives the interpreter's
# outputs, traps and statuses; a build without LLVM refuses jit by name
tier_tests() {
    local m="$dir/arith.wasm" c="$tmp/cache"
    expect 2 '' "--tier 'fast': expected interp, jit or auto" -- invoke --tier fast "$m" add 1 2
    if "$oxide" --version | grep -q 'compiling tier: none'; then
        expect 2 '' "this build has no compiling tier" -- invoke --tier jit "$m" add 1 2
        expect 0 '3' -- invoke --tier auto "$m" add 1 2
        return
    fi
    for t in interp jit auto; do
        expect 0 '3' -- invoke --tier "$t" --cache-dir "$c" "$m" add 1 2
        expect 0 '-6' -- invoke --tier "$t" --cache-dir "$c" "$m" add64 -4 -2
        expect 0 '2.5' -- invoke --tier "$t" --cache-dir "$c" "$m" fdiv 5 2
        expect 134 '' "integer divide by zero" -- invoke --tier "$t" --cache-dir "$c" "$m" div_s 1 0
    done
    local out
    out=$("$oxide" compile --cache-dir "$c" "$m")
    case "$out" in *"of"*"functions compiled"*"cache $c"*) ;;
    *) failures=$((failures + 1)); echo "FAIL: oxide compile: $out" ;; esac
    [ "$(ls "$c" | wc -l)" = 1 ] || { failures=$((failures + 1)); echo "FAIL: one cache file: $(ls "$c")"; }
    expect 0 '3' -- invoke --tier jit --no-cache "$m" add 1 2
    # the cache is keyed by the compiler's build too: a copy of the library
    # finds its own code; a copy whose build ID differs (another build of
    # the compiler) does not, and compiles again
    if [ -n "$jitlib" ] && command -v readelf > /dev/null; then
        local c2="$tmp/cache2" lib="$tmp/liboxide-jit.so" id
        cp "$jitlib" "$lib"
        OXIDE_JIT_LIB=$lib "$oxide" compile --cache-dir "$c2" "$m" > /dev/null
        touch "$lib"
        OXIDE_JIT_LIB=$lib expect 0 '3' -- invoke --tier jit --cache-dir "$c2" "$m" add 1 2
        [ "$(ls "$c2" | wc -l)" = 1 ] || { failures=$((failures + 1)); echo "FAIL: the same build: $(ls "$c2")"; }
        id=$(readelf -n "$lib" | sed -n 's/.*Build ID: *//p')
        if [ -n "$id" ]; then
            python3 -c 'import sys
p, id = sys.argv[1], bytes.fromhex(sys.argv[2])
b = open(p, "rb").read()
assert b.count(id) == 1
open(p, "wb").write(b.replace(id, bytes([id[0] ^ 1]) + id[1:]))' "$lib" "$id"
            OXIDE_JIT_LIB=$lib expect 0 '3' -- invoke --tier jit --cache-dir "$c2" "$m" add 1 2
            [ "$(ls "$c2" | wc -l)" = 2 ] || { failures=$((failures + 1)); echo "FAIL: another build: $(ls "$c2")"; }
        fi
    fi
    # a background compilation that fails: the right answer, and a warning
    if [ -n "$refuse" ]; then
        OXIDE_JIT_LIB=$refuse expect 0 '0' "warning: $dir/loop.wasm ran interpreted, compiling it failed" \
            "refuses every module" -- invoke --tier auto --no-cache "$dir/loop.wasm" count 100000000
        expect 0 '0' -- invoke --tier auto --no-cache "$dir/loop.wasm" count 100000000
    fi
    # the MCP server's modules compiled: the same answer to a tools/call
    local ex="$dir/../../examples"
    if [ -f "$ex/compress.wasm" ] && [ -f "$ex/compress/module.json" ]; then
        local req='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"chunk_text","arguments":{"text":"hello world, this is a test","max_chars":8}}}'
        local a b
        a=$(printf '%s\n' "$req" | "$oxide" mcp --modules "$ex" 2>/dev/null | tail -n 1)
        b=$(printf '%s\n' "$req" | "$oxide" mcp --modules "$ex" --tier jit --cache-dir "$c" 2>/dev/null | tail -n 1)
        case "$a" in *'"isError":false'*) ;; *) failures=$((failures + 1)); echo "FAIL: mcp interp: $a" ;; esac
        [ "$a" = "$b" ] || { failures=$((failures + 1)); echo "FAIL: mcp --tier jit: $b (interp: $a)"; }
    fi
}

case "$group" in
text) text_tests ;;
tier) tier_tests ;;
inspect) inspect_tests ;;
invoke) invoke_tests ;;
*) echo "unknown group $group"; exit 2 ;;
esac
if [ $failures != 0 ]; then
    echo "$group: $failures check(s) failed"
    exit 1
fi
echo "$group: all checks passed"
