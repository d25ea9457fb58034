// Query checks that need no index: our stricter syntax rules, date bounds
// and option validation.
#include <gtest/gtest.h>

#include <string>

#include "search/query_builder.h"
#include "search/search.h"

namespace pressarc::search {
namespace {

struct SyntaxCase {
  const char* query;
  bool ok;
};

TEST(QuerySyntax, AcceptsTheContractSyntaxAndRejectsWhatXapianWouldReinterpret) {
  const SyntaxCase cases[] = {
      {"Lavrov", true},
      {"\"foreign ministry\" Lavrov", true},
      {"vaccine AND (campaign OR doses) NOT covid", true},
      {"-covid vaccine", true},
      {"vacc*", true},
      {"title:bəyanat source:mfa-az lang:az site:mfa.gov.az id:0123456789abcdef", true},
      {"site:https://mfa.gov.az/en/news", true},
      {"2023-01-01..2023-12-31", true},
      {"meeting at 10:30", true},
      {"see https://mfa.gov.az/x", true},
      {"source:\"mfa-az\"", true},
      {"“curly quotes”", true},
      {"", true},
      // Unbalanced quotes.
      {"\"foreign ministry", false},
      {"a \"b\" \"c", false},
      {"“curly", false},
      // Unbalanced parentheses.
      {"(vaccine OR doses", false},
      {"vaccine)", false},
      // Unknown prefixes.
      {"foo:bar", false},
      {"author:lavrov", false},
      {"Title:lavrov", false},
      // A quoted colon is text.
      {"\"foo:bar\"", true},
  };
  for (const auto& c : cases) {
    Status s = internal::CheckQuerySyntax(c.query);
    EXPECT_EQ(s.ok(), c.ok) << c.query << " → " << s.message();
    if (!c.ok) {
      EXPECT_EQ(s.code(), Status::Code::kUsage) << c.query;
    }
  }
}

TEST(QuerySyntax, UnknownPrefixMessageNamesThePrefixAndTheKnownOnes) {
  Status s = internal::CheckQuerySyntax("foo:bar");
  EXPECT_NE(s.message().find("foo:"), std::string::npos);
  EXPECT_NE(s.hint().find("title:"), std::string::npos);
}

struct BoundCase {
  const char* text;
  bool upper;
  int expected;  // 0 = not a date; -1 = impossible
};

TEST(DayBounds, PartialDatesCoverTheirWholeYearOrMonthInclusively) {
  const BoundCase cases[] = {
      {"2023", false, 20230101},
      {"2023", true, 20231231},
      {"2023-05", false, 20230501},
      {"2023-05", true, 20230531},
      {"2024-02", true, 20240229},
      {"2023-02", true, 20230228},
      {"2023-02-28", false, 20230228},
      {"2023-02-28", true, 20230228},
      {"2023-5-7", false, 20230507},
      {"20230507", true, 20230507},
      {"2023-02-30", false, -1},
      {"2023-13", true, -1},
      {"2023-00-10", false, -1},
      {"0999", false, -1},
      {"abc", false, 0},
      {"23", false, 0},
      {"2023-05-07-01", false, 0},
      {"2023-0x", false, 0},
  };
  for (const auto& c : cases) {
    bool impossible = false;
    auto day = internal::ParseDayBound(c.text, c.upper, &impossible);
    if (c.expected > 0) {
      ASSERT_TRUE(day.has_value()) << c.text;
      EXPECT_EQ(*day, c.expected) << c.text;
    } else {
      EXPECT_FALSE(day.has_value()) << c.text;
      EXPECT_EQ(impossible, c.expected == -1) << c.text;
    }
  }
}

TEST(DayBounds, IsoDayRequiresARealCalendarDate) {
  EXPECT_EQ(ParseIsoDay("2023-02-28").value_or(0), 20230228);
  EXPECT_EQ(ParseIsoDay("2024-02-29").value_or(0), 20240229);
  EXPECT_FALSE(ParseIsoDay("2023-02-29"));
  EXPECT_FALSE(ParseIsoDay("2023-02-30"));
  EXPECT_FALSE(ParseIsoDay("2023-2-3"));
  EXPECT_FALSE(ParseIsoDay("2023/02/03"));
  EXPECT_FALSE(ParseIsoDay(""));
}

TEST(DayBounds, RangeProcessorBuildsInclusiveValueRanges) {
  internal::DayRangeProcessor rp;
  Xapian::Query q = rp("2023", "2023-05");
  EXPECT_EQ(q.get_type(), Xapian::Query::OP_VALUE_RANGE);
  EXPECT_EQ(rp("2023-05", "").get_type(), Xapian::Query::OP_VALUE_GE);
  EXPECT_EQ(rp("", "2023").get_type(), Xapian::Query::OP_VALUE_LE);
  EXPECT_EQ(rp("abc", "def").get_type(), Xapian::Query::OP_INVALID);
  EXPECT_TRUE(rp.error().empty());
  rp("2023-02-30", "2023-03-01");
  EXPECT_NE(rp.error().find("2023-02-30"), std::string::npos);
}

TEST(SearchOptionsValidation, BadDatesLimitsAndLanguagesAreUsageErrors) {
  SearchOptions ok;
  ok.query = "x";
  ok.from = "2023-01-01";
  ok.to = "2023-12-31";
  EXPECT_TRUE(ValidateSearchOptions(ok).ok());

  auto expect_usage = [](SearchOptions o, const char* what) {
    Status s = ValidateSearchOptions(o);
    EXPECT_EQ(s.code(), Status::Code::kUsage) << what;
  };
  SearchOptions o = ok;
  o.from = "2023-02-30";
  expect_usage(o, "impossible --from");
  o = ok;
  o.to = "31.12.2023";
  expect_usage(o, "--to in another format");
  o = ok;
  o.from = "2024-01-01";
  expect_usage(o, "--from after --to");
  o = ok;
  o.languages = {"a z"};
  expect_usage(o, "bad language");
  o = ok;
  o.query = "\"open";
  expect_usage(o, "unbalanced quote");
}

}  // namespace
}  // namespace pressarc::search
