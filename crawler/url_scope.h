// Trap guards for the crawl frontier (internal to the crawler). Scope per
// source is archive.h's SourceScope, shared with import and reindex. Trap guards reject URLs that
// crawlers commonly loop on: very long URLs, deep paths, a path segment repeated three times, too
// many query parameters, and calendar-like dates far outside the plausible range.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive.h"

namespace pressarc {

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
