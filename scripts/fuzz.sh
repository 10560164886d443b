#!/usr/bin/env bash
# Coverage-guided fuzzing of trailbox with libFuzzer (clang) under ASan + UBSan + LeakSanitizer.
#
# Builds the fuzz targets of tests/fuzz/ in build-fuzz/ (installing clang and libFuzzer from
# Debian first when they are missing), replays every reproducer in tests/fuzz/crashes/, then runs
# each target for FUZZ_SECONDS on a copy of its seed corpus (tests/fuzz/corpus/<target>/ is never
# modified) with its dictionary (tests/fuzz/dict/<target>.dict). Exits non-zero when a target
# crashes, leaks, trips a sanitizer, fails a harness check or times out, or when a reproducer of a
# bug not listed as open in tests/fuzz/known_bugs.txt fails again. See tests/fuzz/README.md.
#
#   FUZZ_SECONDS=60      seconds per target (-max_total_time)
#   FUZZ_TARGETS="..."   a subset, e.g. "sigv4 lookup_events" (default: every target)
#   FUZZ_BUILD_DIR       build directory (default build-fuzz)
#   FUZZ_JOBS            compile jobs (default 2)
#   FUZZ_ARGS            extra libFuzzer flags for every run, e.g. "-seed=1"
#   FUZZ_STRICT=1        also fail on the reproducers of open (known) bugs, and fuzz without
#                        stepping around them
#   FUZZ_NO_BUILD=1      use the binaries already in the build directory
#   FUZZ_BUILD_ONLY=1    configure and build the targets, then stop (scripts/test.sh builds the
#                        rest of that sanitizer build and runs the test suite with it)
#
# Crashing inputs of a run are written to <build dir>/fuzz-artifacts/<target>/ and the logs to
# <build dir>/fuzz-logs/<target>.log; replay one with <build dir>/tests/fuzz/fuzz_<target> <file>.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

seconds=${FUZZ_SECONDS:-60}
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=${FUZZ_JOBS:-2}
all_targets="http_router rest_json_decode aws_json_decode sigv4 lookup_events event_record"
targets=${FUZZ_TARGETS:-$all_targets}
fuzz_dir=tests/fuzz

# --- toolchain ------------------------------------------------------------------------------------
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "fuzz.sh: need root to run: $*" >&2
    return 1
  fi
}

# True when clang++ can build and link a libFuzzer target with ASan and UBSan.
fuzzer_works() {
  local tmp rc=0
  command -v clang++ >/dev/null 2>&1 || return 1
  tmp=$(mktemp -d)
  printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
    'extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }' >"$tmp/t.cpp"
  clang++ -fsanitize=fuzzer,address,undefined "$tmp/t.cpp" -o "$tmp/t" >/dev/null 2>&1 || rc=1
  rm -rf "$tmp"
  return $rc
}

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  bash scripts/install_deps.sh
  if ! fuzzer_works; then
    echo "fuzz.sh: installing clang and libFuzzer (clang, libclang-rt-14-dev)" >&2
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq >/dev/null
    as_root apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
    fuzzer_works || { echo "fuzz.sh: clang++ cannot build libFuzzer targets" >&2; exit 1; }
  fi

  # --- build --------------------------------------------------------------------------------------
  # ASan+UBSan for everything (TRAILBOX_SANITIZE; UBSan findings abort), libFuzzer's coverage
  # instrumentation for the libraries (fuzzer-no-link); tests/fuzz/CMakeLists.txt links each
  # target with -fsanitize=fuzzer.
  cmake -S . -B "$build_dir" \
    -DCMAKE_CXX_COMPILER="$(command -v clang++)" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
    -DTRAILBOX_SANITIZE=address,undefined \
    -DTRAILBOX_FUZZ=ON \
    -DTRAILBOX_BUILD_TESTS=ON \
    -DTRAILBOX_BUILD_BENCH=OFF >/dev/null
  build_targets=()
  for t in $targets; do build_targets+=("fuzz_$t"); done
  cmake --build "$build_dir" -j "$jobs" --target "${build_targets[@]}" >"$build_dir/fuzz-build.log" 2>&1 || {
    tail -n 40 "$build_dir/fuzz-build.log" >&2
    echo "fuzz.sh: build failed (full log: $build_dir/fuzz-build.log)" >&2
    exit 1
  }
fi
[ -n "${FUZZ_BUILD_ONLY:-}" ] && exit 0

# --- known bugs -----------------------------------------------------------------------------------
# tests/fuzz/known_bugs.txt: "<bug-id> <target> <description>" per open product bug. Its
# reproducers are tests/fuzz/crashes/<target>/<bug-id>*. While fuzzing, the harnesses step around
# the inputs of open bugs (TRAILBOX_FUZZ_SKIP) so that one known crash does not hide the rest.
declare -A open_bug=()
skip_ids=""
if [ -f "$fuzz_dir/known_bugs.txt" ]; then
  while read -r id target _; do
    case "$id" in "" | \#*) continue ;; esac
    open_bug[$id]=$target
    skip_ids+="${skip_ids:+,}$id"
  done <"$fuzz_dir/known_bugs.txt"
fi
[ -n "${FUZZ_STRICT:-}" ] && skip_ids=""

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:symbolize=1:allocator_may_return_null=0}
case "$ASAN_OPTIONS" in *detect_leaks=*) ;; *) ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=1" ;; esac
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

logs="$here/$build_dir/fuzz-logs"
work=$(mktemp -d -t trailbox-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$logs"

# What went wrong in a libFuzzer log, or "" when nothing did.
classify() {
  local log=$1
  if grep -q '==FUZZ CHECK FAILED==' "$log"; then echo "harness-check"
  elif grep -q 'ERROR: LeakSanitizer' "$log"; then echo "leak"
  elif grep -q 'ERROR: AddressSanitizer' "$log"; then echo "asan"
  elif grep -q 'runtime error:' "$log"; then echo "ubsan"
  elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then echo "timeout"
  elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then echo "oom"
  elif grep -qE 'ERROR: libFuzzer|deadly signal|==ERROR' "$log"; then echo "crash"
  fi
}

declare -A result=() execs=()
failed=0

# --- replay the reproducers -----------------------------------------------------------------------
declare -a replay_lines=()
if [ -d "$fuzz_dir/crashes" ]; then
  for dir in "$fuzz_dir"/crashes/*/; do
    [ -d "$dir" ] || continue
    target=$(basename "$dir")
    bin="$build_dir/tests/fuzz/fuzz_$target"
    for file in "$dir"*; do
      [ -f "$file" ] || continue
      name=$(basename "$file")
      bug=""
      for id in "${!open_bug[@]}"; do
        if [ "${open_bug[$id]}" = "$target" ] && [[ "$name" == "$id"* ]]; then bug=$id; fi
      done
      log="$logs/replay-$target-$name.log"
      rc=0
      TRAILBOX_FUZZ_SKIP="" "$bin" -timeout=10 -rss_limit_mb=2048 "$file" >"$log" 2>&1 || rc=$?
      what=$(classify "$log")
      if [ "$rc" -ne 0 ] && [ -z "$what" ]; then what="exit-$rc"; fi
      if [ -n "$bug" ]; then
        if [ -n "$what" ]; then
          status="open bug $bug ($what)"
          if [ -n "${FUZZ_STRICT:-}" ]; then failed=1; status="FAIL: $status"; fi
        else
          status="FAIL: bug $bug no longer reproduces - remove it from tests/fuzz/known_bugs.txt"
          failed=1
        fi
      elif [ -n "$what" ]; then
        status="FAIL: regression ($what), log $log"
        failed=1
      else
        status="ok"
      fi
      replay_lines+=("$(printf '%-18s %-34s %s' "$target" "$name" "$status")")
    done
  done
fi
if [ ${#replay_lines[@]} -gt 0 ]; then
  echo "== replay of tests/fuzz/crashes"
  printf '%s\n' "${replay_lines[@]}"
fi

# --- fuzz -----------------------------------------------------------------------------------------
for target in $targets; do
  bin="$build_dir/tests/fuzz/fuzz_$target"
  corpus="$work/$target"
  artifacts="$here/$build_dir/fuzz-artifacts/$target"
  log="$logs/$target.log"
  rm -rf "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  if [ -d "$fuzz_dir/corpus/$target" ]; then cp -R "$fuzz_dir/corpus/$target/." "$corpus/"; fi
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  [ -f "$fuzz_dir/dict/$target.dict" ] && args+=(-dict="$fuzz_dir/dict/$target.dict")
  [ "$target" = http_router ] && args+=(-max_len=8192)
  echo "== fuzz_$target for ${seconds}s"
  rc=0
  # shellcheck disable=SC2086
  TRAILBOX_FUZZ_SKIP="$skip_ids" "$bin" "${args[@]}" ${FUZZ_ARGS:-} "$corpus" >"$log" 2>&1 || rc=$?
  n=$(sed -n 's/^Done \([0-9][0-9]*\) runs in.*/\1/p' "$log" | tail -n 1)
  [ -z "$n" ] && n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
  [ -z "$n" ] && n=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
  execs[$target]=${n:-0}
  what=$(classify "$log")
  if [ "$rc" -ne 0 ] && [ -z "$what" ]; then what="exit-$rc"; fi
  if ! grep -q '^Done [0-9]* runs' "$log" && [ -z "$what" ]; then what="no-final-line"; fi
  if [ -n "$what" ]; then
    result[$target]="FAIL ($what)"
    failed=1
    echo "---- fuzz_$target failed ($what); end of $log:" >&2
    grep -v 'NEW_FUNC' "$log" | tail -n 50 >&2
    for f in "$artifacts"/*; do [ -f "$f" ] && echo "  reproducer: $f" >&2; done
  else
    result[$target]="ok"
  fi
  echo "fuzz_$target: ${execs[$target]} executions, ${result[$target]}"
done

# --- summary --------------------------------------------------------------------------------------
echo
printf '%-18s %12s  %s\n' "target" "executions" "result"
for target in $targets; do
  printf '%-18s %12s  %s\n' "$target" "${execs[$target]}" "${result[$target]}"
done
if [ -n "$skip_ids" ]; then echo "(open bugs stepped around while fuzzing: $skip_ids; see tests/fuzz/known_bugs.txt)"; fi
if [ "$failed" -ne 0 ]; then
  echo "fuzz.sh: FAILED" >&2
  exit 1
fi
echo "fuzz.sh: every target ran ${seconds}s without a crash, leak, sanitizer report or timeout"
