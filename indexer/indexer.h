// Indexer: text analysis for Azerbaijani, Russian and English, and the
// Xapian index of articles (schema in indexer/schema.h).
//
// Analysis (the same for documents and queries): NFC; case folding that is
// Turkic-aware (I/ı/İ/i) without breaking English or Russian; diacritic
// folding (ə→e, ı→i, ş→s, ç→c, ğ→g, ö→o, ü→u; ё→е) with the exact form kept
// so that an exact match ranks above a folded one; stemming per document
// language (Snowball english/russian from Xapian, our own Azerbaijani
// stemmer); Cyrillic ↔ Latin transliteration of words so that `Lavrov` finds
// `Лавров` and back.
//
// Index layout: DATA/index/current is a Xapian stub file naming the live
// generation DATA/index/gen-NNNNNN/. Writers either update the live
// generation in place (crawl, import) or build a new one and swap the stub
// atomically with rename(2) (reindex).
//
// Thread safety: an IndexWriter is used by one thread; readers open their
// own Xapian::Database. One writer per data dir (the CLI's lock).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/status.h"
#include "crawler/warc.h"  // ArchiveLocation only (a plain struct)
#include "parser/parser.h"

namespace Xapian {
class QueryParser;
class Stem;
class TermGenerator;
class Document;
}  // namespace Xapian

namespace pressarc {

// ---- analysis ---------------------------------------------------------

// Lower-cases with Turkic rules where they are safe for every language:
// İ→i, I→ı only in Azerbaijani/Turkish text (lang "az"/"tr"); otherwise I→i.
std::string FoldCase(std::string_view utf8, std::string_view lang);
// Removes diacritics the way users type without them (ə→e, ı→i, ş→s, ç→c,
// ğ→g, ö→o, ü→u, ё→е, and combining marks). Input already case-folded.
std::string FoldDiacritics(std::string_view utf8);
// Cyrillic → Latin (ICU "Russian-Latin/BGN" style, then diacritics folded).
std::string TransliterateToLatin(std::string_view utf8);
// A stemmer for the language ("az" is pressarc's own; "en", "ru" Snowball;
// anything else: no stemming).
Xapian::Stem StemmerFor(std::string_view lang);

// Adds the analysed terms of `text` to the generator's current document,
// with `prefix` ("" for body, "S" for title).
void IndexText(Xapian::TermGenerator& generator, std::string_view text, std::string_view lang,
               std::string_view prefix);

// Rewrites a user query so that its words go through the same analysis as
// the documents, leaving QueryParser syntax (AND OR NOT, quotes, prefixes
// like title:, ranges, wildcards) intact. `lang` may be "" (all languages).
std::string PrepareQueryText(std::string_view query, std::string_view lang);

// ---- ids ----------------------------------------------------------------

// The stable id of a document: 16 lower-case hex digits of SHA-1 of the
// canonical URL. Same after reindex and across shards.
std::string DocumentId(std::string_view canonical_url);

// ---- the index ------------------------------------------------------------

struct IndexPaths {
  static std::string Dir(const std::string& data_dir) { return data_dir + "/index"; }
  static std::string Stub(const std::string& data_dir) { return data_dir + "/index/current"; }
};

struct IndexedArticle {
  Article article;           // kind must be kArticle
  ArchiveLocation archive;   // where its response record is
  std::string fetched_at;    // ISO 8601 UTC of the fetch (tie-break: first archived)
};

class IndexWriter {
 public:
  // Opens the live generation for update, creating DATA/index/gen-000001
  // and the stub when there is none.
  static Result<std::unique_ptr<IndexWriter>> OpenLive(const std::string& data_dir);
  // Starts a new, empty generation (for reindex); Publish() swaps it in.
  static Result<std::unique_ptr<IndexWriter>> CreateGeneration(const std::string& data_dir);
  virtual ~IndexWriter() = default;

  // Adds or replaces the document for the article's canonical URL. Returns
  // true when the index changed (new, or content differs from the stored one).
  virtual Result<bool> Add(const IndexedArticle& doc) = 0;
  virtual bool Contains(const std::string& canonical_url) = 0;
  virtual Status Commit() = 0;
  // CreateGeneration only: commits, checks, replaces the stub atomically and
  // removes older generations.
  virtual Status Publish() = 0;
};

}  // namespace pressarc
