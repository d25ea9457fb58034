// Output formats of search, show and stats: text, JSON, JSON lines, CSV.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "search/json_util.h"
#include "search/search.h"

namespace pressarc::search {

namespace {

using internal::Dump;
using internal::Json;
using internal::NullIfEmpty;

Json LinkedJson(const std::vector<LinkedDocument>& docs, bool source_first) {
  Json arr = Json::array();
  for (const auto& d : docs) {
    Json o;
    o["url"] = d.url;
    if (source_first) {
      o["source"] = d.source;
      o["language"] = d.language;
    } else {
      o["language"] = d.language;
      o["source"] = d.source;
    }
    o["id"] = d.id;
    o["published"] = NullIfEmpty(d.published);
    arr.push_back(std::move(o));
  }
  return arr;
}

Json HitJson(const SearchHit& h) {
  Json o;
  o["rank"] = h.rank;
  o["id"] = h.id;
  o["url"] = h.url;
  o["title"] = h.title;
  o["published"] = NullIfEmpty(h.published);
  o["language"] = h.language;
  o["source"] = h.source;
  o["snippet"] = h.snippet;
  o["score"] = h.score;
  o["percent"] = h.percent;
  o["copies"] = LinkedJson(h.copies, true);
  o["translations"] = LinkedJson(h.translations, false);
  o["versions"] = h.versions;
  o["status"] = h.status;
  return o;
}

Json FacetJson(const std::vector<FacetValue>& values) {
  Json o = Json::object();
  for (const auto& v : values) o[v.value] = v.count;
  return o;
}

std::string Join(const std::vector<LinkedDocument>& docs, bool with_source) {
  std::string out;
  for (const auto& d : docs) {
    if (!out.empty()) out += "; ";
    if (with_source) {
      out += d.source + " " + d.url;
    } else {
      out += d.language + " " + d.url;
    }
  }
  return out;
}

std::string Bold(const std::string& s, bool color) {
  return color ? "\x1b[1m" + s + "\x1b[0m" : s;
}
std::string Dim(const std::string& s, bool color) {
  return color ? "\x1b[2m" + s + "\x1b[0m" : s;
}

std::string FacetLine(const char* name, const std::vector<FacetValue>& values) {
  std::string line = std::string(name) + ":";
  for (const auto& v : values) line += " " + v.value + " (" + std::to_string(v.count) + ")";
  return line + "\n";
}

std::string SearchText(const SearchResponse& r, const FormatOptions& options) {
  std::string out;
  if (r.total == 0) {
    out += "No results for \"" + r.query + "\".\n";
  } else {
    if (r.total_estimated) out += "about ";
    out += std::to_string(r.total) + (r.total == 1 ? " result" : " results");
    if (!r.query.empty()) out += " for \"" + r.query + "\"";
    if (!r.hits.empty()) {
      out += " (" + std::to_string(r.hits.front().rank) + "-" + std::to_string(r.hits.back().rank) +
             ")";
    }
    out += "\n";
  }
  if (r.suggestion) out += "Did you mean: " + Bold(*r.suggestion, options.color) + "\n";
  for (const auto& h : r.hits) {
    out += "\n" + std::to_string(h.rank) + ". " +
           Bold(h.title.empty() ? "(untitled)" : h.title, options.color) + "\n";
    std::string meta = h.published.empty() ? "date unknown" : h.published;
    meta += " · " + h.source + " · " + h.language;
    if (h.status != "live") meta += " · " + h.status;
    out += "   " + meta + "\n";
    out += "   " + h.url + "\n";
    if (!h.snippet.empty()) out += "   " + h.snippet + "\n";
    if (!h.copies.empty()) out += "   also published by: " + Join(h.copies, true) + "\n";
    if (!h.translations.empty()) out += "   other languages: " + Join(h.translations, false) + "\n";
    out += "   " + Dim("id " + h.id, options.color) + "\n";
  }
  if (r.facets) {
    out += "\n";
    out += FacetLine("By source", r.facets->sources);
    out += FacetLine("By language", r.facets->languages);
    out += FacetLine("By year", r.facets->years);
    out += FacetLine("By status", r.facets->statuses);

    if (r.facets->approximate) {
      out += "(estimates from a sample of the matches";
      if (r.facets->scale >= 2) out += ", about 1 in " + std::to_string(r.facets->scale);
      out += ")\n";
    }
  }
  return out;
}

std::string SearchJson(const SearchResponse& r) {
  Json o;
  o["query"] = r.query;
  o["total"] = r.total;
  Json results = Json::array();
  for (const auto& h : r.hits) results.push_back(HitJson(h));
  o["results"] = std::move(results);
  o["suggestion"] = r.suggestion ? Json(*r.suggestion) : Json(nullptr);
  if (r.facets) {
    Json f;
    f["source"] = FacetJson(r.facets->sources);
    f["language"] = FacetJson(r.facets->languages);
    f["year"] = FacetJson(r.facets->years);
    f["month"] = FacetJson(r.facets->months);
    f["status"] = FacetJson(r.facets->statuses);

    f["approximate"] = r.facets->approximate;
    o["facets"] = std::move(f);
  }
  if (!r.warnings.empty()) o["warnings"] = r.warnings;
  return Dump(o) + "\n";
}

std::string SearchJsonl(const SearchResponse& r) {
  std::string out;
  for (const auto& h : r.hits) out += Dump(HitJson(h)) + "\n";
  return out;
}

std::string SearchCsv(const SearchResponse& r, const FormatOptions& options) {
  std::string out = options.csv_bom ? "\xEF\xBB\xBF" : "";
  out += "rank,id,url,title,published,language,source,score,snippet,copies,translations\r\n";
  for (const auto& h : r.hits) {
    char score[32];
    std::snprintf(score, sizeof score, "%.4f", h.score);
    const std::string cells[] = {std::to_string(h.rank),
                                 h.id,
                                 h.url,
                                 h.title,
                                 h.published,
                                 h.language,
                                 h.source,
                                 score,
                                 h.snippet,
                                 Join(h.copies, true),
                                 Join(h.translations, false)};
    bool first = true;
    for (const auto& cell : cells) {
      if (!first) out += ',';
      first = false;
      out += CsvCell(cell);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace

std::string CsvCell(std::string_view value) {
  std::string v(value);
  // Spreadsheets run cells starting with these as formulas (CSV injection).
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '@' || v[0] == '\t' || v[0] == '\r' ||
       (v[0] == '-' && v.size() > 1 && !(v[1] >= '0' && v[1] <= '9') && v[1] != ' '))) {
    v.insert(0, "'");
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string FormatSearch(const SearchResponse& response, OutputFormat format,
                         const FormatOptions& options) {
  switch (format) {
    case OutputFormat::kJson:
      return SearchJson(response);
    case OutputFormat::kJsonl:
      return SearchJsonl(response);
    case OutputFormat::kCsv:
      return SearchCsv(response, options);
    case OutputFormat::kText:
      break;
  }
  return SearchText(response, options);
}

std::string FormatArticleJson(const StoredArticle& a) {
  Json o;
  o["id"] = a.id;
  o["url"] = a.url;
  o["canonical_url"] = a.canonical_url;
  o["title"] = a.title;
  o["published"] = NullIfEmpty(a.published);
  o["language"] = a.language;
  o["text"] = a.text;
  o["source"] = a.source;
  o["translation_key"] = NullIfEmpty(a.translation_key);
  o["fetched_at"] = NullIfEmpty(a.fetched_at);
  o["translations"] = LinkedJson(a.translations, false);
  o["copies"] = LinkedJson(a.copies, true);
  Json archive;
  archive["file"] = a.archive_file;
  archive["offset"] = a.archive_offset;
  o["archive"] = std::move(archive);
  o["status"] = a.status;
  o["versions"] = a.versions;
  o["removed_at"] = NullIfEmpty(a.removed_at);
  Json history = Json::array();
  for (const auto& h : a.history) {
    history.push_back({{"version", h.version}, {"fetched_at", NullIfEmpty(h.fetched_at)}});
  }
  o["history"] = std::move(history);
  if (!a.warnings.empty()) o["warnings"] = a.warnings;
  return Dump(o) + "\n";
}

std::string FormatArticleText(const StoredArticle& a) {
  std::string out = (a.title.empty() ? "(untitled)" : a.title) + "\n";
  out += (a.published.empty() ? "date unknown" : a.published) + " · " + a.source + " · " +
         a.language + "\n";
  out += "URL:       " + a.url + "\n";
  if (a.canonical_url != a.url) out += "Canonical: " + a.canonical_url + "\n";
  out += "Id:        " + a.id + "\n";
  out += "Archive:   " + a.archive_file + " @ " + std::to_string(a.archive_offset) + "\n";
  if (!a.fetched_at.empty()) out += "Fetched:   " + a.fetched_at + "\n";
  out += "Versions:  " + std::to_string(a.versions) +
         (a.versions > 1 ? " (pressarc history " + a.id + ")" : "") + "\n";
  if (a.status != "live") out += "Status:    " + a.status + " since " + a.removed_at + "\n";
  for (const auto& t : a.translations) {
    out += "Translation (" + t.language + "): " + t.url + "\n";
  }
  for (const auto& c : a.copies) out += "Copy (" + c.source + "): " + c.url + "\n";
  out += "\n" + a.text + "\n";
  return out;
}

std::string FormatStatsJson(const IndexStats& s) {
  Json o;
  o["documents"] = s.documents;
  o["edited"] = s.edited;
  o["sources"] = FacetJson(s.sources);
  o["languages"] = FacetJson(s.languages);
  o["years"] = FacetJson(s.years);
  Json archive;
  archive["bytes"] = s.archive_bytes;
  archive["files"] = s.archive_files;
  o["archive"] = std::move(archive);
  if (s.last_crawl) {
    Json run;
    run["id"] = s.last_crawl->id;
    run["started_at"] = NullIfEmpty(s.last_crawl->started_at);
    run["finished_at"] = NullIfEmpty(s.last_crawl->finished_at);
    run["status"] = NullIfEmpty(s.last_crawl->status);
    Json summary = Json::parse(s.last_crawl->summary_json, nullptr, false);
    run["summary"] = summary.is_discarded() ? Json(nullptr) : summary;
    o["last_crawl"] = std::move(run);
  } else {
    o["last_crawl"] = nullptr;
  }
  o["index"] = s.has_index;
  if (s.shards != 0 || !s.warnings.empty()) o["shards"] = s.shards;
  if (!s.warnings.empty()) o["warnings"] = s.warnings;
  return Dump(o) + "\n";
}

std::string FormatStatsText(const IndexStats& s) {
  std::string out;
  if (!s.has_index) out += "No index yet (run pressarc crawl).\n";
  out += "Documents: " + std::to_string(s.documents) + "\n";
  if (s.edited > 0) {
    out += "Edited:    " + std::to_string(s.edited) + " (articles with more than one version)\n";
  }
  auto table = [&](const char* name, const std::vector<FacetValue>& values) {
    if (values.empty()) return;
    out += std::string(name) + ":\n";
    for (const auto& v : values) {
      char line[256];
      std::snprintf(line, sizeof line, "  %-24s %10llu\n", v.value.c_str(),
                    static_cast<unsigned long long>(v.count));
      out += line;
    }
  };
  table("By source", s.sources);
  table("By language", s.languages);
  table("By year", s.years);
  char archive[128];
  std::snprintf(archive, sizeof archive, "Archive: %llu files, %.1f MiB (%llu bytes)\n",
                static_cast<unsigned long long>(s.archive_files),
                static_cast<double>(s.archive_bytes) / (1024.0 * 1024.0),
                static_cast<unsigned long long>(s.archive_bytes));
  out += archive;
  if (s.last_crawl) {
    out +=
        "Last crawl: #" + std::to_string(s.last_crawl->id) + " started " + s.last_crawl->started_at;
    if (!s.last_crawl->finished_at.empty()) out += ", finished " + s.last_crawl->finished_at;
    out += ", " +
           (s.last_crawl->status.empty() ? std::string("status unknown") : s.last_crawl->status) +
           "\n";
    if (!s.last_crawl->summary_json.empty()) out += "  " + s.last_crawl->summary_json + "\n";
  } else {
    out += "Last crawl: none recorded\n";
  }
  return out;
}

}  // namespace pressarc::search
