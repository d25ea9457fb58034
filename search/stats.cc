// `pressarc stats`: counts from the index's boolean terms, the archive's
// size, and the last crawl run from the catalogue (archive.h ReadLastRun).
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

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

// The documents of each value of the boolean terms with `prefix` (their
// term frequencies: no document is read), by value; nullopt when a value
// may have been hashed into its term (BooleanTerm: too long to keep whole).
std::optional<std::vector<FacetValue>> TermCounts(const Xapian::Database& db,
                                                  std::string_view prefix) {
  constexpr std::size_t kHashedFrom = 200;  // terms of 240 bytes and more may be hashed
  std::vector<FacetValue> out;
  const std::string p(prefix);
  for (auto t = db.allterms_begin(p); t != db.allterms_end(p); ++t) {
    const std::string term = *t;
    if (term.size() >= kHashedFrom) return std::nullopt;
    std::string_view value = std::string_view(term).substr(p.size());
    if (value.starts_with(':')) value.remove_prefix(1);  // BooleanTerm's ':' before A-Z or ':'
    if (value.empty()) continue;
    out.push_back({std::string(value), t.get_termfreq()});
  }
  std::sort(out.begin(), out.end(),
            [](const FacetValue& a, const FacetValue& b) { return a.value < b.value; });
  return out;
}

// Languages from the L terms: a document of a regional form ("en-GB") also
// has its bucket's term ("en"), so the bucket's count loses them.
std::optional<std::vector<FacetValue>> LanguageCounts(const Xapian::Database& db) {
  auto terms = TermCounts(db, schema::kPrefixLanguage);
  if (!terms) return std::nullopt;
  std::map<std::string, std::int64_t> counts;
  for (const auto& f : *terms) counts[f.value] += static_cast<std::int64_t>(f.count);
  for (const auto& f : *terms) {
    const std::string_view bucket = LanguageBucket(f.value);
    if (!bucket.empty() && bucket != f.value) counts[std::string(bucket)] -= f.count;
  }
  std::vector<FacetValue> out;
  for (const auto& [value, count] : counts) {
    if (count < 0) return std::nullopt;  // not terms this indexer wrote
    if (count > 0) out.push_back({value, static_cast<std::uint64_t>(count)});
  }
  return out;
}

// Counts by source, language and year from the frequencies of their
// boolean terms (XSOURCE, L, Y: the same values as the slots facets read,
// written together), in constant time; from the value slots of every
// document when a term cannot be read back.
void CountIndex(const Xapian::Database& db, IndexStats* stats) {
  stats->documents = db.get_doccount();
  auto sources = TermCounts(db, schema::kPrefixSource);
  auto languages = LanguageCounts(db);
  auto years = TermCounts(db, schema::kPrefixYear);
  if (sources && languages && years) {
    stats->sources = std::move(*sources);
    stats->languages = std::move(*languages);
    stats->years = std::move(*years);
    return;
  }
  Facets counts = internal::CountFacets(db, Xapian::Query::MatchAll, {.exact_up_to = 0});
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
