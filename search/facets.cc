#include "search/facets.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "indexer/schema.h"
#include "search/match_sample.h"

namespace pressarc::search::internal {
namespace {

// The values of several slots counted per match, in hash maps: the counts
// of one ValueCountMatchSpy per slot (empty values left out), for less CPU
// (its std::map lookup, string compares per value, was a fifth of a results
// page). Not serialisable: for local databases only.
class SlotCounts : public Xapian::MatchSpy {
 public:
  explicit SlotCounts(std::vector<Xapian::valueno> slots)
      : slots_(std::move(slots)), counts_(slots_.size()) {}

  void operator()(const Xapian::Document& doc, double) override {
    ++total_;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      std::string value = doc.get_value(slots_[i]);
      if (!value.empty()) ++counts_[i][std::move(value)];
    }
  }

  Xapian::doccount total() const { return total_; }
  // Slot i's values and counts, in value order.
  std::vector<std::pair<std::string, Xapian::doccount>> Sorted(std::size_t i) const {
    std::vector<std::pair<std::string, Xapian::doccount>> out(counts_[i].begin(), counts_[i].end());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::vector<Xapian::valueno> slots_;
  std::vector<std::unordered_map<std::string, Xapian::doccount>> counts_;
  Xapian::doccount total_ = 0;
};

// One slot's values and their counts, in value order.
using SlotValues = std::vector<std::pair<std::string, Xapian::doccount>>;

// What a ValueCountMatchSpy counted, as SlotValues (it lists values in order).
SlotValues ValuesOf(const Xapian::ValueCountMatchSpy& spy) {
  SlotValues out;
  for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
    out.emplace_back(*it, it.get_termfreq());
  }
  return out;
}

// A count of the sample scaled to all matches (`scale` = matches / sampled).
std::uint64_t Scaled(Xapian::doccount count, double scale) {
  return static_cast<std::uint64_t>(std::llround(static_cast<double>(count) * scale));
}

std::vector<FacetValue> Values(const SlotValues& counts, double scale) {
  std::vector<FacetValue> out;
  for (const auto& [value, count] : counts) {
    if (!value.empty()) out.push_back(FacetValue{value, Scaled(count, scale)});
  }
  return out;  // in value order
}

// Day counts ("YYYYMMDD") summed by month ("YYYY-MM"), in month order.
std::vector<FacetValue> Months(const SlotValues& days, double scale) {
  std::vector<FacetValue> out;
  for (const auto& [day, count] : days) {
    if (day.size() != 8) continue;
    std::string month = day.substr(0, 4) + "-" + day.substr(4, 2);
    if (out.empty() || out.back().value != month) out.push_back(FacetValue{month, 0});
    out.back().count += count;
  }
  for (auto& m : out) m.count = Scaled(static_cast<Xapian::doccount>(m.count), scale);
  return out;
}

// The facets from the counts of the source, language, year, day and status
// slots, each count multiplied by `scale` (1: exact counts).
Facets ScaledFacets(double scale, bool approximate, const SlotValues& sources,
                    const SlotValues& languages, const SlotValues& years, const SlotValues& days,
                    const SlotValues& statuses) {
  Facets f{Values(sources, scale), Values(languages, scale), Values(years, scale),
           Months(days, scale), Values(statuses, scale)};
  f.approximate = approximate;
  f.scale = static_cast<std::uint64_t>(std::max<long long>(1, std::llround(scale)));
  return f;
}

// The facets over the `seen` matches the spies saw of the matcher's `m`:
// all of them (exact), or a sample scaled to the matcher's estimate of all.
Facets FacetsOf(const Xapian::MSet& m, Xapian::doccount seen, const SlotValues& sources,
                const SlotValues& languages, const SlotValues& years, const SlotValues& days,
                const SlotValues& statuses) {
  const bool exact = m.get_matches_lower_bound() == m.get_matches_upper_bound() &&
                     m.get_matches_upper_bound() <= seen;
  const double scale = exact || seen == 0 ? 1.0
                                          : static_cast<double>(m.get_matches_estimated()) /
                                                static_cast<double>(seen);
  return ScaledFacets(scale, !exact, sources, languages, years, days, statuses);
}

// The matches of `query` counted by `spies`: every one when `check` is 0,
// else the first `check` (or more) the matcher reads.
Xapian::MSet CountMatches(const Xapian::Database& db, const Xapian::Query& query,
                          Xapian::doccount check, const std::vector<Xapian::MatchSpy*>& spies) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
  for (Xapian::MatchSpy* spy : spies) enquire.add_matchspy(spy);
  return enquire.get_mset(0, 0, check == 0 ? db.get_doccount() : check);
}

// Counted by Xapian's built-in spies, the only ones a remote shard runs,
// over the first `check` matches of each database (0: all). With `many`:
// the facets only when the matches are surely more than `many`, else
// nullopt.
std::optional<Facets> CountEach(const Xapian::Database& db, const Xapian::Query& query,
                                Xapian::doccount check, Xapian::doccount many = 0) {
  Xapian::ValueCountMatchSpy sources(schema::kSlotSource), languages(schema::kSlotLanguage),
      years(schema::kSlotYear), days(schema::kSlotDate), statuses(schema::kSlotStatus);
  const Xapian::MSet m =
      CountMatches(db, query, check, {&sources, &languages, &years, &days, &statuses});
  if (many > 0 && m.get_matches_lower_bound() <= many && m.get_matches_estimated() <= 2 * many) {
    return std::nullopt;
  }
  return FacetsOf(m, sources.get_total(), ValuesOf(sources), ValuesOf(languages), ValuesOf(years),
                  ValuesOf(days), ValuesOf(statuses));
}

// Through N shards (or several databases) every shard's matcher counts
// `check` of its own matches: N times one index's work when the matches are
// many. A first count takes `check` / N from each; when the matches are
// surely more than `check` (its lower bound says so, or its estimate is
// over twice `check`), one index would give a sample too, and this one of
// about `check` matches in all is kept. Else they are counted again with
// `check` each: exact wherever one index is exact.
Facets Count(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount check) {
  const auto parts = static_cast<Xapian::doccount>(db.size());
  if (check > 0 && parts > 1) {
    if (auto sampled = CountEach(db, query, (check + parts - 1) / parts, check)) return *sampled;
  }
  return *CountEach(db, query, check);
}

// Runs of docids a facet sample is made of (search/match_sample.h): it
// reads about exact_up_to matches anyway, so more runs than a count's; but
// each run is a seek in every value stream the spy reads (256 runs made
// `--lang en --facets` 2x slower than 64 at a million documents; in
// instructions a round it read 57.0 M with 64 runs, 54.4 M with 32, and 49.5 M
// reading the first 10,000 matches in docid order).
constexpr Xapian::docid kFacetSampleRuns = 32;

// Counted by one SlotCounts spy (local databases only). Past `check`
// matches (`known`, else counted as a search's total is), from a sample of
// about `check` matches spread over the whole index, scaled by the share of
// docids it holds; else every match.
Facets CountLocal(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount check,
                  std::optional<std::uint64_t> known) {
  SlotCounts spy({schema::kSlotSource, schema::kSlotLanguage, schema::kSlotYear, schema::kSlotDate,
                  schema::kSlotStatus});
  auto facets = [&](double scale, bool approximate) {
    return ScaledFacets(scale, approximate, spy.Sorted(0), spy.Sorted(1), spy.Sorted(2),
                        spy.Sorted(3), spy.Sorted(4));
  };
  if (check > 0) {
    std::uint64_t matches = 0;
    if (known) {
      matches = *known;
    } else {
      const MatchBounds bounds = BoundsOf(db, query);
      matches = bounds.upper <= check
                    ? bounds.upper
                    : internal::CountMatches(db, query, bounds.lower, bounds.upper).estimate;
    }
    SampleOptions sample;
    sample.target = check;
    sample.blocks = kFacetSampleRuns;
    sample.max_seeks = 0;  // the spy's reads cost more than the seeks
    sample.min_stride = 1;
    const SampleShape shape = ShapeFor(matches, LastPerDatabase(db), sample);
    if (shape.stride > 1) {
      CountSampled(db, query, shape, {&spy});
      return facets(1.0 / SampledShare(db, shape), true);
    }
  }
  CountMatches(db, query, 0, {&spy});  // few enough to count them all
  return facets(1.0, false);
}

}  // namespace

Facets CountFacets(const Xapian::Database& db, const Xapian::Query& query,
                   const FacetOptions& options, std::optional<std::uint64_t> matches) {
  if (options.local_only) return CountLocal(db, query, options.exact_up_to, matches);
  return Count(db, query, options.exact_up_to);
}

}  // namespace pressarc::search::internal
