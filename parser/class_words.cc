// ClassWords: class and id attributes read as words (see internal.h).
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "parser/internal.h"

namespace pressarc::parser_internal {
namespace {

bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// First words of utility classes that set one style property (Tailwind,
// Bootstrap): "overflow-hidden", "text-center", "d-none", "mt-4".
bool IsUtilityPrefix(std::string_view w) {
  static constexpr std::array<std::string_view, 44> kPrefixes = {
      "overflow", "text",       "bg",      "border",   "flex", "grid",   "d",       "m",
      "p",        "mx",         "my",      "mt",       "mb",   "ml",     "mr",      "px",
      "py",       "pt",         "pb",      "pl",       "pr",   "w",      "h",       "min",
      "max",      "font",       "leading", "tracking", "z",    "shadow", "rounded", "align",
      "justify",  "items",      "self",    "order",    "gap",  "space",  "col",     "opacity",
      "cursor",   "whitespace", "float",   "position"};
  return std::find(kPrefixes.begin(), kPrefixes.end(), w) != kPrefixes.end();
}
// Responsive utilities ("hidden-xs", "visible-lg", "col-md-8") name a breakpoint.
bool IsBreakpoint(std::string_view w) {
  return w == "xs" || w == "sm" || w == "md" || w == "lg" || w == "xl" || w == "xxl";
}
// The values of utility classes ("overflow-hidden", "text-center"); a
// property followed by another word names a block ("text-description").
bool IsStyleValue(std::string_view w) {
  static constexpr std::array<std::string_view, 40> kValues = {
      "hidden", "visible", "auto",    "none",      "center", "left",      "right",     "justify",
      "bold",   "italic",  "block",   "inline",    "flex",   "grid",      "wrap",      "nowrap",
      "start",  "end",     "between", "around",    "full",   "screen",    "base",      "white",
      "black",  "muted",   "primary", "secondary", "light",  "dark",      "relative",  "absolute",
      "fixed",  "sticky",  "static",  "scroll",    "clip",   "uppercase", "lowercase", "x"};
  return (!w.empty() && IsDigit(w.front())) || IsBreakpoint(w) ||
         std::find(kValues.begin(), kValues.end(), w) != kValues.end();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// One pattern word against one name word: equal, a plural, or (for a
// pattern of three letters or more) the head of a compound ("mainmenu").
bool WordMatches(std::string_view word, std::string_view pattern, bool compound) {
  if (word == pattern) return true;
  if (word.size() == pattern.size() + 1 && word.back() == 's' && word.starts_with(pattern))
    return true;
  if (!compound || pattern.size() < 3 || word.size() <= pattern.size()) return false;
  return EndsWith(word, pattern) ||
         (word.back() == 's' && EndsWith(word.substr(0, word.size() - 1), pattern));
}

}  // namespace

ClassWords::ClassWords(std::string_view cls, std::string_view id) {
  int name = 0;
  for (std::string_view attr : {cls, id}) {
    std::size_t i = 0;
    while (i < attr.size() && words_.size() < 64) {
      while (i < attr.size() && (attr[i] == ' ' || attr[i] == '\t' || attr[i] == '\n')) ++i;
      std::size_t j = i;
      while (j < attr.size() && attr[j] != ' ' && attr[j] != '\t' && attr[j] != '\n') ++j;
      if (j > i) AddName(attr.substr(i, j - i), ++name);
      i = j;
    }
  }
}

void ClassWords::AddName(std::string_view n, int name) {
  if (n.find(':') != std::string_view::npos || n.size() > 80) return;  // md:hidden, hashes
  std::vector<Word> words;
  std::string cur;
  auto flush = [&] {
    while (!cur.empty() && IsDigit(cur.back())) cur.pop_back();  // sidebar1
    if (!cur.empty()) words.push_back({cur, name});
    cur.clear();
  };
  for (std::size_t k = 0; k < n.size(); ++k) {
    char c = n[k];
    if (IsUpper(c)) {
      // A hump starts a word ("articleBody"); a run of capitals stays one ("URLText").
      bool prev_lower = k > 0 && (IsLower(n[k - 1]) || IsDigit(n[k - 1]));
      bool next_lower = k + 1 < n.size() && IsLower(n[k + 1]) && k > 0 && IsUpper(n[k - 1]);
      if (prev_lower || next_lower) flush();
      cur += static_cast<char>(c - 'A' + 'a');
    } else if (IsLower(c) || IsDigit(c) || static_cast<unsigned char>(c) >= 0x80) {
      cur += c;
    } else {
      flush();
    }
  }
  flush();
  if (words.empty()) return;
  bool utility = words.size() > 1 && IsUtilityPrefix(words.front().text);
  for (std::size_t k = 1; k < words.size() && utility; ++k) utility = IsStyleValue(words[k].text);
  if (utility) return;
  for (const Word& w : words)
    if (IsBreakpoint(w.text)) return;
  for (Word& w : words) words_.push_back(std::move(w));
}

bool ClassWords::MatchesAt(std::size_t at, std::string_view pattern) const {
  std::size_t k = at;
  std::size_t start = 0;
  while (start <= pattern.size()) {
    std::size_t dash = pattern.find('-', start);
    if (dash == std::string_view::npos) dash = pattern.size();
    std::string_view p = pattern.substr(start, dash - start);
    if (k >= words_.size() || words_[k].name != words_[at].name) return false;
    bool single = start == 0 && dash == pattern.size();
    if (!WordMatches(words_[k].text, p, single)) return false;
    ++k;
    start = dash + 1;
  }
  // "no-sidebar", "comment-free", "adless": the name says the block lacks it.
  if (at > 0 && words_[at - 1].name == words_[at].name && words_[at - 1].text == "no") return false;
  if (k < words_.size() && words_[k].name == words_[at].name &&
      (words_[k].text == "free" || words_[k].text == "less"))
    return false;
  return true;
}

bool ClassWords::Has(std::initializer_list<std::string_view> patterns) const {
  for (std::size_t at = 0; at < words_.size(); ++at)
    for (std::string_view p : patterns)
      if (MatchesAt(at, p)) return true;
  return false;
}

}  // namespace pressarc::parser_internal
