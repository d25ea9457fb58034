// Tests of crawler/feeds.h: sitemaps, sitemap indexes, RSS, Atom, gzip, and
// hostile XML (malformed, XXE, entity expansion, oversized).
#include "crawler/feeds.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace pressarc {
namespace {

std::vector<std::string> Urls(const FeedDocument& doc) {
  std::vector<std::string> urls;
  for (const auto& e : doc.entries) urls.push_back(e.url);
  return urls;
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

const char kSitemap[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url>
    <loc>https://mfa.gov.az/az/news/no12345</loc>
    <lastmod>2024-03-01</lastmod>
    <xhtml:link rel="alternate" hreflang="en" href="https://mfa.gov.az/en/news/no12345"/>
    <xhtml:link rel="alternate" hreflang="ru" href="/ru/news/no12345"/>
  </url>
  <url>
    <loc>https://mfa.gov.az/az/news/no12399</loc>
    <lastmod>2024-03-05T10:00:00+04:00</lastmod>
  </url>
  <url><loc> /az/news/no12001 </loc><lastmod>2023-12-31T23:59:59Z</lastmod></url>
  <url><loc>mailto:press@mfa.gov.az</loc></url>
  <url><loc></loc></url>
</urlset>)";

TEST(FeedsTest, SitemapUrlsetGivesUrlsNewestFirstWithAlternates) {
  FeedDocument doc = ParseFeed(kSitemap, "https://mfa.gov.az/sitemap.xml");
  EXPECT_EQ(doc.kind, FeedKind::kSitemap);
  ASSERT_EQ(Urls(doc), (std::vector<std::string>{"https://mfa.gov.az/az/news/no12399",
                                                 "https://mfa.gov.az/az/news/no12345",
                                                 "https://mfa.gov.az/az/news/no12001"}));
  EXPECT_EQ(doc.entries[0].modified, "2024-03-05T10:00:00+04:00");
  EXPECT_EQ(doc.entries[1].modified, "2024-03-01");
  EXPECT_FALSE(doc.entries[0].is_sitemap);
  using Alt = std::pair<std::string, std::string>;
  EXPECT_EQ(doc.entries[1].alternates,
            (std::vector<Alt>{{"en", "https://mfa.gov.az/en/news/no12345"},
                              {"ru", "https://mfa.gov.az/ru/news/no12345"}}));
  EXPECT_TRUE(doc.entries[0].alternates.empty());
}

TEST(FeedsTest, SitemapIndexListsSitemapsAndGzipIsSniffed) {
  const std::string index = R"(<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://gov.example/sitemap-news.xml.gz</loc><lastmod>2024-05-01</lastmod></sitemap>
  <sitemap><loc>sitemap-pages.xml</loc></sitemap>
  <sitemap><loc>https://gov.example/sitemap-2024.xml</loc><lastmod>2024-06-01</lastmod></sitemap>
</sitemapindex>)";
  for (const std::string& body : {index, Gzip(index)}) {
    FeedDocument doc = ParseFeed(body, "https://gov.example/sitemap.xml");
    EXPECT_EQ(doc.kind, FeedKind::kSitemapIndex);
    ASSERT_EQ(Urls(doc), (std::vector<std::string>{"https://gov.example/sitemap-2024.xml",
                                                   "https://gov.example/sitemap-news.xml.gz",
                                                   "https://gov.example/sitemap-pages.xml"}));
    for (const auto& e : doc.entries) EXPECT_TRUE(e.is_sitemap);
  }
}

TEST(FeedsTest, Rss2ItemsWithPubDateAsIso8601) {
  const char* rss = R"(<?xml version="1.0" encoding="windows-1252"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Press releases</title>
  <link>https://gov.example/</link>
  <item><title>Old</title><link>https://gov.example/news/1</link>
        <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate></item>
  <item><title>Newest</title><link>/news/3</link>
        <pubDate>Mon, 04 Mar 2024 09:30:00 +0400</pubDate></item>
  <item><title>Middle, no weekday, no seconds</title><link>news/2?id=2&amp;lang=en</link>
        <pubDate>5 Jan 2024 17:05 EST</pubDate></item>
  <item><title>Guid only</title><guid>https://gov.example/news/4</guid>
        <dc:date>2024-03-04T06:00:00Z</dc:date></item>
  <item><title>Not a permalink</title><guid isPermaLink="false">abc-123</guid></item>
</channel>
</rss>)";
  FeedDocument doc = ParseFeed(rss, "https://gov.example/feed/rss.xml");
  EXPECT_EQ(doc.kind, FeedKind::kRss);
  // 09:30+04:00 is 05:30Z, older than 06:00Z.
  ASSERT_EQ(Urls(doc),
            (std::vector<std::string>{"https://gov.example/news/4", "https://gov.example/news/3",
                                      "https://gov.example/feed/news/2?id=2&lang=en",
                                      "https://gov.example/news/1"}));
  EXPECT_EQ(doc.entries[0].modified, "2024-03-04T06:00:00Z");
  EXPECT_EQ(doc.entries[1].modified, "2024-03-04T09:30:00+04:00");
  EXPECT_EQ(doc.entries[2].modified, "2024-01-05T17:05:00-05:00");
  EXPECT_EQ(doc.entries[3].modified, "2003-06-10T04:00:00Z");
}

TEST(FeedsTest, Rss2BadDatesAreEmptyAndUndatedItemsKeepDocumentOrder) {
  const char* rss = R"(<rss version="2.0"><channel>
  <item><link>https://g.example/a</link><pubDate>yesterday</pubDate></item>
  <item><link>https://g.example/b</link></item>
  <item><link>https://g.example/c</link><pubDate>32 Foo 2024 10:00:00 GMT</pubDate></item>
  <item><link>https://g.example/d</link><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>
  <item><link>https://g.example/e</link><pubDate>10 Jun 33333333333 04:00 GMT</pubDate></item>
</channel></rss>)";
  FeedDocument doc = ParseFeed(rss, "https://g.example/rss");
  ASSERT_EQ(Urls(doc), (std::vector<std::string>{"https://g.example/d", "https://g.example/a",
                                                 "https://g.example/b", "https://g.example/c",
                                                 "https://g.example/e"}));
  EXPECT_EQ(doc.entries[1].modified, "");
  EXPECT_EQ(doc.entries[3].modified, "");
  // A year of eleven digits is no date (and no int overflow: feeds_fuzz).
  EXPECT_EQ(doc.entries[4].modified, "");
}

TEST(FeedsTest, AtomEntriesUseTheAlternateLinkAndPublishedOrUpdated) {
  const char* atom = R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Ministry news</title>
  <link rel="self" href="https://gov.example/atom.xml"/>
  <entry>
    <title>One</title>
    <link rel="self" href="https://gov.example/api/1"/>
    <link rel="alternate" type="text/html" href="https://gov.example/news/1"/>
    <published>2024-02-01T08:00:00+03:00</published>
    <updated>2024-02-10T08:00:00+03:00</updated>
  </entry>
  <entry>
    <title>Two</title>
    <link href="/news/2"/>
    <updated>2024-02-05T00:00:00Z</updated>
  </entry>
  <entry><title>No link</title><updated>2024-02-06T00:00:00Z</updated></entry>
</feed>)";
  FeedDocument doc = ParseFeed(atom, "https://gov.example/atom.xml");
  EXPECT_EQ(doc.kind, FeedKind::kAtom);
  ASSERT_EQ(Urls(doc),
            (std::vector<std::string>{"https://gov.example/news/2", "https://gov.example/news/1"}));
  EXPECT_EQ(doc.entries[0].modified, "2024-02-05T00:00:00Z");
  EXPECT_EQ(doc.entries[1].modified, "2024-02-01T08:00:00+03:00");
}

TEST(FeedsTest, MalformedXmlGivesWhatCouldBeRead) {
  const char* broken = R"(<urlset><url><loc>https://g.example/1</loc></url>
<url><loc>https://g.example/2</loc><lastmod>2024-01-01</url>
<url><loc>https://g.example/3</loc></url><url><loc>https://g.example/4)";
  FeedDocument doc = ParseFeed(broken, "https://g.example/sitemap.xml");
  EXPECT_EQ(doc.kind, FeedKind::kSitemap);
  std::vector<std::string> urls = Urls(doc);
  EXPECT_GE(urls.size(), 2u);
  EXPECT_NE(std::find(urls.begin(), urls.end(), "https://g.example/1"), urls.end());
}

TEST(FeedsTest, NotAFeedGivesNothing) {
  for (std::string body :
       {std::string(), std::string("<html><body><a href='/x'>x</a></body></html>"),
        std::string("\x1f\x8b garbage that is not gzip"), std::string("{\"json\": true}"),
        std::string(1000, '\0')}) {
    FeedDocument doc = ParseFeed(body, "https://g.example/");
    EXPECT_EQ(doc.kind, FeedKind::kNone);
    EXPECT_TRUE(doc.entries.empty());
  }
}

TEST(FeedsTest, ExternalEntitiesAreNeverRead) {
  char path[] = "/tmp/pressarc-xxe-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  const char secret[] = "TOP-SECRET-MARKER";
  ASSERT_EQ(::write(fd, secret, sizeof secret - 1), static_cast<ssize_t>(sizeof secret - 1));
  ::close(fd);
  std::string xml =
      std::string("<?xml version=\"1.0\"?>\n<!DOCTYPE urlset [\n<!ENTITY xxe SYSTEM \"file://") +
      path +
      "\">\n]>\n<urlset><url><loc>https://g.example/&xxe;</loc></url>"
      "<url><loc>https://g.example/ok</loc></url></urlset>";
  FeedDocument doc = ParseFeed(xml, "https://g.example/sitemap.xml");
  std::remove(path);
  for (const auto& e : doc.entries) EXPECT_EQ(e.url.find("SECRET"), std::string::npos) << e.url;
  std::vector<std::string> urls = Urls(doc);
  EXPECT_NE(std::find(urls.begin(), urls.end(), "https://g.example/ok"), urls.end());
}

TEST(FeedsTest, BillionLaughsDoesNotBlowUp) {
  std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  xml += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
  for (int i = 2; i <= 9; ++i) {
    std::string prev = "&lol" + std::to_string(i - 1) + ";";
    std::string body;
    for (int k = 0; k < 10; ++k) body += prev;
    xml += "<!ENTITY lol" + std::to_string(i) + " \"" + body + "\">\n";
  }
  xml +=
      "]>\n<rss><channel><item><link>https://g.example/&lol9;</link></item>"
      "<item><link>https://g.example/fine</link></item></channel></rss>";
  auto start = std::chrono::steady_clock::now();
  FeedDocument doc = ParseFeed(xml, "https://g.example/rss");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 5.0);
  for (const auto& e : doc.entries) EXPECT_LT(e.url.size(), 10000u);
  // The entity loop halts libxml2 when the entities are declared; they never
  // are, so the items after a reference are still read.
  EXPECT_EQ(doc.kind, FeedKind::kRss);
  std::vector<std::string> urls = Urls(doc);
  EXPECT_NE(std::find(urls.begin(), urls.end(), "https://g.example/fine"), urls.end());
}

TEST(FeedsTest, EntitiesInAnAtomFeedAreLeftOutAndTheEntriesKept) {
  std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE feed SYSTEM \"http://127.0.0.1:9/evil.dtd\" [\n"
      "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
      "<!ENTITY % remote SYSTEM \"http://127.0.0.1:9/param.dtd\">\n%remote;\n"
      "<!ENTITY big \"&xxe;&xxe;&xxe;&xxe;\">\n]>\n"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>&big;</title>"
      "<entry><title>&xxe;</title><link href=\"https://g.example/a&xxe;\"/>"
      "<updated>2025-06-06T08:00:00Z</updated></entry>"
      "<entry><title>t</title><link href=\"https://g.example/b\"/></entry></feed>";
  FeedDocument doc = ParseFeed(xml, "https://g.example/atom");
  EXPECT_EQ(doc.kind, FeedKind::kAtom);
  std::vector<std::string> urls = Urls(doc);
  EXPECT_NE(std::find(urls.begin(), urls.end(), "https://g.example/b"), urls.end());
  for (const auto& u : urls) EXPECT_EQ(u.find("root:"), std::string::npos) << u;
}

TEST(FeedsTest, AtMost50000EntriesPerDocument) {
  std::string xml = "<urlset>";
  for (int i = 0; i < 50010; ++i) {
    xml += "<url><loc>https://g.example/n/" + std::to_string(i) + "</loc></url>";
  }
  xml += "</urlset>";
  FeedDocument doc = ParseFeed(xml, "https://g.example/sitemap.xml");
  ASSERT_EQ(doc.entries.size(), 50000u);
  EXPECT_EQ(doc.entries.front().url, "https://g.example/n/0");  // undated: document order
  EXPECT_EQ(doc.entries.back().url, "https://g.example/n/49999");
}

TEST(FeedsTest, GzipBombIsRefused) {
  std::string bomb = Gzip(std::string(51u << 20, ' '));
  FeedDocument doc = ParseFeed(bomb, "https://g.example/sitemap.xml.gz");
  EXPECT_EQ(doc.kind, FeedKind::kNone);
  EXPECT_TRUE(doc.entries.empty());
}

// Peak resident memory of this process so far, in MiB.
long PeakRssMib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

// Millions of empty elements: a parser that built a tree would hold a
// gigabyte; the stream reader holds one chunk.
TEST(FeedsTest, MillionsOfElementsCostNoMemory) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory and quarantine make peak RSS meaningless here";
#endif
  std::string dense = "<urlset>";
  while (dense.size() < (16u << 20)) dense += "<url/>";
  dense += "<url><loc>https://g.example/last</loc></url></urlset>";
  for (const std::string& body : {dense, Gzip(dense)}) {
    long before = PeakRssMib();
    auto start = std::chrono::steady_clock::now();
    FeedDocument doc = ParseFeed(body, "https://g.example/sitemap.xml");
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(doc.kind, FeedKind::kSitemap);
    EXPECT_EQ(Urls(doc), std::vector<std::string>{"https://g.example/last"});
    EXPECT_LT(PeakRssMib() - before, 32) << "the parse took memory in proportion to its input";
    EXPECT_LT(seconds, 20.0);
  }
}

TEST(FeedsTest, GzipBeyondTheCapGivesTheEntriesBeforeIt) {
  std::string xml = "<urlset><url><loc>https://g.example/first</loc></url>";
  xml += std::string(51u << 20, ' ');
  xml += "<url><loc>https://g.example/beyond</loc></url></urlset>";
  FeedDocument doc = ParseFeed(Gzip(xml), "https://g.example/sitemap.xml.gz");
  EXPECT_EQ(Urls(doc), std::vector<std::string>{"https://g.example/first"});
}

}  // namespace
}  // namespace pressarc
