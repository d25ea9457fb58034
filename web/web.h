// Web: `pressarc serve`, the read-only web interface and JSON API over the
// search module and the archive (design.md, "Web interface").
//
// What it does. Answers HTTP/1.1 GET and HEAD (cpp-httplib) with
// server-rendered HTML that needs no JavaScript, and with the CLI's JSON:
//   /                         search page (query box, results, facets:
//                             source, language, year, status (a link that
//                             puts status:VALUE in q); histogram of
//                             matches per month, paging)
//   /articles/ID              one article (text, metadata, translations,
//                             copies; its versions with word diffs; removal)
//   /archive/ID               the archived response, rewritten (below);
//                             /articles/ID/original is its older name
//   /archive/ID/N             version N's archived response (the version
//                             log's WARC location), rewritten; no such
//                             version: a 404 page
//   /changes                  the change log (search::LoadChanges), filtered
//   /api/search               the JSON of `search --json`
//   /api/articles/ID          the JSON of `show --json`
//   /api/articles/ID/history  the JSON of `history --format json`
//   /api/changes              the JSON of `changes --format json`
//   /feeds/NAME.atom          DATA/feeds/NAME.atom, when the file exists
//   /static/style.css         the style sheet, compiled into the binary
// URL parameters are named after the `search` flags (q, lang, source, from,
// to, sort, limit, offset, any, all, exact, facets; lang and source
// repeatable); those of the change log after the `changes` flags (since,
// source, kind, limit; source and kind repeatable). The web has no query
// logic of its own: it turns parameters into search::SearchOptions or a
// ChangeFilter and renders what search::Searcher, LoadHistory and
// LoadChanges return.
//
// Safety. Read-only (other methods get 405). Every value from pages,
// queries and the config is escaped for where it goes (text, attribute,
// URL). Pages carry a strict Content-Security-Policy (no scripts, nothing
// from other origins). Bad parameters are a 400 page with the CLI's
// message, unknown paths a 404; nothing a client sends makes a 500.
// Request line, headers, body and time per request are bounded
// (WebOptions).
//
// The archived original is served as pywb replays a page, but stricter:
// HTML is parsed with Gumbo and written back with every reference rewritten:
// a URL the archive holds (an indexed article) points to its replay URL in
// pressarc (/archive/ID), every other reference is removed (points nowhere); scripts,
// frames, objects, <base>, <link> hints (preconnect, dns-prefetch,
// prefetch, preload, prerender), meta refresh and every http-equiv, event
// handler attributes and CSS url()/@import to elsewhere are dropped; no
// header of the original response is passed on. A sandboxing CSP (no
// scripts, images and styles only from pressarc or data:) is the second
// wall. Other content types are served as stored, under the same CSP.
//
// Index access: a Site keeps a pool of open search::Searchers
// (WebOptions::searchers), shared by its threads: a request checks one out,
// waiting its turn (first come, first served) when all are busy, which also
// bounds how many searches run at once. Each request first computes the
// index's revision (search::IndexRevision: the stub and the glass version
// files); a pooled Searcher opened at another revision is replaced by a
// fresh one, so the server keeps serving across `reindex` (the new
// generation from the first request after the swap) and sees what `crawl`
// and `import` commit from the first request after the commit; the other
// idle Searchers of older revisions are closed then, so none keeps a
// deleted generation's files open. With remote
// (tcp://) shards there is no reliable revision: every request opens its
// Searcher afresh, as the CLI does.
//
// Response cache: the rendered responses of / and /api/search (the pages
// that cost a search) are kept, up to WebOptions::cache_bytes (LRU), keyed
// on the request (path and parameters, sorted by name) and the index
// revision: a page is only ever given again for the revision it was
// computed at, so a commit or a swap can never serve a stale page. Kept:
// 200 responses without shard warnings. No revision (remote shards) or
// cache_bytes 0: no cache. Such responses carry `X-Cache: hit` or
// `X-Cache: miss` (computed, now kept); others carry no X-Cache.
//
// Thread safety: Site::Handle, HandleRequest and the pure functions below
// may be called from any number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "archive/archive.h"
#include "config/config.h"
#include "config/status.h"
#include "search/search.h"

namespace pressarc::web {

struct WebOptions {
  std::string data_dir;                // DATA (index, archive, feeds)
  std::string host = "127.0.0.1";      // loopback unless told otherwise
  int port = 8080;                     // 0 = any free port (tests)
  std::size_t max_query_bytes = 2048;  // q longer than this is a 400
  std::uint32_t max_limit = 100;       // results per page, at most
  std::uint32_t max_offset = 10000;    // paging depth, at most
  std::size_t max_body_bytes = 65536;  // request bodies (none is needed)
  int read_timeout_s = 5;              // per read of a request
  int write_timeout_s = 10;            // per write of a response
  // Worker threads: a kept-alive connection holds one while it is open, so
  // as many as the clients expected at once (others wait for a free one).
  // Threads are cheap: how many searches run at once is `searchers`.
  std::size_t threads = 64;
  std::size_t searchers = 0;  // open Searchers, at most (0 = twice the hardware threads)
  // Bound of the response cache in bytes ([serve] cache_mb); 0 = no cache.
  std::size_t cache_bytes = std::size_t{64} << 20;
  std::size_t max_original_bytes = 32u << 20;  // archived bodies larger than this are not replayed
  // The configuration whose sources (extraction hints) read the archived
  // versions back, as `history` does; nullptr = built-in defaults.
  std::shared_ptr<const Config> config;
  std::size_t changes_page_events = 100;  // /changes without a limit shows the newest this many
  std::size_t max_changes_limit = 1000;   // limit= on /changes, at most
};

struct WebRequest {
  std::string method = "GET";
  std::string path;                                         // decoded, without the query
  std::vector<std::pair<std::string, std::string>> params;  // decoded, in order
};

struct WebResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  // The response cache may keep it (set by the pages that cost a search,
  // when complete: no shard was left out).
  bool cacheable = false;
};

struct CacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;  // lookups that computed the page
  std::uint64_t evictions = 0;
  std::uint64_t entries = 0;  // kept now
  std::uint64_t bytes = 0;    // kept now (bodies, headers, keys)
};

// The server's shared state: the pool of open Searchers and the response
// cache (above). Not copyable.
class Site {
 public:
  // REQUIRES: options.data_dir is set.
  explicit Site(WebOptions options);
  ~Site();
  Site(const Site&) = delete;
  Site& operator=(const Site&) = delete;

  // Answers one request (no sockets: the server and the tests call it).
  // Never throws. Thread safe.
  WebResponse Handle(const WebRequest& request);

  const WebOptions& options() const;
  CacheStats cache_stats() const;          // zeros without a cache
  std::uint64_t searchers_opened() const;  // Searcher::Open calls so far (tests)

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Answers one request with a Site of its own (no cache; a Searcher opened
// for the request). REQUIRES: options.data_dir is set. Never throws.
WebResponse HandleRequest(const WebOptions& options, const WebRequest& request);

// Listens on site.options().host:port and serves until SIGTERM or SIGINT
// (then returns Ok; the two signals stay blocked in the calling thread). `on_listening` is called
// once with "HOST:PORT" (the real port when 0 was asked) before the first request is read. kRuntime
// when the address cannot be bound.
Status Serve(Site& site, const std::function<void(const std::string&)>& on_listening);

// ---- building blocks (pure; exposed for tests) ----------------------------

// Text or a double-quoted attribute value: & < > " ' escaped; bidi
// override and isolate controls (U+202A-202E, U+2066-2069) and other C0
// controls but tab and newline are dropped; invalid UTF-8 becomes U+FFFD.
std::string EscapeHtml(std::string_view text);
// A URL query component (RFC 3986 unreserved characters kept).
std::string EncodeUrlComponent(std::string_view text);
// A snippet with search::kMarkOn/kMarkOff markers as escaped HTML with
// <mark> elements; unbalanced markers are closed or dropped.
std::string SnippetHtml(std::string_view snippet);

// The search options a request's parameters ask for, or a kUsage error
// with the message the CLI gives for the same mistake.
Result<search::SearchOptions> ParseSearchParams(
    const std::vector<std::pair<std::string, std::string>>& params, const WebOptions& options);
// The parameters of `options` (the inverse; defaults left out), for links.
std::vector<std::pair<std::string, std::string>> SearchParams(const search::SearchOptions& options);
// The change log's filter a request's parameters ask for (since: a UTC day
// or a duration back from `now`, UNIX seconds; source, kind repeatable;
// limit, 0 = all), or a kUsage error with the message `changes` gives.
// Empty values are ignored (an empty form field).
Result<ChangeFilter> ParseChangesParams(
    const std::vector<std::pair<std::string, std::string>>& params, std::int64_t now);
// "/?q=...&lang=..." for the given parameters (path "/" unless given).
std::string SearchUrl(const std::vector<std::pair<std::string, std::string>>& params,
                      std::string_view path = "/");

// Where a replayed page's reference goes: the pressarc URL of an absolute,
// normalised URL the archive holds, or nullopt (the reference is removed).
using ReplayResolver = std::function<std::optional<std::string>(const std::string& url)>;

// An archived HTML page (UTF-8) written back safe to show (see above).
// `page_url` is the page's own URL (the base for relative references).
// Never fails. REQUIRES: the input bounded by DecodeAndBoundHtml
// (parser.h): Gumbo's cost grows with nesting depth.
std::string RewriteArchivedHtml(std::string_view utf8_html, const std::string& page_url,
                                const ReplayResolver& resolve);
// CSS (a style attribute or sheet) with url() to elsewhere, @import and
// image-set() neutralised; "" when it holds escapes (which could spell them).
std::string RewriteCss(std::string_view css, const std::string& page_url,
                       const ReplayResolver& resolve);

// The Content-Security-Policy of pressarc's own pages and of replays.
inline constexpr char kPageCsp[] =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";
inline constexpr char kReplayCsp[] =
    "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline' data:; "
    "font-src 'self' data:; media-src 'self' data:; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'self'; sandbox";

}  // namespace pressarc::web
