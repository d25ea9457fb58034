// BoundHtml: one linear pass over the decoded HTML that bounds what Gumbo
// has to do. Gumbo 0.10 has no depth limit, its duplicate-attribute check
// is quadratic in a tag's attribute count, and its tree builder scans the
// stack of open elements for most start tags (quadratic in depth); its tree
// destructor is recursive. So before parsing: nesting beyond a depth is
// dropped, tags are cut at a length, the tag count and the size are capped.
// Comments and the bodies of <script> (except JSON-LD) and <style> are
// dropped, which also saves Gumbo most of the bytes of a modern page.
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "parser/internal.h"

namespace pressarc::parser_internal {
namespace {

bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool OneOf(std::string_view name, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// Elements that never have content or whose end tag may be omitted: they do
// not count towards the nesting depth.
bool IsUncounted(std::string_view n) {
  return OneOf(n, {"area",    "base",     "br",      "col",   "embed",  "hr",      "img",
                   "input",   "link",     "meta",    "param", "source", "track",   "wbr",
                   "keygen",  "p",        "li",      "dt",    "dd",     "option",  "optgroup",
                   "tr",      "td",       "th",      "tbody", "thead",  "tfoot",   "colgroup",
                   "caption", "rb",       "rt",      "rp",    "rtc",    "html",    "head",
                   "body",    "basefont", "bgsound", "frame", "image",  "menuitem"});
}

// Position of "</name" (case-insensitive) at or after `from`, npos if none.
std::size_t FindEndTag(std::string_view html, std::size_t from, std::string_view name) {
  while (true) {
    std::size_t p = html.find("</", from);
    if (p == std::string_view::npos) return p;
    std::size_t k = 0;
    while (k < name.size() && p + 2 + k < html.size() && Lower(html[p + 2 + k]) == name[k]) ++k;
    if (k == name.size()) {
      std::size_t after = p + 2 + k;
      if (after >= html.size() || IsSpace(html[after]) || html[after] == '>' || html[after] == '/')
        return p;
    }
    from = p + 2;
  }
}

}  // namespace

std::string BoundHtml(std::string_view html, const PrepassLimits& limits) {
  std::string out;
  out.reserve(std::min(html.size(), limits.max_bytes) + 16);
  std::size_t n = html.size(), i = 0, depth = 0, tags = 0;
  std::string name;
  while (i < n && out.size() < limits.max_bytes) {
    if (html[i] != '<') {
      std::size_t next = html.find('<', i);
      if (next == std::string_view::npos) next = n;
      std::size_t take = std::min(next - i, limits.max_bytes - out.size());
      out.append(html.substr(i, take));
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
      name += Lower(html[k]);
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
        for (std::size_t p = lt; p < open_tag.size(); ++p) lower_tag += Lower(open_tag[p]);
        copy = lower_tag.find("ld+json") != std::string::npos;
      }
      if (copy && keep) {
        std::size_t take =
            std::min({end - i, limits.max_bytes - std::min(limits.max_bytes, out.size()),
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
