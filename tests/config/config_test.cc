// Tests of the config loader (config/config.h): defaults, the contract's
// example, and every kind of error, each of which must name the file, the
// line and the key (design.md, "Config").
#include "config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace pressarc {
namespace {

namespace fs = std::filesystem;

TEST(ConfigDefaults, EmptyFileGivesBuiltInDefaults) {
  auto c = ParseConfig("", "empty.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->path, "empty.toml");
  EXPECT_EQ(c->data_dir, "");
  EXPECT_TRUE(c->sources.empty());
  const CrawlerOptions d;
  EXPECT_EQ(c->crawler.user_agent, d.user_agent);
  EXPECT_EQ(c->crawler.user_agent.rfind("pressarc/", 0), 0u);
  EXPECT_EQ(c->crawler.max_connections, 16);
  EXPECT_EQ(c->crawler.per_host_delay_ms, 1000);
  EXPECT_EQ(c->crawler.timeout_s, 30);
  EXPECT_EQ(c->crawler.max_page_bytes, 10485760);
  EXPECT_TRUE(c->crawler.respect_robots);
  EXPECT_EQ(c->crawler.max_retries, 3);
  EXPECT_EQ(c->crawler.max_depth, 10);
  EXPECT_EQ(c->crawler.max_pages_per_source, 100000);
  EXPECT_EQ(c->crawler.revisit_after_hours, 24);
  EXPECT_TRUE(c->crawler.verify_tls);
}

// The example of design.md's "Config" section, verbatim.
constexpr char kContractExample[] = R"toml(data_dir = "pressarc-data"

[crawler]
user_agent = "pressarc/0.1 (+https://example.org/contact)"
max_connections = 16        # parallel transfers in all
per_host_delay_ms = 1000    # minimum gap between two requests to one host
timeout_s = 30
max_page_bytes = 10485760
respect_robots = true
max_retries = 3
max_depth = 10              # link hops from a start URL; a guard against traps
max_pages_per_source = 100000
revisit_after_hours = 24

[[sources]]
name = "mfa-az"
title = "Ministry of Foreign Affairs of the Republic of Azerbaijan"
start_urls = ["https://mfa.gov.az/az/news", "https://mfa.gov.az/en/news"]
allow = ['^https://mfa\.gov\.az/(az|en|ru)/news']   # regexes; default: the start URLs' hosts
deny = []
article = ['^https://mfa\.gov\.az/(az|en|ru)/news/no\d+']
language = "az"             # fallback when the page does not say
translation_key = '/news/(no\d{5})'
)toml";

TEST(ConfigParse, ContractExampleLoads) {
  auto c = ParseConfig(kContractExample, "pressarc.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->data_dir, "pressarc-data");
  ASSERT_EQ(c->sources.size(), 1u);
  const SourceConfig& s = c->sources[0];
  EXPECT_EQ(s.name, "mfa-az");
  EXPECT_EQ(s.start_urls.size(), 2u);
  EXPECT_EQ(s.allow.size(), 1u);
  EXPECT_TRUE(s.deny.empty());
  EXPECT_EQ(s.language, "az");
  EXPECT_EQ(s.per_host_delay_ms, -1);
  EXPECT_EQ(s.verify_tls, -1);
  EXPECT_EQ(c->FindSource("mfa-az"), &c->sources[0]);
  EXPECT_EQ(c->FindSource("nope"), nullptr);
}

TEST(ConfigParse, EveryKeyIsRead) {
  constexpr char kAll[] = R"toml(
data_dir = "/var/lib/pressarc"
[crawler]
user_agent = "pressarc/9 (+mailto:ops@example.org)"
max_connections = 4
per_host_delay_ms = 2500
timeout_s = 60
connect_timeout_s = 5
max_page_bytes = 2048
respect_robots = false
max_retries = 0
max_depth = 3
max_pages_per_source = 50
revisit_after_hours = 0
revisit_max_age_days = 7
max_crawl_delay_s = 12
verify_tls = false
warc_max_bytes = 1048576

[[sources]]
name = "x_1.y"
title = "X"
start_urls = "https://x.example/news"
feeds = ["https://x.example/rss", "https://x.example/sitemap.xml"]
allow = '^https://x\.example/'
deny = ['\?print=1', '/search']
article = ['/news/\d+$']
language = "ru"
translation_key = '/news/(\d+)'
timezone_offset = "+03:00"
per_host_delay_ms = 5000
verify_tls = false
[sources.extract]
content = ["div.body", "article"]
strip = "noscript"
title = "h1.t"
date = "time.d"
strip_text = ["Share this"]
)toml";
  auto c = ParseConfig(kAll, "all.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->data_dir, "/var/lib/pressarc");
  const CrawlerOptions& k = c->crawler;
  EXPECT_EQ(k.user_agent, "pressarc/9 (+mailto:ops@example.org)");
  EXPECT_EQ(k.max_connections, 4);
  EXPECT_EQ(k.per_host_delay_ms, 2500);
  EXPECT_EQ(k.timeout_s, 60);
  EXPECT_EQ(k.connect_timeout_s, 5);
  EXPECT_EQ(k.max_page_bytes, 2048);
  EXPECT_FALSE(k.respect_robots);
  EXPECT_EQ(k.max_retries, 0);
  EXPECT_EQ(k.max_depth, 3);
  EXPECT_EQ(k.max_pages_per_source, 50);
  EXPECT_EQ(k.revisit_after_hours, 0);
  EXPECT_EQ(k.revisit_max_interval_days, 7);  // the deprecated key, read as the new one
  EXPECT_EQ(k.max_crawl_delay_s, 12);
  EXPECT_FALSE(k.verify_tls);
  EXPECT_EQ(k.warc_max_bytes, 1048576);
  ASSERT_EQ(c->sources.size(), 1u);
  const SourceConfig& s = c->sources[0];
  EXPECT_EQ(s.name, "x_1.y");
  EXPECT_EQ(s.start_urls, std::vector<std::string>{"https://x.example/news"});
  EXPECT_EQ(s.feeds.size(), 2u);
  EXPECT_EQ(s.allow, std::vector<std::string>{R"(^https://x\.example/)"});
  EXPECT_EQ(s.deny.size(), 2u);
  EXPECT_EQ(s.language, "ru");
  EXPECT_EQ(s.timezone_offset, "+03:00");
  EXPECT_EQ(s.per_host_delay_ms, 5000);
  EXPECT_EQ(s.verify_tls, 0);
  EXPECT_EQ(s.extract.content, (std::vector<std::string>{"div.body", "article"}));
  EXPECT_EQ(s.extract.strip, std::vector<std::string>{"noscript"});
  EXPECT_EQ(s.extract.title, "h1.t");
  EXPECT_EQ(s.extract.date, "time.d");
  EXPECT_EQ(s.extract.strip_text, std::vector<std::string>{"Share this"});
}

TEST(ConfigParse, SeveralSourcesKeepTheirOrder) {
  auto c = ParseConfig(R"(
[[sources]]
name = "b"
start_urls = ["https://b.example/"]
[[sources]]
name = "a"
start_urls = ["http://a.example:8080/"]
)",
                       "two.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->sources.size(), 2u);
  EXPECT_EQ(c->sources[0].name, "b");
  EXPECT_EQ(c->sources[1].name, "a");
}

TEST(ConfigParse, SearchShardsAndTimeoutAreRead) {
  auto c = ParseConfig(
      "[search]\nshards = [\"tcp://10.0.0.2:7000\", \"tcp://[::1]:7001\", \"/srv/old\"]\n"
      "shard_timeout_s = 3\n",
      "c.toml", {.sources = false});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->search.shards,
            (std::vector<std::string>{"tcp://10.0.0.2:7000", "tcp://[::1]:7001", "/srv/old"}));
  EXPECT_EQ(c->search.shard_timeout_s, 3);
  auto d = ParseConfig("", "c.toml");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->search.shards.empty());
  EXPECT_EQ(d->search.shard_timeout_s, 10);
}

// search and show need only data_dir: they read the config without
// its sources (a bad source must not stop a search), but still reject
// broken TOML and unknown keys.
TEST(ConfigParse, WithoutSourcesReadsDataDirAndSkipsTheSources) {
  const std::string text =
      "data_dir = \"/srv/pressarc\"\n[[sources]]\nname = \"a\"\n"
      "start_urls = [\"https://a/\"]\nallow = ['[a-']\n";
  EXPECT_FALSE(ParseConfig(text, "c.toml").ok());
  auto c = ParseConfig(text, "c.toml", {.sources = false});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->data_dir, "/srv/pressarc");
  EXPECT_TRUE(c->sources.empty());
  EXPECT_FALSE(ParseConfig("data_dir = [", "c.toml", {.sources = false}).ok());
  EXPECT_FALSE(ParseConfig("colour = 1", "c.toml", {.sources = false}).ok());
}

// Every error: kUsage, and the message is "FILE:LINE: KEY: WHAT".
struct ErrorCase {
  const char* behaviour;
  const char* toml;
  int line;          // 0 = the message need not name a line
  const char* key;   // the key the message must name, after "FILE:LINE: "
  const char* what;  // a part of the explanation
};

const ErrorCase kErrors[] = {
    {"syntax error", "data_dir = \"x\"\n[crawler\n", 2, "syntax error", ""},
    {"unterminated string", "data_dir = \"x\n", 1, "syntax error", ""},
    {"duplicate key", "[crawler]\ntimeout_s = 1\ntimeout_s = 2\n", 3, "syntax error", ""},
    {"unknown top-level key", "\n\ndatadir = \"x\"\n", 3, "datadir", "unknown key"},
    {"data_dir not a string", "data_dir = 5\n", 1, "data_dir", "expected a string, got an integer"},
    {"data_dir is a date", "data_dir = 2023-01-01\n", 1, "data_dir", "got a date"},
    {"crawler not a table", "crawler = 3\n", 1, "crawler", "expected a table"},
    {"unknown crawler key", "[crawler]\ntimeout_s = 3\nspeed = 1\n", 3, "crawler.speed",
     "unknown key"},
    {"string for an integer", "[crawler]\nper_host_delay_ms = \"fast\"\n", 2,
     "crawler.per_host_delay_ms", "expected an integer, got a string"},
    {"float for an integer", "[crawler]\n\ntimeout_s = 1.5\n", 3, "crawler.timeout_s",
     "expected an integer, got a number"},
    {"integer too small", "[crawler]\nmax_connections = 0\n", 2, "crawler.max_connections",
     "between 1 and"},
    {"negative delay", "[crawler]\nper_host_delay_ms = -1\n", 2, "crawler.per_host_delay_ms",
     "between 0 and"},
    {"integer too large", "[crawler]\nmax_retries = 999\n", 2, "crawler.max_retries",
     "between 0 and 20"},
    {"string for a boolean", "[crawler]\nrespect_robots = \"yes\"\n", 2, "crawler.respect_robots",
     "expected true or false"},
    {"empty user agent", "[crawler]\nuser_agent = \"\"\n", 2, "crawler.user_agent",
     "must not be empty"},
    {"inline crawler table", "crawler = { timeout_s = \"x\" }\n", 1, "crawler.timeout_s",
     "expected an integer"},
    {"search not a table", "search = 1\n", 1, "search", "expected a table"},
    {"unknown search key", "[search]\nshard = []\n", 2, "search.shard", "unknown key"},
    {"shard without a port", "[search]\nshards = [\"tcp://10.0.0.2\"]\n", 2, "search.shards",
     "neither tcp://HOST:PORT nor a directory path"},
    {"shard port out of range", "[search]\nshards = [\"tcp://h:70000\"]\n", 2, "search.shards",
     "neither"},
    {"shard of another scheme", "[search]\nshards = [\"http://h:80\"]\n", 2, "search.shards",
     "neither"},
    {"empty shard", "[search]\nshards = [\"\"]\n", 2, "search.shards", "neither"},
    {"shard timeout zero", "[search]\nshard_timeout_s = 0\n", 2, "search.shard_timeout_s",
     "between 1 and 3600"},
    {"sources not tables", "sources = 3\n", 1, "sources", "expected [[sources]]"},
    {"sources array of strings", "sources = [\"a\"]\n", 1, "sources", "expected a table"},
    {"missing start_urls", "\n[[sources]]\nname = \"a\"\n", 2, "sources[0].start_urls",
     "missing required key"},
    {"empty start_urls", "[[sources]]\nname = \"a\"\nstart_urls = []\n", 1, "sources[0].start_urls",
     "missing required key"},
    {"missing name", "[[sources]]\nstart_urls = [\"https://a.example/\"]\n", 1, "sources[0].name",
     "missing required key"},
    {"second source's error names index 1",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a.example/\"]\n[[sources]]\n"
     "name = \"b\"\nstart_urls = [\"https://b.example/\"]\nallow = ['(']\n",
     7, "sources[1].allow", "invalid regex"},
    {"bad regex in allow",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\nallow = ['[a-']\n", 4,
     "sources[0].allow", "invalid regex '[a-'"},
    {"bad regex in deny",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\ndeny = ['ok', '*x']\n", 4,
     "sources[0].deny", "invalid regex '*x'"},
    {"bad regex in article",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\narticle = ['a{2,1}']\n", 4,
     "sources[0].article", "invalid regex"},
    {"bad translation_key regex",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\ntranslation_key = '(no'\n", 4,
     "sources[0].translation_key", "invalid regex"},
    {"allow item not a string",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\nallow = [\n  'x',\n  5,\n]\n", 6,
     "sources[0].allow", "found an integer"},
    {"start_urls not a URL", "[[sources]]\nname = \"a\"\nstart_urls = [\"ftp://a.example/\"]\n", 3,
     "sources[0].start_urls", "not an http(s) URL: ftp://a.example/"},
    {"start_urls bare scheme", "[[sources]]\nname = \"a\"\nstart_urls = [\"https://\"]\n", 3,
     "sources[0].start_urls", "not an http(s) URL"},
    {"feeds not a URL",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\nfeeds = [\"/rss\"]\n", 4,
     "sources[0].feeds", "not an http(s) URL: /rss"},
    {"upper-case name", "[[sources]]\nname = \"MFA\"\nstart_urls = [\"https://a/\"]\n", 2,
     "sources[0].name", "lower-case"},
    {"name with a space", "[[sources]]\nname = \"a b\"\nstart_urls = [\"https://a/\"]\n", 2,
     "sources[0].name", "lower-case"},
    {"name not a string", "[[sources]]\nname = 1\nstart_urls = [\"https://a/\"]\n", 2,
     "sources[0].name", "expected a string"},
    {"duplicate source",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\n[[sources]]\nname = \"a\"\n"
     "start_urls = [\"https://b/\"]\n",
     4, "sources[1].name", "defined twice"},
    {"quoted key with a newline stays on one line", "\"data\\ndir\" = 1\n", 1, "data\\x0adir",
     "unknown key"},
    {"URL with a control character stays on one line",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"ftp://a\\n\"]\n", 3, "sources[0].start_urls",
     "ftp://a\\x0a"},
    {"unknown source key",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\nstart_url = 1\n", 4,
     "sources[0].start_url", "unknown key"},
    {"bad timezone offset",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\ntimezone_offset = \"UTC+4\"\n", 4,
     "sources[0].timezone_offset", "like \"+04:00\""},
    {"timezone offset out of range",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\ntimezone_offset = \"+15:00\"\n", 4,
     "sources[0].timezone_offset", "like \"+04:00\""},
    {"source verify_tls not a boolean",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\nverify_tls = 0\n", 4,
     "sources[0].verify_tls", "expected true or false"},
    {"source delay out of range",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\nper_host_delay_ms = -5\n", 4,
     "sources[0].per_host_delay_ms", "between 0 and"},
    {"language not a code",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\nlanguage = \"Azerbaijani\"\n", 4,
     "sources[0].language", "ISO 639-1"},
    {"extract not a table",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\nextract = \"div\"\n", 4,
     "sources[0].extract", "expected a table"},
    {"unknown extract key",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\n[sources.extract]\nbody = "
     "\"x\"\n",
     5, "sources[0].extract.body", "unknown key"},
    {"extract title not a string",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\n[sources.extract]\ntitle = "
     "[\"h1\"]\n",
     5, "sources[0].extract.title", "expected a string, got an array"},
    {"extract strip_text item not a string",
     "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\n[sources.extract]\n"
     "strip_text = [\"x\", true]\n",
     5, "sources[0].extract.strip_text", "found a boolean"},
    {"serve listen without a port", "[serve]\nlisten = \"127.0.0.1\"\n", 2, "serve.listen",
     "expected HOST:PORT"},
    {"serve listen port out of range", "[serve]\nlisten = \"localhost:70000\"\n", 2, "serve.listen",
     "expected HOST:PORT"},
    {"serve listen IPv6 without brackets", "[serve]\nlisten = \"::1:8080\"\n", 2, "serve.listen",
     "expected HOST:PORT"},
    {"unknown serve key", "[serve]\nport = 8080\n", 2, "serve.port", "unknown key"},
    {"serve cache_mb negative", "[serve]\ncache_mb = -1\n", 2, "serve.cache_mb",
     "must be between 0 and 65536"},
    {"serve cache_mb not an integer", "[serve]\ncache_mb = \"64\"\n", 2, "serve.cache_mb",
     "expected an integer"},
};

class ConfigErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrorTest, NamesFileLineAndKey) {
  const ErrorCase& tc = GetParam();
  auto c = ParseConfig(tc.toml, "dir/my.toml");
  ASSERT_FALSE(c.ok()) << "accepted: " << tc.toml;
  EXPECT_EQ(c.status().code(), Status::Code::kUsage);
  EXPECT_EQ(c.status().exit_code(), 2);
  const std::string& msg = c.status().message();
  std::string prefix = "dir/my.toml:" + std::to_string(tc.line) + ": " + tc.key;
  EXPECT_EQ(msg.rfind(prefix, 0), 0u) << "message: " << msg << "\nwanted prefix: " << prefix;
  EXPECT_NE(msg.find(tc.what), std::string::npos) << "message: " << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line only: " << msg;
}

std::string CaseName(const ::testing::TestParamInfo<ErrorCase>& info) {
  std::string out;
  for (const char* p = info.param.behaviour; *p; ++p) {
    out += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Errors, ConfigErrorTest, ::testing::ValuesIn(kErrors), CaseName);

TEST(ConfigParse, ServeListenDefaultsToLoopbackAndIsRead) {
  auto defaults = ParseConfig("", "empty.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->serve.listen, "127.0.0.1:8080");
  auto c = ParseConfig("[serve]\nlisten = \"[::1]:9090\"\n", "serve.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  std::string host;
  int port = 0;
  ASSERT_TRUE(SplitListenAddress(c->serve.listen, &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 9090);
  ASSERT_TRUE(SplitListenAddress("0.0.0.0:0", &host, &port));  // any free port
  EXPECT_EQ(port, 0);
}

TEST(ConfigParse, ServeCacheMbDefaultsTo64AndZeroTurnsItOff) {
  auto defaults = ParseConfig("", "empty.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->serve.cache_mb, 64);
  auto off = ParseConfig("[serve]\ncache_mb = 0\n", "serve.toml");
  ASSERT_TRUE(off.ok()) << off.status().message();
  EXPECT_EQ(off->serve.cache_mb, 0);
}

TEST(ConfigParse, ErrorWithoutPathNamesAPlaceholder) {
  auto c = ParseConfig("foo = 1\n", "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message().rfind("<config>:1: foo: unknown key", 0), 0u)
      << c.status().message();
}

TEST(ConfigParse, HostileInputNeverCrashes) {
  const std::string cases[] = {
      std::string(1, '\0'),
      "\xff\xfe\x00\x00",
      std::string(5000, '['),
      "a = " + std::string(5000, '['),
      "[[sources]]\nname = \"a\"\nstart_urls = [\"https://a/\"]\nallow = ['" +
          std::string(10000, '(') + "']\n",
      "[crawler]\nmax_page_bytes = 9223372036854775807\n",
      "[crawler]\nmax_page_bytes = -9223372036854775808\n",
  };
  for (const std::string& text : cases) {
    auto c = ParseConfig(text, "h.toml");
    if (!c.ok()) {
      EXPECT_EQ(c.status().code(), Status::Code::kUsage);
      EXPECT_EQ(c.status().message().rfind("h.toml", 0), 0u) << c.status().message();
    }
  }
}

// toml++ 3.3 reached an "unreachable" point (UB) testing non-ASCII code
// points for whitespace (found by config_fuzz; marzer/tomlplusplus#190,
// #295). Each is now a syntax error or a value, never UB (the sanitizer
// build of this test stops at UB).
TEST(ConfigParse, NonAsciiWhereWhitespaceMayStandIsASyntaxError) {
  const std::string cases[] = {
      "so\xef\xaf\xbf"
      "es = [\"a\"]\n",   // U+FBFF in a bare key
      "\xcc\xaa",         // U+032A alone
      "a\xc2\xa7 = 1\n",  // U+00A7 after a key
      "\xd0\x9f = 1\n",   // Cyrillic П as a bare key
  };
  for (const std::string& text : cases) {
    auto c = ParseConfig(text, "h.toml");
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().code(), Status::Code::kUsage);
    EXPECT_EQ(c.status().message().rfind("h.toml", 0), 0u) << c.status().message();
  }
  // A line-ending backslash in a multi-line string, then a non-ASCII
  // character: valid TOML, the string is "§".
  auto c = ParseConfig("[crawler]\nuser_agent = \"\"\"\\\n\xc2\xa7\"\"\"\n", "h.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->crawler.user_agent, "\xc2\xa7");
}

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pressarc-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  fs::path dir_;
};

TEST_F(ConfigFileTest, LoadsAFileAndRemembersItsPath) {
  std::string path = Write("p.toml", kContractExample);
  auto c = LoadConfigFile(path);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->path, path);
}

TEST_F(ConfigFileTest, ErrorInAFileNamesThatFile) {
  std::string path = Write("bad.toml", "[crawler]\nper_host_delay_ms = \"fast\"\n");
  auto c = LoadConfigFile(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            path + ":2: crawler.per_host_delay_ms: expected an integer, got a string");
}

TEST_F(ConfigFileTest, MissingFileIsAUsageErrorNamingIt) {
  std::string path = (dir_ / "nope.toml").string();
  auto c = LoadConfigFile(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kUsage);
  EXPECT_NE(c.status().message().find(path), std::string::npos);
}

TEST_F(ConfigFileTest, MergeSourceFilesAddsSourcesInFileNameOrder) {
  Write("sources/b.toml", "[[sources]]\nname = \"b\"\nstart_urls = [\"https://b/\"]\n");
  Write("sources/a.toml",
        "[[sources]]\nname = \"a1\"\nstart_urls = [\"https://a/\"]\n"
        "[[sources]]\nname = \"a2\"\nstart_urls = [\"https://a/2\"]\n");
  Write("sources/README.txt", "not toml");
  auto c = ParseConfig("[[sources]]\nname = \"main\"\nstart_urls = [\"https://m/\"]\n", "m.toml");
  ASSERT_TRUE(c.ok());
  Status s = MergeSourceFiles(*c, (dir_ / "sources").string());
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(c->sources.size(), 4u);
  EXPECT_EQ(c->sources[0].name, "main");
  EXPECT_EQ(c->sources[1].name, "a1");
  EXPECT_EQ(c->sources[2].name, "a2");
  EXPECT_EQ(c->sources[3].name, "b");
}

TEST_F(ConfigFileTest, MergeSourceFilesRejectsASourceDefinedTwice) {
  std::string b =
      Write("sources/b.toml", "[[sources]]\nname = \"m\"\nstart_urls = [\"https://b/\"]\n");
  auto c = ParseConfig("[[sources]]\nname = \"m\"\nstart_urls = [\"https://m/\"]\n", "m.toml");
  ASSERT_TRUE(c.ok());
  Status s = MergeSourceFiles(*c, (dir_ / "sources").string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kUsage);
  EXPECT_NE(s.message().find(b), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("defined twice"), std::string::npos) << s.message();
}

TEST_F(ConfigFileTest, MergeSourceFilesPassesOnAnErrorInOneFile) {
  std::string bad = Write("sources/x.toml", "[[sources]]\nname = \"x\"\n");
  Config c;
  Status s = MergeSourceFiles(c, (dir_ / "sources").string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind(bad + ":1: sources[0].start_urls", 0), 0u) << s.message();
}

TEST_F(ConfigFileTest, MergeSourceFilesOnAMissingFolderIsAnError) {
  Config c;
  Status s = MergeSourceFiles(c, (dir_ / "none").string());
  EXPECT_EQ(s.code(), Status::Code::kUsage);
  EXPECT_NE(s.message().find("none"), std::string::npos);
}

// UrlPattern: unanchored search, group 1, and bounded cost.
struct PatternCase {
  const char* pattern;
  const char* text;
  bool matches;
  const char* group;
};

const PatternCase kPatterns[] = {
    {R"(/news/(no\d{5}))", "https://mfa.gov.az/az/news/no09722-x", true, "no09722"},
    {R"(^https://mfa\.gov\.az/)", "https://mfa.gov.az/en/", true, ""},
    {R"(^https://mfa\.gov\.az/)", "http://mfa.gov.az/en/", false, ""},
    {R"(/view/(\d+))", "https://president.az/ru/articles/view/25902/print", true, "25902"},
    {R"(Ə)", "https://x/Ə", true, ""},
    {R"(\d+$)", "", false, ""},
};

TEST(UrlPattern, SearchesUnanchoredAndReturnsGroupOne) {
  for (const PatternCase& tc : kPatterns) {
    SCOPED_TRACE(std::string(tc.pattern) + " ~ " + tc.text);
    auto p = UrlPattern::Compile(tc.pattern);
    ASSERT_TRUE(p.ok()) << p.status().message();
    EXPECT_EQ(p->Search(tc.text), tc.matches);
    EXPECT_EQ(p->FirstGroup(tc.text), tc.group);
    EXPECT_EQ(p->pattern(), tc.pattern);
    UrlPattern copy = *p;
    EXPECT_EQ(copy.Search(tc.text), tc.matches);
  }
}

TEST(UrlPattern, BadPatternIsAUsageErrorWithOffset) {
  auto p = UrlPattern::Compile("ab(c");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kUsage);
  EXPECT_NE(p.status().message().find("ab(c"), std::string::npos);
  EXPECT_NE(p.status().message().find("offset"), std::string::npos);
}

TEST(UrlPattern, CatastrophicBacktrackingIsCutShort) {
  auto p = UrlPattern::Compile("^(a+)+$");
  ASSERT_TRUE(p.ok());
  std::string text(40, 'a');
  text += '!';
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(p->Search(text));
  EXPECT_EQ(p->FirstGroup(text), "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(UrlPattern, InvalidUtf8IsHandled) {
  auto p = UrlPattern::Compile("x");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Search("\xff\xfex"));
}

}  // namespace
}  // namespace pressarc

namespace pressarc {
namespace {

TEST(ConfigParse, AlertsTableIsReadWithDefaults) {
  auto defaults = ParseConfig("", "pressarc.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->alerts.command, "");
  EXPECT_EQ(defaults->alerts.timeout_s, 60);
  auto c = ParseConfig("[alerts]\ncommand = \"mail -s new me@example.org\"\ntimeout_s = 5\n",
                       "pressarc.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->alerts.command, "mail -s new me@example.org");
  EXPECT_EQ(c->alerts.timeout_s, 5);
}

TEST(ConfigParse, AlertsErrorsNameTheKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"[alerts]\ntimeout_s = 0\n", "alerts.timeout_s"},
      {"[alerts]\ncommand = 3\n", "alerts.command"},
      {"[alerts]\nretries = 3\n", "alerts.retries"},
      {"alerts = 1\n", "alerts"},
  };
  for (const auto& [toml, key] : cases) {
    auto c = ParseConfig(toml, "pressarc.toml");
    ASSERT_FALSE(c.ok()) << toml;
    EXPECT_EQ(c.status().code(), Status::Code::kUsage);
    EXPECT_NE(c.status().message().find(key), std::string::npos) << c.status().message();
  }
}

}  // namespace
}  // namespace pressarc
