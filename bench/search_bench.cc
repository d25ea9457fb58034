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
//   search_bench [--data DIR] [--docs N] [--rounds R] [--queries-out FILE]
//                [--direct] [--dense-vocabulary] [--only TEXT] [--search-via SHARD]
//
// DIR (default /work/bench-data/zipf) keeps the index between runs; keep it
// out of the repository (a million documents take several GiB).
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
#include <vector>

#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "parser/parser.h"
#include "search/search.h"

namespace {

using pressarc::IndexedArticle;
using pressarc::search::SearchOptions;
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
int BuildIndexDirect(const std::string& dir, std::size_t count) {
  namespace schema = pressarc::schema;
  auto start = std::chrono::steady_clock::now();
  std::vector<IndexedArticle> articles = MakeArticles(count);
  std::filesystem::create_directories(dir + "/index/gen-000001");
  try {
    Xapian::WritableDatabase db(dir + "/index/gen-000001", Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator gen;
    std::map<std::string, Xapian::Stem> stemmers;
    std::size_t n = 0;
    for (const auto& doc : articles) {
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
      d.add_value(schema::kSlotArchived, Xapian::sortable_serialise(static_cast<double>(n)));
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
      if (++n % 5000 == 0) std::fprintf(stderr, "\rindexed %zu/%zu", n, articles.size());
    }
    db.commit();
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "search_bench: %s\n", e.get_description().c_str());
    return 1;
  }
  std::ofstream(dir + "/index/current") << "auto gen-000001\n";
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "\nbuilt %zu documents directly in %.1f s\n", articles.size(), secs);
  return 0;
}

// Build time, documents per second, index size per document and the
// process's peak RSS, on stdout (docs/performance.md).
void ReportBuild(const std::string& dir, std::size_t count, double secs) {
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
      1000.0 * cpu / static_cast<double>(count), cpu / secs, static_cast<double>(bytes) / 1048576.0,
      static_cast<double>(bytes) / static_cast<double>(count),
      static_cast<double>(usage.ru_maxrss) / 1024.0);
}

int BuildIndex(const std::string& dir, std::size_t count) {
  auto start = std::chrono::steady_clock::now();
  ArticleStream stream;
  // As reindex (cli/cmd_reindex.cc): a new generation written in as many
  // shards as threads, each shard by a thread of its own, while analysis runs
  // on as many more (BulkIndexer); then compacted, checked and swapped in by
  // Publish. The articles are generated on this thread.
  const unsigned threads = std::max(1u, std::min(std::thread::hardware_concurrency(), 8u));
  pressarc::IndexWriterOptions options;
  options.shards = threads;
  auto writer = pressarc::IndexWriter::CreateGeneration(dir, options);
  if (!writer.ok()) {
    std::fprintf(stderr, "search_bench: %s\n", writer.status().message().c_str());
    return 1;
  }
  {
    pressarc::BulkIndexer bulk(writer->get(), threads);
    for (std::size_t i = 0; i < count; ++i) {
      auto article = std::make_shared<IndexedArticle>(stream.Next());
      bulk.Push([article]() -> std::optional<IndexedArticle> { return std::move(*article); });
      if ((i + 1) % 2000 == 0 || i + 1 == count)
        std::fprintf(stderr, "\rindexed %zu/%zu", i + 1, count);
    }
    pressarc::Status finished = bulk.Finish();
    if (!finished.ok()) {
      std::fprintf(stderr, "search_bench: %s\n", finished.message().c_str());
      return 1;
    }
    if (bulk.stats().errors != 0) {
      std::fprintf(stderr, "search_bench: %llu documents could not be indexed\n",
                   static_cast<unsigned long long>(bulk.stats().errors));
      return 1;
    }
  }
  std::fprintf(stderr, "\ncompacting and checking\n");
  pressarc::Status s = (*writer)->Publish();
  if (!s.ok()) {
    std::fprintf(stderr, "search_bench: %s\n", s.message().c_str());
    return 1;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "\nbuilt %zu documents in %.1f s\n", count, secs);
  ReportBuild(dir, count, secs);
  return 0;
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

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/work/bench-data/zipf";
  std::size_t docs = 100000;
  int rounds = 20;
  std::string queries_out;
  bool direct = false;
  std::string only;  // run only the queries whose text or options contain this (for profiling)
  // --search-via SHARD: search the built index through this shard alone
  // (e.g. tcp://127.0.0.1:7000, a xapian-tcpsrv serving DIR/index/current)
  // instead of opening DIR directly: the remote backend's overhead.
  std::string via;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data") {
      dir = next();
    } else if (a == "--docs") {
      docs = std::strtoul(next().c_str(), nullptr, 10);
    } else if (a == "--rounds") {
      rounds = std::atoi(next().c_str());
    } else if (a == "--direct") {
      direct = true;
    } else if (a == "--dense-vocabulary") {
      g_zipf = false;
    } else if (a == "--queries-out") {
      queries_out = next();
    } else if (a == "--only") {
      only = next();
    } else if (a == "--search-via") {
      via = next();
    } else {
      std::fprintf(stderr,
                   "usage: search_bench [--data DIR] [--docs N] [--rounds R] [--queries-out F] "
                   "[--direct] [--dense-vocabulary] [--only TEXT] [--search-via SHARD]\n");
      return 2;
    }
  }
  {
    // The index is reused when it was built the same way (DIR/corpus).
    const std::string corpus = std::string(g_zipf ? "zipf-1" : "dense-1") +
                               (direct ? " direct " : " indexer ") + std::to_string(docs);
    std::string built;
    std::getline(std::ifstream(dir + "/corpus"), built);
    auto existing = pressarc::search::Searcher::Open(dir);
    bool reuse = existing.ok() && (*existing)->DocumentCount() == docs && built == corpus;
    if (!reuse) {
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
      int rc = direct ? BuildIndexDirect(dir, docs) : BuildIndex(dir, docs);
      if (rc != 0) return rc;
      std::ofstream(dir + "/corpus") << corpus << '\n';
    } else {
      std::fprintf(stderr, "reusing the index in %s (%zu documents)\n", dir.c_str(), docs);
    }
  }
  const std::string empty_dir = dir + "/no-local-index";
  if (!via.empty()) std::filesystem::create_directories(empty_dir);
  auto searcher = via.empty() ? pressarc::search::Searcher::Open(dir)
                              : pressarc::search::Searcher::Open(empty_dir, {{via}, 10});
  if (!searcher.ok()) {
    std::fprintf(stderr, "search_bench: %s\n", searcher.status().message().c_str());
    return 1;
  }
  std::vector<BenchQuery> queries = QuerySet();
  if (!queries_out.empty()) {
    std::ofstream f(queries_out);
    for (const auto& q : queries) f << q.label << '\t' << q.options.query << '\n';
  }
  if (!only.empty()) {
    std::erase_if(queries, [&](const BenchQuery& q) {
      return q.label.find(only) == std::string::npos &&
             q.options.query.find(only) == std::string::npos;
    });
  }
  // One warm-up pass, then timed rounds.
  for (const auto& q : queries) (void)(*searcher)->Search(q.options);
  // Wall time, and this thread's CPU time (the machine is shared: wall time
  // includes waiting for a core).
  std::vector<double> all, all_cpu;
  std::vector<std::vector<double>> per(queries.size()), per_cpu(queries.size());
  auto cpu_ms = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t i = 0; i < queries.size(); ++i) {
      auto t0 = std::chrono::steady_clock::now();
      double c0 = cpu_ms();
      auto res = (*searcher)->Search(queries[i].options);
      double cpu = cpu_ms() - c0;
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      all_cpu.push_back(cpu);
      per_cpu[i].push_back(cpu);
      if (!res.ok()) {
        std::fprintf(stderr, "query failed: %s: %s\n", queries[i].options.query.c_str(),
                     res.status().message().c_str());
        return 1;
      }
      if (!res->warnings.empty()) {
        std::fprintf(stderr, "query answered partly: %s\n", res->warnings.front().c_str());
        return 1;
      }
      all.push_back(ms);
      per[i].push_back(ms);
    }
  }
  std::printf("%-46s %-28s %-17s %9s %9s %9s %9s\n", "options", "query", "kind", "p50 ms", "p95 ms",
              "p99 ms", "p50 cpu");
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> kinds;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    std::printf("%-46s %-28s %-17s %9s %9s %9s %9s\n", queries[i].label.c_str(),
                queries[i].options.query.c_str(), queries[i].kind.c_str(),
                Percentile(per[i], 0.5).c_str(), Percentile(per[i], 0.95).c_str(),
                Percentile(per[i], 0.99).c_str(), Percentile(per_cpu[i], 0.5).c_str());
    auto& [wall, cpu] = kinds[queries[i].kind];
    wall.insert(wall.end(), per[i].begin(), per[i].end());
    cpu.insert(cpu.end(), per_cpu[i].begin(), per_cpu[i].end());
  }
  std::printf("\n%-17s %7s %9s %9s %9s %9s %9s\n", "kind", "queries", "p50 ms", "p95 ms", "p99 ms",
              "p50 cpu", "p99 cpu");
  for (const auto& [kind, times] : kinds) {
    std::printf("%-17s %7zu %9s %9s %9s %9s %9s\n", kind.c_str(),
                times.first.size() / static_cast<std::size_t>(std::max(rounds, 1)),
                Percentile(times.first, 0.5).c_str(), Percentile(times.first, 0.95).c_str(),
                Percentile(times.first, 0.99).c_str(), Percentile(times.second, 0.5).c_str(),
                Percentile(times.second, 0.99).c_str());
  }
  std::printf(
      "\nin-process, %zu documents, %zu queries x %d rounds: p50 %s ms, p95 %s ms, p99 %s ms; "
      "CPU p50 %s ms, p99 %s ms\n(goals at 1,000,000 documents: words, phrases, filters p50 <= 5 "
      "ms, p99 <= 50 ms; facets and date-sorted p99 <= 150 ms)\n",
      docs, queries.size(), rounds, Percentile(all, 0.5).c_str(), Percentile(all, 0.95).c_str(),
      Percentile(all, 0.99).c_str(), Percentile(all_cpu, 0.5).c_str(),
      Percentile(all_cpu, 0.99).c_str());
  return 0;
}
