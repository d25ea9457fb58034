#!/usr/bin/env python3
"""Kill -9 harness: pressarc is killed with SIGKILL at many points of its jobs,
the job is run again to completion, and the data directory is checked.

    python3 tests/e2e/crash_harness.py --points 60 [--seed N] [--pages 1000]

Jobs: `crawl` (the fixture sites, tests/fixtures/server.py), `import`
(synthetic releases; 1,000 of them make the import compact the index at its
end), `reindex` (writes a generation, compacts its shards, swaps the stub),
`watch run` (a watch store from before an import, over the imported index).
Every job has a watch, so every job writes feeds.

Kill points: a random delay within the job's measured clean duration, or the
moment the harness sees a file change (polled every ~0.5 ms): the archive
grows (mid WARC write), a new WARC file's `.open` marker, a file of the index
changes (mid commit), a new generation or `.build` directory appears (reindex,
compaction), `index/current.tmp` or a new stub (publish), a feed or its
`.tmp` changes (feed write), a SQLite WAL changes (catalogue, watch store).
The seed is printed; each point is printed with the seed that repeats it.

After each kill (before the rerun): the live index opens and xapian-check
finds no error; the complete WARC records are noted. After the rerun:
  lost        documents of a clean run, or of a reindex of the archive as it
              is, that the live index lacks (every response that reached the
              archive is searchable)
  duplicates  documents sharing a unique id (Q) or URL (U) term, plus ids
              repeated in `search --all` results
  unreadable  WARC files the independent checker (tests/warc-check, warcio)
              rejects, plus complete records seen after the kill and gone after
              the rerun
  watch       reports missing or repeated against a clean run (watch show),
              and entries repeated in the Atom feed
Exit 0 when every count is 0 and at least --points kills landed inside a job.
"""

import argparse
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

WARC_CHECK = os.path.join(harness.SOURCE_DIR, "tests", "warc-check", "check.mjs")
ATOM = "{http://www.w3.org/2005/Atom}"
WATCH = "minister"
WATCH_QUERY = "Bayramov"


def tools_missing():
    """Why the harness cannot run here (None when it can)."""
    for tool in ("xapian-check", "xapian-delve", "node"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not os.path.isdir(os.path.join(os.path.dirname(WARC_CHECK), "node_modules", "warcio")):
        return "tests/warc-check/node_modules is missing (cd tests/warc-check && npm ci)"
    if not os.access(harness.pressarc_bin(), os.X_OK):
        return f"no binary at {harness.pressarc_bin()}"
    return None


def pressarc(*args, timeout=600):
    return harness.run(list(args), timeout=timeout)


def pressarc_ok(*args, timeout=600):
    p = pressarc(*args, timeout=timeout)
    if p.returncode != 0:
        raise AssertionError(f"pressarc {' '.join(args)} exited {p.returncode}: {p.stderr[-2000:]}")
    return p


# --- what a data directory holds ----------------------------------------------------

def live_generation(data):
    try:
        with open(os.path.join(data, "index", "current"), encoding="utf-8") as f:
            words = f.read().split()
    except FileNotFoundError:
        return None
    return os.path.join(data, "index", words[1]) if len(words) >= 2 else None


def index_problem(data):
    """None when the live index opens and xapian-check is clean (or there is no
    index yet), else what is wrong."""
    gen = live_generation(data)
    if gen is None:
        return None if not os.path.exists(os.path.join(data, "index", "current")) else \
            "index/current names no generation"
    if not os.path.isdir(gen):
        return f"index/current names {gen}, which is missing"
    p = subprocess.run(["xapian-check", gen], capture_output=True, text=True, timeout=300)
    if p.returncode != 0 or "No errors found" not in p.stdout:
        return f"xapian-check {gen}: {(p.stdout + p.stderr)[-500:]}"
    return None


def delve_terms(gen, prefix):
    p = subprocess.run(["xapian-delve", "-A", prefix, "-1", gen], capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError(f"xapian-delve {gen}: {p.stderr}")
    return [t for t in p.stdout.splitlines() if t.startswith(prefix)]


def delve_doccount(gen):
    p = subprocess.run(["xapian-delve", gen], capture_output=True, text=True, timeout=300)
    m = re.search(r"number of documents = (\d+)", p.stdout)
    if not m:
        raise AssertionError(f"xapian-delve {gen}: {p.stdout}{p.stderr}")
    return int(m.group(1))


def index_ids(data):
    """(set of Q terms, duplicates) of the live index."""
    gen = live_generation(data)
    if gen is None:
        return set(), 0
    q = delve_terms(gen, "Q")
    u = delve_terms(gen, "U")
    n = delve_doccount(gen)
    return set(q), (n - len(set(q))) + max(0, n - len(set(u)))


def search_duplicates(data):
    """Ids that appear more than once in `search --all` over every language."""
    seen, dups = set(), 0
    for lang in ("az", "ru", "en"):
        p = pressarc_ok("search", "--data", data, "--all", "--format", "jsonl", "--limit",
                        "100000", f"lang:{lang}")
        for line in p.stdout.splitlines():
            i = json.loads(line)["id"]
            dups += i in seen
            seen.add(i)
    return dups


def warc_record_ids(data):
    """The WARC-Record-IDs of every complete gzip member in DATA/archive (a torn
    last member is left out)."""
    ids = set()
    for path in sorted(glob.glob(os.path.join(data, "archive", "*.warc.gz"))):
        with open(path, "rb") as f:
            buf = memoryview(f.read())
        pos = 0
        while pos < len(buf):
            d = zlib.decompressobj(31)
            try:
                out = d.decompress(buf[pos:], 65536)
            except zlib.error:
                break
            while not d.eof and d.unconsumed_tail:
                try:
                    d.decompress(d.unconsumed_tail, 65536)
                except zlib.error:
                    break
            if not d.eof:
                break
            m = re.search(rb"(?im)^WARC-Record-ID:\s*(\S+)", out[:8192])
            if m:
                ids.add((os.path.basename(path), m.group(1).decode()))
            pos = len(buf) - len(d.unused_data)
    return ids


def warc_unreadable(data):
    """Files the independent checker rejects, and what it said."""
    files = sorted(glob.glob(os.path.join(data, "archive", "*.warc.gz")))
    if not files:
        return 0, ""
    p = subprocess.run(["node", WARC_CHECK, *files], capture_output=True, text=True,
                       timeout=600)
    if p.returncode == 0:
        return 0, ""
    bad = {f for f in files if f in p.stdout + p.stderr}
    return max(1, len(bad)), (p.stdout + p.stderr)[-1500:]


def watch_reports(data):
    """(ids reported, repeats) from `watch show` and the feed."""
    p = pressarc_ok("watch", "show", "--data", data, WATCH, "--json", "--limit", "100000")
    shown = json.loads(p.stdout)
    ids = [r["id"] for r in shown["recent"]]
    repeats = len(ids) - len(set(ids)) + abs(shown["matches"] - len(ids))
    root = ET.parse(os.path.join(data, "feeds", WATCH + ".atom")).getroot()
    entries = [e.find(ATOM + "id").text for e in root.findall(ATOM + "entry")]
    repeats += len(entries) - len(set(entries))
    want_feed = {"urn:pressarc:" + i for i in ids[:100]}
    if set(entries) != want_feed:
        repeats += len(set(entries) ^ want_feed)
    return set(ids), repeats


def archive_ids(data, work, config=None):
    """The ids a reindex of the archive as it stands gives (on a copy), with the
    job's config (its `article` patterns decide what a crawled page is)."""
    copy = os.path.join(work, "reindexed")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(data, copy, ignore=shutil.ignore_patterns("index", "pressarc.lock"))
    pressarc_ok("reindex", "--data", copy, *(["--config", config] if config else []))
    ids, _ = index_ids(copy)
    shutil.rmtree(copy, ignore_errors=True)
    return ids


# --- kill points ----------------------------------------------------------------------

def _snapshot(data):
    """path -> (size, mtime_ns) of everything under DATA (lock file aside)."""
    snap = {}
    for root, dirs, files in os.walk(data):
        for name in dirs + files:
            if name == "pressarc.lock":
                continue
            p = os.path.join(root, name)
            try:
                st = os.stat(p)
            except FileNotFoundError:
                continue
            snap[os.path.relpath(p, data)] = (st.st_size, st.st_mtime_ns)
    return snap


def _changed(before, now, pattern):
    return [p for p, v in now.items() if re.search(pattern, p) and before.get(p) != v]


# name -> regex over changed paths (relative to DATA); fires on the n-th change.
FILE_TRIGGERS = {
    "warc-write": r"^archive/.*\.warc\.gz$",
    "warc-new-file": r"^archive/.*\.open$",
    "index-commit": r"^index/gen-\d+/",
    "new-generation": r"^index/gen-\d+(\.build)?$",
    "generation-build": r"^index/gen-\d+(\.build|/)",
    "publish-stub": r"^index/current(\.tmp)?$",
    "feed-write": r"^feeds/",
    "sqlite-txn": r"\.sqlite(-wal|-journal)?$",
}


class KillPoint:
    def __init__(self, kind, arg, seed):
        self.kind, self.arg, self.seed = kind, arg, seed

    def __str__(self):
        if self.kind == "delay":
            return f"after {self.arg * 1000:.0f} ms"
        return f"at {self.kind} #{self.arg}"


def run_and_kill(argv, data, point, timeout=120):
    """Starts pressarc ARGV and SIGKILLs it at `point`. True when the kill
    landed inside the job (it had not ended by itself)."""
    before = _snapshot(data)
    proc = subprocess.Popen([harness.pressarc_bin(), *argv], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    start = time.monotonic()
    fired, seen = False, 0
    pattern = FILE_TRIGGERS.get(point.kind)
    while proc.poll() is None and time.monotonic() - start < timeout:
        if point.kind == "delay":
            if time.monotonic() - start >= point.arg:
                fired = True
        else:
            now = _snapshot(data)
            hits = _changed(before, now, pattern)
            if hits:
                seen += 1
                before = now
                fired = seen >= point.arg
        if fired:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.0005)
    if proc.poll() is None and not fired:
        proc.kill()
    return proc.wait() == -signal.SIGKILL and fired


# --- the jobs ---------------------------------------------------------------------------

class Job:
    """A job, the data directory it starts from, and what a clean run gives."""
    name = ""
    triggers = ()
    config = None

    def __init__(self, work, opts):
        self.work = os.path.join(work, self.name)
        os.makedirs(self.work, exist_ok=True)
        self.opts = opts

    def prepare(self):
        """Builds the starting data directory and the clean run's results."""
        self.base = os.path.join(self.work, "base")
        self.make_base(self.base)
        ref = os.path.join(self.work, "ref")
        shutil.copytree(self.base, ref)
        started = time.monotonic()
        pressarc_ok(*self.argv(ref))
        self.duration = time.monotonic() - started
        self.ref_ids, _ = index_ids(ref)
        self.ref_reports, _ = watch_reports(ref)
        shutil.rmtree(ref)

    def make_base(self, data):
        os.makedirs(data, exist_ok=True)
        pressarc_ok("watch", "add", "--data", data, WATCH, WATCH_QUERY)

    def argv(self, data):
        raise NotImplementedError


class CrawlJob(Job):
    name = "crawl"
    triggers = ("delay", "delay", "warc-write", "warc-new-file", "index-commit", "feed-write",
                "sqlite-txn")

    def __init__(self, work, opts, server):
        super().__init__(work, opts)
        self.config = harness.write_config(
            os.path.join(self.work, "pressarc.toml"), server.port_base, per_host_delay_ms=0,
            max_retries=0, timeout_s=5)

    def argv(self, data):
        return ["crawl", "--config", self.config, "--data", data]


def synthetic_pages(directory, n):
    from test_import_reindex import synthetic_pages as make
    return make(directory, n)


class ImportJob(Job):
    name = "import"
    triggers = ("delay", "delay", "warc-write", "index-commit", "new-generation",
                "publish-stub", "feed-write", "sqlite-txn")

    def __init__(self, work, opts, files):
        super().__init__(work, opts)
        self.files = files

    def argv(self, data):
        return ["import", "--data", data, *self.files]


class ReindexJob(Job):
    name = "reindex"
    triggers = ("delay", "delay", "generation-build", "new-generation", "publish-stub")

    def __init__(self, work, opts, files):
        super().__init__(work, opts)
        self.files = files

    def make_base(self, data):
        super().make_base(data)
        pressarc_ok("import", "--data", data, *self.files)

    def argv(self, data):
        return ["reindex", "--data", data]


class WatchRunJob(Job):
    """`watch run` over an index its watch store has not seen: the store is the
    one from before an import (as after a kill between the index commit and
    the watches)."""
    name = "watch-run"
    triggers = ("delay", "delay", "delay", "feed-write", "sqlite-txn")

    def __init__(self, work, opts, files):
        super().__init__(work, opts)
        self.files = files

    def make_base(self, data):
        super().make_base(data)
        saved = os.path.join(self.work, "store-before")
        shutil.rmtree(saved, ignore_errors=True)
        os.makedirs(saved)
        for f in glob.glob(os.path.join(data, "watches.sqlite*")) + \
                [os.path.join(data, "feeds", WATCH + ".atom")]:
            shutil.copy2(f, saved)
        pressarc_ok("import", "--data", data, *self.files)
        for f in glob.glob(os.path.join(data, "watches.sqlite*")):
            os.unlink(f)
        for f in os.listdir(saved):
            dest = os.path.join(data, "feeds" if f.endswith(".atom") else "", f)
            shutil.copy2(os.path.join(saved, f), dest)

    def argv(self, data):
        return ["watch", "run", "--data", data]


# --- one case: kills, a rerun, the checks --------------------------------------------------

class Totals:
    def __init__(self):
        self.kills = self.lost = self.duplicates = self.unreadable = 0
        self.watch_missed = self.watch_repeated = self.index_broken = 0
        self.cases = self.missed = 0
        self.per_job = {}
        self.problems = []

    def bad(self):
        return (self.lost + self.duplicates + self.unreadable + self.watch_missed +
                self.watch_repeated + self.index_broken)

    def line(self):
        jobs = ", ".join(f"{k} {v}" for k, v in sorted(self.per_job.items()))
        return (f"kill points {self.kills} ({jobs}) in {self.cases} cases; lost {self.lost}, "
                f"duplicates {self.duplicates}, unreadable archives {self.unreadable}, "
                f"broken index after a kill {self.index_broken}, watch reports missed "
                f"{self.watch_missed}, repeated {self.watch_repeated}")


def choose_point(job, rng, sure=False):
    """A random kill point of the job; `sure`: the first time a named point is
    reached (one the job always reaches), for a job no kill has landed in yet."""
    kind = rng.choice(job.triggers)
    seed = rng.randrange(1 << 30)
    if sure:
        named = [t for t in job.triggers if t != "delay"]
        return KillPoint(rng.choice(named), 1, seed) if named else KillPoint(kind, 0.01, seed)
    if kind == "delay":
        return KillPoint(kind, rng.uniform(0.01, max(0.05, job.duration * 1.05)), seed)
    if kind == "publish-stub":  # the stub changes once or twice, at the end
        return KillPoint(kind, 1, seed)
    return KillPoint(kind, rng.choice((1, 1, 2, 3, 5)), seed)


def run_case(job, rng, totals, kills_wanted, log, sure=False):
    """A fresh copy of the job's base, 1..kills_wanted kills in a row, a rerun
    to completion, then the checks. Returns the number of kills that landed.
    `sure`: the first kill at a point the job always reaches (choose_point)."""
    data = os.path.join(job.work, "case")
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(job.base, data)
    landed, records = 0, set()
    for k in range(kills_wanted):
        point = choose_point(job, rng, sure=sure and k == 0)
        if not run_and_kill(job.argv(data), data, point):
            totals.missed += 1
            log(f"  {job.name}: {point}: the job ended first (not counted)")
            continue
        landed += 1
        problem = index_problem(data)
        if problem:
            totals.index_broken += 1
            totals.problems.append(f"{job.name} {point}: {problem}")
        records |= warc_record_ids(data)
        log(f"  {job.name}: killed {point}" + (f": {problem}" if problem else ""))
    if landed == 0:
        return 0
    pressarc_ok(*job.argv(data))
    if job.name == "watch-run":
        pass  # the index is the base's; nothing to rerun for it
    problem = index_problem(data)
    if problem:
        totals.index_broken += 1
        totals.problems.append(f"{job.name} after rerun: {problem}")
    ids, dups = index_ids(data)
    dups += search_duplicates(data)
    want = job.ref_ids | archive_ids(data, job.work, job.config)
    lost = len(want - ids)
    unreadable, why = warc_unreadable(data)
    gone = records - warc_record_ids(data)
    unreadable += len(gone)
    reports, repeated = watch_reports(data)
    missed = len(job.ref_reports - reports)
    repeated += len(reports - job.ref_reports)
    totals.cases += 1
    totals.kills += landed
    totals.per_job[job.name] = totals.per_job.get(job.name, 0) + landed
    totals.lost += lost
    totals.duplicates += dups
    totals.unreadable += unreadable
    totals.watch_missed += missed
    totals.watch_repeated += repeated
    if lost or dups or unreadable or missed or repeated:
        totals.problems.append(f"{job.name}: lost {lost} {sorted(want - ids)[:3]}, duplicates {dups}, unreadable "
                               f"{unreadable} {why} {sorted(gone)[:3]}, watch missed {missed}, "
                               f"repeated {repeated}")
        if os.environ.get("PRESSARC_KEEP_TMP"):
            keep = data + f"-failed-{totals.cases}"
            shutil.copytree(data, keep)
            log(f"  kept {keep}")
    log(f"  {job.name}: rerun done: {len(ids)} documents, lost {lost}, duplicates {dups}, "
        f"unreadable {unreadable}, watch missed {missed}, repeated {repeated}")
    return landed


def run_harness(points, seed, pages=400, jobs=("crawl", "import", "reindex", "watch-run"),
                log=print):
    """Runs kill points until `points` have landed (spread over `jobs`).
    Returns Totals."""
    import random
    rng = random.Random(seed)
    log(f"crash harness: seed {seed}, {points} kill points, {pages} pages, jobs {list(jobs)}")
    work = harness.tmp_data_dir("pressarc-crash-")
    files = synthetic_pages(os.path.join(work, "pages"), pages)
    totals = Totals()
    server = harness.FixtureServer() if "crawl" in jobs else None
    try:
        if server:
            server.start()
        made = []
        for name in jobs:
            job = {"crawl": lambda: CrawlJob(work, None, server),
                   "import": lambda: ImportJob(work, None, files),
                   "reindex": lambda: ReindexJob(work, None, files),
                   "watch-run": lambda: WatchRunJob(work, None, files)}[name]()
            job.prepare()
            log(f"  {name}: clean run {job.duration:.2f} s, {len(job.ref_ids)} documents, "
                f"{len(job.ref_reports)} watch reports")
            made.append(job)
        # Until `points` kills have landed and every job has had one: a job that
        # ends before a random point (watch-run takes ~40 ms) is then killed at
        # the first named point it reaches.
        attempts = 0
        while attempts < points * 4:
            unkilled = [j for j in made if j.name not in totals.per_job]
            if totals.kills >= points and not unkilled:
                break
            if attempts >= len(made) and unkilled:
                job, sure = unkilled[0], True
            else:
                job, sure = made[attempts % len(made)], False
            attempts += 1
            want = max(1, min(rng.choice((1, 1, 2, 3)), points - totals.kills))
            run_case(job, rng, totals, want, log, sure=sure)
    finally:
        if server:
            server.stop()
    log("crash harness: " + totals.line())
    for p in totals.problems:
        log("  PROBLEM " + p)
    return totals


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=60, help="kill points to land (default 60)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: from time)")
    ap.add_argument("--pages", type=int, default=1000,
                    help="synthetic pages to import (1000 makes import compact; default 1000)")
    ap.add_argument("--jobs", default="crawl,import,reindex,watch-run")
    args = ap.parse_args()
    why = tools_missing()
    if why:
        print(f"crash harness: cannot run: {why}", file=sys.stderr)
        return 77
    seed = args.seed if args.seed is not None else int(time.time()) % 1000000
    started = time.monotonic()
    totals = run_harness(args.points, seed, args.pages, args.jobs.split(","),
                         log=lambda s: print(s, flush=True))
    print(f"crash harness: {time.monotonic() - started:.0f} s; seed {seed}")
    return 0 if totals.bad() == 0 and totals.kills >= args.points else 1


if __name__ == "__main__":
    sys.exit(main())
