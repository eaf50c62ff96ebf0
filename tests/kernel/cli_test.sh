#!/usr/bin/env bash
# cli_test.sh OXIDE EXAMPLES_DIR GUEST_DIR — the kernel's CLI commands and
# the demo, checked by output and exit status.
set -u
oxide=$1 ex=$2 guests=$3
fails=0
expect() { # expect NAME STATUS PATTERN -- CMD...
    local name=$1 want=$2 pat=$3; shift 4
    local out status
    out=$("$@" 2>&1); status=$?
    if [ "$status" != "$want" ] || ! grep -Eq -- "$pat" <<<"$out"; then
        echo "FAIL $name: status $status (want $want), output:"; echo "$out" | head -20
        fails=$((fails + 1))
    else
        echo "ok   $name"
    fi
}
expect exports 0 '^add_one$' -- "$oxide" exports "$ex/add_one.wasm"
expect exports-missing 3 'cannot open /no/such.wasm' -- "$oxide" exports /no/such.wasm
expect call 0 '^42$' -- "$oxide" call "$ex/add_one.wasm" add_one 41
expect call-arity 2 'takes 1 argument' -- "$oxide" call "$ex/add_one.wasm" add_one
expect call-unknown 2 'no export named "nope"' -- "$oxide" call "$ex/add_one.wasm" nope 1
expect call-badarg 2 'argument 1' -- "$oxide" call "$ex/add_one.wasm" add_one banana
expect call-json 0 '^\["a b","c"\]$' -- "$oxide" call-json "$ex/compress.wasm" chunk_text '{"text":"a b c","max_chars":3}'
expect call-json-guest-error 1 '"error"' -- "$oxide" call-json "$ex/compress.wasm" nope '{}'
expect call-json-badjson 2 'JSON argument' -- "$oxide" call-json "$ex/compress.wasm" chunk_text '{'
expect call-json-trap 134 'alloc method: .*unreachable' -- "$oxide" call-json "$guests/trap_alloc.wasm" x '{}'
expect help 0 'call-json' -- "$oxide" --help
# The demo: the reference's order (module_started, ping, pong), compress
# answering over the bus, and the final state.
expect demo 0 'Kernel demo complete\.' -- env OXIDE_EXAMPLES="$ex" "$oxide" demo
out=$(OXIDE_EXAMPLES="$ex" "$oxide" demo 2>&1)
order=$(grep -oE '"type":"(module_started|ping|pong)"' <<<"$out" | tr '\n' ' ')
if [ "$order" != '"type":"module_started" "type":"ping" "type":"pong" ' ]; then
    echo "FAIL demo-order: $order"; fails=$((fails + 1))
else
    echo "ok   demo-order"
fi
for pat in 'chunk_text\.ok' 'strip_metadata\.ok' 'id="compress".*state=stopped' 'id="echo".*state=stopped'; do
    if grep -Eq -- "$pat" <<<"$out"; then echo "ok   demo $pat"; else echo "FAIL demo $pat"; fails=$((fails + 1)); fi
done
expect demo-no-manifest 1 'failed to read manifest /nonexistent/compress/module.json' -- env OXIDE_EXAMPLES=/nonexistent "$oxide" demo
exit $((fails > 0))
