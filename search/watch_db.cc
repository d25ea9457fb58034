// The watch store's SQLite wrapper.
#include "search/watch_db.h"

#include <memory>

namespace pressarc::search::internal {

Result<std::unique_ptr<SqlDb>> SqlDb::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::Runtime("cannot open the watch store " + path + ": " + msg);
  }
  std::unique_ptr<SqlDb> out(new SqlDb(db));
  sqlite3_busy_timeout(db, 30000);  // a run of many watches holds the write lock for a while
  // FULL: a reported row survives a power cut, not only a kill.
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
    if (Status s = out->Exec(sql); !s.ok()) return s;
  }
  return out;
}

SqlDb::~SqlDb() {
  sqlite3_close(db_);
}

std::string SqlDb::Error(std::string_view what) const {
  return "watch store: " + std::string(what) + ": " + sqlite3_errmsg(db_);
}

Status SqlDb::Failure(std::string_view what) const {
  const int code = sqlite3_errcode(db_);
  if (code == SQLITE_FULL || IsNoSpaceErrno(sqlite3_system_errno(db_))) {
    const char* file = sqlite3_db_filename(db_, "main");
    return Status::DiskFull(file != nullptr && *file != '\0' ? file : "the watch store");
  }
  return Status::Runtime(Error(what));
}

Status SqlDb::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    if (Status full = Failure("exec"); full.disk_full()) return full;
    return Status::Runtime("watch store: " + msg);
  }
  return Status::Ok();
}

SqlStmt::SqlStmt(SqlDb& db, const char* sql) : db_(db) {
  if (sqlite3_prepare_v2(db.handle(), sql, -1, &stmt_, nullptr) != SQLITE_OK) {
    status_ = db.Failure("prepare");
    stmt_ = nullptr;
  }
}

SqlStmt::~SqlStmt() {
  sqlite3_finalize(stmt_);
}

SqlStmt& SqlStmt::Bind(int i, std::string_view text) {
  if (stmt_)
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

SqlStmt& SqlStmt::Bind(int i, std::int64_t value) {
  if (stmt_) sqlite3_bind_int64(stmt_, i, value);
  return *this;
}

bool SqlStmt::Step() {
  if (!stmt_ || !status_.ok()) return false;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status_ = db_.Failure("step");
  return false;
}

Status SqlStmt::Run() {
  while (Step()) {
  }
  return status_;
}

void SqlStmt::Reset() {
  if (!stmt_) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string SqlStmt::Text(int col) const {
  const unsigned char* t = sqlite3_column_text(stmt_, col);
  return t ? std::string(reinterpret_cast<const char*>(t),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

std::int64_t SqlStmt::Int(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

SqlTransaction::~SqlTransaction() {
  if (open_) db_.Exec("ROLLBACK");
}

Status SqlTransaction::Begin() {
  Status s = db_.Exec("BEGIN IMMEDIATE");
  open_ = s.ok();
  return s;
}

Status SqlTransaction::Commit() {
  Status s = db_.Exec("COMMIT");
  if (s.ok()) open_ = false;
  return s;
}

}  // namespace pressarc::search::internal
