#!/usr/bin/env bash
# Indexing throughput and index size: pressarc import / reindex vs omindex,
# side by side on the same generated ministry-like pages.
#
#   bench/index_bench.sh [PAGES] [BINARY]
#
# PAGES (default 3000) HTML pages are generated deterministically (seed 1):
# az/ru/en press releases of 250-700 words (a lead, 4-9 paragraphs, names,
# dates, inflected Azerbaijani and Russian forms) inside a ministry page: a
# trilingual mega-menu, breadcrumbs, a sidebar of other news, share buttons
# and a footer, as on mfa.gov.az (see ../shared/research/sites.md). Then:
#   1. omindex --db OMEGA --url https://bench.example.gov/ PAGES   (positions + english stems, Omega's default)
#   2. pressarc import --data DATA PAGES/*.html                    (archive + parse + index,
#                                                                  into an empty index)
#   3. pressarc reindex --data DATA                                (from the archive, all cores)
# and prints documents per second (wall clock), CPU milliseconds per document
# (user + system, all threads and children), the ratios to omindex against
# the goals (wall, and the 2-core CPU bound, below), and index sizes (du of
# the database directory) and their ratio. Where the time goes, stage by stage:
# BENCH_KEEP=1 keeps the pages; build/bench/index_parts_bench PAGES/*.html.
set -euo pipefail

PAGES=${1:-3000}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(realpath "${2:-${PRESSARC_BIN:-$HERE/../build/pressarc}}")
OMINDEX=$(command -v omindex || true)
[ -x "$BIN" ] || { echo "index_bench: no pressarc binary at $BIN (build first or pass it)" >&2; exit 2; }
[ -n "$OMINDEX" ] || { echo "index_bench: omindex not found (scripts/bootstrap.sh --extras)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/pressarc-index-bench-XXXXXX)
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK/pages" "$PAGES" <<'PY'
import os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
os.makedirs(out, exist_ok=True)
AZ_STEMS = ("nazirlik respublika prezident dövlət ölkə əməkdaşlıq görüş səfir tədbir hökumət məsələ "
            "sülh təhlükəsizlik region iqtisadiyyat layihə razılaşma danışıq nümayəndə heyət "
            "müqavilə investisiya enerji nəqliyyat mədəniyyət təhsil səhiyyə ticarət sərhəd "
            "konfrans bəyanat xəbər mətbuat xidmət komissiya parlament qərar proses inkişaf").split()
AZ_SUFFIX = ["", "", "in", "ə", "i", "də", "dən", "lər", "lərin", "lərdə", "imiz", "inin", "ində"]
AZ_WORDS = ("və ilə üçün bu bir olan həmçinin qeyd edib bildirib keçirilib müzakirə olunub "
            "Azərbaycan Bakı Gəncə Şuşa Qarabağ Bayramov Əliyev İlham Ceyhun xarici işlər "
            "nazir naziri arasında ikitərəfli beynəlxalq yeni mühüm").split()
RU = ("министерство министерства министерству иностранных дел России Азербайджана Сергей Лавров "
      "Лаврова переговоры переговоров встреча встречи стороны обсудили сотрудничество "
      "безопасность регион региона заявление сообщает министр министра посол посла "
      "соглашение соглашения развитие экономического и в на с по о что для").split()
EN = ("ministry ministries foreign affairs minister ministers met meeting meetings ambassador "
      "cooperation security region regional agreement agreements signed discussed the of and "
      "to in on with for Baku Azerbaijan Russia Lavrov Bayramov process development economic "
      "trade energy transport talks delegation statement press service").split()
NAV = {"az": "Xəbərlər Nazirlik Nazir Struktur Səfirliklər Konsulluqlar Xarici siyasət "
             "Beynəlxalq təşkilatlar Konsul xidməti Mətbuat Əlaqə".split(),
       "ru": "Новости Министерство Министр Структура Посольства Консульства Внешняя политика "
             "Международные организации Пресса Контакты".split(),
       "en": "News Ministry Minister Structure Embassies Consulates Foreign policy "
             "International organizations Press Contacts".split()}

def az_word():
    if rnd.random() < 0.55:
        return rnd.choice(AZ_STEMS) + rnd.choice(AZ_SUFFIX)
    return rnd.choice(AZ_WORDS)

def sentence(lang):
    k = rnd.randint(8, 20)
    if lang == "az":
        w = [az_word() for _ in range(k)]
    elif lang == "ru":
        w = [rnd.choice(RU) for _ in range(k)]
    else:
        w = [rnd.choice(EN) for _ in range(k)]
    # a long tail of rare words (names, numbers, places)
    if rnd.random() < 0.5:
        w.insert(rnd.randrange(len(w)), "x%s%d" % (rnd.choice("bdgkmprst"), rnd.randint(1, 60000)))
    s = " ".join(w)
    return s[0].upper() + s[1:] + "."

menu = []
for lang in ("az", "en", "ru"):
    for i, word in enumerate(NAV[lang] * 5):
        menu.append('<li><a href="/%s/category/%d">%s %d</a></li>' % (lang, i, word, i))
MENU = "<nav class=\"mega\"><ul>" + "".join(menu) + "</ul></nav>"
FOOTER = ("<footer><p>© 2024 Azərbaycan Respublikası Xarici İşlər Nazirliyi. Bütün hüquqlar "
          "qorunur.</p><p>Ünvan: Bakı şəhəri, Şıxəli Qurbanov küçəsi 50. Tel: (+994 12) 596-91-00"
          "</p><div class=\"cookie\">Bu sayt kukilərdən istifadə edir. Razıyam</div></footer>")
for i in range(n):
    lang = ("az", "az", "ru", "en")[i % 4]
    y, m, d = 2021 + i % 5, 1 + i % 12, 1 + i % 28
    date = "%04d-%02d-%02d" % (y, m, d)
    title = " ".join(sentence(lang).split()[:9]).rstrip(".")
    paras = [sentence(lang) + " " + sentence(lang)]
    for _ in range(rnd.randint(4, 9)):
        paras.append(" ".join(sentence(lang) for _ in range(rnd.randint(2, 4))))
    other = "".join('<li><a href="/%s/news/no%d">%s</a></li>' % (lang, (i * 7 + k) % n, sentence(lang)[:60])
                    for k in range(5))
    html = ('<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><title>%s | MFA</title>'
            '<meta name="description" content="%s"><meta name="dcterms.issued" content="%s">'
            '<link rel="canonical" href="https://bench.example.gov/%s/news/no%05d">'
            '</head><body><header><div class="motto">Azərbaycan Respublikası Xarici İşlər Nazirliyi'
            '</div>%s</header><div class="breadcrumbs"><a href="/">Ana səhifə</a> / <a href="/%s/news">'
            'Xəbərlər</a></div><main><article><h1>%s</h1><time datetime="%s">%s</time>'
            '<div class="content">%s</div><div class="share">Paylaş: Facebook Twitter</div>'
            '</article><aside><h3>Digər xəbərlər</h3><ul>%s</ul></aside></main>%s</body></html>'
            % (lang, title, paras[0][:150], date, lang, i, MENU, lang, title, date, date,
               "".join("<p>%s</p>" % p for p in paras), other, FOOTER))
    path = os.path.join(out, "no%05d.html" % i)
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    os.utime(path, (1700000000 + i * 3600, 1700000000 + i * 3600))
PY

input_mb=$(du -sm "$WORK/pages" | cut -f1)
echo "pages: $PAGES generated in $WORK/pages ($input_mb MB); cores: $(nproc)"

rate() { python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$@"; }
# timed NAME CMD...: runs CMD; NAME_s = wall seconds, NAME_cpu = user + system
# CPU seconds of CMD and its children (bash's own `time`, no package needed).
timed() {
  local name=$1 out
  shift
  out=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
  read -r wall user sys <<<"$out"
  printf -v "${name}_s" '%s' "$wall"
  printf -v "${name}_cpu" '%s' "$(python3 -c "print('%.2f' % ($user + $sys))")"
}

timed omega sh -c '"$0" --db "$1" --url https://bench.example.gov/ "$2" > "$3" 2>&1' \
  "$OMINDEX" "$WORK/omega" "$WORK/pages" "$WORK/omindex.log"
omega_docs=$(xapian-delve "$WORK/omega" | sed -n 's/^number of documents = //p')

# One import of every page (xargs -s: its default 128 KiB of arguments split
# 3,000 pages into two imports, the second into a live index of about 2,500).
timed import sh -c 'cd "$1/pages" && ls | sed "s|^|$1/pages/|" | xargs -s 2000000 "$0" import --quiet --data "$1/data" --json > "$1/import.json"' \
  "$BIN" "$WORK"
import_docs=$(python3 -c "import json,sys; print(sum(json.loads(l)['indexed'] for l in open(sys.argv[1]) if l.strip()))" "$WORK/import.json")
import_gen=$(awk '{print $2}' "$WORK/data/index/current")
import_kb=$(du -sk "$WORK/data/index/$import_gen" | cut -f1)

timed reindex sh -c '"$0" reindex --quiet --data "$1/data" --json > "$1/reindex.json"' "$BIN" "$WORK"
reindex_docs=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['documents'])" "$WORK/reindex.json")
gen=$(awk '{print $2}' "$WORK/data/index/current")
pressarc_kb=$(du -sk "$WORK/data/index/$gen" | cut -f1)
omega_kb=$(du -sk "$WORK/omega" | cut -f1)
xapian-check "$WORK/data/index/$gen" > /dev/null

omega_rate=$(rate "$omega_docs" "$omega_s")
import_rate=$(rate "$import_docs" "$import_s")
reindex_rate=$(rate "$reindex_docs" "$reindex_s")
printf '%-34s %8s %10s %10s %12s %12s\n' "run" "docs" "seconds" "docs/s" "CPU ms/doc" "index KiB"
row() { printf '%-34s %8s %10s %10s %12s %12s\n' "$1" "$2" "$3" "$4" \
  "$(python3 -c "import sys; print('%.2f' % (1000 * float(sys.argv[1]) / float(sys.argv[2])))" "$5" "$2")" "$6"; }
row "omindex (default)" "$omega_docs" "$omega_s" "$omega_rate" "$omega_cpu" "$omega_kb"
row "pressarc import (HTML → WARC → index)" "$import_docs" "$import_s" "$import_rate" "$import_cpu" "$import_kb"
row "pressarc reindex (archive → index)" "$reindex_docs" "$reindex_s" "$reindex_rate" "$reindex_cpu" "$pressarc_kb"
# The goals (issue 19): reindex >= 2.0x and import >= 1.5x omindex's docs/s,
# index <= 0.7x omindex's after either. omindex runs on one core, pressarc on
# every core; on a machine shared with other work the wall clock waits for
# cores, so the 2-core bound is also printed: the docs/s ratio if pressarc's
# CPU time were spread over 2 cores and omindex's over one
# (2 x omindex CPU ms/doc / pressarc CPU ms/doc).
cpu_bound() { python3 -c "import sys; print('%.2f' % (2 * float(sys.argv[1]) / float(sys.argv[2]) * float(sys.argv[3]) / float(sys.argv[4])))" "$omega_cpu" "$omega_docs" "$2" "$1"; }
echo "ratio import/omindex:  $(rate "$import_rate" "$omega_rate")x wall, $(cpu_bound "$import_cpu" "$import_docs")x 2-core CPU bound   (goal >= 1.5x)"
echo "ratio reindex/omindex: $(rate "$reindex_rate" "$omega_rate")x wall, $(cpu_bound "$reindex_cpu" "$reindex_docs")x 2-core CPU bound   (goal >= 2.0x)"
echo "size pressarc/omindex: $(python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$pressarc_kb" "$omega_kb") after reindex, $(python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$import_kb" "$omega_kb") after import into an empty index (goal <= 0.7)"
