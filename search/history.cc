// `history` and `changes`: the versions of an article with their word diffs,
// and the change log, as structs and as text and JSON (search.h).
#include <algorithm>
#include <atomic>
#include <cctype>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "config/iso_time.h"
#include "indexer/indexer.h"
#include "search/json_util.h"
#include "search/search.h"

namespace pressarc::search {
namespace {

using internal::Dump;
using internal::Json;
using internal::NullIfEmpty;

std::string StateDb(const std::string& data_dir) {
  return data_dir + "/state.sqlite";
}

// The canonical URL of `url_or_id`: through the index (ids, and any URL of
// an indexed article), else the URL itself when the catalogue has versions
// of it.
Result<std::string> ResolveArticle(const std::string& data_dir, Catalogue* catalogue,
                                   std::string_view url_or_id) {
  Status why;
  auto searcher = Searcher::Open(data_dir);
  if (searcher.ok()) {
    auto article = (*searcher)->Show(url_or_id);
    if (article.ok()) return article->canonical_url;
    if (article.status().code() == Status::Code::kUsage) return article.status();
    why = article.status();
  } else {
    why = searcher.status();
  }
  const std::string url = NormalizeUrl(url_or_id);
  if (catalogue && !url.empty() && !catalogue->Versions(url).empty()) return url;
  return why;
}

// Reads and extracts each version's record, on up to one thread per core
// (the converter is shared: it is immutable).
void LoadArticles(const RecordConverter& converter, const std::string& archive_dir,
                  std::vector<VersionView>* views) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < views->size();) {
      (*views)[i].article =
          LoadArchivedArticle(converter, archive_dir, (*views)[i].version.archive);
    }
  };
  const std::size_t threads =
      std::min<std::size_t>(views->size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace

Result<ArticleHistory> LoadHistory(const std::string& data_dir, const RecordConverter& converter,
                                   std::string_view url_or_id, const HistoryOptions& options) {
  auto opened = Catalogue::OpenReadOnly(StateDb(data_dir));
  Catalogue* catalogue = opened.ok() ? opened->get() : nullptr;
  auto url = ResolveArticle(data_dir, catalogue, url_or_id);
  if (!url.ok()) return url.status();
  ArticleHistory h;
  h.url = *url;
  h.id = DocumentId(h.url);
  std::vector<ArticleVersion> versions;
  if (catalogue) versions = catalogue->Versions(h.url);
  if (versions.empty()) {
    return Status::Runtime("no versions of " + h.url + " in the catalogue",
                           "versions are recorded by crawl and import; run pressarc reindex to "
                           "make them from the archive");
  }
  h.total = static_cast<int>(versions.size());
  if (std::optional<RemovalState> gone = catalogue->Removed(h.url)) {
    h.status = "removed";
    h.removed_at = gone->removed_at;
  }
  if (options.only > h.total || options.only < 0) {
    return Status::Usage("--version " + std::to_string(options.only) + ": " + h.url + " has " +
                         std::to_string(h.total) + " version(s)");
  }
  for (auto& v : versions) {
    if (options.only > 0 && v.version != options.only) continue;
    h.versions.push_back(VersionView{std::move(v), std::nullopt, std::nullopt});
  }
  LoadArticles(converter, data_dir + "/archive", &h.versions);
  for (std::size_t i = 1; options.only == 0 && i < h.versions.size(); ++i) {
    VersionView& view = h.versions[i];
    if (h.versions[i - 1].article && view.article) {
      view.diff = ArticleDiff(*h.versions[i - 1].article, *view.article);
    }
  }
  return h;
}

// ---- history: text ----------------------------------------------------------

namespace {

struct Style {
  std::string del_on, ins_on, head_on, off;
};

Style StyleFor(const FormatOptions& options) {
  if (!options.color) return {};
  return {"\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m"};
}

// Paragraph breaks inside a line of diff.
std::string Inline(const std::string& text) {
  std::string out;
  std::size_t from = 0;
  for (std::size_t at; (at = text.find("\n\n", from)) != std::string::npos; from = at + 2) {
    out.append(text, from, at - from).append(" ¶ ");
  }
  out.append(text, from, std::string::npos);
  return out;
}

// The first or last `n` words of an equal run (false in *all when cut).
std::string Words(const std::string& text, std::size_t n, bool tail, bool* all) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  *all = words.size() <= n;
  std::size_t from = tail && !*all ? words.size() - n : 0;
  std::size_t to = !tail && !*all ? n : words.size();
  std::string out;
  for (std::size_t k = from; k < to; ++k) out += (out.empty() ? "" : " ") + words[k];
  return out;
}

// One space between words (joined runs and ¶ marks meet with two).
std::string SingleSpaced(const std::string& line) {
  std::string out;
  for (char c : line) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Hunks of changes with `context` words around them, one per line.
std::string DiffText(const std::vector<DiffSegment>& diff, std::size_t context, const Style& st) {
  std::string out;
  std::string line;
  bool open = false;  // a hunk is being written
  for (std::size_t i = 0; i < diff.size(); ++i) {
    const DiffSegment& seg = diff[i];
    if (seg.op == DiffOp::kDelete) {
      line += st.del_on + "[-" + Inline(seg.text) + "-]" + st.off;
      open = true;
    } else if (seg.op == DiffOp::kInsert) {
      line += st.ins_on + "{+" + Inline(seg.text) + "+}" + st.off;
      open = true;
    } else {
      bool all = false;
      const bool last = i + 1 == diff.size();
      if (open) {
        // Close the hunk, unless the next change is near enough to join it.
        (void)Words(seg.text, 2 * context, false, &all);
        if (all && !last) {
          line += " " + Inline(seg.text) + " ";
          continue;
        }
        const std::string head = Words(seg.text, context, false, &all);
        line += " " + head + (all ? "" : " …");
        out += "  " + SingleSpaced(line) + "\n";
        line.clear();
        open = false;
      }
      if (!last) {
        std::string tail = Words(seg.text, context, true, &all);
        line = (all ? "" : "… ") + Inline(tail) + (tail.empty() ? "" : " ");
      }
    }
  }
  if (open) out += "  " + SingleSpaced(line) + "\n";
  return out;
}

std::string VersionHeader(const VersionView& view, const ArticleHistory& h, const Style& st) {
  const ArticleVersion& v = view.version;
  std::string out = st.head_on + "version " + std::to_string(v.version) + " of " +
                    std::to_string(h.total) + st.off + " · fetched " + v.fetched_at + " · " +
                    v.archive.file + " @ " + std::to_string(v.archive.offset) + "\n";
  out += "  " + (v.title.empty() ? "(untitled)" : v.title) + "\n";
  out += "  published " + (v.published.empty() ? "unknown" : v.published) + " · " + v.digest + "\n";
  return out;
}

}  // namespace

std::string FormatHistoryText(const ArticleHistory& h, const FormatOptions& options,
                              std::size_t context_words) {
  const Style st = StyleFor(options);
  std::string out = h.url + "\n" + "id " + h.id + " · " + std::to_string(h.total) +
                    " version(s) · " + h.status +
                    (h.removed_at.empty() ? "" : " since " + h.removed_at) + "\n";
  const ArticleVersion* previous = nullptr;
  for (const VersionView& view : h.versions) {
    out += "\n" + VersionHeader(view, h, st);
    const ArticleVersion& v = view.version;
    if (h.versions.size() == 1 && h.total > 1 && view.article) {
      // One version asked for: printed whole.
      out += "\n" + view.article->text + "\n";
    } else if (v.version == 1) {
      if (h.total == 1 && view.article) out += "\n" + view.article->text + "\n";
    } else if (view.diff) {
      if (previous && previous->published != v.published) {
        out += "  date " + st.del_on + "[-" + previous->published + "-]" + st.off + st.ins_on +
               "{+" + v.published + "+}" + st.off + "\n";
      }
      out += "  " + std::to_string(v.words_added) + " word(s) added, " +
             std::to_string(v.words_removed) + " removed\n";
      out += DiffText(*view.diff, context_words, st);
    } else if (!view.article) {
      out += "  (its archived record could not be read)\n";
    }
    previous = &v;
  }
  return out;
}

// ---- history: JSON ----------------------------------------------------------

std::string FormatHistoryJson(const ArticleHistory& h) {
  Json o;
  o["id"] = h.id;
  o["url"] = h.url;
  o["status"] = h.status;
  o["removed_at"] = NullIfEmpty(h.removed_at);
  Json versions = Json::array();
  const bool alone = h.versions.size() == 1 && h.total > 1;
  for (const VersionView& view : h.versions) {
    const ArticleVersion& v = view.version;
    Json j;
    j["version"] = v.version;
    j["fetched_at"] = v.fetched_at;
    j["title"] = v.title;
    j["published"] = NullIfEmpty(v.published);
    j["digest"] = v.digest;
    j["archive"] = {{"file", v.archive.file}, {"offset", v.archive.offset}};
    j["words_added"] = v.words_added;
    j["words_removed"] = v.words_removed;
    if (view.diff) {
      Json ops = Json::array();
      for (const DiffSegment& seg : *view.diff) {
        const char* op = seg.op == DiffOp::kEqual    ? "equal"
                         : seg.op == DiffOp::kInsert ? "insert"
                                                     : "delete";
        ops.push_back({{"op", op}, {"text", seg.text}});
      }
      j["diff"] = std::move(ops);
    } else {
      j["diff"] = nullptr;
    }
    if ((alone || h.total == 1) && view.article) j["text"] = view.article->text;
    versions.push_back(std::move(j));
  }
  o["versions"] = std::move(versions);
  return Dump(o) + "\n";
}

// ---- changes ----------------------------------------------------------------

Result<std::string> ParseSince(std::string_view text, std::int64_t now) {
  const std::string t(text);
  if (ParseIsoDay(t)) return t + "T00:00:00Z";
  auto bad = [&] {
    return Status::Usage("bad --since '" + t + "'",
                         "give a UTC day (2024-05-01) or a duration (7d, 24h, 30m, 2w)");
  };
  if (t.size() < 2 || t.size() > 12) return bad();
  const char unit = t.back();
  std::int64_t n = 0;
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return bad();
    n = n * 10 + (t[i] - '0');
  }
  std::int64_t seconds = 0;
  switch (unit) {
    case 'w':
      seconds = n * 7 * 86400;
      break;
    case 'd':
      seconds = n * 86400;
      break;
    case 'h':
      seconds = n * 3600;
      break;
    case 'm':
      seconds = n * 60;
      break;
    default:
      return bad();
  }
  return IsoUtc(std::max<std::int64_t>(0, now - seconds));
}

namespace {

bool Wants(const ChangeFilter& filter, ChangeKind kind) {
  return filter.kinds.empty() ||
         std::find(filter.kinds.begin(), filter.kinds.end(), kind) != filter.kinds.end();
}

bool FromSource(const ChangeFilter& filter, const std::string& source) {
  return filter.sources.empty() ||
         std::find(filter.sources.begin(), filter.sources.end(), source) != filter.sources.end();
}

// The removal and restoration events that pass the filter, described by the
// article's last version (the removal is keyed by the fetched URL; its
// frontier row knows the canonical URL when they differ).
std::vector<ChangeEvent> RemovalChanges(Catalogue* catalogue, const ChangeFilter& filter) {
  std::vector<ChangeEvent> out;
  if (!Wants(filter, ChangeKind::kRemoved) && !Wants(filter, ChangeKind::kRestored)) return out;
  std::map<std::string, std::optional<ArticleVersion>> last;  // by URL
  for (RemovalEvent& r : catalogue->RemovalEvents(filter.since)) {
    const std::optional<ChangeKind> kind = ParseChangeKind(r.kind);
    if (!kind || !Wants(filter, *kind) || !FromSource(filter, r.source)) continue;
    auto it = last.find(r.url);
    if (it == last.end()) {
      std::vector<ArticleVersion> versions = catalogue->Versions(r.url);
      PageState page;
      if (versions.empty() && catalogue->Lookup(r.url, &page) && !page.canonical.empty()) {
        versions = catalogue->Versions(page.canonical);
      }
      it = last.emplace(r.url,
                        versions.empty() ? std::nullopt : std::optional(std::move(versions.back())))
               .first;
    }
    ChangeEvent e;
    e.kind = *kind;
    e.at = std::move(r.at);
    e.url = it->second ? it->second->url : r.url;
    e.source = std::move(r.source);
    if (it->second) {
      e.title = it->second->title;
      e.language = it->second->language;
      e.version = it->second->version;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Result<std::vector<ChangeEvent>> LoadChanges(const std::string& data_dir,
                                             const ChangeFilter& filter) {
  auto catalogue = Catalogue::OpenReadOnly(StateDb(data_dir));
  if (!catalogue.ok()) return std::vector<ChangeEvent>{};
  std::vector<ChangeEvent> events = (*catalogue)->VersionChanges(filter);
  std::vector<ChangeEvent> removals = RemovalChanges(catalogue->get(), filter);
  std::move(removals.begin(), removals.end(), std::back_inserter(events));
  // Newest first; on a tie by URL, then the later version, then a removal
  // or restoration after the version it concerns.
  std::stable_sort(events.begin(), events.end(), [](const ChangeEvent& a, const ChangeEvent& b) {
    if (a.at != b.at) return a.at > b.at;
    if (a.url != b.url) return a.url < b.url;
    if (a.version != b.version) return a.version > b.version;
    return a.kind > b.kind;
  });
  if (filter.limit > 0 && events.size() > filter.limit) events.resize(filter.limit);
  return events;
}

namespace {

Json EventJson(const ChangeEvent& e) {
  Json o;
  o["kind"] = std::string(ChangeKindName(e.kind));
  o["at"] = e.at;
  o["id"] = DocumentId(e.url);
  o["url"] = e.url;
  o["title"] = e.title;
  o["source"] = e.source;
  o["language"] = e.language;
  o["version"] = e.version;
  o["words_added"] = e.words_added;
  o["words_removed"] = e.words_removed;
  o["excerpt"] = e.excerpt;
  return o;
}

std::string EventText(const ChangeEvent& e, const Style& st) {
  std::string out = e.at + "  " + st.head_on + std::string(ChangeKindName(e.kind)) + st.off;
  out += "  v" + std::to_string(e.version);
  if (e.kind == ChangeKind::kEdited) {
    out += "  +" + std::to_string(e.words_added) + " -" + std::to_string(e.words_removed);
  }
  out += "  " + e.source + "  " + (e.title.empty() ? "(untitled)" : e.title) + "\n";
  out += "    " + e.url + "\n";
  if (!e.excerpt.empty()) out += "    " + e.excerpt + "\n";
  return out;
}

}  // namespace

std::string FormatChanges(const std::vector<ChangeEvent>& events, OutputFormat format,
                          const FormatOptions& options) {
  if (format == OutputFormat::kJson) {
    Json arr = Json::array();
    for (const auto& e : events) arr.push_back(EventJson(e));
    return Dump(arr) + "\n";
  }
  std::string out;
  if (format == OutputFormat::kJsonl) {
    for (const auto& e : events) out += Dump(EventJson(e)) + "\n";
    return out;
  }
  const Style st = StyleFor(options);
  for (const auto& e : events) out += EventText(e, st);
  if (events.empty()) out = "no changes\n";
  return out;
}

}  // namespace pressarc::search
