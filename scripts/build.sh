#!/usr/bin/env bash
# Installs what is missing (Debian packages) and builds trailbox.
#   BUILD_DIR   (default: build)         where to build
#   BUILD_TYPE  (default: RelWithDebInfo)
#   TRAILBOX_SANITIZE  e.g. address,undefined or thread: sanitizer build (uses clang)
#   TRAILBOX_TESTS     ON (default) / OFF
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh ${INSTALL_MODE:-}
build_dir=${BUILD_DIR:-build}
args=(-DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DTRAILBOX_BUILD_TESTS="${TRAILBOX_TESTS:-ON}")
if [ -n "${TRAILBOX_SANITIZE:-}" ]; then
  args+=(-DTRAILBOX_SANITIZE="$TRAILBOX_SANITIZE")
  command -v clang++ >/dev/null 2>&1 && args+=(-DCMAKE_CXX_COMPILER=clang++)
fi
cmake -S . -B "$build_dir" "${args[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
