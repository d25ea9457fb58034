// Article → Xapian document: terms, values and data per indexer/schema.h;
// the near-duplicate key and long-term hashing.
#include <xapian.h>

#include <algorithm>
#include <bitset>
#include <cctype>
#include <cstdint>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/ascii.h"
#include "config/digest.h"
#include "indexer/analysis_internal.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"

namespace pressarc {
namespace {

// Bumped when analysis changes, so that unchanged articles are re-indexed.
constexpr std::string_view kAnalysisVersion = "pressarc-analysis-2";
constexpr std::size_t kMaxTermBytes = 240;
constexpr std::size_t kSampleBytes = 512;

std::string HexSha1(std::string_view data, std::size_t bytes) {
  auto d = Sha1Digest(data);
  return Hex(d.data(), bytes);
}

// Cuts at most `max` bytes on a UTF-8 boundary.
std::string Utf8Prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end));
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "2023-02-28[T16:25[:00]...]" → "YYYYMMDDhhmmss" (local, as given); "" when not a date.
std::string CompactDateTime(std::string_view iso) {
  if (iso.size() < 10 || !AllDigits(iso.substr(0, 4)) || iso[4] != '-' ||
      !AllDigits(iso.substr(5, 2)) || iso[7] != '-' || !AllDigits(iso.substr(8, 2))) {
    return "";
  }
  std::string out;
  out.append(iso.substr(0, 4)).append(iso.substr(5, 2)).append(iso.substr(8, 2));
  std::string hms = "000000";
  if (iso.size() >= 16 && (iso[10] == 'T' || iso[10] == ' ') && AllDigits(iso.substr(11, 2)) &&
      iso[13] == ':' && AllDigits(iso.substr(14, 2))) {
    hms = std::string(iso.substr(11, 2)) + std::string(iso.substr(14, 2)) + "00";
    if (iso.size() >= 19 && iso[16] == ':' && AllDigits(iso.substr(17, 2))) {
      hms.replace(4, 2, iso.substr(17, 2));
    }
  }
  return out + hms;
}

// Unix time of a "YYYYMMDDhhmmss" (read as UTC); 0 when empty.
std::int64_t UnixTime(const std::string& compact) {
  if (compact.size() != 14) return 0;
  std::tm tm{};
  tm.tm_year = std::stoi(compact.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(compact.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(compact.substr(6, 2));
  tm.tm_hour = std::stoi(compact.substr(8, 2));
  tm.tm_min = std::stoi(compact.substr(10, 2));
  tm.tm_sec = std::stoi(compact.substr(12, 2));
  return static_cast<std::int64_t>(timegm(&tm));
}

// ---- near-duplicate key ---------------------------------------------------
// Works on views into the folded text: its words, and for each word what lies
// between it and the word before (NearDuplicateKey below).

// The sentences the key is made of: the kKeySentences longest sentences of
// at least kKeySentenceWords words; a text with fewer such sentences: all its
// sentences of at least kMinSentenceWords ("Paylaş", "Reklam" are not).
constexpr std::size_t kKeySentences = 4;
constexpr std::size_t kKeySentenceWords = 8;
constexpr std::size_t kMinSentenceWords = 2;
// An attribution prefix ends within the first 20 words of a sentence; an
// attribution clause at its end ("…, сообщает ТАСС.") has at most 8; a
// dateline ("Bakı, 12 mart, AZƏRTAC", "Baku, March 12 (Report)") at most 8.
constexpr std::size_t kAttributionWithin = 20;
constexpr std::size_t kAttributionClauseWords = 8;
constexpr std::size_t kDatelineWords = 8;
// "Bu barədə … məlumat verilib.": a sentence of at most 12 words.
constexpr std::size_t kShortAttributionWords = 12;

// What lies between two words (bits).
enum : std::uint8_t {
  kStop = 1,    // ends a sentence: a line break, or . ! ? … then a space (not a
                // full stop after a single letter: the initial of "C. Bayramov")
  kComma = 2,   // , ; :
  kColon = 4,   // :
  kDash = 8,    // — – | / or a hyphen between spaces
  kOpen = 16,   // ( [ /
  kClose = 32,  // ) ] /
};
constexpr std::uint8_t kClause = kComma | kDash;  // ends an attribution or a clause
constexpr std::uint8_t kDatelineEnd = kComma | kDash | kClose;

// ASCII white space, or a byte of U+00A0 (no-break space).
bool IsSpaceByte(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\xA0' || c == '\xC2';
}

std::uint8_t GapFlags(std::string_view gap, bool after_single_letter) {
  std::uint8_t f = 0;
  bool terminal = false;  // . ! ? … seen: a space after it ends the sentence
  for (std::size_t i = 0; i < gap.size(); ++i) {
    switch (gap[i]) {
      case '\n':
        f |= kStop;
        break;
      case ' ':
      case '\t':
      case '\r':
        if (terminal) f |= kStop;
        break;
      case '.':
        if (!after_single_letter) terminal = true;
        break;
      case '!':
      case '?':
        terminal = true;
        break;
      case ',':
      case ';':
        f |= kComma;
        break;
      case ':':
        f |= kComma | kColon;
        break;
      case '(':
      case '[':
        f |= kOpen;
        break;
      case ')':
      case ']':
        f |= kClose;
        break;
      case '/':
        f |= kDash | kOpen | kClose;
        break;
      case '|':
        f |= kDash;
        break;
      case '-':
        if (i > 0 && i + 1 < gap.size() && IsSpaceByte(gap[i - 1]) && IsSpaceByte(gap[i + 1])) {
          f |= kDash;
        }
        break;
      case '\xC2':  // U+00A0 no-break space
        if (terminal && i + 1 < gap.size() && gap[i + 1] == '\xA0') f |= kStop;
        break;
      case '\xE2':  // U+2013 –, U+2014 —, U+2026 …
        if (i + 2 < gap.size() && gap[i + 1] == '\x80') {
          if (gap[i + 2] == '\x93' || gap[i + 2] == '\x94') f |= kDash;
          if (gap[i + 2] == '\xA6') terminal = true;
        }
        break;
      default:
        break;
    }
  }
  return f;
}

// One code point, not a digit: an initial when a full stop follows.
bool IsSingleLetter(std::string_view w) {
  const auto b = static_cast<unsigned char>(w[0]);
  const std::size_t length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  return w.size() == length && !(b >= '0' && b <= '9');
}

using Phrase = std::vector<std::string>;
using WordList = std::set<std::string, std::less<>>;

// The words that mark what a copy adds, folded as the text is.
struct CopyMarkers {
  // "<outlet> xəbər verir ki, …", "APA-nın məlumatına görə, …": the
  // attribution ends with the phrase (and "ki"/"что"/"that", or a comma).
  std::vector<Phrase> attribution;
  // "Как сообщает <outlet>, …", "According to <outlet>, …": from the start of
  // a sentence to the next comma (or "что"/"that").
  std::vector<Phrase> opening;
  // "Bu barədə APA-ya məlumat verilib.": short sentences starting so.
  std::vector<Phrase> short_sentence;
  WordList complementisers;  // ki, что, that
  WordList labels;           // "Mənbə: …", "Source: …", "Foto: …"
  WordList months;           // of datelines
  WordList agencies;         // "REPORT.AZ/", "(APA)"
  // A word can be one of the above (the first of a phrase) only when its
  // bucket is set: most words are passed over without a comparison.
  std::bitset<4096> buckets;

  static std::size_t Bucket(std::string_view w) {
    const auto a = static_cast<unsigned char>(w.front());
    const auto b = static_cast<unsigned char>(w[w.size() / 2]);
    const auto c = static_cast<unsigned char>(w.back());
    return (a * 7u + b * 131u + c * 31u + w.size() * 1031u) & 4095u;
  }
  bool Maybe(std::string_view w) const { return buckets.test(Bucket(w)); }
  bool Has(const WordList& list, std::string_view w) const {
    return Maybe(w) && list.find(w) != list.end();
  }
};

std::string FoldForKey(std::string_view s) {
  return FoldDiacritics(FoldCase(s, ""));
}

const CopyMarkers& Markers() {
  static const CopyMarkers markers = [] {
    CopyMarkers m;
    auto phrases = [](std::initializer_list<std::string_view> list) {
      std::vector<Phrase> out;
      for (std::string_view s : list) {
        const std::string folded = FoldForKey(s);
        Phrase p;
        internal::ForEachWord(folded, [&](std::string_view w) { p.emplace_back(w); });
        out.push_back(std::move(p));
      }
      return out;
    };
    auto words = [](std::initializer_list<std::string_view> list) {
      WordList out;
      for (std::string_view s : list) out.insert(FoldForKey(s));
      return out;
    };
    m.attribution = phrases({"xəbər verir", "xəbər verilir", "məlumat verir", "məlumatına görə",
                             "məlumata görə", "yazır", "сообщает", "сообщают", "сообщили",
                             "передает", "reports", "reported", "informs"});
    m.opening = phrases({"как сообщает", "как сообщают", "как сообщили", "как передает",
                         "по данным", "по информации", "по сообщению", "со ссылкой на",
                         "according to", "as reported by", "citing"});
    m.short_sentence = phrases({"bu barədə", "об этом", "this was"});
    m.complementisers = words({"ki", "что", "that"});
    m.labels = words({"mənbə", "source", "источник", "foto", "photo", "фото", "video", "видео"});
    m.months =
        words({"yanvar",   "fevral",   "mart",     "aprel",    "may",     "iyun",      "iyul",
               "avqust",   "sentyabr", "oktyabr",  "noyabr",   "dekabr",  "january",   "february",
               "march",    "april",    "june",     "july",     "august",  "september", "october",
               "november", "december", "jan",      "feb",      "mar",     "apr",       "jun",
               "jul",      "aug",      "sep",      "sept",     "oct",     "nov",       "dec",
               "январь",   "января",   "февраль",  "февраля",  "март",    "марта",     "апрель",
               "апреля",   "май",      "мая",      "июнь",     "июня",    "июль",      "июля",
               "август",   "августа",  "сентябрь", "сентября", "октябрь", "октября",   "ноябрь",
               "ноября",   "декабрь",  "декабря"});
    m.agencies =
        words({"azərtac", "apa", "report", "trend", "turan", "interfax", "интерфакс", "tass",
               "тасс", "ria", "риа", "novosti", "новости", "sputnik", "az", "ru", "com"});
    for (const auto* list : {&m.attribution, &m.opening, &m.short_sentence}) {
      for (const Phrase& p : *list) m.buckets.set(CopyMarkers::Bucket(p.front()));
    }
    for (const auto* list : {&m.complementisers, &m.labels, &m.months, &m.agencies}) {
      for (const std::string& w : *list) m.buckets.set(CopyMarkers::Bucket(w));
    }
    return m;
  }();
  return markers;
}

// The text's words and, for each, the bits of what lies before it.
struct KeyText {
  std::vector<std::string_view> words;
  std::vector<std::uint8_t> gaps;

  bool Starts(std::size_t at, std::size_t end, const Phrase& p) const {
    if (end - at < p.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (words[at + i] != p[i]) return false;
    }
    return true;
  }
  bool StartsAny(std::size_t at, std::size_t end, const std::vector<Phrase>& phrases,
                 const CopyMarkers& m) const {
    if (at >= end || !m.Maybe(words[at])) return false;
    for (const auto& p : phrases) {
      if (Starts(at, end, p)) return true;
    }
    return false;
  }
};

struct Span {
  std::size_t begin;
  std::size_t end;
  std::size_t size() const { return end - begin; }
};

bool IsDayNumber(std::string_view w) {
  return (w.size() == 1 || w.size() == 2) && AllDigits(w);
}

// Where a dateline at the start of `s` ends ("Bakı, 12 mart, AZƏRTAC –",
// "Baku, March 12 (Report)", "/Trend/", "REPORT.AZ/"); s.begin when none.
std::size_t DatelineEnd(const KeyText& t, Span s, const CopyMarkers& m) {
  const std::size_t limit = std::min(s.end, s.begin + kDatelineWords);
  bool dated = false;
  bool agencies = true;
  for (std::size_t i = s.begin; i < limit; ++i) {
    const std::string_view w = t.words[i];
    if (m.Has(m.months, w) && ((i > s.begin && IsDayNumber(t.words[i - 1])) ||
                               (i + 1 < s.end && IsDayNumber(t.words[i + 1])))) {
      dated = true;
    }
    agencies = agencies && m.Has(m.agencies, w);
    const bool ends = i + 1 == s.end || (t.gaps[i + 1] & kDatelineEnd);
    if (!ends) continue;
    const bool comma_only = i + 1 < s.end && (t.gaps[i + 1] & (kDash | kClose)) == 0;
    const bool bracketed = i - s.begin < 3 && (t.gaps[s.begin] & kOpen);
    if (dated || (!comma_only && (agencies || bracketed))) return i + 1;
  }
  return s.begin;
}

// Where "Как сообщает <outlet>," / "According to <outlet>," at the start of
// `s` ends (and a "что"/"that" after the comma); s.begin when none.
std::size_t OpeningAttributionEnd(const KeyText& t, Span s, const CopyMarkers& m) {
  if (!m.Maybe(t.words[s.begin])) return s.begin;
  for (const auto& p : m.opening) {
    if (!t.Starts(s.begin, s.end, p)) continue;
    const std::size_t limit = std::min(s.end, s.begin + p.size() + kAttributionClauseWords);
    for (std::size_t i = s.begin + p.size(); i < limit; ++i) {
      if (m.Has(m.complementisers, t.words[i])) return i + 1;
      if (i + 1 < s.end && (t.gaps[i + 1] & kClause)) {
        const bool that = m.Has(m.complementisers, t.words[i + 1]);
        return that ? i + 2 : i + 1;
      }
    }
  }
  return s.begin;
}

// Where "<outlet> xəbər verir ki," / "APA-nın məlumatına görə," at the start
// of `s` ends: the phrase within its first words, no comma before it, and
// "ki"/"что"/"that", a comma, "citing …" or nothing after it; s.begin when
// none.
std::size_t AttributionEnd(const KeyText& t, Span s, const CopyMarkers& m) {
  const std::size_t limit = std::min(s.end, s.begin + kAttributionWithin);
  for (std::size_t at = s.begin; at < limit; ++at) {
    if (at > s.begin && (t.gaps[at] & kClause)) break;  // the outlet is one clause
    if (!m.Maybe(t.words[at])) continue;
    for (const auto& p : m.attribution) {
      if (!t.Starts(at, s.end, p)) continue;
      const std::size_t end = at + p.size();
      if (end == s.end) return end;  // "Report informs.": nothing else
      if (m.Has(m.complementisers, t.words[end])) return end + 1;
      if ((t.gaps[end] & kClause) || t.StartsAny(end, s.end, m.opening, m)) return end;
    }
  }
  return s.begin;
}

// Whether a phrase of attribution occurs in `s`.
bool HasAttribution(const KeyText& t, Span s, const CopyMarkers& m) {
  for (std::size_t i = s.begin; i < s.end; ++i) {
    if (t.StartsAny(i, s.end, m.attribution, m) || t.StartsAny(i, s.end, m.opening, m)) return true;
  }
  return false;
}

// A sentence without what a copy adds to it: the dateline and attribution
// before it, the attribution clause after it; empty for a label line
// ("Mənbə: mfa.gov.az") or a short attribution sentence.
Span CleanSentence(const KeyText& t, Span s, const CopyMarkers& m) {
  const Span none{s.end, s.end};
  if (m.Has(m.labels, t.words[s.begin]) && (s.size() == 1 || (t.gaps[s.begin + 1] & kColon))) {
    return none;
  }
  while (s.begin < s.end) {
    std::size_t cut = DatelineEnd(t, s, m);
    if (cut == s.begin) cut = OpeningAttributionEnd(t, s, m);
    if (cut == s.begin) cut = AttributionEnd(t, s, m);
    if (cut == s.begin) break;
    s.begin = cut;
  }
  if (s.size() == 0) return none;
  if (s.size() <= kShortAttributionWords && t.StartsAny(s.begin, s.end, m.short_sentence, m)) {
    return none;
  }
  while (s.size() > 1) {
    std::size_t clause = s.end - 1;
    while (clause > s.begin && !(t.gaps[clause] & (kClause | kOpen))) --clause;
    if (clause == s.begin || s.end - clause > kAttributionClauseWords ||
        !HasAttribution(t, {clause, s.end}, m)) {
      break;
    }
    s.end = clause;
  }
  return s;
}

}  // namespace

std::string BooleanTerm(std::string_view prefix, std::string_view value) {
  std::string term(prefix);
  if (!value.empty() && ((value[0] >= 'A' && value[0] <= 'Z') || value[0] == ':')) term += ':';
  if (term.size() + value.size() <= kMaxTermBytes) return term.append(value);
  std::string head = Utf8Prefix(value, kMaxTermBytes - term.size() - 17);
  return term + head + ":" + HexSha1(value, 8);
}

std::string NearDuplicateKey(std::string_view original) {
  return internal::NearDuplicateKeyOfCaseFolded(FoldCase(original, ""));
}

std::string internal::NearDuplicateKeyOfCaseFolded(std::string_view case_folded) {
  // Folded at once; the words and what lies between them are views into it.
  const std::string text = FoldDiacritics(case_folded);
  KeyText t;
  t.words.reserve(text.size() / 6);
  t.gaps.reserve(text.size() / 6);
  std::size_t previous_end = 0;
  bool single_letter = false;
  internal::ForEachWord(text, [&](std::string_view w) {
    const auto at = static_cast<std::size_t>(w.data() - text.data());
    t.gaps.push_back(
        GapFlags(std::string_view(text).substr(previous_end, at - previous_end), single_letter));
    t.words.push_back(w);
    previous_end = at + w.size();
    single_letter = IsSingleLetter(w);
  });
  if (t.words.empty()) return "";

  // The sentences, whatever the paragraphs, without what a copy adds.
  const CopyMarkers& m = Markers();
  std::vector<Span> sentences;
  std::vector<Span> long_sentences;
  for (std::size_t begin = 0, i = 1; i <= t.words.size(); ++i) {
    if (i < t.words.size() && !(t.gaps[i] & kStop)) continue;
    const Span s = CleanSentence(t, {begin, i}, m);
    if (s.size() >= kMinSentenceWords) sentences.push_back(s);
    if (s.size() >= kKeySentenceWords) long_sentences.push_back(s);
    begin = i;
  }
  // The longest sentences in text order; a text with fewer: all its sentences.
  std::vector<Span>& chosen = long_sentences.size() < kKeySentences ? sentences : long_sentences;
  if (long_sentences.size() > kKeySentences) {
    std::partial_sort(long_sentences.begin(), long_sentences.begin() + kKeySentences,
                      long_sentences.end(), [](const Span& a, const Span& b) {
                        return a.size() != b.size() ? a.size() > b.size() : a.begin < b.begin;
                      });
    long_sentences.resize(kKeySentences);
    std::sort(long_sentences.begin(), long_sentences.end(),
              [](const Span& a, const Span& b) { return a.begin < b.begin; });
  }
  if (chosen.empty()) chosen.push_back({0, t.words.size()});  // nothing but what copies add
  std::string basis;
  basis.reserve(text.size());
  for (const Span& s : chosen) {
    for (std::size_t i = s.begin; i < s.end; ++i) {
      if (i > s.begin) basis += ' ';
      basis += t.words[i];
    }
    basis += '\n';
  }
  return HexSha1(basis, 8);
}

Result<PreparedDocument> PrepareDocument(const IndexedArticle& doc, const PrepareOptions& options) {
  const Article& a = doc.article;
  std::string canonical = a.canonical_url.empty() ? a.url : a.canonical_url;
  if (canonical.empty()) return Status::Runtime("article has no URL: not indexed");
  const std::string lang = AsciiLower(a.language);
  std::string_view bucket = internal::LanguageBucket(lang);
  std::string id = DocumentId(canonical);
  std::string published = CompactDateTime(a.published);
  std::string fetched = CompactDateTime(doc.fetched_at);

  std::string dup_key;  // NearDuplicateKey(a.text), from the text folded below
  PreparedDocument out;
  Xapian::Document& d = out.document;
  out.unique_term = BooleanTerm(schema::kPrefixUnique, canonical);
  out.fetched_at = fetched;

  try {
    // Free text: title (S and body), description, body.
    // Title and text are case-folded once, for the terms and the spelling words.
    const std::string title = FoldCase(a.title, lang);
    const std::string text = FoldCase(a.text, lang);
    dup_key = internal::NearDuplicateKeyOfCaseFolded(text);
    internal::WordSet names;  // words that get their Latin forms
    internal::AddCapitalisedWords(a.title, lang, &names);
    internal::AddCapitalisedWords(a.description, lang, &names);
    internal::AddCapitalisedWords(a.text, lang, &names);
    const std::string description = a.description.empty() ? "" : FoldCase(a.description, lang);
    internal::WdfUnits units;
    if (options.normalise_wdf) {
      std::size_t words = 0;
      auto count = [&](std::string_view) { ++words; };
      internal::ForEachWord(title, count);
      internal::ForEachWord(description, count);
      internal::ForEachWord(text, count);
      units = internal::NormalisedWdfUnits(words);
    }
    Xapian::TermGenerator gen;
    gen.set_document(d);
    internal::IndexFoldedText(gen, title, lang, schema::kPrefixTitle, &names, units);
    gen.set_termpos(0);
    const PairWords* pairs = options.pair_words.get();
    internal::IndexFoldedText(gen, title, lang, "", &names, units, pairs);
    gen.increase_termpos(100);
    if (!description.empty()) {
      internal::IndexFoldedText(gen, description, lang, "", &names, units, pairs);
      gen.increase_termpos(100);
    }
    internal::IndexFoldedText(gen, text, lang, "", &names, units, pairs);

    // Boolean terms.
    d.add_boolean_term(out.unique_term);
    d.add_boolean_term(BooleanTerm(schema::kPrefixUrl, canonical));
    if (a.url != canonical && !a.url.empty())
      d.add_boolean_term(BooleanTerm(schema::kPrefixUrl, a.url));
    std::string host = UrlHost(canonical);
    if (!host.empty()) d.add_boolean_term(BooleanTerm(schema::kPrefixHost, host));
    if (!lang.empty()) d.add_boolean_term(BooleanTerm(schema::kPrefixLanguage, lang));
    if (!bucket.empty() && bucket != lang) {
      d.add_boolean_term(BooleanTerm(schema::kPrefixLanguage, bucket));
    }
    if (!published.empty()) {
      d.add_boolean_term(std::string(schema::kPrefixDay) + published.substr(0, 8));
      d.add_boolean_term(std::string(schema::kPrefixMonth) + published.substr(0, 6));
      d.add_boolean_term(std::string(schema::kPrefixYear) + published.substr(0, 4));
    }
    if (!a.source.empty()) d.add_boolean_term(BooleanTerm(schema::kPrefixSource, a.source));
    d.add_boolean_term(std::string(schema::kPrefixId) + id);
    if (!a.translation_key.empty()) {
      d.add_boolean_term(BooleanTerm(schema::kPrefixTranslation, a.translation_key));
    }
    if (!dup_key.empty()) d.add_boolean_term(std::string(schema::kPrefixDupKey) + dup_key);
    d.add_boolean_term(std::string(schema::kPrefixKind) + PageKindName(a.kind));
    const std::string_view status = doc.removed ? schema::kStatusRemoved : schema::kStatusLive;
    d.add_boolean_term(std::string(schema::kPrefixStatus) + std::string(status));
    out.removed = doc.removed;

    // Values.
    d.add_value(schema::kSlotPublished, published);
    d.add_value(schema::kSlotSource, a.source);
    d.add_value(schema::kSlotDupKey, dup_key);
    d.add_value(schema::kSlotTranslation, a.translation_key);
    d.add_value(schema::kSlotLanguage, lang);
    if (!published.empty()) {
      d.add_value(schema::kSlotYear, published.substr(0, 4));
      d.add_value(schema::kSlotDay, Xapian::sortable_serialise(std::stod(published.substr(0, 8))));
      d.add_value(schema::kSlotDate, published.substr(0, 8));
    }
    std::int64_t fetched_unix = UnixTime(fetched);
    if (fetched_unix > 0) {
      d.add_value(schema::kSlotArchived,
                  Xapian::sortable_serialise(static_cast<double>(fetched_unix)));
    }
    d.add_value(schema::kSlotFetched, fetched);
    d.add_value(schema::kSlotLinked, schema::LinkedValue(lang, a.source, canonical));
    d.add_value(schema::kSlotStatus, std::string(status));

    // Data: Omega lines + the stored article.
    nlohmann::json j = {
        {"id", id},
        {"url", a.url.empty() ? canonical : a.url},
        {"canonical_url", canonical},
        {"title", a.title},
        {"published", a.published.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.published)},
        {"language", lang},
        {"text", a.text},
        {"source", a.source},
        {"translation_key",
         a.translation_key.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.translation_key)},
        {"description", a.description},
        {"archive", {{"file", doc.archive.file}, {"offset", doc.archive.offset}}},
        {"fetched_at", doc.fetched_at},
        {"dup_key", dup_key},
    };
    std::string sample = a.text.substr(0, kSampleBytes + 8);
    std::replace(sample.begin(), sample.end(), '\n', ' ');
    std::string caption = a.title;
    std::replace(caption.begin(), caption.end(), '\n', ' ');
    std::int64_t modtime = UnixTime(published);
    if (modtime == 0) modtime = fetched_unix;
    std::string data;
    data += "url=" + canonical + "\n";
    data += "caption=" + Utf8Prefix(caption, 1024) + "\n";
    data += "sample=" + Utf8Prefix(sample, kSampleBytes) + "\n";
    data += "modtime=" + std::to_string(modtime) + "\n";
    data += "language=" + lang + "\n";
    data += "size=" + std::to_string(a.text.size()) + "\n";
    data += std::string(schema::kDataJsonKey) +
            j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    d.set_data(data);

    // Content hash: everything indexed except where and when it was fetched.
    std::string basis(kAnalysisVersion);
    for (const std::string* s : std::initializer_list<const std::string*>{
             &canonical, &a.url, &a.title, &a.published, &lang, &a.text, &a.source,
             &a.translation_key, &a.description}) {
      basis += '\x1f';
      basis += *s;
    }
    out.content_hash = HexSha1(basis, 8);
    d.add_value(schema::kSlotContentHash, out.content_hash);

    // Spelling words: the case-folded words, once per document.
    // Views into title and text, sorted and made unique at the end: a
    // std::set<std::string> cost a node and a copy per word occurrence.
    if (!bucket.empty()) {
      std::vector<std::string_view> words;
      words.reserve(text.size() / 6 + 16);
      auto collect = [&](std::string_view folded) {
        internal::ForEachWord(folded, [&](std::string_view w) {
          if (w.size() < 3 || w.size() > 32) return;
          for (char c : w) {
            if (c >= '0' && c <= '9') return;
          }
          words.push_back(w);
        });
      };
      collect(title);
      collect(text);
      std::sort(words.begin(), words.end());
      words.erase(std::unique(words.begin(), words.end()), words.end());
      out.spelling_words.assign(words.begin(), words.end());
    }
  } catch (const Xapian::Error& e) {
    return Status::Runtime("indexing " + canonical + ": " + e.get_description());
  } catch (const std::exception& e) {
    return Status::Runtime("indexing " + canonical + ": " + e.what());
  }
  return out;
}

}  // namespace pressarc
