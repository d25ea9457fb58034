// Stemmers: pressarc's Azerbaijani noun stemmer (a light, conservative
// suffix stripper with vowel harmony and buffer consonants), a light stemmer
// for transliterated Russian, and the script-aware wrappers StemmerFor()
// hands out (Cyrillic words always get Snowball Russian).
//
// Azerbaijani noun suffix order: stem + plural + possessive + case (+ -ki)
// (+ copula -dır). Stripping goes right to left, one layer at a time:
//   copula  -dır/-dir/-dur/-dür
//   case    -dan/-dən, -da/-də, -dakı/-dəki, -(n)ın/-(n)in/-(n)un/-(n)ün,
//           -(y)a/-(y)ə, -na/-nə, -(n)ı/-(n)i/-(n)u/-(n)ü, -yla/-ylə;
//           n-forms (-nda, -ndan, -na, -nı) only after a possessive vowel
//   poss.   -(ı)mız…, -(ı)nız…, -(s)ı/-(s)i/-(s)u/-(s)ü, -(ı)m…, -ın…
//   plural  -lar/-lər
// then k/q restored where a vowel-initial suffix had softened them
// (nazirliy-i → nazirlik, torpağ-ı → torpaq), then one final stem vowel
// after a consonant is dropped (Bakı/Bakıda → bak, Moskva/Moskvada →
// moskv) so that vowel-final stems and the accusative/dative agree.
// Every step leaves at least 2 letters (3 for one-letter suffixes) and a
// vowel. Vowel harmony is checked loosely so that text typed without
// diacritics (e→ə, i→ı, o→ö, u→ü) stems the same way.
#include <xapian.h>

#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include "indexer/analysis_internal.h"
#include "indexer/indexer.h"

namespace pressarc {
namespace {

using U32 = std::u32string;

U32 ToU32(std::string_view s) {
  U32 out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) out.push_back(internal::DecodeUtf8(s, &i));
  return out;
}

std::string ToUtf8(const U32& s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char32_t c : s) internal::AppendUtf8(c, &out);
  return out;
}

bool IsVowel(char32_t c) {
  switch (c) {
    case U'a':
    case U'ı':
    case U'o':
    case U'u':
    case U'e':
    case U'ə':
    case U'i':
    case U'ö':
    case U'ü':
      return true;
    default:
      return false;
  }
}

// Possible underlying vowels of a (maybe diacritic-folded) letter, as bits:
// a=1 ı=2 o=4 u=8 e=16 ə=32 i=64 ö=128 ü=256.
unsigned VowelSet(char32_t c) {
  switch (c) {
    case U'a':
      return 1;
    case U'ı':
      return 2;
    case U'o':
      return 4 | 128;
    case U'u':
      return 8 | 256;
    case U'e':
      return 16 | 32;
    case U'ə':
      return 32;
    case U'i':
      return 64 | 2;
    case U'ö':
      return 128;
    case U'ü':
      return 256;
    default:
      return 0;
  }
}
constexpr unsigned kBack = 1 | 2 | 4 | 8;
constexpr unsigned kFront = 16 | 32 | 64 | 128 | 256;
constexpr unsigned kRounded = 4 | 8 | 128 | 256;

// Does the suffix vowel `sv` agree with stem vowel `v` (two-way A or
// four-way I harmony)? Loose: any reading of folded letters may agree.
bool Harmonizes(char32_t v, char32_t sv, bool four_way) {
  unsigned vs = VowelSet(v);
  unsigned ss = VowelSet(sv);
  if (vs == 0 || ss == 0) return true;
  for (unsigned a = 1; a <= 256; a <<= 1) {
    if (!(vs & a)) continue;
    for (unsigned b = 1; b <= 256; b <<= 1) {
      if (!(ss & b)) continue;
      bool back = (a & kBack) != 0;
      if (!four_way) {
        if ((back && b == 1) || (!back && b == 32)) return true;
      } else {
        bool round = (a & kRounded) != 0;
        char32_t want = back ? (round ? 8 : 2) : (round ? 256 : 64);
        if (b == want) return true;
      }
    }
  }
  return false;
}

char32_t LastVowel(const U32& w, std::size_t len) {
  for (std::size_t k = len; k > 0; --k) {
    if (IsVowel(w[k - 1])) return w[k - 1];
  }
  return 0;
}

bool HasVowel(const U32& w, std::size_t len) {
  return LastVowel(w, len) != 0;
}

bool EndsWith(const U32& w, std::size_t len, std::u32string_view s) {
  return len >= s.size() && std::u32string_view(w).substr(len - s.size(), s.size()) == s;
}

enum class Before { kAny, kVowel, kConsonant, kPossVowel };

struct Suffix {
  const char32_t* text;
  Before before;
  bool four_way;  // harmony class of the suffix's first vowel
};

// Longest first within each layer.
const Suffix kCopula[] = {
    {U"dır", Before::kAny, true},
    {U"dir", Before::kAny, true},
    {U"dur", Before::kAny, true},
    {U"dür", Before::kAny, true},
};

const Suffix kCase[] = {
    {U"ndakı", Before::kPossVowel, false}, {U"ndəki", Before::kPossVowel, false},
    {U"ndeki", Before::kPossVowel, false}, {U"ndaki", Before::kPossVowel, false},
    {U"dakı", Before::kAny, false},        {U"dəki", Before::kAny, false},
    {U"deki", Before::kAny, false},        {U"daki", Before::kAny, false},
    {U"ndan", Before::kPossVowel, false},  {U"ndən", Before::kPossVowel, false},
    {U"nden", Before::kPossVowel, false},  {U"dan", Before::kAny, false},
    {U"dən", Before::kAny, false},         {U"den", Before::kAny, false},
    {U"nda", Before::kPossVowel, false},   {U"ndə", Before::kPossVowel, false},
    {U"nde", Before::kPossVowel, false},   {U"da", Before::kAny, false},
    {U"də", Before::kAny, false},          {U"de", Before::kAny, false},
    {U"nın", Before::kVowel, true},        {U"nin", Before::kVowel, true},
    {U"nun", Before::kVowel, true},        {U"nün", Before::kVowel, true},
    {U"yla", Before::kVowel, false},       {U"ylə", Before::kVowel, false},
    {U"yle", Before::kVowel, false},       {U"la", Before::kConsonant, false},
    {U"lə", Before::kConsonant, false},    {U"le", Before::kConsonant, false},
    {U"ın", Before::kConsonant, true},     {U"in", Before::kConsonant, true},
    {U"un", Before::kConsonant, true},     {U"ün", Before::kConsonant, true},
    {U"ya", Before::kVowel, false},        {U"yə", Before::kVowel, false},
    {U"ye", Before::kVowel, false},        {U"na", Before::kPossVowel, false},
    {U"nə", Before::kPossVowel, false},    {U"ne", Before::kPossVowel, false},
    {U"nı", Before::kVowel, true},         {U"ni", Before::kVowel, true},
    {U"nu", Before::kVowel, true},         {U"nü", Before::kVowel, true},
    {U"a", Before::kConsonant, false},     {U"ə", Before::kConsonant, false},
    {U"e", Before::kConsonant, false},     {U"ı", Before::kConsonant, true},
    {U"i", Before::kConsonant, true},      {U"u", Before::kConsonant, true},
    {U"ü", Before::kConsonant, true},
};

const Suffix kPossessive[] = {
    {U"ımız", Before::kConsonant, true}, {U"imiz", Before::kConsonant, true},
    {U"umuz", Before::kConsonant, true}, {U"ümüz", Before::kConsonant, true},
    {U"ınız", Before::kConsonant, true}, {U"iniz", Before::kConsonant, true},
    {U"unuz", Before::kConsonant, true}, {U"ünüz", Before::kConsonant, true},
    {U"mız", Before::kVowel, true},      {U"miz", Before::kVowel, true},
    {U"muz", Before::kVowel, true},      {U"müz", Before::kVowel, true},
    {U"nız", Before::kVowel, true},      {U"niz", Before::kVowel, true},
    {U"nuz", Before::kVowel, true},      {U"nüz", Before::kVowel, true},
    {U"sı", Before::kVowel, true},       {U"si", Before::kVowel, true},
    {U"su", Before::kVowel, true},       {U"sü", Before::kVowel, true},
    {U"ım", Before::kConsonant, true},   {U"im", Before::kConsonant, true},
    {U"um", Before::kConsonant, true},   {U"üm", Before::kConsonant, true},
    {U"ın", Before::kConsonant, true},   {U"in", Before::kConsonant, true},
    {U"un", Before::kConsonant, true},   {U"ün", Before::kConsonant, true},
    {U"ı", Before::kConsonant, true},    {U"i", Before::kConsonant, true},
    {U"u", Before::kConsonant, true},    {U"ü", Before::kConsonant, true},
};

const Suffix kPlural[] = {
    {U"lar", Before::kAny, false},
    {U"lər", Before::kAny, false},
    {U"ler", Before::kAny, false},
};

bool IsPossVowel(char32_t c) {
  return c == U'ı' || c == U'i' || c == U'u' || c == U'ü';
}

// Tries the suffixes of one layer at the end of w[0, *len). On success
// shortens *len and returns the suffix.
const Suffix* StripLayer(const U32& w, std::size_t* len, const Suffix* begin, const Suffix* end) {
  for (const Suffix* s = begin; s != end; ++s) {
    std::u32string_view suf(s->text);  // no copy: this runs for every suffix of every word
    if (!EndsWith(w, *len, suf)) continue;
    std::size_t rest = *len - suf.size();
    std::size_t min_rest = suf.size() == 1 ? 3 : 2;
    if (rest < min_rest || !HasVowel(w, rest)) continue;
    char32_t last = w[rest - 1];
    bool last_vowel = IsVowel(last);
    switch (s->before) {
      case Before::kAny:
        break;
      case Before::kVowel:
        if (!last_vowel) continue;
        break;
      case Before::kConsonant:
        if (last_vowel) continue;
        break;
      case Before::kPossVowel:
        if (!IsPossVowel(last) || rest < 3) continue;
        break;
    }
    // A vowel-final stem + s + I is the 3sg possessive (Respublika-sı), not
    // an accusative after a consonant.
    if (s->before == Before::kConsonant && suf.size() == 1 && last == U's' && rest >= 2 &&
        IsVowel(w[rest - 2])) {
      continue;
    }
    // -liy/-lüy + vowel: the k of -lik softened (nazirliy-ə), not a buffer y;
    // and -iya/-iyə are loanword endings (Rusiya, Türkiyə), not datives.
    if (suf[0] == U'y' && rest >= 2 && w[rest - 1] == U'i') continue;
    if (suf[0] == U'y' && rest >= 2 && w[rest - 1] == U'ü' && w[rest - 2] == U'l') continue;
    // Harmony with the stem's last vowel.
    char32_t sv = 0;
    for (char32_t c : suf) {
      if (IsVowel(c)) {
        sv = c;
        break;
      }
    }
    if (sv != 0 && !Harmonizes(LastVowel(w, rest), sv, s->four_way)) continue;
    *len = rest;
    return s;
  }
  return nullptr;
}

// Function words that look inflected (üçün "for" is not üç "three" + -ün).
bool IsProtectedWord(std::string_view w) {
  static const char* const kWords[] = {"üçün",   "ilə",   "kimi", "görə",  "qədər", "sonra",
                                       "hansı",  "bütün", "isə",  "bəri",  "üzrə",  "haqqında",
                                       "barədə", "ucun",  "gore", "qeder", "butun", "uzre"};
  for (const char* k : kWords) {
    if (w == k) return true;
  }
  return false;
}

// Places whose name ends like a suffix or in a vowel, and would otherwise
// share a stem with a common word: Gəncə (the city) and gənc (young), Ağsu
// and ağ (white). Their own inflected forms keep the whole name as stem
// (Gəncədə → gəncə). Also as typed without diacritics. The price: the dative
// of gənc, "gəncə" (to the young one), is taken for the city.
bool IsProtectedName(const U32& w, std::size_t len) {
  static const char32_t* const kNames[] = {U"gəncə", U"gence", U"ağsu",   U"agsu",   U"bərdə",
                                           U"berde", U"şəki",  U"seki",   U"qəbələ", U"qebele",
                                           U"şuşa",  U"susa",  U"şamaxı", U"samaxi", U"astara"};
  const std::u32string_view head(w.data(), len);
  for (const char32_t* name : kNames) {
    if (head == name) return true;
  }
  return false;
}

}  // namespace

std::string StemAzerbaijani(std::string_view word) {
  if (word.size() < 4 || IsProtectedWord(word)) return std::string(word);
  U32 w = ToU32(word);
  for (char32_t c : w) {
    if (!(c >= U'a' && c <= U'z') && !IsVowel(c) && c != U'ş' && c != U'ç' && c != U'ğ') {
      return std::string(word);  // digits, other scripts: leave alone
    }
  }
  std::size_t len = w.size();
  // Layers right to left; repeated (at most 3 rounds) so that a stem that
  // ends like a suffix (nümayən-də, nümayəndə-si) is cut the same way in
  // every form.
  // A protected name stops the stripping as soon as it is what is left.
  static const std::pair<const Suffix*, const Suffix*> kLayers[] = {
      {std::begin(kCopula), std::end(kCopula)},
      {std::begin(kCase), std::end(kCase)},
      {std::begin(kPossessive), std::end(kPossessive)},
      {std::begin(kPlural), std::end(kPlural)}};
  bool name = IsProtectedName(w, len);
  for (int round = 0; round < 3 && !name; ++round) {
    std::size_t before = len;
    for (const auto& [begin, end] : kLayers) {
      StripLayer(w, &len, begin, end);
      if ((name = IsProtectedName(w, len))) break;
    }
    if (len == before) break;
  }
  if (name) return ToUtf8(w.substr(0, len));
  U32 stem = w.substr(0, len);
  // Stems end in q/k, never in the soft ğ/y they take before a vowel:
  // torpağ-ı → torpaq, Qarabağ → qarabaq, nazirliy-i → nazirlik.
  if (stem.size() >= 3) {
    char32_t end = stem.back();
    char32_t before = stem[stem.size() - 2];
    bool back_vowel = before == U'a' || before == U'ı' || before == U'o' || before == U'u';
    if (end == U'ğ' || (end == U'g' && back_vowel)) {
      stem.back() = U'q';
    } else if (end == U'y' &&
               (before == U'i' || before == U'ü' || before == U'u' || before == U'ı') &&
               stem.size() >= 4 && stem[stem.size() - 3] == U'l') {
      stem.back() = U'k';
    }
  }
  // A final n after a vowel goes, so that X+V+n+ın (Azərbaycan-ın) and
  // X+V+nın (Bakı-nın) give the same stem whichever parse was taken.
  if (stem.size() >= 4 && stem.back() == U'n' && IsVowel(stem[stem.size() - 2]) &&
      HasVowel(stem, stem.size() - 2)) {
    stem.pop_back();
  }
  // One final vowel after a consonant goes: Bakı/Bakıda → bak.
  if (stem.size() >= 4 && IsVowel(stem.back()) && !IsVowel(stem[stem.size() - 2]) &&
      HasVowel(stem, stem.size() - 1)) {
    stem.pop_back();
  }
  return ToUtf8(stem);
}

namespace {

// Light stemmer for Russian words written in Latin letters (transliterated
// names and loans in Russian documents): strips common case endings.
std::string StemLatinRussian(const std::string& word) {
  static const char* const kEndings[] = {
      "ovymi", "evymi", "ovykh", "evykh", "ovoy", "evoy", "ovym", "evym", "ovu", "evu",
      "ova",   "eva",   "ove",   "eve",   "ogo",  "ego",  "omu",  "emu",  "ykh", "ikh",
      "ami",   "yami",  "akh",   "yakh",  "oy",   "ey",   "ym",   "im",   "om",  "em",
      "a",     "u",     "e",     "y",     "i",    "ya",   "yu"};
  if (word.size() < 5 || !internal::IsAllAscii(word)) return word;
  for (const char* e : kEndings) {
    std::string_view end(e);
    if (word.size() >= end.size() + 3 &&
        word.compare(word.size() - end.size(), end.size(), end) == 0) {
      std::string stem = word.substr(0, word.size() - end.size());
      // Keep the "ov"/"ev" of surnames: lavrov, lavrova, lavrovym → lavrov.
      if (end.substr(0, 2) == "ov" || end.substr(0, 2) == "ev")
        stem += std::string(end.substr(0, 2));
      return stem;
    }
  }
  return word;
}

enum class LatinStem { kNone, kAzerbaijani, kEnglish, kRussianLatin };

class ScriptAwareStemmer : public Xapian::StemImplementation {
 public:
  explicit ScriptAwareStemmer(LatinStem latin, std::string name)
      : latin_(latin), name_(std::move(name)), russian_("russian") {
    if (latin_ == LatinStem::kEnglish) english_ = Xapian::Stem("english");
  }
  std::string operator()(const std::string& word) override {
    if (internal::HasCyrillic(word)) return RussianStem(word);
    switch (latin_) {
      case LatinStem::kAzerbaijani:
        return StemAzerbaijani(word);
      case LatinStem::kEnglish:
        return english_(word);
      case LatinStem::kRussianLatin:
        return StemLatinRussian(word);
      case LatinStem::kNone:
        break;
    }
    return word;
  }
  std::string get_description() const override { return "pressarc-" + name_; }

 private:
  // Snowball Russian leaves the е of the -ей/-ея stems in the forms after
  // which it strips only я, ю, ем (Сергей → серг, Сергея → серге; музей,
  // музея; Корея, Кореи): that е goes, so all forms of such a word agree.
  std::string RussianStem(const std::string& word) {
    std::string stem = russian_(word);
    if (stem.size() >= 6 && word.size() > stem.size() && stem.ends_with("\xD0\xB5")) {
      stem.resize(stem.size() - 2);
    }
    return stem;
  }

  LatinStem latin_;
  std::string name_;
  Xapian::Stem russian_;
  Xapian::Stem english_;
};

}  // namespace

Xapian::Stem StemmerFor(std::string_view lang) {
  std::string_view b = internal::LanguageBucket(lang);
  if (b == "az") return Xapian::Stem(new ScriptAwareStemmer(LatinStem::kAzerbaijani, "az"));
  if (b == "en") return Xapian::Stem(new ScriptAwareStemmer(LatinStem::kEnglish, "en"));
  if (b == "ru") return Xapian::Stem(new ScriptAwareStemmer(LatinStem::kRussianLatin, "ru"));
  return Xapian::Stem(new ScriptAwareStemmer(LatinStem::kNone, "none"));
}

}  // namespace pressarc
