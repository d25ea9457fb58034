// URL parameters <-> search options. The names are the `search` flags'.
#include <charconv>
#include <cstdint>
#include <string>

#include "web/web.h"

namespace pressarc::web {

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

// A flag's value: absent, "", "1", "on", "true", "yes" are on; "0", "off",
// "false", "no" off.
Result<bool> ParseFlag(const std::string& name, const std::string& value) {
  if (value.empty() || value == "1" || value == "on" || value == "true" || value == "yes") {
    return true;
  }
  if (value == "0" || value == "off" || value == "false" || value == "no") return false;
  return Status::Usage(name + " '" + value + "' is not a yes/no value", "use " + name + "=1");
}

Result<std::uint32_t> ParseCount(const std::string& name, const std::string& value,
                                 std::uint32_t max) {
  std::uint32_t n = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, n);
  if (value.empty() || ec != std::errc() || ptr != end) {
    return Status::Usage("--" + name + " '" + value + "' is not a number");
  }
  if (n > max) return Status::Usage("--" + name + " must be at most " + std::to_string(max));
  return n;
}

Status ApplyParam(const std::string& name, const std::string& value, const WebOptions& web,
                  search::SearchOptions* o) {
  if (name == "q") {
    if (value.size() > web.max_query_bytes) {
      return Status::Usage("query too long: at most " + std::to_string(web.max_query_bytes) +
                           " bytes");
    }
    o->query = value;
  } else if (name == "lang") {
    if (!value.empty()) o->languages.push_back(value);
  } else if (name == "source") {
    if (!value.empty()) o->sources.push_back(value);
  } else if (name == "from") {
    o->from = value;
  } else if (name == "to") {
    o->to = value;
  } else if (name == "sort") {
    if (value == "relevance" || value.empty()) {
      o->sort = search::SortOrder::kRelevance;
    } else if (value == "newest") {
      o->sort = search::SortOrder::kNewest;
    } else if (value == "oldest") {
      o->sort = search::SortOrder::kOldest;
    } else {
      return Status::Usage("--sort '" + value + "' is not one of relevance, newest, oldest");
    }
  } else if (name == "limit") {
    auto n = ParseCount(name, value, web.max_limit);
    if (!n.ok()) return n.status();
    o->limit = *n;
  } else if (name == "offset") {
    auto n = ParseCount(name, value, web.max_offset);
    if (!n.ok()) return n.status();
    o->offset = *n;
  } else if (name == "any" || name == "all" || name == "exact" || name == "facets") {
    auto on = ParseFlag(name, value);
    if (!on.ok()) return on.status();
    if (name == "any") o->match_any = *on;
    if (name == "all") o->fold_copies = !*on;
    if (name == "exact") o->exact = *on;
    if (name == "facets") o->facets = *on;
  }
  // Other parameters are ignored (as a search engine ignores tracking tags).
  return Status::Ok();
}

}  // namespace

Result<search::SearchOptions> ParseSearchParams(const Params& params, const WebOptions& web) {
  search::SearchOptions o;
  if (params.size() > 64) return Status::Usage("too many parameters");
  for (const auto& [name, value] : params) {
    if (Status s = ApplyParam(name, value, web, &o); !s.ok()) return s;
  }
  if (o.languages.size() > 8 || o.sources.size() > 32) {
    return Status::Usage("too many --lang or --source filters");
  }
  if (Status s = search::ValidateSearchOptions(o); !s.ok()) return s;
  return o;
}

Result<ChangeFilter> ParseChangesParams(const Params& params, std::int64_t now) {
  ChangeFilter filter;
  if (params.size() > 64) return Status::Usage("too many parameters");
  for (const auto& [name, value] : params) {
    if (value.empty()) continue;
    if (name == "since") {
      auto since = search::ParseSince(value, now);
      if (!since.ok()) return since.status();
      filter.since = *since;
    } else if (name == "source") {
      filter.sources.push_back(value);
    } else if (name == "kind") {
      auto kind = ParseChangeKind(value);
      if (!kind) {
        return Status::Usage("unknown --kind '" + value.substr(0, 100) + "'",
                             "kinds are new, edited, removed and restored");
      }
      filter.kinds.push_back(*kind);
    } else if (name == "limit") {
      auto n = ParseCount(name, value, UINT32_MAX);
      if (!n.ok()) return n.status();
      filter.limit = *n;
    }
  }
  if (filter.sources.size() > 32) return Status::Usage("too many --source filters");
  return filter;
}

Params SearchParams(const search::SearchOptions& o) {
  Params p;
  if (!o.query.empty()) p.emplace_back("q", o.query);
  for (const auto& l : o.languages) p.emplace_back("lang", l);
  for (const auto& s : o.sources) p.emplace_back("source", s);
  if (!o.from.empty()) p.emplace_back("from", o.from);
  if (!o.to.empty()) p.emplace_back("to", o.to);
  if (o.sort == search::SortOrder::kNewest) p.emplace_back("sort", "newest");
  if (o.sort == search::SortOrder::kOldest) p.emplace_back("sort", "oldest");
  if (o.limit != search::SearchOptions{}.limit) p.emplace_back("limit", std::to_string(o.limit));
  if (o.offset != 0) p.emplace_back("offset", std::to_string(o.offset));
  if (o.match_any) p.emplace_back("any", "1");
  if (!o.fold_copies) p.emplace_back("all", "1");
  if (o.exact) p.emplace_back("exact", "1");
  if (o.facets) p.emplace_back("facets", "1");
  return p;
}

}  // namespace pressarc::web
