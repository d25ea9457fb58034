#!/usr/bin/env bash
# Web interface under load (issue 18): `pressarc serve` on the search bench's
# index, driven by wrk on loopback with 50 kept-alive clients.
#
#   bench/serve_bench.sh [BUILD_DIR] [DATA]
#     BUILD_DIR  the CMake build directory (default: build); needs pressarc
#     DATA       the search bench's data dir (default /work/bench-data/zipf-100k,
#                100,000 documents, made by DATA=... bench/search_bench.sh).
#                It is used read-only: the server's data dir is a temporary
#                directory whose index/ is a symlink to DATA/index.
#   env DURATION (default 60s), CONNECTIONS (default 50), WRK_THREADS
#       (default 1: the client takes as little of the 2 cores as it can),
#       PORT (default 18990), SERVE_ARGS="..." more `pressarc serve` options.
#
# Every request is a results page with facets and the histogram (`/` always
# has both): the queries of DATA/queries.tsv (written by search_bench: plain
# words, phrases, wildcards, boolean, filters only, date-sorted, languages,
# sources, date ranges) turned into URL parameters, taken in turn, plus the
# second page of each. wrk's own timeout (2 s) counts as an error.
# Two runs, one after the other, each on a fresh server: with the response
# cache (the default, [serve] cache_mb = 64; the check that every path
# answers 200 also fills it, as earlier visitors would) and without it
# (cache_mb = 0: every page is searched and rendered), so the numbers say
# what the cache does and what a page costs. For each: p50/p95/p99,
# requests/s, errors and non-2xx answers, the CPU time the server used (and
# per request) and the cache's hit rate (the line serve prints on stop).
# Goals (issue 18): p95 <= 50 ms, >= 200 pages/s on 2 cores, no error in
# 60 s with 50 clients. The load average at the start is printed: the
# numbers are only comparable on a quiet machine.
#
# Needs wrk (Debian wrk; scripts/bootstrap.sh --extras installs it).
set -euo pipefail

BUILD=${1:-build}
DATA=${2:-/work/bench-data/zipf-100k}
DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-50}
WRK_THREADS=${WRK_THREADS:-1}
PORT=${PORT:-18990}
PRESSARC=$(readlink -f "$BUILD/pressarc")

[[ -x $PRESSARC ]] || { echo "serve_bench.sh: $BUILD/pressarc not built" >&2; exit 1; }
[[ -f $DATA/index/current ]] || {
  echo "serve_bench.sh: no index in $DATA (build one with DATA=$DATA bench/search_bench.sh $BUILD)" >&2
  exit 1
}
command -v wrk >/dev/null || { echo "serve_bench.sh: wrk not found (apt-get install wrk)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/pressarc-serve-bench-XXXXXX)
SERVER_PID=""
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir "$WORK/data"
ln -s "$(readlink -f "$DATA/index")" "$WORK/data/index"

# The request paths: each query line "OPTIONS<TAB>QUERY" as URL parameters.
QUERIES=$DATA/queries.tsv
[[ -f $QUERIES ]] || QUERIES=/dev/null
python3 - "$QUERIES" "$WORK/paths.lua" <<'PY'
import shlex, sys, urllib.parse
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line:
        continue
    opts, _, q = line.partition("\t")
    params, args = [("q", q)] if q else [], shlex.split(opts)
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--any", "--all", "--exact"):
            params.append((a[2:], "1"))
        elif a == "--facets":
            pass  # the results page always has facets and the histogram
        elif a.startswith("--") and i + 1 < len(args):
            params.append((a[2:], args[i + 1]))
            i += 1
        i += 1
    if params:
        rows.append(params)
if not rows:  # no queries.tsv: a few of search_bench's kinds
    rows = [[("q", w)] for w in ("nazirlik", "Lavrov", '"foreign affairs"', "nazir*",
                                 "security AND cooperation")] + [[("lang", "en")]]
paths = []
for params in rows:
    paths.append("/?" + urllib.parse.urlencode(params))
    paths.append("/?" + urllib.parse.urlencode(params + [("offset", "20")]))
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("paths = {\n" + "".join('  "%s",\n' % p.replace("\\", "\\\\").replace('"', '\\"')
                                    for p in paths) + "}\n")
print(len(paths), "paths", file=sys.stderr)
PY

cat >>"$WORK/paths.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f " ..
    "connect=%d read=%d write=%d timeout=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    e.connect, e.read, e.write, e.timeout, e.status))
end
LUA

# One run: serve with `cache_mb` = $2, check every path, wrk, then stop the
# server (which prints the cache's counts); appends one RUN line to $WORK/runs.
run_one() {
  local label=$1 cache_mb=$2
  printf '[serve]\nlisten = "127.0.0.1:%s"\ncache_mb = %s\n' "$PORT" "$cache_mb" \
    >"$WORK/pressarc.toml"
  # shellcheck disable=SC2086  # SERVE_ARGS is a list of options
  "$PRESSARC" serve --config "$WORK/pressarc.toml" --data "$WORK/data" ${SERVE_ARGS:-} \
    2>"$WORK/serve.log" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    grep -q "serving" "$WORK/serve.log" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  grep -q "serving" "$WORK/serve.log" || { echo "serve_bench.sh: serve did not start" >&2; exit 1; }

  # Every path answers 200 before the load (a 400 would be a wrong query, not load).
  python3 - "$WORK/paths.lua" "$PORT" <<'PY'
import re, sys, urllib.request
paths = [p.replace('\\"', '"').replace("\\\\", "\\")
         for p in re.findall(r'^  "(.*)",$', open(sys.argv[1], encoding="utf-8").read(), re.M)]
for p in paths:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[2]}{p}", timeout=30) as r:
        if r.status != 200:
            sys.exit(f"serve_bench.sh: {p} answered {r.status}")
PY

  local cpu0 cpu1 rss
  cpu0=$(cpu_ticks)
  echo "== $label: wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION, $DATA (results page, facets, histogram) =="
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 2s -s "$WORK/paths.lua" \
    "http://127.0.0.1:$PORT" | tee "$WORK/wrk.out"
  cpu1=$(cpu_ticks)
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  stop_server
  local hits
  hits=$(sed -n 's/.*response cache: \([0-9]*\) hits, \([0-9]*\) misses.*/\1 \2/p' \
    "$WORK/serve.log")
  echo "RUN label=$label cpu0=$cpu0 cpu1=$cpu1 rss=$rss cache=${hits:-none}" \
    "$(grep '^RESULT' "$WORK/wrk.out")" >>"$WORK/runs"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
: >"$WORK/runs"
run_one "cached (cache_mb=64)" 64
run_one "uncached (cache_mb=0)" 0

python3 - "$WORK/runs" "$(getconf CLK_TCK)" <<'PY'
import re, sys
ticks = int(sys.argv[2])
print()
print("| run | requests | req/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | errors | non-2xx | "
      "server CPU (s) | CPU ms/request | cache hits | server peak RSS (MiB) | goals |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for line in open(sys.argv[1]):
    label = re.search(r"label=(.*?) cpu0=", line).group(1)
    r = dict((k, float(v)) for k, v in re.findall(r"(\w+)=([0-9.]+)", line))
    cache = re.search(r"cache=(\S+)(?: (\d+))?", line)
    if cache.group(1) == "none":
        hit_rate = "off"
    else:
        hits, misses = int(cache.group(1)), int(cache.group(2))
        hit_rate = f"{100 * hits / max(hits + misses, 1):.1f}%"
    cpu = (r["cpu1"] - r["cpu0"]) / ticks
    errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
    rate = r["requests"] / r["seconds"]
    ok = r["p95_ms"] <= 50 and rate >= 200 and errors == 0 and r["non2xx"] == 0
    print(f"| {label} | {r['requests']:.0f} | {rate:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
          f"{r['p99_ms']:.1f} | {r['max_ms']:.0f} | {errors:.0f} | {r['non2xx']:.0f} | {cpu:.1f} | "
          f"{1000 * cpu / max(r['requests'], 1):.2f} | {hit_rate} | {r['rss'] / 1024:.0f} | "
          f"{'met' if ok else 'NOT met'} |")
print("goals: p95 <= 50 ms, >= 200 pages/s, no error (wrk timeouts count)")
PY
