#!/usr/bin/env bash
# Builds trailbox with its tests and runs the whole suite, installing what is missing first (Debian
# build packages, the AWS CLI and boto3 when absent, clang for the fuzzers, and the npm packages
# the Node tests use). In order:
#   1. every test (unit, integration, end-to-end) on the normal build (build/);
#   2. the unit and integration tests again, built with AddressSanitizer + UndefinedBehaviorSanitizer
#      (and LeakSanitizer) by clang (build-fuzz/, shared with step 3);
#   3. every libFuzzer target for TRAILBOX_FUZZ_SECONDS, after replaying tests/fuzz/crashes/.
# Settings:
#   TRAILBOX_QUICK=1               only step 1 (for a quick local run)
#   TRAILBOX_FUZZ_SECONDS=60       seconds per fuzz target; 0 skips step 3
#   TRAILBOX_TSAN=1                also run the unit and integration tests under ThreadSanitizer
#   CTEST_ARGS                     extra ctest arguments for every suite, e.g. "-R e2e"
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
INSTALL_MODE=--test BUILD_DIR=build bash scripts/build.sh
# npm packages the Node-based tests use (AWS SDK for JavaScript, newman, playwright-core).
for pkg in tests/e2e/*/package.json; do
  dir=$(dirname "$pkg")
  (cd "$dir" && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; })
done
run_suite() {
  local dir=$1
  (cd "$dir" && ctest --output-on-failure -j "$(nproc)" ${CTEST_ARGS:-})
}
run_suite build
[ -n "${TRAILBOX_QUICK:-}" ] && exit 0

# Steps 2 and 3 share one clang build with ASan+UBSan (+ libFuzzer's coverage instrumentation,
# which ordinary executables do not mind): fuzz.sh configures it and builds the fuzz targets.
fuzz_seconds=${TRAILBOX_FUZZ_SECONDS:-60}
echo "== unit and integration tests under ASan + UBSan (build-fuzz)"
FUZZ_SECONDS=0 FUZZ_BUILD_ONLY=1 bash scripts/fuzz.sh
cmake --build build-fuzz -j "$(nproc)" >build-fuzz/sanitize-build.log 2>&1 || {
  tail -n 40 build-fuzz/sanitize-build.log >&2
  exit 1
}
(cd build-fuzz && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j "$(nproc)" -E '^e2e\.' ${CTEST_ARGS:-})
if [ "$fuzz_seconds" != 0 ]; then
  echo "== fuzzing, ${fuzz_seconds}s per target"
  FUZZ_SECONDS=$fuzz_seconds FUZZ_NO_BUILD=1 FUZZ_BUILD_DIR=build-fuzz bash scripts/fuzz.sh
fi
if [ -n "${TRAILBOX_TSAN:-}" ]; then
  INSTALL_MODE=--test BUILD_DIR=build-tsan TRAILBOX_SANITIZE=thread bash scripts/build.sh
  (cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --output-on-failure -j "$(nproc)" -E '^e2e\.' ${CTEST_ARGS:-})
fi
