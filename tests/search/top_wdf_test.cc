// A frequent word matched among its documents of highest wdf
// (search/top_wdf.h) gives the first pages of the word alone: the same
// documents, weights and order, and (with AsTheWordAlone's fixes) the same
// percentages and counts.
#include "search/top_wdf.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <random>
#include <string>
#include <vector>

#include "indexer/schema.h"
#include "tests/test_util.h"

namespace pressarc::search::internal {
namespace {

using Q = Xapian::Query;

// 4,000 documents: "common" in 3 of 4 with wdfs 1-40 (many share each
// wdf, so the pages end inside runs of equal weight), "alike" in every
// document with wdf 1, "rare" in 1 of 50; a date in slot 0 for the sort of
// relevance then value; some documents deleted.
class TopWdfTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new pressarc::testing::TempDir();
    Xapian::WritableDatabase db(dir_->path() + "/db", Xapian::DB_CREATE_OR_OPEN);
    std::mt19937 rng(11);
    for (int i = 0; i < 4000; ++i) {
      Xapian::Document doc;
      if (rng() % 4 != 0) doc.add_term("common", 1 + rng() % 40);
      doc.add_term("alike", 1);
      if (rng() % 50 == 0) doc.add_term("rare", 1 + rng() % 5);
      doc.add_value(0, std::to_string(20190101 + rng() % 50000));
      db.add_document(doc);
    }
    for (Xapian::docid did = 7; did < 4000; did += 89) db.delete_document(did);
    db.commit();
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { db_ = Xapian::Database(dir_->path() + "/db"); }

  struct Page {
    std::vector<Xapian::docid> docids;
    std::vector<double> weights;
    std::vector<int> percents;
    Xapian::doccount lower = 0, estimated = 0, upper = 0;
  };
  // The first `n` matches of `q` weighed as search weighs a normalised index
  // (BM25, b = 0), ties by docid or (`by_date`) newest first, as the searcher
  // asks for them; `narrowed`: read as AsTheWordAlone reads them.
  Page Run(const Q& q, Xapian::doccount n, bool by_date, const Narrowed* narrowed) const {
    Xapian::Enquire enquire(db_);
    enquire.set_query(q);
    enquire.set_weighting_scheme(
        Xapian::BM25Weight(schema::kBm25K1 * schema::kWdfScale, 0, 1, 0, 0.5));
    if (by_date) enquire.set_sort_by_relevance_then_value(0, true);
    const Xapian::MSet m = enquire.get_mset(0, n, std::max<Xapian::doccount>(200, n));
    Page p;
    for (auto it = m.begin(); it != m.end(); ++it) {
      p.docids.push_back(*it);
      p.weights.push_back(it.get_weight());
      p.percents.push_back(narrowed ? PercentOf(it.get_weight(), m.begin().get_weight())
                                    : it.get_percent());
    }
    p.lower = narrowed ? narrowed->termfreq : m.get_matches_lower_bound();
    p.estimated = narrowed ? narrowed->termfreq : m.get_matches_estimated();
    p.upper = narrowed ? narrowed->termfreq : m.get_matches_upper_bound();
    return p;
  }
  static void ExpectSame(const Page& a, const Page& b, const std::string& what) {
    EXPECT_EQ(a.docids, b.docids) << what;
    EXPECT_EQ(a.weights, b.weights) << what;
    EXPECT_EQ(a.percents, b.percents) << what;
    EXPECT_EQ(a.lower, b.lower) << what;
    EXPECT_EQ(a.estimated, b.estimated) << what;
    EXPECT_EQ(a.upper, b.upper) << what;
  }
  static TopWdfOptions Small() {
    TopWdfOptions o;
    o.keep = 100;
    o.min_termfreq = 500;
    return o;
  }
  // `word` narrowed at its second search, as the searcher asks.
  std::optional<Narrowed> NarrowedAtSecondSearch(TopWdfCache& cache, const std::string& word) {
    cache.NewSearch();
    EXPECT_FALSE(cache.Narrow(db_, Q(word))) << word << ": built at its first search";
    cache.NewSearch();
    return cache.Narrow(db_, Q(word));
  }

  static pressarc::testing::TempDir* dir_;
  Xapian::Database db_;
};

pressarc::testing::TempDir* TopWdfTest::dir_ = nullptr;

TEST_F(TopWdfTest, FirstPagesOfAFrequentWordAreTheWordsAlone) {
  TopWdfCache cache(Small());
  const auto narrowed = NarrowedAtSecondSearch(cache, "common");
  ASSERT_TRUE(narrowed);
  ASSERT_GE(narrowed->documents, 100u);
  EXPECT_LT(narrowed->documents, narrowed->termfreq);
  EXPECT_EQ(narrowed->termfreq, db_.get_termfreq("common"));
  // Up to the whole list: the last page read ends inside the run of the
  // list's lowest wdf, which must be there whole.
  for (Xapian::doccount n : {1u, 10u, 26u, 99u, 100u, narrowed->documents}) {
    for (bool by_date : {false, true}) {
      const std::string what = "n=" + std::to_string(n) + (by_date ? " by date" : "");
      ExpectSame(Run(Q("common"), n, by_date, nullptr),
                 Run(narrowed->query, n, by_date, &*narrowed), what);
    }
  }
}

TEST_F(TopWdfTest, OnlyFrequentWordsAloneWithUnlikeWdfsAreNarrowed) {
  TopWdfCache cache(Small());
  // Too few documents, not a single word, or wdfs all alike (the list would
  // be the whole word).
  EXPECT_FALSE(NarrowedAtSecondSearch(cache, "rare"));
  cache.NewSearch();
  const Q two(Q::OP_OR, Q("common"), Q("rare"));
  EXPECT_FALSE(cache.Narrow(db_, two));
  cache.NewSearch();
  EXPECT_FALSE(cache.Narrow(db_, two));
  EXPECT_FALSE(NarrowedAtSecondSearch(cache, "alike"));
  cache.NewSearch();
  EXPECT_FALSE(cache.Narrow(db_, Q("alike"))) << "a list too long: the word stays matched whole";
}

TEST_F(TopWdfTest, ASearchCountsOnceAndTheLeastRecentlyUsedGoFirst) {
  TopWdfOptions o = Small();
  o.max_words = 1;
  TopWdfCache cache(o);
  cache.NewSearch();
  EXPECT_FALSE(cache.Narrow(db_, Q("common")));
  EXPECT_FALSE(cache.Narrow(db_, Q("common"))) << "the same search again: still one use";
  cache.NewSearch();
  EXPECT_TRUE(cache.Narrow(db_, Q("common")));
  EXPECT_EQ(cache.words(), 1u);
  cache.NewSearch();
  EXPECT_FALSE(cache.Narrow(db_, Q("alike")));  // takes the one place
  EXPECT_EQ(cache.words(), 1u);
  cache.NewSearch();
  EXPECT_FALSE(cache.Narrow(db_, Q("common"))) << "dropped: counted from its first use again";
}

TEST(TopWdfPercent, IsXapiansPercentageOfTheHeaviest) {
  EXPECT_EQ(PercentOf(2.5, 2.5), 100);
  EXPECT_EQ(PercentOf(1.25, 2.5), 50);
  EXPECT_EQ(PercentOf(0, 2.5), 0);
  EXPECT_EQ(PercentOf(1, 0), 100);  // no weight: Xapian gives 100
}

}  // namespace
}  // namespace pressarc::search::internal
