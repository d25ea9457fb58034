// Internal to web/: rendered responses of the pages that cost a search,
// kept for the next request that asks for the same thing of the same index
// (web.h, "Response cache").
//
// An entry is keyed on the index revision (search::IndexRevision) and the
// normalised request (RequestKey): a response is only ever given back for
// the revision it was computed at, so a change of the index can never serve
// a stale page. When a lookup brings a new revision, the entries of the
// older ones (which no later request can ask for) are dropped. Bounded by
// bytes (key, body and headers), least recently used first out; a response
// larger than an eighth of the bound is not kept.
//
// Thread safety: every member may be called from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "web/web.h"

namespace pressarc::web::internal {

// The request as a key: the path and the parameters, sorted by name (the
// values of one name keep their order), unambiguously joined.
std::string RequestKey(const WebRequest& request);

class ResponseCache {
 public:
  // REQUIRES: max_bytes > 0.
  explicit ResponseCache(std::size_t max_bytes);
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  // The response kept for `request_key` at `revision`, counted as a hit or
  // a miss.
  std::optional<WebResponse> Get(const std::string& revision, const std::string& request_key);
  // Keeps `response` for `request_key` at `revision` (evicting as needed).
  void Put(const std::string& revision, const std::string& request_key,
           const WebResponse& response);

  CacheStats stats() const;

 private:
  struct Entry {
    std::string key;  // the request key (of revision_)
    WebResponse response;
    std::size_t bytes = 0;
  };
  void NewRevision(const std::string& revision);  // REQUIRES: mu_ held
  void Evict();                                   // REQUIRES: mu_ held

  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::string revision_;  // the newest revision seen
  CacheStats stats_;
};

}  // namespace pressarc::web::internal
