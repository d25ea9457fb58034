// Output formats: the JSON shape of the contract, JSON lines, CSV (RFC
// 4180), text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "search/search.h"

namespace pressarc::search {
namespace {

SearchResponse SampleResponse() {
  SearchResponse r;
  r.query = "vaccine";
  r.total = 2;
  SearchHit h;
  h.rank = 1;
  h.id = "0123456789abcdef";
  h.url = "https://mfa.gov.az/en/news/no20011";
  h.title = "Vaccine campaign, \"phase two\" starts";
  h.published = "2022-12-15";
  h.language = "en";
  h.source = "mfa-az";
  h.snippet = "The vaccination campaign…\nsecond line";
  h.score = 1.5;
  h.copies.push_back({"fedcba9876543210", "https://metbuat.az/x.html", "az", "metbuat", ""});
  h.translations.push_back(
      {"1111111111111111", "https://mfa.gov.az/ru/news/no20011", "ru", "mfa-az", "2022-12-15"});
  r.hits.push_back(h);
  SearchHit undated = h;
  undated.rank = 2;
  undated.title = "=HYPERLINK(\"http://evil\")";
  undated.published = "";
  undated.copies.clear();
  undated.translations.clear();
  r.hits.push_back(undated);
  return r;
}

// Splits CSV text per RFC 4180 (quoted cells may hold commas, quotes, newlines).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(cell);
      cell.clear();
      rows.emplace_back();
      ++i;
    } else {
      cell += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

TEST(SearchJson, HasTheContractFieldsWithNullsForUnknowns) {
  auto j = nlohmann::json::parse(FormatSearch(SampleResponse(), OutputFormat::kJson));
  EXPECT_EQ(j["query"], "vaccine");
  EXPECT_EQ(j["total"], 2);
  EXPECT_TRUE(j["suggestion"].is_null());
  EXPECT_FALSE(j.contains("facets"));
  ASSERT_EQ(j["results"].size(), 2u);
  const auto& first = j["results"][0];
  for (const char* key :
       {"rank", "id", "url", "title", "published", "language", "source", "snippet", "score"}) {
    EXPECT_TRUE(first.contains(key)) << key;
  }
  EXPECT_EQ(first["rank"], 1);
  EXPECT_EQ(first["published"], "2022-12-15");
  EXPECT_EQ(first["copies"][0]["url"], "https://metbuat.az/x.html");
  EXPECT_EQ(first["copies"][0]["source"], "metbuat");
  EXPECT_EQ(first["copies"][0]["language"], "az");
  EXPECT_EQ(first["translations"][0]["language"], "ru");
  EXPECT_TRUE(j["results"][1]["published"].is_null());
}

TEST(SearchJson, SuggestionAndFacetsWhenPresent) {
  SearchResponse r = SampleResponse();
  r.suggestion = "vaccine campaign";
  r.facets = Facets{
      {{"mfa-az", 2}}, {{"en", 2}}, {{"2022", 2}}, {{"2022-12", 2}}, {{"live", 1}, {"removed", 1}}};
  auto j = nlohmann::json::parse(FormatSearch(r, OutputFormat::kJson));
  EXPECT_EQ(j["suggestion"], "vaccine campaign");
  EXPECT_EQ(j["facets"]["source"]["mfa-az"], 2);
  EXPECT_EQ(j["facets"]["language"]["en"], 2);
  EXPECT_EQ(j["facets"]["year"]["2022"], 2);
  EXPECT_EQ(j["facets"]["month"]["2022-12"], 2);
  EXPECT_EQ(j["facets"]["status"]["removed"], 1);

  EXPECT_EQ(j["facets"]["approximate"], false);
}

TEST(SearchFacets, EstimatedCountsAreMarkedInJsonAndText) {
  SearchResponse r = SampleResponse();
  r.facets = Facets{{{"mfa-az", 30}}, {{"en", 30}}, {{"2022", 30}}, {{"2022-12", 30}}, {}};
  r.facets->approximate = true;
  r.facets->scale = 3;
  auto j = nlohmann::json::parse(FormatSearch(r, OutputFormat::kJson));
  EXPECT_EQ(j["facets"]["approximate"], true);
  EXPECT_EQ(j["facets"]["source"]["mfa-az"], 30);
  const std::string text = FormatSearch(r, OutputFormat::kText);
  EXPECT_NE(text.find("By source: mfa-az (30)"), std::string::npos) << text;
  EXPECT_NE(text.find("estimates from a sample of the matches, about 1 in 3"), std::string::npos)
      << text;
  r.facets->approximate = false;
  r.facets->scale = 1;
  EXPECT_EQ(FormatSearch(r, OutputFormat::kText).find("estimates"), std::string::npos);
}

TEST(SearchJson, InvalidUtf8IsReplacedNotThrown) {
  SearchResponse r = SampleResponse();
  r.hits[0].title = "bad \xff\xfe bytes";
  std::string out = FormatSearch(r, OutputFormat::kJson);
  EXPECT_NO_THROW(nlohmann::json::parse(out));
}

TEST(SearchJsonl, OneResultObjectPerLine) {
  std::string out = FormatSearch(SampleResponse(), OutputFormat::kJsonl);
  std::size_t lines = 0, start = 0;
  while (start < out.size()) {
    std::size_t nl = out.find('\n', start);
    ASSERT_NE(nl, std::string::npos);
    auto j = nlohmann::json::parse(out.substr(start, nl - start));
    EXPECT_EQ(j["rank"], static_cast<int>(lines + 1));
    ++lines;
    start = nl + 1;
  }
  EXPECT_EQ(lines, 2u);
}

TEST(SearchCsv, QuotesPerRfc4180AndKeepsTheHeader) {
  std::string out = FormatSearch(SampleResponse(), OutputFormat::kCsv);
  EXPECT_EQ(out.rfind("rank,id,url,title,published,language,source", 0), 0u);
  auto rows = ParseCsv(out);
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_EQ(rows[0].size(), rows[1].size());
  EXPECT_EQ(rows[1][3], "Vaccine campaign, \"phase two\" starts");
  EXPECT_EQ(rows[1][8], "The vaccination campaign…\nsecond line");
  EXPECT_EQ(rows[1][4], "2022-12-15");
  EXPECT_EQ(rows[2][4], "");
  // A formula-looking title is neutralised.
  EXPECT_EQ(rows[2][3], "'=HYPERLINK(\"http://evil\")");
}

TEST(SearchCsv, ByteOrderMarkOnlyWhenAsked) {
  FormatOptions bom;
  bom.csv_bom = true;
  EXPECT_EQ(FormatSearch(SampleResponse(), OutputFormat::kCsv, bom).rfind("\xEF\xBB\xBFrank", 0),
            0u);
  EXPECT_EQ(FormatSearch(SampleResponse(), OutputFormat::kCsv).rfind("rank", 0), 0u);
}

TEST(CsvCellTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvCell("plain"), "plain");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(CsvCell("+1"), "'+1");
  EXPECT_EQ(CsvCell("-5"), "-5");
  EXPECT_EQ(CsvCell("@cmd"), "'@cmd");
  EXPECT_EQ(CsvCell("Ölkə, şəhər"), "\"Ölkə, şəhər\"");
}

TEST(SearchText, ListsResultsWithCopiesTranslationsAndNoAnsiWithoutColor) {
  std::string out = FormatSearch(SampleResponse(), OutputFormat::kText);
  EXPECT_NE(out.find("1. Vaccine campaign"), std::string::npos);
  EXPECT_NE(out.find("also published by: metbuat https://metbuat.az/x.html"), std::string::npos);
  EXPECT_NE(out.find("other languages: ru https://mfa.gov.az/ru/news/no20011"), std::string::npos);
  EXPECT_NE(out.find("date unknown"), std::string::npos);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  FormatOptions color;
  color.color = true;
  EXPECT_NE(FormatSearch(SampleResponse(), OutputFormat::kText, color).find("\x1b[1m"),
            std::string::npos);
}

TEST(SearchText, AnEstimatedTotalSaysAbout) {
  SearchResponse r;
  r.query = "Azerbaycan prezident";
  r.total = 70737;
  EXPECT_EQ(FormatSearch(r, OutputFormat::kText).rfind("70737 results for", 0), 0u);
  r.total_estimated = true;
  EXPECT_EQ(FormatSearch(r, OutputFormat::kText).rfind("about 70737 results for", 0), 0u);
  // The JSON's total is documented as an estimate: no new field.
  const std::string json = FormatSearch(r, OutputFormat::kJson);
  EXPECT_NE(json.find("\"total\":70737"), std::string::npos);
  EXPECT_EQ(json.find("estimated"), std::string::npos);
}

TEST(SearchText, NoResultsSaysSoAndShowsTheSuggestion) {
  SearchResponse r;
  r.query = "vacine";
  r.suggestion = "vaccine";
  std::string out = FormatSearch(r, OutputFormat::kText);
  EXPECT_NE(out.find("No results"), std::string::npos);
  EXPECT_NE(out.find("Did you mean: vaccine"), std::string::npos);
}

TEST(ArticleJson, HasArticleFieldsTranslationsCopiesAndArchive) {
  StoredArticle a;
  a.id = "0123456789abcdef";
  a.url = "https://mfa.gov.az/az/news/no10023?utm_source=x";
  a.canonical_url = "https://mfa.gov.az/az/news/no10023";
  a.title = "Bəyanat";
  a.language = "az";
  a.text = "Mətn.\n\nİkinci abzas.";
  a.source = "mfa-az";
  a.archive_file = "pressarc-00001.warc.gz";
  a.archive_offset = 1234;
  a.translations.push_back({"1", "https://mfa.gov.az/en/news/no10023", "en", "mfa-az", ""});
  auto j = nlohmann::json::parse(FormatArticleJson(a));
  for (const char* key : {"url", "canonical_url", "title", "published", "language", "text",
                          "source", "translation_key", "translations", "copies", "archive"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_TRUE(j["published"].is_null());
  EXPECT_TRUE(j["translation_key"].is_null());
  EXPECT_EQ(j["archive"]["file"], "pressarc-00001.warc.gz");
  EXPECT_EQ(j["archive"]["offset"], 1234);
  EXPECT_EQ(j["translations"][0]["url"], "https://mfa.gov.az/en/news/no10023");
  EXPECT_TRUE(j["copies"].is_array());
}

TEST(StatsJson, HasTotalsCountsArchiveAndLastCrawl) {
  IndexStats s;
  s.has_index = true;
  s.documents = 3;
  s.sources = {{"mfa-az", 2}, {"metbuat", 1}};
  s.languages = {{"az", 3}};
  s.years = {{"2023", 3}};
  s.archive_bytes = 2048;
  s.archive_files = 2;
  s.last_crawl =
      RunInfo{7, "2026-11-26T10:00:00Z", "2026-11-26T10:05:00Z", "ok", "{\"fetched\":10}"};
  auto j = nlohmann::json::parse(FormatStatsJson(s));
  EXPECT_EQ(j["documents"], 3);
  EXPECT_EQ(j["sources"]["mfa-az"], 2);
  EXPECT_EQ(j["languages"]["az"], 3);
  EXPECT_EQ(j["years"]["2023"], 3);
  EXPECT_EQ(j["archive"]["bytes"], 2048);
  EXPECT_EQ(j["last_crawl"]["status"], "ok");
  EXPECT_EQ(j["last_crawl"]["summary"]["fetched"], 10);
  s.last_crawl.reset();
  EXPECT_TRUE(nlohmann::json::parse(FormatStatsJson(s))["last_crawl"].is_null());
}

}  // namespace
}  // namespace pressarc::search
