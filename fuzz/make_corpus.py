#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ from the fixtures and
the unit tests' inputs (run from the repository root; the output is
committed, so this only needs rerunning when the fixtures change). Each seed
is in the input format the target's header comment describes (most start
with a mode byte)."""
import glob, gzip, hashlib, os, re, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")
MAX = 24000  # bytes per seed: the corpora stay small
MAX_SEEDS = 40  # per target


def rd(p):
    with open(os.path.join(ROOT, p), "rb") as f:
        return f.read()


def put(target, data, limit=MAX):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if len(os.listdir(d)) >= MAX_SEEDS:
        return
    data = data[:limit]
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def strings(path):
    """The C++ string literals of a test file (simple "..." ones)."""
    src = rd(path).decode("utf-8")
    out = []
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', src):
        s = m.group(1).replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
        out.append(s.encode("utf-8"))
    return out


shutil.rmtree(OUT, ignore_errors=True)
pages = sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/sites/**/*.html"), recursive=True) +
               glob.glob(os.path.join(ROOT, "tests/fixtures/pages/**/*.html"), recursive=True))

# extract: mode byte 0x18 (hints + URL) or 0x00, then the page.
for i, p in enumerate(pages[::4]):
    put("extract", (b"\x18" if i % 2 == 0 else b"\x00") + open(p, "rb").read())

# query: even first byte a query, odd a document's stored data.
for q in ["Lavrov", "IŞIQ OR Istanbul", '"xarici işlər" -Bakı', "nazir* AND NOT (Лавров OR Lavrov)",
          "title:Lavrov source:mfa lang:az site:a.example 2023..2024", "Захаровой Bakı OR Gəncə",
          "a NEAR/3 b", "2023-05..", "-=EAR/2a NEAR/6 1b"]:
    put("query", b"\x00" + q.encode())
put("query", b'\x01url=https://x/\ncaption=C\npressarc={"title":"A\\u0259","text":"t","archive":{"file":"f","offset":3}}\n')

# warc: mode byte (bit 0: gzip the rest first), then a WARC file.
for p in glob.glob(os.path.join(ROOT, "tests/fixtures/warc/*.warc*")):
    data = open(p, "rb").read()
    put("warc", b"\x00" + data, 1 << 16)
    if p.endswith(".warc"):
        put("warc", b"\x01" + data, 1 << 16)
        put("warc", b"\x00" + data[: len(data) // 2])  # a torn last record

# http: mode byte (coding to try), then a response block.
plain = rd("tests/fixtures/warc/wget-small-1.0.warc")
for block in re.findall(rb"(HTTP/1\.[01] .*?)(?=\r\n\r\nWARC/|\Z)", plain, re.S):
    put("http", b"\x04" + block)
body = "<html><title>Xəbər</title>Лавров</html>".encode()
put("http", b"\x00HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: text/html\r\n\r\n" + gzip.compress(body))
put("http", b"\x04HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX: y\r\n\r\n")
put("http", b"\x02HTTP/1.0 301 Moved\r\nLocation: /x\r\nContent-Length: 3\r\n\r\nabc")
put("http", b"\x00HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n\r\n" + __import__("zlib").compress(body))

# robots: the fixture sites' robots.txt and the unit tests' strings; BODY\0PATH.
for p in glob.glob(os.path.join(ROOT, "tests/fixtures/sites/**/robots.txt"), recursive=True):
    put("robots", open(p, "rb").read() + b"\x00/az/news/no1?x=1")
for s in strings("tests/crawler/robots_test.cc"):
    if b"\n" in s or b":" in s:
        put("robots", s)

# url: BASE\0HREF from the URL tests.
src = rd("tests/parser/url_test.cc").decode()
for base, href in re.findall(r'\{"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"', src)[:60]:
    put("url", base.encode() + b"\x00" + href.encode())

# feeds: the fixture sitemaps and RSS, a gzip sitemap, Atom, a sitemap index.
for p in (glob.glob(os.path.join(ROOT, "tests/fixtures/sites/**/*.xml"), recursive=True)):
    put("feeds", open(p, "rb").read())
put("feeds", gzip.compress(rd("tests/fixtures/sites/mfa/sitemap.xml")))
for s in strings("tests/crawler/feeds_test.cc"):
    if s.lstrip().startswith(b"<"):
        put("feeds", s)

# dates: the date tests' strings (az/ru/en, machine dates).
for s in strings("tests/parser/dates_test.cc"):
    if re.search(rb"\d", s):
        put("dates", s)

# config: the shipped configuration files and the config tests' TOML.
for p in ["pressarc.toml", "config/demo.toml"] + sorted(glob.glob(os.path.join(ROOT, "config/sources/*.toml"))):
    put("config", rd(p) if not os.path.isabs(p) else open(p, "rb").read())
for s in strings("tests/config/config_test.cc"):
    if b"=" in s and (b"[" in s or b"\n" in s):
        put("config", s)

# web: mode byte (method), then PATH?QUERY.
for t in ["/?q=Lavrov", "/?q=Lavrov&lang=az&limit=5&offset=2&sort=date", "/api/search?q=%22xarici%20i%C5%9Fl%C9%99r%22",
          "/api/search?q=Bak%C4%B1&from=2023-01-01&to=2024&source=mfa&any=1", "/changes?since=7d&kind=edited&limit=3",
          "/api/changes?since=2024-01-01&source=mfa", "/articles/0123456789abcdef", "/api/articles/0123456789ABCDEF/history",
          "/articles/0123456789abcdef/original", "/feeds/covid.atom", "/feeds/../state.sqlite", "/static/style.css",
          "/?q=a+NEAR%2F3+b", "/nothing"]:
    put("web", b"\x00" + t.encode())
put("web", b"\x02/")

# sniff: the heads of pages, a PDF, text, a BOM.
for p in pages[::8]:
    put("sniff", open(p, "rb").read()[:512])
for s in [b"%PDF-1.4\n", b"\xef\xbb\xbf<!DOCTYPE html>", b"  \n<html", b"plain text", b"<?xml version='1.0'?><rss/>"]:
    put("sniff", s)

# diff: BEFORE\0AFTER from the v1/v2 fixture pages' text.
for v2 in glob.glob(os.path.join(ROOT, "tests/fixtures/sites/*/v2/**/*.html"), recursive=True)[:12]:
    v1 = v2.replace("/v2/", "/")
    if os.path.exists(v1):
        strip = lambda b: re.sub(rb"<[^>]*>", b" ", b)[:3000]
        put("diff", strip(open(v1, "rb").read()) + b"\x00" + strip(open(v2, "rb").read()))
put("diff", "Nazir Bayramov Bakıda.\n\nİkinci abzas.\x00Nazir Ceyhun Bayramov Bakıda idi.\n\nİkinci abzas.".encode())
