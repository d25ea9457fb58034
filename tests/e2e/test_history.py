"""End-to-end: versions, `history` and `changes` over the fixture sites.

A crawl of version 1, a second crawl (every page fetched again: boilerplate
that the fixture varies makes no version), then version 2, in which one
release gained a paragraph: it gets version 2, with the paragraph as an
insertion, an `edited` event, and the same history after `reindex`.
"""

import json
import os
import shutil
import sqlite3
import time
import unittest
import xml.etree.ElementTree as ET

from harness import FixtureServer, crawl, pages, run, tmp_data_dir, write_config

FAST = dict(per_host_delay_ms=0, max_retries=1, timeout_s=5, revisit_after_hours=0)


def run_json(args):
    p = run(args)
    if p.returncode != 0:
        raise AssertionError(f"pressarc {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


class HistoryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = FixtureServer().__enter__()
        cls.cfg = write_config(os.path.join(tmp_data_dir("pressarc-cfg-"), "pressarc.toml"),
                               cls.srv.port_base, sources=["mfa"], **FAST)
        cls.data = tmp_data_dir()
        for version in (1, 1, 2):
            cls.srv.set_version(version)
            p, summary = crawl(cls.cfg, cls.data)
            assert p.returncode == 0, p.stderr
        cls.srv.set_version(1)
        cls.changed = [p for p in pages(kind="article", version=2, site="mfa")
                       if p.get("changed_in_version")]
        assert cls.changed, "the fixture has a changed release in version 2"

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def cmd(self, *args):
        return [args[0], "--config", self.cfg, "--data", self.data, *args[1:]]

    def changed_url(self):
        return self.changed[0]["url"].replace("18081", str(self.srv.port_base + 1))

    def test_an_edited_release_has_two_versions_and_its_paragraph_as_insertion(self):
        h = run_json(self.cmd("history", "--format", "json", self.changed_url()))
        self.assertEqual(h["status"], "live")
        self.assertEqual([v["version"] for v in h["versions"]], [1, 2], h)
        first, second = h["versions"]
        self.assertIsNone(first["diff"])
        self.assertLess(first["fetched_at"], second["fetched_at"])
        self.assertTrue(second["digest"].startswith("sha256:"))
        self.assertNotEqual(first["digest"], second["digest"])
        ops = {d["op"] for d in second["diff"]}
        self.assertIn("insert", ops)
        self.assertNotIn("delete", ops, "a paragraph was added, nothing removed")
        before = "".join(d["text"] for d in second["diff"] if d["op"] != "insert")
        self.assertTrue(before.strip(), second["diff"])

    def test_unchanged_articles_fetched_again_have_one_version(self):
        changes = run_json(self.cmd("changes", "--format", "json"))
        edited = [e for e in changes if e["kind"] == "edited"]
        self.assertEqual(len(edited), len(self.changed), edited)
        self.assertEqual(edited[0]["version"], 2)
        self.assertGreater(edited[0]["words_added"], 0)
        self.assertEqual(edited[0]["words_removed"], 0)
        self.assertIn("{+", edited[0]["excerpt"])
        new = [e for e in changes if e["kind"] == "new"]
        self.assertEqual(len({e["url"] for e in new}), len(new), "one new event per article")
        self.assertEqual([e["at"] for e in changes], sorted((e["at"] for e in changes),
                                                            reverse=True), "newest first")
        for key in ("kind", "at", "id", "url", "title", "source", "language", "version",
                    "words_added", "words_removed", "excerpt"):
            self.assertIn(key, changes[0])

    def test_show_and_search_report_versions_and_status(self):
        shown = run_json(self.cmd("show", "--json", self.changed_url()))
        self.assertEqual(shown["versions"], 2)
        self.assertEqual(shown["status"], "live")
        self.assertIsNone(shown["removed_at"])
        self.assertEqual([h["version"] for h in shown["history"]], [1, 2])
        self.assertEqual(run_json(self.cmd("stats", "--json"))["edited"], len(self.changed))
        found = run_json(self.cmd("search", "--json", "id:" + shown["id"]))
        self.assertEqual(found["results"][0]["versions"], 2)
        self.assertEqual(found["results"][0]["status"], "live")

    def test_history_text_is_a_word_diff_and_version_n_is_whole(self):
        p = run(self.cmd("history", self.changed_url()))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("version 2 of 2", p.stdout)
        self.assertIn("{+", p.stdout)
        self.assertNotIn("\x1b[", p.stdout, "no colour when stdout is not a terminal")
        whole = run_json(self.cmd("history", "--format", "json", "--version", "1",
                                  self.changed_url()))
        self.assertEqual([v["version"] for v in whole["versions"]], [1])
        self.assertTrue(whole["versions"][0]["text"])
        p = run(self.cmd("history", "--version", "3", self.changed_url()))
        self.assertEqual(p.returncode, 2, p.stderr)

    def test_changes_atom_feed_has_an_entry_per_event(self):
        atom = "{http://www.w3.org/2005/Atom}"
        events = run_json(self.cmd("changes", "--format", "json"))
        p = run(self.cmd("changes", "--format", "atom"))
        self.assertEqual(p.returncode, 0, p.stderr)
        feed = ET.fromstring(p.stdout)
        self.assertEqual(feed.tag, atom + "feed")
        entries = feed.findall(atom + "entry")
        self.assertEqual(len(entries), len(events))
        ids = [e.find(atom + "id").text for e in entries]
        self.assertEqual(len(set(ids)), len(ids), "entry ids are unique")
        kinds = [e.find(atom + "category").get("term") for e in entries]
        self.assertEqual(kinds, [e["kind"] for e in events])
        self.assertIn("edited", kinds)
        self.assertIn("new", kinds)
        edited = entries[kinds.index("edited")]
        event = events[kinds.index("edited")]
        self.assertEqual(edited.find(atom + "id").text,
                         f"urn:pressarc:{event['id']}:{event['version']}")
        self.assertEqual(edited.find(atom + "title").text, "edited: " + event["title"])
        self.assertEqual(edited.find(atom + "link").get("href"), event["url"])
        self.assertEqual(edited.find(atom + "updated").text, event["at"])
        self.assertEqual(edited.find(atom + "author/" + atom + "name").text, "mfa")
        # The crawl rewrote DATA/feeds/changes.atom with the same (last 100) events.
        with open(os.path.join(self.data, "feeds", "changes.atom"), encoding="utf-8") as f:
            written = ET.parse(f).getroot()
        self.assertEqual([e.find(atom + "id").text for e in written.findall(atom + "entry")],
                         ids[:100])

    def test_a_removed_article_is_in_the_log_and_has_status_removed(self):
        # Removal detection needs visits an hour apart: record one the way the
        # crawler does (tables removals and removal_events) in a copy.
        data = os.path.join(tmp_data_dir(), "copy")
        shutil.copytree(self.data, data)
        url = self.changed_url()
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 60))
        with sqlite3.connect(os.path.join(data, "state.sqlite")) as db:
            db.execute("INSERT INTO removals(url, source, first_missing_at, removed_at) "
                       "VALUES(?, 'mfa', '', ?)", (url, at))
            db.execute("INSERT INTO removal_events(url, source, kind, at) "
                       "VALUES(?, 'mfa', 'removed', ?)", (url, at))
        cmd = lambda *a: [a[0], "--config", self.cfg, "--data", data, *a[1:]]
        shown = run_json(cmd("show", "--json", url))
        self.assertEqual((shown["status"], shown["removed_at"]), ("removed", at))
        found = run_json(cmd("search", "--json", "id:" + shown["id"]))
        self.assertEqual(found["results"][0]["status"], "removed")
        history = run_json(cmd("history", "--format", "json", url))
        self.assertEqual((history["status"], history["removed_at"]), ("removed", at))
        self.assertIn("removed since " + at, run(cmd("history", url)).stdout)
        events = run_json(cmd("changes", "--format", "json"))
        self.assertEqual(events[0]["kind"], "removed", "the newest event comes first")
        self.assertEqual((events[0]["url"], events[0]["at"], events[0]["version"],
                          events[0]["source"]), (url, at, 2, "mfa"))
        self.assertEqual(events[0]["title"], history["versions"][-1]["title"])
        only = run_json(cmd("changes", "--format", "json", "--kind", "removed"))
        self.assertEqual([e["kind"] for e in only], ["removed"])
        self.assertEqual(run_json(cmd("changes", "--format", "json", "--kind", "removed",
                                      "--source", "nosuch")), [])

    def test_filters_and_bad_values(self):
        since = run_json(self.cmd("changes", "--format", "json", "--since", "1d"))
        self.assertTrue(since, "everything happened within the day")
        self.assertEqual(run_json(self.cmd("changes", "--format", "json", "--since",
                                           "2999-01-01")), [])
        kinds = run_json(self.cmd("changes", "--format", "json", "--kind", "edited"))
        self.assertEqual({e["kind"] for e in kinds}, {"edited"})
        other = run_json(self.cmd("changes", "--format", "json", "--source", "nosuch"))
        self.assertEqual(other, [])
        lines = run(self.cmd("changes", "--format", "jsonl", "--kind", "new")).stdout.splitlines()
        self.assertTrue(all(json.loads(line)["kind"] == "new" for line in lines))
        for bad in (["--since", "yesterday"], ["--since", "2024-02-30"], ["--kind", "deleted"],
                    ["--format", "xml"]):
            p = run(self.cmd("changes", *bad))
            self.assertEqual(p.returncode, 2, (bad, p.stderr))
            self.assertTrue(p.stderr.startswith("pressarc: "), p.stderr)

    def test_reindex_keeps_history_and_changes_identical(self):
        # Runs last (unittest sorts by name: test_reindex... after test_history...,
        # and it leaves the same data for the others anyway).
        before_h = run_json(self.cmd("history", "--format", "json", self.changed_url()))
        before_c = run_json(self.cmd("changes", "--format", "json"))
        p = run(self.cmd("reindex"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(run_json(self.cmd("history", "--format", "json", self.changed_url())),
                         before_h)
        self.assertEqual(run_json(self.cmd("changes", "--format", "json")), before_c)


class ImportedVersionsTest(unittest.TestCase):
    def test_two_imported_versions_of_a_page_and_a_whitespace_only_one(self):
        d = tmp_data_dir()
        page = ('<html lang="en"><head><link rel="canonical" href="https://example.org/news/1">'
                '</head><body><article><h1>Talks held</h1><time datetime="2024-04-30">30 April 2024'
                '</time><p>{}</p><p>The sides also discussed the agenda of bilateral relations.'
                '</p></article></body></html>')
        text = ("The minister said that {} people took part in the talks on regional security "
                "held in the capital on Tuesday, and that the sides agreed to meet again.")
        files = []
        for i, (body, mtime) in enumerate([(text.format(25), 1714550400),
                                           (text.format(25).replace(" ", "  \n "), 1714636800),
                                           (text.format(26), 1714723200)]):
            f = os.path.join(d, f"v{i}.html")
            with open(f, "w", encoding="utf-8") as out:
                out.write(page.format(body))
            os.utime(f, (mtime, mtime))
            files.append(f)
        data = os.path.join(d, "data")
        for f in files:  # one import each, as pages arrive over time
            p = run(["import", "--data", data, f])
            self.assertEqual(p.returncode, 0, p.stderr)
        h = run_json(["history", "--format", "json", "--data", data, "https://example.org/news/1"])
        self.assertEqual([v["fetched_at"] for v in h["versions"]],
                         ["2024-05-01T08:00:00Z", "2024-05-03T08:00:00Z"])
        ops = [(d["op"], d["text"]) for d in h["versions"][1]["diff"] if d["op"] != "equal"]
        self.assertEqual(ops, [("delete", "25"), ("insert", "26")])
        p = run(["history", "--data", data, "https://example.org/news/1"])
        self.assertIn("[-25-]{+26+}", p.stdout)


if __name__ == "__main__":
    unittest.main()
