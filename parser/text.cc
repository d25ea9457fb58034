// Small UTF-8 text helpers.
#include <string>
#include <string_view>

#include "parser/internal.h"

namespace pressarc::parser_internal {

std::string CollapseSpace(std::string_view s) {
  // The output is never longer than the input: written through a pointer,
  // not a byte at a time through push_back.
  std::string out(s.size(), '\0');
  char* dst = out.data();
  char* const begin = dst;
  bool space = false;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = p[i];
    bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    std::size_t skip = 0;
    if (c == 0xC2 && i + 1 < n && p[i + 1] == 0xA0) {
      ws = true;  // NBSP
      skip = 1;
    } else if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80) {
      unsigned char c2 = p[i + 2];
      if ((c2 >= 0x80 && c2 <= 0x8B) || c2 == 0xAF || c2 == 0xA8 || c2 == 0xA9) {
        ws = c2 != 0x8B;  // zero-width space: drop without a space
        skip = 2;
        if (!ws) {
          i += skip;
          continue;
        }
      }
    } else if (c == 0xEF && i + 2 < n && p[i + 1] == 0xBB && p[i + 2] == 0xBF) {
      i += 2;  // stray BOM / ZWNBSP
      continue;
    }
    if (ws) {
      space = true;
      i += skip;
      continue;
    }
    if (space && dst != begin) *dst++ = ' ';
    space = false;
    *dst++ = static_cast<char>(c);
  }
  out.resize(static_cast<std::size_t>(dst - begin));
  return out;
}

std::size_t Utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace pressarc::parser_internal
