"""A crawl of a hostile site (tests/fixtures/hostile_server.py): every fault a web server
can throw at a crawler, on one site, next to good pages that must still be archived and
indexed. Traffic goes to loopback only: the site on 127.0.0.1, refused addresses on the
loopback aliases 127.0.0.2 / 127.0.0.3 and the name "localhost" (no source names them, so
the address policy must refuse them before connecting), and a foreign port on 127.0.0.1
that no source allows. The server counts every connection, so a crawler that is wrong is
caught without a packet leaving the machine.

Per fault the test asserts: no crash (exit 0), bounded wall time and peak RSS (the
crawl process's own, from GNU time), the failure named in the --json summary, and nothing
fetched where no source points. PRESSARC_HOSTILE_PER_FAULT=1 also crawls each fault alone
and prints its time and peak RSS (docs/testing.md has the numbers).
"""

import glob
import gzip
import json
import os
import subprocess
import sys
import time
import unittest

from harness import pressarc_bin, run, tmp_data_dir

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "fixtures"))
from hostile_server import FAULTS, PASSWD_MARK, HostileServer  # noqa: E402

MAX_RSS_KIB = 256 * 1024


def under_asan():
    """True when the binary is built with AddressSanitizer (its shadow memory makes peak
    RSS meaningless and the crawl slower)."""
    try:
        out = subprocess.run(["ldd", pressarc_bin()], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "libasan" in out


UNDER_ASAN = under_asan()
GNU_TIME = "/usr/bin/time"  # package "time"
MAX_SECONDS = 50  # the whole crawl; the slow faults are bounded by timeout_s below

# The allow pattern puts 127.0.0.2, 127.0.0.3 and localhost in scope, but its host part
# is a regex construct, so it names no address: only the start URLs' 127.0.0.1 may be
# connected to. timeout_s bounds every transfer (drip, silence after a lying
# Content-Length); the low-speed limit ends a dripping body sooner. max_retries = 1: each
# of them is tried twice.
CONFIG = """
[crawler]
per_host_delay_ms = 0
max_retries = 1
timeout_s = 4
connect_timeout_s = 2
max_connections = 8
max_depth = 6

[[sources]]
name = "hostile"
start_urls = [{starts}]
feeds = [{feeds}]
allow = ['^http://(127\\.0\\.0\\.[0-9]|localhost):{port}/']
article = ['/news/']
language = "en"
"""

# fault -> what the summary's failure for its URL must say. Not here: the redirects and
# links to other hosts (checked by their targets), and the answers that are not
# detectably wrong (a short Content-Length, a dense page, a page of links).
REASONS = {
    "drip": "timeout",
    "endless": "too large",
    "headers": "response headers too large (over 256 KiB)",
    "header_line": "response headers too large (a header line over",
    "redirect_chain": "too many redirects",
    "to_file": "unusable Location: file:",
    "to_ftp": "unusable Location: ftp:",
    "to_gopher": "unusable Location: gopher:",
    "to_data": "unusable Location: data:",
    "gzip_bomb": "too large",
    "chunked_bad": "reset",
    "chunked_huge": "reset",
    "length_longer": "timeout",
    "cut": "reset",
}


def write_config(path, srv, starts, feeds=()):
    with open(path, "w", encoding="utf-8") as f:
        f.write(CONFIG.format(starts=", ".join(f'"{srv.url(s)}"' for s in starts),
                              feeds=", ".join(f'"{srv.url(s)}"' for s in feeds),
                              port=srv.port))
    return path


def measured_crawl(cfg, data):
    """Runs `pressarc crawl --json`; returns (exit code, summary or None, stderr, seconds,
    peak RSS in KiB of the crawl process alone).

    The peak RSS comes from GNU time (scripts/bootstrap.sh installs it), not from this
    process's wait4: Linux counts in a child's ru_maxrss the resident size of the process
    it was forked from, up to its exec, and this Python process holds the server's data."""
    out_path, err_path = os.path.join(data, "crawl.out"), os.path.join(data, "crawl.err")
    rss_path = os.path.join(data, "crawl.rss")
    start = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        code = subprocess.call([GNU_TIME, "-f", "%M", "-o", rss_path, pressarc_bin(), "crawl",
                                "--config", cfg, "--data", data, "--json"],
                               stdout=out, stderr=err, timeout=300)
    seconds = time.monotonic() - start
    with open(rss_path, encoding="utf-8") as f:
        rss_kib = int(f.read().split()[-1])
    with open(out_path, encoding="utf-8") as f:
        stdout = f.read()
    with open(err_path, encoding="utf-8", errors="replace") as f:
        stderr = f.read()
    try:
        summary = json.loads(stdout)
    except ValueError:
        summary = None
    return code, summary, stderr, seconds, rss_kib


def archive_text(data):
    """Every WARC record of the data directory, decompressed, as one bytes string."""
    out = []
    for path in sorted(glob.glob(os.path.join(data, "archive", "*.warc.gz"))):
        with gzip.open(path, "rb") as f:
            out.append(f.read())
    return b"".join(out)


def searched(cfg, data, word):
    p = run(["search", "--config", cfg, "--data", data, "--json", word], timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"search {word} exited {p.returncode}: {p.stderr}")
    return [r["url"] for r in json.loads(p.stdout)["results"]]


class HostileSiteCrawlTest(unittest.TestCase):
    """One crawl of the whole hostile site; each test checks one promise about it."""

    @classmethod
    def setUpClass(cls):
        if not os.access(GNU_TIME, os.X_OK):
            raise RuntimeError(f"{GNU_TIME} is missing: install the package 'time' "
                               "(scripts/bootstrap.sh)")
        cls.srv = HostileServer(robots="huge").start()
        cls.data = tmp_data_dir()
        cls.cfg = write_config(os.path.join(cls.data, "hostile.toml"), cls.srv, ["/"],
                               ["/feed.rss", "/feed.atom"])
        (cls.code, cls.summary, cls.stderr, cls.seconds,
         cls.rss_kib) = measured_crawl(cls.cfg, cls.data)
        print(f"\nhostile site: exit {cls.code}, {cls.seconds:.1f} s, "
              f"peak RSS {cls.rss_kib / 1024:.1f} MiB", file=sys.stderr)
        cls.requests = cls.srv.requests()
        cls.connections = cls.srv.connections()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def failures(self):
        return self.summary.get("failures", [])

    def failure_for(self, path):
        """The failures of the URL at `path`; for a redirect chain, of any URL of it (the
        failure is reported on the URL where the crawler stopped following)."""
        url = self.srv.url(path)
        if path.startswith("/f/chain/"):
            return [f for f in self.failures() if f.startswith(self.srv.url("/f/chain/"))]
        return [f for f in self.failures() if f.startswith(url + ": ")]

    def test_crawl_succeeds_within_time_and_memory(self):
        self.assertEqual(self.code, 0, self.stderr[-3000:])
        self.assertIsNotNone(self.summary)
        self.assertLess(self.seconds, MAX_SECONDS * (3 if UNDER_ASAN else 1))
        if not UNDER_ASAN:
            self.assertLessEqual(self.rss_kib, MAX_RSS_KIB)

    def test_every_fault_is_reported_as_a_failure_with_its_reason(self):
        for fault, word in REASONS.items():
            with self.subTest(fault=fault):
                got = self.failure_for(FAULTS[fault][0])
                self.assertEqual(len(got), 1, (fault, self.failures()))
                self.assertIn(word, got[0])
        self.assertGreaterEqual(self.summary["failed"], len(REASONS))

    def test_good_pages_are_archived_and_indexed(self):
        # 1-3 from the listing, 4 from the RSS feed, 5 from a sitemap, 6 from the Atom feed.
        for n in range(1, 7):
            with self.subTest(article=n):
                self.assertIn(self.srv.url(f"/news/good-{n}.html"),
                              searched(self.cfg, self.data, f"hostilegood{n}"), self.summary)
        self.assertGreaterEqual(self.summary["indexed"], 6, self.summary)

    def test_no_connection_to_an_address_no_source_allows(self):
        for key, n in self.connections.items():
            self.assertEqual(key, f"127.0.0.1:{self.srv.port}",
                             f"{n} connection(s) to {key}: {self.connections}")
        hosts = {r["host"] for r in self.requests}
        self.assertEqual(hosts, {f"127.0.0.1:{self.srv.port}"})
        failures = "\n".join(self.failures())
        for path in ("/news/alias-linked.html", "/news/alias-redirect.html"):
            self.assertIn(f"http://127.0.0.2:{self.srv.port}{path}: address not allowed: "
                          "127.0.0.2 (loopback)", failures)
        self.assertIn(f"http://127.0.0.3:{self.srv.port}/news/alias3-linked.html: "
                      "address not allowed: 127.0.0.3 (loopback)", failures)
        for path in ("/news/localhost-linked.html", "/news/localhost-redirect.html"):
            self.assertIn(f"http://localhost:{self.srv.port}{path}: address not allowed", failures)

    def test_hosts_no_source_allows_are_out_of_scope(self):
        # The foreign link and redirect target, and elsewhere.invalid.
        self.assertGreaterEqual(self.summary["out_of_scope"], 3, self.summary)

    def test_redirect_chain_is_cut_after_a_few_hops(self):
        chain = [r for r in self.requests if r["path"].startswith("/f/chain/")]
        self.assertLessEqual(len(chain), 6, chain)

    def test_robots_txt_is_read_once_and_only_its_head_is_used(self):
        robots = [r for r in self.requests if r["path"] == "/robots.txt"]
        self.assertEqual(len(robots), 1)
        # The "Disallow: /" at the end of the 100 MB file is past the cap: pages were fetched.
        self.assertEqual(self.summary["robots_denied"], 0, self.summary)
        self.assertIn("/news/good-1.html", [r["path"] for r in self.requests])

    def test_sitemap_cycles_are_read_once_each(self):
        for path in ("/sitemap-index.xml", "/sitemap-a.xml", "/sitemap-b.xml",
                     "/sitemap-urls.xml", "/sitemap-bomb.xml.gz", "/sitemap-dense.xml",
                     "/sitemap-dense.xml.gz"):
            with self.subTest(path=path):
                n = sum(1 for r in self.requests if r["path"] == path)
                self.assertEqual(n, 1, path)

    def test_feed_entities_are_not_expanded_nor_external_ones_read(self):
        archived = archive_text(self.data)
        self.assertIn(b"&lol9;", archived)  # the feeds were archived as they came
        self.assertNotIn(PASSWD_MARK.encode(), archived)
        self.assertNotIn(b"lollollollollollollollollollollol", archived)
        self.assertEqual(searched(self.cfg, self.data, "lollollol"), [])

    def test_big_valid_pages_are_archived_not_failed(self):
        # A million-element page and a page of 300,000 links: bounded by the parser's caps.
        for fault in ("dense_html", "link_flood"):
            with self.subTest(fault=fault):
                path = FAULTS[fault][0]
                self.assertEqual(self.failure_for(path), [])
                self.assertIn(path, [r["path"] for r in self.requests])

    def test_lying_short_content_length_keeps_the_announced_bytes(self):
        # Not detectable as a fault: the 200 announced bytes are the response.
        self.assertEqual(self.failure_for(FAULTS["length_shorter"][0]), [])
        self.assertIn(FAULTS["length_shorter"][0], [r["path"] for r in self.requests])


# fault -> (start paths, feeds, robots mode). Used by the per-fault measurement.
ALONE = {name: ([path, "/news/good-1.html"], [], "plain") for name, (path, _) in FAULTS.items()}
ALONE["robots_100mb"] = (["/news/good-1.html"], [], "huge")
ALONE["sitemap_cycles"] = (["/sitemap-index.xml", "/news/good-1.html"], [], "plain")
ALONE["feeds_entities"] = (["/news/good-1.html"], ["/feed.rss", "/feed.atom"], "plain")


@unittest.skipUnless(os.environ.get("PRESSARC_HOSTILE_PER_FAULT"),
                     "set PRESSARC_HOSTILE_PER_FAULT=1 to crawl each fault alone")
class EachFaultAloneTest(unittest.TestCase):
    def test_each_fault_alone_is_bounded_and_keeps_the_good_page(self):
        rows = []
        for name, (starts, feeds, robots) in ALONE.items():
            with self.subTest(fault=name), HostileServer(robots=robots) as srv:
                data = tmp_data_dir()
                cfg = write_config(os.path.join(data, "hostile.toml"), srv, starts, feeds)
                code, summary, stderr, seconds, rss = measured_crawl(cfg, data)
                rows.append((name, seconds, rss / 1024, summary and summary["failed"]))
                self.assertEqual(code, 0, stderr[-2000:])
                self.assertLess(seconds, MAX_SECONDS * (3 if UNDER_ASAN else 1))
                if not UNDER_ASAN:
                    self.assertLessEqual(rss, MAX_RSS_KIB)
                self.assertIn(srv.url("/news/good-1.html"),
                              searched(cfg, data, "hostilegood1"), summary)
                self.assertEqual(set(srv.connections()), {f"127.0.0.1:{srv.port}"})
        print("\nfault                  seconds  peak RSS MiB  failed", file=sys.stderr)
        for name, seconds, mib, failed in rows:
            print(f"{name:22} {seconds:7.1f}  {mib:12.1f}  {failed}", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
