"""End-to-end: `pressarc search`, `show` and `stats` against a crawled fixture archive.

One crawl of the fixture sites (mfa az/en/ru, the republisher, mid) into a fresh
data directory, then the binary is run as users and scripts run it: JSON fields
of the contract, filters, ranges, sort order, folding of the republished copy,
translations, CSV read by Python's csv module, and exit codes 1 and 2.
"""

import csv
import io
import json
import os
import unittest

from harness import FixtureServer, crawl, pages, run, tmp_data_dir, write_config

RESULT_FIELDS = ["rank", "id", "url", "title", "published", "language", "source", "snippet",
                 "score"]
START_RELEASE = "no09723"  # 28 Feb 2023, Bayramov and Lavrov, az/en/ru + a republished copy


def search(data, *args):
    p = run(["search", "--data", data, *args])
    return p


def search_json(data, *args):
    p = search(data, "--json", *args)
    if p.returncode != 0:
        raise AssertionError(f"search {args} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


class SearchEndToEnd(unittest.TestCase):
    data = None

    @classmethod
    def setUpClass(cls):
        cls.data = tmp_data_dir()
        with FixtureServer() as srv:
            cfg = write_config(os.path.join(tmp_data_dir(), "search.toml"), srv.port_base,
                               per_host_delay_ms=0)
            p, summary = crawl(cfg, cls.data)
        if p.returncode != 0:
            raise unittest.SkipTest(f"crawl failed (exit {p.returncode}): {p.stderr[-500:]}")
        stats = json.loads(run(["stats", "--data", cls.data, "--json"]).stdout or "{}")
        if not stats.get("documents"):
            raise unittest.SkipTest("the crawl indexed nothing; nothing to search")
        cls.stats = stats

    # --- JSON shape and filters -------------------------------------------------

    def test_json_has_the_contract_fields(self):
        out = search_json(self.data, "Lavrov")
        self.assertEqual(set(["query", "total", "results", "suggestion"]) - set(out), set())
        self.assertEqual(out["query"], "Lavrov")
        self.assertGreater(out["total"], 0)
        self.assertTrue(out["results"])
        for i, r in enumerate(out["results"], 1):
            for field in RESULT_FIELDS:
                self.assertIn(field, r)
            self.assertEqual(r["rank"], i)
            self.assertRegex(r["id"], r"^[0-9a-f]{16}$")
            self.assertTrue(r["url"].startswith("http://"))
            self.assertIn("copies", r)
            self.assertIn("translations", r)

    def test_language_and_source_filters(self):
        for lang in ("az", "en", "ru"):
            out = search_json(self.data, "--lang", lang, "--limit", "100")
            self.assertTrue(out["results"], lang)
            self.assertTrue(all(r["language"] == lang for r in out["results"]), lang)
        out = search_json(self.data, "source:mid", "--limit", "100")
        self.assertTrue(out["results"])
        self.assertTrue(all(r["source"] == "mid" for r in out["results"]))
        # A query made only of filters counts every document that passes them.
        by_source = self.stats["sources"]
        self.assertEqual(search_json(self.data, "--source", "mid", "--all")["total"],
                         by_source.get("mid"))

    def test_date_range_is_inclusive(self):
        out = search_json(self.data, "2023-02-28..2023-02-28", "--all", "--limit", "100")
        self.assertTrue(out["results"])
        for r in out["results"]:
            self.assertTrue(r["published"].startswith("2023-02-28"), r)
        self.assertTrue(any(START_RELEASE in r["url"] for r in out["results"]))
        # The day before and after are excluded, the bounds included.
        wider = search_json(self.data, "2023-02-27..2023-03-01", "--all", "--limit", "100")
        self.assertGreaterEqual(wider["total"], out["total"])
        by_year = search_json(self.data, "2023..2023", "--all", "--limit", "1000")
        self.assertTrue(all(r["published"].startswith("2023") for r in by_year["results"]))
        from_to = search_json(self.data, "--from", "2023-02-28", "--to", "2023-02-28", "--all",
                              "--limit", "100")
        self.assertEqual({r["url"] for r in from_to["results"]},
                         {r["url"] for r in out["results"]})

    def test_sort_newest_and_oldest(self):
        newest = search_json(self.data, "--lang", "en", "--sort", "newest", "--limit", "100")
        dates = [r["published"][:10] for r in newest["results"] if r["published"]]
        self.assertEqual(dates, sorted(dates, reverse=True))
        oldest = search_json(self.data, "--lang", "en", "--sort", "oldest", "--limit", "100")
        dates = [r["published"][:10] for r in oldest["results"] if r["published"]]
        self.assertEqual(dates, sorted(dates))
        undated = [i for i, r in enumerate(oldest["results"]) if not r["published"]]
        if undated:
            self.assertEqual(undated, list(range(len(oldest["results"]) - len(undated),
                                                 len(oldest["results"]))))

    # --- folding and translations -----------------------------------------------

    def test_republished_copy_is_folded_into_the_original(self):
        copy = next(p for p in pages(kind="article", site="republisher")
                    if p.get("duplicate_of", "").find(START_RELEASE) >= 0)
        folded = search_json(self.data, "Bayramov Lavrov", "--lang", "az", "--limit", "50")
        urls = [r["url"] for r in folded["results"]]
        self.assertFalse(any(u.endswith(copy["url_path"]) for u in urls), urls)
        original = next(r for r in folded["results"] if START_RELEASE in r["url"])
        self.assertTrue(any(c["url"].endswith(copy["url_path"]) for c in original["copies"]),
                        original["copies"])
        for c in original["copies"]:
            self.assertEqual(set(c) >= {"url", "source", "language"}, True)
        every = search_json(self.data, "Bayramov Lavrov", "--lang", "az", "--all", "--limit", "50")
        self.assertTrue(any(r["url"].endswith(copy["url_path"]) for r in every["results"]))

    def test_translations_are_listed(self):
        out = search_json(self.data, "Lavrov", "--lang", "en", "--limit", "50")
        hit = next((r for r in out["results"] if START_RELEASE in r["url"]), None)
        self.assertIsNotNone(hit, [r["url"] for r in out["results"]])
        langs = {t["language"] for t in hit["translations"]}
        self.assertEqual(langs, {"az", "ru"})
        for t in hit["translations"]:
            self.assertIn(START_RELEASE, t["url"])

    def test_suggestion_for_a_misspelt_word(self):
        out = search_json(self.data, "Bayramovv")
        if out["total"] == 0:
            self.assertIsNotNone(out["suggestion"])
        good = search_json(self.data, "Bayramov")
        self.assertIsNone(good["suggestion"])

    # --- other formats ------------------------------------------------------------

    def test_csv_is_read_by_the_csv_module(self):
        p = search(self.data, "--format", "csv", "--limit", "30", "Azərbaycan")
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = list(csv.DictReader(io.StringIO(p.stdout, newline="")))
        for field in ("url", "title", "published", "language", "source"):
            self.assertIn(field, rows[0])
        js = search_json(self.data, "--limit", "30", "Azərbaycan")
        self.assertEqual([r["url"] for r in rows], [r["url"] for r in js["results"]])
        self.assertEqual([r["title"] for r in rows], [r["title"] for r in js["results"]])

    def test_jsonl_is_one_result_per_line(self):
        p = search(self.data, "--format", "jsonl", "--limit", "5", "Lavrov")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertTrue(lines)
        for i, line in enumerate(lines, 1):
            self.assertEqual(json.loads(line)["rank"], i)

    def test_text_output_has_no_ansi_when_piped(self):
        p = search(self.data, "Lavrov")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("1. ", p.stdout)
        self.assertNotIn("\x1b[", p.stdout)

    # --- show and stats -----------------------------------------------------------

    def test_show_by_id_and_by_url(self):
        hit = search_json(self.data, "Lavrov", "--lang", "ru")["results"][0]
        p = run(["show", "--data", self.data, "--json", hit["id"]])
        self.assertEqual(p.returncode, 0, p.stderr)
        art = json.loads(p.stdout)
        for field in ("url", "canonical_url", "title", "published", "language", "text", "source",
                      "translation_key", "translations", "copies", "archive"):
            self.assertIn(field, art)
        self.assertEqual(art["canonical_url"], hit["url"])
        self.assertTrue(art["archive"]["file"])
        self.assertIsInstance(art["archive"]["offset"], int)
        by_url = json.loads(run(["show", "--data", self.data, "--json", hit["url"]]).stdout)
        self.assertEqual(by_url["canonical_url"], hit["url"])

    def test_stats_counts_add_up(self):
        s = self.stats
        self.assertEqual(sum(s["sources"].values()), s["documents"])
        self.assertEqual(sum(s["languages"].values()), s["documents"])
        self.assertGreater(s["archive"]["bytes"], 0)
        self.assertGreater(s["archive"]["files"], 0)
        self.assertIn("last_crawl", s)

    # --- errors ---------------------------------------------------------------------

    def assertError(self, p, code):
        self.assertEqual(p.returncode, code, (p.stdout, p.stderr))
        lines = p.stderr.strip().splitlines()
        self.assertTrue(lines and lines[0].startswith("pressarc: "), p.stderr)
        self.assertLessEqual(len(lines), 2, p.stderr)
        self.assertNotIn("terminate called", p.stderr)

    def test_excluded_words_with_or_without_the_separator(self):
        # "-word" excludes; "--" (as the hint says) ends the options anywhere,
        # also after words, and what follows it is query text even if it
        # looks like an option.
        want = search_json(self.data, "Lavrov", "-Bayramov")["total"]
        self.assertLess(want, search_json(self.data, "Lavrov")["total"])
        for args in (["Lavrov", "--", "-Bayramov"], ["--", "Lavrov", "-Bayramov"],
                     ["--", "-Bayramov", "Lavrov"]):
            with self.subTest(args=args):
                self.assertEqual(search_json(self.data, *args)["total"], want)
        self.assertEqual(search_json(self.data, "--", "--limit")["query"], "--limit")

    def test_malformed_queries_exit_2(self):
        for args in (['"unbalanced quote'], ["foo:bar"], ["(open"], ["--from", "2023-02-30", "x"],
                     ["--to", "yesterday", "x"], ["2023-02-30..2023-03-01"], ["a..b"], []):
            with self.subTest(args=args):
                self.assertError(search(self.data, *args), 2)
        self.assertError(search(self.data, "--sort", "sideways", "x"), 2)
        self.assertError(search(self.data, "--limit", "many", "x"), 2)

    def test_missing_or_empty_data_dir_exit_1(self):
        missing = os.path.join(tmp_data_dir(), "nothing-here")
        p = search(missing, "Lavrov")
        self.assertError(p, 1)
        self.assertIn("no index yet", p.stderr)
        self.assertError(search(tmp_data_dir(), "Lavrov"), 1)
        # Usage errors win over the missing index.
        self.assertError(search(missing, '"open'), 2)

    def test_show_unknown_exit_1(self):
        self.assertError(run(["show", "--data", self.data, "http://127.0.0.1:9/none"]), 1)
        self.assertError(run(["show", "--data", self.data, "0123456789abcdef"]), 1)


if __name__ == "__main__":
    unittest.main()
