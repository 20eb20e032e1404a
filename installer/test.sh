#!/usr/bin/env bash
# Builds odr-kiosk twice (normal, and with AddressSanitizer + UBSan) and runs
# the whole test suite on both. Installs what it needs first. Benchmarks are
# built and run as a short smoke only (label "bench"; run them in full with
# build/default/bin/bench-*).
set -euo pipefail
cd "$(dirname "$0")/.."

bash installer/deps.sh

JOBS=${JOBS:-2}
run() { echo "+ $*"; "$@"; }

run cmake --preset default >/dev/null
run cmake --build --preset default -j "$JOBS"
run ctest --preset default -j "$JOBS"

if [ "${ODR_SKIP_ASAN:-0}" != 1 ]; then
  run cmake --preset asan >/dev/null
  run cmake --build --preset asan -j "$JOBS"
  run ctest --preset asan -j "$JOBS"
fi

# The parsers' fuzzers (libFuzzer, clang): a short smoke on every run.
if [ "${ODR_SKIP_FUZZ:-0}" != 1 ]; then
  run bash tests/fuzz/run.sh "${ODR_FUZZ_SECONDS:-5}"
fi

# The Debian packages, built, installed, exercised and removed again
# (installer/package-test.sh; root only: it installs packages).
if [ "$(id -u)" = 0 ] && [ "${ODR_SKIP_PACKAGE:-0}" != 1 ]; then
  run bash installer/package-test.sh
fi
