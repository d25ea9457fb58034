// The catalogue (DATA/state.sqlite): frontier, fetch history, robots cache, runs.
#include <gtest/gtest.h>

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
