#include "search/facets.h"

#include "indexer/schema.h"

namespace pressarc::search::internal {
namespace {

std::vector<FacetValue> Values(const Xapian::ValueCountMatchSpy& spy) {
  std::vector<FacetValue> out;
  for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
    if ((*it).empty()) continue;
    out.push_back(FacetValue{*it, it.get_termfreq()});
  }
  return out;  // in value order
}

// Day counts ("YYYYMMDD") summed by month ("YYYY-MM"), in month order.
std::vector<FacetValue> Months(const Xapian::ValueCountMatchSpy& days) {
  std::vector<FacetValue> out;
  for (auto it = days.values_begin(); it != days.values_end(); ++it) {
    const std::string day = *it;
    if (day.size() != 8) continue;
    std::string month = day.substr(0, 4) + "-" + day.substr(4, 2);
    if (out.empty() || out.back().value != month) out.push_back(FacetValue{month, 0});
    out.back().count += it.get_termfreq();
  }
  return out;
}

}  // namespace

Facets CountFacets(const Xapian::Database& db, const Xapian::Query& query) {
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
  enquire.get_mset(0, 0, db.get_doccount());
  return Facets{Values(sources), Values(languages), Values(years), Months(days), Values(statuses)};
}

}  // namespace pressarc::search::internal
