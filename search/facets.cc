#include "search/facets.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "indexer/schema.h"

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

// A count of the sample scaled to all matches (`scale` = matches / sampled).
std::uint64_t Scaled(Xapian::doccount count, double scale) {
  return static_cast<std::uint64_t>(std::llround(static_cast<double>(count) * scale));
}

std::vector<FacetValue> Values(const Xapian::ValueCountMatchSpy& spy, double scale) {
  std::vector<FacetValue> out;
  for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
    if ((*it).empty()) continue;
    out.push_back(FacetValue{*it, Scaled(it.get_termfreq(), scale)});
  }
  return out;  // in value order
}

std::vector<FacetValue> Values(const std::vector<std::pair<std::string, Xapian::doccount>>& counts,
                               double scale) {
  std::vector<FacetValue> out;
  for (const auto& [value, count] : counts) out.push_back(FacetValue{value, Scaled(count, scale)});
  return out;  // in value order
}

// Day counts ("YYYYMMDD") summed by month ("YYYY-MM"), in month order.
std::vector<FacetValue> Months(const std::vector<std::pair<std::string, Xapian::doccount>>& days,
                               double scale) {
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

// Day counts ("YYYYMMDD") summed by month ("YYYY-MM"), in month order.
std::vector<FacetValue> Months(const Xapian::ValueCountMatchSpy& days, double scale) {
  std::vector<FacetValue> out;
  for (auto it = days.values_begin(); it != days.values_end(); ++it) {
    const std::string day = *it;
    if (day.size() != 8) continue;
    std::string month = day.substr(0, 4) + "-" + day.substr(4, 2);
    if (out.empty() || out.back().value != month) out.push_back(FacetValue{month, 0});
    out.back().count += it.get_termfreq();
  }
  for (auto& m : out) m.count = Scaled(static_cast<Xapian::doccount>(m.count), scale);
  return out;
}

// What the spies saw of the matches: all of them (exact), or a sample whose
// counts are multiplied by `scale` (the matcher's estimate / matches seen).
struct Sample {
  bool exact = true;
  double scale = 1.0;
  Facets& Mark(Facets& f) const {
    f.approximate = !exact;
    f.scale = static_cast<std::uint64_t>(std::max<long long>(1, std::llround(scale)));
    return f;
  }
};

Sample SampleOf(const Xapian::MSet& m, Xapian::doccount seen) {
  Sample s;
  s.exact = m.get_matches_lower_bound() == m.get_matches_upper_bound() &&
            m.get_matches_upper_bound() <= seen;
  if (!s.exact && seen != 0) {
    s.scale = static_cast<double>(m.get_matches_estimated()) / static_cast<double>(seen);
  }
  return s;
}

// The matches of `query` counted by the spies: every one when `check` is
// 0, else the first `check` (or more) the matcher reads, scaled to its
// estimate of all of them.
Facets Count(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount check) {
  // A remote shard runs only Xapian's built-in spies.
  Xapian::ValueCountMatchSpy sources(schema::kSlotSource), languages(schema::kSlotLanguage),
      years(schema::kSlotYear), days(schema::kSlotDate), statuses(schema::kSlotStatus);
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
  enquire.add_matchspy(&sources);
  enquire.add_matchspy(&languages);
  enquire.add_matchspy(&years);
  enquire.add_matchspy(&days);
  enquire.add_matchspy(&statuses);
  const Xapian::MSet m = enquire.get_mset(0, 0, check == 0 ? db.get_doccount() : check);
  const Sample sample = SampleOf(m, sources.get_total());
  Facets f{Values(sources, sample.scale), Values(languages, sample.scale),
           Values(years, sample.scale), Months(days, sample.scale), Values(statuses, sample.scale)};
  return sample.Mark(f);
}

// Count with one SlotCounts spy (local databases only).
Facets CountLocal(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount check) {
  SlotCounts spy({schema::kSlotSource, schema::kSlotLanguage, schema::kSlotYear, schema::kSlotDate,
                  schema::kSlotStatus});
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
  enquire.add_matchspy(&spy);
  const Xapian::MSet m = enquire.get_mset(0, 0, check == 0 ? db.get_doccount() : check);
  const Sample sample = SampleOf(m, spy.total());
  Facets f{Values(spy.Sorted(0), sample.scale), Values(spy.Sorted(1), sample.scale),
           Values(spy.Sorted(2), sample.scale), Months(spy.Sorted(3), sample.scale),
           Values(spy.Sorted(4), sample.scale)};
  return sample.Mark(f);
}

}  // namespace

Facets CountFacets(const Xapian::Database& db, const Xapian::Query& query,
                   const FacetOptions& options) {
  if (options.local_only) return CountLocal(db, query, options.exact_up_to);
  return Count(db, query, options.exact_up_to);
}

}  // namespace pressarc::search::internal
