// Search: the query front end over the index (schema in indexer/schema.h),
// and the output formats of `pressarc search`, `show` and `stats`.
//
// Query language: Xapian's QueryParser syntax (FLAG_DEFAULT + wildcards +
// spelling correction), all words required by default (OR with
// SearchOptions::match_any). Field prefixes: `title:` (free text, S),
// `source:` (XSOURCE), `lang:`/`language:` (L), `site:`/`host:` (H; a domain
// also matches its subdomains), `id:` (XID), all boolean except `title:`.
// Date ranges on the publication day (value kSlotDay): `2023-01-01..2023-12-31`,
// `2023..2024`, `2023-05..`, `..2023`; both bounds inclusive at the
// granularity given (a year, a month or a day). Where we depart from
// Xapian's lenient parser, so that mistakes are reported rather than
// silently searched: an unbalanced `"` or `(`, an unknown `foo:` prefix
// (other than `http:`/`https:`), an impossible date (2023-02-30) and a
// query with neither words nor filters are usage errors (Status::kUsage,
// exit 2). A query made only of filters matches every document that passes
// them. `status:removed` matches the articles their sites took down (the
// index's XSTATUS term, which every writer keeps true), `status:live` the
// others. Query words go through the indexer's analysis (PrepareQueryText and
// StemmerFor in indexer/indexer.h), so that diacritics, Turkic casing,
// stemming and transliteration match the documents.
//
// Versions: `versions` of results and of `show` come from the catalogue
// (archive.h, DATA/state.sqlite, read-only, two queries per result shown:
// VersionCounts and Removed, which also gives `show` its `removed_at`);
// `status` is the document's (kSlotStatus; so a shard's removals show), or
// removed when the catalogue says so (an index written before the slot); a
// result from another shard counts the versions this data directory knows
// of it, at least one.
//
// Results: near-duplicates (same kSlotDupKey) are folded into one result,
// at the place of the best-ranked of them, whose shown copy is the earliest
// published matching copy (ties: the first archived, kSlotArchived); every
// other copy is listed in `copies`. Other language versions (same
// translation key and source) are listed in `translations`. Snippets come
// from Xapian's MSet::snippet with the query's stemmer, around the first
// match (the text's beginning when the text has no match or the query no
// words), plain text (or ANSI bold when highlight is on).
//
// Exact words (SearchOptions::exact): each word matches its case-folded
// form as written (the index's exact terms): no stemming, no diacritic
// folding, no transliteration, no English spellings of names. Limits of
// the index: a word typed without diacritics is the same term as the
// folded form of words with them (azerbaycan matches Azərbaycan), and words
// inside "phrases" match their diacritic-folded forms, as the index keeps
// word positions on those only.
//
// Index access: read-only through the stub DATA/index/current; a search
// that meets DatabaseModifiedError (a writer committed) or a generation
// swap is retried on a freshly opened database. A Searcher reads the
// revision it opened (a later commit is seen by a new Searcher); a caller
// that keeps Searchers open (the web's pool) asks IndexRevision() whether
// the index changed, and opens a new one when it did.
//
// IndexRevision(data_dir, options): a cheap key (a few stat(2) calls and
// the stub's text, no Xapian) for the committed index that Open would read
// now: the stub's text, and for each glass database it names the identity
// (inode, mtime in ns, size) of the database's version file `iamglass`,
// which Xapian writes anew and renames over the old one on every commit; a
// directory shard the same way. So a `reindex` swap (a new stub) and a
// commit by `crawl` or `import` into the live generation both change the
// key. Equal keys mean the same committed revisions (up to an inode reused
// within the same nanosecond with the same size). nullopt when there is no
// reliable key: a remote (tcp://) shard is configured (its server swaps
// generations out of sight), or a stub names something other than glass
// directories (remote, nested stub, single-file database). "-" stands for
// a missing stub or directory shard.
//
// Shards (OpenOptions::shards, [search] shards): other indexes, remote
// ("tcp://HOST:PORT", served by xapian-tcpsrv) or on this machine (a data
// directory), opened together with the local index as one Xapian database:
// results, totals, folding of copies, translations, facets and ids are
// those of one index holding every document (ties in the order are broken
// by canonical URL, never by Xapian's docids, which differ; a wildcard is
// the exception: Xapian expands and weighs it per shard, so its matches,
// total and facets are the same but its order may not be; facets of more
// than 10,000
// matches are estimates from each shard's own sample: close, not equal,
// see search/facets.h). The servers
// run only Xapian's match, value sorts and ValueCountMatchSpy (Xapian
// 1.4's remote backend runs no KeyMaker at all, built-in or not); the rest
// runs here on the client. A shard that is down or slower than
// shard_timeout_s is left out with a warning ("shard NAME: ..." in
// `warnings`); the others answer.
// Spelling suggestions come from the local index and the directory shards
// only (the remote backend has no spelling data).
//
// Errors are values: kUsage for bad queries and options, kRuntime for a
// missing index ("no index yet") or an unreadable one. Nothing here throws.
//
// Watches (saved searches, their feeds and the Atom writer) are declared in
// search/watch.h.
//
// Thread safety: a Searcher is used by one thread at a time; open one per
// thread. The Format* functions are pure.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive.h"
#include "config/status.h"

namespace pressarc::search {

enum class SortOrder {
  kRelevance,  // best match first (ties: newest first)
  kNewest,     // publication time descending; undated documents last
  kOldest,     // publication time ascending; undated documents last
};

struct SearchOptions {
  std::string query;                   // QueryParser syntax; may be empty when filters are given
  std::vector<std::string> languages;  // --lang: ISO 639-1 codes, ORed together
  std::vector<std::string> sources;    // --source: source names, ORed together
  std::string from;                    // --from YYYY-MM-DD, inclusive ("" = open)
  std::string to;                      // --to YYYY-MM-DD, inclusive ("" = open)
  SortOrder sort = SortOrder::kRelevance;
  std::uint32_t limit = 10;  // results per page
  std::uint32_t offset = 0;  // results skipped (paging)
  bool match_any = false;    // --any: words ORed instead of ANDed
  bool fold_copies = true;   // false with --all: every near-duplicate is its own result
  bool exact = false;        // --exact: words as typed (case folded only): no stemming, no
                             // diacritic folding, no transliteration (see BuildQuery)
  bool facets = false;  // count results by source, language, year, month, status (estimated from a
                        // sample above 10,000 matches: Facets::approximate)
  bool highlight = false;  // wrap matched words of snippets in ANSI bold
  // Wrap matched words of snippets in the control characters kMarkOn and
  // kMarkOff instead (for a caller that renders them itself, e.g. as HTML
  // after escaping the text). Snippet text never holds these characters.
  bool highlight_markers = false;
  std::size_t snippet_bytes = 240;  // snippet length (UTF-8 bytes, cut on word boundaries)
  std::uint32_t wildcard_limit =
      1000;                       // a `word*` expands to at most this many terms (most frequent)
  std::uint32_t max_linked = 50;  // copies/translations listed per result, at most
  // Only documents with these stable ids (watches present their new
  // matches this way); empty = no restriction.
  std::vector<std::string> ids;
};

// Another document tied to a result: a near-duplicate copy or a translation.
struct LinkedDocument {
  std::string id;
  std::string url;
  std::string language;
  std::string source;
  std::string published;  // as the page gave it; "" = unknown
};

struct SearchHit {
  std::uint32_t rank = 0;  // 1-based, counting the offset
  std::string id;          // stable id (XID), from the canonical URL
  std::string url;         // the canonical URL
  std::string title;
  std::string published;  // ISO 8601 as the page gave it; "" = unknown (null in JSON)
  std::string language;
  std::string source;
  std::string snippet;                 // plain text, or with ANSI bold when highlight was asked for
  double score = 0;                    // Xapian weight (BM25); 0 for filter-only queries
  int percent = 0;                     // Xapian's percentage score
  std::vector<LinkedDocument> copies;  // other copies of the same release (folded)
  std::vector<LinkedDocument> translations;  // other language versions
  int versions = 1;                          // versions of the article (catalogue)
  std::string status = "live";               // live | removed
};

// The highlight markers of SearchOptions::highlight_markers.
inline constexpr char kMarkOn = '\x01';
inline constexpr char kMarkOff = '\x02';

struct FacetValue {
  std::string value;
  std::uint64_t count = 0;
};

struct Facets {
  std::vector<FacetValue> sources;    // most frequent first
  std::vector<FacetValue> languages;  // most frequent first
  std::vector<FacetValue> years;      // newest first
  std::vector<FacetValue> months;     // "YYYY-MM", oldest first (a histogram's bars)
  // "live", "removed" (kSlotStatus), most frequent first; an index written
  // before the slot counts nothing here until reindexed.
  std::vector<FacetValue> statuses;
  // The counts are estimates: the counts of a sample of the matches (about
  // 10,000, spread over the index; through remote shards each shard's first
  // ones) scaled to all of them (search/facets.h).
  bool approximate = false;
  std::uint64_t scale = 1;  // about this many matches per match counted (1 = exact)
};

struct SearchResponse {
  std::string query;  // the query as given
  // The matches, copies folded: exact up to 200, above that an estimate
  // less the share of copies among the results read. The estimate is
  // Xapian's where its bounds agree (one word), else counted in a sample of
  // about 250 matches spread over the index (search/match_sample.h);
  // through remote shards, Xapian's.
  std::uint64_t total = 0;
  // `total` is an estimate: the text and the web page say "about N
  // results". (Not in the JSON, whose "total" is documented as one.)
  bool total_estimated = false;
  std::vector<SearchHit> hits;
  std::optional<std::string> suggestion;  // "did you mean", when the query finds little
  std::optional<Facets> facets;           // with SearchOptions::facets
  std::vector<std::string> warnings;      // "shard NAME: ..." for each shard left out
};

// One stored article in full (`pressarc show`).
struct StoredArticle {
  std::string id;
  std::string url;
  std::string canonical_url;
  std::string title;
  std::string published;
  std::string language;
  std::string text;
  std::string source;
  std::string translation_key;
  std::string fetched_at;
  std::string archive_file;
  std::uint64_t archive_offset = 0;
  std::vector<LinkedDocument> translations;
  std::vector<LinkedDocument> copies;
  // From the catalogue's versions (an article indexed before versions were
  // kept has one: its indexed fetch).
  int versions = 1;
  std::string status = "live";  // live | removed
  std::string removed_at;       // "" = not removed
  struct Stamp {
    int version = 0;
    std::string fetched_at;
  };
  std::vector<Stamp> history;         // oldest first
  std::vector<std::string> warnings;  // shards left out (their copies/translations are missing)
};

struct IndexStats {
  bool has_index = false;
  std::uint64_t documents = 0;
  std::vector<FacetValue> sources;    // by name
  std::vector<FacetValue> languages;  // by code
  std::vector<FacetValue> years;      // ascending
  std::uint64_t archive_bytes = 0;    // regular files in DATA/archive/
  std::uint64_t archive_files = 0;
  std::optional<RunInfo> last_crawl;  // the newest crawl run (archive.h), when there is one
  std::uint64_t edited = 0;           // articles with more than one version (catalogue)
  std::uint64_t shards = 0;           // shards that answered (counts include theirs)
  std::vector<std::string> warnings;  // "shard NAME: ..." for each shard left out
};

// What is opened besides DATA/index/current ([search] in the config).
struct OpenOptions {
  // "tcp://HOST:PORT" (Xapian remote server) or a data directory; searched
  // together with the local index, which may then be missing.
  std::vector<std::string> shards;
  int shard_timeout_s = 10;  // a shard slower than this (connect or reply) counts as down
};

// Checks options that need no index (dates, limits, query syntax), so that
// usage errors win over "no index yet". Search() calls it too.
Status ValidateSearchOptions(const SearchOptions& options);

// "YYYY-MM-DD" → YYYYMMDD when it is a real calendar date.
std::optional<int> ParseIsoDay(std::string_view text);

class Searcher {
 public:
  // Opens DATA/index/current read-only, with the shards of `options`.
  // kRuntime "no index yet ..." when there is none and no shard; kRuntime
  // when shards are given and none of them nor a local index answers.
  static Result<std::unique_ptr<Searcher>> Open(const std::string& data_dir,
                                                const OpenOptions& options = {});
  virtual ~Searcher() = default;

  virtual Result<SearchResponse> Search(const SearchOptions& options) = 0;
  // By stable id (16 hex digits, with or without "id:") or by URL (any
  // form: normalised, then matched against canonical and fetched URLs).
  // kRuntime "no article ..." when unknown (naming the shards that are
  // down, where it may be).
  virtual Result<StoredArticle> Show(std::string_view url_or_id) = 0;
  // The stable id of the article with this URL (any form, matched as Show
  // matches it), nullopt when the index has none. Reads no stored text.
  virtual std::optional<std::string> FindId(std::string_view url) {
    auto article = Show(url);
    if (!article.ok()) return std::nullopt;
    return article->id;
  }
  virtual std::uint64_t DocumentCount() = 0;
};

// The index's revision key (see "Index access" above), or nullopt when it
// cannot be told reliably. Never throws.
std::optional<std::string> IndexRevision(const std::string& data_dir,
                                         const OpenOptions& options = {});

// Index counts plus the archive and last crawl; works without an index
// (has_index false, documents 0). kRuntime when DATA does not exist. The
// index counts include the shards of `options` that answer.
Result<IndexStats> CollectStats(const std::string& data_dir, const OpenOptions& options = {});

// ---- output -------------------------------------------------------------

enum class OutputFormat { kText, kJson, kJsonl, kCsv };

struct FormatOptions {
  bool color = false;    // text: ANSI styles (stdout is a terminal)
  bool csv_bom = false;  // csv: start with a UTF-8 BOM (for Excel); off by default (scripts)
};

// text: a human listing; json: the contract's object {"query", "total",
// "results", "suggestion"} (+ "facets"); jsonl: one result object per line;
// csv: RFC 4180 (CRLF, quotes doubled), header
// rank,id,url,title,published,language,source,score,snippet,copies,translations.
// Cells starting with = + @ (formula triggers) get a leading apostrophe.
std::string FormatSearch(const SearchResponse& response, OutputFormat format,
                         const FormatOptions& options = {});
std::string FormatArticleText(const StoredArticle& article);
std::string FormatArticleJson(const StoredArticle& article);  // one line + "\n"
std::string FormatStatsText(const IndexStats& stats);
std::string FormatStatsJson(const IndexStats& stats);  // one line + "\n"
// ---- history and changes (search/history.cc) ----------------------------------
// `pressarc history` and `changes`, and the web interface's article versions
// and change log: library calls returning structs, and their text and JSON.

// One version of an article, read back from the archive.
struct VersionView {
  ArticleVersion version;
  std::optional<NormalisedArticle> article;  // nullopt: the record could not be read
  // Against the previous version; nullopt for version 1 (or when either
  // record could not be read, or the previous version was not asked for).
  std::optional<std::vector<DiffSegment>> diff;
};

struct ArticleHistory {
  std::string id;   // the stable id (DocumentId of the canonical URL)
  std::string url;  // the canonical URL
  std::string status = "live";
  std::string removed_at;             // "" = not removed
  int total = 0;                      // versions the article has
  std::vector<VersionView> versions;  // oldest first (only the one asked for, with `only`)
};

struct HistoryOptions {
  int only = 0;  // > 0: that version alone, whole, without its diff
};

// The versions of an article (a URL in any of its forms, or an id, as
// `show` takes them) with the diffs between consecutive versions, computed
// from the archived records through `converter`. kRuntime when the article
// is unknown; kUsage when `only` names no version of it.
Result<ArticleHistory> LoadHistory(const std::string& data_dir, const RecordConverter& converter,
                                   std::string_view url_or_id, const HistoryOptions& options = {});

// text: each version's header, then its changes as `git diff
// --word-diff=plain` prints them ([-old-]{+new+} with `context_words` of
// context; red and green with options.color); with HistoryOptions::only,
// that version whole. json: the contract's object {"id", "url", "status",
// "versions": [{"version", "fetched_at", "title", "published", "digest",
// "archive": {file, offset}, "diff"}]} (+ "text" of a version asked for alone).
std::string FormatHistoryText(const ArticleHistory& history, const FormatOptions& options = {},
                              std::size_t context_words = 5);
std::string FormatHistoryJson(const ArticleHistory& history);  // one line + "\n"

// `--since`: a UTC day YYYY-MM-DD (its start), or a duration back from
// `now` (UNIX seconds): Nd, Nh, Nm (minutes), Nw. Gives the ISO 8601 UTC
// lower bound; kUsage for anything else.
Result<std::string> ParseSince(std::string_view text, std::int64_t now);

// The change log, newest first (ChangeFilter in archive.h): the catalogue's
// version events (new, edited) merged with its removal events (removed,
// restored: described by the article's last version, 0 words, no excerpt).
// Ties: by URL, the later version first, a removal after the version.
// An empty log when the data directory has no catalogue yet.
Result<std::vector<ChangeEvent>> LoadChanges(const std::string& data_dir,
                                             const ChangeFilter& filter);
// text: one line per event (time, kind, version, words, source, title,
// URL) and its excerpt; json: an array of the contract's event objects
// {"kind", "at", "id", "url", "title", "source", "language", "version",
// "words_added", "words_removed", "excerpt"}; jsonl: one object per line.
// (csv is not a changes format: given, text is written.)
std::string FormatChanges(const std::vector<ChangeEvent>& events, OutputFormat format,
                          const FormatOptions& options = {});

// One CSV cell per RFC 4180 (quoted when needed), with formula neutralising.
std::string CsvCell(std::string_view value);

}  // namespace pressarc::search
