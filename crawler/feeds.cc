// Sitemaps and feeds: see crawler/feeds.h.
//
// libxml2 reads the document as a stream of SAX2 events, in recover mode,
// with no network and no entity substitution (XML_PARSE_NOENT off, no DTD
// loading); no tree is built, so memory does not grow with the number of
// elements (a 10 MB sitemap of millions of empty elements would take a
// gigabyte as a DOM). The entities a document declares are never registered
// (the entityDecl handler is a no-op): an XXE attempt reads nothing, a
// "billion laughs" DTD expands nothing and cannot halt the parse (libxml2
// stops at its entity loop check, losing the rest of the feed, when the
// entities exist), and every reference is skipped. Comments, processing
// instructions and DTD declarations are dropped. Elements are matched by
// local name, so namespace prefixes do not matter.
#include "crawler/feeds.h"

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <strings.h>
#include <zlib.h>

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
constexpr std::size_t kChunkBytes = 64 * 1024;  // fed to the parser at a time

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::strchr(" \t\r\n", s.front()) != nullptr) s.remove_prefix(1);
  while (!s.empty() && std::strchr(" \t\r\n", s.back()) != nullptr) s.remove_suffix(1);
  return s;
}

// ---- dates ----

// The number written by the `n` digits at `pos`; -1 when they are not
// all digits, or too many for an int (no field of a date has ten).
int Digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size() || n > 9) return -1;
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

// ---- the SAX2 reader ----

enum Field {
  kNoField,
  kLoc,
  kLastmod,
  kLink,
  kGuid,
  kPubDate,
  kDate,
  kPublished,
  kUpdated,
  kFields
};

Field FieldOf(std::string_view name) {
  static const struct {
    const char* name;
    Field field;
  } kNames[] = {{"loc", kLoc},
                {"lastmod", kLastmod},
                {"link", kLink},
                {"guid", kGuid},
                {"pubDate", kPubDate},
                {"date", kDate},
                {"published", kPublished},
                {"updated", kUpdated}};
  for (const auto& n : kNames) {
    if (IEquals(name, n.name)) return n.field;
  }
  return kNoField;
}

// What one entry (url, sitemap, item, entry) says: the text of the first
// child element of each field's name, and the link attributes.
struct EntryFields {
  std::optional<std::string> text[kFields];
  bool guid_not_permalink = false;
  std::optional<std::string> atom_href;                         // first link rel=alternate or none
  std::vector<std::pair<std::string, std::string>> alternates;  // (hreflang, href), sitemaps
  std::string Get(Field f) const { return text[f] ? *text[f] : std::string(); }
};

struct Reader {
  explicit Reader(Collector* collector) : out(collector) {}
  Collector* out;
  xmlParserCtxtPtr ctxt = nullptr;
  FeedKind kind = FeedKind::kNone;
  int depth = 0;  // of the innermost open element; the root is 1
  bool in_channel = false;
  int entry_depth = 0;  // 0: no entry open
  Field field = kNoField;
  int field_depth = 0;
  std::string field_text;
  EntryFields entry;
};

Reader* ReaderOf(void* ctx) {
  return static_cast<Reader*>(static_cast<xmlParserCtxtPtr>(ctx)->_private);
}

std::string_view Str(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

// libxml2's attribute array: (localname, prefix, URI, value, end) per attribute.
std::string AttrValue(int n, const xmlChar** attributes, const char* name) {
  for (int i = 0; i < n; ++i) {
    const xmlChar** a = attributes + 5 * i;
    if (!IEquals(Str(a[0]), name) || a[3] == nullptr || a[4] == nullptr) continue;
    std::string_view v(reinterpret_cast<const char*>(a[3]), static_cast<std::size_t>(a[4] - a[3]));
    return std::string(Trim(v));
  }
  return "";
}

bool IsEntry(const Reader& r, std::string_view name) {
  switch (r.kind) {
    case FeedKind::kSitemap:
      return r.depth == 2 && IEquals(name, "url");
    case FeedKind::kSitemapIndex:
      return r.depth == 2 && IEquals(name, "sitemap");
    case FeedKind::kRss:  // RSS 2.0: rss/channel/item; RSS 1.0 (RDF): items beside the channel
      return IEquals(name, "item") && (r.depth == 2 || (r.depth == 3 && r.in_channel));
    case FeedKind::kAtom:
      return r.depth == 2 && IEquals(name, "entry");
    case FeedKind::kNone:
      return false;
  }
  return false;
}

void OnFieldStart(Reader* r, std::string_view name, int n, const xmlChar** attributes) {
  r->field = FieldOf(name);
  r->field_depth = r->depth;
  r->field_text.clear();
  if (r->field == kLink) {
    std::string rel = AttrValue(n, attributes, "rel");
    std::string href = AttrValue(n, attributes, "href");
    if (r->kind == FeedKind::kSitemap && IEquals(rel, "alternate")) {
      std::string resolved = r->out->Resolve(href);
      if (!resolved.empty() && r->entry.alternates.size() < kMaxAlternates) {
        r->entry.alternates.emplace_back(AttrValue(n, attributes, "hreflang"), resolved);
      }
    }
    if (r->kind == FeedKind::kAtom && !r->entry.atom_href &&
        (rel.empty() || IEquals(rel, "alternate")))
      r->entry.atom_href = href;
  }
  if (r->field == kGuid && !r->entry.text[kGuid]) {
    r->entry.guid_not_permalink = IEquals(AttrValue(n, attributes, "isPermaLink"), "false");
  }
}

void OnStartElement(void* ctx, const xmlChar* localname, const xmlChar*, const xmlChar*, int,
                    const xmlChar**, int nb_attributes, int, const xmlChar** attributes) {
  Reader* r = ReaderOf(ctx);
  ++r->depth;
  std::string_view name = Str(localname);
  if (r->depth == 1) {
    if (IEquals(name, "urlset")) r->kind = FeedKind::kSitemap;
    if (IEquals(name, "sitemapindex")) r->kind = FeedKind::kSitemapIndex;
    if (IEquals(name, "rss") || IEquals(name, "RDF")) r->kind = FeedKind::kRss;
    if (IEquals(name, "feed")) r->kind = FeedKind::kAtom;
    if (r->kind == FeedKind::kNone) xmlStopParser(r->ctxt);
    return;
  }
  if (r->depth == 2 && IEquals(name, "channel")) r->in_channel = true;
  if (r->entry_depth == 0) {
    if (IsEntry(*r, name)) {
      r->entry_depth = r->depth;
      r->entry = EntryFields{};
    }
    return;
  }
  if (r->depth == r->entry_depth + 1) OnFieldStart(r, name, nb_attributes, attributes);
}

void OnText(void* ctx, const xmlChar* ch, int len) {
  Reader* r = ReaderOf(ctx);
  if (r->field == kNoField || r->depth > r->field_depth + 8) return;
  std::size_t room = kMaxTextBytes - std::min(kMaxTextBytes, r->field_text.size());
  r->field_text.append(reinterpret_cast<const char*>(ch),
                       std::min(room, static_cast<std::size_t>(std::max(len, 0))));
}

void FinishEntry(Reader* r) {
  const EntryFields& e = r->entry;
  switch (r->kind) {
    case FeedKind::kSitemap: {
      FeedEntry* added = r->out->Add(e.Get(kLoc), W3cDate(e.Get(kLastmod)), false);
      if (added != nullptr) added->alternates = e.alternates;
      break;
    }
    case FeedKind::kSitemapIndex:
      r->out->Add(e.Get(kLoc), W3cDate(e.Get(kLastmod)), true);
      break;
    case FeedKind::kRss: {
      std::string link = e.Get(kLink);
      if (link.empty() && e.text[kGuid] && !e.guid_not_permalink) link = *e.text[kGuid];
      std::string date = Rfc2822ToIso(e.Get(kPubDate));
      if (date.empty()) date = W3cDate(e.Get(kDate));  // dc:date
      r->out->Add(link, date, false);
      break;
    }
    case FeedKind::kAtom: {
      std::string date = W3cDate(e.Get(kPublished));
      if (date.empty()) date = W3cDate(e.Get(kUpdated));
      r->out->Add(e.atom_href.value_or(""), date, false);
      break;
    }
    case FeedKind::kNone:
      break;
  }
}

void OnEndElement(void* ctx, const xmlChar* localname, const xmlChar*, const xmlChar*) {
  Reader* r = ReaderOf(ctx);
  if (r->field != kNoField && r->depth == r->field_depth) {
    if (!r->entry.text[r->field]) r->entry.text[r->field] = std::string(Trim(r->field_text));
    r->field = kNoField;
  }
  if (r->entry_depth > 0 && r->depth == r->entry_depth) {
    FinishEntry(r);
    r->entry_depth = 0;
    if (r->out->full()) xmlStopParser(r->ctxt);
  }
  if (r->depth == 2 && IEquals(Str(localname), "channel")) r->in_channel = false;
  --r->depth;
}

void IgnoreEntityDecl(void*, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {}

bool Stopped(xmlParserCtxtPtr ctxt) {
  return ctxt->instate == XML_PARSER_EOF;
}

// Gives the push parser `body` in small chunks, gunzipped on the fly when it
// is gzip; at most kMaxInputBytes of (decoded) input. Nothing is held but a
// chunk: a gzip bomb costs time up to the cap, never memory.
void Push(xmlParserCtxtPtr ctxt, std::string_view body) {
  bool gzip = body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
              static_cast<unsigned char>(body[1]) == 0x8b;
  if (!gzip) {
    body = body.substr(0, kMaxInputBytes);
    for (std::size_t off = 0; off < body.size() && !Stopped(ctxt); off += kChunkBytes) {
      std::size_t n = std::min(kChunkBytes, body.size() - off);
      xmlParseChunk(ctxt, body.data() + off, static_cast<int>(n), 0);
    }
  } else {
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) == Z_OK) {
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
      z.avail_in = static_cast<uInt>(std::min<std::size_t>(body.size(), 1u << 30));
      std::string out(kChunkBytes, '\0');
      std::size_t total = 0;
      while (!Stopped(ctxt) && total < kMaxInputBytes) {
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = static_cast<uInt>(out.size());
        int rc = inflate(&z, Z_NO_FLUSH);
        std::size_t n = std::min(out.size() - z.avail_out, kMaxInputBytes - total);
        total += n;
        if (n > 0) xmlParseChunk(ctxt, out.data(), static_cast<int>(n), 0);
        if (rc == Z_STREAM_END && z.avail_in > 0 && inflateReset(&z) == Z_OK) continue;
        if (rc != Z_OK) break;  // the end, or corrupt: what was read stands
      }
      inflateEnd(&z);
    }
  }
  xmlParseChunk(ctxt, nullptr, 0, 1);
}

// Streams the document through the reader's handlers; the handlers that
// would build a tree or register declarations are replaced or removed.
FeedKind ReadXml(std::string_view body, Collector* out) {
  xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(nullptr, nullptr, nullptr, 0, nullptr);
  if (ctxt == nullptr) return FeedKind::kNone;
  xmlCtxtUseOptions(ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
                              XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS);
  Reader reader(out);
  reader.ctxt = ctxt;
  ctxt->_private = &reader;
  xmlSAXHandler* sax = ctxt->sax;
  sax->startElementNs = &OnStartElement;
  sax->endElementNs = &OnEndElement;
  sax->characters = &OnText;
  sax->cdataBlock = &OnText;
  sax->ignorableWhitespace = nullptr;
  sax->reference = nullptr;
  sax->comment = nullptr;
  sax->processingInstruction = nullptr;
  sax->entityDecl = &IgnoreEntityDecl;
  sax->unparsedEntityDecl = nullptr;
  sax->attributeDecl = nullptr;
  sax->elementDecl = nullptr;
  sax->notationDecl = nullptr;
  Push(ctxt, body);
  // A document cut short: the entry that was open gives what it had.
  if (reader.entry_depth > 0 && !out->full()) {
    if (reader.field != kNoField && !reader.entry.text[reader.field]) {
      reader.entry.text[reader.field] = std::string(Trim(reader.field_text));
    }
    FinishEntry(&reader);
  }
  if (ctxt->myDoc != nullptr) xmlFreeDoc(ctxt->myDoc);
  ctxt->myDoc = nullptr;
  xmlFreeParserCtxt(ctxt);
  return reader.kind;
}

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

}  // namespace

FeedDocument ParseFeed(std::string_view body, std::string_view document_url) {
  FeedDocument doc;
  if (body.empty()) return doc;
  InitLibxml();
  Collector out(document_url);
  doc.kind = ReadXml(body, &out);
  doc.entries = out.Take();
  NewestFirst(&doc.entries);
  return doc;
}

}  // namespace pressarc
