"""End-to-end: the planted edits, removals and restoration of the fixture's
versions 2-4 (manifest "version3"/"version4" → "planted"), and zero false
versions from boilerplate that changes on every request.

PlantedChangesTest crawls mfa five times: version 1; version 2; version 3 (four
releases edited, five missing once: not removed yet); version 3 again after the
clock moved on (the first misses are made two hours older in state.sqlite, as
a crawl an hour later would find them: now they are removed); version 4 (one
comes back: restored). Every crawl of version 3 and 4 re-fetches every article
with new boilerplate. `history`, `changes` and `search` must show exactly what
was planted, and the same after `reindex`.

RotatingBoilerplateTest replays more than 1,000 responses of unchanged articles
with rotating boilerplate through `import` (the same record → article →
version log chain as the crawl, without a thousand-request crawl) and expects
no version but the planted ones.
"""

import datetime
import json
import os
import unittest
import urllib.request

from harness import (FixtureServer, backdate_first_misses, crawl, manifest, run, run_json, tmp_data_dir,
                     write_config)

FAST = dict(per_host_delay_ms=0, max_retries=1, timeout_s=5, revisit_after_hours=0)


def planted(kind=None):
    m = manifest()
    out = m["version3"]["planted"] + m["version4"]["planted"]
    return [p for p in out if kind is None or p["kind"] == kind]


def mfa_articles():
    """URLs (port base 18080) of every mfa article: version 1 and the new ones of 2."""
    m = manifest()
    pages = [p for p in m["pages"] if p["site"] == "mfa" and p["kind"] == "article"]
    pages += [p for p in m["version2"]["pages"] if p["site"] == "mfa" and
              p["kind"] == "article" and not p.get("changed_in_version")]
    return [p["url"] for p in pages]


def edited_in_v2():
    return [p["url"] for p in manifest()["version2"]["pages"] if p.get("changed_in_version")]


def words(diff, op):
    return " ".join(d["text"] for d in diff if d["op"] == op).split()


class PlantedChangesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = FixtureServer().__enter__()
        cls.cfg = write_config(os.path.join(tmp_data_dir("pressarc-cfg-"), "pressarc.toml"),
                               cls.srv.port_base, sources=["mfa"], **FAST)
        cls.data = tmp_data_dir()
        cls.summaries = []
        for version in (1, 2, 3):
            cls.crawl(version)
        cls.removed_after_one_miss = cls.events(kind="removed")
        # The clock moves on: the first misses happened two hours ago.
        backdate_first_misses(cls.data)
        cls.crawl(3)
        cls.crawl(4)
        cls.srv.set_version(1)

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    @classmethod
    def crawl(cls, version):
        cls.srv.set_version(version)
        p, summary = crawl(cls.cfg, cls.data)
        assert p.returncode == 0, p.stderr
        cls.summaries.append(summary)

    @classmethod
    def cmd(cls, *args):
        return [args[0], "--config", cls.cfg, "--data", cls.data, *args[1:]]

    @classmethod
    def events(cls, **filters):
        args = []
        for k, v in filters.items():
            args += [f"--{k}", v]
        return run_json(cls.cmd("changes", "--format", "json", *args))

    def url(self, fixture_url):
        return self.srv.rewrite(fixture_url.encode()).decode()

    def history(self, fixture_url):
        return run_json(self.cmd("history", "--format", "json", self.url(fixture_url)))

    def test_changes_are_exactly_the_planted_events(self):
        got = sorted((e["kind"], e["url"]) for e in self.events())
        want = [("new", self.url(u)) for u in mfa_articles()]
        want += [("edited", self.url(u)) for u in edited_in_v2()]
        want += [(p["kind"], self.url(p["url"])) for p in planted()]
        self.assertEqual(got, sorted(want))
        self.assertEqual(self.removed_after_one_miss, [],
                         "one miss is not a removal: the second visit must be an hour later")
        self.assertEqual([s["removed"] for s in self.summaries], [0, 0, 0, 5, 0])
        self.assertEqual([s["restored"] for s in self.summaries], [0, 0, 0, 0, 1])
        self.assertEqual(run_json(self.cmd("stats", "--json"))["edited"],
                         len(planted("edited")) + len(edited_in_v2()))
        for p in planted("edited"):
            e = next(e for e in self.events(kind="edited") if e["url"] == self.url(p["url"]))
            if p["change"] == "date":
                self.assertEqual(e["excerpt"], f"published [-{p['before']}-]{{+{p['after']}+}}")
            else:
                self.assertIn("{+", e["excerpt"])

    def test_each_edit_is_one_new_version_with_the_planted_change(self):
        for p in planted("edited"):
            h = self.history(p["url"])
            self.assertEqual([v["version"] for v in h["versions"]], [1, 2], p)
            self.assertEqual(h["status"], "live")
            old, new = h["versions"]
            diff = new["diff"]
            if p["change"] == "date":
                self.assertEqual((old["published"][:10], new["published"][:10]),
                                 (p["before"], p["after"]))
                self.assertEqual(words(diff, "insert") + words(diff, "delete"), [], diff)
                continue
            self.assertEqual(old["published"], new["published"], p)
            removed, added = words(diff, "delete"), words(diff, "insert")
            self.assertTrue(added, diff)
            # Every inserted word is in the planted text and not in the old one...
            for w in added:
                self.assertIn(w.strip(".,"), p["after"], (p["change"], added))
            for w in removed:
                self.assertIn(w.strip(".,"), p["before"], (p["change"], removed))
            if p["change"] == "figure":
                self.assertEqual((removed, added), (["300"], ["340"]))
            if p["change"] == "title":
                self.assertIn(p["after"], new["title"])
                self.assertNotIn(p["before"], new["title"])
                self.assertIn(p["before"], old["title"])

    def test_removed_and_restored_articles_keep_their_one_version(self):
        for p in planted("removed"):
            h = self.history(p["url"])
            self.assertEqual(len(h["versions"]), 1, p)
            restored = any(r["url"] == p["url"] for r in planted("restored"))
            self.assertEqual(h["status"], "live" if restored else "removed", p)
            if not restored:
                self.assertTrue(h["removed_at"], p)
            # Still searchable, with its status.
            found = run_json(self.cmd("search", "--json", "id:" + h["id"]))["results"]
            self.assertEqual([(r["url"], r["status"]) for r in found],
                             [(h["url"], h["status"])])
        restored = {p["url"] for p in planted("restored")}
        gone = sorted(self.url(p["url"]) for p in planted("removed") if p["url"] not in restored)
        found = run_json(self.cmd("search", "--json", "--limit", "50", "status:removed"))
        self.assertEqual(sorted(r["url"] for r in found["results"]), gone)
        self.assertEqual({r["status"] for r in found["results"]}, {"removed"})
        live = run_json(self.cmd("search", "--json", "--limit", "500", "status:live"))
        self.assertFalse(set(gone) & {r["url"] for r in live["results"]})
        self.assertIn(self.url(planted("restored")[0]["url"]),
                      {r["url"] for r in live["results"]})

    def test_search_finds_the_latest_version(self):
        for p in planted("edited"):
            doc = run_json(self.cmd("show", "--json", self.url(p["url"])))
            self.assertEqual(doc["versions"], 2)
            if p["change"] in ("figure", "sentence"):
                hits = run_json(self.cmd("search", "--json", f'"{p["after"]}"'))["results"]
                self.assertIn(doc["id"], [r["id"] for r in hits], p)
                hits = run_json(self.cmd("search", "--json", f'"{p["before"]}"'))["results"]
                self.assertNotIn(doc["id"], [r["id"] for r in hits], p)
            if p["change"] == "title":
                self.assertIn(p["after"], doc["title"])
            if p["change"] == "date":
                self.assertEqual(doc["published"][:10], p["after"])

    def test_zz_reindex_keeps_history_and_changes(self):
        # Last (unittest runs the tests by name).
        urls = [p["url"] for p in planted()]
        before = [self.history(u) for u in urls], self.events()
        p = run(self.cmd("reindex"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(([self.history(u) for u in urls], self.events()), before)


def warc_response(url, body, date):
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Date: {date}\r\nWARC-Record-ID: <urn:pressarc-test:{url}:{date}>\r\n"
            f"Content-Type: application/http;msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n")
    return head.encode() + http + b"\r\n\r\n"


class RotatingBoilerplateTest(unittest.TestCase):
    ROUNDS = 16  # of 68 live mfa articles each: more than 1,000 re-fetches

    def test_a_thousand_refetches_with_rotating_boilerplate_make_no_version(self):
        removed = {p["url"] for p in planted("removed")}
        urls = [u for u in mfa_articles() if u not in removed]
        d = tmp_data_dir()
        warc = os.path.join(d, "refetches.warc")
        start = datetime.datetime(2025, 7, 1, 8, 0, 0)
        bodies = {}
        refetches = 0
        with FixtureServer() as srv, open(warc, "wb") as out:
            for n in range(self.ROUNDS + 1):
                # Round 0 is version 2 (the first fetch); then version 4: the
                # planted edits, and new boilerplate in every response.
                srv.set_version(2 if n == 0 else 4)
                date = (start + datetime.timedelta(hours=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
                for u in urls:
                    live = srv.rewrite(u.encode()).decode()
                    with urllib.request.urlopen(live, timeout=10) as r:
                        body = r.read()
                    self.assertEqual(r.status, 200, u)
                    out.write(warc_response(u, body, date))
                    if n > 0:
                        refetches += 1
                        bodies.setdefault(u, set()).add(body)
        self.assertGreaterEqual(refetches, 1000)
        self.assertTrue(all(len(b) == self.ROUNDS for b in bodies.values()),
                        "every response of every article differs from the others")
        data = os.path.join(d, "data")
        p = run(["import", "--data", data, warc], timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        edited = run_json(["changes", "--format", "json", "--data", data, "--kind", "edited"])
        want = [srv.rewrite(p["url"].encode()).decode() for p in planted("edited")]
        if os.environ.get("DEBUG_VERSIONS"):
            for e in edited:
                print(e["url"], e["version"], e["excerpt"], e["words_added"], e["words_removed"])
        self.assertEqual(sorted(e["url"] for e in edited), sorted(want),
                         "only the planted edits are versions")
        self.assertEqual({e["version"] for e in edited}, {2})
        new = run_json(["changes", "--format", "json", "--data", data, "--kind", "new"])
        self.assertEqual(len(new), len(urls))


if __name__ == "__main__":
    unittest.main()
