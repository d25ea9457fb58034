"""Shared helpers for pressarc's end-to-end tests (Python standard library only).

    from harness import FixtureServer, write_config, run, crawl, tmp_data_dir, manifest, pages

    with FixtureServer() as srv:                      # mfa, republisher, mid on a free port base
        cfg = write_config(os.path.join(tmp_data_dir(), "demo.toml"), srv.port_base,
                           per_host_delay_ms=0)
        data = tmp_data_dir()
        p = run(["crawl", "--config", cfg, "--data", data, "--json"])
        srv.log()                                     # every request the binary made
        srv.set_version(2)                            # new/changed pages (manifest "version2")

Environment: PRESSARC_BIN (the binary; default <repo>/build/pressarc) and
PRESSARC_SOURCE_DIR (the repo root; default: two levels above this file).
"""

import atexit
import datetime
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sqlite3
import sys
import tempfile
import time
import urllib.parse

SOURCE_DIR = os.environ.get("PRESSARC_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES_DIR = os.path.join(SOURCE_DIR, "tests", "fixtures")
SITES_DIR = os.path.join(FIXTURES_DIR, "sites")
SERVER_PY = os.path.join(FIXTURES_DIR, "server.py")
DEMO_TOML = os.path.join(SOURCE_DIR, "config", "demo.toml")
DEFAULT_PORT_BASE = 18080
SITE_OFFSETS = {"mfa": 1, "republisher": 2, "mid": 3, "faults": 4}
HOST = "127.0.0.1"


def pressarc_bin():
    return os.environ.get("PRESSARC_BIN") or os.path.join(SOURCE_DIR, "build", "pressarc")


# --- temporary directories -------------------------------------------------------

_tmp_dirs = []


def _cleanup_tmp_dirs():
    if os.environ.get("PRESSARC_KEEP_TMP"):
        return
    for d in _tmp_dirs:
        shutil.rmtree(d, ignore_errors=True)


atexit.register(_cleanup_tmp_dirs)


def backdate_first_misses(data_dir, hours=2):
    """Moves every pending first miss (state.sqlite, table removals) `hours`
    back, as if the next crawl came that much later: removal needs misses at
    least an hour apart. Returns how many were moved."""
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    with sqlite3.connect(os.path.join(data_dir, "state.sqlite")) as db:
        rows = db.execute("SELECT url, first_missing_at FROM removals "
                          "WHERE first_missing_at != ''").fetchall()
        for url, at in rows:
            earlier = datetime.datetime.strptime(at, fmt) - datetime.timedelta(hours=hours)
            db.execute("UPDATE removals SET first_missing_at = ? WHERE url = ?",
                       (earlier.strftime(fmt), url))
    return len(rows)


def tmp_data_dir(prefix="pressarc-e2e-"):
    """A fresh empty directory, removed when the test process exits
    (kept when PRESSARC_KEEP_TMP is set)."""
    d = tempfile.mkdtemp(prefix=prefix)
    _tmp_dirs.append(d)
    return d


# --- the manifest ----------------------------------------------------------------

_manifest = None


def manifest():
    """tests/fixtures/sites/manifest.json (see tests/fixtures/generate.py)."""
    global _manifest
    if _manifest is None:
        with open(os.path.join(SITES_DIR, "manifest.json"), encoding="utf-8") as f:
            _manifest = json.load(f)
    return _manifest


def pages(kind=None, site=None, language=None, version=1):
    """Manifest pages filtered by kind, site and language (version 2: the new/changed ones)."""
    m = manifest()
    src = m["pages"] if version == 1 else m["version2"]["pages"]
    return [p for p in src
            if (kind is None or p["kind"] == kind) and (site is None or p["site"] == site)
            and (language is None or p["language"] == language)]


def read_fixture(page):
    """The bytes of a manifest page's file (absolute URLs name port base 18080)."""
    with open(os.path.join(SITES_DIR, page["path"]), "rb") as f:
        return f.read()


# --- the fixture server ----------------------------------------------------------

def _ports_free(base, sites):
    for s in sites:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((HOST, base + SITE_OFFSETS[s]))
            except OSError:
                return False
    return True


def free_port_base(sites=("mfa", "republisher", "mid", "faults")):
    rng = random.Random(os.getpid() * 7919 + int(time.time() * 1000))
    for _ in range(200):
        base = rng.randrange(20000, 60000, 10)
        if _ports_free(base, sites):
            return base
    raise RuntimeError("no free port base found")


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # dict with lower-case names
        self.body = body

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def __repr__(self):
        return f"<Response {self.status} {len(self.body)} bytes>"


class FixtureServer:
    """Starts tests/fixtures/server.py on a free port base; a context manager.

    faults: also serve the faults site (port base + 4).
    robots_mode: "normal", "5xx" (robots.txt answers 503) or "404" (no robots.txt).
    """

    def __init__(self, faults=False, robots_mode="normal", delay_ms=0, log_file=None,
                 port_base=None):
        self.faults = faults
        self.robots_mode = robots_mode
        self.delay_ms = delay_ms
        self.log_file = log_file
        self.port_base = port_base
        self.proc = None
        self.stderr_path = None
        self.sites = ["mfa", "republisher", "mid"] + (["faults"] if faults else [])

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        fixed = self.port_base is not None
        last_err = ""
        for _ in range(1 if fixed else 5):
            base = self.port_base if fixed else free_port_base(self.sites)
            tmp = tmp_data_dir("pressarc-fixture-")
            ready = os.path.join(tmp, "ready")
            self.stderr_path = os.path.join(tmp, "server.stderr")
            cmd = [sys.executable, SERVER_PY, "--host", HOST, "--port-base", str(base),
                   "--ready-file", ready, "--robots-mode", self.robots_mode,
                   "--exit-with-parent"]
            if self.faults:
                cmd.append("--faults")
            if self.delay_ms:
                cmd += ["--delay-ms", str(self.delay_ms)]
            if self.log_file:
                cmd += ["--log", self.log_file]
            with open(self.stderr_path, "wb") as err:
                proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if os.path.exists(ready):
                    self.proc, self.port_base = proc, base
                    return self
                if proc.poll() is not None:
                    break
                time.sleep(0.05)
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
                last_err = f.read()
            if fixed:
                break
        raise RuntimeError(f"fixture server did not start: {last_err.strip()}")

    def stop(self):
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def stderr(self):
        """What the server wrote on stderr (empty when all went well)."""
        if not self.stderr_path or not os.path.exists(self.stderr_path):
            return ""
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    # addresses
    def port(self, site):
        return self.port_base + SITE_OFFSETS[site]

    def origin(self, site):
        return f"http://{HOST}:{self.port(site)}"

    def url(self, site, path="/"):
        return self.origin(site) + path

    def rewrite(self, data):
        """Rewrites default-port URLs (as in the fixture files) to this server's ports."""
        pat = rb"127\.0\.0\.1:1808([1-4])" if isinstance(data, bytes) else r"127\.0\.0\.1:1808([1-4])"
        if isinstance(data, bytes):
            return re.sub(pat, lambda m: b"127.0.0.1:%d" % (self.port_base + int(m.group(1))),
                          data)
        return re.sub(pat, lambda m: f"127.0.0.1:{self.port_base + int(m.group(1))}", data)

    # raw HTTP (no redirects followed, no decompression)
    def request(self, site, path, headers=None, method="GET", timeout=10):
        conn = http.client.HTTPConnection(HOST, self.port(site), timeout=timeout)
        try:
            conn.request(method, path, headers=headers or {})
            resp = conn.getresponse()
            body = resp.read()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
        finally:
            conn.close()

    def get(self, site, path, **kw):
        return self.request(site, path, **kw)

    # admin endpoints
    def admin(self, path):
        r = self.request("mfa", path)
        if r.status != 200:
            raise RuntimeError(f"admin {path}: HTTP {r.status}")
        return json.loads(r.body.decode("utf-8"))

    def log(self, site=None, path_prefix=None):
        """Every request received (oldest first): {time, port, site, method, path, status,
        headers}; optionally only one site's, or only paths starting with path_prefix."""
        entries = self.admin("/__admin/log")
        return [e for e in entries if (site is None or e["site"] == site)
                and (path_prefix is None or e["path"].startswith(path_prefix))]

    def reset_log(self):
        self.admin("/__admin/reset-log")

    def set_version(self, n):
        self.admin(f"/__admin/version?n={int(n)}")

    def reset_faults(self):
        self.admin("/__admin/reset-faults")

    def set_gone(self, path, gone=True):
        """The page at `path` answers 404 (gone=False: served again)."""
        q = urllib.parse.urlencode({"path": path, **({} if gone else {"back": "1"})})
        self.admin("/__admin/gone?" + q)


# --- configs and the binary ------------------------------------------------------

_PORT_IN_TOML = re.compile(r"(127(?:\\\.|\.)0(?:\\\.|\.)0(?:\\\.|\.)1:)1808([1-4])")


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=False)


def write_config(path, port_base, sources=None, data_dir=None, **crawler):
    """Writes config/demo.toml to `path` with the fixture ports moved to `port_base`,
    crawler keys overridden (write_config(p, base, per_host_delay_ms=0, max_retries=1)),
    optionally only some sources (sources=["mfa"]) and a data_dir. Returns `path`."""
    with open(DEMO_TOML, encoding="utf-8") as f:
        text = f.read()
    text = _PORT_IN_TOML.sub(lambda m: m.group(1) + str(port_base + int(m.group(2))), text)
    head, sep, rest = text.partition("[[sources]]")
    for key, value in crawler.items():
        line = f"{key} = {_toml_value(value)}"
        new_head, n = re.subn(rf"(?m)^{re.escape(key)}\s*=.*$", line, head)
        if n == 0:
            new_head = head.replace("[crawler]\n", f"[crawler]\n{line}\n", 1)
            if new_head == head:
                new_head = head + f"\n[crawler]\n{line}\n"
        head = new_head
    if data_dir is not None:
        head = re.sub(r"(?m)^data_dir\s*=.*$", f"data_dir = {_toml_value(data_dir)}", head)
    text = head + sep + rest
    if sources is not None:
        blocks = re.split(r"(?m)^(?=(?:#[^\n]*\n)*\[\[sources\]\])", sep + rest)
        keep = [b for b in blocks
                if re.search(r'(?m)^name\s*=\s*"([^"]+)"', b)
                and re.search(r'(?m)^name\s*=\s*"([^"]+)"', b).group(1) in sources]
        text = head + "".join(keep)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def run(args, timeout=300, check=False, **kw):
    """Runs PRESSARC_BIN with `args`; returns the CompletedProcess (text mode, output
    captured)."""
    return subprocess.run([pressarc_bin(), *args], capture_output=True, text=True,
                          timeout=timeout, check=check, **kw)


def run_json(args, **kw):
    """run() and parse stdout as JSON (raises AssertionError with stderr on failure)."""
    p = run(args, **kw)
    if p.returncode != 0:
        raise AssertionError(f"pressarc {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def crawl(config, data_dir, *args, timeout=300):
    """Runs `pressarc crawl --config CONFIG --data DATA --json ARGS...`; returns
    (CompletedProcess, summary dict or None when stdout is not JSON)."""
    p = run(["crawl", "--config", config, "--data", data_dir, "--json", *args], timeout=timeout)
    try:
        summary = json.loads(p.stdout)
    except ValueError:
        summary = None
    return p, summary


def url_path(url):
    s = urllib.parse.urlsplit(url)
    return s.path + (("?" + s.query) if s.query else "")
