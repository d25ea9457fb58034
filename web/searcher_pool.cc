#include "web/searcher_pool.h"

#include <algorithm>
#include <iterator>

namespace pressarc::web::internal {

SearcherPool::SearcherPool(std::string data_dir, search::OpenOptions open, std::size_t size)
    : data_dir_(std::move(data_dir)), open_(std::move(open)), free_(size) {}

SearcherPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Return(std::move(slot_));
}

// Waits for this caller's turn and a free slot: tickets are served in the
// order they were drawn, so no request waits behind later ones.
SearcherPool::Slot SearcherPool::Take() {
  Slot slot;
  {
    std::unique_lock lock(mu_);
    const std::uint64_t ticket = next_ticket_++;
    turn_.wait(lock, [&] { return ticket == serving_ && free_ > 0; });
    ++serving_;
    --free_;
    if (!idle_.empty()) {
      slot = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  turn_.notify_all();  // the next ticket may go, if a slot is free
  return slot;
}

void SearcherPool::Return(Slot slot) {
  {
    std::lock_guard lock(mu_);
    ++free_;
    if (slot.searcher) idle_.push_back(std::move(slot));
  }
  turn_.notify_all();
}

Result<SearcherPool::Lease> SearcherPool::Checkout(const std::optional<std::string>& revision) {
  Slot slot = Take();
  if (slot.searcher && revision && slot.revision == revision) return Lease(this, std::move(slot));
  slot.searcher.reset();  // closed before the new one opens: bounded descriptors
  CloseStale(revision);
  auto opened = search::Searcher::Open(data_dir_, open_);
  if (!opened.ok()) {
    Return(Slot{});
    return opened.status();
  }
  {
    std::lock_guard lock(mu_);
    ++opened_;
  }
  slot.searcher = std::move(*opened);
  slot.revision = revision;
  return Lease(this, std::move(slot));
}

void SearcherPool::CloseStale(const std::optional<std::string>& revision) {
  std::vector<Slot> stale;
  {
    std::lock_guard lock(mu_);
    auto first_stale = std::stable_partition(idle_.begin(), idle_.end(), [&](const Slot& s) {
      return revision && s.revision == revision;
    });
    std::move(first_stale, idle_.end(), std::back_inserter(stale));
    idle_.erase(first_stale, idle_.end());
  }
  // Closed outside the lock: other checkouts need not wait for it.
}

std::size_t SearcherPool::idle() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

std::uint64_t SearcherPool::opened() const {
  std::lock_guard lock(mu_);
  return opened_;
}

}  // namespace pressarc::web::internal
