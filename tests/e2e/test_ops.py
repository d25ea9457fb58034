"""End-to-end tests of operations (issue 7): the systemd units, the index
rebuild script, the Prometheus metrics file, `cmake --install` into an empty
prefix, and the real-site configs loaded by the installed binary.

Tests that need a part of pressarc that is not built yet (crawl, reindex,
search) skip with a message saying so; the final product runs them all.
Tests that need a tool that is not installed (systemd-analyze, cmake,
help2man) skip too. Python standard library only.
"""

import fcntl
import glob
import json
import math
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SOURCE_DIR = harness.SOURCE_DIR
UNIT_DIR = os.path.join(SOURCE_DIR, "scripts", "systemd")
UNITS = ["pressarc-crawl.service", "pressarc-crawl.timer", "pressarc-reindex.service",
         "pressarc-serve.service"]
REBUILD = os.path.join(SOURCE_DIR, "scripts", "rebuild-index.sh")
SOURCE_FILES = ["mfa-az.toml", "president-az.toml", "metbuat-az.toml", "mid-ru.toml",
                "kremlin-ru.toml"]


def not_built(command):
    """True when `pressarc COMMAND` is still a placeholder in this build."""
    p = harness.run([command, "--help"], timeout=30)
    return "not built yet" in (p.stdout + p.stderr)


def read_unit(path):
    """A unit file as {section: [(key, value), ...]} (keys may repeat)."""
    sections, current = {}, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                current = sections.setdefault(line[1:-1], [])
                continue
            key, _, value = line.partition("=")
            current.append((key.strip(), value.strip()))
    return sections


def values(unit, section, key):
    return [v for k, v in unit.get(section, []) if k == key]


# --- a strict parser of the Prometheus text exposition format 0.0.4 ----------------

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_SAMPLE = re.compile(rf"^({_NAME})(?:\{{(.*)\}})? (\S+)(?: (-?\d+))?$")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)')


def parse_prometheus(text):
    """Returns {(name, frozenset(labels.items())): value} and {name: type}; raises
    ValueError on anything the format does not allow."""
    if text and not text.endswith("\n"):
        raise ValueError("no final newline")
    samples, types, helps, seen_families, current = {}, {}, {}, set(), None
    for n, line in enumerate(text.splitlines(), 1):
        if not line:
            continue
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not re.fullmatch(_NAME, name):
                    raise ValueError(f"line {n}: bad name {name}")
                if name != current:
                    if name in seen_families:
                        raise ValueError(f"line {n}: family {name} split")
                    seen_families.add(name)
                    current = name
                if parts[1] == "TYPE":
                    if name in types:
                        raise ValueError(f"line {n}: second TYPE for {name}")
                    if len(parts) < 4 or parts[3] not in ("counter", "gauge", "histogram",
                                                          "summary", "untyped"):
                        raise ValueError(f"line {n}: bad TYPE line")
                    types[name] = parts[3]
                else:
                    helps[name] = parts[3] if len(parts) > 3 else ""
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise ValueError(f"line {n}: not a sample: {line!r}")
        name, label_text, value = m.group(1), m.group(2), m.group(3)
        if name != current or name not in types:
            raise ValueError(f"line {n}: {name} outside its family or without TYPE")
        labels = {}
        if label_text:
            pos = 0
            while pos < len(label_text):
                lm = _LABEL.match(label_text, pos)
                if not lm:
                    raise ValueError(f"line {n}: bad labels {label_text!r}")
                key = lm.group(1)
                if key in labels:
                    raise ValueError(f"line {n}: repeated label {key}")
                labels[key] = (lm.group(2).replace("\\n", "\n").replace('\\"', '"')
                               .replace("\\\\", "\\"))
                pos = lm.end()
        v = float(value)  # raises ValueError
        if types[name] == "counter" and (v < 0 or math.isnan(v)):
            raise ValueError(f"line {n}: bad counter value {value}")
        key = (name, frozenset(labels.items()))
        if key in samples:
            raise ValueError(f"line {n}: repeated series")
        samples[key] = v
    for name in types:
        if name not in helps:
            raise ValueError(f"no HELP for {name}")
    return samples, types


def metric(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


class PrometheusParserTest(unittest.TestCase):
    """The parser used below must itself reject broken files."""

    def test_rejects_broken_expositions(self):
        for text in ["foo 1\n",
                     "# HELP foo x\n# TYPE foo counter\nfoo -1\n",
                     '# HELP foo x\n# TYPE foo gauge\nfoo{a="b} 1\n',
                     "# HELP foo x\n# TYPE foo gauge\nfoo 1\nfoo 1\n",
                     "# HELP foo x\n# TYPE foo gauge\nfoo x\n",
                     "# HELP foo x\n# TYPE foo gauge\nfoo 1"]:
            with self.subTest(text=text):
                with self.assertRaises(ValueError):
                    parse_prometheus(text)

    def test_accepts_a_valid_exposition(self):
        s, t = parse_prometheus('# HELP a_total x\n# TYPE a_total counter\n'
                                'a_total 3\na_total{source="m\\"x"} 2\n')
        self.assertEqual(metric(s, "a_total"), 3)
        self.assertEqual(metric(s, "a_total", source='m"x'), 2)
        self.assertEqual(t["a_total"], "counter")


# --- systemd -------------------------------------------------------------------------

class SystemdUnitsTest(unittest.TestCase):

    def test_units_have_the_required_settings(self):
        timer = read_unit(os.path.join(UNIT_DIR, "pressarc-crawl.timer"))
        self.assertEqual(values(timer, "Timer", "OnCalendar"), ["hourly"])
        self.assertTrue(values(timer, "Timer", "RandomizedDelaySec"))
        self.assertEqual(values(timer, "Timer", "Persistent"), ["true"])
        self.assertEqual(values(timer, "Install", "WantedBy"), ["timers.target"])

        svc = read_unit(os.path.join(UNIT_DIR, "pressarc-crawl.service"))
        s = "Service"
        self.assertEqual(values(svc, s, "User"), ["pressarc"])
        self.assertEqual(values(svc, s, "SuccessExitStatus"), ["75"])
        for key, want in [("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"),
                          ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
                          ("PrivateDevices", "yes"),
                          ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX")]:
            self.assertEqual(values(svc, s, key), [want], key)
        self.assertIn("@system-service", values(svc, s, "SystemCallFilter"))
        self.assertIn("/var/lib/pressarc", " ".join(values(svc, s, "ReadWritePaths")).split())
        (exec_start,) = values(svc, s, "ExecStart")
        for part in (" crawl ", "--data /var/lib/pressarc", "--metrics-file ",
                     "--log-format json"):
            self.assertIn(part, exec_start)

    def test_systemd_analyze_verify_accepts_the_units(self):
        if not shutil.which("systemd-analyze"):
            self.skipTest("systemd-analyze is not installed (apt-get install systemd)")
        p = subprocess.run(["systemd-analyze", "verify", *UNITS], cwd=UNIT_DIR,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        mine = [line for line in p.stderr.splitlines() if "pressarc" in line]
        self.assertEqual(mine, [], p.stderr)


# --- cmake --install -------------------------------------------------------------------

def build_dir():
    """The build directory of PRESSARC_BIN (the binary sits at its top)."""
    d = os.path.dirname(os.path.abspath(harness.pressarc_bin()))
    return d if os.path.exists(os.path.join(d, "cmake_install.cmake")) else None


class InstallTest(unittest.TestCase):
    prefix = None

    @classmethod
    def setUpClass(cls):
        cls.build = build_dir()
        if not shutil.which("cmake") or cls.build is None:
            return
        cls.prefix = tempfile.mkdtemp(prefix="pressarc-install-")
        cls.install = subprocess.run(
            ["cmake", "--install", cls.build, "--prefix", cls.prefix],
            capture_output=True, text=True, timeout=300)

    @classmethod
    def tearDownClass(cls):
        if cls.prefix:
            shutil.rmtree(cls.prefix, ignore_errors=True)

    def setUp(self):
        if self.prefix is None:
            self.skipTest("needs cmake and the build directory of PRESSARC_BIN")
        self.assertEqual(self.install.returncode, 0, self.install.stderr + self.install.stdout)

    def path(self, *parts):
        return os.path.join(self.prefix, *parts)

    def run_installed(self, *args, **kw):
        return subprocess.run([self.path("bin", "pressarc"), *args], capture_output=True,
                              text=True, timeout=120, **kw)

    def test_installs_the_files(self):
        for rel in ["bin/pressarc", "bin/pressarc-rebuild-index"]:
            self.assertTrue(os.access(self.path(rel), os.X_OK), rel)
        self.assertTrue(os.path.isfile(self.path("etc/pressarc/pressarc.toml")))
        for f in SOURCE_FILES:
            self.assertTrue(os.path.isfile(self.path("etc/pressarc/sources", f)), f)
        for u in UNITS:
            self.assertTrue(os.path.isfile(self.path("lib/systemd/system", u)), u)
        self.assertTrue(os.path.isfile(self.path("lib/sysusers.d/pressarc.conf")))
        for doc in ["README.md", "operations.md", "config.md", "adding-a-source.md"]:
            self.assertTrue(os.path.isfile(self.path("share/doc/pressarc", doc)), doc)

    def test_installs_a_man_page_generated_from_help(self):
        if not shutil.which("help2man"):
            self.skipTest("help2man is not installed (apt-get install help2man)")
        page = self.path("share/man/man1/pressarc.1")
        self.assertTrue(os.path.isfile(page))
        with open(page, encoding="utf-8") as f:
            text = f.read()
        self.assertIn(".TH PRESSARC", text)
        for command in ["crawl", "reindex", "search", "show", "import", "extract", "stats",
                        "serve"]:
            self.assertIn(f"pressarc {command}", text)

    def test_installed_units_point_into_the_prefix(self):
        svc = read_unit(self.path("lib/systemd/system/pressarc-crawl.service"))
        (exec_start,) = values(svc, "Service", "ExecStart")
        self.assertTrue(exec_start.startswith(self.path("bin", "pressarc") + " crawl "),
                        exec_start)
        self.assertIn("--config " + self.path("etc/pressarc/pressarc.toml"), exec_start)
        if shutil.which("systemd-analyze"):
            units = [self.path("lib/systemd/system", u) for u in UNITS]
            p = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True,
                               text=True, timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)

    def test_installed_binary_runs(self):
        p = self.run_installed("--version")
        self.assertEqual(p.returncode, 0, p.stderr)
        for lib in ["pressarc ", "libcurl ", "Xapian ", "ICU ", "Gumbo "]:
            self.assertIn(lib, p.stdout)
        p = self.run_installed("--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("crawl", p.stdout)
        self.assertIn("search", p.stdout)

    def test_installed_binary_extracts_a_fixture_page(self):
        page = next(pg for pg in harness.pages(kind="article", site="republisher")
                    if pg.get("duplicate_of"))
        p = self.run_installed("extract", "--help")
        if "not built yet" in p.stdout + p.stderr:
            self.skipTest("'pressarc extract' is not built yet")
        path = os.path.join(harness.SITES_DIR, page["path"])
        p = self.run_installed("extract", "--json", "--url", page["url"], path,
                               cwd=self.prefix)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(page["title"], p.stdout)
        self.assertNotIn("You must enable Javascript", p.stdout)

    def test_installed_binary_loads_every_source_file(self):
        empty = tempfile.mkdtemp(prefix="pressarc-empty-")
        try:
            bad = os.path.join(empty, "bad.toml")
            with open(bad, "w") as f:
                f.write('[crawler]\nper_host_delay_ms = "fast"\n')
            p = self.run_installed("stats", "--config", bad, "--data", empty, cwd=empty)
            if p.returncode != 2:
                self.skipTest("'pressarc stats' does not load the config yet "
                              f"(exit {p.returncode}: {p.stderr.strip()})")
            self.assertIn("per_host_delay_ms", p.stderr)
            files = sorted(glob.glob(self.path("etc/pressarc/sources/*.toml")))
            files.append(self.path("etc/pressarc/pressarc.toml"))
            self.assertGreaterEqual(len(files), len(SOURCE_FILES) + 1)
            for f in files:
                with self.subTest(config=os.path.basename(f)):
                    p = self.run_installed("stats", "--config", f, "--data", empty, cwd=empty)
                    self.assertNotEqual(p.returncode, 2, p.stderr)
                    self.assertNotIn(os.path.basename(f) + ":", p.stderr)
        finally:
            shutil.rmtree(empty, ignore_errors=True)


# --- a crawled fixture archive, shared by the tests below ----------------------------------

class CrawledArchive:
    """Crawls the fixture sites once into a data directory (or says why it cannot)."""
    data = None
    config = None
    summary = None
    metrics = None
    why_not = None

    @classmethod
    def get(cls):
        if cls.data or cls.why_not:
            return cls
        for command in ("crawl", "search"):
            if not_built(command):
                cls.why_not = f"'pressarc {command}' is not built yet"
                return cls
        work = harness.tmp_data_dir("pressarc-ops-")
        with harness.FixtureServer() as srv:
            cls.config = harness.write_config(os.path.join(work, "demo.toml"), srv.port_base,
                                              per_host_delay_ms=0)
            data = os.path.join(work, "data")
            cls.metrics = os.path.join(work, "pressarc.prom")
            p, summary = harness.crawl(cls.config, data, "--metrics-file", cls.metrics)
        if p.returncode != 0 or summary is None:
            cls.why_not = f"the fixture crawl failed (exit {p.returncode}): {p.stderr[-2000:]}"
            return cls
        cls.data, cls.summary = data, summary
        return cls


class MetricsFileTest(unittest.TestCase):

    def test_crawl_writes_a_valid_prometheus_file_matching_the_summary(self):
        arc = CrawledArchive.get()
        if arc.why_not:
            self.skipTest(arc.why_not)
        with open(arc.metrics, encoding="utf-8") as f:
            text = f.read()
        self.assertFalse(os.path.exists(arc.metrics + ".tmp"))
        samples, types = parse_prometheus(text)
        s = arc.summary
        for field, name in [("fetched", "pressarc_crawl_pages_fetched_total"),
                            ("new", "pressarc_crawl_pages_new_total"),
                            ("failed", "pressarc_crawl_pages_failed_total"),
                            ("robots_denied", "pressarc_crawl_pages_robots_denied_total"),
                            ("indexed", "pressarc_crawl_pages_indexed_total")]:
            with self.subTest(metric=name):
                self.assertEqual(types[name], "counter")
                self.assertEqual(metric(samples, name), s[field])
        per_source = sum(v for (name, labels), v in samples.items()
                         if name == "pressarc_crawl_pages_fetched_total" and labels)
        self.assertLessEqual(per_source, s["fetched"])
        self.assertGreater(per_source, 0)
        for source in ("mfa", "republisher", "mid"):
            self.assertIsNotNone(
                metric(samples, "pressarc_crawl_pages_fetched_total", source=source), source)
        self.assertEqual(metric(samples, "pressarc_crawl_success"), 1)
        now = time.time()
        last = metric(samples, "pressarc_crawl_last_success_timestamp_seconds")
        self.assertLessEqual(abs(now - last), 3600)
        self.assertEqual(last, metric(samples, "pressarc_crawl_last_run_timestamp_seconds"))
        self.assertGreater(metric(samples, "pressarc_crawl_duration_seconds"), 0)


# --- scripts/rebuild-index.sh -----------------------------------------------------------------

def search_urls(data, config, query):
    p = harness.run(["search", "--data", data, "--config", config, "--json", "--limit", "50",
                     query], timeout=120)
    return p.returncode, p


class RebuildIndexTest(unittest.TestCase):
    QUERY = "Bayramov"

    def setUp(self):
        arc = CrawledArchive.get()
        if arc.why_not:
            self.skipTest(arc.why_not)
        if not_built("reindex"):
            self.skipTest("'pressarc reindex' is not built yet")
        self.work = tempfile.mkdtemp(prefix="pressarc-rebuild-")
        self.data = os.path.join(self.work, "data")
        shutil.copytree(arc.data, self.data, symlinks=True)
        self.config = os.path.join(self.work, "demo.toml")
        shutil.copyfile(arc.config, self.config)
        self.before = self.results()
        self.assertGreater(len(self.before), 0, "the fixture archive has no Bayramov")

    def tearDown(self):
        for root, dirs, files in os.walk(self.work):
            for name in dirs + files:
                try:
                    os.chmod(os.path.join(root, name), 0o777)
                except OSError:
                    pass
        shutil.rmtree(self.work, ignore_errors=True)

    def results(self):
        rc, p = search_urls(self.data, self.config, self.QUERY)
        self.assertEqual(rc, 0, p.stderr)
        return sorted(r["url"] for r in json.loads(p.stdout)["results"])

    def rebuild(self, *args, env=None, prefix=(), timeout=300):
        e = dict(os.environ)
        e["PRESSARC_REBUILD_RETRY_S"] = "1"
        e.update(env or {})
        cmd = [*prefix, "bash", REBUILD, "--pressarc", harness.pressarc_bin(),
               "--data", self.data, "--config", self.config, *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=e)

    def assert_logged(self, stderr, pattern):
        lines = [line for line in stderr.splitlines() if "rebuild-index:" in line]
        self.assertTrue(lines, stderr)
        for line in lines:
            self.assertRegex(line, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ rebuild-index: ")
        self.assertRegex(stderr, pattern)

    def test_rebuild_succeeds_and_search_still_answers(self):
        p = self.rebuild()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_logged(p.stderr, r"rebuild-index: done")
        self.assertEqual(self.results(), self.before)

    def test_waits_for_the_lock_then_rebuilds(self):
        lock_path = os.path.join(self.data, "pressarc.lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        timer = threading.Timer(2.5, lambda: (fcntl.flock(fd, fcntl.LOCK_UN), os.close(fd)))
        timer.start()
        try:
            started = time.monotonic()
            p = self.rebuild("--wait", "60")
            waited = time.monotonic() - started
        finally:
            timer.join()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertGreaterEqual(waited, 2.0)
        self.assert_logged(p.stderr, r"locked by another job; retrying")
        self.assertEqual(self.results(), self.before)

    def test_gives_up_with_75_when_the_lock_stays(self):
        fd = os.open(os.path.join(self.data, "pressarc.lock"), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            started = time.monotonic()
            p = self.rebuild("--wait", "2")
            waited = time.monotonic() - started
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        self.assertEqual(p.returncode, 75, p.stderr)
        self.assertLess(waited, 30)
        self.assert_logged(p.stderr, r"gave up")
        self.assertEqual(self.results(), self.before)

    def unprivileged(self):
        """A command prefix that drops root (root ignores file permissions)."""
        if os.geteuid() != 0:
            return ()
        setpriv = shutil.which("setpriv")
        if not setpriv:
            self.skipTest("running as root without setpriv: cannot make files unwritable")
        os.chmod(self.work, 0o755)
        os.chmod(self.config, 0o644)
        # The unprivileged user must reach the binary, the script and the data.
        for path in (harness.pressarc_bin(), REBUILD, self.config):
            d = os.path.dirname(os.path.abspath(path))
            probe = subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                                    "test", "-r", path, "-a", "-x", d], capture_output=True)
            if probe.returncode != 0:
                self.skipTest(f"user nobody cannot read {path}")
        for root, dirs, files in os.walk(self.data):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o777)
            for name in files:
                os.chmod(os.path.join(root, name), 0o666)
        return (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")

    def assert_failed_and_old_index_live(self, p, current_before):
        self.assertNotIn(p.returncode, (0, 75), p.stderr)
        self.assert_logged(p.stderr, r"failed with exit code \d+.*previous index stays live")
        with open(os.path.join(self.data, "index", "current"), "rb") as f:
            self.assertEqual(f.read(), current_before)
        self.assertEqual(self.results(), self.before)

    def current(self):
        with open(os.path.join(self.data, "index", "current"), "rb") as f:
            return f.read()

    def test_failure_on_a_read_only_index_dir_leaves_the_old_index_live(self):
        prefix = self.unprivileged()
        before = self.current()
        index = os.path.join(self.data, "index")
        os.chmod(index, 0o555)
        p = self.rebuild(prefix=prefix)
        os.chmod(index, 0o777)
        self.assert_failed_and_old_index_live(p, before)

    def test_failure_on_an_unreadable_archive_file_leaves_the_old_index_live(self):
        prefix = self.unprivileged()
        before = self.current()
        warcs = sorted(glob.glob(os.path.join(self.data, "archive", "*.warc.gz")))
        self.assertTrue(warcs)
        os.chmod(warcs[0], 0)
        p = self.rebuild(prefix=prefix)
        os.chmod(warcs[0], stat.S_IRUSR | stat.S_IWUSR)
        self.assert_failed_and_old_index_live(p, before)

class RebuildScriptWithoutArchiveTest(unittest.TestCase):
    """Parts of the script that need no crawl."""

    def test_bad_arguments_exit_2(self):
        for args in (["--wait", "soon"], ["--frobnicate"], ["--data"]):
            with self.subTest(args=args):
                p = subprocess.run(["bash", REBUILD, *args], capture_output=True, text=True,
                                   timeout=30)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertRegex(p.stderr, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ rebuild-index: ")

    def test_help(self):
        p = subprocess.run(["bash", REBUILD, "--help"], capture_output=True, text=True,
                           timeout=30)
        self.assertEqual(p.returncode, 0)
        self.assertIn("--wait SECONDS", p.stdout)

    def test_passes_on_pressarcs_exit_code(self):
        # A stand-in binary that reports a held lock, then a usage error.
        d = tempfile.mkdtemp(prefix="pressarc-fake-")
        try:
            fake = os.path.join(d, "pressarc")
            with open(fake, "w") as f:
                f.write("#!/bin/sh\necho \"$@\" >> \"$0.args\"\nexit ${FAKE_RC:-0}\n")
            os.chmod(fake, 0o755)
            for rc in (0, 1, 2, 75):
                with self.subTest(rc=rc):
                    p = subprocess.run(["bash", REBUILD, "--pressarc", fake, "--data", "/x y",
                                        "--config", "c.toml"],
                                       capture_output=True, text=True, timeout=30,
                                       env={**os.environ, "FAKE_RC": str(rc)})
                    self.assertEqual(p.returncode, rc, p.stderr)
            with open(fake + ".args") as f:
                self.assertEqual(f.readline().strip(), "reindex --data /x y --config c.toml")
        finally:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
