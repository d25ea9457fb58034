"""End-to-end: a removed article's status is in the index.

A crawl of the mfa fixture site; then one release answers 404 on two crawls
(the first miss is moved two hours back in the catalogue, as a crawl an hour
later would find it: removal needs misses at least an hour apart), which
removes it: `search 'status:removed'` finds it and nothing else, the status
facet counts it, `reindex` keeps it so; it answers again on a third crawl,
which restores it: `status:removed` finds nothing. Watches added before
the removal follow it, once each: `status:removed` reports the removed
article (its feed entry says so), `status:live` reports it when it comes
back, and a watch on its content reports nothing (it matched all along).
Also the web interface: the status facet links to the filter, and
/archive/ID/VERSION replays a version.
"""

import os
import re
import subprocess
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

from harness import (FixtureServer, backdate_first_misses, crawl, pages, pressarc_bin, run, run_json, tmp_data_dir,
                     write_config)

ATOM = "{http://www.w3.org/2005/Atom}"
# Watches added before the removal: name → query.
WATCHES = {"gone": "status:removed", "back": "source:mfa status:live", "mfa": "source:mfa"}
FAST = dict(per_host_delay_ms=0, max_retries=1, timeout_s=5, revisit_after_hours=0)


class RemovalStatusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = FixtureServer().__enter__()
        cls.cfg = write_config(os.path.join(tmp_data_dir("pressarc-cfg-"), "pressarc.toml"),
                               cls.srv.port_base, sources=["mfa"], **FAST)
        cls.data = tmp_data_dir()
        p, _ = crawl(cls.cfg, cls.data)
        assert p.returncode == 0, p.stderr
        # An English release (en: its words are searched without az stemming).
        cls.page = next(p for p in pages(kind="article", site="mfa", language="en"))
        cls.url = cls.page["url"].replace("18081", str(cls.srv.port_base + 1))

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def cmd(self, *args):
        return [args[0], "--config", self.cfg, "--data", self.data, *args[1:]]

    def removed_hits(self):
        found = run_json(self.cmd("search", "--json", "--limit", "100", "status:removed"))
        return [r["url"] for r in found["results"]]

    def status_facet(self):
        found = run_json(self.cmd("search", "--json", "--facets", "source:mfa"))
        return found["facets"]["status"]

    def crawl(self):
        p, summary = crawl(self.cfg, self.data)
        self.assertEqual(p.returncode, 0, p.stderr)
        return summary

    def backdate_pending_miss(self):
        """The first miss as if it had been two hours ago."""
        n = backdate_first_misses(self.data)
        self.assertEqual(n, 1, "one pending miss")

    def watch(self, *args):
        return [*args, "--config", self.cfg, "--data", self.data]

    def add_watches(self):
        for name, query in WATCHES.items():
            p = run(self.watch("watch", "add", name, query))
            self.assertEqual(p.returncode, 0, p.stderr)

    def assert_reported(self, summary, **expected):
        """The crawl summary's (or watch run's) new matches per watch; 0 unless given."""
        self.assertEqual(summary["watches"], {name: expected.get(name, 0) for name in WATCHES})

    def check_gone_feed(self):
        shown = run_json(self.watch("watch", "show", "--json", "gone"))
        self.assertEqual([(m["url"], m["status"]) for m in shown["recent"]],
                         [(self.url, "removed")])
        root = ET.parse(os.path.join(self.data, "feeds", "gone.atom")).getroot()
        entries = root.findall(ATOM + "entry")
        self.assertEqual(len(entries), 1)
        self.assertTrue(entries[0].find(ATOM + "title").text.startswith("removed: "))
        self.assertIn("status:removed",
                      [c.get("term") for c in entries[0].findall(ATOM + "category")])

    def get(self, base, path):
        try:
            with urllib.request.urlopen(base + path, timeout=30) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def check_web(self, article_id):
        proc = subprocess.Popen([pressarc_bin(), "serve", "--config", self.cfg, "--data",
                                 self.data, "--listen", "127.0.0.1:0"],
                                stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        try:
            m = re.search(r"(http://127\.0\.0\.1:\d+)/", proc.stderr.readline())
            self.assertIsNotNone(m, "serve said where it listens")
            base = m.group(1)
            status, page = self.get(base, "/?q=source%3Amfa")
            self.assertEqual(status, 200)
            self.assertIn("<h2>Status</h2>", page)
            self.assertIn('href="/?q=source%3Amfa%20status%3Aremoved"', page)
            status, page = self.get(base, "/?q=source%3Amfa%20status%3Aremoved")
            self.assertEqual(status, 200)
            self.assertEqual(re.findall(r'<article class="hit".*?href="/articles/(\w+)"', page),
                             [article_id])
            status, body = self.get(base, f"/archive/{article_id}/1")
            self.assertEqual(status, 200)
            self.assertIn("<html", body.lower())
            self.assertEqual(self.get(base, f"/archive/{article_id}")[0], 200)
            self.assertEqual(self.get(base, f"/archive/{article_id}/9")[0], 404)
            self.assertEqual(self.get(base, f"/archive/{article_id}/x")[0], 404)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            proc.stderr.close()

    def test_removal_restoration_and_reindex_keep_the_indexed_status(self):
        self.assertEqual(self.removed_hits(), [])
        live = self.status_facet()
        self.assertNotIn("removed", live)
        self.add_watches()

        self.srv.set_gone(self.page["url_path"])
        self.assert_reported(self.crawl())  # the first miss: not removed yet
        self.assertEqual(self.removed_hits(), [])
        self.backdate_pending_miss()
        summary = self.crawl()
        self.assertEqual(summary["removed"], 1, summary)
        self.assert_reported(summary, gone=1)
        self.check_gone_feed()

        self.assertEqual(self.removed_hits(), [self.url])
        facet = self.status_facet()
        self.assertEqual(facet["removed"], 1)
        self.assertEqual(facet["live"], live["live"] - 1)
        text = run(self.cmd("search", "--facets", "source:mfa"))
        self.assertIn("By status: live (%d) removed (1)" % (live["live"] - 1), text.stdout)
        self.assertEqual(run_json(self.cmd("search", "--json", "--limit", "100",
                                           "status:live"))["total"], live["live"] - 1)
        shown = run_json(self.cmd("show", "--json", self.url))
        self.assertEqual(shown["status"], "removed")
        self.assertTrue(shown["removed_at"])

        p = run(self.cmd("reindex"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.removed_hits(), [self.url], "reindex keeps the status")
        self.assertEqual(self.status_facet()["removed"], 1)
        self.assert_reported(run_json(self.watch("watch", "run", "--json")))

        self.check_web(shown["id"])

        self.srv.set_gone(self.page["url_path"], gone=False)
        summary = self.crawl()
        self.assertEqual(summary["restored"], 1, summary)
        self.assert_reported(summary, back=1)
        back = run_json(self.watch("watch", "show", "--json", "back"))["recent"]
        self.assertEqual([(m["url"], m["status"]) for m in back], [(self.url, "live")])
        self.check_gone_feed()
        self.assertEqual(self.removed_hits(), [])
        self.assertEqual(self.status_facet(), live)
        self.assertEqual(run_json(self.cmd("show", "--json", self.url))["status"], "live")


if __name__ == "__main__":
    unittest.main()
