#include "crawler/crawl_job.h"

#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <queue>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "archive/archive.h"
#include "config/ascii.h"
#include "config/digest.h"
#include "config/log.h"
#include "crawler/feeds.h"
#include "crawler/robots.h"
#include "crawler/url_scope.h"

namespace pressarc {
namespace {

// What the crawler expects a URL to be; decides priority and handling.
enum class Kind : std::uint8_t { kRobots, kSeed, kFeed, kSitemap, kListing, kArticle, kPage };

const char* KindName(Kind k) {
  switch (k) {
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

Kind KindFromName(const std::string& s) {
  if (s == "seed") return Kind::kSeed;
  if (s == "feed") return Kind::kFeed;
  if (s == "sitemap") return Kind::kSitemap;
  if (s == "listing") return Kind::kListing;
  if (s == "article") return Kind::kArticle;
  return Kind::kPage;
}

bool IsListingLike(const std::string& kind) {
  return kind == "listing" || kind == "seed" || kind == "feed" || kind == "sitemap";
}

// Lower runs first. Within a class, discovery order (newest first on listings).
constexpr int kPrioRobots = 0;
constexpr int kPrioSeed = 10;
constexpr int kPrioFeed = 11;
constexpr int kPrioNew = 20;
constexpr int kPrioPending = 25;
constexpr int kPrioListing = 30;
constexpr int kPrioRevisit = 40;
constexpr int kMaxRedirects = 5;
constexpr std::size_t kIndexBatch = 200;
constexpr std::size_t kStateBatch = 64;
constexpr std::int64_t kStateBatchMs = 250;
constexpr std::size_t kMaxFailuresListed = 50;
constexpr std::size_t kMaxRememberedRedirects = 100000;  // loop detection memory bound
constexpr int kMaxQueryVariantsPerPath = 500;  // query explosion guard (per path, per run)

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

struct ItemOrder {
  bool operator()(const Item& a, const Item& b) const {
    return a.priority != b.priority ? a.priority > b.priority : a.seq > b.seq;
  }
};

struct Origin {
  std::string name;
  int source = 0;
  std::priority_queue<Item, std::vector<Item>, ItemOrder> queue;
  std::vector<Item> delayed;  // retries waiting for not_before
  RobotsRules rules = RobotsRules::AllowAll();
  bool robots_ready = false;
  bool busy = false;
  bool verify_tls = true;
  std::int64_t next_at = 0;  // earliest start of the next request (monotonic ms)
  int delay_ms = 0;
  int robots_delay_ms = 0;
  int slow_ms = 0;  // added after 429/503
  std::int64_t Gap() const { return std::max(delay_ms, robots_delay_ms) + slow_ms; }
  bool HasWork() const { return !queue.empty() || !delayed.empty(); }
};

struct Flight {
  Item item;
  Origin* origin = nullptr;
  std::string fetched_at;
  bool released = false;  // the origin was freed before the response was processed
};

struct SourceRun {
  const SourceConfig* config = nullptr;
  SourceScope scope;
  std::int64_t enqueued = 0;
  int delay_ms = 0;
  bool verify_tls = true;
};

struct PendingArticle {
  Article article;
  ArchiveLocation where;
  std::string fetched_at;
  std::int64_t fetch_id = 0;
  int source = 0;
};

// Indexes on a thread of its own, so that the crawl goes on fetching,
// archiving and extracting while the index is written. Batches are indexed in
// the order given; the sink is used by the worker thread alone from the first
// Submit on. Documents are committed every `commit_every` articles and when a
// batch asks for it; each commit reports the fetch ids it made durable, which
// the crawler then marks indexed (state after index, so that kill -9 loses
// nothing: an uncommitted article is replayed by the next run).
class IndexWorker {
 public:
  struct Done {
    std::map<int, std::int64_t> indexed;  // documents added, by source
    std::vector<std::int64_t> committed;  // fetch ids now in the index
    Status status;                        // a failed commit: the run stops
  };

  IndexWorker(ArticleSink* sink, std::size_t commit_every)
      : sink_(sink), commit_every_(commit_every) {}
  ~IndexWorker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  IndexWorker(const IndexWorker&) = delete;
  IndexWorker& operator=(const IndexWorker&) = delete;

  // Queues a batch; waits while two batches are already waiting (the
  // crawler must not outrun the index by more than that in memory).
  void Submit(std::vector<PendingArticle> batch, bool commit) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!thread_.joinable()) thread_ = std::thread([this] { Work(); });
    cv_.wait(lock, [this] { return queue_.size() < 2 || failed_; });
    if (failed_) return;
    queue_.push_back(Batch{std::move(batch), commit});
    ++submitted_;
    cv_.notify_all();
  }

  // What was indexed since the last call; with `wait`, after every batch
  // submitted so far is done.
  std::vector<Done> Take(bool wait) {
    std::unique_lock<std::mutex> lock(mu_);
    if (wait) cv_.wait(lock, [this] { return finished_ == submitted_ || failed_; });
    std::vector<Done> out = std::move(done_);
    done_.clear();
    return out;
  }

 private:
  struct Batch {
    std::vector<PendingArticle> articles;
    bool commit = false;
  };

  void Work() {
    std::vector<std::int64_t> uncommitted;
    for (;;) {
      Batch batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (stop_) return;  // what is queued stays unindexed: replayed next run
        batch = std::move(queue_.front());
        queue_.pop_front();
        cv_.notify_all();
      }
      Done done;
      for (const PendingArticle& p : batch.articles) {
        auto added = sink_->Add(p.article, p.where, p.fetched_at);
        if (!added.ok()) {
          // Left unindexed in the state: the next run replays it.
          log::Warn("crawler", "indexing " + p.article.url + ": " + added.status().message());
          continue;
        }
        if (*added) ++done.indexed[p.source];
        uncommitted.push_back(p.fetch_id);
      }
      if (!uncommitted.empty() && (batch.commit || uncommitted.size() >= commit_every_)) {
        done.status = sink_->Commit();
        if (done.status.ok()) done.committed = std::move(uncommitted);
        uncommitted.clear();
      }
      std::lock_guard<std::mutex> lock(mu_);
      if (!done.status.ok()) failed_ = true;
      done_.push_back(std::move(done));
      ++finished_;
      cv_.notify_all();
      if (failed_) return;
    }
  }

  ArticleSink* sink_;
  std::size_t commit_every_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  std::vector<Done> done_;
  std::uint64_t submitted_ = 0;
  std::uint64_t finished_ = 0;
  bool stop_ = false;
  bool failed_ = false;
  std::thread thread_;  // last: started after the members it uses
};

bool LooksLikeFeed(Kind kind, const std::string& content_type, std::string_view body) {
  if (kind == Kind::kFeed || kind == Kind::kSitemap) return true;
  if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
      static_cast<unsigned char>(body[1]) == 0x8b) {
    return true;
  }
  std::string ct = AsciiLower(content_type);
  if (ct.find("html") != std::string::npos) return false;
  if (ct.find("xml") != std::string::npos || ct.find("rss") != std::string::npos ||
      ct.find("atom") != std::string::npos) {
    return true;
  }
  std::string head = AsciiLower(body.substr(0, 512));
  return head.find("<?xml") != std::string::npos && head.find("<html") == std::string::npos;
}

// The stored headers must describe the stored body: drop Transfer-Encoding
// (libcurl de-chunked), Content-Encoding when the body was decoded, and fix
// Content-Length when any of that changed the body.
HeaderList StoredHeaders(const FetchResponse& r, bool truncated) {
  bool changed = truncated || r.body_decoded;
  std::string cl = FindHeader(r.headers, "Content-Length");
  if (!FindHeader(r.headers, "Transfer-Encoding").empty()) changed = true;
  if (!cl.empty() && cl != std::to_string(r.body.size())) changed = true;
  if (!changed) return r.headers;
  HeaderList out;
  for (const auto& [k, v] : r.headers) {
    if (strcasecmp(k.c_str(), "Transfer-Encoding") == 0 ||
        strcasecmp(k.c_str(), "Content-Length") == 0)
      continue;
    if (r.body_decoded && strcasecmp(k.c_str(), "Content-Encoding") == 0) continue;
    out.emplace_back(k, v);
  }
  out.emplace_back("Content-Length", std::to_string(r.body.size()));
  return out;
}

class Job {
 public:
  Job(const Config& config, const CrawlRequest& request, ArticleSink* sink, const CrawlEnv& env)
      : config_(config), opts_(config.crawler), request_(request), sink_(sink), env_(env) {}

  Result<CrawlSummary> Run();

 private:
  Status Setup();
  Status Replay();
  void Seed();
  void Loop();
  void LaunchReady();
  std::int64_t NextWake(std::int64_t now) const;
  void Launch(Origin& o, Item item);
  void Release(const FetchResponse& r);
  void OnResponse(FetchResponse& r);
  void OnRobots(Flight& f, FetchResponse& r);
  void OnRedirect(Flight& f, FetchResponse& r);
  void OnNotModified(Flight& f, FetchResponse& r);
  void OnOk(Flight& f, FetchResponse& r, const ArchiveLocation& loc);
  void OnArticle(Flight& f, FetchResponse& r, const ArchiveLocation& loc, Article article);
  void OnFeed(Flight& f, FetchResponse& r, const ArchiveLocation& loc, const FeedDocument& doc);
  void FollowLinks(const Item& from, const std::vector<std::string>& links, bool paging);
  void Retry(Flight& f, std::int64_t delay_ms);
  bool Retryable(const FetchResponse& r) const;
  std::int64_t Backoff(int attempts);
  void Fail(Flight& f, const std::string& reason, int status, const ArchiveLocation* loc);
  void RecordDone(Flight& f, int status, const ArchiveLocation* loc, const std::string& page_kind);
  bool Archive(Flight& f, const FetchResponse& r, bool truncated, ArchiveLocation* loc);
  HttpExchange MakeExchange(const Flight& f, const FetchResponse& r, bool truncated) const;
  bool Enqueue(const std::string& url, int source, int depth, Kind kind, int priority,
               bool probe = false);
  Origin& GetOrigin(const std::string& url, int source);
  void UseRobots(Origin& o, int status, const std::string& body, bool cache);
  void EnsureTxn();
  void Flush(bool force);
  void TakeIndexed(bool wait);
  void Count(int source, std::int64_t CrawlCounters::*field, std::int64_t n = 1);
  void SetFatal(const Status& st) {
    if (fatal_.ok()) fatal_ = st;
  }
  void Progress(bool final);
  bool TooManyQueryVariants(const std::string& url);
  ExtractOptions OptionsFor(int source, const std::string& url, const std::string& ct) const;
  std::string NowIso() { return IsoUtc(clock_->UnixSeconds()); }
  std::string ArticleNextFetch() {
    return IsoUtc(clock_->UnixSeconds() + std::int64_t{opts_.revisit_after_hours} * 3600);
  }

  const Config& config_;
  const CrawlerOptions& opts_;
  const CrawlRequest& request_;
  ArticleSink* sink_;
  CrawlEnv env_;
  Clock* clock_ = nullptr;
  HttpClient* http_ = nullptr;
  WarcWriter* warc_ = nullptr;
  std::unique_ptr<HttpClient> own_http_;
  std::unique_ptr<WarcWriter> own_warc_;
  std::unique_ptr<Catalogue> state_;
  std::optional<RecordConverter> converter_;  // for Replay
  std::unique_ptr<IndexWorker> indexer_;  // declared after state_: joined before it closes
  std::string archive_dir_;
  std::mt19937_64 rng_;

  std::vector<SourceRun> sources_;
  std::map<std::string, std::unique_ptr<Origin>> origins_;
  std::vector<Origin*> origin_list_;
  std::size_t rr_ = 0;
  std::map<std::uint64_t, Flight> flights_;
  std::unordered_set<std::string> seen_;
  std::unordered_map<std::string, int> query_variants_;     // per scheme://host/path, this run
  std::unordered_map<std::string, std::string> redirects_;  // URL -> Location, this run
  std::uint64_t seq_ = 0;
  std::uint64_t next_id_ = 0;
  std::int64_t launched_pages_ = 0;
  bool stop_ = false;
  int current_year_ = 2026;

  bool txn_open_ = false;
  std::size_t txn_rows_ = 0;
  std::int64_t last_flush_ms_ = 0;
  std::vector<PendingArticle> pending_;
  Status fatal_;

  CrawlSummary summary_;
  std::int64_t start_ms_ = 0;
  std::int64_t last_progress_ms_ = 0;
  bool progress_shown_ = false;
};

void Job::Count(int source, std::int64_t CrawlCounters::*field, std::int64_t n) {
  summary_.total.*field += n;
  if (source >= 0 && source < static_cast<int>(sources_.size())) {
    summary_.per_source[sources_[source].config->name].*field += n;
  }
}

ExtractOptions Job::OptionsFor(int source, const std::string& url, const std::string& ct) const {
  const SourceConfig* cfg = source >= 0 ? sources_[source].config : nullptr;
  return ExtractOptionsForSource(cfg, url, ct);
}

Status Job::Setup() {
  clock_ = env_.clock ? env_.clock : RealClock();
  rng_.seed(env_.seed ? env_.seed : static_cast<std::uint64_t>(clock_->NowMs()));
  current_year_ = std::atoi(IsoUtc(clock_->UnixSeconds()).substr(0, 4).c_str());
  if (config_.sources.empty()) {
    return Status::Usage(
        "no sources configured" + (config_.path.empty() ? std::string() : " in " + config_.path),
        "add a [[sources]] table with a name and start_urls to the config");
  }
  std::vector<const SourceConfig*> chosen;
  for (const auto& name : request_.sources) {
    const SourceConfig* s = config_.FindSource(name);
    if (!s) {
      std::string names;
      for (const auto& c : config_.sources) names += (names.empty() ? "" : ", ") + c.name;
      return Status::Usage("unknown source '" + name + "'", "configured sources: " + names);
    }
    if (std::find(chosen.begin(), chosen.end(), s) == chosen.end()) chosen.push_back(s);
  }
  if (chosen.empty()) {
    for (const auto& s : config_.sources) chosen.push_back(&s);
  }
  for (const SourceConfig* s : chosen) {
    auto scope = SourceScope::Build(*s);
    if (!scope.ok()) return Status::Usage("source " + s->name + ": " + scope.status().message());
    SourceRun run;
    run.config = s;
    run.scope = std::move(scope.value());
    run.delay_ms = s->per_host_delay_ms >= 0 ? s->per_host_delay_ms : opts_.per_host_delay_ms;
    run.verify_tls = s->verify_tls >= 0 ? s->verify_tls != 0 : opts_.verify_tls;
    sources_.push_back(std::move(run));
    summary_.per_source[s->name] = CrawlCounters{};
  }
  auto state = Catalogue::Open(request_.data_dir + "/state.sqlite");
  if (!state.ok()) return state.status();
  state_ = std::move(state.value());
  archive_dir_ = request_.data_dir + "/archive";
  RecordOptions record_options;
  record_options.max_body_bytes = static_cast<std::size_t>(opts_.max_page_bytes);
  auto converter = RecordConverter::Create(config_, record_options);
  if (!converter.ok()) return converter.status();
  converter_.emplace(std::move(converter.value()));
  if (env_.warc) {
    warc_ = env_.warc;
  } else {
    WarcWriterOptions wo;
    wo.dir = archive_dir_;
    wo.max_file_bytes =
        static_cast<std::uint64_t>(std::max<std::int64_t>(opts_.warc_max_bytes, 1 << 20));
    auto w = WarcWriter::Open(wo);
    if (!w.ok()) return w.status();
    own_warc_ = std::move(w.value());
    warc_ = own_warc_.get();
  }
  if (env_.http) {
    http_ = env_.http;
  } else {
    CurlClientOptions co;
    co.max_connections = opts_.max_connections;
    own_http_ = NewCurlHttpClient(co);
    http_ = own_http_.get();
  }
  Status st = state_->MarkInterruptedRuns();
  if (!st.ok()) return st;
  start_ms_ = clock_->NowMs();
  summary_.started_at = NowIso();
  auto run_id = state_->StartRun(summary_.started_at);
  if (!run_id.ok()) return run_id.status();
  summary_.run_id = *run_id;
  return Status::Ok();
}

// Anything archived but not yet committed to the index goes to the sink again.
Status Job::Replay() {
  if (!sink_) return Status::Ok();
  std::vector<ReplayRow> rows = state_->Unindexed();
  if (rows.empty()) return Status::Ok();
  log::Info("crawler",
            "replaying " + std::to_string(rows.size()) + " archived articles into the index");
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const ReplayRow& row = rows[i];
    int source = -1;
    for (std::size_t s = 0; s < sources_.size(); ++s) {
      if (sources_[s].config->name == row.source) source = static_cast<int>(s);
    }
    auto rec = ReadWarcRecordAt(archive_dir_ + "/" + row.warc_file, row.warc_offset);
    if (rec.ok()) {
      std::optional<Article> article = converter_->Convert(*rec, row.source);
      if (article && article->kind == PageKind::kArticle) {
        auto added =
            sink_->Add(*article, ArchiveLocation{row.warc_file, row.warc_offset}, row.fetched_at);
        if (!added.ok()) return added.status();
        if (*added) Count(source, &CrawlCounters::indexed);
      }
    } else {
      log::Warn("crawler", "cannot replay " + row.url + ": " + rec.status().message());
    }
    ids.push_back(row.id);
    if (ids.size() >= kIndexBatch || i + 1 == rows.size()) {
      Status st = sink_->Commit();
      if (!st.ok()) return st;
      if (!(st = state_->Begin()).ok()) return st;
      if (!(st = state_->MarkIndexed(ids)).ok()) return st;
      if (!(st = state_->Commit()).ok()) return st;
      ids.clear();
    }
  }
  return Status::Ok();
}

void Job::EnsureTxn() {
  if (txn_open_) return;
  Status st = state_->Begin();
  if (!st.ok()) {
    SetFatal(st);
    return;
  }
  txn_open_ = true;
  txn_rows_ = 0;
}

// WARC flushed → state committed → sink (index committed in batches).
void Job::Flush(bool force) {
  std::int64_t now = clock_->NowMs();
  if (!force && txn_rows_ < kStateBatch && now - last_flush_ms_ < kStateBatchMs) return;
  last_flush_ms_ = now;
  if (txn_open_) {
    Status st = warc_->Flush();
    if (!st.ok()) return SetFatal(st);
    st = state_->Commit();
    txn_open_ = false;
    if (!st.ok()) return SetFatal(st);
  }
  if (!sink_) {
    pending_.clear();
    return;
  }
  if (!pending_.empty() || force) {
    if (!indexer_) indexer_ = std::make_unique<IndexWorker>(sink_, kIndexBatch);
    indexer_->Submit(std::move(pending_), force);
    pending_.clear();
  }
  TakeIndexed(force);
}

// Counts what the index worker added and marks what it committed.
void Job::TakeIndexed(bool wait) {
  if (!indexer_) return;
  for (IndexWorker::Done& d : indexer_->Take(wait)) {
    for (const auto& [source, n] : d.indexed) Count(source, &CrawlCounters::indexed, n);
    if (!d.status.ok()) return SetFatal(d.status);
    if (d.committed.empty()) continue;
    EnsureTxn();
    if (!fatal_.ok()) return;
    Status st = state_->MarkIndexed(d.committed);
    if (!st.ok()) return SetFatal(st);
  }
  if (wait && txn_open_) {
    Status st = state_->Commit();
    txn_open_ = false;
    if (!st.ok()) SetFatal(st);
  }
}

Origin& Job::GetOrigin(const std::string& url, int source) {
  std::string name = UrlOrigin(url);
  auto it = origins_.find(name);
  if (it != origins_.end()) return *it->second;
  auto owned = std::make_unique<Origin>();
  Origin& o = *owned;
  o.name = name;
  o.source = source;
  o.delay_ms = sources_[source].delay_ms;
  o.verify_tls = sources_[source].verify_tls;
  origins_.emplace(name, std::move(owned));
  origin_list_.push_back(&o);
  if (!opts_.respect_robots) {
    o.robots_ready = true;
    return o;
  }
  int status = 0;
  std::string body;
  if (state_->LoadRobots(name, IsoUtc(clock_->UnixSeconds() - 86400), &status, &body)) {
    UseRobots(o, status, body, false);
    return o;
  }
  Item robots;
  robots.url = name + "/robots.txt";
  robots.kind = Kind::kRobots;
  robots.priority = kPrioRobots;
  robots.source = source;
  robots.seq = ++seq_;
  o.queue.push(std::move(robots));
  return o;
}

// Applies a robots.txt outcome: 2xx body, 4xx (allow all), or 0/5xx (disallow all).
void Job::UseRobots(Origin& o, int status, const std::string& body, bool cache) {
  if (status >= 200 && status < 300) {
    o.rules = RobotsRules::Parse(body, opts_.user_agent);
  } else if (status >= 400 && status < 500) {
    o.rules = RobotsRules::AllowAll();
  } else {
    o.rules = RobotsRules::DisallowAll();
    log::Warn("crawler",
              o.name + "/robots.txt is unreachable: nothing on this host is fetched in this run");
  }
  if (cache && status >= 200 && status < 500) {
    EnsureTxn();
    Status st = state_->SaveRobots(o.name, status, status < 300 ? body : "", NowIso());
    if (!st.ok()) SetFatal(st);
  }
  o.robots_ready = true;
  int delay = o.rules.crawl_delay_ms();
  o.robots_delay_ms = delay < 0 ? 0 : std::min(delay, opts_.max_crawl_delay_s * 1000);
  for (const auto& sm : o.rules.sitemaps()) {
    std::string url = NormalizeUrl(sm);
    if (url.empty() || seen_.count(url)) continue;
    if (UrlOrigin(url) != o.name && !sources_[o.source].scope.InScope(url)) continue;
    Enqueue(url, o.source, 0, Kind::kSitemap, kPrioFeed, true);
  }
}

bool Job::Enqueue(const std::string& url, int source, int depth, Kind kind, int priority,
                  bool probe) {
  SourceRun& src = sources_[source];
  if (src.enqueued >= opts_.max_pages_per_source) return false;
  ++src.enqueued;
  seen_.insert(url);
  EnsureTxn();
  Status st = state_->Enqueue(url, src.config->name, depth, KindName(kind), NowIso());
  if (!st.ok()) SetFatal(st);
  ++txn_rows_;
  Item item;
  item.url = url;
  item.source = source;
  item.depth = depth;
  item.kind = kind;
  item.priority = priority;
  item.probe = probe;
  item.seq = ++seq_;
  GetOrigin(url, source).queue.push(std::move(item));
  return true;
}

void Job::Seed() {
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    int s = static_cast<int>(i);
    const SourceConfig& cfg = *sources_[i].config;
    for (const auto& u : cfg.start_urls) {
      std::string url = NormalizeUrl(u);
      if (url.empty()) {
        log::Warn(cfg.name, "start URL is not an http(s) URL: " + u);
      } else if (!seen_.count(url)) {
        Enqueue(url, s, 0, Kind::kSeed, kPrioSeed);
      }
    }
    for (const auto& u : cfg.feeds) {
      std::string url = NormalizeUrl(u);
      if (!url.empty() && !seen_.count(url)) Enqueue(url, s, 0, Kind::kFeed, kPrioFeed);
    }
    for (const auto& origin : sources_[i].scope.start_origins()) {
      std::string url = origin + "/sitemap.xml";
      if (!seen_.count(url)) Enqueue(url, s, 0, Kind::kSitemap, kPrioFeed, true);
    }
    for (const PageState& p : state_->Pending(cfg.name)) {
      if (seen_.count(p.url)) continue;
      Kind kind = KindFromName(p.kind);
      Enqueue(p.url, s, p.depth, kind, kind == Kind::kArticle ? kPrioNew : kPrioPending);
    }
    std::string before =
        IsoUtc(clock_->UnixSeconds() - std::int64_t{opts_.revisit_after_hours} * 3600);
    std::string since;
    if (opts_.revisit_max_age_days > 0) {
      since = IsoUtc(clock_->UnixSeconds() - std::int64_t{opts_.revisit_max_age_days} * 86400)
                  .substr(0, 10);
    }
    for (const PageState& p : state_->DueRevisits(cfg.name, before, since)) {
      if (!seen_.count(p.url)) Enqueue(p.url, s, p.depth, Kind::kArticle, kPrioRevisit);
    }
  }
}

std::int64_t Job::NextWake(std::int64_t now) const {
  std::int64_t wake = now + 200;
  for (const Origin* o : origin_list_) {
    if (o->busy || !o->HasWork()) continue;
    std::int64_t ready = wake;
    if (!o->queue.empty()) ready = now;
    for (const Item& d : o->delayed) ready = std::min(ready, d.not_before);
    wake = std::min(wake, std::max(o->next_at, ready));
  }
  return wake;
}

void Job::LaunchReady() {
  if (stop_ || origin_list_.empty()) return;
  std::int64_t now = clock_->NowMs();
  std::size_t n = origin_list_.size();
  std::size_t max_conn = static_cast<std::size_t>(std::max(1, opts_.max_connections));
  for (std::size_t k = 0; k < n && http_->InFlight() < max_conn && !stop_; ++k) {
    Origin& o = *origin_list_[(rr_ + k) % n];
    if (o.busy || o.next_at > now || !o.HasWork()) continue;
    for (auto it = o.delayed.begin(); it != o.delayed.end();) {
      if (it->not_before <= now) {
        o.queue.push(std::move(*it));
        it = o.delayed.erase(it);
      } else {
        ++it;
      }
    }
    while (!o.queue.empty()) {
      if (!o.robots_ready && o.queue.top().kind != Kind::kRobots) break;
      Item item = o.queue.top();
      o.queue.pop();
      if (item.kind != Kind::kRobots) {
        if (!o.rules.Allowed(UrlPathAndQuery(item.url))) {
          Count(item.source, &CrawlCounters::robots_denied);
          EnsureTxn();
          Status st = state_->SetStatus(item.url, "denied", "robots.txt");
          if (!st.ok()) SetFatal(st);
          log::Info(sources_[item.source].config->name, "robots.txt denies " + item.url);
          continue;
        }
        if (!item.counted && item.hops == 0) {
          if (request_.max_pages > 0 && launched_pages_ >= request_.max_pages) {
            stop_ = true;  // the rest stays queued in the state for the next run
            break;
          }
          ++launched_pages_;
          item.counted = true;
        }
      }
      Launch(o, std::move(item));
      break;
    }
  }
  ++rr_;
}

void Job::Launch(Origin& o, Item item) {
  FetchRequest req;
  req.id = ++next_id_;
  req.url = item.url;
  req.user_agent = opts_.user_agent;
  req.max_body_bytes = item.kind == Kind::kRobots
                           ? std::min<std::int64_t>(opts_.max_page_bytes, 512000)
                           : opts_.max_page_bytes;
  req.timeout_s = opts_.timeout_s;
  req.connect_timeout_s = opts_.connect_timeout_s;
  req.verify_tls = o.verify_tls;
  if (item.kind != Kind::kRobots) {
    PageState prev;
    if (state_->Lookup(item.url, &prev) && prev.response_id > 0) {
      if (!prev.etag.empty()) req.headers.emplace_back("If-None-Match", prev.etag);
      if (!prev.last_modified.empty())
        req.headers.emplace_back("If-Modified-Since", prev.last_modified);
    }
  }
  o.busy = true;
  Flight f;
  f.origin = &o;
  f.fetched_at = NowIso();
  f.item = std::move(item);
  flights_.emplace(req.id, std::move(f));
  http_->Start(std::move(req));
}

HttpExchange Job::MakeExchange(const Flight& f, const FetchResponse& r, bool truncated) const {
  HttpExchange ex;
  ex.url = f.item.url;
  ex.request_headers = r.request_headers;
  if (ex.request_headers.empty()) {
    std::string host = f.origin->name.substr(f.origin->name.find("://") + 3);
    ex.request_headers = "GET " + UrlPathAndQuery(f.item.url) + " HTTP/1.1\r\nHost: " + host +
                         "\r\nUser-Agent: " + opts_.user_agent + "\r\n\r\n";
  }
  ex.ip = r.ip;
  ex.fetch_time = f.fetched_at;
  ex.status = r.status;
  ex.status_line = r.status_line.empty() ? "HTTP/1.1 " + std::to_string(r.status) : r.status_line;
  ex.response_headers = StoredHeaders(r, truncated);
  ex.body = r.body;
  ex.truncated = truncated;
  ex.source = sources_[f.item.source].config->name;  // so that reindex needs no config
  return ex;
}

bool Job::Archive(Flight& f, const FetchResponse& r, bool truncated, ArchiveLocation* loc) {
  auto written = warc_->WriteExchange(MakeExchange(f, r, truncated));
  if (!written.ok()) {
    SetFatal(Status::Runtime("writing the archive: " + written.status().message()));
    return false;
  }
  *loc = *written;
  EnsureTxn();
  return true;
}

void Job::Fail(Flight& f, const std::string& reason, int status, const ArchiveLocation* loc) {
  FetchRow row;
  row.run_id = summary_.run_id;
  row.url = f.item.url;
  row.source = sources_[f.item.source].config->name;
  row.status = status;
  row.fetched_at = f.fetched_at;
  row.error = reason;
  row.attempts = f.item.attempts + 1;
  row.indexed = true;
  if (loc) {
    row.warc_file = loc->file;
    row.warc_offset = loc->offset;
    row.warc_date = f.fetched_at;
  }
  EnsureTxn();
  auto id = state_->RecordFetch(row, "failed", false, f.fetched_at);
  if (!id.ok()) SetFatal(id.status());
  ++txn_rows_;
  Count(f.item.source, &CrawlCounters::failed);
  if (summary_.failures.size() < kMaxFailuresListed)
    summary_.failures.push_back(f.item.url + ": " + reason);
  log::Info(row.source, "failed " + f.item.url + ": " + reason);
}

void Job::RecordDone(Flight& f, int status, const ArchiveLocation* loc,
                     const std::string& page_kind) {
  FetchRow row;
  row.run_id = summary_.run_id;
  row.url = f.item.url;
  row.source = sources_[f.item.source].config->name;
  row.status = status;
  row.fetched_at = f.fetched_at;
  row.page_kind = page_kind;
  row.indexed = true;
  row.attempts = f.item.attempts + 1;
  if (loc) {
    row.warc_file = loc->file;
    row.warc_offset = loc->offset;
    row.warc_date = f.fetched_at;
  }
  EnsureTxn();
  auto id = state_->RecordFetch(row, "done", false, f.fetched_at);
  if (!id.ok()) SetFatal(id.status());
  ++txn_rows_;
}

std::int64_t Job::Backoff(int attempts) {
  std::int64_t base = env_.base_backoff_ms << std::min(attempts, 10);
  base = std::min<std::int64_t>(base, 60000);
  std::uniform_real_distribution<double> jitter(0.75, 1.25);
  return static_cast<std::int64_t>(static_cast<double>(base) * jitter(rng_));
}

bool Job::Retryable(const FetchResponse& r) const {
  if (r.error == FetchError::kTimeout || r.error == FetchError::kReset ||
      r.error == FetchError::kConnect) {
    return true;
  }
  return r.error == FetchError::kNone && (r.status == 429 || r.status >= 500);
}

void Job::Retry(Flight& f, std::int64_t delay_ms) {
  Item item = std::move(f.item);
  ++item.attempts;
  item.not_before = clock_->NowMs() + delay_ms;
  f.origin->delayed.push_back(std::move(item));
}

// Frees the origin for its next request as soon as a response is in, so
// that fetching the next page overlaps processing this one. Not after a
// robots.txt (its rules decide what may come next) nor a 429/503 (Retry-After).
void Job::Release(const FetchResponse& r) {
  auto it = flights_.find(r.id);
  if (it == flights_.end()) return;
  Flight& f = it->second;
  if (f.item.kind == Kind::kRobots || r.status == 429 || r.status == 503) return;
  f.released = true;
  f.origin->busy = false;
  f.origin->next_at = clock_->NowMs() + f.origin->Gap();
}

void Job::OnResponse(FetchResponse& r) {
  auto it = flights_.find(r.id);
  if (it == flights_.end()) return;
  Flight f = std::move(it->second);
  flights_.erase(it);
  Origin& o = *f.origin;
  std::int64_t now = clock_->NowMs();
  if (!f.released) {
    o.busy = false;
    o.next_at = now + o.Gap();
  }
  const std::string& src_name = sources_[f.item.source].config->name;
  if (r.status > 0) {
    Count(f.item.source, &CrawlCounters::fetched);
    Count(f.item.source, &CrawlCounters::bytes, static_cast<std::int64_t>(r.body.size()));
  }
  if (r.error == FetchError::kNone) {
    log::Info(src_name, std::to_string(r.status) + " " + f.item.url + " (" +
                            std::to_string(r.body.size()) + " bytes)");
  } else {
    log::Info(src_name,
              std::string(FetchErrorName(r.error)) + " " + f.item.url + ": " + r.error_message);
  }
  if (f.item.kind == Kind::kRobots) {
    OnRobots(f, r);
    o.next_at = std::max(o.next_at, now + o.Gap());  // Crawl-delay applies from now on
    return;
  }

  // 429 / 503 ask the host to slow down; other answers let it recover.
  if (r.error == FetchError::kNone && (r.status == 429 || r.status == 503)) {
    o.slow_ms = std::min(std::max(o.slow_ms * 2, 1000), opts_.max_crawl_delay_s * 1000);
  } else if (r.status > 0 && o.slow_ms > 0) {
    o.slow_ms = o.slow_ms >= 100 ? o.slow_ms / 2 : 0;
  }
  if (r.error == FetchError::kTooLarge) {
    ArchiveLocation loc;
    bool archived = r.status > 0 && Archive(f, r, true, &loc);
    return Fail(f, "too large (over max_page_bytes)", r.status, archived ? &loc : nullptr);
  }
  if (r.error != FetchError::kNone) {
    if (Retryable(r) && f.item.attempts < opts_.max_retries)
      return Retry(f, Backoff(f.item.attempts));
    return Fail(f,
                std::string(FetchErrorName(r.error)) +
                    (r.error_message.empty() ? "" : " (" + r.error_message + ")"),
                0, nullptr);
  }
  int s = r.status;
  if (s >= 300 && s < 400 && s != 304 && !FindHeader(r.headers, "Location").empty()) {
    return OnRedirect(f, r);
  }
  if (s == 304) return OnNotModified(f, r);
  ArchiveLocation loc;
  if (!Archive(f, r, false, &loc)) return;
  if (s >= 200 && s < 300) return OnOk(f, r, loc);
  if (Retryable(r)) {
    std::int64_t delay = Backoff(f.item.attempts);
    std::int64_t after =
        ParseRetryAfterMs(FindHeader(r.headers, "Retry-After"), clock_->UnixSeconds());
    if (after > env_.max_retry_after_ms) {
      o.next_at = std::max(o.next_at, now + env_.max_retry_after_ms);
      return Fail(f, "HTTP " + std::to_string(s) + " with Retry-After too long", s, &loc);
    }
    if (after >= 0) {
      delay = std::max(delay, after);
      o.next_at = std::max(o.next_at, now + after);
    }
    if (f.item.attempts < opts_.max_retries) return Retry(f, delay);
    return Fail(f, "HTTP " + std::to_string(s), s, &loc);
  }
  if (f.item.probe) return RecordDone(f, s, &loc, "");
  return Fail(f, "HTTP " + std::to_string(s), s, &loc);
}

void Job::OnRobots(Flight& f, FetchResponse& r) {
  Origin& o = *f.origin;
  ArchiveLocation loc;
  if (r.status > 0 && !Archive(f, r, r.error == FetchError::kTooLarge, &loc)) return;
  int s = r.status;
  if (r.error == FetchError::kNone && s >= 300 && s < 400) {
    std::string target = ResolveUrl(f.item.url, FindHeader(r.headers, "Location"));
    // RFC 9309 2.3.1.2: at least five redirects are followed, across hosts
    // too (http -> https, example.org -> www.example.org are common); what
    // the last one gives is this origin's robots.txt. The hops go out under
    // this origin's pacing. Beyond five, or a loop: unavailable (4xx), no rules.
    if (!target.empty() && f.item.hops < kMaxRedirects && target != f.item.url &&
        target != f.item.first_url) {
      Item next = f.item;
      if (next.first_url.empty()) next.first_url = f.item.url;
      next.url = target;
      next.hops++;
      next.seq = ++seq_;
      o.queue.push(std::move(next));
      return;
    }
    return UseRobots(o, 404, "", false);
  }
  if (r.error == FetchError::kTooLarge) return UseRobots(o, 200, r.body, false);  // first 500 KiB
  if (Retryable(r) && f.item.attempts < opts_.max_retries) {
    std::int64_t delay = Backoff(f.item.attempts);
    std::int64_t after =
        ParseRetryAfterMs(FindHeader(r.headers, "Retry-After"), clock_->UnixSeconds());
    if (after >= 0 && after <= env_.max_retry_after_ms) delay = std::max(delay, after);
    return Retry(f, delay);
  }
  if (r.error != FetchError::kNone || s == 429 || s >= 500 || s < 200)
    return UseRobots(o, 0, "", false);
  UseRobots(o, s, r.body, true);
}

void Job::OnRedirect(Flight& f, FetchResponse& r) {
  ArchiveLocation loc;
  if (!Archive(f, r, false, &loc)) return;
  const Item& item = f.item;
  std::string target = ResolveUrl(item.url, FindHeader(r.headers, "Location"));
  const std::string& first = item.first_url.empty() ? item.url : item.first_url;
  if (target.empty()) return Fail(f, "redirect to an unusable Location", r.status, &loc);
  if (item.hops + 1 > kMaxRedirects) return Fail(f, "too many redirects", r.status, &loc);
  if (target == item.url || target == first) return Fail(f, "redirect loop", r.status, &loc);
  // A loop whose other end was reached on its own (both URLs linked): the
  // redirects seen in this run lead from the target back here.
  std::string hop = target;
  for (int i = 0; i <= kMaxRedirects; ++i) {
    auto next = redirects_.find(hop);
    if (next == redirects_.end()) break;
    hop = next->second;
    if (hop == item.url || hop == first) {
      return Fail(f, "redirect loop (through " + target + ")", r.status, &loc);
    }
  }
  if (redirects_.size() < kMaxRememberedRedirects) redirects_[item.url] = target;
  RecordDone(f, r.status, &loc, "redirect");
  Status st = state_->SetKind(item.url, "redirect");
  if (!st.ok()) SetFatal(st);
  SourceRun& src = sources_[item.source];
  if (seen_.count(target)) return;
  if (!src.scope.InScope(target)) {
    seen_.insert(target);
    Count(item.source, &CrawlCounters::out_of_scope);
    log::Info(src.config->name,
              "redirect out of scope, not followed: " + item.url + " -> " + target);
    return;
  }
  if (std::string trap = TrapReason(target, current_year_); !trap.empty()) {
    seen_.insert(target);
    log::Info(src.config->name, "redirect to a likely trap (" + trap + "): " + target);
    return;
  }
  seen_.insert(target);
  EnsureTxn();
  Kind kind =
      item.kind == Kind::kPage && src.scope.IsArticleUrl(target) ? Kind::kArticle : item.kind;
  st = state_->Enqueue(target, src.config->name, item.depth, KindName(kind), NowIso());
  if (!st.ok()) SetFatal(st);
  Item next;
  next.url = target;
  next.first_url = first;
  next.source = item.source;
  next.depth = item.depth;
  next.kind = kind;
  next.priority = item.priority;
  next.hops = item.hops + 1;
  next.probe = item.probe;
  next.counted = true;
  next.seq = ++seq_;
  GetOrigin(target, item.source).queue.push(std::move(next));
}

void Job::OnNotModified(Flight& f, FetchResponse& r) {
  PageState prev;
  bool known = state_->Lookup(f.item.url, &prev) && prev.response_id > 0;
  std::string record_id;
  if (known) {
    auto rec = ReadWarcRecordAt(archive_dir_ + "/" + prev.warc_file, prev.warc_offset);
    if (rec.ok()) record_id = rec->RecordId();
  }
  auto written =
      warc_->WriteRevisit(MakeExchange(f, r, false), known ? prev.warc_date : "", record_id);
  if (!written.ok())
    return SetFatal(Status::Runtime("writing the archive: " + written.status().message()));
  FetchRow row;
  row.run_id = summary_.run_id;
  row.url = f.item.url;
  row.source = sources_[f.item.source].config->name;
  row.status = 304;
  row.etag = FindHeader(r.headers, "ETag");
  row.last_modified = FindHeader(r.headers, "Last-Modified");
  row.payload_digest = prev.payload_digest;
  row.content_digest = prev.content_digest;
  row.warc_file = written->file;
  row.warc_offset = written->offset;
  row.warc_date = f.fetched_at;
  row.fetched_at = f.fetched_at;
  row.published = prev.published;
  row.canonical = prev.canonical;
  row.page_kind = "revisit";
  row.indexed = true;
  row.attempts = f.item.attempts + 1;
  EnsureTxn();
  bool article = prev.kind == "article";
  auto id = state_->RecordFetch(row, "done", false, article ? ArticleNextFetch() : f.fetched_at);
  if (!id.ok()) SetFatal(id.status());
  ++txn_rows_;
  if (article) Count(f.item.source, &CrawlCounters::unchanged);
}

void Job::OnOk(Flight& f, FetchResponse& r, const ArchiveLocation& loc) {
  std::string ct = FindHeader(r.headers, "Content-Type");
  if (LooksLikeFeed(f.item.kind, ct, r.body)) {
    FeedDocument doc = ParseFeed(r.body, f.item.url);
    if (doc.kind != FeedKind::kNone || f.item.kind == Kind::kFeed ||
        f.item.kind == Kind::kSitemap) {
      return OnFeed(f, r, loc, doc);
    }
  }
  if (!LooksLikeHtml(ct, r.body)) return RecordDone(f, r.status, &loc, "other");
  Article article = ExtractArticle(r.body, OptionsFor(f.item.source, f.item.url, ct));
  article.source = sources_[f.item.source].config->name;
  switch (article.kind) {
    case PageKind::kChallenge:
      return Fail(f, "challenge page (anti-bot interstitial)", r.status, &loc);
    case PageKind::kNotFound:
      if (f.item.probe) return RecordDone(f, r.status, &loc, "not_found");
      return Fail(f, "not found (soft 404)", r.status, &loc);
    case PageKind::kArticle:
      return OnArticle(f, r, loc, std::move(article));
    default:
      break;
  }
  FetchRow row;
  row.run_id = summary_.run_id;
  row.url = f.item.url;
  row.source = article.source;
  row.status = r.status;
  row.etag = FindHeader(r.headers, "ETag");
  row.last_modified = FindHeader(r.headers, "Last-Modified");
  row.payload_digest = WarcSha1(r.body);
  row.warc_file = loc.file;
  row.warc_offset = loc.offset;
  row.warc_date = f.fetched_at;
  row.fetched_at = f.fetched_at;
  row.canonical = article.canonical_url;
  row.page_kind = PageKindName(article.kind);
  row.indexed = true;
  row.attempts = f.item.attempts + 1;
  EnsureTxn();
  auto id = state_->RecordFetch(row, "done", true, f.fetched_at);
  if (!id.ok()) SetFatal(id.status());
  ++txn_rows_;
  if (f.item.kind == Kind::kPage || f.item.kind == Kind::kArticle ||
      f.item.kind == Kind::kListing) {
    Status st =
        state_->SetKind(f.item.url, article.kind == PageKind::kListing ? "listing" : "page");
    if (!st.ok()) SetFatal(st);
  }
  std::vector<std::string> links = article.links;
  FollowLinks(f.item, links, true);
  for (const auto& feed : article.feed_links) {
    std::string url = NormalizeUrl(feed);
    if (!url.empty() && !seen_.count(url) && sources_[f.item.source].scope.InScope(url)) {
      Enqueue(url, f.item.source, f.item.depth + 1, Kind::kFeed, kPrioFeed);
    }
  }
}

void Job::OnArticle(Flight& f, FetchResponse& r, const ArchiveLocation& loc, Article article) {
  std::string payload = WarcSha1(r.body);
  std::string content = WarcSha1(article.title + "\n" + article.published + "\n" + article.text);
  PageState prev;
  bool has_prev = state_->Lookup(f.item.url, &prev) && prev.response_id > 0;
  bool unchanged = has_prev && (prev.payload_digest == payload ||
                                (!prev.content_digest.empty() && prev.content_digest == content));
  bool updated = !unchanged && has_prev && prev.kind == "article";
  bool alias = !unchanged && !updated && state_->CanonicalKnown(article.canonical_url, f.item.url);
  FetchRow row;
  row.run_id = summary_.run_id;
  row.url = f.item.url;
  row.source = article.source;
  row.status = r.status;
  row.etag = FindHeader(r.headers, "ETag");
  row.last_modified = FindHeader(r.headers, "Last-Modified");
  row.payload_digest = payload;
  row.content_digest = content;
  row.warc_file = loc.file;
  row.warc_offset = loc.offset;
  row.warc_date = f.fetched_at;
  row.fetched_at = f.fetched_at;
  row.published = article.published;
  row.canonical = article.canonical_url;
  row.page_kind = "article";
  row.indexed = unchanged || alias || !sink_;
  row.attempts = f.item.attempts + 1;
  EnsureTxn();
  auto id = state_->RecordFetch(row, "done", true, ArticleNextFetch());
  if (!id.ok()) return SetFatal(id.status());
  ++txn_rows_;
  Status st = state_->SetKind(f.item.url, "article");
  if (!st.ok()) SetFatal(st);
  if (unchanged) {
    Count(f.item.source, &CrawlCounters::unchanged);
  } else {
    if (updated) {
      Count(f.item.source, &CrawlCounters::updated);
    } else if (!alias) {
      Count(f.item.source, &CrawlCounters::new_articles);
    }
    // An alias of an archived article (same canonical URL) adds no document.
    if (sink_ && !alias) {
      pending_.push_back(PendingArticle{article, loc, f.fetched_at, *id, f.item.source});
    }
  }
  FollowLinks(f.item, article.links, false);
}

void Job::OnFeed(Flight& f, FetchResponse& r, const ArchiveLocation& loc, const FeedDocument& doc) {
  FetchRow row;
  row.run_id = summary_.run_id;
  row.url = f.item.url;
  row.source = sources_[f.item.source].config->name;
  row.status = r.status;
  row.etag = FindHeader(r.headers, "ETag");
  row.last_modified = FindHeader(r.headers, "Last-Modified");
  row.payload_digest = WarcSha1(r.body);
  row.warc_file = loc.file;
  row.warc_offset = loc.offset;
  row.warc_date = f.fetched_at;
  row.fetched_at = f.fetched_at;
  row.page_kind = doc.kind == FeedKind::kRss || doc.kind == FeedKind::kAtom ? "feed" : "sitemap";
  row.indexed = true;
  row.attempts = f.item.attempts + 1;
  EnsureTxn();
  auto id = state_->RecordFetch(row, "done", true, f.fetched_at);
  if (!id.ok()) SetFatal(id.status());
  ++txn_rows_;
  const SourceRun& src = sources_[f.item.source];
  std::vector<std::string> links;
  for (const FeedEntry& e : doc.entries) {
    std::string url = NormalizeUrl(e.url);
    if (url.empty()) continue;
    if (e.is_sitemap) {
      if (seen_.count(url)) continue;
      if (!src.scope.InScope(url) && UrlOrigin(url) != UrlOrigin(f.item.url)) {
        seen_.insert(url);
        Count(f.item.source, &CrawlCounters::out_of_scope);
        continue;
      }
      if (f.item.depth + 1 <= opts_.max_depth) {
        Enqueue(url, f.item.source, f.item.depth + 1, Kind::kSitemap, kPrioFeed);
      }
      continue;
    }
    links.push_back(url);
    for (const auto& alt : e.alternates) links.push_back(NormalizeUrl(alt.second));
  }
  FollowLinks(f.item, links, false);
}

// New URLs are queued; known articles wait for their revisit; known
// listings are fetched again only when this page brought new articles (so
// paging stops at the first page with nothing new).
void Job::FollowLinks(const Item& from, const std::vector<std::string>& links, bool paging) {
  const SourceRun& src = sources_[from.source];
  int depth = from.depth + 1;
  if (depth > opts_.max_depth) return;
  int new_articles = 0;
  std::vector<std::string> new_other;
  std::vector<std::string> known_listings;
  std::unordered_set<std::string> local;
  for (const std::string& url : links) {
    if (url.empty() || seen_.count(url) || !local.insert(url).second) continue;
    if (!src.scope.InScope(url)) {
      seen_.insert(url);
      Count(from.source, &CrawlCounters::out_of_scope);
      continue;
    }
    if (!TrapReason(url, current_year_).empty() || TooManyQueryVariants(url)) {
      seen_.insert(url);
      continue;
    }
    PageState known;
    if (state_->Lookup(url, &known) && known.status != "denied") {
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
      if (!seen_.count(url)) Enqueue(url, from.source, depth, Kind::kPage, kPrioNew);
    }
  }
  if (paging && new_articles > 0) {
    // Only the next page: the first known listing not yet seen in this run
    // (pagers link to many pages; older ones are reached one by one while
    // each page still brings something new).
    for (const auto& url : known_listings) {
      if (!seen_.count(url)) {
        Enqueue(url, from.source, depth, Kind::kListing, kPrioListing);
        break;
      }
    }
  }
}

// One path with ever new query strings (filters, sort orders, session
// parameters, calendars) is a trap; its first variants are still crawled.
bool Job::TooManyQueryVariants(const std::string& url) {
  std::size_t q = url.find('?');
  if (q == std::string::npos) return false;
  return ++query_variants_[url.substr(0, q)] > kMaxQueryVariantsPerPath;
}

void Job::Progress(bool final) {
  if (!request_.progress) return;
  std::int64_t now = clock_->NowMs();
  if (!final && now - last_progress_ms_ < 500) return;
  last_progress_ms_ = now;
  std::size_t queued = 0;
  for (const Origin* o : origin_list_) queued += o->queue.size() + o->delayed.size();
  double secs = std::max<double>(1e-3, static_cast<double>(now - start_ms_) / 1000.0);
  std::fprintf(stderr, "\rcrawl: %lld pages, %.1f/s, queue %zu, errors %lld   ",
               static_cast<long long>(summary_.total.fetched),
               static_cast<double>(summary_.total.fetched) / secs, queued,
               static_cast<long long>(summary_.total.failed));
  if (final) std::fprintf(stderr, "\n");
  std::fflush(stderr);
  progress_shown_ = true;
}

void Job::Loop() {
  std::size_t max_conn = static_cast<std::size_t>(std::max(1, opts_.max_connections));
  while (fatal_.ok()) {
    if (request_.stop != nullptr && request_.stop->load() && !summary_.stopped) {
      summary_.stopped = true;
      stop_ = true;
      log::Info("crawler", "stopping: finishing the " + std::to_string(http_->InFlight()) +
                               " requests in flight; the next run resumes");
    }
    LaunchReady();
    std::size_t inflight = http_->InFlight();
    bool work = false;
    for (const Origin* o : origin_list_) work = work || o->HasWork();
    if (inflight == 0 && (!work || stop_)) break;
    std::int64_t now = clock_->NowMs();
    std::int64_t wait =
        inflight >= max_conn || stop_ ? 200 : std::clamp<std::int64_t>(NextWake(now) - now, 1, 200);
    if (inflight > 0) {
      std::vector<FetchResponse> done = http_->Wait(wait);
      for (const auto& r : done) Release(r);
      if (!done.empty()) LaunchReady();
      for (auto& r : done) {
        OnResponse(r);
        if (!fatal_.ok()) break;
      }
    } else {
      clock_->SleepMs(wait);
    }
    Flush(false);
    Progress(false);
  }
}

Result<CrawlSummary> Job::Run() {
  Status st = Setup();
  if (!st.ok()) return st;
  st = Replay();
  if (!st.ok()) return st;
  Seed();
  Loop();
  // Drain: whatever is in flight after a fatal error is dropped (not recorded).
  if (fatal_.ok()) Flush(true);
  if (fatal_.ok() && txn_open_) {
    st = state_->Commit();
    txn_open_ = false;
    if (!st.ok()) SetFatal(st);
  }
  summary_.seconds = static_cast<double>(clock_->NowMs() - start_ms_) / 1000.0;
  summary_.finished_at = NowIso();
  Progress(true);
  if (txn_open_) {
    // A fatal error: keep what was archived and recorded so far.
    Status w = warc_->Flush();
    if (w.ok()) (void)state_->Commit();
    txn_open_ = false;
  }
  (void)state_->FinishRun(summary_.run_id, summary_.finished_at,
                          !fatal_.ok()       ? "failed"
                          : summary_.stopped ? "stopped"
                                             : "ok",
                          CrawlSummaryJson(summary_));
  (void)state_->Checkpoint();
  if (!fatal_.ok()) return fatal_;
  return summary_;
}

nlohmann::ordered_json CountersJson(const CrawlCounters& c) {
  nlohmann::ordered_json j;
  j["fetched"] = c.fetched;
  j["new"] = c.new_articles;
  j["updated"] = c.updated;
  j["unchanged"] = c.unchanged;
  j["failed"] = c.failed;
  j["robots_denied"] = c.robots_denied;
  j["out_of_scope"] = c.out_of_scope;
  j["indexed"] = c.indexed;
  return j;
}

}  // namespace

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

Result<CrawlSummary> RunCrawlJob(const Config& config, const CrawlRequest& request,
                                 ArticleSink* sink, const CrawlEnv& env) {
  Job job(config, request, sink, env);
  return job.Run();
}

std::string CrawlSummaryJson(const CrawlSummary& s) {
  nlohmann::ordered_json j = CountersJson(s.total);
  j["seconds"] = std::round(s.seconds * 1000.0) / 1000.0;
  nlohmann::ordered_json sources = nlohmann::ordered_json::object();
  for (const auto& [name, c] : s.per_source) sources[name] = CountersJson(c);
  j["sources"] = sources;
  j["failures"] = s.failures;
  if (s.stopped) j["stopped"] = true;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace pressarc
