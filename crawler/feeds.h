// Sitemaps (sitemaps.org 0.9, sitemap indexes, gzip) and feeds (RSS 2.0,
// Atom 1.0): the URLs they list, newest first when dates are given.
// Internal to the crawler; tested directly. Never fails: malformed XML gives
// what could be read. Bounded: at most 50,000 entries per document and 50 MB
// of input (after gunzip); the document is streamed (SAX2, gunzipped on the
// fly), so memory does not grow with its size or number of elements, and
// the entities its DTD declares are never expanded nor read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pressarc {

struct FeedEntry {
  std::string url;       // absolute (resolved against the document URL)
  std::string modified;  // lastmod / pubDate / updated / published as ISO 8601, "" when absent
  bool is_sitemap = false;  // an entry of a sitemap index: another sitemap to read
  std::vector<std::pair<std::string, std::string>> alternates;  // (hreflang, url) from xhtml:link
};

enum class FeedKind { kNone, kSitemap, kSitemapIndex, kRss, kAtom };

struct FeedDocument {
  FeedKind kind = FeedKind::kNone;
  std::vector<FeedEntry> entries;
};

// Detects the kind from the root element; gunzips when the body is gzip.
FeedDocument ParseFeed(std::string_view body, std::string_view document_url);

}  // namespace pressarc
