// Scope and trap guards for the crawl frontier (internal to the crawler).
//
// Scope per source: a URL is in scope when it matches an `allow` regex (or,
// with none configured, shares an origin with a start URL) and matches no
// `deny` regex. Trap guards reject URLs that crawlers commonly loop on: very
// long URLs, deep paths, a path segment repeated three times, too many query
// parameters, and calendar-like dates far outside the plausible range.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace pressarc {

class SourceScope {
 public:
  // kUsage when a regex does not compile.
  static Result<SourceScope> Build(const SourceConfig& source);

  bool InScope(std::string_view url) const;
  // True when the source has article patterns and the URL matches one.
  bool IsArticleUrl(std::string_view url) const;
  bool has_article_patterns() const { return !article_.empty(); }
  const std::set<std::string>& start_origins() const { return origins_; }

 private:
  std::vector<UrlPattern> allow_;
  std::vector<UrlPattern> deny_;
  std::vector<UrlPattern> article_;
  std::set<std::string> origins_;
};

struct TrapLimits {
  std::size_t max_url_length = 2048;
  int max_path_segments = 20;
  int max_segment_repeats = 2;  // a segment seen more often than this is a loop
  int max_query_params = 12;
  int min_year = 1990;  // calendar pages outside [min_year, this year + 1]
};

// "" when the URL looks sane, else the reason it looks like a trap.
std::string TrapReason(std::string_view url, int current_year, const TrapLimits& limits = {});

}  // namespace pressarc
