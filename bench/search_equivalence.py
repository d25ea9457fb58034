#!/usr/bin/env python3
"""Checks that two builds of pressarc give the same search results on one
index: for a change to the matcher that must not change what is found.

    bench/search_equivalence.py OLD_BINARY NEW_BINARY DATA [QUERIES_FILE]
    bench/search_equivalence.py OLD_BINARY NEW_BINARY OLD_DATA:NEW_DATA [QUERIES_FILE]

Runs `search --json` with each binary on DATA (e.g. the million of
search_bench, /work/bench-data/zipf-1m-c), or the old binary on OLD_DATA and
the new one on NEW_DATA (two indexes of the same documents written
differently, e.g. without and with pair terms), for every query, at four pages:
the top 10, the top 50, 10 from offset 37, and 20 with copies unfolded
(--all). Compares the results in order (id, URL, score to 1e-6, snippet,
copies) and prints each page whose results differ, with the first rank
where they do; totals and facets that differ are printed but are not
failures (above 200 matches they are estimates). QUERIES_FILE: one query a
line, options and query text separated by a tab (as search_bench
--queries-out writes them); default: search_bench's set and more words.
Exits 1 when a page differs.
"""
import json
import shlex
import subprocess
import sys

DEFAULT_QUERIES = [
    ("", "nazirlik"), ("", "Lavrov"), ("", "Azerbaycan prezident"), ("", '"foreign affairs"'),
    ("", "министерство иностранных"), ("", "security AND cooperation"),
    ("", "Bakı OR Gəncə OR Şuşa"), ("", "nazir*"), ("", "peace -talks"), ("", "title:summit"),
    ("", "source:mid-ru"), ("", "transport 2020..2021"), ("", "2023-05.."),
    ("--sort newest", "Bayramov"), ("--sort oldest", "энергетика"),
    ("--lang en --from 2019-01-01 --to 2019-12-31", "visit"), ("--lang ru --sort newest", ""),
    ("--source mfa-az", "görüş"), ("--any", "embassy consular"), ("--facets", "sammit"),
    ("--facets", "nazirlik"), ("--sort newest", "nazirlik"), ("--lang en --facets", ""),
    ("", "prezident"), ("", "visit"), ("", "görüş"), ("", "Bayramov"), ("", "energy security"),
    ("", "министерство"), ("", "sammit"), ("--lang az", "nazir"), ("", "embassy"),
    ("", "cooperation"), ("", "Лавров"), ("--source mid-ru", "встреча"),
    ("", '"ministry of foreign affairs"'), ("", '"the ministry"'), ("", '"xarici işlər"'),
    ("", '"Xarici Isler Nazirliyi"'), ("", '"министерство иностранных дел"'),
    ("", '"Sergey Lavrov"'), ("", '"peace talks" security'), ("", "foreign ADJ/3 affairs"),
    ("", "foreign NEAR affairs"), ("", 'title:"foreign affairs"'), ("--sort newest", '"foreign affairs"'),
    ("--facets", '"foreign affairs"'), ("", '"foreign affairs" OR embassy'),
    # date ranges: in the past, cutting months, as options, alone and with words
    ("", "2016-03..2016-04"), ("", "..2017"), ("", "2019-02-11..2019-03-05"),
    ("", "source:mid-ru 2016..2017"), ("--sort newest", "nazirlik 2016..2016"),
    ("--sort oldest", "nazirlik 2022.."), ("--sort newest --to 2017-12-31", "nazirlik"),
    ("--from 2016-02-10 --sort oldest", "Lavrov"),
    ("--sort newest --from 2018-03-03 --to 2019-07-07", "Lavrov"),
    ("--lang ru --sort newest", "2020-01-15..2020-02-20"), ("--sort oldest", "2021.."),
    ("", "2015-06..2015-07 OR 2024-01"), ("--sort newest", "visit 2019..2020"),
    ("--source mfa-az", "..2016-05-05"), ("--facets", "2018-02..2018-04"),
]
PAGES = [["--limit", "10"], ["--limit", "50"], ["--offset", "37", "--limit", "10"],
         ["--all", "--limit", "20"]]


def read_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            opts, _, text = line.rstrip("\n").partition("\t")
            out.append((opts, text))
    return out


def run(binary, argv):
    """(results, (total, facets)) of one search, or ("error", stderr)."""
    p = subprocess.run([binary, *argv], capture_output=True, text=True)
    if p.returncode != 0:
        return ("error", p.stderr.strip()), None
    j = json.loads(p.stdout)
    results = [(r.get("id"), r.get("url"), round(r.get("score", 0), 6), r.get("snippet"),
                json.dumps(r.get("copies", []), sort_keys=True)) for r in j.get("results", [])]
    return results, (j.get("total"), json.dumps(j.get("facets"), sort_keys=True))


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    old, new, data = sys.argv[1:4]
    old_data, _, new_data = data.partition(":")
    new_data = new_data or old_data
    queries = read_queries(sys.argv[4]) if len(sys.argv) == 5 else DEFAULT_QUERIES
    same = differ = 0
    for opts, text in queries:
        for page in PAGES:
            argv = ["--json", *shlex.split(opts), *page] + ([text] if text else [])
            (a, a_counts) = run(old, ["search", "--data", old_data, *argv])
            (b, b_counts) = run(new, ["search", "--data", new_data, *argv])
            label = " ".join(shlex.quote(x) for x in argv[1:])
            if a != b:
                differ += 1
                print(f"differ: {label}")
                if isinstance(a, list) and isinstance(b, list):
                    rank = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y),
                                min(len(a), len(b)))
                    print(f"  first at rank {rank + 1}; {len(a)} and {len(b)} results")
                else:
                    print(f"  {a} / {b}")
                continue
            same += 1
            if a_counts != b_counts:
                print(f"counts differ (not a failure): {label}: total {a_counts[0]} / {b_counts[0]}")
    print(f"{same} pages the same, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
