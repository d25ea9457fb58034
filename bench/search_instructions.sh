#!/usr/bin/env bash
# Instructions per search, two builds side by side (callgrind): for when
# wall and CPU times are too noisy to compare (on this machine the same
# binary's p50 moves by up to 1.5x between runs a minute apart).
#
# For each query, search_bench runs it (--only TEXT: every query of the set
# whose text or options contain TEXT) for 2 and for 6 rounds under
# callgrind; (instructions of 6 - instructions of 2) / 4 is the steady cost
# of one round, without the process's start, the index's opening and what a
# searcher reads once and keeps (the filter bitmaps of search/filter_cache.h,
# built at a filter's second search: their cost is printed as "once").
#
#   bench/search_instructions.sh DATA DOCS BUILD_A BUILD_B [TEXT...]
#     DATA     an index search_bench built (e.g. /work/bench-data/zipf-1m-c)
#     DOCS     its documents (search_bench --docs)
#     BUILD_A  the build to compare against (its bench/search_bench)
#     BUILD_B  the build measured
#     TEXT     the --only texts (default: the words, phrases and filters
#              queries of the set, plus "nazirlik": 3 queries)
#   env JOBS=N runs at once (default 2)
set -euo pipefail

if [[ $# -lt 4 ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 2
fi
data=$1 docs=$2 a=$3 b=$4
shift 4
texts=("$@")
if [[ ${#texts[@]} -eq 0 ]]; then
  texts=("Azerbaycan prezident" "security AND" "peace -talks" "title:summit" "transport"
         "visit" "görüş" "Lavrov" "министерство" '"foreign affairs"' "2023-05"
         "source:mid-ru" "nazirlik")
fi
command -v valgrind > /dev/null || { echo "search_instructions: valgrind is not installed" >&2; exit 1; }
for build in "$a" "$b"; do
  [[ -x $build/bench/search_bench ]] || { echo "search_instructions: no $build/bench/search_bench" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Instructions of one run: ir BUILD ROUNDS TEXT > file
ir() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1/bench/search_bench" \
      --data "$data" --docs "$docs" --rounds "$2" --only "$3" 2>&1 |
    sed -n 's/.*I *refs: *//p' | tr -d ,
}
export -f ir
export data docs

jobs=()
for i in "${!texts[@]}"; do
  for side in a b; do
    build=$a; [[ $side == b ]] && build=$b
    for rounds in 2 6; do
      jobs+=("$build|$rounds|${texts[$i]}|$work/$i-$side-$rounds")
    done
  done
done
printf '%s\n' "${jobs[@]}" |
  xargs -P "${JOBS:-2}" -d '\n' -I{} bash -c 'IFS="|" read -r b r t out <<< "$1"; ir "$b" "$r" "$t" > "$out"' _ {}

printf '%-26s %12s %12s %7s %14s\n' "query (--only)" "A M/round" "B M/round" "B/A" "B once, M"
for i in "${!texts[@]}"; do
  a2=$(cat "$work/$i-a-2") a6=$(cat "$work/$i-a-6") b2=$(cat "$work/$i-b-2") b6=$(cat "$work/$i-b-6")
  python3 - "${texts[$i]}" "$a2" "$a6" "$b2" "$b6" <<'EOF'
import sys
text, a2, a6, b2, b6 = sys.argv[1], *map(int, sys.argv[2:])
a, b = (a6 - a2) / 4e6, (b6 - b2) / 4e6
once = (b2 - a2) / 1e6 - (b - a)  # B's extra in its first two rounds, steady difference aside
print(f"{text[:26]:26s} {a:12.1f} {b:12.1f} {b / a:7.2f} {once:14.1f}")
EOF
done
