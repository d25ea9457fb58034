"""End-to-end: `[search] shards`. The fixture sites are crawled once; the
crawl's WARC records are split by URL into four archives; one data directory
imports them all (the single index), four others one part each. Two parts are
served by xapian-tcpsrv on loopback ports, one is a directory shard, one is
the local index. Every query must give the same JSON (ids, order, totals,
copies, translations, facets, snippets) from the shards as from the single
index; `show` and `stats` too. A stopped shard gives a warning and the
others' results; `show` of a document on it exits 1 naming it.
"""

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import unittest
import zlib

from harness import FixtureServer, crawl, pressarc_bin, run, tmp_data_dir, write_config

TCPSRV = shutil.which("xapian-tcpsrv")
PARTS = 4

# test_search.py-style queries: words, phrases, wildcards, filters only,
# date ranges and sorts, folding on and off, paging, facets, prefixes.
QUERIES = [
    ["Lavrov"],
    ["Lavrov", "--lang", "en", "--limit", "50"],
    ["Bayramov Lavrov", "--lang", "az", "--limit", "50"],
    ["Bayramov Lavrov", "--lang", "az", "--all", "--limit", "50"],
    ["Bayramov OR Lavrov", "--limit", "100"],
    ["Bayramov Lavrov", "--any", "--limit", "100"],
    ['"foreign affairs"', "--limit", "100"],
    ["Lav*", "--limit", "100"],
    ["nazir*", "--limit", "100", "--facets"],
    ["ministry", "--facets", "--limit", "100"],
    ["ministry", "--limit", "5", "--offset", "5"],
    ["ministry", "--sort", "newest", "--limit", "100"],
    ["ministry", "--sort", "oldest", "--limit", "100"],
    ["--lang", "en", "--sort", "newest", "--limit", "100"],
    ["--lang", "en", "--sort", "oldest", "--limit", "100"],
    ["--lang", "ru", "--limit", "100", "--facets"],
    ["--lang", "az", "--limit", "7", "--offset", "3"],
    ["--source", "mid", "--all", "--limit", "100"],
    ["source:mid", "--limit", "100"],
    ["source:republisher", "--limit", "100", "--facets"],
    ["2023-02-28..2023-02-28", "--all", "--limit", "100"],
    ["2023..2023", "--limit", "1000", "--facets"],
    ["--from", "2023-02-01", "--to", "2023-03-31", "--limit", "100", "--sort", "oldest"],
    ["title:Lavrov", "--limit", "100"],
    ["ministry status:live", "--limit", "100", "--facets"],
    ["status:removed", "--limit", "100", "--facets"],
    ["Лавров", "--limit", "100"],
    ["Лавров -Bayramov", "--limit", "100"],
    ["Bayramovv"],
]


def warc_members(path):
    """The gzip members of a .warc.gz file (one record each), as raw bytes."""
    with open(path, "rb") as f:
        data = f.read()
    members = []
    while data:
        d = zlib.decompressobj(31)
        record = d.decompress(data)
        while not d.eof:
            record += d.decompress(d.unconsumed_tail)
            if not d.unconsumed_tail and not d.eof:
                raise ValueError(path + ": cut gzip member")
        used = len(data) - len(d.unused_data)
        members.append((data[:used], record))
        data = d.unused_data
    return members


def target_uri(record):
    for line in record.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"warc-target-uri:"):
            return line.split(b":", 1)[1].strip()
    return None


def split_archive(archive_dir, out_dir, parts):
    """Writes part0.warc.gz ... from every .warc.gz in archive_dir, records
    assigned by a hash of their URL without its query and trailing slash
    (the fixture serves a page under both, and one document must live on one
    shard only); records without a URL go everywhere."""
    os.makedirs(out_dir, exist_ok=True)
    outs = [open(os.path.join(out_dir, f"part{i}.warc.gz"), "wb") for i in range(parts)]
    counts = [0] * parts
    for name in sorted(os.listdir(archive_dir)):
        if not name.endswith(".warc.gz"):
            continue
        for raw, record in warc_members(os.path.join(archive_dir, name)):
            uri = target_uri(record)
            if uri is None:
                for o in outs:
                    o.write(raw)
                continue
            key = uri.split(b"?", 1)[0].rstrip(b"/")
            k = int(hashlib.sha1(key).hexdigest(), 16) % parts
            outs[k].write(raw)
            counts[k] += 1
    for o in outs:
        o.close()
    return [os.path.join(out_dir, f"part{i}.warc.gz") for i in range(parts)], counts


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_tcpsrv(data):
    """xapian-tcpsrv on 127.0.0.1 serving DATA/index/current; (process, port)."""
    for _ in range(5):
        port = free_port()
        p = subprocess.Popen([TCPSRV, "--interface", "127.0.0.1", "--port", str(port),
                              os.path.join(data, "index", "current")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             # Its own process group: on SIGTERM xapian-tcpsrv
                             # signals its whole group (its forked children).
                             start_new_session=True)
        deadline = time.time() + 10
        while time.time() < deadline and p.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return p, port
            except OSError:
                time.sleep(0.05)
        p.kill()
        p.wait()
    raise unittest.SkipTest("xapian-tcpsrv did not start")


def json_of(p, what):
    if p.returncode != 0:
        raise AssertionError(f"{what} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


@unittest.skipUnless(TCPSRV, "needs xapian-tools (xapian-tcpsrv)")
class ShardsEndToEnd(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        crawled = tmp_data_dir()
        cls.cfg = os.path.join(tmp_data_dir(), "crawl.toml")
        with FixtureServer() as srv:
            write_config(cls.cfg, srv.port_base, per_host_delay_ms=0)
            p, _ = crawl(cls.cfg, crawled)
        if p.returncode != 0:
            raise unittest.SkipTest(f"crawl failed (exit {p.returncode}): {p.stderr[-500:]}")
        files, counts = split_archive(os.path.join(crawled, "archive"), tmp_data_dir(), PARTS)
        if min(counts) == 0:
            raise unittest.SkipTest(f"a part got no records: {counts}")
        cls.single = tmp_data_dir()
        json_of(run(["import", "--json", "--config", cls.cfg, "--data", cls.single, *files]),
                "import (single)")
        cls.parts = []
        for f in files:
            d = tmp_data_dir()
            json_of(run(["import", "--json", "--config", cls.cfg, "--data", d, f]), "import")
            cls.parts.append(d)
        cls.servers = []
        shards = []
        for d in cls.parts[1:3]:
            srv, port = start_tcpsrv(d)
            cls.servers.append(srv)
            shards.append(f"tcp://127.0.0.1:{port}")
        shards.append(cls.parts[3])
        cls.shards = shards
        cls.shard_cfg = os.path.join(tmp_data_dir(), "shards.toml")
        with open(cls.cfg, encoding="utf-8") as f:
            text = f.read()
        with open(cls.shard_cfg, "w", encoding="utf-8") as f:
            f.write(text + "\n[search]\nshards = " + json.dumps(shards) +
                    "\nshard_timeout_s = 3\n")

    @classmethod
    def tearDownClass(cls):
        for srv in getattr(cls, "servers", []):
            if srv.poll() is None:
                srv.send_signal(signal.SIGTERM)
            srv.wait(timeout=10)

    def single_json(self, *args):
        return json_of(run([*args[:1], "--json", "--config", self.cfg, "--data", self.single,
                            *args[1:]]), f"{args} (single)")

    def sharded(self, *args):
        return run([*args[:1], "--json", "--config", self.shard_cfg, "--data", self.parts[0],
                    *args[1:]])

    def sharded_json(self, *args):
        return json_of(self.sharded(*args), f"{args} (shards)")

    def test_every_query_gives_the_same_json(self):
        for q in QUERIES:
            with self.subTest(query=q):
                one = self.single_json("search", *q)
                many = self.sharded_json("search", *q)
                # The remote backend has no spelling data (documented): the
                # suggestion may differ; everything else may not.
                one.pop("suggestion")
                many.pop("suggestion")
                self.assertNotIn("warnings", many)
                if any("*" in a for a in q):
                    # Xapian expands a wildcard on each shard over that
                    # shard's terms and weighs the expansion by them: the
                    # same matches, totals and facets, but other weights
                    # (docs/operations.md).
                    self.assertEqual(many["total"], one["total"])
                    self.assertEqual(many.get("facets"), one.get("facets"))
                    self.assertEqual({r["id"] for r in many["results"]},
                                     {r["id"] for r in one["results"]})
                    continue
                self.assertEqual(many, one)

    def test_the_queries_find_documents_on_every_part(self):
        ids = set()
        for q in QUERIES:
            ids |= {r["id"] for r in self.single_json("search", *q, "--all")["results"]}
        sources = set()
        for d in self.parts:
            found = json_of(run(["search", "--json", "--data", d, "--all", "--limit", "1000",
                                 "--lang", "az", "--lang", "en", "--lang", "ru"]), "search")
            part_ids = {r["id"] for r in found["results"]}
            self.assertTrue(part_ids & ids, d)
            sources |= part_ids
        self.assertTrue(ids <= sources)

    def test_show_of_every_result_is_the_same(self):
        out = self.single_json("search", "--lang", "en", "--lang", "az", "--lang", "ru",
                               "--all", "--limit", "1000")
        self.assertTrue(out["results"])
        for r in out["results"]:
            with self.subTest(id=r["id"]):
                many = self.sharded_json("show", r["id"])
                one = self.single_json("show", r["id"])
                # Versions are kept in the catalogue of the machine that
                # archived the page (documented): through a shard, `history`
                # is the one version the index holds, fetched when it was.
                if many.get("history") != one.get("history"):
                    self.assertEqual([h["version"] for h in many["history"]], [1])
                    many.pop("history"), one.pop("history")
                self.assertEqual(many, one)

    def test_stats_counts_are_the_same(self):
        one = self.single_json("stats")
        many = self.sharded_json("stats")
        for key in ("documents", "sources", "languages", "years"):
            self.assertEqual(many[key], one[key], key)
        self.assertEqual(many["shards"], len(self.shards))

    def test_bad_shard_config_is_a_usage_error(self):
        cfg = os.path.join(tmp_data_dir(), "bad.toml")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write('[search]\nshards = ["tcp://127.0.0.1"]\n')
        p = run(["search", "--config", cfg, "--data", self.parts[0], "Lavrov"])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("search.shards", p.stderr)

    def test_a_shard_reindexing_keeps_answering_the_same(self):
        # A reindex on a served shard swaps in a new generation: searches
        # during and after it answer as before, without a server restart.
        q = ["Lavrov", "--limit", "50", "--facets"]
        want = self.single_json("search", *q)
        want.pop("suggestion")
        served = self.parts[2]
        with open(os.path.join(served, "index", "current"), encoding="utf-8") as f:
            before = f.read()
        reindex = subprocess.Popen([pressarc_bin(), "reindex", "--config", self.cfg, "--data",
                                    served], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True)
        rounds = 0
        while True:
            done = reindex.poll() is not None
            got = self.sharded_json("search", *q)
            got.pop("suggestion")
            self.assertEqual(got, want)
            rounds += 1
            if done:
                break
        self.assertEqual(reindex.returncode, 0, reindex.stderr.read())
        reindex.stderr.close()
        with open(os.path.join(served, "index", "current"), encoding="utf-8") as f:
            self.assertNotEqual(f.read(), before)  # a new generation is live
        got = self.sharded_json("search", *q)
        got.pop("suggestion")
        self.assertEqual(got, want)

    def test_y_a_hung_shard_counts_as_down_after_the_timeout(self):
        # A server that accepts but never answers (SIGSTOP): after
        # shard_timeout_s (3 s here) it is named and the others answer.
        srv = self.servers[1]
        srv.send_signal(signal.SIGSTOP)
        try:
            t0 = time.monotonic()
            p = self.sharded("search", "Lavrov")
            elapsed = time.monotonic() - t0
        finally:
            srv.send_signal(signal.SIGCONT)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"pressarc: warning: shard {self.shards[1]}: ", p.stderr)
        self.assertEqual(len(json.loads(p.stdout)["warnings"]), 1)
        self.assertLess(elapsed, 20)
        # Answering again, it is searched again.
        p = self.sharded("search", "Lavrov")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("warning", p.stderr)

    def test_zz_a_stopped_shard_is_named_and_the_others_answer(self):
        # Runs last (zz): it stops a server for good.
        everything = ["--lang", "en", "--lang", "az", "--lang", "ru", "--all", "--limit", "1000"]
        before = self.sharded_json("search", *everything)
        on_stopped = json_of(run(["search", "--json", "--data", self.parts[1], *everything]),
                             "search")
        stopped_ids = {r["id"] for r in on_stopped["results"]}
        self.assertTrue(stopped_ids)
        srv = self.servers[0]
        srv.send_signal(signal.SIGTERM)
        srv.wait(timeout=10)
        p = self.sharded("search", *everything)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"pressarc: warning: shard {self.shards[0]}: ", p.stderr)
        after = json.loads(p.stdout)
        self.assertEqual(len(after["warnings"]), 1)
        self.assertTrue(after["warnings"][0].startswith(f"shard {self.shards[0]}: "))
        self.assertEqual({r["id"] for r in after["results"]},
                         {r["id"] for r in before["results"]} - stopped_ids)
        self.assertEqual(after["total"], before["total"] - len(stopped_ids))
        # show of a document on the stopped shard: exit 1, naming the shard.
        p = self.sharded("show", sorted(stopped_ids)[0])
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(self.shards[0], p.stderr)
        # stats: the others' counts, and the warning.
        p = self.sharded("stats")
        self.assertEqual(p.returncode, 0, p.stderr)
        stats = json.loads(p.stdout)
        self.assertEqual(stats["shards"], len(self.shards) - 1)
        self.assertEqual(len(stats["warnings"]), 1)
        self.assertIn(f"pressarc: warning: shard {self.shards[0]}: ", p.stderr)


if __name__ == "__main__":
    unittest.main()
