// Escaping for HTML text, attributes and URLs; snippets' highlight markers.
#include <string>
#include <string_view>

#include "web/web.h"

namespace pressarc::web {

namespace {

// The length of the valid UTF-8 sequence at text[i], 0 when invalid.
std::size_t Utf8Length(std::string_view text, std::size_t i, char32_t* cp) {
  const auto b = static_cast<unsigned char>(text[i]);
  std::size_t n = b < 0x80           ? 1
                  : (b >> 5) == 0x6  ? 2
                  : (b >> 4) == 0xE  ? 3
                  : (b >> 3) == 0x1E ? 4
                                     : 0;
  if (n == 0 || i + n > text.size()) return 0;
  char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    const auto t = static_cast<unsigned char>(text[i + k]);
    if ((t & 0xC0) != 0x80) return 0;
    c = (c << 6) | (t & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMin[n] || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) return 0;
  *cp = c;
  return n;
}

bool IsBidiControl(char32_t c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    const std::size_t n = Utf8Length(text, i, &c);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    if (n == 1) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        case '\t':
        case '\n':
          out += static_cast<char>(c);
          break;
        default:
          if (c >= 0x20 && c != 0x7F) out += static_cast<char>(c);
      }
    } else if (!IsBidiControl(c) && !(c >= 0x80 && c < 0xA0)) {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string EncodeUrlComponent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string SnippetHtml(std::string_view snippet) {
  std::string out;
  bool open = false;
  std::size_t start = 0;
  auto flush = [&](std::size_t end) { out += EscapeHtml(snippet.substr(start, end - start)); };
  for (std::size_t i = 0; i < snippet.size(); ++i) {
    const char c = snippet[i];
    if (c != search::kMarkOn && c != search::kMarkOff) continue;
    flush(i);
    start = i + 1;
    if (c == search::kMarkOn && !open) {
      out += "<mark>";
      open = true;
    } else if (c == search::kMarkOff && open) {
      out += "</mark>";
      open = false;
    }
  }
  flush(snippet.size());
  if (open) out += "</mark>";
  return out;
}

std::string SearchUrl(const std::vector<std::pair<std::string, std::string>>& params,
                      std::string_view path) {
  std::string url(path);
  char sep = '?';
  for (const auto& [name, value] : params) {
    url += sep;
    url += EncodeUrlComponent(name);
    url += '=';
    url += EncodeUrlComponent(value);
    sep = '&';
  }
  return url;
}

}  // namespace pressarc::web
