// The crawl summary as the contract's JSON object (crawler.h).
#include <cmath>
#include <nlohmann/json.hpp>

#include "crawler/crawler.h"

namespace pressarc {
namespace {

nlohmann::ordered_json CountersJson(const CrawlCounters& c) {
  nlohmann::ordered_json j;
  j["fetched"] = c.fetched;
  j["new"] = c.new_articles;
  j["updated"] = c.updated;
  j["unchanged"] = c.unchanged;
  j["removed"] = c.removed;
  j["restored"] = c.restored;
  j["failed"] = c.failed;
  j["robots_denied"] = c.robots_denied;
  j["out_of_scope"] = c.out_of_scope;
  j["indexed"] = c.indexed;
  return j;
}

}  // namespace

std::string CrawlSummaryJson(const CrawlSummary& s) {
  nlohmann::ordered_json j = CountersJson(s.total);
  j["seconds"] = std::round(s.seconds * 1000.0) / 1000.0;
  nlohmann::ordered_json sources = nlohmann::ordered_json::object();
  for (const auto& [name, c] : s.per_source) sources[name] = CountersJson(c);
  j["sources"] = sources;
  j["failures"] = s.failures;
  if (s.stopped) j["stopped"] = true;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace pressarc
