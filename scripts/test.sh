#!/usr/bin/env bash
# Builds trailbox with its tests and runs the whole suite (unit, integration, end-to-end), installing
# what is missing first: Debian build packages, the AWS CLI and boto3 when absent, and the npm
# packages the Node tests use.
#   TRAILBOX_SANITIZE=address,undefined  also build and run the suite under those sanitizers
#   TRAILBOX_TSAN=1                      also run the suite under ThreadSanitizer
#   CTEST_ARGS                           extra ctest arguments, e.g. "-R e2e"
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
if [ -n "${TRAILBOX_SANITIZE:-}" ]; then
  INSTALL_MODE=--test BUILD_DIR=build-sanitize TRAILBOX_SANITIZE="$TRAILBOX_SANITIZE" bash scripts/build.sh
  run_suite build-sanitize
fi
if [ -n "${TRAILBOX_TSAN:-}" ]; then
  INSTALL_MODE=--test BUILD_DIR=build-tsan TRAILBOX_SANITIZE=thread bash scripts/build.sh
  run_suite build-tsan
fi
