// JSON of watches, their matches and a run's report (shapes in search/watch.h).
#include <nlohmann/json.hpp>

#include "search/json_util.h"
#include "search/watch.h"

namespace pressarc::search {

namespace {

using internal::Dump;
using internal::Json;
using internal::NullIfEmpty;

Json MatchObject(const WatchMatch& m) {
  return {{"id", m.id},
          {"url", m.url},
          {"title", m.title},
          {"published", NullIfEmpty(m.published)},
          {"language", m.language},
          {"source", m.source},
          {"snippet", m.snippet},
          {"reported_at", m.reported_at},
          {"status", m.status}};
}

}  // namespace

std::string WatchJson(const Watch& w, const std::string& feed_path) {
  const WatchQuery& q = w.query;
  return Dump({{"name", w.name},
               {"query", q.query},
               {"lang", q.languages},
               {"source", q.sources},
               {"from", NullIfEmpty(q.from)},
               {"to", NullIfEmpty(q.to)},
               {"any", q.match_any},
               {"all", q.all},
               {"created_at", w.created_at},
               {"last_run", NullIfEmpty(w.last_run)},
               {"matches", w.matches},
               {"feed", feed_path}});
}

std::string WatchMatchJson(const WatchMatch& match) {
  return Dump(MatchObject(match));
}

std::string WatchReportJson(const WatchReport& report) {
  Json matches = Json::array();
  for (const auto& m : report.matches) matches.push_back(MatchObject(m));
  return Dump({{"watch", report.name},
               {"query", report.query.query},
               {"new", report.count},
               {"matches", std::move(matches)}});
}

}  // namespace pressarc::search
