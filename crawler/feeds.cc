// Sitemaps and feeds: see crawler/feeds.h.
//
// libxml2 reads the document in recover mode with no network and no entity
// substitution (XML_PARSE_NOENT off, no DTD loading), and the entities a
// document declares in its DTD are never registered (the SAX entityDecl
// handler is a no-op): an XXE attempt reads nothing, a "billion laughs" DTD
// expands nothing and cannot halt the parse (libxml2 stops at its entity
// loop check, losing the rest of the feed, when the entities exist), and
// every reference is left unresolved and skipped when text is gathered.
// Elements are matched by local name, so namespace prefixes do not matter.
#include "crawler/feeds.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <strings.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>

#include "archive/archive.h"
#include "parser/parser.h"

namespace pressarc {
namespace {

constexpr std::size_t kMaxInputBytes = 50u << 20;
constexpr std::size_t kMaxEntries = 50000;
constexpr std::size_t kMaxAlternates = 100;
constexpr std::size_t kMaxTextBytes = 8192;

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::strchr(" \t\r\n", s.front()) != nullptr) s.remove_prefix(1);
  while (!s.empty() && std::strchr(" \t\r\n", s.back()) != nullptr) s.remove_suffix(1);
  return s;
}

bool IsElement(const xmlNode* n, const char* local) {
  return n != nullptr && n->type == XML_ELEMENT_NODE && n->name != nullptr &&
         IEquals(reinterpret_cast<const char*>(n->name), local);
}

// Text and CDATA directly or deeply inside `n`; entity references are not
// followed. Bounded.
void GatherText(const xmlNode* n, std::string* out, int depth) {
  for (const xmlNode* c = n->children; c != nullptr && out->size() < kMaxTextBytes; c = c->next) {
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != nullptr) {
      out->append(reinterpret_cast<const char*>(c->content));
    } else if (c->type == XML_ELEMENT_NODE && depth < 8) {
      GatherText(c, out, depth + 1);
    }
  }
  if (out->size() > kMaxTextBytes) out->resize(kMaxTextBytes);
}

std::string Text(const xmlNode* n) {
  std::string out;
  GatherText(n, &out, 0);
  return std::string(Trim(out));
}

std::string Attr(const xmlNode* n, const char* name) {
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (a->name == nullptr || !IEquals(reinterpret_cast<const char*>(a->name), name)) continue;
    std::string out;
    for (const xmlNode* c = a->children; c != nullptr; c = c->next) {
      if (c->type == XML_TEXT_NODE && c->content != nullptr) {
        out += reinterpret_cast<const char*>(c->content);
      }
    }
    return std::string(Trim(out));
  }
  return "";
}

const xmlNode* Child(const xmlNode* n, const char* local) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (IsElement(c, local)) return c;
  }
  return nullptr;
}

std::string ChildText(const xmlNode* n, const char* local) {
  const xmlNode* c = Child(n, local);
  return c == nullptr ? "" : Text(c);
}

// ---- dates ----

int Digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::string Pad(int v, int width) {
  std::string s = std::to_string(v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return s;
}

std::string FormatOffset(int minutes) {
  if (minutes == 0) return "Z";
  char sign = minutes < 0 ? '-' : '+';
  minutes = std::abs(minutes);
  return std::string(1, sign) + Pad(minutes / 60, 2) + ":" + Pad(minutes % 60, 2);
}

// RFC 2822 (RSS pubDate): "[Tue, ]10 Jun 2003 04:00[:00] GMT|+0400|EST".
// The local time and its offset are kept (not converted); "" when not a date.
std::string Rfc2822ToIso(std::string_view s) {
  s = Trim(s);
  std::size_t comma = s.find(',');
  if (comma != std::string_view::npos && comma < 12) s = Trim(s.substr(comma + 1));
  // Tokens: day month year time zone
  std::vector<std::string_view> tok;
  while (!s.empty() && tok.size() < 6) {
    std::size_t sp = s.find_first_of(" \t");
    tok.push_back(s.substr(0, sp));
    s = sp == std::string_view::npos ? std::string_view() : Trim(s.substr(sp));
  }
  if (tok.size() < 3) return "";
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
  int day = tok[0].size() <= 2 ? Digits(tok[0], 0, tok[0].size()) : -1;
  int month = -1;
  for (int m = 0; m < 12; ++m) {
    if (tok[1].size() >= 3 && ::strncasecmp(tok[1].data(), kMonths[m], 3) == 0) month = m + 1;
  }
  int year = Digits(tok[2], 0, tok[2].size());
  if (tok[2].size() == 2 && year >= 0) year += year < 50 ? 2000 : 1900;
  if (day < 1 || day > 31 || month < 1 || year < 1000 || year > 9999 || tok[2].size() > 4) {
    return "";
  }
  std::string date = Pad(year, 4) + "-" + Pad(month, 2) + "-" + Pad(day, 2);
  if (tok.size() < 4) return date;
  std::string_view t = tok[3];
  int hh = Digits(t, 0, 2), mm = Digits(t, 3, 2), ss = 0;
  if (hh < 0 || mm < 0 || t[2] != ':' || hh > 23 || mm > 59) return date;
  if (t.size() >= 8 && t[5] == ':') ss = std::max(0, Digits(t, 6, 2));
  std::string time = date + "T" + Pad(hh, 2) + ":" + Pad(mm, 2) + ":" + Pad(std::min(ss, 60), 2);
  std::string_view zone = tok.size() >= 5 ? tok[4] : "";
  if ((zone.size() == 5) && (zone[0] == '+' || zone[0] == '-')) {
    int zh = Digits(zone, 1, 2), zm = Digits(zone, 3, 2);
    if (zh < 0 || zm < 0) return time;
    int minutes = (zh * 60 + zm) * (zone[0] == '-' ? -1 : 1);
    return time + FormatOffset(minutes);
  }
  static const struct {
    const char* name;
    int hours;
  } kZones[] = {{"GMT", 0},  {"UT", 0},   {"UTC", 0},  {"Z", 0},    {"EST", -5}, {"EDT", -4},
                {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
  for (const auto& z : kZones) {
    if (IEquals(zone, z.name)) return time + FormatOffset(z.hours * 60);
  }
  return time;  // unknown zone: local time without offset
}

// W3C datetime (sitemaps, Atom): kept as given when it has the shape.
std::string W3cDate(std::string_view s) {
  s = Trim(s);
  if (s.size() < 4 || Digits(s, 0, 4) < 0) return "";
  if (s.size() > 40) return "";
  return std::string(s);
}

// Seconds since the epoch for ordering (a date alone counts as midnight UTC).
std::optional<std::int64_t> SortKey(std::string_view iso) {
  int y = Digits(iso, 0, 4);
  if (y < 0) return std::nullopt;
  int mo = iso.size() >= 7 && iso[4] == '-' ? Digits(iso, 5, 2) : 1;
  int d = iso.size() >= 10 && iso[7] == '-' ? Digits(iso, 8, 2) : 1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  int hh = 0, mi = 0, ss = 0, offset_min = 0;
  if (iso.size() >= 16 && (iso[10] == 'T' || iso[10] == ' ')) {
    hh = std::max(0, Digits(iso, 11, 2));
    mi = std::max(0, Digits(iso, 14, 2));
    std::size_t p = 16;
    if (iso.size() >= 19 && iso[16] == ':') {
      ss = std::max(0, Digits(iso, 17, 2));
      p = 19;
    }
    while (p < iso.size() && (iso[p] == '.' || (iso[p] >= '0' && iso[p] <= '9'))) ++p;
    if (p + 6 <= iso.size() && (iso[p] == '+' || iso[p] == '-')) {
      int oh = Digits(iso, p + 1, 2), om = Digits(iso, p + 4, 2);
      if (oh >= 0 && om >= 0) offset_min = (oh * 60 + om) * (iso[p] == '-' ? -1 : 1);
    }
  }
  // Days from civil (Howard Hinnant's algorithm).
  int yy = y - (mo <= 2);
  int era = (yy >= 0 ? yy : yy - 399) / 400;
  int yoe = yy - era * 400;
  int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  return days * 86400 + hh * 3600 + mi * 60 + ss - offset_min * 60;
}

// ---- documents ----

class Collector {
 public:
  explicit Collector(std::string_view base) : base_(base) {}
  bool full() const { return entries_.size() >= kMaxEntries; }
  FeedEntry* Add(std::string_view href, std::string modified, bool is_sitemap) {
    if (full() || Trim(href).empty()) return nullptr;
    std::string url = ResolveUrl(base_, Trim(href));
    if (url.empty()) return nullptr;
    entries_.push_back(FeedEntry{std::move(url), std::move(modified), is_sitemap, {}});
    return &entries_.back();
  }
  std::string Resolve(std::string_view href) const {
    return Trim(href).empty() ? "" : ResolveUrl(base_, Trim(href));
  }
  std::vector<FeedEntry> Take() { return std::move(entries_); }

 private:
  std::string base_;
  std::vector<FeedEntry> entries_;
};

void ReadUrlset(const xmlNode* root, Collector* out) {
  for (const xmlNode* u = root->children; u != nullptr && !out->full(); u = u->next) {
    if (!IsElement(u, "url")) continue;
    FeedEntry* e = out->Add(ChildText(u, "loc"), W3cDate(ChildText(u, "lastmod")), false);
    if (e == nullptr) continue;
    for (const xmlNode* c = u->children; c != nullptr; c = c->next) {
      if (!IsElement(c, "link") || !IEquals(Attr(c, "rel"), "alternate")) continue;
      std::string lang = Attr(c, "hreflang");
      std::string href = out->Resolve(Attr(c, "href"));
      if (href.empty() || e->alternates.size() >= kMaxAlternates) continue;
      e->alternates.emplace_back(lang, href);
    }
  }
}

void ReadSitemapIndex(const xmlNode* root, Collector* out) {
  for (const xmlNode* s = root->children; s != nullptr && !out->full(); s = s->next) {
    if (IsElement(s, "sitemap")) {
      out->Add(ChildText(s, "loc"), W3cDate(ChildText(s, "lastmod")), true);
    }
  }
}

void ReadRssItem(const xmlNode* item, Collector* out) {
  std::string link = ChildText(item, "link");
  if (link.empty()) {
    const xmlNode* guid = Child(item, "guid");
    if (guid != nullptr && !IEquals(Attr(guid, "isPermaLink"), "false")) link = Text(guid);
  }
  std::string date = Rfc2822ToIso(ChildText(item, "pubDate"));
  if (date.empty()) date = W3cDate(ChildText(item, "date"));  // dc:date
  out->Add(link, date, false);
}

void ReadRss(const xmlNode* root, Collector* out) {
  // RSS 2.0: rss/channel/item; RSS 1.0 (RDF): items beside the channel.
  for (const xmlNode* c = root->children; c != nullptr && !out->full(); c = c->next) {
    if (IsElement(c, "item")) ReadRssItem(c, out);
    if (!IsElement(c, "channel")) continue;
    for (const xmlNode* i = c->children; i != nullptr && !out->full(); i = i->next) {
      if (IsElement(i, "item")) ReadRssItem(i, out);
    }
  }
}

void ReadAtom(const xmlNode* root, Collector* out) {
  for (const xmlNode* e = root->children; e != nullptr && !out->full(); e = e->next) {
    if (!IsElement(e, "entry")) continue;
    std::string href;
    for (const xmlNode* l = e->children; l != nullptr; l = l->next) {
      if (!IsElement(l, "link")) continue;
      std::string rel = Attr(l, "rel");
      if (rel.empty() || IEquals(rel, "alternate")) {
        href = Attr(l, "href");
        break;
      }
    }
    std::string date = W3cDate(ChildText(e, "published"));
    if (date.empty()) date = W3cDate(ChildText(e, "updated"));
    out->Add(href, date, false);
  }
}

void NewestFirst(std::vector<FeedEntry>* entries) {
  std::vector<std::pair<std::optional<std::int64_t>, std::size_t>> keys;
  keys.reserve(entries->size());
  for (std::size_t i = 0; i < entries->size(); ++i) {
    keys.emplace_back(SortKey((*entries)[i].modified), i);
  }
  // Dated entries newest first, then undated ones in document order.
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    if (a.first.has_value() != b.first.has_value()) return a.first.has_value();
    if (!a.first.has_value()) return false;
    return *a.first > *b.first;
  });
  std::vector<FeedEntry> sorted;
  sorted.reserve(entries->size());
  for (const auto& k : keys) sorted.push_back(std::move((*entries)[k.second]));
  *entries = std::move(sorted);
}

void IgnoreEntityDecl(void*, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {}

// xmlReadMemory, but with the document's own entity declarations ignored.
xmlDocPtr ReadXml(std::string_view body, int options) {
  xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(body.data(), static_cast<int>(body.size()));
  if (ctxt == nullptr) return nullptr;
  xmlCtxtUseOptions(ctxt, options);
  ctxt->sax->entityDecl = &IgnoreEntityDecl;
  ctxt->sax->unparsedEntityDecl = nullptr;
  xmlParseDocument(ctxt);
  xmlDocPtr xml = ctxt->myDoc;
  ctxt->myDoc = nullptr;
  xmlFreeParserCtxt(ctxt);
  return xml;
}

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

}  // namespace

FeedDocument ParseFeed(std::string_view body, std::string_view document_url) {
  FeedDocument doc;
  std::string gunzipped;
  if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
      static_cast<unsigned char>(body[1]) == 0x8b) {
    auto decoded = DecodeContentEncoding(body, "gzip", kMaxInputBytes);
    if (!decoded.ok()) return doc;
    gunzipped = std::move(*decoded);
    body = gunzipped;
  }
  if (body.size() > kMaxInputBytes) body = body.substr(0, kMaxInputBytes);
  if (body.empty()) return doc;

  InitLibxml();
  int options = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS;
  xmlDocPtr xml = ReadXml(body, options);
  if (xml == nullptr) return doc;
  const xmlNode* root = xmlDocGetRootElement(xml);
  Collector out(document_url);
  if (IsElement(root, "urlset")) {
    doc.kind = FeedKind::kSitemap;
    ReadUrlset(root, &out);
  } else if (IsElement(root, "sitemapindex")) {
    doc.kind = FeedKind::kSitemapIndex;
    ReadSitemapIndex(root, &out);
  } else if (IsElement(root, "rss") || IsElement(root, "RDF")) {
    doc.kind = FeedKind::kRss;
    ReadRss(root, &out);
  } else if (IsElement(root, "feed")) {
    doc.kind = FeedKind::kAtom;
    ReadAtom(root, &out);
  }
  xmlFreeDoc(xml);
  doc.entries = out.Take();
  NewestFirst(&doc.entries);
  return doc;
}

}  // namespace pressarc
