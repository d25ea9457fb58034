// search::IndexRevision: the key that tells a kept Searcher (and a cached
// page) that the index changed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "indexer/indexer.h"
#include "search/search.h"
#include "tests/search/test_index.h"

namespace pressarc::search {
namespace {

IndexedArticle Article(const std::string& url) {
  IndexedArticle a;
  a.article.url = a.article.canonical_url = url;
  a.article.title = "Title";
  a.article.language = "en";
  a.article.source = "s";
  a.article.text = "Some words to index.";
  a.article.kind = PageKind::kArticle;
  a.fetched_at = "2024-02-01T00:00:00Z";
  return a;
}

TEST(IndexRevision, ChangesWithACommitAndWithAGenerationSwapOnly) {
  testing::TempIndex index;
  const auto before = IndexRevision(index.dir());
  ASSERT_TRUE(before);
  EXPECT_EQ(IndexRevision(index.dir()), before);  // nothing changed: the same key
  {
    auto writer = IndexWriter::OpenLive(index.dir());
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Add(Article("https://example.org/a")).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  const auto committed = IndexRevision(index.dir());
  ASSERT_TRUE(committed);
  EXPECT_NE(committed, before);
  IndexWriterOptions o;
  o.old_generation_grace_s = 0;
  auto writer = IndexWriter::CreateGeneration(index.dir(), o);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add(Article("https://example.org/b")).ok());
  ASSERT_TRUE((*writer)->Publish().ok());
  const auto swapped = IndexRevision(index.dir());
  ASSERT_TRUE(swapped);
  EXPECT_NE(swapped, committed);
  EXPECT_NE(swapped->find("gen-000002"), std::string::npos) << *swapped;
}

TEST(IndexRevision, HasNoKeyWhereNoneIsReliable) {
  testing::TempIndex index;
  EXPECT_FALSE(IndexRevision(index.dir(), {{"tcp://127.0.0.1:1"}, 1}));  // a remote shard
  testing::TempIndex other;
  const auto with_dir_shard = IndexRevision(index.dir(), {{other.dir()}, 1});
  ASSERT_TRUE(with_dir_shard);  // a directory shard has one
  EXPECT_NE(with_dir_shard, IndexRevision(index.dir()));
  std::ofstream(IndexPaths::Stub(index.dir())) << "remote 127.0.0.1:1\n";  // a stub naming a server
  EXPECT_FALSE(IndexRevision(index.dir()));
}

TEST(IndexRevision, NoIndexIsAKeyToo) {
  testing::TempIndex empty(std::vector<testing::Doc>{});
  EXPECT_EQ(IndexRevision(empty.dir()), std::optional<std::string>("-"));
}

}  // namespace
}  // namespace pressarc::search
