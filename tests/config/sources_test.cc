// The real-site configs in config/sources/ (and the default pressarc.toml):
// each loads, and its allow/deny, article and translation_key patterns do
// what the research (shared/research/sites.md) says the sites' URLs need.
// The sites themselves cannot be reached from the build machine, so the
// example URLs below are the ones seen in that research.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"

namespace pressarc {
namespace {

namespace fs = std::filesystem;

const std::string kSourcesDir = std::string(PRESSARC_SOURCE_DIR) + "/config/sources";

const std::vector<std::string> kExpectedFiles = {"kremlin-ru.toml", "metbuat-az.toml",
                                                 "mfa-az.toml", "mid-ru.toml", "president-az.toml"};

Result<Config> LoadSourceFile(const std::string& file) {
  return LoadConfigFile(kSourcesDir + "/" + file);
}

bool AnyMatches(const std::vector<std::string>& patterns, const std::string& url) {
  for (const auto& p : patterns) {
    auto compiled = UrlPattern::Compile(p);
    if (compiled.ok() && compiled->Search(url)) return true;
  }
  return false;
}

// A URL is in scope when an allow pattern matches and no deny pattern does.
bool InScope(const SourceConfig& s, const std::string& url) {
  return AnyMatches(s.allow, url) && !AnyMatches(s.deny, url);
}

std::string TranslationKey(const SourceConfig& s, const std::string& url) {
  if (s.translation_key.empty()) return "";
  auto p = UrlPattern::Compile(s.translation_key);
  return p.ok() ? p->FirstGroup(url) : "";
}

TEST(SourceFiles, TheExpectedFilesAreThere) {
  std::set<std::string> found;
  for (const auto& e : fs::directory_iterator(kSourcesDir)) {
    if (e.path().extension() == ".toml") found.insert(e.path().filename().string());
  }
  for (const auto& f : kExpectedFiles) EXPECT_TRUE(found.count(f)) << f;
}

TEST(SourceFiles, EachLoadsAsOneSourceNamedAfterItsFile) {
  for (const auto& e : fs::directory_iterator(kSourcesDir)) {
    if (e.path().extension() != ".toml") continue;
    SCOPED_TRACE(e.path().string());
    auto c = LoadConfigFile(e.path().string());
    ASSERT_TRUE(c.ok()) << c.status().message();
    ASSERT_EQ(c->sources.size(), 1u);
    const SourceConfig& s = c->sources[0];
    EXPECT_EQ(s.name, e.path().stem().string());
    EXPECT_FALSE(s.title.empty());
    EXPECT_FALSE(s.start_urls.empty());
    EXPECT_FALSE(s.allow.empty()) << "real sites need an explicit scope";
    EXPECT_FALSE(s.article.empty()) << "real sites need article patterns";
    EXPECT_EQ(s.language.size(), 2u);
    EXPECT_FALSE(s.timezone_offset.empty());
    EXPECT_GE(s.per_host_delay_ms, 1000) << "be polite to government sites";
    // Only sources: crawler settings belong in the main config.
    EXPECT_TRUE(c->data_dir.empty());
  }
}

TEST(SourceFiles, StartUrlsAndFeedsAreInScopeAndNotArticles) {
  for (const auto& file : kExpectedFiles) {
    auto c = LoadSourceFile(file);
    ASSERT_TRUE(c.ok()) << c.status().message();
    const SourceConfig& s = c->sources[0];
    for (const auto& u : s.start_urls) {
      EXPECT_TRUE(InScope(s, u)) << file << ": start URL out of scope: " << u;
      EXPECT_FALSE(AnyMatches(s.article, u)) << file << ": start URL is an article: " << u;
    }
    for (const auto& u : s.feeds) {
      EXPECT_TRUE(InScope(s, u)) << file << ": feed out of scope: " << u;
      EXPECT_FALSE(AnyMatches(s.article, u)) << file << ": feed is an article: " << u;
    }
  }
}

TEST(SourceFiles, AllMergeIntoOneConfigWithoutClashes) {
  Config c;
  Status s = MergeSourceFiles(c, kSourcesDir);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_GE(c.sources.size(), kExpectedFiles.size());
  for (const char* name : {"mfa-az", "president-az", "metbuat-az", "mid-ru", "kremlin-ru"}) {
    EXPECT_NE(c.FindSource(name), nullptr) << name;
  }
}

struct UrlCase {
  const char* file;
  const char* url;
  bool in_scope;
  bool article;
  const char* translation_key;  // "" = none
};

// Example URLs from sites.md, and neighbours that must stay out.
const UrlCase kUrls[] = {
    // mfa.gov.az (§1): slug articles, the short form, listings; not categories or embassies.
    {"mfa-az.toml",
     "https://mfa.gov.az/az/news/"
     "no41620-press-release-of-the-press-service-department-of-the-mfa-of-the-republic-of-"
     "azerbaijan-enru",
     true, true, "no41620"},
    {"mfa-az.toml",
     "https://mfa.gov.az/en/news/"
     "no43820-head-of-the-press-service-department-of-the-mfa-of-the-republic-of-azerbaijan-"
     "leyla-abdullayeva-answers-the-question-of-the-media",
     true, true, "no43820"},
    {"mfa-az.toml", "https://mfa.gov.az/en/news/no09722", true, true, "no09722"},
    {"mfa-az.toml", "https://mfa.gov.az/ru/news/no09722", true, true, "no09722"},
    {"mfa-az.toml", "https://mfa.gov.az/en/news/no07226", true, true, "no07226"},
    {"mfa-az.toml", "https://www.mfa.gov.az/en/news?page=3", true, false, ""},
    {"mfa-az.toml", "https://mfa.gov.az/az/news", true, false, ""},
    {"mfa-az.toml", "https://mfa.gov.az/en/news/rss", true, false, ""},
    {"mfa-az.toml", "https://mfa.gov.az/en/category/visa/asan-visa", false, false, ""},
    {"mfa-az.toml", "https://mfa.gov.az/en/category/azerbaijani-missions-abroad", false, false, ""},
    {"mfa-az.toml", "https://sofia.mfa.gov.az/en/news/no52621-x", false, false, "no52621"},
    {"mfa-az.toml",
     "https://nato-pfp.mfa.gov.az/en/news/"
     "xarici-isler-nazirliyinin-2017-ci-ilin-yekunlarina-dair-metbuat-buraxilisi",
     false, false, ""},
    {"mfa-az.toml", "https://mfa.gov.az/en/news/no09722/print", false, false, "no09722"},
    {"mfa-az.toml", "https://mfa.gov.az/en/search?q=lavrov", false, false, ""},
    {"mfa-az.toml", "https://mfa.gov.az.evil.example/en/news/no09722", false, false, "no09722"},
    // metbuat.az (§2a): id articles, listings, RSS; not the internal search or ads.
    {"metbuat-az.toml",
     "https://metbuat.az/news/1486822/azerbaycan-ve-rusiya-xin-bascilarinin-gorusu-baslayib.html",
     true, true, ""},
    {"metbuat-az.toml", "https://metbuat.az/news/1486822", true, true, ""},
    {"metbuat-az.toml", "https://metbuat.az/olke-metbuati.html?page=2&per-page=30", true, false,
     ""},
    {"metbuat-az.toml", "https://metbuat.az/?page=2&per-page=39", true, false, ""},
    {"metbuat-az.toml", "https://metbuat.az/rss.xml", true, false, ""},
    {"metbuat-az.toml", "https://metbuat.az/news/search?q=danimarka", false, false, ""},
    {"metbuat-az.toml", "https://code.ainsyndication.com/v2/js/slot.js", false, false, ""},
    {"metbuat-az.toml", "https://metbuat.az/category/siyaset", false, false, ""},
    // president.az (§2b): numeric ids shared across languages; /print is a duplicate.
    {"president-az.toml", "https://president.az/en/articles/view/25902", true, true, "25902"},
    {"president-az.toml", "https://president.az/ru/articles/view/25902", true, true, "25902"},
    {"president-az.toml", "https://president.az/en/articles/view/69239/print", false, false,
     "69239"},
    {"president-az.toml", "https://president.az/az/news/category/all/779", true, false, ""},
    {"president-az.toml", "https://president.az/en/rss", true, false, ""},
    {"president-az.toml", "https://president.az/az/documents/category/letters/2/json", false, false,
     ""},
    // mid.ru (§2c): Bitrix news ids, PAGEN_1 listings, feeds; not TSPD or old Liferay URLs.
    {"mid-ru.toml", "https://www.mid.ru/ru/foreign_policy/news/1819686/", true, true, ""},
    {"mid-ru.toml", "https://mid.ru/ru/foreign_policy/news/?PAGEN_1=3", true, false, ""},
    {"mid-ru.toml", "https://mid.ru/en/press_service/minister_speeches/?PAGEN_1=2", true, false,
     ""},
    {"mid-ru.toml", "https://mid.ru/ru/press_service/spokesman/briefings/", true, false, ""},
    {"mid-ru.toml", "https://www.mid.ru/ru/rss", true, false, ""},
    {"mid-ru.toml", "https://www.mid.ru/ru/press_service/spokesman/briefings/rss/", true, false,
     ""},
    {"mid-ru.toml", "https://mid.ru/TSPD/08a1b2?type=7", false, false, ""},
    {"mid-ru.toml",
     "https://www.mid.ru/ru/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/"
     "4321?p_p_id=101_INSTANCE_cKNonkJE02Bw&_101_INSTANCE_cKNonkJE02Bw_cur=2",
     false, false, ""},
    {"mid-ru.toml", "https://mid.ru/ru/press_service/photo/albums/1234/", false, false, ""},
    // kremlin.ru (§2d): same id on kremlin.ru and en.kremlin.ru; not /videos.
    {"kremlin-ru.toml", "http://kremlin.ru/events/president/news/79449", true, true, "79449"},
    {"kremlin-ru.toml", "http://en.kremlin.ru/events/president/news/79449", true, true, "79449"},
    {"kremlin-ru.toml", "https://en.kremlin.ru/events/president/news/79449", true, true, "79449"},
    {"kremlin-ru.toml", "http://en.kremlin.ru/events/president/news/page/2", true, false, ""},
    {"kremlin-ru.toml", "http://kremlin.ru/events/president/news/feed", true, false, ""},
    {"kremlin-ru.toml", "http://kremlin.ru/events/president/news/79449/videos", false, false,
     "79449"},
    {"kremlin-ru.toml", "http://kremlin.ru/events/president/transcripts/79450", false, false, ""},
};

TEST(SourcePatterns, MatchTheResearchedUrls) {
  std::map<std::string, Config> configs;
  for (const UrlCase& tc : kUrls) {
    SCOPED_TRACE(std::string(tc.file) + " " + tc.url);
    if (!configs.count(tc.file)) {
      auto c = LoadSourceFile(tc.file);
      ASSERT_TRUE(c.ok()) << c.status().message();
      configs.emplace(tc.file, std::move(c.value()));
    }
    const SourceConfig& s = configs.at(tc.file).sources.at(0);
    EXPECT_EQ(InScope(s, tc.url), tc.in_scope);
    EXPECT_EQ(AnyMatches(s.article, tc.url), tc.article);
    EXPECT_EQ(TranslationKey(s, tc.url), tc.translation_key);
  }
}

TEST(SourcePatterns, MetbuatStripsTheYii2SocialNotice) {
  auto c = LoadSourceFile("metbuat-az.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const ExtractHints& h = c->sources[0].extract;
  for (const char* sel : {"noscript", "#fb-root", ".fb-like", "ins"}) {
    EXPECT_NE(std::find(h.strip.begin(), h.strip.end(), sel), h.strip.end()) << sel;
  }
  ASSERT_FALSE(h.strip_text.empty());
  EXPECT_EQ(h.strip_text[0],
            "You must enable Javascript on your browser for the site to work optimally and display "
            "sections completely.");
}

// The default config in the repository root.
TEST(DefaultConfig, LoadsWithTheMfaSourceOfConfigSources) {
  auto main = LoadConfigFile(std::string(PRESSARC_SOURCE_DIR) + "/pressarc.toml");
  ASSERT_TRUE(main.ok()) << main.status().message();
  auto file = LoadSourceFile("mfa-az.toml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  const SourceConfig* a = main->FindSource("mfa-az");
  ASSERT_NE(a, nullptr);
  const SourceConfig& b = file->sources[0];
  EXPECT_EQ(a->title, b.title);
  EXPECT_EQ(a->start_urls, b.start_urls);
  EXPECT_EQ(a->feeds, b.feeds);
  EXPECT_EQ(a->allow, b.allow);
  EXPECT_EQ(a->deny, b.deny);
  EXPECT_EQ(a->article, b.article);
  EXPECT_EQ(a->language, b.language);
  EXPECT_EQ(a->translation_key, b.translation_key);
  EXPECT_EQ(a->timezone_offset, b.timezone_offset);
  EXPECT_EQ(a->per_host_delay_ms, b.per_host_delay_ms);
  EXPECT_EQ(a->verify_tls, b.verify_tls);
  EXPECT_EQ(a->extract.content, b.extract.content);
  EXPECT_EQ(a->extract.strip, b.extract.strip);
  EXPECT_EQ(a->extract.title, b.extract.title);
  EXPECT_EQ(a->extract.date, b.extract.date);
  EXPECT_EQ(a->extract.strip_text, b.extract.strip_text);
}

TEST(DefaultConfig, KeepsTheContractDefaultsAndNoDataDir) {
  auto main = LoadConfigFile(std::string(PRESSARC_SOURCE_DIR) + "/pressarc.toml");
  ASSERT_TRUE(main.ok()) << main.status().message();
  const CrawlerOptions d;
  const CrawlerOptions& c = main->crawler;
  EXPECT_EQ(c.user_agent, d.user_agent);
  EXPECT_EQ(c.max_connections, d.max_connections);
  EXPECT_EQ(c.per_host_delay_ms, d.per_host_delay_ms);
  EXPECT_EQ(c.timeout_s, d.timeout_s);
  EXPECT_EQ(c.max_page_bytes, d.max_page_bytes);
  EXPECT_EQ(c.respect_robots, d.respect_robots);
  EXPECT_EQ(c.max_retries, d.max_retries);
  EXPECT_EQ(c.max_depth, d.max_depth);
  EXPECT_EQ(c.revisit_after_hours, d.revisit_after_hours);
  // Installed as /etc/pressarc/pressarc.toml, a relative data_dir would point into /etc.
  EXPECT_TRUE(main->data_dir.empty());
}

// The TOML examples in the docs must load too: a reader copies them.
std::string TomlBlockContaining(const std::string& doc, const std::string& needle) {
  std::ifstream in(std::string(PRESSARC_SOURCE_DIR) + "/" + doc);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::size_t pos = 0;
  while ((pos = text.find("```toml\n", pos)) != std::string::npos) {
    std::size_t start = pos + 8;
    std::size_t end = text.find("```", start);
    if (end == std::string::npos) break;
    std::string block = text.substr(start, end - start);
    if (block.find(needle) != std::string::npos) return block;
    pos = end + 3;
  }
  return "";
}

TEST(DocExamples, ReadmeConfigExampleLoads) {
  std::string block = TomlBlockContaining("README.md", "[[sources]]");
  ASSERT_FALSE(block.empty());
  auto c = ParseConfig(block, "README.md");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_NE(c->FindSource("mfa-az"), nullptr);
}

TEST(DocExamples, WorkedExampleOfAddingASourceLoads) {
  std::string block = TomlBlockContaining("docs/adding-a-source.md", "name = \"mfa-kz\"");
  ASSERT_FALSE(block.empty());
  auto c = ParseConfig(block, "adding-a-source.md");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const SourceConfig* s = c->FindSource("mfa-kz");
  ASSERT_NE(s, nullptr);
  const std::string article =
      "https://www.gov.example.kz/memleket/entities/mfa/press/news/details/512345?lang=ru";
  EXPECT_TRUE(InScope(*s, article));
  EXPECT_TRUE(AnyMatches(s->article, article));
  EXPECT_EQ(TranslationKey(*s, article), "512345");
  const std::string listing =
      "https://www.gov.example.kz/memleket/entities/mfa/press/news?lang=ru&page=2";
  EXPECT_TRUE(InScope(*s, listing));
  EXPECT_FALSE(AnyMatches(s->article, listing));
  for (const auto& u : s->start_urls) EXPECT_TRUE(InScope(*s, u)) << u;
  for (const auto& u : s->feeds) EXPECT_TRUE(InScope(*s, u)) << u;
  EXPECT_FALSE(InScope(*s, "https://www.gov.example.kz/memleket/entities/mfa/search?q=x"));
}

}  // namespace
}  // namespace pressarc
