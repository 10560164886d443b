#!/usr/bin/env bash
# Installs what trailbox needs from Debian 12 packages. Idempotent and quiet when everything is
# already present; needs root (or sudo) only when something is missing.
#
#   scripts/install_deps.sh            build + runtime dependencies
#   scripts/install_deps.sh --test     also what the test suite drives: AWS CLI, boto3, node/npm
#   scripts/install_deps.sh --runtime  only the shared libraries the binary links (Docker runtime stage)
set -euo pipefail

mode=build
case "${1:-}" in
  --test) mode=test ;;
  --runtime) mode=runtime ;;
  "") ;;
  *) echo "usage: $0 [--test|--runtime]" >&2; exit 2 ;;
esac

build_pkgs=(
  build-essential cmake pkg-config
  libboost1.81-dev libboost-program-options1.81-dev   # Beast/Asio/UUID headers, CLI flags
  nlohmann-json3-dev                                  # JSON
  libsqlite3-dev                                      # store
  libssl-dev                                          # HMAC/SHA-256 (tokens, SigV4), RSA (digests)
  zlib1g-dev                                          # gzip (trail log files)
  libgtest-dev googletest                             # unit tests
)
runtime_pkgs=(libsqlite3-0 libssl3 zlib1g libboost-program-options1.81.0 ca-certificates curl)
test_pkgs=(python3 curl procps chromium)   # chromium: the Event history page's browser test

missing=()
want() {
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
}

case "$mode" in
  runtime) want "${runtime_pkgs[@]}" ;;
  build) want "${build_pkgs[@]}" ;;
  test) want "${build_pkgs[@]}" "${test_pkgs[@]}" ;;
esac

if [ "$mode" = test ]; then
  # The machine may already carry newer clients (e.g. pip-installed); only fall back to Debian's.
  command -v aws >/dev/null 2>&1 || want awscli
  python3 -c 'import boto3' >/dev/null 2>&1 || want python3-boto3
  command -v node >/dev/null 2>&1 || want nodejs
  command -v npm >/dev/null 2>&1 || want npm
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=sudo; else
    echo "install_deps: need root to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "install_deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
