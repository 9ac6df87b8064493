#!/usr/bin/env bash
# Builds the benchmark corpus (bench/corpus/*.c -> bench/corpus/*.wasm) with
# Debian's clang and lld (`apt-get install -y clang lld`). The built .wasm files
# are committed: CI has no clang and uses them as they are.
#
# Every program is freestanding wasm32 (-nostdlib, no libc), exports `run` and
# must contain no f32/f64/v128 instruction or type, except the float programs
# (FLOAT_PROGRAMS: no v128 only): the script checks that with wabt (npm
# package) and fails otherwise.
set -euo pipefail
cd "$(dirname "$0")/corpus"

CC="${CC:-clang}"
command -v "$CC" >/dev/null || { echo "build.sh: $CC not found (apt-get install -y clang lld)" >&2; exit 1; }
command -v wasm-ld >/dev/null || { echo "build.sh: wasm-ld not found (apt-get install -y lld)" >&2; exit 1; }

# -fno-builtin keeps clang from turning loops into memset/memcpy calls, which do
# not exist without libc. Only bulk.c gets -mbulk-memory (memory.copy/fill).
CFLAGS=(--target=wasm32 -O2 -nostdlib -ffreestanding -fno-builtin -Wall -Wextra -Werror
        -Wl,--no-entry -Wl,--export=run -Wl,--strip-all)

build() { # out.wasm src.c [extra flags...]
  local out=$1 src=$2; shift 2
  "$CC" "${CFLAGS[@]}" "$@" -o "$out" "$src"
  echo "built $out ($(wc -c <"$out") bytes)"
}

build fib.wasm fib.c
build sha256.wasm sha256.c -Wl,--export=selftest
build i64arith.wasm arith.c -DWIDTH=64
build i32arith.wasm arith.c -DWIDTH=32
build sort.wasm sort.c
build lz.wasm lz.c
build vm.wasm vm.c
build indirect.wasm indirect.c
build bulk.wasm bulk.c -mbulk-memory
build mixed.wasm mixed.c
build nbody.wasm nbody.c
build matmul.wasm matmul.c

# Integer-only check: disassemble every module and reject any float or SIMD
# token; the float programs may use f32/f64 but no SIMD.
FLOAT_PROGRAMS="nbody.wasm matmul.wasm" node - ./*.wasm <<'JS'
const fs = require('fs');
require(require.resolve('wabt', { paths: [process.cwd() + '/../..'] }))().then((wabt) => {
  let bad = false;
  const floatPrograms = process.env.FLOAT_PROGRAMS.split(' ');
  for (const file of process.argv.slice(2)) {
    const mod = wabt.readWasm(new Uint8Array(fs.readFileSync(file)), { bulk_memory: true });
    mod.validate();
    const text = mod.toText({});
    const floats = floatPrograms.includes(require('path').basename(file));
    const hits = text.match(floats ? /\bv128\b[.\w]*/g : /\b(f32|f64|v128)\b[.\w]*/g) ?? [];
    if (hits.length) { bad = true; console.error(`${file}: ${floats ? 'SIMD' : 'float/SIMD'} found: ${[...new Set(hits)].join(' ')}`); }
    else console.log(`${file}: valid, ${floats ? 'floats, no SIMD' : 'integer-only'}`);
    mod.destroy();
  }
  process.exit(bad ? 1 : 0);
});
JS
