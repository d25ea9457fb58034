#!/usr/bin/env bash
# History benchmark (issue 16): `pressarc history` of an article with 20
# versions of about 2,000 words each, end to end (a whole process: resolve the
# id through the index, read the 20 records from the archive, extract them,
# diff each with the one before), text and JSON; and `changes` over them.
# The versions are imported as HTML files, one import per version, dated a day
# apart; each differs from the one before by a corrected figure, a changed
# sentence and an added paragraph.
#
#   bench/history_bench.sh [BUILD_DIR]      (needs the target pressarc)
#   env RUNS=N (default 15), VERSIONS=N (default 20)
#
# Goal: history of 20 versions <= 50 ms (median wall time). CPU time (user +
# system of the process) is printed too: on a busy machine it moves less. The word diff of
# two 2,000-word versions alone (<= 5 ms) is timed by the archive tests
# (WordDiff.TwoThousandWordVersionsDiffFast prints it).
set -euo pipefail

BUILD=${1:-build}
RUNS=${RUNS:-15}
VERSIONS=${VERSIONS:-20}
PRESSARC="$BUILD/pressarc"
[[ -x "$PRESSARC" ]] || { echo "history_bench.sh: $PRESSARC not built" >&2; exit 1; }
WORK=$(mktemp -d /tmp/pressarc-history-bench-XXXXXX)
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK" "$VERSIONS" <<'PY'
import os, random, sys
work, versions = sys.argv[1], int(sys.argv[2])
rng = random.Random(16)
vocab = [f"word{i}" for i in range(3000)]
paras = [" ".join(rng.choice(vocab) for _ in range(100)) + "." for _ in range(20)]
for v in range(versions):
    if v:
        p = rng.randrange(len(paras))
        words = paras[p].split()
        words[rng.randrange(len(words))] = str(1000 + v)          # a corrected figure
        paras[p] = " ".join(words)
        q = rng.randrange(len(paras))
        paras[q] = " ".join(rng.choice(vocab) for _ in range(30)) + ". " + paras[q]  # a sentence
        paras.append(" ".join(rng.choice(vocab) for _ in range(40)) + ".")         # a paragraph
    body = "".join(f"<p>{p}</p>" for p in paras)
    html = ('<html lang="en"><head><link rel="canonical" href="https://example.org/news/bench">'
            f'</head><body><article><h1>Bench release {v if v % 5 == 0 else 0}</h1>'
            f'<time datetime="2024-05-01">1 May 2024</time>{body}</article></body></html>')
    path = os.path.join(work, f"v{v:02d}.html")
    with open(path, "w") as f:
        f.write(html)
    t = 1714550400 + v * 86400
    os.utime(path, (t, t))
PY
for f in "$WORK"/v*.html; do "$PRESSARC" import --quiet --data "$WORK/data" "$f"; done
URL=https://example.org/news/bench
N=$("$PRESSARC" history --format json --data "$WORK/data" "$URL" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["versions"]))')
echo "versions: $N"

python3 - "$PRESSARC" "$WORK/data" "$URL" "$RUNS" <<'PY'
import os, statistics, subprocess, sys, time
bin, data, url, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
for name, args in [("history (text)", ["history", url]),
                   ("history --format json", ["history", "--format", "json", url]),
                   ("changes --format json", ["changes", "--format", "json"])]:
    times, cpu = [], []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.Popen([bin, *args, "--data", data], stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
        assert status == 0, (args, status)
    print(f"{name}: median {statistics.median(times):.1f} ms wall, "
          f"{statistics.median(cpu):.1f} ms CPU, min {min(times):.1f} ms ({runs} runs)")
PY
