// A frequent word, alone or with filters, matched among its documents of
// highest wdf (search/top_wdf.h) gives the first pages of the whole match:
// the same documents, weights and order, and (with PercentOf and, with
// filters, ProvenBounds) the same percentages and counts.
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
// document with wdf 1, "rare" in 1 of 50; boolean terms for filters: "Keven"
// in every other document, "Kfourth" in 1 of 4, "Kfew" in 1 of 40; a date in slot 0 for the sort
// of relevance then value; some documents deleted.
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
      if (i % 2 == 0) doc.add_boolean_term("Keven");
      if (i % 4 == 1) doc.add_boolean_term("Kfourth");
      if (i % 40 == 7) doc.add_boolean_term("Kfew");
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
  // asks for them; `narrowed`: read as the searcher reads them (counts of
  // a word alone its term frequency, of a word with filters ProvenBounds;
  // percentages of one of `terms` matched: NarrowableWord::terms).
  Page Run(const Q& q, Xapian::doccount n, bool by_date, const Narrowed* narrowed,
           std::size_t terms = 1) const {
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
      p.percents.push_back(narrowed ? PercentOf(it.get_weight(), m.begin().get_weight(), terms)
                                    : it.get_percent());
    }
    p.lower = narrowed ? narrowed->termfreq : m.get_matches_lower_bound();
    p.estimated = narrowed ? narrowed->termfreq : m.get_matches_estimated();
    p.upper = narrowed ? narrowed->termfreq : m.get_matches_upper_bound();
    return p;
  }
  // A word with filters `q`, whole or `narrowed`: the bounds as
  // ProvenBounds gives them.
  Page RunFiltered(const Q& q, Xapian::doccount n, bool by_date, const Narrowed* narrowed,
                   std::size_t terms = 1) const {
    const Q& matched = narrowed ? narrowed->query : q;
    Page p = Run(matched, n, by_date, narrowed, terms);
    Xapian::Enquire enquire(db_);
    enquire.set_query(matched);
    enquire.set_weighting_scheme(
        Xapian::BM25Weight(schema::kBm25K1 * schema::kWdfScale, 0, 1, 0, 0.5));
    const Xapian::MSet m = enquire.get_mset(0, n, std::max<Xapian::doccount>(200, n));
    const MatchBounds b = ProvenBounds(
        db_, q,
        {m.get_matches_lower_bound(), m.get_matches_estimated(), m.get_matches_upper_bound()},
        narrowed != nullptr, 200);
    p.lower = b.lower, p.estimated = b.estimated, p.upper = b.upper;
    return p;
  }
  // The matches of `q` in the narrowed list.
  Xapian::doccount MatchesIn(const Narrowed& narrowed) const {
    Xapian::Enquire enquire(db_);
    enquire.set_query(narrowed.query);
    return enquire.get_mset(0, db_.get_doccount()).size();
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
  // list's lowest wdf, which must be there whole. Also as the forms of a
  // word of which the index holds one (Xapian gives the best 50%).
  const Q forms(Q::OP_OR, Q("common"), Q("nowhere"));
  cache.NewSearch();
  const auto forms_word = cache.WordOf(db_, forms);
  ASSERT_TRUE(forms_word);
  EXPECT_EQ(forms_word->terms, 2u);
  EXPECT_TRUE(forms_word->alone);
  const auto narrowed_forms = cache.Narrow(db_, forms);
  ASSERT_TRUE(narrowed_forms);
  for (Xapian::doccount n : {1u, 10u, 26u, 99u, 100u, narrowed->documents}) {
    for (bool by_date : {false, true}) {
      const std::string what = "n=" + std::to_string(n) + (by_date ? " by date" : "");
      ExpectSame(Run(Q("common"), n, by_date, nullptr),
                 Run(narrowed->query, n, by_date, &*narrowed), what);
      ExpectSame(Run(forms, n, by_date, nullptr),
                 Run(narrowed_forms->query, n, by_date, &*narrowed_forms, forms_word->terms),
                 "forms " + what);
    }
  }
}

TEST_F(TopWdfTest, FirstPagesOfAFrequentWordWithFiltersAreTheWholeMatchs) {
  TopWdfCache cache(Small());
  ASSERT_TRUE(NarrowedAtSecondSearch(cache, "common"));
  const Q even(Q::OP_FILTER, Q("common"), Q("Keven"));
  const Q odd(Q::OP_AND_NOT, Q("common"), Q("Keven"));
  const Q fourth(Q::OP_FILTER, Q("common"), Q("Kfourth"));
  const Q few(Q::OP_FILTER, Q(Q::OP_AND_NOT, Q("common"), Q("Keven")), Q("Kfew"));
  const Q forms(Q::OP_AND_NOT, Q(Q::OP_OR, Q("nowhere"), Q("common")), Q("Kfourth"));
  for (const Q& q : {even, odd, fourth, few, forms}) {
    cache.NewSearch();
    const auto word = cache.WordOf(db_, q);
    ASSERT_TRUE(word) << q.get_description();
    EXPECT_FALSE(word->alone);
    const auto narrowed = cache.Narrow(db_, q);
    ASSERT_TRUE(narrowed) << q.get_description() << ": the list of its word";
    // Pages of up to all the list's matches less one: the searcher reads
    // one more than it shows, and matches whole when the list holds fewer.
    const Xapian::doccount in_list = MatchesIn(*narrowed);
    for (Xapian::doccount n : {1u, 10u, 26u, in_list - 1}) {
      if (n + 1 > in_list) continue;
      for (bool by_date : {false, true}) {
        const std::string what =
            q.get_description() + " n=" + std::to_string(n) + (by_date ? " by date" : "");
        ExpectSame(RunFiltered(q, n, by_date, nullptr),
                   RunFiltered(q, n, by_date, &*narrowed, word->terms), what);
      }
    }
  }
}

TEST_F(TopWdfTest, ProvenBoundsAreExactBelowTheCheckedAndOfThePostingListsAbove) {
  TopWdfCache cache(Small());
  ASSERT_TRUE(NarrowedAtSecondSearch(cache, "common"));
  auto exact = [&](const Q& q) {
    Xapian::Enquire enquire(db_);
    enquire.set_query(q);
    return enquire.get_mset(0, db_.get_doccount()).size();
  };
  // About 750 matches: past 200, the posting lists' bounds (here 0 to the
  // 1,000 of the filter), at least 200; the matcher's own lower bound is the
  // count it happened to read, more than 200.
  const Q fourth(Q::OP_FILTER, Q("common"), Q("Kfourth"));
  const Page whole = RunFiltered(fourth, 10, false, nullptr);
  const MatchBounds lists = BoundsOf(db_, fourth);
  ASSERT_LT(lists.lower, 200u);
  EXPECT_EQ(whole.lower, 200u);
  EXPECT_EQ(whole.upper, lists.upper);
  EXPECT_LE(whole.lower, exact(fourth));
  EXPECT_GE(whole.upper, exact(fourth));
  // About 50: exact, counted by a narrowed match that found fewer than 200.
  const Q few(Q::OP_FILTER, Q("common"), Q("Kfew"));
  cache.NewSearch();
  const auto narrowed = cache.Narrow(db_, few);
  ASSERT_TRUE(narrowed);
  ASSERT_LT(MatchesIn(*narrowed), 200u);
  for (const Page& p :
       {RunFiltered(few, 1, false, nullptr), RunFiltered(few, 1, false, &*narrowed)}) {
    EXPECT_EQ(p.lower, exact(few));
    EXPECT_EQ(p.estimated, exact(few));
    EXPECT_EQ(p.upper, exact(few));
  }
}

TEST_F(TopWdfTest, OnlyFrequentWordsAloneWithUnlikeWdfsAreNarrowed) {
  TopWdfCache cache(Small());
  // Too few documents, not a single word, or wdfs all alike (the list would
  // be the whole word).
  EXPECT_FALSE(NarrowedAtSecondSearch(cache, "rare"));
  cache.NewSearch();
  const Q two(Q::OP_OR, Q("common"), Q("rare"));  // both in the index
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
