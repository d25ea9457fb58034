// Tests of RecordConverter (archive.h), the one path from an archived record
// to an Article: which source a record is indexed under, so that crawl
// replay, import and reindex agree, and which records hold no page.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "archive/archive.h"

namespace pressarc {
namespace {

std::optional<Article> ArticleFromRecord(const Config& config, const WarcRecord& record,
                                         const std::string& forced) {
  auto converter = RecordConverter::Create(config);
  EXPECT_TRUE(converter.ok());
  return converter->Convert(record, forced);
}

constexpr char kConfig[] = R"(
[[sources]]
name = "mfa-az"
start_urls = ["https://mfa.gov.az/en/news"]
allow = ['^https://mfa\.gov\.az/']
translation_key = '/news/(no\d+)'
)";

constexpr char kPage[] =
    "<!DOCTYPE html><html lang=\"en\"><head><title>Release</title></head><body><main><article>"
    "<h1>Minister Bayramov met the ambassador</h1><time datetime=\"2023-05-02\">2 May</time>"
    "<p>The Ministry of Foreign Affairs announced that the minister met the ambassador and "
    "discussed cooperation, regional security and the peace process in the region.</p>"
    "<p>The sides also discussed the agenda of bilateral relations and further steps.</p>"
    "</article></main></body></html>";

WarcRecord ResourceRecord(const std::string& url, const std::string& stored_source) {
  WarcRecord record;
  record.version = "WARC/1.1";
  record.headers = {{"WARC-Type", "resource"},
                    {"WARC-Target-URI", url},
                    {"WARC-Date", "2023-05-02T10:00:00Z"},
                    {"Content-Type", "text/html"}};
  if (!stored_source.empty()) record.headers.emplace_back("Pressarc-Source", stored_source);
  record.block = kPage;
  return record;
}

struct SourceCase {
  const char* what;
  bool with_config;
  const char* url;
  const char* stored;  // the record's Pressarc-Source ("" = none, as in foreign WARCs)
  const char* forced;  // import --source
  const char* want;
};

// The rule (docs/operations.md): import --source, else the name the archive
// recorded, else the configured source covering the URL, else the host.
TEST(RecordConverter, SourceIsForcedThenStoredThenConfiguredThenHost) {
  const std::vector<SourceCase> cases = {
      {"stored name, reindex without config", false, "https://mfa.gov.az/en/news/no123", "mfa-az",
       "", "mfa-az"},
      {"stored name of a source not configured now", true, "https://other.example/a", "my-pages",
       "", "my-pages"},
      {"stored name wins over a config that covers the URL", true,
       "https://mfa.gov.az/en/news/no123", "old-name", "", "old-name"},
      {"import --source wins over the stored name", true, "https://mfa.gov.az/en/news/no123",
       "mfa-az", "forced", "forced"},
      {"no field (foreign WARC): the configured source", true, "https://mfa.gov.az/en/news/no123",
       "", "", "mfa-az"},
      {"no field, no config: the host", false, "https://mfa.gov.az/en/news/no123", "", "",
       "mfa.gov.az"},
      {"a field that is no name is ignored", true, "https://mfa.gov.az/en/news/no123", "a\tb", "",
       "mfa-az"},
  };
  auto config = ParseConfig(kConfig, "test.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  const Config empty;
  for (const auto& c : cases) {
    auto article = ArticleFromRecord(c.with_config ? *config : empty,
                                     ResourceRecord(c.url, c.stored), c.forced);
    ASSERT_TRUE(article.has_value()) << c.what;
    EXPECT_EQ(article->source, c.want) << c.what;
  }
}

// A source renamed in the config: the records keep the old name, and the
// source covering their URLs still lends its extraction hints.
TEST(RecordConverter, StoredNameNotConfiguredTakesHintsOfTheSourceCoveringTheUrl) {
  auto config = ParseConfig(kConfig, "test.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  auto renamed =
      ArticleFromRecord(*config, ResourceRecord("https://mfa.gov.az/en/news/no123", "mfa"), "");
  ASSERT_TRUE(renamed.has_value());
  EXPECT_EQ(renamed->source, "mfa");
  EXPECT_NE(renamed->translation_key, "");
  auto bare =
      ArticleFromRecord(Config{}, ResourceRecord("https://mfa.gov.az/en/news/no123", "mfa"), "");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->translation_key, "");
}

}  // namespace
}  // namespace pressarc
