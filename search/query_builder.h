// Internal to search/: from SearchOptions to a Xapian::Query.
//
// Steps: CheckQuerySyntax (our stricter checks on the raw text) → a
// QueryParser with our prefixes and the day range processor → the
// indexer's ParseUserQuery (same analysis as documents, the languages'
// parses merged) → option filters (--lang, --source, --from/--to) ANDed on as
// boolean filters.
#pragma once

#include <xapian.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/status.h"
#include "indexer/indexer.h"
#include "search/search.h"

namespace pressarc::search::internal {

// Rejects what Xapian would silently reinterpret: an odd number of double
// quotes, unbalanced parentheses, an unknown `field:` prefix.
Status CheckQuerySyntax(std::string_view query);

// A date bound as typed in a range: "YYYY", "YYYY-MM" or "YYYY-MM-DD".
// Returns the first (upper=false) or last (upper=true) day it covers as
// YYYYMMDD; nullopt when it is not a date at all; sets *impossible when it
// has a date's shape but is not a real date (2023-02-30, 2023-13).
std::optional<int> ParseDayBound(std::string_view text, bool upper, bool* impossible);

// The value kSlotDay holds for a YYYYMMDD day.
std::string DayValue(int yyyymmdd);

// The number after a date term's prefix (YYYY, YYYYMM, YYYYMMDD: at most
// 8 digits); -1 when it is not one (a term of another indexer's).
int DateTermNumber(std::string_view term, std::size_t prefix);

// The date terms (Y, M, D) of an index, each list read once: a walk of
// the terms of a prefix reads every block of their posting lists (at a
// million documents, 800 block reads for `2023-05..`, 40% of that search's
// reads), and through a remote shard it is a message. Keep one per opening
// of the databases (the searcher's); the terms of a revision never change.
class DateTermCache {
 public:
  // REQUIRES: *db outlives this object; nullptr: no terms (value ranges).
  explicit DateTermCache(const Xapian::Database* db) : db_(db) {}
  // The existing terms `prefix` + N, N of `digits` digits starting with
  // `lead`, with lo <= N <= hi, in term order.
  std::vector<std::pair<int, std::string>> Terms(const std::string& prefix, const std::string& lead,
                                                 std::size_t digits, int lo, int hi);
  // The same terms (every N), with their frequencies, in term order.
  std::vector<std::pair<std::string, Xapian::doccount>> WithFreqs(const std::string& prefix,
                                                                  const std::string& lead,
                                                                  std::size_t digits);

 private:
  struct Term {
    int n;  // DateTermNumber
    std::string term;
    Xapian::doccount freq;
  };
  // The terms of `prefix` + `lead` that are date terms, read at the first
  // call (taken from every term of `prefix` when those were read).
  const std::vector<Term>& Read(const std::string& prefix, const std::string& lead);

  const Xapian::Database* db_;
  std::map<std::string, std::vector<Term>> read_;  // by prefix + lead
};

// Documents published from day `lo` to day `hi` (YYYYMMDD, inclusive;
// nullopt = open). With an index that has the date terms (Y, M, D) this is
// an OR of the fewest such terms that cover the range (whole years, then
// whole months, then days), which the matcher reads as short posting lists
// instead of scanning the value slot of every document; without `db`, for
// an index without date terms, or when no day of the range has documents,
// a value range on kSlotDay. Both match
// the same documents (the indexer writes the terms and the value from the
// same publication day) and add no weight.
Xapian::Query DayRangeQuery(const Xapian::Database* db, std::optional<int> lo,
                            std::optional<int> hi);
// The same, the date terms read through `dates`.
Xapian::Query DayRangeQuery(DateTermCache& dates, std::optional<int> lo, std::optional<int> hi);

// Parses date ranges on the publication day (DayRangeQuery).
class DayRangeProcessor : public Xapian::RangeProcessor {
 public:
  // REQUIRES: *dates outlives this object (nullptr: value ranges).
  explicit DayRangeProcessor(DateTermCache* dates = nullptr);
  Xapian::Query operator()(const std::string& begin, const std::string& end) override;
  // Set when a bound looked like a date but was impossible.
  const std::string& error() const { return error_; }

  // A range parsed, with the query it gave.
  struct Range {
    std::optional<int> lo, hi;  // YYYYMMDD, inclusive; nullopt = open
    Xapian::Query query;
  };
  const std::vector<Range>& ranges() const { return ranges_; }

 private:
  DateTermCache* dates_;
  std::string error_;
  std::vector<Range> ranges_;
};

// True when no document can weigh more than 0 under `q`: it is made of
// boolean terms alone (filters: source:, lang:, site:, date terms; their
// prefixes are capitals other than the weighted S title and Z stem
// prefixes), value ranges and match-all. Conservative: false when unsure.
bool Weightless(const Xapian::Query& q);

// The publication days every match of `query` is in, and `query` without
// the ranges that say so: each of `ranges` (their queries weigh nothing)
// found at its top level (the query itself, or inside its ANDs and
// FILTERs) is taken out, its bounds intersected. Ranges elsewhere (under
// OR, NOT) bound nothing and stay.
struct DayBounds {
  std::optional<int> first, last;  // YYYYMMDD; nullopt = open
  // The query without them: the query itself when none was taken; empty
  // (Xapian::Query()) when it was ranges alone.
  Xapian::Query without;
};
DayBounds TakeDayRanges(const Xapian::Query& query,
                        const std::vector<DayRangeProcessor::Range>& ranges);

struct BuiltQuery {
  Xapian::Query query;     // everything: words and all filters
  Xapian::Stem stemmer;    // StemmerFor(the query's language) (snippets of unknown language)
  bool has_words = false;  // the user's query had something besides filters
  // The publication days every match is in (--from/--to and the date
  // ranges at the query's top level), and `query` without those ranges:
  // for a search restricted to days inside them (TakeDayRanges).
  DayBounds days;
};

// Builds the whole query. kUsage for malformed queries and options.
// REQUIRES: db is open (used for wildcards, spelling and site: expansion).
// `pair_words`: those of every document of `db` (ParseUserQuery), or nullptr.
// `dates`: the date terms of `db`, kept between queries (nullptr: read here).
Result<BuiltQuery> BuildQuery(const Xapian::Database& db, const SearchOptions& options,
                              const PairWords* pair_words = nullptr,
                              DateTermCache* dates = nullptr);

// The user's query with misspelt words replaced from the index's spelling
// data ("" when nothing was corrected; the indexer's SuggestSpelling).
std::string CorrectSpelling(const Xapian::Database& db, const SearchOptions& options);

// The query text for exact words (SearchOptions::exact): words outside
// phrases case-folded for `lang` ("" = plain), words inside phrases also
// diacritic-folded (word positions are on those forms); operators and the
// values of boolean prefixes (source:, lang:, site:, id:) as typed.
std::string ExactQueryText(std::string_view query, std::string_view lang);

// The language the query's words are analysed for: the one --lang, else "" (all).
std::string QueryLanguage(const SearchOptions& options);

}  // namespace pressarc::search::internal
