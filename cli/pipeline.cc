#include "cli/pipeline.h"

#include <algorithm>
#include <cctype>

namespace pressarc::cli {
namespace {

bool LooksLikeHtml(std::string_view content_type, std::string_view body) {
  std::string ct(content_type);
  std::transform(ct.begin(), ct.end(), ct.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ct.find("html") != std::string::npos) return true;
  if (!ct.empty() && ct.find("text/plain") == std::string::npos &&
      ct.find("octet-stream") == std::string::npos) {
    return false;
  }
  std::string head(body.substr(0, 1024));
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return head.find("<html") != std::string::npos ||
         head.find("<!doctype html") != std::string::npos ||
         head.find("<body") != std::string::npos || head.find("<p") != std::string::npos;
}

}  // namespace

const SourceConfig* SourceForUrl(const Config& config, std::string_view url) {
  for (const auto& s : config.sources) {
    if (!s.allow.empty()) {
      for (const auto& p : s.allow) {
        auto pat = UrlPattern::Compile(p);
        if (pat.ok() && pat->Search(url)) return &s;
      }
    } else {
      std::string origin = UrlOrigin(url);
      for (const auto& start : s.start_urls) {
        if (!origin.empty() && UrlOrigin(start) == origin) return &s;
      }
    }
  }
  return nullptr;
}

ExtractOptions ExtractOptionsFor(const SourceConfig* source, const std::string& url,
                                 const std::string& content_type) {
  return ExtractOptionsForSource(source, url, content_type);
}

std::optional<Article> ArticleFromRecord(const Config& config, const WarcRecord& record,
                                         const std::string& source_name) {
  std::string type = record.Type();
  std::string url = record.TargetUri();
  std::string content_type;
  std::string body;
  if (type == "response") {
    auto http = ParseHttpResponse(record.block);
    if (!http.ok() || http->status < 200 || http->status >= 300) return std::nullopt;
    content_type = FindHeader(http->headers, "Content-Type");
    auto decoded =
        DecodeContentEncoding(http->body, FindHeader(http->headers, "Content-Encoding"), 64u << 20);
    if (!decoded.ok()) return std::nullopt;
    body = std::move(decoded.value());
  } else if (type == "resource") {
    content_type = FindHeader(record.headers, "Content-Type");
    body = record.block;
  } else {
    return std::nullopt;
  }
  if (!LooksLikeHtml(content_type, body)) return std::nullopt;
  // The name: forced, else the one the archive recorded, else the configured
  // source covering the URL, else the host. The hints: the configured source
  // of that name, else the one covering the URL (a renamed source).
  const std::string name = !source_name.empty() ? source_name : record.Source();
  const SourceConfig* source = name.empty() ? nullptr : config.FindSource(name);
  if (source == nullptr) source = SourceForUrl(config, url);
  ExtractOptions options = ExtractOptionsFor(source, url, content_type);
  options.collect_links = false;  // indexed, not crawled
  Article article = ExtractArticle(body, options);
  if (!name.empty()) {
    article.source = name;
  } else if (source) {
    article.source = source->name;
  } else {
    article.source = UrlHost(url);
  }
  return article;
}

}  // namespace pressarc::cli
