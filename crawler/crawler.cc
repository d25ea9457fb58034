#include "crawler/crawler.h"

#include "crawler/crawl_job.h"

namespace pressarc {

Result<CrawlSummary> RunCrawl(const Config& config, const CrawlRequest& request,
                              ArticleSink* sink) {
  return RunCrawlJob(config, request, sink, CrawlEnv{});
}

}  // namespace pressarc
