// IndexWriter: one document per canonical URL, unchanged detection,
// generations, atomic publish, crash leftovers; every index written here
// passes xapian-check.
#include <gtest/gtest.h>
#include <xapian.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "indexer/indexer.h"
#include "indexer/schema.h"

namespace pressarc {
namespace {
namespace fs = std::filesystem;

class IndexWriterTest : public ::testing::Test {
 public:
  static IndexedArticle Article(const std::string& url, const std::string& text,
                                const std::string& fetched = "2024-01-01T00:00:00Z");

 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "pressarc-idx-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    options_.old_generation_grace_s = 0;
  }
  void TearDown() override {
    // Every index a test wrote must pass xapian-check.
    std::string live = LiveGeneration(dir_);
    if (!live.empty()) {
      std::string path = IndexPaths::Dir(dir_) + "/" + live;
      // (Xapian::Database::check() in-process trips ASan inside libxapian 1.4.22.)
      std::string cmd = "xapian-check '" + path + "' >/dev/null 2>&1";
      EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
    fs::remove_all(dir_);
  }

  Xapian::Database Live() { return Xapian::Database(IndexPaths::Stub(dir_)); }

  std::string dir_;
  IndexWriterOptions options_;
};

IndexedArticle IndexWriterTest::Article(const std::string& url, const std::string& text,
                                        const std::string& fetched) {
  IndexedArticle a;
  a.article.url = url;
  a.article.canonical_url = url;
  a.article.title = "Title of " + url;
  a.article.text = text;
  a.article.language = "az";
  a.article.source = "mfa-az";
  a.article.published = "2024-03-05T10:20:00+04:00";
  a.article.translation_key = "no123";
  a.article.kind = PageKind::kArticle;
  a.archive = {"pressarc-1.warc.gz", 42};
  a.fetched_at = fetched;
  return a;
}

TEST_F(IndexWriterTest, OpenLiveCreatesFirstGenerationAndStub) {
  auto w = IndexWriter::OpenLive(dir_, options_);
  ASSERT_TRUE(w.ok()) << w.status().message();
  EXPECT_EQ(LiveGeneration(dir_), "gen-000001");
  std::ifstream stub(IndexPaths::Stub(dir_));
  std::string line;
  std::getline(stub, line);
  EXPECT_EQ(line, "auto gen-000001");
  EXPECT_EQ(Live().get_doccount(), 0u);
}

TEST_F(IndexWriterTest, OneDocumentPerCanonicalUrlReplacedWhenChanged) {
  auto w = IndexWriter::OpenLive(dir_, options_);
  ASSERT_TRUE(w.ok());
  auto r1 = (*w)->Add(Article("https://mfa.gov.az/az/news/no1", "Birinci mətn."));
  ASSERT_TRUE(r1.ok());
  EXPECT_TRUE(*r1);
  auto r2 = (*w)->Add(Article("https://mfa.gov.az/az/news/no1", "Birinci mətn."));
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(*r2) << "unchanged content must not count as a change";
  auto r3 = (*w)->Add(
      Article("https://mfa.gov.az/az/news/no1", "Dəyişmiş mətn.", "2024-01-02T00:00:00Z"));
  ASSERT_TRUE(r3.ok());
  EXPECT_TRUE(*r3);
  EXPECT_TRUE((*w)->Contains("https://mfa.gov.az/az/news/no1"));
  EXPECT_FALSE((*w)->Contains("https://mfa.gov.az/az/news/no2"));
  ASSERT_TRUE((*w)->Commit().ok());
  Xapian::Database db = Live();
  EXPECT_EQ(db.get_doccount(), 1u);
  EXPECT_EQ(db.get_termfreq("dəyişmiş"), 1u);
  EXPECT_EQ(db.get_termfreq("birinci"), 0u);
}

TEST_F(IndexWriterTest, OlderFetchNeverReplacesNewer) {
  auto w = IndexWriter::OpenLive(dir_, options_);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Add(Article("https://x.az/1", "Yeni mətn.", "2024-05-01T00:00:00Z")).ok());
  auto r = (*w)->Add(Article("https://x.az/1", "Köhnə mətn.", "2023-05-01T00:00:00Z"));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  ASSERT_TRUE((*w)->Commit().ok());
  w->reset();
  // Also across writers (looked up in the database, not the session cache).
  auto w2 = IndexWriter::OpenLive(dir_, options_);
  ASSERT_TRUE(w2.ok());
  auto r2 = (*w2)->Add(Article("https://x.az/1", "Köhnə mətn.", "2023-05-01T00:00:00Z"));
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(*r2);
  ASSERT_TRUE((*w2)->Commit().ok());
  EXPECT_EQ(Live().get_termfreq("yeni"), 1u);
}

TEST_F(IndexWriterTest, DocumentFollowsTheSchema) {
  auto w = IndexWriter::OpenLive(dir_, options_);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Add(Article("https://mfa.gov.az/az/news/no7", "Azərbaycan və Rusiya.")).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  Xapian::Database db = Live();
  Xapian::PostingIterator p = db.postlist_begin("Qhttps://mfa.gov.az/az/news/no7");
  ASSERT_NE(p, db.postlist_end("Qhttps://mfa.gov.az/az/news/no7"));
  Xapian::Document d = db.get_document(*p);
  std::set<std::string> terms;
  for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) terms.insert(*t);
  for (const char* want : {"Uhttps://mfa.gov.az/az/news/no7", "Hmfa.gov.az", "Laz", "D20240305",
                           "M202403", "Y2024", "XSOURCEmfa-az", "XTKno123", "XKINDarticle",
                           "azərbaycan", "azerbaycan", "Stitle", "rusiya", "Zrusiy"}) {
    EXPECT_TRUE(terms.count(want)) << want;
  }
  EXPECT_TRUE(terms.count("XID" + DocumentId("https://mfa.gov.az/az/news/no7")));
  EXPECT_EQ(d.get_value(schema::kSlotPublished), "20240305102000");
  EXPECT_EQ(d.get_value(schema::kSlotDate), "20240305");
  EXPECT_EQ(d.get_value(schema::kSlotSource), "mfa-az");
  EXPECT_EQ(d.get_value(schema::kSlotTranslation), "no123");
  EXPECT_EQ(d.get_value(schema::kSlotLanguage), "az");
  EXPECT_FALSE(d.get_value(schema::kSlotDupKey).empty());
  std::string data = d.get_data();
  EXPECT_EQ(data.rfind("url=https://mfa.gov.az/az/news/no7\ncaption=", 0), 0u) << data;
  EXPECT_NE(data.find("\nsample=Azərbaycan və Rusiya.\n"), std::string::npos);
  EXPECT_NE(data.find("\nlanguage=az\n"), std::string::npos);
  EXPECT_NE(data.find("\npressarc={"), std::string::npos);
  EXPECT_NE(data.find("\"offset\":42"), std::string::npos);
}

TEST_F(IndexWriterTest, NewGenerationIsInvisibleUntilPublished) {
  {
    auto live = IndexWriter::OpenLive(dir_, options_);
    ASSERT_TRUE(live.ok());
    ASSERT_TRUE((*live)->Add(Article("https://x.az/old", "Köhnə indeks.")).ok());
    ASSERT_TRUE((*live)->Commit().ok());
  }
  auto gen = IndexWriter::CreateGeneration(dir_, options_);
  ASSERT_TRUE(gen.ok()) << gen.status().message();
  EXPECT_EQ((*gen)->Generation(), "gen-000002");
  ASSERT_TRUE((*gen)->Add(Article("https://x.az/new1", "Yeni indeks bir.")).ok());
  ASSERT_TRUE((*gen)->Add(Article("https://x.az/new2", "Yeni indeks iki.")).ok());
  ASSERT_TRUE((*gen)->Commit().ok());
  Xapian::Database before = Live();
  EXPECT_EQ(before.get_doccount(), 1u);
  EXPECT_EQ(LiveGeneration(dir_), "gen-000001");
  ASSERT_TRUE((*gen)->Publish().ok());
  EXPECT_EQ(LiveGeneration(dir_), "gen-000002");
  Xapian::Database after = Live();
  EXPECT_EQ(after.get_doccount(), 2u);
  EXPECT_EQ(after.get_termfreq("köhnə"), 0u);
  EXPECT_FALSE(fs::exists(IndexPaths::Dir(dir_) + "/gen-000001"));
  EXPECT_FALSE(fs::exists(IndexPaths::Stub(dir_) + ".tmp"));
}

std::uintmax_t DirBytes(const std::string& path) {
  std::uintmax_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(path)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

TEST_F(IndexWriterTest, CompactLiveSwapsInASmallerCopyWithTheSameDocuments) {
  options_.batch_size = 20;  // many small commits, as a large import makes
  {
    auto live = IndexWriter::OpenLive(dir_, options_);
    ASSERT_TRUE(live.ok());
    for (int i = 0; i < 300; ++i) {
      std::string text = "Nazir " + std::to_string(i) + " görüş keçirib; tərəflər əməkdaşlığı " +
                         "müzakirə ediblər. Sənəd " + std::to_string(i * 7) + " imzalanıb.";
      ASSERT_TRUE((*live)->Add(Article("https://x.az/n/" + std::to_string(i), text)).ok());
    }
    ASSERT_TRUE((*live)->Commit().ok());
  }
  std::string before_gen = LiveGeneration(dir_);
  std::uintmax_t before = DirBytes(IndexPaths::Dir(dir_) + "/" + before_gen);
  ASSERT_TRUE(CompactLive(dir_, options_).ok());
  std::string after_gen = LiveGeneration(dir_);
  EXPECT_NE(after_gen, before_gen);
  EXPECT_FALSE(fs::exists(IndexPaths::Dir(dir_) + "/" + before_gen));
  EXPECT_LT(DirBytes(IndexPaths::Dir(dir_) + "/" + after_gen), before);
  Xapian::Database db = Live();
  EXPECT_EQ(db.get_doccount(), 300u);
  EXPECT_EQ(db.get_termfreq("görüş"), 300u);
  // The compacted generation is the live one: writing goes on there.
  auto again = IndexWriter::OpenLive(dir_, options_);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->Add(Article("https://x.az/n/new", "Yeni sənəd.")).ok());
  ASSERT_TRUE((*again)->Commit().ok());
  EXPECT_EQ(Live().get_doccount(), 301u);
}

// The rule import and crawl share: compact after adding a quarter of the
// index (at least a batch); not after adding nothing or a little.
TEST_F(IndexWriterTest, CompactIfGrownCompactsAfterALargeAdditionOnly) {
  IndexWriterOptions options = options_;
  options.batch_size = 10;
  auto add = [&](int from, int to) {
    auto live = IndexWriter::OpenLive(dir_, options);
    ASSERT_TRUE(live.ok());
    for (int i = from; i < to; ++i) {
      ASSERT_TRUE(
          (*live)
              ->Add(Article("https://x.az/" + std::to_string(i), "Mətn nömrə " + std::to_string(i)))
              .ok());
    }
    ASSERT_TRUE((*live)->Commit().ok());
  };
  LiveIndexSize before = MeasureLive(dir_);
  EXPECT_EQ(before.documents, 0u);
  add(0, 40);
  auto compacted = CompactIfGrown(dir_, before, 40, options);
  ASSERT_TRUE(compacted.ok()) << compacted.status().message();
  EXPECT_TRUE(*compacted);
  EXPECT_EQ(LiveGeneration(dir_), "gen-000002");
  EXPECT_EQ(Live().get_doccount(), 40u);

  before = MeasureLive(dir_);
  EXPECT_EQ(before.documents, 40u);
  EXPECT_GT(before.bytes, 0u);
  compacted = CompactIfGrown(dir_, before, 0, options);
  ASSERT_TRUE(compacted.ok());
  EXPECT_FALSE(*compacted);
  EXPECT_EQ(LiveGeneration(dir_), "gen-000002");
}

TEST_F(IndexWriterTest, CompactLiveWithoutAnIndexDoesNothing) {
  EXPECT_TRUE(CompactLive(dir_, options_).ok());
  EXPECT_EQ(LiveGeneration(dir_), "");
}

TEST_F(IndexWriterTest, UnpublishedGenerationLeavesLiveIndexAndIsCleanedUp) {
  {
    auto live = IndexWriter::OpenLive(dir_, options_);
    ASSERT_TRUE(live.ok());
    ASSERT_TRUE((*live)->Add(Article("https://x.az/a", "Canlı indeks.")).ok());
  }
  {
    auto gen = IndexWriter::CreateGeneration(dir_, options_);
    ASSERT_TRUE(gen.ok());
    ASSERT_TRUE((*gen)->Add(Article("https://x.az/b", "Yarımçıq.")).ok());
    ASSERT_TRUE((*gen)->Commit().ok());
    // dropped without Publish(): as if the reindex failed
  }
  EXPECT_EQ(LiveGeneration(dir_), "gen-000001");
  EXPECT_EQ(Live().get_doccount(), 1u);
  // A crashed reindex leaves a directory behind: the next writer removes it.
  fs::create_directories(IndexPaths::Dir(dir_) + "/gen-000007.build");
  auto w = IndexWriter::OpenLive(dir_, options_);
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE(fs::exists(IndexPaths::Dir(dir_) + "/gen-000007.build"));
  EXPECT_EQ(Live().get_doccount(), 1u);
}

TEST_F(IndexWriterTest, ReaderOpenedBeforePublishKeepsWorking) {
  {
    auto live = IndexWriter::OpenLive(dir_, options_);
    ASSERT_TRUE(live.ok());
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(
          (*live)
              ->Add(Article("https://x.az/" + std::to_string(i), "Mətn sənəd " + std::to_string(i)))
              .ok());
    }
  }
  Xapian::Database reader = Live();
  auto gen = IndexWriter::CreateGeneration(dir_, options_);
  ASSERT_TRUE(gen.ok());
  ASSERT_TRUE((*gen)->Add(Article("https://x.az/only", "Tək sənəd.")).ok());
  ASSERT_TRUE((*gen)->Publish().ok());
  Xapian::Enquire enquire(reader);
  enquire.set_query(Xapian::Query("sənəd"));
  EXPECT_EQ(enquire.get_mset(0, 100).size(), 50u);  // the old generation, still readable
  EXPECT_EQ(Live().get_doccount(), 1u);
}

TEST_F(IndexWriterTest, LongUrlsAreHashedIntoShortTerms) {
  std::string url = "https://x.az/" + std::string(400, 'a');
  std::string term = BooleanTerm("Q", url);
  EXPECT_LE(term.size(), 240u);
  EXPECT_NE(term, BooleanTerm("Q", url + "b"));
  auto w = IndexWriter::OpenLive(dir_, options_);
  ASSERT_TRUE(w.ok());
  auto r = (*w)->Add(Article(url, "Uzun ünvan."));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE((*w)->Contains(url));
}

// 20 URLs, three versions each (pushed newest first for some), a page that
// is not an article and one that throws, through a BulkIndexer into a new
// generation of `shards` databases: the newest version of each URL is the
// one published, in one merged database.
void BulkIndexNewestWins(const std::string& dir, IndexWriterOptions options, unsigned shards) {
  options.shards = shards;
  auto gen = IndexWriter::CreateGeneration(dir, options);
  ASSERT_TRUE(gen.ok());
  EXPECT_EQ((*gen)->Shards(), shards);
  BulkIndexStats stats;
  {
    BulkIndexer bulk(gen->get(), 3);
    for (int i = 0; i < 60; ++i) {
      int url = i % 20;
      int version = (i / 20 + url) % 3;
      bulk.Push([url, version]() -> std::optional<IndexedArticle> {
        return IndexWriterTest::Article("https://x.az/" + std::to_string(url),
                                        "versiya" + std::to_string(version),
                                        "2024-01-0" + std::to_string(version + 1) + "T00:00:00Z");
      });
    }
    bulk.Push([]() -> std::optional<IndexedArticle> { return std::nullopt; });  // not an article
    bulk.Push([]() -> std::optional<IndexedArticle> { throw std::runtime_error("bad page"); });
    ASSERT_TRUE(bulk.Finish().ok());
    stats = bulk.stats();
  }
  EXPECT_EQ(stats.tasks, 62u);
  EXPECT_EQ(stats.articles, 60u);
  EXPECT_EQ(stats.indexed + stats.unchanged, 60u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_EQ((*gen)->DocumentCount(), 20u);
  ASSERT_TRUE((*gen)->Publish().ok());
  Xapian::Database db(IndexPaths::Stub(dir));
  EXPECT_EQ(db.get_doccount(), 20u);
  EXPECT_EQ(db.get_termfreq("versiya2"), 20u);
  EXPECT_EQ(db.get_termfreq("versiya0"), 0u);
  EXPECT_EQ(db.get_spelling_suggestion("tittle"), "title");  // spelling tables merged
  EXPECT_FALSE(fs::exists(IndexPaths::Dir(dir) + "/" + LiveGeneration(dir) + ".build"));
}

TEST_F(IndexWriterTest, BulkIndexerKeepsTheNewestVersionWhateverTheOrder) {
  BulkIndexNewestWins(dir_, options_, 1);
}

TEST_F(IndexWriterTest, ShardedGenerationKeepsTheNewestVersionAndIsMergedOnPublish) {
  BulkIndexNewestWins(dir_, options_, 3);
}

// Two records of one canonical URL fetched in the same second (a page under
// `/x` and `/x/`, or one page archived twice), through a BulkIndexer of two threads: the one later
// in the run is indexed whichever thread finishes first (`slow` is the record held back), with
// equal or different content alike.
void LaterRecordOfTheSameSecondWins(const std::string& dir, IndexWriterOptions options,
                                    bool same_text, int slow) {
  options.shards = 2;
  auto gen = IndexWriter::CreateGeneration(dir, options);
  ASSERT_TRUE(gen.ok());
  BulkIndexStats stats;
  {
    BulkIndexer bulk(gen->get(), 2);
    for (int k = 0; k < 2; ++k) {
      bulk.Push([k, same_text, slow]() -> std::optional<IndexedArticle> {
        if (k == slow) std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const char* text = same_text ? "Eyni mətn." : k == 0 ? "Birinci." : "İkinci.";
        auto a = IndexWriterTest::Article("https://x.az/page", text);
        // Told apart by where they are archived (same text) or their URLs.
        a.archive.offset = 100 + k;
        if (!same_text) a.article.url = k == 0 ? "https://x.az/page" : "https://x.az/page/";
        return a;
      });
    }
    ASSERT_TRUE(bulk.Finish().ok());
    stats = bulk.stats();
  }
  ASSERT_TRUE((*gen)->Publish().ok());
  Xapian::Database db(IndexPaths::Stub(dir));
  ASSERT_EQ(db.get_doccount(), 1u);
  const std::string data = db.get_document(*db.postlist_begin("")).get_data();
  const std::string later = same_text ? R"("offset":101)" : R"("url":"https://x.az/page/")";
  EXPECT_NE(data.find(later), std::string::npos) << "slow record " << slow << ": " << data;
  // Counted the same either way: one indexed, and the other unchanged (same
  // text) or indexed too (the earlier one first) or not (the later first).
  EXPECT_EQ(stats.indexed + stats.unchanged, 2u);
  if (same_text) {
    EXPECT_EQ(stats.indexed, 1u);
  }
}

TEST_F(IndexWriterTest, BulkRunKeepsTheLaterRecordOfASecondWhateverThreadFinishesFirst) {
  for (int slow : {0, 1}) {
    TearDown();
    SetUp();
    LaterRecordOfTheSameSecondWins(dir_, options_, false, slow);
  }
}

TEST_F(IndexWriterTest, BulkRunKeepsTheLaterRecordOfASecondAlsoWhenTheTextIsTheSame) {
  for (int slow : {0, 1}) {
    TearDown();
    SetUp();
    LaterRecordOfTheSameSecondWins(dir_, options_, true, slow);
  }
}

TEST_F(IndexWriterTest, UnpublishedShardedGenerationIsRemoved) {
  IndexWriterOptions options = options_;
  options.shards = 2;
  {
    auto gen = IndexWriter::CreateGeneration(dir_, options);
    ASSERT_TRUE(gen.ok());
    ASSERT_TRUE((*gen)->Add(Article("https://x.az/a", "Bir.")).ok());
    ASSERT_TRUE((*gen)->Add(Article("https://x.az/b", "İki.")).ok());
    ASSERT_TRUE((*gen)->Commit().ok());
    EXPECT_TRUE(fs::exists(IndexPaths::Dir(dir_) + "/gen-000001.build/shard-1"));
  }
  EXPECT_FALSE(fs::exists(IndexPaths::Dir(dir_) + "/gen-000001.build"));
  EXPECT_EQ(LiveGeneration(dir_), "");
}

// A live index of three documents (one with a first-archived time) for the
// bulk additions below.
void WriteSmallLiveIndex(const std::string& dir, const IndexWriterOptions& options) {
  auto live = IndexWriter::OpenLive(dir, options);
  ASSERT_TRUE(live.ok());
  auto kept = IndexWriterTest::Article("https://x.az/kept", "Qalan sənəd Bayramov.");
  ASSERT_TRUE((*live)->Add(kept).ok());
  ASSERT_TRUE((*live)
                  ->Add(IndexWriterTest::Article("https://x.az/newer", "Köhnə mətn.",
                                                 "2024-01-01T00:00:00Z"))
                  .ok());
  ASSERT_TRUE((*live)
                  ->Add(IndexWriterTest::Article("https://x.az/older", "Təzə mətn.",
                                                 "2024-06-01T00:00:00Z"))
                  .ok());
  ASSERT_TRUE((*live)->Commit().ok());
}

TEST_F(IndexWriterTest, BulkAddIntoAnEmptyIndexBuildsANewShardedGeneration) {
  IndexWriterOptions options = options_;
  options.shards = 2;
  auto bulk = OpenForBulkAdd(dir_, 0, options);
  ASSERT_TRUE(bulk.ok()) << bulk.status().message();
  EXPECT_TRUE(bulk->new_generation);
  EXPECT_EQ(bulk->writer->Shards(), 2u);
  ASSERT_TRUE(bulk->writer->Add(Article("https://x.az/a", "Bir.")).ok());
  ASSERT_TRUE(bulk->writer->Add(Article("https://x.az/b", "İki.")).ok());
  ASSERT_TRUE(bulk->writer->Commit().ok());
  EXPECT_EQ(LiveGeneration(dir_), "");  // nothing live before Publish
  ASSERT_TRUE(bulk->writer->Publish().ok());
  EXPECT_EQ(Live().get_doccount(), 2u);
  EXPECT_EQ(Live().get_metadata(std::string(schema::kMetadataWdf)), schema::kWdfNormalised);
}

TEST_F(IndexWriterTest, BulkAddIntoASmallIndexCopiesItIntoTheNewGeneration) {
  WriteSmallLiveIndex(dir_, options_);
  IndexWriterOptions options = options_;
  options.shards = 3;
  auto bulk = OpenForBulkAdd(dir_, 3 * kInputBytesPerLiveDocument, options);
  ASSERT_TRUE(bulk.ok()) << bulk.status().message();
  ASSERT_TRUE(bulk->new_generation);
  EXPECT_EQ(bulk->writer->DocumentCount(), 3u);
  IndexWriter& w = *bulk->writer;
  // a newer fetch replaces a copied document, an older one does not
  auto replaced = w.Add(Article("https://x.az/newer", "Yeni mətn.", "2024-03-01T00:00:00Z"));
  ASSERT_TRUE(replaced.ok());
  EXPECT_TRUE(*replaced);
  auto ignored = w.Add(Article("https://x.az/older", "Lap köhnə.", "2024-02-01T00:00:00Z"));
  ASSERT_TRUE(ignored.ok());
  EXPECT_FALSE(*ignored);
  ASSERT_TRUE(w.Add(Article("https://x.az/added", "Əlavə sənəd.")).ok());
  ASSERT_TRUE(w.Commit().ok());
  EXPECT_EQ(Live().get_doccount(), 3u);  // the live index is untouched meanwhile
  EXPECT_EQ(Live().get_termfreq("yeni"), 0u);
  ASSERT_TRUE(w.Publish().ok());
  Xapian::Database db = Live();
  EXPECT_EQ(db.get_doccount(), 4u);
  EXPECT_EQ(db.get_termfreq("köhnə"), 0u);
  EXPECT_EQ(db.get_termfreq("yeni"), 1u);
  EXPECT_EQ(db.get_termfreq("təzə"), 1u);
  EXPECT_EQ(db.get_termfreq("lap"), 0u);
  EXPECT_EQ(db.get_termfreq("bayramov"), 1u);
  EXPECT_EQ(db.get_spelling_suggestion("bayramof"), "bayramov");  // spelling copied
  // the copied document has its positions (phrases) and data
  Xapian::Enquire enquire(db);
  const std::vector<Xapian::Query> phrase = {Xapian::Query("qalan"), Xapian::Query("sened")};
  enquire.set_query(Xapian::Query(Xapian::Query::OP_PHRASE, phrase.begin(), phrase.end()));
  Xapian::MSet m = enquire.get_mset(0, 10);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m.begin().get_document().get_data().find("https://x.az/kept"), std::string::npos);
}

TEST_F(IndexWriterTest, BulkAddOfLittleIntoALargerIndexUpdatesItInPlace) {
  WriteSmallLiveIndex(dir_, options_);
  auto bulk = OpenForBulkAdd(dir_, 2 * kInputBytesPerLiveDocument, options_);
  ASSERT_TRUE(bulk.ok());
  EXPECT_FALSE(bulk->new_generation);
  ASSERT_TRUE(bulk->writer->Add(Article("https://x.az/added", "Əlavə.")).ok());
  ASSERT_TRUE(bulk->writer->Publish().ok());  // the live generation: a commit
  EXPECT_EQ(LiveGeneration(dir_), "gen-000001");
  EXPECT_EQ(Live().get_doccount(), 4u);
}

TEST_F(IndexWriterTest, BulkAddDroppedBeforePublishLeavesTheLiveIndex) {
  WriteSmallLiveIndex(dir_, options_);
  IndexWriterOptions options = options_;
  options.shards = 2;
  {
    auto bulk = OpenForBulkAdd(dir_, 100 * kInputBytesPerLiveDocument, options);
    ASSERT_TRUE(bulk.ok());
    ASSERT_TRUE(bulk->new_generation);
    ASSERT_TRUE(
        bulk->writer->Add(Article("https://x.az/kept", "Dəyişib.", "2025-01-01T00:00:00Z")).ok());
    ASSERT_TRUE(bulk->writer->Commit().ok());
    // dropped without Publish(): as if the import failed or was killed
  }
  EXPECT_EQ(LiveGeneration(dir_), "gen-000001");
  EXPECT_EQ(Live().get_doccount(), 3u);
  EXPECT_EQ(Live().get_termfreq("dəyişib"), 0u);
  EXPECT_FALSE(fs::exists(IndexPaths::Dir(dir_) + "/gen-000002.build"));
}

// A new generation's pair words are the frequent words of the one it
// replaces (a first index has none); its documents get the XPAIR terms of
// adjacent pair words, in the title and the text alike, not of words apart;
// documents added later to the live index, and a bulk add that copies the
// live index into a new generation, keep the same words, so that every
// document of a generation has the pairs of one list.
TEST_F(IndexWriterTest, PairWordsComeFromTheIndexReplacedAndStayWithItsDocuments) {
  IndexWriterOptions options = options_;
  options.shards = 2;
  options.pair_word_share = 0.5;
  options.pair_word_min_docs = 2;
  const std::vector<IndexedArticle> articles = {
      Article("https://x.az/1", "Xarici işlər naziri gəldi."),
      Article("https://x.az/2", "Xarici işlər nazirliyi bəyanat yayıb."),
      Article("https://x.az/3", "Nazir bildirib ki, xarici siyasət və daxili işlər."),
      Article("https://x.az/4", "Başqa mətn."),
  };
  const std::string pair = schema::PairTerm("xarici", "isler");
  for (int generation = 1; generation <= 2; ++generation) {
    auto gen = IndexWriter::CreateGeneration(dir_, options);
    ASSERT_TRUE(gen.ok()) << gen.status().message();
    const auto words = (*gen)->Preparation().pair_words;
    ASSERT_NE(words, nullptr);
    EXPECT_EQ(words->empty(), generation == 1);
    for (const auto& a : articles) ASSERT_TRUE((*gen)->Add(a).ok());
    ASSERT_TRUE((*gen)->Publish().ok());
  }
  Xapian::Database db = Live();
  const auto words = PairWords::Parse(db.get_metadata(std::string(schema::kMetadataPairWords)));
  // In at least 2 of the 4: the positional (folded) forms, the title's words.
  EXPECT_TRUE(words.Has("xarici") && words.Has("isler") && words.Has("title"));
  EXPECT_FALSE(words.Has("naziri"));
  EXPECT_EQ(db.get_termfreq(pair), 2u);  // not in 3, where the words are apart
  EXPECT_EQ(db.get_termfreq(schema::PairTerm("title", "of")), 4u);

  {  // added to the live index: the same words
    auto live = IndexWriter::OpenLive(dir_, options_);
    ASSERT_TRUE(live.ok());
    ASSERT_NE((*live)->Preparation().pair_words, nullptr);
    EXPECT_EQ((*live)->Preparation().pair_words->Serialise(), words.Serialise());
    ASSERT_TRUE((*live)->Add(Article("https://x.az/5", "Xarici işlər.")).ok());
    ASSERT_TRUE((*live)->Commit().ok());
  }
  EXPECT_EQ(Live().get_termfreq(pair), 3u);

  {  // a bulk add copying the live index: the words copied with the documents
    auto bulk = OpenForBulkAdd(dir_, 100 * kInputBytesPerLiveDocument, options);
    ASSERT_TRUE(bulk.ok()) << bulk.status().message();
    ASSERT_TRUE(bulk->new_generation);
    EXPECT_EQ(bulk->writer->Preparation().pair_words->Serialise(), words.Serialise());
    ASSERT_TRUE(bulk->writer->Add(Article("https://x.az/6", "Yenə xarici işlər.")).ok());
    ASSERT_TRUE(bulk->writer->Publish().ok());
  }
  db = Live();
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetadataPairWords)), words.Serialise());
  EXPECT_EQ(db.get_termfreq(pair), 4u);
}

// BM25's length normalisation is applied at index time (schema.h): one
// mention weighs more in a short release than in a long one, in the wdf
// itself, and the index says so in its metadata; a sharded generation keeps
// that through the merge. An index written before (raw wdfs, no metadata)
// keeps raw wdfs for the documents added to it, so that its documents stay
// comparable until a reindex.
TEST_F(IndexWriterTest, NewIndexesStoreLengthNormalisedWdfs) {
  std::string filler;
  for (int i = 0; i < 600; ++i) filler += " söz" + std::to_string(i % 50);
  IndexWriterOptions options = options_;
  options.shards = 2;
  auto gen = IndexWriter::CreateGeneration(dir_, options);
  ASSERT_TRUE(gen.ok());
  EXPECT_TRUE((*gen)->Preparation().normalise_wdf);
  ASSERT_TRUE((*gen)->Add(Article("https://x.az/short", "Lavrov gəldi.")).ok());
  ASSERT_TRUE((*gen)->Add(Article("https://x.az/long", "Lavrov gəldi." + filler)).ok());
  ASSERT_TRUE((*gen)->Publish().ok());
  Xapian::Database db = Live();
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetadataWdf)), schema::kWdfNormalised);
  auto wdf_in = [&](const std::string& url) -> Xapian::termcount {
    Xapian::docid did = *db.postlist_begin(BooleanTerm(schema::kPrefixUnique, url));
    Xapian::TermIterator t = db.termlist_begin(did);
    t.skip_to("lavrov");
    return t != db.termlist_end(did) && *t == "lavrov" ? t.get_wdf() : 0;
  };
  const Xapian::termcount short_wdf = wdf_in("https://x.az/short");
  const Xapian::termcount long_wdf = wdf_in("https://x.az/long");
  // One mention, exact form (2 raw): 2 * 64 / (0.5 + 0.5 * 0.5) in the
  // short one (at least half the reference length), 2 * 64 / (0.5 + 0.5 *
  // 603 / 400) in the long one.
  EXPECT_EQ(short_wdf, 171u);
  EXPECT_EQ(long_wdf, 102u);

  // An older live index: raw wdfs stay.
  fs::remove_all(dir_);
  fs::create_directories(IndexPaths::Dir(dir_) + "/gen-000001");
  {
    Xapian::WritableDatabase old(IndexPaths::Dir(dir_) + "/gen-000001",
                                 Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::Document d;
    d.add_boolean_term(BooleanTerm(schema::kPrefixUnique, "https://x.az/old"));
    old.add_document(d);
    old.commit();
  }
  std::ofstream(IndexPaths::Stub(dir_)) << "auto gen-000001\n";
  {
    auto live = IndexWriter::OpenLive(dir_, options_);
    ASSERT_TRUE(live.ok());
    EXPECT_FALSE((*live)->Preparation().normalise_wdf);
    ASSERT_TRUE((*live)->Add(Article("https://x.az/short", "Lavrov gəldi.")).ok());
    ASSERT_TRUE((*live)->Commit().ok());
  }
  db = Live();
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetadataWdf)), "");
  EXPECT_EQ(wdf_in("https://x.az/short"), 2u);
}

TEST(DocumentIdTest, StableHexFromCanonicalUrl) {
  EXPECT_EQ(DocumentId("https://mfa.gov.az/az/news/no1").size(), 16u);
  EXPECT_EQ(DocumentId("https://mfa.gov.az/az/news/no1"),
            DocumentId("https://mfa.gov.az/az/news/no1"));
  EXPECT_NE(DocumentId("https://mfa.gov.az/az/news/no1"),
            DocumentId("https://mfa.gov.az/az/news/no2"));
}

}  // namespace
}  // namespace pressarc

namespace pressarc {
namespace {

// The status a document's XSTATUS term and kSlotStatus value give ("" when
// they disagree or are missing).
std::string IndexedStatus(const Xapian::Database& db, const std::string& url) {
  const std::string q = BooleanTerm(schema::kPrefixUnique, url);
  auto p = db.postlist_begin(q);
  if (p == db.postlist_end(q)) return "no document";
  const Xapian::Document d = db.get_document(*p);
  std::string term;
  for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
    if ((*t).starts_with(schema::kPrefixStatus)) {
      if (!term.empty()) return "two status terms";
      term = (*t).substr(schema::kPrefixStatus.size());
    }
  }
  return term == d.get_value(schema::kSlotStatus) ? term : "";
}

TEST_F(IndexWriterTest, StatusIsATermAndAValueLiveUnlessRemoved) {
  auto w = IndexWriter::OpenLive(dir_, options_);
  ASSERT_TRUE(w.ok());
  IndexedArticle gone = Article("https://mfa.gov.az/az/news/1", "Bir mətn.");
  gone.removed = true;
  ASSERT_TRUE((*w)->Add(gone).ok());
  ASSERT_TRUE((*w)->Add(Article("https://mfa.gov.az/az/news/2", "İki mətn.")).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  Xapian::Database db = Live();
  EXPECT_EQ(IndexedStatus(db, "https://mfa.gov.az/az/news/1"), "removed");
  EXPECT_EQ(IndexedStatus(db, "https://mfa.gov.az/az/news/2"), "live");
  EXPECT_EQ(db.get_termfreq("XSTATUSremoved"), 1u);
  EXPECT_EQ(db.get_termfreq("XSTATUSlive"), 1u);
}

TEST_F(IndexWriterTest, SetRemovedFindsTheDocumentByAnyOfItsUrlsAndBack) {
  auto w = IndexWriter::OpenLive(dir_, options_);
  ASSERT_TRUE(w.ok());
  IndexedArticle a = Article("https://mfa.gov.az/az/news/1", "Bir mətn.");
  a.article.url = "https://mfa.gov.az/az/news/1?from=list";  // fetched URL differs
  ASSERT_TRUE((*w)->Add(a).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  const std::string hash = Live()
                               .get_document(*Live().postlist_begin("XSTATUSlive"))
                               .get_value(schema::kSlotContentHash);

  struct Step {
    std::string url;
    bool removed;
    bool changes;
    std::string status;
  };
  const Step steps[] = {
      {"https://mfa.gov.az/az/news/1?from=list", true, true, "removed"},
      {"https://mfa.gov.az/az/news/1", true, false, "removed"},  // already so
      {"https://mfa.gov.az/az/news/1", false, true, "live"},
      {"https://mfa.gov.az/az/news/unknown", true, false, "live"},
  };
  for (const Step& s : steps) {
    auto changed = (*w)->SetRemoved(s.url, s.removed);
    ASSERT_TRUE(changed.ok()) << changed.status().message();
    EXPECT_EQ(*changed, s.changes) << s.url << " " << s.removed;
    ASSERT_TRUE((*w)->Commit().ok());
    Xapian::Database db = Live();
    EXPECT_EQ(IndexedStatus(db, "https://mfa.gov.az/az/news/1"), s.status) << s.url;
    EXPECT_EQ(db.get_doccount(), 1u);
    // The content did not change: watches see no edit.
    EXPECT_EQ(
        db.get_document(*db.postlist_begin("XID" + DocumentId("https://mfa.gov.az/az/news/1")))
            .get_value(schema::kSlotContentHash),
        hash);
  }
}

TEST_F(IndexWriterTest, TheSameArticleWithAnotherStatusReplacesTheDocument) {
  auto w = IndexWriter::OpenLive(dir_, options_);
  ASSERT_TRUE(w.ok());
  IndexedArticle a = Article("https://mfa.gov.az/az/news/1", "Bir mətn.");
  ASSERT_TRUE(*(*w)->Add(a));
  EXPECT_FALSE(*(*w)->Add(a));  // unchanged
  a.removed = true;
  EXPECT_TRUE(*(*w)->Add(a));  // only the status differs
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(IndexedStatus(Live(), "https://mfa.gov.az/az/news/1"), "removed");
  a.removed = false;
  EXPECT_TRUE(*(*w)->Add(a));
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(IndexedStatus(Live(), "https://mfa.gov.az/az/news/1"), "live");
}

}  // namespace
}  // namespace pressarc
