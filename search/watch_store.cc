// The watch store: DATA/watches.sqlite and DATA/feeds/ (contract in
// search/watch.h).
#include <xapian.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "config/digest.h"
#include "config/iso_time.h"
#include "config/log.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "search/query_builder.h"
#include "search/stored_doc.h"
#include "search/watch.h"
#include "search/watch_db.h"

namespace pressarc::search {

namespace {

namespace fs = std::filesystem;
using internal::SqlDb;
using internal::SqlStmt;
using internal::SqlTransaction;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- The index's documents as the watches last saw them: stable id → digest,
-- with the run sequence number at which that digest was first seen, and
-- status (live, removed; '' = before statuses were kept, taken as live) with
-- the run sequence number at
-- which it changed (0 = never).
CREATE TABLE IF NOT EXISTS docs(id TEXT PRIMARY KEY, digest TEXT NOT NULL, seq INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT '', status_seq INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS docs_seq ON docs(seq);
-- Cache for the index generation named by meta 'uuid': docid → content hash
-- value, status value and stable id, so that a scan reads only documents
-- that changed.
CREATE TABLE IF NOT EXISTS slots(docid INTEGER PRIMARY KEY, hash TEXT NOT NULL, id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS slots_id ON slots(id);
CREATE TABLE IF NOT EXISTS watches(
  name TEXT PRIMARY KEY, query_json TEXT NOT NULL, created_at TEXT NOT NULL,
  last_seq INTEGER NOT NULL, last_run TEXT NOT NULL DEFAULT '',
  feed_dirty INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS reported(
  watch TEXT NOT NULL, id TEXT NOT NULL, digest TEXT NOT NULL, dup_key TEXT NOT NULL,
  run INTEGER NOT NULL, reported_at TEXT NOT NULL, url TEXT NOT NULL, title TEXT NOT NULL,
  published TEXT NOT NULL, language TEXT NOT NULL, source TEXT NOT NULL, snippet TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'live',
  PRIMARY KEY(watch, id));
CREATE INDEX IF NOT EXISTS reported_recent ON reported(watch, run, published);
CREATE INDEX IF NOT EXISTS reported_dup ON reported(watch, dup_key);
CREATE TABLE IF NOT EXISTS alerts(watch TEXT NOT NULL, run INTEGER NOT NULL,
  payload TEXT NOT NULL, PRIMARY KEY(watch, run));
)sql";

// Columns added after the first release of the store, added to a store
// written before them. A document's status '' is taken as live: the first
// scan of such a store finds the documents removed meanwhile changed (the
// watches on status:removed then report those they had not; they could
// not see removals before), the others unchanged.
constexpr struct {
  const char* table;
  const char* column;
  const char* declaration;
} kAddedColumns[] = {
    {"docs", "status", "TEXT NOT NULL DEFAULT ''"},
    {"docs", "status_seq", "INTEGER NOT NULL DEFAULT 0"},
    {"slots", "status", "TEXT NOT NULL DEFAULT ''"},
    {"reported", "status", "TEXT NOT NULL DEFAULT 'live'"},
};
constexpr const char* kIndexesOfAddedColumns =
    "CREATE INDEX IF NOT EXISTS docs_status_seq ON docs(status_seq);";

constexpr std::size_t kMaxNameBytes = 64;
// Attempts when the index changes under a scan (commit or generation swap).
constexpr int kAttempts = 4;

std::string NowUtc() {
  return IsoUtc(static_cast<std::int64_t>(std::time(nullptr)));
}

// What decides whether a document changed for the watches: its title,
// publication date and text (not where or when it was fetched, nor the
// indexer's analysis version, which a reindex may change).
std::string ContentDigest(const StoredArticle& d) {
  Sha1 sha;
  for (const std::string* s : {&d.title, &d.published, &d.text}) {
    sha.Update(*s);
    sha.Update("\x1f");
  }
  auto digest = sha.Final();
  return Hex(digest.data(), 10);
}

nlohmann::ordered_json QueryToJson(const WatchQuery& q) {
  return {{"query", q.query}, {"lang", q.languages}, {"source", q.sources}, {"from", q.from},
          {"to", q.to},       {"any", q.match_any},  {"all", q.all}};
}

WatchQuery QueryFromJson(const std::string& text) {
  WatchQuery q;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return q;
  q.query = j.value("query", "");
  q.languages = j.value("lang", std::vector<std::string>{});
  q.sources = j.value("source", std::vector<std::string>{});
  q.from = j.value("from", "");
  q.to = j.value("to", "");
  q.match_any = j.value("any", false);
  q.all = j.value("all", false);
  return q;
}

using DocidList = std::shared_ptr<const std::vector<Xapian::docid>>;

// A posting source over a sorted list of docids: restricts a query to the
// documents a run looks at.
class DocidSource : public Xapian::PostingSource {
 public:
  explicit DocidSource(DocidList ids) : ids_(std::move(ids)) {}
  void init(const Xapian::Database&) override {
    pos_ = 0;
    started_ = false;
    set_maxweight(0);
  }
  Xapian::doccount get_termfreq_min() const override { return Size(); }
  Xapian::doccount get_termfreq_est() const override { return Size(); }
  Xapian::doccount get_termfreq_max() const override { return Size(); }
  void next(double) override {
    if (started_) {
      ++pos_;
    } else {
      started_ = true;
    }
  }
  void skip_to(Xapian::docid did, double) override {
    started_ = true;
    pos_ = static_cast<std::size_t>(
        std::lower_bound(ids_->begin() + static_cast<std::ptrdiff_t>(std::min(pos_, ids_->size())),
                         ids_->end(), did) -
        ids_->begin());
  }
  bool at_end() const override { return started_ && pos_ >= ids_->size(); }
  Xapian::docid get_docid() const override { return (*ids_)[pos_]; }
  PostingSource* clone() const override { return new DocidSource(ids_); }
  std::string get_description() const override { return "DocidSource"; }

 private:
  Xapian::doccount Size() const { return static_cast<Xapian::doccount>(ids_->size()); }
  DocidList ids_;
  std::size_t pos_ = 0;
  bool started_ = false;
};

// The documents changed after a sequence number, by docid (sorted).
struct CandidateSets {
  DocidList content;  // title, date or text changed (or new): every watch looks at these
  DocidList status;   // status changed: the watches whose query mentions the status
  DocidList both;     // content ∪ status, made when a watch needs it
};

// The index's documents for this run: stable id ↔ docid, and what changed.
struct IndexView {
  std::unordered_map<std::string, Xapian::docid> docid_of;  // stable id → docid
  std::int64_t seq = 0;                                     // the store's sequence after the scan
  std::uint64_t changed = 0;
  bool lazy = false;  // docid_of not filled: the index did not change since the last scan
  // The candidates after a sequence number (watches run together share them).
  std::map<std::int64_t, CandidateSets> candidates;
};

// A document's kSlotStatus value as the docs table keeps it ("" in an index
// written before the slot: live).
std::string StatusOf(const std::string& value) {
  return value.empty() ? std::string(schema::kStatusLive) : value;
}

// Whether a watch's query can match a document before a change of its
// status and not after, or the reverse: it holds an XSTATUS term (status:,
// whatever the operator). A query without one matches a document whatever
// its status, so a removal or a restoration is no news to it.
bool MentionsStatus(const Xapian::Query& query) {
  for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
    if (std::string_view(*t).substr(0, schema::kPrefixStatus.size()) == schema::kPrefixStatus) {
      return true;
    }
  }
  return false;
}

// The sorted union of two sorted docid lists.
DocidList Union(const std::vector<Xapian::docid>& a, const std::vector<Xapian::docid>& b) {
  auto out = std::make_shared<std::vector<Xapian::docid>>();
  out->reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(*out));
  return out;
}

class SqliteWatchStore : public WatchStore {
 public:
  SqliteWatchStore(std::string data_dir, std::unique_ptr<SqlDb> db)
      : data_dir_(std::move(data_dir)), db_(std::move(db)) {}

  Status Add(const std::string& name, const WatchQuery& query) override {
    if (Status s = ValidateWatchName(name); !s.ok()) return s;
    if (Status s = ValidateWatchQuery(query); !s.ok()) return s;
    SqlTransaction tx(*db_);
    if (Status s = tx.Begin(); !s.ok()) return s;
    if (Exists(name)) {
      return Status::Usage("watch '" + name + "' exists already",
                           "remove it first with pressarc watch rm " + name);
    }
    // What the index holds now is not new to this watch: scan it first (for
    // the other watches, what changed stays theirs to report).
    IndexView view;
    if (Status s = ScanIndex(&view); !s.ok()) return s;
    SqlStmt ins(*db_,
                "INSERT INTO watches(name, query_json, created_at, last_seq, feed_dirty) "
                "VALUES(?, ?, ?, ?, 1)");
    ins.Bind(1, name).Bind(2, QueryToJson(query).dump()).Bind(3, NowUtc()).Bind(4, view.seq);
    if (Status s = ins.Run(); !s.ok()) return s;
    if (Status s = tx.Commit(); !s.ok()) return s;
    return WriteDirtyFeeds(WatchRunOptions{});
  }

  Status Remove(const std::string& name) override {
    SqlTransaction tx(*db_);
    if (Status s = tx.Begin(); !s.ok()) return s;
    if (!Exists(name)) return UnknownWatch(name);
    for (const char* sql :
         {"DELETE FROM watches WHERE name = ?", "DELETE FROM reported WHERE watch = ?",
          "DELETE FROM alerts WHERE watch = ?"}) {
      SqlStmt del(*db_, sql);
      if (Status s = del.Bind(1, name).Run(); !s.ok()) return s;
    }
    if (Status s = tx.Commit(); !s.ok()) return s;
    std::error_code ec;
    fs::remove(FeedPath(name), ec);
    return Status::Ok();
  }

  Result<std::vector<Watch>> List() override { return Watches(""); }

  Result<Watch> Get(const std::string& name) override {
    auto all = Watches(name);
    if (!all.ok()) return all.status();
    if (all->empty()) return UnknownWatch(name);
    return all->front();
  }

  Result<std::vector<WatchMatch>> Recent(const std::string& name, std::size_t limit) override {
    if (auto w = Get(name); !w.ok()) return w.status();
    return Matches(name, limit, -1);
  }

  Result<WatchRunResult> Run(const WatchRunOptions& options) override {
    WatchRunResult result;
    {
      SqlTransaction tx(*db_);
      if (Status s = tx.Begin(); !s.ok()) return s;
      IndexView view;
      if (Status s = ScanIndex(&view); !s.ok()) return s;
      result.changed = view.changed;
      auto watches = Watches("");
      if (!watches.ok()) return watches.status();
      const std::string now = NowUtc();
      SqlStmt done(*db_, "UPDATE watches SET last_seq = ? WHERE name = ? AND last_seq < ?");
      for (const Watch& w : *watches) {
        auto report = RunOne(w, view, now, options);
        if (!report.ok() && report.status().code() == Status::Code::kUsage) {
          // Its query no longer parses (it did when it was added): the
          // others go on; this one stays behind, to report all once fixed.
          log::Warn("watches", "watch " + w.name + ": " + report.status().message());
          continue;
        }
        if (!report.ok()) return report.status();
        result.reports.push_back(std::move(report.value()));
        if (w.last_seq >= view.seq) continue;
        done.Reset();
        if (Status s = done.Bind(1, view.seq).Bind(2, w.name).Bind(3, view.seq).Run(); !s.ok()) {
          return s;
        }
      }
      SqlStmt ran(*db_, "UPDATE watches SET last_run = ?");
      if (Status s = ran.Bind(1, now).Run(); !s.ok()) return s;
      if (Status s = tx.Commit(); !s.ok()) return s;
    }
    // After the commit: the feeds follow the table (a failure here is
    // repaired by the next run, which finds the feed still marked).
    if (Status s = WriteDirtyFeeds(options); !s.ok()) return s;
    return result;
  }

  std::string FeedPath(const std::string& name) const override {
    return data_dir_ + "/feeds/" + name + ".atom";
  }

  Result<std::string> FeedXml(const std::string& name) override {
    auto w = Get(name);
    if (!w.ok()) return w.status();
    auto matches = Matches(name, WatchRunOptions{}.feed_entries, -1);
    if (!matches.ok()) return matches.status();
    return BuildFeed(*w, *matches);
  }

  Result<std::vector<PendingAlert>> PendingAlerts() override {
    std::vector<PendingAlert> out;
    SqlStmt q(*db_, "SELECT watch, run, payload FROM alerts ORDER BY run, watch");
    while (q.Step()) out.push_back({q.Text(0), q.Int(1), q.Text(2)});
    if (!q.status().ok()) return q.status();
    return out;
  }

  Status AlertDone(const PendingAlert& alert) override {
    SqlStmt del(*db_, "DELETE FROM alerts WHERE watch = ? AND run = ?");
    return del.Bind(1, alert.watch).Bind(2, alert.run).Run();
  }

  Status Init() {
    std::error_code ec;
    fs::create_directories(data_dir_ + "/feeds", ec);
    if (ec) return Status::Runtime("cannot create " + data_dir_ + "/feeds: " + ec.message());
    if (Status s = db_->Exec(kSchema); !s.ok()) return s;
    if (Status s = AddMissingColumns(); !s.ok()) return s;
    return WriteDirtyFeeds(WatchRunOptions{});
  }

 private:
  static Status UnknownWatch(const std::string& name) {
    return Status::Usage("unknown watch '" + name + "'", "see pressarc watch list");
  }

  // Upgrades a store written before kAddedColumns (one transaction, so two
  // processes opening it at once do not both add a column).
  Status AddMissingColumns() {
    SqlTransaction tx(*db_);
    if (Status s = tx.Begin(); !s.ok()) return s;
    SqlStmt has(*db_, "SELECT 1 FROM pragma_table_info(?) WHERE name = ?");
    for (const auto& c : kAddedColumns) {
      has.Reset();
      if (has.Bind(1, c.table).Bind(2, c.column).Step()) continue;
      if (!has.status().ok()) return has.status();
      const std::string sql =
          std::string("ALTER TABLE ") + c.table + " ADD COLUMN " + c.column + " " + c.declaration;
      if (Status s = db_->Exec(sql.c_str()); !s.ok()) return s;
    }
    if (Status s = db_->Exec(kIndexesOfAddedColumns); !s.ok()) return s;
    return tx.Commit();
  }

  bool Exists(const std::string& name) {
    SqlStmt q(*db_, "SELECT 1 FROM watches WHERE name = ?");
    return q.Bind(1, name).Step();
  }

  std::string Meta(const char* key) {
    SqlStmt q(*db_, "SELECT value FROM meta WHERE key = ?");
    return q.Bind(1, key).Step() ? q.Text(0) : "";
  }

  Status SetMeta(const char* key, const std::string& value) {
    SqlStmt q(*db_, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
    return q.Bind(1, key).Bind(2, value).Run();
  }

  // All watches ("" ) or the one named, by name.
  Result<std::vector<Watch>> Watches(const std::string& only) {
    std::vector<Watch> out;
    SqlStmt q(*db_,
              "SELECT w.name, w.query_json, w.created_at, w.last_run, "
              "(SELECT COUNT(*) FROM reported r WHERE r.watch = w.name), w.last_seq "
              "FROM watches w WHERE ? = '' OR w.name = ? ORDER BY w.name");
    q.Bind(1, only).Bind(2, only);
    while (q.Step()) {
      Watch w;
      w.name = q.Text(0);
      w.query = QueryFromJson(q.Text(1));
      w.created_at = q.Text(2);
      w.last_run = q.Text(3);
      w.matches = static_cast<std::uint64_t>(q.Int(4));
      w.last_seq = q.Int(5);
      out.push_back(std::move(w));
    }
    if (!q.status().ok()) return q.status();
    return out;
  }

  // Reported matches of a watch, newest first; of one run only when run >= 0.
  Result<std::vector<WatchMatch>> Matches(const std::string& name, std::size_t limit,
                                          std::int64_t run) {
    std::vector<WatchMatch> out;
    SqlStmt q(*db_,
              "SELECT id, url, title, published, language, source, snippet, reported_at, status "
              "FROM reported WHERE watch = ? AND (? < 0 OR run = ?) "
              "ORDER BY run DESC, published DESC, id LIMIT ?");
    q.Bind(1, name).Bind(2, run).Bind(3, run).Bind(4, static_cast<std::int64_t>(limit));
    while (q.Step()) {
      out.push_back({q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6),
                     q.Text(7), q.Text(8)});
    }
    if (!q.status().ok()) return q.status();
    return out;
  }

  // Brings the docs table up to date with the index (see watch.h): inside
  // the caller's transaction. No index: nothing to scan.
  Status ScanIndex(IndexView* view) {
    view->seq = std::atoll(Meta("seq").c_str());
    if (!fs::exists(IndexPaths::Stub(data_dir_))) return Status::Ok();
    std::string last;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      try {
        Xapian::Database db(IndexPaths::Stub(data_dir_));
        db_index_ = db;
        return ScanDatabase(db, view);
      } catch (const Xapian::DatabaseModifiedError& e) {
        last = e.get_msg();
      } catch (const Xapian::DatabaseOpeningError& e) {
        last = e.get_msg();
      } catch (const Xapian::Error& e) {
        return Status::Runtime("watches: reading the index: " + e.get_description());
      }
    }
    return Status::Runtime("watches: the index kept changing while reading it: " + last);
  }

  // A document as the slots cache keeps it.
  struct Slot {
    std::string hash;    // kSlotContentHash
    std::string id;      // stable id
    std::string status;  // StatusOf(kSlotStatus)
  };

  // A docs row (see kSchema).
  struct DocRow {
    std::string digest;
    std::int64_t seq = 0;
    std::string status;
    std::int64_t status_seq = 0;
  };

  // The docs table's statements for one scan.
  class DocsTable {
   public:
    explicit DocsTable(SqlDb& db)
        : get_(db, "SELECT digest, seq, status, status_seq FROM docs WHERE id = ?"),
          put_(db,
               "INSERT OR REPLACE INTO docs(id, digest, seq, status, status_seq) "
               "VALUES(?, ?, ?, ?, ?)") {}

    // Brings the row of `id` up to date with the document's `digest`
    // (nullopt: the document was not read, its content hash is the one last
    // seen) and `status`, at sequence `seq`. True when the document is new
    // or its digest or status changed (a status '' was live). A row
    // missing when the content is known unchanged (it cannot be: slots and
    // docs rows are written together) is recorded as new, with no digest.
    Result<bool> Update(const std::string& id, const std::optional<std::string>& digest,
                        const std::string& status, std::int64_t seq) {
      get_.Reset();
      const bool found = get_.Bind(1, id).Step();
      if (!get_.status().ok()) return get_.status();
      DocRow old;
      if (found) old = {get_.Text(0), get_.Int(1), get_.Text(2), get_.Int(3)};
      DocRow now = old;
      const bool content_changed = !found || (digest && *digest != old.digest);
      if (content_changed) {
        now.digest = digest.value_or("");
        now.seq = seq;
      }
      const bool status_changed = found && StatusOf(old.status) != status;
      if (status_changed) now.status_seq = seq;
      now.status = status;
      if (!content_changed && now.status == old.status) return false;
      put_.Reset();
      put_.Bind(1, id).Bind(2, now.digest).Bind(3, now.seq).Bind(4, now.status);
      if (Status s = put_.Bind(5, now.status_seq).Run(); !s.ok()) return s;
      return content_changed || status_changed;
    }

   private:
    SqlStmt get_;
    SqlStmt put_;
  };

  Status ScanDatabase(const Xapian::Database& db, IndexView* view) {
    const std::string uuid = db.get_uuid();
    const std::string revision = std::to_string(db.get_revision());
    const bool same_generation = Meta("uuid") == uuid;
    if (!same_generation) {
      if (Status s = db_->Exec("DELETE FROM slots"); !s.ok()) return s;
    }
    // The index is as the last scan left it: nothing to read (the
    // candidates' docids are looked up only when a watch is behind).
    if (same_generation && Meta("revision") == revision) {
      view->lazy = true;
      return Status::Ok();
    }
    // docid → what was last seen of it in this generation.
    std::unordered_map<Xapian::docid, Slot> slots;
    {
      SqlStmt q(*db_, "SELECT docid, hash, id, status FROM slots");
      while (q.Step())
        slots[static_cast<Xapian::docid>(q.Int(0))] = {q.Text(1), q.Text(2), q.Text(3)};
      if (!q.status().ok()) return q.status();
    }
    const std::int64_t next_seq = view->seq + 1;
    SqlStmt put_slot(*db_,
                     "INSERT OR REPLACE INTO slots(docid, hash, id, status) VALUES(?, ?, ?, ?)");
    DocsTable docs(*db_);
    // Read alongside the content-hash stream (both are in docid order).
    internal::ValueCursor statuses(db, schema::kSlotStatus);
    const unsigned slot = schema::kSlotContentHash;
    for (auto v = db.valuestream_begin(slot); v != db.valuestream_end(slot); ++v) {
      const Xapian::docid did = v.get_docid();
      Slot now{*v, "", StatusOf(statuses.At(did))};
      auto it = slots.find(did);
      const bool same_content =
          it != slots.end() && it->second.hash == now.hash && !it->second.id.empty();
      if (same_content && it->second.status == now.status) continue;
      std::optional<std::string> digest;  // read only when the content hash changed
      if (same_content) {
        now.id = it->second.id;
      } else {
        StoredArticle stored = internal::ReadStoredDoc(db.get_document(did));
        if (stored.id.empty()) continue;
        now.id = stored.id;
        digest = ContentDigest(stored);
      }
      put_slot.Reset();
      put_slot.Bind(1, static_cast<std::int64_t>(did)).Bind(2, now.hash).Bind(3, now.id);
      if (Status s = put_slot.Bind(4, now.status).Run(); !s.ok()) return s;
      auto changed = docs.Update(now.id, digest, now.status, next_seq);
      if (!changed.ok()) return changed.status();
      if (*changed) ++view->changed;
      slots[did] = std::move(now);
    }
    for (const auto& [did, entry] : slots) view->docid_of[entry.id] = did;
    if (view->changed > 0) view->seq = next_seq;
    for (const auto& [key, value] : {std::pair<const char*, std::string>{"uuid", uuid},
                                     {"revision", revision},
                                     {"seq", std::to_string(view->seq)}}) {
      if (Status s = SetMeta(key, value); !s.ok()) return s;
    }
    return Status::Ok();
  }

  // The documents whose content (by_status false) or status (true) changed
  // after `since` that are in the index, by docid.
  Result<DocidList> Candidates(std::int64_t since, bool by_status, const IndexView& view) {
    auto out = std::make_shared<std::vector<Xapian::docid>>();
    if (view.lazy) {
      SqlStmt q(*db_, by_status ? "SELECT s.docid FROM docs d JOIN slots s ON s.id = d.id "
                                  "WHERE d.status_seq > ?"
                                : "SELECT s.docid FROM docs d JOIN slots s ON s.id = d.id "
                                  "WHERE d.seq > ?");
      q.Bind(1, since);
      while (q.Step()) out->push_back(static_cast<Xapian::docid>(q.Int(0)));
      if (!q.status().ok()) return q.status();
    } else {
      SqlStmt q(*db_, by_status ? "SELECT id FROM docs WHERE status_seq > ?"
                                : "SELECT id FROM docs WHERE seq > ?");
      q.Bind(1, since);
      while (q.Step()) {
        auto it = view.docid_of.find(q.Text(0));
        if (it != view.docid_of.end()) out->push_back(it->second);
      }
      if (!q.status().ok()) return q.status();
    }
    std::sort(out->begin(), out->end());
    out->erase(std::unique(out->begin(), out->end()), out->end());
    return DocidList(std::move(out));
  }

  // The candidates of a watch run from `since`: what changed after it in
  // content, and in status too when the query mentions the status.
  DocidList CandidatesFor(std::int64_t since, const Xapian::Query& query, IndexView& view) {
    CandidateSets& sets = view.candidates[since];
    if (sets.status->empty() || !MentionsStatus(query)) return sets.content;
    if (!sets.both) sets.both = Union(*sets.content, *sets.status);
    return sets.both;
  }

  // Fills view.candidates[since] (content and status changes).
  Status FindCandidates(std::int64_t since, IndexView& view) {
    CandidateSets& sets = view.candidates[since];
    if (sets.content) return Status::Ok();
    auto content = Candidates(since, false, view);
    if (!content.ok()) return content.status();
    auto status = Candidates(since, true, view);
    if (!status.ok()) return status.status();
    sets.content = std::move(content.value());
    sets.status = std::move(status.value());
    return Status::Ok();
  }

  // Runs one watch over what changed since its last run and records the
  // new matches (inside the run's transaction).
  Result<WatchReport> RunOne(const Watch& w, IndexView& view, const std::string& now,
                             const WatchRunOptions& options) {
    WatchReport report;
    report.name = w.name;
    report.query = w.query;
    const std::int64_t since = w.last_seq;
    if (since >= view.seq) return report;
    if (Status s = FindCandidates(since, view); !s.ok()) return s;
    const CandidateSets& sets = view.candidates[since];
    if (sets.content->empty() && sets.status->empty()) return report;
    auto query = BuildWatchQuery(w.query);
    if (!query.ok()) return query.status();
    DocidList candidates = CandidatesFor(since, *query, view);
    if (candidates->empty()) return report;
    auto matched = Match(*query, candidates);
    if (!matched.ok()) return matched.status();
    auto fresh = NewMatches(w, *matched);
    if (!fresh.ok()) return fresh.status();
    if (fresh->empty()) return report;
    return Record(w, std::move(fresh.value()), now, view.seq, options);
  }

  // The watch's query as `search` builds it (kUsage when it no longer parses).
  Result<Xapian::Query> BuildWatchQuery(const WatchQuery& query) {
    try {
      auto built = internal::BuildQuery(db_index_, query.ToSearchOptions());
      if (!built.ok()) return built.status();
      return built->query;
    } catch (const Xapian::Error& e) {
      return Status::Runtime("watches: matching: " + e.get_description());
    }
  }

  // The candidates the watch's query matches.
  Result<std::vector<Xapian::docid>> Match(const Xapian::Query& query, DocidList ids) {
    try {
      Xapian::Query only((new DocidSource(ids))->release());
      Xapian::Enquire enquire(db_index_);
      enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, only));
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      enquire.set_docid_order(Xapian::Enquire::ASCENDING);
      Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(ids->size()));
      std::vector<Xapian::docid> out;
      for (auto it = mset.begin(); it != mset.end(); ++it) out.push_back(*it);
      return out;
    } catch (const Xapian::Error& e) {
      return Status::Runtime("watches: matching: " + e.get_description());
    }
  }

  struct Fresh {
    StoredArticle doc;
    std::string digest;
    std::string dup_key;
    std::string status;  // StatusOf(kSlotStatus)
  };

  // Which of two new copies a watch reports: the earliest published
  // (undated last), then the first by URL (canonical when known), then by
  // id. As `search` folds copies, but without its "first archived" step and
  // never by docid: both depend on the order pages were fetched and
  // indexed, and a job rerun (after a full disk, a kill -9) must report
  // the copy the uninterrupted job would have.
  struct CopyOrder {
    bool undated;
    std::string published;
    std::string url;
    std::string id;
    bool operator<(const CopyOrder& o) const {
      return std::tie(undated, published, url, id) < std::tie(o.undated, o.published, o.url, o.id);
    }
  };

  // Matches not reported to the watch before (nor, without `all`, copies of
  // what it reported; of new copies, the first by CopyOrder), newest
  // published first.
  Result<std::vector<Fresh>> NewMatches(const Watch& w, const std::vector<Xapian::docid>& docids) {
    std::vector<Fresh> out;
    std::unordered_map<std::string, std::pair<CopyOrder, std::size_t>> keys;  // key -> out[i]
    SqlStmt seen(*db_, "SELECT 1 FROM reported WHERE watch = ? AND id = ?");
    SqlStmt copy(*db_, "SELECT 1 FROM reported WHERE watch = ? AND dup_key = ?");
    try {
      for (Xapian::docid did : docids) {
        Xapian::Document doc = db_index_.get_document(did);
        Fresh f;
        std::optional<std::size_t> replaces;  // a later copy's place in `out`
        f.doc = internal::ReadStoredDoc(doc);
        seen.Reset();
        if (seen.Bind(1, w.name).Bind(2, f.doc.id).Step()) continue;
        f.dup_key = doc.get_value(schema::kSlotDupKey);
        f.status = StatusOf(doc.get_value(schema::kSlotStatus));
        if (!w.query.all && !f.dup_key.empty()) {
          copy.Reset();
          if (copy.Bind(1, w.name).Bind(2, f.dup_key).Step()) continue;
          CopyOrder order{f.doc.published.empty(), f.doc.published,
                          f.doc.canonical_url.empty() ? f.doc.url : f.doc.canonical_url, f.doc.id};
          auto [at, added] = keys.try_emplace(f.dup_key, order, out.size());
          if (!added) {
            if (!(order < at->second.first)) continue;
            at->second.first = std::move(order);
            replaces = at->second.second;
          }
        }
        f.digest = ContentDigest(f.doc);
        if (replaces) {
          out[*replaces] = std::move(f);
        } else {
          out.push_back(std::move(f));
        }
      }
    } catch (const Xapian::Error& e) {
      return Status::Runtime("watches: reading a match: " + e.get_description());
    }
    std::sort(out.begin(), out.end(), [](const Fresh& a, const Fresh& b) {
      return std::tie(a.doc.published, a.doc.id) > std::tie(b.doc.published, b.doc.id);
    });
    return out;
  }

  // Snippets for the newest new matches, as `search` makes them.
  std::unordered_map<std::string, std::string> Snippets(const WatchQuery& query,
                                                        const std::vector<Fresh>& fresh,
                                                        std::size_t max) {
    std::unordered_map<std::string, std::string> out;
    SearchOptions options = query.ToSearchOptions();
    options.fold_copies = false;
    for (std::size_t i = 0; i < fresh.size() && i < max; ++i)
      options.ids.push_back(fresh[i].doc.id);
    options.limit = static_cast<std::uint32_t>(options.ids.size());
    options.max_linked = 0;
    if (!searcher_) {
      auto opened = Searcher::Open(data_dir_);
      if (!opened.ok()) return out;
      searcher_ = std::move(opened.value());
    }
    auto response = searcher_->Search(options);
    if (!response.ok()) return out;
    for (const auto& hit : response->hits) out[hit.id] = hit.snippet;
    return out;
  }

  Result<WatchReport> Record(const Watch& w, std::vector<Fresh> fresh, const std::string& now,
                             std::int64_t run, const WatchRunOptions& options) {
    WatchReport report;
    report.name = w.name;
    report.query = w.query;
    report.count = fresh.size();
    const auto snippets = Snippets(w.query, fresh, options.max_listed);
    SqlStmt ins(
        *db_,
        "INSERT OR REPLACE INTO reported(watch, id, digest, dup_key, run, reported_at, url, "
        "title, published, language, source, snippet, status) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const Fresh& f : fresh) {
      auto s = snippets.find(f.doc.id);
      WatchMatch m{f.doc.id,
                   f.doc.canonical_url.empty() ? f.doc.url : f.doc.canonical_url,
                   f.doc.title,
                   f.doc.published,
                   f.doc.language,
                   f.doc.source,
                   s != snippets.end() ? s->second : Lead(f.doc.text),
                   now,
                   f.status};
      ins.Reset();
      ins.Bind(1, w.name).Bind(2, m.id).Bind(3, f.digest).Bind(4, f.dup_key).Bind(5, run);
      ins.Bind(6, now).Bind(7, m.url).Bind(8, m.title).Bind(9, m.published).Bind(10, m.language);
      ins.Bind(11, m.source).Bind(12, m.snippet).Bind(13, m.status);
      if (Status st = ins.Run(); !st.ok()) return st;
      if (report.matches.size() < options.max_listed) report.matches.push_back(std::move(m));
    }
    SqlStmt mark(*db_, "UPDATE watches SET feed_dirty = 1 WHERE name = ?");
    if (Status st = mark.Bind(1, w.name).Run(); !st.ok()) return st;
    SqlStmt alert(*db_, "INSERT OR REPLACE INTO alerts(watch, run, payload) VALUES(?, ?, ?)");
    if (Status st = alert.Bind(1, w.name).Bind(2, run).Bind(3, WatchReportJson(report)).Run();
        !st.ok()) {
      return st;
    }
    return report;
  }

  // The text's beginning, cut on a space (when `search` gave no snippet).
  static std::string Lead(const std::string& text) {
    constexpr std::size_t kBytes = 240;
    std::string out = text.substr(0, kBytes);
    std::replace(out.begin(), out.end(), '\n', ' ');
    if (text.size() > kBytes) {
      std::size_t space = out.rfind(' ');
      if (space != std::string::npos && space > kBytes / 2) out.resize(space);
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
        out.pop_back();
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
      out += "…";
    }
    return out;
  }

  std::string BuildFeed(const Watch& w, const std::vector<WatchMatch>& matches) {
    AtomFeedInfo info;
    info.id = "urn:pressarc:watch:" + w.name;
    info.title = "pressarc watch " + w.name;
    info.subtitle = w.query.query;
    info.updated = matches.empty() ? w.created_at : matches.front().reported_at;
    for (const auto& m : matches) info.updated = std::max(info.updated, m.reported_at);
    std::vector<AtomEntry> entries;
    for (const auto& m : matches) {
      AtomEntry e;
      e.id = "urn:pressarc:" + m.id;
      e.title = m.title.empty() ? m.url : m.title;
      const bool removed = m.status == schema::kStatusRemoved;
      if (removed) e.title = "removed: " + e.title;
      e.link = m.url;
      e.published = AtomDate(m.published);
      e.updated = m.reported_at;
      e.summary = m.snippet;
      e.author = m.source;
      e.categories = {m.source};
      if (!m.language.empty()) e.categories.push_back("lang:" + m.language);
      if (removed) e.categories.push_back("status:removed");
      entries.push_back(std::move(e));
    }
    return AtomFeed(info, entries);
  }

  // Rewrites the feeds marked out of date (and any that is missing), then
  // clears their marks.
  Status WriteDirtyFeeds(const WatchRunOptions& options) {
    auto watches = Watches("");
    if (!watches.ok()) return watches.status();
    std::set<std::string> dirty;
    {
      SqlStmt q(*db_, "SELECT name FROM watches WHERE feed_dirty != 0");
      while (q.Step()) dirty.insert(q.Text(0));
      if (!q.status().ok()) return q.status();
    }
    std::vector<std::string> written;
    for (const Watch& w : *watches) {
      if (dirty.count(w.name) == 0 && fs::exists(FeedPath(w.name))) continue;
      auto matches = Matches(w.name, options.feed_entries, -1);
      if (!matches.ok()) return matches.status();
      if (Status s = WriteFileAtomically(FeedPath(w.name), BuildFeed(w, *matches)); !s.ok()) {
        return s;
      }
      written.push_back(w.name);
    }
    if (written.empty()) return Status::Ok();
    // One transaction for the marks (a kill before it: the feeds are
    // written again, the same).
    SqlTransaction tx(*db_);
    if (Status s = tx.Begin(); !s.ok()) return s;
    SqlStmt clear(*db_, "UPDATE watches SET feed_dirty = 0 WHERE name = ?");
    for (const auto& name : written) {
      clear.Reset();
      if (Status s = clear.Bind(1, name).Run(); !s.ok()) return s;
    }
    return tx.Commit();
  }

  std::string data_dir_;
  std::unique_ptr<SqlDb> db_;
  Xapian::Database db_index_;           // the index as the current run's scan read it
  std::unique_ptr<Searcher> searcher_;  // for snippets, opened when first needed
};

}  // namespace

SearchOptions WatchQuery::ToSearchOptions() const {
  SearchOptions o;
  o.query = query;
  o.languages = languages;
  o.sources = sources;
  o.from = from;
  o.to = to;
  o.match_any = match_any;
  o.fold_copies = !all;
  return o;
}

Status ValidateWatchName(std::string_view name) {
  const bool slug = !name.empty() && name.size() <= kMaxNameBytes &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                             (c >= '0' && c <= '9') || c == '_' || c == '-';
                    });
  if (slug && name == "changes") {
    return Status::Usage("the watch name 'changes' is reserved",
                         "DATA/feeds/changes.atom is the change log's feed; choose another name");
  }
  if (slug) return Status::Ok();
  return Status::Usage("bad watch name '" + std::string(name.substr(0, 80)) + "'",
                       "a watch name is 1-64 letters, digits, '_' or '-'");
}

Status ValidateWatchQuery(const WatchQuery& query) {
  const SearchOptions options = query.ToSearchOptions();
  if (Status s = ValidateSearchOptions(options); !s.ok()) return s;
  try {
    // An empty index: the query is parsed as `search` would parse it.
    Xapian::WritableDatabase empty(std::string(), Xapian::DB_BACKEND_INMEMORY);
    auto built = internal::BuildQuery(empty, options);
    if (!built.ok()) return built.status();
  } catch (const Xapian::Error& e) {
    return Status::Usage("query error: " + e.get_description());
  }
  return Status::Ok();
}

Result<std::unique_ptr<WatchStore>> WatchStore::Open(const std::string& data_dir) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return Status::Runtime("cannot create data directory " + data_dir + ": " + ec.message());
  auto db = SqlDb::Open(data_dir + "/watches.sqlite");
  if (!db.ok()) return db.status();
  auto store = std::make_unique<SqliteWatchStore>(data_dir, std::move(db.value()));
  if (Status s = store->Init(); !s.ok()) return s;
  return std::unique_ptr<WatchStore>(std::move(store));
}

}  // namespace pressarc::search
