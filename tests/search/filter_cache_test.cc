// Filters read from bitmaps (search/filter_cache.h) give the same matches,
// weights, percentages and estimates as the filters written with terms.
#include "search/filter_cache.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <random>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace pressarc::search::internal {
namespace {

using Q = Xapian::Query;

// 3,000 documents: languages az/en/ru (45/35/20%), years 2019-2024, words
// w0..w39 with Zipf-like frequencies and varied wdf, a rare term.
class FilterCacheTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new pressarc::testing::TempDir();
    Xapian::WritableDatabase db(dir_->path() + "/db", Xapian::DB_CREATE_OR_OPEN);
    std::mt19937 rng(7);
    for (int i = 0; i < 3000; ++i) {
      Xapian::Document doc;
      const int l = static_cast<int>(rng() % 100);
      doc.add_boolean_term(l < 45 ? "Laz" : l < 80 ? "Len" : "Lru");
      doc.add_boolean_term("Y" + std::to_string(2019 + rng() % 6));
      if (rng() % 100 == 0) doc.add_boolean_term("XSOURCErare");
      for (int w = 0; w < 40; ++w) {
        if (rng() % (w + 2) == 0) doc.add_term("w" + std::to_string(w), 1 + rng() % 9);
      }
      doc.add_term("filler", 1 + rng() % 30);
      db.add_document(doc);
    }
    // Deleted documents leave docids no posting names.
    for (Xapian::docid did = 5; did < 3000; did += 97) db.delete_document(did);
    db.commit();
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { db_ = Xapian::Database(dir_->path() + "/db"); }

  struct Result {
    std::vector<Xapian::docid> docids;
    std::vector<double> weights;
    std::vector<int> percents;
    Xapian::doccount lower = 0, estimated = 0, upper = 0;
  };
  Result Run(const Q& q, Xapian::doccount n, Xapian::doccount check) const {
    Xapian::Enquire enquire(db_);
    enquire.set_query(q);
    Result r;
    const Xapian::MSet m = enquire.get_mset(0, n, check);
    for (auto it = m.begin(); it != m.end(); ++it) {
      r.docids.push_back(*it);
      r.weights.push_back(it.get_weight());
      r.percents.push_back(it.get_percent());
    }
    r.lower = m.get_matches_lower_bound();
    r.estimated = m.get_matches_estimated();
    r.upper = m.get_matches_upper_bound();
    return r;
  }
  // Whether Apply changed `q` (read a filter of it from a bitmap).
  bool Rewritten(FilterCache& cache, const Q& q) const {
    return cache.Apply(db_, q).get_description() != q.get_description();
  }
  // Options that build a filter's bitmap at its first use, however sparse.
  static FilterCacheOptions Eager() {
    FilterCacheOptions o;
    o.min_uses = 1;
    o.min_share = 0;
    o.min_candidates = 0;
    return o;
  }

  static pressarc::testing::TempDir* dir_;
  Xapian::Database db_;
};

pressarc::testing::TempDir* FilterCacheTest::dir_ = nullptr;

Q Or(std::vector<Q> qs) {
  return Q(Q::OP_OR, qs.begin(), qs.end());
}
Q And(std::vector<Q> qs) {
  return Q(Q::OP_AND, qs.begin(), qs.end());
}
Q Filter(Q a, Q b) {
  return Q(Q::OP_FILTER, a, b);
}
Q AndNot(Q a, Q b) {
  return Q(Q::OP_AND_NOT, a, b);
}

TEST_F(FilterCacheTest, BitmapFiltersMatchWeighAndEstimateAsTermFilters) {
  const Q w0("w0"), w1("w1"), w3("w3"), w7("w7"), w20("w20");
  const Q laz("Laz"), len("Len"), lru("Lru");
  const Q queries[] = {
      Filter(w1, laz),
      Filter(And({w1, w3}), laz),
      Filter(w0, Or({laz, lru})),
      AndNot(w0, len),
      AndNot(And({w1, w7}), Or({laz, lru})),
      // One branch per language, as the search front end merges them.
      Or({Filter(And({w1, w3}), laz), Filter(And({w1, w7}), len), Filter(w20, lru)}),
      // The user's filters: a language and a year (a scaled-to-0 term).
      Filter(w1, And({Q(Q::OP_SCALE_WEIGHT, Q("Y2021"), 0.0), len})),
      Filter(Q(Q::OP_PHRASE, w0, w1), Or({len, lru})),
      // Three parts, one of them an OR: one bitmap of the documents that
      // miss any.
      Filter(And({w0, w1}), And({Or({laz, lru}), Q(Q::OP_SCALE_WEIGHT, Q("Y2022"), 0.0),
                                 Q(Q::OP_SCALE_WEIGHT, Q("filler"), 0.0)})),
      Filter(w1, Q("XSOURCErare")),
      // Laz read from a bitmap, the rarer Y2020 left to lead the AND.
      Filter(w1, And({laz, Q("Y2020")})),
      // In every document: both filters are rarer (not rewritten).
      Filter(Q("filler"), And({laz, Q("Y2020")})),
      Q(Q::OP_AND_MAYBE, Filter(w3, laz), Filter(w1, laz)),
  };
  FilterCache cache(Eager());
  int rewrites = 0;
  for (const Q& q : queries) {
    cache.NewSearch();
    const Q rewritten = cache.Apply(db_, q);
    if (rewritten.get_description() != q.get_description()) ++rewrites;
    SCOPED_TRACE(q.get_description() + " -> " + rewritten.get_description());
    for (const auto& [n, check] :
         {std::pair<Xapian::doccount, Xapian::doccount>{3000, 0}, {10, 0}, {10, 200}, {1, 1}}) {
      const Result a = Run(q, n, check);
      const Result b = Run(rewritten, n, check);
      EXPECT_EQ(a.docids, b.docids);
      EXPECT_EQ(a.weights, b.weights);
      EXPECT_EQ(a.percents, b.percents);
      EXPECT_EQ(a.lower, b.lower);
      EXPECT_EQ(a.estimated, b.estimated);
      EXPECT_EQ(a.upper, b.upper);
    }
  }
  // All but the two whose filters are rarer than what they filter.
  EXPECT_EQ(rewrites, static_cast<int>(std::size(queries)) - 2);
}

TEST_F(FilterCacheTest, DenseLanguageFiltersAreReadFromBitmaps) {
  FilterCache cache(Eager());
  cache.NewSearch();
  const Q q = Or({Filter(Q("w1"), Q("Laz")), AndNot(Q("w0"), Q("Len"))});
  const std::string rewritten = cache.Apply(db_, q).get_description();
  EXPECT_EQ(rewritten.find("Laz"), std::string::npos) << rewritten;
  EXPECT_EQ(rewritten.find("Len"), std::string::npos) << rewritten;
  EXPECT_NE(rewritten.find("BitmapSource"), std::string::npos) << rewritten;
  EXPECT_EQ(cache.stats().built, 2u);
}

// A language and a year filter: each candidate is checked once, against
// one bitmap of the documents outside either (built from the parts' own
// bitmaps, at the parts' second search together), though the two together
// are rarer than what they filter (each part alone is not: Xapian's AND
// would be led by the left side either way).
TEST_F(FilterCacheTest, SeveralFilterPartsAreCheckedAgainstOneBitmap) {
  FilterCacheOptions options = Eager();
  options.min_uses = 2;
  FilterCache cache(options);
  const Q year(Q::OP_SCALE_WEIGHT, Q("Y2021"), 0.0);
  const Q q = Filter(Q("w7"), And({year, Q("Len")}));
  auto sources = [&] {
    const std::string d = cache.Apply(db_, q).get_description();
    std::size_t n = 0;
    for (std::size_t at = d.find("BitmapSource"); at != std::string::npos;
         at = d.find("BitmapSource", at + 1)) {
      ++n;
    }
    return n;
  };
  cache.NewSearch();
  EXPECT_EQ(sources(), 0u);
  cache.NewSearch();
  EXPECT_EQ(sources(), 2u);  // the parts' bitmaps, built now
  cache.NewSearch();
  EXPECT_EQ(sources(), 1u);  // both parts in one, from the parts' bitmaps
  EXPECT_EQ(cache.stats().built, 3u);
  const Result a = Run(q, 3000, 0);
  const Result b = Run(cache.Apply(db_, q), 3000, 0);
  EXPECT_EQ(a.docids, b.docids);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(a.percents, b.percents);
  EXPECT_GT(Run(Q("w7"), 3000, 0).docids.size(), 3 * a.docids.size());
}

TEST_F(FilterCacheTest, AFilterRarerThanWhatItFiltersStaysATermFilter) {
  // Xapian's AND is led by the rare filter: a bitmap would make the common
  // side lead instead.
  FilterCache cache(Eager());
  cache.NewSearch();
  const Q q = Filter(Q("filler"), Q("XSOURCErare"));
  EXPECT_FALSE(Rewritten(cache, q));
}

TEST_F(FilterCacheTest, AFilterOfFewCandidatesStaysATermFilter) {
  FilterCacheOptions options = Eager();
  options.min_candidates = 500;
  FilterCache cache(options);
  cache.NewSearch();
  for (const Q& q : {Filter(Q("w30"), Q("Lru")), Filter(Q("absent"), Q("Laz"))}) {
    EXPECT_FALSE(Rewritten(cache, q));
  }
  EXPECT_EQ(cache.stats().built, 0u);
  const Q common = Filter(Q("w1"), Q("Laz"));
  EXPECT_TRUE(Rewritten(cache, common));
}

TEST_F(FilterCacheTest, ABitmapIsBuiltAtTheFilterSecondSearchOnly) {
  FilterCacheOptions options = Eager();
  options.min_uses = 2;
  FilterCache cache(options);
  const Q q = Filter(Q("w1"), Q("Laz"));
  cache.NewSearch();
  // Used twice in one search (a page and its snippets): still one use.
  EXPECT_FALSE(Rewritten(cache, q));
  EXPECT_FALSE(Rewritten(cache, q));
  EXPECT_EQ(cache.stats().built, 0u);
  cache.NewSearch();
  EXPECT_TRUE(Rewritten(cache, q));
  EXPECT_EQ(cache.stats().built, 1u);
  cache.NewSearch();
  cache.Apply(db_, q);
  EXPECT_EQ(cache.stats().built, 1u);
  EXPECT_EQ(cache.stats().used, 2u);
}

TEST_F(FilterCacheTest, SparseFiltersGetNoBitmap) {
  FilterCacheOptions options;
  options.min_uses = 1;  // min_share 1/64: XSOURCErare is ~1%
  FilterCache cache(options);
  const Q q = AndNot(Q("w0"), Q("XSOURCErare"));
  cache.NewSearch();
  EXPECT_FALSE(Rewritten(cache, q));
  EXPECT_EQ(cache.stats().built, 0u);
}

TEST_F(FilterCacheTest, LeastRecentlyUsedBitmapsGoPastTheByteLimit) {
  FilterCacheOptions options = Eager();
  const std::size_t one = (db_.get_lastdocid() / 64 + 1) * sizeof(std::uint64_t);
  options.max_bytes = 2 * one;
  FilterCache cache(options);
  for (const char* lang : {"Laz", "Len", "Lru"}) {
    cache.NewSearch();
    cache.Apply(db_, AndNot(Q("w0"), Q(lang)));
  }
  EXPECT_EQ(cache.stats().built, 3u);
  EXPECT_EQ(cache.stats().evicted, 1u);
  EXPECT_EQ(cache.stats().bytes, 2 * one);
  cache.NewSearch();
  cache.Apply(db_, AndNot(Q("w0"), Q("Lru")));  // held
  EXPECT_EQ(cache.stats().built, 3u);
  cache.NewSearch();
  cache.Apply(db_, AndNot(Q("w0"), Q("Laz")));  // the first, evicted: built again
  EXPECT_EQ(cache.stats().built, 4u);
}

TEST_F(FilterCacheTest, ANewRevisionIsNeverServedAnOldBitmap) {
  pressarc::testing::TempDir dir;
  const std::string path = dir.path() + "/db";
  Xapian::WritableDatabase writer(path, Xapian::DB_CREATE_OR_OPEN);
  auto add = [&](const char* lang, bool word) {
    Xapian::Document doc;
    if (word) doc.add_term("word");
    doc.add_boolean_term(lang);
    writer.add_document(doc);
  };
  // "word" in 4 documents, 2 of them az; "Laz" in 5.
  for (int i = 0; i < 10; ++i) add(i % 2 == 0 ? "Laz" : "Len", i % 4 == 0 || i == 1 || i == 3);
  writer.commit();
  FilterCache cache(Eager());
  const Q q = Filter(Q("word"), Q("Laz"));
  Xapian::Database db(path);
  auto count = [&] {
    cache.NewSearch();
    const Q rewritten = cache.Apply(db, q);
    EXPECT_NE(rewritten.get_description(), q.get_description());
    Xapian::Enquire enquire(db);
    enquire.set_query(rewritten);
    return enquire.get_mset(0, 100).size();
  };
  EXPECT_EQ(count(), 3u);

  for (int i = 0; i < 10; ++i) add("Laz", i < 3);
  writer.commit();
  db.reopen();
  EXPECT_EQ(count(), 6u);
  EXPECT_EQ(cache.stats().built, 2u);
}

}  // namespace
}  // namespace pressarc::search::internal
