// Watches: saved searches that report each document that newly matches them,
// once, as an Atom 1.0 feed per watch and as values for the alert command;
// and the Atom writer those feeds (and the change log's feed) are made with.
//
// A watch is a name ([A-Za-z0-9_-], at most 64 bytes) and a WatchQuery: the
// query language and filters of `search` (search.h). It is checked when it
// is added (a bad one is kUsage and nothing is saved), and reports only
// documents added or changed after it was added.
//
// Storage: DATA/watches.sqlite, owned by this module (nobody else reads its
// tables), and DATA/feeds/NAME.atom. The store keeps:
//   - the documents of the index as the watches last saw them: stable id
//     (indexer's DocumentId, never a Xapian docid) → digest of title,
//     publication date and text, with the run sequence number at which that
//     digest was first seen; and its status (live, or removed by its site:
//     the index's kSlotStatus) with the run sequence number at which that
//     status changed;
//   - per watch, the sequence number it has been run up to;
//   - per watch, every document reported (by stable id), with what the feed
//     and `watch show` print of it, its status then included.
// A run (Run) scans the index for documents whose digest or status is new (a
// cheap pass over the content-hash and status value slots, reading only
// documents whose content hash changed; nothing at all when the index
// revision is the one last seen), then runs each watch's query restricted to
// the documents changed since that watch's last run and reports those it has
// not reported before. A status change (a removal, a restoration) is a
// change for the watches whose query mentions the status (status:removed,
// status:live, in any combination); the others do not look at it, since
// whether they match a document does not depend on it. So a document is
// reported at most once per watch whatever happens to the index: reindex and
// compaction change docids and the content hash's analysis version but not
// ids, digests or statuses; an edit that keeps a document matching is not
// reported again; an edit or a status change that makes a document match for
// the first time is (`status:removed` reports an article when its site takes
// it down after the watch was added; `status:live` one that comes back and
// was not reported before); a removal or restoration of a document the
// watch reported is not reported again. Without `all` (search's --all), a
// document that is a near-duplicate copy of one the watch already reported
// is not reported. A store written before statuses takes every document as
// live then: its first scan finds the documents removed meanwhile changed.
//
// Crash safety: the scan, the reported rows, each watch's sequence number and
// the pending alerts are committed in one SQLite transaction (WAL,
// synchronous=FULL); feeds are rewritten after the commit from the stored
// rows, idempotently (a watch whose feed is out of date is marked, and the
// mark is cleared once its feed is written), so a kill -9 at any point
// neither loses nor repeats a report: the next run finishes the work.
// Pending alerts stay stored until AlertDone() (at least once).
//
// Watches read the local index only (DATA/index), never the configured
// shards: a document is reported by the machine that archived it.
//
// Thread safety: a WatchStore is used by one thread. Several processes may
// use the store at once (SQLite locking; a run holds the write lock).
// The Atom functions are pure.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/status.h"
#include "search/search.h"

namespace pressarc::search {

// ---- Atom 1.0 (RFC 4287) ----------------------------------------------------

struct AtomEntry {
  std::string id;                       // an IRI, e.g. "urn:pressarc:" + document id
  std::string title;                    // plain text
  std::string link;                     // the alternate link's href (the article URL); "" = none
  std::string published;                // RFC 3339 date-time; "" = left out
  std::string updated;                  // RFC 3339 date-time (required by the RFC)
  std::string summary;                  // plain text; "" = left out
  std::string author;                   // name; "" = the feed's author applies
  std::vector<std::string> categories;  // category terms
};

struct AtomFeedInfo {
  std::string id;         // an IRI, e.g. "urn:pressarc:watch:NAME"
  std::string title;      // plain text
  std::string subtitle;   // plain text; "" = left out
  std::string updated;    // RFC 3339 date-time (required)
  std::string self_link;  // the feed's own URL; "" = left out
  std::string author = "pressarc";
};

// A complete Atom 1.0 document (UTF-8). Text is XML-escaped; characters
// XML 1.0 does not allow (controls, U+FFFE/U+FFFF, invalid UTF-8) are
// dropped or replaced by U+FFFD, so any input gives a well-formed feed.
std::string AtomFeed(const AtomFeedInfo& feed, const std::vector<AtomEntry>& entries);

// An RFC 3339 date-time for a date as pages give it ("2023-05-01",
// "2023-05-01T10:00", "2023-05-01T10:00:00+04:00", "...Z"): a day is taken
// as midnight UTC, a time without an offset as UTC. "" when not a date.
std::string AtomDate(std::string_view published);

// Replaces `path` with `bytes` atomically: writes PATH.tmp, fsyncs it,
// renames it over `path` and fsyncs the directory. A reader sees the old
// file or the new one, never a part.
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

// ---- the change log's feed --------------------------------------------------

// Entries in DATA/feeds/changes.atom (the newest events).
inline constexpr std::size_t kChangesFeedEntries = 100;

// The change events (LoadChanges, newest first) as an Atom feed: per event
// an entry with id urn:pressarc:ID:VERSION (new, edited) or
// urn:pressarc:ID:VERSION:KIND:YYYYMMDDTHHMMSSZ (removed, restored: an
// article can go and come back more than once), title "KIND: TITLE", the
// article URL as link, updated = the event's time, summary = its excerpt,
// category = its kind, author = its source. The feed's updated is the
// newest event's time, else `now` (RFC 3339).
std::string ChangesAtom(const std::vector<ChangeEvent>& events, const std::string& now);

// Rewrites DATA/feeds/changes.atom atomically with the last
// kChangesFeedEntries events (an empty feed before any). Crawl, import and
// `watch run` call it at their end.
Status WriteChangesFeed(const std::string& data_dir, const std::string& now);

// ---- watches ------------------------------------------------------------------

// What a watch searches for: the subset of SearchOptions that selects
// documents (sorting, paging and output options do not apply).
struct WatchQuery {
  std::string query;                   // QueryParser syntax, as `search`
  std::vector<std::string> languages;  // --lang
  std::vector<std::string> sources;    // --source
  std::string from;                    // --from YYYY-MM-DD
  std::string to;                      // --to YYYY-MM-DD
  bool match_any = false;              // --any
  bool all = false;                    // --all: report near-duplicate copies too

  SearchOptions ToSearchOptions() const;
};

struct Watch {
  std::string name;
  WatchQuery query;
  std::string created_at;     // UTC, ISO 8601
  std::string last_run;       // UTC, ISO 8601; "" = never run
  std::uint64_t matches = 0;  // documents reported so far
  std::int64_t last_seq = 0;  // the store's run sequence number it has been run up to
};

// A reported document.
struct WatchMatch {
  std::string id;  // stable document id
  std::string url;
  std::string title;
  std::string published;  // as the page gave it; "" = unknown
  std::string language;
  std::string source;
  std::string snippet;      // plain text
  std::string reported_at;  // UTC, ISO 8601
  std::string status;       // "live" or "removed" (by its site) when it was reported
};

// What one run found for one watch.
struct WatchReport {
  std::string name;
  WatchQuery query;
  std::uint64_t count = 0;          // new matches
  std::vector<WatchMatch> matches;  // the newest of them, newest first (at most max_listed)
};

struct WatchRunOptions {
  // New matches listed per watch in a report (all are recorded and counted):
  // bounds the JSON and the alert's input after a first import of a big archive.
  std::size_t max_listed = 1000;
  // Entries per feed (the contract's "last 100 matches").
  std::size_t feed_entries = 100;
};

struct WatchRunResult {
  std::vector<WatchReport> reports;  // every watch, by name
  std::uint64_t changed = 0;         // documents new or changed since the previous run
};

// An alert waiting to be delivered: a watch's report as JSON.
struct PendingAlert {
  std::string watch;
  std::int64_t run = 0;  // the run's sequence number
  std::string json;      // WatchReportJson of that run's report
};

// kUsage unless `name` is 1-64 bytes of [A-Za-z0-9_-] and not "changes"
// (reserved: feeds/changes.atom is the change log's feed).
Status ValidateWatchName(std::string_view name);
// kUsage for what `search` would reject (syntax, dates, an empty query).
Status ValidateWatchQuery(const WatchQuery& query);

class WatchStore {
 public:
  // Opens (creating) DATA/watches.sqlite and DATA/feeds/. kRuntime when
  // DATA cannot be created or the store cannot be opened.
  static Result<std::unique_ptr<WatchStore>> Open(const std::string& data_dir);
  virtual ~WatchStore() = default;

  // Saves a watch and writes its (empty) feed. kUsage for a bad name, a
  // name in use or a bad query (nothing saved). Documents already in the
  // index are not reported to it (the index is scanned first, so other
  // watches keep what they have not been told yet).
  virtual Status Add(const std::string& name, const WatchQuery& query) = 0;
  // Deletes a watch, what it reported and its feed. kUsage when unknown.
  virtual Status Remove(const std::string& name) = 0;
  virtual Result<std::vector<Watch>> List() = 0;
  // kUsage "unknown watch" when there is none.
  virtual Result<Watch> Get(const std::string& name) = 0;
  // The most recent matches, newest first (reported time, then published).
  virtual Result<std::vector<WatchMatch>> Recent(const std::string& name, std::size_t limit) = 0;
  // Runs every watch over what changed in the index since its last run
  // (see the top of this file). Works without an index (nothing changes).
  virtual Result<WatchRunResult> Run(const WatchRunOptions& options = {}) = 0;
  // The feed of a watch: DATA/feeds/NAME.atom. An entry per match (the
  // newest feed_entries): id urn:pressarc:ID, the title, the article URL as
  // link, published, updated = reported_at, the snippet as summary, the
  // source as author and category, lang:CODE; a match its site had removed
  // when it was reported is titled "removed: TITLE", category status:removed.
  virtual std::string FeedPath(const std::string& name) const = 0;
  // The feed's text as it is written (for `serve`, which may also read the file).
  virtual Result<std::string> FeedXml(const std::string& name) = 0;

  // Alerts of runs not yet delivered, oldest first.
  virtual Result<std::vector<PendingAlert>> PendingAlerts() = 0;
  // Forgets a delivered (or given up) alert.
  virtual Status AlertDone(const PendingAlert& alert) = 0;
};

// ---- JSON -----------------------------------------------------------------------

// {"name", "query", "lang": [...], "source": [...], "from", "to", "any",
//  "all", "created_at", "last_run", "matches", "feed"} (one line, no "\n").
std::string WatchJson(const Watch& watch, const std::string& feed_path);
// {"id", "url", "title", "published", "language", "source", "snippet",
//  "reported_at", "status"}
std::string WatchMatchJson(const WatchMatch& match);
// A watch's new matches: {"watch", "query", "new", "matches": [...]}, the
// alert command's stdin.
std::string WatchReportJson(const WatchReport& report);

}  // namespace pressarc::search
