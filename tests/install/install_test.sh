#!/usr/bin/env bash
# install_test.sh BUILD_DIR — Oxide installed into a temporary prefix and
# used the three ways a C programmer would: pkg-config with the shared
# libraries, pkg-config with the static ones, and find_package(Oxide). Also:
# the SONAMEs, and that the shared libraries export exactly the OX_API
# declarations of the installed headers (nothing internal, nothing missing).
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
p=$tmp/prefix
fail=0
check() { # check WHAT COMMAND...
    local what=$1; shift
    if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}

cmake --install "$build" --prefix "$p" >/dev/null
libdir=$(ls -d "$p"/lib*/ | head -1)
libdir=${libdir%/}
export PKG_CONFIG_PATH=$libdir/pkgconfig
check "installed: the command, headers, libraries, pkg-config and CMake files" \
    test -x "$p/bin/oxide" -a -f "$p/include/oxide/wasm.h" -a -f "$p/include/oxide/kernel/kernel.h" \
    -a -f "$libdir/liboxide-wasm.a" -a -f "$libdir/liboxide-wasm.so" -a -f "$libdir/pkgconfig/oxide-wasm.pc" \
    -a -f "$libdir/cmake/Oxide/OxideConfig.cmake"
check "the installed command runs" "$p/bin/oxide" --version

soname() { objdump -p "$1" | awk '/SONAME/ {print $2}'; }
check "SONAME liboxide-wasm.so.0" test "$(soname "$libdir/liboxide-wasm.so")" = liboxide-wasm.so.0

# Exports: the OX_API names of the headers, exactly.
declared() { grep -rhoE 'OX_API [^;(]*\b(ox|oxk|oxm)_[A-Za-z0-9_]+ *\(' "$@" | grep -oE '\b(ox|oxk|oxm)_[A-Za-z0-9_]+ *\($' | tr -d ' (' | sort -u; }
exported() { nm -D --defined-only "$1" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u; }
# the standard API's functions (and Oxide's extension to it): its headers
# preprocessed, each name declared with the export attribute
capi() { printf '#include <wasm.h>\n#include <wasm_oxide.h>\n' |
    ${CC:-cc} -E -P -I"$p/include/oxide/c-api" -I"$p/include" - |
    grep -oP 'visibility\("default"\)\)\)\s*[^(;]*?\bwasm_\w+\s*\(' | grep -oP 'wasm_\w+(?=\s*\($)' | sort -u; }
{ declared "$p/include/oxide/wasm.h" "$p/include/oxide/wasi.h"; capi; } | sort -u >"$tmp/want-wasm"
exported "$libdir/liboxide-wasm.so" >"$tmp/got-wasm"
check "liboxide-wasm exports exactly its OX_API and wasm.h declarations ($(wc -l <"$tmp/want-wasm"))" \
    diff "$tmp/want-wasm" "$tmp/got-wasm"

cc=${CC:-cc}
check "pkg-config oxide-wasm: shared" $cc -o "$tmp/engine" "$here/engine.c" $(pkg-config --cflags --libs oxide-wasm)
check "  runs" env LD_LIBRARY_PATH="$libdir" "$tmp/engine"
check "pkg-config oxide-wasm: static" $cc -o "$tmp/engine-static" "$here/engine.c" \
    $(pkg-config --cflags oxide-wasm) "$libdir/liboxide-wasm.a" $(pkg-config --libs-only-l --static oxide-wasm | sed 's/-loxide-wasm//')
check "  runs without the shared library" env LD_LIBRARY_PATH=/nonexistent "$tmp/engine-static"

if [ -f "$libdir/liboxide.so" ]; then
    check "SONAME liboxide.so.0" test "$(soname "$libdir/liboxide.so")" = liboxide.so.0
    declared "$p/include/oxide/kernel" "$p/include/oxide/mcp.h" >"$tmp/want-kernel"
    exported "$libdir/liboxide.so" >"$tmp/got-kernel"
    check "liboxide exports exactly its OX_API declarations ($(wc -l <"$tmp/want-kernel"))" \
        diff "$tmp/want-kernel" "$tmp/got-kernel"
    check "pkg-config oxide: shared" $cc -o "$tmp/kernel" "$here/kernel.c" $(pkg-config --cflags --libs oxide)
    check "  runs" env LD_LIBRARY_PATH="$libdir" "$tmp/kernel"
fi

# The compiling tier's library (a build with LLVM): installed beside the
# libraries, found there by the installed command, and compiling.
if [ -f "$build/src/jit/liboxide-jit.so" ]; then
    check "the compiler library installed in lib/oxide" test -f "$libdir/oxide/liboxide-jit.so"
    printf '(module (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))' >"$tmp/sq.wat"
    check "  the installed oxide compiles with it" bash -c \
        "'$p/bin/oxide' invoke --tier jit --no-cache '$tmp/sq.wat' sq 12 | grep -qx 144"
fi

check "find_package(Oxide): configure" cmake -S "$here/cmake" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$p" \
    -DCMAKE_BUILD_TYPE=Release
check "find_package(Oxide): build" cmake --build "$tmp/consumer"
check "  Oxide::wasm runs" env LD_LIBRARY_PATH="$libdir" "$tmp/consumer/engine_shared"
check "  Oxide::wasm_static runs" "$tmp/consumer/engine_static"
if [ -x "$tmp/consumer/kernel_shared" ]; then
    check "  Oxide::oxide runs" env LD_LIBRARY_PATH="$libdir" "$tmp/consumer/kernel_shared"
    check "  Oxide::oxide_static runs" "$tmp/consumer/kernel_static"
fi
# The Debian package: made by cpack, with its dependencies found, and a
# working oxide in it (unpacked, not installed: the test leaves the machine
# alone; docs/embedding.md has the apt install).
if command -v cpack >/dev/null && command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null; then
    check "cpack -G DEB" cpack -G DEB -B "$tmp/deb" --config "$build/CPackConfig.cmake" -D CPACK_PACKAGE_DIRECTORY="$tmp/deb" >/dev/null
    deb=$(ls "$tmp"/deb/oxide_*.deb 2>/dev/null | head -1)
    check "  depends on the libraries it links" bash -c "dpkg-deb -f '$deb' Depends | grep -q libjansson"
    check "  unpacks to a working oxide" bash -c "dpkg-deb -x '$deb' '$tmp/unpacked' && \
        LD_LIBRARY_PATH='$tmp/unpacked/usr/lib' '$tmp/unpacked/usr/bin/oxide' --version >/dev/null && \
        test -f '$tmp/unpacked/usr/lib/liboxide-wasm.so.0' -a -f '$tmp/unpacked/usr/include/oxide/c-api/wasm.h'"
fi
exit $fail
