// The politeness scheduler (internal to the crawler): when the crawl may
// send the next request to each origin (scheme://host:port).
//
// One request in flight per origin; between the end of one and the start of
// the next, the origin's gap: the larger of the per-host delay and
// robots.txt's Crawl-delay (capped by max_crawl_delay_s), plus a slowdown
// that doubles on every 429/503 and halves on other answers. Retry-After
// holds an origin off; failed requests wait an exponential, jittered
// backoff. Origins take turns (round robin) for the free connections. The
// robots.txt rules of each origin live here too; what is queued for an
// origin is the Frontier's (frontier.h).
//
// Not thread-safe: the crawl job's thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "crawler/crawl_env.h"
#include "crawler/frontier.h"
#include "crawler/robots.h"

namespace pressarc::internal {

struct Origin {
  std::string name;  // scheme://host:port
  int source = 0;    // the source whose URL opened it
  RobotsRules rules = RobotsRules::AllowAll();
  bool robots_ready = false;
  bool busy = false;  // a request is in flight
  bool verify_tls = true;
  std::int64_t next_at = 0;  // earliest start of the next request (monotonic ms)
  int delay_ms = 0;
  int robots_delay_ms = 0;
  int slow_ms = 0;  // added after 429/503
  std::int64_t Gap() const { return std::max(delay_ms, robots_delay_ms) + slow_ms; }
};

struct PolitenessOptions {
  std::string user_agent = "pressarc";  // picks the robots.txt group
  int max_crawl_delay_s = 30;           // a longer Crawl-delay is capped
  std::int64_t base_backoff_ms = 500;   // first retry delay (doubles per attempt, +-25% jitter)
  std::uint64_t seed = 1;               // for the jitter
};

class Politeness {
 public:
  explicit Politeness(const PolitenessOptions& options);
  Politeness(const Politeness&) = delete;
  Politeness& operator=(const Politeness&) = delete;

  // A new origin; its robots.txt is not known yet (see UseRobots).
  Origin& Add(const std::string& name, int source, int delay_ms, bool verify_tls);
  Origin* Find(const std::string& name);
  const std::vector<Origin*>& origins() const { return list_; }

  // Applies a robots.txt outcome: a 2xx body, 4xx (allow all), or 0/5xx
  // (disallow all, for this run). Sets the Crawl-delay.
  void UseRobots(Origin& origin, int status, const std::string& body);

  // The origins that may start a request now (free, gap over, something
  // queued or due), in round-robin order: each call starts one further.
  std::vector<Origin*> Ready(std::int64_t now, Frontier& frontier);
  // When the next origin becomes ready (at most now + 200 ms).
  std::int64_t NextWake(std::int64_t now, const Frontier& frontier) const;

  void Started(Origin& origin) { origin.busy = true; }
  // The origin may send its next request after its gap from `now`.
  void Finished(Origin& origin, std::int64_t now);
  // Not before `until` (Retry-After, or a gap that starts over).
  static void HoldOff(Origin& origin, std::int64_t until);
  // 429 and 503 slow the origin down; other answers let it recover.
  void Answered(Origin& origin, const FetchResponse& response);

  // True for errors and statuses worth another attempt (timeouts, resets,
  // refused connections, 429, 5xx).
  static bool Retryable(const FetchResponse& response);
  // The delay before attempt `attempts` + 1: doubling, capped at a minute, +-25%.
  std::int64_t Backoff(int attempts);

 private:
  PolitenessOptions opts_;
  std::mt19937_64 rng_;
  std::map<std::string, std::unique_ptr<Origin>> by_name_;
  std::vector<Origin*> list_;  // in creation order
  std::size_t rr_ = 0;
};

}  // namespace pressarc::internal
