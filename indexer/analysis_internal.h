// Internal to the indexer: the tokenizer and per-thread analysis caches
// shared by analysis.cc, document.cc and the stemmers. Not a public header.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace pressarc {
class PairWords;
}

namespace pressarc::internal {

// Decodes one UTF-8 code point at s[*i] and advances *i (input is valid
// UTF-8; a stray byte decodes as itself).
char32_t DecodeUtf8(std::string_view s, std::size_t* i);
void AppendUtf8(char32_t c, std::string* out);

// Xapian's notion of a word character: letters, marks, digits, connector
// punctuation.
bool IsWordChar(char32_t c);
bool IsCyrillic(char32_t c);
bool HasCyrillic(std::string_view utf8);
bool IsAllAscii(std::string_view s);

// Splits case-folded text into words (the same rules for documents and
// queries): runs of word characters; '.' or ',' between two digits joins;
// apostrophes split, and an English possessive "'s" is dropped ("Lavrov's"
// is "lavrov"). Words longer than kMaxWordBytes are skipped.
inline constexpr std::size_t kMaxWordBytes = 64;
template <typename F>
void ForEachWord(std::string_view text, F&& f);

// The analysed forms of one case-folded word, cached per thread.
struct WordForms {
  std::string folded;       // diacritics folded ("" when the same as the word)
  std::string latin;        // transliteration of a Cyrillic word, or RomanizeAzerbaijani of a
                            // word in an az text ("" when none / same as the word or folded)
  std::string stem;         // stem of the word
  std::string stem_folded;  // stem of folded ("" when none or same as stem)
  std::string stem_latin;   // stem of latin ("" when none)
  std::string latin_alt;    // OtherLatinSpelling(latin) of a Cyrillic word ("" when the same)
  std::string stem_latin_alt;
};

// The other way names written in Cyrillic are spelled in Latin letters
// besides BGN's: х as h where the name is not Russian (Ильхам is Ilham,
// Рахман is Rahman, as az and en texts write them) and a final -iya as -ia
// (Мария is Maria); "" when that is the BGN spelling itself.
std::string OtherLatinSpelling(std::string_view latin);
const WordForms& FormsFor(std::string_view word, std::string_view lang);

// Per-thread stemmer for a language bucket ("az", "en", "ru", "").
Xapian::Stem& ThreadStemmer(std::string_view lang);

// The case-folded words of a text that are written with a capital somewhere
// in it (names, and the first words of sentences and headings).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using WordSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;
void AddCapitalisedWords(std::string_view text, std::string_view lang, WordSet* out);

// Adds the analysed terms of `folded` (FoldCase(text, lang): the caller
// folds once, as it needs the folded text for other things too) to the
// generator's current document, with `prefix` ("" for body, "S" for title);
// positions continue from the generator's termpos. The Latin forms of a
// word (WordForms::latin: transliterated Cyrillic, romanised Azerbaijani) are
// indexed only for the words in `names` (all words when it is null): they are
// there for names ("Lavrov" finds "Лавров", "Aliyev" finds "Əliyev"), and
// adding them for every word cost a fifth of the index's writing time.
// `units`: the wdf an occurrence adds to a word's exact form and stem (wdf
// 2 unnormalised) and to its other forms (1); see schema::kWdfScale.
struct WdfUnits {
  Xapian::termcount exact = 2;
  Xapian::termcount other = 1;
};
// The units of a document of `words` words, length-normalised as
// schema.h describes.
WdfUnits NormalisedWdfUnits(std::size_t words);
// `pairs`, for the body space (prefix ""): adjacent words whose positional
// forms are both pair words get the XPAIR term of those forms.
void IndexFoldedText(Xapian::TermGenerator& generator, std::string_view folded,
                     std::string_view lang, std::string_view prefix, const WordSet* names = nullptr,
                     WdfUnits units = {}, const PairWords* pairs = nullptr);
// NearDuplicateKey (indexer.h) of a text already case-folded by FoldCase in
// any language: the key folds diacritics too, which makes the Turkic and the
// plain case folding of I and İ the same (ı → i, a dot above dropped), so a
// document's folded text serves without folding it again.
std::string NearDuplicateKeyOfCaseFolded(std::string_view case_folded);
// "az", "en", "ru" or "" (anything else).
std::string_view LanguageBucket(std::string_view lang);

// Whether text[i] is the "s" of an English possessive "'s": an s (or S)
// that no word character follows.
inline bool IsPossessiveS(std::string_view text, std::size_t i) {
  if (i >= text.size() || (text[i] != 's' && text[i] != 'S')) return false;
  std::size_t j = i + 1;
  return j >= text.size() || !IsWordChar(DecodeUtf8(text, &j));
}

// ---- template implementation ----
template <typename F>
void ForEachWord(std::string_view text, F&& f) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  std::size_t start = std::string::npos;
  char32_t prev = 0;
  auto flush = [&](std::size_t end) {
    if (start != std::string::npos) {
      if (end - start <= kMaxWordBytes) f(text.substr(start, end - start));
      start = std::string::npos;
    }
  };
  while (i < n) {
    std::size_t at = i;
    char32_t c;
    bool word;
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {  // inline: most characters of az, en and ru text
      c = b;
      ++i;
      word = (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || b == '_';
    } else if (b >= 0xC3 && b <= 0xD4 && i + 1 < n &&
               (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
      // U+00C0-U+053F: Latin letters (but × and ÷) to U+02AF, Cyrillic from
      // U+0400 (but ҂ U+0482) are word characters; what lies between is not
      // decided here.
      c = (static_cast<char32_t>(b & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F);
      i += 2;
      if (c >= 0xC0 && c <= 0x2AF) {
        word = c != 0xD7 && c != 0xF7;
      } else if (c >= 0x400 && c <= 0x52F) {
        word = c != 0x482;
      } else {
        word = IsWordChar(c);
      }
    } else {
      c = DecodeUtf8(text, &i);
      word = IsWordChar(c);
    }
    if (word) {
      if (start == std::string::npos) start = at;
    } else if ((c == '.' || c == ',') && start != std::string::npos && prev >= '0' && prev <= '9' &&
               i < n && text[i] >= '0' && text[i] <= '9') {
      // a digit separator inside a number: keep going
    } else if ((c == '\'' || c == 0x2019) && start != std::string::npos && IsPossessiveS(text, i)) {
      // "Lavrov's", "Azerbaijan’s": the word, without the 's.
      flush(at);
      ++i;
      c = 's';
    } else {
      flush(at);
    }
    prev = c;
  }
  flush(n);
}

}  // namespace pressarc::internal
