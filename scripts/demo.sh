#!/usr/bin/env bash
# pressarc in two minutes: installs what is missing (Debian 12, as root),
# builds, serves the local fixture sites on loopback, crawls them into a fresh
# ./demo-data, and shows a few searches, the archive's statistics, and the
# history and change log of releases the fixture edits after publication.
#
# Usage: scripts/demo.sh [--no-build]
#   --no-build   use the existing build/pressarc (skip bootstrap and build)
# Environment: PRESSARC_BIN (a pressarc binary to use instead of build/pressarc),
#              DEMO_DATA (default ./demo-data), DEMO_PORT_BASE (default 18080).
#
# Nothing here touches the network beyond 127.0.0.1 (apart from apt-get when
# packages are missing). The fixture server is stopped on exit, whatever happens.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h | --help)
      sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "demo: unknown option $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

data=${DEMO_DATA:-$root/demo-data}
port_base=${DEMO_PORT_BASE:-18080}
work=$(mktemp -d "${TMPDIR:-/tmp}/pressarc-demo.XXXXXX")
server_pid=""
failures=0
missing=()

cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf 'demo: %s\n' "$*" >&2; }

# ---- 1. dependencies and build ---------------------------------------------
if ((build)); then
  say "Installing what is missing (scripts/bootstrap.sh)"
  "$root/scripts/bootstrap.sh"
  say "Building (scripts/build.sh build)"
  start=$SECONDS
  "$root/scripts/build.sh" "$root/build"
  echo "built in $((SECONDS - start)) s"
fi
bin=${PRESSARC_BIN:-$root/build/pressarc}
if [[ ! -x "$bin" ]]; then
  note "no pressarc binary at $bin (run without --no-build)"
  exit 1
fi
"$bin" --version

# Runs one pressarc command, printing it first. A command whose module is not
# built yet is reported and skipped; any other failure is counted.
# Returns the command's exit code.
# The command line as one would type it (arguments with spaces or quotes quoted).
shown() {
  local a out=""
  for a in "$@"; do
    if [[ "$a" =~ [[:space:]\"\'\$\*\?] ]]; then out+="'${a//\'/\'\\\'\'}' "; else out+="$a "; fi
  done
  printf '%s' "${out% }"
}

run() {
  printf '\n\033[36m$ pressarc %s\033[0m\n' "$(shown "$@")"
  if "$bin" "$1" --help 2>/dev/null | grep -q "not built yet"; then
    [[ " ${missing[*]-} " == *" $1 "* ]] || missing+=("$1")
    echo "(not built yet in this version: skipped)"
    return 1
  fi
  local rc=0
  "$bin" "$@" 2>"$work/stderr" || rc=$?
  cat "$work/stderr" >&2
  if ((rc != 0)); then
    if grep -q "not built yet" "$work/stderr"; then
      [[ " ${missing[*]-} " == *" $1 "* ]] || missing+=("$1")
      echo "(not built yet in this version: skipped)"
    else
      echo "(exit code $rc)"
      failures=$((failures + 1))
    fi
  fi
  return "$rc"
}

# ---- 2. one page through the parser ---------------------------------------
say "Extracting the article from one saved page (no network, no data directory)"
page=tests/fixtures/sites/republisher/news/1486822-azerbaycan-ve-rusiya-xin-bascilarinin-gorusu-baslayib.html
echo "# a metbuat.az-like page: menus, share bar, ads and the yii2-social <noscript> notice go;"
echo "# the heading, the date and the paragraphs stay"
if [[ -f "$page" ]]; then
  run extract --url http://127.0.0.1:18082/news/1486822/azerbaycan-ve-rusiya-xin-bascilarinin-gorusu-baslayib.html \
    "$page" || true
else
  note "fixture page $page not found (tests/fixtures not generated yet?)"
fi

# ---- 3. the fixture sites ----------------------------------------------------
port_free() {
  python3 - "$1" <<'EOF'
import socket, sys
base = int(sys.argv[1])
for off in range(1, 5):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", base + off))
    except OSError:
        sys.exit(1)
    finally:
        s.close()
EOF
}
for candidate in "$port_base" 28080 38080 48080; do
  if port_free "$candidate"; then
    port_base=$candidate
    break
  fi
  note "ports $((candidate + 1))-$((candidate + 4)) are busy"
  port_base=""
done
if [[ -z "$port_base" ]]; then
  note "no free port base for the fixture server"
  exit 1
fi

# config/demo.toml names ports 18081-18083; rewrite them when another base is used.
if ((port_base % 10 != 0)); then
  note "DEMO_PORT_BASE must end in 0"
  exit 2
fi
config=config/demo.toml
if ((port_base != 18080)); then
  config=$work/demo.toml
  # Both spellings: 127.0.0.1 in URLs and 127\.0\.0\.1 in the patterns.
  sed -E 's/(127(\\)?\.0(\\)?\.0(\\)?\.1:)1808([1-4])/\1'"$((port_base / 10))"'\5/g' \
    config/demo.toml >"$config"
fi

say "Serving the fixture sites on 127.0.0.1 (mfa :$((port_base + 1)), republisher :$((port_base + 2)), mid :$((port_base + 3)))"
python3 tests/fixtures/server.py --port-base "$port_base" --ready-file "$work/ready" \
  --log "$work/requests.jsonl" >"$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  [[ -e "$work/ready" ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    note "the fixture server stopped:"
    cat "$work/server.out" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ ! -e "$work/ready" ]]; then
  note "the fixture server did not start within 10 s"
  exit 1
fi
echo "ready ($(python3 -c "import json;print(json.load(open('tests/fixtures/sites/manifest.json'))['counts']['articles'])") articles in 3 sites and 3 languages)"

# ---- 4. crawl ----------------------------------------------------------------
say "Crawling into a fresh $data"
rm -rf "$data"
crawled=1
start=$SECONDS
if run crawl --config "$config" --data "$data"; then
  echo "crawled in $((SECONDS - start)) s"
  requests=$(wc -l <"$work/requests.jsonl" 2>/dev/null || echo 0)
  echo "the fixture server answered $requests requests"
  say "Crawling again: listings and feeds are re-read (conditional GET); known articles wait for revisit_after_hours"
  run crawl --config "$config" --data "$data" --json || true
else
  crawled=0
fi

# ---- 5. search -----------------------------------------------------------------
if ((crawled)); then
  say "Searching"
  echo "# 'Azerbaycan' typed without ə finds Azərbaycan:"
  run search --config "$config" --data "$data" --limit 3 Azerbaycan || true
  echo
  echo "# 'Lavrov' in Latin letters finds Лавров too:"
  run search --config "$config" --data "$data" --limit 3 Lavrov || true
  echo
  echo "# A phrase; the copy on the republisher is folded into the original:"
  run search --config "$config" --data "$data" '"Ekspert Şurası"' || true
  echo
  echo "# English releases only, newest first:"
  run search --config "$config" --data "$data" --lang en --sort newest --limit 3 Bayramov || true
  echo
  echo "# A date range in the query (February 2023):"
  run search --config "$config" --data "$data" 'Lavrov 2023-02-01..2023-02-28' || true
  echo
  echo "# Filters only, with --from/--to, as CSV for a spreadsheet:"
  run search --config "$config" --data "$data" --from 2023-01-01 --to 2023-12-31 \
    --format csv --limit 3 'source:mid' || true
  say "What is in the archive"
  run stats --config "$config" --data "$data" || true

  say "The ministry edits and takes down releases (fixture version 3)"
  # Four mfa releases are edited (a figure, a sentence, the title, the date) and
  # five taken down; every page's boilerplate now changes on every request.
  python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1]).read()" \
    "http://127.0.0.1:$((port_base + 1))/__admin/version?n=3"
  revisit=$work/revisit.toml
  sed -E 's/^revisit_after_hours = .*/revisit_after_hours = 0/' "$config" >"$revisit"
  echo "# every mfa article fetched again (revisit_after_hours = 0): only the edits are new versions"
  run crawl --config "$revisit" --data "$data" --source mfa || true
  edited=$(python3 -c "import json; m = json.load(open('tests/fixtures/sites/manifest.json'))
print(next(p['url_path'] for p in m['version3']['planted'] if p['change'] == 'figure'))")
  echo
  echo "# The corrected figure, as a word diff against the first version:"
  run history --config "$config" --data "$data" "http://127.0.0.1:$((port_base + 1))$edited" || true
  echo
  echo "# The change log (a release still missing an hour later is logged as removed):"
  run changes --config "$config" --data "$data" --kind edited || true
fi

# ---- 6. summary ------------------------------------------------------------------
say "Done"
if ((${#missing[@]})); then
  echo "Not built yet in this version: ${missing[*]}."
  echo "The demo stops where the product stops; everything that exists ran above."
fi
if ((crawled)); then
  echo "The archive is in $data (archive/*.warc.gz, index/, state.sqlite)."
  echo "Try: $bin search --data $data --config config/demo.toml 'Ceyhun Bayramov'"
  echo "(the fixture server is stopped now; searching needs no network)"
  echo "In a browser: $bin serve --data $data --config config/demo.toml"
  echo "  then open http://127.0.0.1:8080/ (Ctrl-C stops it; --listen HOST:PORT to move it)"
fi
if ((failures)); then
  note "$failures command(s) failed"
  exit 1
fi
exit 0
