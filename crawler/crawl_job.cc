#include "crawler/crawl_job.h"

#include <strings.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "archive/archive.h"
#include "config/ascii.h"
#include "config/digest.h"
#include "config/log.h"
#include "crawler/feeds.h"
#include "crawler/frontier.h"
#include "crawler/index_worker.h"
#include "crawler/politeness.h"
#include "crawler/state_txn.h"
#include "crawler/url_scope.h"

namespace pressarc {
namespace {

using internal::Frontier;
using internal::IndexWorker;
using internal::Item;
using internal::Kind;
using internal::Origin;
using internal::PendingArticle;
using internal::Politeness;
using internal::SourceRun;
using internal::StateTxn;

constexpr int kMaxRedirects = 5;
constexpr std::size_t kIndexBatch = 200;
constexpr std::size_t kStateBatch = 64;
constexpr std::int64_t kStateBatchMs = 250;
constexpr std::size_t kMaxFailuresListed = 50;
constexpr std::size_t kMaxRememberedRedirects = 100000;  // loop detection memory bound

struct Flight {
  Item item;
  Origin* origin = nullptr;
  std::string fetched_at;
  bool released = false;  // the origin was freed before the response was processed
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

// The addresses the crawl may reach beyond public ones: the hosts written
// literally in the configured sources' start URLs, feeds and allow patterns.
AddressPolicy PolicyFromConfig(const Config& config) {
  std::vector<std::string> urls, patterns;
  for (const SourceConfig& s : config.sources) {
    urls.insert(urls.end(), s.start_urls.begin(), s.start_urls.end());
    urls.insert(urls.end(), s.feeds.begin(), s.feeds.end());
    patterns.insert(patterns.end(), s.allow.begin(), s.allow.end());
  }
  return AddressPolicy::FromConfigText(urls, patterns);
}

// One crawl run. The job coordinates and delegates: the Frontier decides
// what is fetched, Politeness when, the HttpClient fetches, the WarcWriter
// archives, StateTxn records in the catalogue and the IndexWorker indexes;
// the job turns each response into those steps and counts the outcome.
class Job {
 public:
  Job(const Config& config, const CrawlRequest& request, ArticleSink* sink, const CrawlEnv& env)
      : config_(config), opts_(config.crawler), request_(request), sink_(sink), env_(env) {}

  Result<CrawlSummary> Run();

 private:
  Status Setup();
  Status ChooseSources();
  Status OpenOutputs();
  Status Replay();
  Status SyncRemovals();
  void Loop();
  void Finish();
  void OnNewOrigin(const std::string& name, int source);
  void LaunchReady();
  bool LaunchFrom(Origin& o);
  void Launch(Origin& o, Item item);
  void Release(const FetchResponse& r);
  void OnResponse(FetchResponse& r);
  void OnError(Flight& f, FetchResponse& r);
  void OnRetryable(Flight& f, FetchResponse& r, const ArchiveLocation& loc);
  void OnRobots(Flight& f, FetchResponse& r);
  void UseRobots(Origin& o, int status, const std::string& body, bool cache);
  void OnRedirect(Flight& f, FetchResponse& r);
  void FollowRedirect(const Item& item, const std::string& target);
  void OnNotModified(Flight& f, FetchResponse& r);
  void OnOk(Flight& f, FetchResponse& r, const ArchiveLocation& loc);
  void OnArticle(Flight& f, FetchResponse& r, const ArchiveLocation& loc, Article article);
  void OnFeed(Flight& f, FetchResponse& r, const ArchiveLocation& loc, const FeedDocument& doc);
  bool IsArchivedArticle(const std::string& url);
  bool IsHomeOrListing(const std::string& url, int source);
  void OnMissing(Flight& f, int status, const ArchiveLocation* loc, const std::string& why);
  void NotePresent(const Flight& f);
  void MarkInIndex(const Flight& f, bool removed);
  void Retry(Flight& f, std::int64_t delay_ms);
  void Fail(Flight& f, const std::string& reason, int status, const ArchiveLocation* loc);
  void RecordDone(Flight& f, int status, const ArchiveLocation* loc, const std::string& page_kind);
  FetchRow RowFor(const Flight& f, int status, const ArchiveLocation* loc) const;
  Result<std::int64_t> Record(const FetchRow& row, const std::string& outcome, bool is_response);
  bool Archive(Flight& f, const FetchResponse& r, bool truncated, ArchiveLocation* loc);
  HttpExchange MakeExchange(const Flight& f, const FetchResponse& r, bool truncated) const;
  void Flush(bool force);
  void TakeIndexed(bool wait);
  void Count(int source, std::int64_t CrawlCounters::*field, std::int64_t n = 1);
  void SetFatal(const Status& st) { txn_->Fail(st); }
  const Status& fatal() const { return txn_->fatal(); }
  void Progress(bool final);
  const std::string& SourceName(int source) const { return sources_[source].config->name; }
  ExtractOptions OptionsFor(int source, const std::string& url, const std::string& ct) const;
  std::string NowIso() { return IsoUtc(clock_->UnixSeconds()); }

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
  std::unique_ptr<StateTxn> txn_;
  std::optional<RecordConverter> converter_;  // for Replay
  std::unique_ptr<IndexWorker> indexer_;      // declared after state_: joined before it closes
  std::string archive_dir_;

  std::vector<SourceRun> sources_;
  std::unique_ptr<Frontier> frontier_;
  std::unique_ptr<Politeness> politeness_;
  std::map<std::uint64_t, Flight> flights_;
  std::unordered_map<std::string, std::string> redirects_;  // URL -> Location, this run
  std::uint64_t next_id_ = 0;
  std::int64_t launched_pages_ = 0;
  bool stop_ = false;

  std::int64_t last_flush_ms_ = 0;
  std::vector<PendingArticle> pending_;

  CrawlSummary summary_;
  std::int64_t start_ms_ = 0;
  std::int64_t last_progress_ms_ = 0;
};

void Job::Count(int source, std::int64_t CrawlCounters::*field, std::int64_t n) {
  summary_.total.*field += n;
  if (source >= 0 && source < static_cast<int>(sources_.size())) {
    summary_.per_source[SourceName(source)].*field += n;
  }
}

ExtractOptions Job::OptionsFor(int source, const std::string& url, const std::string& ct) const {
  const SourceConfig* cfg = source >= 0 ? sources_[source].config : nullptr;
  return ExtractOptionsForSource(cfg, url, ct);
}

Status Job::Setup() {
  clock_ = env_.clock ? env_.clock : RealClock();
  internal::PolitenessOptions po;
  po.user_agent = opts_.user_agent;
  po.max_crawl_delay_s = opts_.max_crawl_delay_s;
  po.base_backoff_ms = env_.base_backoff_ms;
  po.seed = env_.seed ? env_.seed : static_cast<std::uint64_t>(clock_->NowMs());
  politeness_ = std::make_unique<Politeness>(po);
  Status st = ChooseSources();
  if (!st.ok()) return st;
  auto state = Catalogue::Open(request_.data_dir + "/state.sqlite");
  if (!state.ok()) return state.status();
  state_ = std::move(state.value());
  txn_ = std::make_unique<StateTxn>(state_.get());
  frontier_ = std::make_unique<Frontier>(
      opts_, sources_, txn_.get(), clock_,
      [this](const std::string& name, int source) { OnNewOrigin(name, source); });
  archive_dir_ = request_.data_dir + "/archive";
  st = OpenOutputs();
  if (!st.ok()) return st;
  st = state_->MarkInterruptedRuns();
  if (!st.ok()) return st;
  start_ms_ = clock_->NowMs();
  summary_.started_at = NowIso();
  auto run_id = state_->StartRun(summary_.started_at);
  if (!run_id.ok()) return run_id.status();
  summary_.run_id = *run_id;
  return Status::Ok();
}

// The sources of this run (CrawlRequest::sources, or all), with their scope.
Status Job::ChooseSources() {
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
  return Status::Ok();
}

// The record converter (for Replay), the WARC writer and the HTTP client.
Status Job::OpenOutputs() {
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
    co.address_policy = PolicyFromConfig(config_);
    own_http_ = NewCurlHttpClient(co);
    http_ = own_http_.get();
  }
  return Status::Ok();
}

// A removal or restoration the catalogue committed but the index did not (a
// run killed in between) reaches the index: each article's last removal
// event is given to the sink, which changes nothing where the index agrees.
Status Job::SyncRemovals() {
  std::map<std::string, bool> removed;  // URL → its last event was a removal
  for (const RemovalEvent& e : state_->RemovalEvents("")) removed[e.url] = e.kind == "removed";
  bool changed = false;
  for (const auto& [url, gone] : removed) {
    auto set = sink_->SetRemoved(url, gone);
    if (!set.ok()) return set.status();
    changed |= *set;
  }
  return changed ? sink_->Commit() : Status::Ok();
}

// Anything archived but not yet committed to the index goes to the sink
// again, and so do removals and restorations.
Status Job::Replay() {
  if (!sink_) return Status::Ok();
  if (Status st = SyncRemovals(); !st.ok()) return st;
  std::vector<ReplayRow> rows = state_->Unindexed();
  if (rows.empty()) return Status::Ok();
  log::Info("crawler",
            "replaying " + std::to_string(rows.size()) + " archived articles into the index");
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const ReplayRow& row = rows[i];
    int source = -1;
    for (std::size_t s = 0; s < sources_.size(); ++s) {
      if (SourceName(static_cast<int>(s)) == row.source) source = static_cast<int>(s);
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

// WARC flushed → state committed → sink (index committed in batches).
void Job::Flush(bool force) {
  std::int64_t now = clock_->NowMs();
  if (!force && txn_->rows() < kStateBatch && now - last_flush_ms_ < kStateBatchMs) return;
  last_flush_ms_ = now;
  if (txn_->open()) {
    Status st = warc_->Flush();
    if (!st.ok()) return SetFatal(st);
    if (!txn_->Commit().ok()) return;
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
    txn_->Ensure();
    if (!fatal().ok()) return;
    Status st = state_->MarkIndexed(d.committed);
    if (!st.ok()) return SetFatal(st);
  }
  if (wait) (void)txn_->Commit();
}

// An origin seen for the first time: its politeness, then its robots.txt
// (cached for a day, else fetched first).
void Job::OnNewOrigin(const std::string& name, int source) {
  Origin& o =
      politeness_->Add(name, source, sources_[source].delay_ms, sources_[source].verify_tls);
  if (!opts_.respect_robots) {
    o.robots_ready = true;
    return;
  }
  int status = 0;
  std::string body;
  if (state_->LoadRobots(name, IsoUtc(clock_->UnixSeconds() - 86400), &status, &body)) {
    UseRobots(o, status, body, false);
    return;
  }
  Item robots;
  robots.url = name + "/robots.txt";
  robots.kind = Kind::kRobots;
  robots.priority = internal::kPrioRobots;
  robots.source = source;
  robots.seq = frontier_->NextSeq();
  frontier_->PushTo(name, std::move(robots));
}

// Applies a robots.txt outcome (Politeness::UseRobots), caches a usable one
// and queues the sitemaps it names.
void Job::UseRobots(Origin& o, int status, const std::string& body, bool cache) {
  politeness_->UseRobots(o, status, body);
  if (cache && status >= 200 && status < 500) {
    txn_->Ensure();
    txn_->Write(state_->SaveRobots(o.name, status, status < 300 ? body : "", NowIso()));
  }
  for (const auto& sm : o.rules.sitemaps()) {
    std::string url = NormalizeUrl(sm);
    if (url.empty() || frontier_->Seen(url)) continue;
    if (UrlOrigin(url) != o.name && !sources_[o.source].scope.InScope(url)) continue;
    frontier_->Enqueue(url, o.source, 0, Kind::kSitemap, internal::kPrioFeed, true);
  }
}

void Job::LaunchReady() {
  if (stop_ || politeness_->origins().empty()) return;
  std::size_t max_conn = static_cast<std::size_t>(std::max(1, opts_.max_connections));
  for (Origin* o : politeness_->Ready(clock_->NowMs(), *frontier_)) {
    if (http_->InFlight() >= max_conn || stop_) break;
    LaunchFrom(*o);
  }
}

// Starts the origin's next allowed item; robots-denied items on the way are
// recorded and skipped. False when nothing was started.
bool Job::LaunchFrom(Origin& o) {
  while (const Item* next = frontier_->Peek(o.name)) {
    if (!o.robots_ready && next->kind != Kind::kRobots) return false;
    Item item = frontier_->Pop(o.name);
    if (item.kind != Kind::kRobots) {
      if (!o.rules.Allowed(UrlPathAndQuery(item.url))) {
        Count(item.source, &CrawlCounters::robots_denied);
        txn_->Ensure();
        txn_->Write(state_->SetStatus(item.url, "denied", "robots.txt"));
        log::Info(SourceName(item.source), "robots.txt denies " + item.url);
        continue;
      }
      if (!item.counted && item.hops == 0) {
        if (request_.max_pages > 0 && launched_pages_ >= request_.max_pages) {
          stop_ = true;  // the rest stays queued in the state for the next run
          return false;
        }
        ++launched_pages_;
        item.counted = true;
      }
    }
    Launch(o, std::move(item));
    return true;
  }
  return false;
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
  politeness_->Started(o);
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
  ex.source = SourceName(f.item.source);  // so that reindex needs no config
  return ex;
}

bool Job::Archive(Flight& f, const FetchResponse& r, bool truncated, ArchiveLocation* loc) {
  auto written = warc_->WriteExchange(MakeExchange(f, r, truncated));
  if (!written.ok()) {
    SetFatal(written.status().disk_full()
                 ? written.status()
                 : Status::Runtime("writing the archive: " + written.status().message()));
    return false;
  }
  *loc = *written;
  txn_->Ensure();
  return true;
}

// The fetch row's common part: what was asked, when, and where it is archived.
FetchRow Job::RowFor(const Flight& f, int status, const ArchiveLocation* loc) const {
  FetchRow row;
  row.run_id = summary_.run_id;
  row.url = f.item.url;
  row.source = SourceName(f.item.source);
  row.status = status;
  row.fetched_at = f.fetched_at;
  row.indexed = true;
  row.attempts = f.item.attempts + 1;
  if (loc) {
    row.warc_file = loc->file;
    row.warc_offset = loc->offset;
    row.warc_date = f.fetched_at;
  }
  return row;
}

// A done row is left unscheduled: when an archived article is due again is
// decided at the start of the next run (Frontier::Seed), with its final kind.
Result<std::int64_t> Job::Record(const FetchRow& row, const std::string& outcome,
                                 bool is_response) {
  txn_->Ensure();
  auto id = state_->RecordFetch(row, outcome, is_response, outcome == "done" ? "" : row.fetched_at);
  if (!id.ok()) {
    SetFatal(id.status());
    return id;
  }
  txn_->Wrote();
  return id;
}

void Job::Fail(Flight& f, const std::string& reason, int status, const ArchiveLocation* loc) {
  FetchRow row = RowFor(f, status, loc);
  row.error = reason;
  (void)Record(row, "failed", false);
  Count(f.item.source, &CrawlCounters::failed);
  if (summary_.failures.size() < kMaxFailuresListed)
    summary_.failures.push_back(f.item.url + ": " + reason);
  log::Info(row.source, "failed " + f.item.url + ": " + reason);
}

void Job::RecordDone(Flight& f, int status, const ArchiveLocation* loc,
                     const std::string& page_kind) {
  FetchRow row = RowFor(f, status, loc);
  row.page_kind = page_kind;
  (void)Record(row, "done", false);
}

void Job::Retry(Flight& f, std::int64_t delay_ms) {
  Item item = std::move(f.item);
  ++item.attempts;
  frontier_->Retry(f.origin->name, std::move(item), clock_->NowMs() + delay_ms);
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
  politeness_->Finished(*f.origin, clock_->NowMs());
}

void Job::OnResponse(FetchResponse& r) {
  auto it = flights_.find(r.id);
  if (it == flights_.end()) return;
  Flight f = std::move(it->second);
  flights_.erase(it);
  Origin& o = *f.origin;
  std::int64_t now = clock_->NowMs();
  if (!f.released) politeness_->Finished(o, now);
  const std::string& src_name = SourceName(f.item.source);
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
    Politeness::HoldOff(o, now + o.Gap());  // Crawl-delay applies from now on
    return;
  }
  politeness_->Answered(o, r);
  if (r.error != FetchError::kNone) return OnError(f, r);
  int s = r.status;
  if (s >= 300 && s < 400 && s != 304 && !FindHeader(r.headers, "Location").empty()) {
    return OnRedirect(f, r);
  }
  if (s == 304) return OnNotModified(f, r);
  ArchiveLocation loc;
  if (!Archive(f, r, false, &loc)) return;
  if (s >= 200 && s < 300) return OnOk(f, r, loc);
  if (Politeness::Retryable(r)) return OnRetryable(f, r, loc);
  if (f.item.probe) return RecordDone(f, s, &loc, "");
  if ((s == 404 || s == 410) && IsArchivedArticle(f.item.url)) {
    return OnMissing(f, s, &loc, "HTTP " + std::to_string(s));
  }
  return Fail(f, "HTTP " + std::to_string(s), s, &loc);
}

// No complete response: a body over the limit is archived as truncated;
// timeouts, resets and refused connections are retried.
void Job::OnError(Flight& f, FetchResponse& r) {
  if (r.error == FetchError::kTooLarge) {
    ArchiveLocation loc;
    bool archived = r.status > 0 && Archive(f, r, true, &loc);
    return Fail(f, "too large (over max_page_bytes)", r.status, archived ? &loc : nullptr);
  }
  if (r.error == FetchError::kNotAllowed) return Fail(f, r.error_message, 0, nullptr);
  if (Politeness::Retryable(r) && f.item.attempts < opts_.max_retries)
    return Retry(f, politeness_->Backoff(f.item.attempts));
  return Fail(f,
              std::string(FetchErrorName(r.error)) +
                  (r.error_message.empty() ? "" : " (" + r.error_message + ")"),
              0, nullptr);
}

// 429 and 5xx: retried after the backoff or Retry-After, whichever is
// longer; a Retry-After beyond max_retry_after_ms gives up for this run.
void Job::OnRetryable(Flight& f, FetchResponse& r, const ArchiveLocation& loc) {
  Origin& o = *f.origin;
  int s = r.status;
  std::int64_t now = clock_->NowMs();
  std::int64_t delay = politeness_->Backoff(f.item.attempts);
  std::int64_t after =
      ParseRetryAfterMs(FindHeader(r.headers, "Retry-After"), clock_->UnixSeconds());
  if (after > env_.max_retry_after_ms) {
    Politeness::HoldOff(o, now + env_.max_retry_after_ms);
    return Fail(f, "HTTP " + std::to_string(s) + " with Retry-After too long", s, &loc);
  }
  if (after >= 0) {
    delay = std::max(delay, after);
    Politeness::HoldOff(o, now + after);
  }
  if (f.item.attempts < opts_.max_retries) return Retry(f, delay);
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
      next.seq = frontier_->NextSeq();
      frontier_->PushTo(o.name, std::move(next));
      return;
    }
    return UseRobots(o, 404, "", false);
  }
  if (r.error == FetchError::kTooLarge) return UseRobots(o, 200, r.body, false);  // first 500 KiB
  if (Politeness::Retryable(r) && f.item.attempts < opts_.max_retries) {
    std::int64_t delay = politeness_->Backoff(f.item.attempts);
    std::int64_t after =
        ParseRetryAfterMs(FindHeader(r.headers, "Retry-After"), clock_->UnixSeconds());
    if (after >= 0 && after <= env_.max_retry_after_ms) delay = std::max(delay, after);
    return Retry(f, delay);
  }
  // An origin at an address the policy refuses: no rules; each of its URLs
  // then fails on its own with the reason (no connection is ever opened).
  if (r.error == FetchError::kNotAllowed) return UseRobots(o, 404, "", false);
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
  if (target.empty()) {  // not http(s) (file:, ftp:, gopher:, data:, ...) or malformed
    std::string location = FindHeader(r.headers, "Location").substr(0, 200);
    return Fail(f, "redirect to an unusable Location: " + location, r.status, &loc);
  }
  if (IsHomeOrListing(target, item.source) && IsArchivedArticle(item.url)) {
    return OnMissing(f, r.status, &loc, "redirect to " + target);
  }
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
  txn_->Write(state_->SetKind(item.url, "redirect"));
  FollowRedirect(item, target);
}

// The redirect's target is fetched next, under the same source and depth,
// when it is new in this run, in scope and no likely trap.
void Job::FollowRedirect(const Item& item, const std::string& target) {
  const SourceRun& src = sources_[item.source];
  if (frontier_->Seen(target)) return;
  frontier_->MarkSeen(target);
  if (!src.scope.InScope(target)) {
    Count(item.source, &CrawlCounters::out_of_scope);
    log::Info(src.config->name,
              "redirect out of scope, not followed: " + item.url + " -> " + target);
    return;
  }
  if (std::string trap = TrapReason(target, frontier_->current_year()); !trap.empty()) {
    log::Info(src.config->name, "redirect to a likely trap (" + trap + "): " + target);
    return;
  }
  txn_->Ensure();
  const std::string& first = item.first_url.empty() ? item.url : item.first_url;
  Kind kind =
      item.kind == Kind::kPage && src.scope.IsArticleUrl(target) ? Kind::kArticle : item.kind;
  txn_->Write(state_->Enqueue(target, src.config->name, item.depth, KindName(kind), NowIso()));
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
  next.seq = frontier_->NextSeq();
  frontier_->Push(std::move(next));
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
    return SetFatal(written.status().disk_full()
                        ? written.status()
                        : Status::Runtime("writing the archive: " + written.status().message()));
  FetchRow row = RowFor(f, 304, &*written);
  row.etag = FindHeader(r.headers, "ETag");
  row.last_modified = FindHeader(r.headers, "Last-Modified");
  row.payload_digest = prev.payload_digest;
  row.content_digest = prev.content_digest;
  row.published = prev.published;
  row.canonical = prev.canonical;
  row.page_kind = "revisit";
  bool article = prev.kind == "article";
  (void)Record(row, "done", false);
  if (!article) return;
  Count(f.item.source, &CrawlCounters::unchanged);
  NotePresent(f);
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
  article.source = SourceName(f.item.source);
  switch (article.kind) {
    case PageKind::kChallenge:
      return Fail(f, "challenge page (anti-bot interstitial)", r.status, &loc);
    case PageKind::kNotFound:
      if (f.item.probe) return RecordDone(f, r.status, &loc, "not_found");
      if (IsArchivedArticle(f.item.url)) return OnMissing(f, r.status, &loc, "soft 404");
      return Fail(f, "not found (soft 404)", r.status, &loc);
    case PageKind::kArticle:
      return OnArticle(f, r, loc, std::move(article));
    default:
      break;
  }
  FetchRow row = RowFor(f, r.status, &loc);
  row.etag = FindHeader(r.headers, "ETag");
  row.last_modified = FindHeader(r.headers, "Last-Modified");
  row.payload_digest = WarcSha1(r.body);
  row.canonical = article.canonical_url;
  row.page_kind = PageKindName(article.kind);
  (void)Record(row, "done", true);
  if (f.item.kind == Kind::kPage || f.item.kind == Kind::kArticle ||
      f.item.kind == Kind::kListing) {
    txn_->Write(
        state_->SetKind(f.item.url, article.kind == PageKind::kListing ? "listing" : "page"));
  }
  Count(f.item.source, &CrawlCounters::out_of_scope,
        frontier_->FollowLinks(f.item, article.links, true));
  frontier_->FollowFeedLinks(f.item, article.feed_links);
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
  FetchRow row = RowFor(f, r.status, &loc);
  row.etag = FindHeader(r.headers, "ETag");
  row.last_modified = FindHeader(r.headers, "Last-Modified");
  row.payload_digest = payload;
  row.content_digest = content;
  row.published = article.published;
  row.canonical = article.canonical_url;
  row.page_kind = "article";
  row.indexed = unchanged || alias || !sink_;
  auto id = Record(row, "done", true);
  if (!id.ok()) return;
  txn_->Write(state_->SetKind(f.item.url, "article"));
  if (has_prev && prev.kind == "article") NotePresent(f);
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
      pending_.push_back(
          PendingArticle{article, loc, f.fetched_at, *id, f.item.source, std::nullopt});
    }
  }
  Count(f.item.source, &CrawlCounters::out_of_scope,
        frontier_->FollowLinks(f.item, article.links, false));
}

void Job::OnFeed(Flight& f, FetchResponse& r, const ArchiveLocation& loc, const FeedDocument& doc) {
  FetchRow row = RowFor(f, r.status, &loc);
  row.etag = FindHeader(r.headers, "ETag");
  row.last_modified = FindHeader(r.headers, "Last-Modified");
  row.payload_digest = WarcSha1(r.body);
  row.page_kind = doc.kind == FeedKind::kRss || doc.kind == FeedKind::kAtom ? "feed" : "sitemap";
  (void)Record(row, "done", true);
  Count(f.item.source, &CrawlCounters::out_of_scope, frontier_->FollowFeed(f.item, doc));
}

// An article with an archived response: its disappearance is a removal.
bool Job::IsArchivedArticle(const std::string& url) {
  PageState prev;
  return state_->Lookup(url, &prev) && prev.kind == "article" && prev.response_id > 0;
}

// Where a site sends the pages it took down: its home page, a start URL, or
// a page the crawl knows as a listing (or feed, or sitemap).
bool Job::IsHomeOrListing(const std::string& url, int source) {
  std::string path = UrlPathAndQuery(url);
  if (path == "/" || path.rfind("/index.", 0) == 0) return true;
  for (const std::string& start : sources_[source].config->start_urls) {
    if (NormalizeUrl(start) == url) return true;
  }
  PageState known;
  return state_->Lookup(url, &known) && internal::IsListingLike(known.kind);
}

// An archived article that answered as gone. A first miss is only noted
// (the URL stays failed, so the next run visits it again); a second one at
// least an hour later removes it (counted; it is then revisited on the
// schedule, to see it come back). Its last version stays in the index.
void Job::OnMissing(Flight& f, int status, const ArchiveLocation* loc, const std::string& why) {
  txn_->Ensure();
  auto removed = state_->RecordMissing(f.item.url, SourceName(f.item.source), f.fetched_at);
  if (!removed.ok()) return SetFatal(removed.status());
  bool gone = *removed || state_->Removed(f.item.url).has_value();
  FetchRow row = RowFor(f, status, loc);
  row.error = why;
  row.page_kind = "missing";
  (void)Record(row, gone ? "done" : "failed", false);
  if (*removed) {
    Count(f.item.source, &CrawlCounters::removed);
    log::Info(row.source, "removed " + f.item.url + " (" + why + ")");
    MarkInIndex(f, true);
  } else if (!gone) {
    log::Info(row.source, "missing " + f.item.url + " (" + why +
                              "); removed if still so on a visit an hour or more from now");
  }
}

// An archived article answered: a pending miss is forgotten, a removal ends.
void Job::NotePresent(const Flight& f) {
  auto restored = state_->RecordPresent(f.item.url, SourceName(f.item.source), f.fetched_at);
  if (!restored.ok()) return SetFatal(restored.status());
  if (!*restored) return;
  Count(f.item.source, &CrawlCounters::restored);
  log::Info(SourceName(f.item.source), "restored " + f.item.url);
  MarkInIndex(f, false);
}

// A removal or restoration goes to the index after the state that records
// it is committed (Flush), in order with the articles.
void Job::MarkInIndex(const Flight& f, bool removed) {
  if (!sink_) return;
  PendingArticle mark;
  mark.article.url = f.item.url;
  mark.source = f.item.source;
  mark.set_removed = removed;
  pending_.push_back(std::move(mark));
}

void Job::Progress(bool final) {
  if (!request_.progress) return;
  std::int64_t now = clock_->NowMs();
  if (!final && now - last_progress_ms_ < 500) return;
  last_progress_ms_ = now;
  std::size_t queued = frontier_->Size();
  double secs = std::max<double>(1e-3, static_cast<double>(now - start_ms_) / 1000.0);
  std::fprintf(stderr, "\rcrawl: %lld pages, %.1f/s, queue %zu, errors %lld   ",
               static_cast<long long>(summary_.total.fetched),
               static_cast<double>(summary_.total.fetched) / secs, queued,
               static_cast<long long>(summary_.total.failed));
  if (final) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

void Job::Loop() {
  std::size_t max_conn = static_cast<std::size_t>(std::max(1, opts_.max_connections));
  while (fatal().ok()) {
    if (request_.stop != nullptr && request_.stop->load() && !summary_.stopped) {
      summary_.stopped = true;
      stop_ = true;
      log::Info("crawler", "stopping: finishing the " + std::to_string(http_->InFlight()) +
                               " requests in flight; the next run resumes");
    }
    LaunchReady();
    std::size_t inflight = http_->InFlight();
    if (inflight == 0 && (!frontier_->HasWork() || stop_)) break;
    std::int64_t now = clock_->NowMs();
    std::int64_t wait =
        inflight >= max_conn || stop_
            ? 200
            : std::clamp<std::int64_t>(politeness_->NextWake(now, *frontier_) - now, 1, 200);
    if (inflight > 0) {
      std::vector<FetchResponse> done = http_->Wait(wait);
      for (const auto& r : done) Release(r);
      if (!done.empty()) LaunchReady();
      for (auto& r : done) {
        OnResponse(r);
        if (!fatal().ok()) break;
      }
    } else {
      clock_->SleepMs(wait);
    }
    Flush(false);
    Progress(false);
  }
}

// Drain: whatever is in flight after a fatal error is dropped (not
// recorded); the run's row gets its summary.
void Job::Finish() {
  if (fatal().ok()) Flush(true);
  if (fatal().ok()) (void)txn_->Commit();
  summary_.seconds = static_cast<double>(clock_->NowMs() - start_ms_) / 1000.0;
  summary_.finished_at = NowIso();
  Progress(true);
  // After a fatal error: keep what was archived and recorded so far.
  if (txn_->open()) txn_->Close(warc_->Flush().ok());
  (void)state_->FinishRun(summary_.run_id, summary_.finished_at,
                          !fatal().ok()      ? "failed"
                          : summary_.stopped ? "stopped"
                                             : "ok",
                          CrawlSummaryJson(summary_));
  (void)state_->Checkpoint();
}

Result<CrawlSummary> Job::Run() {
  Status st = Setup();
  if (!st.ok()) return st;
  st = Replay();
  if (!st.ok()) return st;
  frontier_->Seed();
  Loop();
  Finish();
  if (!fatal().ok()) return fatal();
  return summary_;
}

}  // namespace

Result<CrawlSummary> RunCrawlJob(const Config& config, const CrawlRequest& request,
                                 ArticleSink* sink, const CrawlEnv& env) {
  Job job(config, request, sink, env);
  return job.Run();
}

Result<CrawlSummary> RunCrawl(const Config& config, const CrawlRequest& request,
                              ArticleSink* sink) {
  return RunCrawlJob(config, request, sink, CrawlEnv{});
}

}  // namespace pressarc
