#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz": clang, ASan+UBSan) and runs
# each for SECONDS (default 5) on a copy of its seed corpus, in parallel
# JOBS at a time (default 2). Exit 1 if any fuzzer found a crash; the crash
# input is left in build/fuzz/findings/<target>/.
#
#   bash tests/fuzz/run.sh            # CI smoke: 5 s each
#   bash tests/fuzz/run.sh 600        # a longer campaign: 10 minutes each
#   FUZZ_ARGS="-jobs=2 -workers=2" bash tests/fuzz/run.sh 3600
set -euo pipefail
SECONDS_EACH=${1:-5}
JOBS=${JOBS:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$ROOT/build/fuzz
TARGETS=(fuzz_utf8 fuzz_complaint fuzz_gateway fuzz_time fuzz_config fuzz_import fuzz_po)

command -v clang++ >/dev/null || { echo "fuzz: clang++ missing (apt-get install clang libclang-rt-dev)" >&2; exit 2; }
(cd "$ROOT" && cmake --preset fuzz >/dev/null)
cmake --build "$BUILD" -j"$JOBS" --target "${TARGETS[@]}" >/dev/null

run_one() {
  local t=$1 work=$BUILD/findings/$1
  rm -rf "$work" && mkdir -p "$work/corpus"
  cp "$HERE/seeds/${t#fuzz_}"/* "$work/corpus/" 2>/dev/null || true
  (cd "$work" && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$BUILD/bin/$t" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=1536 \
    -print_final_stats=1 ${FUZZ_ARGS:-} corpus >"$work/log" 2>&1)
}
export -f run_one
export BUILD HERE SECONDS_EACH

failed=0
printf '%s\n' "${TARGETS[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one {}' || failed=1
for t in "${TARGETS[@]}"; do
  log=$BUILD/findings/$t/log
  execs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  if grep -q -E 'ERROR: (AddressSanitizer|libFuzzer)|runtime error|deadly signal' "$log"; then
    echo "fuzz: $t FOUND A PROBLEM ($execs executions): see $log"
    failed=1
  else
    echo "fuzz: $t ok, $execs executions in ${SECONDS_EACH}s"
  fi
done
exit $failed
