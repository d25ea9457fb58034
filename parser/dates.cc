// Dates: machine forms (ISO 8601, RFC 2822) and human text in az/ru/en.
//
// Text is tokenised into numbers, words and punctuation, and patterns are
// matched over whole tokens, so a month name is never found inside a longer
// word ("марта" is one token, looked up as a whole). Month names are looked
// up after Turkic-aware folding: İ→i, I→i, ı→i (so "İyun", "IYUN", "iyun",
// "yanvarın"/"yanvarin" all match) and Unicode lower-casing for Cyrillic.
//
// Recognised (a year is required; a date without one is not a date):
//   28 Fevral 2023 / 28 fevral, 2023 / 28 февраля 2023 г. / 28 February 2023
//   March 10, 2022 / Апрель 6, 2016 / 2024-cü il dekabrın 25-də
//   8 avqust 2025-ci il / mart ayının 15-i 2023 (no: year needed before)
//   28.02.2023 / 27-02-2023 / 2023.02.28 / 2023-02-28 / 2/28/2023 (US when unambiguous)
// followed (or preceded) by a time "16:25", "16:25:00", ", 19:23", "saat 11:56",
// "в 15:30", "4:05 PM", and an offset "(UTC +04:00)", "+0400", "GMT+4".
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parser/internal.h"

namespace pressarc::parser_internal {
namespace {

void AppendUtf8(std::string& out, UChar32 c) {
  char buf[4];
  int32_t len = 0;
  UBool err = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, c, err);
  if (!err) out.append(buf, static_cast<std::size_t>(len));
}

// Folding for month lookup: lower-case, and i/ı/İ/I all become 'i'.
std::string FoldKey(std::string_view s) {
  std::string out;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) continue;
    if (c == 0x130 || c == 'I' || c == 0x131)
      c = 'i';
    else if (c == 0x307)
      continue;  // combining dot above (from a naive İ lower-casing)
    else
      c = u_tolower(c);
    AppendUtf8(out, c);
  }
  return out;
}

const std::unordered_map<std::string, int>& MonthTable() {
  static const auto* table = [] {
    auto* m = new std::unordered_map<std::string, int>();
    auto add = [m](int month, std::initializer_list<const char*> forms) {
      for (const char* f : forms) (*m)[FoldKey(f)] = month;
    };
    // English (full and abbreviated).
    add(1, {"january", "jan"});
    add(2, {"february", "feb"});
    add(3, {"march", "mar"});
    add(4, {"april", "apr"});
    add(5, {"may"});
    add(6, {"june", "jun"});
    add(7, {"july", "jul"});
    add(8, {"august", "aug"});
    add(9, {"september", "sep", "sept"});
    add(10, {"october", "oct"});
    add(11, {"november", "nov"});
    add(12, {"december", "dec"});
    // Azerbaijani: bare + locative, ablative, genitive, accusative, dative; variants.
    add(1, {"yanvar", "yanvarda", "yanvardan", "yanvarın", "yanvarı", "yanvara"});
    add(2, {"fevral", "fevralda", "fevraldan", "fevralın", "fevralı", "fevrala"});
    add(3, {"mart", "martda", "martdan", "martın", "martı", "marta"});
    add(4, {"aprel", "apreldə", "apreldən", "aprelin", "apreli", "aprelə"});
    add(5, {"mayda", "maydan", "mayın", "mayı", "maya"});
    add(6, {"iyun", "iyunda", "iyundan", "iyunun", "iyunu", "iyuna"});
    add(7, {"iyul", "iyulda", "iyuldan", "iyulun", "iyulu", "iyula"});
    add(8, {"avqust", "avqustda", "avqustdan", "avqustun", "avqustu", "avqusta", "avgust"});
    add(9, {"sentyabr", "sentyabrda", "sentyabrdan", "sentyabrın", "sentyabrı", "sentyabra",
            "sentabr"});
    add(10, {"oktyabr", "oktyabrda", "oktyabrdan", "oktyabrın", "oktyabrı", "oktyabra", "oktabr"});
    add(11, {"noyabr", "noyabrda", "noyabrdan", "noyabrın", "noyabrı", "noyabra"});
    add(12, {"dekabr", "dekabrda", "dekabrdan", "dekabrın", "dekabrı", "dekabra"});
    // Russian: nominative, genitive, prepositional, abbreviations.
    add(1, {"январь", "января", "январе", "янв"});
    add(2, {"февраль", "февраля", "феврале", "фев", "февр"});
    add(3, {"март", "марта", "марте", "мар"});
    add(4, {"апрель", "апреля", "апреле", "апр"});
    add(5, {"май", "мая", "мае"});
    add(6, {"июнь", "июня", "июне", "июн"});
    add(7, {"июль", "июля", "июле", "июл"});
    add(8, {"август", "августа", "августе", "авг"});
    add(9, {"сентябрь", "сентября", "сентябре", "сен", "сент"});
    add(10, {"октябрь", "октября", "октябре", "окт"});
    add(11, {"ноябрь", "ноября", "ноябре", "нояб", "ноя"});
    add(12, {"декабрь", "декабря", "декабре", "дек"});
    return m;
  }();
  return *table;
}

enum class TokType { kNumber, kWord, kPunct };

struct Token {
  TokType type;
  std::string text;  // folded for words; digits for numbers; the char for punct
  int value = 0;     // numbers
  bool space_before = false;
};

std::vector<Token> Tokenize(std::string_view s, std::size_t max_tokens) {
  std::vector<Token> out;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  bool space = false;
  while (i < n && out.size() < max_tokens) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0 || u_isUWhiteSpace(c) || c == 0xA0) {
      space = true;
      continue;
    }
    Token t;
    t.space_before = space;
    space = false;
    if (c >= '0' && c <= '9') {
      t.type = TokType::kNumber;
      t.text += static_cast<char>(c);
      while (i < n && s[static_cast<std::size_t>(i)] >= '0' &&
             s[static_cast<std::size_t>(i)] <= '9') {
        if (t.text.size() < 9) t.text += s[static_cast<std::size_t>(i)];
        ++i;
      }
      t.value = std::stoi(t.text);
    } else if (u_isalpha(c)) {
      t.type = TokType::kWord;
      int32_t end = i;
      while (end < n) {
        int32_t next = end;
        UChar32 d;
        U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), next, n, d);
        if (d < 0 || !(u_isalpha(d) || d == 0x307 || u_getCombiningClass(d) != 0)) break;
        end = next;
      }
      t.text =
          FoldKey(s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start)));
      i = end;
    } else {
      t.type = TokType::kPunct;
      t.text = std::string(
          s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
    out.push_back(std::move(t));
  }
  return out;
}

int MonthOf(const Token& t) {
  if (t.type != TokType::kWord) return 0;
  const auto& table = MonthTable();
  auto it = table.find(t.text);
  return it == table.end() ? 0 : it->second;
}

bool IsPunct(const std::vector<Token>& t, std::size_t k, std::string_view p) {
  return k < t.size() && t[k].type == TokType::kPunct && t[k].text == p;
}
bool IsWord(const std::vector<Token>& t, std::size_t k, std::string_view w) {
  return k < t.size() && t[k].type == TokType::kWord && t[k].text == w;
}
bool IsYear(const Token& t) {
  return t.type == TokType::kNumber && t.text.size() == 4 && t.value >= 1900 && t.value <= 2100;
}
bool IsDay(const Token& t) {
  return t.type == TokType::kNumber && t.text.size() <= 2 && t.value >= 1 && t.value <= 31;
}

bool ValidDate(int y, int m, int d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  if (d > kDays[m - 1]) return false;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
  return true;
}

struct DateMatch {
  int y = 0, m = 0, d = 0;
  std::size_t begin = 0, end = 0;  // token range [begin, end)
};

// Tries every date pattern starting at token k.
bool MatchDateAt(const std::vector<Token>& t, std::size_t k, DateMatch* out) {
  const Token& a = t[k];
  std::size_t n = t.size();
  // D Month [.|,] Y   |   D Month ayının? (no)
  if (IsDay(a) && k + 1 < n) {
    std::size_t j = k + 1;
    if (IsPunct(t, j, ".") && t[j].space_before == false && j + 1 < n &&
        t[j + 1].type == TokType::kWord)
      ++j;  // "28. Februar" style
    int m = MonthOf(t[j]);
    if (m) {
      std::size_t y = j + 1;
      if (IsPunct(t, y, ".")) ++y;
      if (IsPunct(t, y, ",")) ++y;
      if (y < n && IsYear(t[y])) {
        *out = {t[y].value, m, a.value, k, y + 1};
        return true;
      }
    }
  }
  // Month D, Y   (March 10, 2022; Апрель 6, 2016; Mar. 10 2022)
  if (int m = MonthOf(a); m && k + 1 < n) {
    std::size_t j = k + 1;
    if (IsPunct(t, j, ".")) ++j;
    if (j < n && IsDay(t[j])) {
      std::size_t y = j + 1;
      if (IsPunct(t, y, ",")) ++y;
      if (y < n && IsYear(t[y])) {
        *out = {t[y].value, m, t[j].value, k, y + 1};
        return true;
      }
    }
  }
  // Y-cü il [Month-gen] D[-də]   (2024-cü il dekabrın 25-də)
  if (IsYear(a) && IsPunct(t, k + 1, "-") && k + 2 < n && t[k + 2].type == TokType::kWord &&
      t[k + 2].text.size() <= 4 && (IsWord(t, k + 3, "il") || IsWord(t, k + 3, "ilin"))) {
    std::size_t j = k + 4;
    if (j < n) {
      if (int m = MonthOf(t[j]); m && j + 1 < n && IsDay(t[j + 1])) {
        *out = {a.value, m, t[j + 1].value, k, j + 2};
        return true;
      }
      if (IsDay(t[j]) && j + 1 < n) {
        if (int m = MonthOf(t[j + 1])) {
          *out = {a.value, m, t[j].value, k, j + 2};
          return true;
        }
      }
    }
  }
  // Numeric forms: the separators must match and touch the numbers.
  if (a.type == TokType::kNumber && k + 4 < n && t[k + 1].type == TokType::kPunct &&
      !t[k + 1].space_before && !t[k + 2].space_before && t[k + 2].type == TokType::kNumber &&
      t[k + 3].type == TokType::kPunct && t[k + 3].text == t[k + 1].text &&
      !t[k + 3].space_before && !t[k + 4].space_before && t[k + 4].type == TokType::kNumber) {
    const std::string& sep = t[k + 1].text;
    if (sep == "." || sep == "-" || sep == "/") {
      const Token& b = t[k + 2];
      const Token& c = t[k + 4];
      // A longer number right after (a version, a phone number) is not a date.
      bool trailing_digits = k + 5 < n && t[k + 5].type == TokType::kPunct &&
                             t[k + 5].text == sep && !t[k + 5].space_before;
      if (!trailing_digits) {
        if (IsYear(a) && b.text.size() <= 2 && c.text.size() <= 2) {
          *out = {a.value, b.value, c.value, k, k + 5};
          return true;
        }
        if (IsYear(c) && a.text.size() <= 2 && b.text.size() <= 2) {
          int d = a.value, m = b.value;
          if (sep == "/" && (m > 12 || (d <= 12 && k + 5 < n))) {
            // US M/D/YYYY when the day can't be first, or when AM/PM follows.
            bool ampm = false;
            for (std::size_t q = k + 5; q < n && q < k + 10; ++q)
              if (IsWord(t, q, "am") || IsWord(t, q, "pm")) ampm = true;
            if (m > 12 || ampm) std::swap(d, m);
          }
          *out = {c.value, m, d, k, k + 5};
          return true;
        }
      }
    }
  }
  return false;
}

struct TimeMatch {
  int h = -1, min = 0, sec = -1;
  std::string offset;
  std::size_t end = 0;
};

// HH:MM[:SS] [am|pm] at token k.
bool MatchClock(const std::vector<Token>& t, std::size_t k, TimeMatch* out) {
  std::size_t n = t.size();
  if (k + 2 >= n || t[k].type != TokType::kNumber || t[k].text.size() > 2) return false;
  if (!IsPunct(t, k + 1, ":") || t[k + 2].type != TokType::kNumber || t[k + 2].text.size() != 2)
    return false;
  int h = t[k].value, m = t[k + 2].value, s = -1;
  std::size_t j = k + 3;
  if (IsPunct(t, j, ":") && j + 1 < n && t[j + 1].type == TokType::kNumber &&
      t[j + 1].text.size() == 2) {
    s = t[j + 1].value;
    j += 2;
  }
  if (IsWord(t, j, "pm") || IsWord(t, j, "am")) {
    if (h < 1 || h > 12) return false;
    if (t[j].text == "pm" && h != 12) h += 12;
    if (t[j].text == "am" && h == 12) h = 0;
    ++j;
  }
  if (h > 23 || m > 59 || s > 59) return false;
  out->h = h;
  out->min = m;
  out->sec = s;
  out->end = j;
  return true;
}

// "+04:00", "+0400", "+4", "(UTC +04:00)", "GMT+4", "Z" at token k.
std::size_t MatchOffset(const std::vector<Token>& t, std::size_t k, std::string* offset) {
  std::size_t n = t.size(), j = k;
  bool paren = IsPunct(t, j, "(");
  if (paren) ++j;
  bool zone = IsWord(t, j, "utc") || IsWord(t, j, "gmt");
  if (zone) ++j;
  if (j < n && t[j].type == TokType::kPunct &&
      (t[j].text == "+" || t[j].text == "-" || t[j].text == "\xE2\x88\x92")) {
    char sign = t[j].text == "+" ? '+' : '-';
    if (j + 1 >= n || t[j + 1].type != TokType::kNumber) return 0;
    int hh = 0, mm = 0;
    const std::string& num = t[j + 1].text;
    std::size_t e = j + 2;
    if (num.size() == 4) {
      hh = t[j + 1].value / 100;
      mm = t[j + 1].value % 100;
    } else if (num.size() <= 2) {
      hh = t[j + 1].value;
      if (IsPunct(t, e, ":") && e + 1 < n && t[e + 1].type == TokType::kNumber &&
          t[e + 1].text.size() == 2) {
        mm = t[e + 1].value;
        e += 2;
      }
    } else {
      return 0;
    }
    if (hh > 14 || mm > 59) return 0;
    if (paren) {
      if (!IsPunct(t, e, ")")) return 0;
      ++e;
    }
    char buf[32];  // room for any int, so -Wformat-truncation stays quiet
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, hh, mm);
    *offset = buf;
    return e - k;
  }
  if (zone) {  // bare "UTC"/"GMT"
    if (paren) {
      if (!IsPunct(t, j, ")")) return 0;
      ++j;
    }
    *offset = "+00:00";
    return j - k;
  }
  return 0;
}

// A time shortly after the date: ", 19:23", " 16:25", "saat 11:56", "в 15:30", "at 4 PM" (no).
bool MatchTimeAfter(const std::vector<Token>& t, std::size_t k, TimeMatch* out) {
  std::size_t j = k;
  // Skip year suffixes and connectors: г. года il -ci il tarixində, ',', '|', '/', '-', saat, в,
  // at.
  for (int guard = 0; guard < 5 && j < t.size(); ++guard) {
    const Token& x = t[j];
    if (x.type == TokType::kPunct &&
        (x.text == "," || x.text == "|" || x.text == "/" || x.text == "-" || x.text == "." ||
         x.text == "\xE2\x80\x94" || x.text == "\xE2\x80\x93" || x.text == "\xC2\xB7" ||
         x.text == "\xE2\x80\xA2")) {
      ++j;
      continue;
    }
    if (x.type == TokType::kWord &&
        (x.text == "г" || x.text == "года" || x.text == "год" || x.text == "il" || x.text == "ci" ||
         x.text == "cı" || x.text == "cu" || x.text == "cü" || x.text == "saat" || x.text == "в" ||
         x.text == "at" || x.text == "in" || x.text == "время" || x.text == "tarixində" ||
         x.text == "ilin")) {
      ++j;
      continue;
    }
    break;
  }
  if (j >= t.size() || !MatchClock(t, j, out)) return false;
  std::string off;
  std::size_t used = MatchOffset(t, out->end, &off);
  if (used) {
    out->offset = off;
    out->end += used;
  }
  return true;
}

std::string Format(const DateMatch& d, const TimeMatch* tm) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.y, d.m, d.d);
  std::string out = buf;
  if (tm && tm->h >= 0) {
    // Seconds are always written (":00" when the page gives none).
    std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", tm->h, tm->min, tm->sec < 0 ? 0 : tm->sec);
    out += buf;
    out += tm->offset;
  }
  return out;
}

std::string FindInTokens(const std::vector<Token>& t) {
  for (std::size_t k = 0; k < t.size(); ++k) {
    DateMatch d;
    if (!MatchDateAt(t, k, &d) || !ValidDate(d.y, d.m, d.d)) continue;
    TimeMatch tm;
    if (MatchTimeAfter(t, d.end, &tm)) return Format(d, &tm);
    // Time first: "14:24 09 July 2019".
    for (std::size_t back = 3; back <= 5 && back <= k; ++back) {
      TimeMatch before;
      if (MatchClock(t, k - back, &before) && before.end == k) return Format(d, &before);
      if (MatchClock(t, k - back, &before) && before.end + 1 == k &&
          t[before.end].type == TokType::kPunct)
        return Format(d, &before);
    }
    return Format(d, nullptr);
  }
  return "";
}

}  // namespace

std::string LowerTurkic(std::string_view s) {
  std::string out;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) continue;
    if (c == 0x130)
      c = 'i';
    else if (c == 'I')
      c = 0x131;
    else
      c = u_tolower(c);
    AppendUtf8(out, c);
  }
  return out;
}

std::string FindTextDate(std::string_view text) {
  return FindInTokens(
      Tokenize(text.substr(0, std::min<std::size_t>(text.size(), 64 * 1024)), 20000));
}

std::string ParseMachineDate(std::string_view s) {
  // Trim.
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t'))
    s.remove_suffix(1);
  if (s.empty() || s.size() > 200) return "";
  auto digits = [&](std::size_t pos, std::size_t count, int* value) {
    if (pos + count > s.size()) return false;
    int v = 0;
    for (std::size_t k = 0; k < count; ++k) {
      char c = s[pos + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *value = v;
    return true;
  };
  int y, m, d;
  if (digits(0, 4, &y) && s.size() >= 10 && (s[4] == '-' || s[4] == '/') && digits(5, 2, &m) &&
      s[7] == s[4] && digits(8, 2, &d)) {
    if (!ValidDate(y, m, d) || y < 1900 || y > 2100) return "";
    DateMatch dm{y, m, d, 0, 0};
    if (s.size() == 10) return Format(dm, nullptr);
    std::size_t p = 10;
    if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return Format(dm, nullptr);
    ++p;
    TimeMatch tm;
    int hh, mi, ss = -1;
    if (!digits(p, 2, &hh) || p + 2 >= s.size() || s[p + 2] != ':' || !digits(p + 3, 2, &mi))
      return Format(dm, nullptr);
    p += 5;
    if (p < s.size() && s[p] == ':' && digits(p + 1, 2, &ss)) p += 3;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
    }
    if (hh > 24 || mi > 59 || ss > 60) return Format(dm, nullptr);
    tm.h = hh;
    tm.min = mi;
    tm.sec = ss;
    while (p < s.size() && s[p] == ' ') ++p;
    if (p < s.size()) {
      if (s[p] == 'Z' || s[p] == 'z') {
        tm.offset = "Z";
      } else if (s[p] == '+' || s[p] == '-') {
        int oh, om = 0;
        if (digits(p + 1, 2, &oh)) {
          std::size_t q = p + 3;
          if (q < s.size() && s[q] == ':') ++q;
          if (q < s.size()) digits(q, 2, &om);
          if (oh <= 14 && om <= 59) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%c%02d:%02d", s[p], oh, om);
            tm.offset = buf;
          }
        }
      }
    }
    return Format(dm, &tm);
  }
  // RFC 2822 and anything human.
  return FindTextDate(s);
}

}  // namespace pressarc::parser_internal
