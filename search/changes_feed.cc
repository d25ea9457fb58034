// The change log as an Atom feed (watch.h: ChangesAtom, WriteChangesFeed).
#include <filesystem>
#include <string>
#include <vector>

#include "indexer/indexer.h"
#include "search/watch.h"

namespace pressarc::search {
namespace {

// "2024-05-03T10:00:00Z" → "20240503T100000Z": a time fit for a URN.
std::string Compact(const std::string& at) {
  std::string out;
  for (char c : at) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

AtomEntry EventEntry(const ChangeEvent& e) {
  const std::string kind(ChangeKindName(e.kind));
  AtomEntry entry;
  entry.id = "urn:pressarc:" + DocumentId(e.url) + ":" + std::to_string(e.version);
  if (e.kind == ChangeKind::kRemoved || e.kind == ChangeKind::kRestored) {
    entry.id += ":" + kind + ":" + Compact(e.at);
  }
  entry.title = kind + ": " + (e.title.empty() ? e.url : e.title);
  entry.link = e.url;
  entry.updated = AtomDate(e.at);
  entry.summary = e.excerpt;
  entry.author = e.source;
  entry.categories = {kind};
  return entry;
}

}  // namespace

std::string ChangesAtom(const std::vector<ChangeEvent>& events, const std::string& now) {
  AtomFeedInfo info;
  info.id = "urn:pressarc:changes";
  info.title = "pressarc: changes";
  info.subtitle = "New, edited, removed and restored articles";
  info.updated = AtomDate(events.empty() ? now : events.front().at);
  if (info.updated.empty()) info.updated = AtomDate(now);
  std::vector<AtomEntry> entries;
  entries.reserve(events.size());
  for (const ChangeEvent& e : events) entries.push_back(EventEntry(e));
  return AtomFeed(info, entries);
}

Status WriteChangesFeed(const std::string& data_dir, const std::string& now) {
  ChangeFilter filter;
  filter.limit = kChangesFeedEntries;
  auto events = LoadChanges(data_dir, filter);
  if (!events.ok()) return events.status();
  std::error_code ec;
  std::filesystem::create_directories(data_dir + "/feeds", ec);
  if (ec) return Status::Runtime("cannot create " + data_dir + "/feeds: " + ec.message());
  return WriteFileAtomically(data_dir + "/feeds/changes.atom", ChangesAtom(*events, now));
}

}  // namespace pressarc::search
