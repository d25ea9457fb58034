// Pipeline glue shared by crawl, import and reindex: which source a URL
// belongs to, the extraction options for it, and archived record → Article.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "crawler/warc.h"
#include "parser/parser.h"

namespace pressarc::cli {

// The configured source whose allow patterns (or, without them, whose start
// URLs' origins) cover `url`; nullptr when none does.
const SourceConfig* SourceForUrl(const Config& config, std::string_view url);

// Extraction options for a page of `source` (which may be nullptr).
ExtractOptions ExtractOptionsFor(const SourceConfig* source, const std::string& url,
                                 const std::string& content_type);

// Parses a WARC `response` (HTTP 2xx, HTML) or `resource` record into an
// Article, decoding any Content-Encoding. The article's source is, first
// that applies: `source_name` (import --source); the record's own
// Pressarc-Source field (what the crawl or import that archived it chose);
// the configured source covering the URL (SourceForUrl); the URL's host.
// Extraction hints come from the configured source of that name, else from
// the one covering the URL. nullopt when the record holds no HTML page. The
// article's links are not collected (it is indexed, not crawled).
std::optional<Article> ArticleFromRecord(const Config& config, const WarcRecord& record,
                                         const std::string& source_name);

}  // namespace pressarc::cli
