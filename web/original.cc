// The archived original of an article: its WARC record, decoded, rewritten.
#include "web/original.h"

#include <filesystem>
#include <string>

#include "archive/archive.h"
#include "parser/parser.h"
#include "web/web.h"

namespace pressarc::web::internal {

namespace {

// The record's file: relative names are in DATA/archive/ (and may not leave
// it); absolute ones are imports read in place, as the index recorded them.
std::optional<std::string> RecordPath(const std::string& data_dir, const std::string& file) {
  if (file.empty()) return std::nullopt;
  const std::filesystem::path p(file);
  if (p.is_absolute()) return file;
  for (const auto& part : p) {
    if (part == "..") return std::nullopt;
  }
  return (std::filesystem::path(data_dir) / "archive" / p).string();
}

struct Body {
  std::string content_type;
  std::string bytes;
};

Result<Body> RecordBody(const WarcRecord& record, std::size_t max_bytes) {
  const std::string type = record.Type();
  if (type == "resource") {
    return Body{FindHeader(record.headers, "Content-Type"), record.block};
  }
  if (type != "response") {
    return Status::Runtime("the archive holds no body for this page (a " + type + " record)");
  }
  auto http = ParseHttpResponse(record.block);
  if (!http.ok()) return http.status();
  std::string encoding = FindHeader(http->headers, "Content-Encoding");
  std::string body = std::move(http->body);
  if (!encoding.empty()) {
    auto decoded = DecodeContentEncoding(body, encoding, max_bytes);
    if (!decoded.ok()) return decoded.status();
    body = std::move(*decoded);
  }
  return Body{FindHeader(http->headers, "Content-Type"), std::move(body)};
}

// A Content-Type safe to pass on for a body that is not HTML.
std::string PlainType(const std::string& type) {
  const std::string base = type.substr(0, type.find(';'));
  if (base.starts_with("image/") && base != "image/svg+xml") return base;
  return "text/plain; charset=utf-8";
}

}  // namespace

std::string ArchiveUrl(std::string_view id, int version) {
  std::string url = "/archive/" + EncodeUrlComponent(id);
  if (version > 0) url += "/" + std::to_string(version);
  return url;
}

WebResponse ArchivedOriginal(const WebOptions& options, const ArchiveLocation& where,
                             const std::string& article_url, search::Searcher& searcher) {
  WebResponse r;
  auto fail = [&](int status, const std::string& message) {
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = message + "\n";
    return r;
  };
  auto path = RecordPath(options.data_dir, where.file);
  if (!path) return fail(404, "the index names no archive record for this article");
  auto record = ReadWarcRecordAt(*path, where.offset);
  if (!record.ok())
    return fail(404, "cannot read the archived record: " + record.status().message());
  auto body = RecordBody(*record, options.max_original_bytes);
  if (!body.ok()) return fail(404, body.status().message());
  if (body->bytes.size() > options.max_original_bytes) {
    return fail(404, "the archived body is too large to show here");
  }
  r.headers.emplace_back("Content-Security-Policy", kReplayCsp);
  if (!LooksLikeHtml(body->content_type, body->bytes)) {
    r.content_type = PlainType(body->content_type);
    r.body = std::move(body->bytes);
    return r;
  }
  const std::string page_url = record->TargetUri().empty() ? article_url : record->TargetUri();
  ReplayResolver resolve = [&](const std::string& url) -> std::optional<std::string> {
    auto id = searcher.FindId(url);
    if (!id) return std::nullopt;
    return ArchiveUrl(*id);
  };
  r.body =
      RewriteArchivedHtml(DecodeAndBoundHtml(body->bytes, body->content_type), page_url, resolve);
  return r;
}

}  // namespace pressarc::web::internal
