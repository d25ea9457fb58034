// Search latency benchmark.
//
// Builds (or reuses) a synthetic index of ministry-like press releases
// (az/ru/en, realistic vocabulary with inflections, names, places, dates
// 2015-2024, five sources, translations sharing a key, republished copies)
// directly on the index schema (or through the indexer's PrepareDocument +
// IndexWriter with --through-writer), then runs a mixed
// query set in-process through search::Searcher (parse, match, folding,
// translations, snippets: everything but printing) and prints p50/p99.
//
//   search_bench [--data DIR] [--docs N] [--rounds R] [--queries-out FILE]
//                [--through-writer] [--only TEXT]
//
// By default the index is written directly on the schema (fast to build);
// --through-writer uses PrepareDocument + IndexWriter (the indexer's full
// analysis; about 30-130 documents/s on this shared 2-core machine).
//
// Goals (issue 6): p50 <= 2 ms, p99 <= 20 ms on 100,000 documents.
// --queries-out writes the query set (one per line, options as
// "OPTS<TAB>QUERY") for bench/search_bench.sh, which times whole processes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
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

template <typename T>
const T& Pick(std::mt19937& rng, const std::vector<T>& v) {
  // Zipf-ish: low indexes are more frequent.
  std::uniform_real_distribution<double> u(0, 1);
  double x = u(rng);
  std::size_t i = static_cast<std::size_t>(x * x * static_cast<double>(v.size()));
  return v[std::min(i, v.size() - 1)];
}

std::string Sentence(std::mt19937& rng, const std::string& lang, int words) {
  std::string s;
  for (int i = 0; i < words; ++i) {
    if (!s.empty()) s += ' ';
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

std::vector<IndexedArticle> MakeArticles(std::size_t count) {
  std::mt19937 rng(20231128);
  std::vector<IndexedArticle> out;
  out.reserve(count);
  const std::vector<std::string> langs = {"az", "ru", "en"};
  std::size_t release = 0;
  while (out.size() < count) {
    ++release;
    std::uniform_int_distribution<int> year(2015, 2024), month(1, 12), day(1, 28);
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", year(rng), month(rng), day(rng));
    const std::string& source = kSources[release % 3 == 0 ? 2 : (release % 7 == 0 ? 1 : 0)];
    bool trilingual = release % 3 == 1;
    std::vector<std::string> versions =
        trilingual ? langs : std::vector<std::string>{langs[release % 3]};
    for (const auto& lang : versions) {
      if (out.size() >= count) break;
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
      a.archive.offset = out.size() * 4096;
      a.fetched_at = std::string(date) + "T12:00:00Z";
      out.push_back(a);
      // 5% of az releases are republished by a news site a day later.
      if (lang == "az" && release % 20 == 0 && out.size() < count) {
        IndexedArticle copy = out.back();
        copy.article.url = "https://metbuat.example/news/" + std::to_string(release) + ".html";
        copy.article.canonical_url = copy.article.url;
        copy.article.source = "metbuat";
        copy.article.translation_key = "";
        copy.article.text = "Metbuat.az xəbər verir ki,\n\n" + copy.article.text;
        copy.fetched_at = std::string(date) + "T18:00:00Z";
        out.push_back(copy);
      }
    }
  }
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

int BuildIndex(const std::string& dir, std::size_t count) {
  auto start = std::chrono::steady_clock::now();
  std::vector<IndexedArticle> articles = MakeArticles(count);
  pressarc::IndexWriterOptions options;
  options.batch_size = 20000;
  auto writer = pressarc::IndexWriter::OpenLive(dir, options);
  if (!writer.ok()) {
    std::fprintf(stderr, "search_bench: %s\n", writer.status().message().c_str());
    return 1;
  }
  // Analyse on two threads (the machine has two cores), write on this one.
  const std::size_t chunk = 2000;
  for (std::size_t begin = 0; begin < articles.size(); begin += chunk) {
    std::size_t end = std::min(articles.size(), begin + chunk);
    std::vector<pressarc::Result<pressarc::PreparedDocument>> prepared(
        end - begin, pressarc::Status::Runtime("not prepared"));
    std::size_t mid = begin + (end - begin) / 2;
    std::thread helper([&] {
      for (std::size_t i = mid; i < end; ++i)
        prepared[i - begin] = pressarc::PrepareDocument(articles[i]);
    });
    for (std::size_t i = begin; i < mid; ++i)
      prepared[i - begin] = pressarc::PrepareDocument(articles[i]);
    helper.join();
    for (auto& p : prepared) {
      if (!p.ok()) continue;
      auto added = (*writer)->AddPrepared(std::move(p.value()));
      if (!added.ok()) {
        std::fprintf(stderr, "search_bench: %s\n", added.status().message().c_str());
        return 1;
      }
    }
    std::fprintf(stderr, "\rindexed %zu/%zu", end, articles.size());
  }
  pressarc::Status s = (*writer)->Commit();
  if (!s.ok()) {
    std::fprintf(stderr, "search_bench: %s\n", s.message().c_str());
    return 1;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "\nbuilt %zu documents in %.1f s\n", articles.size(), secs);
  return 0;
}

struct BenchQuery {
  std::string label;  // options as the CLI takes them
  SearchOptions options;
};

std::vector<BenchQuery> QuerySet() {
  std::vector<BenchQuery> out;
  auto add = [&](const std::string& label, SearchOptions o) { out.push_back({label, o}); };
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
  std::string dir = "/tmp/pressarc-search-bench";
  std::size_t docs = 100000;
  int rounds = 20;
  std::string queries_out;
  bool through_writer = false;
  std::string only;  // run only the queries whose text or options contain this (for profiling)
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data") {
      dir = next();
    } else if (a == "--docs") {
      docs = std::strtoul(next().c_str(), nullptr, 10);
    } else if (a == "--rounds") {
      rounds = std::atoi(next().c_str());
    } else if (a == "--through-writer") {
      through_writer = true;
    } else if (a == "--queries-out") {
      queries_out = next();
    } else if (a == "--only") {
      only = next();
    } else {
      std::fprintf(stderr,
                   "usage: search_bench [--data DIR] [--docs N] [--rounds R] [--queries-out F] "
                   "[--through-writer] [--only TEXT]\n");
      return 2;
    }
  }
  {
    auto existing = pressarc::search::Searcher::Open(dir);
    bool reuse = existing.ok() && (*existing)->DocumentCount() == docs;
    if (!reuse) {
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
      int rc = through_writer ? BuildIndex(dir, docs) : BuildIndexDirect(dir, docs);
      if (rc != 0) return rc;
    } else {
      std::fprintf(stderr, "reusing the index in %s (%zu documents)\n", dir.c_str(), docs);
    }
  }
  auto searcher = pressarc::search::Searcher::Open(dir);
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
      all.push_back(ms);
      per[i].push_back(ms);
    }
  }
  std::printf("%-46s %-28s %9s %9s %9s\n", "options", "query", "p50 ms", "p99 ms", "p50 cpu");
  for (std::size_t i = 0; i < queries.size(); ++i) {
    std::printf("%-46s %-28s %9s %9s %9s\n", queries[i].label.c_str(),
                queries[i].options.query.c_str(), Percentile(per[i], 0.5).c_str(),
                Percentile(per[i], 0.99).c_str(), Percentile(per_cpu[i], 0.5).c_str());
  }
  std::printf(
      "\nin-process, %zu documents, %zu queries x %d rounds: p50 %s ms, p99 %s ms "
      "(goals: <= 2 ms, <= 20 ms)\n",
      docs, queries.size(), rounds, Percentile(all, 0.5).c_str(), Percentile(all, 0.99).c_str());
  return 0;
}
