// Removals and restorations seen by the crawl (design.md, "Versions,
// removals, changes"): fake web and clock, real catalogue.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "archive/archive.h"
#include "crawl_fakes.h"

namespace pressarc::testing {
namespace {

constexpr std::int64_t kMinute = 60 * 1000;
constexpr std::int64_t kHour = 60 * kMinute;

const char kSoft404[] =
    "<html><head><title>Not Found (#404)</title></head><body><div class=site-error>"
    "<h1>Not Found (#404)</h1></div></body></html>";

Config EveryRun() {
  Config config = SiteConfig();
  config.crawler.revisit_after_hours = 0;
  return config;
}

std::unique_ptr<Catalogue> OpenCatalogue(World& w) {
  auto c = Catalogue::Open(w.dir.path() + "/state.sqlite");
  EXPECT_TRUE(c.ok());
  return c.ok() ? std::move(c.value()) : nullptr;
}

FakeReply Status(int status) {
  FakeReply r;
  r.status = status;
  r.body = "gone";
  return r;
}

FakeReply RedirectTo(const std::string& to) {
  FakeReply r;
  r.status = 302;
  r.headers = {{"Location", to}, {"Content-Type", "text/html"}};
  return r;
}

TEST(CrawlRemoval, NotFoundOnTwoVisitsAnHourApartRemovesThenAnAnswerRestores) {
  World w;
  FakeSite site;
  site.articles = 5;
  site.Install(w.web);
  ASSERT_TRUE(w.Crawl(EveryRun()).ok());
  const std::string url = site.ArticleUrl(3);
  w.web.routes.erase(url);  // the fake web answers 404
  std::vector<std::int64_t> removed;
  for (std::int64_t gap : {10 * kMinute, 20 * kMinute, 40 * kMinute, 10 * kMinute}) {
    w.clock.now_ms += gap;
    auto s = w.Crawl(EveryRun());
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(w.web.Count(url), 1);
    EXPECT_EQ(s->total.failed, 0);
    removed.push_back(s->total.removed);
  }
  // Misses at +10 min (the first), +30 min (too soon), +70 min (removed), +80 min.
  EXPECT_EQ(removed, (std::vector<std::int64_t>{0, 0, 1, 0}));
  auto catalogue = OpenCatalogue(w);
  ASSERT_TRUE(catalogue);
  ASSERT_TRUE(catalogue->Removed(url).has_value());
  EXPECT_EQ(catalogue->Removed(url)->source, "mfa");
  EXPECT_FALSE(catalogue->Removed(site.ArticleUrl(2)).has_value());
  EXPECT_TRUE(w.sink.committed.count(url));  // still in the index, marked removed
  EXPECT_EQ(w.sink.committed_removed, std::set<std::string>{url});
  catalogue.reset();

  site.Install(w.web);  // back again
  w.clock.now_ms += 5 * kHour;
  auto s = w.Crawl(EveryRun());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->total.restored, 1);
  EXPECT_EQ(s->total.removed, 0);
  EXPECT_NE(CrawlSummaryJson(*s).find("\"removed\":0,\"restored\":1"), std::string::npos)
      << CrawlSummaryJson(*s);
  catalogue = OpenCatalogue(w);
  ASSERT_TRUE(catalogue);
  EXPECT_FALSE(catalogue->Removed(url).has_value());
  std::vector<RemovalEvent> events = catalogue->RemovalEvents("");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, "removed");
  EXPECT_EQ(events[0].url, url);
  EXPECT_EQ(events[1].kind, "restored");
  EXPECT_LT(events[0].at, events[1].at);
  EXPECT_TRUE(w.sink.committed_removed.empty());  // live again in the index
}

// A run killed after the catalogue recorded a removal but before the index
// committed it: the next run's start gives the index what it missed.
TEST(CrawlRemoval, TheNextRunGivesTheIndexARemovalItMissed) {
  World w;
  FakeSite site;
  site.articles = 5;
  site.Install(w.web);
  ASSERT_TRUE(w.Crawl(EveryRun()).ok());
  const std::string url = site.ArticleUrl(2);
  w.web.routes.erase(url);
  for (int visit = 0; visit < 2; ++visit) {
    w.clock.now_ms += 2 * kHour;
    ASSERT_TRUE(w.Crawl(EveryRun()).ok());
  }
  ASSERT_EQ(w.sink.committed_removed, std::set<std::string>{url});
  FakeSink lost;  // an index that never heard of it
  ASSERT_TRUE(w.Crawl(EveryRun(), 0, &lost).ok());
  EXPECT_EQ(lost.committed_removed, std::set<std::string>{url});
}

TEST(CrawlRemoval, GoneAnswersRemoveOtherFailuresNever) {
  FakeSite site;
  site.articles = 5;
  const std::string url = site.ArticleUrl(2);
  struct Case {
    const char* name;
    FakeWeb::Handler reply;
    int removed;
  };
  const std::vector<Case> cases = {
      {"410", [](const FetchRequest&) { return Status(410); }, 1},
      {"404", [](const FetchRequest&) { return Status(404); }, 1},
      {"soft 404",
       [](const FetchRequest&) {
         FakeReply r;
         r.body = kSoft404;
         return r;
       },
       1},
      {"redirect to the home page",
       [&](const FetchRequest&) { return RedirectTo(site.origin + "/"); }, 1},
      {"redirect to a listing", [&](const FetchRequest&) { return RedirectTo("/news"); }, 1},
      {"redirect to another article",
       [&](const FetchRequest&) { return RedirectTo(site.ArticleUrl(4)); }, 0},
      {"503", [](const FetchRequest&) { return Status(503); }, 0},
      {"500", [](const FetchRequest&) { return Status(500); }, 0},
      {"403", [](const FetchRequest&) { return Status(403); }, 0},
      {"timeout",
       [](const FetchRequest&) {
         FakeReply r;
         r.error = FetchError::kTimeout;
         return r;
       },
       0},
      {"challenge page",
       [](const FetchRequest&) {
         FakeReply r;
         r.body =
             "<html><head><script src=\"/TSPD/08a\"></script></head><body>Data processing... "
             "Please, wait.</body></html>";
         return r;
       },
       0},
  };
  for (const Case& c : cases) {
    World w;
    site.Install(w.web);
    ASSERT_TRUE(w.Crawl(EveryRun()).ok()) << c.name;
    w.web.Route(url, c.reply);
    w.clock.now_ms += kHour;
    auto first = w.Crawl(EveryRun());
    ASSERT_TRUE(first.ok()) << c.name;
    EXPECT_EQ(first->total.removed, 0) << c.name;
    w.clock.now_ms += kHour;
    auto second = w.Crawl(EveryRun());
    ASSERT_TRUE(second.ok()) << c.name;
    if (c.removed) {
      EXPECT_EQ(w.web.Count(url), 1) << c.name;  // visited again after the first miss
    }
    EXPECT_EQ(second->total.removed, c.removed) << c.name;
    auto catalogue = OpenCatalogue(w);
    ASSERT_TRUE(catalogue);
    EXPECT_EQ(catalogue->Removed(url).has_value(), c.removed == 1) << c.name;
  }
}

TEST(CrawlRemoval, AnAnswerBetweenTwoMissesStartsTheCountAgain) {
  World w;
  FakeSite site;
  site.articles = 5;
  site.Install(w.web);
  ASSERT_TRUE(w.Crawl(EveryRun()).ok());
  const std::string url = site.ArticleUrl(1);
  bool gone = true;
  w.web.Route(url, [&](const FetchRequest&) {
    if (gone) return Status(404);
    FakeReply r;
    r.body = site.ArticleHtml(1);
    return r;
  });
  std::vector<std::int64_t> removed;
  for (bool answer : {true, false, true, true}) {  // gone, answers, gone, gone
    gone = answer;
    w.clock.now_ms += 2 * kHour;
    auto s = w.Crawl(EveryRun());
    ASSERT_TRUE(s.ok());
    removed.push_back(s->total.removed);
  }
  EXPECT_EQ(removed, (std::vector<std::int64_t>{0, 0, 0, 1}));
}

TEST(CrawlRemoval, ANewUrlThatAnswers404IsAFailureNotARemoval) {
  World w;
  FakeSite site;
  site.articles = 3;
  site.Install(w.web);
  w.web.routes.erase(site.ArticleUrl(2));
  for (int run = 0; run < 2; ++run) {
    auto s = w.Crawl(EveryRun());
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->total.failed, 1);
    EXPECT_EQ(s->total.removed, 0);
    w.clock.now_ms += 2 * kHour;
  }
}

}  // namespace
}  // namespace pressarc::testing
