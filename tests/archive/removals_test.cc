// The catalogue's removal record (archive.h: RecordMissing, RecordPresent,
// Removed, RemovedArticles, RemovalEvents).
#include <gtest/gtest.h>

#include "archive/archive.h"
#include "tests/test_util.h"

namespace pressarc::testing {
namespace {

std::unique_ptr<Catalogue> Open(const TempDir& dir) {
  auto c = Catalogue::Open(dir.path() + "/state.sqlite");
  EXPECT_TRUE(c.ok());
  return c.ok() ? std::move(c.value()) : nullptr;
}

TEST(Removals, SecondMissAnHourOrMoreAfterTheFirstRemoves) {
  TempDir dir;
  auto c = Open(dir);
  ASSERT_TRUE(c);
  const std::string u = "https://mfa.test/news/1";
  struct Step {
    const char* at;
    bool missing;
    bool changed;  // removed (for a miss) or restored (for an answer)
  };
  const Step steps[] = {
      {"2026-11-24T10:00:00Z", true, false},   // first miss
      {"2026-11-24T10:59:59Z", true, false},   // too soon
      {"2026-11-24T11:00:00Z", true, true},    // an hour after the first: removed
      {"2026-11-25T11:00:00Z", true, false},   // removed already
      {"2026-11-26T11:00:00Z", false, true},   // answers: restored
      {"2026-11-26T12:00:00Z", false, false},  // answers again: nothing to say
      {"2026-11-27T11:00:00Z", true, false},   // a new first miss
      {"2026-11-27T11:30:00Z", false, false},  // answers: the miss is forgotten
      {"2026-11-27T13:00:00Z", true, false},   // first miss again
      {"2026-11-27T14:00:00Z", true, true},    // removed again
  };
  for (const Step& s : steps) {
    auto r = s.missing ? c->RecordMissing(u, "mfa", s.at) : c->RecordPresent(u, "mfa", s.at);
    ASSERT_TRUE(r.ok()) << s.at;
    EXPECT_EQ(*r, s.changed) << s.at;
  }
  auto removed = c->Removed(u);
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(removed->removed_at, "2026-11-27T14:00:00Z");
  EXPECT_EQ(removed->restored_at, "2026-11-26T11:00:00Z");
  EXPECT_EQ(removed->source, "mfa");
  ASSERT_EQ(c->RemovedArticles().size(), 1u);
  std::vector<RemovalEvent> all = c->RemovalEvents("");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].kind, "removed");
  EXPECT_EQ(all[0].at, "2026-11-24T11:00:00Z");
  EXPECT_EQ(all[1].kind, "restored");
  EXPECT_EQ(all[2].kind, "removed");
  EXPECT_EQ(c->RemovalEvents("2026-11-26").size(), 2u);
  EXPECT_EQ(c->RemovalEvents("2026-11-28").size(), 0u);
}

TEST(Removals, AnAnswerWithNoMissWritesNothingAndAnUnknownUrlIsNotRemoved) {
  TempDir dir;
  auto c = Open(dir);
  ASSERT_TRUE(c);
  auto r = c->RecordPresent("https://mfa.test/a", "mfa", "2026-11-24T10:00:00Z");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_FALSE(c->Removed("https://mfa.test/a").has_value());
  EXPECT_TRUE(c->RemovedArticles().empty());
  EXPECT_TRUE(c->RemovalEvents("").empty());
}

}  // namespace
}  // namespace pressarc::testing
