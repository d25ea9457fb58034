// BulkIndexer: parse + analyse on a thread pool, write on a thread per shard.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "config/log.h"
#include "indexer/indexer.h"

namespace pressarc {

namespace {

// A bounded blocking queue; Close() wakes everyone and lets Pop drain.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}
  void Push(T item) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_ || closed_; });
    items_.push_back(std::move(item));
    not_empty_.notify_one();
  }
  bool Pop(T* out) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return false;
    *out = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;
  std::size_t capacity_;
  bool closed_ = false;
};

}  // namespace

struct BulkIndexer::Impl {
  IndexWriter* writer;
  BoundedQueue<std::pair<std::uint64_t, Task>> tasks;                     // (order, task)
  std::vector<std::unique_ptr<BoundedQueue<PreparedDocument>>> prepared;  // one per shard
  std::vector<std::thread> workers;
  std::vector<std::thread> writer_threads;
  mutable std::mutex mu;
  BulkIndexStats stats;
  Status first_error;
  bool finished = false;

  Impl(IndexWriter* w, unsigned threads) : writer(w), tasks(4 * threads + 4) {
    const unsigned shards = std::max(1u, w->Shards());
    for (unsigned k = 0; k < shards; ++k) {
      prepared.push_back(std::make_unique<BoundedQueue<PreparedDocument>>(4 * threads + 4));
    }
  }

  void Work() {
    std::pair<std::uint64_t, Task> task;
    while (tasks.Pop(&task)) {
      std::optional<IndexedArticle> article;
      try {
        article = task.second();
      } catch (const std::exception& e) {
        log::Warn("indexer", std::string("a record could not be parsed: ") + e.what());
      }
      task.second = nullptr;
      if (!article) continue;
      {
        std::lock_guard<std::mutex> lock(mu);
        ++stats.articles;
      }
      auto doc = PrepareDocument(*article, writer->Preparation());
      if (!doc.ok()) {
        log::Warn("indexer", doc.status().message());
        std::lock_guard<std::mutex> lock(mu);
        ++stats.errors;
        continue;
      }
      doc->order = task.first;
      unsigned shard = writer->ShardOf(doc.value());
      prepared[shard < prepared.size() ? shard : 0]->Push(std::move(doc.value()));
    }
  }

  void Write(BoundedQueue<PreparedDocument>* queue) {
    PreparedDocument doc;
    while (queue->Pop(&doc)) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error.ok()) continue;  // drain after a fatal write error
      }
      auto added = writer->AddPrepared(std::move(doc));
      std::lock_guard<std::mutex> lock(mu);
      if (!added.ok()) {
        ++stats.errors;
        first_error = added.status();
      } else if (*added) {
        ++stats.indexed;
      } else {
        ++stats.unchanged;
      }
    }
  }
};

BulkIndexer::BulkIndexer(IndexWriter* writer, unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  impl_ = std::make_unique<Impl>(writer, threads);
  for (unsigned i = 0; i < threads; ++i) impl_->workers.emplace_back([this] { impl_->Work(); });
  for (auto& queue : impl_->prepared) {
    impl_->writer_threads.emplace_back([this, q = queue.get()] { impl_->Write(q); });
  }
}

BulkIndexer::~BulkIndexer() {
  if (!impl_->finished) (void)Finish();
}

void BulkIndexer::Push(Task task) {
  std::uint64_t order;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    order = ++impl_->stats.tasks;
  }
  impl_->tasks.Push({order, std::move(task)});
}

Status BulkIndexer::Finish() {
  if (!impl_->finished) {
    impl_->finished = true;
    impl_->tasks.Close();
    for (auto& t : impl_->workers) t.join();
    for (auto& queue : impl_->prepared) queue->Close();
    for (auto& t : impl_->writer_threads) t.join();
  }
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->first_error;
}

BulkIndexStats BulkIndexer::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->stats;
}

}  // namespace pressarc
