"""End-to-end: `pressarc watch` (saved searches reported once per document),
their Atom feeds and the [alerts] command, across import, reindex, edits and a
kill -9 of the job.

Pages are synthetic HTML files with their own canonical URLs, imported with
`pressarc import`; an edit is the same canonical URL with a newer file time.
"""

import json
import os
import signal
import subprocess
import time
import unittest
import xml.etree.ElementTree as ET

import harness
from harness import run, run_json, tmp_data_dir

ATOM = "{http://www.w3.org/2005/Atom}"


def page(directory, name, canonical, title, text, lang="en", mtime=None):
    html = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<title>{title}</title><link rel="canonical" href="{canonical}">'
            f'<meta name="dcterms.issued" content="2024-03-05"></head><body><main><article>'
            f'<h1>{title}</h1><time datetime="2024-03-05">2024</time>'
            + "".join(f"<p>{text} Paragraph {k} of the release about {title} continues with "
                      f"more words so that the extractor keeps it as the article body.</p>"
                      for k in range(4))
            + "</article></main></body></html>")
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def releases(directory, n, mtime):
    """n releases; the even ones mention Bayramov, every third (ru) Лавров."""
    paths = []
    for i in range(n):
        url = f"https://watch.example.gov/news/{i}"
        if i % 3 == 2:
            paths.append(page(directory, f"p{i}.html", url, f"Заявление {i}",
                              f"Сергей Лавров провёл переговоры номер {i}.", "ru", mtime))
        else:
            word = "Bayramov" if i % 2 == 0 else "the minister"
            paths.append(page(directory, f"p{i}.html", url, f"Statement {i}",
                              f"Minister {word} met the ambassador, statement number {i}.",
                              "en", mtime))
    return paths


def feed_entries(test, data, name, link_prefix="https://watch.example.gov/"):
    path = os.path.join(data, "feeds", name + ".atom")
    root = ET.parse(path).getroot()  # well-formed XML, or this raises
    test.assertEqual(root.tag, ATOM + "feed")
    for required in ("id", "title", "updated"):
        test.assertIsNotNone(root.find(ATOM + required), required)
    entries = root.findall(ATOM + "entry")
    for e in entries:
        for required in ("id", "title", "updated", "summary"):
            test.assertIsNotNone(e.find(ATOM + required), required)
        test.assertTrue(e.find(ATOM + "id").text.startswith("urn:pressarc:"))
        test.assertTrue(e.find(ATOM + "link").get("href").startswith(link_prefix))
    return [e.find(ATOM + "id").text for e in entries]


class WatchTest(unittest.TestCase):

    def setUp(self):
        self.data = tmp_data_dir()
        self.pages = tmp_data_dir()
        self.cfg = os.path.join(tmp_data_dir(), "pressarc.toml")
        self.alerts = tmp_data_dir()
        with open(self.cfg, "w", encoding="utf-8") as f:
            f.write('[alerts]\ncommand = "cat > %s/$PRESSARC_WATCH-$$.json"\ntimeout_s = 10\n'
                    % self.alerts)

    def pressarc(self, *args):
        return run([*args, "--config", self.cfg, "--data", self.data])

    def pressarc_json(self, *args):
        return run_json([*args, "--config", self.cfg, "--data", self.data])

    def add(self, name, *query):
        p = self.pressarc("watch", "add", name, *query)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_bad_names_and_queries_exit_2_and_save_nothing(self):
        self.add("ok", "Bayramov")
        for args in (["bad name", "x"], ["x" * 65, "x"], ["ok", "again"], ["q", '"unbalanced'],
                     ["q", "nosuchprefix:x"], ["q", "--from", "2023-02-30", "x"], ["q"]):
            p = self.pressarc("watch", "add", *args)
            self.assertEqual(p.returncode, 2, args)
            self.assertTrue(p.stderr.startswith("pressarc: "), p.stderr)
            self.assertEqual(len(p.stderr.strip().splitlines()) <= 2, True, p.stderr)
        names = [w["name"] for w in self.pressarc_json("watch", "list", "--json")["watches"]]
        self.assertEqual(names, ["ok"])
        for args in (["rm", "nope"], ["show", "nope"]):
            self.assertEqual(self.pressarc("watch", *args).returncode, 2)

    def test_reported_once_across_runs_reindex_and_edits(self):
        # Before any index: the feed exists, empty.
        self.add("bayramov", "Bayramov")
        self.add("lavrov", "--lang", "ru", "Lavrov")  # Latin finds Лавров
        self.assertEqual(feed_entries(self, self.data, "bayramov"), [])
        self.assertEqual(self.pressarc_json("watch", "run", "--json")["watches"],
                         {"bayramov": 0, "lavrov": 0})
        self.assertEqual(feed_entries(self, self.data, "changes"), [], "watch run writes it")

        t0 = time.time() - 3600
        files = releases(self.pages, 12, t0)
        s = self.pressarc_json("import", "--json", *files)
        self.assertEqual(s["indexed"], 12)
        # 0,2,4,6,8,10 minus the ru ones (2, 8): 0,4,6,10; ru: 2,5,8,11.
        self.assertEqual(s["watches"], {"bayramov": 4, "lavrov": 4})
        self.assertEqual(len(feed_entries(self, self.data, "bayramov")), 4)
        # The import rewrote the change log's feed: a `new` entry per release.
        self.assertEqual(len(set(feed_entries(self, self.data, "changes"))), 12)
        alert_files = sorted(os.listdir(self.alerts))
        self.assertEqual(len(alert_files), 2, alert_files)
        with open(os.path.join(self.alerts, [a for a in alert_files if a.startswith("bay")][0]),
                  encoding="utf-8") as f:
            alert = json.load(f)
        self.assertEqual((alert["watch"], alert["new"], len(alert["matches"])), ("bayramov", 4, 4))
        self.assertTrue(all(m["snippet"] for m in alert["matches"]))

        self.assertEqual(self.pressarc_json("watch", "run", "--json")["watches"],
                         {"bayramov": 0, "lavrov": 0})
        p = self.pressarc("reindex")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.pressarc_json("watch", "run", "--json")["watches"],
                         {"bayramov": 0, "lavrov": 0})

        # Edits: release 1 now mentions Bayramov (newly matches: reported once);
        # release 0 is edited but still matches (not reported again).
        page(self.pages, "p1.html", "https://watch.example.gov/news/1", "Statement 1",
             "Minister Bayramov met the ambassador again.", "en", t0 + 60)
        page(self.pages, "p0.html", "https://watch.example.gov/news/0", "Statement 0",
             "Minister Bayramov met the ambassador, a corrected text.", "en", t0 + 60)
        s = self.pressarc_json("import", "--json", os.path.join(self.pages, "p0.html"),
                               os.path.join(self.pages, "p1.html"))
        self.assertEqual(s["indexed"], 2)
        self.assertEqual(s["watches"], {"bayramov": 1, "lavrov": 0})
        self.assertEqual(self.pressarc_json("watch", "run", "--json")["watches"]["bayramov"], 0)

        ids = feed_entries(self, self.data, "bayramov")
        self.assertEqual(len(ids), 5)
        self.assertEqual(len(set(ids)), 5)
        shown = self.pressarc_json("watch", "show", "bayramov", "--json")
        self.assertEqual(shown["matches"], 5)
        self.assertEqual(shown["recent"][0]["url"], "https://watch.example.gov/news/1")
        listed = self.pressarc_json("watch", "list", "--json")["watches"]
        self.assertEqual([(w["name"], w["matches"]) for w in listed], [("bayramov", 5), ("lavrov", 4)])

        # A watch added now does not report what is already indexed.
        self.add("late", "Bayramov")
        self.assertEqual(self.pressarc_json("watch", "run", "--json")["watches"]["late"], 0)
        self.assertEqual(self.pressarc("watch", "rm", "late").returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(self.data, "feeds", "late.atom")))

    def test_kill_9_during_import_neither_loses_nor_repeats(self):
        self.add("bayramov", "Bayramov")
        n = 600
        files = releases(self.pages, n, time.time() - 3600)
        expected = sum(1 for i in range(n) if i % 2 == 0 and i % 3 != 2)
        # How long a whole import takes here, so that the kills land inside one.
        start = time.monotonic()
        run(["import", "--data", tmp_data_dir(), *files], check=True)
        whole = time.monotonic() - start
        killed = 0
        for delay in (0.2 * whole, 0.5 * whole, 0.8 * whole, 0.95 * whole):
            proc = subprocess.Popen([harness.pressarc_bin(), "import", "--config", self.cfg,
                                     "--data", self.data, *files],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            killed += proc.wait() == -signal.SIGKILL
            self.pressarc("watch", "run")  # may or may not see part of the import
        self.assertGreater(killed, 0)
        s = self.pressarc_json("import", "--json", *files)
        reported = s["watches"]["bayramov"]
        run_json_ = self.pressarc_json("watch", "run", "--json")
        self.assertEqual(run_json_["watches"]["bayramov"], 0)
        shown = self.pressarc_json("watch", "show", "bayramov", "--json", "--limit", "1000")
        self.assertEqual(shown["matches"], expected, reported)
        ids = [m["id"] for m in shown["recent"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(len(feed_entries(self, self.data, "bayramov")), min(expected, 100))

    def test_failing_or_slow_alert_command_is_logged_and_never_fails_the_job(self):
        for command, message in (("sleep 30", "timed out after 1 s"),
                                 ("exit 3", "exited with status 3")):
            with open(self.cfg, "w", encoding="utf-8") as f:
                f.write(f'[alerts]\ncommand = "{command}"\ntimeout_s = 1\n')
            self.data = tmp_data_dir()
            self.add("bayramov", "Bayramov")
            files = releases(tmp_data_dir(), 3, time.time() - 3600)
            start = time.monotonic()
            p = self.pressarc("import", "--json", *files)
            self.assertLess(time.monotonic() - start, 20)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(json.loads(p.stdout)["watches"], {"bayramov": 1})
            self.assertIn(message, p.stderr)
            # Delivered (or given up) once: the next run has nothing to send.
            p = self.pressarc("watch", "run")
            self.assertNotIn(message, p.stderr)


class WatchCrawlTest(unittest.TestCase):
    """Watches at the end of crawls of the fixture sites, in two rounds."""

    def test_crawl_summary_lists_new_matches_once(self):
        data = tmp_data_dir()
        with harness.FixtureServer() as srv:
            cfg = harness.write_config(os.path.join(tmp_data_dir(), "pressarc.toml"),
                                       srv.port_base, per_host_delay_ms=0, max_retries=0,
                                       revisit_after_hours=0)
            common = ["--config", cfg, "--data", data]
            for name, query in (("every-ru", ["--lang", "ru"]), ("every", ["--all", "--any",
                                                                           "lang:az", "lang:en",
                                                                           "lang:ru"])):
                p = run(["watch", "add", name, *query, *common])
                self.assertEqual(p.returncode, 0, p.stderr)
            p, first = harness.crawl(cfg, data)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertGreater(first["watches"]["every-ru"], 0)
            docs = run_json(["stats", "--json", *common])["documents"]
            self.assertEqual(first["watches"]["every"], docs)
            p, again = harness.crawl(cfg, data)
            self.assertEqual(again["watches"], {"every": 0, "every-ru": 0})
            srv.set_version(2)  # new and edited releases
            p, second = harness.crawl(cfg, data)
            self.assertEqual(p.returncode, 0, p.stderr)
        docs2 = run_json(["stats", "--json", *common])["documents"]
        # --all: every new document, once; edits of reported ones are not new.
        self.assertEqual(second["watches"]["every"], docs2 - docs)
        shown = run_json(["watch", "show", "every", "--json", "--limit", "100000", *common])
        ids = [m["id"] for m in shown["recent"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(len(ids), docs2)
        for name in ("every", "every-ru"):
            self.assertLessEqual(len(feed_entries(self, data, name, "http://")), 100)


if __name__ == "__main__":
    unittest.main()
