#include "crawler/revisit_schedule.h"

#include <algorithm>
#include <functional>

#include "config/iso_time.h"

namespace pressarc::internal {
namespace {

constexpr std::int64_t kAgeDivisor = 8;        // the interval is an eighth of the age
constexpr std::int64_t kSpreadPerMille = 100;  // intervals shortened by up to 10%

// The interval before the spread: an eighth of the age, within the bounds.
std::int64_t BaseInterval(const RevisitPolicy& policy, std::int64_t age_s) {
  if (policy.min_interval_s <= 0) return 0;
  std::int64_t grown =
      std::max(policy.min_interval_s, std::max<std::int64_t>(age_s, 0) / kAgeDivisor);
  return std::min(grown, policy.max_interval_s);
}

}  // namespace

RevisitPolicy RevisitPolicy::From(const CrawlerOptions& options) {
  RevisitPolicy p;
  p.min_interval_s = std::int64_t{options.revisit_after_hours} * 3600;
  p.max_interval_s = std::int64_t{options.revisit_max_interval_days} * 86400;
  p.max_per_run = static_cast<std::size_t>(std::max(0, options.max_revisits_per_run));
  return p;
}

std::int64_t RevisitInterval(const RevisitPolicy& policy, std::int64_t age_s,
                             std::string_view url) {
  std::int64_t interval = BaseInterval(policy, age_s);
  std::int64_t floor = std::min(policy.min_interval_s, policy.max_interval_s);
  if (interval <= floor) return interval;
  auto spread = static_cast<std::int64_t>(std::hash<std::string_view>{}(url) % kSpreadPerMille);
  return std::max(floor, interval - interval / 1000 * spread);
}

std::int64_t RevisitDueAt(const RevisitPolicy& policy, std::int64_t fetched_at,
                          std::int64_t born_at, std::string_view url) {
  // t - fetched_at - RevisitInterval(t - born_at) never decreases with t (the
  // interval grows by at most an eighth of the time), and is >= 0 by
  // fetched_at + max_interval_s: a binary search finds the first due time.
  std::int64_t lo = fetched_at;
  std::int64_t hi = fetched_at + std::max<std::int64_t>(policy.max_interval_s, 0);
  while (lo < hi) {
    std::int64_t mid = lo + (hi - lo) / 2;
    if (mid - fetched_at >= RevisitInterval(policy, mid - born_at, url)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

std::string RevisitRulesKey(const RevisitPolicy& policy) {
  return "1 " + std::to_string(policy.min_interval_s) + " " + std::to_string(policy.max_interval_s);
}

std::vector<std::size_t> DueRevisits(const RevisitPolicy& policy,
                                     const std::vector<RevisitCandidate>& candidates,
                                     std::int64_t now) {
  std::vector<std::pair<std::int64_t, std::size_t>> due;  // (due at, index)
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const RevisitCandidate& c = candidates[i];
    // Not due even with the largest spread: no need to search.
    std::int64_t base = BaseInterval(policy, now - c.born_at);
    if (now - c.fetched_at < base - base / 1000 * kSpreadPerMille) continue;
    std::int64_t at = RevisitDueAt(policy, c.fetched_at, c.born_at, c.url);
    if (at <= now) due.emplace_back(at, i);
  }
  std::stable_sort(due.begin(), due.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (policy.max_per_run > 0 && due.size() > policy.max_per_run) due.resize(policy.max_per_run);
  std::vector<std::size_t> out;
  out.reserve(due.size());
  for (const auto& d : due) out.push_back(d.second);
  return out;
}

std::int64_t ArticleBirth(const std::string& published, const std::string& discovered_at,
                          std::int64_t now) {
  std::int64_t born = published.size() >= 10 ? ParseIsoUtc(published.substr(0, 10)) : -1;
  if (born >= 0 && born <= now) return born;
  return ParseIsoUtc(discovered_at);
}

}  // namespace pressarc::internal
