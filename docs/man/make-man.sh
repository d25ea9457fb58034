#!/bin/sh
# Generates the man page pressarc.1 from `pressarc --help`, `--version` and
# every subcommand's --help, with help2man. Run by the build (target `man`)
# when help2man is installed.
# Usage: make-man.sh PRESSARC_BINARY OUTPUT_FILE
set -eu
bin=$1
out=$2
inc=$out.h2m
commands="crawl reindex search show import extract stats history changes watch serve"
watch_commands="add list rm show run"

{
  echo "[DESCRIPTION]"
  echo "pressarc archives the press releases of government ministries and makes them"
  echo "searchable. It crawls the sites politely, keeps every response in WARC files,"
  echo "extracts the clean article (title, date, language, text) and indexes it with"
  echo "Xapian. The archive is the source of truth: the index can be rebuilt from it"
  echo "at any time, without touching the network."
  echo
  echo "[COMMANDS]"
  for c in $commands; do
    echo ".SS \"pressarc $c\""
    echo ".nf"
    # Escape backslashes and leading dots/quotes for roff.
    "$bin" "$c" --help 2>&1 | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
    echo ".fi"
  done
  for c in $watch_commands; do
    echo ".SS \"pressarc watch $c\""
    echo ".nf"
    "$bin" watch "$c" --help 2>&1 | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
    echo ".fi"
  done
  echo
  echo "[EXIT STATUS]"
  echo ".TP"
  echo "0"
  echo "success (a crawl in which some pages failed still succeeds, and says so)"
  echo ".TP"
  echo "1"
  echo "runtime failure, including \"no index yet\""
  echo ".TP"
  echo "2"
  echo "usage, config or query error"
  echo ".TP"
  echo "75"
  echo "another job holds the data directory's lock (systemd: SuccessExitStatus=75)"
  echo
  echo "[FILES]"
  echo ".TP"
  echo "./pressarc.toml, /etc/pressarc/pressarc.toml"
  echo "the configuration (crawler settings and sources); see /usr/share/doc/pressarc/config.md"
  echo ".TP"
  echo "DATA/archive/*.warc.gz"
  echo "the WARC archive, the source of truth"
  echo ".TP"
  echo "DATA/state.sqlite"
  echo "frontier and fetch history"
  echo ".TP"
  echo "DATA/index/current"
  echo "Xapian stub file naming the live index generation (quest -d DATA/index/current)"
  echo ".TP"
  echo "DATA/pressarc.lock"
  echo "held by a running crawl, import or reindex"
  echo
  echo "[SEE ALSO]"
  echo "pressarc-rebuild-index (rebuild the index, waiting for a running crawl),"
  echo ".BR quest (1),"
  echo ".BR xapian-check (1),"
  echo ".BR systemd.timer (5)."
  echo "The operating guide: /usr/share/doc/pressarc/operations.md."
} >"$inc"

help2man --no-info --no-discard-stderr \
  --name "archive and search the press releases of government ministries" \
  --section 1 --source "pressarc" --manual "pressarc manual" \
  --include "$inc" --output "$out.tmp" "$bin"
rm -f "$inc"
mv "$out.tmp" "$out"
