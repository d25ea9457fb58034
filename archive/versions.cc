// Versions of articles: normalisation, digest, and the VersionLog that
// records them in the catalogue (archive.h, "Versions and word diffs").
#include <openssl/evp.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>

#include "archive/archive.h"
#include "config/digest.h"

namespace pressarc {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string Nfc(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::string(utf8);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  if (nfc->isNormalized(in, status) && U_SUCCESS(status)) return std::string(utf8);
  status = U_ZERO_ERROR;
  icu::UnicodeString out = nfc->normalize(in, status);
  if (U_FAILURE(status)) return std::string(utf8);
  std::string result;
  out.toUTF8String(result);
  return result;
}

// Runs of white space become one space; a run holding a blank line (two
// line breaks) becomes a paragraph break "\n\n"; the ends are trimmed.
std::string CollapseSpace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (!IsSpace(text[i])) {
      out += text[i++];
      continue;
    }
    int newlines = 0;
    while (i < text.size() && IsSpace(text[i])) newlines += text[i++] == '\n';
    if (out.empty() || i == text.size()) continue;
    out += newlines >= 2 ? "\n\n" : " ";
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return Hex(md, len);
}

int CountWords(std::string_view text) {
  int n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!IsSpace(text[i]) && (i == 0 || IsSpace(text[i - 1]))) ++n;
  }
  return n;
}

// The text's first `max_bytes` (cut on a character boundary, "…" when cut),
// on one line.
std::string Lead(const std::string& text, std::size_t max_bytes) {
  std::string lead = text.substr(0, std::min(text.size(), max_bytes));
  if (lead.size() < text.size()) {
    std::size_t cut = lead.size();
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    lead.resize(cut);
    lead += "…";
  }
  std::replace(lead.begin(), lead.end(), '\n', ' ');
  return CollapseSpace(lead);
}

}  // namespace

NormalisedArticle NormaliseArticle(const Article& article) {
  NormalisedArticle out;
  out.title = CollapseSpace(Nfc(article.title));
  // A title is one line.
  std::replace(out.title.begin(), out.title.end(), '\n', ' ');
  out.title = CollapseSpace(out.title);
  out.published = CollapseSpace(article.published);
  out.text = CollapseSpace(Nfc(article.text));
  return out;
}

std::string ArticleDigest(const NormalisedArticle& a) {
  return "sha256:" + Sha256Hex(a.title + "\n" + a.published + "\n" + a.text);
}

VersionObservation ObserveVersion(const Article& article, const ArchiveLocation& where,
                                  const std::string& fetched_at) {
  const NormalisedArticle n = NormaliseArticle(article);
  VersionObservation o;
  o.url = article.canonical_url.empty() ? article.url : article.canonical_url;
  o.fetched_at = fetched_at;
  o.digest = ArticleDigest(n);
  o.title = n.title;
  o.published = n.published;
  o.source = article.source;
  o.language = article.language;
  o.archive = where;
  o.words = CountWords(n.title) + CountWords(n.text);
  o.lead = Lead(n.text, 300);
  return o;
}

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kNew:
      return "new";
    case ChangeKind::kEdited:
      return "edited";
    case ChangeKind::kRemoved:
      return "removed";
    case ChangeKind::kRestored:
      return "restored";
  }
  return "new";
}

std::optional<ChangeKind> ParseChangeKind(std::string_view name) {
  for (ChangeKind k :
       {ChangeKind::kNew, ChangeKind::kEdited, ChangeKind::kRemoved, ChangeKind::kRestored}) {
    if (ChangeKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::optional<NormalisedArticle> LoadArchivedArticle(const RecordConverter& converter,
                                                     const std::string& archive_dir,
                                                     const ArchiveLocation& where) {
  const std::string path =
      !where.file.empty() && where.file[0] == '/' ? where.file : archive_dir + "/" + where.file;
  auto record = ReadWarcRecordAt(path, where.offset);
  if (!record.ok()) return std::nullopt;
  std::optional<Article> article = converter.Convert(*record);
  if (!article) return std::nullopt;
  return NormaliseArticle(*article);
}

// ---- VersionLog ---------------------------------------------------------------

Result<std::unique_ptr<VersionLog>> VersionLog::Open(const std::string& data_dir,
                                                     const RecordConverter* converter) {
  // The crawl writes versions from its index worker thread, on this
  // connection, while its main thread's transactions (state.sqlite's rows
  // of the pages just fetched) hold the write lock: each is committed within
  // a pass of the crawl loop, but a pass that parses a large page takes
  // seconds (more under a sanitizer). 5 s was seen to run out: the article
  // was left unindexed until the next run. A minute is longer than any
  // pass; the main thread never waits for the worker while it holds a
  // transaction, so this wait always ends.
  constexpr int kBusyMs = 60'000;
  auto catalogue = Catalogue::Open(data_dir + "/state.sqlite", kBusyMs);
  if (!catalogue.ok()) return catalogue.status();
  return std::unique_ptr<VersionLog>(
      new VersionLog(std::move(catalogue.value()), converter, data_dir + "/archive"));
}

std::optional<NormalisedArticle> VersionLog::Load(const ArchiveLocation& where) const {
  return LoadArchivedArticle(*converter_, archive_dir_, where);
}

// Words added and removed against the previous version, and the changed passage.
void VersionLog::Summarise(const NormalisedArticle& before, const NormalisedArticle& after,
                           ArticleVersion* v) {
  DiffSummary s = SummariseDiff(ArticleDiff(before, after));
  v->words_added = s.words_added;
  v->words_removed = s.words_removed;
  v->excerpt = std::move(s.excerpt);
  // A changed publication date alone changes no word: the excerpt says it.
  if (v->excerpt.empty() && before.published != after.published) {
    v->excerpt = "published [-" + before.published + "-]{+" + after.published + "+}";
  }
}

Result<VersionLog::Outcome> VersionLog::Record(const VersionObservation& o,
                                               const Article* article) {
  std::vector<ArticleVersion> known = catalogue_->Versions(o.url);
  // The versions before and after the observation in time.
  std::size_t next = 0;
  while (next < known.size() && known[next].fetched_at <= o.fetched_at) ++next;
  const ArticleVersion* prev = next > 0 ? &known[next - 1] : nullptr;
  if (prev && prev->digest == o.digest) return Outcome{false, prev->version};

  ArticleVersion v;
  v.url = o.url;
  v.fetched_at = o.fetched_at;
  v.digest = o.digest;
  v.title = o.title;
  v.published = o.published;
  v.source = o.source;
  v.language = o.language;
  v.archive = o.archive;
  v.words_added = o.words;
  v.excerpt = o.lead;
  // An edit: the words it changed (both versions read back when not at hand).
  std::optional<NormalisedArticle> self;
  const bool needs_self = prev || (next < known.size() && known[next].digest != o.digest);
  if (needs_self) self = article ? NormaliseArticle(*article) : Load(o.archive);
  if (prev && self) {
    if (auto before = Load(prev->archive)) Summarise(*before, *self, &v);
  }

  if (next < known.size() && known[next].digest == o.digest) {
    // A later version was first seen earlier, by this fetch.
    v.version = known[next].version;
    Status st = catalogue_->UpdateVersion(v);
    if (!st.ok()) return st;
    return Outcome{false, v.version};
  }
  v.version = prev ? prev->version + 1 : 1;
  Status st = catalogue_->InsertVersion(v);
  if (!st.ok()) return st;
  if (next < known.size()) {
    // The version after this one is now measured against it.
    ArticleVersion after = known[next];
    after.version += 1;
    auto later = Load(after.archive);
    if (self && later) {
      Summarise(*self, *later, &after);
      st = catalogue_->UpdateVersion(after);
      if (!st.ok()) return st;
    }
  }
  return Outcome{true, v.version};
}

Status VersionLog::RecordSpool(bool clear, VersionSpool& spool) {
  Status st = catalogue_->Begin();
  if (!st.ok()) return st;
  if (clear) st = catalogue_->ClearVersions();
  if (st.ok()) {
    st = spool.ForEachSorted([&](const VersionObservation& o) { return Record(o).status(); });
  }
  if (!st.ok()) {
    (void)catalogue_->Rollback();
    return st;
  }
  return catalogue_->Commit();
}

Status VersionLog::RecordAll(VersionSpool& spool) {
  return RecordSpool(false, spool);
}

Status VersionLog::Rebuild(VersionSpool& spool) {
  return RecordSpool(true, spool);
}

bool VersionLog::Removed(const std::string& url) {
  return catalogue_->Removed(url).has_value();
}

std::set<std::string> VersionLog::RemovedUrls() {
  std::set<std::string> urls;
  for (RemovalState& r : catalogue_->RemovedArticles()) urls.insert(std::move(r.url));
  return urls;
}

}  // namespace pressarc
