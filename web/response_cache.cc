#include "web/response_cache.h"

#include <algorithm>
#include <vector>

namespace pressarc::web::internal {

namespace {

std::size_t Bytes(const std::string& key, const WebResponse& r) {
  std::size_t n = key.size() + r.body.size() + r.content_type.size() + 128;  // + bookkeeping
  for (const auto& [name, value] : r.headers) n += name.size() + value.size() + 32;
  return n;
}

}  // namespace

std::string RequestKey(const WebRequest& request) {
  std::vector<std::pair<std::string, std::string>> params = request.params;
  std::stable_sort(params.begin(), params.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string key = request.path;
  for (const auto& [name, value] : params) {
    // Lengths first: no name or value can pass for another split.
    key += '\0' + std::to_string(name.size()) + ':' + name + std::to_string(value.size()) + ':' +
           value;
  }
  return key;
}

ResponseCache::ResponseCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

void ResponseCache::NewRevision(const std::string& revision) {
  if (revision == revision_) return;
  // Revisions only move forward, and every request computes the current
  // one: entries of another revision will not be asked for again.
  lru_.clear();
  index_.clear();
  stats_.bytes = 0;
  stats_.entries = 0;
  revision_ = revision;
}

std::optional<WebResponse> ResponseCache::Get(const std::string& revision,
                                              const std::string& request_key) {
  std::lock_guard lock(mu_);
  NewRevision(revision);
  auto it = index_.find(request_key);
  if (it == index_.end()) {
    ++stats_.misses;
    return std::nullopt;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->response;
}

void ResponseCache::Put(const std::string& revision, const std::string& request_key,
                        const WebResponse& response) {
  const std::size_t bytes = Bytes(request_key, response);
  if (bytes > max_bytes_ / 8) return;
  std::lock_guard lock(mu_);
  if (index_.empty() && stats_.hits + stats_.misses == 0) revision_ = revision;  // the first
  if (revision != revision_) return;  // computed before a change the cache has seen
  if (auto it = index_.find(request_key); it != index_.end()) {
    stats_.bytes -= it->second->bytes;
    --stats_.entries;
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.push_front(Entry{request_key, response, bytes});
  index_.emplace(request_key, lru_.begin());
  stats_.bytes += bytes;
  ++stats_.entries;
  Evict();
}

void ResponseCache::Evict() {
  while (stats_.bytes > max_bytes_ && !lru_.empty()) {
    const Entry& last = lru_.back();
    stats_.bytes -= last.bytes;
    --stats_.entries;
    ++stats_.evictions;
    index_.erase(last.key);
    lru_.pop_back();
  }
}

CacheStats ResponseCache::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace pressarc::web::internal
