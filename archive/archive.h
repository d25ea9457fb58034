// Archive: pressarc's source of truth, and the one path from an archived
// record to an Article.
//
// What it does. Writes and reads WARC files (ISO 28500: writes WARC/1.1,
// reads 1.1, 1.0, 0.18 and 0.17), puts existing WARC and HTML files into the
// archive (ArchiveImporter, judged by content) and walks it
// (ForEachArchiveRecord), decodes the HTTP messages they hold, turns
// an archived record into an Article (RecordConverter: the one conversion
// used by crawl replay, import and reindex), decides which configured source
// a URL belongs to (SourceScope, the crawler's scope rules), and owns the
// catalogue in DATA/state.sqlite (Catalogue: fetch history, runs, the
// crawler's frontier, which the crawler keeps there through this API, and
// the removals of archived articles with their events, for the change log).
// Nothing else runs SQL on these tables: `stats` reads them with ReadLastRun.
//
// Ownership. The archive directory DATA/archive/ is append-only: records are
// never rewritten (a torn tail left by a killed writer is cut on the next
// Open). The caller of a writer holds the data directory lock.
//
// WARC writer: one gzip member per record; `warcinfo` first in each file;
// `request` + `response` pairs; for a 304, `request` + `revisit` (profile
// server-not-modified, an empty block, so that replay tools serve the
// original's head and body: see WriteRevisit) + `metadata` (the 304's status
// line and headers as application/warc-fields); WARC-Block-Digest and WARC-Payload-Digest (sha1,
// base32) that verify; WARC-Concurrent-To linking a request to its response; files named
// pressarc-YYYYMMDDhhmmss-NNNNN.warc.gz, rotated at a size; each record is
// flushed (fflush + fsync on Flush()) before its location is returned, so a
// crash never loses a record that the state database points to. While a
// file is being written an empty marker "<file>.open" stands beside it; a
// clean close removes it. Open() repairs the files whose marker a killed
// process left: it cuts them after their last complete gzip member (so no
// reader ever meets a partial record) and removes the marker.
//
// Extension field: pressarc writes `Pressarc-Source: NAME` on the response,
// revisit and resource records it archives for a source (the configured
// source a crawl fetched the page for, or the source an import assigned),
// so that the archive alone says which source each page belongs to. WARC
// 1.1 allows fields it does not define (readers ignore them); the name has no
// "WARC-" prefix, which the standard keeps for its own fields.
//
// WARC reader: gzip per record, whole-file gzip, or plain; reports each
// record with its file offset (the offset of its gzip member, or of "WARC/"
// when uncompressed). A damaged record is reported through Status and
// skipped; reading goes on at the next record when it can be found (never a
// crash, never an endless loop).
//
// Thread safety: a WarcWriter, WarcReader or Catalogue is used by one thread
// at a time; a RecordConverter is immutable after Create and may be shared by
// any number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/status.h"
#include "parser/parser.h"

struct sqlite3;

namespace pressarc {

// ===== WARC records ========================================================

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; "" when absent.
std::string FindHeader(const HeaderList& headers, std::string_view name);

// The extension field naming a record's source (see above).
inline constexpr char kSourceField[] = "Pressarc-Source";

struct ArchiveLocation {
  std::string
      file;  // file name relative to the archive dir (or absolute for imports read in place)
  std::uint64_t offset = 0;
};

struct WarcRecord {
  std::string version;  // "WARC/1.1"
  HeaderList headers;   // WARC named fields, in order
  std::string block;    // the content block, exactly as stored
  ArchiveLocation location;

  std::string Type() const { return FindHeader(headers, "WARC-Type"); }
  std::string TargetUri() const;  // WARC-Target-URI without <> wrapping
  std::string Date() const { return FindHeader(headers, "WARC-Date"); }
  std::string RecordId() const { return FindHeader(headers, "WARC-Record-ID"); }
  // The Pressarc-Source field, trimmed; "" when absent or not a plausible
  // name (longer than 200 bytes, or holding control characters).
  std::string Source() const;
};

// An HTTP/1.x message as found in a request/response/revisit block.
struct HttpMessage {
  int status = 0;  // responses only
  std::string start_line;
  HeaderList headers;
  std::string body;  // de-chunked; still Content-Encoded if the headers say so
};
// Parses an HTTP response block; de-chunks a chunked body. Best effort: a
// truncated block gives what is there.
Result<HttpMessage> ParseHttpResponse(std::string_view block);
// Decodes gzip/deflate/brotli Content-Encoding of a body (identity passes
// through). `encoding` is the header value ("gzip", "x-gzip", "deflate" zlib
// or raw, "br", "identity", or a list such as "gzip, br"). An error when the
// output would exceed `max_bytes` (gzip and brotli bombs), for corrupt data and
// for unknown codings (e.g. "zstd"); a stream cut short gives what could be decoded.
Result<std::string> DecodeContentEncoding(std::string_view body, std::string_view encoding,
                                          std::size_t max_bytes);

// What the crawler hands to the writer for one exchange.
struct HttpExchange {
  std::string url;
  std::string method = "GET";
  std::string request_headers;  // raw, as sent: "GET /x HTTP/1.1\r\nHost: ...\r\n\r\n"
  std::string ip;               // WARC-IP-Address, "" when unknown
  std::string fetch_time;       // WARC-Date, "YYYY-MM-DDThh:mm:ssZ"
  int status = 0;
  std::string status_line;      // "HTTP/1.1 200 OK"
  HeaderList response_headers;  // as received, minus Transfer-Encoding / Content-Encoding when the
                                // body is stored decoded (the writer sets Content-Length to
                                // body.size(), keeping a different received value as
                                // X-Original-Content-Length, and renames any Transfer-Encoding to
                                // X-Original-Transfer-Encoding: a stored body is never chunked)
  std::string body;             // entity body as stored
  bool truncated = false;       // WARC-Truncated: length
  std::string source;           // Pressarc-Source on the response/revisit, "" = none
};

struct WarcWriterOptions {
  std::string dir;  // the archive directory; created if missing
  std::string prefix = "pressarc";
  std::uint64_t max_file_bytes = 1073741824;  // rotate after a file grows past this
  std::string software = "pressarc/0.1";      // for warcinfo
  std::string operator_info;                  // for warcinfo, optional
  int gzip_level = 6;  // deflate level 1-9: 6 as wget and Heritrix; lower is faster
};

class WarcWriter {
 public:
  static Result<std::unique_ptr<WarcWriter>> Open(const WarcWriterOptions& options);
  virtual ~WarcWriter() = default;
  // Writes request + response; returns the response record's location.
  virtual Result<ArchiveLocation> WriteExchange(const HttpExchange& exchange) = 0;
  // Writes request + revisit (server-not-modified, empty block) + metadata
  // (the 304's head) for a 304, referring to the original response (its URI
  // and date); returns the revisit's location. pywb replays a revisit with
  // its own HTTP head when it has one, and a 304 head replays blank
  // (warc_writer.cc says where in pywb's source).
  virtual Result<ArchiveLocation> WriteRevisit(const HttpExchange& exchange,
                                               const std::string& refers_to_date,
                                               const std::string& refers_to_record_id) = 0;
  // Writes a `resource` record (imports of plain HTML files); `source` goes
  // into Pressarc-Source ("" = no such field).
  virtual Result<ArchiveLocation> WriteResource(const std::string& url, const std::string& date,
                                                const std::string& content_type,
                                                const std::string& body,
                                                const std::string& source) = 0;
  // Everything written so far is on disk (fflush + fsync).
  virtual Status Flush() = 0;
};

class WarcReader {
 public:
  static Result<std::unique_ptr<WarcReader>> Open(const std::string& path);
  virtual ~WarcReader() = default;
  // Reads the next record into *record. Returns false at the end. A damaged
  // record sets *error (not ok) and is skipped; the caller may keep calling.
  // (When *error is set, the call returns true with an empty *record: report
  // the error and call again. Damage between records, e.g. garbage, comes as
  // such a call of its own before the next good record.)
  virtual bool Next(WarcRecord* record, Status* error) = 0;
};

// Reads the one record at `offset` of `path` (for `show` and replays).
// `offset` is what the writer or a WarcReader reported: a gzip member's
// offset, a plain file's byte offset, or (whole-file gzip) the record's
// position in the uncompressed stream.
Result<WarcRecord> ReadWarcRecordAt(const std::string& path, std::uint64_t offset);

// ===== From a record to an Article =========================================

// Which configured source a URL belongs to: it matches an `allow` regex (or,
// with none configured, shares an origin with a start URL) and matches no
// `deny` regex. The crawler uses the same rules for its frontier.
class SourceScope {
 public:
  // kUsage when a regex does not compile.
  static Result<SourceScope> Build(const SourceConfig& source);

  bool InScope(std::string_view url) const;
  // True when the source has article patterns and the URL matches one.
  bool IsArticleUrl(std::string_view url) const;
  bool has_article_patterns() const { return !article_.empty(); }
  const std::set<std::string>& start_origins() const { return origins_; }

 private:
  std::vector<UrlPattern> allow_;
  std::vector<UrlPattern> deny_;
  std::vector<UrlPattern> article_;
  std::set<std::string> origins_;
};

// True when a body with this Content-Type is an HTML page: an HTML type, or
// (no type, text/plain, octet-stream) a body that sniffs as HTML.
bool LooksLikeHtml(std::string_view content_type, std::string_view body);

struct RecordOptions {
  // Decoded bodies larger than this are not parsed (gzip and brotli bombs).
  std::size_t max_body_bytes = 64u << 20;
  // Resolve the article's links (a crawler follows them, an indexer does not).
  bool collect_links = false;
};

// The one conversion from an archived record (a 2xx HTML `response`, or a
// `resource`) to an Article: HTTP parsing, Content-Encoding decoding within
// max_body_bytes, the HTML check, the source and its extraction hints, the
// parser. Immutable after Create; safe to share between threads.
class RecordConverter {
 public:
  // kUsage when a source's regex does not compile. `config` must outlive
  // the converter.
  static Result<RecordConverter> Create(const Config& config, const RecordOptions& options = {});

  // The Article, or nullopt when the record holds no HTML page. Its source
  // is, first that applies: `forced_source` (import --source); the record's
  // own Pressarc-Source field; the configured source covering the URL
  // (SourceFor); the URL's host; "local" (file:// pages). Extraction hints
  // come from the configured source of that name, else from the one
  // covering the URL. `url` and `canonical_url` are never empty (the
  // record's target URI when the page names none).
  std::optional<Article> Convert(const WarcRecord& record,
                                 const std::string& forced_source = "") const;

  // The configured source whose scope covers `url`; nullptr when none does.
  const SourceConfig* SourceFor(std::string_view url) const;

 private:
  RecordConverter(const Config* config, RecordOptions options)
      : config_(config), options_(options) {}
  const Config* config_;
  RecordOptions options_;
  std::vector<SourceScope> scopes_;  // parallel to config_->sources
};

// Receives each new or changed article in archive order. Called from one
// thread at a time, never concurrently. The indexer provides the real one
// (IndexSink, indexer.h).
class ArticleSink {
 public:
  virtual ~ArticleSink() = default;
  // Returns true when the article was added to or replaced in the index.
  virtual Result<bool> Add(const Article& article, const ArchiveLocation& where,
                           const std::string& fetched_at) = 0;
  virtual Status Commit() = 0;  // called in batches and at the end
  // The archived article fetched from `url` was removed from its site
  // (`removed`) or restored: the index says so from now on (committed with
  // the next Commit). Returns true when the index changed.
  virtual Result<bool> SetRemoved(const std::string& url, bool removed) {
    (void)url;
    (void)removed;
    return false;
  }
};

// ===== Files into the archive, records out of it ===========================

// True when `head` (a file's first bytes) is an HTML document as a browser
// sniffs one: WHATWG MIME Sniffing, "rules for identifying an unknown MIME
// type" (https://mimesniff.spec.whatwg.org/#identifying-a-resource-with-an-unknown-mime-type),
// its HTML patterns: after leading whitespace (HT LF FF CR SP), one of
// <!DOCTYPE HTML, <HTML, <HEAD, <SCRIPT, <IFRAME, <H1, <DIV, <FONT, <TABLE,
// <A, <STYLE, <TITLE, <B, <BODY, <BR, <P, <!-- in any case, followed by a
// space or '>'. Only the first 1445 bytes are looked at (the spec's
// resource header). Departures: a UTF-8 byte order mark before it is
// skipped (saved pages often start with one), and a head holding a binary
// data byte (the spec's: 00-08, 0B, 0E-1A, 1C-1F) is never HTML.
bool SniffsAsHtml(std::string_view head);

// Receives the records an import or an archive walk reads, in file order.
struct RecordVisitor {
  // A good record (any type) and the archive file holding it (a name in
  // the archive directory).
  std::function<void(std::shared_ptr<const WarcRecord> record, const std::string& archive_file)>
      record;
  // A damaged record or stretch of garbage, skipped; the message names the file.
  std::function<void(const std::string& message)> bad;
};

struct ImportOptions {
  std::string archive_dir;  // DATA/archive; created on the first file archived
  // import --source: recorded (Pressarc-Source) with each HTML file
  // archived; "" = the configured source covering the page's URL, if any.
  std::string source;
  std::size_t max_html_bytes = 50u << 20;  // an HTML file is read up to this (the parser's cap)
};

// Puts existing files into the archive (`pressarc import`), by content:
//  - a WARC file (by its .warc/.warc.gz/.warc.gzip name, or content that
//    reads as one) is copied verbatim as DATA/archive/import-<hash>-<name>
//    (tmp + fsync + rename), so its digests stay valid and reindex replays
//    it; its content hash keys it: the same file under another name is not
//    copied again. One whose first record cannot be read is rejected.
//  - an HTML file (SniffsAsHtml) becomes a WARC `resource` record in
//    DATA/archive/import-*.warc.gz, under the page's own canonical URL
//    (<link rel=canonical> or og:url, absolute http(s)), else
//    file://ABSOLUTE-PATH, dated by the file's modification time.
//  - anything else (binaries, archives, ARC files, directories) is rejected
//    and not archived.
// The caller holds the data directory lock.
class ArchiveImporter {
 public:
  // `converter` (may be null) names the configured source of an HTML page.
  ArchiveImporter(ImportOptions options, const RecordConverter* converter);
  ~ArchiveImporter();
  ArchiveImporter(const ArchiveImporter&) = delete;
  ArchiveImporter& operator=(const ArchiveImporter&) = delete;

  // Archives `path` and hands each of its records, as now archived, to
  // `visit`. A file not imported gives an error naming it: "PATH: is a
  // directory (skipped)", "PATH: no such file (skipped)", "PATH: not a WARC
  // or HTML file (skipped)", "PATH: not imported: not a readable WARC file
  // (why)", or an I/O error.
  Status Import(const std::string& path, const RecordVisitor& visit);
  // The HTML records written so far are on disk.
  Status Flush();

 private:
  Status ImportWarc(const std::string& path, const RecordVisitor& visit);
  Status ImportHtml(const std::string& path, const RecordVisitor& visit);
  Result<std::string> CopyIntoArchive(const std::string& path);
  Status MakeArchiveDir();
  WarcRecord HtmlRecord(const std::string& path, std::string body) const;

  ImportOptions options_;
  const RecordConverter* converter_;
  std::unique_ptr<WarcWriter> writer_;  // for HTML files, opened on the first
};

// The WARC files of the archive directory (names ending .warc, .warc.gz or
// .warc.gzip, not starting with '.'), sorted by name; empty when there is
// no such directory.
Result<std::vector<std::string>> ListArchiveFiles(const std::string& archive_dir);
// Reads every record of `files` (names in `archive_dir`), in order, into
// `visit`. An error when a file cannot be opened (the files after it are
// not read).
Status ForEachArchiveRecord(const std::string& archive_dir, const std::vector<std::string>& files,
                            const RecordVisitor& visit);

// ===== Versions and word diffs =============================================
// A version of an article (one canonical URL) is a distinct extracted
// article: its title, publication date and text as the parser gives them,
// normalised (NormaliseArticle: NFC, each run of white space one space,
// paragraphs apart by one blank line, ends trimmed). So boilerplate, markup,
// counters and tokens, which the parser leaves out, and white space make no
// version. Fetches are compared with the version before them in time: an
// article that goes back to an earlier text makes a new version. A
// version's fetched_at is the first fetch that saw it; its digest is
// "sha256:" + hex of the normalised article (title, published and text, one
// per line). Versions are derived from archived records only, so `reindex`
// rebuilds them (VersionLog::Rebuild) and loses nothing.

struct NormalisedArticle {
  std::string title;
  std::string published;
  std::string text;  // paragraphs joined by "\n\n"
};
NormalisedArticle NormaliseArticle(const Article& article);
// "sha256:" + 64 lower-case hex digits.
std::string ArticleDigest(const NormalisedArticle& article);

enum class DiffOp { kEqual, kInsert, kDelete };
struct DiffSegment {
  DiffOp op = DiffOp::kEqual;
  std::string text;  // words joined by one space; a paragraph break is "\n\n"
  int words = 0;     // words in `text` (paragraph breaks are not words)
};
// Word-level diff (dtl's O(NP) shortest edit script over word tokens; a
// paragraph break is a token of its own). Adjacent tokens of one op make
// one segment; within a change, the deletion comes before the insertion.
std::vector<DiffSegment> WordDiff(std::string_view before, std::string_view after);
// The diff of two versions: title, a paragraph break, then the text.
std::vector<DiffSegment> ArticleDiff(const NormalisedArticle& before,
                                     const NormalisedArticle& after);
struct DiffSummary {
  int words_added = 0;
  int words_removed = 0;
  // The first changed passage in word-diff form ("... context [-old-]{+new+}
  // context ..."), at most about `max_bytes`; "" when nothing changed.
  std::string excerpt;
};
DiffSummary SummariseDiff(const std::vector<DiffSegment>& diff, std::size_t context_words = 6,
                          std::size_t max_bytes = 300);

// One version of an article, as the catalogue keeps it.
struct ArticleVersion {
  std::string url;         // the canonical URL
  int version = 0;         // 1 = first
  std::string fetched_at;  // UTC, ISO 8601 ("2024-05-01T10:00:00Z")
  std::string digest;
  std::string title;
  std::string published;
  std::string source;
  std::string language;
  ArchiveLocation archive;  // the response (or resource) record
  // Against the previous version; version 1: all its words added, none removed.
  int words_added = 0;
  int words_removed = 0;
  std::string excerpt;  // the changed passage (version 1: the article's lead)
};

// What one archived article says about versions (ObserveVersion).
struct VersionObservation {
  std::string url;  // canonical URL
  std::string fetched_at;
  std::string digest;
  std::string title;
  std::string published;
  std::string source;
  std::string language;
  ArchiveLocation archive;
  int words = 0;     // words of title and text
  std::string lead;  // the text's beginning (a new article's excerpt)
};
VersionObservation ObserveVersion(const Article& article, const ArchiveLocation& where,
                                  const std::string& fetched_at);

// The observations of one import or reindex, which can be a million: kept
// on disk, in an unnamed temporary file of a folder (O_TMPFILE: nothing is
// left behind by a kill -9), with only each one's sort key in memory (its
// URL, fetch time and archive place, about 140 bytes, against about 760
// for a whole observation). Add may be called from any thread. A write
// that fails (a full disk) is kept and returned by ForEachSorted, which
// then reads nothing.
class VersionSpool {
 public:
  // The file is made in `dir` at the first Add (DATA: where the archive
  // and the index are, not a /tmp that may be in memory).
  explicit VersionSpool(std::string dir);
  ~VersionSpool();
  VersionSpool(const VersionSpool&) = delete;
  VersionSpool& operator=(const VersionSpool&) = delete;

  void Add(const VersionObservation& observation);
  std::size_t size() const;
  // Calls `fn` with each observation, ordered by (url, fetched_at, archive
  // file, archive offset); stops at the first error.
  Status ForEachSorted(const std::function<Status(const VersionObservation&)>& fn);

 private:
  struct Key;
  Status Flush();  // REQUIRES: mu_ held
  mutable std::mutex mu_;
  std::string dir_;
  int fd_ = -1;
  std::uint64_t written_ = 0;  // bytes in the file
  std::string buffer_;         // bytes after them, not yet written
  std::vector<Key> keys_;
  std::vector<std::string> files_;  // archive file names, each once (Key::file)
  std::unordered_map<std::string, std::uint32_t> file_numbers_;  // their places in files_
  Status error_;
};

// ===== The change log ========================================================

enum class ChangeKind { kNew, kEdited, kRemoved, kRestored };
std::string_view ChangeKindName(ChangeKind kind);  // "new", "edited", "removed", "restored"
std::optional<ChangeKind> ParseChangeKind(std::string_view name);

// One event of `pressarc changes`. new and edited come from versions;
// removed and restored from the removal records (version: the last one).
struct ChangeEvent {
  ChangeKind kind = ChangeKind::kNew;
  std::string at;  // UTC, ISO 8601
  std::string url;
  std::string title;
  std::string source;
  std::string language;
  int version = 0;
  int words_added = 0;
  int words_removed = 0;
  std::string excerpt;
};

struct ChangeFilter {
  std::string since;                 // events at or after this UTC time ("" = all)
  std::vector<std::string> sources;  // any of these ("" = all)
  std::vector<ChangeKind> kinds;     // any of these (empty = all)
  std::size_t limit = 0;             // newest first, at most this many (0 = all)
};

// ===== The catalogue (DATA/state.sqlite) ===================================
// Tables:
//   frontier(url PK, source, depth, kind, status, discovered_at, next_fetch_at,
//            fetched_at, attempts, error, response_id, published, canonical)
//     every URL the crawler has decided to fetch, with its latest outcome;
//     status: queued | done | failed | denied. next_fetch_at: for an archived
//     article (kind article, status done), when the revisit schedule has it
//     due again ("" = not scheduled yet; index frontier_revisit).
//   fetches(id PK, run_id, url, source, status, etag, last_modified,
//           payload_digest, content_digest, warc_file, warc_offset, warc_date,
//           fetched_at, published, canonical, page_kind, indexed, error, attempts)
//     fetch history: one row per response archived or failure recorded.
//   robots(origin PK, status, body, fetched_at)   robots.txt cache (<= 24 h).
//   runs(id INTEGER PRIMARY KEY, started_at TEXT, finished_at TEXT,
//        status TEXT, summary_json TEXT)   read by `pressarc stats`.
//   removals(url PK, source, first_missing_at, removed_at, restored_at)
//     archived articles that answered as gone (see RemovalState).
//   removal_events(id PK, url, source, kind, at)   kind: removed | restored.
//   versions(url, version, fetched_at, digest, title, published, source,
//            language, warc_file, warc_offset, words_added, words_removed,
//            excerpt; PRIMARY KEY(url, version))
//     every version of each canonical URL (see "Versions" above), written
//     by VersionLog, read by show, history and changes.
//   meta(key PK, value)   small named values (the revisit schedule's rules).
//
// Durability: WAL with synchronous=NORMAL. A commit is in the WAL (OS page
// cache) before Commit() returns, so kill -9 loses no committed row; only a
// power loss can drop the last transactions, and then the pages they
// describe are fetched again (the WARC records were fsynced before the
// commit, and indexing is idempotent per canonical URL). synchronous=FULL
// would add an fsync per commit for no gain against kill -9. The WAL is
// checkpointed (TRUNCATE) when the job ends.
//
// Thread safety: one Catalogue per job, used from one thread.

// A frontier row joined with its last 2xx response.
struct PageState {
  std::string url;
  std::string source;
  int depth = 0;
  std::string kind;    // seed | listing | feed | sitemap | article | page | unknown
  std::string status;  // queued | done | failed | denied
  std::string fetched_at;
  std::string published;
  std::string canonical;
  std::int64_t response_id = 0;
  // From the response row (empty when response_id is 0).
  std::string etag;
  std::string last_modified;
  std::string payload_digest;
  std::string content_digest;
  std::string warc_file;
  std::uint64_t warc_offset = 0;
  std::string warc_date;
};

// An archived article and when it was last fetched (Catalogue::DueArticles).
struct ArticleVisit {
  std::string url;
  int depth = 0;
  std::string fetched_at;     // the last fetch
  std::string published;      // as extracted ("" when unknown)
  std::string discovered_at;  // when the URL was first queued
};

// Removals (design.md, "Versions, removals, changes"): an archived article
// that answers as gone (404, 410, a soft 404, a redirect to the home page or
// a listing; the crawler decides) on two consecutive visits at least
// kRemovalMinGapSeconds apart is removed; it is restored when it answers
// again. Its last version stays archived and indexed.
constexpr std::int64_t kRemovalMinGapSeconds = 3600;

struct RemovalState {
  std::string url;
  std::string source;
  std::string first_missing_at;  // the first visit of the current misses, "" = none pending
  std::string removed_at;        // "" when not removed
  std::string restored_at;       // the last restoration, "" when never
};

// A removal or restoration, for the change log.
struct RemovalEvent {
  std::string kind;  // "removed" | "restored"
  std::string at;    // ISO 8601 UTC, the visit that decided it
  std::string url;
  std::string source;
};

// One fetch outcome, for the history table.
struct FetchRow {
  std::int64_t run_id = 0;
  std::string url;
  std::string source;
  int status = 0;  // HTTP status, 0 when none
  std::string etag;
  std::string last_modified;
  std::string payload_digest;
  std::string content_digest;
  std::string warc_file;
  std::uint64_t warc_offset = 0;
  std::string warc_date;
  std::string fetched_at;
  std::string published;
  std::string canonical;
  std::string page_kind;  // article | listing | ... | missing (an archived article gone) | ""
  bool indexed = false;   // true when there is nothing to index
  std::string error;      // "" = success
  int attempts = 1;
};

struct ReplayRow {
  std::int64_t id = 0;
  std::string url;
  std::string source;
  std::string warc_file;
  std::uint64_t warc_offset = 0;
  std::string fetched_at;
};

class Catalogue {
 public:
  // `busy_ms`: how long a write waits for another connection's transaction
  // (SQLite's busy timeout) before it fails with "database is locked".
  static Result<std::unique_ptr<Catalogue>> Open(const std::string& path, int busy_ms = 5000);
  // Read-only, for readers that run beside a job (show, history, changes):
  // creates nothing; kRuntime when the file does not exist. Queries of a
  // table an older catalogue lacks give nothing.
  static Result<std::unique_ptr<Catalogue>> OpenReadOnly(const std::string& path);
  ~Catalogue();
  Catalogue(const Catalogue&) = delete;
  Catalogue& operator=(const Catalogue&) = delete;

  Status Begin();
  Status Commit();
  Status Rollback();
  Status Checkpoint();  // WAL checkpoint (TRUNCATE)

  Result<std::int64_t> StartRun(const std::string& started_at);
  Status FinishRun(std::int64_t id, const std::string& finished_at, const std::string& status,
                   const std::string& summary_json);
  // Runs left "running" by a killed process become "interrupted".
  Status MarkInterruptedRuns();

  // False when the URL has no frontier row.
  bool Lookup(const std::string& url, PageState* page);
  // Inserts a queued row, or sets an existing row back to queued (keeping its history).
  Status Enqueue(const std::string& url, const std::string& source, int depth,
                 const std::string& kind, const std::string& now);
  Status SetStatus(const std::string& url, const std::string& status, const std::string& error);
  Status SetKind(const std::string& url, const std::string& kind);
  // Records a fetch; `outcome` is the frontier status to set (done/failed).
  // When `is_response` (a 2xx body archived), the frontier row points to it.
  Result<std::int64_t> RecordFetch(const FetchRow& row, const std::string& outcome,
                                   bool is_response, const std::string& next_fetch_at);
  // Only updates the frontier's fetched_at/status (a 304).
  Status Touch(const std::string& url, const std::string& fetched_at,
               const std::string& next_fetch_at);
  Status MarkIndexed(const std::vector<std::int64_t>& fetch_ids);
  // True when another URL's response already has this canonical URL.
  bool CanonicalKnown(const std::string& canonical, const std::string& except_url);

  // Rows of `source` queued (an interrupted run) or failed (to retry).
  std::vector<PageState> Pending(const std::string& source);
  // Articles of `source` whose last fetch is at or before `fetched_before`
  // and whose publication date is on or after `published_since` ("" = any).
  std::vector<PageState> DueRevisits(const std::string& source, const std::string& fetched_before,
                                     const std::string& published_since);
  // The revisit schedule's storage (an index on the due time of archived
  // articles, so that choosing a run's revisits reads only what it picks).
  // An archived article is a frontier row of kind article, status done; its
  // next_fetch_at is when it is due again, "" until the crawler schedules it.
  // Up to `limit` archived articles of `source` not scheduled yet.
  std::vector<ArticleVisit> UnscheduledArticles(const std::string& source, std::size_t limit);
  // Sets when the archived article `url` is due again (ISO 8601 UTC).
  Status SetRevisitAt(const std::string& url, const std::string& at);
  // Unschedules every archived article (the schedule's rules changed).
  Status UnscheduleArticles();
  // Archived articles of `source` due at or before `due_by`, the longest
  // overdue first, at most `limit` (0 = all).
  std::vector<ArticleVisit> DueArticles(const std::string& source, const std::string& due_by,
                                        std::size_t limit);
  // Small named values of the state (the meta table); "" when unset.
  std::string Meta(const std::string& key);
  Status SetMeta(const std::string& key, const std::string& value);
  // Archived article responses not yet committed to the index.
  std::vector<ReplayRow> Unindexed();

  // Removals (see RemovalState). `at` is the visit's time (ISO 8601 UTC).
  // The archived article `url` answered as gone: true when this visit
  // removes it (a miss at least kRemovalMinGapSeconds earlier with no answer
  // between); false for a first miss, one too soon, or one already removed.
  Result<bool> RecordMissing(const std::string& url, const std::string& source,
                             const std::string& at);
  // The archived article `url` answered: true when it was removed and is
  // now restored. Clears a pending miss. Cheap when nothing was missing.
  Result<bool> RecordPresent(const std::string& url, const std::string& source,
                             const std::string& at);
  // The removal state of `url` when it is removed now, else nullopt.
  std::optional<RemovalState> Removed(const std::string& url);
  // Every article removed now, by URL.
  std::vector<RemovalState> RemovedArticles();
  // Removals and restorations at or after `since` (ISO 8601; "" = all), oldest first.
  std::vector<RemovalEvent> RemovalEvents(const std::string& since);

  bool LoadRobots(const std::string& origin, const std::string& fetched_since, int* status,
                  std::string* body);
  Status SaveRobots(const std::string& origin, int status, const std::string& body,
                    const std::string& fetched_at);

  // ---- versions (VersionLog writes them; show, history, changes read) ----
  // Every version of the canonical URL, oldest first.
  std::vector<ArticleVersion> Versions(const std::string& url);
  // Inserts `v` as version v.version; the versions from there on move one up.
  Status InsertVersion(const ArticleVersion& v);
  // Replaces the row (v.url, v.version).
  Status UpdateVersion(const ArticleVersion& v);
  Status ClearVersions();
  // The number of versions of each URL that has any.
  std::map<std::string, int> VersionCounts(const std::vector<std::string>& urls);
  // Articles with more than one version.
  std::uint64_t EditedCount();
  // The `new` (version 1) and `edited` events that pass the filter, newest
  // first (ties: by URL, then the later version first).
  std::vector<ChangeEvent> VersionChanges(const ChangeFilter& filter);

 private:
  struct StmtCache;
  explicit Catalogue(sqlite3* db);
  Status Exec(const char* sql);
  std::optional<RemovalState> RemovalOf(const std::string& url);
  Status AddRemovalEvent(const RemovalEvent& event);
  sqlite3* db_;
  std::unique_ptr<StmtCache> cache_;  // prepared statements by SQL text
};

// Records versions in the catalogue, where articles enter the index: the
// crawl's sink (IndexSink, before the index: a replayed article finds its
// version there and adds none), import and reindex. Earlier versions are
// read back from the archive through the RecordConverter, to count the
// words an edit changed. Observations may come in any order: one older than
// the versions known is put in its place (later ones are renumbered). One
// thread at a time; its own connection to DATA/state.sqlite, so it can run
// on the crawl's index thread.
class VersionLog {
 public:
  // REQUIRES: `converter` outlives the log.
  static Result<std::unique_ptr<VersionLog>> Open(const std::string& data_dir,
                                                  const RecordConverter* converter);
  struct Outcome {
    bool new_version = false;  // false: the article is a version already known
    int version = 0;           // the version the observation belongs to
  };
  // `article`: the observed article, when at hand (else read from the archive).
  Result<Outcome> Record(const VersionObservation& observation, const Article* article = nullptr);
  // Import: records the spool's observations in time order, in one
  // transaction.
  Status RecordAll(VersionSpool& spool);
  // Reindex: replaces every version by those the spool's observations make
  // (one transaction: a killed reindex leaves the versions as they were).
  Status Rebuild(VersionSpool& spool);
  // Whether the article fetched from `url` is removed now (Catalogue::Removed).
  bool Removed(const std::string& url);
  // The URLs of every article removed now (for import and reindex).
  std::set<std::string> RemovedUrls();

 private:
  VersionLog(std::unique_ptr<Catalogue> catalogue, const RecordConverter* converter,
             std::string archive_dir)
      : catalogue_(std::move(catalogue)),
        converter_(converter),
        archive_dir_(std::move(archive_dir)) {}
  // Records the spool's observations in one transaction, the versions
  // cleared first when `clear`.
  Status RecordSpool(bool clear, VersionSpool& spool);
  std::optional<NormalisedArticle> Load(const ArchiveLocation& where) const;
  static void Summarise(const NormalisedArticle& before, const NormalisedArticle& after,
                        ArticleVersion* v);
  std::unique_ptr<Catalogue> catalogue_;
  const RecordConverter* converter_;
  std::string archive_dir_;
};

// The normalised article of an archived record (through the converter);
// nullopt when the record cannot be read or holds no article. `archive_dir`
// is DATA/archive (a location's file is relative to it unless absolute).
std::optional<NormalisedArticle> LoadArchivedArticle(const RecordConverter& converter,
                                                     const std::string& archive_dir,
                                                     const ArchiveLocation& where);

// The newest crawl run, read-only (for `stats`); nullopt when the data
// directory has no catalogue or no run yet. Never fails.
struct RunInfo {
  std::int64_t id = 0;
  std::string started_at;
  std::string finished_at;
  std::string status;        // running | ok | stopped | failed | interrupted
  std::string summary_json;  // the crawl summary (CrawlSummaryJson)
};
std::optional<RunInfo> ReadLastRun(const std::string& data_dir);

}  // namespace pressarc
