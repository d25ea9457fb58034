// Internal to web/: the archived original of an article (web.h).
#pragma once

#include "search/search.h"
#include "web/web.h"

namespace pressarc::web::internal {

// The response for /articles/ID/original: the record's body, HTML
// rewritten, under kReplayCsp; 404 with a plain message when the archive
// cannot give it. `searcher` resolves the page's references.
WebResponse ArchivedOriginal(const WebOptions& options, const search::StoredArticle& article,
                             search::Searcher& searcher);

}  // namespace pressarc::web::internal
