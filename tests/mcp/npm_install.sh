#!/usr/bin/env bash
# npm_install.sh PACKAGE_JSON DIR — install the MCP tests' client (the SDK) into
# DIR (a build folder) and put the test scripts beside it, so that Node finds
# node_modules from them. Quick when already installed.
set -euo pipefail
pkg=$1 dir=$2
src=$(dirname "$pkg")
mkdir -p "$dir"
cp "$src"/client.mjs "$dir"/
if [ -d "$dir/node_modules/@modelcontextprotocol/sdk" ] && cmp -s "$pkg" "$dir/package.json"; then
    exit 0
fi
cp "$pkg" "$dir/package.json"
cd "$dir"
npm install --no-audit --no-fund --loglevel=error
