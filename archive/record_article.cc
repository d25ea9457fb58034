// RecordConverter: the one path from an archived record to an Article, used
// by crawl replay, import and reindex (archive.h).
#include <algorithm>

#include "archive/archive.h"
#include "config/ascii.h"

namespace pressarc {

bool LooksLikeHtml(std::string_view content_type, std::string_view body) {
  const std::string ct = AsciiLower(content_type);
  if (ct.find("html") != std::string::npos) return true;
  if (!ct.empty() && ct.find("text/plain") == std::string::npos &&
      ct.find("octet-stream") == std::string::npos) {
    return false;
  }
  const std::string head = AsciiLower(body.substr(0, 1024));
  return head.find("<html") != std::string::npos ||
         head.find("<!doctype html") != std::string::npos ||
         head.find("<body") != std::string::npos || head.find("<p") != std::string::npos;
}

Result<RecordConverter> RecordConverter::Create(const Config& config,
                                                const RecordOptions& options) {
  RecordConverter converter(&config, options);
  converter.scopes_.reserve(config.sources.size());
  for (const auto& source : config.sources) {
    auto scope = SourceScope::Build(source);
    if (!scope.ok()) return scope.status();
    converter.scopes_.push_back(std::move(scope.value()));
  }
  return converter;
}

const SourceConfig* RecordConverter::SourceFor(std::string_view url) const {
  for (std::size_t i = 0; i < scopes_.size(); ++i) {
    if (scopes_[i].InScope(url)) return &config_->sources[i];
  }
  return nullptr;
}

namespace {

// The page a record holds: its Content-Type and decoded body; false when
// the record holds none (not a 2xx response or a resource, or undecodable).
bool RecordBody(const WarcRecord& record, std::size_t max_bytes, std::string* content_type,
                std::string* body) {
  const std::string type = record.Type();
  if (type == "resource") {
    *content_type = FindHeader(record.headers, "Content-Type");
    *body = record.block;
    return true;
  }
  if (type != "response") return false;
  auto http = ParseHttpResponse(record.block);
  if (!http.ok() || http->status < 200 || http->status >= 300) return false;
  *content_type = FindHeader(http->headers, "Content-Type");
  auto decoded =
      DecodeContentEncoding(http->body, FindHeader(http->headers, "Content-Encoding"), max_bytes);
  if (!decoded.ok()) return false;
  *body = std::move(decoded.value());
  return true;
}

}  // namespace

std::optional<Article> RecordConverter::Convert(const WarcRecord& record,
                                                const std::string& forced_source) const {
  std::string content_type;
  std::string body;
  if (!RecordBody(record, options_.max_body_bytes, &content_type, &body)) return std::nullopt;
  if (!LooksLikeHtml(content_type, body)) return std::nullopt;
  const std::string url = record.TargetUri();
  // The name: forced, else the one the archive recorded, else the configured
  // source covering the URL, else the host. The hints: the configured source
  // of that name, else the one covering the URL (a renamed source).
  const std::string name = !forced_source.empty() ? forced_source : record.Source();
  const SourceConfig* source = name.empty() ? nullptr : config_->FindSource(name);
  if (source == nullptr) source = SourceFor(url);
  ExtractOptions options = ExtractOptionsForSource(source, url, content_type);
  options.collect_links = options_.collect_links;
  Article article = ExtractArticle(body, options);
  if (!name.empty()) {
    article.source = name;
  } else if (source != nullptr) {
    article.source = source->name;
  } else {
    article.source = UrlHost(url);
  }
  if (article.source.empty()) article.source = "local";
  if (article.url.empty()) article.url = url;
  if (article.canonical_url.empty()) article.canonical_url = article.url;
  return article;
}

}  // namespace pressarc
