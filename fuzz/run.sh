#!/usr/bin/env bash
# Builds a libFuzzer target with clang (libFuzzer + ASan + UBSan) and runs it.
#
#   fuzz/run.sh [SECONDS] [BUILD_DIR] [TARGET]   (defaults: 300, ./build-fuzz, extract)
#
# TARGET extract (fuzz/extract_fuzz.cc): the article extractor; seeds are
# every page under tests/fixtures (sites and hand-made pages).
# TARGET query (fuzz/query_fuzz.cc): search queries and stored document
# data; seeds are a few queries and a stored document.
# Findings are written to BUILD_DIR/fuzz-artifacts/; the corpus grows in
# BUILD_DIR/fuzz-corpus/ (BUILD_DIR/query-corpus/) and is reused by the next run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
build=${2:-$root/build-fuzz}
command -v clang++ >/dev/null || { echo "run.sh: clang++ is needed (scripts/bootstrap.sh --extras)" >&2; exit 2; }

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DPRESSARC_FUZZ=ON -DPRESSARC_WERROR=OFF \
  -DPRESSARC_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
target=${3:-extract}
case "$target" in
  extract) ;;
  query)
    cmake --build "$build" -j2 --target query_fuzz >/dev/null
    corpus=$build/query-corpus
    seeds=$build/query-seeds
    mkdir -p "$corpus" "$seeds" "$build/fuzz-artifacts"
    n=0
    for q in 'Lavrov' 'IŞIQ OR Istanbul' '"xarici işlər" -Bakı' 'nazir* AND NOT (Лавров OR Lavrov)' \
             'title:Lavrov source:mfa lang:az site:a.example 2023..2024' 'Захаровой Bakı OR Gəncə' \
             'a NEAR/3 b' '2023-05..'; do
      printf '\x00%s' "$q" > "$seeds/query-$n"  # even first byte: a query
      n=$((n + 1))
    done
    printf '\x01url=https://x/\ncaption=C\npressarc={"title":"A\\u0259","text":"t","archive":{"file":"f","offset":3}}\n' \
      > "$seeds/data-0"  # odd first byte: document data
    exec "$build/fuzz/query_fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=30 \
      -rss_limit_mb=4096 -artifact_prefix="$build/fuzz-artifacts/" -print_final_stats=1 \
      "$corpus" "$seeds"
    ;;
  *) echo "run.sh: TARGET is extract or query" >&2; exit 2 ;;
esac
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
