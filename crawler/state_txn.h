// The crawl's writes to the catalogue (state.sqlite), batched into
// transactions (internal to the crawler). Every part of the job writes
// through one StateTxn, so that one transaction is open at a time and the
// first failure stops the run.
//
// Write order, kept by the job: WARC flushed, then Commit, then the index.
// Not thread-safe: the crawl job's thread only.
#pragma once

#include <cstddef>

#include "archive/archive.h"

namespace pressarc::internal {

class StateTxn {
 public:
  explicit StateTxn(Catalogue* catalogue) : catalogue_(catalogue) {}
  StateTxn(const StateTxn&) = delete;
  StateTxn& operator=(const StateTxn&) = delete;

  Catalogue& catalogue() { return *catalogue_; }

  // Opens a transaction unless one is open (a failure becomes fatal()).
  void Ensure();
  // Counts one row written in the open transaction (for batching).
  void Wrote() { ++rows_; }
  // The outcome of a write: a failure becomes fatal().
  void Write(const Status& st);
  // Commits the open transaction, if any.
  Status Commit();
  // Ends an open transaction after a fatal error: committed when `keep`
  // (what it holds is consistent with the archive), else left to roll back.
  void Close(bool keep);

  bool open() const { return open_; }
  std::size_t rows() const { return rows_; }

  // The first error of the run (the run stops), Ok until then.
  void Fail(const Status& st) {
    if (fatal_.ok()) fatal_ = st;
  }
  const Status& fatal() const { return fatal_; }

 private:
  Catalogue* catalogue_;
  bool open_ = false;
  std::size_t rows_ = 0;
  Status fatal_;
};

}  // namespace pressarc::internal
