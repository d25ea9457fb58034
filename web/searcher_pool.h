// Internal to web/: the open search::Searchers that the server's threads
// share (web.h, "Index access").
//
// At most `size` Searchers exist (file descriptors are limited, and this
// also bounds how many searches run at once). A request checks one out with
// the index revision it computed (search::IndexRevision); when all are
// busy it waits, first come first served. A Searcher is kept open between
// requests and reused while the revision is the one it was opened at;
// otherwise (a `reindex` swap, a commit by `crawl` or `import`, or no
// reliable revision: remote shards) it is replaced by a freshly opened
// one, so a request always reads the index as it was committed when the
// request began, or newer, and the other idle ones of an older revision
// are closed.
//
// Thread safety: Checkout may be called from any number of threads; a
// Lease is used by one thread and returns its Searcher when destroyed.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/status.h"
#include "search/search.h"

namespace pressarc::web::internal {

class SearcherPool {
  struct Slot {
    std::unique_ptr<search::Searcher> searcher;
    std::optional<std::string> revision;  // what it was opened at
  };

 public:
  // A checked-out Searcher, returned to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), slot_(std::move(other.slot_)) {
      other.pool_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    search::Searcher* operator->() const { return slot_.searcher.get(); }
    search::Searcher& operator*() const { return *slot_.searcher; }

   private:
    friend class SearcherPool;
    Lease(SearcherPool* pool, Slot slot) : pool_(pool), slot_(std::move(slot)) {}
    SearcherPool* pool_;
    Slot slot_;
  };

  // REQUIRES: size > 0.
  SearcherPool(std::string data_dir, search::OpenOptions open, std::size_t size);
  SearcherPool(const SearcherPool&) = delete;
  SearcherPool& operator=(const SearcherPool&) = delete;

  // A Searcher reading `revision` or newer (nullopt: always a fresh one).
  // Waits while all are checked out. Searcher::Open's error when the index
  // cannot be opened.
  Result<Lease> Checkout(const std::optional<std::string>& revision);

  // How many Searchers were opened so far, and are open and not checked
  // out now (for tests).
  std::uint64_t opened() const;
  std::size_t idle() const;

 private:
  Slot Take();
  void Return(Slot slot);
  // Closes the idle Searchers opened at another revision than `revision`
  // (all of them for nullopt): once a request has seen the index change,
  // they would be reopened before use anyway, and meanwhile they hold the
  // files of a generation a `reindex` deleted (its disk space, and
  // descriptors) for as long as they wait at the bottom of the pool.
  void CloseStale(const std::optional<std::string>& revision);

  const std::string data_dir_;
  const search::OpenOptions open_;
  mutable std::mutex mu_;
  std::condition_variable turn_;
  std::vector<Slot> idle_;         // open Searchers not checked out, the most recent last
  std::size_t free_;               // slots not checked out (idle or not yet opened)
  std::uint64_t next_ticket_ = 0;  // the order of arrival
  std::uint64_t serving_ = 0;      // the ticket whose turn it is
  std::uint64_t opened_ = 0;
};

}  // namespace pressarc::web::internal
