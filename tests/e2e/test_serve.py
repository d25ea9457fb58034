"""End-to-end: `pressarc serve` over a crawled fixture archive.

One crawl of the fixture sites into a fresh data directory, then the real
binary serves it on a free loopback port: pages, the JSON API (the same JSON
as `search --json` and `show --json`), the archived original (rewritten,
sandboxed), status codes for bad and unknown requests, hostile queries
escaped, feeds, and a clean stop on SIGTERM. A second archive, made by
importing two versions of one page, serves its versions (word diffs), its
history JSON and the change log, each equal to the CLI's JSON.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import unittest
import urllib.parse

from harness import FixtureServer, crawl, pressarc_bin, run, tmp_data_dir, write_config


def start_server(data):
    """Starts `pressarc serve` on a free port; returns (process, "HOST:PORT")."""
    p = subprocess.Popen([pressarc_bin(), "serve", "--data", data, "--listen", "127.0.0.1:0"],
                         stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    line = p.stderr.readline()
    m = re.search(r"http://(127\.0\.0\.1:\d+)/", line)
    if not m:
        p.kill()
        raise AssertionError(f"serve did not say where it listens: {line!r}")
    return p, m.group(1)


def stop_server(cls):
    """Kills the server a test class started (its own: a classmethod borrowed
    from another class would stop that class's server instead)."""
    if getattr(cls, "proc", None) and cls.proc.poll() is None:
        cls.proc.kill()
        cls.proc.wait()
    if getattr(cls, "proc", None):
        cls.proc.stderr.close()


class ServeEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = tmp_data_dir()
        with FixtureServer() as srv:
            cfg = write_config(os.path.join(tmp_data_dir(), "serve.toml"), srv.port_base,
                               per_host_delay_ms=0)
            p, _ = crawl(cfg, cls.data)
        if p.returncode != 0:
            raise unittest.SkipTest(f"crawl failed (exit {p.returncode}): {p.stderr[-500:]}")
        cls.proc, cls.where = start_server(cls.data)

    @classmethod
    def tearDownClass(cls):
        stop_server(cls)

    def get(self, path, method="GET"):
        host, port = self.where.split(":")
        c = http.client.HTTPConnection(host, int(port), timeout=30)
        c.request(method, path)
        r = c.getresponse()
        body = r.read().decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        return r.status, headers, body

    def search_json_cli(self, *args):
        p = run(["search", "--data", self.data, "--json", *args])
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def test_search_page_shows_results_with_highlights_facets_and_lang(self):
        status, headers, body = self.get("/?q=Lavrov")
        self.assertEqual(status, 200)
        self.assertIn("text/html", headers["content-type"])
        self.assertIn("default-src 'none'", headers["content-security-policy"])
        self.assertIn('<html lang="en">', body)
        self.assertIn("<mark>", body)
        self.assertRegex(body, r'<article class="hit" lang="(az|en|ru)">')
        self.assertIn("Matches per month", body)
        self.assertRegex(body, r'href="/\?q=Lavrov&amp;source=')
        self.assertNotIn("<script", body)

    def test_paging_and_did_you_mean_are_links(self):
        status, _, body = self.get("/?q=Lavrov")
        m = re.search(r'<a rel="next" href="([^"]+)"', body)
        self.assertIsNotNone(m, "a next-page link")
        status, _, page2 = self.get(m.group(1).replace("&amp;", "&"))
        self.assertEqual(status, 200)
        self.assertIn("results, 11–", page2)
        self.assertIn('rel="prev"', page2)
        status, _, body = self.get("/?q=Bayramv")
        self.assertEqual(status, 200)
        self.assertRegex(body, r'Did you mean <a href="/\?q=Bayramov">Bayramov</a>')

    def test_api_search_is_the_cli_json(self):
        status, headers, body = self.get("/api/search?q=Lavrov&limit=5")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        web = json.loads(body)
        cli = self.search_json_cli("--limit", "5", "Lavrov")
        self.assertEqual([r["id"] for r in web["results"]], [r["id"] for r in cli["results"]])
        self.assertEqual(web["total"], cli["total"])
        self.assertEqual(web["results"][0]["snippet"], cli["results"][0]["snippet"])

    def test_api_article_is_show_json_and_pages_link_up(self):
        hit = self.search_json_cli("Lavrov")["results"][0]
        status, _, body = self.get("/api/articles/" + hit["id"])
        self.assertEqual(status, 200)
        shown = run(["show", "--data", self.data, "--json", hit["id"]])
        self.assertEqual(json.loads(body), json.loads(shown.stdout))
        status, _, page = self.get("/articles/" + hit["id"])
        self.assertEqual(status, 200)
        self.assertIn(f'href="/archive/{hit["id"]}"', page)

    def test_archived_original_is_rewritten_and_sandboxed(self):
        hit = self.search_json_cli("Lavrov")["results"][0]
        status, headers, body = self.get(f"/archive/{hit['id']}")
        self.assertEqual(status, 200)
        # The older name of the route answers the same.
        self.assertEqual(self.get(f"/articles/{hit['id']}/original")[2], body)
        csp = headers["content-security-policy"]
        self.assertIn("sandbox", csp)
        self.assertIn("default-src 'none'", csp)
        self.assertNotIn("<script", body.lower())
        for ref in re.findall(r'(?:href|src)="([^"]*)"', body):
            self.assertTrue(ref.startswith("/archive/") or ref.startswith("#")
                            or ref.startswith("data:"), ref)
        self.assertNotRegex(body, r"(?i)<link[^>]+rel=\"?(preconnect|dns-prefetch|prefetch)")

    def test_exact_words_find_fewer_or_equal_matches(self):
        folded = self.search_json_cli("--limit", "50", "Azerbaycan")
        exact = self.search_json_cli("--limit", "50", "--exact", "Azerbaycan")
        self.assertLessEqual(exact["total"], folded["total"])
        status, _, body = self.get("/?q=Azerbaycan&exact=1")
        self.assertEqual(status, 200)
        self.assertIn('name="exact" value="1" checked', body)

    def test_bad_requests_are_400_with_the_cli_message(self):
        cases = {
            "/?q=" + urllib.parse.quote('"unclosed'): "unbalanced quote",
            "/?q=x&from=2023-02-30": "is not a date",
            "/?q=x&sort=sideways": "--sort",
            "/?q=x&limit=abc": "is not a number",
            "/api/search?q=" + urllib.parse.quote("foo:bar"): "unknown prefix",
        }
        for path, message in cases.items():
            with self.subTest(path=path):
                status, _, body = self.get(path)
                self.assertEqual(status, 400, body[:300])
                self.assertIn(message, body)

    def test_unknown_paths_are_404_and_other_methods_405(self):
        for path in ["/nope", "/articles/zzz", "/articles/0123456789abcdef",
                     "/feeds/..%2Fstate.sqlite", "/feeds/none.atom", "/api/articles/x"]:
            with self.subTest(path=path):
                self.assertEqual(self.get(path)[0], 404)
        status, headers, _ = self.get("/", method="POST")
        self.assertEqual(status, 405)
        self.assertEqual(headers["allow"], "GET, HEAD")
        self.assertEqual(self.get("/?q=Lavrov", method="HEAD")[0], 200)

    def test_hostile_query_is_escaped(self):
        q = '"><img src=x onerror=alert(1)><script>alert(1)</script>\u202e'
        status, _, body = self.get("/?q=" + urllib.parse.quote(q))
        self.assertIn(status, (200, 400))
        self.assertNotIn("<script>alert", body)
        self.assertNotIn("<img src=x", body)
        self.assertNotIn("\u202e", body)

    def test_feeds_are_served_from_the_data_directory(self):
        os.makedirs(os.path.join(self.data, "feeds"), exist_ok=True)
        with open(os.path.join(self.data, "feeds", "covid.atom"), "w") as f:
            f.write('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>')
        status, headers, body = self.get("/feeds/covid.atom")
        self.assertEqual(status, 200)
        self.assertIn("application/atom+xml", headers["content-type"])
        self.assertIn("<feed", body)

    def test_keeps_serving_across_reindex(self):
        before = json.loads(self.get("/api/search?q=Lavrov")[2])
        stub = os.path.join(self.data, "index", "current")
        with open(stub) as f:
            gen_before = f.read()
        p = run(["reindex", "--data", self.data])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(stub) as f:
            self.assertNotEqual(f.read(), gen_before)
        status, _, body = self.get("/api/search?q=Lavrov")
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["total"], before["total"])

    def test_stops_cleanly_on_sigterm(self):
        p, where = start_server(self.data)
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=10), 0)
        p.stderr.close()


class ServeVersionsEndToEnd(unittest.TestCase):
    """Two imported versions of one page (as in test_history.py), served."""

    URL = "https://example.org/news/1"

    @classmethod
    def setUpClass(cls):
        d = tmp_data_dir()
        page = ('<html lang="en"><head><link rel="canonical" href="https://example.org/news/1">'
                '</head><body><article><h1>{title}</h1><time datetime="2024-04-30">30 April 2024'
                '</time><p>The minister said that {n} people took part in the talks on regional '
                'security held in the capital on Tuesday, and that the sides agreed to meet again.'
                '</p><p>{extra}The sides also discussed the agenda of bilateral relations.</p>'
                '</article></body></html>')
        versions = [(dict(title="Talks held", n=25, extra=""), 1714550400),
                    (dict(title="Talks &lt;held&gt; &amp; \u202eclosed", n=26,
                          extra="&lt;script&gt;alert(1)&lt;/script&gt; New words. "), 1714723200)]
        cls.data = os.path.join(d, "data")
        for i, (fields, mtime) in enumerate(versions):
            f = os.path.join(d, f"v{i}.html")
            with open(f, "w", encoding="utf-8") as out:
                out.write(page.format(**fields))
            os.utime(f, (mtime, mtime))
            p = run(["import", "--data", cls.data, f])
            if p.returncode != 0:
                raise unittest.SkipTest(f"import failed: {p.stderr[-500:]}")
        cls.proc, cls.where = start_server(cls.data)
        cls.id = json.loads(run(["show", "--data", cls.data, "--json", cls.URL]).stdout)["id"]

    @classmethod
    def tearDownClass(cls):
        stop_server(cls)

    get = ServeEndToEnd.get

    def cli_json(self, *args):
        p = run([args[0], "--data", self.data, *args[1:]])
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def test_article_page_shows_versions_with_marked_word_diffs(self):
        status, _, body = self.get(f"/articles/{self.id}")
        self.assertEqual(status, 200)
        self.assertIn('<h2 id="versions">Versions (2)</h2>', body)
        self.assertIn("2024-05-01T08:00:00Z", body)
        self.assertIn("<del>25</del> <ins>26</ins>", body)
        self.assertIn("<ins>", body)
        self.assertNotIn("<script>alert", body)
        self.assertNotIn("\u202e", body)
        self.assertIn("&lt;held&gt;", body)  # the changed title, escaped
        self.assertIn('href="/changes"', body)

    def test_api_history_is_the_cli_json(self):
        status, headers, body = self.get(f"/api/articles/{self.id}/history")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        self.assertEqual(json.loads(body), self.cli_json("history", "--format", "json", self.id))
        self.assertEqual(self.get("/api/articles/0123456789abcdef/history")[0], 404)
        self.assertEqual(self.get("/api/articles/nope/history")[0], 404)

    def test_api_changes_is_the_cli_json_with_the_same_filters(self):
        for params, flags in [("", []), ("?kind=edited", ["--kind", "edited"]),
                              ("?since=2024-05-02&source=nosuch", ["--since", "2024-05-02",
                                                                   "--source", "nosuch"])]:
            with self.subTest(params=params):
                status, _, body = self.get("/api/changes" + params)
                self.assertEqual(status, 200)
                self.assertEqual(json.loads(body),
                                 self.cli_json("changes", "--format", "json", *flags))
        self.assertEqual(len(json.loads(self.get("/api/changes?kind=edited")[2])), 1)

    def test_changes_page_lists_events_newest_first_linking_articles(self):
        status, _, body = self.get("/changes")
        self.assertEqual(status, 200)
        links = re.findall(r'<h2><a href="(/articles/[0-9a-f]{16}[^"]*)"', body)
        self.assertEqual(links, [f"/articles/{self.id}#v2", f"/articles/{self.id}"])
        self.assertIn('kind-edited">edited</span>', body)
        self.assertNotIn("<script>alert", body)
        status, _, body = self.get("/changes?kind=new")
        self.assertEqual(len(re.findall(r'class="event"', body)), 1)
        self.assertIn('value="new" checked', body)

    def test_bad_change_filters_are_400_with_the_cli_message(self):
        for param, flag in [("since=yesterday", "--since=yesterday"),
                            ("kind=moved", "--kind=moved")]:
            cli = run(["changes", "--data", self.data, flag])
            self.assertEqual(cli.returncode, 2)
            message = cli.stderr.splitlines()[0].removeprefix("pressarc: ")
            for path in ["/changes?", "/api/changes?"]:
                with self.subTest(path=path + param):
                    status, _, body = self.get(path + param)
                    self.assertEqual(status, 400, body[:300])
                    self.assertIn(message.replace("'", "&#39;") if path == "/changes?"
                                  else message, body)


if __name__ == "__main__":
    unittest.main()


class ServeCacheEndToEnd(unittest.TestCase):
    """The response cache (on by default) never outlives a change of the index."""

    PAGE = ('<html lang="en"><head><link rel="canonical" href="{url}"></head><body><article>'
            '<h1>{title}</h1><time datetime="2024-05-0{day}">'
            '{day} May 2024</time><p>{text} The sides agreed to meet again in the autumn and to '
            'continue the dialogue on regional security and transport.</p></article></body>'
            '</html>')

    @classmethod
    def setUpClass(cls):
        cls.dir = tmp_data_dir()
        cls.data = os.path.join(cls.dir, "data")
        cls.import_page("first.html", "https://example.org/news/first", 1, "Talks held",
                        "The minister met the delegation in the capital.")
        cls.proc, cls.where = start_server(cls.data)

    @classmethod
    def import_page(cls, name, url, day, title, text):
        f = os.path.join(cls.dir, name)
        with open(f, "w", encoding="utf-8") as out:
            out.write(cls.PAGE.format(url=url, title=title, day=day, text=text))
        p = run(["import", "--data", cls.data, f])
        if p.returncode != 0:
            raise AssertionError(f"import failed: {p.stderr[-500:]}")

    @classmethod
    def tearDownClass(cls):
        stop_server(cls)

    get = ServeEndToEnd.get

    def test_search_page_shows_an_import_right_after_it_finished(self):
        path = "/?q=Zanzibar"
        status, headers, body = self.get(path)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("x-cache"), "miss")
        self.assertNotIn("Zanzibar ferry", body)
        status, headers, again = self.get(path)
        self.assertEqual(headers.get("x-cache"), "hit")  # the cache is on
        self.assertEqual(again, body)
        self.import_page("second.html", "https://example.org/news/second", 2, "Zanzibar ferry",
                         "A ferry line to Zanzibar opens next week.")
        status, headers, body = self.get(path)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("x-cache"), "miss")
        self.assertIn("Zanzibar ferry", body)
        api = json.loads(self.get("/api/search?q=Zanzibar")[2])
        self.assertEqual([r["title"] for r in api["results"]], ["Zanzibar ferry"])

    def test_stop_reports_the_cache_hits(self):
        p, where = start_server(self.data)
        host, port = where.split(":")
        for _ in range(3):
            c = http.client.HTTPConnection(host, int(port), timeout=30)
            c.request("GET", "/?q=minister")
            c.getresponse().read()
            c.close()
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=10), 0)
        tail = p.stderr.read()
        p.stderr.close()
        self.assertIn("response cache: 2 hits, 1 misses", tail)
