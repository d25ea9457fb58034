// ExtractArticle: decoding → bounded HTML → Gumbo DOM → metadata scan →
// boilerplate marking → main content → title, date, language, kind.
//
// Text: the main content (content.cc); JSON-LD articleBody instead when the
// HTML gives less than half of it (pages that render the body by script);
// the best text block, with Article::fallback, when nothing else gives text.
//
// Dates: the first of, in order: the source's date selector; JSON-LD
// datePublished; meta article:published_time and friends; JSON-LD
// dateCreated; <time>/itemprop=datePublished marked as published; the
// date-like element (class or id words date, time, published…) nearest to
// the title; a dateline at the start of the heading; a date in the lead of
// the article (its first 600 bytes, link text left out); a date-like element
// inside boilerplate; a /YYYY/MM/DD/ URL. A date of another item is never
// taken: one inside a link or list item, or beside a linked title in a small
// block that holds neither the heading nor the content (related news). The
// result is the page's own reading (a date, or a date-time with seconds,
// with the offset only when the page gives one). A date-time the page gives
// without an offset gets the source's ExtractOptions::timezone_offset; it is
// never converted to UTC.
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "config/ascii.h"
#include "parser/internal.h"
#include "parser/parser.h"

namespace pressarc {
namespace {

using parser_internal::CollapseSpace;
using parser_internal::Dom;
using parser_internal::FindTextDate;
using parser_internal::ParseMachineDate;
using parser_internal::Selector;

constexpr std::size_t kMaxLinks = 20000;
// Below this many characters of text the extraction is retried without the
// class/id heuristics.
constexpr std::size_t kRetryBelowChars = 500;
// JSON-LD articleBody replaces the HTML's text when it is at least this long
// and more than twice as long.
constexpr std::size_t kMinJsonLdBodyChars = 200;

bool Contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

struct PageScan {
  std::string html_lang;
  std::string title_tag;
  std::vector<std::pair<std::string, std::string>> metas;  // lower key → content
  std::string canonical_href;
  std::string base_href;
  std::vector<std::string> jsonld;
  std::vector<int> h1s;
  std::vector<int> time_elems;
  std::vector<int> date_props;
  std::vector<int> anchors;
  std::vector<std::pair<std::string, std::string>> link_alternates;  // (rel+type, href) raw
  std::vector<int> alternate_links;
  bool site_error = false;
};

// The raw text of a <script> (Dom::Text skips scripts).
std::string ScriptText(const Dom& dom, int i, std::size_t max_bytes) {
  std::string out;
  for (int j = i + 1; j < dom[i].end && out.size() < max_bytes; ++j)
    if (dom[j].is_text) out += dom.NodeText(j);
  return out;
}

PageScan Scan(const Dom& dom) {
  PageScan s;
  for (int i = 0; i < dom.size(); ++i) {
    const auto& n = dom[i];
    if (n.is_text) continue;
    switch (n.tag) {
      case GUMBO_TAG_HTML:
        if (s.html_lang.empty()) {
          s.html_lang = std::string(dom.Attr(i, "lang"));
          if (s.html_lang.empty()) s.html_lang = std::string(dom.Attr(i, "xml:lang"));
        }
        break;
      case GUMBO_TAG_TITLE:
        if (s.title_tag.empty()) s.title_tag = dom.Text(i, false, 4096);
        break;
      case GUMBO_TAG_BASE:
        if (s.base_href.empty()) s.base_href = std::string(dom.Attr(i, "href"));
        break;
      case GUMBO_TAG_META: {
        std::string_view content = dom.Attr(i, "content");
        for (const char* attr : {"property", "name", "itemprop", "http-equiv"}) {
          std::string_view key = dom.Attr(i, attr);
          if (!key.empty() && !content.empty() && s.metas.size() < 2000)
            s.metas.emplace_back(AsciiLower(key), std::string(content));
        }
        break;
      }
      case GUMBO_TAG_LINK: {
        std::string rel = AsciiLower(dom.Attr(i, "rel"));
        if (Contains(rel, "canonical") && s.canonical_href.empty())
          s.canonical_href = std::string(dom.Attr(i, "href"));
        if (Contains(rel, "alternate") && s.alternate_links.size() < 500)
          s.alternate_links.push_back(i);
        break;
      }
      case GUMBO_TAG_SCRIPT:
        if (Contains(AsciiLower(dom.Attr(i, "type")), "ld+json") && s.jsonld.size() < 20)
          s.jsonld.push_back(ScriptText(dom, i, 1 << 20));
        break;
      case GUMBO_TAG_H1:
        if (s.h1s.size() < 50) s.h1s.push_back(i);
        break;
      case GUMBO_TAG_TIME:
        if (s.time_elems.size() < 200) s.time_elems.push_back(i);
        break;
      case GUMBO_TAG_A:
      case GUMBO_TAG_AREA:
        if (s.anchors.size() < kMaxLinks * 2) s.anchors.push_back(i);
        break;
      default:
        break;
    }
    if (dom.Attr(i, "itemprop") == "datePublished" && s.date_props.size() < 20)
      s.date_props.push_back(i);
    if (!s.site_error && Contains(dom.Attr(i, "class"), "site-error")) s.site_error = true;
  }
  return s;
}

std::string Meta(const PageScan& s, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys)
    for (const auto& [key, value] : s.metas)
      if (key == k) {
        std::string v = CollapseSpace(value);
        if (!v.empty()) return v;
      }
  return "";
}

// ---- JSON-LD ---------------------------------------------------------------

// What the page's JSON-LD says about its article.
struct JsonLd {
  std::string published, created, headline;
  std::string body;  // articleBody
};

void FindJsonKeys(const nlohmann::json& j, int depth, JsonLd* ld) {
  if (depth > 12) return;
  if (j.is_array()) {
    for (const auto& e : j) FindJsonKeys(e, depth + 1, ld);
  } else if (j.is_object()) {
    auto take = [&](const char* key, std::string* out) {
      auto it = j.find(key);
      if (out->empty() && it != j.end() && it->is_string()) *out = it->get<std::string>();
    };
    take("datePublished", &ld->published);
    take("dateCreated", &ld->created);
    take("headline", &ld->headline);
    take("articleBody", &ld->body);
    for (const auto& [k, v] : j.items())
      if (v.is_object() || v.is_array()) FindJsonKeys(v, depth + 1, ld);
  }
}

// articleBody as paragraphs: plain text split at line breaks, or, when it
// holds markup, the text of that markup.
std::string ArticleBodyText(const std::string& body) {
  bool markup = false;
  for (std::size_t p = body.find('<'); p != std::string::npos && !markup; p = body.find('<', p + 1))
    markup = p + 1 < body.size() &&
             (std::isalpha(static_cast<unsigned char>(body[p + 1])) || body[p + 1] == '/');
  if (markup) {
    std::string bounded = parser_internal::BoundHtml(body);
    Dom dom(bounded);
    if (dom.size() == 0) return "";
    int root = 0;
    for (int i = 0; i < dom.size(); ++i)
      if (dom[i].tag == GUMBO_TAG_BODY) root = i;
    return parser_internal::ExtractContent(dom, {root}, "").text;
  }
  std::string out;
  std::size_t i = 0;
  while (i < body.size()) {
    std::size_t j = body.find('\n', i);
    if (j == std::string::npos) j = body.size();
    std::string para = CollapseSpace(std::string_view(body).substr(i, j - i));
    if (!para.empty()) out += (out.empty() ? "" : "\n\n") + para;
    i = j + 1;
  }
  return out;
}

// ---- title -------------------------------------------------------------------

// "Title | Site" → "Title"; keeps the longer side of the outermost separator.
std::string StripSiteName(const std::string& title, const std::string& site_name) {
  static const char* kSeps[] = {" | ", " - ", " — ", " – ", " :: ", " » ", " « ", " / ", " · "};
  std::string t = title;
  if (!site_name.empty() && t.size() > site_name.size() + 3) {
    if (t.compare(t.size() - site_name.size(), site_name.size(), site_name) == 0) {
      t.resize(t.size() - site_name.size());
    } else if (t.compare(0, site_name.size(), site_name) == 0) {
      t = t.substr(site_name.size());
    }
    t = CollapseSpace(t);
    for (const char* sep : kSeps) {
      std::string_view s = std::string_view(sep).substr(1, std::string_view(sep).size() - 2);
      if (t.size() > s.size() && t.compare(t.size() - s.size(), s.size(), s) == 0)
        t = CollapseSpace(t.substr(0, t.size() - s.size()));
      if (t.size() > s.size() && t.compare(0, s.size(), s) == 0)
        t = CollapseSpace(t.substr(s.size()));
    }
    if (t != title) return t;
  }
  std::size_t best_pos = std::string::npos, best_len = 0;
  for (const char* sep : kSeps) {
    std::size_t p = t.rfind(sep);
    if (p != std::string::npos && (best_pos == std::string::npos || p > best_pos)) {
      best_pos = p;
      best_len = std::string_view(sep).size();
    }
  }
  if (best_pos == std::string::npos) return t;
  std::string left = t.substr(0, best_pos), right = t.substr(best_pos + best_len);
  // "Title | Site" is the common order; "Site | Title" when the left side is
  // clearly the shorter one.
  if (parser_internal::Utf8Length(left) * 10 >= parser_internal::Utf8Length(right) * 6) return left;
  // "Site | Title": the first separator.
  std::size_t first = std::string::npos, first_len = 0;
  for (const char* sep : kSeps) {
    std::size_t p = t.find(sep);
    if (p != std::string::npos && p < first) {
      first = p;
      first_len = std::string_view(sep).size();
    }
  }
  return t.substr(first + first_len);
}

std::string ChooseTitle(const Dom& dom, const PageScan& scan, const ExtractHints& hints,
                        const std::string& jsonld_headline, int* title_node) {
  *title_node = -1;
  if (!hints.title.empty()) {
    Selector sel(hints.title);
    for (int i : sel.MatchAll(dom)) {
      std::string t = dom.Text(i, false, 4096);
      if (!t.empty()) {
        *title_node = i;
        return t;
      }
    }
  }
  std::string og = Meta(scan, {"og:title", "twitter:title"});
  std::string tag = scan.title_tag;
  std::string site = Meta(scan, {"og:site_name"});
  std::string best;
  int best_node = -1, best_score = -1;
  for (int i : scan.h1s) {
    std::string t = dom.Text(i, false, 4096);
    if (t.empty() || t.size() > 1000) continue;
    int score = 1;
    if (!tag.empty() && (Contains(tag, t) || Contains(t, StripSiteName(tag, site)))) score += 4;
    if (!og.empty() && (Contains(og, t) || Contains(t, og))) score += 4;
    if (!jsonld_headline.empty() && Contains(jsonld_headline, t)) score += 3;
    if (dom.IsInRemoved(i)) score -= 1;
    if (parser_internal::Utf8Length(t) < 8) score -= 2;  // a logo or "News"
    if (score > best_score) {
      best_score = score;
      best = t;
      best_node = i;
    }
  }
  if (best_node >= 0 && (best_score >= 1 || (og.empty() && tag.empty()))) {
    *title_node = best_node;
    return best;
  }
  if (!og.empty()) return StripSiteName(og, site);
  if (!jsonld_headline.empty()) return CollapseSpace(jsonld_headline);
  if (!tag.empty()) return StripSiteName(tag, site);
  if (best_node >= 0) {
    *title_node = best_node;
    return best;
  }
  // Any other heading.
  for (int i = 0; i < dom.size(); ++i) {
    if (dom[i].tag == GUMBO_TAG_H2 && !dom.IsInRemoved(i)) {
      std::string t = dom.Text(i, false, 4096);
      if (!t.empty()) {
        *title_node = i;
        return t;
      }
    }
  }
  return "";
}

// ---- dates ---------------------------------------------------------------------

bool IsDateish(std::string_view cls, std::string_view id) {
  return parser_internal::ClassWords(cls, id).Has({"date", "time", "dateline", "timestamp",
                                                   "publish", "published", "posted", "created",
                                                   "byline", "meta", "info", "tarix"});
}

bool HasTime(const std::string& d) {
  return d.size() > 10;
}

// The date in an element's text; when it has no time, looks for the time in
// the surrounding element (split date and time elements).
std::string DateFromElement(const Dom& dom, int i) {
  for (const char* attr : {"datetime", "content", "data-date", "title"}) {
    std::string_view v = dom.Attr(i, attr);
    if (!v.empty()) {
      std::string d = ParseMachineDate(v);
      if (!d.empty()) return d;
    }
  }
  // A machine-readable date inside the element (<time datetime> in a date div).
  for (int j = i + 1; j < dom[i].end && j < i + 40; ++j) {
    if (dom[j].is_text) continue;
    for (const char* attr : {"datetime", "content"}) {
      std::string_view v = dom.Attr(j, attr);
      if (v.empty()) continue;
      std::string d = ParseMachineDate(v);
      if (!d.empty()) return d;
    }
  }
  std::string text = dom.Text(i, false, 2048);
  if (text.size() > 600) return "";
  std::string d = FindTextDate(text);
  if (d.empty() || HasTime(d)) return d;
  int p = dom[i].parent;
  for (int up = 0; up < 2 && p >= 0; ++up, p = dom[p].parent) {
    std::string around = dom.Text(p, false, 2048);
    if (around.size() > 600) break;
    std::string d2 = FindTextDate(around);
    if (d2.size() > d.size() && d2.compare(0, 10, d) == 0) return d2;
  }
  return d;
}

std::string DateFromUrl(std::string_view url) {
  // /2023/02/28/ or /2023-02-28/
  for (std::size_t i = 0; i + 11 <= url.size(); ++i) {
    if (url[i] != '/') continue;
    auto dig = [&](std::size_t p, std::size_t n) {
      if (p + n > url.size()) return -1;
      int v = 0;
      for (std::size_t k = 0; k < n; ++k) {
        if (url[p + k] < '0' || url[p + k] > '9') return -1;
        v = v * 10 + (url[p + k] - '0');
      }
      return v;
    };
    int y = dig(i + 1, 4);
    if (y < 1995 || y > 2100) continue;
    char sep = i + 5 < url.size() ? url[i + 5] : 0;
    if (sep != '/' && sep != '-') continue;
    int m = dig(i + 6, 2), d = dig(i + 9, 2);
    if (m < 1 || m > 12 || d < 1 || d > 31 || i + 8 >= url.size() || url[i + 8] != sep) continue;
    if (i + 11 < url.size() && url[i + 11] >= '0' && url[i + 11] <= '9') continue;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return ParseMachineDate(buf);
  }
  return "";
}

// A date of another item: inside a link or a list item, or beside a link to
// another article (a teaser: a date and a linked title) in a small block
// that holds neither the heading nor the article's content.
// A link to another item: a title (20 characters or more) that does not
// lead up to a section holding this page (a breadcrumb's "Press releases").
bool IsLinkToAnotherItem(const Dom& dom, int a, const std::string& page_url) {
  if (parser_internal::Utf8Length(dom.Text(a, false, 512)) < 20) return false;
  std::string target = ResolveUrl(page_url, dom.Attr(a, "href"));
  if (target.empty() || page_url.empty()) return true;
  std::string path = UrlPathAndQuery(target), page = UrlPathAndQuery(page_url);
  return UrlHost(target) != UrlHost(page_url) || page.rfind(path, 0) != 0;
}

bool IsOtherItemsDate(const Dom& dom, int i, int title_node, int content_top,
                      const std::string& page_url) {
  for (int p = i, up = 0; p >= 0 && up < 8; p = dom[p].parent, ++up)
    if (dom[p].tag == GUMBO_TAG_A || dom[p].tag == GUMBO_TAG_LI) return true;
  for (int p = dom[i].parent, up = 0; p >= 0 && up < 3; p = dom[p].parent, ++up) {
    if ((title_node >= 0 && dom.IsAncestor(p, title_node)) ||
        (content_top >= 0 && (dom.IsAncestor(p, content_top) || dom.IsAncestor(content_top, p))))
      return false;
    if (dom[p].end - p > 80) return false;
    for (int j = p + 1; j < dom[p].end; ++j)
      if (dom[j].tag == GUMBO_TAG_A && !dom[j].is_text && !dom.IsAncestor(j, i) &&
          IsLinkToAnotherItem(dom, j, page_url))
        return true;
  }
  return false;
}

// The date of the date-like element (class or id saying date, time,
// published…, or <time>) nearest to the heading, in boilerplate blocks or
// outside them; dates of other items are skipped.
std::string NearestDateElement(const Dom& dom, int title_node, int content_top, bool in_removed,
                               const std::string& page_url) {
  int anchor = title_node >= 0 ? title_node : 0;
  std::string best;
  int best_dist = 1 << 30;
  int considered = 0;
  for (int i = 0; i < dom.size() && considered < 400; ++i) {
    if (dom[i].is_text) continue;
    bool is_time = dom[i].tag == GUMBO_TAG_TIME;
    if (!is_time && !IsDateish(dom.Attr(i, "class"), dom.Attr(i, "id")) &&
        dom.Attr(i, "itemprop") != "datePublished")
      continue;
    if (dom[i].end - i > 200) continue;  // a big container, not a date element
    ++considered;
    int dist = std::abs(i - anchor);
    if (i < anchor) dist += 50;  // after the heading is likelier than before it
    if (dist >= best_dist || (title_node >= 0 && dist > 400)) continue;
    if (dom.IsInRemoved(i) != in_removed ||
        IsOtherItemsDate(dom, i, title_node, content_top, page_url))
      continue;
    std::string d = DateFromElement(dom, i);
    if (d.empty()) continue;
    best = d;
    best_dist = dist;
  }
  return best;
}

// A dateline at the start of the heading ("No: 176, 21 June 2023, Press
// Release Regarding …"); a date further on names an event, not the day.
std::string HeadingDate(const std::string& title) {
  std::size_t cut = std::min<std::size_t>(title.size(), 64);
  while (cut < title.size() && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) ++cut;
  return FindTextDate(std::string_view(title).substr(0, cut));
}

// The first `max_bytes` of the article's own text, without the text of links
// (a date in a link is another article's).
std::string LeadText(const Dom& dom, const std::vector<int>& roots, std::size_t max_bytes) {
  std::string out;
  for (int root : roots) {
    for (int j = root; j < dom[root].end && out.size() < max_bytes; ++j) {
      if (dom[j].removed || dom[j].tag == GUMBO_TAG_A) {
        j = dom[j].end - 1;
        out += ' ';
        continue;
      }
      if (dom[j].is_text) {
        out += dom.NodeText(j);
      } else if (!parser_internal::IsInlineTag(dom[j].tag)) {
        out += '\n';
      }
    }
  }
  std::size_t cut = std::min(out.size(), max_bytes);
  while (cut < out.size() && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) ++cut;
  return CollapseSpace(out.substr(0, cut));
}

// "2023-02-28T15:30:00" + "+05:00" → "2023-02-28T15:30:00+05:00": a local
// date-time without an offset gets the source's. A date, a date-time that has
// an offset (or Z), and anything else stay as they are.
std::string WithLocalOffset(std::string published, const std::string& offset) {
  if (offset.empty() || published.size() != 19 || published[10] != 'T') return published;
  return published + offset;
}

// Where the article stands: the content block and its heading.
struct ArticlePlace {
  int top = -1;
  std::vector<int> roots;
};

std::string ChooseDate(const Dom& dom, const PageScan& scan, const ExtractOptions& options,
                       const std::string& jsonld_published, const std::string& jsonld_created,
                       const std::string& title, int title_node, const ArticlePlace& article,
                       const std::string& url) {
  if (!options.hints.date.empty()) {
    Selector sel(options.hints.date);
    for (int i : sel.MatchAll(dom)) {
      std::string d = DateFromElement(dom, i);
      if (!d.empty()) return d;
    }
  }
  for (const std::string* s : {&jsonld_published}) {
    std::string d = ParseMachineDate(*s);
    if (!d.empty()) return d;
  }
  std::string meta = Meta(scan, {"article:published_time",
                                 "og:article:published_time",
                                 "datepublished",
                                 "pubdate",
                                 "publishdate",
                                 "publish-date",
                                 "publish_date",
                                 "article.published",
                                 "published_time",
                                 "dc.date.issued",
                                 "dcterms.issued",
                                 "dc.date",
                                 "dcterms.date",
                                 "dcterms.created",
                                 "sailthru.date",
                                 "parsely-pub-date",
                                 "date",
                                 "og:published_time",
                                 "article:published",
                                 "created"});
  if (!meta.empty()) {
    std::string d = ParseMachineDate(meta);
    if (!d.empty()) return d;
  }
  if (std::string d = ParseMachineDate(jsonld_created); !d.empty()) return d;
  // <time datetime>, itemprop=datePublished: the published one, else the nearest to the title.
  std::vector<int> timed = scan.date_props;
  for (int i : scan.time_elems) timed.push_back(i);
  for (int i : timed) {
    std::string cls =
        AsciiLower(std::string(dom.Attr(i, "class")) + " " + std::string(dom.Attr(i, "itemprop")));
    if ((Contains(cls, "publish") || dom.HasAttr(i, "pubdate")) &&
        !IsOtherItemsDate(dom, i, title_node, article.top, url)) {
      std::string d = DateFromElement(dom, i);
      if (!d.empty()) return d;
    }
  }
  // Date-like elements nearest to the title, then the heading's dateline and
  // the lead, then date-like elements in boilerplate blocks, then the URL.
  if (std::string d = NearestDateElement(dom, title_node, article.top, false, url); !d.empty())
    return d;
  if (std::string d = HeadingDate(title); !d.empty()) return d;
  if (std::string d = FindTextDate(LeadText(dom, article.roots, 600)); !d.empty()) return d;
  if (std::string d = NearestDateElement(dom, title_node, article.top, true, url); !d.empty())
    return d;
  return DateFromUrl(url);
}

// ---- language --------------------------------------------------------------------

std::string LangCode(std::string_view v) {
  std::string l = AsciiLower(v);
  std::size_t k = 0;
  while (k < l.size() && l[k] >= 'a' && l[k] <= 'z') ++k;
  if (k < 2 || k > 3) return "";
  l.resize(k);
  if (l == "aze") return "az";
  if (l == "rus") return "ru";
  if (l == "eng") return "en";
  if (k == 3) return "";
  return l;
}

std::string LangFromUrl(std::string_view url) {
  std::string path = UrlPathAndQuery(url);
  static const char* kLangs[] = {"az", "ru", "en", "tr", "fr", "de", "es", "ar",
                                 "fa", "uk", "ka", "hy", "kk", "uz", "zh"};
  for (const char* l : kLangs) {
    std::string seg = std::string("/") + l;
    if (path.compare(0, seg.size(), seg) == 0 &&
        (path.size() == seg.size() || path[seg.size()] == '/' || path[seg.size()] == '?'))
      return l;
  }
  return "";
}

// Script statistics of the text: "az" (ə), "ru" (Cyrillic), "en" (Latin with
// English function words), "" when unsure.
std::string LangFromText(std::string_view text) {
  std::size_t latin = 0, cyr = 0, schwa = 0, az_cyr = 0, letters = 0;
  std::string_view sample = text.substr(0, std::min<std::size_t>(text.size(), 20000));
  for (std::size_t i = 0; i < sample.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(sample[i]);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      ++latin;
      ++letters;
    } else if ((c == 0xD0 || c == 0xD1) && i + 1 < sample.size()) {
      ++cyr;
      ++letters;
      ++i;
    } else if (c == 0xC9 && i + 1 < sample.size() &&
               (static_cast<unsigned char>(sample[i + 1]) == 0x99 ||
                static_cast<unsigned char>(sample[i + 1]) == 0x8F)) {
      ++schwa;  // ə / Ə
      ++letters;
      ++i;
    } else if ((c == 0xD2 || c == 0xD3) && i + 1 < sample.size()) {
      ++az_cyr;  // ә ҹ ғ һ ө ү (Azerbaijani Cyrillic)
      ++letters;
      ++i;
    } else if (c >= 0xC3 && c <= 0xC5 && i + 1 < sample.size()) {
      ++latin;
      ++letters;
      ++i;
    }
  }
  if (letters < 40) return "";
  if (cyr + az_cyr > letters / 2) return az_cyr * 50 > cyr ? "az" : "ru";
  if (schwa * 300 > letters) return "az";
  if (latin > letters * 8 / 10) {
    std::string lower = AsciiLower(sample);
    int hits = 0;
    for (const char* w : {" the ", " and ", " of ", " to ", " in ", " is ", " was ", " with "}) {
      std::size_t p = 0;
      while ((p = lower.find(w, p)) != std::string::npos && hits < 100) {
        ++hits;
        p += 2;
      }
    }
    if (hits * 1000 > static_cast<int>(sample.size()) * 8 || hits >= 20) return "en";
  }
  return "";
}

std::string ChooseLanguage(const PageScan& scan, const std::string& url, const std::string& text,
                           const std::string& fallback) {
  std::string declared = LangCode(scan.html_lang);
  if (declared.empty())
    declared = LangCode(Meta(scan, {"content-language", "language", "dc.language"}));
  if (declared.empty()) declared = LangCode(Meta(scan, {"og:locale"}));
  if (declared.empty()) declared = LangFromUrl(url);
  std::string guessed = LangFromText(text);
  // The script is strong evidence (ə is Azerbaijani, Cyrillic Russian) and wins
  // over a wrong declaration; "looks English" is not (English notices and
  // error pages on az/ru sites), so it only fills a gap.
  if ((guessed == "az" || guessed == "ru") && guessed != declared &&
      parser_internal::Utf8Length(text) >= 150)
    return guessed;
  if (!declared.empty()) return declared;
  if (!guessed.empty()) return guessed;
  return fallback;
}

// ---- boilerplate text ------------------------------------------------------------

const std::vector<std::string>& KnownNotices() {
  static const auto* list = new std::vector<std::string>{
      "You must enable Javascript on your browser for the site to work optimally and display "
      "sections completely.",
      "Вы должны включить Javascript в вашем браузере для оптимальной работы сайта и отображения "
      "разделов полностью.",
      "Saytın optimal işləməsi və bölmələrin tam göstərilməsi üçün brauzerinizdə Javascript-i "
      "aktivləşdirməlisiniz.",
      "Bütün hüquqlar qorunur. Hər hansı bir lisenziyalı materialdan istifadə etmək üçün əlaqə "
      "saxlayın.",
      "All rights reserved. Contact us to use any licensed material.",
      "Все права защищены. Свяжитесь с нами для использования любого лицензионного материала.",
      "Müstəqilliyimiz əbədidir, daimidir, dönməzdir",
      "“Müstəqilliyimiz əbədidir, daimidir, dönməzdir”",
      "Please enable JavaScript to view the page content.",
      "Please enable JavaScript",
  };
  return *list;
}

// The valid UTF-8 code points of `s` other than ':', ' ' and '!', counted
// up to `limit`.
std::size_t CountKeptCodePoints(std::string_view s, std::size_t limit) {
  std::size_t count = 0;
  std::int32_t i = 0;
  const auto n = static_cast<std::int32_t>(s.size());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(s.data());
  while (i < n && count < limit) {
    UChar32 c;
    U8_NEXT(bytes, i, n, c);
    if (c >= 0 && c != ':' && c != ' ' && c != '!') ++count;
  }
  return count;
}

// Paragraphs that are boilerplate when they stand alone (compared lower-cased,
// without trailing punctuation).
bool IsBoilerplateLine(const std::string& para) {
  static const auto* set = new std::unordered_set<std::string>{"paylaş",
                                                               "paylas",
                                                               "share",
                                                               "share this",
                                                               "share this page",
                                                               "share this article",
                                                               "поделиться",
                                                               "поделиться:",
                                                               "print",
                                                               "çap et",
                                                               "çap",
                                                               "распечатать",
                                                               "печать",
                                                               "версия для печати",
                                                               "print version",
                                                               "tweet",
                                                               "read also",
                                                               "read more",
                                                               "также читайте",
                                                               "читайте также",
                                                               "həmçinin oxuyun",
                                                               "həmçinin oxu",
                                                               "oxu",
                                                               "advertisement",
                                                               "reklam",
                                                               "реклама",
                                                               "related news",
                                                               "related articles",
                                                               "other news",
                                                               "digər xəbərlər",
                                                               "другие новости",
                                                               "последние новости",
                                                               "son xəbərlər",
                                                               "xəbər lenti",
                                                               "gizlilik siyasəti",
                                                               "privacy policy",
                                                               "политика конфиденциальности",
                                                               "back",
                                                               "geri",
                                                               "назад",
                                                               "facebook",
                                                               "twitter",
                                                               "whatsapp",
                                                               "telegram",
                                                               "linkedin",
                                                               "email",
                                                               "e-mail",
                                                               "copy link",
                                                               "please, wait.",
                                                               "data processing... please, wait.",
                                                               "loading...",
                                                               "partners' news",
                                                               "bütün xəbərlər",
                                                               "all news",
                                                               "все новости"};
  // LowerTurkic maps each valid code point to one and drops invalid bytes,
  // and only ':', ' ' and '!' are stripped: a line with more other code
  // points than the longest entry cannot match, and is not lowered (most
  // lines of an article; lowering each cost 0.24 M instructions a page).
  static const std::size_t longest = [] {
    std::size_t m = 0;
    for (const auto& e : *set) m = std::max(m, CountKeptCodePoints(e, SIZE_MAX));
    return m;
  }();
  if (CountKeptCodePoints(para, longest + 1) > longest) return false;
  std::string l = parser_internal::LowerTurkic(para);
  while (!l.empty() && (l.back() == ':' || l.back() == ' ' || l.back() == '!')) l.pop_back();
  return set->count(l) > 0;
}

std::string CleanText(const std::string& text, const std::vector<std::string>& strip_text) {
  std::string t = text;
  auto erase_all = [&t](const std::string& s) {
    if (s.empty()) return;
    std::size_t p = 0;
    while ((p = t.find(s, p)) != std::string::npos) t.erase(p, s.size());
  };
  for (const auto& s : KnownNotices()) erase_all(s);
  for (const auto& s : strip_text) erase_all(CollapseSpace(s));
  // Re-split into paragraphs, drop empty and standalone boilerplate ones.
  std::string out;
  std::size_t i = 0;
  while (i <= t.size()) {
    std::size_t j = t.find("\n\n", i);
    if (j == std::string::npos) j = t.size();
    std::string para = t.substr(i, j - i);
    i = j + 2;
    // Trim each line.
    std::string cleaned;
    std::size_t a = 0;
    while (a <= para.size()) {
      std::size_t b = para.find('\n', a);
      if (b == std::string::npos) b = para.size();
      std::string line = CollapseSpace(para.substr(a, b - a));
      a = b + 1;
      if (line.empty() || IsBoilerplateLine(line)) continue;
      if (!cleaned.empty()) cleaned += '\n';
      cleaned += line;
    }
    if (cleaned.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += cleaned;
  }
  return out;
}

// ---- page kind ---------------------------------------------------------------------

bool LooksLikeChallenge(std::string_view html, std::size_t text_chars) {
  if (Contains(html, "/TSPD/") || Contains(html, "Data processing... Please, wait.")) return true;
  // The markers below count only on a page with little text: an article's
  // HTML is not lower-cased and searched for them (0.37 M instructions a page).
  if (text_chars >= 300) return false;
  std::string head = AsciiLower(html.substr(0, std::min<std::size_t>(html.size(), 256 * 1024)));
  bool marker =
      Contains(head, "please enable javascript") || Contains(head, "checking your browser") ||
      Contains(head, "cf-browser-verification") || Contains(head, "cf_chl_opt") ||
      Contains(head, "<title>just a moment...</title>") ||
      Contains(head, "enable javascript and cookies to continue") || Contains(head, "ddos-guard");
  return marker;
}

bool LooksLikeNotFound(const Dom& dom, const PageScan& scan, const std::string& title) {
  if (scan.site_error) return true;
  std::string t = parser_internal::LowerTurkic(scan.title_tag);
  std::string h = parser_internal::LowerTurkic(title);
  for (const std::string* s : {&t, &h}) {
    if (Contains(*s, "not found (#404)") || Contains(*s, "page not found") ||
        Contains(*s, "страница не найдена") || Contains(*s, "səhifə tapılmadı") ||
        Contains(*s, "sayfa bulunamadı") || *s == "404" || *s == "not found" ||
        s->rfind("404 ", 0) == 0 || Contains(*s, " 404") || Contains(*s, "ошибка 404") ||
        Contains(*s, "error 404"))
      return true;
  }
  (void)dom;
  return false;
}

// Counts links that look like links to articles: same host, long anchor text.
int CountArticleLinks(const Dom& dom, const PageScan& scan, const std::string& base_host) {
  int count = 0;
  for (int i : scan.anchors) {
    std::string_view href = dom.Attr(i, "href");
    if (href.empty() || href[0] == '#' || dom.IsInRemoved(i)) continue;
    std::string t = dom.Text(i, false, 512);
    if (parser_internal::Utf8Length(t) < 25) continue;
    if (!base_host.empty()) {
      std::string h = UrlHost(ResolveUrl("http://" + base_host + "/", href));
      if (!h.empty() && h != base_host) continue;
    }
    ++count;
  }
  return count;
}

// Pagination parameters (?page=2, ?PAGEN_1=3, per-page, /page/4) mark listings.
bool IsPaginationUrl(const std::string& url) {
  std::string pq = AsciiLower(UrlPathAndQuery(url));
  auto q = pq.find('?');
  if (q != std::string::npos) {
    std::string query = "&" + pq.substr(q + 1);
    for (const char* key : {"&page=", "&pagen_", "&per-page=", "&paged=", "&start=", "&offset="})
      if (Contains(query, key)) return true;
  }
  std::string path = pq.substr(0, q);
  auto p = path.find("/page/");
  return p != std::string::npos && p + 6 < path.size() && path[p + 6] >= '0' && path[p + 6] <= '9';
}

bool MatchesAny(const std::vector<std::string>& patterns, const std::string& url) {
  for (const auto& p : patterns) {
    auto compiled = UrlPattern::Compile(p);
    if (compiled.ok() && compiled->Search(url)) return true;
  }
  return false;
}

std::string StripWww(const std::string& host) {
  return host.rfind("www.", 0) == 0 ? host.substr(4) : host;
}

}  // namespace

std::string DecodeAndBoundHtml(std::string_view bytes, std::string_view content_type) {
  const ExtractOptions defaults;
  bytes = bytes.substr(0, std::min(bytes.size(), defaults.max_input_bytes));
  return parser_internal::BoundHtml(parser_internal::DecodeToUtf8(bytes, content_type).utf8);
}

Article ExtractArticle(std::string_view bytes, const ExtractOptions& options) {
  Article a;
  bytes = bytes.substr(0, std::min(bytes.size(), options.max_input_bytes));
  parser_internal::Decoded dec = parser_internal::DecodeToUtf8(bytes, options.content_type);
  a.charset = dec.charset;
  a.url = NormalizeUrl(options.url);
  std::vector<std::string_view> runs;  // views into dec.utf8, read by Dom's constructor
  std::string bounded = parser_internal::BoundHtml(dec.utf8, {}, &runs);
  Dom dom(bounded, runs);
  PageScan scan = Scan(dom);

  std::string base = a.url;
  if (!scan.base_href.empty()) {
    std::string b = ResolveUrl(a.url, scan.base_href);
    if (!b.empty()) base = b;
  }

  // Links, feeds, alternates.
  if (options.collect_links) {
    std::unordered_set<std::string> seen;
    for (int i : scan.anchors) {
      if (a.links.size() >= kMaxLinks) break;
      std::string_view href = dom.Attr(i, "href");
      if (href.empty()) continue;
      std::string u = ResolveUrl(base, href);
      if (!u.empty() && seen.insert(u).second) a.links.push_back(u);
    }
  }
  for (int i : scan.alternate_links) {
    std::string type = AsciiLower(dom.Attr(i, "type"));
    std::string u = ResolveUrl(base, dom.Attr(i, "href"));
    if (u.empty()) continue;
    if (Contains(type, "rss+xml") || Contains(type, "atom+xml")) {
      if (std::find(a.feed_links.begin(), a.feed_links.end(), u) == a.feed_links.end())
        a.feed_links.push_back(u);
    }
    std::string hl = AsciiLower(dom.Attr(i, "hreflang"));
    if (!hl.empty() && hl != "x-default") {
      std::string code = LangCode(hl);
      a.alternates.push_back({u, code.empty() ? hl : code});
    }
  }

  // Canonical URL: <link rel=canonical>, else og:url, when on the same site.
  a.canonical_url = a.url;
  for (const std::string& cand : {scan.canonical_href, Meta(scan, {"og:url"})}) {
    if (cand.empty()) continue;
    std::string c = ResolveUrl(base, cand);
    if (c.empty()) continue;
    if (!a.url.empty()) {
      if (StripWww(UrlHost(c)) != StripWww(UrlHost(a.url))) continue;
      if (UrlPathAndQuery(c) == "/" && UrlPathAndQuery(a.url) != "/") continue;
    }
    a.canonical_url = c;
    break;
  }

  // JSON-LD.
  JsonLd ld;
  for (const std::string& js : scan.jsonld) {
    nlohmann::json j = nlohmann::json::parse(js, nullptr, false);
    if (!j.is_discarded()) FindJsonKeys(j, 0, &ld);
  }

  a.description = Meta(scan, {"description", "og:description", "twitter:description"});

  int title_node = -1;
  a.title = ChooseTitle(dom, scan, options.hints, ld.headline, &title_node);

  // Boilerplate and main content.
  std::vector<int> strip_nodes;
  for (const std::string& s : options.hints.strip) {
    Selector sel(s);
    for (int i : sel.MatchAll(dom)) strip_nodes.push_back(i);
  }
  parser_internal::MarkBoilerplate(dom, strip_nodes);
  std::vector<int> forced;
  for (const std::string& s : options.hints.content) {
    Selector sel(s);
    for (int i : sel.MatchAll(dom)) forced.push_back(i);
  }
  std::sort(forced.begin(), forced.end());
  parser_internal::ContentResult content = parser_internal::ExtractContent(dom, forced, a.title);
  if (forced.empty() && content.text_chars < kRetryBelowChars) {
    // Too little: class/id heuristics may have removed the article (a
    // "pageRow" matching "pager"). Retry without them, keep the longer text.
    for (auto& n : dom.nodes()) n.removed = false;
    parser_internal::MarkBoilerplate(dom, strip_nodes, /*class_patterns=*/false);
    parser_internal::ContentResult second = parser_internal::ExtractContent(dom, forced, a.title);
    if (second.text_chars > content.text_chars * 2 + 100) {
      content = std::move(second);
    } else {
      for (auto& n : dom.nodes()) n.removed = false;
      parser_internal::MarkBoilerplate(dom, strip_nodes);
    }
  }
  a.text = CleanText(content.text, options.hints.strip_text);
  if (forced.empty() && !ld.body.empty()) {
    // The body given only in JSON-LD, the HTML holding captions and a standfirst.
    std::string body = CleanText(ArticleBodyText(ld.body), options.hints.strip_text);
    std::size_t body_chars = parser_internal::Utf8Length(body);
    if (body_chars >= kMinJsonLdBodyChars && parser_internal::Utf8Length(a.text) * 2 < body_chars)
      a.text = std::move(body);
  }
  if (!a.title.empty() && a.text.compare(0, a.title.size(), a.title) == 0) {
    std::size_t cut = a.title.size();
    if (a.text.compare(cut, 2, "\n\n") == 0)
      a.text.erase(0, cut + 2);
    else if (cut == a.text.size())
      a.text.clear();
  }
  std::size_t text_chars = parser_internal::Utf8Length(a.text);

  a.published = WithLocalOffset(
      ChooseDate(dom, scan, options, ld.published, ld.created, a.title, title_node,
                 {content.top, content.roots}, a.canonical_url.empty() ? a.url : a.canonical_url),
      options.timezone_offset);
  a.language = ChooseLanguage(scan, a.url.empty() ? a.canonical_url : a.url,
                              a.title + "\n" + a.text, options.default_language);

  if (!options.translation_key_regex.empty()) {
    auto re = UrlPattern::Compile(options.translation_key_regex);
    if (re.ok()) {
      a.translation_key = re->FirstGroup(a.url);
      if (a.translation_key.empty()) a.translation_key = re->FirstGroup(a.canonical_url);
    }
  }

  // Kind.
  std::string page_url = a.url.empty() ? a.canonical_url : a.url;
  if (LooksLikeChallenge(dec.utf8, text_chars)) {
    a.kind = PageKind::kChallenge;
  } else if (LooksLikeNotFound(dom, scan, a.title)) {
    a.kind = PageKind::kNotFound;
  } else {
    int article_links = CountArticleLinks(dom, scan, UrlHost(page_url));
    double content_ld =
        content.raw_chars > 0 ? static_cast<double>(content.link_chars) / content.raw_chars : 0.0;
    bool listing = IsPaginationUrl(page_url) ||
                   (article_links >= 6 && (text_chars < 300 || content_ld > 0.4 ||
                                           article_links * 50 > static_cast<int>(text_chars)));
    bool has_content = text_chars >= 200 || (text_chars >= 60 && !a.title.empty());
    if (!options.article_url_patterns.empty()) {
      // The URL fetched decides (a print view's canonical is the article, but
      // the print view itself is not one).
      bool matches = MatchesAny(options.article_url_patterns, page_url);
      // An article URL with a heading is an article even when its body is empty.
      if (matches) {
        a.kind = (has_content || !a.title.empty()) ? PageKind::kArticle : PageKind::kOther;
      } else {
        a.kind = listing ? PageKind::kListing : PageKind::kOther;
      }
    } else if (listing &&
               !(text_chars >= 1500 && content.paragraphs >= 3 && !a.published.empty())) {
      a.kind = PageKind::kListing;
    } else if (text_chars >= 250 || (has_content && !a.published.empty()) ||
               (title_node >= 0 && !a.published.empty() && article_links < 3)) {
      // The last case: a heading and a date but an empty body (an image-only release).
      a.kind = PageKind::kArticle;
    } else {
      a.kind = PageKind::kOther;
    }
  }
  if (a.text.empty() && (a.kind == PageKind::kArticle || a.kind == PageKind::kOther)) {
    // Never empty when the page has text: its best text block, flagged. (A
    // listing, a challenge and a 404 page have no article text to give.)
    std::string text =
        CleanText(parser_internal::FallbackContent(dom).text, options.hints.strip_text);
    if (!text.empty() && text != a.title) {
      a.text = std::move(text);
      a.fallback = true;
    }
  }
  return a;
}

}  // namespace pressarc
