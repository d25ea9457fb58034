// Table-driven tests for date recognition (sites.md §3): machine forms and
// human text in az/ru/en, whole-token month matching, Turkic case folding.
#include <gtest/gtest.h>

#include "parser/internal.h"

namespace pressarc::parser_internal {
namespace {

struct Case {
  const char* in;
  const char* want;
};

TEST(ParseMachineDateTest, IsoAndRfc2822) {
  const Case cases[] = {
      {"2023-02-28", "2023-02-28"},
      {"2023-02-28T16:25", "2023-02-28T16:25:00"},
      {"2023-02-28T16:25:07", "2023-02-28T16:25:07"},
      {"2023-02-28T16:25:00+04:00", "2023-02-28T16:25:00+04:00"},
      {"2023-02-28T16:25:00.123+0400", "2023-02-28T16:25:00+04:00"},
      {"2023-02-28T12:25:00Z", "2023-02-28T12:25:00Z"},
      {" 2023-02-28 16:25:00 ", "2023-02-28T16:25:00"},
      {"2026-08-26T10:15:00+03:00", "2026-08-26T10:15:00+03:00"},
      {"Wed, 26 Aug 2026 12:40:00 +0300", "2026-08-26T12:40:00+03:00"},
      {"Wed, 26 Aug 2026 12:40:00 GMT", "2026-08-26T12:40:00+00:00"},
      {"", ""},
      {"   ", ""},
      {"2023-02-30", ""},
      {"2023-13-01", ""},
      {"not a date", ""},
      {"12345", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseMachineDate(c.in), c.want) << c.in;
}

TEST(FindTextDateTest, AzerbaijaniForms) {
  const Case cases[] = {
      {"21 Fevral 2026 12:06", "2026-02-21T12:06:00"},
      {"28 Fevral 2023 16:25", "2023-02-28T16:25:00"},
      {"30 Dekabr 2015, 16:03", "2015-12-30T16:03:00"},
      {"01 dekabr, 2024 23:43", "2024-12-01T23:43:00"},
      {"07 mart, 2026", "2026-03-07"},
      {"15 İyun 2024", "2024-06-15"},
      {"15 IYUN 2024", "2024-06-15"},
      {"2 Mart 2018 15:31 (UTC +04:00)", "2018-03-02T15:31:00+04:00"},
      {"2024-cü il dekabrın 25-də qəza baş verib", "2024-12-25"},
      {"8 avqust 2025-ci il tarixində", "2025-08-08"},
      {"2021-ci ilin noyabrın 3-də", "2021-11-03"},
      {"12 avgust 2020", "2020-08-12"},
      {"28 fevral 2023-cü il tarixində Moskvada", "2023-02-28"},
  };
  for (const auto& c : cases) EXPECT_EQ(FindTextDate(c.in), c.want) << c.in;
}

TEST(FindTextDateTest, RussianForms) {
  const Case cases[] = {
      {"28 января 2025 года", "2025-01-28"},
      {"18 июля 2023", "2023-07-18"},
      {"28 февраля 2023 года состоялось", "2023-02-28"},
      {"Апрель 6, 2016", "2016-04-06"},
      {"15 марта, 2024", "2024-03-15"},
      {"19 января 2023 г. 18:05", "2023-01-19T18:05:00"},
      {"10 февраля 2023 г. в 12:40", "2023-02-10T12:40:00"},
      {"3 сент. 2022", "2022-09-03"},
      {"28.02.2023 15:30", "2023-02-28T15:30:00"},
  };
  for (const auto& c : cases) EXPECT_EQ(FindTextDate(c.in), c.want) << c.in;
}

TEST(FindTextDateTest, EnglishAndNumericForms) {
  const Case cases[] = {
      {"28 December 2017", "2017-12-28"},
      {"On March 10, 2022, Minister", "2022-03-10"},
      {"19 november 2017, 19:23", "2017-11-19T19:23:00"},
      {"28 February 2023 17:52 (UTC +04:00)", "2023-02-28T17:52:00+04:00"},
      {"14:24 09 July 2019", "2019-07-09T14:24:00"},
      {"27-02-2023, 19:17", "2023-02-27T19:17:00"},
      {"8-12-2022, 13:01", "2022-12-08T13:01:00"},
      {"2019.05.14 / 10:20", "2019-05-14T10:20:00"},
      {"2/28/2023 4:05:00 PM", "2023-02-28T16:05:00"},
      {"Published Nov 18, 2019 at 4:07 PM", "2019-11-18T16:07:00"},
      {"Sept. 3, 2021", "2021-09-03"},
  };
  for (const auto& c : cases) EXPECT_EQ(FindTextDate(c.in), c.want) << c.in;
}

TEST(FindTextDateTest, NoYearOrNoDateGivesNothing) {
  const char* cases[] = {
      "28 Fevral, 16:25",    // no year (aztv.az)
      "15 İyun saat 11:56",  // no year (1news.az)
      "dekabrın 4-də",       // no year
      "Marchа 2023",         // not a month token
      "мартаа 5 2023",       // not a month token
      "version 1.2.3.4",     // not a date
      "call 12-34-5678",     // not a date
      "31 February 2023",    // invalid day
      "",
  };
  for (const char* c : cases) EXPECT_EQ(FindTextDate(c), "") << c;
}

TEST(FindTextDateTest, MonthNamesMatchWholeTokensOnly) {
  // "марта" inside a longer word is not a month; the real date later is found.
  EXPECT_EQ(FindTextDate("Мартаев сказал 5 марта 2023 года"), "2023-03-05");
  EXPECT_EQ(FindTextDate("Mayami 5 2023; 6 May 2023"), "2023-05-06");
}

TEST(LowerTurkicTest, DottedAndDotlessI) {
  EXPECT_EQ(LowerTurkic("İYUN"), "iyun");
  EXPECT_EQ(LowerTurkic("IĞDIR"), "ığdır");
  EXPECT_EQ(LowerTurkic("ФЕВРАЛЯ"), "февраля");
}

}  // namespace
}  // namespace pressarc::parser_internal
