// Internal to search/: counts of matching documents by source, language,
// year and status, read from the value slots by match spies (stats, search --facets).
#pragma once

#include <xapian.h>

#include "search/search.h"

namespace pressarc::search::internal {

// Every document `query` matches, copies included, counted by source,
// language, year, month (from the publication day, kSlotDate) and status
// (live, removed; kSlotStatus) in one pass without weights. Each list is in value
// order; empty values are left out.
Facets CountFacets(const Xapian::Database& db, const Xapian::Query& query);

}  // namespace pressarc::search::internal
