// Watches (search/watch.h): the store's once-per-document reporting across
// runs, edits, reindex and copies; names and queries; the Atom writer.
#include "search/watch.h"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/search/test_index.h"

namespace pressarc::search {
namespace {

using testing::Doc;
using testing::StandardDocs;
using testing::TempIndex;

// Writes `docs` into DATA's index: the live generation (as crawl and import
// do), or a new generation swapped in (as reindex does).
void Index(const std::string& data, const std::vector<Doc>& docs, bool new_generation = false) {
  auto writer = new_generation ? IndexWriter::CreateGeneration(data) : IndexWriter::OpenLive(data);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  std::uint64_t offset = 0;
  for (const auto& d : docs) {
    IndexedArticle a;
    a.article.url = d.url;
    a.article.canonical_url = d.url;
    a.article.title = d.title;
    a.article.published = d.published;
    a.article.language = d.language;
    a.article.source = d.source;
    a.article.text = d.text;
    a.article.kind = PageKind::kArticle;
    a.archive.file = "pressarc-00002.warc.gz";
    a.archive.offset = offset += 1000;
    a.fetched_at = d.fetched_at;
    ASSERT_TRUE((*writer)->Add(a).ok());
  }
  ASSERT_TRUE((new_generation ? (*writer)->Publish() : (*writer)->Commit()).ok());
}

std::map<std::string, std::uint64_t> RunCounts(WatchStore& store) {
  auto r = store.Run();
  EXPECT_TRUE(r.ok()) << r.status().message();
  std::map<std::string, std::uint64_t> out;
  if (r.ok()) {
    for (const auto& rep : r->reports) out[rep.name] = rep.count;
  }
  return out;
}

std::unique_ptr<WatchStore> OpenStore(const std::string& dir) {
  auto store = WatchStore::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store.value()) : nullptr;
}

WatchQuery Words(const std::string& q) {
  WatchQuery w;
  w.query = q;
  return w;
}

TEST(WatchStore, ReportsEachMatchOnceAcrossRuns) {
  TempIndex empty(std::vector<Doc>{});
  auto store = OpenStore(empty.dir());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Add("lavrov", Words("Lavrov")).ok());
  ASSERT_TRUE(store->Add("vaccine", Words("vaccine")).ok());
  EXPECT_EQ(RunCounts(*store),
            (std::map<std::string, std::uint64_t>{{"lavrov", 0}, {"vaccine", 0}}));
  Index(empty.dir(), StandardDocs());
  // az, en, ru statements (Latin Lavrov finds Лавровым); the republished
  // copy is folded into the first of them.
  EXPECT_EQ(RunCounts(*store)["lavrov"], 3u);
  EXPECT_EQ(RunCounts(*store)["lavrov"], 0u);
  auto recent = store->Recent("lavrov", 10);
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(recent->size(), 3u);
  for (const auto& m : *recent) {
    EXPECT_EQ(m.id.size(), 16u);
    EXPECT_FALSE(m.snippet.empty());
  }
}

// Which of two new copies is reported does not depend on the order they
// were indexed in (a job rerun after a full disk or a kill -9 indexes
// them in another order): the earliest published, as `search` folds them.
TEST(WatchStore, OfNewCopiesTheEarliestPublishedIsReportedWhateverTheIndexingOrder) {
  const std::vector<Doc> docs = StandardDocs();
  const Doc& original = docs[0];  // 2023-02-28
  const Doc& copy = docs[3];      // republished 2023-03-01, same near-duplicate key
  ASSERT_EQ(copy.url, "https://metbuat.az/news/1501-xin-beyanat.html");
  for (const bool copy_first : {false, true}) {
    SCOPED_TRACE(copy_first ? "copy indexed first" : "original indexed first");
    TempIndex empty(std::vector<Doc>{});
    auto store = OpenStore(empty.dir());
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Add("baki", Words("Bakı")).ok());
    Index(empty.dir(),
          copy_first ? std::vector<Doc>{copy, original} : std::vector<Doc>{original, copy});
    EXPECT_EQ(RunCounts(*store)["baki"], 1u);
    auto recent = store->Recent("baki", 10);
    ASSERT_TRUE(recent.ok());
    ASSERT_EQ(recent->size(), 1u);
    EXPECT_EQ((*recent)[0].url, original.url);
    EXPECT_EQ((*recent)[0].published.substr(0, 10), "2023-02-28");
  }
}

TEST(WatchStore, AllReportsCopiesToo) {
  TempIndex empty(std::vector<Doc>{});
  auto store = OpenStore(empty.dir());
  WatchQuery q = Words("Lavrov");
  q.all = true;
  ASSERT_TRUE(store->Add("all", q).ok());
  Index(empty.dir(), StandardDocs());
  EXPECT_EQ(RunCounts(*store)["all"], 4u);
}

TEST(WatchStore, DocumentsIndexedBeforeTheWatchAreNotReported) {
  TempIndex index;  // StandardDocs
  auto store = OpenStore(index.dir());
  ASSERT_TRUE(store->Add("lavrov", Words("Lavrov")).ok());
  EXPECT_EQ(RunCounts(*store)["lavrov"], 0u);
}

TEST(WatchStore, EditsReportOnlyDocumentsThatNewlyMatch) {
  TempIndex empty(std::vector<Doc>{});
  auto store = OpenStore(empty.dir());
  ASSERT_TRUE(store->Add("corridor", Words("corridors")).ok());
  std::vector<Doc> docs = {
      {"https://a.example/1", "One", "2024-01-01", "en", "a", "", "Talks on transport corridors.",
       "2024-01-01T00:00:00Z", ""},
      {"https://a.example/2", "Two", "2024-01-02", "en", "a", "", "Talks on energy.",
       "2024-01-02T00:00:00Z", ""},
  };
  Index(empty.dir(), docs);
  EXPECT_EQ(RunCounts(*store)["corridor"], 1u);
  // 1 edited, still matching; 2 edited to match for the first time.
  docs[0].text = "Talks on transport corridors, corrected.";
  docs[1].text = "Talks on energy and transport corridors.";
  for (auto& d : docs) d.fetched_at = "2024-02-01T00:00:00Z";
  Index(empty.dir(), docs);
  auto r = store->Run();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->reports.size(), 1u);
  EXPECT_EQ(r->changed, 2u);
  ASSERT_EQ(r->reports[0].count, 1u);
  EXPECT_EQ(r->reports[0].matches[0].url, "https://a.example/2");
}

TEST(WatchStore, ReindexReportsNothingAgain) {
  TempIndex empty(std::vector<Doc>{});
  auto store = OpenStore(empty.dir());
  ASSERT_TRUE(store->Add("lavrov", Words("Lavrov")).ok());
  Index(empty.dir(), StandardDocs());
  EXPECT_EQ(RunCounts(*store)["lavrov"], 3u);
  Index(empty.dir(), StandardDocs(), /*new_generation=*/true);
  EXPECT_EQ(RunCounts(*store)["lavrov"], 0u);
  // A store opened afresh (a restart) sees the same.
  store.reset();
  store = OpenStore(empty.dir());
  EXPECT_EQ(RunCounts(*store)["lavrov"], 0u);
}

// Marks the document at `url` removed from its site (or live again), as the
// crawler does when it records a removal or a restoration.
void SetRemoved(const std::string& data, const std::string& url, bool removed) {
  auto writer = IndexWriter::OpenLive(data);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  auto changed = (*writer)->SetRemoved(url, removed);
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  ASSERT_TRUE(*changed);
  ASSERT_TRUE((*writer)->Commit().ok());
}

constexpr char kVaccine[] = "https://mfa.gov.az/en/news/no20011";  // in StandardDocs

using Counts = std::map<std::string, std::uint64_t>;

TEST(WatchStore, StatusWatchesReportRemovalsAfterTheyWereAdded) {
  TempIndex index;  // StandardDocs, all live
  auto store = OpenStore(index.dir());
  ASSERT_TRUE(store->Add("gone", Words("status:removed")).ok());
  ASSERT_TRUE(store->Add("gone-vaccine", Words("vaccine status:removed")).ok());
  ASSERT_TRUE(store->Add("vaccine", Words("vaccine")).ok());
  ASSERT_TRUE(store->Add("live", Words("status:live vaccine")).ok());
  EXPECT_EQ(RunCounts(*store),
            (Counts{{"gone", 0}, {"gone-vaccine", 0}, {"live", 0}, {"vaccine", 0}}));

  SetRemoved(index.dir(), kVaccine, true);
  auto r = store->Run();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->changed, 1u);
  Counts counts;
  for (const auto& rep : r->reports) counts[rep.name] = rep.count;
  // A plain content watch: the document matched before as it does now.
  EXPECT_EQ(counts, (Counts{{"gone", 1}, {"gone-vaccine", 1}, {"live", 0}, {"vaccine", 0}}));
  auto recent = store->Recent("gone", 10);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ(recent->front().url, kVaccine);
  EXPECT_EQ(recent->front().status, "removed");
  EXPECT_NE(WatchMatchJson(recent->front()).find("\"status\":\"removed\""), std::string::npos);
  auto xml = store->FeedXml("gone");
  ASSERT_TRUE(xml.ok());
  EXPECT_NE(xml->find("<title type=\"text\">removed: Vaccine campaign"), std::string::npos) << *xml;
  EXPECT_NE(xml->find("status:removed"), std::string::npos) << *xml;
  EXPECT_EQ(RunCounts(*store),
            (Counts{{"gone", 0}, {"gone-vaccine", 0}, {"live", 0}, {"vaccine", 0}}));

  // Restored: matches status:live again, for the first time since the watch
  // was added; then removed and restored again: nothing is reported twice.
  SetRemoved(index.dir(), kVaccine, false);
  EXPECT_EQ(RunCounts(*store),
            (Counts{{"gone", 0}, {"gone-vaccine", 0}, {"live", 1}, {"vaccine", 0}}));
  EXPECT_EQ(store->Recent("live", 10)->front().status, "live");
  for (bool removed : {true, false, true}) {
    SetRemoved(index.dir(), kVaccine, removed);
    EXPECT_EQ(RunCounts(*store),
              (Counts{{"gone", 0}, {"gone-vaccine", 0}, {"live", 0}, {"vaccine", 0}}));
  }
}

TEST(WatchStore, StatusFlipsDoNotReportAgainWhatAWatchReported) {
  TempIndex empty(std::vector<Doc>{});
  auto store = OpenStore(empty.dir());
  ASSERT_TRUE(store->Add("vaccine", Words("vaccine")).ok());
  ASSERT_TRUE(store->Add("live", Words("vaccine status:live")).ok());
  ASSERT_TRUE(store->Add("gone", Words("status:removed")).ok());
  Index(empty.dir(), StandardDocs());
  EXPECT_EQ(RunCounts(*store), (Counts{{"gone", 0}, {"live", 1}, {"vaccine", 1}}));
  SetRemoved(empty.dir(), kVaccine, true);
  EXPECT_EQ(RunCounts(*store), (Counts{{"gone", 1}, {"live", 0}, {"vaccine", 0}}));
  SetRemoved(empty.dir(), kVaccine, false);
  EXPECT_EQ(RunCounts(*store), (Counts{{"gone", 0}, {"live", 0}, {"vaccine", 0}}));
  // A removal and a restoration between two runs change nothing.
  SetRemoved(empty.dir(), kVaccine, true);
  SetRemoved(empty.dir(), kVaccine, false);
  auto r = store->Run();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->changed, 0u);
  // Reindex (new docids, the status kept by the writer) reports nothing again.
  SetRemoved(empty.dir(), kVaccine, true);
  EXPECT_EQ(RunCounts(*store), (Counts{{"gone", 0}, {"live", 0}, {"vaccine", 0}}));
  Index(empty.dir(), StandardDocs(), /*new_generation=*/true);
  SetRemoved(empty.dir(), kVaccine, true);
  EXPECT_EQ(RunCounts(*store), (Counts{{"gone", 0}, {"live", 0}, {"vaccine", 0}}));
}

TEST(WatchStore, AStoreWrittenBeforeStatusesCatchesUpOnRemovalsOnce) {
  TempIndex index;
  {
    auto store = OpenStore(index.dir());
    ASSERT_TRUE(store->Add("gone", Words("status:removed")).ok());
    ASSERT_TRUE(store->Add("live", Words("status:live")).ok());
    ASSERT_TRUE(store->Add("lavrov", Words("Lavrov")).ok());
  }
  // The store as the release before statuses wrote it; meanwhile an
  // article was removed, which that release did not report.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((index.dir() + "/watches.sqlite").c_str(), &db), SQLITE_OK);
    for (const char* sql :
         {"DROP INDEX docs_status_seq", "ALTER TABLE docs DROP COLUMN status",
          "ALTER TABLE docs DROP COLUMN status_seq", "ALTER TABLE slots DROP COLUMN status",
          "ALTER TABLE reported DROP COLUMN status"}) {
      EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sql;
    }
    sqlite3_close(db);
  }
  SetRemoved(index.dir(), kVaccine, true);
  auto store = OpenStore(index.dir());
  ASSERT_TRUE(store);
  auto r = store->Run();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->changed, 1u);  // the others were live, as the store takes them
  Counts counts;
  for (const auto& rep : r->reports) counts[rep.name] = rep.count;
  EXPECT_EQ(counts, (Counts{{"gone", 1}, {"lavrov", 0}, {"live", 0}}));
  EXPECT_EQ(RunCounts(*store), (Counts{{"gone", 0}, {"lavrov", 0}, {"live", 0}}));
  SetRemoved(index.dir(), "https://mfa.gov.az/en/news/no10023", true);
  EXPECT_EQ(RunCounts(*store), (Counts{{"gone", 1}, {"lavrov", 0}, {"live", 0}}));
}

TEST(WatchStore, FeedExistsFromTheStartAndFollowsTheMatches) {
  TempIndex empty(std::vector<Doc>{});
  auto store = OpenStore(empty.dir());
  ASSERT_TRUE(store->Add("lavrov", Words("Lavrov")).ok());
  const std::string path = store->FeedPath("lavrov");
  EXPECT_EQ(path, empty.dir() + "/feeds/lavrov.atom");
  ASSERT_TRUE(std::filesystem::exists(path));
  Index(empty.dir(), StandardDocs());
  RunCounts(*store);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto xml = store->FeedXml("lavrov");
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(text.str(), *xml);
  std::size_t entries = 0;
  for (std::size_t p = 0; (p = xml->find("<entry>", p)) != std::string::npos; ++p) ++entries;
  EXPECT_EQ(entries, 3u);
  EXPECT_TRUE(store->Remove("lavrov").ok());
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(WatchStore, UsageErrors) {
  TempIndex empty(std::vector<Doc>{});
  auto store = OpenStore(empty.dir());
  ASSERT_TRUE(store->Add("a", Words("x")).ok());
  const std::vector<std::pair<std::string, WatchQuery>> bad = {
      {"a", Words("y")},    // name in use
      {"b c", Words("y")},  // not a slug
      {std::string(65, 'n'), Words("y")},
      {"", Words("y")},
      {"q", Words("\"unbalanced")},
      {"q", Words("nosuch:prefix")},
      {"q", Words("")},  // neither words nor filters
  };
  for (const auto& [name, query] : bad) {
    Status s = store->Add(name, query);
    EXPECT_EQ(s.code(), Status::Code::kUsage) << name << " " << query.query;
  }
  EXPECT_EQ(store->Remove("nope").code(), Status::Code::kUsage);
  EXPECT_EQ(store->Get("nope").status().code(), Status::Code::kUsage);
  auto list = store->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().name, "a");
}

TEST(WatchName, SlugsOnly) {
  for (const std::string ok :
       {"a", "Bayramov-Lavrov_2", "x-",
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}) {
    EXPECT_TRUE(ValidateWatchName(ok).ok()) << ok;
  }
  for (const char* bad : {"", "a b", "a/b", "..", "ə", "a.atom", "changes"}) {
    EXPECT_FALSE(ValidateWatchName(bad).ok()) << bad;
  }
}

// ---- Atom ----------------------------------------------------------------------

// The text of the first element named `name` in `xml`, parsed with libxml2
// (strict: no recovery); "<invalid>" when the document is not well-formed.
std::string ParsedText(const std::string& xml, const char* name) {
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "feed.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == nullptr) return "<invalid>";
  std::string out = "<missing>";
  std::vector<xmlNodePtr> stack = {xmlDocGetRootElement(doc)};
  while (!stack.empty()) {
    xmlNodePtr n = stack.back();
    stack.pop_back();
    if (n == nullptr) continue;
    if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name)) {
      xmlChar* c = xmlNodeGetContent(n);
      out = c ? reinterpret_cast<const char*>(c) : "";
      xmlFree(c);
      break;
    }
    for (xmlNodePtr k = n->last; k; k = k->prev) stack.push_back(k);
    stack.push_back(nullptr);
  }
  xmlFreeDoc(doc);
  return out;
}

TEST(AtomFeed, TextIsEscapedAndInvalidCharactersRemoved) {
  const struct {
    std::string input;
    std::string parsed;
  } cases[] = {
      {"plain", "plain"},
      {"a & b < c > d \"e\" 'f'", "a & b < c > d \"e\" 'f'"},
      {"]]> <![CDATA[x", "]]> <![CDATA[x"},
      {"ctl\x01\x08\x0b\x1f end", "ctl end"},
      {"tab\tnl\n", "tab\tnl\n"},
      {"bad \xff\xfe utf8", "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8"},
      {"noncharacter \xEF\xBF\xBE.", "noncharacter ."},
      {"surrogate \xED\xA0\x80.", "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD."},
      {"Азәрбајҹан ə 😀", "Азәрбајҹан ə 😀"},
      {"cr\rx", "cr\rx"},
  };
  for (const auto& c : cases) {
    AtomFeedInfo info{"urn:pressarc:watch:t", c.input, "", "2024-01-01T00:00:00Z", "", "pressarc"};
    AtomEntry e;
    e.id = "urn:pressarc:0123456789abcdef";
    e.title = "t";
    e.link = "https://a.example/?a=1&b=<2>";
    e.updated = "2024-01-01T00:00:00Z";
    e.summary = c.input;
    const std::string xml = AtomFeed(info, {e});
    EXPECT_EQ(ParsedText(xml, "summary"), c.parsed) << c.input;
    EXPECT_EQ(ParsedText(xml, "title"), c.parsed) << c.input;
  }
}

TEST(AtomFeed, HasTheElementsRfc4287Requires) {
  AtomFeedInfo info;
  info.id = "urn:pressarc:watch:w";
  info.title = "w";
  info.updated = "2024-01-01T00:00:00Z";
  const std::string empty = AtomFeed(info, {});
  EXPECT_EQ(ParsedText(empty, "id"), "urn:pressarc:watch:w");
  EXPECT_EQ(ParsedText(empty, "updated"), "2024-01-01T00:00:00Z");
  EXPECT_EQ(ParsedText(empty, "name"), "pressarc");  // feed author: entries may omit theirs
  EXPECT_EQ(ParsedText(empty, "entry"), "<missing>");
  EXPECT_NE(empty.find("xmlns=\"http://www.w3.org/2005/Atom\""), std::string::npos);
}

TEST(AtomDate, PageDatesBecomeRfc3339) {
  const std::pair<const char*, const char*> cases[] = {
      {"2023-05-01", "2023-05-01T00:00:00Z"},
      {"2023-05-01T10:00", "2023-05-01T10:00:00Z"},
      {"2023-05-01T10:00:05+04:00", "2023-05-01T10:00:05+04:00"},
      {"2023-05-01T10:00:05.123Z", "2023-05-01T10:00:05Z"},
      {"2023-05-01 10:00:05-0300", "2023-05-01T10:00:05-03:00"},
      {"2023-05-01Tjunk", "2023-05-01T00:00:00Z"},
      {"", ""},
      {"May 2023", ""},
      {"2023-5-1", ""},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(AtomDate(in), out) << in;
}

TEST(WriteFileAtomically, ReplacesAndLeavesNoTemporary) {
  TempIndex empty(std::vector<Doc>{});
  const std::string path = empty.dir() + "/f.atom";
  ASSERT_TRUE(WriteFileAtomically(path, "one").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "two").ok());
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "two");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(WriteFileAtomically(empty.dir() + "/no/such/dir/f", "x").code(),
            Status::Code::kRuntime);
}

}  // namespace
}  // namespace pressarc::search
