"""End-to-end: `pressarc import` (HTML and WARC), the index read by `quest`,
`reindex` under concurrent searches, and kill -9 during reindex.

The input is the fixture sites' article pages (tests/fixtures/sites), imported
as plain HTML files; the WARC files that import writes are then imported into
another data directory, so both input kinds are exercised.
"""

import glob
import gzip
import json
import os
import random
import re
import shutil
import signal
import subprocess
import tarfile
import threading
import time
import unittest

import harness
from harness import run, run_json, tmp_data_dir

QUEST = shutil.which("quest")
XAPIAN_CHECK = shutil.which("xapian-check")


def article_files(language=None):
    return [os.path.join(harness.SITES_DIR, p["path"])
            for p in harness.pages(kind="article", language=language)
            if p.get("status", 200) == 200]


def quest(data, query, extra=()):
    """Runs quest on DATA/index/current; returns (returncode, number of matches)."""
    p = subprocess.run([QUEST, "-d", os.path.join(data, "index", "current"), "-c", "100000",
                        *extra, query], capture_output=True, text=True, timeout=60)
    matches = None
    for line in p.stdout.splitlines():
        if line.startswith("Exactly "):
            matches = int(line.split()[1])
        elif line.startswith("Between ") or "estimate" in line:
            matches = int(line.rsplit(" ", 1)[-1]) if line.rsplit(" ", 1)[-1].isdigit() else matches
    return p.returncode, matches


def live_generation(data):
    with open(os.path.join(data, "index", "current"), encoding="utf-8") as f:
        return f.read().split()[1]


def check_index(test, data):
    gen = os.path.join(data, "index", live_generation(data))
    p = subprocess.run([XAPIAN_CHECK, gen], capture_output=True, text=True, timeout=120)
    test.assertEqual(p.returncode, 0, p.stdout + p.stderr)
    test.assertIn("No errors found", p.stdout)


def synthetic_pages(directory, n, seed=7):
    """n distinct az/ru/en article pages with their own canonical URLs."""
    rnd = random.Random(seed)
    az = ("Azərbaycan Respublikasının Xarici İşlər Nazirliyi bəyanat yayıb . Nazir Bayramov "
          "səfirlə görüşüb , əməkdaşlığın inkişafı və regional təhlükəsizlik məsələləri "
          "müzakirə olunub . Bakıda keçirilən tədbirdə ölkələrimiz arasında sülh").split()
    ru = ("Министерство иностранных дел России сообщает что Сергей Лавров провёл переговоры "
          "с министром , стороны обсудили сотрудничество и безопасность в регионе").split()
    en = ("The Ministry of Foreign Affairs announced that the minister met the ambassador and "
          "discussed cooperation , regional security and the peace process in Baku").split()
    os.makedirs(directory, exist_ok=True)
    paths = []
    for i in range(n):
        lang, words = [("az", az), ("ru", ru), ("en", en)][i % 3]
        paras = []
        for _ in range(5):
            paras.append("<p>" + " ".join(rnd.choice(words) for _ in range(60)) +
                         f" {lang}{i:05d}.</p>")
        html = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
                f'<title>Release {i}</title>'
                f'<link rel="canonical" href="https://bench.example.gov/{lang}/news/{i}">'
                f'<meta name="dcterms.issued" content="2023-0{1 + i % 9}-1{i % 10}">'
                f'</head><body><nav><a href="/">Home</a></nav><main><article>'
                f'<h1>Press release {i} {words[i % len(words)]}</h1>'
                f'<time datetime="2023-0{1 + i % 9}-1{i % 10}">2023</time>'
                + "".join(paras) + "</article></main><footer>© Ministry</footer></body></html>")
        path = os.path.join(directory, f"page{i:05d}.html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(html)
        paths.append(path)
    return paths


@unittest.skipUnless(QUEST and XAPIAN_CHECK, "needs xapian-tools (quest, xapian-check)")
class ImportReindexTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.files = article_files()
        if not cls.files:
            raise unittest.SkipTest("no fixture articles (tests/fixtures/sites not generated)")
        cls.data = tmp_data_dir()
        cls.summary = run_json(["import", "--json", "--data", cls.data, *cls.files])

    def test_import_html_summary_and_quest_reads_the_index(self):
        s = self.summary
        for key in ("files", "records", "articles", "indexed", "skipped", "errors"):
            self.assertIn(key, s)
        self.assertEqual(s["files"], len(self.files))
        self.assertGreater(s["articles"], 0)
        self.assertGreater(s["indexed"], 0)
        rc, n = quest(self.data, "lavrov")
        self.assertEqual(rc, 0)
        self.assertGreater(n or 0, 0)
        # Omega conventions: boolean filters quest understands.
        rc, n_az = quest(self.data, "lang:az", ["-b", "lang:L"])
        self.assertEqual(rc, 0)
        self.assertGreater(n_az or 0, 0)
        check_index(self, self.data)

    def test_import_is_idempotent(self):
        again = run_json(["import", "--json", "--data", self.data, *self.files])
        self.assertEqual(again["indexed"], 0)
        self.assertEqual(again["articles"], self.summary["articles"])

    def test_import_warc_written_by_import(self):
        warcs = sorted(glob.glob(os.path.join(self.data, "archive", "*.warc.gz")))
        self.assertTrue(warcs)
        other = tmp_data_dir()
        s = run_json(["import", "--json", "--data", other, *warcs])
        self.assertEqual(s["errors"], 0)
        self.assertEqual(s["indexed"], self.summary["indexed"])
        copied = glob.glob(os.path.join(other, "archive", "import-*.warc.gz"))
        self.assertEqual(len(copied), len(warcs))
        for src in warcs:  # verbatim copies
            name = os.path.basename(src)
            dst = [c for c in copied if c.endswith("-" + name)]
            self.assertEqual(len(dst), 1)
            with open(src, "rb") as a, open(dst[0], "rb") as b:
                self.assertEqual(a.read(), b.read())
        check_index(self, other)

    def test_bad_records_are_reported_and_skipped(self):
        warcs = sorted(glob.glob(os.path.join(self.data, "archive", "*.warc.gz")))
        with open(warcs[0], "rb") as f:
            good = f.read()
        bad_dir = tmp_data_dir()
        bad = os.path.join(bad_dir, "damaged.warc.gz")
        cut = len(good) // 2
        with open(bad, "wb") as f:
            f.write(good[:cut] + b"\x00garbage\xff" * 50 + good[cut:])
        plain = os.path.join(bad_dir, "junk.warc")
        with open(plain, "wb") as f:
            f.write(b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort")
        data = tmp_data_dir()
        p = run(["import", "--json", "--data", data, bad, plain, os.path.join(bad_dir, "missing.html")])
        # Bad records alone do not fail an import; files not imported at all do.
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("pressarc: 2 of 3 files were not imported", p.stderr)
        s = json.loads(p.stdout)
        self.assertEqual(s["rejected"], 2)
        self.assertGreater(s["errors"], 0)
        self.assertGreater(s["indexed"], 0)
        self.assertIn("pressarc:", p.stderr)
        check_index(self, data)
        # The damaged WARC is kept verbatim (its good records are data); the
        # file without one readable record is not put into the archive.
        archived = sorted(os.path.basename(a) for a in glob.glob(os.path.join(data, "archive", "import-*")))
        self.assertTrue(any(a.endswith("-damaged.warc.gz") for a in archived), archived)
        self.assertFalse(any(a.endswith("-junk.warc") for a in archived), archived)
        self.assertIn("junk.warc: not imported: not a readable WARC file", p.stderr)

    def test_a_file_that_is_not_a_warc_is_not_archived(self):
        bad_dir = tmp_data_dir()
        files = []
        for name, body in (("notes.warc", b"not a warc at all\n"), ("empty.warc.gz", b""),
                           ("random.warc.gz", bytes(range(256)) * 8)):
            files.append(os.path.join(bad_dir, name))
            with open(files[-1], "wb") as f:
                f.write(body)
        data = tmp_data_dir()
        p = run(["import", "--json", "--data", data, *files])
        self.assertEqual(p.returncode, 1, p.stderr)  # none could be imported
        self.assertEqual(json.loads(p.stdout)["errors"], 3)
        for name in ("notes.warc", "empty.warc.gz", "random.warc.gz"):
            self.assertIn(name + ": not imported", p.stderr)
        self.assertEqual(glob.glob(os.path.join(data, "archive", "import-*")), [])

    def test_files_that_are_neither_warc_nor_html_are_rejected(self):
        """Issue 15: binaries, archives and ARC files were archived as text/html."""
        bad_dir = tmp_data_dir()
        elf = os.path.join(bad_dir, "tool")
        shutil.copyfile("/bin/true", elf)
        rnd = os.path.join(bad_dir, "random.dat")
        with open(rnd, "wb") as f:
            f.write(random.Random(3).randbytes(4096))
        tgz = os.path.join(bad_dir, "pages.tar.gz")
        with tarfile.open(tgz, "w:gz") as t:
            t.add(self.files[0], arcname="page.html")
        arc = os.path.join(bad_dir, "old.arc")
        with open(arc, "wb") as f:
            f.write(b"filedesc://old.arc 0.0.0.0 20060101000000 text/plain 76\n1 0 InternetArchive\n"
                    b"URL IP-address Archive-date Content-type Archive-length\n\n")
        folder = os.path.join(bad_dir, "folder")
        os.mkdir(folder)
        data = tmp_data_dir()
        p = run(["import", "--json", "--data", data, elf, rnd, tgz, arc, folder, self.files[0]])
        self.assertEqual(p.returncode, 1, p.stderr)
        for path in (elf, rnd, tgz, arc):
            self.assertIn(f"pressarc: {path}: not a WARC or HTML file (skipped)", p.stderr)
        self.assertIn(f"pressarc: {folder}: is a directory (skipped)", p.stderr)
        s = json.loads(p.stdout)
        self.assertEqual((s["files"], s["rejected"], s["records"]), (1, 5, 1))
        # Only the HTML page is in the archive.
        archived = glob.glob(os.path.join(data, "archive", "*.warc*"))
        self.assertEqual(len(archived), 1, archived)
        with gzip.open(archived[0], "rb") as f:
            self.assertEqual(f.read().count(b"WARC-Type: resource"), 1)

    def test_same_warc_under_another_name_is_archived_once(self):
        """Issue 15: the copy was keyed on content hash and file name."""
        warcs = sorted(glob.glob(os.path.join(self.data, "archive", "*.warc.gz")))
        src_dir = tmp_data_dir()
        first = os.path.join(src_dir, "first.warc.gz")
        second = os.path.join(src_dir, "renamed.warc.gz")
        shutil.copyfile(warcs[0], first)
        shutil.copyfile(warcs[0], second)
        data = tmp_data_dir()
        a = run_json(["import", "--json", "--data", data, first])
        b = run_json(["import", "--json", "--data", data, second])
        self.assertEqual(b["records"], a["records"])
        self.assertEqual(b["indexed"], 0)
        copied = glob.glob(os.path.join(data, "archive", "import-*"))
        self.assertEqual(len(copied), 1, copied)
        r = run_json(["reindex", "--json", "--data", data])
        self.assertEqual(r["records"], a["records"])

    def test_heritrix_draft_warcs_are_imported(self):
        """WARC/0.17 and 0.18 (Heritrix 1.x) were rejected as garbage."""
        fixtures = os.path.join(harness.SOURCE_DIR, "tests", "fixtures", "warc")
        files = [os.path.join(fixtures, n) for n in ("heritrix-0.17.warc.gz", "heritrix-0.18.warc.gz")]
        data = tmp_data_dir()
        p = run(["import", "--json", "--data", data, *files])
        self.assertEqual(p.returncode, 0, p.stderr)
        s = json.loads(p.stdout)
        self.assertEqual((s["files"], s["records"], s["errors"]), (2, 14, 0), s)
        self.assertGreater(s["indexed"], 0)
        self.assertEqual(run_json(["reindex", "--json", "--data", data])["errors"], 0)
        # A version pressarc does not read is named.
        old = os.path.join(tmp_data_dir(), "old.warc")
        with open(old, "wb") as f:
            f.write(b"WARC/0.9 1234 response http://example.org/ 20060101000000 <urn:x> text/html\r\n\r\n")
        p = run(["import", "--data", data, old])
        self.assertEqual(p.returncode, 1)
        self.assertIn('unsupported WARC version "WARC/0.9', p.stderr)

    def test_reindex_rebuilds_the_same_documents(self):
        data = tmp_data_dir()
        s = run_json(["import", "--json", "--data", data, *self.files])
        rc, before = quest(data, "nazirliyi")
        gen_before = live_generation(data)
        r = run_json(["reindex", "--json", "--data", data])
        for key in ("records", "articles", "documents", "seconds", "generation"):
            self.assertIn(key, r)
        self.assertEqual(r["documents"], s["indexed"])
        self.assertNotEqual(r["generation"], gen_before)
        self.assertEqual(live_generation(data), r["generation"])
        self.assertFalse(os.path.exists(os.path.join(data, "index", gen_before)))
        rc, after = quest(data, "nazirliyi")
        self.assertEqual(rc, 0)
        self.assertEqual(before, after)
        check_index(self, data)


def generation_bytes(data):
    gen = os.path.join(data, "index", live_generation(data))
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(gen) for f in fs)


@unittest.skipUnless(QUEST and XAPIAN_CHECK, "needs xapian-tools (quest, xapian-check)")
class ImportCompactionTest(unittest.TestCase):

    def test_small_import_into_a_compacted_index_is_compacted_again(self):
        # reindex leaves a compacted index; pages added to it split its full
        # blocks, and the import compacts the index again when it grew well
        # beyond the new documents' share.
        data = tmp_data_dir()
        pages = synthetic_pages(os.path.join(tmp_data_dir(), "pages"), 240, seed=11)
        run_json(["import", "--json", "--data", data, *pages[:200]], timeout=600)
        run_json(["reindex", "--json", "--data", data], timeout=600)
        compacted, gen = generation_bytes(data), live_generation(data)
        s = run_json(["import", "--json", "--data", data, *pages[200:]], timeout=600)
        self.assertEqual(s["indexed"], 40)
        self.assertNotEqual(live_generation(data), gen)
        self.assertFalse(os.path.exists(os.path.join(data, "index", gen)))
        self.assertLessEqual(generation_bytes(data), compacted * 240 / 200 * 4 / 3)
        rc, matches = quest(data, "bayramov OR lavrov OR ministry")
        self.assertEqual(rc, 0)
        self.assertEqual(matches, 240)
        check_index(self, data)


@unittest.skipUnless(QUEST and XAPIAN_CHECK, "needs xapian-tools (quest, xapian-check)")
class ReindexConcurrencyTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.data = tmp_data_dir()
        pages_dir = os.path.join(tmp_data_dir(), "pages")
        cls.n = 200
        cls.files = synthetic_pages(pages_dir, cls.n)
        s = run_json(["import", "--json", "--data", cls.data, *cls.files], timeout=600)
        assert s["indexed"] == cls.n, s

    def test_searches_during_reindex_see_old_or_new_never_partial(self):
        stop = threading.Event()
        results = []

        def searcher():
            while not stop.is_set():
                results.append(quest(self.data, "bayramov OR lavrov OR ministry"))

        threads = [threading.Thread(target=searcher) for _ in range(2)]
        for t in threads:
            t.start()
        try:
            for _ in range(2):
                run_json(["reindex", "--json", "--data", self.data], timeout=600)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertTrue(results)
        for rc, n in results:
            self.assertEqual(rc, 0)
            self.assertEqual(n, self.n)
        check_index(self, self.data)

    def test_kill_9_during_reindex_leaves_live_index_and_rerun_completes(self):
        for delay in (0.3, 0.8, 1.5):
            gen = live_generation(self.data)
            p = subprocess.Popen([harness.pressarc_bin(), "reindex", "--data", self.data],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait()
            rc, n = quest(self.data, "bayramov OR lavrov OR ministry")
            self.assertEqual(rc, 0)
            self.assertEqual(n, self.n, f"after kill at {delay}s")
            check_index(self, self.data)
            self.assertIn(live_generation(self.data), (gen, _next_gen(gen)))
        r = run_json(["reindex", "--json", "--data", self.data], timeout=600)
        self.assertEqual(r["documents"], self.n)
        left = [d for d in os.listdir(os.path.join(self.data, "index"))
                if d.startswith("gen-") and d != r["generation"]]
        self.assertEqual(left, [])
        check_index(self, self.data)

    def test_kill_9_during_an_import_into_a_small_index_leaves_it_and_rerun_completes(self):
        # 10 documents live, 200 pages coming: the import builds a new
        # generation (OpenForBulkAdd) and swaps it in only at the end.
        data = tmp_data_dir()
        pages = synthetic_pages(os.path.join(tmp_data_dir(), "pages"), 210, seed=5)
        run_json(["import", "--json", "--data", data, *pages[:10]], timeout=600)
        for delay in (0.3, 1.0):
            gen = live_generation(data)
            p = subprocess.Popen([harness.pressarc_bin(), "import", "--data", data, *pages[10:]],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait()
            rc, n = quest(data, "bayramov OR lavrov OR ministry")
            self.assertEqual(rc, 0)
            self.assertIn(n, (10, 210), f"after kill at {delay}s")
            if n == 10:
                self.assertEqual(live_generation(data), gen)
            check_index(self, data)
        s = run_json(["import", "--json", "--data", data, *pages[10:]], timeout=600)
        self.assertEqual(s["errors"], 0)
        rc, n = quest(data, "bayramov OR lavrov OR ministry")
        self.assertEqual((rc, n), (0, 210))
        left = [d for d in os.listdir(os.path.join(data, "index"))
                if d.startswith("gen-") and d != live_generation(data)]
        self.assertEqual(left, [])
        check_index(self, data)


def _next_gen(gen):
    return "gen-%06d" % (int(gen.split("-")[1]) + 1)


class ReindexKeepsSourceNamesTest(unittest.TestCase):
    """The archive names each page's source (the Pressarc-Source field), so
    reindex, with whatever config it finds or none, labels every document as
    the import or crawl that archived it did. Each command runs in an empty
    directory: no ./pressarc.toml is found unless given."""

    def setUp(self):
        self.cwd = tmp_data_dir("pressarc-nocfg-")

    def sources(self, data):
        p = run(["stats", "--json", "--data", data], cwd=self.cwd)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)["sources"]

    def csv_rows(self, data, query):
        p = run(["search", "--data", data, "--format", "csv", "--all", "--limit", "1000", query],
                cwd=self.cwd)
        self.assertEqual(p.returncode, 0, p.stderr)
        return len(p.stdout.splitlines()) - 1  # the header row

    def urls(self, data, source):
        p = run(["search", "--data", data, "--format", "jsonl", "--all", "--limit", "1000",
                 "source:" + source], cwd=self.cwd)
        self.assertEqual(p.returncode, 0, p.stderr)
        return {json.loads(line)["url"] for line in p.stdout.splitlines() if line.strip()}

    def archived_sources(self, data):
        names = set()
        for path in glob.glob(os.path.join(data, "archive", "*.warc.gz")):
            with gzip.open(path, "rb") as f:
                names.update(re.findall(rb"\r\nPressarc-Source: ([^\r]*)\r\n", f.read()))
        return {n.decode() for n in names}

    def test_import_source_survives_reindex_without_config(self):
        data = tmp_data_dir()
        files = article_files()
        s = run_json(["import", "--json", "--data", data, "--source", "mfa-az", *files],
                     cwd=self.cwd)
        self.assertGreater(s["indexed"], 0)
        self.assertEqual(self.sources(data), {"mfa-az": s["indexed"]})
        self.assertEqual(self.csv_rows(data, "source:mfa-az"), s["indexed"])
        self.assertEqual(self.archived_sources(data), {"mfa-az"})
        run_json(["reindex", "--json", "--data", data], cwd=self.cwd)
        self.assertEqual(self.sources(data), {"mfa-az": s["indexed"]})
        self.assertEqual(self.csv_rows(data, "source:mfa-az"), s["indexed"])

    def test_crawled_source_names_survive_reindex_without_config(self):
        data = tmp_data_dir()
        with harness.FixtureServer() as srv:
            cfg = harness.write_config(os.path.join(tmp_data_dir(), "demo.toml"), srv.port_base,
                                       per_host_delay_ms=0)
            p, summary = harness.crawl(cfg, data, "--max-pages", "60")
            self.assertEqual(p.returncode, 0, p.stderr)
        crawled = self.sources(data)
        self.assertGreaterEqual(len(crawled), 2, crawled)
        self.assertTrue(set(crawled) <= {"mfa", "republisher", "mid"}, crawled)
        self.assertTrue(set(crawled) <= self.archived_sources(data))
        urls = {name: self.urls(data, name) for name in crawled}
        # Without the config: every page keeps its source. (The config's
        # `article` patterns are not there to turn pages away, so reindex may
        # index a page the crawl did not: compare the crawl's pages only.)
        run_json(["reindex", "--json", "--data", data], cwd=self.cwd)
        self.assertEqual(set(self.sources(data)), set(crawled))
        for name in crawled:
            self.assertLessEqual(urls[name], self.urls(data, name), name)
        # With the config again: exactly what the crawl indexed.
        run_json(["reindex", "--json", "--data", data, "--config", cfg], cwd=self.cwd)
        self.assertEqual(self.sources(data), crawled)

if __name__ == "__main__":
    unittest.main()
