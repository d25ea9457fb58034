// ExtractArticle on the failure classes of issue 20, one hand-made page per
// class (tests/fixtures/pages): which date wins, which blocks of the body are
// kept, how class and id names are read, hidden blocks, pages of many
// <article> elements, a body given only in JSON-LD, and the fallback when no
// candidate passes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parser/parser.h"

namespace pressarc {
namespace {

std::string Page(const std::string& name) {
  std::ifstream in(std::string(PRESSARC_FIXTURES_DIR) + "/pages/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Article ExtractPage(const std::string& name) {
  ExtractOptions o;
  o.url = "https://mfa.example.gov/en/news/1";
  std::string html = Page(name);
  EXPECT_FALSE(html.empty()) << name;
  return ExtractArticle(html, o);
}

struct TextCase {
  const char* page;
  std::vector<std::string> kept;     // must be in the text
  std::vector<std::string> dropped;  // must not be
};

void CheckText(const TextCase& c) {
  Article a = ExtractPage(c.page);
  for (const auto& s : c.kept)
    EXPECT_TRUE(Has(a.text, s)) << c.page << ": lost " << s << "\n" << a.text;
  for (const auto& s : c.dropped)
    EXPECT_FALSE(Has(a.text, s)) << c.page << ": kept " << s << "\n" << a.text;
}

// 1. The date in the heading, the dateline or the lead beats the dates of
// other releases listed beside it; a date inside a link is never the page's.
TEST(FailureClassTest, DateFromHeadingOrLeadBeatsDatesOfOtherReleases) {
  struct Case {
    const char* page;
    const char* url;
    const char* want;
  } cases[] = {
      {"date_in_heading_en.html", "https://mfa.example.gov/en/news/176", "2023-06-21"},
      {"date_in_lead_ru.html", "https://mfa.example.gov/ru/news/1002", "2023-02-28"},
      {"date_in_link_only.html", "https://mfa.example.gov/en/news/171", ""},
      // Beside a link up to its own section (a breadcrumb), the date is the page's.
      {"date_beside_section_link.html", "https://mfa.example.gov/en/news/press-releases/5119",
       "2024-03-14"},
  };
  for (const Case& c : cases) {
    ExtractOptions o;
    o.url = c.url;
    EXPECT_EQ(ExtractArticle(Page(c.page), o).published, c.want) << c.page;
  }
}

// 2. Lists, definition lists and tables of figures inside the content block
// are content; a list of links to other articles is not.
TEST(FailureClassTest, ListsAndTablesInTheBodyAreKeptLinkListsDropped) {
  CheckText(
      {"lists_in_body.html",
       {"The sides agreed on:", "a road map for trade", "joint customs posts", "a direct flight",
        "2022 530 401", "To prepare the agreement on transit.", "To study the customs data.",
        "Transit", "carriage of goods across the territory", "The next meeting of the commission"},
       {"ambassador of Germany", "results of the tender", "Contacts"}});
}

// 3. Class and id names are read as words: overflow-hidden is not hidden,
// commentary is not comment, and a block free of comments is not one.
TEST(FailureClassTest, ClassNamesAreMatchedAsWordsNotSubstrings) {
  CheckText({"utility_classes.html",
             {"attended the opening ceremony", "reflects the growing partnership",
              "appointments can be made online", "members of the diplomatic corps",
              "designed by a local architect"},
             {"Great news, posted by a reader", "press@mfa.example"}});
}

// 4. A hidden block is boilerplate unless it holds the page's main content
// (streaming renderers put the body in <div hidden id="S:0">).
TEST(FailureClassTest, HiddenBlockHoldingTheMainContentIsKept) {
  CheckText({"streaming_hidden.html",
             {"hosted a regional conference", "adopted a joint declaration",
              "in the autumn of the coming year"},
             {"Loading...", "About the ministry"}});
}

// 5. Of many <article> elements, the one with the text wins, and adjacent
// boxes of one release are merged; teasers of other items stay out.
TEST(FailureClassTest, ManyArticleElementsAreComparedByTextAndBoxesMerged) {
  CheckText({"many_articles.html",
             {"met the delegation of the parliament's foreign relations committee",
              "parliamentary dimension of cooperation", "hold regular consultations"},
             {"copies of credentials", "answered a question"}});
}

// 6. When the HTML holds only captions and a standfirst, JSON-LD articleBody
// is the text.
TEST(FailureClassTest, JsonLdArticleBodyWhenTheHtmlIsMuchShorter) {
  Article a = ExtractPage("jsonld_body.html");
  EXPECT_TRUE(Has(a.text, "reviewed the results of the past year")) << a.text;
  EXPECT_TRUE(Has(a.text, "panel sessions for three days")) << a.text;
  EXPECT_FALSE(a.fallback);
  EXPECT_EQ(a.published, "2023-07-10T10:00:00+04:00");
}

// A page whose HTML carries its article does not take articleBody's text.
TEST(FailureClassTest, JsonLdArticleBodyIgnoredWhenTheHtmlHasTheArticle) {
  std::string para =
      "<p>The Ministry of Foreign Affairs informs that the consultations were held in a "
      "constructive atmosphere and covered the whole agenda of bilateral relations.</p>";
  std::string html =
      "<html><head><script type='application/ld+json'>{\"@type\":\"NewsArticle\","
      "\"articleBody\":\"A summary that the HTML does not carry, long enough to count as a "
      "body of an article in the structured data of the page.\"}</script></head><body>"
      "<article><h1>Consultations</h1>" +
      para + para + para + "</article></body></html>";
  ExtractOptions o;
  o.url = "https://mfa.example.gov/en/news/2";
  Article a = ExtractArticle(html, o);
  EXPECT_TRUE(Has(a.text, "constructive atmosphere"));
  EXPECT_FALSE(Has(a.text, "A summary that the HTML does not carry"));
}

// 7. Never empty when the page has text: the best text block, flagged.
TEST(FailureClassTest, NoCandidateFallsBackToTheBestTextBlock) {
  Article a = ExtractPage("no_candidate.html");
  EXPECT_TRUE(a.fallback);
  EXPECT_TRUE(Has(a.text, "the consular section")) << a.text;
  EXPECT_TRUE(Has(a.text, "due to a holiday.")) << a.text;

  Article normal = ExtractPage("lists_in_body.html");
  EXPECT_FALSE(normal.fallback);
  Article empty = ExtractArticle("<html><body><div class=x></div></body></html>", {});
  EXPECT_EQ(empty.text, "");
  EXPECT_FALSE(empty.fallback);
}

}  // namespace
}  // namespace pressarc
