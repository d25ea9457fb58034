// `history` and `changes` output: the word-diff text (golden), the JSON
// shapes of the contract, and --since.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "search/search.h"

namespace pressarc::search {
namespace {

NormalisedArticle Version(const std::string& title, const std::string& published,
                          const std::string& text) {
  return NormalisedArticle{title, published, text};
}

ArticleHistory SampleHistory() {
  const NormalisedArticle v1 =
      Version("Talks held", "2024-05-01",
              "The minister said that 25 people took part in the talks on regional security "
              "held in the capital on Tuesday.\n\nThe sides agreed to meet again in autumn.");
  const NormalisedArticle v2 =
      Version("Talks held in Baku", "2024-05-01",
              "The minister said that 26 people took part in the talks on regional security "
              "held in the capital on Tuesday.\n\nThe sides agreed to meet again in autumn.");
  ArticleHistory h;
  h.id = "0123456789abcdef";
  h.url = "https://mfa.gov.az/en/news/no1";
  h.total = 2;
  VersionView first;
  first.version = {
      h.url,    1,    "2024-05-01T10:00:00Z",      "sha256:aa", v1.title, v1.published,
      "mfa-az", "en", {"pressarc-1.warc.gz", 100}, 24,          0,        "The minister said"};
  first.article = v1;
  VersionView second;
  second.version = {
      h.url,    2,    "2024-05-02T08:30:00Z",       "sha256:bb", v2.title, v2.published,
      "mfa-az", "en", {"pressarc-2.warc.gz", 2048}, 2,           1,        ""};
  second.article = v2;
  second.diff = ArticleDiff(v1, v2);
  h.versions = {first, second};
  return h;
}

TEST(HistoryFormat, TextIsAPlainWordDiffWithContext) {
  const std::string want =
      "https://mfa.gov.az/en/news/no1\n"
      "id 0123456789abcdef · 2 version(s) · live\n"
      "\n"
      "version 1 of 2 · fetched 2024-05-01T10:00:00Z · pressarc-1.warc.gz @ 100\n"
      "  Talks held\n"
      "  published 2024-05-01 · sha256:aa\n"
      "\n"
      "version 2 of 2 · fetched 2024-05-02T08:30:00Z · pressarc-2.warc.gz @ 2048\n"
      "  Talks held in Baku\n"
      "  published 2024-05-01 · sha256:bb\n"
      "  2 word(s) added, 1 removed\n"
      "  Talks held {+in Baku+} ¶ The minister said that [-25-]{+26+} people took part in the …\n";
  EXPECT_EQ(FormatHistoryText(SampleHistory()), want);
}

TEST(HistoryFormat, TextIsColouredOnlyWhenAsked) {
  FormatOptions color;
  color.color = true;
  const std::string out = FormatHistoryText(SampleHistory(), color);
  EXPECT_NE(out.find("\x1b[31m[-25-]\x1b[0m\x1b[32m{+26+}\x1b[0m"), std::string::npos) << out;
  EXPECT_EQ(FormatHistoryText(SampleHistory()).find('\x1b'), std::string::npos);
}

TEST(HistoryFormat, JsonHasTheContractShape) {
  auto j = nlohmann::json::parse(FormatHistoryJson(SampleHistory()));
  EXPECT_EQ(j["id"], "0123456789abcdef");
  EXPECT_EQ(j["url"], "https://mfa.gov.az/en/news/no1");
  EXPECT_EQ(j["status"], "live");
  ASSERT_EQ(j["versions"].size(), 2u);
  const auto& v1 = j["versions"][0];
  EXPECT_EQ(v1["version"], 1);
  EXPECT_EQ(v1["fetched_at"], "2024-05-01T10:00:00Z");
  EXPECT_EQ(v1["title"], "Talks held");
  EXPECT_EQ(v1["published"], "2024-05-01");
  EXPECT_EQ(v1["digest"], "sha256:aa");
  EXPECT_EQ(v1["archive"]["file"], "pressarc-1.warc.gz");
  EXPECT_EQ(v1["archive"]["offset"], 100);
  EXPECT_TRUE(v1["diff"].is_null());
  const auto& diff = j["versions"][1]["diff"];
  std::vector<std::pair<std::string, std::string>> changes;
  for (const auto& op : diff) {
    if (op["op"] != "equal") changes.emplace_back(op["op"], op["text"]);
  }
  const std::vector<std::pair<std::string, std::string>> want = {
      {"insert", "in Baku"}, {"delete", "25"}, {"insert", "26"}};
  EXPECT_EQ(changes, want);
  EXPECT_EQ(diff[0]["op"], "equal");
  EXPECT_EQ(diff[0]["text"], "Talks held");
}

TEST(HistoryFormat, OneVersionAskedForIsPrintedWhole) {
  ArticleHistory h = SampleHistory();
  h.versions.erase(h.versions.begin());
  h.versions[0].diff.reset();
  const std::string text = FormatHistoryText(h);
  EXPECT_NE(text.find("\nThe minister said that 26 people"), std::string::npos) << text;
  auto j = nlohmann::json::parse(FormatHistoryJson(h));
  EXPECT_EQ(j["versions"][0]["version"], 2);
  EXPECT_EQ(j["versions"][0]["text"], h.versions[0].article->text);
}

TEST(ChangesFormat, JsonIsAnArrayOfEventsAndJsonlOnePerLine) {
  ChangeEvent e;
  e.kind = ChangeKind::kEdited;
  e.at = "2024-05-02T08:30:00Z";
  e.url = "https://mfa.gov.az/en/news/no1";
  e.title = "Talks held in Baku";
  e.source = "mfa-az";
  e.language = "en";
  e.version = 2;
  e.words_added = 2;
  e.words_removed = 1;
  e.excerpt = "said that [-25-]{+26+} people";
  ChangeEvent n = e;
  n.kind = ChangeKind::kNew;
  n.version = 1;
  auto arr = nlohmann::ordered_json::parse(FormatChanges({e, n}, OutputFormat::kJson));
  ASSERT_TRUE(arr.is_array());
  ASSERT_EQ(arr.size(), 2u);
  const std::vector<std::string> keys = {
      "kind",     "at",      "id",          "url",           "title",  "source",
      "language", "version", "words_added", "words_removed", "excerpt"};
  std::vector<std::string> got;
  for (auto it = arr[0].begin(); it != arr[0].end(); ++it) got.push_back(it.key());
  EXPECT_EQ(got, keys);
  EXPECT_EQ(arr[0]["kind"], "edited");
  EXPECT_EQ(arr[1]["kind"], "new");
  EXPECT_EQ(arr[0]["id"].get<std::string>().size(), 16u);
  const std::string lines = FormatChanges({e, n}, OutputFormat::kJsonl);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2);
  EXPECT_EQ(nlohmann::ordered_json::parse(lines.substr(0, lines.find('\n'))), arr[0]);
  const std::string text = FormatChanges({e}, OutputFormat::kText);
  EXPECT_NE(text.find("2024-05-02T08:30:00Z  edited  v2  +2 -1  mfa-az  Talks held in Baku"),
            std::string::npos)
      << text;
  EXPECT_EQ(FormatChanges({}, OutputFormat::kJson), "[]\n");
}

TEST(ParseSince, DaysAndDurations) {
  const std::int64_t now = 1714723200;  // 2024-05-03T08:00:00Z
  struct Case {
    const char* in;
    const char* want;  // "" = usage error
  };
  const std::vector<Case> cases = {
      {"2024-05-01", "2024-05-01T00:00:00Z"},
      {"7d", "2024-04-26T08:00:00Z"},
      {"24h", "2024-05-02T08:00:00Z"},
      {"30m", "2024-05-03T07:30:00Z"},
      {"2w", "2024-04-19T08:00:00Z"},
      {"0d", "2024-05-03T08:00:00Z"},
      {"2024-02-30", ""},
      {"yesterday", ""},
      {"7", ""},
      {"d", ""},
      {"-7d", ""},
      {"7y", ""},
      {"", ""},
      {"99999999999999d", ""},
  };
  for (const auto& c : cases) {
    auto r = ParseSince(c.in, now);
    if (*c.want) {
      ASSERT_TRUE(r.ok()) << c.in;
      EXPECT_EQ(*r, c.want) << c.in;
    } else {
      ASSERT_FALSE(r.ok()) << c.in;
      EXPECT_EQ(r.status().code(), Status::Code::kUsage) << c.in;
    }
  }
}

}  // namespace
}  // namespace pressarc::search
