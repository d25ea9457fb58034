// BoundHtml: one linear pass over the decoded HTML that bounds what Gumbo
// has to do. Gumbo 0.10 has no depth limit, its duplicate-attribute check
// is quadratic in a tag's attribute count, and its tree builder scans the
// stack of open elements for most start tags (quadratic in depth); its tree
// destructor is recursive. So before parsing: nesting beyond a depth is
// dropped, tags are cut at a length, the tag count and the size are capped.
// Comments and the bodies of <script> (except JSON-LD) and <style> are
// dropped, which also saves Gumbo most of the bytes of a modern page.
// Long runs of plain text go to Gumbo as placeholders that Dom replaces by
// the text again (internal.h): Gumbo tokenises text one character at a time,
// and in an article page that was a third of its work.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "config/ascii.h"
#include "parser/internal.h"

namespace pressarc::parser_internal {
namespace {

bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
// A tag name of up to 8 bytes as one integer (0 for a longer one), so that
// the lists below compare integers, not strings, once per tag.
constexpr std::uint64_t Pack(std::string_view name) {
  if (name.empty() || name.size() > 8) return 0;
  std::uint64_t v = 0;
  for (char c : name) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

// Elements that never have content or whose end tag may be omitted: they do
// not count towards the nesting depth.
bool IsUncounted(std::string_view n) {
  static constexpr std::uint64_t kNames[] = {
      Pack("area"),     Pack("base"),     Pack("br"),       Pack("col"),     Pack("embed"),
      Pack("hr"),       Pack("img"),      Pack("input"),    Pack("link"),    Pack("meta"),
      Pack("param"),    Pack("source"),   Pack("track"),    Pack("wbr"),     Pack("keygen"),
      Pack("p"),        Pack("li"),       Pack("dt"),       Pack("dd"),      Pack("option"),
      Pack("optgroup"), Pack("tr"),       Pack("td"),       Pack("th"),      Pack("tbody"),
      Pack("thead"),    Pack("tfoot"),    Pack("colgroup"), Pack("caption"), Pack("rb"),
      Pack("rt"),       Pack("rp"),       Pack("rtc"),      Pack("html"),    Pack("head"),
      Pack("body"),     Pack("basefont"), Pack("bgsound"),  Pack("frame"),   Pack("image"),
      Pack("menuitem")};
  const std::uint64_t v = Pack(n);
  if (v == 0) return false;
  for (std::uint64_t k : kNames) {
    if (k == v) return true;
  }
  return false;
}

// Position of "</name" (case-insensitive) at or after `from`, npos if none.
std::size_t FindEndTag(std::string_view html, std::size_t from, std::string_view name) {
  while (true) {
    std::size_t p = html.find("</", from);
    if (p == std::string_view::npos) return p;
    std::size_t k = 0;
    while (k < name.size() && p + 2 + k < html.size() && AsciiLower(html[p + 2 + k]) == name[k])
      ++k;
    if (k == name.size()) {
      std::size_t after = p + 2 + k;
      if (after >= html.size() || IsSpace(html[after]) || html[after] == '>' || html[after] == '/')
        return p;
    }
    from = p + 2;
  }
}

// Runs shorter than this stay as they are. Gumbo makes a token of each
// character, so a run gains as soon as it has more characters than the
// placeholder's three: the short link texts of menus too ("Xəbərlər 3",
// 225 of them on a bench page: Gumbo parsed it in 4.24 M instructions
// with runs of 32 bytes and more, in 3.44 M with this).
// Longer than the placeholder, so that the bytes saved stay positive.
constexpr std::size_t kMinRunBytes = kRunPlaceholderBytes + 1;

// The length of the character at s[i] when Gumbo passes it through as it is
// and the tree builder treats it as any other non-space character; 0 for
// whitespace-sensitive or special ones: CR (newline normalisation), NUL,
// '&' (references), '<', controls, C1 controls, noncharacters and invalid
// UTF-8, which Gumbo reports or replaces. Space, tab, LF and FF are kept:
// they are whitespace to Gumbo, and a run never starts or ends with one.
std::size_t PassThroughLength(std::string_view s, std::size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  const unsigned char c = p[i];
  if (c < 0x80) {
    if (c >= 0x20) return (c == '&' || c == '<' || c == 0x7F) ? 0 : 1;
    return (c == '\t' || c == '\n' || c == '\f') ? 1 : 0;
  }
  auto cont = [&](std::size_t k) { return i + k < n && (p[i + k] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) {
    if (!cont(1)) return 0;
    return (c == 0xC2 && p[i + 1] < 0xA0) ? 0 : 2;  // U+0080-U+009F: C1 controls
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    const unsigned cp = ((c & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
        cp >= 0xFFFE)
      return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const unsigned cp = ((c & 0x07u) << 18) | ((p[i + 1] & 0x3Fu) << 12) |
                        ((p[i + 2] & 0x3Fu) << 6) | (p[i + 3] & 0x3Fu);
    if (cp < 0x10000 || cp > 0x10FFFF || (cp & 0xFFFE) == 0xFFFE) return 0;
    return 4;
  }
  return 0;
}

// Appends text that lies between tags, long plain runs as placeholders.
void AppendText(std::string_view chunk, std::string* out, std::vector<std::string_view>* runs,
                std::size_t* saved) {
  if (runs == nullptr || chunk.size() < kMinRunBytes) {
    out->append(chunk);
    return;
  }
  std::size_t start = 0;  // of the pending pass-through stretch
  auto flush = [&](std::size_t end) {
    std::size_t a = start, b = end;
    while (a < b && IsSpace(chunk[a])) ++a;  // (no CR in a stretch: it ends one)
    while (b > a && IsSpace(chunk[b - 1])) --b;
    if (b - a < kMinRunBytes || runs->size() >= kMaxRuns) {
      out->append(chunk.substr(start, end - start));
      return;
    }
    const std::size_t index = runs->size();
    out->append(chunk.substr(start, a - start));
    AppendRunPlaceholder(index, out);
    runs->push_back(chunk.substr(a, b - a));
    out->append(chunk.substr(b, end - b));
    *saved += (b - a) - kRunPlaceholderBytes;
  };
  std::size_t i = 0;
  while (i < chunk.size()) {
    // Eight printable ASCII characters but '&' and DEL at a time.
    while (i + 8 <= chunk.size()) {
      std::uint64_t w;
      std::memcpy(&w, chunk.data() + i, 8);
      constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
      const std::uint64_t amp = w ^ (kOnes * '&');
      const std::uint64_t special = ((w - kOnes * 0x20) | (amp - kOnes) | (w + kOnes)) & ~w & kHigh;
      if ((w & kHigh) != 0 || special != 0) break;
      i += 8;
    }
    if (i >= chunk.size()) break;
    std::size_t len = PassThroughLength(chunk, i);
    if (len == 0) {
      flush(i);
      out->push_back(chunk[i]);
      if (chunk[i++] == '&') {
        // What a character reference can be made of stays with it.
        while (i < chunk.size() && (std::isalnum(static_cast<unsigned char>(chunk[i])) ||
                                    chunk[i] == '#' || chunk[i] == ';')) {
          out->push_back(chunk[i++]);
        }
      }
      start = i;
      continue;
    }
    i += len;
  }
  flush(chunk.size());
}

// Whether the page writes the placeholder marker, as the character itself
// or as a numeric character reference (&#63743; &#xF8FF;): its placeholders
// could then not be told from the page's own text.
bool WritesRunMarker(std::string_view html) {
  if (html.find(kRunMarker) != std::string_view::npos) return true;
  for (std::size_t p = html.find("&#"); p != std::string_view::npos; p = html.find("&#", p + 2)) {
    std::size_t k = p + 2;
    bool hex = k < html.size() && (html[k] == 'x' || html[k] == 'X');
    if (hex) ++k;
    unsigned long value = 0;
    for (; k < html.size() && value <= 0x10FFFF; ++k) {
      char c = html[k];
      int digit = c >= '0' && c <= '9'          ? c - '0'
                  : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                : -1;
      if (digit < 0) break;
      value = value * (hex ? 16 : 10) + static_cast<unsigned long>(digit);
    }
    if (value == 0xF8FF) return true;
  }
  return false;
}

}  // namespace

std::string BoundHtml(std::string_view html, const PrepassLimits& limits,
                      std::vector<std::string_view>* runs) {
  std::string out;
  out.reserve(std::min(html.size(), limits.max_bytes) + 16);
  if (runs != nullptr && WritesRunMarker(html)) runs = nullptr;
  // Bytes the placeholders saved: the size cap counts the text they stand for.
  std::size_t saved = 0;
  auto emitted = [&] { return out.size() + saved; };
  std::size_t n = html.size(), i = 0, depth = 0, tags = 0;
  std::string name;
  while (i < n && emitted() < limits.max_bytes) {
    if (html[i] != '<') {
      std::size_t next = html.find('<', i);
      if (next == std::string_view::npos) next = n;
      std::size_t take = std::min(next - i, limits.max_bytes - emitted());
      AppendText(html.substr(i, take), &out, runs, &saved);
      i = next;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    bool closing = i + 1 < n && html[i + 1] == '/';
    std::size_t j = i + 1 + (closing ? 1 : 0);
    if (j < n && (html[i + 1] == '!' || html[i + 1] == '?')) {
      std::size_t end = html.find('>', i);
      end = end == std::string_view::npos ? n : end + 1;
      if (end - i <= limits.max_tag_bytes) out.append(html.substr(i, end - i));
      i = end;
      continue;
    }
    if (j >= n || !IsAlpha(html[j])) {
      out += '<';
      ++i;
      continue;
    }
    name.clear();
    std::size_t k = j;
    while (k < n && !IsSpace(html[k]) && html[k] != '/' && html[k] != '>') {
      name += AsciiLower(html[k]);
      ++k;
    }
    // Find the tag's end, honouring quoted attribute values.
    char quote = 0;
    bool after_eq = false;
    std::size_t boundary = k;  // last whitespace outside quotes: a safe cut point
    for (; k < n; ++k) {
      char c = html[k];
      if (quote) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '>') break;
      if (c == '=') {
        after_eq = true;
      } else if ((c == '"' || c == '\'') && after_eq) {
        quote = c;
        after_eq = false;
      } else if (IsSpace(c)) {
        if (k - i <= limits.max_tag_bytes) boundary = k;
      } else {
        after_eq = false;
      }
    }
    // In a frameset Gumbo keeps a run's spaces and drops the rest, a
    // character at a time: no placeholders from there on.
    if (!closing && name == "frameset") runs = nullptr;
    std::size_t tag_end = k < n ? k + 1 : n;  // one past '>'
    bool self_closing = k < n && k > i && html[k - 1] == '/';
    if (++tags > limits.max_tags) break;

    bool counted = !IsUncounted(name) && !self_closing;
    bool keep = true;
    if (counted) {
      if (closing) {
        keep = depth <= limits.max_depth;
        if (depth > 0) --depth;
      } else {
        ++depth;
        keep = depth <= limits.max_depth;
      }
    }
    if (keep) {
      if (tag_end - i <= limits.max_tag_bytes && k < n) {
        out.append(html.substr(i, tag_end - i));
      } else {
        out.append(html.substr(i, boundary - i));
        out += '>';
      }
    }
    i = tag_end;
    if (closing || self_closing) continue;

    // Raw-text elements: skip or copy their content up to the end tag.
    bool is_script = name == "script";
    if (is_script || name == "style" || name == "textarea" || name == "title" || name == "xmp" ||
        name == "iframe" || name == "noembed" || name == "noframes") {
      std::size_t end = FindEndTag(html, i, name);
      if (end == std::string_view::npos) end = n;
      bool copy = name == "textarea" || name == "title";
      if (is_script && keep) {
        // Keep JSON-LD (dates, titles); drop every other script body.
        std::string_view open_tag = out;
        std::size_t lt = open_tag.rfind('<');
        std::string lower_tag;
        for (std::size_t p = lt; p < open_tag.size(); ++p) lower_tag += AsciiLower(open_tag[p]);
        copy = lower_tag.find("ld+json") != std::string::npos;
      }
      if (copy && keep) {
        std::size_t take =
            std::min({end - i, limits.max_bytes - std::min(limits.max_bytes, emitted()),
                      std::size_t{1} << 20});
        out.append(html.substr(i, take));
      }
      if (end < n) {
        std::size_t close = html.find('>', end);
        close = close == std::string_view::npos ? n : close + 1;
        if (keep) out.append("</" + name + ">");
        if (counted && depth > 0) --depth;
        i = close;
      } else {
        i = n;
      }
    }
  }
  return out;
}

}  // namespace pressarc::parser_internal
