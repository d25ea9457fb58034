#include "cli/metrics.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

namespace pressarc::cli {
namespace {

// One counter family per CrawlCounters field.
struct CounterFamily {
  const char* name;
  const char* help;
  std::int64_t CrawlCounters::*field;
  const char* kind;  // the `kind` label of pressarc_crawl_last_run_pages
};

constexpr CounterFamily kCounters[] = {
    {"pressarc_crawl_pages_fetched_total", "HTTP responses received (any status, 304 included).",
     &CrawlCounters::fetched, "fetched"},
    {"pressarc_crawl_pages_new_total", "Articles archived for the first time.",
     &CrawlCounters::new_articles, "new"},
    {"pressarc_crawl_pages_updated_total", "Articles whose content changed.",
     &CrawlCounters::updated, "updated"},
    {"pressarc_crawl_pages_unchanged_total", "Articles revalidated unchanged.",
     &CrawlCounters::unchanged, "unchanged"},
    {"pressarc_crawl_pages_removed_total",
     "Archived articles found removed (gone on two visits an hour or more apart).",
     &CrawlCounters::removed, "removed"},
    {"pressarc_crawl_pages_restored_total", "Removed articles that answered again.",
     &CrawlCounters::restored, "restored"},
    {"pressarc_crawl_pages_failed_total",
     "URLs that failed after retries (errors, challenge pages).", &CrawlCounters::failed, "failed"},
    {"pressarc_crawl_pages_robots_denied_total", "URLs skipped because robots.txt disallows them.",
     &CrawlCounters::robots_denied, "robots_denied"},
    {"pressarc_crawl_pages_out_of_scope_total", "URLs skipped by the source's scope rules.",
     &CrawlCounters::out_of_scope, "out_of_scope"},
    {"pressarc_crawl_pages_indexed_total", "Documents added to or replaced in the index.",
     &CrawlCounters::indexed, "indexed"},
    {"pressarc_crawl_bytes_total", "Response body bytes received.", &CrawlCounters::bytes, "bytes"},
};

constexpr char kLastSuccess[] = "pressarc_crawl_last_success_timestamp_seconds";
constexpr char kRuns[] = "pressarc_crawl_runs_total";

// A sample line of the text format: name{label="value",...} value [timestamp].
struct Sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

bool IsNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}

// Parses one sample line; false for comments, blank lines and anything malformed.
bool ParseSampleLine(std::string_view line, Sample* out) {
  std::size_t i = 0;
  while (i < line.size() && IsNameChar(line[i], i == 0)) ++i;
  if (i == 0) return false;
  out->name.assign(line.substr(0, i));
  out->labels.clear();
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      while (i < line.size() && (line[i] == ' ' || line[i] == ',')) ++i;
      if (i >= line.size()) return false;
      if (line[i] == '}') {
        ++i;
        break;
      }
      std::size_t start = i;
      while (i < line.size() && IsNameChar(line[i], i == start)) ++i;
      if (i == start || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') return false;
      std::string key(line.substr(start, i - start));
      i += 2;
      std::string value;
      while (true) {
        if (i >= line.size()) return false;
        char c = line[i++];
        if (c == '"') break;
        if (c == '\\') {
          if (i >= line.size()) return false;
          char e = line[i++];
          value += e == 'n' ? '\n' : e;
        } else {
          value += c;
        }
      }
      out->labels.emplace_back(std::move(key), std::move(value));
    }
  }
  if (i >= line.size() || (line[i] != ' ' && line[i] != '\t')) return false;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  std::size_t end = line.find_first_of(" \t", i);
  std::string number(
      line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
  if (number.empty()) return false;
  char* stop = nullptr;
  errno = 0;
  double v = std::strtod(number.c_str(), &stop);
  if (errno != 0 || stop != number.c_str() + number.size() || !std::isfinite(v)) return false;
  out->value = v;
  return true;
}

// What the previous file said: series value by (name, source label).
using SeriesKey = std::pair<std::string, std::string>;

std::map<SeriesKey, double> ParsePrevious(std::string_view text) {
  std::map<SeriesKey, double> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.size() > 4096) continue;  // not ours
    Sample s;
    if (!ParseSampleLine(line, &s) || s.value < 0) continue;
    std::string label;
    if (s.labels.size() > 1) continue;
    if (s.labels.size() == 1) {
      if (s.labels[0].first != "source" && s.labels[0].first != "result") continue;
      label = s.labels[0].second;
    }
    out[{s.name, label}] = s.value;
  }
  return out;
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatNumber(double v) {
  char buf[64];
  if (std::floor(v) == v && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  return buf;
}

std::string FormatSeconds(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

void Header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void Line(std::string& out, std::string_view name, const std::string& labels,
          const std::string& value) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += ' ';
  out += value;
  out += '\n';
}

std::string SourceLabel(const std::string& source) {
  return "source=\"" + EscapeLabelValue(source) + "\"";
}

Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::Runtime("cannot write metrics file " + tmp + ": " + std::strerror(errno),
                           "check that the folder exists and is writable");
  }
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::Runtime("cannot write metrics file " + tmp + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::Runtime("cannot write metrics file " + tmp + ": " + std::strerror(err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::Runtime("cannot rename " + tmp + " to " + path + ": " + std::strerror(err));
  }
  return Status::Ok();
}

}  // namespace

std::string FormatMetrics(const CrawlSummary& summary, bool success, double now_seconds,
                          std::string_view previous) {
  const std::map<SeriesKey, double> prev = ParsePrevious(previous);
  auto prev_value = [&prev](const std::string& name, const std::string& label) {
    auto it = prev.find({name, label});
    return it == prev.end() ? 0.0 : it->second;
  };

  std::string out;
  for (const CounterFamily& f : kCounters) {
    Header(out, f.name, "counter", f.help);
    // Sources seen before keep their series, so counters never go backwards.
    std::set<std::string> sources;
    for (const auto& [key, value] : prev) {
      if (key.first == f.name && !key.second.empty()) sources.insert(key.second);
    }
    for (const auto& [source, counters] : summary.per_source) {
      if (!source.empty()) sources.insert(source);
    }
    Line(out, f.name, "",
         FormatNumber(prev_value(f.name, "") + static_cast<double>(summary.total.*f.field)));
    for (const std::string& source : sources) {
      double run = 0;
      if (auto it = summary.per_source.find(source); it != summary.per_source.end()) {
        run = static_cast<double>(it->second.*f.field);
      }
      Line(out, f.name, SourceLabel(source), FormatNumber(prev_value(f.name, source) + run));
    }
  }

  Header(out, "pressarc_crawl_last_run_pages", "gauge",
         "Pages of the last run by outcome (the counters' increments); without a source label: "
         "all sources.");
  for (const CounterFamily& f : kCounters) {
    std::string kind = std::string("kind=\"") + f.kind + "\"";
    Line(out, "pressarc_crawl_last_run_pages", kind,
         FormatNumber(static_cast<double>(summary.total.*f.field)));
    for (const auto& [source, counters] : summary.per_source) {
      if (source.empty()) continue;
      Line(out, "pressarc_crawl_last_run_pages", SourceLabel(source) + "," + kind,
           FormatNumber(static_cast<double>(counters.*f.field)));
    }
  }

  Header(out, kRuns, "counter", "Crawl runs by result.");
  for (const char* result : {"success", "failure"}) {
    bool mine = success == (std::string_view(result) == "success");
    Line(out, kRuns, std::string("result=\"") + result + "\"",
         FormatNumber(prev_value(kRuns, result) + (mine ? 1 : 0)));
  }

  Header(out, "pressarc_crawl_duration_seconds", "gauge", "Wall-clock duration of the last run.");
  Line(out, "pressarc_crawl_duration_seconds", "",
       FormatSeconds(std::isfinite(summary.seconds) && summary.seconds > 0 ? summary.seconds : 0));

  Header(out, "pressarc_crawl_success", "gauge",
         "1 when the last run succeeded (some pages may still have failed), 0 when it failed.");
  Line(out, "pressarc_crawl_success", "", success ? "1" : "0");

  Header(out, "pressarc_crawl_last_run_timestamp_seconds", "gauge",
         "When the last run finished, in seconds since the Unix epoch.");
  Line(out, "pressarc_crawl_last_run_timestamp_seconds", "", FormatSeconds(now_seconds));

  Header(out, kLastSuccess, "gauge",
         "When the last successful run finished, in seconds since the Unix epoch (0 = never).");
  Line(out, kLastSuccess, "", FormatSeconds(success ? now_seconds : prev_value(kLastSuccess, "")));
  return out;
}

Status WriteMetricsFile(const std::string& path, const CrawlSummary& summary, bool success,
                        double now_seconds, std::string_view extra) {
  if (path.empty()) return Status::Usage("--metrics-file: empty path");
  std::string previous;
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      previous = ss.str();
      if (previous.size() > (16u << 20)) previous.clear();  // not ours; start afresh
    }
  }
  return WriteFileAtomically(
      path, FormatMetrics(summary, success, now_seconds, previous) + std::string(extra));
}

Status WriteMetricsFile(const std::string& path, const CrawlSummary& summary, bool success,
                        std::string_view extra) {
  double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return WriteMetricsFile(path, summary, success, now, extra);
}

Status WriteMetricsFile(const std::string& path, const CrawlSummary& summary, bool success) {
  return WriteMetricsFile(path, summary, success, std::string_view());
}

}  // namespace pressarc::cli
