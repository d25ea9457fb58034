"""Tests of the fixture sites and the fixture HTTP server themselves."""

import gzip
import html
import html.parser
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import unittest
import urllib.parse
import zlib

from harness import (DEMO_TOML, FIXTURES_DIR, SITES_DIR, FixtureServer, manifest, pages,
                     read_fixture, tmp_data_dir, write_config)

def article(site, language, **match):
    for p in pages("article", site, language):
        if all(p.get(k) == v for k, v in match.items()):
            return p
    raise LookupError((site, language, match))


class ManifestTest(unittest.TestCase):
    def test_has_enough_articles_in_three_sites(self):
        arts = pages("article")
        self.assertGreaterEqual(len(arts), 60)
        self.assertGreaterEqual(len(pages("article", "mfa")), 25)
        self.assertGreater(len(pages("article", "republisher")), 5)
        self.assertGreater(len(pages("article", "mid")), 5)
        for lang in ("az", "en", "ru"):
            self.assertTrue(pages("article", language=lang), lang)

    def test_every_page_has_the_contract_fields_and_its_file(self):
        fields = ["site", "path", "url_path", "kind", "title", "published", "language",
                  "translation_key", "canonical_path", "text_must_contain", "duplicate_of"]
        for p in manifest()["pages"] + manifest()["version2"]["pages"]:
            for f in fields:
                self.assertIn(f, p, p["path"])
            self.assertIn(p["kind"], ("article", "listing", "challenge", "not_found", "other"))
            self.assertTrue(os.path.isfile(os.path.join(SITES_DIR, p["path"])), p["path"])
            if p["kind"] == "article" and not p.get("empty_body"):
                self.assertTrue(p["text_must_contain"], p["path"])

    def test_starting_release_exists_in_three_languages_and_is_republished(self):
        start = [p for p in pages("article", "mfa") if p.get("starting_release")]
        self.assertEqual(sorted(p["language"] for p in start), ["az", "en", "ru"])
        az = next(p for p in start if p["language"] == "az")
        self.assertEqual(az["published"], "2023-02-28")
        self.assertIn("Rusiya-Azərbaycan Ekspert Şurasının iclası", az["title"])
        copies = [p for p in pages("article", "republisher") if p["duplicate_of"] == az["path"]]
        self.assertEqual(len(copies), 1)
        self.assertIn("fb-root", read_fixture(copies[0]).decode("utf-8"))
        self.assertGreaterEqual(
            len([p for p in pages("article", "republisher") if p["duplicate_of"]]), 3)

    def test_boilerplate_never_in_expected_text(self):
        bp = manifest()["boilerplate_strings"]
        self.assertIn("You must enable Javascript on your browser for the site to work optimally"
                      " and display sections completely.", bp)
        self.assertIn("Paylaş", bp)
        for p in pages("article"):
            for s in p["text_must_contain"]:
                for b in bp:
                    self.assertNotIn(b, s, p["path"])

    def test_translation_keys_link_languages(self):
        by_key = {}
        for p in pages("article", "mfa"):
            by_key.setdefault(p["translation_key"], set()).add(p["language"])
        self.assertTrue(any(len(v) == 3 for v in by_key.values()))
        self.assertTrue(any(len(v) == 1 for v in by_key.values()))
        self.assertTrue(any(len(v) == 2 for v in by_key.values()))

    def test_feeds_and_sitemap_are_well_formed_xml(self):
        import xml.etree.ElementTree as ET
        formats = {}
        for f in manifest()["feeds"]:
            root = ET.parse(os.path.join(SITES_DIR, f["path"])).getroot()
            formats[f["url_path"]] = root.tag
        self.assertEqual(formats["/rss.xml"], "rss")
        self.assertEqual(formats["/ru/rss"], "{http://www.w3.org/2005/Atom}feed")
        self.assertEqual(formats["/sitemap.xml"],
                         "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset")
        self.assertNotIn("/ru/news/rss", formats)
        sitemap = ET.parse(os.path.join(SITES_DIR, "mfa", "sitemap.xml")).getroot()
        alt = sitemap.findall(".//{http://www.w3.org/1999/xhtml}link[@hreflang='ru']")
        self.assertTrue(alt)
        rss = ET.parse(os.path.join(SITES_DIR, "republisher", "rss.xml")).getroot()
        self.assertTrue(rss.findall(".//{http://search.yahoo.com/mrss/}content"))
        self.assertRegex(rss.find(".//item/pubDate").text,
                         r"^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0400$")

    def test_generator_reproduces_identical_bytes(self):
        p = subprocess.run([sys.executable, os.path.join(FIXTURES_DIR, "generate.py"),
                            "--check"], capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)


class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.log_file = os.path.join(tmp_data_dir(), "requests.jsonl")
        cls.srv = FixtureServer(faults=True, log_file=cls.log_file).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        assert cls.srv.stderr() == "", cls.srv.stderr()

    def setUp(self):
        self.srv.set_version(1)

    def test_every_manifest_page_is_served_as_written(self):
        for p in manifest()["pages"]:
            r = self.srv.get(p["site"], p["url_path"])
            self.assertEqual(r.status, p["status"], p["url_path"])
            self.assertEqual(r.body, self.srv.rewrite(read_fixture(p)), p["url_path"])

    def test_absolute_urls_name_the_real_ports(self):
        r = self.srv.get("mfa", "/robots.txt")
        self.assertIn(f"Sitemap: {self.srv.url('mfa', '/sitemap.xml')}", r.body.decode())
        if self.srv.port_base != 18080:
            self.assertNotIn(b"127.0.0.1:18081", self.srv.get("mfa", "/sitemap.xml").body)

    def test_conditional_get_with_etag_and_last_modified_gives_304(self):
        path = article("mfa", "az", starting_release=True)["url_path"]
        r = self.srv.get("mfa", path)
        self.assertEqual(r.status, 200)
        etag, lm = r.header("ETag"), r.header("Last-Modified")
        self.assertTrue(etag.startswith('"') and not etag.startswith("W/"))
        self.assertTrue(lm)
        r2 = self.srv.get("mfa", path, headers={"If-None-Match": etag})
        self.assertEqual((r2.status, r2.body), (304, b""))
        self.assertEqual(r2.header("ETag"), etag)
        self.assertEqual(self.srv.get("mfa", path, headers={"If-Modified-Since": lm}).status, 304)
        self.assertEqual(self.srv.get("mfa", path, headers={"If-None-Match": '"other"'}).status,
                         200)
        old = "Mon, 01 Jan 2018 00:00:00 GMT"
        self.assertEqual(self.srv.get("mfa", path, headers={"If-Modified-Since": old}).status,
                         200)

    def test_gzip_when_accepted(self):
        path = "/az/news?page=1"
        plain = self.srv.get("mfa", path)
        z = self.srv.get("mfa", path, headers={"Accept-Encoding": "gzip, deflate"})
        self.assertEqual(z.header("Content-Encoding"), "gzip")
        self.assertIsNone(plain.header("Content-Encoding"))
        self.assertEqual(gzip.decompress(z.body), plain.body)
        self.assertLess(len(z.body), len(plain.body))
        self.assertNotEqual(z.header("ETag"), plain.header("ETag"))
        for tag in (z.header("ETag"), plain.header("ETag")):
            self.assertEqual(self.srv.get("mfa", path, headers={
                "If-None-Match": tag, "Accept-Encoding": "gzip"}).status, 304)

    def test_head_has_headers_without_body(self):
        g = self.srv.get("republisher", "/rss.xml")
        h = self.srv.get("republisher", "/rss.xml", method="HEAD")
        self.assertEqual(h.status, 200)
        self.assertEqual(h.body, b"")
        self.assertEqual(h.header("Content-Length"), str(len(g.body)))
        self.assertEqual(h.header("ETag"), g.header("ETag"))

    def test_alias_redirects_permanently_to_canonical(self):
        p = article("mfa", "en", starting_release=True)
        r = self.srv.get("mfa", f"/en/news/{p['translation_key']}")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.header("Location"), self.srv.url("mfa", p["url_path"]))

    def test_duplicate_url_forms_serve_the_same_page(self):
        p = article("mfa", "az", starting_release=True)
        base = self.srv.get("mfa", p["url_path"]).body
        self.assertEqual(self.srv.get("mfa", p["url_path"] + "/").body, base)
        self.assertEqual(self.srv.get("mfa", p["url_path"] + "?utm_source=x&utm_medium=y").body,
                         base)

    def test_bitrix_site_redirects_to_the_trailing_slash_form(self):
        r = self.srv.get("mid", "/ru/foreign_policy/news/1856003?utm_source=x")
        self.assertEqual((r.status, r.header("Location")),
                         (301, "/ru/foreign_policy/news/1856003/?utm_source=x"))
        self.assertEqual(self.srv.get("mid", "/ru/foreign_policy/news/1856003/").status, 200)
        self.assertEqual(self.srv.get("mid", "/ru/nowhere").status, 404)

    def test_listing_past_the_end_is_empty_with_200(self):
        r = self.srv.get("mfa", "/az/news?page=99")
        self.assertEqual(r.status, 200)
        second = r.body.decode().split('<div class="section_content">', 1)[1]
        self.assertNotIn("section_newsIn_item", second.split('<div class="pagination">')[0])

    def test_content_types_and_charsets(self):
        self.assertEqual(self.srv.get("mid", "/ru/foreign_policy/news/1856006/")
                         .header("Content-Type"), "text/html")
        conflict = self.srv.get("mid", "/ru/foreign_policy/news/1856007/")
        self.assertEqual(conflict.header("Content-Type"), "text/html; charset=utf-8")
        with self.assertRaises(UnicodeDecodeError):
            conflict.body.decode("utf-8")
        self.assertIn("Лавров", conflict.body.decode("cp1251"))
        self.assertTrue(self.srv.get("mid", "/ru/rss").header("Content-Type")
                        .startswith("application/atom+xml"))

    def test_request_log_records_every_request(self):
        self.srv.reset_log()
        self.srv.get("mid", "/ru/rss", headers={"User-Agent": "pressarc-test"})
        self.srv.get("republisher", "/nope")
        log = self.srv.log()
        self.assertEqual([(e["site"], e["path"], e["status"]) for e in log],
                         [("mid", "/ru/rss", 200), ("republisher", "/nope", 404)])
        self.assertEqual(log[0]["headers"]["User-Agent"], "pressarc-test")
        self.assertEqual(log[0]["port"], self.srv.port("mid"))
        self.assertEqual(log[0]["method"], "GET")
        self.assertTrue(log[0]["time"])
        with open(self.log_file, encoding="utf-8") as f:
            lines = [json.loads(x) for x in f]
        self.assertEqual(lines[-1]["path"], "/nope")
        self.srv.reset_log()
        self.assertEqual(self.srv.log(), [])

    def test_version_two_adds_and_changes_pages_and_back(self):
        v2 = manifest()["version2"]["pages"]
        new_mfa = [p for p in v2 if p["site"] == "mfa" and p["kind"] == "article"
                   and not p.get("changed_in_version")]
        changed = [p for p in v2 if p.get("changed_in_version")]
        new_rep = [p for p in v2 if p["site"] == "republisher" and p["kind"] == "article"]
        self.assertEqual(len({p["translation_key"] for p in new_mfa}), 3)
        self.assertEqual(len(changed), 1)
        self.assertEqual(len(new_rep), 1)
        first = self.srv.get("mfa", "/az/news?page=1").body
        before = self.srv.get("mfa", changed[0]["url_path"])
        self.assertEqual(self.srv.get("mfa", new_mfa[0]["url_path"]).status, 404)
        self.srv.set_version(2)
        try:
            listing = self.srv.get("mfa", "/az/news?page=1").body.decode()
            for p in new_mfa:
                if p["language"] == "az":
                    self.assertIn(p["url_path"], listing)
                self.assertEqual(self.srv.get("mfa", p["url_path"]).status, 200)
            after = self.srv.get("mfa", changed[0]["url_path"])
            self.assertNotEqual(after.header("ETag"), before.header("ETag"))
            self.assertEqual(self.srv.get("mfa", changed[0]["url_path"], headers={
                "If-None-Match": before.header("ETag")}).status, 200)
            self.assertIn(changed[0]["text_must_contain"][-1], after.body.decode())
            self.assertEqual(self.srv.get("republisher", new_rep[0]["url_path"]).status, 200)
            self.assertIn(new_rep[0]["url_path"],
                          self.srv.get("republisher", "/rss.xml").body.decode())
            # Unchanged articles keep their ETag.
            p = article("mid", "ru", translation_key="1856003")
            self.assertEqual(self.srv.get("mid", p["url_path"]).body,
                             self.srv.rewrite(read_fixture(p)))
        finally:
            self.srv.set_version(1)
        self.assertEqual(self.srv.get("mfa", "/az/news?page=1").body, first)

    def test_versions_three_and_four_edit_take_down_restore_and_rotate_boilerplate(self):
        m = manifest()
        planted = m["version3"]["planted"] + m["version4"]["planted"]
        self.assertEqual(sorted(p["change"] for p in planted if p["kind"] == "edited"),
                         ["date", "figure", "sentence", "title"])
        self.assertEqual(sorted(p["change"] for p in planted if p["kind"] == "removed"),
                         ["404", "404", "410", "redirect_home", "soft_404"])
        restored = [p for p in planted if p["kind"] == "restored"]
        self.assertEqual(len(restored), 1)
        art = article("mfa", "en", translation_key="no09723")
        first = self.srv.get("mfa", art["url_path"])
        self.srv.set_version(3)
        try:
            a = self.srv.get("mfa", art["url_path"])
            b = self.srv.get("mfa", art["url_path"])
            self.assertNotEqual(a.body, b.body, "new boilerplate on every request")
            self.assertNotEqual(a.body, first.body)
            self.assertNotEqual(a.header("ETag"), b.header("ETag"))
            self.assertEqual(self.srv.get("mfa", art["url_path"], headers={
                "If-None-Match": a.header("ETag")}).status, 200)
            def words(body):  # only markup and white space change inside the text
                return " ".join(re.sub(r"<[^>]+>", " ", body.decode()).split())

            for phrase in art["text_must_contain"]:
                self.assertIn(html.escape(phrase, quote=False), words(b.body))
            status = {"404": 404, "410": 410, "redirect_home": 302, "soft_404": 200}
            for p in planted:
                got = self.srv.get("mfa", p["url_path"])
                if p["kind"] == "removed":
                    self.assertEqual(got.status, status[p["change"]], p)
                    if p["change"] == "redirect_home":
                        self.assertEqual(got.header("Location"), self.srv.url("mfa", "/"))
                    if p["change"] == "soft_404":
                        self.assertIn("Page not found", got.body.decode())
                elif p["kind"] == "edited" and p["change"] != "date":
                    self.assertIn(html.escape(p["after"], quote=False), words(got.body))
            self.assertEqual(self.srv.get("mfa", restored[0]["url_path"]).status, 404)
            self.srv.set_version(4)
            self.assertEqual(self.srv.get("mfa", restored[0]["url_path"]).status, 200)
            self.assertEqual(self.srv.get("mfa", "/__admin/version?n=5").status, 400)
        finally:
            self.srv.set_version(1)
        self.assertEqual(self.srv.get("mfa", art["url_path"]).body, first.body,
                         "version 1 does not rotate")

    def test_traps_and_legacy_redirects(self):
        loop = self.srv.get("mid", "/ru/redirect-loop/a/")
        self.assertEqual(loop.status, 302)
        self.assertEqual(self.srv.get("mid", loop.header("Location")).header("Location"),
                         "/ru/redirect-loop/a/")
        off = self.srv.get("republisher", "/go/?url=http%3A%2F%2F127.0.0.9%3A9%2F")
        self.assertEqual((off.status, off.header("Location")), (302, "http://127.0.0.9:9/"))
        legacy = [t for t in manifest()["traps"] if t["kind"] == "legacy_redirect"][0]
        r = self.srv.get("mid", legacy["url_path"])
        self.assertEqual((r.status, r.header("Location")), (301, legacy["location"]))
        cal = self.srv.get("mid", "/ru/press_service/calendar/?date=2031-12-31").body.decode()
        self.assertIn("?date=2032-01-01", cal)

    def test_fault_statuses_and_retry_after(self):
        self.srv.reset_faults()
        self.assertEqual(self.srv.get("faults", "/error/500").status, 500)
        self.assertEqual(self.srv.get("faults", "/error/500").status, 500)
        seq = [self.srv.get("faults", "/error/503-twice") for _ in range(3)]
        self.assertEqual([r.status for r in seq], [503, 503, 200])
        self.assertEqual(seq[0].header("Retry-After"), "1")
        seq = [self.srv.get("faults", "/error/429-once") for _ in range(2)]
        self.assertEqual([r.status for r in seq], [429, 200])
        self.assertEqual(seq[0].header("Retry-After"), "1")
        self.assertEqual(self.srv.get("faults", "/loop/a").header("Location"), "/loop/b")
        self.assertEqual(self.srv.get("faults", "/loop/b").header("Location"), "/loop/a")
        self.assertEqual(self.srv.get("faults", "/offsite").header("Location"),
                         "http://127.0.0.9:9/never")
        robots = self.srv.get("faults", "/robots.txt").body.decode()
        self.assertIn("Disallow: /private/", robots)
        index = self.srv.get("faults", "/").body.decode()
        for f in manifest()["faults"]:
            self.assertIn(f'href="{f["url_path"]}"', index)

    def test_wrong_content_types_and_invalid_utf8(self):
        pdf = self.srv.get("faults", "/wrong-type/pdf-as-html")
        self.assertTrue(pdf.body.startswith(b"%PDF-"))
        self.assertTrue(pdf.header("Content-Type").startswith("text/html"))
        png = self.srv.get("faults", "/wrong-type/html-as-png")
        self.assertEqual(png.header("Content-Type"), "image/png")
        self.assertIn(b"<h1>", png.body)
        bad = self.srv.get("faults", "/invalid-utf8")
        with self.assertRaises(UnicodeDecodeError):
            bad.body.decode("utf-8")

    def test_slow_response_exceeds_a_short_timeout(self):
        start = time.monotonic()
        with self.assertRaises((socket.timeout, TimeoutError)):
            self.srv.get("faults", "/slow", timeout=1)
        self.assertLess(time.monotonic() - start, 3)

    def test_truncated_and_reset_bodies_are_incomplete(self):
        for path in ("/truncated", "/reset"):
            conn = http.client.HTTPConnection("127.0.0.1", self.srv.port("faults"), timeout=5)
            conn.request("GET", path)
            resp = conn.getresponse()
            announced = int(resp.getheader("Content-Length"))
            with self.assertRaises((http.client.IncompleteRead, ConnectionResetError), msg=path):
                resp.read()
            conn.close()
            self.assertGreater(announced, 10000)

    def test_slow_drip_sends_a_few_bytes_at_a_time(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port("faults"), timeout=5)
        conn.request("GET", "/drip")
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        start = time.monotonic()
        got = resp.read(48)
        self.assertEqual(len(got), 48)
        self.assertGreater(time.monotonic() - start, 0.3)
        conn.close()

    def test_huge_body_and_gzip_bomb(self):
        h = self.srv.get("faults", "/huge", method="HEAD")
        self.assertEqual(int(h.header("Content-Length")), 20 * 1024 * 1024)
        self.assertTrue(h.header("ETag") and h.header("Last-Modified"))
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port("faults"), timeout=10)
        conn.request("GET", "/gzip-bomb")
        resp = conn.getresponse()
        self.assertEqual(resp.getheader("Content-Encoding"), "gzip")
        compressed = int(resp.getheader("Content-Length"))
        self.assertLess(compressed, 2 * 1024 * 1024)
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = d.decompress(resp.read(64 * 1024), 256 * 1024 * 1024)
        self.assertGreater(len(out), 32 * 1024 * 1024)  # >500:1 already on the first 64 KiB
        conn.close()


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "link"):
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


class ReachabilityTest(unittest.TestCase):
    """A miniature crawler over the demo config: every manifest article is reachable
    from the start URLs within the allow patterns, robots rules and max_depth, the
    calendar trap is bounded by depth, and nothing outside the sites is contacted."""

    def test_every_article_is_reachable_from_the_start_urls(self):
        with FixtureServer() as srv:
            cfg_path = write_config(os.path.join(tmp_data_dir(), "c.toml"), srv.port_base)
            with open(cfg_path, "rb") as f:
                cfg = tomllib.load(f)
            max_depth = cfg["crawler"]["max_depth"]
            disallow = {}
            for site in ("mfa", "republisher", "mid"):
                rules = srv.get(site, "/robots.txt").body.decode()
                disallow[srv.port(site)] = [
                    re.escape(line.split(":", 1)[1].strip()).replace(r"\*", ".*")
                    for line in rules.split("User-agent: BadBot")[0].splitlines()
                    if line.startswith("Disallow:")]
            found = set()
            for source in cfg["sources"]:
                allow = [re.compile(p) for p in source["allow"]]
                article = [re.compile(p) for p in source["article"]]
                queue = [(u, 0) for u in source["start_urls"] + source.get("feeds", [])]
                seen = {u for u, _ in queue}
                while queue:
                    url, depth = queue.pop(0)
                    parts = urllib.parse.urlsplit(url)
                    self.assertEqual(parts.hostname, "127.0.0.1", url)
                    path = parts.path + ("?" + parts.query if parts.query else "")
                    r = srv.request(next(s for s in srv.sites if srv.port(s) == parts.port),
                                    path)
                    if r.status in (301, 302):
                        target = urllib.parse.urljoin(url, r.header("Location"))
                        links = [target]
                    elif r.status == 200:
                        body = r.body.decode("utf-8", "replace")
                        if any(p.search(url) for p in article):
                            found.add(re.sub(r"[?#].*$", "", url).rstrip("/") + "/")
                        p = _Links()
                        p.feed(body)
                        links = [urllib.parse.urljoin(url, h) for h in p.hrefs]
                        links += re.findall(r"<(?:link|loc)>([^<]+)</", body)
                        links += re.findall(r'<link[^>]+href="([^"]+)"', body)
                    else:
                        continue
                    for link in links:
                        link = html.unescape(link).split("#")[0]
                        lp = urllib.parse.urlsplit(link)
                        if link in seen or not any(a.search(link) for a in allow):
                            continue
                        lpath = lp.path + ("?" + lp.query if lp.query else "")
                        if any(re.match(d, lpath) for d in disallow.get(lp.port, [])):
                            continue
                        if depth + 1 > max_depth:
                            continue
                        seen.add(link)
                        queue.append((link, depth + 1))
                self.assertLess(len(seen), 1000, source["name"])
            for p in pages("article"):
                url = srv.url(p["site"], p["url_path"]).rstrip("/") + "/"
                self.assertIn(url, found, p["url_path"])


class RobotsModeTest(unittest.TestCase):
    def test_robots_5xx_and_404_modes(self):
        for mode, status in (("5xx", 503), ("404", 404)):
            with FixtureServer(robots_mode=mode) as srv:
                for site in ("mfa", "republisher", "mid"):
                    self.assertEqual(srv.get(site, "/robots.txt").status, status, (mode, site))
                self.assertEqual(srv.get("mfa", "/az/news").status, 200)


class HarnessTest(unittest.TestCase):
    def test_write_config_moves_ports_and_overrides_crawler_keys(self):
        path = write_config(os.path.join(tmp_data_dir(), "c.toml"), 30000, sources=["mfa", "mid"],
                            per_host_delay_ms=0, max_retries=1, respect_robots=False,
                            data_dir="/tmp/x")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertNotIn("127.0.0.1:1808", text)
        self.assertNotIn(r"127\.0\.0\.1:1808", text)
        self.assertIn("http://127.0.0.1:30001/az/news", text)
        self.assertIn(r"^http://127\.0\.0\.1:30001/(az|en|ru)/news", text)
        self.assertIn("per_host_delay_ms = 0\n", text)
        self.assertIn("max_retries = 1\n", text)
        self.assertIn("respect_robots = false\n", text)
        self.assertIn('data_dir = "/tmp/x"', text)
        self.assertIn('name = "mid"', text)
        self.assertNotIn('name = "republisher"', text)
        self.assertIn("[sources.extract]", text)
        added = write_config(os.path.join(tmp_data_dir(), "d.toml"), 30000, warc_max_bytes=70000)
        with open(added, encoding="utf-8") as f:
            self.assertIn("[crawler]\nwarc_max_bytes = 70000\n", f.read())


if __name__ == "__main__":
    unittest.main()
