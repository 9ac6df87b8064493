#!/bin/sh
# Fetches the official WebAssembly spec test suite (WebAssembly/testsuite) at
# the pinned commit into spec-tests/testsuite (gitignored). The runner reads
# it from there unless $WASM_TESTSUITE points elsewhere.
set -eu
COMMIT=a8101597d3c3c660086c3cd1eedee608ff18d3c3
REPO=https://github.com/WebAssembly/testsuite
DEST="$(cd "$(dirname "$0")" && pwd)/testsuite"

if [ -d "$DEST/.git" ] && [ "$(git -C "$DEST" rev-parse HEAD 2>/dev/null)" = "$COMMIT" ]; then
  echo "testsuite already at $COMMIT in $DEST"
  exit 0
fi

rm -rf "$DEST"
if command -v git >/dev/null 2>&1; then
  git init -q "$DEST"
  git -C "$DEST" remote add origin "$REPO.git"
  git -C "$DEST" fetch -q --depth 1 origin "$COMMIT"
  git -C "$DEST" checkout -q --detach FETCH_HEAD
else
  mkdir -p "$DEST"
  curl -fsSL "$REPO/archive/$COMMIT.tar.gz" | tar -xz -C "$DEST" --strip-components=1
fi
echo "fetched WebAssembly/testsuite $COMMIT into $DEST"
