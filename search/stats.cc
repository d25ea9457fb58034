// `pressarc stats`: counts from the index's boolean terms, the archive's
// size, and the last crawl run from DATA/state.sqlite (when there is one).
#include <sqlite3.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "config/disk_usage.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "search/facets.h"
#include "search/search.h"

namespace pressarc::search {

namespace {

namespace fs = std::filesystem;

// Counts by source, language and year from the value slots of every document.
void CountIndex(const Xapian::Database& db, IndexStats* stats) {
  Facets counts = internal::CountFacets(db, Xapian::Query::MatchAll);
  stats->documents = db.get_doccount();
  stats->sources = std::move(counts.sources);
  stats->languages = std::move(counts.languages);
  stats->years = std::move(counts.years);
}

std::string Column(sqlite3_stmt* stmt, int i) {
  const unsigned char* text = sqlite3_column_text(stmt, i);
  return text ? reinterpret_cast<const char*>(text) : "";
}

// The newest row of `runs`, when the table exists. Never fails.
std::optional<LastCrawl> ReadLastCrawl(const std::string& data_dir) {
  const std::string path = data_dir + "/state.sqlite";
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return std::nullopt;
  }
  sqlite3_busy_timeout(db, 2000);
  std::optional<LastCrawl> out;
  sqlite3_stmt* stmt = nullptr;
  const char* sql =
      "SELECT id, started_at, finished_at, status, summary_json FROM runs ORDER BY id DESC LIMIT 1";
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    LastCrawl run;
    run.id = sqlite3_column_int64(stmt, 0);
    run.started_at = Column(stmt, 1);
    run.finished_at = Column(stmt, 2);
    run.status = Column(stmt, 3);
    run.summary_json = Column(stmt, 4);
    out = std::move(run);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

}  // namespace

Result<IndexStats> CollectStats(const std::string& data_dir) {
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) {
    return Status::Runtime("no index yet: data directory '" + data_dir + "' does not exist",
                           "run pressarc crawl (or pressarc import FILE...) first, or pass --data");
  }
  IndexStats stats;
  const std::string stub = IndexPaths::Stub(data_dir);
  if (fs::exists(stub, ec)) {
    Status last;
    for (int attempt = 0; attempt < 4; ++attempt) {
      try {
        Xapian::Database db(stub);
        CountIndex(db, &stats);
        stats.has_index = true;
        last = Status::Ok();
        break;
      } catch (const Xapian::DatabaseModifiedError& e) {
        last = Status::Runtime("the index kept changing while reading it: " + e.get_msg());
      } catch (const Xapian::DatabaseOpeningError& e) {
        last = Status::Runtime("cannot open the index " + stub + ": " + e.get_msg());
      } catch (const Xapian::Error& e) {
        return Status::Runtime("cannot read the index " + stub + ": " + e.get_description());
      }
    }
    if (!last.ok()) return last;
  }
  DiskUsage archive = DiskUsageOf((fs::path(data_dir) / "archive").string());
  stats.archive_bytes = archive.bytes;
  stats.archive_files = archive.files;
  stats.last_crawl = ReadLastCrawl(data_dir);
  return stats;
}

}  // namespace pressarc::search
