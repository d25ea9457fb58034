// Crawler: one incremental, polite, crash-safe crawl job over the configured
// sources.
//
// Fetches with the libcurl multi interface (max_connections in all, one
// request in flight per origin, per_host_delay_ms / Crawl-delay between
// them), obeys robots.txt (RFC 9309), discovers articles from start URLs,
// listing pages, sitemaps and feeds, revalidates known articles with
// conditional GETs on a schedule that grows with their age, notes removals
// and restorations (archive.h), archives every response in WARC, keeps the
// frontier and fetch history in DATA/state.sqlite, and hands every new or
// changed article to an ArticleSink (archive.h; the CLI wires the indexer's
// IndexSink there).
//
// Write order, so that kill -9 loses nothing: response → WARC (flushed) →
// state row (committed) → sink (the index, committed in batches).
//
// The caller holds the data directory lock (see cli/data_dir.h).
// Thread safety: RunCrawl is one job; do not run two on one data dir.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "archive/archive.h"
#include "config/config.h"
#include "config/status.h"
#include "parser/parser.h"

namespace pressarc {

struct CrawlCounters {
  std::int64_t fetched = 0;        // HTTP responses received (any status, 304 included)
  std::int64_t new_articles = 0;   // articles archived for the first time
  std::int64_t updated = 0;        // articles whose content changed
  std::int64_t unchanged = 0;      // articles revalidated unchanged
  std::int64_t removed = 0;        // archived articles gone on two visits an hour apart or more
  std::int64_t restored = 0;       // removed articles that answered again
  std::int64_t failed = 0;         // URLs that failed after retries (errors, challenge pages)
  std::int64_t robots_denied = 0;  // URLs skipped by robots.txt
  std::int64_t out_of_scope = 0;   // URLs skipped by scope rules
  std::int64_t indexed = 0;        // documents added or replaced
  std::int64_t bytes = 0;          // body bytes received
};

struct CrawlSummary {
  CrawlCounters total;
  std::map<std::string, CrawlCounters> per_source;
  double seconds = 0;
  std::int64_t run_id = 0;
  std::string started_at;  // ISO 8601 UTC
  std::string finished_at;
  std::vector<std::string> failures;  // "URL: reason", first few, for the summary
  bool stopped = false;               // ended early by CrawlRequest::stop; the next run resumes
};

struct CrawlRequest {
  std::string data_dir;
  std::vector<std::string> sources;  // empty = all configured sources
  std::int64_t max_pages = 0;        // 0 = no limit (per run, all sources)
  bool progress = false;             // a progress line on stderr (for terminals)
  // When set (a signal handler stores true), the run ends early but cleanly:
  // nothing new is started; what is in flight is finished, archived, recorded
  // and indexed; CrawlSummary::stopped is set. What is left stays queued.
  const std::atomic<bool>* stop = nullptr;
};

// REQUIRES: the caller holds the data directory lock. `sink` may be null
// (archive only; nothing is marked indexed then). Errors: kUsage for an
// unknown source name, no sources, or a bad regex; kRuntime when the state
// database or the archive cannot be written (the run stops; what was
// committed stays). Page failures are not errors: they are counted.
Result<CrawlSummary> RunCrawl(const Config& config, const CrawlRequest& request, ArticleSink* sink);

// The summary as the JSON object of the contract: fetched, new, updated,
// unchanged, removed, restored, failed, robots_denied, out_of_scope,
// indexed, seconds, plus
// sources {name: {the same counters}}, failures ["URL: reason", ...] and, for
// a run ended early by CrawlRequest::stop, "stopped": true.
std::string CrawlSummaryJson(const CrawlSummary& summary);

}  // namespace pressarc
