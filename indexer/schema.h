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

// Free-text prefixes. Stemmed terms are "Z" + prefix + stem (Xapian's
// convention: "Z" body, "ZS" title). Body terms also hold the title words.
inline constexpr std::string_view kPrefixTitle = "S";  // title words
inline constexpr std::string_view kPrefixStem = "Z";

// Query field names (QueryParser) the search front end should map:
//   title: → S (add_prefix), source: → XSOURCE, site: → H, lang: → L,
//   id: → XID (add_boolean_prefix).

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

// Document data: Omega's "key=value" lines (url=, caption=, sample=,
// modtime=, language=, size=), then one line "pressarc=" + compact JSON of
// the stored article (url, canonical_url, title, published, language, text,
// source, translation_key, archive {file, offset}, fetched_at), which `show`
// reads.
inline constexpr std::string_view kDataJsonKey = "pressarc=";

}  // namespace pressarc::schema
