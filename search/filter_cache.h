// Internal to search/: a cache of the documents that boolean filters match,
// as bitmaps, for searchers that answer many queries (serve, the benches);
// Solr's filterCache is the same idea.
//
// Xapian checks a filter (the right side of OP_FILTER or OP_AND_NOT) by
// skip_to on the filter's posting lists, once per candidate of the left
// side. A posting list is read entry by entry within its chunks, so a dense
// filter (a language: 40% of a million documents) is read almost whole by
// every query that has many candidates: `prezident FILTER Laz` took 8 ms
// where `prezident` alone takes 2.6. A bitmap answers skip_to in a few
// word reads.
//
// Apply() rewrites a query: each filter made only of terms (OR, AND,
// AND_NOT, SCALE_WEIGHT and FILTER of terms), when it is dense and at least
// as common as what it filters (so Xapian's AND would be led by the left
// side anyway), becomes OP_AND_NOT of the left side and a PostingSource
// over the bitmap of the documents the filter does NOT match. AND_NOT, not
// FILTER: Xapian counts a PostingSource as a matched subquery in its
// percentages (ExternalPostList::count_matching_subqs is always 1) and a
// boolean term as none, so FILTER would change every percentage; the right
// side of AND_NOT is not counted. The source reports the filter's own term
// frequency estimates (complemented), so the matcher's estimates and bounds
// are the same as for the filter written with terms. Several such parts of
// one filter (a language and a date range) are read together, from one
// bitmap of the documents that miss any of them, built from the parts' own
// bitmaps once the parts have been used together twice: each candidate is
// checked once, not once per part (28% of the instructions of `visit
// --lang en --from 2019-01-01 --to 2019-12-31` at a million). The
// rewritten query matches the same documents with the same weights, order
// and percentages.
//
// A filter's bitmap is built from its posting lists (one full read) at its
// second use, counted by searches (NewSearch): a process that runs one
// query (the command line) never builds one, so a selective query is never
// made to read a whole language's postings. The cache is keyed by the
// database's UUID and revision, so a new revision or generation is never
// served an old bitmap; least recently used bitmaps go first past
// max_bytes. Only for one local database (a remote shard cannot run a
// PostingSource; across several databases docids are interleaved).
//
// Not thread safe: one per Searcher.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pressarc::search::internal {

struct FilterCacheOptions {
  std::size_t max_bytes = 32u << 20;  // bitmaps held (one bit per docid each); 0: no cache
  // A filter is worth a bitmap when it matches at least this share of the
  // documents (below, skip_to jumps between far-apart chunks anyway).
  double min_share = 1.0 / 64;
  // A filter of fewer candidates than this (the left side's upper bound)
  // is left to its terms: their skip_to reads little then.
  Xapian::doccount min_candidates = 500;
  // Searches that must use a filter before its bitmap is built.
  unsigned min_uses = 2;
};

class FilterCache {
 public:
  explicit FilterCache(FilterCacheOptions options = {});

  // Starts a search: the uses of a filter are counted once per search.
  void NewSearch() { ++search_; }

  // `query` with its dense term filters read from bitmaps (see above);
  // `query` itself when nothing applies. `db` must be one local database.
  Xapian::Query Apply(const Xapian::Database& db, const Xapian::Query& query);

  struct Stats {
    std::uint64_t built = 0;    // bitmaps read from posting lists
    std::uint64_t used = 0;     // filters answered from a bitmap
    std::uint64_t evicted = 0;  // bitmaps dropped past max_bytes
    std::size_t bytes = 0;      // held now
  };
  const Stats& stats() const { return stats_; }

  // The documents of a filter, one bit per docid, and its term frequency
  // bounds as Xapian estimates them for the filter written with terms.
  struct Bitmap {
    std::vector<std::uint64_t> words;
    Xapian::doccount min = 0, est = 0, max = 0;
  };

 private:
  struct Entry {
    std::shared_ptr<const Bitmap> bitmap;  // null until built
    std::uint64_t last_search = 0;
    unsigned uses = 0;
    bool sparse = false;                   // below min_share: never built
    std::list<std::string>::iterator lru;  // valid when bitmap is set
  };
  // The upper bound of the matches of a filter's left side, estimated at
  // the first get() only (no posting is read).
  class LeftMax {
   public:
    LeftMax(const Xapian::Database& db, Xapian::Query left) : db_(db), left_(std::move(left)) {}
    Xapian::doccount get() const;

   private:
    const Xapian::Database& db_;
    Xapian::Query left_;
    mutable std::optional<Xapian::doccount> max_;
  };
  // `query` rewritten (Apply), or nullopt when nothing in it changed.
  std::optional<Xapian::Query> Rewrite(const Xapian::Database& db, const Xapian::Query& query);
  // What a bitmap is for: the documents a part of an OP_FILTER's filter
  // does not match (the part must be as common as the left side, not to
  // take the lead of Xapian's AND from it), those that miss any of several
  // such parts (each was), or an OP_AND_NOT's right side (its documents).
  enum class Use { kFilterPart, kFilterParts, kExcluded };
  // The bitmap of `filter` for `use` (the complement unless kExcluded),
  // when built or worth building now.
  std::shared_ptr<const Bitmap> Lookup(const Xapian::Database& db, const Xapian::Query& filter,
                                       Use use, const LeftMax& left_max);
  void Evict();

  FilterCacheOptions options_;
  std::uint64_t search_ = 0;
  std::string db_key_;  // UUID and revision of the database entries_ are of
  std::unordered_map<std::string, Entry> entries_;  // by the filter's description
  std::list<std::string> lru_;                      // built entries, most recent first
  Stats stats_;
};

}  // namespace pressarc::search::internal
