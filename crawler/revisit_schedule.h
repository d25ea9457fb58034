// When an archived article is revalidated (internal to the crawler).
//
// A recent article is revalidated on the first run that is
// revisit_after_hours after its last fetch; the interval grows with the
// article's age (an eighth of it), but never beyond
// revisit_max_interval_days, so that every archived article is checked for
// edits and removals at least that often. Intervals longer than
// revisit_after_hours are shortened by up to a tenth, by a hash of the URL,
// so that articles archived together (a first crawl) do not all fall due
// on one run. At most max_revisits_per_run articles of a source are
// revalidated per run, the oldest due first. revisit_after_hours = 0 means
// every article on every run (still within the per-run cap).
//
// Pure functions of their arguments: no clock, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace pressarc::internal {

struct RevisitPolicy {
  std::int64_t min_interval_s = 24 * 3600;   // revisit_after_hours; 0 = every run
  std::int64_t max_interval_s = 30 * 86400;  // revisit_max_interval_days
  std::size_t max_per_run = 2000;            // per source; 0 = no cap
  static RevisitPolicy From(const CrawlerOptions& options);
};

// How long after its last fetch an article `age_s` seconds old is due again.
std::int64_t RevisitInterval(const RevisitPolicy& policy, std::int64_t age_s, std::string_view url);

struct RevisitCandidate {
  std::int64_t fetched_at = 0;  // last fetch (Unix seconds)
  std::int64_t born_at = 0;     // publication, else first discovery (Unix seconds)
  std::string_view url;
};

// When an article last fetched at `fetched_at` and born at `born_at` is due
// again: the first time t at which t - fetched_at reaches
// RevisitInterval(policy, t - born_at, url). It depends on nothing else, so
// the crawler stores it (the catalogue's next_fetch_at) and a run picks its
// revisits through an index instead of looking at every archived article.
std::int64_t RevisitDueAt(const RevisitPolicy& policy, std::int64_t fetched_at,
                          std::int64_t born_at, std::string_view url);

// What a stored due time depends on besides the article: changes when the
// policy's intervals (or these rules) change, so that stored times are redone.
std::string RevisitRulesKey(const RevisitPolicy& policy);

// Indexes of the candidates due at `now` (RevisitDueAt <= now), the
// longest overdue first, at most max_per_run of them.
std::vector<std::size_t> DueRevisits(const RevisitPolicy& policy,
                                     const std::vector<RevisitCandidate>& candidates,
                                     std::int64_t now);

// The birth time of an article for the schedule: its publication date
// ("YYYY-MM-DD..." as the parser gives it) when plausible, else when it
// was discovered; -1 when neither parses.
std::int64_t ArticleBirth(const std::string& published, const std::string& discovered_at,
                          std::int64_t now);

}  // namespace pressarc::internal
