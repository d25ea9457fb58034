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

}  // namespace

Facets CountFacets(const Xapian::Database& db, const Xapian::Query& query) {
  Xapian::ValueCountMatchSpy sources(schema::kSlotSource), languages(schema::kSlotLanguage),
      years(schema::kSlotYear);
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
  enquire.add_matchspy(&sources);
  enquire.add_matchspy(&languages);
  enquire.add_matchspy(&years);
  enquire.get_mset(0, 0, db.get_doccount());
  return Facets{Values(sources), Values(languages), Values(years)};
}

}  // namespace pressarc::search::internal
