// Internal to search/: a thin SQLite wrapper for the watch store
// (DATA/watches.sqlite): one connection, prepared statements, errors as
// Status values.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/status.h"

namespace pressarc::search::internal {

class SqlStmt;

class SqlDb {
 public:
  static Result<std::unique_ptr<SqlDb>> Open(const std::string& path);
  ~SqlDb();
  SqlDb(const SqlDb&) = delete;
  SqlDb& operator=(const SqlDb&) = delete;

  Status Exec(const char* sql);
  sqlite3* handle() const { return db_; }
  std::string Error(std::string_view what) const;
  // The last error as a Status: DiskFull(the database file) for SQLITE_FULL
  // or a no-space errno, else Runtime(Error(what)).
  Status Failure(std::string_view what) const;

 private:
  explicit SqlDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// One statement; Bind (1-based) then Step() until false, or Run() once.
class SqlStmt {
 public:
  SqlStmt(SqlDb& db, const char* sql);
  ~SqlStmt();
  SqlStmt(const SqlStmt&) = delete;
  SqlStmt& operator=(const SqlStmt&) = delete;

  SqlStmt& Bind(int i, std::string_view text);
  SqlStmt& Bind(int i, std::int64_t value);
  // true while there is a row; a failure sets status().
  bool Step();
  // Steps to completion; the first error.
  Status Run();
  void Reset();
  std::string Text(int col) const;
  std::int64_t Int(int col) const;
  const Status& status() const { return status_; }

 private:
  SqlDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

// BEGIN IMMEDIATE ... COMMIT; rolled back when destroyed uncommitted.
class SqlTransaction {
 public:
  explicit SqlTransaction(SqlDb& db) : db_(db) {}
  ~SqlTransaction();
  Status Begin();
  Status Commit();

 private:
  SqlDb& db_;
  bool open_ = false;
};

}  // namespace pressarc::search::internal
