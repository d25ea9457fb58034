"""The crawler's address policy and redirect schemes, end to end. Traffic goes to
loopback only: a small server on 127.0.0.1 whose pages link and redirect to
127.0.0.2 (in scope by the allow pattern, but an address no source names, so
refused before connecting; nothing listens there, so a crawler that connected
anyway would fail with a different reason) and redirect to file:, ftp:,
gopher: and data: URLs (never followed)."""

import http.server
import os
import threading
import unittest

from harness import crawl, tmp_data_dir

PAGE = """<!doctype html><html lang="en"><head><title>Index</title></head><body>
<h1>Index</h1>
<ul>
<li><a href="/r-file">file</a></li>
<li><a href="/r-ftp">ftp</a></li>
<li><a href="/r-gopher">gopher</a></li>
<li><a href="/r-data">data</a></li>
<li><a href="/r-internal">internal redirect</a></li>
<li><a href="http://127.0.0.2:{port}/linked.html">internal link</a></li>
</ul></body></html>"""

REDIRECTS = {
    "/r-file": "file:///etc/passwd",
    "/r-ftp": "ftp://127.0.0.1/pub/x",
    "/r-gopher": "gopher://127.0.0.1:70/1",
    "/r-data": "data:text/html,<h1>hi</h1>",
    "/r-internal": "http://127.0.0.2:{port}/redirected.html",
}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        port = self.server.server_address[1]
        self.server.paths.append(self.path)
        if self.path == "/":
            body = PAGE.format(port=port).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        elif self.path in REDIRECTS:
            body = b"moved"
            self.send_response(302)
            self.send_header("Location", REDIRECTS[self.path].format(port=port))
        else:
            body = b"not found"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


CONFIG = """
[crawler]
per_host_delay_ms = 0
max_retries = 0
timeout_s = 5

[[sources]]
name = "loop"
start_urls = ["http://127.0.0.1:{port}/"]
allow = ['^http://127\\.0\\.0\\.[0-9]+:{port}/']
language = "en"
"""


class AddressPolicyTest(unittest.TestCase):
    def setUp(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.paths = []
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.port = self.server.server_address[1]

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_unnamed_internal_addresses_and_other_schemes_fail_unfetched(self):
        data = tmp_data_dir()
        cfg = os.path.join(data, "loop.toml")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write(CONFIG.format(port=self.port))
        p, summary = crawl(cfg, data)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIsNotNone(summary, p.stdout)
        failures = "\n".join(summary.get("failures", []))
        internal = f"http://127.0.0.2:{self.port}"
        for path in ("/linked.html", "/redirected.html"):
            self.assertIn(f"{internal}{path}: address not allowed: 127.0.0.2 (loopback)",
                          failures)
        for path, scheme in (("/r-file", "file:"), ("/r-ftp", "ftp:"),
                             ("/r-gopher", "gopher:"), ("/r-data", "data:")):
            self.assertIn(f"{path}: redirect to an unusable Location: {scheme}", failures)
        self.assertGreaterEqual(summary["failed"], 6, summary)
        # The named address was crawled; every redirect was asked once.
        for path in ["/", *REDIRECTS]:
            self.assertIn(path, self.server.paths)


if __name__ == "__main__":
    unittest.main()
