// Internal to search/: the local index and the shards of [search] shards,
// opened together as one Xapian::Database (add_database), so that weights,
// totals, facets and the matcher's merge are Xapian's own across shards.
//
// A shard is "tcp://HOST:PORT" (Xapian::Remote::open, xapian-tcpsrv) or a
// data directory (its index/current stub; a plain Xapian database path
// works too). A shard that cannot be opened, or that fails while a query
// runs (Xapian::NetworkError, timeouts included), is left out of the
// database and named in `warnings()` as "shard NAME: message"; the others
// still answer. The local index is never left out: its errors are the
// caller's (a missing local index is allowed when shards are configured).
//
// Spelling data: the remote backend has none, so SpellingDb() is the local
// index alone (with the directory shards, which are on this machine).
//
// Not thread safe: one per Searcher.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "search/search.h"

namespace pressarc::search::internal {

// The database a directory shard names: its DATA/index/current stub when
// it has one, else the path itself (a plain Xapian database).
std::string ShardDbPath(const std::string& path);

class IndexSet {
 public:
  IndexSet(std::string data_dir, OpenOptions options);

  // Opens (again) the local index and every shard not yet found down; a
  // shard that fails to open is down from then on (left out, with a
  // warning). After a NetworkError from Db(), opening again is how the
  // shard that failed is found. Throws the local index's Xapian errors.
  // kRuntime when nothing could be opened.
  Status Open();

  Xapian::Database& Db() { return db_; }
  const Xapian::Database& SpellingDb() const { return spelling_; }
  bool has_local() const { return has_local_; }
  bool has_shards() const { return !options_.shards.empty(); }
  // A remote shard is open (it runs none of our own match spies).
  bool has_remote() const;
  // "shard NAME: message", one per shard left out, in config order.
  std::vector<std::string> warnings() const;
  // The names of the shards left out.
  std::vector<std::string> down() const;

  // The databases Db() is made of, in its order: Db()'s docid D is docid
  // (D - 1) / N + 1 of part (D - 1) % N, N = Parts().size(). Empty when a
  // part is itself several databases (no such mapping then).
  struct Part {
    Xapian::Database db;  // shares Db()'s connection to a remote shard
    bool remote = false;
  };
  const std::vector<Part>& Parts() const { return parts_; }

 private:
  struct Shard {
    std::string name;  // as configured
    std::string host;  // remote only
    unsigned port = 0;
    std::string path;                  // directory shard only
    std::optional<std::string> error;  // set: down
  };
  Xapian::Database OpenShard(const Shard& shard) const;

  std::string data_dir_;
  OpenOptions options_;
  std::vector<Shard> shards_;
  Xapian::Database db_;
  Xapian::Database spelling_;
  std::vector<Part> parts_;
  bool has_local_ = false;
};

}  // namespace pressarc::search::internal
