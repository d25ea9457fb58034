#!/usr/bin/env bash
# Search benchmark: in-process latency (bench/search_bench.cc), then whole
# `pressarc search` processes against Xapian's own `quest` on the same index
# and queries, side by side, and the ratio of their median wall times.
#
#   bench/search_bench.sh [BUILD_DIR] [DOCS]
#     BUILD_DIR  the CMake build directory (default: build); needs the
#                targets pressarc and search_bench
#     DOCS       synthetic documents (default 100000; the index is reused
#                when it already has that many)
#   env DATA=DIR (default /tmp/pressarc-search-bench), RUNS=N (default 15)
#
# Goals (issue 6): in-process p50 <= 2 ms, p99 <= 20 ms; pressarc/quest <= 1.5x.
# Timing uses a Python loop (fork+exec per run); hyperfine is not needed.
set -euo pipefail

BUILD=${1:-build}
DOCS=${2:-100000}
DATA=${DATA:-/tmp/pressarc-search-bench}
RUNS=${RUNS:-15}

PRESSARC="$BUILD/pressarc"
BENCH="$BUILD/bench/search_bench"
for f in "$PRESSARC" "$BENCH"; do
  [[ -x "$f" ]] || { echo "search_bench.sh: $f not built (cmake --build $BUILD --target pressarc search_bench)" >&2; exit 1; }
done
command -v quest >/dev/null || { echo "search_bench.sh: quest not found (apt-get install xapian-tools)" >&2; exit 1; }

echo "== in-process (search_bench, $DOCS documents) =="
"$BENCH" --data "$DATA" --docs "$DOCS" --queries-out "$DATA/queries.tsv"

echo
echo "== whole process: pressarc search vs quest ($RUNS runs each, median wall ms) =="
python3 - "$PRESSARC" "$DATA" "$RUNS" <<'PY'
import shlex, statistics, subprocess, sys, time

pressarc, data, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
stub = f"{data}/index/current"
quest_base = ["quest", "-d", stub, "-m", "10", "-o", "and", "-f", "default,wildcard,pure_not",
              "-p", "title:S", "-b", "source:XSOURCE", "-b", "lang:L", "-b", "site:H"]

def timed(cmd):
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        samples.append((time.perf_counter() - t0) * 1000)
        if r.returncode != 0:
            sys.exit(f"failed ({r.returncode}): {shlex.join(cmd)}: {r.stderr.decode()[:200]}")
    return statistics.median(samples)

# Warm the page cache once.
subprocess.run(["quest", "-d", stub, "warm"], stdout=subprocess.DEVNULL)
rows, ratios = [], []
for line in open(f"{data}/queries.tsv", encoding="utf-8"):
    opts, query = line.rstrip("\n").split("\t")
    if not query or ".." in query or opts:
        continue  # quest has no equivalent of our options or date ranges
    p = timed([pressarc, "search", "--data", data, "--color", "never", query])
    q = timed(quest_base + [query])
    rows.append((query, p, q, p / q))
    ratios.append(p / q)
print(f"{'query':40} {'pressarc':>9} {'quest':>9} {'ratio':>6}")
for query, p, q, r in rows:
    print(f"{query:40} {p:9.2f} {q:9.2f} {r:6.2f}")
print(f"\nmedian ratio pressarc/quest: {statistics.median(ratios):.2f} (goal <= 1.5)")
PY
