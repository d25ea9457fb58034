#include "crawler/frontier.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "config/iso_time.h"
#include "config/log.h"
#include "crawler/revisit_schedule.h"
#include "crawler/url_scope.h"

namespace pressarc::internal {
namespace {

constexpr int kMaxQueryVariantsPerPath = 500;  // query explosion guard (per path, per run)
constexpr std::size_t kScheduleBatch = 5000;   // archived articles scheduled per query
constexpr const char* kRevisitRulesKey = "revisit_rules";  // meta: RevisitRulesKey of the times

}  // namespace

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kRobots:
      return "robots";
    case Kind::kSeed:
      return "seed";
    case Kind::kFeed:
      return "feed";
    case Kind::kSitemap:
      return "sitemap";
    case Kind::kListing:
      return "listing";
    case Kind::kArticle:
      return "article";
    case Kind::kPage:
      return "page";
  }
  return "page";
}

Kind KindFromName(const std::string& name) {
  if (name == "seed") return Kind::kSeed;
  if (name == "feed") return Kind::kFeed;
  if (name == "sitemap") return Kind::kSitemap;
  if (name == "listing") return Kind::kListing;
  if (name == "article") return Kind::kArticle;
  return Kind::kPage;
}

bool IsListingLike(const std::string& kind) {
  return kind == "listing" || kind == "seed" || kind == "feed" || kind == "sitemap";
}

Frontier::Frontier(const CrawlerOptions& options, const std::vector<SourceRun>& sources,
                   StateTxn* state, Clock* clock, NewOriginHook on_new_origin)
    : opts_(options),
      sources_(sources),
      state_(state),
      clock_(clock),
      current_year_(std::atoi(IsoUtc(clock->UnixSeconds()).substr(0, 4).c_str())),
      on_new_origin_(std::move(on_new_origin)),
      enqueued_(sources.size(), 0) {}

std::string Frontier::NowIso() const {
  return IsoUtc(clock_->UnixSeconds());
}

void Frontier::SeedSource(int s) {
  const SourceRun& src = sources_[s];
  const SourceConfig& cfg = *src.config;
  for (const auto& u : cfg.start_urls) {
    std::string url = NormalizeUrl(u);
    if (url.empty()) {
      log::Warn(cfg.name, "start URL is not an http(s) URL: " + u);
    } else if (!Seen(url)) {
      Enqueue(url, s, 0, Kind::kSeed, kPrioSeed);
    }
  }
  for (const auto& u : cfg.feeds) {
    std::string url = NormalizeUrl(u);
    if (!url.empty() && !Seen(url)) Enqueue(url, s, 0, Kind::kFeed, kPrioFeed);
  }
  for (const auto& origin : src.scope.start_origins()) {
    std::string url = origin + "/sitemap.xml";
    if (!Seen(url)) Enqueue(url, s, 0, Kind::kSitemap, kPrioFeed, true);
  }
  Catalogue& catalogue = state_->catalogue();
  for (const PageState& p : catalogue.Pending(cfg.name)) {
    if (Seen(p.url)) continue;
    Kind kind = KindFromName(p.kind);
    // A row still queued needs no write (a large frontier resumes faster).
    Admit(p.url, s, p.depth, kind, kind == Kind::kArticle ? kPrioNew : kPrioPending, false,
          p.status != "queued");
  }
  SeedRevisits(s);
}

void Frontier::Seed() {
  ScheduleRevisits();
  for (std::size_t i = 0; i < sources_.size(); ++i) SeedSource(static_cast<int>(i));
}

// Stores when each archived article fetched since the last run (or all of
// them, when the schedule's rules changed) is due again, so that SeedRevisits
// reads only the due ones, through the index on the due time.
void Frontier::ScheduleRevisits() {
  RevisitPolicy policy = RevisitPolicy::From(opts_);
  Catalogue& catalogue = state_->catalogue();
  std::string rules = RevisitRulesKey(policy);
  state_->Ensure();
  if (catalogue.Meta(kRevisitRulesKey) != rules) {
    state_->Write(catalogue.UnscheduleArticles());
    state_->Write(catalogue.SetMeta(kRevisitRulesKey, rules));
  }
  std::int64_t now = clock_->UnixSeconds();
  for (const SourceRun& src : sources_) {
    for (;;) {
      std::vector<ArticleVisit> batch =
          catalogue.UnscheduledArticles(src.config->name, kScheduleBatch);
      for (const ArticleVisit& v : batch) {
        std::int64_t fetched = ParseIsoUtc(v.fetched_at);
        if (fetched < 0) fetched = now;  // no fetch time: due now
        std::int64_t born = ArticleBirth(v.published, v.discovered_at, now);
        if (born < 0) born = fetched;
        state_->Write(
            catalogue.SetRevisitAt(v.url, IsoUtc(RevisitDueAt(policy, fetched, born, v.url))));
      }
      if (batch.size() < kScheduleBatch || !state_->fatal().ok()) break;
    }
  }
}

// Archived articles due for revalidation (revisit_schedule.h), the longest
// overdue first, at most max_revisits_per_run.
void Frontier::SeedRevisits(int s) {
  auto start = std::chrono::steady_clock::now();
  RevisitPolicy policy = RevisitPolicy::From(opts_);
  const std::string& name = sources_[s].config->name;
  std::vector<ArticleVisit> due =
      state_->catalogue().DueArticles(name, NowIso(), policy.max_per_run);
  std::size_t queued = 0;
  // Their rows stay as they are (done, due): a run stopped before it gets
  // to them finds them due again, so there is nothing to write until the fetch.
  for (const ArticleVisit& v : due) {
    if (!Seen(v.url) && Admit(v.url, s, v.depth, Kind::kArticle, kPrioRevisit, false, false)) {
      ++queued;
    }
  }
  std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", took.count());
  log::Info(name, "revisits: " + std::to_string(queued) + " of " + std::to_string(due.size()) +
                      " due queued in " + ms + " ms");
}

bool Frontier::Enqueue(const std::string& url, int source, int depth, Kind kind, int priority,
                       bool probe) {
  return Admit(url, source, depth, kind, priority, probe, true);
}

bool Frontier::Admit(const std::string& url, int source, int depth, Kind kind, int priority,
                     bool probe, bool write_row) {
  if (enqueued_[source] >= opts_.max_pages_per_source) return false;
  ++enqueued_[source];
  seen_.insert(url);
  if (write_row) {
    state_->Ensure();
    state_->Write(state_->catalogue().Enqueue(url, sources_[source].config->name, depth,
                                              KindName(kind), NowIso()));
    state_->Wrote();
  }
  Item item;
  item.url = url;
  item.source = source;
  item.depth = depth;
  item.kind = kind;
  item.priority = priority;
  item.probe = probe;
  item.seq = NextSeq();
  Push(std::move(item));
  return true;
}

Frontier::OriginQueue& Frontier::QueueOf(const std::string& url, int source) {
  std::string origin = UrlOrigin(url);
  auto it = queues_.find(origin);
  if (it != queues_.end()) return it->second;
  OriginQueue& q = queues_[origin];
  if (on_new_origin_) on_new_origin_(origin, source);
  return q;
}

void Frontier::Push(Item item) {
  OriginQueue& q = QueueOf(item.url, item.source);
  q.queue.push(std::move(item));
}

void Frontier::PushTo(const std::string& origin, Item item) {
  queues_.at(origin).queue.push(std::move(item));
}

void Frontier::Retry(const std::string& origin, Item item, std::int64_t not_before) {
  item.not_before = not_before;
  queues_.at(origin).delayed.push_back(std::move(item));
}

int Frontier::FollowLinks(const Item& from, const std::vector<std::string>& links, bool paging) {
  const SourceRun& src = sources_[from.source];
  int depth = from.depth + 1;
  if (depth > opts_.max_depth) return 0;
  int out_of_scope = 0;
  int new_articles = 0;
  std::vector<std::string> new_other;
  std::vector<std::string> known_listings;
  std::unordered_set<std::string> local;
  for (const std::string& url : links) {
    if (url.empty() || Seen(url) || !local.insert(url).second) continue;
    if (!src.scope.InScope(url)) {
      MarkSeen(url);
      ++out_of_scope;
      continue;
    }
    if (!TrapReason(url, current_year_).empty() || TooManyQueryVariants(url)) {
      MarkSeen(url);
      continue;
    }
    PageState known;
    if (state_->catalogue().Lookup(url, &known) && known.status != "denied") {
      if (IsListingLike(known.kind) && known.status == "done") known_listings.push_back(url);
      continue;
    }
    bool is_article = src.scope.IsArticleUrl(url);
    if (is_article || !src.scope.has_article_patterns()) {
      if (Enqueue(url, from.source, depth, is_article ? Kind::kArticle : Kind::kPage, kPrioNew)) {
        ++new_articles;
      }
    } else {
      new_other.push_back(url);
    }
  }
  bool seedlike = from.kind == Kind::kSeed;
  if (paging && (new_articles > 0 || seedlike)) {
    for (const auto& url : new_other) {
      if (!Seen(url)) Enqueue(url, from.source, depth, Kind::kPage, kPrioNew);
    }
  }
  if (paging && new_articles > 0) {
    // Only the next page: the first known listing not yet seen in this run
    // (pagers link to many pages; older ones are reached one by one while
    // each page still brings something new).
    for (const auto& url : known_listings) {
      if (!Seen(url)) {
        Enqueue(url, from.source, depth, Kind::kListing, kPrioListing);
        break;
      }
    }
  }
  return out_of_scope;
}

void Frontier::FollowFeedLinks(const Item& from, const std::vector<std::string>& feeds) {
  for (const auto& feed : feeds) {
    std::string url = NormalizeUrl(feed);
    if (!url.empty() && !Seen(url) && sources_[from.source].scope.InScope(url)) {
      Enqueue(url, from.source, from.depth + 1, Kind::kFeed, kPrioFeed);
    }
  }
}

int Frontier::FollowFeed(const Item& from, const FeedDocument& doc) {
  const SourceRun& src = sources_[from.source];
  int out_of_scope = 0;
  std::vector<std::string> links;
  for (const FeedEntry& e : doc.entries) {
    std::string url = NormalizeUrl(e.url);
    if (url.empty()) continue;
    if (e.is_sitemap) {
      if (Seen(url)) continue;
      if (!src.scope.InScope(url) && UrlOrigin(url) != UrlOrigin(from.url)) {
        MarkSeen(url);
        ++out_of_scope;
        continue;
      }
      if (from.depth + 1 <= opts_.max_depth) {
        Enqueue(url, from.source, from.depth + 1, Kind::kSitemap, kPrioFeed);
      }
      continue;
    }
    links.push_back(url);
    for (const auto& alt : e.alternates) links.push_back(NormalizeUrl(alt.second));
  }
  return out_of_scope + FollowLinks(from, links, false);
}

// One path with ever new query strings (filters, sort orders, session
// parameters, calendars) is a trap; its first variants are still crawled.
bool Frontier::TooManyQueryVariants(const std::string& url) {
  std::size_t q = url.find('?');
  if (q == std::string::npos) return false;
  return ++query_variants_[url.substr(0, q)] > kMaxQueryVariantsPerPath;
}

bool Frontier::HasWork(const std::string& origin) const {
  auto it = queues_.find(origin);
  return it != queues_.end() && it->second.HasWork();
}

bool Frontier::HasWork() const {
  for (const auto& [origin, q] : queues_) {
    if (q.HasWork()) return true;
  }
  return false;
}

std::size_t Frontier::Size() const {
  std::size_t n = 0;
  for (const auto& [origin, q] : queues_) n += q.queue.size() + q.delayed.size();
  return n;
}

std::int64_t Frontier::ReadyAt(const std::string& origin, std::int64_t now) const {
  auto it = queues_.find(origin);
  if (it == queues_.end()) return std::numeric_limits<std::int64_t>::max();
  const OriginQueue& q = it->second;
  if (!q.queue.empty()) return now;
  std::int64_t ready = std::numeric_limits<std::int64_t>::max();
  for (const Item& d : q.delayed) ready = std::min(ready, d.not_before);
  return ready;
}

void Frontier::Promote(const std::string& origin, std::int64_t now) {
  auto found = queues_.find(origin);
  if (found == queues_.end()) return;
  OriginQueue& q = found->second;
  for (auto it = q.delayed.begin(); it != q.delayed.end();) {
    if (it->not_before <= now) {
      q.queue.push(std::move(*it));
      it = q.delayed.erase(it);
    } else {
      ++it;
    }
  }
}

const Item* Frontier::Peek(const std::string& origin) const {
  auto it = queues_.find(origin);
  if (it == queues_.end() || it->second.queue.empty()) return nullptr;
  return &it->second.queue.top();
}

Item Frontier::Pop(const std::string& origin) {
  auto& queue = queues_.at(origin).queue;
  Item item = queue.top();
  queue.pop();
  return item;
}

}  // namespace pressarc::internal
