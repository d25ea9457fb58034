// ClassWords: class and id attributes read as words, not substrings.
#include <gtest/gtest.h>

#include <string>

#include "parser/internal.h"

namespace pressarc::parser_internal {
namespace {

TEST(ClassWordsTest, PatternsMatchWordsNotSubstrings) {
  struct Case {
    const char* cls;
    const char* id;
    const char* pattern;
    bool want;
  } cases[] = {
      {"comment", "", "comment", true},
      {"comments-list", "", "comment", true},          // plural
      {"postComments", "", "comment", true},           // camelCase
      {"article_comment", "", "comment", true},        // underscore
      {"postcomment", "", "comment", true},            // the head of a compound
      {"commentary", "", "comment", false},            // starts with it: another word
      {"content-comment-free", "", "comment", false},  // says it has none
      {"no-sidebar", "", "sidebar", false},
      {"sidebar1", "", "sidebar", true},         // trailing digits
      {"", "mainMenu", "menu", true},            // the id too
      {"overflow-hidden", "", "hidden", false},  // a utility class
      {"hidden-xs", "", "hidden", false},        // responsive utility
      {"md:hidden", "", "hidden", false},        // Tailwind variant
      {"is-hidden", "", "hidden", true},
      {"text-description", "", "description", true},  // not a utility
      {"text-center", "", "text", false},
      {"read-also", "", "read-also", true},
      {"readAlso", "", "read-also", true},
      {"also-read", "", "read-also", false},
      {"header", "", "ad", false},  // short patterns match whole words only
      {"ad-slot", "", "ad", true},
      {"news_in", "", "news-in", true},
  };
  for (const Case& c : cases)
    EXPECT_EQ(ClassWords(c.cls, c.id).Has({c.pattern}), c.want)
        << "class=" << c.cls << " id=" << c.id << " pattern=" << c.pattern;
}

TEST(ClassWordsTest, UtilityClassesGiveNoWords) {
  EXPECT_TRUE(ClassWords("", "").empty());
  EXPECT_TRUE(ClassWords("overflow-hidden col-md-8 text-center", "").empty());
  EXPECT_FALSE(ClassWords("overflow-hidden entry-content", "").empty());
}

}  // namespace
}  // namespace pressarc::parser_internal
