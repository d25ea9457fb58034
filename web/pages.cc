// The HTML pages. Every value goes through EscapeHtml (text and attribute
// values) or EncodeUrlComponent (inside URLs); markup is only ever written
// from literals here.
#include "web/pages.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "indexer/indexer.h"
#include "web/original.h"
#include "web/web.h"

namespace pressarc::web::internal {

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::string E(std::string_view s) {
  return EscapeHtml(s);
}

// A language code fit for a lang attribute ("" when it is not one).
std::string LangAttr(std::string_view lang) {
  if (lang.empty() || lang.size() > 12) return "";
  for (char c : lang) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return "";
  }
  return " lang=\"" + std::string(lang) + "\"";
}

std::string ArticleUrl(std::string_view id) {
  return "/articles/" + EncodeUrlComponent(id);
}

// The search URL for `options` changed by `change` (paging reset unless kept).
template <typename Change>
std::string LinkWith(const search::SearchOptions& options, Change change) {
  search::SearchOptions o = options;
  o.offset = 0;
  change(o);
  return E(SearchUrl(SearchParams(o)));
}

std::string Checked(bool on) {
  return on ? " checked" : "";
}

std::string Selected(bool on) {
  return on ? " selected" : "";
}

std::string Form(const search::SearchOptions* o) {
  search::SearchOptions none;
  const search::SearchOptions& f = o ? *o : none;
  std::string h = "<form class=\"search\" method=\"get\" action=\"/\" role=\"search\">";
  h += "<input type=\"search\" name=\"q\" value=\"" + E(f.query) +
       "\" aria-label=\"Search the archive\" placeholder=\"Search press releases\">";
  // Filters ride along as hidden fields, so a new query keeps them.
  for (const auto& l : f.languages)
    h += "<input type=\"hidden\" name=\"lang\" value=\"" + E(l) + "\">";
  for (const auto& s : f.sources)
    h += "<input type=\"hidden\" name=\"source\" value=\"" + E(s) + "\">";
  if (!f.from.empty()) h += "<input type=\"hidden\" name=\"from\" value=\"" + E(f.from) + "\">";
  if (!f.to.empty()) h += "<input type=\"hidden\" name=\"to\" value=\"" + E(f.to) + "\">";
  h += "<label><input type=\"checkbox\" name=\"exact\" value=\"1\"" + Checked(f.exact) +
       "> exact words</label>";
  h += "<label><input type=\"checkbox\" name=\"any\" value=\"1\"" + Checked(f.match_any) +
       "> any word</label>";
  h += "<select name=\"sort\" aria-label=\"Order\">";
  h += "<option value=\"relevance\"" + Selected(f.sort == search::SortOrder::kRelevance) +
       ">best match</option>";
  h += "<option value=\"newest\"" + Selected(f.sort == search::SortOrder::kNewest) +
       ">newest</option>";
  h += "<option value=\"oldest\"" + Selected(f.sort == search::SortOrder::kOldest) +
       ">oldest</option></select>";
  h += "<button type=\"submit\">Search</button></form>";
  return h;
}

std::string Linked(const std::vector<search::LinkedDocument>& docs, bool by_source) {
  std::string h;
  for (const auto& d : docs) {
    if (!h.empty()) h += ", ";
    h += "<a href=\"" + E(ArticleUrl(d.id)) + "\"" + LangAttr(d.language) + ">" +
         E(by_source ? d.source : d.language) + "</a>";
  }
  return h;
}

std::string Hit(const search::SearchHit& hit) {
  std::string h = "<article class=\"hit\"" + LangAttr(hit.language) + ">";
  h += "<h2><a href=\"" + E(ArticleUrl(hit.id)) + "\">" +
       E(hit.title.empty() ? hit.url : hit.title) + "</a></h2>";
  h += "<p class=\"meta\">";
  if (!hit.published.empty()) h += "<time>" + E(hit.published.substr(0, 10)) + "</time> · ";
  h += E(hit.source) + " · " + E(hit.language.empty() ? "?" : hit.language) + " · " + E(hit.url);
  if (hit.status == "removed") h += " · <span class=\"removed\" lang=\"en\">removed</span>";
  h += "</p>";
  h += "<p class=\"snippet\">" + SnippetHtml(hit.snippet) + "</p>";
  if (!hit.translations.empty()) {
    h += "<p class=\"linked\" lang=\"en\">Other languages: " + Linked(hit.translations, false) +
         "</p>";
  }
  if (!hit.copies.empty()) {
    h += "<p class=\"linked\" lang=\"en\">Also published by: " + Linked(hit.copies, true) + "</p>";
  }
  return h + "</article>";
}

// One facet list; `link` makes the URL that adds the filter.
template <typename Link>
std::string FacetList(std::string_view title, const std::vector<search::FacetValue>& values,
                      Link link) {
  if (values.empty()) return "";
  std::string h = "<h2>" + std::string(title) + "</h2><ul>";
  for (const auto& v : values) {
    h += "<li><a href=\"" + link(v.value) + "\">" + E(v.value) + "</a><span class=\"count\">" +
         std::to_string(v.count) + "</span></li>";
  }
  return h + "</ul>";
}

bool ValidMonth(std::string_view m) {
  return m.size() == 7 && m[4] == '-' &&
         std::all_of(m.begin(), m.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

std::string LastDay(std::string_view month) {
  const int y = std::stoi(std::string(month.substr(0, 4)));
  const int m = std::stoi(std::string(month.substr(5, 2)));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int d = (m >= 1 && m <= 12) ? kDays[m - 1] : 28;
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) d = 29;
  return std::string(month) + "-" + std::to_string(d);
}

// "YYYY-MM" → months since year 0, and back.
int MonthIndex(std::string_view m) {
  return std::stoi(std::string(m.substr(0, 4))) * 12 + std::stoi(std::string(m.substr(5, 2))) - 1;
}

std::string MonthName(int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", index / 12, index % 12 + 1);
  return buf;
}

// Matches per month as bars on a continuous time axis (months without
// matches are empty slots); each bar links to its month.
std::string Histogram(const search::SearchOptions& asked,
                      const std::vector<search::FacetValue>& months) {
  std::map<int, std::uint64_t> counts;
  for (const auto& m : months) {
    if (ValidMonth(m.value)) counts[MonthIndex(m.value)] += m.count;
  }
  if (counts.size() < 2) return "";
  const int first = counts.begin()->first, last = counts.rbegin()->first;
  if (last - first > 600) return "";  // fifty years of bars would be unreadable
  std::uint64_t max = 0;
  for (const auto& [month, count] : counts) max = std::max(max, count);
  std::string h = "<h2>Matches per month</h2><div class=\"histogram\">";
  for (int index = first; index <= last; ++index) {
    const std::string month = MonthName(index);
    auto it = counts.find(index);
    if (it == counts.end()) {
      h += "<span class=\"h0\"></span>";
      continue;
    }
    const auto step = std::max<std::uint64_t>(1, (it->second * 20 + max - 1) / max);
    const std::string label = month + ": " + std::to_string(it->second);
    h += "<a class=\"h" + std::to_string(step) + "\" href=\"" +
         LinkWith(asked,
                  [&](search::SearchOptions& o) {
                    o.from = month + "-01";
                    o.to = LastDay(month);
                  }) +
         "\" title=\"" + E(label) + "\" aria-label=\"" + E(label) + "\"></a>";
  }
  h += "</div><div class=\"histogram-range\"><span>" + MonthName(first) + "</span><span>" +
       MonthName(last) + "</span></div>";
  return h;
}

// The query with its status: filter (if any) replaced by status:VALUE. The
// web has no status parameter: the facet filters through the query
// language, as `search 'status:removed'` does.
std::string WithStatus(std::string_view query, std::string_view status) {
  std::string out;
  std::size_t i = 0;
  while (i < query.size()) {
    std::size_t end = query.find(' ', i);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view word = query.substr(i, end - i);
    if (!word.empty() && !word.starts_with("status:")) {
      if (!out.empty()) out += ' ';
      out.append(word);
    }
    i = end + 1;
  }
  if (!out.empty()) out += ' ';
  return out + "status:" + std::string(status);
}

std::string Facets(const search::SearchOptions& asked, const search::Facets& f) {
  std::string h = "<aside aria-label=\"Refine\">";
  h += Histogram(asked, f.months);
  h += FacetList("Source", f.sources, [&](const std::string& v) {
    return LinkWith(asked, [&](search::SearchOptions& o) { o.sources = {v}; });
  });
  h += FacetList("Language", f.languages, [&](const std::string& v) {
    return LinkWith(asked, [&](search::SearchOptions& o) { o.languages = {v}; });
  });
  h += FacetList("Year", f.years, [&](const std::string& v) {
    return LinkWith(asked, [&](search::SearchOptions& o) {
      o.from = v + "-01-01";
      o.to = v + "-12-31";
    });
  });
  h += FacetList("Status", f.statuses, [&](const std::string& v) {
    return LinkWith(asked, [&](search::SearchOptions& o) { o.query = WithStatus(o.query, v); });
  });

  if (f.approximate) h += "<p class=\"note\">Counts estimated from a sample of the matches.</p>";
  return h + "</aside>";
}

// The filters in force, each with a link that removes it.
std::string ActiveFilters(const search::SearchOptions& asked) {
  std::string h;
  auto add = [&](const std::string& label, const std::string& url) {
    h += "<a href=\"" + url + "\" title=\"remove this filter\">" + E(label) + " ✕</a>";
  };
  for (const auto& l : asked.languages) {
    add("language: " + l,
        LinkWith(asked, [&](search::SearchOptions& o) { std::erase(o.languages, l); }));
  }
  for (const auto& s : asked.sources) {
    add("source: " + s,
        LinkWith(asked, [&](search::SearchOptions& o) { std::erase(o.sources, s); }));
  }
  if (!asked.from.empty() || !asked.to.empty()) {
    add("dates: " + (asked.from.empty() ? "…" : asked.from) + " to " +
            (asked.to.empty() ? "…" : asked.to),
        LinkWith(asked, [](search::SearchOptions& o) { o.from = o.to = ""; }));
  }
  return h.empty() ? "" : "<p class=\"filters\">" + h + "</p>";
}

std::string Pager(const search::SearchOptions& asked, const search::SearchResponse& r) {
  std::string h;
  auto page_link = [&](std::uint32_t offset, const char* label, const char* rel) {
    search::SearchOptions o = asked;
    o.offset = offset;
    h += "<a rel=\"" + std::string(rel) + "\" href=\"" + E(SearchUrl(SearchParams(o))) + "\">" +
         label + "</a>";
  };
  if (asked.offset > 0)
    page_link(asked.offset > asked.limit ? asked.offset - asked.limit : 0, "← Previous", "prev");
  const std::uint64_t shown_to = std::uint64_t{asked.offset} + r.hits.size();
  if (shown_to < r.total && r.hits.size() == asked.limit) {
    page_link(static_cast<std::uint32_t>(shown_to), "Next →", "next");
  }
  return h.empty() ? "" : "<nav class=\"pager\" aria-label=\"Pages\">" + h + "</nav>";
}

// ---- versions ---------------------------------------------------------------

// Words of a diff segment; a paragraph break is a "¶" word of its own.
std::vector<std::string> DiffWords(const std::string& text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "\n\n") == 0) {
      words.emplace_back("¶");
      i += 2;
      continue;
    }
    if (text[i] == ' ' || text[i] == '\n') {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
    words.push_back(text.substr(start, i - start));
  }
  return words;
}

std::string JoinWords(const std::vector<std::string>& words, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t k = from; k < to; ++k) out += (out.empty() ? "" : " ") + words[k];
  return out;
}

std::string Change(const DiffSegment& seg) {
  const std::vector<std::string> parts = DiffWords(seg.text);
  const std::string words = E(JoinWords(parts, 0, parts.size()));
  return seg.op == DiffOp::kDelete ? "<del>" + words + "</del>" : "<ins>" + words + "</ins>";
}

std::string VersionsSection(const search::ArticleHistory& h) {
  std::string b = "<section class=\"versions\" lang=\"en\" aria-labelledby=\"versions\">";
  b += "<h2 id=\"versions\">Versions (" + std::to_string(h.total) +
       ")</h2><p class=\"legend\">Removed words are struck through and marked "
       "<del>like this</del>, added words underlined and marked <ins>like this</ins>.</p><ol>";
  const ArticleVersion* previous = nullptr;
  for (const search::VersionView& view : h.versions) {
    const ArticleVersion& v = view.version;
    b += "<li id=\"v" + std::to_string(v.version) + "\"><h3>Version " + std::to_string(v.version) +
         " · fetched <time>" + E(v.fetched_at) + "</time> · <a href=\"" +
         E(ArchiveUrl(h.id, v.version)) + "\">as archived</a></h3>";
    if (!previous || previous->title != v.title) {
      b += "<p class=\"meta\">Title: " + E(v.title.empty() ? "(untitled)" : v.title) + "</p>";
    }
    if (previous && previous->published != v.published) {
      b += "<p class=\"meta\">Published: <del>" + E(previous->published) + "</del> <ins>" +
           E(v.published) + "</ins></p>";
    }
    if (!view.article) {
      b += "<p class=\"meta\">Its archived record could not be read.</p>";
    } else if (view.diff) {
      b += "<p class=\"meta\">" + std::to_string(v.words_added) + " word(s) added, " +
           std::to_string(v.words_removed) + " removed</p>";
      b += "<div class=\"diff\">" + DiffHtml(*view.diff) + "</div>";
    } else if (!previous) {
      b += "<p class=\"meta\">The first archived version.</p>";
    }
    b += "</li>";
    previous = &v;
  }
  return b + "</ol></section>";
}

// ---- changes ------------------------------------------------------------------

std::string EventHtml(const ChangeEvent& e) {
  const std::string kind(ChangeKindName(e.kind));
  std::string h = "<li class=\"event\"" + LangAttr(e.language) + "><p class=\"meta\" lang=\"en\">";
  h += "<time>" + E(e.at) + "</time> · <span class=\"kind kind-" + kind + "\">" + kind +
       "</span> · version " + std::to_string(e.version);
  if (e.kind == ChangeKind::kEdited) {
    h += " · +" + std::to_string(e.words_added) + " −" + std::to_string(e.words_removed) + " words";
  }
  h += " · " + E(e.source) + "</p>";
  h += "<h2><a href=\"" + E(ArticleUrl(DocumentId(e.url))) +
       (e.kind == ChangeKind::kEdited ? "#v" + std::to_string(e.version) : std::string()) + "\">" +
       E(e.title.empty() ? e.url : e.title) + "</a></h2>";
  h += "<p class=\"meta\">" + E(e.url) + "</p>";
  if (!e.excerpt.empty()) h += "<p class=\"excerpt\">" + E(e.excerpt) + "</p>";
  return h + "</li>";
}

std::string ChangesForm(const Params& params) {
  std::string since;
  std::vector<std::string> sources, kinds;
  for (const auto& [name, value] : params) {
    if (name == "since") since = value;
    if (name == "source" && !value.empty()) sources.push_back(value);
    if (name == "kind" && !value.empty()) kinds.push_back(value);
  }
  std::string h = "<form class=\"changes\" method=\"get\" action=\"/changes\">";
  h += "<label>Since <input name=\"since\" value=\"" + E(since) +
       "\" placeholder=\"2024-05-01 or 7d\" size=\"12\"></label>";
  h += "<label>Source <input name=\"source\" value=\"" +
       E(sources.empty() ? std::string() : sources.front()) + "\" size=\"12\"></label>";
  for (std::size_t i = 1; i < sources.size(); ++i) {
    h += "<input type=\"hidden\" name=\"source\" value=\"" + E(sources[i]) + "\">";
  }
  for (const char* kind : {"new", "edited", "removed", "restored"}) {
    const bool on = std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
    h += "<label><input type=\"checkbox\" name=\"kind\" value=\"" + std::string(kind) + "\"" +
         Checked(on) + "> " + kind + "</label>";
  }
  return h + "<button type=\"submit\">Show</button></form>";
}

}  // namespace

std::string Page(std::string_view title, const search::SearchOptions* form,
                 std::string_view body_html) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"referrer\" content=\"no-referrer\"><title>";
  h += E(title);
  h += " · pressarc</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head><body>";
  h += "<header><a class=\"home\" href=\"/\">pressarc</a><nav aria-label=\"Site\"><a "
       "href=\"/\">Search</a> <a href=\"/changes\">Changes</a></nav>" +
       Form(form) + "</header><main>";
  h += body_html;
  h += "</main></body></html>\n";
  return h;
}

std::string HomePage(std::uint64_t documents) {
  return Page("Search", nullptr,
              "<p class=\"summary\">Search " + std::to_string(documents) +
                  " archived press releases. Words are all required; use \"quotes\" for a "
                  "phrase, OR, -word, word*, title:word, source:NAME, lang:az and date ranges "
                  "such as 2023-01..2023-06.</p>");
}

std::string SearchPage(const search::SearchOptions& asked, const search::SearchResponse& r) {
  std::string body;
  if (r.suggestion) {
    body += "<p class=\"suggestion\">Did you mean <a href=\"" +
            LinkWith(asked, [&](search::SearchOptions& o) { o.query = *r.suggestion; }) + "\">" +
            E(*r.suggestion) + "</a>?</p>";
  }
  body += ActiveFilters(asked);
  body += "<div class=\"layout\"><section aria-label=\"Results\">";
  body += "<p class=\"summary\">" + std::string(r.total_estimated ? "about " : "") +
          std::to_string(r.total) + (r.total == 1 ? " result" : " results");
  if (!r.hits.empty()) {
    body += ", " + std::to_string(r.hits.front().rank) + "–" + std::to_string(r.hits.back().rank);
  }
  body += "</p>";
  for (const auto& hit : r.hits) body += Hit(hit);
  body += Pager(asked, r);
  body += "</section>";
  if (r.facets) body += Facets(asked, *r.facets);
  body += "</div>";
  const std::string title = asked.query.empty() ? "Filtered results" : asked.query;
  return Page(title, &asked, body);
}

std::string ArticlePage(const search::StoredArticle& a, const search::ArticleHistory* history,
                        std::string_view history_error) {
  const bool versions = history && history->total > 1 && history->versions.size() > 1;
  std::string b = "<article class=\"full\"" + LangAttr(a.language) + ">";
  b += "<h1>" + E(a.title.empty() ? a.canonical_url : a.title) + "</h1>";
  std::string removed_at = a.removed_at;
  if (history && removed_at.empty()) removed_at = history->removed_at;
  if (a.status == "removed" || (history && history->status == "removed")) {
    b += "<p class=\"removed\" role=\"status\" lang=\"en\">This article was removed from its site" +
         (removed_at.empty() ? std::string() : " on <time>" + E(removed_at) + "</time>") +
         "; the archive keeps what it published.</p>";
  }
  b += "<dl lang=\"en\">";
  auto row = [&](const char* name, const std::string& value_html) {
    b += "<dt>" + std::string(name) + "</dt><dd>" + value_html + "</dd>";
  };
  row("Published", E(a.published.empty() ? "unknown" : a.published));
  row("Source", E(a.source));
  row("Language", E(a.language.empty() ? "unknown" : a.language));
  row("URL", E(a.canonical_url));
  if (!a.fetched_at.empty()) row("Archived", E(a.fetched_at));
  if (versions) {
    row("Versions", std::to_string(history->total) + ", <a href=\"#versions\">compared below</a>");
  } else if (a.versions > 1 && !history_error.empty()) {
    row("Versions", std::to_string(a.versions) + " (cannot be shown: " + E(history_error) + ")");
  }
  row("Original", "<a href=\"" + E(ArchiveUrl(a.id)) +
                      "\">the page as it was archived</a> · <a href=\"/api/articles/" +
                      E(EncodeUrlComponent(a.id)) + "\">JSON</a>");
  if (!a.translations.empty()) row("Other languages", Linked(a.translations, false));
  if (!a.copies.empty()) row("Also published by", Linked(a.copies, true));
  b += "</dl><div class=\"text\">";
  std::size_t start = 0;
  while (start <= a.text.size()) {
    std::size_t end = a.text.find("\n\n", start);
    if (end == std::string::npos) end = a.text.size();
    if (end > start) b += "<p>" + E(a.text.substr(start, end - start)) + "</p>";
    start = end + 2;
  }
  b += "</div>";
  if (versions) b += VersionsSection(*history);
  b += "</article>";
  b += "<p class=\"meta\" lang=\"en\"><a href=\"/api/articles/" + E(EncodeUrlComponent(a.id)) +
       "/history\">History as JSON</a></p>";
  return Page(a.title.empty() ? a.canonical_url : a.title, nullptr, b);
}

std::string DiffHtml(const std::vector<DiffSegment>& diff, std::size_t context) {
  std::string out, hunk;
  bool open = false;  // a passage with a change is being written
  for (std::size_t i = 0; i < diff.size(); ++i) {
    const DiffSegment& seg = diff[i];
    if (seg.op != DiffOp::kEqual) {
      hunk += (hunk.empty() || hunk.back() == ' ' ? "" : " ") + Change(seg);
      open = true;
      continue;
    }
    const std::vector<std::string> words = DiffWords(seg.text);
    const bool last = i + 1 == diff.size();
    if (open) {
      if (!last && words.size() <= 2 * context + 2) {  // near the next change: one passage
        hunk += " " + E(JoinWords(words, 0, words.size())) + " ";
        continue;
      }
      const std::size_t n = std::min(context, words.size());
      hunk += " " + E(JoinWords(words, 0, n)) + (n < words.size() ? " …" : "");
      out += "<p class=\"hunk\">" + hunk + "</p>";
      hunk.clear();
      open = false;
    }
    if (!last) {
      const std::size_t from = words.size() > context ? words.size() - context : 0;
      hunk = (from > 0 ? "… " : "") + E(JoinWords(words, from, words.size())) + " ";
    }
  }
  if (open) out += "<p class=\"hunk\">" + hunk + "</p>";
  return out;
}

std::string ChangesPage(const Params& params, const std::vector<ChangeEvent>& events, bool more) {
  std::string b = "<h1>Changes</h1>" + ChangesForm(params);
  b += "<p class=\"summary\">" + std::to_string(events.size()) +
       (events.size() == 1 ? " event" : " events") + ", newest first";
  if (more) b += " (the newest only: narrow the filters, or raise limit=)";
  b += " · <a href=\"" + E(SearchUrl(params, "/api/changes")) + "\">JSON</a></p>";
  if (events.empty()) b += "<p>No changes match.</p>";
  b += "<ol class=\"events\">";
  for (const auto& e : events) b += EventHtml(e);
  return Page("Changes", nullptr, b + "</ol>");
}

std::string ErrorPage(int status, std::string_view message, std::string_view hint,
                      const search::SearchOptions* form) {
  std::string b = "<div class=\"error\" role=\"alert\"><h1>" + std::to_string(status) + " " +
                  (status == 404   ? "Not found"
                   : status == 405 ? "Method not allowed"
                   : status == 400 ? "Bad request"
                                   : "Error") +
                  "</h1><p>" + E(message) + "</p>";
  if (!hint.empty()) b += "<p>" + E(hint) + "</p>";
  b += "</div>";
  return Page(std::to_string(status), form, b);
}

}  // namespace pressarc::web::internal
