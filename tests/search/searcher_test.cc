// Searcher over a small az/ru/en index written through IndexWriter: filters,
// ranges, sorting, folding of copies, translations, suggestions, show and
// stats, and malformed queries.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "search/facets.h"
#include "search/query_builder.h"
#include "search/search.h"
#include "tests/search/test_index.h"

namespace pressarc::search {
namespace {

using testing::TempIndex;

class SearcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { index_ = new TempIndex(); }
  static void TearDownTestSuite() {
    delete index_;
    index_ = nullptr;
  }
  void SetUp() override {
    auto s = Searcher::Open(index_->dir());
    ASSERT_TRUE(s.ok()) << s.status().message();
    searcher_ = std::move(*s);
  }

  SearchResponse Run(SearchOptions o) {
    if (o.limit == 10) o.limit = 50;
    auto r = searcher_->Search(o);
    EXPECT_TRUE(r.ok()) << o.query << ": " << r.status().message();
    return r.ok() ? *r : SearchResponse{};
  }
  SearchResponse Run(const std::string& query) {
    SearchOptions o;
    o.query = query;
    return Run(o);
  }
  static std::vector<std::string> Urls(const SearchResponse& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.url);
    return out;
  }
  static std::set<std::string> UrlSet(const SearchResponse& r) {
    auto v = Urls(r);
    return {v.begin(), v.end()};
  }

  static TempIndex* index_;
  std::unique_ptr<Searcher> searcher_;
};

TempIndex* SearcherTest::index_ = nullptr;

const char kAzStatement[] = "https://mfa.gov.az/az/news/no10023";
const char kEnStatement[] = "https://mfa.gov.az/en/news/no10023";
const char kRuStatement[] = "https://mfa.gov.az/ru/news/no10023";
const char kCopy[] = "https://metbuat.az/news/1501-xin-beyanat.html";
const char kVaccine[] = "https://mfa.gov.az/en/news/no20011";
const char kUndated[] = "https://mfa.gov.az/en/news/undated";
const char kMidRu[] = "https://mid.ru/ru/press/1900";
const char kVisit[] = "https://mfa.gov.az/az/news/no30005";

TEST_F(SearcherTest, AllWordsAreRequiredByDefaultAndAnyWidens) {
  EXPECT_EQ(UrlSet(Run("vaccine Paris")), std::set<std::string>{});
  SearchOptions any;
  any.query = "vaccine Paris";
  any.match_any = true;
  EXPECT_EQ(UrlSet(Run(any)), (std::set<std::string>{kVaccine, kUndated}));
}

TEST_F(SearcherTest, FilterOnlyQueriesMatchEverythingThatPasses) {
  SearchOptions ru;
  ru.languages = {"ru"};
  EXPECT_EQ(UrlSet(Run(ru)), (std::set<std::string>{kRuStatement, kMidRu}));
  EXPECT_EQ(UrlSet(Run("source:mid-ru")), std::set<std::string>{kMidRu});
  EXPECT_EQ(UrlSet(Run("lang:en")), (std::set<std::string>{kEnStatement, kVaccine, kUndated}));
  EXPECT_EQ(Run("source:mfa-az").total, 6u);
}

TEST_F(SearcherTest, PrefixFiltersCombineWithWords) {
  EXPECT_EQ(UrlSet(Run("брифинг source:mid-ru")), std::set<std::string>{kMidRu});
  EXPECT_EQ(UrlSet(Run("site:mid.ru")), std::set<std::string>{kMidRu});
  EXPECT_EQ(UrlSet(Run("site:ru")), std::set<std::string>{kMidRu});  // subdomains of ru
  EXPECT_EQ(UrlSet(Run("site:https://metbuat.az/news")), std::set<std::string>{kCopy});
  EXPECT_EQ(UrlSet(Run("title:vaccine")), std::set<std::string>{kVaccine});
  EXPECT_EQ(UrlSet(Run("title:embassy")), std::set<std::string>{});
}

TEST_F(SearcherTest, OptionFiltersAreOredWithinAndAndedAcross) {
  SearchOptions o;
  o.sources = {"mid-ru", "metbuat"};
  EXPECT_EQ(UrlSet(Run(o)), (std::set<std::string>{kMidRu, kCopy}));
  o.languages = {"ru"};
  EXPECT_EQ(UrlSet(Run(o)), std::set<std::string>{kMidRu});
}

TEST_F(SearcherTest, DateRangesAreInclusiveAtTheirGranularity) {
  struct Case {
    const char* query;
    std::set<std::string> expected;
  };
  const Case cases[] = {
      {"2023-02-28..2023-02-28", {kAzStatement, kEnStatement, kRuStatement}},
      {"2023-03-01..2023-05-07", {kCopy, kVisit}},
      {"2024..2024", {kMidRu}},
      {"2022..2022", {kVaccine}},
      {"2023-05..", {kVisit, kMidRu}},
      {"..2022", {kVaccine}},
      {"..2022-12-15", {kVaccine}},
      {"..2022-12-14", {}},
      {"2023-02..2023-03 source:metbuat", {kCopy}},
  };
  for (const auto& c : cases) {
    SearchOptions o;
    o.query = c.query;
    o.fold_copies = false;
    EXPECT_EQ(UrlSet(Run(o)), c.expected) << c.query;
  }
}

TEST_F(SearcherTest, FromAndToOptionsAreInclusive) {
  SearchOptions o;
  o.from = "2023-02-28";
  o.to = "2023-03-01";
  o.fold_copies = false;
  EXPECT_EQ(UrlSet(Run(o)),
            (std::set<std::string>{kAzStatement, kEnStatement, kRuStatement, kCopy}));
  o.from = "2024-01-10";
  o.to = "";
  EXPECT_EQ(UrlSet(Run(o)), std::set<std::string>{kMidRu});
}

TEST_F(SearcherTest, SortNewestAndOldestPutUndatedDocumentsLast) {
  SearchOptions o;
  o.languages = {"en"};
  o.sort = SortOrder::kNewest;
  EXPECT_EQ(Urls(Run(o)), (std::vector<std::string>{kEnStatement, kVaccine, kUndated}));
  o.sort = SortOrder::kOldest;
  EXPECT_EQ(Urls(Run(o)), (std::vector<std::string>{kVaccine, kEnStatement, kUndated}));
}

TEST_F(SearcherTest, NewestSortIsByPublicationTimeAcrossLanguages) {
  SearchOptions o;
  o.query = "source:mfa-az OR source:mid-ru OR source:metbuat";
  o.sort = SortOrder::kNewest;
  o.fold_copies = false;
  auto r = Run(o);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().url, kMidRu);
  EXPECT_EQ(r.hits.back().url, kUndated);
  for (std::size_t i = 1; i + 1 < r.hits.size(); ++i) {
    EXPECT_GE(r.hits[i - 1].published.substr(0, 10), r.hits[i].published.substr(0, 10));
  }
}

TEST_F(SearcherTest, RepublishedCopyIsFoldedIntoTheEarliestOriginal) {
  SearchOptions o;
  o.query = "Lavrov";
  o.languages = {"az"};
  auto r = Run(o);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].url, kAzStatement);
  ASSERT_EQ(r.hits[0].copies.size(), 1u);
  EXPECT_EQ(r.hits[0].copies[0].url, kCopy);
  EXPECT_EQ(r.hits[0].copies[0].source, "metbuat");
}

TEST_F(SearcherTest, FoldingPicksTheOriginalEvenWhenOnlyTheCopyIsAskedFor) {
  SearchOptions o;
  o.query = "Lavrov source:metbuat";
  auto r = Run(o);
  ASSERT_EQ(r.hits.size(), 1u);
  // Only the copy matches the filter, so the copy is shown; the original is listed.
  EXPECT_EQ(r.hits[0].url, kCopy);
  ASSERT_EQ(r.hits[0].copies.size(), 1u);
  EXPECT_EQ(r.hits[0].copies[0].url, kAzStatement);
}

TEST_F(SearcherTest, AllShowsEveryCopy) {
  SearchOptions o;
  o.query = "Lavrov";
  o.languages = {"az"};
  o.fold_copies = false;
  EXPECT_EQ(UrlSet(Run(o)), (std::set<std::string>{kAzStatement, kCopy}));
}

TEST_F(SearcherTest, TranslationsAreListedBesideEachResult) {
  SearchOptions o;
  o.query = "Lavrov";
  o.languages = {"en"};
  auto r = Run(o);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].url, kEnStatement);
  std::set<std::string> langs;
  for (const auto& t : r.hits[0].translations) {
    langs.insert(t.language);
    EXPECT_EQ(t.source, "mfa-az");
  }
  EXPECT_EQ(langs, (std::set<std::string>{"az", "ru"}));
}

TEST_F(SearcherTest, QueriesGetTheDocumentsAnalysis) {
  EXPECT_TRUE(UrlSet(Run("Azerbaycan")).count(kAzStatement));  // no diacritics
  EXPECT_TRUE(UrlSet(Run("Lavrov")).count(kRuStatement));      // Latin finds Cyrillic
  EXPECT_TRUE(UrlSet(Run("Bayramov")).count(kVisit));          // inflected form in text
}

TEST_F(SearcherTest, PhrasesWildcardsAndNegation) {
  EXPECT_EQ(UrlSet(Run("\"public holiday\"")), std::set<std::string>{kUndated});
  EXPECT_EQ(UrlSet(Run("\"holiday public\"")), std::set<std::string>{});
  EXPECT_TRUE(UrlSet(Run("vacc*")).count(kVaccine));
  auto r = Run("embassy -Paris");
  EXPECT_TRUE(UrlSet(r).count(kVaccine));
  EXPECT_FALSE(UrlSet(r).count(kUndated));
}

// From a filter's second search on, a searcher reads dense filters from
// bitmaps (search/filter_cache.h): every answer stays the same.
TEST_F(SearcherTest, RepeatedSearchesGiveTheSameAnswers) {
  std::vector<SearchOptions> searches;
  for (const char* q : {"Azerbaycan", "Lavrov", "embassy -Paris", "vaccine", "lang:en embassy",
                        "\"public holiday\"", "statement 2023", "source:mfa-az"}) {
    SearchOptions o;
    o.query = q;
    searches.push_back(o);
    o.languages = {"en", "ru"};
    searches.push_back(o);
    o.languages = {};
    o.facets = true;
    searches.push_back(o);
  }
  std::vector<std::string> first;
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < searches.size(); ++i) {
      const std::string json = FormatSearch(Run(searches[i]), OutputFormat::kJson);
      if (round == 0) {
        first.push_back(json);
      } else {
        EXPECT_EQ(json, first[i]) << searches[i].query << " round " << round;
      }
    }
  }
}

TEST_F(SearcherTest, ResultsCarryTheContractFields) {
  auto r = Run("vaccine");
  ASSERT_EQ(r.hits.size(), 1u);
  const auto& h = r.hits[0];
  EXPECT_EQ(h.rank, 1u);
  EXPECT_EQ(h.id, DocumentId(kVaccine));
  EXPECT_EQ(h.title, "Vaccine campaign, \"phase two\" starts");
  EXPECT_EQ(h.published, "2022-12-15");
  EXPECT_EQ(h.language, "en");
  EXPECT_EQ(h.source, "mfa-az");
  EXPECT_GT(h.score, 0);
  EXPECT_NE(h.snippet.find("vaccin"), std::string::npos) << h.snippet;
  EXPECT_EQ(h.snippet.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.query, "vaccine");
  EXPECT_EQ(r.total, 1u);
}

// Ranking keeps BM25's document-length normalisation, which the indexer
// now applies to the wdfs (schema.h) so that search need not read every
// match's length: one mention in a short release ranks above one mention in
// a long one, even when the long one is newer (the tie-break when weights
// are equal); two mentions in the long one outrank both, as BM25 (k1 = 1,
// b = 0.5) has it: 4 / (1.13 + 4) > 2 / (0.75 + 2).
TEST(SearchRankingTest, ShortReleasesOutrankLongOnesWithAsManyMentions) {
  std::string filler;
  for (int i = 0; i < 500; ++i) filler += " söz" + std::to_string(i % 40);
  std::vector<testing::Doc> docs = {
      {"https://x.az/short", "Görüş", "2023-01-01", "az", "mfa-az", "", "Lavrov Bakıya gəlib.",
       "2023-01-01T00:00:00Z", ""},
      {"https://x.az/long", "Görüş", "2024-01-01", "az", "mfa-az", "",
       "Lavrov Bakıya gəlib." + filler, "2024-01-01T00:00:00Z", ""},
      {"https://x.az/long-twice", "Görüş", "2022-01-01", "az", "mfa-az", "",
       "Lavrov Bakıya gəlib. Lavrov danışıb." + filler, "2022-01-01T00:00:00Z", ""},
  };
  TempIndex index(docs);
  auto searcher = Searcher::Open(index.dir());
  ASSERT_TRUE(searcher.ok());
  SearchOptions o;
  o.query = "Lavrov";
  auto r = (*searcher)->Search(o);
  ASSERT_TRUE(r.ok());
  std::vector<std::string> urls;
  for (const auto& h : r->hits) urls.push_back(h.url);
  EXPECT_EQ(urls, (std::vector<std::string>{"https://x.az/long-twice", "https://x.az/short",
                                            "https://x.az/long"}));
}

TEST_F(SearcherTest, HighlightWrapsMatchesInBold) {
  SearchOptions o;
  o.query = "vaccine";
  o.highlight = true;
  auto r = Run(o);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_NE(r.hits[0].snippet.find("\x1b[1m"), std::string::npos) << r.hits[0].snippet;
}

// Snippets stem the text's words to find the query's stems (only the words
// that can stem to one of them): inflected forms are highlighted in every
// language, by a searcher that has not stemmed anything yet.
TEST_F(SearcherTest, InflectedFormsAreHighlightedInSnippets) {
  struct Case {
    std::string query, lang, bold;
  };
  for (const Case& c : {Case{"Bayramov", "az", "Bayramovun"}, Case{"коридор", "ru", "коридоры"},
                        Case{"corridor", "en", "corridors"}, Case{"səfər", "az", "səfəri"}}) {
    auto fresh = Searcher::Open(index_->dir());
    ASSERT_TRUE(fresh.ok());
    SearchOptions o;
    o.query = c.query;
    o.languages = {c.lang};
    o.highlight = true;
    auto r = (*fresh)->Search(o);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_FALSE(r->hits.empty()) << c.query;
    const std::string bold = "\x1b[1m" + c.bold + "\x1b[0m";
    EXPECT_TRUE(
        std::any_of(r->hits.begin(), r->hits.end(),
                    [&](const SearchHit& h) { return h.snippet.find(bold) != std::string::npos; }))
        << c.query << ": " << r->hits[0].snippet;
  }
}

// In a long text the snippet is made from a window around the first place
// the query's words seem to be (searched for cheaply first): it holds the
// match, highlighted, and says "…" where it starts mid-sentence. A word
// that only looks like a match ("Lavrovka") leads to a window without one,
// and the whole text is used, as before.
TEST(SearchSnippetTest, MatchesLateInLongTextsAreFoundAndHighlighted) {
  std::string filler;
  for (int i = 0; i < 40; ++i) filler += "Tərəflər regional məsələləri müzakirə ediblər. ";
  std::vector<testing::Doc> docs = {
      {"https://x.az/late", "Görüş", "2023-01-01", "az", "mfa-az", "",
       filler + "Nazir Sergey Lavrov Bakıya gəlib. " + filler, "2023-01-01T00:00:00Z", ""},
      {"https://x.az/decoy", "Görüş", "2023-01-02", "az", "mfa-az", "",
       "Lavrovka kəndi. " + filler + filler + filler + "Sonra Lavrov danışıb. " + filler,
       "2023-01-02T00:00:00Z", ""},
  };
  // A decoy mid-text, the match near the end of the window read after it,
  // and more text after the window: the snippet still says it is cut.
  std::string words;
  for (int i = 0; i < 400; ++i) words += " söz" + std::to_string(i);
  docs.push_back(
      {"https://x.az/edge", "Görüş", "2023-01-03", "az", "mfa-az", "",
       filler.substr(0, 600) + " Lavrovka kəndi" + words.substr(0, 1880) + " Lavrov" + words,
       "2023-01-03T00:00:00Z", ""});
  TempIndex index(docs);
  auto searcher = Searcher::Open(index.dir());
  ASSERT_TRUE(searcher.ok());
  SearchOptions o;
  o.query = "Lavrov";
  o.highlight = true;
  auto r = (*searcher)->Search(o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 3u);
  for (const auto& h : r->hits) {
    EXPECT_NE(h.snippet.find("\x1b[1mLavrov\x1b[0m"), std::string::npos) << h.url << h.snippet;
    EXPECT_LE(h.snippet.size(), 240u + 40u) << h.snippet;
    if (h.url == "https://x.az/late") {
      EXPECT_TRUE(h.snippet.starts_with("Nazir") || h.snippet.starts_with("…")) << h.snippet;
    }
    if (h.url == "https://x.az/edge") {
      EXPECT_TRUE(h.snippet.ends_with("…")) << h.snippet;
    }
  }
}

// Words a wildcard matches are highlighted like any other match.
TEST_F(SearcherTest, WildcardMatchesAreHighlightedInSnippets) {
  SearchOptions o;
  o.query = "Lavr*";
  o.languages = {"az"};
  o.highlight = true;
  auto r = Run(o);
  ASSERT_FALSE(r.hits.empty());
  for (const auto& h : r.hits) {
    EXPECT_NE(h.snippet.find("\x1b[1mLavrov"), std::string::npos) << h.url << ": " << h.snippet;
  }
}

// Without words to match, a result's snippet is its text's beginning.
TEST_F(SearcherTest, FilterOnlySearchesShowTheLead) {
  SearchOptions o;
  o.query = "source:metbuat";
  o.snippet_bytes = 60;
  auto r = Run(o);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_TRUE(r.hits[0].snippet.starts_with("Metbuat.az xəbər verir ki, Azərbaycan"))
      << r.hits[0].snippet;
  EXPECT_TRUE(r.hits[0].snippet.ends_with("…")) << r.hits[0].snippet;
  EXPECT_LE(r.hits[0].snippet.size(), 60u + 3u);
}

TEST_F(SearcherTest, OffsetAndLimitPage) {
  SearchOptions o;
  o.query = "source:mfa-az";
  o.sort = SortOrder::kOldest;
  o.limit = 2;
  auto first = Run(o);
  o.offset = 2;
  auto second = Run(o);
  ASSERT_EQ(first.hits.size(), 2u);
  ASSERT_EQ(second.hits.size(), 2u);
  EXPECT_EQ(second.hits[0].rank, 3u);
  EXPECT_NE(first.hits[0].url, second.hits[0].url);
}

TEST_F(SearcherTest, FacetsCountMatchesBySourceLanguageAndYear) {
  SearchOptions o;
  o.query = "source:mfa-az OR source:mid-ru OR source:metbuat";
  o.facets = true;
  o.fold_copies = false;
  auto r = Run(o);
  ASSERT_TRUE(r.facets.has_value());
  auto count = [](const std::vector<FacetValue>& v, const std::string& key) -> std::uint64_t {
    for (const auto& f : v)
      if (f.value == key) return f.count;
    return 0;
  };
  EXPECT_EQ(count(r.facets->sources, "mfa-az"), 6u);
  EXPECT_EQ(count(r.facets->sources, "metbuat"), 1u);
  EXPECT_EQ(count(r.facets->languages, "ru"), 2u);
  EXPECT_EQ(count(r.facets->years, "2023"), 5u);
  EXPECT_EQ(r.facets->years.front().value, "2024");  // newest first
}

TEST_F(SearcherTest, MisspeltQueryGetsASuggestion) {
  auto r = Run("vacine");
  EXPECT_EQ(r.total, 0u);
  ASSERT_TRUE(r.suggestion.has_value());
  EXPECT_EQ(*r.suggestion, "vaccine");
  EXPECT_FALSE(Run("vaccine").suggestion.has_value());
}

TEST_F(SearcherTest, MalformedQueriesAreUsageErrors) {
  const char* bad[] = {"\"unbalanced",           "foo:bar", "(open",  "a..b",
                       "2023-02-30..2023-03-01", "",        "LANG:ru"};
  for (const char* q : bad) {
    SearchOptions o;
    o.query = q;
    auto r = searcher_->Search(o);
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_EQ(r.status().code(), Status::Code::kUsage) << q << ": " << r.status().message();
  }
}

TEST_F(SearcherTest, ShowFindsByIdAndAnyUrl) {
  auto by_id = searcher_->Show(DocumentId(kAzStatement));
  ASSERT_TRUE(by_id.ok()) << by_id.status().message();
  EXPECT_EQ(by_id->canonical_url, kAzStatement);
  EXPECT_EQ(by_id->language, "az");
  EXPECT_NE(by_id->text.find("Lavrov"), std::string::npos);
  EXPECT_EQ(by_id->archive_file, "pressarc-00001.warc.gz");
  EXPECT_EQ(by_id->archive_offset, 0u);
  EXPECT_EQ(by_id->translations.size(), 2u);
  ASSERT_EQ(by_id->copies.size(), 1u);
  EXPECT_EQ(by_id->copies[0].url, kCopy);

  auto by_url = searcher_->Show("HTTPS://MFA.GOV.AZ/en/news/no10023#top");
  ASSERT_TRUE(by_url.ok()) << by_url.status().message();
  EXPECT_EQ(by_url->canonical_url, kEnStatement);

  auto fetched = searcher_->Show("https://mfa.gov.az/az/news/no30005?utm_source=rss");
  ASSERT_TRUE(fetched.ok()) << fetched.status().message();
  EXPECT_EQ(fetched->canonical_url, kVisit);

  auto with_prefix = searcher_->Show("id:" + DocumentId(kMidRu));
  ASSERT_TRUE(with_prefix.ok());
  EXPECT_EQ(with_prefix->published, "2024-01-10");
}

TEST_F(SearcherTest, ShowOfAnUnknownArticleIsARuntimeError) {
  for (const char* key : {"https://example.org/nothing", "0000000000000000", "not a url"}) {
    auto r = searcher_->Show(key);
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_EQ(r.status().code(), Status::Code::kRuntime);
    EXPECT_NE(r.status().message().find("no article"), std::string::npos);
  }
}

TEST_F(SearcherTest, StatsCountDocumentsBySourceLanguageAndYear) {
  auto archive = std::filesystem::path(index_->dir()) / "archive";
  std::filesystem::create_directories(archive);
  std::ofstream(archive / "a.warc.gz") << std::string(100, 'x');
  std::ofstream(archive / "b.warc.gz") << std::string(50, 'y');
  auto s = CollectStats(index_->dir());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->has_index);
  EXPECT_EQ(s->documents, 8u);
  auto count = [](const std::vector<FacetValue>& v, const std::string& key) -> std::uint64_t {
    for (const auto& f : v)
      if (f.value == key) return f.count;
    return 0;
  };
  EXPECT_EQ(count(s->sources, "mfa-az"), 6u);
  EXPECT_EQ(count(s->sources, "mid-ru"), 1u);
  EXPECT_EQ(count(s->languages, "az"), 3u);
  EXPECT_EQ(count(s->languages, "en"), 3u);
  EXPECT_EQ(count(s->years, "2022"), 1u);
  EXPECT_EQ(s->archive_files, 2u);
  EXPECT_EQ(s->archive_bytes, 150u);
  EXPECT_FALSE(s->last_crawl.has_value());
  std::filesystem::remove_all(archive);
}

// stats counts from the boolean terms' frequencies (no document read):
// the same counts as from every document's value slots, with regional
// languages (whose documents also have their bucket's L term), names that
// BooleanTerm writes after a ':', undated and unsourced documents.
TEST(SearcherStats, TermCountsEqualSlotCounts) {
  const std::vector<std::pair<std::string, std::string>> kinds = {
      {"az", "mfa"},      {"en", "Upper"}, {"en-GB", ":colon"}, {"tr", "mfa"},
      {"ru-RU", "src-x"}, {"ru", ""},      {"", "mfa"},         {"en-GB", "mfa"}};
  std::vector<testing::Doc> docs;
  for (int i = 0; i < 40; ++i) {
    const auto& [lang, source] = kinds[static_cast<std::size_t>(i) % kinds.size()];
    testing::Doc d;
    d.url = "https://example.org/" + std::to_string(i);
    d.title = "Title " + std::to_string(i);
    if (i % 5 != 0) d.published = std::to_string(2015 + i % 7) + "-03-04T10:00:00";
    d.language = lang;
    d.source = source;
    d.text = "Some words of release number " + std::to_string(i) + ".";
    docs.push_back(d);
  }
  TempIndex index(docs);
  auto stats = CollectStats(index.dir());
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  Xapian::Database db(IndexPaths::Stub(index.dir()));
  const Facets slots = internal::CountFacets(db, Xapian::Query::MatchAll, {.exact_up_to = 0});
  auto as_map = [](const std::vector<FacetValue>& v) {
    std::map<std::string, std::uint64_t> m;
    for (const auto& f : v) m[f.value] = f.count;
    return m;
  };
  EXPECT_EQ(stats->documents, 40u);
  EXPECT_EQ(as_map(stats->sources), as_map(slots.sources));
  EXPECT_EQ(as_map(stats->languages), as_map(slots.languages));
  EXPECT_EQ(as_map(stats->years), as_map(slots.years));
  EXPECT_EQ(as_map(stats->languages)["en"], 5u);
  EXPECT_EQ(as_map(stats->languages)["en-gb"], 10u);  // codes are written in lower case
  EXPECT_EQ(as_map(stats->languages)["ru"], 5u);
  EXPECT_EQ(as_map(stats->sources)["Upper"], 5u);
  EXPECT_EQ(as_map(stats->sources)[":colon"], 5u);
}

// A word of seven random letters (filler text of a test corpus).
std::string RandomWord(std::mt19937& rng) {
  std::string w;
  for (int i = 0; i < 7; ++i) w += static_cast<char>('a' + rng() % 26);
  return w;
}

// `docs` split into three directory shards (document i in shard i % 3),
// and a Searcher of them with no local index. `pair_word_shares[k]` > 0:
// shard k is written with pair words (TempIndex).
struct ThreeShards {
  explicit ThreeShards(const std::vector<testing::Doc>& docs,
                       const std::vector<double>& pair_word_shares = {0, 0, 0}) {
    std::vector<std::vector<testing::Doc>> parts(3);
    for (std::size_t i = 0; i < docs.size(); ++i) parts[i % 3].push_back(docs[i]);
    for (std::size_t k = 0; k < parts.size(); ++k) {
      shards.push_back(std::make_unique<TempIndex>(parts[k], pair_word_shares.at(k)));
    }
    Reopen();
  }
  // A new Searcher of the shards.
  void Reopen() {
    OpenOptions through;
    for (const auto& shard : shards) through.shards.push_back(shard->dir());
    searcher.reset();
    auto opened = Searcher::Open(::testing::TempDir() + "/pressarc-no-local-index", through);
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    if (opened.ok()) searcher = std::move(opened.value());
  }
  std::vector<std::unique_ptr<TempIndex>> shards;
  std::unique_ptr<Searcher> searcher;
};

// A xapian-tcpsrv serving the live index of the data directory `dir` on a
// free loopback port (as docs/operations.md runs a shard), in a session of
// its own, stopped when destroyed. ok() is false when it did not start.
class TcpShard {
 public:
  explicit TcpShard(const std::string& dir) {
    const std::string stub = IndexPaths::Stub(dir);
    for (int attempt = 0; attempt < 5 && !ok(); ++attempt) {
      port_ = FreePort();
      const std::string port = std::to_string(port_);
      pid_ = ::fork();
      if (pid_ == 0) {
        ::setsid();  // on SIGTERM it signals its whole process group
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::execlp("xapian-tcpsrv", "xapian-tcpsrv", "--interface", "127.0.0.1", "--port",
                 port.c_str(), stub.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
      }
      for (int wait = 0; wait < 100 && !Listening(); ++wait) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) break;  // died: another port
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      listening_ = Listening();
      if (!listening_) Stop();
    }
  }
  ~TcpShard() { Stop(); }
  TcpShard(const TcpShard&) = delete;
  TcpShard& operator=(const TcpShard&) = delete;

  bool ok() const { return listening_; }
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

 private:
  static int FreePort() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      port = ntohs(a.sin_port);
    }
    ::close(s);
    return port;
  }
  bool Listening() const {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port_));
    const bool up = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(s);
    return up;
  }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    listening_ = false;
  }

  int port_ = 0;
  pid_t pid_ = -1;
  bool listening_ = false;
};

// One index of `docs`, and the same documents in two shards (document i in
// shard i % 2) each served by xapian-tcpsrv, with a searcher of each; both
// null when a server or an opening failed.
class OneIndexAndTwoShards {
 public:
  explicit OneIndexAndTwoShards(const std::vector<testing::Doc>& docs)
      : parts_(Split(docs)),
        whole_(docs),
        first_(parts_[0]),
        second_(parts_[1]),
        a_(first_.dir()),
        b_(second_.dir()) {
    if (!a_.ok() || !b_.ok()) return;
    OpenOptions through;
    through.shards = {a_.url(), b_.url()};
    auto sharded_open = Searcher::Open(::testing::TempDir() + "/pressarc-no-local-index", through);
    auto one_open = Searcher::Open(whole_.dir());
    if (!sharded_open.ok() || !one_open.ok()) return;
    sharded = std::move(*sharded_open);
    one = std::move(*one_open);
  }

  // The URLs each gives for `o`; their totals must agree too.
  void ExpectSamePage(const SearchOptions& o, const std::string& what) {
    auto x = one->Search(o);
    auto y = sharded->Search(o);
    ASSERT_TRUE(x.ok() && y.ok()) << what;
    std::vector<std::string> xs, ys;
    for (const auto& h : x->hits) xs.push_back(h.url);
    for (const auto& h : y->hits) ys.push_back(h.url);
    EXPECT_EQ(xs, ys) << what;
    EXPECT_EQ(x->total, y->total) << what;
    if (!xs.empty()) ++pages_compared;
  }

  std::unique_ptr<Searcher> one, sharded;
  int pages_compared = 0;  // that had results

 private:
  static std::vector<std::vector<testing::Doc>> Split(const std::vector<testing::Doc>& docs) {
    std::vector<std::vector<testing::Doc>> parts(2);
    for (std::size_t i = 0; i < docs.size(); ++i) parts[i % 2].push_back(docs[i]);
    return parts;
  }
  std::vector<std::vector<testing::Doc>> parts_;
  TempIndex whole_, first_, second_;
  TcpShard a_, b_;
};

// Through remote shards, the results of filters alone come in date order
// with the releases of a day (all published at midnight: they tie) in
// canonical URL order (DateThenLinked: the remote servers run no
// KeyMaker), as one index gives them: every page, at every offset, the
// same URLs in the same order, undated releases last.
TEST(SearcherRemoteShards, FiltersAlonePageAsOneIndexWhenADaysReleasesTie) {
  if (std::system("command -v xapian-tcpsrv >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "needs xapian-tcpsrv (xapian-tools)";
  }
  std::mt19937 rng(11);
  std::vector<testing::Doc> docs;
  for (int i = 0; i < 150; ++i) {
    testing::Doc d;
    // URLs in another order than the documents (and their docids)
    d.url = "https://mfa.example/" + RandomWord(rng) + "/" + std::to_string(i);
    d.title = "Release " + std::to_string(i);
    d.published = "2024-03-" + std::to_string(10 + i % 3);  // ~50 a day, at midnight
    if (i % 16 == 0) d.published = "";                      // undated: last, tied too
    d.language = i % 3 == 0 ? "az" : "en";
    d.source = i % 2 == 0 ? "mfa" : "mid";
    for (int k = 0; k < 40; ++k) d.text += RandomWord(rng) + (k % 10 == 9 ? ".\n\n" : " ");
    docs.push_back(d);
  }
  OneIndexAndTwoShards shards(docs);
  ASSERT_TRUE(shards.one && shards.sharded) << "xapian-tcpsrv did not start";
  for (const std::string query : {"source:mfa", "2024-03-10..2024-03-12", ""}) {
    for (SortOrder sort : {SortOrder::kRelevance, SortOrder::kNewest, SortOrder::kOldest}) {
      for (std::uint32_t limit : {5u, 10u}) {
        for (std::uint32_t offset : {0u, 3u, 17u, 40u, 47u, 52u, 60u, 95u, 130u}) {
          SearchOptions o;
          o.query = query;
          if (query.empty()) o.languages = {"en"};
          o.sort = sort;
          o.limit = limit;
          o.offset = offset;
          shards.ExpectSamePage(o, query + " sort " + std::to_string(static_cast<int>(sort)) +
                                       " limit " + std::to_string(limit) + " offset " +
                                       std::to_string(offset));
        }
      }
    }
  }
  EXPECT_GT(shards.pages_compared, 60);
}

// Release `i` of a ministry's news in Azerbaijani, its text led by `word`.
testing::Doc AzRelease(int i, const std::string& url, const std::string& published,
                       const std::string& word) {
  testing::Doc d;
  d.url = url;
  d.title = "Xəbər " + std::to_string(i);
  d.published = published;
  d.language = "az";
  d.source = "mfa";
  d.text = word + " görüşü " + std::to_string(i) + " barədə məlumat.";
  return d;
}

// Oldest first through remote shards, filters alone: the dated releases
// by publication, then the undated ones in canonical URL order, whatever
// their docids, at every cut of a page (--all reads one match past it).
TEST(SearcherRemoteShards, UndatedComeLastByCanonicalUrlOldestFirst) {
  if (std::system("command -v xapian-tcpsrv >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "needs xapian-tcpsrv (xapian-tools)";
  }
  std::mt19937 rng(5);
  std::vector<testing::Doc> docs;
  for (int i = 0; i < 40; ++i) {
    const std::string published = i % 4 == 0 ? "2024-03-1" + std::to_string(i % 10) : "";
    docs.push_back(AzRelease(i, "https://mfa.example/" + RandomWord(rng) + "/" + std::to_string(i),
                             published, "Nazir"));
  }
  OneIndexAndTwoShards shards(docs);
  ASSERT_TRUE(shards.one && shards.sharded) << "xapian-tcpsrv did not start";
  for (std::uint32_t offset = 0; offset < 40; ++offset) {
    SearchOptions o;
    o.query = "source:mfa";
    o.sort = SortOrder::kOldest;
    o.fold_copies = false;
    o.offset = offset;
    o.limit = 3;
    shards.ExpectSamePage(o, "offset " + std::to_string(offset));
  }
}

// Date-ordered searches read the newest (oldest) years first and stop when
// they fill the page: over ten years of releases with undated ones and
// copies republished a year later, every page must be the one a full sort
// gives (computed here from the documents themselves).
TEST(SearcherDateOrder, PagesInDateOrderAreExactAcrossYears) {
  std::vector<testing::Doc> docs;
  std::mt19937 rng(7);
  auto word = [&] { return RandomWord(rng); };
  struct Member {
    std::string url, published;
    bool matches;
  };
  std::vector<std::vector<Member>> groups;  // an original and its copy
  std::set<std::string> undated_urls;
  for (int i = 0; i < 400; ++i) {
    const bool undated = i % 97 == 5;
    char published[32] = "";
    if (!undated) {
      std::snprintf(published, sizeof published, "%04d-%02d-%02dT%02d:%02d:00", 2015 + i % 10,
                    1 + (i / 10) % 12, 1 + (i / 3) % 28, i % 24, i % 60);
    }
    std::string text;
    for (int k = 0; k < 40; ++k) text += word() + (k % 10 == 9 ? ".\n\n" : " ");
    const bool matches = i % 7 != 0;
    if (matches) text += " nazir görüşü.";
    testing::Doc d;
    d.url = "https://mfa.example/az/" + std::to_string(i);
    d.title = "Xəbər " + std::to_string(i);
    d.published = published;
    d.language = "az";
    d.source = "mfa";
    d.text = text;
    groups.push_back({{d.url, d.published, matches}});
    if (undated) undated_urls.insert(d.url);
    docs.push_back(d);
    if (i % 25 == 3 && !undated) {  // republished the next year, same text
      testing::Doc copy = d;
      copy.url = "https://news.example/" + std::to_string(i);
      copy.source = "news";
      copy.published = std::to_string(2016 + i % 10) + d.published.substr(4);
      groups.back().push_back({copy.url, copy.published, matches});
      docs.push_back(copy);
    }
  }
  TempIndex index(docs);
  auto searcher = Searcher::Open(index.dir());
  ASSERT_TRUE(searcher.ok()) << searcher.status().message();

  // A group ranks by its best matching member in the sort; the earliest
  // matching copy is shown. Undated last.
  auto expected = [&](bool newest, bool words, std::size_t offset, std::size_t limit) {
    std::vector<std::pair<std::string, std::string>> ranked;  // (sort key, shown URL)
    for (const auto& g : groups) {
      std::vector<Member> m;
      for (const auto& x : g) {
        if (x.matches || !words) m.push_back(x);
      }
      if (m.empty()) continue;
      auto by_date = [](const Member& a, const Member& b) { return a.published < b.published; };
      std::string key = newest ? std::max_element(m.begin(), m.end(), by_date)->published
                               : std::min_element(m.begin(), m.end(), by_date)->published;
      ranked.emplace_back(key, std::min_element(m.begin(), m.end(), by_date)->url);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
      if (a.first.empty() != b.first.empty()) return b.first.empty();
      return newest ? a.first > b.first : a.first < b.first;
    });
    std::vector<std::string> urls;
    for (std::size_t k = offset; k < std::min(ranked.size(), offset + limit); ++k) {
      urls.push_back(ranked[k].second);
    }
    return urls;
  };
  struct Case {
    std::string query;
    SortOrder sort;
    std::uint32_t offset, limit;
  };
  for (const Case& c :
       {Case{"nazir", SortOrder::kNewest, 0, 10}, Case{"nazir", SortOrder::kNewest, 35, 10},
        Case{"nazir", SortOrder::kOldest, 0, 10}, Case{"nazir", SortOrder::kOldest, 40, 7},
        Case{"nazir", SortOrder::kNewest, 330, 20},
        Case{"source:mfa OR source:news", SortOrder::kRelevance, 0, 10},
        Case{"source:mfa OR source:news", SortOrder::kRelevance, 60, 5}}) {
    SearchOptions o;
    o.query = c.query;
    o.sort = c.sort;
    o.offset = c.offset;
    o.limit = c.limit;
    auto r = (*searcher)->Search(o);
    ASSERT_TRUE(r.ok()) << r.status().message();
    std::vector<std::string> got;
    for (const auto& h : r->hits) got.push_back(h.url);
    const bool words = c.query == "nazir";
    std::vector<std::string> want =
        expected(c.sort != SortOrder::kOldest, words, c.offset, c.limit);
    // Undated documents tie on the date and come last in relevance order:
    // compare them as a set.
    auto undated_last = [&](std::vector<std::string> v) {
      auto first = std::find_if(v.begin(), v.end(),
                                [&](const std::string& u) { return undated_urls.count(u) > 0; });
      std::sort(first, v.end());
      return v;
    };
    EXPECT_EQ(undated_last(got), undated_last(want)) << c.query << " offset " << c.offset;
  }

  // Larger totals are estimates, of the whole query, also when a page in
  // date order is read from a window of months.
  for (SortOrder sort : {SortOrder::kNewest, SortOrder::kOldest, SortOrder::kRelevance}) {
    SearchOptions o;
    o.query = "source:mfa OR source:news";
    o.sort = sort;
    auto r = (*searcher)->Search(o);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_NEAR(static_cast<double>(r->total), static_cast<double>(groups.size()),
                0.1 * static_cast<double>(groups.size()));
  }

  // Totals under 200 count each group once, exactly, in any order; the
  // page itself is longer than the first window read (27 results).
  for (const auto& [query, sort] : {std::pair{"nazir 2015..2016", SortOrder::kRelevance},
                                    std::pair{"nazir 2015..2016", SortOrder::kNewest},
                                    std::pair{"nazir 2019..2019", SortOrder::kOldest}}) {
    const std::string year_from =
        std::string(query).find("2019") != std::string::npos ? "2019" : "2015";
    const std::string year_to = year_from == "2019" ? "2019" : "2016";
    std::size_t want = 0;
    for (const auto& g : groups) {
      want += std::any_of(g.begin(), g.end(), [&](const Member& m) {
        const std::string year = m.published.substr(0, 4);
        return m.matches && !m.published.empty() && year >= year_from && year <= year_to;
      });
    }
    SearchOptions o;
    o.query = query;
    o.sort = sort;
    o.limit = 27;
    auto r = (*searcher)->Search(o);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_GT(want, 27u) << query;
    EXPECT_EQ(r->total, want) << query;
    std::set<std::string> shown;
    for (const auto& h : r->hits) shown.insert(h.url);
    EXPECT_EQ(shown.size(), std::min<std::size_t>(27, want)) << query;
  }
}

// (publication, URL) pairs in the order a full sort gives in `sort`:
// by publication, ties by canonical URL.
std::vector<std::pair<std::string, std::string>> FullSort(
    std::vector<std::pair<std::string, std::string>> releases, SortOrder sort) {
  std::sort(releases.begin(), releases.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first)
      return sort == SortOrder::kOldest ? a.first < b.first : a.first > b.first;
    return a.second < b.second;
  });
  return releases;
}

// The URLs of the page of 10 from `offset` in `sort` of the search `o`,
// and of the same page of `sorted`.
struct PageUrls {
  std::vector<std::string> got, expected;
};
PageUrls ComparePage(Searcher& searcher, SearchOptions o, SortOrder sort, std::uint32_t offset,
                     const std::vector<std::pair<std::string, std::string>>& sorted,
                     std::uint64_t* total) {
  o.sort = sort;
  o.offset = offset;
  o.limit = 10;
  PageUrls page;
  auto r = searcher.Search(o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return page;
  for (const auto& h : r->hits) page.got.push_back(h.url);
  for (std::size_t k = o.offset; k < o.offset + o.limit && k < sorted.size(); ++k) {
    page.expected.push_back(sorted[k].second);
  }
  *total = r->total;
  return page;
}

// A date window is cut to days within its last month, and a day's releases
// share one publication time: a page in date order (or of filters alone)
// is still the one a full sort gives, ties broken by canonical URL.
TEST(SearcherDateOrder, PagesAreExactWhenManyReleasesShareADay) {
  std::vector<testing::Doc> docs;
  std::vector<std::pair<std::string, std::string>> all;  // (published, URL)
  for (int i = 0; i < 600; ++i) {
    char published[32];
    // Three months; most releases on a few days, at midnight.
    std::snprintf(published, sizeof published, "2024-%02d-%02dT00:00:00", 10 + i % 3,
                  i % 5 == 0 ? 1 + i % 28 : 20 + i % 4);
    docs.push_back(AzRelease(i, "https://mfa.example/az/" + std::to_string(1000 + (i * 7919) % 600),
                             published, "Nazir"));
    all.emplace_back(docs.back().published, docs.back().url);
  }
  TempIndex index(docs);
  auto searcher = Searcher::Open(index.dir());
  ASSERT_TRUE(searcher.ok()) << searcher.status().message();
  for (SortOrder sort : {SortOrder::kRelevance, SortOrder::kNewest, SortOrder::kOldest}) {
    const auto want = FullSort(all, sort);
    for (std::uint32_t offset : {0u, 40u, 230u}) {
      SearchOptions o;
      o.query = "source:mfa";
      std::uint64_t total = 0;
      const PageUrls page = ComparePage(**searcher, o, sort, offset, want, &total);
      EXPECT_EQ(page.got, page.expected)
          << "sort " << static_cast<int>(sort) << " offset " << offset;
      EXPECT_NEAR(static_cast<double>(total), 600.0, 60.0);
    }
  }
}

// A date window reads only the months the query's date ranges reach, a
// month they cut by its days inside them, and a window inside the ranges
// is searched without them: pages of ranges in the past, ranges that cut
// months at both ends, ranges typed and given as --from/--to, with words
// or filters alone, in every order, are the ones a full sort gives.
TEST(SearcherDateOrder, PagesInsideDateRangesAreExact) {
  std::vector<testing::Doc> docs;
  std::vector<std::pair<std::string, std::string>> all, lavrov;  // (published, URL)
  for (int i = 0; i < 3000; ++i) {
    char published[32];
    // 36 months of 2016-2018; a fifth of a month's releases on its 10th, at midnight.
    std::snprintf(published, sizeof published, "%d-%02d-%02dT%02d:00:00", 2016 + i % 3,
                  1 + (i / 3) % 12, i % 5 == 0 ? 10 : 1 + (i * 7) % 28, i % 5 == 0 ? 0 : i % 24);
    docs.push_back(AzRelease(i,
                             "https://mfa.example/az/" + std::to_string(10000 + (i * 7919) % 3000),
                             published, i % 2 == 0 ? "Lavrov" : "Nazir"));
    all.emplace_back(docs.back().published, docs.back().url);
    if (i % 2 == 0) lavrov.emplace_back(docs.back().published, docs.back().url);
  }
  for (int i = 0; i < 30; ++i) {  // undated: no range holds them
    docs.push_back(
        AzRelease(3000 + i, "https://mfa.example/az/undated-" + std::to_string(i), "", "Lavrov"));
  }
  TempIndex index(docs);
  auto searcher = Searcher::Open(index.dir());
  ASSERT_TRUE(searcher.ok()) << searcher.status().message();
  struct Case {
    std::string query, from, to;
    std::string first, last;  // the days the expected releases are in
    bool lavrov;              // only the releases with "Lavrov"
  };
  const Case cases[] = {
      {"..2016", "", "", "0000", "2016-12-31", false},
      {"source:mfa 2016-03..2016-09", "", "", "2016-03-01", "2016-09-31", false},
      {"2016-02-15..2018-06-20", "", "", "2016-02-15", "2018-06-20", false},
      {"source:mfa", "2017-01-11", "2017-11-09", "2017-01-11", "2017-11-09", false},
      {"Lavrov 2017..", "", "", "2017-01-01", "9999", true},
      {"Lavrov", "2016-04-10", "2017-08-10", "2016-04-10", "2017-08-10", true},
  };
  for (const Case& c : cases) {
    std::vector<std::pair<std::string, std::string>> in;
    for (const auto& r : c.lavrov ? lavrov : all) {
      const std::string day = r.first.substr(0, 10);
      if (day >= c.first && day <= c.last) in.push_back(r);
    }
    ASSERT_GT(in.size(), 540u) << c.query;  // a window at each offset
    for (SortOrder sort : {SortOrder::kRelevance, SortOrder::kNewest, SortOrder::kOldest}) {
      if (sort == SortOrder::kRelevance && c.lavrov) continue;  // weighed: no window
      const auto want = FullSort(in, sort);
      for (std::uint32_t offset : {0u, 45u, 70u}) {
        SearchOptions o;
        o.query = c.query;
        o.from = c.from;
        o.to = c.to;
        std::uint64_t total = 0;
        const PageUrls page = ComparePage(**searcher, o, sort, offset, want, &total);
        EXPECT_EQ(page.got, page.expected)
            << c.query << " --from " << c.from << " --to " << c.to << " sort "
            << static_cast<int>(sort) << " offset " << offset;
        EXPECT_NEAR(static_cast<double>(total), static_cast<double>(in.size()),
                    0.1 * static_cast<double>(in.size()))
            << c.query;
        // Date ranges alone are counted by their terms' frequencies: exactly.
        if (c.query.find_first_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos) {
          EXPECT_EQ(total, in.size()) << c.query;
        }
      }
    }
  }
}

TEST(SearcherOpen, MissingOrEmptyDataDirectoryMeansNoIndexYet) {
  auto missing = Searcher::Open("/nonexistent/pressarc-data");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kRuntime);
  EXPECT_NE(missing.status().message().find("no index yet"), std::string::npos);

  TempIndex empty(std::vector<testing::Doc>{});
  auto none = Searcher::Open(empty.dir());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no index yet"), std::string::npos);

  auto stats = CollectStats(empty.dir());
  ASSERT_TRUE(stats.ok());
  EXPECT_FALSE(stats->has_index);
  EXPECT_EQ(stats->documents, 0u);
}

}  // namespace
}  // namespace pressarc::search

namespace pressarc::search {
namespace {

TEST_F(SearcherTest, ExactWordsMatchTheFormAsWrittenOnly) {
  SearchOptions exact;
  exact.exact = true;
  exact.fold_copies = false;
  auto run_exact = [&](const std::string& q) {
    exact.query = q;
    return UrlSet(Run(exact));
  };
  // A word with diacritics matches only that form, case aside.
  EXPECT_EQ(run_exact("Azərbaycan"), (std::set<std::string>{kAzStatement, kCopy}));
  EXPECT_EQ(run_exact("AZƏRBAYCAN"), (std::set<std::string>{kAzStatement, kCopy}));  // case aside
  // Stemming finds Лавровым for Лавров; exact words do not.
  EXPECT_TRUE(UrlSet(Run("Лавров")).count(kRuStatement));
  EXPECT_EQ(run_exact("Лавров"), std::set<std::string>{});
  EXPECT_EQ(run_exact("Лавровым"), std::set<std::string>{kRuStatement});
  // Transliteration finds Лавровым for Lavrov; exact words do not.
  EXPECT_TRUE(UrlSet(Run("Lavrov")).count(kRuStatement));
  EXPECT_FALSE(run_exact("Lavrov").count(kRuStatement));
  EXPECT_TRUE(run_exact("Lavrov").count(kEnStatement));
  // Operators and filters keep working.
  EXPECT_EQ(run_exact("(Лавровым OR Azərbaycan) source:metbuat"), std::set<std::string>{kCopy});
}

TEST_F(SearcherTest, FacetsCountMatchesPerMonth) {
  SearchOptions o;
  o.query = "source:mfa-az";
  o.facets = true;
  auto r = searcher_->Search(o);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->facets);
  std::map<std::string, std::uint64_t> months;
  for (const auto& m : r->facets->months) months[m.value] = m.count;
  EXPECT_EQ(months["2023-02"], 3u);  // the statement in az, en, ru
  EXPECT_EQ(months["2022-12"], 1u);  // the vaccine campaign
  EXPECT_TRUE(
      std::is_sorted(r->facets->months.begin(), r->facets->months.end(),
                     [](const FacetValue& a, const FacetValue& b) { return a.value < b.value; }));
}

// In relevance order, matches of equal weight come newest first (undated
// last), then by canonical URL, at any offset, whatever order they were
// indexed in, through one index or three directory shards: a word's
// weights take few values (here: the word once, twice or three times in
// texts of one length), and the matches of the page's last weight are put
// in date order after the matcher ranked them by weight alone.
TEST(SearcherRelevanceOrder, TiesInWeightAreNewestFirstAtAnyOffset) {
  std::mt19937 rng(11);
  auto word = [&] { return RandomWord(rng); };
  struct Want {
    int count;
    std::string published, url;
  };
  std::vector<testing::Doc> docs;
  std::vector<Want> all;
  for (int i = 0; i < 1000; ++i) {
    const int count = i % 20 == 7 ? 3 : i % 4 == 1 ? 2 : 1;
    char published[32] = "";
    if (i % 83 != 4) {  // a few undated
      // Dates shuffled against the indexing order; every ninth shares the
      // previous one's publication time.
      const int k = i % 9 == 0 && i > 0 ? i - 1 : i;
      const unsigned h = static_cast<unsigned>(k) * 2654435761u;
      std::snprintf(published, sizeof published, "%04u-%02u-%02uT%02u:00:00", 2015 + h % 10,
                    1 + (h >> 8) % 12, 1 + (h >> 12) % 28, (h >> 16) % 24);
    }
    std::string text;
    for (int k = 0; k < 40 - count; ++k) text += word() + (k % 10 == 9 ? ".\n\n" : " ");
    for (int k = 0; k < count; ++k) text += " nazir";
    testing::Doc d;
    d.url = "https://mfa.example/az/" + std::to_string((i * 7919) % 1000);
    d.title = "Xəbər";
    d.published = published;
    d.language = "az";
    d.source = "mfa";
    d.text = text + ".";
    all.push_back({count, published, d.url});
    docs.push_back(d);
  }
  TempIndex index(docs);
  auto searcher = Searcher::Open(index.dir());
  ASSERT_TRUE(searcher.ok()) << searcher.status().message();
  ThreeShards sharded(docs);  // the same documents, docids interleaved
  ASSERT_TRUE(sharded.searcher);
  std::stable_sort(all.begin(), all.end(), [](const Want& a, const Want& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.published.empty() != b.published.empty()) return b.published.empty();
    if (a.published != b.published) return a.published > b.published;
    return a.url < b.url;
  });
  // The page at each offset of `o`, through one index and three shards,
  // is that of `ranked`.
  auto expect_pages = [&](SearchOptions o, const std::vector<Want>& ranked,
                          std::initializer_list<std::uint32_t> offsets, const std::string& label) {
    o.fold_copies = false;
    o.limit = 10;
    for (std::uint32_t offset : offsets) {
      o.offset = offset;
      std::vector<std::string> want;
      for (std::size_t k = offset; k < std::min<std::size_t>(ranked.size(), offset + 10); ++k) {
        want.push_back(ranked[k].url);
      }
      for (Searcher* s : {searcher->get(), sharded.searcher.get()}) {
        auto r = s->Search(o);
        ASSERT_TRUE(r.ok()) << r.status().message();
        std::vector<std::string> got;
        for (const auto& h : r->hits) got.push_back(h.url);
        EXPECT_EQ(got, want) << label << ", offset " << offset
                             << (s == searcher->get() ? "" : ", 3 shards");
      }
    }
  };
  SearchOptions nazir;
  nazir.query = "nazir";
  expect_pages(nazir, all, {0u, 3u, 45u, 48u, 300u, 700u, 985u}, "nazir");
  // Inside a date range, as a typed range and as options: the tied
  // matches' newest are looked for only in the months the range reaches.
  std::vector<Want> inside;
  for (const Want& w : all) {
    if (!w.published.empty() && w.published.substr(0, 7) >= "2016-03" &&
        w.published.substr(0, 7) <= "2019-06") {
      inside.push_back(w);
    }
  }
  ASSERT_GT(inside.size(), 200u);
  const auto last = static_cast<std::uint32_t>(inside.size() - 5);
  SearchOptions typed;
  typed.query = "nazir 2016-03..2019-06";
  expect_pages(typed, inside, {0u, 20u, 150u, last}, typed.query);
  SearchOptions options = nazir;
  options.from = "2016-03-01";
  options.to = "2019-06-30";
  expect_pages(options, inside, {0u, 20u, 150u, last}, "nazir --from --to");
}

// An exact total (at most 200 matches) counts copies once, also through
// directory shards: there the matcher's spies see each shard's own docids,
// so the matches past the page are read again rather than taken from a spy.
TEST(SearcherShards, ExactTotalsFoldCopiesThroughDirectoryShards) {
  std::mt19937 rng(5);
  auto word = [&] { return RandomWord(rng); };
  std::vector<testing::Doc> docs;
  std::size_t groups = 0;
  for (int i = 0; i < 150; ++i) {
    std::string text;
    for (int k = 0; k < 60; ++k) text += word() + (k % 12 == 11 ? ".\n\n" : " ");
    testing::Doc d;
    d.url = "https://mfa.example/az/" + std::to_string(i);
    d.title = "Xəbər " + std::to_string(i);
    d.published = "2024-03-" + std::to_string(10 + i % 18);
    d.language = "az";
    d.source = "mfa";
    d.text = text + " nazir görüşü.";
    docs.push_back(d);
    ++groups;
    if (i % 4 == 0) {  // a copy, republished elsewhere
      testing::Doc copy = d;
      copy.url = "https://news.example/" + std::to_string(i);
      copy.source = "news";
      docs.push_back(copy);
    }
  }
  TempIndex index(docs);
  ThreeShards sharded(docs);
  auto one = Searcher::Open(index.dir());
  ASSERT_TRUE(one.ok() && sharded.searcher);
  SearchOptions o;
  o.query = "nazir";
  o.limit = 10;
  for (Searcher* s : {one->get(), sharded.searcher.get()}) {
    auto r = s->Search(o);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->total, groups) << (s == one->get() ? "one index" : "3 shards");
    EXPECT_EQ(r->hits.size(), 10u);
  }
}

// A corpus of frequent words (Zipf-like: word k drawn about 1/(k+1) as
// often as the first) with phrases of them: names in either script, words
// one apart (ADJ/3), and the phrase queries to search it with.
struct PhraseCorpus {
  PhraseCorpus() {
    std::mt19937 rng(19);
    const std::vector<std::string> vocabulary = {
        "foreign",  "affairs", "ministry", "of",       "the",   "minister", "and",
        "security", "talks",   "peace",    "domestic", "visit", "xarici",   "işlər"};
    std::vector<double> weights;
    for (std::size_t k = 0; k < vocabulary.size(); ++k) weights.push_back(1.0 / (k + 1));
    std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
    auto words = [&](int n) {
      std::string out;
      for (int i = 0; i < n; ++i) out += (i ? " " : "") + vocabulary[pick(rng)];
      return out;
    };
    docs = testing::StandardDocs();
    for (int i = 0; i < 300; ++i) {
      testing::Doc d;
      d.url = "https://example.gov/en/" + std::to_string(i);
      d.title = words(3 + static_cast<int>(rng() % 3));
      d.published = "2023-01-" + std::to_string(10 + i % 18);
      d.language = i % 5 == 0 ? "az" : "en";
      d.source = "example";
      d.text = words(10 + static_cast<int>(rng() % 40)) + ".\n\n" + words(5);
      if (i % 7 == 0) d.text += " foreign and domestic affairs";  // ADJ/3, not a phrase
      if (i % 6 == 0) {  // names, whose Latin spellings have positions too
        d.language = "ru";
        d.text += " Сергей Лавров встретился с министром. Министр Сергей Лавров";
      }
      docs.push_back(d);
    }
    queries = {"\"foreign affairs\"",
               "\"Ministry of Foreign Affairs\"",
               "\"xarici işlər naziri\"",
               "\"Xarici Isler\"",
               "\"Sergey Lavrov\"",
               "\"Сергеем Лавровым\"",
               "\"foreign and domestic\"",
               "foreign ADJ/3 affairs",
               "foreign NEAR affairs",
               "title:\"foreign affairs\"",
               "\"foreign affairs\" OR visit",
               "ministry -\"foreign affairs\"",
               "\"the the\"",
               "\"peace talks\" security",
               "\"affairs foreign\"",
               "\"Сергей Лавров\"",
               "\"minister Sergey Lavrov\"",
               "\"Лавров встретился\"",
               "\"lavrov vstretilsya\""};
    for (int i = 0; i < 40; ++i) queries.push_back("\"" + words(2 + i % 3) + "\"");
  }
  std::vector<testing::Doc> docs;
  std::vector<std::string> queries;
};

// Every query of `queries` gives the same URLs, scores, percentages,
// snippets, totals and facets from `a` as from `b`, with and without
// --exact and --facets. Returns how many searches found something.
int ExpectSameResults(Searcher& a, Searcher& b, const std::vector<std::string>& queries) {
  int matched = 0;
  for (std::size_t i = 0; i < 2 * queries.size(); ++i) {
    const std::string& q = queries[i / 2];
    SearchOptions o;
    o.query = q;
    o.limit = 50;
    o.exact = i % 2 == 1;  // --exact: its own parse, the same phrases
    o.facets = i % 4 < 2;  // counted without positions (WithoutPairedPositions)
    auto x = a.Search(o);
    auto y = b.Search(o);
    EXPECT_TRUE(x.ok() && y.ok()) << q;
    if (!x.ok() || !y.ok()) continue;
    EXPECT_EQ(x->total, y->total) << q;
    auto counts = [](const std::vector<FacetValue>& f) {
      std::map<std::string, std::uint64_t> out;
      for (const auto& v : f) out[v.value] = v.count;
      return out;
    };
    EXPECT_EQ(x->facets.has_value(), o.facets) << q;
    EXPECT_EQ(y->facets.has_value(), o.facets) << q;
    if (o.facets && x->facets && y->facets) {
      EXPECT_EQ(counts(x->facets->years), counts(y->facets->years)) << q;
      EXPECT_EQ(counts(x->facets->languages), counts(y->facets->languages)) << q;
    }
    EXPECT_EQ(x->hits.size(), y->hits.size()) << q;
    for (std::size_t k = 0; k < x->hits.size() && k < y->hits.size(); ++k) {
      EXPECT_EQ(x->hits[k].url, y->hits[k].url) << q << " #" << k;
      EXPECT_DOUBLE_EQ(x->hits[k].score, y->hits[k].score) << q << " #" << k;
      EXPECT_EQ(x->hits[k].percent, y->hits[k].percent) << q << " #" << k;
      EXPECT_EQ(x->hits[k].snippet, y->hits[k].snippet) << q << " #" << k;
    }
    if (!x->hits.empty()) ++matched;
  }
  return matched;
}

// Phrases of frequent words are filtered by pair terms (schema::kPrefixPair)
// in an index written with pair words: the same results, scores and totals
// as the index without them, for exact phrases of any length, names in
// either script, ADJ/N and NEAR (wider windows: not filtered), title:
// phrases, and phrases inside OR and NOT, with and without --exact.
TEST(SearcherPhrasePairs, PhrasesFindTheSameWithPairTermsAsWithout) {
  const PhraseCorpus corpus;
  TempIndex plain(corpus.docs);
  TempIndex paired(corpus.docs, 0.05);
  {
    Xapian::Database with(IndexPaths::Stub(paired.dir()));
    Xapian::Database without(IndexPaths::Stub(plain.dir()));
    ASSERT_GT(with.get_termfreq(schema::PairTerm("foreign", "affairs")), 0u);
    ASSERT_GT(with.get_termfreq(schema::PairTerm("xarici", "isler")), 0u);
    ASSERT_GT(with.get_termfreq(schema::PairTerm("sergey", "lavrov")), 0u);
    EXPECT_EQ(without.get_termfreq(schema::PairTerm("foreign", "affairs")), 0u);
    const auto pair_words =
        PairWords::Parse(with.get_metadata(std::string(schema::kMetadataPairWords)));
    EXPECT_TRUE(pair_words.Has("foreign") && pair_words.Has("affairs"));
    SearchOptions phrase;
    phrase.query = "\"foreign affairs\"";
    auto built = internal::BuildQuery(with, phrase, &pair_words);
    ASSERT_TRUE(built.ok());
    EXPECT_NE(built->query.get_description().find("XPAIRforeign affairs"), std::string::npos)
        << built->query.get_description();
    phrase.exact = true;
    built = internal::BuildQuery(with, phrase, &pair_words);
    ASSERT_TRUE(built.ok());
    EXPECT_NE(built->query.get_description().find("XPAIRforeign affairs"), std::string::npos)
        << built->query.get_description();
    phrase.exact = false;
    // counted without positions: two words with their pair; not three
    EXPECT_EQ(WithoutPairedPositions(built->query).get_description().find("PHRASE"),
              std::string::npos);
    phrase.query = "\"ministry of foreign\"";
    built = internal::BuildQuery(with, phrase, &pair_words);
    ASSERT_TRUE(built.ok());
    EXPECT_NE(WithoutPairedPositions(built->query).get_description().find("PHRASE"),
              std::string::npos);
    phrase.query = "foreign ADJ/3 affairs";
    built = internal::BuildQuery(with, phrase, &pair_words);
    ASSERT_TRUE(built.ok());
    EXPECT_EQ(built->query.get_description().find("XPAIR"), std::string::npos)
        << built->query.get_description();
    EXPECT_NE(WithoutPairedPositions(built->query).get_description().find("PHRASE"),
              std::string::npos);
  }
  auto with = Searcher::Open(paired.dir());
  auto without = Searcher::Open(plain.dir());
  ASSERT_TRUE(with.ok() && without.ok());
  EXPECT_GT(ExpectSameResults(**without, **with, corpus.queries), 60);  // not all empty
}

// Through shards, a phrase is filtered by the pairs of the words in every
// shard's list (each shard's generation has its own): three shards written
// with pair words find what three without find; when one shard has no list
// (a first index), nothing is filtered, and that shard's matches are found.
TEST(SearcherShards, PhrasesThroughShardsUseThePairWordsOfEveryShard) {
  const PhraseCorpus corpus;
  ThreeShards plain(corpus.docs);
  ThreeShards paired(corpus.docs, {0.05, 0.05, 0.05});
  ThreeShards mixed(corpus.docs, {0.05, 0.05, 0});
  ASSERT_TRUE(plain.searcher && paired.searcher && mixed.searcher);
  EXPECT_GT(ExpectSameResults(*plain.searcher, *paired.searcher, corpus.queries), 60);
  EXPECT_GT(ExpectSameResults(*plain.searcher, *mixed.searcher, corpus.queries), 60);
}

// The pair words are taken from the lists as written: a list naming words
// whose pairs the documents lack (pressarc never writes one) loses their
// phrases, in one index and through shards alike: the filter runs on every
// shard.
TEST(SearcherShards, PairFiltersRunOnEveryShard) {
  const PhraseCorpus corpus;
  ThreeShards shards(corpus.docs);
  ASSERT_TRUE(shards.searcher);
  SearchOptions o;
  o.query = "\"foreign affairs\"";
  auto before = shards.searcher->Search(o);
  ASSERT_TRUE(before.ok());
  ASSERT_GT(before->total, 0u);
  for (const auto& shard : shards.shards) {
    Xapian::WritableDatabase db(IndexPaths::Stub(shard->dir()));
    db.set_metadata(std::string(schema::kMetadataPairWords), "affairs\nforeign");
    db.commit();
  }
  shards.Reopen();
  ASSERT_TRUE(shards.searcher);
  auto after = shards.searcher->Search(o);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->total, 0u);
}

}  // namespace
}  // namespace pressarc::search
