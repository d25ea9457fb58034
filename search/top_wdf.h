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
// The same holds for the word with filters (the left of OP_FILTER or
// OP_AND_NOT: the other parts weigh nothing): its matches outside the
// list weigh less than its matches inside, so when the list holds more of
// its matches than a page reads, they are the page (`transport 2020..2021`
// at a million: the list of 2,680 documents holds more than 500 of them).
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
// What the narrowed match does not give as the whole match would: its
// bounds and estimate (those of the list; the word's alone are its term
// frequency, exact; with filters, ProvenBounds) and its percentages
// (Xapian counts a PostingSource as a matched subquery). Callers take them
// from Narrowed::termfreq, ProvenBounds() and PercentOf().
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

#include "search/match_sample.h"

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

// The word of a query that a list could narrow: a single term, or an OR of
// terms of which the index holds one (a word's forms: `peace` is `Zpeac
// OR Zpeaj`, the second found nowhere; it weighs as the one), alone or the
// left of OP_FILTER or OP_AND_NOT (at any depth), of at least min_termfreq
// documents. Depends on the query and the database alone.
struct NarrowableWord {
  std::string term;
  bool alone = false;             // no filter: every document of the term matches
  std::size_t terms = 1;          // of the OR (Xapian counts each for percentages)
  Xapian::doccount termfreq = 0;  // the term's documents
};

// A query narrowed to a word's highest wdfs.
struct Narrowed {
  Xapian::Query query;             // the query FILTER the word's list
  Xapian::doccount documents = 0;  // in the list: pages within them are exact
  Xapian::doccount termfreq = 0;   // the word's documents (its exact match count)
};

class TopWdfCache {
 public:
  explicit TopWdfCache(TopWdfOptions options = {});

  // Starts a search: the uses of a word are counted once per search.
  void NewSearch() { ++search_; }

  // The word of `query` a list could narrow (NarrowableWord), if any.
  std::optional<NarrowableWord> WordOf(const Xapian::Database& db,
                                       const Xapian::Query& query) const;

  // `query` narrowed to its word's list, when it has a word (WordOf) whose
  // list is kept or is built now (at its min_uses-th search); nullopt
  // otherwise. With filters, the narrowed match holds the page only when
  // it finds more matches than the page reads.
  // REQUIRES: the caller weighs the term by a scheme whose weight rises
  // with the wdf alone (BM25 with b = 0 on normalised wdfs).
  std::optional<Narrowed> Narrow(const Xapian::Database& db, const Xapian::Query& query);
  // The same for a caller that has `query`'s word (WordOf) already.
  std::optional<Narrowed> Narrow(const Xapian::Database& db, const Xapian::Query& query,
                                 const NarrowableWord& word);

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
// alone or with filters, the best match weighing `greatest`
// (MSet::convert_to_percent); of an OR of `terms` terms of which one
// matches, the best match matching one.
int PercentOf(double weight, double greatest, std::size_t terms = 1);

// The bounds of the matches of a word with filters (`query`, WordOf not
// alone) that Xapian's matcher proves whatever the order it reads them in,
// from `matched`, the bounds of its match for a page (relevance order,
// checking at least `min_checked`), whole or narrowed (`narrowed`).
//
// A whole match counts every match up to `min_checked`, and past it only
// those that could still enter the page: its lower bound is its count,
// exact below `min_checked`, past it a count that depends on the order of
// the weights it met (and a narrowed match meets others). So past
// `min_checked` matches the bounds are those of the query's posting lists
// (no posting read), the lower at least `min_checked`; below it the exact
// count, which a narrowed match that counted fewer than `min_checked`
// reads with a boolean match (it stops at `min_checked`).
MatchBounds ProvenBounds(const Xapian::Database& db, const Xapian::Query& query,
                         const MatchBounds& matched, bool narrowed, Xapian::doccount min_checked);

}  // namespace pressarc::search::internal
