#!/usr/bin/env bash
# Crawl speed and memory of `pressarc crawl`, side by side with wget.
#
#   bench/crawl_bench.sh [PRESSARC_BIN] [RUNS]
#
# 1. Speed: a 2,000-page local site (100 listing pages /news/page-N.html with
#    19 article links each, +-3 page window and "last"; 1,900 articles
#    /press/NNNNN.html with a back link and 2 related links; the shape of
#    ../shared/research/crawlers.md §5) served by nginx on 127.0.0.1, delay 0.
#    wget -r -l inf -nv -e robots=on --warc-file (one connection) versus
#    pressarc crawl (per_host_delay_ms = 0: one request in flight per host, so
#    also one connection; it archives in WARC, extracts and indexes too).
#    Prints pages/s of both (median of RUNS runs) and the ratio.
# 2. Memory: peak RSS (/usr/bin/time -v) of a run whose frontier holds 100,000
#    queued URLs (a sitemap index of 2 x 50,000 URLs), stopped by --max-pages.
#
# Installs nginx (Debian nginx-light) when missing. Everything lives in a
# temporary directory that is removed at the end; nginx is stopped by its pid.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-$HERE/../build/pressarc}
RUNS=${2:-3}
PORT=${BENCH_PORT:-18871}
BIN=$(readlink -f "$BIN")
[[ -x $BIN ]] || { echo "crawl_bench: no pressarc binary at $BIN" >&2; exit 1; }

if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
  echo "crawl_bench: installing nginx-light" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WORK=$(mktemp -d /tmp/pressarc-crawl-bench-XXXXXX)
chmod 755 "$WORK"  # nginx workers run as www-data
NGINX_PID=""
cleanup() {
  if [[ -n $NGINX_PID ]] && kill -0 "$NGINX_PID" 2>/dev/null; then kill "$NGINX_PID"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- the site ---------------------------------------------------------------
python3 - "$WORK/site" "$PORT" <<'PY'
import os, sys
root, port = sys.argv[1], int(sys.argv[2])
os.makedirs(root + "/news"); os.makedirs(root + "/press"); os.makedirs(root + "/big")
para = ("The ministry held consultations on regional cooperation, trade and transport links; "
        "the parties agreed to continue the dialogue at the next meeting in the capital. ")
def page(title, body):
    return ("<!doctype html><html><head><meta charset=utf-8><title>%s</title></head><body>"
            "<h1>%s</h1>%s</body></html>" % (title, title, body))
n_lists, per = 100, 19
for p in range(1, n_lists + 1):
    items = "".join('<li><a href="/press/%05d.html">Press release %05d on bilateral consultations</a></li>'
                    % (i, i) for i in range((p - 1) * per + 1, p * per + 1))
    nav = " ".join('<a href="/news/page-%d.html">%d</a>' % (q, q)
                   for q in range(max(1, p - 3), min(n_lists, p + 3) + 1) if q != p)
    nav += ' <a href="/news/page-%d.html">last</a>' % n_lists
    open("%s/news/page-%d.html" % (root, p), "w").write(page("News, page %d" % p, "<ul>%s</ul><p>%s</p>" % (items, nav)))
for i in range(1, n_lists * per + 1):
    rel = "".join('<a href="/press/%05d.html">related %05d</a> ' % (j, j) for j in (i % 1900 + 1, (i + 7) % 1900 + 1))
    open("%s/press/%05d.html" % (root, i), "w").write(page(
        "Press release %05d" % i, "<p class=date>2026-11-%02d</p><article><p>%s</p><p>%s</p></article>"
        "<a href=\"/news/page-%d.html\">back</a> %s" % (i % 28 + 1, para, para, (i - 1) // per + 1, rel)))
open(root + "/index.html", "w").write(page("Home", '<a href="/news/page-1.html">news</a>'))
open(root + "/robots.txt", "w").write("User-agent: *\nAllow: /\n")
# The memory case: a sitemap index of 2 x 50,000 URLs that are never fetched.
for k in range(2):
    with open("%s/big/sitemap-%d.xml" % (root, k), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
        for i in range(50000):
            f.write("<url><loc>http://127.0.0.1:%d/big/item-%d-%06d.html</loc></url>\n" % (port, k, i))
        f.write("</urlset>\n")
with open(root + "/big/index.xml", "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
    for k in range(2):
        f.write("<sitemap><loc>http://127.0.0.1:%d/big/sitemap-%d.xml</loc></sitemap>\n" % (port, k))
    f.write("</sitemapindex>\n")
PY

mkdir -p "$WORK/nginx/logs"
cat >"$WORK/nginx/nginx.conf" <<NGX
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 256; }
http {
  access_log off;
  include /etc/nginx/mime.types;
  keepalive_requests 100000;
  client_body_temp_path $WORK/nginx/tmp;
  proxy_temp_path $WORK/nginx/tmp;
  fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp;
  scgi_temp_path $WORK/nginx/tmp;
  server { listen 127.0.0.1:$PORT; root $WORK/site; }
}
NGX
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -g "daemon on;"
for _ in $(seq 50); do [[ -s $WORK/nginx/nginx.pid ]] && break; sleep 0.1; done
NGINX_PID=$(cat "$WORK/nginx/nginx.pid")
SEED="http://127.0.0.1:$PORT/news/page-1.html"

config() {  # config FILE START_URL EXTRA...
  cat >"$1" <<TOML
[crawler]
user_agent = "pressarc/0.1 (+https://example.org/contact)"
max_connections = 16
per_host_delay_ms = 0
timeout_s = 10
max_retries = 1
max_depth = 1000
max_pages_per_source = 200000
revisit_after_hours = 0
$3

[[sources]]
name = "bench"
start_urls = ["$2"]
language = "en"
TOML
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$WORK/wget.txt"
: >"$WORK/pressarc.txt"
for r in $(seq "$RUNS"); do
  out="$WORK/wget-$r"; mkdir -p "$out"
  s=$(date +%s.%N)
  wget -r -l inf -nv -e robots=on -P "$out" --warc-file="$out/bench" "$SEED" 2>/dev/null || true
  e=$(date +%s.%N)
  n=$(find "$out" -name '*.html' | wc -l)
  echo "$n $s $e" | awk '{printf "%.1f\n", $1/($3-$2)}' >>"$WORK/wget.txt"
  echo "wget     run $r: $n pages in $(echo "$s $e" | awk '{printf "%.2f", $2-$1}') s"

  data="$WORK/pressarc-$r"; cfg="$WORK/pressarc-$r.toml"
  config "$cfg" "$SEED" ""
  s=$(date +%s.%N)
  json=$("$BIN" crawl --config "$cfg" --data "$data" --json --quiet)
  e=$(date +%s.%N)
  # pages = HTML responses (fetched minus robots.txt and the /sitemap.xml probe)
  n=$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["fetched"] - 2)')
  echo "$n $s $e" | awk '{printf "%.1f\n", $1/($3-$2)}' >>"$WORK/pressarc.txt"
  echo "pressarc run $r: $n pages in $(echo "$s $e" | awk '{printf "%.2f", $2-$1}') s ($(du -sh "$data/archive" | cut -f1) WARC)"
done
W=$(median <"$WORK/wget.txt")
P=$(median <"$WORK/pressarc.txt")
echo "median pages/s: wget --warc-file $W, pressarc crawl $P, ratio pressarc/wget $(echo "$P $W" | awk '{printf "%.2f", $1/$2}')"

# --- memory with 100,000 queued URLs ----------------------------------------------
cfg="$WORK/mem.toml"
config "$cfg" "http://127.0.0.1:$PORT/big/index.xml" ""
sed -i 's|^start_urls = .*|start_urls = ["http://127.0.0.1:'"$PORT"'/index.html"]\nfeeds = ["http://127.0.0.1:'"$PORT"'/big/index.xml"]|' "$cfg"
/usr/bin/time -v "$BIN" crawl --config "$cfg" --data "$WORK/mem" --json --quiet --max-pages 20 \
  >"$WORK/mem.json" 2>"$WORK/mem.time"
queued=$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("select count(*) from frontier where status=\"queued\"").fetchone()[0])' "$WORK/mem/state.sqlite")
rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' "$WORK/mem.time")
echo "memory: $queued URLs queued in the frontier, peak RSS $((rss / 1024)) MiB (goal <= 256 MiB), $(awk -F': ' '/Elapsed/ {print $2}' "$WORK/mem.time") wall"
