#!/usr/bin/env python3
"""Soak test: `pressarc serve` under load while crawl, reindex and watch run
jobs run against the same data directory, for a long time, on loopback only.

    python3 tests/soak/soak.py [--minutes 30] [--bin build/pressarc] [--out DIR]
                               [--clients 4] [--timeout 10] [--seed N] [--progress]

Python standard library only; reuses tests/e2e/harness.py (FixtureServer,
write_config, run).

Setup: the fixture server (tests/fixtures/server.py, version 1), a first
crawl into a fresh data directory, two watches ("bayramov": Bayramov;
"everything": --all over the three languages), and `pressarc serve` on a free
127.0.0.1 port.

Then, for --minutes, all at once:
- load clients (--clients threads, a new connection per request) ask serve
  for search pages with facets and paging, /api/search JSON, article pages,
  their JSON and history, /archive/ID originals, /changes and /api/changes,
  the watch and change feeds and the style sheet; ids come from the answers
  of earlier searches. A few requests ask on purpose for what does not exist
  (an unknown id, an unknown feed) and must get 404. Every other answer must
  be 200; any other status, a connection error or no answer within
  --timeout seconds is a failure, recorded with the path.
- a crawl every ~30 s, the fixture server switched among its versions
  1..4 before each (2, 3, 3, 4, 1, ...), so pages appear, change, vanish
  and come back (the first misses are moved two hours back before each
  crawl, so a page missing twice is recorded as removed); a reindex every ~3 minutes; a
  `watch run` every ~20 s. Each must exit 0, or 75 with pressarc's lock
  message ("another job holds the lock", design.md: exit 75 = another job
  holds the data directory's lock). Any other exit is a failure. (Short runs
  scale these intervals down so each job runs several times.)
- serve's VmRSS (/proc/PID/status) and open file descriptors (/proc/PID/fd)
  are sampled every ~10 s.

The growth rules (after a warm-up, the first 20% of the run, so caches,
thread stacks and malloc arenas have reached their size):
- memory: the run is cut in thirds by time; the peak RSS of the last third
  may exceed the peak RSS of the middle third by at most max(8 MiB, 10% of
  it). A leak of L bytes per request adds about L x (requests in a third)
  between the two peaks, whatever the baseline: at ~200 requests/s a third
  of a 30-minute run has ~120,000 requests, so the rule trips at well under
  100 bytes per request (a few KB per request trips it in the one-minute
  run too), and a leak per job (a searcher or generation kept after each
  reindex) adds up the same way. A rule relative to the peak alone (say
  1.25 x) would not do: a steady leak from the start raises both peaks. The
  report prints the smallest per-request leak the rule would catch
  ("detectable_leak_bytes_per_request").
- file descriptors: each sample reads /proc/PID/fd five times 20 ms apart
  and keeps the lowest and the highest count, not counting fds on the files
  of an index generation that still exists: serve's pool of open searchers
  holds those, up to twice the hardware threads of searchers, opened as
  concurrent requests need them (docs/web.md); an fd on a deleted file (a
  generation a reindex removed) counts. In-flight requests make the
  count jump (every request opens the catalogue, a WARC),
  so the rule looks at the floor: the lowest count of the last third may
  exceed the lowest count of the middle third by at most 2, plus the
  searcher pool's allowance below (the pool keeps the searchers concurrent
  requests opened, each with its connection to the catalogue, which the
  count includes; under load it may fill late in the run); and once the
  load and the jobs have stopped and kept-alive connections have timed out,
  serve's fd count must be back to within 2 of its idle count before the
  load began, plus an allowance for the searcher pool: (pool size - 1)
  times what the first searcher took beyond the index files (measured
  before the load: idle count after the first requests minus before any:
  the catalogue's database and WAL files). One fd kept per request trips
  both; a searcher kept past its generation at each reindex (its deleted
  index files, several fds each time) trips them in the 30-minute run.

At the end: serve is still running and stops on SIGTERM with exit 0; the
live index (DATA/index/current's generation) is `xapian-check` clean; no
watch lists a document twice (`watch show --json`, and the ids in its Atom
feed); a summary table (requests by kind, failures, job runs by exit code,
RSS and fds first/peak/last) is printed and, with --out, written to
DIR/soak.json and DIR/soak.txt. Exit status 0 only when every check passed.
"""

import argparse
import collections
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import harness  # noqa: E402

ATOM = "{http://www.w3.org/2005/Atom}"
LOCK_EXIT = 75
LOCK_MESSAGE = "another job holds the lock"
MIB = 1024 * 1024

# Growth rules (see the header).
WARMUP_FRACTION = 0.2
RSS_GROWTH_FRACTION = 0.10
RSS_SLACK_KB = 8 * 1024
FD_SLACK_SAMPLED = 2
FD_SLACK_IDLE = 2

WORDS = ["Lavrov", "Bayramov", "Azerbaijan", "minister", "ministry", "foreign", "meeting",
         "Лавров", "министр", "Азербайджан", "Azərbaycan", "nazir", "xarici", "Baku",
         "security", "talks", "Jeyhun", "ambassador", "Россия", "briefing", "Georgia",
         "zzqqxx"]  # the last one matches nothing: still 200
# The fixture server's version before each crawl: 3 twice (its removed pages
# missed twice, two hours apart, are recorded removed), then 4 (restored).
VERSION_CYCLE = [2, 3, 3, 4, 1]
SOURCES = ["mfa", "republisher", "mid"]
LANGS = ["az", "en", "ru"]
WATCHES = {"bayramov": ["Bayramov"],
           "everything": ["--all", "--any", "lang:az", "lang:en", "lang:ru"]}


# --- rules, pure functions (tests/e2e/test_soak_short.py checks them) ---------------

def thirds(samples, duration):
    """Splits (t, value) samples into the middle and the last third of the run by time,
    leaving out the warm-up (WARMUP_FRACTION of the run)."""
    warm = duration * WARMUP_FRACTION
    a, b = duration / 3, 2 * duration / 3
    middle = [v for t, v in samples if max(a, warm) <= t < b]
    last = [v for t, v in samples if t >= b]
    return middle, last


def rss_growth_problem(samples, duration):
    """None when the RSS samples (t seconds, KiB) show no growth, else why."""
    middle, last = thirds(samples, duration)
    if not middle or not last:
        return "too few RSS samples to judge growth"
    allowed = rss_allowance_kb(max(middle))
    if max(last) > max(middle) + allowed:
        return (f"RSS grew: peak of the last third {max(last)} KiB > peak of the middle third "
                f"{max(middle)} KiB + {allowed} KiB")
    return None


def rss_allowance_kb(middle_peak_kb):
    return max(RSS_SLACK_KB, int(RSS_GROWTH_FRACTION * middle_peak_kb))


def fd_growth_problem(samples, duration, idle_before, idle_after, pool_fds=0):
    """None when the fd samples (t, lowest count of the sample) and the idle counts
    show no growth, else why. `pool_fds`: what the searcher pool may hold
    beyond the one searcher open when idle_before was measured; the pool
    keeps the searchers concurrent requests opened (each with its catalogue
    connection), so the floor may rise by that much between the thirds too."""
    middle, last = thirds(samples, duration)
    if not middle or not last:
        return "too few fd samples to judge growth"
    if min(last) > min(middle) + FD_SLACK_SAMPLED + pool_fds:
        return (f"fds grew: lowest count in the last third {min(last)} > lowest in the "
                f"middle third {min(middle)} + {FD_SLACK_SAMPLED} "
                f"(+{pool_fds} for the searcher pool)")
    if idle_after is None or idle_before is None:
        return "idle fd count not measured"
    if idle_after > idle_before + FD_SLACK_IDLE + pool_fds:
        return (f"fds kept: {idle_after} open when idle after the run, {idle_before} before "
                f"(+{FD_SLACK_IDLE} allowed, +{pool_fds} for the searcher pool)")
    return None


def job_exit_problem(code, stderr):
    """None when a job's exit is acceptable: 0, or 75 with the lock message."""
    if code == 0:
        return None
    if code == LOCK_EXIT:
        if LOCK_MESSAGE in stderr:
            return None
        return f"exit 75 without the lock message: {stderr.strip()[-300:]}"
    return f"exit {code}: {stderr.strip()[-500:]}"


def duplicates(ids):
    return sorted(i for i, n in collections.Counter(ids).items() if n > 1)


# --- serve's process ------------------------------------------------------------------

def count_fds(pid, index_dir=None):
    """Open fds of a process; with `index_dir`, not counting those on the files of
    an index generation that still exists (serve's searcher pool keeps up to twice
    the hardware threads of searchers open, each on the index's tables, and opens
    them as concurrent requests need them). An fd on a deleted file (a generation
    a reindex removed) still counts, so a searcher kept past its generation does."""
    names = os.listdir(f"/proc/{pid}/fd")
    if not index_dir:
        return len(names)
    n = 0
    for name in names:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{name}")
        except OSError:
            continue  # closed meanwhile
        if target.startswith(index_dir) and not target.endswith(" (deleted)"):
            continue
        n += 1
    return n


def proc_sample(pid, reads=5, gap=0.02, index_dir=None):
    """(VmRSS in KiB, highest and lowest count of open fds over `reads` reads `gap`
    seconds apart; see count_fds) of a running process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        counts = []
        for i in range(reads):
            if i:
                time.sleep(gap)
            counts.append(count_fds(pid, index_dir))
        return rss, max(counts), min(counts)
    except (OSError, StopIteration, ValueError):
        return None


def start_serve(data, err_path):
    err = open(err_path, "wb")
    p = subprocess.Popen([harness.pressarc_bin(), "serve", "--data", data, "--listen",
                          "127.0.0.1:0"], stdout=subprocess.DEVNULL, stderr=err)
    err.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with open(err_path, encoding="utf-8", errors="replace") as f:
            m = re.search(r"http://(127\.0\.0\.1):(\d+)/", f.read())
        if m:
            return p, (m.group(1), int(m.group(2)))
        if p.poll() is not None:
            break
        time.sleep(0.05)
    p.kill()
    p.wait()
    with open(err_path, encoding="utf-8", errors="replace") as f:
        raise RuntimeError(f"serve did not start: {f.read()[-500:]}")


# --- the run ---------------------------------------------------------------------------

class Soak:
    def __init__(self, args):
        self.args = args
        self.duration = args.minutes * 60.0
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.requests = collections.Counter()       # kind -> answers as expected
        self.request_failures = collections.Counter()  # kind -> failures
        self.latency = collections.defaultdict(list)   # kind -> seconds (expected answers)
        self.failures = []                            # every failure, as text (first 200 kept)
        self.failure_count = 0
        self.jobs = collections.defaultdict(collections.Counter)  # job -> exit code -> runs
        self.job_seconds = collections.defaultdict(list)
        self.samples = []  # (t, rss KiB, fds)
        self.ids = []
        self.versions_crawled = collections.Counter()
        self.removals_backdated = 0
        self.t0 = None

    # bookkeeping
    def fail(self, what):
        with self.lock:
            self.failure_count += 1
            if len(self.failures) < 200:
                t = time.monotonic() - self.t0 if self.t0 else 0.0
                self.failures.append(f"[{t:7.1f}s] {what}")

    def elapsed(self):
        return time.monotonic() - self.t0

    def interval(self, default, parts):
        """`default` seconds, shorter in a short run so the job still runs ~`parts` times."""
        return max(2.0, min(default, self.duration / parts))

    # setup
    def setup(self):
        a = self.args
        if a.bin:
            os.environ["PRESSARC_BIN"] = os.path.abspath(a.bin)
        if not os.access(harness.pressarc_bin(), os.X_OK):
            raise RuntimeError(f"no pressarc binary at {harness.pressarc_bin()} (--bin)")
        self.srv = harness.FixtureServer().__enter__()
        work = harness.tmp_data_dir("pressarc-soak-")
        self.data = os.path.join(work, "data")
        self.cfg = harness.write_config(os.path.join(work, "pressarc.toml"), self.srv.port_base,
                                        per_host_delay_ms=0, max_retries=1, timeout_s=5,
                                        revisit_after_hours=0)
        self.common = ["--config", self.cfg, "--data", self.data]
        for name, query in WATCHES.items():
            p = harness.run(["watch", "add", name, *query, *self.common])
            if p.returncode != 0:
                raise RuntimeError(f"watch add {name}: exit {p.returncode}: {p.stderr}")
        p, _ = harness.crawl(self.cfg, self.data)
        if p.returncode != 0:
            raise RuntimeError(f"first crawl: exit {p.returncode}: {p.stderr[-500:]}")
        self.versions_crawled[1] += 1
        self.serve_err = os.path.join(work, "serve.stderr")
        self.serve, self.where = start_serve(self.data, self.serve_err)
        time.sleep(0.5)
        idle_unused = self.idle_fds()
        # A few requests, so what serve sets up on first use is there, then its idle fds.
        for path in ("/?q=Lavrov", "/api/search?q=Lavrov", "/changes"):
            status, _ = self.http(path, timeout=30)
            if status != 200:
                raise RuntimeError(f"serve answered {path} with HTTP {status}")
        time.sleep(2.5)  # kept-alive connections time out after 2 s
        self.idle_fds_before = self.idle_fds()
        per_searcher = max(0, (self.idle_fds_before or 0) - (idle_unused or 0))
        self.pool_fds = (2 * (os.cpu_count() or 1) - 1) * per_searcher

    def index_dir(self):
        return os.path.realpath(os.path.join(self.data, "index")) + os.sep

    def idle_fds(self):
        counts = []
        for _ in range(5):
            s = proc_sample(self.serve.pid, reads=1, index_dir=self.index_dir())
            if s:
                counts.append(s[2])
            time.sleep(0.2)
        return min(counts) if counts else None

    # HTTP
    def http(self, path, timeout=None):
        """(status, body bytes) or raises OSError/http.client.HTTPException."""
        c = http.client.HTTPConnection(*self.where, timeout=timeout or self.args.timeout)
        try:
            c.request("GET", path)
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def pick_id(self, rng):
        with self.lock:
            return rng.choice(self.ids) if self.ids else None

    def next_request(self, rng):
        """(kind, path, expected status)."""
        word = rng.choice(WORDS)
        q = urllib.parse.quote(word)
        roll = rng.random()
        if roll < 0.30:
            facets = ""
            if rng.random() < 0.5:
                facets += "&source=" + rng.choice(SOURCES)
            if rng.random() < 0.4:
                facets += "&lang=" + rng.choice(LANGS)
            if rng.random() < 0.3:
                facets += "&from=2020-01-01&to=2026-12-31"
            if rng.random() < 0.3:
                facets += "&sort=" + rng.choice(["newest", "oldest", "relevance"])
            if rng.random() < 0.2:
                facets += "&offset=10"
            return "search", f"/?q={q}{facets}", 200
        if roll < 0.50:
            return "api_search", f"/api/search?q={q}&limit={rng.choice([5, 10, 20])}", 200
        ident = self.pick_id(rng)
        if ident is None:
            return "api_search", f"/api/search?q={q}", 200
        if roll < 0.62:
            return "article", f"/articles/{ident}", 200
        if roll < 0.68:
            return "api_article", f"/api/articles/{ident}", 200
        if roll < 0.72:
            return "history", f"/api/articles/{ident}/history", 200
        if roll < 0.82:
            return "original", f"/archive/{ident}", 200
        if roll < 0.87:
            kind = rng.choice(["", "?kind=new", "?kind=edited", "?kind=removed"])
            return "changes", "/changes" + kind, 200
        if roll < 0.89:
            return "api_changes", "/api/changes?limit=50", 200
        if roll < 0.95:
            name = rng.choice(list(WATCHES) + ["changes"])
            return "feed", f"/feeds/{name}.atom", 200
        if roll < 0.97:
            return "style", "/static/style.css", 200
        unknown = rng.choice(["/articles/0123456789abcdef", "/archive/0123456789abcdef",
                              "/api/articles/fedcba9876543210", "/feeds/nosuchwatch.atom"])
        return "unknown_404", unknown, 404

    def client(self, n):
        rng = random.Random(self.args.seed * 1000 + n)
        while not self.stop.wait(self.args.pause):
            kind, path, expected = self.next_request(rng)
            start = time.monotonic()
            try:
                status, body = self.http(path)
            except (OSError, http.client.HTTPException) as e:
                took = time.monotonic() - start
                with self.lock:
                    self.request_failures[kind] += 1
                self.fail(f"{kind} GET {path}: {type(e).__name__}: {e} after {took:.1f} s")
                continue
            took = time.monotonic() - start
            if status != expected:
                with self.lock:
                    self.request_failures[kind] += 1
                text = body[:300].decode("utf-8", "replace")
                self.fail(f"{kind} GET {path}: HTTP {status} (expected {expected}) "
                          f"after {took:.2f} s: {text!r}")
                continue
            with self.lock:
                self.requests[kind] += 1
                self.latency[kind].append(took)
            if kind == "api_search":
                self.learn_ids(body, path)

    def learn_ids(self, body, path):
        try:
            results = json.loads(body)["results"]
        except (ValueError, KeyError, TypeError) as e:
            self.fail(f"api_search GET {path}: not the search JSON ({e})")
            return
        with self.lock:
            for r in results:
                if r.get("id") not in self.ids:
                    self.ids.append(r["id"])
            del self.ids[:-500]

    # jobs
    def job(self, name, args, timeout=600):
        start = time.monotonic()
        try:
            p = harness.run(args, timeout=timeout)
            code, err = p.returncode, p.stderr
        except subprocess.TimeoutExpired:
            code, err = "timeout", f"no exit within {timeout} s"
        took = time.monotonic() - start
        with self.lock:
            self.jobs[name][str(code)] += 1
            if code == 0:
                self.job_seconds[name].append(took)
        problem = job_exit_problem(code, err) if code != "timeout" else err
        if problem:
            self.fail(f"{name}: {problem}")
        return code

    def every(self, seconds, body, first=None):
        rng = random.Random(self.args.seed * 7 + len(body.__name__))
        next_at = time.monotonic() + (seconds if first is None else first)
        while not self.stop.is_set():
            if self.stop.wait(max(0.0, next_at - time.monotonic())):
                break
            next_at = time.monotonic() + seconds * rng.uniform(0.8, 1.2)
            body()

    def crawl_once(self):
        with self.lock:
            self.crawl_round = getattr(self, "crawl_round", -1) + 1
            version = VERSION_CYCLE[self.crawl_round % len(VERSION_CYCLE)]
        try:
            self.srv.set_version(version)
        except (OSError, RuntimeError) as e:
            self.fail(f"fixture server: set_version({version}): {e}")
            return
        try:  # the clock moves on: earlier first misses happened two hours ago
            self.removals_backdated += harness.backdate_first_misses(self.data)
        except Exception as e:  # sqlite3.OperationalError (busy) and kin: the next try
            print(f"soak: backdate skipped: {e}", file=sys.stderr)
        if self.job("crawl", ["crawl", "--json", *self.common]) == 0:
            with self.lock:
                self.versions_crawled[version] += 1

    def reindex_once(self):
        self.job("reindex", ["reindex", *self.common])

    def watch_once(self):
        self.job("watch run", ["watch", "run", "--json", *self.common])

    def sampler(self):
        period = self.interval(10.0, 15)
        while True:
            s = proc_sample(self.serve.pid, index_dir=self.index_dir())
            if s is None or self.serve.poll() is not None:
                self.fail(f"serve is gone (exit {self.serve.poll()})")
                self.stop.set()
                return
            with self.lock:
                self.samples.append((self.elapsed(), *s))
                ok, bad = sum(self.requests.values()), sum(self.request_failures.values())
                jobs = {j: dict(c) for j, c in self.jobs.items()}
            if self.args.progress:
                print(f"soak: {self.elapsed():6.0f} s  requests {ok} ok {bad} failed  "
                      f"RSS {s[0] // 1024} MiB  fds {s[2]}-{s[1]}  jobs {jobs}",
                      file=sys.stderr, flush=True)
            if self.stop.wait(period):
                s = proc_sample(self.serve.pid, index_dir=self.index_dir())
                if s:
                    with self.lock:
                        self.samples.append((self.elapsed(), *s))
                return

    def soak(self):
        self.t0 = time.monotonic()
        threads = [threading.Thread(target=self.client, args=(i,), name=f"client{i}")
                   for i in range(self.args.clients)]
        crawl_s = self.interval(30.0, 4)
        reindex_s = self.interval(180.0, 3)
        watch_s = self.interval(20.0, 6)
        threads += [
            threading.Thread(target=self.every, args=(crawl_s, self.crawl_once, 1.0)),
            threading.Thread(target=self.every, args=(reindex_s, self.reindex_once,
                                                      reindex_s / 2)),
            threading.Thread(target=self.every, args=(watch_s, self.watch_once, watch_s / 2)),
            threading.Thread(target=self.sampler),
        ]
        for t in threads:
            t.start()
        self.stop.wait(self.duration)
        self.stop.set()
        self.soak_seconds = self.elapsed()
        for t in threads:
            t.join()
        self.jobs_seconds_total = self.elapsed()

    # final checks
    def final_checks(self):
        problems = []
        time.sleep(2.5)
        self.idle_fds_after = self.idle_fds() if self.serve.poll() is None else None
        samples_rss = [(t, r) for t, r, _, _ in self.samples]
        samples_fd = [(t, low) for t, _, _, low in self.samples]
        p = rss_growth_problem(samples_rss, self.duration)
        if p:
            problems.append(p)
        p = fd_growth_problem(samples_fd, self.duration, self.idle_fds_before,
                              self.idle_fds_after, self.pool_fds)
        if p:
            problems.append(p)
        if self.serve.poll() is not None:
            problems.append(f"serve exited {self.serve.returncode} during the run")
        else:
            self.serve.send_signal(signal.SIGTERM)
            try:
                code = self.serve.wait(timeout=15)
                if code != 0:
                    problems.append(f"serve exited {code} on SIGTERM")
            except subprocess.TimeoutExpired:
                self.serve.kill()
                self.serve.wait()
                problems.append("serve did not stop within 15 s of SIGTERM")
        self.index_check = self.check_index()
        if self.index_check:
            problems.append(self.index_check)
        problems += self.check_watches()
        try:
            events = harness.run_json(["changes", "--format", "json", "--limit", "1000000",
                                       *self.common])
            self.change_kinds = dict(collections.Counter(e["kind"] for e in events))
        except (AssertionError, ValueError, KeyError, TypeError) as e:
            problems.append(f"changes --format json: {e}")
            self.change_kinds = {}
        for job in ("crawl", "reindex", "watch run"):
            if not self.jobs[job].get("0"):
                problems.append(f"no {job} exited 0 during the run")
        if self.requests["search"] == 0 or self.requests["api_search"] == 0:
            problems.append("the load made no successful search")
        self.problems = problems
        return problems

    def check_index(self):
        try:
            with open(os.path.join(self.data, "index", "current"), encoding="utf-8") as f:
                words = f.read().split()
        except OSError as e:
            return f"index/current: {e}"
        if len(words) < 2:
            return f"index/current names no generation: {words}"
        gen = os.path.join(self.data, "index", words[1])
        p = subprocess.run(["xapian-check", gen], capture_output=True, text=True, timeout=600)
        self.generation = words[1]
        if p.returncode != 0 or "No errors found" not in p.stdout:
            return f"xapian-check {gen}: {(p.stdout + p.stderr)[-500:]}"
        return None

    def check_watches(self):
        problems = []
        self.watch_matches = {}
        for name in WATCHES:
            try:
                shown = harness.run_json(["watch", "show", name, "--json", "--limit", "1000000",
                                          *self.common])
            except (AssertionError, ValueError) as e:
                problems.append(f"watch show {name}: {e}")
                continue
            ids = [m["id"] for m in shown["recent"]]
            self.watch_matches[name] = len(ids)
            if duplicates(ids):
                problems.append(f"watch {name} lists {duplicates(ids)[:5]} twice")
        for name in list(WATCHES) + ["changes"]:
            path = os.path.join(self.data, "feeds", name + ".atom")
            try:
                root = ET.parse(path).getroot()
            except (OSError, ET.ParseError) as e:
                problems.append(f"feed {name}: {e}")
                continue
            ids = [e.findtext(ATOM + "id") for e in root.findall(ATOM + "entry")]
            if name != "changes" and duplicates(ids):  # changes.atom: one entry per event
                problems.append(f"feed {name}.atom has {duplicates(ids)[:5]} twice")
        if self.watch_matches.get("everything", 0) == 0:
            problems.append("watch everything never matched anything")
        return problems

    # the report
    def report(self):
        def pct(values, q):
            if not values:
                return None
            v = sorted(values)
            return round(v[min(len(v) - 1, int(q * len(v)))], 3)

        kinds = sorted(set(self.requests) | set(self.request_failures))
        rss = [r for _, r, _, _ in self.samples]
        fds = [f for _, _, f, _ in self.samples]
        floors = [low for _, _, _, low in self.samples]
        middle, last = thirds([(t, 1) for t, _, _, _ in self.samples], self.duration)
        total = sum(self.requests.values()) + sum(self.request_failures.values())
        per_third = total / 3 if total else 0
        mid_rss = max(thirds([(t, r) for t, r, _, _ in self.samples], self.duration)[0] or [0])
        leak = rss_allowance_kb(mid_rss) * 1024 / per_third if per_third else None
        return {
            "minutes": self.args.minutes,
            "seconds": round(self.soak_seconds, 1),
            "clients": self.args.clients,
            "timeout_s": self.args.timeout,
            "binary": harness.pressarc_bin(),
            "requests": {k: {"ok": self.requests[k], "failed": self.request_failures[k],
                             "p50_s": pct(self.latency[k], 0.5),
                             "p99_s": pct(self.latency[k], 0.99),
                             "max_s": pct(self.latency[k], 1.0)} for k in kinds},
            "requests_total": total,
            "requests_per_second": round(total / self.soak_seconds, 1),
            "request_failures": sum(self.request_failures.values()),
            "searches_ok": self.requests["search"] + self.requests["api_search"],
            "searches_failed": self.request_failures["search"]
            + self.request_failures["api_search"],
            "jobs": {j: dict(c) for j, c in self.jobs.items()},
            "job_seconds_median": {j: pct(s, 0.5) for j, s in self.job_seconds.items()},
            "fixture_versions_crawled": {str(k): v for k, v in self.versions_crawled.items()},
            "removal_misses_backdated": self.removals_backdated,
            "change_events": getattr(self, "change_kinds", {}),
            "serve": {
                "samples": len(self.samples),
                "rss_kib": {"first": rss[0] if rss else None, "peak": max(rss, default=None),
                            "last": rss[-1] if rss else None},
                "fds": {"first": fds[0] if fds else None, "peak": max(fds, default=None),
                        "last": fds[-1] if fds else None,
                        "lowest": min(floors, default=None),
                        "idle_before": self.idle_fds_before,
                        "pool_allowance": self.pool_fds,
                        "idle_after": self.idle_fds_after},
                "samples_middle_third": len(middle), "samples_last_third": len(last),
                "detectable_leak_bytes_per_request": round(leak) if leak else None,
                "series_t_rss_fdmax_fdmin": [[round(t, 1), r, f, low]
                                             for t, r, f, low in self.samples],
            },
            "index": {"generation": getattr(self, "generation", None),
                      "xapian_check": self.index_check or "clean"},
            "watch_matches": self.watch_matches,
            "failures": self.failure_count,
            "failure_details": self.failures,
            "problems": self.problems,
            "passed": self.failure_count == 0 and not self.problems,
        }


def text_report(r):
    out = [f"pressarc soak: {r['seconds']} s, {r['clients']} clients, "
           f"timeout {r['timeout_s']} s, {r['binary']}", ""]
    out.append(f"{'requests':<14}{'ok':>9}{'failed':>8}{'p50 s':>8}{'p99 s':>8}{'max s':>8}")
    for k, v in r["requests"].items():
        out.append(f"{k:<14}{v['ok']:>9}{v['failed']:>8}{v['p50_s'] or 0:>8.3f}"
                   f"{v['p99_s'] or 0:>8.3f}{v['max_s'] or 0:>8.3f}")
    out.append(f"{'total':<14}{r['requests_total'] - r['request_failures']:>9}"
               f"{r['request_failures']:>8}   ({r['requests_per_second']} requests/s)")
    out.append("")
    out.append(f"{'job':<14}{'runs by exit code':<30}{'median s (exit 0)':>18}")
    for j, codes in r["jobs"].items():
        by = ", ".join(f"{c}: {n}" for c, n in sorted(codes.items()))
        out.append(f"{j:<14}{by:<30}{r['job_seconds_median'].get(j) or 0:>18.2f}")
    out.append(f"fixture versions crawled: {r['fixture_versions_crawled']}; "
               f"first misses backdated: {r['removal_misses_backdated']}; "
               f"change events: {r['change_events']}")
    s = r["serve"]
    out.append("")
    out.append(f"{'serve':<14}{'first':>10}{'peak':>10}{'last':>10}")
    out.append(f"{'RSS MiB':<14}" + "".join(
        f"{(s['rss_kib'][k] or 0) / 1024:>10.1f}" for k in ("first", "peak", "last")))
    out.append(f"{'open fds':<14}" + "".join(f"{s['fds'][k] or 0:>10}"
                                              for k in ("first", "peak", "last")))
    out.append(f"idle fds before/after the load: {s['fds']['idle_before']}/"
               f"{s['fds']['idle_after']} (searcher pool allowance {s['fds'].get('pool_allowance')}), "
               f"lowest sampled {s['fds']['lowest']}; "
               f"{s['samples']} samples; the RSS rule would catch a "
               f"leak of >= {s['detectable_leak_bytes_per_request']} bytes per request")
    out.append(f"index {r['index']['generation']}: xapian-check {r['index']['xapian_check']}; "
               f"watch matches {r['watch_matches']}")
    out.append("")
    out.append(f"failures: {r['failures']}")
    out += ["  " + f for f in r["failure_details"][:50]]
    out += ["problem: " + p for p in r["problems"]]
    out.append("PASSED" if r["passed"] else "FAILED")
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--bin", help="the pressarc binary (default: $PRESSARC_BIN, build/pressarc)")
    ap.add_argument("--out", help="a directory for soak.json and soak.txt")
    ap.add_argument("--clients", type=int, default=4, help="load client threads")
    ap.add_argument("--pause", type=float, default=0.01,
                    help="seconds each client waits between requests")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds an answer may take")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--progress", action="store_true",
                    help="a line on stderr at every sample")
    args = ap.parse_args(argv)
    soak = Soak(args)
    try:
        try:
            soak.setup()
        except (RuntimeError, OSError, http.client.HTTPException,
                subprocess.TimeoutExpired) as e:
            print(f"soak: setup failed: {e}", file=sys.stderr)
            return 2
        soak.soak()
        soak.final_checks()
    finally:
        if getattr(soak, "serve", None) is not None and soak.serve.poll() is None:
            soak.serve.kill()
            soak.serve.wait()
        if getattr(soak, "srv", None) is not None:
            soak.srv.stop()
    r = soak.report()
    text = text_report(r)
    print(text, end="")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "soak.json"), "w", encoding="utf-8") as f:
            json.dump(r, f, indent=1, ensure_ascii=False)
        with open(os.path.join(args.out, "soak.txt"), "w", encoding="utf-8") as f:
            f.write(text)
    return 0 if r["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
