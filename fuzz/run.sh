#!/usr/bin/env bash
# Builds fuzz/extract_fuzz with clang (libFuzzer + ASan + UBSan) and runs it.
#
#   fuzz/run.sh [SECONDS] [BUILD_DIR]     (defaults: 300, ./build-fuzz)
#
# Seed corpus: every page under tests/fixtures (sites and hand-made pages).
# Findings are written to BUILD_DIR/fuzz-artifacts/; the corpus grows in
# BUILD_DIR/fuzz-corpus/ and is reused by the next run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
build=${2:-$root/build-fuzz}
command -v clang++ >/dev/null || { echo "run.sh: clang++ is needed (apt-get install clang)" >&2; exit 2; }

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DPRESSARC_FUZZ=ON -DPRESSARC_WERROR=OFF \
  -DPRESSARC_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target extract_fuzz >/dev/null

corpus=$build/fuzz-corpus
seeds=$build/fuzz-seeds
mkdir -p "$corpus" "$seeds" "$build/fuzz-artifacts"
n=0
while IFS= read -r -d '' f; do
  # A seed is one mode byte followed by the page.
  { printf '\x18'; head -c 200000 "$f"; } > "$seeds/seed-$n"
  n=$((n + 1))
done < <(find "$root/tests/fixtures/sites" "$root/tests/fixtures/pages" -name '*.html' -print0)

exec "$build/fuzz/extract_fuzz" -max_total_time="$seconds" -max_len=${FUZZ_MAX_LEN:-65536} -timeout=30 \
  -rss_limit_mb=4096 -artifact_prefix="$build/fuzz-artifacts/" -print_final_stats=1 \
  "$corpus" "$seeds"
