// web/: the Site's shared state: the response cache (bounded, keyed on the
// index revision) and the pool of open Searchers (reopened when the index
// changes).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "indexer/indexer.h"
#include "tests/search/test_index.h"
#include "web/response_cache.h"
#include "web/searcher_pool.h"
#include "web/web.h"

namespace pressarc::web {
namespace {

using internal::RequestKey;
using internal::ResponseCache;
using internal::SearcherPool;

WebResponse Page(std::size_t bytes, char fill = 'x') {
  WebResponse r;
  r.body = std::string(bytes, fill);
  return r;
}

TEST(RequestKey, SortsParametersByNameKeepingTheOrderOfValues) {
  const WebRequest a{"GET", "/", {{"q", "x"}, {"lang", "az"}, {"lang", "ru"}}};
  const WebRequest b{"GET", "/", {{"lang", "az"}, {"q", "x"}, {"lang", "ru"}}};
  const WebRequest c{"GET", "/", {{"lang", "ru"}, {"lang", "az"}, {"q", "x"}}};
  EXPECT_EQ(RequestKey(a), RequestKey(b));
  EXPECT_NE(RequestKey(a), RequestKey(c));
  // No way to pass one split of names and values for another.
  EXPECT_NE(RequestKey({"GET", "/", {{"a", "b=c"}}}), RequestKey({"GET", "/", {{"a=b", "c"}}}));
  EXPECT_NE(RequestKey({"GET", "/", {{"q", "ab"}}}),
            RequestKey({"GET", "/", {{"q", "a"}, {"q", "b"}}}));
  EXPECT_NE(RequestKey({"GET", "/", {{"q", "x"}}}),
            RequestKey({"GET", "/api/search", {{"q", "x"}}}));
}

TEST(ResponseCache, StaysWithinItsBytesDroppingTheLeastRecentlyUsed) {
  ResponseCache cache(80000);  // entries of up to 10,000 bytes are kept
  cache.Put("r1", "a", Page(9000, 'a'));
  cache.Put("r1", "b", Page(9000, 'b'));
  ASSERT_TRUE(cache.Get("r1", "a"));  // a is now the most recently used
  for (int i = 0; i < 20; ++i) cache.Put("r1", "n" + std::to_string(i), Page(9000));
  const CacheStats stats = cache.stats();
  EXPECT_LE(stats.bytes, 80000u);
  EXPECT_GT(stats.evictions, 0u);
  EXPECT_FALSE(cache.Get("r1", "b"));
  EXPECT_FALSE(cache.Get("r1", "n0"));
  ASSERT_TRUE(cache.Get("r1", "n19"));
  EXPECT_EQ(cache.Get("r1", "n19")->body, std::string(9000, 'x'));
}

TEST(ResponseCache, KeepsNothingLargerThanAnEighthOfItsBound) {
  ResponseCache cache(80000);
  cache.Put("r1", "big", Page(20000));
  EXPECT_FALSE(cache.Get("r1", "big"));
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(ResponseCache, AnotherRevisionNeverGetsAPageComputedAtThisOne) {
  ResponseCache cache(1 << 20);
  cache.Put("r1", "page", Page(100, 'o'));
  ASSERT_TRUE(cache.Get("r1", "page"));
  EXPECT_FALSE(cache.Get("r2", "page"));    // the index changed: computed anew
  EXPECT_EQ(cache.stats().entries, 0u);     // and the old revision's pages are gone
  cache.Put("r1", "page", Page(100, 'o'));  // computed before the change: not kept
  EXPECT_FALSE(cache.Get("r2", "page"));
  cache.Put("r2", "page", Page(100, 'n'));
  ASSERT_TRUE(cache.Get("r2", "page"));
  EXPECT_EQ(cache.Get("r2", "page")->body, std::string(100, 'n'));
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits, 3u);
  EXPECT_EQ(stats.misses, 2u);
}

// ---- over a real index -------------------------------------------------------

IndexedArticle NewArticle(const std::string& url, const std::string& title,
                          const std::string& text) {
  IndexedArticle a;
  a.article.url = url;
  a.article.canonical_url = url;
  a.article.title = title;
  a.article.published = "2024-02-01";
  a.article.language = "en";
  a.article.source = "mfa-az";
  a.article.text = text;
  a.article.kind = PageKind::kArticle;
  a.archive.file = "pressarc-00002.warc.gz";
  a.fetched_at = "2024-02-01T00:00:00Z";
  return a;
}

// Adds one article to the live generation, as crawl and import do.
void Commit(const std::string& dir, const IndexedArticle& a) {
  auto writer = IndexWriter::OpenLive(dir);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  ASSERT_TRUE((*writer)->Add(a).ok());
  ASSERT_TRUE((*writer)->Commit().ok());
}

// Builds a new generation holding the one article and swaps it in, as reindex does.
void Reindex(const std::string& dir, const IndexedArticle& a) {
  IndexWriterOptions o;
  o.old_generation_grace_s = 0;
  auto writer = IndexWriter::CreateGeneration(dir, o);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  ASSERT_TRUE((*writer)->Add(a).ok());
  ASSERT_TRUE((*writer)->Publish().ok());
}

std::string XCache(const WebResponse& r) {
  for (const auto& [name, value] : r.headers) {
    if (name == "X-Cache") return value;
  }
  return "";
}

class SiteTest : public ::testing::Test {
 protected:
  WebOptions Options() const {
    WebOptions o;
    o.data_dir = index_.dir();
    o.searchers = 2;
    return o;
  }
  static WebResponse Get(Site& site, const std::string& path, const std::string& q) {
    return site.Handle(WebRequest{"GET", path, {{"q", q}}});
  }

  search::testing::TempIndex index_;
};

TEST_F(SiteTest, ACachedPageIsNotServedAfterACommitAddsAMatch) {
  Site site(Options());
  const WebResponse first = Get(site, "/", "zanzibar");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(XCache(first), "miss");
  EXPECT_EQ(first.body.find("Zanzibar talks"), std::string::npos);
  const WebResponse again = Get(site, "/", "zanzibar");
  EXPECT_EQ(XCache(again), "hit");
  EXPECT_EQ(again.body, first.body);

  Commit(index_.dir(), NewArticle("https://mfa.gov.az/en/news/no90001", "Zanzibar talks",
                                  "Delegations met in Zanzibar to discuss shipping."));
  const WebResponse after = Get(site, "/", "zanzibar");
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(XCache(after), "miss");
  EXPECT_NE(after.body.find("Zanzibar talks"), std::string::npos);
  const WebResponse json = Get(site, "/api/search", "zanzibar");
  EXPECT_NE(json.body.find("\"total\":1"), std::string::npos) << json.body;
  EXPECT_EQ(site.cache_stats().hits, 1u);
}

TEST_F(SiteTest, PooledSearchersAreReusedAndReopenedAfterAReindexSwap) {
  WebOptions o = Options();
  o.cache_bytes = 0;  // every request searches
  Site site(o);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Get(site, "/", "Lavrov").status, 200);
  EXPECT_EQ(site.searchers_opened(), 1u);
  EXPECT_EQ(XCache(Get(site, "/", "Lavrov")), "");  // no cache, no header

  Reindex(index_.dir(), NewArticle("https://mfa.gov.az/en/news/no90002", "Only survivor",
                                   "Nothing else was reindexed, Lavrov included."));
  const WebResponse after = Get(site, "/api/search", "survivor");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_NE(after.body.find("Only survivor"), std::string::npos);
  EXPECT_EQ(site.searchers_opened(), 2u);
  const WebResponse gone = Get(site, "/api/search", "Statement");
  EXPECT_NE(gone.body.find("\"total\":0"), std::string::npos) << gone.body;
}

TEST_F(SiteTest, WithARemoteShardNothingIsCachedAndEachRequestOpensAfresh) {
  auto config = std::make_shared<Config>();
  config->search.shards = {"tcp://127.0.0.1:1"};  // nothing listens there: down, left out
  config->search.shard_timeout_s = 1;
  EXPECT_FALSE(search::IndexRevision(index_.dir(), {config->search.shards, 1}));
  WebOptions o = Options();
  o.config = config;
  Site site(o);
  for (int i = 0; i < 2; ++i) {
    const WebResponse r = Get(site, "/", "Lavrov");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(XCache(r), "");
  }
  EXPECT_EQ(site.cache_stats().entries, 0u);
  EXPECT_EQ(site.searchers_opened(), 2u);
}

TEST_F(SiteTest, ErrorsAreNotCached) {
  Site site(Options());
  EXPECT_EQ(Get(site, "/", "\"open").status, 400);
  EXPECT_EQ(Get(site, "/", "\"open").status, 400);
  EXPECT_EQ(site.cache_stats().entries, 0u);
}

TEST(SearcherPool, ACheckoutWaitsWhileAllSearchersAreOut) {
  search::testing::TempIndex index;
  SearcherPool pool(index.dir(), {}, 1);
  const auto revision = search::IndexRevision(index.dir());
  auto held = pool.Checkout(revision);
  ASSERT_TRUE(held.ok());
  std::atomic<bool> got{false};
  std::thread other([&] {
    auto lease = pool.Checkout(revision);
    EXPECT_TRUE(lease.ok());
    got = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(got);
  { auto release = std::move(*held); }
  other.join();
  EXPECT_TRUE(got);
  EXPECT_EQ(pool.opened(), 1u);  // the same Searcher, handed on
}

// After a reindex, the Searchers waiting in the pool hold the deleted
// generation's files: the first request that sees the new revision closes
// them, not only the one it is handed.
TEST(SearcherPool, ANewRevisionClosesTheIdleSearchersOfTheOldOne) {
  search::testing::TempIndex index;
  SearcherPool pool(index.dir(), {}, 3);
  {
    auto a = pool.Checkout(std::string("r1"));
    auto b = pool.Checkout(std::string("r1"));
    auto c = pool.Checkout(std::string("r1"));
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  }
  EXPECT_EQ(pool.idle(), 3u);
  {
    auto lease = pool.Checkout(std::string("r1"));  // the same revision: reused
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(pool.opened(), 3u);
    EXPECT_EQ(pool.idle(), 2u);
  }
  {
    auto lease = pool.Checkout(std::string("r2"));
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(pool.opened(), 4u);
    EXPECT_EQ(pool.idle(), 0u);
  }
  EXPECT_EQ(pool.idle(), 1u);
  {
    auto lease = pool.Checkout(std::nullopt);  // no revision: nothing is reused
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(pool.idle(), 0u);
  }
}

TEST(SearcherPool, NoIndexIsAnErrorThatFreesItsSlot) {
  const std::string dir = ::testing::TempDir() + "/pressarc-pool-no-index";
  SearcherPool pool(dir, {}, 1);
  for (int i = 0; i < 3; ++i) {
    auto lease = pool.Checkout(std::string("-"));
    ASSERT_FALSE(lease.ok());
    EXPECT_NE(lease.status().message().find("no index yet"), std::string::npos);
  }
}

}  // namespace
}  // namespace pressarc::web
