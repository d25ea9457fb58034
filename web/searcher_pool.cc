#include "web/searcher_pool.h"

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

std::uint64_t SearcherPool::opened() const {
  std::lock_guard lock(mu_);
  return opened_;
}

}  // namespace pressarc::web::internal
