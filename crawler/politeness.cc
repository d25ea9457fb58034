#include "crawler/politeness.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "config/log.h"
#include "crawler/crawl_job.h"

namespace pressarc {

namespace internal {

Politeness::Politeness(const PolitenessOptions& options) : opts_(options) {
  rng_.seed(options.seed);
}

Origin& Politeness::Add(const std::string& name, int source, int delay_ms, bool verify_tls) {
  auto owned = std::make_unique<Origin>();
  Origin& o = *owned;
  o.name = name;
  o.source = source;
  o.delay_ms = delay_ms;
  o.verify_tls = verify_tls;
  by_name_[name] = std::move(owned);
  list_.push_back(&o);
  return o;
}

Origin* Politeness::Find(const std::string& name) {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second.get();
}

void Politeness::UseRobots(Origin& o, int status, const std::string& body) {
  if (status >= 200 && status < 300) {
    o.rules = RobotsRules::Parse(body, opts_.user_agent);
  } else if (status >= 400 && status < 500) {
    o.rules = RobotsRules::AllowAll();
  } else {
    o.rules = RobotsRules::DisallowAll();
    log::Warn("crawler",
              o.name + "/robots.txt is unreachable: nothing on this host is fetched in this run");
  }
  o.robots_ready = true;
  int delay = o.rules.crawl_delay_ms();
  o.robots_delay_ms = delay < 0 ? 0 : std::min(delay, opts_.max_crawl_delay_s * 1000);
}

std::vector<Origin*> Politeness::Ready(std::int64_t now, Frontier& frontier) {
  std::vector<Origin*> out;
  std::size_t n = list_.size();
  for (std::size_t k = 0; k < n; ++k) {
    Origin& o = *list_[(rr_ + k) % n];
    if (o.busy || o.next_at > now || !frontier.HasWork(o.name)) continue;
    frontier.Promote(o.name, now);
    out.push_back(&o);
  }
  ++rr_;
  return out;
}

std::int64_t Politeness::NextWake(std::int64_t now, const Frontier& frontier) const {
  std::int64_t wake = now + 200;
  for (const Origin* o : list_) {
    if (o->busy || !frontier.HasWork(o->name)) continue;
    wake = std::min(wake, std::max(o->next_at, frontier.ReadyAt(o->name, now)));
  }
  return wake;
}

void Politeness::Finished(Origin& o, std::int64_t now) {
  o.busy = false;
  o.next_at = now + o.Gap();
}

void Politeness::HoldOff(Origin& o, std::int64_t until) {
  o.next_at = std::max(o.next_at, until);
}

void Politeness::Answered(Origin& o, const FetchResponse& r) {
  if (r.error == FetchError::kNone && (r.status == 429 || r.status == 503)) {
    o.slow_ms = std::min(std::max(o.slow_ms * 2, 1000), opts_.max_crawl_delay_s * 1000);
  } else if (r.status > 0 && o.slow_ms > 0) {
    o.slow_ms = o.slow_ms >= 100 ? o.slow_ms / 2 : 0;
  }
}

bool Politeness::Retryable(const FetchResponse& r) {
  if (r.error == FetchError::kTimeout || r.error == FetchError::kReset ||
      r.error == FetchError::kConnect) {
    return true;
  }
  return r.error == FetchError::kNone && (r.status == 429 || r.status >= 500);
}

std::int64_t Politeness::Backoff(int attempts) {
  std::int64_t base = opts_.base_backoff_ms << std::min(attempts, 10);
  base = std::min<std::int64_t>(base, 60000);
  std::uniform_real_distribution<double> jitter(0.75, 1.25);
  return static_cast<std::int64_t>(static_cast<double>(base) * jitter(rng_));
}

}  // namespace internal

std::int64_t ParseRetryAfterMs(const std::string& value, std::int64_t now_unix) {
  std::size_t b = value.find_first_not_of(" \t");
  if (b == std::string::npos) return -1;
  std::string v = value.substr(b);
  if (std::all_of(v.begin(), v.end(),
                  [](unsigned char c) { return std::isdigit(c) || c == ' '; })) {
    if (v.size() > 9) return std::int64_t{999999999} * 1000;
    return std::int64_t{std::atoll(v.c_str())} * 1000;
  }
  time_t t = curl_getdate(v.c_str(), nullptr);
  if (t < 0) return -1;
  return std::max<std::int64_t>(0, (static_cast<std::int64_t>(t) - now_unix) * 1000);
}

}  // namespace pressarc
