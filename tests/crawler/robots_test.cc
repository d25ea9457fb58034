// Tests of crawler/robots.h, named after the RFC 9309 clauses they pin
// down; most cases are ported from google/robotstxt's robots_test.cc.
#include "crawler/robots.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace pressarc {
namespace {

struct Case {
  std::string robots;
  std::string agent;
  std::string path;
  bool allowed;
};

void RunTable(const char* clause, const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    EXPECT_EQ(RobotsRules::Parse(c.robots, c.agent).Allowed(c.path), c.allowed)
        << clause << ": agent \"" << c.agent << "\" path \"" << c.path << "\" robots:\n"
        << c.robots;
  }
}

const std::string kGroups =
    "allow: /foo/bar/\n"
    "\n"
    "user-agent: FooBot\n"
    "disallow: /\n"
    "allow: /x/\n"
    "user-agent: BarBot\n"
    "disallow: /\n"
    "allow: /y/\n"
    "\n"
    "\n"
    "allow: /w/\n"
    "user-agent: BazBot\n"
    "\n"
    "user-agent: FooBot\n"
    "allow: /z/\n"
    "disallow: /\n";

TEST(RobotsTest, Rfc9309_2_1_LinesAreKeyColonValue) {
  RunTable("2.1", {
                      {"user-agent: FooBot\ndisallow: /\n", "FooBot", "/x/y", false},
                      {"foo: FooBot\nbar: /\n", "FooBot", "/x/y", true},
                      // google/robotstxt: a missing colon is assumed.
                      {"user-agent FooBot\ndisallow /\n", "FooBot", "/x/y", false},
                      {"", "FooBot", "/", true},
                      {"user-agent: FooBot\ndisallow: /\n", "", "/x", true},
                  });
}

TEST(RobotsTest, Rfc9309_2_1_GroupsShareUserAgentLinesAndRulesOutsideGroupsAreIgnored) {
  RunTable("2.1", {
                      {kGroups, "FooBot", "/x/b", true},
                      {kGroups, "FooBot", "/z/d", true},
                      {kGroups, "FooBot", "/y/c", false},
                      {kGroups, "BarBot", "/y/c", true},
                      {kGroups, "BarBot", "/w/a", true},
                      {kGroups, "BarBot", "/z/d", false},
                      {kGroups, "BazBot", "/z/d", true},
                      {kGroups, "FooBot", "/foo/bar/", false},
                      {kGroups, "BarBot", "/foo/bar/", false},
                      {kGroups, "BazBot", "/foo/bar/", false},
                  });
}

TEST(RobotsTest, Rfc9309_2_2_4_OtherRecordsDoNotEndAGroup) {
  const std::string robots =
      "User-agent: BarBot\n"
      "Sitemap: https://foo.bar/sitemap\n"
      "User-agent: *\n"
      "Disallow: /\n";
  RunTable("2.2.4", {
                        {robots, "BarBot", "/", false},
                        {robots, "FooBot", "/", false},
                        {"User-agent: FooBot\nInvalid-Unknown-Line: unknown\nUser-agent: BarBot\n"
                         "Disallow: /\n",
                         "FooBot", "/", false},
                    });
}

TEST(RobotsTest, Rfc9309_2_1_KeysAreCaseInsensitive) {
  for (const char* robots : {"USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n",
                             "user-agent: FooBot\nallow: /x/\ndisallow: /\n",
                             "uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n"}) {
    RunTable("2.1", {{robots, "FooBot", "/x/y", true}, {robots, "FooBot", "/a/b", false}});
  }
}

TEST(RobotsTest, Rfc9309_2_2_1_UserAgentMatchesTheProductTokenCaseInsensitively) {
  for (const char* robots : {"User-Agent: FOO BAR\nAllow: /x/\nDisallow: /\n",
                             "User-Agent: foo bar\nAllow: /x/\nDisallow: /\n",
                             "User-Agent: FoO bAr\nAllow: /x/\nDisallow: /\n"}) {
    RunTable("2.2.1", {
                          {robots, "Foo", "/x/y", true},
                          {robots, "Foo", "/a/b", false},
                          {robots, "foo", "/x/y", true},
                          {robots, "foo", "/a/b", false},
                      });
  }
  // Our agent string is a full User-Agent header: only its product token counts.
  const std::string robots =
      "User-agent: pressarc\nDisallow: /private\n\nUser-agent: *\nDisallow: /\n";
  RunTable("2.2.1",
           {
               {robots, "pressarc/0.1 (+https://example.org/contact)", "/news", true},
               {robots, "pressarc/0.1 (+https://example.org/contact)", "/private/a", false},
               {robots, "Pressarc", "/news", true},
               {robots, "pressarcbot/1.0", "/news", false},
               {"User-agent: pressarc/2.0\nDisallow: /x\n", "pressarc/0.1", "/x", false},
           });
}

TEST(RobotsTest, Rfc9309_2_2_1_StarGroupIsTheFallbackAndIsNotInherited) {
  const std::string global = "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n";
  const std::string only_specific =
      "user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\nuser-agent: BazBot\n"
      "disallow: /\n";
  const std::string not_inherited =
      "User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n";
  RunTable("2.2.1", {
                        {"", "FooBot", "/x/y", true},
                        {global, "FooBot", "/x/y", false},
                        {global, "BarBot", "/x/y", true},
                        {only_specific, "QuxBot", "/x/y", true},
                        {not_inherited, "FooBot", "/x/page", true},
                        {not_inherited, "FooBot", "/y/page", false},
                        {not_inherited, "QuxBot", "/x/page", false},
                        // Groups naming the same agent are merged.
                        {"user-agent: a\ndisallow: /1\nuser-agent: b\ndisallow: /2\nuser-agent: a\n"
                         "disallow: /3\n",
                         "a", "/3", false},
                        {"user-agent: a\ndisallow: /1\nuser-agent: b\ndisallow: /2\nuser-agent: a\n"
                         "disallow: /3\n",
                         "a", "/2", true},
                    });
}

TEST(RobotsTest, Rfc9309_2_2_2_PathsMatchCaseSensitively) {
  RunTable("2.2.2", {
                        {"user-agent: FooBot\ndisallow: /x/\n", "FooBot", "/x/y", false},
                        {"user-agent: FooBot\ndisallow: /X/\n", "FooBot", "/x/y", true},
                    });
}

TEST(RobotsTest, Rfc9309_2_2_2_LongestMatchWinsAndAllowWinsTies) {
  const std::string ua = "user-agent: FooBot\n";
  RunTable(
      "2.2.2",
      {
          {ua + "disallow: /x/page.html\nallow: /x/\n", "FooBot", "/x/page.html", false},
          {ua + "allow: /x/page.html\ndisallow: /x/\n", "FooBot", "/x/page.html", true},
          {ua + "allow: /x/page.html\ndisallow: /x/\n", "FooBot", "/x/", false},
          {ua + "disallow: \nallow: \n", "FooBot", "/x/page.html", true},
          {ua + "disallow: /\nallow: /\n", "FooBot", "/x/page.html", true},
          {ua + "disallow: /x\nallow: /x/\n", "FooBot", "/x", false},
          {ua + "disallow: /x\nallow: /x/\n", "FooBot", "/x/", true},
          {ua + "disallow: /x/page.html\nallow: /x/page.html\n", "FooBot", "/x/page.html", true},
          {ua + "allow: /page\ndisallow: /*.html\n", "FooBot", "/page.html", false},
          {ua + "allow: /page\ndisallow: /*.html\n", "FooBot", "/page", true},
          {ua + "allow: /x/page.\ndisallow: /*.html\n", "FooBot", "/x/page.html", true},
          {ua + "allow: /x/page.\ndisallow: /*.html\n", "FooBot", "/x/y.html", false},
          {ua + "allow: /p\ndisallow: /\n", "FooBot", "/page", true},
          {ua + "allow: /folder\ndisallow: /folder\n", "FooBot", "/folder/page", true},
          {ua + "allow: /page\ndisallow: /*.htm\n", "FooBot", "/page.htm", false},
          {ua + "allow: /$\ndisallow: /\n", "FooBot", "/", true},
          {ua + "allow: /$\ndisallow: /\n", "FooBot", "/page.html", false},
      });
}

TEST(RobotsTest, Rfc9309_2_2_2_OctetsArePercentEncodedBeforeComparison) {
  const std::string ua = "User-agent: FooBot\nDisallow: /\n";
  RunTable("2.2.2", {
                        {ua + "Allow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n", "FooBot",
                         "/foo/bar?qux=taz&baz=http://foo.bar?tar&par", true},
                        {ua + "Allow: /foo/bar/ツ\n", "FooBot", "/foo/bar/%E3%83%84", true},
                        {ua + "Allow: /foo/bar/%E3%83%84\n", "FooBot", "/foo/bar/%E3%83%84", true},
                        {ua + "Allow: /foo/bar/%e3%83%84\n", "FooBot", "/foo/bar/%E3%83%84", true},
                        // Departure from google/robotstxt: the path is normalised too.
                        {ua + "Allow: /foo/bar/%E3%83%84\n", "FooBot", "/foo/bar/ツ", true},
                        {ua + "Allow: /xəbərlər\n", "FooBot", "/x%C9%99b%C9%99rl%C9%99r/1", true},
                        // Encoded unreserved characters are not decoded.
                        {ua + "Allow: /foo/bar/%62%61%7A\n", "FooBot", "/foo/bar/baz", false},
                        {ua + "Allow: /foo/bar/%62%61%7A\n", "FooBot", "/foo/bar/%62%61%7A", true},
                    });
}

TEST(RobotsTest, Rfc9309_2_2_3_SpecialCharacters) {
  const std::string ua = "User-agent: FooBot\n";
  RunTable(
      "2.2.3",
      {
          {ua + "Disallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", "/foo/bar/quz", false},
          {ua + "Disallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", "/foo/quz", true},
          {ua + "Disallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", "/foo//quz", true},
          {ua + "Disallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", "/foo/bax/quz", true},
          {ua + "Disallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", "/foo/bar", false},
          {ua + "Disallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", "/foo/bar/qux", true},
          {ua + "Disallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", "/foo/bar/", true},
          {ua + "Disallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", "/foo/bar/baz", true},
          {ua + "# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n", "FooBot", "/foo/bar", true},
          {ua + "# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n", "FooBot", "/foo/quz", false},
      });
}

TEST(RobotsTest, GoogleDocumentationExamples) {
  const std::string ua = "user-agent: FooBot\ndisallow: /\n";
  std::vector<Case> cases;
  for (const char* allow : {"allow: /fish\n", "allow: /fish*\n"}) {
    for (const char* p : {"/fish", "/fish.html", "/fish/salmon.html", "/fishheads",
                          "/fishheads/yummy.html", "/fish.html?id=anything"}) {
      cases.push_back({ua + allow, "FooBot", p, true});
    }
    for (const char* p : {"/bar", "/Fish.asp", "/catfish", "/?id=fish"}) {
      cases.push_back({ua + allow, "FooBot", p, false});
    }
  }
  for (const char* p : {"/fish/", "/fish/salmon", "/fish/?salmon", "/fish/?id=anything"}) {
    cases.push_back({ua + "allow: /fish/\n", "FooBot", p, true});
  }
  for (const char* p : {"/fish", "/fish.html", "/Fish/Salmon.html"}) {
    cases.push_back({ua + "allow: /fish/\n", "FooBot", p, false});
  }
  for (const char* p : {"/filename.php", "/folder/filename.php", "/folder/filename.php?parameters",
                        "//folder/any.php.file.html", "/filename.php/", "/index?f=filename.php/"}) {
    cases.push_back({ua + "allow: /*.php\n", "FooBot", p, true});
  }
  for (const char* p : {"/php/", "/index?php", "/windows.PHP"}) {
    cases.push_back({ua + "allow: /*.php\n", "FooBot", p, false});
  }
  for (const char* p : {"/filename.php", "/folder/filename.php"}) {
    cases.push_back({ua + "allow: /*.php$\n", "FooBot", p, true});
  }
  for (const char* p : {"/filename.php?parameters", "/filename.php/", "/filename.php5", "/php/",
                        "/filename?php", "/aaaphpaaa", "//windows.PHP"}) {
    cases.push_back({ua + "allow: /*.php$\n", "FooBot", p, false});
  }
  cases.push_back({ua + "allow: /fish*.php\n", "FooBot", "/fish.php", true});
  cases.push_back(
      {ua + "allow: /fish*.php\n", "FooBot", "/fishheads/catfish.php?parameters", true});
  cases.push_back({ua + "allow: /fish*.php\n", "FooBot", "/Fish.PHP", false});
  RunTable("Google documentation", cases);
}

TEST(RobotsTest, Rfc9309_2_2_2_RobotsTxtItselfIsAlwaysAllowed) {
  EXPECT_TRUE(RobotsRules::Parse("user-agent: *\ndisallow: /\n", "a").Allowed("/robots.txt"));
  EXPECT_TRUE(RobotsRules::DisallowAll().Allowed("/robots.txt"));
  EXPECT_FALSE(RobotsRules::DisallowAll().Allowed("/"));
  EXPECT_FALSE(RobotsRules::DisallowAll().Allowed("/news?page=2"));
  EXPECT_TRUE(RobotsRules::AllowAll().Allowed("/anything"));
  EXPECT_EQ(RobotsRules::AllowAll().crawl_delay_ms(), -1);
}

TEST(RobotsTest, Rfc9309_2_2_LineEndingsCrLfCrlfAndNoFinalNewline) {
  for (const char* robots : {
           "User-Agent: foo\nAllow: /some/path\nUser-Agent: bar\n\n\nDisallow: /\n",
           "User-Agent: foo\r\nAllow: /some/path\r\nUser-Agent: bar\r\n\r\n\r\nDisallow: /\r\n",
           "User-Agent: foo\rAllow: /some/path\rUser-Agent: bar\r\r\rDisallow: /\r",
           "User-Agent: foo\nAllow: /some/path\nUser-Agent: bar\n\n\nDisallow: /",
           "User-Agent: foo\nAllow: /some/path\r\nUser-Agent: bar\n\r\n\nDisallow: /",
       }) {
    RunTable(
        "line endings",
        {{robots, "bar", "/x", false}, {robots, "foo", "/x", true}, {robots, "baz", "/x", true}});
  }
}

TEST(RobotsTest, Rfc9309_2_2_Utf8ByteOrderMarkIsSkipped) {
  RunTable("BOM",
           {
               {"\xEF\xBB\xBFUser-Agent: foo\nDisallow: /AnyValue\n", "foo", "/AnyValue", false},
               // A broken BOM is just a bad first line.
               {"\xEF\xBBUser-Agent: foo\nDisallow: /AnyValue\n", "foo", "/AnyValue", true},
               {"\xEF\xBB\xBFUser-Agent: foo\n", "foo", "/AnyValue", true},
           });
}

TEST(RobotsTest, Rfc9309_2_5_ContentBeyond500KiBIsIgnored) {
  std::string robots = "User-agent: *\nDisallow: /early\n";
  while (robots.size() < 500 * 1024 + 10) robots += "# padding padding padding padding\n";
  robots += "Disallow: /late\n";
  RobotsRules rules = RobotsRules::Parse(robots, "pressarc");
  EXPECT_FALSE(rules.Allowed("/early"));
  EXPECT_TRUE(rules.Allowed("/late"));
}

TEST(RobotsTest, LongLinesAreCutAtTheLineCap) {
  const std::size_t kMaxLine = 2083 * 8;
  std::string longline = "/x/";
  while (longline.size() < kMaxLine - std::string("disallow: ").size()) longline += "a";
  std::string robots = "user-agent: FooBot\ndisallow: " + longline + "/qux\n";
  RobotsRules rules = RobotsRules::Parse(robots, "FooBot");
  EXPECT_TRUE(rules.Allowed("/fux"));
  EXPECT_FALSE(rules.Allowed(longline + "/fux"));
}

TEST(RobotsTest, CrawlDelayIsReadFromTheChosenGroupInMilliseconds) {
  struct {
    std::string robots;
    int ms;
  } cases[] = {
      {"User-agent: *\nCrawl-delay: 2\n", 2000},
      {"User-agent: *\nCrawl-delay: 0.5\nDisallow: /x\n", 500},
      {"User-agent: *\nCrawl-delay: 10\nUser-agent: pressarc\nCrawl-delay: 1.25\n", 1250},
      {"User-agent: pressarc\nDisallow: /x\nUser-agent: *\nCrawl-delay: 7\n", -1},
      {"User-agent: *\nCrawl-delay: soon\n", -1},
      {"User-agent: *\nCrawl-delay: -3\n", -1},
      {"User-agent: *\nCrawl-delay: 1e12\n", 86400000},
      {"Crawl-delay: 5\nUser-agent: *\nDisallow: /\n", -1},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(RobotsRules::Parse(c.robots, "pressarc/0.1").crawl_delay_ms(), c.ms) << c.robots;
  }
}

TEST(RobotsTest, SitemapLinesAreCollectedFromAnywhere) {
  RobotsRules rules = RobotsRules::Parse(
      "Sitemap: https://example.gov/sitemap.xml\n"
      "User-agent: other\n"
      "Disallow: /\n"
      "sitemap: https://example.gov/news-sitemap.xml.gz # news\n"
      "Sitemap: /relative.xml\n",
      "pressarc");
  EXPECT_EQ(rules.sitemaps(),
            (std::vector<std::string>{"https://example.gov/sitemap.xml",
                                      "https://example.gov/news-sitemap.xml.gz"}));
  EXPECT_TRUE(rules.Allowed("/"));
}

TEST(RobotsTest, HostileInputStaysFast) {
  // Many wildcard rules against a long path: bounded work, no blow-up.
  std::string robots = "User-agent: *\n";
  for (int i = 0; i < 1000; ++i)
    robots += "Disallow: /*a*a*a*a*a*a*a*a*b" + std::to_string(i) + "\n";
  std::string path = "/" + std::string(2000, 'a');
  auto start = std::chrono::steady_clock::now();
  RobotsRules rules = RobotsRules::Parse(robots, "pressarc");
  EXPECT_TRUE(rules.Allowed(path));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 10.0);
  // Binary junk parses to something.
  std::string junk;
  for (int i = 0; i < 100000; ++i) junk += static_cast<char>((i * 7919) % 256);
  RobotsRules j = RobotsRules::Parse(junk, "pressarc");
  (void)j.Allowed("/x");
}

}  // namespace
}  // namespace pressarc
