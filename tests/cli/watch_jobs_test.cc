// The end-of-job hook (cli/watch_jobs.h): the summary's "watches" field, the
// metrics, and a data directory without watches left untouched.
#include "cli/watch_jobs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

namespace pressarc::cli {
namespace {

TEST(WatchJobs, SummaryJsonGainsWatchesKeepingItsFields) {
  WatchJobSummary w;
  w.ran = true;
  w.counts = {{"b", 0}, {"a", 2}};
  auto j = nlohmann::json::parse(WithWatches(R"({"fetched":3,"new":1})", w));
  EXPECT_EQ(j["fetched"], 3);
  EXPECT_EQ(j["watches"], nlohmann::json({{"a", 2}, {"b", 0}}));
  // No watches: an empty object, so scripts can always read the field.
  EXPECT_EQ(nlohmann::json::parse(WithWatches("{}", WatchJobSummary{}))["watches"],
            nlohmann::json::object());
  EXPECT_EQ(WithWatches("not json", w), "not json");
}

TEST(WatchJobs, MetricsPerWatchAndAlertResults) {
  EXPECT_EQ(WatchMetrics(WatchJobSummary{}), "");
  WatchJobSummary w;
  w.ran = true;
  w.counts = {{"lavrov", 3}};
  w.alerts_sent = 1;
  w.alerts_failed = 2;
  const std::string text = WatchMetrics(w);
  EXPECT_NE(text.find("# TYPE pressarc_watch_new_matches gauge\n"), std::string::npos);
  EXPECT_NE(text.find("pressarc_watch_new_matches{watch=\"lavrov\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("pressarc_watch_alerts{result=\"failure\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("pressarc_watch_alerts{result=\"success\"} 1\n"), std::string::npos);
}

TEST(WatchJobs, DataDirectoryWithoutWatchesGetsOnlyTheChangesFeed) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("pressarc-watch-jobs-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  WatchJobSummary s = RunWatchesAfterJob(Config{}, dir.string());
  EXPECT_FALSE(s.ran);
  EXPECT_TRUE(s.counts.empty());
  EXPECT_FALSE(std::filesystem::exists(dir / "watches.sqlite"));
  std::vector<std::string> feeds;
  for (const auto& f : std::filesystem::directory_iterator(dir / "feeds")) {
    feeds.push_back(f.path().filename().string());
  }
  EXPECT_EQ(feeds, std::vector<std::string>{"changes.atom"});
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pressarc::cli
