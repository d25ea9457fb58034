// web/: escaping, parameters, routing without an index, and the rewriting of
// archived pages (hostile HTML must come out unable to run code or connect).
#include "web/web.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "indexer/indexer.h"
#include "search/search.h"
#include "web/pages.h"

namespace pressarc::web {
namespace {

TEST(EscapeHtml, EscapesMarkupQuotesAndDropsBidiOverrides) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"plain", "plain"},
      {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
      {"a & b 'c'", "a &amp; b &#39;c&#39;"},
      {"abc\u202Egnp.exe", "abcgnp.exe"},
      {"x\u2066y\u2069", "xy"},
      {"Azərbaycan Лавров", "Azərbaycan Лавров"},
      {std::string("bad\xC3(") + "", "bad\uFFFD("},
      {std::string("nul\0x", 5), "nulx"},
  };
  for (const auto& c : cases) EXPECT_EQ(EscapeHtml(c.in), c.out) << c.in;
}

TEST(EncodeUrlComponent, KeepsUnreservedOnly) {
  EXPECT_EQ(EncodeUrlComponent("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(EncodeUrlComponent("javascript:alert(1)"), "javascript%3Aalert%281%29");
}

TEST(SnippetHtml, MarksMatchesAndEscapesTheRest) {
  const std::string on(1, search::kMarkOn), off(1, search::kMarkOff);
  EXPECT_EQ(SnippetHtml("a " + on + "<b>" + off + " c"), "a <mark>&lt;b&gt;</mark> c");
  EXPECT_EQ(SnippetHtml(on + "open"), "<mark>open</mark>");  // closed
  EXPECT_EQ(SnippetHtml("x" + off + "y" + on + on + "z" + off), "xy<mark>z</mark>");
}

using Params = std::vector<std::pair<std::string, std::string>>;

TEST(ParseSearchParams, ReadsTheCliFlagNames) {
  auto o = ParseSearchParams({{"q", "Lavrov"},
                              {"lang", "az"},
                              {"lang", "ru"},
                              {"source", "mfa-az"},
                              {"from", "2023-01-01"},
                              {"to", "2023-12-31"},
                              {"sort", "newest"},
                              {"limit", "20"},
                              {"offset", "40"},
                              {"any", "1"},
                              {"all", "on"},
                              {"exact", "1"},
                              {"facets", ""},
                              {"utm_source", "x"}},
                             WebOptions{});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->query, "Lavrov");
  EXPECT_EQ(o->languages, (std::vector<std::string>{"az", "ru"}));
  EXPECT_EQ(o->sources, (std::vector<std::string>{"mfa-az"}));
  EXPECT_EQ(o->sort, search::SortOrder::kNewest);
  EXPECT_EQ(o->limit, 20u);
  EXPECT_EQ(o->offset, 40u);
  EXPECT_TRUE(o->match_any);
  EXPECT_FALSE(o->fold_copies);
  EXPECT_TRUE(o->exact);
  EXPECT_TRUE(o->facets);
  // And back: the same parameters (the ignored one aside).
  auto again = ParseSearchParams(SearchParams(*o), WebOptions{});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(SearchParams(*again), SearchParams(*o));
}

TEST(ParseSearchParams, RejectsWhatTheCliRejects) {
  const std::map<std::string, Params> cases = {
      {"unbalanced quote", {{"q", "\"open"}}},
      {"is not a date", {{"q", "x"}, {"from", "2023-02-30"}}},
      {"is after --to", {{"q", "x"}, {"from", "2024-01-01"}, {"to", "2023-01-01"}}},
      {"--sort", {{"sort", "sideways"}}},
      {"is not a number", {{"limit", "-1"}}},
      {"at most 100", {{"limit", "101"}}},
      {"unknown prefix", {{"q", "foo:bar"}}},
      {"not a language code", {{"lang", "<script>"}}},
      {"query too long", {{"q", std::string(5000, 'a')}}},
      {"yes/no", {{"exact", "maybe"}}},
  };
  for (const auto& [message, params] : cases) {
    auto o = ParseSearchParams(params, WebOptions{});
    ASSERT_FALSE(o.ok()) << message;
    EXPECT_EQ(o.status().code(), Status::Code::kUsage);
    EXPECT_NE(o.status().message().find(message), std::string::npos) << o.status().message();
  }
}

TEST(ParseChangesParams, ReadsTheChangesFlagNames) {
  constexpr std::int64_t kNow = 1714723200;  // 2024-05-03T08:00:00Z
  struct Case {
    Params params;
    std::string since;
    std::vector<ChangeKind> kinds;
    std::size_t sources, limit;
  } cases[] = {
      {{}, "", {}, 0, 0},
      {{{"since", "2024-05-01"}}, "2024-05-01T00:00:00Z", {}, 0, 0},
      {{{"since", "1d"}}, "2024-05-02T08:00:00Z", {}, 0, 0},
      {{{"since", "2w"}}, "2024-04-19T08:00:00Z", {}, 0, 0},
      {{{"since", ""}, {"kind", ""}, {"source", ""}}, "", {}, 0, 0},  // an empty form
      {{{"kind", "edited"}, {"kind", "removed"}, {"source", "a"}, {"source", "b"}, {"limit", "5"}},
       "",
       {ChangeKind::kEdited, ChangeKind::kRemoved},
       2,
       5},
      {{{"utm_source", "x"}}, "", {}, 0, 0},
  };
  for (const auto& c : cases) {
    auto f = ParseChangesParams(c.params, kNow);
    ASSERT_TRUE(f.ok()) << f.status().message();
    EXPECT_EQ(f->since, c.since);
    EXPECT_EQ(f->kinds, c.kinds);
    EXPECT_EQ(f->sources.size(), c.sources);
    EXPECT_EQ(f->limit, c.limit);
  }
}

TEST(ParseChangesParams, RejectsWithTheCliMessages) {
  struct Case {
    Params params;
    std::string message;
  } cases[] = {
      {{{"since", "yesterday"}}, "bad --since 'yesterday'"},
      {{{"since", "5y"}}, "bad --since '5y'"},
      {{{"kind", "moved"}}, "unknown --kind 'moved'"},
      {{{"limit", "-1"}}, "--limit '-1' is not a number"},
  };
  for (const auto& c : cases) {
    auto f = ParseChangesParams(c.params, 0);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().code(), Status::Code::kUsage);
    EXPECT_EQ(f.status().message(), c.message);
  }
}

TEST(SearchUrl, EncodesEveryValue) {
  EXPECT_EQ(SearchUrl({{"q", "a&b \"c\""}, {"lang", "az"}}), "/?q=a%26b%20%22c%22&lang=az");
  EXPECT_EQ(SearchUrl({}), "/");
}

// ---- routing without an index ------------------------------------------------

class RoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pressarc-web-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "feeds");
    std::FILE* f = std::fopen((dir_ / "feeds" / "covid.atom").c_str(), "w");
    std::fputs("<feed/>", f);
    std::fclose(f);
    options_.data_dir = dir_.string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  WebResponse Get(const std::string& path, Params params = {}, std::string method = "GET") {
    return HandleRequest(options_, WebRequest{method, path, std::move(params)});
  }

  std::filesystem::path dir_;
  WebOptions options_;
};

TEST_F(RoutingTest, StatusCodesByRoute) {
  struct Case {
    std::string method, path;
    Params params;
    int status;
  } cases[] = {
      {"GET", "/static/style.css", {}, 200},
      {"GET", "/feeds/covid.atom", {}, 200},
      {"GET", "/feeds/missing.atom", {}, 404},
      {"GET", "/feeds/../state.sqlite", {}, 404},
      {"GET", "/feeds/.hidden.atom", {}, 404},
      {"GET", "/feeds/a/b.atom", {}, 404},
      {"GET", "/nothing", {}, 404},
      {"GET", "/articles/not-an-id", {}, 404},
      {"GET", "/articles/0123456789ABCDEF", {}, 503},  // an id (any case): no index yet
      {"GET", "/archive/0123456789abcdef", {}, 503},
      {"GET", "/archive/0123456789abcdef/1", {}, 503},
      {"GET", "/archive/0123456789abcdef/0", {}, 404},  // never a version, index or not
      {"GET", "/archive/not-an-id/1", {}, 404},
      {"GET", "/archive/", {}, 404},
      {"GET", "/api/articles/../../etc/passwd", {}, 404},
      {"GET", "/", {{"q", "\"open"}}, 400},  // usage errors win over "no index yet"
      {"GET", "/api/search", {{"limit", "x"}}, 400},
      {"GET", "/api/search", {}, 400},       // empty query
      {"GET", "/", {{"q", "Lavrov"}}, 503},  // no index yet
      {"GET", "/api/search", {{"q", "Lavrov"}}, 503},
      {"POST", "/", {}, 405},
      {"DELETE", "/articles/0123456789abcdef", {}, 405},
      {"HEAD", "/static/style.css", {}, 200},
      {"GET", "/changes", {}, 200},  // no catalogue yet: an empty log
      {"GET", "/api/changes", {{"kind", "edited"}, {"since", "7d"}}, 200},
      {"GET", "/changes", {{"since", "yesterday"}}, 400},
      {"GET", "/api/changes", {{"kind", "moved"}}, 400},
      {"GET", "/api/changes", {{"limit", "x"}}, 400},
      {"GET", "/api/articles/0123456789abcdef/history", {}, 503},  // no index yet
      {"GET", "/api/articles/not-an-id/history", {}, 404},
      {"POST", "/api/changes", {}, 405},
  };
  for (const auto& c : cases) {
    WebResponse r = Get(c.path, c.params, c.method);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << "\n" << r.body.substr(0, 400);
  }
}

TEST_F(RoutingTest, EveryResponseCarriesACspAndNosniff) {
  for (const char* path : {"/", "/nothing", "/static/style.css", "/feeds/covid.atom"}) {
    WebResponse r = Get(path);
    std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
    EXPECT_EQ(h["Content-Security-Policy"], kPageCsp) << path;
    EXPECT_EQ(h["X-Content-Type-Options"], "nosniff") << path;
  }
}

TEST_F(RoutingTest, ChangeLogWithoutACatalogueIsEmpty) {
  WebResponse r = Get("/api/changes");
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, "[]\n");
  r = Get("/changes", {{"source", "\"><script>alert(1)</script>"}, {"kind", "new"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);
  EXPECT_NE(r.body.find("value=\"new\" checked"), std::string::npos);
  EXPECT_NE(r.body.find("No changes match."), std::string::npos);
}

TEST_F(RoutingTest, ErrorPagesEscapeWhatWasAsked) {
  WebResponse r = Get("/<script>alert(1)</script>");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);
  r = Get("/", {{"q", "\"<img src=x onerror=alert(1)>"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.find("<img src=x"), std::string::npos);
  EXPECT_NE(r.body.find("unbalanced quote"), std::string::npos);
}

// ---- rewriting archived pages ------------------------------------------------

// The archive holds one other page: https://mfa.gov.az/en/news/no2.
std::optional<std::string> Held(const std::string& url) {
  if (url == "https://mfa.gov.az/en/news/no2") return "/articles/00000000000000aa/original";
  return std::nullopt;
}

std::string Rewrite(const std::string& html) {
  return RewriteArchivedHtml(html, "https://mfa.gov.az/en/news/no1", Held);
}

TEST(RewriteArchivedHtml, HeldLinksGoToTheirReplayOthersNowhere) {
  const std::string out = Rewrite(
      "<a href=\"/en/news/no2\">held</a><a href=\"https://evil.example/x\">live</a>"
      "<a href=\"#top\">top</a><img src=\"https://cdn.example/a.png\">"
      "<img src=\"data:image/png;base64,AAAA\">");
  EXPECT_NE(out.find("<a href=\"/articles/00000000000000aa/original\">held</a>"), std::string::npos)
      << out;
  EXPECT_NE(out.find("<a>live</a>"), std::string::npos) << out;
  EXPECT_NE(out.find("href=\"#top\""), std::string::npos);
  EXPECT_EQ(out.find("cdn.example"), std::string::npos);
  EXPECT_NE(out.find("data:image/png;base64,AAAA"), std::string::npos);
}

TEST(RewriteArchivedHtml, HostilePagesLoseEverythingThatRunsOrConnects) {
  // Each input must come out without any of the `banned` strings.
  struct Case {
    std::string html;
    std::vector<std::string> banned;
  } cases[] = {
      {"<script>alert(1)</script><p>x</p>", {"<script", "alert"}},
      {"<img src=x onerror=alert(1)>", {"onerror", "alert"}},
      {"<a href=\"javascript:alert(1)\">x</a>", {"javascript"}},
      {"<a href=\" JaVaScRiPt:alert(1)\">x</a>", {"alert"}},
      {"<link rel=preconnect href=https://evil.example>", {"evil.example", "<link"}},
      {"<link rel=dns-prefetch href=//evil.example>", {"evil.example"}},
      {"<link rel=prefetch href=https://evil.example/p>", {"evil.example"}},
      {"<link rel=prerender href=https://evil.example/p>", {"evil.example"}},
      {"<link rel=preload as=image href=https://evil.example/i>", {"evil.example"}},
      {"<link rel=stylesheet href=https://evil.example/s.css>", {"evil.example"}},
      {"<base href=https://evil.example/>", {"<base", "evil.example"}},
      {"<meta http-equiv=refresh content=\"0;url=https://evil.example\">", {"refresh", "evil"}},
      {"<meta http-equiv=Link content=\"<https://evil.example>; rel=preconnect\">", {"evil"}},
      {"<iframe src=https://evil.example></iframe>", {"<iframe", "evil"}},
      {"<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>", {"srcdoc", "alert"}},
      {"<object data=https://evil.example/x></object><embed src=https://evil.example/y>", {"evil"}},
      {"<img srcset=\"https://evil.example/a.png 2x\">", {"evil"}},
      {"<video poster=https://evil.example/p.png src=https://evil.example/v.mp4></video>",
       {"evil"}},
      {"<a ping=https://evil.example/ping href=#x>x</a>", {"evil"}},
      {"<form action=https://evil.example><button formaction=https://evil.example/2>go</button>"
       "</form>",
       {"evil"}},
      {"<div style=\"background:url(https://evil.example/bg.png)\">x</div>", {"evil"}},
      {"<div style=\"background:u\\72l(https://evil.example/bg.png)\">x</div>", {"evil"}},
      {"<div style=\"background-image:image-set('https://evil.example/i.png' 1x)\">x</div>",
       {":image-set("}},
      {"<style>@import 'https://evil.example/s.css'; body{color:red}</style>", {"@import"}},
      {"<svg><image href=https://evil.example/i.svg /><use xlink:href=https://evil.example/u#a />"
       "</svg>",
       {"evil"}},
      {"<svg><animate attributeName=href values=javascript:alert(1) /></svg>", {"alert"}},
      {"<svg><rect fill=\"url(https://evil.example/p#g)\" /></svg>", {"evil"}},
      {"<table background=https://evil.example/t.png><tr><td>x</td></tr></table>", {"evil"}},
      {"<body onload=alert(1)>x</body>", {"onload", "alert"}},
      {"<noscript><img src=https://evil.example/n.png></noscript>", {"evil"}},
      {"<textarea></textarea><script>alert(1)</script></textarea>", {"<script"}},
      {"<xmp><script>alert(1)</script></xmp>", {"<script"}},
      {"<title></title><script>alert(1)</script></title>", {"<script"}},
      {"<p title=\"a&quot;><script>alert(1)</script>\">x</p>", {"<script"}},
      {"<!--<script>alert(1)</script>-->", {"<script", "alert"}},
  };
  for (const auto& c : cases) {
    const std::string out = Rewrite(c.html);
    for (const auto& bad : c.banned) {
      EXPECT_EQ(out.find(bad), std::string::npos) << c.html << "\n→ " << out;
    }
  }
}

TEST(RewriteArchivedHtml, KeepsTheTextLanguageAndDeclaresUtf8) {
  const std::string out = Rewrite(
      "<!doctype html><html lang=az><head><meta charset=windows-1251><title>Başlıq</title>"
      "</head><body><h1 class=t>Azərbaycan &amp; Rusiya</h1></body></html>");
  EXPECT_EQ(out.rfind("<!DOCTYPE html>", 0), 0u) << out;
  EXPECT_NE(out.find("<html lang=\"az\">"), std::string::npos) << out;
  EXPECT_NE(out.find("<head><meta charset=\"utf-8\">"), std::string::npos) << out;
  EXPECT_EQ(out.find("windows-1251"), std::string::npos);
  EXPECT_NE(out.find("<h1 class=\"t\">Azərbaycan &amp; Rusiya</h1>"), std::string::npos) << out;
}

TEST(RewriteArchivedHtml, DeepNestingIsWrittenBackWithoutRecursion) {
  std::string html;
  for (int i = 0; i < 3000; ++i) html += "<span>";
  const std::string out = Rewrite(html + "deep");
  EXPECT_NE(out.find("deep"), std::string::npos);
}

TEST(RewriteCss, NeutralisesReferencesToElsewhere) {
  EXPECT_EQ(RewriteCss("a{background:url('/en/news/no2')}", "https://mfa.gov.az/x", Held),
            "a{background:url(\"/articles/00000000000000aa/original\")}");
  EXPECT_EQ(RewriteCss("a{background:url(https://evil.example/a)}", "https://mfa.gov.az/x", Held),
            "a{background:url(\"data:,\")}");
  EXPECT_EQ(RewriteCss("a{b:u\\72l(x)}", "https://mfa.gov.az/x", Held), "");
  EXPECT_EQ(RewriteCss("@IMPORT 'x.css';", "https://mfa.gov.az/x", Held),
            "@x-blocked-import 'x.css';");
}

}  // namespace
}  // namespace pressarc::web

// ---- pages -------------------------------------------------------------------

namespace pressarc::web {
namespace {

search::SearchHit HostileHit() {
  search::SearchHit hit;
  hit.rank = 1;
  hit.id = "0123456789abcdef";
  hit.url = "javascript:alert(1)";
  hit.title = "<script>alert(1)</script>";
  hit.published = "2023-02-28\"><img src=x onerror=alert(2)>";
  hit.language = "en\" onmouseover=\"alert(3)";
  hit.source = "<b>src</b>";
  hit.snippet = std::string("before ") + search::kMarkOn + "<img src=x onerror=alert(4)>" +
                search::kMarkOff + " after";
  hit.translations.push_back({"\"><script>", "https://x/", "ru", "mfa", ""});
  return hit;
}

TEST(SearchPage, EscapesEveryValueFromTheIndex) {
  search::SearchOptions asked;
  asked.query = "\"><script>alert(5)</script>";
  asked.sources = {"a\"b"};
  search::SearchResponse r;
  r.total = 1;
  r.hits.push_back(HostileHit());
  r.suggestion = "<script>alert(6)</script>";
  r.facets = search::Facets{{{"x\"><script>alert(7)</script>", 1}},
                            {{"en", 1}},
                            {{"2023", 1}},
                            {{"2023-01", 2}, {"2023-04", 1}},
                            {{"removed\"><script>alert(8)</script>", 1}}};
  const std::string html = internal::SearchPage(asked, r);
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("onmouseover=\""), std::string::npos);
  EXPECT_EQ(html.find("href=\"javascript"), std::string::npos);
  EXPECT_NE(html.find("<mark>&lt;img src=x onerror=alert(4)&gt;</mark>"), std::string::npos);
  // The hostile language code is not used as a lang attribute at all.
  EXPECT_NE(html.find("<article class=\"hit\">"), std::string::npos);
  // Four months from January to April: two bars, two empty slots.
  EXPECT_NE(html.find("<a class=\"h20\" href=\"/?q="), std::string::npos);
  EXPECT_NE(html.find("<span class=\"h0\"></span><span class=\"h0\"></span><a class=\"h10\""),
            std::string::npos)
      << html;
}

TEST(ArticlePage, EscapesTheTextAndKeepsItsParagraphs) {
  search::StoredArticle a;
  a.id = "0123456789abcdef";
  a.title = "</title><script>alert(1)</script>";
  a.language = "az";
  a.canonical_url = "https://mfa.gov.az/az/news/1";
  a.text = "First <b>para</b>.\n\nSecond \u202Eevil.";
  const std::string html = internal::ArticlePage(a);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<article class=\"full\" lang=\"az\">"), std::string::npos);
  EXPECT_NE(html.find("<p>First &lt;b&gt;para&lt;/b&gt;.</p><p>Second evil.</p>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("href=\"/archive/0123456789abcdef\""), std::string::npos);
}

// ---- versions and changes -----------------------------------------------------

std::vector<DiffSegment> Diff(std::initializer_list<std::pair<DiffOp, std::string>> segments) {
  std::vector<DiffSegment> d;
  for (const auto& [op, text] : segments) d.push_back({op, text, 0});
  return d;
}

TEST(DiffHtml, MarksChangesAndCutsLongUnchangedRuns) {
  const std::string twenty = "a b c d e f g h i j k l m n o p q r s t";
  struct Case {
    std::vector<DiffSegment> diff;
    std::string html;
  } cases[] = {
      {Diff({{DiffOp::kEqual, "x y"},
             {DiffOp::kDelete, "25"},
             {DiffOp::kInsert, "26"},
             {DiffOp::kEqual, "z"}}),
       "<p class=\"hunk\">x y <del>25</del> <ins>26</ins> z</p>"},
      {Diff(
           {{DiffOp::kEqual, twenty}, {DiffOp::kInsert, "new\n\nwords"}, {DiffOp::kEqual, twenty}}),
       "<p class=\"hunk\">… q r s t <ins>new ¶ words</ins> a b c d …</p>"},
      // Changes close together share a passage; far apart, each has its own.
      {Diff({{DiffOp::kDelete, "old"}, {DiffOp::kEqual, "one two"}, {DiffOp::kInsert, "new"}}),
       "<p class=\"hunk\"><del>old</del> one two <ins>new</ins></p>"},
      {Diff({{DiffOp::kDelete, "old"}, {DiffOp::kEqual, twenty}, {DiffOp::kInsert, "new"}}),
       "<p class=\"hunk\"><del>old</del> a b c d …</p><p class=\"hunk\">… q r s t "
       "<ins>new</ins></p>"},
      {Diff({{DiffOp::kEqual, "same"}}), ""},
      {Diff({{DiffOp::kInsert, "<script>alert(1)</script> \u202Ex"}}),
       "<p class=\"hunk\"><ins>&lt;script&gt;alert(1)&lt;/script&gt; x</ins></p>"},
  };
  for (const auto& c : cases) EXPECT_EQ(internal::DiffHtml(c.diff, 4), c.html);
}

search::ArticleHistory TwoVersions() {
  search::ArticleHistory h;
  h.id = "0123456789abcdef";
  h.total = 2;
  ArticleVersion v1, v2;
  v1.version = 1;
  v1.fetched_at = "2024-05-01T08:00:00Z";
  v1.title = "Talks";
  v2.version = 2;
  v2.fetched_at = "2024-05-03T08:00:00Z\"><script>alert(1)</script>";
  v2.title = "<script>alert(2)</script>";
  v2.words_added = 1;
  v2.words_removed = 1;
  h.versions.push_back({v1, NormalisedArticle{"Talks", "", "25 people"}, std::nullopt});
  h.versions.push_back(
      {v2, NormalisedArticle{v2.title, "", "26 people"},
       Diff(
           {{DiffOp::kDelete, "25"}, {DiffOp::kInsert, "<b>26</b>"}, {DiffOp::kEqual, "people"}})});
  return h;
}

TEST(ArticlePage, ShowsVersionsWithDiffsOnlyWhenThereAreTwoOrMore) {
  search::StoredArticle a;
  a.id = "0123456789abcdef";
  a.title = "Talks";
  a.fetched_at = "2024-05-01T08:00:00Z";
  std::string html = internal::ArticlePage(a);
  EXPECT_EQ(html.find("class=\"versions\""), std::string::npos);
  EXPECT_NE(html.find("<dt>Archived</dt><dd>2024-05-01T08:00:00Z</dd>"), std::string::npos);
  EXPECT_EQ(html.find("removed from its site"), std::string::npos);

  a.versions = 2;
  const search::ArticleHistory h = TwoVersions();
  html = internal::ArticlePage(a, &h);
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_NE(html.find("<h2 id=\"versions\">Versions (2)</h2>"), std::string::npos);
  EXPECT_NE(html.find("<li id=\"v2\">"), std::string::npos);
  EXPECT_NE(html.find("<del>25</del> <ins>&lt;b&gt;26&lt;/b&gt;</ins> people"), std::string::npos)
      << html;
  EXPECT_NE(html.find("Title: &lt;script&gt;alert(2)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("href=\"/api/articles/0123456789abcdef/history\""), std::string::npos);
}

TEST(ArticlePage, SaysWhenTheArticleWasRemoved) {
  search::StoredArticle a;
  a.id = "0123456789abcdef";
  a.status = "removed";
  a.removed_at = "2024-06-01T00:00:00Z<i>";
  const std::string html = internal::ArticlePage(a);
  EXPECT_NE(
      html.find("This article was removed from its site on <time>2024-06-01T00:00:00Z&lt;i&gt;"
                "</time>"),
      std::string::npos)
      << html;
}

TEST(ChangesPage, EscapesEventsAndLinksThemToTheirArticles) {
  ChangeEvent e;
  e.kind = ChangeKind::kEdited;
  e.at = "2024-05-03T08:00:00Z";
  e.url = "https://example.org/news/1";
  e.title = "<script>alert(1)</script>";
  e.source = "\"><img src=x onerror=alert(2)>";
  e.language = "en\" onmouseover=\"alert(3)";
  e.version = 2;
  e.excerpt = "[-<b>-]{+<i>+}";
  const std::string html =
      internal::ChangesPage({{"since", "\"><script>"}, {"kind", "edited"}}, {e}, true);
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("onmouseover=\""), std::string::npos);
  EXPECT_NE(html.find("<a href=\"/articles/" + DocumentId(e.url) + "#v2\">"), std::string::npos);
  EXPECT_NE(html.find("[-&lt;b&gt;-]{+&lt;i&gt;+}"), std::string::npos);
  EXPECT_NE(html.find("value=\"edited\" checked"), std::string::npos);
  EXPECT_NE(html.find("the newest only"), std::string::npos);
  EXPECT_NE(html.find("href=\"/api/changes?since=%22%3E%3Cscript%3E&amp;kind=edited\""),
            std::string::npos);
}

// ---- status and archived versions ----------------------------------------------

TEST(SearchPage, StatusFacetLinksFilterThroughTheQuery) {
  search::SearchOptions asked;
  asked.query = "vaccine status:live";
  search::SearchResponse r;
  r.total = 1;
  search::SearchHit hit = HostileHit();
  hit.status = "removed";
  r.hits.push_back(hit);
  r.facets = search::Facets{{}, {}, {}, {}, {{"live", 3}, {"removed", 1}}};
  const std::string html = internal::SearchPage(asked, r);
  EXPECT_NE(html.find("<h2>Status</h2>"), std::string::npos) << html;
  // The facet replaces the query's status: filter rather than adding a second one.
  EXPECT_NE(html.find("<a href=\"/?q=vaccine%20status%3Aremoved\">removed</a>"
                      "<span class=\"count\">1</span>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<a href=\"/?q=vaccine%20status%3Alive\">live</a>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"removed\" lang=\"en\">removed</span>"), std::string::npos);
}

TEST(ArticlePage, LinksTheArchivedOriginalAndEachVersion) {
  search::StoredArticle a;
  a.id = "0123456789abcdef";
  a.versions = 2;
  const search::ArticleHistory h = TwoVersions();
  const std::string html = internal::ArticlePage(a, &h);
  EXPECT_NE(html.find("href=\"/archive/0123456789abcdef\">the page as it was archived"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<a href=\"/archive/0123456789abcdef/1\">as archived</a>"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"/archive/0123456789abcdef/2\">as archived</a>"),
            std::string::npos);
}

// A data directory with one article crawled in two versions (archive,
// catalogue and index, as the crawl's IndexSink writes them).
class ArchiveRouteTest : public RoutingTest {
 protected:
  static std::string Page(const std::string& figure) {
    return "<html lang=\"en\"><body><article><h1>Consultations held</h1><time "
           "datetime=\"2024-05-01\">1 May</time><p>The ministry said that " +
           figure +
           " people took part in the consultations on regional security held in Baku on "
           "Tuesday.</p><p>The sides agreed to meet again in autumn and to continue the "
           "dialogue.</p><script>alert(1)</script></article></body></html>";
  }

  void SetUp() override {
    RoutingTest::SetUp();
    const Config config;
    auto converter = RecordConverter::Create(config);
    ASSERT_TRUE(converter.ok());
    WarcWriterOptions o;
    o.dir = dir_.string() + "/archive";
    auto warc = WarcWriter::Open(o);
    ASSERT_TRUE(warc.ok());
    auto versions = VersionLog::Open(dir_.string(), &*converter);
    ASSERT_TRUE(versions.ok());
    auto sink = IndexSink::Open(dir_.string(), std::move(*versions));
    ASSERT_TRUE(sink.ok()) << sink.status().message();
    const std::pair<std::string, std::string> fetches[] = {{"25", "2024-05-01T10:00:00Z"},
                                                           {"26", "2024-05-02T10:00:00Z"}};
    for (const auto& [figure, at] : fetches) {
      auto loc = (*warc)->WriteResource(kUrl, at, "text/html", Page(figure), "mfa-az");
      ASSERT_TRUE(loc.ok());
      ASSERT_TRUE((*warc)->Flush().ok());
      auto record = ReadWarcRecordAt(o.dir + "/" + loc->file, loc->offset);
      ASSERT_TRUE(record.ok());
      auto article = converter->Convert(*record);
      ASSERT_TRUE(article && article->kind == PageKind::kArticle);
      ASSERT_TRUE((*sink)->Add(*article, *loc, at).ok());
    }
    ASSERT_TRUE((*sink)->Commit().ok());
  }

  static constexpr char kUrl[] = "https://mfa.gov.az/en/news/no7";
};

TEST_F(ArchiveRouteTest, EachVersionIsReplayedFromItsRecordUnknownOnesAre404) {
  const std::string id = DocumentId(kUrl);
  WebResponse v1 = Get("/archive/" + id + "/1");
  WebResponse v2 = Get("/archive/" + id + "/2");
  ASSERT_EQ(v1.status, 200) << v1.body;
  ASSERT_EQ(v2.status, 200) << v2.body;
  EXPECT_NE(v1.body.find("said that 25 people"), std::string::npos) << v1.body;
  EXPECT_NE(v2.body.find("said that 26 people"), std::string::npos) << v2.body;
  for (const WebResponse* r : {&v1, &v2}) {
    EXPECT_EQ(r->body.find("<script"), std::string::npos);  // rewritten as the original is
    bool sandboxed = false;
    for (const auto& [name, value] : r->headers) {
      sandboxed |= name == "Content-Security-Policy" && value == kReplayCsp;
    }
    EXPECT_TRUE(sandboxed);
  }
  // /archive/ID is the indexed (newest) version; /articles/ID/original its older name.
  EXPECT_EQ(Get("/archive/" + id).body, v2.body);
  EXPECT_EQ(Get("/articles/" + id + "/original").body, v2.body);
  // The article page links every version.
  const WebResponse page = Get("/articles/" + id);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("href=\"/archive/" + id + "/2\""), std::string::npos) << page.body;

  for (const std::string bad : {"/3", "/0", "/x", "/", "/-1", "/99999999999", "/1/2"}) {
    const WebResponse r = Get("/archive/" + id + bad);
    EXPECT_EQ(r.status, 404) << bad << "\n" << r.body.substr(0, 300);
    EXPECT_NE(r.body.find("<html"), std::string::npos) << bad;  // a page, not a bare error
  }
  EXPECT_EQ(Get("/archive/not-an-id/1").status, 404);
  EXPECT_EQ(Get("/archive/0000000000000000/1").status, 404);
}

}  // namespace
}  // namespace pressarc::web
