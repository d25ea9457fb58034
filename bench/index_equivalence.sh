#!/usr/bin/env bash
# Checks that two builds of pressarc make the same index from the same pages,
# term by term: for a refactor that must not change behaviour.
#
#   bench/index_equivalence.sh OLD_BINARY NEW_BINARY [PAGES_DIR_OR_GLOB...]
#
# Each binary imports the pages (default: the 181 AEB pages of
# ../shared/bench/aeb and the fixture pages of tests/fixtures/pages) into a
# fresh data directory and then reindexes it. For each index, every document
# is dumped with xapian-delve (terms with wdf, values, document data), keyed
# by its unique Q term, with archive file names, offsets, fetch times and
# docids masked (they name the run, not the page; nothing may depend on
# docids, which a sharded build assigns in another order). Prints "identical: N documents" and exits 0,
# or prints the first differences and exits 1.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OLD=$(realpath "$1")
NEW=$(realpath "$2")
shift 2
WORK=$(mktemp -d /tmp/pressarc-equiv-XXXXXX)
[ -n "${EQUIV_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/pages"
if [ $# -eq 0 ]; then
  for f in "$HERE"/../../shared/bench/aeb/html/*.html.gz; do
    gzip -dc "$f" > "$WORK/pages/$(basename "$f" .gz)"
  done
  cp "$HERE"/../tests/fixtures/pages/*.html "$WORK/pages/" 2>/dev/null || true
else
  for f in "$@"; do cp -r "$f" "$WORK/pages/"; done
fi
touch -d 2024-01-01T00:00:00Z "$WORK"/pages/*

dump() {  # dump DATA_DIR OUT
  local db="$1/index/current"
  local n
  n=$(xapian-delve -v "$db" | awk '/number of documents/ {print $NF}')
  python3 - "$db" "$n" "$2" <<'PY'
import re, subprocess, sys
db, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
docs = {}
for did in range(1, n + 1):
    r = subprocess.run(["xapian-delve", "-r", str(did), "-1", "-v", "-V", "-d", db],
                       capture_output=True, text=True, errors="replace")
    if r.returncode != 0:
        continue
    text = r.stdout
    text = re.sub(r"(pressarc|import)-[0-9A-Za-z]+-[^\s=]*\.warc(\.gz)?", "ARCHIVE", text)
    text = re.sub(r"\b20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ", "TIME", text)
    # offsets in the run's archive files (its gzipped warcinfo record's size
    # varies with the time) and docids (the order documents were written in)
    text = re.sub(r'"offset":\d+', '"offset":N', text)
    text = re.sub(r"for record #\d+", "for record #N", text)
    lines = [l for l in text.splitlines() if not l.startswith("Term List for record")]
    q = next((l.split()[0] for l in lines if l.startswith("Q")), "?%d" % did)
    docs[q] = "\n".join(lines)
with open(out, "w") as f:
    for q in sorted(docs):
        f.write("=== %s\n%s\n" % (q, docs[q]))
print(len(docs))
PY
}

for side in old new; do
  bin=$OLD; [ $side = new ] && bin=$NEW
  "$bin" import --quiet --data "$WORK/$side" "$WORK"/pages/* >/dev/null 2>&1 || true
  dump "$WORK/$side" "$WORK/$side-import.txt" >/dev/null
  "$bin" reindex --quiet --data "$WORK/$side" >/dev/null
  dump "$WORK/$side" "$WORK/$side-reindex.txt" > "$WORK/$side-count"
done
status=0
for stage in import reindex; do
  if cmp -s "$WORK/old-$stage.txt" "$WORK/new-$stage.txt"; then
    echo "$stage: identical: $(grep -c '^=== ' "$WORK/new-$stage.txt") documents"
  else
    echo "$stage: DIFFERENT"
    diff <(grep "^=== " "$WORK/old-$stage.txt") <(grep "^=== " "$WORK/new-$stage.txt") | head -20
    diff "$WORK/old-$stage.txt" "$WORK/new-$stage.txt" | grep "^[<>]" | cut -c1-300 | head -20
    status=1
  fi
done
exit $status
