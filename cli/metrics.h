// Prometheus metrics after each crawl, in node_exporter's textfile collector
// format: written to PATH.tmp, then renamed over PATH, so the collector never
// reads a partial file.
#pragma once

#include <string>
#include <string_view>

#include "config/status.h"
#include "crawler/crawler.h"

namespace pressarc::cli {

// `success` false when the run failed as a whole (then the last-success
// gauge keeps its previous value, read back from the existing file).
Status WriteMetricsFile(const std::string& path, const CrawlSummary& summary, bool success);

// The same with `extra` lines (complete metric families, e.g. the watches'
// from WatchMetrics in cli/watch_jobs.h) appended.
Status WriteMetricsFile(const std::string& path, const CrawlSummary& summary, bool success,
                        std::string_view extra);

// The same with an explicit clock (seconds since the Unix epoch), for tests.
Status WriteMetricsFile(const std::string& path, const CrawlSummary& summary, bool success,
                        double now_seconds, std::string_view extra = "");

// The file's text (Prometheus text exposition format 0.0.4). `previous` is
// the text of the previous file ("" when none): its counters are carried
// forward (the *_total counters are cumulative over runs) and its last-success
// time is kept when `success` is false. Garbage in `previous` is ignored.
std::string FormatMetrics(const CrawlSummary& summary, bool success, double now_seconds,
                          std::string_view previous);

}  // namespace pressarc::cli
