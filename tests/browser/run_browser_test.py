"""Runs the browser test (serve.mjs) against `pressarc serve` over a fixture archive.

Crawls the fixture sites, imports tests/browser/hostile.html (script in the
title, live-web references everywhere) and two versions of one page (an
edited release, for the versions section and the change log), starts `pressarc serve` on a free
loopback port and runs headless Chromium through puppeteer-core. Screenshots
go to $PRESSARC_SCREENSHOTS (default: build/browser-screenshots).

Exit 77 (CTest's skip code) with a message when Chromium, node or
tests/browser/node_modules is missing (scripts/bootstrap.sh installs
Chromium; scripts/test.sh runs npm ci here).
"""

import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))

from harness import FixtureServer, crawl, pressarc_bin, run, tmp_data_dir, write_config  # noqa: E402

SKIP = 77

# One release in two versions: a number changed, a paragraph added.
EDITED_PAGE = (
    '<html lang="en"><head><link rel="canonical" href="https://edited.example/news/1"></head>'
    '<body><article><h1>Regional security talks held in Baku</h1>'
    '<time datetime="2024-04-30">30 April 2024</time><p>The minister said that {people} '
    'delegations took part in the talks on regional security held in the capital on Tuesday, '
    'and that the sides agreed to meet again in the autumn.</p>{extra}<p>The sides also '
    'discussed the agenda of bilateral relations, transport corridors and trade, and exchanged '
    'views on international issues of mutual interest.</p></article></body></html>')


def main():
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        print(f"SKIP: no Chromium at {chromium} (apt-get install chromium, or set CHROMIUM)")
        return SKIP
    if shutil.which("node") is None:
        print("SKIP: node is not installed (scripts/bootstrap.sh)")
        return SKIP
    if not os.path.isdir(os.path.join(HERE, "node_modules", "puppeteer-core")):
        print("SKIP: puppeteer-core is not installed (cd tests/browser && npm ci)")
        return SKIP

    data = tmp_data_dir("pressarc-browser-")
    with FixtureServer() as srv:
        cfg = write_config(os.path.join(tmp_data_dir(), "browser.toml"), srv.port_base,
                           per_host_delay_ms=0)
        p, _ = crawl(cfg, data)
    if p.returncode != 0:
        print(f"crawl failed (exit {p.returncode}): {p.stderr[-500:]}")
        return 1
    p = run(["import", "--data", data, "--source", "hostile", os.path.join(HERE, "hostile.html")])
    if p.returncode != 0:
        print(f"import of the hostile page failed (exit {p.returncode}): {p.stderr[-500:]}")
        return 1

    for i, (people, extra, mtime) in enumerate([(25, "", 1714550400),
                                                (26, "<p>The ministers also signed a memorandum "
                                                 "on energy cooperation.</p>", 1714723200)]):
        f = os.path.join(tmp_data_dir(), f"edited-v{i}.html")
        with open(f, "w", encoding="utf-8") as out:
            out.write(EDITED_PAGE.format(people=people, extra=extra))
        os.utime(f, (mtime, mtime))
        p = run(["import", "--data", data, "--source", "edited", f])
        if p.returncode != 0:
            print(f"import of an edited page failed (exit {p.returncode}): {p.stderr[-500:]}")
            return 1

    server = subprocess.Popen([pressarc_bin(), "serve", "--data", data, "--listen", "127.0.0.1:0"],
                              stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        m = re.search(r"http://(127\.0\.0\.1:\d+)/", server.stderr.readline())
        if not m:
            print("serve did not say where it listens")
            return 1
        shots = os.environ.get("PRESSARC_SCREENSHOTS") or os.path.join(
            os.getcwd(), "browser-screenshots")
        env = dict(os.environ, CHROMIUM=chromium)
        for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            env.pop(var, None)
        t = subprocess.run(["node", os.path.join(HERE, "serve.mjs"), "http://" + m.group(1), shots],
                           env=env, timeout=120)
        print(f"screenshots in {shots}")
        return t.returncode
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()


if __name__ == "__main__":
    sys.exit(main())
