// The revisit schedule (crawler/revisit_schedule.h): intervals by age, the
// per-run cap, and a year of hourly runs over a 20,000-release site.
#include "crawler/revisit_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/config.h"

namespace pressarc::internal {
namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;

TEST(RevisitSchedule, IntervalGrowsWithAgeBetweenAfterHoursAndMaxInterval) {
  RevisitPolicy p;  // 24 h, 30 days
  struct Case {
    std::int64_t age;
    std::int64_t low;
    std::int64_t high;
  };
  const Case cases[] = {
      {0, 24 * kHour, 24 * kHour},          // new: revisit_after_hours
      {5 * kDay, 24 * kHour, 24 * kHour},   // still recent
      {8 * kDay, 24 * kHour, 24 * kHour},   // an eighth of the age is one day
      {80 * kDay, 9 * kDay, 10 * kDay},     // ten days, less up to a tenth
      {240 * kDay, 27 * kDay, 30 * kDay},   // reaches the cap
      {3650 * kDay, 27 * kDay, 30 * kDay},  // never beyond it
      {-5 * kDay, 24 * kHour, 24 * kHour},  // a date in the future counts as new
  };
  for (const Case& c : cases) {
    std::int64_t i = RevisitInterval(p, c.age, "https://mfa.test/news/1");
    EXPECT_GE(i, c.low) << c.age / kDay;
    EXPECT_LE(i, c.high) << c.age / kDay;
  }
}

TEST(RevisitSchedule, AfterHoursZeroMeansEveryRunAndTheMaxIntervalWinsOverAfterHours) {
  RevisitPolicy every;
  every.min_interval_s = 0;
  EXPECT_EQ(RevisitInterval(every, 3650 * kDay, "u"), 0);
  RevisitPolicy odd;
  odd.min_interval_s = 90 * kDay;
  odd.max_interval_s = 30 * kDay;
  EXPECT_EQ(RevisitInterval(odd, 0, "u"), 30 * kDay);
  EXPECT_EQ(RevisitInterval(odd, 3650 * kDay, "u"), 30 * kDay);
}

TEST(RevisitSchedule, DueCandidatesComeOldestDueFirstUpToTheCap) {
  RevisitPolicy p;
  p.max_per_run = 2;
  std::int64_t now = 1000 * kDay;
  std::vector<RevisitCandidate> c = {
      {now - 2 * kDay, now - 3 * kDay, "a"},     // due a day ago
      {now - 10 * kHour, now - kDay, "b"},       // not due
      {now - 40 * kDay, now - 900 * kDay, "c"},  // due ten days ago
      {now - 3 * kDay, now - 3 * kDay, "d"},     // due two days ago
  };
  EXPECT_EQ(DueRevisits(p, c, now), (std::vector<std::size_t>{2, 3}));
  p.max_per_run = 0;
  EXPECT_EQ(DueRevisits(p, c, now), (std::vector<std::size_t>{2, 3, 0}));
}

TEST(RevisitSchedule, DueAtIsTheFirstSecondTheIntervalHasPassed) {
  RevisitPolicy p;  // 24 h, 30 days
  RevisitPolicy every;
  every.min_interval_s = 0;
  const std::int64_t t = 1795600000;
  struct Case {
    const RevisitPolicy* policy;
    std::int64_t fetched;
    std::int64_t born;
    const char* url;
  };
  const Case cases[] = {
      {&p, t, t, "https://mfa.test/news/new"},                      // new: after 24 h
      {&p, t, t - 80 * kDay, "https://mfa.test/news/80"},           // about ten days
      {&p, t, t - 3650 * kDay, "https://mfa.test/news/old"},        // the 30-day cap
      {&p, t, t + 5 * kDay, "https://mfa.test/news/future"},        // a future date
      {&p, t - 7 * kDay, t - 9 * kDay, "https://mfa.test/news/9"},  // grows while waiting
      {&every, t, t - 80 * kDay, "https://mfa.test/news/every"},    // every run
  };
  for (const Case& c : cases) {
    std::int64_t at = RevisitDueAt(*c.policy, c.fetched, c.born, c.url);
    EXPECT_GE(at - c.fetched, RevisitInterval(*c.policy, at - c.born, c.url)) << c.url;
    if (at > c.fetched) {
      EXPECT_LT(at - 1 - c.fetched, RevisitInterval(*c.policy, at - 1 - c.born, c.url)) << c.url;
    }
  }
  EXPECT_EQ(RevisitDueAt(p, t, t, "u"), t + 24 * kHour);
  EXPECT_EQ(RevisitDueAt(every, t, t - 80 * kDay, "u"), t);
  std::int64_t capped = RevisitDueAt(p, t, t - 3650 * kDay, "u");
  EXPECT_GE(capped, t + 27 * kDay);
  EXPECT_LE(capped, t + 30 * kDay);
}

TEST(RevisitSchedule, TheRulesKeyChangesWithTheIntervalsOnly) {
  RevisitPolicy a;
  RevisitPolicy b = a;
  b.max_per_run = 10;
  EXPECT_EQ(RevisitRulesKey(a), RevisitRulesKey(b));
  b.min_interval_s = 3600;
  EXPECT_NE(RevisitRulesKey(a), RevisitRulesKey(b));
  b = a;
  b.max_interval_s = 7 * kDay;
  EXPECT_NE(RevisitRulesKey(a), RevisitRulesKey(b));
}

TEST(RevisitSchedule, BirthIsThePublicationDateElseTheDiscovery) {
  std::int64_t now = 1795600000;  // 2026-11-24
  EXPECT_EQ(ArticleBirth("2026-11-20", "2026-11-23T10:00:00Z", now), 1795132800);
  EXPECT_EQ(ArticleBirth("2026-11-20T09:30:00+04:00", "", now), 1795132800);
  EXPECT_EQ(ArticleBirth("", "2026-11-23T10:00:00Z", now), 1795428000);
  EXPECT_EQ(ArticleBirth("2099-01-01", "2026-11-23T10:00:00Z", now), 1795428000);
  EXPECT_EQ(ArticleBirth("garbage", "", now), -1);
}

// A year of hourly runs over a site with 20,000 releases published over
// the five years before the first crawl, plus ten new ones a day.
TEST(RevisitSchedule, AYearOfHourlyRunsKeepsEveryBoundOnA20000ReleaseSite) {
  RevisitPolicy p;  // 24 h, 30 days, 2000 per run
  const std::int64_t t0 = 1700000000;
  struct Article {
    std::string url;
    std::int64_t born = 0;
    std::int64_t first_fetch = 0;
    std::int64_t fetched = 0;
    bool revalidated = false;
  };
  std::vector<Article> site;
  for (int i = 0; i < 20000; ++i) {
    site.push_back({"https://mfa.test/news/" + std::to_string(i),
                    t0 - 5 * 365 * kDay + i * (5 * 365 * kDay / 20000), t0, t0, false});
  }
  std::int64_t max_gap = 0;
  std::int64_t max_first = 0;
  std::size_t max_run = 0;
  std::vector<RevisitCandidate> candidates;
  std::vector<std::size_t> index;
  for (std::int64_t now = t0 + kHour; now <= t0 + 365 * kDay; now += kHour) {
    if (now % (kDay / 10) < kHour) {  // a new release every 2.4 hours, found on the next run
      site.push_back({"https://mfa.test/new/" + std::to_string(now), now - kHour, now, now, false});
    }
    candidates.clear();
    index.clear();
    for (std::size_t i = 0; i < site.size(); ++i) {
      if (site[i].fetched > now - p.min_interval_s) continue;  // the catalogue's filter
      candidates.push_back({site[i].fetched, site[i].born, site[i].url});
      index.push_back(i);
    }
    std::vector<std::size_t> due = DueRevisits(p, candidates, now);
    max_run = std::max(max_run, due.size());
    for (std::size_t d : due) {
      Article& a = site[index[d]];
      max_gap = std::max(max_gap, now - a.fetched);
      if (!a.revalidated && a.first_fetch > t0) max_first = std::max(max_first, now - a.born);
      a.fetched = now;
      a.revalidated = true;
    }
  }
  for (const Article& a : site) {
    EXPECT_LE(t0 + 365 * kDay - a.fetched, 30 * kDay) << a.url;  // none left overdue at the end
  }
  RecordProperty("max_gap_hours", static_cast<int>(max_gap / kHour));
  RecordProperty("max_revisits_in_a_run", static_cast<int>(max_run));
  RecordProperty("max_hours_to_first_revalidation", static_cast<int>(max_first / kHour));
  EXPECT_LE(max_gap, 30 * kDay);
  EXPECT_LE(max_run, p.max_per_run);
  // Published, found on the next hourly run, revalidated 24 h after that.
  EXPECT_LE(max_first, 24 * kHour + 2 * kHour);
}

TEST(RevisitSchedule, OldRevisitMaxAgeDaysKeyIsReadAsTheMaxIntervalWithAWarning) {
  ::testing::internal::CaptureStderr();
  auto c = ParseConfig("[crawler]\nrevisit_max_age_days = 14\n", "old.toml");
  std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->crawler.revisit_max_interval_days, 14);
  EXPECT_NE(err.find("old.toml:2: crawler.revisit_max_age_days is deprecated"), std::string::npos)
      << err;
  ::testing::internal::CaptureStderr();
  c = ParseConfig("[crawler]\nrevisit_max_age_days = 14\nrevisit_max_interval_days = 20\n", "b");
  err = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->crawler.revisit_max_interval_days, 20);  // the new key wins
  EXPECT_NE(err.find("deprecated"), std::string::npos);
  ::testing::internal::CaptureStderr();
  c = ParseConfig("[crawler]\nrevisit_max_interval_days = 20\nmax_revisits_per_run = 5\n", "c");
  err = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->crawler.max_revisits_per_run, 5);
  EXPECT_EQ(err.find("deprecated"), std::string::npos);
  EXPECT_FALSE(ParseConfig("[crawler]\nrevisit_max_interval_days = 0\n", "d").ok());
}

}  // namespace
}  // namespace pressarc::internal
