// libFuzzer target for the search side's parsers of untrusted text: any
// bytes must give a query (or a clean usage error) that Xapian runs, and any
// document data must read back, without a crash, a leak, UB or a hang. The
// first byte picks the path: even, the rest is a user's query (BuildQuery:
// syntax checks, per-language parses merged, filters, then a match on a
// small az/ru/en index); odd, it is a document's stored data
// (ParseDocumentData: the Omega lines and the fast JSON reader).
#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "indexer/indexer.h"
#include "search/query_builder.h"
#include "search/stored_doc.h"

namespace {

Xapian::WritableDatabase& Index() {
  static Xapian::WritableDatabase* db = [] {
    auto* d = new Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
    const char* docs[][4] = {
        {"https://a.example/az/1", "az", "Xarici İşlər Nazirliyinin bəyanatı",
         "Nazir Bayramovun səfəri Bakıda keçirildi. IŞIQ layihəsi."},
        {"https://a.example/ru/1", "ru", "Заявление МИД", "Сергей Лавров провёл встречу в Москве."},
        {"https://a.example/en/1", "en", "Minister Lavrov visits Istanbul",
         "The ministries signed agreements on 2023-05-01."}};
    for (const auto& doc : docs) {
      pressarc::IndexedArticle a;
      a.article.url = a.article.canonical_url = doc[0];
      a.article.language = doc[1];
      a.article.title = doc[2];
      a.article.text = doc[3];
      a.article.published = "2023-05-01";
      a.article.source = "mfa";
      a.article.kind = pressarc::PageKind::kArticle;
      a.fetched_at = "2024-01-01T00:00:00Z";
      auto p = pressarc::PrepareDocument(a);
      if (p.ok()) d->replace_document(p->unique_term, p->document);
    }
    d->commit();
    return d;
  }();
  return *db;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 4096) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const unsigned char mode = static_cast<unsigned char>(in[0]);
  std::string text(in.substr(1));
  if (mode & 1) {
    (void)pressarc::search::internal::ParseDocumentData(text);
    (void)pressarc::search::internal::ParseDocumentData("pressarc=" + text);
    return 0;
  }
  pressarc::search::SearchOptions o;
  o.query = text;
  if (mode & 2) o.languages = {"az"};
  if (mode & 4) o.match_any = true;
  if (mode & 8) o.from = "2023-01-01";
  try {
    auto built = pressarc::search::internal::BuildQuery(Index(), o);
    if (built.ok()) {
      Xapian::Enquire enquire(Index());
      enquire.set_query(built->query);
      const Xapian::MSet all = enquire.get_mset(0, 10);
      // The query without its top-level date ranges, inside their days,
      // matches what the query matches (the date windows rely on it).
      const auto& days = built->days;
      if (days.first || days.last) {
        const Xapian::Query range =
            pressarc::search::internal::DayRangeQuery(&Index(), days.first, days.last);
        enquire.set_query(days.without.empty()
                              ? range
                              : Xapian::Query(Xapian::Query::OP_FILTER, days.without, range));
        const Xapian::MSet inside = enquire.get_mset(0, 10);
        std::set<Xapian::docid> a(all.begin(), all.end()), b(inside.begin(), inside.end());
        if (a != b) __builtin_trap();
      }
    }
    (void)pressarc::search::internal::CorrectSpelling(Index(), o);
  } catch (const Xapian::Error&) {
    // A Xapian error on a weird query is a bug of ours only if it crashes;
    // BuildQuery returns errors as values, so count it as a finding.
    __builtin_trap();
  }
  return 0;
}
