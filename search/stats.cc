// `pressarc stats`: counts from the index's boolean terms, the archive's
// size, and the last crawl run from the catalogue (archive.h ReadLastRun).
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "archive/archive.h"
#include "config/disk_usage.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "search/facets.h"
#include "search/search.h"
#include "search/shards.h"

namespace pressarc::search {

namespace {

namespace fs = std::filesystem;

// Counts by source, language and year from the value slots of every document.
void CountIndex(const Xapian::Database& db, IndexStats* stats) {
  Facets counts = internal::CountFacets(db, Xapian::Query::MatchAll, {.exact_up_to = 0});
  stats->documents = db.get_doccount();
  stats->sources = std::move(counts.sources);
  stats->languages = std::move(counts.languages);
  stats->years = std::move(counts.years);
}

}  // namespace

Result<IndexStats> CollectStats(const std::string& data_dir, const OpenOptions& options) {
  std::error_code ec;
  if (options.shards.empty() && !fs::is_directory(data_dir, ec)) {
    return Status::Runtime("no index yet: data directory '" + data_dir + "' does not exist",
                           "run pressarc crawl (or pressarc import FILE...) first, or pass --data");
  }
  IndexStats stats;
  const std::string stub = IndexPaths::Stub(data_dir);
  if (!options.shards.empty() || fs::exists(stub, ec)) {
    internal::IndexSet index(data_dir, options);
    Status last;
    for (int attempt = 0; attempt < 4; ++attempt) {
      try {
        // Opened afresh each time: a new generation, and without the
        // shards that stopped answering.
        if (Status s = index.Open(); !s.ok()) return s;
        CountIndex(index.Db(), &stats);
        stats.has_index = true;
        last = Status::Ok();
        break;
      } catch (const Xapian::NetworkError& e) {
        last = Status::Runtime("a shard kept failing: " + e.get_description());
      } catch (const Xapian::DatabaseModifiedError& e) {
        last = Status::Runtime("the index kept changing while reading it: " + e.get_msg());
      } catch (const Xapian::DatabaseOpeningError& e) {
        last = Status::Runtime("cannot open the index " + stub + ": " + e.get_msg());
      } catch (const Xapian::Error& e) {
        return Status::Runtime("cannot read the index " + stub + ": " + e.get_description());
      }
    }
    if (!last.ok()) return last;
    stats.shards = options.shards.size() - index.down().size();
    stats.warnings = index.warnings();
  }
  DiskUsage archive = DiskUsageOf((fs::path(data_dir) / "archive").string());
  stats.archive_bytes = archive.bytes;
  stats.archive_files = archive.files;
  stats.last_crawl = ReadLastRun(data_dir);
  if (auto catalogue = Catalogue::OpenReadOnly(data_dir + "/state.sqlite"); catalogue.ok()) {
    stats.edited = (*catalogue)->EditedCount();
  }
  return stats;
}

}  // namespace pressarc::search
