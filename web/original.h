// Internal to web/: the archived original of an article (web.h).
#pragma once

#include "search/search.h"
#include "web/web.h"

namespace pressarc::web::internal {

// The response for /archive/ID (the indexed version) and /archive/ID/N
// (version N): the body of the record at `where`, HTML rewritten, under
// kReplayCsp; 404 with a plain message when the archive cannot give it.
// `page_url` is the article's URL (the base of relative references when the
// record names none); `searcher` resolves the page's references.
WebResponse ArchivedOriginal(const WebOptions& options, const ArchiveLocation& where,
                             const std::string& page_url, search::Searcher& searcher);

// The replay URL of an article: "/archive/ID", or "/archive/ID/N" for its
// version N (> 0).
std::string ArchiveUrl(std::string_view id, int version = 0);

}  // namespace pressarc::web::internal
