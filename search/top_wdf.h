// Internal to search/: for a word of many documents, the documents where it
// is most frequent (its highest wdfs), so that the first pages of a search
// for the word alone are matched among those instead of among all.
//
// In an index with length-normalised wdfs (schema.h) a word is weighed by
// BM25 with b = 0: a single word's weight rises with its wdf and with
// nothing else. Every document of the word outside the list has a lower
// wdf than every document in it, so it weighs less: the first pages of the
// word are the first pages of the list, the same documents with the same
// weights in the same order (ties by docid, as the matcher breaks them),
// as long as they hold no more matches than the list. The list holds every
// document whose wdf is at least the `keep`-th highest, so the documents
// tied with the last one are all in it.
//
// Xapian's matcher weighs every posting of a word (about 190 instructions
// each at a million documents: `nazirlik` has 149,000); the list is read
// by skip_to from its documents instead. The list of a word is built at
// its `min_uses`-th search (counted per search: NewSearch), from one read
// of its postings, so a process that runs one query never builds one. The
// lists are keyed by the database's UUID and revision; the least recently
// used go first past `max_words`. For one local database only (a remote
// server cannot run the PostingSource; several databases interleave
// docids).
//
// What the narrowed match does not give as the word alone would: its
// bounds and estimate (those of the list; the word's are its term
// frequency, exact) and its percentages (Xapian counts a PostingSource as
// a matched subquery). Callers take them from Narrowed::termfreq and
// PercentOf().
//
// Not thread safe: one per Searcher.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pressarc::search::internal {

struct TopWdfOptions {
  // Documents a list holds, at least: more when the lowest wdf kept is
  // shared (all of them are kept).
  Xapian::doccount keep = 1024;
  // Words of fewer documents are matched whole (a list would save little).
  Xapian::doccount min_termfreq = 16384;
  // A list holding more than this many times `keep` (a word whose wdfs are
  // mostly alike) is not kept: matching it would save little.
  Xapian::doccount max_factor = 8;
  // Searches that must use a word before its list is built.
  unsigned min_uses = 2;
  std::size_t max_words = 256;  // lists kept; 0: none
};

// A query narrowed to a word's highest wdfs.
struct Narrowed {
  Xapian::Query query;             // the word FILTER its list
  Xapian::doccount documents = 0;  // in the list: pages within them are exact
  Xapian::doccount termfreq = 0;   // the word's documents (its exact match count)
};

class TopWdfCache {
 public:
  explicit TopWdfCache(TopWdfOptions options = {});

  // Starts a search: the uses of a word are counted once per search.
  void NewSearch() { ++search_; }

  // `query` narrowed to its word's list, when `query` is a single term of
  // at least min_termfreq documents whose list is kept or is built now (at
  // its min_uses-th search); nullopt otherwise.
  // REQUIRES: the caller weighs the term by a scheme whose weight rises
  // with the wdf alone (BM25 with b = 0 on normalised wdfs).
  std::optional<Narrowed> Narrow(const Xapian::Database& db, const Xapian::Query& query);

  std::size_t words() const { return entries_.size(); }

 private:
  struct Entry {
    unsigned uses = 0;
    std::uint64_t last_search = 0;
    std::shared_ptr<const std::vector<Xapian::docid>> list;  // null: not built (yet)
    bool worthless = false;                                  // built, and too long to keep
    std::list<std::string>::iterator lru;
  };
  std::shared_ptr<const std::vector<Xapian::docid>> Build(const Xapian::Database& db,
                                                          const std::string& term) const;

  TopWdfOptions options_;
  std::uint64_t search_ = 0;
  std::string db_key_;  // UUID@revision of the entries
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recently used first
};

// The percentage Xapian gives a match of weight `weight` of a single term,
// the best match weighing `greatest` (MSet::convert_to_percent).
int PercentOf(double weight, double greatest);

}  // namespace pressarc::search::internal
