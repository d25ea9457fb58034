// In-memory outside world for crawl job tests: a fake clock that only moves
// when the crawler waits, a fake web (HttpClient) with scripted replies and
// a log of every request, and an ArticleSink that remembers what it got.
#pragma once

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "crawler/crawl_env.h"
#include "crawler/crawl_job.h"
#include "crawler/crawler.h"
#include "parser/parser.h"
#include "tests/test_util.h"

namespace pressarc::testing {

class FakeClock : public Clock {
 public:
  std::int64_t now_ms = 1000000;
  std::int64_t unix0 = 1795600000;  // 2026-11-24
  std::int64_t NowMs() override { return now_ms; }
  std::int64_t UnixSeconds() override { return unix0 + now_ms / 1000; }
  void SleepMs(std::int64_t ms) override { now_ms += std::max<std::int64_t>(ms, 0); }
};

struct FakeReply {
  int status = 200;
  HeaderList headers = {{"Content-Type", "text/html; charset=utf-8"}};
  std::string body;
  FetchError error = FetchError::kNone;
  std::string error_message;
  std::int64_t latency_ms = 5;
};

struct Hit {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string url;
  HeaderList headers;  // extra request headers (conditional ones)
  bool Conditional() const {
    return !FindHeader(headers, "If-None-Match").empty() ||
           !FindHeader(headers, "If-Modified-Since").empty();
  }
};

class FakeWeb : public HttpClient {
 public:
  using Handler = std::function<FakeReply(const FetchRequest&)>;
  explicit FakeWeb(FakeClock* clock) : clock_(clock) {}

  // A page with ETag support: a matching If-None-Match gets a 304.
  void Page(const std::string& url, const std::string& body,
            const std::string& type = "text/html; charset=utf-8") {
    routes[url] = [body, type](const FetchRequest& req) {
      FakeReply r;
      std::string etag = "\"" + std::to_string(std::hash<std::string>{}(body)) + "\"";
      r.headers = {{"Content-Type", type}, {"ETag", etag}};
      if (FindHeader(req.headers, "If-None-Match") == etag) {
        r.status = 304;
        r.headers = {{"ETag", etag}};
        return r;
      }
      r.body = body;
      return r;
    };
  }
  void Route(const std::string& url, Handler h) { routes[url] = std::move(h); }
  void Redirect(const std::string& from, const std::string& to, int status = 301) {
    routes[from] = [to, status](const FetchRequest&) {
      FakeReply r;
      r.status = status;
      r.headers = {{"Location", to}, {"Content-Type", "text/html"}};
      r.body = "moved";
      return r;
    };
  }

  void Start(FetchRequest request) override {
    FakeReply reply;
    auto it = routes.find(request.url);
    if (it != routes.end()) {
      reply = it->second(request);
    } else {
      reply.status = 404;
      reply.body =
          "<html><head><title>Not Found (#404)</title></head><body><h1>Not Found "
          "(#404)</h1></body></html>";
    }
    Hit hit{clock_->now_ms, 0, request.url, request.headers};
    hits.push_back(hit);
    FetchResponse resp;
    resp.id = request.id;
    resp.url = request.url;
    resp.error = reply.error;
    resp.error_message = reply.error_message;
    if (reply.error == FetchError::kNone || reply.error == FetchError::kTooLarge) {
      resp.status = reply.status;
      resp.status_line = "HTTP/1.1 " + std::to_string(reply.status) + " X";
      resp.headers = reply.headers;
      resp.body = reply.body;
      if (static_cast<std::int64_t>(resp.body.size()) > request.max_body_bytes) {
        resp.body.resize(static_cast<std::size_t>(request.max_body_bytes));
        resp.error = FetchError::kTooLarge;
      }
    }
    pending_.push_back({clock_->now_ms + reply.latency_ms, hits.size() - 1, std::move(resp)});
  }

  std::vector<FetchResponse> Wait(std::int64_t max_wait_ms) override {
    std::vector<FetchResponse> out;
    if (pending_.empty()) {
      clock_->now_ms += max_wait_ms;
      return out;
    }
    std::int64_t earliest = pending_.front().done_at;
    for (const auto& p : pending_) earliest = std::min(earliest, p.done_at);
    if (earliest > clock_->now_ms + max_wait_ms) {
      clock_->now_ms += max_wait_ms;
      return out;
    }
    clock_->now_ms = std::max(clock_->now_ms, earliest);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->done_at <= clock_->now_ms) {
        hits[it->hit].end_ms = it->done_at;
        out.push_back(std::move(it->response));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }
  std::size_t InFlight() const override { return pending_.size(); }

  std::vector<std::string> Urls() const {
    std::vector<std::string> out;
    for (const auto& h : hits) out.push_back(h.url);
    return out;
  }
  int Count(const std::string& url) const {
    return static_cast<int>(
        std::count_if(hits.begin(), hits.end(), [&](const Hit& h) { return h.url == url; }));
  }

  std::map<std::string, Handler> routes;
  std::vector<Hit> hits;

 private:
  struct Pending {
    std::int64_t done_at;
    std::size_t hit;
    FetchResponse response;
  };
  FakeClock* clock_;
  std::vector<Pending> pending_;
};

class FakeSink : public ArticleSink {
 public:
  Result<bool> Add(const Article& article, const ArchiveLocation&, const std::string&) override {
    ++adds;
    auto it = docs.find(article.canonical_url);
    bool changed = it == docs.end() || it->second != article.text;
    docs[article.canonical_url] = article.text;
    return changed;
  }
  Result<bool> SetRemoved(const std::string& url, bool removed) override {
    bool changed = removed_urls.count(url) != (removed ? 1u : 0u);
    if (removed) {
      removed_urls.insert(url);
    } else {
      removed_urls.erase(url);
    }
    return changed;
  }
  Status Commit() override {
    ++commits;
    if (fail_commit) return Status::Runtime("index commit failed (injected)");
    committed = docs;
    committed_removed = removed_urls;
    return Status::Ok();
  }
  std::map<std::string, std::string> docs;       // canonical URL -> text
  std::map<std::string, std::string> committed;  // as of the last commit
  std::set<std::string> removed_urls;            // SetRemoved: fetched URLs marked removed
  std::set<std::string> committed_removed;       // as of the last commit
  int adds = 0;
  int commits = 0;
  bool fail_commit = false;
};

// A small press site at `origin`: `pages` listing pages /news?page=N (the
// first is /news) of 10 articles each, newest first, article n at /news/noN.
struct FakeSite {
  std::string origin = "http://mfa.test";
  int articles = 20;
  int version = 1;
  std::set<int> changed;  // articles whose text differs in version 2

  std::string ArticleUrl(int n) const { return origin + "/news/no" + std::to_string(n); }
  std::string ListingUrl(int page) const {
    return page == 1 ? origin + "/news" : origin + "/news?page=" + std::to_string(page);
  }
  std::string ArticleHtml(int n) const {
    std::string text =
        "The Ministry of Foreign Affairs held consultations on regional cooperation, trade and "
        "transport links, and the parties agreed to continue the dialogue at the next meeting. ";
    if (version >= 2 && changed.count(n)) text += "Updated with a statement of the spokesperson. ";
    return "<html><head><title>Release " + std::to_string(n) +
           "</title></head><body><h1>Press release number " + std::to_string(n) +
           " on bilateral consultations</h1><p class=date>2026-11-20</p><article><p>" + text +
           "</p><p>" + text + "</p></article><a href=\"/news\">All news</a></body></html>";
  }
  std::string ListingHtml(int page) const {
    std::string html = "<html><head><title>News</title></head><body><h1>News</h1><ul>";
    int pages = (articles + 9) / 10;
    for (int i = 0; i < 10; ++i) {
      int n = articles - (page - 1) * 10 - i;
      if (n < 1) break;
      html += "<li><a href=\"/news/no" + std::to_string(n) + "\">Press release number " +
              std::to_string(n) + " on bilateral consultations</a></li>";
    }
    html += "</ul><div class=pager>";
    for (int p = 1; p <= pages; ++p) {
      html += "<a href=\"" + std::string(p == 1 ? "/news" : "/news?page=" + std::to_string(p)) +
              "\">" + std::to_string(p) + "</a> ";
    }
    return html + "</div></body></html>";
  }
  void Install(FakeWeb& web) const {
    web.Page(origin + "/robots.txt", "User-agent: *\nDisallow: /private\n", "text/plain");
    int pages = (articles + 9) / 10;
    for (int p = 1; p <= pages; ++p) web.Page(ListingUrl(p), ListingHtml(p));
    for (int n = 1; n <= articles; ++n) web.Page(ArticleUrl(n), ArticleHtml(n));
  }
};

inline Config SiteConfig(const std::string& origin = "http://mfa.test") {
  Config config;
  config.crawler.per_host_delay_ms = 100;
  config.crawler.max_retries = 2;
  config.crawler.revisit_after_hours = 0;
  SourceConfig s;
  s.name = "mfa";
  s.start_urls = {origin + "/news"};
  s.article = {"/news/no\\d+"};
  s.language = "en";
  config.sources.push_back(s);
  return config;
}

// A temporary data directory, removed at the end of the test.
struct World {
  FakeClock clock;
  FakeWeb web{&clock};
  FakeSink sink;
  TempDir dir;

  Result<CrawlSummary> Crawl(const Config& config, std::int64_t max_pages = 0,
                             ArticleSink* sink_override = nullptr, bool no_sink = false) {
    CrawlRequest request;
    request.data_dir = dir.path();
    request.max_pages = max_pages;
    CrawlEnv env;
    env.clock = &clock;
    env.http = &web;
    env.seed = 42;
    ArticleSink* sink = no_sink ? nullptr : (sink_override ? sink_override : &this->sink);
    web.hits.clear();
    return RunCrawlJob(config, request, sink, env);
  }
};

}  // namespace pressarc::testing
