// Article → Xapian document: terms, values and data per indexer/schema.h;
// the near-duplicate key and long-term hashing.
#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

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

// Attribution markers (normalised words): the copy's "<outlet> xəbər verir
// ki, ..." prefix is dropped up to and including the marker.
const std::vector<std::vector<std::string>>& AttributionMarkers() {
  static const std::vector<std::vector<std::string>> markers = {
      {"istinaden", "xeber", "verir", "ki"},
      {"xeber", "verir", "ki"},
      {"melumat", "verir", "ki"},
      {"xeber", "verir"},
      {"xeber", "verilir"},
      {"сообщает"},
      {"передает"},
      {"reports"},
      {"informs"},
      {"reported"},
  };
  return markers;
}

void StripAttribution(std::vector<std::string_view>* words) {
  constexpr std::size_t kLookahead = 20;
  for (const auto& marker : AttributionMarkers()) {
    std::size_t limit = std::min(words->size(), kLookahead);
    for (std::size_t start = 0; start + marker.size() <= limit; ++start) {
      if (std::equal(marker.begin(), marker.end(), words->begin() + start)) {
        words->erase(words->begin(), words->begin() + start + marker.size());
        return;
      }
    }
  }
}

std::string Join(const std::vector<std::string_view>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
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
  struct Para {
    std::size_t index;
    std::vector<std::string_view> words;
  };
  // Folded at once (folding keeps line breaks), then cut into paragraphs.
  const std::string text = FoldDiacritics(FoldCase(original, ""));
  std::vector<Para> paras;
  std::vector<std::string_view> all;
  std::size_t start = 0;
  std::size_t index = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    Para p{index++, {}};
    internal::ForEachWord(std::string_view(text).substr(start, end - start),
                          [&](std::string_view w) { p.words.push_back(w); });
    StripAttribution(&p.words);
    all.insert(all.end(), p.words.begin(), p.words.end());
    if (p.words.size() >= 8) paras.push_back(std::move(p));
    start = end + 1;
  }
  if (all.empty()) return "";
  std::string basis;
  if (paras.empty()) {
    basis = Join(all);
  } else {
    std::stable_sort(paras.begin(), paras.end(),
                     [](const Para& a, const Para& b) { return a.words.size() > b.words.size(); });
    if (paras.size() > 3) paras.resize(3);
    std::sort(paras.begin(), paras.end(),
              [](const Para& a, const Para& b) { return a.index < b.index; });
    for (const auto& p : paras) basis += Join(p.words) + "\n";
  }
  return HexSha1(basis, 8);
}

Result<PreparedDocument> PrepareDocument(const IndexedArticle& doc, const PrepareOptions& options) {
  const Article& a = doc.article;
  std::string canonical = a.canonical_url.empty() ? a.url : a.canonical_url;
  if (canonical.empty()) return Status::Runtime("article has no URL: not indexed");
  std::string lang = a.language;
  std::transform(lang.begin(), lang.end(), lang.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view bucket = internal::LanguageBucket(lang);
  std::string id = DocumentId(canonical);
  std::string dup_key = NearDuplicateKey(a.text);
  std::string published = CompactDateTime(a.published);
  std::string fetched = CompactDateTime(doc.fetched_at);

  PreparedDocument out;
  Xapian::Document& d = out.document;
  out.unique_term = BooleanTerm(schema::kPrefixUnique, canonical);
  out.fetched_at = fetched;

  try {
    // Free text: title (S and body), description, body.
    // Title and text are case-folded once, for the terms and the spelling words.
    const std::string title = FoldCase(a.title, lang);
    const std::string text = FoldCase(a.text, lang);
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
    internal::IndexFoldedText(gen, title, lang, "", &names, units);
    gen.increase_termpos(100);
    if (!description.empty()) {
      internal::IndexFoldedText(gen, description, lang, "", &names, units);
      gen.increase_termpos(100);
    }
    internal::IndexFoldedText(gen, text, lang, "", &names, units);

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
    if (!bucket.empty()) {
      std::set<std::string> words;
      auto collect = [&](std::string_view folded) {
        internal::ForEachWord(folded, [&](std::string_view w) {
          if (w.size() < 3 || w.size() > 32) return;
          for (char c : w) {
            if (c >= '0' && c <= '9') return;
          }
          words.emplace(w);
        });
      };
      collect(title);
      collect(text);
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
