// HandleRequest: from a path and parameters to a response.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "archive/archive.h"
#include "search/search.h"
#include "web/original.h"
#include "web/pages.h"
#include "web/response_cache.h"
#include "web/searcher_pool.h"
#include "web/web.h"

namespace pressarc::web {

namespace {

// The local index and the configured shards ([search] shards), as `search` opens them.
search::OpenOptions SearchOpenOptions(const WebOptions& options) {
  search::OpenOptions open;
  if (options.config) {
    open.shards = options.config->search.shards;
    open.shard_timeout_s = options.config->search.shard_timeout_s;
  }
  return open;
}

using internal::ErrorPage;

// What a request's handlers share: the options, and the pool of Searchers
// with the index revision the request began at.
struct Context {
  const WebOptions& options;
  internal::SearcherPool& pool;
  std::optional<std::string> revision;

  Result<internal::SearcherPool::Lease> OpenSearcher() { return pool.Checkout(revision); }
};

WebResponse Html(int status, std::string body) {
  WebResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

WebResponse Json(int status, std::string body) {
  WebResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

WebResponse JsonError(int status, const Status& s) {
  nlohmann::json o;
  o["error"] = s.message();
  if (!s.hint().empty()) o["hint"] = s.hint();
  return Json(status, o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

// 400 for what the client asked wrong, 404 for what is not there, 503 for
// an index that cannot answer now (none yet, damaged, changing).
int StatusFor(const Status& s) {
  if (s.code() == Status::Code::kUsage) return 400;
  if (s.message().starts_with("no article") || s.message().starts_with("no version")) return 404;
  return 503;
}

WebResponse HtmlError(const Status& s, const search::SearchOptions* form = nullptr) {
  const int status = StatusFor(s);
  return Html(status, ErrorPage(status, s.message(), s.hint(), form));
}

bool IsId(std::string_view s) {
  return s.size() == 16 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool HasSearchParams(const WebRequest& req) {
  for (const auto& [name, value] : req.params) {
    if (!value.empty() &&
        (name == "q" || name == "lang" || name == "source" || name == "from" || name == "to")) {
      return true;
    }
  }
  return false;
}

WebResponse SearchHtml(Context& ctx, const WebRequest& req) {
  const WebOptions& options = ctx.options;
  auto searcher = ctx.OpenSearcher();
  if (!HasSearchParams(req)) {
    if (!searcher.ok()) return HtmlError(searcher.status());
    WebResponse home = Html(200, internal::HomePage((*searcher)->DocumentCount()));
    home.cacheable = true;
    return home;
  }
  auto asked = ParseSearchParams(req.params, options);
  if (!asked.ok()) return HtmlError(asked.status());
  if (!searcher.ok()) return HtmlError(searcher.status(), &*asked);
  search::SearchOptions run = *asked;
  run.facets = true;
  run.highlight_markers = true;
  auto response = (*searcher)->Search(run);
  if (!response.ok()) return HtmlError(response.status(), &*asked);
  WebResponse page = Html(200, internal::SearchPage(*asked, *response));
  page.cacheable = response->warnings.empty();
  return page;
}

WebResponse SearchJson(Context& ctx, const WebRequest& req) {
  const WebOptions& options = ctx.options;
  auto asked = ParseSearchParams(req.params, options);
  if (!asked.ok()) return JsonError(400, asked.status());
  if (!HasSearchParams(req)) {
    return JsonError(400, Status::Usage("empty query: give words to search for, or filters",
                                        "e.g. /api/search?q=vaccine or /api/search?lang=ru"));
  }
  auto searcher = ctx.OpenSearcher();
  if (!searcher.ok()) return JsonError(StatusFor(searcher.status()), searcher.status());
  auto response = (*searcher)->Search(*asked);
  if (!response.ok()) return JsonError(StatusFor(response.status()), response.status());
  WebResponse json = Json(200, search::FormatSearch(*response, search::OutputFormat::kJson));
  json.cacheable = response->warnings.empty();
  return json;
}

// The versions of `id`, read as `history` reads them.
Result<search::ArticleHistory> History(const WebOptions& options, const std::string& id) {
  static const Config kDefaults;
  auto converter = RecordConverter::Create(options.config ? *options.config : kDefaults);
  if (!converter.ok()) return converter.status();
  return search::LoadHistory(options.data_dir, *converter, id);
}

enum class ArticleView { kPage, kOriginal, kJson, kHistoryJson };

WebResponse ArticlePage(const WebOptions& options, const search::StoredArticle& article) {
  if (article.versions <= 1) return Html(200, internal::ArticlePage(article));
  auto history = History(options, article.id);
  if (!history.ok()) {
    return Html(200, internal::ArticlePage(article, nullptr, history.status().message()));
  }
  return Html(200, internal::ArticlePage(article, &*history));
}

// /articles/ID, /archive/ID (also /articles/ID/original, its older name),
// /api/articles/ID, /api/articles/ID/history.
WebResponse Article(Context& ctx, std::string_view raw_id, ArticleView view) {
  const WebOptions& options = ctx.options;
  const bool json = view == ArticleView::kJson || view == ArticleView::kHistoryJson;
  std::string id(raw_id.substr(0, 64));
  for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const Status unknown = Status::Runtime("no article with id '" + std::string(id) + "'",
                                         "ids are the 16 hex digits search gives");
  if (!IsId(id)) return json ? JsonError(404, unknown) : HtmlError(unknown);
  auto searcher = ctx.OpenSearcher();
  if (!searcher.ok()) {
    return json ? JsonError(StatusFor(searcher.status()), searcher.status())
                : HtmlError(searcher.status());
  }
  auto article = (*searcher)->Show(id);
  if (!article.ok()) {
    return json ? JsonError(StatusFor(article.status()), article.status())
                : HtmlError(article.status());
  }
  switch (view) {
    case ArticleView::kJson:
      return Json(200, search::FormatArticleJson(*article));
    case ArticleView::kHistoryJson: {
      auto history = History(options, article->id);
      if (!history.ok()) return JsonError(StatusFor(history.status()), history.status());
      return Json(200, search::FormatHistoryJson(*history));
    }
    case ArticleView::kOriginal:
      return internal::ArchivedOriginal(
          options, ArchiveLocation{article->archive_file, article->archive_offset}, article->url,
          **searcher);
    case ArticleView::kPage:
      break;
  }
  return ArticlePage(options, *article);
}

// The archived response of version `version` of `article`: its location
// in the catalogue's versions (an article indexed before versions were
// kept has one, the indexed fetch); nullopt when there is no such version.
std::optional<ArchiveLocation> VersionLocation(const WebOptions& options,
                                               const search::StoredArticle& article, int version) {
  auto catalogue = Catalogue::OpenReadOnly(options.data_dir + "/state.sqlite");
  std::vector<ArticleVersion> versions;
  if (catalogue.ok()) versions = (*catalogue)->Versions(article.canonical_url);
  if (versions.empty() && version == 1) {
    return ArchiveLocation{article.archive_file, article.archive_offset};
  }
  for (const ArticleVersion& v : versions) {
    if (v.version == version) return v.archive;
  }
  return std::nullopt;
}

// /archive/ID (the indexed version) and /archive/ID/N (version N).
WebResponse Archive(Context& ctx, std::string_view rest) {
  const WebOptions& options = ctx.options;
  const std::size_t slash = rest.find('/');
  const std::string_view id = rest.substr(0, slash);
  if (slash == std::string_view::npos) return Article(ctx, id, ArticleView::kOriginal);
  const std::string_view number = rest.substr(slash + 1);
  const Status unknown =
      Status::Runtime("no version '" + std::string(number.substr(0, 20)) + "' of article '" +
                          std::string(id.substr(0, 64)) + "'",
                      "versions are numbered from 1; the article page lists them");
  int version = 0;
  const bool numeric =
      !number.empty() && number.size() <= 6 &&
      std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (numeric) version = std::stoi(std::string(number));
  if (version <= 0) return HtmlError(unknown);
  std::string lower(id.substr(0, 64));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!IsId(lower)) {
    return HtmlError(Status::Runtime("no article with id '" + lower + "'",
                                     "ids are the 16 hex digits search gives"));
  }
  auto searcher = ctx.OpenSearcher();
  if (!searcher.ok()) return HtmlError(searcher.status());
  auto article = (*searcher)->Show(lower);
  if (!article.ok()) return HtmlError(article.status());
  std::optional<ArchiveLocation> where = VersionLocation(options, *article, version);
  if (!where) return HtmlError(unknown);
  return internal::ArchivedOriginal(options, *where, article->url, **searcher);
}

// /changes and /api/changes: the change log for the `changes` flags.
WebResponse Changes(const WebOptions& options, const WebRequest& req, bool json) {
  auto filter = ParseChangesParams(req.params, static_cast<std::int64_t>(std::time(nullptr)));
  if (!filter.ok()) return json ? JsonError(400, filter.status()) : HtmlError(filter.status());
  std::size_t shown = filter->limit;
  if (!json) {
    if (shown == 0) shown = options.changes_page_events;
    shown = std::min(shown, options.max_changes_limit);
    filter->limit = shown + 1;  // one more tells whether the log goes on
  }
  auto events = search::LoadChanges(options.data_dir, *filter);
  if (!events.ok()) {
    return json ? JsonError(StatusFor(events.status()), events.status())
                : HtmlError(events.status());
  }
  if (json) return Json(200, search::FormatChanges(*events, search::OutputFormat::kJson));
  const bool more = events->size() > shown;
  if (more) events->resize(shown);
  return Html(200, internal::ChangesPage(req.params, *events, more));
}

// DATA/feeds/NAME.atom; NAME is letters, digits, '-', '_' and '.' inside.
WebResponse Feed(const WebOptions& options, std::string_view file) {
  const WebResponse missing =
      Html(404, ErrorPage(404, "no feed named '" + std::string(file.substr(0, 200)) + "'",
                          "feeds are DATA/feeds/NAME.atom", nullptr));
  if (!file.ends_with(".atom") || file.size() > 200) return missing;
  const std::string_view name = file.substr(0, file.size() - 5);
  const bool safe = !name.empty() && name.front() != '.' &&
                    std::all_of(name.begin(), name.end(),
                                [](char c) {
                                  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                                         c == '_' || c == '.';
                                }) &&
                    name.find("..") == std::string_view::npos;
  if (!safe) return missing;
  std::ifstream in(options.data_dir + "/feeds/" + std::string(file), std::ios::binary);
  if (!in) return missing;
  std::ostringstream ss;
  ss << in.rdbuf();
  WebResponse r;
  r.content_type = "application/atom+xml; charset=utf-8";
  r.body = ss.str();
  return r;
}

WebResponse Route(Context& ctx, const WebRequest& req) {
  const WebOptions& options = ctx.options;
  const std::string_view path = req.path;
  if (path == "/") return SearchHtml(ctx, req);
  if (path == "/static/style.css") {
    WebResponse r;
    r.content_type = "text/css; charset=utf-8";
    r.body = std::string(internal::StyleSheet());
    r.headers.emplace_back("Cache-Control", "max-age=3600");
    return r;
  }
  if (path == "/api/search") return SearchJson(ctx, req);
  if (path == "/changes") return Changes(options, req, /*json=*/false);
  if (path == "/api/changes") return Changes(options, req, /*json=*/true);
  if (path.starts_with("/api/articles/")) {
    std::string_view rest = path.substr(14);
    const bool history = rest.ends_with("/history");
    if (history) rest.remove_suffix(8);
    return Article(ctx, rest, history ? ArticleView::kHistoryJson : ArticleView::kJson);
  }
  if (path.starts_with("/archive/")) return Archive(ctx, path.substr(9));
  if (path.starts_with("/articles/")) {
    std::string_view rest = path.substr(10);
    const bool original = rest.ends_with("/original");
    if (original) rest.remove_suffix(9);
    return Article(ctx, rest, original ? ArticleView::kOriginal : ArticleView::kPage);
  }
  if (path.starts_with("/feeds/")) return Feed(options, path.substr(7));
  return Html(404, ErrorPage(404, "nothing here: " + std::string(path.substr(0, 200)),
                             "start from the search page", nullptr));
}

// The pages whose responses the cache keeps (web.h, "Response cache").
bool CachedPath(std::string_view path) {
  return path == "/" || path == "/api/search";
}

WebResponse NotAllowed(const WebRequest& req) {
  WebResponse r = Html(
      405,
      ErrorPage(405, "pressarc serve is read-only: " + req.method.substr(0, 20) + " is not allowed",
                "use GET", nullptr));
  r.headers.emplace_back("Allow", "GET, HEAD");
  return r;
}

WebResponse SafeRoute(Context& ctx, const WebRequest& req) {
  try {
    return Route(ctx, req);
  } catch (const std::exception& e) {
    return Html(503, ErrorPage(503, std::string("cannot answer now: ") + e.what(), "", nullptr));
  } catch (...) {  // e.g. a Xapian::Error the search module did not turn into a Status
    return Html(503, ErrorPage(503, "cannot answer now", "try again in a moment", nullptr));
  }
}

void AddSecurityHeaders(WebResponse* r) {
  bool has_csp = false;
  for (const auto& [name, value] : r->headers) has_csp |= name == "Content-Security-Policy";
  if (!has_csp) r->headers.emplace_back("Content-Security-Policy", kPageCsp);
  r->headers.emplace_back("X-Content-Type-Options", "nosniff");
  r->headers.emplace_back("Referrer-Policy", "no-referrer");
}

std::size_t PoolSize(const WebOptions& options) {
  if (options.searchers > 0) return options.searchers;
  return std::max<std::size_t>(2, 2 * std::thread::hardware_concurrency());
}

}  // namespace

struct Site::State {
  explicit State(WebOptions o)
      : options(std::move(o)),
        open(SearchOpenOptions(options)),
        pool(options.data_dir, open, PoolSize(options)) {
    if (options.cache_bytes > 0)
      cache = std::make_unique<internal::ResponseCache>(options.cache_bytes);
  }

  // From the cache when it has the page for this revision; else computed
  // (and kept when it may be).
  WebResponse Cached(Context& ctx, const WebRequest& req) {
    const std::string key = internal::RequestKey(req);
    if (std::optional<WebResponse> hit = cache->Get(*ctx.revision, key)) {
      hit->headers.emplace_back("X-Cache", "hit");
      return std::move(*hit);
    }
    WebResponse r = SafeRoute(ctx, req);
    if (r.status != 200 || !r.cacheable) return r;
    cache->Put(*ctx.revision, key, r);
    r.headers.emplace_back("X-Cache", "miss");
    return r;
  }

  WebResponse Handle(const WebRequest& req) {
    if (req.method != "GET" && req.method != "HEAD") return NotAllowed(req);
    Context ctx{options, pool, search::IndexRevision(options.data_dir, open)};
    if (cache && ctx.revision && CachedPath(req.path)) return Cached(ctx, req);
    return SafeRoute(ctx, req);
  }

  const WebOptions options;
  const search::OpenOptions open;
  internal::SearcherPool pool;
  std::unique_ptr<internal::ResponseCache> cache;  // nullptr: no cache
};

Site::Site(WebOptions options) : state_(std::make_unique<State>(std::move(options))) {}
Site::~Site() = default;

WebResponse Site::Handle(const WebRequest& request) {
  WebResponse r = state_->Handle(request);
  AddSecurityHeaders(&r);
  return r;
}

const WebOptions& Site::options() const {
  return state_->options;
}

CacheStats Site::cache_stats() const {
  return state_->cache ? state_->cache->stats() : CacheStats{};
}

std::uint64_t Site::searchers_opened() const {
  return state_->pool.opened();
}

WebResponse HandleRequest(const WebOptions& options, const WebRequest& req) {
  WebOptions once = options;
  once.cache_bytes = 0;
  once.searchers = 1;
  Site site(std::move(once));
  return site.Handle(req);
}

}  // namespace pressarc::web
