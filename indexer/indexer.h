// Indexer: text analysis for Azerbaijani, Russian and English, and the
// Xapian index of articles (schema in indexer/schema.h, docs/index-schema.md).
//
// Analysis (the same for documents and queries):
//  1. NFC, then case folding that is Turkic-aware for "az"/"tr" text (I→ı,
//     İ→i) and plain elsewhere (I→i, İ→i, never the two-code-point "i̇").
//  2. Words are runs of letters, digits, marks and connector punctuation (as
//     Xapian's own tokenizer); apostrophes split words, and an English
//     possessive 's is dropped ("Bayramov's" → bayramov), in documents and
//     queries alike.
//  3. Each word gives, at the same position:
//       - the exact (case-folded) term, wdf 2;
//       - the diacritic-folded term (ə→e, ı→i, ş→s, ç→c, ğ→g, ö→o, ü→u, ё→е,
//         other Latin accents) when it differs, wdf 1 — so `Azerbaycan` finds
//         `Azərbaycan` and an exact match ranks above a folded one;
//       - for Cyrillic names, the Latin transliteration (BGN-style, folded),
//         wdf 1 — so `Lavrov` finds `Лавров`;
//       - "Z" + stem of each of those forms (StemmerFor(document language)).
//     Titles are indexed twice: with prefix "S" and in the body space.
//  4. Stemmers are script-aware: Cyrillic words always get Snowball Russian;
//     Latin words get the document language's stemmer (our own Azerbaijani
//     stemmer for "az", Snowball English for "en"; Latin words in "ru"
//     documents get a light stemmer of transliterated Russian endings).
//
// Queries: use ParseUserQuery() (below). Because stems depend on the
// document language, a query without a language is parsed once per
// language ("az", "en", "ru", other) with that language's stemmer, and the
// parses are merged into one query that matches, for the documents of each
// language, what that language's parse matches: where they differ (a
// stem), the alternatives are ORed, each filtered to its languages.
// Within a branch PrepareQueryText() rewrites the words: case folded, words
// with diacritics searched as (exact OR folded), Cyrillic words as
// (cyrillic OR latin), words inside "phrases" folded (phrases match with or
// without diacritics).
//
// Index layout: DATA/index/current is a Xapian stub file ("auto gen-NNNNNN",
// relative to DATA/index) naming the live generation DATA/index/gen-NNNNNN/.
// Writers either update the live generation in place (crawl, import:
// OpenLive) or build a new one and swap the stub atomically with rename(2)
// (reindex: CreateGeneration + Publish). Readers must open
// DATA/index/current afresh (Database::reopen() does not re-read a stub).
//
// Pair terms: a new generation of a large index also holds XPAIR terms for
// adjacent body words that are both frequent in the generation it replaces
// (PairWords, in its metadata); ParseUserQuery filters exact phrases by
// them when given the searched index's PairWords. Same matches and weights.
//
// Thread safety: the analysis functions and PrepareDocument are reentrant
// (each thread uses its own stemmers and ICU objects). An IndexWriter is
// used by one thread; readers open their own Xapian::Database. One writer
// per data dir (the CLI's lock).
#pragma once

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive.h"  // ArchiveLocation, ArticleSink
#include "config/status.h"
#include "parser/parser.h"

namespace pressarc {

// ---- analysis ---------------------------------------------------------

// NFC + lower-case folding. Turkic rules (I→ı, İ→i) for lang "az"/"tr";
// otherwise I→i and İ→i. Invalid UTF-8 becomes U+FFFD.
std::string FoldCase(std::string_view utf8, std::string_view lang);
// Removes diacritics the way users type without them (ə→e, ı→i, ş→s, ç→c,
// ğ→g, ö→o, ü→u, ß→ss, ё→е, and combining marks). Cyrillic letters other
// than ё keep their marks (й stays й). Input already case-folded.
std::string FoldDiacritics(std::string_view utf8);
// Cyrillic → Latin (Russian BGN/PCGN-style romanisation as ICU's
// "Russian-Latin/BGN", plus Azerbaijani/Ukrainian Cyrillic letters), then
// diacritics folded and lower-cased: "Лавров" → "lavrov", "Щукин" →
// "shchukin". Non-Cyrillic characters pass through.
std::string TransliterateToLatin(std::string_view utf8);
// A case-folded Azerbaijani word as English texts spell Azerbaijani names
// (ə→a, ı→i, ş→sh, ç→ch, ğ→gh, ö→o, ü→u, c→j, x→kh, q→g): "ceyhun" →
// "jeyhun", "əliyev" → "aliyev", "qarabağ" → "garabagh", "gəncə" → "ganja".
std::string RomanizeAzerbaijani(std::string_view word);
// A stemmer for the language: "az" pressarc's own, "en"/"ru" Snowball,
// anything else: Latin words unstemmed. Cyrillic words always get Snowball
// Russian. Safe to copy within one thread (Xapian::Stem is ref-counted
// without atomics: do not share one object between threads).
Xapian::Stem StemmerFor(std::string_view lang);
// The Azerbaijani stemmer alone (for tests and tools): "nazirliklərindən" →
// "nazirlik". Input is case-folded Azerbaijani (with or without diacritics).
std::string StemAzerbaijani(std::string_view word);

// Rewrites a user query so that its words go through the same analysis as
// the documents, leaving QueryParser syntax (AND OR NOT XOR NEAR ADJ,
// quotes, +/-, brackets, prefixes like title:, ranges like 2023..2024,
// wildcards) intact. Values of prefixes not in `free_text_prefixes` (e.g.
// source:, site:, lang:) are kept verbatim. `lang` chooses the case folding
// ("" = plain, no Turkic I).
std::string PrepareQueryText(std::string_view query, std::string_view lang,
                             const std::vector<std::string>& free_text_prefixes = {"title"});

// The frequent words of an index whose adjacent pairs are indexed
// (schema::kPrefixPair, kMetadataPairWords): a phrase of two of them is
// checked only in the documents that have its pair term. Immutable.
class PairWords {
 public:
  PairWords() = default;
  explicit PairWords(std::vector<std::string> words);
  // From the metadata value (one word per line); "" gives none.
  static PairWords Parse(std::string_view metadata);
  // The words of `db` (any term without an upper-case prefix) in at least
  // max(share × documents, min_docs) documents; none when `db` has fewer
  // than min_docs documents. Reads the term list once.
  static PairWords Frequent(const Xapian::Database& db, double share, std::uint64_t min_docs);
  std::string Serialise() const;
  // The words in both lists: those of documents indexed with either (a
  // pair of them has its term in every such document).
  PairWords Intersect(const PairWords& other) const;
  bool Has(std::string_view word) const;
  bool empty() const { return words_.empty(); }
  std::size_t size() const { return words_.size(); }

 private:
  std::vector<std::string> words_;  // sorted, unique
};

// The whole query for a user's query string. `parser` must be configured by
// the caller (default operator, prefixes via add_prefix/add_boolean_prefix,
// range processors, set_database for spelling/wildcards); this sets its
// stemmer and stemming strategy (STEM_SOME) for each language branch.
//   lang "az"/"en"/"ru"/other: one branch with that language's analysis
//     (the caller adds its own L filter if it wants one);
//   lang "": branches az, en, ru each FILTERed by "L<lang>", plus a plain
//     branch for documents of any other or unknown language, ORed together.
//   merged: the parts of the parses that are the same are kept once,
//   unfiltered; where they differ, each language's part is filtered to it.
// `free_text_prefixes` are the field names given to add_prefix() (title).
// `db`, when given, is the index searched: branches for languages it has
// no documents of are left out (the matches are the same, found cheaper).
// `pair_words`, when given, are the pair words of every document of the
// index searched: an exact phrase (OP_PHRASE of as many positions as
// terms) is filtered by the XPAIR terms of its adjacent words that are both
// among them (the same matches and weights, fewer documents checked).
// Errors: a Xapian::QueryParserError is returned as Status::Usage
// ("bad query: ..."). An empty query gives Xapian::Query() (match nothing;
// the caller decides what a filter-only query means).
Result<Xapian::Query> ParseUserQuery(Xapian::QueryParser& parser, std::string_view query,
                                     std::string_view lang, unsigned flags,
                                     const std::vector<std::string>& free_text_prefixes = {"title"},
                                     const Xapian::Database* db = nullptr,
                                     const PairWords* pair_words = nullptr);

// `q` with each exact phrase of plain terms filtered by the XPAIR terms of
// its adjacent terms that are both in `pairs` (as ParseUserQuery does): the
// same matches and weights. For queries parsed without ParseUserQuery.
Xapian::Query FilterPhrasesByPairs(const Xapian::Query& q, const PairWords& pairs);

// `q` with each two-word phrase that FilterPhrasesByPairs filtered by its
// pair term matched by the pair term, the words only weighing
// (`0 * pair AND_MAYBE first AND_MAYBE second`): a document has the pair
// term exactly when the two stand side by side, so the matches, weights and
// percentages are the same and no position is read; the pair term leads
// the matcher, which counts its matches exactly. For the matcher and for
// counting, not for snippets (Xapian's look for the phrase).
Xapian::Query WithoutPairedPositions(const Xapian::Query& q);

// "Did you mean": the query with each plain word that has no match in `db`
// replaced by the index's spelling suggestion; "" when nothing changed.
// (Spelling data is added by the writer from the case-folded words.)
std::string SuggestSpelling(const Xapian::Database& db, std::string_view query,
                            std::string_view lang);

// ---- keys and ids -------------------------------------------------------

// The stable id of a document: 16 lower-case hex digits of SHA-1 of the
// canonical URL. Same after reindex and across shards.
std::string DocumentId(std::string_view canonical_url);
// The near-duplicate key: 16 hex digits of SHA-1 of the normalised words
// (folded, words only) of the article's four longest sentences of 8+ words,
// in text order, after what a copy adds is removed from each sentence
// (datelines, attributions such as "APA-nın məlumatına görə,", "Metbuat.az
// xəbər verir ki,", "Как сообщает …,", "…, сообщает ТАСС", "Mənbə: …" lines);
// paragraph breaks play no part. With fewer such sentences, all sentences of
// 2+ words. A republished copy of a release shares the key
// (docs/index-schema.md). "" for a text without words.
std::string NearDuplicateKey(std::string_view text);
// A term: prefix + value, hashed like omindex when longer than 240 bytes
// (first bytes + ":" + 16 hex of SHA-1), so any URL fits. A value that
// starts with an upper-case letter or ':' follows a ':' (Omega's rule).
std::string BooleanTerm(std::string_view prefix, std::string_view value);
// The language bucket whose analysis a document of language `lang` gets:
// "az", "en" or "ru" for those and their regional forms ("en-GB" is "en"),
// "" for any other. A document's L terms are its language's and, when it
// differs, its bucket's.
std::string_view LanguageBucket(std::string_view lang);

// ---- the index ------------------------------------------------------------

struct IndexPaths {
  static std::string Dir(const std::string& data_dir) { return data_dir + "/index"; }
  static std::string Stub(const std::string& data_dir) { return data_dir + "/index/current"; }
};

struct IndexedArticle {
  Article article;          // kind must be kArticle
  ArchiveLocation archive;  // where its response record is
  std::string fetched_at;   // ISO 8601 UTC of the fetch (WARC-Date) (tie-break: first archived)
  // The site took the article down (the catalogue's removals): the document
  // gets XSTATUSremoved and kSlotStatus "removed" instead of "live".
  bool removed = false;
};

// A document analysed and ready to write (built by PrepareDocument on any
// thread, written by IndexWriter::AddPrepared on the writer's thread).
struct PreparedDocument {
  Xapian::Document document;
  std::string unique_term;                  // Q term
  std::string fetched_at;                   // "YYYYMMDDhhmmss" (UTC) or ""
  std::string content_hash;                 // over the stored data and terms' inputs
  bool removed = false;                     // IndexedArticle::removed
  std::vector<std::string> spelling_words;  // case-folded words for add_spelling
  // The position among the documents of one BulkIndexer run (1, 2, ...), in
  // the order they were pushed; 0 for a document added alone. Of two
  // versions of a URL in one run fetched in the same second, the later one
  // in the run is kept, whichever of the threads finished it first.
  std::uint64_t order = 0;
};

struct PrepareOptions {
  // Length-normalised wdfs (schema::kWdfScale): for indexes whose metadata
  // says so (every index a writer creates); false for documents added to an
  // older index, whose other documents have raw wdfs.
  bool normalise_wdf = true;
  // The index's pair words: adjacent body words both among them get an
  // XPAIR term. nullptr: none.
  std::shared_ptr<const PairWords> pair_words;
};

// Analyses the article into a document (terms, values, data). Reentrant.
// REQUIRES: doc.article.canonical_url (or url) is not empty.
Result<PreparedDocument> PrepareDocument(const IndexedArticle& doc,
                                         const PrepareOptions& options = {});

struct IndexWriterOptions {
  // Documents per automatic commit: of the live generation (a kill -9 loses
  // at most this many), and of a new generation (not searchable before
  // Publish, so only a flush: it keeps Xapian's in-memory inverter small,
  // whose cost per posting grows with its size, and spreads the writing over
  // the run instead of one long commit at the end).
  unsigned batch_size = 1000;
  // Keep the spelling table ("did you mean") up to date.
  bool spelling = true;
  // CreateGeneration only: the new generation's pair words are the words of
  // the generation it replaces (PairWords::Frequent) in at least this share
  // of its documents and at least pair_word_min_docs of them; a smaller
  // index gets none (its phrases are cheap). CopyFrom takes the source's
  // words instead; OpenLive keeps the live generation's.
  double pair_word_share = 0.05;
  std::uint64_t pair_word_min_docs = 5000;
  // CreateGeneration only: databases the new generation is written as, so
  // that as many threads can write at once (AddPrepared on different
  // shards; a URL always goes to the same one, see ShardOf). Publish merges
  // them in its compaction. The live generation is always one database.
  unsigned shards = 1;
  // Publish(): compact the new generation (measured on 3,000 pages: 32 MB
  // written in one commit became 26 MB, in 0.25 s of CPU).
  bool compact = true;
  // Publish(): seconds to wait after swapping the stub before deleting old
  // generations, so that a search that read the old stub a moment ago can
  // still open it. (A search that loses the race anyway gets a
  // DatabaseOpeningError, reopens the stub and runs on the new generation:
  // search/searcher.cc; open files stay readable after the removal.)
  double old_generation_grace_s = 0.25;
};

class IndexWriter {
 public:
  // Opens the live generation for update, creating DATA/index/gen-000001
  // and the stub when there is none. Leftover generations of a crashed
  // reindex are removed (the caller holds the data-dir lock).
  static Result<std::unique_ptr<IndexWriter>> OpenLive(const std::string& data_dir,
                                                       const IndexWriterOptions& options = {});
  // Starts a new, empty generation (for reindex); Publish() swaps it in.
  // Until then the live index is untouched.
  static Result<std::unique_ptr<IndexWriter>> CreateGeneration(
      const std::string& data_dir, const IndexWriterOptions& options = {});
  virtual ~IndexWriter() = default;

  // Adds or replaces the document for the article's canonical URL. Returns
  // true when the index changed (new, or content differs from the stored
  // one). An older fetch (by fetched_at) never replaces a newer one.
  virtual Result<bool> Add(const IndexedArticle& doc) = 0;
  virtual bool Contains(const std::string& canonical_url) = 0;
  virtual Status Commit() = 0;
  // CreateGeneration only: commits, compacts, checks (xapian-check and the
  // document count), replaces the stub atomically (write current.tmp,
  // fsync, rename, fsync the directory) and removes older generations.
  virtual Status Publish() = 0;

  // As Add, for a document prepared on another thread. Calls for documents
  // of different shards (ShardOf) may run at once; of one shard, one at a time.
  virtual Result<bool> AddPrepared(PreparedDocument doc) {
    (void)doc;
    return Status::Runtime("AddPrepared is not supported by this IndexWriter");
  }
  // How many threads may write at once (IndexWriterOptions::shards of a new
  // generation; 1 otherwise), and which of them takes `doc` (by its URL).
  virtual unsigned Shards() const { return 1; }
  virtual unsigned ShardOf(const PreparedDocument& doc) const {
    (void)doc;
    return 0;
  }
  // Marks the document whose canonical or fetched URL is `url` (its U
  // terms) removed from its site, or live again: its XSTATUS term and
  // kSlotStatus value (the content hash stays: the content did not
  // change). Returns true when the index changed; false when it holds no
  // such document or it says so already. Live generation only.
  virtual Result<bool> SetRemoved(const std::string& url, bool removed) {
    (void)url;
    (void)removed;
    return Status::Runtime("SetRemoved is not supported by this IndexWriter");
  }
  // Documents in the generation being written (committed or not).
  virtual std::uint64_t DocumentCount() { return 0; }
  // How documents for this index are prepared (PrepareDocument): with
  // length-normalised wdfs unless the index predates them.
  virtual PrepareOptions Preparation() const { return {}; }
  // The generation's directory name ("gen-000002").
  virtual std::string Generation() const { return ""; }
  // CreateGeneration only, before any Add: starts the new generation as a
  // copy of `source` (every document with its terms, positions, values and
  // data, and the spelling table), so that Publish() swaps in the source
  // plus what is added after; an added document replaces a copied one by
  // the rule of Add (newest fetch wins, first-archived time kept). Documents
  // without a Q term are copied as they are. `source` must have
  // length-normalised wdfs (schema::kMetadataWdf).
  virtual Status CopyFrom(const Xapian::Database& source) {
    (void)source;
    return Status::Runtime("CopyFrom is not supported by this IndexWriter");
  }
};

// The live generation's name from DATA/index/current ("" when no index).
std::string LiveGeneration(const std::string& data_dir);

// Compacts the live generation into a new one and swaps it in, as Publish
// does (check, stub replaced atomically, old generation removed after the
// grace). For after a large import: commits in batches leave Xapian's tables
// about 1.5x the size of a compacted copy. The caller holds the data
// directory lock and has closed its writers. No live index: nothing to do.
Status CompactLive(const std::string& data_dir, const IndexWriterOptions& options = {});

// The live generation's size, taken before documents are added, for
// CompactIfGrown. Zeros when there is no live index.
struct LiveIndexSize {
  std::uint64_t documents = 0;
  std::uint64_t bytes = 0;  // of its files
};
LiveIndexSize MeasureLive(const std::string& data_dir);

// After `added` documents went into the live index (by import or crawl;
// the writer is closed): batch commits leave it about 1.5x the size of a
// compacted copy, and documents added to a compacted index split its full
// blocks (482 pages added to 2,518 grew it from 26 to 48 MB). So it is
// compacted (CompactLive) when `added` is a quarter of it (and at least a
// batch), or when it is more than a third larger than its size `before`
// scaled to its documents now. Returns whether it compacted.
Result<bool> CompactIfGrown(const std::string& data_dir, const LiveIndexSize& before,
                            std::uint64_t added, const IndexWriterOptions& options = {});

// The writer for adding many documents at once (import): the live
// generation is updated in place by one writer thread, whose Xapian writes
// were the slower end of the pipeline; so when the live generation is empty,
// or small next to what comes (at most one document per
// kInputBytesPerLiveDocument of input files: copying a document costs a
// fraction of indexing one), a new generation is built instead, in
// options.shards databases written side by side, starting as a copy of the
// live one (CopyFrom). Publish() then compacts, checks and swaps it in
// atomically; until then, and after a kill -9, the live index is untouched
// and searchable (a rerun of the import indexes the same records again).
// For the live generation, Publish() is Commit(). An older live index with
// raw wdfs is always updated in place.
inline constexpr std::uint64_t kInputBytesPerLiveDocument = 16384;
struct BulkWriter {
  std::unique_ptr<IndexWriter> writer;
  bool new_generation = false;  // Publish() swaps in a new generation
};
Result<BulkWriter> OpenForBulkAdd(const std::string& data_dir, std::uint64_t input_bytes,
                                  const IndexWriterOptions& options = {});

// ---- bulk indexing (import, reindex) ----------------------------------------

// Parses on a pool of threads and writes on one per shard of the writer:
// the caller Push()es tasks (each turns one archived record into an
// article, or nullopt when it is not an article); `threads` workers run them
// and PrepareDocument(); a writer thread per writer->Shards() calls
// writer->AddPrepared() for the documents of its shard. Which version of a
// URL wins is the writer's rule (newest fetch), so the order of completion
// does not matter. Queues are bounded; what grows with the archive is the
// writer's record of the URLs it wrote (their fetch times and content
// hashes, a few hundred bytes each) and the caller's VersionObservations
// (their sort keys, about 140 bytes each; the rest is on disk).
struct BulkIndexStats {
  std::uint64_t tasks = 0;      // records pushed
  std::uint64_t articles = 0;   // tasks that gave an article
  std::uint64_t indexed = 0;    // documents added or replaced
  std::uint64_t unchanged = 0;  // articles already indexed as they are (or older)
  std::uint64_t errors = 0;     // documents that could not be prepared or written
};

class BulkIndexer {
 public:
  using Task = std::function<std::optional<IndexedArticle>()>;
  // REQUIRES: writer outlives this object. threads 0 = one per core.
  BulkIndexer(IndexWriter* writer, unsigned threads);
  ~BulkIndexer();  // waits for the threads (Finish() if not called)
  BulkIndexer(const BulkIndexer&) = delete;
  BulkIndexer& operator=(const BulkIndexer&) = delete;

  // Blocks while the queue is full.
  void Push(Task task);
  // Waits until everything pushed is written. Returns the first write error
  // (the run should then not be published); per-document errors are counted.
  Status Finish();
  BulkIndexStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The index document for an archived record: the record's Article when it is
// of kind `article`, located at (archive_file, the record's offset) and dated
// by its WARC-Date; nullopt for anything else. The one step between
// RecordConverter (archive.h) and the indexer, for import and reindex alike.
std::optional<IndexedArticle> IndexedFromRecord(const RecordConverter& converter,
                                                const WarcRecord& record,
                                                const std::string& archive_file,
                                                const std::string& forced_source = "");

// The visitor (archive.h) that indexes what an import or an archive walk
// reads: every good record is counted in *records; a `response` or
// `resource` record is pushed to `bulk`, converted on its threads
// (IndexedFromRecord, with `forced_source`); damaged records go to `on_bad`;
// each article is also added to `observed` (versions), when not null; an
// article whose URL or canonical URL is in `removed_urls` (the catalogue's
// removals, VersionLog::RemovedUrls) is indexed as removed.
// REQUIRES: bulk, converter, records, observed and removed_urls outlive the
// visitor's use.
class VersionObservations;
RecordVisitor IndexingVisitor(BulkIndexer* bulk, const RecordConverter* converter,
                              std::string forced_source, std::uint64_t* records,
                              std::function<void(const std::string& message)> on_bad,
                              VersionObservations* observed = nullptr,
                              const std::set<std::string>* removed_urls = nullptr);

// ---- the crawl's sink ---------------------------------------------------------

// IndexSink: the ArticleSink (archive.h) the crawl job writes to: the live
// index generation (IndexWriter::OpenLive), committed when the crawler calls
// Commit() (in batches of ~200 articles and at the end of the run). Only
// articles of kind `article` are added. With a VersionLog, each article's
// version is recorded (committed in the catalogue) before it goes to the
// index, so an article replayed after a kill -9 finds its version there and
// adds none. With a VersionLog, an article is also indexed as removed when
// the catalogue says its site took it down, and SetRemoved (the crawler's
// removals and restorations) updates the indexed document. One job, one
// thread.
class IndexSink : public ArticleSink {
 public:
  // Opens (creating when missing) DATA/index's live generation.
  static Result<std::unique_ptr<IndexSink>> Open(const std::string& data_dir,
                                                 std::unique_ptr<VersionLog> versions = nullptr);
  // Wraps an already open writer (tests).
  explicit IndexSink(std::unique_ptr<IndexWriter> writer,
                     std::unique_ptr<VersionLog> versions = nullptr)
      : writer_(std::move(writer)), versions_(std::move(versions)) {}

  Result<bool> Add(const Article& article, const ArchiveLocation& where,
                   const std::string& fetched_at) override;
  Result<bool> SetRemoved(const std::string& url, bool removed) override;
  Status Commit() override;

 private:
  std::unique_ptr<IndexWriter> writer_;
  std::unique_ptr<VersionLog> versions_;
  std::size_t uncommitted_ = 0;
};

// What the tasks of a BulkIndexer (import, reindex) saw of versions, from
// any thread, in a VersionSpool in `spool_dir` (DATA: a reindex of a
// million archived pages held 0.76 GB of them in memory); handed to
// VersionLog::RecordAll or Rebuild after the run.
class VersionObservations {
 public:
  explicit VersionObservations(std::string spool_dir) : spool_(std::move(spool_dir)) {}
  void Add(const IndexedArticle& doc);
  VersionSpool& spool() { return spool_; }

 private:
  VersionSpool spool_;
};

}  // namespace pressarc
