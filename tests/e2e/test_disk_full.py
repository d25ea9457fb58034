"""Disk full: crawl, import, reindex and `watch run` with the data directory on
a small tmpfs that a filler file has nearly filled.

Each job must stop at the first write that fails with one line on stderr,
`pressarc: disk full writing PATH` (PATH inside the data directory), and exit
1; the live index stays searchable with what it had, the archive passes the
independent WARC check (tests/warc-check), and once the filler is deleted the
same job completes with nothing lost (the documents and watch reports of a run
that never met a full disk).

Needs root (mount -t tmpfs); skipped with the reason when mounting is not
permitted. Mounts are removed even when a test fails.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import unittest

import crash_harness as ch
import harness

DISK_FULL = re.compile(r"^pressarc: disk full writing (/\S.*)$")


def try_mount(size):
    """A tmpfs of `size` on a new temporary directory; (path, None) or
    (None, why not)."""
    point = harness.tmp_data_dir("pressarc-diskfull-")
    if shutil.which("mount") is None:
        return None, "no mount command"
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", point],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return None, f"mount -t tmpfs is not permitted here: {p.stderr.strip()}"
    return point, None


def unmount(point):
    if subprocess.run(["umount", point], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", point], capture_output=True)


def fill(point, leave_bytes):
    """Writes DIR/filler until only about `leave_bytes` stay free; returns its path."""
    path = os.path.join(point, "filler")
    st = os.statvfs(point)
    size = max(0, st.f_bavail * st.f_frsize - leave_bytes)
    with open(path, "wb") as f:
        chunk = b"\0" * (1 << 20)
        while size > 0:
            n = min(size, len(chunk))
            try:
                f.write(chunk[:n])
                f.flush()
            except OSError:
                break
            size -= n
    return path


@unittest.skipUnless(ch.tools_missing() is None, str(ch.tools_missing()))
class DiskFullTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.work = harness.tmp_data_dir("pressarc-diskfull-work-")
        cls.files = ch.synthetic_pages(os.path.join(cls.work, "pages"), 300)

    def setUp(self):
        self.point, why = try_mount("16m")
        if self.point is None:
            self.skipTest(why)
        self.addCleanup(unmount, self.point)
        self.data = os.path.join(self.point, "data")

    # --- checks shared by every job ---------------------------------------------------

    def assert_disk_full(self, p):
        lines = p.stderr.splitlines()
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(len(lines), 1, p.stderr)
        m = DISK_FULL.match(lines[0])
        self.assertIsNotNone(m, p.stderr)
        self.assertTrue(m.group(1).startswith(self.data + "/"), lines[0])

    def assert_intact(self, documents_at_least):
        """The live index answers with what it had; the archive is readable."""
        self.assertIsNone(ch.index_problem(self.data))
        ids, dups = ch.index_ids(self.data)
        self.assertEqual(dups, 0)
        self.assertGreaterEqual(len(ids), documents_at_least)
        p = ch.pressarc("search", "--data", self.data, "--json", "--limit", "1", "Bayramov")
        self.assertEqual(p.returncode, 0, p.stderr)
        if documents_at_least:
            self.assertGreater(json.loads(p.stdout)["total"], 0)
        bad, why = ch.warc_unreadable(self.data)
        self.assertEqual(bad, 0, why)

    def assert_complete(self, want_ids, want_reports):
        self.assertIsNone(ch.index_problem(self.data))
        ids, dups = ch.index_ids(self.data)
        self.assertEqual(dups, 0)
        self.assertEqual(want_ids - ids, set())
        bad, why = ch.warc_unreadable(self.data)
        self.assertEqual(bad, 0, why)
        reports, repeated = ch.watch_reports(self.data)
        self.assertEqual(repeated, 0)
        self.assertEqual(reports, want_reports)

    def full_then_freed(self, argv, leaves, known):
        """Runs `argv` with the disk filled to leave each of `leaves` bytes
        (until one meets the full disk), checks the failure, frees the space
        and runs it again. Returns how many runs met the full disk."""
        met = 0
        for leave in leaves:
            filler = fill(self.point, leave)
            p = ch.pressarc(*argv)
            os.unlink(filler)
            if p.returncode == 0:
                continue
            self.assert_disk_full(p)
            print(f"  {argv[0]}, {leave} bytes free: {p.stderr.strip()}", flush=True)
            self.assert_intact(known)
            met += 1
        p = ch.pressarc(*argv)
        self.assertEqual(p.returncode, 0, p.stderr)
        return met

    def reference(self, prepare, argv_for):
        """Ids and watch reports of the job run where space is plenty."""
        ref = os.path.join(self.work, "ref-" + self.id().rsplit(".", 1)[-1])
        shutil.rmtree(ref, ignore_errors=True)
        prepare(ref)
        ch.pressarc_ok(*argv_for(ref))
        ids, _ = ch.index_ids(ref)
        reports, _ = ch.watch_reports(ref)
        return ids, reports

    def base_import(self, data, files):
        os.makedirs(data, exist_ok=True)
        ch.pressarc_ok("watch", "add", "--data", data, ch.WATCH, ch.WATCH_QUERY)
        ch.pressarc_ok("import", "--data", data, *files)

    # --- the jobs -------------------------------------------------------------------------

    def test_import_stops_on_a_full_disk_and_the_rerun_completes(self):
        first, rest = self.files[:30], self.files[30:]
        argv_for = lambda d: ["import", "--data", d, *rest]  # noqa: E731
        want = self.reference(lambda d: self.base_import(d, first), argv_for)
        self.base_import(self.data, first)
        met = self.full_then_freed(argv_for(self.data), (0, 100_000, 1_000_000), 30)
        self.assertGreater(met, 0)
        self.assert_complete(*want)

    def test_reindex_stops_on_a_full_disk_and_the_rerun_completes(self):
        argv_for = lambda d: ["reindex", "--data", d]  # noqa: E731
        want = self.reference(lambda d: self.base_import(d, self.files), argv_for)
        self.base_import(self.data, self.files)
        met = self.full_then_freed(argv_for(self.data), (0, 200_000, 1_000_000), len(want[0]))
        self.assertGreater(met, 0)
        self.assert_complete(*want)

    def test_watch_run_stops_on_a_full_disk_and_the_rerun_completes(self):
        job = ch.WatchRunJob(self.work, None, self.files)
        argv_for = lambda d: ["watch", "run", "--data", d]  # noqa: E731
        want = self.reference(job.make_base, argv_for)
        job.make_base(self.data)
        met = self.full_then_freed(argv_for(self.data), (0, 8_000, 40_000), len(want[0]))
        self.assertGreater(met, 0)
        self.assert_complete(*want)

    def test_crawl_stops_on_a_full_disk_and_the_rerun_completes(self):
        with harness.FixtureServer() as srv:
            cfg = harness.write_config(os.path.join(self.work, "crawl.toml"), srv.port_base,
                                       per_host_delay_ms=0, max_retries=0, timeout_s=5)
            argv_for = lambda d: ["crawl", "--config", cfg, "--data", d]  # noqa: E731

            def prepare(d):
                os.makedirs(d, exist_ok=True)
                ch.pressarc_ok("watch", "add", "--data", d, ch.WATCH, ch.WATCH_QUERY)
                ch.pressarc_ok("import", "--data", d, *self.files[:20])

            want = self.reference(prepare, argv_for)
            prepare(self.data)
            met = self.full_then_freed(argv_for(self.data), (0, 100_000, 400_000), 20)
        self.assertGreater(met, 0)
        self.assert_complete(*want)


if __name__ == "__main__":
    unittest.main()
