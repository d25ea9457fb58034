// The catalogue (DATA/state.sqlite): frontier, fetch history, robots cache, runs.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "archive/archive.h"
#include "tests/test_util.h"

namespace pressarc::testing {
namespace {

TEST(Catalogue, FrontierRowsKeepTheirLastResponseForConditionalRequests) {
  TempDir dir;
  auto state = Catalogue::Open(dir.path() + "/state.sqlite");
  ASSERT_TRUE(state.ok()) << state.status().message();
  Catalogue& s = **state;
  ASSERT_TRUE(s.Begin().ok());
  ASSERT_TRUE(s.Enqueue("http://a.test/x", "a", 2, "article", "2026-11-26T10:00:00Z").ok());
  PageState p;
  ASSERT_TRUE(s.Lookup("http://a.test/x", &p));
  EXPECT_EQ(p.status, "queued");
  EXPECT_EQ(p.depth, 2);
  EXPECT_EQ(p.response_id, 0);
  FetchRow row;
  row.url = "http://a.test/x";
  row.source = "a";
  row.status = 200;
  row.etag = "\"e1\"";
  row.last_modified = "Tue, 24 Nov 2026 17:48:20 GMT";
  row.payload_digest = "sha1:AAAA";
  row.warc_file = "pressarc-1.warc.gz";
  row.warc_offset = 1234;
  row.fetched_at = "2026-11-26T10:00:01Z";
  row.published = "2026-11-20";
  row.page_kind = "article";
  auto id = s.RecordFetch(row, "done", true, "2026-11-27T10:00:01Z");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(s.Commit().ok());
  ASSERT_TRUE(s.Lookup("http://a.test/x", &p));
  EXPECT_EQ(p.status, "done");
  EXPECT_EQ(p.etag, "\"e1\"");
  EXPECT_EQ(p.warc_offset, 1234u);
  EXPECT_EQ(p.response_id, *id);
  // A failure later does not lose the stored response.
  FetchRow fail = row;
  fail.status = 500;
  fail.error = "HTTP 500";
  ASSERT_TRUE(s.Begin().ok());
  ASSERT_TRUE(s.RecordFetch(fail, "failed", false, "").ok());
  ASSERT_TRUE(s.Commit().ok());
  ASSERT_TRUE(s.Lookup("http://a.test/x", &p));
  EXPECT_EQ(p.status, "failed");
  EXPECT_EQ(p.etag, "\"e1\"");
  EXPECT_EQ(s.Pending("a").size(), 1u);
  EXPECT_EQ(s.Unindexed().size(), 1u);
  ASSERT_TRUE(s.Begin().ok());
  ASSERT_TRUE(s.MarkIndexed({*id}).ok());
  ASSERT_TRUE(s.Commit().ok());
  EXPECT_TRUE(s.Unindexed().empty());
}

TEST(Catalogue, DueRevisitsHonourFetchTimeAndPublicationAge) {
  TempDir dir;
  auto state = Catalogue::Open(dir.path() + "/state.sqlite");
  ASSERT_TRUE(state.ok());
  Catalogue& s = **state;
  ASSERT_TRUE(s.Begin().ok());
  struct Row {
    const char* url;
    const char* fetched;
    const char* published;
  } rows[] = {{"http://a.test/old", "2026-11-20T00:00:00Z", "2020-01-01"},
              {"http://a.test/recent", "2026-11-20T00:00:00Z", "2026-11-19T10:00:00+04:00"},
              {"http://a.test/fresh", "2026-11-26T00:00:00Z", "2026-11-25"},
              {"http://a.test/undated", "2026-11-20T00:00:00Z", ""}};
  for (const auto& r : rows) {
    ASSERT_TRUE(s.Enqueue(r.url, "a", 1, "article", r.fetched).ok());
    FetchRow f;
    f.url = r.url;
    f.source = "a";
    f.status = 200;
    f.fetched_at = r.fetched;
    f.published = r.published;
    f.page_kind = "article";
    ASSERT_TRUE(s.RecordFetch(f, "done", true, "").ok());
  }
  ASSERT_TRUE(s.Commit().ok());
  auto due = s.DueRevisits("a", "2026-11-25T00:00:00Z", "2026-10-26");
  std::set<std::string> urls;
  for (const auto& p : due) urls.insert(p.url);
  EXPECT_EQ(urls, (std::set<std::string>{"http://a.test/recent", "http://a.test/undated"}));
  EXPECT_EQ(s.DueRevisits("a", "2026-11-27T00:00:00Z", "").size(), 4u);
}

TEST(Catalogue, RevisitIndexGivesUnscheduledThenDueArticlesLongestOverdueFirst) {
  TempDir dir;
  auto state = Catalogue::Open(dir.path() + "/state.sqlite");
  ASSERT_TRUE(state.ok());
  Catalogue& s = **state;
  ASSERT_TRUE(s.Begin().ok());
  auto add = [&](const std::string& url, const std::string& source, const std::string& kind,
                 const std::string& outcome) {
    ASSERT_TRUE(s.Enqueue(url, source, 1, kind, "2026-11-01T00:00:00Z").ok());
    if (outcome.empty()) return;  // stays queued
    FetchRow f;
    f.url = url;
    f.source = source;
    f.status = 200;
    f.fetched_at = "2026-11-20T00:00:00Z";
    f.page_kind = kind;
    ASSERT_TRUE(s.RecordFetch(f, outcome, true, "").ok());
  };
  for (const char* u : {"http://a.test/1", "http://a.test/2", "http://a.test/3", "http://a.test/4"})
    add(u, "a", "article", "done");
  add("http://a.test/queued", "a", "article", "");
  add("http://a.test/failed", "a", "article", "failed");
  add("http://a.test/list", "a", "listing", "done");
  add("http://b.test/1", "b", "article", "done");
  ASSERT_TRUE(s.Commit().ok());

  EXPECT_EQ(s.UnscheduledArticles("a", 3).size(), 3u);
  ASSERT_EQ(s.UnscheduledArticles("a", 100).size(), 4u);  // archived articles of a only
  ASSERT_TRUE(s.Begin().ok());
  const std::pair<const char*, const char*> due[] = {{"http://a.test/1", "2026-11-23T00:00:00Z"},
                                                     {"http://a.test/2", "2026-11-21T00:00:00Z"},
                                                     {"http://a.test/3", "2026-11-29T00:00:00Z"},
                                                     {"http://a.test/4", "2026-11-22T00:00:00Z"},
                                                     {"http://b.test/1", "2026-11-21T00:00:00Z"}};
  for (const auto& [url, at] : due) ASSERT_TRUE(s.SetRevisitAt(url, at).ok());
  ASSERT_TRUE(s.Commit().ok());
  EXPECT_TRUE(s.UnscheduledArticles("a", 100).empty());

  auto urls = [](const std::vector<ArticleVisit>& visits) {
    std::vector<std::string> out;
    for (const auto& v : visits) out.push_back(v.url);
    return out;
  };
  EXPECT_EQ(urls(s.DueArticles("a", "2026-11-25T00:00:00Z", 0)),
            (std::vector<std::string>{"http://a.test/2", "http://a.test/4", "http://a.test/1"}));
  EXPECT_EQ(urls(s.DueArticles("a", "2026-11-25T00:00:00Z", 2)),
            (std::vector<std::string>{"http://a.test/2", "http://a.test/4"}));
  EXPECT_EQ(urls(s.DueArticles("a", "2026-11-20T00:00:00Z", 0)), std::vector<std::string>{});
  auto visits = s.DueArticles("b", "2026-11-25T00:00:00Z", 0);
  ASSERT_EQ(visits.size(), 1u);
  EXPECT_EQ(visits[0].fetched_at, "2026-11-20T00:00:00Z");
  EXPECT_EQ(visits[0].discovered_at, "2026-11-01T00:00:00Z");

  // A fetch recorded without a due time (the crawler records them so) is
  // unscheduled again; UnscheduleArticles (changed rules) does it for all.
  ASSERT_TRUE(s.Begin().ok());
  FetchRow again;
  again.url = "http://a.test/2";
  again.source = "a";
  again.status = 304;
  again.fetched_at = "2026-11-25T00:00:00Z";
  ASSERT_TRUE(s.RecordFetch(again, "done", false, "").ok());
  ASSERT_TRUE(s.Commit().ok());
  EXPECT_EQ(urls(s.UnscheduledArticles("a", 100)), std::vector<std::string>{"http://a.test/2"});
  ASSERT_TRUE(s.UnscheduleArticles().ok());
  EXPECT_EQ(s.UnscheduledArticles("a", 100).size(), 4u);
  EXPECT_TRUE(s.DueArticles("a", "2026-12-31T00:00:00Z", 0).empty());
}

TEST(Catalogue, MetaValuesAreEmptyUntilSetAndThenReplaced) {
  TempDir dir;
  auto state = Catalogue::Open(dir.path() + "/state.sqlite");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ((*state)->Meta("revisit_rules"), "");
  ASSERT_TRUE((*state)->SetMeta("revisit_rules", "1 86400 2592000").ok());
  ASSERT_TRUE((*state)->SetMeta("revisit_rules", "1 3600 2592000").ok());
  EXPECT_EQ((*state)->Meta("revisit_rules"), "1 3600 2592000");
}

TEST(Catalogue, RobotsCacheExpiresAndRunsSurviveAKill) {
  TempDir dir;
  std::string path = dir.path() + "/state.sqlite";
  {
    auto state = Catalogue::Open(path);
    ASSERT_TRUE(state.ok());
    ASSERT_TRUE(
        (*state)->SaveRobots("http://a.test", 200, "User-agent: *\n", "2026-11-26T10:00:00Z").ok());
    auto run = (*state)->StartRun("2026-11-26T10:00:00Z");
    ASSERT_TRUE(run.ok());
    // no FinishRun: as if killed
  }
  auto state = Catalogue::Open(path);
  ASSERT_TRUE(state.ok());
  int status = 0;
  std::string body;
  EXPECT_TRUE((*state)->LoadRobots("http://a.test", "2026-11-25T10:00:00Z", &status, &body));
  EXPECT_EQ(status, 200);
  EXPECT_FALSE((*state)->LoadRobots("http://a.test", "2026-11-26T11:00:00Z", &status, &body));
  ASSERT_TRUE((*state)->MarkInterruptedRuns().ok());
}

TEST(Catalogue, UnwritableDatabaseIsAClearError) {
  auto state = Catalogue::Open("/nonexistent-dir/sub/state.sqlite");
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.status().message().find("state database"), std::string::npos);
}

}  // namespace
}  // namespace pressarc::testing
