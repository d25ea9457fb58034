#!/usr/bin/env bash
# Shard benchmark (issue 19: "3 shards on loopback vs one index, p99 <= 1.5x,
# identical results"). The search bench's corpus of DOCS documents is built
# once whole (the single index) and once in 3 parts (document i in part
# i % 3, each document the same as in the whole build); each part is served
# by Xapian's own `xapian-tcpsrv` on a free loopback port over its live
# index's stub (DIR/index/current), as docs/operations.md runs a shard. One
# `search_bench --compare` then checks that every query of the set gives the
# same results through the 3 shards as from the single index (exit 1 if
# not), and times both in the same run, query by query, alternating: per
# query and per kind p50/p99 wall and p50 CPU, and the ratios. The CPU of
# the shards' searches adds the servers' (the matching runs there: the
# processes xapian-tcpsrv forked for the bench's connections) to the bench's.
#
#   bench/shard_bench.sh [BUILD_DIR] [DOCS]
#     BUILD_DIR  the CMake build directory (default: build); needs the target
#                search_bench
#     DOCS       synthetic documents (default 100000)
#   env DATA=DIR the single index (default /work/bench-data/zipf-100k for
#       100000 documents, zipf-1m for 1000000: the directories search_bench.sh
#       runs use); PARTS=PREFIX (default DIR) the parts, in PREFIX-part0of3,
#       PREFIX-part1of3, PREFIX-part2of3. Each is built the first time (through
#       the indexer, as reindex builds an index; the parts together, from one
#       pass over the corpus: search_bench --parts 3) and reused while it has
#       the same corpus and size: build the single index and the parts with
#       the same code, or the check compares two versions of the indexer.
#       Each takes its pair words from its own sample (search_bench), as
#       each shard's reindex takes its own: phrases through the shards use
#       the words common to all.
#       ROUNDS=N timed rounds (default 20); NICE=N niceness of the builds
#       (default 10: the machine is shared).
set -euo pipefail

BUILD=${1:-build}
DOCS=${2:-100000}
if ((DOCS % 1000000 == 0)); then
  LABEL=$((DOCS / 1000000))m
elif ((DOCS % 1000 == 0)); then
  LABEL=$((DOCS / 1000))k
else
  LABEL=$DOCS
fi
DATA=${DATA:-/work/bench-data/zipf-$LABEL}
ROUNDS=${ROUNDS:-20}
NICE=${NICE:-10}
PREFIX=${PARTS:-$DATA}
PARTS=3

BENCH="$BUILD/bench/search_bench"
[[ -x "$BENCH" ]] || { echo "shard_bench.sh: $BENCH not built (cmake --build $BUILD --target search_bench)" >&2; exit 1; }
TCPSRV=$(command -v xapian-tcpsrv) || { echo "shard_bench.sh: xapian-tcpsrv not found (apt-get install xapian-tools)" >&2; exit 1; }

echo "== indexes: $DOCS documents in $DATA, and in $PARTS parts in $PREFIX-part*of$PARTS =="
nice -n "$NICE" "$BENCH" --data "$DATA" --docs "$DOCS" --build-only
# the parts not built yet, together: the corpus generated once
nice -n "$NICE" "$BENCH" --data "$PREFIX" --docs "$DOCS" --parts "$PARTS" --build-only

# The servers, stopped on exit whatever happens. Each runs in a session of
# its own (setsid): on SIGTERM xapian-tcpsrv signals its whole process group,
# which must not be this script's.
PIDS=()  # every server started
# shellcheck disable=SC2317  # run by the trap
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
listening() {
  python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()' "$1" 2>/dev/null
}
VIA=()
for ((k = 0; k < PARTS; k++)); do
  dir="$PREFIX-part${k}of$PARTS"
  started=""
  for _ in 1 2 3 4 5; do  # another process may take the free port first
    port=$(free_port)
    setsid "$TCPSRV" --interface 127.0.0.1 --port "$port" "$dir/index/current" >/dev/null 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for _ in $(seq 100); do
      if listening "$port"; then started=1; break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    [[ -n "$started" ]] && break
  done
  [[ -n "$started" ]] || { echo "shard_bench.sh: xapian-tcpsrv over $dir did not start" >&2; exit 1; }
  echo "shard $k: tcp://127.0.0.1:$port ($dir/index/current, xapian-tcpsrv pid $pid)"
  VIA+=(--search-via "tcp://127.0.0.1:$port" --server-pid "$pid")
done

echo
echo "== one index against $PARTS shards on loopback ($ROUNDS rounds, alternating) =="
"$BENCH" --data "$DATA" --docs "$DOCS" --rounds "$ROUNDS" "${VIA[@]}" --compare
