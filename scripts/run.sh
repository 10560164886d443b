#!/usr/bin/env bash
# Builds trailbox if needed (installing missing Debian packages) and starts it. Arguments are
# passed to the server, e.g. scripts/run.sh --port 0 --db :memory:. Default: 127.0.0.1:4566 with
# the database in ./trailbox.db.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TRAILBOX_TESTS=${TRAILBOX_TESTS:-OFF} BUILD_DIR=${BUILD_DIR:-$here/build} bash "$here/scripts/build.sh" >&2
exec "${BUILD_DIR:-$here/build}/server/trailbox" "$@"
