"""Kill -9 at a dozen points of crawl, import, reindex (with its compaction and
publish), `watch run` and feed writing, each job then run to completion: no
document lost or repeated, every WARC readable by warcio, the index clean by
xapian-check, watch reports neither missed nor repeated.

The CI-sized run of crash_harness.py (see there and docs/testing.md; the full
run is `python3 tests/e2e/crash_harness.py --points 60`). The seed is printed;
PRESSARC_CRASH_SEED repeats a run.
"""

import os
import time
import unittest

import crash_harness


class KillNineTest(unittest.TestCase):

    def test_kill_9_anywhere_loses_and_repeats_nothing(self):
        why = crash_harness.tools_missing()
        if why:
            self.skipTest(why)
        seed = int(os.environ.get("PRESSARC_CRASH_SEED") or time.time() % 1000000)
        lines = []

        def log(s):
            lines.append(s)
            print(s, flush=True)

        totals = crash_harness.run_harness(12, seed, pages=200, log=log)
        report = "\n".join(lines)
        self.assertGreaterEqual(totals.kills, 12, report)
        self.assertEqual(len(totals.per_job), 4, report)  # every job was killed at least once
        self.assertEqual(totals.lost, 0, report)
        self.assertEqual(totals.duplicates, 0, report)
        self.assertEqual(totals.unreadable, 0, report)
        self.assertEqual(totals.index_broken, 0, report)
        self.assertEqual(totals.watch_missed, 0, report)
        self.assertEqual(totals.watch_repeated, 0, report)


if __name__ == "__main__":
    unittest.main()
