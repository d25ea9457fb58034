// BoundHtml's text-run placeholders (parser/internal.h): Gumbo parses long
// runs of text as short placeholders and Dom puts the text back. The tree
// must be exactly the one Gumbo builds from the text itself: same nodes,
// types, tags, nesting, attributes and text, on tricky markup and on every
// page of the fixture sites.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parser/internal.h"
#include "parser/parser.h"

namespace pressarc::parser_internal {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Describe(const Dom& dom, int i) {
  const Node& n = dom[i];
  std::string s = "node " + std::to_string(i) + " parent " + std::to_string(n.parent) + " end " +
                  std::to_string(n.end) + " type " + std::to_string(n.g->type);
  if (n.is_text) return s + " text [" + std::string(dom.NodeText(i)) + "]";
  s += " <" + dom.TagName(i);
  const GumboVector& attrs = n.g->v.element.attributes;
  for (unsigned k = 0; k < attrs.length; ++k) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[k]);
    s += std::string(" ") + a->name + "=\"" + a->value + "\"";
  }
  return s + ">";
}

// Parses `html` both ways; fails with the first node that differs. Returns
// the number of runs that went to Gumbo as placeholders.
std::size_t ExpectSameTree(std::string_view html, const std::string& what) {
  const std::string bounded_plain = BoundHtml(html);  // Gumbo's tree points into it
  Dom plain(bounded_plain);
  std::vector<std::string_view> runs;
  std::string bounded = BoundHtml(html, {}, &runs);
  const std::size_t count = runs.size();
  Dom placeheld(bounded, runs);
  EXPECT_EQ(plain.size(), placeheld.size()) << what;
  for (int i = 0; i < std::min(plain.size(), placeheld.size()); ++i) {
    std::string a = Describe(plain, i), b = Describe(placeheld, i);
    if (a != b) {
      ADD_FAILURE() << what << "\n  text itself:  " << a << "\n  placeholders: " << b;
      break;
    }
  }
  return count;
}

const std::string kLong = "Ceyhun Bayramov met the delegation of the Ministry in Baku";

TEST(TextRunsTest, TrickyMarkupGivesTheSameTree) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"plain", "<p>" + kLong + "</p>"},
      {"text before html", kLong + "<p>x</p>"},
      {"text in head", "<html><head>  " + kLong + "<title>t</title></head><body>b</body>"},
      {"text after head", "<html><head></head> \n " + kLong + "</html>"},
      {"foster-parented from a table",
       "<table>" + kLong + "<tr><td>" + kLong + "</td></tr></table>"},
      {"table whitespace", "<table>\n   \n<tr><td>a</td></tr>  " + kLong + "</table>"},
      {"around entities", "<p>" + kLong + "&amp;" + kLong + "&nbsp;" + kLong + "&#1241;</p>"},
      {"CRLF", "<p>" + kLong + "\r\n" + kLong + "\r" + kLong + "</p>"},
      {"NUL and controls", std::string("<p>") + kLong + '\0' + kLong + "\x01\x0b" + kLong + "</p>"},
      {"C1 and noncharacters", "<p>" + kLong + "\xC2\x85" + kLong + "\xEF\xB7\x90" + kLong +
                                   "\xEF\xBF\xBE" + kLong + "</p>"},
      {"invalid UTF-8", "<p>" + kLong + "\xC3" + kLong + "\xE2\x82" + kLong + "\xFF</p>"},
      {"formatting elements", "<p><b>" + kLong + "<i>" + kLong + "</b>" + kLong + "</i>" + kLong},
      {"misnested a", "<a href=x>" + kLong + "<div><a href=y>" + kLong + "</a></div>" + kLong},
      {"pre's first newline", "<pre>\n" + kLong + "\n</pre><textarea>\n" + kLong + "</textarea>"},
      {"title and rawtext",
       "<title>" + kLong + "</title><xmp>" + kLong + "</xmp><noscript>" + kLong + "</noscript>"},
      {"select", "<select><option>" + kLong + "<option>" + kLong + "</select>"},
      {"frameset", "<frameset>" + kLong + "<frame></frameset>" + kLong},
      {"svg and math", "<svg><text>" + kLong + "</text><![CDATA[" + kLong + "]]></svg><math><mi>" +
                           kLong + "</mi></math>"},
      {"after body", "<body><p>x</p></body>" + kLong + "</html>" + kLong},
      {"plaintext", "<plaintext>" + kLong + "<p>" + kLong},
      {"lone <", "<p>" + kLong + " < " + kLong + " <3 " + kLong + "</p>"},
      {"JSON-LD", "<script type=\"application/ld+json\">{\"headline\": \"" + kLong +
                      "\"}</script><p>" + kLong + "</p>"},
      {"Azerbaijani and Russian",
       "<p>Azərbaycan Respublikasının Xarici İşlər Naziri Ceyhun "
       "Bayramov</p><p>Министр иностранных дел России Сергей Лавров "
       "провёл переговоры</p>"},
      {"space inside a run", "<p>" + kLong + "   \t\n   " + kLong + "</p>"},
      {"whitespace-only", "<div>" + std::string(200, ' ') + "</div><p>" + std::string(80, '\n')},
  };
  std::size_t runs = 0;
  for (const auto& [name, html] : cases) runs += ExpectSameTree(html, name);
  EXPECT_GT(runs, cases.size());  // the placeholders were used
}

TEST(TextRunsTest, EveryFixturePageGivesTheSameTree) {
  std::size_t pages = 0, runs = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(PRESSARC_FIXTURES_DIR)) {
    if (!e.is_regular_file() || e.path().extension() != ".html") continue;
    ++pages;
    runs += ExpectSameTree(ReadFile(e.path().string()), e.path().string());
  }
  EXPECT_GT(pages, 100u);
  EXPECT_GT(runs, pages);
}

TEST(TextRunsTest, LongRunsReachGumboAsPlaceholders) {
  std::vector<std::string_view> runs;
  std::string html = "<p>  " + kLong + "  </p><p>short</p>";
  std::string bounded = BoundHtml(html, {}, &runs);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0], kLong);  // without the spaces around it
  EXPECT_EQ(bounded,
            "<p>  " + std::string(kRunMarker) + "\xEE\x84\x80\xEE\x84\x80  </p><p>short</p>");
  Dom dom(bounded, runs);
  EXPECT_EQ(dom.Text(0), kLong + " short");
}

TEST(TextRunsTest, PlaceholdersReadBackTheirIndex) {
  for (std::size_t index : {0u, 1u, 63u, 64u, 255u, 256u, 4095u, 65535u}) {
    std::string placeholder;
    AppendRunPlaceholder(index, &placeholder);
    EXPECT_EQ(placeholder.size(), kRunPlaceholderBytes);
    EXPECT_EQ(ReadRunPlaceholder(placeholder + "tail"), static_cast<long>(index));
  }
  EXPECT_EQ(ReadRunPlaceholder(std::string(kRunMarker) + "ab"), -1);
  EXPECT_EQ(ReadRunPlaceholder("plain text here"), -1);
}

TEST(TextRunsTest, PagesThatWriteTheMarkerAreParsedWithoutPlaceholders) {
  for (std::string marker : {std::string(kRunMarker), std::string("&#xf8ff;"),
                             std::string("&#63743;"), std::string("&#x0F8FF;")}) {
    // A forged placeholder for run 0, which would be the first long run.
    std::string html = "<p>" + marker + "&#xE100;&#xE100; " + kLong + "</p>";
    std::vector<std::string_view> runs;
    BoundHtml(html, {}, &runs);
    EXPECT_TRUE(runs.empty()) << marker;
    Article a = ExtractArticle(html, {});
    EXPECT_NE(a.text.find(kLong), std::string::npos) << marker;
    EXPECT_EQ(a.text.find(kLong), a.text.rfind(kLong)) << marker;
  }
}

TEST(TextRunsTest, TheSizeCapCountsTheTextPlaceholdersStandFor) {
  PrepassLimits limits;
  limits.max_bytes = 1000;
  std::string html;
  for (int i = 0; i < 100; ++i) html += "<p>" + kLong + "</p>";
  std::vector<std::string_view> runs;
  std::string bounded = BoundHtml(html, limits, &runs);
  const std::string bounded_plain = BoundHtml(html, limits);
  Dom plain(bounded_plain);
  Dom placeheld(bounded, runs);
  EXPECT_EQ(plain.Text(0), placeheld.Text(0));
  EXPECT_LT(plain.Text(0).size(), 1000u);
}

}  // namespace
}  // namespace pressarc::parser_internal
