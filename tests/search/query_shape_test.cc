// The cheaper query shapes of the search front end match exactly what the
// plain shapes match: date ranges as date terms instead of value ranges,
// one branch for the languages whose parses agree, facets counted in a pass
// of their own (a sample of them when there are many).
#include <gtest/gtest.h>
#include <xapian.h>

#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "search/facets.h"
#include "search/query_builder.h"
#include "search/search.h"
#include "tests/search/test_index.h"

namespace pressarc::search {
namespace {

using testing::TempIndex;

std::set<Xapian::docid> Matches(const Xapian::Database& db, const Xapian::Query& q) {
  Xapian::Enquire enquire(db);
  enquire.set_query(q);
  std::set<Xapian::docid> out;
  Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
  for (auto it = mset.begin(); it != mset.end(); ++it) out.insert(*it);
  return out;
}

class QueryShapeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { index_ = new TempIndex(); }
  static void TearDownTestSuite() {
    delete index_;
    index_ = nullptr;
  }
  void SetUp() override { db_ = Xapian::Database(IndexPaths::Stub(index_->dir())); }

  static TempIndex* index_;
  Xapian::Database db_;
};

TempIndex* QueryShapeTest::index_ = nullptr;

TEST_F(QueryShapeTest, DateTermRangesMatchTheSameDocumentsAsValueRanges) {
  const std::pair<std::optional<int>, std::optional<int>> ranges[] = {
      {20230228, 20230228},     {20230301, 20230507},     {20240101, 20241231},
      {20220101, 20221231},     {20230501, std::nullopt}, {std::nullopt, 20221231},
      {std::nullopt, 20221215}, {std::nullopt, 20221214}, {20230201, 20230331},
      {20221215, 20240110},     {20230227, 20230301},     {10000101, 99991231},
      {20250101, std::nullopt}};
  for (const auto& [lo, hi] : ranges) {
    Xapian::Query terms = internal::DayRangeQuery(&db_, lo, hi);
    Xapian::Query values = internal::DayRangeQuery(nullptr, lo, hi);
    SCOPED_TRACE(terms.get_description());
    EXPECT_NE(values.get_description().find("VALUE_"), std::string::npos);
    EXPECT_FALSE(terms.empty());  // a range is never "no query", even when it matches nothing
    EXPECT_EQ(Matches(db_, terms), Matches(db_, values));
  }
}

TEST_F(QueryShapeTest, DateTermRangesUseWholeYearsAndMonthsWhereTheyCan) {
  std::string d = internal::DayRangeQuery(&db_, 20230101, 20231231).get_description();
  EXPECT_NE(d.find("Y2023"), std::string::npos) << d;
  EXPECT_EQ(d.find("M2023"), std::string::npos) << d;
  d = internal::DayRangeQuery(&db_, 20230201, 20230331).get_description();
  EXPECT_NE(d.find("M202302"), std::string::npos) << d;
  EXPECT_EQ(d.find("D2023"), std::string::npos) << d;
  d = internal::DayRangeQuery(&db_, 20230228, 20230301).get_description();
  EXPECT_NE(d.find("D20230228"), std::string::npos) << d;
  EXPECT_EQ(d.find("VALUE_"), std::string::npos) << d;
}

// A lead's date terms are the same, with the same frequencies, whether
// walked on their own or taken from a walk of every term of the prefix
// (the searcher's month list read first), and so are the ranges built
// from them.
TEST_F(QueryShapeTest, DateTermsOfALeadAreTheSameTakenFromTheWholePrefix) {
  const std::string m(schema::kPrefixMonth), d(schema::kPrefixDay);
  internal::DateTermCache own(&db_), whole(&db_);
  const auto months = whole.WithFreqs(m, "", 6);
  ASSERT_FALSE(months.empty());
  const auto days = whole.WithFreqs(d, "", 8);
  ASSERT_FALSE(days.empty());
  std::size_t month_terms = 0, day_terms = 0;
  for (const std::string year : {"2022", "2023", "2024", "1999"}) {
    EXPECT_EQ(whole.WithFreqs(m, year, 6), own.WithFreqs(m, year, 6)) << year;
    EXPECT_EQ(whole.Terms(m, year, 6, 0, 999999), own.Terms(m, year, 6, 0, 999999)) << year;
    month_terms += own.WithFreqs(m, year, 6).size();
  }
  for (const auto& [month, freq] : months) {
    const std::string yyyymm = month.substr(m.size());
    const auto own_days = own.WithFreqs(d, yyyymm, 8);
    EXPECT_EQ(whole.WithFreqs(d, yyyymm, 8), own_days) << yyyymm;
    Xapian::doccount held = 0;
    for (const auto& day : own_days) held += day.second;
    EXPECT_EQ(held, freq) << yyyymm;  // every dated document has its D term
    EXPECT_EQ(freq, db_.get_termfreq(month));
    day_terms += own_days.size();
  }
  EXPECT_EQ(month_terms, months.size());
  EXPECT_EQ(day_terms, days.size());
  EXPECT_EQ(internal::DayRangeQuery(whole, 20221215, 20230301).get_description(),
            internal::DayRangeQuery(own, 20221215, 20230301).get_description());
}

// The days every match is in: ranges ANDed at the top level (typed or
// --from/--to) intersect, and the query without them matches, inside
// those days, what the whole query matches; a range under OR or NOT bounds
// nothing and stays.
TEST_F(QueryShapeTest, TopLevelDateRangesBoundTheDaysAndCanBeTakenOut) {
  struct Case {
    std::string query, from, to;
    std::optional<int> first, last;
    bool taken;  // a range was taken out
  };
  const Case cases[] = {
      {"2023-03..2023-05", "", "", 20230301, 20230531, true},
      {"Lavrov 2023..", "", "", 20230101, std::nullopt, true},
      {"Lavrov ..2023-02-28", "2023-01-15", "", 20230115, 20230228, true},
      {"source:mfa-az 2022..2024", "", "2023-06-30", 20220101, 20230630, true},
      {"Lavrov", "2023-02-01", "2023-02-28", 20230201, 20230228, true},
      {"Lavrov OR 2023..", "", "", std::nullopt, std::nullopt, false},
      {"Lavrov NOT 2023..", "", "", std::nullopt, std::nullopt, false},
      {"Lavrov", "", "", std::nullopt, std::nullopt, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.query + " --from " + c.from + " --to " + c.to);
    SearchOptions o;
    o.query = c.query;
    o.from = c.from;
    o.to = c.to;
    auto built = internal::BuildQuery(db_, o);
    ASSERT_TRUE(built.ok()) << built.status().message();
    EXPECT_EQ(built->days.first, c.first) << built->query.get_description();
    EXPECT_EQ(built->days.last, c.last) << built->query.get_description();
    const Xapian::Query& without = built->days.without;
    EXPECT_EQ(without.serialise() != built->query.serialise(), c.taken)
        << without.get_description();
    if (!c.taken) continue;
    const Xapian::Query days = internal::DayRangeQuery(&db_, c.first, c.last);
    const Xapian::Query inside =
        without.empty() ? days : Xapian::Query(Xapian::Query::OP_FILTER, without, days);
    EXPECT_EQ(Matches(db_, inside), Matches(db_, built->query)) << without.get_description();
  }
}

TEST_F(QueryShapeTest, WordsThatParseAlikeInEveryLanguageNeedNoLanguageFilter) {
  SearchOptions o;
  o.query = "\"sergey lavrov\"";  // a phrase: neither stemmed nor case-folded differently
  auto built = internal::BuildQuery(db_, o);
  ASSERT_TRUE(built.ok()) << built.status().message();
  const std::string d = built->query.get_description();
  EXPECT_EQ(d.find("Laz"), std::string::npos) << d;
  EXPECT_EQ(d.find("Len"), std::string::npos) << d;
  EXPECT_FALSE(Matches(db_, built->query).empty());
}

TEST_F(QueryShapeTest, LanguageBranchesFindWhatEachLanguageAloneFinds) {
  for (const char* query : {"security", "nazir", "Lavrov", "коридор", "vaccine OR görüş"}) {
    SearchOptions all;
    all.query = query;
    auto built = internal::BuildQuery(db_, all);
    ASSERT_TRUE(built.ok()) << query;
    std::set<Xapian::docid> expected;
    for (const char* lang : {"az", "en", "ru"}) {
      SearchOptions one = all;
      one.languages = {lang};
      auto b = internal::BuildQuery(db_, one);
      ASSERT_TRUE(b.ok()) << query;
      for (Xapian::docid did : Matches(db_, b->query)) expected.insert(did);
    }
    EXPECT_EQ(Matches(db_, built->query), expected) << query;
  }
}

TEST_F(QueryShapeTest, FacetsCountEveryMatchWhetherCopiesAreFoldedOrNot) {
  auto searcher = Searcher::Open(index_->dir());
  ASSERT_TRUE(searcher.ok());
  SearchOptions o;
  o.query = "Lavrov";
  o.facets = true;
  o.limit = 1;
  auto folded = (*searcher)->Search(o);
  o.fold_copies = false;
  auto all = (*searcher)->Search(o);
  ASSERT_TRUE(folded.ok() && all.ok());
  ASSERT_TRUE(folded->facets && all->facets);
  auto count = [](const std::vector<FacetValue>& v) {
    std::uint64_t n = 0;
    for (const auto& f : v) n += f.count;
    return n;
  };
  EXPECT_EQ(count(folded->facets->languages), count(all->facets->languages));
  EXPECT_EQ(count(folded->facets->sources), 4u);  // az, en, ru statements and the copy
}

std::uint64_t Sum(const std::vector<FacetValue>& v) {
  std::uint64_t n = 0;
  for (const auto& f : v) n += f.count;
  return n;
}

TEST_F(QueryShapeTest, FacetsAreExactUpToTheirLimitAndScaledSamplesAboveIt) {
  const Xapian::Query all = Xapian::Query::MatchAll;
  const std::uint64_t docs = db_.get_doccount();
  ASSERT_GE(docs, 6u);
  const Facets exact = internal::CountFacets(db_, all, {.exact_up_to = 0});
  const Facets enough = internal::CountFacets(db_, all, {.exact_up_to = 1000});
  const Facets sampled = internal::CountFacets(db_, all, {.exact_up_to = 3});
  EXPECT_FALSE(exact.approximate);
  EXPECT_EQ(exact.scale, 1u);
  EXPECT_EQ(Sum(exact.languages), docs);
  EXPECT_FALSE(enough.approximate);
  EXPECT_EQ(Sum(enough.sources), Sum(exact.sources));
  EXPECT_EQ(Sum(enough.months), Sum(exact.months));
  // Three documents (or a few more) counted, each standing for docs/seen.
  EXPECT_TRUE(sampled.approximate);
  EXPECT_GE(sampled.scale, 2u);
  EXPECT_NEAR(static_cast<double>(Sum(sampled.languages)), static_cast<double>(docs), 1.0);
  EXPECT_LE(sampled.languages.size(), exact.languages.size());
}

// Through remote shards (here the index twice, each served by
// xapian-progsrv on a pipe) with Xapian's built-in spies: counts exact where
// one index's are; above the limit, each shard samples its share of it, not
// the whole limit each.
TEST_F(QueryShapeTest, FacetsThroughShardsSampleTheLimitInAllNotOnEachShard) {
  if (std::system("command -v xapian-progsrv >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "needs xapian-progsrv (xapian-tools)";
  }
  Xapian::Database twice;
  for (int k = 0; k < 2; ++k) {
    twice.add_database(Xapian::Remote::open("xapian-progsrv", IndexPaths::Stub(index_->dir())));
  }
  const Xapian::Query all = Xapian::Query::MatchAll;
  const std::uint64_t docs = twice.get_doccount();
  ASSERT_GE(docs, 12u);
  const Facets exact = internal::CountFacets(twice, all, {.exact_up_to = 1000});
  EXPECT_FALSE(exact.approximate);
  EXPECT_EQ(Sum(exact.languages), docs);
  EXPECT_EQ(Sum(exact.sources),
            2 * Sum(internal::CountFacets(db_, all, {.exact_up_to = 0}).sources));
  const Facets sampled = internal::CountFacets(twice, all, {.exact_up_to = 2});
  EXPECT_TRUE(sampled.approximate);
  // One match seen on each part: each stands for docs / 2 (two on each
  // part, as before, would each stand for docs / 4).
  EXPECT_EQ(sampled.scale, docs / 2) << docs;
  EXPECT_NEAR(static_cast<double>(Sum(sampled.languages)), static_cast<double>(docs), 1.0);
}

TEST_F(QueryShapeTest, OurLocalSpyCountsWhatXapiansBuiltInSpyCounts) {
  auto flat = [](const Facets& f) {
    std::vector<std::string> out;
    for (const auto* list : {&f.sources, &f.languages, &f.years, &f.months, &f.statuses}) {
      for (const auto& v : *list) out.push_back(v.value + "=" + std::to_string(v.count));
      out.push_back("|");
    }
    out.push_back(std::to_string(f.approximate) + "/" + std::to_string(f.scale));
    return out;
  };
  SearchOptions o;
  o.query = "Lavrov";
  auto lavrov = internal::BuildQuery(db_, o);
  ASSERT_TRUE(lavrov.ok()) << lavrov.status().message();
  for (const Xapian::Query& q : {Xapian::Query(Xapian::Query::MatchAll), lavrov->query}) {
    // Exact counts only: past the limit the local spy counts a sample spread
    // over the index (tests/search/match_sample_test.cc), the built-in one the
    // first matches.
    for (Xapian::doccount limit : {0u, 1000u}) {
      const Facets builtin = internal::CountFacets(db_, q, {.exact_up_to = limit});
      const Facets local =
          internal::CountFacets(db_, q, {.exact_up_to = limit, .local_only = true});
      EXPECT_EQ(flat(local), flat(builtin)) << q.get_description() << " limit " << limit;
      EXPECT_FALSE(builtin.sources.empty());
    }
  }
}

}  // namespace
}  // namespace pressarc::search
