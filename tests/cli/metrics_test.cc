// Tests of the Prometheus metrics file (cli/metrics.h), with a small strict
// validator of the text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
#include "cli/metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace pressarc::cli {
namespace {

namespace fs = std::filesystem;

struct ParsedSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family → counter|gauge|...
  std::map<std::string, std::string> helps;
  std::vector<ParsedSample> samples;
  std::vector<std::string> errors;

  // Value of the series `name` with exactly `labels`; NaN when absent.
  double Get(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nan("");
  }
};

bool ValidName(const std::string& n, bool label) {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (!label && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// A strict validator: every line is a HELP, TYPE, comment or sample line;
// TYPE comes once per family, before its samples; a family's samples are
// contiguous; label values are properly escaped; no series is repeated;
// counters are non-negative; the file ends with a newline.
Exposition Validate(const std::string& text) {
  Exposition e;
  if (!text.empty() && text.back() != '\n') e.errors.push_back("no final newline");
  std::istringstream in(text);
  std::string line;
  std::string current_family;
  std::set<std::string> closed_families;
  std::set<std::string> series;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string where = "line " + std::to_string(n) + ": ";
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream ls(line);
      std::string hash, word, name;
      ls >> hash >> word >> name;
      if (word != "HELP" && word != "TYPE") continue;  // plain comment
      if (!ValidName(name, false)) e.errors.push_back(where + "bad metric name " + name);
      std::string rest;
      std::getline(ls, rest);
      if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
      if (word == "TYPE") {
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                     "untyped"};
        if (!kTypes.count(rest)) e.errors.push_back(where + "bad type " + rest);
        if (e.types.count(name)) e.errors.push_back(where + "second TYPE for " + name);
        e.types[name] = rest;
      } else {
        if (e.helps.count(name)) e.errors.push_back(where + "second HELP for " + name);
        for (std::size_t i = 0; i < rest.size(); ++i) {
          if (rest[i] == '\\' &&
              (i + 1 >= rest.size() || (rest[i + 1] != '\\' && rest[i + 1] != 'n'))) {
            e.errors.push_back(where + "bad escape in HELP");
          }
          if (rest[i] == '\\') ++i;
        }
        e.helps[name] = rest;
      }
      if (name != current_family) {
        if (closed_families.count(name)) e.errors.push_back(where + "family split: " + name);
        if (!current_family.empty()) closed_families.insert(current_family);
        current_family = name;
      }
      continue;
    }
    ParsedSample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (!ValidName(s.name, false)) e.errors.push_back(where + "bad sample name " + s.name);
    std::string labels_text;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (true) {
        if (i >= line.size()) {
          e.errors.push_back(where + "unterminated labels");
          break;
        }
        if (line[i] == '}') {
          ++i;
          break;
        }
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
          e.errors.push_back(where + "bad label");
          break;
        }
        std::string key = line.substr(i, eq - i);
        if (!ValidName(key, true)) e.errors.push_back(where + "bad label name " + key);
        i = eq + 2;
        std::string value;
        bool closed = false;
        while (i < line.size()) {
          char c = line[i++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            if (i >= line.size()) break;
            char x = line[i++];
            if (x == 'n') {
              value += '\n';
            } else if (x == '\\' || x == '"') {
              value += x;
            } else {
              e.errors.push_back(where + "bad escape in label value");
            }
          } else {
            value += c;
          }
        }
        if (!closed) {
          e.errors.push_back(where + "unterminated label value");
          break;
        }
        if (s.labels.count(key)) e.errors.push_back(where + "repeated label " + key);
        s.labels[key] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      labels_text = line.substr(0, i);
    }
    if (i >= line.size() || line[i] != ' ') {
      e.errors.push_back(where + "no value");
      continue;
    }
    std::string value = line.substr(i + 1);
    char* end = nullptr;
    s.value = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0') e.errors.push_back(where + "bad value " + value);
    std::string family = s.name;
    if (family != current_family) e.errors.push_back(where + "sample outside its family");
    if (!e.types.count(family)) e.errors.push_back(where + "no TYPE for " + family);
    if (e.types[family] == "counter" && s.value < 0) e.errors.push_back(where + "negative counter");
    std::string id = s.name + "|";
    for (const auto& [k, v] : s.labels) id += k + "=" + v + "\x1f";
    if (!series.insert(id).second) e.errors.push_back(where + "repeated series");
    e.samples.push_back(std::move(s));
  }
  for (const auto& [name, type] : e.types) {
    if (!e.helps.count(name)) e.errors.push_back("no HELP for " + name);
  }
  return e;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

CrawlSummary TwoSourceSummary() {
  CrawlSummary s;
  s.per_source["mfa"].fetched = 10;
  s.per_source["mfa"].new_articles = 4;
  s.per_source["mfa"].failed = 1;
  s.per_source["mfa"].robots_denied = 2;
  s.per_source["mfa"].indexed = 4;
  s.per_source["mid"].fetched = 5;
  s.per_source["mid"].unchanged = 3;
  s.per_source["mid"].out_of_scope = 7;
  s.per_source["mid"].updated = 1;
  s.per_source["mid"].indexed = 1;
  s.per_source["mid"].removed = 2;
  s.per_source["mfa"].restored = 1;
  s.total.fetched = 15;
  s.total.new_articles = 4;
  s.total.updated = 1;
  s.total.unchanged = 3;
  s.total.failed = 1;
  s.total.robots_denied = 2;
  s.total.out_of_scope = 7;
  s.total.indexed = 5;
  s.total.removed = 2;
  s.total.restored = 1;
  s.total.bytes = 123456;
  s.seconds = 12.5;
  return s;
}

TEST(MetricsFormat, IsValidPrometheusTextWithHelpAndTypeForEveryFamily) {
  std::string text = FormatMetrics(TwoSourceSummary(), true, 1700000000.25, "");
  Exposition e = Validate(text);
  EXPECT_TRUE(e.errors.empty()) << Join(e.errors) << text;
  EXPECT_EQ(e.types["pressarc_crawl_pages_fetched_total"], "counter");
  EXPECT_EQ(e.types["pressarc_crawl_success"], "gauge");
  EXPECT_EQ(e.types["pressarc_crawl_duration_seconds"], "gauge");
  EXPECT_EQ(e.types["pressarc_crawl_last_success_timestamp_seconds"], "gauge");
  EXPECT_EQ(e.types["pressarc_crawl_last_run_timestamp_seconds"], "gauge");
}

TEST(MetricsFormat, HasEveryCounterPerSourceAndInTotal) {
  Exposition e = Validate(FormatMetrics(TwoSourceSummary(), true, 1700000000, ""));
  struct Case {
    const char* metric;
    double mfa, mid, total;
  };
  const Case cases[] = {
      {"pressarc_crawl_pages_fetched_total", 10, 5, 15},
      {"pressarc_crawl_pages_new_total", 4, 0, 4},
      {"pressarc_crawl_pages_updated_total", 0, 1, 1},
      {"pressarc_crawl_pages_unchanged_total", 0, 3, 3},
      {"pressarc_crawl_pages_failed_total", 1, 0, 1},
      {"pressarc_crawl_pages_robots_denied_total", 2, 0, 2},
      {"pressarc_crawl_pages_out_of_scope_total", 0, 7, 7},
      {"pressarc_crawl_pages_indexed_total", 4, 1, 5},
      {"pressarc_crawl_pages_removed_total", 0, 2, 2},
      {"pressarc_crawl_pages_restored_total", 1, 0, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.metric);
    EXPECT_EQ(e.Get(c.metric, {{"source", "mfa"}}), c.mfa);
    EXPECT_EQ(e.Get(c.metric, {{"source", "mid"}}), c.mid);
    EXPECT_EQ(e.Get(c.metric), c.total);
  }
  EXPECT_EQ(e.Get("pressarc_crawl_bytes_total"), 123456);
  EXPECT_EQ(e.Get("pressarc_crawl_last_run_pages", {{"kind", "fetched"}}), 15);
  EXPECT_EQ(e.Get("pressarc_crawl_last_run_pages", {{"kind", "new"}, {"source", "mfa"}}), 4);
  EXPECT_EQ(e.Get("pressarc_crawl_last_run_pages", {{"kind", "removed"}, {"source", "mid"}}), 2);
}

TEST(MetricsFormat, SuccessSetsBothTimestampsAndDuration) {
  Exposition e = Validate(FormatMetrics(TwoSourceSummary(), true, 1700000000.5, ""));
  EXPECT_EQ(e.Get("pressarc_crawl_success"), 1);
  EXPECT_EQ(e.Get("pressarc_crawl_duration_seconds"), 12.5);
  EXPECT_EQ(e.Get("pressarc_crawl_last_run_timestamp_seconds"), 1700000000.5);
  EXPECT_EQ(e.Get("pressarc_crawl_last_success_timestamp_seconds"), 1700000000.5);
  EXPECT_EQ(e.Get("pressarc_crawl_runs_total", {{"result", "success"}}), 1);
  EXPECT_EQ(e.Get("pressarc_crawl_runs_total", {{"result", "failure"}}), 0);
}

TEST(MetricsFormat, FailedRunKeepsPreviousLastSuccessTime) {
  std::string first = FormatMetrics(TwoSourceSummary(), true, 1000, "");
  Exposition e = Validate(FormatMetrics(CrawlSummary{}, false, 5000, first));
  EXPECT_TRUE(e.errors.empty()) << Join(e.errors);
  EXPECT_EQ(e.Get("pressarc_crawl_success"), 0);
  EXPECT_EQ(e.Get("pressarc_crawl_last_run_timestamp_seconds"), 5000);
  EXPECT_EQ(e.Get("pressarc_crawl_last_success_timestamp_seconds"), 1000);
  EXPECT_EQ(e.Get("pressarc_crawl_runs_total", {{"result", "failure"}}), 1);
  EXPECT_EQ(e.Get("pressarc_crawl_runs_total", {{"result", "success"}}), 1);
}

TEST(MetricsFormat, FailedFirstRunReportsNeverSucceededAsZero) {
  Exposition e = Validate(FormatMetrics(CrawlSummary{}, false, 5000, ""));
  EXPECT_TRUE(e.errors.empty()) << Join(e.errors);
  EXPECT_EQ(e.Get("pressarc_crawl_last_success_timestamp_seconds"), 0);
}

TEST(MetricsFormat, CountersAccumulateOverRunsAndKeepSourcesNotCrawledThisTime) {
  std::string first = FormatMetrics(TwoSourceSummary(), true, 1000, "");
  CrawlSummary only_mid;
  only_mid.per_source["mid"].fetched = 2;
  only_mid.total.fetched = 2;
  Exposition e = Validate(FormatMetrics(only_mid, true, 2000, first));
  EXPECT_TRUE(e.errors.empty()) << Join(e.errors);
  EXPECT_EQ(e.Get("pressarc_crawl_pages_fetched_total"), 17);
  EXPECT_EQ(e.Get("pressarc_crawl_pages_fetched_total", {{"source", "mid"}}), 7);
  EXPECT_EQ(e.Get("pressarc_crawl_pages_fetched_total", {{"source", "mfa"}}), 10);
  // The per-run gauge shows this run only.
  EXPECT_EQ(e.Get("pressarc_crawl_last_run_pages", {{"kind", "fetched"}}), 2);
  EXPECT_TRUE(
      std::isnan(e.Get("pressarc_crawl_last_run_pages", {{"kind", "fetched"}, {"source", "mfa"}})));
}

TEST(MetricsFormat, LabelValuesAreEscaped) {
  CrawlSummary s;
  const std::string odd = "we\"ird\\so\nurce";
  s.per_source[odd].fetched = 3;
  s.total.fetched = 3;
  std::string text = FormatMetrics(s, true, 1, "");
  Exposition e = Validate(text);
  EXPECT_TRUE(e.errors.empty()) << Join(e.errors) << text;
  EXPECT_EQ(e.Get("pressarc_crawl_pages_fetched_total", {{"source", odd}}), 3);
  EXPECT_NE(text.find(R"(source="we\"ird\\so\nurce")"), std::string::npos) << text;
  // Read back as the previous file, the odd source keeps its counter.
  Exposition again = Validate(FormatMetrics(s, true, 2, text));
  EXPECT_EQ(again.Get("pressarc_crawl_pages_fetched_total", {{"source", odd}}), 6);
}

TEST(MetricsFormat, GarbagePreviousFileIsIgnored) {
  const std::string cases[] = {
      "not metrics at all\n\x01\x02",
      "pressarc_crawl_pages_fetched_total NaN\n",
      "pressarc_crawl_pages_fetched_total -5\n",
      "pressarc_crawl_pages_fetched_total{source=\"mfa 1\n",
      "pressarc_crawl_pages_fetched_total{source=\"mfa\\",
      "pressarc_crawl_last_success_timestamp_seconds inf\n",
      std::string(100000, '{'),
  };
  for (const std::string& prev : cases) {
    SCOPED_TRACE(prev.substr(0, 60));
    Exposition e = Validate(FormatMetrics(TwoSourceSummary(), false, 10, prev));
    EXPECT_TRUE(e.errors.empty()) << Join(e.errors);
    EXPECT_EQ(e.Get("pressarc_crawl_pages_fetched_total"), 15);
    EXPECT_EQ(e.Get("pressarc_crawl_last_success_timestamp_seconds"), 0);
  }
}

TEST(MetricsFormat, ValidatorRejectsBrokenExpositions) {
  // The validator itself must be able to fail.
  const std::string bad[] = {
      "foo 1\n",                                             // no TYPE
      "# HELP foo x\n# TYPE foo counter\nfoo -1\n",          // negative counter
      "# HELP foo x\n# TYPE foo gauge\nfoo{a=\"b} 1\n",      // unterminated label
      "# HELP foo x\n# TYPE foo gauge\nfoo{a=\"\\x\"} 1\n",  // bad escape
      "# HELP foo x\n# TYPE foo gauge\nfoo 1\nfoo 2\n",      // repeated series
      "# HELP foo x\n# TYPE foo gauge\nfoo one\n",           // bad value
      "# HELP foo x\n# TYPE foo gauge\nfoo 1",               // no final newline
      "# TYPE foo gauge\nfoo 1\n",                           // no HELP
  };
  for (const std::string& text : bad) {
    EXPECT_FALSE(Validate(text).errors.empty()) << text;
  }
}

class MetricsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pressarc-metrics-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }
  static std::string Read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  fs::path dir_;
};

TEST_F(MetricsFileTest, WritesFileAndLeavesNoTemporary) {
  fs::path path = dir_ / "pressarc.prom";
  ASSERT_TRUE(WriteMetricsFile(path.string(), TwoSourceSummary(), true, 1000).ok());
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  Exposition e = Validate(Read(path));
  EXPECT_TRUE(e.errors.empty()) << Join(e.errors);
  EXPECT_EQ(e.Get("pressarc_crawl_pages_fetched_total", {{"source", "mfa"}}), 10);
}

TEST_F(MetricsFileTest, SecondWriteReadsTheFirstBack) {
  fs::path path = dir_ / "pressarc.prom";
  ASSERT_TRUE(WriteMetricsFile(path.string(), TwoSourceSummary(), true, 1000).ok());
  ASSERT_TRUE(WriteMetricsFile(path.string(), CrawlSummary{}, false, 2000).ok());
  Exposition e = Validate(Read(path));
  EXPECT_EQ(e.Get("pressarc_crawl_last_success_timestamp_seconds"), 1000);
  EXPECT_EQ(e.Get("pressarc_crawl_last_run_timestamp_seconds"), 2000);
  EXPECT_EQ(e.Get("pressarc_crawl_pages_fetched_total"), 15);
}

TEST_F(MetricsFileTest, DefaultClockIsNow) {
  fs::path path = dir_ / "now.prom";
  double before = static_cast<double>(std::time(nullptr));
  ASSERT_TRUE(WriteMetricsFile(path.string(), TwoSourceSummary(), true).ok());
  Exposition e = Validate(Read(path));
  double t = e.Get("pressarc_crawl_last_run_timestamp_seconds");
  EXPECT_GE(t, before - 1);
  EXPECT_LE(t, before + 60);
}

TEST_F(MetricsFileTest, MissingFolderIsAnErrorNamingThePath) {
  fs::path path = dir_ / "no-such-dir" / "x.prom";
  Status s = WriteMetricsFile(path.string(), TwoSourceSummary(), true, 1);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no-such-dir"), std::string::npos) << s.message();
}

TEST_F(MetricsFileTest, EmptyPathIsAUsageError) {
  Status s = WriteMetricsFile("", TwoSourceSummary(), true, 1);
  EXPECT_EQ(s.code(), Status::Code::kUsage);
}

}  // namespace
}  // namespace pressarc::cli
