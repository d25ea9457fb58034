// ASCII-only helpers for protocol text (header names, schemes, hosts, tag
// and attribute names, content types): locale-independent, byte-wise, and
// leave every non-ASCII byte as it is (UTF-8 stays valid). Natural-language
// text is folded with ICU instead (indexer's FoldCase).
#pragma once

#include <string>
#include <string_view>

namespace pressarc {

constexpr char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

}  // namespace pressarc
