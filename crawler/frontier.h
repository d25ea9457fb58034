// The crawl frontier (internal to the crawler): what is to be fetched in
// this run, queued per origin, and the rules that decide what gets in.
//
// The frontier owns the seen set (a URL is queued at most once per run), the
// per-source page budget (max_pages_per_source), the trap guards (depth,
// TrapReason, the query-variant guard), seeding (start URLs, feeds,
// /sitemap.xml probes, rows left queued or failed by earlier runs, and the
// articles the revisit schedule says are due, revisit_schedule.h: their due
// times are stored in the catalogue, so a run reads only the due ones) and the
// paging rule for links found on a page. Each admitted URL also gets its
// catalogue row (queued), so that an interrupted run resumes. When to fetch
// from which origin is the Politeness scheduler's job (politeness.h); the
// frontier only holds the queues.
//
// Not thread-safe: the crawl job's thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "archive/archive.h"
#include "crawler/crawl_env.h"
#include "crawler/feeds.h"
#include "crawler/state_txn.h"

namespace pressarc::internal {

// What the crawler expects a URL to be; decides priority and handling.
enum class Kind : std::uint8_t { kRobots, kSeed, kFeed, kSitemap, kListing, kArticle, kPage };

const char* KindName(Kind kind);
Kind KindFromName(const std::string& name);  // unknown names are kPage
// Seeds, listings, feeds and sitemaps: fetched again on every run.
bool IsListingLike(const std::string& kind);

// Lower runs first. Within a class, discovery order (newest first on listings).
constexpr int kPrioRobots = 0;
constexpr int kPrioSeed = 10;
constexpr int kPrioFeed = 11;
constexpr int kPrioNew = 20;
constexpr int kPrioPending = 25;
constexpr int kPrioListing = 30;
constexpr int kPrioRevisit = 40;

struct Item {
  std::string url;
  std::string first_url;  // where a redirect chain started ("" = this URL)
  std::uint64_t seq = 0;
  std::int64_t not_before = 0;  // monotonic ms (retries)
  int source = 0;
  int depth = 0;
  int priority = kPrioNew;
  int attempts = 0;  // failed attempts so far in this run
  int hops = 0;      // redirects followed to reach this URL
  Kind kind = Kind::kPage;
  bool probe = false;    // speculative (/sitemap.xml): an error status is no failure
  bool counted = false;  // already counted against --max-pages
};

// A configured source as this run sees it.
struct SourceRun {
  const SourceConfig* config = nullptr;
  SourceScope scope;
  int delay_ms = 0;  // per-host delay (the source's or the crawler's)
  bool verify_tls = true;
};

class Frontier {
 public:
  // Called when the first URL of an origin is queued, before it is; the
  // job sets up the origin's politeness (and queues its robots.txt) there.
  using NewOriginHook = std::function<void(const std::string& origin, int source)>;

  // REQUIRES: `sources`, `state` and `clock` outlive the frontier.
  Frontier(const CrawlerOptions& options, const std::vector<SourceRun>& sources, StateTxn* state,
           Clock* clock, NewOriginHook on_new_origin);
  Frontier(const Frontier&) = delete;
  Frontier& operator=(const Frontier&) = delete;

  // Queues the run's starting points: start URLs, feeds, /sitemap.xml of
  // each start origin, what earlier runs left queued or failed, and the
  // articles due for revalidation.
  void Seed();

  // Admits a new URL of `source`: marks it seen, writes its catalogue row
  // and queues it. False when the source's page budget is spent.
  bool Enqueue(const std::string& url, int source, int depth, Kind kind, int priority,
               bool probe = false);
  // Queues an item that needs no admission (a redirect hop, robots.txt)
  // under the origin of its URL.
  void Push(Item item);
  // Queues an item under `origin`, whatever its URL (a robots.txt redirect
  // hop goes out under the pacing of the origin that asked for it).
  // REQUIRES: `origin` has had an item queued.
  void PushTo(const std::string& origin, Item item);
  // Queues an item of `origin` again, not before `not_before` (monotonic ms).
  // REQUIRES: `origin` has had an item queued.
  void Retry(const std::string& origin, Item item, std::int64_t not_before);
  std::uint64_t NextSeq() { return ++seq_; }
  int current_year() const { return current_year_; }  // for the trap guards

  bool Seen(const std::string& url) const { return seen_.count(url) > 0; }
  void MarkSeen(const std::string& url) { seen_.insert(url); }

  // Links found on a page of `from`: new URLs are queued; known articles
  // wait for their revisit; known listings are fetched again only when this
  // page brought new articles (so paging stops at the first page with
  // nothing new). `paging` is false for articles and feeds. Returns the
  // number of links skipped as out of scope.
  int FollowLinks(const Item& from, const std::vector<std::string>& links, bool paging);
  // Feed links (<link rel=alternate>) of an HTML page.
  void FollowFeedLinks(const Item& from, const std::vector<std::string>& feeds);
  // The entries of a feed or sitemap; returns the number skipped as out of scope.
  int FollowFeed(const Item& from, const FeedDocument& doc);

  // Per-origin queues.
  bool HasWork(const std::string& origin) const;
  bool HasWork() const;
  std::size_t Size() const;
  // The earliest monotonic time something of `origin` may start (`now`
  // when something is queued); INT64_MAX when it has nothing.
  std::int64_t ReadyAt(const std::string& origin, std::int64_t now) const;
  // Moves retries of `origin` whose time has come into its queue.
  void Promote(const std::string& origin, std::int64_t now);
  // The next item of `origin`; null when none is queued.
  const Item* Peek(const std::string& origin) const;
  Item Pop(const std::string& origin);

 private:
  struct ItemOrder {
    bool operator()(const Item& a, const Item& b) const {
      return a.priority != b.priority ? a.priority > b.priority : a.seq > b.seq;
    }
  };
  struct OriginQueue {
    std::priority_queue<Item, std::vector<Item>, ItemOrder> queue;
    std::vector<Item> delayed;  // retries waiting for not_before
    bool HasWork() const { return !queue.empty() || !delayed.empty(); }
  };

  // Enqueue, with the catalogue row written only when `write_row` (a row
  // left queued by an earlier run is already as Enqueue would write it; a
  // due revisit is found again by the schedule if this run stops first).
  bool Admit(const std::string& url, int source, int depth, Kind kind, int priority, bool probe,
             bool write_row);
  OriginQueue& QueueOf(const std::string& url, int source);
  bool TooManyQueryVariants(const std::string& url);
  void SeedSource(int source);
  void ScheduleRevisits();
  void SeedRevisits(int source);
  std::string NowIso() const;

  const CrawlerOptions& opts_;
  const std::vector<SourceRun>& sources_;
  StateTxn* state_;
  Clock* clock_;
  int current_year_;
  NewOriginHook on_new_origin_;
  std::map<std::string, OriginQueue> queues_;  // by origin
  std::vector<std::int64_t> enqueued_;         // per source, this run
  std::unordered_set<std::string> seen_;
  std::unordered_map<std::string, int> query_variants_;  // per scheme://host/path, this run
  std::uint64_t seq_ = 0;
};

}  // namespace pressarc::internal
