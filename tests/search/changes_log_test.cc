// The change log with removals (LoadChanges merges the catalogue's version
// and removal events) and the removal status of `history` (LoadHistory).
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "archive/archive.h"
#include "config/config.h"
#include "indexer/indexer.h"
#include "search/search.h"
#include "search/watch.h"
#include "tests/test_util.h"

namespace pressarc::search {
namespace {

using pressarc::testing::TempDir;

constexpr char kGone[] = "https://mfa.test/news/1";
constexpr char kBack[] = "https://mfa.test/news/2";
constexpr char kOther[] = "https://pres.test/news/3";

ArticleVersion V(const std::string& url, int version, const std::string& at,
                 const std::string& title, const std::string& source) {
  ArticleVersion v;
  v.url = url;
  v.version = version;
  v.fetched_at = at;
  v.digest = "d" + std::to_string(version);
  v.title = title;
  v.source = source;
  v.language = "en";
  v.words_added = version == 1 ? 10 : 2;
  v.words_removed = version == 1 ? 0 : 1;
  v.excerpt = "excerpt of " + title;
  return v;
}

// kGone: new 05-01, edited 05-02, removed 05-03 (misses 05-02 and 05-03).
// kBack: new 05-01, removed 05-02, restored 05-04.
// kOther (another source): new 05-03.
class ChangeLog : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = Catalogue::Open(dir_.path() + "/state.sqlite");
    ASSERT_TRUE(c.ok());
    Catalogue& cat = **c;
    for (const ArticleVersion& v : {V(kGone, 1, "2024-05-01T08:00:00Z", "Gone", "mfa"),
                                    V(kGone, 2, "2024-05-02T08:00:00Z", "Gone again", "mfa"),
                                    V(kBack, 1, "2024-05-01T09:00:00Z", "Back", "mfa"),
                                    V(kOther, 1, "2024-05-03T09:00:00Z", "Other", "pres")}) {
      ASSERT_TRUE(cat.InsertVersion(v).ok());
    }
    ASSERT_TRUE(cat.RecordMissing(kGone, "mfa", "2024-05-02T10:00:00Z").ok());
    ASSERT_TRUE(*cat.RecordMissing(kGone, "mfa", "2024-05-03T10:00:00Z"));
    ASSERT_TRUE(cat.RecordMissing(kBack, "mfa", "2024-05-01T10:00:00Z").ok());
    ASSERT_TRUE(*cat.RecordMissing(kBack, "mfa", "2024-05-02T10:00:00Z"));
    ASSERT_TRUE(*cat.RecordPresent(kBack, "mfa", "2024-05-04T10:00:00Z"));
  }

  std::vector<std::string> Log(const ChangeFilter& filter) {
    auto events = LoadChanges(dir_.path(), filter);
    EXPECT_TRUE(events.ok());
    std::vector<std::string> out;
    if (!events.ok()) return out;
    for (const ChangeEvent& e : *events) {
      out.push_back(e.at.substr(5, 5) + " " + std::string(ChangeKindName(e.kind)) + " " + e.title);
    }
    return out;
  }

  TempDir dir_;
};

TEST_F(ChangeLog, MergesRemovalsWithVersionsNewestFirst) {
  EXPECT_EQ(Log({}), (std::vector<std::string>{
                         "05-04 restored Back",
                         "05-03 removed Gone again",
                         "05-03 new Other",
                         "05-02 removed Back",
                         "05-02 edited Gone again",
                         "05-01 new Back",
                         "05-01 new Gone",
                     }));
}

TEST_F(ChangeLog, RemovalEventsCarryTheLastVersion) {
  auto events = LoadChanges(dir_.path(), ChangeFilter{"", {}, {ChangeKind::kRemoved}, 0});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  const ChangeEvent& e = events->front();
  EXPECT_EQ(e.url, kGone);
  EXPECT_EQ(e.at, "2024-05-03T10:00:00Z");
  EXPECT_EQ(e.source, "mfa");
  EXPECT_EQ(e.language, "en");
  EXPECT_EQ(e.version, 2);
  EXPECT_EQ(e.words_added, 0);
  EXPECT_EQ(e.words_removed, 0);
  EXPECT_EQ(e.excerpt, "");
}

TEST_F(ChangeLog, FiltersApplyToRemovalsToo) {
  struct Case {
    const char* name;
    ChangeFilter filter;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"kinds",
       {"", {}, {ChangeKind::kRestored, ChangeKind::kEdited}, 0},
       {"05-04 restored Back", "05-02 edited Gone again"}},
      {"since",
       {"2024-05-03T00:00:00Z", {}, {}, 0},
       {"05-04 restored Back", "05-03 removed Gone again", "05-03 new Other"}},
      {"source", {"2024-05-02T00:00:00Z", {"pres"}, {}, 0}, {"05-03 new Other"}},
      {"limit", {"", {}, {}, 2}, {"05-04 restored Back", "05-03 removed Gone again"}},
      {"new only", {"", {"mfa"}, {ChangeKind::kNew}, 0}, {"05-01 new Back", "05-01 new Gone"}},
  };
  for (const Case& c : cases) EXPECT_EQ(Log(c.filter), c.want) << c.name;
}

TEST_F(ChangeLog, HistoryTellsARemovedArticleFromALiveOne) {
  Config config;
  auto converter = RecordConverter::Create(config);
  ASSERT_TRUE(converter.ok());
  struct Case {
    const char* url;
    const char* status;
    const char* removed_at;
  };
  for (const Case& c : {Case{kGone, "removed", "2024-05-03T10:00:00Z"}, Case{kBack, "live", ""},
                        Case{kOther, "live", ""}}) {
    auto h = LoadHistory(dir_.path(), *converter, c.url);
    ASSERT_TRUE(h.ok()) << c.url << ": " << h.status().message();
    EXPECT_EQ(h->status, c.status) << c.url;
    EXPECT_EQ(h->removed_at, c.removed_at) << c.url;
    const std::string json = FormatHistoryJson(*h);
    EXPECT_NE(json.find(std::string("\"status\":\"") + c.status + "\""), std::string::npos) << json;
  }
}

// Each <entry> of an Atom feed (parsed with libxml2) as child name → text
// (categories: the term attribute); empty when the feed is not well-formed.
std::vector<std::map<std::string, std::string>> Entries(const std::string& xml) {
  std::vector<std::map<std::string, std::string>> out;
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "feed.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) return out;
  for (xmlNodePtr n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE ||
        std::string(reinterpret_cast<const char*>(n->name)) != "entry") {
      continue;
    }
    std::map<std::string, std::string> entry;
    for (xmlNodePtr c = n->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      const std::string name = reinterpret_cast<const char*>(c->name);
      xmlChar* value = name == "category" ? xmlGetProp(c, BAD_CAST "term")
                       : name == "link"   ? xmlGetProp(c, BAD_CAST "href")
                                          : xmlNodeGetContent(c);
      if (value) {
        std::string text = reinterpret_cast<const char*>(value);
        text.erase(0, text.find_first_not_of(" \n"));  // <author>'s indented <name>
        text.erase(text.find_last_not_of(" \n") + 1);
        entry[name] = text;
      }
      xmlFree(value);
    }
    out.push_back(std::move(entry));
  }
  xmlFreeDoc(doc);
  return out;
}

TEST_F(ChangeLog, AtomFeedHasOneEntryPerEventWithUniqueIds) {
  auto events = LoadChanges(dir_.path(), {});
  ASSERT_TRUE(events.ok());
  const auto entries = Entries(ChangesAtom(*events, "2024-06-01T00:00:00Z"));
  ASSERT_EQ(entries.size(), events->size());
  std::set<std::string> ids;
  for (const auto& e : entries) ids.insert(e.at("id"));
  EXPECT_EQ(ids.size(), entries.size());
  const auto& restored = entries.front();
  EXPECT_EQ(restored.at("title"), "restored: Back");
  EXPECT_EQ(restored.at("category"), "restored");
  EXPECT_EQ(restored.at("link"), kBack);
  EXPECT_EQ(restored.at("updated"), "2024-05-04T10:00:00Z");
  EXPECT_EQ(restored.at("author"), "mfa");
  const auto& edited = entries[4];
  EXPECT_EQ(edited.at("title"), "edited: Gone again");
  EXPECT_EQ(edited.at("id"), "urn:pressarc:" + DocumentId(kGone) + ":2");
  EXPECT_EQ(edited.at("summary"), "excerpt of Gone again");
}

TEST_F(ChangeLog, ChangesFeedFileIsWrittenWithTheLog) {
  ASSERT_TRUE(WriteChangesFeed(dir_.path(), "2024-06-01T00:00:00Z").ok());
  std::ifstream in(dir_.path() + "/feeds/changes.atom");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(Entries(text.str()).size(), 7u);
}

TEST(ChangesFeed, EmptyLogGivesAWellFormedEmptyFeed) {
  TempDir dir;
  ASSERT_TRUE(WriteChangesFeed(dir.path(), "2024-06-01T00:00:00Z").ok());
  std::ifstream in(dir.path() + "/feeds/changes.atom");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("<updated>2024-06-01T00:00:00Z</updated>"), std::string::npos);
  EXPECT_TRUE(Entries(text.str()).empty());
}

}  // namespace
}  // namespace pressarc::search
