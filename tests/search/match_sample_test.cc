// Totals and facet counts of many matches come from a sample spread over
// the whole index (search/match_sample.h), not from Xapian's estimate (which
// takes the words of an AND as independent) nor from the first matches in
// docid order (which follow the order the index was built in).
#include "search/match_sample.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "indexer/schema.h"
#include "search/facets.h"
#include "tests/test_util.h"

namespace pressarc::search::internal {
namespace {

using Q = Xapian::Query;

std::vector<Xapian::docid> Matches(const Xapian::Database& db, const Q& q) {
  Xapian::Enquire enquire(db);
  enquire.set_query(q);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  std::vector<Xapian::docid> out;
  const Xapian::MSet m = enquire.get_mset(0, db.get_doccount());
  for (auto it = m.begin(); it != m.end(); ++it) out.push_back(*it);
  std::sort(out.begin(), out.end());
  return out;
}

// 20,000 documents, built the way a crawl builds an index: the first half
// is the 2015 archive, the second half 2024's releases. Half of each half
// is Azerbaijani; an Azerbaijani document holds "alpha" and "beta" with
// probability 1/2 each, independently; no other document holds either. So
// the two words are not independent over the index: alpha AND beta holds
// ~2,500 documents where independence says ~1,250. Every document holds
// "common". Docids 1000-1999 are deleted.
class MatchSampleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new pressarc::testing::TempDir();
    Xapian::WritableDatabase db(dir_->path() + "/db", Xapian::DB_CREATE_OR_OPEN);
    std::mt19937 rng(11);
    for (int i = 0; i < 20000; ++i) {
      Xapian::Document doc;
      const bool az = rng() % 2 == 0;
      const std::string year = i < 10000 ? "2015" : "2024";
      doc.add_value(schema::kSlotYear, year);
      doc.add_value(schema::kSlotLanguage, az ? "az" : "en");
      doc.add_value(schema::kSlotSource, i % 3 == 0 ? "mfa-az" : "mid-ru");
      doc.add_value(schema::kSlotDate, year + "0601");
      doc.add_term("common");
      if (az && rng() % 2 == 0) doc.add_term("alpha");
      if (az && rng() % 2 == 0) doc.add_term("beta");
      db.add_document(doc);
    }
    for (Xapian::docid did = 1000; did < 2000; ++did) db.delete_document(did);
    db.commit();
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { db_ = Xapian::Database(dir_->path() + "/db"); }

  static pressarc::testing::TempDir* dir_;
  Xapian::Database db_;
};
pressarc::testing::TempDir* MatchSampleTest::dir_ = nullptr;

TEST_F(MatchSampleTest, TheSampleIsARunOfDocidsInEveryPeriodAndHeldCountsThem) {
  struct Case {
    Xapian::docid stride, block;
  };
  // Stride 1 is never built: every docid is the query itself (CountSampled).
  for (const Case c : {Case{2, 1}, Case{3, 64}, Case{7, 100}, Case{40, 37}, Case{30000, 5}}) {
    SCOPED_TRACE("stride " + std::to_string(c.stride) + " block " + std::to_string(c.block));
    // As it is used: filtering a query (alone it would name deleted docids).
    const Q sample((new DocidSample(c.stride, c.block))->release());
    const std::vector<Xapian::docid> got = Matches(db_, Q(Q::OP_FILTER, Q("common"), sample));
    std::vector<Xapian::docid> want;
    std::uint64_t held = 0;
    std::map<std::uint64_t, std::vector<Xapian::docid>> by_period;
    const std::uint64_t period = std::uint64_t{c.stride} * c.block;
    for (Xapian::docid did = 1; did <= db_.get_lastdocid(); ++did) {
      if (!DocidSample::Holds(did, c.stride, c.block)) continue;
      ++held;
      by_period[(did - 1) / period].push_back(did);
      const bool deleted = did >= 1000 && did < 2000;
      if (!deleted) want.push_back(did);
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(DocidSample::Held(db_.get_lastdocid(), c.stride, c.block), held);
    // One run of `block` consecutive docids in every whole period, at
    // places that are not all the same.
    std::set<std::uint64_t> places;
    for (const auto& [p, dids] : by_period) {
      if ((p + 1) * period > db_.get_lastdocid()) continue;  // the last, partial period
      ASSERT_EQ(dids.size(), c.block);
      EXPECT_EQ(dids.back() - dids.front() + 1, c.block);
      places.insert((dids.front() - 1) % period);
    }
    if (by_period.size() > 4 && c.stride > 1) {
      EXPECT_GT(places.size(), 1u);
    }
  }
}

TEST_F(MatchSampleTest, TheSamplePutIntoEveryAndMatchesTheQueryFilteredByIt) {
  const Q sample((new DocidSample(5, 16))->release());
  const Q alpha("alpha"), beta("beta"), common("common");
  const Q both(Q::OP_AND, alpha, beta);
  for (const Q& q : {
           alpha,
           both,
           Q(Q::OP_OR, both, Q(Q::OP_FILTER, alpha, common)),
           Q(Q::OP_AND_NOT, common, Q(Q::OP_OR, alpha, beta)),
           Q(Q::OP_SCALE_WEIGHT, Q(Q::OP_OR, alpha, beta), 2.0),
           Q(Q::OP_XOR, alpha, beta),
           Q(Q::OP_AND_MAYBE, beta, alpha),
           Q(Q::OP_FILTER, Q(Q::OP_OR, both, Q("nowhere")), Q(Q::OP_AND, common, alpha)),
           Q(Q::OP_SYNONYM, alpha, beta),
           Q(Q::OP_VALUE_RANGE, schema::kSlotYear, "2020", "2030"),
           Q::MatchAll,
       }) {
    SCOPED_TRACE(q.get_description());
    const std::vector<Xapian::docid> want = Matches(db_, Q(Q::OP_FILTER, q, sample));
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(Matches(db_, Sampled(q, sample)), want);
  }
}

TEST_F(MatchSampleTest, AnAndOfWordsThatGoTogetherIsCountedNotMultiplied) {
  const Q both(Q::OP_AND, Q("alpha"), Q("beta"));
  const double truth = static_cast<double>(Matches(db_, both).size());
  const MatchBounds bounds = BoundsOf(db_, both);
  // Xapian's own estimate is off by about half: what this test is about.
  ASSERT_LT(static_cast<double>(bounds.estimated), 0.7 * truth);
  SampleOptions options;  // about 1,000 matches in a sample of 1 in 2 docids or fewer
  options.target = 1000;
  options.min_stride = 2;
  const MatchCount counted = CountMatches(db_, both, bounds.lower, bounds.upper, options);
  EXPECT_FALSE(counted.exact);
  EXPECT_GT(counted.shape.stride, 1u);
  EXPECT_NEAR(static_cast<double>(counted.estimate), truth, 0.1 * truth);
}

TEST_F(MatchSampleTest, CountsAreExactWhenTheBoundsAgreeOrTheMatchesAreFew) {
  // One term: Xapian knows its frequency.
  const MatchBounds alpha = BoundsOf(db_, Q("alpha"));
  const MatchCount one = CountMatches(db_, Q("alpha"), alpha.lower, alpha.upper);
  EXPECT_TRUE(one.exact);
  EXPECT_EQ(one.estimate, db_.get_termfreq("alpha"));
  // Bounds that differ but allow no more than the target: every match read.
  const Q both(Q::OP_AND, Q("alpha"), Q("beta"));
  SampleOptions options;
  options.target = 50000;
  const MatchBounds bounds = BoundsOf(db_, both);
  const MatchCount all = CountMatches(db_, both, bounds.lower, bounds.upper, options);
  EXPECT_TRUE(all.exact);
  EXPECT_EQ(all.estimate, Matches(db_, both).size());
}

TEST_F(MatchSampleTest, ARareMatchIsReadAgainDenserNotCountedWhole) {
  // alpha AND beta AND NOT common: nothing; its bounds allow thousands.
  const Q none(Q::OP_AND_NOT, Q(Q::OP_AND, Q("alpha"), Q("beta")), Q("common"));
  const MatchBounds bounds = BoundsOf(db_, none);
  ASSERT_GT(bounds.upper, 2000u);
  SampleOptions options;
  options.target = 10;
  const MatchCount counted = CountMatches(db_, none, bounds.lower, bounds.upper, options);
  EXPECT_EQ(counted.estimate, 0u);
  EXPECT_GT(counted.shape.stride, 1u);  // at most 32 times denser, never the whole index
}

TEST_F(MatchSampleTest, FacetsOfManyMatchesSpanTheWholeIndexNotItsFirstDocids) {
  FacetOptions options;
  options.local_only = true;
  options.exact_up_to = 2000;
  const Facets f = CountFacets(db_, Q("common"), options);
  EXPECT_TRUE(f.approximate);
  std::map<std::string, std::uint64_t> years;
  for (const FacetValue& y : f.years) years[y.value] = y.count;
  // 9,000 documents of 2015 (1,000 deleted) and 10,000 of 2024. The first
  // 2,000 matches in docid order are all of 2015. The sample is a few runs
  // (clusters) of docids, so its counts vary more than the matches' number.
  EXPECT_NEAR(static_cast<double>(years["2015"]), 9000, 1800);
  EXPECT_NEAR(static_cast<double>(years["2024"]), 10000, 2000);
  std::uint64_t languages = 0;
  for (const FacetValue& l : f.languages) languages += l.count;
  EXPECT_NEAR(static_cast<double>(languages), 19000, 3800);
}

TEST_F(MatchSampleTest, FacetsOfFewMatchesAreExact) {
  FacetOptions options;
  options.local_only = true;
  options.exact_up_to = 20000;
  const Facets f = CountFacets(db_, Q(Q::OP_AND, Q("alpha"), Q("beta")), options);
  EXPECT_FALSE(f.approximate);
  std::uint64_t years = 0;
  for (const FacetValue& y : f.years) years += y.count;
  EXPECT_EQ(years, Matches(db_, Q(Q::OP_AND, Q("alpha"), Q("beta"))).size());
}

}  // namespace
}  // namespace pressarc::search::internal
