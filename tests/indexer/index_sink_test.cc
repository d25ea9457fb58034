// IndexSink (indexer.h), the crawl's sink: with a VersionLog it records each
// article's version in the catalogue before the index, so that the crawl's
// replay after a kill adds no version twice; only articles make versions.
#include <gtest/gtest.h>
#include <xapian.h>

#include <string>

#include "indexer/indexer.h"
#include "tests/test_util.h"

namespace pressarc {
namespace {

constexpr char kUrl[] = "https://mfa.gov.az/en/news/no7";

std::string Page(const std::string& figure) {
  return "<html lang=\"en\"><body><article><h1>Consultations held</h1><time "
         "datetime=\"2024-05-01\">1 May</time><p>The ministry said that " +
         figure +
         " people took part in the consultations on regional security held in Baku on "
         "Tuesday.</p><p>The sides agreed to meet again in autumn and to continue the "
         "dialogue.</p></article></body></html>";
}

class IndexSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto converter = RecordConverter::Create(config_);
    ASSERT_TRUE(converter.ok());
    converter_.emplace(std::move(converter.value()));
    WarcWriterOptions o;
    o.dir = dir_.path() + "/archive";
    auto writer = WarcWriter::Open(o);
    ASSERT_TRUE(writer.ok());
    warc_ = std::move(writer.value());
  }

  std::unique_ptr<IndexSink> OpenSink() {
    auto versions = VersionLog::Open(dir_.path(), &*converter_);
    EXPECT_TRUE(versions.ok());
    auto sink = IndexSink::Open(dir_.path(), std::move(versions.value()));
    EXPECT_TRUE(sink.ok());
    return std::move(sink.value());
  }

  // Archives the page and gives it to the sink as the crawl does.
  void Crawl(IndexSink* sink, const std::string& html, const std::string& at) {
    auto loc = warc_->WriteResource(kUrl, at, "text/html", html, "mfa-az");
    ASSERT_TRUE(loc.ok());
    ASSERT_TRUE(warc_->Flush().ok());
    auto record = ReadWarcRecordAt(dir_.path() + "/archive/" + loc->file, loc->offset);
    ASSERT_TRUE(record.ok());
    auto article = converter_->Convert(*record);
    ASSERT_TRUE(article && article->kind == PageKind::kArticle);
    ASSERT_TRUE(sink->Add(*article, *loc, at).ok());
  }

  std::vector<ArticleVersion> Versions() {
    auto catalogue = Catalogue::OpenReadOnly(dir_.path() + "/state.sqlite");
    EXPECT_TRUE(catalogue.ok());
    return (*catalogue)->Versions(kUrl);
  }

  testing::TempDir dir_;
  Config config_;
  std::optional<RecordConverter> converter_;
  std::unique_ptr<WarcWriter> warc_;
};

TEST_F(IndexSinkTest, RecordsVersionsBeforeTheIndexAndReplaysAddNone) {
  {
    auto sink = OpenSink();
    Crawl(sink.get(), Page("25"), "2024-05-01T10:00:00Z");
    Crawl(sink.get(), Page("26"), "2024-05-02T10:00:00Z");
    // Killed before the index commit: the versions are in the catalogue.
  }
  ASSERT_EQ(Versions().size(), 2u);
  {
    // The next run replays both fetches into the index.
    auto sink = OpenSink();
    Crawl(sink.get(), Page("25"), "2024-05-01T10:00:00Z");
    Crawl(sink.get(), Page("26"), "2024-05-02T10:00:00Z");
    ASSERT_TRUE(sink->Commit().ok());
  }
  auto v = Versions();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].words_added, 1);
  EXPECT_EQ(v[1].words_removed, 1);
}

TEST_F(IndexSinkTest, PagesThatAreNotArticlesMakeNoVersion) {
  auto sink = OpenSink();
  Article listing;
  listing.kind = PageKind::kListing;
  listing.url = listing.canonical_url = "https://mfa.gov.az/en/news";
  listing.title = "News";
  auto added = sink->Add(listing, ArchiveLocation{"x.warc.gz", 0}, "2024-05-01T10:00:00Z");
  ASSERT_TRUE(added.ok());
  EXPECT_FALSE(*added);
  auto catalogue = Catalogue::OpenReadOnly(dir_.path() + "/state.sqlite");
  ASSERT_TRUE(catalogue.ok());
  EXPECT_TRUE((*catalogue)->Versions(listing.url).empty());
}

// The status of kUrl's document in the live index: its XSTATUS term.
std::string IndexedStatus(const std::string& data_dir) {
  Xapian::Database db(IndexPaths::Stub(data_dir));
  std::string status;
  for (const char* s : {"live", "removed"}) {
    if (db.get_termfreq(std::string("XSTATUS") + s) > 0) status += s;
  }
  return status;
}

TEST_F(IndexSinkTest, KeepsTheIndexedStatusAsTheCatalogueRecordsRemovals) {
  auto catalogue = Catalogue::Open(dir_.path() + "/state.sqlite");
  ASSERT_TRUE(catalogue.ok());
  auto sink = OpenSink();
  Crawl(sink.get(), Page("25"), "2024-05-01T10:00:00Z");
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(IndexedStatus(dir_.path()), "live");

  // Two misses an hour apart remove it; the crawler then tells the sink.
  ASSERT_FALSE(*(*catalogue)->RecordMissing(kUrl, "mfa-az", "2024-05-03T10:00:00Z"));
  ASSERT_TRUE(*(*catalogue)->RecordMissing(kUrl, "mfa-az", "2024-05-03T11:00:00Z"));
  auto changed = sink->SetRemoved(kUrl, true);
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(*changed);
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(IndexedStatus(dir_.path()), "removed");

  // An article (re)added while the catalogue says removed is indexed as removed.
  Crawl(sink.get(), Page("26"), "2024-05-03T12:00:00Z");
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(IndexedStatus(dir_.path()), "removed");

  // Restored: live again, by SetRemoved and for what is added after.
  ASSERT_TRUE(*(*catalogue)->RecordPresent(kUrl, "mfa-az", "2024-05-04T10:00:00Z"));
  EXPECT_TRUE(*sink->SetRemoved(kUrl, false));
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(IndexedStatus(dir_.path()), "live");
  Crawl(sink.get(), Page("27"), "2024-05-04T10:00:00Z");
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(IndexedStatus(dir_.path()), "live");
}

}  // namespace
}  // namespace pressarc
