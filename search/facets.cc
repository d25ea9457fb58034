#include "search/facets.h"

#include <algorithm>
#include <cmath>

#include "indexer/schema.h"

namespace pressarc::search::internal {
namespace {

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

// The matches of `query` counted by the spies: every one when `check` is
// 0, else the first `check` (or more) the matcher reads, scaled to its
// estimate of all of them.
Facets Count(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount check) {
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
  const Xapian::doccount seen = sources.get_total();
  const bool exact = m.get_matches_lower_bound() == m.get_matches_upper_bound() &&
                     m.get_matches_upper_bound() <= seen;
  const double scale = exact || seen == 0 ? 1.0
                                          : static_cast<double>(m.get_matches_estimated()) /
                                                static_cast<double>(seen);
  Facets f{Values(sources, scale), Values(languages, scale), Values(years, scale),
           Months(days, scale), Values(statuses, scale)};
  f.approximate = !exact;
  f.scale = static_cast<std::uint64_t>(std::max<long long>(1, std::llround(scale)));
  return f;
}

}  // namespace

Facets CountFacets(const Xapian::Database& db, const Xapian::Query& query,
                   const FacetOptions& options) {
  return Count(db, query, options.exact_up_to);
}

}  // namespace pressarc::search::internal
