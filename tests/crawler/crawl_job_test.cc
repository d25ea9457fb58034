// The crawl job end to end in memory: fake web, fake clock, real WARC writer
// and state database in a temporary directory.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <set>

#include "archive/archive.h"
#include "crawl_fakes.h"

namespace pressarc::testing {
namespace {

TEST(CrawlJob, FirstRunArchivesAndIndexesEveryArticleOfEveryListingPage) {
  World w;
  FakeSite site;
  site.articles = 25;
  site.Install(w.web);
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->total.new_articles, 25);
  EXPECT_EQ(s->total.indexed, 25);
  EXPECT_EQ(s->total.failed, 0);
  EXPECT_EQ(w.sink.committed.size(), 25u);
  for (int n = 1; n <= 25; ++n) {
    EXPECT_EQ(w.web.Count(site.ArticleUrl(n)), 1) << n;
    EXPECT_TRUE(w.sink.committed.count(site.ArticleUrl(n))) << n;
  }
  ASSERT_FALSE(w.web.hits.empty());
  EXPECT_EQ(w.web.hits[0].url, "http://mfa.test/robots.txt");
  EXPECT_TRUE(std::filesystem::exists(w.dir.path() + "/state.sqlite"));
  EXPECT_FALSE(std::filesystem::is_empty(w.dir.path() + "/archive"));
}

TEST(CrawlJob, NewestFirstListingPageOneBeforeItsArticlesBeforePageTwo) {
  World w;
  FakeSite site;
  site.Install(w.web);
  ASSERT_TRUE(w.Crawl(SiteConfig()).ok());
  auto urls = w.web.Urls();
  auto pos = [&](const std::string& u) {
    return std::find(urls.begin(), urls.end(), u) - urls.begin();
  };
  EXPECT_LT(pos(site.ListingUrl(1)), pos(site.ArticleUrl(20)));
  EXPECT_LT(pos(site.ArticleUrl(20)), pos(site.ArticleUrl(11)));
  EXPECT_LT(pos(site.ArticleUrl(11)), pos(site.ListingUrl(2)));
  EXPECT_LT(pos(site.ListingUrl(2)), pos(site.ArticleUrl(10)));
}

TEST(CrawlJob, PerHostGapIsKeptBetweenEndOfOneRequestAndStartOfNext) {
  World w;
  FakeSite site;
  site.Install(w.web);
  Config config = SiteConfig();
  config.crawler.per_host_delay_ms = 700;
  ASSERT_TRUE(w.Crawl(config).ok());
  ASSERT_GT(w.web.hits.size(), 10u);
  for (std::size_t i = 1; i < w.web.hits.size(); ++i) {
    EXPECT_GE(w.web.hits[i].start_ms - w.web.hits[i - 1].end_ms, 700) << w.web.hits[i].url;
  }
}

TEST(CrawlJob, RobotsCrawlDelayRaisesTheGapButIsCapped) {
  for (auto [crawl_delay, cap_s, expected_ms] :
       {std::tuple{2, 30, 2000}, std::tuple{90, 3, 3000}}) {
    World w;
    FakeSite site;
    site.articles = 5;
    site.Install(w.web);
    w.web.Page("http://mfa.test/robots.txt",
               "User-agent: *\nCrawl-delay: " + std::to_string(crawl_delay) + "\n", "text/plain");
    Config config = SiteConfig();
    config.crawler.per_host_delay_ms = 10;
    config.crawler.max_crawl_delay_s = cap_s;
    ASSERT_TRUE(w.Crawl(config).ok());
    std::int64_t min_gap = 1 << 30;
    for (std::size_t i = 1; i < w.web.hits.size(); ++i) {
      min_gap = std::min(min_gap, w.web.hits[i].start_ms - w.web.hits[i - 1].end_ms);
    }
    EXPECT_GE(min_gap, expected_ms);
    EXPECT_LT(min_gap, expected_ms + 300);
  }
}

TEST(CrawlJob, OriginsAreCrawledInParallelButOneRequestPerOriginAtATime) {
  World w;
  FakeSite a, b;
  b.origin = "http://other.test";
  a.Install(w.web);
  b.Install(w.web);
  Config config = SiteConfig();
  SourceConfig second = config.sources[0];
  second.name = "other";
  second.start_urls = {"http://other.test/news"};
  config.sources.push_back(second);
  auto s = w.Crawl(config);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.new_articles, 40);
  EXPECT_EQ(s->per_source.at("other").new_articles, 20);
  for (const std::string origin : {"http://mfa.test", "http://other.test"}) {
    std::int64_t busy_until = -1;
    for (const Hit& h : w.web.hits) {
      if (UrlOrigin(h.url) != origin) continue;
      EXPECT_GE(h.start_ms, busy_until);
      busy_until = h.end_ms;
    }
  }
  // The two origins overlap in time.
  EXPECT_LT(w.web.hits.back().end_ms - w.web.hits.front().start_ms, 60 * 105 + 2000);
}

TEST(CrawlJob, RobotsDisallowedUrlsAreNeverRequestedAndCounted) {
  World w;
  FakeSite site;
  site.Install(w.web);
  w.web.Page("http://mfa.test/robots.txt",
             "User-agent: *\nDisallow: /news/no1\nAllow: /news/no1$\n", "text/plain");
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  // no1 is allowed (longest match), no10..no19 are not.
  EXPECT_EQ(w.web.Count(site.ArticleUrl(1)), 1);
  for (int n = 10; n <= 19; ++n) EXPECT_EQ(w.web.Count(site.ArticleUrl(n)), 0) << n;
  EXPECT_EQ(s->total.robots_denied, 10);
  EXPECT_EQ(s->total.new_articles, 10);
}

TEST(CrawlJob, RobotsProductTokenGroupIsUsed) {
  World w;
  FakeSite site;
  site.articles = 5;
  site.Install(w.web);
  w.web.Page("http://mfa.test/robots.txt",
             "User-agent: *\nDisallow: /\n\nUser-agent: pressarc\nAllow: /\n", "text/plain");
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.new_articles, 5);
  EXPECT_EQ(s->total.robots_denied, 0);
}

TEST(CrawlJob, Robots5xxDisallowsTheWholeHostForThisRun) {
  World w;
  FakeSite site;
  site.Install(w.web);
  w.web.Route("http://mfa.test/robots.txt", [](const FetchRequest&) {
    FakeReply r;
    r.status = 500;
    r.body = "oops";
    return r;
  });
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  for (const Hit& h : w.web.hits) EXPECT_EQ(h.url, "http://mfa.test/robots.txt");
  EXPECT_EQ(w.web.hits.size(), 3u);      // first try + max_retries
  EXPECT_EQ(s->total.robots_denied, 2);  // the start URL and /sitemap.xml
  EXPECT_EQ(s->total.new_articles, 0);
}

TEST(CrawlJob, Robots404AllowsEverythingAndIsCachedAcrossRuns) {
  World w;
  FakeSite site;
  site.articles = 5;
  site.Install(w.web);
  w.web.routes.erase("http://mfa.test/robots.txt");
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.new_articles, 5);
  ASSERT_TRUE(w.Crawl(SiteConfig()).ok());
  EXPECT_EQ(w.web.Count("http://mfa.test/robots.txt"), 0);  // cached (< 24 h)
  w.clock.now_ms += 25 * 3600 * 1000LL;
  ASSERT_TRUE(w.Crawl(SiteConfig()).ok());
  EXPECT_EQ(w.web.Count("http://mfa.test/robots.txt"), 1);
  EXPECT_EQ(w.web.hits[0].url, "http://mfa.test/robots.txt");
}

TEST(CrawlJob, RedirectHopsAreCheckedForScopeRobotsAndLoops) {
  World w;
  FakeSite site;
  site.articles = 5;
  site.Install(w.web);
  w.web.Page("http://mfa.test/robots.txt", "User-agent: *\nDisallow: /private\n", "text/plain");
  w.web.Redirect(site.ArticleUrl(1), "http://evil.test/x");
  w.web.Redirect(site.ArticleUrl(2), "/private/secret");
  w.web.Redirect(site.ArticleUrl(3), "/news/loop-a");
  w.web.Redirect("http://mfa.test/news/loop-a", site.ArticleUrl(3));
  w.web.Redirect(site.ArticleUrl(4), "/news/no4-the-slug");
  w.web.Page("http://mfa.test/news/no4-the-slug", site.ArticleHtml(4));
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  for (const Hit& h : w.web.hits) {
    EXPECT_EQ(UrlOrigin(h.url), "http://mfa.test") << h.url;
    EXPECT_EQ(h.url.find("/private"), std::string::npos) << h.url;
  }
  EXPECT_EQ(s->total.out_of_scope, 1);
  EXPECT_EQ(s->total.robots_denied, 1);
  EXPECT_EQ(w.web.Count("http://mfa.test/news/loop-a"), 1);
  EXPECT_EQ(w.web.Count(site.ArticleUrl(3)), 1);
  EXPECT_EQ(s->total.failed, 1);  // the loop
  // The alias indexes under its final URL.
  EXPECT_TRUE(w.sink.committed.count("http://mfa.test/news/no4-the-slug"));
  EXPECT_FALSE(w.sink.committed.count(site.ArticleUrl(4)));
}

TEST(CrawlJob, RedirectLoopBetweenTwoLinkedUrlsIsAFailure) {
  // Both ends are linked from the listing, so each is reached on its own and
  // each redirect's target is already known: the loop must still be seen.
  for (bool low_first : {true, false}) {
    World w;
    FakeSite site;
    site.articles = 5;
    site.Install(w.web);
    w.web.Redirect(site.ArticleUrl(low_first ? 4 : 5), site.ArticleUrl(low_first ? 5 : 4));
    w.web.Redirect(site.ArticleUrl(low_first ? 5 : 4), site.ArticleUrl(low_first ? 4 : 5));
    auto s = w.Crawl(SiteConfig());
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_EQ(w.web.Count(site.ArticleUrl(4)), 1);
    EXPECT_EQ(w.web.Count(site.ArticleUrl(5)), 1);
    EXPECT_EQ(s->total.failed, 1);
    ASSERT_EQ(s->failures.size(), 1u);
    EXPECT_NE(s->failures[0].find("redirect loop"), std::string::npos) << s->failures[0];
    EXPECT_EQ(s->total.new_articles, 3);
  }
}

TEST(CrawlJob, RobotsTxtRedirectedToAnotherHostIsObeyed) {
  World w;
  FakeSite site;
  site.articles = 5;
  site.Install(w.web);
  w.web.Redirect("http://mfa.test/robots.txt", "https://www.mfa.test/robots.txt");
  w.web.Page("https://www.mfa.test/robots.txt", "User-agent: *\nDisallow: /news/no3\n",
             "text/plain");
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(w.web.Count("https://www.mfa.test/robots.txt"), 1);
  EXPECT_EQ(w.web.Count(site.ArticleUrl(3)), 0);
  EXPECT_EQ(s->total.robots_denied, 1);
  EXPECT_EQ(s->total.new_articles, 4);
}

TEST(CrawlJob, RobotsTxtRedirectLoopMeansNoRules) {
  World w;
  FakeSite site;
  site.articles = 3;
  site.Install(w.web);
  w.web.Redirect("http://mfa.test/robots.txt", "https://mfa.test/robots.txt");
  w.web.Redirect("https://mfa.test/robots.txt", "http://mfa.test/robots.txt");
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_LE(w.web.Count("https://mfa.test/robots.txt"), 1);
  EXPECT_EQ(s->total.new_articles, 3);  // unavailable robots.txt (4xx): no rules
}

TEST(CrawlJob, AtMostFiveRedirectsAreFollowed) {
  World w;
  FakeSite site;
  site.articles = 1;
  site.Install(w.web);
  for (int i = 0; i < 10; ++i) {
    w.web.Redirect(i == 0 ? site.ArticleUrl(1) : "http://mfa.test/hop" + std::to_string(i),
                   "http://mfa.test/hop" + std::to_string(i + 1));
  }
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(w.web.Count("http://mfa.test/hop5"), 1);
  EXPECT_EQ(w.web.Count("http://mfa.test/hop6"), 0);
  EXPECT_EQ(s->total.failed, 1);
  ASSERT_FALSE(s->failures.empty());
  EXPECT_NE(s->failures[0].find("too many redirects"), std::string::npos);
}

TEST(CrawlJob, ServerErrorsAreRetriedWithGrowingBackoffThenSucceed) {
  World w;
  FakeSite site;
  site.articles = 3;
  site.Install(w.web);
  int calls = 0;
  std::string html = site.ArticleHtml(2);
  w.web.Route(site.ArticleUrl(2), [&calls, html](const FetchRequest&) {
    FakeReply r;
    if (++calls <= 2) {
      r.status = 500;
      r.body = "busy";
    } else {
      r.body = html;
    }
    return r;
  });
  Config config = SiteConfig();
  config.crawler.per_host_delay_ms = 0;
  auto s = w.Crawl(config);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(s->total.failed, 0);
  EXPECT_EQ(s->total.new_articles, 3);
  std::vector<std::int64_t> starts;
  for (const Hit& h : w.web.hits) {
    if (h.url == site.ArticleUrl(2)) starts.push_back(h.start_ms);
  }
  ASSERT_EQ(starts.size(), 3u);
  EXPECT_GE(starts[1] - starts[0], 375);  // 500 ms -25 %
  EXPECT_GE(starts[2] - starts[1], 750);  // 1000 ms -25 %
  EXPECT_GT(starts[2] - starts[1], starts[1] - starts[0]);
}

TEST(CrawlJob, FailuresAfterRetriesAreRecordedAndRetriedInTheNextRun) {
  World w;
  FakeSite site;
  site.articles = 3;
  site.Install(w.web);
  bool down = true;
  std::string html = site.ArticleHtml(2);
  w.web.Route(site.ArticleUrl(2), [&down, html](const FetchRequest&) {
    FakeReply r;
    if (down) {
      r.error = FetchError::kTimeout;
    } else {
      r.body = html;
    }
    return r;
  });
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.failed, 1);
  EXPECT_EQ(w.web.Count(site.ArticleUrl(2)), 3);
  ASSERT_EQ(s->failures.size(), 1u);
  EXPECT_NE(s->failures[0].find("timeout"), std::string::npos);
  {
    auto state = Catalogue::Open(w.dir.path() + "/state.sqlite");
    ASSERT_TRUE(state.ok());
    PageState p;
    ASSERT_TRUE((*state)->Lookup(site.ArticleUrl(2), &p));
    EXPECT_EQ(p.status, "failed");
  }
  down = false;
  Config config = SiteConfig();
  config.crawler.revisit_after_hours = 24;  // only the failed one is due
  auto s2 = w.Crawl(config);
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(s2->total.new_articles, 1);
  EXPECT_EQ(s2->total.failed, 0);
  EXPECT_TRUE(w.sink.committed.count(site.ArticleUrl(2)));
}

FakeReply RefusedByAddressPolicy(const FetchRequest&) {
  FakeReply r;
  r.error = FetchError::kNotAllowed;
  r.error_message = "address not allowed: 10.0.0.1 (private)";
  return r;
}

TEST(CrawlJob, AddressRefusedByThePolicyFailsAtOnceWithTheReason) {
  World w;
  FakeSite site;
  site.articles = 3;
  site.Install(w.web);
  w.web.Route(site.ArticleUrl(2), &RefusedByAddressPolicy);
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.failed, 1);
  EXPECT_EQ(s->total.new_articles, 2);
  EXPECT_EQ(w.web.Count(site.ArticleUrl(2)), 1);  // never retried
  ASSERT_EQ(s->failures.size(), 1u);
  EXPECT_EQ(s->failures[0], site.ArticleUrl(2) + ": address not allowed: 10.0.0.1 (private)");
}

TEST(CrawlJob, RobotsTxtRefusedByThePolicyLeavesEachUrlToFailWithTheReason) {
  World w;
  FakeSite site;
  site.articles = 3;
  site.Install(w.web);
  w.web.Route("http://mfa.test/robots.txt", &RefusedByAddressPolicy);
  w.web.Route(site.ListingUrl(1), &RefusedByAddressPolicy);
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(w.web.Count("http://mfa.test/robots.txt"), 1);
  EXPECT_EQ(s->total.robots_denied, 0);
  EXPECT_GE(s->total.failed, 1);
  std::string failures;
  for (const std::string& f : s->failures) failures += f + "\n";
  EXPECT_NE(failures.find(site.ListingUrl(1) + ": address not allowed: 10.0.0.1 (private)"),
            std::string::npos)
      << failures;
}

TEST(CrawlJob, RetryAfterIsHonouredAndSlowsTheHostDown) {
  World w;
  FakeSite site;
  site.articles = 12;
  site.Install(w.web);
  int calls = 0;
  std::string html = site.ArticleHtml(12);
  w.web.Route(site.ArticleUrl(12), [&calls, html](const FetchRequest&) {
    FakeReply r;
    if (++calls == 1) {
      r.status = 429;
      r.headers = {{"Retry-After", "7"}};
    } else {
      r.body = html;
    }
    return r;
  });
  Config config = SiteConfig();
  config.crawler.per_host_delay_ms = 0;
  auto s = w.Crawl(config);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.new_articles, 12);
  std::size_t first = 0;
  while (w.web.hits[first].url != site.ArticleUrl(12)) ++first;
  // Nothing at all goes to the host for 7 s after the 429.
  ASSERT_LT(first + 1, w.web.hits.size());
  EXPECT_GE(w.web.hits[first + 1].start_ms - w.web.hits[first].end_ms, 7000);
  // Then the host is slowed down from 0 ms and recovers step by step.
  ASSERT_LT(first + 2, w.web.hits.size());
  EXPECT_GE(w.web.hits[first + 2].start_ms - w.web.hits[first + 1].end_ms, 500);
  EXPECT_LT(w.web.hits.back().start_ms - w.web.hits[w.web.hits.size() - 2].end_ms, 500);
}

TEST(CrawlJob, TooLongRetryAfterGivesUpForThisRun) {
  World w;
  FakeSite site;
  site.articles = 2;
  site.Install(w.web);
  w.web.Route(site.ArticleUrl(1), [](const FetchRequest&) {
    FakeReply r;
    r.status = 503;
    r.headers = {{"Retry-After", "86400"}};
    return r;
  });
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(w.web.Count(site.ArticleUrl(1)), 1);
  EXPECT_EQ(s->total.failed, 1);
}

TEST(CrawlJob, SecondRunMakesOnlyConditionalRequestsForArticlesAndFindsNothingNew) {
  World w;
  FakeSite site;
  site.Install(w.web);
  ASSERT_TRUE(w.Crawl(SiteConfig()).ok());
  int adds = w.sink.adds;
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.new_articles, 0);
  EXPECT_EQ(s->total.unchanged, 20);
  EXPECT_EQ(s->total.updated, 0);
  EXPECT_EQ(w.sink.adds, adds);  // nothing re-indexed
  for (const Hit& h : w.web.hits) {
    if (h.url.find("/news/no") != std::string::npos) {
      EXPECT_TRUE(h.Conditional()) << h.url;
    }
  }
  // Page 1 answered 304: no paging.
  EXPECT_EQ(w.web.Count(site.ListingUrl(2)), 0);
}

TEST(CrawlJob, ThreeNewReleasesCostAFewRequestsNotAWholeRecrawl) {
  World w;
  FakeSite site;
  site.articles = 50;
  site.Install(w.web);
  Config config = SiteConfig();
  config.crawler.revisit_after_hours = 24;
  ASSERT_TRUE(w.Crawl(config).ok());
  site.articles = 53;
  site.Install(w.web);
  auto s = w.Crawl(config);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.new_articles, 3);
  EXPECT_LE(w.web.hits.size(), 12u);
  EXPECT_EQ(w.web.Count(site.ListingUrl(5)), 0);
  for (int n = 51; n <= 53; ++n) EXPECT_TRUE(w.sink.committed.count(site.ArticleUrl(n)));
}

TEST(CrawlJob, RevisitScheduleFollowsRevisitAfterHoursAndGrowsWithAge) {
  World w;
  FakeSite site;  // articles published 2026-11-20, four days before the clock's start
  site.articles = 5;
  site.Install(w.web);
  Config config = SiteConfig();
  config.crawler.revisit_after_hours = 24;
  ASSERT_TRUE(w.Crawl(config).ok());
  ASSERT_TRUE(w.Crawl(config).ok());
  EXPECT_EQ(w.web.Count(site.ArticleUrl(3)), 0);  // fetched less than 24 h ago
  w.clock.now_ms += 25 * 3600 * 1000LL;
  ASSERT_TRUE(w.Crawl(config).ok());
  EXPECT_EQ(w.web.Count(site.ArticleUrl(3)), 1);
  EXPECT_TRUE(w.web.hits.back().Conditional() || w.web.Count(site.ArticleUrl(3)) == 1);
  w.clock.now_ms += 60 * 86400 * 1000LL;  // published 65 days ago: still revisited
  ASSERT_TRUE(w.Crawl(config).ok());
  EXPECT_EQ(w.web.Count(site.ArticleUrl(3)), 1);
  w.clock.now_ms += 2 * 86400 * 1000LL;  // now every eighth of its age (about 8 days)
  ASSERT_TRUE(w.Crawl(config).ok());
  EXPECT_EQ(w.web.Count(site.ArticleUrl(3)), 0);
  w.clock.now_ms += 9 * 86400 * 1000LL;
  ASSERT_TRUE(w.Crawl(config).ok());
  EXPECT_EQ(w.web.Count(site.ArticleUrl(3)), 1);
}

TEST(CrawlJob, OldArticlesAreRevisitedWithinTheMaxInterval) {
  World w;
  FakeSite site;
  site.articles = 3;
  site.Install(w.web);
  Config config = SiteConfig();
  config.crawler.revisit_after_hours = 24;
  config.crawler.revisit_max_interval_days = 30;
  ASSERT_TRUE(w.Crawl(config).ok());
  w.clock.now_ms += 3 * 365 * 86400 * 1000LL;  // published three years ago
  ASSERT_TRUE(w.Crawl(config).ok());
  EXPECT_EQ(w.web.Count(site.ArticleUrl(2)), 1);
  w.clock.now_ms += 20 * 86400 * 1000LL;
  ASSERT_TRUE(w.Crawl(config).ok());
  EXPECT_EQ(w.web.Count(site.ArticleUrl(2)), 0);  // an eighth of 3 years is over 30 days
  w.clock.now_ms += 10 * 86400 * 1000LL;          // 30 days since the last visit
  ASSERT_TRUE(w.Crawl(config).ok());
  EXPECT_EQ(w.web.Count(site.ArticleUrl(2)), 1);
}

TEST(CrawlJob, RevisitsPerRunAreCappedOldestDueFirst) {
  World w;
  FakeSite site;
  site.articles = 50;
  site.Install(w.web);
  Config config = SiteConfig();
  config.crawler.revisit_after_hours = 24;
  config.crawler.max_revisits_per_run = 20;
  ASSERT_TRUE(w.Crawl(config).ok());
  auto article_hits = [&] {
    std::set<std::string> out;
    for (const Hit& h : w.web.hits) {
      if (h.url.find("/news/no") != std::string::npos) out.insert(h.url);
    }
    return out;
  };
  w.clock.now_ms += 25 * 3600 * 1000LL;
  auto s = w.Crawl(config);
  ASSERT_TRUE(s.ok());
  std::set<std::string> second = article_hits();
  EXPECT_EQ(second.size(), 20u);
  EXPECT_EQ(s->total.unchanged, 20);
  w.clock.now_ms += 3600 * 1000LL;
  ASSERT_TRUE(w.Crawl(config).ok());
  std::set<std::string> third = article_hits();
  EXPECT_EQ(third.size(), 20u);
  for (const auto& url : third)
    EXPECT_FALSE(second.count(url)) << url;  // the others were due longer
  w.clock.now_ms += 3600 * 1000LL;
  ASSERT_TRUE(w.Crawl(config).ok());
  EXPECT_EQ(article_hits().size(), 10u);
}

TEST(CrawlJob, RevisitAfterHoursZeroRevisitsEveryArticleOnEveryRun) {
  World w;
  FakeSite site;
  site.Install(w.web);
  Config config = SiteConfig();
  config.crawler.revisit_after_hours = 0;
  ASSERT_TRUE(w.Crawl(config).ok());
  for (int run = 0; run < 3; ++run) {
    w.clock.now_ms += 60 * 1000LL;
    auto s = w.Crawl(config);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->total.unchanged, 20) << run;
    for (int n = 1; n <= 20; ++n) EXPECT_EQ(w.web.Count(site.ArticleUrl(n)), 1) << n;
  }
}

TEST(CrawlJob, ChangedArticleIsUpdatedAndReplacedWithoutDuplicates) {
  World w;
  FakeSite site;
  site.Install(w.web);
  ASSERT_TRUE(w.Crawl(SiteConfig()).ok());
  site.version = 2;
  site.changed = {4, 7};
  site.articles = 21;
  site.Install(w.web);
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.new_articles, 1);
  EXPECT_EQ(s->total.updated, 2);
  EXPECT_EQ(s->total.unchanged, 18);
  EXPECT_EQ(w.sink.committed.size(), 21u);
  EXPECT_NE(w.sink.committed[site.ArticleUrl(4)].find("spokesperson"), std::string::npos);
}

TEST(CrawlJob, ChallengeAndSoft404PagesAreFailuresNotArticles) {
  World w;
  FakeSite site;
  site.articles = 4;
  site.Install(w.web);
  w.web.Page(site.ArticleUrl(2),
             "<html><head><script src=\"/TSPD/08a\"></script></head><body>Data processing... "
             "Please, wait.</body></html>");
  w.web.Page(site.ArticleUrl(3),
             "<html><head><title>Not Found (#404)</title></head><body><div class=site-error>"
             "<h1>Not Found (#404)</h1></div></body></html>");
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.failed, 2);
  EXPECT_EQ(s->total.new_articles, 2);
  EXPECT_FALSE(w.sink.committed.count(site.ArticleUrl(2)));
  EXPECT_FALSE(w.sink.committed.count(site.ArticleUrl(3)));
}

TEST(CrawlJob, BodiesOverMaxPageBytesFailAsTooLarge) {
  World w;
  FakeSite site;
  site.articles = 2;
  site.Install(w.web);
  w.web.Page(site.ArticleUrl(1),
             "<html><body><p>" + std::string(50000, 'x') + "</p></body></html>");
  Config config = SiteConfig();
  config.crawler.max_page_bytes = 20000;
  auto s = w.Crawl(config);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.failed, 1);
  ASSERT_EQ(s->failures.size(), 1u);
  EXPECT_NE(s->failures[0].find("too large"), std::string::npos);
  EXPECT_EQ(w.web.Count(site.ArticleUrl(1)), 1);  // not retried
}

TEST(CrawlJob, TrapsAreBoundedByDepthAndTrapGuards) {
  World w;
  FakeSite site;
  site.articles = 2;
  site.Install(w.web);
  // An endless calendar: every month links to the next one and to a
  // self-repeating path.
  w.web.Page("http://mfa.test/news",
             site.ListingHtml(1) + "<a href=\"/calendar/2026/1\">calendar</a>");
  for (int i = 0; i < 400; ++i) {
    int y = 2026 + i / 12, m = 1 + i % 12;
    int ny = 2026 + (i + 1) / 12, nm = 1 + (i + 1) % 12;
    std::string url = "http://mfa.test/calendar/" + std::to_string(y) + "/" + std::to_string(m);
    w.web.Page(url, "<html><body><a href=\"/calendar/" + std::to_string(ny) + "/" +
                        std::to_string(nm) +
                        "\">next month</a><a href=\"a/a/a/a\">x</a></body></html>");
  }
  Config config = SiteConfig();
  config.sources[0].article = {};  // no patterns: only depth and guards bound the crawl
  config.crawler.max_depth = 6;
  auto s = w.Crawl(config);
  ASSERT_TRUE(s.ok());
  int calendar = 0;
  for (const Hit& h : w.web.hits) {
    if (h.url.find("/calendar/") != std::string::npos) ++calendar;
    EXPECT_EQ(h.url.find("/a/a/a"), std::string::npos) << h.url;
  }
  EXPECT_GE(calendar, 3);
  EXPECT_LE(calendar, 6);
}

TEST(CrawlJob, QueryExplosionOnOnePathIsCut) {
  World w;
  FakeSite site;
  site.articles = 1;
  site.Install(w.web);
  std::string links;
  for (int i = 0; i < 600; ++i) {
    std::string url = "http://mfa.test/search?q=" + std::to_string(i);
    links += "<a href=\"/search?q=" + std::to_string(i) + "\">result</a>";
    w.web.Page(url, "<html><body><p>nothing</p></body></html>");
  }
  w.web.Page("http://mfa.test/news", site.ListingHtml(1) + links);
  Config config = SiteConfig();
  config.sources[0].article = {};
  config.crawler.per_host_delay_ms = 0;
  ASSERT_TRUE(w.Crawl(config).ok());
  int search = 0;
  for (const Hit& h : w.web.hits) search += h.url.find("/search?") != std::string::npos;
  EXPECT_EQ(search, 500);
}

TEST(CrawlJob, MaxPagesPerSourceBoundsTheFrontier) {
  World w;
  FakeSite site;
  site.articles = 40;
  site.Install(w.web);
  Config config = SiteConfig();
  config.crawler.max_pages_per_source = 12;
  auto s = w.Crawl(config);
  ASSERT_TRUE(s.ok());
  EXPECT_LE(w.web.hits.size(), 13u);  // + robots.txt
}

TEST(CrawlJob, MaxPagesStopsTheRunAndTheNextRunResumes) {
  World w;
  FakeSite site;
  site.Install(w.web);
  auto s = w.Crawl(SiteConfig(), /*max_pages=*/6);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(w.web.hits.size(), 7u);  // robots.txt + 6 pages
  auto s2 = w.Crawl(SiteConfig());
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(s->total.new_articles + s2->total.new_articles, 20);
  EXPECT_EQ(w.sink.committed.size(), 20u);
}

TEST(CrawlJob, ArchivedButUnindexedArticlesAreReplayedIntoTheIndexOnce) {
  World w;
  FakeSite site;
  site.articles = 12;
  site.Install(w.web);
  FakeSink broken;
  broken.fail_commit = true;  // the index commit fails: the run stops with an error
  auto s = w.Crawl(SiteConfig(), 0, &broken);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(broken.committed.empty());
  // The next run replays what was archived, without fetching it again.
  auto s2 = w.Crawl(SiteConfig());
  ASSERT_TRUE(s2.ok()) << s2.status().message();
  EXPECT_EQ(w.sink.committed.size(), 12u);
  for (int n = 1; n <= 12; ++n) EXPECT_LE(w.web.Count(site.ArticleUrl(n)), 1) << n;
  int adds = w.sink.adds;
  ASSERT_TRUE(w.Crawl(SiteConfig()).ok());
  EXPECT_EQ(w.sink.adds, adds);  // nothing replayed twice
}

TEST(CrawlJob, RunsTableRecordsEachRunWithItsSummary) {
  World w;
  FakeSite site;
  site.articles = 3;
  site.Install(w.web);
  ASSERT_TRUE(w.Crawl(SiteConfig()).ok());
  ASSERT_TRUE(w.Crawl(SiteConfig()).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((w.dir.path() + "/state.sqlite").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(
          db, "SELECT id, started_at, finished_at, status, summary_json FROM runs ORDER BY id", -1,
          &st, nullptr),
      SQLITE_OK);
  int rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    ++rows;
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))), "ok");
    std::string json = reinterpret_cast<const char*>(sqlite3_column_text(st, 4));
    EXPECT_NE(json.find("\"new\":" + std::string(rows == 1 ? "3" : "0")), std::string::npos)
        << json;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  EXPECT_EQ(rows, 2);
}

TEST(CrawlJob, UnknownSourceAndNoSourcesAreUsageErrors) {
  World w;
  Config empty;
  auto s = w.Crawl(empty);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kUsage);
  CrawlRequest request;
  request.data_dir = w.dir.path();
  request.sources = {"nope"};
  CrawlEnv env;
  env.clock = &w.clock;
  env.http = &w.web;
  auto r = RunCrawlJob(SiteConfig(), request, nullptr, env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUsage);
  EXPECT_NE(r.status().message().find("nope"), std::string::npos);
}

TEST(CrawlJob, SitemapAndFeedEntriesAreDiscovered) {
  World w;
  FakeSite site;
  site.articles = 3;
  site.Install(w.web);
  w.web.Page("http://mfa.test/sitemap.xml",
             "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
             "<url><loc>http://mfa.test/news/no77</loc></url>"
             "<url><loc>http://elsewhere.test/news/no1</loc></url></urlset>",
             "application/xml");
  w.web.Page("http://mfa.test/news/no77", site.ArticleHtml(77));
  auto s = w.Crawl(SiteConfig());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(w.web.Count("http://mfa.test/news/no77"), 1);
  EXPECT_EQ(s->total.new_articles, 4);
  EXPECT_EQ(s->total.out_of_scope, 1);
}

}  // namespace
}  // namespace pressarc::testing
