// Scope rules, trap guards, Retry-After and time helpers of the crawl job.
#include <gtest/gtest.h>

#include "crawler/crawl_env.h"
#include "crawler/crawl_job.h"
#include "crawler/url_scope.h"

namespace pressarc {
namespace {

SourceConfig Source(std::vector<std::string> allow, std::vector<std::string> deny) {
  SourceConfig s;
  s.name = "mfa";
  s.start_urls = {"https://mfa.gov.az/az/news", "https://www.mfa.gov.az:8443/en"};
  s.allow = std::move(allow);
  s.deny = std::move(deny);
  s.article = {"/news/no\\d+"};
  return s;
}

TEST(CrawlScope, DefaultScopeIsTheStartUrlsOrigins) {
  auto scope = SourceScope::Build(Source({}, {}));
  ASSERT_TRUE(scope.ok());
  struct Case {
    const char* url;
    bool in;
  } cases[] = {
      {"https://mfa.gov.az/az/news/no12323", true},
      {"https://mfa.gov.az/category/visa", true},
      {"https://www.mfa.gov.az:8443/en/x", true},
      {"http://mfa.gov.az/az/news", false},    // other scheme = other origin
      {"https://www.mfa.gov.az/en/x", false},  // other port
      {"https://evil.test/mfa.gov.az/", false},
  };
  for (const auto& c : cases) EXPECT_EQ(scope->InScope(c.url), c.in) << c.url;
}

TEST(CrawlScope, AllowAndDenyRegexesDecideWhenGiven) {
  auto scope = SourceScope::Build(Source({"^https://mfa\\.gov\\.az/(az|en)/news"}, {"/print$"}));
  ASSERT_TRUE(scope.ok());
  EXPECT_TRUE(scope->InScope("https://mfa.gov.az/az/news?page=2"));
  EXPECT_FALSE(scope->InScope("https://mfa.gov.az/ru/news"));
  EXPECT_FALSE(scope->InScope("https://mfa.gov.az/az/news/no1/print"));
  EXPECT_TRUE(scope->IsArticleUrl("https://mfa.gov.az/az/news/no1"));
  EXPECT_FALSE(scope->IsArticleUrl("https://mfa.gov.az/az/news"));
}

TEST(CrawlScope, BadRegexIsAUsageError) {
  auto scope = SourceScope::Build(Source({"(unclosed"}, {}));
  ASSERT_FALSE(scope.ok());
  EXPECT_EQ(scope.status().code(), Status::Code::kUsage);
}

TEST(CrawlTrapGuard, RejectsLoopsAndExplosionsAcceptsNormalUrls) {
  struct Case {
    std::string url;
    bool trap;
  } cases[] = {
      {"https://mfa.gov.az/az/news/no12323-rusiya", false},
      {"https://mfa.gov.az/az/news?page=3", false},
      {"https://mid.ru/ru/foreign_policy/news/1855742/", false},
      {"https://x.test/news/2023/05/28/item", false},
      {"https://x.test/archive/2027-01", false},  // next year is plausible
      {"https://x.test/a/b/a/c/a/d", true},       // "a" three times
      {"https://x.test/css/css/css/site.css", true},
      {"https://x.test/calendar/2045/3", true},
      {"https://x.test/events?date=1901-02", true},
      {"https://x.test/s?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13", true},
      {"https://x.test/" + std::string(3000, 'x'), true},
      {"https://x.test/news/1234/5", false},  // ids are not years
  };
  for (const auto& c : cases) {
    EXPECT_EQ(!TrapReason(c.url, 2026).empty(), c.trap) << c.url << " " << TrapReason(c.url, 2026);
  }
}

TEST(CrawlRetryAfter, SecondsOrHttpDate) {
  std::int64_t now = 1795600000;
  EXPECT_EQ(ParseRetryAfterMs("120", now), 120000);
  EXPECT_EQ(ParseRetryAfterMs(" 0", now), 0);
  EXPECT_EQ(ParseRetryAfterMs("", now), -1);
  EXPECT_EQ(ParseRetryAfterMs("soon", now), -1);
  std::string date = "Tue, 24 Nov 2026 17:48:20 GMT";  // now + 100 s
  std::int64_t t = ParseIsoUtc("2026-11-24T17:48:20Z");
  EXPECT_EQ(ParseRetryAfterMs(date, t - 100), 100000);
  EXPECT_EQ(ParseRetryAfterMs(date, t + 50), 0);  // in the past
}

TEST(CrawlClock, IsoUtcRoundTrips) {
  EXPECT_EQ(IsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(ParseIsoUtc(IsoUtc(1795600000)), 1795600000);
  EXPECT_EQ(ParseIsoUtc("2023-02-28"), ParseIsoUtc("2023-02-28T00:00:00Z"));
  EXPECT_EQ(ParseIsoUtc("garbage"), -1);
}

}  // namespace
}  // namespace pressarc
