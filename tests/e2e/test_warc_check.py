"""The independent WARC check (tests/warc-check/check.mjs, on warcio from npm).

1. The checker itself: it accepts WARCs that standard tools wrote (Debian's
   wget, gzip and plain) and rejects each kind of damage it claims to find.
2. The archive a real crawl leaves in DATA/archive/ passes it.

Skipped when node or tests/warc-check/node_modules is missing
(scripts/test.sh installs them before running the tests).
"""

import glob
import gzip
import os
import re
import shutil
import subprocess
import unittest

from harness import SOURCE_DIR, FixtureServer, crawl, run, tmp_data_dir, write_config

CHECK_DIR = os.path.join(SOURCE_DIR, "tests", "warc-check")
CHECK = os.path.join(CHECK_DIR, "check.mjs")
WARC_FIXTURES = os.path.join(SOURCE_DIR, "tests", "fixtures", "warc")
WGET_GZ = os.path.join(WARC_FIXTURES, "wget-small.warc.gz")
WGET_PLAIN = os.path.join(WARC_FIXTURES, "wget-small-1.0.warc")


def _checker_ready():
    if shutil.which("node") is None:
        return False
    return os.path.isdir(os.path.join(CHECK_DIR, "node_modules", "warcio"))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def run_check(*files):
    p = subprocess.run(["node", CHECK, *files], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout + p.stderr


def plain_records(data):
    """Splits an uncompressed WARC into its records (bytes, each with its CRLFCRLF)."""
    records, pos = [], 0
    while pos < len(data):
        head_end = data.index(b"\r\n\r\n", pos) + 4
        m = re.search(rb"(?im)^Content-Length:\s*(\d+)", data[pos:head_end])
        end = head_end + int(m.group(1)) + 4
        records.append(data[pos:end])
        pos = end
    return records


@unittest.skipUnless(_checker_ready(), "node or tests/warc-check/node_modules missing")
class CheckerTest(unittest.TestCase):
    def setUp(self):
        self.dir = tmp_data_dir("pressarc-warccheck-")
        self.plain = read(WGET_PLAIN)
        self.records = plain_records(self.plain)

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def per_record_gzip(self, records):
        return b"".join(gzip.compress(r) for r in records)

    def assert_rejected(self, path, *needles):
        rc, out = run_check(path)
        self.assertEqual(rc, 1, out)
        for n in needles:
            self.assertIn(n, out)

    def test_accepts_wget_warcs_gzip_and_plain(self):
        rc, out = run_check(WGET_GZ, WGET_PLAIN)
        self.assertEqual(rc, 0, out)
        self.assertIn("10 records, 0 problems", out)

    def test_accepts_per_record_gzip_made_here(self):
        rc, out = run_check(self.write("ok.warc.gz", self.per_record_gzip(self.records)))
        self.assertEqual(rc, 0, out)

    def test_rejects_a_flipped_byte_in_a_body(self):
        i = self.plain.index(b"Minister met")
        data = self.plain[:i] + b"m" + self.plain[i + 1:]
        self.assert_rejected(self.write("flip.warc", data), "block digest mismatch",
                             "payload digest mismatch")

    def test_rejects_a_truncated_file(self):
        data = read(WGET_GZ)
        self.assert_rejected(self.write("cut.warc.gz", data[:-300]))

    def test_rejects_trailing_garbage(self):
        data = read(WGET_GZ) + b"garbage after the last record"
        self.assert_rejected(self.write("tail.warc.gz", data))

    def test_rejects_whole_file_gzip(self):
        self.assert_rejected(self.write("whole.warc.gz", gzip.compress(self.plain)),
                             "gzip member")

    def test_rejects_a_response_without_its_request(self):
        kept = [r for r in self.records if b"WARC-Type: request" not in r[:400]]
        self.assert_rejected(self.write("unpaired.warc", b"".join(kept)),
                             "no request record linked")
        rc, out = run_check("--allow-unpaired", self.write("unpaired2.warc", b"".join(kept)))
        self.assertEqual(rc, 0, out)

    def test_rejects_a_file_that_does_not_start_with_warcinfo(self):
        self.assert_rejected(self.write("noinfo.warc", b"".join(self.records[1:])),
                             "first record is not warcinfo")

    def test_rejects_a_record_id_without_angle_brackets(self):
        data = re.sub(rb"WARC-Record-ID: <(urn:uuid:[0-9a-f-]+)>", rb"WARC-Record-ID: \1",
                      self.plain, count=1)
        self.assert_rejected(self.write("rid.warc", data), "bad WARC-Record-ID")

    def test_rejects_a_revisit_without_profile_and_a_stored_head_that_lies(self):
        response = next(r for r in self.records if b"WARC-Type: response" in r[:400])
        revisit = response.replace(b"WARC-Type: response", b"WARC-Type: revisit", 1)
        records = [r if r is not response else revisit for r in self.records]
        self.assert_rejected(self.write("revisit.warc", b"".join(records)),
                             "revisit without WARC-Profile")
        # Content-Length of the stored HTTP head no longer matches the stored body;
        # digests are recomputed so only the disagreement remains.
        head_end = response.index(b"\r\n\r\n") + 4
        block = response[head_end:-4]
        new_block = re.sub(rb"(?i)(\r\nContent-Length: )(\d+)", lambda m: m.group(1) + b"1",
                           block, count=1)
        warc_head = response[:head_end].decode("latin-1")
        warc_head = re.sub(r"(?m)^Content-Length: \d+", f"Content-Length: {len(new_block)}",
                           warc_head)
        warc_head = re.sub(r"(?m)^WARC-Block-Digest: .*\r\n", "", warc_head)
        lying = warc_head.encode("latin-1") + new_block + b"\r\n\r\n"
        records = [r if r is not response else lying for r in self.records]
        self.assert_rejected(self.write("lying.warc", b"".join(records)),
                             "stored HTTP head says Content-Length 1")

    def test_usage_error_without_files(self):
        rc, _ = run_check()
        self.assertEqual(rc, 2)


@unittest.skipUnless(_checker_ready(), "node or tests/warc-check/node_modules missing")
class CrawlArchiveTest(unittest.TestCase):
    def test_a_crawled_archive_passes_the_independent_check(self):
        if re.search(r"crawl\s+\(crawl: not built yet\)", run(["--help"]).stdout):
            self.skipTest("pressarc crawl is not built yet")
        data = tmp_data_dir()
        with FixtureServer() as srv:
            cfg = write_config(os.path.join(data, "demo.toml"), srv.port_base,
                               per_host_delay_ms=0, max_retries=1)
            p, summary = crawl(cfg, data, "--max-pages", "60")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIsNotNone(summary, p.stdout)
        files = sorted(glob.glob(os.path.join(data, "archive", "*.warc.gz")))
        self.assertTrue(files, "the crawl left no WARC files")
        for f in files:
            self.assertRegex(os.path.basename(f), r"^pressarc-\d{14}-\d{5}\.warc\.gz$")
        rc, out = run_check(*files)
        self.assertEqual(rc, 0, out)
        records = sum(int(n) for n in re.findall(r": (\d+) records", out))
        self.assertGreaterEqual(records, len(files) + 2, out)  # warcinfo each, at least one pair

    def test_revalidated_pages_are_revisits_that_replay_the_original(self):
        """Issue 15: a 304's revisit carried the 304 head, which pywb replays
        as a blank page (it uses a revisit's own HTTP head when it has one).
        Now its block is empty, it names the capture it confirms, and a
        metadata record beside it keeps the 304's head; the checker passes."""
        if re.search(r"crawl\s+\(crawl: not built yet\)", run(["--help"]).stdout):
            self.skipTest("pressarc crawl is not built yet")
        data = tmp_data_dir()
        with FixtureServer() as srv:
            cfg = write_config(os.path.join(data, "demo.toml"), srv.port_base,
                               per_host_delay_ms=0, max_retries=1, revisit_after_hours=0,
                               revisit_max_age_days=0)
            for _ in range(2):
                p, _summary = crawl(cfg, data, "--max-pages", "40")
                self.assertEqual(p.returncode, 0, p.stderr)
        files = sorted(glob.glob(os.path.join(data, "archive", "*.warc.gz")))
        rc, out = run_check(*files)
        self.assertEqual(rc, 0, out)
        records = [r for f in files for r in plain_records(gzip.decompress(read(f)))]
        heads = [r[:r.index(b"\r\n\r\n")].decode("utf-8", "replace") for r in records]
        field = lambda head, name: (re.search(rf"(?im)^{name}:\s*(.*?)\s*$", head) or [None, ""])[1]
        revisits = [(h, r) for h, r in zip(heads, records) if field(h, "WARC-Type") == "revisit"]
        self.assertTrue(revisits, "the second crawl wrote no revisit records")
        originals = {(field(h, "WARC-Target-URI"), field(h, "WARC-Date"))
                     for h in heads if field(h, "WARC-Type") == "response"}
        for head, _record in revisits:
            self.assertEqual(field(head, "Content-Length"), "0", head)
            self.assertRegex(field(head, "WARC-Profile"), r"/revisit/server-not-modified$")
            target = field(head, "WARC-Refers-To-Target-URI")
            self.assertIn((target, field(head, "WARC-Refers-To-Date")), originals, head)
            rid = field(head, "WARC-Record-ID")
            meta = [r for h, r in zip(heads, records)
                    if field(h, "WARC-Type") == "metadata" and field(h, "WARC-Refers-To") == rid]
            self.assertEqual(len(meta), 1, head)
            self.assertIn(b"Content-Type: application/warc-fields", meta[0])
            self.assertIn(b"http-status-line: HTTP/1.1 304", meta[0])


if __name__ == "__main__":
    unittest.main()
