// The CSS selector subset used by per-source extraction hints.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parser/internal.h"

namespace pressarc::parser_internal {
namespace {

const char kPage[] =
    "<html><body><div id=main class='col-sm-8 news_in'>"
    "<h1 class=news_in_ttl>T</h1>"
    "<span class=news_in_catg><a href='/category/siyaset'>S</a></span>"
    "<article id=maincontent class='normal-text' itemprop=articleBody><p>x</p>"
    "<div class='fb-like'></div></article></div>"
    "<ul class=sidebar><li><a href='/news/1'>a</a></li></ul></body></html>";

// The tag names of the matches, in document order.
std::string Matches(const char* selector) {
  Dom dom(kPage);
  Selector sel(selector);
  std::string out;
  for (int i : sel.MatchAll(dom)) {
    if (!out.empty()) out += ",";
    out += dom.TagName(i);
  }
  return out;
}

TEST(SelectorTest, SupportedForms) {
  struct Case {
    const char* selector;
    const char* want;
  } cases[] = {
      {"h1", "h1"},
      {"h1.news_in_ttl", "h1"},
      {".news_in_ttl", "h1"},
      {"#maincontent", "article"},
      {"article#maincontent[itemprop='articleBody'].normal-text", "article"},
      {"[itemprop=articleBody]", "article"},
      {"[itemprop]", "article"},
      {".news_in_catg a[href*='/category/']", "a"},
      {"a[href^='/news/']", "a"},
      {"a[href$='siyaset']", "a"},
      {"div[class~=news_in]", "div"},
      {"#main > h1", "h1"},
      {"#main > a", ""},
      {"#main a", "a"},
      {"body ul.sidebar li a", "a"},
      {"h1, .fb-like", "h1,div"},
      {"*.normal-text", "article"},
      {"DIV.col-sm-8", "div"},
      {".missing", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(Matches(c.selector), c.want) << c.selector;
}

TEST(SelectorTest, UnsupportedSyntaxMatchesNothing) {
  const char* bad[] = {
      "div:nth-of-type(2)", "a::before", "[href", "div ~ p", "div + p", "", ".", "#", "[x=]",
      "a[href='x]"};
  for (const char* s : bad) {
    Selector sel(s);
    EXPECT_FALSE(sel.valid()) << s;
    EXPECT_EQ(Matches(s), "") << s;
  }
}

}  // namespace
}  // namespace pressarc::parser_internal
