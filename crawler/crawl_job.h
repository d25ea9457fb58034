// The crawl job with its outside world injected (internal to the crawler):
// RunCrawl (crawler.h) calls RunCrawlJob with the real clock, libcurl and
// the WARC writer; tests pass a fake clock and a fake HTTP client.
#pragma once

#include <cstdint>

#include "crawler/crawl_env.h"
#include "crawler/crawler.h"

namespace pressarc {

struct CrawlEnv {
  Clock* clock = nullptr;              // RealClock() when null
  HttpClient* http = nullptr;          // a libcurl multi client when null
  WarcWriter* warc = nullptr;          // a writer on DATA/archive when null
  std::uint64_t seed = 0;              // for backoff jitter; 0 = from the clock
  std::int64_t base_backoff_ms = 500;  // first retry delay (doubles per attempt, +-25% jitter)
  std::int64_t max_retry_after_ms = 120000;  // a longer Retry-After gives up for this run
};

Result<CrawlSummary> RunCrawlJob(const Config& config, const CrawlRequest& request,
                                 ArticleSink* sink, const CrawlEnv& env);

// Parses a Retry-After value (delta seconds or an HTTP date) into
// milliseconds from `now_unix`; -1 when absent or malformed.
std::int64_t ParseRetryAfterMs(const std::string& value, std::int64_t now_unix);

}  // namespace pressarc
