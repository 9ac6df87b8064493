#!/bin/sh
# Rebuilds the WASI example programs (*.c -> *.wasm) with Debian's clang and
# wasi-libc: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32.
# The .wasm files are committed, so nothing else needs clang.
set -eu
cd "$(dirname "$0")"
SYSROOT=${WASI_SYSROOT:-/usr}
for c in wc files info exit; do
  clang --target=wasm32-wasi --sysroot="$SYSROOT" -O2 -Wl,--strip-debug -o "$c.wasm" "$c.c" -lm
  echo "built $c.wasm ($(wc -c < "$c.wasm") bytes)"
done
