"""`pressarc crawl` end to end against the fixture sites (tests/fixtures/server.py).

What a user relies on: every article archived and indexed; no request to a
robots-disallowed or out-of-scope URL (redirect hops included); the per-host gap
kept; traps bounded; a second run only revalidates (conditional requests) and
finds nothing new; a changed site picked up without duplicates; kill -9 and a
resumed run completes; a second job on the same data directory exits 75; the
faults site costs failures, not the run.
"""

import datetime
import glob
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
import tomllib
import unittest

from harness import (SOURCE_DIR, FixtureServer, crawl, pages, pressarc_bin, run, tmp_data_dir,
                     url_path, write_config)

SUMMARY_KEYS = {"fetched", "new", "updated", "unchanged", "failed", "robots_denied",
                "out_of_scope", "indexed", "seconds"}
SITES = ("mfa", "republisher", "mid")
FAST = dict(per_host_delay_ms=0, max_retries=1, timeout_s=5, revisit_after_hours=0,
            revisit_max_age_days=0)


def load_config(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def db_rows(data, sql, args=()):
    con = sqlite3.connect(os.path.join(data, "state.sqlite"), timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def doc_count(data):
    """Documents in the live index, read with Xapian's own delve (None when missing)."""
    delve = shutil.which("xapian-delve") or shutil.which("delve")
    if delve is None:
        return None
    p = subprocess.run([delve, os.path.join(data, "index", "current")], capture_output=True,
                       text=True)
    m = re.search(r"number of documents = (\d+)", p.stdout)
    return int(m.group(1)) if m else None


def header(entry, name):
    for k, v in (entry.get("headers") or {}).items():
        if k.lower() == name.lower():
            return v
    return None


def manifest_articles():
    """Version-1 article pages the crawler must archive and index."""
    return [p for p in pages(kind="article") if p["site"] in SITES and p.get("status", 200) == 200
            and not p.get("robots_disallowed") and not p.get("print_of")]


class CrawlTestBase(unittest.TestCase):
    def config(self, srv, sources=None, **overrides):
        opts = dict(FAST)
        opts.update(overrides)
        path = os.path.join(tmp_data_dir("pressarc-cfg-"), "pressarc.toml")
        return write_config(path, srv.port_base, sources=sources, **opts)

    def crawl_ok(self, cfg, data, *args):
        p, summary = crawl(cfg, data, *args)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIsNotNone(summary, p.stdout)
        return summary

    def assert_all_articles_archived_and_indexed(self, srv, data):
        archived = {}
        for url, canonical, indexed in db_rows(
                data, "SELECT url, canonical, indexed FROM fetches WHERE page_kind='article'"):
            archived[url_path(url)] = indexed
            if canonical:
                archived.setdefault(url_path(canonical), indexed)
        missing = [p["url_path"] for p in manifest_articles()
                   if not archived.get(p["url_path"]) and not archived.get(p.get("canonical_path"))]
        self.assertEqual(missing, [], "articles not archived+indexed")
        count = doc_count(data)
        if count is not None:
            canonicals = {c for (c,) in db_rows(
                data, "SELECT DISTINCT canonical FROM fetches WHERE page_kind='article'")}
            self.assertEqual(count, len(canonicals), "one document per canonical URL")

    def assert_no_forbidden_requests(self, srv, cfg):
        """Every logged request is robots-allowed and in scope (or robots.txt, a feed, a sitemap)."""
        conf = load_config(cfg)
        by_port = {}
        for s in conf["sources"]:
            port = int(re.search(r":(\d+)/", s["start_urls"][0]).group(1))
            by_port[port] = s
        disallowed = {p["url_path"] for p in pages() if p.get("robots_disallowed")}
        for e in srv.log():
            path = e["path"]
            self.assertNotIn(path, disallowed, "robots-disallowed URL requested")
            self.assertIsNone(re.search(r"^/(ru|en)/search|/print/", path),
                              f"robots-disallowed URL requested: {path}")
            source = by_port.get(e["port"])
            if source is None or path in ("/robots.txt", "/sitemap.xml"):
                continue
            url = f"http://127.0.0.1:{e['port']}{path}"
            listed = [f for f in source.get("feeds", [])] + source.get("start_urls", [])
            in_scope = any(re.search(a, url) for a in source.get("allow", [])) or url in listed
            self.assertTrue(in_scope or "sitemap" in path, f"out-of-scope URL requested: {url}")


class IncrementalCrawlTest(CrawlTestBase):
    def test_first_second_and_changed_runs(self):
        with FixtureServer() as srv:
            cfg = self.config(srv)
            data = tmp_data_dir()
            first = self.crawl_ok(cfg, data)
            self.assertTrue(SUMMARY_KEYS <= set(first), first)
            self.assertGreaterEqual(first["new"], len(manifest_articles()) - 5)
            self.assertEqual(first["indexed"], first["new"], first)
            self.assertGreater(first["out_of_scope"], 0)
            self.assert_all_articles_archived_and_indexed(srv, data)
            self.assert_no_forbidden_requests(srv, cfg)
            # The trap (mid's infinite calendar) stays bounded.
            calendar = srv.log(path_prefix="/ru/press_service/calendar/")
            self.assertLessEqual(len(calendar), 12, "calendar trap not bounded")
            # Robots.txt is the first request to each host.
            for site in SITES:
                log = srv.log(site=site)
                self.assertTrue(log and log[0]["path"] == "/robots.txt", (site, log[:2]))

            # Second run: only conditional requests for what was archived; nothing new.
            archived = {url_path(u) for (u,) in db_rows(
                data, "SELECT url FROM fetches WHERE page_kind='article' AND error=''")}
            srv.reset_log()
            second = self.crawl_ok(cfg, data)
            self.assertEqual(second["new"], 0, second)
            self.assertEqual(second["updated"], 0, second)
            self.assertGreaterEqual(second["unchanged"], len(archived) - 2)
            for e in srv.log():
                if e["path"] in archived:
                    self.assertTrue(header(e, "If-None-Match") or header(e, "If-Modified-Since"),
                                    f"unconditional request for an archived article: {e['path']}")
            self.assertEqual(srv.log(path_prefix="/robots.txt"), [], "robots.txt is cached")

            # Version 2: three new releases (az+en), one changed, one republished copy.
            srv.set_version(2)
            try:
                v2 = self.crawl_ok(cfg, data)
            finally:
                srv.set_version(1)
            new_pages = [p for p in pages(kind="article", version=2)
                         if not p.get("changed_in_version")]
            self.assertGreaterEqual(v2["new"], len([p for p in new_pages if p["site"] in SITES]) - 1,
                                    v2)
            self.assertGreaterEqual(v2["updated"], 1, v2)
            count = doc_count(data)
            if count is not None:
                canonicals = {c for (c,) in db_rows(
                    data, "SELECT DISTINCT canonical FROM fetches WHERE page_kind='article'")}
                self.assertEqual(count, len(canonicals), "duplicates in the index after version 2")
            # Three runs of responses, revisits and redirects: an independent reader accepts them.
            check = os.path.join(SOURCE_DIR, "tests", "warc-check", "check.mjs")
            if shutil.which("node") and os.path.isdir(
                    os.path.join(SOURCE_DIR, "tests", "warc-check", "node_modules", "warcio")):
                files = sorted(glob.glob(os.path.join(data, "archive", "*.warc.gz")))
                p = subprocess.run(["node", check, *files], capture_output=True, text=True,
                                   timeout=300)
                self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr[-2000:])


class PolitenessTest(CrawlTestBase):
    def test_per_host_gap_is_respected(self):
        with FixtureServer() as srv:
            cfg = self.config(srv, sources=["mfa"], per_host_delay_ms=250)
            data = tmp_data_dir()
            self.crawl_ok(cfg, data, "--max-pages", "12")
            times = [datetime.datetime.fromisoformat(e["time"]).timestamp()
                     for e in srv.log(site="mfa")]
            self.assertGreaterEqual(len(times), 10)
            gaps = [b - a for a, b in zip(times, times[1:])]
            self.assertGreaterEqual(min(gaps), 0.25 - 0.01, gaps)

    def test_robots_5xx_means_nothing_but_robots_txt_is_requested(self):
        with FixtureServer(robots_mode="5xx") as srv:
            cfg = self.config(srv, sources=["mfa"])
            summary = self.crawl_ok(cfg, tmp_data_dir())
            paths = {e["path"] for e in srv.log(site="mfa")}
            self.assertEqual(paths, {"/robots.txt"})
            self.assertGreater(summary["robots_denied"], 0)
            self.assertEqual(summary["new"], 0)

    def test_robots_404_allows_everything(self):
        with FixtureServer(robots_mode="404") as srv:
            cfg = self.config(srv, sources=["mfa"])
            summary = self.crawl_ok(cfg, tmp_data_dir())
            self.assertEqual(summary["robots_denied"], 0)
            self.assertGreater(summary["new"], 10)


class CrashAndLockTest(CrawlTestBase):
    def start_crawl_until(self, cfg, data, fetches, *args, **popen):
        """A crawl in the background, returned once it has recorded `fetches`
        responses (or after 30 s); it must still be running then."""
        proc = subprocess.Popen([pressarc_bin(), "crawl", "--config", cfg, "--data", data, *args],
                                **popen)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            try:
                if db_rows(data, "SELECT count(*) FROM fetches")[0][0] >= fetches:
                    break
            except sqlite3.Error:
                continue
        self.assertIsNone(proc.poll(), "the crawl ended before it could be interrupted")
        return proc

    def test_kill_9_mid_crawl_then_a_resumed_run_completes(self):
        with FixtureServer() as srv:
            cfg = self.config(srv, per_host_delay_ms=40)
            data = tmp_data_dir()
            proc = self.start_crawl_until(cfg, data, 40, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            summary = self.crawl_ok(cfg, data)
            self.assertGreater(summary["new"], 0)
            self.assert_all_articles_archived_and_indexed(srv, data)
            self.assertEqual(db_rows(data, "SELECT count(*) FROM runs WHERE status='interrupted'")[0][0], 1)

    def test_sigterm_ends_the_crawl_cleanly_then_the_next_run_completes(self):
        with FixtureServer() as srv:
            cfg = self.config(srv, per_host_delay_ms=40)
            data = tmp_data_dir()
            proc = self.start_crawl_until(cfg, data, 30, "--json", stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
            self.assertEqual(proc.returncode, 1, err)
            self.assertIn("stopped by SIGTERM", err)
            self.assertIn("next crawl resumes", err)
            summary = json.loads(out)
            self.assertTrue(summary["stopped"])
            self.assertGreater(summary["new"], 0)
            # Nothing half done: what was archived as an article is indexed.
            self.assertEqual(summary["indexed"], summary["new"] + summary["updated"])
            self.assertEqual(db_rows(data, "SELECT count(*) FROM fetches "
                                           "WHERE page_kind='article' AND indexed=0")[0][0], 0)
            self.assertEqual(db_rows(data, "SELECT count(*) FROM runs WHERE status='stopped'")[0][0], 1)
            # The next run picks up the rest, without duplicates.
            rest = self.crawl_ok(cfg, data)
            self.assertNotIn("stopped", rest)
            self.assert_all_articles_archived_and_indexed(srv, data)

    def test_a_second_job_on_the_same_data_dir_exits_75(self):
        with FixtureServer() as srv:
            cfg = self.config(srv, per_host_delay_ms=200)
            data = tmp_data_dir()
            first = subprocess.Popen([pressarc_bin(), "crawl", "--config", cfg, "--data", data],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                lock = os.path.join(data, "pressarc.lock")
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    if os.path.exists(lock) and os.path.getsize(lock) > 0:
                        break
                    time.sleep(0.05)
                start = time.monotonic()
                p = run(["crawl", "--config", cfg, "--data", data, "--json"], timeout=30)
                self.assertLess(time.monotonic() - start, 2.0)
                self.assertEqual(p.returncode, 75, p.stderr)
                self.assertIn("lock", p.stderr)
                self.assertIn(str(first.pid), p.stderr)
                self.assertEqual(p.stdout, "")
            finally:
                first.kill()
                first.wait()


FAULTS_SOURCE = """
[[sources]]
name = "faults"
start_urls = ["http://127.0.0.1:{port}/"]
allow = ['^http://127\\.0\\.0\\.1:{port}/']
article = ['^http://127\\.0\\.0\\.1:{port}/articles/']
language = "en"
"""


class FaultsTest(CrawlTestBase):
    def test_faults_cost_failures_not_the_run(self):
        with FixtureServer(faults=True) as srv:
            cfg = self.config(srv, sources=["mfa"], timeout_s=3, max_retries=1,
                              max_page_bytes=2 * 1024 * 1024)
            with open(cfg, "a", encoding="utf-8") as f:
                f.write(FAULTS_SOURCE.format(port=srv.port("faults")))
            data = tmp_data_dir()
            start = time.monotonic()
            p, summary = crawl(cfg, data, "--source", "faults")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertLess(time.monotonic() - start, 90)
            self.assertGreaterEqual(summary["failed"], 5, summary)
            failures = "\n".join(summary.get("failures", []))
            for path in ("/error/500", "/huge", "/gzip-bomb"):
                self.assertIn(path, failures)
            paths = [e["path"] for e in srv.log(site="faults")]
            self.assertFalse([x for x in paths if x.startswith("/private")], paths)
            self.assertEqual(paths[0], "/robots.txt")
            archived = {url_path(u) for (u,) in db_rows(
                data, "SELECT url FROM fetches WHERE page_kind='article'")}
            self.assertIn("/articles/1.html", archived)
            # 503 twice with Retry-After: 1 and 429 once are retried, not lost.
            self.assertGreaterEqual(paths.count("/error/429-once"), 2)

    def test_unknown_source_and_no_sources_are_usage_errors(self):
        with FixtureServer() as srv:
            cfg = self.config(srv, sources=["mfa"])
            p = run(["crawl", "--config", cfg, "--data", tmp_data_dir(), "--source", "nope"])
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("nope", p.stderr)
            empty = os.path.join(tmp_data_dir(), "empty.toml")
            with open(empty, "w") as f:
                f.write("[crawler]\nper_host_delay_ms = 0\n")
            p = run(["crawl", "--config", empty, "--data", tmp_data_dir()])
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("hint:", p.stderr)


if __name__ == "__main__":
    unittest.main()
