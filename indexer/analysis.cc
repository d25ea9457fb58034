// Text analysis: case folding, diacritic folding, transliteration, the
// tokenizer, document term generation and query rewriting (indexer.h).
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <xapian.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "indexer/analysis_internal.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"

namespace pressarc {
namespace internal {

char32_t DecodeUtf8(std::string_view s, std::size_t* i) {
  auto b = static_cast<unsigned char>(s[*i]);
  if (b < 0x80) {
    ++*i;
    return b;
  }
  int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  if (len == 1 || *i + len > s.size()) {
    ++*i;
    return b;
  }
  char32_t c = b & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    auto cb = static_cast<unsigned char>(s[*i + k]);
    if ((cb & 0xC0) != 0x80) {
      ++*i;
      return b;
    }
    c = (c << 6) | (cb & 0x3F);
  }
  *i += len;
  return c;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool IsWordChar(char32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  constexpr uint32_t kMask =
      U_GC_L_MASK | U_GC_M_MASK | U_GC_ND_MASK | U_GC_NL_MASK | U_GC_NO_MASK | U_GC_PC_MASK;
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & kMask) != 0;
}

bool IsCyrillic(char32_t c) {
  return c >= 0x0400 && c <= 0x052F;
}

bool HasCyrillic(std::string_view utf8) {
  for (std::size_t i = 0; i + 1 < utf8.size(); ++i) {
    auto b = static_cast<unsigned char>(utf8[i]);
    if (b >= 0xD0 && b <= 0xD4) return true;  // lead bytes of U+0400..U+053F
  }
  return false;
}

bool IsAllAscii(std::string_view s) {
  for (char ch : s) {
    if (static_cast<unsigned char>(ch) >= 0x80) return false;
  }
  return true;
}

}  // namespace internal

using internal::AppendUtf8;
using internal::DecodeUtf8;

// ---- case folding -----------------------------------------------------------

std::string FoldCase(std::string_view utf8, std::string_view lang) {
  const bool turkic = lang == "az" || lang == "tr";
  if (internal::IsAllAscii(utf8)) {
    std::string out;
    out.reserve(utf8.size() + 8);
    for (char ch : utf8) {
      if (ch >= 'A' && ch <= 'Z') {
        if (turkic && ch == 'I') {
          out += "\xC4\xB1";  // ı
        } else {
          out.push_back(static_cast<char>(ch - 'A' + 'a'));
        }
      } else {
        out.push_back(ch);
      }
    }
    return out;
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_SUCCESS(err) && !nfc->isNormalized(u, err) && U_SUCCESS(err)) {
    icu::UnicodeString n = nfc->normalize(u, err);
    if (U_SUCCESS(err)) u = n;
  }
  u.foldCase(turkic ? U_FOLD_CASE_EXCLUDE_SPECIAL_I : U_FOLD_CASE_DEFAULT);
  std::string out;
  u.toUTF8String(out);
  if (!turkic) {
    // Default folding turns İ into "i" + U+0307 COMBINING DOT ABOVE: drop the dot.
    std::size_t pos = 0;
    while ((pos = out.find("i\xCC\x87", pos)) != std::string::npos) {
      out.erase(pos + 1, 2);
      ++pos;
    }
  }
  return out;
}

// ---- diacritic folding --------------------------------------------------------

namespace {

constexpr char32_t kTableEnd = 0x0530;

// Replacement for each code point below kTableEnd; nullopt-like marker
// "\x01" means "unchanged".
const std::vector<std::string>& DiacriticTable() {
  static const std::vector<std::string> table = [] {
    std::vector<std::string> t(kTableEnd, "\x01");
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
    for (char32_t c = 0x80; c < kTableEnd; ++c) {
      if (c >= 0x0300 && c <= 0x036F) {
        t[c] = "";  // combining marks
        continue;
      }
      if (internal::IsCyrillic(c)) continue;  // handled below (only ё)
      icu::UnicodeString dec;
      if (U_SUCCESS(err) && nfd->getDecomposition(static_cast<UChar32>(c), dec)) {
        icu::UnicodeString base;
        for (int32_t k = 0; k < dec.length();) {
          UChar32 d = dec.char32At(k);
          k += U16_LENGTH(d);
          if ((U_GET_GC_MASK(d) & U_GC_MN_MASK) == 0) base.append(d);
        }
        if (!base.isEmpty()) {
          std::string s;
          base.toUTF8String(s);
          t[c] = s;
        }
      }
    }
    const std::pair<char32_t, const char*> special[] = {
        {0x0131, "i"},        {0x0259, "e"},        {0x018F, "E"},  {0x00DF, "ss"}, {0x00E6, "ae"},
        {0x00C6, "AE"},       {0x0153, "oe"},       {0x0152, "OE"}, {0x00F8, "o"},  {0x00D8, "O"},
        {0x0111, "d"},        {0x0110, "D"},        {0x0142, "l"},  {0x0141, "L"},  {0x00FE, "th"},
        {0x0127, "h"},        {0x0451, "\xD0\xB5"},  // ё → е
        {0x0401, "\xD0\x95"},                        // Ё → Е
    };
    for (const auto& [c, s] : special) t[c] = s;
    return t;
  }();
  return table;
}

}  // namespace

std::string FoldDiacritics(std::string_view utf8) {
  if (internal::IsAllAscii(utf8)) return std::string(utf8);
  const auto& table = DiacriticTable();
  std::string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::size_t at = i;
    char32_t c = DecodeUtf8(utf8, &i);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < kTableEnd) {
      const std::string& r = table[c];
      if (r.size() == 1 && r[0] == '\x01') {
        out.append(utf8.substr(at, i - at));
      } else {
        out += r;
      }
    } else if ((c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
               (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE20 && c <= 0xFE2F)) {
      // other combining diacritical marks: dropped
    } else {
      out.append(utf8.substr(at, i - at));
    }
  }
  return out;
}

// ---- transliteration ------------------------------------------------------------

namespace {

bool IsCyrillicVowelOrSign(char32_t c) {
  switch (c) {
    case U'а':
    case U'е':
    case U'ё':
    case U'и':
    case U'о':
    case U'у':
    case U'ы':
    case U'э':
    case U'ю':
    case U'я':
    case U'й':
    case U'ъ':
    case U'ь':
    case U'А':
    case U'Е':
    case U'Ё':
    case U'И':
    case U'О':
    case U'У':
    case U'Ы':
    case U'Э':
    case U'Ю':
    case U'Я':
    case U'Й':
    case U'Ъ':
    case U'Ь':
      return true;
    default:
      return false;
  }
}

const char* CyrillicToLatin(char32_t c) {
  switch (c) {
    case U'а':
      return "a";
    case U'б':
      return "b";
    case U'в':
      return "v";
    case U'г':
      return "g";
    case U'д':
      return "d";
    case U'е':
      return "e";
    case U'ё':
      return "e";
    case U'ж':
      return "zh";
    case U'з':
      return "z";
    case U'и':
      return "i";
    case U'й':
      return "y";
    case U'к':
      return "k";
    case U'л':
      return "l";
    case U'м':
      return "m";
    case U'н':
      return "n";
    case U'о':
      return "o";
    case U'п':
      return "p";
    case U'р':
      return "r";
    case U'с':
      return "s";
    case U'т':
      return "t";
    case U'у':
      return "u";
    case U'ф':
      return "f";
    case U'х':
      return "kh";
    case U'ц':
      return "ts";
    case U'ч':
      return "ch";
    case U'ш':
      return "sh";
    case U'щ':
      return "shch";
    case U'ъ':
      return "";
    case U'ы':
      return "y";
    case U'ь':
      return "";
    case U'э':
      return "e";
    case U'ю':
      return "yu";
    case U'я':
      return "ya";
    // Azerbaijani, Ukrainian, Belarusian, Kazakh letters
    case U'ә':
      return "e";
    case U'ғ':
      return "g";
    case U'ҹ':
      return "c";
    case U'ј':
      return "y";
    case U'һ':
      return "h";
    case U'ө':
      return "o";
    case U'ү':
      return "u";
    case U'ҝ':
      return "g";
    case U'ҳ':
      return "h";
    case U'қ':
      return "q";
    case U'і':
      return "i";
    case U'ї':
      return "yi";
    case U'є':
      return "ye";
    case U'ґ':
      return "g";
    case U'ў':
      return "u";
    case U'ң':
      return "ng";
    case U'ұ':
      return "u";
    default:
      return nullptr;
  }
}

}  // namespace

std::string TransliterateToLatin(std::string_view utf8) {
  std::string lower = FoldCase(utf8, "");
  std::string out;
  out.reserve(lower.size());
  std::size_t i = 0;
  char32_t prev = 0;
  while (i < lower.size()) {
    std::size_t at = i;
    char32_t c = DecodeUtf8(lower, &i);
    const char* r = internal::IsCyrillic(c) ? CyrillicToLatin(c) : nullptr;
    if (r != nullptr) {
      // BGN/PCGN: е and ё are "ye" at the start of a word and after a vowel, й, ъ, ь.
      bool word_start = prev == 0 || !internal::IsWordChar(prev);
      if ((c == U'е' || c == U'ё') && (word_start || IsCyrillicVowelOrSign(prev))) {
        out += "ye";
      } else {
        out += r;
      }
    } else {
      out.append(lower.substr(at, i - at));
    }
    prev = c;
  }
  return FoldDiacritics(out);
}

std::string RomanizeAzerbaijani(std::string_view word) {
  std::string out;
  out.reserve(word.size() + 4);
  std::size_t i = 0;
  while (i < word.size()) {
    std::size_t at = i;
    char32_t c = DecodeUtf8(word, &i);
    switch (c) {
      case U'ə':
        out += 'a';
        break;
      case U'ı':
        out += 'i';
        break;
      case U'ş':
        out += "sh";
        break;
      case U'ç':
        out += "ch";
        break;
      case U'ğ':
        out += "gh";
        break;
      case U'ö':
        out += 'o';
        break;
      case U'ü':
        out += 'u';
        break;
      case U'c':
        out += 'j';
        break;
      case U'x':
        out += "kh";
        break;
      case U'q':
        out += 'g';
        break;
      default:
        out.append(word.substr(at, i - at));
    }
  }
  return out;
}

std::string internal::OtherLatinSpelling(std::string_view latin) {
  std::string out;
  out.reserve(latin.size());
  for (std::size_t i = 0; i < latin.size(); ++i) {
    if (latin[i] == 'k' && i + 1 < latin.size() && latin[i + 1] == 'h') continue;  // kh → h
    out += latin[i];
  }
  if (out.size() > 4 && out.ends_with("iya")) out.replace(out.size() - 3, 3, "ia");
  return out == latin ? std::string() : out;
}

// ---- per-thread analysis caches ------------------------------------------------

namespace internal {

std::string_view LanguageBucket(std::string_view lang) {
  if (lang == "az" || lang == "en" || lang == "ru") return lang;
  if (lang.size() > 2 && lang[2] == '-') return LanguageBucket(lang.substr(0, 2));
  return "";
}

}  // namespace internal

std::string_view LanguageBucket(std::string_view lang) {
  return internal::LanguageBucket(lang);
}

namespace internal {

namespace {

int BucketIndex(std::string_view bucket) {
  if (bucket == "az") return 0;
  if (bucket == "en") return 1;
  if (bucket == "ru") return 2;
  return 3;
}

constexpr const char* kBucketNames[4] = {"az", "en", "ru", ""};

struct ThreadCaches {
  std::array<std::unique_ptr<Xapian::Stem>, 4> stemmers;
  std::array<std::unordered_map<std::string, WordForms, StringHash, std::equal_to<>>, 4> forms;
};

ThreadCaches& Caches() {
  thread_local ThreadCaches caches;
  return caches;
}

}  // namespace

Xapian::Stem& ThreadStemmer(std::string_view lang) {
  int b = BucketIndex(LanguageBucket(lang));
  auto& slot = Caches().stemmers[b];
  if (!slot) slot = std::make_unique<Xapian::Stem>(StemmerFor(kBucketNames[b]));
  return *slot;
}

const WordForms& FormsFor(std::string_view word, std::string_view lang) {
  int b = BucketIndex(LanguageBucket(lang));
  auto& map = Caches().forms[b];
  auto it = map.find(word);
  if (it != map.end()) return it->second;
  std::string key(word);
  if (map.size() > 200000) map.clear();
  Xapian::Stem& stem = ThreadStemmer(kBucketNames[b]);
  WordForms f;
  f.folded = FoldDiacritics(word);
  if (f.folded == word) f.folded.clear();
  if (HasCyrillic(word)) {
    f.latin = TransliterateToLatin(word);
  } else if (b == BucketIndex("az")) {
    f.latin = RomanizeAzerbaijani(word);
  }
  if (f.latin == word || f.latin == f.folded) f.latin.clear();
  f.stem = stem(key);
  if (!f.folded.empty()) {
    f.stem_folded = stem(f.folded);
    if (f.stem_folded == f.stem) f.stem_folded.clear();
  }
  if (!f.latin.empty()) f.stem_latin = stem(f.latin);
  if (HasCyrillic(word)) {
    f.latin_alt = internal::OtherLatinSpelling(f.latin);
    if (!f.latin_alt.empty()) f.stem_latin_alt = stem(f.latin_alt);
  }
  return map.emplace(std::move(key), std::move(f)).first->second;
}

}  // namespace internal

// ---- documents -----------------------------------------------------------------

void internal::AddCapitalisedWords(std::string_view text, std::string_view lang, WordSet* out) {
  internal::ForEachWord(text, [&](std::string_view word) {
    std::size_t i = 0;
    char32_t first = internal::DecodeUtf8(word, &i);
    if (first < 0x80
            ? (first < 'A' || first > 'Z')
            : !u_isupper(static_cast<UChar32>(first)) && !u_istitle(static_cast<UChar32>(first))) {
      return;
    }
    // Folded per thread and language bucket: names recur from page to page.
    thread_local std::array<
        std::unordered_map<std::string, std::string, StringHash, std::equal_to<>>, 4>
        cache;
    auto& map = cache[BucketIndex(LanguageBucket(lang))];
    auto it = map.find(word);
    if (it == map.end()) {
      if (map.size() > 100000) map.clear();
      it = map.emplace(std::string(word), FoldCase(word, lang)).first;
    }
    out->insert(it->second);
  });
}

internal::WdfUnits internal::NormalisedWdfUnits(std::size_t words) {
  const double norm_length =
      std::max(schema::kWdfMinNormLength, static_cast<double>(words) / schema::kWdfReferenceWords);
  const double scale = schema::kWdfScale / ((1 - schema::kWdfB) + schema::kWdfB * norm_length);
  auto unit = [&](double raw) {
    return static_cast<Xapian::termcount>(std::max(1.0, std::round(raw * scale)));
  };
  return WdfUnits{unit(2), unit(1)};
}

void internal::IndexFoldedText(Xapian::TermGenerator& generator, std::string_view folded,
                               std::string_view lang, std::string_view prefix, const WordSet* names,
                               WdfUnits units, const PairWords* pairs) {
  Xapian::Document doc = generator.get_document();  // a handle sharing the generator's document
  Xapian::termpos pos = generator.get_termpos();
  const std::string p(prefix);
  const std::string z = std::string(schema::kPrefixStem) + p;
  std::string term;
  std::string zterm;
  auto stem_term = [&](const std::string& stem) -> const std::string& {
    return zterm.assign(z).append(stem);
  };
  // The positional forms of the word before and of this one that are pair
  // words (at most three each: folded, Latin, alternative Latin).
  if (!prefix.empty() || (pairs != nullptr && pairs->empty())) pairs = nullptr;
  // Copies: FormsFor's cache may not keep the word before's forms.
  std::vector<std::string> before;
  std::vector<std::string> now;
  // The positional form `form` (prefixed), at this word's position.
  auto positional = [&](std::string_view form, Xapian::termcount wdf) {
    term.assign(p).append(form);
    doc.add_posting(term, pos, wdf);
    if (pairs != nullptr && pairs->Has(term)) now.push_back(term);
  };
  internal::ForEachWord(folded, [&](std::string_view word) {
    ++pos;
    const internal::WordForms& f = internal::FormsFor(word, lang);
    now.clear();
    // Positions are for phrases (and NEAR), which match the diacritic-folded
    // forms (AppendTextChunk): the exact form keeps none when a folded one
    // carries them.
    if (f.folded.empty()) {
      positional(word, units.exact);
    } else {
      doc.add_term(term.assign(p).append(word), units.exact);
      positional(f.folded, units.other);
    }
    doc.add_term(stem_term(f.stem), units.exact);
    if (!f.folded.empty() && !f.stem_folded.empty()) {
      doc.add_term(stem_term(f.stem_folded), units.other);
    }
    if (!f.latin.empty() && (names == nullptr || names->count(word) != 0)) {
      // With positions: a phrase of English spellings ("Jeyhun Bayramov")
      // matches the az text, and Xapian takes a term without positions as
      // standing before the first word, which made phrases match falsely.
      positional(f.latin, units.other);
      if (!f.latin_alt.empty()) {
        positional(f.latin_alt, units.other);
        doc.add_term(stem_term(f.stem_latin_alt), units.other);
      }
      doc.add_term(stem_term(f.stem_latin), units.other);
    }
    for (const std::string& a : before) {
      for (const std::string& b : now) doc.add_boolean_term(schema::PairTerm(a, b));
    }
    before.swap(now);
  });
  generator.set_termpos(pos);
}

// ---- queries -------------------------------------------------------------------

namespace {

bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000 || c == 0xA0;
}
bool IsApostrophe(char32_t c) {
  return c == '\'' || c == 0x2019 || c == 0x02BC || c == 0x2018;
}

bool IsOperator(std::string_view chunk) {
  static const char* const kOps[] = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};
  for (const char* op : kOps) {
    std::string_view o(op);
    if (chunk == o) return true;
    if ((o == "NEAR" || o == "ADJ") && chunk.size() > o.size() + 1 &&
        chunk.substr(0, o.size()) == o && chunk[o.size()] == '/') {
      return true;
    }
  }
  return false;
}

bool IsPositionalOperator(std::string_view chunk) {
  return IsOperator(chunk) && (chunk.starts_with("NEAR") || chunk.starts_with("ADJ"));
}

bool IsQueryDelimiter(char32_t c) {
  return IsSpace(c) || c == '"' || c == '(' || c == ')';
}

// Where the chunk (a run of non-delimiters) starting at `i` ends.
std::size_t ChunkEnd(std::string_view query, std::size_t i) {
  while (i < query.size()) {
    std::size_t probe = i;
    if (IsQueryDelimiter(DecodeUtf8(query, &probe))) break;
    i = probe;
  }
  return i;
}

// Whether the chunk after position `i` (past spaces) is NEAR or ADJ.
bool NextChunkIsPositionalOperator(std::string_view query, std::size_t i) {
  while (i < query.size()) {
    std::size_t probe = i;
    if (!IsSpace(DecodeUtf8(query, &probe))) break;
    i = probe;
  }
  return IsPositionalOperator(query.substr(i, ChunkEnd(query, i) - i));
}

// Splits a chunk into words and separators; returns the number of words.
struct Piece {
  std::string text;
  bool word;
};
std::vector<Piece> SplitChunk(std::string_view chunk) {
  std::vector<Piece> pieces;
  std::size_t i = 0;
  char32_t prev = 0;
  while (i < chunk.size()) {
    std::size_t at = i;
    char32_t c = DecodeUtf8(chunk, &i);
    bool join_digit = (c == '.' || c == ',') && prev >= '0' && prev <= '9' && i < chunk.size() &&
                      chunk[i] >= '0' && chunk[i] <= '9' && !pieces.empty() && pieces.back().word;
    if (internal::IsWordChar(c) || join_digit) {
      if (pieces.empty() || !pieces.back().word) pieces.push_back({"", true});
      pieces.back().text.append(chunk.substr(at, i - at));
    } else if ((c == '\'' || c == 0x2019) && !pieces.empty() && pieces.back().word &&
               internal::IsPossessiveS(chunk, i)) {
      ++i;  // "Lavrov's" is lavrov, as in documents (ForEachWord)
      c = 's';
    } else {
      if (pieces.empty() || pieces.back().word) pieces.push_back({"", false});
      if (IsApostrophe(c)) {
        pieces.back().text += ' ';
      } else {
        pieces.back().text.append(chunk.substr(at, i - at));
      }
    }
    prev = c;
  }
  return pieces;
}

// The nominative of a Russian woman's surname in the genitive, dative,
// instrumental, prepositional or accusative (-овой/-евой/-иной, -ову/-еву/
// -ину -> -ова/-ева/-ина); "" for any other word. Case-folded input. (The
// -ову form is also a man's dative: Лаврову -> Лаврова, a harmless extra.)
std::string FeminineSurnameNominative(const std::string& cf) {
  static const std::pair<std::string_view, std::string_view> kEndings[] = {
      {"овой", "ова"}, {"евой", "ева"}, {"ёвой", "ёва"}, {"иной", "ина"}, {"ыной", "ына"},
      {"ову", "ова"},  {"еву", "ева"},  {"ёву", "ёва"},  {"ину", "ина"},  {"ыну", "ына"}};
  for (const auto& [ending, nominative] : kEndings) {
    // At least two letters (four bytes) before the ending.
    if (cf.size() >= ending.size() + 4 && cf.ends_with(ending)) {
      return cf.substr(0, cf.size() - ending.size()) + std::string(nominative);
    }
  }
  return "";
}

// Whether a lower-case ASCII word may be an Azerbaijani name typed without
// its capital ("ceyhun", "xankendi"), whose English spelling
// (RomanizeAzerbaijani) is worth looking for too. Short words and words
// with "qu" are left alone: their romanised forms are English words of their
// own (car -> jar, quest -> guest, quilt -> guilt).
bool LooksLikeALowercaseName(std::string_view cf) {
  if (cf.size() < 5 || !internal::IsAllAscii(cf) || cf.find("qu") != std::string_view::npos)
    return false;
  return cf.find_first_of("cxq") != std::string_view::npos;
}

void AppendTextChunk(std::string_view chunk, std::string_view lang, bool phrase, std::string* out) {
  std::vector<Piece> pieces = SplitChunk(chunk);
  int words = 0;
  for (const auto& piece : pieces) words += piece.word ? 1 : 0;
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const Piece& piece = pieces[k];
    if (!piece.word) {
      *out += piece.text;
      continue;
    }
    std::string cf = FoldCase(piece.text, lang);
    bool wildcard =
        k + 1 < pieces.size() && !pieces[k + 1].text.empty() && pieces[k + 1].text[0] == '*';
    if (wildcard || phrase || words > 1 || piece.text.size() > internal::kMaxWordBytes) {
      // The folded form alone, which every word has in the index: phrases
      // match folded forms, and a wildcard ("Istanbul*", ıstanbul* in az;
      // "isiq*", "объё*") expands over the words its folded prefix begins.
      *out += FoldDiacritics(cf);
    } else {
      std::vector<std::string> variants{cf};
      auto add = [&](std::string v) {
        if (v.empty()) return;
        for (const auto& e : variants) {
          if (e == v) return;
        }
        variants.push_back(std::move(v));
      };
      add(FoldDiacritics(cf));
      if (internal::HasCyrillic(cf)) {
        std::string latin = TransliterateToLatin(cf);
        // Also without its Russian ending ("lavrovym" -> "lavrov"): an
        // inflected name then finds its Latin spelling in az and en texts,
        // whose stemmers do not know Russian endings.
        std::string bare = internal::ThreadStemmer("ru")(latin);
        std::string other = internal::OtherLatinSpelling(latin);  // Ильхам finds Ilham
        add(std::move(latin));
        add(std::move(other));
        add(std::move(bare));
        // A woman's surname in another case finds its nominative, as
        // Latin texts spell it: Захаровой, Захарову -> zakharova.
        if (std::string nominative = FeminineSurnameNominative(cf); !nominative.empty()) {
          add(TransliterateToLatin(nominative));
        }
      } else if (std::isupper(static_cast<unsigned char>(piece.text[0])) ||
                 cf.find_first_of("\xC3\xC4\xC5\xC9") != std::string::npos ||
                 LooksLikeALowercaseName(cf)) {
        // A name (capitalised, or typed in lower case), or a word with
        // Azerbaijani letters (ç ö ü ğ ı ş ə lead with these bytes), also as
        // English texts spell it: Ceyhun and ceyhun find Jeyhun, Qarabağ
        // finds Garabagh. (az texts index this form too: Jeyhun finds Ceyhun.)
        add(RomanizeAzerbaijani(cf));
      }
      if (variants.size() == 1) {
        *out += cf;
      } else {
        *out += '(';
        for (std::size_t v = 0; v < variants.size(); ++v) {
          if (v) *out += " OR ";
          *out += variants[v];
        }
        *out += ')';
      }
    }
  }
}

bool IsFreeTextPrefix(std::string_view name, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    if (p == name) return true;
  }
  return false;
}

}  // namespace

std::string PrepareQueryText(std::string_view query, std::string_view lang,
                             const std::vector<std::string>& free_text_prefixes) {
  std::string out;
  out.reserve(query.size() * 2);
  bool in_quotes = false;
  bool after_near = false;  // the last chunk was NEAR or ADJ
  std::size_t i = 0;
  const std::size_t n = query.size();
  // Copies a bracketed group or quoted string verbatim (boolean prefix values).
  auto copy_group = [&]() {
    if (i >= n) return;
    char open = query[i];
    if (open != '"' && open != '(') return;
    char close = open == '"' ? '"' : ')';
    std::size_t end = query.find(close, i + 1);
    end = end == std::string_view::npos ? n : end + 1;
    out.append(query.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    std::size_t at = i;
    std::size_t next = i;
    char32_t c = DecodeUtf8(query, &next);
    if (c == '"') {
      in_quotes = !in_quotes;
      out += '"';
      i = next;
      continue;
    }
    if (IsQueryDelimiter(c)) {
      out.append(query.substr(at, next - at));
      i = next;
      continue;
    }
    // A chunk: up to the next delimiter.
    std::size_t end = ChunkEnd(query, i);
    std::string_view chunk = query.substr(i, end - i);
    i = end;
    if (in_quotes) {
      AppendTextChunk(chunk, lang, true, &out);
      continue;
    }
    if (IsOperator(chunk) || chunk.find("..") != std::string_view::npos) {
      out.append(chunk);
      after_near = IsPositionalOperator(chunk);
      continue;
    }
    // An operand of NEAR or ADJ is one folded word, as in a phrase: the
    // QueryParser takes only plain terms there ("(a OR b) NEAR c" would
    // search the words "or" and "near"), and positions are on folded forms.
    const bool positional = after_near || NextChunkIsPositionalOperator(query, i);
    after_near = false;
    std::size_t lead = 0;
    while (lead < chunk.size() && (chunk[lead] == '+' || chunk[lead] == '-')) ++lead;
    out.append(chunk.substr(0, lead));
    chunk.remove_prefix(lead);
    std::size_t colon = chunk.find(':');
    bool is_prefix = colon != std::string_view::npos && colon > 0;
    for (std::size_t k = 0; is_prefix && k < colon; ++k) {
      auto ch = static_cast<unsigned char>(chunk[k]);
      if (!(std::isalnum(ch) || ch == '_')) is_prefix = false;
    }
    if (is_prefix) {
      std::string_view name = chunk.substr(0, colon);
      std::string_view value = chunk.substr(colon + 1);
      out.append(chunk.substr(0, colon + 1));
      if (IsFreeTextPrefix(name, free_text_prefixes)) {
        AppendTextChunk(value, lang, positional, &out);
      } else {
        out.append(value);
        if (value.empty()) copy_group();
      }
      continue;
    }
    AppendTextChunk(chunk, lang, positional, &out);
  }
  return out;
}

namespace {

// One distinct parse of the query and the language buckets it serves.
struct QueryBranch {
  std::string key;  // Query::serialise(): equal keys are the same query
  Xapian::Query query;
  std::vector<std::string> langs;  // of "az", "en", "ru"
  bool other = false;              // also serves documents of any other language
};

// OR of L terms for `langs`.
Xapian::Query LanguageFilter(const std::vector<std::string>& langs) {
  std::vector<Xapian::Query> terms;
  for (const auto& l : langs) terms.emplace_back(std::string(schema::kPrefixLanguage) + l);
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

// The branch restricted to the documents it serves. `langs` are the
// languages that have a branch; `other` whether documents of other
// languages have one. A branch that serves them all is the bare query (no
// filter to evaluate).
Xapian::Query RestrictBranch(const QueryBranch& b, const std::vector<std::string>& langs,
                             bool other) {
  std::vector<std::string> excluded;
  for (const auto& l : langs) {
    if (std::find(b.langs.begin(), b.langs.end(), l) == b.langs.end()) excluded.push_back(l);
  }
  if (excluded.empty() && (b.other || !other)) return b.query;
  if (!b.other) return Xapian::Query(Xapian::Query::OP_FILTER, b.query, LanguageFilter(b.langs));
  return Xapian::Query(Xapian::Query::OP_AND_NOT, b.query, LanguageFilter(excluded));
}

// Operators whose matches (and weights) are a function of their
// subqueries' alone, with no parameter beside them: a subquery can be
// replaced by one that matches the same documents of each language.
bool IsMergeable(Xapian::Query::op op) {
  switch (op) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_MAX:
      return true;
    default:
      return false;
  }
}

// The query with repeated leaves of an OR (the same term and wqf, as when a
// word's exact and diacritic-folded forms have the same stem: "bakı" and
// "baki" both stem to "bak") read once and weighted as many times: the same
// matches and weights, one posting list read instead of several.
Xapian::Query FoldRepeatedTerms(const Xapian::Query& q) {
  const Xapian::Query::op op = q.get_type();
  const std::size_t n = q.get_num_subqueries();
  if (!IsMergeable(op) || n == 0) return q;
  std::vector<Xapian::Query> kids;
  std::vector<int> repeats;
  for (std::size_t i = 0; i < n; ++i) {
    Xapian::Query kid = FoldRepeatedTerms(q.get_subquery(i));
    if (op == Xapian::Query::OP_OR && kid.get_type() == Xapian::Query::LEAF_TERM) {
      auto same = std::find_if(kids.begin(), kids.end(), [&](const Xapian::Query& k) {
        return k.get_type() == Xapian::Query::LEAF_TERM && k.get_length() == kid.get_length() &&
               *k.get_terms_begin() == *kid.get_terms_begin();
      });
      if (same != kids.end()) {
        ++repeats[static_cast<std::size_t>(same - kids.begin())];
        continue;
      }
    }
    kids.push_back(std::move(kid));
    repeats.push_back(1);
  }
  for (std::size_t i = 0; i < kids.size(); ++i) {
    if (repeats[i] > 1) kids[i] = Xapian::Query(static_cast<double>(repeats[i]), kids[i]);
  }
  return Xapian::Query(op, kids.begin(), kids.end());
}

// The branch in `branches` that is the query `q` (by serialise()), added
// (serving no language yet) when there is none.
QueryBranch& BranchFor(std::vector<QueryBranch>& branches, Xapian::Query q) {
  std::string key = q.serialise();
  auto it = std::find_if(branches.begin(), branches.end(),
                         [&](const QueryBranch& b) { return b.key == key; });
  if (it != branches.end()) return *it;
  branches.push_back(QueryBranch{std::move(key), std::move(q), {}, false});
  return branches.back();
}

// Adds the language buckets `from` serves to those `to` serves.
void AddServed(const QueryBranch& from, QueryBranch* to) {
  to->langs.insert(to->langs.end(), from.langs.begin(), from.langs.end());
  to->other = to->other || from.other;
}

// Groups alternatives that are the same query, merging the languages they
// serve.
std::vector<QueryBranch> GroupBranches(const std::vector<QueryBranch>& alts) {
  std::vector<QueryBranch> out;
  for (const auto& a : alts) AddServed(a, &BranchFor(out, a.query));
  return out;
}

// The frequencies of `terms` (repeats allowed) in `db`, read together when
// `db` has several sub-databases (remote shards: one match, its statistics
// only, costs one round trip per shard instead of one per term and shard).
std::unordered_map<std::string, double> TermFreqs(const Xapian::Database& db,
                                                  std::vector<std::string> terms) {
  std::unordered_map<std::string, double> out;
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  if (terms.empty()) return out;
  if (db.size() < 2) {
    for (const auto& t : terms) out.emplace(t, db.get_termfreq(t));
    return out;
  }
  std::vector<Xapian::Query> leaves(terms.begin(), terms.end());
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, leaves.begin(), leaves.end()));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  const Xapian::MSet stats = enquire.get_mset(0, 0);
  for (const auto& t : terms) out.emplace(t, stats.get_termfreq(t));
  return out;
}

// Merges per-language parses (Merge) choosing, node by node, what
// reads fewer postings: filters pushed down to the leaves that differ, or
// the node's alternatives filtered whole. The cost of a query is the sum of
// its terms' frequencies (each leaf reads its posting list) plus a constant
// per leaf; a filter adds FilterCost: a check for each match of what it
// filters, and the postings of the filter those checks skip through.
// Matches, not cost: words ANDed match far fewer documents than their
// posting lists hold (a filter on each of two common words is checked for
// every posting of each; one on their AND, only for its matches).
class BranchMerger {
 public:
  // `known`: term frequencies already read from `db` (not read again).
  BranchMerger(const Xapian::Database* db, const std::vector<std::string>& langs, bool other,
               std::unordered_map<std::string, double> known = {})
      : db_(db), langs_(langs), other_(other), freq_(std::move(known)) {}

  struct Merged {
    Xapian::Query query;
    double cost = 0;
  };

  // `parses`: one per parse, together serving every language bucket.
  Merged Merge(const std::vector<QueryBranch>& parses) {
    Prefetch(parses);
    const std::vector<QueryBranch> alts = GroupBranches(parses);
    if (alts.size() == 1) return {alts[0].query, Cost(alts[0].query)};
    Merged whole;  // each alternative filtered to its languages
    std::vector<Xapian::Query> parts;
    for (const auto& a : alts) {
      parts.push_back(RestrictBranch(a, langs_, other_));
      whole.cost += Cost(a.query) + FilterCost(a) + kPerLeaf;
    }
    whole.query = Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());

    const Xapian::Query::op op = alts[0].query.get_type();
    const std::size_t n = alts[0].query.get_num_subqueries();
    bool same_shape = IsMergeable(op) && n > 0;
    for (const auto& a : alts) {
      if (!same_shape) break;
      same_shape = a.query.get_type() == op && a.query.get_num_subqueries() == n;
    }
    if (!same_shape) {
      Merged united = UniteOrs(alts);
      return united.cost < whole.cost ? united : whole;
    }
    Merged pushed;  // the same operator over merged subqueries
    std::vector<Xapian::Query> kids;
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<QueryBranch> sub;
      for (const auto& a : alts) {
        sub.push_back(QueryBranch{"", a.query.get_subquery(i), a.langs, a.other});
      }
      Merged kid = Merge(sub);
      pushed.cost += kid.cost;
      kids.push_back(std::move(kid.query));
    }
    if (pushed.cost >= whole.cost) return whole;
    pushed.query = Xapian::Query(op, kids.begin(), kids.end());
    return pushed;
  }

 private:
  // ORs of different lengths (a repeated stem folded in one language's
  // parse and not in another's): one OR of every distinct subquery, each
  // filtered to the languages whose OR has it. A document's OR is the sum
  // of its language's subqueries that match it, so matches and weights
  // are those of its language's parse. Cost: infinite when not all ORs.
  Merged UniteOrs(const std::vector<QueryBranch>& alts) {
    Merged united;
    for (const auto& a : alts) {
      if (a.query.get_type() != Xapian::Query::OP_OR) {
        united.cost = std::numeric_limits<double>::infinity();
        return united;
      }
    }
    std::vector<QueryBranch> kids;  // a distinct subquery and the languages that have it
    for (const auto& a : alts) {
      for (std::size_t i = 0; i < a.query.get_num_subqueries(); ++i) {
        QueryBranch& kid = BranchFor(kids, a.query.get_subquery(i));
        if (std::any_of(a.langs.begin(), a.langs.end(),
                        [&](const std::string& l) {
                          return std::find(kid.langs.begin(), kid.langs.end(), l) !=
                                 kid.langs.end();
                        }) ||
            (a.other && kid.other)) {
          // The same subquery twice in one OR: not a set; do not unite.
          united.cost = std::numeric_limits<double>::infinity();
          return united;
        }
        AddServed(a, &kid);
      }
    }
    QueryBranch served;
    for (const auto& a : alts) AddServed(a, &served);
    std::vector<Xapian::Query> parts;
    for (const auto& k : kids) {
      double c = Cost(k.query);
      bool everywhere = k.langs.size() == served.langs.size() && k.other == served.other;
      if (everywhere) {
        parts.push_back(k.query);
        united.cost += c;
      } else {
        parts.push_back(RestrictBranch(k, langs_, other_));
        united.cost += c + FilterCost(k) + kPerLeaf;
      }
    }
    united.query = Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
    return united;
  }

  // Opening a posting list, in postings read.
  static constexpr double kPerLeaf = 200;

  // The frequencies Cost() and FilterPostings() may ask for, at once.
  void Prefetch(const std::vector<QueryBranch>& parses) {
    if (db_ == nullptr) return;
    std::vector<std::string> terms;
    for (const auto& l : langs_) terms.push_back(std::string(schema::kPrefixLanguage) + l);
    for (const auto& b : parses) {
      for (auto t = b.query.get_terms_begin(); t != b.query.get_terms_end(); ++t) {
        terms.push_back(*t);
      }
    }
    std::erase_if(terms, [&](const std::string& t) { return freq_.count(t) != 0; });
    freq_.merge(TermFreqs(*db_, std::move(terms)));
  }

  double TermFreq(const std::string& term) {
    if (db_ == nullptr) return 1;
    auto it = freq_.find(term);
    if (it != freq_.end()) return it->second;
    double f = db_->get_termfreq(term);
    freq_.emplace(term, f);
    return f;
  }

  double Cost(const Xapian::Query& q) {
    double c = 0;
    for (auto t = q.get_terms_begin(); t != q.get_terms_end(); ++t) c += TermFreq(*t) + kPerLeaf;
    return c;
  }

  // The documents `q` is expected to match, its terms taken as
  // independent: an AND (FILTER, phrase, NEAR) matches the product of its
  // parts' shares of the index, an AND_NOT its left side, anything else
  // (OR and the rest) at most the sum of its parts.
  double Matches(const Xapian::Query& q) {
    const double docs = db_ == nullptr ? 0 : static_cast<double>(db_->get_doccount());
    const std::size_t n = q.get_num_subqueries();
    if (n == 0 || docs == 0) return Cost(q);
    switch (q.get_type()) {
      case Xapian::Query::OP_AND:
      case Xapian::Query::OP_FILTER:
      case Xapian::Query::OP_PHRASE:
      case Xapian::Query::OP_NEAR: {
        double share = 1;
        for (std::size_t i = 0; i < n; ++i) share *= Matches(q.get_subquery(i)) / docs;
        return share * docs;
      }
      case Xapian::Query::OP_AND_NOT:
      case Xapian::Query::OP_AND_MAYBE:
        return Matches(q.get_subquery(0));
      default: {
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) sum += Matches(q.get_subquery(i));
        return std::min(sum, docs);
      }
    }
  }

  // What the language filter RestrictBranch puts on `a` costs, in
  // postings read: kCheck for each match of `a`, and the postings of the
  // filter the checks skip through, as a check decodes about half a chunk
  // of its posting list (kSkipped) and matches spread over the index soon
  // reach every chunk: at most all of them.
  static constexpr double kCheck = 2;
  static constexpr double kSkipped = 500;
  double FilterCost(const QueryBranch& a) {
    const double checks = Matches(a.query);
    return kCheck * checks + std::min(FilterPostings(a), kSkipped * checks);
  }

  // Postings of the language filter RestrictBranch puts on `a`.
  double FilterPostings(const QueryBranch& a) {
    double f = 0;
    for (const auto& l : langs_) {
      bool in = std::find(a.langs.begin(), a.langs.end(), l) != a.langs.end();
      if (in != a.other) f += TermFreq(std::string(schema::kPrefixLanguage) + l);
    }
    return f;
  }

  const Xapian::Database* db_;
  const std::vector<std::string>& langs_;
  bool other_;
  std::unordered_map<std::string, double> freq_;
};

}  // namespace

namespace {

// The terms of `q` when it is an exact phrase of plain terms: OP_PHRASE of
// LEAF_TERMs with a window of as many positions as terms (ADJ/N has a wider
// one: its terms need not be adjacent); empty otherwise.
std::vector<std::string> ExactPhraseTerms(const Xapian::Query& q) {
  if (q.get_type() != Xapian::Query::OP_PHRASE) return {};
  const std::size_t n = q.get_num_subqueries();
  std::vector<Xapian::Query> kids;
  std::vector<std::string> terms;
  for (std::size_t i = 0; i < n; ++i) {
    kids.push_back(q.get_subquery(i));
    if (kids.back().get_type() != Xapian::Query::LEAF_TERM) return {};
    terms.push_back(*kids.back().get_terms_begin());
  }
  const Xapian::Query exact(Xapian::Query::OP_PHRASE, kids.begin(), kids.end(),
                            static_cast<Xapian::termcount>(n));
  if (exact.serialise() != q.serialise()) return {};
  return terms;
}

// `q` with `rewrite` applied to each subquery of its mergeable operators
// (IsMergeable: no parameter to keep), the operators rebuilt around them.
template <typename Rewrite>
Xapian::Query RewriteMergeable(const Xapian::Query& q, const Rewrite& rewrite) {
  const std::size_t n = q.get_num_subqueries();
  if (!IsMergeable(q.get_type()) || n == 0) return q;
  std::vector<Xapian::Query> kids;
  for (std::size_t i = 0; i < n; ++i) kids.push_back(rewrite(q.get_subquery(i)));
  return Xapian::Query(q.get_type(), kids.begin(), kids.end());
}

}  // namespace

// The filter adds no weight and drops only documents the phrase does not match.
Xapian::Query FilterPhrasesByPairs(const Xapian::Query& q, const PairWords& pairs) {
  if (q.get_type() != Xapian::Query::OP_PHRASE) {
    return RewriteMergeable(
        q, [&](const Xapian::Query& kid) { return FilterPhrasesByPairs(kid, pairs); });
  }
  const std::vector<std::string> terms = ExactPhraseTerms(q);
  std::vector<Xapian::Query> filters;
  for (std::size_t i = 0; i + 1 < terms.size(); ++i) {
    if (pairs.Has(terms[i]) && pairs.Has(terms[i + 1])) {
      filters.emplace_back(schema::PairTerm(terms[i], terms[i + 1]));
    }
  }
  if (filters.empty()) return q;
  return Xapian::Query(Xapian::Query::OP_FILTER, q,
                       Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
}

Xapian::Query WithoutPairedPositions(const Xapian::Query& q) {
  // Only what FilterPhrasesByPairs made: an exact two-word phrase FILTER its pair.
  // AND_MAYBE, not the words FILTER the pair: the same matches, and the
  // matcher's estimate is the pair's count (it takes the terms of an AND as
  // independent: 600 for the 9,422 documents of "the ministry" at a
  // million); the FILTER form measured slower in the search ("foreign
  // affairs" 7.7 ms p50 against 3.8).
  if (q.get_type() == Xapian::Query::OP_FILTER && q.get_num_subqueries() == 2) {
    const Xapian::Query pair = q.get_subquery(1);
    const std::vector<std::string> words = ExactPhraseTerms(q.get_subquery(0));
    if (words.size() == 2 && pair.get_type() == Xapian::Query::LEAF_TERM &&
        *pair.get_terms_begin() == schema::PairTerm(words[0], words[1])) {
      const Xapian::Query phrase = q.get_subquery(0);
      const std::vector<Xapian::Query> led = {
          Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, pair, 0), phrase.get_subquery(0),
          phrase.get_subquery(1)};
      return Xapian::Query(Xapian::Query::OP_AND_MAYBE, led.begin(), led.end());
    }
  }
  return RewriteMergeable(q, WithoutPairedPositions);
}

Result<Xapian::Query> ParseUserQuery(Xapian::QueryParser& parser, std::string_view query,
                                     std::string_view lang, unsigned flags,
                                     const std::vector<std::string>& free_text_prefixes,
                                     const Xapian::Database* db, const PairWords* pair_words) {
  bool blank = true;
  for (char ch : query) {
    if (!std::isspace(static_cast<unsigned char>(ch))) blank = false;
  }
  if (blank) return Xapian::Query();
  try {
    auto branch = [&](std::string_view l) {
      std::string text = PrepareQueryText(query, l, free_text_prefixes);
      parser.set_stemmer(internal::ThreadStemmer(l));
      parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
      Xapian::Query q = FoldRepeatedTerms(parser.parse_query(text, flags));
      return pair_words == nullptr || pair_words->empty() ? q
                                                          : FilterPhrasesByPairs(q, *pair_words);
    };
    if (!lang.empty()) return branch(lang);
    // One parse per language, and the frequencies of the languages and of
    // every term of the parses read together (through shards, one query
    // instead of two: BranchMerger finds its terms' frequencies known).
    std::vector<std::pair<std::string, Xapian::Query>> parses;
    for (const char* l : {"az", "en", "ru"}) parses.emplace_back(l, branch(l));
    std::unordered_map<std::string, double> freqs;
    if (db != nullptr) {
      std::vector<std::string> terms;
      for (const auto& [l, q] : parses) {
        terms.push_back(std::string(schema::kPrefixLanguage) + l);
        for (auto t = q.get_terms_begin(); t != q.get_terms_end(); ++t) terms.push_back(*t);
      }
      freqs = TermFreqs(*db, std::move(terms));
    }
    // The languages that have documents (all, without an index to ask).
    std::vector<std::string> langs;
    Xapian::doccount in_langs = 0;
    for (const auto& [l, q] : parses) {
      const std::string term = std::string(schema::kPrefixLanguage) + l;
      auto n = db ? static_cast<Xapian::doccount>(freqs[term]) : 1;
      if (n > 0) langs.emplace_back(l);
      in_langs += n;
    }
    // Documents of other (or no) languages; an empty index keeps this
    // branch so that a query is still a query.
    const bool other = db == nullptr || in_langs < db->get_doccount() || langs.empty();
    // One parse per language; languages whose parses are the same query
    // share one branch (most words stem alike in several languages), and
    // the branches are then merged into one query (BranchMerger). The
    // matches are the same as one branch per language, each filtered to
    // its language.
    std::vector<QueryBranch> branches;
    auto add = [&](Xapian::Query q, const std::string& l) {
      if (q.empty()) return;
      QueryBranch& b = BranchFor(branches, std::move(q));
      if (l.empty()) {
        b.other = true;
      } else {
        b.langs.push_back(l);
      }
    };
    for (auto& [l, q] : parses) {
      if (std::find(langs.begin(), langs.end(), l) != langs.end()) add(std::move(q), l);
    }
    if (other) add(branch(""), "");
    if (branches.empty()) return Xapian::Query();
    // Languages whose parse is empty match nothing: restrict the merged
    // query to the languages that have a branch.
    QueryBranch served;
    for (const auto& b : branches) AddServed(b, &served);
    // One query for all: the parts the parses share are read once (a
    // two-word Russian query on 100,000 documents took 7.2 ms as three
    // filtered branches, 3.7 ms merged).
    served.query = BranchMerger(db, langs, other, std::move(freqs)).Merge(branches).query;
    return RestrictBranch(served, langs, other);
  } catch (const Xapian::QueryParserError& e) {
    return Status::Usage("bad query: " + e.get_msg(),
                         "see 'pressarc search --help' for the query syntax");
  } catch (const Xapian::Error& e) {
    return Status::Runtime("query failed: " + e.get_description());
  }
}

std::string SuggestSpelling(const Xapian::Database& db, std::string_view query,
                            std::string_view lang) {
  std::string out;
  bool changed = false;
  std::size_t i = 0;
  const std::size_t n = query.size();
  bool in_quotes = false;
  try {
    while (i < n) {
      if (std::isspace(static_cast<unsigned char>(query[i]))) {
        out += query[i++];
        continue;
      }
      std::size_t end = i;
      while (end < n && !std::isspace(static_cast<unsigned char>(query[end]))) ++end;
      std::string_view chunk = query.substr(i, end - i);
      i = end;
      std::size_t quotes = 0;
      for (char ch : chunk) quotes += ch == '"';
      bool skip = IsOperator(chunk) || chunk.find(':') != std::string_view::npos ||
                  chunk.find("..") != std::string_view::npos ||
                  chunk.find('*') != std::string_view::npos;
      std::vector<Piece> pieces = SplitChunk(chunk);
      for (auto& piece : pieces) {
        if (!piece.word || skip || piece.text.size() < 3) continue;
        bool has_digit = false;
        for (char ch : piece.text) has_digit |= (ch >= '0' && ch <= '9');
        if (has_digit) continue;
        std::string cf = FoldCase(piece.text, lang.empty() ? "az" : lang);
        std::string plain = FoldCase(piece.text, "");
        if (db.term_exists(cf) || db.term_exists(plain) || db.term_exists(FoldDiacritics(cf)))
          continue;
        // A form of an indexed word (nazirlik where the texts say nazirliyi)
        // is not a misspelling either: its stem is in the index.
        bool stem_known = false;
        for (std::string_view b : lang.empty() ? std::vector<std::string_view>{"az", "en", "ru"}
                                               : std::vector<std::string_view>{lang}) {
          stem_known = stem_known || db.term_exists(std::string(schema::kPrefixStem) +
                                                    internal::ThreadStemmer(b)(cf));
        }
        if (stem_known) continue;
        std::string suggestion = db.get_spelling_suggestion(plain);
        if (suggestion.empty()) suggestion = db.get_spelling_suggestion(cf);
        if (!suggestion.empty() && suggestion != cf) {
          piece.text = suggestion;
          changed = true;
        }
      }
      for (const auto& piece : pieces) out += piece.text;
      if (quotes % 2 == 1) in_quotes = !in_quotes;
    }
  } catch (const Xapian::Error&) {
    return "";
  }
  (void)in_quotes;
  return changed ? out : "";
}

}  // namespace pressarc

// ---- pair words --------------------------------------------------------------

namespace pressarc {

PairWords::PairWords(std::vector<std::string> words) : words_(std::move(words)) {
  std::sort(words_.begin(), words_.end());
  words_.erase(std::unique(words_.begin(), words_.end()), words_.end());
  if (!words_.empty() && words_.front().empty()) words_.erase(words_.begin());
}

PairWords PairWords::Parse(std::string_view metadata) {
  std::vector<std::string> words;
  while (!metadata.empty()) {
    const std::size_t end = metadata.find('\n');
    words.emplace_back(metadata.substr(0, end));
    if (end == std::string_view::npos) break;
    metadata.remove_prefix(end + 1);
  }
  return PairWords(std::move(words));
}

PairWords PairWords::Frequent(const Xapian::Database& db, double share, std::uint64_t min_docs) {
  const std::uint64_t documents = db.get_doccount();
  if (documents == 0 || documents < min_docs) return PairWords();
  const double least =
      std::max(static_cast<double>(min_docs), share * static_cast<double>(documents));
  std::vector<std::string> words;
  // Prefixed terms (upper-case ASCII first: Q, U, XID... one per document)
  // are skipped over, not read.
  for (auto t = db.allterms_begin(); t != db.allterms_end();) {
    const std::string& term = *t;
    if (!term.empty() && term[0] >= 'A' && term[0] <= 'Z') {
      t.skip_to("[");  // the byte after 'Z'
      continue;
    }
    if (!term.empty() && static_cast<double>(t.get_termfreq()) >= least) words.push_back(term);
    ++t;
  }
  return PairWords(std::move(words));
}

std::string PairWords::Serialise() const {
  std::string out;
  for (const auto& w : words_) {
    if (!out.empty()) out += '\n';
    out += w;
  }
  return out;
}

PairWords PairWords::Intersect(const PairWords& other) const {
  std::vector<std::string> both;
  std::set_intersection(words_.begin(), words_.end(), other.words_.begin(), other.words_.end(),
                        std::back_inserter(both));
  return PairWords(std::move(both));
}

bool PairWords::Has(std::string_view word) const {
  return std::binary_search(words_.begin(), words_.end(), word, std::less<>());
}

}  // namespace pressarc
