// The crawl state in DATA/state.sqlite (internal to the crawler).
//
// Tables:
//   frontier(url PK, source, depth, kind, status, discovered_at, next_fetch_at,
//            fetched_at, attempts, error, response_id, published, canonical)
//     every URL the crawler has decided to fetch, with its latest outcome;
//     status: queued | done | failed | denied.
//   fetches(id PK, run_id, url, source, status, etag, last_modified,
//           payload_digest, content_digest, warc_file, warc_offset, warc_date,
//           fetched_at, published, canonical, page_kind, indexed, error, attempts)
//     fetch history: one row per response archived or failure recorded.
//   robots(origin PK, status, body, fetched_at)   robots.txt cache (<= 24 h).
//   runs(id INTEGER PRIMARY KEY, started_at TEXT, finished_at TEXT,
//        status TEXT, summary_json TEXT)   read by `pressarc stats`.
//
// Durability: WAL with synchronous=NORMAL. A commit is in the WAL (OS page
// cache) before Commit() returns, so kill -9 loses no committed row; only a
// power loss can drop the last transactions, and then the pages they
// describe are fetched again (the WARC records were fsynced before the
// commit, and indexing is idempotent per canonical URL). synchronous=FULL
// would add an fsync per commit for no gain against kill -9. The WAL is
// checkpointed (TRUNCATE) when the job ends.
//
// Thread safety: one CrawlState per job, used from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/status.h"

struct sqlite3;

namespace pressarc {

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
  std::string page_kind;  // article | listing | ... | "" when not parsed
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

class CrawlState {
 public:
  static Result<std::unique_ptr<CrawlState>> Open(const std::string& path);
  ~CrawlState();
  CrawlState(const CrawlState&) = delete;
  CrawlState& operator=(const CrawlState&) = delete;

  Status Begin();
  Status Commit();
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
  // Archived article responses not yet committed to the index.
  std::vector<ReplayRow> Unindexed();

  bool LoadRobots(const std::string& origin, const std::string& fetched_since, int* status,
                  std::string* body);
  Status SaveRobots(const std::string& origin, int status, const std::string& body,
                    const std::string& fetched_at);

 private:
  struct StmtCache;
  explicit CrawlState(sqlite3* db);
  Status Exec(const char* sql);
  sqlite3* db_;
  std::unique_ptr<StmtCache> cache_;  // prepared statements by SQL text
};

}  // namespace pressarc
