// IndexWriter: the live generation (crawl, import) and new generations
// swapped in atomically (reindex). See indexer.h for the layout.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "config/disk_usage.h"
#include "config/log.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"

namespace pressarc {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kGenPrefix = "gen-";
constexpr std::string_view kBuildSuffix = ".build";

std::string GenName(unsigned n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "gen-%06u", n);
  return buf;
}

// The number of "gen-NNNNNN" or "gen-NNNNNN.build"; 0 when not a generation.
unsigned GenNumber(const std::string& name) {
  if (name.rfind(kGenPrefix, 0) != 0) return 0;
  std::string rest = name.substr(kGenPrefix.size());
  if (rest.size() > kBuildSuffix.size() &&
      rest.compare(rest.size() - kBuildSuffix.size(), kBuildSuffix.size(), kBuildSuffix) == 0) {
    rest.resize(rest.size() - kBuildSuffix.size());
  }
  if (rest.size() != 6) return 0;
  for (char c : rest) {
    if (c < '0' || c > '9') return 0;
  }
  return static_cast<unsigned>(std::stoul(rest));
}

unsigned MaxGeneration(const std::string& index_dir) {
  unsigned max = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(index_dir, ec)) {
    max = std::max(max, GenNumber(e.path().filename().string()));
  }
  return max;
}

// Removes every generation except `keep` (and "current").
void RemoveOtherGenerations(const std::string& index_dir, const std::string& keep) {
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (const auto& e : fs::directory_iterator(index_dir, ec)) {
    std::string name = e.path().filename().string();
    if (GenNumber(name) != 0 && name != keep) doomed.push_back(e.path());
  }
  for (const auto& p : doomed) {
    fs::remove_all(p, ec);
    if (ec)
      log::Warn("indexer",
                "could not remove old index generation " + p.string() + ": " + ec.message());
  }
}

// A Xapian error met while writing `path`: DiskFull when it names ENOSPC.
Status XapianFailure(const Xapian::Error& e, const std::string& path, std::string message) {
  if (MentionsNoSpace(e.get_description())) return Status::DiskFull(path);
  return Status::Runtime(std::move(message));
}

Status FsyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return Status::Runtime("cannot open " + path + " to sync it");
  int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return WriteFailure(err, path, "cannot sync " + path);
  return Status::Ok();
}

// Writes the stub atomically: current.tmp, fsync, rename, fsync the folder.
Status WriteStub(const std::string& data_dir, const std::string& gen) {
  std::string dir = IndexPaths::Dir(data_dir);
  std::string stub = IndexPaths::Stub(data_dir);
  std::string tmp = stub + ".tmp";
  {
    errno = 0;
    std::ofstream out(tmp, std::ios::trunc);
    out << "auto " << gen << "\n";
    out.flush();
    if (!out) return WriteFailure(errno, stub, "cannot write " + tmp);
  }
  if (Status s = FsyncPath(tmp, false); !s.ok()) {
    return s.disk_full() ? Status::DiskFull(stub) : s;
  }
  if (std::rename(tmp.c_str(), stub.c_str()) != 0) {
    return Status::Runtime("cannot replace " + stub + " with " + tmp);
  }
  return FsyncPath(dir, true);
}

// Runs `xapian-check PATH` (xapian-tools). Not installed: skipped (the
// reopen + document count check below still runs).
Status RunXapianCheck(const std::string& path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string tool = "xapian-check";
  std::vector<char*> argv = {tool.data(), const_cast<char*>(path.c_str()), nullptr};
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, tool.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    log::Info("indexer", "xapian-check not available; checked by reopening only");
    return Status::Ok();
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return Status::Ok();  // not found
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Runtime(
        "the new index generation failed xapian-check; the live index is unchanged");
  }
  return Status::Ok();
}

// Checks a generation written in `path` before it goes live: xapian-check,
// then reopened with the `expected` number of documents, then synced. May
// throw Xapian::Error.
Status CheckGeneration(const std::string& path, Xapian::doccount expected) {
  // xapian-check in a child process: Xapian::Database::check() in-process
  // trips AddressSanitizer (a new/delete size mismatch inside libxapian 1.4.22).
  if (Status s = RunXapianCheck(path); !s.ok()) return s;
  Xapian::Database check(path);
  if (check.get_doccount() != expected) {
    return Status::Runtime("the new index generation has " + std::to_string(check.get_doccount()) +
                           " documents, expected " + std::to_string(expected) +
                           "; the live index is unchanged");
  }
  check.close();
  return FsyncPath(path, true);
}

// Makes `gen` the live generation (the stub, replaced atomically) and
// removes the others after the grace.
Status SwapIn(const std::string& data_dir, const std::string& gen, double grace_s) {
  if (Status s = WriteStub(data_dir, gen); !s.ok()) return s;
  if (grace_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(grace_s));
  RemoveOtherGenerations(IndexPaths::Dir(data_dir), gen);
  return Status::Ok();
}

struct Seen {
  std::string fetched;
  std::string hash;
  std::string archived;
  bool removed = false;     // kSlotStatus
  std::uint64_t order = 0;  // PreparedDocument::order; 0 when read from the database
};

// Both versions come from one BulkIndexer run (Seen::order).
bool InOneRun(const PreparedDocument& doc, const Seen& old) {
  return doc.order != 0 && old.order != 0;
}

// Whether `doc` is to replace the indexed version `old` of its URL: it was
// not fetched before it; of two fetched in the same second in one bulk run,
// the later in the run wins (its threads finish in any order); otherwise, as
// one writer adds them, the one added last.
bool Supersedes(const PreparedDocument& doc, const Seen& old) {
  if (!old.fetched.empty() && !doc.fetched_at.empty() && old.fetched != doc.fetched_at) {
    return doc.fetched_at > old.fetched;
  }
  return !InOneRun(doc, old) || doc.order > old.order;
}

bool IsRemovedValue(const Xapian::Document& d) {
  return d.get_value(schema::kSlotStatus) == schema::kStatusRemoved;
}

// The document's XSTATUS term and kSlotStatus value say `removed`.
void SetStatus(Xapian::Document* d, bool removed) {
  const std::string prefix(schema::kPrefixStatus);
  for (std::string_view s : {schema::kStatusLive, schema::kStatusRemoved}) {
    try {
      d->remove_term(prefix + std::string(s));
    } catch (const Xapian::InvalidArgumentError&) {  // not there
    }
  }
  const std::string_view status = removed ? schema::kStatusRemoved : schema::kStatusLive;
  d->add_boolean_term(prefix + std::string(status));
  d->add_value(schema::kSlotStatus, std::string(status));
}

class XapianIndexWriter : public IndexWriter {
 public:
  XapianIndexWriter(std::string data_dir, std::string gen, bool is_new, IndexWriterOptions options)
      : data_dir_(std::move(data_dir)), gen_(std::move(gen)), is_new_(is_new), options_(options) {}

  ~XapianIndexWriter() override {
    if (!open_) return;
    try {
      for (auto& shard : shards_) {
        if (is_new_ && shard->pending > 0) {
          Abandon(shard->db);  // a new generation not published: it goes away below
          continue;
        }
        if (!is_new_) shard->db.commit();
        shard->db.close();
      }
      if (is_new_) {
        std::error_code ec;
        fs::remove_all(BuildPath(), ec);
      }
    } catch (const Xapian::Error& e) {
      // A full disk was reported by the call that met it; say nothing more.
      if (!MentionsNoSpace(e.get_description())) {
        log::Warn("indexer", "closing the index: " + e.get_description());
      }
    }
  }

  // A database of a generation that is dropped with changes pending is
  // never closed: close() and the destructor commit what is pending, and
  // when that commit meets a full disk Xapian 1.4.22 can abort the process
  // (an exception thrown while another unwinds). The handle is kept,
  // reachable, until the process exits (reindex and import drop at most one
  // generation); its files are removed with the build folder.
  static void Abandon(const Xapian::WritableDatabase& db) {
    static auto* abandoned = new std::vector<Xapian::WritableDatabase>();
    abandoned->push_back(db);
  }

  Status Open() {
    // A new generation written by several threads is several databases
    // (BUILD/shard-K), merged by the compaction in Publish.
    const unsigned n = is_new_ ? std::max(1u, options_.shards) : 1u;
    try {
      for (unsigned k = 0; k < n; ++k) {
        auto shard = std::make_unique<Shard>();
        shard->path = !is_new_ ? GenPath()
                      : n == 1 ? BuildPath()
                               : BuildPath() + "/shard-" + std::to_string(k);
        if (n > 1 && k == 0) fs::create_directories(BuildPath());
        // A new generation that Publish compacts is written without syncs
        // (DB_NO_SYNC): nothing reads it after a crash (the next writer
        // removes the build folder), and the compacted copy is what goes live.
        const bool compacted = options_.compact || n > 1;
        shard->db = Xapian::WritableDatabase(
            shard->path, !is_new_    ? Xapian::DB_CREATE_OR_OPEN
                         : compacted ? Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC
                                     : Xapian::DB_CREATE_OR_OVERWRITE);
        // Length-normalised wdfs for a new or empty index; an older index
        // that has documents keeps raw ones, until a reindex.
        if (shard->db.get_metadata(std::string(schema::kMetadataWdf)) != schema::kWdfNormalised) {
          if (shard->db.get_doccount() == 0) {
            shard->db.set_metadata(std::string(schema::kMetadataWdf),
                                   std::string(schema::kWdfNormalised));
          } else {
            normalised_wdf_ = false;
          }
        }
        // The pair words: a new generation's are set once, here (or by
        // CopyFrom); the live one keeps those it was created with.
        if (is_new_) {
          shard->db.set_metadata(std::string(schema::kMetadataPairWords),
                                 pair_words_ ? pair_words_->Serialise() : "");
        } else if (k == 0) {
          pair_words_ = std::make_shared<const PairWords>(
              PairWords::Parse(shard->db.get_metadata(std::string(schema::kMetadataPairWords))));
        }
        shards_.push_back(std::move(shard));
      }
      open_ = true;
    } catch (const Xapian::DatabaseLockError& e) {
      return Status::Runtime("the index is locked by another writer: " + e.get_msg());
    } catch (const Xapian::Error& e) {
      if (MentionsNoSpace(e.get_description())) return Status::DiskFull(GenPath());
      return Status::Runtime("cannot open the index " + GenPath() + ": " + e.get_description(),
                             "run 'pressarc reindex' to rebuild it from the archive");
    } catch (const fs::filesystem_error& e) {
      return WriteFailure(e.code().value(), BuildPath(),
                          std::string("cannot create the index: ") + e.what());
    }
    return Status::Ok();
  }

  Result<bool> Add(const IndexedArticle& doc) override {
    auto prepared = PrepareDocument(doc, Preparation());
    if (!prepared.ok()) return prepared.status();
    return AddPrepared(std::move(prepared.value()));
  }

  unsigned Shards() const override { return static_cast<unsigned>(shards_.size()); }

  PrepareOptions Preparation() const override {
    return PrepareOptions{normalised_wdf_, pair_words_};
  }

  // Before Open, for a new generation: the pair words it is written with.
  void SetPairWords(PairWords words) {
    pair_words_ = std::make_shared<const PairWords>(std::move(words));
  }

  unsigned ShardOf(const PreparedDocument& doc) const override {
    // By URL: every version of a URL meets the others in one shard, where
    // the newest wins.
    return shards_.size() <= 1
               ? 0
               : static_cast<unsigned>(std::hash<std::string>{}(doc.unique_term) % shards_.size());
  }

  Result<bool> AddPrepared(PreparedDocument doc) override {
    Shard& shard = *shards_[ShardOf(doc)];
    std::lock_guard<std::mutex> lock(shard.mu);
    try {
      Seen old;
      bool exists = Lookup(shard, doc.unique_term, &old);
      bool same = false;
      if (exists) {
        if (!Supersedes(doc, old)) return false;  // a newer version is indexed
        same = old.hash == doc.content_hash && old.removed == doc.removed;
        // Unchanged. In one bulk run the later record still replaces it (its
        // URL and fetch time), so that the outcome does not depend on which
        // thread finished first; it counts as unchanged all the same.
        if (same && !InOneRun(doc, old)) return false;
        // Keep the first-archived time of the URL.
        std::string archived = doc.document.get_value(schema::kSlotArchived);
        if (!old.archived.empty() && (archived.empty() || old.archived < archived)) {
          doc.document.add_value(schema::kSlotArchived, old.archived);
        }
      }
      Seen now{doc.fetched_at, doc.content_hash, doc.document.get_value(schema::kSlotArchived),
               doc.removed, doc.order};
      if (is_new_ && !exists) {
        shard.db.add_document(doc.document);  // nothing to replace: skip the unique term's lookup
      } else {
        shard.db.replace_document(doc.unique_term, doc.document);
      }
      if (options_.spelling && !exists) {
        for (const auto& w : doc.spelling_words) shard.db.add_spelling(w);
      }
      shard.seen[doc.unique_term] = std::move(now);
      shard.pending_bytes += doc.document.get_data().size() + 32 * doc.document.termlist_count();
      if (++shard.pending >= options_.batch_size) {
        if (Status room = RoomToCommit({&shard}); !room.ok()) return room;
        shard.db.commit();
        shard.pending = 0;
        shard.pending_bytes = 0;
      }
      return !same;
    } catch (const Xapian::Error& e) {
      return XapianFailure(e, shard.path, "writing the index: " + e.get_description());
    }
  }

  Result<bool> SetRemoved(const std::string& url, bool removed) override {
    const std::string term = BooleanTerm(schema::kPrefixUrl, url);
    bool changed = false;
    for (auto& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard->mu);
      try {
        std::vector<Xapian::docid> ids;
        for (auto p = shard->db.postlist_begin(term); p != shard->db.postlist_end(term); ++p) {
          ids.push_back(*p);
        }
        for (Xapian::docid id : ids) {
          Xapian::Document d = shard->db.get_document(id);
          if (IsRemovedValue(d) == removed) continue;
          SetStatus(&d, removed);
          shard->db.replace_document(id, d);
          const std::string unique = UniqueTermOf(d);
          auto seen = shard->seen.find(unique);
          if (seen != shard->seen.end()) seen->second.removed = removed;
          changed = true;
          ++shard->pending;
        }
      } catch (const Xapian::Error& e) {
        return Status::Runtime("writing the index: " + e.get_description());
      }
    }
    return changed;
  }

  bool Contains(const std::string& canonical_url) override {
    std::string term = BooleanTerm(schema::kPrefixUnique, canonical_url);
    for (auto& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard->mu);
      if (shard->seen.count(term)) return true;
      try {
        if (shard->db.term_exists(term)) return true;
      } catch (const Xapian::Error&) {
      }
    }
    return false;
  }

  Status Commit() override { return CommitShards(); }

  // Commits every shard, each on a thread of its own when there are several.
  Status CommitShards() {
    std::vector<const Shard*> all;
    for (const auto& shard : shards_) all.push_back(shard.get());
    if (Status room = RoomToCommit(all); !room.ok()) return room;
    std::vector<std::string> errors(shards_.size());
    std::vector<std::string> full(shards_.size());  // shards that met a full disk
    auto commit = [&](std::size_t k) {
      Shard& shard = *shards_[k];
      std::lock_guard<std::mutex> lock(shard.mu);
      try {
        shard.db.commit();
        shard.pending = 0;
        shard.pending_bytes = 0;
      } catch (const Xapian::Error& e) {
        errors[k] = e.get_description();
        if (MentionsNoSpace(errors[k])) full[k] = shard.path;
      } catch (const std::exception& e) {
        errors[k] = e.what();
      }
    };
    if (shards_.size() == 1) {
      commit(0);
    } else {
      std::vector<std::thread> threads;
      for (std::size_t k = 0; k < shards_.size(); ++k) threads.emplace_back(commit, k);
      for (auto& t : threads) t.join();
    }
    for (const auto& path : full) {
      if (!path.empty()) return Status::DiskFull(path);
    }
    for (const auto& e : errors) {
      if (!e.empty()) return Status::Runtime("committing the index: " + e);
    }
    return Status::Ok();
  }

  Status Publish() override {
    if (!is_new_) return Commit();
    if (!open_) return Status::Runtime("this index generation was already published");
    try {
      // The shards' last batches are flushed side by side: one after the
      // other they were a tenth of a reindex's time.
      if (Status s = CommitShards(); !s.ok()) return s;
      Xapian::doccount expected = 0;
      for (auto& shard : shards_) {
        expected += shard->db.get_doccount();
        shard->db.close();
      }
      open_ = false;
      std::error_code ec;
      fs::remove_all(GenPath(), ec);
      if (options_.compact || shards_.size() > 1) {
        Xapian::Database src;
        for (const auto& shard : shards_) src.add_database(Xapian::Database(shard->path));
        src.compact(GenPath());
        src.close();
        fs::remove_all(BuildPath(), ec);
      } else {
        fs::rename(BuildPath(), GenPath(), ec);
        if (ec) return Status::Runtime("cannot rename " + BuildPath() + ": " + ec.message());
      }
      if (Status s = CheckGeneration(GenPath(), expected); !s.ok()) return s;
    } catch (const Xapian::Error& e) {
      std::error_code ec;
      fs::remove_all(GenPath(), ec);  // half a compaction: room for the live index
      if (!open_) fs::remove_all(BuildPath(), ec);
      return XapianFailure(e, GenPath(),
                           "finishing the new index generation: " + e.get_description() +
                               "; the live index is unchanged");
    }
    return SwapIn(data_dir_, gen_, options_.old_generation_grace_s);
  }

  std::uint64_t DocumentCount() override {
    if (!open_) return 0;
    std::uint64_t n = 0;
    for (auto& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard->mu);
      try {
        n += shard->db.get_doccount();
      } catch (const Xapian::Error&) {
      }
    }
    return n;
  }

  std::string Generation() const override { return gen_; }

  Status CopyFrom(const Xapian::Database& source) override {
    if (!is_new_ || !open_) return Status::Runtime("CopyFrom needs a new, open generation");
    try {
      // The copied documents have the source's pairs: so will the added ones.
      const std::string words = source.get_metadata(std::string(schema::kMetadataPairWords));
      pair_words_ = std::make_shared<const PairWords>(PairWords::Parse(words));
      for (auto& shard : shards_) {
        std::lock_guard<std::mutex> lock(shard->mu);
        shard->db.set_metadata(std::string(schema::kMetadataPairWords), words);
      }
      for (auto it = source.postlist_begin(""); it != source.postlist_end(""); ++it) {
        PreparedDocument doc = Copied(source.get_document(*it));
        if (doc.unique_term.empty()) {
          Shard& first = *shards_[0];
          std::lock_guard<std::mutex> lock(first.mu);
          first.db.add_document(doc.document);
          continue;
        }
        auto added = AddPrepared(std::move(doc));
        if (!added.ok()) return added.status();
      }
      Shard& first = *shards_[0];
      std::lock_guard<std::mutex> lock(first.mu);
      for (auto w = source.spellings_begin(); w != source.spellings_end(); ++w) {
        first.db.add_spelling(*w, w.get_termfreq());
      }
    } catch (const Xapian::Error& e) {
      return Status::Runtime("copying the live index into a new generation: " +
                             e.get_description() + "; the live index is unchanged");
    }
    return Status::Ok();
  }

 private:
  // A stored document as AddPrepared takes it: its Q term and the values
  // the newest-fetch and unchanged-content rules read.
  static PreparedDocument Copied(Xapian::Document stored) {
    PreparedDocument doc;
    const std::string q(schema::kPrefixUnique);
    auto t = stored.termlist_begin();
    t.skip_to(q);
    if (t != stored.termlist_end() && (*t).rfind(q, 0) == 0) doc.unique_term = *t;
    doc.fetched_at = stored.get_value(schema::kSlotFetched);
    doc.content_hash = stored.get_value(schema::kSlotContentHash);
    doc.document = std::move(stored);
    return doc;
  }

  struct Shard {
    std::string path;
    Xapian::WritableDatabase db;
    std::mutex mu;  // AddPrepared may be called for different shards at once
    unsigned pending = 0;
    std::uint64_t pending_bytes = 0;  // a rough size of what the next commit writes
    std::unordered_map<std::string, Seen> seen;
  };

  // A new generation's commit is refused when the disk cannot hold it: the
  // shards as they are (a commit may rewrite every block it changed) plus
  // twice what was added since the last commit. Xapian 1.4.22 can abort
  // the process (an exception thrown while another unwinds, inside
  // WritableDatabase::commit) when ENOSPC strikes in the middle of a glass
  // commit; checking first turns that into "disk full". The compaction that
  // follows needs as much room anyway. The live index is not checked this
  // way (its size says little about one commit's writes).
  Status RoomToCommit(const std::vector<const Shard*>& shards) const {
    if (!is_new_) return Status::Ok();
    constexpr std::uint64_t kSlack = 1 << 20;
    std::uint64_t needed = kSlack;
    for (const Shard* shard : shards) {
      needed += DiskUsageOf(shard->path).bytes + 2 * shard->pending_bytes;
    }
    const std::string where = shards.size() == 1 ? shards[0]->path : BuildPath();
    if (FreeBytesAt(where) < needed) return Status::DiskFull(where);
    return Status::Ok();
  }

  std::string GenPath() const { return IndexPaths::Dir(data_dir_) + "/" + gen_; }
  std::string BuildPath() const { return GenPath() + std::string(kBuildSuffix); }

  static std::string UniqueTermOf(const Xapian::Document& d) {
    const std::string prefix(schema::kPrefixUnique);
    Xapian::TermIterator t = d.termlist_begin();
    t.skip_to(prefix);
    if (t == d.termlist_end() || !(*t).starts_with(prefix)) return "";
    return *t;
  }

  bool Lookup(Shard& shard, const std::string& term, Seen* out) {
    auto it = shard.seen.find(term);
    if (it != shard.seen.end()) {
      *out = it->second;
      return true;
    }
    if (is_new_) return false;  // a fresh generation holds only what this writer added
    Xapian::PostingIterator p = shard.db.postlist_begin(term);
    if (p == shard.db.postlist_end(term)) return false;
    Xapian::Document d = shard.db.get_document(*p);
    out->fetched = d.get_value(schema::kSlotFetched);
    out->hash = d.get_value(schema::kSlotContentHash);
    out->archived = d.get_value(schema::kSlotArchived);
    out->removed = IsRemovedValue(d);
    return true;
  }

  bool normalised_wdf_ = true;
  std::shared_ptr<const PairWords> pair_words_;  // PrepareOptions::pair_words
  std::string data_dir_;
  std::string gen_;
  bool is_new_;
  IndexWriterOptions options_;
  std::vector<std::unique_ptr<Shard>> shards_;
  bool open_ = false;
};

}  // namespace

std::string LiveGeneration(const std::string& data_dir) {
  std::ifstream in(IndexPaths::Stub(data_dir));
  if (!in) return "";
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kind;
    std::string path;
    words >> kind >> path;
    if ((kind == "auto" || kind == "glass") && GenNumber(path) != 0) return path;
  }
  return "";
}

Result<std::unique_ptr<IndexWriter>> IndexWriter::OpenLive(const std::string& data_dir,
                                                           const IndexWriterOptions& options) {
  std::string dir = IndexPaths::Dir(data_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Runtime("cannot create " + dir + ": " + ec.message());
  std::string live = LiveGeneration(data_dir);
  bool create = live.empty() || !fs::exists(dir + "/" + live);
  if (create) {
    if (!live.empty()) {
      log::Warn("indexer", "the live index generation " + live + " is missing; starting a new one");
    }
    live = GenName(MaxGeneration(dir) + 1);
  }
  RemoveOtherGenerations(dir, live);  // leftovers of a crashed reindex
  auto writer = std::make_unique<XapianIndexWriter>(data_dir, live, false, options);
  if (Status s = writer->Open(); !s.ok()) return s;
  if (create) {
    if (Status s = writer->Commit(); !s.ok()) return s;
    if (Status s = WriteStub(data_dir, live); !s.ok()) return s;
  }
  return std::unique_ptr<IndexWriter>(std::move(writer));
}

namespace {

// The pair words of a new generation: the frequent words of the live one
// (none when there is none, or it cannot be read: OpenLive names that).
PairWords FrequentWordsOf(const std::string& dir, const std::string& live,
                          const IndexWriterOptions& options) {
  if (live.empty() || !fs::exists(dir + "/" + live)) return PairWords();
  try {
    return PairWords::Frequent(Xapian::Database(dir + "/" + live), options.pair_word_share,
                               options.pair_word_min_docs);
  } catch (const Xapian::Error&) {
    return PairWords();
  }
}

}  // namespace

Result<std::unique_ptr<IndexWriter>> IndexWriter::CreateGeneration(
    const std::string& data_dir, const IndexWriterOptions& options) {
  std::string dir = IndexPaths::Dir(data_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Runtime("cannot create " + dir + ": " + ec.message());
  std::string live = LiveGeneration(data_dir);
  RemoveOtherGenerations(dir, live);  // leftovers of a crashed reindex
  std::string gen = GenName(std::max(MaxGeneration(dir), GenNumber(live)) + 1);
  auto writer = std::make_unique<XapianIndexWriter>(data_dir, gen, true, options);
  writer->SetPairWords(FrequentWordsOf(dir, live, options));
  if (Status s = writer->Open(); !s.ok()) return s;
  return std::unique_ptr<IndexWriter>(std::move(writer));
}

Result<BulkWriter> OpenForBulkAdd(const std::string& data_dir, std::uint64_t input_bytes,
                                  const IndexWriterOptions& options) {
  const std::string live = LiveGeneration(data_dir);
  const std::string path = IndexPaths::Dir(data_dir) + "/" + live;
  std::optional<Xapian::Database> source;  // the live documents to copy
  bool fresh = true;
  if (!live.empty() && fs::exists(path)) {
    try {
      Xapian::Database db(path);
      const std::uint64_t documents = db.get_doccount();
      if (documents > 0) {
        fresh = documents <= input_bytes / kInputBytesPerLiveDocument &&
                db.get_metadata(std::string(schema::kMetadataWdf)) == schema::kWdfNormalised;
        if (fresh) source = db;
      }
    } catch (const Xapian::Error&) {
      fresh = false;  // OpenLive names the problem
    }
  }
  if (!fresh) {
    auto writer = IndexWriter::OpenLive(data_dir, options);
    if (!writer.ok()) return writer.status();
    return BulkWriter{std::move(writer.value()), false};
  }
  auto writer = IndexWriter::CreateGeneration(data_dir, options);
  if (!writer.ok()) return writer.status();
  if (source) {
    if (Status s = (*writer)->CopyFrom(*source); !s.ok()) return s;
  }
  return BulkWriter{std::move(writer.value()), true};
}

Status CompactLive(const std::string& data_dir, const IndexWriterOptions& options) {
  std::string dir = IndexPaths::Dir(data_dir);
  std::string live = LiveGeneration(data_dir);
  if (live.empty() || !fs::exists(dir + "/" + live)) return Status::Ok();
  std::string gen = GenName(std::max(MaxGeneration(dir), GenNumber(live)) + 1);
  std::string out = dir + "/" + gen;
  std::error_code ec;
  try {
    Xapian::Database src(dir + "/" + live);
    Xapian::doccount expected = src.get_doccount();
    src.compact(out);
    src.close();
    if (Status s = CheckGeneration(out, expected); !s.ok()) {
      fs::remove_all(out, ec);
      return s;
    }
  } catch (const Xapian::Error& e) {
    fs::remove_all(out, ec);
    return XapianFailure(
        e, out, "compacting the index: " + e.get_description() + "; the live index is unchanged");
  }
  return SwapIn(data_dir, gen, options.old_generation_grace_s);
}

LiveIndexSize MeasureLive(const std::string& data_dir) {
  LiveIndexSize size;
  std::string live = LiveGeneration(data_dir);
  if (live.empty()) return size;
  std::string path = IndexPaths::Dir(data_dir) + "/" + live;
  try {
    size.documents = Xapian::Database(path).get_doccount();
  } catch (const Xapian::Error&) {
    return {};
  }
  size.bytes = DiskUsageOf(path).bytes;
  return size;
}

Result<bool> CompactIfGrown(const std::string& data_dir, const LiveIndexSize& before,
                            std::uint64_t added, const IndexWriterOptions& options) {
  if (added == 0) return false;
  LiveIndexSize now = MeasureLive(data_dir);
  if (now.documents == 0) return false;
  bool large = added >= options.batch_size && added * 4 >= now.documents;
  bool bloated = false;
  if (before.documents > 0 && before.bytes > 0) {
    double share = static_cast<double>(before.bytes) * static_cast<double>(now.documents) /
                   static_cast<double>(before.documents);
    bloated = static_cast<double>(now.bytes) > 4.0 / 3.0 * share;
  }
  if (!large && !bloated) return false;
  log::Info("indexer", "compacting the index (" + std::to_string(now.documents) + " documents)");
  if (Status s = CompactLive(data_dir, options); !s.ok()) return s;
  return true;
}

}  // namespace pressarc
