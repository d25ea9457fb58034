// The status of articles in search: `status:removed` and `status:live` in
// the query language (the index's XSTATUS term), the status of each result
// and of `show` (kSlotStatus), and the status facet (a ValueCountMatchSpy).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "search/search.h"
#include "tests/search/test_index.h"

namespace pressarc::search {
namespace {

using testing::Doc;
using testing::TempIndex;

constexpr char kGone[] = "https://mfa.gov.az/en/news/no20011";  // the vaccine release

// The standard documents, with kGone indexed as removed (as the crawler,
// import and reindex index an article whose site took it down).
class StatusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    index_ = new TempIndex(std::vector<Doc>{});
    auto writer = IndexWriter::OpenLive(index_->dir());
    ASSERT_TRUE(writer.ok());
    for (const Doc& d : testing::StandardDocs()) {
      IndexedArticle a = testing::ArticleOf(d, 0);
      a.removed = d.url == kGone;
      ASSERT_TRUE((*writer)->Add(a).ok());
    }
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  static void TearDownTestSuite() {
    delete index_;
    index_ = nullptr;
  }
  void SetUp() override {
    auto s = Searcher::Open(index_->dir());
    ASSERT_TRUE(s.ok()) << s.status().message();
    searcher_ = std::move(*s);
  }

  Result<SearchResponse> Search(const std::string& query, bool facets = false) {
    SearchOptions o;
    o.query = query;
    o.limit = 50;
    o.fold_copies = false;
    o.facets = facets;
    return searcher_->Search(o);
  }

  static std::map<std::string, std::uint64_t> Counts(const std::vector<FacetValue>& values) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& v : values) out[v.value] = v.count;
    return out;
  }

  static TempIndex* index_;
  std::unique_ptr<Searcher> searcher_;
};

TempIndex* StatusTest::index_ = nullptr;

TEST_F(StatusTest, StatusFilterMatchesRemovedOrLiveArticles) {
  const std::size_t all = testing::StandardDocs().size();
  struct Case {
    std::string query;
    std::size_t hits;
    bool only_gone;
  };
  const Case cases[] = {
      {"status:removed", 1, true},
      {"status:REMOVED", 1, true},
      {"vaccine status:removed", 1, true},
      {"lavrov status:removed", 0, false},
      {"status:live", all - 1, false},
      {"vaccine status:live", 0, false},
      {"-status:removed source:mfa-az", 5, false},
  };
  for (const Case& c : cases) {
    auto r = Search(c.query);
    ASSERT_TRUE(r.ok()) << c.query << ": " << r.status().message();
    EXPECT_EQ(r->hits.size(), c.hits) << c.query;
    for (const SearchHit& h : r->hits) {
      EXPECT_EQ(h.url == kGone, c.only_gone) << c.query << " " << h.url;
      EXPECT_EQ(h.status, h.url == kGone ? "removed" : "live") << h.url;
    }
  }
}

TEST_F(StatusTest, UnknownStatusIsAQueryError) {
  for (const char* q : {"status:gone", "vaccine status:deleted"}) {
    auto r = Search(q);
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_EQ(r.status().code(), Status::Code::kUsage) << q;
    EXPECT_NE(r.status().message().find("live"), std::string::npos) << r.status().message();
  }
}

TEST_F(StatusTest, FacetsCountMatchesByStatus) {
  auto r = Search("source:mfa-az OR source:mid-ru OR source:metbuat", true);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->facets);
  const std::size_t all = testing::StandardDocs().size();
  EXPECT_EQ(Counts(r->facets->statuses),
            (std::map<std::string, std::uint64_t>{{"live", all - 1}, {"removed", 1}}));
  EXPECT_EQ(r->facets->statuses.front().value, "live");  // most frequent first

  auto gone = Search("status:removed", true);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(Counts(gone->facets->statuses), (std::map<std::string, std::uint64_t>{{"removed", 1}}));

  const auto json = nlohmann::json::parse(FormatSearch(*r, OutputFormat::kJson));
  EXPECT_EQ(json["facets"]["status"]["removed"], 1);
  EXPECT_EQ(json["facets"]["status"]["live"], all - 1);
  const std::string text = FormatSearch(*gone, OutputFormat::kText);
  EXPECT_NE(text.find("By status: removed (1)"), std::string::npos) << text;
  EXPECT_NE(text.find(" · removed\n"), std::string::npos) << text;
}

TEST_F(StatusTest, ShowGivesTheIndexedStatus) {
  auto gone = searcher_->Show(kGone);
  ASSERT_TRUE(gone.ok()) << gone.status().message();
  EXPECT_EQ(gone->status, "removed");
  auto live = searcher_->Show("https://mid.ru/ru/press/1900");
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->status, "live");
}

}  // namespace
}  // namespace pressarc::search
