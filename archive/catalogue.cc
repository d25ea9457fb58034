#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string_view>

#include "archive/archive.h"
#include "config/iso_time.h"

namespace pressarc {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS frontier(
  url TEXT PRIMARY KEY, source TEXT NOT NULL, depth INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL DEFAULT 'unknown', status TEXT NOT NULL DEFAULT 'queued',
  discovered_at TEXT NOT NULL, next_fetch_at TEXT NOT NULL DEFAULT '',
  fetched_at TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '', response_id INTEGER NOT NULL DEFAULT 0,
  published TEXT NOT NULL DEFAULT '', canonical TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS frontier_source_status ON frontier(source, status);
CREATE INDEX IF NOT EXISTS frontier_revisit ON frontier(source, next_fetch_at)
  WHERE kind = 'article' AND status = 'done';
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fetches(
  id INTEGER PRIMARY KEY, run_id INTEGER, url TEXT NOT NULL, source TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL DEFAULT 0, etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '', payload_digest TEXT NOT NULL DEFAULT '',
  content_digest TEXT NOT NULL DEFAULT '', warc_file TEXT NOT NULL DEFAULT '',
  warc_offset INTEGER NOT NULL DEFAULT 0, warc_date TEXT NOT NULL DEFAULT '',
  fetched_at TEXT NOT NULL, published TEXT NOT NULL DEFAULT '',
  canonical TEXT NOT NULL DEFAULT '', page_kind TEXT NOT NULL DEFAULT '',
  indexed INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS fetches_url ON fetches(url);
CREATE INDEX IF NOT EXISTS fetches_unindexed ON fetches(indexed) WHERE indexed = 0;
CREATE INDEX IF NOT EXISTS fetches_by_canonical ON fetches(canonical);
CREATE TABLE IF NOT EXISTS robots(
  origin TEXT PRIMARY KEY, status INTEGER NOT NULL, body TEXT NOT NULL, fetched_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS removals(
  url TEXT PRIMARY KEY, source TEXT NOT NULL DEFAULT '',
  first_missing_at TEXT NOT NULL DEFAULT '', removed_at TEXT NOT NULL DEFAULT '',
  restored_at TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS removal_events(
  id INTEGER PRIMARY KEY, url TEXT NOT NULL, source TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS removal_events_at ON removal_events(at);
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY, started_at TEXT, finished_at TEXT, status TEXT, summary_json TEXT);
CREATE TABLE IF NOT EXISTS versions(
  url TEXT NOT NULL, version INTEGER NOT NULL, fetched_at TEXT NOT NULL, digest TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '', published TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT '',
  warc_file TEXT NOT NULL DEFAULT '', warc_offset INTEGER NOT NULL DEFAULT 0,
  words_added INTEGER NOT NULL DEFAULT 0, words_removed INTEGER NOT NULL DEFAULT 0,
  excerpt TEXT NOT NULL DEFAULT '', PRIMARY KEY(url, version));
CREATE INDEX IF NOT EXISTS versions_by_time ON versions(fetched_at);
)sql";

using StmtMap = std::map<std::string, sqlite3_stmt*, std::less<>>;

// A prepared statement from the cache, reset on scope exit.
// DiskFull(the database file) when the last error on `db` was SQLITE_FULL or
// a no-space errno; else Ok.
Status DiskFullOf(sqlite3* db) {
  if (sqlite3_errcode(db) != SQLITE_FULL && !IsNoSpaceErrno(sqlite3_system_errno(db))) {
    return Status::Ok();
  }
  const char* file = sqlite3_db_filename(db, "main");
  return Status::DiskFull(file != nullptr && *file != '\0' ? file : "the state database");
}

class Stmt {
 public:
  Stmt(sqlite3* db, StmtMap* cache, std::string_view sql) : db_(db) {
    auto it = cache->find(sql);
    if (it != cache->end()) {
      stmt_ = it->second;
      return;
    }
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
      stmt_ = nullptr;
      return;
    }
    cache->emplace(std::string(sql), stmt_);
  }
  ~Stmt() {
    if (stmt_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return stmt_ != nullptr; }
  // For stepping the statement again with new bindings.
  void Reset() {
    if (stmt_) sqlite3_reset(stmt_);
  }
  Stmt& Bind(int i, std::string_view v) {
    if (stmt_) sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, std::int64_t v) {
    if (stmt_) sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return stmt_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  Status Run(std::string_view what) {
    int rc = Step();
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
    if (Status full = DiskFullOf(db_); full.disk_full()) return full;
    return Status::Runtime("state database: " + std::string(what) + ": " + sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kPageColumns =
    "f.url, f.source, f.depth, f.kind, f.status, f.fetched_at, f.published, f.canonical, "
    "f.response_id, coalesce(h.etag,''), coalesce(h.last_modified,''), "
    "coalesce(h.payload_digest,''), coalesce(h.content_digest,''), coalesce(h.warc_file,''), "
    "coalesce(h.warc_offset,0), coalesce(h.warc_date,'') "
    "FROM frontier f LEFT JOIN fetches h ON h.id = f.response_id ";

void ReadPage(const Stmt& s, PageState* p) {
  p->url = s.Text(0);
  p->source = s.Text(1);
  p->depth = static_cast<int>(s.Int(2));
  p->kind = s.Text(3);
  p->status = s.Text(4);
  p->fetched_at = s.Text(5);
  p->published = s.Text(6);
  p->canonical = s.Text(7);
  p->response_id = s.Int(8);
  p->etag = s.Text(9);
  p->last_modified = s.Text(10);
  p->payload_digest = s.Text(11);
  p->content_digest = s.Text(12);
  p->warc_file = s.Text(13);
  p->warc_offset = static_cast<std::uint64_t>(s.Int(14));
  p->warc_date = s.Text(15);
}

std::string ColumnText(sqlite3_stmt* stmt, int i) {
  const unsigned char* text = sqlite3_column_text(stmt, i);
  return text ? reinterpret_cast<const char*>(text) : "";
}

}  // namespace

struct Catalogue::StmtCache {
  StmtMap map;
};

Catalogue::Catalogue(sqlite3* db) : db_(db), cache_(std::make_unique<StmtCache>()) {}

Result<std::unique_ptr<Catalogue>> Catalogue::Open(const std::string& path, int busy_ms) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::Runtime("cannot open state database " + path + ": " + msg);
  }
  std::unique_ptr<Catalogue> state(new Catalogue(db));
  sqlite3_busy_timeout(db, busy_ms);
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", kSchema}) {
    Status st = state->Exec(sql);
    if (!st.ok()) return st.disk_full() ? st : Status::Runtime(st.message() + " (" + path + ")");
  }
  return state;
}

Result<std::unique_ptr<Catalogue>> Catalogue::OpenReadOnly(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::Runtime("no state database " + path);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::Runtime("cannot open state database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 2000);
  return std::unique_ptr<Catalogue>(new Catalogue(db));
}

Catalogue::~Catalogue() {
  for (auto& [sql, stmt] : cache_->map) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status Catalogue::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    if (Status full = DiskFullOf(db_); full.disk_full()) return full;
    return Status::Runtime("state database: " + msg);
  }
  return Status::Ok();
}

Status Catalogue::Begin() {
  return Exec("BEGIN IMMEDIATE");
}
Status Catalogue::Commit() {
  return Exec("COMMIT");
}
Status Catalogue::Rollback() {
  return Exec("ROLLBACK");
}
Status Catalogue::Checkpoint() {
  return Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

Result<std::int64_t> Catalogue::StartRun(const std::string& started_at) {
  Stmt s(db_, &cache_->map,
         "INSERT INTO runs(started_at, finished_at, status, summary_json) VALUES(?, '', 'running', "
         "'{}')");
  Status st = s.Bind(1, started_at).Run("start run");
  if (!st.ok()) return st;
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

Status Catalogue::FinishRun(std::int64_t id, const std::string& finished_at,
                            const std::string& status, const std::string& summary_json) {
  Stmt s(db_, &cache_->map, "UPDATE runs SET finished_at=?, status=?, summary_json=? WHERE id=?");
  return s.Bind(1, finished_at).Bind(2, status).Bind(3, summary_json).Bind(4, id).Run("finish run");
}

Status Catalogue::MarkInterruptedRuns() {
  return Exec("UPDATE runs SET status='interrupted' WHERE status='running'");
}

bool Catalogue::Lookup(const std::string& url, PageState* page) {
  std::string sql = std::string("SELECT ") + kPageColumns + "WHERE f.url = ?";
  Stmt s(db_, &cache_->map, sql);
  s.Bind(1, url);
  if (s.Step() != SQLITE_ROW) return false;
  ReadPage(s, page);
  return true;
}

Status Catalogue::Enqueue(const std::string& url, const std::string& source, int depth,
                          const std::string& kind, const std::string& now) {
  Stmt s(db_, &cache_->map,
         "INSERT INTO frontier(url, source, depth, kind, status, discovered_at, next_fetch_at) "
         "VALUES(?1, ?2, ?3, ?4, 'queued', ?5, ?5) ON CONFLICT(url) DO UPDATE SET "
         "status='queued', kind=CASE WHEN kind IN ('unknown','page') THEN excluded.kind ELSE kind "
         "END");
  return s.Bind(1, url).Bind(2, source).Bind(3, depth).Bind(4, kind).Bind(5, now).Run("enqueue");
}

Status Catalogue::SetStatus(const std::string& url, const std::string& status,
                            const std::string& error) {
  Stmt s(db_, &cache_->map, "UPDATE frontier SET status=?, error=? WHERE url=?");
  return s.Bind(1, status).Bind(2, error).Bind(3, url).Run("set status");
}

Status Catalogue::SetKind(const std::string& url, const std::string& kind) {
  Stmt s(db_, &cache_->map, "UPDATE frontier SET kind=? WHERE url=?");
  return s.Bind(1, kind).Bind(2, url).Run("set kind");
}

Result<std::int64_t> Catalogue::RecordFetch(const FetchRow& r, const std::string& outcome,
                                            bool is_response, const std::string& next_fetch_at) {
  Stmt s(db_, &cache_->map,
         "INSERT INTO fetches(run_id, url, source, status, etag, last_modified, payload_digest, "
         "content_digest, warc_file, warc_offset, warc_date, fetched_at, published, canonical, "
         "page_kind, indexed, error, attempts) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.run_id).Bind(2, r.url).Bind(3, r.source).Bind(4, static_cast<std::int64_t>(r.status));
  s.Bind(5, r.etag).Bind(6, r.last_modified).Bind(7, r.payload_digest).Bind(8, r.content_digest);
  s.Bind(9, r.warc_file).Bind(10, static_cast<std::int64_t>(r.warc_offset)).Bind(11, r.warc_date);
  s.Bind(12, r.fetched_at).Bind(13, r.published).Bind(14, r.canonical).Bind(15, r.page_kind);
  s.Bind(16, static_cast<std::int64_t>(r.indexed ? 1 : 0)).Bind(17, r.error);
  s.Bind(18, static_cast<std::int64_t>(r.attempts));
  Status st = s.Run("record fetch");
  if (!st.ok()) return st;
  std::int64_t id = sqlite3_last_insert_rowid(db_);
  if (is_response) {
    Stmt u(db_, &cache_->map,
           "UPDATE frontier SET status=?, fetched_at=?, next_fetch_at=?, attempts=?, error='', "
           "response_id=?, published=?, canonical=? WHERE url=?");
    u.Bind(1, outcome).Bind(2, r.fetched_at).Bind(3, next_fetch_at);
    u.Bind(4, static_cast<std::int64_t>(r.attempts)).Bind(5, id).Bind(6, r.published);
    u.Bind(7, r.canonical).Bind(8, r.url);
    st = u.Run("update frontier");
  } else {
    Stmt u(db_, &cache_->map,
           "UPDATE frontier SET status=?, fetched_at=?, next_fetch_at=?, attempts=?, error=? "
           "WHERE url=?");
    u.Bind(1, outcome).Bind(2, r.fetched_at).Bind(3, next_fetch_at);
    u.Bind(4, static_cast<std::int64_t>(r.attempts)).Bind(5, r.error).Bind(6, r.url);
    st = u.Run("update frontier");
  }
  if (!st.ok()) return st;
  return id;
}

Status Catalogue::Touch(const std::string& url, const std::string& fetched_at,
                        const std::string& next_fetch_at) {
  Stmt s(db_, &cache_->map,
         "UPDATE frontier SET status='done', fetched_at=?, next_fetch_at=?, error='' WHERE url=?");
  return s.Bind(1, fetched_at).Bind(2, next_fetch_at).Bind(3, url).Run("touch");
}

Status Catalogue::MarkIndexed(const std::vector<std::int64_t>& ids) {
  for (std::int64_t id : ids) {
    Stmt s(db_, &cache_->map, "UPDATE fetches SET indexed=1 WHERE id=?");
    Status st = s.Bind(1, id).Run("mark indexed");
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

bool Catalogue::CanonicalKnown(const std::string& canonical, const std::string& except_url) {
  Stmt s(db_, &cache_->map,
         "SELECT 1 FROM fetches WHERE canonical=? AND url!=? AND page_kind='article' LIMIT 1");
  s.Bind(1, canonical).Bind(2, except_url);
  return s.Step() == SQLITE_ROW;
}

std::vector<PageState> Catalogue::Pending(const std::string& source) {
  std::string sql = std::string("SELECT ") + kPageColumns +
                    "WHERE f.source = ? AND f.status IN ('queued','failed') ORDER BY f.rowid";
  Stmt s(db_, &cache_->map, sql);
  s.Bind(1, source);
  std::vector<PageState> out;
  while (s.Step() == SQLITE_ROW) {
    out.emplace_back();
    ReadPage(s, &out.back());
  }
  return out;
}

std::vector<PageState> Catalogue::DueRevisits(const std::string& source,
                                              const std::string& fetched_before,
                                              const std::string& published_since) {
  std::string sql = std::string("SELECT ") + kPageColumns +
                    "WHERE f.source = ?1 AND f.kind = 'article' AND f.status = 'done' "
                    "AND f.fetched_at <= ?2 AND (?3 = '' OR f.published = '' OR "
                    "substr(f.published, 1, 10) >= ?3) ORDER BY f.published DESC, f.rowid";
  Stmt s(db_, &cache_->map, sql);
  s.Bind(1, source).Bind(2, fetched_before).Bind(3, published_since);
  std::vector<PageState> out;
  while (s.Step() == SQLITE_ROW) {
    out.emplace_back();
    ReadPage(s, &out.back());
  }
  return out;
}

namespace {

// Rows of the partial index frontier_revisit (archived articles) as visits.
std::vector<ArticleVisit> ReadVisits(Stmt& s) {
  std::vector<ArticleVisit> out;
  while (s.Step() == SQLITE_ROW) {
    ArticleVisit v;
    v.url = s.Text(0);
    v.depth = static_cast<int>(s.Int(1));
    v.fetched_at = s.Text(2);
    v.published = s.Text(3);
    v.discovered_at = s.Text(4);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

std::vector<ArticleVisit> Catalogue::UnscheduledArticles(const std::string& source,
                                                         std::size_t limit) {
  Stmt s(db_, &cache_->map,
         "SELECT url, depth, fetched_at, published, discovered_at FROM frontier "
         "WHERE source = ? AND kind = 'article' AND status = 'done' AND next_fetch_at = '' "
         "LIMIT ?");
  s.Bind(1, source).Bind(2, static_cast<std::int64_t>(limit));
  return ReadVisits(s);
}

Status Catalogue::SetRevisitAt(const std::string& url, const std::string& at) {
  Stmt s(db_, &cache_->map, "UPDATE frontier SET next_fetch_at = ? WHERE url = ?");
  return s.Bind(1, at).Bind(2, url).Run("schedule revisit");
}

Status Catalogue::UnscheduleArticles() {
  return Exec(
      "UPDATE frontier SET next_fetch_at = '' WHERE kind = 'article' AND status = 'done' "
      "AND next_fetch_at != ''");
}

std::vector<ArticleVisit> Catalogue::DueArticles(const std::string& source,
                                                 const std::string& due_by, std::size_t limit) {
  Stmt s(db_, &cache_->map,
         "SELECT url, depth, fetched_at, published, discovered_at FROM frontier "
         "WHERE source = ?1 AND kind = 'article' AND status = 'done' AND next_fetch_at > '' "
         "AND next_fetch_at <= ?2 ORDER BY next_fetch_at, rowid LIMIT ?3");
  s.Bind(1, source).Bind(2, due_by).Bind(3, limit > 0 ? static_cast<std::int64_t>(limit) : -1);
  return ReadVisits(s);
}

std::string Catalogue::Meta(const std::string& key) {
  Stmt s(db_, &cache_->map, "SELECT value FROM meta WHERE key = ?");
  s.Bind(1, key);
  return s.Step() == SQLITE_ROW ? s.Text(0) : std::string();
}

Status Catalogue::SetMeta(const std::string& key, const std::string& value) {
  Stmt s(db_, &cache_->map,
         "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2");
  return s.Bind(1, key).Bind(2, value).Run("set meta");
}

namespace {

constexpr const char* kRemovalColumns =
    "SELECT url, source, first_missing_at, removed_at, restored_at FROM removals ";

RemovalState ReadRemoval(const Stmt& s) {
  RemovalState r;
  r.url = s.Text(0);
  r.source = s.Text(1);
  r.first_missing_at = s.Text(2);
  r.removed_at = s.Text(3);
  r.restored_at = s.Text(4);
  return r;
}

}  // namespace

std::optional<RemovalState> Catalogue::RemovalOf(const std::string& url) {
  Stmt s(db_, &cache_->map, std::string(kRemovalColumns) + "WHERE url = ?");
  s.Bind(1, url);
  if (s.Step() != SQLITE_ROW) return std::nullopt;
  return ReadRemoval(s);
}

std::optional<RemovalState> Catalogue::Removed(const std::string& url) {
  std::optional<RemovalState> r = RemovalOf(url);
  if (!r || r->removed_at.empty()) return std::nullopt;
  return r;
}

std::vector<RemovalState> Catalogue::RemovedArticles() {
  Stmt s(db_, &cache_->map, std::string(kRemovalColumns) + "WHERE removed_at != '' ORDER BY url");
  std::vector<RemovalState> out;
  while (s.Step() == SQLITE_ROW) out.push_back(ReadRemoval(s));
  return out;
}

Status Catalogue::AddRemovalEvent(const RemovalEvent& e) {
  Stmt s(db_, &cache_->map, "INSERT INTO removal_events(url, source, kind, at) VALUES(?, ?, ?, ?)");
  return s.Bind(1, e.url).Bind(2, e.source).Bind(3, e.kind).Bind(4, e.at).Run("removal event");
}

Result<bool> Catalogue::RecordMissing(const std::string& url, const std::string& source,
                                      const std::string& at) {
  std::optional<RemovalState> r = RemovalOf(url);
  if (r && !r->removed_at.empty()) return false;  // removed already
  if (!r || r->first_missing_at.empty()) {
    Stmt s(db_, &cache_->map,
           "INSERT INTO removals(url, source, first_missing_at) VALUES(?1, ?2, ?3) "
           "ON CONFLICT(url) DO UPDATE SET first_missing_at = ?3, source = ?2");
    Status st = s.Bind(1, url).Bind(2, source).Bind(3, at).Run("record missing");
    if (!st.ok()) return st;
    return false;
  }
  std::int64_t first = ParseIsoUtc(r->first_missing_at);
  std::int64_t now = ParseIsoUtc(at);
  if (first < 0 || now < 0 || now - first < kRemovalMinGapSeconds) return false;
  Stmt s(db_, &cache_->map,
         "UPDATE removals SET removed_at = ?, first_missing_at = '', source = ? WHERE url = ?");
  Status st = s.Bind(1, at).Bind(2, source).Bind(3, url).Run("record removal");
  if (!st.ok()) return st;
  st = AddRemovalEvent(RemovalEvent{"removed", at, url, source});
  if (!st.ok()) return st;
  return true;
}

Result<bool> Catalogue::RecordPresent(const std::string& url, const std::string& source,
                                      const std::string& at) {
  std::optional<RemovalState> r = RemovalOf(url);
  if (!r || (r->removed_at.empty() && r->first_missing_at.empty())) return false;
  bool restored = !r->removed_at.empty();
  Stmt s(db_, &cache_->map,
         "UPDATE removals SET first_missing_at = '', removed_at = '', "
         "restored_at = CASE WHEN ?1 THEN ?2 ELSE restored_at END WHERE url = ?3");
  Status st = s.Bind(1, std::int64_t{restored ? 1 : 0}).Bind(2, at).Bind(3, url).Run("present");
  if (!st.ok()) return st;
  if (!restored) return false;
  st = AddRemovalEvent(RemovalEvent{"restored", at, url, source});
  if (!st.ok()) return st;
  return true;
}

std::vector<RemovalEvent> Catalogue::RemovalEvents(const std::string& since) {
  Stmt s(db_, &cache_->map,
         "SELECT kind, at, url, source FROM removal_events WHERE at >= ? ORDER BY at, id");
  s.Bind(1, since);
  std::vector<RemovalEvent> out;
  while (s.Step() == SQLITE_ROW) {
    out.push_back(RemovalEvent{s.Text(0), s.Text(1), s.Text(2), s.Text(3)});
  }
  return out;
}

std::vector<ReplayRow> Catalogue::Unindexed() {
  Stmt s(
      db_, &cache_->map,
      "SELECT id, url, source, warc_file, warc_offset, fetched_at FROM fetches "
      "WHERE indexed = 0 AND page_kind = 'article' AND error = '' AND warc_file != '' ORDER BY id");
  std::vector<ReplayRow> out;
  while (s.Step() == SQLITE_ROW) {
    ReplayRow r;
    r.id = s.Int(0);
    r.url = s.Text(1);
    r.source = s.Text(2);
    r.warc_file = s.Text(3);
    r.warc_offset = static_cast<std::uint64_t>(s.Int(4));
    r.fetched_at = s.Text(5);
    out.push_back(std::move(r));
  }
  return out;
}

bool Catalogue::LoadRobots(const std::string& origin, const std::string& fetched_since, int* status,
                           std::string* body) {
  Stmt s(db_, &cache_->map, "SELECT status, body FROM robots WHERE origin=? AND fetched_at >= ?");
  s.Bind(1, origin).Bind(2, fetched_since);
  if (s.Step() != SQLITE_ROW) return false;
  *status = static_cast<int>(s.Int(0));
  *body = s.Text(1);
  return true;
}

Status Catalogue::SaveRobots(const std::string& origin, int status, const std::string& body,
                             const std::string& fetched_at) {
  Stmt s(db_, &cache_->map,
         "INSERT INTO robots(origin, status, body, fetched_at) VALUES(?,?,?,?) "
         "ON CONFLICT(origin) DO UPDATE SET status=excluded.status, body=excluded.body, "
         "fetched_at=excluded.fetched_at");
  return s.Bind(1, origin)
      .Bind(2, static_cast<std::int64_t>(status))
      .Bind(3, body)
      .Bind(4, fetched_at)
      .Run("save robots");
}

namespace {

constexpr const char* kVersionColumns =
    "url, version, fetched_at, digest, title, published, source, language, warc_file, "
    "warc_offset, words_added, words_removed, excerpt";

ArticleVersion ReadVersion(const Stmt& s) {
  ArticleVersion v;
  v.url = s.Text(0);
  v.version = static_cast<int>(s.Int(1));
  v.fetched_at = s.Text(2);
  v.digest = s.Text(3);
  v.title = s.Text(4);
  v.published = s.Text(5);
  v.source = s.Text(6);
  v.language = s.Text(7);
  v.archive.file = s.Text(8);
  v.archive.offset = static_cast<std::uint64_t>(s.Int(9));
  v.words_added = static_cast<int>(s.Int(10));
  v.words_removed = static_cast<int>(s.Int(11));
  v.excerpt = s.Text(12);
  return v;
}

void BindVersion(Stmt& s, const ArticleVersion& v) {
  s.Bind(1, v.url).Bind(2, static_cast<std::int64_t>(v.version)).Bind(3, v.fetched_at);
  s.Bind(4, v.digest).Bind(5, v.title).Bind(6, v.published).Bind(7, v.source);
  s.Bind(8, v.language).Bind(9, v.archive.file);
  s.Bind(10, static_cast<std::int64_t>(v.archive.offset));
  s.Bind(11, static_cast<std::int64_t>(v.words_added));
  s.Bind(12, static_cast<std::int64_t>(v.words_removed)).Bind(13, v.excerpt);
}

}  // namespace

std::vector<ArticleVersion> Catalogue::Versions(const std::string& url) {
  Stmt s(db_, &cache_->map,
         std::string("SELECT ") + kVersionColumns + " FROM versions WHERE url=? ORDER BY version");
  s.Bind(1, url);
  std::vector<ArticleVersion> out;
  while (s.Step() == SQLITE_ROW) out.push_back(ReadVersion(s));
  return out;
}

Status Catalogue::InsertVersion(const ArticleVersion& v) {
  // Two steps, so that the primary key holds after each row's update.
  Stmt away(db_, &cache_->map,
            "UPDATE versions SET version = -(version + 1) WHERE url=? AND version>=?");
  Status st = away.Bind(1, v.url).Bind(2, static_cast<std::int64_t>(v.version)).Run("renumber");
  if (!st.ok()) return st;
  Stmt back(db_, &cache_->map, "UPDATE versions SET version = -version WHERE url=? AND version<0");
  st = back.Bind(1, v.url).Run("renumber versions");
  if (!st.ok()) return st;
  Stmt s(db_, &cache_->map,
         std::string("INSERT INTO versions(") + kVersionColumns +
             ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
  BindVersion(s, v);
  return s.Run("insert version");
}

Status Catalogue::UpdateVersion(const ArticleVersion& v) {
  Stmt s(db_, &cache_->map,
         std::string("INSERT OR REPLACE INTO versions(") + kVersionColumns +
             ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
  BindVersion(s, v);
  return s.Run("update version");
}

Status Catalogue::ClearVersions() {
  return Exec("DELETE FROM versions");
}

std::map<std::string, int> Catalogue::VersionCounts(const std::vector<std::string>& urls) {
  std::map<std::string, int> out;
  Stmt s(db_, &cache_->map, "SELECT count(*) FROM versions WHERE url=?");
  if (!s.ok()) return out;  // an older catalogue without the table
  for (const auto& url : urls) {
    s.Bind(1, url);
    if (s.Step() == SQLITE_ROW && s.Int(0) > 0) out[url] = static_cast<int>(s.Int(0));
    s.Reset();
  }
  return out;
}

std::uint64_t Catalogue::EditedCount() {
  Stmt s(db_, &cache_->map, "SELECT count(*) FROM versions WHERE version = 2");
  return s.Step() == SQLITE_ROW ? static_cast<std::uint64_t>(s.Int(0)) : 0;
}

std::vector<ChangeEvent> Catalogue::VersionChanges(const ChangeFilter& filter) {
  bool want_new = filter.kinds.empty();
  bool want_edited = filter.kinds.empty();
  for (ChangeKind k : filter.kinds) {
    want_new = want_new || k == ChangeKind::kNew;
    want_edited = want_edited || k == ChangeKind::kEdited;
  }
  std::vector<ChangeEvent> out;
  if (!want_new && !want_edited) return out;
  std::string sql =
      std::string("SELECT ") + kVersionColumns + " FROM versions WHERE fetched_at >= ?";
  if (!want_new) sql += " AND version > 1";
  if (!want_edited) sql += " AND version = 1";
  if (!filter.sources.empty()) {
    sql += " AND source IN (";
    for (std::size_t i = 0; i < filter.sources.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  sql += " ORDER BY fetched_at DESC, url, version DESC";
  if (filter.limit > 0) sql += " LIMIT " + std::to_string(filter.limit);
  Stmt s(db_, &cache_->map, sql);
  s.Bind(1, filter.since);
  for (std::size_t i = 0; i < filter.sources.size(); ++i) {
    s.Bind(static_cast<int>(i) + 2, filter.sources[i]);
  }
  while (s.Step() == SQLITE_ROW) {
    ArticleVersion v = ReadVersion(s);
    ChangeEvent e;
    e.kind = v.version == 1 ? ChangeKind::kNew : ChangeKind::kEdited;
    e.at = std::move(v.fetched_at);
    e.url = std::move(v.url);
    e.title = std::move(v.title);
    e.source = std::move(v.source);
    e.language = std::move(v.language);
    e.version = v.version;
    e.words_added = v.words_added;
    e.words_removed = v.words_removed;
    e.excerpt = std::move(v.excerpt);
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<RunInfo> ReadLastRun(const std::string& data_dir) {
  const std::string path = data_dir + "/state.sqlite";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return std::nullopt;
  }
  sqlite3_busy_timeout(db, 2000);
  std::optional<RunInfo> out;
  sqlite3_stmt* stmt = nullptr;
  const char* sql =
      "SELECT id, started_at, finished_at, status, summary_json FROM runs ORDER BY id DESC LIMIT 1";
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    RunInfo run;
    run.id = sqlite3_column_int64(stmt, 0);
    run.started_at = ColumnText(stmt, 1);
    run.finished_at = ColumnText(stmt, 2);
    run.status = ColumnText(stmt, 3);
    run.summary_json = ColumnText(stmt, 4);
    out = std::move(run);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

}  // namespace pressarc
