#!/usr/bin/env bash
# AEB (Article Extraction Benchmark) score of the parser.
#
#   bench/aeb.sh [BUILD_DIR]        (default BUILD_DIR: ./build-aeb)
#
# Builds bench/extract_bench, gunzips ../shared/bench/aeb/html/*.html.gz to a
# temporary folder, extracts every page's text to <id>.txt, runs the scorer
# (../shared/bench/score.py) and prints its table (F1, precision, recall),
# then the speed lines of extract_bench (Gumbo's parse, ExtractArticle, and the
# `pressarc extract --json` command, wall and CPU time). The data is looked for in
# ../shared/bench/aeb, then ../../shared/bench/aeb (a worktree); override it
# with AEB_DIR and the scorer with AEB_SCORE.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-aeb}
aeb=${AEB_DIR:-$root/../shared/bench/aeb}
# A worktree under wt/ sits one level deeper than the main checkout.
[ -n "${AEB_DIR:-}" ] || [ -d "$aeb/html" ] || aeb=$root/../../shared/bench/aeb
score=${AEB_SCORE:-$(dirname "$aeb")/score.py}
[ -d "$aeb/html" ] || { echo "aeb.sh: no AEB data at $aeb (set AEB_DIR)" >&2; exit 2; }

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DPRESSARC_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target extract_bench >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/html" "$tmp/out"
for f in "$aeb"/html/*.html.gz; do
  gunzip -c "$f" > "$tmp/html/$(basename "$f" .gz)"
done
"$build/bench/extract_bench" --out "$tmp/out" "$tmp/html"/*.html > "$tmp/speed.txt"
python3 "$score" --gt "$aeb/ground-truth.json" "$tmp/out"
echo
cat "$tmp/speed.txt"
