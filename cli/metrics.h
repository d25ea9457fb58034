// Prometheus metrics after each crawl, in node_exporter's textfile collector
// format: written to PATH.tmp, then renamed over PATH, so the collector never
// reads a partial file.
#pragma once

#include <string>

#include "config/status.h"
#include "crawler/crawler.h"

namespace pressarc::cli {

// `success` false when the run failed as a whole (then the last-success
// gauge keeps its previous value, read back from the existing file).
Status WriteMetricsFile(const std::string& path, const CrawlSummary& summary, bool success);

}  // namespace pressarc::cli
