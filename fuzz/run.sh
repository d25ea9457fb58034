#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (libFuzzer + ASan + UBSan) and runs them.
#
#   fuzz/run.sh all SECONDS [BUILD_DIR]          every target, one after another
#   fuzz/run.sh [SECONDS] [BUILD_DIR] [TARGET]   one target (defaults: 300, ./build-fuzz, extract)
#
# Targets (fuzz/TARGET_fuzz.cc; each file's header says what it feeds and
# how the input is laid out): extract query warc http robots url feeds
# dates config web sniff diff. Seeds are fuzz/corpus/TARGET/ (committed;
# fuzz/make_corpus.py rewrites them from the fixtures and tests); the corpus
# grows in BUILD_DIR/corpus/TARGET/ and is reused by the next run. Findings
# (crash-*, leak-*, timeout-*, oom-*) are written to BUILD_DIR/fuzz-artifacts/.
# Leaks inside libraries are suppressed by fuzz/lsan.supp (documented there).
# `all` prints one line per target (executions, result) and exits 1 when
# any target found something. Not part of .ci/run; see docs/testing.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
targets=(extract query warc http robots url feeds dates config web sniff diff)

all=0
if [[ ${1:-} == all ]]; then
  all=1
  seconds=${2:?usage: fuzz/run.sh all SECONDS [BUILD_DIR]}
  build=${3:-$root/build-fuzz}
else
  seconds=${1:-300}
  build=${2:-$root/build-fuzz}
  target=${3:-extract}
  [[ " ${targets[*]} " == *" $target "* ]] || { echo "run.sh: TARGET is one of: ${targets[*]}" >&2; exit 2; }
fi
command -v clang++ >/dev/null || { echo "run.sh: clang++ is needed (scripts/bootstrap.sh --extras)" >&2; exit 2; }

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DPRESSARC_FUZZ=ON -DPRESSARC_WERROR=OFF \
  -DPRESSARC_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
export LSAN_OPTIONS="suppressions=$root/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

max_len() {  # inputs larger than a real one gain nothing
  case "$1" in
    extract | warc | feeds) echo "${FUZZ_MAX_LEN:-65536}" ;;
    query | web) echo 4096 ;;
    *) echo 16384 ;;
  esac
}

run_one() {  # TARGET SECONDS; the fuzzer's output goes to BUILD_DIR/fuzz-logs/TARGET.log too
  local t=$1 corpus=$build/corpus/$1
  mkdir -p "$corpus" "$build/fuzz-artifacts" "$build/fuzz-logs"
  "$build/fuzz/${t}_fuzz" -max_total_time="$2" -max_len="$(max_len "$t")" -timeout=30 \
    -rss_limit_mb=4096 -artifact_prefix="$build/fuzz-artifacts/$t-" -print_final_stats=1 \
    "$corpus" "$root/fuzz/corpus/$t" 2>&1 | tee "$build/fuzz-logs/$t.log"
  return "${PIPESTATUS[0]}"
}

if [[ $all == 0 ]]; then
  cmake --build "$build" -j2 --target "${target}_fuzz" >/dev/null
  run_one "$target" "$seconds"
  exit
fi

cmake --build "$build" -j2 --target $(printf '%s_fuzz ' "${targets[@]}") >/dev/null
failed=0
summary=()
for t in "${targets[@]}"; do
  if run_one "$t" "$seconds" >/dev/null; then result=ok; else result=FINDING; failed=1; fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz-logs/$t.log" | tail -1)
  summary+=("$(printf '%-8s %6ss %12s executions  %s' "$t" "$seconds" "${execs:-?}" "$result")")
  echo "${summary[-1]}"
done
exit "$failed"
