#include "crawler/index_worker.h"

#include "config/log.h"

namespace pressarc::internal {

IndexWorker::~IndexWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IndexWorker::Submit(std::vector<PendingArticle> batch, bool commit) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { Work(); });
  cv_.wait(lock, [this] { return queue_.size() < 2 || failed_; });
  if (failed_) return;
  queue_.push_back(Batch{std::move(batch), commit});
  ++submitted_;
  cv_.notify_all();
}

std::vector<IndexWorker::Done> IndexWorker::Take(bool wait) {
  std::unique_lock<std::mutex> lock(mu_);
  if (wait) cv_.wait(lock, [this] { return finished_ == submitted_ || failed_; });
  std::vector<Done> out = std::move(done_);
  done_.clear();
  return out;
}

void IndexWorker::Work() {
  std::vector<std::int64_t> uncommitted;
  bool dirty = false;  // status changes not yet committed
  for (;;) {
    Batch batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;  // what is queued stays unindexed: replayed next run
      batch = std::move(queue_.front());
      queue_.pop_front();
      cv_.notify_all();
    }
    Done done;
    for (const PendingArticle& p : batch.articles) {
      if (p.set_removed) {
        auto changed = sink_->SetRemoved(p.article.url, *p.set_removed);
        if (!changed.ok() && changed.status().disk_full()) {
          done.status = changed.status();  // fatal, as for an article below
          break;
        }
        if (!changed.ok()) {
          log::Warn("crawler",
                    "marking " + p.article.url + " in the index: " + changed.status().message());
        }
        dirty |= changed.ok() && *changed;
        continue;
      }
      auto added = sink_->Add(p.article, p.where, p.fetched_at);
      if (!added.ok() && added.status().disk_full()) {
        done.status = added.status();  // fatal: the crawl stops, the rest is replayed next run
        break;
      }
      if (!added.ok()) {
        // Left unindexed in the state: the next run replays it.
        log::Warn("crawler", "indexing " + p.article.url + ": " + added.status().message());
        continue;
      }
      if (*added) ++done.indexed[p.source];
      uncommitted.push_back(p.fetch_id);
    }
    if (done.status.ok() && (!uncommitted.empty() || dirty) &&
        (batch.commit || uncommitted.size() >= commit_every_)) {
      done.status = sink_->Commit();
      if (done.status.ok()) done.committed = std::move(uncommitted);
      uncommitted.clear();
      dirty = false;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (!done.status.ok()) failed_ = true;
    done_.push_back(std::move(done));
    ++finished_;
    cv_.notify_all();
    if (failed_) return;
  }
}

}  // namespace pressarc::internal
