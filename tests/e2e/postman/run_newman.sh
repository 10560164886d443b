#!/usr/bin/env bash
# Runs the Postman collection (scripts/postman) with newman against a fresh trailbox.
#
#   TRAILBOX_BIN=/path/to/trailbox bash tests/e2e/postman/run_newman.sh
#
# Starts $TRAILBOX_BIN (default /work/main/build/server/trailbox) on a free port with an in-memory
# store, in a temporary working directory (trail log files are delivered to ./trailbox-s3 there),
# reads the URL it prints on its first stdout line, runs the collection with --bail, stops the
# server with SIGTERM and exits with newman's status. Needs `npm ci` (or `npm install`) here first;
# scripts/test.sh does that.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
collection=../../../scripts/postman/trailbox.postman_collection.json
environment=../../../scripts/postman/trailbox.postman_environment.json
bin=${TRAILBOX_BIN:-/work/main/build/server/trailbox}

if [ ! -x "$bin" ]; then
  echo "run_newman.sh: trailbox binary not found or not executable: $bin (set TRAILBOX_BIN)" >&2
  exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
if [ ! -x node_modules/.bin/newman ]; then
  echo "run_newman.sh: newman is not installed; run 'npm ci' in $here" >&2
  exit 2
fi
# The collection is generated; a hand edit of the JSON would be lost at the next generation.
node ../../../scripts/postman/build_collection.mjs --check

workdir=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

# Start the server; its stdout goes to a FIFO so the first line (the URL) can be read as soon as it
# is printed. Later output is drained by cat so the server never blocks on a full pipe.
mkfifo "$workdir/stdout"
(cd "$workdir" && exec "$bin" --port 0 --db :memory: --log-level warn) >"$workdir/stdout" &
server_pid=$!
exec 3<"$workdir/stdout"
url=""
if ! IFS= read -r -t 30 url <&3 || [[ ! "$url" =~ ^http://[^[:space:]]+$ ]]; then
  echo "run_newman.sh: trailbox did not print its URL (got: '${url}')" >&2
  exit 1
fi
cat <&3 >/dev/null &
exec 3<&-
echo "trailbox listening on $url (pid $server_pid)"

status=0
npx --no-install newman run "$collection" \
  -e "$environment" \
  --env-var "baseUrl=$url" \
  --bail \
  --reporters cli \
  --reporter-cli-no-console \
  --color off || status=$?

# Stop the server (SIGTERM: requests in flight are answered first) and check it exited cleanly.
kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
if [ "$server_status" -ne 0 ]; then
  echo "run_newman.sh: trailbox exited with status $server_status after SIGTERM" >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
