// Parser: raw HTTP body bytes → Article.
//
// Decodes the bytes (HTTP charset, BOM, <meta charset>, http-equiv, else ICU
// detection; converted to UTF-8 and NFC), parses with Gumbo, finds the main
// content with a generic algorithm (structure, text and link density,
// paragraph shape) plus optional per-source hints, strips boilerplate, and
// reads the metadata: title (the article's heading, not <title>),
// publication date, language, canonical URL, translation key, links, and the
// page kind.
//
// Never fails: any bytes give an Article (kind kOther when nothing useful is
// found). Cost is bounded: input is capped at ExtractOptions::max_input_bytes,
// DOM depth and node counts are capped, and text scans are linear.
//
// Per-source hints (ExtractHints in config/config.h) use a CSS selector
// subset: tag, *, .class, #id, [attr], [attr=v], [attr*=v], [attr^=v],
// [attr$=v], [attr~=v], descendant (space) and child (>) combinators, and
// comma lists. Anything else (pseudo-classes, +, ~) makes the selector match
// nothing. `content` selectors replace the generic content finder; `strip`
// ones are removed first; `strip_text` sentences are cut from the text.
//
// Also here: URL resolution and normalisation, shared by the crawler.
//
// Thread safety: all functions are reentrant; no global mutable state after
// first use (ICU converters are created per call).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace pressarc {

enum class PageKind {
  kArticle,    // one press release / news item
  kListing,    // a list of links to articles (index page, category, search)
  kChallenge,  // anti-bot interstitial ("Data processing... Please, wait.", /TSPD/)
  kNotFound,   // a soft or hard 404 page
  kOther,      // anything else (home page, about, empty)
};
const char* PageKindName(PageKind kind);  // "article", "listing", "challenge", "not_found", "other"

// A link to the same document in another language (hreflang alternates).
struct AlternateLink {
  std::string url;
  std::string language;
};

struct Article {
  std::string url;            // the URL it was fetched from (normalised)
  std::string canonical_url;  // <link rel=canonical> / og:url when in scope, else url
  std::string title;          // the article's heading
  // ISO 8601 as the page gives it: "2023-02-28", "2023-02-28T16:25:00" (seconds
  // always written), "2023-02-28T16:25:00+04:00" when the page or the source's
  // timezone_offset gives an offset; "" = unknown (never guessed; a date
  // without a year is unknown).
  std::string published;
  std::string language;                   // ISO 639-1 ("az", "ru", "en"); "" = unknown
  std::string text;                       // clean text; paragraphs joined by "\n\n"
  std::string source;                     // the configured source name (filled by the caller)
  std::string translation_key;            // "" when none
  std::string description;                // meta description / og:description, when given
  std::vector<std::string> links;         // absolute, normalised, in document order, deduplicated
  std::vector<std::string> feed_links;    // RSS/Atom <link rel=alternate> in the head
  std::vector<AlternateLink> alternates;  // hreflang alternates
  PageKind kind = PageKind::kOther;
  std::string charset;  // the charset the bytes were decoded from
  // No content candidate passed, and `text` is the page's best text block
  // (a last resort, so that a page with text never gives an empty text).
  bool fallback = false;
};

struct ExtractOptions {
  std::string url;                    // where the page came from; base for relative links
  std::string content_type;           // the HTTP Content-Type header, "" when unknown
  std::string default_language;       // used when the page does not say
  std::string translation_key_regex;  // group 1 of a match on the URL (or canonical URL)
  // The source's local offset ("+04:00"), given to a date-time the page shows
  // without one ("28.02.2023 15:30" → "2023-02-28T15:30:00+04:00"). Dates stay
  // dates, an offset the page gives wins, and nothing is converted to UTC.
  std::string timezone_offset;
  ExtractHints hints;                             // per-source selectors
  std::vector<std::string> article_url_patterns;  // URLs matching any of these are articles
  std::size_t max_input_bytes = 50u << 20;        // bytes beyond this are ignored
  // Resolve and return the page's links (Article::links), which a crawler
  // needs and an indexer does not: resolving a menu's hundreds of links is a
  // tenth of the extraction's time. Feed links and alternates are always returned.
  bool collect_links = true;
};

// Extraction options for a page of a configured source (nullptr = no source:
// generic extraction only). Shared by the crawler, import and reindex.
ExtractOptions ExtractOptionsForSource(const SourceConfig* source, const std::string& url,
                                       const std::string& content_type);

// The whole extraction. Never fails.
Article ExtractArticle(std::string_view bytes, const ExtractOptions& options);

// For showing an archived page again (web/): the bytes decoded to UTF-8 as
// ExtractArticle decodes them (charset from `content_type`, BOM, <meta>,
// else detected), then bounded as it bounds them before Gumbo (nesting
// depth, tag count, tag length and size capped; comments and the content of
// scripts and style sheets dropped). Never fails; linear time.
std::string DecodeAndBoundHtml(std::string_view bytes, std::string_view content_type);

// Resolves `href` against `base` (RFC 3986) and normalises the result:
// lower-case scheme and host, default port dropped, path dot-segments
// removed, percent-encoding normalised, fragment dropped, utm_* / fbclid /
// gclid / session-id parameters dropped, empty query dropped.
// Returns "" for anything that is not an http(s) URL (mailto:, javascript:,
// data:, malformed).
std::string ResolveUrl(std::string_view base, std::string_view href);
inline std::string NormalizeUrl(std::string_view url) {
  return ResolveUrl("", url);
}

// "scheme://host[:port]" of an absolute URL, "" when not http(s).
std::string UrlOrigin(std::string_view url);
// The host, lower-case, without port.
std::string UrlHost(std::string_view url);
// Path plus query ("/a/b?x=1"), "/" when empty.
std::string UrlPathAndQuery(std::string_view url);

}  // namespace pressarc
