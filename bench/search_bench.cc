// Search latency benchmark.
//
// Builds (or reuses) a synthetic index of ministry-like press releases
// (az/ru/en, dates 2015-2024, five sources, translations sharing a key,
// republished copies), then runs a mixed query set in-process through
// search::Searcher (parse, match, folding, translations, snippets:
// everything but printing) and prints p50/p95/p99 (wall) and p50 CPU per
// query and per kind of query: plain words, phrases, wildcards and OR,
// filters only, date-sorted, --facets (issue 19's rows).
//
//   search_bench [--data DIR] [--docs N] [--part K/N] [--build-only] [--rounds R]
//                [--queries-out FILE] [--direct] [--dense-vocabulary] [--only TEXT]
//                [--search-via SHARD]... [--compare [--server-pid PID]...] [--totals]
//                [--rebuild] [--pair-words-of DIR2] [--no-pair-words]
//   search_bench --data PREFIX --docs N --parts P --build-only
//
// DIR (default /work/bench-data/zipf) keeps the index between runs; keep it
// out of the repository (a million documents take several GiB).
// --part K/N builds (or reuses) in DIR only the documents of the N-document
// corpus whose number i has i % N == K, each the same as in the full build
// (DIR/corpus says which part). --build-only stops there. --rebuild builds
// the index in DIR again as a new generation over the one there, as a
// second `reindex` does (the pair words, schema::kMetadataPairWords, come
// from the index replaced). A fresh build takes the pair words of a sample
// of the corpus (SamplePairWords: as a deployed index has them after its
// second reindex); --no-pair-words builds without (as a first reindex
// leaves an index), --pair-words-of DIR2 with those of the index in DIR2.
// --parts P builds the P parts (PREFIX-part0ofP ...) together, generating
// each document once (P separate --part builds generate the corpus P times).
// --search-via SHARD (repeatable) searches through those shards together
// (tcp://HOST:PORT of a xapian-tcpsrv, or a data directory), with no local
// index, instead of DIR. With --compare, DIR (the whole corpus) and the
// shards (its parts) are both searched: every query of the set is checked
// for identical results (ids and URLs of the top 10 and top 50 in order,
// scores, copies, translations, snippets, totals where
// exact, facets where exact; a line per query, exit 1 if any differs), then
// timed on both, alternating, with per-kind p50/p99 and the ratios
// (bench/shard_bench.sh runs it over three xapian-tcpsrv on loopback);
// --server-pid PID (each server's) adds the servers' CPU time to the shards'.
// --totals prints, instead of timings, each query's total as search reports
// it against the exact count (every match read, copies folded by Xapian's
// collapse) and Xapian's own estimate (search/match_sample.h says why they
// differ).
//
// Words follow Zipf's law, as in real text: each language has a lexicon of
// 60,000 words whose frequency falls with rank as rank^-0.9 (fitted on the
// 181 real English news articles of ../shared/bench/aeb: s = 0.86 over ranks
// 10-1000; there the 100th word is in 35% of the articles, the 1,000th in
// 5.5%). Function words lead (the country's name among them); the ministry
// vocabulary (nazirlik, министерство, ministry, ...) sits at ranks 12-1,500,
// names (Lavrov, Bayramov, ...) at 150-1,500, places at 60-1,000; invented
// words fill the long tail. --dense-vocabulary builds the earlier corpus instead:
// about 150 words in all, every one of them in 20-70% of the documents
// (kept for comparison; no real archive looks like it).
//
// By default the index is built as `pressarc reindex` builds one: the
// indexer's PrepareDocument (every analysed form: folded, transliterated,
// stems, spelling data) on a thread per core (BulkIndexer), a new generation
// written in as many shards, each by a thread of its own, compacted and
// checked by Publish. --direct writes Xapian's plain
// TermGenerator terms on the schema instead (no folded or Latin forms;
// faster to build, less faithful).
//
// Goals (issue 19, at 1,000,000 documents): words, phrases and filters p50
// <= 5 ms, p99 <= 50 ms; --facets and date-sorted p99 <= 150 ms.
// --queries-out writes the query set (one per line, options as
// "OPTS<TAB>QUERY") for bench/search_bench.sh, which times whole processes.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "parser/parser.h"
#include "search/query_builder.h"
#include "search/search.h"

namespace {

using pressarc::IndexedArticle;
using pressarc::search::SearchOptions;
using pressarc::search::SearchResponse;
using pressarc::search::SortOrder;

struct Vocabulary {
  std::vector<std::string> words;
  std::vector<std::string> titles;
};

const std::vector<std::string> kAzStems = {
    "nazir",         "nazirlik",   "xarici",     "iş",        "görüş",    "bəyanat",
    "səfir",         "səfirlik",   "respublika", "prezident", "hökumət",  "əməkdaşlıq",
    "təhlükəsizlik", "nəqliyyat",  "dəhliz",     "sülh",      "danışıq",  "müqavilə",
    "iqtisadiyyat",  "enerji",     "layihə",     "ölkə",      "region",   "tərəf",
    "məsələ",        "inkişaf",    "beynəlxalq", "təşkilat",  "konfrans", "sammit",
    "nümayəndə",     "heyət",      "qonaq",      "dövlət",    "xalq",     "mədəniyyət",
    "təhsil",        "səhiyyə",    "peyvənd",    "kampaniya", "qaçqın",   "ərazi",
    "bütövlük",      "suverenlik", "diplomat",   "konsul",    "vətəndaş"};
const std::vector<std::string> kAzSuffixes = {"",      "in",    "ın",  "ə",   "a",   "i",   "ı",
                                              "də",    "da",    "dən", "dan", "lər", "lar", "ləri",
                                              "ların", "lərin", "si",  "sı",  "nin", "nın"};
const std::vector<std::string> kRuWords = {
    "министр",       "министерство", "иностранных",    "дел",      "заявление",   "встреча",
    "переговоры",    "безопасность", "сотрудничество", "договор",  "соглашение",  "президент",
    "правительство", "делегация",    "визит",          "посол",    "посольство",  "регион",
    "транспортный",  "коридор",      "мирный",         "процесс",  "экономика",   "энергетика",
    "проект",        "страна",       "сторона",        "вопрос",   "развитие",    "международный",
    "организация",   "конференция",  "саммит",         "граждан",  "консульский", "брифинг",
    "представитель", "официальный",  "ответила",       "обсудили", "подписали",   "состоялась"};
const std::vector<std::string> kEnWords = {
    "minister",     "ministry",    "foreign",     "affairs",    "statement",   "meeting",
    "talks",        "security",    "cooperation", "treaty",     "agreement",   "president",
    "government",   "delegation",  "visit",       "ambassador", "embassy",     "region",
    "transport",    "corridor",    "peace",       "process",    "economy",     "energy",
    "project",      "country",     "sides",       "issue",      "development", "international",
    "organization", "conference",  "summit",      "citizens",   "consular",    "briefing",
    "spokesperson", "signed",      "discussed",   "held",       "vaccine",     "campaign",
    "refugees",     "territorial", "integrity",   "sovereignty"};
const std::vector<std::string> kNames = {"Lavrov",    "Bayramov", "Əliyev",   "Blinken",
                                         "Zakharova", "Məmmədov", "Hüseynov", "Pashinyan"};
const std::vector<std::string> kRuNames = {"Лавров",   "Байрамов", "Алиев",
                                           "Захарова", "Блинкен",  "Пашинян"};
const std::vector<std::string> kPlaces = {"Bakı",    "Moskva", "Tbilisi", "Ankara",
                                          "Brüssel", "Gəncə",  "Şuşa",    "Naxçıvan"};
const std::vector<std::string> kSources = {"mfa-az", "president-az", "mid-ru", "metbuat",
                                           "report-az"};

// The most frequent words of each language, most frequent first.
const std::vector<std::string> kAzFunction = {"və",   "bu",  "Azərbaycan", "ilə",      "üçün",
                                              "bir",  "ki",  "olan",       "həmçinin", "qeyd",
                                              "edib", "isə", "bildirib",   "olaraq",   "də"};
const std::vector<std::string> kRuFunction = {
    "и",  "в", "Азербайджана", "на", "с",  "по", "о", "что", "для",
    "не", "к", "также",        "а",  "из", "от"};
const std::vector<std::string> kEnFunction = {"the",  "of", "Azerbaijan", "and", "to",
                                              "in",   "a",  "on",         "for", "with",
                                              "that", "is", "was",        "by",  "at"};

constexpr std::size_t kLexiconSize = 60000;
constexpr double kZipfExponent = 0.9;
// The ministry vocabulary, names and places take ranks from here to there.
constexpr double kTopicalFirstRank = 12;
constexpr double kTopicalLastRank = 1500;

// Invented word number `i` (< 64,000) of a language: three syllables.
std::string InventedWord(const std::string& lang, std::size_t i) {
  static const std::vector<std::string> az_c = {"b", "c", "ç", "d", "f", "g", "ğ", "h",
                                                "x", "k", "q", "l", "m", "n", "p", "r",
                                                "s", "ş", "t", "v", "y", "z"};
  static const std::vector<std::string> az_v = {"a", "ə", "e", "ı", "i", "o", "ö", "u", "ü"};
  static const std::vector<std::string> ru_c = {"б", "в", "г", "д", "ж", "з", "к", "л", "м", "н",
                                                "п", "р", "с", "т", "ф", "х", "ц", "ч", "ш"};
  static const std::vector<std::string> ru_v = {"а", "е", "и", "о", "у", "ы", "я", "ю"};
  static const std::vector<std::string> en_c = {"b", "c", "d", "f", "g", "h", "k", "l", "m",
                                                "n", "p", "r", "s", "t", "v", "w", "z"};
  static const std::vector<std::string> en_v = {"a", "e", "i", "o", "u"};
  const auto& c = lang == "az" ? az_c : lang == "ru" ? ru_c : en_c;
  const auto& v = lang == "az" ? az_v : lang == "ru" ? ru_v : en_v;
  // 40 distinct syllables: (j mod |c|, 5j mod |v|) repeats only after lcm >= 85.
  auto syllable = [&](std::size_t j) { return c[j % c.size()] + v[(5 * j) % v.size()]; };
  return syllable(i % 40) + syllable((i / 40) % 40) + syllable(i / 1600);
}

// A language's words by frequency rank; Sample() draws one by Zipf's law.
class Lexicon {
 public:
  explicit Lexicon(const std::string& lang) : words_(kLexiconSize), inflect_(kLexiconSize) {
    const auto& function = lang == "az" ? kAzFunction : lang == "ru" ? kRuFunction : kEnFunction;
    for (std::size_t i = 0; i < function.size(); ++i) words_[i] = function[i];
    // The ministry vocabulary in its order (most frequent first), then
    // names and places, each at geometrically spaced ranks: the first
    // domain word at rank 12 (in about half the documents), the first name
    // at rank 150 (in about one in fifteen).
    const auto& domain = lang == "az" ? kAzStems : lang == "ru" ? kRuWords : kEnWords;
    Place(domain, kTopicalFirstRank, kTopicalLastRank, lang == "az");
    Place(lang == "ru" ? kRuNames : kNames, 150, kTopicalLastRank, false);
    if (lang != "ru") Place(kPlaces, 60, 1000, false);
    for (std::size_t i = 0; i < words_.size(); ++i) {
      if (words_[i].empty()) words_[i] = InventedWord(lang, i);
    }
    double total = 0;
    cumulative_.reserve(words_.size());
    for (std::size_t i = 0; i < words_.size(); ++i) {
      total += std::pow(static_cast<double>(i + 1), -kZipfExponent);
      cumulative_.push_back(total);
    }
  }

  std::string Sample(std::mt19937& rng) const;

 private:
  // Puts `words` at ranks from `first` to `last`, geometrically spaced, in
  // the first free slot at or after each.
  void Place(const std::vector<std::string>& words, double first, double last, bool inflect) {
    const double n = static_cast<double>(words.size() - 1);
    for (std::size_t k = 0; k < words.size(); ++k) {
      auto rank =
          static_cast<std::size_t>(first * std::pow(last / first, static_cast<double>(k) / n));
      while (!words_[rank].empty()) ++rank;
      words_[rank] = words[k];
      inflect_[rank] = inflect;
    }
  }

  std::vector<std::string> words_;
  std::vector<bool> inflect_;  // Azerbaijani stems take a suffix
  std::vector<double> cumulative_;
};

template <typename T>
const T& Pick(std::mt19937& rng, const std::vector<T>& v) {
  // Zipf-ish: low indexes are more frequent.
  std::uniform_real_distribution<double> u(0, 1);
  double x = u(rng);
  std::size_t i = static_cast<std::size_t>(x * x * static_cast<double>(v.size()));
  return v[std::min(i, v.size() - 1)];
}

std::string Lexicon::Sample(std::mt19937& rng) const {
  std::uniform_real_distribution<double> u(0, cumulative_.back());
  auto i = static_cast<std::size_t>(
      std::upper_bound(cumulative_.begin(), cumulative_.end(), u(rng)) - cumulative_.begin());
  i = std::min(i, words_.size() - 1);
  return inflect_[i] ? words_[i] + Pick(rng, kAzSuffixes) : words_[i];
}

// false: the earlier corpus (--dense-vocabulary).
bool g_zipf = true;

std::string Sentence(std::mt19937& rng, const std::string& lang, int words) {
  static const Lexicon az("az"), ru("ru"), en("en");
  std::string s;
  for (int i = 0; i < words; ++i) {
    if (!s.empty()) s += ' ';
    if (g_zipf) {
      s += (lang == "az" ? az : lang == "ru" ? ru : en).Sample(rng);
      continue;
    }
    std::uniform_int_distribution<int> roll(0, 19);
    int r = roll(rng);
    if (r == 0) {
      s += lang == "ru" ? Pick(rng, kRuNames) : Pick(rng, kNames);
    } else if (r == 1 && lang != "ru") {
      s += Pick(rng, kPlaces);
    } else if (lang == "az") {
      s += Pick(rng, kAzStems) + Pick(rng, kAzSuffixes);
    } else if (lang == "ru") {
      s += Pick(rng, kRuWords);
    } else {
      s += Pick(rng, kEnWords);
    }
  }
  s += '.';
  s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string Paragraphs(std::mt19937& rng, const std::string& lang, int paragraphs) {
  std::string text;
  for (int p = 0; p < paragraphs; ++p) {
    if (!text.empty()) text += "\n\n";
    std::uniform_int_distribution<int> n(2, 4), w(10, 18);
    int sentences = n(rng);
    for (int i = 0; i < sentences; ++i) {
      if (i) text += ' ';
      text += Sentence(rng, lang, w(rng));
    }
  }
  return text;
}

// A part of the corpus (--part K/N): the documents whose number i (from 0,
// in the corpus's order) has i % N == K, each exactly as the full corpus
// has it. The generator is one sequential RNG, so a part generates every
// document and indexes only its own. N = 1: the whole corpus.
struct CorpusPart {
  std::size_t k = 0;
  std::size_t n = 1;
  bool Whole() const { return n == 1; }
  bool Has(std::size_t i) const { return i % n == k; }
  // How many of the first `docs` documents the part holds.
  std::size_t Count(std::size_t docs) const { return docs > k ? (docs - k + n - 1) / n : 0; }
  // What DIR/corpus adds for a part ("" for the whole corpus, whose line
  // stays as it was, so that existing indexes are reused).
  std::string Label() const {
    return Whole() ? "" : " part " + std::to_string(k) + "/" + std::to_string(n);
  }
};

// The corpus, one article at a time (a million articles do not fit in
// memory at once): the same sequence for the same seed, whatever the count.
class ArticleStream {
 public:
  IndexedArticle Next() {
    if (pending_.empty()) Refill();
    IndexedArticle a = std::move(pending_.front());
    pending_.pop_front();
    a.archive.offset = produced_++ * 4096;
    return a;
  }

 private:
  // The language versions (and copy) of the next release.
  void Refill() {
    const std::vector<std::string> langs = {"az", "ru", "en"};
    ++release_;
    const std::size_t release = release_;
    std::mt19937& rng = rng_;
    std::uniform_int_distribution<int> year(2015, 2024), month(1, 12), day(1, 28);
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", year(rng), month(rng), day(rng));
    const std::string& source = kSources[release % 3 == 0 ? 2 : (release % 7 == 0 ? 1 : 0)];
    bool trilingual = release % 3 == 1;
    std::vector<std::string> versions =
        trilingual ? langs : std::vector<std::string>{langs[release % 3]};
    for (const auto& lang : versions) {
      IndexedArticle a;
      std::string id = "no" + std::to_string(10000 + release);
      a.article.url = "https://" + source + ".example/" + lang + "/news/" + id;
      a.article.canonical_url = a.article.url;
      a.article.title = Sentence(rng, lang, 7);
      a.article.title.pop_back();
      a.article.published = date;
      a.article.language = lang;
      a.article.source = source;
      a.article.translation_key = trilingual ? id : "";
      a.article.text = Paragraphs(rng, lang, 3);
      a.article.kind = pressarc::PageKind::kArticle;
      a.archive.file = "bench.warc.gz";
      a.fetched_at = std::string(date) + "T12:00:00Z";
      pending_.push_back(a);
      // 5% of az releases are republished by a news site a day later.
      if (lang == "az" && release % 20 == 0) {
        IndexedArticle copy = a;
        copy.article.url = "https://metbuat.example/news/" + std::to_string(release) + ".html";
        copy.article.canonical_url = copy.article.url;
        copy.article.source = "metbuat";
        copy.article.translation_key = "";
        copy.article.text = "Metbuat.az xəbər verir ki,\n\n" + copy.article.text;
        copy.fetched_at = std::string(date) + "T18:00:00Z";
        pending_.push_back(std::move(copy));
      }
    }
  }

  std::mt19937 rng_{20231128};
  std::size_t release_ = 0;
  std::size_t produced_ = 0;
  std::deque<IndexedArticle> pending_;
};

std::vector<IndexedArticle> MakeArticles(std::size_t count) {
  ArticleStream stream;
  std::vector<IndexedArticle> out;
  out.reserve(count);
  while (out.size() < count) out.push_back(stream.Next());
  return out;
}

// Writes the documents directly with Xapian's TermGenerator on the schema of
// indexer/schema.h (terms, values, data), without the indexer's extra
// analysis forms (folded, transliterated): about ten times faster to build,
// and the same posting structure for the words queries touch.
int BuildIndexDirect(const std::string& dir, std::size_t count, const CorpusPart& part) {
  namespace schema = pressarc::schema;
  auto start = std::chrono::steady_clock::now();
  std::vector<IndexedArticle> articles = MakeArticles(count);
  std::filesystem::create_directories(dir + "/index/gen-000001");
  try {
    Xapian::WritableDatabase db(dir + "/index/gen-000001", Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator gen;
    std::map<std::string, Xapian::Stem> stemmers;
    std::size_t n = 0;
    for (std::size_t number = 0; number < articles.size(); ++number) {
      if (!part.Has(number)) continue;
      const auto& doc = articles[number];
      const auto& a = doc.article;
      auto stem = stemmers.find(a.language);
      if (stem == stemmers.end())
        stem = stemmers.emplace(a.language, pressarc::StemmerFor(a.language)).first;
      Xapian::Document d;
      gen.set_document(d);
      gen.set_stemmer(stem->second);
      gen.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
      gen.index_text(a.title, 1, std::string(schema::kPrefixTitle));
      gen.set_termpos(0);
      gen.index_text(a.title);
      gen.increase_termpos(100);
      gen.index_text(a.text);
      std::string id = pressarc::DocumentId(a.canonical_url);
      std::string day =
          a.published.substr(0, 4) + a.published.substr(5, 2) + a.published.substr(8, 2);
      // Copies share the text after the attribution line.
      std::string dup = a.source == "metbuat"
                            ? pressarc::DocumentId(a.text.substr(a.text.find("\n\n") + 2))
                            : pressarc::DocumentId(a.text);
      d.add_boolean_term(pressarc::BooleanTerm(schema::kPrefixUnique, a.canonical_url));
      d.add_boolean_term(pressarc::BooleanTerm(schema::kPrefixUrl, a.canonical_url));
      d.add_boolean_term(
          pressarc::BooleanTerm(schema::kPrefixHost, pressarc::UrlHost(a.canonical_url)));
      d.add_boolean_term(std::string(schema::kPrefixLanguage) + a.language);
      d.add_boolean_term(std::string(schema::kPrefixDay) + day);
      d.add_boolean_term(std::string(schema::kPrefixMonth) + day.substr(0, 6));
      d.add_boolean_term(std::string(schema::kPrefixYear) + day.substr(0, 4));
      d.add_boolean_term(pressarc::BooleanTerm(schema::kPrefixSource, a.source));
      d.add_boolean_term(std::string(schema::kPrefixId) + id);
      if (!a.translation_key.empty()) {
        d.add_boolean_term(pressarc::BooleanTerm(schema::kPrefixTranslation, a.translation_key));
      }
      d.add_boolean_term(std::string(schema::kPrefixDupKey) + dup);
      d.add_boolean_term(std::string(schema::kPrefixKind) + "article");
      d.add_value(schema::kSlotPublished, day + "000000");
      d.add_value(schema::kSlotSource, a.source);
      d.add_value(schema::kSlotDupKey, dup);
      d.add_value(schema::kSlotTranslation, a.translation_key);
      d.add_value(schema::kSlotLanguage, a.language);
      d.add_value(schema::kSlotYear, day.substr(0, 4));
      d.add_value(schema::kSlotDay, Xapian::sortable_serialise(std::stod(day)));
      d.add_value(schema::kSlotArchived, Xapian::sortable_serialise(static_cast<double>(number)));
      d.add_value(schema::kSlotDate, day);
      d.add_value(schema::kSlotLinked, schema::LinkedValue(a.language, a.source, a.canonical_url));
      nlohmann::json j = {
          {"id", id},
          {"url", a.url},
          {"canonical_url", a.canonical_url},
          {"title", a.title},
          {"published", a.published},
          {"language", a.language},
          {"text", a.text},
          {"source", a.source},
          {"translation_key",
           a.translation_key.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.translation_key)},
          {"archive", {{"file", doc.archive.file}, {"offset", doc.archive.offset}}},
          {"fetched_at", doc.fetched_at}};
      d.set_data("url=" + a.canonical_url + "\ncaption=" + a.title +
                 "\nsample=" + a.text.substr(0, 200) + "\nlanguage=" + a.language + "\n" +
                 std::string(schema::kDataJsonKey) + j.dump() + "\n");
      db.replace_document(pressarc::BooleanTerm(schema::kPrefixUnique, a.canonical_url), d);
      if (++n % 5000 == 0) std::fprintf(stderr, "\rindexed %zu/%zu", n, part.Count(count));
    }
    db.commit();
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "search_bench: %s\n", e.get_description().c_str());
    return 1;
  }
  std::ofstream(dir + "/index/current") << "auto gen-000001\n";
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "\nbuilt %zu documents directly in %.1f s\n", part.Count(count), secs);
  return 0;
}

// Build time, documents per second, index size per document and the
// process's peak RSS, on stdout (docs/performance.md).
// `built`: the documents the process built in all (several parts at once:
// the CPU time is theirs); 0: `count`.
void ReportBuild(const std::string& dir, std::size_t count, double secs, std::size_t built = 0) {
  if (built == 0) built = count;
  std::uintmax_t bytes = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir + "/index", ec)) {
    if (e.is_regular_file(ec)) bytes += e.file_size(ec);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  // CPU time of all threads (user + system): on a shared machine the wall
  // time waits for cores; CPU / wall is how many cores the build kept busy.
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::printf(
      "build: %zu documents in %.1f s (%.0f docs/s), CPU %.1f s (%.2f ms/document, %.2f cores "
      "busy); index %.1f MiB, %.0f bytes/document; peak RSS %.0f MiB\n",
      count, secs, static_cast<double>(count) / secs, cpu,
      1000.0 * cpu / static_cast<double>(built), cpu / secs, static_cast<double>(bytes) / 1048576.0,
      static_cast<double>(bytes) / static_cast<double>(count),
      static_cast<double>(usage.ru_maxrss) / 1024.0);
}

// The pair words (schema::kMetadataPairWords) of the index in DIR, or
// nullopt after saying why not.
std::optional<std::string> PairWordsOf(const std::string& dir) {
  try {
    return Xapian::Database(pressarc::IndexPaths::Stub(dir))
        .get_metadata(std::string(pressarc::schema::kMetadataPairWords));
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "search_bench: %s: %s\n", dir.c_str(), e.get_description().c_str());
    return std::nullopt;
  }
}

// An index to build from the corpus: the documents of `part` into DIR.
// `pair_words` (one per line, schema::kMetadataPairWords), when given, are
// the new generation's, set through CopyFrom of an empty database carrying
// them (as an import into an empty index takes the live one's); else those
// of the generation it replaces, as reindex does (none in an empty DIR).
struct BuildTarget {
  std::string dir;
  CorpusPart part;
  std::optional<std::string> pair_words;
};

// Builds every target from one pass over the first `count` documents of
// the corpus (the generator is sequential: several parts built at once
// generate each document once). `quiet`: no progress, no build report.
int BuildIndexes(const std::vector<BuildTarget>& targets, std::size_t count, bool quiet = false) {
  auto start = std::chrono::steady_clock::now();
  ArticleStream stream;
  // As reindex (cli/cmd_reindex.cc): a new generation written in as many
  // shards as threads, each shard by a thread of its own, while analysis runs
  // on as many more (BulkIndexer); then compacted, checked and swapped in by
  // Publish. The articles are generated on this thread.
  const unsigned cores = std::max(1u, std::min(std::thread::hardware_concurrency(), 8u));
  const auto threads = std::max<unsigned>(1, cores / static_cast<unsigned>(targets.size()));
  pressarc::IndexWriterOptions options;
  options.shards = threads;
  std::vector<std::unique_ptr<pressarc::IndexWriter>> writers;
  for (const BuildTarget& target : targets) {
    auto writer = pressarc::IndexWriter::CreateGeneration(target.dir, options);
    if (!writer.ok()) {
      std::fprintf(stderr, "search_bench: %s\n", writer.status().message().c_str());
      return 1;
    }
    if (target.pair_words) {
      Xapian::WritableDatabase carrier(std::string(), Xapian::DB_BACKEND_INMEMORY);
      carrier.set_metadata(std::string(pressarc::schema::kMetadataPairWords), *target.pair_words);
      if (pressarc::Status s = (*writer)->CopyFrom(carrier); !s.ok()) {
        std::fprintf(stderr, "search_bench: %s\n", s.message().c_str());
        return 1;
      }
    }
    writers.push_back(std::move(writer.value()));
  }
  {
    std::vector<std::unique_ptr<pressarc::BulkIndexer>> bulks;
    for (auto& writer : writers) {
      bulks.push_back(std::make_unique<pressarc::BulkIndexer>(writer.get(), threads));
    }
    for (std::size_t i = 0; i < count; ++i) {
      IndexedArticle next = stream.Next();  // every document: the RNG is sequential
      std::vector<std::size_t> to;  // the targets holding it: a copy for each, the last moved
      for (std::size_t t = 0; t < targets.size(); ++t) {
        if (targets[t].part.Has(i)) to.push_back(t);
      }
      for (std::size_t t : to) {
        auto article = t == to.back() ? std::make_shared<IndexedArticle>(std::move(next))
                                      : std::make_shared<IndexedArticle>(next);
        bulks[t]->Push(
            [article]() -> std::optional<IndexedArticle> { return std::move(*article); });
      }
      if (!quiet && ((i + 1) % 2000 == 0 || i + 1 == count))
        std::fprintf(stderr, "\rindexed %zu/%zu", i + 1, count);
    }
    for (auto& bulk : bulks) {
      pressarc::Status finished = bulk->Finish();
      if (!finished.ok()) {
        std::fprintf(stderr, "search_bench: %s\n", finished.message().c_str());
        return 1;
      }
      if (bulk->stats().errors != 0) {
        std::fprintf(stderr, "search_bench: %llu documents could not be indexed\n",
                     static_cast<unsigned long long>(bulk->stats().errors));
        return 1;
      }
    }
  }
  if (!quiet) std::fprintf(stderr, "\ncompacting and checking\n");
  for (auto& writer : writers) {
    if (pressarc::Status s = writer->Publish(); !s.ok()) {
      std::fprintf(stderr, "search_bench: %s\n", s.message().c_str());
      return 1;
    }
  }
  if (quiet) return 0;
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::size_t built = 0;
  for (const BuildTarget& target : targets) built += target.part.Count(count);
  for (const BuildTarget& target : targets) {
    std::fprintf(stderr, "\nbuilt %zu documents in %.1f s\n", target.part.Count(count), secs);
    ReportBuild(target.dir, target.part.Count(count), secs, built);
  }
  return 0;
}

int BuildIndex(const std::string& dir, std::size_t count, const CorpusPart& part,
               const std::optional<std::string>& pair_words, bool quiet = false) {
  return BuildIndexes({BuildTarget{dir, part, pair_words}}, count, quiet);
}

struct BenchQuery {
  std::string label;  // options as the CLI takes them
  SearchOptions options;
  std::string kind;  // the row of the summary (Kind)
};

// The kind of a query, for the summary: what the goals name.
std::string Kind(const SearchOptions& o) {
  if (o.facets) return "facets";
  if (o.sort != SortOrder::kRelevance) return "date-sorted";
  const std::string& q = o.query;
  if (q.find('*') != std::string::npos || q.find(" OR ") != std::string::npos || o.match_any) {
    return "wildcards and OR";
  }
  if (q.find('"') != std::string::npos) return "phrases";
  // Words: a letter outside a prefix (source:, title: is a word) or a range.
  bool words = false;
  std::size_t start = 0;
  while (start < q.size()) {
    std::size_t end = q.find(' ', start);
    std::string w = q.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!w.empty() && w.find("..") == std::string::npos &&
        (w.find(':') == std::string::npos || w.starts_with("title:"))) {
      words = true;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return words ? "words" : "filters only";
}

std::vector<BenchQuery> QuerySet() {
  std::vector<BenchQuery> out;
  auto add = [&](const std::string& label, SearchOptions o) { out.push_back({label, o, Kind(o)}); };
  SearchOptions o;
  auto q = [](const std::string& text) {
    SearchOptions s;
    s.query = text;
    return s;
  };
  add("", q("nazirlik"));
  add("", q("Lavrov"));
  add("", q("Azerbaycan prezident"));
  add("", q("\"foreign affairs\""));
  add("", q("\"the ministry\""));
  add("", q("\"министерство иностранных\""));
  add("", q("министерство иностранных"));
  add("", q("security AND cooperation"));
  add("", q("Bakı OR Gəncə OR Şuşa"));
  add("", q("nazir*"));
  add("", q("peace -talks"));
  add("", q("title:summit"));
  add("", q("source:mid-ru"));
  add("", q("transport 2020..2021"));
  add("", q("2023-05.."));
  o = q("Bayramov");
  o.sort = SortOrder::kNewest;
  add("--sort newest", o);
  o = q("энергетика");
  o.sort = SortOrder::kOldest;
  add("--sort oldest", o);
  o = q("visit");
  o.languages = {"en"};
  o.from = "2019-01-01";
  o.to = "2019-12-31";
  add("--lang en --from 2019-01-01 --to 2019-12-31", o);
  o = q("");
  o.languages = {"ru"};
  o.sort = SortOrder::kNewest;
  add("--lang ru --sort newest", o);
  o = q("görüş");
  o.sources = {"mfa-az"};
  add("--source mfa-az", o);
  o = q("embassy consular");
  o.match_any = true;
  add("--any", o);
  o = q("sammit");
  o.facets = true;
  add("--facets", o);
  // A common word: facets and date order must not read every match.
  o = q("nazirlik");
  o.facets = true;
  add("--facets", o);
  o = q("nazirlik");
  o.sort = SortOrder::kNewest;
  add("--sort newest", o);
  o = q("");
  o.languages = {"en"};
  o.facets = true;
  add("--lang en --facets", o);
  return out;
}

std::string Percentile(std::vector<double> ms, double p) {
  if (ms.empty()) return "n/a";
  std::sort(ms.begin(), ms.end());
  std::size_t i = static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1) + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", ms[std::min(i, ms.size() - 1)]);
  return buf;
}

// The options of a run (main's command line).
struct BenchArgs {
  std::string dir = "/work/bench-data/zipf";
  std::size_t docs = 100000;
  CorpusPart part;          // --part K/N: build (or reuse) only this part of the corpus in DIR
  bool build_only = false;  // --build-only: build or reuse the index, search nothing
  int rounds = 20;
  std::string queries_out;
  bool direct = false;
  std::string only;  // run only the queries whose text or options contain this (for profiling)
  // --search-via SHARD, repeatable: search through these shards together
  // (e.g. tcp://127.0.0.1:7000, a xapian-tcpsrv serving an index/current),
  // with no local index, instead of opening DIR directly.
  std::vector<std::string> via;
  // --compare (with --search-via): time DIR opened directly and the shards
  // alternately, and check that the shards give the same results.
  bool compare = false;
  // --server-pid PID (repeatable, with --compare): the process ids of the
  // shards' servers (xapian-tcpsrv), whose CPU time is measured too.
  std::vector<int> server_pids;
  bool totals = false;  // --totals: reported against exact totals, no timing
  // --rebuild: build the index in DIR again as a new generation over the one
  // there (as a second reindex does: its pair words come from the index it
  // replaces), instead of reusing it.
  bool rebuild = false;
  // --pair-words-of DIR: a build takes the pair words of the index in DIR
  // (e.g. the parts of a shard bench, those of the whole index).
  std::string pair_words_of;
  // --no-pair-words: a fresh build without pair words, as a first reindex
  // leaves an index (by default a fresh build takes a sample's words).
  bool no_pair_words = false;
  // --parts N (with --build-only): build the N parts of the corpus at once,
  // in DIR-part0ofN ... DIR-part(N-1)ofN (EnsureParts).
  std::size_t parts = 0;
};

constexpr const char* kUsage =
    "usage: search_bench [--data DIR] [--docs N] [--part K/N] [--build-only] [--rounds R] "
    "[--queries-out F] [--direct] [--dense-vocabulary] [--only TEXT] [--search-via SHARD]... "
    "[--compare [--server-pid PID]...] [--totals] [--rebuild] [--pair-words-of DIR] "
    "[--no-pair-words] [--parts N --build-only]\n";

// "K/N" with 0 <= K < N.
std::optional<CorpusPart> ParsePart(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
  const std::string k = text.substr(0, slash), n = text.substr(slash + 1);
  auto digits = [](const std::string& t) {
    return t.size() < 10 &&
           std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(k) || !digits(n)) return std::nullopt;
  CorpusPart part{std::stoul(k), std::stoul(n)};
  if (part.n == 0 || part.k >= part.n) return std::nullopt;
  return part;
}

// nullopt after printing what is wrong (exit 2).
std::optional<BenchArgs> ParseArgs(int argc, char** argv) {
  BenchArgs args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data") {
      args.dir = next();
    } else if (a == "--docs") {
      args.docs = std::strtoul(next().c_str(), nullptr, 10);
    } else if (a == "--part") {
      std::string text = next();
      auto part = ParsePart(text);
      if (!part) {
        std::fprintf(stderr, "search_bench: --part wants K/N with 0 <= K < N, not '%s'\n",
                     text.c_str());
        return std::nullopt;
      }
      args.part = *part;
    } else if (a == "--build-only") {
      args.build_only = true;
    } else if (a == "--rounds") {
      args.rounds = std::atoi(next().c_str());
    } else if (a == "--direct") {
      args.direct = true;
    } else if (a == "--dense-vocabulary") {
      g_zipf = false;
    } else if (a == "--queries-out") {
      args.queries_out = next();
    } else if (a == "--only") {
      args.only = next();
    } else if (a == "--search-via") {
      args.via.push_back(next());
    } else if (a == "--compare") {
      args.compare = true;
    } else if (a == "--server-pid") {
      args.server_pids.push_back(std::atoi(next().c_str()));
    } else if (a == "--totals") {
      args.totals = true;
    } else if (a == "--rebuild") {
      args.rebuild = true;
    } else if (a == "--pair-words-of") {
      args.pair_words_of = next();
    } else if (a == "--no-pair-words") {
      args.no_pair_words = true;
    } else if (a == "--parts") {
      args.parts = std::strtoul(next().c_str(), nullptr, 10);
    } else {
      std::fputs(kUsage, stderr);
      return std::nullopt;
    }
  }
  if (args.parts != 0 &&
      (!args.build_only || !args.part.Whole() || args.direct || args.rebuild || args.parts > 64)) {
    std::fprintf(stderr,
                 "search_bench: --parts N (at most 64) builds parts only: with --build-only, "
                 "without --part, --direct or --rebuild\n");
    return std::nullopt;
  }
  if (args.compare && args.via.empty()) {
    std::fprintf(stderr, "search_bench: --compare needs the shards (--search-via SHARD)\n");
    return std::nullopt;
  }
  return args;
}

// The pair words a second reindex would give the index of `docs`
// documents (of `part`): the words in 5% of the documents of a sample, the
// part's documents among the corpus's first kSample x N, indexed into a
// scratch index under DIR (the generator's vocabulary is the same from the
// first document to the last). A fresh build takes them, so that it is
// searched as a deployed index is after its second reindex (the first has
// no pair words; --no-pair-words builds that). None below 5,000 documents,
// as reindex gives none.
std::optional<std::string> SamplePairWords(const std::string& dir, std::size_t docs,
                                           const CorpusPart& part) {
  constexpr std::size_t kSample = 20000;
  const pressarc::IndexWriterOptions defaults;
  const std::size_t count = part.Count(docs);
  if (count < defaults.pair_word_min_docs) return std::string();
  const std::size_t sampled = std::min(docs, kSample * part.n);
  const std::string scratch = dir + "/pair-word-sample";
  std::filesystem::remove_all(scratch);
  if (BuildIndex(scratch, sampled, part, std::nullopt, /*quiet=*/true) != 0) return std::nullopt;
  std::optional<std::string> words;
  try {
    Xapian::Database db(pressarc::IndexPaths::Stub(scratch));
    // At least pair_word_min_docs of the whole index's documents: that
    // share of the sample.
    const auto least = static_cast<std::uint64_t>(static_cast<double>(defaults.pair_word_min_docs) *
                                                  static_cast<double>(db.get_doccount()) /
                                                  static_cast<double>(count));
    words = pressarc::PairWords::Frequent(db, defaults.pair_word_share,
                                          std::max<std::uint64_t>(1, least))
                .Serialise();
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "search_bench: %s\n", e.get_description().c_str());
  }
  std::filesystem::remove_all(scratch);
  if (words) {
    std::fprintf(stderr, "pair words from a sample of %zu documents: %zu\n", part.Count(sampled),
                 pressarc::PairWords::Parse(*words).size());
  }
  return words;
}

// How many pair words the index in DIR has (schema::kMetadataPairWords).
int PrintPairWords(const std::string& dir) {
  const std::optional<std::string> words = PairWordsOf(dir);
  if (!words) return 1;
  std::fprintf(stderr, "pair words: %zu\n", pressarc::PairWords::Parse(*words).size());
  return 0;
}

// The directory of part K of N of the corpus: PREFIX-partKofN.
std::string PartDir(const std::string& prefix, std::size_t k, std::size_t n) {
  return prefix + "-part" + std::to_string(k) + "of" + std::to_string(n);
}

// What DIR/corpus says of an index built of `docs` documents of `part`.
std::string CorpusLine(const BenchArgs& args, const CorpusPart& part) {
  return std::string(g_zipf ? "zipf-1" : "dense-1") + (args.direct ? " direct " : " indexer ") +
         std::to_string(args.docs) + part.Label();
}

// Whether DIR holds the index CorpusLine describes, with all its documents.
bool Built(const BenchArgs& args, const std::string& dir, const CorpusPart& part) {
  std::string built;
  std::getline(std::ifstream(dir + "/corpus"), built);
  auto existing = pressarc::search::Searcher::Open(dir);
  return existing.ok() && (*existing)->DocumentCount() == part.Count(args.docs) &&
         built == CorpusLine(args, part);
}

// The pair words of a new build of `part` into DIR: another index's
// (--pair-words-of), the replaced generation's (--rebuild, as reindex),
// none (--no-pair-words, as a first index), or by default a sample's
// (SamplePairWords). False after saying why not.
bool PairWordsFor(const BenchArgs& args, const std::string& dir, const CorpusPart& part,
                  std::optional<std::string>* words) {
  if (!args.pair_words_of.empty()) {
    *words = PairWordsOf(args.pair_words_of);
    return words->has_value();
  }
  if (!args.rebuild && !args.no_pair_words) {
    *words = SamplePairWords(dir, args.docs, part);
    return words->has_value();
  }
  return true;
}

// Builds the index in DIR, or reuses it when it was built the same way
// (DIR/corpus: the kind of corpus, the way of building, the documents and
// the part) and holds as many documents.
int EnsureIndex(const BenchArgs& args) {
  const bool same = Built(args, args.dir, args.part);
  if (same && !args.rebuild) {
    std::fprintf(stderr, "reusing the index in %s (%zu documents)\n", args.dir.c_str(),
                 args.part.Count(args.docs));
    return PrintPairWords(args.dir);
  }
  if (!same || args.direct) {
    std::filesystem::remove_all(args.dir);
    std::filesystem::create_directories(args.dir);
  }
  int rc = 0;
  if (args.direct) {
    rc = BuildIndexDirect(args.dir, args.docs, args.part);
  } else {
    std::optional<std::string> words;
    if (!PairWordsFor(args, args.dir, args.part, &words)) return 1;
    rc = BuildIndex(args.dir, args.docs, args.part, words);
  }
  if (rc != 0) return rc;
  std::ofstream(args.dir + "/corpus") << CorpusLine(args, args.part) << '\n';
  return PrintPairWords(args.dir);
}

// --parts N: the N parts of the corpus in DIR-part0ofN ... (the directories
// bench/shard_bench.sh serves), those not built yet built together in one
// pass over the corpus.
int EnsureParts(const BenchArgs& args) {
  std::vector<BuildTarget> targets;
  for (std::size_t k = 0; k < args.parts; ++k) {
    const CorpusPart part{k, args.parts};
    const std::string dir = PartDir(args.dir, k, args.parts);
    if (Built(args, dir, part)) {
      std::fprintf(stderr, "reusing the index in %s (%zu documents)\n", dir.c_str(),
                   part.Count(args.docs));
      continue;
    }
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    BuildTarget target{dir, part, std::nullopt};
    if (!PairWordsFor(args, dir, part, &target.pair_words)) return 1;
    targets.push_back(std::move(target));
  }
  if (!targets.empty()) {
    if (int rc = BuildIndexes(targets, args.docs); rc != 0) return rc;
    for (const BuildTarget& target : targets) {
      std::ofstream(target.dir + "/corpus") << CorpusLine(args, target.part) << '\n';
    }
  }
  for (std::size_t k = 0; k < args.parts; ++k) {
    if (int rc = PrintPairWords(PartDir(args.dir, k, args.parts)); rc != 0) return rc;
  }
  return 0;
}

// Wall and this thread's CPU ms of every timed search, per query of the set
// (the machine is shared: wall time includes waiting for a core), and the
// shard servers' CPU ms when measured (ServerCpu).
struct Timings {
  explicit Timings(std::size_t queries)
      : wall(queries), cpu(queries), servers(queries), first_page(queries) {}
  std::vector<std::vector<double>> wall, cpu, servers;
  // Each query's first page as its first search gave it (PageOf), and the
  // searches since whose page differed: what a searcher keeps between
  // searches (filter bitmaps, a word's documents of highest wdf) must not
  // change any page.
  std::vector<std::string> first_page;
  int pages_changed = 0;
};

// What a search answered, to compare with another search of it: each
// result's id, URL, score, percentage and snippet, and the total.
std::string PageOf(const SearchResponse& r) {
  std::string out = std::to_string(r.total) + (r.total_estimated ? "~" : "") + "\n";
  for (const auto& h : r.hits) {
    char score[40];
    std::snprintf(score, sizeof score, "%.12g", h.score);
    out +=
        h.id + " " + h.url + " " + score + " " + std::to_string(h.percent) + " " + h.snippet + "\n";
  }
  return out;
}

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// The CPU time of the processes that serve this process's connections to
// the shards: the children xapian-tcpsrv forks, one per connection, found
// once the connections are open (--server-pid: the servers' process ids).
// Read from /proc/PID/schedstat (nanoseconds on a CPU; Linux), so that a
// search of a few ms is measured, which clock ticks could not; and
// xapian-tcpsrv ignores SIGCHLD, so its children's times never reach it.
class ServerCpu {
 public:
  static ServerCpu ChildrenOf(const std::vector<int>& servers) {
    ServerCpu out;
    for (int server : servers) {
      const std::string task = std::to_string(server);
      std::ifstream children("/proc/" + task + "/task/" + task + "/children");
      for (int pid = 0; children >> pid;) out.pids_.push_back(pid);
    }
    return out;
  }
  bool empty() const { return pids_.empty(); }
  std::size_t size() const { return pids_.size(); }
  // Their CPU ms so far, in all.
  double Ms() const {
    double ns = 0;
    for (int pid : pids_) {
      double on_cpu = 0;
      std::ifstream("/proc/" + std::to_string(pid) + "/schedstat") >> on_cpu;
      ns += on_cpu;
    }
    return ns / 1e6;
  }

 private:
  std::vector<int> pids_;
};

// A way of searching that is timed: a searcher and what serves it.
struct Side {
  pressarc::search::Searcher* searcher = nullptr;
  ServerCpu servers;  // empty: nothing measured beside this process
};

// A search that failed or that a shard answered only partly ends the bench.
std::optional<SearchResponse> SearchOrSay(pressarc::search::Searcher& searcher,
                                          const SearchOptions& options) {
  auto res = searcher.Search(options);
  if (!res.ok()) {
    std::fprintf(stderr, "query failed: %s: %s\n", options.query.c_str(),
                 res.status().message().c_str());
    return std::nullopt;
  }
  if (!res->warnings.empty()) {
    std::fprintf(stderr, "query answered partly: %s\n", res->warnings.front().c_str());
    return std::nullopt;
  }
  return std::move(*res);
}

// One timed search of query i on `side`, into `t`. False: it failed.
bool TimeSearch(const Side& side, const std::vector<BenchQuery>& queries, std::size_t i,
                Timings* t) {
  const double s0 = side.servers.empty() ? 0 : side.servers.Ms();
  auto t0 = std::chrono::steady_clock::now();
  double c0 = ThreadCpuMs();
  auto r = SearchOrSay(*side.searcher, queries[i].options);
  if (!r) return false;
  t->cpu[i].push_back(ThreadCpuMs() - c0);
  t->wall[i].push_back(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  if (!side.servers.empty()) t->servers[i].push_back(side.servers.Ms() - s0);
  std::string page = PageOf(*r);
  if (t->first_page[i].empty()) {
    t->first_page[i] = std::move(page);
  } else if (page != t->first_page[i]) {
    ++t->pages_changed;
    std::fprintf(stderr, "page changed since the first search: %s %s\n", queries[i].label.c_str(),
                 queries[i].options.query.c_str());
  }
  return true;
}

// `rounds` rounds of the query set on every side, query by query; the
// sides take turns (the first of one round is the last of the next), so
// that what else the machine does slows them alike. False: a search failed.
// `first_pages`: each query's page as a search before gave it (PageOf), to
// compare every timed search with (Timings::pages_changed).
bool TimeRounds(const std::vector<Side>& sides, const std::vector<BenchQuery>& queries, int rounds,
                std::vector<Timings>* out, const std::vector<std::string>* first_pages = nullptr) {
  out->assign(sides.size(), Timings(queries.size()));
  if (first_pages != nullptr) {
    for (Timings& side : *out) side.first_page = *first_pages;
  }
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t i = 0; i < queries.size(); ++i) {
      for (std::size_t k = 0; k < sides.size(); ++k) {
        const std::size_t s = r % 2 == 0 ? k : sides.size() - 1 - k;
        if (!TimeSearch(sides[s], queries, i, &(*out)[s])) return false;
      }
    }
  }
  return true;
}

// The timings of every search of one kind (Kind()), or of all ("all").
struct KindTimes {
  std::vector<double> wall, cpu, servers;
  std::vector<double> total_cpu;  // this process's and the servers', per search
};

void AddTimes(const Timings& t, std::size_t i, KindTimes* k) {
  k->wall.insert(k->wall.end(), t.wall[i].begin(), t.wall[i].end());
  k->cpu.insert(k->cpu.end(), t.cpu[i].begin(), t.cpu[i].end());
  k->servers.insert(k->servers.end(), t.servers[i].begin(), t.servers[i].end());
  for (std::size_t r = 0; r < t.cpu[i].size(); ++r) {
    k->total_cpu.push_back(t.cpu[i][r] + (r < t.servers[i].size() ? t.servers[i][r] : 0));
  }
}

std::map<std::string, KindTimes> ByKind(const std::vector<BenchQuery>& queries, const Timings& t) {
  std::map<std::string, KindTimes> kinds;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    AddTimes(t, i, &kinds[queries[i].kind]);
    AddTimes(t, i, &kinds["all"]);
  }
  return kinds;
}

void PrintTimings(const std::vector<BenchQuery>& queries, const Timings& t, std::size_t docs,
                  int rounds) {
  std::printf("%-46s %-28s %-17s %9s %9s %9s %9s\n", "options", "query", "kind", "p50 ms", "p95 ms",
              "p99 ms", "p50 cpu");
  for (std::size_t i = 0; i < queries.size(); ++i) {
    std::printf("%-46s %-28s %-17s %9s %9s %9s %9s\n", queries[i].label.c_str(),
                queries[i].options.query.c_str(), queries[i].kind.c_str(),
                Percentile(t.wall[i], 0.5).c_str(), Percentile(t.wall[i], 0.95).c_str(),
                Percentile(t.wall[i], 0.99).c_str(), Percentile(t.cpu[i], 0.5).c_str());
  }
  auto kinds = ByKind(queries, t);
  const KindTimes all = kinds["all"];
  kinds.erase("all");
  std::printf("\n%-17s %7s %9s %9s %9s %9s %9s\n", "kind", "queries", "p50 ms", "p95 ms", "p99 ms",
              "p50 cpu", "p99 cpu");
  for (const auto& [kind, k] : kinds) {
    std::printf("%-17s %7zu %9s %9s %9s %9s %9s\n", kind.c_str(),
                k.wall.size() / static_cast<std::size_t>(std::max(rounds, 1)),
                Percentile(k.wall, 0.5).c_str(), Percentile(k.wall, 0.95).c_str(),
                Percentile(k.wall, 0.99).c_str(), Percentile(k.cpu, 0.5).c_str(),
                Percentile(k.cpu, 0.99).c_str());
  }
  std::printf(
      "\nin-process, %zu documents, %zu queries x %d rounds: p50 %s ms, p95 %s ms, p99 %s ms; "
      "CPU p50 %s ms, p99 %s ms\n(goals at 1,000,000 documents: words, phrases, filters p50 <= 5 "
      "ms, p99 <= 50 ms; facets and date-sorted p99 <= 150 ms)\n",
      docs, queries.size(), rounds, Percentile(all.wall, 0.5).c_str(),
      Percentile(all.wall, 0.95).c_str(), Percentile(all.wall, 0.99).c_str(),
      Percentile(all.cpu, 0.5).c_str(), Percentile(all.cpu, 0.99).c_str());
}

// b's percentile p over a's.
std::string Ratio(const std::vector<double>& a, const std::vector<double>& b, double p) {
  if (a.empty() || b.empty()) return "n/a";
  const double x = std::stod(Percentile(a, p)), y = std::stod(Percentile(b, p));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", y / x);
  return buf;
}

// One index against the shards: per query, then per kind, p50/p99 wall and
// p50 CPU of each (for the shards: this process's and the servers'
// together, and the servers' alone), and the ratios shards / one index.
void PrintComparison(const std::vector<BenchQuery>& queries, const Timings& one,
                     const Timings& shards, std::size_t n_shards, int rounds) {
  const char* row = "%-46s %-28s %-17s %8s %8s %8s  %8s %8s %8s %8s\n";
  std::printf(row, "options", "query", "kind", "one p50", "p99", "cpu p50", "shards", "p99",
              "cpu p50", "servers");
  for (std::size_t i = 0; i < queries.size(); ++i) {
    KindTimes s;
    AddTimes(shards, i, &s);
    std::printf(row, queries[i].label.c_str(), queries[i].options.query.c_str(),
                queries[i].kind.c_str(), Percentile(one.wall[i], 0.5).c_str(),
                Percentile(one.wall[i], 0.99).c_str(), Percentile(one.cpu[i], 0.5).c_str(),
                Percentile(s.wall, 0.5).c_str(), Percentile(s.wall, 0.99).c_str(),
                Percentile(s.total_cpu, 0.5).c_str(), Percentile(s.servers, 0.5).c_str());
  }
  auto a = ByKind(queries, one), b = ByKind(queries, shards);
  std::printf(
      "\nms per search: one index vs %zu shards; wall p50, p99 and CPU p50 (shards: this "
      "process's and the servers' together; servers: theirs alone)\n",
      n_shards);
  const char* kind_row = "%-17s %7s %8s %8s %8s  %8s %8s %8s %8s  %9s %9s %9s\n";
  std::printf(kind_row, "kind", "queries", "one p50", "p99", "cpu p50", "shards", "p99", "cpu p50",
              "servers", "p50 ratio", "p99 ratio", "cpu ratio");
  for (const auto& [kind, x] : a) {
    const KindTimes& y = b[kind];
    const std::string n =
        std::to_string(x.wall.size() / static_cast<std::size_t>(std::max(rounds, 1)));
    std::printf(kind_row, kind.c_str(), n.c_str(), Percentile(x.wall, 0.5).c_str(),
                Percentile(x.wall, 0.99).c_str(), Percentile(x.cpu, 0.5).c_str(),
                Percentile(y.wall, 0.5).c_str(), Percentile(y.wall, 0.99).c_str(),
                Percentile(y.total_cpu, 0.5).c_str(), Percentile(y.servers, 0.5).c_str(),
                Ratio(x.wall, y.wall, 0.5).c_str(), Ratio(x.wall, y.wall, 0.99).c_str(),
                Ratio(x.cpu, y.total_cpu, 0.5).c_str());
  }
  std::printf("(goal, issue 19: %zu shards on loopback against one index, p99 <= 1.5x)\n",
              n_shards);
}

// Totals up to this many are exact (search.h: SearchResponse::total); above,
// both sides give Xapian's estimates, which may differ.
constexpr std::uint64_t kExactTotals = 200;

std::vector<std::string> LinkedIds(const std::vector<pressarc::search::LinkedDocument>& docs) {
  std::vector<std::string> ids;
  for (const auto& d : docs) ids.push_back(d.id);
  return ids;
}

std::string FacetText(const std::vector<pressarc::search::FacetValue>& values) {
  std::string out;
  for (const auto& v : values)
    out += (out.empty() ? "" : " ") + v.value + "=" + std::to_string(v.count);
  return out;
}

// The facets: equal when both are exact counts. When either is an estimate
// from a sample (search/facets.h; each shard samples its own matches, and
// a shard under the sample size counts exactly), a note of how far apart
// the sources, languages, years and statuses are (months, small counts, left out).
void CompareFacets(const pressarc::search::Facets& one, const pressarc::search::Facets& shards,
                   std::vector<std::string>* diffs, std::vector<std::string>* notes) {
  using pressarc::search::FacetValue;
  using Lists = std::vector<
      std::tuple<const char*, const std::vector<FacetValue>*, const std::vector<FacetValue>*>>;
  const Lists lists = {{"sources", &one.sources, &shards.sources},
                       {"languages", &one.languages, &shards.languages},
                       {"years", &one.years, &shards.years},
                       {"statuses", &one.statuses, &shards.statuses},
                       {"months", &one.months, &shards.months}};
  const bool exact = !one.approximate && !shards.approximate;
  double worst = 0;
  for (const auto& [name, x, y] : lists) {
    if (exact) {
      if (FacetText(*x) != FacetText(*y)) {
        diffs->push_back(std::string("facets ") + name + ": " + FacetText(*x) + " | shards " +
                         FacetText(*y));
      }
      continue;
    }
    if (std::string_view(name) == "months") continue;
    std::map<std::string, std::pair<double, double>> counts;
    for (const auto& v : *x) counts[v.value].first = static_cast<double>(v.count);
    for (const auto& v : *y) counts[v.value].second = static_cast<double>(v.count);
    for (const auto& [value, c] : counts) {
      worst = std::max(worst, std::abs(c.first - c.second) / std::max({1.0, c.first, c.second}));
    }
  }
  if (!exact) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "facets estimated %s: within %.1f%%",
                  one.approximate && shards.approximate ? "on both sides"
                  : one.approximate                     ? "by one index, exact from the shards"
                                                        : "by the shards, exact from one index",
                  100 * worst);
    notes->push_back(buf);
  }
}

// The hits, rank by rank: id, URL, score, copies, translations and the
// snippet.
void CompareHits(const SearchResponse& one, const SearchResponse& shards,
                 std::vector<std::string>* diffs) {
  if (one.hits.size() != shards.hits.size()) {
    diffs->push_back("results: " + std::to_string(one.hits.size()) + " from one index, " +
                     std::to_string(shards.hits.size()) + " from the shards");
  }
  for (std::size_t r = 0; r < std::min(one.hits.size(), shards.hits.size()); ++r) {
    const auto& x = one.hits[r];
    const auto& y = shards.hits[r];
    const std::string at = "rank " + std::to_string(x.rank) + ": ";
    if (x.id != y.id || x.url != y.url) {
      diffs->push_back(at + x.url + " | shards " + y.url);
      continue;
    }
    if (std::abs(x.score - y.score) > 1e-6 * std::max(1.0, std::abs(x.score))) {
      diffs->push_back(at + "score " + std::to_string(x.score) + " | shards " +
                       std::to_string(y.score));
    }
    if (LinkedIds(x.copies) != LinkedIds(y.copies)) diffs->push_back(at + "copies differ");
    if (LinkedIds(x.translations) != LinkedIds(y.translations)) {
      diffs->push_back(at + "translations differ");
    }
    if (x.snippet != y.snippet) {
      diffs->push_back(at + "snippet: " + x.snippet.substr(0, 100) + " | shards " +
                       y.snippet.substr(0, 100));
    }
  }
}

// Where the shards' answer differs from one index's, where search.h promises
// the same (empty: identical). Not compared, as search.h allows them to
// differ: totals above kExactTotals (estimates on both sides; noted),
// facets estimated from a sample (noted), a wildcard query's order (only
// its set of results, when every match is on the page) and spelling
// suggestions.
std::vector<std::string> Differences(const SearchResponse& one, const SearchResponse& shards,
                                     const SearchOptions& options,
                                     std::vector<std::string>* notes) {
  std::vector<std::string> diffs;
  for (const auto& w : shards.warnings) diffs.push_back("warning: " + w);
  if (std::min(one.total, shards.total) <= kExactTotals) {
    if (one.total != shards.total) {
      diffs.push_back("total " + std::to_string(one.total) + " | shards " +
                      std::to_string(shards.total));
    }
  } else if (one.total != shards.total) {
    notes->push_back("total estimates " + std::to_string(one.total) + " | shards " +
                     std::to_string(shards.total));
  }
  if (options.query.find('*') == std::string::npos) {
    CompareHits(one, shards, &diffs);
  } else if (one.total <= options.offset + one.hits.size()) {
    std::vector<std::string> a, b;
    for (const auto& h : one.hits) a.push_back(h.id);
    for (const auto& h : shards.hits) b.push_back(h.id);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a != b) diffs.push_back("wildcard: not the same results");
  } else {
    notes->push_back("wildcard: order not compared (weighed per shard)");
  }
  if (one.facets.has_value() != shards.facets.has_value()) {
    diffs.push_back("facets on one side only");
  } else if (one.facets) {
    CompareFacets(*one.facets, *shards.facets, &diffs, notes);
  }
  return diffs;
}

// Every query of the set, as timed (limit 10) and with a deeper page (limit
// 50), from one index and from the shards; a line per query. The number of
// queries whose answers differ.
std::size_t CheckIdentical(pressarc::search::Searcher& one, pressarc::search::Searcher& shards,
                           const std::vector<BenchQuery>& queries) {
  std::size_t differing = 0;
  std::printf("identical results: one index vs the shards (top 10 and top 50 of every query)\n");
  for (const auto& q : queries) {
    std::vector<std::string> diffs, notes;
    for (std::uint32_t limit : {q.options.limit, std::uint32_t{50}}) {
      SearchOptions o = q.options;
      o.limit = limit;
      auto a = SearchOrSay(one, o);
      auto b = SearchOrSay(shards, o);
      if (!a || !b) {
        diffs.push_back("the search failed");
        break;
      }
      for (auto& d : Differences(*a, *b, o, &notes)) {
        diffs.push_back("limit " + std::to_string(limit) + ": " + d);
      }
    }
    std::sort(notes.begin(), notes.end());
    notes.erase(std::unique(notes.begin(), notes.end()), notes.end());
    std::string note;
    for (const auto& n : notes) note += (note.empty() ? " (" : "; ") + n;
    if (!note.empty()) note += ")";
    std::printf("  %-8s %s %s%s\n", diffs.empty() ? "same" : "DIFFERS", q.label.c_str(),
                q.options.query.c_str(), note.c_str());
    constexpr std::size_t kShown = 8;  // differences printed per query
    for (std::size_t d = 0; d < diffs.size() && d < kShown; ++d) {
      std::printf("           %s\n", diffs[d].c_str());
    }
    if (diffs.size() > kShown) std::printf("           ... %zu more\n", diffs.size() - kShown);
    if (!diffs.empty()) ++differing;
  }
  std::printf("%zu of %zu queries differ\n\n", differing, queries.size());
  return differing;
}

std::vector<BenchQuery> SelectedQueries(const BenchArgs& args) {
  std::vector<BenchQuery> queries = QuerySet();
  if (!args.queries_out.empty()) {
    std::ofstream f(args.queries_out);
    for (const auto& q : queries) f << q.label << '\t' << q.options.query << '\n';
  }
  if (!args.only.empty()) {
    std::erase_if(queries, [&](const BenchQuery& q) {
      return q.label.find(args.only) == std::string::npos &&
             q.options.query.find(args.only) == std::string::npos;
    });
  }
  return queries;
}

using SearcherPtr = std::unique_ptr<pressarc::search::Searcher>;

// The shards together, with no local index (an empty data directory).
pressarc::Result<SearcherPtr> OpenShards(const BenchArgs& args) {
  const std::string empty_dir = args.dir + "/no-local-index";
  std::filesystem::create_directories(empty_dir);
  return pressarc::search::Searcher::Open(empty_dir, {args.via, 10});
}

// --compare: the identical-results check, then alternating timed rounds.
int RunComparison(const BenchArgs& args, const std::vector<BenchQuery>& queries) {
  auto one = pressarc::search::Searcher::Open(args.dir);
  auto shards = OpenShards(args);
  for (const auto* s : {&one, &shards}) {
    if (!s->ok()) {
      std::fprintf(stderr, "search_bench: %s\n", s->status().message().c_str());
      return 1;
    }
  }
  // The check warms both up too.
  const std::size_t differing = CheckIdentical(**one, **shards, queries);
  const Side shards_side{shards->get(), ServerCpu::ChildrenOf(args.server_pids)};
  if (!args.server_pids.empty() && shards_side.servers.size() != args.via.size()) {
    std::fprintf(stderr, "search_bench: %zu connections found to %zu servers\n",
                 shards_side.servers.size(), args.server_pids.size());
    return 1;
  }
  std::vector<Timings> t;
  if (!TimeRounds({Side{one->get(), {}}, shards_side}, queries, args.rounds, &t)) return 1;
  PrintComparison(queries, t[0], t[1], args.via.size(), args.rounds);
  std::printf("%zu documents, %zu queries x %d rounds each way\n", args.docs, queries.size(),
              args.rounds);
  if (differing != 0) {
    std::printf("FAILED: %zu queries differ between one index and the shards\n", differing);
    return 1;
  }
  return 0;
}

// --totals: each query's total as reported, the exact one, and Xapian's
// estimate (BoolWeight, 200 matches checked, copies included).
int PrintTotals(const BenchArgs& args, const std::vector<BenchQuery>& queries) {
  auto searcher = pressarc::search::Searcher::Open(args.dir);
  if (!searcher.ok()) {
    std::fprintf(stderr, "search_bench: %s\n", searcher.status().message().c_str());
    return 1;
  }
  const Xapian::Database db(args.dir + "/index/current");
  std::printf("%-46s %-28s %10s %10s %7s %10s %10s\n", "options", "query", "reported", "exact",
              "error", "xapian", "matches");
  for (const auto& q : queries) {
    if (q.options.limit == 0) continue;
    auto r = searcher->get()->Search(q.options);
    auto built = pressarc::search::internal::BuildQuery(db, q.options);
    if (!r.ok() || !built.ok()) continue;
    Xapian::Enquire all(db);
    all.set_query(built->query);
    all.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::doccount n = db.get_doccount();
    const Xapian::doccount matches = all.get_mset(0, 0, n).get_matches_estimated();
    const Xapian::doccount xapian = all.get_mset(0, 0, 200).get_matches_estimated();
    all.set_collapse_key(pressarc::schema::kSlotDupKey, 1);
    const auto exact = static_cast<double>(all.get_mset(0, n, n).size());
    const auto reported = static_cast<double>(r->total);
    std::printf("%-46s %-28s %10.0f %10.0f %+6.1f%% %10u %10u\n", q.label.c_str(),
                q.options.query.c_str(), reported, exact,
                exact == 0 ? 0.0 : 100.0 * (reported - exact) / exact, xapian, matches);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = ParseArgs(argc, argv);
  if (!args) return 2;
  if (args->parts != 0) return EnsureParts(*args);
  if (int rc = EnsureIndex(*args); rc != 0) return rc;
  if (args->build_only) return 0;
  const std::vector<BenchQuery> queries = SelectedQueries(*args);
  if (args->compare) return RunComparison(*args, queries);
  if (args->totals) return PrintTotals(*args, queries);
  auto searcher =
      args->via.empty() ? pressarc::search::Searcher::Open(args->dir) : OpenShards(*args);
  if (!searcher.ok()) {
    std::fprintf(stderr, "search_bench: %s\n", searcher.status().message().c_str());
    return 1;
  }
  // One warm-up pass, whose pages every timed search must give again,
  // then timed rounds.
  std::vector<std::string> first_pages;
  for (const auto& q : queries) {
    auto r = SearchOrSay(**searcher, q.options);
    if (!r) return 1;
    first_pages.push_back(PageOf(*r));
  }
  std::vector<Timings> t;
  if (!TimeRounds({Side{searcher->get(), {}}}, queries, args->rounds, &t, &first_pages)) return 1;
  PrintTimings(queries, t[0], args->docs, args->rounds);
  if (t[0].pages_changed > 0) {
    std::fprintf(stderr, "search_bench: %d searches gave another page than the first search\n",
                 t[0].pages_changed);
    return 1;
  }
  std::printf("every search gave the page of its first search (%zu queries)\n", queries.size());
  return 0;
}
