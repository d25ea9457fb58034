// Internal to search/: counts of matching documents by source, language,
// year, month and status (stats, search --facets), with bounded cost.
//
// Exact counts read a value slot of every match (ValueCountMatchSpy): a cost
// linear in the matches (~0.4 us each on this machine). So the spies see
// about FacetOptions::exact_up_to matches and no more: when those are all
// the matches, the counts are exact; else they are scaled to all, and
// Facets::approximate is set.
//
// On local databases (local_only) the sample is spread over the whole index
// (search/match_sample.h: every few runs of docids, in 256 runs), sized by
// a first count of the matches in a smaller sample, and scaled by the share
// of docids it holds. Matches that may be more than exact_up_to but turn
// out fewer are all counted.
//
// With a remote shard only Xapian's built-in match spy runs, which its
// server (xapian-tcpsrv) can run, and only on the first matches in index
// order (Enquire's check_at_least): where that order follows time or source
// (an index built crawl by crawl), the estimates lean the same way, and
// they are scaled by Xapian's estimate of the matches. Across shards the
// spies of each shard see its own first matches: exact counts are the same
// as one index's; when the matches are surely more than exact_up_to, each of
// N shards samples exact_up_to / N of its own, so estimates are close, not
// equal. stats asks for exact counts (exact_up_to 0).
#pragma once

#include <xapian.h>

#include <cstdint>
#include <optional>

#include "search/search.h"

namespace pressarc::search::internal {

struct FacetOptions {
  // Counted exactly up to this many matches; above, estimated from a sample
  // of this many. 0: always exact (stats).
  Xapian::doccount exact_up_to = 10000;
  // No remote shard is open: count with a spy of our own that gives the
  // same counts for less CPU (hash maps instead of std::map). false: with
  // Xapian's built-in ValueCountMatchSpy, the only spy a remote server runs.
  bool local_only = false;
};

// Every document `query` matches, copies included, counted by source,
// language, year, month (from the publication day, kSlotDate) and status
// (live, removed; kSlotStatus), without weights. Each list is in value order; empty values are left
// out.
// `matches`: how many documents the query matches (copies included), when
// the caller has counted them (search/match_sample.h), so that a local count
// does not count them again to size its sample.
Facets CountFacets(const Xapian::Database& db, const Xapian::Query& query,
                   const FacetOptions& options = {},
                   std::optional<std::uint64_t> matches = std::nullopt);

}  // namespace pressarc::search::internal
