"""End-to-end: a one-minute run of the soak test (tests/soak/soak.py) with the
same checks as the 30-minute run, and its growth and exit rules on synthetic
series (a leak, a kept fd, a wrong exit code must each trip them).

`serve` under load while crawl, reindex and `watch run` run at once: no failed
request, no job exit other than 0 or 75 with the lock message, no growth of
serve's RSS or fds, a clean index, no watch entry twice.
"""

import json
import os
import subprocess
import sys
import unittest

import harness

SOAK = os.path.join(harness.SOURCE_DIR, "tests", "soak", "soak.py")
sys.path.insert(0, os.path.dirname(SOAK))
import soak  # noqa: E402


def series(duration, step, value):
    """(t, value(t)) every `step` seconds over `duration`."""
    return [(t, value(t)) for t in range(0, int(duration) + 1, step)]


class SoakRules(unittest.TestCase):
    D = 1800  # a 30-minute run

    def test_flat_rss_after_warm_up_passes_and_a_leak_trips(self):
        flat = series(self.D, 10, lambda t: 20000 if t < 200 else 60000 + (t % 7) * 100)
        self.assertIsNone(soak.rss_growth_problem(flat, self.D))
        # A steady leak from the start (1 KiB per request at 35 requests/s) raises
        # both peaks; it still trips.
        leak = series(self.D, 10, lambda t: 60000 + 35 * t)
        self.assertIn("RSS grew", soak.rss_growth_problem(leak, self.D))
        # Warm-up growth (the first 20%) is not counted.
        warm = series(self.D, 10, lambda t: 10000 + 200 * min(t, 300))
        self.assertIsNone(soak.rss_growth_problem(warm, self.D))
        self.assertIn("too few", soak.rss_growth_problem(flat[:10], self.D))

    def test_fds_must_not_grow_and_must_come_back_when_idle(self):
        wobble = series(self.D, 10, lambda t: 4 + (t // 10) % 5)
        self.assertIsNone(soak.fd_growth_problem(wobble, self.D, 4, 5))
        # The lowest count of each sample: one fd kept per reindex (every 3 minutes).
        per_reindex = series(self.D, 10, lambda t: 4 + t // 180)
        self.assertIn("fds grew", soak.fd_growth_problem(per_reindex, self.D, 4, 5))
        # Kept only by the last jobs: seen once serve is idle again.
        self.assertIn("fds kept", soak.fd_growth_problem(wobble, self.D, 4, 7))
        self.assertIsNotNone(soak.fd_growth_problem(wobble, self.D, 4, None))
        # The searcher pool may hold more searchers when idle than at the start, within its bound.
        self.assertIsNone(soak.fd_growth_problem(wobble, self.D, 4, 20, pool_fds=18))
        self.assertIn("fds kept", soak.fd_growth_problem(wobble, self.D, 4, 25, pool_fds=18))
        # The pool filling late in the run (a catalogue connection per searcher)
        # raises the floor within its allowance; more than that trips.
        filling = series(self.D, 10, lambda t: 9 if t < 1200 else 13)
        self.assertIn("fds grew", soak.fd_growth_problem(filling, self.D, 9, 9))
        self.assertIsNone(soak.fd_growth_problem(filling, self.D, 9, 9, pool_fds=6))
        self.assertIn("fds grew", soak.fd_growth_problem(filling, self.D, 9, 9, pool_fds=1))

    def test_only_0_and_75_with_the_lock_message_are_accepted(self):
        self.assertIsNone(soak.job_exit_problem(0, ""))
        lock = ("pressarc: another job holds the lock /d/pressarc.lock (pid 7 crawl)\n"
                "hint: wait for it to finish, or run this job later\n")
        self.assertIsNone(soak.job_exit_problem(75, lock))
        self.assertIn("without the lock message", soak.job_exit_problem(75, "pressarc: busy"))
        for code in (1, 2, -9, 134):
            self.assertIsNotNone(soak.job_exit_problem(code, lock), code)

    def test_duplicates(self):
        self.assertEqual(soak.duplicates(["a", "b", "a", "c", "b"]), ["a", "b"])
        self.assertEqual(soak.duplicates(["a", "b"]), [])


class SoakShort(unittest.TestCase):
    def test_one_minute_soak_passes_every_check(self):
        out = harness.tmp_data_dir("pressarc-soak-report-")
        p = subprocess.run([sys.executable, SOAK, "--minutes", "1", "--clients", "3",
                            "--out", out], capture_output=True, text=True, timeout=400)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-2000:])
        with open(os.path.join(out, "soak.json"), encoding="utf-8") as f:
            r = json.load(f)
        self.assertTrue(r["passed"])
        self.assertEqual(r["request_failures"], 0)
        self.assertGreater(r["searches_ok"], 100)
        for job in ("crawl", "reindex", "watch run"):
            self.assertGreater(r["jobs"][job].get("0", 0), 0, job)
        self.assertGreaterEqual(r["serve"]["samples"], 10)
        self.assertEqual(r["index"]["xapian_check"], "clean")
        self.assertIn("PASSED", p.stdout)


if __name__ == "__main__":
    unittest.main()
