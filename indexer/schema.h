// The index schema: term prefixes, value slots and document data, on Omega's
// conventions so that `quest`, `xapian-delve` and Omega can read the index.
// Documented for users in docs/index-schema.md; keep the two in step.
//
// Shard-friendly: identifiers come from canonical URLs, never from Xapian
// docids; collapse and translation keys are values (and boolean terms).
#pragma once

#include <string>
#include <string_view>

namespace pressarc::schema {

// Boolean terms (filters).
inline constexpr std::string_view kPrefixUnique =
    "Q";  // Q + canonical URL (hashed when > 200 bytes)
inline constexpr std::string_view kPrefixUrl =
    "U";  // U + canonical URL (hashed when long, as omindex)
inline constexpr std::string_view kPrefixHost = "H";      // H + host, lower-case
inline constexpr std::string_view kPrefixLanguage = "L";  // L + ISO 639-1
inline constexpr std::string_view kPrefixDay = "D";       // D + YYYYMMDD (publication, local date)
inline constexpr std::string_view kPrefixMonth = "M";     // M + YYYYMM
inline constexpr std::string_view kPrefixYear = "Y";      // Y + YYYY
inline constexpr std::string_view kPrefixSource = "XSOURCE";   // XSOURCE + source name
inline constexpr std::string_view kPrefixId = "XID";           // XID + stable id (16 hex)
inline constexpr std::string_view kPrefixTranslation = "XTK";  // XTK + translation key
inline constexpr std::string_view kPrefixDupKey = "XDUP";      // XDUP + near-duplicate key
inline constexpr std::string_view kPrefixKind = "XKIND";       // XKIND + page kind ("article")
// XSTATUS + kStatusLive or kStatusRemoved: whether the site still has the
// article (design.md, "Versions, removals, changes"). Every writer keeps it
// true: the crawl when it records a removal or a restoration, import and
// reindex from the catalogue's removals.
inline constexpr std::string_view kPrefixStatus = "XSTATUS";
inline constexpr std::string_view kStatusLive = "live";
inline constexpr std::string_view kStatusRemoved = "removed";

// XPAIR + word + " " + word: two positional (diacritic-folded) body words at
// adjacent positions, both among the index's pair words
// (kMetadataPairWords). A filter for phrases of frequent words: the phrase
// "foreign affairs" is checked only in the documents that have the pair
// term, not in every document that has both words. Boolean (no weight).
inline constexpr std::string_view kPrefixPair = "XPAIR";
inline std::string PairTerm(std::string_view first, std::string_view second) {
  std::string t(kPrefixPair);
  t.append(first).append(1, ' ').append(second);
  return t;
}

// Free-text prefixes. Stemmed terms are "Z" + prefix + stem (Xapian's
// convention: "Z" body, "ZS" title). Body terms also hold the title words.
inline constexpr std::string_view kPrefixTitle = "S";  // title words
inline constexpr std::string_view kPrefixStem = "Z";

// Query field names (QueryParser) the search front end should map:
//   title: → S (add_prefix), source: → XSOURCE, site: → H, lang: → L,
//   id: → XID, status: → XSTATUS (add_boolean_prefix).

// Value slots.
inline constexpr unsigned kSlotPublished =
    0;  // "YYYYMMDDhhmmss" local time; "" when unknown (sort, ranges)
inline constexpr unsigned kSlotSource = 1;       // source name (facets)
inline constexpr unsigned kSlotDupKey = 2;       // near-duplicate key (collapse)
inline constexpr unsigned kSlotTranslation = 3;  // translation key ("" when none)
inline constexpr unsigned kSlotLanguage = 4;     // ISO 639-1 (facets)
inline constexpr unsigned kSlotYear = 5;         // "YYYY" (facets)
inline constexpr unsigned kSlotArchived =
    6;                                   // sortable_serialise(first-archived unix time) (tie-break)
inline constexpr unsigned kSlotDay = 7;  // sortable_serialise(YYYYMMDD as a number) (date ranges)
inline constexpr unsigned kSlotContentHash =
    8;  // 16 hex: hash of what was indexed (unchanged detection)
inline constexpr unsigned kSlotFetched =
    9;  // "YYYYMMDDhhmmss" UTC of the fetch (newest version wins)
inline constexpr unsigned kSlotDate =
    10;  // "YYYYMMDD" publication date (Omega START/END, DateRangeProcessor)
// language TAB source TAB canonical URL: what search shows of a copy or a
// translation listed beside a result, without reading (and inflating) the
// document data. Absent in indexes written before it: read the data then.
inline constexpr unsigned kSlotLinked = 11;
// kStatusLive or kStatusRemoved, as the XSTATUS term (facets: a
// ValueCountMatchSpy, which remote shards run). Absent in indexes written
// before it: read as live.
inline constexpr unsigned kSlotStatus = 12;

// Document data: Omega's "key=value" lines (url=, caption=, sample=,
// modtime=, language=, size=), then one line "pressarc=" + compact JSON of
// the stored article (url, canonical_url, title, published, language, text,
// source, translation_key, archive {file, offset}, fetched_at), which `show`
// reads.
inline constexpr std::string_view kDataJsonKey = "pressarc=";

// Term weights. BM25 scales a term's wdf down in long documents and up in
// short ones: wdf / ((1 - b) + b * length / average length). Search would
// read every matching document's length for that, which was a third of the
// work of matching a common word on 100,000 documents. So the indexer
// applies that normalisation itself (b = kWdfB, lengths in words against
// kWdfReferenceWords, at least kWdfMinNormLength of it) and multiplies by
// kWdfScale to keep precision in an integer wdf; search then weighs with
// BM25 b = 0 and k1 scaled alike (k1 * kWdfScale): the same ranking without
// reading document lengths. An index written this way says so in its user
// metadata (kMetadataWdf = kWdfNormalised); older indexes keep raw wdfs and
// are searched with Xapian's default BM25.
inline constexpr std::string_view kMetadataWdf = "pressarc.wdf";
inline constexpr std::string_view kWdfNormalised = "bm25-length-normalised-1";
inline constexpr double kWdfScale = 64;
inline constexpr double kWdfB = 0.5;
inline constexpr double kWdfReferenceWords = 400;
inline constexpr double kWdfMinNormLength = 0.5;
inline constexpr double kBm25K1 = 1;  // Xapian's default

// The words whose adjacent pairs the index holds as XPAIR terms, in the
// user metadata: sorted, one per line ("" or absent: none). Set when a
// generation is created (from the term frequencies of the generation it
// replaces, or copied with its documents) and never changed after, so that
// every document of a generation has the pairs of one list.
inline constexpr std::string_view kMetadataPairWords = "pressarc.pair-words";

// The kSlotLinked value.
inline std::string LinkedValue(std::string_view language, std::string_view source,
                               std::string_view canonical_url) {
  std::string v;
  v.reserve(language.size() + source.size() + canonical_url.size() + 2);
  v.append(language).append(1, '\t').append(source).append(1, '\t').append(canonical_url);
  return v;
}
// Reads a kSlotLinked value back; false when it is not one (an index
// written before the slot has none).
inline bool SplitLinkedValue(std::string_view v, std::string_view* language,
                             std::string_view* source, std::string_view* canonical_url) {
  const std::size_t tab1 = v.find('\t');
  if (tab1 == std::string_view::npos) return false;
  const std::size_t tab2 = v.find('\t', tab1 + 1);
  if (tab2 == std::string_view::npos || tab2 + 1 == v.size()) return false;
  *language = v.substr(0, tab1);
  *source = v.substr(tab1 + 1, tab2 - tab1 - 1);
  *canonical_url = v.substr(tab2 + 1);
  return true;
}

}  // namespace pressarc::schema
