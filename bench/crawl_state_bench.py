#!/usr/bin/env python3
"""Crawl state at scale (issue 19): a crawl resumed over 1,000,000 URLs of state.

    bench/crawl_state_bench.py [--bin build/pressarc] [--urls 1000000] [--runs 3]
                               [--template DIR] [--max-pages 100]

1. Builds (once; kept in --template, default /work/bench-data/crawl-state-URLS) a
   state.sqlite with URLS frontier rows over the three fixture sources (mfa,
   republisher, mid) with a simulated history of ten years: 96 % archived
   articles (status done, fetched one to four times: a fetches row per visit,
   the last 200 as response_id; a versions row each, 5 % with a second
   version), 2 % listings and pages, 2 % a pending frontier (queued or failed).
   Publication dates are spread over ten years, last fetches over the last
   30 days, so a realistic share is due for revisit. The schema is the
   catalogue's own (read from archive/catalogue.cc), the rows as an earlier
   pressarc wrote them (next_fetch_at = last fetch + 24 h).
2. A first run over a copy of it (the upgrade: a pressarc that keeps its
   revisit schedule in the state stamps every article once) leaves the state
   that the measured runs start from: each copies it into a fresh data dir and
   runs a real `pressarc crawl --max-pages N -v` against the fixture server
   (tests/fixtures/server.py, loopback, fixed ports so the template stays
   valid; config/demo.toml's sources with the documented defaults
   max_revisits_per_run = 2000 and max_pages_per_source = 100000) and reports: time from exec to the first request the server saw (its log),
   the CPU time the crawl had used by then (/proc, polled every 5 ms: on a
   shared machine the wall time is mostly waiting for a core), the crawl's own
   revisit-selection time (its log lines "revisits: ..."),
   wall and CPU time of the run, peak RSS (getrusage of the child), and the
   size of state.sqlite.

Goal (issue 19): resume with 1,000,000 URLs <= 2 s to the first request,
RSS <= 256 MiB.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import harness  # noqa: E402  (write_config, FixtureServer)

PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", "18470"))
NOW = int(time.time())
DAY = 86400


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def schema():
    with open(os.path.join(ROOT, "archive", "catalogue.cc"), encoding="utf-8") as f:
        text = f.read()
    return re.search(r'kSchema = R"sql\((.*?)\)sql"', text, re.S).group(1)


def article_url(source, n):
    if source == "mfa":
        return f"http://127.0.0.1:{PORT_BASE + 1}/{('az', 'en', 'ru')[n % 3]}/news/no{n:07d}"
    if source == "republisher":
        return f"http://127.0.0.1:{PORT_BASE + 2}/news/{n}/"
    return f"http://127.0.0.1:{PORT_BASE + 3}/{('ru', 'en')[n % 2]}/foreign_policy/news/{n}/"


def other_url(source, n):
    if source == "mfa":
        return f"http://127.0.0.1:{PORT_BASE + 1}/en/news?page={n}"
    if source == "republisher":
        return f"http://127.0.0.1:{PORT_BASE + 2}/olke-metbuati.html?page={n}&per-page=30"
    return f"http://127.0.0.1:{PORT_BASE + 3}/ru/press_service/news/?PAGEN_1={n}"


def build_state(path, urls, seed=19):
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
    db.executescript(schema())
    sources = ["mfa", "republisher", "mid"]
    fetch_id = 0
    frontier, fetches, versions = [], [], []
    run_ids = 200

    def flush():
        db.executemany("INSERT INTO frontier(url, source, depth, kind, status, discovered_at, "
                       "next_fetch_at, fetched_at, attempts, error, response_id, published, "
                       "canonical) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", frontier)
        db.executemany("INSERT INTO fetches(id, run_id, url, source, status, etag, last_modified, "
                       "payload_digest, content_digest, warc_file, warc_offset, warc_date, "
                       "fetched_at, published, canonical, page_kind, indexed, error, attempts) "
                       "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", fetches)
        db.executemany("INSERT INTO versions(url, version, fetched_at, digest, title, published, "
                       "source, language, warc_file, warc_offset, words_added, words_removed, "
                       "excerpt) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", versions)
        frontier.clear(), fetches.clear(), versions.clear()

    for i in range(urls):
        source = sources[i % 3]
        n = i // 3 + 1
        r = rng.random()
        if r < 0.96:  # an archived article
            url = article_url(source, n)
            born = NOW - int(rng.random() * 10 * 365 * DAY)
            discovered = born + rng.randrange(600, 6 * 3600)
            visits = 1 + min(3, int(rng.expovariate(1.0)))
            last = NOW - rng.randrange(0, 30 * DAY)
            times = sorted({max(discovered, last - k * rng.randrange(DAY, 60 * DAY))
                            for k in range(visits)})
            digest = "sha1:" + hashlib.sha1(url.encode()).hexdigest().upper()[:32]
            warc = f"pressarc-2026{rng.randrange(1, 13):02d}01-{rng.randrange(1000):04d}.warc.gz"
            offset = rng.randrange(1 << 30)
            published = iso(born)[:10]
            response = 0
            for k, t in enumerate(times):
                fetch_id += 1
                status = 200 if k == 0 else rng.choice((304, 304, 304, 200))
                if status == 200:
                    response = fetch_id
                fetches.append((fetch_id, rng.randrange(1, run_ids), url, source, status,
                                f'"{digest[5:21]}"', "", digest if status == 200 else "",
                                digest if status == 200 else "", warc if status == 200 else "",
                                offset if status == 200 else 0, iso(t), iso(t), published,
                                url, "article", 1, "", 1))
            frontier.append((url, source, 2, "article", "done", iso(discovered),
                             iso(times[-1] + DAY), iso(times[-1]), 1, "", response,
                             published, url))
            lang = {"mfa": "az", "republisher": "az", "mid": "ru"}[source]
            versions.append((url, 1, iso(times[0]), digest, f"Press release {n} on bilateral "
                             "consultations and regional cooperation", published, source, lang,
                             warc, offset, 0, 0, ""))
            if rng.random() < 0.05:
                versions.append((url, 2, iso(times[-1]), digest[:-4] + "BEEF",
                                 f"Press release {n} (corrected)", published, source, lang, warc,
                                 offset + 4096, 12, 9, "the parties agreed to continue the "
                                 "dialogue at the next meeting"))
        elif r < 0.98:  # a listing or page, fetched on every run
            url = other_url(source, n)
            t = NOW - rng.randrange(DAY, 3 * DAY)
            fetch_id += 1
            fetches.append((fetch_id, run_ids, url, source, 200, "", "", "", "", "", 0, iso(t),
                            iso(t), "", "", "listing", 0, "", 1))
            frontier.append((url, source, 1, "listing", "done", iso(t - 30 * DAY), iso(t),
                             iso(t), 1, "", fetch_id, "", ""))
        else:  # the pending frontier: found, not fetched yet (or failed last time)
            url = article_url(source, n)
            t = NOW - rng.randrange(3600, 3 * DAY)
            failed = rng.random() < 0.2
            frontier.append((url, source, 3, "article", "failed" if failed else "queued", iso(t),
                             iso(t), "", 3 if failed else 0,
                             "HTTP 503" if failed else "", 0, "", ""))
        if len(frontier) >= 50000:
            flush()
    flush()
    db.execute("INSERT INTO runs(id, started_at, finished_at, status, summary_json) "
               "VALUES(?, ?, ?, 'ok', '{}')", (run_ids, iso(NOW - DAY), iso(NOW - DAY + 3600)))
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()


def first_request_time(log_path):
    with open(log_path, encoding="utf-8") as f:
        for line in f:
            entry = json.loads(line)
            return datetime.datetime.fromisoformat(entry["time"]).timestamp()
    return None


def one_run(args, cfg, state, run, keep=None):
    data = tempfile.mkdtemp(prefix="pressarc-crawl-state-")
    try:
        shutil.copy(state, os.path.join(data, "state.sqlite"))
        log = os.path.join(data, "server.log")
        with harness.FixtureServer(log_file=log, port_base=PORT_BASE):
            out_path, err_path = os.path.join(data, "out.json"), os.path.join(data, "err.log")
            with open(out_path, "w") as out, open(err_path, "w") as err:
                t0 = time.time()
                proc = subprocess.Popen([args.bin, "crawl", "--config", cfg, "--data", data,
                                         "--json", "-v", "--max-pages", str(args.max_pages)],
                                        stdout=out, stderr=err)
                cpu_first = None  # CPU seconds the crawl had used when the first request came
                ticks = os.sysconf("SC_CLK_TCK")
                while True:
                    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)  # its own rusage
                    if pid:
                        break
                    if cpu_first is None and os.path.getsize(log) > 0:
                        try:
                            with open(f"/proc/{proc.pid}/stat") as f:
                                fields = f.read().rsplit(")", 1)[1].split()
                            cpu_first = (int(fields[11]) + int(fields[12])) / ticks
                        except (OSError, IndexError, ValueError):
                            pass
                    time.sleep(0.005)
                wall = time.time() - t0
            first = first_request_time(log)
        code = os.waitstatus_to_exitcode(status)
        stdout, stderr = open(out_path).read(), open(err_path).read()
        if code not in (0, 1) or not stdout.strip():
            sys.exit(f"crawl_state_bench: crawl exited {code}: {stderr[-2000:]}")
        selection_ms = sum(float(m) for m in
                           re.findall(r"revisits: .*? in ([0-9.]+) ms", stderr))
        row = {
            "run": run,
            "first_request_s": (first - t0) if first else float("nan"),
            "cpu_first_s": cpu_first if cpu_first is not None else float("nan"),
            "selection_ms": selection_ms,
            "wall_s": wall,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "rss_mib": usage.ru_maxrss / 1024.0,
            "state_mib": os.path.getsize(os.path.join(data, "state.sqlite")) / 2**20,
        }
        if keep:
            shutil.copy(os.path.join(data, "state.sqlite"), keep)
        return row
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "pressarc"))
    ap.add_argument("--urls", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-pages", type=int, default=100)
    ap.add_argument("--template", default=None)
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    template = args.template or f"/work/bench-data/crawl-state-{args.urls}"
    state = os.path.join(template, "state.sqlite")
    if not os.path.exists(state):
        os.makedirs(template, exist_ok=True)
        t = time.time()
        build_state(state + ".tmp", args.urls)
        os.replace(state + ".tmp", state)
        print(f"built {state} ({args.urls} URLs) in {time.time() - t:.0f} s", flush=True)
    db = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
    counts = dict(db.execute("SELECT status, count(*) FROM frontier GROUP BY status"))
    n_fetches = db.execute("SELECT count(*) FROM fetches").fetchone()[0]
    n_versions = db.execute("SELECT count(*) FROM versions").fetchone()[0]
    db.close()
    print(f"state: {sum(counts.values())} URLs {counts}, {n_fetches} fetches, "
          f"{n_versions} versions, {os.path.getsize(state) / 2**20:.0f} MiB")
    cfg = harness.write_config(os.path.join(tempfile.mkdtemp(prefix="pressarc-cfg-"),
                                            "pressarc.toml"), PORT_BASE, per_host_delay_ms=0,
                               # the defaults of docs/config.md, not the demo's small ones
                               max_revisits_per_run=2000, max_pages_per_source=100000)
    base = os.path.join(tempfile.mkdtemp(prefix="pressarc-crawl-state-base-"), "state.sqlite")
    rows = [one_run(args, cfg, state, "first (upgrade)", keep=base)]
    rows += [one_run(args, cfg, base, r + 1) for r in range(args.runs)]
    shutil.rmtree(os.path.dirname(base), ignore_errors=True)
    print("| run | first request, wall (s) | CPU used by then (s) | revisit selection (ms) | "
          "run wall (s) | run CPU (s) | peak RSS (MiB) | state.sqlite (MiB) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['run']} | {r['first_request_s']:.2f} | {r['cpu_first_s']:.2f} | "
              f"{r['selection_ms']:.0f} | "
              f"{r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['rss_mib']:.0f} | {r['state_mib']:.0f} |")
    med = lambda k: statistics.median(r[k] for r in rows[1:])  # noqa: E731
    print(f"median: first request {med('first_request_s'):.2f} s wall, "
          f"{med('cpu_first_s'):.2f} s CPU, selection "
          f"{med('selection_ms'):.0f} ms, CPU {med('cpu_s'):.1f} s, peak RSS "
          f"{max(r['rss_mib'] for r in rows[1:]):.0f} MiB over the resumed runs "
          "(goal <= 2 s, <= 256 MiB)")


if __name__ == "__main__":
    main()
