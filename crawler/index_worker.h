// The crawl's index writer on a thread of its own (internal to the crawler),
// so that the crawl goes on fetching, archiving and extracting while the
// index is written.
//
// Batches are indexed in the order given; the sink is used by the worker
// thread alone from the first Submit on. Documents are committed every
// `commit_every` articles and when a batch asks for it; each commit reports
// the fetch ids it made durable, which the crawler then marks indexed (state
// after index, so that kill -9 loses nothing: an uncommitted article is
// replayed by the next run).
// Thread safety: Submit and Take are called from the crawl job's thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "archive/archive.h"

namespace pressarc::internal {

// An archived article waiting for the index; or, with `set_removed`, the
// removal (true) or restoration (false) of the archived article fetched
// from article.url, for ArticleSink::SetRemoved (fetch_id 0: nothing to
// mark indexed; the catalogue recorded it before).
struct PendingArticle {
  Article article;
  ArchiveLocation where;
  std::string fetched_at;
  std::int64_t fetch_id = 0;
  int source = 0;
  std::optional<bool> set_removed;
};

class IndexWorker {
 public:
  struct Done {
    std::map<int, std::int64_t> indexed;  // documents added, by source
    std::vector<std::int64_t> committed;  // fetch ids now in the index
    Status status;                        // a failed commit: the run stops
  };

  IndexWorker(ArticleSink* sink, std::size_t commit_every)
      : sink_(sink), commit_every_(commit_every) {}
  // Stops after the batch in hand; what is still queued stays unindexed.
  ~IndexWorker();
  IndexWorker(const IndexWorker&) = delete;
  IndexWorker& operator=(const IndexWorker&) = delete;

  // Queues a batch; waits while two batches are already waiting (the
  // crawler must not outrun the index by more than that in memory).
  void Submit(std::vector<PendingArticle> batch, bool commit);

  // What was indexed since the last call; with `wait`, after every batch
  // submitted so far is done.
  std::vector<Done> Take(bool wait);

 private:
  struct Batch {
    std::vector<PendingArticle> articles;
    bool commit = false;
  };

  void Work();

  ArticleSink* sink_;
  std::size_t commit_every_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  std::vector<Done> done_;
  std::uint64_t submitted_ = 0;
  std::uint64_t finished_ = 0;
  bool stop_ = false;
  bool failed_ = false;
  std::thread thread_;  // last: started after the members it uses
};

}  // namespace pressarc::internal
